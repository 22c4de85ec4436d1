//! Aligning two sequences of units (grapheme clusters of the views) without quadratic work.
//!
//! 1. Trim the common prefix and suffix.
//! 2. Small gaps (`n + m <= MYERS_MAX`) go to `similar`'s Myers diff.
//! 3. Larger gaps are cut by anchors: k-grams that occur exactly once on each side, chained in
//!    order (longest increasing subsequence, as in patience diff), extended to maximal runs.
//!    Each sub-gap is aligned the same way. k goes down (32, 12, 6) while no anchor is found.
//!    Anchors shorter than 32 count only in credible clusters: chance matches between
//!    unrelated texts (common phrases) are isolated, a noisy transcription's are not.
//! 4. A gap with no unique anchor in the whole (a text repeated many times: every k-gram
//!    occurs once per copy) is cut by anchors unique within windows of at most 2,048 units
//!    that follow the alignment from both ends of the gap (`Aligner::local`), so a text
//!    repeated N times is aligned copy by copy. What no window cuts (a long run of one
//!    character) goes to a Myers diff bounded in edits and steps.
//! 5. A large gap with nothing in common, or a gap whose Myers diff matched almost nothing,
//!    is material that only one witness carries: a *block*, not a storm of one-character edits.
//! 6. Short equalities between longer changes are dissolved (`semantic_cleanup`), so a
//!    rewritten phrase is one change, not word-for-word substitutions tied by `the` and spaces.
//!
//! Cost: hashing and sorting k-grams is O(n log n) per level; windows cost O(w log w) each and
//! move on by at least k units (usually most of w); Myers runs only on gaps of at most
//! `MYERS_MAX` units, or bounded by `LAST_RESORT_STEPS`, so the worst case is bounded by
//! O(n · MYERS_MAX).

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

/// A side of a gap this long with no unique k-gram repeats itself: shorter k-grams will not
/// be unique either, and the gap is aligned by local anchors.
const REPETITIVE_MIN: usize = 256;
/// Window lengths (units per side) tried for anchors unique within a window, in a gap with
/// none unique in the whole: below `MYERS_MAX / 2`, so that what lies between two local
/// anchors always goes to Myers.
const WINDOWS: [usize; 6] = [2048, 1024, 512, 256, 128, 64];
/// The bounded Myers diff of a gap nothing else could cut gives up beyond this many edits
/// or this many steps; the gap is then a block.
const LAST_RESORT_D: usize = 256;
const LAST_RESORT_STEPS: usize = 1 << 25;

/// One step of an alignment, in unit indices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// `len` units equal on both sides, from `a` in A and `b` in B.
    Equal {
        /// First unit in A.
        a: usize,
        /// First unit in B.
        b: usize,
        /// Units in the run.
        len: usize,
    },
    /// A's units `a` replaced by B's units `b` (one of them may be empty).
    Change {
        /// Units of A.
        a: Range<usize>,
        /// Units of B.
        b: Range<usize>,
        /// Material that only one witness carries (or each its own): a block, not a variant.
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
    semantic_cleanup(a, b, al.ops)
}

/// The longest equal run [`semantic_cleanup`] dissolves, in weighed units.
const SEMANTIC_MAX: usize = 12;

/// The weight of a unit in [`semantic_cleanup`]: a space (or tab, no-break or ideographic
/// space) between words weighs nothing, every other unit (a word, a character, a line
/// break) one.
fn weight(id: u32) -> usize {
    usize::from(!matches!(id, 0x20 | 0x09 | 0xA0 | 0x3000))
}

