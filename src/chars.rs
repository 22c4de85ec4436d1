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

/// Invisible and format characters that reports never write raw: bidirectional controls,
/// zero-width characters, the soft hyphen, invisible operators, deprecated format characters,
/// the Hangul fillers that render as nothing, interlinear annotation controls, and tag
/// characters (which can smuggle a hidden ASCII message). Each range with the name the HTML
/// badge shows. Variation selectors, Mongolian free variation selectors and the conjoining
/// Hangul fillers are left out: they choose or build visible glyphs.
pub const INVISIBLE: &[(char, char, &str)] = &[
    ('\u{00AD}', '\u{00AD}', "SOFT HYPHEN"),
    ('\u{034F}', '\u{034F}', "COMBINING GRAPHEME JOINER"),
    ('\u{061C}', '\u{061C}', "ARABIC LETTER MARK"),
    ('\u{17B4}', '\u{17B4}', "KHMER VOWEL INHERENT AQ"),
    ('\u{17B5}', '\u{17B5}', "KHMER VOWEL INHERENT AA"),
    ('\u{200B}', '\u{200B}', "ZERO WIDTH SPACE"),
    ('\u{200C}', '\u{200C}', "ZERO WIDTH NON-JOINER"),
    ('\u{200D}', '\u{200D}', "ZERO WIDTH JOINER"),
    ('\u{200E}', '\u{200E}', "LEFT-TO-RIGHT MARK"),
    ('\u{200F}', '\u{200F}', "RIGHT-TO-LEFT MARK"),
    ('\u{202A}', '\u{202A}', "LEFT-TO-RIGHT EMBEDDING"),
    ('\u{202B}', '\u{202B}', "RIGHT-TO-LEFT EMBEDDING"),
    ('\u{202C}', '\u{202C}', "POP DIRECTIONAL FORMATTING"),
    ('\u{202D}', '\u{202D}', "LEFT-TO-RIGHT OVERRIDE"),
    ('\u{202E}', '\u{202E}', "RIGHT-TO-LEFT OVERRIDE"),
    ('\u{2060}', '\u{2060}', "WORD JOINER"),
    ('\u{2061}', '\u{2061}', "FUNCTION APPLICATION"),
    ('\u{2062}', '\u{2062}', "INVISIBLE TIMES"),
    ('\u{2063}', '\u{2063}', "INVISIBLE SEPARATOR"),
    ('\u{2064}', '\u{2064}', "INVISIBLE PLUS"),
    ('\u{2065}', '\u{2065}', "RESERVED DEFAULT IGNORABLE"),
    ('\u{2066}', '\u{2066}', "LEFT-TO-RIGHT ISOLATE"),
    ('\u{2067}', '\u{2067}', "RIGHT-TO-LEFT ISOLATE"),
    ('\u{2068}', '\u{2068}', "FIRST STRONG ISOLATE"),
    ('\u{2069}', '\u{2069}', "POP DIRECTIONAL ISOLATE"),
    ('\u{206A}', '\u{206A}', "INHIBIT SYMMETRIC SWAPPING"),
    ('\u{206B}', '\u{206B}', "ACTIVATE SYMMETRIC SWAPPING"),
    ('\u{206C}', '\u{206C}', "INHIBIT ARABIC FORM SHAPING"),
    ('\u{206D}', '\u{206D}', "ACTIVATE ARABIC FORM SHAPING"),
    ('\u{206E}', '\u{206E}', "NATIONAL DIGIT SHAPES"),
    ('\u{206F}', '\u{206F}', "NOMINAL DIGIT SHAPES"),
    ('\u{3164}', '\u{3164}', "HANGUL FILLER"),
    ('\u{FEFF}', '\u{FEFF}', "ZERO WIDTH NO-BREAK SPACE"),
    ('\u{FFA0}', '\u{FFA0}', "HALFWIDTH HANGUL FILLER"),
    ('\u{FFF9}', '\u{FFF9}', "INTERLINEAR ANNOTATION ANCHOR"),
    ('\u{FFFA}', '\u{FFFA}', "INTERLINEAR ANNOTATION SEPARATOR"),
    ('\u{FFFB}', '\u{FFFB}', "INTERLINEAR ANNOTATION TERMINATOR"),
    ('\u{E0001}', '\u{E0001}', "LANGUAGE TAG"),
    ('\u{E0020}', '\u{E007F}', "TAG"),
];

