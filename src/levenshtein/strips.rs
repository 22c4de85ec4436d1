//! The banded distance pass by strips of rows: sixteen 64-row blocks at once, one per lane of
//! two 512-bit vectors.
//!
//! Column by column, each block waits for the horizontal delta leaving the block above, so a
//! column's blocks form one dependency chain and the processor runs them one at a time. A
//! strip of `LANES` blocks is swept instead with its blocks skewed by one column each: at
//! step t, lane w advances block w to column t − w, whose horizontal delta lane w − 1
//! produced at step t − 1. The lanes are independent within a step, so one step is a few
//! vector instructions for `LANES` blocks. Strips are taken from the top; the row between two
//! strips (its scores) is the only state passed down.
//!
//! The step is written twice: once with AVX-512 intrinsics (`avx512`, used where the
//! processor has it, the one `unsafe` call of the crate behind the feature check), once
//! portably ([`full_steps`]), which `multiversion` compiles for AVX2 and NEON; the compiler's
//! vectorization of the portable one splits the lane rotation of the carries into scalar
//! moves, hence the first. A test holds the two equal word for word.
//!
//! Banding is by columns: a strip covers the columns of Ukkonen's band for its rows, trimmed
//! from the row above it. On the left, a cell is reached only through that row at its own
//! column or before, so the columns before the first crossing whose score plus the least
//! cost of the rest is ≤ k are left out; on the right, a crossing at column j with score d
//! reaches the strip's rows within j + rows + (k − d) columns at cost ≤ k. Cells left of a
//! strip are assumed one more per row than the row above (an upper bound), cells right of the
//! row above one more per column: every score is an upper bound, exact on any path costing
//! ≤ k, as in the column-wise band.

use std::cell::Cell;

use super::{Emptied, Pattern, advance};

use multiversion::multiversion;

/// Blocks per strip.
const LANES: usize = 16;
/// Rows per strip.
const ROWS: usize = 64 * LANES;

/// Scores of the last column for the rows of the strips that reach it: `(first_row,
/// scores)` (rows of a strip in between that stops short score `UNREACHED`), or where the band
/// emptied (the column it stood for, which sizes the next band).
pub(super) fn last_column(
    p: &Pattern,
    b: &[u32],
    k: usize,
    columns: usize,
) -> Result<(usize, Vec<usize>), Emptied> {
    let (n, m) = (p.a.len(), b.len());
    let delta = columns as i64 - n as i64;
    let k = k as i64;
    if k < delta.abs() {
        return Err(Emptied { column: 1 });
    }
    // Ukkonen: cell (i, j) is on a path costing ≤ k only if j − i lies in this range.
    let slack = (k - delta.abs()) / 2;
    let (t_lo, t_hi) = (delta.min(0) - slack, delta.max(0) + slack);

    with_table(|table| {
        let symbols = StripSymbols::new(p, b);
        let mut row: Vec<i32> = (0..=m as i32).collect(); // D[0][j] = j
        let mut valid_hi = m; // the row's scores are computed up to this column
        let (mut trim_lo, mut trim_hi) = (1usize, m);
        let mut last = LastColumn::default();
        let mut masks = Masks::new(&symbols, table);
        for r0 in (0..n).step_by(ROWS) {
            let r1 = r0 + ROWS;
            let lo = (r0 as i64 + 1 + t_lo).max(1) as usize;
            let hi = (r1.min(n) as i64 + t_hi).clamp(0, m as i64) as usize;
            let (lo, hi) = (lo.max(trim_lo), hi.min(trim_hi));
            if lo > hi {
                return Err(emptied_at(r0, n, m));
            }
            // Columns past those the row above computed: one more per column.
            for j in valid_hi + 1..=hi {
                row[j] = row[j - 1] + 1;
            }
            valid_hi = hi;
            masks.load_rows(&symbols, r0);
            let top_at_m = row[m];
            let lanes = sweep(&mut masks, &symbols, &mut row, (lo, hi));
            if hi == m {
                last.push(r0, top_at_m, &lanes, n);
            } else {
                last.skip(r0, n);
            }
            if r1 >= n {
                break;
            }
            // Trim the next strip's columns from this strip's bottom row.
            let Some((first, reach)) = crossings(&row[lo - 1..=hi], lo - 1, n - r1, columns, k)
            else {
                return Err(emptied_at(r1, n, m));
            };
            trim_lo = first.max(1);
            trim_hi = (reach + ROWS as i64 + k).clamp(0, m as i64) as usize;
        }
        // No strip reached the last column: the band ran out at the end.
        last.finish().ok_or_else(|| emptied_at(n, n, m))
    })
}

