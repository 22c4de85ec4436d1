//! Command-line interface: parses arguments and calls the library, nothing more.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::classify::Class;
use crate::diff::{DiffOptions, diff};
use crate::normalize::Profile;
use crate::report::{self, TextOptions};
use crate::source::{Document, ReadOptions, SourceError};

#[derive(Parser, Debug)]
#[command(
    name = "witness",
    version,
    about = "Audit the versions of a text: variants, duplicates, provenance.",
    after_help = "Exit status: 0 no difference (under the chosen rules), 1 differences, 2 trouble."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Compare two witnesses of one text, character by character.
    Diff(DiffArgs),
}

#[derive(Args, Debug)]
struct DiffArgs {
    /// The reference witness (an official text, the ground truth).
    a: PathBuf,
    /// The witness audited against it (a transcription, a reprint).
    b: PathBuf,
    /// Folding rules used for matching and for the CER.
    #[arg(long, value_enum, default_value_t = Profile::Loose)]
    profile: Profile,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// List cosmetic variants too (text and md; JSON always has them).
    #[arg(long)]
    all: bool,
    /// Exit 1 on any variant, cosmetic ones included.
    #[arg(long)]
    strict: bool,
    /// Encoding of both files (WHATWG label: UTF-8, GB18030, Big5, Shift_JIS, UTF-16LE…),
    /// instead of detection.
    #[arg(long, value_name = "LABEL")]
    encoding: Option<String>,
    /// Replace malformed byte sequences with U+FFFD instead of refusing the file.
    #[arg(long)]
    lossy: bool,
    /// Colour in the text report.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum Format {
    Text,
    Json,
    Md,
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
    #[error("cannot write the report: {0}")]
    Output(std::io::Error),
}

/// What a successful command found, as an exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0: no difference under the chosen rules.
    Same,
    /// Exit 1: differences found.
    Differ,
}

pub fn run(cli: Cli) -> Result<Outcome, CliError> {
    match cli.command {
        Command::Diff(args) => run_diff(args),
    }
}

fn run_diff(args: DiffArgs) -> Result<Outcome, CliError> {
    let read = ReadOptions {
        encoding: args.encoding.clone(),
        lossy: args.lossy,
    };
    let a = Document::read(&args.a, &read)?;
    let b = Document::read(&args.b, &read)?;
    let d = diff(
        &a,
        &b,
        &DiffOptions {
            profile: args.profile,
        },
    );
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal(),
    };
    let out = match args.format {
        Format::Text => report::text(
            &d,
            TextOptions {
                all: args.all,
                color,
            },
        ),
        Format::Json => report::json(&d),
        Format::Md => report::markdown(&d, args.all),
    };
    write_stdout(&out)?;
    let differs = d.blocks().next().is_some()
        || d.count(Class::Substantive) > 0
        || (args.strict && d.count(Class::Cosmetic) > 0);
    Ok(if differs {
        Outcome::Differ
    } else {
        Outcome::Same
    })
}

/// Writes to stdout; a reader that went away (`| head`) is not an error.
fn write_stdout(s: &str) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(s.as_bytes()).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(CliError::Output(e)),
        _ => Ok(()),
    }
}
