//! Pictures for the HTML report, drawn as inline SVG: a heat map of variant density along a
//! witness ([`heat_map`]), the similarity matrix of a collection ([`similarity_matrix`],
//! ordered by [`cluster_order`]), bar charts ([`bar_chart`]) and the variant graph of a
//! collation ([`variant_graph`]).
//!
//! Each function returns one `<svg>` element to write into an HTML page as it is. A picture
//! makes no network request and holds no script, no `style` attribute and no `<style>`
//! element (the report's Content-Security-Policy allows no inline style): it is drawn with
//! presentation attributes (`fill`, `stroke`, `font-size`, …), and `class` attributes name
//! its parts for the page's stylesheet. Colours come from the Okabe–Ito palette, which people
//! with the common colour-vision deficiencies tell apart, and every class of mark also has its
//! own pattern (a hatch per variant kind, dots for cosmetic) or shape, so that a picture reads
//! in greyscale and in print.
//!
//! Text is escaped with [`escape_markup`], with line breaks and invisible characters shown as
//! markers (`⏎`, `⟨U+202E⟩`), so hostile document text stays text. Links (`href`) that name a
//! scheme other than `http` or `https` (`javascript:`, `data:`) become `#`.
//!
//! Output is deterministic: the same input gives the same bytes. The ids a picture defines
//! (its title, patterns, markers) start with a prefix made from a hash of the picture, so that
//! several pictures on one page do not clash; two identical pictures share their ids, and
//! their definitions are then identical too.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::ops::Range;

use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};
use unicode_segmentation::UnicodeSegmentation;

use super::{escape_markup, mark, visible};
use crate::classify::Class;
use crate::collate::Collation;

/// Stands for the picture's id prefix while it is written; [`finish`] replaces it. Every text
/// written goes through [`escape_markup`], which turns control characters into markers, so
/// it occurs nowhere else.
const ID: &str = "\u{1}";

/// One paragraph of a witness in a heat map.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeatCell {
    /// Where a click goes (e.g. `#par-0-4-12`); written into an `<a href>`, escaped.
    pub href: String,
    /// The tooltip (`<title>`), e.g. `¶12: 3 substantive (omission 2, numeral 1), 5 cosmetic`;
    /// escaped.
    pub title: String,
    /// Substantive variants in the paragraph, by kind name (e.g. `("omission", 2)`), in a
    /// stable order: the first of the most frequent kinds colours the cell.
    pub kinds: Vec<(&'static str, usize)>,
    /// Cosmetic variants in the paragraph.
    pub cosmetic: usize,
    /// Blocks (a passage only in one witness) starting in the paragraph.
    pub blocks: usize,
}

/// A document in the similarity matrix.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MatrixDoc {
    /// The document's number in the report, written in the cells' `data-a` and `data-b` (a
    /// matrix may show a few of a collection's documents).
    pub id: usize,
    /// The name shown on the axes (cut to 20 columns; the whole of it in a tooltip).
    pub label: String,
    /// Where a click on the document's name goes.
    pub href: String,
}

/// Coverage by shared text of two documents.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MatrixPair {
    /// One document (an index into the documents).
    pub a: usize,
    /// The other document (an index into the documents), normally greater than `a`; the
    /// order does not matter.
    pub b: usize,
    /// The fraction, 0 to 1, of the pair's text that is shared (values outside are clamped,
    /// NaN counts as 0).
    pub coverage: f64,
}

// ---------------------------------------------------------------------------------------
// Colours and patterns

/// How a class of marks is hatched, so that it reads without colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hatch {
    /// Lines like `/`.
    Slash,
    /// Lines like `\`.
    Backslash,
    Horizontal,
    Vertical,
    /// `+` grid.
    Cross,
    /// `×` grid.
    DiagonalCross,
    Checker,
    Dots,
    /// No pattern: a solid dark fill is its own mark.
    Solid,
}

/// The colour and hatch of the classes with a fixed look: the substantive kinds (Okabe–Ito
/// colours, one hatch each), a block, cosmetic, and the causes of substitutions.
const STYLES: [(&str, u32, Hatch); 13] = [
    ("substitution", 0xE69F00, Hatch::Slash),
    ("omission", 0xD55E00, Hatch::Backslash),
    ("addition", 0x0072B2, Hatch::Horizontal),
    ("numeral", 0xCC79A7, Hatch::Vertical),
    ("transposition", 0x009E73, Hatch::Cross),
    ("move", 0x56B4E9, Hatch::DiagonalCross),
    ("dittography", 0xF0E442, Hatch::Checker),
    ("block", 0x3C3C3C, Hatch::Solid),
    ("cosmetic", 0x9E9E9E, Hatch::Dots),
    ("substantive", 0xD55E00, Hatch::Backslash),
    ("homophone", 0x56B4E9, Hatch::Horizontal),
    ("near_homophone", 0x009E73, Hatch::Vertical),
    ("look_alike", 0xE69F00, Hatch::Slash),
];

/// Colours and hatches for the other classes, taken in turn.
const CYCLE_COLOURS: [u32; 7] = [
    0xE69F00, 0x56B4E9, 0x009E73, 0xF0E442, 0x0072B2, 0xD55E00, 0xCC79A7,
];
const CYCLE_HATCHES: [Hatch; 7] = [
    Hatch::Slash,
    Hatch::Horizontal,
    Hatch::Backslash,
    Hatch::Vertical,
    Hatch::Cross,
    Hatch::DiagonalCross,
    Hatch::Checker,
];

/// The style index of "block" and "cosmetic" in [`STYLES`].
const BLOCK: usize = 7;
const COSMETIC: usize = 8;

/// Styles of one picture: the fixed ones by name, others numbered in order of first use.
#[derive(Default)]
struct Styles {
    others: Vec<String>,
}

impl Styles {
    fn index(&mut self, name: &str) -> usize {
        if let Some(i) = STYLES.iter().position(|s| s.0 == name) {
            return i;
        }
        let k = match self.others.iter().position(|o| o == name) {
            Some(k) => k,
            None => {
                self.others.push(name.to_string());
                self.others.len() - 1
            }
        };
        STYLES.len() + k
    }
}

/// Colour and hatch of a style index (see [`Styles`]).
fn style(i: usize) -> (u32, Hatch) {
    match STYLES.get(i) {
        Some(&(_, colour, hatch)) => (colour, hatch),
        None => {
            let k = i - STYLES.len();
            (
                CYCLE_COLOURS[k % CYCLE_COLOURS.len()],
                CYCLE_HATCHES[(k + k / CYCLE_COLOURS.len()) % CYCLE_HATCHES.len()],
            )
        }
    }
}

/// Density levels: 0 for none, then 1, 2–3, 4–7, 8 or more.
fn level(n: usize) -> usize {
    match n {
        0 => 0,
        1 => 1,
        2..=3 => 2,
        4..=7 => 3,
        _ => 4,
    }
}

/// The legend of the density levels.
const LEVEL_NAMES: [&str; 4] = ["1", "2–3", "4–7", "8+"];

/// How much of the full colour (per mille, the rest white) each level shows.
const LEVEL_STRENGTH: [u32; 5] = [0, 400, 600, 800, 1000];

/// `colour` mixed with white: `permille` of the colour.
fn tint(colour: u32, permille: u32) -> String {
    let channel = |shift: u32| {
        let c = (colour >> shift) & 0xFF;
        255 - ((255 - c) * permille + 500) / 1000
    };
    format!("#{:02x}{:02x}{:02x}", channel(16), channel(8), channel(0))
}

