//! Each page rule on the goose joke changed to trigger it, and the good
//! pair of jokes that must not trigger it.

use super::*;

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
    // The listings show the joke's heading too; that is the joke's doing,
    // not the templates'.
    let theme = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "AUD210")
        .count();
    assert_eq!(theme, 0, "{}", all(&v));
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
