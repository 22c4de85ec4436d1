//! PDF text layers.
//!
//! The file is parsed with `lopdf`, a PDF parser written in Rust that reports malformed input
//! as errors rather than panicking (no `catch_unwind` is needed, so no panic hook is touched
//! while other files are read in parallel). lopdf repairs a damaged cross-reference table,
//! decrypts a file that the empty password opens, inflates streams (each bounded to 256 MiB)
//! and decodes font encodings and ToUnicode CMaps. This module walks each page's content
//! stream itself (and the form XObjects it draws), so that it knows where each string is
//! drawn:
//!
//! - Text comes in the order the content stream draws it: the producer's reading order.
//!   Strings are gathered into lines by their baselines: a string whose baseline is more than
//!   half a font size off the previous one's, or that starts more than a font size before
//!   the previous one ended, starts a new line; a gap of more than 0.15 font sizes between
//!   strings on one line is a space (not between two CJK characters). Lines are joined by
//!   line feeds, pages by a blank line. A line's leading and trailing spaces are dropped,
//!   U+0000 is dropped and other control characters become spaces; nothing else is changed:
//!   a Kangxi radical (⽇ U+2F47) or a compatibility ideograph a producer's ToUnicode map
//!   gives stays as it is, and a glyph the map lacks is U+FFFD (a warning counts them).
//! - A font's text is decoded with its ToUnicode CMap when it has one; else a simple font's
//!   encoding (standard, WinAnsi, MacRoman, Differences), or a CID font's predefined CMap:
//!   the `Uni…-UCS2`/`Uni…-UTF16` ones as UTF-16, the GB, Big5, Shift_JIS and KS ones with
//!   their legacy encodings. A CID font with neither (Identity-H without ToUnicode) has no
//!   Unicode for its glyphs: its text is left out, with a warning.
//! - Text drawn in invisible mode (an OCR layer under a scanned image) is read like any.
//!
//! ## What a position means
//!
//! A PDF does not store its text as text, so a position cannot be a byte of the file. Each
//! page's extracted text (its lines joined by line feeds) stands for the source: the `byte`
//! of a position is a UTF-8 offset into that page's text, `line` the 1-based line of the
//! page, `column` the 1-based character in that line. The address names the line: element
//! `line`, path `/page[n]/line[k]`, `page` n (1-based, in page-tree order), and `bbox`
//! `[x0, y0, x1, y1]`, the box the line's strings take in PDF user space (points, y upward
//! from the page's origin, as the file's own coordinates), from the font widths with a
//! nominal ascent of 0.8 and descent of 0.2 font sizes. The blank line between two pages
//! points at the start of the next page.

use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use encoding_rs::{BIG5, EUC_KR, GBK, SHIFT_JIS, UTF_16BE};
use lopdf::content::Content;
use lopdf::xref::XrefRecovery;
use lopdf::{Dictionary, Document, Encoding, Object, ObjectId};

use super::{Address, ExtractError, ExtractOptions, Extraction, Extractor, InputFormat};

/// The most bytes one content stream (a page's, a form's) may inflate to.
const MAX_CONTENT: usize = 256 << 20;
/// How many graphics states `q` may save (PDF 32000-1 suggests 28): a `q` past that saves
/// nothing, and its `Q` restores nothing.
const MAX_SAVED: usize = 1024;
/// How deeply form XObjects may draw one another.
const MAX_FORM_DEPTH: usize = 16;
/// The most text one file may give (positions are 32-bit).
const MAX_TEXT: usize = 1 << 30;
/// Font units per text-space unit in all fonts but Type 3.
const GLYPH_SCALE: f64 = 0.001;
/// The width assumed for a glyph of a font that lists no widths (the standard 14 fonts may
/// omit them), in font units.
const ESTIMATED_WIDTH: f64 = 500.0;

