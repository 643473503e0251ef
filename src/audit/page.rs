//! Page rules: the Yoast-style checks of one page (focus keyword, title,
//! description, headings, images, links counted, text length). The checks
//! that need other pages are in `sitewide`, run in the same pass.
//!
//! Input: one page of the immutable site, its analyzed text, the shared
//! [`SiteIndex`] and the template facts. Output: the page's facts for the
//! report and its findings, each at the file line to edit: front matter
//! keys at their own line (`seo:`, `title:`, `slug:`), links and images at
//! theirs, text-wide findings at the body's first line. Pure and per page,
//! so pages are checked in parallel. Pages search engines are asked not to
//! index (noindex, preview) get the technical checks only.

use super::config::{num, AuditConfig, Engine};
use super::index::{ranks, Href, PageText, SiteIndex, Target};
use super::report::{path_text, round, FindingSink, Place};
use super::templates::TemplateFacts;
use super::text::{normalize, one_sentence_has_all, Phrase};
use super::width;
use crate::site::{Page, PageId, Site};
use std::borrow::Cow;
use std::collections::HashMap;

/// What the rules of one page share.
pub struct Ctx<'a> {
    /// The site.
    pub site: &'a Site,
    /// Settings.
    pub cfg: &'a AuditConfig,
    /// Site-wide maps.
    pub index: &'a SiteIndex<'a>,
    /// Every page's text.
    pub texts: &'a [PageText],
    /// Per template: what it adds around the body.
    pub templates: &'a HashMap<String, TemplateFacts>,
}

/// The measured facts of one page.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// Focus keyword occurrences.
    pub keyword_count: usize,
    /// Density in percent, when there is a keyword.
    pub density: Option<f64>,
    /// `<title>` width in pixels.
    pub title_width: f64,
    /// Rendered `<h1>` count.
    pub h1: usize,
    /// Images without alt text.
    pub images_without_alt: usize,
    /// Links to other pages of the site.
    pub internal_links: usize,
    /// Links to other websites.
    pub outbound_links: usize,
}

/// A place in the page's file.
pub(super) struct At<'p> {
    page: &'p Page,
}

impl At<'_> {
    /// Where front-matter key `key` is, else the title.
    pub(super) fn key(&self, key: &str) -> (usize, usize) {
        let m = &self.page.doc.meta;
        if m.positions.contains_key(key) {
            m.pos(key)
        } else {
            m.pos("title")
        }
    }

    /// Where the SEO block is, else the title.
    pub(super) fn seo(&self) -> (usize, usize) {
        self.key("seo")
    }

    /// Where `seo.FIELD` is, else the SEO block, else the title.
    pub(super) fn seo_field(&self, field: &str) -> (usize, usize) {
        let m = &self.page.doc.meta;
        m.positions.get(&format!("seo.{field}")).unwrap_or_else(|| self.seo())
    }

    /// The body's first line.
    pub(super) fn body(&self) -> (usize, usize) {
        (self.page.doc.body_line, 0)
    }
}

/// Checks page `id`. Findings go to `sink`.
pub fn check(ctx: &Ctx, id: PageId, sink: &mut FindingSink) -> Facts {
    let page = &ctx.site.pages[id];
    let text = &ctx.texts[id];
    let mut facts = Facts {
        title_width: width::title_width(&text.title),
        ..Facts::default()
    };
    let mut c = Checker {
        ctx,
        id,
        page,
        text,
        at: At { page },
        place: Place {
            path: path_text(&page.doc.path).into(),
            url: Some(page.url.as_str().into()),
        },
        sink,
    };
    if ranks(ctx.site, id) {
        c.keyword(&mut facts);
        c.title_and_description(&mut facts);
        c.duplicates();
    }
    c.headings(&mut facts);
    c.images(&mut facts);
    c.link_counts(&mut facts);
    c.text_length();
    c.broken_links();
    c.site_links();
    facts
}

/// One page being checked; the site rules (`sitewide`) add methods.
pub(super) struct Checker<'a, 'c, 's> {
    pub(super) ctx: &'a Ctx<'a>,
    pub(super) id: PageId,
    pub(super) page: &'a Page,
    pub(super) text: &'a PageText,
    pub(super) at: At<'a>,
    /// The page's file and URL, shared by its findings.
    place: Place,
    sink: &'s mut FindingSink<'c>,
}

