//! Attacks: front matter and content files built to exhaust memory or time,
//! to multiply into the output, or to carry what no page may carry. Every
//! hostile command runs under a memory limit, so a regression fails the test
//! (the command aborts) instead of taking the machine down.

use crate::support::{Run, Site, NOW};
use std::process::Command;

/// Address space a command may use: ample for a small site, far from what
/// an expanded alias bomb or a 200 MB read would need.
const MEMORY_LIMIT: &str = "--as=536870912";

/// `punchline ARGS --now NOW` under [`MEMORY_LIMIT`].
fn limited(s: &Site, args: &[&str]) -> Run {
    let o = Command::new("prlimit")
        .arg(MEMORY_LIMIT)
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_punchline"))
        .args(args)
        .args(["--now", NOW])
        .current_dir(s.root())
        .env_remove("CI")
        .output()
        .expect("prlimit runs");
    Run {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// A site whose public/ holds a previous build's page.
fn site() -> Site {
    let s = Site::new();
    s.write("public/index.html", "previous build\n");
    s
}

/// Asserts the command failed with exit 1, printed `line` exactly, and left
/// public/ as it was.
fn fails_with(s: &Site, r: &Run, line: &str) {
    assert_eq!(r.code, 1, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.lines().any(|l| l == line),
        "expected the line\n{line}\nin stderr:\n{}",
        r.stderr
    );
    assert_eq!(s.outputs(), ["index.html"], "public/ was touched");
    assert_eq!(s.out("index.html"), "previous build\n");
}

/// The help printed with every FM006.
const ALIAS_HELP: &str = "(help: write the values out instead of repeating them with anchors (&) and aliases (*))";

/// Nine anchors, each holding ten aliases of the one before: 10^9 values.
fn chain(first: &str, each: impl Fn(usize) -> String) -> String {
    let mut s = format!("{first}\n");
    for i in 1..10 {
        s.push_str(&each(i));
        s.push('\n');
    }
    s
}

/// The four shapes of bomb, each with the file line and column of the alias
/// that is refused (the front matter starts on line 2).
fn bombs() -> Vec<(&'static str, String, &'static str)> {
    let seq = chain("a0: &a0 [x]", |i| {
        format!("a{i}: &a{i} [{}]", vec![format!("*a{}", i - 1); 10].join(", "))
    });
    let map = chain("a0: &a0 {k: x}", |i| {
        let keys: Vec<String> = (0..10).map(|k| format!("k{k}: *a{}", i - 1)).collect();
        format!("a{i}: &a{i} {{{}}}", keys.join(", "))
    });
    let merge = chain("a0: &a0 {k: x}", |i| {
        let keys: Vec<String> = (0..10).map(|k| format!("k{k}: {{<<: *a{}}}", i - 1)).collect();
        format!("a{i}: &a{i} {{{}}}", keys.join(", "))
    });
    let nested = "a: &a [x, x, x, x, x, x, x, x, x, x]\n\
                  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n\
                  c: &c {k: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b], m: {n: [*b, *b, *b]}}\n\
                  d: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        .to_string();
    vec![
        ("sequence", seq, "6:25"),
        ("mapping", map, "6:23"),
        ("merge", merge, "6:19"),
        ("nested", nested, "5:25"),
    ]
}

fn bomb_file(s: &Site, yaml: &str) {
    s.write(
        "content/jokes/bomb.md",
        &format!("---\n{yaml}title: Bomb\ndate: 2026-11-01\nauthor: alice\nstatus: draft\n---\nBoom.\n"),
    );
}

#[test]
fn yaml_bombs_in_front_matter_are_refused_by_build_check_and_submit() {
    for (shape, yaml, at) in bombs() {
        let s = site();
        bomb_file(&s, &yaml);
        for cmd in [
            &["build"][..],
            &["check"],
            &["submit", "content/jokes/bomb.md", "--as", "alice"],
        ] {
            let r = limited(&s, cmd);
            assert!(
                r.stderr.lines().any(
                    |l| l.starts_with(&format!("content/jokes/bomb.md:{at}: error[FM006]: "))
                        && l.ends_with(ALIAS_HELP)
                ),
                "{shape} bomb, {cmd:?}: {}",
                r.stderr
            );
            fails_with(&s, &r, r.stderr.lines().find(|l| l.contains("FM006")).unwrap());
        }
        let text = std::fs::read_to_string(s.root().join("content/jokes/bomb.md")).unwrap();
        assert!(text.contains("status: draft"), "{shape}: submit changed the file");
    }
}

#[test]
fn the_exact_error_line_of_a_sequence_bomb() {
    let s = site();
    bomb_file(&s, &bombs()[0].1);
    let r = limited(&s, &["check"]);
    fails_with(
        &s,
        &r,
        &format!("content/jokes/bomb.md:6:25: error[FM006]: this alias would make aliases copy 10784 values, over the 10000 allowed {ALIAS_HELP}"),
    );
}

#[test]
fn yaml_bombs_in_site_yaml_and_roles_yaml_are_refused() {
    let (_, yaml, _) = &bombs()[0];
    let s = site();
    s.write("site.yaml", &format!("title: T\n{yaml}"));
    let r = limited(&s, &["build"]);
    fails_with(
        &s,
        &r,
        &format!("site.yaml:6:25: error[CFG001]: site.yaml is refused: this alias would make aliases copy 10784 values, over the 10000 allowed {ALIAS_HELP}"),
    );
    let r = limited(&s, &["check"]);
    assert_eq!(r.code, 1, "{}", r.stderr);

    let s = site();
    s.write("roles.yaml", &format!("{}{yaml}", crate::support::ROLES));
    for cmd in [&["check"][..], &["build"]] {
        let r = limited(&s, cmd);
        assert_eq!(r.code, 1, "{}", r.stderr);
        let first = crate::support::ROLES.lines().count();
        let at = format!("roles.yaml:{}:25: error[ROL001]: ", first + 5);
        assert!(
            r.stderr
                .lines()
                .any(|l| l.starts_with(&at) && l.contains("copy 10784 values")),
            "{}",
            r.stderr
        );
        assert_eq!(s.outputs(), ["index.html"]);
    }
}

#[test]
fn a_hundred_thousand_keys_are_refused_quickly_at_the_first_too_many() {
    let s = site();
    let keys: String = (0..100_000).map(|i| format!("{i}:\n")).collect();
    s.item("jokes/keys.md", &keys, "Body.\n");
    let r = limited(&s, &["check"]);
    // title, date and author (lines 2-4) are keys 1-3: key 2001 is on line 2002.
    assert!(keys.len() < 1 << 20, "under the front matter's size limit");
    fails_with(
        &s,
        &r,
        "content/jokes/keys.md:2002:1: error[FM008]: more than 2000 keys in one mapping (help: remove what is not needed; this is far more than any setting needs)",
    );
}

#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    for (deep, col) in [("[".repeat(100_000), 68), ("{a: ".repeat(100_000), 256)] {
        let s = site();
        s.item("jokes/deep.md", &format!("x: {deep}\n"), "Body.\n");
        let r = limited(&s, &["build"]);
        fails_with(
            &s,
            &r,
            &format!("content/jokes/deep.md:5:{col}: error[FM007]: lists and mappings are nested more than 64 deep (help: flatten the structure: settings and front matter need only a few levels)"),
        );
    }
}

