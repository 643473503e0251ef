//! The typed views: the only data templates ever see.
//!
//! Input: `&Site` and a page or listing. Output: borrowed, serializable
//! structs. Templates cannot reach into the site (no `get_section`-style
//! functions), so what a page shows is exactly what its view holds, and an
//! incremental rebuild can tell which pages an edit affects. The contract
//! for theme authors is docs/themes.md.

use crate::site::{Page, PageId, Pager, Site, TaxonomyKind, Term, Visibility};
use serde::Serialize;

/// A link: text and site path.
#[derive(Debug, Clone, Serialize)]
pub struct LinkView<'a> {
    /// Link text.
    pub title: &'a str,
    /// Site path.
    pub url: &'a str,
}

/// A menu link as one page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct NavLinkView<'a> {
    /// The link text.
    pub name: &'a str,
    /// The link target, as written in `site.yaml`.
    pub url: &'a str,
    /// Whether it leads to this very page (for `aria-current="page"`).
    pub current: bool,
}

/// A headline in the site-wide ticker.
#[derive(Debug, Clone, Serialize)]
pub struct HeadlineView<'a> {
    /// Bulletin title.
    pub title: &'a str,
    /// Its site path.
    pub url: &'a str,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// For people: `14 Nov 2026`.
    pub date_human: String,
    /// Pinned to the top.
    pub pinned: bool,
}

/// A special's hero image and campaign dates, as its landing page and the
/// links to it show them (flattened into both views).
#[derive(Debug, Clone, Serialize)]
pub struct CampaignView<'a> {
    /// Hero image path.
    pub hero_image: Option<&'a str>,
    /// Hero alt text.
    pub hero_alt: Option<&'a str>,
    /// Hero slogan.
    pub hero_slogan: Option<&'a str>,
    /// Hero image width in pixels (for the `width` attribute), when known.
    pub hero_width: Option<u32>,
    /// Hero image height in pixels, when known.
    pub hero_height: Option<u32>,
    /// `srcset` with the resized variants of a raster hero image.
    pub hero_srcset: Option<&'a str>,
    /// Campaign start, `YYYY-MM-DD`.
    pub starts: Option<String>,
    /// Campaign end, `YYYY-MM-DD`.
    pub ends: Option<String>,
    /// Campaign start, for people.
    pub starts_human: Option<String>,
    /// Campaign end, for people.
    pub ends_human: Option<String>,
}

/// The hero and dates of special page `id`.
fn campaign(site: &Site, id: PageId) -> CampaignView<'_> {
    let p: &Page = &site.pages[id];
    let sp = p.doc.meta.special.as_ref();
    let hero = site.heroes.get(&p.doc.path);
    CampaignView {
        hero_image: sp.and_then(|s| s.hero.image.as_deref()),
        hero_alt: sp.and_then(|s| s.hero.alt.as_deref()),
        hero_slogan: sp.and_then(|s| s.hero.slogan.as_deref()),
        hero_width: hero.map(|h| h.width),
        hero_height: hero.map(|h| h.height),
        hero_srcset: hero.and_then(|h| h.srcset.as_deref()),
        starts: sp.and_then(|s| s.starts).map(|w| w.ymd()),
        ends: sp.and_then(|s| s.ends).map(|w| w.ymd()),
        starts_human: sp.and_then(|s| s.starts).map(|w| w.human()),
        ends_human: sp.and_then(|s| s.ends).map(|w| w.human()),
    }
}

/// A running campaign as every page may show it: its landing page, hero
/// image, slogan and dates (the home page shows these, not a bare link).
#[derive(Debug, Clone, Serialize)]
pub struct SpecialLinkView<'a> {
    /// The special's title.
    pub title: &'a str,
    /// Its landing page.
    pub url: &'a str,
    /// Hero and dates.
    #[serde(flatten)]
    pub campaign: CampaignView<'a>,
}

