//! Theme tooling: scaffolding a new theme and checking one against the site.
//!
//! Input: the site root (and for `check`, the site model and loaded theme).
//! Output: new files under themes/NAME, or a report of every template
//! error (each at its template file and line) and of templates no page uses.

use super::{embedded_files, Theme, DEFAULT_THEME};
use crate::diagnostic::{Diagnostic, Error, Result};
use crate::output::{self, jobs};
use crate::site::Site;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Creates `themes/<name>`: with `extends`, a child theme (theme.yaml and
/// empty templates/ and static/ to override into); without, a full copy of
/// the default theme to change freely. Refuses an existing folder.
pub fn new_theme(root: &Path, name: &str, extends: Option<&str>) -> Result<Vec<PathBuf>> {
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(Error::Usage(format!(
            "'{name}' is not a theme name: use letters, digits, '-' and '_'"
        )));
    }
    let dir = root.join("themes").join(name);
    if dir.exists() {
        return Err(Error::Usage(format!(
            "{} already exists; nothing was written",
            dir.display()
        )));
    }
    if let Some(parent) = extends {
        if parent != "default" && !root.join("themes").join(parent).is_dir() {
            return Err(Error::Usage(format!(
                "there is no theme '{parent}' to extend (themes/{parent}/)"
            )));
        }
    }
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    match extends {
        Some(parent) => {
            let yaml = format!(
                "# A child theme: every file here replaces the file of the same path in '{parent}'.\n\
                 # Copy a template from the parent into templates/ and change it; add CSS in static/.\n\
                 name: {name}\nextends: {parent}\ndescription: \"\"\n"
            );
            files.push(("theme.yaml".into(), yaml.into_bytes()));
            files.push(("templates/.keep".into(), Vec::new()));
            files.push(("static/.keep".into(), Vec::new()));
        }
        None => {
            for f in embedded_files(&DEFAULT_THEME) {
                let bytes = if f.path() == Path::new("theme.yaml") {
                    format!("name: {name}\ndescription: A copy of the default theme.\n").into_bytes()
                } else {
                    f.contents().to_vec()
                };
                files.push((f.path().to_path_buf(), bytes));
            }
        }
    }
    let mut written = Vec::new();
    for (rel, bytes) in files {
        let path = dir.join(&rel);
        std::fs::create_dir_all(path.parent().expect("inside the theme folder")).map_err(|e| Error::io(&path, e))?;
        std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
        written.push(path.strip_prefix(root).unwrap_or(&path).to_path_buf());
    }
    Ok(written)
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
pub fn check(site: &Site, theme: &Theme, root: &Path) -> CheckReport {
    let plan = jobs::plan(site);
    let mut report = CheckReport {
        pages: plan.len(),
        ..CheckReport::default()
    };
    if let Err(e) = output::write_site(site, theme, root, &output::NullSink, &output::Quiet) {
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
