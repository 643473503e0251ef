use super::*;

fn resolve(path: &str) -> Target {
    match path {
        "jokes/other.md" => Target::Found("/jokes/other/".into()),
        "jokes/draft.md" => Target::Hidden {
            url: "/jokes/draft/".into(),
            why: "status draft".into(),
        },
        _ => Target::Missing,
    }
}

fn suggest(path: &str) -> Option<String> {
    crate::diagnostic::did_you_mean(path, ["jokes/other.md", "jokes/draft.md"]).map(str::to_string)
}

fn run(body: &str, raw: bool) -> (Rendered, Vec<Diagnostic>) {
    let opts = RenderOptions {
        path: Path::new("content/jokes/x.md"),
        body_line: 10,
        allow_raw_html: raw,
        bodies: Bodies::HtmlAndText,
        resolve: &resolve,
        suggest: &suggest,
    };
    render(body, &opts)
}

#[test]
fn renders_tables_footnotes_strikethrough_and_heading_ids() {
    let (r, d) = run("# Hello World\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ new[^1]\n\n[^1]: note\n\n## Hello World\n\n## Custom {#mine}\n", false);
    assert!(d.is_empty(), "{d:?}");
    assert!(r.html.contains("<h1 id=\"hello-world\">Hello World</h1>"), "{}", r.html);
    assert!(r.html.contains("<table>"));
    assert!(r.html.contains("<del>old</del>"));
    assert!(r.html.contains("footnote"));
    assert!(
        r.html.contains("id=\"hello-world-1\""),
        "duplicate ids are made unique: {}",
        r.html
    );
    assert!(r.html.contains("id=\"mine\""));
    let ids: Vec<_> = r.toc.iter().map(|h| (h.level, h.id.as_str())).collect();
    assert_eq!(ids, vec![(1, "hello-world"), (2, "hello-world-1"), (2, "mine")]);
}

#[test]
fn resolves_internal_links_and_reports_broken_ones_at_their_line() {
    let (r, d) = run(
        "See [other](@/jokes/other.md#end).\n\nAnd [gone](@/jokes/gone.md).\n",
        false,
    );
    assert!(r.html.contains("href=\"/jokes/other/#end\""), "{}", r.html);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code, "LNK001");
    assert_eq!(d[0].line, 12);
    assert!(
        d[0].to_string()
            .starts_with("content/jokes/x.md:12:5: error[LNK001]: broken internal link '@/jokes/gone.md'"),
        "{}",
        d[0]
    );
    assert_eq!(r.links[0].url, "/jokes/other/#end");
    assert!(r.links[0].internal);
    let (r, d) = run("[soon](@/jokes/draft.md)\n", false);
    assert!(r.html.contains("/jokes/draft/"));
    assert_eq!(
        (d[0].code, d[0].severity),
        ("LNK002", crate::diagnostic::Severity::Warning)
    );
}

#[test]
fn raw_html_is_escaped_without_permission() {
    let body = "Hi\n\n<script>alert(1)</script>\n\nText <b onclick=\"x()\">bold</b>\n";
    let (r, d) = run(body, false);
    assert!(!r.html.contains("<script>"), "{}", r.html);
    assert!(!r.html.contains("<b "), "{}", r.html);
    assert!(r.html.contains("&lt;script&gt;"), "{}", r.html);
    assert_eq!(d.iter().filter(|d| d.code == "SEC001").count(), 2, "{d:?}");
    assert_eq!(d[0].line, 12);
    let (r, d) = run(body, true);
    assert!(r.html.contains("<script>alert(1)</script>"));
    assert!(d.is_empty());
}

#[test]
fn script_urls_are_removed_for_everyone() {
    let (r, d) = run(
        "[x](javascript:alert(1)) ![i](data:image/png;base64,AA) [y](JaVaScRiPt:void(0))\n",
        true,
    );
    assert!(!r.html.to_lowercase().contains("javascript:"), "{}", r.html);
    assert!(r.html.contains("data:image/png"));
    assert_eq!(d.iter().filter(|d| d.code == "SEC002").count(), 2);
}

