//! Errata: for each substantive variant or internal problem of a target text, the place, the
//! text found, the proposed reading, and the evidence for it — following the four ways of
//! Chinese collation practice (校法四例):
//!
//! - 对校: other witnesses of the same text (`against`), aligned with the diff engine;
//! - 他校: other documents that quote the passage (shared passages found by `scan`);
//! - attestation: how many other documents of the corpus read each candidate in the same
//!   context;
//! - 本校 / 理校: the target alone — a phrase written twice, a repeated block, an enumeration out
//!   of sequence, unbalanced brackets or quotation marks, a paragraph that stops mid-sentence.
//!
//! Each entry weighs the support of each reading. When it is split or missing the entry is
//! *uncertain*; when the evidence favours the target over the reference, it says so.

use std::ops::Range;

use rayon::prelude::*;

use crate::cause::Causes;
use crate::chars::{is_cjk, is_punctuation};
use crate::classify::{Class, Kind};
use crate::corpus::{Corpus, DocId};
use crate::diff::{Change, Comparison};
use crate::normalize::{Profile, view};
use crate::scan::{FindingKind, Repetition, Scan, ScanOptions, repetition, scan};
use crate::source::Document;

/// How sure an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Two or more independent sources support the proposal and none the target.
    High,
    /// One source supports the proposal (or the target) and none the other reading.
    Medium,
    /// The sources lean one way but some support the other reading.
    Low,
    /// The sources are split or silent.
    Uncertain,
}

impl Confidence {
    /// The name used in reports: `high`, `medium`, `low`, `uncertain`.
    pub fn name(self) -> &'static str {
        match self {
            Confidence::High => "high",
            Confidence::Medium => "medium",
            Confidence::Low => "low",
            Confidence::Uncertain => "uncertain",
        }
    }
}

/// What an entry concludes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The target should read the proposed reading.
    Correct,
    /// The evidence favours the target's reading over the reference's.
    TargetRight,
    /// The evidence is split or missing.
    Uncertain,
}

/// Which reading a piece of evidence supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Supports {
    /// The target's reading.
    Found,
    /// The proposed reading.
    Proposed,
    /// Neither: a third reading.
    Neither,
}

/// One piece of evidence.
#[derive(Debug, Clone)]
pub struct Evidence {
    /// `witness` (对校), `quotation` (他校), `attestation`, `internal` (本校/理校), or
    /// `target`: the target's own reading, a vote when its reference was only inferred.
    pub method: &'static str,
    /// Index into [`Errata::docs`].
    pub doc: usize,
    /// Byte range in that document (empty when the evidence has no single place).
    pub range: Range<usize>,
    /// What the source reads there, or a note on internal evidence.
    pub text: String,
    /// Which reading it supports.
    pub supports: Supports,
}

/// One erratum.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Byte range in the target.
    pub range: Range<usize>,
    /// The target's text there.
    pub found: String,
    /// The reading proposed (`None` when nothing can be proposed).
    pub proposed: Option<String>,
    /// The variant kind (`omission`, `dittography`…) or internal problem (`repeated_block`,
    /// `unbalanced`, `broken_off`).
    pub kind: String,
    /// For a substitution, why it may have happened (see [`crate::cause`]).
    pub causes: Causes,
    /// What the evidence concludes.
    pub verdict: Verdict,
    /// How sure that is.
    pub confidence: Confidence,
    /// The evidence, source by source.
    pub evidence: Vec<Evidence>,
}

/// The errata of a target.
#[derive(Debug)]
pub struct Errata<'c> {
    /// The target first, then the references, then the other documents of the corpus that
    /// may serve as evidence; [`Evidence::doc`] indexes this list.
    pub docs: Vec<&'c Document>,
    /// How many references follow the target in `docs`.
    pub references: usize,
    /// True when the references were found in the corpus rather than named (`--against`,
    /// `--base`, the ledger): they are witnesses like the target, not authorities.
    pub references_inferred: bool,
    /// Entries in the order of their place in the target.
    pub entries: Vec<Entry>,
}

/// Characters of context around a reading used to look it up elsewhere.
const PROBE_NEAR: usize = 1;
const PROBE_FAR: usize = 4;

