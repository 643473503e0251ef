//! `punchline build` on fixture sites.

use crate::support::{main_region, Site};

fn live_and_hidden() -> Site {
    let s = Site::new();
    s.joke("live", "tags: [cats]\ncategory: puns\n")
        .item(
            "jokes/draft.md",
            "status: draft\ntags: [cats]\n",
            "Secret draft text.\n",
        )
        .item(
            "jokes/inreview.md",
            "status: review\ntags: [cats]\n",
            "In review text.\n",
        )
        .item(
            "jokes/scheduled.md",
            "status: published\npublish_at: 2026-12-24T08:00:00Z\n",
            "Scheduled text.\n",
        )
        .item(
            "bulletins/old.md",
            "status: published\nexpires: 2026-10-01\n",
            "Expired news.\n",
        )
        .item("bulletins/news.md", "status: published\n", "Fresh news.\n");
    s
}

#[test]
fn only_live_items_reach_pages_sitemap_feeds_and_search() {
    let s = live_and_hidden();
    s.build(&[]).ok();
    assert!(s.has("jokes/live/index.html"));
    assert!(s.has("bulletins/news/index.html"));
    for hidden in ["jokes/draft", "jokes/inreview", "jokes/scheduled", "bulletins/old"] {
        assert!(!s.has(&format!("{hidden}/index.html")), "{hidden} leaked");
    }
    let everything: String = s
        .outputs()
        .iter()
        .filter(|p| p.ends_with(".html") || p.ends_with(".xml") || p.ends_with(".json"))
        .map(|p| s.out(p))
        .collect();
    for secret in [
        "Secret draft text",
        "In review text",
        "Scheduled text",
        "Expired news",
        "/jokes/draft/",
        "/jokes/inreview/",
        "/jokes/scheduled/",
        "/bulletins/old/",
    ] {
        assert!(!everything.contains(secret), "{secret} leaked into the output");
    }
    assert!(s.out("sitemap.xml").contains("https://jokes.test/jokes/live/"));
    assert!(s.out("jokes/atom.xml").contains("https://jokes.test/jokes/live/"));
    assert!(s.out("search-index.json").contains("/jokes/live/"));
    assert!(!s.out("jokes/live/index.html").contains("PREVIEW"));
}

#[test]
fn now_decides_what_is_live() {
    let s = live_and_hidden();
    s.run(&["build", "--now", "2026-12-25"]).ok();
    assert!(
        s.has("jokes/scheduled/index.html"),
        "published once publish_at has passed"
    );
    s.run(&["build", "--now", "2026-09-01"]).ok();
    assert!(s.has("bulletins/old/index.html"), "not yet expired");
}

