//! Witnesses in other formats than plain text: each reader takes the file's structure (a
//! PAGE-XML reading order, ALTO lines and hyphenation, …) to the text a person reads, and
//! keeps, for every piece of that text, where it came from: the byte, line and column in the
//! file, and the format's own address (element, id, path, coordinates). Reports point into
//! the original file through that map ([`crate::Document::position`]).
//!
//! A reader is chosen by content ([`detect`]), or by `--input-format`. The text a reader
//! makes is laid out the way witness reads plain text: a blank line between blocks
//! (regions, paragraphs), a line feed between lines, so that layout stays cosmetic.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

use serde::Serialize;

use crate::source::LineIndex;

mod alto;
mod docx;
mod hocr;
mod html;
mod page;
#[cfg(feature = "pdf")]
mod pdf;
mod tei;
mod xml;

/// The formats witness reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InputFormat {
    /// Plain text in any encoding (the default).
    Text,
    /// PAGE-XML (PRImA page content, every schema version from 2009 to 2019).
    Page,
    /// ALTO (every version).
    Alto,
    /// hOCR (HTML with `ocr_page`, `ocr_line`, `ocrx_word` elements).
    Hocr,
    /// TEI P5.
    Tei,
    /// HTML (the visible text).
    Html,
    /// Office Open XML word-processing documents (.docx).
    Docx,
    /// PDF text layers.
    Pdf,
}

impl InputFormat {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [InputFormat; 8] = [
        InputFormat::Text,
        InputFormat::Page,
        InputFormat::Alto,
        InputFormat::Hocr,
        InputFormat::Tei,
        InputFormat::Html,
        InputFormat::Docx,
        InputFormat::Pdf,
    ];

    /// The name used on the command line and in reports: `text`, `page`, `alto`.
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Text => "text",
            InputFormat::Page => "page",
            InputFormat::Alto => "alto",
            InputFormat::Hocr => "hocr",
            InputFormat::Tei => "tei",
            InputFormat::Html => "html",
            InputFormat::Docx => "docx",
            InputFormat::Pdf => "pdf",
        }
    }

    /// What a message calls it: `PAGE-XML`, `ALTO`.
    pub fn title(self) -> &'static str {
        match self {
            InputFormat::Text => "plain text",
            InputFormat::Page => "PAGE-XML",
            InputFormat::Alto => "ALTO",
            InputFormat::Hocr => "hOCR",
            InputFormat::Tei => "TEI",
            InputFormat::Html => "HTML",
            InputFormat::Docx => "DOCX",
            InputFormat::Pdf => "PDF",
        }
    }

    /// Whether the format is XML (its declaration may name the encoding).
    pub(crate) fn is_xml(self) -> bool {
        matches!(
            self,
            InputFormat::Page | InputFormat::Alto | InputFormat::Tei
        )
    }

    /// Whether the file is not text at all (a ZIP archive, a PDF): its reader takes the bytes.
    pub(crate) fn is_binary(self) -> bool {
        matches!(self, InputFormat::Docx | InputFormat::Pdf)
    }
}

/// Which text of a PAGE-XML file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PageLevel {
    /// Each region's lines when it has lines with text, else the region's own text.
    #[default]
    Auto,
    /// The regions' own `TextEquiv`.
    Region,
    /// The `TextEquiv` of each region's lines.
    Line,
}

/// Which reading of a TEI `<choice>` is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Reading {
    /// The editor's: `corr`, `expan`, `reg`, `ex`.
    #[default]
    Editorial,
    /// The source's as written: `sic`, `abbr`, `orig`, `am`.
    Diplomatic,
}

/// Which state of a revised text is read: TEI `<del>`/`<add>`, DOCX tracked changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Revision {
    /// The text as revised: additions and insertions kept, deletions dropped.
    #[default]
    Revised,
    /// The text before the revision: deletions kept, additions and insertions dropped.
    Original,
}

