//! Diagnostics in reviewdog's Diagnostic Format, as JSON Lines (`rdjsonl`): one `Diagnostic`
//! object a line, for `reviewdog -f=rdjsonl`. A diagnostic with a proposed reading carries it
//! as a suggestion, which reviewdog turns into a suggested change in the review.
//!
//! Columns are 1-based and count UTF-8 bytes, as the format defines them; ranges end
//! exclusively, so that a point (an omission) is an insertion.

use serde::Serialize;

use crate::diagnostics::{Diagnostic, Diagnostics, Level, Span};

/// reviewdog's name of a level: `INFO`, `WARNING`, `ERROR`.
pub fn severity(level: Level) -> &'static str {
    match level {
        Level::Note => "INFO",
        Level::Warning => "WARNING",
        Level::Error => "ERROR",
    }
}

/// The diagnostics of `d`, one JSON object a line, in report order.
pub fn lines(d: &Diagnostics) -> String {
    let mut out = String::new();
    for diag in &d.diagnostics {
        out += &serde_json::to_string(&line(diag)).unwrap_or_default();
        out.push('\n');
    }
    out
}

fn line(diag: &Diagnostic) -> RdDiagnostic<'_> {
    let location = location(&diag.span);
    RdDiagnostic {
        message: &diag.message,
        severity: severity(diag.level),
        source: Source { name: "witness" },
        code: Code { value: &diag.rule },
        suggestions: diag
            .suggestion
            .iter()
            .map(|text| Suggestion {
                range: location.range,
                text,
            })
            .collect(),
        related_locations: diag
            .related
            .iter()
            .map(|r| RelatedLocation {
                message: &r.message,
                location: self::location(&r.span),
            })
            .collect(),
        location,
    }
}

fn location(span: &Span) -> Location<'_> {
    Location {
        path: &span.path,
        range: Range {
            start: Position {
                line: span.start.line,
                column: span.start_columns.utf8,
            },
            end: Position {
                line: span.end.line,
                column: span.end_columns.utf8,
            },
        },
    }
}

#[derive(Serialize)]
struct RdDiagnostic<'d> {
    message: &'d str,
    location: Location<'d>,
    severity: &'static str,
    source: Source,
    code: Code<'d>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suggestions: Vec<Suggestion<'d>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<RelatedLocation<'d>>,
}

#[derive(Serialize)]
struct Source {
    name: &'static str,
}

#[derive(Serialize)]
struct Code<'d> {
    value: &'d str,
}

#[derive(Serialize)]
struct Location<'d> {
    path: &'d str,
    range: Range,
}

#[derive(Serialize, Clone, Copy)]
struct Range {
    start: Position,
    end: Position,
}

#[derive(Serialize, Clone, Copy)]
struct Position {
    line: usize,
    column: usize,
}

#[derive(Serialize)]
struct Suggestion<'d> {
    range: Range,
    text: &'d str,
}

#[derive(Serialize)]
struct RelatedLocation<'d> {
    message: &'d str,
    location: Location<'d>,
}
