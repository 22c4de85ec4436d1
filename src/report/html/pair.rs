//! Two witnesses of one text on a page: side by side (the synoptic view: the base's
//! paragraphs, each beside the other witness's reading of it, the variants marked on both
//! sides) and inline (the base's text with each variant's two readings in place).

use std::fmt::Write as _;
use std::ops::Range;

use super::{CROP_HEIGHT, Layout, lang};
use crate::audit::{Audit, Pair};
use crate::classify::Class;
use crate::diff::{Change, Diff, Edit};
use crate::report::crops::Crops;
use crate::report::svg::HeatCell;
use crate::report::{at, html_quote, html_text, kind_label};

/// A row of the synoptic view: a paragraph of the base (or several, when a variant spans
/// their break) and the other witness's text aligned with it.
pub(super) struct Row {
    a: Range<usize>,
    b: Range<usize>,
    /// The edits that start in the row.
    edits: Range<usize>,
}

/// The rows of a pair: the base cut at its paragraph starts, the other witness cut at the
/// corresponding places. The edits are an alignment (their A and B ranges both ascend, and
/// the text between two edits corresponds), so a cut between edits maps through the equal
/// stretch it falls in, and a cut inside an edit moves to the edit's start.
pub(super) fn rows(d: &Diff) -> Vec<Row> {
    let (a, b) = (&d.a.text, &d.b.text);
    let cuts: Vec<usize> = crate::segment::paragraphs(a)
        .into_iter()
        .map(|p| p.start)
        .filter(|&s| s > 0)
        .collect();
    let mut cuts = cuts.into_iter().peekable();
    let mut rows = Vec::new();
    let (mut row_a, mut row_b, mut row_e) = (0, 0, 0);
    let (mut ca, mut cb) = (0, 0);
    // Each edit's start, then the ends of the texts: the equal stretches end there.
    let starts = d.edits.iter().map(|e| (e.a.start, e.b.start));
    for (i, (ea, eb)) in starts.chain([(a.len(), b.len())]).enumerate() {
        // Cuts in the equal stretch [ca, ea) ↔ [cb, eb), or at the edit's start.
        while let Some(&p) = cuts.peek() {
            if p > ea {
                break;
            }
            cuts.next();
            if p <= row_a {
                continue;
            }
            let pb = map_equal(&a[ca..ea], &b[cb..eb], p - ca) + cb;
            rows.push(Row {
                a: row_a..p,
                b: row_b..pb.max(row_b),
                edits: row_e..i,
            });
            (row_a, row_b, row_e) = (p, pb.max(row_b), i);
        }
        if let Some(edit) = d.edits.get(i) {
            // Cuts inside the edit are dropped: the edit stays in one row.
            while cuts.peek().is_some_and(|&p| p < edit.a.end) {
                cuts.next();
            }
            (ca, cb) = (edit.a.end, edit.b.end);
        }
    }
    rows.push(Row {
        a: row_a..a.len(),
        b: row_b..b.len(),
        edits: row_e..d.edits.len(),
    });
    rows
}

/// The byte of `b` that corresponds to byte `at` of `a`, two stretches the comparison found
/// equal: the same byte when the stretches are the same bytes; otherwise (equal only under the
/// profile: width, case, layout) the same share of characters, moved to a line break of `b`
/// close by when there is one.
fn map_equal(a: &str, b: &str, at: usize) -> usize {
    if a == b {
        return at;
    }
    let (n_a, n_b) = (a.chars().count().max(1), b.chars().count());
    let target = a[..at].chars().count() * n_b / n_a;
    let byte = b.char_indices().nth(target).map_or(b.len(), |(i, _)| i);
    // A break within a few characters of the estimate is the paragraph's start.
    let window = 12;
    let lo = b[..byte]
        .char_indices()
        .rev()
        .nth(window)
        .map_or(0, |(i, _)| i);
    let hi = b[byte..]
        .char_indices()
        .nth(window)
        .map_or(b.len(), |(i, _)| byte + i);
    b[lo..hi]
        .match_indices('\n')
        .map(|(i, _)| lo + i + 1)
        .min_by_key(|&i| i.abs_diff(byte))
        .unwrap_or(byte)
}

