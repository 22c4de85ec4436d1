//! Two witnesses → the list of edits that turns A into B, in original positions.
//!
//! The views are cut into grapheme clusters and aligned. Where the views differ, the original
//! readings form a variant. Where they are equal, the originals may still differ in what the
//! profile folded (a `，` against a `,`, a line break dropped between two ideographs): those
//! differences are reported too, as cosmetic variants. Together the edits cover every byte,
//! so applying them all to A gives B exactly, whatever the profile.

use std::collections::HashMap;
use std::ops::Range;

use crate::align::{self, Op};
use crate::chars::is_layout_space;
use crate::classify::{Class, Classification, Kind, Site, classify};
use crate::normalize::{Profile, Tokenized};

use crate::source::Document;
use unicode_segmentation::UnicodeSegmentation;

/// Options of a diff.
#[derive(Debug, Clone, Copy)]
pub struct DiffOptions {
    pub profile: Profile,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions {
            profile: Profile::Loose,
        }
    }
}

impl DiffOptions {
    /// Sets the profile: what counts as the same text for alignment and CER.
    pub fn profile(mut self, profile: Profile) -> DiffOptions {
        self.profile = profile;
        self
    }
}

/// What an edit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// A classified difference between aligned text.
    Variant(Classification),
    /// Material that only one witness carries (or each its own), too long or too unrelated
    /// to be read as variants.
    Block,
}

/// Replace `a` (byte range of A's text) by `b` (byte range of B's text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub a: Range<usize>,
    pub b: Range<usize>,
    pub change: Change,
}

impl Edit {
    pub fn variant(&self) -> Option<Classification> {
        match self.change {
            Change::Variant(c) => Some(c),
            Change::Block => None,
        }
    }
}

/// The result of comparing two witnesses: a [`Comparison`] of their texts, with the
/// documents it refers to (so positions can be reported).
#[derive(Debug, Clone)]
pub struct Diff<'d> {
    pub a: &'d Document,
    pub b: &'d Document,
    pub profile: Profile,
    pub comparison: Comparison,
}

impl std::ops::Deref for Diff<'_> {
    type Target = Comparison;

    fn deref(&self) -> &Comparison {
        &self.comparison
    }
}

/// Ids of the tokens for the aligner: the code point for one-character tokens (most of
/// them), and numbers past the last code point for the rest, interned per comparison.
fn token_ids<'t>(t: &'t Tokenized, interner: &mut HashMap<&'t str, u32>) -> Vec<u32> {
    const FIRST_INTERNED: u32 = 0x11_0000;
    t.tokens
        .iter()
        .map(|tok| {
            let g = &t.view[tok.view()];
            let mut chars = g.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => c as u32,
                _ => {
                    let next = FIRST_INTERNED + interner.len() as u32;
                    *interner.entry(g).or_insert(next)
                }
            }
        })
        .collect()
}

fn clusters(t: &Tokenized, r: &Range<usize>) -> usize {
    t.tokens[r.clone()]
        .iter()
        .map(|x| x.clusters as usize)
        .sum()
}

/// Levenshtein distance between two short strings, in grapheme clusters; for long ones (more
/// than `EXACT_MAX` cells) the longer length, an upper bound.
fn cluster_distance(a: &str, b: &str) -> usize {
    const EXACT_MAX: usize = 1 << 20;
    let a: Vec<&str> = a.graphemes(true).collect();
    let b: Vec<&str> = b.graphemes(true).collect();
    if a.len().saturating_mul(b.len()) > EXACT_MAX {
        return a.len().max(b.len());
    }
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, x) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, y) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(x != y);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

/// What comparing two texts gives, in byte positions of those texts.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// Edits in order of position in both texts.
    pub edits: Vec<Edit>,
    /// Grapheme clusters of A's and B's views.
    pub a_units: usize,
    pub b_units: usize,
    /// Edit distance between the views implied by the alignment, in grapheme clusters: the
    /// Levenshtein distance of each change's readings, summed (blocks cost their longer
    /// side). An upper bound of the Levenshtein distance of the whole views.
    pub distance: usize,
    /// The part of `distance` that blocks account for, and the clusters of A in blocks.
    pub block_distance: usize,
    pub a_block_units: usize,
}

