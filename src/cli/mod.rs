//! Command-line interface: parses arguments and calls the library, nothing more.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use rayon::prelude::*;

use witness::extract::{Reading, Revision};
use witness::ledger::Digest;
use witness::report::cer::{CerRun, Pair};
use witness::report::{self, TextOptions};
use witness::{
    Class, Corpus, DiffOptions, Document, ExtractOptions, FailOn, Files, FindingKind, InputFormat,
    Kind, LedgerError, Measure, Mode, PageLevel, PairingError, Profile, ReadOptions, ScanOptions,
    Skipped, SourceError, diagnostics, diff, measure, pair_paths,
};

mod apply;
#[cfg(feature = "cluster")]
mod cluster;
mod generate;
mod ledger;
pub(crate) mod output;
mod progress;
mod snapshot;

use output::{Accept, CiFormat, ListFormat, OutputArgs, Shown};

#[derive(Parser, Debug)]
#[command(
    name = "witness",
    version,
    about = "Audit the versions of a text: variants, duplicates, provenance.",
    after_help = "Exit status: 0 no difference (under the chosen rules), 1 differences, 2 trouble."
)]
pub struct Cli {
    /// The ledger to use (a .witness directory, or the directory holding one) instead of
    /// the one found by walking up from the current directory.
    #[arg(long, global = true, value_name = "DIR")]
    ledger: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Compare two witnesses of one text, character by character.
    Diff(DiffArgs),
    /// Find duplicated, near-duplicate, repeated and quoted text in files and directories.
    Scan(ScanArgs),
    /// Character and word error rates of a transcription against its ground truth (two
    /// files, or two directories paired by file name).
    Cer(CerArgs),
    /// Align any number of witnesses of one text: an apparatus of variant sites with every
    /// witness's reading and the majority.
    Collate(CollateArgs),
    /// An errata list for a text: each substantive variant or internal problem, the reading
    /// proposed, and the evidence for it.
    Errata(ErrataArgs),
    /// The text witness reads from a file: a PAGE-XML, ALTO, hOCR, TEI, HTML, DOCX or PDF
    /// file's text in reading order,
    /// or a plain text as decoded; with --json, where each piece of it is in the file.
    Extract(ExtractArgs),
    /// The main job: scan a collection, diff and collate the witnesses of one text, build
    /// errata, and write a report (index.html, report.json, errata.md, errata.csv).
    Audit(AuditArgs),
    /// Accept what a comparison finds: run it and record its diagnostics in a baseline file
    /// kept in the repository; later runs given `--baseline FILE` report and fail only on what
    /// is new.
    Accept(AcceptArgs),
    /// Apply an errata list (`witness errata --format json`) to its target: the corrected
    /// text in the target's encoding and line endings, only the corrected spans changed.
    Apply(apply::ApplyArgs),
    /// Run a part of a Ballista cluster that scans with `witness scan --engine
    /// ballista://HOST:PORT`: a scheduler, or an executor.
    #[cfg(feature = "cluster")]
    Cluster {
        #[command(subcommand)]
        command: cluster::ClusterCommand,
    },
    /// Create a ledger (.witness/) in the current directory.
    Init,
    /// Store files' bytes and record a version of each.
    Add(ledger::AddArgs),
    /// Record a note.
    Note(ledger::NoteArgs),
    /// The ledger's records, newest first.
    Log(ledger::LogArgs),
    /// One record, for people, or as JSON with --json (ID: a record number as `log` prints
    /// it, or #N; a label or label@N; a digest or a unique prefix of one).
    Show(ledger::ShowArgs),
    /// Check every record, the chain, the Merkle root, every stored object and the
    /// checkpoint; with --checkpoint (or --size and --root), also that the history up to a tree
    /// head kept elsewhere was not rewritten; or, with --proof, a proof file offline. Exit 0
    /// intact, 1 damaged or rewritten, 2 trouble.
    Verify(ledger::VerifyArgs),
    /// Accept the log as it stands when it and its checkpoint disagree: record an incident
    /// that says what each held, and start a new checkpoint.
    Repair,
    /// Signing keys for tree heads.
    Key {
        #[command(subcommand)]
        command: ledger::KeyCommand,
    },
    /// The current tree head as a C2SP checkpoint, signed with --key: publish it, tag it,
    /// keep it; `witness verify --checkpoint` later proves the history up to it unchanged.
    Checkpoint {
        /// The signing key (a file written by `witness key generate`).
        #[arg(long, value_name = "FILE")]
        key: Option<PathBuf>,
    },
    /// An RFC 6962 inclusion proof of a record, or with --since N a consistency proof from
    /// the tree of the first N records to the current one.
    Prove {
        /// The record to prove (as `show` takes it); without it, --since.
        id: Option<String>,
        /// A consistency proof from the tree of the first SIZE records to the current one.
        #[arg(long, value_name = "SIZE")]
        since: Option<usize>,
    },
    /// The ledger as W3C PROV-JSON, or in-toto Statements v1 of its versions, audits and notes
    /// (JSON lines).
    Export {
        /// `prov-json` (W3C PROV) or `in-toto` (one Statement v1 per line).
        #[arg(long, value_enum)]
        format: ledger::ExportFormat,
    },
    /// For CI: re-hash every tracked file (or those given) against its last recorded version.
    /// Exit 0 clean, 1 drift, 2 trouble.
    Check(ledger::CheckArgs),
    /// Write or compare a snapshot of a document or a comparison under `snapshots/`, the
    /// way insta snapshot-tests code.
    Snapshot(snapshot::SnapshotArgs),
    /// Walk the pending snapshots (`.new` files) in the terminal: accept, reject, skip.
    Review(snapshot::ReviewArgs),
    /// Shell completions for bash, zsh, fish, elvish or PowerShell, on stdout.
    Completions(generate::CompletionsArgs),
    /// The manual page (roff), on stdout: `witness man > witness.1`.
    Man(generate::ManArgs),
}