/// The crossings of a strip's bottom row (`scores`, from column `first_column`; `rows_left`
/// rows of A below it) through which a path can cost ≤ k: the first one's column, and the
/// largest column minus score among them (how far right they reach). `None` when there is
/// none. Branch-free, so that it compiles to vector instructions.
#[multiversion(targets("x86_64+avx512f+avx512vl+avx512bw", "x86_64+avx2", "aarch64+neon"))]
fn crossings(
    scores: &[i32],
    first_column: usize,
    rows_left: usize,
    columns: usize,
    k: i64,
) -> Option<(usize, i64)> {
    // The least cost of the rest from (row, j): |rows_left − (columns − j)|.
    let offset = rows_left as i64 - columns as i64 + first_column as i64;
    let (mut first, mut reach) = (i64::MAX, i64::MIN);
    for (i, &score) in scores.iter().enumerate() {
        let (i, score) = (i as i64, i64::from(score));
        let good = score + (offset + i).abs() <= k;
        first = first.min(if good { i } else { i64::MAX });
        reach = reach.max(if good { i - score } else { i64::MIN });
    }
    (first != i64::MAX).then(|| (first as usize + first_column, reach + first_column as i64))
}

/// A pass that emptied at row `row` of `n`, as the column it would have reached at that
/// rate (the caller's estimate of the distance scales with it).
fn emptied_at(row: usize, n: usize, m: usize) -> Emptied {
    Emptied {
        column: (row * m / n.max(1)).max(1),
    }
}

/// A row's score beyond the band: more than any bound a caller uses.
const UNREACHED: usize = usize::MAX / 4;

/// The last column's scores, strip by strip from the first strip that reaches it.
#[derive(Default)]
struct LastColumn {
    top: Option<usize>,
    scores: Vec<usize>,
}

impl LastColumn {
    /// A strip that reaches the last column: its rows' scores from the one above it.
    fn push(&mut self, r0: usize, top: i32, lanes: &Lanes, n: usize) {
        if self.top.is_none() {
            self.top = Some(r0);
            self.scores.push(top.max(0) as usize);
        }
        let mut s = top;
        for row in r0 + 1..=(r0 + ROWS).min(n) {
            let (w, bit) = ((row - r0 - 1) / 64, (row - r0 - 1) % 64);
            s += ((lanes.pv[w] >> bit) & 1) as i32 - ((lanes.mv[w] >> bit) & 1) as i32;
            self.scores.push(s.max(0) as usize);
        }
    }

    /// A strip that stops short of the last column (after one that reached it).
    fn skip(&mut self, r0: usize, n: usize) {
        if self.top.is_some() {
            let rows = (r0 + ROWS).min(n) - r0;
            self.scores.extend(std::iter::repeat_n(UNREACHED, rows));
        }
    }

    fn finish(self) -> Option<(usize, Vec<usize>)> {
        Some((self.top?, self.scores))
    }
}

/// A's and B's symbols as small ids of A's alphabet; a symbol A lacks is `alphabet`, whose
/// slot never matches.
struct StripSymbols {
    rows: Vec<u32>,
    columns: Vec<u32>,
    alphabet: usize,
}

impl StripSymbols {
    fn new(p: &Pattern, b: &[u32]) -> Self {
        let alphabet = p.starts.len() - 1;
        let id = |c: u32| p.id(c).unwrap_or(alphabet) as u32;
        StripSymbols {
            rows: p.a.iter().map(|&c| id(c)).collect(),
            columns: b.iter().map(|&c| id(c)).collect(),
            alphabet,
        }
    }
}

