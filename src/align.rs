//! Aligning two sequences of units (grapheme clusters of the views) without quadratic work.
//!
//! 1. Trim the common prefix and suffix.
//! 2. Small gaps (`n + m <= MYERS_MAX`) go to `similar`'s Myers diff.
//! 3. Larger gaps are cut by anchors: k-grams that occur exactly once on each side, chained in
//!    order (longest increasing subsequence, as in patience diff), extended to maximal runs.
//!    Each sub-gap is aligned the same way. k goes down (32, 12, 6) while no anchor is found.
//!    Anchors shorter than 32 count only in credible clusters: chance matches between
//!    unrelated texts (common phrases) are isolated, a noisy transcription's are not.
//! 4. A large gap with no anchor at any k, or a gap whose Myers diff matched almost nothing,
//!    is material that only one witness carries: a *block*, not a storm of one-character edits.
//!
//! Cost: hashing and sorting k-grams is O(n log n) per level; Myers runs only on gaps of at
//! most `MYERS_MAX` units, so the worst case is bounded by O(n · MYERS_MAX).

use std::ops::Range;

use similar::{Algorithm, DiffOp, capture_diff_slices};

/// Gaps with at most this many units on both sides together are diffed directly.
const MYERS_MAX: usize = 4096;
/// Anchor lengths tried, longest first.
const ANCHOR_K: [usize; 3] = [32, 12, 6];
/// Short anchors closer than this belong to one cluster.
const CLUSTER_GAP: usize = 32;
/// A cluster of short anchors is credible with this many matched units, or at a gap's edge.
const CLUSTER_MIN: usize = 24;
/// Myers matches count towards relatedness only in runs of at least this many units (two
/// unrelated English texts share half their letters, in runs of one or two).
const SOLID_RUN: usize = 4;
/// A change with at least this many units on one side is a block of material.
pub const BLOCK_MIN: usize = 100;
/// Gaps where Myers matched fewer than this share of the longer side, with both sides at least
/// `UNRELATED_MIN` long, are unrelated material.
const UNRELATED_SHARE: f64 = 0.3;
const UNRELATED_MIN: usize = 32;

/// One step of an alignment, in unit indices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    Equal {
        a: usize,
        b: usize,
        len: usize,
    },
    Change {
        a: Range<usize>,
        b: Range<usize>,
        block: bool,
    },
}

/// Aligns `a` with `b`. Ops cover both sequences in order, adjacent ops of a kind merged.
pub fn align(a: &[u32], b: &[u32]) -> Vec<Op> {
    let mut al = Aligner {
        a,
        b,
        ops: Vec::new(),
    };
    al.gap(0..a.len(), 0..b.len(), 0);
    al.ops
}

struct Aligner<'s> {
    a: &'s [u32],
    b: &'s [u32],
    ops: Vec<Op>,
}

