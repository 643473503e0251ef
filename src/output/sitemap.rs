//! sitemap.xml (split into an index past 50,000 URLs or 50 MB) and robots.txt.
//!
//! Input: `&Site` and the planned jobs. Output: sitemap files and robots.txt.
//! Only live, indexable pages are listed. `lastmod` is true: a content
//! page's own last change, a listing's newest item's; never the build time.

use crate::clock::When;
use crate::diagnostic::Diagnostic;
use crate::output::jobs::Job;
use crate::site::{PageId, Site, Visibility};
use sitemap_rs::sitemap::Sitemap;
use sitemap_rs::sitemap_index::SitemapIndex;
use sitemap_rs::url::{Link, Url};
use sitemap_rs::url_set::UrlSet;

/// The sitemaps.org limits for one file.
pub const MAX_URLS: usize = 50_000;
/// 50 MiB, uncompressed.
pub const MAX_BYTES: usize = 50 * 1024 * 1024;
/// Baidu ignores longer `<loc>`s.
pub const MAX_LOC: usize = 256;

/// One sitemap entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Absolute, percent-encoded URL.
    pub loc: String,
    /// Last change.
    pub lastmod: When,
    /// `xhtml:link rel="alternate"`: (hreflang, absolute URL) of every
    /// listed translation, itself and `x-default` (empty without any).
    pub alternates: Vec<(String, String)>,
}

/// Percent-encodes what may not appear raw in a URL path (non-ASCII,
/// spaces, `%`...): the public URL of a site path, as the sitemap, the audit
/// and deploy's changed-URL list all write it. Paths are raw (file and slug
/// names), never already encoded, so `%` itself is encoded too.
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The sitemap entries for the planned jobs, in job order. Warns about
/// `<loc>`s longer than Baidu's limit.
pub fn entries(site: &Site, jobs: &[Job], diags: &mut Vec<Diagnostic>) -> Vec<Entry> {
    let newest = |ids: &[PageId]| ids.iter().map(|&i| site.pages[i].lastmod).max();
    let all: Vec<PageId> = (0..site.pages.len()).collect();
    let mut out = Vec::new();
    for job in jobs {
        let lastmod = match job {
            Job::Home => newest(&all),
            Job::Item(id) => {
                let p = &site.pages[*id];
                if p.visibility != Visibility::Live
                    || p.noindex()
                    || p.doc
                        .meta
                        .seo
                        .canonical
                        .as_deref()
                        .is_some_and(|c| c != site.config.permalink(&p.url))
                {
                    continue;
                }
                Some(p.lastmod)
            }
            Job::Section(kind, pager) if pager.number == 1 => newest(if *kind == crate::content::Kind::Joke {
                &site.jokes
            } else {
                &site.bulletins
            }),
            Job::Term(tax, i, pager) if pager.number == 1 => newest(&site.taxonomy(*tax).terms[*i].pages),
            Job::Terms(tax) => site.taxonomy(*tax).terms.iter().filter_map(|t| newest(&t.pages)).max(),
            Job::Special(i, pager) if pager.number == 1 => {
                let sp = &site.specials[*i];
                let p = &site.pages[sp.page];
                if p.visibility != Visibility::Live || p.noindex() {
                    continue;
                }
                newest(&sp.items).max(Some(p.lastmod))
            }
            _ => continue,
        };
        let Some(lastmod) = lastmod else { continue };
        let loc = xml_safe(site.config.permalink(&encode_path(&job.url(site))));
        if loc.len() > MAX_LOC {
            let message = format!("sitemap <loc> is {} bytes, over Baidu's {MAX_LOC}: {loc}", loc.len());
            diags.push(match job {
                // An item's URL comes from its slug, or from its title when
                // it has none: point at the line that makes it.
                Job::Item(id) => {
                    let meta = &site.pages[*id].doc.meta;
                    let key = if meta.positions.contains_key("slug") {
                        "slug"
                    } else {
                        "title"
                    };
                    let (line, col) = meta.pos(key);
                    Diagnostic::warning("SMP001", site.pages[*id].doc.path.clone(), message)
                        .at(line, col)
                        .help("give the item a shorter 'slug:'")
                }
                _ => Diagnostic::warning("SMP001", site.config.path.clone(), message)
                    .help("shorten the tag, category or section name in this URL"),
            });
        }
        let alternates = match job {
            Job::Item(id) => alternates(site, *id),
            Job::Special(i, pager) if pager.number == 1 => alternates(site, site.specials[*i].page),
            _ => Vec::new(),
        };
        out.push(Entry {
            loc,
            lastmod,
            alternates,
        });
    }
    out
}