/// Steps of a sweep per load of the columns' match words (128 KB with sixteen lanes).
const CHUNK: usize = 1024;

/// Slots of match bits per strip: a power of two above the most symbols a strip's rows hold
/// (`ROWS`, and slot 0 that never matches), so a masked index needs no bounds check.
const SLOTS: usize = (ROWS + 1).next_power_of_two();

/// The match bits of one strip: for each symbol of its rows, one word per lane; slot 0 never
/// matches.
struct Masks<'t> {
    slot: Vec<u16>,
    bits: &'t mut Table,
    /// The symbols given a slot, to clear them for the next strip.
    used: Vec<u32>,
    /// The match bits of the columns a chunk of a sweep's steps reads, copied in column order
    /// so that a step's words (one per lane, each from another column) lie at fixed offsets
    /// from one place; zero for columns outside the strip's.
    columns: Vec<[u64; LANES]>,
    /// The column of `columns[0]`, plus `LANES` (the first steps read columns below 1).
    first: usize,
}

impl<'t> Masks<'t> {
    /// The masks of a pass, in `bits` (all zero, as [`with_table`] keeps it).
    fn new(symbols: &StripSymbols, bits: &'t mut Table) -> Self {
        Masks {
            slot: vec![0; symbols.alphabet + 1],
            bits,
            used: Vec::with_capacity(ROWS),
            columns: Vec::with_capacity(CHUNK + LANES),
            first: 0,
        }
    }

    /// The strip of rows from `r0`.
    fn load_rows(&mut self, symbols: &StripSymbols, r0: usize) {
        for (i, s) in self.used.drain(..).enumerate() {
            self.slot[s as usize] = 0;
            self.bits[i + 1] = [0; LANES];
        }
        let end = (r0 + ROWS).min(symbols.rows.len());
        for (i, &s) in symbols.rows[r0..end].iter().enumerate() {
            let slot = &mut self.slot[s as usize];
            if *slot == 0 {
                self.used.push(s);
                *slot = self.used.len() as u16;
            }
            self.bits[*slot as usize][i / 64] |= 1 << (i % 64);
        }
    }

    /// The columns that `steps` of a sweep over columns `lo..=hi` read: step t reads columns
    /// t − LANES + 1 ..= t.
    fn load_columns(
        &mut self,
        symbols: &StripSymbols,
        steps: &std::ops::Range<usize>,
        (lo, hi): (usize, usize),
    ) {
        // In columns plus LANES: from steps.start + 1 to steps.end − 1 + LANES, inclusive.
        let (from, to) = (steps.start + 1, steps.end + LANES);
        let (real_from, real_to) = (
            (lo + LANES).clamp(from, to),
            (hi + LANES + 1).clamp(from, to),
        );
        self.first = from;
        self.columns.clear();
        self.columns.resize(real_from - from, [0; LANES]);
        copy_columns(
            &mut self.columns,
            &symbols.columns[real_from - LANES - 1..real_to.max(real_from) - LANES - 1],
            &self.slot,
            self.bits,
        );
        self.columns.resize(to - from, [0; LANES]);
    }

    /// Lane `w`'s match bits at column `j` (in the chunk loaded).
    fn eq(&self, j: usize, w: usize) -> u64 {
        self.columns[j + LANES - self.first][w]
    }

    /// The match words of the columns step `t` reads, the last lane's first.
    fn window(&self, t: usize) -> &[V] {
        &self.columns[t + 1 - self.first..]
    }
}

impl Drop for Masks<'_> {
    /// Leaves the table all zero again, for the next pass: only the last strip's slots are
    /// set.
    fn drop(&mut self) {
        for i in 0..self.used.len() {
            self.bits[i + 1] = [0; LANES];
        }
    }
}

/// The match words of a strip's slots, one per lane.
type Table = [[u64; LANES]; SLOTS];

thread_local! {
    /// Each thread's table, all zero between passes: zeroing a new one (256 KB) took more
    /// than the pass itself over two paragraphs of a few hundred characters, which most
    /// near-duplicate candidates are (41% of the instructions of a scan of English).
    static TABLE: Cell<Option<Box<Table>>> = const { Cell::new(None) };
}

