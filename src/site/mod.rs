//! The site model: every shown page, its sections, taxonomies, specials and
//! headlines, built once and then only read.
//!
//! Input: the shown documents with their rendered bodies and URLs. Output:
//! one immutable [`Site`], shared by reference across rayon's threads with
//! no locks. Invariants: ids index `pages`; every list is sorted (date
//! descending, then path) so output is deterministic; site-wide data every
//! page shows (the headlines) is computed here, once.

pub mod langs;
pub mod related;
pub mod routes;
pub mod terms;

pub use routes::{lang_prefix, Routes, Show, Visibility};

use crate::clock::When;
use crate::config::SiteConfig;
use crate::content::{meta::SortOrder, slugify, Document, Kind};
use crate::diagnostic::Diagnostic;
use crate::markdown::Rendered;
use jiff::Timestamp;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

/// Index into [`Site::pages`].
pub type PageId = usize;

/// One page of the output that comes from a content file.
#[derive(Debug, Clone)]
pub struct Page {
    /// The parsed file (its body is emptied once rendered, to save memory).
    pub doc: Document,
    /// The rendered body.
    pub rendered: Rendered,
    /// Site path, e.g. `/jokes/x/`.
    pub url: String,
    /// Live, or shown only in preview.
    pub visibility: Visibility,
    /// Last modification: `updated`, else the last git commit, else `date`.
    pub lastmod: When,
    /// The author's display name.
    pub author_name: String,
    /// Slugs of `meta.tags`, in the same order (computed once per page).
    pub tag_slugs: Vec<String>,
    /// Slug of `meta.category`.
    pub category_slug: Option<String>,
    /// Hash of the shortcode templates its body used (0: none), so the dev
    /// server knows when a template change must re-render the body.
    pub shortcode_key: u64,
    /// Dates and term links as pages show them, formatted once here rather
    /// than in each of the listings the page appears in.
    pub display: Display,
}

/// Display strings of a page (see [`Page::display`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Display {
    /// `date` as `YYYY-MM-DD`.
    pub date: String,
    /// `date` as RFC 3339.
    pub date_iso: String,
    /// `date` for people: `14 Nov 2026`.
    pub date_human: String,
    /// `lastmod` as RFC 3339.
    pub lastmod_iso: String,
    /// `/tags/<slug>/` for each tag.
    pub tag_urls: Vec<String>,
    /// `/categories/<slug>/`.
    pub category_url: Option<String>,
}

impl Page {
    /// A page of `doc`; slugs of its tags and category are worked out here,
    /// once, not in every listing.
    pub fn new(
        doc: Document,
        rendered: Rendered,
        url: String,
        visibility: Visibility,
        lastmod: When,
        author_name: String,
    ) -> Page {
        let tag_slugs: Vec<String> = doc.meta.tags.iter().map(|t| slugify(t)).collect();
        let category_slug = doc.meta.category.as_deref().map(slugify);
        let display = Display {
            date: doc.meta.date.ymd(),
            date_iso: doc.meta.date.rfc3339(),
            date_human: doc.meta.date.human(),
            lastmod_iso: lastmod.rfc3339(),
            tag_urls: tag_slugs.iter().map(|s| format!("/tags/{s}/")).collect(),
            category_url: category_slug.as_ref().map(|s| format!("/categories/{s}/")),
        };
        Page {
            doc,
            rendered,
            url,
            visibility,
            lastmod,
            author_name,
            tag_slugs,
            category_slug,
            shortcode_key: 0,
            display,
        }
    }

    /// Whether search engines are asked not to index it.
    pub fn noindex(&self) -> bool {
        self.doc.meta.seo.noindex || self.visibility == Visibility::Preview
    }
}

/// Tags or categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TaxonomyKind {
    /// `tags:`
    Tags,
    /// `category:`
    Categories,
}

impl TaxonomyKind {
    /// URL segment and plural name.
    pub fn name(self) -> &'static str {
        match self {
            TaxonomyKind::Tags => "tags",
            TaxonomyKind::Categories => "categories",
        }
    }

    /// Singular, capitalized.
    pub fn singular(self) -> &'static str {
        match self {
            TaxonomyKind::Tags => "Tag",
            TaxonomyKind::Categories => "Category",
        }
    }
}

/// One tag or category with its pages.
#[derive(Debug, Clone)]
pub struct Term {
    /// As the newest page spells it.
    pub name: String,
    /// URL segment.
    pub slug: String,
    /// Site path, e.g. `/tags/animals/`.
    pub url: String,
    /// Pages, newest first.
    pub pages: Vec<PageId>,
    /// Its own title, description and intro, from its term file.
    pub seo: Option<std::sync::Arc<terms::TermSeo>>,
}