impl Aligner<'_> {
    fn equal(&mut self, a: usize, b: usize, len: usize) {
        if len == 0 {
            return;
        }
        if let Some(Op::Equal { len: l, .. }) = self.ops.last_mut() {
            *l += len;
        } else {
            self.ops.push(Op::Equal { a, b, len });
        }
    }

    fn change(&mut self, a: Range<usize>, b: Range<usize>, block: bool) {
        if a.is_empty() && b.is_empty() {
            return;
        }
        if let Some(Op::Change {
            a: pa,
            b: pb,
            block: pk,
        }) = self.ops.last_mut()
        {
            pa.end = a.end;
            pb.end = b.end;
            *pk |= block;
        } else {
            self.ops.push(Op::Change { a, b, block });
        }
        if let Some(Op::Change { a, b, block }) = self.ops.last_mut() {
            *block |= a.len().max(b.len()) >= BLOCK_MIN;
        }
    }

    fn gap(&mut self, a: Range<usize>, b: Range<usize>, level: usize) {
        let prefix = self.a[a.clone()]
            .iter()
            .zip(&self.b[b.clone()])
            .take_while(|(x, y)| x == y)
            .count();
        self.equal(a.start, b.start, prefix);
        let (a, b) = (a.start + prefix..a.end, b.start + prefix..b.end);
        let suffix = self.a[a.clone()]
            .iter()
            .rev()
            .zip(self.b[b.clone()].iter().rev())
            .take_while(|(x, y)| x == y)
            .count();
        let (a, b) = (a.start..a.end - suffix, b.start..b.end - suffix);

        if a.is_empty() || b.is_empty() {
            self.change(a.clone(), b.clone(), false);
        } else if a.len() + b.len() <= MYERS_MAX {
            self.myers(a.clone(), b.clone());
        } else {
            self.anchored(a.clone(), b.clone(), level);
        }
        self.equal(a.end, b.end, suffix);
    }

    fn anchored(&mut self, a: Range<usize>, b: Range<usize>, level: usize) {
        let Some(&k) = ANCHOR_K.get(level) else {
            // Nothing in common at the shortest anchor length: unrelated material.
            self.change(a, b, true);
            return;
        };
        let mut runs = anchors(self.a, a.clone(), self.b, b.clone(), k);
        if level > 0 {
            // A unique 32-gram is evidence of shared text; shorter ones can be chance.
            runs = credible(runs, &a, &b);
        }
        if runs.is_empty() {
            self.anchored(a, b, level + 1);
            return;
        }
        let (mut ca, mut cb) = (a.start, b.start);
        for (ra, rb, len) in runs {
            self.gap(ca..ra, cb..rb, level);
            self.equal(ra, rb, len);
            (ca, cb) = (ra + len, rb + len);
        }
        self.gap(ca..a.end, cb..b.end, level);
    }

    fn myers(&mut self, a: Range<usize>, b: Range<usize>) {
        let ops = capture_diff_slices(Algorithm::Myers, &self.a[a.clone()], &self.b[b.clone()]);
        let matched: usize = ops
            .iter()
            .map(|op| match op {
                DiffOp::Equal { len, .. } if *len >= SOLID_RUN => *len,
                _ => 0,
            })
            .sum();
        let longer = a.len().max(b.len());
        if a.len().min(b.len()) >= UNRELATED_MIN
            && (matched as f64) < UNRELATED_SHARE * longer as f64
        {
            self.change(a, b, true);
            return;
        }
        for op in ops {
            let (oa, ob) = (op.old_range(), op.new_range());
            let (ra, rb) = (
                a.start + oa.start..a.start + oa.end,
                b.start + ob.start..b.start + ob.end,
            );
            match op {
                DiffOp::Equal { .. } => self.equal(ra.start, rb.start, ra.len()),
                _ => self.change(ra, rb, false),
            }
        }
    }
}

/// Maximal common runs seeded by k-grams unique on both sides, in increasing order on both
/// sides and not overlapping: `(a_start, b_start, len)`.
fn anchors(
    a: &[u32],
    ra: Range<usize>,
    b: &[u32],
    rb: Range<usize>,
    k: usize,
) -> Vec<(usize, usize, usize)> {
    let ua = unique_kgrams(a, ra.clone(), k);
    let ub = unique_kgrams(b, rb.clone(), k);
    // Merge-join the two sorted lists on the hash.
    let mut pairs = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < ua.len() && j < ub.len() {
        match ua[i].0.cmp(&ub[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                pairs.push((ua[i].1, ub[j].1));
                i += 1;
                j += 1;
            }
        }
    }
    pairs.sort_unstable();
    let chain = verified(longest_increasing(&pairs), a, b, k);

    let mut runs: Vec<(usize, usize, usize)> = Vec::new();
    let (mut floor_a, mut floor_b) = (ra.start, rb.start);
    let mut idx = 0;
    while idx < chain.len() {
        let (mut sa, mut sb) = chain[idx];
        // Consecutive k-grams on the same diagonal are one run.
        let mut end = idx;
        while end + 1 < chain.len() && chain[end + 1] == (chain[end].0 + 1, chain[end].1 + 1) {
            end += 1;
        }
        let mut len = chain[end].0 - sa + k;
        idx = end + 1;
        // Do not overlap the previous run.
        let skip = floor_a.saturating_sub(sa).max(floor_b.saturating_sub(sb));
        if skip >= len {
            continue;
        }
        (sa, sb, len) = (sa + skip, sb + skip, len - skip);
        // Extend to a maximal run, within the gap and after the previous run.
        while sa > floor_a && sb > floor_b && a[sa - 1] == b[sb - 1] {
            (sa, sb, len) = (sa - 1, sb - 1, len + 1);
        }
        while sa + len < ra.end && sb + len < rb.end && a[sa + len] == b[sb + len] {
            len += 1;
        }
        (floor_a, floor_b) = (sa + len, sb + len);
        runs.push((sa, sb, len));
    }
    runs
}

