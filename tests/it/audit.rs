//! `punchline audit` and `punchline build --report` on fixture sites: each
//! rule on a page that triggers it and on pages that do not, keyword
//! cannibalization and coverage across pages, Chinese text, the report
//! formats (JSON locked by a checked-in snapshot), exit codes, and the HTML
//! report in headless Chromium.

use crate::support::{Run, Site, NOW};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `punchline audit --now NOW --format json` plus `extra`; the parsed report.
fn audit_json(s: &Site, extra: &[&str]) -> (Run, Value) {
    let mut args = vec!["audit", "--now", NOW, "--format", "json"];
    args.extend_from_slice(extra);
    let run = s.run(&args);
    assert!(
        run.code == 0 || run.code == 1,
        "audit could not run (exit {}):\n{}",
        run.code,
        run.stderr
    );
    let v: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\nstderr:\n{}", run.stdout, run.stderr));
    (run, v)
}

/// The findings of `rule` in file `path`.
fn found<'v>(v: &'v Value, rule: &str, path: &str) -> Vec<&'v Value> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule && f["path"] == path)
        .collect()
}

/// Every finding, one line each, for failure messages.
fn all(v: &Value) -> String {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{}:{} {} {}", f["path"], f["line"], f["rule"], f["message"]))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The page entry of `path`.
fn page<'v>(v: &'v Value, path: &str) -> &'v Value {
    v["pages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["path"] == path)
        .unwrap_or_else(|| panic!("no page {path}"))
}

/// Front matter of a joke that passes every page rule for keyword `kw`.
fn good_fm(kw: &str) -> String {
    let mut title = kw.to_string();
    title[..1].make_ascii_uppercase();
    format!(
        "status: published\nseo:\n  title: {title} about crossing the road\n  description: \"A {kw} for every day: \
         why the bird crossed the road, what it found on the other side, and why the farmer never once stopped \
         laughing.\"\n  focus_keyword: {kw}\n"
    )
}

/// Body of that joke, linking to `link` (a content path such as
/// `jokes/duck-joke.md#another-duck-joke`).
fn good_body(kw: &str, link: &str) -> String {
    format!(
        "\nHere is a {kw} that everyone knows. Why did the bird cross the road? To get to the other side, of \
         course, and nobody on the farm was surprised at all.\n\n![A bird crossing a country road](/images/bird.png)\n\n\
         ## Another {kw}\n\nThe farmer asked the bird why it kept crossing the same road every single morning. The \
         bird said it was a long story about the farm, the fox, the fence and a very patient dog who never once \
         looked up from his breakfast. See also [the other one](@/{link}).\n\nSome say the road was only there to \
         make the walk feel longer. Others say the bird just liked the view from the middle, where the traffic was \
         slow and the grass was greener than anywhere else.\n"
    )
}

/// A site with two jokes that pass every rule and link to each other.
fn good_site() -> Site {
    let s = Site::new();
    s.item(
        "jokes/chicken-joke.md",
        &good_fm("chicken joke"),
        &good_body("chicken joke", "jokes/duck-joke.md#another-duck-joke"),
    );
    s.item(
        "jokes/duck-joke.md",
        &good_fm("duck joke"),
        &good_body("duck joke", "jokes/chicken-joke.md"),
    );
    s
}

const GOOD: [&str; 2] = ["content/jokes/chicken-joke.md", "content/jokes/duck-joke.md"];

/// Adds `content/jokes/goose-joke.md`: the good joke for "goose joke",
/// changed by `fm` and `body`, linking to the chicken joke.
fn goose(s: &Site, fm: impl Fn(String) -> String, body: impl Fn(String) -> String) {
    let f = fm(good_fm("goose joke"));
    let b = body(good_body("goose joke", "jokes/chicken-joke.md"));
    s.item("jokes/goose-joke.md", &f, &b);
}

const GOOSE: &str = "content/jokes/goose-joke.md";

fn keep(x: String) -> String {
    x
}

#[test]
fn good_pages_pass_every_rule() {
    let s = good_site();
    let (run, v) = audit_json(&s, &["--fail-on", "warning"]);
    assert_eq!(v["findings"].as_array().unwrap().len(), 0, "{}", all(&v));
    assert_eq!(run.code, 0);
    let chicken = page(&v, GOOD[0]);
    assert_eq!(chicken["score"], 100);
    assert_eq!(chicken["h1"], 1);
    assert_eq!(chicken["keyword_count"], 2);
    assert_eq!(chicken["inbound_links"], 1);
    assert_eq!(chicken["internal_links"], 1);
    assert_eq!(v["summary"]["score"], 100);
}

/// One page rule: the goose joke, changed by `fm`/`body`, must trigger
/// `rule`; the good pair must not.
fn page_rule(rule: &str, fm: impl Fn(String) -> String, body: impl Fn(String) -> String) -> Value {
    let s = good_site();
    goose(&s, fm, body);
    let (_, v) = audit_json(&s, &[]);
    assert!(!found(&v, rule, GOOSE).is_empty(), "{rule} not reported:\n{}", all(&v));
    for good in GOOD {
        assert!(
            found(&v, rule, good).is_empty(),
            "{rule} reported on {good}:\n{}",
            all(&v)
        );
    }
    v
}

