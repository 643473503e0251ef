//! `punchline deploy`: ship the built site to a target from site.yaml.

use super::build::Format;
use crate::deploy::apply::Progress;
use crate::deploy::plan::{Plan, Reason};
use crate::deploy::{self, DeployError, DeployOptions, Report};
use crate::diagnostic::{has_errors, plural, Diagnostic, Result};
use clap::Args;
use serde::Serialize;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Instant;

/// Upload the built site, sending only files that changed.
#[derive(Debug, Args)]
pub struct DeployArgs {
    /// The target: a name under `deploy: targets:` in site.yaml (may be left out when there is only one).
    #[arg(short, long, value_name = "NAME")]
    target: Option<String>,
    /// Print the plan and change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Delete files from the target that are no longer in the build.
    #[arg(long)]
    delete: bool,
    /// Refuse a deploy that would delete more files than this.
    #[arg(long, value_name = "N", default_value_t = 256)]
    max_deletes: usize,
    /// Write the absolute URL of every uploaded or deleted file to FILE, one a line (for CDN purges).
    #[arg(long, value_name = "FILE")]
    changed_urls: Option<PathBuf>,
    /// Let these pages go though they are live on the target and no longer built (see DEP009).
    #[arg(long, value_name = "URL", num_args = 1..)]
    allow_gone: Vec<String>,
    /// Let every vanished page go.
    #[arg(long)]
    allow_gone_all: bool,
    /// The built site to deploy (default: public/ in the site root).
    #[arg(short, long, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

impl DeployArgs {
    /// Runs the deploy.
    pub fn run(self, root: &Path) -> Result<ExitCode> {
        let mut opts = DeployOptions::new(root);
        if let Some(out) = &self.output {
            opts.output = out.clone();
        }
        opts.target = self.target.clone();
        opts.dry_run = self.dry_run;
        opts.delete = self.delete;
        opts.max_deletes = self.max_deletes;
        opts.changed_urls = self.changed_urls.clone();
        opts.allow_gone = deploy::gone::Allow {
            all: self.allow_gone_all,
            urls: self.allow_gone.clone(),
        };
        let progress = TermProgress::new();
        let env = |name: &str| std::env::var(name).ok();
        match deploy::deploy(&opts, &env, &progress) {
            Ok(report) => {
                self.print_report(&report);
                // A dry run that the real deploy would refuse still fails.
                let refused = has_errors(&report.diagnostics);
                Ok(if refused { ExitCode::from(1) } else { ExitCode::SUCCESS })
            }
            Err(e) => {
                self.print_error(&e);
                Ok(ExitCode::from(e.exit_code()))
            }
        }
    }

    fn print_report(&self, r: &Report) {
        match self.format {
            Format::Json => println!("{}", to_json(&JsonReport::new(r))),
            Format::Text => {
                super::print_diagnostics(&r.diagnostics);
                if r.dry_run {
                    print_plan(r);
                }
                println!("{}", summary_line(r));
                if !r.plan.kept.is_empty() {
                    println!(
                        "note: {} file{} no longer in the build stayed in the target; deploy with --delete to remove them",
                        r.plan.kept.len(),
                        plural(r.plan.kept.len())
                    );
                }
            }
        }
    }

    fn print_error(&self, e: &DeployError) {
        match self.format {
            Format::Json => {
                let (diagnostics, applied) = match e {
                    DeployError::Input(d) => (d.as_slice(), None),
                    DeployError::Interrupted { applied, .. } => (&[][..], Some(applied)),
                    _ => (&[][..], None),
                };
                let out = JsonError {
                    ok: false,
                    error: e.to_string(),
                    diagnostics,
                    uploaded: applied.map_or(0, |a| a.uploaded),
                    deleted: applied.map_or(0, |a| a.deleted),
                };
                println!("{}", to_json(&out));
            }
            Format::Text => eprintln!("{e}"),
        }
    }
}

fn to_json(v: &impl Serialize) -> String {
    serde_json::to_string_pretty(v).expect("plain data")
}

fn print_plan(r: &Report) {
    println!("plan for target '{}' ({}):", r.target, r.location);
    for u in &r.plan.uploads {
        let why = match u.reason {
            Reason::New => "new",
            Reason::Changed => "changed",
            Reason::Headers => "headers changed",
        };
        println!("  upload  {}  ({why}, {})", u.path, human_bytes(u.size));
    }
    for d in &r.plan.deletes {
        println!("  delete  {d}");
    }
    for k in &r.plan.kept {
        println!("  keep    {k}  (no longer in the build)");
    }
    if !r.plan.is_empty() {
        println!("  write   {}", crate::output::MANIFEST_FILE);
    }
}

fn summary_line(r: &Report) -> String {
    let p: &Plan = &r.plan;
    if r.dry_run {
        return format!(
            "dry run: would upload {} file{} ({}), delete {}, keep {}; {} unchanged; nothing was changed",
            p.uploads.len(),
            plural(p.uploads.len()),
            human_bytes(p.upload_bytes()),
            p.deletes.len(),
            p.kept.len(),
            p.unchanged
        );
    }
    format!(
        "deployed to '{}' ({}): uploaded {} ({}), deleted {}, unchanged {}, in {:.2} s{}",
        r.target,
        r.location,
        r.applied.uploaded,
        human_bytes(r.applied.bytes),
        r.applied.deleted,
        p.unchanged,
        r.duration.as_secs_f64(),
        if r.hook_ran { "; invalidation hook ran" } else { "" }
    )
}

fn human_bytes(n: u64) -> String {
    match n {
        0..1_000 => format!("{n} B"),
        1_000..1_000_000 => format!("{:.1} kB", n as f64 / 1e3),
        _ => format!("{:.1} MB", n as f64 / 1e6),
    }
}

#[derive(Serialize)]
struct JsonUpload<'a> {
    path: &'a str,
    reason: Reason,
    group: deploy::plan::Group,
    size: u64,
}

