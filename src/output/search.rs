//! search-index.json: what the default theme's client-side search reads.
//!
//! Input: `&Site`. Output: a JSON array of the shown jokes, bulletins and
//! pages (never drafts: only pages in the site model are listed, and a live
//! build's model holds only live pages).

use crate::site::Site;
use crate::theme::views::excerpt;
use serde::Serialize;

#[derive(Serialize)]
struct Entry<'a> {
    title: &'a str,
    url: &'a str,
    kind: &'static str,
    date: String,
    tags: &'a [String],
    category: Option<&'a str>,
    summary: String,
}

/// The index as JSON bytes, newest first within each kind.
pub fn index(site: &Site) -> Vec<u8> {
    let ids = site.jokes.iter().chain(&site.bulletins).chain(&site.plain_pages);
    let entries: Vec<Entry> = ids
        .filter(|&&id| !site.pages[id].doc.meta.seo.noindex)
        .map(|&id| {
            let p = &site.pages[id];
            Entry {
                title: &p.doc.meta.title,
                url: &p.url,
                kind: p.doc.kind.noun(),
                date: p.doc.meta.date.ymd(),
                tags: &p.doc.meta.tags,
                category: p.doc.meta.category.as_deref(),
                summary: excerpt(&p.rendered.plain_text, 160),
            }
        })
        .collect();
    serde_json::to_vec(&entries).expect("plain data always serializes")
}
