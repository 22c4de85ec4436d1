//! The ledger commands: init, add, note, log, show, verify, prove, export, check; and the
//! `--record` of report commands.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use serde_json::{Map, Value, json};

use super::{CliError, Outcome, write_stdout};
use crate::diff::{DiffOptions, diff};
use crate::ledger::verify::{check_proof, consistency_proof, inclusion_proof, verify};
use crate::ledger::{Ledger, LedgerError, Record, export};
use crate::normalize::Profile;
use crate::report::{self, TextOptions};
use crate::source::{Document, ReadOptions, SourceError};

/// Where the ledger is: `--ledger DIR`, or found by walking up from the current directory.
pub fn ledger(at: &Option<PathBuf>) -> Result<Ledger, LedgerError> {
    match at {
        Some(dir) => Ledger::open(dir),
        None => Ledger::find(Path::new(".")),
    }
}

#[derive(Args, Debug)]
pub struct AddArgs {
    /// Files to record (inside the repository: the directory that holds .witness/).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// A short name for the document (default: the file stem); one file only.
    #[arg(long)]
    label: Option<String>,
    /// Where the bytes came from (a URI).
    #[arg(long, value_name = "URI")]
    source: Option<String>,
    #[arg(long, value_enum)]
    role: Option<Role>,
    /// This is a transcription of that version (ID: digest, prefix, label, label@N).
    #[arg(long, value_name = "ID")]
    transcription_of: Option<String>,
    #[arg(long, value_name = "ID")]
    revision_of: Option<String>,
    #[arg(long, value_name = "ID")]
    translation_of: Option<String>,
    #[arg(long, value_name = "ID")]
    quotes: Option<String>,
    /// A note kept with the version.
    #[arg(long)]
    note: Option<String>,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
#[value(rename_all = "snake_case")]
pub enum Role {
    Official,
    Transcription,
    Translation,
    News,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
#[value(rename_all = "kebab-case")]
pub enum ExportFormat {
    ProvJson,
    InToto,
}

pub fn init() -> Result<Outcome, CliError> {
    let l = Ledger::init(Path::new("."))?;
    write_stdout(&format!(
        "initialized an empty ledger in {}\n",
        l.log_path().parent().unwrap_or(&l.root).display()
    ))?;
    Ok(Outcome::Same)
}

pub fn add(at: &Option<PathBuf>, args: AddArgs) -> Result<Outcome, CliError> {
    let l = ledger(at)?;
    if args.label.is_some() && args.files.len() > 1 {
        return Err(CliError::Usage(
            "--label names one file; add the files one by one".into(),
        ));
    }
    // Everything is checked before anything is written.
    let mut relations = Vec::new();
    // The whole log is read only to resolve relations; otherwise an append reads its tail.
    let needs_records = [
        &args.transcription_of,
        &args.revision_of,
        &args.translation_of,
        &args.quotes,
    ]
    .iter()
    .any(|x| x.is_some());
    let records = if needs_records {
        l.records()?
    } else {
        Vec::new()
    };
    for (kind, id) in [
        ("transcription_of", &args.transcription_of),
        ("revision_of", &args.revision_of),
        ("translation_of", &args.translation_of),
        ("quotes", &args.quotes),
    ] {
        if let Some(id) = id {
            let target = l.resolve(&records, id)?;
            relations.push(json!({"type": kind, "target": target.id}));
        }
    }
    let mut paths = Vec::new();
    for f in &args.files {
        let rel = l.relative(f)?;
        let meta = std::fs::metadata(f).map_err(|_| {
            LedgerError::Source(SourceError::NotFound {
                path: f.display().to_string(),
            })
        })?;
        if meta.is_dir() {
            return Err(LedgerError::Source(SourceError::IsDirectory {
                path: f.display().to_string(),
            })
            .into());
        }
        paths.push(rel);
    }
    let mut bodies = Vec::new();
    let mut shown = Vec::new();
    for (f, rel) in args.files.iter().zip(paths) {
        let stored = l.store(f)?;
        let label = args.label.clone().unwrap_or_else(|| {
            f.file_stem()
                .map_or_else(|| rel.clone(), |s| s.to_string_lossy().into_owned())
        });
        let mut body = Map::new();
        body.insert("type".into(), "version".into());
        body.insert("path".into(), rel.clone().into());
        body.insert("label".into(), label.clone().into());
        body.insert("sha256".into(), stored.sha256.clone().into());
        body.insert("text_sha256".into(), stored.text_sha256.into());
        body.insert("encoding".into(), stored.encoding.into());
        body.insert("bytes".into(), stored.bytes.to_string().into());
        body.insert("relations".into(), Value::Array(relations.clone()));
        if let Some(role) = args.role {
            let name = format!("{role:?}").to_lowercase();
            body.insert("role".into(), name.into());
        }
        if let Some(s) = &args.source {
            body.insert("source".into(), s.clone().into());
        }
        if let Some(n) = &args.note {
            body.insert("note".into(), n.clone().into());
        }
        bodies.push(body);
        shown.push((rel, label, stored.sha256));
    }
    let written = l.append_all(bodies)?;
    let versions = written.iter().filter(|r| r.kind() == "version");
    let mut out = String::new();
    for (r, (rel, label, sha256)) in versions.zip(shown) {
        out += &format!(
            "added {rel} as {label} (record {}, {}, sha256 {})\n",
            r.seq,
            &r.id[..12],
            &sha256[..12]
        );
    }
    write_stdout(&out)?;
    Ok(Outcome::Same)
}

pub fn note(at: &Option<PathBuf>, text: String) -> Result<Outcome, CliError> {
    let l = ledger(at)?;
    let mut body = Map::new();
    body.insert("type".into(), "note".into());
    body.insert("text".into(), text.into());
    let r = l.append(body)?;
    write_stdout(&format!("noted (record {}, {})\n", r.seq, &r.id[..12]))?;
    Ok(Outcome::Same)
}

/// One line about a record, for `log`.
fn summary(r: &Record, records: &[Record]) -> String {
    let name_of = |id: &str| {
        records.iter().find(|x| x.id == id).map_or_else(
            || id[..12.min(id.len())].to_string(),
            |x| {
                x.str("label")
                    .map_or_else(|| format!("record {}", x.seq), str::to_string)
            },
        )
    };
    match r.kind() {
        "version" => {
            let rels: Vec<String> = r
                .body
                .get("relations")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|x| {
                    Some(format!(
                        "{} {}",
                        x["type"].as_str()?,
                        name_of(x["target"].as_str()?)
                    ))
                })
                .collect();
            format!(
                "version {} {} sha256 {}{}",
                r.str("label").unwrap_or("?"),
                r.str("path").unwrap_or("?"),
                &r.str("sha256").unwrap_or("?")[..12.min(r.str("sha256").unwrap_or("?").len())],
                if rels.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", rels.join(", "))
                }
            )
        }
        "audit" => {
            let inputs: Vec<String> = r
                .body
                .get("inputs")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|x| x["path"].as_str().map(str::to_string))
                .collect();
            format!(
                "audit {} of {}",
                r.str("report").unwrap_or("?"),
                inputs.join(", ")
            )
        }
        "note" => format!("note {}", r.str("text").unwrap_or("")),
        "repair" => format!("repair: {}", r.str("what").unwrap_or("")),
        other => other.to_string(),
    }
}

