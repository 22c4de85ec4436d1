//! A naive reading of markup whose tags are all closed (or void, or `/>`), independent of
//! witness's reader: each element's name, path, id, class and source range. For checking that
//! every piece of extracted text points into the element its address names.
#![allow(dead_code)] // each test crate uses its own subset

use std::ops::Range;

use witness::Document;

pub struct Element {
    pub name: String,
    pub path: String,
    pub id: Option<String>,
    pub class: Option<String>,
    /// From the start tag's `<` to the end tag's `>`.
    pub range: Range<usize>,
    parent: Option<usize>,
}

const VOID: &[&str] = &["br", "hr", "img", "meta", "link", "input", "wbr"];

/// The value of attribute `name` in the inside of a start tag.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let mut rest = tag;
    while let Some(k) = rest.find(&format!("{name}=")) {
        let before = rest[..k].chars().next_back();
        let after = &rest[k + name.len() + 1..];
        if before.is_some_and(char::is_whitespace) {
            let quote = after.chars().next()?;
            let end = after[1..].find(quote)?;
            return Some(after[1..1 + end].to_string());
        }
        rest = after;
    }
    None
}

/// The elements of `src`, in document order.
pub fn elements(src: &str) -> Vec<Element> {
    let mut out: Vec<Element> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut at = 0;
    while let Some(k) = src[at..].find('<') {
        let start = at + k;
        let rest = &src[start..];
        if rest.starts_with("<!--") {
            at = start + rest.find("-->").unwrap() + 3;
            continue;
        }
        let gt = start + rest.find('>').unwrap();
        at = gt + 1;
        if rest.starts_with("<!") || rest.starts_with("<?") {
            continue;
        }
        if let Some(name) = rest.strip_prefix("</") {
            let name = &name[..name.find('>').unwrap()];
            let k = open.iter().rposition(|&e| out[e].name == name).unwrap();
            out[open[k]].range.end = at;
            open.truncate(k);
            continue;
        }
        let inside = &src[start + 1..gt];
        let name: String = inside
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        out.push(Element {
            id: attribute(inside, "id"),
            class: attribute(inside, "class"),
            path: String::new(),
            range: start..at,
            parent: open.last().copied(),
            name: name.clone(),
        });
        if !(inside.ends_with('/') || VOID.contains(&name.as_str())) {
            open.push(out.len() - 1);
            if name == "script" || name == "style" {
                let close = format!("</{name}");
                at += src[at..].find(&close).unwrap();
            }
        }
    }
    assert!(open.is_empty(), "unclosed elements in the fixture");
    for e in 0..out.len() {
        let mut steps = Vec::new();
        let mut n = Some(e);
        while let Some(k) = n {
            let same: Vec<usize> = (0..out.len())
                .filter(|&s| out[s].parent == out[k].parent && out[s].name == out[k].name)
                .collect();
            let nth = same.iter().position(|&s| s == k).unwrap() + 1;
            steps.push(if same.len() > 1 {
                format!("{}[{nth}]", out[k].name)
            } else {
                out[k].name.clone()
            });
            n = out[k].parent;
        }
        steps.reverse();
        out[e].path = format!("/{}", steps.join("/"));
    }
    out
}

/// Every piece of `doc` with an address starts inside the element the address names (found
/// by its path in `src`), and the address's id and element are that element's: its tag, or
/// for hOCR one of its classes. Returns how many pieces were checked.
pub fn pieces_point_into_their_elements(doc: &Document, src: &str) -> usize {
    let elements = elements(src);
    let mut checked = 0;
    for piece in doc.pieces() {
        let p = doc.position(piece.start);
        let Some(address) = &p.address else {
            continue;
        };
        let found: Vec<&Element> = elements.iter().filter(|e| e.path == address.path).collect();
        assert_eq!(found.len(), 1, "{}: no single element", address.path);
        let e = found[0];
        assert!(
            e.range.contains(&p.byte),
            "{:?} at byte {} is not in {} ({:?})",
            &doc.text[piece.clone()],
            p.byte,
            address.path,
            e.range
        );
        assert_eq!(address.id, e.id, "{}", address.path);
        let classes = e.class.as_deref().unwrap_or("");
        assert!(
            address.element == e.name || classes.split_whitespace().any(|c| c == address.element),
            "{} is not a {}",
            address.path,
            address.element
        );
        checked += 1;
    }
    checked
}