#[test]
fn focus_keyword_missing() {
    let v = page_rule("AUD101", |f| f.replace("  focus_keyword: goose joke\n", ""), keep);
    assert_eq!(found(&v, "AUD101", GOOSE)[0]["line"], 6, "at the seo: line");
}

#[test]
fn keyword_not_at_the_start_of_the_title() {
    let v = page_rule(
        "AUD102",
        |f| f.replace("title: Goose joke about", "title: A funny goose joke about"),
        keep,
    );
    let msg = found(&v, "AUD102", GOOSE)[0]["message"].as_str().unwrap().to_string();
    assert!(msg.contains("is not at the start of the SEO title"), "{msg}");
    let v = page_rule("AUD102", |f| f.replace("title: Goose joke about", "title: Birds"), keep);
    let msg = found(&v, "AUD102", GOOSE)[0]["message"].as_str().unwrap().to_string();
    assert!(
        msg.contains("is not in the SEO title \"Birds crossing the road\""),
        "{msg}"
    );
}

#[test]
fn keyword_not_in_the_first_paragraph() {
    page_rule("AUD103", keep, |b| {
        b.replace(
            "Here is a goose joke that everyone knows.",
            "Here is a story everyone knows.",
        )
    });
}

#[test]
fn keyword_not_in_the_description() {
    page_rule(
        "AUD104",
        |f| f.replace("A goose joke for every day", "A bird story for every day"),
        keep,
    );
}

#[test]
fn keyword_not_in_the_slug() {
    let s = good_site();
    s.item(
        "jokes/honk.md",
        &good_fm("goose joke"),
        &good_body("goose joke", "jokes/chicken-joke.md"),
    );
    let (_, v) = audit_json(&s, &[]);
    let f = found(&v, "AUD105", "content/jokes/honk.md");
    assert_eq!(f.len(), 1, "{}", all(&v));
    assert!(f[0]["message"].as_str().unwrap().contains("'honk'"));
    assert!(found(&v, "AUD105", GOOD[0]).is_empty());
}

#[test]
fn keyword_not_in_a_subheading() {
    page_rule("AUD106", keep, |b| {
        b.replace("## Another goose joke", "## Another story")
    });
}

#[test]
fn keyword_density_out_of_range() {
    let v = page_rule("AUD107", keep, |b| {
        b + "\nA goose joke, a goose joke, a goose joke, a goose joke and one more goose joke.\n"
    });
    let p = page(&v, GOOSE);
    assert_eq!(p["keyword_count"], 7);
    let density = p["density"].as_f64().unwrap();
    let words = p["words"].as_f64().unwrap();
    assert!((density - (700.0 / words * 100.0).round() / 100.0).abs() < 0.011, "{p}");
    let v = page_rule("AUD107", keep, |b| {
        b.replace("Here is a goose joke", "Here is a joke about a goose")
            .replace("## Another goose joke", "## Another one")
    });
    let msg = found(&v, "AUD107", GOOSE)[0]["message"].as_str().unwrap().to_string();
    assert!(msg.contains("density is 0%"), "{msg}");
}

#[test]
fn seo_title_too_wide() {
    let v = page_rule(
        "AUD108",
        |f| {
            f.replace(
                "about crossing the road",
                "about crossing the road, the river, the bridge, the motorway and the entire county",
            )
        },
        keep,
    );
    assert!(page(&v, GOOSE)["title_width"].as_f64().unwrap() > 600.0);
}

#[test]
fn description_length_out_of_range() {
    let v = page_rule(
        "AUD109",
        |f| {
            let start = f.find("  description:").unwrap();
            let end = f[start..].find('\n').unwrap() + start + 1;
            format!("{}  description: A goose joke.\n{}", &f[..start], &f[end..])
        },
        keep,
    );
    let msg = found(&v, "AUD109", GOOSE)[0]["message"].as_str().unwrap().to_string();
    assert!(msg.contains("13 characters; Google wants between 120 and 160"), "{msg}");
}

#[test]
fn description_missing() {
    page_rule(
        "AUD110",
        |f| {
            let start = f.find("  description:").unwrap();
            let end = f[start..].find('\n').unwrap() + start + 1;
            format!("{}{}", &f[..start], &f[end..])
        },
        keep,
    );
}

#[test]
fn more_than_one_h1() {
    let v = page_rule("AUD111", keep, |b| format!("\n# A second title\n{b}"));
    assert_eq!(page(&v, GOOSE)["h1"], 2);
}

#[test]
fn image_without_alt_text_is_reported_at_its_line() {
    let v = page_rule("AUD112", keep, |b| {
        b.replace("![A bird crossing a country road]", "![]")
    });
    // Front matter: 2 to 10 (title, date, author, status, seo block of 4), body from 12.
    let f = found(&v, "AUD112", GOOSE);
    assert_eq!(f[0]["line"], 14, "{}", all(&v));
    assert!(f[0]["message"].as_str().unwrap().contains("/images/bird.png"));
}

