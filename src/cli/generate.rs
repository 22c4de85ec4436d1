//! `witness completions` and `witness man`: generated from the clap definitions.

use clap::Args;

use super::{CliError, Outcome};

/// `witness completions`.
#[derive(Args, Debug)]
pub struct CompletionsArgs {}

/// `witness man`.
#[derive(Args, Debug)]
pub struct ManArgs {}

pub fn completions(_args: CompletionsArgs) -> Result<Outcome, CliError> {
    Err(CliError::Usage("witness completions: not yet built".into()))
}

pub fn man(_args: ManArgs) -> Result<Outcome, CliError> {
    Err(CliError::Usage("witness man: not yet built".into()))
}
