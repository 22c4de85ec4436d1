//! Matching profiles and the normalized *view* of a text, with a map back to the original.
//!
//! Every character of a [`View`] carries the byte range of the original text it stands for,
//! so whatever is found on the view can be reported at original positions. Characters that a
//! profile drops (whitespace between CJK characters, say) belong to no view character: they
//! sit in the *gap* between two neighbours' ranges.

use std::ops::Range;

use serde::Serialize;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};
use unicode_segmentation::UnicodeSegmentation;

use crate::chars::{
    DASHES, DOUBLE_QUOTES, SINGLE_QUOTES, ZERO_WIDTH, fold_loose, is_cjk, is_layout_space,
    is_word_char, table,
};
use crate::segment;

/// A named, versioned set of folding rules used for matching.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// Nothing folded: every byte of text counts.
    Exact,
    /// Canonical text: NFC, and CRLF or CR line endings read as LF.
    Nfc,
    /// `nfc`, and layout folded: paragraphs found, whitespace runs inside a paragraph collapsed
    /// to one space, and dropped next to a CJK character; zero-width spaces dropped.
    Layout,
    /// `layout`, and full-width ASCII forms read as ASCII, one class for dashes, one for double
    /// quotes and one for single quotes.
    #[default]
    Loose,
    /// `loose`, and Chinese orthography folded: a radical read as its ideograph, a variant
    /// form as the standard form, a traditional character as its simplified form (see
    /// [`crate::orthography::fold`]). Classification still tells `script`, `variant_form` and
    /// `radical` variants apart; this profile only keeps them out of the alignment and CER.
    Hanzi,
}

impl std::fmt::Display for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Profile {
    type Err = String;

    /// A profile by its name (`exact`, `nfc`, `layout`, `loose`, `hanzi`).
    fn from_str(s: &str) -> Result<Profile, String> {
        Profile::ALL
            .into_iter()
            .find(|p| p.name() == s)
            .ok_or_else(|| format!("unknown profile {s:?}; use exact, nfc, layout, loose or hanzi"))
    }
}

/// Version of the rule tables; bump it whenever a rule changes what matches.
const RULES_VERSION: u32 = 2;

impl Profile {
    /// Every profile, from the strictest to the loosest.
    pub const ALL: [Profile; 5] = [
        Profile::Exact,
        Profile::Nfc,
        Profile::Layout,
        Profile::Loose,
        Profile::Hanzi,
    ];

    /// The profile's name, as reports and the command line spell it.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Exact => "exact",
            Profile::Nfc => "nfc",
            Profile::Layout => "layout",
            Profile::Loose => "loose",
            Profile::Hanzi => "hanzi",
        }
    }

    /// A canonical description of the rules; its digest identifies the profile in reports.
    pub fn rules(self) -> String {
        let mut rules = format!("witness profile {} v{RULES_VERSION}\n", self.name());
        if self != Profile::Exact {
            rules += "nfc per extended grapheme cluster\nline endings: CRLF CR -> LF\n";
        }
        if matches!(self, Profile::Layout | Profile::Loose | Profile::Hanzi) {
            rules += &segment::paragraph_rules();
            rules += "paragraph separator -> LF\n";
            rules += "whitespace run in paragraph: dropped next to CJK, else one U+0020\n";
            rules += &table("zero-width as whitespace", ZERO_WIDTH);
        }
        if matches!(self, Profile::Loose | Profile::Hanzi) {
            rules += "width: U+FF01..U+FF5E -> U+0021..U+007E\n";
            rules += &table("dash -> U+002D", DASHES);
            rules += &table("double quote -> U+0022", DOUBLE_QUOTES);
            rules += &table("single quote -> U+0027", SINGLE_QUOTES);
        }
        if self == Profile::Hanzi {
            rules += "hanzi: radical -> equivalent unified ideograph (U+2E80..U+2FDF)\n";
            rules += "hanzi: variant form -> standard form (TWVariants HKVariants hand.txt: value -> key; Unihan kZVariant, kSemanticVariant with two sources: -> the more frequent side by kFrequency, else the side OpenCC knows; JPShinjitaiCharacters not folded; numerals never)\n";
            rules += "hanzi: traditional -> simplified (TSCharacters.txt, first candidate)\n";
            rules += &crate::orthography::table_rules();
        }
        rules += "tokens: a run of word characters (letters and digits outside the cjk and unspaced ranges) is one token, else one cluster\n";
        rules
    }

    /// SHA-256 of [`Profile::rules`], lowercase hex: identifies the profile in reports and the
    /// ledger.
    pub fn sha256(self) -> String {
        crate::source::hex_sha256(self.rules().as_bytes())
    }

    /// The character `c` stands for under this profile (only `loose` and `hanzi` fold
    /// characters).
    pub fn fold(self, c: char) -> char {
        match self {
            Profile::Loose => fold_loose(c),
            Profile::Hanzi => crate::orthography::fold(fold_loose(c)),
            Profile::Exact | Profile::Nfc | Profile::Layout => c,
        }
    }
}