#[test]
fn preview_shows_review_items_with_banner_and_noindex() {
    let s = live_and_hidden();
    s.build(&["--preview"]).ok();
    assert!(s.has("jokes/inreview/index.html"));
    assert!(s.has("jokes/scheduled/index.html"));
    assert!(!s.has("jokes/draft/index.html"), "drafts never show, even in preview");
    for page in [
        "index.html",
        "jokes/live/index.html",
        "jokes/inreview/index.html",
        "tags/cats/index.html",
    ] {
        let html = s.out(page);
        assert!(html.contains("PREVIEW"), "{page} has no banner");
        assert!(
            html.contains(r#"<meta name="robots" content="noindex"#),
            "{page} is indexable"
        );
    }
    assert!(s.out("robots.txt").contains("Disallow: /"));
    assert!(s.out(".punchline-manifest.json").contains("\"mode\": \"preview\""));
}

#[test]
fn listings_and_taxonomies_are_paginated() {
    let s = Site::new();
    for i in 1..=5 {
        s.joke(
            &format!("j{i}"),
            &format!("date: 2026-11-0{i}\ntags: [cats, Dad Jokes]\ncategory: puns\n"),
        );
    }
    s.build(&[]).ok();
    // paginate_by: 2 -> 3 pages, newest first
    assert!(s.has("jokes/index.html") && s.has("jokes/page/2/index.html") && s.has("jokes/page/3/index.html"));
    assert!(!s.has("jokes/page/4/index.html"));
    let p1 = main_region(&s.out("jokes/index.html")).to_string();
    assert!(
        p1.find("/jokes/j5/").unwrap() < p1.find("/jokes/j4/").unwrap(),
        "newest first"
    );
    assert!(!p1.contains("/jokes/j3/"));
    assert!(s.out("jokes/page/3/index.html").contains("/jokes/j1/"));
    assert!(
        s.out("jokes/page/2/index.html")
            .contains(r#"rel="prev" href="/jokes/""#)
            || s.out("jokes/page/2/index.html")
                .contains(r#"href="/jokes/" rel="prev""#)
    );
    assert!(s.has("tags/dad-jokes/index.html") && s.has("tags/dad-jokes/page/3/index.html"));
    assert!(s.has("categories/puns/page/2/index.html"));
    let tags = s.out("tags/index.html");
    assert!(tags.contains("/tags/cats/") && tags.contains("/tags/dad-jokes/"));
    assert!(s.out("categories/index.html").contains("/categories/puns/"));
}

#[test]
fn home_shows_latest_jokes_and_every_page_the_headlines() {
    let s = Site::new();
    s.joke("first", "")
        .item(
            "bulletins/pinned.md",
            "title: Pinned news\nstatus: published\npinned: true\ndate: 2020-01-01\n",
            "Old but pinned.\n",
        )
        .item(
            "bulletins/latest.md",
            "title: Latest news\nstatus: published\ndate: 2026-11-20\n",
            "New.\n",
        )
        .item("pages/about.md", "title: About\nstatus: published\n", "About us.\n");
    s.build(&[]).ok();
    assert!(main_region(&s.out("index.html")).contains("/jokes/first/"));
    for page in [
        "index.html",
        "jokes/first/index.html",
        "about/index.html",
        "404.html",
        "tags/index.html",
    ] {
        let html = s.out(page);
        let pinned = html
            .find("Pinned news")
            .unwrap_or_else(|| panic!("{page} lacks the ticker"));
        let latest = html.find("Latest news").unwrap();
        assert!(pinned < latest, "{page}: pinned headlines come first");
    }
}

#[test]
fn the_menu_marks_the_page_it_leads_to() {
    let s = Site::new();
    s.write(
        "site.yaml",
        "title: Test Jokes\nbase_url: https://jokes.test\nmenu:\n  - {name: Jokes, url: /jokes/}\n  - {name: About, url: 'https://jokes.test/about/'}\n  - {name: Elsewhere, url: 'https://example.org/'}\n",
    )
    .joke("first", "")
    .item("pages/about.md", "title: About\nstatus: published\n", "About us.\n");
    s.build(&[]).ok();
    let current = |page: &str| -> Vec<String> {
        s.out(page)
            .lines()
            .filter(|l| l.contains(r#"aria-current="page""#) && !l.contains("vh"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(
        current("jokes/index.html"),
        [r#"<li><a href="/jokes/" aria-current="page">Jokes</a></li>"#],
        "a site-relative menu link"
    );
    assert_eq!(
        current("about/index.html"),
        [r#"<li><a href="https://jokes.test/about/" aria-current="page">About</a></li>"#],
        "a menu link written in full"
    );
    assert!(current("jokes/first/index.html").is_empty(), "a joke is no menu entry");
    assert!(s
        .out("jokes/first/index.html")
        .contains(r#"<a href="https://example.org/">Elsewhere</a>"#));
}

#[test]
fn seo_fields_reach_the_head() {
    let s = Site::new();
    s.joke(
        "seo",
        "seo:\n  title: Custom SEO title\n  description: A description for search engines.\n  keywords: [cat joke, pun]\n  image: /images/cat.png\n",
    )
    .joke("hidden", "seo:\n  noindex: true\n");
    s.build(&[]).ok();
    let html = s.out("jokes/seo/index.html");
    assert!(html.contains("<title>Custom SEO title</title>"), "{html}");
    assert!(html.contains(r#"<meta name="description" content="A description for search engines.">"#));
    assert!(html.contains(r#"content="cat joke, pun""#));
    assert!(html.contains(r#"<link rel="canonical" href="https://jokes.test/jokes/seo/">"#));
    assert!(html.contains(r#"property="og:image" content="https://jokes.test/images/cat.png""#));
    assert!(s.out("jokes/hidden/index.html").contains(r#"content="noindex"#));
    assert!(
        !s.out("sitemap.xml").contains("/jokes/hidden/"),
        "noindex pages stay out of the sitemap"
    );
}

#[test]
fn sitemap_lastmod_is_updated_then_date() {
    let s = Site::new();
    s.joke("plain", "date: 2026-03-04\n")
        .joke("edited", "date: 2026-03-04\nupdated: 2026-05-06T07:08:09Z\n");
    s.build(&[]).ok();
    let sm = s.out("sitemap.xml");
    let entry = |slug: &str| {
        let i = sm.find(&format!("/jokes/{slug}/</loc>")).unwrap();
        sm[i..].split("</url>").next().unwrap().to_string()
    };
    assert!(
        entry("plain").contains("<lastmod>2026-03-04T00:00:00+00:00</lastmod>"),
        "{sm}"
    );
    assert!(
        entry("edited").contains("<lastmod>2026-05-06T07:08:09+00:00</lastmod>"),
        "{sm}"
    );
    assert!(s.out("robots.txt").contains("Sitemap: https://jokes.test/sitemap.xml"));
}

#[test]
fn sitemap_lastmod_comes_from_git_history() {
    let s = Site::new();
    s.joke("tracked", "date: 2020-01-01\n");
    let git = |args: &[&str]| {
        let st = std::process::Command::new("git")
            .args(args)
            .current_dir(s.root())
            .env("GIT_AUTHOR_DATE", "2026-02-03T04:05:06Z")
            .env("GIT_COMMITTER_DATE", "2026-02-03T04:05:06Z")
            .output()
            .unwrap();
        assert!(st.status.success(), "{}", String::from_utf8_lossy(&st.stderr));
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["-c", "user.email=a@b", "-c", "user.name=A", "commit", "-qm", "add"]);
    s.build(&[]).ok();
    assert!(
        s.out("sitemap.xml")
            .contains("<lastmod>2026-02-03T04:05:06+00:00</lastmod>"),
        "{}",
        s.out("sitemap.xml")
    );
}

#[test]
fn feeds_are_atom_limited_and_dated_by_content() {
    let s = Site::new();
    for i in 1..=5 {
        s.joke(&format!("j{i}"), &format!("date: 2026-11-0{i}\n"));
    }
    s.item("bulletins/b.md", "status: published\n", "News & more <b>.\n");
    s.build(&[]).ok();
    let feed = s.out("jokes/atom.xml");
    assert!(feed.starts_with("<?xml"));
    assert!(feed.contains(r#"<feed xmlns="http://www.w3.org/2005/Atom""#));
    assert_eq!(feed.matches("<entry>").count(), 3, "feed_limit: 3");
    assert!(feed.contains("<updated>2026-11-05T00:00:00Z</updated>"), "{feed}");
    assert!(!feed.contains("/jokes/j1/"));
    assert!(
        s.out("bulletins/atom.xml").contains("News &amp;amp; more"),
        "{}",
        s.out("bulletins/atom.xml")
    );
}

#[test]
fn raw_html_is_sanitized_unless_the_author_may_keep_it() {
    let s = Site::new();
    s.item(
        "jokes/xss.md",
        "status: published\n",
        "Ha.\n\n<script>alert('x')</script>\n",
    )
    .item(
        "jokes/trusted.md",
        "status: published\nauthor: erin\n",
        "Ha.\n\n<abbr title=\"Hypertext\">HT</abbr>\n",
    );
    let run = s.build(&[]).ok();
    assert!(
        !s.out("jokes/xss/index.html").contains("<script>alert"),
        "copywriter's script must not run"
    );
    assert!(s.out("jokes/xss/index.html").contains("&lt;script&gt;"));
    assert!(
        run.stderr.contains("content/jokes/xss.md:9:1: warning[SEC001]"),
        "{}",
        run.stderr
    );
    assert!(s
        .out("jokes/trusted/index.html")
        .contains("<abbr title=\"Hypertext\">HT</abbr>"));
}

#[test]
fn all_errors_are_reported_together_with_file_and_line() {
    let s = Site::new();
    s.joke("ok", "")
        .write(
            "content/jokes/typo.md",
            "---\ntitle: T\ndate: 2026-01-01\nauthor: alice\nreviwer: bob\n---\nx\n",
        )
        .write(
            "content/jokes/who.md",
            "---\ntitle: T\ndate: 2026-01-01\nauthor: mallory\n---\nx\n",
        )
        .write("content/jokes/yaml.md", "---\ntitle: T\ntags: [a, b\n---\nx\n")
        .item("jokes/link.md", "status: published\n", "See [x](@/jokes/missing.md).\n")
        .item("jokes/dup.md", "status: published\nslug: ok\n", "x\n");
    let run = s.build(&[]);
    assert_eq!(run.code, 1);
    let err = &run.stderr;
    for want in [
        "content/jokes/typo.md:5:1: error[FM003]: unknown field 'reviwer' in front matter (help: did you mean 'review'?)",
        "content/jokes/who.md:4:1: error[ROL004]: author 'mallory' is not a member in roles.yaml",
        "content/jokes/yaml.md:3:",
        "error[FM002]",
        "content/jokes/link.md:7:5: error[LNK001]: broken internal link '@/jokes/missing.md'",
        "error[URL001]: duplicate URL /jokes/ok/",
        "errors found",
    ] {
        assert!(err.contains(want), "missing {want:?} in:\n{err}");
    }
    assert!(!err.contains("panicked"));
    assert!(!s.root().join("public").exists(), "nothing written on error");
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let s = Site::new();
    s.joke("good", "");
    s.build(&[]).ok();
    let before = s.out("jokes/good/index.html");
    s.write("content/jokes/bad.md", "---\ntitle: [unclosed\n---\n");
    assert_eq!(s.build(&[]).code, 1);
    assert_eq!(s.out("jokes/good/index.html"), before);
    let leftovers: Vec<_> = std::fs::read_dir(s.root())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public") && n != ".public.lock")
        .collect();
    assert!(leftovers.is_empty(), "temporary folders left: {leftovers:?}");
}

#[test]
fn slugs_cannot_escape_the_output_folder() {
    let s = Site::new();
    s.joke("evil", "slug: ../../etc\n");
    let run = s.build(&[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("content/jokes/evil.md:6:1: error[SLG001]: slug '../../etc' is not a single URL segment"),
        "{}",
        run.stderr
    );
}

#[test]
fn sitemap_locs_over_baidus_limit_are_warnings_at_the_slug() {
    let s = Site::new();
    let long = "a-very-long-slug".repeat(15);
    s.joke("long", &format!("slug: {long}\n"));
    s.joke("short", "");
    s.joke("too-long", &format!("slug: {}\n", "x".repeat(256)));
    let run = s.build(&[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains(
            "content/jokes/too-long.md:6:1: error[SLG002]: slug is 256 bytes, over the 255 a folder name may have"
        ),
        "{}",
        run.stderr
    );
    std::fs::remove_file(s.root().join("content/jokes/too-long.md")).unwrap();
    let run = s.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("content/jokes/long.md:6:1: warning[SMP001]: sitemap <loc> is 266 bytes, over Baidu's 256"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("short.md"), "{}", run.stderr);
    let sitemap = s.out("sitemap.xml");
    assert!(sitemap.contains(&long), "the long URL is still listed: {sitemap}");
    let check = s.run(&["check"]);
    assert_eq!(check.code, 0, "a warning does not fail check: {}", check.stderr);
    assert!(
        check.stderr.contains("content/jokes/long.md:6:1: warning[SMP001]"),
        "{}",
        check.stderr
    );
}

#[test]
fn two_builds_are_byte_identical() {
    let s = live_and_hidden();
    for i in 0..30 {
        s.joke(&format!("same-date-{i}"), "date: 2026-11-02\ntags: [cats, dogs]\n");
    }
    s.build(&[]).ok();
    let first: Vec<(String, Vec<u8>)> = s
        .outputs()
        .into_iter()
        .map(|p| (p.clone(), std::fs::read(s.root().join("public").join(&p)).unwrap()))
        .collect();
    s.build(&[]).ok();
    let second: Vec<(String, Vec<u8>)> = s
        .outputs()
        .into_iter()
        .map(|p| (p.clone(), std::fs::read(s.root().join("public").join(&p)).unwrap()))
        .collect();
    assert_eq!(first.len(), second.len());
    for (a, b) in first.iter().zip(&second) {
        assert!(a == b, "{} differs between builds", a.0);
    }
}

#[test]
fn css_is_fingerprinted_and_referenced() {
    let s = Site::new();
    s.joke("a", "");
    s.build(&[]).ok();
    let css = s
        .outputs()
        .into_iter()
        .find(|p| p.starts_with("css/site.") && p.ends_with(".css"))
        .expect("fingerprinted css");
    assert_ne!(css, "css/site.css");
    assert!(s.out("index.html").contains(&format!("/{css}")));
}

#[test]
fn child_theme_overrides_single_templates_and_static_files() {
    let s = Site::new();
    s.joke("a", "");
    s.write("site.yaml", "title: T\ntheme: brand\n")
        .write("themes/brand/theme.yaml", "name: brand\nextends: default\n")
        .write("themes/brand/templates/joke.html", "{% extends \"base.html\" %}{% block main %}<main id=\"main\"><h1>BRAND {{ page.title }}</h1></main>{% endblock main %}")
        .write("themes/brand/static/css/site.css", "body{color:hotpink}");
    s.build(&[]).ok();
    let joke = s.out("jokes/a/index.html");
    assert!(joke.contains("BRAND Title of jokes/a.md"), "child template used");
    assert!(
        joke.contains("Test") || joke.contains("<html"),
        "parent base.html still used"
    );
    assert!(
        !s.out("index.html").contains("BRAND"),
        "other templates come from the parent"
    );
    let css = s
        .outputs()
        .into_iter()
        .find(|p| p.starts_with("css/site.") && p.ends_with(".css"))
        .unwrap();
    assert_eq!(s.out(&css), "body{color:hotpink}");
}

#[test]
fn theme_errors_name_the_template_file() {
    let s = Site::new();
    s.joke("a", "");
    s.write("site.yaml", "title: T\ntheme: broken\n")
        .write("themes/broken/theme.yaml", "extends: default\n")
        .write(
            "themes/broken/templates/joke.html",
            "{% extends \"base.html\" %}\n{% block main %}\n{{ page.title \n{% endblock main %}",
        );
    let run = s.build(&[]);
    assert_eq!(run.code, 1);
    // Tera reports an unclosed tag where it runs into the next one.
    assert!(
        run.stderr
            .contains("themes/broken/templates/joke.html:4:1: error[TPL002]"),
        "{}",
        run.stderr
    );
}

#[test]
fn special_selects_items_and_missing_template_is_an_error() {
    let s = Site::new();
    s.joke("snow", "tags: [winter]\n").joke("sun", "tags: [summer]\n");
    s.item(
        "specials/winter.md",
        "status: published\ncampaign: {starts: 2026-11-01, ends: 2027-01-01}\nselect: {tags: [winter]}\n",
        "Cold!\n",
    );
    s.build(&[]).ok();
    let page = main_region(&s.out("specials/winter/index.html")).to_string();
    assert!(page.contains("/jokes/snow/") && !page.contains("/jokes/sun/"), "{page}");
    assert!(s.out("specials/winter/atom.xml").contains("/jokes/snow/"));
    s.item(
        "specials/winter.md",
        "status: published\ntemplate: specials/nope.html\nselect: {tags: [winter]}\n",
        "Cold!\n",
    );
    let run = s.build(&[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("content/specials/winter.md:6:1: error[TPL003]: template 'specials/nope.html' does not exist"),
        "{}",
        run.stderr
    );
}

#[test]
fn json_summary_for_machines() {
    let s = Site::new();
    s.joke("a", "");
    let run = s.build(&["--format", "json"]).ok();
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["ok"], true);
    // home, 404, the joke, two section listings, two taxonomy indexes, the random-joke page
    assert_eq!(v["pages_rendered"], 8);
    s.write("content/jokes/bad.md", "---\ntitle: x\n---\n");
    let run = s.build(&["--format", "json"]);
    assert_eq!(run.code, 1);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["diagnostics"][0]["code"], "FM004");
    assert_eq!(v["diagnostics"][0]["path"], "content/jokes/bad.md");
}

#[test]
fn init_scaffolds_a_site_that_builds_at_once() {
    let s = Site::new();
    s.run(&["init", "newsite"]).ok();
    let site = s.root().join("newsite");
    assert!(site.join("site.yaml").exists() && site.join("themes/default/theme.yaml").exists());
    let run = s.run(&["-C", "newsite", "build", "--now", "2026-11-25"]).ok();
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    assert!(site.join("public/jokes/atoms/index.html").exists());
    assert!(!site.join("public/jokes/draft-idea/index.html").exists());
    assert_eq!(s.run(&["init", "newsite"]).code, 2, "refuses a folder with files");
}

#[test]
fn check_validates_the_audit_and_deploy_sections_too() {
    let s = Site::new();
    s.joke("a", "");
    s.write(
        "site.yaml",
        "title: T\naudit:\n  densiti: {min: 1}\ndeploy:\n  targets:\n    prod: ftp://example.com\n",
    )
    .write("keywords.yaml", "keywords: [unclosed\n");
    let run = s.run(&["check", "--now", "2026-11-25"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("site.yaml:3:3: error[FM003]: unknown field 'densiti'"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("site.yaml:6:11: error[DEP001]"), "{}", run.stderr);
    assert!(run.stderr.contains("keywords.yaml:"), "{}", run.stderr);
}
