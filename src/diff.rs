//! Two witnesses → the list of edits that turns A into B, in original positions.
//!
//! The views are cut into grapheme clusters and aligned. Where the views differ, the original
//! readings form a variant. Where they are equal, the originals may still differ in what the
//! profile folded (a `，` against a `,`, a line break dropped between two ideographs): those
//! differences are reported too, as cosmetic variants. Together the edits cover every byte,
//! so applying them all to A gives B exactly, whatever the profile.

use rayon::prelude::*;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

use crate::align::{self, Op};
use crate::chars::is_layout_space;
use crate::classify::{Class, Classification, Kind, Site, classify};
use crate::levenshtein;
use crate::normalize::{Profile, Tokenized};
use crate::orthography::Scripts;

use crate::source::Document;

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
    /// For the two halves of a [`Kind::Move`]: where the passage stands in the other text
    /// (in B for the half that omits it from A, in A for the half that adds it to B).
    pub moved: Option<Range<usize>>,
}

impl Edit {
    /// B's reading as reports show it: for a move, the passage's new place in B.
    pub fn b_reading(&self) -> Range<usize> {
        match (&self.moved, self.a.is_empty()) {
            (Some(to), false) => to.clone(),
            _ => self.b.clone(),
        }
    }

    /// True for the half of a move that adds the passage to B: reported with the other half.
    pub fn is_move_arrival(&self) -> bool {
        self.moved.is_some() && self.a.is_empty()
    }

    pub fn variant(&self) -> Option<Classification> {
        match self.change {
            Change::Variant(c) => Some(c),
            Change::Block => None,
        }
    }
}

/// The result of comparing two witnesses: a [`Comparison`] of their texts, with the
/// documents it refers to (so positions can be reported). The comparison is owned, or
/// borrowed from where it was made once (an audit's pairs): reports never copy it.
#[derive(Debug, Clone)]
pub struct Diff<'d> {
    pub a: &'d Document,
    pub b: &'d Document,
    pub profile: Profile,
    pub comparison: std::borrow::Cow<'d, Comparison>,
}

impl std::ops::Deref for Diff<'_> {
    type Target = Comparison;

    fn deref(&self) -> &Comparison {
        &self.comparison
    }
}

/// Ids of the tokens for the aligner: the code point for one-character tokens (most of
/// them), and numbers past the last code point for the rest, interned per comparison.
fn token_ids<'t>(t: &'t Tokenized, ids: &mut UnitIds<'t>) -> Vec<u32> {
    (0..t.tokens.len()).map(|i| ids.id(t.token(i))).collect()
}

/// Ids of units (tokens, clusters) for the aligner and the Levenshtein engine. A unit of one
/// character is its code point, with no hashing (nearly every unit of CJK text); longer units
/// are interned, first into the surrogate range (no character has those code points, and the
/// engine's tables, indexed by id, stay small), then past the last code point.
#[derive(Default)]
struct UnitIds<'t> {
    interned: HashMap<&'t str, u32>,
}

impl<'t> UnitIds<'t> {
    fn id(&mut self, unit: &'t str) -> u32 {
        let mut chars = unit.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => c as u32,
            _ => {
                let n = self.interned.len() as u32;
                let next = if n < 0x800 { 0xD800 + n } else { 0x11_0000 + n };
                *self.interned.entry(unit).or_insert(next)
            }
        }
    }
}

fn clusters(t: &Tokenized, r: &Range<usize>) -> usize {
    t.clusters_in(r.clone())
}

/// The grapheme clusters of tokens `r`, each token's own: the units a comparison counts (as
/// [`cer_units`] does). Segmenting the tokens' joined text instead would join a space token to
/// an extending mark that follows it (" 🏻").
fn token_clusters<'t>(t: &'t Tokenized, r: &Range<usize>) -> Vec<&'t str> {
    r.clone()
        .flat_map(|i| crate::normalize::clusters(t.token(i)).map(|(_, g)| g))
        .collect()
}

/// Levenshtein distance between tokens `ra` of A and `rb` of B, in grapheme clusters; for long
/// ones (more than `EXACT_MAX` cells) the longer length, an upper bound.
fn cluster_distance(
    (ta, ra): (&Tokenized, &Range<usize>),
    (tb, rb): (&Tokenized, &Range<usize>),
) -> usize {
    const EXACT_MAX: usize = 1 << 20;
    let a = token_clusters(ta, ra);
    let b = token_clusters(tb, rb);
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
    /// Grapheme clusters of A's view.
    pub a_units: usize,
    /// Grapheme clusters of B's view.
    pub b_units: usize,
    /// Edit distance between the views implied by the alignment, in grapheme clusters: the
    /// Levenshtein distance of each change's readings, summed (blocks cost their longer
    /// side). Usually an upper bound of the Levenshtein distance of the whole views, not
    /// always (a change's readings are cut into clusters again, and a mark whose base was
    /// cut off by a dropped zero-width space rejoins it); what [`Comparison::similarity`]
    /// uses. The CERs use the exact figures below.
    pub distance: usize,
    /// The part of `distance` that blocks account for.
    pub block_distance: usize,
    /// Clusters of A's view inside blocks.
    pub a_block_units: usize,
    /// The exact Levenshtein distance between the whole views, over grapheme clusters: what
    /// `witness cer --profile P` computes for the same pair (the same engine,
    /// [`crate::unstable::levenshtein`]). `None` when blocks make it too long to compute
    /// (more than [`EXACT_CELLS_MAX`] cells in the band: two long unrelated texts); then
    /// [`Comparison::cer`] uses `distance`, an upper bound.
    pub exact_distance: Option<usize>,
    /// The exact Levenshtein distance between the material outside blocks: the clusters of
    /// A's view outside blocks, concatenated, against B's.
    pub exact_aligned_distance: usize,
    /// The blocks as token ranges of each side, for computing the exact distances later.
    block_tokens: (Vec<Range<usize>>, Vec<Range<usize>>),
}

impl Comparison {
    /// Character error rate of B against A under the profile, blocks included: the exact
    /// Levenshtein distance over grapheme clusters of the views ([`Self::exact_distance`])
    /// divided by A's clusters, as `witness cer` gives it (an upper bound when the exact
    /// distance was too long to compute); infinite when A is empty and B is not.
    pub fn cer(&self) -> f64 {
        rate(self.cer_distance(), self.a_units)
    }

    /// The distance [`Comparison::cer`] divides: the exact one, or the alignment's upper
    /// bound when the exact one was too long to compute (see [`Comparison::exact_distance`]).
    pub fn cer_distance(&self) -> usize {
        self.exact_distance.unwrap_or(self.distance)
    }

    /// Character error rate over the material outside blocks: the exact Levenshtein distance
    /// between the two sides' clusters outside blocks ([`Self::exact_aligned_distance`]),
    /// divided by A's clusters outside blocks ([`Self::a_aligned_units`]). The error rate of
    /// the transcription proper when one witness carries material the other does not.
    pub fn cer_aligned(&self) -> f64 {
        rate(self.exact_aligned_distance, self.a_aligned_units())
    }