/// A text as seen under a profile.
#[derive(Debug, Clone, Default)]
pub struct View {
    /// The normalized text.
    pub text: String,
    /// The units the diff compares, in order and covering `text`.
    pub units: Vec<Unit>,
}

/// One unit of a view: the view of one extended grapheme cluster of the original, a
/// collapsed space, or a paragraph break. Offsets are 32 bits (a text is at most
/// [`crate::source::MAX_FILE_BYTES`]), so a unit is 16 bytes: a view holds one per
/// character of a Chinese text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unit {
    start: u32,
    end: u32,
    original_start: u32,
    original_end: u32,
}

impl Unit {
    fn new(view: Range<usize>, original: Range<usize>) -> Unit {
        Unit {
            start: view.start as u32,
            end: view.end as u32,
            original_start: original.start as u32,
            original_end: original.end as u32,
        }
    }

    /// Byte range in the view's text.
    pub fn view(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// Byte range in the original text that the unit stands for.
    pub fn original(&self) -> Range<usize> {
        self.original_start as usize..self.original_end as usize
    }
}

/// Writes a view's text and hands each unit, as it is completed, to `sink` (with the unit's
/// first character), so that a caller keeps only what it needs of the units: [`Tokenized`]
/// merges them into words as they come and never holds them all.
struct Builder<S> {
    text: String,
    sink: S,
}

impl<S: FnMut(char, Unit)> Builder<S> {
    /// Pushes one unit standing for `original`: whatever `fill` writes.
    fn unit(&mut self, original: Range<usize>, fill: impl FnOnce(&mut String)) {
        let start = self.text.len();
        fill(&mut self.text);
        if let Some(first) = self.text[start..].chars().next() {
            (self.sink)(first, Unit::new(start..self.text.len(), original));
        }
    }