/// The finding kinds errata read from a scan; [`errata_of`] scans for these alone.
pub const SCAN_KINDS: [FindingKind; 4] = [
    FindingKind::SharedPassage,
    FindingKind::NearDuplicate,
    FindingKind::RepeatedPhrase,
    FindingKind::DuplicateBlock,
];

/// A witness the target is corrected against, and the comparison from it to the target.
#[derive(Debug, Clone, Copy)]
pub struct Reference<'a> {
    /// The reference document.
    pub doc: DocId,
    /// Edits from the reference to the target ([`Corpus::compare`]`(doc, target)`).
    pub comparison: &'a Comparison,
    /// True when the user named this reference as the authority (the ledger's `official`
    /// role, `--base`, `errata --against`). When it was only inferred, the target is a
    /// witness too: where nothing else speaks, one reading against the other is uncertain.
    pub designated: bool,
}

/// Builds the errata of `target` against `references`, with every other document of the
/// corpus as further evidence, from work already done: a scan of the corpus (its shared
/// passages, near duplicates, repeated phrases and blocks) and each reference's comparison.
pub fn errata<'c>(
    corpus: &'c Corpus,
    scan: &Scan,
    target: DocId,
    references: &[Reference],
) -> Errata<'c> {
    let digests: Vec<&str> = std::iter::once(target)
        .chain(references.iter().map(|r| r.doc))
        .map(|d| corpus.doc(d).text_sha256.as_str())
        .collect();
    // Evidence comes from documents other than the target and the references themselves
    // (a copy of either, even in another encoding or with other line endings, is not a
    // second opinion).
    let others: Vec<DocId> = (0..corpus.len())
        .filter(|&d| !digests.contains(&corpus.doc(d).text_sha256.as_str()))
        .collect();
    let mut is_other = vec![false; corpus.len()];
    for &d in &others {
        is_other[d] = true;
    }
    let cx = Context {
        corpus,
        target,
        references,
        others: &others,
        is_other: &is_other,
    };
    let mut entries = collation_entries(&cx);
    add_quotations(&cx, scan, &mut entries);
    add_attestation(&cx, &mut entries);
    for e in &mut entries {
        decide(e);
    }
    for internal in internal_entries(&cx, scan) {
        // An internal finding at a variant already listed is more evidence for it: weighed
        // again with it (it decides where the reference was only inferred).
        match entries
            .iter_mut()
            .find(|e| overlaps(&e.range, &internal.range))
        {
            Some(e) => {
                e.evidence.extend(internal.evidence);
                decide(e);
            }
            None => entries.push(internal),
        }
    }
    entries.sort_by_key(|e| (e.range.start, e.range.end));
    // Evidence names documents by their place in the errata's own list.
    let order: Vec<DocId> = std::iter::once(target)
        .chain(references.iter().map(|r| r.doc))
        .chain(others.iter().copied())
        .collect();
    for v in entries.iter_mut().flat_map(|e| e.evidence.iter_mut()) {
        v.doc = order.iter().position(|&d| d == v.doc).unwrap_or(0);
    }
    Errata {
        docs: order.iter().map(|&d| corpus.doc(d)).collect(),
        references: references.len(),
        references_inferred: references.iter().any(|r| !r.designated),
        entries,
    }
}

/// Builds the errata of `target` against `references` in a corpus nothing was computed on
/// yet: scans it for [`SCAN_KINDS`] and compares each reference with the target, then calls
/// [`errata`].
pub fn errata_of<'c>(corpus: &'c Corpus, target: DocId, references: &[DocId]) -> Errata<'c> {
    let opts = ScanOptions {
        kinds: SCAN_KINDS.to_vec(),
        ..ScanOptions::default()
    };
    let s = scan(corpus, &opts);
    // Named references, or else the target's other witnesses in the corpus, as the audit
    // groups them (not named, so not authorities: see `Reference::designated`).
    let designated = !references.is_empty();
    let references: Vec<DocId> = if designated {
        references.to_vec()
    } else {
        let digest = &corpus.doc(target).sha256;
        s.coverage
            .iter()
            .filter(|c| (c.a == target || c.b == target) && crate::audit::related(c))
            .map(|c| if c.a == target { c.b } else { c.a })
            .filter(|&d| &corpus.doc(d).sha256 != digest)
            .collect()
    };
    let comparisons: Vec<Comparison> = references
        .iter()
        .map(|&r| corpus.compare(r, target))
        .collect();
    let refs: Vec<Reference> = references
        .iter()
        .zip(&comparisons)
        .map(|(&doc, comparison)| Reference {
            doc,
            comparison,
            designated,
        })
        .collect();
    errata(corpus, &s, target, &refs)
}