    /// Clusters of A's view outside blocks.
    pub fn a_aligned_units(&self) -> usize {
        self.a_units - self.a_block_units
    }

    /// Variants with their classification, in order; a move once, at its place in A.
    pub fn variants(&self) -> impl Iterator<Item = (&Edit, Classification)> {
        self.edits
            .iter()
            .filter(|e| !e.is_move_arrival())
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

    /// The exact distances of the CERs (whole, outside blocks) of a comparison made without
    /// them, from the two texts it compared.
    pub(crate) fn exact_distances(&self, ta: &Tokenized, tb: &Tokenized) -> (Option<usize>, usize) {
        let (blocks_a, blocks_b) = &self.block_tokens;
        exact_distances(
            ta,
            tb,
            (blocks_a, blocks_b),
            self.distance,
            self.distance - self.block_distance,
        )
    }

    /// Counts the variants of `kinds` (cosmetic kinds a user wants to see as changes, such as
    /// `script`) as substantive.
    pub fn count_as_substantive(&mut self, kinds: &[Kind]) {
        for e in &mut self.edits {
            if let Change::Variant(c) = &mut e.change
                && kinds.contains(&c.kind)
            {
                *c = c.as_substantive();
            }
        }
    }

    /// Shifts every edit by the offsets of the compared texts in larger ones.
    pub fn shifted(mut self, a_offset: usize, b_offset: usize) -> Comparison {
        for e in &mut self.edits {
            e.a = e.a.start + a_offset..e.a.end + a_offset;
            e.b = e.b.start + b_offset..e.b.end + b_offset;
            if let Some(m) = &mut e.moved {
                let by = if e.a.is_empty() { a_offset } else { b_offset };
                *m = m.start + by..m.end + by;
            }
        }
        self
    }

    /// Normalized edit similarity: 1 − distance / longer length, in clusters.
    pub fn similarity(&self) -> f64 {
        similarity(self.distance, self.a_units.max(self.b_units))
    }
}

/// Normalized edit similarity: 1 − distance / the longer side (1 for two empty texts).
fn similarity(distance: usize, longer: usize) -> f64 {
    if longer == 0 {
        1.0
    } else {
        1.0 - distance.min(longer) as f64 / longer as f64
    }
}

/// The most edits that leave two texts, the longer `longer` clusters, `at_least` similar: the
/// largest distance [`similarity`] accepts (0 to `longer`). Taken from `similarity` itself,
/// not from `(1 − at_least) × longer`, which floating point can leave one short (`1 − 0.8` is
/// 0.19999999999999996: 19 edits for 100 clusters where similarity accepts 20).
pub(crate) fn most_edits(longer: usize, at_least: f64) -> usize {
    let estimate = ((1.0 - at_least) * longer as f64).floor().max(0.0) as usize;
    let mut d = (estimate + 1).min(longer);
    while d > 0 && similarity(d, longer) < at_least {
        d -= 1;
    }
    d
}

/// The largest band (rows × columns) in which the exact distance with blocks is computed:
/// about 0.3 s. Beyond it (two long unrelated texts: the band of a 1 MB pair that shares
/// nothing is 30 times larger), the CER with blocks is the alignment's upper bound; the CER
/// outside blocks is always exact.
pub const EXACT_CELLS_MAX: usize = 1 << 32;

/// distance / length; 0 when there is no error, infinite when the length is 0 and the
/// distance is not.
fn rate(distance: usize, len: usize) -> f64 {
    match (distance, len) {
        (0, _) => 0.0,
        (_, 0) => f64::INFINITY,
        (d, n) => d as f64 / n as f64,
    }
}

/// The units of a view that CER counts (the view of one grapheme cluster of the original, a
/// collapsed space, a paragraph break) outside the `blocks` (ranges of tokens, in order), as
/// ids interned in `ids`. A word token is cut into its clusters again: each of its units
/// starts with a letter or digit of a spaced script (a unit starting with a mark is a token
/// of its own), so the cut falls where the units meet — the same units as
/// [`crate::normalize::view`]'s, which `witness cer` counts (a property test checks).
fn cer_units<'t>(t: &'t Tokenized, blocks: &[Range<usize>], ids: &mut UnitIds<'t>) -> Vec<u32> {
    let mut units = Vec::with_capacity(t.tokens.len());
    let mut next_block = 0;
    for i in 0..t.tokens.len() {
        while blocks.get(next_block).is_some_and(|b| b.end <= i) {
            next_block += 1;
        }
        if blocks.get(next_block).is_some_and(|b| b.start <= i) {
            continue;
        }
        let text = t.token(i);
        if t.token_clusters(i) == 1 {
            units.push(ids.id(text));
        } else {
            units.extend(crate::normalize::clusters(text).map(|(_, u)| ids.id(u)));
        }
    }
    units
}

/// Compares two witnesses. What every report of the pair shows besides the comparison (the
/// documents' scripts, A's sentences for contexts) is computed on the second core once the
/// whole distance is done, while the first still classifies.
pub fn diff<'d>(a: &'d Document, b: &'d Document, opts: &DiffOptions) -> Diff<'d> {
    let (ta, tb) = rayon::join(
        || Tokenized::new(&a.text, opts.profile),
        || Tokenized::new(&b.text, opts.profile),
    );
    // Shared with the classification, which may need them first.
    let scripts = Scripts::new(a.script_cell(), b.script_cell());
    let for_reports = || {
        a.script();
        b.script();
        a.sentences_in(&ta.paragraphs);
    };
    Diff {
        a,
        b,
        profile: opts.profile,
        comparison: std::borrow::Cow::Owned(compare_beside(
            &a.text,
            &ta,
            &b.text,
            &tb,
            scripts,
            for_reports,
        )),
    }
}

/// Compares two texts under a profile: the engine behind [`diff`], usable on any pair of
/// strings (two paragraphs, two passages).
pub fn compare(a: &str, b: &str, profile: Profile) -> Comparison {
    let (ta, tb) = rayon::join(|| Tokenized::new(a, profile), || Tokenized::new(b, profile));
    compare_tokenized(a, &ta, b, &tb)
}

/// Compares two texts already read under one profile (a [`crate::Corpus`] keeps them).
pub fn compare_tokenized(a: &str, ta: &Tokenized, b: &str, tb: &Tokenized) -> Comparison {
    let cells = (OnceLock::new(), OnceLock::new());
    compare_with(a, ta, b, tb, true, Scripts::new(&cells.0, &cells.1))
}

/// Compares two texts for their edits and similarity only, as a scan does for its hundreds of
/// candidate passages: the exact Levenshtein pass of the CERs is skipped (`exact_distance` is
/// `None` and the aligned figure is the alignment's cost).
pub fn compare_for_similarity(a: &str, b: &str, profile: Profile) -> Comparison {
    let (ta, tb) = (Tokenized::new(a, profile), Tokenized::new(b, profile));
    let cells = (OnceLock::new(), OnceLock::new());
    compare_aligned(a, &ta, b, &tb, Scripts::new(&cells.0, &cells.1))
}

