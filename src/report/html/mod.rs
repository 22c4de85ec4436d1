//! The HTML report of an audit: `index.html`, a page to read the audit in — a table of
//! contents and a sticky header with a search box, pictures of where the witnesses differ,
//! the errata with a decision per entry (kept in the browser, exported as the decisions file
//! `witness apply` takes), each pair of witnesses side by side or inline, the findings sortable
//! and filterable, and the documents' text with an anchor at every place a finding or an
//! erratum points to. A collection of more than [`SPLIT_AT`] documents gets one page per
//! document and per pair beside the index, so the index stays small. Every page is
//! self-contained (inline CSS and script, no network) under a Content-Security-Policy that
//! admits only that style and that script.

mod pair;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use sha2::Digest as _;

use super::crops::Crops;
use super::svg::{self, MatrixDoc, MatrixPair};
use super::{csp_hash, escape_markup as escape, html_quote, html_text};
use crate::audit::{Audit, BaseChoice, Pair, totals};
use crate::classify::Class;
use crate::diff::Change;
use crate::errata::{Entry, Errata, Verdict};
use crate::scan::FindingKind;

/// Above this many documents the documents' text and the pairs get pages of their own.
pub const SPLIT_AT: usize = 200;

/// The documents of the similarity matrix at most: those sharing the most text.
const MATRIX_DOCS: usize = 60;

/// Sites of a collation drawn in its variant graph.
const GRAPH_SITES: usize = 8;

/// The height of the image of a line beside a variant or an erratum, in pixels at most.
const CROP_HEIGHT: u32 = 48;

/// Characters of a finding's text quoted in the findings table.
const QUOTE_CHARS: usize = 60;

const STYLE: &str = include_str!("report.css");
const SCRIPT: &str = include_str!("report.js");

/// A page of the report: its path under the report's directory, and its content.
pub struct Page {
    /// `index.html`, `docs/12.html`, `pairs/0-4.html`.
    pub path: String,
    /// The page.
    pub html: String,
}

/// Where the report's places are: on the index, or on pages of their own.
pub(super) struct Layout {
    split: bool,
    /// The prefix of links from the page being written to the index (`""` or `"../"`).
    up: &'static str,
}

impl Layout {
    fn of(a: &Audit) -> Layout {
        Layout {
            split: a.scan.docs.len() > SPLIT_AT,
            up: "",
        }
    }

    /// The same layout, seen from a page one directory down.
    fn below(&self) -> Layout {
        Layout {
            split: self.split,
            up: "../",
        }
    }

    /// A link to `id` in the view of pair `p`.
    fn pair_href(&self, p: &Pair, id: &str) -> String {
        if self.split {
            format!("{}pairs/{}-{}.html#{id}", self.up, p.base, p.other)
        } else {
            format!("#{id}")
        }
    }

    /// A link to byte `byte` of document `d`'s text.
    fn doc_href(&self, d: usize, byte: usize) -> String {
        if self.split {
            format!("{}docs/{d}.html#d{d}-{byte}", self.up)
        } else {
            format!("#d{d}-{byte}")
        }
    }

    /// A link to a section of the index.
    fn index(&self, id: &str) -> String {
        if self.split {
            format!("{}index.html#{id}", self.up)
        } else {
            format!("#{id}")
        }
    }
}

/// The language of a text, for `lang`: `zh`, `ja` or `ko` when ideographs, kana or hangul
/// are at least as many as Latin letters; `en` for Latin text with English's commonest words;
/// `und` otherwise (a French text is not English).
pub(crate) fn lang(text: &str) -> &'static str {
    let (mut han, mut kana, mut hangul, mut latin) = (0usize, 0usize, 0usize, 0usize);
    for c in text.chars().take(4000) {
        match c {
            '\u{3040}'..='\u{30FF}' => kana += 1,
            '\u{AC00}'..='\u{D7AF}' | '\u{1100}'..='\u{11FF}' => hangul += 1,
            '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' => han += 1,
            '\u{20000}'..='\u{3FFFF}' => han += 1,
            c if c.is_ascii_alphabetic() => latin += 1,
            _ => {}
        }
    }
    let cjk = han + kana + hangul;
    if cjk > 0 && cjk >= latin {
        return if kana * 10 > cjk {
            "ja"
        } else if hangul > han {
            "ko"
        } else {
            "zh"
        };
    }
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .take(1000)
        .map(str::to_lowercase)
        .collect();
    let common = words
        .iter()
        .filter(|w| matches!(w.as_str(), "the" | "and" | "of" | "to" | "is" | "in"))
        .count();
    if words.len() >= 5 && common * 20 >= words.len() {
        "en"
    } else {
        "und"
    }
}