pub(super) fn read(bytes: &[u8], _: &ExtractOptions) -> Result<Extraction, ExtractError> {
    let doc = open(bytes)?;
    let pages = doc.get_pages();
    if pages.is_empty() {
        return Err(ExtractError::new(
            "it has no pages (or its page tree is damaged)",
        ));
    }
    let mut fonts = Fonts::default();
    let mut read = Vec::new();
    let mut notes = Notes {
        rebuilt: matches!(doc.xref_recovery, Some(XrefRecovery::Reconstructed)),
        ..Notes::default()
    };
    let mut total = 0;
    for (&number, &id) in &pages {
        let page = read_page(&doc, number, id, &mut fonts, &mut notes);
        total += page.text.len() + 2;
        if total > MAX_TEXT {
            return Err(ExtractError::new(format!(
                "its text layer is larger than {} MiB",
                MAX_TEXT >> 20
            )));
        }
        read.push(page);
    }
    if read.iter().all(|p| p.text.is_empty()) {
        return Err(no_text(&notes));
    }
    Ok(assemble(&read, notes))
}

/// Loads the file, refusing one that needs a password.
fn open(bytes: &[u8]) -> Result<Document, ExtractError> {
    const ENCRYPTED: &str = "it is encrypted and the empty password does not open it; \
         save a decrypted copy first (e.g. `qpdf --decrypt --password=PASSWORD in.pdf out.pdf`)";
    let doc = Document::load_mem(bytes).map_err(|e| match e {
        lopdf::Error::InvalidPassword
        | lopdf::Error::Decryption(_)
        | lopdf::Error::UnsupportedSecurityHandler(_) => ExtractError::new(ENCRYPTED),
        e => ExtractError::new(format!("it is not a readable PDF ({e})")),
    })?;
    if doc.trailer.get(b"Encrypt").is_ok() && doc.encryption_state.is_none() {
        return Err(ExtractError::new(ENCRYPTED));
    }
    Ok(doc)
}

/// Why a file gave no text at all.
fn no_text(notes: &Notes) -> ExtractError {
    if !notes.unmapped.is_empty() {
        return ExtractError::new(format!(
            "its text is in fonts that give no Unicode for their glyphs ({}: no ToUnicode map), \
             so it cannot be read; run OCR on it (e.g. `ocrmypdf --force-ocr`)",
            notes.unmapped_fonts()
        ));
    }
    if notes.rebuilt {
        return ExtractError::new(
            "it is damaged (cut short?) and no text could be read from what is left",
        );
    }
    if let Some(error) = &notes.first_error {
        return ExtractError::new(format!("no text could be read from its pages ({error})"));
    }
    ExtractError::new("it has no text layer (a scan?): run OCR first (e.g. `ocrmypdf`)")
}

/// What the reading met that the user should hear about.
#[derive(Default)]
struct Notes {
    /// Fonts whose glyphs have no Unicode.
    unmapped: BTreeSet<String>,
    /// Glyphs their font's map lacks (read as U+FFFD).
    replaced: usize,
    /// Content streams that could not be read to their end: page, what went wrong.
    broken: Vec<(u32, String)>,
    first_error: Option<String>,
    /// Whether lopdf rebuilt the cross-reference table by scanning the file.
    rebuilt: bool,
}

impl Notes {
    fn unmapped_fonts(&self) -> String {
        let names: Vec<&str> = self.unmapped.iter().map(String::as_str).collect();
        names.join(", ")
    }

    fn broken(&mut self, page: u32, error: String) {
        self.first_error.get_or_insert_with(|| error.clone());
        self.broken.push((page, error));
    }
}

/// One page's text: its lines, joined by line feeds.
struct PageText {
    number: u32,
    text: String,
    /// Each line's range in `text` (with its line feed) and its box.
    lines: Vec<(std::ops::Range<usize>, [i64; 4])>,
}

fn assemble(pages: &[PageText], notes: Notes) -> Extraction {
    let mut out = Extractor::new(InputFormat::Pdf, "");
    for page in pages.iter().filter(|p| !p.text.is_empty()) {
        out.set_source(&page.text);
        for (k, (range, bbox)) in page.lines.iter().enumerate() {
            let address = out.address(Address {
                element: "line".to_string(),
                id: None,
                path: format!("/page[{}]/line[{}]", page.number, k + 1),
                part: None,
                page: Some(page.number),
                bbox: Some(*bbox),
                line_bbox: Some(*bbox),
            });
            if k == 0 {
                out.separate("\n\n", 0, address);
            }
            out.push_verbatim(range.clone(), address);
        }
    }
    let empty: Vec<u32> = pages
        .iter()
        .filter(|p| p.text.is_empty())
        .map(|p| p.number)
        .collect();
    if !empty.is_empty() {
        out.warn(format!(
            "{} of {} pages have no text layer (scanned?): page {}",
            empty.len(),
            pages.len(),
            list(&empty)
        ));
    }
    if notes.rebuilt {
        out.warn(
            "the file is damaged (its cross-reference table had to be rebuilt): text may be missing"
                .to_string(),
        );
    }
    if !notes.unmapped.is_empty() {
        out.warn(format!(
            "text in fonts without a Unicode map ({}) is left out",
            notes.unmapped_fonts()
        ));
    }
    if notes.replaced > 0 {
        out.warn(format!(
            "{} glyphs have no Unicode in their font's map and read as U+FFFD",
            notes.replaced
        ));
    }
    for (page, error) in &notes.broken {
        out.warn(format!(
            "page {page}: its content could not be read to the end ({error}); text after that is missing"
        ));
    }
    out.finish()
}

