//! Chinese orthographic variation: simplified against traditional characters (`script`),
//! variant forms of one character (異體字, `variant_form`), and radicals written for the
//! ideograph they stand for (`radical`).
//!
//! The tables are the data files of `src/orthography/`, embedded verbatim (see the README
//! there for sources, versions and licences) and parsed once, on first use:
//!
//! - OpenCC `STCharacters.txt` and `TSCharacters.txt`: simplified → traditional and
//!   traditional → simplified, one character to one or more;
//! - OpenCC `TWVariants.txt`, `HKVariants.txt`, `JPShinjitaiCharacters.txt`: regional
//!   standard forms;
//! - Unihan `kZVariant`, and `kSemanticVariant` where two dictionaries attest it
//!   (`Unihan_Variants.txt`); Unihan `kFrequency` (`Unihan_kFrequency.txt`) only to choose
//!   which form of a variant pair the `hanzi` profile folds to;
//! - Unicode `EquivalentUnifiedIdeograph.txt`: radicals and the ideographs they look like;
//! - `hand.txt`: pairs checked by hand that the tables above miss (`歷`/`厯`, `雕`/`彫`).
//!
//! A character pair is a *script* pair when OpenCC maps one to the other. Such a pair can hide
//! a real difference when the mapping is one-to-many: `后` is the simplified form of `後` but
//! also a traditional character in its own right (`皇后`), so `后`/`後` between two traditional
//! witnesses is a substitution. So a script pair is
//!
//! - `script` wherever it occurs when its simplified side exists only in simplified writing and
//!   its traditional side only in traditional writing (`国`/`國`, `为`/`爲`);
//! - `script` only between witnesses written in different scripts ([`script`] of each whole
//!   text) when OpenCC maps it one-to-many on either side (`后` → `後` `后`, `乾` → `干` `乾`);
//!   otherwise a substitution, unless OpenCC's variant tables or `hand.txt` pair the two
//!   (`雕`/`彫`) — Unihan does not: it pairs `干`/`乾` and `蜡`/`蠟`;
//! - `variant_form` when the simplified standard merged the traditional side into a character
//!   that stays itself in traditional writing, one-to-one (a variant the simplification dropped).
//!
//! Pairs that are not script pairs are `variant_form` when a variant table pairs them,
//! directly or across a script step on either side (`鏁`/`锁` through `鎖`).

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use crate::chars::is_numeral;
use crate::classify::Kind;

const ST: &str = include_str!("orthography/STCharacters.txt");
const TS: &str = include_str!("orthography/TSCharacters.txt");
const TW: &str = include_str!("orthography/TWVariants.txt");
const HK: &str = include_str!("orthography/HKVariants.txt");
const JP: &str = include_str!("orthography/JPShinjitaiCharacters.txt");
const UNIHAN: &str = include_str!("orthography/Unihan_Variants.txt");
const FREQUENCY: &str = include_str!("orthography/Unihan_kFrequency.txt");
const RADICALS: &str = include_str!("orthography/EquivalentUnifiedIdeograph.txt");
const HAND: &str = include_str!("orthography/hand.txt");

/// The embedded tables: file name, where it comes from, and its text.
const SOURCES: [(&str, &str, &str); 9] = [
    ("STCharacters.txt", "OpenCC ver.1.4.1-34-g5249273a", ST),
    ("TSCharacters.txt", "OpenCC ver.1.4.1-34-g5249273a", TS),
    ("TWVariants.txt", "OpenCC ver.1.4.1-34-g5249273a", TW),
    ("HKVariants.txt", "OpenCC ver.1.4.1-34-g5249273a", HK),
    (
        "JPShinjitaiCharacters.txt",
        "OpenCC ver.1.4.1-34-g5249273a",
        JP,
    ),
    (
        "Unihan_Variants.txt",
        "Unihan 10.0.0 (kSemanticVariant, kZVariant)",
        UNIHAN,
    ),
    (
        "Unihan_kFrequency.txt",
        "Unihan 10.0.0 (kFrequency lines of Unihan_DictionaryLikeData.txt)",
        FREQUENCY,
    ),
    (
        "EquivalentUnifiedIdeograph.txt",
        "Unicode 15.1.0 (U+2E80..U+2FDF)",
        RADICALS,
    ),
    ("hand.txt", "witness, checked by hand", HAND),
];