/// The id of the variant (or block) `n` of the pair in the synoptic view; the inline view's
/// twin has `vi-…`.
pub(super) fn variant_id(p: &Pair, n: usize) -> String {
    format!("v-{}-{}-{n}", p.base, p.other)
}

/// The id of paragraph `k` of the pair's base in the synoptic view: its row's, or an anchor at
/// the start of its row when a variant joined it to the paragraph before.
pub(super) fn paragraph_id(p: &Pair, k: usize) -> String {
    format!("par-{}-{}-{k}", p.base, p.other)
}

/// Which side of a pair is written.
#[derive(Clone, Copy, PartialEq)]
enum Side {
    A,
    B,
}

/// The attributes every mark of edit `n` carries: class, kind, a short mark of the kind for
/// reading without colour, and the title with kind, severity and both positions.
fn attributes(d: &Diff, e: &Edit) -> (String, &'static str, String) {
    match e.change {
        Change::Block => (
            "var block substantive".into(),
            "block",
            "block: a passage only one witness has".into(),
        ),
        Change::Variant(v) => (
            format!("var {} {}", v.class.name(), v.kind.name()),
            v.kind.name(),
            format!(
                "{} ({}) at {} / {}",
                kind_label(v.kind.name(), v.causes),
                v.severity.name(),
                at(d.a.position(e.a.start)),
                at(d.b.position(e.b_reading().start))
            ),
        ),
    }
}

/// Characters of a block shown before the rest is folded away.
const BLOCK_HEAD: usize = 160;

/// One side of the edit: its reading on that side, a gap mark where that side has nothing.
fn mark(h: &mut String, d: &Diff, e: &Edit, side: Side, id: &str) {
    let (class, kind, title) = attributes(d, e);
    let text = match side {
        Side::A => &d.a.text[e.a.clone()],
        Side::B => &d.b.text[e.b.clone()],
    };
    let key = match side {
        Side::A => format!("id=\"{id}\""),
        Side::B => format!("data-for=\"{id}\""),
    };
    let _ = write!(
        h,
        "<span class=\"{class}\" data-kind=\"{kind}\" {key} title=\"{}\">",
        html_quote(&title)
    );
    let tag = if side == Side::A { "del" } else { "ins" };
    if text.is_empty() {
        *h += "<span class=\"gap\" aria-label=\"nothing here\">‸</span>";
    } else if e.change == Change::Block && text.chars().count() > BLOCK_HEAD {
        let cut = text
            .char_indices()
            .nth(BLOCK_HEAD)
            .map_or(text.len(), |(i, _)| i);
        let _ = write!(
            h,
            "<{tag}>{}</{tag}><details class=\"rest\"><summary>{} more characters</summary><{tag}>{}</{tag}></details>",
            html_text(&text[..cut]),
            text[cut..].chars().count(),
            html_text(&text[cut..])
        );
    } else {
        let _ = write!(h, "<{tag}>{}</{tag}>", html_text(text));
    }
    *h += "</span>";
}

/// One side of a row: the text with the marks of the row's edits.
fn side(
    h: &mut String,
    (d, p): (&Diff, &Pair),
    row: &Row,
    (side, lang): (Side, &str),
    (anchors, crops): (&[String], &mut Crops),
) {
    let (text, range) = match side {
        Side::A => (&d.a.text, &row.a),
        Side::B => (&d.b.text, &row.b),
    };
    let label = if side == Side::A {
        &d.a.label
    } else {
        &d.b.label
    };
    let _ = write!(
        h,
        "<div class=\"side {}\" lang=\"{}\" data-label=\"{}\">",
        if side == Side::A { "a" } else { "b" },
        lang,
        html_text(label)
    );
    for id in anchors {
        let _ = write!(h, "<a id=\"{id}\"></a>");
    }
    let mut cursor = range.start;
    for n in row.edits.clone() {
        let e = &d.edits[n];
        let r = if side == Side::A { &e.a } else { &e.b };
        *h += &html_text(&text[cursor..r.start.max(cursor)]);
        mark(h, d, e, side, &variant_id(p, n));
        cursor = r.end.max(cursor);
    }
    // The row ends the paragraph: its closing line breaks would only add blank lines.
    let rest = &text[cursor.min(range.end)..range.end];
    *h += &html_text(rest.trim_end_matches(['\n', '\r']));
    // The page image of each line with a substantive variant, once per line.
    let doc = if side == Side::A { d.a } else { d.b };
    let mut shown: Vec<String> = Vec::new();
    for e in &d.edits[row.edits.clone()] {
        let substantive = e.variant().is_none_or(|v| v.class == Class::Substantive);
        let at = if side == Side::A {
            e.a.start
        } else {
            e.b.start
        };
        let src = substantive.then(|| crops.line(doc, at, CROP_HEIGHT));
        if let Some(src) = src.flatten().filter(|s| !shown.contains(s)) {
            super::crop(h, &src, &crate::report::at(doc.position(at)));
            shown.push(src);
        }
    }
    *h += "</div>";
}