impl Comparison {
    /// Character error rate of B against A under the profile; infinite when A is empty and
    /// B is not.
    pub fn cer(&self) -> f64 {
        match (self.distance, self.a_units) {
            (0, _) => 0.0,
            (_, 0) => f64::INFINITY,
            (d, n) => d as f64 / n as f64,
        }
    }

    /// Character error rate over the aligned material only: blocks left out of both the
    /// distance and the length.
    pub fn cer_aligned(&self) -> f64 {
        match (
            self.distance - self.block_distance,
            self.a_units - self.a_block_units,
        ) {
            (0, _) => 0.0,
            (_, 0) => f64::INFINITY,
            (d, n) => d as f64 / n as f64,
        }
    }

    /// Variants with their classification, in order.
    pub fn variants(&self) -> impl Iterator<Item = (&Edit, Classification)> {
        self.edits
            .iter()
            .filter_map(|e| e.variant().map(|c| (e, c)))
    }

    pub fn blocks(&self) -> impl Iterator<Item = &Edit> {
        self.edits.iter().filter(|e| e.change == Change::Block)
    }

    pub fn count(&self, class: Class) -> usize {
        self.variants().filter(|(_, c)| c.class == class).count()
    }

    /// B, rebuilt from A by applying every edit (variants of every class, and blocks).
    pub fn apply(&self, a: &str, b: &str) -> String {
        let mut out = String::with_capacity(b.len());
        let mut at = 0;
        for e in &self.edits {
            out.push_str(&a[at..e.a.start]);
            out.push_str(&b[e.b.clone()]);
            at = e.a.end;
        }
        out + &a[at..]
    }

    /// Shifts every edit by the offsets of the compared texts in larger ones.
    pub fn shifted(mut self, a_offset: usize, b_offset: usize) -> Comparison {
        for e in &mut self.edits {
            e.a = e.a.start + a_offset..e.a.end + a_offset;
            e.b = e.b.start + b_offset..e.b.end + b_offset;
        }
        self
    }

    /// Normalized edit similarity: 1 − distance / longer length, in clusters.
    pub fn similarity(&self) -> f64 {
        let longer = self.a_units.max(self.b_units);
        if longer == 0 {
            1.0
        } else {
            1.0 - self.distance.min(longer) as f64 / longer as f64
        }
    }
}

/// Compares two witnesses.
pub fn diff<'d>(a: &'d Document, b: &'d Document, opts: &DiffOptions) -> Diff<'d> {
    Diff {
        a,
        b,
        profile: opts.profile,
        comparison: compare(&a.text, &b.text, opts.profile),
    }
}

/// Compares two texts under a profile: the engine behind [`diff`], usable on any pair of
/// strings (two paragraphs, two passages).
pub fn compare(a: &str, b: &str, profile: Profile) -> Comparison {
    compare_tokenized(
        a,
        &Tokenized::new(a, profile),
        b,
        &Tokenized::new(b, profile),
    )
}

/// Compares two texts already read under one profile (a [`crate::Corpus`] keeps them).
pub fn compare_tokenized(a: &str, ta: &Tokenized, b: &str, tb: &Tokenized) -> Comparison {
    let mut interner = HashMap::new();
    let ids_a = token_ids(ta, &mut interner);
    let ids_b = token_ids(tb, &mut interner);
    let ops = align::align(&ids_a, &ids_b);
    let mut w = Walker {
        a,
        b,
        ca: 0,
        cb: 0,
        edits: Vec::new(),
    };
    let (mut distance, mut block_distance, mut a_block_units) = (0, 0, 0);
    for op in &ops {
        match op {
            Op::Equal { a: ia, b: ib, len } => {
                let (sa, sb) = (&ta.spans[*ia..ia + len], &tb.spans[*ib..ib + len]);
                w.equal_run(sa, sb);
            }
            Op::Change {
                a: ra,
                b: rb,
                block,
            } => {
                let start = |t: &Tokenized, r: &Range<usize>, len: usize| {
                    t.spans.get(r.start).map_or(len, |s| s.start)
                };
                let end = |t: &Tokenized, r: &Range<usize>, s: usize| {
                    if r.is_empty() {
                        s
                    } else {
                        t.spans[r.end - 1].end
                    }
                };
                let sa = start(ta, ra, a.len());
                let sb = start(tb, rb, b.len());
                w.gap(sa, sb);
                let (ea, eb) = (end(ta, ra, sa), end(tb, rb, sb));
                w.edit(sa..ea, sb..eb, *block);
                if *block {
                    let (ca, cb) = (clusters(ta, ra), clusters(tb, rb));
                    block_distance += ca.max(cb);
                    a_block_units += ca;
                    distance += ca.max(cb);
                } else {
                    distance += cluster_distance(ta.view_text(ra), tb.view_text(rb));
                }
            }
        }
    }
    w.gap(a.len(), b.len());
    Comparison {
        edits: merge(w.edits, a, b),
        a_units: ta.clusters(),
        b_units: tb.clusters(),
        distance,
        block_distance,
        a_block_units,
    }
}

