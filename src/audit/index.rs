//! Site-wide maps the rules share, computed once per audit.
//!
//! Input: the immutable `&Site`, the site root and the analyzed text of every
//! page. Output: [`SiteIndex`]: page by URL, every other path the build
//! writes, inbound links per page, what the menu, listings, headlines and
//! sitemap link to, and pages grouped by focus keyword, title and
//! description. Built in parallel where it is per page; read without locks
//! by the page rules afterwards.

use super::listings::{self, Listing};
use super::text::{self, Phrase};
use crate::content::Kind;
use crate::output::{jobs, sitemap};
use crate::site::{PageId, Site, Visibility};
use crate::theme::{views, Theme};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// One page's text, analyzed once.
#[derive(Debug, Clone)]
pub struct PageText {
    /// The body's normalized text (see `text`).
    pub norm: String,
    /// How many words it has (Chinese counted in jieba's words).
    pub words: usize,
    /// Each term (see `terms`) once, as a byte range into `norm`, with its count.
    pub terms: Vec<(u32, u32, u32)>,
    /// The focus keyword, if the page declares a usable one.
    pub focus: Option<Phrase>,
    /// `<title>` exactly as the page renders it.
    pub title: String,
}

impl PageText {
    /// Analyzes page `id`.
    pub fn new(site: &Site, id: PageId) -> PageText {
        let p = &site.pages[id];
        let norm = text::normalize(&p.rendered.plain_text);
        let (words, terms) = count_terms(&norm);
        let focus = p.doc.meta.seo.focus_keyword.as_deref().and_then(Phrase::new);
        let title = views::head_for_page(site, id).title;
        PageText {
            norm,
            words,
            terms,
            focus,
            title,
        }
    }

    /// The terms with their counts.
    pub fn term_counts(&self) -> impl Iterator<Item = (&str, u32)> {
        self.terms
            .iter()
            .map(|&(s, e, c)| (&self.norm[s as usize..e as usize], c))
    }
}

/// Counts the words of normalized text, and each term's uses.
pub fn count_terms(norm: &str) -> (usize, Vec<(u32, u32, u32)>) {
    let mut words = 0;
    let mut table = WordTable::new(norm.len() / 8);
    text::for_each_word(norm, |s, e| {
        words += 1;
        table.add(norm, s, e);
    });
    // Kept for the whole audit, one list per page: room for every word
    // once, then trimmed, where a growing list would leave up to half of it
    // unused.
    let mut terms = Vec::with_capacity(table.seen.len());
    terms.extend(
        table
            .seen
            .iter()
            .filter(|w| text::is_term_hashed(&norm[w.start as usize..w.end as usize], w.hash))
            .map(|w| (w.start, w.end, w.count)),
    );
    terms.shrink_to_fit();
    (words, terms)
}

/// A distinct word of a page: where it first occurs, and how often.
struct Seen {
    hash: u64,
    start: u32,
    end: u32,
    count: u32,
}

/// An open-addressing table from word to its entry in `seen`: the hot loop
/// of the text analysis, run for every word of the site, so it avoids what a
/// general map spends (hashing the key twice, a library call per compare).
/// Equal hashes are still compared as text, so two words never merge.
struct WordTable {
    /// 0 = empty, else 1 + index into `seen`.
    slots: Vec<u32>,
    /// 64 - log2(slots.len()): slots are picked by the hash's high bits.
    shift: u32,
    seen: Vec<Seen>,
}

impl WordTable {
    fn new(expected: usize) -> Self {
        let size = (expected * 2).next_power_of_two().max(64);
        WordTable {
            slots: vec![0; size],
            shift: 64 - size.trailing_zeros(),
            seen: Vec::with_capacity(expected.max(16)),
        }
    }

    fn add(&mut self, norm: &str, start: usize, end: usize) {
        let word = &norm.as_bytes()[start..end];
        let hash = text::fast_hash(word);
        let mask = self.slots.len() - 1;
        let mut i = (hash >> self.shift) as usize;
        loop {
            match self.slots[i] {
                0 => break,
                slot => {
                    let w = &mut self.seen[slot as usize - 1];
                    if w.hash == hash && same(&norm.as_bytes()[w.start as usize..w.end as usize], word) {
                        w.count += 1;
                        return;
                    }
                }
            }
            i = (i + 1) & mask;
        }
        self.seen.push(Seen {
            hash,
            start: start as u32,
            end: end as u32,
            count: 1,
        });
        self.slots[i] = self.seen.len() as u32;
        if self.seen.len() * 2 > self.slots.len() {
            self.grow();
        }
    }

