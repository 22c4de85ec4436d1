//! The `witness scan` report: text, JSON (`witness/scan/1`), Markdown.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io;

use rayon::prelude::*;
use serde::Serialize;
use serde::ser::{SerializeSeq, Serializer};

use super::{
    Contexts, ProfileJson, TOOL, Tool, VariantJson, WitnessJson, at, describe, inline, md, painter,
    visible,
};
use crate::classify::Class;
use crate::diff::Comparison;
use crate::scan::{Finding, FindingKind, Location, Repetition, Scan, repetition};
use crate::source::Position;

/// Characters of a location's text quoted in the text and Markdown reports.
const QUOTE_CHARS: usize = 30;
/// Substantive variants listed under a finding in the text report.
const VARIANTS_SHOWN: usize = 5;

pub use crate::corpus::Skipped;

pub mod rows;

#[derive(Serialize)]
struct LocationJson<'s> {
    path: &'s str,
    start: Position,
    end: Position,
    /// The text there; left out when it is the first location's text (a block repeated 1,446
    /// times would write it 1,446 times).
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'s str>,
}

#[derive(Serialize)]
struct FindingJson<'s> {
    kind: FindingKind,
    similarity: f64,
    locations: Vec<LocationJson<'s>>,
    /// Variants from the first location to the second (near duplicates, shared passages).
    #[serde(skip_serializing_if = "Option::is_none")]
    variants: Option<Vec<VariantJson>>,
    /// Repeated phrases: `likely_error` or `deliberate` ([`crate::scan::repetition`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    verdict: Option<Repetition>,
    /// Why.
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'static str>,
}

#[derive(Serialize)]
struct CoverageJson<'s> {
    a: &'s str,
    b: &'s str,
    a_shared_chars: usize,
    a_chars: usize,
    a_share: f64,
    b_shared_chars: usize,
    b_chars: usize,
    b_share: f64,
}

#[derive(Serialize)]
struct SummaryJson<'s> {
    files: usize,
    skipped: usize,
    by_kind: BTreeMap<FindingKind, usize>,
    coverage: Vec<CoverageJson<'s>>,
}

/// The `witness/scan/1` report as a tree.
#[derive(Serialize)]
pub(crate) struct ScanJson<'s> {
    schema: &'static str,
    tool: Tool,
    profile: ProfileJson,
    inputs: Vec<WitnessJson<'s>>,
    skipped: &'s [Skipped],
    summary: SummaryJson<'s>,
    findings: FindingsJson<'s>,
}

/// The findings of a report, made as they are written: a chunk at a time, each chunk's in
/// parallel (each reads its contexts), so that the tree of a report of hundreds of megabytes
/// is never whole in memory.
pub(crate) struct FindingsJson<'s> {
    scan: &'s Scan<'s>,
    texts: bool,
}

/// Findings made at a time by [`FindingsJson`]: enough to keep the cores busy.
const FINDINGS_CHUNK: usize = 4096;

impl Serialize for FindingsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.scan.findings.len()))?;
        for chunk in self.scan.findings.chunks(FINDINGS_CHUNK) {
            let made: Vec<FindingJson> = chunk
                .par_iter()
                .map(|f| finding(self.scan, f, self.texts))
                .collect();
            for f in &made {
                seq.serialize_element(f)?;
            }
        }
        seq.end()
    }
}

fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

fn summary<'s>(s: &'s Scan, skipped: &[Skipped]) -> SummaryJson<'s> {
    let mut by_kind = BTreeMap::new();
    for f in &s.findings {
        *by_kind.entry(f.kind).or_insert(0) += 1;
    }
    SummaryJson {
        files: s.docs.len(),
        skipped: skipped.len(),
        by_kind,
        coverage: s
            .coverage
            .iter()
            .map(|c| CoverageJson {
                a: &s.docs[c.a].path,
                b: &s.docs[c.b].path,
                a_shared_chars: c.a_shared,
                a_chars: c.a_chars,
                a_share: share(c.a_shared, c.a_chars),
                b_shared_chars: c.b_shared,
                b_chars: c.b_chars,
                b_share: share(c.b_shared, c.b_chars),
            })
            .collect(),
    }
}

/// Variants of a finding, with contexts from its first location's document.
fn variants(s: &Scan, f: &Finding) -> Option<Vec<VariantJson>> {
    let c = f.comparison.as_ref()?;
    let (a, b) = (&s.docs[f.locations[0].doc], &s.docs[f.locations[1].doc]);
    let ctx = Contexts::new(a);
    Some(
        c.edits
            .iter()
            .filter(|e| !e.is_move_arrival())
            .filter_map(|e| e.variant().map(|v| VariantJson::of(e, v, a, b, &ctx)))
            .collect(),
    )
}

/// The `witness/scan/1` JSON report.
pub fn json(s: &Scan, skipped: &[Skipped]) -> String {
    let mut out = Vec::new();
    write_json(&mut out, s, skipped).expect("writing to memory does not fail");
    String::from_utf8(out).expect("JSON is UTF-8")
}

