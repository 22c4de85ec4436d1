//! DOCX (Office Open XML word processing): the paragraphs of `word/document.xml`, then the
//! notes, headers and footers, each read from its own part of the ZIP archive.
//!
//! witness's reading:
//! - Paragraphs (`w:p`, in tables and content controls too) are separated by a blank line;
//!   paragraphs without text are dropped. A text box's paragraphs follow the paragraph that
//!   anchors it (the `mc:Choice` of an `mc:AlternateContent`, never its `mc:Fallback`).
//! - Runs: `w:t` as written (with `xml:space="preserve"`; without it, whitespace at its ends
//!   is dropped), `w:tab` and `w:ptab` a tab, `w:br` (any type) and `w:cr` a line feed,
//!   `w:noBreakHyphen` U+2011 NON-BREAKING HYPHEN, `w:softHyphen` nothing (a hyphenation
//!   hint), `w:sym` the character of its `w:char` (a private-use code point for a symbol
//!   font, as Word stores it). Ruby text (`w:rt`, a reading over CJK characters) is left
//!   out, its base read. Math (`m:t`) is read as text. Note reference marks and the
//!   numbers of notes are not text and are not read.
//! - Tracked changes: the text as revised by default (`w:ins`, `w:moveTo` read; `w:del`,
//!   `w:moveFrom` not); [`Revision::Original`] reads the text before the changes
//!   (`w:delText` read, insertions dropped). Changes to paragraph marks and formatting are
//!   not followed.
//! - Fields: the code (`w:instrText`, and everything between `w:fldChar` `begin` and
//!   `separate`) is skipped; the result (between `separate` and `end`) is read, as are the
//!   runs of a `w:fldSimple`.
//! - Other parts, after the body, each a stream of its own paragraphs: footnotes, endnotes,
//!   headers, footers (as `word/_rels/document.xml.rels` names them; in name order within
//!   each kind: `header1`, `header2`, … `header10`). Separator notes are not read, nor are
//!   comments.
//! - Addresses: `w:p`, its `w14:paraId` as id, its path in the part, and the part
//!   (`word/document.xml`, `word/footnotes.xml`); positions are bytes, lines and columns of
//!   that part's XML.

use std::io::{Cursor, Read};

use roxmltree::Node;

use super::tei::{decode, push_chars, too_deep};
use super::xml::{self, attribute};
use super::{Address, ExtractError, ExtractOptions, Extraction, Extractor, InputFormat, Revision};
use crate::source::MAX_FILE_BYTES;

/// The main part.
const MAIN: &str = "word/document.xml";
/// The main part's relationships, which name the other parts.
const RELS: &str = "word/_rels/document.xml.rels";
/// An OLE2 compound file: a .doc, or an encrypted (password-protected) DOCX.
const OLE2: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
/// The namespace of `xml:space`.
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
/// Deeper nesting than this is not read (it would only be there to exhaust the stack).
const MAX_DEPTH: usize = 512;

pub(super) fn read(bytes: &[u8], opts: &ExtractOptions) -> Result<Extraction, ExtractError> {
    if bytes.starts_with(OLE2) {
        return Err(ExtractError::new(
            "is an OLE2 compound file, not a ZIP archive: a password-protected (encrypted) DOCX or a Word 97-2003 .doc; remove the password or save it as .docx".to_string(),
        ));
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        ExtractError::new(format!(
            "is not a readable ZIP archive ({e}): a damaged or truncated DOCX?"
        ))
    })?;
    if zip.index_for_name(MAIN).is_none() {
        return Err(ExtractError::new(format!(
            "is a ZIP archive without {MAIN}: not a DOCX"
        )));
    }
    let mut budget = MAX_FILE_BYTES;
    let main = part(&mut zip, MAIN, &mut budget)?;
    let mut others = Vec::new();
    for name in other_parts(&mut zip, &mut budget)? {
        let src = part(&mut zip, &name, &mut budget)?;
        others.push((name, src));
    }

    let mut out = Extractor::new(InputFormat::Docx, &main);
    read_part(&mut out, MAIN, &main, opts)?;
    for (name, src) in &others {
        out.set_source(src);
        read_part(&mut out, name, src, opts)?;
    }
    if out.text().trim().is_empty() {
        return Err(ExtractError::new(format!(
            "has no text: no paragraph of {MAIN} (or of its notes, headers and footers) holds any"
        )));
    }
    Ok(out.finish())
}

