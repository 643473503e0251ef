//! `punchline deploy`.

use crate::diagnostic::{Error, Result};
use clap::Args;
use std::path::Path;
use std::process::ExitCode;

/// Not written yet.
#[derive(Debug, Args)]
pub struct DeployArgs {}

impl DeployArgs {
    /// Runs the command.
    pub fn run(self, _root: &Path) -> Result<ExitCode> {
        Err(Error::Usage("'deploy' is not available yet".into()))
    }
}