fn list(numbers: &[u32]) -> String {
    const SHOWN: usize = 10;
    let shown: Vec<String> = numbers.iter().take(SHOWN).map(u32::to_string).collect();
    match numbers.len() > SHOWN {
        true => format!("{}, …", shown.join(", ")),
        false => shown.join(", "),
    }
}

fn read_page<'d>(
    doc: &'d Document,
    number: u32,
    id: ObjectId,
    fonts: &mut Fonts<'d>,
    notes: &mut Notes,
) -> PageText {
    let mut resources = Vec::new();
    if let Ok((direct, ids)) = doc.get_page_resources(id) {
        resources.extend(direct);
        resources.extend(ids.into_iter().filter_map(|id| doc.get_dictionary(id).ok()));
    }
    let mut walker = Walker {
        doc,
        page: number,
        fonts,
        notes,
        gs: GState::default(),
        saved: Vec::new(),
        unsaved: 0,
        tm: IDENTITY,
        tlm: IDENTITY,
        pen: None,
        lines: Vec::new(),
        forms: Vec::new(),
    };
    match doc.get_page_content_with_limit(id, MAX_CONTENT) {
        Ok(content) => walker.run(&content, &resources, 0),
        Err(e) => walker.notes.broken(number, e.to_string()),
    }
    let mut page = PageText {
        number,
        text: String::new(),
        lines: Vec::new(),
    };
    for line in walker.lines {
        let text = line.text.trim();
        if text.is_empty() {
            continue;
        }
        if !page.text.is_empty() {
            page.text.push('\n');
            if let Some((last, _)) = page.lines.last_mut() {
                last.end += 1;
            }
        }
        let start = page.text.len();
        page.text.push_str(text);
        let [x0, y0, x1, y1] = line.bbox;
        let bbox = [x0, y0, x1, y1].map(|v| v.round() as i64);
        page.lines.push((start..page.text.len(), bbox));
    }
    page
}