/// Runs `pass` with this thread's table (a new one the first time, or after a pass that
/// panicked).
fn with_table<R>(pass: impl FnOnce(&mut Table) -> R) -> R {
    let mut table = TABLE
        .take()
        .unwrap_or_else(|| Box::new([[0; LANES]; SLOTS]));
    let result = pass(&mut table);
    TABLE.set(Some(table));
    result
}

/// Appends the match words of each column's symbol (a vector copy each, where the processor
/// has vectors that wide).
#[multiversion(targets("x86_64+avx512f+avx512vl+avx512bw", "x86_64+avx2", "aarch64+neon"))]
fn copy_columns(out: &mut Vec<V>, columns: &[u32], slot: &[u16], bits: &[V; SLOTS]) {
    out.extend(
        columns
            .iter()
            .map(|&s| bits[slot[s as usize] as usize % SLOTS]),
    );
}

/// A strip in the making: its blocks' vertical deltas (at the column each lane reached), the
/// horizontal delta entering each lane at the next step, and the score of its bottom row at
/// the last column the bottom lane reached.
#[derive(Clone, Debug, PartialEq)]
struct Lanes {
    pv: [u64; LANES],
    mv: [u64; LANES],
    h: [i32; LANES],
    bottom: i32,
}

/// Sweeps the strip over columns `lo..=hi`: `row` holds the scores of the row above the strip
/// on `lo − 1..=hi` and is overwritten with those of its bottom row. Returns the blocks'
/// deltas at column `hi`.
fn sweep(
    masks: &mut Masks,
    symbols: &StripSymbols,
    row: &mut [i32],
    (lo, hi): (usize, usize),
) -> Lanes {
    let mut lanes = Lanes {
        pv: [!0; LANES],
        mv: [0; LANES],
        h: [0; LANES],
        bottom: row[lo - 1] + ROWS as i32, // left of the strip: one more per row
    };
    // Steps where every lane is active; before and after them, lane by lane. The columns'
    // match words are copied a chunk of steps at a time.
    let full = (lo + LANES - 1).min(hi + 1)..hi + 1;
    let mut t = lo;
    while t < hi + LANES {
        let chunk = t..(t + CHUNK).min(hi + LANES);
        masks.load_columns(symbols, &chunk, (lo, hi));
        for s in t..chunk.end.min(full.start) {
            edge_step(masks, row, (lo, hi), s, &mut lanes);
        }
        let inside = t.max(full.start)..chunk.end.min(full.end);
        if !inside.is_empty() {
            full_steps_here(masks, row, inside, &mut lanes);
        }
        for s in t.max(full.end)..chunk.end {
            edge_step(masks, row, (lo, hi), s, &mut lanes);
        }
        t = chunk.end;
    }
    row[lo - 1] += ROWS as i32;
    lanes
}

/// Step `t` of a sweep over columns `lo..=hi`, lanes outside them keeping their state.
fn edge_step(
    masks: &Masks,
    row: &mut [i32],
    (lo, hi): (usize, usize),
    t: usize,
    lanes: &mut Lanes,
) {
    lanes.h[0] = if t <= hi { row[t] - row[t - 1] } else { 0 };
    let mut out = [0i32; LANES];
    for (w, out) in out.iter_mut().enumerate() {
        if let Some(j) = t.checked_sub(w).filter(|&j| j >= lo && j <= hi) {
            let eq = masks.eq(j, w);
            *out = advance(&mut lanes.pv[w], &mut lanes.mv[w], eq, lanes.h[w]);
        }
    }
    if let Some(j) = (t + 1).checked_sub(LANES).filter(|&j| j >= lo) {
        lanes.bottom += out[LANES - 1];
        row[j] = lanes.bottom;
    }
    lanes.h[1..].copy_from_slice(&out[..LANES - 1]);
}

