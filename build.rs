//! Turns the character tables of `src/orthography/` into sorted static arrays
//! (`$OUT_DIR/orthography_tables.rs`), so that no run parses 700 KB of text before its first
//! Chinese comparison (about 5 ms of every `witness diff`). What each table means, and why a
//! pair counts, is documented in `src/orthography.rs` and `src/cause.rs`, which look these
//! arrays up by binary search.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use sha2::{Digest, Sha256};

const DIR: &str = "src/orthography";
/// The tables whose digests name the `hanzi` profile's rules: file, source and version.
const SOURCES: [(&str, &str); 9] = [
    ("STCharacters.txt", "OpenCC ver.1.4.1-34-g5249273a"),
    ("TSCharacters.txt", "OpenCC ver.1.4.1-34-g5249273a"),
    ("TWVariants.txt", "OpenCC ver.1.4.1-34-g5249273a"),
    ("HKVariants.txt", "OpenCC ver.1.4.1-34-g5249273a"),
    ("JPShinjitaiCharacters.txt", "OpenCC ver.1.4.1-34-g5249273a"),
    (
        "Unihan_Variants.txt",
        "Unihan 10.0.0 (kSemanticVariant, kZVariant)",
    ),
    (
        "Unihan_kFrequency.txt",
        "Unihan 10.0.0 (kFrequency lines of Unihan_DictionaryLikeData.txt)",
    ),
    (
        "EquivalentUnifiedIdeograph.txt",
        "Unicode 15.1.0 (U+2E80..U+2FDF)",
    ),
    ("hand.txt", "witness, checked by hand"),
];

fn read(name: &str) -> String {
    let path = Path::new(DIR).join(name);
    println!("cargo::rerun-if-changed={}", path.display());
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `key<TAB>value value…` lines of one-character entries (OpenCC's format; `hand.txt`).
fn opencc(text: &str) -> Vec<(char, Vec<char>)> {
    let one = |s: &str| {
        let mut c = s.chars();
        match (c.next(), c.next()) {
            (Some(c), None) => Some(c),
            _ => None,
        }
    };
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|line| {
            let (k, v) = line.split_once('\t')?;
            let values: Vec<char> = v.split(' ').filter_map(one).collect();
            Some((one(k)?, values)).filter(|(_, v)| !v.is_empty())
        })
        .collect()
}

fn hex_char(s: &str) -> Option<char> {
    char::from_u32(u32::from_str_radix(s.trim().trim_start_matches("U+"), 16).ok()?)
}

/// `U+XXXX<TAB>field<TAB>value` lines of a Unihan file, for one field.
fn unihan<'t>(text: &'t str, field: &'t str) -> impl Iterator<Item = (char, &'t str)> + 't {
    text.lines().filter_map(move |line| {
        let mut f = line.split('\t');
        let (cp, name, value) = (f.next()?, f.next()?, f.next()?);
        (name == field).then_some((hex_char(cp)?, value))
    })
}

