//! The artists' side: specials, theme inheritance and tooling, assets,
//! shortcodes.

use crate::support::{main_region, Site};

fn jokes(s: &Site) {
    s.joke(
        "snow",
        "title: Snow joke\ndate: 2026-11-10\ntags: [winter, weather]\ncategory: puns\n",
    )
    .joke(
        "ice",
        "title: Ice joke\ndate: 2026-11-12\ntags: [winter]\ncategory: one-liners\n",
    )
    .joke(
        "sun",
        "title: A sun joke\ndate: 2026-06-01\ntags: [summer, weather]\ncategory: puns\n",
    )
    .joke(
        "old",
        "title: Old winter joke\ndate: 2020-01-01\ntags: [winter]\ncategory: puns\n",
    )
    .item(
        "bulletins/cold.md",
        "title: Cold news\nstatus: published\ntags: [winter]\n",
        "Brr.\n",
    );
}

fn special(s: &Site, fm: &str) {
    s.item(
        "specials/sp.md",
        &format!("title: The Special\nstatus: published\n{fm}"),
        "Welcome to the special.\n",
    );
}

fn selected(s: &Site) -> Vec<String> {
    let html = s.out("specials/sp/index.html");
    let main = main_region(&html);
    let mut found: Vec<(usize, String)> = ["snow", "ice", "sun", "old", "cold"]
        .iter()
        .filter_map(|slug| {
            let url = if *slug == "cold" {
                "/bulletins/cold/".to_string()
            } else {
                format!("/jokes/{slug}/")
            };
            main.find(&format!("href=\"{url}\"")).map(|i| (i, slug.to_string()))
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, s)| s).collect()
}

#[test]
fn special_queries_select_sort_and_limit() {
    let cases: &[(&str, &[&str])] = &[
        ("select: {tags: [winter]}", &["ice", "snow", "old"]),
        ("select: {tags: [winter, weather], match: all}", &["snow"]),
        (
            "select: {tags: [summer, winter], match: any, sort: date-asc}",
            &["old", "sun", "snow", "ice"],
        ),
        ("select: {category: puns, sort: title}", &["sun", "old", "snow"]),
        ("select: {tags: [winter], from: 2026-01-01, to: 2026-11-11}", &["snow"]),
        ("select: {tags: [winter], limit: 2}", &["ice", "snow"]),
        ("select: {tags: [winter], kinds: [bulletins]}", &["cold"]),
    ];
    for (query, want) in cases {
        let s = Site::new();
        s.write("site.yaml", "title: T\npaginate_by: 20\n");
        jokes(&s);
        special(&s, &format!("{query}\n"));
        s.build(&[]).ok();
        assert_eq!(selected(&s), *want, "{query}");
    }
}

#[test]
fn the_campaign_window_decides_when_a_special_is_live() {
    let s = Site::new();
    jokes(&s);
    special(
        &s,
        "campaign: {starts: 2026-11-20, ends: 2026-12-01}\nselect: {tags: [winter]}\n",
    );
    s.run(&["build", "--now", "2026-11-19"]).ok();
    assert!(!s.has("specials/sp/index.html"), "not live before it starts");
    assert!(!s.out("sitemap.xml").contains("/specials/sp/"));
    s.run(&["build", "--now", "2026-11-25"]).ok();
    assert!(s.has("specials/sp/index.html") && s.has("specials/sp/atom.xml"));
    assert!(s.out("sitemap.xml").contains("/specials/sp/"));
    assert!(
        main_region(&s.out("index.html")).contains("/specials/sp/"),
        "listed on the home page while it runs"
    );
    s.run(&["build", "--now", "2026-12-01"]).ok();
    assert!(!s.has("specials/sp/index.html"), "not live once it ends");
    assert!(!s.out("index.html").contains("/specials/sp/"));
}

