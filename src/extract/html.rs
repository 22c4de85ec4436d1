//! HTML (any version, and XHTML): the text a browser shows, in document order.
//!
//! The file is tokenized by html5gum (a WHATWG tokenizer that keeps each token's source
//! span); a small tree builder then applies the end tags HTML leaves implied (a `<p>` closed
//! by the next block, `<li>` by the next item, table rows and cells, ruby annotations).
//! There is no `<html>`/`<body>` inference: element paths are of the tags as written.
//!
//! witness's reading:
//! - Dropped, as a browser shows nothing of them: `head` (with its `title`), `title`,
//!   `script`, `style`, `template`, `noscript` (a browser with scripting on does not show
//!   it), `iframe` (its content is fallback markup), and any element with a `hidden`
//!   attribute or `display:none` in its `style`. Comments and attributes (`alt`, `title`)
//!   are not read.
//! - Block elements (`p`, `div`, `h1`…`h6`, `li`, `blockquote`, `section`, `article`, `tr`,
//!   `pre`, …) are paragraphs: a blank line between them. Table cells in a row are joined by
//!   a space; `<br>` is a line feed (each one; two make a blank line).
//! - Whitespace is collapsed as a browser does it: a run of ASCII whitespace inside text is
//!   one space, none at the start or end of a block or line. A run that holds a line break
//!   between two East Asian wide characters (ideographs, kana, fullwidth punctuation) is
//!   removed, as CSS Text says, so Chinese wrapped across source lines reads unbroken.
//!   `pre`, `listing`, `xmp`, `plaintext` and `textarea` keep their whitespace (less a line
//!   feed right after the start tag).
//! - Ruby: the base text is read in place; annotations (`rt`, `rtc`) and their fallback
//!   parentheses (`rp`) are left out of the text, so that an annotated and a plain witness
//!   compare equal; how many annotations were left out is reported as a warning.
//! - Character references (named, numeric) are decoded, each mapped to its `&`; text is
//!   mapped character for character. Each piece's address is the enclosing block element:
//!   its name, `id` and path (e.g. `/html/body/div[2]/p[3]`).

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

use html5gum::{DefaultEmitter, State, Token, Tokenizer};

use super::{Address, ExtractError, ExtractOptions, Extractor, NO_ADDRESS};

pub(super) fn read(out: &mut Extractor, _: &ExtractOptions) -> Result<(), ExtractError> {
    let tree = Tree::parse(out.src);
    let mut reader = Reader {
        tree: &tree,
        flow: Flow::default(),
        addresses: HashMap::new(),
        annotations: 0,
        first_annotation: None,
    };
    reader.read(out);
    if let Some(at) = reader.first_annotation {
        let (line, column) = line_column(out.src, at);
        out.warn(format!(
            "ruby annotations (<rt>) are not read: {} left out, the first at line {line}, column {column}",
            reader.annotations
        ));
    }
    if out.text().trim().is_empty() {
        return Err(ExtractError::new(
            "has no visible text (only markup, or text in head, script or style)".to_string(),
        ));
    }
    Ok(())
}

/// Elements whose content a browser does not show.
const DROPPED: &[&str] = &[
    "head", "title", "script", "style", "template", "noscript", "iframe",
];

/// Elements that are paragraphs of their own: a blank line before and after.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "html",
    "legend",
    "li",
    "listing",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "plaintext",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "textarea",
    "tfoot",
    "thead",
    "tr",
    "ul",
    "xmp",
];

/// Elements that keep their whitespace.
const PRE: &[&str] = &["pre", "listing", "xmp", "plaintext", "textarea"];

/// Elements that have no content (no end tag).
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param",
    "source", "track", "wbr",
];

/// Start tags that close an open `p`.
const CLOSES_P: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dd",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "li",
    "listing",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "plaintext",
    "pre",
    "section",
    "summary",
    "table",
    "ul",
    "xmp",
];

/// Elements an implied end tag does not look past.
const SCOPE: &[&str] = &[
    "applet", "button", "caption", "html", "marquee", "object", "table", "td", "template", "th",
];

/// The open elements, innermost last (the document at the bottom), and how many of each
/// name are open (so that looking for one that is not open costs nothing).
struct Open {
    stack: Vec<usize>,
    count: HashMap<String, usize>,
}

impl Open {
    fn push(&mut self, name: &str, node: usize) {
        *self.count.entry(name.to_string()).or_default() += 1;
        self.stack.push(node);
    }

