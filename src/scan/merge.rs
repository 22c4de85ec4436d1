//! One finding per relation: what the stages found, merged; and how much of each pair of
//! documents their shared passages cover.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

use rayon::prelude::*;

use super::prepare::Docs;
use super::{Coverage, Finding, FindingKind, Location, Run};
use crate::progress::{Phase, Progress};
use crate::source::Document;

/// One finding per relation: a pair of paragraphs (near or exact duplicates, a block) that
/// lies inside a shared passage between the same two places is part of that passage — a
/// transcription is one passage with its variants, not also each of its paragraphs.
fn drop_inside_passages(findings: &mut Vec<Finding>) {
    // Passages by the documents of their two sides: a finding is only compared with the
    // passages between its own two documents (all of them against all findings was quadratic).
    let mut passages: HashMap<(usize, usize), Vec<(Location, Location)>> = HashMap::new();
    for f in findings
        .iter()
        .filter(|f| f.kind == FindingKind::SharedPassage)
    {
        let (p, q) = (&f.locations[0], &f.locations[1]);
        passages
            .entry((p.doc, q.doc))
            .or_default()
            .push((p.clone(), q.clone()));
    }
    if passages.is_empty() {
        return;
    }
    let larger = |p: &Location, x: &Location| p.range.len() > x.range.len();
    // A passage (p, q) holding x on its first side and y on its second, larger on one.
    let holds = |x: &Location, y: &Location| {
        passages.get(&(x.doc, y.doc)).is_some_and(|list| {
            list.iter()
                .any(|(p, q)| within(p, x) && within(q, y) && (larger(p, x) || larger(q, y)))
        })
    };
    // Decided in parallel (each finding against its documents' passages), dropped in order.
    let keep: Vec<bool> = findings
        .par_iter()
        .map(|f| {
            let pairwise = matches!(
                f.kind,
                FindingKind::NearDuplicate
                    | FindingKind::DuplicateParagraph
                    | FindingKind::DuplicateBlock
            ) && f.locations.len() == 2;
            // A passage larger than a duplicate it holds is the relation, and the duplicate a
            // part of it (a passage's edges never spill into a neighbouring paragraph by a few
            // characters: `off_paragraph_edges`); one of the same extent was dropped for the
            // duplicate, which says more (`new_passages`).
            !pairwise || {
                let (x, y) = (&f.locations[0], &f.locations[1]);
                !holds(x, y) && !holds(y, x)
            }
        })
        .collect();
    let mut keep = keep.into_iter();
    findings.retain(|_| keep.next().unwrap_or(true));
}

/// Whether `inner` lies inside `outer`.
fn within(outer: &Location, inner: &Location) -> bool {
    outer.doc == inner.doc
        && outer.range.start <= inner.range.start
        && inner.range.end <= outer.range.end
}

/// A phrase doubled inside an article that is itself repeated in place is reported in the
/// first copy only: the other copies repeat it with the article.
fn drop_repeats_in_copies(findings: &mut Vec<Finding>) {
    let copies: Vec<&Location> = findings
        .iter()
        .filter(|f| {
            f.kind == FindingKind::DuplicateBlock
                && f.locations.len() > 2
                && f.locations.iter().all(|l| l.doc == f.locations[0].doc)
        })
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

/// A block found in several documents is one finding with every place: the stages find
/// blocks between two places at a time, and a block in N files (a licence, a masthead) was
/// N(N-1)/2 findings. Two such pairs with a place in common (the same range of the same
/// document) have the same text, so each connected set of places is one finding. Blocks
/// within one document are left as found: errata read them as the document's own repeats.
fn group_blocks(findings: &mut Vec<Finding>) {
    let between_documents = |f: &Finding| {
        f.kind == FindingKind::DuplicateBlock
            && f.locations.len() == 2
            && f.locations[0].doc != f.locations[1].doc
    };
    let (pairs, mut grouped): (Vec<Finding>, Vec<Finding>) = std::mem::take(findings)
        .into_iter()
        .partition(between_documents);
    // Each distinct place once, with the places it was paired with.
    let mut index: HashMap<(usize, usize, usize), usize> = HashMap::new();
    let mut places: Vec<(Location, Vec<usize>)> = Vec::new();
    for f in pairs {
        let ids: Vec<usize> = (f.locations.into_iter())
            .map(|l| {
                *index.entry(l.key()).or_insert_with(|| {
                    places.push((l, Vec::new()));
                    places.len() - 1
                })
            })
            .collect();
        let (x, y) = (ids[0], ids[1]);
        places[x].1.push(y);
        places[y].1.push(x);
    }
    let mut seen = vec![false; places.len()];
    for start in 0..places.len() {
        if std::mem::replace(&mut seen[start], true) {
            continue;
        }
        let (mut todo, mut component) = (vec![start], Vec::new());
        while let Some(p) = todo.pop() {
            component.push(places[p].0.clone());
            for &q in &places[p].1 {
                if !std::mem::replace(&mut seen[q], true) {
                    todo.push(q);
                }
            }
        }
        component.sort_by_key(Location::key);
        grouped.push(Finding {
            kind: FindingKind::DuplicateBlock,
            similarity: 1.0,
            locations: component,
            comparison: None,
        });
    }
    *findings = grouped;
}

/// What the last stage knows of a file: its text's digest and length.
pub(crate) struct File<'a> {
    /// SHA-256 of the canonical text.
    pub(crate) digest: &'a str,
    /// Length of the text in bytes.
    pub(crate) len: usize,
}

