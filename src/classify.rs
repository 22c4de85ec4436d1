//! What kind of difference a variant is, whether it matters, and how much.
//!
//! Classification looks only at the two original readings (and, for dittography, at the text
//! around them), never at the profile: `，`→`,` is a width variant whether or not the profile
//! folded it. The profile decides what the aligner treats as equal and what CER counts.

use std::ops::Range;

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use crate::chars::{
    DASHES, DOUBLE_QUOTES, SINGLE_QUOTES, fold_loose, fold_width, is_bidi_control, is_cjk,
    is_layout_space, is_numeral, is_punctuation, is_unseen,
};

/// Variant kinds, in the order reports list them. Terms follow textual criticism.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Whitespace and line breaks.
    Layout,
    /// Canonically equivalent spellings (`é` as one code point or two).
    Normalization,
    /// The same character in another width (`，` and `,`, `１` and `1`).
    Width,
    /// One dash for another (`—`, `-`, `－`).
    Dash,
    /// One quotation mark for another.
    Quote,
    /// A punctuation mark added, dropped or replaced by another.
    Punctuation,
    /// Characters a reader cannot see added, dropped or replaced: bidirectional controls,
    /// zero-width characters, the soft hyphen, other format characters, control characters
    /// (see `chars::INVISIBLE`). Cosmetic, but listed by default: a right-to-left override
    /// changes what a reader sees without changing a visible letter.
    Invisible,
    /// 訛: text replaced by other text.
    Substitution,
    /// 脫: text of A missing in B.
    Omission,
    /// 衍: text in B that A does not have.
    Addition,
    /// 衍: an addition or substitution that repeats adjacent text (`新业态新业态`).
    Dittography,
    /// 倒: AB read as BA.
    Transposition,
    /// A number or a Chinese numeral differs.
    Numeral,
}

/// Whether a variant changes the text (substantive) or only how it is written (cosmetic).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// Layout, normalization, width, dashes, quotes, punctuation, invisible characters.
    Cosmetic,
    /// The words or numbers differ.
    Substantive,
}

/// How much a variant matters to a reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Cosmetic variants.
    Low,
    /// Substantive variants, and invisible variants with a bidirectional control.
    Medium,
    /// Numerals and long substantive variants.
    High,
}

impl Kind {
    /// Cosmetic or substantive.
    pub fn class(self) -> Class {
        match self {
            Kind::Layout
            | Kind::Normalization
            | Kind::Width
            | Kind::Dash
            | Kind::Quote
            | Kind::Punctuation
            | Kind::Invisible => Class::Cosmetic,
            _ => Class::Substantive,
        }
    }

    /// True for the kinds that human-facing reports list without `--all` even though they
    /// are cosmetic: invisible characters, which a reader cannot check by eye.
    pub fn always_listed(self) -> bool {
        self == Kind::Invisible
    }

    /// The name used in reports and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Layout => "layout",
            Kind::Normalization => "normalization",
            Kind::Width => "width",
            Kind::Dash => "dash",
            Kind::Quote => "quote",
            Kind::Punctuation => "punctuation",
            Kind::Invisible => "invisible",
            Kind::Substitution => "substitution",
            Kind::Omission => "omission",
            Kind::Addition => "addition",
            Kind::Dittography => "dittography",
            Kind::Transposition => "transposition",
            Kind::Numeral => "numeral",
        }
    }
}

impl Class {
    /// The name used in reports and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Class::Cosmetic => "cosmetic",
            Class::Substantive => "substantive",
        }
    }
}

impl Severity {
    /// The name used in reports and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }
}

/// The verdict on one variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Classification {
    /// What kind of difference.
    pub kind: Kind,
    /// The kind's class.
    pub class: Class,
    /// How much it matters.
    pub severity: Severity,
}

impl Classification {
    fn of(kind: Kind, severity: Severity) -> Classification {
        Classification {
            kind,
            class: kind.class(),
            severity,
        }
    }

    /// True when a human-facing report lists this variant: always with `all`, else when it
    /// is substantive or of a kind that is [`Kind::always_listed`].
    pub fn listed(&self, all: bool) -> bool {
        all || self.class == Class::Substantive || self.kind.always_listed()
    }
}

