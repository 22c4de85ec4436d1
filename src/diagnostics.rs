//! What a reporting command found, as diagnostics for the systems that review documents: one
//! per variant, finding, erratum or drifted file, each with a rule, a level, a place in a file
//! and a fingerprint that survives re-wrapping and re-encoding of the documents.
//!
//! The CI outputs (`report::sarif`, `report::github`, `report::rdjsonl`, `report::junit`)
//! and baselines ([`crate::baseline`]) are written from these.

use std::collections::HashMap;
use std::ops::Range;

use serde::Serialize;
use sha2::Digest as _;

use crate::audit::{Audit, FailOn};
use crate::classify::{Class, Kind, Severity};
use crate::diff::{Diff, DiffOptions};
use crate::errata::{Confidence, Entry, Errata, Verdict};
use crate::ledger::check::{Check, State};
use crate::report::{at, kind_label, visible};
use crate::scan::{Finding, FindingKind, Repetition, Scan, repetition};
use crate::source::{Document, Position};

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
    /// The columns of `start` in other units.
    pub start_columns: Columns,
    /// The columns of `end` in other units.
    pub end_columns: Columns,
}

/// A 1-based column counted in the units other tools use. In a plain text, counted on the
/// decoded line; in a file read in a structured format (whose markup lines witness does not
/// keep), equal to the column in Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Columns {
    /// In bytes of UTF-8 (reviewdog).
    pub utf8: usize,
    /// In UTF-16 code units (SARIF's `utf16CodeUnits`, editors on JavaScript).
    pub utf16: usize,
}

impl Columns {
    /// The columns of `p` in `doc`.
    pub fn of(doc: &Document, p: &Position) -> Columns {
        if doc.format() != crate::extract::InputFormat::Text {
            return Columns {
                utf8: p.column,
                utf16: p.column,
            };
        }
        let line = doc.text[..p.text_byte].chars().rev().take(p.column - 1);
        let (utf8, utf16) = line.fold((1, 1), |(u8, u16), c| {
            (u8 + c.len_utf8(), u16 + c.len_utf16())
        });
        Columns { utf8, utf16 }
    }

    /// Columns of a position with no text before it on its line.
    pub const FIRST: Columns = Columns { utf8: 1, utf16: 1 };
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
    /// Whether it makes the command's exit status 1 (under the options it was built with).
    pub fails: bool,
    /// Listed only on request (`--all`): cosmetic variants, boilerplate.
    pub cosmetic: bool,
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
    /// Cosmetic diagnostics left out by [`Diagnostics::hide_cosmetic`].
    pub omitted: usize,
}

impl Diagnostics {
    /// True when any diagnostic makes the exit status 1.
    pub fn fails(&self) -> bool {
        self.diagnostics.iter().any(|d| d.fails)
    }

    /// Keeps the diagnostics `keep` says yes to, the cases' indices following.
    pub fn retain(&mut self, keep: impl Fn(&Diagnostic) -> bool) {
        let mut new_index = Vec::with_capacity(self.diagnostics.len());
        let mut n = 0;
        for d in &self.diagnostics {
            new_index.push(keep(d).then(|| {
                n += 1;
                n - 1
            }));
        }
        let mut i = 0;
        self.diagnostics.retain(|_| {
            i += 1;
            new_index[i - 1].is_some()
        });
        for c in &mut self.cases {
            c.diagnostics = c.diagnostics.iter().filter_map(|&i| new_index[i]).collect();
        }
    }