/// The script a text is written in, judged by the characters that exist in only one of the
/// two scripts (per OpenCC's character tables).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Script {
    /// At most 5% of the script-specific characters are traditional.
    Simplified,
    /// At most 5% of the script-specific characters are simplified.
    Traditional,
    /// Both kinds, more than 5% each.
    Mixed,
    /// No script-specific character at all (no Chinese, or only characters common to both).
    #[serde(rename = "n/a")]
    None,
}

impl Script {
    /// The name used in reports: `simplified`, `traditional`, `mixed`, `n/a`.
    pub fn name(self) -> &'static str {
        match self {
            Script::Simplified => "simplified",
            Script::Traditional => "traditional",
            Script::Mixed => "mixed",
            Script::None => "n/a",
        }
    }

    /// True when one script is simplified and the other traditional: only then is an
    /// ambiguous script pair (`后`/`後`) read as a difference of script.
    pub fn differs(self, other: Script) -> bool {
        matches!(
            (self, other),
            (Script::Simplified, Script::Traditional) | (Script::Traditional, Script::Simplified)
        )
    }
}

/// Counts of script-specific characters in a text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScriptCounts {
    /// Characters that exist only in simplified writing (`国`, `为`).
    pub simplified: usize,
    /// Characters that exist only in traditional writing (`國`, `爲`).
    pub traditional: usize,
}

impl ScriptCounts {
    /// The script these counts indicate.
    pub fn script(self) -> Script {
        let total = self.simplified + self.traditional;
        if total == 0 {
            Script::None
        } else if self.traditional * 20 <= total {
            Script::Simplified
        } else if self.simplified * 20 <= total {
            Script::Traditional
        } else {
            Script::Mixed
        }
    }
}

/// Counts the simplified-only and traditional-only characters of `text`.
pub fn script_counts(text: &str) -> ScriptCounts {
    let t = tables();
    let mut counts = ScriptCounts::default();
    for c in text.chars() {
        if (c as u32) < 0x3400 {
            continue;
        }
        if t.simplified_only.contains(&c) {
            counts.simplified += 1;
        } else if t.traditional_only.contains(&c) {
            counts.traditional += 1;
        }
    }
    counts
}

/// The script `text` is written in.
pub fn script(text: &str) -> Script {
    script_counts(text).script()
}

/// The scripts of the two texts of a comparison, each computed on first use and kept: a
/// comparison classifies many sites of the same two texts.
#[derive(Debug, Default)]
pub struct Scripts {
    a: OnceLock<Script>,
    b: OnceLock<Script>,
}

impl Scripts {
    /// No script computed yet.
    pub fn new() -> Scripts {
        Scripts::default()
    }

    /// The script of A, whose whole text is `a_text`.
    pub fn a(&self, a_text: &str) -> Script {
        *self.a.get_or_init(|| script(a_text))
    }

    /// The script of B, whose whole text is `b_text`.
    pub fn b(&self, b_text: &str) -> Script {
        *self.b.get_or_init(|| script(b_text))
    }
}

struct Tables {
    st: HashMap<char, Vec<char>>,
    ts: HashMap<char, Vec<char>>,
    simplified_only: HashSet<char>,
    traditional_only: HashSet<char>,
    /// Variant pairs, both orders.
    variants: HashSet<(char, char)>,
    /// The variant pairs that may override an ambiguous script pair (`雕`/`彫`): OpenCC's
    /// variant tables and `hand.txt`. Not Unihan: its `kZVariant` and `kSemanticVariant`
    /// pair characters that are different words in traditional writing (`干`/`乾`,
    /// `蜡`/`蠟`, `姜`/`薑`).
    strong: HashSet<(char, char)>,
    /// Variant form → the form the tables treat as standard (for folding).
    standard: HashMap<char, char>,
    /// Radical → unified ideograph.
    radicals: HashMap<char, char>,
}

