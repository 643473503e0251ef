//! Keyword audits and SEO rules over the built site model.
//!
//! Input: the immutable `&Site` (loaded with whole plain texts), the loaded
//! theme, site.yaml's `audit:` section and keywords.yaml. Output: one
//! [`Report`] (findings located at file:line, per-page facts and scores,
//! keyword coverage, the term report), written by one formatter per format
//! ([`format`]).
//!
//! Order of work, each step once per audit: analyze every page's text in
//! parallel (`text`; jieba only for text with Chinese); build the site-wide
//! maps (`index`: titles, descriptions, focus keywords, inbound links,
//! sitemap, menu); render one sample page per template to learn what the
//! theme outputs (`templates`); count term frequencies over the site
//! (`terms`); then one parallel pass over the immutable site runs the page
//! rules (`page`) and the site rules (`sitewide`, reading the maps) and
//! builds each page's entry; then keyword coverage (`coverage`). Nothing is
//! written and no page is parsed twice: `punchline build --report` hands its
//! own model to [`audit`].

pub mod baseline;
pub mod config;
pub mod coverage;
pub mod finding;
pub mod format;
pub mod index;
pub mod listings;
pub mod page;
pub mod report;
pub mod rules;
pub mod sitewide;
pub mod structured;
pub mod templates;
pub mod terms;
pub mod text;
pub mod width;

pub use config::AuditConfig;
pub use report::{Counts, Report};
pub use rules::{Finding, Level};

use crate::build::{self, BuildOptions, Loaded};
use crate::diagnostic::{has_errors, sort, Diagnostic, Error, Result};
use crate::site::Site;
use crate::theme::Theme;
use coverage::TargetKeyword;
use index::{PageText, SiteIndex};
use rayon::prelude::*;
use report::{FindingSink, Generator, PageReport, SiteInfo, Skipped, Summary, SCHEMA};
use std::path::Path;

/// What the audit reads besides the site and theme.
#[derive(Debug, Clone)]
pub struct Settings {
    /// site.yaml `audit:`.
    pub config: AuditConfig,
    /// keywords.yaml, if the site has one.
    pub keywords: Option<Vec<TargetKeyword>>,
}

impl Settings {
    /// Reads site.yaml's `audit:` section and keywords.yaml. Mistakes in
    /// either are returned as diagnostics, all together.
    pub fn load(site: &Site, root: &Path) -> Result<Settings> {
        let mut diags = Vec::new();
        let config = AuditConfig::from_site_yaml(&site.config.raw, &site.config.path, &mut diags);
        let keywords = match coverage::load(root) {
            Ok(k) => k,
            Err(Error::Diagnostics(mut d)) => {
                diags.append(&mut d);
                None
            }
            Err(e) => return Err(e),
        };
        if diags.is_empty() {
            Ok(Settings { config, keywords })
        } else {
            Err(Error::Diagnostics(diags))
        }
    }
}

/// Everything an audit reads, loaded.
pub struct Input {
    /// The site model, with whole plain texts.
    pub site: Site,
    /// The theme.
    pub theme: Theme,
    /// site.yaml's `audit:` and keywords.yaml.
    pub settings: Settings,
}

/// Loads the site (with whole texts), the theme and the audit settings.
/// Content errors that stop a build stop the audit too (as diagnostics).
pub fn load(opts: &BuildOptions) -> Result<Input> {
    let mut opts = opts.clone();
    opts.bodies = crate::markdown::Bodies::Text;
    let Loaded {
        site, mut diags, theme, ..
    } = build::load(&opts)?;
    let settings = Settings::load(&site, &opts.root);
    if let Err(Error::Diagnostics(d)) = &settings {
        diags.extend(d.iter().cloned());
    }
    match theme {
        Some(theme) if !has_errors(&diags) => Ok(Input {
            site,
            theme,
            settings: settings?,
        }),
        _ => Err(Error::Diagnostics(errors_only(diags))),
    }
}

