//! How a reporting command ends: its own report or its diagnostics in a CI format, filtered
//! by a baseline; written to stdout (through a pager on a terminal), to `-o FILE`, or, for
//! `witness accept`, into the baseline file.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use clap::{Args, ValueEnum};
use sha2::{Digest as _, Sha256};

use witness::baseline::{Baseline, Triage};
use witness::diagnostics::Diagnostics;
use witness::ledger::Digest;
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

/// A command's report: made whole, or written as it is made (a scan's JSON report can be
/// hundreds of megabytes, and is never held whole). A streamed report is never paged.
pub enum Report<'a> {
    /// The text, whole.
    Whole(String),
    /// What writes it (to a buffered writer).
    Streamed(Writes<'a>),
}

/// What writes a streamed report.
pub type Writes<'a> = Box<dyn FnOnce(&mut dyn Write) -> io::Result<()> + 'a>;

impl From<String> for Report<'_> {
    fn from(text: String) -> Self {
        Report::Whole(text)
    }
}

/// Ends a reporting command. `differs`: its exit status without CI formats or a baseline;
/// `diagnostics` and `report` are computed only when needed. Returns the outcome and the
/// digest of the bytes written (for the ledger's audit record).
pub fn conclude<'a, R: Into<Report<'a>>>(
    out: &OutputArgs,
    accept: Accept,
    shown: Shown,
    all: bool,
    differs: bool,
    diagnostics: impl FnOnce() -> Diagnostics,
    report: impl FnOnce() -> R,
) -> Result<(Outcome, Digest), CliError> {
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
        return Ok((Outcome::Same, Digest::of(b"")));
    }
    if matches!(shown, Shown::Report { .. }) {
        refuse_baseline(out)?;
    }
    let (outcome, text, pageable) = match shown {
        Shown::Report { pageable } => (Outcome::of(differs), report().into(), pageable),
        Shown::Ci(format) => {
            let (d, fails, triage) = filtered(out, all, diagnostics)?;
            warn_stale(&triage);
            if format == CiFormat::Github {
                step_summary(&d)?;
            }
            (Outcome::of(fails), render(format, &d).into(), false)
        }
        Shown::Diagnostics(format) => {
            let (d, fails, triage) = filtered(out, all, diagnostics)?;
            let text = match format {
                ListFormat::Text => report::diagnostics::text(&d, &triage),
                ListFormat::Json => report::diagnostics::json(&d, &triage),
                ListFormat::Md => report::github::summary(&d),
            };
            (
                Outcome::of(fails),
                text.into(),
                matches!(format, ListFormat::Text),
            )
        }
    };
    let digest = match text {
        Report::Whole(text) => {
            write(out, &text, pageable)?;
            Digest::of(text.as_bytes())
        }
        Report::Streamed(report) => stream(out, report)?,
    };
    Ok((
        match out.exit_zero {
            true => Outcome::Same,
            false => outcome,
        },
        digest,
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
        return write_file(file, |w| w.write_all(text.as_bytes()));
    }
    if pageable && !out.no_pager && std::io::stdout().is_terminal() && page(text) {
        return Ok(());
    }
    super::write_stdout(text)
}

/// Writes a streamed report to `-o FILE` or stdout; returns the digest of all its bytes (all
/// of them, when the reader of stdout has gone: the ledger records the report made).
fn stream(out: &OutputArgs, report: Writes<'_>) -> Result<Digest, CliError> {
    let mut digest = None;
    let hashed = |w: &mut dyn Write| {
        let mut w = Hashing::new(w);
        report(&mut w)?;
        digest = Some(w.digest());
        Ok(())
    };
    match &out.output {
        Some(file) => write_file(file, hashed)?,
        None => {
            let mut stdout = io::BufWriter::new(io::stdout().lock());
            let mut gone = Gone::new(&mut stdout);
            hashed(&mut gone)
                .and_then(|()| gone.flush())
                .map_err(CliError::Output)?;
        }
    }
    Ok(digest.expect("a report written has a digest"))
}

/// Writes `file` through a temporary file in its directory and a rename: a report or a text
/// is never left half written (a disk full mid-way leaves the file as it was).
pub fn write_file(
    file: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), CliError> {
    let dir = file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = file.file_name().unwrap_or_default().to_string_lossy();
    let tmp = dir.join(format!(".{name}.witness-{}", std::process::id()));
    let written = std::fs::File::create(&tmp).and_then(|f| {
        let mut w = io::BufWriter::new(f);
        write(&mut w)?;
        w.flush()?;
        std::fs::rename(&tmp, file)
    });
    written.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        CliError::Usage(format!("cannot write {}: {e}", file.display()))
    })
}

/// A writer that hashes what goes through it (SHA-256).
struct Hashing<'w> {
    inner: &'w mut dyn Write,
    hasher: Sha256,
}

impl<'w> Hashing<'w> {
    fn new(inner: &'w mut dyn Write) -> Self {
        Hashing {
            inner,
            hasher: Sha256::new(),
        }
    }

    fn digest(self) -> Digest {
        Digest::from_bytes(self.hasher.finalize().into())
    }
}

impl Write for Hashing<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Stdout that takes what is written after its reader has gone (`witness scan | head`), as
/// a report made whole is: the command ends as it would have, and the ledger records the
/// report made.
struct Gone<'w> {
    inner: &'w mut dyn Write,
    gone: bool,
}

impl<'w> Gone<'w> {
    fn new(inner: &'w mut dyn Write) -> Self {
        Gone { inner, gone: false }
    }

    /// `result`, or success when it failed because the reader has gone.
    fn unless_gone<T>(&mut self, result: io::Result<T>, or: T) -> io::Result<T> {
        match result {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.gone = true;
                Ok(or)
            }
            r => r,
        }
    }
}

impl Write for Gone<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.gone {
            return Ok(buf.len());
        }
        let r = self.inner.write(buf);
        self.unless_gone(r, buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.gone {
            return Ok(());
        }
        let r = self.inner.flush();
        self.unless_gone(r, ())
    }
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