/// `key<TAB>value value…` lines of one-character entries (OpenCC's format; `hand.txt`).
fn opencc(text: &str) -> impl Iterator<Item = (char, Vec<char>)> + '_ {
    text.lines().filter_map(|line| {
        if line.starts_with('#') {
            return None;
        }
        let (k, v) = line.split_once('\t')?;
        let mut k = k.chars();
        let (Some(key), None) = (k.next(), k.next()) else {
            return None;
        };
        let values: Vec<char> = v
            .split(' ')
            .filter_map(|x| {
                let mut c = x.chars();
                match (c.next(), c.next()) {
                    (Some(c), None) => Some(c),
                    _ => None,
                }
            })
            .collect();
        (!values.is_empty()).then_some((key, values))
    })
}

fn hex_char(s: &str) -> Option<char> {
    char::from_u32(u32::from_str_radix(s.trim().trim_start_matches("U+"), 16).ok()?)
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(build)
}

fn build() -> Tables {
    let st: HashMap<char, Vec<char>> = opencc(ST).collect();
    let ts: HashMap<char, Vec<char>> = opencc(TS).collect();
    let simplified_only = st
        .iter()
        .filter(|(k, v)| !v.contains(k))
        .map(|(k, _)| *k)
        .collect();
    let traditional_only = ts
        .iter()
        .filter(|(k, v)| !v.contains(k))
        .map(|(k, _)| *k)
        .collect();
    // Characters OpenCC knows as simplified or traditional standard forms.
    let known: HashSet<char> = st
        .iter()
        .chain(&ts)
        .flat_map(|(k, v)| std::iter::once(*k).chain(v.iter().copied()))
        .collect();
    // Unihan kFrequency: 1 (most frequent) to 5.
    let frequency: HashMap<char, u8> = FREQUENCY
        .lines()
        .filter_map(|line| {
            let mut f = line.split('\t');
            let (cp, field, value) = (f.next()?, f.next()?, f.next()?);
            (field == "kFrequency").then_some((hex_char(cp)?, value.trim().parse().ok()?))
        })
        .collect();
    let mut variants = HashSet::new();
    let mut strong = HashSet::new();
    let mut standard = HashMap::new();
    // A numeral's other forms (`一`/`壹`, the financial forms) are not interchangeable.
    let mut add = |x: char, y: char, std_side: Option<char>, is_strong: bool| {
        if x == y || is_numeral(x) || is_numeral(y) {
            return;
        }
        variants.insert((x, y));
        variants.insert((y, x));
        if is_strong {
            strong.insert((x, y));
            strong.insert((y, x));
        }
        if let Some(s) = std_side {
            let other = if s == x { y } else { x };
            standard.entry(other).or_insert(s);
        }
    };
    // OpenCC variant tables: key is OpenCC's standard form, values the regional forms. The
    // Japanese table's key is the Japanese form: a variant, never the form to fold to.
    for (key, values) in opencc(TW).chain(opencc(HK)) {
        for v in values {
            add(key, v, Some(key), true);
        }
    }
    for (key, values) in opencc(JP) {
        for v in values {
            add(key, v, None, true);
        }
    }
    for (key, values) in opencc(HAND) {
        for v in values {
            add(key, v, Some(key), true);
        }
    }
    for line in UNIHAN.lines() {
        let mut f = line.split('\t');
        let (Some(cp), Some(field), Some(values)) = (f.next(), f.next(), f.next()) else {
            continue;
        };
        // kSpecializedSemanticVariant is left out: those characters share a meaning only in
        // some contexts, so one for the other can be a real change.
        if field != "kSemanticVariant" && field != "kZVariant" {
            continue;
        }
        let Some(x) = hex_char(cp) else { continue };
        for v in values.split(' ') {
            let (target, tags) = v.split_once('<').unwrap_or((v, ""));
            let Some(y) = hex_char(target) else {
                continue;
            };
            // A semantic variant counts when two dictionaries attest it: single-source entries
            // include `完`/`烟` (kLau).
            let sources = tags.split(',').filter(|t| !t.is_empty()).count();
            if field == "kSemanticVariant" && sources < 2 {
                continue;
            }
            // Fold towards the more frequent form (Unihan kFrequency), else towards the form
            // OpenCC knows; no direction, no folding.
            let score = |c: char| (frequency.get(&c).copied().unwrap_or(6), !known.contains(&c));
            let std_side = match score(x).cmp(&score(y)) {
                std::cmp::Ordering::Less => Some(x),
                std::cmp::Ordering::Greater => Some(y),
                std::cmp::Ordering::Equal => None,
            };
            add(x, y, std_side, false);
        }
    }
    let mut radicals = HashMap::new();
    for line in RADICALS.lines() {
        let line = line.split('#').next().unwrap_or("");
        let Some((range, target)) = line.split_once(';') else {
            continue;
        };
        let Some(target) = hex_char(target) else {
            continue;
        };
        let (lo, hi) = range.split_once("..").unwrap_or((range, range));
        let (Some(lo), Some(hi)) = (hex_char(lo), hex_char(hi)) else {
            continue;
        };
        for r in lo..=hi {
            if is_radical(r) {
                radicals.insert(r, target);
            }
        }
    }
    Tables {
        st,
        ts,
        simplified_only,
        traditional_only,
        variants,
        strong,
        standard,
        radicals,
    }
}

