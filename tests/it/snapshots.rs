//! The default theme's main regions, locked by snapshots, and the sitemap
//! checked against the sitemaps.org 0.9 schema's rules.
//!
//! A snapshot is the `<main>` element of a page of a fixed fixture site,
//! stored in tests/snapshots/. After an intended change to the theme, run
//! the tests once with PUNCHLINE_BLESS=1 and review the diff of the files.

use crate::support::{main_region, Site};
use quick_xml::events::Event;
use std::path::PathBuf;

fn fixture() -> Site {
    let s = Site::new();
    s.write(
        "site.yaml",
        "title: Snapshot Jokes\nbase_url: https://jokes.test\npaginate_by: 2\n",
    );
    s.item(
        "jokes/chicken.md",
        "title: Why did the chicken cross the road?\ndate: 2026-11-20\ntags: [animals, classics]\ncategory: puns\nstatus: published\n",
        "To get to the *other* side.\n\nAnd back again.\n",
    )
    .item("jokes/atom.md", "title: Never trust an atom\ndate: 2026-11-18\ntags: [science]\ncategory: puns\nstatus: published\n", "They make up everything.\n")
    .item("jokes/owl.md", "title: The polite owl\ndate: 2026-11-10\ntags: [animals]\ncategory: one-liners\nstatus: published\n", "Who? Whom.\n")
    .item("bulletins/hello.md", "title: Welcome\ndate: 2026-11-01\npinned: true\nauthor: bob\nstatus: published\n", "We open today.\n\n## Plans\n\nMore jokes.\n")
    .item(
        "specials/zoo.md",
        "title: Zoo week\nstatus: published\ncampaign: {starts: 2026-11-01, ends: 2026-12-01}\nhero: {image: /z.svg, alt: Animals, slogan: Wild laughs}\nselect: {tags: [animals]}\n",
        "All the animal jokes.\n",
    );
    s
}

fn check(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{name}.html"));
    if std::env::var_os("PUNCHLINE_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("no snapshot {}; run with PUNCHLINE_BLESS=1", path.display()));
    assert!(expected == actual, "{name} changed; if intended, run with PUNCHLINE_BLESS=1 and review.\n--- expected\n{expected}\n--- actual\n{actual}");
}

#[test]
fn main_regions_of_the_default_theme() {
    let s = fixture();
    s.build(&[]).ok();
    for (name, page) in [
        ("home", "index.html"),
        ("joke", "jokes/chicken/index.html"),
        ("bulletin", "bulletins/hello/index.html"),
        ("jokes-page-2", "jokes/page/2/index.html"),
        ("tag", "tags/animals/index.html"),
        ("tags", "tags/index.html"),
        ("special", "specials/zoo/index.html"),
        ("not-found", "404.html"),
    ] {
        check(name, main_region(&s.out(page)));
    }
}

/// Reads a sitemap and checks it against the sitemaps.org 0.9 schema: the
/// root and namespace, only the allowed elements in order, one absolute
/// `loc` under 2,048 characters, and W3C date-times in `lastmod`.
fn assert_valid_sitemap(xml: &str, root: &str, item: &str) -> usize {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut path: Vec<String> = Vec::new();
    let mut items = 0;
    let mut seen_in_item: Vec<String> = Vec::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) => {
                let name = AsRef::<str>::as_ref(&e.name()).to_string();
                match path.len() {
                    0 => {
                        assert_eq!(name, root);
                        let ns = e
                            .attributes()
                            .flatten()
                            .find(|a| AsRef::<str>::as_ref(&a.key) == "xmlns")
                            .expect("xmlns");
                        assert_eq!(ns.value, "http://www.sitemaps.org/schemas/sitemap/0.9");
                    }
                    1 => {
                        assert_eq!(name, item);
                        items += 1;
                        seen_in_item.clear();
                    }
                    2 => {
                        let allowed: &[&str] = if item == "url" {
                            &["loc", "lastmod", "changefreq", "priority"]
                        } else {
                            &["loc", "lastmod"]
                        };
                        assert!(allowed.contains(&name.as_str()), "<{name}> is not allowed in <{item}>");
                        assert!(!seen_in_item.contains(&name), "<{name}> twice in one <{item}>");
                        seen_in_item.push(name.clone());
                    }
                    _ => panic!("<{name}> nested too deep"),
                }
                path.push(name);
            }
            Event::Text(t) => {
                let text = t.xml10_content().into_owned();
                match path.last().map(String::as_str) {
                    Some("loc") => {
                        assert!(text.starts_with("https://") || text.starts_with("http://"), "{text}");
                        assert!(text.len() < 2048 && !text.contains(' '), "{text}");
                    }
                    Some("lastmod") => {
                        let ok = text.len() == 25
                            && text.as_bytes()[10] == b'T'
                            && (text.ends_with("+00:00") || text.ends_with('Z'));
                        assert!(ok, "lastmod {text} is not a W3C date-time");
                    }
                    _ => {}
                }
            }
            Event::End(_) => {
                if path.len() == 2 {
                    assert_eq!(
                        seen_in_item.first().map(String::as_str),
                        Some("loc"),
                        "<loc> must come first"
                    );
                }
                path.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    items
}

#[test]
fn the_sitemap_follows_the_schema() {
    let s = fixture();
    s.build(&[]).ok();
    let urls = assert_valid_sitemap(&s.out("sitemap.xml"), "urlset", "url");
    // home, 3 jokes, 1 bulletin, the special, 2 section lists, 2 term indexes, 3 tags, 2 categories
    assert_eq!(urls, 15, "{}", s.out("sitemap.xml"));
}

#[test]
fn a_sitemap_index_follows_the_schema() {
    // The index itself is only written past 50,000 URLs; its format is
    // checked on the library's output for 50,001 entries.
    let cfg = punchline::config::SiteConfig::default();
    let when = punchline::clock::When::parse("2026-01-01").unwrap();
    let entries: Vec<punchline::output::sitemap::Entry> = (0..50_001)
        .map(|i| punchline::output::sitemap::Entry {
            loc: format!("https://jokes.test/jokes/j{i}/"),
            lastmod: when,
            alternates: Vec::new(),
        })
        .collect();
    let files = punchline::output::sitemap::files(&cfg, &entries);
    let index = files.iter().find(|(n, _)| n == "sitemap.xml").unwrap();
    assert_eq!(
        assert_valid_sitemap(std::str::from_utf8(&index.1).unwrap(), "sitemapindex", "sitemap"),
        2
    );
    let first = files.iter().find(|(n, _)| n == "sitemap-1.xml").unwrap();
    assert_eq!(
        assert_valid_sitemap(std::str::from_utf8(&first.1).unwrap(), "urlset", "url"),
        50_000
    );
}