/// All terms of one taxonomy, sorted by slug.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    /// Which.
    pub kind: TaxonomyKind,
    /// Terms, sorted by slug.
    pub terms: Vec<Term>,
}

impl Taxonomy {
    /// The term whose slug is `slug`.
    pub fn term(&self, slug: &str) -> Option<&Term> {
        self.terms
            .binary_search_by(|t| t.slug.as_str().cmp(slug))
            .ok()
            .map(|i| &self.terms[i])
    }
}

/// A special landing page and what it selected.
#[derive(Debug, Clone)]
pub struct Special {
    /// The special's own page.
    pub page: PageId,
    /// Selected pages, in the special's order.
    pub items: Vec<PageId>,
}

/// The whole site, read-only once built.
#[derive(Debug, Clone)]
pub struct Site {
    /// site.yaml.
    pub config: SiteConfig,
    /// The build's clock.
    pub now: Timestamp,
    /// Whether this is a preview build.
    pub preview: bool,
    /// Every shown page. Pages are shared (`Arc`) so the dev server can
    /// build a new site after an edit without copying the unchanged ones.
    pub pages: Vec<Arc<Page>>,
    /// Per page: the next newer page of the same section.
    pub newer: Vec<Option<PageId>>,
    /// Per page: the next older page of the same section.
    pub older: Vec<Option<PageId>>,
    /// Jokes, newest first.
    pub jokes: Vec<PageId>,
    /// Bulletins, newest first.
    pub bulletins: Vec<PageId>,
    /// Plain pages, by path.
    pub plain_pages: Vec<PageId>,
    /// Specials, by path.
    pub specials: Vec<Special>,
    /// Tags.
    pub tags: Taxonomy,
    /// Categories.
    pub categories: Taxonomy,
    /// The headline ticker: pinned bulletins, then the latest, at most
    /// `headlines` of them.
    pub headlines: Vec<PageId>,
    /// Hero images of specials, by the special's path.
    pub heroes: BTreeMap<std::path::PathBuf, HeroImage>,
    /// Per page: related jokes, best first (empty for non-jokes); see
    /// [`related::related`].
    pub related: Vec<Vec<PageId>>,
    /// Per page: the next newer joke of the same category.
    pub category_newer: Vec<Option<PageId>>,
    /// Per page: the next older joke of the same category.
    pub category_older: Vec<Option<PageId>>,
    /// The jokes the random-joke page picks from (empty: no such page).
    pub random: Vec<PageId>,
    /// Per page: it and its translations, in site.yaml's language order
    /// (empty when it has none).
    pub translations: Vec<Vec<PageId>>,
}

/// A special's hero image, measured (and resized) by `output::images`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HeroImage {
    /// Intrinsic width in pixels.
    pub width: u32,
    /// Intrinsic height in pixels.
    pub height: u32,
    /// `srcset` value when smaller variants exist.
    pub srcset: Option<String>,
    /// The variants: output path and bytes.
    pub variants: Vec<(String, Vec<u8>)>,
}

/// One page of a paginated listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pager {
    /// 1-based.
    pub number: usize,
    /// How many pagers.
    pub total: usize,
    /// Which items of the list.
    pub items: Range<usize>,
    /// Site path: `base` for the first, `base` + `page/N/` after.
    pub url: String,
}

/// Splits `count` items into pages of `per`. There is always a first page.
pub fn paginate(base: &str, count: usize, per: usize) -> Vec<Pager> {
    let per = per.max(1);
    let total = count.div_ceil(per).max(1);
    (1..=total)
        .map(|n| Pager {
            number: n,
            total,
            items: (n - 1) * per..(n * per).min(count),
            url: pager_url(base, n),
        })
        .collect()
}

/// The URL of page `n` of a listing at `base`.
pub fn pager_url(base: &str, n: usize) -> String {
    if n <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{n}/")
    }
}