/// The command-line names of the reading options.
macro_rules! names {
    ($($t:ident { $($v:ident => $n:literal),* $(,)? })*) => {$(
        impl $t {
            /// Every value, in the order `--help` lists them.
            pub const ALL: [$t; [$($n),*].len()] = [$($t::$v),*];

            /// The name used on the command line.
            pub fn name(self) -> &'static str {
                match self {
                    $($t::$v => $n),*
                }
            }
        }
    )*};
}

names! {
    PageLevel { Auto => "auto", Region => "region", Line => "line" }
    Reading { Editorial => "editorial", Diplomatic => "diplomatic" }
    Revision { Revised => "revised", Original => "original" }
}

/// How the readers make text of a structured file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ExtractOptions {
    /// Read as this format instead of the one detected.
    pub format: Option<InputFormat>,
    /// PAGE-XML: region or line text.
    pub page_level: PageLevel,
    /// dinglehopper 0.11's extraction: PAGE regions (or lines) joined by one line feed, empty
    /// regions dropped, regions outside the reading order dropped; ALTO strings joined by a
    /// space and lines by a line feed, hyphenation left as it is. For `cer --compat`.
    pub dinglehopper: bool,
    /// TEI: which reading of a `<choice>` is read.
    pub reading: Reading,
    /// TEI `<del>`/`<add>` and DOCX tracked changes: the revised or the original text.
    pub revision: Revision,
    /// TEI: read `<note>`s in place (set off by spaces) instead of leaving them out.
    pub notes: bool,
}

/// Where a piece of extracted text is in its file, in the format's own terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Address {
    /// The element the text is in: `TextLine`, `String`, `p`, `w:p`.
    pub element: String,
    /// Its identifier (`id`, `ID`, `xml:id`), when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Its path from the root: local names with 1-based positions among same-named
    /// siblings, e.g. `/PcGts/Page/TextRegion[2]/TextLine[1]`.
    pub path: String,
    /// The part of a container the element is in (`word/footnotes.xml` in a DOCX); the
    /// position's byte, line and column are then in that part.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
    /// The 1-based page (PDF).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Its box on the page image, `[x0, y0, x1, y1]` in the file's units, rounded to whole
    /// units: PAGE `Coords` (the points' bounds), ALTO `HPOS`/`VPOS`/`WIDTH`/`HEIGHT`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bbox: Option<[i64; 4]>,
    /// The box of the line of text the element is on, in the same units: the element's own
    /// box for a line (PAGE `TextLine`, hOCR `ocr_line`), its line's for a word (ALTO
    /// `String` in a `TextLine` — from the line's `HPOS`/`VPOS`/`WIDTH`/`HEIGHT`, else the
    /// bounds of its strings —, hOCR `ocrx_word` in an `ocr_line`, else the word's own), the
    /// line's for a PAGE region of one line, a PDF line's own; `None` where no one line is
    /// known (a region of several lines, a format without boxes). For a crop of the page image
    /// ([`crate::Document::page_line`]); not in the JSON reports.
    #[serde(skip)]
    pub line_bbox: Option<[i64; 4]>,
}

impl std::fmt::Display for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(part) = &self.part {
            write!(f, "{part}:")?;
        }
        if let Some(page) = self.page {
            write!(f, "p.{page} ")?;
        }
        match &self.id {
            Some(id) => write!(f, "{}#{}", self.element, id)?,
            None => write!(f, "{}", self.path)?,
        }
        if let Some([x0, y0, x1, y1]) = self.bbox {
            write!(f, " [{x0},{y0},{x1},{y1}]")?;
        }
        Ok(())
    }
}

/// One run of extracted text and where it came from. A verbatim piece is a copy of the
/// source, character for character, on one source line; any other piece (a separator the
/// reader put in, an entity's expansion, a substituted word) points at one source byte.
#[derive(Debug, Clone, Copy)]
struct Piece {
    /// Start of the piece in the extracted text.
    text: u32,
    /// Its start in the source: a byte offset into the decoded source while reading, in the
    /// file as stored once [`SourceMap::finish`] has run.
    source: u32,
    /// 1-based line and column (in characters) of the source start.
    line: u32,
    column: u32,
    /// Index into [`SourceMap::addresses`], or [`NO_ADDRESS`].
    address: u32,
    verbatim: bool,
}

