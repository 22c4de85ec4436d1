//! Character classes: which characters are CJK, whitespace, punctuation, numerals, dashes,
//! quotes, sentence enders. One table each, shared by normalization, segmentation,
//! tokenization and classification, and written out canonically so that a profile's digest
//! changes whenever a class that decides what matches changes.

use std::fmt::Write as _;

use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

/// Han, kana, bopomofo, CJK punctuation and full-width forms: scripts written without spaces.
/// (Hangul is not here: Korean separates words with spaces.)
pub const CJK: &[(char, char)] = &[
    ('\u{2E80}', '\u{2FDF}'),   // radicals
    ('\u{3000}', '\u{303F}'),   // CJK symbols and punctuation
    ('\u{3040}', '\u{30FF}'),   // hiragana, katakana
    ('\u{3100}', '\u{312F}'),   // bopomofo
    ('\u{31A0}', '\u{31FF}'),   // bopomofo extended, strokes, katakana extensions
    ('\u{3400}', '\u{4DBF}'),   // extension A
    ('\u{4E00}', '\u{9FFF}'),   // unified ideographs
    ('\u{F900}', '\u{FAFF}'),   // compatibility ideographs
    ('\u{FE10}', '\u{FE1F}'),   // vertical forms
    ('\u{FE30}', '\u{FE4F}'),   // compatibility forms
    ('\u{FF00}', '\u{FFEF}'),   // half-width and full-width forms
    ('\u{20000}', '\u{3FFFF}'), // extensions B and later
];

/// Scripts written without spaces that are not CJK (Thai, Lao, Tibetan, Myanmar, Khmer): their
/// letters are compared per cluster, not as words.
pub const UNSPACED: &[(char, char)] = &[
    ('\u{0E00}', '\u{0FFF}'),
    ('\u{1000}', '\u{109F}'),
    ('\u{1780}', '\u{17FF}'),
];

/// Dashes that `loose` reads as `-` (full-width `－` arrives here already as `-`).
pub const DASHES: &[char] = &[
    '-', '\u{2010}', '\u{2011}', '\u{2012}', '\u{2013}', '\u{2014}', '\u{2015}', '\u{2212}',
    '\u{2E3A}', '\u{2E3B}', '\u{FE58}', '\u{FE63}',
];
/// Double quotes (and CJK corner brackets) that `loose` reads as `"`.
pub const DOUBLE_QUOTES: &[char] = &[
    '"', '\u{201C}', '\u{201D}', '\u{201E}', '\u{201F}', '\u{00AB}', '\u{00BB}', '\u{300C}',
    '\u{300D}', '\u{301D}', '\u{301E}', '\u{301F}',
];
/// Single quotes (and white corner brackets) that `loose` reads as `'`.
pub const SINGLE_QUOTES: &[char] = &[
    '\'', '\u{2018}', '\u{2019}', '\u{201A}', '\u{201B}', '\u{2039}', '\u{203A}', '\u{300E}',
    '\u{300F}',
];
/// Invisible characters that `layout` treats as whitespace.
pub const ZERO_WIDTH: &[char] = &['\u{200B}', '\u{2060}', '\u{FEFF}'];

/// Characters that end a sentence (a `.` only when followed by a space or the end).
pub const SENTENCE_ENDERS: &[char] = &['。', '！', '？', '!', '?', '；', ';'];
/// Closing quotes and brackets that stay with the sentence they close.
pub const CLOSERS: &[char] = &['”', '’', '」', '』', '）', ')', '】', '》', '"', '\''];
/// Characters besides sentence enders and closers that may end a paragraph.
pub const PARAGRAPH_ENDERS: &[char] = &['：', ':', '…', '.'];

/// Chinese numerals, including the financial forms.
pub const CJK_NUMERALS: &str = "〇零一二三四五六七八九十百千万亿两壹贰叁肆伍陆柒捌玖拾佰仟萬億";

fn in_ranges(c: char, ranges: &[(char, char)]) -> bool {
    ranges.iter().any(|&(lo, hi)| (lo..=hi).contains(&c))
}