/// True for a CJK radical (U+2E80–U+2EFF) or a Kangxi radical (U+2F00–U+2FDF).
pub fn is_radical(c: char) -> bool {
    ('\u{2E80}'..='\u{2FDF}').contains(&c)
}

/// The unified ideograph a radical stands for, if Unicode names one.
pub fn radical_ideograph(c: char) -> Option<char> {
    if !is_radical(c) {
        return None;
    }
    tables().radicals.get(&c).copied()
}

/// One character to one representative, for the `hanzi` profile: a radical to its ideograph,
/// a variant form to the form the tables treat as standard, a traditional character to the
/// first simplified form OpenCC gives. For alignment and CER only; classification looks at
/// pairs ([`pair_kind`]).
pub fn fold(c: char) -> char {
    if (c as u32) < 0x2E80 {
        return c;
    }
    let t = tables();
    let c = t.radicals.get(&c).copied().unwrap_or(c);
    let c = t.standard.get(&c).copied().unwrap_or(c);
    t.ts.get(&c).map_or(c, |v| v[0])
}

/// How the pair `a`/`b` of different characters is orthographic, if it is: `radical`, `script`
/// (see the module documentation for when a one-to-many pair counts), or `variant_form`.
/// `differ` tells, computed only when needed, whether the two witnesses are written in
/// different scripts.
pub fn pair_kind(a: char, b: char, differ: &mut impl FnMut() -> bool) -> Option<Kind> {
    if a == b {
        return None;
    }
    let t = tables();
    let ra = radical_ideograph(a).unwrap_or(a);
    let rb = radical_ideograph(b).unwrap_or(b);
    if (ra != a || rb != b) && ra == rb {
        return Some(Kind::Radical);
    }
    match script_pair(t, ra, rb) {
        Some(Pair::Script) => return Some(Kind::Script),
        Some(Pair::Ambiguous) if differ() => return Some(Kind::Script),
        Some(Pair::Ambiguous) => {
            return t.strong.contains(&(ra, rb)).then_some(Kind::VariantForm);
        }
        Some(Pair::Merged) => return Some(Kind::VariantForm),
        None => {}
    }
    // A variant, directly or across an admissible script step on either side.
    let counterparts = |x: char, differ: &mut dyn FnMut() -> bool| -> Vec<char> {
        let mut out = vec![x];
        for y in
            t.st.get(&x)
                .into_iter()
                .chain(t.ts.get(&x))
                .flatten()
                .copied()
        {
            if y != x
                && !out.contains(&y)
                && match script_pair(t, x, y) {
                    Some(Pair::Script) => true,
                    Some(Pair::Ambiguous) => differ(),
                    _ => false,
                }
            {
                out.push(y);
            }
        }
        out
    };
    let mut d = || differ();
    let (ca, cb) = (counterparts(ra, &mut d), counterparts(rb, &mut d));
    if ca
        .iter()
        .any(|&x| cb.iter().any(|&y| t.variants.contains(&(x, y))))
    {
        return Some(Kind::VariantForm);
    }
    None
}