/// The synoptic view of a pair, and the heat-map cells of the base's paragraphs.
pub(super) fn synopsis(
    h: &mut String,
    a: &Audit,
    p: &Pair,
    layout: &Layout,
    crops: &mut Crops,
) -> Vec<HeatCell> {
    let d = a.diff(p);
    let rows = rows(&d);
    let langs = [lang(&d.a.text), lang(&d.b.text)];
    *h += "<div class=\"synopsis\">";
    let _ = write!(
        h,
        "<div class=\"row head\" aria-hidden=\"true\"><div class=\"side a\">{}</div><div class=\"side b\">{}</div></div>",
        html_text(&d.a.label),
        html_text(&d.b.label)
    );
    let starts: Vec<usize> = crate::segment::paragraphs(&d.a.text)
        .iter()
        .map(|r| r.start)
        .collect();
    for row in &rows {
        // The paragraphs of the row: the first names it, the others get anchors.
        let first = starts
            .partition_point(|&s| s <= row.a.start)
            .saturating_sub(1);
        let end = starts.partition_point(|&s| s < row.a.end);
        let _ = write!(h, "<div class=\"row\" id=\"{}\">", paragraph_id(p, first));
        let joined: Vec<String> = (first + 1..end).map(|k| paragraph_id(p, k)).collect();
        side(h, (&d, p), row, (Side::A, langs[0]), (&joined, &mut *crops));
        side(h, (&d, p), row, (Side::B, langs[1]), (&[], &mut *crops));
        *h += "</div>";
    }
    *h += "</div>";
    heat_cells(&d, p, &starts, layout)
}

/// One heat-map cell per paragraph of the base (a row may hold several, when a variant or a
/// block spans their breaks: the map still shows where in it the variants are), each counting
/// the edits that start in it and linking to its row.
fn heat_cells(d: &Diff, p: &Pair, starts: &[usize], layout: &Layout) -> Vec<HeatCell> {
    let mut edits: Vec<Vec<&Edit>> = vec![Vec::new(); starts.len()];
    for e in d.edits.iter().filter(|e| !e.is_move_arrival()) {
        let k = starts
            .partition_point(|&s| s <= e.a.start)
            .saturating_sub(1);
        if let Some(list) = edits.get_mut(k) {
            list.push(e);
        }
    }
    edits
        .iter()
        .enumerate()
        .map(|(k, list)| heat_cell(list, layout.pair_href(p, &paragraph_id(p, k)), k))
        .collect()
}

/// The heat-map cell of a paragraph: its variants by class and kind.
fn heat_cell(edits: &[&Edit], href: String, k: usize) -> HeatCell {
    let mut kinds: Vec<(&'static str, usize)> = Vec::new();
    let (mut cosmetic, mut blocks) = (0, 0);
    for e in edits {
        match e.change {
            Change::Block => blocks += 1,
            Change::Variant(v) if v.class == Class::Cosmetic => cosmetic += 1,
            Change::Variant(v) => match kinds.iter_mut().find(|(k, _)| *k == v.kind.name()) {
                Some((_, n)) => *n += 1,
                None => kinds.push((v.kind.name(), 1)),
            },
        }
    }
    kinds.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(y.0)));
    let substantive: usize = kinds.iter().map(|(_, n)| n).sum();
    let listed: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
    let title = format!(
        "¶{}: {substantive} substantive{}, {cosmetic} cosmetic{}",
        k + 1,
        if listed.is_empty() {
            String::new()
        } else {
            format!(" ({})", listed.join(", "))
        },
        if blocks > 0 {
            format!(", {blocks} block(s)")
        } else {
            String::new()
        }
    );
    HeatCell {
        href,
        title,
        kinds,
        cosmetic,
        blocks,
    }
}

