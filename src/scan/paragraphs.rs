//! Paragraphs found again: boilerplate, duplicate paragraphs and duplicate blocks (pasted
//! twice, or repeated in place).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

use super::passages::PASSAGE_K;
use super::prepare::{Prepared, min_chars};
use super::{Finding, FindingKind, Location, Occurrences, ScanOptions};

/// Paragraph keys seen in several places: boilerplate (lines too short to be a duplicate, in
/// several documents) and duplicate groups, each in document order.
pub(super) fn paragraph_groups(
    prepared: &[Prepared],
    opts: &ScanOptions,
) -> (Vec<Occurrences>, Vec<Occurrences>) {
    let mut by_key: BTreeMap<&str, Occurrences> = BTreeMap::new();
    for (d, p) in prepared.iter().enumerate() {
        for (i, para) in p.paras.iter().enumerate() {
            by_key.entry(para.key.as_str()).or_default().push((d, i));
        }
    }
    let mut boilerplate = Vec::new();
    let mut duplicates = Vec::new();
    for (key, occ) in by_key {
        let para = &prepared[occ[0].0].paras[occ[0].1];
        let mut docs_with: Vec<usize> = occ.iter().map(|o| o.0).collect();
        docs_with.dedup();
        let min = min_chars(key, opts);
        if para.clusters < min && docs_with.len() >= 2 {
            boilerplate.push(occ);
        } else if occ.len() >= 2 && para.clusters >= min {
            duplicates.push(occ);
        }
    }
    (boilerplate, duplicates)
}

/// Boilerplate, duplicate blocks and duplicate paragraphs (those not inside a block), as the
/// kinds wanted ask.
pub(super) fn paragraph_findings(
    prepared: &[Prepared],
    boilerplate: &[Occurrences],
    duplicates: &[Occurrences],
    wants: &dyn Fn(FindingKind) -> bool,
) -> Vec<Finding> {
    let location = |(d, i): (usize, usize)| Location {
        doc: d,
        range: prepared[d].paras[i].range.clone(),
    };
    let of_paragraphs = |kind, occ: &Occurrences| Finding {
        kind,
        similarity: 1.0,
        locations: occ.iter().map(|&o| location(o)).collect(),
        comparison: None,
    };
    let mut findings = Vec::new();
    if wants(FindingKind::Boilerplate) {
        findings.extend(
            boilerplate
                .iter()
                .map(|occ| of_paragraphs(FindingKind::Boilerplate, occ)),
        );
    }
    let (blocks, in_block) = duplicate_blocks(prepared, duplicates);
    if wants(FindingKind::DuplicateBlock) {
        findings.extend(blocks.into_iter().map(|locations| Finding {
            kind: FindingKind::DuplicateBlock,
            similarity: 1.0,
            locations,
            comparison: None,
        }));
    }
    if wants(FindingKind::DuplicateParagraph) {
        findings.extend(
            duplicates
                .iter()
                .filter(|occ| !occ.iter().all(|o| in_block.contains(o)))
                .map(|occ| of_paragraphs(FindingKind::DuplicateParagraph, occ)),
        );
    }
    findings
}

/// Duplicate blocks: maximal diagonal runs of equal paragraphs that start with a duplicate
/// pair, widened by a partial paragraph at either end (a block cut mid-paragraph). Also
/// returns the paragraphs inside blocks.
fn duplicate_blocks(
    prepared: &[Prepared],
    duplicates: &[Occurrences],
) -> (Vec<Vec<Location>>, HashSet<(usize, usize)>) {
    let duplicate_of: HashSet<(usize, usize)> = duplicates.iter().flatten().copied().collect();
    let key = |(d, i): (usize, usize)| prepared[d].paras.get(i).map(|p| p.key.as_str());
    let equal = |x: (usize, usize), y: (usize, usize)| key(x).is_some() && key(x) == key(y);
    let mut in_block: HashSet<(usize, usize)> = HashSet::new();
    let mut blocks = Vec::new();
    // Text repeated in place (an article pasted 1,395 times, a paragraph 30,000 times) is one
    // finding with a location per copy: only a run's first copy takes part in the pairwise
    // search below, which would otherwise pair every copy with every other.
    let tandems = tandem_runs(prepared, &duplicate_of);
    let mut later_copy: HashSet<(usize, usize)> = HashSet::new();
    for t in &tandems {
        for k in t.period..t.len {
            later_copy.insert((t.doc, t.start + k));
        }
        if t.period >= 2 {
            for k in 0..t.len {
                in_block.insert((t.doc, t.start + k));
            }
            let paras = &prepared[t.doc].paras;
            blocks.push(
                t.copies()
                    .map(|c| Location {
                        doc: t.doc,
                        range: paras[c.start].range.start..paras[c.end - 1].range.end,
                    })
                    .collect(),
            );
        }
    }
    for occ in duplicates {
        // A block is two paragraphs or more: only occurrences followed by the same paragraph
        // can start one, so they are paired within those groups (a paragraph shared by 8,000
        // files, each followed by its own text, makes no pair at all instead of 32 million).
        let mut by_next: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
        for &o in occ.iter().filter(|o| !later_copy.contains(o)) {
            if let Some(next) = key((o.0, o.1 + 1)) {
                by_next.entry(next).or_default().push(o);
            }
        }
        let mut groups: Vec<Vec<(usize, usize)>> = by_next.into_values().collect();
        groups.sort();
        for occ in groups.iter().filter(|g| g.len() >= 2) {
            for (n, &x) in occ.iter().enumerate() {
                for &y in &occ[n + 1..] {
                    if x.1 > 0 && y.1 > 0 && equal((x.0, x.1 - 1), (y.0, y.1 - 1)) {
                        continue; // not the start of a run
                    }
                    let mut len = 1;
                    while equal((x.0, x.1 + len), (y.0, y.1 + len))
                        && (x.0 != y.0 || x.1 + len < y.1)
                    {
                        len += 1;
                    }
                    let dups = (0..len)
                        .filter(|k| duplicate_of.contains(&(x.0, x.1 + k)))
                        .count();
                    if len >= 2 && dups >= 2 {
                        for k in 0..len {
                            in_block.insert((x.0, x.1 + k));
                            in_block.insert((y.0, y.1 + k));
                        }
                        let (lx, ly) = widen_block(prepared, x, y, len);
                        blocks.push(vec![lx, ly]);
                    }
                }
            }
        }
    }
    (blocks, in_block)
}