/// The bidirectional controls among [`INVISIBLE`]: marks, embeddings, overrides and isolates.
/// They change the order in which a reader sees the characters around them.
pub const BIDI_CONTROLS: &[char] = &[
    '\u{061C}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}',
    '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
];

/// Characters that end a sentence (a `.` only when followed by a space or the end).
pub const SENTENCE_ENDERS: &[char] = &['。', '！', '？', '!', '?', '；', ';'];
/// Closing quotes and brackets that stay with the sentence they close.
pub const CLOSERS: &[char] = &['”', '’', '」', '』', '）', ')', '】', '》', '"', '\''];
/// Characters besides sentence enders and closers that may end a paragraph.
pub const PARAGRAPH_ENDERS: &[char] = &['：', ':', '…', '.'];

/// Chinese numerals, including the financial forms (the file is shared with `build.rs`; it
/// has no line break: a test checks it).
pub const CJK_NUMERALS: &str = include_str!("chars/cjk_numerals.txt");

/// Whether `c` is one of [`CJK_NUMERALS`]: a binary search of them sorted (a `str::contains`
/// for each character read was a hot spot of a scan's classification).
fn is_cjk_numeral(c: char) -> bool {
    static SORTED: std::sync::LazyLock<Vec<char>> = std::sync::LazyLock::new(|| {
        let mut sorted: Vec<char> = CJK_NUMERALS.chars().collect();
        sorted.sort_unstable();
        sorted
    });
    SORTED.binary_search(&c).is_ok()
}

fn in_ranges(c: char, ranges: &[(char, char)]) -> bool {
    ranges.iter().any(|&(lo, hi)| (lo..=hi).contains(&c))
}

/// True for a character of a script written without spaces between words (see [`CJK`]).
pub fn is_cjk(c: char) -> bool {
    // The unified ideographs (one of the ranges) first: most characters of Chinese text.
    is_unified_ideograph(c) || in_ranges(c, CJK)
}

/// [`char::is_alphanumeric`], answered at once for the unified ideographs (every one of them is
/// a letter), which the standard library looks up in its slow tables: most characters of
/// Chinese text; and for ASCII and the CJK punctuation (`、。`, full-width `，！：；？（）`)
/// between them. (A test checks every character against the standard library.)
pub fn is_alphanumeric(c: char) -> bool {
    match c {
        '\u{4E00}'..='\u{9FFF}' => true,
        _ if c.is_ascii() => c.is_ascii_alphanumeric(),
        '\u{3001}' | '\u{3002}' | '\u{FF01}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}' => false,
        _ => c.is_alphanumeric(),
    }
}

/// Whitespace for `layout`: Unicode White_Space plus zero-width spaces.
pub fn is_layout_space(c: char) -> bool {
    c.is_whitespace() || ZERO_WIDTH.contains(&c)
}

