//! What the XML readers share: parsing with errors that say where, text and attribute values
//! appended with their source positions (entities and CDATA sections mapped), element paths.

use std::fmt::Write as _;

use roxmltree::{Document, Node, ParsingOptions};

use super::{Address, ExtractError, Extractor};

/// The root element's qualified name, read from the start of a file: after an XML
/// declaration, comments, processing instructions and a doctype. `None` when the bytes do not
/// begin like an XML document or the name is cut off.
pub(super) fn root_name(head: &[u8]) -> Option<&str> {
    let mut rest = head;
    loop {
        rest = rest.trim_ascii_start();
        if rest.starts_with(b"<?") {
            rest = &rest[memchr::memmem::find(rest, b"?>")? + 2..];
        } else if rest.starts_with(b"<!--") {
            rest = &rest[memchr::memmem::find(rest, b"-->")? + 3..];
        } else if rest.starts_with(b"<!") {
            // A doctype, perhaps with an internal subset in brackets.
            let end = match (memchr::memchr(b'[', rest), memchr::memchr(b'>', rest)) {
                (Some(open), Some(gt)) if open < gt => {
                    open + memchr::memmem::find(&rest[open..], b"]")?
                }
                _ => 0,
            };
            rest = &rest[end + memchr::memchr(b'>', &rest[end..])? + 1..];
        } else {
            break;
        }
    }
    let name = rest.strip_prefix(b"<")?;
    let len = name
        .iter()
        .position(|&b| b.is_ascii_whitespace() || b == b'>' || b == b'/')?;
    let name = std::str::from_utf8(&name[..len]).ok()?;
    (!name.is_empty()).then_some(name)
}

/// Parses the source, or says where it is not well-formed.
pub(super) fn parse<'s>(src: &'s str, what: &str) -> Result<Document<'s>, ExtractError> {
    let opts = ParsingOptions {
        allow_dtd: true,
        ..ParsingOptions::default()
    };
    Document::parse_with_options(src, opts).map_err(|e| {
        let pos = e.pos();
        let message = e.to_string();
        let message = message
            .strip_suffix(&format!(" at {}:{}", pos.row, pos.col))
            .unwrap_or(&message);
        ExtractError::new(format!(
            "not well-formed XML at line {}, column {}: {message}, so not {what}",
            pos.row, pos.col
        ))
    })
}

/// Whether `n` is an element with local name `name` (in any namespace).
pub(super) fn is(n: Node, name: &str) -> bool {
    n.is_element() && n.tag_name().name() == name
}

/// The first child element of `node` with local name `name`.
pub(super) fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

/// The child elements of `node` with local name `name`.
pub(super) fn children<'a, 'i: 'a>(
    node: Node<'a, 'i>,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    node.children()
        .filter(move |c| c.is_element() && c.tag_name().name() == name)
}

/// An attribute by local name, whatever its namespace.
pub(super) fn attribute<'a>(node: Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.attributes()
        .find(|a| a.name() == name)
        .map(|a| a.value())
}

/// The element's path from the root: local names, each with its 1-based position among its
/// same-named siblings.
pub(super) fn path(node: Node) -> String {
    Paths::default().path(node)
}

/// Appends one step of a path: `/`, the local name, and its position among same-named
/// siblings when it has any.
fn push_step(path: &mut String, n: Node) {
    let name = n.tag_name().name();
    let same = |s: &Node| s.is_element() && s.tag_name().name() == name;
    let nth = 1 + n.prev_siblings().skip(1).filter(same).count();
    path.push('/');
    path.push_str(name);
    if nth > 1 || n.next_siblings().skip(1).any(|s| same(&s)) {
        let _ = write!(path, "[{nth}]");
    }
}

/// Element paths, each parent's computed once (a page has thousands of words per line's
/// path).
#[derive(Default)]
pub(super) struct Paths {
    known: std::collections::HashMap<roxmltree::NodeId, String>,
}

impl Paths {
    pub(super) fn path(&mut self, node: Node) -> String {
        let parent = match node.parent_element() {
            Some(p) => {
                if !self.known.contains_key(&p.id()) {
                    let path = self.path(p);
                    self.known.insert(p.id(), path);
                }
                self.known[&p.id()].as_str()
            }
            None => "",
        };
        let mut path = String::with_capacity(parent.len() + 24);
        path.push_str(parent);
        push_step(&mut path, node);
        path
    }

    /// The address of an element: its local name, its `id`/`ID`/`xml:id`, its path, a box.
    pub(super) fn address(&mut self, node: Node, bbox: Option<[i64; 4]>) -> Address {
        Address {
            element: node.tag_name().name().to_string(),
            id: node
                .attributes()
                .find(|a| a.name().eq_ignore_ascii_case("id"))
                .map(|a| a.value().to_string()),
            path: self.path(node),
            part: None,
            page: None,
            bbox,
            line_bbox: None,
        }
    }
}

/// The address of an element (see [`Paths::address`]).
pub(super) fn address(node: Node, bbox: Option<[i64; 4]>) -> Address {
    Paths::default().address(node, bbox)
}

/// Appends the text content of `node` (its text and CDATA, not its child elements'), each
/// character mapped to where it is in the source.
pub(super) fn push_text(out: &mut Extractor, node: Node, address: u32) {
    for t in node.children().filter(Node::is_text) {
        push_mapped(out, t.range(), t.text().unwrap_or(""), false, address);
    }
}