/// What every step of [`errata`] reads.
struct Context<'a> {
    corpus: &'a Corpus,
    target: DocId,
    references: &'a [Reference<'a>],
    others: &'a [DocId],
    /// `is_other[d]`: document `d` is among `others`.
    is_other: &'a [bool],
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end.max(b.start + 1) && b.start < a.end.max(a.start + 1)
}

/// 对校: the substantive variants of the target against each reference, merged by place.
fn collation_entries(cx: &Context) -> Vec<Entry> {
    let target = cx.corpus.doc(cx.target);
    let mut entries: Vec<Entry> = Vec::new();
    for &Reference {
        doc: r, comparison, ..
    } in cx.references
    {
        let reference = cx.corpus.doc(r);
        for e in &comparison.edits {
            let (kind, causes) = match e.change {
                Change::Variant(v) if v.class == Class::Substantive => {
                    (v.kind.name().to_string(), v.causes)
                }
                Change::Block => ("block".to_string(), Causes::NONE),
                _ => continue,
            };
            let evidence = Evidence {
                method: "witness",
                doc: r,
                range: e.a.clone(),
                text: reference.text[e.a.clone()].to_string(),
                supports: Supports::Proposed,
            };
            match entries.iter_mut().find(|x| x.range == e.b) {
                Some(x) => x.evidence.push(evidence),
                None => entries.push(Entry {
                    range: e.b.clone(),
                    found: target.text[e.b.clone()].to_string(),
                    proposed: Some(reference.text[e.a.clone()].to_string()),
                    kind,
                    causes,
                    verdict: Verdict::Uncertain,
                    confidence: Confidence::Uncertain,
                    evidence: vec![evidence],
                }),
            }
        }
    }
    // A reference with no variant at an entry reads what the target reads; a target whose
    // references were only inferred is a witness of its own reading.
    let inferred = cx.references.iter().any(|r| !r.designated);
    for e in &mut entries {
        if inferred {
            e.evidence.push(Evidence {
                method: "target",
                doc: cx.target,
                range: e.range.clone(),
                text: e.found.clone(),
                supports: Supports::Found,
            });
        }
        for r in cx.references.iter().map(|r| r.doc) {
            if !e.evidence.iter().any(|x| x.doc == r) {
                e.evidence.push(Evidence {
                    method: "witness",
                    doc: r,
                    range: 0..0,
                    text: e.found.clone(),
                    supports: Supports::Found,
                });
            }
        }
    }
    entries.retain(|e| e.kind != "block" || e.found.chars().count() <= 200);
    entries
}

/// Bytes of the quoting document around its passage that a window is looked up in.
const WINDOW_BYTES: usize = 24;
/// Characters of the target on each side of an entry that a quotation is compared over,
/// widest first.
const WINDOW_CHARS: [usize; 3] = [8, 4, 2];