    fn has(&self, name: &str) -> bool {
        self.count.get(name).is_some_and(|&n| n > 0)
    }
}

/// One node of the tree: the document, an element, or a run of text.
pub(super) struct Node {
    pub(super) kind: Kind,
    parent: usize,
    pub(super) children: Vec<usize>,
    /// From the start tag's `<` to the end tag's `>` (or to where the element was closed
    /// implicitly); for text, its raw source.
    pub(super) range: Range<usize>,
    /// Where the element's content ends: its end tag's `<`, or where it was closed.
    close: usize,
    /// Its 1-based position among its same-named siblings, and how many they are.
    nth: (usize, usize),
}

pub(super) enum Kind {
    Document,
    Element {
        /// The lowercase tag name.
        name: String,
        attributes: Vec<(String, String)>,
    },
    /// Decoded text (as the tokenizer reads it).
    Text(String),
}

/// An HTML document as a tree of elements, built from the tokens with the end tags HTML
/// leaves implied. Node 0 is the document; a node comes after its ancestors.
pub(super) struct Tree {
    pub(super) nodes: Vec<Node>,
}

impl Tree {
    pub(super) fn parse(src: &str) -> Tree {
        let mut tree = Tree {
            nodes: vec![Node {
                kind: Kind::Document,
                parent: 0,
                children: Vec::new(),
                range: 0..src.len(),
                close: src.len(),
                nth: (1, 1),
            }],
        };
        let mut open = Open {
            stack: vec![0],
            count: HashMap::new(),
        };
        // Where the last tag ended: text cannot start before it.
        let mut last_end = 0;
        let mut tokens = Tokenizer::new_with_emitter(src, DefaultEmitter::<usize>::new_with_span());
        while let Some(Ok(token)) = tokens.next() {
            match token {
                Token::StartTag(tag) => {
                    let name = String::from_utf8_lossy(&tag.name).into_owned();
                    let span = tag.span.start..tag.span.end;
                    last_end = span.end;
                    tree.imply_end_tags(&mut open, &name, span.start);
                    let attributes = tag
                        .attributes
                        .iter()
                        .map(|(k, v)| {
                            (
                                String::from_utf8_lossy(k).into_owned(),
                                String::from_utf8_lossy(&v.value).into_owned(),
                            )
                        })
                        .collect();
                    let parent = open.stack.last().copied().unwrap_or(0);
                    let node = tree.add(parent, Kind::Element { name, attributes }, span);
                    if !(tag.self_closing || VOID.contains(&tree.name(node))) {
                        open.push(tree.name(node), node);
                        if let Some(state) = content_state(tree.name(node)) {
                            tokens.set_state(state);
                        }
                    }
                }
                Token::EndTag(tag) => {
                    let span = tag.span.start..tag.span.end;
                    last_end = span.end;
                    let name = String::from_utf8_lossy(&tag.name).into_owned();
                    let found = match open.has(&name) {
                        true => open.stack.iter().rposition(|&n| tree.name(n) == name),
                        false => None,
                    };
                    match found {
                        Some(k) => {
                            let element = open.stack[k];
                            tree.close_from(&mut open, k, span.start);
                            tree.nodes[element].range.end = span.end;
                        }
                        // `</br>` is a `<br>`, and `</p>` with no `p` open an empty `p`.
                        None if name == "br" || name == "p" => {
                            let parent = open.stack.last().copied().unwrap_or(0);
                            let kind = Kind::Element {
                                name,
                                attributes: Vec::new(),
                            };
                            tree.add(parent, kind, span);
                        }
                        None => {}
                    }
                }
                Token::String(text) => {
                    let start = text.span.start.max(last_end);
                    let span = start..text.span.end.max(start);
                    let value = String::from_utf8_lossy(&text.value).into_owned();
                    let parent = open.stack.last().copied().unwrap_or(0);
                    tree.add(parent, Kind::Text(value), span);
                }
                Token::Comment(c) => last_end = c.span.end,
                Token::Doctype(d) => last_end = d.span.end,
                Token::Error(_) => {}
            }
        }
        tree.close_from(&mut open, 1, src.len());
        tree.number_siblings();
        tree
    }