/// True for a character of a script written without spaces between words (see [`CJK`]).
pub fn is_cjk(c: char) -> bool {
    in_ranges(c, CJK)
}

/// Whitespace for `layout`: Unicode White_Space plus zero-width spaces.
pub fn is_layout_space(c: char) -> bool {
    c.is_whitespace() || ZERO_WIDTH.contains(&c)
}

/// Letters and digits of scripts that separate words with spaces.
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_cjk(c) && !in_ranges(c, UNSPACED)
}

/// Punctuation and symbols (Unicode general categories P and S).
pub fn is_punctuation(c: char) -> bool {
    matches!(
        c.general_category_group(),
        GeneralCategoryGroup::Punctuation | GeneralCategoryGroup::Symbol
    )
}

/// A digit of any script, or a Chinese numeral (full-width digits included).
pub fn is_numeral(c: char) -> bool {
    let c = fold_width(c);
    c.is_numeric() || CJK_NUMERALS.contains(c)
}

/// See [`SENTENCE_ENDERS`].
pub fn ends_sentence(c: char) -> bool {
    SENTENCE_ENDERS.contains(&c)
}

/// See [`CLOSERS`].
pub fn is_closer(c: char) -> bool {
    CLOSERS.contains(&c)
}

/// Characters that may end a paragraph: sentence enders, colons, closing quotes and brackets.
pub fn ends_paragraph(c: char) -> bool {
    PARAGRAPH_ENDERS.contains(&c) || ends_sentence(c) || is_closer(c)
}

/// Full-width ASCII forms (U+FF01..U+FF5E) as ASCII; the ideographic space as a space.
pub fn fold_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Width, dash and quote folding of the `loose` profile.
pub fn fold_loose(c: char) -> char {
    let c = fold_width(c);
    if DASHES.contains(&c) {
        '-'
    } else if DOUBLE_QUOTES.contains(&c) {
        '"'
    } else if SINGLE_QUOTES.contains(&c) {
        '\''
    } else {
        c
    }
}

/// One table as a canonical line: `name: U+XXXX U+YYYY…`.
pub(crate) fn table(name: &str, chars: &[char]) -> String {
    let list: Vec<String> = chars
        .iter()
        .map(|c| format!("U+{:04X}", *c as u32))
        .collect();
    format!("{name}: {}\n", list.join(" "))
}

/// Ranges as a canonical line: `name: U+XXXX..U+YYYY …`.
pub(crate) fn ranges(name: &str, ranges: &[(char, char)]) -> String {
    let mut s = format!("{name}:");
    for &(lo, hi) in ranges {
        let _ = write!(s, " U+{:04X}..U+{:04X}", lo as u32, hi as u32);
    }
    s + "\n"
}

/// The classes that decide where layout is dropped and where paragraphs end, written out
/// canonically for the profile digest.
pub(crate) fn rules() -> String {
    ranges("cjk (no space needed)", CJK)
        + &ranges("unspaced scripts (per cluster)", UNSPACED)
        + &table("sentence enders", SENTENCE_ENDERS)
        + &table("closers", CLOSERS)
        + &table("paragraph enders", PARAGRAPH_ENDERS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_of_the_corpus_characters() {
        assert!(is_cjk('跨') && is_cjk('，') && is_cjk('ア') && !is_cjk('한'));
        assert!(is_word_char('a') && is_word_char('é') && !is_word_char('跨'));
        assert!(!is_word_char('ก'));
        assert!(is_numeral('五') && is_numeral('１') && !is_numeral('a'));
        assert!(ends_paragraph('。') && ends_paragraph('”') && !ends_paragraph('成'));
        assert_eq!(fold_loose('—'), '-');
        assert_eq!(fold_loose('“'), '"');
        assert_eq!(fold_loose('，'), ',');
    }

    #[test]
    fn rules_list_every_range() {
        let r = rules();
        assert!(r.contains("U+4E00..U+9FFF"), "{r}");
        assert!(r.contains("sentence enders: U+3002"), "{r}");
    }
}