#[derive(Args, Debug)]
struct AcceptArgs {
    /// The baseline file written (replaced: entries no longer found are dropped).
    #[arg(
        short,
        long,
        value_name = "FILE",
        default_value = ".witness-baseline.json"
    )]
    baseline: PathBuf,
    #[command(subcommand)]
    command: Reporting,
}

/// The commands whose diagnostics `witness accept` records.
#[derive(Subcommand, Debug)]
enum Reporting {
    /// Accept the variants of a comparison.
    Diff(DiffArgs),
    /// Accept the findings of a scan.
    Scan(ScanArgs),
    /// Accept the entries of an errata list.
    Errata(ErrataArgs),
    /// Accept what an audit finds.
    Audit(AuditArgs),
    /// Accept the drift of tracked files.
    Check(ledger::CheckArgs),
}

#[derive(Args, Debug)]
struct AuditArgs {
    /// The collection (a directory walked for *.txt files, or the extensions of --ext, or
    /// files; a .jsonl, .ndjson or .parquet file named is a collection, one document a row).
    #[arg(default_value = "corpus")]
    paths: Vec<PathBuf>,
    /// Where the report goes.
    #[arg(long, default_value = "witness-report", value_name = "DIR")]
    out: PathBuf,
    /// Copy the documents' text into `report.json` at every finding's location (by default
    /// the report gives positions and digests only, so its size follows the findings, not the
    /// texts).
    #[arg(long)]
    embed_text: bool,
    /// Folding rules used for matching.
    #[arg(long, value_parser = choice::<Profile>(), default_value = "loose")]
    profile: Profile,
    /// What makes the exit status 1.
    #[arg(long, value_parser = choice::<FailOn>(), default_value = "any")]
    fail_on: FailOn,
    /// The authoritative text of its group (repeatable): the others are compared with it and
    /// corrected towards it. Without it (and without the ledger's `official` role) the base is
    /// inferred from the evidence, and every output says so.
    #[arg(long, value_name = "FILE")]
    base: Vec<PathBuf>,
    /// Do not record versions and the audit in the ledger, even when there is one.
    #[arg(long)]
    no_record: bool,
    /// No progress bars and no summary (`--progress` lines are still written).
    #[arg(short, long)]
    quiet: bool,
    /// A line on stderr as each phase ends (count, time, rate) and every 10 s of a long one,
    /// even when stderr is not a terminal (CI logs). Bars on a terminal need no flag.
    #[arg(long)]
    progress: bool,
    /// What goes to the standard output besides the report directory: nothing (`text`: the
    /// summary is on stderr), or the diagnostics in another format.
    #[arg(short, long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// List cosmetic variants and boilerplate too, in the diagnostics.
    #[arg(short, long)]
    all: bool,
    #[command(flatten)]
    output: OutputArgs,
    #[command(flatten)]
    walk: WalkArgs,
    #[command(flatten)]
    input: InputArgs,
}

#[derive(Args, Debug)]
struct ExtractArgs {
    /// The file (or `-` for the standard input).
    file: PathBuf,
    /// Read as another tool does (dinglehopper 0.11: its reading order, levels and joins).
    #[arg(long, value_enum)]
    compat: Option<Compat>,
    /// The text and, for each piece of it, its byte, line, column and element in the file.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    to: ToFile,
    #[command(flatten)]
    input: InputArgs,
}