/// The same test as `chars::is_numeral` on the characters the tables hold.
fn is_numeral(c: char, numerals: &str) -> bool {
    numerals.contains(c) || c.is_numeric()
}

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=src/chars/cjk_numerals.txt");
    let numerals =
        std::fs::read_to_string("src/chars/cjk_numerals.txt").expect("src/chars/cjk_numerals.txt");
    let st: BTreeMap<char, Vec<char>> = opencc(&read("STCharacters.txt")).into_iter().collect();
    let ts: BTreeMap<char, Vec<char>> = opencc(&read("TSCharacters.txt")).into_iter().collect();
    let only = |m: &BTreeMap<char, Vec<char>>| -> BTreeSet<char> {
        m.iter()
            .filter(|(k, v)| !v.contains(k))
            .map(|(k, _)| *k)
            .collect()
    };
    let (simplified_only, traditional_only) = (only(&st), only(&ts));
    // Characters OpenCC knows as simplified or traditional standard forms.
    let known: BTreeSet<char> = st
        .iter()
        .chain(&ts)
        .flat_map(|(k, v)| std::iter::once(*k).chain(v.iter().copied()))
        .collect();
    // Unihan kFrequency: 1 (most frequent) to 5.
    let frequency: BTreeMap<char, u8> = unihan(&read("Unihan_kFrequency.txt"), "kFrequency")
        .filter_map(|(c, v)| Some((c, v.trim().parse().ok()?)))
        .collect();
    let mut variants = BTreeSet::new();
    let mut strong = BTreeSet::new();
    let mut standard = BTreeMap::new();
    // A numeral's other forms (`一`/`壹`, the financial forms) are not interchangeable.
    let mut add = |x: char, y: char, std_side: Option<char>, is_strong: bool| {
        if x == y || is_numeral(x, &numerals) || is_numeral(y, &numerals) {
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
    for name in ["TWVariants.txt", "HKVariants.txt"] {
        for (key, values) in opencc(&read(name)) {
            for v in values {
                add(key, v, Some(key), true);
            }
        }
    }
    for (key, values) in opencc(&read("JPShinjitaiCharacters.txt")) {
        for v in values {
            add(key, v, None, true);
        }
    }
    for (key, values) in opencc(&read("hand.txt")) {
        for v in values {
            add(key, v, Some(key), true);
        }
    }
    let variants_text = read("Unihan_Variants.txt");
    // kSpecializedSemanticVariant is left out: those characters share a meaning only in
    // some contexts, so one for the other can be a real change.
    let lines = variants_text.lines().filter_map(|line| {
        let mut f = line.split('\t');
        let (cp, field, values) = (f.next()?, f.next()?, f.next()?);
        let semantic = field == "kSemanticVariant";
        (semantic || field == "kZVariant").then_some((semantic, (hex_char(cp)?, values)))
    });
    for (semantic, (x, values)) in lines {
        for v in values.split(' ') {
            let (target, tags) = v.split_once('<').unwrap_or((v, ""));
            let Some(y) = hex_char(target) else {
                continue;
            };
            // A semantic variant counts when two dictionaries attest it: single-source entries
            // include `完`/`烟` (kLau).
            if semantic && tags.split(',').filter(|t| !t.is_empty()).count() < 2 {
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
    let mut radicals = BTreeMap::new();
    for line in read("EquivalentUnifiedIdeograph.txt").lines() {
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
            if ('\u{2E80}'..='\u{2FDF}').contains(&r) {
                radicals.insert(r, target);
            }
        }
    }
    // Causes: Casey's phonetic classes (the number of `1530`, `1530B`, `1530*`) and the
    // hand-checked look-alike groups.
    let mut phonetic: BTreeMap<char, Vec<u32>> = BTreeMap::new();
    for (c, value) in unihan(&read("Unihan_kPhonetic.txt"), "kPhonetic") {
        let classes = value.split(' ').filter_map(|v| {
            let digits: String = v.chars().take_while(char::is_ascii_digit).collect();
            digits.parse::<u32>().ok()
        });
        phonetic.entry(c).or_default().extend(classes);
    }
    let mut groups: BTreeMap<char, Vec<u32>> = BTreeMap::new();
    let look_alike = read("lookalike.txt");
    for (n, line) in look_alike
        .lines()
        .filter(|l| !l.starts_with('#'))
        .enumerate()
    {
        for c in line.split(' ').filter_map(|w| w.chars().next()) {
            groups.entry(c).or_default().push(n as u32);
        }
    }

    let mut out = String::new();
    let lit = |c: char| format!("'\\u{{{:X}}}'", c as u32);
    let chars = |v: &[char]| v.iter().map(|&c| lit(c)).collect::<Vec<_>>().join(",");
    let mut map = |name: &str, m: &BTreeMap<char, Vec<char>>| {
        let _ = write!(out, "pub(crate) static {name}: &[(char, &[char])] = &[");
        for (k, v) in m {
            let _ = write!(out, "({},&[{}]),", lit(*k), chars(v));
        }
        out += "];\n";
    };
    map("ST", &st);
    map("TS", &ts);
    let mut set = |name: &str, s: &BTreeSet<char>| {
        let v: Vec<char> = s.iter().copied().collect();
        let _ = writeln!(out, "pub(crate) static {name}: &[char] = &[{}];", chars(&v));
    };
    set("SIMPLIFIED_ONLY", &simplified_only);
    set("TRADITIONAL_ONLY", &traditional_only);
    // The same two sets as one byte per code point of the basic CJK blocks (U+3400..U+9FFF):
    // 1 simplified only, 2 traditional only, 0 neither; read for every character of a text.
    let basic: String = (0x3400u32..0xA000)
        .map(|code| match char::from_u32(code) {
            Some(c) if simplified_only.contains(&c) => "\\x01",
            Some(c) if traditional_only.contains(&c) => "\\x02",
            _ => "\\0",
        })
        .collect();
    let _ = writeln!(
        out,
        "pub(crate) static SCRIPT_ONLY_BASIC: &[u8; 0x6C00] = b\"{basic}\";"
    );
    let mut pairs = |name: &str, p: &mut dyn Iterator<Item = (char, char)>| {
        let _ = write!(out, "pub(crate) static {name}: &[(char, char)] = &[");
        for (x, y) in p {
            let _ = write!(out, "({},{}),", lit(x), lit(y));
        }
        out += "];\n";
    };
    pairs("VARIANTS", &mut variants.iter().copied());
    pairs("STRONG", &mut strong.iter().copied());
    pairs("STANDARD", &mut standard.iter().map(|(k, v)| (*k, *v)));
    pairs("RADICALS", &mut radicals.iter().map(|(k, v)| (*k, *v)));
    let mut numbers = |name: &str, m: &BTreeMap<char, Vec<u32>>| {
        let _ = write!(out, "pub(crate) static {name}: &[(char, &[u32])] = &[");
        for (k, v) in m {
            let list: Vec<String> = v.iter().map(u32::to_string).collect();
            let _ = write!(out, "({},&[{}]),", lit(*k), list.join(","));
        }
        out += "];\n";
    };
    numbers("PHONETIC", &phonetic);
    numbers("LOOK_ALIKE_GROUPS", &groups);
    // The digest lines of the `hanzi` profile's rules.
    let mut rules = String::new();
    for (name, source) in SOURCES {
        let digest = Sha256::digest(read(name).as_bytes());
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        let _ = writeln!(rules, "table {name} ({source}) sha256 {hex}");
    }
    let _ = writeln!(out, "pub(crate) const TABLE_RULES: &str = {rules:?};");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("orthography_tables.rs");
    std::fs::write(&dest, out).unwrap_or_else(|e| panic!("{}: {e}", dest.display()));
}
