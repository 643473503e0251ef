//! `punchline audit`.

use crate::diagnostic::{Error, Result};
use clap::Args;
use std::path::Path;
use std::process::ExitCode;

/// Not written yet.
#[derive(Debug, Args)]
pub struct AuditArgs {}

impl AuditArgs {
    /// Runs the command.
    pub fn run(self, _root: &Path) -> Result<ExitCode> {
        Err(Error::Usage("'audit' is not available yet".into()))
    }
}
