//! TEI P5: the text of each `<text>` (front, body, back, nested groups), not the
//! `teiHeader`.
//!
//! witness's reading:
//! - Blocks: `p`, `head`, `l`, `ab`, `item`, `label`, `speaker`, `stage`, `row` and the
//!   like, and containers (`div`, `lg`, `list`, `sp`, `table`, `opener`, `closer`, …) are
//!   separated by a blank line; consecutive `l` siblings (the lines of an `lg`) and `row`
//!   siblings by a line feed. Cells of a row are separated by a tab.
//! - Whitespace within a block is collapsed as TEI processors do: a run of XML whitespace
//!   becomes one space, and none at the block's edges or next to a line break. A run that
//!   holds a line feed between two CJK characters is removed (the source's line wrapping,
//!   as CSS removes a segment break between East Asian characters).
//! - `<lb/>` is a line feed; `<pb/>`, `<cb/>` and `<milestone/>` are read as nothing (the
//!   whitespace around them, if any, separates the words). With `break="no"` any of them
//!   joins the word: the whitespace around it is dropped.
//! - `<choice>`: the editorial reading by default (`corr`, `expan`, `reg`, `ex`), the
//!   diplomatic one with [`Reading::Diplomatic`] (`sic`, `abbr`, `orig`, `am`); a choice
//!   without the reading asked for is read by its first child. `<app>`: its `lem`, else its
//!   first `rdg`.
//! - `<del>` is dropped and `<add>` kept (the text as revised); [`Revision::Original`] keeps
//!   `del` and drops `add`. `delSpan`/`addSpan` (spans to an anchor) are not followed.
//! - `<note>` is left out of the running text; with [`ExtractOptions::notes`] it is read in
//!   place, set off by spaces, its paragraphs run together.
//! - Left out: `fw` (running heads, catchwords), `figDesc`, `facsimile`, `sourceDoc`,
//!   `standOff`, and the apparatus of links and interpretations (`interp`, `link`, `span`,
//!   `index`, `certainty`, …).
//! - Addresses: the block element the text is in (its local name, `xml:id`, path).
//!
//! The helpers [`decode`] and [`push_chars`] map decoded text nodes character by character;
//! the DOCX reader uses them too.

use std::collections::HashMap;

use roxmltree::{Node, NodeId};

use super::xml::{self, attribute, is};
use super::{ExtractError, ExtractOptions, Extractor, Reading, Revision};
use crate::chars::is_cjk;

pub(super) fn read(out: &mut Extractor, opts: &ExtractOptions) -> Result<(), ExtractError> {
    let src = out.src;
    let doc = xml::parse(src, "TEI")?;
    let root = doc.root_element();
    let name = root.tag_name().name();
    if name != "TEI" && name != "teiCorpus" {
        return Err(ExtractError::new(format!(
            "the root element is <{name}>, not <TEI> or <teiCorpus>: not TEI"
        )));
    }
    if too_deep(root, MAX_DEPTH) {
        return Err(ExtractError::new(format!(
            "elements nest more than {MAX_DEPTH} deep"
        )));
    }
    let texts: Vec<Node> = root
        .descendants()
        .filter(|n| is(*n, "text") && !n.ancestors().skip(1).any(|a| is(a, "text")))
        .collect();
    if texts.is_empty() {
        return Err(ExtractError::new(
            "has no <text> element: a TEI header without a text?".to_string(),
        ));
    }
    let mut reader = Reader {
        out,
        opts,
        items: Vec::new(),
        owner: None,
        previous: None,
        addresses: HashMap::new(),
        inline: 0,
    };
    for text in texts {
        reader.block(text);
    }
    if reader.out.text().trim().is_empty() {
        return Err(ExtractError::new(
            "has no text: its <text> holds no words (an empty transcription?)".to_string(),
        ));
    }
    Ok(())
}

/// Deeper nesting than this is not read (it would only be there to exhaust the stack).
const MAX_DEPTH: usize = 512;

/// Whether elements nest more than `limit` deep under `root`.
pub(super) fn too_deep(root: Node, limit: usize) -> bool {
    // The open elements, outermost first, as the document-order walk goes.
    let mut open: Vec<Node> = Vec::new();
    for n in root.descendants().filter(Node::is_element) {
        while open.last().is_some_and(|o| Some(*o) != n.parent()) {
            open.pop();
        }
        open.push(n);
        if open.len() > limit {
            return true;
        }
    }
    false
}