/// Site-wide data, the same on every page, built once per build.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView<'a> {
    /// Site name.
    pub title: &'a str,
    /// Site description.
    pub description: &'a str,
    /// Absolute base URL, no trailing slash.
    pub base_url: &'a str,
    /// `lang` attribute.
    pub language: &'a str,
    /// Navigation.
    pub menu: &'a [crate::config::MenuItem],
    /// The headline ticker: pinned first, then newest.
    pub headlines: Vec<HeadlineView<'a>>,
    /// Running campaigns (specials), with hero, slogan and dates.
    pub specials: Vec<SpecialLinkView<'a>>,
    /// The random-joke page, when the site has jokes.
    pub random: Option<&'static str>,
    /// A preview build: show the banner.
    pub preview: bool,
    /// Atom feed of jokes.
    pub jokes_feed: &'static str,
    /// Atom feed of bulletins.
    pub bulletins_feed: &'static str,
    /// The search index, when search is on.
    pub search_index: Option<&'static str>,
    /// The build's year, for the copyright line.
    pub year: i16,
}

/// What goes into `<head>`: SEO and social fields, resolved with fallbacks.
#[derive(Debug, Clone, Serialize, Default)]
pub struct HeadView {
    /// `<title>` text.
    pub title: String,
    /// Meta description.
    pub description: String,
    /// Meta keywords, comma-separated.
    pub keywords: String,
    /// Absolute canonical URL.
    pub canonical: String,
    /// Ask search engines not to index.
    pub noindex: bool,
    /// `og:type`: article or website.
    pub og_type: &'static str,
    /// Absolute `og:image`, if any.
    pub og_image: Option<String>,
    /// The author's name, for `<meta name="author">`.
    pub author: Option<String>,
    /// An Atom feed to advertise.
    pub feed: Option<String>,
    /// `rel=prev` (paginated listings).
    pub prev: Option<String>,
    /// `rel=next` (paginated listings).
    pub next: Option<String>,
    /// schema.org JSON-LD, safe to print inside `<script type="application/ld+json">`
    /// (see [`super::jsonld`]).
    pub jsonld: String,
    /// The page's language, for `<html lang>`.
    pub lang: String,
    /// `<link rel="alternate" hreflang>`: every translation, the page
    /// itself, and `x-default` (empty when the page has no translation).
    pub alternates: Vec<AlternateView>,
    /// The language switcher: the page and its translations (empty when
    /// it has none).
    pub translations: Vec<TranslationView>,
}

/// One `<link rel="alternate" hreflang>`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AlternateView {
    /// A language tag, or `x-default`.
    pub hreflang: String,
    /// Absolute URL.
    pub href: String,
}

/// One entry of the language switcher.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TranslationView {
    /// Language tag.
    pub lang: String,
    /// The language's name in itself (`中文`, `English`; else the tag).
    pub name: String,
    /// Site path of the version in that language.
    pub url: String,
    /// Whether it is this page.
    pub current: bool,
}

/// The alternates and switcher entries of page `id` (both empty when it
/// has no translation): what [`HeadView`] carries for hreflang.
pub fn translations_of(site: &Site, id: PageId) -> (Vec<AlternateView>, Vec<TranslationView>) {
    let group = &site.translations[id];
    let mut alternates: Vec<AlternateView> = group
        .iter()
        .map(|&t| AlternateView {
            hreflang: site.lang(t).to_string(),
            href: site.config.permalink(&site.pages[t].url),
        })
        .collect();
    if let Some(&first) = group.first().filter(|&&f| site.pages[f].doc.lang.is_empty()) {
        alternates.push(AlternateView {
            hreflang: "x-default".into(),
            href: site.config.permalink(&site.pages[first].url),
        });
    }
    let switcher = group
        .iter()
        .map(|&t| TranslationView {
            lang: site.lang(t).to_string(),
            name: match crate::site::langs::display_name(site.lang(t)) {
                "" => site.lang(t).to_string(),
                n => n.to_string(),
            },
            url: site.pages[t].url.clone(),
            current: t == id,
        })
        .collect();
    (alternates, switcher)
}

/// A tag or category link on an item.
#[derive(Debug, Clone, Serialize)]
pub struct TermLinkView<'a> {
    /// As written.
    pub name: &'a str,
    /// Its page.
    pub url: &'a str,
}

/// The author of an item.
#[derive(Debug, Clone, Serialize)]
pub struct AuthorView<'a> {
    /// Member id.
    pub id: &'a str,
    /// Display name.
    pub name: &'a str,
}

