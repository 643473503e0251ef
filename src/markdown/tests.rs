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

fn run(body: &str, raw: bool) -> (Rendered, Vec<Diagnostic>) {
    let opts = RenderOptions {
        path: Path::new("content/jokes/x.md"),
        body_line: 10,
        allow_raw_html: raw,
        bodies: Bodies::HtmlAndText,
        resolve: &resolve,
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
            .starts_with("content/jokes/x.md:12: error[LNK001]: broken internal link '@/jokes/gone.md'"),
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