pub fn log(at: &Option<PathBuf>, as_json: bool) -> Result<Outcome, CliError> {
    let l = ledger(at)?;
    let records = l.records()?;
    let out = if as_json {
        let list: Vec<Value> = records
            .iter()
            .rev()
            .map(|r| {
                let mut m = r.body.clone();
                m.insert("id".into(), r.id.clone().into());
                Value::Object(m)
            })
            .collect();
        report::to_json(&list)
    } else {
        records
            .iter()
            .rev()
            .map(|r| {
                format!(
                    "{:>5} {} {} {}\n",
                    r.seq,
                    &r.id[..12],
                    r.str("time").unwrap_or(""),
                    summary(r, &records)
                )
            })
            .collect()
    };
    write_stdout(&out)?;
    Ok(Outcome::Same)
}

pub fn show(at: &Option<PathBuf>, id: &str) -> Result<Outcome, CliError> {
    let l = ledger(at)?;
    let records = l.records()?;
    let r = l.resolve(&records, id)?;
    let mut m = r.body.clone();
    m.insert("id".into(), r.id.clone().into());
    let mut out = report::to_json(&Value::Object(m));
    out += &format!("{}\n", summary(r, &records));
    write_stdout(&out)?;
    Ok(Outcome::Same)
}

/// `witness verify`: exit 0 intact, 1 damaged; with `--proof`, checks a proof file offline.
pub fn verify_cmd(at: &Option<PathBuf>, proof: Option<PathBuf>) -> Result<Outcome, CliError> {
    if let Some(p) = proof {
        let text = std::fs::read_to_string(&p).map_err(|e| {
            LedgerError::Source(match e.kind() {
                std::io::ErrorKind::NotFound => SourceError::NotFound {
                    path: p.display().to_string(),
                },
                _ => SourceError::Io {
                    path: p.display().to_string(),
                    source: e,
                },
            })
        })?;
        let value: Value = serde_json::from_str(&text)
            .map_err(|e| CliError::Usage(format!("{}: not a proof ({e})", p.display())))?;
        return match check_proof(&value) {
            Ok(msg) => {
                write_stdout(&format!("proof holds: {msg}\n"))?;
                Ok(Outcome::Same)
            }
            Err(msg) => {
                write_stdout(&format!("proof fails: {msg}\n"))?;
                Ok(Outcome::Differ)
            }
        };
    }
    let l = ledger(at)?;
    let v = verify(&l)?;
    match v.problem {
        None => {
            write_stdout(&format!(
                "ledger intact: {} records, root {}\n",
                v.records, v.root
            ))?;
            Ok(Outcome::Same)
        }
        Some(p) => {
            write_stdout(&format!("ledger damaged: {p}\n"))?;
            Ok(Outcome::Differ)
        }
    }
}

