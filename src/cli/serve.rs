//! `punchline serve`.

use super::build::ModelArgs;
use crate::clock::When;
use crate::diagnostic::{Error, Result};
use crate::serve::{self, ServeOptions};
use clap::Args;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

/// Serve the site locally; rebuild what each edit reaches; reload the browser.
#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    model: ModelArgs,
    /// Also show drafts, with the PREVIEW banner and noindex; their problems show in the browser.
    #[arg(long)]
    drafts: bool,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 1111)]
    port: u16,
    /// Address to bind. Keep 127.0.0.1 unless others must reach the preview.
    #[arg(long, default_value = "127.0.0.1")]
    bind: String,
    /// Open the site in a browser.
    #[arg(long)]
    open: bool,
    /// Milliseconds of quiet after a file event before rebuilding.
    #[arg(long, default_value_t = 10, hide = true)]
    debounce_ms: u64,
}

impl ServeArgs {
    /// Runs the server until interrupted.
    pub fn run(self, root: &Path) -> Result<ExitCode> {
        let now = match &self.model.now {
            None => None,
            Some(s) => Some(
                When::parse(s)
                    .ok_or_else(|| Error::Usage(format!("--now '{s}' is not a date (use YYYY-MM-DD or RFC 3339)")))?
                    .ts,
            ),
        };
        serve::run(&ServeOptions {
            root: root.to_path_buf(),
            bind: self.bind,
            port: self.port,
            preview: self.model.preview || self.drafts,
            drafts: self.drafts,
            now,
            base_url: self.model.base_url,
            open: self.open,
            debounce: Duration::from_millis(self.debounce_ms),
        })?;
        Ok(ExitCode::SUCCESS)
    }
}
