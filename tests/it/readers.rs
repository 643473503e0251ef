//! What a reader gets from the default theme (issue "Readers first"):
//! headlines and a joke in the first screen on a phone and a desktop, a
//! compact header, search that finds what people remember, related jokes,
//! neighbours in the category, the random-joke page, sharing, the
//! colour-scheme toggle, and a light home page. The browser checks run in
//! headless Chromium through .ci/browser/readers.mjs (positions are real
//! bounding boxes); the rest read the built files.

use crate::browser::{artifacts, built_and_served, demo, node, punchline, tools_present, NOW};
use crate::support::Site;
use std::io::Write;

/// Runs one readers.mjs check; fails with its report unless every line is ok.
fn readers(command: &str, extra: &[&str]) -> String {
    let (_site, _server, base) = built_and_served();
    let mut args = vec![command, base.as_str()];
    args.extend_from_slice(extra);
    let (ok, report) = node("readers.mjs", &args);
    assert!(ok, "{command}:\n{report}");
    assert!(!report.contains("FAIL"), "{report}");
    report
}

#[test]
fn headlines_a_joke_and_the_search_box_are_in_the_first_screen_on_phone_and_desktop() {
    if !tools_present("readers layout") {
        return;
    }
    let out = artifacts("readers");
    let report = readers("layout", &[out.to_str().unwrap()]);
    for check in [
        "ok headline strip in the first screen (joke at 390x844)",
        "ok the joke's title in the upper part of the first screen (joke at 390x844)",
        "ok a whole joke readable without scrolling (home at 390x844)",
        "ok a whole joke readable without scrolling (home at 1280x900)",
        "ok the running special shows its hero, slogan and dates (home at 1280x900)",
        "ok the menu on one line (home at 390x844)",
        "ok the search box one tap away (joke at 390x844)",
        "ok print shows just the joke",
    ] {
        assert!(report.contains(check), "missing '{check}':\n{report}");
    }
    for shot in ["home-phone-first-screen.png", "joke-desktop-full.png"] {
        assert!(out.join(shot).exists(), "no {shot} in {}", out.display());
    }
}

#[test]
fn search_finds_body_words_typos_prefixes_and_chinese_typed_into_the_box() {
    if !tools_present("readers search") {
        return;
    }
    let report = readers("search", &[]);
    for check in [
        "ok the index is not fetched before search is used",
        "ok a word only in the body (stapler) finds the coffee-machine joke",
        "ok one typo (staplr) still finds it",
        "ok a prefix (stap) finds it as you type",
        "ok a Chinese word (咖啡) finds the Chinese joke",
        "ok title matches come first",
        "ok results float over the page",
        "ok without JavaScript the form goes to a search engine limited to this site",
    ] {
        assert!(report.contains(check), "missing '{check}':\n{report}");
    }
}

#[test]
fn the_random_joke_page_goes_to_a_joke_and_lists_them_without_javascript() {
    if !tools_present("readers random") {
        return;
    }
    let report = readers("random", &[]);
    assert!(report.contains("ok it picks different jokes"), "{report}");
    assert!(
        report.contains("ok without JavaScript it lists jokes to pick from"),
        "{report}"
    );
}

#[test]
fn the_colour_scheme_choice_is_remembered_across_pages_without_a_flash() {
    if !tools_present("readers scheme") {
        return;
    }
    let report = readers("scheme", &[]);
    assert!(
        report.contains("ok dark is applied before the next page's body appears (no flash)")
            && report.contains("ok light is remembered on the next page"),
        "{report}"
    );
}

#[test]
fn axe_core_finds_no_violations_on_any_kind_of_page() {
    if !tools_present("readers axe") {
        return;
    }
    let pages = [
        "/",
        "/jokes/coffee-machine/",
        "/jokes/",
        "/tags/coffee/",
        "/tags/",
        "/specials/winter-laughs/",
        "/bulletins/welcome/",
        "/about/",
        "/random/",
        "/404.html",
    ];
    let report = readers("axe", &pages);
    // Each page light on a desktop and dark on a phone, plus open menus.
    let checked = report
        .lines()
        .filter(|l| l.starts_with("ok axe: no violations"))
        .count();
    assert!(checked >= pages.len() * 2 + 4, "{checked} checks:\n{report}");
}