/// The Content-Security-Policy of a page whose only style is [`STYLE`] and whose only script
/// is `script`: nothing loads from anywhere, only these two inline elements run, by hash.
fn csp(script: Option<&str>) -> String {
    format!(
        "default-src 'none'; style-src {}; script-src {}; img-src data:; base-uri 'none'; form-action 'none'",
        csp_hash(STYLE),
        script.map_or("'none'".to_string(), csp_hash)
    )
}

/// The start of a page up to `<body>`: the policy first (a `<meta>` policy covers only what
/// follows it), the title, the style.
fn head(title: &str, script: bool) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-Policy\" content=\"{}\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><style>{STYLE}</style></head>",
        csp(script.then_some(SCRIPT)),
        html_text(title)
    )
}

/// The end of a page: the script, which the policy admits by its hash.
fn tail() -> String {
    format!("<script>{SCRIPT}</script></body></html>\n")
}

/// The sticky header: title, a line of facts, the table of contents and the search box
/// (shown once the script runs: without it, it would do nothing).
fn header(h: &mut String, title: &str, meta: &str, toc: &[(String, &str)]) {
    let _ = write!(
        h,
        "<header class=\"top\"><div class=\"title\"><h1>{}</h1><p class=\"meta\">{}</p></div><nav id=\"toc\" aria-label=\"Contents\">",
        html_text(title),
        html_text(meta)
    );
    for (href, label) in toc {
        let _ = write!(h, "<a href=\"{}\">{label}</a>", escape(href));
    }
    *h += "</nav><div class=\"search\" role=\"search\" hidden><input type=\"search\" id=\"search\" placeholder=\"Find in the text\" aria-label=\"Find in the text\"><output id=\"search-count\" for=\"search\"></output></div></header>\n";
}

