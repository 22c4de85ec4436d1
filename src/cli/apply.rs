//! `witness apply`: the corrected text of a target from its errata list.

use std::path::{Path, PathBuf};

use clap::Args;

use witness::Document;
use witness::apply::{DECISIONS_SCHEMA, Decisions, apply, read_errata};
use witness::ledger::{Body, Digest, Ledger};

use super::{CliError, InputArgs, Outcome, ledger};

/// `witness apply`.
#[derive(Args, Debug)]
pub struct ApplyArgs {
    /// The errata list (`witness errata --format json`).
    errata: PathBuf,
    /// The text the errata were made for (its bytes must be the same).
    target: PathBuf,
    /// A decisions file (`witness/decisions/1`): accept or reject entries by fingerprint;
    /// entries it does not name follow the errata's verdict (`correct` is applied).
    #[arg(short, long, value_name = "FILE")]
    decisions: Option<PathBuf>,
    /// Write the corrected text to FILE (default: the standard output).
    #[arg(short, long, value_name = "FILE", conflicts_with = "in_place")]
    output: Option<PathBuf>,
    /// Replace the target with the corrected text.
    #[arg(short, long)]
    in_place: bool,
    /// Print a unified diff of the corrections instead of the corrected text.
    #[arg(long, conflicts_with_all = ["in_place", "record"])]
    patch: bool,
    /// Record the corrected file in the ledger as a revision of the target, made by the
    /// errata's audit record (`witness errata --record`).
    #[arg(long)]
    record: bool,
    #[command(flatten)]
    input: InputArgs,
}

fn read(path: &Path, what: &str) -> Result<Vec<u8>, CliError> {
    std::fs::read(path)
        .map_err(|e| CliError::Usage(format!("cannot read the {what} {}: {e}", path.display())))
}

pub fn run(args: ApplyArgs, at: &Option<PathBuf>) -> Result<Outcome, CliError> {
    let errata_bytes = read(&args.errata, "errata")?;
    let errata = read_errata(&errata_bytes)
        .map_err(|e| CliError::Usage(format!("{}: {e}", args.errata.display())))?;
    let decisions = match &args.decisions {
        None => Decisions::default(),
        Some(path) => {
            let d: Decisions = serde_json::from_slice(&read(path, "decisions file")?)
                .ok()
                .filter(|d: &Decisions| d.schema == DECISIONS_SCHEMA)
                .ok_or_else(|| {
                    CliError::Usage(format!(
                        "{}: not a decisions file ({DECISIONS_SCHEMA}: {{\"schema\", \
                         \"decisions\": [{{\"fingerprint\", \"decision\": \"accept\" or \
                         \"reject\"}}]}})",
                        path.display()
                    ))
                })?;
            d
        }
    };
    if args.record && args.output.is_none() && !args.in_place {
        return Err(CliError::Usage(
            "--record stores the corrected file: give it a place with -o FILE or --in-place".into(),
        ));
    }
    let bytes = read(&args.target, "target")?;
    let target = witness::Document::from_bytes(
        &args.target.display().to_string(),
        &label_of(&args.target),
        &bytes,
        &args.input.read_options(),
    )?;
    let done =
        apply(&errata, &target, &bytes, &decisions).map_err(|e| CliError::Usage(e.to_string()))?;
    // What the correction is recorded against, found before anything is written.
    let recorder = match args.record {
        true => {
            let l = ledger::ledger(at)?;
            let sources = correction_sources(&l, &errata_bytes, &target)?;
            Some((l, sources))
        }
        false => None,
    };
    for f in &done.unknown_decisions {
        eprintln!(
            "witness: warning: the decisions name {f}, which is not an entry of these errata"
        );
    }
    for (i, why) in &done.skipped {
        let e = &errata.entries[*i];
        eprintln!(
            "witness: entry {} ({} {:?} at byte {}) not applied: {why}",
            i + 1,
            e.kind,
            e.found,
            e.start.byte
        );
    }
    let left = errata.entries.len() - done.applied.len() - done.skipped.len();
    eprintln!(
        "witness: applied {} of {} entries to {}{}",
        done.applied.len(),
        errata.entries.len(),
        args.target.display(),
        match left {
            0 => String::new(),
            n => format!(" ({n} left as they are: not `correct`, or rejected)"),
        }
    );
    if args.patch {
        let name = args.target.display().to_string();
        let patch = similar::TextDiff::from_lines(&target.text, &done.text)
            .unified_diff()
            .context_radius(2)
            .header(&name, &name)
            .to_string();
        super::write_stdout(&patch)?;
        return Ok(Outcome::Same);
    }
    let written = match (&args.output, args.in_place) {
        (Some(file), _) => Some(file.clone()),
        (None, true) => Some(args.target.clone()),
        (None, false) => None,
    };
    match &written {
        Some(file) => super::output::write_file(file, |w| w.write_all(&done.bytes))?,
        None => {
            use std::io::Write as _;
            let mut out = std::io::stdout().lock();
            out.write_all(&done.bytes)
                .and_then(|()| out.flush())
                .map_err(CliError::Output)?;
        }
    }
    if let (Some((l, (revises, label, audit))), Some(file)) = (&recorder, &written) {
        let r = l.record_revision(file, label, *revises, *audit)?;
        eprintln!(
            "witness: recorded {} as version {} (record {}), a revision of {}",
            file.display(),
            r.version().map_or("", |v| v.label.as_str()),
            r.seq,
            target.path
        );
    }
    Ok(Outcome::Same)
}

/// What a corrected file is recorded against: the target's last version (its id and label)
/// and the audit record of the errata (the one whose report digest is the errata file's).
fn correction_sources(
    l: &Ledger,
    errata: &[u8],
    target: &Document,
) -> Result<(Digest, String, Digest), CliError> {
    let records = l.records()?;
    let report = Digest::of(errata);
    let audit = records
        .iter()
        .rev()
        .find(|r| matches!(&r.body, Body::Audit(a) if a.report_sha256 == report))
        .ok_or_else(|| {
            CliError::Usage(
                "--record: the ledger has no audit record of these errata; make them with \
                 `witness errata --record --format json -o FILE` so that the correction has \
                 its evidence on record"
                    .into(),
            )
        })?;
    let (revises, label) = records
        .iter()
        .rev()
        .find_map(|r| {
            r.version()
                .filter(|v| v.sha256.to_string() == target.sha256)
                .map(|v| (r.id, v.label.clone()))
        })
        .ok_or_else(|| {
            CliError::Usage(format!(
                "--record: {} is not a recorded version; `witness add` it before correcting it",
                target.path
            ))
        })?;
    Ok((revises, label, audit.id))
}

/// The file stem, as `Document::read` names a document.
fn label_of(path: &Path) -> String {
    path.file_stem().map_or_else(
        || path.display().to_string(),
        |s| s.to_string_lossy().into_owned(),
    )
}