/// What an element is to the reading.
enum Kind {
    /// Not read at all.
    Skip,
    /// Starts a block of its own (and ends it).
    Block,
    /// Read in the running text.
    Inline,
    LineBreak,
    /// `pb`, `cb`, `milestone`: nothing, unless `break="no"`.
    Milestone,
    Choice,
    App,
    Cell,
}

fn kind(n: Node, opts: &ExtractOptions) -> Kind {
    let revised = opts.revision == Revision::Revised;
    match n.tag_name().name() {
        "teiHeader" | "fw" | "figDesc" | "facsimile" | "sourceDoc" | "standOff" | "interp"
        | "interpGrp" | "span" | "spanGrp" | "link" | "linkGrp" | "join" | "joinGrp" | "alt"
        | "altGrp" | "index" | "certainty" | "precision" | "respons" | "witDetail" | "metamark"
        | "fsdDecl" | "fs" | "delSpan" | "addSpan" | "anchor" | "gap" | "space" | "graphic"
        | "binaryObject" => Kind::Skip,
        "note" if !opts.notes => Kind::Skip,
        "del" if revised => Kind::Skip,
        "add" if !revised => Kind::Skip,
        "lb" => Kind::LineBreak,
        "pb" | "cb" | "milestone" => Kind::Milestone,
        "choice" => Kind::Choice,
        "app" => Kind::App,
        "cell" => Kind::Cell,
        "text" | "front" | "body" | "back" | "group" | "floatingText" | "div" | "div1" | "div2"
        | "div3" | "div4" | "div5" | "div6" | "div7" | "p" | "ab" | "head" | "lg" | "l"
        | "list" | "item" | "label" | "sp" | "speaker" | "stage" | "table" | "row"
        | "titlePage" | "docTitle" | "titlePart" | "docAuthor" | "docEdition" | "docImprint"
        | "docDate" | "byline" | "dateline" | "argument" | "epigraph" | "opener" | "closer"
        | "salute" | "signed" | "postscript" | "trailer" | "castList" | "castGroup"
        | "castItem" | "listBibl" | "figure" | "lg1" | "div0" | "listPerson" | "listPlace"
        | "entry" | "sense" | "u" => Kind::Block,
        _ => Kind::Inline,
    }
}

/// A character of the text, or a mark where the text breaks or joins.
#[derive(Debug, Clone, Copy)]
enum Item {
    /// A character; `len` is its length in the source when it is written there as it is
    /// (0 for an entity, a line end, a space the reader made).
    Char {
        c: char,
        at: usize,
        len: usize,
        address: u32,
    },
    /// Between words, what the gap becomes unless something stronger is in it: a line feed
    /// (`lb`), a tab (between cells), nothing (`break="no"`).
    Gap {
        gap: GapKind,
        at: usize,
        address: u32,
    },
}

/// Gap marks, weakest first: the strongest in a gap decides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum GapKind {
    Tab,
    LineFeed,
    Join,
}

fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

struct Reader<'r, 'o, 's, 'a, 'i> {
    out: &'r mut Extractor<'s>,
    opts: &'o ExtractOptions,
    /// The block being read.
    items: Vec<Item>,
    /// The element the block's text is addressed to.
    owner: Option<Node<'a, 'i>>,
    /// The last block written.
    previous: Option<Node<'a, 'i>>,
    addresses: HashMap<NodeId, u32>,
    /// Depth of notes read in place: their blocks run in the text.
    inline: usize,
}

