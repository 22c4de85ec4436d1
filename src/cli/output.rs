//! How a reporting command ends: its own report or its diagnostics in a CI format, filtered
//! by a baseline; written to stdout (through a pager on a terminal), to `-o FILE`, or, for
//! `witness accept`, into the baseline file.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use clap::{Args, ValueEnum};

use witness::baseline::{Baseline, Triage};
use witness::diagnostics::Diagnostics;
use witness::report;

use super::{CliError, Outcome};

/// Where a report goes and what counts: shared by diff, scan, errata, audit and check.
#[derive(Args, Debug, Default)]
pub struct OutputArgs {
    /// Write the report to FILE instead of the standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Report and fail only on what this baseline (written by `witness accept`) does not
    /// hold, and list its stale entries.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Exit 0 whatever is found (trouble is still 2).
    #[arg(long)]
    pub exit_zero: bool,
    /// Never page the text report on a terminal (the pager is $WITNESS_PAGER, else $PAGER,
    /// else `less -FRX`).
    #[arg(long)]
    pub no_pager: bool,
}

impl OutputArgs {
    /// False when the report goes to a file (`-o`): no colours then.
    pub fn to_terminal(&self) -> bool {
        self.output.is_none()
    }
}

/// The formats for CI systems.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CiFormat {
    /// SARIF 2.1.0 (GitHub code scanning, most code-review tools).
    Sarif,
    /// GitHub Actions workflow commands (annotations), and a summary in
    /// $GITHUB_STEP_SUMMARY.
    Github,
    /// reviewdog's diagnostics, one JSON object per line (errata as suggested changes).
    Rdjsonl,
    /// JUnit XML: one test case per document or pair.
    Junit,
}

/// What a run of `witness accept` asks of a reporting command: write its diagnostics into
/// this baseline instead of reporting.
pub type Accept<'a> = Option<&'a Path>;

/// How the command's result is shown.
pub enum Shown {
    /// Its own report (text, JSON, Markdown…), pageable when it is text for people.
    Report { pageable: bool },
    /// Its diagnostics in a CI format.
    Ci(CiFormat),
    /// Its diagnostics as text, JSON or Markdown (the formats of a run with `--baseline`).
    Diagnostics(ListFormat),
}

/// The formats of a diagnostics list.
#[derive(Clone, Copy)]
pub enum ListFormat {
    Text,
    Json,
    Md,
}

/// Ends a reporting command. `differs`: its exit status without CI formats or a baseline;
/// `diagnostics` and `report` are computed only when needed. Returns the outcome and the bytes
/// written (for the ledger's audit record).
pub fn conclude(
    out: &OutputArgs,
    accept: Accept,
    shown: Shown,
    all: bool,
    differs: bool,
    diagnostics: impl FnOnce() -> Diagnostics,
    report: impl FnOnce() -> String,
) -> Result<(Outcome, String), CliError> {
    if let Some(file) = accept {
        let d = diagnostics();
        let baseline = Baseline::of(&d);
        let before = Baseline::read(file).ok();
        std::fs::write(file, baseline.to_json())
            .map_err(|e| CliError::Usage(format!("cannot write {}: {e}", file.display())))?;
        let kept = before.as_ref().map_or(0, |b| {
            b.entries
                .iter()
                .filter(|e| {
                    baseline
                        .entries
                        .iter()
                        .any(|n| n.fingerprint == e.fingerprint)
                })
                .count()
        });
        let dropped = before.map_or(0, |b| b.entries.len() - kept);
        eprintln!(
            "witness: accepted {} diagnostics of {} into {} ({} new, {} no longer found and dropped)",
            baseline.entries.len(),
            d.command,
            file.display(),
            baseline.entries.len() - kept,
            dropped
        );
        return Ok((Outcome::Same, String::new()));
    }
    if matches!(shown, Shown::Report { .. }) {
        refuse_baseline(out)?;
    }
    let (outcome, text, pageable) = match shown {
        Shown::Report { pageable } => (Outcome::of(differs), report(), pageable),
        Shown::Ci(format) => {
            let (d, fails, triage) = filtered(out, all, diagnostics)?;
            warn_stale(&triage);
            if format == CiFormat::Github {
                step_summary(&d)?;
            }
            (Outcome::of(fails), render(format, &d), false)
        }
        Shown::Diagnostics(format) => {
            let (d, fails, triage) = filtered(out, all, diagnostics)?;
            let text = match format {
                ListFormat::Text => report::diagnostics::text(&d, &triage),
                ListFormat::Json => report::diagnostics::json(&d, &triage),
                ListFormat::Md => report::github::summary(&d),
            };
            (Outcome::of(fails), text, matches!(format, ListFormat::Text))
        }
    };
    write(out, &text, pageable)?;
    Ok((
        match out.exit_zero {
            true => Outcome::Same,
            false => outcome,
        },
        text,
    ))
}