    /// Pushes a unit of one character: most units, so without the general path's closure.
    #[inline]
    fn char_unit(&mut self, original: Range<usize>, c: char) {
        let start = self.text.len();
        self.text.push(c);
        (self.sink)(c, Unit::new(start..self.text.len(), original));
    }
}

/// Builds the view of `text` under `profile`.
pub fn view(text: &str, profile: Profile) -> View {
    let paragraphs = match profile {
        Profile::Layout | Profile::Loose | Profile::Hanzi => segment::paragraphs(text),
        Profile::Exact | Profile::Nfc => Vec::new(),
    };
    view_of_paragraphs(text, profile, &paragraphs)
}

/// Builds the view of `text` under `profile`, given its paragraphs (from
/// [`segment::paragraphs`]; only `layout` and `loose` use them).
pub fn view_of_paragraphs(text: &str, profile: Profile, paragraphs: &[Range<usize>]) -> View {
    let mut units = Vec::new();
    let text = build_view(text, profile, paragraphs, |_, u| units.push(u));
    View { text, units }
}

/// Writes the view of `text` under `profile` (see [`view_of_paragraphs`]), handing each unit
/// to `sink`.
fn build_view(
    text: &str,
    profile: Profile,
    paragraphs: &[Range<usize>],
    sink: impl FnMut(char, Unit),
) -> String {
    let mut b = Builder {
        text: String::with_capacity(text.len()),
        sink,
    };
    match profile {
        Profile::Exact => {
            for (o, g) in clusters(text) {
                b.unit(o..o + g.len(), |t| t.push_str(g));
            }
        }
        Profile::Nfc => {
            for (o, piece) in pieces(text) {
                push_piece(&mut b, piece, o, profile);
            }
        }
        Profile::Layout | Profile::Loose | Profile::Hanzi => {
            let mut prev_end = None;
            for para in paragraphs {
                if let Some(end) = prev_end {
                    b.char_unit(end..para.start, '\n');
                }
                prev_end = Some(para.end);
                push_paragraph(&mut b, text, para.clone(), profile);
            }
        }
    }
    b.text
}

/// The extended grapheme clusters of `text` with their offsets, as
/// `grapheme_indices(true)` gives them (see [`pieces`]).
pub(crate) fn clusters(text: &str) -> impl Iterator<Item = (usize, &str)> {
    pieces(text).map(move |(o, piece)| match piece {
        Piece::Char(c) => (o, &text[o..o + c.len_utf8()]),
        Piece::Cluster(g) => (o, g),
    })
}

/// An extended grapheme cluster as [`pieces`] finds it.
#[derive(Clone, Copy)]
enum Piece<'a> {
    /// A cluster of one [`is_simple`] character, already decoded.
    Char(char),
    /// Any other cluster.
    Cluster(&'a str),
}

/// The extended grapheme clusters of `text` with their offsets, without consulting the
/// segmentation tables between two characters that are each `is_simple`: no rule of UAX #29
/// keeps such a pair together (the rules that do need a control, a prepended, extending,
/// joining, Hangul or regional-indicator character, or a pictograph after a joiner), so each
/// is a cluster of its own. Most of a text is such characters, and each is decoded once; the
/// rest goes through `unicode-segmentation`, from a cluster boundary.
fn pieces(text: &str) -> impl Iterator<Item = (usize, Piece<'_>)> {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (o, c) = chars.next()?;
        if is_simple(c) && chars.peek().is_none_or(|&(_, n)| is_simple(n)) {
            return Some((o, Piece::Char(c)));
        }
        let end = o + text[o..].graphemes(true).next().map_or(0, str::len);
        while chars.next_if(|&(p, _)| p < end).is_some() {}
        Some((o, Piece::Cluster(&text[o..end])))
    })
}

/// Printable ASCII, CJK punctuation, the unified ideographs, general punctuation (dashes,
/// quotation marks, the ellipsis) and full-width forms: characters with no grapheme-break
/// property of their own (`Other`), in NFC.
pub(crate) fn is_simple(c: char) -> bool {
    matches!(c,
        ' '..='~'
        | '\u{2010}'..='\u{2027}'
        | '\u{3000}'..='\u{3029}'
        | '\u{3030}'..='\u{303F}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{FF01}'..='\u{FF5E}')
}

/// Pushes one extended grapheme cluster (found at byte `start`) as one unit, in NFC.
/// (Canonical composition does not cross cluster boundaries in practice.)
#[inline]
fn push_piece<S: FnMut(char, Unit)>(
    b: &mut Builder<S>,
    piece: Piece,
    start: usize,
    profile: Profile,
) {
    let g = match piece {
        // Already NFC: no decomposition, no combining class.
        Piece::Char(c) => return b.char_unit(start..start + c.len_utf8(), profile.fold(c)),
        Piece::Cluster(g) => g,
    };
    let mut chars = g.chars();
    if let (Some(c), None) = (chars.next(), chars.next())
        && is_simple(c)
    {
        b.char_unit(start..start + g.len(), profile.fold(c));
        return;
    }
    b.unit(start..start + g.len(), |t| {
        if g == "\r\n" || g == "\r" {
            t.push('\n');
        } else if is_nfc_quick(g.chars()) == IsNormalized::Yes {
            t.extend(g.chars().map(|c| profile.fold(c)));
        } else {
            t.extend(g.nfc().map(|c| profile.fold(c)));
        }
    });
}

