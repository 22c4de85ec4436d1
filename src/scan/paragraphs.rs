//! Paragraphs found again: boilerplate, duplicate paragraphs and duplicate blocks (pasted
//! twice, or repeated in place).
//!
//! The stage reads paragraphs as rows ([`ParagraphRow`]: where each is and the digest of its
//! normalized text), so that it can run where the texts are not: a streaming or cluster
//! engine gives it only the rows of paragraphs whose key occurs more than once, since any
//! other paragraph equals no other.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use rayon::prelude::*;

use super::passages::PASSAGE_K;
use super::prepare::{Docs, Prepared};
use super::{Finding, FindingKind, Location, Occurrences, ScanOptions};

/// A paragraph as the stages exchange it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ParagraphRow {
    /// Its index in its document.
    pub(crate) index: u32,
    /// Its key: the digest of its normalized text.
    pub(crate) key: u128,
    /// Its length in grapheme clusters.
    pub(crate) clusters: u32,
    /// The minimum size of a duplicate that applies to it (by its script).
    pub(crate) min_chars: u32,
    /// Its byte range in the original text.
    pub(crate) start: u64,
    /// End of that range.
    pub(crate) end: u64,
}

impl ParagraphRow {
    fn range(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// The paragraph rows of a prepared document.
pub(crate) fn paragraph_rows(p: &Prepared, opts: &ScanOptions) -> Vec<ParagraphRow> {
    p.paras
        .iter()
        .enumerate()
        .map(|(i, para)| ParagraphRow {
            index: i as u32,
            key: para.key,
            clusters: para.clusters as u32,
            min_chars: para.min_chars(opts) as u32,
            start: para.range.start as u64,
            end: para.range.end as u64,
        })
        .collect()
}

/// A document's paragraphs as this stage sees them: how many it has, and the rows of those
/// it needs (all, or those whose key occurs more than once), in order.
#[derive(Debug, Clone, Default)]
pub(crate) struct DocParagraphs {
    /// Paragraphs in the document.
    pub(crate) count: usize,
    /// Rows, by index.
    pub(crate) rows: Vec<ParagraphRow>,
}

/// A paragraph's key in this stage: one without a row equals no other paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Text(u128),
    /// (document, index)
    Unique(usize, usize),
}

impl DocParagraphs {
    fn row(&self, i: usize) -> Option<&ParagraphRow> {
        let at = self.rows.partition_point(|r| (r.index as usize) < i);
        self.rows.get(at).filter(|r| r.index as usize == i)
    }

    /// The key of paragraph `i` of document `d` (this one), `None` past the last.
    fn key(&self, d: usize, i: usize) -> Option<Key> {
        (i < self.count).then(|| self.row(i).map_or(Key::Unique(d, i), |r| Key::Text(r.key)))
    }

    fn range(&self, i: usize) -> Range<usize> {
        self.row(i)
            .expect("a paragraph found again has a row")
            .range()
    }
}

/// Paragraph keys seen in several places: boilerplate (lines too short to be a duplicate, in
/// several documents) and duplicate groups, each in document order.
pub(crate) fn paragraph_groups(docs: &[DocParagraphs]) -> (Vec<Occurrences>, Vec<Occurrences>) {
    // Every row's key and place, sorted (in parallel: a tree map built on one core was a
    // tenth of a scan of the Quan Tang Shi), so each key's places are in document order.
    let mut rows: Vec<(u128, usize, u32)> = docs
        .iter()
        .enumerate()
        .flat_map(|(d, p)| p.rows.iter().map(move |r| (r.key, d, r.index)))
        .collect();
    rows.par_sort_unstable();
    let mut boilerplate = Vec::new();
    let mut duplicates = Vec::new();
    // A key seen once is neither.
    for run in rows
        .chunk_by(|x, y| x.0 == y.0)
        .filter(|run| run.len() >= 2)
    {
        let occ: Occurrences = run.iter().map(|&(_, d, i)| (d, i as usize)).collect();
        let para = docs[occ[0].0].row(occ[0].1).expect("a row");
        let mut docs_with: Vec<usize> = occ.iter().map(|o| o.0).collect();
        docs_with.dedup();
        let (clusters, min) = (para.clusters as usize, para.min_chars as usize);
        if clusters < min && docs_with.len() >= 2 {
            boilerplate.push(occ);
        } else if clusters >= min {
            duplicates.push(occ);
        }
    }
    (boilerplate, duplicates)
}

/// A block of `len` equal paragraphs at `x` and at `y` (document, first paragraph), before
/// [`widen_block`] takes in the shared ends of the paragraphs around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Block {
    pub(crate) x: (usize, usize),
    pub(crate) y: (usize, usize),
    pub(crate) len: usize,
}

