//! The `witness cer` report: text, JSON (`witness/cer/1`), Markdown, CSV.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::{ProfileJson, TOOL, Tool, WitnessJson, csv_field, describe, md, to_json, visible};
use crate::classify::{Class, Kind};
use crate::metrics::{Counts, Measure, Mode};
use crate::source::Document;

/// One measured pair.
pub struct Pair<'d> {
    /// The ground truth.
    pub gt: &'d Document,
    /// The transcription measured against it.
    pub ocr: &'d Document,
    /// What was measured.
    pub measure: Measure,
}

/// What `witness cer` measured: one pair, or the pairs of two directories.
pub struct CerRun<'d> {
    /// How the texts were prepared.
    pub mode: Mode,
    /// The pairs measured.
    pub pairs: Vec<Pair<'d>>,
    /// Directory mode: file names found on one side only.
    pub only_in_gt: Vec<String>,
    /// Directory mode: file names found only among the transcriptions.
    pub only_in_ocr: Vec<String>,
    /// True when two directories were paired by file name.
    pub directories: bool,
    /// Confusions listed.
    pub top: usize,
}

/// A rate: a number, or "inf" (JSON has no infinity).
fn rate(x: f64) -> Value {
    if x.is_finite() {
        Value::from(x)
    } else {
        Value::from("inf")
    }
}

use serde_json::Value;

#[derive(Serialize)]
struct ClassPart {
    distance: usize,
    points: Value,
}

fn counts_json(c: &Counts, words: &Counts) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    m.insert("cer".into(), rate(c.rate()));
    m.insert("wer".into(), rate(words.rate()));
    m.insert("distance".into(), c.distance.into());
    m.insert("gt_chars".into(), c.gt.into());
    m.insert("ocr_chars".into(), c.ocr.into());
    m.insert("substitutions".into(), c.substitutions.into());
    m.insert("deletions".into(), c.deletions.into());
    m.insert("insertions".into(), c.insertions.into());
    m.insert(
        "words".into(),
        serde_json::json!({
            "distance": words.distance,
            "gt_words": words.gt,
            "ocr_words": words.ocr,
            "substitutions": words.substitutions,
            "deletions": words.deletions,
            "insertions": words.insertions,
        }),
    );
    m
}

fn points(distance: usize, gt: usize) -> f64 {
    if gt == 0 {
        f64::INFINITY
    } else {
        100.0 * distance as f64 / gt as f64
    }
}

fn pair_json(p: &Pair, top: usize) -> Value {
    let m = &p.measure;
    let mut out = serde_json::Map::new();
    out.insert(
        "gt".into(),
        serde_json::to_value(WitnessJson::of(p.gt)).unwrap_or_default(),
    );
    out.insert(
        "ocr".into(),
        serde_json::to_value(WitnessJson::of(p.ocr)).unwrap_or_default(),
    );
    out.extend(counts_json(&m.chars, &m.words));
    if !m.by_class.is_empty() || m.chars.distance == 0 {
        let part = |class: Class| {
            let d = m.by_class.get(&class).copied().unwrap_or(0);
            ClassPart {
                distance: d,
                points: rate(points(d, m.chars.gt)),
            }
        };
        out.insert(
            "breakdown".into(),
            serde_json::json!({
                "cosmetic": part(Class::Cosmetic),
                "substantive": part(Class::Substantive),
                "by_kind": m.by_kind,
                "substitutions_by_cause": m.substitutions_by_cause,
            }),
        );
    }
    out.insert(
        "confusion".into(),
        confusions(m, top)
            .into_iter()
            .map(|((g, o), n)| serde_json::json!({"gt": g, "ocr": o, "count": n}))
            .collect(),
    );
    Value::Object(out)
}

