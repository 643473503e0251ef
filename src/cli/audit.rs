//! `punchline audit`: keyword and SEO audit of the site model.
//!
//! Exit codes: 0 no finding at or above `--fail-on`; 1 findings at or above
//! it (with `--fail-on new`: new findings, compared with `--baseline`, at
//! warning or above), or errors in the input (content, site.yaml,
//! keywords.yaml, theme); 2 the audit could not run (unreadable files, bad
//! arguments, an unreadable baseline, unwritable -o).

use super::build::ModelArgs;
use crate::audit::baseline::{self, State};
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
    /// Only new warnings and errors (not in --baseline) fail the run.
    New,
}

impl FailOn {
    fn failed(self, report: &audit::Report) -> bool {
        match self {
            FailOn::Error => report.fails(Level::Error),
            FailOn::Warning => report.fails(Level::Warning),
            FailOn::New => report.findings.iter().enumerate().any(|(i, f)| {
                let new = report.baseline.as_ref().is_none_or(|b| b.state(i) == State::New);
                new && f.level >= Level::Warning
            }),
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
    /// Compare with an earlier JSON report: mark findings new, unchanged or fixed.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
}

impl AuditArgs {
    /// Runs the audit.
    pub fn run(self, root: &Path) -> Result<ExitCode> {
        let opts = self.model.options(root)?;
        let earlier = match &self.baseline {
            Some(path) => Some(baseline::load(path)?),
            None => None,
        };
        let input = audit::load(&opts)?;
        let mut report = audit::audit(&input.site, &input.theme, root, &input.settings)?;
        if let (Some(earlier), Some(path)) = (earlier, &self.baseline) {
            let file = path.display().to_string();
            report.baseline = Some(baseline::compare(&report.findings, earlier, &file));
        }
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
                print_fixed(&report);
            }
            None => {
                let stdout = std::io::stdout();
                if self.format != Format::Text {
                    print_fixed(&report);
                }
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
        let failed = self.fail_on.failed(&report);
        // The process ends here: freeing a 10,000-page site and report piece
        // by piece would cost more time than it gives back.
        std::mem::forget(report);
        std::mem::forget(input);
        Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
    }
}

/// The baseline's counts, and each fixed finding, on standard error.
fn print_fixed(report: &audit::Report) {
    let Some(b) = &report.baseline else { return };
    for f in &b.fixed {
        eprintln!("fixed: {}", audit::format::earlier_line(f));
    }
    eprintln!(
        "against {}: {} new, {} unchanged, {} fixed",
        b.file,
        b.new,
        b.unchanged,
        b.fixed.len()
    );
}