/// One paragraph under `layout`/`loose`: whitespace runs become one space, or nothing when a
/// CJK character is on either side.
fn push_paragraph<S: FnMut(char, Unit)>(
    b: &mut Builder<S>,
    text: &str,
    para: Range<usize>,
    profile: Profile,
) {
    let mut pending: Option<Range<usize>> = None;
    let mut prev: Option<char> = None;
    let base = para.start;
    for (o, piece) in pieces(&text[para.clone()]) {
        let start = base + o;
        let (first, last, len, space) = match piece {
            Piece::Char(c) => (c, c, c.len_utf8(), is_layout_space(c)),
            Piece::Cluster(g) => {
                let mut chars = g.chars();
                let first = chars.next().unwrap_or(' ');
                let last = chars.next_back().unwrap_or(first);
                let space = is_layout_space(first) && chars.chain([last]).all(is_layout_space);
                (first, last, g.len(), space)
            }
        };
        if space {
            pending = Some(pending.map_or(start, |p| p.start)..start + len);
            continue;
        }
        if let (Some(space), Some(p)) = (pending.take(), prev)
            && !is_cjk(p)
            && !is_cjk(first)
        {
            b.char_unit(space, ' ');
        }
        push_piece(b, piece, start, profile);
        prev = Some(last);
    }
}

/// A token of a view: a word of a script written with spaces, or one unit of the view (an
/// ideograph, a Thai or Khmer cluster, a punctuation mark, a space, a paragraph break).
/// Words keep English from being compared letter by letter ("cons[-olida-]ted"); CJK stays
/// per character.
/// Its byte range in the view is [`Tokenized::token_view`]: tokens cover the view, so a
/// token ends where the next starts; its grapheme clusters are [`Tokenized::token_clusters`].
/// A token is 4 bytes (it was 12, with its end and clusters: a corpus scan holds millions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Where the token starts in the view's text (32 bits, as in [`Unit`]).
    start: u32,
}

/// A text as every analysis reads it under a profile: the view's text cut into tokens, each
/// with the original byte span it stands for, and the original's paragraphs. Built once per
/// document of a [`crate::Corpus`] and shared by scan, diff, collate and errata.
#[derive(Debug, Clone, Default)]
pub struct Tokenized {
    /// The view's text.
    pub view: String,
    /// Tokens of the view, in order, covering it.
    pub tokens: Vec<Token>,
    /// The original byte span of each token that does not simply follow the one before
    /// (see [`Tokenized::span`]): `(token, start, end)`, in order.
    irregular: Vec<(u32, u32, u32)>,
    /// For each block of `SPAN_BLOCK` tokens, how many irregular tokens come before it: a
    /// span is then found among a block's few rather than by a search of them all (a text
    /// has one a line; a scan asks for spans hundreds of thousands of times).
    irregular_before: Vec<u32>,
    /// The grapheme clusters of each token that has fewer clusters than characters (a character and
    /// its combining marks, an emoji sequence): `(token, clusters)`, in order. Every other
    /// token has one cluster a character.
    joined: Vec<(u32, u32)>,
    /// Paragraphs of the original text (byte ranges), as [`segment::paragraphs`] finds them.
    pub paragraphs: Vec<Range<usize>>,
}

impl Tokenized {
    /// Reads `text` under `profile`.
    pub fn new(text: &str, profile: Profile) -> Tokenized {
        let paragraphs = segment::paragraphs(text);
        // Each unit stands for at least one character of the original, so this is room for
        // them all: growing by doubling would copy (and fault in) megabytes.
        let mut tokens: Vec<Token> = Vec::with_capacity(text.chars().count());
        // Each token's span and clusters are known once the next token starts: only the
        // irregular ones are kept (no vector of every token's span is written and read again).
        let mut open = OpenToken::default();
        let mut irregular = Vec::new();
        // Tokens with a unit of several characters, and their clusters: only they can have
        // fewer clusters than characters.
        let mut several: Vec<(u32, u32)> = Vec::new();
        let mut previous_end = 0;
        let mut close = |open: &OpenToken, index: usize, view_end: u32| {
            let (start, end) = (open.original.start, open.original.end);
            if start != previous_end || end - start != view_end - open.view_start {
                irregular.push((index as u32, start, end));
            }
            previous_end = end;
            if open.several {
                several.push((index as u32, open.clusters));
            }
        };
        let mut in_word = false;
        let view = build_view(text, profile, &paragraphs, |first, u: Unit| {
            let word = is_word_char(first);
            if word && in_word {
                open.clusters += 1;
                open.original.end = u.original_end;
            } else {
                if let Some(last) = tokens.len().checked_sub(1) {
                    close(&open, last, u.start);
                }
                tokens.push(Token { start: u.start });
                open = OpenToken {
                    view_start: u.start,
                    original: u.original_start..u.original_end,
                    clusters: 1,
                    several: false,
                };
            }
            in_word = word;
            open.several |= (u.end - u.start) as usize > first.len_utf8();
        });
        if let Some(last) = tokens.len().checked_sub(1) {
            close(&open, last, view.len() as u32);
        }
        // A spaced script has far fewer tokens than characters; shrinking in place is free.
        tokens.shrink_to_fit();
        irregular.shrink_to_fit();
        let mut tokenized = Tokenized {
            view,
            irregular_before: blocks_before(&irregular, tokens.len()),
            tokens,
            irregular,
            joined: Vec::new(),
            paragraphs,
        };
        tokenized.joined = several
            .into_iter()
            .filter(|&(i, n)| tokenized.token(i as usize).chars().count() != n as usize)
            .collect();
        tokenized
    }

