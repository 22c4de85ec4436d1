//! Why a substitution may have happened: the readings sound alike (同音, 近音: the mark of
//! dictation and speech recognition) or look alike (形近: the mark of OCR and of copying by
//! hand). A cause is evidence for the proofreader, not a verdict: it never changes a
//! variant's kind or class, and it is given only when data says so.
//!
//! - Sound: Mandarin readings from the `pinyin` crate (all readings of a character, tones
//!   ignored). Homophones share a syllable (`在`/`再`, `的`/`地`/`得`); near-homophones share
//!   one once the distinctions that dialect speakers and recognisers most often lose are
//!   dropped (`zh`/`z`, `ch`/`c`, `sh`/`s`, `n`/`l`, `-ng`/`-n`).
//! - Shape, Chinese: two characters that share a phonetic component (Unihan `kPhonetic`, the
//!   classes of Casey's index; a simplified character is looked up through its traditional
//!   forms), or that `orthography/lookalike.txt` groups (single components and one-stroke
//!   differences: `己`/`已`, `戊`/`戌`).
//! - Shape, Latin: the confusions of OCR engines between letters and digits (`l`/`1`,
//!   `O`/`0`), between letters (`n`/`u`, `c`/`e`) and between a pair of letters and one
//!   (`rn`/`m`, `cl`/`d`).
//!
//! A substitution has a cause when every differing character (or letter group) has it.

use pinyin::ToPinyinMulti;
use serde::Serialize;

/// Why a substitution may have happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// The readings sound the same (tones aside): `在`/`再`.
    Homophone,
    /// The readings sound nearly the same: `是`/`四` (`sh`/`s`), `年`/`连` (`n`/`l`).
    NearHomophone,
    /// The readings look alike: `祥`/`样`, `己`/`已`, `1ocal`/`local`, `rn`/`m`.
    LookAlike,
}

impl Cause {
    /// Every cause, in report order.
    pub const ALL: [Cause; 3] = [Cause::Homophone, Cause::NearHomophone, Cause::LookAlike];

    /// The name used in reports and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Cause::Homophone => "homophone",
            Cause::NearHomophone => "near_homophone",
            Cause::LookAlike => "look_alike",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// The causes of one substitution (none, one, or several: `清`/`晴` sound and look alike).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Causes(u8);

impl Causes {
    /// No known cause.
    pub const NONE: Causes = Causes(0);
    /// Look-alike only.
    pub const LOOK_ALIKE: Causes = Causes(1 << Cause::LookAlike as u8);
    const EVERY: Causes = Causes(0b111);

    /// True when `cause` is one of them.
    pub fn contains(self, cause: Cause) -> bool {
        self.0 & cause.bit() != 0
    }

    /// True when no cause is known.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The causes, in report order.
    pub fn iter(self) -> impl Iterator<Item = Cause> {
        Cause::ALL.into_iter().filter(move |c| self.contains(*c))
    }

    /// The causes joined with `+` (`homophone+look_alike`), or `none`.
    pub fn label(self) -> String {
        if self.is_empty() {
            return "none".to_string();
        }
        self.iter().map(Cause::name).collect::<Vec<_>>().join("+")
    }

    fn with(self, cause: Cause) -> Causes {
        Causes(self.0 | cause.bit())
    }