const NO_ADDRESS: u32 = u32::MAX;

/// The page image a PAGE-XML, ALTO or hOCR file names, as the file names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageImage {
    /// The file name as written: PAGE `Page/@imageFilename`, ALTO
    /// `sourceImageInformation/fileName`, hOCR the `image "…"` of an `ocr_page`'s `title`.
    /// Resolved by whoever reads the image ([`crate::report::crops`]), relative to the file's
    /// directory.
    pub file: String,
    /// The page's width and height in the units of the boxes, when the file gives them
    /// (PAGE `imageWidth`/`imageHeight`, ALTO `Page` `WIDTH`/`HEIGHT`, the `bbox` of an hOCR
    /// `ocr_page`): a box is scaled by the image's size over this one. `None`: the boxes are
    /// in the image's pixels.
    pub size: Option<[i64; 2]>,
    /// Which page of the image file this page is: 0, unless earlier pages of the same hOCR
    /// file name the same image (the pages of a multi-page TIFF).
    pub frame: u32,
}

/// Where each byte of a document's extracted text is in the file it came from.
#[derive(Debug, Clone)]
pub struct SourceMap {
    format: InputFormat,
    /// Shared by positions only when a report asks for one (an `Arc` each is made then).
    addresses: Vec<Address>,
    pieces: Vec<Piece>,
    /// The page images, each with the offset in the text where its page starts (`None`: a
    /// page that names no image), in text order.
    images: Vec<(u32, Option<PageImage>)>,
}

/// A point of the source, as [`SourceMap::locate`] finds it.
pub(crate) struct SourcePoint {
    /// Where the piece starts: a byte offset into the decoded source, into the file once
    /// [`SourceMap::finish`] has run.
    pub(crate) piece_source: usize,
    /// The text from the piece's start to the point, when the piece is verbatim (its
    /// encoded length is the rest of the offset); empty in a made piece.
    pub(crate) within: Range<usize>,
    pub(crate) line: usize,
    pub(crate) column: usize,
    pub(crate) address: Option<Arc<Address>>,
}

impl SourceMap {
    /// The format the text was read from.
    pub fn format(&self) -> InputFormat {
        self.format
    }

    /// The source point of a byte offset of the extracted `text`: of the character that
    /// starts there, or with `end`, the point just after the character that ends there (at
    /// the boundary of two pieces, the end of the first rather than the start of the second,
    /// which may be far from it in the markup).
    pub(crate) fn locate(&self, text: &str, byte: usize, end: bool) -> SourcePoint {
        let k = self
            .pieces
            .partition_point(|p| p.text as usize <= byte && !(end && p.text as usize == byte))
            .saturating_sub(1);
        let Some(p) = self.pieces.get(k) else {
            return SourcePoint {
                piece_source: 0,
                within: 0..0,
                line: 1,
                column: 1,
                address: None,
            };
        };
        let start = p.text as usize;
        let (within, column) = if p.verbatim {
            let end = byte.max(start);
            (
                start..end,
                p.column as usize + text[start..end].chars().count(),
            )
        } else {
            (start..start, p.column as usize)
        };
        SourcePoint {
            piece_source: p.source as usize,
            within,
            line: p.line as usize,
            column,
            address: self
                .addresses
                .get(p.address as usize)
                .map(|a| Arc::new(a.clone())),
        }
    }

    /// The page images the file names, in the order of their pages.
    pub fn page_images(&self) -> impl Iterator<Item = &PageImage> {
        self.images.iter().filter_map(|(_, image)| image.as_ref())
    }

