//! Shared passages: seeds from the k-gram index, runs on a diagonal, merged across small
//! differences and verified exactly with the diff engine.

use std::ops::Range;

use rayon::prelude::*;

use super::near::numbered_series;
use super::prepare::{Docs, Index, kgrams, too_short};
#[cfg(feature = "cluster")]
use super::prepare::{MASKED, Prepared};
use super::{Candidate, FindingKind, Location, MIN_CHARS_CJK, MIN_CHARS_OTHER, Run, ScanOptions};
use crate::diff::Similar;
use crate::levenshtein::EditOp;
use crate::normalize::Profile;
use crate::progress::{Phase, Progress};

pub(super) const PASSAGE_K: usize = 8;

/// Runs closer than this (in tokens, on both sides) merge into one passage.
const MERGE_GAP: usize = 24;

/// A passage repeated inside one document must start this many tokens after the original.
pub(crate) const SAME_DOC_DISTANCE: usize = 64;

/// Verified shared passages between documents (and far apart inside one).
pub(super) fn shared_passages(
    docs: &Docs,
    opts: &ScanOptions,
    profile: Profile,
    progress: &dyn Progress,
) -> Vec<Candidate> {
    let prepared = docs.prepared();
    progress.phase(Phase::SharedPassages, Some(prepared.len() as u64));
    let total = prepared.iter().map(|p| p.hashes.len()).sum();
    let index = Index::<(u32, u32)>::build(prepared.len(), total, |d| {
        let p = &prepared[d];
        kgrams(&p.hashes, &p.masked, PASSAGE_K)
    });
    let by_owner = index.by_owner(prepared.len());
    let found: Vec<Vec<Candidate>> = (0..prepared.len())
        .into_par_iter()
        .map(|a| {
            // Seeds: (other doc, diagonal, position in a).
            let mut seeds: Vec<(u32, i64, u32)> = Vec::new();
            for postings in by_owner.of(a) {
                let own = postings.iter().filter(|&&(o, _)| o as usize == a);
                for &(_, pa) in own {
                    for &(b, pb) in postings {
                        if seeds_pair(a, pa as usize, b as usize, pb as usize) {
                            seeds.push((b, i64::from(pb) - i64::from(pa), pa));
                        }
                    }
                }
            }
            // By other document, diagonal and position: a radix sort (on the few bytes that
            // differ); perf put about a tenth of this loop's samples in sorting the seeds.
            radsort::sort_by_key(&mut seeds, |&s| s);
            // Each pair in parallel too: a document's pairs are uneven work, and the last
            // documents' would leave a core idle.
            let pairs: Vec<&[(u32, i64, u32)]> = seeds.chunk_by(|x, y| x.0 == y.0).collect();
            let out = pairs
                .into_par_iter()
                .flat_map_iter(|group| {
                    let b = group[0].0 as usize;
                    let seeds: Vec<(i64, u32)> = group.iter().map(|s| (s.1, s.2)).collect();
                    pair_passages(docs, (opts, profile), (a, b), &seeds)
                })
                .collect();
            progress.advance(1);
            out
        })
        .collect();
    found.into_iter().flatten().collect()
}

/// The k-grams of a document that seed passages: `(position, hash)`, masked ones left out
/// (computed again where needed rather than kept: the index is the memory).
#[cfg(feature = "cluster")]
pub(crate) fn passage_grams(p: &Prepared) -> impl Iterator<Item = (usize, u64)> {
    kgrams(&p.hashes, &p.masked, PASSAGE_K)
        .into_iter()
        .enumerate()
        .filter(|&(_, h)| h != MASKED)
}

/// Whether a k-gram at `pa` in document `a` and the same k-gram at `pb` in `b` seed a passage:
/// each pair of documents is seen once (`a < b`), and inside one document only copies far
/// enough apart.
fn seeds_pair(a: usize, pa: usize, b: usize, pb: usize) -> bool {
    b > a || (b == a && pb >= pa + SAME_DOC_DISTANCE)
}

