//! The pages of the sitemap that have no content file of their own: the
//! home page, the first page of each section listing, each term page and
//! the term indexes. Items and specials are audited as content pages.
//!
//! Input: the immutable `&Site`, the planned jobs and the sitemap's URLs.
//! Output: one [`Listing`] per such page, holding the `<head>` the build
//! renders for it (from `output::jobs::head`, never rendered a second
//! way), and, in [`check`], their findings and report entries. Listings
//! have no text and no focus keyword: the rules about those
//! ([`ITEM_ONLY`]) are skipped for them, and the skips counted.

use super::config::{AuditConfig, Engine};
use super::page::engine_name;
use super::report::{FindingSink, PageKind, PageReport, Place};
use super::rules::Finding;
use super::templates::TemplateFacts;
use super::{config::num, index::SiteIndex, width};
use crate::output::jobs::{self, Job};
use crate::output::sitemap::encode_path;
use crate::site::{PageId, Site, TaxonomyKind};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

/// Page rules that need a text, a focus keyword or front matter: skipped
/// for listings. The others (title width, description length, duplicate
/// titles and descriptions) apply to every page.
pub const ITEM_ONLY: &[&str] = &[
    "AUD101", "AUD102", "AUD103", "AUD104", "AUD105", "AUD106", "AUD107", "AUD110", "AUD112", "AUD113", "AUD114",
    "AUD115", "AUD116", "AUD117", "AUD118",
];

/// One generated page of the sitemap.
#[derive(Debug, Clone)]
pub struct Listing {
    /// The job that renders it.
    pub job: Job,
    /// Its site path.
    pub url: String,
    /// What it is.
    pub kind: PageKind,
    /// Its title as listings name it (e.g. `Tag: winter`).
    pub name: String,
    /// `<title>` as rendered.
    pub title: String,
    /// The meta description as rendered.
    pub description: String,
    /// The file to edit to change its title and description: site.yaml
    /// for the home page, the term's file for a term (which may not exist
    /// yet); site.yaml for the others, whose words are generated.
    pub file: PathBuf,
    /// The line there (0 when the file or the key does not exist).
    pub line: usize,
    /// What the report calls it: `file` for the home page and terms, else
    /// its URL (so each page has its own entry).
    pub report_path: String,
    /// A term page whose description is the generated sentence.
    pub generated_description: bool,
    /// Whether someone wrote the description (site.yaml's for the home
    /// page, a term file's): only then is its length theirs to fix.
    pub written_description: bool,
}

/// The generated pages the sitemap lists, in job order.
pub fn collect(site: &Site, planned: &[Job], sitemap: &HashSet<String>) -> Vec<Listing> {
    planned
        .par_iter()
        .filter(|j| matches!(j, Job::Home | Job::Section(..) | Job::Term(..) | Job::Terms(_)))
        .filter(|j| sitemap.contains(&site.config.permalink(&encode_path(&j.url(site)))))
        .map(|j| listing(site, j))
        .collect()
}

fn listing(site: &Site, job: &Job) -> Listing {
    let head = jobs::head(site, job);
    let url = job.url(site);
    let yaml = &site.config.path;
    let yaml_line = |key: &str| site.config.raw.get(key).map_or(0, |n| n.line);
    let (kind, name, file, line, generated) = match job {
        Job::Home => (
            PageKind::Home,
            site.config.title.clone(),
            yaml.clone(),
            yaml_line("description"),
            false,
        ),
        Job::Section(kind, _) => {
            let section = match kind {
                crate::content::Kind::Joke => crate::theme::views::JOKES,
                _ => crate::theme::views::BULLETINS,
            };
            (
                PageKind::Section,
                section.title.into(),
                yaml.clone(),
                yaml_line("title"),
                false,
            )
        }
        Job::Term(tax, i, _) => {
            let term = &site.taxonomy(*tax).terms[*i];
            let name = match term.seo.as_deref().and_then(|s| s.title.clone()) {
                Some(t) => t,
                None => format!("{}: {}", tax.singular(), term.name),
            };
            let generated = head.description == jobs::generated_term_description(site, *tax, term);
            let (file, line) = match term.seo.as_deref() {
                Some(seo) => (seo.path.clone(), seo.description_line),
                None => (term_file(*tax, &term.slug), 0),
            };
            (PageKind::Term, name, file, line, generated)
        }
        Job::Terms(tax) => {
            let tv = crate::theme::views::taxonomy(*tax);
            (
                PageKind::Taxonomy,
                tv.title.to_string(),
                yaml.clone(),
                yaml_line("title"),
                false,
            )
        }
        _ => unreachable!("collect keeps listings only"),
    };
    let report_path = match kind {
        PageKind::Home | PageKind::Term => super::report::path_text(&file),
        _ => url.clone(),
    };
    Listing {
        job: job.clone(),
        url,
        kind,
        name,
        title: head.title,
        description: head.description,
        file,
        line,
        report_path,
        generated_description: generated,
        written_description: match kind {
            PageKind::Home => site.config.raw.get("description").is_some(),
            PageKind::Term => !generated,
            _ => false,
        },
    }
}