    /// Leaves out the cosmetic diagnostics (counted in `omitted`).
    pub fn hide_cosmetic(&mut self) {
        let before = self.diagnostics.len();
        self.retain(|d| !d.cosmetic);
        self.omitted += before - self.diagnostics.len();
    }
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

/// The text of a fingerprint: NFC, white space left out, so that re-wrapping a paragraph or
/// re-encoding a file leaves it as it was.
fn folded(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization as _;
    s.nfc().filter(|c| !c.is_whitespace()).collect()
}

/// Characters of folded context on each side that a variant's fingerprint includes.
const CONTEXT: usize = 16;

/// The folded text just before and just after `range` of `text`, [`CONTEXT`] characters each.
fn context(text: &str, range: &Range<usize>) -> (String, String) {
    let keep = |c: &char| !c.is_whitespace();
    let mut before: Vec<char> = text[..range.start]
        .chars()
        .rev()
        .filter(keep)
        .take(CONTEXT)
        .collect();
    before.reverse();
    let after: String = text[range.end..]
        .chars()
        .filter(keep)
        .take(CONTEXT)
        .collect();
    (
        folded(&before.into_iter().collect::<String>()),
        folded(&after),
    )
}

/// Fingerprints made unique: the n-th diagnostic with the same parts gets `n` as one more
/// part, so that two identical variants in identical contexts stay two.
#[derive(Default)]
struct Fingerprints(HashMap<String, usize>);

impl Fingerprints {
    fn next(&mut self, parts: &[&str]) -> String {
        let base = fingerprint(parts);
        let n = self.0.entry(base.clone()).or_insert(0);
        *n += 1;
        match *n {
            1 => base,
            n => fingerprint(&[&base, &n.to_string()]),
        }
    }
}

fn span(doc: &Document, range: &Range<usize>) -> Span {
    let start = doc.position(range.start);
    let end = match range.is_empty() {
        true => start.clone(),
        false => doc.end_position(range.end),
    };
    Span {
        path: doc.path.clone(),
        start_columns: Columns::of(doc, &start),
        end_columns: Columns::of(doc, &end),
        start,
        end,
    }
}

fn level_of(severity: Severity) -> Level {
    match severity {
        Severity::High => Level::Error,
        Severity::Medium => Level::Warning,
        Severity::Low => Level::Note,
    }
}

/// A reading as one line of a message: quoted, line breaks and invisible characters shown.
fn quoted(s: &str) -> String {
    match s.is_empty() {
        true => "∅".into(),
        false => format!("\"{}\"", visible(s)),
    }
}

/// The rules of a diff: one per variant kind, and blocks.
fn diff_rules() -> Vec<Rule> {
    let mut rules: Vec<Rule> = Kind::ALL
        .iter()
        .map(|k| Rule {
            id: format!("witness/variant/{}", k.name()),
            name: k.name().into(),
            description: format!("{} variant: {}", k.class().name(), k.description()),
        })
        .collect();
    rules.push(Rule {
        id: BLOCK_RULE.into(),
        name: "block".into(),
        description: "Material that only one witness carries, too long or too unrelated to be \
                      read as variants."
            .into(),
    });
    rules
}

const BLOCK_RULE: &str = "witness/block";
const BOILERPLATE_RULE: &str = "witness/finding/boilerplate";

/// The diagnostics of one comparison, shown on B (the witness audited against A), with A's
/// reading as the suggestion. Substantive variants and blocks fail, cosmetic ones too when
/// `strict`; `pair` adds the two labels to every fingerprint (an audit, where many pairs
/// share one list).
fn diff_diagnostics(
    d: &Diff,
    strict: bool,
    pair: bool,
    fp: &mut Fingerprints,
    out: &mut Vec<Diagnostic>,
) {
    let (a, b) = (d.a, d.b);
    let names: [&str; 2] = match pair {
        true => [&a.label, &b.label],
        false => ["", ""],
    };
    for e in &d.edits {
        if e.is_move_arrival() {
            continue;
        }
        let (rule, level, kind, cosmetic) = match e.variant() {
            Some(c) => (
                format!("witness/variant/{}", c.kind.name()),
                level_of(c.severity),
                kind_label(c.kind.name(), c.causes),
                c.class == Class::Cosmetic && !c.kind.always_listed(),
            ),
            None => (
                BLOCK_RULE.to_string(),
                Level::Error,
                "block".to_string(),
                false,
            ),
        };
        let fails = strict || e.variant().is_none_or(|c| c.class == Class::Substantive);
        let b_range = e.b_reading();
        let (ra, rb) = (&a.text[e.a.clone()], &b.text[b_range.clone()]);
        let (before, after) = context(&a.text, &e.a);
        let fingerprint = fp.next(&[
            &rule,
            &folded(ra),
            &folded(rb),
            &before,
            &after,
            names[0],
            names[1],
        ]);
        let a_at = a.position(e.a.start);
        out.push(Diagnostic {
            rule,
            level,
            span: span(b, &b_range),
            message: format!(
                "{kind}: {} here, {} in {} at {}",
                quoted(rb),
                quoted(ra),
                visible(&a.label),
                at(a_at)
            ),
            suggestion: e.variant().map(|_| ra.to_string()),
            related: vec![Related {
                span: span(a, &e.a),
                message: format!("the reading of {}", visible(&a.label)),
            }],
            fingerprint,
            fails,
            cosmetic,
        });
    }
}

/// `witness diff` as diagnostics: one test case, the pair. `strict`: cosmetic variants fail
/// too (`--strict`).
pub fn of_diff(d: &Diff, strict: bool) -> Diagnostics {
    let mut diagnostics = Vec::new();
    diff_diagnostics(
        d,
        strict,
        false,
        &mut Fingerprints::default(),
        &mut diagnostics,
    );
    Diagnostics {
        command: "diff",
        rules: diff_rules(),
        cases: vec![Case {
            name: format!("{} ↔ {}", d.a.path, d.b.path),
            diagnostics: (0..diagnostics.len()).collect(),
        }],
        diagnostics,
        omitted: 0,
    }
}

/// The rules of a scan: one per finding kind.
fn scan_rules() -> Vec<Rule> {
    FindingKind::ALL
        .iter()
        .map(|k| Rule {
            id: format!("witness/finding/{}", k.name()),
            name: k.name().into(),
            description: k.description().into(),
        })
        .collect()
}

fn finding_level(s: &Scan, f: &Finding) -> Level {
    match f.kind {
        FindingKind::RepeatedPhrase => match repetition(s.docs, f) {
            Some((Repetition::Deliberate, _)) => Level::Note,
            _ => Level::Warning,
        },
        FindingKind::Identical | FindingKind::DuplicateBlock | FindingKind::DuplicateParagraph => {
            Level::Warning
        }
        FindingKind::NearDuplicate | FindingKind::SharedPassage | FindingKind::Boilerplate => {
            Level::Note
        }
    }
}

/// The diagnostics of a scan's findings. A finding inside one document is shown at its last
/// copy (the one to look at), with the earlier ones related; one across documents at its
/// first place. Every finding but boilerplate fails.
fn scan_diagnostics(s: &Scan, fp: &mut Fingerprints, out: &mut Vec<Diagnostic>) {
    for f in &s.findings {
        let boilerplate = f.kind == FindingKind::Boilerplate;
        let one_document = f.locations.iter().all(|l| l.doc == f.locations[0].doc);
        let shown = match one_document && f.kind != FindingKind::Identical {
            true => f.locations.len() - 1,
            false => 0,
        };
        let rule = format!("witness/finding/{}", f.kind.name());
        let mut parts: Vec<String> = vec![rule.clone()];
        for l in &f.locations {
            let d = &s.docs[l.doc];
            parts.push(d.label.clone());
            parts.push(folded(&d.text[l.range.clone()]));
        }
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        let here = &f.locations[shown];
        let doc = &s.docs[here.doc];
        // A phrase doubled inside a clause: drop the copy shown.
        let suggestion =
            matches!(repetition(s.docs, f), Some((Repetition::LikelyError, _))).then(String::new);
        out.push(Diagnostic {
            rule,
            level: finding_level(s, f),
            span: span(doc, &here.range),
            message: crate::report::scan::headline(s, f),
            suggestion,
            related: f
                .locations
                .iter()
                .enumerate()
                .filter(|&(i, _)| i != shown)
                .map(|(_, l)| Related {
                    span: span(&s.docs[l.doc], &l.range),
                    message: "another copy".into(),
                })
                .collect(),
            fingerprint: fp.next(&parts),
            fails: !boilerplate,
            cosmetic: boilerplate,
        });
    }
}

/// One test case per document: the diagnostics shown in it.
fn cases_by_document<'a>(
    paths: impl Iterator<Item = &'a str>,
    diagnostics: &[Diagnostic],
) -> Vec<Case> {
    paths
        .map(|path| Case {
            name: path.to_string(),
            diagnostics: (0..diagnostics.len())
                .filter(|&i| diagnostics[i].span.path == path)
                .collect(),
        })
        .collect()
}