#[derive(Args, Debug)]
struct ErrataArgs {
    /// The text to correct (a file, a ledger ID, or `-` for the standard input).
    target: PathBuf,
    /// Other witnesses of the same text (对校).
    #[arg(long, value_name = "W")]
    against: Vec<PathBuf>,
    /// A directory (or file) of other documents: quotations (他校) and attestations; a
    /// .jsonl, .ndjson or .parquet file is a collection, one document a row.
    #[arg(long, value_name = "DIR")]
    corpus: Vec<PathBuf>,
    /// Folding rules used for matching.
    #[arg(long, value_parser = choice::<Profile>(), default_value = "loose")]
    profile: Profile,
    /// The format of the errata list.
    #[arg(short, long, value_enum, default_value_t = ErrataFormat::Md)]
    format: ErrataFormat,
    /// Append an audit record of this report to the ledger.
    #[arg(long)]
    record: bool,
    #[command(flatten)]
    output: OutputArgs,
    #[command(flatten)]
    walk: WalkArgs,
    #[command(flatten)]
    input: InputArgs,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum ErrataFormat {
    /// A Markdown table (for a pull request or an issue).
    Md,
    /// CSV, one entry per row.
    Csv,
    /// JSON (`witness/errata/1`).
    Json,
    /// Plain text for a terminal.
    Text,
    /// A self-contained HTML page.
    Html,
    /// SARIF 2.1.0.
    Sarif,
    /// GitHub Actions annotations.
    Github,
    /// reviewdog diagnostics (each correction a suggested change).
    Rdjsonl,
    /// JUnit XML.
    Junit,
}

#[derive(Args, Debug)]
struct CollateArgs {
    /// The witnesses (files, or ledger IDs).
    #[arg(required = true, num_args = 2..)]
    witnesses: Vec<PathBuf>,
    /// The witness whose text the apparatus follows (default: the first).
    #[arg(long, value_name = "W")]
    base: Option<PathBuf>,
    /// Folding rules used for alignment.
    #[arg(long, value_parser = choice::<Profile>(), default_value = "loose")]
    profile: Profile,
    /// The format of the apparatus.
    #[arg(short, long, value_enum, default_value_t = CollateFormat::Text)]
    format: CollateFormat,
    /// List cosmetic sites too (JSON always has them).
    #[arg(short, long)]
    all: bool,
    #[command(flatten)]
    to: ToFile,
    /// Append an audit record of this report to the ledger.
    #[arg(long)]
    record: bool,
    #[command(flatten)]
    input: InputArgs,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum CollateFormat {
    Text,
    Json,
    Md,
    Tei,
}

#[derive(Args, Debug)]
struct CerArgs {
    /// The ground truth (a file, a directory, or `-` for the standard input).
    gt: PathBuf,
    /// The transcription (a file, or a directory with files of the same names).
    ocr: PathBuf,
    /// Count exactly as another tool does.
    #[arg(long, value_enum)]
    compat: Option<Compat>,
    /// What counts as the same text (ignored with --compat).
    #[arg(long, value_parser = choice::<Profile>(), default_value = "nfc")]
    profile: Profile,
    /// The format of the report.
    #[arg(short, long, value_enum, default_value_t = CerFormat::Text)]
    format: CerFormat,
    #[command(flatten)]
    to: ToFile,
    /// Confusions listed.
    #[arg(long, default_value_t = 10, value_name = "N")]
    top: usize,
    /// Append an audit record of this report to the ledger.
    #[arg(long)]
    record: bool,
    #[command(flatten)]
    sides: SideEncodings,
    #[command(flatten)]
    input: InputArgs,
}

/// The encoding of one side of a comparison, when the two differ (a GB18030 transcription of
/// a UTF-8 release): each overrides `--encoding` for its side.
#[derive(Args, Debug)]
struct SideEncodings {
    /// Encoding of the first input (WHATWG label), instead of `--encoding` or detection.
    #[arg(long, value_name = "LABEL")]
    encoding_a: Option<String>,
    /// Encoding of the second input (WHATWG label), instead of `--encoding` or detection.
    #[arg(long, value_name = "LABEL")]
    encoding_b: Option<String>,
}

impl SideEncodings {
    /// The read options of each side.
    fn read_options(&self, input: &InputArgs) -> (ReadOptions, ReadOptions) {
        let side = |label: &Option<String>| ReadOptions {
            encoding: label.clone().or_else(|| input.encoding.clone()),
            ..input.read_options()
        };
        (side(&self.encoding_a), side(&self.encoding_b))
    }
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum Compat {
    /// dinglehopper 0.11 (OCR-D).
    Dinglehopper,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum CerFormat {
    Text,
    Json,
    Md,
    Csv,
}

#[derive(Args, Debug)]
struct ScanArgs {
    /// Files, or directories walked recursively for files with the extensions of `--ext`; a
    /// .jsonl, .ndjson or .parquet file named is a collection, one document a row.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Folding rules used for matching.
    #[arg(long, value_parser = choice::<Profile>(), default_value = "loose")]
    profile: Profile,
    /// The format of the report.
    #[arg(short, long, value_enum, default_value_t = ScanFormat::Report(Format::Text))]
    format: ScanFormat,
    /// List boilerplate too (text and JSON reports always have it).
    #[arg(short, long)]
    all: bool,
    /// Minimum size of a duplicate, near duplicate or shared passage, in characters
    /// [default: 20 for CJK text, 60 for other scripts].
    #[arg(long, value_name = "N")]
    min_chars: Option<usize>,
    /// Minimum similarity (1 − edit distance / length) of near duplicates and shared passages.
    #[arg(long, default_value_t = 0.8, value_parser = parse_threshold)]
    threshold: f64,
    /// Kinds of findings to report, comma-separated [default: all]. Only kinds asked for are
    /// looked for: the shared text between files comes with `shared_passage`.
    #[arg(long, value_parser = choice::<FindingKind>(), value_delimiter = ',')]
    kinds: Vec<FindingKind>,
    /// Append an audit record of this report to the ledger.
    #[arg(long)]
    record: bool,
    /// A line on stderr as each phase ends (count, time, rate) and every 10 s of a long one,
    /// even when stderr is not a terminal (CI logs). Bars on a terminal need no flag.
    #[arg(long)]
    progress: bool,
    #[cfg(feature = "cluster")]
    #[command(flatten)]
    engine: cluster::EngineArgs,
    #[command(flatten)]
    output: OutputArgs,
    #[command(flatten)]
    walk: WalkArgs,
    #[command(flatten)]
    input: InputArgs,
}

/// Where the report of a command without diagnostics (cer, collate, extract) goes.
#[derive(Args, Debug)]
struct ToFile {
    /// Write the report to FILE instead of the standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

impl ToFile {
    fn write(&self, text: &str) -> Result<(), CliError> {
        let out = OutputArgs {
            output: self.output.clone(),
            no_pager: true,
            ..OutputArgs::default()
        };
        output::write(&out, text, false)
    }
}

/// A library enum the command line names by its `name()`.
trait Named: Copy + Send + Sync + 'static {
    const ALL: &'static [Self];
    fn name(self) -> &'static str;
}

/// `Named` for library enums: the values the command line accepts, and their names.
macro_rules! named {
    ($($t:ty => $all:expr),* $(,)?) => {$(
        impl Named for $t {
            const ALL: &'static [$t] = &$all;
            fn name(self) -> &'static str {
                <$t>::name(self)
            }
        }
    )*};
}

named!(
    Profile => Profile::ALL,
    Kind => *Kind::COSMETIC, // `--substantive` takes cosmetic kinds only
    FailOn => FailOn::ALL,
    FindingKind => FindingKind::ALL,
    InputFormat => InputFormat::ALL,
    PageLevel => PageLevel::ALL,
    Reading => Reading::ALL,
    Revision => Revision::ALL,
);

/// Parses one of `T::ALL` by name; `--help` lists the names.
fn choice<T: Named>() -> impl clap::builder::TypedValueParser<Value = T> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(T::ALL.iter().map(|t| t.name())).map(|s| {
        T::ALL
            .iter()
            .copied()
            .find(|t| t.name() == s)
            .unwrap_or(T::ALL[0])
    })
}

fn parse_threshold(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!("{s:?} is not a number between 0 and 1")),
    }
}

