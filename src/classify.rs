//! What kind of difference a variant is, whether it matters, and how much.
//!
//! Classification looks only at the two original readings (and, for dittography, at the text
//! around them), never at the profile: `，`→`,` is a width variant whether or not the profile
//! folded it. The profile decides what the aligner treats as equal and what CER counts.

use std::ops::Range;

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use crate::cause::{Causes, causes, single_look_alike};
use crate::chars::{
    DASHES, DOUBLE_QUOTES, SINGLE_QUOTES, fold_loose, fold_width, is_bidi_control, is_cjk,
    is_layout_space, is_punctuation, is_unseen, is_word_char, may_touch_a_number, read_numbers,
};
use crate::orthography::{Scripts, readings_kind, script};

/// Variant kinds, in the order reports list them. Terms follow textual criticism.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Whitespace and line breaks.
    Layout,
    /// The same paragraph or line break written another way: one line break against a blank
    /// line (`⏎`/`⏎⏎`), `\r\n` against `\n`. Text reports fold them into one line.
    Separator,
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
    /// 異體字: one form of a character for another (`爲`/`為`, `高`/`髙`, `略`/`畧`), per
    /// OpenCC's variant tables, Unihan `kSemanticVariant`/`kZVariant` and a short hand-checked
    /// list (see `orthography`).
    VariantForm,
    /// A simplified character for its traditional form or the reverse (`国`/`國`). A pair that
    /// is one-to-many (`后`/`後`) counts only between witnesses written in different scripts.
    Script,
    /// A CJK or Kangxi radical (U+2E80–U+2FDF) written for the unified ideograph it looks
    /// like (`⻝`/`食`).
    Radical,
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
    /// 移: a passage carried to another place (a sentence or paragraph omitted here and the
    /// same words added there). One variant with both places.
    Move,
    /// A number or a Chinese numeral differs.
    Numeral,
}