/// `witness scan` as diagnostics: one test case per document.
pub fn of_scan(s: &Scan) -> Diagnostics {
    let mut diagnostics = Vec::new();
    scan_diagnostics(s, &mut Fingerprints::default(), &mut diagnostics);
    Diagnostics {
        command: "scan",
        rules: scan_rules(),
        cases: cases_by_document(s.docs.iter().map(|d| d.path.as_str()), &diagnostics),
        diagnostics,
        omitted: 0,
    }
}

/// The rules of errata: one per kind of entry that proposes something.
fn errata_rules() -> Vec<Rule> {
    ERRATA_KINDS
        .iter()
        .map(|&(name, description)| Rule {
            id: format!("witness/erratum/{name}"),
            name: name.into(),
            description: description.into(),
        })
        .collect()
}

/// The kinds of errata entries: the substantive variant kinds, and the problems found in a
/// text alone.
const ERRATA_KINDS: [(&str, &str); 12] = [
    (
        "substitution",
        "The text reads other words than its witnesses.",
    ),
    ("omission", "Text the witnesses have is missing."),
    ("addition", "Text the witnesses do not have."),
    (
        "dittography",
        "Text written twice where the sentence needs it once.",
    ),
    (
        "transposition",
        "Two neighbouring pieces of text in the other order.",
    ),
    ("move", "A passage in another place than in the witnesses."),
    (
        "numeral",
        "A number differs from the witnesses', or breaks an enumeration.",
    ),
    (
        "block",
        "Material that only the text or only its witnesses carry.",
    ),
    (
        "repeated_block",
        "A block of paragraphs repeated in the text.",
    ),
    (
        "unbalanced",
        "An opening bracket or quotation mark without its closing one.",
    ),
    ("broken_off", "A paragraph that stops mid-sentence."),
    ("other", "Another problem found in the text."),
];