/// A joke, bulletin, page or special, as a page or in a listing.
#[derive(Debug, Clone, Serialize)]
pub struct ItemView<'a> {
    /// joke, bulletin, page or special.
    pub kind: &'static str,
    /// Title.
    pub title: &'a str,
    /// Site path.
    pub url: &'a str,
    /// Absolute URL.
    pub permalink: String,
    /// `YYYY-MM-DD`.
    pub date: &'a str,
    /// RFC 3339, for `<time datetime>`.
    pub date_iso: &'a str,
    /// For people: `14 Nov 2026`.
    pub date_human: &'a str,
    /// RFC 3339 of the last change.
    pub lastmod_iso: &'a str,
    /// Author.
    pub author: AuthorView<'a>,
    /// Tags.
    pub tags: Vec<TermLinkView<'a>>,
    /// Category.
    pub category: Option<TermLinkView<'a>>,
    /// Summary HTML (first paragraph or up to `<!-- more -->`).
    pub summary: &'a str,
    /// Whole body HTML (empty in listings that do not need it).
    pub content: &'a str,
    /// Headings, for a table of contents.
    pub toc: &'a [crate::markdown::Heading],
    /// Words.
    pub word_count: usize,
    /// Minutes to read, at least 1.
    pub reading_minutes: usize,
    /// Bulletins: pinned.
    pub pinned: bool,
    /// Bulletins: leaves the site on this date (`YYYY-MM-DD`).
    pub expires: Option<String>,
    /// The same, for people.
    pub expires_human: Option<String>,
    /// Shown only because this is a preview build.
    pub preview: bool,
    /// Workflow state.
    pub status: &'static str,
    /// Next newer item in the section.
    pub newer: Option<LinkView<'a>>,
    /// Next older item in the section.
    pub older: Option<LinkView<'a>>,
}

/// One page of a paginated list.
#[derive(Debug, Clone, Serialize)]
pub struct PaginatorView<'a> {
    /// This page's items.
    pub items: Vec<ItemView<'a>>,
    /// 1-based page number.
    pub current: usize,
    /// Number of pages.
    pub total_pages: usize,
    /// Number of items over all pages.
    pub total_items: usize,
    /// Previous page's path.
    pub prev: Option<String>,
    /// Next page's path.
    pub next: Option<String>,
    /// Numbered links: the first and last page and two either side of the
    /// current one (a window, so a listing of N pages costs O(1) per page,
    /// not O(N)).
    pub pages: Vec<PagerLinkView>,
}

/// A numbered link in pagination.
#[derive(Debug, Clone, Serialize)]
pub struct PagerLinkView {
    /// Page number.
    pub number: usize,
    /// Its path.
    pub url: String,
    /// Whether it is the current page.
    pub current: bool,
    /// Whether pages were skipped before this one (show a "…").
    pub gap: bool,
}

/// A section listing (jokes, bulletins).
#[derive(Debug, Clone, Serialize)]
pub struct SectionView {
    /// Heading, e.g. "Jokes".
    pub title: &'static str,
    /// `jokes` or `bulletins`.
    pub name: &'static str,
    /// Its first page's path.
    pub url: &'static str,
    /// Its Atom feed.
    pub feed: &'static str,
}

/// A taxonomy (tags or categories).
#[derive(Debug, Clone, Serialize)]
pub struct TaxonomyView {
    /// `tags` or `categories`.
    pub name: &'static str,
    /// `Tag` or `Category`.
    pub singular: &'static str,
    /// `Tags` or `Categories`.
    pub title: &'static str,
    /// `/tags/` or `/categories/`.
    pub url: String,
}

/// A term with its count.
#[derive(Debug, Clone, Serialize)]
pub struct TermView<'a> {
    /// As written.
    pub name: &'a str,
    /// URL segment.
    pub slug: &'a str,
    /// Its page.
    pub url: &'a str,
    /// How many items carry it.
    pub count: usize,
    /// Its term file's title, if any.
    pub title: Option<&'a str>,
    /// Its term file's intro, as HTML (empty without one).
    pub intro: &'a str,
}