#[derive(Args, Debug)]
struct DiffArgs {
    /// The reference witness (an official text, the ground truth): a file, a ledger ID, or
    /// `-` for the standard input.
    a: PathBuf,
    /// The witness audited against it (a transcription, a reprint); `-` for the standard
    /// input (one of the two).
    b: PathBuf,
    /// Folding rules used for matching and for the CER.
    #[arg(short, long, value_parser = choice::<Profile>(), default_value = "loose")]
    profile: Profile,
    /// The format of the report.
    #[arg(short, long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// List cosmetic variants too (JSON always has them).
    #[arg(short, long)]
    all: bool,
    /// Exit 1 on any variant, cosmetic ones included.
    #[arg(long)]
    strict: bool,
    /// Count these cosmetic kinds as substantive (listed, and exit 1), comma-separated:
    /// `--substantive script,variant_form`.
    #[arg(long, value_parser = choice::<Kind>(), value_delimiter = ',', value_name = "KIND")]
    substantive: Vec<Kind>,
    /// Append an audit record of this report to the ledger.
    #[arg(long)]
    record: bool,
    #[command(flatten)]
    output: OutputArgs,
    #[command(flatten)]
    sides: SideEncodings,
    #[command(flatten)]
    input: InputArgs,
}

/// How directories are walked: shared by the commands that walk them (scan, audit, errata).
#[derive(Args, Debug)]
struct WalkArgs {
    /// Read symbolic links to files found in a directory walk wherever they point; by default
    /// a link whose target lies outside the directory named is skipped (and said so).
    /// Linked directories are never walked.
    #[arg(long)]
    follow_symlinks: bool,
    /// File extensions read when walking directories, comma-separated (`txt,xml,html,docx,pdf`);
    /// `*` for every file.
    #[arg(long, value_delimiter = ',', default_value = "txt")]
    ext: Vec<String>,
}

impl WalkArgs {
    /// The files and directories to read, walked under these rules.
    fn files(&self, paths: &[PathBuf]) -> Files {
        Files::new(paths)
            .follow_symlinks(self.follow_symlinks)
            .extensions(&self.ext)
    }
}

/// How files are read, and the terminal written to: shared by every command.
#[derive(Args, Debug)]
struct InputArgs {
    /// Encoding of every file (WHATWG label: UTF-8, GB18030, Big5, Shift_JIS, UTF-16LE…),
    /// instead of detection.
    #[arg(long, value_name = "LABEL")]
    encoding: Option<String>,
    /// Replace malformed byte sequences with U+FFFD instead of refusing the file.
    #[arg(long)]
    lossy: bool,
    /// The format of the inputs. Without it, DOCX and PDF are told by their signature,
    /// PAGE-XML, ALTO, TEI, HTML and hOCR by their root element, and anything else is read as
    /// plain text.
    #[arg(long, value_parser = choice::<InputFormat>(), value_name = "FORMAT")]
    input_format: Option<InputFormat>,
    /// PAGE-XML: read the regions' own text, or their lines' (`auto`: the lines where a region
    /// has lines with text).
    #[arg(long, value_parser = choice::<PageLevel>(), default_value = "auto")]
    page_level: PageLevel,
    /// Leave out of plain texts what this regular expression matches (repeatable, like
    /// `diff -I`): page and line markers, sigla, editorial brackets. What was left out is
    /// counted, with its positions, in the reports.
    #[arg(long, value_name = "REGEX", value_parser = parse_regex)]
    ignore: Vec<regex::Regex>,
    /// TEI: the reading of a `<choice>`: the editor's (`corr`, `expan`, `reg`) or the
    /// source's as written (`sic`, `abbr`, `orig`).
    #[arg(long, value_parser = choice::<Reading>(), default_value = "editorial")]
    reading: Reading,
    /// TEI `<del>`/`<add>` and DOCX tracked changes: the text as revised (deletions
    /// dropped) or before the revision (deletions kept, additions and insertions dropped).
    #[arg(long, value_parser = choice::<Revision>(), default_value = "revised")]
    revision: Revision,
    /// TEI: read notes in place instead of leaving them out of the running text.
    #[arg(long)]
    notes: bool,
    /// Colour in the text report.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

/// A regular expression for `--ignore` (Rust `regex` syntax), checked when the command line
/// is read.
fn parse_regex(s: &str) -> Result<regex::Regex, String> {
    regex::Regex::new(s).map_err(|e| e.to_string())
}

impl InputArgs {
    fn read_options(&self) -> ReadOptions {
        ReadOptions {
            encoding: self.encoding.clone(),
            lossy: self.lossy,
            extract: ExtractOptions {
                format: self.input_format,
                page_level: self.page_level,
                dinglehopper: false,
                reading: self.reading,
                revision: self.revision,
                notes: self.notes,
            },
            ignore: self.ignore.clone(),
        }
    }