    /// Grapheme clusters in token `i`.
    pub fn token_clusters(&self, i: usize) -> usize {
        match self.joined.binary_search_by_key(&(i as u32), |&(t, _)| t) {
            Ok(k) => self.joined[k].1 as usize,
            Err(_) => self.token(i).chars().count(),
        }
    }

    /// Grapheme clusters in tokens `r`.
    pub fn clusters_in(&self, r: Range<usize>) -> usize {
        let from = self
            .joined
            .partition_point(|&(t, _)| (t as usize) < r.start);
        let to = self.joined.partition_point(|&(t, _)| (t as usize) < r.end);
        let fewer: usize = self.joined[from..to]
            .iter()
            .map(|&(t, n)| self.token(t as usize).chars().count() - n as usize)
            .sum();
        self.view_text(&r).chars().count() - fewer
    }

    /// The original byte span of token `i`. Most tokens follow the one before in the original
    /// as in the view (no gap, as many bytes): theirs is computed from the view; only the
    /// others are stored (a folded character, a dropped space), so that a scan holding
    /// millions of tokens does not keep 8 bytes of span for each.
    pub fn span(&self, i: usize) -> Range<usize> {
        self.span_after(self.irregular_up_to(i, true), i)
    }

    /// How many irregular tokens come before token `i` (and `i` too, if `inclusive`).
    fn irregular_up_to(&self, i: usize, inclusive: bool) -> usize {
        let mut k = self.irregular_before[i / SPAN_BLOCK] as usize;
        while let Some(&(t, _, _)) = self.irregular.get(k)
            && (t as usize) < i + usize::from(inclusive)
        {
            k += 1;
        }
        k
    }

    /// The original byte spans of tokens `r`, in order (walked: no search after the first).
    pub fn spans(&self, r: Range<usize>) -> impl Iterator<Item = Range<usize>> + '_ {
        let mut k = if r.is_empty() {
            0
        } else {
            self.irregular_up_to(r.start, false)
        };
        r.map(move |i| {
            if self
                .irregular
                .get(k)
                .is_some_and(|&(t, _, _)| t as usize == i)
            {
                k += 1;
            }
            self.span_after(k, i)
        })
    }

    /// Span of token `i`, `k` being the number of irregular tokens up to `i` (inclusive).
    fn span_after(&self, k: usize, i: usize) -> Range<usize> {
        match k.checked_sub(1).map(|k| self.irregular[k]) {
            Some((t, start, end)) if t as usize == i => start as usize..end as usize,
            last => {
                // Plain since `last` (or since the start): as far in the original as in the view.
                let (original, view) = last.map_or((0, 0), |(t, _, end)| {
                    (end as usize, self.token_view(t as usize).end)
                });
                let v = self.token_view(i);
                let start = original + (v.start - view);
                start..start + v.len()
            }
        }
    }

    /// The number of tokens whose original span starts before byte `at`.
    pub fn tokens_starting_before(&self, at: usize) -> usize {
        partition(self.tokens.len(), |i| self.span(i).start < at)
    }

    /// The number of tokens whose original span ends at or before byte `at`.
    pub fn tokens_ending_by(&self, at: usize) -> usize {
        partition(self.tokens.len(), |i| self.span(i).end <= at)
    }

    /// Grapheme clusters of the view (what CER counts).
    pub fn clusters(&self) -> usize {
        self.clusters_in(0..self.tokens.len())
    }

    /// Byte range of token `i` in the view's text.
    pub fn token_view(&self, i: usize) -> Range<usize> {
        token_view(&self.view, &self.tokens, i)
    }

    /// The view's text of token `i`.
    pub fn token(&self, i: usize) -> &str {
        &self.view[self.token_view(i)]
    }

    /// The view's text of tokens `r`.
    pub fn view_text(&self, r: &Range<usize>) -> &str {
        if r.is_empty() {
            return "";
        }
        &self.view[self.token_view(r.start).start..self.token_view(r.end - 1).end]
    }
}