/// The sitemap alternates of page `id`: its translations the sitemap
/// lists too (live, indexable), itself, and `x-default`; none when fewer
/// than two versions are listed.
fn alternates(site: &Site, id: PageId) -> Vec<(String, String)> {
    let listed = |t: PageId| {
        let p = &site.pages[t];
        p.visibility == Visibility::Live && !p.noindex()
    };
    let (links, _) = crate::theme::views::translations_of(site, id);
    let keep: Vec<&crate::theme::views::AlternateView> = links
        .iter()
        .filter(|a| {
            site.translations[id]
                .iter()
                .any(|&t| listed(t) && site.config.permalink(&site.pages[t].url) == a.href)
        })
        .collect();
    if keep.iter().filter(|a| a.hreflang != "x-default").count() < 2 {
        return Vec::new();
    }
    keep.into_iter()
        .map(|a| (a.hreflang.clone(), xml_safe(encode_absolute(&a.href, site))))
        .collect()
}

/// The percent-encoded form of an absolute URL of this site.
fn encode_absolute(href: &str, site: &Site) -> String {
    match href.strip_prefix(site.config.base_url.as_str()) {
        Some(path) => site.config.permalink(&encode_path(path)),
        None => href.to_string(),
    }
}

/// `url` without the characters XML 1.0 forbids: paths are percent-encoded
/// already, but `base_url` is written as site.yaml gives it, and a sitemap
/// that is not well-formed is thrown away whole by search engines.
fn xml_safe(mut url: String) -> String {
    url.retain(|c| !crate::markdown::is_forbidden_char(c));
    url
}

fn zoned(w: When) -> sitemap_rs::jiff::Zoned {
    w.ts.to_zoned(sitemap_rs::jiff::tz::TimeZone::UTC)
}

fn urlset(entries: &[Entry]) -> Vec<u8> {
    let urls = entries
        .iter()
        .map(|e| {
            Url::builder(e.loc.clone())
                .links(
                    e.alternates
                        .iter()
                        .map(|(lang, href)| Link::new(lang.clone(), href.clone())),
                )
                .last_modified(zoned(e.lastmod))
                .build()
                .expect("a loc and a date are always a valid url entry")
        })
        .collect();
    let set = UrlSet::new(urls).expect("chunks hold at most MAX_URLS");
    let mut buf = Vec::with_capacity(entries.len() * 120 + 200);
    set.write(&mut buf).expect("writing to memory cannot fail");
    if entries.iter().any(|e| !e.alternates.is_empty()) {
        buf = links_last(&buf);
    }
    buf
}

/// Moves each `<url>`'s `xhtml:link`s after its `lastmod`: the sitemap
/// schema allows elements of other namespaces only at the end of a
/// `<url>`, and sitemap-rs writes them right after `<loc>`. Its output has
/// one element per line, so this is a reordering of lines within each
/// `<url>`.
fn links_last(xml: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(xml);
    let mut out = String::with_capacity(text.len());
    let mut links: Vec<&str> = Vec::new();
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with("<xhtml:link ") {
            links.push(line);
            continue;
        }
        if t.starts_with("</url>") {
            out.extend(links.drain(..));
        }
        out.push_str(line);
    }
    out.extend(links.drain(..));
    out.into_bytes()
}