/// Keeps the clusters of short anchors that look like shared text: consecutive runs at most
/// `CLUSTER_GAP` apart form a cluster; it is kept when it matches `CLUSTER_MIN` units, or
/// touches an edge of the gap (continuing the alignment around it), and covers a fifth of
/// its own span.
fn credible(
    runs: Vec<(usize, usize, usize)>,
    a: &Range<usize>,
    b: &Range<usize>,
) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::with_capacity(runs.len());
    let mut start = 0;
    while start < runs.len() {
        let mut end = start;
        while end + 1 < runs.len() {
            let (pa, pb, pl) = runs[end];
            let (na, nb, _) = runs[end + 1];
            if (na - (pa + pl)).max(nb - (pb + pl)) > CLUSTER_GAP {
                break;
            }
            end += 1;
        }
        let cluster = &runs[start..=end];
        let (first, last) = (cluster[0], cluster[cluster.len() - 1]);
        let covered: usize = cluster.iter().map(|r| r.2).sum();
        let span = (last.0 + last.2 - first.0).max(last.1 + last.2 - first.1);
        let near = |x: usize, y: usize| x.abs_diff(y) <= 8;
        let at_edge = (near(first.0, a.start) && near(first.1, b.start))
            || (near(last.0 + last.2, a.end) && near(last.1 + last.2, b.end));
        if (covered >= CLUSTER_MIN || at_edge) && covered * 5 >= span {
            out.extend_from_slice(cluster);
        }
        start = end + 1;
    }
    out
}

/// Drops chained k-grams whose hashes matched by collision. A stretch of consecutive
/// k-grams on one diagonal is checked in one comparison; only a failing stretch is checked
/// k-gram by k-gram.
fn verified(chain: Vec<(usize, usize)>, a: &[u32], b: &[u32], k: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(chain.len());
    let mut i = 0;
    while i < chain.len() {
        let mut end = i;
        while end + 1 < chain.len() && chain[end + 1] == (chain[end].0 + 1, chain[end].1 + 1) {
            end += 1;
        }
        let (sa, sb) = chain[i];
        let len = chain[end].0 - sa + k;
        if a[sa..sa + len] == b[sb..sb + len] {
            out.extend_from_slice(&chain[i..=end]);
        } else {
            out.extend(
                chain[i..=end]
                    .iter()
                    .filter(|&&(pa, pb)| a[pa..pa + k] == b[pb..pb + k]),
            );
        }
        i = end + 1;
    }
    out
}

/// `(hash, start)` of the k-grams of `s[range]` that occur once there, sorted by hash.
fn unique_kgrams(s: &[u32], range: Range<usize>, k: usize) -> Vec<(u64, usize)> {
    if range.len() < k {
        return Vec::new();
    }
    const BASE: u64 = 0x100_0000_01b3;
    let top = (1..k).fold(1u64, |p, _| p.wrapping_mul(BASE));
    let mut grams = Vec::with_capacity(range.len() + 1 - k);
    let mut h = 0u64;
    for i in range.clone() {
        h = h.wrapping_mul(BASE).wrapping_add(u64::from(s[i]) + 1);
        if i + 1 >= range.start + k {
            let start = i + 1 - k;
            grams.push((h, start));
            h = h.wrapping_sub((u64::from(s[start]) + 1).wrapping_mul(top));
        }
    }
    grams.sort_unstable();
    let mut unique = Vec::with_capacity(grams.len());
    let mut i = 0;
    while i < grams.len() {
        let mut j = i + 1;
        while j < grams.len() && grams[j].0 == grams[i].0 {
            j += 1;
        }
        if j == i + 1 {
            unique.push(grams[i]);
        }
        i = j;
    }
    unique
}

