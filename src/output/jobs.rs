//! What to render: one [`Job`] per output page, and how to render it.
//!
//! Input: `&Site` and the theme. Output: the list of jobs (in a stable
//! order), per job the [`JobView`] it reads, and its HTML. Each job reads
//! only its `JobView` and the site-wide view built once per build, so jobs
//! run in parallel and any subset can be re-rendered on its own.
//!
//! The `JobView` is the one statement of what a page reads: rendering
//! takes its page lists from it and change detection hashes it
//! ([`JobView::hash_into`]), so no count, list or ordering rule is written
//! twice. A new kind of job adds a `Job` variant and a `JobView` variant;
//! the compiler then points at every match that must handle it.

use crate::content::Kind;
use crate::diagnostic::Diagnostic;
use crate::site::{paginate, HeroImage, PageId, Pager, Site, Special, TaxonomyKind, Term};
use crate::theme::views::{self, HeadView};
use crate::theme::Theme;
use std::hash::{Hash, Hasher};

/// Jokes on the home page (the newest).
pub const HOME_JOKES: usize = 10;
/// Bulletins on the home page (the newest).
pub const HOME_BULLETINS: usize = 5;

/// One page of output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    /// The home page.
    Home,
    /// A joke, bulletin or page from content.
    Item(PageId),
    /// One page of the jokes or bulletins listing.
    Section(Kind, Pager),
    /// One page of a tag or category.
    Term(TaxonomyKind, usize, Pager),
    /// The index of all tags or categories.
    Terms(TaxonomyKind),
    /// One page of a special landing page (index into `site.specials`).
    Special(usize, Pager),
    /// The 404 page.
    NotFound,
    /// The random-joke page (when the site has jokes).
    Random,
    /// A redirect page at an old address: `Meta::aliases[.1]` of page `.0`.
    /// Rendered without the theme (see [`redirect_page`]).
    Redirect(PageId, usize),
}

impl Job {
    /// The site path this job renders, e.g. `/jokes/page/2/`.
    pub fn url(&self, site: &Site) -> String {
        match self {
            Job::Home => "/".into(),
            Job::Item(id) => site.pages[*id].url.clone(),
            Job::Section(_, p) | Job::Term(_, _, p) | Job::Special(_, p) => p.url.clone(),
            Job::Terms(t) => format!("/{}/", t.name()),
            Job::NotFound => "/404.html".into(),
            Job::Random => views::RANDOM_URL.into(),
            Job::Redirect(id, i) => site.pages[*id].doc.meta.aliases[*i].clone(),
        }
    }

    /// The content file that produced this page (items, specials and the
    /// redirect pages of their aliases); `None` for generated pages. The
    /// deploy manifest keeps it, so a URL that vanishes can be traced.
    pub fn source(&self, site: &Site) -> Option<String> {
        let id = match self {
            Job::Item(id) | Job::Redirect(id, _) => *id,
            Job::Special(i, _) => site.specials[*i].page,
            _ => return None,
        };
        Some(site.pages[id].doc.path.to_string_lossy().into_owned())
    }

    /// Where a redirect page sends its visitors (a site path).
    pub fn redirect_to<'s>(&self, site: &'s Site) -> Option<&'s str> {
        match self {
            Job::Redirect(id, _) => Some(&site.pages[*id].url),
            _ => None,
        }
    }

    /// The file this job writes, relative to the output folder.
    pub fn output_path(&self, site: &Site) -> String {
        let url = self.url(site);
        if url.ends_with(".html") {
            url.trim_start_matches('/').to_string()
        } else {
            format!("{}index.html", url.trim_start_matches('/'))
        }
    }

    /// The template this job renders with.
    pub fn template<'s>(&self, site: &'s Site) -> &'s str {
        match self {
            Job::Home => "index.html",
            Job::Item(id) => {
                let p = &site.pages[*id];
                p.doc.meta.template.as_deref().unwrap_or(match p.doc.kind {
                    Kind::Joke => "joke.html",
                    Kind::Bulletin => "bulletin.html",
                    Kind::Page => "page.html",
                    Kind::Special => "special.html",
                })
            }
            Job::Section(..) => "list.html",
            Job::Term(..) => "term.html",
            Job::Terms(_) => "terms.html",
            Job::Special(i, _) => {
                let p = &site.pages[site.specials[*i].page];
                p.doc.meta.template.as_deref().unwrap_or("special.html")
            }
            Job::NotFound => "404.html",
            Job::Random => "random.html",
            Job::Redirect(..) => REDIRECT_TEMPLATE,
        }
    }
}

