//! search-index.json: what the default theme's client-side search reads.
//!
//! Input: `&Site`. Output: a JSON array of the shown jokes, bulletins and
//! pages (never drafts: only pages in the site model are listed, and a live
//! build's model holds only live pages). Each entry is serialized on its
//! own, so the dev server can reuse the entries of unchanged pages.

use crate::site::{PageId, Site};
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

/// The pages listed, in index order: jokes, bulletins, pages (newest
/// first within each), without noindex ones.
pub fn listed(site: &Site) -> impl Iterator<Item = PageId> + '_ {
    site.jokes
        .iter()
        .chain(&site.bulletins)
        .chain(&site.plain_pages)
        .copied()
        .filter(|&id| !site.pages[id].doc.meta.seo.noindex)
}

/// One page's entry as JSON.
pub fn entry(site: &Site, id: PageId) -> String {
    let p = &site.pages[id];
    let e = Entry {
        title: &p.doc.meta.title,
        url: &p.url,
        kind: p.doc.kind.noun(),
        date: p.doc.meta.date.ymd(),
        tags: &p.doc.meta.tags,
        category: p.doc.meta.category.as_deref(),
        summary: excerpt(&p.rendered.plain_text, 160),
    };
    serde_json::to_string(&e).expect("plain data always serializes")
}

/// Joins entries into the index document.
pub fn assemble<'a>(entries: impl Iterator<Item = &'a str>) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 << 16);
    out.push(b'[');
    for (i, e) in entries.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(e.as_bytes());
    }
    out.push(b']');
    out
}

/// The whole index.
pub fn index(site: &Site) -> Vec<u8> {
    let entries: Vec<String> = listed(site).map(|id| entry(site, id)).collect();
    assemble(entries.iter().map(String::as_str))
}