/// [`json`], written to `w` as it is made (give it a buffered writer).
pub fn write_json(w: &mut dyn io::Write, s: &Scan, skipped: &[Skipped]) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, &tree(s, skipped, true))?;
    w.write_all(b"\n")
}

/// The `witness/scan/1` tree; without `texts`, locations have positions only (the audit's
/// `report.json` references its documents' text rather than copying it).
pub(crate) fn tree<'s>(s: &'s Scan<'s>, skipped: &'s [Skipped], texts: bool) -> ScanJson<'s> {
    ScanJson {
        schema: "witness/scan/1",
        tool: TOOL,
        profile: ProfileJson {
            name: s.profile.name(),
            sha256: s.profile.sha256(),
        },
        // In parallel: each document's script is counted over its whole text.
        inputs: s.docs.par_iter().map(WitnessJson::of).collect(),
        skipped,
        summary: summary(s, skipped),
        findings: FindingsJson { scan: s, texts },
    }
}

/// The entries of `findings` in `witness/scan/1`, one at a time (the rows of [`rows`]).
fn findings<'s>(s: &'s Scan<'s>, texts: bool) -> impl Iterator<Item = FindingJson<'s>> + 's {
    s.findings.iter().map(move |f| finding(s, f, texts))
}

/// One finding in `witness/scan/1`.
fn finding<'s>(s: &'s Scan<'s>, f: &'s Finding, texts: bool) -> FindingJson<'s> {
    let repeated = repetition(s.docs, f);
    FindingJson {
        verdict: repeated.map(|r| r.0),
        reason: repeated.map(|r| r.1),
        kind: f.kind,
        similarity: f.similarity,
        locations: f
            .locations
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let d = &s.docs[l.doc];
                let text = &d.text[l.range.clone()];
                let first = &f.locations[0];
                let same = i > 0 && text == &s.docs[first.doc].text[first.range.clone()];
                LocationJson {
                    path: &d.path,
                    start: d.position(l.range.start),
                    end: d.position(l.range.end),
                    text: (texts && !same).then_some(text),
                }
            })
            .collect(),
        variants: variants(s, f),
    }
}

fn span(s: &Scan, l: &Location) -> String {
    let d = &s.docs[l.doc];
    format!(
        "{}:{}–{}",
        visible(&d.path),
        at(d.position(l.range.start)),
        at(d.position(l.range.end))
    )
}

fn quote(s: &Scan, l: &Location) -> String {
    let text = &s.docs[l.doc].text[l.range.clone()];
    let q: String = text.chars().take(QUOTE_CHARS).collect();
    let more = if text.chars().nth(QUOTE_CHARS).is_some() {
        "…"
    } else {
        ""
    };
    format!("\"{}{more}\"", visible(q.trim()))
}

fn chars(s: &Scan, l: &Location) -> usize {
    s.docs[l.doc].text[l.range.clone()].chars().count()
}

/// The places of one finding the text report lists.
const LOCATIONS_SHOWN: usize = 20;

/// One line saying what a finding is.
pub(crate) fn headline(s: &Scan, f: &Finding) -> String {
    let first = &f.locations[0];
    match f.kind {
        FindingKind::Identical => format!(
            "identical: {} files with the same text ({} chars)",
            f.locations.len(),
            chars(s, first)
        ),
        FindingKind::DuplicateBlock if f.locations.len() > 2 => format!(
            "duplicate_block: {} chars, {} times {}",
            chars(s, first),
            f.locations.len(),
            quote(s, first)
        ),
        FindingKind::DuplicateBlock => format!(
            "duplicate_block: {} chars repeated {}",
            chars(s, first),
            quote(s, first)
        ),
        FindingKind::DuplicateParagraph => format!(
            "duplicate_paragraph: {} times {}",
            f.locations.len(),
            quote(s, first)
        ),
        FindingKind::Boilerplate => format!(
            "boilerplate: {} times {}",
            f.locations.len(),
            quote(s, first)
        ),
        FindingKind::RepeatedPhrase => {
            let times = match f.locations.len() {
                2 => "twice".to_string(),
                n => format!("{n} times"),
            };
            let verdict = repetition(s.docs, f)
                .map(|(v, why)| format!(" — {}: {why}", v.name().replace('_', " ")))
                .unwrap_or_default();
            format!(
                "repeated_phrase: {} written {times}{verdict}",
                quote(s, first)
            )
        }
        FindingKind::NearDuplicate | FindingKind::SharedPassage => format!(
            "{}: similarity {:.3}, {} and {} chars",
            f.kind.name(),
            f.similarity,
            chars(s, first),
            chars(s, &f.locations[1])
        ),
    }
}