/// What one job reads of the site, besides the site-wide view: the pages it
/// shows (whole, as cards or as the item itself), the pages it only links
/// to, and the listing facts (pagination, terms, hero image).
#[derive(Debug)]
pub enum JobView<'s> {
    /// The newest jokes and bulletins, and the pinned bulletins.
    Home {
        /// Jokes shown, newest first.
        jokes: &'s [PageId],
        /// Bulletins shown, newest first.
        bulletins: &'s [PageId],
        /// Pinned bulletins, in the bulletins' order.
        pinned: Vec<PageId>,
    },
    /// One item, and what it shows of the items it links to.
    Item {
        /// The item.
        id: PageId,
        /// Its neighbours in its section (title and URL only).
        neighbours: [Option<PageId>; 2],
        /// Jokes: the neighbours in its category, and its related jokes
        /// (what a link card shows of each, not their bodies).
        linked: Vec<PageId>,
        /// It and its translations (language and URL of each, for
        /// hreflang and the language switcher).
        translations: &'s [PageId],
    },
    /// One page of a section listing.
    Section {
        /// Jokes or bulletins.
        kind: Kind,
        /// Every item of the section (the count shows), newest first.
        ids: &'s [PageId],
        /// Which page.
        pager: &'s Pager,
    },
    /// One page of a term's listing.
    Term {
        /// Tags or categories.
        tax: TaxonomyKind,
        /// The term.
        term: &'s Term,
        /// Which page.
        pager: &'s Pager,
    },
    /// Every term of a taxonomy (names, URLs, counts).
    Terms {
        /// Tags or categories.
        tax: TaxonomyKind,
        /// The terms, sorted by slug.
        terms: &'s [Term],
    },
    /// One page of a special landing page.
    Special {
        /// The special.
        special: &'s Special,
        /// Its hero image, as measured.
        hero: Option<&'s HeroImage>,
        /// Its page and that page's translations.
        translations: &'s [PageId],
        /// Which page.
        pager: &'s Pager,
    },
    /// The 404 page: the site-wide view only.
    NotFound,
    /// The jokes the random-joke page picks from (link cards).
    Random {
        /// The jokes, in the site's order for the day.
        ids: &'s [PageId],
    },
    /// A redirect page: the item it sends visitors to (title and URL).
    Redirect {
        /// The item.
        id: PageId,
    },
}

impl Job {
    /// What this job reads: the one place that says so.
    pub fn view<'s>(&'s self, site: &'s Site) -> JobView<'s> {
        match self {
            Job::Home => JobView::Home {
                jokes: &site.jokes[..site.jokes.len().min(HOME_JOKES)],
                bulletins: &site.bulletins[..site.bulletins.len().min(HOME_BULLETINS)],
                pinned: site
                    .bulletins
                    .iter()
                    .copied()
                    .filter(|&id| site.pages[id].doc.meta.pinned)
                    .collect(),
            },
            Job::Item(id) => JobView::Item {
                id: *id,
                neighbours: [site.newer[*id], site.older[*id]],
                linked: [site.category_newer[*id], site.category_older[*id]]
                    .into_iter()
                    .flatten()
                    .chain(site.related[*id].iter().copied())
                    .collect(),
                translations: &site.translations[*id],
            },
            Job::Section(kind, pager) => JobView::Section {
                kind: *kind,
                ids: if *kind == Kind::Joke {
                    &site.jokes
                } else {
                    &site.bulletins
                },
                pager,
            },
            Job::Term(tax, i, pager) => JobView::Term {
                tax: *tax,
                term: &site.taxonomy(*tax).terms[*i],
                pager,
            },
            Job::Terms(tax) => JobView::Terms {
                tax: *tax,
                terms: &site.taxonomy(*tax).terms,
            },
            Job::Special(i, pager) => {
                let special = &site.specials[*i];
                JobView::Special {
                    special,
                    hero: site.heroes.get(&site.pages[special.page].doc.path),
                    translations: &site.translations[special.page],
                    pager,
                }
            }
            Job::NotFound => JobView::NotFound,
            Job::Random => JobView::Random { ids: &site.random },
            Job::Redirect(id, _) => JobView::Redirect { id: *id },
        }
    }
}

