//! `punchline theme ...`: theme tooling for artists.

use super::build::ModelArgs;
use crate::build::{self, Loaded};
use crate::diagnostic::{has_errors, plural, Diagnostic, Error, Result};
use crate::theme::scaffold;
use clap::{Args, Subcommand};
use std::path::Path;
use std::process::ExitCode;

/// Theme commands.
#[derive(Debug, Subcommand)]
pub enum ThemeCommand {
    /// Render every page with the site's theme and report every template error at once.
    Check(CheckArgs),
    /// Create a theme under themes/NAME (a child of --extends, or a full copy of the default theme).
    New(NewArgs),
}

/// Options of `theme check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    model: ModelArgs,
}

/// Options of `theme new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The theme's folder name under themes/.
    name: String,
    /// Inherit from this theme and override only what you change (e.g. `default`).
    #[arg(long, value_name = "THEME")]
    extends: Option<String>,
}

impl ThemeCommand {
    /// Runs the command.
    pub fn run(self, root: &Path) -> Result<ExitCode> {
        match self {
            ThemeCommand::Check(a) => check(root, &a.model),
            ThemeCommand::New(a) => {
                let files = scaffold::new_theme(root, &a.name, a.extends.as_deref())?;
                for f in &files {
                    println!("{}", f.display());
                }
                eprintln!(
                    "created theme '{}'; use it with `theme: {}` in site.yaml",
                    a.name, a.name
                );
                Ok(ExitCode::SUCCESS)
            }
        }
    }
}

fn check(root: &Path, model: &ModelArgs) -> Result<ExitCode> {
    let opts = model.options(root)?;
    let Loaded {
        site, theme, mut diags, ..
    } = build::load(&opts)?;
    let Some(theme) = theme else {
        super::print_diagnostics(&diags);
        return Err(Error::Diagnostics(
            diags.into_iter().filter(Diagnostic::is_error).collect(),
        ));
    };
    let report = crate::check::theme(&site, &theme, root);
    diags.retain(|d| {
        d.code.starts_with("TPL") || d.code.starts_with("THM") || d.code.starts_with("SC") || d.code == "SPC001"
    });
    diags.extend(report.diagnostics);
    diags.extend(crate::audit::structured::theme_diagnostics(&site, &theme, root));
    crate::diagnostic::sort(&mut diags);
    super::print_diagnostics(&diags);
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    eprintln!(
        "{} templates, {} pages rendered with theme '{}': {errors} error{}, {warnings} warning{}",
        theme.template_files.len(),
        report.pages,
        theme.chain.join(" <- "),
        plural(errors),
        plural(warnings)
    );
    Ok(if has_errors(&diags) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