/// The name of an invisible or format character of [`INVISIBLE`], or `None`.
pub fn invisible_name(c: char) -> Option<&'static str> {
    // The table is sorted and its ranges do not overlap (a test checks).
    let i = INVISIBLE
        .binary_search_by(|&(lo, hi, _)| {
            if hi < c {
                std::cmp::Ordering::Less
            } else if lo > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .ok()?;
    Some(INVISIBLE[i].2)
}

/// True for a character of [`INVISIBLE`].
pub fn is_invisible(c: char) -> bool {
    invisible_name(c).is_some()
}

/// See [`BIDI_CONTROLS`].
pub fn is_bidi_control(c: char) -> bool {
    BIDI_CONTROLS.contains(&c)
}

/// A control character a terminal may act on: C0 other than tab, line feed and carriage
/// return, DEL, and C1.
pub fn is_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// A noncharacter: U+FDD0..U+FDEF and the last two code points of every plane (U+FFFE,
/// U+FFFF, U+1FFFE…). Not for interchange; U+FFFE and U+FFFF are not allowed in XML 1.0.
pub fn is_noncharacter(c: char) -> bool {
    ('\u{FDD0}'..='\u{FDEF}').contains(&c) || (c as u32 & 0xFFFE) == 0xFFFE
}

/// A character no human-facing report writes raw: invisible or format ([`INVISIBLE`]),
/// control ([`is_control`]), noncharacter ([`is_noncharacter`]), or private use (MUFI's
/// ligatures and abbreviation marks in OCR ground truth: a terminal without the font shows
/// nothing, and `[--]{+ſich+}` reads as an addition). Reports show it as a marker
/// (`⟨U+E4E1⟩`, or a badge in HTML).
pub fn needs_marker(c: char) -> bool {
    // Called on every character of every document an HTML report writes: ASCII and Latin-1
    // letters answer at once.
    match c as u32 {
        0..0xA0 => is_control(c),
        0xA0..0xAD => false,
        _ => is_invisible(c) || is_noncharacter(c) || is_private_use(c),
    }
}

/// A private-use code point (U+E000–U+F8FF, planes 15 and 16).
pub fn is_private_use(c: char) -> bool {
    matches!(c as u32, 0xE000..=0xF8FF | 0xF_0000..=0xF_FFFD | 0x10_0000..=0x10_FFFD)
}

/// The name shown for a character that [`needs_marker`]: its Unicode name for the invisible
/// characters and the controls met in practice, else what it is.
pub fn marker_name(c: char) -> &'static str {
    if let Some(name) = invisible_name(c) {
        return name;
    }
    match c {
        '\0' => "NULL",
        '\u{7}' => "BELL",
        '\u{8}' => "BACKSPACE",
        '\u{B}' => "LINE TABULATION",
        '\u{C}' => "FORM FEED",
        '\u{1B}' => "ESCAPE",
        '\u{7F}' => "DELETE",
        '\u{85}' => "NEXT LINE",
        '\u{9B}' => "CONTROL SEQUENCE INTRODUCER",
        c if is_noncharacter(c) => "NONCHARACTER",
        c if is_private_use(c) => "PRIVATE USE",
        c if (c as u32) < 0x80 => "CONTROL CHARACTER",
        c if (c as u32) < 0xA0 => "C1 CONTROL CHARACTER",
        _ => "CHARACTER",
    }
}

/// Characters a reader does not see in the text, for classification: [`INVISIBLE`] and the
/// control characters that are not whitespace.
pub fn is_unseen(c: char) -> bool {
    is_invisible(c) || (c.is_control() && !c.is_whitespace())
}

/// Letters and digits of scripts that separate words with spaces.
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    if is_unified_ideograph(c) {
        return false; // CJK: the fast path for most of a Chinese text
    }
    !is_cjk(c) && !in_ranges(c, UNSPACED) && c.is_alphanumeric()
}

/// Punctuation and symbols (Unicode general categories P and S).
pub fn is_punctuation(c: char) -> bool {
    // Fast paths for what texts are mostly made of (classification asks for every character
    // around every variant): ASCII, where P and S are exactly the ASCII punctuation, and the
    // unified ideographs, which are letters.
    if c.is_ascii() {
        return c.is_ascii_punctuation();
    }
    if is_unified_ideograph(c) {
        return false;
    }
    matches!(
        c.general_category_group(),
        GeneralCategoryGroup::Punctuation | GeneralCategoryGroup::Symbol
    )
}

/// A digit of any script, or a Chinese numeral (full-width digits included).
pub fn is_numeral(c: char) -> bool {
    let c = fold_width(c);
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    // The unified ideographs are letters: only the Chinese numerals among them count.
    is_cjk_numeral(c) || (!is_unified_ideograph(c) && c.is_numeric())
}