#[test]
fn summary_is_first_paragraph_or_up_to_more() {
    let (r, _) = run("First one.\n\nSecond.\n", false);
    assert_eq!(r.summary_html, "<p>First one.</p>\n");
    let (r, _) = run("A.\n\nB.\n\n<!-- more -->\n\nC.\n", false);
    assert!(
        r.summary_html.contains("B.") && !r.summary_html.contains("C."),
        "{}",
        r.summary_html
    );
    assert!(!r.html.contains("more"), "{}", r.html);
}

#[test]
fn plain_text_words_and_images() {
    let (r, _) = run("Hello *big* world.\n\n![A cat](/cat.png)\n\n我爱笑话\n", false);
    assert!(r.plain_text.contains("Hello big world."));
    assert_eq!(
        r.images,
        vec![Image {
            src: "/cat.png".into(),
            alt: "A cat".into(),
            line: 12
        }]
    );
    assert_eq!(r.word_count, 3 + 4);
}

#[test]
fn counts_words() {
    assert_eq!(count_words("one two  three"), 3);
    assert_eq!(count_words("don't stop-me now."), 3);
    assert_eq!(count_words("数学笑话 ok"), 5);
}

#[test]
fn broken_links_get_a_column_and_a_did_you_mean() {
    let (_, d) = run(
        "Intro.\n\n  Read [this](@/jokes/othre.md) ![pic](@/jokes/drat.md).\n",
        false,
    );
    let lines: Vec<String> = d.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        vec![
            "content/jokes/x.md:12:8: error[LNK001]: broken internal link '@/jokes/othre.md': no page content/jokes/othre.md (help: did you mean '@/jokes/other.md'?)",
            "content/jokes/x.md:12:33: error[LNK001]: broken internal link '@/jokes/drat.md': no page content/jokes/drat.md (help: did you mean '@/jokes/draft.md'?)",
        ]
    );
}

#[test]
fn encoded_script_urls_are_removed_at_their_column() {
    let body = "[a](&#106;avascript:alert(1)) and [b](java&#x09;script:x)\n\n![c](data:image/svg+xml,<svg>) [d](<java script:x>)\n";
    let (r, d) = run(body, true);
    let html = r.html.to_lowercase();
    assert!(!html.contains("script:"), "{}", r.html);
    assert!(!html.contains("svg+xml"), "{}", r.html);
    let at: Vec<(&str, usize, usize)> = d.iter().map(|d| (d.code, d.line, d.col)).collect();
    assert_eq!(
        at,
        vec![
            ("SEC002", 10, 1),
            ("SEC002", 10, 35),
            ("SEC002", 12, 1),
            ("SEC002", 12, 32)
        ]
    );
}

#[test]
fn raw_html_in_shortcode_bodies_follows_the_author_permission() {
    let body = "Intro.\n\n{% quote(author=\"X\") %}\nSaid <img src=x onerror=alert(1)> *so*.\n\n<script>alert(2)</script>\n{% end %}\n";
    let (r, d) = run(body, false);
    let inner = &r.shortcodes[0].body_html;
    assert!(!inner.contains("<img") && !inner.contains("<script>"), "{inner}");
    assert!(
        inner.contains("&lt;img src=x") && inner.contains("&lt;script&gt;"),
        "{inner}"
    );
    assert!(inner.contains("<em>so</em>"), "{inner}");
    let sec: Vec<(usize, usize)> = d
        .iter()
        .filter(|d| d.code == "SEC001")
        .map(|d| (d.line, d.col))
        .collect();
    assert_eq!(sec, vec![(13, 6), (15, 1)], "{d:?}");
    let (r, d) = run(body, true);
    let inner = &r.shortcodes[0].body_html;
    assert!(
        inner.contains("<img src=x onerror=alert(1)>") && inner.contains("<script>alert(2)</script>"),
        "{inner}"
    );
    assert!(d.is_empty(), "{d:?}");
}