#[test]
fn a_special_that_selects_nothing_is_an_error_at_its_query() {
    let s = Site::new();
    jokes(&s);
    special(&s, "select: {tags: [nothing-has-this]}\n");
    let run = s.build(&[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("content/specials/sp.md:6:1: error[SPC001]: the special's select query matches no live item"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_paginated_special() {
    let s = Site::new();
    for i in 1..=5 {
        s.joke(&format!("w{i}"), &format!("date: 2026-11-0{i}\ntags: [winter]\n"));
    }
    special(&s, "select: {tags: [winter]}\n");
    s.build(&[]).ok();
    assert!(s.has("specials/sp/page/3/index.html"), "paginate_by 2 gives 3 pages");
    assert!(s.out("specials/sp/page/2/index.html").contains("/jokes/w3/"));
}

#[test]
fn every_asset_is_minified_and_fingerprinted() {
    let s = Site::new();
    s.joke("a", "");
    s.write("site.yaml", "title: T\ntheme: brand\n")
        .write("themes/brand/theme.yaml", "extends: default\n")
        .write(
            "themes/brand/static/css/site.css",
            "body {\n  color : red ;\n}\n/* a comment */\n",
        )
        .write(
            "themes/brand/static/js/search.js",
            "// a comment\nconst answer = 42 ;\n",
        )
        .write(
            "themes/brand/static/img/logo.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        );
    s.build(&[]).ok();
    let outputs = s.outputs();
    let find = |prefix: &str, ext: &str| {
        outputs
            .iter()
            .find(|p| p.starts_with(prefix) && p.ends_with(ext))
            .cloned()
            .unwrap()
    };
    let css = find("css/site.", ".css");
    assert_eq!(s.out(&css), "body{color:red;}");
    let js = find("js/search.", ".js");
    assert!(!s.out(&js).contains("comment"), "{}", s.out(&js));
    let logo = find("img/logo.", ".svg");
    assert_ne!(logo, "img/logo.svg", "images are fingerprinted too");
    let home = s.out("index.html");
    assert!(home.contains(&format!("/{css}")) && home.contains(&format!("/{js}")));
    assert!(
        !outputs.contains(&"css/site.css".to_string()),
        "no unversioned copy to go stale"
    );
}

#[test]
fn sass_in_a_child_theme_is_compiled() {
    let s = Site::new();
    s.joke("a", "");
    s.write("site.yaml", "title: T\ntheme: brand\n")
        .write("themes/brand/theme.yaml", "extends: default\n")
        .write("themes/brand/sass/_colors.scss", "$ink: #112233;\n")
        .write(
            "themes/brand/sass/site.scss",
            "@use 'colors';\nmain { p { color: colors.$ink; } }\n",
        );
    s.build(&[]).ok();
    let css = s
        .outputs()
        .into_iter()
        .find(|p| p.starts_with("css/site.") && p.ends_with(".css"))
        .unwrap();
    assert!(s.out(&css).contains("main p{color:#112233"), "{}", s.out(&css));
    s.write("themes/brand/sass/site.scss", "main {\n  color: $missing;\n}\n");
    let run = s.build(&[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("themes/brand/sass/site.scss:2: error[THM003]: Sass: Undefined variable"),
        "{}",
        run.stderr
    );
}

#[test]
fn raster_hero_images_get_variants_and_srcset() {
    let s = Site::new();
    jokes(&s);
    let img = image::RgbImage::from_pixel(1600, 640, image::Rgb([30, 60, 90]));
    std::fs::create_dir_all(s.root().join("static/images")).unwrap();
    img.save(s.root().join("static/images/hero.png")).unwrap();
    special(
        &s,
        "hero: {image: /images/hero.png, alt: A blue sky}\nselect: {tags: [winter]}\n",
    );
    s.build(&[]).ok();
    for w in [480, 960, 1440] {
        assert!(s.has(&format!("images/hero-{w}w.png")), "{w}w variant");
    }
    let page = s.out("specials/sp/index.html");
    assert!(page.contains(r#"width="1600" height="640""#), "measured size");
    assert!(page.contains("srcset=\"/images/hero-480w.png 480w, /images/hero-960w.png 960w, /images/hero-1440w.png 1440w, /images/hero.png 1600w\""), "{page}");
}

#[test]
fn shortcodes_render_theme_blocks_for_any_author() {
    let s = Site::new();
    s.item(
        "jokes/sc.md",
        "status: published\n",
        "Setup.\n\n{{ banner(image=\"/ad.png\", link=\"https://ads.example\", alt=\"Buy <coffee>\") }}\n\n{% quote(author=\"Groucho\") %}\nA *good* book.\n{% end %}\n\n{{ video(src=\"/media/a.webm\", caption=\"Open mic\") }}\n\n```\n{{ banner(image=\"kept\") }}\n```\n",
    );
    let run = s.build(&[]).ok();
    assert!(
        !run.stderr.contains("SEC001"),
        "shortcodes are not raw HTML: {}",
        run.stderr
    );
    let html = s.out("jokes/sc/index.html");
    assert!(
        html.contains(
            r#"<a href="https://ads.example" rel="sponsored noopener"><img src="/ad.png" alt="Buy &lt;coffee&gt;""#
        ),
        "{html}"
    );
    assert!(html.contains("<blockquote><p>A <em>good</em> book.</p>"), "{html}");
    assert!(html.contains("<figcaption>Groucho</figcaption>"));
    assert!(html.contains(r#"<source src="/media/a.webm" type="video/webm">"#));
    assert!(
        html.contains("{{ banner(image=&quot;kept&quot;) }}"),
        "code blocks stay code: {html}"
    );
}

#[test]
fn unknown_and_broken_shortcodes_are_errors_at_their_line() {
    let s = Site::new();
    s.item(
        "jokes/sc.md",
        "status: published\n",
        "Setup.\n\n{{ banerr(image=\"/a.png\") }}\n\n{{ banner(image=/a.png) }}\n\n{{ banner(image=\"/a.png\") }}\n",
    );
    let run = s.build(&[]);
    assert_eq!(run.code, 1);
    let err = &run.stderr;
    assert!(err.contains("content/jokes/sc.md:9:1: error[SC002]: unknown shortcode 'banerr' (help: did you mean 'banner'? The theme has: banner, quote, video)"), "{err}");
    assert!(
        err.contains("content/jokes/sc.md:11:1: error[SC001]: malformed shortcode"),
        "{err}"
    );
    assert!(
        err.contains("shortcodes/banner.html") && err.contains("`link`"),
        "a missing argument names the template and variable: {err}"
    );
}

#[test]
fn theme_new_and_theme_check() {
    let s = Site::new();
    s.joke("a", "");
    let run = s.run(&["theme", "new", "brand", "--extends", "default"]).ok();
    assert!(run.stdout.contains("themes/brand/theme.yaml"));
    assert_eq!(s.run(&["theme", "new", "brand"]).code, 2, "refuses to overwrite");
    s.write("site.yaml", "title: T\ntheme: brand\n");
    s.build(&[]).ok();
    s.write(
        "themes/brand/templates/joke.html",
        "{% extends \"base.html\" %}{% block main %}<h1>{{ page.titel }}</h1>{% endblock main %}",
    )
    .write("themes/brand/templates/unused.html", "{{ site.title }}");
    let run = s.run(&["theme", "check", "--now", "2026-11-25"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("themes/brand/templates/joke.html:1:"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("Variable `page.titel` not found"), "{}", run.stderr);
    assert!(run.stderr.contains("`page` has: "), "lists what exists: {}", run.stderr);
    assert!(
        run.stderr
            .contains("warning[TPL004]: template 'unused.html' is not used"),
        "{}",
        run.stderr
    );
    let full = s.run(&["theme", "new", "copy"]).ok();
    assert!(
        full.stdout.contains("themes/copy/templates/base.html"),
        "a standalone copy of the default theme"
    );
}

#[test]
fn no_page_sees_the_variables_of_another() {
    // Workers keep one context for all the pages they render; what a page
    // adds must be gone before the next one. A partial on every page
    // reports which of the page-specific variables it can see.
    let s = Site::new();
    for i in 0..12 {
        s.joke(&format!("j{i:02}"), "tags: [a, b]\ncategory: c\n");
    }
    s.write("site.yaml", "title: T\ntheme: probe\npaginate_by: 2\n")
        .write("themes/probe/theme.yaml", "extends: default\n")
        .write(
            "themes/probe/templates/partials/search.html",
            "{% if page is defined %}[sees page]{% endif %}\
             {% if paginator is defined %}[sees paginator]{% endif %}\
             {% if latest_jokes is defined %}[sees latest_jokes]{% endif %}\
             {% if term is defined %}[sees term]{% endif %}\
             {% if terms is defined %}[sees terms]{% endif %}\
             {% if section is defined %}[sees section]{% endif %}\
             {% if taxonomy is defined %}[sees taxonomy]{% endif %}",
        );
    s.build(&[]).ok();
    let sees = |page: &str| -> Vec<String> {
        let html = s.out(page);
        html.split("[sees ")
            .skip(1)
            .map(|r| r.split(']').next().unwrap().to_string())
            .collect()
    };
    assert_eq!(sees("index.html"), ["latest_jokes"]);
    assert!(sees("404.html").is_empty(), "{:?}", sees("404.html"));
    let outputs = s.outputs();
    for page in outputs
        .iter()
        .filter(|p| p.ends_with(".html") && *p != "index.html" && *p != "404.html")
    {
        let expected: &[&str] = if page.starts_with("jokes/j") {
            &["page"]
        } else if page.starts_with("jokes/") || page.starts_with("bulletins/") {
            &["paginator", "section"]
        } else if page == "tags/index.html" || page == "categories/index.html" {
            &["terms", "taxonomy"]
        } else if page == "random/index.html" {
            &[]
        } else {
            &["paginator", "term", "taxonomy"]
        };
        assert_eq!(sees(page), expected, "{page}");
    }
}
