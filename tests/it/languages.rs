//! A bilingual site (English at `/`, Chinese under `/zh/`): what every page
//! and the sitemap say about languages and translations, and the errors for
//! an unknown language and two versions of one item in one language.

use crate::support::Site;
use quick_xml::events::Event;

/// English and Chinese; a translated joke (by file name), a translated
/// bulletin pair (by `translation_key:`) and a Chinese-only joke.
fn bilingual() -> Site {
    let s = Site::new();
    s.write(
        "site.yaml",
        "title: Test Jokes\nbase_url: https://jokes.test\nlanguage: en\n\
         languages:\n  zh:\n    title: 笑话测试\n    description: 每天的笑话\n",
    );
    s.joke("snowman", "title: The snowman\n");
    s.item(
        "jokes/snowman.zh.md",
        "title: 雪人\nstatus: published\n",
        "雪人对另一个雪人说：你闻到胡萝卜味了吗？\n",
    );
    s.item(
        "jokes/tea.md",
        "title: 茶\nlang: zh\nstatus: published\n",
        "一个只有中文的笑话。\n",
    );
    s.item(
        "bulletins/opening.md",
        "title: We are open\nstatus: published\ntranslation_key: opening\n",
        "Open.\n",
    );
    s.item(
        "bulletins/kaimen.md",
        "title: 开门了\nstatus: published\nlang: zh\ntranslation_key: opening\n",
        "开门。\n",
    );
    s
}

/// The `hreflang -> href` links of a page's head, in order.
fn alternates(html: &str) -> Vec<(String, String)> {
    html.lines()
        .filter_map(|l| l.trim().strip_prefix("<link rel=\"alternate\" hreflang=\""))
        .map(|l| {
            let (lang, rest) = l.split_once('"').unwrap();
            let href = rest.split('"').nth(1).unwrap();
            (lang.to_string(), href.to_string())
        })
        .collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

#[test]
fn pages_carry_their_language_and_link_their_translations_both_ways() {
    let s = bilingual();
    s.build(&[]).ok();
    let en = s.out("jokes/snowman/index.html");
    let zh = s.out("zh/jokes/snowman/index.html");
    assert!(en.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"), "{en}");
    assert!(zh.starts_with("<!DOCTYPE html>\n<html lang=\"zh\">"), "{zh}");
    let want = pairs(&[
        ("en", "https://jokes.test/jokes/snowman/"),
        ("zh", "https://jokes.test/zh/jokes/snowman/"),
        ("x-default", "https://jokes.test/jokes/snowman/"),
    ]);
    assert_eq!(alternates(&en), want);
    assert_eq!(alternates(&zh), want);
    // Linked by translation_key, in different files and folders' names.
    let b = alternates(&s.out("bulletins/opening/index.html"));
    assert_eq!(
        b[1],
        ("zh".to_string(), "https://jokes.test/zh/bulletins/kaimen/".to_string())
    );
    // The switcher: the other language is a link, this one is marked.
    assert!(
        en.contains("<a href=\"/zh/jokes/snowman/\" lang=\"zh\" hreflang=\"zh\">中文</a>"),
        "{en}"
    );
    assert!(en.contains("<span lang=\"en\" aria-current=\"page\">English</span>"));
    assert!(zh.contains("<a href=\"/jokes/snowman/\" lang=\"en\" hreflang=\"en\">English</a>"));
    // A page without translations has neither.
    let tea = s.out("zh/jokes/tea/index.html");
    assert!(tea.contains("<html lang=\"zh\">"));
    assert!(alternates(&tea).is_empty() && !tea.contains("lang-switch"), "{tea}");
    assert!(!s.has("jokes/tea/index.html"));
}

#[test]
fn the_sitemap_lists_every_translation_of_every_translated_url() {
    let s = bilingual();
    s.build(&[]).ok();
    let xml = s.out("sitemap.xml");
    // Parse it: every <url>'s <loc> and its xhtml:link alternates.
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut urls, mut in_loc, mut xhtml_ns) = (Vec::<(String, Vec<(String, String)>)>::new(), false, false);
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) if AsRef::<str>::as_ref(&e.name()) == "urlset" => {
                xhtml_ns = e.attributes().flatten().any(|a| {
                    AsRef::<str>::as_ref(&a.key) == "xmlns:xhtml" && a.value == "http://www.w3.org/1999/xhtml"
                });
            }
            Event::Start(e) if AsRef::<str>::as_ref(&e.name()) == "loc" => in_loc = true,
            // The schema allows other namespaces' elements only at the end
            // of a <url>: no lastmod after an alternate.
            Event::Start(e) if AsRef::<str>::as_ref(&e.name()) == "lastmod" => {
                assert!(urls.last().unwrap().1.is_empty(), "xhtml:link before <lastmod>:\n{xml}");
            }
            Event::Text(t) if in_loc => {
                urls.push((t.xml10_content().into_owned(), Vec::new()));
                in_loc = false;
            }
            Event::Empty(e) if AsRef::<str>::as_ref(&e.name()) == "xhtml:link" => {
                let attr = |k: &str| {
                    e.attributes()
                        .flatten()
                        .find(|a| AsRef::<str>::as_ref(&a.key) == k)
                        .map(|a| a.value.to_string())
                        .unwrap()
                };
                assert_eq!(attr("rel"), "alternate");
                urls.last_mut().unwrap().1.push((attr("hreflang"), attr("href")));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(xhtml_ns, "the xhtml namespace is declared:\n{xml}");
    let of = |loc: &str| {
        urls.iter()
            .find(|(l, _)| l == loc)
            .unwrap_or_else(|| panic!("{loc} in\n{xml}"))
            .1
            .clone()
    };
    let want = pairs(&[
        ("en", "https://jokes.test/jokes/snowman/"),
        ("zh", "https://jokes.test/zh/jokes/snowman/"),
        ("x-default", "https://jokes.test/jokes/snowman/"),
    ]);
    assert_eq!(of("https://jokes.test/jokes/snowman/"), want);
    assert_eq!(of("https://jokes.test/zh/jokes/snowman/"), want);
    assert!(of("https://jokes.test/zh/jokes/tea/").is_empty());
}

#[test]
fn an_unknown_language_is_an_error_at_its_line_with_a_did_you_mean() {
    let s = bilingual();
    s.item("jokes/typo.md", "lang: hz\nstatus: published\n", "x\n");
    let r = s.build(&[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "content/jokes/typo.md:5:1: error[LNG001]: unknown language 'hz': site.yaml does not list it (help: did you mean 'zh'?)"
        ),
        "{}",
        r.stderr
    );
    assert!(!s.has("index.html"), "nothing is written");
}

#[test]
fn two_items_of_one_language_with_one_key_are_an_error() {
    let s = bilingual();
    s.item(
        "bulletins/open-again.md",
        "status: published\ntranslation_key: opening\n",
        "x\n",
    );
    let r = s.build(&[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("content/bulletins/opening.md:6:1: error[LNG002]: two 'en' versions of one item")
            && r.stderr
                .contains("content/bulletins/open-again.md is its 'en' translation already"),
        "{}",
        r.stderr
    );
}
