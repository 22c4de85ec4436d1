use std::process::ExitCode;

use clap::Parser;
mod cli;

use cli::{Cli, Outcome, run};

/// Exit codes follow diff(1): 0 same, 1 different, 2 trouble (clap also exits 2 on bad usage).
fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(Outcome::Same) => ExitCode::SUCCESS,
        Ok(Outcome::Differ) => ExitCode::from(1),
        Err(e) => {
            eprintln!("witness: error: {e}");
            ExitCode::from(2)
        }
    }
}