/// U+4E00..U+9FFF, the unified ideographs of the basic block.
fn is_unified_ideograph(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// Words that contain a numeral character but are not numbers (`一定` "certainly", `统一`
/// "unify", `万众一心` "millions of one heart"). A numeral character inside one of these words,
/// whose run of numeral characters lies within the word, is read as part of the word, so
/// `一定`/`必定` is a substitution, not a numeral. Pure-numeral entries (`千万` "by all means",
/// `万一` "in case", `一一` "one by one") apply only when the run is exactly the word: `三千万`
/// is still a number.
#[rustfmt::skip]
pub const NUMERAL_WORDS: &[&str] = &[
    "一定", "一致", "一道", "一起", "一切", "一般", "一样", "一直", "一些", "统一",
    "唯一", "万一", "一心", "万众", "三心二意", "一带一路", "进一步", "一体", "一系列", "一方面",
    "一旦", "一度", "一贯", "一向", "一律", "一齐", "一同", "一如既往", "一流", "一边",
    "一番", "一举", "一再", "一味", "一面", "一下", "一时", "一路", "一手", "一身",
    "一线", "一揽子", "一概", "不一", "同一", "专一", "划一", "如一", "合一", "一国两制",
    "两岸", "两会", "十分", "万分", "千万", "万万", "一一", "百姓", "百货", "千方百计",
    "四面八方", "五湖四海", "七上八下", "乱七八糟", "一帆风顺", "万物", "万象", "万岁", "九州", "不三不四",
    "三农", "十足", "十全十美", "百花齐放", "百家争鸣", "千里", "万里", "一五一十", "四川", "三峡",
];

/// Units and measure words after which a lone numeral character is a number (`五年`, `三个`,
/// `两国`), and the markers of an enumeration (`一要`, `二是`, `一、`, `一来`).
pub const NUMBER_UNITS: &str = "年月日号时点分秒天周岁个名位人家项条种件次届轮批张本台辆座所元角块倍国成度米克吨里亩斤升期章节篇页版层股户架艘颗只场份余多来%％‰是要、则．.:：）)";

/// Characters after which a lone numeral character is a number: ordinals (`第三`), days
/// (`初五`, `周一`, `星期五`), fractions and "one of" (`三分之一`, `之一`), an opening
/// bracket of an enumeration (`（一）`), the ordinal of a poem in a series (`其十`).
pub const NUMBER_PREFIXES: &str = "第初周期之其（(";

/// Numeral characters that are numbers wherever they stand: zero, `两`, the financial forms.
const ALWAYS_NUMBERS: &str = "〇零两壹贰叁肆伍陆柒捌玖拾佰仟";

/// A digit of any script (full width included), not a Chinese numeral.
pub fn is_digit(c: char) -> bool {
    let c = fold_width(c);
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    !is_unified_ideograph(c) && c.is_numeric() && !is_cjk_numeral(c)
}

/// The value of a run of numeral characters, as a canonical string: `一百二十` `120` and
/// `１２０` all read `120`, `三千万` and `3000万` `30000000`, `二〇二五` `2025`, `1.5万` `15000`.
/// A run it cannot read (digits of another script, an odd order) is its width-folded text.
pub fn number_value(run: &str) -> String {
    let folded: String = run.chars().map(fold_width).filter(|&c| c != ',').collect();
    let digit = |c: char| -> Option<u32> {
        c.to_digit(10).or_else(|| {
            "〇一二三四五六七八九"
                .chars()
                .position(|d| d == c)
                .or_else(|| "零壹贰叁肆伍陆柒捌玖".chars().position(|d| d == c))
                .map(|d| d as u32)
                .or((c == '两').then_some(2))
        })
    };
    let small = |c: char| match c {
        '十' | '拾' => Some(10.0),
        '百' | '佰' => Some(100.0),
        '千' | '仟' => Some(1000.0),
        _ => None,
    };
    let large = |c: char| match c {
        '万' | '萬' => Some(1e4),
        '亿' | '億' => Some(1e8),
        _ => None,
    };
    let has_units = folded
        .chars()
        .any(|c| small(c).is_some() || large(c).is_some());
    if !has_units {
        // Digits read one by one: `2025`, `二〇二五`, `3.5`.
        let mut out = String::new();
        for c in folded.chars() {
            match (c, digit(c)) {
                ('.', _) => out.push('.'),
                (_, Some(d)) => out.push(char::from_digit(d, 10).unwrap_or('?')),
                _ => return folded,
            }
        }
        let trimmed = out.trim_start_matches('0');
        return match trimmed {
            "" => "0".to_string(),
            t if t.starts_with('.') => format!("0{t}"),
            t => t.to_string(),
        };
    }
    let (mut total, mut section) = (0.0f64, 0.0f64);
    let mut num: Option<f64> = None;
    let mut scale: Option<f64> = None; // inside the decimals of `1.5万`
    for c in folded.chars() {
        if let Some(d) = digit(c) {
            let d = f64::from(d);
            num = Some(match scale {
                Some(s) => {
                    scale = Some(s / 10.0);
                    num.unwrap_or(0.0) + d * s
                }
                None => num.unwrap_or(0.0) * 10.0 + d,
            });
        } else if c == '.' {
            scale = Some(0.1);
        } else if let Some(u) = small(c) {
            section += num.unwrap_or(1.0) * u;
            (num, scale) = (None, None);
        } else if let Some(u) = large(c) {
            let here = section + num.unwrap_or(0.0);
            if u > 1e4 {
                total = (total + here.max(if total == 0.0 { 1.0 } else { 0.0 })) * u;
            } else {
                total += here.max(1.0) * u;
            }
            (section, num, scale) = (0.0, None, None);
        } else {
            return folded;
        }
    }
    let value = total + section + num.unwrap_or(0.0);
    format!("{value}")
}

/// The numbers read in `text[range]` and the letters around them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NumberReading {
    /// The value ([`number_value`]) of each number the reading touches, in order; a number
    /// is widened to its whole run of numeral characters in the text (`超过1[2]0万` reads
    /// `1200000`).
    pub values: Vec<String>,
    /// The letters of the widened reading outside numbers (punctuation and whitespace left
    /// out): `二是` leaves `是`, `一定` leaves `一定`.
    pub rest: Vec<char>,
}