#[test]
fn no_internal_link_out_and_none_in() {
    let v = page_rule("AUD113", keep, |b| {
        b.replace(" See also [the other one](@/jokes/chicken-joke.md).", "")
    });
    assert_eq!(page(&v, GOOSE)["internal_links"], 0);
    // Nobody links to the goose joke; the good pair link to each other.
    let f = found(&v, "AUD114", GOOSE);
    assert_eq!(f.len(), 1, "{}", all(&v));
    assert!(found(&v, "AUD114", GOOD[0]).is_empty() && found(&v, "AUD114", GOOD[1]).is_empty());
}

#[test]
fn outbound_links_are_counted_and_expected_on_bulletins() {
    let s = good_site();
    let text = "The joke contest is back. ".repeat(12);
    s.item(
        "bulletins/contest.md",
        &good_fm("joke contest"),
        &format!("\n{text}\n\nThe joke contest rules are [on our site](@/jokes/duck-joke.md).\n"),
    );
    s.item(
        "bulletins/sources.md",
        &good_fm("joke sources"),
        &format!(
            "\n{}\n\nRead about joke sources [elsewhere](https://en.wikipedia.org/wiki/Joke).\n",
            "Our joke sources are many. ".repeat(12)
        ),
    );
    let (_, v) = audit_json(&s, &[]);
    assert_eq!(
        found(&v, "AUD115", "content/bulletins/contest.md").len(),
        1,
        "{}",
        all(&v)
    );
    assert!(found(&v, "AUD115", "content/bulletins/sources.md").is_empty());
    assert_eq!(page(&v, "content/bulletins/sources.md")["outbound_links"], 1);
    assert!(found(&v, "AUD115", GOOD[0]).is_empty(), "jokes are exempt");
}

#[test]
fn text_length_per_kind() {
    let v = page_rule("AUD116", keep, |b| b + &"The goose honked again. ".repeat(80));
    let msg = found(&v, "AUD116", GOOSE)[0]["message"].as_str().unwrap().to_string();
    assert!(msg.contains("a joke wants between 10 and 300"), "{msg}");
    // The same 118 words are too few for a plain page, and the limit is configurable.
    let s = good_site();
    s.item(
        "pages/about.md",
        &good_fm("chicken farm"),
        &good_body("chicken farm", "jokes/duck-joke.md"),
    );
    let (_, v) = audit_json(&s, &[]);
    assert_eq!(found(&v, "AUD116", "content/pages/about.md").len(), 1, "{}", all(&v));
    s.write(
        "site.yaml",
        "title: T\nbase_url: https://jokes.test\naudit:\n  text_length:\n    pages: {min: 100}\n",
    );
    let (_, v) = audit_json(&s, &[]);
    assert!(found(&v, "AUD116", "content/pages/about.md").is_empty(), "{}", all(&v));
}

#[test]
fn cannibalization_names_both_pages() {
    let s = good_site();
    s.item(
        "jokes/rooster.md",
        &good_fm("chicken joke").replace("Chicken joke about crossing", "Chicken joke about a rooster crossing"),
        &good_body("chicken joke", "jokes/duck-joke.md"),
    );
    let (_, v) = audit_json(&s, &[]);
    let a = found(&v, "AUD117", "content/jokes/rooster.md");
    let b = found(&v, "AUD117", GOOD[0]);
    assert_eq!((a.len(), b.len()), (1, 1), "{}", all(&v));
    assert!(a[0]["message"]
        .as_str()
        .unwrap()
        .contains("content/jokes/chicken-joke.md (/jokes/chicken-joke/)"));
    assert!(b[0]["message"]
        .as_str()
        .unwrap()
        .contains("content/jokes/rooster.md (/jokes/rooster/)"));
    assert!(found(&v, "AUD117", GOOD[1]).is_empty());
    // An item in review competes in a preview build (it goes live soon), not in a live one.
    let s = good_site();
    s.item(
        "jokes/rooster.md",
        &good_fm("chicken joke")
            .replace("status: published", "status: review")
            .replace("Chicken joke about crossing", "Chicken joke about a rooster crossing"),
        &good_body("chicken joke", "jokes/duck-joke.md"),
    );
    let (_, live) = audit_json(&s, &[]);
    assert!(found(&live, "AUD117", GOOD[0]).is_empty(), "{}", all(&live));
    let (_, preview) = audit_json(&s, &["--preview"]);
    assert_eq!(found(&preview, "AUD117", GOOD[0]).len(), 1, "{}", all(&preview));
    assert_eq!(preview["site"]["mode"], "preview");
    // A draft with the same keyword is not shown at all, so it does not compete.
    let s = good_site();
    s.item(
        "jokes/rooster.md",
        &good_fm("chicken joke").replace("status: published", "status: draft"),
        "\nDraft.\n",
    );
    let (_, v) = audit_json(&s, &[]);
    assert!(found(&v, "AUD117", GOOD[0]).is_empty(), "{}", all(&v));
}