/// The verified shared passages between documents `a` and `b` (`a <= b`), from the seeds
/// `(diagonal, position in a)` of the k-grams they share (sorted): seeds on a diagonal make
/// runs, runs merge across small differences, and each merged run is compared exactly.
pub(crate) fn pair_passages(
    docs: &Docs,
    (opts, profile): (&ScanOptions, Profile),
    (a, b): (usize, usize),
    seeds: &[(i64, u32)],
) -> Vec<Candidate> {
    let verify = |(ra, rb): Run| verify_passage(docs, (opts, profile), (a, ra), (b, rb));
    // Runs merged across a difference that turns out too large (a paragraph on one side
    // only) are verified one by one.
    let verified: Vec<Candidate> = merge_runs(diagonal_runs(seeds))
        .into_iter()
        .flat_map(|(merged, parts)| match verify(merged) {
            Some(f) => vec![f],
            None if parts.len() > 1 => parts.into_iter().filter_map(verify).collect(),
            None => Vec::new(),
        })
        .collect();
    join_split_passages(docs, (opts, profile), verified)
}

/// Runs of seeds `(diagonal, position in a)` on one diagonal: `(a_tokens, b_tokens)`.
fn diagonal_runs(seeds: &[(i64, u32)]) -> Vec<Run> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < seeds.len() {
        let (diag, start) = seeds[i];
        let mut end = start;
        let mut j = i + 1;
        while j < seeds.len() && seeds[j].0 == diag && seeds[j].1 <= end + PASSAGE_K as u32 {
            end = seeds[j].1;
            j += 1;
        }
        let ra = start as usize..end as usize + PASSAGE_K;
        let rb = (start as i64 + diag) as usize..(end as i64 + diag) as usize + PASSAGE_K;
        out.push((ra, rb));
        i = j;
    }
    out
}

/// Merges runs that follow each other closely on both sides (across small differences). A
/// run may continue any passage still open (ending within reach of it), so a stray match
/// elsewhere does not cut a long passage in two. Each merged run comes with the runs it was
/// made of.
fn merge_runs(mut runs: Vec<Run>) -> Vec<(Run, Vec<Run>)> {
    runs.sort_by_key(|(a, b)| (a.start, b.start));
    let follows = |prev: &Range<usize>, next: &Range<usize>| {
        next.start + PASSAGE_K >= prev.end && next.start <= prev.end + MERGE_GAP
    };
    let inside = |outer: &Range<usize>, inner: &Range<usize>| {
        inner.start >= outer.start && inner.end <= outer.end
    };
    let mut out: Vec<(Run, Vec<Run>)> = Vec::new();
    // Passages that a later run (starting no earlier on side a) can still continue.
    let mut open: Vec<usize> = Vec::new();
    for (ra, rb) in runs {
        open.retain(|&i| out[i].0.0.end + MERGE_GAP >= ra.start);
        if let Some(&i) = open
            .iter()
            .find(|&&i| follows(&out[i].0.0, &ra) && follows(&out[i].0.1, &rb))
        {
            let ((pa, pb), parts) = &mut out[i];
            pa.end = pa.end.max(ra.end);
            pb.end = pb.end.max(rb.end);
            parts.push((ra, rb));
        } else if !open
            .iter()
            .any(|&i| inside(&out[i].0.0, &ra) && inside(&out[i].0.1, &rb))
        {
            open.push(out.len());
            out.push(((ra.clone(), rb.clone()), vec![(ra, rb)]));
        }
    }
    out
}

