//! The `witness collate` report: an apparatus in text, JSON (`witness/collate/1`), Markdown,
//! and TEI XML parallel segmentation.

use std::fmt::Write as _;

use serde::Serialize;

use super::{ProfileJson, TOOL, Tool, WitnessJson, at, escape_markup as xml, md, to_json, visible};
use crate::classify::{Class, Kind};
use crate::collate::{Collation, Site};
use crate::source::{Document, Position};

/// Characters of base context shown around a site.
const CONTEXT: usize = 8;

fn siglum(i: usize) -> String {
    format!("W{}", i + 1)
}

/// Substantive sites, and sites with a kind listed by default (invisible characters); every
/// site with `all`.
fn shown_sites<'a>(c: &'a Collation, all: bool) -> impl Iterator<Item = &'a Site> {
    c.sites.iter().filter(move |s| {
        all || s.class == Class::Substantive || s.kinds.iter().any(|k| k.always_listed())
    })
}

#[derive(Serialize)]
struct ReadingJson<'c> {
    witness: String,
    text: &'c str,
    start: Position,
    end: Position,
}

#[derive(Serialize)]
struct GroupJson<'c> {
    text: &'c str,
    witnesses: Vec<String>,
}

#[derive(Serialize)]
struct SiteJson<'c> {
    class: Class,
    kinds: &'c [Kind],
    block: bool,
    base: ReadingJson<'c>,
    readings: Vec<ReadingJson<'c>>,
    groups: Vec<GroupJson<'c>>,
    majority: Option<&'c str>,
    /// Witnesses with no text here (a lacuna of a partial witness, or the side of a block).
    absent: Vec<String>,
}

#[derive(Serialize)]
struct WitnessEntry<'c> {
    siglum: String,
    #[serde(flatten)]
    witness: WitnessJson<'c>,
}

/// The `witness/collate/1` report as a tree.
#[derive(Serialize)]
pub(crate) struct CollateJson<'c> {
    schema: &'static str,
    tool: Tool,
    profile: ProfileJson,
    base: String,
    witnesses: Vec<WitnessEntry<'c>>,
    summary: Summary,
    sites: Vec<SiteJson<'c>>,
}

#[derive(Serialize)]
struct Summary {
    substantive: usize,
    cosmetic: usize,
    blocks: usize,
}

fn summary(c: &Collation) -> Summary {
    Summary {
        substantive: c
            .sites
            .iter()
            .filter(|s| s.class == Class::Substantive)
            .count(),
        cosmetic: c
            .sites
            .iter()
            .filter(|s| s.class == Class::Cosmetic)
            .count(),
        blocks: c.sites.iter().filter(|s| s.block).count(),
    }
}

/// The `witness/collate/1` JSON: every site, cosmetic ones included.
pub fn json(c: &Collation) -> String {
    to_json(&tree(c))
}

/// The `witness/collate/1` tree.
pub(crate) fn tree<'c>(c: &'c Collation) -> CollateJson<'c> {
    let base = &c.docs[c.base];
    let sites = c
        .sites
        .iter()
        .map(|s| SiteJson {
            class: s.class,
            kinds: &s.kinds,
            block: s.block,
            base: reading(c, c.base, &base.text[s.base.clone()], &s.base),
            readings: s
                .readings
                .iter()
                .enumerate()
                .map(|(w, (t, r))| reading(c, w, t, r))
                .collect(),
            groups: s
                .groups
                .iter()
                .map(|g| GroupJson {
                    text: &g.text,
                    witnesses: g.witnesses.iter().map(|&w| siglum(w)).collect(),
                })
                .collect(),
            majority: s.majority.map(|g| s.groups[g].text.as_str()),
            absent: s.absent.iter().map(|&w| siglum(w)).collect(),
        })
        .collect();
    CollateJson {
        schema: "witness/collate/1",
        tool: TOOL,
        profile: ProfileJson {
            name: c.profile.name(),
            sha256: c.profile.sha256(),
        },
        base: siglum(c.base),
        witnesses: c
            .docs
            .iter()
            .enumerate()
            .map(|(i, d)| WitnessEntry {
                siglum: siglum(i),
                witness: WitnessJson::of(d),
            })
            .collect(),
        summary: summary(c),
        sites,
    }
}