/// Paragraphs repeated in place: from paragraph `start` of document `doc`, `len` paragraphs
/// that repeat every `period` paragraphs (copies of `period` paragraphs, the last one maybe
/// partial).
struct Tandem {
    doc: usize,
    start: usize,
    period: usize,
    len: usize,
}

impl Tandem {
    /// Each copy as a range of paragraph indices.
    fn copies(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        (self.start..self.start + self.len)
            .step_by(self.period)
            .map(|c| c..(c + self.period).min(self.start + self.len))
    }
}

/// The runs of each document where a sequence of up to [`TANDEM_PERIOD_MAX`] paragraphs,
/// starting with a duplicate one, repeats right after itself, each as long as it goes (the shortest period at a
/// place wins). Linear in the paragraphs for text that does not repeat (a mismatch ends each
/// try at once).
fn tandem_runs(prepared: &[Prepared], duplicate_of: &HashSet<(usize, usize)>) -> Vec<Tandem> {
    let mut runs = Vec::new();
    for (d, p) in prepared.iter().enumerate() {
        let keys: Vec<&str> = p.paras.iter().map(|x| x.key.as_str()).collect();
        let m = keys.len();
        let same = |x: usize, y: usize, len: usize| (0..len).all(|k| keys[x + k] == keys[y + k]);
        let (mut i, mut floor) = (0, 0);
        while i < m {
            let period = (1..=TANDEM_PERIOD_MAX.min((m - i) / 2)).find(|&per| {
                keys[i] == keys[i + per] && duplicate_of.contains(&(d, i)) && same(i, i + per, per)
            });
            let Some(period) = period else {
                i += 1;
                continue;
            };
            // As far as the repetition goes on both sides, a part of a copy included: the run
            // ends inside the last copy, or began inside the first (its opening paragraphs
            // are too short to be duplicates).
            let mut end = i + 2 * period;
            while end < m && keys[end] == keys[end - period] {
                end += 1;
            }
            let mut start = i;
            while start > floor && keys[start - 1] == keys[start - 1 + period] {
                start -= 1;
            }
            runs.push(Tandem {
                doc: d,
                start,
                period,
                len: end - start,
            });
            floor = end;
            i = end;
        }
    }
    runs
}

/// The longest sequence of paragraphs [`tandem_runs`] looks for as a repeated unit.
const TANDEM_PERIOD_MAX: usize = 64;

/// The locations of a block of `len` equal paragraphs at `x` and `y`, widened by the common
/// tail of the paragraphs before them and the common head of the paragraphs after them.
fn widen_block(
    prepared: &[Prepared],
    x: (usize, usize),
    y: (usize, usize),
    len: usize,
) -> (Location, Location) {
    let (px, py) = (&prepared[x.0], &prepared[y.0]);
    let mut rx = px.paras[x.1].range.start..px.paras[x.1 + len - 1].range.end;
    let mut ry = py.paras[y.1].range.start..py.paras[y.1 + len - 1].range.end;
    // Shared tokens, counted from the end of the paragraphs before (or the start of those after).
    let common = |tx: Range<usize>, ty: Range<usize>, backwards: bool| {
        let (a, b) = (&px.hashes[tx.clone()], &py.hashes[ty.clone()]);
        if backwards {
            a.iter()
                .rev()
                .zip(b.iter().rev())
                .take_while(|(p, q)| p == q)
                .count()
        } else {
            a.iter().zip(b).take_while(|(p, q)| p == q).count()
        }
    };
    if x.1 > 0 && y.1 > 0 && (x.0 != y.0 || x.1 + len < y.1) {
        let (tx, ty) = (
            px.paras[x.1 - 1].tokens.clone(),
            py.paras[y.1 - 1].tokens.clone(),
        );
        let n = common(tx.clone(), ty.clone(), true);
        if n >= PASSAGE_K {
            rx.start = px.spans[tx.end - n].start as usize;
            ry.start = py.spans[ty.end - n].start as usize;
        }
    }
    if let (Some(nx), Some(ny)) = (px.paras.get(x.1 + len), py.paras.get(y.1 + len))
        && (x.0 != y.0 || x.1 + len + 1 < y.1)
    {
        let n = common(nx.tokens.clone(), ny.tokens.clone(), false);
        if n >= PASSAGE_K {
            rx.end = px.spans[nx.tokens.start + n - 1].end as usize;
            ry.end = py.spans[ny.tokens.start + n - 1].end as usize;
        }
    }
    (
        Location {
            doc: x.0,
            range: rx,
        },
        Location {
            doc: y.0,
            range: ry,
        },
    )
}