/// Joins the passages of one pair of documents (in order on the first side) that are pieces
/// of one copy: the next starts before the last ends on either side (overlapping pieces,
/// where a repetition inside the copy seeded another diagonal), or after a gap on each side
/// no longer than the shorter piece (an insertion or a rewritten sentence inside the copy,
/// beyond the seeds' reach). The joined span is compared again and kept if it is still
/// similar enough: then it is one passage whose variants include what lay between.
fn join_split_passages(
    docs: &Docs,
    (opts, profile): (&ScanOptions, Profile),
    passages: Vec<Candidate>,
) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::with_capacity(passages.len());
    for next in passages {
        let joined = out.last().and_then(|prev| {
            let (pa, pb) = (&prev.finding.locations[0], &prev.finding.locations[1]);
            let (na, nb) = (&next.finding.locations[0], &next.finding.locations[1]);
            if nb.range.start < pb.range.start || na.range.start < pa.range.start {
                return None; // crossing pieces: a transposition, two passages
            }
            let shorter = |x: &Location, y: &Location| x.range.len().min(y.range.len());
            let gap = |x: &Location, y: &Location| y.range.start.saturating_sub(x.range.end);
            let reach = shorter(pa, na).min(shorter(pb, nb));
            if gap(pa, na) > reach || gap(pb, nb) > reach {
                return None;
            }
            let ra = pa.range.start..pa.range.end.max(na.range.end);
            let rb = pb.range.start..pb.range.end.max(nb.range.end);
            if pa.doc == pb.doc && ra.end > rb.start {
                return None;
            }
            passage_if_similar(docs, (opts, profile), (pa.doc, ra), (pb.doc, rb))
        });
        if let Some(j) = joined {
            out.pop();
            out.push(j);
        } else {
            out.push(next);
        }
    }
    out
}

/// A candidate passage whose first (or last) paragraph it touches by fewer than `PASSAGE_K`
/// tokens on both sides starts at the next paragraph (ends at the previous one): a seed that
/// ran across a paragraph break brought a closing bracket of a title (`（李世民）` against
/// `（無名氏）`) or the first character of the next heading, not shared text. The passage
/// then starts and ends where the copy does, and one that is a whole duplicate paragraph is
/// that duplicate, not a second finding.
fn off_paragraph_edges(
    docs: &Docs,
    (a, ta): (usize, Range<usize>),
    (b, tb): (usize, Range<usize>),
) -> (Range<usize>, Range<usize>) {
    // The start of the first paragraph that begins inside a range, and the end of the
    // paragraph before the last one that begins inside it.
    let next_start = |d: usize, t: &Range<usize>| {
        let paras = &docs[d].paras;
        let i = paras.partition_point(|p| p.tokens.start <= t.start);
        paras.get(i).map(|p| p.tokens.start).filter(|&s| s < t.end)
    };
    let previous_end = |d: usize, t: &Range<usize>| {
        let paras = &docs[d].paras;
        let i = paras.partition_point(|p| p.tokens.start < t.end);
        let last = paras.get(i.checked_sub(1)?)?;
        let before = paras.get(i.checked_sub(2)?)?;
        (last.tokens.start > t.start && before.tokens.end > t.start)
            .then_some((last.tokens.start, before.tokens.end))
    };
    let (mut ta, mut tb) = (ta, tb);
    if let (Some(sa), Some(sb)) = (next_start(a, &ta), next_start(b, &tb))
        && sa - ta.start < PASSAGE_K
        && sb - tb.start < PASSAGE_K
    {
        (ta.start, tb.start) = (sa, sb);
    }
    if let (Some((la, ea)), Some((lb, eb))) = (previous_end(a, &ta), previous_end(b, &tb))
        && ta.end - la < PASSAGE_K
        && tb.end - lb < PASSAGE_K
    {
        (ta.end, tb.end) = (ea, eb);
    }
    (ta, tb)
}

/// Characters either side of a passage that `across_edge_differences` looks at…
const EDGE_MARGIN: usize = 12;

/// …and how far below its best the running score may fall before it stops.
const EDGE_DROP: i64 = 3;