    /// The page image and the line box ([`Address::line_bbox`]) of the text at byte `byte`:
    /// of the piece there, else (a separator the reader put in, with no box) of the piece
    /// before it, else of the one after it. The image is that of the page the chosen piece
    /// is on.
    pub fn page_line(&self, byte: usize) -> Option<(&PageImage, [i64; 4])> {
        if self.images.is_empty() {
            return None;
        }
        let k = self
            .pieces
            .partition_point(|p| p.text as usize <= byte)
            .checked_sub(1)?;
        let boxed = |k: usize| {
            let p = self.pieces.get(k)?;
            let line = self.addresses.get(p.address as usize)?.line_bbox?;
            Some((p.text, line))
        };
        let (at, line) = boxed(k)
            .or_else(|| boxed(k.checked_sub(1)?))
            .or_else(|| boxed(k + 1))?;
        let page = self.images.partition_point(|(start, _)| *start <= at);
        let image = self.images.get(page.checked_sub(1)?)?.1.as_ref()?;
        Some((image, line))
    }

    /// Turns the pieces' decoded-source offsets into offsets in the file as stored, with
    /// `to_file` (the decoded source's own map: BOM, encoding, replacements).
    pub(crate) fn finish(&mut self, to_file: impl Fn(usize) -> usize) {
        for p in &mut self.pieces {
            p.source = to_file(p.source as usize) as u32;
        }
    }

    /// The pieces' byte ranges in the text (`text_len` long).
    pub(crate) fn pieces(&self, text_len: usize) -> Vec<Range<usize>> {
        let starts = self.pieces.iter().map(|p| p.text as usize);
        starts
            .clone()
            .zip(starts.skip(1).chain([text_len]))
            .map(|(a, b)| a..b)
            .collect()
    }
}

/// What a reader made: the text, its map, and what the reader warns about (regions left out
/// of a reading order, …).
#[derive(Debug)]
pub struct Extraction {
    /// The text, laid out for witness (blank lines between blocks).
    pub text: String,
    /// Where each piece of it came from.
    pub map: SourceMap,
    /// Things the user should know about the reading, one sentence each.
    pub warnings: Vec<String>,
}

/// Why a file could not be read in its format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtractError {
    /// What is wrong, with a line and column where there is one.
    pub message: String,
}

impl ExtractError {
    pub(crate) fn new(message: impl Into<String>) -> ExtractError {
        ExtractError {
            message: message.into(),
        }
    }
}

/// Reads `src` (the decoded file) as `format`, a text format.
pub fn extract(
    format: InputFormat,
    src: &str,
    opts: &ExtractOptions,
) -> Result<Extraction, ExtractError> {
    extract_indexed(format, src, Cow::Owned(LineIndex::new(src)), opts)
}

/// [`extract`], with the source's line index already built (a document has one).
pub(crate) fn extract_indexed(
    format: InputFormat,
    src: &str,
    lines: Cow<'_, LineIndex>,
    opts: &ExtractOptions,
) -> Result<Extraction, ExtractError> {
    let mut out = Extractor::with_lines(format, src, lines);
    match format {
        InputFormat::Text => out.push_verbatim(0..src.len(), NO_ADDRESS),
        InputFormat::Page => page::read(&mut out, opts)?,
        InputFormat::Alto => alto::read(&mut out, opts)?,
        InputFormat::Hocr => hocr::read(&mut out, opts)?,
        InputFormat::Tei => tei::read(&mut out, opts)?,
        InputFormat::Html => html::read(&mut out, opts)?,
        InputFormat::Docx | InputFormat::Pdf => {
            return Err(ExtractError::new(format!(
                "{} is read from the file's bytes, not from text",
                format.title()
            )));
        }
    }
    Ok(out.finish())
}

