//! Rendering results: plain text for people, JSON for programs, Markdown for pull requests
//! and issue trackers. Output is deterministic: same inputs, same bytes.
//!
//! JSON schemas are versioned (`witness/<report>/<major>`); [`diff`] writes `witness/diff/1`,
//! [`scan`] writes `witness/scan/1`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;

use serde::Serialize;

use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

use crate::cause::{Cause, Causes};
use crate::chars::{is_control, is_noncharacter, is_word_char, marker_name, needs_marker};
use crate::classify::{Class, Classification, Kind, Severity};
use crate::diff::Edit;
use crate::orthography::Script;
use crate::source::{Document, EncodingSource, Position};

pub mod audit;
pub mod cer;
pub mod check;
pub mod collate;
pub mod crops;
pub mod diagnostics;
pub mod diff;
pub mod errata;
pub mod extract;
pub mod github;
pub mod html;
pub mod junit;
pub mod rdjsonl;
pub mod sarif;
pub mod scan;
pub mod svg;

pub use diff::{TextOptions, json, markdown, text};

/// Characters of context shown on each side of a variant (see [`Contexts`]).
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
    /// `simplified`, `traditional`, `mixed` or `n/a` (see [`crate::orthography::script`]).
    script: Script,
    /// The format read, when not plain text: `page`, `alto`, `hocr`, `tei`, `html`, `docx`,
    /// `pdf`.
    #[serde(skip_serializing_if = "Option::is_none")]
    format: Option<crate::InputFormat>,
    /// What `--ignore` left out of the text, with where it was.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    ignored: &'d [crate::source::Ignored],
    /// A row of a collection: its other columns.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    metadata: &'d BTreeMap<String, serde_json::Value>,
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
            script: d.script(),
            format: (d.format() != crate::InputFormat::Text).then(|| d.format()),
            ignored: &d.ignored,
            metadata: &d.metadata,
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
    /// Substitutions only: why it may have happened (`[]`: no known cause).
    #[serde(skip_serializing_if = "Option::is_none")]
    causes: Option<Causes>,
    a: Reading,
    b: Reading,
    /// Moves only: where in A the passage arrives (B's copy stands there), so that deleting
    /// `a` and inserting `b.text` here, in A's order with the other variants, gives B.
    #[serde(skip_serializing_if = "Option::is_none")]
    arrives_in_a: Option<Position>,
    context: Context,
}

pub(crate) fn reading(doc: &Document, range: &Range<usize>) -> Reading {
    Reading {
        text: doc.text[range.clone()].to_string(),
        start: doc.position(range.start),
        end: doc.position(range.end),
    }
}

/// Context of A around a range: up to [`CONTEXT_CHARS`] characters on each side, taken from
/// the sentence the range sits in, and from the sentence before or after when the range
/// starts or ends one (so a variant at a sentence edge still has context on both sides). In
/// scripts written with spaces no word is cut: a word the width would cut is dropped, or
/// shown whole when it is the only one (the word next to the variant).
pub(crate) struct Contexts<'d> {
    sentences: &'d [Range<usize>],
}

/// The longest word shown whole when the width would cut the only word of a context.
const CONTEXT_WORD_MAX: usize = 40;

/// Part of a word, for not cutting words in contexts: letters and digits of spaced scripts,
/// and the marks that follow them.
fn wordish(c: char) -> bool {
    is_word_char(c) || matches!(c.general_category_group(), GeneralCategoryGroup::Mark)
}