impl Checker<'_, '_, '_> {
    /// A finding about this page at `pos`.
    pub(super) fn add(
        &mut self,
        code: &'static str,
        pos: (usize, usize),
        message: String,
        help: impl Into<Cow<'static, str>>,
    ) {
        self.sink.add_at(code, &self.place, pos, message, help);
    }

    /// AUD101 to AUD107: the focus keyword.
    fn keyword(&mut self, facts: &mut Facts) {
        let seo = &self.page.doc.meta.seo;
        let Some(kw) = &self.text.focus else {
            self.add(
                "AUD101",
                self.at.seo(),
                "no focus keyword: the page is not optimized for any search".into(),
                "add 'focus_keyword: ...' under seo:, the phrase this page should rank for",
            );
            return;
        };
        let shown = seo.focus_keyword.as_deref().unwrap_or_default().trim().to_string();
        let title = normalize(&self.text.title);
        if !kw.starts(&title) {
            let where_ = if kw.is_in(&title) {
                "is not at the start of"
            } else {
                "is not in"
            };
            let msg = format!("focus keyword '{shown}' {where_} the SEO title \"{}\"", self.text.title);
            self.add(
                "AUD102",
                self.at.seo_field("title"),
                msg,
                "begin seo.title with the focus keyword",
            );
        }
        self.first_paragraph(kw, &shown);
        if let Some(desc) = seo.description.as_deref() {
            if !kw.is_in(&normalize(desc)) {
                let msg = format!("focus keyword '{shown}' is not in the meta description");
                self.add(
                    "AUD104",
                    self.at.seo_field("description"),
                    msg,
                    "use the focus keyword once in seo.description",
                );
            }
        }
        let slug = normalize(&self.page.doc.slug.replace(['-', '_'], " "));
        if !kw.is_in(&slug) {
            let msg = format!("focus keyword '{shown}' is not in the slug '{}'", self.page.doc.slug);
            let help = "set 'slug:' to a short form of the focus keyword (changing a live URL needs a redirect)";
            self.add("AUD105", self.at.key("slug"), msg, help);
        }
        let subheadings: Vec<&str> = self
            .page
            .rendered
            .toc
            .iter()
            .filter(|h| h.level >= 2)
            .map(|h| h.title.as_str())
            .collect();
        if !subheadings.is_empty() && !subheadings.iter().any(|h| kw.is_in(&normalize(h))) {
            let msg = format!(
                "focus keyword '{shown}' is in none of the {} subheadings",
                subheadings.len()
            );
            self.add(
                "AUD106",
                self.at.body(),
                msg,
                "use the focus keyword in one '##' subheading",
            );
        }
        self.density(kw, &shown, facts);
    }

    /// AUD103: all words of the keyword in one sentence of the first paragraph.
    fn first_paragraph(&mut self, kw: &Phrase, shown: &str) {
        let headings: Vec<&str> = self.page.rendered.toc.iter().map(|h| h.title.as_str()).collect();
        let first = self
            .page
            .rendered
            .plain_text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !headings.contains(l));
        let ok = first.is_some_and(|p| one_sentence_has_all(&normalize(p), &kw.words()));
        if !ok {
            let msg = format!("the first paragraph has no sentence with all words of '{shown}'");
            let help = "say what the page is about in its first sentence, using the focus keyword";
            self.add("AUD103", self.at.body(), msg, help);
        }
    }

    /// AUD107: occurrences per 100 words, counting a phrase as one.
    fn density(&mut self, kw: &Phrase, shown: &str, facts: &mut Facts) {
        let count = kw.count(&self.text.norm);
        let words = self.text.words;
        let density = if words == 0 {
            0.0
        } else {
            count as f64 * 100.0 / words as f64
        };
        facts.keyword_count = count;
        facts.density = Some(round(density, 2));
        let range = self.ctx.cfg.keyword_density;
        if !range.contains(round(density, 2)) {
            let msg = format!(
                "focus keyword '{shown}' density is {}% ({count} in {words} words), want {}",
                num(round(density, 2)),
                range.describe_in("%")
            );
            let help = if range.min.is_some_and(|m| density < m) {
                "use the focus keyword (or the phrase) a little more often in the text"
            } else {
                "use the focus keyword less often; write naturally, with synonyms"
            };
            self.add("AUD107", self.at.seo_field("focus_keyword"), msg, help);
        }
    }

    /// AUD108 to AUD110: `<title>` width and description length per engine.
    fn title_and_description(&mut self, facts: &mut Facts) {
        let cfg = self.ctx.cfg;
        if facts.title_width > cfg.title_width {
            let msg = format!(
                "the SEO title \"{}\" is {} px wide, over {} px: search results cut it off",
                self.text.title,
                num(facts.title_width),
                num(cfg.title_width)
            );
            self.add(
                "AUD108",
                self.at.seo_field("title"),
                msg,
                "shorten seo.title (a Chinese character is about twice a letter)",
            );
        }
        let Some(desc) = self.page.doc.meta.seo.description.as_deref().map(str::trim) else {
            self.add(
                "AUD110",
                self.at.seo(),
                "no meta description: search engines will pick a snippet themselves".into(),
                "add 'description: ...' under seo:, a sentence or two that makes searchers click",
            );
            return;
        };
        for engine in &cfg.engines {
            let (len, bounds, unit) = match engine {
                Engine::Google => (width::char_length(desc), cfg.description_length, "characters"),
                Engine::Baidu => (
                    width::half_width_length(desc),
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
                self.add(
                    "AUD109",
                    self.at.seo_field("description"),
                    msg,
                    "rewrite seo.description to fit",
                );
            }
        }
    }

    /// AUD111: exactly one `<h1>`: the template's plus the text's `#` headings.
    fn headings(&mut self, facts: &mut Facts) {
        let job_template = template_of(self.page);
        let from_template = self.ctx.templates.get(job_template).map_or(1, |t| t.h1);
        let from_text = self.page.rendered.toc.iter().filter(|h| h.level == 1).count();
        facts.h1 = from_template + from_text;
        // A template without exactly one h1 is reported once, against the template.
        if from_template == 1 && from_text > 0 {
            let msg = format!(
                "the page has {} <h1> headings: the title, and {from_text} '#' heading{} in the text",
                facts.h1,
                if from_text == 1 { "" } else { "s" }
            );
            let help = "use '##' for headings in the text; the template already shows the title as the <h1>";
            self.add("AUD111", self.at.body(), msg, help);
        }
    }

    /// AUD112: images without alt text.
    fn images(&mut self, facts: &mut Facts) {
        for img in &self.page.rendered.images {
            if img.alt.trim().is_empty() {
                facts.images_without_alt += 1;
                let msg = format!("image '{}' has no alt text", img.src);
                self.add("AUD112", (img.line, 0), msg, "write ![what the image shows](...)");
            }
        }
    }

    /// AUD113 and AUD115: links in and out of the text, counted.
    fn link_counts(&mut self, facts: &mut Facts) {
        let ix = self.ctx.index;
        for link in &self.page.rendered.links {
            match ix.resolve(&self.page.url, &link.url) {
                Href::External => facts.outbound_links += 1,
                Href::Other => {}
                Href::Internal { path, .. } => match ix.target(&path) {
                    Target::Page(t) if t != self.id => facts.internal_links += 1,
                    Target::Known if path != self.page.url => facts.internal_links += 1,
                    _ => {}
                },
            }
        }
        if facts.internal_links == 0 {
            self.add(
                "AUD113",
                self.at.body(),
                "the text links to no other page of the site".into(),
                "link a related page with [text](@/jokes/other.md)",
            );
        }
        // A joke has no sources to cite: the outbound check is for the other kinds.
        if facts.outbound_links == 0 && self.page.doc.kind != crate::content::Kind::Joke {
            self.add(
                "AUD115",
                self.at.body(),
                "the text links to no other website".into(),
                "cite a source or a related site where it helps readers",
            );
        }
    }

    /// AUD116: words of text for the page's kind.
    fn text_length(&mut self) {
        let kind = self.page.doc.kind;
        let bounds = self.ctx.cfg.text_length_of(kind);
        let words = self.text.words;
        if !bounds.contains(words as f64) {
            let msg = format!(
                "the {} has {words} words of text; a {} wants {}",
                kind.noun(),
                kind.noun(),
                bounds.describe()
            );
            let help = if bounds.min.is_some_and(|m| (words as f64) < m) {
                "add text: searchers and search engines need something to read"
            } else {
                "tighten it: a joke lands best short"
            };
            self.add("AUD116", self.at.body(), msg, help);
        }
    }
}

/// The template page `p` renders with.
pub fn template_of(p: &Page) -> &str {
    p.doc.meta.template.as_deref().unwrap_or(match p.doc.kind {
        crate::content::Kind::Joke => "joke.html",
        crate::content::Kind::Bulletin => "bulletin.html",
        crate::content::Kind::Page => "page.html",
        crate::content::Kind::Special => "special.html",
    })
}

/// The engine's name as people write it.
pub fn engine_name(e: Engine) -> &'static str {
    match e {
        Engine::Google => "Google",
        Engine::Baidu => "Baidu",
    }
}