/// A part of the archive as text, decompressed within what is left of `budget` bytes.
fn part(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    budget: &mut u64,
) -> Result<String, ExtractError> {
    let damaged = |e: &dyn std::fmt::Display| {
        ExtractError::new(format!(
            "{name} cannot be read from the archive ({e}): a damaged DOCX?"
        ))
    };
    let file = zip.by_name(name).map_err(|e| damaged(&e))?;
    let mut data = Vec::new();
    file.take(*budget + 1)
        .read_to_end(&mut data)
        .map_err(|e| damaged(&e))?;
    if data.len() as u64 > *budget {
        return Err(ExtractError::new(format!(
            "{name} and the parts before it decompress to more than {} MiB, more than witness reads",
            MAX_FILE_BYTES >> 20
        )));
    }
    *budget -= data.len() as u64;
    String::from_utf8(data).map_err(|e| ExtractError::new(format!("{name} is not UTF-8 ({e})")))
}

/// The notes, headers and footers, in reading order: footnotes, endnotes, headers, footers;
/// in name order within a kind (`header2` before `header10`). Named by the main part's
/// relationships, else by the names Word gives them.
fn other_parts(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    budget: &mut u64,
) -> Result<Vec<String>, ExtractError> {
    const KINDS: [&str; 4] = ["footnotes", "endnotes", "header", "footer"];
    let mut found: Vec<(usize, String)> = Vec::new();
    if zip.index_for_name(RELS).is_some() {
        let src = part(zip, RELS, budget)?;
        let doc = xml::parse(&src, "DOCX")
            .map_err(|e| ExtractError::new(format!("{RELS}: {}", e.message)))?;
        for rel in doc.descendants().filter(|n| n.has_tag_name("Relationship")) {
            let (Some(kind), Some(target)) = (attribute(rel, "Type"), attribute(rel, "Target"))
            else {
                continue;
            };
            if attribute(rel, "TargetMode") == Some("External") {
                continue;
            }
            let Some(k) = KINDS
                .iter()
                .position(|k| kind.rsplit('/').next() == Some(k))
            else {
                continue;
            };
            let name = match target.strip_prefix('/') {
                Some(absolute) => absolute.to_string(),
                None => format!("word/{}", target.trim_start_matches("./")),
            };
            found.push((k, name));
        }
    } else {
        for name in zip.file_names().flatten() {
            let Some(file) = name.strip_prefix("word/") else {
                continue;
            };
            let k = KINDS.iter().position(|k| {
                file.strip_prefix(k).is_some_and(|rest| {
                    rest.strip_suffix(".xml")
                        .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
                })
            });
            if let Some(k) = k {
                found.push((k, name.to_string()));
            }
        }
    }
    found.sort_by(|(ka, a), (kb, b)| (ka, a.len(), a).cmp(&(kb, b.len(), b)));
    found.dedup();
    Ok(found
        .into_iter()
        .map(|(_, name)| name)
        .filter(|name| name != MAIN && zip.index_for_name(name).is_some())
        .collect())
}

fn read_part(
    out: &mut Extractor,
    name: &str,
    src: &str,
    opts: &ExtractOptions,
) -> Result<(), ExtractError> {
    let doc =
        xml::parse(src, "DOCX").map_err(|e| ExtractError::new(format!("{name}: {}", e.message)))?;
    let root = doc.root_element();
    if name == MAIN && root.tag_name().name() != "document" {
        return Err(ExtractError::new(format!(
            "{MAIN}: the root element is <{}>, not <w:document>: not a DOCX",
            root.tag_name().name()
        )));
    }
    if too_deep(root, MAX_DEPTH) {
        return Err(ExtractError::new(format!(
            "{name}: elements nest more than {MAX_DEPTH} deep"
        )));
    }
    let mut reader = Part {
        out,
        name,
        original: opts.revision == Revision::Original,
        fields: Vec::new(),
    };
    reader.blocks(root);
    Ok(())
}