/// Whether a variant changes the text (substantive) or only how it is written (cosmetic).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// Layout, normalization, width, dashes, quotes, punctuation, variant forms, script,
    /// radicals, invisible characters.
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
    /// Every kind: the cosmetic ones, then the substantive ones.
    pub const ALL: [Kind; 18] = [
        Kind::Layout,
        Kind::Separator,
        Kind::Normalization,
        Kind::Width,
        Kind::Dash,
        Kind::Quote,
        Kind::Punctuation,
        Kind::VariantForm,
        Kind::Script,
        Kind::Radical,
        Kind::Invisible,
        Kind::Substitution,
        Kind::Omission,
        Kind::Addition,
        Kind::Dittography,
        Kind::Transposition,
        Kind::Move,
        Kind::Numeral,
    ];

    /// One sentence on what the kind is, for the rules of CI formats.
    pub fn description(self) -> &'static str {
        match self {
            Kind::Layout => "white space or line breaks differ.",
            Kind::Separator => "the same paragraph or line break written another way.",
            Kind::Normalization => "canonically equivalent spellings (NFC against NFD).",
            Kind::Width => "the same character in another width (full-width against ASCII).",
            Kind::Dash => "one dash for another.",
            Kind::Quote => "one quotation mark for another.",
            Kind::Punctuation => "a punctuation mark added, dropped or replaced.",
            Kind::VariantForm => "one form of a character for another (異體字).",
            Kind::Script => "a simplified character for its traditional form, or the reverse.",
            Kind::Radical => "a radical written for the ideograph it looks like.",
            Kind::Invisible => "characters a reader cannot see added, dropped or replaced.",
            Kind::Substitution => "text replaced by other text.",
            Kind::Omission => "text of the reference missing here.",
            Kind::Addition => "text here that the reference does not have.",
            Kind::Dittography => "an addition that repeats adjacent text.",
            Kind::Transposition => "two neighbouring pieces of text in the other order.",
            Kind::Move => "a passage carried to another place.",
            Kind::Numeral => "a number or a Chinese numeral differs.",
        }
    }

    /// The cosmetic kinds, in report order: the kinds `witness diff --substantive` can make
    /// count as substantive.
    pub const COSMETIC: &[Kind] = Kind::ALL.split_at(11).0;

    /// Cosmetic or substantive.
    pub fn class(self) -> Class {
        match self {
            Kind::Layout
            | Kind::Separator
            | Kind::Normalization
            | Kind::Width
            | Kind::Dash
            | Kind::Quote
            | Kind::Punctuation
            | Kind::VariantForm
            | Kind::Script
            | Kind::Radical
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
            Kind::Separator => "separator",
            Kind::Normalization => "normalization",
            Kind::Width => "width",
            Kind::Dash => "dash",
            Kind::Quote => "quote",
            Kind::Punctuation => "punctuation",
            Kind::VariantForm => "variant_form",
            Kind::Script => "script",
            Kind::Radical => "radical",
            Kind::Invisible => "invisible",
            Kind::Substitution => "substitution",
            Kind::Omission => "omission",
            Kind::Addition => "addition",
            Kind::Dittography => "dittography",
            Kind::Transposition => "transposition",
            Kind::Move => "move",
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
    /// For a substitution, why it may have happened (see [`crate::cause`]); empty otherwise.
    pub causes: Causes,
}

impl Classification {
    fn of(kind: Kind, severity: Severity) -> Classification {
        Classification {
            kind,
            class: kind.class(),
            severity,
            causes: Causes::NONE,
        }
    }

    /// The same verdict counted as substantive (severity at least medium): for a user who
    /// collates what is cosmetic by default (`witness diff --substantive script`).
    pub fn as_substantive(self) -> Classification {
        Classification {
            class: Class::Substantive,
            severity: self.severity.max(Severity::Medium),
            ..self
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
    /// The scripts of the two whole texts (simplified, traditional…), shared by the sites of
    /// one comparison so that each is computed once, and only when a site needs it. `None`:
    /// computed from `a_text` and `b_text` each time a site needs them.
    pub scripts: Option<Scripts<'t>>,
}

impl<'t> Site<'t> {
    /// The site of readings `a` of `a_text` and `b` of `b_text`.
    pub fn new(a_text: &'t str, a: Range<usize>, b_text: &'t str, b: Range<usize>) -> Self {
        Site {
            a_text,
            a: (a.start, a.end),
            b_text,
            b: (b.start, b.end),
            scripts: None,
        }
    }

    /// The same site, reading the witnesses' scripts from `scripts` (computed once per
    /// comparison).
    pub fn with_scripts(mut self, scripts: Scripts<'t>) -> Self {
        self.scripts = Some(scripts);
        self
    }

    /// True when one witness is written in simplified and the other in traditional
    /// characters ([`crate::orthography::script`] of each whole text).
    pub fn scripts_differ(&self) -> bool {
        match self.scripts {
            Some(s) => s.a(self.a_text).differs(s.b(self.b_text)),
            None => script(self.a_text).differs(script(self.b_text)),
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
pub(crate) const LONG_VARIANT: usize = 8;
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
        let line_break = |r: &str| r.chars().all(char::is_whitespace) && r.contains(['\n', '\r']);
        let kind = if line_break(ra) && line_break(rb) {
            Kind::Separator
        } else {
            Kind::Layout
        };
        return cosmetic(kind);
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
        // A decimal point added or dropped between digits changes a value (`3.5`/`35`); a
        // full stop after a number (`16.⏎`/`16⏎`) does not.
        if kind == Kind::Punctuation && splits_digits(site) && changes_a_number(site) {
            return Classification::of(Kind::Numeral, Severity::High);
        }
        return cosmetic(kind);
    }
    // Orthographic variation — variant forms (異體字), simplified against traditional,
    // radicals — is cosmetic: decided here, before the substantive kinds.
    // Radicals are symbols, so the readings are compared with their marks too, then without.
    if let Some(kind) = readings_kind(&fa, &fb, || site.scripts_differ())
        .or_else(|| readings_kind(&la, &lb, || site.scripts_differ()))
    {
        return cosmetic(kind);
    }
    // Compatibility forms are one spelling written another way: ligatures (`ﬀ`/`ff`), the
    // long s (`ſ`/`s`), superscript digits. (Radicals decompose too; decided just above.)
    if fa.iter().copied().nfkc().eq(fb.iter().copied().nfkc()) {
        return cosmetic(Kind::Normalization);
    }
    let severity = if weight(site.a_reading()).max(weight(site.b_reading())) >= LONG_VARIANT {
        Severity::High
    } else {
        Severity::Medium
    };
    // An OCR look-alike inside a Latin word (`Pa1ace`, `[-local-]{+1ocal+}`) is a misread
    // letter, not a number.
    if is_lookalike(site) {
        return Classification {
            causes: Causes::LOOK_ALIKE,
            ..Classification::of(Kind::Substitution, Severity::Medium)
        };
    }
    // A mark read as a letter or a digit (`§`/`8`, `§`/`S`, `side`/`—`): one reading is
    // only marks, none of them in the other reading.
    let marks_only = |l: &[char], own: &[char], other: &[char]| {
        l.is_empty() && !own.is_empty() && own.iter().all(|c| !other.contains(c))
    };
    if !na.is_empty() && !nb.is_empty() && (marks_only(&la, &fa, &fb) || marks_only(&lb, &fb, &fa))
    {
        return Classification {
            causes: causes(&fa, &fb),
            ..Classification::of(Kind::Substitution, severity)
        };
    }
    // One letter in another case (`c`/`C`): a substitution, never a copy of the next word.
    if la.len() == lb.len()
        && la
            .iter()
            .zip(&lb)
            .all(|(x, y)| x.to_lowercase().eq(y.to_lowercase()))
    {
        return Classification::of(Kind::Substitution, severity);
    }
    // AB read as BA, numbers included (`五十`/`十五`: high, the value changed).
    if la.len() >= 2 && same_letters(&la, &lb) {
        return transposition_with(site, severity);
    }
    // A numeral variant changes the value of a number; a word that contains a numeral
    // character (`一定`/`必定`) or an omitted dateline that has a date in it is not one.
    if changes_a_number(site) {
        return Classification::of(Kind::Numeral, Severity::High);
    }
    if !lb.is_empty() && is_dittography(site) {
        return Classification::of(Kind::Dittography, severity);
    }
    if la.is_empty() {
        Classification::of(Kind::Addition, severity)
    } else if lb.is_empty() {
        Classification::of(Kind::Omission, severity)
    } else {
        Classification {
            causes: causes(&la, &lb),
            ..Classification::of(Kind::Substitution, severity)
        }
    }
}

/// True when `reading` is only a number (not the article `一`) followed by a unit or a
/// measure word ([`crate::chars::NUMBER_UNITS`]).
fn counts_something(reading: &str, after: &str) -> bool {
    let mut r = reading.chars().filter(|c| !c.is_whitespace()).peekable();
    let first = r.peek().copied();
    let numeral_only = r.all(crate::chars::is_numeral);
    let next = after.chars().find(|c| !is_layout_space(*c));
    numeral_only
        && first.is_some_and(|c| c != '一')
        && next.is_some_and(|n| crate::chars::NUMBER_UNITS.contains(n))
}

/// True when a reading that is only `.` or `,` sits between two digits of its text (a decimal
/// point or a thousands separator), or an empty reading sits between two digits.
fn splits_digits(site: &Site) -> bool {
    // Written tight: `27.⏎28.` is two list numbers, not 27.28.
    let between = |text: &str, (s, e): (usize, usize)| {
        let before = text[..s].chars().next_back();
        let after = text[e..].chars().next();
        before.is_some_and(crate::chars::is_digit) && after.is_some_and(crate::chars::is_digit)
    };
    between(site.a_text, site.a) || between(site.b_text, site.b)
}

/// Letters that may come and go around a number without changing what the variant is about:
/// the enumeration marker `是` (`五要`/`二是要`) and the ordinal prefix `第` (`第三`/`四`).
const NUMBER_MARKERS: &[char] = &['是', '第'];

/// True when the variant changes the value of a number (see [`crate::chars::read_numbers`]
/// for what a number is): both readings touch a number, the numbers differ, and the rest of
/// the readings is the same, but for enumeration and ordinal markers ([`NUMBER_MARKERS`]), or
/// for at most two letters (`5%左右`/`4%`). A rewritten clause that happens to have a number
/// in it is a substitution, omission or addition, and so is a number added or dropped where
/// the other reading has none (`这是一个`/`这是个`, a footnote mark `[22]`).
fn changes_a_number(site: &Site) -> bool {
    if !may_touch_a_number(site.a_text, site.a.0..site.a.1)
        && !may_touch_a_number(site.b_text, site.b.0..site.b.1)
    {
        return false; // no number on either side: the same (no) values
    }
    let x = read_numbers(site.a_text, site.a.0..site.a.1);
    let y = read_numbers(site.b_text, site.b.0..site.b.1);
    if x.values == y.values {
        return false;
    }
    // A number where the other reading has none changes a value when it counts something
    // (`有三个问题`/`有个问题`); otherwise it was added or dropped (a footnote mark `[22]`,
    // OCR debris, the article `一` of `这是一个`/`这是个`): an addition or omission.
    // A number read as letters (`l. [-9-]{+a+}.`, OCR) is a substitution.
    if x.values.is_empty() || y.values.is_empty() {
        let (without, text, (s, e)) = if x.values.is_empty() {
            (&x, site.b_text, site.b)
        } else {
            (&y, site.a_text, site.a)
        };
        return without.rest.is_empty() && counts_something(&text[s..e], &text[e..]);
    }
    let strip = |r: &[char]| -> Vec<char> {
        r.iter()
            .copied()
            .filter(|c| !NUMBER_MARKERS.contains(c))
            .collect()
    };
    strip(&x.rest) == strip(&y.rest) || letters_apart(&x.rest, &y.rest) <= 2
}

/// How many letters the two lists do not share (size of the multiset symmetric difference).
fn letters_apart(a: &[char], b: &[char]) -> usize {
    let mut left: Vec<char> = b.to_vec();
    let mut apart = 0;
    for c in a {
        match left.iter().position(|x| x == c) {
            Some(i) => {
                left.swap_remove(i);
            }
            None => apart += 1,
        }
    }
    apart + left.len()
}

/// The classification of a transposition at `site`: `severity`, but high when it changes
/// the value of a number (`五十`/`十五`).
fn transposition_with(site: &Site, severity: Severity) -> Classification {
    let x = read_numbers(site.a_text, site.a.0..site.a.1);
    let y = read_numbers(site.b_text, site.b.0..site.b.1);
    let severity = if x.values != y.values {
        Severity::High
    } else {
        severity
    };
    Classification::of(Kind::Transposition, severity)
}

/// The classification of a passage that `diff` found omitted in one place and added in
/// another: a move, medium (no words are lost; the order changed).
pub(crate) fn moved() -> Classification {
    Classification::of(Kind::Move, Severity::Medium)
}

/// The classification of two changes that `diff` joined into one transposition (`年五⏎十`
/// read as `年十⏎五`): high when a number's value changed or the readings are long, else
/// medium.
pub(crate) fn transposition(site: &Site) -> Classification {
    let long = weight(site.a_reading()).max(weight(site.b_reading())) >= LONG_VARIANT;
    let severity = if long {
        Severity::High
    } else {
        Severity::Medium
    };
    transposition_with(site, severity)
}

/// True when the Latin words around the two readings have the same length and differ only
/// in OCR confusions ([`crate::cause::single_look_alike`]: `Pa1ace`/`Palace`, `1ocal`/`local`, `wil1`/`will`): an OCR misreading
/// of a letter, not a changed number.
fn is_lookalike(site: &Site) -> bool {
    const REACH: usize = 64;
    let word = |text: &str, (s, e): (usize, usize)| -> Vec<char> {
        let in_word = |c: &char| is_word_char(fold_width(*c)) || *c == '|';
        let before: Vec<char> = text[..s]
            .chars()
            .rev()
            .take_while(in_word)
            .take(REACH)
            .collect();
        let mut w: Vec<char> = before.into_iter().rev().collect();
        w.extend(text[s..e].chars());
        w.extend(text[e..].chars().take_while(in_word).take(REACH));
        w.into_iter().map(fold_width).collect()
    };
    let (x, y) = (word(site.a_text, site.a), word(site.b_text, site.b));
    x.len() == y.len()
        && x != y
        && x.iter()
            .zip(&y)
            .all(|(&p, &q)| p == q || single_look_alike(p, q))
}

/// How much text a reading carries: 1 per ideograph (or other character of a script written
/// without spaces), 2 per word of a script written with spaces; punctuation weighs nothing.
pub(crate) fn weight(reading: &str) -> usize {
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
                && w[p] == w[p + l + g] // most places differ at once
                && (g == 0 || is_punctuation(w[p + l]))
                && &w[p..p + l] == unit
                && &w[p + l + g..p + 2 * l + g] == unit
        })
    })
}