    /// Sets each element's position among its same-named siblings.
    fn number_siblings(&mut self) {
        for parent in 0..self.nodes.len() {
            let mut seen: HashMap<&str, usize> = HashMap::new();
            let children = &self.nodes[parent].children;
            let mut nth = Vec::with_capacity(children.len());
            for &c in children {
                let k = seen.entry(self.name(c)).or_default();
                *k += 1;
                nth.push((c, *k));
            }
            let counts: Vec<usize> = nth
                .iter()
                .map(|&(c, _)| seen.get(self.name(c)).copied().unwrap_or(1))
                .collect();
            for ((c, k), of) in nth.into_iter().zip(counts) {
                self.nodes[c].nth = (k, of);
            }
        }
    }

    fn add(&mut self, parent: usize, kind: Kind, span: Range<usize>) -> usize {
        let node = self.nodes.len();
        self.nodes.push(Node {
            kind,
            parent,
            children: Vec::new(),
            close: span.end,
            range: span,
            nth: (1, 1),
        });
        self.nodes[parent].children.push(node);
        node
    }

    /// Closes the open elements from `open[k]` up, at `at`.
    fn close_from(&mut self, open: &mut Open, k: usize, at: usize) {
        let k = k.max(1);
        for &n in open.stack.get(k..).unwrap_or_default() {
            self.nodes[n].close = at;
            self.nodes[n].range.end = at;
            if let Some(count) = open.count.get_mut(self.name(n)) {
                *count = count.saturating_sub(1);
            }
        }
        open.stack.truncate(k);
    }

    /// Closes the innermost open element named in `names`, unless one named in `scope` is
    /// open inside it.
    fn close_open(&mut self, open: &mut Open, names: &[&str], scope: &[&str], at: usize) {
        if !names.iter().any(|n| open.has(n)) {
            return;
        }
        for k in (1..open.stack.len()).rev() {
            let name = self.name(open.stack[k]);
            if names.contains(&name) {
                self.close_from(open, k, at);
                return;
            }
            if scope.contains(&name) {
                return;
            }
        }
    }

    /// The end tags a start tag `name` implies.
    fn imply_end_tags(&mut self, open: &mut Open, name: &str, at: usize) {
        if CLOSES_P.contains(&name) {
            self.close_open(open, &["p"], SCOPE, at);
        }
        let headings = ["h1", "h2", "h3", "h4", "h5", "h6"];
        match name {
            _ if headings.contains(&name) => {
                if let Some(&top) = open.stack.last()
                    && headings.contains(&self.name(top))
                {
                    self.close_from(open, open.stack.len() - 1, at);
                }
            }
            "li" => self.close_open(open, &["li"], &[SCOPE, &["ol", "ul", "menu"]].concat(), at),
            "dd" | "dt" => self.close_open(open, &["dd", "dt"], &[SCOPE, &["dl"]].concat(), at),
            "tr" => self.close_open(
                open,
                &["tr"],
                &["table", "tbody", "thead", "tfoot", "html", "template"],
                at,
            ),
            "td" | "th" => self.close_open(
                open,
                &["td", "th"],
                &["tr", "table", "html", "template"],
                at,
            ),
            "tbody" | "thead" | "tfoot" => self.close_open(
                open,
                &["tbody", "thead", "tfoot"],
                &["table", "html", "template"],
                at,
            ),
            "option" => self.close_open(open, &["option"], &["select", "datalist", "html"], at),
            "optgroup" => self.close_open(open, &["option", "optgroup"], &["select", "html"], at),
            "rt" | "rp" => self.close_open(open, &["rt", "rp"], &["ruby", "html"], at),
            _ => {}
        }
    }

    /// An element's tag name; empty for the document and text.
    pub(super) fn name(&self, node: usize) -> &str {
        match &self.nodes[node].kind {
            Kind::Element { name, .. } => name,
            _ => "",
        }
    }