/// An id of the audit for the browser's storage of decisions: the documents and the errata's
/// entries, so that a report of other texts or other entries never inherits decisions.
fn report_id(a: &Audit) -> String {
    let mut h = sha2::Sha256::new();
    for d in a.scan.docs {
        h.update(d.text_sha256.as_bytes());
    }
    for (_, x) in &a.errata {
        for f in crate::diagnostics::errata_fingerprints(x) {
            h.update(f.as_bytes());
        }
    }
    h.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The pages of the report: `index.html` first.
pub fn audit_pages(a: &Audit) -> Vec<Page> {
    let layout = Layout::of(a);
    let docs = a.scan.docs;
    let t = totals(a);
    let mut h = head("witness audit", true);
    let _ = write!(
        h,
        "<body class=\"hide-cosmetic\" data-report=\"{}\">",
        report_id(a)
    );
    let with_errata = a.errata.iter().any(|(_, x)| !x.entries.is_empty());
    let mut toc = vec![("#overview".to_string(), "Overview")];
    if !a.pairs.is_empty() || t.substantive > 0 || !a.scan.coverage.is_empty() {
        toc.push(("#pictures".into(), "Pictures"));
    }
    if with_errata {
        toc.push(("#errata".into(), "Errata"));
    }
    if !a.pairs.is_empty() {
        toc.push(("#witnesses".into(), "Witnesses"));
    }
    toc.push(("#findings".into(), "Findings"));
    toc.push(("#documents".into(), "Documents"));
    header(
        &mut h,
        "witness audit",
        &format!(
            "{} files · profile {} · witness {}",
            docs.len(),
            a.corpus.profile().name(),
            env!("CARGO_PKG_VERSION")
        ),
        &toc,
    );
    h += "<main>";
    overview(&mut h, a);
    let mut pages = Vec::new();
    // Page images, decoded once each, for the lines beside variants and errata.
    let mut crops = Crops::new();
    // The pairs' views first: they give the heat maps their cells.
    let mut heat = Vec::with_capacity(a.pairs.len());
    let mut views = String::new();
    for p in &a.pairs {
        let mut view = String::new();
        heat.push(pair_view(&mut view, a, p, &layout, &mut crops));
        if layout.split {
            let below = layout.below();
            let mut page = head(
                &format!("{} → {}", docs[p.base].label, docs[p.other].label),
                true,
            );
            page += "<body class=\"hide-cosmetic\">";
            header(
                &mut page,
                "witness audit",
                &format!("{} → {}", docs[p.base].label, docs[p.other].label),
                &[(below.index("witnesses"), "Back to the audit")],
            );
            page += "<main>";
            // The view has no links: only the heat-map cells returned with it do.
            filters(&mut page, a);
            page += &view;
            page += "</main>";
            page += &tail();
            pages.push(Page {
                path: format!("pairs/{}-{}.html", p.base, p.other),
                html: page,
            });
        } else {
            views += &view;
        }
    }
    pictures(&mut h, a, &heat);
    let mut anchors: BTreeSet<(usize, usize)> = BTreeSet::new();
    if with_errata {
        h += "<section id=\"errata\"><h2>Errata</h2>";
        for (target, x) in a.errata.iter().filter(|(_, x)| !x.entries.is_empty()) {
            errata_section(&mut h, a, (*target, x), &layout, &mut anchors, &mut crops);
        }
        h += "</section>\n";
    }
    if !a.pairs.is_empty() {
        h += "<section id=\"witnesses\"><h2>Witnesses of one text</h2>";
        if layout.split {
            pair_list(&mut h, a, &layout);
        } else {
            filters(&mut h, a);
            h += &views;
        }
        h += "</section>\n";
    }
    findings_table(&mut h, a, &layout, &mut anchors);
    documents(&mut h, a, &layout, &anchors, &mut pages);
    h += "</main>";
    h += &tail();
    pages.insert(
        0,
        Page {
            path: "index.html".into(),
            html: h,
        },
    );
    pages
}

/// The counts, and how each unnamed base was chosen.
fn overview(h: &mut String, a: &Audit) {
    let t = totals(a);
    *h += "<section id=\"overview\"><h2>Overview</h2><div class=\"cards\">";
    for (key, label, n) in [
        ("files", "files", a.scan.docs.len()),
        ("findings", "findings", t.findings),
        ("boilerplate", "of them boilerplate", t.boilerplate),
        ("substantive", "substantive variants", t.substantive),
        ("blocks", "blocks", t.blocks),
        ("cosmetic", "cosmetic variants", t.cosmetic),
        ("errata", "errata entries", t.errata),
    ] {
        let _ = write!(
            h,
            "<div class=\"card\" data-total=\"{key}\"><b>{n}</b>{label}</div>"
        );
    }
    *h += "</div>";
    for g in a
        .groups
        .iter()
        .filter(|g| g.choice != BaseChoice::Designated)
    {
        let _ = write!(
            h,
            "<p class=\"notice\">Base of {}: {}</p>",
            html_text(&a.scan.docs[g.base].label),
            html_text(g.choice.reason())
        );
    }
    *h += "</section>\n";
}

/// The pictures: substantive kinds and causes, a heat map per pair, the similarity matrix,
/// the variant graph of each collation.
fn pictures(h: &mut String, a: &Audit, heat: &[Vec<svg::HeatCell>]) {
    let mut kinds: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut causes: BTreeMap<&'static str, usize> = BTreeMap::new();
    for p in &a.pairs {
        for (_, v) in a.diff(p).variants() {
            if v.class == Class::Substantive {
                *kinds.entry(v.kind.name()).or_insert(0) += 1;
                if v.kind == crate::classify::Kind::Substitution {
                    super::count_causes(&mut causes, v.causes, 1);
                }
            }
        }
    }
    let matrix = matrix(a);
    if kinds.is_empty() && heat.is_empty() && matrix.is_none() && a.collations.is_empty() {
        return;
    }
    *h += "<section id=\"pictures\"><h2>Pictures</h2><div class=\"figures\">";
    if !kinds.is_empty() {
        let mut bars: Vec<(String, usize, &'static str)> = kinds
            .iter()
            .map(|(k, n)| (k.to_string(), *n, "substantive"))
            .collect();
        bars.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
        let _ = write!(
            h,
            "<figure class=\"chart-kinds\">{}<figcaption>Substantive variants by kind, over every pair.</figcaption></figure>",
            svg::bar_chart("Substantive variants by kind", &bars)
        );
    }
    if !causes.is_empty() {
        let bars: Vec<(String, usize, &'static str)> = crate::cause::Cause::ALL
            .iter()
            .map(|c| c.name())
            .chain(["none"])
            .filter_map(|c| causes.get(c).map(|n| (c.to_string(), *n, "cause")))
            .collect();
        let _ = write!(
            h,
            "<figure class=\"chart-causes\">{}<figcaption>Why the substitutions may have happened (a substitution may have several causes).</figcaption></figure>",
            svg::bar_chart("Causes of substitutions", &bars)
        );
    }
    if let Some(m) = matrix {
        *h += &m;
    }
    h.push_str("</div>");
    for (p, cells) in a.pairs.iter().zip(heat) {
        let (b, o) = (&a.scan.docs[p.base], &a.scan.docs[p.other]);
        let label = format!(
            "Variants along {} against {}, by paragraph",
            b.label, o.label
        );
        let _ = write!(
            h,
            "<figure class=\"heat\" data-pair=\"{}-{}\">{}<figcaption>{}: one cell per paragraph of {}; darker is more variants; hatched cells have substantive ones, dotted cells cosmetic only. A cell opens its paragraph.</figcaption></figure>",
            p.base,
            p.other,
            svg::heat_map(&label, cells, 24),
            html_text(&format!("{} → {}", b.label, o.label)),
            html_text(&b.label)
        );
    }
    for c in &a.collations {
        let end = c.sites.len().min(GRAPH_SITES);
        if end == 0 {
            continue;
        }
        let sigla: Vec<&str> = c.docs.iter().map(|d| d.label.as_str()).collect();
        let _ = write!(
            h,
            "<figure class=\"graph-fig\">{}<figcaption>Variant graph of the first {end} sites of {}: the base text between sites is shared; each path is labelled by the witnesses that read it.</figcaption></figure>",
            svg::variant_graph(c, 0..end),
            html_text(&sigla.join(", "))
        );
    }
    *h += "</section>\n";
}

/// The similarity matrix of the documents that share text (at most [`MATRIX_DOCS`]: those
/// sharing the most), or `None` when fewer than two do.
fn matrix(a: &Audit) -> Option<String> {
    let share = |c: &crate::scan::Coverage| {
        let total = (c.a_chars + c.b_chars).max(1);
        (c.a_shared + c.b_shared) as f64 / total as f64
    };
    let mut weight: BTreeMap<usize, f64> = BTreeMap::new();
    for c in &a.scan.coverage {
        *weight.entry(c.a).or_insert(0.0) += share(c);
        *weight.entry(c.b).or_insert(0.0) += share(c);
    }
    if weight.len() < 2 {
        return None;
    }
    let mut chosen: Vec<usize> = weight.keys().copied().collect();
    chosen.sort_by(|x, y| weight[y].total_cmp(&weight[x]).then(x.cmp(y)));
    chosen.truncate(MATRIX_DOCS);
    chosen.sort_unstable();
    let at = |d: usize| chosen.binary_search(&d).ok();
    let pairs: Vec<MatrixPair> = a
        .scan
        .coverage
        .iter()
        .filter_map(|c| {
            Some(MatrixPair {
                a: at(c.a)?,
                b: at(c.b)?,
                coverage: share(c),
            })
        })
        .collect();
    let docs: Vec<MatrixDoc> = chosen
        .iter()
        .map(|&d| MatrixDoc {
            id: d,
            label: a.scan.docs[d].label.clone(),
            href: Layout::of(a).doc_href(d, 0),
        })
        .collect();
    let of = if weight.len() > chosen.len() {
        format!(
            " (the {} of {} that share the most)",
            chosen.len(),
            weight.len()
        )
    } else {
        String::new()
    };
    // Every cell of a small matrix; of a larger one, the pairs that share text (the others
    // are white anyway, and 60 × 60 cells would weigh 0.7 MB).
    let drawn = if docs.len() <= 20 {
        svg::similarity_matrix(&docs, &pairs)
    } else {
        svg::similarity_matrix_shared_only(&docs, &pairs)
    };
    Some(format!(
        "<figure class=\"matrix-fig\">{drawn}<figcaption>Documents that share text{of}, ordered so that groups stand together: each cell is the share of the two texts that they have in common.</figcaption></figure>"
    ))
}

/// The filter of the pair views: a checkbox per substantive kind met (and for invisible
/// characters, shown among hidden cosmetic variants), and one for cosmetic variants.
fn filters(h: &mut String, a: &Audit) {
    let kinds: BTreeSet<&'static str> = a
        .pairs
        .iter()
        .flat_map(|p| &p.comparison.edits)
        .filter_map(|e| match e.change {
            Change::Block => Some("block"),
            // Invisible characters show even among hidden cosmetic variants: they get a box.
            Change::Variant(v) => (v.class == Class::Substantive
                || v.kind == crate::classify::Kind::Invisible)
                .then(|| v.kind.name()),
        })
        .collect();
    *h += "<p class=\"filters\" hidden>Show: ";
    for k in kinds {
        let _ = write!(
            h,
            "<label><input type=\"checkbox\" checked data-kind=\"{k}\"> {k}</label>"
        );
    }
    *h += "<label><input type=\"checkbox\" id=\"cosmetic\"> cosmetic variants</label></p>\n";
}

/// One pair: its counts, the switch between the views, the synoptic and the inline view.
/// Returns the heat-map cells of its rows.
fn pair_view(
    h: &mut String,
    a: &Audit,
    p: &Pair,
    layout: &Layout,
    crops: &mut Crops,
) -> Vec<svg::HeatCell> {
    let d = a.diff(p);
    let _ = write!(
        h,
        "<div class=\"pair\" id=\"pair-{}-{}\"><h3>{} → {}</h3><p class=\"muted\">{} substantive, {} cosmetic; CER {:.2}% outside blocks. <del>Only in the first</del>, <ins>only in the second</ins>.</p>",
        p.base,
        p.other,
        html_text(&d.a.label),
        html_text(&d.b.label),
        d.count(Class::Substantive),
        d.count(Class::Cosmetic),
        d.cer_aligned() * 100.0
    );
    *h += "<div class=\"view-switch\" role=\"group\" aria-label=\"View\" hidden><button type=\"button\" data-view=\"synoptic\" aria-pressed=\"true\">Side by side</button><button type=\"button\" data-view=\"inline\" aria-pressed=\"false\">Inline</button></div>";
    let cells = pair::synopsis(h, a, p, layout, crops);
    pair::inline(h, a, p);
    *h += "</div>\n";
    cells
}

/// For a split report: the pairs as a table, each linking to its page.
fn pair_list(h: &mut String, a: &Audit, layout: &Layout) {
    *h += "<table class=\"stack pairs\"><thead><tr><th>base</th><th>other</th><th class=\"num\">substantive</th><th class=\"num\">cosmetic</th><th class=\"num\">CER</th></tr></thead><tbody>";
    for p in &a.pairs {
        let d = a.diff(p);
        let _ = write!(
            h,
            "<tr><td data-label=\"base\"><a href=\"{}\">{}</a></td><td data-label=\"other\">{}</td><td class=\"num\" data-label=\"substantive\">{}</td><td class=\"num\" data-label=\"cosmetic\">{}</td><td class=\"num\" data-label=\"CER\">{:.2}%</td></tr>",
            escape(&layout.pair_href(p, &format!("pair-{}-{}", p.base, p.other))),
            html_text(&d.a.label),
            html_text(&d.b.label),
            d.count(Class::Substantive),
            d.count(Class::Cosmetic),
            d.cer_aligned() * 100.0
        );
    }
    *h += "</tbody></table>";
}

/// Where an entry's row links: the variant it comes from in the pair's view, or its place in
/// the target's text.
fn entry_href(
    a: &Audit,
    target: usize,
    e: &Entry,
    layout: &Layout,
    anchors: &mut BTreeSet<(usize, usize)>,
) -> String {
    let variant = a.pairs.iter().find(|p| p.other == target).and_then(|p| {
        let edits = &p.comparison.edits;
        let n = edits
            .iter()
            .position(|ed| ed.b_reading() == e.range && !ed.is_move_arrival())
            .or_else(|| {
                edits
                    .iter()
                    .position(|ed| ed.b.start <= e.range.start && e.range.end <= ed.b.end)
            })?;
        Some(layout.pair_href(p, &pair::variant_id(p, n)))
    });
    variant.unwrap_or_else(|| {
        anchors.insert((target, e.range.start));
        layout.doc_href(target, e.range.start)
    })
}

/// The errata of one target: the table with a decision per row, the export of the decisions.
fn errata_section(
    h: &mut String,
    a: &Audit,
    (target, x): (usize, &Errata),
    layout: &Layout,
    anchors: &mut BTreeSet<(usize, usize)>,
    crops: &mut Crops,
) {
    let d = &a.scan.docs[target];
    let _ = write!(h, "<h3 id=\"errata-{target}\">{}</h3>", html_text(&d.label));
    if let Some(n) = super::audit::base_notice(a, target) {
        let _ = write!(h, "<p class=\"notice\">{}</p>", html_text(&n));
    }
    let hrefs: Vec<String> = x
        .entries
        .iter()
        .map(|e| entry_href(a, target, e, layout, anchors))
        .collect();
    errata_table(h, target, x, &hrefs, true, crops);
    let _ = write!(
        h,
        "<div class=\"decisions\" hidden><button type=\"button\" class=\"export\" data-doc=\"{target}\" data-file=\"decisions-{}.json\">Export decisions</button> <span class=\"muted\">for <code>witness apply errata/{}.json {} --decisions FILE</code>; undecided entries follow the errata's verdict.</span><pre class=\"decisions-json\" id=\"decisions-{target}\"></pre></div>",
        escape(&file_label(&d.label)),
        escape(&file_label(&d.label)),
        html_text(&d.path)
    );
}

/// A document's label as a file name: characters that a file system or a shell would read
/// otherwise become `_`.
pub fn file_label(label: &str) -> String {
    label
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The rows of an errata table; with `decide`, a decision per row.
fn errata_table(
    h: &mut String,
    target: usize,
    x: &Errata,
    hrefs: &[String],
    decide: bool,
    crops: &mut Crops,
) {
    const HEADS: [&str; 6] = [
        "location",
        "found (in context)",
        "should read",
        "kind",
        "confidence",
        "evidence",
    ];
    let _ = write!(
        h,
        "<table class=\"errata stack\" data-doc=\"{target}\"><thead><tr>"
    );
    for head in HEADS {
        let _ = write!(h, "<th>{head}</th>");
    }
    if decide {
        *h += "<th>decision</th>";
    }
    *h += "</tr></thead><tbody>";
    let contexts = super::Contexts::new(x.docs[0]);
    let fingerprints = crate::diagnostics::errata_fingerprints(x);
    for (n, (e, href)) in x.entries.iter().zip(hrefs).enumerate() {
        let [location, rest @ ..] = super::errata::cells(x, e, &contexts);
        let _ = write!(
            h,
            "<tr class=\"erratum {}\" id=\"e-{target}-{n}\" data-fingerprint=\"{}\"><td data-label=\"{}\"><a class=\"goto\" href=\"{}\">{}</a></td>",
            match e.verdict {
                Verdict::Correct => "correct",
                Verdict::TargetRight => "target-right",
                Verdict::Uncertain => "uncertain",
            },
            fingerprints[n],
            HEADS[0],
            escape(href),
            escape(&location)
        );
        for (i, (head, cell)) in HEADS[1..].iter().zip(rest).enumerate() {
            let _ = write!(h, "<td data-label=\"{head}\">{}", html_text(&cell));
            // The line's image beside what the transcription reads there.
            if let Some(src) = (i == 0)
                .then(|| crops.line(x.docs[0], e.range.start, CROP_HEIGHT))
                .flatten()
            {
                crop(h, &src, &location);
            }
            *h += "</td>";
        }
        if decide {
            *h += "<td class=\"decide\" data-label=\"decision\"><button type=\"button\" data-decision=\"accept\" aria-pressed=\"false\">Apply</button><button type=\"button\" data-decision=\"reject\" aria-pressed=\"false\">Keep the text</button></td>";
        }
        *h += "</tr>";
    }
    *h += "</tbody></table>\n";
}

/// An image of a line of the page a transcription was read from.
pub(super) fn crop(h: &mut String, src: &str, at: &str) {
    let _ = write!(
        h,
        "<img class=\"crop\" src=\"{src}\" alt=\"the page image of the line at {}\">",
        escape(at)
    );
}

/// The start of a finding's text: at most `max` characters, cut between words in a spaced
/// script, with an ellipsis when cut.
fn quote(text: &str, max: usize) -> String {
    let Some((cut, _)) = text.char_indices().nth(max) else {
        return text.to_string();
    };
    let word = |c: char| c.is_alphanumeric() && !crate::chars::is_cjk(c);
    let mut end = cut;
    if text[..cut].chars().next_back().is_some_and(word)
        && text[cut..].chars().next().is_some_and(word)
    {
        // The cut is inside a word: back to the space before it, unless it is the only word.
        if let Some(space) = text[..cut].rfind(char::is_whitespace) {
            end = space;
        }
    }
    format!("{}…", text[..end].trim_end())
}

/// The findings: sortable by kind, file, size and similarity, filterable by kind and file.
fn findings_table(
    h: &mut String,
    a: &Audit,
    layout: &Layout,
    anchors: &mut BTreeSet<(usize, usize)>,
) {
    let docs = a.scan.docs;
    *h += "<section id=\"findings\"><h2>Findings</h2>";
    if a.scan.findings.is_empty() {
        *h += "<p>No findings.</p></section>\n";
        return;
    }
    let kinds: BTreeSet<&'static str> = a.scan.findings.iter().map(|f| f.kind.name()).collect();
    *h += "<p class=\"table-filters\" hidden><label>Kind <select id=\"finding-kind\"><option value=\"\">all</option>";
    for k in kinds {
        let _ = write!(h, "<option>{k}</option>");
    }
    let _ = write!(
        h,
        "</select></label> <label>File <input type=\"search\" id=\"finding-file\" placeholder=\"part of a name\"></label> <output id=\"findings-shown\">{} of {}</output></p>",
        a.scan.findings.len(),
        a.scan.findings.len()
    );
    *h += "<table class=\"findings stack\"><thead><tr>";
    for (key, label) in [
        ("kind", "kind"),
        ("similarity", "similarity"),
        ("size", "characters"),
        ("file", "locations"),
    ] {
        let _ = write!(
            h,
            "<th aria-sort=\"none\"><button type=\"button\" data-sort=\"{key}\">{label}</button></th>"
        );
    }
    *h += "<th>text</th></tr></thead><tbody>";
    for f in &a.scan.findings {
        let first = &f.locations[0];
        let text = &docs[first.doc].text[first.range.clone()];
        let size = text.chars().count();
        let locs: Vec<String> = f
            .locations
            .iter()
            .map(|l| {
                anchors.insert((l.doc, l.range.start));
                let d = &docs[l.doc];
                format!(
                    "<a href=\"{}\">{} {}</a>",
                    escape(&layout.doc_href(l.doc, l.range.start)),
                    html_text(&d.label),
                    super::at(d.position(l.range.start))
                )
            })
            .collect();
        let boilerplate = f.kind == FindingKind::Boilerplate;
        let _ = write!(
            h,
            "<tr class=\"finding {}{}\" data-kind=\"{}\" data-file=\"{}\" data-size=\"{size}\" data-similarity=\"{:.3}\"><td data-label=\"kind\">{}{}</td><td class=\"num\" data-label=\"similarity\">{:.3}</td><td class=\"num\" data-label=\"characters\">{size}</td><td data-label=\"locations\">{}</td><td data-label=\"text\" lang=\"{}\">{}</td></tr>",
            f.kind.name(),
            if boilerplate { " boilerplate" } else { "" },
            f.kind.name(),
            escape(&docs[first.doc].label),
            f.similarity,
            f.kind.name(),
            if boilerplate {
                " <span class=\"tag\">boilerplate: repeated across files, not an error</span>"
            } else {
                ""
            },
            f.similarity,
            locs.join("<br>"),
            lang(text),
            html_quote(&quote(text, QUOTE_CHARS))
        );
    }
    *h += "</tbody></table></section>\n";
}

/// The documents: a table of the files, and each text with an anchor at the given places —
/// on the index, or on a page each for a split report.
fn documents(
    h: &mut String,
    a: &Audit,
    layout: &Layout,
    anchors: &BTreeSet<(usize, usize)>,
    pages: &mut Vec<Page>,
) {
    *h += "<section id=\"documents\"><h2>Documents</h2><table class=\"stack files\"><thead><tr><th>file</th><th>encoding</th><th class=\"num\">bytes</th><th>sha256</th></tr></thead><tbody>";
    for (i, d) in a.scan.docs.iter().enumerate() {
        let href = if layout.split {
            format!("docs/{i}.html")
        } else {
            format!("#doc{i}")
        };
        let _ = write!(
            h,
            "<tr><td data-label=\"file\"><a href=\"{href}\">{}</a></td><td data-label=\"encoding\">{}</td><td class=\"num\" data-label=\"bytes\">{}</td><td data-label=\"sha256\"><code>{}</code></td></tr>",
            html_text(&d.path),
            escape(d.encoding.name()),
            d.byte_len,
            &d.sha256[..16]
        );
    }
    *h += "</tbody></table>";
    for (i, d) in a.scan.docs.iter().enumerate() {
        let mut article = String::new();
        document_text(&mut article, i, &d.text, anchors);
        if layout.split {
            let below = layout.below();
            // A text to read and link into: no script (the header's search stays hidden; the
            // browser's own find works), which also keeps thousands of such pages small.
            let mut page = head(&d.label, false);
            page += "<body>";
            header(
                &mut page,
                &d.label,
                &format!("{} · {}, {} bytes", d.path, d.encoding.name(), d.byte_len),
                &[(below.index("documents"), "Back to the audit")],
            );
            page += "<main>";
            page += &article;
            page += "</main></body></html>\n";
            pages.push(Page {
                path: format!("docs/{i}.html"),
                html: page,
            });
        } else {
            let _ = write!(
                h,
                "<details class=\"doc-wrap\"><summary>{}</summary>{article}</details>",
                html_text(&d.path)
            );
        }
    }
    *h += "</section>\n";
}

/// A document's text, escaped, with an anchor at each of the given places.
fn document_text(h: &mut String, i: usize, text: &str, anchors: &BTreeSet<(usize, usize)>) {
    let _ = write!(
        h,
        "<article class=\"doc text\" id=\"doc{i}\" lang=\"{}\">",
        lang(text)
    );
    let mut cursor = 0;
    for &(_, at) in anchors.range((i, 0)..(i + 1, 0)) {
        *h += &html_text(&text[cursor..at]);
        let _ = write!(h, "<a id=\"d{i}-{at}\"></a>");
        cursor = at;
    }
    *h += &html_text(&text[cursor..]);
    *h += "</article>\n";
}

/// `witness errata --format html`: the errata table and the text it points into, one page.
pub fn errata_page(x: &Errata) -> String {
    let t = &x.docs[0];
    let mut h = head("witness errata", false);
    h += "<body>";
    header(
        &mut h,
        &format!("Errata: {}", t.path),
        &format!("witness {}", env!("CARGO_PKG_VERSION")),
        &[],
    );
    h += "<main>";
    let mut anchors = BTreeSet::new();
    let hrefs: Vec<String> = x
        .entries
        .iter()
        .map(|e| {
            anchors.insert((0, e.range.start));
            format!("#d0-{}", e.range.start)
        })
        .collect();
    errata_table(&mut h, 0, x, &hrefs, false, &mut Crops::new());
    let _ = write!(h, "<h2>{}</h2>", html_text(&t.path));
    document_text(&mut h, 0, &t.text, &anchors);
    h += "</main></body></html>\n";
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_are_told_by_script_and_by_english_words() {
        assert_eq!(lang("中国愿同各方一道，推动共建“一带一路”。"), "zh");
        assert_eq!(lang("これは日本語の文章です。"), "ja");
        assert_eq!(lang("한국어 문장입니다."), "ko");
        assert_eq!(
            lang("The council reviewed the plan and approved it unanimously."),
            "en"
        );
        assert_eq!(
            lang("Le conseil a examiné le plan et l'a approuvé à l'unanimité."),
            "und"
        );
    }

    #[test]
    fn quotes_are_cut_between_words_in_spaced_scripts_and_anywhere_in_chinese() {
        assert_eq!(
            quote("The council reviewed the plan unanimously", 17),
            "The council…"
        );
        assert_eq!(quote("中国愿同各方一道推动共建", 4), "中国愿同…");
        assert_eq!(quote("short", 10), "short");
    }

    #[test]
    fn labels_become_file_names() {
        assert_eq!(file_label("004_74678af65d43f56c"), "004_74678af65d43f56c");
        assert_eq!(file_label("a b/../c"), "a_b_.._c");
    }
}