/// Longest subsequence of `pairs` (sorted by `.0`, all `.0` distinct) increasing in `.1`.
fn longest_increasing(pairs: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut tails: Vec<usize> = Vec::new();
    let mut prev = vec![usize::MAX; pairs.len()];
    for (i, &(_, y)) in pairs.iter().enumerate() {
        let pos = tails.partition_point(|&t| pairs[t].1 < y);
        if pos > 0 {
            prev[i] = tails[pos - 1];
        }
        if pos == tails.len() {
            tails.push(i);
        } else {
            tails[pos] = i;
        }
    }
    let mut out = Vec::with_capacity(tails.len());
    let mut cur = tails.last().copied().unwrap_or(usize::MAX);
    while cur != usize::MAX {
        out.push(pairs[cur]);
        cur = prev[cur];
    }
    out.reverse();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(s: &str) -> Vec<u32> {
        s.chars().map(|c| c as u32).collect()
    }

    /// Rebuilds b from a and the ops: every op must cover both sides in order.
    fn replay(a: &[u32], b: &[u32], ops: &[Op]) -> Vec<u32> {
        let (mut ia, mut ib) = (0, 0);
        let mut out = Vec::new();
        for op in ops {
            match op {
                Op::Equal { a: oa, b: ob, len } => {
                    assert_eq!((*oa, *ob), (ia, ib));
                    assert_eq!(a[*oa..oa + len], b[*ob..ob + len]);
                    out.extend_from_slice(&a[*oa..oa + len]);
                    (ia, ib) = (oa + len, ob + len);
                }
                Op::Change { a: ra, b: rb, .. } => {
                    assert_eq!((ra.start, rb.start), (ia, ib));
                    out.extend_from_slice(&b[rb.clone()]);
                    (ia, ib) = (ra.end, rb.end);
                }
            }
        }
        assert_eq!((ia, ib), (a.len(), b.len()));
        out
    }

    #[test]
    fn small_edit_is_one_change() {
        let (a, b) = (
            ids("越来越多中国城市开通中亚班列，跨里海国际运输走廊"),
            ids("越来越多中国城市开通中亚班列，跨海国际运输走廊"),
        );
        let ops = align(&a, &b);
        assert_eq!(ops.len(), 3);
        assert_eq!(
            ops[1],
            Op::Change {
                a: 16..17,
                b: 16..16,
                block: false
            }
        );
        assert_eq!(replay(&a, &b, &ops), b);
    }

    #[test]
    fn large_texts_align_through_anchors() {
        // 6000 units with an edit every 500: too big for one Myers call.
        let a: Vec<u32> = (0..6000u32)
            .map(|i| i.wrapping_mul(2654435761) % 5000)
            .collect();
        let mut b = a.clone();
        for i in (250..6000).step_by(500) {
            b[i] = 9999;
        }
        let ops = align(&a, &b);
        assert_eq!(replay(&a, &b, &ops), b);
        let changes = ops
            .iter()
            .filter(|op| matches!(op, Op::Change { .. }))
            .count();
        assert_eq!(changes, 12);
    }

    #[test]
    fn unrelated_material_is_a_block() {
        let a: Vec<u32> = (0..3000).collect();
        let b: Vec<u32> = (10_000..13_000).collect();
        let ops = align(&a, &b);
        assert_eq!(
            ops,
            vec![Op::Change {
                a: 0..3000,
                b: 0..3000,
                block: true
            }]
        );
    }

    #[test]
    fn colliding_kgrams_are_dropped() {
        let a = ids("abcdefgh");
        let b = ids("abcdXfgh");
        // As if hashes had matched on (0,0), (1,1) and the colliding (2,2), (3,3).
        let chain = vec![(0, 0), (1, 1), (2, 2), (3, 3)];
        assert_eq!(verified(chain, &a, &b, 3), vec![(0, 0), (1, 1)]);
    }

    #[test]
    fn lis_picks_the_longest_chain() {
        let pairs = [(0, 5), (1, 1), (2, 2), (3, 9), (4, 3)];
        assert_eq!(longest_increasing(&pairs), vec![(1, 1), (2, 2), (4, 3)]);
    }
}
