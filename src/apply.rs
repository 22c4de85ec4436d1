//! Errata applied: the corrected text of a target, from its errata list (`witness/errata/1`)
//! and, when a person went through the list, a decisions file that keeps or drops each entry
//! by its fingerprint.
//!
//! Only the corrected spans change: each correction replaces the entry's bytes in the file
//! as stored with the proposed reading encoded in the file's own encoding, with the file's
//! line endings; every other byte (BOM, malformed sequences, line endings) is kept.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use encoding_rs::{UTF_16BE, UTF_16LE};
use serde::{Deserialize, Serialize};

use crate::source::Document;

/// The schema of decisions files.
pub const DECISIONS_SCHEMA: &str = "witness/decisions/1";

/// The part of a `witness/errata/1` report that applying it needs.
#[derive(Debug, Clone, Deserialize)]
pub struct ErrataFile {
    /// `witness/errata/1`.
    pub schema: String,
    /// The text the errata are for.
    pub target: TargetJson,
    /// The entries.
    pub entries: Vec<EntryFile>,
}

/// The target of an errata list, as the report names it.
#[derive(Debug, Clone, Deserialize)]
pub struct TargetJson {
    /// Its path when the errata were made.
    pub path: String,
    /// SHA-256 of its bytes: the errata apply to exactly these bytes.
    pub sha256: String,
}

/// One entry, as applying it needs it.
#[derive(Debug, Clone, Deserialize)]
pub struct EntryFile {
    /// Where it starts.
    pub start: Offsets,
    /// Where it ends.
    pub end: Offsets,
    /// What the target reads there.
    pub found: String,
    /// The reading proposed, if any.
    pub proposed: Option<String>,
    /// `correct`, `target_right` or `uncertain`.
    pub verdict: String,
    /// Its kind (`substitution`…).
    pub kind: String,
    /// Its fingerprint (absent in reports of witness before 0.2: such entries cannot be
    /// decided on by fingerprint).
    #[serde(default)]
    pub fingerprint: String,
}

/// The offsets of a position that applying needs.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct Offsets {
    /// In the file as stored.
    pub byte: usize,
    /// In the decoded text.
    pub text_byte: usize,
}

/// A decisions file: a person's verdict on entries of an errata list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decisions {
    /// [`DECISIONS_SCHEMA`].
    pub schema: String,
    /// One per entry decided; entries left out follow the errata's verdict.
    pub decisions: Vec<DecisionEntry>,
}

/// A decision on one entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionEntry {
    /// The entry's fingerprint.
    pub fingerprint: String,
    /// Apply its proposed reading, or leave the text as it is.
    pub decision: Decision,
}

/// Keep or drop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Apply the entry's proposed reading (even when the errata were uncertain).
    Accept,
    /// Leave the text as it is (even when the errata propose a correction).
    Reject,
}

/// What applying did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The corrected file's bytes.
    pub bytes: Vec<u8>,
    /// The corrected text (decoded).
    pub text: String,
    /// The entries applied (indices into the errata's entries).
    pub applied: Vec<usize>,
    /// Entries not applied, with why.
    pub skipped: Vec<(usize, String)>,
    /// Fingerprints of the decisions file that name no entry.
    pub unknown_decisions: Vec<String>,
}

/// Errata that cannot be applied to this target.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApplyError {
    /// Not a `witness/errata/1` report.
    #[error("{0}")]
    NotErrata(String),
    /// The target is not the text the errata were made for.
    #[error(
        "{target} is not the text the errata were made for (its sha256 is {now}, the errata's \
         target {path} had {then}); make the errata of this text again with `witness errata`"
    )]
    OtherTarget {
        /// The target given.
        target: String,
        /// Its digest.
        now: String,
        /// The errata's target path.
        path: String,
        /// The errata's target digest.
        then: String,
    },
    /// A structured file (XML, DOCX, PDF): its text is not its bytes.
    #[error(
        "{0} was read as {1}: `witness apply` corrects plain text files; apply the errata of \
         its extracted text (`witness extract`)"
    )]
    Structured(String, &'static str),
}

/// Reads an errata report.
pub fn read_errata(bytes: &[u8]) -> Result<ErrataFile, ApplyError> {
    let x: ErrataFile = serde_json::from_slice(bytes).map_err(|e| {
        ApplyError::NotErrata(format!(
            "not a witness errata report in JSON ({e}); write one with `witness errata \
             --format json`"
        ))
    })?;
    if x.schema != "witness/errata/1" {
        return Err(ApplyError::NotErrata(format!(
            "schema {:?}, not witness/errata/1",
            x.schema
        )));
    }
    Ok(x)
}