/// Where a variant sits: both texts and the byte ranges of its readings.
#[derive(Debug, Clone, Copy)]
pub struct Site<'t> {
    /// The text of A.
    pub a_text: &'t str,
    /// A's reading: a byte range of `a_text`.
    pub a: (usize, usize),
    /// The text of B.
    pub b_text: &'t str,
    /// B's reading: a byte range of `b_text`.
    pub b: (usize, usize),
}

impl<'t> Site<'t> {
    /// The site of readings `a` of `a_text` and `b` of `b_text`.
    pub fn new(a_text: &'t str, a: Range<usize>, b_text: &'t str, b: Range<usize>) -> Self {
        Site {
            a_text,
            a: (a.start, a.end),
            b_text,
            b: (b.start, b.end),
        }
    }

    fn a_reading(&self) -> &'t str {
        &self.a_text[self.a.0..self.a.1]
    }

    fn b_reading(&self) -> &'t str {
        &self.b_text[self.b.0..self.b.1]
    }
}

/// Substantive variants of at least this weight are high severity: eight ideographs, or four
/// words of a script written with spaces.
const LONG_VARIANT: usize = 8;
/// Classifies the difference between the readings at `site`.
///
/// Characters a reader cannot see (`chars::is_unseen`) are judged by what they are: when the
/// readings differ in them, and otherwise at most cosmetically, the variant is
/// [`Kind::Invisible`] (severity medium when a bidirectional control is involved, as it
/// reorders what a reader sees); the substantive kinds are decided on the visible characters.
pub fn classify(site: &Site) -> Classification {
    let (ra, rb) = (site.a_reading(), site.b_reading());
    let seen = |s: &str| -> Vec<char> {
        s.chars()
            .filter(|&c| !c.is_whitespace() && !is_unseen(c))
            .collect()
    };
    let unseen = |s: &str| -> Vec<char> {
        s.chars()
            .filter(|&c| !c.is_whitespace() && is_unseen(c))
            .collect()
    };
    let (a, b) = (seen(ra), seen(rb));
    // Unseen characters that differ make the variant invisible (a zero-width space too, which
    // the `layout` profile drops for alignment), so that it is listed.
    let invisible = unseen(ra) != unseen(rb);
    let cosmetic = |kind: Kind| {
        if invisible {
            let bidi = ra.chars().chain(rb.chars()).any(is_bidi_control);
            let severity = if bidi {
                Severity::Medium
            } else {
                Severity::Low
            };
            Classification::of(Kind::Invisible, severity)
        } else {
            Classification::of(kind, Severity::Low)
        }
    };
    if a == b {
        return cosmetic(Kind::Layout);
    }
    let (na, nb): (Vec<char>, Vec<char>) = (
        a.iter().copied().nfc().collect(),
        b.iter().copied().nfc().collect(),
    );
    if na == nb {
        return cosmetic(Kind::Normalization);
    }
    let fa: Vec<char> = na.iter().map(|&c| fold_loose(c)).collect();
    let fb: Vec<char> = nb.iter().map(|&c| fold_loose(c)).collect();
    if fa == fb {
        return cosmetic(folded_kind(&na, &nb));
    }
    let la: Vec<char> = fa.iter().copied().filter(|&c| !is_punctuation(c)).collect();
    let lb: Vec<char> = fb.iter().copied().filter(|&c| !is_punctuation(c)).collect();
    if la == lb {
        let all = |class: &[char]| {
            na.iter()
                .chain(&nb)
                .all(|c| class.contains(&fold_width(*c)))
        };
        // A mark added or dropped is punctuation; one dash or quote for another is not.
        let both = !na.is_empty() && !nb.is_empty();
        let kind = if both && all(DASHES) {
            Kind::Dash
        } else if both && (all(DOUBLE_QUOTES) || all(SINGLE_QUOTES)) {
            Kind::Quote
        } else {
            Kind::Punctuation
        };
        return cosmetic(kind);
    }
    let severity = if weight(site.a_reading()).max(weight(site.b_reading())) >= LONG_VARIANT {
        Severity::High
    } else {
        Severity::Medium
    };
    let numerals = |s: &[char]| {
        s.iter()
            .copied()
            .filter(|&c| is_numeral(c))
            .collect::<Vec<_>>()
    };
    // A numeral variant changes a number; an omitted dateline that has a date in it is an
    // omission.
    let only_numerals = |l: &[char]| l.iter().all(|&c| is_numeral(c));
    if numerals(&fa) != numerals(&fb)
        && ((!la.is_empty() && !lb.is_empty()) || (only_numerals(&la) && only_numerals(&lb)))
    {
        return Classification::of(Kind::Numeral, Severity::High);
    }
    if !lb.is_empty() && is_dittography(site) {
        return Classification::of(Kind::Dittography, severity);
    }
    let kind = if la.is_empty() {
        Kind::Addition
    } else if lb.is_empty() {
        Kind::Omission
    } else if la.len() >= 2 && same_letters(&la, &lb) {
        Kind::Transposition
    } else {
        Kind::Substitution
    };
    Classification::of(kind, severity)
}