    /// An element's attribute (names are lowercase).
    pub(super) fn attribute(&self, node: usize, name: &str) -> Option<&str> {
        match &self.nodes[node].kind {
            Kind::Element { attributes, .. } => attributes
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str()),
            _ => None,
        }
    }

    /// The element's path from the top: tag names, each with its 1-based position among its
    /// same-named siblings when it has any.
    pub(super) fn path(&self, node: usize) -> String {
        let mut steps = Vec::new();
        let mut n = node;
        while n != 0 {
            let name = self.name(n);
            match self.nodes[n].nth {
                (k, of) if of > 1 => steps.push(format!("{name}[{k}]")),
                _ => steps.push(name.to_string()),
            }
            n = self.nodes[n].parent;
        }
        steps.reverse();
        format!("/{}", steps.join("/"))
    }

    /// The address of an element, named `element` (its tag, or an hOCR class).
    pub(super) fn address(&self, node: usize, element: &str, bbox: Option<[i64; 4]>) -> Address {
        Address {
            element: element.to_string(),
            id: self.attribute(node, "id").map(str::to_string),
            path: self.path(node),
            part: None,
            page: None,
            bbox,
            line_bbox: None,
        }
    }

    /// Whether a browser shows nothing of the element.
    pub(super) fn hidden(&self, node: usize) -> bool {
        DROPPED.contains(&self.name(node))
            || self.attribute(node, "hidden").is_some()
            || self.attribute(node, "style").is_some_and(|style| {
                let style: String = style.chars().filter(|c| !c.is_ascii_whitespace()).collect();
                style.to_ascii_lowercase().contains("display:none")
            })
    }

    /// The pieces of a text node: runs of the source as they are, and what the reader made
    /// (a character reference's expansion, a line feed for a CR).
    pub(super) fn segments<'s>(&'s self, src: &'s str, node: usize) -> Vec<Segment<'s>> {
        let Kind::Text(value) = &self.nodes[node].kind else {
            return Vec::new();
        };
        let raw = self.nodes[node].range.clone();
        let whole = || {
            vec![Segment {
                text: Cow::Borrowed(value.as_str()),
                at: raw.start,
                verbatim: false,
            }]
        };
        let Some(source) = src.get(raw.clone()) else {
            return whole();
        };
        let bytes = source.as_bytes();
        let mut out = Vec::new();
        let (mut at, mut run) = (0, 0);
        let verbatim = |out: &mut Vec<Segment<'s>>, r: Range<usize>| {
            if !r.is_empty() {
                out.push(Segment {
                    text: Cow::Borrowed(&source[r.clone()]),
                    at: raw.start + r.start,
                    verbatim: true,
                });
            }
        };
        while let Some(k) = memchr::memchr2(b'&', b'\r', &bytes[at..]) {
            let start = at + k;
            let (end, made) = if bytes[start] == b'\r' {
                let end = start
                    + if bytes.get(start + 1) == Some(&b'\n') {
                        2
                    } else {
                        1
                    };
                (end, "\n".to_string())
            } else {
                let end = reference_end(bytes, start);
                (end, decode_reference(&source[start..end]))
            };
            if made != source[start..end] {
                verbatim(&mut out, run..start);
                out.push(Segment {
                    text: Cow::Owned(made),
                    at: raw.start + start,
                    verbatim: false,
                });
                run = end;
            }
            at = end;
        }
        verbatim(&mut out, run..source.len());
        let read: String = out.iter().map(|s| s.text.as_ref()).collect();
        if read == *value { out } else { whole() }
    }

    /// The parent of a node (the document's is itself).
    pub(super) fn parent(&self, node: usize) -> usize {
        self.nodes[node].parent
    }

    /// The children of a node.
    pub(super) fn children(&self, node: usize) -> &[usize] {
        &self.nodes[node].children
    }
}

/// The tokenizer state an element's content is read in (as a browser with scripting on).
fn content_state(name: &str) -> Option<State> {
    match name {
        "script" => Some(State::ScriptData),
        "style" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript" => Some(State::RawText),
        "title" | "textarea" => Some(State::RcData),
        "plaintext" => Some(State::PlainText),
        _ => None,
    }
}

/// The end of a character reference starting at `bytes[at]` (an `&`): its name or number
/// and `;`. What the tokenizer reads of it is never longer.
fn reference_end(bytes: &[u8], at: usize) -> usize {
    let mut end = at + 1;
    if bytes.get(end) == Some(&b'#') {
        end += 1;
    }
    while bytes.get(end).is_some_and(u8::is_ascii_alphanumeric) {
        end += 1;
    }
    if bytes.get(end) == Some(&b';') {
        end += 1;
    }
    end
}

