//! ALTO (every version; the namespace is not checked): the `CONTENT` of each `String`, in
//! document order.
//!
//! witness's reading: strings joined by a space, lines by a line feed, blocks by a blank
//! line; a word hyphenated across lines (`SUBS_TYPE="HypPart1"` then `"HypPart2"`) is read
//! whole, without its `HYP` and line break: as its two parts when they spell the
//! `SUBS_CONTENT`, else as the `SUBS_CONTENT` (mapped to the first part). `ALTERNATIVE`
//! readings are not read. dinglehopper's reading: each line's strings joined by a space,
//! lines by a line feed, hyphenation as written (`HYP` not read), empty lines kept.

use roxmltree::Node;

use super::xml::{self, attribute, is};
use super::{ExtractError, ExtractOptions, Extractor, PageImage};

pub(super) fn read(out: &mut Extractor, opts: &ExtractOptions) -> Result<(), ExtractError> {
    let src = out.src;
    let doc = xml::parse(src, "ALTO")?;
    let root = doc.root_element();
    if root.tag_name().name() != "alto" {
        return Err(ExtractError::new(format!(
            "the root element is <{}>, not <alto>: not ALTO",
            root.tag_name().name()
        )));
    }
    out.page_image(page_image(root));
    let mut paths = xml::Paths::default();
    let lines: Vec<Node> = root.descendants().filter(|n| is(*n, "TextLine")).collect();
    if opts.dinglehopper {
        for (k, line) in lines.iter().enumerate() {
            let at = line.range().start;
            if k > 0 {
                out.push_made("\n", at, u32::MAX);
            }
            let line_box = line_box(*line);
            for (w, s) in strings(*line).enumerate() {
                let address = element(out, &mut paths, s, line_box);
                if w > 0 {
                    out.push_made(" ", s.range().start, address);
                }
                if let Some(content) = s.attribute_node("CONTENT") {
                    xml::push_attribute(out, content, address);
                }
            }
        }
        return Ok(());
    }

    let mut previous_block = None;
    // The first part of a word hyphenated at the end of the previous line: where the text
    // stood before it, its source start, its address, its `SUBS_CONTENT`.
    let mut pending: Option<Pending> = None;
    for (k, line) in lines.iter().enumerate() {
        let block = line.ancestors().skip(1).find(|a| is(*a, "TextBlock"));
        let first = strings(*line).next();
        let continues = pending.is_some() && first.is_some_and(|s| subs_type(s) == "HypPart2");
        if !continues {
            pending = None;
            let sep = if block == previous_block {
                "\n"
            } else {
                "\n\n"
            };
            if first.is_some() {
                out.separate(sep, line.range().start, u32::MAX);
            }
        }
        previous_block = block;
        let next_first = lines.get(k + 1).and_then(|l| strings(*l).next());
        let last = strings(*line).last();
        let mut spaced = true;
        let line_box = line_box(*line);
        for item in line.children().filter(Node::is_element) {
            match item.tag_name().name() {
                "String" => {
                    let address = element(out, &mut paths, item, line_box);
                    if !spaced {
                        out.push_made(" ", item.range().start, address);
                    }
                    let mark = out.mark();
                    if let Some(content) = item.attribute_node("CONTENT") {
                        xml::push_attribute(out, content, address);
                    }
                    if let Some(first) = pending.take() {
                        // The second part: the word is its two parts, or its SUBS_CONTENT.
                        let subs = first.subs.or_else(|| attribute(item, "SUBS_CONTENT"));
                        if let Some(whole) = subs
                            && out.text()[first.mark.0..] != *whole
                        {
                            out.rewind(first.mark);
                            out.push_made(whole, first.at, first.address);
                        }
                    }
                    if Some(item) == last
                        && subs_type(item) == "HypPart1"
                        && next_first.is_some_and(|s| subs_type(s) == "HypPart2")
                    {
                        pending = Some(Pending {
                            mark,
                            at: item.range().start,
                            address,
                            subs: attribute(item, "SUBS_CONTENT"),
                        });
                    }
                    spaced = false;
                }
                "SP" if !spaced => {
                    out.push_made(" ", item.range().start, u32::MAX);
                    spaced = true;
                }
                "HYP" if pending.is_none() => {
                    if let Some(content) = item.attribute_node("CONTENT") {
                        let address = element(out, &mut paths, item, line_box);
                        xml::push_attribute(out, content, address);
                        spaced = false;
                    }
                }
                _ => {}
            }
        }
    }
    if out.text().trim().is_empty() {
        return Err(ExtractError::new(
            "has no text: no String has a CONTENT (an image-only or not yet recognised page?)"
                .to_string(),
        ));
    }
    Ok(())
}