/// The nearest char boundary of `text` at or before `at`.
fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The nearest char boundary of `text` at or after `at` (`at` ≤ its length).
fn ceil_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// 他校: documents that quote the passage of an entry, and what they read there.
fn add_quotations(cx: &Context, scanned: &Scan, entries: &mut [Entry]) {
    let text = |d: DocId| cx.corpus.doc(d).text.as_str();
    for f in &scanned.findings {
        if !matches!(
            f.kind,
            FindingKind::SharedPassage | FindingKind::NearDuplicate
        ) {
            continue;
        }
        let Some(c) = &f.comparison else { continue };
        let (x, y) = (&f.locations[0], &f.locations[1]);
        // Orient: target side t, other side o; edits map t → o.
        let (t, o, t_is_a) = match (x.doc == cx.target, y.doc == cx.target) {
            (true, false) => (x, y, true),
            (false, true) => (y, x, false),
            _ => continue,
        };
        if !cx.is_other[o.doc] {
            continue;
        }
        for e in entries.iter_mut() {
            // A passage may start or end inside the entry's context (a doubled `茫茫` read
            // `茫`: the shared text starts after the doubling); entries that close to it are
            // decided by the windows below only.
            let inside = e.range.start >= t.range.start && e.range.end <= t.range.end;
            let near = e.range.end + WINDOW_BYTES >= t.range.start
                && e.range.start <= t.range.end + WINDOW_BYTES;
            if !near || e.evidence.iter().any(|v| v.doc == o.doc) {
                continue;
            }
            // The other document's reading over the entry's range.
            let mut reading = String::new();
            let mut at = e.range.start;
            let mut range_in_o: Option<Range<usize>> = None;
            for ed in &c.edits {
                let (tr, or) = if t_is_a {
                    (&ed.a, &ed.b)
                } else {
                    (&ed.b, &ed.a)
                };
                // An insertion at the edge of the entry (a quotation mark) is not part of it.
                let inside = if tr.is_empty() {
                    (e.range.start < tr.start && tr.start < e.range.end)
                        || (e.range.is_empty() && tr.start == e.range.start)
                } else {
                    tr.start < e.range.end.max(e.range.start + 1) && e.range.start < tr.end
                };
                if !inside {
                    continue;
                }
                let from = tr.start.max(at);
                if from > at {
                    reading += &text(cx.target)[at..from];
                }
                reading += &text(o.doc)[or.clone()];
                at = tr.end.max(at);
                range_in_o = Some(or.clone());
            }
            if at < e.range.end {
                reading += &text(cx.target)[at..e.range.end];
            }
            // The same question over a few characters around the entry, looked up in the
            // quoting document around its passage: where the aligner put an edit among equal
            // characters (a doubled `茫茫` read `茫`: which `茫` is missing?), or a passage that
            // starts inside the doubling, must not decide which reading the quotation
            // supports.
            let t_text = text(cx.target);
            let o_text = text(o.doc);
            let olo = floor_boundary(o_text, o.range.start.saturating_sub(2 * WINDOW_BYTES));
            let ohi = ceil_boundary(o_text, (o.range.end + 2 * WINDOW_BYTES).min(o_text.len()));
            let region = &o_text[olo..ohi];
            // Widest window first; a window reaching text the two do not share matches
            // neither reading, and a narrower one is tried: around the entry, then after it
            // only, then before it only (a quotation mark or a line break next to the entry
            // on one side).
            let windows = WINDOW_CHARS
                .iter()
                .map(|&n| (n, n))
                .chain(WINDOW_CHARS.iter().flat_map(|&n| [(0, n), (n, 0)]));
            let (has_found, has_proposed) = windows
                .map(|(before, after)| {
                    let lo = match before {
                        0 => e.range.start,
                        n => t_text[..e.range.start]
                            .char_indices()
                            .rev()
                            .nth(n - 1)
                            .map_or(0, |(i, _)| i),
                    };
                    let hi = t_text[e.range.end..]
                        .char_indices()
                        .nth(after)
                        .map_or(t_text.len(), |(i, _)| e.range.end + i);
                    let (head, tail) = (&t_text[lo..e.range.start], &t_text[e.range.end..hi]);
                    // One-sided windows need some text on their side.
                    let enough = head.chars().count() + tail.chars().count() >= 2;
                    let found = enough && region.contains(&t_text[lo..hi]);
                    let proposed = enough
                        && e.proposed
                            .as_deref()
                            .is_some_and(|p| region.contains(&format!("{head}{p}{tail}")));
                    (found, proposed)
                })
                .find(|&(f, p)| f != p)
                .unwrap_or((false, false));
            let supports = match (has_found, has_proposed) {
                (true, false) => Supports::Found,
                (false, true) => Supports::Proposed,
                _ if !inside => continue,
                _ if same(&reading, &e.found) => Supports::Found,
                _ if e.proposed.as_deref().is_some_and(|p| same(&reading, p)) => Supports::Proposed,
                _ => Supports::Neither,
            };
            // What the quotation reads at the entry: the reading it supports (the edit walk
            // gives nothing where the passage starts after the entry).
            let text = match supports {
                Supports::Found => e.found.clone(),
                Supports::Proposed => e.proposed.clone().unwrap_or_default(),
                Supports::Neither => reading,
            };
            e.evidence.push(Evidence {
                method: "quotation",
                doc: o.doc,
                range: range_in_o.unwrap_or(o.range.clone()),
                text,
                supports,
            });
        }
    }
}

/// Equal under the loose profile (a quotation may use other punctuation widths).
fn same(a: &str, b: &str) -> bool {
    view(a, Profile::Loose).text == view(b, Profile::Loose).text
}