/// What a field is reading: its code, then its result.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Code,
    Result,
}

/// A paragraph's characters: (character, source offset, length there or 0, address).
type Chars = Vec<(char, usize, usize, u32)>;

struct Part<'r, 's, 'n> {
    out: &'r mut Extractor<'s>,
    name: &'n str,
    original: bool,
    /// The fields open, outermost first (a field may span paragraphs).
    fields: Vec<Field>,
}

/// Elements that hold no text to read: properties (`w:pPr`, `w:rPr`, `w:sectPr`, …),
/// fallbacks for older readers, field codes, ruby text.
fn skipped(n: Node) -> bool {
    let name = n.tag_name().name();
    name.ends_with("Pr") || matches!(name, "Fallback" | "instrText" | "delInstrText" | "rt")
}

impl<'a, 'i> Part<'_, '_, '_> {
    /// Whether a tracked change is left out of the view read.
    fn dropped(&self, n: Node) -> bool {
        match n.tag_name().name() {
            "del" | "moveFrom" => !self.original,
            "ins" | "moveTo" => self.original,
            _ => false,
        }
    }

    /// Reads the paragraphs in `n` (a body, a table, a note, a text box).
    fn blocks(&mut self, n: Node<'a, 'i>) {
        for c in n.children().filter(Node::is_element) {
            if skipped(c) || self.dropped(c) {
                continue;
            }
            match c.tag_name().name() {
                "p" => self.paragraph(c),
                "footnote" | "endnote"
                    if matches!(
                        attribute(c, "type"),
                        Some("separator" | "continuationSeparator" | "continuationNotice")
                    ) => {}
                _ => self.blocks(c),
            }
        }
    }

    fn paragraph(&mut self, p: Node<'a, 'i>) {
        let address = self.out.address(Address {
            element: "w:p".to_string(),
            id: attribute(p, "paraId").map(str::to_string),
            path: xml::path(p),
            part: Some(self.name.to_string()),
            page: None,
            bbox: None,
            line_bbox: None,
        });
        let mut chars = Chars::new();
        let mut boxes = Vec::new();
        self.inline(p, address, &mut chars, &mut boxes);
        if let Some(&(_, at, _, _)) = chars.first()
            && chars.iter().any(|c| !c.0.is_whitespace())
        {
            self.out.separate("\n\n", at, address);
            push_chars(self.out, &chars);
        }
        for b in boxes {
            self.blocks(b);
        }
    }

    fn hidden(&self) -> bool {
        self.fields.contains(&Field::Code)
    }

    fn inline(
        &mut self,
        n: Node<'a, 'i>,
        address: u32,
        chars: &mut Chars,
        boxes: &mut Vec<Node<'a, 'i>>,
    ) {
        for c in n.children().filter(Node::is_element) {
            if skipped(c) || self.dropped(c) {
                continue;
            }
            let at = c.range().start;
            let made = match c.tag_name().name() {
                "fldChar" => {
                    match attribute(c, "fldCharType") {
                        Some("begin") => self.fields.push(Field::Code),
                        Some("separate") => {
                            if let Some(f) = self.fields.last_mut() {
                                *f = Field::Result;
                            }
                        }
                        Some("end") => {
                            self.fields.pop();
                        }
                        _ => {}
                    }
                    None
                }
                // Elements that hold text or stand for it, not read in a field's code.
                "t" | "delText" | "tab" | "ptab" | "br" | "cr" | "noBreakHyphen" | "sym"
                | "drawing" | "pict" | "object" | "txbxContent"
                    if self.hidden() =>
                {
                    None
                }
                "t" | "delText" => {
                    let from = chars.len();
                    for text in c.children().filter(Node::is_text) {
                        let decoded = decode(self.out.src, text);
                        chars.extend(
                            decoded
                                .into_iter()
                                .map(|(c, at, len)| (c, at, len, address)),
                        );
                    }
                    // Without xml:space="preserve", whitespace at the ends is not text.
                    if c.attribute((XML_NS, "space")) != Some("preserve") {
                        let space =
                            |c: &(char, usize, usize, u32)| matches!(c.0, ' ' | '\t' | '\n' | '\r');
                        let end = chars[from..].iter().rposition(|c| !space(c));
                        chars.truncate(end.map_or(from, |k| from + k + 1));
                        let start = chars[from..].iter().position(|c| !space(c));
                        chars.drain(from..start.map_or(chars.len(), |k| from + k));
                    }
                    None
                }
                "tab" | "ptab" => Some('\t'),
                "br" | "cr" => Some('\n'),
                "noBreakHyphen" => Some('\u{2011}'),
                "sym" => attribute(c, "char")
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .and_then(char::from_u32),
                "softHyphen"
                | "footnoteReference"
                | "endnoteReference"
                | "footnoteRef"
                | "endnoteRef"
                | "separator"
                | "continuationSeparator" => None,
                "drawing" | "pict" | "object" => {
                    text_boxes(c, boxes);
                    None
                }
                "txbxContent" => {
                    boxes.push(c);
                    None
                }
                _ => {
                    self.inline(c, address, chars, boxes);
                    None
                }
            };
            if let Some(m) = made {
                chars.push((m, at, 0, address));
            }
        }
    }
}