#[test]
fn orphan_pages_and_noindex_pages_in_the_menu() {
    let s = good_site();
    let text = good_body("joke farm", "jokes/duck-joke.md").repeat(2);
    s.item("pages/lost.md", &good_fm("joke farm"), &text);
    s.item(
        "pages/found.md",
        &good_fm("joke barn"),
        &text.replace("joke farm", "joke barn"),
    );
    s.item(
        "pages/private.md",
        &good_fm("joke shed").replace("seo:\n", "seo:\n  noindex: true\n"),
        &text.replace("joke farm", "joke shed"),
    );
    s.write(
        "site.yaml",
        "title: T\nbase_url: https://jokes.test\nmenu:\n  - {name: Jokes, url: /jokes/}\n  - {name: Found, url: /found/}\n  \
         - {name: Private, url: /private/}\n  - {name: Gone, url: /gone/}\n",
    );
    let (_, v) = audit_json(&s, &[]);
    assert_eq!(found(&v, "AUD118", "content/pages/lost.md").len(), 1, "{}", all(&v));
    assert!(found(&v, "AUD118", "content/pages/found.md").is_empty());
    assert!(found(&v, "AUD118", GOOD[0]).is_empty(), "jokes are on their listing");
    let n = found(&v, "AUD203", "content/pages/private.md");
    assert_eq!(n.len(), 1, "{}", all(&v));
    assert!(n[0]["message"]
        .as_str()
        .unwrap()
        .contains("the menu (site.yaml line 6)"));
    assert!(found(&v, "AUD203", "content/pages/found.md").is_empty());
    let gone = found(&v, "AUD205", "site.yaml");
    assert_eq!(gone.len(), 1, "{}", all(&v));
    assert_eq!(gone[0]["line"], 7);
}

#[test]
fn duplicate_titles_and_descriptions() {
    let chicken = good_fm("chicken joke");
    let line = |f: &str, key: &str| f.lines().find(|l| l.starts_with(key)).unwrap().to_string();
    let (title, desc) = (line(&chicken, "  title:"), line(&chicken, "  description:"));
    let s = good_site();
    goose(
        &s,
        |f| {
            f.replace(&line(&f, "  title:"), &title)
                .replace(&line(&f, "  description:"), &desc)
        },
        keep,
    );
    let (_, v) = audit_json(&s, &[]);
    for rule in ["AUD201", "AUD202"] {
        let on_goose = found(&v, rule, GOOSE);
        assert_eq!(on_goose.len(), 1, "{}", all(&v));
        assert!(on_goose[0]["message"]
            .as_str()
            .unwrap()
            .contains("content/jokes/chicken-joke.md"));
        assert_eq!(found(&v, rule, GOOD[0]).len(), 1, "{}", all(&v));
        assert!(found(&v, rule, GOOD[1]).is_empty());
    }
}

#[test]
fn canonical_pointing_at_a_missing_page() {
    page_rule(
        "AUD204",
        |f| f.replace("seo:\n", "seo:\n  canonical: https://jokes.test/jokes/nowhere/\n"),
        keep,
    );
    let s = good_site();
    goose(
        &s,
        |f| f.replace("seo:\n", "seo:\n  canonical: https://jokes.test/jokes/duck-joke/\n"),
        keep,
    );
    let (_, v) = audit_json(&s, &[]);
    assert!(found(&v, "AUD204", GOOSE).is_empty(), "{}", all(&v));
}

#[test]
fn broken_links_and_anchors() {
    let v = page_rule("AUD205", keep, |b| {
        b + "\nMore at [the index](/jokes/), [a feed](/jokes/atom.xml) and [nothing](/jokes/nowhere/).\n"
    });
    let f = found(&v, "AUD205", GOOSE);
    assert_eq!(f.len(), 1, "{}", all(&v));
    assert!(f[0]["message"].as_str().unwrap().contains("/jokes/nowhere/"));
    let v = page_rule("AUD206", keep, |b| {
        b + "\nSee [a heading](@/jokes/duck-joke.md#no-such-heading), [a real one](/jokes/duck-joke/#another-duck-joke) \
             and [the page](#main).\n"
    });
    let f = found(&v, "AUD206", GOOSE);
    assert_eq!(f.len(), 1, "{}", all(&v));
    assert!(f[0]["help"].as_str().unwrap().contains("another-duck-joke"), "{}", f[0]);
}