#[derive(Serialize)]
struct JsonPlan<'a> {
    upload: Vec<JsonUpload<'a>>,
    delete: &'a [String],
    keep: &'a [String],
}

#[derive(Serialize)]
struct JsonReport<'a> {
    ok: bool,
    dry_run: bool,
    target: &'a str,
    location: &'a str,
    uploaded: usize,
    deleted: usize,
    unchanged: usize,
    kept: usize,
    bytes: u64,
    seconds: f64,
    retries: usize,
    hook_ran: bool,
    plan: JsonPlan<'a>,
    changed_urls: &'a [String],
    diagnostics: &'a [Diagnostic],
}

impl<'a> JsonReport<'a> {
    fn new(r: &'a Report) -> Self {
        let upload = r
            .plan
            .uploads
            .iter()
            .map(|u| JsonUpload {
                path: &u.path,
                reason: u.reason,
                group: u.group,
                size: u.size,
            })
            .collect();
        JsonReport {
            ok: !has_errors(&r.diagnostics),
            dry_run: r.dry_run,
            target: &r.target,
            location: &r.location,
            uploaded: r.applied.uploaded,
            deleted: r.applied.deleted,
            unchanged: r.plan.unchanged,
            kept: r.plan.kept.len(),
            bytes: r.applied.bytes,
            seconds: r.duration.as_secs_f64(),
            retries: r.applied.retries,
            hook_ran: r.hook_ran,
            plan: JsonPlan {
                upload,
                delete: &r.plan.deletes,
                keep: &r.plan.kept,
            },
            changed_urls: &r.changed_urls,
            diagnostics: &r.diagnostics,
        }
    }
}

#[derive(Serialize)]
struct JsonError<'a> {
    ok: bool,
    error: String,
    diagnostics: &'a [Diagnostic],
    uploaded: usize,
    deleted: usize,
}

/// A transfer bar on a terminal; silent in CI and pipes.
struct TermProgress {
    enabled: bool,
    state: Mutex<Bar>,
}

struct Bar {
    name: String,
    files: usize,
    bytes: u64,
    done: usize,
    done_bytes: u64,
    drawn: Option<Instant>,
}

impl TermProgress {
    fn new() -> Self {
        TermProgress {
            enabled: std::io::stderr().is_terminal() && std::env::var_os("CI").is_none(),
            state: Mutex::new(Bar {
                name: String::new(),
                files: 0,
                bytes: 0,
                done: 0,
                done_bytes: 0,
                drawn: None,
            }),
        }
    }

    fn draw(bar: &Bar) {
        let filled = (bar.done * 30).checked_div(bar.files).unwrap_or(30);
        eprint!(
            "\r\x1b[2K{:<22} [{}{}] {}/{}  {}",
            bar.name,
            "#".repeat(filled),
            " ".repeat(30 - filled),
            bar.done,
            bar.files,
            if bar.bytes > 0 {
                format!("{} of {}", human_bytes(bar.done_bytes), human_bytes(bar.bytes))
            } else {
                String::new()
            }
        );
    }
}

impl Progress for TermProgress {
    fn phase(&self, name: &str, files: usize, bytes: u64) {
        if !self.enabled {
            return;
        }
        let mut bar = self.state.lock().expect("no panics while held");
        *bar = Bar {
            name: name.to_string(),
            files,
            bytes,
            done: 0,
            done_bytes: 0,
            drawn: Some(Instant::now()),
        };
        Self::draw(&bar);
    }

    fn advance(&self, bytes: u64) {
        if !self.enabled {
            return;
        }
        let mut bar = self.state.lock().expect("no panics while held");
        bar.done += 1;
        bar.done_bytes += bytes;
        // At most ~20 redraws a second, plus the last one.
        if bar.done == bar.files || bar.drawn.is_none_or(|t| t.elapsed().as_millis() >= 50) {
            bar.drawn = Some(Instant::now());
            Self::draw(&bar);
        }
    }

    fn finish(&self) {
        if self.enabled && self.state.lock().expect("no panics while held").drawn.is_some() {
            eprint!("\r\x1b[2K");
        }
    }
}