/// Boilerplate, duplicate blocks and duplicate paragraphs (those not inside a block), as the
/// kinds wanted ask; blocks between two places are returned apart, for [`widen_block`].
pub(crate) fn paragraph_findings(
    docs: &[DocParagraphs],
    boilerplate: &[Occurrences],
    duplicates: &[Occurrences],
    wants: &dyn Fn(FindingKind) -> bool,
) -> (Vec<Finding>, Vec<Block>) {
    let location = |(d, i): (usize, usize)| Location {
        doc: d,
        range: docs[d].range(i),
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
    let Blocks {
        in_place,
        pairs: mut blocks,
        in_block,
    } = duplicate_blocks(docs, duplicates);
    if wants(FindingKind::DuplicateBlock) {
        findings.extend(in_place.into_iter().map(|locations| Finding {
            kind: FindingKind::DuplicateBlock,
            similarity: 1.0,
            locations,
            comparison: None,
        }));
    } else {
        blocks.clear();
    }
    if wants(FindingKind::DuplicateParagraph) {
        findings.extend(
            duplicates
                .iter()
                .filter(|occ| !occ.iter().all(|o| in_block.contains(o)))
                .map(|occ| of_paragraphs(FindingKind::DuplicateParagraph, occ)),
        );
    }
    (findings, blocks)
}

/// Duplicate blocks: maximal diagonal runs of equal paragraphs that start with a duplicate
/// pair, widened by a partial paragraph at either end (a block cut mid-paragraph). Also
/// returns the paragraphs inside blocks.
fn duplicate_blocks(docs: &[DocParagraphs], duplicates: &[Occurrences]) -> Blocks {
    let duplicate_of: HashSet<(usize, usize)> = duplicates.iter().flatten().copied().collect();
    let key = |(d, i): (usize, usize)| docs[d].key(d, i);
    let equal = |x: (usize, usize), y: (usize, usize)| key(x).is_some() && key(x) == key(y);
    let mut in_block: HashSet<(usize, usize)> = HashSet::new();
    let mut in_place = Vec::new();
    // Text repeated in place (an article pasted 1,395 times, a paragraph 30,000 times) is one
    // finding with a location per copy: only a run's first copy takes part in the pairwise
    // search below, which would otherwise pair every copy with every other.
    let tandems = tandem_runs(docs, &duplicate_of);
    let mut later_copy: HashSet<(usize, usize)> = HashSet::new();
    for t in &tandems {
        for k in t.period..t.len {
            later_copy.insert((t.doc, t.start + k));
        }
        if t.period >= 2 {
            for k in 0..t.len {
                in_block.insert((t.doc, t.start + k));
            }
            let paras = &docs[t.doc];
            in_place.push(
                t.copies()
                    .map(|c| Location {
                        doc: t.doc,
                        range: paras.range(c.start).start..paras.range(c.end - 1).end,
                    })
                    .collect(),
            );
        }
    }
    // Each group of duplicates on its own, in parallel; their blocks kept in group order.
    let found: Vec<Vec<Block>> = duplicates
        .par_iter()
        .map(|occ| {
            let mut blocks = Vec::new();
            // A block is two paragraphs or more: only occurrences followed by the same
            // paragraph can start one, so they are paired within those groups (a paragraph
            // shared by 8,000 files, each followed by its own text, makes no pair at all
            // instead of 32 million).
            let mut by_next: HashMap<Key, Vec<(usize, usize)>> = HashMap::new();
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
                            blocks.push(Block { x, y, len });
                        }
                    }
                }
            }
            blocks
        })
        .collect();
    let blocks: Vec<Block> = found.into_iter().flatten().collect();
    for b in &blocks {
        for k in 0..b.len {
            in_block.insert((b.x.0, b.x.1 + k));
            in_block.insert((b.y.0, b.y.1 + k));
        }
    }
    Blocks {
        in_place,
        pairs: blocks,
        in_block,
    }
}