/// The text boxes in a drawing: their `w:txbxContent`, outside `mc:Fallback`, outermost.
fn text_boxes<'a, 'i>(n: Node<'a, 'i>, boxes: &mut Vec<Node<'a, 'i>>) {
    for c in n.children().filter(Node::is_element) {
        if c.tag_name().name() == "Fallback" {
            continue;
        }
        if c.tag_name().name() == "txbxContent" {
            boxes.push(c);
        } else {
            text_boxes(c, boxes);
        }
    }
}

/// Whether the bytes are a ZIP archive holding `word/document.xml`: a name of its central
/// directory, or, when the directory cannot be read (a truncated file), of a local header.
pub(super) fn is_docx(bytes: &[u8]) -> bool {
    if !bytes.starts_with(b"PK\x03\x04") {
        return false;
    }
    match central_names(bytes) {
        Some(names) => names.iter().any(|n| *n == MAIN.as_bytes()),
        None => memchr::memmem::find(bytes, MAIN.as_bytes()).is_some(),
    }
}

/// The entry names of a ZIP archive's central directory, or `None` when it cannot be found
/// or read (a truncated file, ZIP64).
fn central_names(bytes: &[u8]) -> Option<Vec<&[u8]>> {
    let u16_at = |at: usize| -> Option<usize> {
        Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?) as usize)
    };
    let u32_at = |at: usize| -> Option<usize> {
        Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?) as usize)
    };
    // The end record is in the last 22 bytes plus a comment of at most 64 KiB.
    let tail = bytes.len().saturating_sub(22 + 0xFFFF);
    let end = tail + memchr::memmem::rfind(&bytes[tail..], b"PK\x05\x06")?;
    let (count, start) = (u16_at(end + 10)?, u32_at(end + 16)?);
    let mut names = Vec::with_capacity(count);
    let mut at = start;
    for _ in 0..count {
        if bytes.get(at..at + 4)? != b"PK\x01\x02" {
            return None;
        }
        let (name_len, extra, comment) = (u16_at(at + 28)?, u16_at(at + 30)?, u16_at(at + 32)?);
        names.push(bytes.get(at + 46..at + 46 + name_len)?);
        at += 46 + name_len + extra + comment;
    }
    Some(names)
}
