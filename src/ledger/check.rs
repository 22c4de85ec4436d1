//! `witness check`: every tracked file (or those named) re-hashed against the last version the
//! ledger recorded of its path, and, where the bytes changed, the recorded version and the
//! file as they stand, ready to be diffed.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::{Input, Ledger, LedgerError};
use crate::ledger::record::Digest;
use crate::source::{
    Document, MAX_FILE_BYTES, ReadOptions, SourceError, open_regular, read_limited,
};

/// What became of one path.
#[derive(Debug)]
pub enum State {
    /// The file has the bytes last recorded.
    Same,
    /// The file is gone (or cannot be read).
    Missing {
        /// Its last version as `show` and `diff` take it: the label and the version's number,
        /// `official@2`.
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
        /// The recorded version and the file as it stands (decoded leniently: malformed
        /// bytes as U+FFFD), when both are small enough to compare as text.
        texts: Option<Box<(Document, Document)>>,
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

/// SHA-256 of a file's bytes, streamed.
fn digest_of(f: &mut std::fs::File) -> std::io::Result<Digest> {
    use sha2::Digest as _;
    use std::io::Read as _;
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            return Ok(Digest::from_bytes(hasher.finalize().into()));
        }
        hasher.update(&buf[..n]);
    }
}

impl Ledger {
    /// The recorded version of `rel` and the file, as texts to diff; `None` when either is
    /// larger than witness reads as text.
    fn texts(
        &self,
        rel: &str,
        seq: u64,
        recorded: Digest,
        file: &std::path::Path,
    ) -> Result<Option<Box<(Document, Document)>>, LedgerError> {
        let new = match read_limited(file, MAX_FILE_BYTES) {
            Ok(b) => b,
            Err(SourceError::TooLarge { .. }) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let old = self.object(seq, &recorded)?;
        if old.len() as u64 > MAX_FILE_BYTES {
            return Ok(None);
        }
        let read = ReadOptions {
            encoding: None,
            lossy: true,
            ..ReadOptions::default()
        };
        let shown = format!("{rel} (record {seq})");
        Ok(Some(Box::new((
            Document::from_bytes(&shown, rel, &old, &read)?,
            Document::from_bytes(rel, rel, &new, &read)?,
        ))))
    }

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
            let file = self.root.join(rel);
            if std::fs::symlink_metadata(&file).is_err() {
                let number = Ledger::version_number(&records, seq, &v.label);
                let label = format!("{}@{number}", v.label);
                check
                    .paths
                    .push((rel.to_string(), State::Missing { label, seq }));
                continue;
            }
            // Only what is really inside the repository, and only a regular file, is read.
            self.inside(&file)?;
            let (mut f, _) = open_regular(&file)?;
            let now = digest_of(&mut f).map_err(|e| LedgerError::Io {
                path: file.display().to_string(),
                source: e,
            })?;
            check.inputs.push(Input {
                path: rel.to_string(),
                sha256: now,
                text_sha256: None,
            });
            let state = if now == v.sha256 {
                State::Same
            } else {
                State::Changed {
                    recorded: v.sha256,
                    now,
                    texts: self.texts(rel, seq, v.sha256, &file)?,
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
