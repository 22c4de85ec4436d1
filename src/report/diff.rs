//! The `witness diff` report: text, JSON (`witness/diff/1`), Markdown.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;

use serde::Serialize;

use super::{
    Contexts, ProfileJson, TOOL, Tool, VariantJson, WitnessJson, at, cause_counts, count_causes,
    describe, inline, kind_label, md, painter, to_json, visible,
};
use crate::classify::{Class, Classification, Kind};
use crate::diff::{Diff, Edit};
use crate::source::{Document, Position};

/// Characters of a block quoted in the text report.
const BLOCK_QUOTE_CHARS: usize = 24;

/// How the text report looks.
#[derive(Debug, Clone, Copy, Default)]
pub struct TextOptions {
    /// Show cosmetic variants too.
    pub all: bool,
    /// ANSI colour.
    pub color: bool,
}

/// A CER: a number, or the string "inf" (JSON has no infinity).
enum Rate {
    Finite(f64),
    Infinite,
}

impl Serialize for Rate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Rate::Finite(x) => s.serialize_f64(*x),
            Rate::Infinite => s.serialize_str("inf"),
        }
    }
}

#[derive(Serialize)]
struct BlockTotals {
    count: usize,
    chars: usize,
}

#[derive(Serialize)]
struct Summary {
    by_kind: BTreeMap<Kind, usize>,
    by_class: BTreeMap<Class, usize>,
    /// Substitutions by cause (`none`: no known cause); one with two causes counts in both.
    substitutions_by_cause: BTreeMap<&'static str, usize>,
    /// Counts by the class each variant was counted in (`--substantive` moves a cosmetic kind)
    /// and kind: what the text summary lists under each class.
    #[serde(skip)]
    by_class_kind: BTreeMap<(Class, Kind), usize>,
    blocks: BTreeMap<&'static str, BlockTotals>,
    /// CER, blocks included: `distance / a_units`; exact unless `cer_exact` is false.
    cer: Rate,
    cer_exact: bool,
    /// Exact CER outside blocks: `distance_aligned / a_units_aligned`.
    cer_aligned: Rate,
    distance: usize,
    a_units: usize,
    b_units: usize,
    distance_aligned: usize,
    a_units_aligned: usize,
}

#[derive(Serialize)]
struct BlockJson {
    side: &'static str,
    start: Position,
    end: Position,
    chars: usize,
    /// Where the block sits in the other witness.
    at: Position,
}

/// The `witness/diff/1` report as a tree, serialized once wherever it goes.
#[derive(Serialize)]
pub(crate) struct DiffJson<'d> {
    schema: &'static str,
    tool: Tool,
    profile: ProfileJson,
    witnesses: BTreeMap<&'static str, WitnessJson<'d>>,
    summary: Summary,
    blocks: Vec<BlockJson>,
    variants: Vec<VariantJson>,
}

/// One side of a block edit: (side, document, own range, other document, position there).
fn block_sides<'d>(
    d: &Diff<'d>,
    e: &Edit,
) -> Vec<(&'static str, &'d Document, Range<usize>, Position)> {
    let mut sides = Vec::new();
    if !e.a.is_empty() {
        sides.push(("a", d.a, e.a.clone(), d.b.position(e.b.start)));
    }
    if !e.b.is_empty() {
        sides.push(("b", d.b, e.b.clone(), d.a.position(e.a.start)));
    }
    sides
}

