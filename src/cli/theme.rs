//! `punchline theme ...`: theme tooling for artists.

use crate::diagnostic::{Error, Result};
use clap::Subcommand;
use std::path::Path;
use std::process::ExitCode;

/// Theme commands.
#[derive(Debug, Subcommand)]
pub enum ThemeCommand {
    /// Render every template against the site and report all errors.
    Check,
}

impl ThemeCommand {
    /// Runs the command.
    pub fn run(self, _root: &Path) -> Result<ExitCode> {
        Err(Error::Usage("theme commands are not available yet".into()))
    }
}
