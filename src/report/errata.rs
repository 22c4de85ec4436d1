//! The `witness errata` report: Markdown (an errata table), CSV, JSON (`witness/errata/1`),
//! and text.

use std::fmt::Write as _;

use serde::Serialize;

use super::{
    Contexts, TOOL, Tool, WitnessJson, at, csv_field, kind_label, line_marks, md, to_json, visible,
};
use crate::cause::Causes;
use crate::errata::{Confidence, Entry, Errata, Evidence, Supports, Verdict};
use crate::source::Position;

#[derive(Serialize)]
struct EvidenceJson<'e> {
    method: &'static str,
    path: &'e str,
    start: Option<Position>,
    end: Option<Position>,
    text: &'e str,
    supports: Supports,
}

#[derive(Serialize)]
struct EntryJson<'e> {
    path: &'e str,
    start: Position,
    end: Position,
    found: &'e str,
    /// The target's text around the reading (its sentence, and the next or previous one at
    /// a sentence edge), as `witness/diff/1` contexts.
    context: super::Context,
    proposed: Option<&'e str>,
    kind: &'e str,
    /// Substitutions only: why it may have happened (`[]`: no known cause).
    #[serde(skip_serializing_if = "Option::is_none")]
    causes: Option<Causes>,
    verdict: Verdict,
    confidence: Confidence,
    evidence: Vec<EvidenceJson<'e>>,
    /// What a decisions file and a baseline name the entry by (see `diagnostics`).
    fingerprint: String,
}

/// The `witness/errata/1` report as a tree.
#[derive(Serialize)]
pub(crate) struct ErrataJson<'e> {
    schema: &'static str,
    tool: Tool,
    target: WitnessJson<'e>,
    references: Vec<WitnessJson<'e>>,
    /// True when the references were found in the corpus rather than named.
    references_inferred: bool,
    corpus: Vec<WitnessJson<'e>>,
    entries: Vec<EntryJson<'e>>,
}

fn evidence_json<'e>(x: &'e Errata, v: &'e Evidence) -> EvidenceJson<'e> {
    let d = &x.docs[v.doc];
    let located = v.method != "attestation"
        && !(v.method == "witness" && v.range.is_empty() && v.supports == Supports::Found);
    EvidenceJson {
        method: v.method,
        path: &d.path,
        start: located.then(|| d.position(v.range.start)),
        end: located.then(|| d.position(v.range.end)),
        text: &v.text,
        supports: v.supports,
    }
}

/// The `witness/errata/1` JSON.
pub fn json(x: &Errata) -> String {
    to_json(&tree(x))
}

/// The `witness/errata/1` tree.
pub(crate) fn tree<'e>(x: &'e Errata) -> ErrataJson<'e> {
    tree_citing(x, false)
}

/// The `witness/errata/1` tree; with `cited_only`, `corpus` lists only the documents some
/// evidence cites (an audit's report lists every document once, in its scan: listing them all
/// again under each transcription's errata made `report.json` grow with the square of the
/// collection).
pub(crate) fn tree_citing<'e>(x: &'e Errata, cited_only: bool) -> ErrataJson<'e> {
    let t = x.docs[0];
    let cited: std::collections::BTreeSet<usize> = x
        .entries
        .iter()
        .flat_map(|e| e.evidence.iter().map(|v| v.doc))
        .collect();
    let contexts = Contexts::new(t);
    ErrataJson {
        schema: "witness/errata/1",
        tool: TOOL,
        target: WitnessJson::of(t),
        references: x.docs[1..=x.references]
            .iter()
            .map(|d| WitnessJson::of(d))
            .collect(),
        references_inferred: x.references_inferred,
        corpus: x.docs[1 + x.references..]
            .iter()
            .enumerate()
            .filter(|(i, _)| !cited_only || cited.contains(&(1 + x.references + i)))
            .map(|(_, d)| WitnessJson::of(d))
            .collect(),
        entries: x
            .entries
            .iter()
            .zip(crate::diagnostics::errata_fingerprints(x))
            .map(|(e, fingerprint)| EntryJson {
                path: &t.path,
                start: t.position(e.range.start),
                end: t.position(e.range.end),
                found: &e.found,
                context: contexts.around(&t.text, &e.range),
                proposed: e.proposed.as_deref(),
                kind: &e.kind,
                causes: (e.kind == "substitution").then_some(e.causes),
                verdict: e.verdict,
                confidence: e.confidence,
                evidence: e.evidence.iter().map(|v| evidence_json(x, v)).collect(),
                fingerprint,
            })
            .collect(),
    }
}

/// A reading with its line breaks shown; invisible characters are left for the writer of each
/// format to show (markers in text, Markdown and CSV, badges in HTML).
fn shown(s: &str) -> String {
    if s.is_empty() {
        "∅".into()
    } else {
        line_marks(s)
    }
}

fn short(s: &str, n: usize) -> String {
    let v: String = s.chars().take(n).collect();
    if s.chars().count() > n {
        format!("{}…", shown(&v))
    } else {
        shown(&v)
    }
}

