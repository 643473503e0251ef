//! Attacks: safety. Content that reaches readers must be safe whoever wrote
//! it and however: script URLs in every place a URL can be written, raw
//! HTML inside shortcode bodies, characters that break feeds and pages,
//! and bodies built to exhaust the renderer. Each failure names the exact
//! `file:line:col` a user would be sent to.

use crate::support::{main_region, Site};

/// Whether `text` holds a character XML 1.0 forbids or a control character
/// HTML calls a parse error.
fn has_forbidden(text: &str) -> bool {
    text.chars().any(|c| {
        let n = c as u32;
        (n < 0x20 && !matches!(c, '\t' | '\n' | '\r')) || (0x7f..=0x9f).contains(&n) || n == 0xfffe || n == 0xffff
    })
}

/// Reads `xml` to the end with quick-xml, unescaping every text; panics
/// on the first error.
fn assert_parses(name: &str, xml: &str) {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut elements = 0;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(quick_xml::events::Event::Start(_)) => elements += 1,
            Ok(quick_xml::events::Event::GeneralRef(r)) => {
                // A character reference is the other way to write a forbidden character.
                let c = r.resolve_char_ref().unwrap_or_else(|e| panic!("{name}: {e}"));
                assert!(!c.is_some_and(|c| has_forbidden(&c.to_string())), "{name}: {r:?}");
            }
            Ok(_) => {}
            Err(e) => panic!(
                "{name} is not well-formed XML at {}: {e}\n{xml}",
                reader.buffer_position()
            ),
        }
    }
    assert!(elements > 1, "{name} has elements: {xml}");
    assert!(!has_forbidden(xml), "{name} carries a character XML forbids: {xml:?}");
}

/// No form of a script URL survives in `html`.
fn assert_no_script_url(what: &str, html: &str) {
    let lower = html.to_lowercase();
    for bad in [
        "avascript:",
        "vbscript:",
        "&#106;",
        "&#x6a;",
        "&colon;",
        "&tab;",
        "data:text",
        "data:image/svg",
    ] {
        assert!(!lower.contains(bad), "{what} still holds {bad:?}:\n{html}");
    }
}