#[test]
fn baidu_rules_only_where_selected() {
    let s = good_site();
    // 123 characters: right for Google, but 246 half-width units for Baidu.
    let desc = "谐音梗合集：为什么蚕宝宝很有钱？因为它会结茧，也就是节俭。为什么蜘蛛很会做生意？因为它有自己的网站。\
                据说每讲一个谐音梗就要扣一块钱，作者这个月已经倒欠网站三百块。喜欢冷笑话和文字游戏的朋友千万别错过这一篇，\
                看完记得分享给朋友，讲之前先准备好零钱。";
    assert_eq!(desc.chars().count(), 123);
    let long_slug = "a".repeat(240);
    s.item(
        &format!("jokes/{long_slug}.md"),
        &format!(
            "status: published\nseo:\n  title: 谐音梗笑话：蚕宝宝为什么有钱\n  description: {desc}\n  focus_keyword: 谐音梗\n"
        ),
        "\n这就是传说中的谐音梗。据说每讲一个谐音梗要扣一块钱。\n",
    );
    let path = format!("content/jokes/{long_slug}.md");
    let (_, google) = audit_json(&s, &[]);
    assert!(found(&google, "AUD109", &path).is_empty(), "{}", all(&google));
    assert!(found(&google, "AUD207", &path).is_empty(), "{}", all(&google));
    s.write(
        "site.yaml",
        "title: Test Jokes\nbase_url: https://jokes.test\naudit:\n  engines: [google, baidu]\n",
    );
    let (_, both) = audit_json(&s, &[]);
    let d = found(&both, "AUD109", &path);
    assert_eq!(d.len(), 1, "{}", all(&both));
    assert!(
        d[0]["message"]
            .as_str()
            .unwrap()
            .contains("Baidu wants between 80 and 156"),
        "{}",
        d[0]
    );
    assert_eq!(found(&both, "AUD207", &path).len(), 1, "{}", all(&both));
    assert!(found(&both, "AUD207", GOOD[0]).is_empty());
}

/// Writes a child theme of the default one.
fn child_theme(s: &Site, files: &[(&str, &str)]) {
    s.write("themes/kid/theme.yaml", "name: kid\nextends: default\n");
    for (name, text) in files {
        s.write(&format!("themes/kid/templates/{name}"), text);
    }
    s.write(
        "site.yaml",
        "title: Test Jokes\nbase_url: https://jokes.test\ntheme: kid\n",
    );
}

#[test]
fn theme_templates_must_output_the_tags_the_rules_need() {
    let s = good_site();
    child_theme(
        &s,
        &[
            (
                "partials/head.html",
                "<meta charset=\"utf-8\">\n<meta name=\"description\" content=\"{{ head.description }}\">\n",
            ),
            (
                "joke.html",
                "{% extends \"base.html\" %}\n{% block main %}\n<p>{{ page.title }}</p>\n{{ page.content | safe }}\n{% endblock main %}\n",
            ),
        ],
    );
    let (run, v) = audit_json(&s, &[]);
    let head = found(&v, "AUD210", "themes/kid/templates/partials/head.html");
    let messages: Vec<&str> = head.iter().map(|f| f["message"].as_str().unwrap()).collect();
    assert_eq!(head.len(), 2, "title and canonical, once each: {}", all(&v));
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("templates 'index.html', '404.html', 'joke.html', ")
                && m.contains(" output no <title> (sample page /)")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("output no canonical link")),
        "{messages:?}"
    );
    assert!(head.iter().all(|f| f["line"] == 1));
    let h1 = found(&v, "AUD210", "themes/kid/templates/joke.html");
    assert_eq!(h1.len(), 1, "{}", all(&v));
    assert_eq!(h1[0]["line"], 2, "at the main block");
    assert!(h1[0]["message"].as_str().unwrap().contains("outputs 0 <h1>"));
    // Reported once against the template, not on every joke.
    assert!(found(&v, "AUD111", GOOD[0]).is_empty());
    assert_eq!(run.code, 1, "theme findings are errors");
}

#[test]
fn the_default_theme_passes_its_own_rules() {
    let s = good_site();
    let (_, v) = audit_json(&s, &[]);
    let theme: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "AUD210")
        .collect();
    assert!(theme.is_empty(), "{}", all(&v));
}