#[test]
fn front_matter_over_a_mebibyte_and_files_over_sixteen_are_refused() {
    let s = site();
    s.item(
        "jokes/big.md",
        &format!("seo: {{description: \"{}\"}}\n", "x".repeat(1_100_000)),
        "Body.\n",
    );
    let r = limited(&s, &["check"]);
    fails_with(
        &s,
        &r,
        "content/jokes/big.md:1:1: error[FM009]: the front matter is 1075 KiB, over the 1024 KiB it may have (help: keep long text in the body, below the closing '---')",
    );

    let s = site();
    // 200 MB, sparse: the size alone must refuse it, before any read.
    s.item("jokes/huge.md", "", "Ha.\n");
    let f = std::fs::OpenOptions::new()
        .append(true)
        .open(s.root().join("content/jokes/huge.md"))
        .unwrap();
    f.set_len(200_000_000).unwrap();
    let r = limited(&s, &["build"]);
    fails_with(
        &s,
        &r,
        "content/jokes/huge.md: error[IO002]: the file is 191 MiB, over the 16 MiB a content file may have (help: split it into several items, or move large media out of content/)",
    );
}

#[test]
fn a_huge_title_is_refused_at_the_title() {
    let s = site();
    s.item("jokes/t.md", &format!("title: {}\n", "ha".repeat(5_000)), "Body.\n");
    let r = limited(&s, &["check"]);
    fails_with(
        &s,
        &r,
        "content/jokes/t.md:4:8: error[FM010]: 'title' is 10000 characters long, over the 500 a title may have (help: shorten it; put the rest in the body or in seo.description)",
    );
}

