//! `witness snapshot` and `witness review`: document snapshots, the insta way.

use std::path::PathBuf;

use clap::Args;

use super::{CliError, Outcome};

/// `witness snapshot`.
#[derive(Args, Debug)]
pub struct SnapshotArgs {
    /// The document, or two documents to compare.
    #[arg(required = true, num_args = 1..=2)]
    files: Vec<PathBuf>,
}

/// `witness review`.
#[derive(Args, Debug)]
pub struct ReviewArgs {}

pub fn snapshot(_at: &Option<PathBuf>, _args: SnapshotArgs) -> Result<Outcome, CliError> {
    Err(CliError::Usage("witness snapshot: not yet built".into()))
}

pub fn review(_args: ReviewArgs) -> Result<Outcome, CliError> {
    Err(CliError::Usage("witness review: not yet built".into()))
}
