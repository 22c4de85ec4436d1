//! The `witness extract` report: the text witness reads from a file, as it is (text), or
//! with where each piece of it is in the file (`witness/extract/1`).

use serde::Serialize;

use super::{TOOL, Tool, WitnessJson};
use crate::extract::InputFormat;
use crate::source::{Document, Position};

#[derive(Serialize)]
struct ExtractJson<'d> {
    schema: &'static str,
    tool: Tool,
    witness: WitnessJson<'d>,
    format: InputFormat,
    text: &'d str,
    warnings: &'d [String],
    /// The text in pieces, each from one place of the file (one element, one source line).
    pieces: Vec<PieceJson<'d>>,
}

#[derive(Serialize)]
struct PieceJson<'d> {
    text: &'d str,
    /// Byte offsets into `text`.
    start: usize,
    end: usize,
    /// Where the piece starts in the file.
    at: Position,
}

/// The text, as read.
pub fn text(doc: &Document) -> String {
    let mut out = doc.text.clone();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// The text and its pieces' positions.
pub fn json(doc: &Document) -> String {
    let pieces = doc
        .pieces()
        .into_iter()
        .filter(|r| !r.is_empty())
        .map(|r| PieceJson {
            text: &doc.text[r.clone()],
            start: r.start,
            end: r.end,
            at: doc.position(r.start),
        })
        .collect();
    let report = ExtractJson {
        schema: "witness/extract/1",
        tool: TOOL,
        witness: WitnessJson::of(doc),
        format: doc.format(),
        text: &doc.text,
        warnings: &doc.warnings,
        pieces,
    };
    let mut s = serde_json::to_string_pretty(&report).expect("the report serializes");
    s.push('\n');
    s
}
