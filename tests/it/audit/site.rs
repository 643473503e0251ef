//! Rules across pages (cannibalization, orphans, duplicates, noindex in the
//! menu) and the theme's templates.

use super::*;

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
fn noindex_bulletins_in_the_headline_ticker() {
    let s = good_site();
    let text = "The joke contest is back, with prizes. ".repeat(10);
    s.item(
        "bulletins/quiet.md",
        &good_fm("joke contest").replace("seo:\n", "seo:\n  noindex: true\n"),
        &text,
    );
    s.item("bulletins/loud.md", &good_fm("joke prizes"), &text);
    let (_, v) = audit_json(&s, &[]);
    let n = found(&v, "AUD203", "content/bulletins/quiet.md");
    assert_eq!(n.len(), 1, "{}", all(&v));
    assert!(n[0]["message"]
        .as_str()
        .unwrap()
        .contains("the headline ticker on every page"));
    assert!(found(&v, "AUD203", "content/bulletins/loud.md").is_empty());
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
