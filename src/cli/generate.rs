//! `witness completions` and `witness man`: generated from the clap definitions, so they
//! cannot drift from what the program accepts.

use std::path::{Path, PathBuf};

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::{CliError, Outcome, write_stdout};

/// `witness completions`.
#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell the script is for.
    #[arg(value_enum)]
    shell: Shell,
}

/// `witness man`.
#[derive(Args, Debug)]
pub struct ManArgs {
    /// Write the pages of witness and of each subcommand (witness.1, witness-diff.1, …) into
    /// this directory, and list them, instead of printing the main page.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

pub fn completions(args: CompletionsArgs) -> Result<Outcome, CliError> {
    // Into a buffer first: the generators panic on a failed write, and `| head` closes stdout.
    let mut script = Vec::new();
    clap_complete::generate(
        args.shell,
        &mut <super::Cli as CommandFactory>::command(),
        "witness",
        &mut script,
    );
    write_stdout(&String::from_utf8_lossy(&script))?;
    Ok(Outcome::Same)
}

pub fn man(args: ManArgs) -> Result<Outcome, CliError> {
    let mut cmd = without_help_subcommand(<super::Cli as CommandFactory>::command());
    // Built from the top, so that each subcommand knows its full name (witness-diff) and has
    // the global options.
    cmd.build();
    match args.out {
        None => {
            let mut page = Vec::new();
            page_of(cmd).render(&mut page).map_err(CliError::Output)?;
            write_stdout(&String::from_utf8_lossy(&page))?;
        }
        Some(dir) => {
            std::fs::create_dir_all(&dir).map_err(|e| cannot_write(&dir, e))?;
            let mut written = Vec::new();
            write_pages(&cmd, &dir, &mut written)?;
            let listing: String = written
                .iter()
                .map(|p| format!("{}\n", p.display()))
                .collect();
            write_stdout(&listing)?;
        }
    }
    Ok(Outcome::Same)
}

/// `cmd` without clap's `help` subcommand at any level: it would be listed in the pages, with
/// a page of its own, though `--help` does its work.
fn without_help_subcommand(cmd: clap::Command) -> clap::Command {
    cmd.disable_help_subcommand(true)
        .mut_subcommands(without_help_subcommand)
}

/// The manual page of `cmd`, witness or one of its subcommands.
fn page_of(cmd: clap::Command) -> clap_mangen::Man {
    // A subcommand's own name and version would be `diff` and nothing.
    clap_mangen::Man::new(cmd).source(concat!("witness ", env!("CARGO_PKG_VERSION")))
}

/// Writes the page of `cmd` and those of its subcommands, parents first, into `dir`.
fn write_pages(
    cmd: &clap::Command,
    dir: &Path,
    written: &mut Vec<PathBuf>,
) -> Result<(), CliError> {
    let page = page_of(cmd.clone())
        .generate_to(dir)
        .map_err(|e| cannot_write(dir, e))?;
    written.push(page);
    for sub in cmd.get_subcommands() {
        write_pages(sub, dir, written)?;
    }
    Ok(())
}

fn cannot_write(dir: &Path, e: std::io::Error) -> CliError {
    CliError::Usage(format!(
        "cannot write the manual pages in {}: {e}",
        dir.display()
    ))
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::super::Cli;

    /// The arguments and subcommands under `cmd` (`path` names it) that `--help` shows
    /// without a description.
    fn undescribed(cmd: &clap::Command, path: &str, found: &mut Vec<String>) {
        for arg in cmd.get_arguments() {
            if !described(arg.get_help(), arg.get_long_help()) {
                let name = match arg.get_long() {
                    Some(long) => format!("--{long}"),
                    None => format!("<{}>", arg.get_id()),
                };
                found.push(format!("{path} {name}"));
            }
        }
        for sub in cmd.get_subcommands() {
            let path = format!("{path} {}", sub.get_name());
            if !described(sub.get_about(), sub.get_long_about()) {
                found.push(path.clone());
            }
            undescribed(sub, &path, found);
        }
    }

    fn described(
        short: Option<&clap::builder::StyledStr>,
        long: Option<&clap::builder::StyledStr>,
    ) -> bool {
        [short, long]
            .into_iter()
            .flatten()
            .any(|s| !s.to_string().trim().is_empty())
    }

    #[test]
    fn every_argument_and_subcommand_is_described() {
        // Not built: clap adds its own --help, --version and `help` when it builds, and those
        // describe themselves.
        let cmd = Cli::command();
        let mut found = Vec::new();
        undescribed(&cmd, "witness", &mut found);
        assert!(
            found.is_empty(),
            "without a description in --help:\n{}",
            found.join("\n")
        );
    }
}
