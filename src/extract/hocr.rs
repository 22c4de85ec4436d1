//! hOCR (HTML or XHTML; the tokenizer and tree of [`super::html`]): the words of the OCR
//! layout, in document order.
//!
//! witness's reading: each `ocrx_word`'s text, words joined by a space; lines (`ocr_line`,
//! `ocrx_line`, `ocr_header`, `ocr_caption`, `ocr_textfloat`) by a line feed; paragraphs,
//! areas, blocks and pages (`ocr_par`, `ocr_carea`, `ocrx_block`, `ocr_page`, the
//! `ocr_chapter`/`ocr_section` family) by a blank line. A line (or paragraph, area, page)
//! that has no words in it is read as its own text. Whitespace inside a word is collapsed
//! as in HTML; character references are decoded. Left out: text that is in no such
//! element (a browser shows it, but it is not the page's OCR), the `head`, scripts and
//! styles, and `del` (a rejected alternative reading). Each piece's address is its element:
//! the class (`ocrx_word`), `id`, path, and the `bbox` of its `title`.

use std::collections::HashMap;

use super::html::{Flow, Kind, Tree};
use super::xml;
use super::{ExtractError, ExtractOptions, Extractor};

/// How an hOCR element separates its text from what comes before.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Word,
    Line,
    Block,
}

const LINES: &[&str] = &[
    "ocr_line",
    "ocrx_line",
    "ocr_header",
    "ocr_caption",
    "ocr_textfloat",
];

const BLOCKS: &[&str] = &[
    "ocr_page",
    "ocr_carea",
    "ocrx_block",
    "ocr_par",
    "ocr_chapter",
    "ocr_section",
    "ocr_subsection",
    "ocr_subsubsection",
];

/// The element's hOCR class and level, if it is one witness reads.
fn class(tree: &Tree, node: usize) -> Option<(&str, Level)> {
    tree.attribute(node, "class")?
        .split_ascii_whitespace()
        .find_map(|c| match c {
            "ocrx_word" => Some((c, Level::Word)),
            _ if LINES.contains(&c) => Some((c, Level::Line)),
            _ if BLOCKS.contains(&c) => Some((c, Level::Block)),
            _ => None,
        })
}

/// The `bbox x0 y0 x1 y1` of a `title` (properties separated by `;`).
fn bbox(title: &str) -> Option<[i64; 4]> {
    let property = title
        .split(';')
        .find_map(|p| p.trim().strip_prefix("bbox "))?;
    let mut numbers = property.split_ascii_whitespace().map(xml::number);
    let mut next = || numbers.next().flatten();
    Some([next()?, next()?, next()?, next()?])
}

pub(super) fn read(out: &mut Extractor, _: &ExtractOptions) -> Result<(), ExtractError> {
    let tree = Tree::parse(out.src);
    let n = tree.nodes.len();
    // Whether each node has an hOCR element (one read) inside it. A node comes after its
    // ancestors, so one pass from the end sees every node's descendants first.
    let mut inner = vec![false; n];
    for node in (1..n).rev() {
        if inner[node] || class(&tree, node).is_some() {
            inner[tree.parent(node)] = true;
        }
    }
    let page = |k| {
        tree.attribute(k, "class")
            .is_some_and(|c| c.split_ascii_whitespace().any(|c| c == "ocr_page"))
    };
    if !(1..n).any(page) {
        return Err(ExtractError::new(
            "has no element of class ocr_page: not hOCR".to_string(),
        ));
    }

    let mut flow = Flow::default();
    let mut addresses: HashMap<usize, u32> = HashMap::new();
    // Nodes to read, last first; `Some(address)` for a node inside an element whose text is
    // read (a word, or a line without words).
    let mut stack: Vec<(usize, Option<u32>)> = vec![(0, None)];
    while let Some((node, reading)) = stack.pop() {
        match &tree.nodes[node].kind {
            Kind::Text(_) => {
                if let Some(address) = reading {
                    let segments = tree.segments(out.src, node);
                    flow.text(out, &segments, address, false);
                }
                continue;
            }
            Kind::Element { name, .. } if name == "del" || tree.hidden(node) => continue,
            _ => {}
        }
        let mut reading = reading;
        if reading.is_none()
            && let Some((class, level)) = class(&tree, node)
        {
            let at = tree.nodes[node].range.start;
            let address = *addresses.entry(node).or_insert_with(|| {
                let bbox = tree.attribute(node, "title").and_then(bbox);
                out.address(tree.address(node, class, bbox))
            });
            match level {
                Level::Word => flow.space(at, address),
                Level::Line => flow.line(at, address, false),
                Level::Block => flow.paragraph(at, address),
            }
            if level == Level::Word || !inner[node] {
                reading = Some(address);
            }
        }
        for &child in tree.children(node).iter().rev() {
            stack.push((child, reading));
        }
    }
    if out.text().trim().is_empty() {
        return Err(ExtractError::new(
            "has no text: no ocrx_word or ocr_line has text (an image-only or not yet recognised page?)"
                .to_string(),
        ));
    }
    Ok(())
}