/// Reads the bytes of a file in a binary format (DOCX, PDF). The pieces'
/// positions are final: offsets into the part (DOCX) or page (PDF) their address names.
pub fn extract_bytes(
    format: InputFormat,
    bytes: &[u8],
    opts: &ExtractOptions,
) -> Result<Extraction, ExtractError> {
    match format {
        InputFormat::Docx => docx::read(bytes, opts),
        #[cfg(feature = "pdf")]
        InputFormat::Pdf => pdf::read(bytes, opts),
        #[cfg(not(feature = "pdf"))]
        InputFormat::Pdf => Err(ExtractError::new(
            "this witness was built without PDF support (the `pdf` feature): rebuild it with \
             default features, or extract the text first (e.g. `pdftotext -layout FILE FILE.txt`)",
        )),
        _ => Err(ExtractError::new(format!(
            "{} is read from text, not from bytes",
            format.title()
        ))),
    }
}
/// A plain text with the matches of `patterns` left out (page and line markers, sigla,
/// editorial brackets that a plain-text edition carries), and the byte ranges of `src` left
/// out, in order. Overlapping matches are merged; empty matches leave nothing out.
pub fn ignoring(src: &str, patterns: &[regex::Regex]) -> (Extraction, Vec<Range<usize>>) {
    let mut out_ranges: Vec<Range<usize>> = patterns
        .iter()
        .flat_map(|re| re.find_iter(src).map(|m| m.range()))
        .filter(|r| !r.is_empty())
        .collect();
    out_ranges.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(out_ranges.len());
    for r in out_ranges {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    let mut out = Extractor::new(InputFormat::Text, src);
    let mut at = 0;
    for r in &merged {
        out.push_verbatim(at..r.start, NO_ADDRESS);
        at = r.end;
    }
    out.push_verbatim(at..src.len(), NO_ADDRESS);
    (out.finish(), merged)
}

/// The structured format the bytes are in: a DOCX or PDF by its signature, an XML or HTML
/// file by its root element (hOCR by its `ocr_page` class). `None` for anything else (plain
/// text). Looks at the start of the file only (and, for hOCR, its first 64 KiB).
pub fn detect(bytes: &[u8]) -> Option<InputFormat> {
    if docx::is_docx(bytes) {
        return Some(InputFormat::Docx);
    }
    if bytes.starts_with(b"%PDF-") {
        return Some(InputFormat::Pdf);
    }
    let head = &bytes[..bytes.len().min(4096)];
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let root = xml::root_name(head)?;
    let local = root.rsplit(':').next().unwrap_or(root);
    match local {
        "PcGts" => Some(InputFormat::Page),
        "alto" => Some(InputFormat::Alto),
        "TEI" | "teiCorpus" => Some(InputFormat::Tei),
        _ if local.eq_ignore_ascii_case("html") => {
            let window = &bytes[..bytes.len().min(64 << 10)];
            match memchr::memmem::find(window, b"ocr_page") {
                Some(_) => Some(InputFormat::Hocr),
                None => Some(InputFormat::Html),
            }
        }
        _ => None,
    }
}

/// Builds an [`Extraction`]: readers append text with where it came from. A reader of a
/// container (DOCX) reads several sources in turn ([`Extractor::set_source`]).
pub(crate) struct Extractor<'s> {
    pub(crate) src: &'s str,
    lines: Cow<'s, LineIndex>,
    text: String,
    map: SourceMap,
    warnings: Vec<String>,
}

impl<'s> Extractor<'s> {
    pub(crate) fn new(format: InputFormat, src: &'s str) -> Extractor<'s> {
        Extractor::with_lines(format, src, Cow::Owned(LineIndex::new(src)))
    }

    /// A reader of `src`, whose line index is `lines`.
    fn with_lines(format: InputFormat, src: &'s str, lines: Cow<'s, LineIndex>) -> Extractor<'s> {
        Extractor {
            src,
            lines,
            text: String::new(),
            map: SourceMap {
                format,
                addresses: Vec::new(),
                pieces: Vec::new(),
                images: Vec::new(),
            },
            warnings: Vec::new(),
        }
    }

    /// Reads from another source from now on (the next part of a container): offsets,
    /// lines and columns of the pieces appended are then in it.
    pub(crate) fn set_source(&mut self, src: &'s str) {
        self.src = src;
        self.lines = Cow::Owned(LineIndex::new(src));
    }

    pub(crate) fn finish(mut self) -> Extraction {
        self.map.pieces.shrink_to_fit();
        Extraction {
            text: self.text,
            map: self.map,
            warnings: self.warnings,
        }
    }