/// Where a term's own title, description and intro may be written.
pub fn term_file(tax: TaxonomyKind, slug: &str) -> PathBuf {
    PathBuf::from(format!("content/{}/{slug}.md", tax.name()))
}

/// The listings' titles and descriptions, lowercased, each to the
/// listings (indexes into `listings`) that use it.
pub fn groups(listings: &[Listing]) -> (HashMap<String, Vec<usize>>, HashMap<String, Vec<usize>>) {
    let mut titles: HashMap<String, Vec<usize>> = HashMap::new();
    let mut descriptions: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, l) in listings.iter().enumerate() {
        titles.entry(l.title.trim().to_lowercase()).or_default().push(i);
        let d = l.description.trim().to_lowercase();
        if !d.is_empty() {
            descriptions.entry(d).or_default().push(i);
        }
    }
    (titles, descriptions)
}

/// "content/jokes/b.md (/jokes/b/)" for items, the URL for listings, up
/// to three, then "and N more"; `me` is left out.
pub fn others(site: &Site, index: &SiteIndex, items: &[PageId], listings: &[usize], me: Me) -> String {
    // Only the three shown are formatted: a description shared by
    // thousands of pages is reported on each of them, and formatting the
    // whole group for every one of its members was quadratic.
    let items = items.iter().filter(|&&i| me != Me::Item(i));
    let listings = listings.iter().filter(|&&i| me != Me::Listing(i));
    let total = items.clone().count() + listings.clone().count();
    let mut all: Vec<String> = items
        .map(|&i| format!("{} ({})", site.pages[i].doc.path.display(), site.pages[i].url))
        .chain(listings.map(|&i| index.listings[i].url.clone()))
        .take(3)
        .collect();
    if total > 3 {
        all.push(format!("and {} more", total - 3));
    }
    all.join(", ")
}

/// Which page asks, in [`others`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Me {
    /// A content page.
    Item(PageId),
    /// A listing (index into `SiteIndex::listings`).
    Listing(usize),
}

/// The rules, report entries and skipped checks of every listing.
pub struct Checked {
    /// One entry per listing.
    pub pages: Vec<PageReport>,
    /// Their findings, sorted.
    pub findings: Vec<Finding>,
    /// Item-only checks not run on them.
    pub skipped: usize,
}

/// Checks every listing: title width, description length, duplicates
/// with other pages, and (notice) term pages with the generated description.
pub fn check(site: &Site, cfg: &AuditConfig, index: &SiteIndex, templates: &HashMap<String, TemplateFacts>) -> Checked {
    let skipped_rules = ITEM_ONLY.iter().filter(|c| cfg.level(c).is_some()).count();
    let (pages, found): (Vec<PageReport>, Vec<Vec<Finding>>) = index
        .listings
        .par_iter()
        .enumerate()
        .map(|(i, l)| {
            let mut sink = FindingSink::new(cfg);
            let title_width = width::title_width(&l.title);
            rules(site, cfg, index, i, title_width, &mut sink);
            let counts = super::Counts::of(&sink.findings);
            let h1 = templates.get(l.job.template(site)).map_or(1, |t| t.h1);
            (report_entry(l, title_width, h1, counts), sink.findings)
        })
        .unzip();
    let mut findings: Vec<Finding> = found.into_iter().flatten().collect();
    super::report::sort(&mut findings);
    Checked {
        skipped: skipped_rules * pages.len(),
        pages,
        findings,
    }
}