/// One sentence of evidence.
pub(crate) fn evidence_sentence(x: &Errata, e: &Entry) -> String {
    let mut parts: Vec<String> = Vec::new();
    for v in &e.evidence {
        let d = &x.docs[v.doc];
        let name = &d.label;
        let part = match v.method {
            "witness" => format!("{name} reads {}", short(&v.text, 20)),
            "target" => format!(
                "{name} reads {} (the base was inferred, so the target counts as a witness)",
                short(&v.text, 20)
            ),
            "quotation" => format!(
                "{name} quotes the passage reading {} ({})",
                short(&v.text, 20),
                at(d.position(v.range.start))
            ),
            "attestation" => format!("{name} has {}", short(&v.text, 20)),
            _ => match v.range.is_empty() {
                true => v.text.clone(),
                false => format!("{} ({})", v.text, at(x.docs[0].position(v.range.start))),
            },
        };
        parts.push(part);
    }
    parts.join("; ")
}

fn should_read(e: &Entry) -> String {
    match (e.verdict, &e.proposed) {
        (Verdict::TargetRight, Some(p)) => format!("keep (the reference reads {})", short(p, 30)),
        (Verdict::Uncertain, Some(p)) => format!("uncertain: {}?", short(p, 30)),
        (Verdict::Uncertain, None) => "uncertain: check".into(),
        (_, Some(p)) => short(p, 40),
        (_, None) => "—".into(),
    }
}

/// The cells of an entry's row, as plain text: location, found, should read, kind,
/// confidence, evidence. Line breaks are shown; invisible characters and controls are not yet
/// marked.
pub(crate) fn cells(x: &Errata, e: &Entry, contexts: &Contexts<'_>) -> [String; 6] {
    let p = x.docs[0].position(e.range.start);
    [
        match &p.address {
            None => format!("{}:{} (byte {})", p.line, p.column, p.byte),
            Some(a) => format!("{}:{} (byte {}) {a}", p.line, p.column, p.byte),
        },
        in_context(x, e, contexts),
        should_read(e),
        kind_label(&e.kind, e.causes),
        e.confidence.name().to_string(),
        evidence_sentence(x, e),
    ]
}

/// What the target reads at an entry, in its context: `办好自己[的]事情` (the reading
/// bracketed; `[]` where something is missing), a few characters on each side.
fn in_context(x: &Errata, e: &Entry, contexts: &Contexts<'_>) -> String {
    const SIDE: usize = 6;
    let c = contexts.around(&x.docs[0].text, &e.range);
    let before: String = {
        let v: Vec<char> = c.before.chars().collect();
        v[v.len().saturating_sub(SIDE)..].iter().collect()
    };
    let after: String = c.after.chars().take(SIDE).collect();
    format!("{before}[{}]{after}", short(&e.found, 40))
}

/// The errata table: location | found | should read | kind | confidence | evidence.
pub fn markdown(x: &Errata) -> String {
    let t = &x.docs[0];
    let mut out = format!("# Errata: {}\n\n", md(&t.path));
    if x.references > 0 {
        let refs: Vec<String> = x.docs[1..=x.references]
            .iter()
            .map(|d| md(&d.path))
            .collect();
        let _ = writeln!(out, "Against: {}.", refs.join(", "));
        if x.references_inferred {
            out += "The references were found in the corpus, not named (`--against`, `--base`, the ledger): they count as witnesses like the target, so where nothing else speaks an entry is uncertain.\n";
        }
    }
    let _ = writeln!(
        out,
        "Corpus: {} further documents.\n",
        x.docs.len() - 1 - x.references
    );
    out += "| location | found (in context) | should read | kind | confidence | evidence |\n|---|---|---|---|---|---|\n";
    let contexts = Contexts::new(t);
    for e in &x.entries {
        let c = cells(x, e, &contexts);
        // The location stays as it is: it is digits, colons and words.
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            c[0],
            md(&c[1]),
            md(&c[2]),
            c[3],
            c[4],
            md(&c[5])
        );
    }
    out
}

/// One line per entry.
pub fn text(x: &Errata) -> String {
    let t = &x.docs[0];
    let contexts = Contexts::new(t);
    let mut out = String::new();
    for e in &x.entries {
        let _ = writeln!(
            out,
            "{} {:<13} {:<9} {} → {}\n    {}",
            at(t.position(e.range.start)),
            kind_label(&e.kind, e.causes),
            e.confidence.name(),
            visible(&in_context(x, e, &contexts)),
            visible(&should_read(e)),
            visible(&evidence_sentence(x, e))
        );
    }
    let _ = writeln!(out, "{} entries", x.entries.len());
    out
}

/// CSV, one row per entry.
pub fn csv(x: &Errata) -> String {
    let t = &x.docs[0];
    let mut out = String::from(
        "path,line,column,byte,found,proposed,kind,verdict,confidence,evidence,address\n",
    );
    for e in &x.entries {
        let p = t.position(e.range.start);
        let verdict = match e.verdict {
            Verdict::Correct => "correct",
            Verdict::TargetRight => "target_right",
            Verdict::Uncertain => "uncertain",
        };
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{}",
            csv_field(&t.path),
            p.line,
            p.column,
            p.byte,
            csv_field(&e.found),
            csv_field(e.proposed.as_deref().unwrap_or("")),
            e.kind,
            verdict,
            e.confidence.name(),
            csv_field(&evidence_sentence(x, e)),
            csv_field(&p.address.map(|a| a.to_string()).unwrap_or_default())
        );
    }
    out
}