/// Dissolves short equalities between changes, in the spirit of diff-match-patch's semantic
/// cleanup: an equal run of at most `SEMANTIC_MAX` units, shorter than half the change on
/// either side of it (the longer side of each), is merged with both into one change; spaces
/// weigh nothing. So a space or a short common word (`the`, `and`) never ties two unrelated
/// phrases together and a rewritten span of words is one change, while two one-character
/// variants a character apart (a transposition `互尊互信`→`互信互尊`) stay as they are.
/// Merging may make a change long enough to dissolve the equality before it, so the check
/// walks back. Linear in the number of ops.
fn semantic_cleanup(a: &[u32], b: &[u32], ops: Vec<Op>) -> Vec<Op> {
    let weigh = |s: &[u32]| s.iter().map(|&id| weight(id)).sum::<usize>();
    // Each op with the weights of its A and B sides.
    let mut out: Vec<(Op, usize, usize)> = Vec::with_capacity(ops.len());
    for op in ops {
        let (wa, wb) = match &op {
            Op::Change { a: ra, b: rb, .. } => (weigh(&a[ra.clone()]), weigh(&b[rb.clone()])),
            Op::Equal { a: oa, len, .. } => {
                let w = weigh(&a[*oa..oa + len]);
                (w, w)
            }
        };
        out.push((op, wa, wb));
        while let [
            ..,
            (Op::Change { .. }, la, lb),
            (Op::Equal { .. }, e, _),
            (Op::Change { .. }, ra, rb),
        ] = &out[..]
        {
            let (l, e, r) = ((*la).max(*lb), *e, (*ra).max(*rb));
            if e > SEMANTIC_MAX || 2 * e >= l || 2 * e >= r {
                break;
            }
            let (
                Some((
                    Op::Change {
                        a: ar,
                        b: br,
                        block: rk,
                    },
                    ra,
                    rb,
                )),
                Some((_, e, _)),
            ) = (out.pop(), out.pop())
            else {
                unreachable!()
            };
            if let Some((Op::Change { a, b, block }, la, lb)) = out.last_mut() {
                a.end = ar.end;
                b.end = br.end;
                *block |= rk || a.len().max(b.len()) >= BLOCK_MIN;
                *la += e + ra;
                *lb += e + rb;
            }
        }
    }
    out.into_iter().map(|(op, _, _)| op).collect()
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
            // Nothing unique in common at any anchor length: repetitive or unrelated material.
            self.local(a, b);
            return;
        };
        let (mut runs, repetitive) = anchors(self.a, a.clone(), self.b, b.clone(), k);
        if level > 0 {
            // A unique 32-gram is evidence of shared text; shorter ones can be chance.
            runs = credible(runs, &a, &b);
        }
        if runs.is_empty() {
            if repetitive {
                // No unique k-gram at all on one side: none is unique at a shorter length.
                self.local(a, b);
            } else {
                self.anchored(a, b, level + 1);
            }
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

    /// Aligns a gap with no unique anchor in the whole (a text repeated many times, a long
    /// run of one character, or unrelated material) by anchors unique within windows.
    ///
    /// From the start of the gap (an aligned point), windows of at most `WINDOWS[0]` units
    /// on each side are anchored like a gap (unique k-grams, chained, verified, extended);
    /// the next window starts where the last anchor ends, so the windows follow the
    /// alignment and a text repeated N times is aligned copy by copy, in time linear in the
    /// gap (each window costs O(w log w) and moves at least k units, usually most of w). A
    /// window repeats itself past about two periods, so shorter windows are tried when one
    /// finds nothing. Where the windows stop (an insertion longer than a window, a change of
    /// material), the same walk runs back from the end of the gap; what lies between is
    /// aligned as a gap again when the walks cut anything off, else by a bounded Myers diff,
    /// else it is a block.
    fn local(&mut self, a: Range<usize>, b: Range<usize>) {
        let mut size = 0;
        let mut forward = Vec::new();
        let (mut pa, mut pb) = (a.start, b.start);
        while pa < a.end && pb < b.end {
            let runs = self.window(pa..a.end, pb..b.end, true, &mut size);
            let Some(&(ra, rb, len)) = runs.last() else {
                break;
            };
            (pa, pb) = (ra + len, rb + len);
            forward.extend(runs);
        }
        let mut backward = Vec::new();
        let (mut qa, mut qb) = (a.end, b.end);
        if pa < a.end && pb < b.end {
            while qa > pa && qb > pb {
                let runs = self.window(pa..qa, pb..qb, false, &mut size);
                let Some(&(ra, rb, _)) = runs.first() else {
                    break;
                };
                (qa, qb) = (ra, rb);
                backward.extend(runs.into_iter().rev());
            }
        }
        let (mut ca, mut cb) = (a.start, b.start);
        for (ra, rb, len) in forward {
            self.gap(ca..ra, cb..rb, 0);
            self.equal(ra, rb, len);
            (ca, cb) = (ra + len, rb + len);
        }
        if (ca, cb, qa, qb) == (a.start, b.start, a.end, b.end) {
            self.last_resort(a.clone(), b.clone());
        } else {
            self.gap(ca..qa, cb..qb, 0);
        }
        (ca, cb) = (qa, qb);
        for (ra, rb, len) in backward.into_iter().rev() {
            self.gap(ca..ra, cb..rb, 0);
            self.equal(ra, rb, len);
            (ca, cb) = (ra + len, rb + len);
        }
        self.gap(ca..a.end, cb..b.end, 0);
    }

    /// Anchors unique within a window at the start (`forward`) or the end of a gap, trying
    /// the window length that last worked first, then shorter ones, then longer ones.
    fn window(
        &self,
        a: Range<usize>,
        b: Range<usize>,
        forward: bool,
        size: &mut usize,
    ) -> Vec<(usize, usize, usize)> {
        let order = (*size..WINDOWS.len()).chain((0..*size).rev());
        for i in order {
            let w = WINDOWS[i];
            let (ra, rb) = if forward {
                (
                    a.start..a.end.min(a.start + w),
                    b.start..b.end.min(b.start + w),
                )
            } else {
                (
                    a.end.saturating_sub(w).max(a.start)..a.end,
                    b.end.saturating_sub(w).max(b.start)..b.end,
                )
            };
            let (runs, _) = anchors(self.a, ra, self.b, rb, ANCHOR_K[0]);
            if !runs.is_empty() {
                *size = i;
                return runs;
            }
        }
        Vec::new()
    }

    /// A gap no anchor cuts: a Myers diff if it finds at most `LAST_RESORT_D` edits within
    /// `LAST_RESORT_STEPS` steps (a long run of one character with a few edits), else a block.
    fn last_resort(&mut self, a: Range<usize>, b: Range<usize>) {
        let Some(path) = bounded_myers(
            &self.a[a.clone()],
            &self.b[b.clone()],
            LAST_RESORT_D,
            LAST_RESORT_STEPS,
        ) else {
            self.change(a, b, true);
            return;
        };
        let (mut x, mut y) = (0, 0);
        for (dx, dy, run) in path {
            self.change(
                a.start + x..a.start + x + dx,
                b.start + y..b.start + y + dy,
                false,
            );
            (x, y) = (x + dx, y + dy);
            self.equal(a.start + x, b.start + y, run);
            (x, y) = (x + run, y + run);
        }
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
/// sides and not overlapping: `(a_start, b_start, len)`; and whether one side, at least
/// `REPETITIVE_MIN` units long, has no unique k-gram at all (it repeats itself).
fn anchors(
    a: &[u32],
    ra: Range<usize>,
    b: &[u32],
    rb: Range<usize>,
    k: usize,
) -> (Vec<(usize, usize, usize)>, bool) {
    let ua = unique_kgrams(a, ra.clone(), k);
    if ua.is_empty() {
        return (Vec::new(), ra.len() >= REPETITIVE_MIN);
    }
    let ub = unique_kgrams(b, rb.clone(), k);
    let repetitive = ub.is_empty() && rb.len() >= REPETITIVE_MIN;
    // Merge-join the two hash-sorted lists into B's start (plus one; zero for none) of the
    // k-gram at each start in A, then read them in A's order: no sort of the pairs.
    let mut partner = vec![0u32; ra.len()];
    let (mut i, mut j) = (0, 0);
    while i < ua.len() && j < ub.len() {
        match ua[i].0.cmp(&ub[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                partner[ua[i].1 as usize - ra.start] = ub[j].1 + 1;
                i += 1;
                j += 1;
            }
        }
    }
    let pairs: Vec<(u32, u32)> = (ra.start as u32..)
        .zip(partner)
        .filter(|&(_, p)| p != 0)
        .map(|(x, p)| (x, p - 1))
        .collect();
    let chain = verified(longest_increasing(&pairs), a, b, k);

    let mut runs: Vec<(usize, usize, usize)> = Vec::new();
    let (mut floor_a, mut floor_b) = (ra.start, rb.start);
    let mut idx = 0;
    while idx < chain.len() {
        let (mut sa, mut sb) = (chain[idx].0 as usize, chain[idx].1 as usize);
        // Consecutive k-grams on the same diagonal are one run.
        let mut end = idx;
        while end + 1 < chain.len() && chain[end + 1] == (chain[end].0 + 1, chain[end].1 + 1) {
            end += 1;
        }
        let mut len = chain[end].0 as usize - sa + k;
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
    (runs, repetitive)
}

/// Myers' greedy diff of `a` and `b`, given up (`None`) past `max_d` edits or `max_steps`
/// steps along diagonals. The path is returned as steps `(deleted, inserted, equal)`: a
/// deletion of one unit of `a` or an insertion of one unit of `b` (or neither, first),
/// followed by a run of equal units. Memory O(max_d²).
fn bounded_myers(
    a: &[u32],
    b: &[u32],
    max_d: usize,
    max_steps: usize,
) -> Option<Vec<(usize, usize, usize)>> {
    // Myers counts insertions and deletions: at least the difference of the lengths and the
    // bag distance (a lower bound of any edit distance). Past the bound, no search: two
    // unrelated passages would take it to the end.
    if a.len().abs_diff(b.len()) > max_d || crate::levenshtein::bag_distance(a, b) > max_d {
        return None;
    }
    let (n, m) = (a.len() as isize, b.len() as isize);
    let snake = |mut x: isize, k: isize, steps: &mut usize| {
        while x < n && x - k < m && a[x as usize] == b[(x - k) as usize] {
            x += 1;
            *steps += 1;
        }
        x
    };
    let mut steps = 0;
    // trace[d][k + d]: the furthest x reached on diagonal k (x - y) with d edits, or -1.
    let mut trace: Vec<Vec<isize>> = Vec::new();
    let first = snake(0, 0, &mut steps);
    trace.push(vec![first]);
    let mut end = (first >= n && first >= m).then_some(0);
    let mut d = 0;
    while end.is_none() {
        d += 1;
        if d > max_d || steps > max_steps {
            return None;
        }
        let prev = &trace[d - 1];
        let di = d as isize;
        let mut row = vec![-1isize; 2 * d + 1];
        for k in (-di..=di).step_by(2) {
            let i = (k + di) as usize;
            let x = step_from(prev, d - 1, k, n, m);
            if x >= 0 {
                row[i] = snake(x, k, &mut steps);
                steps += 1;
                if row[i] == n && row[i] - k == m {
                    end = Some(d);
                }
            }
        }
        trace.push(row);
    }
    // Walk back from (n, m).
    let mut path = Vec::with_capacity(d + 1);
    let (mut k, mut x) = (n - m, n);
    for d in (1..trace.len()).rev() {
        let prev = &trace[d - 1];
        let (pk, px) = origin(prev, d - 1, k, n, m).expect("a reached point has an origin");
        let start = if pk == k + 1 { px } else { px + 1 };
        let (dx, dy) = if pk == k + 1 { (0, 1) } else { (1, 0) };
        path.push((dx, dy, (x - start) as usize));
        (k, x) = (pk, px);
    }
    path.push((0, 0, x as usize));
    path.reverse();
    Some(path)
}

/// `row[k + d]`: the furthest x on diagonal k after `d` edits, or -1 (none, or off the row).
fn reach(row: &[isize], d: usize, k: isize) -> isize {
    let i = k + d as isize;
    if i < 0 {
        return -1;
    }
    row.get(i as usize).copied().unwrap_or(-1)
}

/// Where a path of `d + 1` edits on diagonal k comes from: `(k', x')` on the row of `d`
/// edits, by an insertion (from k + 1) or a deletion (from k - 1), whichever reaches further
/// inside the grid; `None` when neither can.
fn origin(row: &[isize], d: usize, k: isize, n: isize, m: isize) -> Option<(isize, isize)> {
    let down = reach(row, d, k + 1); // insertion: x stays, y grows
    let right = reach(row, d, k - 1); // deletion: x grows
    let down_ok = down >= 0 && down - k <= m;
    let right_ok = right >= 0 && right < n;
    if down_ok && (!right_ok || down > right) {
        Some((k + 1, down))
    } else if right_ok {
        Some((k - 1, right))
    } else {
        None
    }
}

/// The x a path of `d + 1` edits reaches on diagonal k before its snake, or -1.
fn step_from(row: &[isize], d: usize, k: isize, n: isize, m: isize) -> isize {
    match origin(row, d, k, n, m) {
        Some((pk, px)) if pk == k + 1 => px,
        Some((_, px)) => px + 1,
        None => -1,
    }
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
fn verified(chain: Vec<(u32, u32)>, a: &[u32], b: &[u32], k: usize) -> Vec<(u32, u32)> {
    let mut out = Vec::with_capacity(chain.len());
    let mut i = 0;
    while i < chain.len() {
        let mut end = i;
        while end + 1 < chain.len() && chain[end + 1] == (chain[end].0 + 1, chain[end].1 + 1) {
            end += 1;
        }
        let (sa, sb) = (chain[i].0 as usize, chain[i].1 as usize);
        let len = chain[end].0 as usize - sa + k;
        if a[sa..sa + len] == b[sb..sb + len] {
            out.extend_from_slice(&chain[i..=end]);
        } else {
            out.extend(chain[i..=end].iter().filter(|&&(pa, pb)| {
                let (pa, pb) = (pa as usize, pb as usize);
                a[pa..pa + k] == b[pb..pb + k]
            }));
        }
        i = end + 1;
    }
    out
}

/// `(hash, start)` of the k-grams of `s[range]` that occur once there, sorted by hash. The
/// hash is the top half of a 64-bit rolling hash: 32 bits halve the radix sort, and a
/// collision costs at most an anchor (two k-grams that collide look repeated; a pair that
/// collides across the texts is dropped when the chain is verified).
fn unique_kgrams(s: &[u32], range: Range<usize>, k: usize) -> Vec<(u32, u32)> {
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
            grams.push(((h >> 32) as u32, start as u32));
            h = h.wrapping_sub((u64::from(s[start]) + 1).wrapping_mul(top));
        }
    }
    // Grouped by hash (the order among equal hashes does not matter: they are dropped). A
    // radix sort: this is most of an alignment's time on long texts.
    radsort::sort_by_key(&mut grams, |g| g.0);
    // Kept in place: the unique ones move to the front.
    let (mut i, mut kept) = (0, 0);
    while i < grams.len() {
        let mut j = i + 1;
        while j < grams.len() && grams[j].0 == grams[i].0 {
            j += 1;
        }
        if j == i + 1 {
            grams[kept] = grams[i];
            kept += 1;
        }
        i = j;
    }
    grams.truncate(kept);
    grams
}

/// Longest subsequence of `pairs` (sorted by `.0`, all `.0` distinct) increasing in `.1`.
/// Positions are 32 bits, as in the whole module's hot paths: half the memory to fault in.
fn longest_increasing(pairs: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut tails: Vec<u32> = Vec::new();
    let mut prev = vec![u32::MAX; pairs.len()];
    for (i, &(_, y)) in pairs.iter().enumerate() {
        let pos = tails.partition_point(|&t| pairs[t as usize].1 < y);
        if pos > 0 {
            prev[i] = tails[pos - 1];
        }
        if pos == tails.len() {
            tails.push(i as u32);
        } else {
            tails[pos] = i as u32;
        }
    }
    let mut out = Vec::with_capacity(tails.len());
    let mut cur = tails.last().copied().unwrap_or(u32::MAX);
    while cur != u32::MAX {
        out.push(pairs[cur as usize]);
        cur = prev[cur as usize];
    }
    out.reverse();
    out
}

/// B rebuilt from A and the ops, or `None` unless the ops cover both sides in order and every
/// equal run is equal: what tests and fuzzing check an alignment against.
pub fn rebuild(a: &[u32], b: &[u32], ops: &[Op]) -> Option<Vec<u32>> {
    let (mut ia, mut ib) = (0, 0);
    let mut out = Vec::with_capacity(b.len());
    for op in ops {
        match op {
            Op::Equal { a: oa, b: ob, len } => {
                let same =
                    (*oa, *ob) == (ia, ib) && a.get(*oa..oa + len)? == b.get(*ob..ob + len)?;
                if !same {
                    return None;
                }
                out.extend_from_slice(&a[*oa..oa + len]);
                (ia, ib) = (oa + len, ob + len);
            }
            Op::Change { a: ra, b: rb, .. } => {
                if (ra.start, rb.start) != (ia, ib) {
                    return None;
                }
                out.extend_from_slice(b.get(rb.clone())?);
                (ia, ib) = (ra.end, rb.end);
            }
        }
    }
    ((ia, ib) == (a.len(), b.len())).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(s: &str) -> Vec<u32> {
        s.chars().map(|c| c as u32).collect()
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
        assert_eq!(rebuild(&a, &b, &ops).unwrap(), b);
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
        assert_eq!(rebuild(&a, &b, &ops).unwrap(), b);
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
    fn bounded_myers_finds_few_edits_and_gives_up_on_many() {
        let (a, b) = (ids("啊啊啊啊啊啊啊啊"), ids("啊啊哦啊啊啊啊啊嗯"));
        let path = bounded_myers(&a, &b, 4, 1000).unwrap();
        let edits: usize = path.iter().map(|&(x, y, _)| x + y).sum();
        assert_eq!(edits, 3); // 哦 inserted, the last 啊 replaced (deleted and inserted)
        let (x, y) = path.iter().fold((0, 0), |(x, y), &(dx, dy, run)| {
            (x + dx + run, y + dy + run)
        });
        assert_eq!((x, y), (a.len(), b.len()));
        assert_eq!(bounded_myers(&a, &b, 1, 1000), None);
        assert_eq!(bounded_myers(&ids("abcd"), &ids("wxyz"), 4, 1000), None);
    }

    /// The bounds checked before the search never turn away a pair within reach: the search
    /// succeeds exactly when the insertions and deletions needed (n + m − 2·LCS) are at most
    /// `max_d`.
    #[test]
    fn bounded_myers_gives_up_only_beyond_its_bound() {
        let mut below = crate::testing::below(0x2545_f491_4f6c_dd1d);
        let mut next = |n: u64| below(n) as u32;
        for round in 0..300u64 {
            let alphabet = 2 + round % 6;
            let a: Vec<u32> = (0..next(24)).map(|_| next(alphabet)).collect();
            let b: Vec<u32> = (0..next(24)).map(|_| next(alphabet)).collect();
            let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
            for i in 0..a.len() {
                for j in 0..b.len() {
                    lcs[i + 1][j + 1] = if a[i] == b[j] {
                        lcs[i][j] + 1
                    } else {
                        lcs[i][j + 1].max(lcs[i + 1][j])
                    };
                }
            }
            let indels = a.len() + b.len() - 2 * lcs[a.len()][b.len()];
            for max_d in [0, 2, 5, 9, 16] {
                assert_eq!(
                    bounded_myers(&a, &b, max_d, usize::MAX).is_some(),
                    indels <= max_d,
                    "{a:?} {b:?} within {max_d}"
                );
            }
        }
    }

    #[test]
    fn cleanup_dissolves_a_space_between_changes() {
        // "a x b" → "c x d" where x is a space: one change.
        let (a, b) = (vec![1, 32, 2], vec![3, 32, 4]);
        let ops = semantic_cleanup(
            &a,
            &b,
            vec![
                Op::Change {
                    a: 0..1,
                    b: 0..1,
                    block: false,
                },
                Op::Equal { a: 1, b: 1, len: 1 },
                Op::Change {
                    a: 2..3,
                    b: 2..3,
                    block: false,
                },
            ],
        );
        assert_eq!(
            ops,
            vec![Op::Change {
                a: 0..3,
                b: 0..3,
                block: false
            }]
        );
    }

    #[test]
    fn lis_picks_the_longest_chain() {
        let pairs = [(0, 5), (1, 1), (2, 2), (3, 9), (4, 3)];
        assert_eq!(longest_increasing(&pairs), vec![(1, 1), (2, 2), (4, 3)]);
    }
}