#[test]
fn keyword_coverage_from_keywords_yaml() {
    let s = good_site();
    s.item(
        "jokes/rooster.md",
        &good_fm("chicken joke").replace("Chicken joke about crossing", "Chicken joke about a rooster crossing"),
        &good_body("chicken joke", "jokes/duck-joke.md"),
    );
    s.write(
        "keywords.yaml",
        "keywords:\n  - {keyword: duck joke, priority: high, page: jokes/duck-joke.md}\n  - {keyword: chicken joke}\n  \
         - {keyword: goose joke, priority: low}\n  - {keyword: Duck Joke, page: /jokes/chicken-joke/}\n",
    );
    let (_, v) = audit_json(&s, &[]);
    let rows = v["coverage"]["targets"].as_array().unwrap();
    let status: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["keyword"].as_str().unwrap(), r["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        status,
        vec![
            ("duck joke", "covered"),
            ("chicken joke", "split"),
            ("Duck Joke", "misplaced"),
            ("goose joke", "missing")
        ],
        "by priority, then as written"
    );
    assert_eq!(rows[1]["focus_pages"].as_array().unwrap().len(), 2);
    assert!(rows[0]["mentioned_on"].as_u64().unwrap() >= 1);
    let lines: Vec<(String, u64)> = found(&v, "AUD302", "keywords.yaml")
        .into_iter()
        .chain(found(&v, "AUD301", "keywords.yaml"))
        .chain(found(&v, "AUD303", "keywords.yaml"))
        .map(|f| (f["rule"].as_str().unwrap().to_string(), f["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        lines,
        vec![("AUD302".into(), 3), ("AUD301".into(), 4), ("AUD303".into(), 5)]
    );
    assert_eq!(v["summary"]["coverage_percent"], 75);
}

#[test]
fn mistakes_in_keywords_yaml_and_site_yaml_are_input_errors() {
    let s = good_site();
    s.write("keywords.yaml", "keywords:\n  - {keyword: a, priority: urgent}\n");
    s.write(
        "site.yaml",
        "title: T\nbase_url: https://jokes.test\naudit:\n  rules:\n    keyword-densty: off\n",
    );
    let run = s.run(&["audit", "--now", NOW]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("keywords.yaml:2:"), "{}", run.stderr);
    assert!(run.stderr.contains("unknown priority 'urgent'"), "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "site.yaml:5:5: error[CFG010]: unknown audit rule 'keyword-densty' (help: did you mean 'keyword-density'?)"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
}

/// Real Chinese jokes from the demo content.
const CHENGXUYUAN: &str = "\n老婆给当程序员的老公打电话：“下班顺路买一斤包子带回来。如果看到卖西瓜的，就买一个。”\n\n\
当晚，程序员老公捧着**一个**包子进了家门。\n\n老婆：“你怎么只买了一个包子？！”\n\n老公：“因为我看到卖西瓜的了。”\n\n\
需求写得不清楚，就别怪程序员按字面执行。\n";

#[test]
fn chinese_pages_are_segmented_for_density_coverage_and_terms() {
    let s = good_site();
    s.item(
        "jokes/xiaohua-chengxuyuan.md",
        "status: published\nseo:\n  title: 程序员笑话：买一个包子\n  description: 经典程序员笑话：老婆让程序员老公下班买一斤包子，\
         如果看到卖西瓜的就买一个。结果他只带回来一个包子，理由是看到了卖西瓜的。需求写不清楚，程序员就只能按字面执行，\
         条件判断可一点都不含糊。转给你身边的程序员朋友看看吧。\n  focus_keyword: 程序员\n",
        CHENGXUYUAN,
    );
    s.write("keywords.yaml", "keywords:\n  - 程序员\n  - 包子\n  - 西瓜\n");
    let (_, v) = audit_json(&s, &[]);
    let p = page(&v, "content/jokes/xiaohua-chengxuyuan.md");
    assert_eq!(p["keyword_count"], 3, "{p}");
    let words = p["words"].as_u64().unwrap();
    let chars = CHENGXUYUAN
        .chars()
        .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
        .count() as u64;
    assert!(
        words > 20 && words < chars * 3 / 4,
        "jieba words, not characters: {words} of {chars}"
    );
    let density = p["density"].as_f64().unwrap();
    assert!((density - 300.0 / words as f64).abs() < 0.01, "{density} vs 3/{words}");
    let terms: Vec<&str> = p["frequent_terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["term"].as_str().unwrap())
        .collect();
    for w in ["程序员", "包子", "老公"] {
        assert!(terms.contains(&w), "{w} not in {terms:?}");
    }
    let sugg: Vec<&str> = p["suggested_keywords"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert!(
        !sugg.contains(&"程序员"),
        "the focus keyword is not suggested: {sugg:?}"
    );
    // The keyword starts the title and is in the first sentence.
    for rule in ["AUD102", "AUD103", "AUD104"] {
        assert!(
            found(&v, rule, "content/jokes/xiaohua-chengxuyuan.md").is_empty(),
            "{}",
            all(&v)
        );
    }
    let rows = v["coverage"]["targets"].as_array().unwrap();
    assert_eq!(rows[0]["status"], "covered");
    assert_eq!(rows[1]["status"], "missing");
    assert_eq!(rows[1]["mentioned_on"], 1, "包子 is in the text");
}

#[test]
fn rules_can_be_turned_off_or_up() {
    let s = good_site();
    goose(&s, |f| f.replace("  focus_keyword: goose joke\n", ""), keep);
    let (run, v) = audit_json(&s, &[]);
    assert_eq!(found(&v, "AUD101", GOOSE)[0]["level"], "warning");
    assert_eq!(run.code, 0);
    s.write(
        "site.yaml",
        "title: Test Jokes\nbase_url: https://jokes.test\naudit:\n  rules:\n    focus-keyword-missing: error\n    AUD114: off\n",
    );
    let (run, v) = audit_json(&s, &[]);
    assert_eq!(found(&v, "AUD101", GOOSE)[0]["level"], "error");
    assert!(found(&v, "AUD114", GOOSE).is_empty());
    assert_eq!(run.code, 1);
    let rule = v["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "AUD114")
        .unwrap();
    assert_eq!(rule["level"], Value::Null);
}

#[test]
fn exit_codes() {
    let s = good_site();
    goose(&s, |f| f.replace("  focus_keyword: goose joke\n", ""), keep);
    assert_eq!(
        s.run(&["audit", "--now", NOW]).code,
        0,
        "warnings do not fail by default"
    );
    assert_eq!(s.run(&["audit", "--now", NOW, "--fail-on", "warning"]).code, 1);
    goose(&s, keep, |b| format!("\n# Second h1\n{b}"));
    assert_eq!(s.run(&["audit", "--now", NOW]).code, 1, "an error fails");
    let run = s.run(&["audit", "--now", NOW, "-o", "no/such/folder/report.txt"]);
    assert_eq!(run.code, 2, "could not run: {}", run.stderr);
    let run = s.run(&["audit", "--now", "yesterday"]);
    assert_eq!(run.code, 2);
}

#[test]
fn text_report_groups_findings_by_page_like_diagnostics() {
    let s = good_site();
    goose(
        &s,
        |f| f.replace("  focus_keyword: goose joke\n", ""),
        |b| b.replace("![A bird crossing a country road]", "![]"),
    );
    let run = s.run(&["audit", "--now", NOW]);
    let out = &run.stdout;
    assert!(!out.contains("\x1b["), "no colour in a pipe");
    let head = out
        .lines()
        .position(|l| l.starts_with("content/jokes/goose-joke.md (/jokes/goose-joke/) score "))
        .unwrap();
    let lines: Vec<&str> = out.lines().skip(head + 1).take_while(|l| !l.is_empty()).collect();
    assert!(lines.contains(&"content/jokes/goose-joke.md:6:1: warning[AUD101]: no focus keyword: the page is not optimized for any search (help: add 'focus_keyword: ...' under seo:, the phrase this page should rank for)"), "{out}");
    assert!(
        lines.iter().any(|l| l
            .starts_with("content/jokes/goose-joke.md:13: warning[AUD112]: image '/images/bird.png' has no alt text")),
        "{out}"
    );
    assert!(
        out.contains("audited 3 pages: 0 errors, 2 warnings, 1 notice; mean page score"),
        "{out}"
    );
}

#[test]
fn csv_has_one_row_per_finding() {
    let s = good_site();
    goose(&s, |f| f.replace("  focus_keyword: goose joke\n", ""), keep);
    let (_, v) = audit_json(&s, &[]);
    let run = s.run(&["audit", "--now", NOW, "--format", "csv"]);
    let rows: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(rows[0], "level,rule,name,path,line,column,url,message,help");
    assert_eq!(rows.len() - 1, v["findings"].as_array().unwrap().len());
    assert!(rows.iter().any(|r| r.starts_with(
        "warning,AUD101,focus-keyword-missing,content/jokes/goose-joke.md,6,1,/jokes/goose-joke/,no focus keyword: the page is not optimized for any search,\"add 'focus_keyword: ...' under seo:, the phrase this page should rank for\""
    )), "{}", run.stdout);
}

#[test]
fn sarif_has_physical_locations_and_rules() {
    let s = good_site();
    goose(
        &s,
        |f| f.replace("  focus_keyword: goose joke\n", ""),
        |b| format!("\n# Second h1\n{b}"),
    );
    let run = s.run(&["audit", "--now", NOW, "--format", "sarif"]);
    assert_eq!(run.code, 1);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let sarif_run = &v["runs"][0];
    let rules = sarif_run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().any(|r| r["id"] == "AUD111" && r["name"] == "h1-count"));
    let results = sarif_run["results"].as_array().unwrap();
    let h1 = results.iter().find(|r| r["ruleId"] == "AUD111").unwrap();
    assert_eq!(h1["level"], "error");
    let loc = &h1["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], GOOSE);
    assert_eq!(loc["region"]["startLine"], 10, "the body's first line");
    let idx = h1["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[idx]["id"], "AUD111");
    let notice = results.iter().find(|r| r["ruleId"] == "AUD114").unwrap();
    assert_eq!(notice["level"], "note");
}

/// The JSON schema is locked by tests/fixtures/audit/report.json. After a
/// deliberate change, run with PUNCHLINE_BLESS=1 to rewrite it (and update
/// docs/audit.md).
#[test]
fn json_schema_is_stable() {
    let s = good_site();
    goose(
        &s,
        |f| f.replace("title: Goose joke about", "title: A funny goose joke about"),
        |b| b.replace("![A bird crossing a country road]", "![]"),
    );
    s.item(
        "jokes/xiaohua-chengxuyuan.md",
        "status: published\nseo:\n  title: 程序员笑话：买一个包子\n  description: 老婆让程序员老公下班买一斤包子。\n  focus_keyword: 程序员\n",
        CHENGXUYUAN,
    );
    s.write(
        "keywords.yaml",
        "keywords:\n  - {keyword: duck joke, priority: high}\n  - 程序员\n  - 西瓜\n",
    );
    let (_, mut v) = audit_json(&s, &[]);
    v["generator"]["version"] = Value::String("<version>".into());
    let actual = serde_json::to_string_pretty(&v).unwrap() + "\n";
    let expected_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/audit/report.json");
    if std::env::var_os("PUNCHLINE_BLESS").is_some() {
        std::fs::create_dir_all(expected_path.parent().unwrap()).unwrap();
        std::fs::write(&expected_path, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
    if actual != expected {
        let out = artifacts().join("audit-report.actual.json");
        std::fs::write(&out, &actual).unwrap();
        panic!(
            "the audit JSON differs from {}; the new output is in {} (diff them; if the change is \
             deliberate, rerun with PUNCHLINE_BLESS=1 and document it in docs/audit.md)",
            expected_path.display(),
            out.display()
        );
    }
}

#[test]
fn build_report_writes_every_format_from_the_same_model() {
    let s = good_site();
    goose(&s, |f| f.replace("  focus_keyword: goose joke\n", ""), keep);
    let run = s.build(&["--report", "reports"]).ok();
    assert!(
        run.stderr.contains("audit reports in reports: 0 errors, 1 warnings"),
        "{}",
        run.stderr
    );
    assert!(s.has("jokes/goose-joke/index.html"), "the site is built too");
    for ext in ["txt", "json", "csv", "sarif", "html"] {
        assert!(s.root().join(format!("reports/audit.{ext}")).is_file(), "audit.{ext}");
    }
    let from_build: Value =
        serde_json::from_str(&std::fs::read_to_string(s.root().join("reports/audit.json")).unwrap()).unwrap();
    let (_, from_audit) = audit_json(&s, &[]);
    assert_eq!(from_build, from_audit, "build --report and audit agree");
    let text = std::fs::read_to_string(s.root().join("reports/audit.txt")).unwrap();
    assert!(text.contains("warning[AUD101]"));
}

#[test]
fn build_report_fails_the_build_on_bad_audit_settings() {
    let s = good_site();
    s.build(&[]).ok();
    s.write("keywords.yaml", "keywords: 12\n");
    let run = s.build(&["--report", "reports"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("keywords.yaml:1:"), "{}", run.stderr);
    assert!(s.has("jokes/chicken-joke/index.html"), "the previous output stays");
}

/// test-artifacts/ in the repository (gitignored).
fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("test-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The Chromium binary, if this machine has one.
fn chromium() -> Option<PathBuf> {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        let found = std::env::var_os("PATH")
            .into_iter()
            .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
            .map(|d| d.join(name))
            .find(|p| p.is_file());
        if found.is_some() {
            return found;
        }
    }
    None
}

/// Runs headless Chromium with the flags that keep it quiet and offline.
fn headless(bin: &Path, profile: &Path, args: &[&str]) -> Run {
    let out = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("chromium runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn html_report_renders_in_chromium_without_console_errors() {
    let Some(bin) = chromium() else {
        if std::env::var_os("CI").is_some() {
            panic!("chromium is needed for this test in CI (apt-get install -y chromium)");
        }
        eprintln!("skipped: chromium is not installed (apt-get install -y chromium)");
        return;
    };
    let s = good_site();
    goose(
        &s,
        |f| f.replace("  focus_keyword: goose joke\n", ""),
        |b| format!("\n# Second h1\n{b}"),
    );
    s.item(
        "jokes/xiaohua-chengxuyuan.md",
        "status: published\nseo:\n  focus_keyword: 程序员\n",
        CHENGXUYUAN,
    );
    s.write("keywords.yaml", "keywords:\n  - duck joke\n  - 程序员\n  - 西瓜\n");
    let report = s.root().join("audit.html");
    let run = s.run(&[
        "audit",
        "--now",
        NOW,
        "--format",
        "html",
        "-o",
        report.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let html = std::fs::read_to_string(&report).unwrap();
    for external in ["src=\"http", "href=\"http", "@import", "url(http"] {
        assert!(!html.contains(external), "no external assets: {external}");
    }
    assert!(html.contains("<svg") && html.contains("程序员"));
    let profile = tempfile::tempdir().unwrap();
    let url = format!("file://{}#sort=score&dir=asc", report.display());
    let dom = headless(&bin, profile.path(), &["--dump-dom", &url]);
    let console: Vec<&str> = dom.stderr.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "console messages: {console:?}");
    assert!(!dom.stderr.contains("Uncaught"), "{}", dom.stderr);
    assert!(
        dom.stdout.contains("data-report-ready=\"yes\""),
        "the script ran:\n{}",
        dom.stdout
    );
    // Sorted by score, lowest first: the goose joke with its error leads.
    let body = &dom.stdout[dom.stdout.find("<table id=\"pages\"").unwrap()..];
    let first_row = &body[body.find("<tbody>").unwrap()..];
    let first_row = &first_row[..first_row.find("</tr>").unwrap()];
    assert!(first_row.contains("/jokes/goose-joke/"), "{first_row}");
    assert!(body.contains("aria-sort=\"ascending\""));
    let shot = artifacts().join("audit-report.png");
    let _ = std::fs::remove_file(&shot);
    let run = headless(
        &bin,
        profile.path(),
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1280,900",
            &url,
        ],
    );
    assert!(shot.is_file(), "no screenshot: {}", run.stderr);
    assert!(std::fs::metadata(&shot).unwrap().len() > 10_000, "a blank screenshot");
}
