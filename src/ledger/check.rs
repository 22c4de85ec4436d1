//! `witness check`: every tracked file (or those named) re-hashed against the last version the
//! ledger recorded of its path, and, where the bytes changed, the recorded version and the
//! file as they stand, ready to be diffed.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::{Input, Ledger, LedgerError};
use crate::ledger::record::Digest;
use crate::source::{Document, ReadOptions};

/// What became of one path.
#[derive(Debug)]
pub enum State {
    /// The file has the bytes last recorded.
    Same,
    /// The file is gone (or cannot be read).
    Missing {
        /// The label of its last version.
        label: String,
        /// The record of that version.
        seq: u64,
    },
    /// The file's bytes differ from its last version.
    Changed {
        /// The digest recorded.
        recorded: Digest,
        /// The digest now.
        now: Digest,
        /// The recorded version (decoded leniently: malformed bytes as U+FFFD).
        old: Box<Document>,
        /// The file as it stands.
        new: Box<Document>,
    },
    /// A path named that the ledger has no version of.
    Untracked,
}

/// The result of a check.
#[derive(Debug)]
pub struct Check {
    /// Each path checked (relative to the repository), in path order; untracked paths last.
    pub paths: Vec<(String, State)>,
    /// How many paths the ledger tracks.
    pub tracked: usize,
    /// The files read, as inputs of an audit record of the check.
    pub inputs: Vec<Input>,
}

impl Check {
    /// Paths that are not [`State::Same`].
    pub fn drift(&self) -> usize {
        self.paths
            .iter()
            .filter(|(_, s)| !matches!(s, State::Same))
            .count()
    }
}

impl Ledger {
    /// Checks every tracked path, or only `paths` when some are given.
    pub fn check(&self, paths: &[PathBuf]) -> Result<Check, LedgerError> {
        let records = self.records()?;
        // The last version of each path.
        let mut latest = BTreeMap::new();
        for r in &records {
            if let Some(v) = r.version() {
                latest.insert(v.path.as_str(), (r.seq, v));
            }
        }
        let wanted: Option<Vec<String>> = if paths.is_empty() {
            None
        } else {
            Some(
                paths
                    .iter()
                    .map(|p| self.relative(p))
                    .collect::<Result<_, _>>()?,
            )
        };
        let mut check = Check {
            paths: Vec::new(),
            tracked: latest.len(),
            inputs: Vec::new(),
        };
        for (&rel, &(seq, v)) in &latest {
            if wanted.as_ref().is_some_and(|w| !w.iter().any(|p| p == rel)) {
                continue;
            }
            let Ok(bytes) = std::fs::read(self.root.join(rel)) else {
                let label = v.label.clone();
                check
                    .paths
                    .push((rel.to_string(), State::Missing { label, seq }));
                continue;
            };
            let now = Digest::of(&bytes);
            check.inputs.push(Input {
                path: rel.to_string(),
                sha256: now,
                text_sha256: None,
            });
            let state = if now == v.sha256 {
                State::Same
            } else {
                let old = self.object(seq, &v.sha256)?;
                let read = ReadOptions {
                    encoding: None,
                    lossy: true,
                };
                let shown = format!("{rel} (record {seq})");
                State::Changed {
                    recorded: v.sha256,
                    now,
                    old: Box::new(Document::from_bytes(&shown, rel, &old, &read)?),
                    new: Box::new(Document::from_bytes(rel, rel, &bytes, &read)?),
                }
            };
            check.paths.push((rel.to_string(), state));
        }
        for p in wanted.into_iter().flatten() {
            if !latest.contains_key(p.as_str()) {
                check.paths.push((p, State::Untracked));
            }
        }
        Ok(check)
    }
}