/// A 2D affine matrix `[a b c d e f]`, as PDF writes them (row vectors: `p' = p × M`).
type Matrix = [f64; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m × n`: `m` applied first.
fn mul(m: Matrix, n: Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

fn point(m: Matrix, x: f64, y: f64) -> (f64, f64) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

fn vector(m: Matrix, x: f64, y: f64) -> (f64, f64) {
    (m[0] * x + m[2] * y, m[1] * x + m[3] * y)
}

fn translate(x: f64, y: f64) -> Matrix {
    [1.0, 0.0, 0.0, 1.0, x, y]
}

/// The graphics state this reader needs: the CTM and the text state.
#[derive(Clone)]
struct GState<'d> {
    ctm: Matrix,
    font: Option<Rc<Font<'d>>>,
    size: f64,
    char_spacing: f64,
    word_spacing: f64,
    scaling: f64,
    leading: f64,
    rise: f64,
}

impl Default for GState<'_> {
    fn default() -> Self {
        GState {
            ctm: IDENTITY,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            scaling: 1.0,
            leading: 0.0,
            rise: 0.0,
        }
    }
}

/// Where the last string ended, in user space, and which way its baseline runs.
#[derive(Clone, Copy)]
struct Pen {
    end: (f64, f64),
    along: (f64, f64),
    across: (f64, f64),
    size: f64,
}

struct Line {
    text: String,
    bbox: [f64; 4],
}

struct Walker<'d, 'w> {
    doc: &'d Document,
    page: u32,
    fonts: &'w mut Fonts<'d>,
    notes: &'w mut Notes,
    gs: GState<'d>,
    saved: Vec<GState<'d>>,
    /// `q`s past [`MAX_SAVED`] not yet closed.
    unsaved: usize,
    tm: Matrix,
    tlm: Matrix,
    pen: Option<Pen>,
    lines: Vec<Line>,
    /// The form XObjects being drawn (a form that draws itself is not drawn again).
    forms: Vec<ObjectId>,
}

fn number(o: Option<&Object>) -> Option<f64> {
    o.and_then(|o| o.as_float().ok())
        .map(f64::from)
        .filter(|v| v.is_finite())
}

/// A number operand or entry, through a reference.
fn resolved(doc: &Document, o: Option<&Object>) -> Option<f64> {
    number(doc.dereference(o?).ok().map(|(_, o)| o))
}

fn numbers<const N: usize>(operands: &[Object]) -> Option<[f64; N]> {
    let mut out = [0.0; N];
    for (k, v) in out.iter_mut().enumerate() {
        *v = number(operands.get(k))?;
    }
    Some(out)
}

impl<'d> Walker<'d, '_> {
    /// Walks one content stream drawn with `resources` (nearest first).
    fn run(&mut self, content: &[u8], resources: &[&'d Dictionary], depth: usize) {
        for op in Content::decode_iter(content) {
            let op = match op {
                Ok(op) => op,
                Err(e) => {
                    self.notes.broken(self.page, e.to_string());
                    return;
                }
            };
            let args = &op.operands;
            match op.operator.as_str() {
                "q" if self.saved.len() < MAX_SAVED => self.saved.push(self.gs.clone()),
                "q" => self.unsaved += 1,
                "Q" if self.unsaved > 0 => self.unsaved -= 1,
                "Q" => {
                    if let Some(gs) = self.saved.pop() {
                        self.gs = gs;
                    }
                }
                "cm" => {
                    if let Some(m) = numbers::<6>(args) {
                        self.gs.ctm = mul(m, self.gs.ctm);
                    }
                }
                "BT" => (self.tm, self.tlm) = (IDENTITY, IDENTITY),
                "Tf" => {
                    let name = args.first().and_then(|o| o.as_name().ok());
                    self.gs.font = name.and_then(|n| self.font(resources, n));
                    self.gs.size = number(args.get(1)).unwrap_or(0.0);
                }
                "Tc" => self.gs.char_spacing = number(args.first()).unwrap_or(0.0),
                "Tw" => self.gs.word_spacing = number(args.first()).unwrap_or(0.0),
                "Tz" => self.gs.scaling = number(args.first()).unwrap_or(100.0) / 100.0,
                "TL" => self.gs.leading = number(args.first()).unwrap_or(0.0),
                "Ts" => self.gs.rise = number(args.first()).unwrap_or(0.0),
                "Td" => {
                    if let Some([x, y]) = numbers::<2>(args) {
                        self.next_line(x, y);
                    }
                }
                "TD" => {
                    if let Some([x, y]) = numbers::<2>(args) {
                        self.gs.leading = -y;
                        self.next_line(x, y);
                    }
                }
                "Tm" => {
                    if let Some(m) = numbers::<6>(args) {
                        (self.tm, self.tlm) = (m, m);
                    }
                }
                "T*" => self.next_line(0.0, -self.gs.leading),
                "Tj" => self.show_operand(args.first()),
                "'" => {
                    self.next_line(0.0, -self.gs.leading);
                    self.show_operand(args.first());
                }
                "\"" => {
                    if let Some([w, c]) = numbers::<2>(args) {
                        (self.gs.word_spacing, self.gs.char_spacing) = (w, c);
                    }
                    self.next_line(0.0, -self.gs.leading);
                    self.show_operand(args.get(2));
                }
                "TJ" => {
                    let Some(Ok(items)) = args.first().map(Object::as_array) else {
                        continue;
                    };
                    for item in items {
                        match item {
                            Object::String(bytes, _) => self.show(bytes),
                            other => {
                                if let Some(k) = number(Some(other)) {
                                    let tx = -k / 1000.0 * self.gs.size * self.gs.scaling;
                                    self.tm = mul(translate(tx, 0.0), self.tm);
                                }
                            }
                        }
                    }
                }
                "Do" => {
                    if let Some(Ok(name)) = args.first().map(Object::as_name) {
                        self.draw_form(resources, name, depth);
                    }
                }
                _ => {}
            }
        }
    }

    fn next_line(&mut self, x: f64, y: f64) {
        self.tlm = mul(translate(x, y), self.tlm);
        self.tm = self.tlm;
    }

    /// The first resource dictionary's entry `name` in its `kind` subdictionary.
    fn resource(
        &self,
        resources: &[&'d Dictionary],
        kind: &[u8],
        name: &[u8],
    ) -> Option<&'d Object> {
        resources.iter().find_map(|r| {
            let dict = r.get_deref(kind, self.doc).and_then(Object::as_dict).ok()?;
            dict.get(name).ok()
        })
    }

    fn font(&mut self, resources: &[&'d Dictionary], name: &[u8]) -> Option<Rc<Font<'d>>> {
        let object = self.resource(resources, b"Font", name)?;
        let dict = self.doc.dereference(object).ok()?.1.as_dict().ok()?;
        Some(self.fonts.get(self.doc, dict))
    }

    fn draw_form(&mut self, resources: &[&'d Dictionary], name: &[u8], depth: usize) {
        let Some(Object::Reference(id)) = self.resource(resources, b"XObject", name) else {
            return;
        };
        let Ok(stream) = self.doc.get_object(*id).and_then(Object::as_stream) else {
            return;
        };
        let is_form = stream.dict.get(b"Subtype").and_then(Object::as_name);
        if is_form.ok() != Some(b"Form".as_slice())
            || depth >= MAX_FORM_DEPTH
            || self.forms.contains(id)
        {
            return;
        }
        let content = match stream.get_plain_content_with_limit(MAX_CONTENT) {
            Ok(content) => content,
            Err(e) => {
                self.notes.broken(self.page, e.to_string());
                return;
            }
        };
        let own = stream
            .dict
            .get_deref(b"Resources", self.doc)
            .and_then(Object::as_dict);
        let inner: Vec<&'d Dictionary> = match own {
            Ok(own) => vec![own],
            Err(_) => resources.to_vec(),
        };
        let matrix = stream
            .dict
            .get(b"Matrix")
            .and_then(Object::as_array)
            .ok()
            .and_then(|m| numbers::<6>(m))
            .unwrap_or(IDENTITY);
        let (gs, tm, tlm) = (self.gs.clone(), self.tm, self.tlm);
        self.gs.ctm = mul(matrix, self.gs.ctm);
        self.forms.push(*id);
        // The form saves and restores states of its own.
        let saved = std::mem::take(&mut self.saved);
        let unsaved = std::mem::take(&mut self.unsaved);
        self.run(&content, &inner, depth + 1);
        (self.saved, self.unsaved) = (saved, unsaved);
        self.forms.pop();
        (self.gs, self.tm, self.tlm) = (gs, tm, tlm);
    }

    fn show_operand(&mut self, operand: Option<&Object>) {
        if let Some(Object::String(bytes, _)) = operand {
            self.show(bytes);
        }
    }

    /// Draws a string: decodes it, moves the text matrix past it, and places its text.
    fn show(&mut self, bytes: &[u8]) {
        let Some(font) = self.gs.font.clone() else {
            return;
        };
        let text = font.decode(bytes);
        if text.is_none() {
            self.notes.unmapped.insert(font.name.clone());
        }
        let gs = &self.gs;
        let start = mul(self.tm, gs.ctm);
        let mut advance = 0.0;
        font.advances(bytes, text.as_deref(), |width, space| {
            let spacing = gs.char_spacing + if space { gs.word_spacing } else { 0.0 };
            advance += (width * font.scale * gs.size + spacing) * gs.scaling;
        });
        self.tm = mul(translate(advance, 0.0), self.tm);
        let end = mul(self.tm, self.gs.ctm);
        if let Some(text) = text {
            self.place(&text, start, end);
        }
    }

    /// Adds text drawn from text space `start` to `end` to the page's lines.
    fn place(&mut self, text: &str, start: Matrix, end: Matrix) {
        let text: String = text
            .chars()
            .filter(|&c| c != '\0')
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        if text.is_empty() {
            return;
        }
        self.notes.replaced += text.chars().filter(|&c| c == '\u{FFFD}').count();
        let rise = self.gs.rise;
        let size = self.gs.size;
        let origin = point(start, 0.0, rise);
        let (ax, ay) = vector(start, 1.0, 0.0);
        let (cx, cy) = vector(start, 0.0, 1.0);
        let along = unit(ax, ay).unwrap_or((1.0, 0.0));
        let across = unit(cx, cy).unwrap_or((0.0, 1.0));
        let em = (size * cx.hypot(cy)).abs();
        let em = if em.is_finite() && em > 0.0 { em } else { 1.0 };
        let corners = [
            point(start, 0.0, rise - 0.2 * size),
            point(start, 0.0, rise + 0.8 * size),
            point(end, 0.0, rise - 0.2 * size),
            point(end, 0.0, rise + 0.8 * size),
        ];
        let mut bbox = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for (x, y) in corners {
            bbox = [
                bbox[0].min(x),
                bbox[1].min(y),
                bbox[2].max(x),
                bbox[3].max(y),
            ];
        }
        let placement = match (self.pen, self.lines.last_mut()) {
            (Some(pen), Some(line)) => {
                let (dx, dy) = (origin.0 - pen.end.0, origin.1 - pen.end.1);
                let forward = dx * pen.along.0 + dy * pen.along.1;
                let sideways = dx * pen.across.0 + dy * pen.across.1;
                let em = em.max(pen.size);
                if sideways.abs() > 0.5 * em || forward < -em {
                    None
                } else {
                    Some((line, forward > 0.15 * em))
                }
            }
            _ => None,
        };
        match placement {
            Some((line, gap)) => {
                let joins = |a: Option<char>, b: Option<char>| match (a, b) {
                    (Some(a), Some(b)) => {
                        a.is_whitespace()
                            || b.is_whitespace()
                            || (crate::chars::is_cjk(a) && crate::chars::is_cjk(b))
                    }
                    _ => true,
                };
                if gap && !joins(line.text.chars().next_back(), text.chars().next()) {
                    line.text.push(' ');
                }
                line.text.push_str(&text);
                line.bbox = [
                    line.bbox[0].min(bbox[0]),
                    line.bbox[1].min(bbox[1]),
                    line.bbox[2].max(bbox[2]),
                    line.bbox[3].max(bbox[3]),
                ];
            }
            None => self.lines.push(Line { text, bbox }),
        }
        self.pen = Some(Pen {
            end: point(end, 0.0, rise),
            along,
            across,
            size: em,
        });
    }
}

fn unit(x: f64, y: f64) -> Option<(f64, f64)> {
    let len = x.hypot(y);
    (len.is_finite() && len > 0.0).then(|| (x / len, y / len))
}

/// The fonts read so far, by the address of their dictionary in the document (which does not
/// move while it is borrowed).
#[derive(Default)]
struct Fonts<'d> {
    read: HashMap<usize, Rc<Font<'d>>>,
}

impl<'d> Fonts<'d> {
    fn get(&mut self, doc: &'d Document, dict: &'d Dictionary) -> Rc<Font<'d>> {
        let key = std::ptr::from_ref(dict) as usize;
        self.read
            .entry(key)
            .or_insert_with(|| Rc::new(Font::read(doc, dict)))
            .clone()
    }
}

/// How a font's codes become text.
enum Decoder<'d> {
    /// lopdf's decoding: a ToUnicode CMap or a simple font's encoding.
    Pdf(Encoding<'d>),
    /// A predefined CMap whose codes are UTF-16 (`UniGB-UCS2-H`, `UniCNS-UTF16-H`…).
    Utf16,
    /// A predefined CMap whose codes are a legacy encoding (`GBK-EUC-H`, `B5pc-H`…).
    Legacy(&'static encoding_rs::Encoding),
    /// No Unicode for the glyphs.
    Unmapped,
}

/// How a font's strings split into glyphs, for their widths.
#[derive(Clone, Copy, PartialEq)]
enum Codes {
    /// One byte a glyph (simple fonts).
    One,
    /// Two bytes a glyph whose CID is the code (Identity CMaps).
    Identity,
    /// Two bytes a glyph, CIDs unknown (UTF-16 CMaps).
    Two,
    /// One glyph a character of the decoded text (legacy CMaps).
    Chars,
}

struct Font<'d> {
    /// The `BaseFont`, for messages.
    name: String,
    decoder: Decoder<'d>,
    codes: Codes,
    /// Widths by code (simple fonts) or CID ranges (CID fonts), in font units.
    widths: Vec<(u32, u32, f64)>,
    /// The width of a glyph `widths` does not list.
    default_width: f64,
    /// Text-space units per font unit.
    scale: f64,
}

impl<'d> Font<'d> {
    fn read(doc: &'d Document, dict: &'d Dictionary) -> Font<'d> {
        let name = dict.get(b"BaseFont").and_then(Object::as_name).map_or_else(
            |_| "(unnamed font)".to_string(),
            |n| String::from_utf8_lossy(n).into_owned(),
        );
        let composite = dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Type0");
        let cmap = dict.get(b"Encoding").and_then(Object::as_name).ok();
        let decoder = match to_unicode(doc, dict) {
            Some(decoder) => decoder,
            None if composite => match cmap.and_then(predefined) {
                Some(decoder) => decoder,
                None => Decoder::Unmapped,
            },
            None => match dict.get_font_encoding_with_limit(doc, MAX_CONTENT) {
                Ok(encoding) => Decoder::Pdf(encoding),
                Err(_) => Decoder::Unmapped,
            },
        };
        let mut font = Font {
            name,
            decoder,
            codes: Codes::One,
            widths: Vec::new(),
            default_width: ESTIMATED_WIDTH,
            scale: GLYPH_SCALE,
        };
        if composite {
            font.codes = match cmap {
                Some(b"Identity-H" | b"Identity-V") => Codes::Identity,
                Some(n) if matches!(predefined(n), Some(Decoder::Legacy(_))) => Codes::Chars,
                _ => Codes::Two,
            };
            font.read_cid_widths(doc, dict);
        } else {
            font.read_simple_widths(doc, dict);
        }
        font
    }

    fn read_simple_widths(&mut self, doc: &Document, dict: &Dictionary) {
        let array = |key: &[u8]| dict.get_deref(key, doc).and_then(Object::as_array).ok();
        if let Some(m) = array(b"FontMatrix").and_then(|m| number(m.first()))
            && dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Type3")
        {
            self.scale = m;
        }
        let Some(widths) = array(b"Widths") else {
            return;
        };
        let first = dict.get(b"FirstChar").and_then(Object::as_i64).unwrap_or(0);
        let first = u32::try_from(first).unwrap_or(0);
        for (k, w) in widths.iter().enumerate() {
            let w = resolved(doc, Some(w));
            let code = first.saturating_add(k as u32);
            self.widths.push((code, code, w.unwrap_or(0.0)));
        }
        self.default_width = dict
            .get_deref(b"FontDescriptor", doc)
            .and_then(Object::as_dict)
            .ok()
            .and_then(|d| number(d.get_deref(b"MissingWidth", doc).ok()))
            .unwrap_or(0.0);
    }

    fn read_cid_widths(&mut self, doc: &Document, dict: &Dictionary) {
        self.default_width = 1000.0;
        let Some(cid_font) = dict
            .get_deref(b"DescendantFonts", doc)
            .and_then(Object::as_array)
            .ok()
            .and_then(|a| a.first())
            .and_then(|f| doc.dereference(f).ok())
            .and_then(|(_, f)| f.as_dict().ok())
        else {
            return;
        };
        if let Some(dw) = number(cid_font.get_deref(b"DW", doc).ok()) {
            self.default_width = dw;
        }
        let Ok(w) = cid_font.get_deref(b"W", doc).and_then(Object::as_array) else {
            return;
        };
        let cid = |o: Option<&Object>| {
            resolved(doc, o).filter(|v| (0.0..=f64::from(u32::MAX)).contains(v))
        };
        let mut k = 0;
        while k < w.len() {
            let Some(first) = cid(w.get(k)) else { break };
            let first = first as u32;
            match w.get(k + 1).and_then(|o| doc.dereference(o).ok()) {
                Some((_, Object::Array(list))) => {
                    for (j, width) in list.iter().enumerate() {
                        let code = first.saturating_add(j as u32);
                        let width = resolved(doc, Some(width)).unwrap_or(self.default_width);
                        self.widths.push((code, code, width));
                    }
                    k += 2;
                }
                Some(_) => {
                    let (Some(last), Some(width)) =
                        (cid(w.get(k + 1)), resolved(doc, w.get(k + 2)))
                    else {
                        break;
                    };
                    self.widths.push((first, last as u32, width));
                    k += 3;
                }
                None => break,
            }
        }
        self.widths.sort_by_key(|&(lo, _, _)| lo);
    }

    fn width(&self, code: u32) -> f64 {
        let k = self.widths.partition_point(|&(lo, _, _)| lo <= code);
        match k.checked_sub(1).map(|k| self.widths[k]) {
            Some((_, hi, w)) if code <= hi => w,
            _ => self.default_width,
        }
    }

    fn decode(&self, bytes: &[u8]) -> Option<String> {
        match &self.decoder {
            Decoder::Pdf(encoding) => encoding.bytes_to_string(bytes).ok(),
            Decoder::Utf16 => Some(UTF_16BE.decode_without_bom_handling(bytes).0.into_owned()),
            Decoder::Legacy(e) => Some(e.decode_without_bom_handling(bytes).0.into_owned()),
            Decoder::Unmapped => None,
        }
    }

    /// Calls `each` with the width (font units) of each glyph of `bytes`, and whether it is
    /// the single-byte code 32 (which word spacing widens).
    fn advances(&self, bytes: &[u8], text: Option<&str>, mut each: impl FnMut(f64, bool)) {
        match self.codes {
            Codes::One => {
                for &b in bytes {
                    each(self.width(u32::from(b)), b == b' ');
                }
            }
            Codes::Identity => {
                for pair in bytes.chunks_exact(2) {
                    each(
                        self.width(u32::from(pair[0]) << 8 | u32::from(pair[1])),
                        false,
                    );
                }
            }
            Codes::Two => {
                for _ in bytes.chunks_exact(2) {
                    each(self.default_width, false);
                }
            }
            Codes::Chars => {
                for c in text.unwrap_or_default().chars() {
                    let half = c.is_ascii() || ('\u{FF61}'..='\u{FF9F}').contains(&c);
                    each(self.default_width / if half { 2.0 } else { 1.0 }, false);
                }
            }
        }
    }
}

/// The decoder of a font's ToUnicode CMap, when it has one lopdf can read.
fn to_unicode<'d>(doc: &'d Document, dict: &Dictionary) -> Option<Decoder<'d>> {
    dict.get_deref(b"ToUnicode", doc)
        .and_then(Object::as_stream)
        .ok()?;
    // lopdf reads the ToUnicode map only when the font has no `Encoding` (or names an
    // Identity CMap): ask it about a copy without one.
    let mut copy = dict.clone();
    copy.remove(b"Encoding");
    match copy.get_font_encoding_with_limit(doc, MAX_CONTENT) {
        Ok(Encoding::UnicodeMapEncoding(map)) => {
            Some(Decoder::Pdf(Encoding::UnicodeMapEncoding(map)))
        }
        _ => None,
    }
}

/// The decoder of a predefined CMap (PDF 32000-1, table 118) that says what its codes are.
fn predefined(name: &[u8]) -> Option<Decoder<'static>> {
    let name = std::str::from_utf8(name).ok()?;
    if name.starts_with("Uni") && (name.contains("-UCS2-") || name.contains("-UTF16-")) {
        return Some(Decoder::Utf16);
    }
    let stem = name
        .strip_suffix("-H")
        .or_else(|| name.strip_suffix("-V"))?;
    let encoding = match stem {
        "GB-EUC" | "GBpc-EUC" | "GBK-EUC" | "GBKp-EUC" | "GBK2K" => GBK,
        "B5pc" | "HKscs-B5" | "ETen-B5" | "ETenms-B5" => BIG5,
        "83pv-RKSJ" | "90ms-RKSJ" | "90msp-RKSJ" | "90pv-RKSJ" | "Add-RKSJ" | "Ext-RKSJ" => {
            SHIFT_JIS
        }
        "KSC-EUC" | "KSCms-UHC" | "KSCms-UHC-HW" | "KSCpc-EUC" => EUC_KR,
        _ => return None,
    };
    Some(Decoder::Legacy(encoding))
}