/// Extends a passage over small differences at its edges, within its paragraphs: the seeds
/// are exact runs, so a copy whose text differs a few characters from its start (`烟波茫茫的…`
/// quoted, `烟波茫的…` transcribed) would start after the difference — too short to be found,
/// or found without the error it carries. From each edge outwards, equal characters score one
/// each and a differing stretch costs its length (as in X-drop extension): the passage grows
/// to where the score is best, so it takes in `烟波茫` across the missing `茫` and never a
/// lone character that happens to agree after a difference. `None` when the passage would
/// stay shorter than `least` characters on a side even across its whole margins: most
/// candidates are a few words in common, and aligning their margins is the cost.
fn across_edge_differences(
    docs: &Docs,
    (a, ra, ta): (usize, Range<usize>, Range<usize>),
    (b, rb, tb): (usize, Range<usize>, Range<usize>),
    least: usize,
) -> Option<(Range<usize>, Range<usize>)> {
    // The paragraph around a byte, and the margin of at most EDGE_MARGIN characters in it.
    let paragraph = |d: usize, at: usize| {
        let paras = &docs[d].paras;
        let i = paras.partition_point(|p| p.range.end < at);
        paras.get(i).map_or(at..at, |p| p.range.clone())
    };
    let before = |d: usize, r: &Range<usize>| {
        let text = docs.text(d);
        let floor = paragraph(d, r.start).start.min(r.start);
        let lo = text[floor..r.start]
            .char_indices()
            .rev()
            .nth(EDGE_MARGIN - 1)
            .map_or(floor, |(i, _)| floor + i);
        lo..r.start
    };
    let after = |d: usize, r: &Range<usize>| {
        let text = docs.text(d);
        let ceil = paragraph(d, r.end.saturating_sub(1)).end.max(r.end);
        let hi = text[r.end..ceil]
            .char_indices()
            .nth(EDGE_MARGIN)
            .map_or(ceil, |(i, _)| r.end + i);
        r.end..hi
    };
    let (ba, bb) = (before(a, &ra), before(b, &rb));
    let (aa, ab) = (after(a, &ra), after(b, &rb));
    let most = |d: usize, from: &Range<usize>, to: &Range<usize>| {
        docs.text(d)[from.start..to.end].chars().count()
    };
    if most(a, &ba, &aa).min(most(b, &bb, &ab)) < least {
        return None;
    }
    let start = best_extension(docs, (a, ba, ta.start), (b, bb, tb.start), true);
    let end = best_extension(docs, (a, aa, ta.end), (b, ab, tb.end), false);
    let (sa, sb) = start.unwrap_or((ra.start, rb.start));
    let (ea, eb) = end.unwrap_or((ra.end, rb.end));
    // Still starting and ending on text: a space that agreed is not part of the passage.
    let on_text = |d: usize, r: Range<usize>| {
        let s = &docs.text(d)[r.clone()];
        let lead = s.len() - s.trim_start().len();
        r.start + lead..r.start + lead + s.trim().len()
    };
    Some((on_text(a, sa..ea), on_text(b, sb..eb)))
}

/// The best point to extend a passage to within two margins (`backwards`: the margins end
/// at the passage's start; else they start at its end), or `None` to leave it. The margins'
/// tokens (the documents' own, under the profile: words of spaced scripts, so that
/// `practical`/`pragmatic` differ as words) are aligned by exact Levenshtein on their hashes
/// (a dozen characters: no diff engine needed) and walked from the passage outwards, each
/// weighing its clusters.
fn best_extension(
    docs: &Docs,
    (a, ma, ea): (usize, Range<usize>, usize),
    (b, mb, eb): (usize, Range<usize>, usize),
    backwards: bool,
) -> Option<(usize, usize)> {
    // The margin's tokens from the passage's edge (its first token, or the one after its
    // last) outwards: their hashes, and their indices (clusters and spans are read only for
    // the few tokens the walk reaches). Spans walked forwards: a token's span alone is a
    // search.
    let tokens = |d: usize, m: &Range<usize>, edge: usize| {
        let (hashes, t) = (&docs[d].hashes, docs[d].tokenized);
        let mut ids = Vec::with_capacity(EDGE_MARGIN + 1);
        let mut at = Vec::with_capacity(EDGE_MARGIN + 1);
        if backwards {
            // The margin has at most EDGE_MARGIN tokens (each spans a character of it), unless
            // some span none: walked back over those (spans are in order).
            let mut first = edge.saturating_sub(EDGE_MARGIN);
            while first > 0 && t.span(first - 1).start >= m.start {
                first -= 1;
            }
            for (i, s) in (first..edge).zip(t.spans(first..edge)) {
                if s.start >= m.start {
                    ids.push(hashes[i]);
                    at.push(i);
                }
            }
            ids.reverse();
            at.reverse();
        } else {
            let n = t.tokens.len();
            for (i, s) in (edge..n).zip(t.spans(edge..n)) {
                if s.end > m.end {
                    break;
                }
                ids.push(hashes[i]);
                at.push(i);
            }
        }
        (ids, at)
    };
    let ((ia, at_a), (ib, at_b)) = (tokens(a, &ma, ea), tokens(b, &mb, eb));
    if !may_extend(&ia, &ib) {
        return None;
    }
    let (ta, tb) = (docs[a].tokenized, docs[b].tokenized);
    let (i, j) = extension_walk(
        (&ia, |i| ta.token_clusters(at_a[i]) as i64),
        (&ib, |j| tb.token_clusters(at_b[j]) as i64),
    )?;
    let (ra, rb) = (ta.span(at_a[i - 1]), tb.span(at_b[j - 1]));
    Some(if backwards {
        (ra.start, rb.start)
    } else {
        (ra.end, rb.end)
    })
}