/// How OpenCC relates a simplified character `s` and a traditional character `t` that it maps
/// to each other.
enum Pair {
    /// `s` exists only in simplified writing, `t` only in traditional (`国`/`國`, `为`/`爲`):
    /// one for the other is always a matter of script.
    Script,
    /// A one-to-many mapping on either side (`后` → `後` or `后`; `乾` → `干` or `乾`): the
    /// characters are different words in one script, the same word across scripts.
    Ambiguous,
    /// `s` is also a traditional character and the mapping is one-to-one (`彫` → `雕`): the
    /// simplified standard merged a variant form into `s`.
    Merged,
}

/// How OpenCC relates `a` and `b`, if it maps one to the other.
fn script_pair(t: &Tables, a: char, b: char) -> Option<Pair> {
    let maps = |s: char, tr: char| {
        t.st.get(&s).is_some_and(|v| v.contains(&tr))
            || t.ts.get(&tr).is_some_and(|v| v.contains(&s))
    };
    let (s, tr) = if maps(a, b) {
        (a, b)
    } else if maps(b, a) {
        (b, a)
    } else {
        return None;
    };
    let many = |m: &HashMap<char, Vec<char>>, c: char| m.get(&c).is_some_and(|v| v.len() > 1);
    Some(
        if t.simplified_only.contains(&s) && t.traditional_only.contains(&tr) {
            Pair::Script
        } else if many(&t.st, s) || many(&t.ts, tr) {
            Pair::Ambiguous
        } else {
            Pair::Merged
        },
    )
}

/// The orthographic kind of two readings (loose-folded, punctuation and whitespace removed)
/// when they differ only in characters that are orthographic variants of each other, position
/// by position; `None` otherwise. Several kinds in one reading: `variant_form` wins over
/// `script`, `script` over `radical`.
pub fn readings_kind(a: &[char], b: &[char], mut differ: impl FnMut() -> bool) -> Option<Kind> {
    if a.len() != b.len() || a == b {
        return None;
    }
    // Only ideographs and radicals can be orthographic variants: skip the tables otherwise.
    let han = |c: char| (c as u32) >= 0x2E80;
    if a.iter()
        .zip(b)
        .any(|(x, y)| x != y && !(han(*x) && han(*y)))
    {
        return None;
    }
    let mut cached: Option<bool> = None;
    let mut differ = || *cached.get_or_insert_with(&mut differ);
    let mut best: Option<Kind> = None;
    for (&x, &y) in a.iter().zip(b) {
        if x == y {
            continue;
        }
        let k = pair_kind(x, y, &mut differ)?;
        let rank = |k: Kind| match k {
            Kind::VariantForm => 3,
            Kind::Script => 2,
            _ => 1,
        };
        if best.is_none_or(|b| rank(k) > rank(b)) {
            best = Some(k);
        }
    }
    best
}

/// The traditional forms OpenCC gives for a simplified character (empty for others).
pub(crate) fn traditional_forms(c: char) -> &'static [char] {
    tables().st.get(&c).map_or(&[], Vec::as_slice)
}