fn reading<'c>(
    c: &Collation,
    w: usize,
    text: &'c str,
    r: &std::ops::Range<usize>,
) -> ReadingJson<'c> {
    ReadingJson {
        witness: siglum(w),
        text,
        start: c.docs[w].position(r.start),
        end: c.docs[w].position(r.end),
    }
}

fn context(c: &Collation, s: &Site) -> (String, String) {
    let t = &c.docs[c.base].text;
    let before: String = t[..s.base.start]
        .chars()
        .rev()
        .take(CONTEXT)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let after: String = t[s.base.end..].chars().take(CONTEXT).collect();
    (visible(&before), visible(&after))
}

fn reading_or_empty(t: &str) -> String {
    if t.is_empty() {
        "∅".into()
    } else {
        visible(t)
    }
}

/// Where a site is in the base: its start, or a block's extent (start–end).
fn place(base: &Document, s: &Site) -> String {
    if s.block {
        format!(
            "{}–{}",
            at(base.position(s.base.start)),
            at(base.position(s.base.end))
        )
    } else {
        at(base.position(s.base.start))
    }
}

/// The human apparatus: each substantive site (all with `all`) with its groups of readings.
pub fn text(c: &Collation, all: bool) -> String {
    let mut out = String::from("witnesses:\n");
    for (i, d) in c.docs.iter().enumerate() {
        let base = if i == c.base { " (base)" } else { "" };
        let _ = writeln!(out, "  {}  {}{base}", siglum(i), visible(&d.path));
    }
    let base = &c.docs[c.base];
    for s in shown_sites(c, all) {
        let (before, after) = context(c, s);
        let kinds: Vec<&str> = s.kinds.iter().map(|k| k.name()).collect();
        let what = if s.block {
            "material only some witnesses carry".to_string()
        } else {
            kinds.join(", ")
        };
        let place = place(base, s);
        let _ = writeln!(
            out,
            "\n{} {place}  {}  …{before}[{}]{after}…",
            siglum(c.base),
            what,
            reading_or_empty(&base.text[s.base.clone()])
                .chars()
                .take(40)
                .collect::<String>()
        );
        for (n, g) in s.groups.iter().enumerate() {
            let wits: Vec<String> = g.witnesses.iter().map(|&w| siglum(w)).collect();
            let mark = if s.majority == Some(n) {
                "  (majority)"
            } else {
                ""
            };
            let text: String = reading_or_empty(&g.text).chars().take(60).collect();
            let _ = writeln!(out, "    {text}  {}{mark}", wits.join(" "));
        }
        if !s.absent.is_empty() {
            let wits: Vec<String> = s.absent.iter().map(|&w| siglum(w)).collect();
            let _ = writeln!(out, "    (no text here)  {}", wits.join(" "));
        }
    }
    let sum = summary(c);
    let invisible = c
        .sites
        .iter()
        .any(|s| s.class == Class::Cosmetic && s.kinds.iter().any(|k| k.always_listed()));
    let hidden = if all {
        ""
    } else if invisible {
        " (hidden except invisible; --all lists them)"
    } else {
        " (hidden; --all lists them)"
    };
    let _ = writeln!(
        out,
        "\n{} substantive sites ({} with material only some witnesses carry), {} cosmetic{hidden}",
        sum.substantive, sum.blocks, sum.cosmetic
    );
    out
}

