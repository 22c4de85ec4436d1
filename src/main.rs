use std::process::ExitCode;

use clap::Parser;
mod cli;

use cli::{Cli, Outcome, run};

/// Exit codes follow diff(1): 0 same, 1 different, 2 trouble (clap also exits 2 on bad usage).
fn main() -> ExitCode {
    let cli = Cli::parse();
    // The whole command runs on a worker of the thread pool, so that its parallel steps are
    // joins within the pool (the other worker steals the second half) rather than hand-offs
    // from the main thread, which sleeps and is woken for each.
    match rayon::scope(|_| run(cli)) {
        Ok(Outcome::Same) => ExitCode::SUCCESS,
        Ok(Outcome::Differ) => ExitCode::from(1),
        Err(e) => {
            eprintln!("witness: error: {e}");
            ExitCode::from(2)
        }
    }
}
