//! One finding per relation: what the stages found, merged; and how much of each pair of
//! documents their shared passages cover.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;

use super::{Coverage, Finding, FindingKind, Location, Run};
use crate::progress::Progress;
use crate::source::Document;

/// One finding per relation: a pair of paragraphs (near or exact duplicates, a block) that
/// lies inside a shared passage between the same two places is part of that passage — a
/// transcription is one passage with its variants, not also each of its paragraphs.
pub(super) fn drop_inside_passages(findings: &mut Vec<Finding>) {
    let passages: Vec<(Location, Location)> = findings
        .iter()
        .filter(|f| f.kind == FindingKind::SharedPassage)
        .map(|f| (f.locations[0].clone(), f.locations[1].clone()))
        .collect();
    if passages.is_empty() {
        return;
    }
    let within = |outer: &Location, inner: &Location| {
        outer.doc == inner.doc
            && outer.range.start <= inner.range.start
            && inner.range.end <= outer.range.end
    };
    findings.retain(|f| {
        let pairwise = matches!(
            f.kind,
            FindingKind::NearDuplicate
                | FindingKind::DuplicateParagraph
                | FindingKind::DuplicateBlock
        ) && f.locations.len() == 2;
        // A passage larger than a duplicate it holds is the relation, and the duplicate a part
        // of it (a passage's edges never spill into a neighbouring paragraph by a few
        // characters: `off_paragraph_edges`); one of the same extent was dropped for the
        // duplicate, which says more (`new_passages`).
        !pairwise
            || !passages.iter().any(|(p, q)| {
                let (x, y) = (&f.locations[0], &f.locations[1]);
                let larger = |p: &Location, x: &Location| p.range.len() > x.range.len();
                (within(p, x) && within(q, y) && (larger(p, x) || larger(q, y)))
                    || (within(p, y) && within(q, x) && (larger(p, y) || larger(q, x)))
            })
    });
}

/// A phrase doubled inside an article that is itself repeated in place is reported in the
/// first copy only: the other copies repeat it with the article.
pub(super) fn drop_repeats_in_copies(findings: &mut Vec<Finding>) {
    let copies: Vec<&Location> = findings
        .iter()
        .filter(|f| f.kind == FindingKind::DuplicateBlock && f.locations.len() > 2)
        .flat_map(|f| f.locations[1..].iter())
        .collect();
    if copies.is_empty() {
        return;
    }
    let inside = |l: &Location| {
        copies
            .iter()
            .any(|c| c.doc == l.doc && c.range.start <= l.range.start && l.range.end <= c.range.end)
    };
    let drop: Vec<bool> = findings
        .iter()
        .map(|f| f.kind == FindingKind::RepeatedPhrase && inside(&f.locations[0]))
        .collect();
    let mut keep = drop.iter().map(|d| !d);
    findings.retain(|_| keep.next().unwrap_or(true));
}

/// Files with the same text are one `identical` finding; what is found between them, or
/// with a third file through any but the first of them, repeats what the first says.
pub(super) fn identical(docs: &[Document], findings: &mut Vec<Finding>) {
    let mut by_text: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (d, doc) in docs.iter().enumerate() {
        if !doc.text.is_empty() {
            by_text.entry(doc.text_sha256.as_str()).or_default().push(d);
        }
    }
    let groups: Vec<Vec<usize>> = by_text.into_values().filter(|g| g.len() >= 2).collect();
    if groups.is_empty() {
        return;
    }
    let copy: HashSet<usize> = groups.iter().flat_map(|g| g[1..].iter().copied()).collect();
    findings.retain(|f| !f.locations.iter().any(|l| copy.contains(&l.doc)));
    findings.extend(groups.into_iter().map(|g| {
        Finding {
            kind: FindingKind::Identical,
            similarity: 1.0,
            locations: g
                .into_iter()
                .map(|d| Location {
                    doc: d,
                    range: 0..docs[d].text.len(),
                })
                .collect(),
            comparison: None,
        }
    }));
}

/// Shared passages that are not inside a duplicate or near duplicate already reported.
pub(super) fn new_passages(
    findings: &[Finding],
    passages: Vec<Finding>,
    progress: &dyn Progress,
) -> Vec<Finding> {
    let reported = [
        FindingKind::DuplicateBlock,
        FindingKind::DuplicateParagraph,
        FindingKind::NearDuplicate,
    ];
    let known: Vec<&Finding> = findings
        .iter()
        .filter(|f| reported.contains(&f.kind))
        .collect();
    let within = |outer: &Location, inner: &Location| {
        outer.doc == inner.doc
            && outer.range.start <= inner.range.start
            && inner.range.end <= outer.range.end
    };
    // Inside two different locations of one finding (a finding may have thousands: checked
    // location by location, not pair by pair).
    let covered = |f: &Finding, x: &Location, y: &Location| {
        let i = f.locations.iter().position(|l| within(l, x));
        i.is_some_and(|i| {
            f.locations
                .iter()
                .enumerate()
                .any(|(j, l)| j != i && within(l, y))
        })
    };
    passages
        .into_iter()
        .filter(|f| {
            let (x, y) = (&f.locations[0], &f.locations[1]);
            let new = !known.iter().any(|k| covered(k, x, y) || covered(k, y, x));
            progress.advance(1);
            new
        })
        .collect()
}

/// For each pair of documents that share passages, the characters of each covered.
pub(super) fn coverage(docs: &[Document], passages: &[Finding]) -> Vec<Coverage> {
    let mut by_pair: BTreeMap<(usize, usize), Run<Vec<Range<usize>>>> = BTreeMap::new();
    for f in passages {
        let (x, y) = (&f.locations[0], &f.locations[1]);
        if x.doc == y.doc {
            continue;
        }
        let e = by_pair.entry((x.doc, y.doc)).or_default();
        e.0.push(x.range.clone());
        e.1.push(y.range.clone());
    }
    let covered = |text: &str, mut ranges: Vec<Range<usize>>| {
        ranges.sort_by_key(|r| r.start);
        let mut total = 0;
        let mut end = 0;
        for r in ranges {
            let start = r.start.max(end);
            if r.end > start {
                total += text[start..r.end].chars().count();
                end = r.end;
            }
        }
        total
    };
    by_pair
        .into_iter()
        .map(|((a, b), (ra, rb))| Coverage {
            a,
            b,
            a_shared: covered(&docs[a].text, ra),
            a_chars: docs[a].text.chars().count(),
            b_shared: covered(&docs[b].text, rb),
            b_chars: docs[b].text.chars().count(),
        })
        .collect()
}