/// The human report: files, findings (each with its locations), coverage, summary.
pub fn text(s: &Scan, skipped: &[Skipped], color: bool) -> String {
    let paint = painter(color);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "scanned {} files, profile {} (sha256 {})",
        s.docs.len(),
        s.profile.name(),
        &s.profile.sha256()[..16]
    );
    // In parallel: each document's script is counted over its whole text.
    let described: Vec<String> = s.docs.par_iter().map(describe).collect();
    for d in described {
        let _ = writeln!(out, "  {d}");
    }
    for k in skipped {
        let _ = writeln!(out, "  skipped {}: {}", visible(&k.path), visible(&k.error));
    }
    // Each finding on its own (in parallel: thousands of them, each reading its context).
    let findings: Vec<String> = s
        .findings
        .par_iter()
        .map(|f| {
            let mut out = String::from("\n");
            let _ = writeln!(out, "{}", headline(s, f));
            // A text repeated thousands of times: the first places, then a count (JSON has
            // all).
            for l in f.locations.iter().take(LOCATIONS_SHOWN) {
                let _ = writeln!(out, "  {}", span(s, l));
            }
            if f.locations.len() > LOCATIONS_SHOWN {
                let _ = writeln!(
                    out,
                    "  … and {} more places (all in --format json)",
                    f.locations.len() - LOCATIONS_SHOWN
                );
            }
            if let Some(c) = &f.comparison {
                let ctx = Contexts::new(&s.docs[f.locations[0].doc]);
                out += &finding_variants(s, f, c, &ctx, &paint);
            }
            out
        })
        .collect();
    out.extend(findings);
    let sum = summary(s, skipped);
    if !sum.coverage.is_empty() {
        out += "\nshared text between files:\n";
        for c in &sum.coverage {
            let _ = writeln!(
                out,
                "  {} ↔ {}: {:.1}% of the first, {:.1}% of the second",
                visible(c.a),
                visible(c.b),
                c.a_share * 100.0,
                c.b_share * 100.0
            );
        }
    }
    let counts: Vec<String> = sum
        .by_kind
        .iter()
        .map(|(k, n)| format!("{} {n}", k.name()))
        .collect();
    let _ = writeln!(
        out,
        "\n{} findings{}",
        s.findings.len(),
        if counts.is_empty() {
            String::new()
        } else {
            format!(" ({})", counts.join(", "))
        }
    );
    out
}

/// The substantive variants of a finding (the first few), under its locations.
fn finding_variants(
    s: &Scan,
    f: &Finding,
    c: &Comparison,
    ctx: &Contexts,
    paint: &dyn Fn(&str, &str) -> String,
) -> String {
    let mut out = String::new();
    let (a, b) = (&s.docs[f.locations[0].doc], &s.docs[f.locations[1].doc]);
    // Substantive variants and blocks, and the cosmetic variants listed all the same.
    let substantive: Vec<_> = c
        .edits
        .iter()
        .filter(|e| e.variant().is_none_or(|v| v.listed(false)))
        .collect();
    let invisible = substantive
        .iter()
        .filter(|e| e.variant().is_some_and(|v| v.class == Class::Cosmetic))
        .count();
    let cosmetic = c.edits.len() - substantive.len() + invisible;
    let listed = if invisible > 0 {
        format!(" ({invisible} invisible, listed)")
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "  {} substantive variants, {cosmetic} cosmetic{listed}",
        substantive.len() - invisible
    );
    for e in substantive.iter().take(VARIANTS_SHOWN) {
        let kind = e.variant().map_or("block", |v| v.kind.name());
        let _ = writeln!(
            out,
            "    {} {:<13} {}",
            at(a.position(e.a.start)),
            kind,
            inline(a, b, e, ctx, paint)
        );
    }
    if substantive.len() > VARIANTS_SHOWN {
        let _ = writeln!(
            out,
            "    … {} more (--format json lists them all)",
            substantive.len() - VARIANTS_SHOWN
        );
    }
    out
}

/// The Markdown report: a findings table and the coverage table.
pub fn markdown(s: &Scan, skipped: &[Skipped]) -> String {
    let mut out = format!(
        "# witness scan\n\n{} files, profile `{}` (sha256 `{}`).\n",
        s.docs.len(),
        s.profile.name(),
        &s.profile.sha256()[..16]
    );
    for k in skipped {
        let _ = writeln!(out, "\nSkipped `{}`: {}", md(&k.path), md(&k.error));
    }
    out += "\n| kind | similarity | locations | text |\n|---|---|---|---|\n";
    for f in &s.findings {
        let mut locations: Vec<String> = f
            .locations
            .iter()
            .take(LOCATIONS_SHOWN)
            .map(|l| md(&span(s, l)))
            .collect();
        if f.locations.len() > LOCATIONS_SHOWN {
            locations.push(format!(
                "… and {} more (all in JSON)",
                f.locations.len() - LOCATIONS_SHOWN
            ));
        }
        let _ = writeln!(
            out,
            "| {} | {:.3} | {} | {} |",
            f.kind.name(),
            f.similarity,
            locations.join("<br>"),
            md(&quote(s, &f.locations[0]))
        );
    }
    let sum = summary(s, skipped);
    if !sum.coverage.is_empty() {
        out += "\n## Shared text between files\n\n| a | b | share of a | share of b |\n|---|---|---|---|\n";
        for c in &sum.coverage {
            let _ = writeln!(
                out,
                "| {} | {} | {:.1}% | {:.1}% |",
                md(c.a),
                md(c.b),
                c.a_share * 100.0,
                c.b_share * 100.0
            );
        }
    }
    out
}