/// A character of a run of numerals: a digit or a Chinese numeral.
fn in_run(c: char) -> bool {
    is_numeral(c)
}

/// True for a letter or ideograph: what makes a lone numeral part of a word.
fn is_letter(c: char) -> bool {
    c.is_alphanumeric()
}

/// Whether [`read_numbers`] may read a number in `text[range]`: a numeral (or a decimal
/// point or separator) in the range, or, for a range of layout space only, next to it.
/// `false` tells without reading that it reads none: most variants touch no number.
pub fn may_touch_a_number(text: &str, range: std::ops::Range<usize>) -> bool {
    let numeric = |c: char| in_run(c) || matches!(c, '.' | ',' | '．');
    let keep = |c: &char| !is_layout_space(*c);
    if text[range.clone()].chars().any(|c| keep(&c)) {
        text[range].chars().any(numeric)
    } else {
        // Read as empty: widened over the numerals on either side.
        let before = text[..range.start].chars().rev().find(keep);
        let after = text[range.end..].chars().find(keep);
        before.is_some_and(numeric) || after.is_some_and(numeric)
    }
}

/// Reads the numbers of `text[range]` in context.
///
/// The reading is widened over the numeral characters it touches (or, when it is empty, that
/// touch its place; a `.` or `,` between two digits counts as one), layout whitespace skipped,
/// and cut into runs of numeral characters. A run is a number unless it lies inside a word of
/// [`NUMERAL_WORDS`] (`一定`, `统一`). Digit runs are numbers; a run of two or more Chinese
/// numerals is a number (`十五`, `一百二十`, `三千万`); a lone Chinese numeral is a number when
/// it is one of `〇零两` or a financial form, follows an ordinal, day or fraction prefix
/// ([`NUMBER_PREFIXES`]: `第三`, `初五`, `三分之一`), precedes a unit, a measure word or an
/// enumeration marker ([`NUMBER_UNITS`]: `五年`, `三个`, `五要`, `二是`, `一、`), or stands
/// alone between non-letters.
pub fn read_numbers(text: &str, range: std::ops::Range<usize>) -> NumberReading {
    const REACH: usize = 24;
    let keep = |c: &char| !is_layout_space(*c);
    let before: Vec<char> = text[..range.start]
        .chars()
        .rev()
        .filter(keep)
        .take(REACH)
        .collect();
    let mut w: Vec<char> = before.into_iter().rev().collect();
    let mut s = w.len();
    w.extend(text[range.clone()].chars().filter(keep));
    let mut t = w.len();
    w.extend(text[range.end..].chars().filter(keep).take(REACH));
    // Numerals, and a decimal point or thousands separator between two digits (`3.5`, `1,200`).
    let run: Vec<bool> = (0..w.len())
        .map(|k| {
            in_run(w[k])
                || (matches!(w[k], '.' | ',' | '．')
                    && k > 0
                    && k + 1 < w.len()
                    && is_digit(w[k - 1])
                    && is_digit(w[k + 1]))
        })
        .collect();
    // Widen over the numerals the reading touches.
    let (s0, t0) = (s, t);
    if s0 == t0 || run[s0] {
        while s > 0 && run[s - 1] {
            s -= 1;
        }
    }
    if s0 == t0 || run[t0 - 1] {
        while t < w.len() && run[t] {
            t += 1;
        }
    }
    let mut reading = NumberReading::default();
    let mut i = s;
    while i < t {
        if !run[i] {
            if !is_punctuation(w[i]) && !is_unseen(w[i]) {
                reading.rest.push(w[i]);
            }
            i += 1;
            continue;
        }
        let mut j = i;
        while j < t && run[j] {
            j += 1;
        }
        // The widening made every run whole: a run inside the reading ends inside it.
        if is_number(&w, i, j) {
            reading
                .values
                .push(number_value(&w[i..j].iter().collect::<String>()));
        } else {
            reading.rest.extend(&w[i..j]);
        }
        i = j;
    }
    reading
}