impl<'d> Contexts<'d> {
    /// The contexts of `doc`, cut at its sentences (computed once per document).
    pub(crate) fn new(doc: &'d Document) -> Contexts<'d> {
        Contexts {
            sentences: doc.sentences(),
        }
    }

    /// The context of `text[range]`.
    pub(crate) fn around(&self, text: &str, range: &Range<usize>) -> Context {
        // Before: from the start of the last sentence that starts before the range — the
        // range's own sentence, or the one before when the range starts a sentence.
        let i = self.sentences.partition_point(|s| s.start < range.start);
        let lo = i
            .checked_sub(1)
            .map_or(range.start, |i| self.sentences[i].start.min(range.start));
        // After: to the end of the first sentence that ends after the range — its own, or
        // the next one when the range ends a sentence.
        let j = self.sentences.partition_point(|s| s.end <= range.end);
        let hi = self
            .sentences
            .get(j)
            .map_or(range.end, |s| s.end.max(range.end));
        Context {
            before: before(&text[lo..range.start]).to_string(),
            after: after(&text[range.end..hi]).to_string(),
        }
    }
}

/// True when `window` cut at byte `at` cuts a word in two.
fn cuts_word(window: &str, at: usize) -> bool {
    window[..at].chars().next_back().is_some_and(wordish)
        && window[at..].chars().next().is_some_and(wordish)
}

/// The end of `window` that the context before a range shows: its last [`CONTEXT_CHARS`]
/// characters, without a word cut at the start, nor whitespace at the outer edge.
fn before(window: &str) -> &str {
    let cut = window
        .char_indices()
        .rev()
        .nth(CONTEXT_CHARS - 1)
        .map_or(0, |(i, _)| i);
    let mut start = cut;
    if cuts_word(window, cut) {
        // The width cuts a word: drop its rest…
        let rest = &window[cut..];
        start = cut + rest.find(|c: char| !wordish(c)).unwrap_or(rest.len());
        if window[start..].trim().is_empty() {
            // …unless it is the only word: then show it whole, when not too long.
            let word = window[..cut]
                .char_indices()
                .rev()
                .take(CONTEXT_WORD_MAX)
                .take_while(|&(_, c)| wordish(c))
                .last()
                .map_or(cut, |(i, _)| i);
            let whole = word == 0 || !window[..word].chars().next_back().is_some_and(wordish);
            start = if whole { word } else { cut };
        }
    }
    window[start..].trim_start()
}

/// The start of `window` that the context after a range shows: its first [`CONTEXT_CHARS`]
/// characters, without a word cut at the end, nor whitespace at the outer edge.
fn after(window: &str) -> &str {
    let cut = window
        .char_indices()
        .nth(CONTEXT_CHARS)
        .map_or(window.len(), |(i, _)| i);
    let mut end = cut;
    if cuts_word(window, cut) {
        let kept = &window[..cut];
        end = kept.rfind(|c: char| !wordish(c)).map_or(0, |i| {
            i + kept[i..].chars().next().map_or(0, char::len_utf8)
        });
        if window[..end].trim().is_empty() {
            let rest = &window[cut..];
            let word = rest
                .char_indices()
                .take(CONTEXT_WORD_MAX)
                .find(|&(_, c)| !wordish(c))
                .map(|(i, _)| cut + i);
            end = match word {
                Some(e) => e,
                None if rest.chars().count() <= CONTEXT_WORD_MAX => window.len(),
                None => cut,
            };
        }
    }
    window[..end].trim_end()
}

/// Line breaks and tabs made visible, so one variant stays on one line; nothing else changed.
pub(crate) fn line_marks(s: &str) -> String {
    s.replace("\r\n", "␍⏎")
        .replace('\n', "⏎")
        .replace('\r', "␍")
        .replace('\t', "⇥")
}

/// The marker a text report writes for a character that [`needs_marker`]: `⟨U+202E⟩`.
pub(crate) fn marker(c: char) -> String {
    format!("⟨U+{:04X}⟩", c as u32)
}

/// Invisible and format characters, controls and noncharacters as markers (`⟨U+202E⟩`,
/// `⟨U+001B⟩`), so that a bidi override cannot reorder a report and an escape sequence from a
/// document never reaches a terminal; line breaks and tabs are kept.
pub(crate) fn mark(s: &str) -> String {
    if !s.chars().any(needs_marker) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if needs_marker(c) {
            out += &marker(c);
        } else {
            out.push(c);
        }
    }
    out
}

/// Text as a human-facing report shows it: line breaks and tabs as `⏎` `␍` `⇥`, so one variant
/// stays on one line, and invisible characters and controls as markers (see [`mark`]).
pub(crate) fn visible(s: &str) -> String {
    mark(&line_marks(s))
}

/// A variant's kind as human-facing reports name it: a substitution with its causes
/// (`substitution (homophone)`).
pub(crate) fn kind_label(kind: &str, causes: Causes) -> String {
    if kind == Kind::Substitution.name() && !causes.is_empty() {
        format!("{kind} ({})", causes.label())
    } else {
        kind.to_string()
    }
}

/// Adds `n` to each cause of a substitution in `counts` (`none` when it has no known cause).
pub(crate) fn count_causes(counts: &mut BTreeMap<&'static str, usize>, causes: Causes, n: usize) {
    if causes.is_empty() {
        *counts.entry("none").or_insert(0) += n;
    }
    for cause in causes.iter() {
        *counts.entry(cause.name()).or_insert(0) += n;
    }
}