/// The rule of an entry's kind (`other` for a kind this version does not list).
fn erratum_rule(kind: &str) -> String {
    let name = match ERRATA_KINDS.iter().any(|&(k, _)| k == kind) {
        true => kind,
        false => "other",
    };
    format!("witness/erratum/{name}")
}

fn erratum_level(e: &Entry) -> Level {
    match (e.verdict, e.confidence) {
        (Verdict::Correct, Confidence::High | Confidence::Medium) => Level::Error,
        (Verdict::Correct | Verdict::Uncertain, _) => Level::Warning,
        (Verdict::TargetRight, _) => Level::Note,
    }
}

/// The fingerprints of an errata list's entries, in order: what a decisions file names them by.
pub fn errata_fingerprints(x: &Errata) -> Vec<String> {
    let mut out = Vec::new();
    errata_diagnostics(x, &mut Fingerprints::default(), &mut out);
    out.into_iter().map(|d| d.fingerprint).collect()
}

fn errata_diagnostics(x: &Errata, fp: &mut Fingerprints, out: &mut Vec<Diagnostic>) {
    let t = x.docs[0];
    for e in &x.entries {
        let rule = erratum_rule(&e.kind);
        let (before, after) = context(&t.text, &e.range);
        let proposed = e.proposed.as_deref().unwrap_or("");
        let fingerprint = fp.next(&[
            &rule,
            &folded(&e.found),
            &folded(proposed),
            &before,
            &after,
            &t.label,
        ]);
        let verdict = match e.verdict {
            Verdict::Correct => format!("should read {}", quoted(proposed)),
            Verdict::TargetRight => {
                format!("keep: the evidence favours it over {}", quoted(proposed))
            }
            Verdict::Uncertain if e.proposed.is_some() => {
                format!("uncertain: perhaps {}", quoted(proposed))
            }
            Verdict::Uncertain => "uncertain: check".to_string(),
        };
        out.push(Diagnostic {
            rule,
            level: erratum_level(e),
            span: span(t, &e.range),
            message: format!(
                "{}: {} {verdict} ({} confidence; {})",
                kind_label(&e.kind, e.causes),
                quoted(&e.found),
                e.confidence.name(),
                crate::report::errata::evidence_sentence(x, e)
            ),
            suggestion: match e.verdict {
                Verdict::Correct => e.proposed.clone(),
                _ => None,
            },
            related: e
                .evidence
                .iter()
                .filter(|v| v.doc != 0 && !v.range.is_empty())
                .map(|v| Related {
                    span: span(x.docs[v.doc], &v.range),
                    message: format!("evidence ({})", v.method),
                })
                .collect(),
            fingerprint,
            fails: true,
            cosmetic: false,
        });
    }
}

/// `witness errata` as diagnostics: one test case, the target.
pub fn of_errata(x: &Errata) -> Diagnostics {
    let mut diagnostics = Vec::new();
    errata_diagnostics(x, &mut Fingerprints::default(), &mut diagnostics);
    Diagnostics {
        command: "errata",
        rules: errata_rules(),
        cases: vec![Case {
            name: x.docs[0].path.clone(),
            diagnostics: (0..diagnostics.len()).collect(),
        }],
        diagnostics,
        omitted: 0,
    }
}