impl JobView<'_> {
    /// Hashes everything this view reads. `versions[id]` stands for all
    /// of page `id` that any view shows (see `output::cache::page_version`);
    /// of a linked page only its title and URL are read.
    pub fn hash_into(&self, site: &Site, versions: &[u64], h: &mut impl Hasher) {
        let pages = |ids: &[PageId], h: &mut _| {
            ids.len().hash(h);
            for &id in ids {
                versions[id].hash(h);
            }
        };
        std::mem::discriminant(self).hash(h);
        match self {
            JobView::Home {
                jokes,
                bulletins,
                pinned,
            } => {
                pages(jokes, h);
                pages(bulletins, h);
                pages(pinned, h);
            }
            JobView::Item {
                id,
                neighbours,
                linked,
                translations,
            } => {
                versions[*id].hash(h);
                hash_translations(site, translations, h);
                for n in neighbours {
                    n.map(|n| (&site.pages[n].doc.meta.title, &site.pages[n].url)).hash(h);
                }
                for &n in linked {
                    card(site, n).hash(h);
                }
            }
            JobView::Section { kind, ids, pager } => {
                (kind, ids.len()).hash(h);
                hash_pager(pager, h);
                pages(&ids[pager.items.clone()], h);
            }
            JobView::Term { tax, term, pager } => {
                (tax.name(), &term.name, &term.slug, &term.url, term.pages.len()).hash(h);
                term.seo.hash(h);
                hash_pager(pager, h);
                pages(&term.pages[pager.items.clone()], h);
            }
            JobView::Terms { tax, terms } => {
                tax.name().hash(h);
                for t in *terms {
                    (&t.name, &t.slug, &t.url, t.pages.len()).hash(h);
                }
            }
            JobView::Special {
                special,
                hero,
                translations,
                pager,
            } => {
                versions[special.page].hash(h);
                hash_translations(site, translations, h);
                hero.map(|x| (x.width, x.height, &x.srcset)).hash(h);
                special.items.len().hash(h);
                hash_pager(pager, h);
                pages(&special.items[pager.items.clone()], h);
            }
            JobView::NotFound => {}
            JobView::Random { ids } => {
                for &n in *ids {
                    card(site, n).hash(h);
                }
            }
            JobView::Redirect { id } => (&site.pages[*id].doc.meta.title, &site.pages[*id].url).hash(h),
        }
    }
}

/// What a link card to joke `id` shows (see `views::joke_link`): title,
/// address, dates and tags, never the body.
fn card(site: &Site, id: PageId) -> (&str, &str, &str, &str, &[String], &[String]) {
    let p = &site.pages[id];
    let meta = &p.doc.meta;
    (
        &meta.title,
        &p.url,
        &p.display.date_iso,
        &p.display.date_human,
        &meta.tags,
        &p.tag_slugs,
    )
}

/// What hreflang links and the switcher show of each translation.
fn hash_translations(site: &Site, ids: &[PageId], h: &mut impl Hasher) {
    ids.len().hash(h);
    for &t in ids {
        (site.lang(t), &site.pages[t].url).hash(h);
    }
}

fn hash_pager(p: &Pager, h: &mut impl Hasher) {
    (p.number, p.total, &p.url, p.items.start, p.items.end).hash(h);
}