#[test]
fn thousands_of_tags_are_refused_at_the_first_too_many() {
    let s = site();
    let tags: String = (0..5_000).map(|i| format!("  - tag{i}\n")).collect();
    s.joke("many", &format!("tags:\n{tags}"));
    let r = limited(&s, &["build"]);
    // status (5), tags: (6), then one tag a line: the 21st is on line 27.
    fails_with(
        &s,
        &r,
        "content/jokes/many.md:27:5: error[TAX001]: 5000 tags, over the 20 an item may have (help: keep the 20 that matter most, or raise limits.tags_per_item in site.yaml)",
    );

    let s = site();
    s.write(
        "site.yaml",
        "title: T\nbase_url: https://jokes.test\nlimits: {tags_per_item: 2}\n",
    );
    s.joke("three", "tags: [a, b, c]\n");
    let r = limited(&s, &["build"]);
    fails_with(
        &s,
        &r,
        "content/jokes/three.md:6:14: error[TAX001]: 3 tags, over the 2 an item may have (help: keep the 2 that matter most, or raise limits.tags_per_item in site.yaml)",
    );
}

#[test]
fn cards_show_five_tags_and_a_count_of_the_rest() {
    let s = Site::new();
    s.joke("eight", "tags: [t1, t2, t3, t4, t5, t6, t7, t8]\n");
    s.build(&[]).ok();
    let tag_page = s.out("tags/t8/index.html");
    assert!(tag_page.contains("href=\"/tags/t5/\""), "{tag_page}");
    assert!(!tag_page.contains("href=\"/tags/t6/\""), "{tag_page}");
    assert!(tag_page.contains("+3 more"), "{tag_page}");
    let own = s.out("jokes/eight/index.html");
    assert!(
        own.contains("href=\"/tags/t8/\""),
        "the item's own page lists every tag"
    );
}

#[test]
fn tags_without_a_url_and_too_long_tags_are_refused_at_their_line() {
    let s = site();
    s.joke(
        "empty",
        "tags:\n  - ok\n  - \"!!!\"\n  - \"。\"\n  - \"..\"\ncategory: \"?\"\n",
    );
    let r = limited(&s, &["build"]);
    for (line, name) in [(8, "!!!"), (9, "。"), (10, "..")] {
        let want = format!("content/jokes/empty.md:{line}:5: error[TAX002]: the tag '{name}' has no letters or digits, so it has no URL (help: use a tag with at least one letter or digit)");
        fails_with(&s, &r, &want);
    }
    fails_with(&s, &r, "content/jokes/empty.md:11:11: error[TAX002]: the category '?' has no letters or digits, so it has no URL (help: use a category with at least one letter or digit)");

    let s = site();
    s.joke("long", &format!("tags: [short, {}]\n", "word".repeat(70)));
    let r = limited(&s, &["build"]);
    fails_with(
        &s,
        &r,
        "content/jokes/long.md:6:15: error[TAX003]: the tag is 280 bytes as a URL folder name, over the 255 a folder name may have (help: shorten the tag to a few words)",
    );
}

