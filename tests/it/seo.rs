//! Structured data (schema.org JSON-LD) in built pages, the audit's and
//! `theme check`'s checks of it, and `check --external` against local HTTP
//! servers started by the tests.

mod links;

use crate::support::{Site, NOW};
use serde_json::Value;

/// The JSON-LD graph of a built page (the only ld+json script in it).
fn graph(s: &Site, rel: &str) -> Vec<Value> {
    let html = s.out(rel);
    let open = "<script type=\"application/ld+json\">";
    assert_eq!(html.matches(open).count(), 1, "{rel}: one JSON-LD script");
    let start = html.find(open).unwrap() + open.len();
    let text = &html[start..start + html[start..].find("</script>").unwrap()];
    let v: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{rel}: {e}\n{text}"));
    assert_eq!(v["@context"], "https://schema.org");
    v["@graph"].as_array().unwrap().clone()
}

/// The node of `kind` in `graph`.
fn node<'g>(graph: &'g [Value], kind: &str) -> &'g Value {
    graph
        .iter()
        .find(|n| n["@type"] == kind)
        .unwrap_or_else(|| panic!("no {kind} in {graph:?}"))
}

/// The names of a page's breadcrumb, in order.
fn crumbs(graph: &[Value]) -> Vec<String> {
    node(graph, "BreadcrumbList")["itemListElement"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, c)| {
            assert_eq!(c["position"], i + 1);
            assert!(c["item"].as_str().unwrap().starts_with("https://jokes.test/"));
            c["name"].as_str().unwrap().to_string()
        })
        .collect()
}

fn kinds_site() -> Site {
    let s = Site::new();
    s.write(
        "site.yaml",
        "title: Test Jokes\nbase_url: https://jokes.test\npaginate_by: 2\nlogo: /img/logo.png\n",
    );
    s.item(
        "jokes/goose.md",
        "status: published\ntags: [birds]\n",
        "Why did the goose cross the road?\n",
    );
    s.item(
        "bulletins/news.md",
        "title: Big news\nstatus: published\nseo:\n  image: /img/news.png\n",
        "We have news.\n",
    );
    s.item("pages/about.md", "title: About us\nstatus: published\n", "About.\n");
    s
}

#[test]
fn every_page_kind_carries_json_ld_with_its_required_properties() {
    let s = kinds_site();
    s.build(&[]).ok();
    let home = graph(&s, "index.html");
    let site = node(&home, "WebSite");
    assert_eq!(site["name"], "Test Jokes");
    assert_eq!(
        site["potentialAction"]["target"]["urlTemplate"],
        "https://jokes.test/?q={search_term_string}"
    );
    assert_eq!(
        site["potentialAction"]["query-input"],
        "required name=search_term_string"
    );
    assert_eq!(node(&home, "Organization")["logo"], "https://jokes.test/img/logo.png");
    assert!(
        home.iter().all(|n| n["@type"] != "BreadcrumbList"),
        "none on the home page"
    );

    let joke = graph(&s, "jokes/goose/index.html");
    let work = node(&joke, "CreativeWork");
    assert_eq!(work["headline"], "Title of jokes/goose.md");
    assert_eq!(work["author"]["name"], "Alice Chen");
    assert_eq!(work["datePublished"], "2026-11-01T00:00:00Z");
    assert_eq!(crumbs(&joke), ["Home", "Jokes", "Title of jokes/goose.md"]);

    let news = graph(&s, "bulletins/news/index.html");
    let article = node(&news, "NewsArticle");
    assert_eq!(article["headline"], "Big news");
    assert_eq!(article["image"], "https://jokes.test/img/news.png");
    assert!(article["dateModified"].is_string() && article["author"]["name"].is_string());
    assert_eq!(crumbs(&news), ["Home", "Bulletins", "Big news"]);

    let about = graph(&s, "about/index.html");
    assert_eq!(node(&about, "WebPage")["name"], "About us");

    let listing = graph(&s, "jokes/index.html");
    assert_eq!(node(&listing, "CollectionPage")["url"], "https://jokes.test/jokes/");
    assert_eq!(crumbs(&listing), ["Home", "Jokes"]);
    let term = graph(&s, "tags/birds/index.html");
    assert_eq!(crumbs(&term), ["Home", "Tags", "Tag: birds"]);
    node(&term, "CollectionPage");

    // The audit finds nothing to say about this structured data.
    let run = s.run(&["audit", "--now", NOW]);
    assert!(
        !run.stdout.contains("AUD119") && !run.stdout.contains("AUD211"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_title_cannot_close_the_script_element() {
    let s = Site::new();
    let title = "Why </script><script>alert(1)</script> <!-- & \u{2028} \"quotes\"";
    s.item(
        "jokes/evil.md",
        &format!("title: '{}'\nstatus: published\n", title.replace('\'', "''")),
        "Body.\n",
    );
    s.build(&[]).ok();
    let html = s.out("jokes/evil/index.html");
    let head = &html[..html.find("</head>").unwrap()];
    assert!(
        !head.contains("<script>alert"),
        "no script element comes out of the title"
    );
    let g = graph(&s, "jokes/evil/index.html");
    assert_eq!(
        node(&g, "CreativeWork")["headline"],
        title,
        "the JSON still means the title"
    );
}

#[test]
fn audit_reports_a_missing_property_at_the_line_that_supplies_it() {
    let s = Site::new();
    s.item(
        "bulletins/plain.md",
        "status: published\nseo:\n  description: A bulletin without an image for the search result card.\n",
        "News.\n",
    );
    let run = s.run(&["audit", "--now", NOW]);
    assert!(
        run.stdout
            .contains("content/bulletins/plain.md:6:1: warning[AUD119]: structured data (NewsArticle) lacks 'image'"),
        "{}",
        run.stdout
    );
    s.write(
        "content/bulletins/plain.md",
        "---\ntitle: T\ndate: 2026-11-01\nauthor: alice\nstatus: published\nseo:\n  image: /a.png\n---\nNews.\n",
    );
    let run = s.run(&["audit", "--now", NOW]);
    assert!(!run.stdout.contains("AUD119"), "{}", run.stdout);
}

#[test]
fn a_theme_without_json_ld_is_reported_by_theme_check_and_audit() {
    let s = Site::new();
    s.write(
        "site.yaml",
        "title: Test Jokes\nbase_url: https://jokes.test\ntheme: bare\n",
    );
    s.write("themes/bare/theme.yaml", "extends: default\n");
    s.write(
        "themes/bare/templates/partials/head.html",
        "<meta charset=\"utf-8\">\n<title>{{ head.title }}</title>\n\
         <meta name=\"description\" content=\"{{ head.description }}\">\n\
         <link rel=\"canonical\" href=\"{{ head.canonical }}\">\n",
    );
    s.joke("plain", "");
    let run = s.run(&["theme", "check", "--now", NOW]);
    assert!(
        run.stderr
            .contains("themes/bare/templates/partials/head.html:1: warning[TPL005]: templates 'index.html', ")
            && run.stderr.contains("output no JSON-LD structured data"),
        "{}",
        run.stderr
    );
    let run = s.run(&["audit", "--now", NOW]);
    assert_eq!(run.code, 1, "a theme error fails the audit");
    assert!(
        run.stdout
            .contains("themes/bare/templates/partials/head.html:1: error[AUD211]: templates"),
        "{}",
        run.stdout
    );
}