/// [`full_steps`], with AVX-512 written out where the processor has it: the compiler's
/// vectorization of the portable step keeps splitting the lane rotation of the carries into
/// scalar moves.
fn full_steps_here(
    masks: &Masks,
    row: &mut [i32],
    steps: std::ops::Range<usize>,
    lanes: &mut Lanes,
) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        // SAFETY: the processor has AVX-512F, the only feature the function enables.
        unsafe { avx512::full_steps(masks, row, steps, lanes) };
        return;
    }
    full_steps(masks, row, steps, lanes);
}

/// What lane 0 takes from the row above at each step of `steps` (+1 and −1 bits), read
/// apart from `row` so that the step loop reads and writes in step with no index checks.
fn tops(row: &[i32], steps: &std::ops::Range<usize>) -> Vec<(u64, u64)> {
    row[steps.start - 1..steps.end]
        .windows(2)
        .map(|w| (u64::from(w[1] > w[0]), u64::from(w[1] < w[0])))
        .collect()
}

/// The bottom row from the bottom lane's horizontal deltas, one per step of `steps`.
fn write_bottom(
    row: &mut [i32],
    steps: std::ops::Range<usize>,
    bottoms: &[i32],
    lanes: &mut Lanes,
) {
    for (t, h) in steps.zip(bottoms) {
        lanes.bottom += h;
        row[t + 1 - LANES] = lanes.bottom;
    }
}

#[cfg(target_arch = "x86_64")]
mod avx512 {
    use std::arch::x86_64::*;

    use super::{LANES, Lanes, Masks, V, tops, write_bottom};

    // A strip's lanes are two vectors of eight words: `lo` for lanes 0..8, `hi` for 8..16.
    const _: () = assert!(LANES == 16);

    /// Two vectors: lanes 0..8 and 8..16 of `a`.
    #[target_feature(enable = "avx512f")]
    fn vectors(a: V) -> (__m512i, __m512i) {
        let a = a.map(|x| x as i64);
        let v = |h: &[i64]| _mm512_set_epi64(h[7], h[6], h[5], h[4], h[3], h[2], h[1], h[0]);
        (v(&a[..8]), v(&a[8..]))
    }

    #[target_feature(enable = "avx512f")]
    fn words((lo, hi): (__m512i, __m512i)) -> V {
        let mut out = [0; LANES];
        for (half, x) in [lo, hi].into_iter().enumerate() {
            let (a, b) = (_mm512_castsi512_si256(x), _mm512_extracti64x4_epi64::<1>(x));
            let q = [
                _mm256_extract_epi64::<0>(a),
                _mm256_extract_epi64::<1>(a),
                _mm256_extract_epi64::<2>(a),
                _mm256_extract_epi64::<3>(a),
                _mm256_extract_epi64::<0>(b),
                _mm256_extract_epi64::<1>(b),
                _mm256_extract_epi64::<2>(b),
                _mm256_extract_epi64::<3>(b),
            ];
            for (o, q) in out[half * 8..].iter_mut().zip(q) {
                *o = q as u64;
            }
        }
        out
    }

    /// One step of eight lanes (see [`super::full_steps`]): returns the carries out of them.
    #[target_feature(enable = "avx512f")]
    fn advance8(
        pv: &mut __m512i,
        mv: &mut __m512i,
        eq: __m512i,
        (hp, hm): (__m512i, __m512i),
    ) -> (__m512i, __m512i) {
        let ones = _mm512_set1_epi64(-1);
        let xv = _mm512_or_si512(eq, *mv);
        let e = _mm512_or_si512(eq, hm);
        let sum = _mm512_add_epi64(_mm512_and_si512(e, *pv), *pv);
        let xh = _mm512_or_si512(_mm512_xor_si512(sum, *pv), e);
        let ph = _mm512_or_si512(*mv, _mm512_andnot_si512(_mm512_or_si512(xh, *pv), ones));
        let mh = _mm512_and_si512(*pv, xh);
        let out = (_mm512_srli_epi64::<63>(ph), _mm512_srli_epi64::<63>(mh));
        let ph = _mm512_or_si512(_mm512_slli_epi64::<1>(ph), hp);
        let mh = _mm512_or_si512(_mm512_slli_epi64::<1>(mh), hm);
        *pv = _mm512_or_si512(mh, _mm512_andnot_si512(_mm512_or_si512(xv, ph), ones));
        *mv = _mm512_and_si512(ph, xv);
        out
    }