fn summary(d: &Diff) -> Summary {
    let mut by_kind = BTreeMap::new();
    let mut by_class = BTreeMap::from([(Class::Cosmetic, 0), (Class::Substantive, 0)]);
    let mut by_class_kind = BTreeMap::new();
    let mut substitutions_by_cause = BTreeMap::new();
    for (_, c) in d.variants() {
        *by_kind.entry(c.kind).or_insert(0) += 1;
        *by_class.entry(c.class).or_insert(0) += 1;
        *by_class_kind.entry((c.class, c.kind)).or_insert(0) += 1;
        if c.kind == Kind::Substitution {
            count_causes(&mut substitutions_by_cause, c.causes, 1);
        }
    }
    let mut blocks = BTreeMap::new();
    for side in ["a", "b"] {
        blocks.insert(side, BlockTotals { count: 0, chars: 0 });
    }
    for e in d.blocks() {
        for (side, doc, range, _) in block_sides(d, e) {
            if let Some(t) = blocks.get_mut(side) {
                t.count += 1;
                t.chars += doc.text[range].chars().count();
            }
        }
    }
    let rate = |x: f64| {
        if x.is_finite() {
            Rate::Finite(x)
        } else {
            Rate::Infinite
        }
    };
    Summary {
        by_kind,
        by_class,
        substitutions_by_cause,
        by_class_kind,
        blocks,
        cer: rate(d.cer()),
        cer_aligned: rate(d.cer_aligned()),
        cer_exact: d.exact_distance.is_some(),
        distance: d.cer_distance(),
        a_units: d.a_units,
        b_units: d.b_units,
        distance_aligned: d.exact_aligned_distance,
        a_units_aligned: d.a_aligned_units(),
    }
}

/// The `witness/diff/1` JSON report.
pub fn json(d: &Diff) -> String {
    to_json(&tree(d))
}

/// The `witness/diff/1` tree.
pub(crate) fn tree<'d>(d: &Diff<'d>) -> DiffJson<'d> {
    let contexts = Contexts::new(d.a);
    let variants = d
        .variants()
        .map(|(e, c)| {
            let arrival = d
                .edits
                .iter()
                .find(|x| {
                    x.is_move_arrival() && e.moved.is_some() && x.moved.as_ref() == Some(&e.a)
                })
                .map(|x| d.a.position(x.a.start));
            VariantJson::of(e, c, d.a, d.b, &contexts).arriving(arrival)
        })
        .collect();
    let blocks = d
        .blocks()
        .flat_map(|e| block_sides(d, e))
        .map(|(side, doc, range, at)| BlockJson {
            side,
            start: doc.position(range.start),
            end: doc.position(range.end),
            chars: doc.text[range].chars().count(),
            at,
        })
        .collect();
    DiffJson {
        schema: "witness/diff/1",
        tool: TOOL,
        profile: ProfileJson {
            name: d.profile.name(),
            sha256: d.profile.sha256(),
        },
        witnesses: BTreeMap::from([("a", WitnessJson::of(d.a)), ("b", WitnessJson::of(d.b))]),
        summary: summary(d),
        blocks,
        variants,
    }
}

fn percent(rate: f64) -> String {
    if rate.is_finite() {
        format!("{:.2}%", rate * 100.0)
    } else {
        "inf".to_string()
    }
}

