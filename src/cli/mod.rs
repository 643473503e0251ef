//! The command line: one `*Args` struct per command, each with `run()`.
//!
//! Input: arguments. Output: an exit code, with results on stdout and
//! diagnostics on stderr. No logic lives here beyond mapping arguments onto
//! library calls and printing what they return.
//!
//! Exit codes: 0 success; 1 the input has errors (diagnostics printed);
//! 2 the command could not run (bad arguments, unreadable files).

mod audit;
mod build;
mod check;
mod deploy;
mod docs;
mod init;
mod serve;
mod theme;
mod workflow;

use crate::diagnostic::{Diagnostic, Error};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// punchline: run a joke-and-bulletin website from git.
#[derive(Debug, Parser)]
#[command(name = "punchline", version, about, long_about = None)]
pub struct Cli {
    /// The site root (folder with site.yaml, roles.yaml, content/, themes/).
    #[arg(short = 'C', long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into public/.
    Build(build::BuildArgs),
    /// Check content, roles.yaml, site.yaml and the theme; write nothing.
    Check(check::CheckArgs),
    /// Create a new site in DIR that builds at once.
    Init(init::InitArgs),
    /// Serve the site locally, rebuild on every change, reload the browser.
    Serve(serve::ServeArgs),
    /// Keyword and SEO audit of the site.
    Audit(audit::AuditArgs),
    /// Upload the built site to a target (folder or S3-compatible bucket).
    Deploy(deploy::DeployArgs),
    /// Theme tooling.
    #[command(subcommand)]
    Theme(theme::ThemeCommand),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(docs::CompletionsArgs),
    /// Print the man page, or write one page per command with --dir.
    Man(docs::ManArgs),
    #[command(flatten)]
    #[allow(missing_docs)]
    Workflow(workflow::WorkflowCommand),
}

/// Parses the command line and runs the command.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = crate::build::site_root(cli.root.as_deref());
    let result = match cli.command {
        Command::Build(a) => a.run(&root),
        Command::Check(a) => a.run(&root),
        Command::Init(a) => a.run(cli.root.as_deref()),
        Command::Serve(a) => a.run(&root),
        Command::Audit(a) => a.run(&root),
        Command::Deploy(a) => a.run(&root),
        Command::Theme(c) => c.run(&root),
        Command::Completions(a) => a.run(),
        Command::Man(a) => a.run(),
        Command::Workflow(c) => c.run(&root),
    };
    match result {
        Ok(code) => code,
        Err(e) => report_error(&e),
    }
}

/// Prints an error; diagnostics mean "fix your input" (exit 1), anything
/// else means "the command could not run" (exit 2).
pub fn report_error(e: &Error) -> ExitCode {
    eprintln!("{e}");
    match e {
        Error::Diagnostics(_) => ExitCode::from(1),
        _ => ExitCode::from(2),
    }
}

/// Prints diagnostics to stderr, one per line.
pub fn print_diagnostics(diags: &[Diagnostic]) {
    for d in diags {
        eprintln!("{d}");
    }
}