    /// [`super::full_steps`] in AVX-512 instructions, step for step.
    #[target_feature(enable = "avx512f")]
    pub(super) fn full_steps(
        masks: &Masks,
        row: &mut [i32],
        steps: std::ops::Range<usize>,
        lanes: &mut Lanes,
    ) {
        let (mut pv_lo, mut pv_hi) = vectors(lanes.pv);
        let (mut mv_lo, mut mv_hi) = vectors(lanes.mv);
        let (mut hp_lo, mut hp_hi) = vectors(lanes.h.map(|d| u64::from(d > 0)));
        let (mut hm_lo, mut hm_hi) = vectors(lanes.h.map(|d| u64::from(d < 0)));
        let tops = tops(row, &steps);
        let mut bottoms = vec![0i32; steps.len()];
        let windows = masks.window(steps.start).windows(LANES);
        for ((window, &(top_p, top_m)), bottom) in windows.zip(&tops).zip(&mut bottoms) {
            let w = |lane: usize| window[LANES - 1 - lane][lane] as i64;
            let eq_lo = _mm512_set_epi64(w(7), w(6), w(5), w(4), w(3), w(2), w(1), w(0));
            let eq_hi = _mm512_set_epi64(w(15), w(14), w(13), w(12), w(11), w(10), w(9), w(8));
            hp_lo = _mm512_mask_mov_epi64(hp_lo, 1, _mm512_set1_epi64(top_p as i64));
            hm_lo = _mm512_mask_mov_epi64(hm_lo, 1, _mm512_set1_epi64(top_m as i64));
            let (p_lo, m_lo) = advance8(&mut pv_lo, &mut mv_lo, eq_lo, (hp_lo, hm_lo));
            let (p_hi, m_hi) = advance8(&mut pv_hi, &mut mv_hi, eq_hi, (hp_hi, hm_hi));
            // The bottom lane's carry leaves the strip; the others go one lane down.
            let out = _mm512_sub_epi64(p_hi, m_hi);
            *bottom = _mm256_extract_epi64::<3>(_mm512_extracti64x4_epi64::<1>(out)) as i32;
            (hp_lo, hp_hi) = (
                _mm512_alignr_epi64::<7>(p_lo, p_hi),
                _mm512_alignr_epi64::<7>(p_hi, p_lo),
            );
            (hm_lo, hm_hi) = (
                _mm512_alignr_epi64::<7>(m_lo, m_hi),
                _mm512_alignr_epi64::<7>(m_hi, m_lo),
            );
        }
        write_bottom(row, steps, &bottoms, lanes);
        (lanes.pv, lanes.mv) = (words((pv_lo, pv_hi)), words((mv_lo, mv_hi)));
        let (hp, hm) = (words((hp_lo, hp_hi)), words((hm_lo, hm_hi)));
        lanes.h = std::array::from_fn(|w| hp[w] as i32 - hm[w] as i32);
    }
}

