//! `check` and `theme check`: every problem a site or a theme has,
//! without writing anything.
//!
//! Input: [`BuildOptions`] (or a loaded site and theme). Output:
//! diagnostics. This sits above `build`, `audit` and `deploy` because it
//! reads the settings each of them owns (site.yaml's `audit:` and
//! `deploy:` sections, keywords.yaml) so that a mistake there fails the
//! push rather than the deploy or the audit later; the build itself never
//! looks at them.

use crate::audit::config::AuditConfig;
use crate::build::{self, BuildOptions, Loaded};
use crate::deploy::config::DeployConfig;
use crate::diagnostic::{sort, Diagnostic, Error, Result};
use crate::output::{self, jobs};
use crate::site::Site;
use crate::theme::Theme;
use std::collections::BTreeSet;
use std::path::Path;

/// Checks a site without writing anything: content, roles, site.yaml,
/// theme, and that every page renders.
pub fn site(opts: &BuildOptions) -> Result<Vec<Diagnostic>> {
    let Loaded { site, diags, theme, .. } = build::load(opts)?;
    let mut diags = build::render_check(&site, theme.as_ref(), opts, diags);
    // The sections of site.yaml other commands read, and keywords.yaml: a
    // mistake there should fail the push, not the deploy or audit later.
    let (raw, file) = (&site.config.raw, &site.config.path);
    AuditConfig::from_site_yaml(raw, file, &mut diags);
    DeployConfig::read(raw, file, &opts.root, &mut diags);
    crate::links::config::LinksConfig::from_site_yaml(raw, file, &mut diags);
    match crate::audit::coverage::load(&opts.root) {
        Err(Error::Diagnostics(mut d)) => diags.append(&mut d),
        Err(e) => return Err(e),
        Ok(_) => {}
    }
    sort(&mut diags);
    Ok(diags)
}

/// The URLs live on the deploy target `name` that the site, as it builds
/// now, no longer produces (DEP009, see `deploy::gone`): `check --target`.
/// Nothing is reported when the site does not build (the other checks say
/// why). `env` reads the target's credentials.
pub fn gone(opts: &BuildOptions, name: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Vec<Diagnostic>> {
    let Loaded { site, diags, theme, .. } = build::load(opts)?;
    let Some(theme) = theme.filter(|_| !crate::diagnostic::has_errors(&diags)) else {
        return Ok(Vec::new());
    };
    let nothing = output::Previous::default();
    let Ok(written) = output::write_site(&site, &theme, &opts.root, &output::NullSink, &output::Quiet, nothing) else {
        return Ok(Vec::new());
    };
    Ok(
        match crate::deploy::check_target(&opts.root, name, &written.manifest, env) {
            Ok(d) | Err(crate::deploy::DeployError::Input(d)) => d,
            Err(e) => vec![Diagnostic::error(
                "DEP010",
                site.config.path.clone(),
                format!("cannot check the URLs live on target '{name}': {e}"),
            )
            .help("check the target's settings and credentials; 'punchline deploy --dry-run' shows the same")],
        },
    )
}

/// What `theme check` found.
#[derive(Debug, Default)]
pub struct CheckReport {
    /// Template errors (one per template, line and message) and warnings.
    pub diagnostics: Vec<Diagnostic>,
    /// Pages rendered.
    pub pages: usize,
}

/// Renders every page of the site with `theme` (writing nothing) and warns
/// about templates no page reaches.
pub fn theme(site: &Site, theme: &Theme, root: &Path) -> CheckReport {
    let plan = jobs::plan(site, theme);
    let mut report = CheckReport {
        pages: plan.len(),
        ..CheckReport::default()
    };
    if let Err(e) = output::write_site(
        site,
        theme,
        root,
        &output::NullSink,
        &output::Quiet,
        output::Previous::default(),
    ) {
        report.diagnostics.extend(e.diagnostics().iter().cloned());
    }
    let mut used: BTreeSet<String> = plan.iter().map(|j| j.template(site).to_string()).collect();
    used.extend(
        theme
            .template_files
            .keys()
            .filter(|t| t.starts_with("cached/"))
            .cloned(),
    );
    used.extend(site.pages.iter().flat_map(|p| {
        p.rendered
            .shortcodes
            .iter()
            .map(|s| format!("shortcodes/{}.html", s.call.name))
    }));
    let reached = theme.reachable(&used);
    for (name, path) in &theme.template_files {
        if !reached.contains(name) && !name.starts_with("shortcodes/") {
            report.diagnostics.push(
                Diagnostic::warning(
                    "TPL004",
                    path,
                    format!("template '{name}' is not used by any page of this site"),
                )
                .help("a special can use it with `template:`; otherwise it can go"),
            );
        }
    }
    report
}