/// Applies `errata` to `target` (read from `bytes`), under `decisions`: an entry is applied
/// when the decisions accept it, or, when they do not name it, when the errata's verdict is
/// `correct`; it needs a proposed reading, and is skipped when it overlaps one applied before
/// it or its text is not what the target reads there.
pub fn apply(
    errata: &ErrataFile,
    target: &Document,
    bytes: &[u8],
    decisions: &Decisions,
) -> Result<Applied, ApplyError> {
    if target.sha256 != errata.target.sha256 {
        return Err(ApplyError::OtherTarget {
            target: target.path.clone(),
            now: target.sha256.clone(),
            path: errata.target.path.clone(),
            then: errata.target.sha256.clone(),
        });
    }
    let format = target.format();
    if format != crate::InputFormat::Text {
        return Err(ApplyError::Structured(target.path.clone(), format.title()));
    }
    let decided: HashMap<&str, Decision> = decisions
        .decisions
        .iter()
        .map(|d| (d.fingerprint.as_str(), d.decision))
        .collect();
    let known: HashSet<&str> = errata
        .entries
        .iter()
        .map(|e| e.fingerprint.as_str())
        .collect();
    let crlf = target.text.matches("\r\n").count() * 2 > target.text.matches('\n').count();
    let mut applied = Vec::new();
    let mut skipped = Vec::new();
    let mut replacements: Vec<Replacement> = Vec::new();
    for (i, e) in errata.entries.iter().enumerate() {
        let wanted = match decided.get(e.fingerprint.as_str()) {
            Some(Decision::Accept) => true,
            Some(Decision::Reject) => false,
            None => e.verdict == "correct",
        };
        if !wanted {
            continue;
        }
        let Some(proposed) = &e.proposed else {
            skipped.push((i, "nothing is proposed".into()));
            continue;
        };
        let text_range = e.start.text_byte..e.end.text_byte;
        if target.text.get(text_range.clone()) != Some(e.found.as_str()) {
            skipped.push((i, "the target does not read the entry's text there".into()));
            continue;
        }
        if replacements.iter().any(|r| overlaps(&r.text, &text_range)) {
            skipped.push((i, "overlaps an entry applied before it".into()));
            continue;
        }
        let proposed = match crlf {
            true => proposed.replace("\r\n", "\n").replace('\n', "\r\n"),
            false => proposed.clone(),
        };
        let Some(encoded) = encode(target.encoding, &proposed) else {
            skipped.push((
                i,
                format!(
                    "the proposed reading cannot be written in {}",
                    target.encoding.name()
                ),
            ));
            continue;
        };
        replacements.push(Replacement {
            bytes: e.start.byte..e.end.byte,
            text: text_range,
            encoded,
            proposed,
        });
        applied.push(i);
    }
    replacements.sort_by_key(|r| r.text.start);
    let (mut out, mut text) = (Vec::with_capacity(bytes.len()), String::new());
    let (mut at_byte, mut at_text) = (0, 0);
    for r in &replacements {
        out.extend_from_slice(&bytes[at_byte..r.bytes.start]);
        out.extend_from_slice(&r.encoded);
        text += &target.text[at_text..r.text.start];
        text += &r.proposed;
        (at_byte, at_text) = (r.bytes.end, r.text.end);
    }
    out.extend_from_slice(&bytes[at_byte..]);
    text += &target.text[at_text..];
    applied.sort_unstable();
    Ok(Applied {
        bytes: out,
        text,
        applied,
        skipped,
        unknown_decisions: decisions
            .decisions
            .iter()
            .filter(|d| !known.contains(d.fingerprint.as_str()))
            .map(|d| d.fingerprint.clone())
            .collect(),
    })
}

/// One correction: the bytes and text it replaces, and what it puts there.
struct Replacement {
    bytes: Range<usize>,
    text: Range<usize>,
    encoded: Vec<u8>,
    proposed: String,
}

/// Whether two ranges share text; an empty range (an insertion point) counts as covering
/// the character after it, so that two insertions at one place do not both apply.
fn overlaps(x: &Range<usize>, y: &Range<usize>) -> bool {
    x.start < y.end.max(y.start + 1) && y.start < x.end.max(x.start + 1)
}

/// `s` in `encoding`; `None` when a character has no encoding in it (encoding_rs would
/// write an HTML character reference, which is not the text).
fn encode(encoding: &'static encoding_rs::Encoding, s: &str) -> Option<Vec<u8>> {
    if encoding == UTF_16LE || encoding == UTF_16BE {
        let units = s.encode_utf16();
        return Some(match encoding == UTF_16LE {
            true => units.flat_map(u16::to_le_bytes).collect(),
            false => units.flat_map(u16::to_be_bytes).collect(),
        });
    }
    let (bytes, _, unmappable) = encoding.encode(s);
    (!unmappable).then(|| bytes.into_owned())
}