/// Steps `steps` of a sweep, every lane active: the recurrence of [`advance`] on all lanes at
/// once, horizontal deltas as +1 and −1 bits. Compiled for the vector extensions the processor
/// has, chosen when first called.
#[multiversion(targets(
    "x86_64+avx512f+avx512vl+avx512bw+avx512dq",
    "x86_64+avx2",
    "aarch64+neon"
))]
fn full_steps(masks: &Masks, row: &mut [i32], steps: std::ops::Range<usize>, lanes: &mut Lanes) {
    let (mut pv, mut mv) = (lanes.pv, lanes.mv);
    let mut hp = lanes.h.map(|d| u64::from(d > 0));
    let mut hm = lanes.h.map(|d| u64::from(d < 0));
    let tops = tops(row, &steps);
    let mut bottoms = vec![0i32; steps.len()];
    // Columns t − 7 ..= t for each step t, the last lane's first.
    let windows = masks.window(steps.start).windows(LANES);
    for ((window, &(top_p, top_m)), bottom) in windows.zip(&tops).zip(&mut bottoms) {
        let window: &[V; LANES] = window.try_into().expect("a window of LANES columns");
        (hp[0], hm[0]) = (top_p, top_m);
        let eq: V = std::array::from_fn(|w| window[LANES - 1 - w][w]);
        let xv = lanewise(eq, mv, |e, m| e | m);
        let e = lanewise(eq, hm, |e, h| e | h);
        let xh = lanewise(
            lanewise(e, pv, |e, p| ((e & p).wrapping_add(p) ^ p) | e),
            e,
            |x, e| x | e,
        );
        let ph = lanewise(mv, lanewise(xh, pv, |x, p| !(x | p)), |m, x| m | x);
        let mh = lanewise(pv, xh, |p, x| p & x);
        // Each lane's carry goes to the lane below; the bottom lane's comes round to lane 0,
        // read out there and then replaced by the row above's at the next step.
        let (out_p, out_m) = (rotated(ph.map(|x| x >> 63)), rotated(mh.map(|x| x >> 63)));
        let ph = lanewise(ph, hp, |x, h| (x << 1) | h);
        let mh = lanewise(mh, hm, |x, h| (x << 1) | h);
        pv = lanewise(mh, lanewise(xv, ph, |x, p| !(x | p)), |m, x| m | x);
        mv = lanewise(ph, xv, |p, x| p & x);
        *bottom = out_p[0] as i32 - out_m[0] as i32;
        (hp, hm) = (out_p, out_m);
    }
    write_bottom(row, steps, &bottoms, lanes);
    lanes.pv = pv;
    lanes.mv = mv;
    lanes.h = std::array::from_fn(|w| hp[w] as i32 - hm[w] as i32);
}

/// One word per lane.
type V = [u64; LANES];

#[inline(always)]
fn lanewise(a: V, b: V, f: impl Fn(u64, u64) -> u64) -> V {
    std::array::from_fn(|w| f(a[w], b[w]))
}

/// Each lane takes the word of the lane before it; lane 0 the last lane's.
#[inline(always)]
fn rotated(a: V) -> V {
    std::array::from_fn(|w| a[(w + LANES - 1) % LANES])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The AVX-512 step and the portable one agree word for word (where the processor has
    /// AVX-512; the portable one is what the others run).
    #[test]
    #[cfg(target_arch = "x86_64")]
    fn the_vector_step_matches_the_portable_one() {
        if !std::arch::is_x86_feature_detected!("avx512f") {
            return;
        }
        let mut below = crate::testing::below(12345);
        let mut next = |m: u64| below(m) as u32;
        for alphabet in [2, 5, 60] {
            let a: Vec<u32> = (0..ROWS + 300).map(|_| next(alphabet)).collect();
            let b: Vec<u32> = (0..900).map(|_| next(alphabet)).collect();
            let p = Pattern::new(&a);
            let symbols = StripSymbols::new(&p, &b);
            let mut table = Box::new([[0; LANES]; SLOTS]);
            let mut masks = Masks::new(&symbols, &mut table);
            let (lo, hi) = (1, b.len());
            masks.load_rows(&symbols, 0);
            masks.load_columns(&symbols, &(lo..hi + LANES), (lo, hi));
            let mut row: Vec<i32> = (0..=b.len() as i32).collect();
            let mut lanes = Lanes {
                pv: [!0; LANES],
                mv: [0; LANES],
                h: [0; LANES],
                bottom: ROWS as i32,
            };
            for t in lo..lo + LANES - 1 {
                edge_step(&masks, &mut row, (lo, hi), t, &mut lanes);
            }
            let steps = lo + LANES - 1..hi + 1;
            let (mut row2, mut lanes2) = (row.clone(), lanes.clone());
            full_steps(&masks, &mut row, steps.clone(), &mut lanes);
            // SAFETY: the processor has AVX-512F (checked above).
            unsafe { avx512::full_steps(&masks, &mut row2, steps, &mut lanes2) };
            assert_eq!(lanes, lanes2, "alphabet {alphabet}");
            assert_eq!(row, row2, "alphabet {alphabet}");
        }
    }
}
