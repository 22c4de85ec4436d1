//! PAGE-XML (PRImA page content, schema versions 2009-03-16 to 2019-07-15: the namespace
//! differs, the structure barely): text regions in reading order, read at region or line
//! level, each element's `TextEquiv` chosen by `@index`, then `@conf`.
//!
//! witness's reading: the reading order's groups in order (ordered groups by `@index`,
//! unordered ones as written, nested groups in place); a reference to a region that holds
//! text regions (a table) reads them in document order; text regions the order leaves out
//! are read after it, in document order, with a warning. Regions are separated by a blank
//! line, lines by a line feed. dinglehopper's reading ([`ExtractOptions::dinglehopper`]):
//! what it reads, in its order, regions joined by one line feed and empty ones dropped.

use std::collections::{HashMap, HashSet};

use roxmltree::Node;

use super::xml::{self, attribute, child, children, is};
use super::{ExtractError, ExtractOptions, Extractor, PageImage, PageLevel};

pub(super) fn read(out: &mut Extractor, opts: &ExtractOptions) -> Result<(), ExtractError> {
    let src = out.src;
    let doc = xml::parse(src, "PAGE-XML")?;
    let root = doc.root_element();
    if root.tag_name().name() != "PcGts" {
        return Err(ExtractError::new(format!(
            "the root element is <{}>, not <PcGts>: not PAGE-XML",
            root.tag_name().name()
        )));
    }
    let page = child(root, "Page").ok_or_else(|| {
        ExtractError::new("<PcGts> has no <Page> element: not a PAGE-XML page".to_string())
    })?;
    out.page_image(page_image(page));
    let level = match (opts.page_level, opts.dinglehopper) {
        (PageLevel::Auto, true) => PageLevel::Region,
        (level, _) => level,
    };
    let regions: Vec<Node> = page
        .descendants()
        .filter(|n| is(*n, "TextRegion"))
        .collect();
    let by_id: HashMap<&str, Node> = page
        .descendants()
        .filter(Node::is_element)
        .filter_map(|n| Some((attribute(n, "id")?, n)))
        .collect();
    let order = root
        .descendants()
        .find(|n| is(*n, "ReadingOrder"))
        .map(|ro| {
            let mut refs = Vec::new();
            for group in ro.children().filter(Node::is_element) {
                group_refs(group, &mut refs);
            }
            refs
        });

    let mut reader = Reader {
        out,
        level,
        dinglehopper: opts.dinglehopper,
        read: HashSet::new(),
        paths: xml::Paths::default(),
    };
    match order {
        Some(refs) => {
            for id in refs {
                match by_id.get(id) {
                    Some(&r) if is(r, "TextRegion") => reader.region(r),
                    // A table or another container: its text regions, unless dinglehopper,
                    // which reads text regions only.
                    Some(&r) if !opts.dinglehopper => {
                        for t in r.descendants().filter(|n| is(*n, "TextRegion")) {
                            if outermost_below(t, r) {
                                reader.region(t);
                            }
                        }
                    }
                    _ => {}
                }
            }
            if !opts.dinglehopper {
                let left: Vec<Node> = regions
                    .iter()
                    .copied()
                    .filter(|r| !reader.covered(*r) && has_text(*r))
                    .collect();
                if !left.is_empty() {
                    let ids: Vec<&str> = left
                        .iter()
                        .map(|r| attribute(*r, "id").unwrap_or("?"))
                        .collect();
                    reader.out.warn(format!(
                        "{} text region(s) with text are not in the reading order ({}); read after it, in document order",
                        left.len(),
                        ids.join(", ")
                    ));
                    for r in left {
                        if !reader.covered(r) {
                            reader.region(r);
                        }
                    }
                }
            }
        }
        None if opts.dinglehopper => {
            for r in regions {
                reader.region(r);
            }
        }
        None => {
            for r in regions {
                if outermost_below(r, page) {
                    reader.region(r);
                }
            }
        }
    }
    // dinglehopper reads such a page as empty; witness says so.
    if !opts.dinglehopper && reader.out.text().trim().is_empty() {
        return Err(ExtractError::new(
            "has no text: no TextRegion has a TextEquiv/Unicode with text (an image-only or not yet transcribed page?)".to_string(),
        ));
    }
    Ok(())
}

/// The image `Page/@imageFilename` names, with the page's size in pixels
/// (`imageWidth`/`imageHeight`), the units of `Coords`.
fn page_image(page: Node) -> Option<PageImage> {
    let file = attribute(page, "imageFilename")?.trim();
    let size = |name| {
        attribute(page, name)
            .and_then(xml::number)
            .filter(|v| *v > 0)
    };
    Some(PageImage {
        file: file.to_string(),
        size: size("imageWidth")
            .zip(size("imageHeight"))
            .map(|(w, h)| [w, h]),
        frame: 0,
    })
    .filter(|i| !i.file.is_empty())
}

/// Whether no text region stands between `t` and `top` (so `t` is read for `top`, and its
/// own nested regions through it).
fn outermost_below(t: Node, top: Node) -> bool {
    t.ancestors()
        .skip(1)
        .take_while(|a| *a != top)
        .all(|a| !is(a, "TextRegion"))
}