/// Pairs of texts larger than this (the product of their clusters) pass a bounded Levenshtein
/// pass before they are aligned ([`Symbols::may_be_similar`]).
const BOUNDED_FIRST_CELLS: usize = 1 << 14;

/// Two texts found similar enough by their alignment, before its edits are found and
/// classified (most of a comparison's cost): a scan keeps a pair so until it knows the pair
/// is reported (a third of those it compares are not: merged into a passage, or inside one).
pub(crate) struct Similar {
    aligned: Aligned,
    ta: Tokenized,
    tb: Tokenized,
}

impl Similar {
    /// Texts `a` and `b` if their alignment makes them `at_least` similar (for a scan's
    /// candidates already past the bag bound).
    pub(crate) fn at_least(a: &str, b: &str, profile: Profile, at_least: f64) -> Option<Similar> {
        let (ta, tb) = (Tokenized::new(a, profile), Tokenized::new(b, profile));
        Similar::aligned(a, ta, b, tb, at_least)
    }

    /// [`Similar::at_least`], without aligning texts whose bag distance already rules them
    /// out (a scan's candidate passages are mostly pairs that share k-grams and little else).
    /// The bound is exact, not a guess: no alignment makes the distance smaller than the
    /// clusters one view has and the other lacks (their bag distance).
    pub(crate) fn if_bound_allows(
        a: &str,
        b: &str,
        profile: Profile,
        at_least: f64,
    ) -> Option<Similar> {
        let (ta, tb) = (Tokenized::new(a, profile), Tokenized::new(b, profile));
        let all = |t: &Tokenized| 0..t.tokens.len();
        let longer = ta.clusters().max(tb.clusters());
        let sa = Symbols::new(cluster_symbols(&ta, &all(&ta)));
        if !sa.may_be_similar(&cluster_symbols(&tb, &all(&tb)), longer, at_least) {
            return None;
        }
        Similar::aligned(a, ta, b, tb, at_least)
    }

    fn aligned(a: &str, ta: Tokenized, b: &str, tb: Tokenized, at_least: f64) -> Option<Similar> {
        let aligned = Aligned::of((a, &ta), (b, &tb));
        let s = Similar { aligned, ta, tb };
        (s.similarity() >= at_least).then_some(s)
    }

    /// The similarity the comparison will have ([`Comparison::similarity`]).
    pub(crate) fn similarity(&self) -> f64 {
        let longer = self.ta.clusters().max(self.tb.clusters());
        similarity(self.aligned.distance, longer)
    }

    /// The comparison of `a` and `b` (the texts this was found for): the alignment's edits,
    /// found and classified, as [`compare_for_similarity`] gives them.
    pub(crate) fn comparison(&self, a: &str, b: &str) -> Comparison {
        let cells = (OnceLock::new(), OnceLock::new());
        let scripts = Scripts::new(&cells.0, &cells.1);
        self.aligned
            .comparison((a, &self.ta), (b, &self.tb), scripts)
    }
}

/// [`compare_for_similarity`] when the texts are `at_least` similar, else `None`: without
/// aligning them when their bag distance already rules them out (a scan's candidate passages
/// are mostly pairs that share k-grams and little else), and without finding or classifying
/// their edits when their alignment's distance does. The bound is exact, not a guess: no
/// alignment makes the distance smaller than the clusters one view has and the other lacks
/// (their bag distance).
pub fn compare_if_similar(a: &str, b: &str, profile: Profile, at_least: f64) -> Option<Comparison> {
    Similar::if_bound_allows(a, b, profile, at_least).map(|s| s.comparison(a, b))
}

/// The clusters of tokens `r` ([`token_clusters`]) as numbers, in order: a one-character
/// cluster is its code point, a longer one a 32-bit hash above them all. Two clusters that
/// hash alike count as one, which can only make a distance between them smaller: the bounds
/// computed on them stay lower bounds.
pub(crate) fn cluster_symbols(t: &Tokenized, r: &Range<usize>) -> Vec<u32> {
    // Text all in ASCII but CR: each byte is a cluster (most English paragraphs, read without
    // walking their tokens).
    let text = t.view_text(r);
    if text.is_ascii() && !text.contains('\r') {
        return text.bytes().map(u32::from).collect();
    }
    symbols_by_token(t, r)
}

/// [`cluster_symbols`] token by token.
fn symbols_by_token(t: &Tokenized, r: &Range<usize>) -> Vec<u32> {
    let id = |g: &str| {
        let mut chars = g.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => u32::from(c),
            _ => {
                // FNV-1a, with the top bit set so it never meets a code point.
                let fold = |h: u32, b: &u8| (h ^ u32::from(*b)).wrapping_mul(0x0100_0193);
                g.as_bytes().iter().fold(0x811c_9dc5, fold) | 1 << 31
            }
        }
    };
    let mut ids: Vec<u32> = Vec::with_capacity(r.len());
    for i in r.clone() {
        let token = t.token(i);
        // A token of one character is one cluster (most tokens of CJK text), and so is each
        // character of an ASCII word (only CR LF joins in ASCII): not segmented.
        let mut chars = token.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => ids.push(u32::from(c)),
            _ if token.is_ascii() && !token.contains('\r') => {
                ids.extend(token.bytes().map(u32::from));
            }
            _ => ids.extend(crate::normalize::clusters(token).map(|(_, g)| id(g))),
        }
    }
    ids
}

/// A text's [`cluster_symbols`] ready for the bounds taken before it is aligned with another:
/// ranked in its alphabet, once for all the texts it is compared with.
pub(crate) struct Symbols {
    ranked: crate::levenshtein::Ranked,
}

impl Symbols {
    /// The symbols of a text, in order.
    pub(crate) fn new(order: Vec<u32>) -> Symbols {
        let mut alphabet = order.clone();
        alphabet.sort_unstable();
        alphabet.dedup();
        Symbols {
            ranked: crate::levenshtein::Ranked::new(order, alphabet),
        }
    }

    /// Whether this text and one of symbols `b` (the longer `longer` clusters) can be
    /// `at_least` similar once compared. First their bag distance, then their Levenshtein
    /// distance, which never exceeds a comparison's (a sum of the distances of its changes, a
    /// block counting its longer side): a banded pass that gives up past the edits the
    /// similarity allows is linear in the texts. Texts whose clusters are alike as bags
    /// (English paragraphs of a length share their letters) are declined there rather than
    /// aligned at the cost of their product; short pairs skip the pass (an alignment of a few
    /// thousand cells costs less).
    pub(crate) fn may_be_similar(&self, b: &[u32], longer: usize, at_least: f64) -> bool {
        let b_ranks = self.ranked.rank(b);
        let k = most_edits(longer, at_least);
        similarity(self.ranked.bag_distance(&b_ranks), longer) >= at_least
            && (self.ranked.len() * b.len() <= BOUNDED_FIRST_CELLS
                || crate::levenshtein::distance_at_most(&self.ranked, b, &b_ranks, k).is_some())
    }
}