/// Whether [`extension_walk`] can extend at all over margins of these token hashes (from the
/// edge outwards). Only a match raises the score, and until the first one every token costs
/// at least one cluster, so the walk stops before it unless both sides reach an equal token
/// within their first EDGE_DROP + 1: most edges are where the texts part, and need no
/// alignment.
fn may_extend(ia: &[u32], ib: &[u32]) -> bool {
    let near = |ids: &[u32]| ids.len().min(EDGE_DROP as usize + 1);
    ia[..near(ia)].iter().any(|x| ib[..near(ib)].contains(x))
}

/// Walks the alignment of two margins (token hashes from the edge outwards, and each
/// token's clusters) from the edge: equal tokens score their clusters, a difference costs the
/// longer side's, and the walk stops when the score falls more than EDGE_DROP below its
/// best. How many tokens of each margin the best score takes in, or `None` if no score beats
/// zero.
fn extension_walk(
    (ia, clusters_a): (&[u32], impl Fn(usize) -> i64),
    (ib, clusters_b): (&[u32], impl Fn(usize) -> i64),
) -> Option<(usize, usize)> {
    let (mut i, mut j, mut score, mut best) = (0, 0, 0i64, 0i64);
    let mut reached = None;
    for op in crate::levenshtein::edit_ops(ia, ib) {
        let gain = match op {
            EditOp::Match => clusters_a(i),
            EditOp::Substitute => -clusters_a(i).max(clusters_b(j)),
            EditOp::Delete => -clusters_a(i),
            EditOp::Insert => -clusters_b(j),
        };
        if !matches!(op, EditOp::Insert) {
            i += 1;
        }
        if !matches!(op, EditOp::Delete) {
            j += 1;
        }
        score += gain;
        if score > best {
            best = score;
            reached = Some((i, j));
        } else if score < best - EDGE_DROP {
            break;
        }
    }
    reached
}