/// What the tokenizer reads `&…;` as, in text.
fn decode_reference(reference: &str) -> String {
    let mut decoded = Vec::new();
    for token in Tokenizer::new(reference).flatten() {
        if let Token::String(s) = token {
            decoded.extend_from_slice(&s);
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

/// The 1-based line and column (in characters) of a byte of `src`.
pub(super) fn line_column(src: &str, at: usize) -> (usize, usize) {
    let before = src.get(..at).unwrap_or(src);
    let line_start = before.rfind('\n').map_or(0, |k| k + 1);
    (
        1 + memchr::memchr_iter(b'\n', before.as_bytes()).count(),
        1 + before[line_start..].chars().count(),
    )
}

/// Leaves out the line feed the segments start with, if they do.
fn strip_line_feed(segments: &mut Vec<Segment>) {
    let Some(first) = segments.first_mut() else {
        return;
    };
    if !first.text.starts_with('\n') {
        return;
    }
    if first.text.len() == 1 {
        segments.remove(0);
    } else if let Cow::Borrowed(text) = first.text {
        first.text = Cow::Borrowed(&text[1..]);
        first.at += 1;
    }
}

/// A piece of a text node.
pub(super) struct Segment<'s> {
    text: Cow<'s, str>,
    /// Its source offset (a made piece: the offset of what it stands for).
    at: usize,
    verbatim: bool,
}

/// What separates what comes next from the text before it.
#[derive(Clone, Copy)]
struct Break {
    /// 0 for a space, else how many line feeds.
    newlines: usize,
    at: usize,
    address: u32,
    /// Made by `<br>`s, which add up.
    added: bool,
}

/// Lays text out as a browser does: collapsible whitespace, breaks between blocks, lines and
/// words, each put in only when text follows it.
#[derive(Default)]
pub(super) struct Flow {
    /// A run of collapsible whitespace: its first byte, its address, whether it holds a
    /// line break.
    space: Option<(usize, u32, bool)>,
    pending: Option<Break>,
}

impl Flow {
    /// A space before what comes next (between words, table cells), unless something
    /// larger is already due.
    pub(super) fn space(&mut self, at: usize, address: u32) {
        self.space = None;
        if self.pending.is_none() {
            self.pending = Some(Break {
                newlines: 0,
                at,
                address,
                added: false,
            });
        }
    }

    /// A line feed; with `add`, one more for each call (as `<br>`s add up).
    pub(super) fn line(&mut self, at: usize, address: u32, add: bool) {
        self.space = None;
        self.pending = Some(match self.pending {
            Some(b) if add && b.added => Break {
                newlines: b.newlines + 1,
                ..b
            },
            Some(b) if b.newlines > 0 => b,
            _ => Break {
                newlines: 1,
                at,
                address,
                added: add,
            },
        });
    }

    /// A paragraph break: a blank line, unless more line feeds are already due.
    pub(super) fn paragraph(&mut self, at: usize, address: u32) {
        self.space = None;
        self.pending = Some(match self.pending {
            Some(b) if b.newlines >= 2 => b,
            _ => Break {
                newlines: 2,
                at,
                address,
                added: false,
            },
        });
    }

    /// Appends the segments of a text node: whitespace collapsed, or kept as it is (`pre`).
    pub(super) fn text(
        &mut self,
        out: &mut Extractor,
        segments: &[Segment],
        address: u32,
        pre: bool,
    ) {
        for seg in segments {
            let text = seg.text.as_ref();
            let emit = |out: &mut Extractor, r: Range<usize>| {
                if seg.verbatim {
                    out.push_verbatim(seg.at + r.start..seg.at + r.end, address);
                } else {
                    out.push_made(&text[r], seg.at, address);
                }
            };
            let mut run: Option<usize> = None;
            for (i, c) in text.char_indices() {
                if !pre && matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0C') {
                    if let Some(s) = run.take() {
                        emit(out, s..i);
                    }
                    let at = if seg.verbatim { seg.at + i } else { seg.at };
                    let newline = matches!(c, '\n' | '\r');
                    match &mut self.space {
                        Some((_, _, nl)) => *nl |= newline,
                        None => self.space = Some((at, address, newline)),
                    }
                } else if run.is_none() {
                    self.flush(out, c, address);
                    run = Some(i);
                }
            }
            if let Some(s) = run {
                emit(out, s..text.len());
            }
        }
    }

    /// Puts in what is due before the character `next`, of the text at `address` (the
    /// address of a space that has none).
    fn flush(&mut self, out: &mut Extractor, next: char, address: u32) {
        let space = self.space.take();
        let text = out.text();
        if text.is_empty() {
            self.pending = None;
            return;
        }
        if let Some(b) = self.pending.take() {
            if b.newlines == 0 {
                if !text.ends_with(char::is_whitespace) {
                    out.push_made(" ", b.at, b.address);
                }
            } else {
                let have = text.len() - text.trim_end_matches('\n').len();
                let sep = "\n".repeat(b.newlines.saturating_sub(have));
                out.push_made(&sep, b.at, b.address);
            }
        } else if let Some((at, space_address, newline)) = space {
            let address = match space_address {
                NO_ADDRESS => address,
                a => a,
            };
            let previous = text.chars().next_back().unwrap_or(' ');
            let joined = newline && wide(previous) && wide(next);
            if !joined && !previous.is_whitespace() {
                out.push_made(" ", at, address);
            }
        }
    }
}

/// East Asian wide characters other than Hangul: between two of them a line break in the
/// source is no space (CSS Text, segment break transformation).
fn wide(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF
        | 0xFE10..=0xFE1F
        | 0xFE30..=0xFE6F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD)
}

