//! The `witness audit` report: `report.json` (`witness/audit/1`, embedding the scan, diff,
//! collation and errata reports), the HTML pages ([`super::html`]), the errata as Markdown, CSV
//! and one `witness/errata/1` file per transcription, and the terminal summary.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{TOOL, Tool, md, visible};
use crate::audit::{Audit, BaseChoice, totals};
use crate::classify::Class;
use crate::corpus::Skipped;
use crate::errata::Verdict;
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

/// `report.json`. The documents are referenced (path, digests, positions), their text is not
/// copied into the findings' locations unless `embed_text`; variants and errata quote their
/// readings either way.
pub fn json(a: &Audit, skipped: &[Skipped], embed_text: bool) -> String {
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
        scan: super::scan::tree(&a.scan, skipped, embed_text),
        diffs: a
            .pairs
            .iter()
            .map(|p| super::diff::tree(&a.diff(p)))
            .collect(),
        collations: a.collations.iter().map(super::collate::tree).collect(),
        errata: a
            .errata
            .iter()
            .map(|(_, x)| super::errata::tree_citing(x, true))
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
pub(super) fn base_notice(a: &Audit, target: usize) -> Option<String> {
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

/// Writes the report into `dir` (created if need be): `index.html` (and, for a large
/// collection, `docs/N.html` and `pairs/B-O.html`), `report.json`, `errata.md`, `errata.csv`
/// and `errata/LABEL.json` for each transcription with entries (what `witness apply` reads).
/// Returns the bytes of `report.json`, whose digest the ledger records.
pub fn write(
    a: &Audit,
    skipped: &[Skipped],
    dir: &std::path::Path,
    embed_text: bool,
) -> Result<String, WriteError> {
    let cannot = |p: &std::path::Path| {
        let path = p.display().to_string();
        move |source| WriteError { path, source }
    };
    std::fs::create_dir_all(dir).map_err(cannot(dir))?;
    let report_json = json(a, skipped, embed_text);
    let mut files: Vec<(String, String)> = super::html::audit_pages(a)
        .into_iter()
        .map(|p| (p.path, p.html))
        .collect();
    files.push(("report.json".into(), report_json.clone()));
    files.push(("errata.md".into(), errata_markdown(a)));
    files.push(("errata.csv".into(), errata_csv(a)));
    for (t, x) in a.errata.iter().filter(|(_, x)| !x.entries.is_empty()) {
        files.push((
            format!(
                "errata/{}.json",
                super::html::file_label(&a.scan.docs[*t].label)
            ),
            // Cited documents only, as in report.json: `apply` needs the target and the entries.
            super::to_json(&super::errata::tree_citing(x, true)),
        ));
    }
    for (name, content) in files {
        let path = dir.join(name);
        if let Some(parent) = path.parent().filter(|p| *p != dir) {
            std::fs::create_dir_all(parent).map_err(cannot(parent))?;
        }
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