    fn color(&self) -> bool {
        match self.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal()
            }
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub(crate) enum Format {
    /// Plain text for a terminal.
    Text,
    /// JSON (`witness/diff/1`, `witness/scan/1`…).
    Json,
    /// Markdown (for a pull request or an issue).
    Md,
    /// SARIF 2.1.0 (GitHub code scanning and other review tools).
    Sarif,
    /// GitHub Actions annotations, and a summary in $GITHUB_STEP_SUMMARY.
    Github,
    /// reviewdog diagnostics, one JSON object per line.
    Rdjsonl,
    /// JUnit XML, one test case per document or pair.
    Junit,
}

impl Format {
    /// How a report in this format is shown: `report` for text, JSON and Markdown without a
    /// baseline (pageable when it is text), the diagnostics otherwise.
    pub(crate) fn shown(self, baseline: bool) -> Shown {
        match (self, baseline) {
            (Format::Text, false) => Shown::Report { pageable: true },
            (Format::Json | Format::Md, false) => Shown::Report { pageable: false },
            (Format::Text, true) => Shown::Diagnostics(ListFormat::Text),
            (Format::Json, true) => Shown::Diagnostics(ListFormat::Json),
            (Format::Md, true) => Shown::Diagnostics(ListFormat::Md),
            (Format::Sarif, _) => Shown::Ci(CiFormat::Sarif),
            (Format::Github, _) => Shown::Ci(CiFormat::Github),
            (Format::Rdjsonl, _) => Shown::Ci(CiFormat::Rdjsonl),
            (Format::Junit, _) => Shown::Ci(CiFormat::Junit),
        }
    }
}

/// `witness scan --format`: the formats of every reporting command, and the findings as rows.
#[derive(Clone, Copy, Debug)]
enum ScanFormat {
    Report(Format),
    Jsonl,
    Parquet,
}

impl ValueEnum for ScanFormat {
    fn value_variants<'a>() -> &'a [Self] {
        static ALL: std::sync::LazyLock<Vec<ScanFormat>> = std::sync::LazyLock::new(|| {
            let reports = Format::value_variants()
                .iter()
                .copied()
                .map(ScanFormat::Report);
            reports
                .chain([ScanFormat::Jsonl, ScanFormat::Parquet])
                .collect()
        });
        &ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        use clap::builder::PossibleValue;
        match self {
            ScanFormat::Report(f) => f.to_possible_value(),
            ScanFormat::Jsonl => Some(
                PossibleValue::new("jsonl").help("One finding per line (`witness/scan-finding/1`)"),
            ),
            ScanFormat::Parquet => Some(PossibleValue::new("parquet").help(
                "The same rows as a Parquet table, written to -o FILE (the `parquet` feature)",
            )),
        }
    }
}

impl ScanFormat {
    /// How the result is shown: rows are a report of their own.
    fn shown(self, baseline: bool) -> Shown {
        match self {
            ScanFormat::Report(f) => f.shown(baseline),
            ScanFormat::Jsonl | ScanFormat::Parquet => Shown::Report { pageable: false },
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum Color {
    Auto,
    Always,
    Never,
}

/// Failures of a command; `main` prints them and exits 2.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error("{0}")]
    Usage(String),
    #[error("cannot write the report: {0}")]
    Output(std::io::Error),
    #[error(transparent)]
    Pairing(#[from] PairingError),
    #[error(transparent)]
    WriteReport(#[from] witness::report::audit::WriteError),
    #[error("nothing could be read ({0} skipped); check the paths above")]
    NothingRead(usize),
    #[error(transparent)]
    Baseline(#[from] witness::baseline::BaselineError),
    #[error(transparent)]
    Rows(#[from] witness::report::scan::rows::RowsError),
    /// A scan on an engine other than the local one failed (feature `cluster`).
    #[cfg(feature = "cluster")]
    #[error("{0}")]
    Engine(String),
}

/// What a successful command found, as an exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0: no difference under the chosen rules.
    Same,
    /// Exit 1: differences found.
    Differ,
}

impl Outcome {
    /// `Differ` when `differs`.
    pub fn of(differs: bool) -> Outcome {
        if differs {
            Outcome::Differ
        } else {
            Outcome::Same
        }
    }
}

pub fn run(cli: Cli) -> Result<Outcome, CliError> {
    let at = &cli.ledger;
    match cli.command {
        Command::Diff(args) => run_diff(args, at, None),
        Command::Scan(args) => run_scan(args, at, None),
        Command::Cer(args) => run_cer(args, at),
        Command::Collate(args) => run_collate(args, at),
        Command::Errata(args) => run_errata(args, at, None),
        Command::Audit(args) => run_audit(args, at, None),
        Command::Accept(a) => {
            let to = Some(a.baseline.as_path());
            match a.command {
                Reporting::Diff(args) => run_diff(args, at, to),
                Reporting::Scan(args) => run_scan(args, at, to),
                Reporting::Errata(args) => run_errata(args, at, to),
                Reporting::Audit(args) => run_audit(args, at, to),
                Reporting::Check(args) => ledger::check(at, args, to),
            }
        }
        Command::Extract(args) => run_extract(args, at),
        Command::Apply(args) => apply::run(args, at),
        #[cfg(feature = "cluster")]
        Command::Cluster { command } => cluster::run(command),
        Command::Init => ledger::init(),
        Command::Add(args) => ledger::add(at, args),
        Command::Note(args) => ledger::note(at, args),
        Command::Log(args) => ledger::log(at, args),
        Command::Show(args) => ledger::show(at, args),
        Command::Verify(args) => ledger::verify_cmd(at, args),
        Command::Repair => ledger::repair(at),
        Command::Key { command } => ledger::key(command),
        Command::Checkpoint { key } => ledger::checkpoint(at, key),
        Command::Prove { id, since } => ledger::prove(at, id, since),
        Command::Export { format } => ledger::export_cmd(at, format),
        Command::Check(args) => ledger::check(at, args, None),
        Command::Snapshot(args) => snapshot::snapshot(at, args),
        Command::Review(args) => snapshot::review(args),
        Command::Completions(args) => generate::completions(args),
        Command::Man(args) => generate::man(args),
    }
}

fn run_scan(args: ScanArgs, at: &Option<PathBuf>, accept: Accept) -> Result<Outcome, CliError> {
    // A report to record needs a ledger: find it before doing the work.
    let recorder = args.record.then(|| ledger::ledger(at)).transpose()?;
    // Before the work: where Parquet goes, and whether this build writes it.
    let parquet = match (args.format, accept) {
        (ScanFormat::Parquet, None) => Some(parquet_file(&args.output)?),
        _ => None,
    };
    let files = args.walk.files(&args.paths);
    let progress = progress::Reporter::for_command(false, args.progress);
    let opts = ScanOptions {
        min_chars: args.min_chars,
        threshold: args.threshold,
        kinds: if args.kinds.is_empty() {
            FindingKind::ALL.to_vec()
        } else {
            args.kinds.clone()
        },
    };
    let report = Report {
        args: &args,
        accept,
        recorder,
        parquet,
    };
    // An engine other than the local one streams the inputs: it never holds every text.
    #[cfg(feature = "cluster")]
    if let Some((streamed, engine)) =
        args.engine
            .stream(&files, &args.input, args.profile, &opts, &progress)?
    {
        return streamed.report(|scan, skipped| report.write(&progress, scan, skipped, engine));
    }
    let (corpus, skipped) = progress::read_corpus(&progress, &files, &args.input, args.profile)?;
    let result = witness::scan_with_progress(&corpus, &opts, &progress);
    report.write(&progress, &result, &skipped, None)
}

/// What a scan's report is made from, besides the scan.
struct Report<'a> {
    args: &'a ScanArgs,
    accept: Accept<'a>,
    recorder: Option<witness::ledger::Ledger>,
    parquet: Option<PathBuf>,
}

impl Report<'_> {
    /// Writes the report of `result` and records it when asked.
    fn write(
        self,
        progress: &progress::Reporter,
        result: &witness::Scan,
        skipped: &[Skipped],
        engine: Option<witness::ledger::EngineRef>,
    ) -> Result<Outcome, CliError> {
        let Report {
            args,
            accept,
            recorder,
            parquet,
        } = self;
        // Bars gone before the report (which may go to a pager).
        witness::Progress::finish(progress);
        let (outcome, out) = match parquet {
            Some(file) => {
                let table = report::scan::rows::parquet(result, Vec::new())?;
                std::fs::write(&file, &table).map_err(|e| {
                    CliError::Usage(format!("cannot write {}: {e}", file.display()))
                })?;
                let differs = result.notable() > 0 && !args.output.exit_zero;
                (Outcome::of(differs), Digest::of(&table))
            }
            None => {
                let (outcome, out) = output::conclude(
                    &args.output,
                    accept,
                    args.format.shown(args.output.baseline.is_some()),
                    args.all,
                    result.notable() > 0,
                    || diagnostics::of_scan(result),
                    || -> output::Report {
                        match args.format {
                            ScanFormat::Report(Format::Json) => {
                                output::Report::Streamed(Box::new(|w| {
                                    report::scan::write_json(w, result, skipped)
                                }))
                            }
                            ScanFormat::Jsonl => output::Report::Streamed(Box::new(|w| {
                                report::scan::rows::write_jsonl(w, result)
                            })),
                            ScanFormat::Report(Format::Md) => {
                                report::scan::markdown(result, skipped).into()
                            }
                            _ => report::scan::text(result, skipped, args.input.color()).into(),
                        }
                    },
                )?;
                (outcome, out)
            }
        };
        if let Some(l) = recorder.as_ref().filter(|_| accept.is_none()) {
            let docs: Vec<&Document> = result.docs.iter().collect();
            ledger::record_audit_on(l, "scan", &docs, Some(args.profile), out, engine)?;
        }
        Ok(outcome)
    }
}

/// The file `--format parquet` writes: binary, so never the terminal; and the build must
/// write Parquet.
fn parquet_file(out: &OutputArgs) -> Result<PathBuf, CliError> {
    if !cfg!(feature = "parquet") {
        return Err(CliError::Usage(format!(
            "--format parquet: {}, or use --format jsonl",
            witness::collection::NO_PARQUET
        )));
    }
    output::refuse_baseline(out)?;
    out.output.clone().ok_or_else(|| {
        CliError::Usage(
            "--format parquet writes a binary table: give the file to write with -o FILE".into(),
        )
    })
}

/// Names on stderr the files that could not be read.
fn warn_skipped(skipped: &[Skipped]) {
    for k in skipped {
        eprintln!("witness: skipped {}: {}", k.path, k.error);
    }
}

/// What the reader of a structured file warns about, on stderr.
pub(crate) fn warn_document(doc: &Document) {
    for w in &doc.warnings {
        eprintln!("witness: warning: {}: {w}", doc.path);
    }
}

fn run_diff(args: DiffArgs, at: &Option<PathBuf>, accept: Accept) -> Result<Outcome, CliError> {
    let recorder = args.record.then(|| ledger::ledger(at)).transpose()?;
    let (read_a, read_b) = args.sides.read_options(&args.input);
    let (a, b) = rayon::join(
        || ledger::load(&args.a, &read_a, at),
        || ledger::load(&args.b, &read_b, at),
    );
    let (a, b) = (a?, b?);
    let mut d = diff(
        &a,
        &b,
        &DiffOptions {
            profile: args.profile,
        },
    );
    d.comparison
        .to_mut()
        .count_as_substantive(&args.substantive);
    let differs = d.blocks().next().is_some()
        || d.count(Class::Substantive) > 0
        || (args.strict && d.count(Class::Cosmetic) > 0);
    let (outcome, out) = output::conclude(
        &args.output,
        accept,
        args.format.shown(args.output.baseline.is_some()),
        args.all || args.strict,
        differs,
        || diagnostics::of_diff(&d, args.strict),
        || match args.format {
            Format::Json => report::json(&d),
            Format::Md => report::markdown(&d, args.all),
            _ => report::text(
                &d,
                TextOptions {
                    all: args.all,
                    color: args.input.color() && args.output.to_terminal(),
                },
            ),
        },
    )?;
    if let Some(l) = recorder.as_ref().filter(|_| accept.is_none()) {
        ledger::record_audit(l, "diff", &[&a, &b], Some(args.profile), out)?;
    }
    Ok(outcome)
}

fn run_audit(args: AuditArgs, at: &Option<PathBuf>, accept: Accept) -> Result<Outcome, CliError> {
    use witness::progress::{Phase, Progress};
    // The ledger, when there is one: roles name the bases, versions and the audit are
    // recorded. A ledger named with --ledger must exist.
    let ledger = if args.no_record {
        None
    } else {
        ledger::ledger_if_any(at)?
    };
    let progress = progress::Reporter::for_command(args.quiet, args.progress);
    let files = args.walk.files(&args.paths);
    let (corpus, skipped) = progress::read_corpus(&progress, &files, &args.input, args.profile)?;
    let mut designated = match &ledger {
        Some(l) => ledger::official(l, corpus.docs())?,
        None => vec![false; corpus.len()],
    };
    for base in &args.base {
        let i = find_document(&corpus, base).ok_or_else(|| {
            CliError::Usage(format!(
                "--base {}: not one of the audited files; give the path of one of them",
                base.display()
            ))
        })?;
        designated[i] = true;
    }
    let audit = witness::audit(&corpus, &designated, &progress);
    progress.phase(Phase::Writing, None);
    let report_json = report::audit::write(&audit, &skipped, &args.out, args.embed_text)?;
    progress.finish();
    // The summary is on stderr; stdout has the diagnostics when another format is asked for.
    let shown = match (args.format, args.output.baseline.is_some()) {
        (Format::Text | Format::Json | Format::Md, false) => None,
        (format, baseline) => Some(format.shown(baseline)),
    };
    let (outcome, _) = match shown.or(accept.map(|_| Shown::Diagnostics(ListFormat::Text))) {
        None => (Outcome::of(audit.fails(args.fail_on)), Digest::of(b"")),
        Some(shown) => output::conclude(
            &args.output,
            accept,
            shown,
            args.all,
            audit.fails(args.fail_on),
            || diagnostics::of_audit(&audit, args.fail_on),
            String::new,
        )?,
    };
    if accept.is_some() {
        return Ok(outcome);
    }
    if let Some(l) = &ledger {
        ledger::record_versions(l, corpus.docs())?;
        let docs: Vec<&Document> = corpus.docs().iter().collect();
        ledger::record_audit(
            l,
            "audit",
            &docs,
            Some(args.profile),
            Digest::of(report_json.as_bytes()),
        )?;
    }
    if !args.quiet {
        eprint!(
            "{}",
            report::audit::summary(&audit, &args.out.display().to_string())
        );
    }
    Ok(match args.output.exit_zero {
        true => Outcome::Same,
        false => outcome,
    })
}

/// The document of `corpus` read from `path`: the same path as given, or the same file.
fn find_document(corpus: &Corpus, path: &std::path::Path) -> Option<usize> {
    let wanted = std::fs::canonicalize(path).ok();
    corpus.docs().iter().position(|d| {
        std::path::Path::new(&d.path) == path
            || wanted.is_some() && std::fs::canonicalize(&d.path).ok() == wanted
    })
}

fn run_errata(args: ErrataArgs, at: &Option<PathBuf>, accept: Accept) -> Result<Outcome, CliError> {
    let recorder = args.record.then(|| ledger::ledger(at)).transpose()?;
    let read = args.input.read_options();
    let mut witnesses = vec![ledger::load(&args.target, &read, at)?];
    for w in &args.against {
        witnesses.push(ledger::load(w, &read, at)?);
    }
    let (others, skipped) = Corpus::read(&args.walk.files(&args.corpus), &read, args.profile);
    warn_skipped(&skipped);
    others.docs().iter().for_each(warn_document);
    let references: Vec<usize> = (1..witnesses.len()).collect();
    let corpus = Corpus::with_witnesses(witnesses, others.into_docs(), args.profile);
    let x = witness::errata_of(&corpus, 0, &references);
    let baseline = args.output.baseline.is_some();
    let shown = match args.format {
        ErrataFormat::Md => Format::Md.shown(baseline),
        ErrataFormat::Json => Format::Json.shown(baseline),
        ErrataFormat::Text => Format::Text.shown(baseline),
        ErrataFormat::Csv | ErrataFormat::Html => Shown::Report { pageable: false },
        ErrataFormat::Sarif => Shown::Ci(CiFormat::Sarif),
        ErrataFormat::Github => Shown::Ci(CiFormat::Github),
        ErrataFormat::Rdjsonl => Shown::Ci(CiFormat::Rdjsonl),
        ErrataFormat::Junit => Shown::Ci(CiFormat::Junit),
    };
    let (outcome, out) = output::conclude(
        &args.output,
        accept,
        shown,
        true,
        !x.entries.is_empty(),
        || diagnostics::of_errata(&x),
        || match args.format {
            ErrataFormat::Csv => report::errata::csv(&x),
            ErrataFormat::Json => report::errata::json(&x),
            ErrataFormat::Text => report::errata::text(&x),
            ErrataFormat::Html => report::html::errata_page(&x),
            _ => report::errata::markdown(&x),
        },
    )?;
    if let Some(l) = recorder.as_ref().filter(|_| accept.is_none()) {
        let docs: Vec<&Document> = x.docs[..=x.references].to_vec();
        ledger::record_audit(l, "errata", &docs, Some(args.profile), out)?;
    }
    Ok(outcome)
}

fn run_collate(args: CollateArgs, at: &Option<PathBuf>) -> Result<Outcome, CliError> {
    let recorder = args.record.then(|| ledger::ledger(at)).transpose()?;
    let read = args.input.read_options();
    let docs: Vec<Document> = args
        .witnesses
        .iter()
        .map(|w| ledger::load(w, &read, at))
        .collect::<Result<_, _>>()?;
    let witnesses: Vec<usize> = (0..docs.len()).collect();
    let base = match &args.base {
        None => 0,
        Some(b) => args.witnesses.iter().position(|w| w == b).ok_or_else(|| {
            CliError::Usage(format!(
                "--base {} is not one of the witnesses given",
                b.display()
            ))
        })?,
    };
    let corpus = Corpus::new(docs, args.profile);
    let c = witness::collate(&corpus, &witnesses, base);
    let out = match args.format {
        CollateFormat::Text => report::collate::text(&c, args.all),
        CollateFormat::Json => report::collate::json(&c),
        CollateFormat::Md => report::collate::markdown(&c, args.all),
        CollateFormat::Tei => report::collate::tei(&c, args.all),
    };
    args.to.write(&out)?;
    if let Some(l) = &recorder {
        ledger::record_audit(
            l,
            "collate",
            &c.docs,
            Some(args.profile),
            Digest::of(out.as_bytes()),
        )?;
    }
    Ok(Outcome::of(c.differs()))
}

fn run_extract(args: ExtractArgs, at: &Option<PathBuf>) -> Result<Outcome, CliError> {
    let mut read = args.input.read_options();
    read.extract.dinglehopper = args.compat.is_some();
    let doc = ledger::load(&args.file, &read, at)?;
    let mut text = match args.json {
        true => report::extract::json(&doc),
        false => report::extract::text(&doc),
    };
    if !args.json && args.compat.is_some() {
        // dinglehopper counts its normalized text: show that.
        text = witness::unstable::metrics::dinglehopper_reading(&doc) + "\n";
    }
    args.to.write(&text)?;
    Ok(Outcome::of(false))
}

fn run_cer(args: CerArgs, at: &Option<PathBuf>) -> Result<Outcome, CliError> {
    let recorder = args.record.then(|| ledger::ledger(at)).transpose()?;
    let (mut read_gt, mut read_ocr) = args.sides.read_options(&args.input);
    if args.compat.is_some() {
        read_gt.extract.dinglehopper = true;
        read_ocr.extract.dinglehopper = true;
    }
    let mode = match args.compat {
        Some(Compat::Dinglehopper) => Mode::Dinglehopper,
        None => Mode::Witness(args.profile),
    };
    let pairing = pair_paths(&args.gt, &args.ocr)?;
    warn_skipped(&pairing.skipped);
    let docs: Vec<(Document, Document)> = pairing
        .pairs
        .iter()
        .map(|(g, o)| {
            Ok((
                ledger::load(g, &read_gt, at)?,
                ledger::load(o, &read_ocr, at)?,
            ))
        })
        .collect::<Result<_, CliError>>()?;
    let measures: Vec<Measure> = docs.par_iter().map(|(g, o)| measure(g, o, mode)).collect();
    let run = CerRun {
        mode,
        pairs: docs
            .iter()
            .zip(measures)
            .map(|((gt, ocr), measure)| Pair { gt, ocr, measure })
            .collect(),
        only_in_gt: pairing.only_in_gt,
        only_in_ocr: pairing.only_in_ocr,
        directories: pairing.directories,
        top: args.top,
    };
    let out = match args.format {
        CerFormat::Text => report::cer::text(&run),
        CerFormat::Json => report::cer::json(&run),
        CerFormat::Md => report::cer::markdown(&run),
        CerFormat::Csv => report::cer::csv(&run),
    };
    args.to.write(&out)?;
    if let Some(l) = &recorder {
        let inputs: Vec<&Document> = docs.iter().flat_map(|(g, o)| [g, o]).collect();
        let profile = match mode {
            Mode::Witness(p) => Some(p),
            Mode::Dinglehopper => None,
        };
        ledger::record_audit(l, "cer", &inputs, profile, Digest::of(out.as_bytes()))?;
    }
    // Like the other reports: 1 when there is any difference.
    Ok(Outcome::of(
        run.pairs.iter().any(|p| p.measure.chars.distance > 0),
    ))
}

/// Writes to stdout; a reader that went away (`| head`) is not an error.
pub(crate) fn write_stdout(s: &str) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(s.as_bytes()).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(CliError::Output(e)),
        _ => Ok(()),
    }
}
