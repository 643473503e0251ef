//! The workflow commands: new, submit, approve, request-changes, publish,
//! unpublish, archive, assign, status, schedule.

use crate::diagnostic::{Error, Result};
use clap::{Args, Subcommand};
use std::path::Path;
use std::process::ExitCode;

/// The editorial workflow commands (flattened into the top level).
#[derive(Debug, Subcommand)]
pub enum WorkflowCommand {
    /// The board: counts per state, assignees, waiting and overdue items.
    Status(StatusArgs),
}

/// Not written yet.
#[derive(Debug, Args)]
pub struct StatusArgs {}

impl WorkflowCommand {
    /// Runs the command.
    pub fn run(self, _root: &Path) -> Result<ExitCode> {
        Err(Error::Usage("workflow commands are not available yet".into()))
    }
}