/// Compares a candidate passage exactly; keeps it if long and similar enough.
fn verify_passage(
    docs: &Docs,
    (opts, profile): (&ScanOptions, Profile),
    (a, ta): (usize, Range<usize>),
    (b, tb): (usize, Range<usize>),
) -> Option<Candidate> {
    let (ta, tb) = off_paragraph_edges(docs, (a, ta), (b, tb));
    // Passages start and end on text, not on the spaces or line breaks around it.
    let trimmed = |d: usize, t: Range<usize>| {
        let p = &docs[d];
        let blank = |i: usize| p.token_text(i).trim().is_empty();
        let start = (t.start..t.end).find(|&i| !blank(i))?;
        let end = (start..t.end).rev().find(|&i| !blank(i))? + 1;
        Some((p.span(start..end), start..end))
    };
    let ((ra, ta), (rb, tb)) = (trimmed(a, ta)?, trimmed(b, tb)?);
    // The size a passage needs, whatever its script.
    let least = opts.min_chars.unwrap_or(MIN_CHARS_CJK.min(MIN_CHARS_OTHER));
    let (ra, rb) = across_edge_differences(docs, (a, ra, ta), (b, rb, tb), least)?;
    if a == b && ra.end > rb.start {
        return None; // overlapping copies inside one document are a repeated phrase, not a quote
    }
    let (xa, xb) = (&docs.text(a)[ra.clone()], &docs.text(b)[rb.clone()]);
    let chars = xa.chars().count().min(xb.chars().count());
    if too_short(chars, xa, opts) {
        return None;
    }
    // Inside two title lines of a numbered series: not a passage either.
    let paragraph = |d: usize, r: &Range<usize>| {
        let paras = &docs[d].paras;
        let i = paras.partition_point(|p| p.range.end < r.start);
        paras
            .get(i)
            .filter(|p| p.range.start <= r.start && r.end <= p.range.end)
            .map(|p| &docs.text(d)[p.range.clone()])
    };
    if let (Some(x), Some(y)) = (paragraph(a, &ra), paragraph(b, &rb))
        && numbered_series(x, y)
    {
        return None;
    }
    passage_if_similar(docs, (opts, profile), (a, ra), (b, rb))
}

/// The shared passage between two spans, compared exactly, if similar enough.
fn passage_if_similar(
    docs: &Docs,
    (opts, profile): (&ScanOptions, Profile),
    (a, ra): (usize, Range<usize>),
    (b, rb): (usize, Range<usize>),
) -> Option<Candidate> {
    let (xa, xb) = (&docs.text(a)[ra.clone()], &docs.text(b)[rb.clone()]);
    let similar = Similar::if_bound_allows(xa, xb, profile, opts.threshold)?;
    Some(Candidate::new(
        docs,
        FindingKind::SharedPassage,
        (a, ra),
        (b, rb),
        similar,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// `may_extend` only skips margins the walk would not extend over: margins that
        /// differ for a few tokens from the edge (tokens found on one side only), then agree
        /// for a while, then go their own ways, over few distinct tokens (so that equal tokens
        /// are common), each token one to three clusters.
        #[test]
        fn a_margin_skipped_is_one_the_walk_leaves(
            (pa, pb) in (proptest::collection::vec(10u32..13, 0..6), proptest::collection::vec(20u32..23, 0..6)),
            common in proptest::collection::vec(0u32..6, 0..9),
            (ta, tb) in (proptest::collection::vec(0u32..6, 0..5), proptest::collection::vec(0u32..6, 0..5)),
            weights in proptest::collection::vec(1i64..4, 6),
        ) {
            let ia: Vec<u32> = [pa, common.clone(), ta].concat();
            let ib: Vec<u32> = [pb, common, tb].concat();
            let weight = |id: u32| weights.get(id as usize).copied().unwrap_or(1);
            let walked = extension_walk((&ia, |i| weight(ia[i])), (&ib, |j| weight(ib[j])));
            if !may_extend(&ia, &ib) {
                proptest::prop_assert_eq!(walked, None);
            }
        }
    }

    #[test]
    fn the_walk_takes_in_a_difference_followed_by_agreement() {
        // 烟波茫茫的 against 烟波茫的, read from the edge: 的 茫 茫 波 烟 / 的 茫 波 烟.
        let (ia, ib) = ([5u32, 3, 3, 2, 1], [5u32, 3, 2, 1]);
        let one = |_: usize| 1;
        assert!(may_extend(&ia, &ib));
        assert_eq!(extension_walk((&ia, one), (&ib, one)), Some((5, 4)));
        // Nothing in common near the edge: left as it is.
        assert!(!may_extend(&[1, 2, 3, 4, 5], &[6, 7, 8, 9, 5]));
        assert_eq!(
            extension_walk((&[1, 2, 3, 4, 5], one), (&[6, 7, 8, 9, 5], one)),
            None
        );
    }
}