/// How much text a reading carries: 1 per ideograph (or other character of a script written
/// without spaces), 2 per word of a script written with spaces; punctuation weighs nothing.
fn weight(reading: &str) -> usize {
    let mut total = 0;
    let mut in_word = false;
    for c in reading.chars() {
        let letter = c.is_alphanumeric();
        if letter && is_cjk(c) {
            total += 1;
        } else if letter && !in_word {
            total += 2;
        }
        in_word = letter && !is_cjk(c);
    }
    total
}

/// Which folding made two readings equal: dash, quote, or width.
fn folded_kind(a: &[char], b: &[char]) -> Kind {
    for (&x, &y) in a.iter().zip(b) {
        if x == y {
            continue;
        }
        let (x, y) = (fold_width(x), fold_width(y));
        if DASHES.contains(&x) && DASHES.contains(&y) {
            return Kind::Dash;
        }
        if (DOUBLE_QUOTES.contains(&x) && DOUBLE_QUOTES.contains(&y))
            || (SINGLE_QUOTES.contains(&x) && SINGLE_QUOTES.contains(&y))
        {
            return Kind::Quote;
        }
        return Kind::Width;
    }
    Kind::Width
}

fn same_letters(a: &[char], b: &[char]) -> bool {
    let (mut x, mut y) = (a.to_vec(), b.to_vec());
    x.sort_unstable();
    y.sort_unstable();
    x == y
}

/// Characters around a range, whitespace removed, with the range's place in them.
fn window(text: &str, range: (usize, usize), reach: usize) -> (Vec<char>, usize, usize) {
    let before: Vec<char> = text[..range.0]
        .chars()
        .rev()
        .filter(|c| !is_layout_space(*c))
        .take(reach)
        .collect();
    let inner = text[range.0..range.1]
        .chars()
        .filter(|c| !is_layout_space(*c));
    let after = text[range.1..]
        .chars()
        .filter(|c| !is_layout_space(*c))
        .take(reach);
    let mut w: Vec<char> = before.into_iter().rev().collect();
    let s = w.len();
    w.extend(inner);
    let t = w.len();
    w.extend(after);
    (w, s, t)
}

/// True when `unit` occurs twice in `w`, adjacent or with one punctuation mark between.
fn has_doubling(w: &[char], unit: &[char]) -> bool {
    let l = unit.len();
    (0..w.len()).any(|p| {
        [0, 1].iter().any(|&g| {
            p + 2 * l + g <= w.len()
                && (g == 0 || is_punctuation(w[p + l]))
                && &w[p..p + l] == unit
                && &w[p + l + g..p + 2 * l + g] == unit
        })
    })
}

