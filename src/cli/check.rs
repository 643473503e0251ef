//! `punchline check`: validate everything (the live site, and work in
//! progress built as if it were live), and (with `--since`) judge a git
//! range against the role policy.

use super::build::ModelArgs;
use crate::build;
use crate::diagnostic::{has_errors, plural, Diagnostic, Result};
use crate::workflow::{git, policy, sarif};
use clap::{Args, ValueEnum};
use serde::Serialize;
use std::path::Path;
use std::process::ExitCode;

/// Output formats of check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// For people (on stderr).
    Text,
    /// For machines: {ok, diagnostics, policy}.
    Json,
    /// SARIF 2.1.0, for code hosts to show on pull requests.
    Sarif,
}

/// Check the site.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    model: ModelArgs,
    /// Also judge every commit since REV (e.g. origin/main) against roles.yaml: who may change what.
    #[arg(long, value_name = "REV")]
    since: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: CheckFormat,
    /// Also check every http(s) link of the content and templates (see docs/diagnostics.md, EXT001).
    #[arg(long)]
    external: bool,
    /// Also report pages live on this deploy target that the site no longer produces (DEP009).
    #[arg(long, value_name = "NAME")]
    target: Option<String>,
}

/// The JSON output.
#[derive(Serialize)]
struct JsonReport<'a> {
    ok: bool,
    diagnostics: &'a [Diagnostic],
    policy: Option<&'a policy::Report>,
}

impl CheckArgs {
    /// Runs the check.
    pub fn run(self, root: &Path) -> Result<ExitCode> {
        let opts = self.model.options(root)?;
        let mut diags = crate::check::site(&opts)?;
        // Work in progress as it will build once live: a draft's problems
        // as warnings, the others' (review, approved, scheduled) as errors,
        // so a broken link fails CI before publishing would break every build.
        // A problem both passes found is reported once (a set, not a scan:
        // one hostile file can carry tens of thousands of warnings).
        let unfinished = build::check_unfinished(&opts)?;
        let known: std::collections::HashSet<_> = diags
            .iter()
            .map(|k| (k.code, k.path.clone(), k.line, k.col, k.message.clone()))
            .collect();
        let new: Vec<_> = unfinished
            .into_iter()
            .filter(|d| !known.contains(&(d.code, d.path.clone(), d.line, d.col, d.message.clone())))
            .collect();
        diags.extend(new);
        let external = self.external.then(|| crate::links::check(&opts)).transpose()?;
        diags.extend(external.iter().flat_map(|(d, _)| d.iter().cloned()));
        if let Some(name) = &self.target {
            diags.extend(crate::check::gone(&opts, name, &|v| std::env::var(v).ok())?);
        }
        crate::diagnostic::sort(&mut diags);
        diags.dedup();
        let report = match &self.since {
            Some(rev) => Some(policy::check_range(root, rev)?),
            None => None,
        };
        let violations = report.as_ref().map_or(&[][..], |r| &r.violations[..]);
        let failed = has_errors(&diags) || !violations.is_empty();
        match self.format {
            CheckFormat::Json => {
                let out = JsonReport {
                    ok: !failed,
                    diagnostics: &diags,
                    policy: report.as_ref(),
                };
                println!("{}", serde_json::to_string_pretty(&out).expect("plain data"));
            }
            CheckFormat::Sarif => {
                let log = sarif::log(&diags, violations, &git::prefix(root));
                println!("{}", serde_json::to_string_pretty(&log).expect("plain data"));
            }
            CheckFormat::Text => {
                super::print_diagnostics(&diags);
                for v in violations {
                    eprintln!("{v}");
                }
                let errors = diags.iter().filter(|d| d.is_error()).count();
                let mut summary = format!(
                    "{} error{}, {} warning{}",
                    errors,
                    plural(errors),
                    diags.len() - errors,
                    plural(diags.len() - errors)
                );
                if let Some(r) = &report {
                    summary.push_str(&format!(
                        "; {} policy violation{} in {} commit{} since {}",
                        r.violations.len(),
                        plural(r.violations.len()),
                        r.commits,
                        plural(r.commits),
                        r.since
                    ));
                }
                if let Some((_, links)) = &external {
                    eprintln!("{links}");
                }
                eprintln!("{summary}");
            }
        }
        Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
    }
}