fn rules(site: &Site, cfg: &AuditConfig, index: &SiteIndex, i: usize, title_width: f64, sink: &mut FindingSink) {
    let l = &index.listings[i];
    let place = Place {
        path: super::report::path_text(&l.file).into(),
        url: Some(Arc::from(l.url.as_str())),
    };
    let at = (l.line, 0);
    let fix = match l.kind {
        PageKind::Home => "edit title: and description: in site.yaml",
        PageKind::Term => "write title: and description: in this term's file",
        _ => "the theme and site.yaml's title make this page's title and description",
    };
    if title_width > cfg.title_width {
        let msg = format!(
            "the SEO title \"{}\" is {} px wide, over {} px: search results cut it off",
            l.title,
            num(title_width),
            num(cfg.title_width)
        );
        sink.add_at("AUD108", &place, at, msg, fix);
    }
    for engine in cfg.engines.iter().filter(|_| l.written_description) {
        let (len, bounds, unit) = match engine {
            Engine::Google => (width::char_length(&l.description), cfg.description_length, "characters"),
            Engine::Baidu => (
                width::half_width_length(&l.description),
                cfg.baidu_description_length,
                "half-width units (a Chinese character counts 2)",
            ),
        };
        if !bounds.contains(len as f64) {
            let msg = format!(
                "meta description is {len} {unit}; {} wants {}",
                engine_name(*engine),
                bounds.describe()
            );
            sink.add_at("AUD109", &place, at, msg, fix);
        }
    }
    if l.generated_description {
        let msg = format!("the term page uses the generated description \"{}\"", l.description);
        let help = format!(
            "write a description for it in {} (front matter 'description: ...', and an intro below it)",
            place.path
        );
        sink.add_at("AUD120", &place, at, msg, help);
    }
    let me = Me::Listing(i);
    let none: &[PageId] = &[];
    let title = l.title.trim().to_lowercase();
    let items = index.titles.get(&title).map_or(none, Vec::as_slice);
    let lists = index.listing_titles.get(&title).map_or(&[][..], Vec::as_slice);
    if items.len() + lists.len() > 1 {
        let msg = format!(
            "the SEO title \"{}\" is also used by {}",
            l.title,
            others(site, index, items, lists, me)
        );
        sink.add_at("AUD201", &place, at, msg, "give every page its own title");
    }
    let desc = l.description.trim().to_lowercase();
    let items = index.descriptions.get(&desc).map_or(none, Vec::as_slice);
    let lists = index.listing_descriptions.get(&desc).map_or(&[][..], Vec::as_slice);
    if items.len() + lists.len() > 1 {
        let msg = format!(
            "the meta description is also used by {}",
            others(site, index, items, lists, me)
        );
        sink.add_at("AUD202", &place, at, msg, "give every page its own description");
    }
}

fn report_entry(l: &Listing, title_width: f64, h1: usize, counts: super::Counts) -> PageReport {
    PageReport {
        path: l.report_path.clone(),
        url: l.url.clone(),
        kind: l.kind,
        title: l.name.clone(),
        seo_title: l.title.clone(),
        description: l.description.clone(),
        title_width,
        description_length: Some(width::char_length(l.description.trim())),
        focus_keyword: None,
        keyword_count: 0,
        density: None,
        words: 0,
        h1,
        images: 0,
        images_without_alt: 0,
        internal_links: 0,
        outbound_links: 0,
        inbound_links: 0,
        noindex: false,
        score: counts.score(),
        findings: counts,
        frequent_terms: Vec::new(),
        distinctive_terms: Vec::new(),
        suggested_keywords: Vec::new(),
    }
}