/// Reads an HTML document's tree.
struct Reader<'t> {
    tree: &'t Tree,
    flow: Flow,
    /// Addresses registered, by node.
    addresses: HashMap<usize, u32>,
    annotations: usize,
    first_annotation: Option<usize>,
}

/// An element being read: its next child, the element its text is addressed to (its
/// block or cell) and whether its whitespace is kept.
struct Frame {
    node: usize,
    next: usize,
    holder: Option<usize>,
    pre: bool,
    block: bool,
}

impl Reader<'_> {
    fn address(&mut self, out: &mut Extractor, node: usize) -> u32 {
        let tree = self.tree;
        *self
            .addresses
            .entry(node)
            .or_insert_with(|| out.address(tree.address(node, tree.name(node), None)))
    }

    fn read(&mut self, out: &mut Extractor) {
        let tree = self.tree;
        let mut stack = vec![Frame {
            node: 0,
            next: 0,
            holder: None,
            pre: false,
            block: false,
        }];
        while let Some(frame) = stack.last_mut() {
            let Some(&child) = tree.children(frame.node).get(frame.next) else {
                let done = stack.pop();
                if let Some(done) = done.filter(|f| f.block) {
                    self.flow.paragraph(tree.nodes[done.node].close, NO_ADDRESS);
                }
                continue;
            };
            frame.next += 1;
            let (holder, pre) = (frame.holder, frame.pre);
            let name = tree.name(child);
            match &tree.nodes[child].kind {
                Kind::Text(_) => {
                    let mut segments = tree.segments(out.src, child);
                    // A line feed right after a `pre`'s start tag is not shown.
                    if frame.next == 1 && PRE.contains(&tree.name(frame.node)) {
                        strip_line_feed(&mut segments);
                    }
                    // Addresses are registered for text that is read (whitespace between
                    // tags takes the address of the text after it).
                    let blank = !pre
                        && segments
                            .iter()
                            .all(|s| s.text.bytes().all(|b| b.is_ascii_whitespace()));
                    let address = match holder {
                        Some(node) if !blank => self.address(out, node),
                        _ => NO_ADDRESS,
                    };
                    self.flow.text(out, &segments, address, pre);
                }
                Kind::Element { .. } if name == "rt" || name == "rtc" => {
                    self.annotations += 1;
                    self.first_annotation
                        .get_or_insert(tree.nodes[child].range.start);
                }
                Kind::Element { .. } if name == "rp" || tree.hidden(child) => {}
                Kind::Element { .. } if name == "br" => {
                    let address = match holder {
                        Some(node) => self.address(out, node),
                        None => NO_ADDRESS,
                    };
                    self.flow.line(tree.nodes[child].range.start, address, true);
                }
                Kind::Element { .. } => {
                    let at = tree.nodes[child].range.start;
                    let block = BLOCKS.contains(&name);
                    let mut frame = Frame {
                        node: child,
                        next: 0,
                        holder,
                        pre,
                        block,
                    };
                    if block {
                        self.flow.paragraph(at, NO_ADDRESS);
                        frame.holder = Some(child);
                        frame.pre = PRE.contains(&name);
                    } else if name == "td" || name == "th" {
                        self.flow.space(at, NO_ADDRESS);
                        frame.holder = Some(child);
                    }
                    stack.push(frame);
                }
                Kind::Document => {}
            }
        }
    }
}