#[test]
fn script_urls_in_any_shortcode_argument_are_refused_at_their_value() {
    let s = Site::new();
    // A theme shortcode with an argument name of its own, printed unescaped
    // into an attribute (where a browser would decode entities).
    s.write("site.yaml", "title: T\nbase_url: https://jokes.test\ntheme: mine\n")
        .write("themes/mine/theme.yaml", "extends: default\n")
        .write(
            "themes/mine/templates/shortcodes/card.html",
            "<a class=\"card\" href=\"{{ target | safe }}\">{{ label }}</a>\n",
        );
    s.item(
        "jokes/sc.md",
        "status: published\n",
        concat!(
            "Setup.\n",
            "{{ banner(image=\"/ad.png\", link=\"&#106;avascript:alert(1)\", alt=\"Ad\") }}\n",
            "{{ video(src=\"JaVaScRiPt:alert(2)\", poster=\"java&Tab;script:alert(3)\", caption=\"C\") }}\n",
            "{{ card(target=\"  java\tscript&colon;alert(4)\", label=\"go\") }}\n",
            "{{ card(target=\"%6Aavascript:alert(5)\", label=\"vb\") }}\n",
            "{{ card(target=\"data:text/html,<script>alert(6)</script>\", label=\"d\") }}\n",
            "{{ card(target=\"https://example.com/ok\", label=\"fine\") }}\n",
            "{{ banner(image=\"data:image/png;base64,iVBORw0KGgo=\", link=\"vbscript:msgbox(7)\", alt=\"Ad\") }}\n",
        ),
    );
    let run = s.build(&[]).ok();
    let warnings: Vec<&str> = run.stderr.lines().filter(|l| l.contains("SEC002")).collect();
    let at: Vec<&str> = warnings.iter().map(|l| l.split(": warning").next().unwrap()).collect();
    assert_eq!(
        at,
        [
            "content/jokes/sc.md:8:33",
            "content/jokes/sc.md:9:14",
            "content/jokes/sc.md:9:44",
            "content/jokes/sc.md:10:16",
            "content/jokes/sc.md:11:16",
            "content/jokes/sc.md:12:16",
            "content/jokes/sc.md:14:60",
        ],
        "{}",
        run.stderr
    );
    assert!(
        warnings[0].ends_with("warning[SEC002]: unsafe URL '&#106;avascript:alert(1)' replaced by '#' (help: URLs must be http(s), mailto, relative or @/ paths (images may also be data:image/, not SVG); javascript:, vbscript:, file: and data: run code or leak files)"),
        "{}",
        warnings[0]
    );
    let html = main_region(&s.out("jokes/sc/index.html")).to_string();
    assert_no_script_url("the page", &html);
    assert!(html.contains(r##"<a class="card" href="#">go</a>"##), "{html}");
    assert!(html.contains(r#"href="https://example.com/ok""#), "{html}");
    assert!(
        html.contains(r#"src="data:image/png;base64,iVBORw0KGgo=""#),
        "raster data images stay: {html}"
    );
    assert_no_script_url("the feed", &s.out("jokes/atom.xml"));
}

#[test]
fn script_urls_in_front_matter_are_dropped_at_their_value() {
    let s = Site::new();
    s.item(
        "jokes/seo.md",
        "status: published\ntags: [winter]\nseo:\n  image: \"&#x6A;avascript:alert(1)\"\n  canonical: \" JAVASCRIPT:alert(2)\"\n",
        "Ha.\n",
    );
    s.item(
        "specials/sp.md",
        "status: published\nhero:\n  image: \"data:image/svg+xml,<svg onload=alert(3)>\"\n  alt: A sky\nselect: {tags: [winter]}\n",
        "Welcome.\n",
    );
    let run = s.build(&[]).ok();
    for want in [
        "content/jokes/seo.md:8:10: warning[SEC002]: unsafe URL '&#x6A;avascript:alert(1)' dropped",
        "content/jokes/seo.md:9:14: warning[SEC002]: unsafe URL ' JAVASCRIPT:alert(2)' dropped",
        "content/specials/sp.md:7:10: warning[SEC002]: unsafe URL 'data:image/svg+xml,<svg onload=alert(3)>' dropped",
    ] {
        assert!(run.stderr.contains(want), "missing {want:?} in:\n{}", run.stderr);
    }
    let joke = s.out("jokes/seo/index.html");
    assert_no_script_url("the joke", &joke);
    assert!(
        joke.contains(r#"<link rel="canonical" href="https://jokes.test/jokes/seo/">"#),
        "the page's own address stands in: {joke}"
    );
    assert!(!joke.contains("og:image"), "{joke}");
    let special = s.out("specials/sp/index.html");
    assert_no_script_url("the special", &special);
    assert!(!special.contains("<img"), "no hero without a safe image: {special}");
    assert!(
        s.out("sitemap.xml").contains("/jokes/seo/"),
        "still listed under its own URL"
    );
}

#[test]
fn raw_html_in_shortcode_bodies_needs_the_raw_html_permission() {
    let s = Site::new();
    let body = "Setup.\n\n{% quote(author=\"X\") %}\nSaid <img src=x onerror=alert(1)> *so*.\n\n<script>alert(2)</script>\n{% end %}\n";
    s.item("jokes/copy.md", "status: published\n", body).item(
        "jokes/trusted.md",
        "status: published\nauthor: erin\n",
        body,
    );
    let run = s.build(&[]).ok();
    let sec: Vec<&str> = run.stderr.lines().filter(|l| l.contains("SEC001")).collect();
    assert_eq!(sec.len(), 2, "{}", run.stderr);
    assert!(
        sec[0].starts_with(
            "content/jokes/copy.md:10:6: warning[SEC001]: raw HTML '<img src=x onerror=alert(1)>' shown as text"
        ),
        "{}",
        sec[0]
    );
    assert!(
        sec[1].starts_with("content/jokes/copy.md:12:1: warning[SEC001]: raw HTML '<script>alert(2)</script>'"),
        "{}",
        sec[1]
    );
    let copy = main_region(&s.out("jokes/copy/index.html")).to_string();
    assert!(!copy.contains("<img") && !copy.contains("<script>"), "{copy}");
    assert!(
        copy.contains("&lt;img src=x onerror=alert(1)&gt;") && copy.contains("<em>so</em>"),
        "{copy}"
    );
    let trusted = main_region(&s.out("jokes/trusted/index.html")).to_string();
    assert!(
        trusted.contains("<img src=x onerror=alert(1)>") && trusted.contains("<script>alert(2)</script>"),
        "an author with raw_html keeps it: {trusted}"
    );
}

#[test]
fn a_typed_placeholder_does_not_smuggle_html() {
    let s = Site::new();
    s.item(
        "jokes/forged.md",
        "status: published\n",
        "{{ banner(image=\"/a.png\", link=\"/b/\", alt=\"Ad\") }}\n\n<!--punchline:shortcode:0--><script>alert(1)</script>\n",
    );
    let run = s.build(&[]).ok();
    assert!(
        run.stderr.contains("content/jokes/forged.md:9:1: warning[SEC001]"),
        "{}",
        run.stderr
    );
    let html = main_region(&s.out("jokes/forged/index.html")).to_string();
    assert!(!html.contains("<script>"), "{html}");
    assert_eq!(html.matches("<aside class=\"banner\"").count(), 1, "{html}");
}

#[test]
fn odd_characters_never_reach_feeds_sitemap_or_pages() {
    let s = Site::new();
    // YAML escapes put the characters into the values; the body holds them raw.
    s.item(
        "jokes/odd.md",
        "status: published\ntitle: \"Bell\\a, \\x01 start \\uFFFE and \\uFFFF end\\x1b[2J\"\ntags: [\"t\\x02ag\"]\nseo: {description: \"d\\x0b\\x0c\"}\n",
        "Body \u{1} with \u{b}\u{c} and \u{7f}\u{85}.\n\nMore \u{fffe} and \u{ffff} and \u{1b}[31m red.\n\n{% quote(author=\"A\u{8}B\") %}\nIn \u{0}side.\n{% end %}\n",
    );
    s.item(
        "bulletins/news.md",
        "status: published\ntitle: \"News\\x07\"\n",
        "News \u{7}.\n",
    );
    let run = s.build(&[]).ok();
    for want in [
        "content/jokes/odd.md:9:6: warning[MD001]: character U+0001 and 4 more removed",
        "content/jokes/odd.md:11:6: warning[MD001]: character U+FFFE and 2 more removed",
        "content/jokes/odd.md:13:19: warning[MD001]: character U+0008 removed",
        "content/jokes/odd.md:14:4: warning[MD001]: character U+0000 removed",
        "content/bulletins/news.md:7:6: warning[MD001]: character U+0007 removed",
    ] {
        assert!(run.stderr.contains(want), "missing {want:?} in:\n{}", run.stderr);
    }
    for feed in ["jokes/atom.xml", "bulletins/atom.xml", "sitemap.xml"] {
        assert_parses(feed, &s.out(feed));
    }
    assert!(s
        .out("jokes/atom.xml")
        .contains("<title>Bell,  start  and  end[2J</title>"));
    let mut pages = 0;
    for rel in s.outputs().iter().filter(|f| f.ends_with(".html")) {
        let html = s.out(rel);
        assert!(!has_forbidden(&html), "{rel} carries a control character: {html:?}");
        pages += 1;
    }
    assert!(pages > 5, "pages were checked");
    let joke = s.out("jokes/odd/index.html");
    assert!(
        joke.contains("Body  with  and .") && joke.contains("[31m red"),
        "{joke}"
    );
    assert!(joke.contains("In side."), "{joke}");
}

#[test]
fn links_and_shortcodes_are_located_to_the_column() {
    let s = Site::new();
    s.joke("chicken", "");
    s.item(
        "jokes/cols.md",
        "status: published\n",
        concat!(
            "Intro.\n",
            "\n",
            "Read   [this](@/jokes/chiken.md) first.\n",
            "\n",
            "   {{ banner(image=/a.png) }}\n",
            "\n",
            "  {{ qoute(author=\"Marx\") }}\n",
            "\n",
            "    {% quote(author=\"Marx\") %}\n",
            "never closed\n",
        ),
    );
    let run = s.build(&[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    for want in [
        "content/jokes/cols.md:9:8: error[LNK001]: broken internal link '@/jokes/chiken.md': no page content/jokes/chiken.md (help: did you mean '@/jokes/chicken.md'?)",
        "content/jokes/cols.md:11:4: error[SC001]: malformed shortcode: the value of 'image' must be \"text\", a number, true or false (help: write {{ name(key=\"value\", n=3) }} on a line of its own)",
        "content/jokes/cols.md:13:3: error[SC002]: unknown shortcode 'qoute' (help: did you mean 'quote'? The theme has: banner, quote, video)",
        "content/jokes/cols.md:15:5: error[SC001]: shortcode 'quote' is never closed (help: end it with a line {% end %})",
    ] {
        assert!(
            run.stderr.lines().any(|l| l == want),
            "missing line {want:?} in:\n{}",
            run.stderr
        );
    }
}

/// Bodies built so that quadratic work, deep recursion or an unchecked
/// index anywhere between Markdown and the written page would hang or
/// crash the build.
#[test]
fn hostile_bodies_build_without_panic_or_blow_up() {
    let s = Site::new();
    let mut shortcodes = String::new();
    for i in 0..50_000 {
        shortcodes.push_str(&format!("{{% quote(author=\"A{i}\") %}}\nq\n{{% end %}}\n"));
    }
    s.item("jokes/many.md", "status: published\n", &shortcodes);
    s.item(
        "jokes/nest.md",
        "status: published\n",
        &(">".repeat(100_000) + " deep\n"),
    );
    s.item(
        "jokes/list.md",
        "status: published\n",
        &("- ".repeat(100_000) + "item\n"),
    );
    s.item("jokes/brackets.md", "status: published\n", &"[".repeat(100_000));
    s.item(
        "jokes/table.md",
        "status: published\n",
        &("| a | b |\n|---|---|\n".to_string() + &"| [x](/y) | 2 |\n".repeat(100_000)),
    );
    s.item(
        "jokes/big.md",
        "status: published\n",
        &"A line of words, *some* kept.\n\n# Same\n\n".repeat(120_000),
    );
    s.item(
        "jokes/open.md",
        "status: published\n",
        &"{{ banner(link=\"{{ \" }}\n{% quote(\n".repeat(20_000),
    );
    let run = s.build(&[]);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_eq!(run.code, 1, "the unclosed calls are errors: {}", run.stderr);
    let first = "content/jokes/open.md:7:1: error[SC001]: malformed shortcode: expected ')' at the end";
    assert!(run.stderr.lines().any(|l| l.starts_with(first)), "{}", run.stderr);
    // Fifty listed, the rest counted in one line: what a file reports is
    // bounded, whatever it holds.
    assert_eq!(run.stderr.matches("error[SC001]").count(), 51, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("error[SC001]: 19950 more SC001 problems in this file not listed"),
        "{}",
        run.stderr
    );
    s.write(
        "content/jokes/open.md",
        "---\ntitle: Open\ndate: 2026-11-01\nauthor: alice\n---\nFine.\n",
    );
    let run = s.build(&[]).ok();
    assert!(!run.stderr.contains("panicked"));
    assert_eq!(
        s.out("jokes/many/index.html")
            .matches("<figure class=\"quote-card\">")
            .count(),
        50_000
    );
    assert!(s.out("jokes/nest/index.html").contains("deep"));
    assert!(s.out("jokes/big/index.html").contains("id=\"same-119999\""));
}

#[test]
fn script_urls_in_the_menu_are_refused_at_their_value() {
    let s = Site::new();
    s.write(
        "site.yaml",
        "title: T\nbase_url: https://jokes.test\nmenu:\n  - {name: Jokes, url: /jokes/}\n  - {name: Evil, url: \"java&#x09;script:alert(1)\"}\n",
    );
    s.joke("a", "");
    let run = s.build(&[]).ok();
    assert!(
        run.stderr
            .contains("site.yaml:5:23: warning[SEC002]: unsafe URL 'java&#x09;script:alert(1)' replaced by '#'"),
        "{}",
        run.stderr
    );
    let home = s.out("index.html");
    assert_no_script_url("the home page", &home);
    assert!(home.contains(r##"<a href="#">Evil</a>"##), "{home}");
    assert!(home.contains(r#"<a href="/jokes/">Jokes</a>"#), "{home}");
}