/// Attestation: other documents that read a candidate in the same context.
fn add_attestation(cx: &Context, entries: &mut [Entry]) {
    let profile = cx.corpus.profile();
    let target = &cx.corpus.doc(cx.target).text;
    for e in entries.iter_mut() {
        let before: Vec<char> = target[..e.range.start]
            .chars()
            .rev()
            .take(PROBE_FAR)
            .collect();
        let after: Vec<char> = target[e.range.end..].chars().take(PROBE_FAR).collect();
        let probe = |reading: &str, left: usize, right: usize| {
            let l: String = before.iter().take(left).rev().collect();
            let r: String = after.iter().take(right).collect();
            view(&format!("{l}{reading}{r}"), profile).text
        };
        let mut candidates = vec![(e.found.clone(), Supports::Found)];
        if let Some(p) = &e.proposed {
            candidates.push((p.clone(), Supports::Proposed));
        }
        for (reading, supports) in candidates {
            let probes = [
                probe(&reading, PROBE_NEAR, PROBE_FAR),
                probe(&reading, PROBE_FAR, PROBE_NEAR),
            ];
            if probes.iter().all(|p| p.chars().count() < 4) {
                continue;
            }
            // One searcher per probe, run over every other document's view (in parallel:
            // this is the part of errata that grows with the corpus).
            let finders: Vec<memchr::memmem::Finder> = probes
                .iter()
                .map(|p| memchr::memmem::Finder::new(p.as_bytes()))
                .collect();
            let quoted = |d: DocId| {
                e.evidence
                    .iter()
                    .any(|x| x.doc == d && x.method != "attestation")
            };
            let hits: Vec<(DocId, usize)> = cx
                .others
                .par_iter()
                .filter(|&&d| !quoted(d)) // already counted as a quotation of this passage
                .filter_map(|&d| {
                    let v = cx.corpus.tokenized(d).view.as_bytes();
                    finders
                        .iter()
                        .position(|f| f.find(v).is_some())
                        .map(|i| (d, i))
                })
                .collect();
            e.evidence.extend(hits.into_iter().map(|(doc, i)| Evidence {
                method: "attestation",
                doc,
                range: 0..0,
                text: probes[i].clone(),
                supports,
            }));
        }
    }
}

/// Weighs the evidence: one vote per document, for the reading it supports.
fn decide(e: &mut Entry) {
    let votes = |s: Supports| {
        let mut docs: Vec<usize> = e
            .evidence
            .iter()
            .filter(|v| v.supports == s)
            .map(|v| v.doc)
            .collect();
        docs.sort_unstable();
        docs.dedup();
        docs.len()
    };
    let (found, proposed) = (votes(Supports::Found), votes(Supports::Proposed));
    (e.verdict, e.confidence) = if proposed > found {
        let confidence = match (proposed, found) {
            (p, 0) if p >= 2 => Confidence::High,
            (_, 0) => Confidence::Medium,
            _ => Confidence::Low,
        };
        (Verdict::Correct, confidence)
    } else if found > proposed {
        (
            Verdict::TargetRight,
            if proposed == 0 {
                Confidence::Medium
            } else {
                Confidence::Low
            },
        )
    } else {
        (Verdict::Uncertain, Confidence::Uncertain)
    };
}

/// 本校 / 理校: problems the target shows by itself: repeats, a broken enumeration,
/// unbalanced marks, a paragraph broken off.
fn internal_entries(cx: &Context, scanned: &Scan) -> Vec<Entry> {
    let target = cx.corpus.doc(cx.target);
    let paragraphs = &cx.corpus.tokenized(cx.target).paragraphs;
    let mut out = repeat_entries(cx, scanned);
    out.extend(enumeration_entries(cx.target, target, paragraphs));
    out.extend(paragraph_entries(cx, paragraphs));
    out
}

/// Evidence from the target itself.
fn internal(cx: &Context, range: Range<usize>, note: String) -> Evidence {
    Evidence {
        method: "internal",
        doc: cx.target,
        range,
        text: note,
        supports: Supports::Proposed,
    }
}

