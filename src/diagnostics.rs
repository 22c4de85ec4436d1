//! What a reporting command found, as diagnostics for the systems that review documents: one
//! per variant, finding, erratum or drifted file, each with a rule, a level, a place in a file
//! and a fingerprint that survives re-wrapping and re-encoding of the documents.
//!
//! The CI outputs (`report::sarif`, `report::github`, `report::rdjsonl`, `report::junit`)
//! and baselines ([`crate::baseline`]) are written from these.

use serde::Serialize;
use sha2::Digest as _;

use crate::source::Position;

/// How much a diagnostic matters: SARIF's `level`, GitHub's command, reviewdog's severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Cosmetic variants, near duplicates and shared passages, errata in the text's favour.
    Note,
    /// Substantive variants of medium severity, duplicated text, uncertain errata.
    Warning,
    /// Substantive variants of high severity, blocks, corrections, drifted files.
    Error,
}

impl Level {
    /// The name used in reports: `note`, `warning`, `error`.
    pub fn name(self) -> &'static str {
        match self {
            Level::Note => "note",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// A rule: one variant kind, finding kind, errata kind or check state. Its id never changes
/// once published (SARIF consumers and baselines key on it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// Stable id: `witness/<command family>/<name>`, e.g. `witness/variant/omission`.
    pub id: String,
    /// The kind's name as the other reports print it: `omission`.
    pub name: String,
    /// One sentence: what the rule reports.
    pub description: String,
}

/// A place in a file, as the reports print it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Span {
    /// The file, as given on the command line (or the ledger's path of a version).
    pub path: String,
    /// Where the span starts (its line and column are 1-based; the column counts Unicode
    /// scalar values).
    pub start: Position,
    /// Where it ends (exclusive; equal to `start` for a point, such as an omission).
    pub end: Position,
}

/// One thing found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    /// The id of its [`Rule`].
    pub rule: String,
    /// How much it matters.
    pub level: Level,
    /// Where it is shown: in the witness audited (B of a diff, the target of errata).
    pub span: Span,
    /// What the reader is told, one line.
    pub message: String,
    /// What the span should read instead, when there is a proposal (a diff's reference
    /// reading, an erratum's correction): reviewdog's suggestion.
    pub suggestion: Option<String>,
    /// Other places involved (the reference's reading, the other copies of a duplicate).
    pub related: Vec<Related>,
    /// 32 hexadecimal digits, from the rule and the text involved and not from line
    /// numbers: re-wrapping or re-encoding a document keeps it (see [`fingerprint`]).
    pub fingerprint: String,
}

/// Another place a diagnostic involves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Related {
    /// The place.
    pub span: Span,
    /// What it is: `reading of A`, `other copy`.
    pub message: String,
}

/// One JUnit test case: a document or a pair, and the diagnostics on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Case {
    /// `A ↔ B` for a pair, the path for a document.
    pub name: String,
    /// Indices into [`Diagnostics::diagnostics`].
    pub diagnostics: Vec<usize>,
}

/// Everything a command found, ready for a CI format.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostics {
    /// The command: `diff`, `scan`, `errata`, `audit`, `check`.
    pub command: &'static str,
    /// Every rule the command can report (not only those used), in a stable order.
    pub rules: Vec<Rule>,
    /// The diagnostics, in report order.
    pub diagnostics: Vec<Diagnostic>,
    /// The test cases: every document or pair looked at, with or without diagnostics.
    pub cases: Vec<Case>,
    /// Diagnostics left out because they are cosmetic (without `--all`).
    pub omitted: usize,
}

/// A fingerprint: SHA-256 of the parts (each length-prefixed, so that no two lists of parts
/// give the same bytes), the first 16 bytes in hexadecimal.
pub fn fingerprint(parts: &[&str]) -> String {
    let mut h = sha2::Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p.as_bytes());
    }
    h.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