/// A special landing page.
#[derive(Debug, Clone, Serialize)]
pub struct SpecialView<'a> {
    /// The special's own fields and body.
    pub item: ItemView<'a>,
    /// Hero and dates.
    #[serde(flatten)]
    pub campaign: CampaignView<'a>,
    /// Its Atom feed.
    pub feed: String,
}

/// The sections every site has.
pub const JOKES: SectionView = SectionView {
    title: "Jokes",
    name: "jokes",
    url: "/jokes/",
    feed: "/jokes/atom.xml",
};
/// The bulletins section.
pub const BULLETINS: SectionView = SectionView {
    title: "Bulletins",
    name: "bulletins",
    url: "/bulletins/",
    feed: "/bulletins/atom.xml",
};

impl<'a> SiteView<'a> {
    /// Builds the site-wide view (once per build).
    pub fn new(site: &'a Site) -> Self {
        let c = &site.config;
        let headlines = site
            .headlines
            .iter()
            .map(|&id| {
                let p = &site.pages[id];
                HeadlineView {
                    title: &p.doc.meta.title,
                    url: &p.url,
                    date: p.doc.meta.date.ymd(),
                    date_human: p.doc.meta.date.human(),
                    pinned: p.doc.meta.pinned,
                }
            })
            .collect();
        let specials = site.active_specials().map(|s| special_link(site, s.page)).collect();
        SiteView {
            title: &c.title,
            description: &c.description,
            base_url: &c.base_url,
            language: &c.language,
            menu: &c.menu,
            headlines,
            specials,
            random: (!site.random.is_empty()).then_some(RANDOM_URL),
            preview: site.preview,
            jokes_feed: JOKES.feed,
            bulletins_feed: BULLETINS.feed,
            search_index: c.search.then_some("/search-index.json"),
            year: site.now.to_zoned(jiff::tz::TimeZone::UTC).year(),
        }
    }
}

/// An item view; `full` includes the body HTML.
pub fn item<'a>(site: &'a Site, id: PageId, full: bool) -> ItemView<'a> {
    let p = &site.pages[id];
    let m = &p.doc.meta;
    let link = |o: Option<PageId>| {
        o.map(|i| LinkView {
            title: &site.pages[i].doc.meta.title,
            url: &site.pages[i].url,
        })
    };
    ItemView {
        kind: p.doc.kind.noun(),
        title: &m.title,
        url: &p.url,
        permalink: site.config.permalink(&p.url),
        date: &p.display.date,
        date_iso: &p.display.date_iso,
        date_human: &p.display.date_human,
        lastmod_iso: &p.display.lastmod_iso,
        author: AuthorView {
            id: &m.author,
            name: &p.author_name,
        },
        tags: m
            .tags
            .iter()
            .zip(&p.display.tag_urls)
            .map(|(name, url)| TermLinkView { name, url })
            .collect(),
        category: m
            .category
            .as_deref()
            .zip(p.display.category_url.as_deref())
            .map(|(name, url)| TermLinkView { name, url }),
        summary: &p.rendered.summary_html,
        content: if full { &p.rendered.html } else { "" },
        toc: &p.rendered.toc,
        word_count: p.rendered.word_count,
        reading_minutes: p.rendered.word_count.div_ceil(200).max(1),
        pinned: m.pinned,
        expires: m.expires.map(|e| e.ymd()),
        expires_human: m.expires.map(|e| e.human()),
        preview: p.visibility == Visibility::Preview,
        status: m.status.name(),
        newer: link(site.newer[id]),
        older: link(site.older[id]),
    }
}

/// A paginator over `ids` for `pager`; items carry their bodies when `full`.
pub fn paginator<'a>(site: &'a Site, ids: &[PageId], pager: &Pager, base: &str, full: bool) -> PaginatorView<'a> {
    PaginatorView {
        items: ids[pager.items.clone()]
            .iter()
            .map(|&id| item(site, id, full))
            .collect(),
        current: pager.number,
        total_pages: pager.total,
        total_items: ids.len(),
        prev: (pager.number > 1).then(|| crate::site::pager_url(base, pager.number - 1)),
        next: (pager.number < pager.total).then(|| crate::site::pager_url(base, pager.number + 1)),
        pages: pager_window(pager.number, pager.total)
            .into_iter()
            .scan(0, |prev, n| {
                let gap = n > *prev + 1;
                *prev = n;
                Some(PagerLinkView {
                    number: n,
                    url: crate::site::pager_url(base, n),
                    current: n == pager.number,
                    gap,
                })
            })
            .collect(),
    }
}