/// Counts by cause as one line, in cause order, `none` last: `homophone 3, none 5`.
pub(crate) fn cause_counts(counts: &BTreeMap<&'static str, usize>) -> String {
    Cause::ALL
        .iter()
        .map(|c| c.name())
        .chain(["none"])
        .filter_map(|name| counts.get(name).map(|n| format!("{name} {n}")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A position as text reports print it: `line:column`, and the format's address in a file
/// read in a structured format (`12:40 TextLine#l3 [120,300,980,340]`).
pub(crate) fn at(p: Position) -> String {
    match &p.address {
        None => format!("{}:{}", p.line, p.column),
        Some(a) => format!("{}:{} {a}", p.line, p.column),
    }
}

pub(crate) fn describe(doc: &Document) -> String {
    let source = match doc.encoding_source {
        EncodingSource::Declared => "declared",
        EncodingSource::Bom => "BOM",
        EncodingSource::Utf8 => "no BOM",
        EncodingSource::Detected => "detected",
        EncodingSource::Markup => "declared in the file",
    };
    let mut s = format!(
        "{}  {} ({source}), {} bytes, sha256 {}",
        visible(&doc.path),
        doc.encoding.name(),
        doc.byte_len,
        &doc.sha256[..16]
    );
    if doc.replaced > 0 {
        let _ = write!(s, ", {} malformed sequences replaced", doc.replaced);
    }
    if doc.format() != crate::InputFormat::Text {
        let _ = write!(s, ", read as {}", doc.format().title());
    }
    if !doc.ignored.is_empty() {
        let _ = write!(s, ", {} passages left out (--ignore)", doc.ignored.len());
    }
    let script = doc.script();
    if script != Script::None {
        let _ = write!(s, ", {}", script.name());
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
        contexts: &Contexts<'_>,
    ) -> Self {
        VariantJson {
            kind: c.kind,
            class: c.class,
            severity: c.severity,
            causes: (c.kind == Kind::Substitution).then_some(c.causes),
            a: reading(a, &e.a),
            b: reading(b, &e.b_reading()),
            arrives_in_a: None,
            context: contexts.around(&a.text, &e.a),
        }
    }

    /// The same variant, a move, with the place in A where it arrives.
    pub(crate) fn arriving(mut self, at: Option<Position>) -> Self {
        self.arrives_in_a = at;
        self
    }
}

/// A variant inline in its context: `before[-a-]{+b+}after`, painted by `paint`.
pub(crate) fn inline(
    a: &Document,
    b: &Document,
    e: &Edit,
    contexts: &Contexts<'_>,
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

/// A CSV field: invisible characters and controls as markers (see [`mark`]); neutralised
/// against formula injection (a field starting with `=`, `+`, `-`, `@`, tab or carriage return
/// gets a leading `'`, as OWASP advises, so a spreadsheet reads it as text); quoted when it
/// holds a separator, a quote or a line break.
pub(crate) fn csv_field(s: &str) -> String {
    let mut s = mark(s);
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        s.insert(0, '\'');
    }
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// Text escaped for HTML and XML, in content and in attribute values. Characters that XML 1.0
/// does not allow (C0 controls other than tab, line feed and carriage return; U+FFFE, U+FFFF),
/// the other controls (DEL, C1) and the other noncharacters become markers (`⟨U+FFFE⟩`), so
/// the output is well-formed for any text. Everything else, bidirectional controls included,
/// is kept as it is: TEI is an exact transcription. HTML reports show document text with
/// [`html_text`] instead, which also makes invisible characters visible.
pub fn escape_markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if is_control(c) || is_noncharacter(c) => out += &marker(c),
            c => out.push(c),
        }
    }
    out
}

/// Document text for an HTML page: escaped as by [`escape_markup`], and every character that
/// [`needs_marker`] written as a badge, `<span class="cp" title="RIGHT-TO-LEFT OVERRIDE">U+202E</span>`,
/// instead of itself, so that no bidi control reorders the page and nothing invisible hides.
pub fn html_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut run = 0;
    for (i, c) in s.char_indices() {
        if needs_marker(c) {
            out += &escape_markup(&s[run..i]);
            let _ = write!(
                out,
                "<span class=\"cp\" title=\"{}\">U+{:04X}</span>",
                marker_name(c),
                c as u32
            );
            run = i + c.len_utf8();
        }
    }
    out + &escape_markup(&s[run..])
}

/// [`html_text`] of a quotation: line breaks and tabs shown as `⏎` `␍` `⇥` first.
pub(crate) fn html_quote(s: &str) -> String {
    html_text(&line_marks(s))
}