/// The `href`s of links inside the first element with class `class`.
fn links_in(html: &str, class: &str) -> Vec<String> {
    let start = html
        .find(&format!("class=\"{class}\""))
        .unwrap_or_else(|| panic!("no .{class}"));
    let end = ["</section>", "</nav>"]
        .iter()
        .filter_map(|t| html[start..].find(t))
        .min()
        .unwrap()
        + start;
    html[start..end]
        .split("href=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].to_string())
        .collect()
}

fn fixture() -> Site {
    let s = Site::new();
    s.joke("cat-nap", "date: 2026-11-10\ntags: [cats, sleep]\ncategory: puns\n")
        .joke("cat-sleep", "date: 2026-11-09\ntags: [cats, sleep]\ncategory: office\n")
        .joke("cat-pun", "date: 2026-11-08\ntags: [cats]\ncategory: puns\n")
        .joke("dog-pun", "date: 2026-11-07\ntags: [dogs]\ncategory: puns\n")
        .joke("rocket", "date: 2026-11-12\ntags: [space]\ncategory: science\n")
        .joke("lonely", "date: 2026-11-11\n");
    s
}

#[test]
fn related_jokes_on_a_joke_page_share_its_tags_and_category_best_first() {
    let s = fixture();
    s.build(&[]).ok();
    let page = s.out("jokes/cat-nap/index.html");
    assert_eq!(
        links_in(&page, "related"),
        ["/jokes/cat-sleep/", "/jokes/cat-pun/", "/jokes/dog-pun/"],
        "two shared tags, then a tag and the category, then the category alone; unrelated jokes left out"
    );
    assert!(page.contains("also about cats, sleep"), "the shared tags say why");
    assert!(
        !s.out("jokes/lonely/index.html").contains("class=\"related\""),
        "no related section when nothing is related"
    );
}

#[test]
fn previous_and_next_stay_in_the_jokes_category_and_a_random_joke_is_one_click_away() {
    let s = fixture();
    s.build(&[]).ok();
    let nav = links_in(&s.out("jokes/cat-pun/index.html"), "prevnext");
    assert_eq!(nav, ["/jokes/cat-nap/", "/jokes/dog-pun/", "/random/"], "puns only");
    let page = s.out("jokes/cat-pun/index.html");
    assert!(page.contains("← Newer in puns") && page.contains("Older in puns →"));
    let no_category = links_in(&s.out("jokes/lonely/index.html"), "prevnext");
    assert_eq!(
        no_category,
        ["/jokes/rocket/", "/jokes/cat-nap/", "/random/"],
        "without a category: the jokes section"
    );
}

#[test]
fn the_random_joke_page_is_static_lists_every_joke_and_stays_out_of_the_sitemap() {
    let s = fixture();
    s.build(&[]).ok();
    let page = s.out("random/index.html");
    let mut listed: Vec<&str> = crate::support::main_region(&page)
        .split("<li><a href=\"")
        .skip(1)
        .map(|l| &l[..l.find('"').unwrap()])
        .collect();
    listed.sort_unstable();
    assert_eq!(
        listed,
        [
            "/jokes/cat-nap/",
            "/jokes/cat-pun/",
            "/jokes/cat-sleep/",
            "/jokes/dog-pun/",
            "/jokes/lonely/",
            "/jokes/rocket/"
        ],
        "readers without JavaScript pick from the list"
    );
    assert!(
        page.contains("<script src=\"/js/random.") && page.contains(" defer></script>"),
        "with JavaScript it goes on by itself"
    );
    assert!(page.contains("<meta name=\"robots\" content=\"noindex\">"));
    assert!(!s.out("sitemap.xml").contains("/random/"));

    let empty = Site::new();
    empty.item("pages/about.md", "status: published\n", "About.\n");
    empty.build(&[]).ok();
    assert!(!empty.has("random/index.html"), "no jokes, no random-joke page");
    assert!(!empty.out("about/index.html").contains("/random/"), "and no link to it");
}

#[test]
fn joke_pages_share_through_links_and_a_qr_code_without_third_party_scripts() {
    let s = fixture();
    s.build(&[]).ok();
    let page = s.out("jokes/cat-nap/index.html");
    let url = "https%3A%2F%2Fjokes.test%2Fjokes%2Fcat-nap%2F";
    assert!(page.contains(&format!(
        "https://service.weibo.com/share/share.php?url={url}&amp;title=Title%20of%20jokes%2Fcat-nap.md"
    )));
    assert!(
        page.contains("data-url=\"https://jokes.test/jokes/cat-nap/\""),
        "Web Share and copy link get the address"
    );
    assert!(
        page.contains("aria-label=\"QR code of this page's address\""),
        "WeChat readers scan a QR code"
    );
    assert!(page.contains("<path stroke=\"#000\" d=\"M"));
    let scripts: Vec<&str> = page.split("<script").skip(1).collect();
    assert!(
        scripts.iter().all(|s| !s.contains("src=\"http")),
        "no third-party script: {scripts:?}"
    );
}

/// The gzipped size of a file of the built site, by its site path.
fn gzipped(root: &std::path::Path, path: &str) -> usize {
    let bytes = std::fs::read(root.join("public").join(path.trim_start_matches('/'))).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&bytes).unwrap();
    gz.finish().unwrap().len()
}

#[test]
fn the_demo_home_page_is_under_60_kb_compressed_before_search_is_used() {
    let site = demo();
    punchline(site.path(), &["build", "--now", NOW]);
    let home = std::fs::read_to_string(site.path().join("public/index.html")).unwrap();
    // Everything the page loads: stylesheet, scripts, icon, images.
    let mut assets: Vec<String> = Vec::new();
    for attr in ["href=\"/", "src=\"/"] {
        for part in home.split(attr).skip(1) {
            let path = &part[..part.find('"').unwrap()];
            let loaded = [".css", ".js", ".svg", ".png", ".jpg", ".webp"]
                .iter()
                .any(|e| path.ends_with(e));
            if loaded && !assets.contains(&path.to_string()) {
                assets.push(path.to_string());
            }
        }
    }
    assert!(
        assets.iter().any(|a| a.ends_with(".css")) && assets.iter().any(|a| a.ends_with(".js")),
        "{assets:?}"
    );
    assert!(
        !assets.iter().any(|a| a.contains("search-index")),
        "the index waits for search"
    );
    let total = gzipped(site.path(), "index.html") + assets.iter().map(|a| gzipped(site.path(), a)).sum::<usize>();
    assert!(total < 60_000, "{total} bytes compressed: index.html + {assets:?}");
}

#[test]
fn a_theme_copied_before_the_random_page_existed_still_builds_without_it() {
    let s = fixture();
    // A site's own copy of the default theme, made before random.html.
    s.run(&["init", "old"]).ok();
    let old = s.root().join("old");
    let random = old.join("themes/default/templates/random.html");
    if random.exists() {
        std::fs::remove_file(&random).unwrap();
    }
    s.run(&["-C", "old", "build", "--now", NOW]).ok();
    assert!(old.join("public/index.html").exists());
    assert!(
        !old.join("public/random").exists(),
        "no random page without its template"
    );
}