/// `witness audit` as diagnostics: the scan's findings, each pair's blocks and cosmetic
/// variants, and the errata, one test case per document; what fails follows `policy` as
/// [`Audit::fails`] does. The substantive variants of a pair are its errata entries (with
/// their evidence), so they are not listed twice; a finding at the place of an erratum of the
/// same document (a doubled phrase) neither.
pub fn of_audit(a: &Audit, policy: FailOn) -> Diagnostics {
    let mut errata = Vec::new();
    for (_, x) in &a.errata {
        // Each list on its own, as `witness errata` makes it: the same fingerprints.
        errata_diagnostics(x, &mut Fingerprints::default(), &mut errata);
    }
    let mut fp = Fingerprints::default();
    let mut diagnostics = Vec::new();
    scan_diagnostics(&a.scan, &mut fp, &mut diagnostics);
    diagnostics.retain(|f| !errata.iter().any(|e| overlap(&e.span, &f.span)));
    for p in &a.pairs {
        let mut pair = Vec::new();
        diff_diagnostics(&a.diff(p), false, true, &mut fp, &mut pair);
        // What fails without --strict is substantive: those are the errata.
        pair.retain(|d| d.rule == BLOCK_RULE || !d.fails);
        diagnostics.extend(pair);
    }
    diagnostics.extend(errata);
    for d in &mut diagnostics {
        d.fails = match policy {
            FailOn::Any => d.rule != BOILERPLATE_RULE,
            FailOn::Substantive => d.rule == BLOCK_RULE || d.rule.starts_with("witness/erratum/"),
            FailOn::Never => false,
        };
    }
    let mut rules = scan_rules();
    rules.extend(diff_rules());
    rules.extend(errata_rules());
    Diagnostics {
        command: "audit",
        rules,
        cases: cases_by_document(
            a.corpus.docs().iter().map(|d| d.path.as_str()),
            &diagnostics,
        ),
        diagnostics,
        omitted: 0,
    }
}

fn overlap(x: &Span, y: &Span) -> bool {
    x.path == y.path
        && x.start.text_byte < y.end.text_byte.max(y.start.text_byte + 1)
        && y.start.text_byte < x.end.text_byte.max(x.start.text_byte + 1)
}

/// The rules of `check`.
fn check_rules() -> Vec<Rule> {
    [
        (
            "changed",
            "The file's bytes differ from its last recorded version.",
        ),
        ("missing", "A tracked file is gone or cannot be read."),
        (
            "untracked",
            "A file named that the ledger has no version of.",
        ),
    ]
    .iter()
    .map(|&(name, description)| Rule {
        id: format!("witness/check/{name}"),
        name: name.into(),
        description: description.into(),
    })
    .collect()
}

/// `witness check` as diagnostics: one per file that drifted, at its first change when the
/// two versions could be compared as text (else at its start); one test case per path.
pub fn of_check(c: &Check) -> Diagnostics {
    let mut diagnostics = Vec::new();
    for (path, state) in &c.paths {
        let start = Position {
            byte: 0,
            text_byte: 0,
            char: 0,
            line: 1,
            column: 1,
            address: None,
        };
        let mut at = Span {
            path: path.clone(),
            start: start.clone(),
            end: start,
            start_columns: Columns::FIRST,
            end_columns: Columns::FIRST,
        };
        let (name, message, recorded) = match state {
            State::Same => continue,
            State::Missing { label, seq } => (
                "missing",
                format!("tracked file missing: last recorded as {label} (record {seq})"),
                String::new(),
            ),
            State::Untracked => (
                "untracked",
                "not in the ledger: `witness add` it first".to_string(),
                String::new(),
            ),
            State::Changed {
                recorded,
                now,
                texts,
            } => {
                if let Some(texts) = texts {
                    let d = crate::diff::diff(&texts.0, &texts.1, &DiffOptions::default());
                    if let Some(e) = d.edits.first() {
                        at = span(&texts.1, &e.b_reading());
                        at.path = path.clone();
                    }
                }
                (
                    "changed",
                    format!(
                        "changed since its last recorded version: sha256 {} recorded, {} now",
                        recorded.short(),
                        now.short()
                    ),
                    recorded.to_string(),
                )
            }
        };
        let rule = format!("witness/check/{name}");
        diagnostics.push(Diagnostic {
            fingerprint: fingerprint(&[&rule, path, &recorded]),
            rule,
            level: Level::Error,
            span: at,
            message,
            suggestion: None,
            related: Vec::new(),
            fails: true,
            cosmetic: false,
        });
    }
    Diagnostics {
        command: "check",
        rules: check_rules(),
        cases: cases_by_document(c.paths.iter().map(|(p, _)| p.as_str()), &diagnostics),
        diagnostics,
        omitted: 0,
    }
}
