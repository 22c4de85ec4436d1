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
use super::{ExtractError, ExtractOptions, Extractor, PageImage};

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

/// The `image "…"` of an `ocr_page`'s `title` (quoted, or up to the next `;`), with the
/// page's size from its `bbox`.
fn page_image(title: &str) -> Option<PageImage> {
    // The property named `image` (not `imagemd5`, not `x_image`).
    let at = title.match_indices("image").map(|(k, _)| k).find(|&k| {
        let before = title[..k].trim_end();
        (before.is_empty() || before.ends_with(';'))
            && title[k + "image".len()..].starts_with(|c: char| c.is_ascii_whitespace())
    })?;
    let rest = title[at + "image".len()..].trim_start();
    let file = match rest.strip_prefix('"') {
        Some(quoted) => &quoted[..quoted.find('"')?],
        None => rest.split(';').next()?,
    }
    .trim();
    let size = bbox(title)
        .map(|[x0, y0, x1, y1]| [x1 - x0, y1 - y0])
        .filter(|[w, h]| *w > 0 && *h > 0);
    (!file.is_empty()).then(|| PageImage {
        file: file.to_string(),
        size,
        frame: 0,
    })
}

/// The box of the line a word or line is on: a line's own, a word's line's (its own when it
/// is in no line); none for a block.
fn line_box(tree: &Tree, node: usize, level: Level, own: Option<[i64; 4]>) -> Option<[i64; 4]> {
    match level {
        Level::Line => own,
        Level::Block => None,
        Level::Word => {
            let mut n = tree.parent(node);
            while n != 0 {
                match class(tree, n) {
                    Some((_, Level::Line)) => return tree.attribute(n, "title").and_then(bbox),
                    Some((_, Level::Block)) => break,
                    _ => n = tree.parent(n),
                }
            }
            own
        }
    }
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
            if class == "ocr_page" {
                out.page_image(tree.attribute(node, "title").and_then(page_image));
            }
            let address = *addresses.entry(node).or_insert_with(|| {
                let bbox = tree.attribute(node, "title").and_then(bbox);
                let mut address = tree.address(node, class, bbox);
                address.line_bbox = line_box(&tree, node, level, bbox);
                out.address(address)
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

#[cfg(test)]
mod tests {
    use super::page_image;

    #[test]
    fn the_image_property_is_read_quoted_or_bare() {
        let image = page_image("imagemd5 \"ab\"; image \"scans/p 1.png\"; bbox 0 0 10 20").unwrap();
        assert_eq!(
            (image.file.as_str(), image.size),
            ("scans/p 1.png", Some([10, 20]))
        );
        let image = page_image("bbox 0 0 0 5; image /abs/p.tif; ppageno 0").unwrap();
        assert_eq!((image.file.as_str(), image.size), ("/abs/p.tif", None));
        assert_eq!(page_image("x_image \"no.png\"; bbox 0 0 10 20"), None);
        assert_eq!(page_image("image \"\"; bbox 0 0 10 20"), None);
    }
}