/// Appends an attribute's value, mapped to the source.
pub(super) fn push_attribute(out: &mut Extractor, attr: roxmltree::Attribute, address: u32) {
    push_mapped(out, attr.range_value(), attr.value(), true, address);
}

/// Appends the raw source `raw` decoded (entity and character references, CDATA sections,
/// line ends; in an attribute, whitespace as spaces), verbatim runs kept as such. `decoded`
/// is the parser's reading of it: when the two disagree (an entity from a DTD), the parser
/// wins and the whole run points at its start.
fn push_mapped(
    out: &mut Extractor,
    raw: std::ops::Range<usize>,
    decoded: &str,
    attribute: bool,
    address: u32,
) {
    let mark = out.mark();
    let from = out.text().len();
    if decode_mapped(out, raw.clone(), attribute, address).is_none()
        || out.text()[from..] != *decoded
    {
        out.rewind(mark);
        out.push_made(decoded, raw.start, address);
    }
}

fn decode_mapped(
    out: &mut Extractor,
    raw: std::ops::Range<usize>,
    attribute: bool,
    address: u32,
) -> Option<()> {
    let src = out.src;
    let bytes = src.as_bytes();
    let (mut at, end) = (raw.start, raw.end);
    let mut run = at;
    while at < end {
        match bytes[at] {
            b'&' => {
                out.push_verbatim(run..at, address);
                let semi = at + memchr::memchr(b';', &bytes[at..end])?;
                let c = reference(&src[at + 1..semi])?;
                out.push_made(c.encode_utf8(&mut [0; 4]), at, address);
                at = semi + 1;
                run = at;
            }
            b'<' if src[at..end].starts_with("<![CDATA[") => {
                out.push_verbatim(run..at, address);
                let body = at + 9;
                let close = body + memchr::memmem::find(&bytes[body..end], b"]]>")?;
                push_lines(out, body..close, address);
                at = close + 3;
                run = at;
            }
            b'\r' | b'\n' | b'\t' if attribute || bytes[at] == b'\r' => {
                out.push_verbatim(run..at, address);
                let len = if src[at..end].starts_with("\r\n") {
                    2
                } else {
                    1
                };
                let made = if attribute { " " } else { "\n" };
                out.push_made(made, at, address);
                at += len;
                run = at;
            }
            _ => at += 1,
        }
    }
    out.push_verbatim(run..end, address);
    Some(())
}

/// The character an XML entity or character reference (`amp`, `#x4E2D`, `#12290`) stands
/// for; `None` for an entity a DTD would have to declare.
pub(super) fn reference(name: &str) -> Option<char> {
    match name {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "apos" => Some('\''),
        "quot" => Some('"'),
        _ => {
            let code = match name.strip_prefix("#x") {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => name.strip_prefix('#')?.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

/// Appends a CDATA section's content, carriage returns read as line feeds.
fn push_lines(out: &mut Extractor, range: std::ops::Range<usize>, address: u32) {
    let src = out.src;
    let mut run = range.start;
    let mut at = range.start;
    while let Some(k) = memchr::memchr(b'\r', &src.as_bytes()[at..range.end]) {
        let cr = at + k;
        out.push_verbatim(run..cr, address);
        out.push_made("\n", cr, address);
        at = if src[cr..range.end].starts_with("\r\n") {
            cr + 2
        } else {
            cr + 1
        };
        run = at;
    }
    out.push_verbatim(run..range.end, address);
}

/// The bounds of a PAGE `points` list (`x,y x,y …`), or of `Point` children (PAGE 2009).
pub(super) fn points_bbox(coords: Node) -> Option<[i64; 4]> {
    let mut points: Vec<(i64, i64)> = Vec::new();
    if let Some(list) = attribute(coords, "points") {
        for pair in list.split_ascii_whitespace() {
            let (x, y) = pair.split_once(',')?;
            points.push((number(x)?, number(y)?));
        }
    } else {
        for p in children(coords, "Point") {
            points.push((number(attribute(p, "x")?)?, number(attribute(p, "y")?)?));
        }
    }
    let xs = points.iter().map(|p| p.0);
    let ys = points.iter().map(|p| p.1);
    Some([xs.clone().min()?, ys.clone().min()?, xs.max()?, ys.max()?])
}

/// A coordinate, rounded to a whole unit.
pub(super) fn number(s: &str) -> Option<i64> {
    let v: f64 = s.trim().parse().ok()?;
    v.is_finite().then(|| v.round() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_is_found_after_prolog_comments_and_doctype() {
        assert_eq!(root_name(b"<a/>"), Some("a"));
        assert_eq!(
            root_name(b"<?xml version='1.0'?>\n<!-- <b> -->\n<!DOCTYPE x [<!ENTITY e 'v'>]>\n<p:Root a='1'>"),
            Some("p:Root")
        );
        assert_eq!(root_name(b"text <a>"), None);
        assert_eq!(root_name(b"<!-- never closed"), None);
    }

    #[test]
    fn paths_count_same_named_siblings() {
        let d = parse("<r><a/><b/><a><c/></a></r>", "test").unwrap();
        let c = d.descendants().find(|n| n.has_tag_name("c")).unwrap();
        assert_eq!(path(c), "/r/a[2]/c");
    }
}
