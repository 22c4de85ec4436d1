//! Exact Levenshtein distance and edit operations over symbol ids, in near-linear time when
//! the distance is small.
//!
//! The distance is Myers' bit-parallel algorithm in Hyyrö's block form (64 rows of the
//! dynamic-programming matrix per machine word), restricted to Ukkonen's band |i − j| ≤ k:
//! a path through a cell off that band costs more than k, so when the distance found is ≤ k it
//! is exact; otherwise k grows. The band also narrows as the pass goes, to the rows whose
//! score plus the least cost of the rest is ≤ k. A pass that needs only the last column (the
//! distance, Hirschberg's crossings) sweeps strips of sixteen blocks in vector lanes (module
//! `strips`); the traceback's passes go column by column (`Band`), keeping the band every
//! `SEGMENT` columns and computing each segment again as the traceback reaches it.
//! Hirschberg's divide and conquer (the best crossing row of two half passes splits the
//! problem) stands in when those checkpoints would not fit in memory.

mod strips;

use std::borrow::Cow;

use strips::last_column;

/// One edit operation, in order along both sequences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditOp {
    Match,
    /// A's symbol replaced by B's.
    Substitute,
    /// A's symbol missing in B.
    Delete,
    /// B's symbol not in A.
    Insert,
}

/// Below this many cells, plain dynamic programming with a full traceback.
const SMALL: usize = 1 << 16;

/// Positions of each symbol of A, to build the match bit-vectors of a band on demand
/// (memory proportional to A, not to A × alphabet): a compressed table indexed by symbol,
/// positions of symbol `s` at `positions[starts[s]..starts[s + 1]]`.
struct Pattern<'a> {
    /// Borrowed for one comparison; owned by a text compared with many ([`Ranked`]).
    a: Cow<'a, [u32]>,
    starts: Vec<u32>,
    positions: Vec<u32>,
    /// Sparse symbols (far above A's length) are renumbered first.
    renumber: Option<std::collections::HashMap<u32, u32>>,
}

impl<'a> Pattern<'a> {
    fn new(a: &'a [u32]) -> Self {
        Pattern::of(Cow::Borrowed(a))
    }