    fn and(self, other: Causes) -> Causes {
        Causes(self.0 & other.0)
    }
}

impl Serialize for Causes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// The causes shared by every difference between two readings (visible characters, width
/// and case folded as the classifier sees them). Readings of equal length are compared
/// character by character; Latin readings of different lengths only through letter groups
/// (`rn`/`m`).
pub fn causes(a: &[char], b: &[char]) -> Causes {
    if a.is_empty() || b.is_empty() {
        return Causes::NONE;
    }
    let mut shared = Causes::EVERY;
    if a.len() == b.len() {
        for (&x, &y) in a.iter().zip(b) {
            if x != y {
                shared = shared.and(char_causes(x, y));
            }
        }
        if !shared.is_empty() {
            return shared;
        }
    }
    if latin_look_alike(a, b) {
        Causes::NONE.with(Cause::LookAlike)
    } else {
        Causes::NONE
    }
}

/// The causes of one character read as another.
fn char_causes(x: char, y: char) -> Causes {
    let mut c = Causes::NONE;
    if single_look_alike(x, y) || hanzi_look_alike(x, y) {
        c = c.with(Cause::LookAlike);
    }
    let (sx, sy) = (syllables(x), syllables(y));
    if sx.is_empty() || sy.is_empty() {
        return c;
    }
    if sx.iter().any(|s| sy.contains(s)) {
        c = c.with(Cause::Homophone);
    } else if sx
        .iter()
        .any(|s| sy.iter().any(|t| near_syllable(s) == near_syllable(t)))
    {
        c = c.with(Cause::NearHomophone);
    }
    c
}

/// The Mandarin readings of a character, tones dropped (empty for what is not a hanzi).
fn syllables(c: char) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = c
        .to_pinyin_multi()
        .map(|m| m.into_iter().map(|p| p.plain()).collect())
        .unwrap_or_default();
    out.sort_unstable();
    out.dedup();
    out
}

/// A syllable with the distinctions most often lost dropped: retroflex initials, `n`/`l`,
/// and the velar nasal of `-ang`/`-eng`/`-ing`.
fn near_syllable(s: &str) -> String {
    let (initial, rest) = if let Some(r) = s.strip_prefix("zh") {
        ("z", r)
    } else if let Some(r) = s.strip_prefix("ch") {
        ("c", r)
    } else if let Some(r) = s.strip_prefix("sh") {
        ("s", r)
    } else if let Some(r) = s.strip_prefix('n').filter(|r| !r.is_empty() && *r != "g") {
        ("l", r)
    } else {
        ("", s)
    };
    let rest = match rest.strip_suffix("ng") {
        Some(r) if r.ends_with(['a', 'e', 'i']) => format!("{r}n"),
        _ => rest.to_string(),
    };
    format!("{initial}{rest}")
}

/// Letters and digits that OCR engines confuse, one for one.
pub const LATIN_LOOK_ALIKES: &[(char, char)] = &[
    ('l', '1'),
    ('I', '1'),
    ('i', '1'),
    ('|', '1'),
    ('O', '0'),
    ('o', '0'),
    ('D', '0'),
    ('Q', '0'),
    ('S', '5'),
    ('s', '5'),
    ('B', '8'),
    ('Z', '2'),
    ('z', '2'),
    ('g', '9'),
    ('q', '9'),
    ('G', '6'),
    ('b', '6'),
    ('l', 'I'),
    ('l', 'i'),
    ('i', 'j'),
    ('c', 'e'),
    ('e', 'o'),
    ('a', 'o'),
    ('n', 'u'),
    ('h', 'b'),
    ('h', 'n'),
    ('f', 't'),
    ('v', 'y'),
    ('u', 'v'),
    ('.', ','),
    ('§', 'S'),
    ('§', '8'),
];

/// Pairs of letters that OCR engines read as one letter, and the reverse.
const LATIN_GROUPS: &[(&str, char)] = &[
    ("rn", 'm'),
    ("cl", 'd'),
    ("vv", 'w'),
    ("ri", 'n'),
    ("li", 'h'),
    ("ii", 'u'),
    ("in", 'm'),
];

/// True for a one-for-one OCR confusion of letters or digits (either way round).
pub fn single_look_alike(x: char, y: char) -> bool {
    LATIN_LOOK_ALIKES.contains(&(x, y)) || LATIN_LOOK_ALIKES.contains(&(y, x))
}