/// The inline view: the base's text with each variant's two readings in place.
pub(super) fn inline(h: &mut String, a: &Audit, p: &Pair) {
    let d = a.diff(p);
    let _ = write!(
        h,
        "<div class=\"text inline\" lang=\"{}\" hidden>",
        lang(&d.a.text)
    );
    let mut cursor = 0;
    for (n, e) in d.edits.iter().enumerate() {
        *h += &html_text(&d.a.text[cursor..e.a.start]);
        let (class, kind, title) = attributes(&d, e);
        let (ra, rb) = (&d.a.text[e.a.clone()], &d.b.text[e.b.clone()]);
        let _ = write!(
            h,
            "<span class=\"{class}\" data-kind=\"{kind}\" id=\"vi-{}-{}-{n}\" title=\"{}\">",
            p.base,
            p.other,
            html_quote(&title)
        );
        if e.change == Change::Block {
            let (label, text) = if ra.is_empty() {
                (&d.b.label, rb)
            } else {
                (&d.a.label, ra)
            };
            let head: String = text.chars().take(60).collect();
            let _ = write!(
                h,
                "only in {} ({} characters): {}…",
                html_text(label),
                text.chars().count(),
                html_quote(&head)
            );
        } else {
            if !ra.is_empty() {
                let _ = write!(h, "<del>{}</del>", html_text(ra));
            }
            if !rb.is_empty() {
                let _ = write!(h, "<ins>{}</ins>", html_text(rb));
            }
        }
        *h += "</span>";
        cursor = e.a.end;
    }
    *h += &html_text(&d.a.text[cursor..]);
    *h += "</div>";
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Document;

    fn diff_rows(a: &str, b: &str) -> (Vec<(String, String)>, usize) {
        let da = Document::from_bytes("a", "a", a.as_bytes(), &Default::default()).unwrap();
        let db = Document::from_bytes("b", "b", b.as_bytes(), &Default::default()).unwrap();
        let d = crate::diff::diff(&da, &db, &Default::default());
        let rows = rows(&d);
        // Every edit is in exactly one row, in order.
        let mut next = 0;
        for r in &rows {
            assert_eq!(r.edits.start, next);
            next = r.edits.end;
        }
        assert_eq!(next, d.edits.len());
        (
            rows.iter()
                .map(|r| {
                    (
                        da.text[r.a.clone()].to_string(),
                        db.text[r.b.clone()].to_string(),
                    )
                })
                .collect(),
            d.edits.len(),
        )
    }

    #[test]
    fn rows_follow_the_paragraphs_of_the_base_and_cut_the_other_where_they_correspond() {
        let (rows, _) = diff_rows(
            "第一段有跨里海走廊。\n\n第二段相同。\n\n第三段。\n",
            "第一段有跨海走廊。\n\n第二段相同。\n\n第三段，多了。\n",
        );
        assert_eq!(
            rows,
            [
                (
                    "第一段有跨里海走廊。\n\n".into(),
                    "第一段有跨海走廊。\n\n".into()
                ),
                ("第二段相同。\n\n".into(), "第二段相同。\n\n".into()),
                ("第三段。\n".into(), "第三段，多了。\n".into()),
            ]
        );
    }

    #[test]
    fn a_variant_across_a_paragraph_break_keeps_the_two_paragraphs_in_one_row() {
        let (rows, edits) = diff_rows(
            "One paragraph here.\n\nAnother one there.\n\nA third stays.\n",
            "One paragraph here and another one there.\n\nA third stays.\n",
        );
        assert!(edits > 0);
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!(rows[1].0, "A third stays.\n");
        assert_eq!(rows[1].1, "A third stays.\n");
    }

    #[test]
    fn rows_cover_both_texts_in_order() {
        let a = "甲乙丙。\n\n丁戊己。\n\n庚辛壬。\n\n癸。\n";
        let b = "甲乙。\n\n丁戊己己。\n庚辛壬。\n\n\n癸子。\n";
        let (rows, _) = diff_rows(a, b);
        let (ja, jb): (String, String) = rows.iter().cloned().unzip();
        assert_eq!(ja, a);
        assert_eq!(jb, b);
    }
}