/// True when `w[s..t]` lies inside a doubled unit of length `l` (`UU`, or `U、U`) of `w`.
fn doubling_around(w: &[char], s: usize, t: usize, l: usize) -> bool {
    [0, 1].iter().any(|&g| {
        let span = 2 * l + g;
        (t.saturating_sub(span)..=s).any(|p| {
            p + span <= w.len()
                && w[p] == w[p + l + g] // most places differ at once
                && (g == 0 || is_punctuation(w[p + l]))
                && w[p..p + l] == w[p + l + g..p + span]
                && w[p..p + l].iter().any(|&c| !is_punctuation(c))
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
    let (aw, as_, at) = window(site.a_text, site.a, 2 * (r + EXTRA) + 1);
    let punct: Vec<bool> = w.iter().map(|&c| is_punctuation(c)).collect();
    for l in 1..=r + EXTRA {
        // A doubled word read as another doubled word (`淼淼`/`渺渺`): A's reading lies in a
        // doubling of the same length, so B copies nothing A lacks; a substitution. (Asked
        // only once B has a doubling of this length: most lengths have none.)
        let mut a_doubles = None;
        for g in [0, 1] {
            let span = 2 * l + g;
            for p in t.saturating_sub(span)..=s {
                if p + span > w.len() {
                    break;
                }
                let unit = &w[p..p + l];
                if w[p] == w[p + l + g] // most places differ at once
                    && (g == 0 || punct[p + l])
                    && unit == &w[p + l + g..p + span]
                    && punct[p..p + l].contains(&false)
                    // Repeated digits are how numbers are written (`22`, `1100`), never a copy.
                    && !unit.iter().all(|&c| crate::chars::is_digit(c))
                    && !*a_doubles.get_or_insert_with(|| as_ < at && doubling_around(&aw, as_, at, l))
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

    #[test]
    fn the_cosmetic_kinds_are_the_first_of_all_kinds() {
        let cosmetic: Vec<Kind> = Kind::ALL
            .into_iter()
            .filter(|k| k.class() == Class::Cosmetic)
            .collect();
        assert_eq!(Kind::COSMETIC, cosmetic.as_slice());
        assert_eq!(Kind::COSMETIC.len(), 11);
    }

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

    /// The classification of `before[reading]after` in A against the same in B.
    fn verdict(a: &str, b: &str) -> Classification {
        let range = |s: &str| s.find('[').unwrap()..s.find(']').unwrap() - 1;
        let strip = |s: &str| s.replace(['[', ']'], "");
        let (ta, tb) = (strip(a), strip(b));
        classify(&Site::new(&ta, range(a), &tb, range(b)))
    }

    /// A line break written another way is a separator; a break added, dropped or read as a
    /// space is layout.
    #[test]
    fn separators_and_layout() {
        assert_eq!(kind("发展[\n]合作", "发展[\n\n]合作"), Kind::Separator);
        assert_eq!(
            kind("spirit.[\n]Thank", "spirit.[\r\n]Thank"),
            Kind::Separator
        );
        assert_eq!(kind("发展[\n \n]合作", "发展[\n]合作"), Kind::Separator);
        assert_eq!(kind("发展[]合作", "发展[\n]合作"), Kind::Layout);
        assert_eq!(kind("ready[ ]to", "ready[\n]to"), Kind::Layout);
        assert_eq!(kind("ready[ ]to", "ready[  ]to"), Kind::Layout);
    }

    /// Patterns met on real OCR ground truth and editions (dinglehopper's test data, two
    /// editions of the 道德經): each was misclassified before.
    #[test]
    fn real_material_patterns() {
        let table = [
            // A ligature or the long s against the letters: compatibility, cosmetic.
            (
                "Leibes⸗[Straﬀe] auf",
                "Leibes⸗[Straffe] auf",
                Kind::Normalization,
            ),
            ("[ﬁne] day", "[fine] day", Kind::Normalization),
            ("[ſo] große", "[so] große", Kind::Normalization),
            // A mark read as a digit, a letter or a word: a substitution.
            ("(eben [§] præced.", "(eben [8] præced.", Kind::Substitution),
            ("(vid. [§].", "(vid. [S].", Kind::Substitution),
            ("on one [side] for", "on one [—] for", Kind::Substitution),
            // A full stop after a number is punctuation; a decimal point is not.
            ("(§. 16[.]\neine", "(§. 16[]\neine", Kind::Punctuation),
            ("增长3[.]5%", "增长3[]5%", Kind::Numeral),
            // A number where the other text has none: added, unless it counts something.
            ("澹兮[]，其若海", "澹兮[22]，其若海", Kind::Addition),
            ("有[三]个问题", "有[]个问题", Kind::Numeral),
            // A number read as a letter, a list number's point dropped at a line end.
            ("l. [9]. ſo", "l. [a]. ſo", Kind::Substitution),
            ("18. [19]. ſo", "18. [9]. ſo", Kind::Numeral),
            ("27[.]\n28.)", "27[]\n28.)", Kind::Punctuation),
            // A letter in another case is not a copy of the word before it.
            ("l. 1. C. [c]. de", "l. 1. C. [C]. de", Kind::Substitution),
        ];
        for (a, b, want) in table {
            assert_eq!(kind(a, b), want, "{a} / {b}");
        }
    }

    /// Words that contain a numeral character, read as other words: never `numeral` (issue
    /// 13; from the list of `chars::NUMERAL_WORDS` and the news text of the corpus).
    #[test]
    fn words_with_numeral_characters_are_not_numerals() {
        let table = [
            ("我们[一定]要坚持", "我们[必定]要坚持"),
            ("我们[一]定要坚持", "我们[必]定要坚持"),
            ("各方[一致]同意", "各方[均]同意"),
            ("中方愿同各方[一道]，弘扬", "中方愿同各方[共同]，弘扬"),
            ("全国人民[万众一心]，", "全国人民[众志成城]，"),
            ("让我们[一起]努力", "让我们[共同]努力"),
            ("[一切]从实际出发", "[凡事]从实际出发"),
            ("[一般]来说", "[通常]来说"),
            ("[一样]重要", "[同样]重要"),
            ("中方[一直]坚持", "中方[始终]坚持"),
            ("[一些]国家", "[部分]国家"),
            ("国家[统一]大业", "国家[团结]大业"),
            ("这是[唯一]选择", "这是[最佳]选择"),
            ("[万一]发生", "[假如]发生"),
            ("不能[三心二意]，", "不能[犹豫不决]，"),
            ("共建“[一带一路]”", "共建“[丝绸之路]”"),
            ("[进一步]深化合作", "[持续]深化合作"),
            ("一[系列]措施", "一[揽子]措施"),
            ("[一系列]措施", "[许多]措施"),
            ("[一方面]，", "[首先]，"),
            ("[一旦]发生", "[如果]发生"),
            ("中方的[一贯]立场", "中方的[既定]立场"),
            ("[一如既往]地支持", "[始终]地支持"),
            ("这[十分]重要", "这[非常]重要"),
            ("[千万]不要", "[绝对]不要"),
            ("[一同]出席", "[共同]出席"),
            ("人民[一心]向党", "人民[同心]向党"),
            ("[百姓]生活", "[群众]生活"),
            ("来自[四面八方]的", "来自[各地]的"),
            ("[五湖四海]的朋友", "[世界各地]的朋友"),
            ("[一流]大学", "[顶尖]大学"),
            ("[四川]省", "[云南]省"),
            ("[同一]个世界", "[这]个世界"),
            ("这是[一]个问题", "这是[这]个问题"),
        ];
        for (a, b) in table {
            assert_eq!(
                verdict(a, b),
                Classification::of(Kind::Substitution, Severity::Medium),
                "{a} / {b}"
            );
        }
        // A thousands separator is punctuation: the value is the same.
        assert_eq!(kind("超过1[,]200人", "超过1[]200人"), Kind::Punctuation);
        let table = [
            // A rewritten clause that happens to contain 一 (scan of 000 and 003).
            (
                "重要贡献。[进入新时代，中方愿同各方\n\n一道，]弘扬",
                "重要贡献。[我们要]弘扬",
            ),
            // A dropped clause with a date in it is an omission (or a substitution).
            ("[各位同事！去年十月]，中国", "[习近平最后指出]，中国"),
            ("[新华社6月17日电]两年", "[]两年"),
            ("这是[一]个问题", "这是[]个问题"),
            ("这是[]个问题", "这是[一]个问题"),
            // The same value written another way is a substitution.
            ("超过[120]万", "超过[一百二十]万"),
        ];
        for (a, b) in table {
            assert_ne!(verdict(a, b).kind, Kind::Numeral, "{a} / {b}");
        }
        assert_eq!(
            verdict("[各位同事！去年十月]，", "[习近平最后指出]，").kind,
            Kind::Substitution
        );
        assert_eq!(
            verdict("[新华社6月17日电]两年", "[]两年").kind,
            Kind::Omission
        );
    }

    /// A number's value changed: `numeral`, severity high.
    #[test]
    fn changed_numbers_are_numerals() {
        let table = [
            ("[五]要维护", "[二是]要维护"),
            ("一要合作，[五]要维护", "一要合作，[二是]要维护"),
            ("[一]要合作", "[二]要合作"),
            ("[一]、加强合作", "[二]、加强合作"),
            ("（[一]）加强", "（[二]）加强"),
            ("超过1[2]0万", "超过1[]0万"),
            ("超过[120]万", "超过[10]万"),
            ("超过1[2]0万人次", "超过1[]0万人次"),
            ("[2025]年", "[2024]年"),
            ("202[5]年", "202[4]年"),
            ("二〇二[五]年", "二〇二[四]年"),
            ("[第三]次", "[第四]次"),
            ("第[三]次会议", "第[四]次会议"),
            ("第[三]，", "第[四]，"),
            ("[一百二十]人", "[一百三十]人"),
            ("一百[二]十人", "一百[三]十人"),
            ("[３]个", "[４]个"),
            ("[十五]年", "[十六]年"),
            ("十[五]年", "十[六]年"),
            ("[三千万]人", "[三千五百万]人"),
            ("[两]国", "[三]国"),
            ("[壹]万元", "[贰]万元"),
            ("增长[5]%", "增长[4]%"),
            ("增长[5%左右]，", "增长[4%]，"),
            ("6月1[7]日", "6月1[8]日"),
            ("去年[十]月", "去年[十一]月"),
            ("[〇]", "[一]"),
            ("编号[٣]", "编号[٤]"),
            ("[五]", "[二]"),
            ("[G20]峰会", "[G7]峰会"),
            ("三分之[一]的", "三分之[二]的"),
            ("增长3[.]5%", "增长3[]5%"),
            ("增长3[．]5%", "增长3[]5%"),
            ("这是[一]个问题", "这是[两]个问题"),
            ("有[三]个问题", "有[]个问题"),
        ];
        for (a, b) in table {
            assert_eq!(
                verdict(a, b),
                Classification::of(Kind::Numeral, Severity::High),
                "{a} / {b}"
            );
        }
    }

    /// The number a reading touches is read whole, in context.
    #[test]
    fn numbers_are_read_whole() {
        use crate::chars::{number_value, read_numbers};
        for (run, value) in [
            ("一百二十", "120"),
            ("120", "120"),
            ("１２０", "120"),
            ("三千万", "30000000"),
            ("3000万", "30000000"),
            ("二〇二五", "2025"),
            ("1.5万", "15000"),
            ("十五", "15"),
            ("一亿三千万", "130000000"),
            ("两", "2"),
            ("零", "0"),
            ("壹佰", "100"),
        ] {
            assert_eq!(number_value(run), value, "{run}");
        }
        let t = "超过120万人次";
        let r = read_numbers(t, 7..8);
        assert_eq!(r.values, ["1200000"]);
        assert!(r.rest.is_empty());
        let t = "我们一定要";
        assert_eq!(read_numbers(t, 6..9).values, Vec::<String>::new());
        assert_eq!(read_numbers(t, 6..9).rest, ['一']);
    }

    /// An OCR look-alike inside a Latin word is a misread letter: a substitution, medium.
    #[test]
    fn ocr_lookalikes_are_substitutions() {
        for (a, b) in [
            ("the [local] people", "the [1ocal] people"),
            ("the [Palace] of", "the [Pa1ace] of"),
            ("we [will] go", "we [wil1] go"),
            ("an [Island]", "an [1sland]"),
            ("the [OECD] said", "the [0ECD] said"),
            ("[Sino]-", "[5ino]-"),
        ] {
            let v = verdict(a, b);
            assert_eq!(
                (v.kind, v.severity, v.causes.label()),
                (
                    Kind::Substitution,
                    Severity::Medium,
                    "look_alike".to_string()
                ),
                "{a} / {b}"
            );
        }
    }

    /// A reduplicated word read with another character doubled is a substitution; real copies
    /// stay dittography.
    #[test]
    fn reduplication_is_not_dittography() {
        assert_eq!(kind("烟波[淼淼]的湖", "烟波[渺渺]的湖"), Kind::Substitution);
        assert_eq!(kind("[淼淼]", "[渺渺]"), Kind::Substitution);
        assert_eq!(kind("经济[蒸蒸]日上", "经济[腾腾]日上"), Kind::Substitution);
        assert_eq!(
            kind("等新[模式]新业态惠及", "等新[业态]新业态惠及"),
            Kind::Dittography
        );
        assert_eq!(
            kind("蒸蒸日上[]的", "蒸蒸日上[、蒸蒸日上]的"),
            Kind::Dittography
        );
        assert_eq!(kind("新[]业态", "新[业态新]业态"), Kind::Dittography);
    }

    /// Transposed numerals are one transposition, high: the value changed.
    #[test]
    fn transposed_numerals() {
        assert_eq!(
            verdict("[五十]年", "[十五]年"),
            Classification::of(Kind::Transposition, Severity::High)
        );
        assert_eq!(
            verdict("互[尊互信]，", "互[信互尊]，"),
            Classification::of(Kind::Transposition, Severity::Medium)
        );
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