/// Every page the site renders with `theme`, in a stable order. The
/// random-joke page is the theme's to offer: a theme without
/// `random.html` (one copied before it existed) has none, and builds.
pub fn plan(site: &Site, theme: &Theme) -> Vec<Job> {
    let per = site.config.paginate_by;
    let mut jobs = vec![Job::Home, Job::NotFound];
    let specials: Vec<PageId> = site.specials.iter().map(|s| s.page).collect();
    jobs.extend((0..site.pages.len()).filter(|id| !specials.contains(id)).map(Job::Item));
    for (kind, ids) in [(Kind::Joke, &site.jokes), (Kind::Bulletin, &site.bulletins)] {
        let base = format!("/{}/", kind.section());
        jobs.extend(
            paginate(&base, ids.len(), per)
                .into_iter()
                .map(|p| Job::Section(kind, p)),
        );
    }
    for tax in [TaxonomyKind::Tags, TaxonomyKind::Categories] {
        jobs.push(Job::Terms(tax));
        for (i, term) in site.taxonomy(tax).terms.iter().enumerate() {
            jobs.extend(
                paginate(&term.url, term.pages.len(), per)
                    .into_iter()
                    .map(|p| Job::Term(tax, i, p)),
            );
        }
    }
    for (i, sp) in site.specials.iter().enumerate() {
        let url = &site.pages[sp.page].url;
        jobs.extend(
            paginate(url, sp.items.len(), per)
                .into_iter()
                .map(|p| Job::Special(i, p)),
        );
    }
    if !site.random.is_empty() && theme.has_template(Job::Random.template(site)) {
        jobs.push(Job::Random);
    }
    for (id, p) in site.pages.iter().enumerate() {
        jobs.extend((0..p.doc.meta.aliases.len()).map(|i| Job::Redirect(id, i)));
    }
    jobs
}

/// What [`Job::template`] names for a redirect page: no theme template.
pub const REDIRECT_TEMPLATE: &str = "(redirect)";

/// Checks every alias against the site: one that is the item's own URL
/// (ALS003), or the URL of another page or of an earlier alias (ALS002),
/// is an error at the alias's line; such a redirect would hide a live page
/// or send visitors in a circle.
pub fn check_aliases(site: &Site, jobs: &[Job]) -> Vec<Diagnostic> {
    /// Who has an output path: a page of an item or special, another
    /// item's alias, or the site itself.
    enum Owner {
        Page(PageId),
        Alias(PageId),
        Generated,
    }
    let mut owner: std::collections::HashMap<String, Owner> = jobs
        .iter()
        .filter(|j| !matches!(j, Job::Redirect(..)))
        .map(|j| {
            let who = match j {
                Job::Item(id) => Owner::Page(*id),
                Job::Special(i, _) => Owner::Page(site.specials[*i].page),
                _ => Owner::Generated,
            };
            (j.output_path(site), who)
        })
        .collect();
    let mut diags = Vec::new();
    for job in jobs {
        let Job::Redirect(id, i) = job else { continue };
        let p = &site.pages[*id];
        let alias = &p.doc.meta.aliases[*i];
        let (line, col) = p.doc.meta.positions.alias(*i);
        let err = |code, msg: String, help: &str| {
            Diagnostic::error(code, &p.doc.path, msg)
                .at(line, col)
                .help(help.to_string())
        };
        let path = job.output_path(site);
        match owner.get(&path) {
            _ if *alias == p.url => diags.push(err(
                "ALS003",
                format!("the alias {alias} is this item's own URL"),
                "remove it: an item cannot redirect to itself",
            )),
            Some(Owner::Page(other)) => diags.push(err(
                "ALS002",
                format!(
                    "the alias {alias} is the URL of a live page ({})",
                    site.pages[*other].doc.path.display()
                ),
                "remove the alias, or move or unpublish the page that has this URL",
            )),
            Some(Owner::Alias(other)) => diags.push(err(
                "ALS002",
                format!(
                    "the alias {alias} is also an alias of {}",
                    site.pages[*other].doc.path.display()
                ),
                "keep the alias on one item only",
            )),
            Some(Owner::Generated) => diags.push(err(
                "ALS002",
                format!("the alias {alias} is a page the site generates (the home page, a listing or 404)"),
                "remove the alias",
            )),
            None => {
                owner.insert(path, Owner::Alias(*id));
            }
        }
    }
    diags
}

/// The redirect page at an alias of page `id`: a refresh to its URL, its
/// canonical address, and `noindex`, so search engines move their entry
/// to the new URL and never list the old one.
pub fn redirect_page(site: &Site, id: PageId) -> String {
    let p = &site.pages[id];
    let to = crate::theme::escape_html(&site.config.permalink(&p.url));
    let title = crate::theme::escape_html(&p.doc.meta.title);
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n<title>{title}</title>\n\
         <link rel=\"canonical\" href=\"{to}\">\n<meta name=\"robots\" content=\"noindex\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={to}\">\n</head>\n\
         <body><p>This page has moved to <a href=\"{to}\">{title}</a>.</p></body></html>\n"
    )
}

