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

use crate::segment;

/// A named, versioned set of folding rules used for matching.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum, Serialize)]
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
    Loose,
}

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
const ZERO_WIDTH: &[char] = &['\u{200B}', '\u{2060}', '\u{FEFF}'];

/// Version of the rule tables; bump it whenever a rule changes what matches.
const RULES_VERSION: u32 = 1;

impl Profile {
    pub fn name(self) -> &'static str {
        match self {
            Profile::Exact => "exact",
            Profile::Nfc => "nfc",
            Profile::Layout => "layout",
            Profile::Loose => "loose",
        }
    }

    /// A canonical description of the rules; its digest identifies the profile in reports.
    pub fn rules(self) -> String {
        let table = |name: &str, chars: &[char]| {
            let list: Vec<String> = chars
                .iter()
                .map(|c| format!("U+{:04X}", *c as u32))
                .collect();
            format!("{name}: {}\n", list.join(" "))
        };
        let mut rules = format!("witness profile {} v{RULES_VERSION}\n", self.name());
        if self != Profile::Exact {
            rules += "nfc per extended grapheme cluster\nline endings: CRLF CR -> LF\n";
        }
        if matches!(self, Profile::Layout | Profile::Loose) {
            rules += "paragraphs: segment::paragraphs; separator -> LF\n";
            rules += "whitespace run in paragraph: dropped next to CJK, else one U+0020\n";
            rules += &table("zero-width as whitespace", ZERO_WIDTH);
        }
        if self == Profile::Loose {
            rules += "width: U+FF01..U+FF5E -> U+0021..U+007E\n";
            rules += &table("dash -> U+002D", DASHES);
            rules += &table("double quote -> U+0022", DOUBLE_QUOTES);
            rules += &table("single quote -> U+0027", SINGLE_QUOTES);
        }
        rules
    }

    pub fn sha256(self) -> String {
        crate::source::hex_sha256(self.rules().as_bytes())
    }

    /// The character `c` stands for under this profile (only `loose` folds characters).
    pub fn fold(self, c: char) -> char {
        if self == Profile::Loose {
            fold_loose(c)
        } else {
            c
        }
    }
}

/// Width, dash and quote folding of `loose`.
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

/// Full-width ASCII forms (U+FF01..U+FF5E) as ASCII; the ideographic space as a space.
pub fn fold_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Han, kana, bopomofo, CJK punctuation and full-width forms: scripts written without spaces.
/// (Hangul is not here: Korean separates words with spaces.)
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{2E80}'..='\u{2FDF}'     // radicals
        | '\u{3000}'..='\u{303F}'   // CJK symbols and punctuation
        | '\u{3040}'..='\u{30FF}'   // hiragana, katakana
        | '\u{3100}'..='\u{312F}'   // bopomofo
        | '\u{31A0}'..='\u{31FF}'   // bopomofo extended, strokes, katakana extensions
        | '\u{3400}'..='\u{4DBF}'   // extension A
        | '\u{4E00}'..='\u{9FFF}'   // unified ideographs
        | '\u{F900}'..='\u{FAFF}'   // compatibility ideographs
        | '\u{FE10}'..='\u{FE1F}'   // vertical forms
        | '\u{FE30}'..='\u{FE4F}'   // compatibility forms
        | '\u{FF00}'..='\u{FFEF}'   // half-width and full-width forms
        | '\u{20000}'..='\u{3FFFF}' // extensions B and later
    )
}

/// Whitespace for `layout`: Unicode White_Space plus zero-width spaces.
pub fn is_layout_space(c: char) -> bool {
    c.is_whitespace() || ZERO_WIDTH.contains(&c)
}

/// A text as seen under a profile.
#[derive(Debug, Clone, Default)]
pub struct View {
    /// The normalized text.
    pub text: String,
    /// For each character of `text`, the original byte range it stands for.
    pub spans: Vec<Range<usize>>,
    /// The units the diff compares, as byte ranges of `text`, in order and covering it: the
    /// view of one extended grapheme cluster of the original, a collapsed space, or a
    /// paragraph break.
    pub units: Vec<Range<usize>>,
}

impl View {
    fn push(&mut self, c: char, span: Range<usize>) {
        self.text.push(c);
        self.spans.push(span);
    }

