//! Rendering results: plain text for people, JSON for programs, Markdown for pull requests
//! and issue trackers. Output is deterministic: same inputs, same bytes.
//!
//! JSON schemas are versioned (`witness/<report>/<major>`); [`diff`] writes `witness/diff/1`,
//! [`scan`] writes `witness/scan/1`.

use std::fmt::Write as _;
use std::ops::Range;

use serde::Serialize;

use crate::classify::{Class, Classification, Kind, Severity};
use crate::diff::Edit;
use crate::segment;
use crate::source::{Document, EncodingSource, Position};

pub mod audit;
pub mod cer;
pub mod check;
pub mod collate;
pub mod diff;
pub mod errata;
pub mod scan;

pub use diff::{TextOptions, json, markdown, text};

/// Characters of context shown on each side of a variant, within its sentence.
const CONTEXT_CHARS: usize = 12;

#[derive(Serialize)]
pub(crate) struct Tool {
    name: &'static str,
    version: &'static str,
}

pub(crate) const TOOL: Tool = Tool {
    name: "witness",
    version: env!("CARGO_PKG_VERSION"),
};

#[derive(Serialize)]
pub(crate) struct ProfileJson {
    pub(crate) name: &'static str,
    pub(crate) sha256: String,
}

#[derive(Serialize)]
pub(crate) struct WitnessJson<'d> {
    path: &'d str,
    label: &'d str,
    sha256: &'d str,
    text_sha256: &'d str,
    encoding: &'static str,
    encoding_source: EncodingSource,
    bytes: usize,
    replaced: usize,
}

impl<'d> WitnessJson<'d> {
    pub(crate) fn of(d: &'d Document) -> Self {
        WitnessJson {
            path: &d.path,
            label: &d.label,
            sha256: &d.sha256,
            text_sha256: &d.text_sha256,
            encoding: d.encoding.name(),
            encoding_source: d.encoding_source,
            bytes: d.byte_len,
            replaced: d.replaced,
        }
    }
}

#[derive(Serialize)]
pub(crate) struct Reading {
    text: String,
    start: Position,
    end: Position,
}

#[derive(Serialize)]
pub(crate) struct Context {
    pub(crate) before: String,
    pub(crate) after: String,
}

#[derive(Serialize)]
pub(crate) struct VariantJson {
    kind: Kind,
    class: Class,
    severity: Severity,
    a: Reading,
    b: Reading,
    context: Context,
}

pub(crate) fn reading(doc: &Document, range: &Range<usize>) -> Reading {
    Reading {
        text: doc.text[range.clone()].to_string(),
        start: doc.position(range.start),
        end: doc.position(range.end),
    }
}

/// Context of A around `range`: up to a few characters each side, inside its sentence.
pub(crate) struct Contexts {
    sentences: Vec<Range<usize>>,
}

impl Contexts {
    pub(crate) fn new(doc: &Document) -> Contexts {
        let paragraphs = segment::paragraphs(&doc.text);
        Contexts {
            sentences: segment::sentences(&doc.text, &paragraphs),
        }
    }

    pub(crate) fn around(&self, text: &str, range: &Range<usize>) -> Context {
        let i = self.sentences.partition_point(|s| s.end < range.start);
        let (lo, hi) = match self.sentences.get(i) {
            Some(s) if s.start <= range.start => (s.start, s.end.max(range.end)),
            _ => (range.start, range.end),
        };
        let before: Vec<char> = text[lo..range.start]
            .chars()
            .rev()
            .take(CONTEXT_CHARS)
            .collect();
        let after = text[range.end..hi.max(range.end)]
            .chars()
            .take(CONTEXT_CHARS)
            .collect();
        Context {
            before: before.into_iter().rev().collect(),
            after,
        }
    }
}

/// Line breaks and tabs made visible, so one variant stays on one line.
pub(crate) fn visible(s: &str) -> String {
    s.replace("\r\n", "␍⏎")
        .replace('\n', "⏎")
        .replace('\r', "␍")
        .replace('\t', "⇥")
}

pub(crate) fn at(p: Position) -> String {
    format!("{}:{}", p.line, p.column)
}

pub(crate) fn describe(doc: &Document) -> String {
    let source = match doc.encoding_source {
        EncodingSource::Declared => "declared",
        EncodingSource::Bom => "BOM",
        EncodingSource::Utf8 => "no BOM",
        EncodingSource::Detected => "detected",
    };
    let mut s = format!(
        "{}  {} ({source}), {} bytes, sha256 {}",
        doc.path,
        doc.encoding.name(),
        doc.byte_len,
        &doc.sha256[..16]
    );
    if doc.replaced > 0 {
        let _ = write!(s, ", {} malformed sequences replaced", doc.replaced);
    }
    s
}

/// Escapes text for a Markdown table cell.
pub(crate) fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in visible(s).chars() {
        if "\\|*_`<>[]#".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl VariantJson {
    /// A variant between `a` and `b`, with context from `a`.
    pub(crate) fn of(
        e: &Edit,
        c: Classification,
        a: &Document,
        b: &Document,
        contexts: &Contexts,
    ) -> Self {
        VariantJson {
            kind: c.kind,
            class: c.class,
            severity: c.severity,
            a: reading(a, &e.a),
            b: reading(b, &e.b),
            context: contexts.around(&a.text, &e.a),
        }
    }
}

/// A variant inline in its context: `before[-a-]{+b+}after`, painted by `paint`.
pub(crate) fn inline(
    a: &Document,
    b: &Document,
    e: &Edit,
    contexts: &Contexts,
    paint: &dyn Fn(&str, &str) -> String,
) -> String {
    let ctx = contexts.around(&a.text, &e.a);
    let (ra, rb) = (&a.text[e.a.clone()], &b.text[e.b.clone()]);
    let mut out = visible(&ctx.before);
    if !ra.is_empty() {
        out += &paint("31", &format!("[-{}-]", visible(ra)));
    }
    if !rb.is_empty() {
        out += &paint("32", &format!("{{+{}+}}", visible(rb)));
    }
    out + &visible(&ctx.after)
}

/// ANSI colour when asked for.
pub(crate) fn painter(color: bool) -> impl Fn(&str, &str) -> String {
    move |code: &str, s: &str| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

/// Serializes a report; plain structs and string-keyed maps cannot fail.
pub fn to_json<T: Serialize>(report: &T) -> String {
    serde_json::to_string_pretty(report).unwrap_or_default() + "\n"
}

/// A CSV field, quoted when it holds a separator, a quote or a line break.
pub(crate) fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Text escaped for HTML and XML, in content and in attribute values; control characters that
/// XML 1.0 does not allow become U+FFFD.
pub fn escape_markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}