/// Checks that every template a job names exists; a missing one is an
/// error at the front-matter line that asked for it.
pub fn check_templates(site: &Site, theme: &Theme, jobs: &[Job]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for job in jobs {
        let tpl = job.template(site);
        if matches!(job, Job::Redirect(..)) || theme.has_template(tpl) {
            continue;
        }
        let (path, line, col) = match job {
            Job::Item(id) => {
                let d = &site.pages[*id].doc;
                let (l, c) = d.meta.pos("template");
                (d.path.clone(), l, c)
            }
            Job::Special(i, p) if p.number == 1 => {
                let d = &site.pages[site.specials[*i].page].doc;
                let (l, c) = d.meta.pos("template");
                (d.path.clone(), l, c)
            }
            Job::Special(..) => continue,
            _ => (
                theme
                    .chain
                    .last()
                    .map(|n| format!("themes/{n}"))
                    .unwrap_or_default()
                    .into(),
                0,
                0,
            ),
        };
        let known: Vec<&str> = theme.template_files.keys().map(String::as_str).collect();
        diags.push(
            Diagnostic::error("TPL003", path, format!("template '{tpl}' does not exist in the theme"))
                .at(line, col)
                .help(format!("use one of: {}", known.join(", "))),
        );
    }
    diags
}

/// Renders one job to HTML. `base` is the context holding the site-wide
/// view, built once per build.
pub fn render(site: &Site, theme: &Theme, base: &tera::Context, job: &Job) -> Result<String, Diagnostic> {
    render_in(site, theme, &mut base.clone(), job)
}

/// Renders one job with `ctx`, a copy of the site-wide context that one
/// worker keeps for all the pages it renders: the job's own variables are
/// added for the render and taken off again after it, so the site-wide
/// part is copied once per worker, not once per page (which cost 4 % of a
/// 10,000-joke build's instructions).
pub fn render_in(site: &Site, theme: &Theme, ctx: &mut tera::Context, job: &Job) -> Result<String, Diagnostic> {
    if let Job::Redirect(id, _) = job {
        return Ok(redirect_page(site, *id));
    }
    let mut vars = PageVars { ctx, added: Vec::new() };
    let head = fill(site, job, &mut vars);
    vars.insert("nav", &views::nav(site, &head.canonical));
    vars.insert("head", &head);
    theme.render(job.template(site), vars.ctx, &job.url(site))
}

/// The variables one page adds to the site-wide context. They are removed
/// when this is dropped, whatever happened, so no page sees another's.
struct PageVars<'c> {
    ctx: &'c mut tera::Context,
    added: Vec<&'static str>,
}

impl PageVars<'_> {
    fn insert<T: serde::Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        debug_assert!(!matches!(key, "site" | "cached"), "{key} is site-wide");
        self.ctx.insert(key, value);
        self.added.push(key);
    }
}

impl Drop for PageVars<'_> {
    fn drop(&mut self) {
        for key in &self.added {
            self.ctx.remove(key);
        }
    }
}

fn pager_head(mut head: HeadView, pager: &Pager, base: &str) -> HeadView {
    if pager.number > 1 {
        head.title = format!("Page {} · {}", pager.number, head.title);
        head.prev = Some(crate::site::pager_url(base, pager.number - 1));
    }
    if pager.number < pager.total {
        head.next = Some(crate::site::pager_url(base, pager.number + 1));
    }
    head
}

/// Inserts the job's own variables into `ctx` and returns its `<head>`.
/// Reads the site only through the job's [`JobView`] (and site settings).
fn fill(site: &Site, job: &Job, ctx: &mut PageVars) -> HeadView {
    match job.view(site) {
        JobView::Home {
            jokes,
            bulletins,
            pinned,
        } => {
            let cards =
                |ids: &[PageId], full: bool| -> Vec<_> { ids.iter().map(|&id| views::item(site, id, full)).collect() };
            ctx.insert("latest_jokes", &cards(jokes, true));
            ctx.insert("latest_bulletins", &cards(bulletins, false));
            ctx.insert("pinned", &cards(&pinned, true));
        }
        JobView::Item { id, .. } => ctx.insert("page", &views::page(site, id)),
        JobView::Section { kind, ids, pager } => {
            let section = section_of(kind);
            ctx.insert(
                "paginator",
                &views::paginator(site, ids, pager, section.url, kind == Kind::Joke),
            );
            ctx.insert("section", &section);
        }
        JobView::Term { tax, term, pager } => {
            ctx.insert("taxonomy", &views::taxonomy(tax));
            ctx.insert("term", &views::term(term));
            ctx.insert(
                "paginator",
                &views::paginator(site, &term.pages, pager, &term.url, false),
            );
        }
        JobView::Terms { tax, terms } => {
            let terms: Vec<_> = terms.iter().map(views::term).collect();
            ctx.insert("terms", &terms);
            ctx.insert("taxonomy", &views::taxonomy(tax));
        }
        JobView::Special { special, pager, .. } => {
            let url = &site.pages[special.page].url;
            ctx.insert("paginator", &views::paginator(site, &special.items, pager, url, true));
            ctx.insert("special", &views::special(site, special.page));
        }
        JobView::NotFound => {}
        JobView::Random { .. } => ctx.insert("random", &views::random(site)),
        JobView::Redirect { .. } => {}
    }
    head(site, job)
}