/// Compares two texts already read; `exact` computes the exact distances of the CERs too
/// (else [`Comparison::exact_distances`] can, later). The distance between the whole views
/// needs no alignment: it runs on the second core from the start, beside aligning and
/// classifying.
pub(crate) fn compare_with(
    a: &str,
    ta: &Tokenized,
    b: &str,
    tb: &Tokenized,
    exact: bool,
    scripts: Scripts,
) -> Comparison {
    if exact {
        compare_beside(a, ta, b, tb, scripts, || ())
    } else {
        compare_aligned(a, ta, b, tb, scripts)
    }
}

/// The comparison with its exact distances; `beside` runs on the second core after the whole
/// distance.
fn compare_beside(
    a: &str,
    ta: &Tokenized,
    b: &str,
    tb: &Tokenized,
    scripts: Scripts,
    beside: impl FnOnce() + Send,
) -> Comparison {
    // With blocks (their token ranges go in pairs), the distance outside them follows on the
    // first core; without, it is the whole distance.
    let aligned = || {
        let c = compare_aligned(a, ta, b, tb, scripts);
        let blocks = (&c.block_tokens.0[..], &c.block_tokens.1[..]);
        let outside = (!c.block_tokens.0.is_empty())
            .then(|| outside_distance(ta, tb, blocks, c.exact_aligned_distance));
        (c, outside)
    };
    let ((mut c, outside), whole) = rayon::join(aligned, || {
        let whole = whole_distance(ta, tb, 0);
        beside();
        whole
    });
    // No blocks, and a whole distance too long to compute (two long unrelated texts are
    // nearly always blocks): the outside distance has no bound.
    let outside = outside
        .or(whole)
        .unwrap_or_else(|| outside_distance(ta, tb, (&[], &[]), c.exact_aligned_distance));
    c.exact_aligned_distance = outside;
    c.exact_distance = whole.or(c.block_tokens.0.is_empty().then_some(outside));
    c
}

/// The comparison without the exact distances (`exact_aligned_distance` holds the
/// alignment's cost outside blocks).
fn compare_aligned(
    a: &str,
    ta: &Tokenized,
    b: &str,
    tb: &Tokenized,
    scripts: Scripts,
) -> Comparison {
    Aligned::of((a, ta), (b, tb)).comparison((a, ta), (b, tb), scripts)
}

/// Two texts' token alignment and its distance, before its edits are found.
struct Aligned {
    ops: Vec<Op>,
    distance: usize,
    block_ops: Vec<BlockChange>,
}

/// A change of the alignment that is a block: its byte range in A and in B, its token range
/// in A and in B.
type BlockChange = (Range<usize>, Range<usize>, Range<usize>, Range<usize>);

impl Aligned {
    fn of((a, ta): (&str, &Tokenized), (b, tb): (&str, &Tokenized)) -> Aligned {
        let mut ids = UnitIds::default();
        let ids_a = token_ids(ta, &mut ids);
        let ids_b = token_ids(tb, &mut ids);
        let ops = align::align(&ids_a, &ids_b);
        let mut distance = 0;
        let mut block_ops = Vec::new();
        for op in &ops {
            if let Op::Change {
                a: ra,
                b: rb,
                block,
            } = op
            {
                if *block {
                    let (bytes_a, bytes_b) = change_bytes((a, ta, ra), (b, tb, rb));
                    block_ops.push((bytes_a, bytes_b, ra.clone(), rb.clone()));
                    distance += clusters(ta, ra).max(clusters(tb, rb));
                } else {
                    distance += cluster_distance((ta, ra), (tb, rb));
                }
            }
        }
        Aligned {
            ops,
            distance,
            block_ops,
        }
    }

    /// The comparison: the alignment's edits, found and classified.
    fn comparison(
        &self,
        (a, ta): (&str, &Tokenized),
        (b, tb): (&str, &Tokenized),
        scripts: Scripts,
    ) -> Comparison {
        let Aligned {
            ops,
            distance,
            block_ops,
        } = self;
        let distance = *distance;
        let edits = find_moves(walk(ops, (a, ta), (b, tb), scripts), a, b);
        // A block that turned out to be a moved passage is a variant: the CERs count it outside
        // blocks.
        let moved = |bytes: &Range<usize>, side_a: bool| {
            edits.iter().any(|e| {
                let r = if side_a { &e.a } else { &e.b };
                // Overlap, not containment: a moved paragraph slid to its paragraph's start.
                e.moved.is_some() && !r.is_empty() && r.start < bytes.end && bytes.start < r.end
            })
        };
        let (mut blocks_a, mut blocks_b) = (Vec::new(), Vec::new());
        let (mut block_distance, mut a_block_units) = (0, 0);
        for (bytes_a, bytes_b, ra, rb) in block_ops {
            if !moved(bytes_a, true) && !moved(bytes_b, false) {
                // A block costs its longer side.
                let (ca, cb) = (clusters(ta, ra), clusters(tb, rb));
                block_distance += ca.max(cb);
                a_block_units += ca;
                blocks_a.push(ra.clone());
                blocks_b.push(rb.clone());
            }
        }
        Comparison {
            edits,
            a_units: ta.clusters(),
            b_units: tb.clusters(),
            distance,
            block_distance,
            a_block_units,
            exact_distance: None,
            exact_aligned_distance: distance - block_distance,
            block_tokens: (blocks_a, blocks_b),
        }
    }
}

/// The byte ranges in A and B of a change between token ranges `ra` and `rb` (an empty
/// range sits where the next token starts).
fn change_bytes(
    (a, ta, ra): (&str, &Tokenized, &Range<usize>),
    (b, tb, rb): (&str, &Tokenized, &Range<usize>),
) -> (Range<usize>, Range<usize>) {
    let bytes = |text: &str, t: &Tokenized, r: &Range<usize>| {
        let start = if r.start < t.tokens.len() {
            t.span(r.start).start
        } else {
            text.len()
        };
        let end = if r.is_empty() {
            start
        } else {
            t.span(r.end - 1).end
        };
        start..end
    };
    (bytes(a, ta, ra), bytes(b, tb, rb))
}

/// The edits of an alignment, in order, with the text between them as layout or nothing.
/// The walk finds the sites; classifying them, independent of one another, is spread over
/// the cores (a long pair has thousands).
fn walk(
    ops: &[Op],
    (a, ta): (&str, &Tokenized),
    (b, tb): (&str, &Tokenized),
    scripts: Scripts,
) -> Vec<Edit> {
    let mut w = Walker {
        a,
        b,
        ca: 0,
        cb: 0,
        sites: Vec::new(),
    };
    for op in ops {
        match op {
            Op::Equal { a: ia, b: ib, len } => {
                w.equal_run((ta, *ia..ia + len), (tb, *ib..ib + len));
            }
            Op::Change {
                a: ra,
                b: rb,
                block,
            } => {
                let (bytes_a, bytes_b) = change_bytes((a, ta, ra), (b, tb, rb));
                w.gap(bytes_a.start, bytes_b.start);
                w.edit(bytes_a, bytes_b, *block);
            }
        }
    }
    w.gap(a.len(), b.len());
    let edits = w
        .sites
        .into_par_iter()
        .with_min_len(16)
        .map(|(ra, rb, block)| {
            let change = if block {
                Change::Block
            } else {
                Change::Variant(classify(
                    &Site::new(a, ra.clone(), b, rb.clone()).with_scripts(scripts),
                ))
            };
            Edit {
                a: ra,
                b: rb,
                change,
                moved: None,
            }
        })
        .collect();
    merge(edits, a, b)
}

