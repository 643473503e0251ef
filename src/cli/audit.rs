//! `punchline audit`: keyword and SEO audit of the site model.
//!
//! Exit codes: 0 no finding at or above `--fail-on`; 1 findings at or above
//! it, or errors in the input (content, site.yaml, keywords.yaml, theme);
//! 2 the audit could not run (unreadable files, bad arguments, unwritable -o).

use super::build::ModelArgs;
use crate::audit::{self, format::Format, Level};
use crate::diagnostic::{Error, Result};
use clap::{Args, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The lowest level that fails the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Errors fail the run.
    Error,
    /// Warnings and errors fail the run.
    Warning,
}

impl FailOn {
    fn level(self) -> Level {
        match self {
            FailOn::Error => Level::Error,
            FailOn::Warning => Level::Warning,
        }
    }
}

/// Audit the site: per-page keyword checks, site-wide SEO rules, keyword
/// coverage (keywords.yaml) and the term report.
#[derive(Debug, Args)]
pub struct AuditArgs {
    #[command(flatten)]
    model: ModelArgs,
    /// Report format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Exit with status 1 when a finding is at this level or above.
    #[arg(long, value_enum, default_value = "error", value_name = "LEVEL")]
    fail_on: FailOn,
    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

impl AuditArgs {
    /// Runs the audit.
    pub fn run(self, root: &Path) -> Result<ExitCode> {
        let opts = self.model.options(root)?;
        let input = audit::load(&opts)?;
        let report = audit::audit(&input.site, &input.theme, root, &input.settings)?;
        let formatter = |color| self.format.formatter(color);
        match &self.output {
            Some(path) => {
                let file = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
                let mut w = std::io::BufWriter::new(file);
                formatter(false)
                    .write(&report, &mut w)
                    .and_then(|()| w.flush())
                    .map_err(|e| Error::io(path, e))?;
                let c = report.summary.findings;
                eprintln!(
                    "audited {} pages: {} errors, {} warnings, {} notices; report written to {}",
                    report.summary.pages,
                    c.error,
                    c.warning,
                    c.notice,
                    path.display()
                );
            }
            None => {
                let stdout = std::io::stdout();
                let color =
                    self.format == Format::Text && stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
                let mut lock = stdout.lock();
                if let Err(e) = formatter(color).write(&report, &mut lock) {
                    // A closed pipe (`| head`) is the reader's choice, not a failure.
                    if e.kind() != std::io::ErrorKind::BrokenPipe {
                        return Err(Error::io(Path::new("<stdout>"), e));
                    }
                }
            }
        }
        let failed = report.fails(self.fail_on.level());
        // The process ends here: freeing a 10,000-page site and report piece
        // by piece would cost more time than it gives back.
        std::mem::forget(report);
        std::mem::forget(input);
        Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
    }
}