fn section_of(kind: Kind) -> views::SectionView {
    if kind == Kind::Joke {
        views::JOKES
    } else {
        views::BULLETINS
    }
}

/// The `<head>` of a job (title, description, canonical, ...) without
/// rendering it: what the page shows search engines. The build renders
/// it into every page; the audit reads it for the pages that have no
/// content file (home, listings, term pages).
pub fn head(site: &Site, job: &Job) -> HeadView {
    let listing = |title: &str, url: &str, desc: String| views::head_for_listing(site, title, url, desc);
    match job.view(site) {
        JobView::Home { .. } => {
            let mut head = listing(&site.config.title, "/", site.config.description.clone());
            head.feed = Some(views::JOKES.feed.into());
            head
        }
        JobView::Item { id, .. } => views::head_for_page(site, id),
        JobView::Section { kind, pager, .. } => {
            let section = section_of(kind);
            let desc = format!(
                "{} on {}: page {} of {}.",
                section.title, site.config.title, pager.number, pager.total
            );
            let mut head = pager_head(listing(section.title, &pager.url, desc), pager, section.url);
            head.feed = Some(section.feed.into());
            head
        }
        JobView::Term { tax, term, pager } => {
            let seo = term.seo.as_deref();
            let title = match seo.and_then(|s| s.title.clone()) {
                Some(t) => t,
                None => format!("{}: {}", tax.singular(), term.name),
            };
            let desc = match seo.and_then(|s| s.description.clone()) {
                Some(d) => d,
                None => generated_term_description(site, tax, term),
            };
            pager_head(listing(&title, &pager.url, desc), pager, &term.url)
        }
        JobView::Terms { tax, .. } => {
            let tv = views::taxonomy(tax);
            let desc = format!("All {} on {}.", tv.name, site.config.title);
            listing(tv.title, &tv.url, desc)
        }
        JobView::Special { special, pager, .. } => {
            let url = &site.pages[special.page].url;
            let view = views::special(site, special.page);
            let mut head = pager_head(views::head_for_page(site, special.page), pager, url);
            if pager.number > 1 {
                head.canonical = site.config.permalink(&pager.url);
            }
            head.og_type = "website";
            head.feed = Some(view.feed.clone());
            if let Some(img) = view.campaign.hero_image {
                head.og_image.get_or_insert_with(|| site.config.permalink(img));
            }
            head
        }
        JobView::NotFound => {
            let mut head = listing("Page not found", "/404.html", "This page does not exist.".into());
            head.noindex = true;
            head
        }
        JobView::Random { .. } => {
            let mut head = listing("A random joke", views::RANDOM_URL, "A joke picked at random.".into());
            head.noindex = true;
            head
        }
        // Rendered by `redirect_page`, before any variable is set.
        JobView::Redirect { id } => {
            let mut head = views::head_for_page(site, id);
            head.noindex = true;
            head
        }
    }
}

/// The description a term page has when nothing better is written: the
/// same sentence on every term but for its count and name.
pub fn generated_term_description(site: &Site, tax: TaxonomyKind, term: &Term) -> String {
    format!(
        "{} item{} filed under {} “{}” on {}.",
        term.pages.len(),
        if term.pages.len() == 1 { "" } else { "s" },
        tax.singular().to_lowercase(),
        term.name,
        site.config.title
    )
}

#[cfg(test)]
#[path = "jobs_tests.rs"]
mod tests;