/// Loads and audits the site at `opts.root`.
pub fn run(opts: &BuildOptions) -> Result<Report> {
    let input = load(opts)?;
    audit(&input.site, &input.theme, &opts.root, &input.settings)
}

fn errors_only(mut diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diags.retain(Diagnostic::is_error);
    sort(&mut diags);
    diags
}

/// Audits a site a build has loaded and writes the report in every format
/// into `dir` (`build --report`). Returns the findings counted by level.
pub fn write_reports(site: &Site, theme: &Theme, root: &Path, dir: &Path) -> Result<Counts> {
    let settings = Settings::load(site, root)?;
    let report = audit(site, theme, root, &settings)?;
    format::write_all(&report, dir)?;
    Ok(report.summary.findings)
}

/// Audits a loaded site. `root` is the site root (for static files and
/// theme sources).
pub fn audit(site: &Site, theme: &Theme, root: &Path, settings: &Settings) -> Result<Report> {
    let cfg = &settings.config;
    let n = site.pages.len();
    let lap = crate::clock::StageTimer::start();
    if site.pages.par_iter().any(|p| text::has_cjk(&p.rendered.plain_text)) {
        text::warm_up();
    }
    let texts: Vec<PageText> = (0..n).into_par_iter().map(|id| PageText::new(site, id)).collect();
    lap.lap("audit: analyze texts");
    let mut sink = FindingSink::new(cfg);
    let index = SiteIndex::new(site, theme, root, &texts);
    lap.lap("audit: site index");
    let templates = templates::check(site, theme, root, &index, &mut sink)?;
    lap.lap("audit: theme samples");
    sitewide::menu_links(site, &index, &mut sink);
    let ctx = page::Ctx {
        site,
        cfg,
        index: &index,
        texts: &texts,
        templates: &templates,
    };
    let corpus = terms::Corpus::new(&texts);
    lap.lap("audit: term corpus");
    // Rules, terms and the report entry of each page, in one parallel pass.
    let checked: Vec<(PageReport, Vec<Finding>)> = (0..n)
        .into_par_iter()
        .map(|id| {
            let mut s = FindingSink::new(cfg);
            let facts = page::check(&ctx, id, &mut s);
            structured::check_page(site, id, &mut s);
            let mut found = s.findings;
            report::sort(&mut found);
            // Held until every page is checked: without the growth slack.
            found.shrink_to_fit();
            let terms = corpus.page_terms(&texts[id], cfg.terms);
            (page_report(site, id, &texts[id], &index, facts, &found, terms), found)
        })
        .collect();
    lap.lap("audit: page rules and terms");
    let coverage = settings
        .keywords
        .as_deref()
        .map(|k| coverage::check(k, site, &texts, &mut sink));
    let listed = listings::check(site, cfg, &index, &templates);
    lap.lap("audit: listings");
    let mut rest = sink.findings;
    rest.extend(listed.findings);
    report::sort(&mut rest);
    let (mut pages, findings) = assemble(checked, rest);
    // Listings go between the content pages by path: two sorted runs, merged.
    pages.extend(listed.pages);
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    lap.lap("audit: coverage and report");
    let terms = corpus.site_terms(cfg.terms.max(10));
    let skipped = Skipped {
        checks: listed.skipped,
        pages: index.listings.len(),
        rules: listings::ITEM_ONLY
            .iter()
            .copied()
            .filter(|c| cfg.level(c).is_some() && listed.skipped > 0)
            .collect(),
    };
    Ok(finish(site, cfg, pages, findings, coverage, terms, skipped))
}