pub fn prove(
    at: &Option<PathBuf>,
    id: Option<String>,
    since: Option<usize>,
) -> Result<Outcome, CliError> {
    let l = ledger(at)?;
    let proof = match (id, since) {
        (Some(id), None) => {
            let records = l.records()?;
            let r = l.resolve(&records, &id)?;
            inclusion_proof(&l, r)?
        }
        (None, Some(m)) => consistency_proof(&l, m)?,
        _ => return Err(CliError::Usage("give a record ID, or --since SIZE".into())),
    };
    write_stdout(&report::to_json(&proof))?;
    Ok(Outcome::Same)
}

pub fn export_cmd(at: &Option<PathBuf>, format: ExportFormat) -> Result<Outcome, CliError> {
    let l = ledger(at)?;
    let records = l.records()?;
    let out = match format {
        ExportFormat::ProvJson => report::to_json(&export::prov_json(&records)),
        ExportFormat::InToto => export::in_toto(&records)
            .iter()
            .map(|s| serde_json::to_string(s).unwrap_or_default() + "\n")
            .collect(),
    };
    write_stdout(&out)?;
    Ok(Outcome::Same)
}

/// `witness check`: every tracked path (or those given) re-hashed against its last version.
pub fn check(at: &Option<PathBuf>, paths: Vec<PathBuf>, record: bool) -> Result<Outcome, CliError> {
    let l = ledger(at)?;
    let records = l.records()?;
    // The last version of each path.
    let mut latest: std::collections::BTreeMap<String, &Record> = std::collections::BTreeMap::new();
    for r in records.iter().filter(|r| r.kind() == "version") {
        if let Some(p) = r.str("path") {
            latest.insert(p.to_string(), r);
        }
    }
    let wanted: Option<Vec<String>> = if paths.is_empty() {
        None
    } else {
        Some(
            paths
                .iter()
                .map(|p| l.relative(p))
                .collect::<Result<_, _>>()?,
        )
    };
    let mut out = String::new();
    let mut drift = 0;
    let mut inputs = Vec::new();
    for (rel, r) in &latest {
        if wanted.as_ref().is_some_and(|w| !w.contains(rel)) {
            continue;
        }
        let file = l.root.join(rel);
        let recorded = r.str("sha256").unwrap_or("");
        let Ok(bytes) = std::fs::read(&file) else {
            drift += 1;
            out += &format!(
                "missing  {rel} (last recorded as {}@…, record {})\n",
                r.str("label").unwrap_or("?"),
                r.seq
            );
            continue;
        };
        let now = crate::source::hex_sha256(&bytes);
        inputs.push(json!({"path": rel, "sha256": now}));
        if now == recorded {
            out += &format!("ok       {rel}\n");
            continue;
        }
        drift += 1;
        out += &format!(
            "changed  {rel}: recorded sha256 {}, now {}\n",
            &recorded[..12.min(recorded.len())],
            &now[..12]
        );
        let old = l.object(r.seq, recorded)?;
        let read = ReadOptions {
            encoding: None,
            lossy: true,
        };
        let a = Document::from_bytes(&format!("{rel} (record {})", r.seq), rel, &old, &read)?;
        let b = Document::from_bytes(rel, rel, &bytes, &read)?;
        let d = diff(&a, &b, &DiffOptions::default());
        for line in report::text(&d, TextOptions::default()).lines() {
            out += &format!("    {line}\n");
        }
    }
    if let Some(w) = &wanted {
        for p in w.iter().filter(|p| !latest.contains_key(*p)) {
            out += &format!("untracked {p}: not in the ledger; `witness add` it first\n");
            drift += 1;
        }
    }
    out += &format!(
        "{drift} of {} tracked files differ from the ledger\n",
        latest.len()
    );
    write_stdout(&out)?;
    if record {
        record_audit(&l, "check", inputs, None, out.as_bytes())?;
    }
    Ok(if drift > 0 {
        Outcome::Differ
    } else {
        Outcome::Same
    })
}