/// Page numbers worth a link: 1, the last, and the current one +-2.
pub fn pager_window(current: usize, total: usize) -> Vec<usize> {
    let mut v: Vec<usize> = [1, total]
        .into_iter()
        .chain(current.saturating_sub(2).max(1)..=(current + 2).min(total))
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// The taxonomy view.
pub fn taxonomy(kind: TaxonomyKind) -> TaxonomyView {
    TaxonomyView {
        name: kind.name(),
        singular: kind.singular(),
        title: match kind {
            TaxonomyKind::Tags => "Tags",
            TaxonomyKind::Categories => "Categories",
        },
        url: format!("/{}/", kind.name()),
    }
}

/// A term with its count.
pub fn term(t: &Term) -> TermView<'_> {
    TermView {
        name: &t.name,
        slug: &t.slug,
        url: &t.url,
        count: t.pages.len(),
        title: t.seo.as_deref().and_then(|s| s.title.as_deref()),
        intro: t.seo.as_deref().map_or("", |s| s.intro_html.as_str()),
    }
}

/// The special view of page `id`.
pub fn special(site: &Site, id: PageId) -> SpecialView<'_> {
    let p: &Page = &site.pages[id];
    SpecialView {
        item: item(site, id, true),
        campaign: campaign(site, id),
        feed: format!("{}atom.xml", p.url),
    }
}

/// The `<head>` fields of a content page, with fallbacks: SEO title, else
/// title; description, else the text's opening; canonical, else permalink.
pub fn head_for_page(site: &Site, id: PageId) -> HeadView {
    let p = &site.pages[id];
    let m = &p.doc.meta;
    let seo = &m.seo;
    let title = match &seo.title {
        Some(t) => t.clone(),
        None => format!("{} | {}", m.title, site.config.title),
    };
    let description = seo
        .description
        .clone()
        .unwrap_or_else(|| excerpt(&p.rendered.plain_text, 155));
    let og_image = seo.image.as_ref().map(|i| absolute(site, i));
    let jsonld = super::jsonld::for_page(site, id, &description, og_image.as_deref()).to_script_text();
    let (alternates, translations) = translations_of(site, id);
    HeadView {
        title,
        description,
        keywords: seo.keywords.join(", "),
        canonical: seo.canonical.clone().unwrap_or_else(|| site.config.permalink(&p.url)),
        noindex: p.noindex() || site.preview,
        og_type: "article",
        og_image,
        author: Some(p.author_name.clone()),
        feed: None,
        prev: None,
        next: None,
        jsonld,
        lang: site.lang(id).to_string(),
        alternates,
        translations,
    }
}

/// The menu of `site.yaml` for the page whose canonical address is
/// `canonical`: a link is current when it leads there, written either
/// site-relative (`/jokes/`) or in full. Worked out here rather than in the
/// template, where joining and comparing addresses for every link of every
/// page cost a twentieth of a 10,000-joke build.
pub fn nav<'a>(site: &'a Site, canonical: &str) -> Vec<NavLinkView<'a>> {
    let relative = canonical.strip_prefix(site.config.base_url.as_str());
    site.config
        .menu
        .iter()
        .map(|link| NavLinkView {
            name: &link.name,
            url: &link.url,
            current: relative == Some(link.url.as_str()) || canonical == link.url,
        })
        .collect()
}

/// The `<head>` fields of a generated listing page.
pub fn head_for_listing(site: &Site, title: &str, url: &str, description: String) -> HeadView {
    let jsonld = super::jsonld::for_listing(site, title, url, &description).to_script_text();
    HeadView {
        title: if url == "/" {
            site.config.title.clone()
        } else {
            format!("{title} | {}", site.config.title)
        },
        description,
        keywords: String::new(),
        canonical: site.config.permalink(url),
        noindex: site.preview,
        og_type: "website",
        og_image: None,
        author: None,
        feed: None,
        prev: None,
        next: None,
        jsonld,
        lang: site.config.language.clone(),
        alternates: Vec::new(),
        translations: Vec::new(),
    }
}