/// Walks both original texts in step, turning aligned units into edits.
struct Walker<'t> {
    a: &'t str,
    b: &'t str,
    ca: usize,
    cb: usize,
    edits: Vec<Edit>,
}

impl Walker<'_> {
    /// Records A[a] → B[b]; line breaks at either end of a change become their own layout
    /// edit, so readings quote words, not line breaks.
    fn edit(&mut self, a: Range<usize>, b: Range<usize>, block: bool) {
        (self.ca, self.cb) = (a.end, b.end);
        if self.a[a.clone()] == self.b[b.clone()] {
            return;
        }
        let (ca, cb) = (trim(self.a, a.clone()), trim(self.b, b.clone()));
        if (ca != a || cb != b) && !(ca.is_empty() && cb.is_empty()) {
            self.edit(a.start..ca.start, b.start..cb.start, false);
            self.edit(ca.clone(), cb.clone(), block);
            self.edit(ca.end..a.end, cb.end..b.end, false);
            return;
        }
        let change = if block {
            Change::Block
        } else {
            Change::Variant(classify(&Site::new(self.a, a.clone(), self.b, b.clone())))
        };
        self.edits.push(Edit { a, b, change });
    }

    /// What the profile dropped before the next units: whitespace, usually.
    fn gap(&mut self, next_a: usize, next_b: usize) {
        self.edit(self.ca..next_a, self.cb..next_b, false);
    }

    fn equal_run(&mut self, sa: &[Range<usize>], sb: &[Range<usize>]) {
        let (Some(la), Some(lb)) = (sa.last(), sb.last()) else {
            return;
        };
        // Usually the originals are identical too: skip the run in one comparison.
        if self.a[self.ca..la.end] == self.b[self.cb..lb.end] {
            (self.ca, self.cb) = (la.end, lb.end);
            return;
        }
        for (x, y) in sa.iter().zip(sb) {
            self.gap(x.start, y.start);
            self.edit(x.clone(), y.clone(), false);
        }
    }
}

/// The part of `range` without whitespace that holds a line break at either end.
fn trim(text: &str, range: Range<usize>) -> Range<usize> {
    let s = &text[range.clone()];
    let breaks = |w: &str| w.contains(['\n', '\r']);
    let lead = s.len() - s.trim_start_matches(is_layout_space).len();
    let trail = s.len() - s.trim_end_matches(is_layout_space).len();
    let start = range.start + if breaks(&s[..lead]) { lead } else { 0 };
    let end = range.end
        - if breaks(&s[s.len() - trail..]) {
            trail
        } else {
            0
        };
    start..end.max(start)
}

