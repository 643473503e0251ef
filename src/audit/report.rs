//! The audit's result: one value every formatter reads.
//!
//! Input: findings, per-page facts, coverage and terms. Output: [`Report`],
//! whose JSON form is the documented, stable schema (`punchline-audit/1`,
//! docs/audit.md). Invariants: findings are sorted by file, line, column,
//! rule and message, pages by file, so the same site gives the same report
//! byte for byte; numbers are rounded (density to 2 decimals, TF-IDF to 3)
//! so the JSON does not churn on float noise.

use super::config::AuditConfig;
use super::coverage::Coverage;
pub use super::finding::{path_text, round, FindingSink, Place};
use super::rules::{Finding, Level, Scope, RULES};
use super::terms::{SiteTerms, TermScore};
use crate::content::Kind;
use serde::Serialize;

/// The version of the JSON schema. Bumped only by incompatible changes.
pub const SCHEMA: &str = "punchline-audit/1";

/// The tool that wrote the report.
#[derive(Debug, Clone, Serialize)]
pub struct Generator {
    /// `punchline`.
    pub name: &'static str,
    /// Its version.
    pub version: &'static str,
}

/// Which site was audited, and as of when.
#[derive(Debug, Clone, Serialize)]
pub struct SiteInfo {
    /// site.yaml title.
    pub title: String,
    /// site.yaml base_url.
    pub base_url: String,
    /// `live` or `preview`.
    pub mode: &'static str,
    /// The model's clock (RFC 3339).
    pub now: String,
}

/// A rule as configured on this site.
#[derive(Debug, Clone, Serialize)]
pub struct RuleInfo {
    /// Code.
    pub code: &'static str,
    /// Name.
    pub name: &'static str,
    /// Level on this site; `None` (JSON null) when turned off.
    pub level: Option<Level>,
    /// What it looks at.
    pub scope: Scope,
    /// What it checks.
    pub summary: &'static str,
}

/// Findings counted by level.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Errors.
    pub error: usize,
    /// Warnings.
    pub warning: usize,
    /// Notices.
    pub notice: usize,
}

impl Counts {
    /// Counts `findings`.
    pub fn of<'f>(findings: impl IntoIterator<Item = &'f Finding>) -> Counts {
        let mut c = Counts::default();
        for f in findings {
            match f.level {
                Level::Error => c.error += 1,
                Level::Warning => c.warning += 1,
                Level::Notice => c.notice += 1,
            }
        }
        c
    }

    /// 100, less 20 per error, 8 per warning and 2 per notice, at least 0.
    pub fn score(&self) -> u32 {
        let lost = 20 * self.error + 8 * self.warning + 2 * self.notice;
        100u32.saturating_sub(lost.min(100) as u32)
    }
}

/// The headline numbers.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Mean page score, 0 to 100.
    pub score: u32,
    /// Pages audited.
    pub pages: usize,
    /// All findings by level.
    pub findings: Counts,
    /// Pages that declare a focus keyword.
    pub with_focus_keyword: usize,
    /// Pages whose focus keyword density is within the range.
    pub density_in_range: usize,
    /// Percent of keywords.yaml targets with a page focused on them (null without the file).
    pub coverage_percent: Option<u32>,
    /// Item-only checks not run on pages without a text or focus keyword.
    pub skipped: Skipped,
}

/// Checks skipped because the page has nothing for them to look at: the
/// home page, listings and term pages have no text and no focus keyword.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Skipped {
    /// Rule checks not run (pages times rules).
    pub checks: usize,
    /// Pages they were skipped on.
    pub pages: usize,
    /// The rules skipped there (those turned on).
    pub rules: Vec<&'static str>,
}

/// What a page of the report is: a content page's kind, or one of the
/// pages the site generates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PageKind {
    /// content/jokes/
    Joke,
    /// content/bulletins/
    Bulletin,
    /// content/pages/
    Page,
    /// content/specials/
    Special,
    /// The home page.
    Home,
    /// A page of the jokes or bulletins listing.
    Section,
    /// A tag's or category's page.
    Term,
    /// The index of all tags or categories.
    Taxonomy,
}

impl From<Kind> for PageKind {
    fn from(k: Kind) -> Self {
        match k {
            Kind::Joke => PageKind::Joke,
            Kind::Bulletin => PageKind::Bulletin,
            Kind::Page => PageKind::Page,
            Kind::Special => PageKind::Special,
        }
    }
}

impl PageKind {
    /// The lowercase name, as JSON writes it.
    pub fn noun(self) -> &'static str {
        match self {
            PageKind::Joke => "joke",
            PageKind::Bulletin => "bulletin",
            PageKind::Page => "page",
            PageKind::Special => "special",
            PageKind::Home => "home",
            PageKind::Section => "section",
            PageKind::Term => "term",
            PageKind::Taxonomy => "taxonomy",
        }
    }
}