/// True when two different Latin readings are the same but for OCR confusions, letter groups
/// included (`modern`/`rnodern`, `clear`/`dear`). Dynamic programming over both readings:
/// O(|a|·|b|), and readings are words.
fn latin_look_alike(a: &[char], b: &[char]) -> bool {
    const MAX: usize = 64;
    if a == b || a.len() > MAX || b.len() > MAX {
        return false;
    }
    let latin = |s: &[char]| s.iter().all(|c| c.is_ascii_graphic() || *c == '§');
    if !latin(a) || !latin(b) {
        return false;
    }
    let group = |x: &[char], y: char| {
        x.len() >= 2
            && LATIN_GROUPS
                .iter()
                .any(|(g, c)| *c == y && g.chars().eq(x[..2].iter().copied()))
    };
    // can[i][j]: a[i..] and b[j..] are the same up to confusions.
    let mut can = vec![vec![false; b.len() + 1]; a.len() + 1];
    can[a.len()][b.len()] = true;
    for i in (0..=a.len()).rev() {
        for j in (0..=b.len()).rev() {
            if i == a.len() && j == b.len() {
                continue;
            }
            let mut ok = false;
            if i < a.len() && j < b.len() {
                ok = (a[i] == b[j] || single_look_alike(a[i], b[j])) && can[i + 1][j + 1];
            }
            if !ok && j < b.len() && group(&a[i..], b[j]) {
                ok = can[i + 2][j + 1];
            }
            if !ok && i < a.len() && group(&b[j..], a[i]) {
                ok = can[i + 1][j + 2];
            }
            can[i][j] = ok;
        }
    }
    can[0][0]
}

/// True when two hanzi share a phonetic component or a hand-checked look-alike group
/// (tables generated by `build.rs`; see [`crate::orthography`]).
fn hanzi_look_alike(x: char, y: char) -> bool {
    use crate::orthography::{look_alike_groups, phonetic_classes, traditional_forms};
    // A simplified character is looked up through its traditional forms too.
    let classes = |c: char| -> Vec<u32> {
        std::iter::once(c)
            .chain(traditional_forms(c).iter().copied())
            .flat_map(|c| phonetic_classes(c).iter().copied())
            .collect()
    };
    let gx = look_alike_groups(x);
    if look_alike_groups(y).iter().any(|g| gx.contains(g)) {
        return true;
    }
    let px = classes(x);
    !px.is_empty() && classes(y).iter().any(|p| px.contains(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(a: &str, b: &str) -> String {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        causes(&a, &b).label()
    }

    #[test]
    fn homophones_share_a_syllable() {
        assert_eq!(of("在", "再"), "homophone");
        assert_eq!(of("的", "地"), "homophone");
        assert_eq!(of("得", "的"), "homophone");
        assert_eq!(of("权利", "权力"), "homophone");
    }

    #[test]
    fn near_homophones_lose_a_distinction() {
        assert_eq!(of("是", "四"), "near_homophone");
        assert_eq!(of("年", "连"), "near_homophone");
        assert_eq!(of("陈", "程"), "near_homophone");
        // `n` + `g` is not the initial n.
        assert_eq!(near_syllable("ng"), "ng");
        assert_eq!(near_syllable("zhang"), "zan");
    }

    #[test]
    fn look_alikes_from_phonetic_classes_and_the_hand_table() {
        assert_eq!(of("祥", "样"), "look_alike");
        assert_eq!(of("己", "已"), "look_alike");
        assert_eq!(of("戊", "戌"), "look_alike");
        // 清 and 晴 share 青 and the syllable qing.
        assert_eq!(of("清", "晴"), "homophone+look_alike");
    }

    #[test]
    fn unrelated_characters_have_no_cause() {
        assert_eq!(of("海", "山"), "none");
        assert_eq!(of("跨里海", "跨海"), "none");
        // Every differing character must share the cause.
        assert_eq!(of("在山", "再海"), "none");
    }

    #[test]
    fn latin_ocr_confusions() {
        assert_eq!(of("1ocal", "local"), "look_alike");
        assert_eq!(of("thousaud", "thousand"), "look_alike");
        assert_eq!(of("rnodern", "modern"), "look_alike");
        assert_eq!(of("dear", "clear"), "look_alike");
        assert_eq!(of("house", "mouse"), "none");
        assert_eq!(of("cat", "cats"), "none");
    }
}