/// True when the numeral run `w[s..e]` is a number in its context (see [`read_numbers`]).
fn is_number(w: &[char], s: usize, e: usize) -> bool {
    let prev = s.checked_sub(1).map(|i| w[i]);
    let next = w.get(e).copied();
    // Each word's characters, and whether all are numerals: read once, not on every call.
    static WORDS: std::sync::LazyLock<Vec<(Vec<char>, bool)>> = std::sync::LazyLock::new(|| {
        NUMERAL_WORDS
            .iter()
            .map(|w| (w.chars().collect(), w.chars().all(is_numeral)))
            .collect()
    });
    let in_word = WORDS.iter().any(|(word, pure)| {
        let n = word.len();
        if n < e - s || (*pure && n != e - s) {
            return false;
        }
        (e.saturating_sub(n)..=s).any(|p| p + n <= w.len() && w[p..p + n] == word[..])
    });
    if in_word {
        return false;
    }
    let run = &w[s..e];
    if run.iter().any(|&c| is_digit(c)) || run.len() >= 2 {
        return true;
    }
    let c = run[0];
    ALWAYS_NUMBERS.contains(c)
        || prev.is_some_and(|p| NUMBER_PREFIXES.contains(p))
        || next.is_some_and(|n| NUMBER_UNITS.contains(n))
        || (!prev.is_some_and(is_letter) && !next.is_some_and(is_letter))
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
    // ASCII and the unified ideographs fold to themselves (a test checks): most characters.
    if c.is_ascii() || is_unified_ideograph(c) {
        return c;
    }
    fold_loose_tables(c)
}