fn absolute(site: &Site, url: &str) -> String {
    if url.starts_with("http://") || url.starts_with("https://") {
        url.to_string()
    } else {
        site.config.permalink(&format!("/{}", url.trim_start_matches('/')))
    }
}

/// The first `n` characters of `text` on a word boundary, whitespace folded.
pub fn excerpt(text: &str, n: usize) -> String {
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if folded.chars().count() <= n {
        return folded;
    }
    let cut: String = folded.chars().take(n).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > n / 2 => cut[..i].to_string(),
        _ => cut,
    };
    format!("{}…", cut.trim_end_matches([',', '.', ';', ':']))
}

/// Where the random-joke page lives.
pub const RANDOM_URL: &str = "/random/";

fn special_link(site: &Site, id: PageId) -> SpecialLinkView<'_> {
    let p = &site.pages[id];
    SpecialLinkView {
        title: &p.doc.meta.title,
        url: &p.url,
        campaign: campaign(site, id),
    }
}

/// Another joke as a joke page links to it: related jokes, the
/// neighbours in the category, the random-joke page's list.
#[derive(Debug, Clone, Serialize)]
pub struct JokeLinkView<'a> {
    /// Title.
    pub title: &'a str,
    /// Site path.
    pub url: &'a str,
    /// RFC 3339, for `<time datetime>`.
    pub date_iso: &'a str,
    /// For people: `14 Nov 2026`.
    pub date_human: &'a str,
    /// The tags it shares with the page that links to it (related jokes
    /// only), so a reader sees why it is there.
    pub shared_tags: Vec<&'a str>,
}

/// A joke, bulletin or page shown as its own page: the item, and where a
/// reader goes next.
#[derive(Debug, Clone, Serialize)]
pub struct PageView<'a> {
    /// Everything of the item (`page.title`, `page.content`...).
    #[serde(flatten)]
    pub item: ItemView<'a>,
    /// Jokes: related jokes, best first (computed once per build).
    pub related: Vec<JokeLinkView<'a>>,
    /// Jokes: the next newer joke of the same category.
    pub category_newer: Option<JokeLinkView<'a>>,
    /// Jokes: the next older joke of the same category.
    pub category_older: Option<JokeLinkView<'a>>,
    /// Jokes and bulletins: what the share button offers.
    pub share: Option<super::share::ShareView>,
}

/// A link to joke `id`; `shared_with` names the page whose tags it shares.
pub fn joke_link(site: &Site, id: PageId, shared_with: Option<PageId>) -> JokeLinkView<'_> {
    let p = &site.pages[id];
    let shared_tags = match shared_with {
        Some(o) => {
            let mine = &site.pages[o].tag_slugs;
            p.doc
                .meta
                .tags
                .iter()
                .zip(&p.tag_slugs)
                .filter(|(_, slug)| mine.contains(slug))
                .map(|(name, _)| name.as_str())
                .collect()
        }
        None => Vec::new(),
    };
    JokeLinkView {
        title: &p.doc.meta.title,
        url: &p.url,
        date_iso: &p.display.date_iso,
        date_human: &p.display.date_human,
        shared_tags,
    }
}

/// The view of page `id` shown on its own.
pub fn page(site: &Site, id: PageId) -> PageView<'_> {
    let kind = site.pages[id].doc.kind;
    let link = |o: Option<PageId>| o.map(|o| joke_link(site, o, None));
    PageView {
        item: item(site, id, true),
        related: site.related[id].iter().map(|&r| joke_link(site, r, Some(id))).collect(),
        category_newer: link(site.category_newer[id]),
        category_older: link(site.category_older[id]),
        share: matches!(kind, crate::content::Kind::Joke | crate::content::Kind::Bulletin)
            .then(|| super::share::share(site, id)),
    }
}

/// The jokes the random-joke page picks from.
pub fn random(site: &Site) -> Vec<JokeLinkView<'_>> {
    site.random.iter().map(|&id| joke_link(site, id, None)).collect()
}