/// True when B's reading lies inside a doubled unit of B (`UU`, or `U、U` with one punctuation
/// mark between) that A does not also carry there: the same words copied twice.
fn is_dittography(site: &Site) -> bool {
    const EXTRA: usize = 12;
    let r = site
        .b_reading()
        .chars()
        .filter(|c| !is_layout_space(*c))
        .count();
    let (w, s, t) = window(site.b_text, site.b, 2 * (r + EXTRA) + 1);
    let (aw, _, _) = window(site.a_text, site.a, 2 * (r + EXTRA) + 1);
    let punct: Vec<bool> = w.iter().map(|&c| is_punctuation(c)).collect();
    for l in 1..=r + EXTRA {
        for g in [0, 1] {
            let span = 2 * l + g;
            for p in t.saturating_sub(span)..=s {
                if p + span > w.len() {
                    break;
                }
                let unit = &w[p..p + l];
                if (g == 0 || punct[p + l])
                    && unit == &w[p + l + g..p + span]
                    && punct[p..p + l].contains(&false)
                    && !has_doubling(&aw, unit)
                {
                    return true;
                }
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Classifies the change from `a` to `b` where each is `before[reading]after`.
    fn kind(a: &str, b: &str) -> Kind {
        let range = |s: &str| s.find('[').unwrap()..s.find(']').unwrap() - 1;
        let strip = |s: &str| s.replace(['[', ']'], "");
        let (ta, tb) = (strip(a), strip(b));
        classify(&Site::new(&ta, range(a), &tb, range(b))).kind
    }

    #[test]
    fn kinds_of_the_corpus_examples() {
        assert_eq!(kind("跨[里]海", "跨[]海"), Kind::Omission);
        assert_eq!(
            kind("等新[模式]新业态惠及", "等新[业态]新业态惠及"),
            Kind::Dittography
        );
        assert_eq!(kind("[五]要维护", "[二是]要维护"), Kind::Numeral);
        assert_eq!(kind("[新华社6月17日电]两年", "[]两年"), Kind::Omission);
        assert_eq!(kind("超过1[2]0万", "超过1[]0万"), Kind::Numeral);
        assert_eq!(kind("文化[年]、", "文化[节]、"), Kind::Substitution);
        assert_eq!(kind("总统[，]各位", "总统[,]各位"), Kind::Width);
        assert_eq!(kind("中国[—]中亚", "中国[-]中亚"), Kind::Dash);
        assert_eq!(kind("中国[]中亚", "中国[—]中亚"), Kind::Punctuation);
        assert_eq!(kind("中国[、]中亚", "中国[，]中亚"), Kind::Punctuation);
        assert_eq!(kind("班列成[]功", "班列成[\n\n]功"), Kind::Layout);
        assert_eq!(kind("[“]好", "[\"]好"), Kind::Quote);
        assert_eq!(kind("互[尊互信]，", "互[信互尊]，"), Kind::Transposition);
        assert_eq!(
            kind("蒸蒸日上[]的", "蒸蒸日上[、蒸蒸日上]的"),
            Kind::Dittography
        );
    }

    #[test]
    fn invisible_characters_are_their_own_kind() {
        let c = |a: &str, b: &str| classify(&Site::new(a, 0..a.len(), b, 0..b.len()));
        // An override around a number: the bytes still read 001.
        let rlo = c("001", "\u{202E}001\u{202C}");
        assert_eq!(rlo.kind, Kind::Invisible);
        assert_eq!(rlo.class, Class::Cosmetic);
        assert_eq!(rlo.severity, Severity::Medium);
        assert!(rlo.listed(false));
        for (a, b) in [
            ("", "\u{200B}"),
            ("ab", "a\u{00AD}b"),
            ("x", "x\u{1B}"),
            (" ", "\u{FEFF}"),
            ("，", ",\u{200D}"),
        ] {
            let v = c(a, b);
            assert_eq!(
                (v.kind, v.severity),
                (Kind::Invisible, Severity::Low),
                "{a:?} {b:?}"
            );
        }
        // A substantive change is judged on what a reader sees.
        assert_eq!(c("五", "\u{202E}二").kind, Kind::Numeral);
        assert_eq!(c("甲", "乙\u{200B}").kind, Kind::Substitution);
        // The same invisible character on both sides does not make a variant invisible.
        assert_eq!(c("\u{200B}，", "\u{200B},").kind, Kind::Width);
        assert_eq!(c("a b", "a\nb").kind, Kind::Layout);
        assert!(!c("a b", "a\nb").listed(false) && c("a b", "a\nb").listed(true));
    }

    #[test]
    fn doubling_already_in_a_is_not_dittography() {
        assert_eq!(kind("研究研究[]吧", "研究研究[好]吧"), Kind::Addition);
    }

    #[test]
    fn severity_is_high_for_numerals_and_long_changes() {
        let s = |a: &str, b: &str| classify(&Site::new(a, 0..a.len(), b, 0..b.len())).severity;
        assert_eq!(s("五", "二"), Severity::High);
        assert_eq!(s("甲", "乙"), Severity::Medium);
        assert_eq!(s("", "一带路上的风景很好看"), Severity::High);
        assert_eq!(s("consolidated", "cemented"), Severity::Medium);
        assert_eq!(s("", "three decades of openness"), Severity::High);
        assert_eq!(s("，", ","), Severity::Low);
    }
}