/// The first of `0..n` for which `pred` is false (`pred` true then false over the range).
fn partition(n: usize, pred: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// Tokens in a block of [`Tokenized`]'s index of irregular spans. (Tests take a few, so that
/// their short texts cross blocks.)
#[cfg(not(test))]
const SPAN_BLOCK: usize = 64;
#[cfg(test)]
const SPAN_BLOCK: usize = 3;

/// For each block of `SPAN_BLOCK` of `tokens` tokens, how many of `irregular` come before it.
fn blocks_before(irregular: &[(u32, u32, u32)], tokens: usize) -> Vec<u32> {
    let mut k = 0;
    (0..tokens.div_ceil(SPAN_BLOCK))
        .map(|b| {
            while irregular
                .get(k)
                .is_some_and(|&(t, _, _)| (t as usize) < b * SPAN_BLOCK)
            {
                k += 1;
            }
            k as u32
        })
        .collect()
}

/// The token being read: where it starts in the view, the original it stands for so far, its
/// clusters, and whether one of its units has several characters.
#[derive(Default)]
struct OpenToken {
    view_start: u32,
    original: Range<u32>,
    clusters: u32,
    several: bool,
}

/// Byte range of token `i` of `tokens`, which cover `view`.
pub(crate) fn token_view(view: &str, tokens: &[Token], i: usize) -> Range<usize> {
    let end = tokens.get(i + 1).map_or(view.len(), |t| t.start as usize);
    tokens[i].start as usize..end
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The fast cluster walk gives exactly the clusters of `unicode-segmentation`, on
        /// strings that mix its simple characters with everything that joins: CR LF,
        /// combining marks, a prepended mark, joiners, emoji, regional indicators, Hangul
        /// jamo, Indic conjuncts, a wavy dash (a pictograph) and ideographic tone marks.
        #[test]
        fn clusters_are_unicode_clusters(picks in proptest::collection::vec(0usize..40, 0..60)) {
            const PARTS: [&str; 40] = [
                "a", "Z", " ", "~", "中", "國", "，", "。", "「", "」", "—", "“", "…", "Ａ", "〇",
                "\r", "\n", "\r\n", "\t", "\u{301}", "\u{308}", "\u{600}", "\u{200D}",
                "\u{200C}", "👍", "\u{1F3FB}", "🇨", "🇳", "\u{1100}", "\u{1161}", "\u{11A8}",
                "क", "\u{94D}", "ष", "\u{3030}", "\u{302A}", "\u{FE0F}", "\u{E0020}", "é", "\u{0903}",
            ];
            let text: String = picks.iter().map(|&i| PARTS[i]).collect();
            let fast: Vec<(usize, &str)> = clusters(&text).collect();
            let slow: Vec<(usize, &str)> = text.grapheme_indices(true).collect();
            proptest::prop_assert_eq!(fast, slow);
        }

        /// Spans kept only for irregular tokens give back every token's span, one by one
        /// and walked, under every profile, and the token counts before a byte agree; so do
        /// the clusters kept only for tokens of joined characters.
        #[test]
        fn sparse_spans_are_the_spans(
            picks in proptest::collection::vec(0usize..24, 0..80),
            profile in proptest::sample::select(Profile::ALL.to_vec()),
        ) {
            const PARTS: [&str; 24] = [
                "a", "bc", " ", "  ", "中", "國", "，", "。", "Ａ", "１", "\n", "\n\n", "\r\n",
                "\t", "e\u{301}", "\u{200B}", "—", "“", "”", "⺼", "\u{3000}", "word", "𠮷", "👍\u{1F3FB}",
            ];
            let text: String = picks.iter().map(|&i| PARTS[i]).collect();
            let (expected, clusters) = dense_spans(&text, profile);
            let t = Tokenized::new(&text, profile);
            let one_by_one: Vec<Range<usize>> = (0..t.tokens.len()).map(|i| t.span(i)).collect();
            proptest::prop_assert_eq!(&one_by_one, &expected);
            let each: Vec<u32> = (0..t.tokens.len()).map(|i| t.token_clusters(i) as u32).collect();
            proptest::prop_assert_eq!(&each, &clusters);
            for from in 0..=t.tokens.len() {
                proptest::prop_assert_eq!(
                    t.clusters_in(from..t.tokens.len()),
                    clusters[from..].iter().sum::<u32>() as usize
                );
            }
            for from in 0..=t.tokens.len() {
                let walked: Vec<Range<usize>> = t.spans(from..t.tokens.len()).collect();
                proptest::prop_assert_eq!(&walked[..], &expected[from..]);
            }
            for at in 0..=text.len() {
                proptest::prop_assert_eq!(
                    t.tokens_starting_before(at),
                    expected.iter().filter(|s| s.start < at).count()
                );
                proptest::prop_assert_eq!(
                    t.tokens_ending_by(at),
                    expected.iter().filter(|s| s.end <= at).count()
                );
            }
        }
    }

    /// Every token's original span and clusters, from the view's units merged into words
    /// (the dense form that the tokens' sparse spans and clusters stand for).
    fn dense_spans(text: &str, profile: Profile) -> (Vec<Range<usize>>, Vec<u32>) {
        let v = view(text, profile);
        let (mut spans, mut clusters): (Vec<Range<usize>>, Vec<u32>) = (Vec::new(), Vec::new());
        let mut in_word = false;
        for u in &v.units {
            let word = v.text[u.view()].chars().next().is_some_and(is_word_char);
            match (spans.last_mut(), clusters.last_mut()) {
                (Some(span), Some(n)) if word && in_word => {
                    span.end = u.original().end;
                    *n += 1;
                }
                _ => {
                    spans.push(u.original());
                    clusters.push(1);
                }
            }
            in_word = word;
        }
        (spans, clusters)
    }

    /// The original text of each unit.
    fn originals<'t>(text: &'t str, v: &View) -> Vec<&'t str> {
        v.units.iter().map(|u| &text[u.original()]).collect()
    }

    #[test]
    fn exact_maps_every_cluster_to_itself() {
        let t = "a，\r\nb";
        let v = view(t, Profile::Exact);
        assert_eq!(v.text, t);
        assert_eq!(originals(t, &v), ["a", "，", "\r\n", "b"]);
    }

    #[test]
    fn nfc_composes_and_maps_to_the_cluster() {
        let t = "Cafe\u{301}\r\nx";
        let v = view(t, Profile::Nfc);
        assert_eq!(v.text, "Caf\u{e9}\nx");
        assert_eq!(originals(t, &v), ["C", "a", "f", "e\u{301}", "\r\n", "x"]);
    }

    #[test]
    fn layout_drops_breaks_between_cjk_and_collapses_latin_space() {
        let t = "班列成\n\n功开行。\n\n2025 年  the   end\n";
        let v = view(t, Profile::Layout);
        assert_eq!(v.text, "班列成功开行。\n2025年the end");
        // One unit per character here.
        let i = v.text.chars().position(|c| c == '\n').unwrap();
        assert_eq!(&t[v.units[i].original()], "\n\n");
        let space = v.text.chars().position(|c| c == ' ').unwrap();
        assert_eq!(&t[v.units[space].original()], "   ");
    }

    #[test]
    fn loose_folds_width_dash_and_quotes() {
        let t = "“中国—中亚”，（１）「好」‘x’";
        let v = view(t, Profile::Loose);
        assert_eq!(v.text, "\"中国-中亚\",(1)\"好\"'x'");
        assert_eq!(originals(t, &v)[3], "—");
    }

    #[test]
    fn profile_digests_differ_and_are_stable() {
        let digests: std::collections::BTreeSet<String> =
            Profile::ALL.iter().map(|p| p.sha256()).collect();
        assert_eq!(digests.len(), Profile::ALL.len());
        assert_eq!(Profile::Loose.sha256(), Profile::Loose.sha256());
    }
}