/// The CERs' distances: exact Levenshtein distances over clusters, as `witness cer` computes
/// them, on the whole views ([`whole_distance`]) and outside blocks, side by side. The
/// alignment's costs are (nearly always) upper bounds, so one banded pass each is usually
/// enough.
fn exact_distances(
    ta: &Tokenized,
    tb: &Tokenized,
    blocks: (&[Range<usize>], &[Range<usize>]),
    distance: usize,
    aligned_bound: usize,
) -> (Option<usize>, usize) {
    if blocks.0.is_empty() && blocks.1.is_empty() {
        // No blocks: the material outside them is everything.
        let d = outside_distance(ta, tb, blocks, aligned_bound);
        return (Some(d), d);
    }
    rayon::join(
        || whole_distance(ta, tb, distance),
        || outside_distance(ta, tb, blocks, aligned_bound),
    )
}

/// The exact distance between the whole views, starting from `guess`; `None` rather than a
/// band of more than [`EXACT_CELLS_MAX`] cells.
fn whole_distance(ta: &Tokenized, tb: &Tokenized, guess: usize) -> Option<usize> {
    let mut ids = UnitIds::default();
    let a = cer_units(ta, &[], &mut ids);
    let b = cer_units(tb, &[], &mut ids);
    levenshtein::distance_capped(&a, &b, guess, EXACT_CELLS_MAX)
}

/// The exact distance between the material outside blocks, starting from `guess`.
fn outside_distance(
    ta: &Tokenized,
    tb: &Tokenized,
    (blocks_a, blocks_b): (&[Range<usize>], &[Range<usize>]),
    guess: usize,
) -> usize {
    let mut ids = UnitIds::default();
    let a = cer_units(ta, blocks_a, &mut ids);
    let b = cer_units(tb, blocks_b, &mut ids);
    levenshtein::distance_within(&a, &b, guess)
}