    /// Pushes one unit: everything `fill` pushes.
    fn unit(&mut self, fill: impl FnOnce(&mut View)) {
        let start = self.text.len();
        fill(self);
        if self.text.len() > start {
            self.units.push(start..self.text.len());
        }
    }
}

/// Builds the view of `text` under `profile`.
pub fn view(text: &str, profile: Profile) -> View {
    let mut v = View {
        text: String::with_capacity(text.len()),
        spans: Vec::with_capacity(text.len() / 2),
        units: Vec::with_capacity(text.len() / 2),
    };
    match profile {
        Profile::Exact => {
            for (o, g) in text.grapheme_indices(true) {
                v.unit(|v| {
                    for (i, c) in g.char_indices() {
                        v.push(c, o + i..o + i + c.len_utf8());
                    }
                });
            }
        }
        Profile::Nfc => push_nfc(&mut v, text, 0..text.len(), Profile::Nfc),
        Profile::Layout | Profile::Loose => {
            let mut prev_end = None;
            for para in segment::paragraphs(text) {
                if let Some(end) = prev_end {
                    v.unit(|v| v.push('\n', end..para.start));
                }
                prev_end = Some(para.end);
                push_paragraph(&mut v, text, para, profile);
            }
        }
    }
    v
}

/// Pushes `text[range]` in NFC, cluster by cluster.
fn push_nfc(v: &mut View, text: &str, range: Range<usize>, profile: Profile) {
    let base = range.start;
    for (o, g) in text[range].grapheme_indices(true) {
        push_cluster(v, g, base + o, profile);
    }
}

/// Pushes one extended grapheme cluster (found at byte `start`) as one unit, in NFC: each
/// output character maps to the cluster, or to itself when the cluster is already NFC.
/// (Canonical composition does not cross cluster boundaries in practice.)
fn push_cluster(v: &mut View, g: &str, start: usize, profile: Profile) {
    v.unit(|v| {
        if g == "\r\n" || g == "\r" {
            v.push('\n', start..start + g.len());
        } else if is_nfc_quick(g.chars()) == IsNormalized::Yes {
            for (i, c) in g.char_indices() {
                v.push(profile.fold(c), start + i..start + i + c.len_utf8());
            }
        } else {
            for c in g.nfc() {
                v.push(profile.fold(c), start..start + g.len());
            }
        }
    });
}

/// One paragraph under `layout`/`loose`: whitespace runs become one space, or nothing when a
/// CJK character is on either side.
fn push_paragraph(v: &mut View, text: &str, para: Range<usize>, profile: Profile) {
    let mut pending: Option<Range<usize>> = None;
    let mut prev: Option<char> = None;
    let base = para.start;
    for (o, g) in text[para.clone()].grapheme_indices(true) {
        let start = base + o;
        if g.chars().all(is_layout_space) {
            pending = Some(pending.map_or(start, |p| p.start)..start + g.len());
            continue;
        }
        let first = g.chars().next().unwrap_or(' ');
        if let (Some(space), Some(p)) = (pending.take(), prev)
            && !is_cjk(p)
            && !is_cjk(first)
        {
            v.unit(|v| v.push(' ', space));
        }
        push_cluster(v, g, start, profile);
        prev = g.chars().next_back();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn originals<'t>(text: &'t str, v: &View) -> Vec<&'t str> {
        v.spans.iter().map(|s| &text[s.clone()]).collect()
    }

    #[test]
    fn exact_maps_every_char_to_itself() {
        let t = "a，\r\nb";
        let v = view(t, Profile::Exact);
        assert_eq!(v.text, t);
        assert_eq!(originals(t, &v), ["a", "，", "\r", "\n", "b"]);
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
        let i = v.text.chars().position(|c| c == '\n').unwrap();
        assert_eq!(&t[v.spans[i].clone()], "\n\n");
        let space = v.text.chars().position(|c| c == ' ').unwrap();
        assert_eq!(&t[v.spans[space].clone()], "   ");
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
        let all = [
            Profile::Exact,
            Profile::Nfc,
            Profile::Layout,
            Profile::Loose,
        ];
        let digests: std::collections::BTreeSet<String> = all.iter().map(|p| p.sha256()).collect();
        assert_eq!(digests.len(), 4);
        assert_eq!(Profile::Loose.sha256(), Profile::Loose.sha256());
    }
}