#[test]
fn a_typed_placeholder_is_not_a_way_around_the_escaping() {
    let forged = "<!--punchline:shortcode:0--><script>alert(1)</script>\n\n<!--punchline:shortcode:0-->\n";
    let (r, d) = run(forged, false);
    assert!(!r.html.contains("<script>") && !r.html.contains("<!--"), "{}", r.html);
    assert_eq!(d.iter().filter(|d| d.code == "SEC001").count(), 2, "{d:?}");
    let (r, _) = run(&format!("{{{{ banner(link=\"/a/\") }}}}\n\n{forged}"), false);
    assert_eq!(r.html.matches("<!--punchline:shortcode:").count(), 1, "{}", r.html);
    assert!(r.html.starts_with("<!--punchline:shortcode:0-->"), "{}", r.html);
}

#[test]
fn forbidden_characters_are_removed_with_a_warning_at_their_line() {
    let (r, d) = run("Tab\there \u{7}bell\u{0}\n\nok \u{fffe}x\u{ffff} \u{85}\n", false);
    assert!(r.html.contains("Tab\there bell"), "{}", r.html);
    assert!(r.html.contains("<p>ok x</p>"), "{}", r.html);
    assert!(!r.html.chars().any(is_forbidden_char), "{:?}", r.html);
    assert!(!r.plain_text.chars().any(is_forbidden_char));
    let lines: Vec<String> = d.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        vec![
            "content/jokes/x.md:10:10: warning[MD001]: character U+0007 and 1 more removed: pages and feeds cannot carry it (help: delete the invisible character; it often comes from copying text out of another program)",
            "content/jokes/x.md:12:4: warning[MD001]: character U+FFFE and 2 more removed: pages and feeds cannot carry it (help: delete the invisible character; it often comes from copying text out of another program)",
        ]
    );
}

/// Bodies built so that quadratic work in our code would hang the test.
#[test]
fn hostile_bodies_render_without_panic_or_blow_up() {
    let huge_line = "word [x](/a) ".repeat(400_000);
    let bodies = [
        "Plain words and more words.\n".repeat(200_000),
        huge_line.clone(),
        ">".repeat(100_000) + " deep\n",
        "- ".repeat(100_000) + "item\n",
        "* x\n".repeat(100_000),
        "[".repeat(100_000),
        "[x](@/jokes/gone.md) ".repeat(50_000),
        "# Same\n\n".repeat(50_000),
        "<b>x</b>\n".repeat(50_000),
        "<b>x</b> ".repeat(50_000),
        "| a | b |\n|---|---|\n".to_string() + &"| 1 | 2 |\n".repeat(100_000),
        "![i](javascript:x) ".repeat(50_000),
        "\u{7}".repeat(100_000),
    ];
    for body in &bodies {
        let (r, _) = run(body, false);
        assert!(!r.html.is_empty() || body.chars().all(is_forbidden_char));
    }
    let (r, _) = run(&bodies[7], false);
    assert_eq!(r.toc.len(), 50_000);
    assert_eq!(r.toc[49_999].id, "same-49999");
}

#[test]
fn placeholders_are_recognised_wherever_a_shortcode_line_may_stand() {
    for body in [
        "Text\n{{ banner(link=\"/a/\") }}\nmore\n",
        "| a | b |\n|---|---|\n| 1 | 2 |\n{{ banner(link=\"/a/\") }}\n",
        "> quote\n{{ banner(link=\"/a/\") }}\n",
        "- item\n  {{ banner(link=\"/a/\") }}\n",
        "1. one\n\n   {% quote(author=\"x\") %}\n   inner\n   {% end %}\n",
        "    code\n{{ banner(link=\"/a/\") }}\n",
    ] {
        let (r, d) = run(body, false);
        assert!(d.is_empty(), "{body:?}: {d:?}");
        assert_eq!(
            r.html.matches("<!--punchline:shortcode:0-->").count(),
            1,
            "{body:?}: {}",
            r.html
        );
    }
}
