//! The `witness audit` report: `report.json` (`witness/audit/1`, embedding the scan, diff,
//! collation and errata reports), `index.html` (one self-contained page), and the terminal
//! summary.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::{
    TOOL, Tool, at, csp_hash, escape_markup as escape, html_quote, html_text, kind_label, md,
    visible,
};
use crate::audit::{Audit, BaseChoice, totals};
use crate::classify::Class;
use crate::corpus::Skipped;
use crate::diff::Change;
use crate::errata::{Errata, Verdict};
use crate::scan::FindingKind;

/// The `witness/audit/1` report: every section typed, serialized once.
#[derive(serde::Serialize)]
struct AuditJson<'a> {
    schema: &'static str,
    tool: Tool,
    /// The counts every view prints (terminal, HTML cards).
    totals: TotalsJson,
    groups: Vec<GroupJson<'a>>,
    scan: super::scan::ScanJson<'a>,
    diffs: Vec<super::diff::DiffJson<'a>>,
    collations: Vec<super::collate::CollateJson<'a>>,
    errata: Vec<super::errata::ErrataJson<'a>>,
}

#[derive(serde::Serialize)]
struct TotalsJson {
    findings: usize,
    boilerplate: usize,
    substantive: usize,
    blocks: usize,
    cosmetic: usize,
    errata: usize,
}

/// A group of witnesses of one text, and how its base was chosen.
#[derive(serde::Serialize)]
struct GroupJson<'a> {
    base: &'a str,
    members: Vec<&'a str>,
    /// `designated` (ledger role, `--base`), `inferred` or `undecided`.
    base_choice: &'static str,
    /// Why, when the base was not designated.
    #[serde(skip_serializing_if = "str::is_empty")]
    reason: &'a str,
}

/// `report.json`.
pub fn json(a: &Audit, skipped: &[Skipped]) -> String {
    let path = |d: usize| a.scan.docs[d].path.as_str();
    let t = totals(a);
    super::to_json(&AuditJson {
        schema: "witness/audit/1",
        tool: TOOL,
        totals: TotalsJson {
            findings: t.findings,
            boilerplate: t.boilerplate,
            substantive: t.substantive,
            blocks: t.blocks,
            cosmetic: t.cosmetic,
            errata: t.errata,
        },
        groups: a
            .groups
            .iter()
            .map(|g| GroupJson {
                base: path(g.base),
                members: g.members.iter().map(|&d| path(d)).collect(),
                base_choice: g.choice.name(),
                reason: g.choice.reason(),
            })
            .collect(),
        scan: super::scan::tree(&a.scan, skipped),
        diffs: a
            .pairs
            .iter()
            .map(|p| super::diff::tree(&a.diff(p)))
            .collect(),
        collations: a.collations.iter().map(super::collate::tree).collect(),
        errata: a
            .errata
            .iter()
            .map(|(_, x)| super::errata::tree(x))
            .collect(),
    })
}

/// A file of the audit report that could not be written.
#[derive(Debug, thiserror::Error)]
#[error("{path}: cannot write the report there: {source}; choose another --out")]
pub struct WriteError {
    /// The file or directory.
    pub path: String,
    /// Why.
    #[source]
    pub source: std::io::Error,
}

/// The notice of a transcription whose base nobody named: which base, and why.
fn base_notice(a: &Audit, target: usize) -> Option<String> {
    let g = a.groups.iter().find(|g| g.members.contains(&target))?;
    (g.choice != BaseChoice::Designated).then(|| {
        format!(
            "The base, {}, was not named (no --base, no official role in a ledger): {}.",
            a.scan.docs[g.base].label,
            g.choice.reason()
        )
    })
}

/// `errata.md`: the errata of every transcription, one after the other, each after the
/// notice of an inferred base.
pub fn errata_markdown(a: &Audit) -> String {
    a.errata
        .iter()
        .map(|(t, x)| {
            let notice = base_notice(a, *t)
                .map(|n| format!("> {}\n\n", md(&n)))
                .unwrap_or_default();
            notice + &super::errata::markdown(x) + "\n"
        })
        .collect()
}

/// `errata.csv`: the errata of every transcription under one header.
pub fn errata_csv(a: &Audit) -> String {
    let mut out = String::new();
    for (i, (_, x)) in a.errata.iter().enumerate() {
        let csv = super::errata::csv(x);
        let body = match csv.split_once('\n') {
            Some((_, rows)) if i > 0 => rows,
            _ => &csv,
        };
        out += body;
    }
    out
}