/// A phrase written twice in place, a block repeated: found by the scan inside the target.
fn repeat_entries(cx: &Context, scanned: &Scan) -> Vec<Entry> {
    let target = cx.corpus.doc(cx.target);
    let mut out = Vec::new();
    for f in &scanned.findings {
        if f.locations.iter().any(|l| l.doc != cx.target) {
            continue;
        }
        // The first copy, and the last (a phrase or a block may be repeated many times).
        let (first, second) = (&f.locations[0].range, &f.locations[1].range);
        let last = &f.locations[f.locations.len() - 1].range;
        let times = match f.locations.len() {
            2 => "twice".to_string(),
            n => format!("{n} times"),
        };
        match f.kind {
            FindingKind::RepeatedPhrase => {
                // The copies after the first, and what separates them from it. A repetition
                // that looks meant (a refrain, a heading and its text) stays listed, but
                // uncertain.
                let range = first.end..last.end;
                let (verdict, confidence, note) = match repetition(cx.corpus.docs(), f) {
                    Some((Repetition::Deliberate, why)) => (
                        Verdict::Uncertain,
                        Confidence::Uncertain,
                        format!("; it looks deliberate: {why}"),
                    ),
                    _ => (Verdict::Correct, Confidence::Medium, String::new()),
                };
                out.push(Entry {
                    found: target.text[first.start..last.end].to_string(),
                    proposed: Some(target.text[first.clone()].to_string()),
                    range: first.start..last.end,
                    kind: Kind::Dittography.name().to_string(),
                    causes: Causes::NONE,
                    verdict,
                    confidence,
                    evidence: vec![internal(
                        cx,
                        range,
                        format!("the same words written {times} in place{note}"),
                    )],
                });
            }
            FindingKind::DuplicateBlock => {
                out.push(Entry {
                    found: target.text[second.start..last.end].to_string(),
                    proposed: Some(String::new()),
                    range: second.start..last.end,
                    kind: "repeated_block".into(),
                    causes: Causes::NONE,
                    verdict: Verdict::Correct,
                    confidence: Confidence::Medium,
                    evidence: vec![internal(
                        cx,
                        first.clone(),
                        format!(
                            "repeats lines {}–{}",
                            target.position(first.start).line,
                            target.position(first.end).line
                        ),
                    )],
                });
            }
            _ => {}
        }
    }
    out
}

/// Unbalanced brackets and quotation marks, and paragraphs that stop in mid-sentence.
fn paragraph_entries(cx: &Context, paragraphs: &[Range<usize>]) -> Vec<Entry> {
    let target = cx.corpus.doc(cx.target);
    let mut out = Vec::new();
    for p in paragraphs {
        if let Some(at) = unbalanced(&target.text[p.clone()]) {
            let pos = p.start + at;
            let c = target.text[pos..].chars().next().map_or(0, char::len_utf8);
            out.push(Entry {
                range: pos..pos + c,
                found: target.text[pos..pos + c].to_string(),
                proposed: None,
                kind: "unbalanced".into(),
                causes: Causes::NONE,
                verdict: Verdict::Uncertain,
                confidence: Confidence::Uncertain,
                evidence: vec![internal(
                    cx,
                    p.clone(),
                    "a bracket or quotation mark is not matched in its paragraph".into(),
                )],
            });
        }
    }
    for w in paragraphs.windows(2) {
        let text = &target.text[w[0].clone()];
        let last = text.chars().next_back().unwrap_or('。');
        if text.chars().count() >= 40 && is_cjk(last) && last.is_alphanumeric() {
            let end = w[0].end;
            out.push(Entry {
                range: end..end,
                found: String::new(),
                proposed: None,
                kind: "broken_off".into(),
                causes: Causes::NONE,
                verdict: Verdict::Uncertain,
                confidence: Confidence::Uncertain,
                evidence: vec![internal(
                    cx,
                    w[0].clone(),
                    "the paragraph stops in mid-sentence".into(),
                )],
            });
        }
    }
    out
}