impl<'a, 'i> Reader<'_, '_, '_, 'a, 'i> {
    fn address(&mut self, n: Node) -> u32 {
        if let Some(&a) = self.addresses.get(&n.id()) {
            return a;
        }
        let a = self.out.address(xml::address(n, None));
        self.addresses.insert(n.id(), a);
        a
    }

    /// Reads a block element: what came before ends, its content is a block addressed to
    /// it (its nested blocks are blocks of their own).
    fn block(&mut self, n: Node<'a, 'i>) {
        let outer = self.owner;
        self.flush();
        self.owner = Some(n);
        self.content(n);
        self.flush();
        self.owner = outer;
    }

    fn content(&mut self, n: Node<'a, 'i>) {
        for c in n.children() {
            if c.is_text() {
                let Some(owner) = self.owner else { continue };
                let address = self.address(owner);
                for (c, at, len) in decode(self.out.src, c) {
                    self.items.push(Item::Char {
                        c,
                        at,
                        len,
                        address,
                    });
                }
            } else if c.is_element() {
                self.element(c);
            }
        }
    }

    fn gap(&mut self, gap: GapKind, at: usize) {
        if let Some(owner) = self.owner {
            let address = self.address(owner);
            self.items.push(Item::Gap { gap, at, address });
        }
    }

    /// A space the reader makes (around a note read in place).
    fn space(&mut self, at: usize) {
        if let Some(owner) = self.owner {
            let address = self.address(owner);
            self.items.push(Item::Char {
                c: ' ',
                at,
                len: 0,
                address,
            });
        }
    }

    fn element(&mut self, n: Node<'a, 'i>) {
        let no_break = attribute(n, "break") == Some("no");
        match kind(n, self.opts) {
            Kind::Skip => {}
            Kind::Block if self.inline > 0 => {
                self.space(n.range().start);
                self.content(n);
                self.space(n.range().end - 1);
            }
            Kind::Block => self.block(n),
            Kind::Inline if is(n, "note") => {
                // A note read in place: its own address, its blocks run together.
                let outer = self.owner;
                self.space(n.range().start);
                self.owner = Some(n);
                self.inline += 1;
                self.content(n);
                self.inline -= 1;
                self.owner = outer;
                self.space(n.range().end - 1);
            }
            Kind::Inline => self.content(n),
            Kind::LineBreak if no_break => self.gap(GapKind::Join, n.range().start),
            Kind::LineBreak => self.gap(GapKind::LineFeed, n.range().start),
            Kind::Milestone if no_break => self.gap(GapKind::Join, n.range().start),
            Kind::Milestone => {}
            Kind::Cell => {
                let first = !n
                    .prev_siblings()
                    .skip(1)
                    .any(|s| s.is_element() && is(s, "cell"));
                if !first {
                    self.gap(GapKind::Tab, n.range().start);
                }
                self.content(n);
            }
            Kind::Choice => {
                let preferred: &[&str] = match self.opts.reading {
                    Reading::Editorial => &["corr", "expan", "reg", "ex"],
                    Reading::Diplomatic => &["sic", "abbr", "orig", "am"],
                };
                let readings: Vec<Node> = n.children().filter(Node::is_element).collect();
                let chosen = readings
                    .iter()
                    .find(|r| preferred.contains(&r.tag_name().name()))
                    .or(readings.first());
                if let Some(&r) = chosen {
                    self.element(r);
                }
            }
            Kind::App => {
                let readings: Vec<Node> = n
                    .children()
                    .filter(|r| is(*r, "lem") || is(*r, "rdg"))
                    .collect();
                let chosen = readings
                    .iter()
                    .find(|r| is(**r, "lem"))
                    .or(readings.first());
                if let Some(&r) = chosen {
                    self.element(r);
                }
            }
        }
    }

    /// Writes the block read so far, whitespace collapsed, after its separator.
    fn flush(&mut self) {
        let items = std::mem::take(&mut self.items);
        let Some(owner) = self.owner else { return };
        let mut chars: Vec<(char, usize, usize, u32)> = Vec::with_capacity(items.len());
        // The gap being read: where it starts (the first whitespace or mark), the strongest
        // mark in it, whether it holds a line end.
        let mut gap: Option<Gap> = None;
        for item in items {
            match item {
                Item::Char {
                    c,
                    at,
                    len,
                    address,
                } if is_xml_space(c) => {
                    let g = gap.get_or_insert(Gap {
                        space: (at, len, address),
                        mark: None,
                        line_end: false,
                    });
                    g.line_end |= c == '\n' || c == '\r';
                }
                Item::Gap {
                    gap: kind,
                    at,
                    address,
                } => {
                    let g = gap.get_or_insert(Gap {
                        space: (at, 0, address),
                        mark: None,
                        line_end: false,
                    });
                    if g.mark.is_none_or(|(k, _, _)| kind > k) {
                        g.mark = Some((kind, at, address));
                    }
                }
                Item::Char {
                    c,
                    at,
                    len,
                    address,
                } => {
                    if let Some(g) = gap.take()
                        && let Some(&(before, ..)) = chars.last()
                    {
                        match g.mark {
                            Some((GapKind::Join, ..)) => {}
                            Some((GapKind::LineFeed, at, address)) => {
                                chars.push(('\n', at, 0, address));
                            }
                            Some((GapKind::Tab, at, address)) => chars.push(('\t', at, 0, address)),
                            None if g.line_end && is_cjk(before) && is_cjk(c) => {}
                            None => {
                                let (at, len, address) = g.space;
                                // A space written as one is kept as it is.
                                let len = match self.out.src.as_bytes().get(at) {
                                    Some(b' ') if len == 1 => 1,
                                    _ => 0,
                                };
                                chars.push((' ', at, len, address));
                            }
                        }
                    }
                    chars.push((c, at, len, address));
                }
            }
        }
        let Some(&(_, at, _, address)) = chars.first() else {
            return;
        };
        let lines = |n: Option<Node>| n.is_some_and(|n| is(n, "l") || is(n, "row"));
        let sep = match self.previous {
            Some(p)
                if lines(Some(p))
                    && lines(Some(owner))
                    && p.tag_name().name() == owner.tag_name().name()
                    && p.parent() == owner.parent() =>
            {
                "\n"
            }
            _ => "\n\n",
        };
        self.out.separate(sep, at, address);
        push_chars(self.out, &chars);
        self.previous = Some(owner);
    }
}