/// Writes the report into `dir` (created if need be): `index.html`, `report.json`,
/// `errata.md`, `errata.csv`. Returns the bytes of `report.json`, whose digest the ledger
/// records.
pub fn write(a: &Audit, skipped: &[Skipped], dir: &std::path::Path) -> Result<String, WriteError> {
    let cannot = |p: &std::path::Path| {
        let path = p.display().to_string();
        move |source| WriteError { path, source }
    };
    std::fs::create_dir_all(dir).map_err(cannot(dir))?;
    let report_json = json(a, skipped);
    for (name, content) in [
        ("index.html", html(a)),
        ("report.json", report_json.clone()),
        ("errata.md", errata_markdown(a)),
        ("errata.csv", errata_csv(a)),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, content).map_err(cannot(&path))?;
    }
    Ok(report_json)
}

/// The terminal summary.
pub fn summary(a: &Audit, out_dir: &str) -> String {
    let mut s = format!("audited {} files\n", a.scan.docs.len());
    for d in a.scan.docs {
        let _ = writeln!(
            s,
            "  {}  {}, {} bytes",
            visible(&d.path),
            d.encoding.name(),
            d.byte_len
        );
    }
    let mut kinds: BTreeMap<FindingKind, usize> = BTreeMap::new();
    for f in &a.scan.findings {
        *kinds.entry(f.kind).or_insert(0) += 1;
    }
    let listed: Vec<String> = kinds
        .iter()
        .map(|(k, n)| format!("{} {n}", k.name()))
        .collect();
    let _ = writeln!(
        s,
        "findings: {}",
        if listed.is_empty() {
            "none".into()
        } else {
            listed.join(", ")
        }
    );
    for g in &a.groups {
        if g.choice != BaseChoice::Designated {
            let _ = writeln!(
                s,
                "base of {}: {}",
                visible(&a.scan.docs[g.base].label),
                visible(g.choice.reason())
            );
        }
    }
    for p in &a.pairs {
        let d = a.diff(p);
        let _ = writeln!(
            s,
            "witnesses of one text: {} (base) and {}: {} substantive variants, {} cosmetic; CER {:.2}% outside blocks",
            visible(&d.a.label),
            visible(&d.b.label),
            d.count(Class::Substantive),
            d.count(Class::Cosmetic),
            d.cer_aligned() * 100.0
        );
    }
    for (t, x) in &a.errata {
        let sure = x
            .entries
            .iter()
            .filter(|e| e.verdict == Verdict::Correct)
            .count();
        let _ = writeln!(
            s,
            "errata for {}: {} entries ({sure} corrections, {} uncertain or in its favour)",
            visible(&a.scan.docs[*t].label),
            x.entries.len(),
            x.entries.len() - sure
        );
    }
    let t = totals(a);
    let _ = writeln!(
        s,
        "totals: {} findings ({} of them boilerplate), {} substantive variants, {} blocks, {} cosmetic variants, {} errata entries",
        t.findings, t.boilerplate, t.substantive, t.blocks, t.cosmetic, t.errata
    );
    let _ = writeln!(
        s,
        "report: {}/index.html, report.json, errata.md, errata.csv",
        visible(out_dir)
    );
    s
}

