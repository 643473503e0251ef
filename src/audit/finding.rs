//! One finding and where findings are collected.
//!
//! Input: a rule code, a place and a message. Output: [`Finding`]s at the
//! level site.yaml gives their rule (rules turned off are dropped). This
//! sits beside the rule table and below every part of the audit that finds
//! something (pages, coverage, terms) and the report that gathers them, so
//! those parts depend on it and not on each other.

use super::config::AuditConfig;
use super::rules;
pub use super::rules::Finding;
use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

/// Collects findings, giving each the level site.yaml chose for its rule
/// and dropping those of rules turned off.
pub struct FindingSink<'c> {
    cfg: &'c AuditConfig,
    /// What was found so far.
    pub findings: Vec<Finding>,
}

impl<'c> FindingSink<'c> {
    /// An empty sink.
    pub fn new(cfg: &'c AuditConfig) -> Self {
        Self {
            cfg,
            findings: Vec::new(),
        }
    }

    /// Adds a finding at `path:line:col`, about the page at `url` if any.
    #[allow(clippy::too_many_arguments)]
    pub fn add(
        &mut self,
        code: &'static str,
        path: &Path,
        pos: (usize, usize),
        url: Option<&str>,
        message: String,
        help: impl Into<Cow<'static, str>>,
    ) {
        let place = Place {
            path: path_text(path).into(),
            url: url.map(Arc::from),
        };
        self.add_at(code, &place, pos, message, help);
    }

    /// Adds a finding at `place`, line and column `pos`: a page's findings
    /// share its path and URL instead of copying them into each.
    pub fn add_at(
        &mut self,
        code: &'static str,
        place: &Place,
        (line, col): (usize, usize),
        message: String,
        help: impl Into<Cow<'static, str>>,
    ) {
        let Some(level) = self.cfg.level(code) else { return };
        let help = help.into();
        let rule = rules::by_code(code);
        self.findings.push(Finding {
            rule: rule.code,
            name: rule.name,
            level,
            path: place.path.clone(),
            line,
            col,
            url: place.url.clone(),
            message,
            help: (!help.is_empty()).then_some(help),
        });
    }
}

/// Where findings are: a file and, for a page, its URL.
#[derive(Debug, Clone)]
pub struct Place {
    /// The file, as [`path_text`] writes it.
    pub path: Arc<str>,
    /// The page's site path.
    pub url: Option<Arc<str>>,
}

/// A path as the report shows it: `/`-separated on every system.
pub fn path_text(path: &Path) -> String {
    let text = path.to_string_lossy();
    if cfg!(windows) {
        text.replace('\\', "/")
    } else {
        text.into_owned()
    }
}

/// Rounds to `places` decimals.
pub fn round(v: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (v * f).round() / f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::Level;

    #[test]
    fn sink_applies_site_levels_and_drops_rules_turned_off() {
        let mut d = Vec::new();
        let site = crate::config::SiteConfig::parse(
            "audit:\n  rules:\n    keyword-in-slug: off\n    AUD104: error\n",
            Path::new("site.yaml"),
            &mut d,
        );
        let cfg = AuditConfig::from_site_yaml(&site.raw, Path::new("site.yaml"), &mut d);
        assert!(d.is_empty(), "{d:?}");
        let mut sink = FindingSink::new(&cfg);
        sink.add("AUD105", Path::new("a.md"), (1, 1), None, "slug".into(), "");
        sink.add("AUD104", Path::new("a.md"), (2, 1), None, "desc".into(), "");
        assert_eq!(sink.findings.len(), 1);
        assert_eq!(sink.findings[0].level, Level::Error);
    }
}