/// A Content-Security-Policy source for an inline element with this content: `'sha256-…'`.
pub(crate) fn csp_hash(content: &str) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(content.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context(text: &str, reading: &str) -> (String, String) {
        let d = Document::from_bytes("t", "t", text.as_bytes(), &Default::default()).unwrap();
        let at = d.text.find(reading).unwrap();
        let c = Contexts::new(&d).around(&d.text, &(at..at + reading.len()));
        (c.before, c.after)
    }

    #[test]
    fn a_variant_at_a_sentence_edge_has_context_on_both_sides() {
        // Issue 13: `倡议。[-10-]{+16+}` had nothing after it.
        let t = "各方发出倡议。10日，论坛在阿斯塔纳闭幕。";
        assert_eq!(
            context(t, "10"),
            ("各方发出倡议。".into(), "日，论坛在阿斯塔纳闭幕。".into())
        );
        // Ending a sentence: the next one is the context after.
        assert_eq!(
            context(t, "倡议。"),
            ("各方发出".into(), "10日，论坛在阿斯塔纳闭".into())
        );
        // Across a paragraph break too; the first sentence of the text has nothing before.
        let t = "第一段结束了。\n\n第二段开始。";
        assert_eq!(
            context(t, "第二"),
            ("第一段结束了。\n\n".into(), "段开始。".into())
        );
        assert_eq!(context(t, "第一").0, "");
        // Inside a sentence, the sentence still bounds the context.
        assert_eq!(
            context("甲乙丙。丁戊己庚。", "戊"),
            ("丁".into(), "己庚。".into())
        );
    }

    #[test]
    fn english_context_is_never_cut_inside_a_word() {
        let t = "China will remain unwavering in opening up to the world and sharing.";
        // The space next to the variant is kept: the inline report reads "in [-…-] up".
        assert_eq!(context(t, "opening"), ("in ".into(), " up to the".into()));
        // The only word next to the variant is shown whole, even past the width.
        assert_eq!(
            context("Internationalization matters.", "matters"),
            ("Internationalization ".into(), ".".into())
        );
        assert_eq!(
            context("We value multilateralism", "We"),
            ("".into(), " value".into())
        );
        // Every word of a long sentence: contexts start and end on word boundaries.
        let words: Vec<&str> = t.split([' ', '.']).filter(|w| !w.is_empty()).collect();
        for w in words {
            let (before, after) = context(t, w);
            let at = t.find(w).unwrap();
            let alnum = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
            assert!(t[..at].ends_with(&before), "{w}: {before:?}");
            let start = at - before.len();
            assert!(
                !(alnum(t[..start].chars().next_back()) && alnum(before.chars().next())),
                "{w}: before {before:?} cuts a word"
            );
            let from = at + w.len();
            assert!(t[from..].starts_with(&after), "{w}: {after:?}");
            let end = from + after.len();
            assert!(
                !(alnum(t[end..].chars().next()) && alnum(after.chars().next_back())),
                "{w}: after {after:?} cuts a word"
            );
            assert!(!before.is_empty() || at == 0, "{w}: nothing before");
            assert!(!after.is_empty(), "{w}: nothing after");
        }
    }

    #[test]
    fn csp_hashes_are_base64_sha256() {
        // The digest of nothing, as browsers and `openssl dgst -sha256 -binary | base64` give it.
        assert_eq!(
            csp_hash(""),
            "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
        );
    }

    #[test]
    fn markers_for_what_a_reader_cannot_see() {
        assert_eq!(
            visible("a\u{202E}001\n\u{1B}[31m"),
            "a⟨U+202E⟩001⏎⟨U+001B⟩[31m"
        );
        assert_eq!(mark("x\u{00AD}y\u{FFFE}\t"), "x⟨U+00AD⟩y⟨U+FFFE⟩\t");
        assert_eq!(mark("跨里海"), "跨里海");
        assert_eq!(
            html_text("<1\u{202E}>"),
            "&lt;1<span class=\"cp\" title=\"RIGHT-TO-LEFT OVERRIDE\">U+202E</span>&gt;"
        );
        assert_eq!(
            escape_markup("a\u{1}\u{FFFF}\u{202E}"),
            "a⟨U+0001⟩⟨U+FFFF⟩\u{202E}"
        );
    }

    #[test]
    fn csv_fields_cannot_be_formulas() {
        assert_eq!(csv_field("=cmd|'/c calc'!A1"), "'=cmd|'/c calc'!A1");
        for (field, cell) in [
            ("+1", "'+1"),
            ("-1", "'-1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "\"'\rx\""),
            ("=1,2", "\"'=1,2\""),
            ("a=1", "a=1"),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("\u{202E}=1", "⟨U+202E⟩=1"),
        ] {
            assert_eq!(csv_field(field), cell, "{field:?}");
        }
    }
}