const STYLE: &str = r#"
body{font:15px/1.6 "Noto Sans CJK SC","Source Han Sans SC","PingFang SC",system-ui,sans-serif;margin:0;color:#1d1d1f;background:#fafaf7}
header{background:#243447;color:#fff;padding:18px 32px}header h1{margin:0;font-size:22px}header p{margin:4px 0 0;opacity:.8}
main{padding:8px 32px 48px;max-width:1200px}.notice{background:#fff4d6;border-left:4px solid #c98a00;padding:8px 12px}h2{border-bottom:2px solid #243447;padding-bottom:4px;margin-top:36px}
table{border-collapse:collapse;width:100%;margin:12px 0;background:#fff}th,td{border:1px solid #ddd;padding:5px 8px;text-align:left;vertical-align:top}th{background:#eef1f4}
code{font-size:13px}.num{text-align:right}.cards{display:flex;gap:12px;flex-wrap:wrap}.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px 16px;min-width:140px}.card b{font-size:24px;display:block}
.text{background:#fff;border:1px solid #ddd;padding:14px 18px;white-space:pre-wrap;word-break:break-all;max-height:560px;overflow:auto}
.var{border-radius:3px;padding:0 1px}.var del{background:#ffd7d5;color:#8a1c12;text-decoration:line-through}.var ins{background:#d2f4d3;color:#14532d;text-decoration:none}
.var.cosmetic{opacity:.45}.var.cosmetic del,.var.cosmetic ins{background:#eee;color:#555}
.block{display:block;margin:6px 0;padding:4px 8px;background:#fff4d6;border-left:4px solid #e0a800;white-space:normal}
.filters label{margin-right:12px;white-space:nowrap}.muted{color:#777}a{color:#1a5fb4}
.hide-cosmetic .var.cosmetic:not(.invisible) ins,.var.off ins,.block.off{display:none}
.hide-cosmetic .var.cosmetic:not(.invisible) del,.var.off del{text-decoration:none;background:none;color:inherit}
.hide-cosmetic .var.cosmetic:not(.invisible),.var.off{opacity:1}
.var.invisible{opacity:1}
header h1,header p,h2,h3,td,th,.text,.var,.var del,.var ins,.block,.cp{unicode-bidi:isolate}
.cp{direction:ltr;display:inline-block;font:11px/1.3 ui-monospace,monospace;color:#8a1c12;background:#fff0ee;border:1px solid #c0392b;border-radius:3px;padding:0 2px;margin:0 1px;white-space:nowrap;text-decoration:none}
"#;

/// Every kind of variant met in the pairs, for the filter.
fn kinds_met(a: &Audit) -> BTreeSet<&'static str> {
    a.pairs
        .iter()
        .flat_map(|p| &p.comparison.edits)
        .map(|e| e.variant().map_or("block", |v| v.kind.name()))
        .collect()
}

/// The Content-Security-Policy of a page whose only style is [`STYLE`] and whose only script is
/// `script`: nothing loads from anywhere, and only these two inline elements run, by hash.
fn csp(script: Option<&str>) -> String {
    format!(
        "default-src 'none'; style-src {}; script-src {}; img-src data:; base-uri 'none'; form-action 'none'",
        csp_hash(STYLE),
        script.map_or("'none'".to_string(), csp_hash)
    )
}

/// The start of a page up to `<body>`: the policy first (a `<meta>` policy covers only what
/// follows it), the title, the style.
fn head(title: &str, script: Option<&str>) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh\"><head><meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-Policy\" content=\"{}\"><title>{title}</title><style>{STYLE}</style></head>",
        csp(script)
    )
}

/// `index.html`: one self-contained page (inline CSS and script, no network), under a strict
/// Content-Security-Policy that admits only that style and that script.
pub fn html(a: &Audit) -> String {
    let docs = &a.scan.docs;
    let mut h = head("witness audit", Some(SCRIPT));
    // Cosmetic variants start hidden, as in the text report; a checkbox shows them.
    h += "<body class=\"hide-cosmetic\">\n<header><h1>witness audit</h1><p>";
    let _ = write!(
        h,
        "{} files · profile {} · witness {}</p></header>\n<main>",
        docs.len(),
        a.corpus.profile().name(),
        env!("CARGO_PKG_VERSION")
    );
    overview(&mut h, a);
    for g in a
        .groups
        .iter()
        .filter(|g| g.choice != BaseChoice::Designated)
    {
        let _ = write!(
            h,
            "<p class=\"notice\">Base of {}: {}</p>",
            html_text(&docs[g.base].path),
            html_text(g.choice.reason())
        );
    }
    // Places that findings and errata link to in the documents below.
    let mut anchors: BTreeSet<(usize, usize)> = BTreeSet::new();
    // Errata.
    for (target, x) in &a.errata {
        let d = &docs[*target];
        let _ = write!(
            h,
            "<h2 id=\"errata{target}\">Errata: {}</h2>",
            html_text(&d.path)
        );
        errata_table(&mut h, *target, x, &mut anchors);
    }
    // Pairs, inline, with the filter.
    if !a.pairs.is_empty() {
        // The filter shows once the script runs: without it the checkboxes would do nothing.
        h += "<h2 id=\"variants\">Witnesses of one text</h2><p class=\"filters\" hidden>Show: ";
        for k in kinds_met(a) {
            let _ = write!(
                h,
                "<label><input type=\"checkbox\" checked data-kind=\"{k}\"> {k}</label>"
            );
        }
        h += "<label><input type=\"checkbox\" id=\"cosmetic\"> cosmetic</label></p>\n";
    }
    for p in &a.pairs {
        inline_pair(&mut h, a, p);
    }
    findings_table(&mut h, a, &mut anchors);
    // Documents, with an anchor at every place a finding or an erratum points to.
    h += "<h2 id=\"documents\">Documents</h2>";
    for (i, d) in docs.iter().enumerate() {
        let _ = write!(h, "<h3 id=\"doc{i}\">{}</h3>", html_text(&d.path));
        document_text(&mut h, i, &d.text, &anchors);
    }
    let _ = write!(h, "<script>{SCRIPT}</script>");
    h += "</main></body></html>\n";
    h
}

/// The overview: counts, and the files with their encodings and digests.
fn overview(h: &mut String, a: &Audit) {
    let docs = a.scan.docs;
    let t = totals(a);
    *h += "<h2 id=\"overview\">Overview</h2><div class=\"cards\">";
    for (label, n) in [
        ("files", docs.len()),
        ("findings", t.findings),
        ("of them boilerplate", t.boilerplate),
        ("substantive variants", t.substantive),
        ("blocks", t.blocks),
        ("cosmetic variants", t.cosmetic),
        ("errata entries", t.errata),
    ] {
        let _ = write!(*h, "<div class=\"card\"><b>{n}</b>{label}</div>");
    }
    *h += "</div>\n<table><tr><th>file</th><th>encoding</th><th class=\"num\">bytes</th><th>sha256</th></tr>";
    for (i, d) in docs.iter().enumerate() {
        let _ = write!(
            *h,
            "<tr><td><a href=\"#doc{i}\">{}</a></td><td>{}</td><td class=\"num\">{}</td><td><code>{}</code></td></tr>",
            html_text(&d.path),
            escape(d.encoding.name()),
            d.byte_len,
            &d.sha256[..16]
        );
    }
    *h += "</table>\n";
}

/// One pair of witnesses inline: the base's text with each variant marked by class and kind.
fn inline_pair(h: &mut String, a: &Audit, p: &crate::audit::Pair) {
    let d = a.diff(p);
    let _ = write!(
        *h,
        "<h3>{} → {}</h3><p class=\"muted\">{} substantive, {} cosmetic; CER {:.2}% outside blocks. <del>deleted in the second</del>, <ins>added in it</ins>.</p><div class=\"text\">",
        html_text(&d.a.label),
        html_text(&d.b.label),
        d.count(Class::Substantive),
        d.count(Class::Cosmetic),
        d.cer_aligned() * 100.0
    );
    let mut cursor = 0;
    for (n, e) in d.edits.iter().enumerate() {
        *h += &html_text(&d.a.text[cursor..e.a.start]);
        let (ra, rb) = (&d.a.text[e.a.clone()], &d.b.text[e.b.clone()]);
        match e.change {
            Change::Block => {
                let (side, text) = if ra.is_empty() {
                    (&d.b.label, rb)
                } else {
                    (&d.a.label, ra)
                };
                let head: String = text.chars().take(60).collect();
                let _ = write!(
                    *h,
                    "<span class=\"block var substantive\" data-kind=\"block\">only in {} ({} characters): {}…</span>",
                    html_text(side),
                    text.chars().count(),
                    html_quote(&head)
                );
            }
            Change::Variant(v) => {
                let _ = write!(
                    *h,
                    "<span class=\"var {} {}\" data-kind=\"{}\" id=\"p{}-{}-{n}\" title=\"{} ({}) at {} / {}\">",
                    v.class.name(),
                    v.kind.name(),
                    v.kind.name(),
                    p.base,
                    p.other,
                    html_quote(&kind_label(v.kind.name(), v.causes)),
                    v.severity.name(),
                    at(d.a.position(e.a.start)),
                    at(d.b.position(e.b_reading().start))
                );
                if !ra.is_empty() {
                    let _ = write!(*h, "<del>{}</del>", html_text(ra));
                }
                if !rb.is_empty() {
                    let _ = write!(*h, "<ins>{}</ins>", html_text(rb));
                }
                *h += "</span>";
            }
        }
        cursor = e.a.end;
    }
    *h += &html_text(&d.a.text[cursor..]);
    *h += "</div>\n";
}

/// Findings by kind, each location linked to its place in the documents below.
fn findings_table(h: &mut String, a: &Audit, anchors: &mut BTreeSet<(usize, usize)>) {
    let docs = a.scan.docs;
    // Findings by kind, each location linked.
    *h += "<h2 id=\"findings\">Findings</h2><table><tr><th>kind</th><th>similarity</th><th>locations</th><th>text</th></tr>";
    for f in &a.scan.findings {
        let locs: Vec<String> = f
            .locations
            .iter()
            .map(|l| {
                anchors.insert((l.doc, l.range.start));
                let d = &docs[l.doc];
                format!(
                    "<a href=\"#d{}-{}\">{} {}</a>",
                    l.doc,
                    l.range.start,
                    html_text(&d.label),
                    at(d.position(l.range.start))
                )
            })
            .collect();
        let first = &f.locations[0];
        let quote: String = docs[first.doc].text[first.range.clone()]
            .chars()
            .take(40)
            .collect();
        let _ = write!(
            *h,
            "<tr><td>{}</td><td class=\"num\">{:.3}</td><td>{}</td><td>{}</td></tr>",
            f.kind.name(),
            f.similarity,
            locs.join("<br>"),
            html_quote(&quote)
        );
    }
    *h += "</table>\n";
}

/// The errata of document `target` as a table whose locations link to anchors in the text.
fn errata_table(h: &mut String, target: usize, x: &Errata, anchors: &mut BTreeSet<(usize, usize)>) {
    *h += "<table class=\"errata\"><tr><th>location</th><th>found (in context)</th><th>should read</th><th>kind</th><th>confidence</th><th>evidence</th></tr>";
    let contexts = super::Contexts::new(x.docs[0]);
    for e in &x.entries {
        anchors.insert((target, e.range.start));
        let [location, rest @ ..] = super::errata::cells(x, e, &contexts);
        let _ = write!(
            h,
            "<tr><td><a href=\"#d{target}-{}\">{}</a></td>{}</tr>",
            e.range.start,
            escape(&location),
            rest.iter()
                .map(|c| format!("<td>{}</td>", html_text(c)))
                .collect::<String>()
        );
    }
    *h += "</table>\n";
}

/// A document's text, escaped, with an anchor at each of the given places.
fn document_text(h: &mut String, i: usize, text: &str, anchors: &BTreeSet<(usize, usize)>) {
    *h += "<div class=\"text\">";
    let mut cursor = 0;
    for &(_, at) in anchors.range((i, 0)..(i + 1, 0)) {
        *h += &html_text(&text[cursor..at]);
        let _ = write!(h, "<a id=\"d{i}-{at}\"></a>");
        cursor = at;
    }
    *h += &html_text(&text[cursor..]);
    *h += "</div>\n";
}

/// `witness errata --format html`: the errata table and the text it points into, one page.
pub fn errata_page(x: &Errata) -> String {
    let t = &x.docs[0];
    let mut h = head("witness errata", None);
    let _ = write!(
        h,
        "<body>\n<header><h1>Errata: {}</h1><p>witness {}</p></header>\n<main>",
        html_text(&t.path),
        env!("CARGO_PKG_VERSION")
    );
    let mut anchors = BTreeSet::new();
    errata_table(&mut h, 0, x, &mut anchors);
    let _ = write!(h, "<h2>{}</h2>", html_text(&t.path));
    document_text(&mut h, 0, &t.text, &anchors);
    h += "</main></body></html>\n";
    h
}

/// The filter: a checkbox per kind hides or shows its variants. The content of the page's one
/// `<script>` element, which the policy admits by its hash.
const SCRIPT: &str = r#"
document.querySelectorAll('.filters input[data-kind]').forEach(function(box){
  box.addEventListener('change', function(){
    // A variant switched off shows the first witness's reading as plain text.
    document.querySelectorAll('.var[data-kind="'+box.dataset.kind+'"]').forEach(function(v){ v.classList.toggle('off', !box.checked); });
  });
});
var c = document.getElementById('cosmetic');
if (c) { c.addEventListener('change', function(){ document.body.classList.toggle('hide-cosmetic', !c.checked); }); }
var f = document.querySelector('.filters');
if (f) { f.hidden = false; }
"#;