/// One page's facts and score.
#[derive(Debug, Clone, Serialize)]
pub struct PageReport {
    /// Content file; for a generated page the file that names it
    /// (site.yaml for the home page, the term's file for a term page,
    /// which may not exist yet), else its URL.
    pub path: String,
    /// Site path.
    pub url: String,
    /// joke, bulletin, page or special; home, section, term or taxonomy
    /// for the pages the site generates.
    pub kind: PageKind,
    /// Front matter title.
    pub title: String,
    /// `<title>` as rendered.
    pub seo_title: String,
    /// The meta description as rendered (`seo.description`, else the text's opening).
    pub description: String,
    /// Its width in pixels.
    pub title_width: f64,
    /// Meta description length in characters (null when not given).
    pub description_length: Option<usize>,
    /// Focus keyword as written.
    pub focus_keyword: Option<String>,
    /// Times the focus keyword occurs in the text.
    pub keyword_count: usize,
    /// Focus keyword density in percent (null without a keyword).
    pub density: Option<f64>,
    /// Words of text (Chinese counted in jieba's words).
    pub words: usize,
    /// `<h1>` elements on the rendered page.
    pub h1: usize,
    /// Images in the text.
    pub images: usize,
    /// Of which without alt text.
    pub images_without_alt: usize,
    /// Links from the text to other pages of the site.
    pub internal_links: usize,
    /// Links from the text to other websites.
    pub outbound_links: usize,
    /// Links to this page from other pages' text.
    pub inbound_links: usize,
    /// Whether search engines are asked not to index it.
    pub noindex: bool,
    /// 0 to 100.
    pub score: u32,
    /// Its findings by level.
    pub findings: Counts,
    /// Most frequent terms.
    pub frequent_terms: Vec<TermScore>,
    /// Most distinctive terms (TF-IDF).
    pub distinctive_terms: Vec<TermScore>,
    /// Distinctive terms the page does not declare as keywords.
    pub suggested_keywords: Vec<String>,
}

/// The whole audit.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// [`SCHEMA`].
    pub schema: &'static str,
    /// Who wrote it.
    pub generator: Generator,
    /// Which site.
    pub site: SiteInfo,
    /// The thresholds and engines applied (site.yaml `audit:` with defaults).
    pub thresholds: AuditConfig,
    /// Headline numbers.
    pub summary: Summary,
    /// Every rule and its level here.
    pub rules: Vec<RuleInfo>,
    /// Every finding, sorted.
    pub findings: Vec<Finding>,
    /// Every audited page, sorted by file.
    pub pages: Vec<PageReport>,
    /// keywords.yaml against the pages (null without the file).
    pub coverage: Option<Coverage>,
    /// Site-wide terms.
    pub terms: SiteTerms,
    /// This run against `--baseline` (absent without one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<super::baseline::Baseline>,
}

impl Report {
    /// The rules with their levels on this site.
    pub fn rule_infos(cfg: &AuditConfig) -> Vec<RuleInfo> {
        RULES
            .iter()
            .map(|r| RuleInfo {
                code: r.code,
                name: r.name,
                level: cfg.level(r.code),
                scope: r.scope,
                summary: r.summary,
            })
            .collect()
    }

    /// A copy without findings and pages (the long lists), cheap to make.
    pub fn clone_without_lists(&self) -> Report {
        Report {
            schema: self.schema,
            generator: self.generator.clone(),
            site: self.site.clone(),
            thresholds: self.thresholds.clone(),
            summary: self.summary.clone(),
            rules: self.rules.clone(),
            findings: Vec::new(),
            pages: Vec::new(),
            coverage: self.coverage.clone(),
            terms: self.terms.clone(),
            baseline: self.baseline.clone(),
        }
    }

    /// Whether any finding is at `level` or above.
    pub fn fails(&self, level: Level) -> bool {
        self.findings.iter().any(|f| f.level >= level)
    }
}

/// Sorts findings into the report's stable order.
pub fn sort(findings: &mut [Finding]) {
    use rayon::slice::ParallelSliceMut;
    findings.par_sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_fall_with_findings_and_stop_at_zero() {
        assert_eq!(Counts::default().score(), 100);
        let c = Counts {
            error: 1,
            warning: 2,
            notice: 3,
        };
        assert_eq!(c.score(), 100 - 20 - 16 - 6);
        let many = Counts {
            error: 9,
            ..Counts::default()
        };
        assert_eq!(many.score(), 0);
    }
}