fn fold_loose_tables(c: char) -> char {
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
    fn fast_paths_agree_with_the_general_categories() {
        for c in (0u32..0x3_0000).filter_map(char::from_u32) {
            let slow = matches!(
                c.general_category_group(),
                GeneralCategoryGroup::Punctuation | GeneralCategoryGroup::Symbol
            );
            assert_eq!(is_punctuation(c), slow, "{c:?}");
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
            assert_eq!(fold_loose(c), fold_loose_tables(c), "{c:?}");
            assert_eq!(
                is_word_char(c),
                if c.is_ascii() {
                    c.is_ascii_alphanumeric()
                } else {
                    !is_cjk(c) && !in_ranges(c, UNSPACED) && c.is_alphanumeric()
                },
                "{c:?}"
            );
            let folded = fold_width(c);
            assert_eq!(
                is_numeral(c),
                folded.is_numeric() || CJK_NUMERALS.contains(folded),
                "{c:?}"
            );
        }
    }

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
    fn cjk_numerals_are_numerals_only() {
        assert_eq!(CJK_NUMERALS.chars().count(), 31);
        assert!(
            CJK_NUMERALS
                .chars()
                .all(|c| !c.is_whitespace() && !c.is_ascii())
        );
    }

    #[test]
    fn invisible_and_control_characters() {
        assert_eq!(invisible_name('\u{202E}'), Some("RIGHT-TO-LEFT OVERRIDE"));
        assert_eq!(invisible_name('\u{E0041}'), Some("TAG"));
        assert!(is_bidi_control('\u{2066}') && !is_bidi_control('\u{200B}'));
        assert!(BIDI_CONTROLS.iter().all(|&c| is_invisible(c)));
        assert!(is_control('\u{1B}') && is_control('\u{9B}') && is_control('\u{7F}'));
        assert!(!is_control('\t') && !is_control('\n') && !is_control('\r'));
        assert!(is_noncharacter('\u{FFFE}') && is_noncharacter('\u{10FFFF}'));
        assert!(is_noncharacter('\u{FDD0}') && !is_noncharacter('\u{FFFD}'));
        for c in ['\u{1B}', '\u{202E}', '\u{00AD}', '\u{FFFF}', '\u{1}'] {
            assert!(needs_marker(c), "{c:?}");
        }
        for c in ['a', '跨', '\n', '\t', '\u{FFFD}', '\u{FE0F}', '\u{200A}'] {
            assert!(!needs_marker(c), "{c:?}");
        }
        assert_eq!(marker_name('\u{1B}'), "ESCAPE");
        assert_eq!(marker_name('\u{FFFE}'), "NONCHARACTER");
        // The table is sorted and its ranges do not overlap, so the binary search finds what
        // a scan finds, for every code point; the fast path of `needs_marker` agrees too.
        assert!(INVISIBLE.windows(2).all(|w| w[0].1 < w[1].0));
        assert!(INVISIBLE.iter().all(|&(lo, hi, _)| lo <= hi));
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let scan = INVISIBLE
                .iter()
                .find(|&&(lo, hi, _)| (lo..=hi).contains(&c))
                .map(|&(_, _, name)| name);
            assert_eq!(invisible_name(c), scan, "{c:?}");
            assert_eq!(
                needs_marker(c),
                is_control(c) || scan.is_some() || is_noncharacter(c) || is_private_use(c),
                "{c:?}"
            );
        }
    }

    #[test]
    fn numeral_words_are_sound() {
        // Every listed word holds a numeral character, once.
        for (i, w) in NUMERAL_WORDS.iter().enumerate() {
            assert!(w.chars().any(is_numeral), "{w}");
            assert!(!NUMERAL_WORDS[..i].contains(w), "{w} twice");
        }
        for w in [
            "一定", "一致", "一道", "一起", "一切", "一般", "一样", "一直", "一些",
        ] {
            assert!(NUMERAL_WORDS.contains(&w), "{w}");
        }
        for w in ["统一", "唯一", "万一", "一心", "万众", "三心二意"] {
            assert!(NUMERAL_WORDS.contains(&w), "{w}");
        }
        assert!(is_digit('3') && is_digit('３') && is_digit('٣') && !is_digit('三'));
    }

    proptest::proptest! {
        // The fast path never hides a number: where it says none is touched, none is read.
        #[test]
        fn a_reading_said_to_touch_no_number_reads_none(
            picks in proptest::collection::vec(0usize..16, 0..24),
            at in 0usize..24,
            len in 0usize..4,
        ) {
            const ALPHABET: [char; 16] =
                ['三', '十', '2', '０', '.', ',', '．', '、', ' ', '\u{3000}', '年', '是', '个', 'a', '第', '万'];
            let text: String = picks.iter().map(|&k| ALPHABET[k]).collect();
            let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
            let start = bounds[at.min(bounds.len() - 1)];
            let end = bounds[(at + len).min(bounds.len() - 1)];
            if !may_touch_a_number(&text, start..end) {
                proptest::prop_assert!(read_numbers(&text, start..end).values.is_empty(), "{text:?} {start}..{end}");
            }
        }
    }

    #[test]
    fn may_touch_a_number_looks_beside_an_empty_reading() {
        let t = "有三 个问题";
        assert!(may_touch_a_number(t, 6..7)); // the space after 三: read as empty, beside it
        assert!(!may_touch_a_number(t, 10..10)); // between 个 and 问
        assert!(may_touch_a_number("3.5", 1..2));
        assert!(!may_touch_a_number("这是个", 3..6));
    }

    #[test]
    fn rules_list_every_range() {
        let r = rules();
        assert!(r.contains("U+4E00..U+9FFF"), "{r}");
        assert!(r.contains("sentence enders: U+3002"), "{r}");
    }
}