    fn of(a: Cow<'a, [u32]>) -> Self {
        // Symbols are dense ids (interned) or code points: a table up to the largest is small.
        // Anything sparser is renumbered so the table stays proportional to A.
        let max = a.iter().copied().max().map_or(0, |m| m as usize + 1);
        let renumber = (max > 4 * a.len() + (1 << 21)).then(|| {
            let mut map = std::collections::HashMap::new();
            for &s in a.iter() {
                let next = map.len() as u32;
                map.entry(s).or_insert(next);
            }
            map
        });
        let id = |s: u32| renumber.as_ref().map_or(s, |m| m[&s]) as usize;
        let size = renumber.as_ref().map_or(max, |m| m.len());
        let mut starts = vec![0u32; size + 1];
        for &s in a.iter() {
            starts[id(s) + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut next = starts.clone();
        let mut positions = vec![0u32; a.len()];
        for (i, &s) in a.iter().enumerate() {
            positions[next[id(s)] as usize] = i as u32;
            next[id(s)] += 1;
        }
        Pattern {
            a,
            starts,
            positions,
            renumber,
        }
    }

    /// The bag distance between A and `b`: the larger of the number of A's symbols `b`
    /// lacks and of `b`'s symbols A lacks, counted with multiplicity. Each edit operation
    /// changes each count by at most one, so it is a lower bound of the distance (and at
    /// least the difference of the lengths).
    fn bag_distance(&self, b: &[u32]) -> usize {
        let mut left: Vec<u32> = self.starts.windows(2).map(|w| w[1] - w[0]).collect();
        let only_in_b = b
            .iter()
            .filter(|&&c| match self.id(c) {
                Some(s) if left[s] > 0 => {
                    left[s] -= 1;
                    false
                }
                _ => true,
            })
            .count();
        let only_in_a = self.a.len() - (b.len() - only_in_b);
        only_in_a.max(only_in_b)
    }

    /// The dense id of symbol `c`, if A has it.
    fn id(&self, c: u32) -> Option<usize> {
        let c = match &self.renumber {
            None => c as usize,
            Some(map) => *map.get(&c)? as usize,
        };
        (c + 1 < self.starts.len()).then_some(c)
    }
}

/// The match bit-vectors of a band that only moves down A: for each symbol, the first of its
/// positions not above the band, so that each lookup is a step forward, not a search. A
/// pass restarted from an earlier column (a traceback's recomputation) starts a new epoch:
/// each symbol's first lookup in it is a binary search.
struct MatchBits<'p, 'a> {
    pattern: &'p Pattern<'a>,
    next: Vec<u32>,
    stamp: Vec<u32>,
    epoch: u32,
}

impl<'p, 'a> MatchBits<'p, 'a> {
    fn new(pattern: &'p Pattern<'a>) -> Self {
        let next = pattern.starts[..pattern.starts.len() - 1].to_vec();
        let stamp = vec![0; next.len()];
        MatchBits {
            pattern,
            next,
            stamp,
            epoch: 0,
        }
    }

    /// The band will start again from an earlier column.
    fn restart(&mut self) {
        self.epoch += 1;
    }

    /// Match bits of symbol `c` for blocks `first..=last` into `eq`; `first` never decreases
    /// from one call to the next within an epoch.
    fn fill(&mut self, c: u32, first: usize, last: usize, eq: &mut Vec<u64>) {
        eq.clear();
        eq.resize(last + 1 - first, 0);
        let Some(s) = self.pattern.id(c) else {
            return;
        };
        let (lo, hi) = ((first * 64) as u32, ((last + 1) * 64) as u32);
        let (start, end) = (
            self.pattern.starts[s] as usize,
            self.pattern.starts[s + 1] as usize,
        );
        let positions = &self.pattern.positions;
        let mut at = if self.stamp[s] == self.epoch {
            self.next[s] as usize
        } else {
            self.stamp[s] = self.epoch;
            start + positions[start..end].partition_point(|&p| p < lo)
        };
        while at < end && positions[at] < lo {
            at += 1;
        }
        self.next[s] = at as u32;
        for &p in positions[at..end].iter().take_while(|&&p| p < hi) {
            let rel = (p - lo) as usize;
            eq[rel / 64] |= 1 << (rel % 64);
        }
    }
}

/// One step of a block: vertical deltas `pv`/`mv` of a 64-row block advance by one column,
/// given the match bits and the horizontal delta entering at the top; returns the horizontal
/// delta leaving at the bottom.
fn advance(pv: &mut u64, mv: &mut u64, eq: u64, hin: i32) -> i32 {
    let (h_plus, h_minus) = (u64::from(hin > 0), u64::from(hin < 0));
    let xv = eq | *mv;
    let eq = eq | h_minus;
    let xh = ((eq & *pv).wrapping_add(*pv) ^ *pv) | eq;
    let ph = *mv | !(xh | *pv);
    let mh = *pv & xh;
    let hout = (ph >> 63) as i32 - (mh >> 63) as i32;
    let (ph, mh) = ((ph << 1) | h_plus, (mh << 1) | h_minus);
    *pv = mh | !(xv | ph);
    *mv = ph & xv;
    hout
}

/// The state of a banded bit-parallel pass after some column of B: Ukkonen's band for the
/// bound `k`, trimmed as the pass goes (as Edlib does). `columns`: the width of the whole
/// problem this pass is part of (Hirschberg passes run over half of it), which shapes the
/// band: a path costing at most `k` through cell (i, j) has |i − j| + |(n − i) − (columns −
/// j)| ≤ k. A block of rows leaves the band when each of its cells' score plus that lower
/// bound of the rest exceeds `k`. Scores are upper bounds that are exact on any path costing
/// ≤ `k`, so such a path never leaves the band; on similar texts the band narrows from `k`
/// rows to a few blocks along the pass.
struct Band {
    n: usize,
    k: i64,
    columns: usize,
    /// Rows i = j + t of column j with t in `lo_t..=hi_t` are in Ukkonen's band.
    lo_t: i64,
    hi_t: i64,
    /// Vertical deltas of each block of 64 rows (+1 and −1 bits).
    pv: Vec<u64>,
    mv: Vec<u64>,
    /// The score at the bottom row of each block (padded rows past n never match).
    score: Vec<i64>,
    /// The blocks in the band.
    first: usize,
    last: usize,
}

/// Rows are 1-based; block `b` holds rows 64b + 1 ..= 64b + 64.
fn block_of(row: usize) -> usize {
    row.saturating_sub(1) / 64
}

impl Band {
    /// Column 0 (D[i][0] = i).
    fn new(n: usize, k: usize, columns: usize) -> Band {
        let blocks = n.div_ceil(64).max(1);
        let delta = n as i64 - columns as i64;
        let k = k as i64;
        let mut band = Band {
            n,
            k,
            columns,
            lo_t: -(k - delta).div_euclid(2),
            hi_t: (delta + k).div_euclid(2),
            pv: vec![!0u64; blocks],
            mv: vec![0u64; blocks],
            score: vec![0i64; blocks],
            first: 0,
            last: 0,
        };
        band.last = block_of(band.band_hi(0)).min(blocks - 1);
        for (blk, s) in band.score.iter_mut().enumerate().take(band.last + 1) {
            *s = (blk as i64 + 1) * 64;
        }
        band
    }

    fn band_hi(&self, col: usize) -> usize {
        (col as i64 + self.hi_t).clamp(0, self.n as i64) as usize
    }

    fn band_lo(&self, col: usize) -> usize {
        (col as i64 + self.lo_t).clamp(1, (self.n as i64).max(1)) as usize
    }

    /// True when no cell of block `blk` at column `col` can be on a path costing ≤ k: its
    /// least score (`bottom` − 63: scores change by at most one per row) plus the least
    /// cost of the rest, |(n − i) − (columns − col)| over the block's rows, exceeds k.
    fn over_budget(&self, blk: usize, bottom: i64, col: usize) -> bool {
        let n = self.n as i64;
        let target = n - (self.columns as i64 - col as i64); // where the rest is diagonal
        let (top, last_row) = (blk as i64 * 64 + 1, (blk as i64 * 64 + 64).min(n));
        let rest = if target < top {
            top - target
        } else if target > last_row {
            target - last_row
        } else {
            0
        };
        bottom - 63 + rest > self.k
    }

    /// Advances to column `col` (1-based), `fill` giving the match bits of its symbol for
    /// a range of blocks; false when the band emptied (every path costs more than k).
    fn step(
        &mut self,
        col: usize,
        fill: impl FnOnce(usize, usize, &mut Vec<u64>),
        eq: &mut Vec<u64>,
    ) -> bool {
        // The band may gain a block below, one per column at most (it gains a row each). A
        // path enters it from the block above, diagonally at best: its cells score at least
        // the bottom score of that block in the previous column.
        let last = self.last;
        if last + 1 < self.pv.len()
            && last < block_of(self.band_hi(col))
            && !self.over_budget(last + 1, self.score[last] + 63, col)
        {
            self.last += 1;
            self.pv[last + 1] = !0;
            self.mv[last + 1] = 0;
            self.score[last + 1] = self.score[last] + 64;
        }
        fill(self.first, self.last, eq);
        let mut h = 1; // row 0 is D[0][j] = j; above the band, +1 is assumed
        for blk in self.first..=self.last {
            h = advance(
                &mut self.pv[blk],
                &mut self.mv[blk],
                eq[blk - self.first],
                h,
            );
            self.score[blk] += i64::from(h);
        }
        self.trim(col)
    }

    /// After column `col`: drops the blocks at either end that no path costing ≤ k can use;
    /// false when none is left.
    fn trim(&mut self, col: usize) -> bool {
        while self.last > self.first && self.over_budget(self.last, self.score[self.last], col) {
            self.last -= 1;
        }
        let ukkonen_first = block_of(self.band_lo(col + 1));
        while self.first < self.last
            && (self.first < ukkonen_first
                || self.over_budget(self.first, self.score[self.first], col))
        {
            self.first += 1;
        }
        !(self.first == self.last && self.over_budget(self.first, self.score[self.first], col))
    }
}

/// Every path through the band cost more than its bound by this column.
struct Emptied {
    column: usize,
}

/// The band's score at (n, m), exact when it is ≤ k; else how far the band got.
fn banded_distance(p: &Pattern, b: &[u32], k: usize) -> Result<usize, Emptied> {
    let (top, scores) = last_column(p, b, k, b.len())?;
    match scores.get(p.a.len() - top) {
        Some(&d) if d <= k => Ok(d),
        _ => Err(Emptied { column: b.len() }),
    }
}

/// A lower bound of the distance between `a` and `b`, in linear time: the symbols of one that
/// the other lacks, counted with multiplicity, on the side with more
/// ([`Pattern::bag_distance`]).
pub(crate) fn bag_distance(a: &[u32], b: &[u32]) -> usize {
    Pattern::new(a).bag_distance(b)
}

/// Levenshtein distance between `a` and `b` (unit costs). Symbols are ids: small integers
/// or code points (the match table is indexed by them).
pub fn distance(a: &[u32], b: &[u32]) -> usize {
    distance_within(a, b, 0)
}

/// [`distance`], given a guess of it to start the band from (an upper bound makes one
/// banded pass enough: the diff engine's alignment cost is one). The result is exact
/// whatever the guess: the band grows while the distance found exceeds it.
pub fn distance_within(a: &[u32], b: &[u32], guess: usize) -> usize {
    distance_capped(a, b, guess, usize::MAX).expect("no cap on the band")
}

/// A text's symbols as [`distance_at_most`] reads them: in order, its alphabet (sorted,
/// without repeats), and each symbol's rank in it with their match table ([`Pattern`]) —
/// found once for a text compared with many.
pub(crate) struct Ranked {
    symbols: Vec<u32>,
    alphabet: Vec<u32>,
    /// The rank of each ASCII symbol, looked up where most of an English text's would take a
    /// binary search of the alphabet for each candidate.
    ascii: [u32; 128],
    ranks: Pattern<'static>,
}

impl Ranked {
    /// `symbols`, in order, and their `alphabet` (sorted, without repeats).
    pub(crate) fn new(symbols: Vec<u32>, alphabet: Vec<u32>) -> Ranked {
        // The alphabet is sorted: its ASCII symbols come first.
        let mut ascii = [alphabet.len() as u32; 128];
        for (r, &s) in alphabet.iter().enumerate().take_while(|&(_, &s)| s < 128) {
            ascii[s as usize] = r as u32;
        }
        let ranks = symbols.iter().map(|s| rank(&alphabet, s)).collect();
        Ranked {
            symbols,
            alphabet,
            ascii,
            ranks: Pattern::of(Cow::Owned(ranks)),
        }
    }

    /// The number of symbols.
    pub(crate) fn len(&self) -> usize {
        self.symbols.len()
    }

    /// `b`'s symbols ranked in this text's alphabet (those it lacks: one past its last).
    pub(crate) fn rank(&self, b: &[u32]) -> Vec<u32> {
        b.iter()
            .map(|&s| match self.ascii.get(s as usize) {
                Some(&r) => r,
                None => rank(&self.alphabet, &s),
            })
            .collect()
    }

    /// The bag distance to a text of ranks `b_ranks` ([`Ranked::rank`]): a lower bound of
    /// their Levenshtein distance ([`bag_distance`]).
    pub(crate) fn bag_distance(&self, b_ranks: &[u32]) -> usize {
        self.ranks.bag_distance(b_ranks)
    }
}

/// A symbol's rank in `alphabet`, or one past the last for a symbol it lacks: the pattern's
/// table is then A's alphabet, not every code point up to its largest (40,000 for Chinese).
fn rank(alphabet: &[u32], s: &u32) -> u32 {
    alphabet.binary_search(s).unwrap_or(alphabet.len()) as u32
}

/// The Levenshtein distance between `a` and `b` if it is at most `k`, else `None`: one banded
/// pass, which stops as soon as every path costs more than `k` (two texts that share little
/// but their alphabet, such as two English paragraphs of a length, fail it early, where
/// aligning them costs their product).
/// `b_ranks` are `b`'s symbols ranked in A's alphabet ([`Ranked::rank`]).
pub(crate) fn distance_at_most(a: &Ranked, b: &[u32], b_ranks: &[u32], k: usize) -> Option<usize> {
    let (mut pre, mut suf) = common_ends(&a.symbols, b);
    // Each symbol trimmed saves a column of the pass, but the rest needs a table of its own:
    // worth it only for long common ends (two paragraphs that end on a full stop share one).
    if 4 * (pre + suf) < a.len() {
        (pre, suf) = (0, 0);
    }
    let ranks = &a.ranks.a[pre..a.ranks.a.len() - suf];
    let b = &b_ranks[pre..b.len() - suf];
    if ranks.is_empty() || b.is_empty() {
        let d = ranks.len().max(b.len());
        return (d <= k).then_some(d);
    }
    let k = k.min(ranks.len().max(b.len()));
    // The text's own table, unless common ends were trimmed off.
    if pre + suf == 0 {
        banded_distance(&a.ranks, b, k).ok()
    } else {
        banded_distance(&Pattern::new(ranks), b, k).ok()
    }
}

/// [`distance_within`], or `None` rather than a pass whose band would hold more than
/// `max_cells` cells (its rows times B's length): for callers that bound the time a distance
/// may take (two long unrelated texts).
pub fn distance_capped(a: &[u32], b: &[u32], guess: usize, max_cells: usize) -> Option<usize> {
    let (pre, suf) = common_ends(a, b);
    let (a, b) = (&a[pre..a.len() - suf], &b[pre..b.len() - suf]);
    if a.is_empty() || b.is_empty() {
        return Some(a.len().max(b.len()));
    }
    distance_from_band(a, b, guess, max_cells)
}

/// The band grows until it holds an optimal path. A pass that fails tells where the cost
/// outgrew `k`: the distance is about `k` per that many columns. A failed pass is cheap (it
/// stops there, its band narrowing) and a band wider than needed is not (it runs to the end),
/// so an estimate from a short stretch is first refined by a pass at half of it (which fails
/// about halfway, at an eighth of a full pass's cost); an estimate from a quarter of the
/// columns or more gets a pass at 6% above it.
///
/// The first band is the larger of the guess and 6% above the bag distance (a lower bound,
/// [`Pattern::bag_distance`]): on texts that differ by whole passages the bag distance is
/// close to the distance, and one pass is enough without a guess. Where errors are spread
/// through the text (a transcription's), substitutions cancel out in the bag and it can be
/// far below the distance; so, without a guess, a probe with a quarter of that band measures
/// the rate first: a pass that fails costs about the square of its band over the rate, so the
/// probe costs a sixteenth of the pass at the first band that it may spare (on a
/// 350,000-character pair at 1% errors: one pass at 3,822 instead of a failed one at 1,404 and
/// one at 3,677). Below a band of 1,024 a pass is too short for the probe to pay.
fn distance_from_band(a: &[u32], b: &[u32], guess: usize, max_cells: usize) -> Option<usize> {
    let p = Pattern::new(a);
    let longest = a.len().max(b.len());
    let bag = p.bag_distance(b);
    let mut k = guess.max(bag + bag / 16).max(64).min(longest);
    let over_cap = |k: usize| (k + 1).min(a.len()).saturating_mul(b.len()) > max_cells;
    let probe = k / 4;
    if probe >= 256 && guess < k && a.len().abs_diff(b.len()) < probe / 2 && !over_cap(k) {
        match banded_distance(&p, b, probe) {
            Ok(d) => return Some(d),
            // A rate read off at least 1/64 of the columns (some hundreds of errors), with an
            // eighth more for its sampling error.
            Err(Emptied { column }) if column >= b.len() / 64 => {
                let estimate = probe.saturating_mul(b.len()) / column;
                k = k.max(estimate + estimate / 8).min(longest);
            }
            Err(_) => {}
        }
    }
    loop {
        if over_cap(k) {
            return None;
        }
        match banded_distance(&p, b, k) {
            Ok(d) => return Some(d),
            Err(Emptied { column }) => {
                let estimate = k.saturating_mul(b.len()) / column.max(1);
                let next = if column * 4 < b.len() {
                    estimate / 2
                } else {
                    estimate + estimate / 16
                };
                k = next.max(k + k / 4).min(longest);
            }
        }
    }
}

/// An optimal sequence of edit operations turning `a` into `b`.
///
/// One banded pass keeps the band every `SEGMENT` columns; the traceback then runs from the
/// end, segment by segment, each segment's columns computed again from its checkpoint: about
/// two passes in all. When those checkpoints would not fit in `TRACEBACK_MEMORY` (a wide band
/// over long texts), Hirschberg's recursion finds the same cost in linear memory.
pub fn edit_ops(a: &[u32], b: &[u32]) -> Vec<EditOp> {
    let mut ops = Vec::with_capacity(a.len().max(b.len()));
    let (pre, suf) = common_ends(a, b);
    let (a, b) = (&a[pre..a.len() - suf], &b[pre..b.len() - suf]);
    ops.extend(std::iter::repeat_n(EditOp::Match, pre));
    if a.is_empty() || b.is_empty() || a.len() * b.len() <= SMALL {
        hirschberg(a, b, None, &mut ops);
    } else {
        let longest = a.len().max(b.len());
        let mut k = first_band(a, b);
        loop {
            let blocks = a.len().div_ceil(64).min(k / 64 + 2);
            let kept = (b.len() / SEGMENT + 1 + SEGMENT) * blocks * 24;
            if kept > TRACEBACK_MEMORY {
                hirschberg(a, b, Some(k), &mut ops);
                break;
            }
            if let Some(traced) = traced(a, b, k) {
                ops.extend(traced);
                break;
            }
            if k >= longest {
                hirschberg(a, b, Some(k), &mut ops);
                break;
            }
            k = (2 * k).min(longest);
        }
    }
    ops.extend(std::iter::repeat_n(EditOp::Match, suf));
    ops
}

/// The lengths of the common prefix and of the common suffix of what follows it.
fn common_ends(a: &[u32], b: &[u32]) -> (usize, usize) {
    let pre = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suf = a[pre..]
        .iter()
        .rev()
        .zip(b[pre..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    (pre, suf)
}

/// Columns between the checkpoints of a traceback.
const SEGMENT: usize = 256;
/// The most memory a traceback's checkpoints and segment may take.
const TRACEBACK_MEMORY: usize = 256 << 20;

/// Band states kept for a traceback: for each kept column, its first and last block and
/// where its blocks start in the vectors.
#[derive(Default)]
struct Kept {
    index: Vec<(usize, usize, usize)>,
    pv: Vec<u64>,
    mv: Vec<u64>,
    score: Vec<i64>,
}

impl Kept {
    fn clear(&mut self) {
        self.index.clear();
        self.pv.clear();
        self.mv.clear();
        self.score.clear();
    }

    fn push(&mut self, band: &Band) {
        let blocks = band.first..=band.last;
        self.index.push((band.first, band.last, self.pv.len()));
        self.pv.extend_from_slice(&band.pv[blocks.clone()]);
        self.mv.extend_from_slice(&band.mv[blocks.clone()]);
        self.score.extend_from_slice(&band.score[blocks]);
    }

    /// Puts kept column `c` back into `band`.
    fn restore(&self, c: usize, band: &mut Band) {
        let (first, last, at) = self.index[c];
        let len = last + 1 - first;
        band.first = first;
        band.last = last;
        band.pv[first..=last].copy_from_slice(&self.pv[at..at + len]);
        band.mv[first..=last].copy_from_slice(&self.mv[at..at + len]);
        band.score[first..=last].copy_from_slice(&self.score[at..at + len]);
    }

    /// The score at `row` (≥ 1) of kept column `c`, if its band holds the row: the block's
    /// bottom score less the vertical deltas below the row.
    fn value(&self, c: usize, row: usize) -> Option<i64> {
        let (first, last, at) = self.index[c];
        let blk = block_of(row);
        if row == 0 || blk < first || blk > last {
            return None;
        }
        let i = at + blk - first;
        let below = (!0u64).checked_shl((row - 1) as u32 % 64 + 1).unwrap_or(0);
        Some(
            self.score[i] - i64::from((self.pv[i] & below).count_ones())
                + i64::from((self.mv[i] & below).count_ones()),
        )
    }
}

/// An optimal sequence of edit operations by a banded pass with checkpoints and a traceback
/// (see [`edit_ops`]); `None` when no path costing ≤ `k` exists.
fn traced(a: &[u32], b: &[u32], k: usize) -> Option<Vec<EditOp>> {
    let (n, m) = (a.len(), b.len());
    let p = Pattern::new(a);
    let mut bits = MatchBits::new(&p);
    let mut eq = Vec::new();
    let mut band = Band::new(n, k, m);
    let mut checkpoints = Kept::default();
    checkpoints.push(&band);
    for (j, &c) in b.iter().enumerate() {
        if !band.step(j + 1, |f, l, eq| bits.fill(c, f, l, eq), &mut eq) {
            return None;
        }
        if (j + 1) % SEGMENT == 0 {
            checkpoints.push(&band);
        }
    }
    let mut segment = Kept::default();
    segment.push(&band);
    let mut v = segment.value(0, n).filter(|&d| d <= k as i64)?;
    let (mut i, mut j) = (n, m);
    let mut out = Vec::with_capacity(n.max(m));
    for cp in (0..checkpoints.index.len()).rev() {
        let c0 = cp * SEGMENT;
        if c0 >= j {
            continue;
        }
        // This segment's columns again, from its checkpoint (the same steps, the same band).
        checkpoints.restore(cp, &mut band);
        bits.restart();
        segment.clear();
        segment.push(&band);
        for col in c0 + 1..=j {
            let c = b[col - 1];
            band.step(col, |f, l, eq| bits.fill(c, f, l, eq), &mut eq);
            segment.push(&band);
        }
        let at = |col: usize, row: usize| {
            if row == 0 {
                Some(col as i64)
            } else {
                segment.value(col - c0, row)
            }
        };
        // From (i, j) to a predecessor whose score plus the step's cost is the score here:
        // on an optimal path, scores are exact and its predecessors are in the band.
        while j > c0 {
            if i > 0 {
                let cost = i64::from(a[i - 1] != b[j - 1]);
                if let Some(diag) = at(j - 1, i - 1).filter(|&d| d + cost == v) {
                    out.push(if cost == 0 {
                        EditOp::Match
                    } else {
                        EditOp::Substitute
                    });
                    (i, j, v) = (i - 1, j - 1, diag);
                    continue;
                }
                if let Some(up) = at(j, i - 1).filter(|&u| u + 1 == v) {
                    out.push(EditOp::Delete);
                    (i, v) = (i - 1, up);
                    continue;
                }
            }
            let left = at(j - 1, i).filter(|&l| l + 1 == v)?;
            out.push(EditOp::Insert);
            (j, v) = (j - 1, left);
        }
    }
    out.extend(std::iter::repeat_n(EditOp::Delete, i));
    out.reverse();
    Some(out)
}

/// A first band: for long inputs, an upper bound of the distance from the anchored
/// alignment of the diff engine (one banded pass instead of a doubling series); the band
/// still doubles if it was too narrow.
fn first_band(a: &[u32], b: &[u32]) -> usize {
    let floor = a.len().abs_diff(b.len()).max(64);
    if a.len().min(b.len()) < 4096 {
        return floor;
    }
    let bound: usize = crate::align::align(a, b)
        .iter()
        .map(|op| match op {
            crate::align::Op::Change { a, b, .. } => a.len().max(b.len()),
            crate::align::Op::Equal { .. } => 0,
        })
        .sum();
    bound.max(floor)
}

/// `known`: the distance of this piece when the level above found it (the band to use).
fn hirschberg(a: &[u32], b: &[u32], known: Option<usize>, ops: &mut Vec<EditOp>) {
    // Common prefix and suffix are matches: peel them off first.
    let (pre, suf) = common_ends(a, b);
    ops.extend(std::iter::repeat_n(EditOp::Match, pre));
    let (a, b) = (&a[pre..a.len() - suf], &b[pre..b.len() - suf]);
    if a.is_empty() || b.is_empty() {
        ops.extend(std::iter::repeat_n(EditOp::Delete, a.len()));
        ops.extend(std::iter::repeat_n(EditOp::Insert, b.len()));
    } else if a.len() * b.len() <= SMALL {
        small(a, b, ops);
    } else {
        let mid = b.len() / 2;
        let c = best_crossing(a, &b[..mid], &b[mid..], known);
        hirschberg(&a[..c.row], &b[..mid], Some(c.left), ops);
        hirschberg(&a[c.row..], &b[mid..], Some(c.right), ops);
    }
    ops.extend(std::iter::repeat_n(EditOp::Match, suf));
}

/// Where an optimal path crosses from `left` to `right`: the row, and the distances of the
/// two halves (each exact: together they make the optimum).
struct Crossing {
    row: usize,
    left: usize,
    right: usize,
}

fn best_crossing(a: &[u32], left: &[u32], right: &[u32], known: Option<usize>) -> Crossing {
    let ra: Vec<u32> = a.iter().rev().copied().collect();
    let rb: Vec<u32> = right.iter().rev().copied().collect();
    let (pf, pb) = (Pattern::new(a), Pattern::new(&ra));
    let n = a.len();
    let longest = n.max(left.len() + right.len());
    let mut k = known
        .unwrap_or(0)
        .max(a.len().abs_diff(left.len() + right.len()))
        .max(64);
    loop {
        let columns = left.len() + right.len();
        let (Ok((ftop, fwd)), Ok((btop, bwd))) = (
            last_column(&pf, left, k, columns),
            last_column(&pb, &rb, k, columns),
        ) else {
            k *= 2;
            continue;
        };
        // Row i from the front is row n − i from the back.
        let mut best = Crossing {
            row: 0,
            left: usize::MAX,
            right: usize::MAX,
        };
        let mut best_total = usize::MAX;
        for (fi, &f) in fwd.iter().enumerate() {
            let i = ftop + fi;
            let Some(&g) = (n - i).checked_sub(btop).and_then(|bi| bwd.get(bi)) else {
                continue;
            };
            let total = f.saturating_add(g);
            if total < best_total {
                best_total = total;
                best = Crossing {
                    row: i,
                    left: f,
                    right: g,
                };
            }
        }
        if best_total <= k || k >= longest {
            return best;
        }
        k *= 2;
    }
}

/// Plain dynamic programming with traceback, for small pieces.
fn small(a: &[u32], b: &[u32], ops: &mut Vec<EditOp>) {
    let (n, m) = (a.len(), b.len());
    let w = m + 1;
    let mut d = vec![0u32; (n + 1) * w];
    for (j, cell) in d.iter_mut().take(w).enumerate() {
        *cell = j as u32;
    }
    for i in 1..=n {
        d[i * w] = i as u32;
        for j in 1..=m {
            let sub = d[(i - 1) * w + j - 1] + u32::from(a[i - 1] != b[j - 1]);
            d[i * w + j] = sub.min(d[(i - 1) * w + j] + 1).min(d[i * w + j - 1] + 1);
        }
    }
    let mut out = Vec::with_capacity(n.max(m));
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        let here = d[i * w + j];
        if i > 0 && j > 0 && here == d[(i - 1) * w + j - 1] + u32::from(a[i - 1] != b[j - 1]) {
            out.push(if a[i - 1] == b[j - 1] {
                EditOp::Match
            } else {
                EditOp::Substitute
            });
            (i, j) = (i - 1, j - 1);
        } else if i > 0 && here == d[(i - 1) * w + j] + 1 {
            out.push(EditOp::Delete);
            i -= 1;
        } else {
            out.push(EditOp::Insert);
            j -= 1;
        }
    }
    out.reverse();
    ops.extend(out);
}

/// The cost of a sequence of edit operations.
pub fn cost(ops: &[EditOp]) -> usize {
    ops.iter().filter(|o| **o != EditOp::Match).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(a: &[u32], b: &[u32]) -> usize {
        let mut ops = Vec::new();
        small(a, b, &mut ops);
        cost(&ops)
    }

    /// Applies ops to a, checking they are consistent with b.
    fn replay(a: &[u32], b: &[u32], ops: &[EditOp]) {
        let (mut i, mut j) = (0, 0);
        for op in ops {
            match op {
                EditOp::Match => {
                    assert_eq!(a[i], b[j]);
                    (i, j) = (i + 1, j + 1);
                }
                EditOp::Substitute => {
                    assert_ne!(a[i], b[j]);
                    (i, j) = (i + 1, j + 1);
                }
                EditOp::Delete => i += 1,
                EditOp::Insert => j += 1,
            }
        }
        assert_eq!((i, j), (a.len(), b.len()));
    }

    fn seq(seed: u64, n: usize, alphabet: u64) -> Vec<u32> {
        let mut below = crate::testing::below(seed);
        (0..n).map(|_| below(alphabet) as u32).collect()
    }

    #[test]
    fn agrees_with_plain_dynamic_programming() {
        for seed in 1..200u64 {
            let n = (seed * 37 % 300) as usize;
            let a = seq(seed, n, 2 + seed % 6);
            let mut b = a.clone();
            // A few edits, or an unrelated sequence.
            if seed % 5 == 0 {
                b = seq(seed * 7, (seed * 13 % 280) as usize, 3);
            } else {
                for e in 0..(seed % 9) as usize {
                    let at = (e * 31 + seed as usize) % (b.len() + 1);
                    match e % 3 {
                        0 => b.insert(at, 99),
                        1 if at < b.len() => {
                            b.remove(at);
                        }
                        _ if at < b.len() => b[at] = 98,
                        _ => {}
                    }
                }
            }
            let d = naive(&a, &b);
            assert_eq!(distance(&a, &b), d, "seed {seed}");
            let ops = edit_ops(&a, &b);
            replay(&a, &b, &ops);
            assert_eq!(cost(&ops), d, "seed {seed}");
        }
    }

    #[test]
    fn long_sequences_use_the_band_and_stay_exact() {
        let a = seq(42, 5000, 50);
        let mut b = a.clone();
        for i in (0..5000).step_by(97) {
            b[i] = 1000;
        }
        b.insert(2500, 7);
        b.remove(100);
        let ops = edit_ops(&a, &b);
        replay(&a, &b, &ops);
        let d = distance(&a, &b);
        assert_eq!(cost(&ops), d);
        // Every substitution is needed; the insertion and deletion may merge with one.
        assert!((52..=54).contains(&d), "{d}");
        // Against plain DP on a prefix (small enough).
        assert_eq!(distance(&a[..600], &b[..600]), naive(&a[..600], &b[..600]));
    }

    #[test]
    fn sparse_symbols_are_renumbered() {
        let a = [u32::MAX, 7, u32::MAX - 1, 7];
        let b = [7, u32::MAX, 7];
        assert_eq!(distance(&a, &b), naive(&a, &b));
        assert_eq!(cost(&edit_ops(&a, &b)), naive(&a, &b));
    }

    #[test]
    fn empty_sides() {
        assert_eq!(distance(&[], &[1, 2]), 2);
        assert_eq!(edit_ops(&[1], &[]), vec![EditOp::Delete]);
        assert_eq!(distance(&[], &[]), 0);
    }

    /// `a` with `edits` random insertions, deletions and substitutions of symbols below
    /// `alphabet`, drawn from `seed`.
    fn edited(a: &[u32], seed: u64, edits: usize, alphabet: u64) -> Vec<u32> {
        let noise = seq(seed, 3 * edits, 1 << 20);
        let mut b = a.to_vec();
        for e in 0..edits {
            let at = noise[e * 3] as usize % (b.len() + 1);
            let symbol = noise[e * 3 + 1] % alphabet as u32;
            match noise[e * 3 + 2] % 3 {
                0 => b.insert(at, symbol),
                1 if at < b.len() => {
                    b.remove(at);
                }
                _ if at < b.len() => b[at] = symbol,
                _ => {}
            }
        }
        b
    }

    /// The trimmed band is exact when `k` is the distance, and fails (never reports a wrong
    /// distance) when `k` is one less: on repetitive sequences (small alphabets), where
    /// many paths are nearly optimal.
    #[test]
    fn a_band_as_wide_as_the_distance_is_exact() {
        for seed in 1..400u64 {
            let n = 100 + (seed * 7919 % 900) as usize;
            let alphabet = 2 + seed % 40;
            let a = seq(seed, n, alphabet);
            let b = edited(&a, seed * 3, (seed % 40) as usize, alphabet);
            let d = naive(&a, &b);
            let p = Pattern::new(&a);
            let floor = a.len().abs_diff(b.len());
            assert_eq!(
                banded_distance(&p, &b, d.max(floor)).ok(),
                Some(d),
                "seed {seed}"
            );
            if d > floor {
                assert!(banded_distance(&p, &b, d - 1).is_err(), "seed {seed}");
            }
        }
    }

    /// The bag distance is a lower bound (and exact on a pair that differs by symbols
    /// unshared); a capped distance is exact or `None`, never a bound.
    #[test]
    fn bag_distance_bounds_and_the_cap() {
        let p = Pattern::new(&[1, 2, 2, 3]);
        assert_eq!(p.bag_distance(&[2, 9, 9]), 3); // 1, 2, 3 lack; 9, 9 extra
        for seed in 1..80u64 {
            let a = seq(seed, 50 + (seed * 31 % 400) as usize, 2 + seed % 20);
            let b = edited(&a, seed + 3, (seed % 60) as usize, 2 + seed % 20);
            let d = naive(&a, &b);
            assert!(Pattern::new(&a).bag_distance(&b) <= d, "seed {seed}");
            assert_eq!(
                distance_capped(&a, &b, 0, usize::MAX),
                Some(d),
                "seed {seed}"
            );
        }
        let a = seq(5, 3000, 4);
        let b = seq(6, 3000, 4);
        assert_eq!(distance_capped(&a, &b, 0, 1000), None);
        assert_eq!(distance_capped(&a, &a, 0, 1000), Some(0));
    }

    /// The last column of the full dynamic-programming matrix.
    fn naive_last_column(a: &[u32], b: &[u32]) -> Vec<usize> {
        let mut col: Vec<usize> = (0..=a.len()).collect();
        for (j, &c) in b.iter().enumerate() {
            let mut diag = col[0];
            col[0] = j + 1;
            for i in 1..=a.len() {
                let up = col[i];
                col[i] = (diag + usize::from(a[i - 1] != c))
                    .min(up + 1)
                    .min(col[i - 1] + 1);
                diag = up;
            }
        }
        col
    }

    /// The strip pass (several strips, sweeps narrower and wider than a strip's lanes,
    /// bands cut on both sides) gives every cell of the last column that a path costing ≤ k
    /// can use exactly, and never less than the true score elsewhere: whole problems and
    /// halves of wider ones (as Hirschberg's recursion asks), against plain dynamic
    /// programming.
    #[test]
    fn the_strips_give_the_last_column_within_the_bound() {
        for seed in 1..60u64 {
            let n = 1 + (seed * 7919 % 3300) as usize;
            let alphabet = 2 + seed % 30;
            let a = seq(seed, n, alphabet);
            let b = edited(&a, seed * 5, (seed * 13 % 200) as usize, alphabet);
            let extra = if seed % 3 == 0 {
                (seed * 31 % 400) as usize
            } else {
                0
            };
            let columns = b.len() + extra;
            let truth = naive_last_column(&a, &b);
            let floor = a.len().abs_diff(columns);
            let d = truth[n] + extra;
            for k in [floor.max(d.saturating_sub(3)), d, d + 40] {
                let p = Pattern::new(&a);
                let Ok((top, scores)) = last_column(&p, &b, k, columns) else {
                    assert!(k < d, "seed {seed}: the pass emptied at k = {k} ≥ {d}");
                    continue;
                };
                assert_eq!(top + scores.len(), n + 1, "seed {seed}");
                for (i, &t) in truth.iter().enumerate() {
                    let rest = (n - i).abs_diff(columns - b.len());
                    let got = i.checked_sub(top).map(|r| scores[r]);
                    if t + rest <= k {
                        assert_eq!(got, Some(t), "seed {seed}, k {k}, row {i}");
                    } else if let Some(got) = got {
                        assert!(got >= t, "seed {seed}, k {k}, row {i}: {got} < {t}");
                    }
                }
            }
        }
    }

    /// Hirschberg's recursion, which the strip pass serves, finds an optimal alignment.
    #[test]
    fn hirschberg_is_optimal() {
        for (seed, n) in [(11u64, 700), (12, 1300), (13, 2100)] {
            for alphabet in [3, 50] {
                let a = seq(seed * alphabet, n, alphabet);
                let b = edited(&a, seed + 7, n / 6, alphabet);
                let mut ops = Vec::new();
                hirschberg(&a, &b, None, &mut ops);
                replay(&a, &b, &ops);
                assert_eq!(
                    cost(&ops),
                    naive(&a, &b),
                    "seed {seed}, alphabet {alphabet}"
                );
            }
        }
    }

    /// The traceback (checkpoints every `SEGMENT` columns, segments computed again) gives an
    /// optimal alignment: on repetitive sequences with many edits, lengths on and off the
    /// segment boundaries, against plain dynamic programming.
    #[test]
    fn the_traceback_is_optimal_across_segments() {
        for (seed, n) in [
            (1u64, 512),
            (2, 513),
            (3, 767),
            (4, 1500),
            (5, 2048),
            (6, 2500),
        ] {
            for alphabet in [2, 5, 40] {
                let a = seq(seed * alphabet, n, alphabet);
                let b = edited(&a, seed + 99, n / 12, alphabet);
                let d = naive(&a, &b);
                let ops = traced(&a, &b, d.max(a.len().abs_diff(b.len()))).unwrap();
                replay(&a, &b, &ops);
                assert_eq!(cost(&ops), d, "seed {seed}, alphabet {alphabet}");
                assert_eq!(
                    cost(&edit_ops(&a, &b)),
                    d,
                    "seed {seed}, alphabet {alphabet}"
                );
            }
        }
    }
}
