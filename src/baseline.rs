//! Accepted differences: a baseline file, kept in the repository, of the diagnostics a team
//! has looked at and accepted (`witness accept`). A later run given it (`--baseline`) reports
//! and fails only on what is new, and lists the entries that no longer match anything (stale:
//! fixed, or changed beyond recognition).
//!
//! Entries are keyed by the diagnostics' fingerprints, which do not depend on line numbers,
//! so re-wrapping or re-encoding a document does not make accepted differences new again.

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostics::{Diagnostic, Diagnostics};

/// The schema of baseline files.
pub const SCHEMA: &str = "witness/baseline/1";

/// Characters of a diagnostic's message an entry keeps, for a person reading the file.
const MESSAGE_CHARS: usize = 120;

/// A baseline file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    /// [`SCHEMA`].
    pub schema: String,
    /// The command whose diagnostics were accepted: `diff`, `scan`, `errata`, `audit`,
    /// `check`.
    pub command: String,
    /// The accepted diagnostics, by path, then rule, then fingerprint.
    pub entries: Vec<Accepted>,
}

/// One accepted diagnostic.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Accepted {
    /// The file it is shown in.
    pub path: String,
    /// Its rule.
    pub rule: String,
    /// Its fingerprint: what later runs match on.
    pub fingerprint: String,
    /// Its message when accepted, for a person reviewing the file (not matched on).
    pub message: String,
}

/// What a baseline did to a run's diagnostics.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Triage {
    /// How many diagnostics the baseline held (left out of the report and the exit status).
    pub accepted: usize,
    /// Entries that matched nothing in this run.
    pub stale: Vec<Accepted>,
}

/// A baseline that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("baseline {path}: {message}; write one with `witness accept --baseline {path} COMMAND …`")]
pub struct BaselineError {
    /// The file.
    pub path: String,
    /// What is wrong with it.
    pub message: String,
}

impl Baseline {
    /// Every diagnostic of `d` accepted, cosmetic ones included (so that a run with `--all`
    /// or `--strict` finds them accepted too).
    pub fn of(d: &Diagnostics) -> Baseline {
        let mut entries: Vec<Accepted> = d.diagnostics.iter().map(accepted).collect();
        entries.sort();
        entries.dedup();
        Baseline {
            schema: SCHEMA.into(),
            command: d.command.into(),
            entries,
        }
    }

    /// Reads a baseline file.
    pub fn read(path: &Path) -> Result<Baseline, BaselineError> {
        let error = |message: String| BaselineError {
            path: path.display().to_string(),
            message,
        };
        let bytes = std::fs::read(path).map_err(|e| error(format!("cannot read it ({e})")))?;
        let b: Baseline = serde_json::from_slice(&bytes)
            .map_err(|e| error(format!("not a witness baseline ({e})")))?;
        if b.schema != SCHEMA {
            return Err(error(format!(
                "schema {:?}, this witness reads {SCHEMA:?}",
                b.schema
            )));
        }
        Ok(b)
    }

    /// The file's text: pretty JSON with one entry per few lines, so that a change to it
    /// reads well in review.
    pub fn to_json(&self) -> String {
        crate::report::to_json(self)
    }

    /// Leaves out of `d` the diagnostics this baseline accepted, and says which entries
    /// matched nothing.
    pub fn apply(&self, d: &mut Diagnostics) -> Triage {
        let accepted: HashSet<&str> = self
            .entries
            .iter()
            .map(|e| e.fingerprint.as_str())
            .collect();
        let seen: HashSet<String> = d
            .diagnostics
            .iter()
            .map(|x| x.fingerprint.clone())
            .collect();
        let before = d.diagnostics.len();
        d.retain(|x| !accepted.contains(x.fingerprint.as_str()));
        Triage {
            accepted: before - d.diagnostics.len(),
            stale: self
                .entries
                .iter()
                .filter(|e| !seen.contains(&e.fingerprint))
                .cloned()
                .collect(),
        }
    }
}

fn accepted(d: &Diagnostic) -> Accepted {
    let mut message: String = d.message.chars().take(MESSAGE_CHARS).collect();
    if d.message.chars().nth(MESSAGE_CHARS).is_some() {
        message.push('…');
    }
    Accepted {
        path: d.span.path.clone(),
        rule: d.rule.clone(),
        fingerprint: d.fingerprint.clone(),
        message,
    }
}