    fn grow(&mut self) {
        let size = self.slots.len() * 2;
        self.slots = vec![0; size];
        self.shift = 64 - size.trailing_zeros();
        let mask = size - 1;
        for (n, w) in self.seen.iter().enumerate() {
            let mut i = (w.hash >> self.shift) as usize;
            while self.slots[i] != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = n as u32 + 1;
        }
    }
}

/// Byte-wise equality, inlined (words are short; a library call costs more).
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// Where a link goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Href {
    /// Another website.
    External,
    /// mailto:, tel: and other schemes.
    Other,
    /// This site: a path (percent-decoded, no query) and a fragment.
    Internal {
        /// Site path, e.g. `/jokes/x/`.
        path: String,
        /// The part after `#` (empty when none).
        frag: String,
    },
}

/// What an internal path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A content page.
    Page(PageId),
    /// Something else the build writes (a listing, a feed, a static file).
    Known,
    /// Nothing.
    Missing,
}

/// The shared maps.
pub struct SiteIndex<'a> {
    /// `base_url` without a trailing slash.
    pub base_url: &'a str,
    /// Content page by site path.
    pub by_url: HashMap<&'a str, PageId>,
    /// Every other site path the build writes.
    pub known: HashSet<String>,
    /// Per page: links to it from other pages' text.
    pub inbound: Vec<u32>,
    /// Per page: whether the menu, a listing, the home page or the
    /// headline ticker links to it.
    pub linked_by_site: Vec<bool>,
    /// Per page: the site.yaml line of a menu entry linking to it.
    pub menu_line: Vec<Option<usize>>,
    /// Per page: shown in the headline ticker on every page.
    pub headline: Vec<bool>,
    /// Per page: listed in the sitemap.
    pub in_sitemap: Vec<bool>,
    /// Pages that rank (see [`ranks`]) by normalized focus keyword.
    pub focus_groups: HashMap<&'a str, Vec<PageId>>,
    /// Pages that rank by lowercase `<title>`.
    pub titles: HashMap<String, Vec<PageId>>,
    /// Pages that rank by lowercase meta description (given ones only).
    pub descriptions: HashMap<String, Vec<PageId>>,
    /// The generated pages of the sitemap (home, listings, terms).
    pub listings: Vec<Listing>,
    /// Listings (indexes into `listings`) by lowercase `<title>`.
    pub listing_titles: HashMap<String, Vec<usize>>,
    /// Listings by lowercase meta description.
    pub listing_descriptions: HashMap<String, Vec<usize>>,
}

/// Whether a page's SEO matters: a live page not marked noindex, and in a
/// preview build also the pages shown only there (they go live soon; their
/// noindex is the preview's, not the author's choice).
pub fn ranks(site: &Site, id: PageId) -> bool {
    let p = &site.pages[id];
    match p.visibility {
        Visibility::Live => !p.noindex(),
        Visibility::Preview => !p.doc.meta.seo.noindex,
        Visibility::Hidden => false,
    }
}