#[test]
fn a_body_that_is_not_utf8_is_reported_at_the_bad_byte() {
    let s = site();
    s.write("content/jokes/latin1.md", "");
    std::fs::write(
        s.root().join("content/jokes/latin1.md"),
        b"---\ntitle: T\ndate: 2026-11-01\nauthor: alice\n---\nLine one.\nCaf\xE9 au lait.\n",
    )
    .unwrap();
    for cmd in [
        &["check"][..],
        &["build"],
        &["submit", "content/jokes/latin1.md", "--as", "alice"],
    ] {
        let r = limited(&s, cmd);
        fails_with(
            &s,
            &r,
            "content/jokes/latin1.md:7:4: error[IO001]: the file is not UTF-8 text: byte 0xE9 here (help: save the file as UTF-8 in your editor)",
        );
    }
}

#[test]
fn far_future_dates_mean_never_and_build() {
    let s = Site::new();
    s.joke("never", "expires: 9999-12-31\ndue: 9999-12-31T23:59:59Z\n");
    s.item(
        "bulletins/later.md",
        "status: published\ndate: 9999-12-31\npublish_at: 9999-12-31\n",
        "Not yet.\n",
    );
    let r = s.build(&[]).ok();
    assert!(!r.stderr.contains("error"), "{}", r.stderr);
    assert!(s.has("jokes/never/index.html"));
    assert!(!s.has("bulletins/later/index.html"), "scheduled for the year 9999");
    let sitemap = s.out("sitemap.xml");
    assert!(
        sitemap.contains("<loc>https://jokes.test/jokes/never/</loc>"),
        "{sitemap}"
    );
    limited(&s, &["check"]).ok();
}

#[test]
fn control_characters_in_a_title_are_stripped_with_a_warning() {
    let s = Site::new();
    s.write(
        "content/jokes/ctl.md",
        "---\ntitle: \"Bad\\x07 bell\\uFFFE\"\ndate: 2026-11-01\nauthor: alice\nstatus: published\ntags: [\"a\u{1}b\"]\n---\nBody.\n",
    );
    let r = s.build(&[]).ok();
    let warnings: Vec<&str> = r.stderr.lines().filter(|l| l.contains("FM011")).collect();
    assert_eq!(
        warnings,
        [
            "content/jokes/ctl.md:2:8: warning[FM011]: control characters (or U+FFFE, U+FFFF) were removed from this text (help: delete them: pages, feeds and sitemaps cannot carry them)",
            "content/jokes/ctl.md:6:10: warning[FM011]: control characters (or U+FFFE, U+FFFF) were removed from this text (help: delete them: pages, feeds and sitemaps cannot carry them)",
        ],
        "{}",
        r.stderr
    );
    let page = s.out("jokes/ctl/index.html");
    assert!(page.contains("Bad bell"), "{page}");
    let feed = s.out("jokes/atom.xml");
    let mut reader = quick_xml::Reader::from_str(&feed);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("the feed does not parse: {e}\n{feed}"),
        }
    }
    assert!(feed.contains("Bad bell"), "{feed}");
}

#[test]
fn a_missing_title_is_reported_at_the_opening_line() {
    let s = site();
    s.write(
        "content/specials/x.md",
        "---\ndate: 2026-11-01\nauthor: alice\nhero: {image: /a.png}\nselect: {tags: [a]}\n---\n",
    );
    let r = limited(&s, &["check"]);
    fails_with(
        &s,
        &r,
        "content/specials/x.md:1:1: error[FM004]: missing required field 'title' in front matter (help: add a line 'title: ...' between the '---' lines)",
    );
    fails_with(
        &s,
        &r,
        "content/specials/x.md:4:1: error[FM004]: the hero image has no 'alt' text (help: describe the image for screen readers: alt: \"...\")",
    );
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_out_of_the_site_is_an_error_at_the_link() {
    let s = site();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.md"),
        "---\ntitle: Secret\ndate: 2026-11-01\nauthor: alice\nstatus: published\n---\nPrivate.\n",
    )
    .unwrap();
    std::fs::create_dir_all(s.root().join("content/jokes")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.md"),
        s.root().join("content/jokes/secret.md"),
    )
    .unwrap();
    let r = limited(&s, &["build"]);
    fails_with(
        &s,
        &r,
        "content/jokes/secret.md: error[CNT002]: this symbolic link leads outside the site folder (help: copy the file into content/ instead of linking to it)",
    );
}