impl File<'_> {
    /// What the last stage knows of each of `docs`.
    pub(crate) fn of(docs: &[Document]) -> Vec<File<'_>> {
        docs.iter()
            .map(|d| File {
                digest: &d.text_sha256,
                len: d.text.len(),
            })
            .collect()
    }
}

/// The last stage, where the findings of the others meet: passages that a duplicate already
/// tells are dropped, and duplicates inside a larger passage (`wants` shared passages);
/// phrases doubled inside copies of an article are dropped; files with the same text become
/// one finding (`wants` identical). Sorted by kind, then position; doubled phrases that look
/// like copying errors before the ones that look `meant`.
pub(crate) fn finish(
    mut findings: Vec<Finding>,
    passages: Vec<Finding>,
    files: &[File],
    wants: &dyn Fn(FindingKind) -> bool,
    meant: &dyn Fn(&Finding) -> bool,
    progress: &dyn Progress,
) -> Vec<Finding> {
    if wants(FindingKind::SharedPassage) {
        progress.phase(Phase::Merging, Some(passages.len() as u64));
        let new = new_passages(&findings, passages, progress);
        findings.extend(new);
        drop_inside_passages(&mut findings);
    }
    group_blocks(&mut findings);
    drop_repeats_in_copies(&mut findings);
    if wants(FindingKind::Identical) {
        identical(files, &mut findings);
    }
    findings.sort_by_cached_key(|f| {
        let second = f.locations.get(1).map(Location::key);
        let meant = f.kind == FindingKind::RepeatedPhrase && meant(f);
        (f.kind, meant, f.locations[0].key(), second)
    });
    findings
}

/// Files with the same text are one `identical` finding; what is found between them, or
/// with a third file through any but the first of them, repeats what the first says (a place
/// in a copy is dropped from a finding of several places).
fn identical(files: &[File], findings: &mut Vec<Finding>) {
    let mut by_text: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (d, file) in files.iter().enumerate() {
        if file.len > 0 {
            by_text.entry(file.digest).or_default().push(d);
        }
    }
    let groups: Vec<Vec<usize>> = by_text.into_values().filter(|g| g.len() >= 2).collect();
    if groups.is_empty() {
        return;
    }
    let copy: HashSet<usize> = groups.iter().flat_map(|g| g[1..].iter().copied()).collect();
    // A finding loses its places in the copies, and goes when fewer than two are left.
    findings.retain_mut(|f| {
        f.locations.retain(|l| !copy.contains(&l.doc));
        f.locations.len() >= 2
    });
    findings.extend(groups.into_iter().map(|g| {
        Finding {
            kind: FindingKind::Identical,
            similarity: 1.0,
            locations: g
                .into_iter()
                .map(|d| Location {
                    doc: d,
                    range: 0..files[d].len,
                })
                .collect(),
            comparison: None,
        }
    }));
}

/// Shared passages that are not inside a duplicate or near duplicate already reported.
fn new_passages(
    findings: &[Finding],
    passages: Vec<Finding>,
    progress: &dyn Progress,
) -> Vec<Finding> {
    let reported = [
        FindingKind::DuplicateBlock,
        FindingKind::DuplicateParagraph,
        FindingKind::NearDuplicate,
    ];
    // The locations of the findings already reported, by document: (finding, location).
    // A passage is only compared with the locations in its own documents (comparing every
    // passage with every finding was quadratic: a minute for 2,000 files).
    let mut by_doc: HashMap<usize, Vec<(usize, usize)>> = HashMap::new();
    for (k, f) in findings.iter().enumerate() {
        if reported.contains(&f.kind) {
            for (i, l) in f.locations.iter().enumerate() {
                by_doc.entry(l.doc).or_default().push((k, i));
            }
        }
    }
    // The (finding, location) pairs whose location holds `x`.
    let holding = |x: &Location| -> Vec<(usize, usize)> {
        by_doc.get(&x.doc).map_or_else(Vec::new, |list| {
            list.iter()
                .copied()
                .filter(|&(k, i)| within(&findings[k].locations[i], x))
                .collect()
        })
    };
    // Inside two different locations of one finding.
    let covered = |x: &Location, y: &Location| {
        let (hx, hy) = (holding(x), holding(y));
        hx.iter()
            .any(|&(k, i)| hy.iter().any(|&(l, j)| l == k && j != i))
    };
    // In parallel: each passage against the findings in its documents; order kept.
    passages
        .into_par_iter()
        .filter(|f| {
            let new = !covered(&f.locations[0], &f.locations[1]);
            progress.advance(1);
            new
        })
        .collect()
}

/// For each pair of documents that share passages, the characters of each covered.
pub(crate) fn coverage(docs: &Docs, passages: &[Finding]) -> Vec<Coverage> {
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
    // Each document's length in characters, counted once: a document is in many pairs.
    let mut counted: Vec<usize> = by_pair.keys().flat_map(|&(a, b)| [a, b]).collect();
    counted.sort_unstable();
    counted.dedup();
    let chars: HashMap<usize, usize> = counted
        .into_par_iter()
        .map(|d| (d, docs.text(d).chars().count()))
        .collect();
    let pairs: Vec<_> = by_pair.into_iter().collect();
    pairs
        .into_par_iter()
        .map(|((a, b), (ra, rb))| Coverage {
            a,
            b,
            a_shared: covered(docs.text(a), ra),
            a_chars: chars[&a],
            b_shared: covered(docs.text(b), rb),
            b_chars: chars[&b],
        })
        .collect()
}