impl<'a> SiteIndex<'a> {
    /// Builds every map. `texts` is indexed like `site.pages`.
    pub fn new(site: &'a Site, theme: &Theme, root: &Path, texts: &'a [PageText]) -> SiteIndex<'a> {
        let n = site.pages.len();
        let by_url = site
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.url.as_str(), i))
            .collect();
        let mut index = SiteIndex {
            base_url: &site.config.base_url,
            by_url,
            known: HashSet::new(),
            inbound: vec![0; n],
            linked_by_site: vec![false; n],
            menu_line: vec![None; n],
            headline: vec![false; n],
            in_sitemap: vec![false; n],
            focus_groups: HashMap::new(),
            titles: HashMap::new(),
            descriptions: HashMap::new(),
            listings: Vec::new(),
            listing_titles: HashMap::new(),
            listing_descriptions: HashMap::new(),
        };
        let planned = jobs::plan(site, theme);
        index.known = known_paths(site, theme, root, &planned);
        index.count_inbound(site);
        index.mark_site_links(site);
        let mut ignored = Vec::new();
        let locs: HashSet<String> = sitemap::entries(site, &planned, &mut ignored)
            .into_iter()
            .map(|e| e.loc)
            .collect();
        for (i, p) in site.pages.iter().enumerate() {
            index.in_sitemap[i] = locs.contains(&site.config.permalink(&sitemap::encode_path(&p.url)));
        }
        index.listings = listings::collect(site, &planned, &locs);
        (index.listing_titles, index.listing_descriptions) = listings::groups(&index.listings);
        for (i, t) in texts.iter().enumerate() {
            if !ranks(site, i) {
                continue;
            }
            if let Some(f) = &t.focus {
                index.focus_groups.entry(f.norm.as_str()).or_default().push(i);
            }
            index.titles.entry(t.title.trim().to_lowercase()).or_default().push(i);
            if let Some(d) = site.pages[i].doc.meta.seo.description.as_deref() {
                let d = d.trim().to_lowercase();
                if !d.is_empty() {
                    index.descriptions.entry(d).or_default().push(i);
                }
            }
        }
        index
    }

    /// Counts links from each page's text to other pages, in parallel.
    fn count_inbound(&mut self, site: &Site) {
        let targets: Vec<Vec<PageId>> = (0..site.pages.len())
            .into_par_iter()
            .map(|id| {
                let p = &site.pages[id];
                let mut out: Vec<PageId> = p
                    .rendered
                    .links
                    .iter()
                    .filter_map(|l| match self.resolve(&p.url, &l.url) {
                        Href::Internal { path, .. } => match self.target(&path) {
                            Target::Page(t) if t != id => Some(t),
                            _ => None,
                        },
                        _ => None,
                    })
                    .collect();
                out.sort_unstable();
                out.dedup();
                out
            })
            .collect();
        for t in targets.into_iter().flatten() {
            self.inbound[t] += 1;
        }
    }

    /// Marks pages the site itself links to: listings, menu, headlines.
    fn mark_site_links(&mut self, site: &Site) {
        for (i, p) in site.pages.iter().enumerate() {
            // Jokes and bulletins are on their section's listing; specials
            // are on the home page.
            self.linked_by_site[i] = p.doc.kind != Kind::Page;
        }
        for &h in &site.headlines {
            self.headline[h] = true;
        }
        let lines = menu_lines(site);
        for (item, line) in site.config.menu.iter().zip(lines) {
            if let Href::Internal { path, .. } = self.resolve("/", &item.url) {
                if let Target::Page(id) = self.target(&path) {
                    self.menu_line[id] = Some(line);
                    self.linked_by_site[id] = true;
                }
            }
        }
    }

    /// Classifies a link found on the page at `from` (a site path).
    pub fn resolve(&self, from: &str, href: &str) -> Href {
        let href = href.trim();
        let rest = if let Some(r) = href.strip_prefix(self.base_url) {
            if r.is_empty() || r.starts_with(['/', '?', '#']) {
                if r.is_empty() {
                    "/"
                } else {
                    r
                }
            } else {
                return Href::External;
            }
        } else if href.starts_with("//") {
            return Href::External;
        } else if let Some(colon) = href.find(':') {
            let scheme = &href[..colon];
            if !scheme.contains(['/', '?', '#']) {
                return if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") {
                    Href::External
                } else {
                    Href::Other
                };
            }
            href
        } else {
            href
        };
        let (before, frag) = rest.split_once('#').unwrap_or((rest, ""));
        let before = before.split('?').next().unwrap_or("");
        let path = if before.is_empty() {
            from.to_string()
        } else if before.starts_with('/') {
            before.to_string()
        } else {
            join(from, before)
        };
        Href::Internal {
            path: percent_decode(&path),
            frag: percent_decode(frag),
        }
    }

    /// What a site path (from [`SiteIndex::resolve`]) points at. `/x` and
    /// `/x/index.html` find `/x/`, as a web server would serve them.
    pub fn target(&self, path: &str) -> Target {
        let found = |p: &str| match self.by_url.get(p) {
            Some(&id) => Some(Target::Page(id)),
            None => self.known.contains(p).then_some(Target::Known),
        };
        if let Some(t) = found(path) {
            return t;
        }
        let alternative = match path.strip_suffix("index.html") {
            Some(dir) => dir.to_string(),
            None if !path.ends_with('/') => format!("{path}/"),
            None => return Target::Missing,
        };
        found(&alternative).unwrap_or(Target::Missing)
    }
}

