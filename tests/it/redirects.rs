//! Aliases: each old address of an item gets a redirect page and a line in
//! `_redirects`, never a place in the sitemap, the feeds or the search
//! index; an alias that would hide a page or loop is an error at its line.

use crate::support::Site;

fn site() -> Site {
    let s = Site::new();
    s.write(
        "site.yaml",
        "title: Test Jokes\nbase_url: https://jokes.test\npaginate_by: 2\nsearch: true\n",
    );
    s.joke(
        "new-name",
        "aliases:\n  - /jokes/old-name/\n  - /legacy.html\n  - /2019/05/first\n",
    );
    s.joke("other", "");
    s
}

#[test]
fn each_alias_writes_a_redirect_page_and_a_redirects_line() {
    let s = site();
    s.build(&[]).ok();
    for file in ["jokes/old-name/index.html", "legacy.html", "2019/05/first/index.html"] {
        let html = s.out(file);
        let to = "https://jokes.test/jokes/new-name/";
        assert!(
            html.contains(&format!("<link rel=\"canonical\" href=\"{to}\">")),
            "{file}: {html}"
        );
        assert!(
            html.contains(&format!("<meta http-equiv=\"refresh\" content=\"0; url={to}\">")),
            "{html}"
        );
        assert!(html.contains("<meta name=\"robots\" content=\"noindex\">"), "{html}");
    }
    assert_eq!(
        s.out("_redirects"),
        "/jokes/old-name/ /jokes/new-name/ 301\n/legacy.html /jokes/new-name/ 301\n/2019/05/first/ /jokes/new-name/ 301\n"
    );
    for listed in ["sitemap.xml", "jokes/atom.xml", "search-index.json"] {
        let text = s.out(listed);
        assert!(text.contains("/jokes/new-name/"), "{listed} lists the item");
        for old in ["old-name", "legacy", "2019/05"] {
            assert!(!text.contains(old), "{listed} lists the alias {old}");
        }
    }
    // The manifest says which files are redirects, and to where.
    let m: serde_json::Value = serde_json::from_str(&s.out(".punchline-manifest.json")).unwrap();
    assert_eq!(m["files"]["legacy.html"]["redirect"], "/jokes/new-name/");
    assert_eq!(m["files"]["legacy.html"]["source"], "content/jokes/new-name.md");
    assert_eq!(
        m["files"]["jokes/new-name/index.html"]["source"],
        "content/jokes/new-name.md"
    );
    assert!(m["files"]["jokes/new-name/index.html"].get("redirect").is_none());
}

#[test]
fn the_sites_own_redirects_rules_come_first() {
    let s = site();
    s.write("static/_redirects", "/shop https://shop.example 302");
    s.build(&[]).ok();
    assert!(s
        .out("_redirects")
        .starts_with("/shop https://shop.example 302\n/jokes/old-name/ /jokes/new-name/ 301\n"));
}

#[test]
fn colliding_looping_and_bad_aliases_are_errors_at_their_line() {
    let s = Site::new();
    s.joke("a", "aliases:\n  - /jokes/b/\n  - /shared/\n");
    s.joke("b", "aliases: [/jokes/b/]\n");
    s.joke("c", "aliases:\n  - https://old.example/x/\n  - /a/../etc/\n  - /ok/\n");
    let r = s.build(&[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    for line in [
        "content/jokes/c.md:7:5: error[ALS001]: the alias 'https://old.example/x/' is a full address",
        "content/jokes/c.md:8:5: error[ALS001]: the alias '/a/../etc/' has an empty, '.' or '..' segment",
    ] {
        assert!(r.stderr.contains(line), "missing {line:?} in:\n{}", r.stderr);
    }
    // Once every alias is a path, the ones that hide a page or loop.
    s.joke("c", "aliases:\n  - /shared/\n  - /tags/\n");
    let r = s.build(&[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    for line in [
        "content/jokes/a.md:7:5: error[ALS002]: the alias /jokes/b/ is the URL of a live page (content/jokes/b.md)",
        "content/jokes/b.md:6:11: error[ALS003]: the alias /jokes/b/ is this item's own URL",
        "content/jokes/c.md:7:5: error[ALS002]: the alias /shared/ is also an alias of content/jokes/a.md",
        "content/jokes/c.md:8:5: error[ALS002]: the alias /tags/ is a page the site generates",
    ] {
        assert!(r.stderr.contains(line), "missing {line:?} in:\n{}", r.stderr);
    }
    assert!(!s.root().join("public").exists(), "a failed build writes nothing");
}