/// A `<pattern>` filling with `background` and drawing `hatch` over it in translucent black.
fn pattern(id: &str, background: &str, hatch: Hatch) -> String {
    let lines = r##"stroke="#000" stroke-opacity=".55" stroke-width="1.2""##;
    let (transform, marks) = match hatch {
        Hatch::Slash => (
            r#" patternTransform="rotate(45)""#,
            format!(r#"<path d="M3 0V6" {lines}/>"#),
        ),
        Hatch::Backslash => (
            r#" patternTransform="rotate(-45)""#,
            format!(r#"<path d="M3 0V6" {lines}/>"#),
        ),
        Hatch::Horizontal => ("", format!(r#"<path d="M0 3H6" {lines}/>"#)),
        Hatch::Vertical => ("", format!(r#"<path d="M3 0V6" {lines}/>"#)),
        Hatch::Cross => ("", format!(r#"<path d="M0 3H6M3 0V6" {lines}/>"#)),
        Hatch::DiagonalCross => (
            r#" patternTransform="rotate(45)""#,
            format!(r#"<path d="M0 3H6M3 0V6" {lines}/>"#),
        ),
        Hatch::Checker => (
            "",
            r##"<path d="M0 0H3V3H0ZM3 3H6V6H3Z" fill="#000" fill-opacity=".35"/>"##.to_string(),
        ),
        Hatch::Dots => (
            "",
            r##"<circle cx="3" cy="3" r="1" fill="#000" fill-opacity=".5"/>"##.to_string(),
        ),
        Hatch::Solid => ("", String::new()),
    };
    format!(
        r#"<pattern id="{id}" width="6" height="6" patternUnits="userSpaceOnUse"{transform}><rect width="6" height="6" fill="{background}"/>{marks}</pattern>"#
    )
}

/// The id of the pattern of style `s` at density level `l` (see [`Patterns`]).
fn pattern_id(s: usize, l: usize) -> String {
    format!("{ID}-p{s}-{l}")
}

/// The patterns a picture uses, defined once each, in a fixed order.
#[derive(Default)]
struct Patterns(BTreeSet<(usize, usize)>);

impl Patterns {
    /// A `fill` value for style `s` at level `l` (1–4), defining the pattern.
    fn fill(&mut self, s: usize, l: usize) -> String {
        self.0.insert((s, l));
        format!("url(#{})", pattern_id(s, l))
    }

    fn defs(&self) -> String {
        let mut out = String::new();
        for &(s, l) in &self.0 {
            let (colour, hatch) = style(s);
            out += &pattern(&pattern_id(s, l), &tint(colour, LEVEL_STRENGTH[l]), hatch);
        }
        out
    }
}

// ---------------------------------------------------------------------------------------
// Text

/// Text and attribute values escaped for XML.
fn esc(s: &str) -> String {
    escape_markup(s)
}

/// Text written by the caller (a title, a label), escaped, with invisible characters and
/// controls as markers (see [`mark`]) and line breaks kept.
fn text(s: &str) -> String {
    escape_markup(&mark(s))
}

/// A link target: escaped, and `#` instead when it names a scheme other than `http` or
/// `https` (a colon before any `/`, `?` or `#`), so that no `javascript:` or `data:` link
/// reaches the page.
fn safe_href(href: &str) -> String {
    match href.find([':', '/', '?', '#']) {
        Some(i) if href[i..].starts_with(':') => {
            let scheme = &href[..i];
            if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") {
                esc(href)
            } else {
                "#".to_string()
            }
        }
        _ => esc(href),
    }
}

/// A character drawn about as wide as an ideograph (East Asian wide and fullwidth forms, most
/// emoji); an estimate for layout.
fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x1F300..=0x1F64F
        | 0x1F900..=0x1F9FF | 0x20000..=0x3FFFD)
}

/// Columns of text: 2 for a wide character, 0 for a combining mark, else 1.
fn columns(s: &str) -> usize {
    s.chars()
        .map(|c| {
            if is_wide(c) {
                2
            } else if c.general_category_group() == GeneralCategoryGroup::Mark {
                0
            } else {
                1
            }
        })
        .sum()
}

/// Estimated width in pixels of `cols` columns at `font` pixels: a column is 0.6 em, which
/// errs on the wide side for Latin text and for ideographs (2 columns, 1 em).
fn px(cols: usize, font: u32) -> u32 {
    (cols as u32 * font * 6).div_ceil(10)
}

/// Where [`shown`] keeps text when it must cut it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Keep {
    Head,
    Tail,
    Both,
}

/// Text as a picture shows it (line breaks and invisible characters as markers, see
/// [`visible`]), cut to at most `max` columns by whole grapheme clusters with an ellipsis
/// where text was left out. Not escaped.
fn shown(s: &str, max: usize, keep: Keep) -> String {
    let all = visible(s);
    if columns(&all) <= max {
        return all;
    }
    let graphemes: Vec<String> = s.graphemes(true).map(visible).collect();
    let room = max.saturating_sub(1);
    match keep {
        Keep::Head => take(graphemes.iter(), room).0.concat() + "…",
        Keep::Tail => {
            let (mut tail, _) = take(graphemes.iter().rev(), room);
            tail.reverse();
            format!("…{}", tail.concat())
        }
        Keep::Both => {
            let (head, used) = take(graphemes.iter(), room.div_ceil(2));
            let (mut tail, _) = take(graphemes.iter().rev(), room - used);
            tail.reverse();
            format!("{}…{}", head.concat(), tail.concat())
        }
    }
}

/// Leading graphemes of `iter` that fit in `budget` columns, and the columns they take.
fn take<'a>(iter: impl Iterator<Item = &'a String>, budget: usize) -> (Vec<&'a str>, usize) {
    let mut used = 0;
    let mut taken = Vec::new();
    for g in iter {
        let w = columns(g);
        if used + w > budget {
            break;
        }
        used += w;
        taken.push(g.as_str());
    }
    (taken, used)
}

/// FNV-1a (64 bits): a hash that stays the same from one Rust release to the next.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The parts of a picture, put together by [`finish`].
struct Picture<'a> {
    /// The picture's kind, a class of the `<svg>`: `heat-map`, `similarity-matrix`, …
    kind: &'static str,
    /// `img`, or `group` for a picture holding links (so that they stay reachable).
    role: &'static str,
    width: u32,
    height: u32,
    /// Its accessible name, escaped.
    title: &'a str,
    /// Its description, escaped.
    desc: &'a str,
    defs: &'a str,
    body: &'a str,
}

/// The `<svg>` element, with the id prefix made from a hash of the whole.
fn finish(p: Picture) -> String {
    let Picture {
        kind,
        role,
        width,
        height,
        title,
        desc,
        defs,
        body,
    } = p;
    let mut out = String::with_capacity(body.len() + defs.len() + 512);
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="witness-svg {kind}" role="{role}" aria-labelledby="{ID}-t" aria-describedby="{ID}-d" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12"><title id="{ID}-t">{title}</title><desc id="{ID}-d">{desc}</desc>"#
    );
    if !defs.is_empty() {
        out += "<defs>";
        out += defs;
        out += "</defs>";
    }
    out += body;
    out += "</svg>";
    let prefix = format!("wsv{:012x}", fnv1a(out.as_bytes()) & 0xFFFF_FFFF_FFFF);
    out.replace(ID, &prefix)
}

/// Legend entries laid out left to right, wrapping at `width`.
struct Legend {
    width: u32,
    x: u32,
    y: u32,
    out: String,
}

/// Height of a legend line.
const LEGEND_LINE: u32 = 18;

impl Legend {
    fn new(x: u32, y: u32, width: u32) -> Legend {
        Legend {
            width,
            x,
            y,
            out: String::new(),
        }
    }

    /// Room for an entry `w` pixels wide, on this line or the next.
    fn place(&mut self, w: u32, left: u32) -> (u32, u32) {
        if self.x > left && self.x + w > self.width {
            self.x = left;
            self.y += LEGEND_LINE;
        }
        let at = (self.x, self.y);
        self.x += w + 12;
        at
    }

    /// A swatch (`swatch` draws it at a point) and its text (not yet escaped).
    fn entry(&mut self, left: u32, swatch: impl Fn(u32, u32) -> String, text: &str) {
        let (x, y) = self.place(Self::entry_width(text) - 12, left);
        self.out += &swatch(x, y);
        let _ = write!(
            self.out,
            r##"<text x="{}" y="{}" font-size="11" fill="#333">{}</text>"##,
            x + 16,
            y + 10,
            esc(text)
        );
    }

    /// Plain text (not yet escaped).
    fn text(&mut self, left: u32, text: &str) {
        let w = px(columns(text), 11);
        let (x, y) = self.place(w, left);
        let _ = write!(
            self.out,
            r##"<text x="{x}" y="{}" font-size="11" fill="#333">{}</text>"##,
            y + 10,
            esc(text)
        );
    }

    /// Starts a new line unless `w` more pixels fit on this one (to keep entries together).
    fn keep_together(&mut self, w: u32, left: u32) {
        if self.x > left && self.x + w > self.width {
            self.x = left;
            self.y += LEGEND_LINE;
        }
    }

    /// The width [`Legend::entry`] takes for `text`, its gap included.
    fn entry_width(text: &str) -> u32 {
        16 + px(columns(text), 11) + 12
    }

    /// The y below the last line.
    fn bottom(&self) -> u32 {
        self.y + LEGEND_LINE
    }
}

/// A 12×12 swatch filled with `fill`.
fn swatch(fill: &str) -> impl Fn(u32, u32) -> String + '_ {
    move |x, y| format!(r#"<rect x="{x}" y="{y}" width="12" height="12" fill="{fill}"/>"#)
}

// ---------------------------------------------------------------------------------------
// Heat map

/// Size of a heat-map cell and the distance from one cell to the next.
const CELL: u32 = 12;
const PITCH: u32 = 14;

/// How a heat-map cell is drawn.
enum CellLook {
    /// A substantive kind (or a block) at a density level: style index, level, class name.
    Substantive(usize, usize, String),
    /// Cosmetic variants only, at a density level.
    Cosmetic(usize),
    /// No variant.
    None,
}

/// The look of a cell: its dominant substantive kind (the first of the most frequent), else a
/// block, else cosmetic, else none.
fn cell_look(cell: &HeatCell, styles: &mut Styles) -> CellLook {
    let substantive: usize = cell.kinds.iter().map(|k| k.1).sum();
    let mut dominant: Option<(&str, usize)> = None;
    for &(name, n) in &cell.kinds {
        if n > 0 && dominant.is_none_or(|d| n > d.1) {
            dominant = Some((name, n));
        }
    }
    if let Some((name, _)) = dominant {
        CellLook::Substantive(
            styles.index(name),
            level(substantive + cell.blocks),
            name.to_string(),
        )
    } else if cell.blocks > 0 {
        // Always dark: a light shade of grey would read as cosmetic.
        CellLook::Substantive(BLOCK, 4, "block".to_string())
    } else if cell.cosmetic > 0 {
        CellLook::Cosmetic(level(cell.cosmetic))
    } else {
        CellLook::None
    }
}

/// The mark of a paragraph where a block starts: a small triangle in the cell's corner,
/// black edged with white so that it shows on any fill.
fn block_mark(x: u32, y: u32) -> String {
    format!(r##"<path d="M{x} {y}h6l-6 6z" fill="#000" stroke="#fff" stroke-width=".8"/>"##)
}

/// A heat map of variant density along one witness: one cell per paragraph, in the order of
/// `cells`, wrapping to rows of at most `per_row` cells (at least 1). Each cell is a link
/// (`<a class="cell …" href data-sub data-cos data-blocks>` holding the cell's `<title>` and
/// its `<rect>`), with class `cell sub KIND` (KIND: the dominant substantive kind, or
/// `block`), `cell cos` (cosmetic variants only) or `cell none`; `data-sub` counts the
/// substantive variants, `data-cos` the cosmetic ones, `data-blocks` the blocks.
///
/// A substantive cell is coloured and hatched by its dominant kind (the first of the most
/// frequent in `kinds`; a block alone: dark grey, always), a cosmetic-only cell is light grey with
/// dots, a cell without variant white with a grey border; a paragraph where a block starts
/// has a triangle in its top-left corner. The shade says the density: 1, 2–3, 4–7 or 8 and
/// more variants (substantive and blocks for a substantive cell, cosmetic for a
/// cosmetic-only one). Each row starts with the number of its first paragraph, counted from
/// 1 in the order of `cells`; a legend of the classes met and of the shades follows.
///
/// `label` is the picture's accessible name (its `<title>`); the `<svg>` has role `group`,
/// so that its links stay reachable by keyboard and assistive technology.
pub fn heat_map(label: &str, cells: &[HeatCell], per_row: usize) -> String {
    let per_row = per_row.max(1);
    let rows = cells.len().div_ceil(per_row) as u32;
    let digits = cells.len().max(1).to_string().len();
    let left = 6 + px(digits, 10) + 6;
    let top = 6;
    let width = (left + per_row.min(cells.len().max(1)) as u32 * PITCH + 6).max(320);
    let mut styles = Styles::default();
    let mut patterns = Patterns::default();
    let mut body = String::with_capacity(cells.len() * 160 + 1024);
    let (mut n_sub, mut n_cos, mut n_none, mut n_blocks) = (0, 0, 0, 0);
    // Which looks occur, for the legend: substantive styles, a block alone, cosmetic, none.
    let mut seen_styles = BTreeSet::new();
    for r in 0..rows {
        let _ = write!(
            body,
            r##"<text x="{}" y="{}" text-anchor="end" font-size="10" fill="#555">{}</text>"##,
            left - 6,
            top + r * PITCH + 10,
            r as usize * per_row + 1
        );
    }
    for (i, cell) in cells.iter().enumerate() {
        let x = left + (i % per_row) as u32 * PITCH;
        let y = top + (i / per_row) as u32 * PITCH;
        let substantive: usize = cell.kinds.iter().map(|k| k.1).sum();
        let (class, paint) = match cell_look(cell, &mut styles) {
            CellLook::Substantive(s, l, name) => {
                n_sub += 1;
                seen_styles.insert(s);
                (
                    format!("cell sub {}", esc(&name)),
                    format!(r#"fill="{}""#, patterns.fill(s, l)),
                )
            }
            CellLook::Cosmetic(l) => {
                n_cos += 1;
                seen_styles.insert(COSMETIC);
                (
                    "cell cos".to_string(),
                    format!(r#"fill="{}""#, patterns.fill(COSMETIC, l)),
                )
            }
            CellLook::None => {
                n_none += 1;
                (
                    "cell none".to_string(),
                    r##"fill="#fff" stroke="#b0b0b0""##.to_string(),
                )
            }
        };
        let _ = write!(
            body,
            r#"<a class="{class}" href="{}" data-sub="{substantive}" data-cos="{}" data-blocks="{}"><title>{}</title><rect x="{x}" y="{y}" width="{CELL}" height="{CELL}" {paint}/>"#,
            safe_href(&cell.href),
            cell.cosmetic,
            cell.blocks,
            text(&cell.title),
        );
        if cell.blocks > 0 {
            n_blocks += 1;
            body += &block_mark(x, y);
        }
        body += "</a>";
    }
    if cells.is_empty() {
        let _ = write!(
            body,
            r##"<text x="{left}" y="{}" font-size="11" fill="#333">no paragraphs</text>"##,
            top + 10
        );
    }
    // The legend.
    let legend_top = top + rows.max(1) * PITCH + 10;
    let mut legend = Legend::new(6, legend_top, width - 6);
    let first = seen_styles.iter().next().copied();
    for &s in &seen_styles {
        let name = match s {
            BLOCK => "block only".to_string(),
            COSMETIC => "cosmetic only".to_string(),
            s if s < STYLES.len() => STYLES[s].0.to_string(),
            s => styles.others[s - STYLES.len()].clone(),
        };
        let fill = patterns.fill(s, if s == COSMETIC { 2 } else { 4 });
        legend.entry(6, swatch(&fill), &name);
    }
    if n_none > 0 {
        legend.entry(
            6,
            |x, y| {
                format!(
                    r##"<rect x="{x}" y="{y}" width="12" height="12" fill="#fff" stroke="#b0b0b0"/>"##
                )
            },
            "no variant",
        );
    }
    if n_blocks > 0 {
        legend.entry(
            6,
            |x, y| {
                format!(
                    r##"<rect x="{x}" y="{y}" width="12" height="12" fill="#fff" stroke="#b0b0b0"/>{}"##,
                    block_mark(x, y)
                )
            },
            "a block starts",
        );
    }
    if let Some(s) = first {
        let scale = px(columns("variants:"), 11)
            + 12
            + LEVEL_NAMES
                .iter()
                .map(|l| Legend::entry_width(l))
                .sum::<u32>();
        legend.keep_together(scale, 6);
        legend.text(6, "variants:");
        for (l, name) in LEVEL_NAMES.iter().enumerate() {
            let fill = patterns.fill(s, l + 1);
            legend.entry(6, swatch(&fill), name);
        }
    }
    let height = legend.bottom() + 4;
    body += &legend.out;
    let desc = format!(
        "{} paragraphs: {n_sub} with substantive variants, {n_cos} with cosmetic variants only, {n_none} without variants; blocks start in {n_blocks}.",
        cells.len()
    );
    finish(Picture {
        kind: "heat-map",
        role: "group",
        width,
        height,
        title: &text(label),
        desc: &desc,
        defs: &patterns.defs(),
        body: &body,
    })
}

// ---------------------------------------------------------------------------------------
// Clustering

/// Groups in the similarity matrix: clusters whose documents share, on average, at least this
/// fraction of their text (the distance of their last merge is at most 1 minus it).
const GROUP_COVERAGE: f64 = 0.3;

/// The result of [`cluster`]: the leaf order and the groups (ranges of positions in it).
struct Dendrogram {
    order: Vec<usize>,
    groups: Vec<Range<usize>>,
}

/// A coverage value made usable: NaN as 0, clamped to 0..=1.
fn clean(coverage: f64) -> f64 {
    if coverage.is_nan() {
        0.0
    } else {
        coverage.clamp(0.0, 1.0)
    }
}

/// The documents that have a pair with shared text, and the leaf distances between them
/// (row-major, `m × m`, 1 where no pair is given; of repeated pairs the greatest coverage).
fn leaf_distances(n: usize, pairs: &[MatrixPair]) -> (Vec<usize>, Vec<f64>) {
    let valid = |p: &&MatrixPair| p.a < n && p.b < n && p.a != p.b && clean(p.coverage) > 0.0;
    let mut paired: Vec<usize> = pairs
        .iter()
        .filter(valid)
        .flat_map(|p| [p.a, p.b])
        .collect();
    paired.sort_unstable();
    paired.dedup();
    let m = paired.len();
    let mut slot = vec![usize::MAX; n];
    for (s, &d) in paired.iter().enumerate() {
        slot[d] = s;
    }
    let mut dist = vec![1.0; m * m];
    for p in pairs.iter().filter(valid) {
        let (i, j) = (slot[p.a], slot[p.b]);
        let d = 1.0 - clean(p.coverage);
        if d < dist[i * m + j] {
            dist[i * m + j] = d;
            dist[j * m + i] = d;
        }
    }
    for i in 0..m {
        dist[i * m + i] = 0.0;
    }
    (paired, dist)
}

/// Joins the leaf lists of two clusters, the first (`a`, whose smallest document comes
/// first) before the other, each turned around if that brings closer leaves together: of the
/// four ways, the one whose two meeting leaves are nearest (the first on ties, in the order
/// a+b, a+reversed b, reversed a+b, both reversed).
fn join(a: &[usize], b: &[usize], leaf: &[f64], m: usize) -> Vec<usize> {
    let (a0, a1, b0, b1) = (a[0], a[a.len() - 1], b[0], b[b.len() - 1]);
    let ways = [(a1, b0), (a1, b1), (a0, b0), (a0, b1)];
    let mut best = 0;
    for (w, &(x, y)) in ways.iter().enumerate() {
        let (bx, by) = ways[best];
        if leaf[x * m + y] < leaf[bx * m + by] {
            best = w;
        }
    }
    let mut out: Vec<usize> = Vec::with_capacity(a.len() + b.len());
    if best >= 2 {
        out.extend(a.iter().rev());
    } else {
        out.extend(a);
    }
    if best % 2 == 1 {
        out.extend(b.iter().rev());
    } else {
        out.extend(b);
    }
    out
}

/// Agglomerative clustering with average linkage (UPGMA) over distances 1 − coverage (1 for
/// a pair not given). At each step the two nearest clusters merge; ties go to the pair whose
/// smallest documents come first. Merging stops when no two clusters share any text
/// (distance 1). Each row keeps its nearest neighbour after it, so that a step costs a scan of
/// the rows plus the rows that the merge touched (about quadratic in all, instead of cubic).
fn cluster(n: usize, pairs: &[MatrixPair]) -> Dendrogram {
    let (paired, leaf) = leaf_distances(n, pairs);
    let m = paired.len();
    let mut dist = leaf.clone();
    let mut members: Vec<Option<Vec<usize>>> = (0..m).map(|s| Some(vec![s])).collect();
    // The clusters (their slots) when the merges reach the group threshold.
    let mut groups_at_cut: Option<Vec<Vec<usize>>> = None;
    // Each active row's nearest active slot after it: (distance, slot).
    let nearest = |dist: &[f64], members: &[Option<Vec<usize>>], i: usize| {
        let mut best: Option<(f64, usize)> = None;
        for (j, member) in members.iter().enumerate().skip(i + 1) {
            if member.is_some() && best.is_none_or(|b| dist[i * m + j] < b.0) {
                best = Some((dist[i * m + j], j));
            }
        }
        best
    };
    let mut nn: Vec<Option<(f64, usize)>> = (0..m).map(|i| nearest(&dist, &members, i)).collect();
    loop {
        let mut pick: Option<(f64, usize, usize)> = None;
        for (i, best) in nn.iter().enumerate() {
            if let Some((d, j)) = *best
                && members[i].is_some()
                && pick.is_none_or(|p| d < p.0)
            {
                pick = Some((d, i, j));
            }
        }
        let Some((d, i, j)) = pick else { break };
        if d >= 1.0 {
            break;
        }
        if d > 1.0 - GROUP_COVERAGE && groups_at_cut.is_none() {
            groups_at_cut = Some(members.iter().flatten().cloned().collect());
        }
        let a = members[i].take().unwrap_or_default();
        let b = members[j].take().unwrap_or_default();
        let (sa, sb) = (a.len() as f64, b.len() as f64);
        for k in 0..m {
            if k != i && members[k].is_some() && k != j {
                let v = (sa * dist[i * m + k] + sb * dist[j * m + k]) / (sa + sb);
                dist[i * m + k] = v;
                dist[k * m + i] = v;
            }
        }
        members[i] = Some(join(&a, &b, &leaf, m));
        nn[j] = None;
        nn[i] = nearest(&dist, &members, i);
        for k in 0..m {
            if members[k].is_none() || k == i {
                continue;
            }
            match nn[k] {
                Some((_, t)) if t == i || t == j => nn[k] = nearest(&dist, &members, k),
                Some((bd, t)) if k < i => {
                    let v = dist[k * m + i];
                    if v < bd || (v == bd && i < t) {
                        nn[k] = Some((v, i));
                    }
                }
                _ => {}
            }
        }
    }
    let clusters: Vec<Vec<usize>> = members.into_iter().flatten().collect();
    let groups_at_cut = groups_at_cut.unwrap_or_else(|| clusters.clone());
    let mut order: Vec<usize> = clusters.iter().flatten().map(|&s| paired[s]).collect();
    let mut position = vec![0; m];
    for (p, &s) in clusters.iter().flatten().enumerate() {
        position[s] = p;
    }
    let mut groups: Vec<Range<usize>> = groups_at_cut
        .iter()
        .filter(|g| g.len() > 1)
        .map(|g| {
            let lo = g.iter().map(|&s| position[s]).min().unwrap_or(0);
            lo..lo + g.len()
        })
        .collect();
    groups.sort_by_key(|g| g.start);
    let mut is_paired = vec![false; n];
    for &d in &paired {
        is_paired[d] = true;
    }
    order.extend((0..n).filter(|&d| !is_paired[d]));
    Dendrogram { order, groups }
}

/// A deterministic order of `n` documents that puts similar ones together: agglomerative
/// clustering with average linkage over the distances 1 − coverage (1 for a pair not given;
/// of a pair given twice, the greater coverage), ties broken by document index, and the leaf
/// order of the tree. When two clusters merge, the one holding the smaller index comes first,
/// each turned around if that puts nearer documents side by side. Clusters that share no text
/// follow one another by their smallest index. Documents in no pair with coverage above 0
/// (pairs out of range and a document paired with itself are ignored) come last, in index
/// order. Returns a permutation of `0..n`.
pub fn cluster_order(n: usize, pairs: &[MatrixPair]) -> Vec<usize> {
    cluster(n, pairs).order
}

// ---------------------------------------------------------------------------------------
// Similarity matrix

/// The colour of a coverage: white at 0, through a mid blue to a dark blue at 1 (one hue, the
/// lightness carries the value, so it reads without telling hues apart).
fn coverage_colour(c: f64) -> String {
    const STOPS: [(f64, [f64; 3]); 3] = [
        (0.0, [255.0, 255.0, 255.0]),
        (0.5, [111.0, 168.0, 214.0]),
        (1.0, [8.0, 48.0, 107.0]),
    ];
    let c = clean(c);
    let (lo, hi) = if c <= 0.5 {
        (STOPS[0], STOPS[1])
    } else {
        (STOPS[1], STOPS[2])
    };
    let t = (c - lo.0) / (hi.0 - lo.0);
    let ch = |k: usize| (lo.1[k] + (hi.1[k] - lo.1[k]) * t).round() as u8;
    format!("#{:02x}{:02x}{:02x}", ch(0), ch(1), ch(2))
}

/// Columns of a document's name on the axes of the matrix.
const MATRIX_LABEL: usize = 20;
/// Columns of a document's name in the tooltip of a cell.
const MATRIX_TITLE: usize = 32;

/// The similarity matrix of a collection: a square of cells, rows and columns in the order of
/// [`cluster_order`], so that groups of witnesses stand out as dark squares on the diagonal;
/// groups whose documents share on average 30% or more of their text are outlined (`<rect
/// class="group">`). Each cell, in both triangles, is a `<rect class="cell">` with `data-a`
/// and `data-b` (original indices into `docs`: `a` the row, `b` the column), `data-coverage`
/// (3 decimals) and a `<title>` naming both documents and the percentage shared; its shade
/// goes from white (nothing shared) to dark blue (all). The diagonal (`class="cell diag"`,
/// coverage 1) is hatched grey. The axes carry the documents' names, cut to 20 columns by
/// whole characters, each a link to the document's `href` with the whole name as its
/// tooltip. Pairs with indices out of range are ignored; a pair not given counts as 0.
///
/// Designed for up to about 80 documents: the output grows with the square of their number.
pub fn similarity_matrix(docs: &[MatrixDoc], pairs: &[MatrixPair]) -> String {
    matrix(docs, pairs, true)
}

/// [`similarity_matrix`] without the cells of pairs that share no text: the diagonal and the
/// cells with coverage above 0 only, the others left as the white background. The same
/// picture, much smaller for a collection where most documents share nothing (a cell is about
/// 200 bytes): a test counting cells must expect `n` plus twice the pairs with shared text.
pub fn similarity_matrix_shared_only(docs: &[MatrixDoc], pairs: &[MatrixPair]) -> String {
    matrix(docs, pairs, false)
}

/// The similarity matrix, with every cell (`all`) or only the diagonal and the cells of pairs
/// with shared text.
fn matrix(docs: &[MatrixDoc], pairs: &[MatrixPair], all: bool) -> String {
    let n = docs.len();
    let Dendrogram { order, groups } = cluster(n, pairs);
    let mut coverage = vec![0.0; n * n];
    for p in pairs {
        if p.a < n && p.b < n && p.a != p.b {
            let c = clean(p.coverage);
            if c > coverage[p.a * n + p.b] {
                coverage[p.a * n + p.b] = c;
                coverage[p.b * n + p.a] = c;
            }
        }
    }
    let cell = (560 / n.max(1) as u32).clamp(11, 28);
    let font = cell.min(13) - 1;
    let labels: Vec<String> = docs
        .iter()
        .map(|d| shown(&d.label, MATRIX_LABEL, Keep::Head))
        .collect();
    let names: Vec<String> = docs
        .iter()
        .map(|d| shown(&d.label, 60, Keep::Head))
        .collect();
    let short_names: Vec<String> = docs
        .iter()
        .map(|d| shown(&d.label, MATRIX_TITLE, Keep::Head))
        .collect();
    let label_px = labels
        .iter()
        .map(|l| px(columns(l), font))
        .max()
        .unwrap_or(0);
    let left = 8 + label_px + 6;
    let top = left;
    let side = n as u32 * cell;
    let width = (left + side + 8).max(300);
    let mut body = String::with_capacity(n * n * 150 + 2048);
    let mut patterns = String::new();
    patterns += &pattern(&format!("{ID}-diag"), "#d9d9d9", Hatch::Slash);
    // Grid background, seen as thin lines between the cells.
    let _ = write!(
        body,
        r##"<rect x="{left}" y="{top}" width="{side}" height="{side}" fill="{}" stroke="#d0d0d0"/>"##,
        if all { "#d0d0d0" } else { "#ffffff" }
    );
    for (p, &d) in order.iter().enumerate() {
        let y = top + p as u32 * cell + cell / 2;
        let x = left + p as u32 * cell + cell / 2;
        let _ = write!(
            body,
            r##"<a href="{href}"><title>{name}</title><text x="{}" y="{y}" text-anchor="end" dominant-baseline="central" font-size="{font}" fill="#222">{label}</text></a><a href="{href}"><title>{name}</title><text x="{x}" y="{}" transform="rotate(-90 {x} {})" dominant-baseline="central" font-size="{font}" fill="#222">{label}</text></a>"##,
            left - 6,
            top - 6,
            top - 6,
            href = safe_href(&docs[d].href),
            name = esc(&names[d]),
            label = esc(&labels[d]),
        );
    }
    for (row, &a) in order.iter().enumerate() {
        for (col, &b) in order.iter().enumerate() {
            let x = left + col as u32 * cell;
            let y = top + row as u32 * cell;
            let size = cell - 1;
            if a == b {
                let _ = write!(
                    body,
                    r#"<rect class="cell diag" x="{x}" y="{y}" width="{size}" height="{size}" fill="url(#{ID}-diag)" data-a="{}" data-b="{}" data-coverage="1.000"><title>{}</title></rect>"#,
                    docs[a].id,
                    docs[b].id,
                    esc(&names[a])
                );
            } else {
                let c = coverage[a * n + b];
                if !all && c == 0.0 {
                    continue;
                }
                let _ = write!(
                    body,
                    r#"<rect class="cell" x="{x}" y="{y}" width="{size}" height="{size}" fill="{}" data-a="{}" data-b="{}" data-coverage="{c:.3}"><title>{} × {}: {:.1}% shared</title></rect>"#,
                    coverage_colour(c),
                    docs[a].id,
                    docs[b].id,
                    esc(&short_names[a]),
                    esc(&short_names[b]),
                    c * 100.0
                );
            }
        }
    }
    for g in &groups {
        let _ = write!(
            body,
            r##"<rect class="group" x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#000" stroke-width="1.5"/>"##,
            left + g.start as u32 * cell,
            top + g.start as u32 * cell,
            g.len() as u32 * cell - 1,
            g.len() as u32 * cell - 1
        );
    }
    if n == 0 {
        let _ = write!(
            body,
            r##"<text x="8" y="{}" font-size="11" fill="#333">no documents</text>"##,
            top + 12
        );
    }
    // The legend: the shades, the diagonal, the groups.
    let mut legend = Legend::new(8, top + side.max(12) + 10, width - 8);
    legend.text(8, "shared:");
    for c in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let fill = coverage_colour(c);
        legend.entry(
            8,
            |x, y| {
                format!(
                    r##"<rect x="{x}" y="{y}" width="12" height="12" fill="{fill}" stroke="#b0b0b0"/>"##
                )
            },
            &format!("{}%", (c * 100.0) as u32),
        );
    }
    let diag = format!("url(#{ID}-diag)");
    legend.entry(8, swatch(&diag), "same document");
    if !groups.is_empty() {
        legend.entry(
            8,
            |x, y| {
                format!(
                    r##"<rect x="{x}" y="{y}" width="12" height="12" fill="none" stroke="#000" stroke-width="1.5"/>"##
                )
            },
            "group: 30% or more shared on average",
        );
    }
    let height = legend.bottom() + 4;
    body += &legend.out;
    let shared = (0..n)
        .flat_map(|a| (a + 1..n).map(move |b| (a, b)))
        .filter(|&(a, b)| coverage[a * n + b] > 0.0)
        .count();
    let desc = format!(
        "{n} documents, {shared} pairs with shared text, {} groups; rows and columns ordered by clustering.",
        groups.len()
    );
    finish(Picture {
        kind: "similarity-matrix",
        role: "group",
        width,
        height,
        title: &format!("Similarity of {n} documents by shared text"),
        desc: &desc,
        defs: &patterns,
        body: &body,
    })
}

// ---------------------------------------------------------------------------------------
// Bar chart

/// Columns of a bar's label.
const BAR_LABEL: usize = 28;
/// Length of the longest bar.
const BAR_MAX: u32 = 240;

/// A horizontal bar chart: one bar per `(label, count, class)`, in the order given, the
/// longest bar for the greatest count. Each bar is a `<g class="bar CLASS" data-label
/// data-count>` holding a `<title>` (`label: count`), the label (cut to 28 columns), the bar
/// and its count printed beside it. The class picks the bar's colour and hatch: the
/// substantive kinds (`omission`, …), `block`, `cosmetic`, `substantive` and the causes
/// (`homophone`, `near_homophone`, `look_alike`) have fixed ones, shared with [`heat_map`];
/// other classes take colours and hatches in turn. `title` is shown above the bars and is the
/// picture's accessible name.
pub fn bar_chart(title: &str, bars: &[(String, usize, &'static str)]) -> String {
    let font = 12;
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0);
    let labels: Vec<String> = bars
        .iter()
        .map(|b| shown(&b.0, BAR_LABEL, Keep::Head))
        .collect();
    let left = 8
        + labels
            .iter()
            .map(|l| px(columns(l), font))
            .max()
            .unwrap_or(0)
        + 8;
    let count_px = px(max.to_string().len(), font) + 8;
    let heading = shown(title, 60, Keep::Head);
    let width = (left + BAR_MAX + 6 + count_px).max(8 + px(columns(&heading), 13) + 8);
    let top = 28;
    let row = 22;
    let mut styles = Styles::default();
    let mut patterns = Patterns::default();
    let mut body = String::new();
    let _ = write!(
        body,
        r##"<text x="8" y="17" font-size="13" font-weight="bold" fill="#222">{}</text>"##,
        esc(&heading)
    );
    for (i, ((label, count, class), shown_label)) in bars.iter().zip(&labels).enumerate() {
        let y = top + i as u32 * row;
        let w = if max == 0 {
            0
        } else {
            ((*count as u64 * u64::from(BAR_MAX)).div_ceil(max as u64) as u32).max(2)
        };
        let w = if *count == 0 { 0 } else { w };
        let s = styles.index(class);
        let (colour, _) = style(s);
        let fill = patterns.fill(s, 4);
        let _ = write!(
            body,
            r##"<g class="bar {}" data-label="{}" data-count="{count}"><title>{}: {count}</title><text x="{}" y="{}" text-anchor="end" dominant-baseline="central" fill="#222">{}</text><rect x="{left}" y="{}" width="{w}" height="16" fill="{fill}" stroke="{}"/><text x="{}" y="{}" dominant-baseline="central" fill="#222">{count}</text></g>"##,
            esc(class),
            esc(label),
            esc(&visible(label)),
            left - 8,
            y + 8,
            esc(shown_label),
            y,
            tint(colour, 1000),
            left + w + 6,
            y + 8,
        );
    }
    if bars.is_empty() {
        let _ = write!(
            body,
            r##"<text x="8" y="{}" font-size="11" fill="#333">nothing to show</text>"##,
            top + 10
        );
    }
    let height = top + bars.len().max(1) as u32 * row + 6;
    let total: usize = bars.iter().map(|b| b.1).sum();
    let desc = format!("{} bars, {total} in all.", bars.len());
    finish(Picture {
        kind: "bar-chart",
        role: "img",
        width,
        height,
        title: &text(title),
        desc: &desc,
        defs: &patterns.defs(),
        body: &body,
    })
}

// ---------------------------------------------------------------------------------------
// Variant graph

/// Columns of a node's text.
const NODE_TEXT: usize = 18;
/// Columns of base text shown before the first site and after the last.
const CONTEXT: usize = 12;
/// Columns of an edge's label (the sigla).
const EDGE_LABEL: usize = 28;
/// Columns of a siglum (a document's label).
const SIGLUM: usize = 14;
const NODE_H: u32 = 26;
const NODE_GAP: u32 = 20;
const NODE_FONT: u32 = 13;
const EDGE_FONT: u32 = 11;

/// What a node of the variant graph stands for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum NodeKind {
    /// Base text that every witness shares.
    Shared,
    /// One reading at a site.
    Reading {
        substantive: bool,
        base: bool,
        majority: bool,
    },
    /// The witnesses that have no text at a site.
    Lacuna,
}

struct Node {
    /// Text shown (not escaped).
    text: String,
    /// Text for the tooltip (not escaped).
    full: String,
    /// Witnesses through this node (sorted).
    witnesses: Vec<usize>,
    kind: NodeKind,
    // Layout.
    x: u32,
    y: u32,
    w: u32,
}

struct Column {
    /// Above a site's readings: its kinds (not escaped).
    header: Option<String>,
    nodes: Vec<Node>,
}

fn node(text: String, full: String, witnesses: Vec<usize>, kind: NodeKind) -> Node {
    Node {
        text,
        full,
        witnesses,
        kind,
        x: 0,
        y: 0,
        w: 0,
    }
}

/// The sigla of some witnesses, cut to `max` columns with a count of those left out.
fn sigla(c: &Collation, witnesses: &[usize], max: usize) -> String {
    let mut out = String::new();
    for (k, &w) in witnesses.iter().enumerate() {
        let s = shown(&c.docs[w].label, SIGLUM, Keep::Head);
        let sep = if k == 0 { "" } else { ", " };
        let rest = witnesses.len() - k;
        let more = if rest > 1 {
            format!(", +{}", rest - 1).len()
        } else {
            0
        };
        if k > 0 && columns(&out) + sep.len() + columns(&s) + more > max {
            let _ = write!(out, " +{rest}");
            break;
        }
        out += sep;
        out += &s;
    }
    out
}

/// Graphemes that the readings of a site (the empty ones left out) share at their start and
/// at their end; none unless two readings or more have text.
fn common_ends(texts: &[&str]) -> (usize, usize) {
    let readings: Vec<Vec<&str>> = texts
        .iter()
        .filter(|t| !t.is_empty())
        .map(|t| t.graphemes(true).collect())
        .collect();
    let Some((first, others)) = readings.split_first() else {
        return (0, 0);
    };
    if others.is_empty() {
        return (0, 0);
    }
    let shortest = readings.iter().map(Vec::len).min().unwrap_or(0);
    let start = (0..shortest)
        .take_while(|&i| others.iter().all(|r| r[i] == first[i]))
        .count();
    let end = (0..shortest - start)
        .take_while(|&i| {
            others
                .iter()
                .all(|r| r[r.len() - 1 - i] == first[first.len() - 1 - i])
        })
        .count();
    (start, end)
}

/// A reading as its node shows it: whole when it fits in `max` columns, else the part where
/// the readings of its site differ (after the `start` graphemes they all begin with and
/// before the `end` ones they all end with), with two graphemes of what they share on each
/// side, cut in its middle if still too long; an ellipsis wherever text was left out.
fn reading_shown(text: &str, start: usize, end: usize, max: usize) -> String {
    let all = visible(text);
    if columns(&all) <= max {
        return all;
    }
    let g: Vec<&str> = text.graphemes(true).collect();
    let from = start.saturating_sub(2).min(g.len());
    let to = (g.len() - end.saturating_sub(2).min(g.len())).max(from);
    let lead = if from > 0 { "…" } else { "" };
    let trail = if to < g.len() { "…" } else { "" };
    let room = max.saturating_sub(lead.len().min(1) + trail.len().min(1));
    format!(
        "{lead}{}{trail}",
        shown(&g[from..to].concat(), room, Keep::Both)
    )
}

/// Intersection of two sorted lists.
fn common(a: &[usize], b: &[usize]) -> Vec<usize> {
    a.iter()
        .filter(|w| b.binary_search(w).is_ok())
        .copied()
        .collect()
}

/// The variant graph of a passage of a collation, read left to right as in CollateX: the
/// base text between the sites of `c.sites[sites]` (and a little before the first and after
/// the last) as shared nodes (`<g class="node shared">`), each site's distinct readings as
/// parallel nodes (`<g class="node reading substantive|cosmetic">`, `base` and `majority`
/// added to the classes of the base witness's reading and of the majority reading; an empty
/// reading shows `∅`), and the witnesses absent at a site (a lacuna, see
/// [`crate::collate::Site::absent`]) as a dashed node `lacuna`. Each node has
/// `data-witnesses` (indices into `c.docs`, space-separated) and a tooltip with its whole
/// text and its witnesses. Arrows join the nodes that witnesses read one after the other,
/// each with a `<title>` naming those witnesses and, where it is not said already, their
/// sigla (the documents' labels) written along it; an arrow's width grows with its number of
/// witnesses. A substantive site's readings have a thick vermillion border, a cosmetic one's
/// a thin grey one; the kinds met at a site are written above it. Node text is cut by whole
/// characters with an ellipsis (18 columns; shared text keeps its two ends).
///
/// `sites` is clipped to the collation's sites; an empty passage gives a picture saying so.
/// Sites that overlap (variants inside a block) follow one another with no shared node
/// between them.
pub fn variant_graph(c: &Collation, sites: Range<usize>) -> String {
    let n = c.docs.len();
    let end = sites.end.min(c.sites.len());
    let start = sites.start.min(end);
    let all: Vec<usize> = (0..n).collect();
    let base_text = c.docs.get(c.base).map_or("", |d| d.text.as_str());
    let slice = |r: Range<usize>| base_text.get(r).unwrap_or("");
    let shared =
        |text: String, full: &str| node(text, visible(full), all.clone(), NodeKind::Shared);
    let mut columns_: Vec<Column> = Vec::new();
    let mut prev_end: Option<usize> = None;
    for site in &c.sites[start..end] {
        let between = match prev_end {
            None => {
                let before = slice(0..site.base.start);
                let before = before.rsplit('\n').next().unwrap_or("");
                (!before.is_empty()).then(|| shared(shown(before, CONTEXT, Keep::Tail), before))
            }
            Some(p) if site.base.start > p => {
                let t = slice(p..site.base.start);
                Some(shared(shown(t, NODE_TEXT, Keep::Both), t))
            }
            Some(_) => None,
        };
        if let Some(b) = between {
            columns_.push(Column {
                header: None,
                nodes: vec![b],
            });
        }
        let substantive = site.class == Class::Substantive;
        let texts: Vec<&str> = site.groups.iter().map(|g| g.text.as_str()).collect();
        let (same_start, same_end) = common_ends(&texts);
        let mut nodes: Vec<Node> = site
            .groups
            .iter()
            .enumerate()
            .map(|(g, group)| {
                let mut witnesses = group.witnesses.clone();
                witnesses.sort_unstable();
                let (text, full) = if group.text.is_empty() {
                    ("∅".to_string(), "(nothing)".to_string())
                } else {
                    (
                        reading_shown(&group.text, same_start, same_end, NODE_TEXT),
                        shown(&group.text, 200, Keep::Head),
                    )
                };
                node(
                    text,
                    full,
                    witnesses.clone(),
                    NodeKind::Reading {
                        substantive,
                        base: witnesses.contains(&c.base),
                        majority: site.majority == Some(g),
                    },
                )
            })
            .collect();
        if !site.absent.is_empty() {
            let mut absent = site.absent.clone();
            absent.sort_unstable();
            nodes.push(node(
                "lacuna".to_string(),
                "no text here (lacuna)".to_string(),
                absent,
                NodeKind::Lacuna,
            ));
        }
        let mut header: Vec<&str> = Vec::new();
        if site.block {
            header.push("block");
        }
        header.extend(site.kinds.iter().map(|k| k.name()));
        columns_.push(Column {
            header: Some(shown(&header.join(", "), 24, Keep::Head)),
            nodes,
        });
        prev_end = Some(prev_end.map_or(site.base.end, |p| p.max(site.base.end)));
    }
    if let Some(p) = prev_end {
        let after = slice(p..base_text.len());
        let after = after.split('\n').next().unwrap_or("");
        if !after.is_empty() {
            columns_.push(Column {
                header: None,
                nodes: vec![shared(shown(after, CONTEXT, Keep::Head), after)],
            });
        }
    }

    // Edges between neighbouring columns: (column, source, target, witnesses).
    struct Edge {
        col: usize,
        from: usize,
        to: usize,
        witnesses: Vec<usize>,
        label: Option<String>,
    }
    let mut edges: Vec<Edge> = Vec::new();
    for k in 0..columns_.len().saturating_sub(1) {
        for (u, from) in columns_[k].nodes.iter().enumerate() {
            for (v, to) in columns_[k + 1].nodes.iter().enumerate() {
                let witnesses = common(&from.witnesses, &to.witnesses);
                if witnesses.is_empty() {
                    continue;
                }
                // Said already: into a shared node, from a node whose witnesses were written
                // on the way in.
                let said = to.kind == NodeKind::Shared && (k > 0 || from.kind == NodeKind::Shared);
                let label = (!said).then(|| sigla(c, &witnesses, EDGE_LABEL));
                edges.push(Edge {
                    col: k,
                    from: u,
                    to: v,
                    witnesses,
                    label,
                });
            }
        }
    }

    // Layout: columns left to right, each centred vertically; the gap after a column wide
    // enough for the labels of its edges.
    let header_h = 20;
    let top = 10 + header_h;
    let tallest = columns_.iter().map(|c| c.nodes.len()).max().unwrap_or(1) as u32;
    let inner = tallest * NODE_H + tallest.saturating_sub(1) * NODE_GAP;
    let mut x = 10;
    let mut width = x;
    for (k, col) in columns_.iter_mut().enumerate() {
        let w = col
            .nodes
            .iter()
            .map(|nd| (px(columns(&nd.text), NODE_FONT) + 16).max(32))
            .max()
            .unwrap_or(32);
        let count = col.nodes.len() as u32;
        let h = count * NODE_H + count.saturating_sub(1) * NODE_GAP;
        for (i, nd) in col.nodes.iter_mut().enumerate() {
            nd.x = x;
            nd.w = w;
            nd.y = top + (inner - h) / 2 + i as u32 * (NODE_H + NODE_GAP);
        }
        let label_w = edges
            .iter()
            .filter(|e| e.col == k)
            .filter_map(|e| e.label.as_ref())
            .map(|l| px(columns(l), EDGE_FONT))
            .max()
            .unwrap_or(0);
        width = x + w + 10;
        x += w + (label_w + 36).max(48);
    }
    let height = top + inner + 12;

    let mut body = String::new();
    let _ = write!(
        body,
        r##"<defs><marker id="{ID}-arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="5" markerHeight="5" markerUnits="strokeWidth" orient="auto"><path d="M0 0L8 4L0 8z" fill="#555"/></marker></defs>"##
    );
    // Edges first, so that nodes are drawn over their ends.
    let mut labels = String::new();
    for e in &edges {
        let (from, to) = (
            &columns_[e.col].nodes[e.from],
            &columns_[e.col + 1].nodes[e.to],
        );
        let (x1, y1) = (from.x + from.w, from.y + NODE_H / 2);
        let (x2, y2) = (to.x - 2, to.y + NODE_H / 2);
        let mx = (x1 + x2) / 2;
        let weight = 1.0 + e.witnesses.len().min(8) as f64 / 2.0;
        let names: Vec<String> = e
            .witnesses
            .iter()
            .map(|&w| shown(&c.docs[w].label, 60, Keep::Head))
            .collect();
        let _ = write!(
            body,
            r##"<path class="edge" d="M{x1} {y1}C{mx} {y1} {mx} {y2} {x2} {y2}" fill="none" stroke="#555" stroke-width="{weight:.1}" marker-end="url(#{ID}-arrow)" data-witnesses="{}"><title>{}</title></path>"##,
            e.witnesses
                .iter()
                .map(|w| w.to_string())
                .collect::<Vec<_>>()
                .join(" "),
            esc(&names.join(", "))
        );
        if let Some(label) = &e.label {
            let into = edges
                .iter()
                .filter(|f| f.col == e.col && f.to == e.to)
                .count();
            let out_of = edges
                .iter()
                .filter(|f| f.col == e.col && f.from == e.from)
                .count();
            let (lx, ly, anchor) = if into == 1 {
                (x2 - 8, y2 - 6, "end")
            } else if out_of == 1 {
                (x1 + 6, y1 - 6, "start")
            } else {
                (mx, (y1 + y2) / 2 - 6, "middle")
            };
            let _ = write!(
                labels,
                r##"<text class="sigla" x="{lx}" y="{ly}" text-anchor="{anchor}" font-size="{EDGE_FONT}" fill="#222" stroke="#fff" stroke-width="3" paint-order="stroke">{}</text>"##,
                esc(label)
            );
        }
    }
    body += &labels;
    for col in &columns_ {
        if let (Some(header), Some(first)) = (&col.header, col.nodes.first()) {
            let _ = write!(
                body,
                r##"<text class="site-kinds" x="{}" y="{}" text-anchor="middle" font-size="11" fill="#555">{}</text>"##,
                first.x + first.w / 2,
                10 + 12,
                esc(header)
            );
        }
        for nd in &col.nodes {
            let (class, fill, stroke, stroke_w, dash, italic) = match nd.kind {
                NodeKind::Shared => ("node shared".to_string(), "#eeeeee", "#777777", "1", "", ""),
                NodeKind::Reading {
                    substantive,
                    base,
                    majority,
                } => {
                    let mut class = String::from("node reading");
                    class += if substantive {
                        " substantive"
                    } else {
                        " cosmetic"
                    };
                    if base {
                        class += " base";
                    }
                    if majority {
                        class += " majority";
                    }
                    if substantive {
                        (class, "#ffffff", "#d55e00", "2.5", "", "")
                    } else {
                        (class, "#f7f7f7", "#999999", "1", "", "")
                    }
                }
                NodeKind::Lacuna => (
                    "node lacuna".to_string(),
                    "#ffffff",
                    "#777777",
                    "1",
                    r#" stroke-dasharray="4 3""#,
                    r#" font-style="italic""#,
                ),
            };
            let names: Vec<String> = nd
                .witnesses
                .iter()
                .map(|&w| {
                    let name = shown(&c.docs[w].label, 60, Keep::Head);
                    if w == c.base {
                        format!("{name} (base)")
                    } else {
                        name
                    }
                })
                .collect();
            let _ = write!(
                body,
                r##"<g class="{class}" data-witnesses="{}"><title>{} — {}</title><rect x="{}" y="{}" width="{}" height="{NODE_H}" rx="4" fill="{fill}" stroke="{stroke}" stroke-width="{stroke_w}"{dash}/><text x="{}" y="{}" text-anchor="middle" dominant-baseline="central" font-size="{NODE_FONT}" fill="#111"{italic}>{}</text></g>"##,
                nd.witnesses
                    .iter()
                    .map(|w| w.to_string())
                    .collect::<Vec<_>>()
                    .join(" "),
                esc(&nd.full),
                esc(&names.join(", ")),
                nd.x,
                nd.y,
                nd.w,
                nd.x + nd.w / 2,
                nd.y + NODE_H / 2,
                esc(&nd.text)
            );
        }
    }
    let (width, height) = if columns_.is_empty() {
        let _ = write!(
            body,
            r##"<text x="10" y="20" font-size="11" fill="#333">no variant sites</text>"##
        );
        (300, 32)
    } else {
        (width.max(120), height)
    };
    let base_label = c
        .docs
        .get(c.base)
        .map_or(String::new(), |d| shown(&d.label, 60, Keep::Head));
    let title = if end > start {
        format!(
            "Variant graph of sites {}–{} of {}: {n} witnesses, base {}",
            start + 1,
            end,
            c.sites.len(),
            esc(&base_label)
        )
    } else {
        format!("Variant graph: no sites ({n} witnesses)")
    };
    let reading_nodes = columns_
        .iter()
        .flat_map(|c| &c.nodes)
        .filter(|nd| matches!(nd.kind, NodeKind::Reading { .. }))
        .count();
    let desc = format!(
        "{} sites, {reading_nodes} readings, {} arrows.",
        end - start,
        edges.len()
    );
    finish(Picture {
        kind: "variant-graph",
        role: "img",
        width,
        height,
        title: &title,
        desc: &desc,
        defs: "",
        body: &body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collate::collate;
    use crate::corpus::Corpus;
    use crate::normalize::Profile;
    use crate::source::{Document, ReadOptions};
    use roxmltree::Node as XmlNode;

    const SVG_NS: &str = "http://www.w3.org/2000/svg";

    /// Parses a picture and checks what every picture must be: an `<svg>` in the SVG
    /// namespace named by its first child, a `<title>`; no script, no style, no event handler,
    /// no foreign object; every id unique and starting with the picture's prefix; every
    /// reference to an id resolving inside the picture.
    fn check(svg: &str) -> roxmltree::Document<'_> {
        assert!(!svg.contains('\u{1}'));
        let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}: {svg}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(root.tag_name().namespace(), Some(SVG_NS));
        assert!(matches!(root.attribute("role"), Some("img" | "group")));
        let title_id = root.attribute("aria-labelledby").unwrap();
        let first = root.first_element_child().unwrap();
        assert_eq!(first.tag_name().name(), "title");
        assert_eq!(first.attribute("id"), Some(title_id));
        let prefix = title_id.strip_suffix("-t").unwrap();
        assert!(prefix.starts_with("wsv") && prefix.len() == 15, "{prefix}");
        let mut ids = BTreeSet::new();
        for node in doc.descendants().filter(XmlNode::is_element) {
            let name = node.tag_name().name();
            assert!(
                !matches!(name, "script" | "style" | "foreignObject"),
                "{name}"
            );
            for a in node.attributes() {
                assert_ne!(a.name(), "style");
                assert!(!a.name().starts_with("on"), "{}", a.name());
            }
            if let Some(id) = node.attribute("id") {
                assert!(id.starts_with(prefix), "{id}");
                assert!(ids.insert(id.to_string()), "duplicate id {id}");
            }
        }
        for node in doc.descendants().filter(XmlNode::is_element) {
            for a in node.attributes() {
                let mut rest = a.value();
                while let Some(i) = rest.find("url(#") {
                    let tail = &rest[i + 5..];
                    let end = tail.find(')').unwrap();
                    assert!(
                        ids.contains(&tail[..end]),
                        "{} refers to {}",
                        a.name(),
                        &tail[..end]
                    );
                    rest = &tail[end..];
                }
            }
        }
        for a in ["aria-labelledby", "aria-describedby"] {
            assert!(ids.contains(root.attribute(a).unwrap()));
        }
        doc
    }

    /// Elements whose class list starts with `class`.
    fn with_class<'a, 'i>(doc: &'a roxmltree::Document<'i>, class: &str) -> Vec<XmlNode<'a, 'i>> {
        doc.descendants()
            .filter(|n| {
                n.attribute("class")
                    .is_some_and(|c| c.split(' ').next() == Some(class))
            })
            .collect()
    }

    fn attrs(nodes: &[XmlNode], name: &str) -> Vec<String> {
        nodes
            .iter()
            .map(|n| n.attribute(name).unwrap_or("").to_string())
            .collect()
    }

    fn title_of(node: &XmlNode) -> String {
        node.children()
            .find(|c| c.has_tag_name("title"))
            .and_then(|t| t.text())
            .unwrap_or("")
            .to_string()
    }

    fn prefix(doc: &roxmltree::Document) -> String {
        let id = doc.root_element().attribute("aria-labelledby").unwrap();
        id.strip_suffix("-t").unwrap().to_string()
    }

    fn cell(
        href: &str,
        kinds: Vec<(&'static str, usize)>,
        cosmetic: usize,
        blocks: usize,
    ) -> HeatCell {
        HeatCell {
            href: href.to_string(),
            title: format!("paragraph {href}"),
            kinds,
            cosmetic,
            blocks,
        }
    }

    fn sample_cells() -> Vec<HeatCell> {
        vec![
            cell("#p-0", vec![("omission", 2), ("numeral", 1)], 5, 0),
            cell("#p-1", vec![], 3, 0),
            cell("#p-2", vec![], 0, 0),
            cell("#p-3", vec![("numeral", 1), ("omission", 1)], 0, 1),
            cell("#p-4", vec![("substitution", 0)], 0, 2),
        ]
    }

    #[test]
    fn heat_map_cells_classes_counts_and_rows() {
        let svg = heat_map("Witness 004", &sample_cells(), 2);
        let doc = check(&svg);
        let p = prefix(&doc);
        let root = doc.root_element();
        assert_eq!(root.attribute("role"), Some("group"));
        assert_eq!(root.attribute("class"), Some("witness-svg heat-map"));
        assert_eq!(title_of(&root), "Witness 004");
        let cells = with_class(&doc, "cell");
        assert_eq!(cells.len(), 5);
        assert!(cells.iter().all(|c| c.has_tag_name("a")));
        assert_eq!(
            attrs(&cells, "class"),
            [
                "cell sub omission",
                "cell cos",
                "cell none",
                "cell sub numeral",
                "cell sub block"
            ]
        );
        assert_eq!(
            attrs(&cells, "href"),
            ["#p-0", "#p-1", "#p-2", "#p-3", "#p-4"]
        );
        assert_eq!(attrs(&cells, "data-sub"), ["3", "0", "0", "2", "0"]);
        assert_eq!(attrs(&cells, "data-cos"), ["5", "3", "0", "0", "0"]);
        assert_eq!(attrs(&cells, "data-blocks"), ["0", "0", "0", "1", "2"]);
        assert_eq!(title_of(&cells[3]), "paragraph #p-3");
        // Fills: omission (style 1) at level 2 (3 variants); cosmetic (8) at level 2 (3);
        // none white; numeral (3) at level 2 (2 variants + 1 block); a block alone (7),
        // always at level 4.
        let rects: Vec<XmlNode> = cells
            .iter()
            .map(|c| c.children().find(|r| r.has_tag_name("rect")).unwrap())
            .collect();
        let fills = attrs(&rects, "fill");
        assert_eq!(
            fills,
            [
                format!("url(#{p}-p1-2)"),
                format!("url(#{p}-p8-2)"),
                "#fff".to_string(),
                format!("url(#{p}-p3-2)"),
                format!("url(#{p}-p7-4)"),
            ]
        );
        assert_eq!(rects[2].attribute("stroke"), Some("#b0b0b0"));
        // Two per row: three rows.
        assert_eq!(attrs(&rects, "y"), ["6", "6", "20", "20", "34"]);
        let x0: u32 = rects[0].attribute("x").unwrap().parse().unwrap();
        assert_eq!(attrs(&rects, "x")[1], (x0 + PITCH).to_string());
        // The rows' numbers.
        let row_numbers: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text") && n.attribute("text-anchor") == Some("end"))
            .filter_map(|n| n.text())
            .collect();
        assert_eq!(row_numbers, ["1", "3", "5"]);
        // Block marks in the two paragraphs where blocks start, and in the legend.
        let marks = |node: &XmlNode| {
            node.descendants()
                .filter(|n| n.has_tag_name("path") && n.attribute("fill") == Some("#000"))
                .count()
        };
        assert_eq!(cells.iter().map(marks).collect::<Vec<_>>(), [0, 0, 0, 1, 1]);
        // The omission pattern: 60% of vermillion, hatched.
        let pattern = doc
            .descendants()
            .find(|n| n.attribute("id") == Some(&format!("{p}-p1-2")))
            .unwrap();
        assert_eq!(pattern.tag_name().name(), "pattern");
        let bg = pattern.first_element_child().unwrap();
        assert_eq!(bg.attribute("fill"), Some("#e69e66"));
        assert_eq!(pattern.attribute("patternTransform"), Some("rotate(-45)"));
        let desc = root.children().find(|n| n.has_tag_name("desc")).unwrap();
        assert_eq!(
            desc.text(),
            Some(
                "5 paragraphs: 3 with substantive variants, 1 with cosmetic variants only, \
                 1 without variants; blocks start in 2."
            )
        );
        // The legend names what occurs.
        let texts: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text())
            .collect();
        for t in [
            "omission",
            "numeral",
            "block only",
            "cosmetic only",
            "no variant",
            "a block starts",
            "2–3",
            "8+",
        ] {
            assert!(texts.contains(&t), "{t} in {texts:?}");
        }
        assert!(!texts.contains(&"substitution"));
    }

    #[test]
    fn heat_map_levels_and_edge_cases() {
        assert_eq!(
            [0, 1, 2, 3, 4, 7, 8, 1000].map(level),
            [0, 1, 2, 2, 3, 3, 4, 4]
        );
        assert_eq!(tint(0xD55E00, 1000), "#d55e00");
        assert_eq!(tint(0xD55E00, 0), "#ffffff");
        assert_eq!(tint(0xD55E00, 600), "#e69e66");
        // No cells, and per_row 0 taken as 1.
        let doc_text = heat_map("empty", &[], 0);
        let doc = check(&doc_text);
        assert!(with_class(&doc, "cell").is_empty());
        let one = heat_map("x", &sample_cells(), 0);
        let doc = check(&one);
        let ys: BTreeSet<String> = with_class(&doc, "cell")
            .iter()
            .map(|c| {
                c.first_element_child()
                    .unwrap()
                    .next_sibling_element()
                    .unwrap()
            })
            .map(|r| r.attribute("y").unwrap().to_string())
            .collect();
        assert_eq!(ys.len(), 5);
        // An unknown kind gets a colour of its own, and a hatch.
        let svg = heat_map("x", &[cell("#a", vec![("spelling", 1)], 0, 0)], 10);
        let doc = check(&svg);
        let p = prefix(&doc);
        let c = &with_class(&doc, "cell")[0];
        assert_eq!(c.attribute("class"), Some("cell sub spelling"));
        let rect = c.children().find(|r| r.has_tag_name("rect")).unwrap();
        assert_eq!(
            rect.attribute("fill"),
            Some(format!("url(#{p}-p13-1)").as_str())
        );
    }

    #[test]
    fn links_are_escaped_and_only_safe_schemes_kept() {
        assert_eq!(safe_href("#par-0-4-12"), "#par-0-4-12");
        assert_eq!(safe_href("docs/004.html#v-3"), "docs/004.html#v-3");
        assert_eq!(
            safe_href("https://example.org/a?b=1&c=2"),
            "https://example.org/a?b=1&amp;c=2"
        );
        assert_eq!(safe_href("a.html?x=javascript:1"), "a.html?x=javascript:1");
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " javascript:alert(1)",
            "java\tscript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:x",
        ] {
            assert_eq!(safe_href(bad), "#", "{bad:?}");
        }
    }

    const HOSTILE: &str = "</svg><script>alert(1)</script>\"'&\u{202E}\u{1}x";

    #[test]
    fn hostile_text_stays_text() {
        let cells = vec![HeatCell {
            href: "javascript:alert(1)".to_string(),
            title: HOSTILE.to_string(),
            kinds: vec![("omission\"><script>", 1)],
            cosmetic: 0,
            blocks: 0,
        }];
        let svg = heat_map(HOSTILE, &cells, 4);
        let doc = check(&svg);
        let shown_text = "</svg><script>alert(1)</script>\"'&⟨U+202E⟩⟨U+0001⟩x";
        assert_eq!(title_of(&doc.root_element()), shown_text);
        let c = &with_class(&doc, "cell")[0];
        assert_eq!(title_of(c), shown_text);
        assert_eq!(c.attribute("href"), Some("#"));
        assert_eq!(c.attribute("class"), Some("cell sub omission\"><script>"));

        let docs = vec![
            MatrixDoc {
                id: 0,
                label: HOSTILE.to_string(),
                href: "javascript:alert(1)".to_string(),
            },
            MatrixDoc {
                id: 1,
                label: "b".to_string(),
                href: "#b".to_string(),
            },
        ];
        let svg = similarity_matrix(
            &docs,
            &[MatrixPair {
                a: 0,
                b: 1,
                coverage: 0.5,
            }],
        );
        let doc = check(&svg);
        let links: Vec<XmlNode> = doc.descendants().filter(|n| n.has_tag_name("a")).collect();
        assert_eq!(attrs(&links, "href"), ["#", "#", "#b", "#b"]);
        assert!(title_of(&links[0]).starts_with("</svg><script>"));

        let svg = bar_chart(HOSTILE, &[(HOSTILE.to_string(), 3, "x\"<y")]);
        let doc = check(&svg);
        let bar = &with_class(&doc, "bar")[0];
        assert_eq!(
            bar.attribute("data-label"),
            Some("</svg><script>alert(1)</script>\"'&\u{202E}⟨U+0001⟩x")
        );
        assert_eq!(bar.attribute("class"), Some("bar x\"<y"));

        let corpus = Corpus::new(
            vec![
                witness(
                    "<script>a</script>",
                    "甲</svg><script>alert(1)</script>乙丙丁。",
                ),
                witness("\u{202E}b", "甲</svg><script>alert(2)</script>乙丙丁。"),
            ],
            Profile::Loose,
        );
        let c = collate(&corpus, &[0, 1], 0);
        assert!(!c.sites.is_empty());
        let svg = variant_graph(&c, 0..c.sites.len());
        let doc = check(&svg);
        let texts: String = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text())
            .collect();
        // Sigla cut to 14 columns; the readings whole.
        assert!(texts.contains("<script>a</sc…"), "{texts}");
        assert!(texts.contains("⟨U+202E⟩b"), "{texts}");
        assert!(texts.contains("alert("), "{texts}");
        let nodes = with_class(&doc, "node");
        assert!(title_of(&nodes[0]).contains("</svg><script>"));
    }

    #[test]
    fn output_is_deterministic_and_ids_differ_between_pictures() {
        let a = heat_map("A", &sample_cells(), 3);
        assert_eq!(a, heat_map("A", &sample_cells(), 3));
        let b = heat_map("B", &sample_cells(), 3);
        let (pa, pb) = (prefix(&check(&a)), prefix(&check(&b)));
        assert_ne!(pa, pb);
        let (docs, pairs) = collection(12);
        let m = similarity_matrix(&docs, &pairs);
        assert_eq!(m, similarity_matrix(&docs, &pairs));
        let bars = vec![("omission".to_string(), 4, "omission")];
        assert_eq!(bar_chart("k", &bars), bar_chart("k", &bars));
        // Two pictures on one page: no id in common.
        let page = format!("<div>{a}{b}{m}{}</div>", bar_chart("k", &bars));
        let doc = roxmltree::Document::parse(&page).unwrap();
        let ids: Vec<&str> = doc
            .descendants()
            .filter_map(|n| n.attribute("id"))
            .collect();
        let unique: BTreeSet<&str> = ids.iter().copied().collect();
        assert_eq!(ids.len(), unique.len());
    }

    #[test]
    fn text_is_cut_by_whole_characters() {
        assert_eq!(shown("short", 10, Keep::Head), "short");
        assert_eq!(
            shown("中华人民共和国国家统计局发布数据报告", 20, Keep::Head),
            "中华人民共和国国家…"
        );
        assert_eq!(
            shown("中华人民共和国国家统计局", 9, Keep::Tail),
            "…家统计局"
        );
        assert_eq!(shown("abcdefghijklmnop", 9, Keep::Both), "abcd…mnop");
        // A combining accent stays with its letter; an emoji sequence stays whole.
        let cut = shown(&"e\u{301}".repeat(30), 10, Keep::Head);
        assert_eq!(cut, format!("{}…", "e\u{301}".repeat(9)));
        let cut = shown(&"🇫🇷".repeat(10), 9, Keep::Head);
        assert_eq!(cut, format!("{}…", "🇫🇷".repeat(4)));
        // Invisible characters as markers, never half of one.
        let cut = shown("ab\u{202E}cdefghij", 6, Keep::Head);
        assert_eq!(cut, "ab…");
        assert_eq!(shown("a\nb", 10, Keep::Head), "a⏎b");
    }

    #[test]
    fn readings_are_cut_where_they_differ() {
        let texts = [
            "越来越多中国城市开通中亚班列，",
            "越来越多中国城市开通中亚班列,",
            "",
        ];
        assert_eq!(common_ends(&texts), (14, 0));
        assert_eq!(reading_shown(texts[0], 14, 0, 18), "…班列，");
        assert_eq!(reading_shown(texts[1], 14, 0, 18), "…班列,");
        // Both ends differ: the middle goes.
        let texts = [
            "容。2023年共开行1.7万列。",
            "大。2023年共开行1.7万列。",
            "容。2023年共开行1.6万列。",
        ];
        assert_eq!(common_ends(&texts), (0, 3));
        assert_eq!(reading_shown(texts[2], 0, 3, 18), "容。2023…1.6万列…");
        // One reading with text: nothing shared to leave out.
        assert_eq!(common_ends(&["abc", ""]), (0, 0));
        assert_eq!(common_ends(&["abc", "abc"]), (3, 0));
        assert_eq!(reading_shown("short", 0, 0, 18), "short");
    }

    fn pair(a: usize, b: usize, coverage: f64) -> MatrixPair {
        MatrixPair { a, b, coverage }
    }

    /// Two groups, {0, 2, 4} and {1, 3, 5}, barely joined by 0–1; 6 shares nothing.
    fn two_groups(bridge: bool) -> Vec<MatrixPair> {
        let mut pairs = vec![
            pair(0, 2, 0.9),
            pair(0, 4, 0.8),
            pair(2, 4, 0.85),
            pair(1, 3, 0.9),
            pair(1, 5, 0.7),
            pair(3, 5, 0.75),
        ];
        if bridge {
            pairs.push(pair(0, 1, 0.05));
        }
        pairs
    }

    #[test]
    fn cluster_order_of_two_groups() {
        // Without the bridge: merges 0+2 (ties with 1+3 go to the smaller index), 1+3,
        // {0,2}+4 at 0.175, {1,3}+5 at 0.275; the groups share nothing and follow by their
        // smallest index; 6 last.
        assert_eq!(cluster_order(7, &two_groups(false)), [0, 2, 4, 1, 3, 5, 6]);
        // With it the two groups merge at last (average distance 0.994); of the four ways to
        // join them, turning the first around puts 0 beside 1 (distance 0.95, the others 1).
        assert_eq!(cluster_order(7, &two_groups(true)), [4, 2, 0, 1, 3, 5, 6]);
        let d = cluster(7, &two_groups(true));
        assert_eq!(d.groups, [0..3, 3..6]);
        // Pair order within a pair does not matter; repeated pairs take the greatest coverage.
        let mut swapped: Vec<MatrixPair> = two_groups(true)
            .iter()
            .map(|p| pair(p.b, p.a, p.coverage))
            .collect();
        swapped.push(pair(0, 1, 0.01));
        assert_eq!(cluster_order(7, &swapped), [4, 2, 0, 1, 3, 5, 6]);
    }

    #[test]
    fn cluster_order_edge_cases() {
        assert!(cluster_order(0, &[]).is_empty());
        assert_eq!(cluster_order(3, &[]), [0, 1, 2]);
        // Out of range, a document with itself, no coverage, NaN: all ignored.
        let ignored = [
            pair(0, 9, 0.9),
            pair(1, 1, 1.0),
            pair(0, 2, 0.0),
            pair(0, 1, f64::NAN),
        ];
        assert_eq!(cluster_order(3, &ignored), [0, 1, 2]);
        // Paired documents first, the others after in index order.
        assert_eq!(cluster_order(5, &[pair(3, 1, 2.0)]), [1, 3, 0, 2, 4]);
        // Equal distances: the first pair by index merges first; 0+1, then 2 joins at 0.5.
        assert_eq!(
            cluster_order(3, &[pair(0, 1, 0.5), pair(1, 2, 0.5), pair(0, 2, 0.5)]),
            [0, 1, 2]
        );
    }

    /// A pseudo-random generator (an LCG), for repeatable test data.
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self, below: u64) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 33) % below
        }
    }

    /// The plain cubic clustering, for comparison: at each step every pair of active slots.
    fn cluster_order_plain(n: usize, pairs: &[MatrixPair]) -> Vec<usize> {
        let (paired, leaf) = leaf_distances(n, pairs);
        let m = paired.len();
        let mut dist = leaf.clone();
        let mut members: Vec<Option<Vec<usize>>> = (0..m).map(|s| Some(vec![s])).collect();
        loop {
            let mut pick: Option<(f64, usize, usize)> = None;
            for i in 0..m {
                for j in i + 1..m {
                    if members[i].is_some()
                        && members[j].is_some()
                        && pick.is_none_or(|p| dist[i * m + j] < p.0)
                    {
                        pick = Some((dist[i * m + j], i, j));
                    }
                }
            }
            let Some((d, i, j)) = pick else { break };
            if d >= 1.0 {
                break;
            }
            let a = members[i].take().unwrap();
            let b = members[j].take().unwrap();
            for k in 0..m {
                if members[k].is_some() && k != i && k != j {
                    let v = (a.len() as f64 * dist[i * m + k] + b.len() as f64 * dist[j * m + k])
                        / (a.len() + b.len()) as f64;
                    dist[i * m + k] = v;
                    dist[k * m + i] = v;
                }
            }
            members[i] = Some(join(&a, &b, &leaf, m));
        }
        let mut order: Vec<usize> = members
            .into_iter()
            .flatten()
            .flatten()
            .map(|s| paired[s])
            .collect();
        order.extend((0..n).filter(|d| !paired.contains(d)));
        order
    }

    #[test]
    fn cluster_order_matches_the_plain_algorithm() {
        let mut rng = Lcg(17);
        for _ in 0..300 {
            let n = 1 + rng.next(16) as usize;
            let count = rng.next((n * n) as u64 / 2 + 1) as usize;
            let pairs: Vec<MatrixPair> = (0..count)
                .map(|_| {
                    // Coverage in tenths: many ties.
                    pair(
                        rng.next(n as u64) as usize,
                        rng.next(n as u64) as usize,
                        rng.next(11) as f64 / 10.0,
                    )
                })
                .collect();
            let order = cluster_order(n, &pairs);
            assert_eq!(order, cluster_order_plain(n, &pairs), "{n} {pairs:?}");
            let mut sorted = order.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, (0..n).collect::<Vec<_>>());
        }
    }

    /// `n` documents in groups of four sharing much text, plus a little between neighbours.
    fn collection(n: usize) -> (Vec<MatrixDoc>, Vec<MatrixPair>) {
        let docs = (0..n)
            .map(|i| MatrixDoc {
                id: i,
                label: format!("{i:03}_3eb5e8de57179c45"),
                href: format!("#doc-{i}"),
            })
            .collect();
        let mut pairs = Vec::new();
        for a in 0..n {
            for b in a + 1..n {
                // Groups by residue, so that the clustering has something to reorder.
                if a % (n / 4).max(1) == b % (n / 4).max(1) {
                    pairs.push(pair(a, b, 0.6 + ((a + b) % 4) as f64 / 10.0));
                } else if b == a + 1 {
                    pairs.push(pair(a, b, 0.02));
                }
            }
        }
        (docs, pairs)
    }

    #[test]
    fn similarity_matrix_cells_and_order() {
        let docs: Vec<MatrixDoc> = [
            "d0",
            "d1",
            "d2",
            "中华人民共和国国家统计局发布数据报告",
            "d4",
        ]
        .iter()
        .enumerate()
        .map(|(i, l)| MatrixDoc {
            id: i,
            label: l.to_string(),
            href: format!("#doc-{i}"),
        })
        .collect();
        let pairs = [pair(0, 2, 0.9), pair(3, 1, 0.8), pair(0, 1, 0.1234)];
        let svg = similarity_matrix(&docs, &pairs);
        let doc = check(&svg);
        let order = cluster_order(5, &pairs);
        assert_eq!(order, [2, 0, 1, 3, 4]);
        let cells = with_class(&doc, "cell");
        assert_eq!(cells.len(), 25);
        assert!(cells.iter().all(|c| c.has_tag_name("rect")));
        // Row by row in cluster order, original indices in data-a and data-b.
        let a: Vec<usize> = cells
            .iter()
            .map(|c| c.attribute("data-a").unwrap().parse().unwrap())
            .collect();
        let b: Vec<usize> = cells
            .iter()
            .map(|c| c.attribute("data-b").unwrap().parse().unwrap())
            .collect();
        for (k, (&a, &b)) in a.iter().zip(&b).enumerate() {
            assert_eq!((a, b), (order[k / 5], order[k % 5]));
        }
        let at = |a: usize, b: usize| {
            cells
                .iter()
                .find(|c| {
                    c.attribute("data-a") == Some(&a.to_string())
                        && c.attribute("data-b") == Some(&b.to_string())
                })
                .unwrap()
        };
        assert_eq!(at(0, 2).attribute("data-coverage"), Some("0.900"));
        assert_eq!(at(2, 0).attribute("data-coverage"), Some("0.900"));
        assert_eq!(at(1, 0).attribute("data-coverage"), Some("0.123"));
        assert_eq!(at(4, 0).attribute("data-coverage"), Some("0.000"));
        assert_eq!(at(4, 0).attribute("fill"), Some("#ffffff"));
        assert_eq!(at(0, 2).attribute("class"), Some("cell"));
        assert_eq!(title_of(at(0, 2)), "d0 × d2: 90.0% shared");
        assert_eq!(
            title_of(at(3, 4)),
            "中华人民共和国国家统计局发布数… × d4: 0.0% shared"
        );
        let diagonal = with_class(&doc, "cell")
            .into_iter()
            .filter(|c| c.attribute("class") == Some("cell diag"))
            .collect::<Vec<_>>();
        assert_eq!(diagonal.len(), 5);
        assert!(
            diagonal
                .iter()
                .all(|c| c.attribute("data-a") == c.attribute("data-b")
                    && c.attribute("data-coverage") == Some("1.000"))
        );
        assert_eq!(at(3, 3).attribute("class"), Some("cell diag"));
        // Groups: {2, 0} and {1, 3}, outlined.
        assert_eq!(with_class(&doc, "group").len(), 2);
        // Names on both axes, in cluster order, linked, cut by whole characters.
        let links: Vec<XmlNode> = doc.descendants().filter(|n| n.has_tag_name("a")).collect();
        assert_eq!(links.len(), 10);
        assert_eq!(
            attrs(&links, "href"),
            [
                "#doc-2", "#doc-2", "#doc-0", "#doc-0", "#doc-1", "#doc-1", "#doc-3", "#doc-3",
                "#doc-4", "#doc-4"
            ]
        );
        let label = links[6]
            .children()
            .find(|n| n.has_tag_name("text"))
            .unwrap();
        assert_eq!(label.text(), Some("中华人民共和国国家…"));
        assert_eq!(title_of(&links[6]), "中华人民共和国国家统计局发布数据报告");
        // Coverage colours: white to dark blue, darker with more.
        assert_eq!(coverage_colour(0.0), "#ffffff");
        assert_eq!(coverage_colour(1.0), "#08306b");
        assert_eq!(coverage_colour(2.0), "#08306b");
        assert_eq!(coverage_colour(f64::NAN), "#ffffff");
        let lightness = |c: f64| {
            let s = coverage_colour(c);
            (1..7)
                .step_by(2)
                .map(|i| u32::from_str_radix(&s[i..i + 2], 16).unwrap())
                .sum::<u32>()
        };
        assert!((0..10).all(|i| lightness(i as f64 / 10.0) > lightness((i + 1) as f64 / 10.0)));
        // Only the cells with shared text, and the diagonal: the same cells as above.
        let sparse = similarity_matrix_shared_only(&docs, &pairs);
        let sparse = check(&sparse);
        let kept = with_class(&sparse, "cell");
        assert_eq!(kept.len(), 5 + 2 * 3);
        for k in &kept {
            let (a, b) = (
                k.attribute("data-a").unwrap(),
                k.attribute("data-b").unwrap(),
            );
            let full = at(a.parse().unwrap(), b.parse().unwrap());
            assert_eq!(
                k.attribute("data-coverage"),
                full.attribute("data-coverage")
            );
            assert_eq!(
                (k.attribute("x"), k.attribute("y")),
                (full.attribute("x"), full.attribute("y"))
            );
            assert_ne!(k.attribute("data-coverage"), Some("0.000"));
        }
    }

    #[test]
    fn bar_chart_bars_counts_and_patterns() {
        let bars = vec![
            ("omission".to_string(), 10, "omission"),
            ("numeral".to_string(), 5, "numeral"),
            ("zero".to_string(), 0, "x-zero"),
            ("形近 look-alike".to_string(), 3, "look_alike"),
            ("other".to_string(), 1, "x-other"),
        ];
        let svg = bar_chart("Substantive kinds", &bars);
        let doc = check(&svg);
        let p = prefix(&doc);
        assert_eq!(doc.root_element().attribute("role"), Some("img"));
        let g = with_class(&doc, "bar");
        assert_eq!(g.len(), 5);
        assert_eq!(
            attrs(&g, "class"),
            [
                "bar omission",
                "bar numeral",
                "bar x-zero",
                "bar look_alike",
                "bar x-other"
            ]
        );
        assert_eq!(attrs(&g, "data-label")[3], "形近 look-alike");
        assert_eq!(attrs(&g, "data-count"), ["10", "5", "0", "3", "1"]);
        assert_eq!(title_of(&g[0]), "omission: 10");
        let rects: Vec<XmlNode> = g
            .iter()
            .map(|g| g.children().find(|r| r.has_tag_name("rect")).unwrap())
            .collect();
        assert_eq!(attrs(&rects, "width"), ["240", "120", "0", "72", "24"]);
        let fills = attrs(&rects, "fill");
        assert_eq!(fills[0], format!("url(#{p}-p1-4)"));
        assert_eq!(fills[3], format!("url(#{p}-p12-4)"));
        assert_eq!(fills[2], format!("url(#{p}-p13-4)"));
        assert_eq!(fills[4], format!("url(#{p}-p14-4)"));
        let unique: BTreeSet<&String> = fills.iter().collect();
        assert_eq!(unique.len(), 5);
        // Counts printed beside the bars.
        let printed: Vec<&str> = g
            .iter()
            .map(|g| {
                g.children()
                    .filter(|t| t.has_tag_name("text"))
                    .nth(1)
                    .unwrap()
                    .text()
                    .unwrap()
            })
            .collect();
        assert_eq!(printed, ["10", "5", "0", "3", "1"]);
        // Hatches differ between the two classes taken in turn.
        assert_ne!(style(13).1, style(14).1);
        let empty = bar_chart("nothing", &[]);
        assert!(with_class(&check(&empty), "bar").is_empty());
    }

    fn witness(label: &str, text: &str) -> Document {
        Document::from_bytes(label, label, text.as_bytes(), &ReadOptions::default()).unwrap()
    }

    #[test]
    fn variant_graph_of_three_witnesses() {
        let corpus = Corpus::new(
            vec![
                witness(
                    "a",
                    "越来越多中国城市开通中亚班列，跨里海国际运输走廊提质扩容。",
                ),
                witness(
                    "b",
                    "越来越多中国城市开通中亚班列，跨海国际运输走廊提质扩容。",
                ),
                witness(
                    "c",
                    "越来越多中国城市开通中亚班列,跨里海国际运输走廊提质扩大。",
                ),
            ],
            Profile::Loose,
        );
        let c = collate(&corpus, &[0, 1, 2], 0);
        assert_eq!(c.sites.len(), 3);
        let svg = variant_graph(&c, 0..3);
        let doc = check(&svg);
        let nodes = with_class(&doc, "node");
        let text_of = |n: &XmlNode| {
            n.children()
                .find(|t| t.has_tag_name("text"))
                .unwrap()
                .text()
                .unwrap()
                .to_string()
        };
        let shown: Vec<(String, String, String)> = nodes
            .iter()
            .map(|n| {
                (
                    n.attribute("class").unwrap().to_string(),
                    text_of(n),
                    n.attribute("data-witnesses").unwrap().to_string(),
                )
            })
            .collect();
        let s = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
        assert_eq!(
            shown,
            [
                s("node shared", "…通中亚班列", "0 1 2"),
                s("node reading cosmetic base majority", "，", "0 1"),
                s("node reading cosmetic", ",", "2"),
                s("node shared", "跨", "0 1 2"),
                s("node reading substantive base majority", "里", "0 2"),
                s("node reading substantive", "∅", "1"),
                s("node shared", "海国际运…廊提质扩", "0 1 2"),
                s("node reading substantive base majority", "容", "0 1"),
                s("node reading substantive", "大", "2"),
                s("node shared", "。", "0 1 2"),
            ]
        );
        assert_eq!(title_of(&nodes[5]), "(nothing) — b");
        assert_eq!(title_of(&nodes[4]), "里 — a (base), c");
        // Every path: 2 arrows at each of the six joins.
        let edges = with_class(&doc, "edge");
        assert_eq!(edges.len(), 12);
        assert_eq!(title_of(&edges[0]), "a, b");
        // Sigla written on the arrows into readings only.
        let sigla: Vec<&str> = with_class(&doc, "sigla")
            .iter()
            .filter_map(|t| t.text())
            .collect();
        assert_eq!(sigla, ["a, b", "c", "a, c", "b", "a, b", "c"]);
        let kinds: Vec<&str> = with_class(&doc, "site-kinds")
            .iter()
            .filter_map(|t| t.text())
            .collect();
        assert_eq!(kinds.len(), 3);
        assert_eq!(kinds[1], "omission");

        // One site: its context on each side, within the paragraph.
        let svg = variant_graph(&c, 1..2);
        let doc = check(&svg);
        let nodes = with_class(&doc, "node");
        assert_eq!(nodes.len(), 4);
        assert_eq!(text_of(&nodes[0]), "…亚班列，跨");
        assert_eq!(text_of(&nodes[3]), "海国际运输…");
        // Out of range: nothing.
        for r in [5..9, Range { start: 2, end: 1 }, 3..3] {
            let svg = variant_graph(&c, r);
            let doc = check(&svg);
            assert!(with_class(&doc, "node").is_empty());
        }
    }

    #[test]
    fn sizes_stay_small() {
        let cells: Vec<HeatCell> = (0..2000)
            .map(|i| HeatCell {
                href: format!("#par-0-4-{i}"),
                title: format!(
                    "¶{}: 3 substantive (omission 2, numeral 1), 5 cosmetic",
                    i + 1
                ),
                kinds: match i % 4 {
                    0 => vec![("omission", 2), ("numeral", 1)],
                    1 => vec![("substitution", i % 9)],
                    _ => vec![],
                },
                cosmetic: i % 7,
                blocks: usize::from(i % 97 == 0),
            })
            .collect();
        let heat = heat_map("004_74678af65d43f56c", &cells, 40);
        check(&heat);
        let (docs, pairs) = collection(80);
        let matrix = similarity_matrix(&docs, &pairs);
        let doc = check(&matrix);
        assert_eq!(with_class(&doc, "cell").len(), 6400);
        let sparse = similarity_matrix_shared_only(&docs, &pairs);
        let doc = check(&sparse);
        let shared = pairs.iter().filter(|p| p.coverage > 0.0).count();
        assert_eq!(with_class(&doc, "cell").len(), 80 + 2 * shared);
        eprintln!(
            "heat map, 2,000 cells: {} bytes; matrix, 80 documents: {} bytes, \
             {} with only the {shared} pairs that share text",
            heat.len(),
            matrix.len(),
            sparse.len(),
        );
        assert!(heat.len() < 2000 * 260, "{}", heat.len());
        assert!(matrix.len() < 6400 * 215, "{}", matrix.len());
        assert!(sparse.len() < 160_000, "{}", sparse.len());
    }
}
