//! The `witness audit` report: `report.json` (`witness/audit/1`, embedding the scan, diff,
//! collation and errata reports), `index.html` (one self-contained page), and the terminal
//! summary.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::{TOOL, Tool, at, escape_markup as escape, visible};
use crate::audit::{Audit, totals};
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
    scan: super::scan::ScanJson<'a>,
    diffs: Vec<super::diff::DiffJson<'a>>,
    collations: Vec<super::collate::CollateJson<'a>>,
    errata: Vec<super::errata::ErrataJson<'a>>,
}

/// `report.json`.
pub fn json(a: &Audit, skipped: &[Skipped]) -> String {
    super::to_json(&AuditJson {
        schema: "witness/audit/1",
        tool: TOOL,
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

/// `errata.md`: the errata of every transcription, one after the other.
pub fn errata_markdown(a: &Audit) -> String {
    a.errata
        .iter()
        .map(|(_, x)| super::errata::markdown(x) + "\n")
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
            d.path,
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
    for p in &a.pairs {
        let d = a.diff(p);
        let _ = writeln!(
            s,
            "witnesses of one text: {} (base) and {}: {} substantive variants, {} cosmetic; CER {:.2}% outside blocks",
            d.a.label,
            d.b.label,
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
            a.scan.docs[*t].label,
            x.entries.len(),
            x.entries.len() - sure
        );
    }
    let _ = writeln!(
        s,
        "report: {out_dir}/index.html, report.json, errata.md, errata.csv"
    );
    s
}

const STYLE: &str = r#"
body{font:15px/1.6 "Noto Sans CJK SC","Source Han Sans SC","PingFang SC",system-ui,sans-serif;margin:0;color:#1d1d1f;background:#fafaf7}
header{background:#243447;color:#fff;padding:18px 32px}header h1{margin:0;font-size:22px}header p{margin:4px 0 0;opacity:.8}
main{padding:8px 32px 48px;max-width:1200px}h2{border-bottom:2px solid #243447;padding-bottom:4px;margin-top:36px}
table{border-collapse:collapse;width:100%;margin:12px 0;background:#fff}th,td{border:1px solid #ddd;padding:5px 8px;text-align:left;vertical-align:top}th{background:#eef1f4}
code{font-size:13px}.num{text-align:right}.cards{display:flex;gap:12px;flex-wrap:wrap}.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px 16px;min-width:140px}.card b{font-size:24px;display:block}
.text{background:#fff;border:1px solid #ddd;padding:14px 18px;white-space:pre-wrap;word-break:break-all;max-height:560px;overflow:auto}
.var{border-radius:3px;padding:0 1px}.var del{background:#ffd7d5;color:#8a1c12;text-decoration:line-through}.var ins{background:#d2f4d3;color:#14532d;text-decoration:none}
.var.cosmetic{opacity:.45}.var.cosmetic del,.var.cosmetic ins{background:#eee;color:#555}
.block{display:block;margin:6px 0;padding:4px 8px;background:#fff4d6;border-left:4px solid #e0a800;white-space:normal}
.filters label{margin-right:12px;white-space:nowrap}.muted{color:#777}a{color:#1a5fb4}
.hide-cosmetic .var.cosmetic ins,.var.off ins,.block.off{display:none}
.hide-cosmetic .var.cosmetic del,.var.off del{text-decoration:none;background:none;color:inherit}
.hide-cosmetic .var.cosmetic,.var.off{opacity:1}
"#;

/// Every kind of variant met in the pairs, for the filter.
fn kinds_met(a: &Audit) -> BTreeSet<&'static str> {
    a.pairs
        .iter()
        .flat_map(|p| &p.comparison.edits)
        .map(|e| e.variant().map_or("block", |v| v.kind.name()))
        .collect()
}

/// `index.html`: one self-contained page (inline CSS and script, no network).
pub fn html(a: &Audit) -> String {
    let docs = &a.scan.docs;
    let mut h = String::from(
        "<!DOCTYPE html>\n<html lang=\"zh\"><head><meta charset=\"utf-8\"><title>witness audit</title><style>",
    );
    h += STYLE;
    // Cosmetic variants start hidden, as in the text report; a checkbox shows them.
    h += "</style></head><body class=\"hide-cosmetic\">\n<header><h1>witness audit</h1><p>";
    let _ = write!(
        h,
        "{} files · profile {} · witness {}</p></header>\n<main>",
        docs.len(),
        a.corpus.profile().name(),
        env!("CARGO_PKG_VERSION")
    );
    overview(&mut h, a);
    // Places that findings and errata link to in the documents below.
    let mut anchors: BTreeSet<(usize, usize)> = BTreeSet::new();
    // Errata.
    for (target, x) in &a.errata {
        let d = &docs[*target];
        let _ = write!(
            h,
            "<h2 id=\"errata{target}\">Errata: {}</h2>",
            escape(&d.path)
        );
        errata_table(&mut h, *target, x, &mut anchors);
    }
    // Pairs, inline, with the filter.
    if !a.pairs.is_empty() {
        h += "<h2 id=\"variants\">Witnesses of one text</h2><p class=\"filters\">Show: ";
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
        let _ = write!(h, "<h3 id=\"doc{i}\">{}</h3>", escape(&d.path));
        document_text(&mut h, i, &d.text, &anchors);
    }
    h += SCRIPT;
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
        ("findings", t.notable_findings),
        ("substantive variants", t.substantive),
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
            escape(&d.path),
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
        escape(&d.a.label),
        escape(&d.b.label),
        d.count(Class::Substantive),
        d.count(Class::Cosmetic),
        d.cer_aligned() * 100.0
    );
    let mut cursor = 0;
    for (n, e) in d.edits.iter().enumerate() {
        *h += &escape(&d.a.text[cursor..e.a.start]);
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
                    escape(side),
                    text.chars().count(),
                    escape(&visible(&head))
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
                    v.kind.name(),
                    v.severity.name(),
                    at(d.a.position(e.a.start)),
                    at(d.b.position(e.b.start))
                );
                if !ra.is_empty() {
                    let _ = write!(*h, "<del>{}</del>", escape(ra));
                }
                if !rb.is_empty() {
                    let _ = write!(*h, "<ins>{}</ins>", escape(rb));
                }
                *h += "</span>";
            }
        }
        cursor = e.a.end;
    }
    *h += &escape(&d.a.text[cursor..]);
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
                    escape(&d.label),
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
            escape(&visible(&quote))
        );
    }
    *h += "</table>\n";
}

/// The errata of document `target` as a table whose locations link to anchors in the text.
fn errata_table(h: &mut String, target: usize, x: &Errata, anchors: &mut BTreeSet<(usize, usize)>) {
    *h += "<table class=\"errata\"><tr><th>location</th><th>found</th><th>should read</th><th>kind</th><th>confidence</th><th>evidence</th></tr>";
    for e in &x.entries {
        anchors.insert((target, e.range.start));
        let [location, rest @ ..] = super::errata::cells(x, e);
        let _ = write!(
            h,
            "<tr><td><a href=\"#d{target}-{}\">{}</a></td>{}</tr>",
            e.range.start,
            escape(&location),
            rest.iter()
                .map(|c| format!("<td>{}</td>", escape(c)))
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
        *h += &escape(&text[cursor..at]);
        let _ = write!(h, "<a id=\"d{i}-{at}\"></a>");
        cursor = at;
    }
    *h += &escape(&text[cursor..]);
    *h += "</div>\n";
}

/// `witness errata --format html`: the errata table and the text it points into, one page.
pub fn errata_page(x: &Errata) -> String {
    let t = &x.docs[0];
    let mut h = String::from(
        "<!DOCTYPE html>\n<html lang=\"zh\"><head><meta charset=\"utf-8\"><title>witness errata</title><style>",
    );
    h += STYLE;
    let _ = write!(
        h,
        "</style></head><body>\n<header><h1>Errata: {}</h1><p>witness {}</p></header>\n<main>",
        escape(&t.path),
        env!("CARGO_PKG_VERSION")
    );
    let mut anchors = BTreeSet::new();
    errata_table(&mut h, 0, x, &mut anchors);
    let _ = write!(h, "<h2>{}</h2>", escape(&t.path));
    document_text(&mut h, 0, &t.text, &anchors);
    h += "</main></body></html>\n";
    h
}

/// The filter: a checkbox per kind hides or shows its variants.
const SCRIPT: &str = r#"<script>
document.querySelectorAll('.filters input[data-kind]').forEach(function(box){
  box.addEventListener('change', function(){
    // A variant switched off shows the first witness's reading as plain text.
    document.querySelectorAll('.var[data-kind="'+box.dataset.kind+'"]').forEach(function(v){ v.classList.toggle('off', !box.checked); });
  });
});
var c = document.getElementById('cosmetic');
if (c) { c.addEventListener('change', function(){ document.body.classList.toggle('hide-cosmetic', !c.checked); }); }
</script>"#;
