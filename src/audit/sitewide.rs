//! Site rules: what a page shares with the rest of the site. Duplicate
//! titles and descriptions, keyword cannibalization, orphans, noindex pages
//! the site links to, canonicals and links that lead nowhere, sitemap URL
//! lengths, and the menu in site.yaml.
//!
//! Input: a page being checked (see `page`) and the site-wide maps of
//! [`SiteIndex`], built once before the pages are checked in parallel.
//! Output: findings at the page's lines (or site.yaml's). Each rule reads
//! the maps, never scans other pages, so a page costs the same on a site of
//! ten pages or ten thousand.

use super::index::{Href, SiteIndex, Target};
use super::page::{engine_name, template_of, Checker};
use super::report::FindingSink;
use crate::output::sitemap::encode_path;
use crate::site::{PageId, Site, Visibility};

impl Checker<'_, '_, '_> {
    /// AUD201 / AUD202 / AUD117: what the page shares with other pages
    /// (content pages and listings alike).
    pub(super) fn duplicates(&mut self) {
        let ix = self.ctx.index;
        let title_key = self.text.title.trim().to_lowercase();
        let items = ix.titles.get(&title_key).map_or(&[][..], Vec::as_slice);
        let listed = ix.listing_titles.get(&title_key).map_or(&[][..], Vec::as_slice);
        if items.len() + listed.len() > 1 {
            let msg = format!(
                "the SEO title \"{}\" is also used by {}",
                self.text.title,
                self.others(items, listed)
            );
            self.add(
                "AUD201",
                self.at.seo_field("title"),
                msg,
                "give every page its own seo.title",
            );
        }
        if let Some(d) = self.page.doc.meta.seo.description.as_deref() {
            let key = d.trim().to_lowercase();
            let items = ix.descriptions.get(&key).map_or(&[][..], Vec::as_slice);
            let listed = ix.listing_descriptions.get(&key).map_or(&[][..], Vec::as_slice);
            if items.len() + listed.len() > 1 {
                let msg = format!("the meta description is also used by {}", self.others(items, listed));
                self.add(
                    "AUD202",
                    self.at.seo_field("description"),
                    msg,
                    "give every page its own seo.description",
                );
            }
        }
        if let Some(kw) = &self.text.focus {
            if let Some(others) = ix.focus_groups.get(kw.norm.as_str()).filter(|v| v.len() > 1) {
                let msg = format!(
                    "focus keyword '{}' is also the focus of {}: the pages compete in search results",
                    self.page
                        .doc
                        .meta
                        .seo
                        .focus_keyword
                        .as_deref()
                        .unwrap_or_default()
                        .trim(),
                    self.others(others, &[])
                );
                let help = "give each page its own focus keyword, or merge the pages";
                self.add("AUD117", self.at.seo_field("focus_keyword"), msg, help);
            }
        }
    }

    /// "content/jokes/b.md (/jokes/b/)" and listings' URLs, up to three,
    /// then "and N more".
    fn others(&self, ids: &[PageId], listed: &[usize]) -> String {
        super::listings::others(
            self.ctx.site,
            self.ctx.index,
            ids,
            listed,
            super::listings::Me::Item(self.id),
        )
    }

    /// AUD205, AUD206: internal links that lead nowhere.
    pub(super) fn broken_links(&mut self) {
        let ix = self.ctx.index;
        for link in &self.page.rendered.links {
            let Href::Internal { path, frag } = ix.resolve(&self.page.url, &link.url) else {
                continue;
            };
            if link.url == "#" {
                continue; // a broken @/ link: the build reports it (LNK001)
            }
            match ix.target(&path) {
                Target::Missing => {
                    let msg = format!("broken link '{}': nothing is published at {path}", link.url);
                    let help = "link with @/section/file.md so the build checks it, or fix the path";
                    self.add("AUD205", (link.line, 0), msg, help);
                }
                Target::Page(t) if !frag.is_empty() => self.anchor(t, &frag, link.line, &link.url),
                _ => {}
            }
        }
    }

    /// AUD206: `#frag` must be a heading id of the target, or an id its template outputs.
    fn anchor(&mut self, target: PageId, frag: &str, line: usize, url: &str) {
        let t = &self.ctx.site.pages[target];
        let in_text = t.rendered.toc.iter().any(|h| h.id == frag);
        let tpl = template_of(t);
        let in_template = self.ctx.templates.get(tpl).is_some_and(|f| f.ids.contains(frag));
        if !in_text && !in_template {
            let ids: Vec<&str> = t.rendered.toc.iter().map(|h| h.id.as_str()).take(8).collect();
            let msg = format!("broken anchor '{url}': {} has no heading with id '{frag}'", t.url);
            let help = if ids.is_empty() {
                "the target page has no headings to link to; drop the #part".to_string()
            } else {
                format!("its heading ids are: {}", ids.join(", "))
            };
            self.add("AUD206", (line, 0), msg, help);
        }
    }

    /// AUD114, AUD118, AUD203, AUD204, AUD207: how the site links to the page.
    pub(super) fn site_links(&mut self) {
        let ix = self.ctx.index;
        let id = self.id;
        let p = self.page;
        if ix.inbound[id] == 0 {
            self.add(
                "AUD114",
                self.at.key("title"),
                "no other page's text links here".into(),
                "link to it from a related page with [text](@/...)",
            );
            if !ix.linked_by_site[id] {
                self.add(
                    "AUD118",
                    self.at.key("title"),
                    "orphan page: no menu, listing or other page links here, so visitors and crawlers cannot find it"
                        .into(),
                    "add it to the menu in site.yaml or link to it from another page",
                );
            }
        }
        let live = p.visibility == Visibility::Live;
        if live && p.noindex() {
            let mut places = Vec::new();
            if ix.in_sitemap[id] {
                places.push("the sitemap".to_string());
            }
            if let Some(line) = ix.menu_line[id] {
                places.push(format!("the menu (site.yaml line {line})"));
            }
            if ix.headline[id] {
                places.push("the headline ticker on every page".to_string());
            }
            if !places.is_empty() {
                let msg = format!("noindex page is linked from {}", places.join(" and "));
                let help = "remove noindex, or take the page out of the menu and the headlines";
                self.add("AUD203", self.at.seo_field("noindex"), msg, help);
            }
        }
        self.canonical();
        if live && ix.in_sitemap[id] {
            let loc = self.ctx.site.config.permalink(&encode_path(&p.url));
            for engine in &self.ctx.cfg.engines {
                if loc.len() > engine.max_loc() {
                    let msg = format!(
                        "sitemap <loc> is {} bytes, over {}'s {}: {loc}",
                        loc.len(),
                        engine_name(*engine),
                        engine.max_loc()
                    );
                    self.add("AUD207", self.at.key("slug"), msg, "use a shorter slug");
                }
            }
        }
    }

    /// AUD204: a canonical URL on this site must point at a page that exists.
    fn canonical(&mut self) {
        let Some(canonical) = self.page.doc.meta.seo.canonical.as_deref() else {
            return;
        };
        let ix = self.ctx.index;
        if let Href::Internal { path, .. } = ix.resolve(&self.page.url, canonical) {
            if ix.target(&path) == Target::Missing {
                let msg = format!("canonical '{canonical}' points at {path}, where nothing is published");
                let help = "point seo.canonical at a published page, or remove it";
                self.add("AUD204", self.at.seo_field("canonical"), msg, help);
            }
        }
    }
}

/// AUD205 for menu entries in site.yaml that lead nowhere.
pub fn menu_links(site: &Site, index: &SiteIndex, sink: &mut FindingSink) {
    let lines = super::index::menu_lines(site);
    for (i, item) in site.config.menu.iter().enumerate() {
        if let Href::Internal { path, .. } = index.resolve("/", &item.url) {
            if index.target(&path) == Target::Missing {
                let line = lines.get(i).copied().unwrap_or(0);
                let msg = format!(
                    "menu entry '{}' links to {}, where nothing is published",
                    item.name, item.url
                );
                sink.add(
                    "AUD205",
                    &site.config.path,
                    (line, 0),
                    None,
                    msg,
                    "fix the url in site.yaml's menu",
                );
            }
        }
    }
}