/// `--baseline` with a format that shows the command's own report, not its diagnostics.
pub fn refuse_baseline(out: &OutputArgs) -> Result<(), CliError> {
    match out.baseline {
        Some(_) => Err(CliError::Usage(
            "--baseline reports diagnostics: use it with --format text, json, md, sarif, \
             github, rdjsonl or junit"
                .into(),
        )),
        None => Ok(()),
    }
}

/// The diagnostics after the baseline (when there is one), whether what is left fails, and
/// the baseline's triage; cosmetic ones are then hidden unless `all`.
fn filtered(
    out: &OutputArgs,
    all: bool,
    diagnostics: impl FnOnce() -> Diagnostics,
) -> Result<(Diagnostics, bool, Triage), CliError> {
    let mut d = diagnostics();
    let triage = match &out.baseline {
        Some(file) => {
            let b = Baseline::read(file)?;
            if b.command != d.command {
                eprintln!(
                    "witness: warning: baseline {} was written for `{}`, this is `{}`",
                    file.display(),
                    b.command,
                    d.command
                );
            }
            b.apply(&mut d)
        }
        None => Triage::default(),
    };
    let fails = d.fails();
    if !all {
        d.hide_cosmetic();
    }
    Ok((d, fails, triage))
}

/// Stale baseline entries, on stderr (a CI format has no place for them).
fn warn_stale(triage: &Triage) {
    for s in &triage.stale {
        eprintln!(
            "witness: baseline entry no longer found (stale): {} [{}] {}",
            s.path, s.rule, s.fingerprint
        );
    }
}

/// The diagnostics in a CI format.
fn render(format: CiFormat, d: &Diagnostics) -> String {
    match format {
        CiFormat::Sarif => report::sarif::log(d),
        CiFormat::Github => report::github::commands(d),
        CiFormat::Rdjsonl => report::rdjsonl::lines(d),
        CiFormat::Junit => report::junit::xml(d),
    }
}

/// On GitHub Actions, the Markdown summary of the run appended to $GITHUB_STEP_SUMMARY: the
/// page shows only a few annotations per step.
fn step_summary(d: &Diagnostics) -> Result<(), CliError> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(&path)
        .and_then(|mut f| f.write_all(report::github::summary(d).as_bytes()))
        .map_err(|e| {
            CliError::Usage(format!(
                "cannot append to $GITHUB_STEP_SUMMARY ({}): {e}",
                Path::new(&path).display()
            ))
        })
}

/// Writes the report: to `-o FILE`, else through a pager when it is text on a terminal,
/// else to stdout.
pub fn write(out: &OutputArgs, text: &str, pageable: bool) -> Result<(), CliError> {
    if let Some(file) = &out.output {
        return std::fs::write(file, text)
            .map_err(|e| CliError::Usage(format!("cannot write {}: {e}", file.display())));
    }
    if pageable && !out.no_pager && std::io::stdout().is_terminal() && page(text) {
        return Ok(());
    }
    super::write_stdout(text)
}

/// Shows `text` through the pager; false when there is none (set to `cat` or empty, or it
/// cannot start), and the caller writes it itself. `less -FRX` quits at once when the text fits on one screen, keeps colours, and leaves it on the screen.
fn page(text: &str) -> bool {
    let pager = ["WITNESS_PAGER", "PAGER"]
        .iter()
        .find_map(|v| std::env::var(v).ok())
        .unwrap_or_else(|| "less -FRX".into());
    let mut words = pager.split_whitespace();
    let Some(program) = words.next().filter(|p| *p != "cat") else {
        return false;
    };
    let Ok(mut child) = Command::new(program)
        .args(words)
        .stdin(Stdio::piped())
        .spawn()
    else {
        return false;
    };
    if let Some(mut stdin) = child.stdin.take() {
        // The reader quitting early (`q` in less) is not an error.
        let _ = stdin.write_all(text.as_bytes());
    }
    let _ = child.wait();
    true
}