    /// The text made so far.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    pub(crate) fn warn(&mut self, warning: String) {
        self.warnings.push(warning);
    }

    /// Starts a page (of an hOCR file with several) here: the text from now on is on the
    /// image named, or on none. A second page naming the image of an earlier one is its next
    /// frame.
    pub(crate) fn page_image(&mut self, image: Option<PageImage>) {
        let image = image.map(|mut image| {
            image.frame = self
                .map
                .images
                .iter()
                .filter(|(_, i)| i.as_ref().is_some_and(|i| i.file == image.file))
                .count() as u32;
            image
        });
        // A page with no text leaves an entry at the offset of the next one, whose entry,
        // later, wins (and still counts as a frame).
        self.map.images.push((self.text.len() as u32, image));
    }

    /// Registers an address; pieces refer to it by the index returned.
    pub(crate) fn address(&mut self, address: Address) -> u32 {
        self.map.addresses.push(address);
        (self.map.addresses.len() - 1) as u32
    }

    fn piece(&mut self, at: usize, address: u32, verbatim: bool) {
        let (line, column) = self.lines.line_column(self.src, at);
        self.map.pieces.push(Piece {
            text: self.text.len() as u32,
            source: at as u32,
            line: line as u32,
            column: column as u32,
            address,
            verbatim,
        });
    }

    /// Appends `src[range]` as it is (split into one piece per source line).
    pub(crate) fn push_verbatim(&mut self, range: Range<usize>, address: u32) {
        let mut at = range.start;
        while at < range.end {
            let end = memchr::memchr2(b'\n', b'\r', &self.src.as_bytes()[at..range.end])
                .map_or(range.end, |k| at + k + 1);
            self.piece(at, address, true);
            self.text.push_str(&self.src[at..end]);
            at = end;
        }
    }

    /// Appends text the reader made (a separator, an expansion), pointing at source byte `at`.
    pub(crate) fn push_made(&mut self, text: &str, at: usize, address: u32) {
        if text.is_empty() {
            return;
        }
        self.piece(at, address, false);
        self.text.push_str(text);
    }

    /// Appends `sep` (a space, a line feed, a blank line) unless the text is empty or already
    /// ends with it.
    pub(crate) fn separate(&mut self, sep: &str, at: usize, address: u32) {
        if !self.text.is_empty() && !self.text.ends_with(sep) {
            self.push_made(sep, at, address);
        }
    }

    /// Where the text stands, to undo what was appended since ([`Extractor::rewind`]).
    pub(crate) fn mark(&self) -> (usize, usize) {
        (self.text.len(), self.map.pieces.len())
    }

    pub(crate) fn rewind(&mut self, (text, pieces): (usize, usize)) {
        self.text.truncate(text);
        self.map.pieces.truncate(pieces);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_detected_by_their_root_element() {
        let page = br#"<?xml version="1.0" encoding="UTF-8"?>
<!-- made by hand -->
<pc:PcGts xmlns:pc="http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15">"#;
        assert_eq!(detect(page), Some(InputFormat::Page));
        let alto = b"\xEF\xBB\xBF<alto xmlns=\"http://www.loc.gov/standards/alto/ns-v4#\">";
        assert_eq!(detect(alto), Some(InputFormat::Alto));
        assert_eq!(
            detect(b"<!DOCTYPE html>\n<HTML><body>x</body></html>"),
            Some(InputFormat::Html)
        );
        assert_eq!(
            detect(b"<html><body><div class='ocr_page'>x</div></body></html>"),
            Some(InputFormat::Hocr)
        );
        assert_eq!(detect(b"%PDF-1.7\n"), Some(InputFormat::Pdf));
        assert_eq!(
            detect(b"<mets:mets xmlns:mets='http://www.loc.gov/METS/'>"),
            None
        );
        assert_eq!(detect("跨里海 <alto>".as_bytes()), None);
        assert_eq!(detect(b"<alto"), None, "a root cut off is not a root");
    }
}