/// The Markdown apparatus.
pub fn markdown(c: &Collation, all: bool) -> String {
    let mut out = String::from("# witness collate\n\n| siglum | path | sha256 |\n|---|---|---|\n");
    for (i, d) in c.docs.iter().enumerate() {
        let _ = writeln!(
            out,
            "| {} | {} | `{}` |",
            siglum(i),
            md(&d.path),
            &d.sha256[..16]
        );
    }
    out += "\n| at (base) | kinds | readings | majority |\n|---|---|---|---|\n";
    let base = &c.docs[c.base];
    for s in shown_sites(c, all) {
        let kinds: Vec<&str> = s.kinds.iter().map(|k| k.name()).collect();
        let groups: Vec<String> = s
            .groups
            .iter()
            .map(|g| {
                let wits: Vec<String> = g.witnesses.iter().map(|&w| siglum(w)).collect();
                let text: String = reading_or_empty(&g.text).chars().take(60).collect();
                format!("{} ({})", md(&text), wits.join(" "))
            })
            .chain((!s.absent.is_empty()).then(|| {
                let wits: Vec<String> = s.absent.iter().map(|&w| siglum(w)).collect();
                format!("no text here ({})", wits.join(" "))
            }))
            .collect();
        let majority = s.majority.map_or("—".to_string(), |g| {
            md(&reading_or_empty(&s.groups[g].text))
        });
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            place(base, s),
            if s.block {
                "block".to_string()
            } else {
                kinds.join(", ")
            },
            groups.join("<br>"),
            majority
        );
    }
    out
}

/// TEI P5 parallel segmentation: the base text with an `<app>` at every site shown, one
/// `<rdg>` per group of witnesses (an empty `<rdg/>` for an omission).
pub fn tei(c: &Collation, all: bool) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<TEI xmlns=\"http://www.tei-c.org/ns/1.0\">\n<teiHeader><fileDesc><titleStmt><title>witness collate</title></titleStmt><publicationStmt><p>Generated by witness ",
    );
    out += env!("CARGO_PKG_VERSION");
    out += "</p></publicationStmt><sourceDesc><listWit>\n";
    for (i, d) in c.docs.iter().enumerate() {
        let _ = writeln!(
            out,
            "<witness xml:id=\"{}\">{} (sha256 {})</witness>",
            siglum(i),
            xml(&d.path),
            d.sha256
        );
    }
    out += "</listWit></sourceDesc></fileDesc></teiHeader>\n<text><body><p>";
    let base = &c.docs[c.base].text;
    // A block is the lacuna of the witnesses that lack it: milestones around its extent
    // (`lacunaStart`/`lacunaEnd`), with the variant sites inside it as apparatus entries.
    let mut marks: Vec<(usize, bool, String)> = Vec::new();
    for s in c.sites.iter().filter(|s| s.block && !s.absent.is_empty()) {
        let wits: Vec<String> = s
            .absent
            .iter()
            .map(|&w| format!("#{}", siglum(w)))
            .collect();
        marks.push((s.base.start, true, wits.join(" ")));
        marks.push((s.base.end, false, wits.join(" ")));
    }
    marks.sort_by_key(|m| (m.0, m.1));
    let mut marks = marks.into_iter().peekable();
    let mut at = 0;
    let mut milestones = |out: &mut String, at: &mut usize, upto: usize| {
        while let Some((pos, start, wits)) = marks.next_if(|m| m.0 <= upto) {
            *out += &xml(&base[*at..pos.max(*at)]);
            *at = pos.max(*at);
            let tag = if start { "lacunaStart" } else { "lacunaEnd" };
            let _ = write!(out, "<{tag} wit=\"{wits}\"/>");
        }
    };
    for s in shown_sites(c, all).filter(|s| !s.block) {
        if s.base.start < at {
            continue; // inside the previous entry
        }
        milestones(&mut out, &mut at, s.base.start);
        out += &xml(&base[at..s.base.start]);
        out += "<app>";
        for (n, g) in s.groups.iter().enumerate() {
            let wits: Vec<String> = g
                .witnesses
                .iter()
                .map(|&w| format!("#{}", siglum(w)))
                .collect();
            let tag = if s.majority == Some(n) { "lem" } else { "rdg" };
            if g.text.is_empty() {
                let _ = write!(out, "<{tag} wit=\"{}\"/>", wits.join(" "));
            } else {
                let _ = write!(
                    out,
                    "<{tag} wit=\"{}\">{}</{tag}>",
                    wits.join(" "),
                    xml(&g.text)
                );
            }
        }
        for &w in &s.absent {
            let _ = write!(
                out,
                "<rdg wit=\"#{}\"><gap reason=\"lacuna\"/></rdg>",
                siglum(w)
            );
        }
        out += "</app>";
        at = s.base.end;
    }
    milestones(&mut out, &mut at, base.len());
    out += &xml(&base[at..]);
    out += "</p></body></text>\n</TEI>\n";
    out
}
