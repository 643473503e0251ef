use super::*;
use crate::content::parse_document;
use crate::workflow::roles::Roles;
use std::path::Path;
use std::sync::Arc;

fn roles() -> Roles {
    Roles::parse(
        "members:\n  a: {email: a@x, roles: [copywriter]}\n",
        Path::new("roles.yaml"),
        &mut Vec::new(),
    )
}

fn doc(path: &str, fm: &str) -> Document {
    let date = if fm.contains("date:") { "" } else { "date: 2026-01-01\n" };
    let text = format!("---\ntitle: T {path}\n{date}author: a\n{fm}---\nbody\n");
    let (d, diags) = parse_document(Path::new(path), &text, &roles());
    assert!(diags.is_empty(), "{diags:?}");
    d.unwrap()
}

fn now() -> Timestamp {
    "2026-11-25T12:00:00Z".parse().unwrap()
}

#[test]
fn what_goes_live() {
    let cases = [
        ("status: published\n", false, Visibility::Live),
        ("status: draft\n", true, Visibility::Hidden),
        ("status: review\n", false, Visibility::Hidden),
        ("status: review\n", true, Visibility::Preview),
        ("status: approved\n", true, Visibility::Preview),
        ("status: archived\n", true, Visibility::Hidden),
        (
            "status: published\npublish_at: 2026-12-01T09:00:00Z\n",
            false,
            Visibility::Hidden,
        ),
        (
            "status: published\npublish_at: 2026-12-01T09:00:00Z\n",
            true,
            Visibility::Preview,
        ),
        (
            "status: published\npublish_at: 2026-11-25T11:59:59Z\n",
            false,
            Visibility::Live,
        ),
        (
            "status: published\nexpires: 2026-11-25T12:00:00Z\n",
            true,
            Visibility::Hidden,
        ),
        ("status: published\nexpires: 2026-11-26\n", false, Visibility::Live),
    ];
    for (fm, preview, want) in cases {
        let d = doc("content/jokes/x.md", fm);
        assert_eq!(routes::visibility(&d, now(), preview), want, "{fm} preview={preview}");
    }
}

#[test]
fn campaign_window_decides_a_special() {
    let sel = "status: published\nselect: {tags: [x]}\n";
    let before = doc(
        "content/specials/s.md",
        &format!("{sel}campaign: {{starts: 2026-12-01, ends: 2027-01-01}}\n"),
    );
    let during = doc(
        "content/specials/s.md",
        &format!("{sel}campaign: {{starts: 2026-11-01, ends: 2026-12-01}}\n"),
    );
    let after = doc(
        "content/specials/s.md",
        &format!("{sel}campaign: {{starts: 2026-10-01, ends: 2026-11-25T12:00:00Z}}\n"),
    );
    assert_eq!(routes::visibility(&before, now(), false), Visibility::Hidden);
    assert_eq!(routes::visibility(&before, now(), true), Visibility::Preview);
    assert_eq!(routes::visibility(&during, now(), false), Visibility::Live);
    assert_eq!(routes::visibility(&after, now(), true), Visibility::Hidden);
}

#[test]
fn pagination() {
    let p = paginate("/jokes/", 45, 20);
    assert_eq!(p.len(), 3);
    assert_eq!(p[0].url, "/jokes/");
    assert_eq!(p[2].url, "/jokes/page/3/");
    assert_eq!(p[2].items, 40..45);
    let empty = paginate("/tags/x/", 0, 20);
    assert_eq!(empty.len(), 1);
    assert_eq!(empty[0].items, 0..0);
}

#[test]
fn duplicate_and_reserved_urls() {
    let docs = vec![
        doc("content/jokes/a.md", "status: published\nslug: same\n"),
        doc("content/jokes/b.md", "status: published\nslug: same\n"),
        doc("content/pages/tags.md", "status: published\n"),
    ];
    let (_, d) = Routes::new(&docs, now(), false);
    let text: Vec<String> = d.iter().map(|d| d.to_string()).collect();
    assert_eq!(d.len(), 2, "{text:?}");
    assert!(
        text[0].starts_with(
            "content/jokes/b.md:6:1: error[URL001]: duplicate URL /jokes/same/: content/jokes/a.md has it too"
        ),
        "{text:?}"
    );
    assert!(text[1].contains("URL002"), "{text:?}");
}

fn page(d: Document) -> Arc<Page> {
    let url = routes::url_of(d.kind, &d.slug);
    let lastmod = d.meta.date;
    Arc::new(Page::new(
        d,
        Rendered::default(),
        url,
        Visibility::Live,
        lastmod,
        "A".into(),
    ))
}