impl Site {
    /// Assembles the site from shown pages. Reports specials that select
    /// nothing. Pages are put in path order first: ids follow it, and ties
    /// (same date) are broken by id, so output does not depend on the order
    /// pages were given in.
    pub fn new(
        config: SiteConfig,
        now: Timestamp,
        preview: bool,
        mut pages: Vec<Arc<Page>>,
        heroes: BTreeMap<std::path::PathBuf, HeroImage>,
    ) -> (Site, Vec<Diagnostic>) {
        if !pages.is_sorted_by(|a, b| a.doc.path <= b.doc.path) {
            pages.sort_by(|a, b| a.doc.path.cmp(&b.doc.path));
        }
        let mut diags = Vec::new();
        let by_kind = |pages: &[Arc<Page>], kind: Kind| -> Vec<PageId> {
            let mut ids: Vec<PageId> = (0..pages.len()).filter(|&i| pages[i].doc.kind == kind).collect();
            ids.sort_by_key(|&i| newest_first(&pages[i], i));
            ids
        };
        let jokes = by_kind(&pages, Kind::Joke);
        let bulletins = by_kind(&pages, Kind::Bulletin);
        let mut newer = vec![None; pages.len()];
        let mut older = vec![None; pages.len()];
        for order in [&jokes, &bulletins] {
            for (i, &id) in order.iter().enumerate() {
                newer[id] = i.checked_sub(1).map(|j| order[j]);
                older[id] = order.get(i + 1).copied();
            }
        }
        // Ids follow path order.
        let plain_pages: Vec<PageId> = (0..pages.len()).filter(|&i| pages[i].doc.kind == Kind::Page).collect();
        let tags = taxonomy(&pages, &jokes, &bulletins, TaxonomyKind::Tags);
        let categories = taxonomy(&pages, &jokes, &bulletins, TaxonomyKind::Categories);
        let specials: Vec<Special> = (0..pages.len())
            .filter(|&i| pages[i].doc.kind == Kind::Special)
            .map(|i| Special {
                page: i,
                items: select(&pages, &jokes, &bulletins, i),
            })
            .collect();
        check_limits(&pages, &config, &mut diags);
        for sp in specials.iter().filter(|s| s.items.is_empty()) {
            let doc = &pages[sp.page].doc;
            let (l, c) = doc.meta.pos("select");
            diags.push(
                Diagnostic::error("SPC001", &doc.path, "the special's select query matches no live item")
                    .at(l, c)
                    .help("check its tags, category and dates against the published jokes"),
            );
        }
        let headlines = headlines(&pages, &bulletins, config.headlines);
        let related = related::related(&pages, &jokes, &tags, &categories);
        let (category_newer, category_older) = related::category_neighbours(&pages, &categories);
        let random = related::random_list(&jokes, now.as_second().div_euclid(86_400));
        let translations = translations(&pages, &config);
        let site = Site {
            config,
            now,
            preview,
            pages,
            newer,
            older,
            jokes,
            bulletins,
            plain_pages,
            specials,
            tags,
            categories,
            headlines,
            heroes,
            related,
            category_newer,
            category_older,
            random,
            translations,
        };
        (site, diags)
    }

    /// The page whose site path is `url`.
    pub fn page_by_url(&self, url: &str) -> Option<PageId> {
        self.pages.iter().position(|p| p.url == url)
    }

    /// The language of page `id`: its code (the default language's when
    /// the page has none of its own).
    pub fn lang(&self, id: PageId) -> &str {
        let l = &self.pages[id].doc.lang;
        if l.is_empty() {
            &self.config.language
        } else {
            l
        }
    }

    /// The taxonomy of `kind`.
    pub fn taxonomy(&self, kind: TaxonomyKind) -> &Taxonomy {
        match kind {
            TaxonomyKind::Tags => &self.tags,
            TaxonomyKind::Categories => &self.categories,
        }
    }

    /// Specials whose campaign is running (live ones, or all shown in preview).
    pub fn active_specials(&self) -> impl Iterator<Item = &Special> {
        self.specials.iter()
    }
}

/// Reports items with more tags or keywords than site.yaml's `limits:`
/// allow, at the first one too many: tag pages repeat every item with its
/// tags, so an unbounded list multiplies into the output.
fn check_limits(pages: &[Arc<Page>], config: &SiteConfig, diags: &mut Vec<Diagnostic>) {
    let limits = config.limits;
    for p in pages {
        let m = &p.doc.meta;
        if m.tags.len() > limits.tags_per_item {
            let (l, c) = m.positions.tag(limits.tags_per_item).unwrap_or((2, 1));
            diags.push(too_many(p, "tags", m.tags.len(), limits.tags_per_item, "tags_per_item").at(l, c));
        }
        if m.seo.keywords.len() > limits.keywords_per_item {
            let (l, c) = m.pos("seo.keywords");
            let n = m.seo.keywords.len();
            diags.push(too_many(p, "seo.keywords", n, limits.keywords_per_item, "keywords_per_item").at(l, c));
        }
    }
}

fn too_many(p: &Page, what: &str, n: usize, max: usize, setting: &str) -> Diagnostic {
    Diagnostic::error(
        "TAX001",
        &p.doc.path,
        format!("{n} {what}, over the {max} an item may have"),
    )
    .help(format!(
        "keep the {max} that matter most, or raise limits.{setting} in site.yaml"
    ))
}