/// The region ids of a reading-order group, in reading order: an ordered group's children
/// by `@index` (children without one are left out, as dinglehopper does), an unordered
/// group's as written, nested groups in their place.
fn group_refs<'a>(group: Node<'a, '_>, refs: &mut Vec<&'a str>) {
    let name = group.tag_name().name();
    let mut members: Vec<Node> = group.children().filter(Node::is_element).collect();
    if name.starts_with("OrderedGroup") {
        let mut indexed: Vec<(i64, Node)> = members
            .iter()
            .filter_map(|m| Some((attribute(*m, "index")?.trim().parse().ok()?, *m)))
            .collect();
        indexed.sort_by_key(|(i, _)| *i);
        members = indexed.into_iter().map(|(_, m)| m).collect();
    } else if !name.starts_with("UnorderedGroup") {
        return;
    }
    for m in members {
        let local = m.tag_name().name();
        if local.starts_with("OrderedGroup") || local.starts_with("UnorderedGroup") {
            group_refs(m, refs);
        } else if let Some(id) = attribute(m, "regionRef") {
            refs.push(id);
        }
    }
}

/// Whether a region (or a line of it) has a `TextEquiv` with text.
fn has_text(region: Node) -> bool {
    unicode(region).is_some_and(|u| !text_of(u).trim().is_empty())
        || children(region, "TextLine")
            .any(|l| unicode(l).is_some_and(|u| !text_of(u).trim().is_empty()))
}

fn text_of<'a>(n: Node<'a, '_>) -> String {
    n.children().filter_map(|t| t.text()).collect()
}

/// The `Unicode` element of the `TextEquiv` that is read: the lowest `@index`, else the
/// highest `@conf`, else the first (dinglehopper's rule).
fn unicode<'a, 'i>(element: Node<'a, 'i>) -> Option<Node<'a, 'i>> {
    let equivs: Vec<Node> = children(element, "TextEquiv").collect();
    let number = |n: Node, name: &str| {
        attribute(n, name)
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|v| !v.is_nan())
    };
    let chosen = if equivs.len() <= 1 {
        equivs.first().copied()
    } else if equivs.iter().any(|e| number(*e, "index").is_some()) {
        let mut best: Option<(f64, Node)> = None;
        for e in &equivs {
            if let Some(i) = number(*e, "index")
                && best.is_none_or(|(b, _)| i < b)
            {
                best = Some((i, *e));
            }
        }
        best.map(|(_, e)| e)
    } else if equivs.iter().any(|e| number(*e, "conf").is_some()) {
        let mut best: Option<(f64, Node)> = None;
        for e in &equivs {
            if let Some(c) = number(*e, "conf")
                && best.is_none_or(|(b, _)| c > b)
            {
                best = Some((c, *e));
            }
        }
        best.map(|(_, e)| e)
    } else {
        equivs.first().copied()
    }?;
    child(chosen, "Unicode")
}

struct Reader<'o, 's> {
    out: &'o mut Extractor<'s>,
    level: PageLevel,
    dinglehopper: bool,
    /// Regions read so far, so that none is read twice.
    read: HashSet<roxmltree::NodeId>,
    paths: xml::Paths,
}

impl Reader<'_, '_> {
    /// Whether the region, or a text region around it, has been read.
    fn covered(&self, r: Node) -> bool {
        r.ancestors()
            .filter(|a| is(*a, "TextRegion"))
            .any(|a| self.read.contains(&a.id()))
    }

    fn region(&mut self, r: Node) {
        if !self.dinglehopper && self.covered(r) {
            return;
        }
        self.read.insert(r.id());
        let (block_sep, at) = (
            if self.dinglehopper { "\n" } else { "\n\n" },
            r.range().start,
        );
        let lines: Vec<Node> = children(r, "TextLine").collect();
        let by_lines = match self.level {
            PageLevel::Line => true,
            PageLevel::Region => false,
            PageLevel::Auto => lines
                .iter()
                .any(|l| unicode(*l).is_some_and(|u| !text_of(u).is_empty())),
        };
        let mark = self.out.mark();
        let region = self.element(r);
        if !self.out.text().is_empty() {
            self.out.push_made(block_sep, at, region);
        }
        let start = self.out.text().len();
        if by_lines {
            for (k, l) in lines.iter().enumerate() {
                let address = self.element(*l);
                if k > 0 {
                    self.out.push_made("\n", l.range().start, address);
                }
                if let Some(u) = unicode(*l) {
                    xml::push_text(self.out, u, address);
                }
            }
        } else if let Some(u) = unicode(r) {
            xml::push_text(self.out, u, region);
        }
        // Empty regions are dropped, with their separator.
        if self.out.text().len() == start {
            self.out.rewind(mark);
        }
        if !self.dinglehopper {
            for nested in children(r, "TextRegion") {
                self.region(nested);
            }
        }
    }

    fn element(&mut self, n: Node) -> u32 {
        let bbox = child(n, "Coords").and_then(xml::points_bbox);
        let mut address = self.paths.address(n, bbox);
        // A line's own box; a region's when it is one line (a heading, a page number).
        address.line_bbox = if is(n, "TextLine") {
            bbox
        } else {
            let mut lines = children(n, "TextLine");
            match (lines.next(), lines.next()) {
                (Some(line), None) => child(line, "Coords").and_then(xml::points_bbox),
                _ => None,
            }
        };
        self.out.address(address)
    }
}