#[test]
fn sections_taxonomies_specials_and_headlines() {
    let pages = vec![
        page(
            doc(
                "content/jokes/old.md",
                "status: published\ndate: 2025-01-01\ntags: [Dad Jokes, cats]\ncategory: puns\n",
            )
            .clone(),
        ),
        page(doc(
            "content/jokes/new.md",
            "status: published\ntags: [dad-jokes]\ncategory: puns\n",
        )),
        page(doc("content/bulletins/b1.md", "status: published\n")),
        page(doc(
            "content/bulletins/b2.md",
            "status: published\npinned: true\ndate: 2020-01-01\n",
        )),
        page(doc(
            "content/specials/s.md",
            "status: published\nselect: {tags: [cats, dad-jokes], match: all}\n",
        )),
        page(doc(
            "content/specials/empty.md",
            "status: published\nselect: {tags: [nothing]}\n",
        )),
    ];
    let (site, d) = Site::new(SiteConfig::default(), now(), false, pages, Default::default());
    let id = |url: &str| site.page_by_url(url).unwrap();
    let (old, new) = (id("/jokes/old/"), id("/jokes/new/"));
    assert_eq!(site.jokes, vec![new, old], "newest first");
    assert_eq!(site.older[new], Some(old));
    assert_eq!(site.newer[old], Some(new));
    let tag = site.tags.term("dad-jokes").unwrap();
    assert_eq!(tag.name, "dad-jokes", "the newest page's spelling names the term");
    assert_eq!(tag.pages, vec![new, old]);
    assert_eq!(tag.url, "/tags/dad-jokes/");
    assert_eq!(site.categories.term("puns").unwrap().pages.len(), 2);
    assert_eq!(
        site.headlines,
        vec![id("/bulletins/b2/"), id("/bulletins/b1/")],
        "pinned first"
    );
    let s = site
        .specials
        .iter()
        .find(|s| site.pages[s.page].url == "/specials/s/")
        .unwrap();
    assert_eq!(s.items, vec![old], "match all");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code, "SPC001");
    assert_eq!(d[0].path, Path::new("content/specials/empty.md"));
}

#[test]
fn related_jokes_share_tags_and_category_and_neighbours_stay_in_the_category() {
    let joke = |path: &str, fm: &str| page(doc(path, &format!("status: published\n{fm}")));
    let pages = vec![
        joke(
            "content/jokes/a.md",
            "date: 2026-01-05\ntags: [cats, dogs]\ncategory: puns\n",
        ),
        joke(
            "content/jokes/b.md",
            "date: 2026-01-04\ntags: [cats, dogs]\ncategory: office\n",
        ),
        joke("content/jokes/c.md", "date: 2026-01-03\ntags: [cats]\ncategory: puns\n"),
        joke("content/jokes/d.md", "date: 2026-01-02\ntags: [dogs]\n"),
        joke("content/jokes/e.md", "date: 2026-01-01\ncategory: puns\n"),
        joke(
            "content/jokes/f.md",
            "date: 2026-01-06\ntags: [space]\ncategory: science\n",
        ),
        page(doc(
            "content/bulletins/x.md",
            "status: published\ntags: [cats, dogs]\ncategory: puns\n",
        )),
    ];
    let (site, _) = Site::new(SiteConfig::default(), now(), false, pages, Default::default());
    let id = |slug: &str| site.page_by_url(&format!("/jokes/{slug}/")).unwrap();
    let names = |ids: &[PageId]| -> Vec<String> { ids.iter().map(|&i| site.pages[i].url.clone()).collect() };
    // b shares two tags (4); c a tag and the category (3); d a tag (2); e the category (1).
    assert_eq!(
        names(&site.related[id("a")]),
        ["/jokes/b/", "/jokes/c/", "/jokes/d/", "/jokes/e/"],
        "ranked by shared tags, then category; the bulletin is not a related joke"
    );
    assert!(site.related[id("f")].is_empty(), "nothing in common, nothing related");
    assert_eq!(site.category_newer[id("c")], Some(id("a")));
    assert_eq!(site.category_older[id("c")], Some(id("e")));
    assert_eq!(site.category_newer[id("a")], None, "the bulletin in puns is skipped");
    assert_eq!(site.category_older[id("b")], None);
    let mut random = site.random.clone();
    random.sort_unstable();
    let mut all = site.jokes.clone();
    all.sort_unstable();
    assert_eq!(random, all, "a small site's random list holds every joke");
}

#[test]
fn the_random_list_is_capped_and_changes_by_day() {
    let jokes: Vec<PageId> = (0..500).collect();
    let today = related::random_list(&jokes, 20_000);
    assert_eq!(today.len(), related::RANDOM_LIST);
    assert_eq!(today, related::random_list(&jokes, 20_000), "the same all day");
    assert_ne!(today, related::random_list(&jokes, 20_001), "another list tomorrow");
    let mut unique = today.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), today.len(), "no joke twice");
}