/// Walks both original texts in step, turning aligned units into the sites of edits.
struct Walker<'t> {
    a: &'t str,
    b: &'t str,
    ca: usize,
    cb: usize,
    /// A's range, B's, and whether the change is a block.
    sites: Vec<(Range<usize>, Range<usize>, bool)>,
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
        self.sites.push((a, b, block));
    }

    /// What the profile dropped before the next units: whitespace, usually.
    fn gap(&mut self, next_a: usize, next_b: usize) {
        self.edit(self.ca..next_a, self.cb..next_b, false);
    }

    fn equal_run(
        &mut self,
        (ta, ra): (&Tokenized, Range<usize>),
        (tb, rb): (&Tokenized, Range<usize>),
    ) {
        if ra.is_empty() || rb.is_empty() {
            return;
        }
        let (ea, eb) = (ta.span(ra.end - 1).end, tb.span(rb.end - 1).end);
        // Usually the originals are identical too: skip the run in one comparison.
        if self.a[self.ca..ea] == self.b[self.cb..eb] {
            (self.ca, self.cb) = (ea, eb);
            return;
        }
        for (x, y) in ta.spans(ra).zip(tb.spans(rb)) {
            self.gap(x.start, y.start);
            self.edit(x, y, false);
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

/// Joins touching cosmetic edits of one kind, and two nearby changes whose readings together
/// are an anagram (an omission and an addition of the same text around a short stretch, two
/// substitutions or numerals that swap) into one transposition. Layout edits between the two
/// changes do not keep them apart: `年五⏎十` read as `年十⏎五` is one transposition, whether
/// the line break moved with the numerals (an omission, two layout edits, an addition) or
/// not (two numerals). Two substitutions swap only across at most two characters
/// (`互尊互信`/`互信互尊`), and no transposition spans a sentence end: two words exchanged
/// between two sentences are two substitutions.
fn merge(edits: Vec<Edit>, a: &str, b: &str) -> Vec<Edit> {
    const TRANSPOSE_MAX_BETWEEN: usize = 8;
    const SWAP_MAX_BETWEEN: usize = 2;
    let movable = |k: Kind| {
        matches!(
            k,
            Kind::Omission | Kind::Addition | Kind::Substitution | Kind::Numeral
        )
    };
    let mut out: Vec<Edit> = Vec::with_capacity(edits.len());
    for e in edits {
        if let Some(last) = out.last_mut()
            && let (Change::Variant(x), Change::Variant(y)) = (last.change, e.change)
            && last.a.end == e.a.start
            && last.b.end == e.b.start
            && x.kind == y.kind
            && x.class == Class::Cosmetic
        {
            last.a.end = e.a.end;
            last.b.end = e.b.end;
            continue;
        }
        if let Change::Variant(y) = e.change
            && movable(y.kind)
        {
            // The nearest change before this one, past layout edits.
            let mut i = out.len();
            while i > 0
                && matches!(out[i - 1].change, Change::Variant(c) if matches!(c.kind, Kind::Layout | Kind::Separator))
            {
                i -= 1;
            }
            if let Some(first) = i.checked_sub(1).map(|j| &out[j])
                && let Change::Variant(x) = first.change
                && movable(x.kind)
                && let between = &a[first.a.end..e.a.start]
                && between.chars().count()
                    <= if x.kind == Kind::Substitution && y.kind == Kind::Substitution {
                        SWAP_MAX_BETWEEN
                    } else {
                        TRANSPOSE_MAX_BETWEEN
                    }
                && !between.chars().any(crate::chars::ends_sentence)
            {
                let (ra, rb) = (first.a.start..e.a.end, first.b.start..e.b.end);
                if anagrams(&a[ra.clone()], &b[rb.clone()]) {
                    let site = Site::new(a, ra.clone(), b, rb.clone());
                    // A word that moved across a mark is the mark that moved (`，焉`/`焉，`).
                    let words = |s: &str| {
                        s.chars()
                            .filter(|&c| !c.is_whitespace() && !crate::chars::is_punctuation(c))
                            .collect::<String>()
                    };
                    let change =
                        Change::Variant(if words(&a[ra.clone()]) == words(&b[rb.clone()]) {
                            crate::classify::classify(&site)
                        } else {
                            crate::classify::transposition(&site)
                        });
                    out.truncate(i - 1);
                    out.push(Edit {
                        a: ra,
                        b: rb,
                        change,
                        moved: None,
                    });
                    continue;
                }
            }
        }
        out.push(e);
    }
    out
}

/// Pairs a passage omitted in one place with the same passage added in another: both halves
/// become one [`Kind::Move`], each pointing at the other's place. The halves are omissions
/// and additions, or blocks that only one witness carries (a long moved paragraph). The same
/// passage means the same letters once marks, spaces, width and case are set aside, at least
/// [`crate::classify::LONG_VARIANT`] in weight (eight ideographs, four words) so that short
/// common words never pair, or those letters rotated: when the moved paragraph begins like
/// the one it swapped with (`两年来，…`), the aligner keeps the shared opening in place and
/// cuts both halves mid-sentence; each half then slides back over the equal text around it
/// to start a paragraph. A passage moved and edited stays an omission and an addition.
fn find_moves(mut edits: Vec<Edit>, a: &str, b: &str) -> Vec<Edit> {
    const CANDIDATES_MAX: usize = 256;
    let key = |s: &str| -> Option<String> {
        (crate::classify::weight(s) >= crate::classify::LONG_VARIANT).then(|| {
            s.chars()
                .filter(|&c| !c.is_whitespace() && !crate::chars::is_punctuation(c))
                .flat_map(|c| crate::chars::fold_loose(c).to_lowercase())
                .collect()
        })
    };
    let one_sided = |e: &Edit, side_a: bool| {
        let (own, other) = if side_a { (&e.a, &e.b) } else { (&e.b, &e.a) };
        let kind = if side_a {
            Kind::Omission
        } else {
            Kind::Addition
        };
        !own.is_empty()
            && other.is_empty()
            && match e.change {
                Change::Block => true,
                Change::Variant(c) => c.kind == kind,
            }
    };
    let halves = |side_a: bool| -> Vec<(usize, String)> {
        let text = if side_a { a } else { b };
        edits
            .iter()
            .enumerate()
            .filter(|(_, e)| one_sided(e, side_a))
            .filter_map(|(i, e)| {
                key(&text[if side_a { e.a.clone() } else { e.b.clone() }]).map(|k| (i, k))
            })
            .take(CANDIDATES_MAX)
            .collect()
    };
    let (gone, came) = (halves(true), halves(false));
    if gone.is_empty() || came.is_empty() {
        return edits;
    }
    // y is a rotation of x when it occurs in xx: one linear substring search.
    let rotated = |x: &str, y: &str| x.len() == y.len() && format!("{x}{x}").contains(y);
    let mut used = vec![false; came.len()];
    for (i, kx) in gone {
        let Some(n) =
            (0..came.len()).find(|&n| !used[n] && (came[n].1 == kx || rotated(&kx, &came[n].1)))
        else {
            continue;
        };
        used[n] = true;
        let j = came[n].0;
        let ra = slide_to_paragraph(a, edits[i].a.clone(), bounds(&edits, i, true, a.len()));
        let rb = slide_to_paragraph(b, edits[j].b.clone(), bounds(&edits, j, false, b.len()));
        let change = Change::Variant(crate::classify::moved());
        edits[i] = Edit {
            a: ra.clone(),
            b: slid_point(&edits[i].b, edits[i].a.start, ra.start),
            change,
            moved: Some(without_margins(b, rb.clone())),
        };
        edits[j] = Edit {
            a: slid_point(&edits[j].a, edits[j].b.start, rb.start),
            b: rb,
            change,
            moved: Some(without_margins(a, ra)),
        };
    }
    // The whitespace around a moved paragraph (the blank line that separated it) is layout.
    let mut out = Vec::with_capacity(edits.len());
    for e in edits {
        if e.moved.is_none() {
            out.push(e);
            continue;
        }
        let (text, own) = if e.a.is_empty() { (b, &e.b) } else { (a, &e.a) };
        let core = without_margins(text, own.clone());
        let part = |r: Range<usize>, change: Option<Change>, moved: Option<Range<usize>>| {
            let (ra, rb) = if e.a.is_empty() {
                (e.a.clone(), r)
            } else {
                (r, e.b.clone())
            };
            let change = change.unwrap_or_else(|| {
                Change::Variant(classify(&Site::new(a, ra.clone(), b, rb.clone())))
            });
            Edit {
                a: ra,
                b: rb,
                change,
                moved,
            }
        };
        if own.start < core.start {
            out.push(part(own.start..core.start, None, None));
        }
        let (change, moved) = (e.change, e.moved.clone());
        out.push(part(core.clone(), Some(change), moved));
        if core.end < own.end {
            out.push(part(core.end..own.end, None, None));
        }
    }
    out
}

/// `r` without the whitespace at either end.
fn without_margins(text: &str, r: Range<usize>) -> Range<usize> {
    let s = &text[r.clone()];
    let start = r.start + (s.len() - s.trim_start().len());
    let end = r.end - (s.len() - s.trim_end().len());
    start..end.max(start)
}

/// The empty range on the other side of a one-sided edit that slid from `old` to `new`: it
/// moves by as much, as the text slid over is the same on both sides (no edit lies in it).
fn slid_point(other: &Range<usize>, old: usize, new: usize) -> Range<usize> {
    let at = (other.start + new).wrapping_sub(old);
    at..at
}

/// How far the one-sided edit `i` may slide on its side: between the edits before and after.
fn bounds(edits: &[Edit], i: usize, side_a: bool, len: usize) -> Range<usize> {
    let side = |e: &Edit| if side_a { e.a.clone() } else { e.b.clone() };
    let lo = i.checked_sub(1).map_or(0, |p| side(&edits[p]).end);
    let hi = edits.get(i + 1).map_or(len, |n| side(n).start);
    lo..hi
}

/// Slides a one-sided change `r` of `text` over the equal text around it (`text[r]` rotated
/// reads the same with the text next to it) to the nearest place where it starts a
/// paragraph or a line; unchanged when there is none within `within`.
fn slide_to_paragraph(text: &str, r: Range<usize>, within: Range<usize>) -> Range<usize> {
    // A start after a line break; whitespace at the ends is split off later.
    let starts_line = |at: usize| at == 0 || text[..at].ends_with('\n');
    if starts_line(r.start) {
        return r;
    }
    let (mut s, mut e) = (r.start, r.end);
    // Left: the character before the change equals its last character.
    while s > within.start {
        let (Some(p), Some(q)) = (text[..s].chars().next_back(), text[..e].chars().next_back())
        else {
            break;
        };
        if p != q {
            break;
        }
        s -= p.len_utf8();
        e -= q.len_utf8();
        if starts_line(s) {
            return s..e;
        }
    }
    let (mut s, mut e) = (r.start, r.end);
    // Right: the character after the change equals its first character.
    while e < within.end {
        let (Some(p), Some(q)) = (text[s..].chars().next(), text[e..].chars().next()) else {
            break;
        };
        if p != q {
            break;
        }
        s += p.len_utf8();
        e += q.len_utf8();
        if starts_line(s) {
            return s..e;
        }
    }
    r
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

    /// The most edits a threshold allows are those `similarity` accepts, where the product
    /// `(1 − t) × longer` falls one short: 20 of 100 and 5 of 25 at 0.8.
    #[test]
    fn most_edits_are_those_the_similarity_accepts() {
        assert_eq!(((1.0 - 0.8) * 100.0_f64).floor(), 19.0);
        assert_eq!(most_edits(100, 0.8), 20);
        assert_eq!(most_edits(25, 0.8), 5);
        assert_eq!(most_edits(24, 0.8), 4);
        assert_eq!(most_edits(100, 0.75), 25);
        assert_eq!(most_edits(7, 1.0), 0);
        assert_eq!(most_edits(7, 0.0), 7);
        assert_eq!(most_edits(0, 0.8), 0);
        for longer in 0..300 {
            for t in [0.5, 0.7, 0.8, 0.85, 0.9, 0.95] {
                let d = most_edits(longer, t);
                assert!(similarity(d, longer) >= t, "{longer} {t}");
                assert!(d == longer || similarity(d + 1, longer) < t, "{longer} {t}");
            }
        }
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
    fn cer_is_the_exact_levenshtein_figure_of_witness_cer() {
        use crate::metrics::{Mode, measure};
        let filler: String = "一二三四五六七八九十".repeat(30);
        for (a, b) in [
            ("abcdef", "badcfe"),
            (
                "跨里海国际运输走廊,中国-中亚",
                "跨海国际运输走\n\n廊，中国—中亚",
            ),
            (
                "China will remain unwavering.",
                "China wil1 remain unwaverlng!",
            ),
            (&*format!("开头。{filler}结尾。"), "开头。结尾。"),
        ] {
            let (a, b) = (doc(a), doc(b));
            for profile in [Profile::Loose, Profile::Nfc, Profile::Exact] {
                let d = diff(&a, &b, &DiffOptions::default().profile(profile));
                let m = measure(&a, &b, Mode::Witness(profile));
                assert_eq!(d.exact_distance, Some(m.chars.distance), "{:?}", a.text);
                assert_eq!(d.cer(), m.chars.rate());
                assert!(d.exact_aligned_distance <= d.distance - d.block_distance);
            }
        }
        // The filler is a block: outside it, nothing differs.
        let (a, b) = (doc(&format!("开头。{filler}结尾。")), doc("开头。结尾。"));
        let d = diff(&a, &b, &DiffOptions::default());
        assert_eq!(d.blocks().count(), 1);
        assert_eq!((d.exact_aligned_distance, d.a_aligned_units()), (0, 6));
        assert_eq!(d.cer_aligned(), 0.0);
    }

    #[test]
    fn transposition_is_one_variant() {
        let (a, b) = (doc("我们互尊互信，共同发展"), doc("我们互信互尊，共同发展"));
        let d = diff(&a, &b, &DiffOptions::default());
        let v: Vec<Kind> = d.variants().map(|(_, c)| c.kind).collect();
        assert_eq!(v, [Kind::Transposition]);
        assert_eq!(apply(&d), b.text);
    }

    /// A word that moved across a mark is the mark that moved (道德經, two editions); two
    /// words exchanged between sentences are two substitutions.
    #[test]
    fn moved_marks_and_distant_swaps_are_not_transpositions() {
        let (a, b) = (doc("信不足，焉有不信焉。"), doc("信不足焉，有不信焉。"));
        let d = diff(&a, &b, &DiffOptions::default());
        let v: Vec<(Kind, &str)> = d
            .variants()
            .map(|(e, c)| (c.kind, &a.text[e.a.clone()]))
            .collect();
        assert_eq!(v, [(Kind::Punctuation, "，焉")]);
        let (a, b) = (
            doc("我们再次相聚。他们在会上"),
            doc("我们在次相聚。他们再会上"),
        );
        let d = diff(&a, &b, &DiffOptions::default());
        let v: Vec<(Kind, &str)> = d
            .variants()
            .map(|(e, c)| (c.kind, &a.text[e.a.clone()]))
            .collect();
        assert_eq!(v, [(Kind::Substitution, "再"), (Kind::Substitution, "在")]);
    }

    /// Two swapped paragraphs, and a paragraph carried further down, are one move each, with
    /// both places, whole paragraphs; long ones too (the aligner first makes them blocks, cut
    /// mid-sentence where the swapped paragraphs open alike).
    #[test]
    fn moved_paragraphs_are_one_move() {
        let p = [
            "两年来，中国同中亚国家共建一带一路走深走实，贸易额增长百分之三十五。",
            "两年来，中国和中亚国家互设文化中心，开设高校分校和鲁班工坊。",
            "我们要坚持睦邻友好，深化全方位合作。",
            "中方愿同各方一道，推动构建更加紧密的命运共同体。",
        ];
        let long = |x: &str| x.repeat(4).replace("。", "，") + "。";
        for (a, b, from, to, other) in [
            (
                format!("{}\n\n{}\n\n{}\n", p[0], p[1], p[2]),
                format!("{}\n\n{}\n\n{}\n", p[1], p[0], p[2]),
                p[0],
                p[0],
                p[1],
            ),
            (
                format!("{}\n\n{}\n\n{}\n\n{}\n", p[2], p[0], p[1], p[3]),
                format!("{}\n\n{}\n\n{}\n\n{}\n", p[2], p[1], p[3], p[0]),
                p[0],
                p[0],
                p[0],
            ),
            (
                format!("{}\n\n{}\n\n{}\n", long(p[0]), long(p[1]), p[2]),
                format!("{}\n\n{}\n\n{}\n", long(p[1]), long(p[0]), p[2]),
                &long(p[0]) as &str,
                &long(p[0]) as &str,
                &long(p[1]) as &str,
            ),
        ] {
            let (da, db) = (doc(&a), doc(&b));
            let d = diff(&da, &db, &DiffOptions::default());
            let moves: Vec<(&str, &str)> = d
                .variants()
                .filter(|(_, c)| c.kind == Kind::Move)
                .map(|(e, _)| (&da.text[e.a.clone()], &db.text[e.b_reading()]))
                .collect();
            // Of two swapped paragraphs, either may be the one that moved.
            assert!(
                moves == [(from, to)] || moves == [(other, other)],
                "{a}: {moves:?}"
            );
            assert_eq!(d.blocks().count(), 0);
            assert_eq!(d.count(Class::Substantive), 1);
            assert_eq!(apply(&d), db.text);
            assert_eq!(d.cer_aligned(), d.cer());
        }
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

    /// The bag distance between the clusters of two texts.
    fn bag_bound(ta: &Tokenized, tb: &Tokenized) -> usize {
        let all = |t: &Tokenized| cluster_symbols(t, &(0..t.tokens.len()));
        let sa = Symbols::new(all(ta));
        sa.ranked.bag_distance(&sa.ranked.rank(&all(tb)))
    }

    #[test]
    fn a_space_token_before_an_extending_mark_is_counted_apart_in_the_bound_and_the_distance() {
        // Found by the property test below: the view of B is "the 🏻跨中", where the whole
        // text's segmentation makes " 🏻" one cluster; the comparison counts the space and the
        // modifier, two tokens, apart. The bound was 4 against a distance of 3.
        let (a, b) = ("the \n\u{1F3FB}\n跨\n\n中", "the \n\u{1F3FB}跨\n\n中");
        let profile = Profile::Layout;
        let c = compare_for_similarity(a, b, profile);
        let (ta, tb) = (Tokenized::new(a, profile), Tokenized::new(b, profile));
        assert_eq!((c.a_units, c.b_units, c.distance), (9, 7, 3));
        assert_eq!(bag_bound(&ta, &tb), 3);
        assert!(compare_if_similar(a, b, profile, c.similarity()).is_some());
    }

    #[test]
    fn paragraphs_alike_only_as_bags_of_letters_are_declined_before_alignment() {
        // Two English paragraphs of a length share most of their letters: the bag bound lets
        // them through, the bounded Levenshtein pass does not.
        let a = "The committee met on Tuesday to review the budget for the coming year, and \
                 its members agreed that the library should keep its longer opening hours.";
        let b = "Rain is expected across the northern valleys later this week, so farmers \
                 are hurrying to bring in what remains of the harvest before it arrives.";
        let profile = Profile::Loose;
        let (ta, tb) = (Tokenized::new(a, profile), Tokenized::new(b, profile));
        let all = |t: &Tokenized| 0..t.tokens.len();
        let (sa, sb) = (
            cluster_symbols(&ta, &all(&ta)),
            cluster_symbols(&tb, &all(&tb)),
        );
        let longer = ta.clusters().max(tb.clusters());
        assert_eq!((ta.clusters(), tb.clusters()), (148, 144));
        assert!(similarity(bag_bound(&ta, &tb), longer) >= 0.8);
        assert!(!Symbols::new(sa).may_be_similar(&sb, longer, 0.8));
        assert!(compare_if_similar(a, b, profile, 0.8).is_none());
        // The same paragraph with three words changed is similar, and found so exactly at its
        // similarity (past the pass: 148 × 146 clusters; 4 + 7 + 4 edits).
        let c = "The committee met on Monday to review the budget for the coming year, and \
                 its members agreed that the museum should keep its longer opening times.";
        let exact = compare_for_similarity(a, c, profile);
        let s = exact.similarity();
        assert!(ta.clusters() * Tokenized::new(c, profile).clusters() > BOUNDED_FIRST_CELLS);
        assert_eq!(exact.distance, 15);
        let at = |at_least| compare_if_similar(a, c, profile, at_least).map(|k| k.distance);
        assert_eq!(at(s), Some(15));
        assert_eq!(at(s + 1e-9), None);
    }

    proptest::proptest! {
        /// Read off the view at once, the clusters of a range of ASCII tokens are what a walk
        /// token by token gives (and the walk is taken where the range is not all ASCII or holds
        /// a CR: text with CR LF, accents, emoji, CJK).
        #[test]
        fn cluster_symbols_read_at_once_are_those_of_each_token(
            picks in proptest::collection::vec(0usize..10, 0..40),
            cut in (0usize..40, 0usize..40),
            profile in proptest::sample::select(Profile::ALL.to_vec()),
        ) {
            const PARTS: [&str; 10] = [
                "the ", "Word", ", ", "\r\n", "\n\n", "e\u{301}", "國", "👍\u{1F3FB}", "1.", "  ",
            ];
            let text: String = picks.iter().map(|&i| PARTS[i]).collect();
            let t = Tokenized::new(&text, profile);
            let n = t.tokens.len();
            let r = cut.0.min(n)..cut.1.min(n).max(cut.0.min(n));
            proptest::prop_assert_eq!(cluster_symbols(&t, &r), symbols_by_token(&t, &r));
        }

        /// The bag distance and the clusters' Levenshtein distance (which `distance_at_most`
        /// finds exactly, within its bound) never exceed a comparison's distance, so
        /// `compare_if_similar` declines exactly the pairs whose similarity is below its bound: pairs of a text
        /// and an edited copy (kept, dropped, doubled or replaced pieces) in scripts, spaces,
        /// line breaks and joining marks, under every profile.
        #[test]
        fn the_bag_distance_bounds_the_comparison(
            picks in proptest::collection::vec((0usize..24, 0usize..4, 0usize..24), 0..50),
            profile in proptest::sample::select(Profile::ALL.to_vec()),
        ) {
            const PARTS: [&str; 24] = [
                "中", "國", "国", "，", "。", "跨", "里", "海", " ", "\n", "\n\n", "the ",
                "word", "Word", "e\u{301}", "\u{301}", "👍", "\u{1F3FB}", "क", "\u{94D}",
                "Ａ", "1", "一", "\u{200D}",
            ];
            let a: String = picks.iter().map(|&(i, _, _)| PARTS[i]).collect();
            let b: String = picks
                .iter()
                .map(|&(i, edit, j)| match edit {
                    0 | 1 => PARTS[i].to_string(),
                    2 => String::new(),
                    _ => PARTS[j].to_string() + PARTS[i],
                })
                .collect();
            let c = compare_for_similarity(&a, &b, profile);
            let (ta, tb) = (Tokenized::new(&a, profile), Tokenized::new(&b, profile));
            let all = |t: &Tokenized| 0..t.tokens.len();
            let bound = bag_bound(&ta, &tb);
            proptest::prop_assert!(bound <= c.distance, "{bound} > {}", c.distance);
            let symbols = |t: &Tokenized| cluster_symbols(t, &all(t));
            let levenshtein = crate::levenshtein::distance(&symbols(&ta), &symbols(&tb));
            proptest::prop_assert!(levenshtein <= c.distance, "{levenshtein} > {}", c.distance);
            let (sa, sb) = (Symbols::new(symbols(&ta)), symbols(&tb));
            let ranks = sa.ranked.rank(&sb);
            let at_most = |k| crate::levenshtein::distance_at_most(&sa.ranked, &sb, &ranks, k);
            proptest::prop_assert_eq!(at_most(c.distance), Some(levenshtein));
            if levenshtein > 0 {
                proptest::prop_assert_eq!(at_most(levenshtein - 1), None);
            }
            let s = c.similarity();
            // At its similarity a pair is compared as it always is; just above it, declined.
            let at = |at_least| compare_if_similar(&a, &b, profile, at_least);
            proptest::prop_assert_eq!(at(s).map(|k| k.distance), Some(c.distance));
            let similar = Similar::at_least(&a, &b, profile, s);
            proptest::prop_assert_eq!(similar.as_ref().map(Similar::similarity), Some(s));
            proptest::prop_assert_eq!(
                similar.map(|k| k.comparison(&a, &b).edits),
                Some(c.edits)
            );
            if s < 1.0 {
                proptest::prop_assert!(at(s + 1e-9).is_none());
                proptest::prop_assert!(Similar::at_least(&a, &b, profile, s + 1e-9).is_none());
            }
        }
    }
}