/// Joins touching cosmetic edits of one kind, and an omission and an addition of the same
/// text around a short stretch into one transposition.
fn merge(edits: Vec<Edit>, a: &str, b: &str) -> Vec<Edit> {
    const TRANSPOSE_MAX_BETWEEN: usize = 8;
    let mut out: Vec<Edit> = Vec::with_capacity(edits.len());
    for e in edits {
        if let Some(last) = out.last_mut() {
            let touching = last.a.end == e.a.start && last.b.end == e.b.start;
            match (last.change, e.change) {
                (Change::Variant(x), Change::Variant(y))
                    if touching && x.kind == y.kind && x.class == Class::Cosmetic =>
                {
                    last.a.end = e.a.end;
                    last.b.end = e.b.end;
                    continue;
                }
                (Change::Variant(x), Change::Variant(y)) => {
                    let between = a[last.a.end..e.a.start].chars().count();
                    let movable =
                        |k: Kind| matches!(k, Kind::Omission | Kind::Addition | Kind::Substitution);
                    let (ra, rb) = (last.a.start..e.a.end, last.b.start..e.b.end);
                    if between <= TRANSPOSE_MAX_BETWEEN
                        && movable(x.kind)
                        && movable(y.kind)
                        && anagrams(&a[ra.clone()], &b[rb.clone()])
                    {
                        *last = Edit {
                            a: ra,
                            b: rb,
                            change: Change::Variant(Classification {
                                kind: Kind::Transposition,
                                ..x
                            }),
                        };
                        continue;
                    }
                }
                _ => {}
            }
        }
        out.push(e);
    }
    out
}

/// The same letters in another order (whitespace ignored).
fn anagrams(a: &str, b: &str) -> bool {
    let sorted = |s: &str| {
        let mut v: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
        v.sort_unstable();
        v
    };
    a != b && sorted(a) == sorted(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::ReadOptions;

    fn doc(text: &str) -> Document {
        Document::from_bytes("t", "t", text.as_bytes(), &ReadOptions::default()).unwrap()
    }

    fn apply(d: &Diff) -> String {
        d.comparison.apply(&d.a.text, &d.b.text)
    }

    #[test]
    fn omission_and_cosmetic_edits_in_original_positions() {
        let (a, b) = (
            doc("跨里海国际运输走廊,中国-中亚"),
            doc("跨海国际运输走\n\n廊，中国—中亚"),
        );
        let d = diff(&a, &b, &DiffOptions::default());
        let shown: Vec<(&str, &str, Kind)> = d
            .variants()
            .map(|(e, c)| (&a.text[e.a.clone()], &b.text[e.b.clone()], c.kind))
            .collect();
        assert_eq!(
            shown,
            [
                ("里", "", Kind::Omission),
                ("", "\n\n", Kind::Layout),
                (",", "，", Kind::Width),
                ("-", "—", Kind::Dash)
            ]
        );
        assert_eq!(apply(&d), b.text);
        assert_eq!(d.distance, 1);
    }

    #[test]
    fn words_are_compared_whole_and_cer_counts_characters() {
        let (a, b) = (
            doc("China will remain unwavering in opening up."),
            doc("China wil1 remain unwaverlng in openlng up."),
        );
        let d = diff(&a, &b, &DiffOptions::default());
        let shown: Vec<(&str, &str)> = d
            .variants()
            .map(|(e, _)| (&a.text[e.a.clone()], &b.text[e.b.clone()]))
            .collect();
        assert_eq!(
            shown,
            [
                ("will", "wil1"),
                ("unwavering", "unwaverlng"),
                ("opening", "openlng")
            ]
        );
        assert_eq!(d.distance, 3);
        assert_eq!(d.a_units, 43);
    }

    #[test]
    fn transposition_is_one_variant() {
        let (a, b) = (doc("我们互尊互信，共同发展"), doc("我们互信互尊，共同发展"));
        let d = diff(&a, &b, &DiffOptions::default());
        let v: Vec<Kind> = d.variants().map(|(_, c)| c.kind).collect();
        assert_eq!(v, [Kind::Transposition]);
        assert_eq!(apply(&d), b.text);
    }

    #[test]
    fn exact_profile_reports_the_same_cosmetic_variants() {
        let (a, b) = (doc("中国-中亚,好"), doc("中国—中亚，好"));
        let d = diff(
            &a,
            &b,
            &DiffOptions {
                profile: Profile::Exact,
            },
        );
        let v: Vec<Kind> = d.variants().map(|(_, c)| c.kind).collect();
        assert_eq!(v, [Kind::Dash, Kind::Width]);
        assert_eq!(d.distance, 2);
        let loose = diff(&a, &b, &DiffOptions::default());
        assert_eq!(loose.distance, 0);
        assert_eq!(apply(&d), b.text);
    }
}