/// The report around its lists: summary, site, thresholds, rules.
fn finish(
    site: &Site,
    cfg: &AuditConfig,
    pages: Vec<PageReport>,
    findings: Vec<Finding>,
    coverage: Option<coverage::Coverage>,
    terms: terms::SiteTerms,
    skipped: Skipped,
) -> Report {
    let summary = Summary {
        score: mean_score(&pages),
        pages: pages.len(),
        findings: Counts::of(&findings),
        with_focus_keyword: pages.iter().filter(|p| p.focus_keyword.is_some()).count(),
        density_in_range: pages
            .iter()
            .filter(|p| p.density.is_some_and(|d| cfg.keyword_density.contains(d)))
            .count(),
        coverage_percent: coverage.as_ref().map(coverage::Coverage::percent),
        skipped,
    };
    Report {
        schema: SCHEMA,
        generator: Generator {
            name: "punchline",
            version: env!("CARGO_PKG_VERSION"),
        },
        site: SiteInfo {
            title: site.config.title.clone(),
            base_url: site.config.base_url.clone(),
            mode: if site.preview { "preview" } else { "live" },
            now: site.now.to_string(),
        },
        thresholds: cfg.clone(),
        summary,
        rules: Report::rule_infos(cfg),
        findings,
        pages,
        coverage,
        terms,
        baseline: None,
    }
}

/// The pages' entries in path order, and every finding in report order:
/// the site-level findings (`rest`, sorted) merged between the pages' own.
/// Pages come sorted by path (the site model's invariant) and each page's
/// findings are sorted, so this is one merge, without a second copy of the
/// findings; only if that invariant ever changes is a full sort needed.
fn assemble(checked: Vec<(PageReport, Vec<Finding>)>, rest: Vec<Finding>) -> (Vec<PageReport>, Vec<Finding>) {
    let total = rest.len() + checked.iter().map(|(_, f)| f.len()).sum::<usize>();
    let in_order = checked.windows(2).all(|w| w[0].0.path <= w[1].0.path);
    let mut pages = Vec::with_capacity(checked.len());
    let mut findings = Vec::with_capacity(total);
    let mut rest = rest.into_iter().peekable();
    for (page, found) in checked {
        if let Some(first) = found.first() {
            while rest.peek().is_some_and(|r| r.sort_key() < first.sort_key()) {
                findings.extend(rest.next());
            }
        }
        findings.extend(found);
        pages.push(page);
    }
    findings.extend(rest);
    if !in_order {
        pages.sort_by(|a, b| a.path.cmp(&b.path));
        report::sort(&mut findings);
    }
    (pages, findings)
}

fn mean_score(pages: &[PageReport]) -> u32 {
    if pages.is_empty() {
        return 100;
    }
    let total: u64 = pages.iter().map(|p| u64::from(p.score)).sum();
    (total as f64 / pages.len() as f64).round() as u32
}

fn page_report(
    site: &Site,
    id: usize,
    text: &PageText,
    index: &SiteIndex,
    facts: page::Facts,
    findings: &[Finding],
    terms: terms::PageTerms,
) -> PageReport {
    let p = &site.pages[id];
    let seo = &p.doc.meta.seo;
    let counts = Counts::of(findings);
    let mut declared: Vec<&str> = seo.keywords.iter().map(String::as_str).collect();
    declared.extend(seo.focus_keyword.as_deref());
    PageReport {
        path: report::path_text(&p.doc.path),
        url: p.url.clone(),
        kind: p.doc.kind.into(),
        title: p.doc.meta.title.clone(),
        seo_title: text.title.clone(),
        description: match seo.description.as_deref() {
            Some(d) => d.trim().to_string(),
            None => crate::theme::views::excerpt(&p.rendered.plain_text, 155),
        },
        title_width: facts.title_width,
        description_length: seo.description.as_deref().map(|d| width::char_length(d.trim())),
        focus_keyword: seo.focus_keyword.clone(),
        keyword_count: facts.keyword_count,
        density: facts.density,
        words: text.words,
        h1: facts.h1,
        images: p.rendered.images.len(),
        images_without_alt: facts.images_without_alt,
        internal_links: facts.internal_links,
        outbound_links: facts.outbound_links,
        inbound_links: index.inbound[id] as usize,
        noindex: p.noindex(),
        score: counts.score(),
        findings: counts,
        suggested_keywords: terms::suggestions(&terms, &declared),
        frequent_terms: terms.frequent,
        distinctive_terms: terms.distinctive,
    }
}