/// Groups pages by translation key: per page, the group (in site.yaml's
/// language order) when it has more than one member.
fn translations(pages: &[Arc<Page>], config: &SiteConfig) -> Vec<Vec<PageId>> {
    let mut out = vec![Vec::new(); pages.len()];
    if !config.multilingual() {
        return out;
    }
    let order = |lang: &str| {
        config
            .languages
            .iter()
            .position(|l| l.code == lang)
            .map_or(0, |i| i + 1)
    };
    let mut groups: rustc_hash::FxHashMap<&str, Vec<PageId>> = Default::default();
    for (id, p) in pages.iter().enumerate() {
        groups.entry(p.doc.translation_key.as_str()).or_default().push(id);
    }
    for mut group in groups.into_values().filter(|g| g.len() > 1) {
        group.sort_by_key(|&id| (order(&pages[id].doc.lang), id));
        for &id in &group {
            out[id] = group.clone();
        }
    }
    out
}

/// Sort key: newest first, then by id (path order).
fn newest_first(p: &Page, id: PageId) -> (std::cmp::Reverse<When>, PageId) {
    (std::cmp::Reverse(p.doc.meta.date), id)
}

fn taxonomy(pages: &[Arc<Page>], jokes: &[PageId], bulletins: &[PageId], kind: TaxonomyKind) -> Taxonomy {
    let mut terms: Vec<Term> = Vec::new();
    let mut index: rustc_hash::FxHashMap<&str, usize> = Default::default();
    let mut ordered: Vec<PageId> = jokes.iter().chain(bulletins).copied().collect();
    ordered.sort_by_key(|&i| newest_first(&pages[i], i));
    for id in ordered {
        let p = &pages[id];
        let named: Vec<(&String, &String)> = match kind {
            TaxonomyKind::Tags => p.doc.meta.tags.iter().zip(&p.tag_slugs).collect(),
            TaxonomyKind::Categories => p.doc.meta.category.iter().zip(&p.category_slug).collect(),
        };
        for (name, slug) in named.into_iter().filter(|(_, s)| !s.is_empty()) {
            let at = *index.entry(slug.as_str()).or_insert_with(|| {
                let url = format!("/{}/{slug}/", kind.name());
                terms.push(Term {
                    name: name.clone(),
                    url,
                    slug: slug.clone(),
                    pages: Vec::new(),
                    seo: None,
                });
                terms.len() - 1
            });
            let term = &mut terms[at];
            if term.pages.last() != Some(&id) {
                term.pages.push(id);
            }
        }
    }
    terms.sort_by(|a, b| a.slug.cmp(&b.slug));
    Taxonomy { kind, terms }
}

fn select(pages: &[Arc<Page>], jokes: &[PageId], bulletins: &[PageId], special: PageId) -> Vec<PageId> {
    let Some(sp) = &pages[special].doc.meta.special else {
        return Vec::new();
    };
    let q = &sp.select;
    let wanted: Vec<String> = q.tags.iter().map(|t| slugify(t)).collect();
    let category = q.category.as_deref().map(slugify);
    let mut items: Vec<PageId> = q
        .kinds
        .iter()
        .flat_map(|k| if *k == Kind::Bulletin { bulletins } else { jokes })
        .copied()
        .filter(|&id| {
            let p = &pages[id];
            let m = &p.doc.meta;
            let has = |t: &String| p.tag_slugs.contains(t);
            let tags_ok = wanted.is_empty()
                || if q.match_all {
                    wanted.iter().all(has)
                } else {
                    wanted.iter().any(has)
                };
            let cat_ok = category.as_ref().is_none_or(|c| p.category_slug.as_ref() == Some(c));
            let from_ok = q.from.is_none_or(|f| m.date >= f);
            let to_ok = q.to.is_none_or(|t| m.date <= t);
            tags_ok && cat_ok && from_ok && to_ok
        })
        .collect();
    match q.sort {
        SortOrder::DateDesc => items.sort_by_key(|&i| newest_first(&pages[i], i)),
        SortOrder::DateAsc => items.sort_by_key(|&i| std::cmp::Reverse(newest_first(&pages[i], i))),
        SortOrder::Title => {
            items.sort_by(|&a, &b| pages[a].doc.meta.title.cmp(&pages[b].doc.meta.title).then(a.cmp(&b)))
        }
    }
    if q.limit > 0 {
        items.truncate(q.limit);
    }
    items
}

fn headlines(pages: &[Arc<Page>], bulletins: &[PageId], n: usize) -> Vec<PageId> {
    let pinned = bulletins.iter().filter(|&&b| pages[b].doc.meta.pinned);
    let rest = bulletins.iter().filter(|&&b| !pages[b].doc.meta.pinned);
    pinned.chain(rest).take(n).copied().collect()
}

#[cfg(test)]
mod tests;