fn counts(s: &Summary, class: Class) -> String {
    s.by_class_kind
        .iter()
        .filter(|((c, _), _)| *c == class)
        .map(|((_, k), n)| format!("{} {n}", k.name()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The human report: header, variants (substantive only unless `all`), blocks, summary.
pub fn text(d: &Diff, opts: TextOptions) -> String {
    let paint = painter(opts.color);
    let contexts = Contexts::new(d.a);
    let mut out = String::new();
    let _ = writeln!(out, "a  {}", describe(d.a));
    let _ = writeln!(out, "b  {}", describe(d.b));
    let _ = writeln!(
        out,
        "profile {} (sha256 {})",
        d.profile.name(),
        &d.profile.sha256()[..16]
    );
    out.push('\n');
    let separators = folded_separators(d, opts.all);
    for (e, c) in d.variants() {
        let folded = separators.len() > 1 && folds(&c);
        if !c.listed(opts.all) || (folded && !std::ptr::eq(e, separators[0])) {
            continue;
        }
        let mut inline = inline(d.a, d.b, e, &contexts, &paint);
        if folded {
            inline = format!(
                "{} line breaks written another way (each in the JSON report), the first: {inline}",
                separators.len()
            );
        }
        let head = format!(
            "a {:<7} b {:<7} {:<13} {:<6}",
            at(d.a.position(e.a.start)),
            at(d.b.position(e.b_reading().start)),
            kind_label(c.kind.name(), c.causes),
            c.severity.name()
        );
        let head = if c.class == Class::Cosmetic && !c.kind.always_listed() {
            paint("2", &head)
        } else {
            head
        };
        let _ = writeln!(out, "{head} {inline}");
    }
    for e in d.blocks() {
        for (side, doc, range, at_other) in block_sides(d, e) {
            let chars = doc.text[range.clone()].chars().count();
            let quote: String = doc.text[range.clone()]
                .chars()
                .take(BLOCK_QUOTE_CHARS)
                .collect();
            let more = if chars > BLOCK_QUOTE_CHARS { "…" } else { "" };
            let other = if side == "a" { "b" } else { "a" };
            let _ = writeln!(
                out,
                "only in {side}  {}–{}  {chars} chars (at {other} {})  \"{}{more}\"",
                at(doc.position(range.start)),
                at(doc.position(range.end)),
                at(at_other),
                visible(quote.trim()),
            );
        }
    }
    out.push('\n');
    out + &text_summary(d, opts.all)
}

/// True for a variant that human reports fold with the others of its kind: a separator
/// (`⏎`/`⏎⏎`) still counted as cosmetic.
fn folds(c: &Classification) -> bool {
    c.kind == Kind::Separator && c.class == Class::Cosmetic
}

/// The separators a human report lists (`all`): folded into one line, where the first
/// stands, when there are more than one.
fn folded_separators<'d>(d: &'d Diff, all: bool) -> Vec<&'d Edit> {
    d.variants()
        .filter(|(_, c)| c.listed(all) && folds(c))
        .map(|(e, _)| e)
        .collect()
}

/// The closing lines of the text report: counts by class and kind, blocks, CER.
fn text_summary(d: &Diff, all: bool) -> String {
    let mut out = String::new();
    let s = summary(d);
    let n = |class| s.by_class.get(&class).copied().unwrap_or(0);
    let _ = writeln!(
        out,
        "substantive: {}{}",
        n(Class::Substantive),
        bracket(&counts(&s, Class::Substantive))
    );
    let hidden = if all {
        ""
    } else if s.by_kind.keys().any(|k| k.always_listed()) {
        ", hidden except invisible; --all shows them"
    } else {
        ", hidden; --all shows them"
    };
    let _ = writeln!(
        out,
        "cosmetic: {}{}{hidden}",
        n(Class::Cosmetic),
        bracket(&counts(&s, Class::Cosmetic))
    );
    if !s.substitutions_by_cause.is_empty() {
        let _ = writeln!(
            out,
            "substitutions by cause: {}",
            cause_counts(&s.substitutions_by_cause)
        );
    }
    let (ba, bb) = (&s.blocks["a"], &s.blocks["b"]);
    let _ = writeln!(
        out,
        "blocks: {} only in a ({} chars), {} only in b ({} chars)",
        ba.count, ba.chars, bb.count, bb.chars
    );
    let _ = writeln!(out, "{}", cer_line(d, ""));
    out
}

/// The CER sentence of the text and Markdown reports: the exact CER outside blocks first
/// (the transcription's own error rate), then with blocks; one figure when there are none.
/// Both are what `witness cer --profile P` computes (the same exact Levenshtein engine): the
/// figure with blocks on the same pair, the one outside blocks on the material outside them.
/// `strong` goes around the first figure (`**` in Markdown).
fn cer_line(d: &Diff, strong: &str) -> String {
    if d.blocks().next().is_none() {
        return format!(
            "CER {strong}{}{strong} under {} ({} edits / {} clusters of a)",
            percent(d.cer()),
            d.profile.name(),
            d.cer_distance(),
            d.a_units,
        );
    }
    let (bound, note) = if d.exact_distance.is_some() {
        ("", "")
    } else {
        (
            "at most ",
            "; alignment bound, `witness cer` gives the exact figure",
        )
    };
    format!(
        "CER {strong}{}{strong} outside blocks under {} ({} edits / {} clusters of a); {bound}{} with blocks ({} edits / {} clusters{note})",
        percent(d.cer_aligned()),
        d.profile.name(),
        d.exact_aligned_distance,
        d.a_aligned_units(),
        percent(d.cer()),
        d.cer_distance(),
        d.a_units,
    )
}

fn bracket(s: &str) -> String {
    if s.is_empty() {
        String::new()
    } else {
        format!(" ({s})")
    }
}

/// The Markdown report: witnesses, summary, variants table, blocks.
pub fn markdown(d: &Diff, all: bool) -> String {
    let contexts = Contexts::new(d.a);
    let s = summary(d);
    let mut out = String::from(
        "# witness diff\n\n| | path | encoding | bytes | sha256 |\n|---|---|---|---|---|\n",
    );
    for (side, doc) in [("a", d.a), ("b", d.b)] {
        let _ = writeln!(
            out,
            "| {side} | {} | {} | {} | `{}` |",
            md(&doc.path),
            doc.encoding.name(),
            doc.byte_len,
            doc.sha256
        );
    }
    let _ = writeln!(
        out,
        "\nProfile `{}` (sha256 `{}`). {}.\n",
        d.profile.name(),
        &d.profile.sha256()[..16],
        cer_line(d, "**")
    );
    out += "| class | kind | count |\n|---|---|---|\n";
    for (k, n) in &s.by_kind {
        let _ = writeln!(out, "| {} | {} | {n} |", k.class().name(), k.name());
    }
    out += "\n## Variants\n\n";
    if !all && s.by_kind.keys().any(|k| k.always_listed()) {
        out += "Substantive and invisible variants; other cosmetic ones are counted above (`--all` lists them).\n\n";
    } else if !all {
        out += "Substantive variants; cosmetic ones are counted above (`--all` lists them).\n\n";
    }
    out += "| a | b | kind | severity | a reads | b reads | context in a |\n|---|---|---|---|---|---|---|\n";
    let separators = folded_separators(d, all);
    for (e, c) in d.variants() {
        let folded = separators.len() > 1 && folds(&c);
        if !c.listed(all) || (folded && !std::ptr::eq(e, separators[0])) {
            continue;
        }
        let kind = if folded {
            format!(
                "separator (the first of {}, each in the JSON report)",
                separators.len()
            )
        } else {
            kind_label(c.kind.name(), c.causes)
        };
        let ctx = contexts.around(&d.a.text, &e.a);
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {}**{}**{} |",
            at(d.a.position(e.a.start)),
            at(d.b.position(e.b_reading().start)),
            kind,
            c.severity.name(),
            md(&d.a.text[e.a.clone()]),
            md(&d.b.text[e.b_reading()]),
            md(&ctx.before),
            if e.a.is_empty() {
                "‸".to_string()
            } else {
                md(&d.a.text[e.a.clone()])
            },
            md(&ctx.after)
        );
    }
    let blocks: Vec<_> = d.blocks().flat_map(|e| block_sides(d, e)).collect();
    if !blocks.is_empty() {
        out += "\n## Blocks\n\nMaterial that only one witness carries.\n\n| side | from | to | chars | starts with |\n|---|---|---|---|---|\n";
        for (side, doc, range, _) in blocks {
            let quote: String = doc.text[range.clone()]
                .chars()
                .take(BLOCK_QUOTE_CHARS)
                .collect();
            let _ = writeln!(
                out,
                "| {side} | {} | {} | {} | {} |",
                at(doc.position(range.start)),
                at(doc.position(range.end)),
                doc.text[range].chars().count(),
                md(quote.trim())
            );
        }
    }
    out
}
