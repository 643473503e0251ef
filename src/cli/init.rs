//! `punchline init DIR`.

use crate::diagnostic::Result;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

/// Create a new site.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to create (must be empty or not exist).
    dir: PathBuf,
}

impl InitArgs {
    /// Writes the new site.
    pub fn run(self) -> Result<ExitCode> {
        let written = crate::scaffold::init(&self.dir)?;
        eprintln!("created {} files in {}", written, self.dir.display());
        eprintln!(
            "next: cd {} && punchline serve   (or: punchline build)",
            self.dir.display()
        );
        Ok(ExitCode::SUCCESS)
    }
}