/// Writes the sitemap: one `sitemap.xml`, or, past the limits, an index at
/// `sitemap.xml` over `sitemap-1.xml`, `sitemap-2.xml`, ... Returns
/// (output path, bytes) pairs.
pub fn files(config: &crate::config::SiteConfig, entries: &[Entry]) -> Vec<(String, Vec<u8>)> {
    let mut chunks: Vec<Vec<u8>> = Vec::new();
    let mut ranges: Vec<&[Entry]> = entries.chunks(MAX_URLS).collect();
    if ranges.is_empty() {
        ranges.push(&[]);
    }
    // A stack, so reversed: chunks come off in order, halves too.
    ranges.reverse();
    let mut kept: Vec<&[Entry]> = Vec::new();
    while let Some(r) = ranges.pop() {
        let xml = urlset(r);
        if xml.len() > MAX_BYTES && r.len() > 1 {
            let (a, b) = r.split_at(r.len() / 2);
            ranges.push(b);
            ranges.push(a);
            continue;
        }
        chunks.push(xml);
        kept.push(r);
    }
    if chunks.len() == 1 {
        return vec![("sitemap.xml".into(), chunks.pop().expect("one chunk"))];
    }
    let mut out = Vec::new();
    let mut index = Vec::new();
    for (i, (xml, r)) in chunks.into_iter().zip(kept).enumerate() {
        let name = format!("sitemap-{}.xml", i + 1);
        let last = r.iter().map(|e| e.lastmod).max().map(zoned);
        index.push(Sitemap::new(xml_safe(config.permalink(&format!("/{name}"))), last));
        out.push((name, xml));
    }
    let mut buf = Vec::new();
    SitemapIndex::new(index)
        .expect("an index of at most 50,000 sitemaps")
        .write(&mut buf)
        .expect("writing to memory cannot fail");
    out.push(("sitemap.xml".into(), buf));
    out
}

/// robots.txt: everything allowed and the sitemap named; a preview build
/// asks robots to stay out entirely.
pub fn robots(site: &Site) -> String {
    if site.preview {
        return "User-agent: *\nDisallow: /\n".into();
    }
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        site.config.permalink("/sitemap.xml")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(n: usize) -> Vec<Entry> {
        let when = When::parse("2026-01-01").unwrap();
        (0..n)
            .map(|i| Entry {
                loc: format!("https://example.com/jokes/j{i}/"),
                lastmod: when,
                alternates: Vec::new(),
            })
            .collect()
    }

    #[test]
    fn one_file_up_to_the_limit() {
        let cfg = crate::config::SiteConfig::default();
        let files = files(&cfg, &entries(3));
        assert_eq!(files.len(), 1);
        let xml = String::from_utf8(files[0].1.clone()).unwrap();
        assert!(xml.contains("http://www.sitemaps.org/schemas/sitemap/0.9"));
        assert_eq!(xml.matches("<url>").count(), 3);
        assert!(xml.contains("<lastmod>2026-01-01T00:00:00+00:00</lastmod>"), "{xml}");
    }

    #[test]
    fn splits_into_an_index_past_50000_urls() {
        let cfg = crate::config::SiteConfig::default();
        let files = files(&cfg, &entries(MAX_URLS + 1));
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, vec!["sitemap-1.xml", "sitemap-2.xml", "sitemap.xml"]);
        let first = String::from_utf8(files[0].1.clone()).unwrap();
        assert_eq!(first.matches("<url>").count(), MAX_URLS);
        assert!(first.contains("/jokes/j0/"), "chunks keep their order");
        let index = String::from_utf8(files[2].1.clone()).unwrap();
        assert!(index.contains("<sitemapindex"), "{index}");
        assert!(
            index.contains("<loc>http://localhost:1111/sitemap-2.xml</loc>"),
            "{index}"
        );
    }

    #[test]
    fn a_base_url_with_control_characters_still_gives_well_formed_xml() {
        let cfg = crate::config::SiteConfig {
            base_url: "https://ex\u{1}ample.com\u{fffe}".into(),
            ..crate::config::SiteConfig::default()
        };
        let mut e = entries(MAX_URLS + 1);
        e[0].loc = xml_safe(cfg.permalink("/a/"));
        let files = files(&cfg, &e);
        for (name, xml) in files {
            let xml = String::from_utf8(xml).unwrap();
            assert!(!xml.chars().any(crate::markdown::is_forbidden_char), "{name}");
        }
    }

    #[test]
    fn encodes_non_ascii_and_spaces() {
        assert_eq!(encode_path("/jokes/a b/"), "/jokes/a%20b/");
        assert_eq!(encode_path("/tags/数学/"), "/tags/%E6%95%B0%E5%AD%A6/");
        assert_eq!(encode_path("/jokes/plain-slug/"), "/jokes/plain-slug/");
        assert_eq!(encode_path("/images/100%.png"), "/images/100%25.png");
    }
}