struct Gap {
    space: (usize, usize, u32),
    mark: Option<(GapKind, usize, u32)>,
    line_end: bool,
}

/// The characters of a text node, decoded (entity and character references, CDATA
/// sections, line ends), each with its offset in the source and its length there when it is
/// written there as it is (0 when it is not: an entity, a line end read as a line feed).
/// When the parser reads the node otherwise (an entity from a DTD), its characters all
/// point at the node's start.
pub(super) fn decode(src: &str, node: Node) -> Vec<(char, usize, usize)> {
    let expected = node.text().unwrap_or("");
    let range = node.range();
    // The parser's range of a text node that runs into a CDATA section covers its first
    // stretch only: the node runs to the next markup that is not CDATA.
    let mut end = range.start;
    while let Some(k) = src.get(end..).and_then(|rest| rest.find('<')) {
        end += k;
        if !src[end..].starts_with("<![CDATA[") {
            break;
        }
        match src[end..].find("]]>") {
            Some(close) => end += close + 3,
            None => break,
        }
    }
    let range = range.start..end.max(range.end);
    if let Some(chars) = decode_raw(src, range.clone())
        && chars.iter().map(|c| c.0).eq(expected.chars())
    {
        return chars;
    }
    expected.chars().map(|c| (c, range.start, 0)).collect()
}

fn decode_raw(src: &str, range: std::ops::Range<usize>) -> Option<Vec<(char, usize, usize)>> {
    let raw = src.get(range.clone())?;
    let mut out = Vec::with_capacity(raw.len());
    let mut cdata = false;
    let mut k = 0;
    while k < raw.len() {
        let at = range.start + k;
        let rest = &raw[k..];
        if cdata {
            if rest.starts_with("]]>") {
                cdata = false;
                k += 3;
                continue;
            }
        } else if rest.starts_with("<![CDATA[") {
            cdata = true;
            k += 9;
            continue;
        } else if rest.starts_with('&') {
            let semi = rest.find(';')?;
            let c = xml::reference(&rest[1..semi])?;
            out.push((c, at, 0));
            k += semi + 1;
            continue;
        }
        let c = rest.chars().next()?;
        if c == '\r' {
            // A line end read as a line feed (CR LF as one).
            out.push(('\n', at, 0));
            k += if rest.starts_with("\r\n") { 2 } else { 1 };
            continue;
        }
        out.push((c, at, c.len_utf8()));
        k += c.len_utf8();
    }
    Some(out)
}

/// Appends characters with their sources: runs written as they are in the source become
/// verbatim pieces, the others pieces of their own.
pub(super) fn push_chars(out: &mut Extractor, chars: &[(char, usize, usize, u32)]) {
    let mut k = 0;
    while k < chars.len() {
        let (c, at, len, address) = chars[k];
        if len == 0 {
            out.push_made(c.encode_utf8(&mut [0; 4]), at, address);
            k += 1;
            continue;
        }
        let mut end = at + len;
        k += 1;
        while let Some(&(_, next, len, a)) = chars.get(k)
            && len > 0
            && next == end
            && a == address
        {
            end += len;
            k += 1;
        }
        out.push_verbatim(at..end, address);
    }
}
