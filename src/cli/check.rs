//! `punchline check`: validate everything, and (with `--since`) judge a git
//! range against the role policy.

use super::build::{Format, ModelArgs};
use crate::build;
use crate::diagnostic::{has_errors, Result};
use clap::Args;
use std::path::Path;
use std::process::ExitCode;

/// Check the site.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    model: ModelArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

impl CheckArgs {
    /// Runs the check.
    pub fn run(self, root: &Path) -> Result<ExitCode> {
        let opts = self.model.options(root)?;
        let diags = build::check(&opts)?;
        let failed = has_errors(&diags);
        match self.format {
            Format::Json => println!("{}", serde_json::to_string_pretty(&diags).expect("plain data")),
            Format::Text => {
                super::print_diagnostics(&diags);
                let errors = diags.iter().filter(|d| d.is_error()).count();
                eprintln!(
                    "{} error{}, {} warning{}",
                    errors,
                    plural(errors),
                    diags.len() - errors,
                    plural(diags.len() - errors)
                );
            }
        }
        Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