/// The first part of a hyphenated word, waiting for its second part.
struct Pending<'a> {
    /// Where the text stood before the first part.
    mark: (usize, usize),
    at: usize,
    address: u32,
    subs: Option<&'a str>,
}

fn strings<'a, 'i>(line: Node<'a, 'i>) -> impl Iterator<Item = Node<'a, 'i>> {
    line.children().filter(|c| is(*c, "String"))
}

fn subs_type<'a>(s: Node<'a, '_>) -> &'a str {
    attribute(s, "SUBS_TYPE").unwrap_or("")
}

/// A `String`'s (or `HYP`'s) address, with its box and its line's.
fn element(
    out: &mut Extractor,
    paths: &mut xml::Paths,
    n: Node,
    line_bbox: Option<[i64; 4]>,
) -> u32 {
    let mut address = paths.address(n, bbox(n));
    address.line_bbox = line_bbox;
    out.address(address)
}

/// An element's box from `HPOS`, `VPOS`, `WIDTH`, `HEIGHT`.
fn bbox(n: Node) -> Option<[i64; 4]> {
    let get = |name| attribute(n, name).and_then(xml::number);
    match (get("HPOS"), get("VPOS"), get("WIDTH"), get("HEIGHT")) {
        (Some(x), Some(y), Some(w), Some(h)) => Some([x, y, x + w, y + h]),
        _ => None,
    }
}

/// A `TextLine`'s box: its own, else the bounds of its strings' boxes.
fn line_box(line: Node) -> Option<[i64; 4]> {
    bbox(line).or_else(|| {
        line.children()
            .filter(|c| is(*c, "String") || is(*c, "HYP"))
            .filter_map(bbox)
            .reduce(|a, b| {
                [
                    a[0].min(b[0]),
                    a[1].min(b[1]),
                    a[2].max(b[2]),
                    a[3].max(b[3]),
                ]
            })
    })
}

/// The image `Description/sourceImageInformation/fileName` names. The boxes are in the
/// `MeasurementUnit` (`pixel`, else `mm10` or `inch1200`): the first `Page`'s `WIDTH` and
/// `HEIGHT`, in that unit, scale them to the image; without them a file in another unit
/// than pixels names no usable image.
fn page_image(root: Node) -> Option<PageImage> {
    let description = xml::child(root, "Description")?;
    let text = |n: Node| n.text().unwrap_or("").trim().to_string();
    let file = text(xml::child(
        xml::child(description, "sourceImageInformation")?,
        "fileName",
    )?);
    let pixels = xml::child(description, "MeasurementUnit")
        .is_none_or(|u| text(u).eq_ignore_ascii_case("pixel"));
    let size = root
        .descendants()
        .find(|n| is(*n, "Page"))
        .and_then(|page| {
            let get = |name| {
                attribute(page, name)
                    .and_then(xml::number)
                    .filter(|v| *v > 0)
            };
            Some([get("WIDTH")?, get("HEIGHT")?])
        });
    (!file.is_empty() && (pixels || size.is_some())).then_some(PageImage {
        file,
        size,
        frame: 0,
    })
}