/// What [`duplicate_blocks`] finds: blocks repeated in place (the locations of every copy),
/// blocks found at two places, and the paragraphs inside any of them.
struct Blocks {
    in_place: Vec<Vec<Location>>,
    pairs: Vec<Block>,
    in_block: HashSet<(usize, usize)>,
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
fn tandem_runs(docs: &[DocParagraphs], duplicate_of: &HashSet<(usize, usize)>) -> Vec<Tandem> {
    // Only a document with a paragraph found again can repeat one in place. Each document
    // on its own, in parallel.
    let runs: Vec<Vec<Tandem>> = docs
        .par_iter()
        .enumerate()
        .filter(|(_, p)| !p.rows.is_empty())
        .map(|(d, p)| doc_tandem_runs(d, p, duplicate_of))
        .collect();
    runs.into_iter().flatten().collect()
}

/// [`tandem_runs`] of document `d`.
fn doc_tandem_runs(
    d: usize,
    p: &DocParagraphs,
    duplicate_of: &HashSet<(usize, usize)>,
) -> Vec<Tandem> {
    let mut runs = Vec::new();
    let keys: Vec<Key> = (0..p.count).filter_map(|i| p.key(d, i)).collect();
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
    runs
}

/// The longest sequence of paragraphs [`tandem_runs`] looks for as a repeated unit.
const TANDEM_PERIOD_MAX: usize = 64;

/// The finding of a block of `len` equal paragraphs at `x` and `y`, widened by the common
/// tail of the paragraphs before them and the common head of the paragraphs after them.
pub(crate) fn widen_block(docs: &Docs, &Block { x, y, len }: &Block) -> Finding {
    let (px, py) = (&docs[x.0], &docs[y.0]);
    let mut rx = px.paras[x.1].range.start..px.paras[x.1 + len - 1].range.end;
    let mut ry = py.paras[y.1].range.start..py.paras[y.1 + len - 1].range.end;
    // Shared tokens, counted from the end of the paragraphs before (or the start of those after):
    // equal hashes, and equal texts (two words may share a hash).
    let common = |tx: Range<usize>, ty: Range<usize>, backwards: bool| {
        let same = |(i, j): &(usize, usize)| {
            px.hashes[*i] == py.hashes[*j] && px.token_text(*i) == py.token_text(*j)
        };
        if backwards {
            tx.rev().zip(ty.rev()).take_while(same).count()
        } else {
            tx.zip(ty).take_while(same).count()
        }
    };
    if x.1 > 0 && y.1 > 0 && (x.0 != y.0 || x.1 + len < y.1) {
        let (tx, ty) = (
            px.paras[x.1 - 1].tokens.clone(),
            py.paras[y.1 - 1].tokens.clone(),
        );
        let n = common(tx.clone(), ty.clone(), true);
        if n >= PASSAGE_K {
            rx.start = px.span(tx.end - n..tx.end).start;
            ry.start = py.span(ty.end - n..ty.end).start;
        }
    }
    if let (Some(nx), Some(ny)) = (px.paras.get(x.1 + len), py.paras.get(y.1 + len))
        && (x.0 != y.0 || x.1 + len + 1 < y.1)
    {
        let n = common(nx.tokens.clone(), ny.tokens.clone(), false);
        if n >= PASSAGE_K {
            rx.end = px.span(nx.tokens.start..nx.tokens.start + n).end;
            ry.end = py.span(ny.tokens.start..ny.tokens.start + n).end;
        }
    }
    Finding {
        kind: FindingKind::DuplicateBlock,
        similarity: 1.0,
        locations: vec![
            Location {
                doc: x.0,
                range: rx,
            },
            Location {
                doc: y.0,
                range: ry,
            },
        ],
        comparison: None,
    }
}