/// Converts `text` to traditional characters with OpenCC's character table (the first
/// candidate of each simplified character). A character-by-character conversion, without
/// OpenCC's phrase tables: enough to build test witnesses.
pub fn to_traditional(text: &str) -> String {
    let t = tables();
    text.chars()
        .map(|c| t.st.get(&c).map_or(c, |v| v[0]))
        .collect()
}

/// One line per embedded table for the `hanzi` profile's rules: file, source and version,
/// SHA-256 of the bytes, so the profile digest changes whenever a table does.
pub fn table_rules() -> String {
    static RULES: OnceLock<String> = OnceLock::new();
    RULES
        .get_or_init(|| {
            let mut out = String::new();
            for (name, source, text) in SOURCES {
                let digest = crate::source::hex_sha256(text.as_bytes());
                out += &format!("table {name} ({source}) sha256 {digest}\n");
            }
            out
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(a: char, b: char, differ: bool) -> Option<Kind> {
        pair_kind(a, b, &mut || differ)
    }

    #[test]
    fn the_pairs_of_the_issue() {
        for (a, b) in [
            ('爲', '為'),
            ('雕', '彫'),
            ('宜', '冝'),
            ('略', '畧'),
            ('歷', '厯'),
            ('鏁', '鎖'),
            ('琱', '雕'),
            ('高', '髙'),
        ] {
            assert_eq!(kind(a, b, false), Some(Kind::VariantForm), "{a}/{b}");
            assert_eq!(kind(b, a, false), Some(Kind::VariantForm), "{b}/{a}");
        }
        // One-to-one simplified/traditional pairs cannot hide a difference: script whatever
        // the witnesses' scripts.
        for (a, b) in [
            ('将', '將'),
            ('国', '國'),
            ('椁', '槨'),
            ('烟', '煙'),
            ('为', '爲'),
            ('为', '為'),
        ] {
            assert_eq!(kind(a, b, false), Some(Kind::Script), "{a}/{b}");
            assert_eq!(kind(b, a, true), Some(Kind::Script), "{b}/{a}");
        }
        assert_eq!(kind('⻝', '食', false), Some(Kind::Radical));
        assert_eq!(kind('⾷', '食', false), Some(Kind::Radical));
        assert_eq!(kind('一', '壹', false), None);
        assert_eq!(kind('年', '节', true), None);
        // Unihan 10.0.0 lists 完 as a semantic variant of 烟 on one dictionary's word.
        assert_eq!(kind('完', '烟', false), None);
    }

    #[test]
    fn one_to_many_pairs_need_different_scripts() {
        assert_eq!(kind('后', '後', true), Some(Kind::Script));
        assert_eq!(kind('后', '後', false), None);
        // Unihan's kZVariant pairs 干 with 乾; it does not override OpenCC's one-to-many.
        assert_eq!(kind('干', '乾', false), None);
        assert_eq!(kind('干', '幹', true), Some(Kind::Script));
    }

    #[test]
    fn scripts_of_texts() {
        assert_eq!(script("中国城市开通中亚班列"), Script::Simplified);
        assert_eq!(script("中國城市開通中亞班列"), Script::Traditional);
        assert_eq!(script("中国城市開通中亞班列"), Script::Mixed);
        assert_eq!(script("中文"), Script::None);
        assert_eq!(script("plain text"), Script::None);
        assert!(Script::Simplified.differs(Script::Traditional));
        assert!(!Script::Mixed.differs(Script::Traditional));
        assert!(!Script::None.differs(Script::Traditional));
    }

    #[test]
    fn fold_merges_scripts_and_variants() {
        for (a, b) in [
            ('後', '后'),
            ('國', '国'),
            ('爲', '為'),
            ('髙', '高'),
            ('冝', '宜'),
            ('厯', '歷'),
            ('鏁', '锁'),
            ('⻝', '食'),
        ] {
            assert_eq!(fold(a), fold(b), "{a}/{b}");
        }
        assert_ne!(fold('年'), fold('节'));
        assert_ne!(fold('完'), fold('烟'));
        assert_eq!(fold('a'), 'a');
    }
}