const NUMERALS: [char; 10] = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/// Paragraph-initial enumeration markers (`一要`, `二是`, `三、`): when a run 1, 2, … is
/// followed by a marker with the wrong number, the expected one is proposed in the run's form.
fn enumeration_entries(id: DocId, target: &Document, paragraphs: &[Range<usize>]) -> Vec<Entry> {
    struct Marker {
        n: usize,
        suffix: String,
        range: Range<usize>,
    }
    let mut markers = Vec::new();
    for p in paragraphs {
        let text = &target.text[p.clone()];
        let Some(first) = text.chars().next() else {
            continue;
        };
        let Some(n) = NUMERALS.iter().position(|&c| c == first) else {
            continue;
        };
        let rest = &text[first.len_utf8()..];
        let suffix = ["是要", "要", "是", "、"]
            .into_iter()
            .find(|s| rest.starts_with(s));
        if let Some(s) = suffix {
            let end = p.start + first.len_utf8() + s.len();
            markers.push(Marker {
                n: n + 1,
                suffix: s.to_string(),
                range: p.start..end,
            });
        }
    }
    let mut out = Vec::new();
    let mut run: Vec<usize> = Vec::new(); // indices into markers
    for i in 0..markers.len() {
        let expected = run.last().map_or(1, |&j| markers[j].n + 1);
        if markers[i].n == expected {
            run.push(i);
            continue;
        }
        if run.len() >= 2 && markers[i].n != 1 {
            let form = &markers[run[0]].suffix;
            let proposed = format!("{}{form}", NUMERALS[(expected - 1).min(9)]);
            let listed: Vec<String> = run
                .iter()
                .map(|&j| {
                    format!(
                        "{} (line {})",
                        &target.text[markers[j].range.clone()],
                        target.position(markers[j].range.start).line
                    )
                })
                .collect();
            out.push(Entry {
                range: markers[i].range.clone(),
                found: target.text[markers[i].range.clone()].to_string(),
                proposed: Some(proposed),
                kind: Kind::Numeral.name().to_string(),
                causes: Causes::NONE,
                verdict: Verdict::Correct,
                confidence: Confidence::Medium,
                evidence: vec![Evidence {
                    method: "internal",
                    doc: id,
                    range: markers[run[0]].range.start
                        ..markers[*run.last().unwrap_or(&i)].range.end,
                    text: format!(
                        "an enumeration out of sequence: {} come before it",
                        listed.join(", ")
                    ),
                    supports: Supports::Proposed,
                }],
            });
            // Read it as the expected item and go on.
            markers[i].n = expected;
            run.push(i);
        } else {
            run = if markers[i].n == 1 {
                vec![i]
            } else {
                Vec::new()
            };
        }
    }
    out
}

/// The offset of the first unmatched bracket or quotation mark, if any.
fn unbalanced(text: &str) -> Option<usize> {
    const PAIRS: [(char, char); 5] = [
        ('“', '”'),
        ('《', '》'),
        ('（', '）'),
        ('(', ')'),
        ('「', '」'),
    ];
    let mut stack: Vec<(char, usize)> = Vec::new();
    for (i, c) in text.char_indices() {
        if let Some(&(_, close)) = PAIRS.iter().find(|(o, _)| *o == c) {
            stack.push((close, i));
        } else if PAIRS.iter().any(|(_, cl)| *cl == c) {
            match stack.last() {
                Some(&(expected, _)) if expected == c => {
                    stack.pop();
                }
                _ => return Some(i),
            }
        }
    }
    // Punctuation-only oddities aside, an opening mark left open.
    stack
        .first()
        .map(|&(_, i)| i)
        .filter(|&i| text[i..].chars().next().is_some_and(is_punctuation))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::ReadOptions;

    fn doc(name: &str, text: &str) -> Document {
        Document::from_bytes(name, name, text.as_bytes(), &ReadOptions::default()).unwrap()
    }

    #[test]
    fn broken_enumeration_proposes_the_next_number() {
        let t = doc(
            "t",
            "一要合作。\n二要发展。\n三要安全。\n四要人文。\n二是要维护秩序。\n",
        );
        let e = enumeration_entries(0, &t, &crate::segment::paragraphs(&t.text));
        assert_eq!(e.len(), 1);
        assert_eq!(
            (e[0].found.as_str(), e[0].proposed.as_deref()),
            ("二是要", Some("五要"))
        );
        assert_eq!(t.position(e[0].range.start).line, 5);
    }

    #[test]
    fn unbalanced_marks() {
        assert_eq!(unbalanced("他说：“好。”然后"), None);
        assert_eq!(unbalanced("他说：“好。然后"), Some("他说：".len()));
        assert_eq!(
            unbalanced("《山海情》、《我的阿勒泰"),
            Some("《山海情》、".len())
        );
        assert_eq!(unbalanced("好）"), Some("好".len()));
    }
}