/// The site.yaml line of each menu entry (in order).
pub fn menu_lines(site: &Site) -> Vec<usize> {
    match site.config.raw.get("menu").map(|m| &m.value) {
        Some(crate::yaml::Value::Seq(items)) => items.iter().map(|n| n.line).collect(),
        _ => vec![0; site.config.menu.len()],
    }
}

/// Every site path the build writes except content pages.
fn known_paths(site: &Site, theme: &Theme, root: &Path, planned: &[jobs::Job]) -> HashSet<String> {
    let mut known: HashSet<String> = planned
        .iter()
        .filter(|j| !matches!(j, jobs::Job::Item(_)))
        .map(|j| j.url(site))
        .collect();
    known.insert("/jokes/atom.xml".into());
    known.insert("/bulletins/atom.xml".into());
    for sp in &site.specials {
        known.insert(format!("{}atom.xml", site.pages[sp.page].url));
    }
    for f in theme.statics.values() {
        known.insert(format!("/{}", f.output));
    }
    for f in ["/sitemap.xml", "/robots.txt"] {
        known.insert(f.into());
    }
    if site.config.search {
        known.insert("/search-index.json".into());
    }
    let dir = root.join("static");
    for entry in walkdir::WalkDir::new(&dir).into_iter().flatten() {
        if entry.file_type().is_file() {
            if let Ok(rel) = entry.path().strip_prefix(&dir) {
                known.insert(format!("/{}", rel.to_string_lossy().replace('\\', "/")));
            }
        }
    }
    known
}

/// Resolves a relative path against the folder of `from`.
fn join(from: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').filter(|s| !s.is_empty()).collect();
    if !from.ends_with('/') {
        parts.pop();
    }
    let trailing = rel.ends_with('/');
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut out = format!("/{}", parts.join("/"));
    if trailing && out != "/" {
        out.push('/');
    }
    out
}

/// Decodes `%XX` escapes (invalid ones are kept as they are).
pub fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_words_and_terms_like_a_plain_count() {
        let norm = text::normalize("The cat and the dog. The CAT sat; 猫和狗，猫！ Über über cats.");
        let (words, terms) = count_terms(&norm);
        let list = text::word_list(&norm);
        assert_eq!(words, list.len());
        for (s, e, n) in &terms {
            let w = &norm[*s as usize..*e as usize];
            assert_eq!(*n as usize, list.iter().filter(|x| **x == w).count(), "{w}");
            assert!(text::is_term(w), "{w}");
        }
        let mut names: Vec<&str> = terms.iter().map(|(s, e, _)| &norm[*s as usize..*e as usize]).collect();
        names.sort_unstable();
        assert_eq!(names, vec!["cat", "cats", "dog", "sat", "über"]);
        // Many distinct words: the table grows and loses nothing.
        let long: String = (0..3000).map(|i| format!("word{} w{} ", i % 700, i % 3)).collect();
        let norm = text::normalize(&long);
        let (words, terms) = count_terms(&norm);
        assert_eq!(words, 6000);
        assert_eq!(terms.len(), 700 + 3);
        let total: u32 = terms.iter().map(|t| t.2).sum();
        assert_eq!(total, 6000);
        let w0 = terms
            .iter()
            .find(|t| &norm[t.0 as usize..t.1 as usize] == "w0")
            .unwrap();
        assert_eq!(w0.2, 1000);
    }

    #[test]
    fn joins_relative_paths() {
        assert_eq!(join("/jokes/x/", "y/"), "/jokes/x/y/");
        assert_eq!(join("/jokes/x/", "../y/"), "/jokes/y/");
        assert_eq!(join("/about/", "../../"), "/");
    }

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(percent_decode("/tags/%E6%95%B0%E5%AD%A6/"), "/tags/数学/");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }
}