/// Appends an audit record for a report just produced.
pub fn record_audit(
    l: &Ledger,
    report: &str,
    inputs: Vec<Value>,
    profile: Option<Profile>,
    output: &[u8],
) -> Result<(), CliError> {
    let mut body = Map::new();
    body.insert("type".into(), "audit".into());
    body.insert("report".into(), report.into());
    body.insert("inputs".into(), Value::Array(inputs));
    if let Some(p) = profile {
        body.insert(
            "profile".into(),
            json!({"name": p.name(), "sha256": p.sha256()}),
        );
    }
    body.insert(
        "tool".into(),
        json!({"name": "witness", "version": env!("CARGO_PKG_VERSION")}),
    );
    body.insert(
        "report_sha256".into(),
        crate::source::hex_sha256(output).into(),
    );
    l.append(body)?;
    Ok(())
}

/// The input object of an audit record for a document.
pub fn input(doc: &Document) -> Value {
    json!({"path": doc.path, "sha256": doc.sha256, "text_sha256": doc.text_sha256})
}

/// Reads a diff argument: a file, or else a version in the ledger (ID, label, label@N).
pub fn load(arg: &Path, read: &ReadOptions, at: &Option<PathBuf>) -> Result<Document, CliError> {
    match Document::read(arg, read) {
        Err(SourceError::NotFound { path }) => {
            let Ok(l) = ledger(at) else {
                return Err(SourceError::NotFound { path }.into());
            };
            let records = l.records()?;
            let id = arg.to_string_lossy();
            let r = match l.resolve(&records, &id) {
                Ok(r) if r.kind() == "version" => r,
                _ => return Err(SourceError::NotFound { path }.into()),
            };
            let bytes = l.object(r.seq, r.str("sha256").unwrap_or(""))?;
            Ok(Document::from_bytes(
                &id,
                r.str("label").unwrap_or(&id),
                &bytes,
                read,
            )?)
        }
        other => Ok(other?),
    }
}