/// The most frequent confusions, most frequent first (ties in text order).
fn confusions(m: &Measure, top: usize) -> Vec<(&(String, String), usize)> {
    let mut v: Vec<(&(String, String), usize)> = m.confusion.iter().map(|(k, &n)| (k, n)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    v.truncate(top);
    v
}

fn totals(run: &CerRun) -> (Counts, Counts) {
    let (mut c, mut w) = (Counts::default(), Counts::default());
    for p in &run.pairs {
        c.add(&p.measure.chars);
        w.add(&p.measure.words);
    }
    (c, w)
}

fn mode_json(mode: Mode) -> (&'static str, Value) {
    match mode {
        Mode::Dinglehopper => ("dinglehopper", Value::Null),
        Mode::Witness(p) => (
            "witness",
            serde_json::to_value(ProfileJson {
                name: p.name(),
                sha256: p.sha256(),
            })
            .unwrap_or_default(),
        ),
    }
}

#[derive(Serialize)]
struct Head {
    schema: &'static str,
    tool: Tool,
    mode: &'static str,
    profile: Value,
}

/// The `witness/cer/1` JSON report.
pub fn json(run: &CerRun) -> String {
    let (mode, profile) = mode_json(run.mode);
    let head = Head {
        schema: "witness/cer/1",
        tool: TOOL,
        mode,
        profile,
    };
    let Value::Object(mut out) = serde_json::to_value(head).unwrap_or_default() else {
        return String::new();
    };
    if run.directories {
        out.insert(
            "pairs".into(),
            run.pairs.iter().map(|p| pair_json(p, run.top)).collect(),
        );
        let (c, w) = totals(run);
        let mut total = counts_json(&c, &w);
        let rates: Vec<f64> = run.pairs.iter().map(|p| p.measure.chars.rate()).collect();
        let mean = rates.iter().sum::<f64>() / rates.len().max(1) as f64;
        total.insert("average_cer_per_file".into(), rate(mean));
        out.insert("total".into(), Value::Object(total));
        out.insert("only_in_gt".into(), run.only_in_gt.clone().into());
        out.insert("only_in_ocr".into(), run.only_in_ocr.clone().into());
    } else if let Some(p) = run.pairs.first() {
        let Value::Object(pair) = pair_json(p, run.top) else {
            return String::new();
        };
        out.extend(pair);
    }
    to_json(&Value::Object(out))
}

fn percent(x: f64) -> String {
    if x.is_finite() {
        format!("{:.2}%", x * 100.0)
    } else {
        "inf".into()
    }
}

fn kinds(m: &Measure, class: Class) -> String {
    let list: Vec<String> = m
        .by_kind
        .iter()
        .filter(|(k, _)| k.class() == class)
        .map(|(k, n): (&Kind, &usize)| format!("{} {n}", k.name()))
        .collect();
    if list.is_empty() {
        String::new()
    } else {
        format!(" ({})", list.join(", "))
    }
}

/// One sentence with the CER, its parts, and the WER.
fn summary(m: &Measure) -> String {
    let c = &m.chars;
    let mut s = format!(
        "CER {} ({} edits / {} characters: {} substitutions, {} deletions, {} insertions)",
        percent(c.rate()),
        c.distance,
        c.gt,
        c.substitutions,
        c.deletions,
        c.insertions
    );
    if !m.by_class.is_empty() {
        let part = |class| m.by_class.get(&class).copied().unwrap_or(0);
        let _ = write!(
            s,
            ", of which {:.2} points cosmetic{} and {:.2} points substantive{}",
            points(part(Class::Cosmetic), c.gt),
            kinds(m, Class::Cosmetic),
            points(part(Class::Substantive), c.gt),
            kinds(m, Class::Substantive)
        );
    }
    if !m.substitutions_by_cause.is_empty() {
        let _ = write!(
            s,
            "\nsubstitution edits by cause: {}",
            super::cause_counts(&m.substitutions_by_cause)
        );
    }
    let _ = write!(
        s,
        "\nWER {} ({} edits / {} words)",
        percent(m.words.rate()),
        m.words.distance,
        m.words.gt
    );
    s
}

fn shown(s: &str) -> String {
    if s.is_empty() {
        "∅".into()
    } else {
        visible(s)
    }
}

fn mode_line(mode: Mode) -> String {
    match mode {
        Mode::Dinglehopper => {
            "compat dinglehopper 0.11 (lines stripped, NFC, its substitutions)".into()
        }
        Mode::Witness(p) => format!("profile {} (sha256 {})", p.name(), &p.sha256()[..16]),
    }
}

/// The human report.
pub fn text(run: &CerRun) -> String {
    let mut out = format!("{}\n", mode_line(run.mode));
    if run.directories {
        let _ = writeln!(
            out,
            "\n{:>9} {:>9} {:>8} {:>8}  file",
            "CER", "WER", "edits", "chars"
        );
        for p in &run.pairs {
            let m = &p.measure;
            let _ = writeln!(
                out,
                "{:>9} {:>9} {:>8} {:>8}  {}",
                percent(m.chars.rate()),
                percent(m.words.rate()),
                m.chars.distance,
                m.chars.gt,
                visible(&p.gt.label)
            );
        }
        let (c, w) = totals(run);
        let _ = writeln!(
            out,
            "{:>9} {:>9} {:>8} {:>8}  total (sum of edits / sum of lengths)",
            percent(c.rate()),
            percent(w.rate()),
            c.distance,
            c.gt
        );
        for n in &run.only_in_gt {
            let _ = writeln!(out, "only in the ground truth: {}", visible(n));
        }
        for n in &run.only_in_ocr {
            let _ = writeln!(out, "only in the transcriptions: {}", visible(n));
        }
        return out;
    }
    let Some(p) = run.pairs.first() else {
        return out;
    };
    let _ = writeln!(out, "gt   {}\nocr  {}\n", describe(p.gt), describe(p.ocr));
    let _ = writeln!(out, "{}", summary(&p.measure));
    let top = confusions(&p.measure, run.top);
    if !top.is_empty() {
        out += "\nmost frequent confusions (ground truth → transcription):\n";
        for ((g, o), n) in top {
            let _ = writeln!(out, "  {} → {}  {n}", shown(g), shown(o));
        }
    }
    out
}

/// The Markdown report.
pub fn markdown(run: &CerRun) -> String {
    let mut out = format!("# witness cer\n\n{}\n\n", mode_line(run.mode));
    out += "| ground truth | transcription | CER | WER | edits | characters | cosmetic | substantive |\n|---|---|---|---|---|---|---|---|\n";
    for p in &run.pairs {
        let m = &p.measure;
        let part = |class| {
            m.by_class.get(&class).map_or("".to_string(), |d| {
                format!("{:.2} pts", points(*d, m.chars.gt))
            })
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            md(&p.gt.path),
            md(&p.ocr.path),
            percent(m.chars.rate()),
            percent(m.words.rate()),
            m.chars.distance,
            m.chars.gt,
            part(Class::Cosmetic),
            part(Class::Substantive)
        );
    }
    if run.directories {
        let (c, w) = totals(run);
        let _ = writeln!(
            out,
            "| **total** | | **{}** | **{}** | {} | {} | | |",
            percent(c.rate()),
            percent(w.rate()),
            c.distance,
            c.gt
        );
    }
    if let (false, Some(p)) = (run.directories, run.pairs.first()) {
        out += "\n| ground truth | transcription | count |\n|---|---|---|\n";
        for ((g, o), n) in confusions(&p.measure, run.top) {
            let _ = writeln!(out, "| {} | {} | {n} |", md(&shown(g)), md(&shown(o)));
        }
    }
    out
}

/// CSV: one row per pair (and a total row in directory mode).
pub fn csv(run: &CerRun) -> String {
    let mut out = String::from(
        "gt,ocr,cer,wer,distance,gt_chars,ocr_chars,substitutions,deletions,insertions,word_distance,gt_words,cosmetic_distance,substantive_distance\n",
    );
    let row = |out: &mut String,
               gt: &str,
               ocr: &str,
               c: &Counts,
               w: &Counts,
               by: &BTreeMap<Class, usize>| {
        let part = |class| by.get(&class).map_or(String::new(), |d| d.to_string());
        let r = |x: f64| {
            if x.is_finite() {
                x.to_string()
            } else {
                "inf".into()
            }
        };
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            csv_field(gt),
            csv_field(ocr),
            r(c.rate()),
            r(w.rate()),
            c.distance,
            c.gt,
            c.ocr,
            c.substitutions,
            c.deletions,
            c.insertions,
            w.distance,
            w.gt,
            part(Class::Cosmetic),
            part(Class::Substantive)
        );
    };
    for p in &run.pairs {
        let m = &p.measure;
        row(
            &mut out,
            &p.gt.path,
            &p.ocr.path,
            &m.chars,
            &m.words,
            &m.by_class,
        );
    }
    if run.directories {
        let (c, w) = totals(run);
        row(&mut out, "TOTAL", "", &c, &w, &BTreeMap::new());
    }
    out
}
