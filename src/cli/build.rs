//! `punchline build` and `punchline check`.

use crate::build::{self, BuildOptions};
use crate::clock::Clock;
use crate::diagnostic::{Diagnostic, Error, Result};
use crate::output::Progress;
use clap::{Args, ValueEnum};
use serde::Serialize;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Output format of a command's summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people.
    Text,
    /// For machines.
    Json,
}

/// Options shared by every command that builds the site model.
#[derive(Debug, Clone, Args)]
pub struct ModelArgs {
    /// Treat items in review, approved or scheduled as live too (pages built this way carry a
    /// PREVIEW banner and noindex).
    #[arg(long)]
    pub preview: bool,
    /// Take this time as now (YYYY-MM-DD or RFC 3339): what is live, scheduled or expired is
    /// decided as of then, so results are reproducible.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Use this base URL instead of site.yaml's (a preview host, a local server).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
}

impl ModelArgs {
    /// Build options for the site at `root`.
    pub fn options(&self, root: &Path) -> Result<BuildOptions> {
        let mut o = BuildOptions::new(root);
        o.preview = self.preview;
        o.clock = Clock::from_arg(self.now.as_deref()).map_err(Error::Usage)?;
        o.base_url = self.base_url.clone();
        Ok(o)
    }
}

/// Build the site.
#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    model: ModelArgs,
    /// Also show drafts (implies --preview: PREVIEW banner, noindex; never deployed to production).
    #[arg(long)]
    drafts: bool,
    /// Where to write the site (default: public/ in the site root).
    #[arg(short, long, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Summary format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Also write the SEO audit reports (audit.txt, .json, .csv, .sarif,
    /// .html) into DIR, from the same site model.
    #[arg(long, value_name = "DIR")]
    report: Option<PathBuf>,
    /// Render and write everything, ignoring the cache of the last build
    /// (.punchline/cache/, which this build then replaces).
    #[arg(long)]
    no_cache: bool,
}

/// What `--report` wrote.
#[derive(Serialize)]
struct AuditSummary {
    dir: String,
    errors: usize,
    warnings: usize,
    notices: usize,
}

#[derive(Serialize)]
struct Summary<'a> {
    ok: bool,
    output: String,
    mode: &'static str,
    pages_rendered: usize,
    files: usize,
    files_written: usize,
    files_deleted: usize,
    incremental: bool,
    sources_parsed: usize,
    bodies_rendered: usize,
    bytes: u64,
    duration_ms: u128,
    diagnostics: &'a [Diagnostic],
    #[serde(skip_serializing_if = "Option::is_none")]
    audit: Option<AuditSummary>,
}

impl BuildArgs {
    /// Runs the build.
    pub fn run(self, root: &Path) -> Result<ExitCode> {
        let mut opts = self.model.options(root)?;
        (opts.drafts, opts.preview) = (self.drafts, opts.preview || self.drafts);
        if let Some(out) = self.output {
            opts.output = out;
        }
        opts.cache = !self.no_cache;
        let progress = TermProgress::new();
        let mode = if opts.preview { "preview" } else { "live" };
        let mut audited = None;
        let result = match &self.report {
            None => build::build(&opts, &progress),
            Some(dir) => {
                opts.bodies = crate::markdown::Bodies::HtmlAndText;
                let root = opts.root.clone();
                build::build_then(&opts, &progress, &mut |site, theme| {
                    let c = crate::audit::write_reports(site, theme, &root, dir)?;
                    audited = Some(AuditSummary {
                        dir: dir.display().to_string(),
                        errors: c.error,
                        warnings: c.warning,
                        notices: c.notice,
                    });
                    Ok(())
                })
            }
        };
        match result {
            Ok(report) => {
                progress.finish();
                let summary = Summary {
                    ok: true,
                    output: opts.output.display().to_string(),
                    mode,
                    pages_rendered: report.pages_rendered,
                    files: report.manifest.files.len(),
                    files_written: report.files_written,
                    files_deleted: report.files_deleted,
                    incremental: report.incremental,
                    sources_parsed: report.sources_parsed,
                    bodies_rendered: report.bodies_rendered,
                    bytes: report.bytes(),
                    duration_ms: report.duration.as_millis(),
                    diagnostics: &report.warnings,
                    audit: audited,
                };
                match self.format {
                    Format::Json => println!("{}", serde_json::to_string_pretty(&summary).expect("plain data")),
                    Format::Text => {
                        super::print_diagnostics(&report.warnings);
                        eprintln!(
                            "built {} pages ({} files, {:.1} MB) into {} in {} ms{}",
                            summary.pages_rendered,
                            summary.files,
                            summary.bytes as f64 / 1e6,
                            summary.output,
                            summary.duration_ms,
                            if opts.preview { " [preview]" } else { "" }
                        );
                        if summary.incremental {
                            eprintln!(
                                "incremental: {} file{} written, {} deleted",
                                summary.files_written,
                                crate::diagnostic::plural(summary.files_written),
                                summary.files_deleted
                            );
                        }
                        if let Some(a) = &summary.audit {
                            eprintln!(
                                "audit reports in {}: {} errors, {} warnings, {} notices",
                                a.dir, a.errors, a.warnings, a.notices
                            );
                        }
                    }
                }
                Ok(ExitCode::SUCCESS)
            }
            Err(Error::Diagnostics(diags)) if self.format == Format::Json => {
                progress.finish();
                let summary = Summary {
                    ok: false,
                    output: opts.output.display().to_string(),
                    mode,
                    pages_rendered: 0,
                    files: 0,
                    files_written: 0,
                    files_deleted: 0,
                    incremental: false,
                    sources_parsed: 0,
                    bodies_rendered: 0,
                    bytes: 0,
                    duration_ms: 0,
                    diagnostics: &diags,
                    audit: None,
                };
                println!("{}", serde_json::to_string_pretty(&summary).expect("plain data"));
                Ok(ExitCode::from(1))
            }
            Err(e) => {
                progress.finish();
                Err(e)
            }
        }
    }
}

/// A page counter on a terminal for large builds; silent in CI and pipes.
struct TermProgress {
    enabled: bool,
    shown: AtomicUsize,
}

impl TermProgress {
    fn new() -> Self {
        let enabled = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
        Self {
            enabled,
            shown: AtomicUsize::new(0),
        }
    }

    fn finish(&self) {
        if self.enabled && self.shown.load(Ordering::Relaxed) > 0 {
            eprint!("\r\x1b[2K");
        }
    }
}

impl Progress for TermProgress {
    fn tick(&self, done: usize, total: usize) {
        if !self.enabled || total < 2000 {
            return;
        }
        let step = total / 50;
        if done.is_multiple_of(step.max(1)) || done == total {
            self.shown.store(done, Ordering::Relaxed);
            let filled = done * 30 / total;
            eprint!(
                "\rrendering [{}{}] {done}/{total}",
                "#".repeat(filled),
                " ".repeat(30 - filled)
            );
        }
    }
}
