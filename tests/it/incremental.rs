//! Incremental builds: after every kind of edit, `build` with the cache of
//! the previous build (and `serve`, which keeps its cache in memory) gives
//! byte for byte what a build from scratch gives, and an edit rewrites only
//! the files it reaches.

use crate::serve::{edit, Server};
use crate::support::{walk, Site, NOW};
use std::collections::BTreeMap;
use std::path::Path;

/// Every file under `dir`, relative path -> bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walk(dir)
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            (rel, std::fs::read(&p).unwrap())
        })
        .collect()
}

/// Ten jokes with tags and categories, a bulletin, a child theme with its
/// own joke template and stylesheet, and a static file.
pub(crate) fn site() -> Site {
    let s = crate::serve::site();
    s.write(
        "site.yaml",
        "title: Test Jokes\nbase_url: https://jokes.test\npaginate_by: 4\ntheme: child\n",
    )
    .write("themes/child/theme.yaml", "extends: default\n")
    .write(
        "themes/child/templates/joke.html",
        "{% extends 'base.html' %}{% block main %}<h1>{{ page.title }}</h1>v1{% endblock main %}",
    )
    .write("themes/child/static/css/extra.css", "body{color:red}")
    .write("static/robots-note.txt", "hello\n");
    s.item("bulletins/news.md", "status: published\n", "News.\n");
    s
}

/// `build --format json` with `extra`; returns its summary.
fn build(s: &Site, now: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["build", "--now", now, "--format", "json"];
    args.extend_from_slice(extra);
    let run = s.run(&args).ok();
    serde_json::from_str(&run.stdout).unwrap()
}

/// Builds with the cache into public/ and from scratch into fresh/, and
/// checks both trees are the same bytes. Returns the cached build's summary.
fn same_as_fresh(s: &Site, now: &str, what: &str) -> serde_json::Value {
    let summary = build(s, now, &[]);
    assert_eq!(
        summary["incremental"], true,
        "{what}: the cache was not used: {summary}"
    );
    build(s, now, &["--no-cache", "--output", "fresh"]);
    let (inc, fresh) = (tree(&s.root().join("public")), tree(&s.root().join("fresh")));
    assert_eq!(
        inc.keys().collect::<Vec<_>>(),
        fresh.keys().collect::<Vec<_>>(),
        "{what}: different files"
    );
    for (path, bytes) in &inc {
        assert!(bytes == &fresh[path], "{what}: {path} differs from a fresh build");
    }
    summary
}

/// Each edit kind the issue names, as (what, change to the site).
pub(crate) type Edit = (&'static str, fn(&Site));

pub(crate) fn edits() -> Vec<Edit> {
    vec![
        ("body", |s| {
            edit(s, "content/jokes/j4.md", "The joke j4.", "A new punchline.")
        }),
        ("title", |s| {
            edit(
                s,
                "content/jokes/j5.md",
                "title: Title of jokes/j5.md",
                "title: Renamed five",
            )
        }),
        ("tags", |s| edit(s, "content/jokes/j2.md", "tags: [a]", "tags: [b, c]")),
        ("status", |s| {
            edit(s, "content/jokes/j9.md", "status: published", "status: draft")
        }),
        ("date", |s| {
            edit(s, "content/jokes/j7.md", "date: 2026-10-07", "date: 2026-10-11")
        }),
        ("template", |s| {
            s.write(
                "themes/child/templates/joke.html",
                "{% extends \"base.html\" %}{% block main %}<h2>{{ page.title }}</h2>v2{% endblock main %}",
            );
        }),
        ("theme static file", |s| {
            s.write("themes/child/static/css/extra.css", "body{color:blue}");
        }),
        ("site static file", |s| {
            s.write("static/robots-note.txt", "changed\n");
        }),
        ("site.yaml", |s| {
            edit(s, "site.yaml", "title: Test Jokes", "title: Other Jokes")
        }),
        ("roles.yaml", |s| {
            edit(s, "roles.yaml", "name: Alice Chen", "name: Alice C. Chen")
        }),
        ("delete", |s| {
            std::fs::remove_file(s.root().join("content/jokes/j1.md")).unwrap()
        }),
        ("rename", |s| {
            std::fs::rename(
                s.root().join("content/jokes/j6.md"),
                s.root().join("content/jokes/six.md"),
            )
            .unwrap()
        }),
        ("alias", |s| {
            edit(
                s,
                "content/jokes/j8.md",
                "category: even",
                "category: even\naliases: [/old-eight/, /jokes/j8-old.html]",
            )
        }),
        ("new item", |s| {
            s.joke("j11", "date: 2026-10-20\ntags: [new]\n");
        }),
        ("languages", |s| {
            edit(
                s,
                "site.yaml",
                "paginate_by: 4",
                "paginate_by: 4\nlanguages: {zh: {title: 笑话}}",
            )
        }),
        ("new translation", |s| {
            s.item("jokes/j2.zh.md", "title: 笑话二\nstatus: published\n", "笑话。\n");
        }),
        ("translation edit", |s| {
            edit(s, "content/jokes/j2.zh.md", "title: 笑话二", "title: 第二个笑话")
        }),
        // Last: a term file is read again by every build (it is not kept
        // in the cache of sources), which would change the counts after it.
        ("term file", |s| {
            s.write(
                "content/tags/a.md",
                "---\ntitle: Jokes about A\ndescription: Every joke tagged a, with a word about each.\n---\nThe letter *a*.\n",
            );
        }),
        ("term file edit", |s| {
            edit(s, "content/tags/a.md", "The letter *a*.", "The first letter.")
        }),
    ]
}

#[test]
fn a_cached_build_equals_a_fresh_build_after_every_kind_of_edit() {
    let s = site();
    let first = build(&s, NOW, &[]);
    assert_eq!(first["incremental"], false, "the first build has no cache");
    assert!(s.root().join(".punchline/cache").is_dir());
    let unchanged = same_as_fresh(&s, NOW, "no edit");
    assert_eq!(unchanged["pages_rendered"], 0, "{unchanged}");
    assert_eq!(unchanged["files_written"], 1, "only the manifest: {unchanged}");
    assert_eq!(unchanged["sources_parsed"], 0, "nothing read again: {unchanged}");
    assert_eq!(unchanged["bodies_rendered"], 0, "{unchanged}");
    for (what, change) in edits() {
        change(&s);
        let summary = same_as_fresh(&s, NOW, what);
        // Content files parsed and bodies rendered: only the edited file's,
        // except for roles.yaml, which every file is checked against.
        let (parsed, rendered) = match what {
            "body" | "title" | "tags" | "date" | "rename" | "new item" | "alias" | "new translation"
            | "translation edit" => (1, 1),
            // A term file is read like content, but has no body of its own
            // to render among the items.
            "status" | "term file" | "term file edit" => (1, 0),
            "roles.yaml" => (11, 10),
            _ => (0, 0),
        };
        assert_eq!(
            (summary["sources_parsed"].as_u64(), summary["bodies_rendered"].as_u64()),
            (Some(parsed), Some(rendered)),
            "{what}: {summary}"
        );
    }
}

#[test]
fn a_body_linking_to_a_page_that_moves_or_goes_is_rendered_again() {
    let s = site();
    s.item(
        "bulletins/links.md",
        "status: published\n",
        "See [j2](@/jokes/j2.md) and [j3](@/jokes/j3.md).\n",
    );
    build(&s, NOW, &[]);
    assert!(s.out("bulletins/links/index.html").contains("href=\"/jokes/j2/\""));
    edit(
        &s,
        "content/jokes/j2.md",
        "status: published",
        "status: published\nslug: two",
    );
    let summary = same_as_fresh(&s, NOW, "link target's slug");
    assert!(s.out("bulletins/links/index.html").contains("href=\"/jokes/two/\""));
    assert_eq!(
        summary["bodies_rendered"], 2,
        "j2 and the page linking to it: {summary}"
    );
    // A link target that disappears breaks the build, as from scratch.
    std::fs::remove_file(s.root().join("content/jokes/j3.md")).unwrap();
    let run = s.build(&[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("content/bulletins/links.md:") && run.stderr.contains("error[LNK001]"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_file_saved_again_unchanged_is_not_parsed_again() {
    let s = site();
    build(&s, NOW, &[]);
    build(&s, NOW, &[]);
    // Same bytes, new modification time (an editor's save, a git checkout).
    let text = std::fs::read(s.root().join("content/jokes/j4.md")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(s.root().join("content/jokes/j4.md"), text).unwrap();
    let summary = same_as_fresh(&s, NOW, "saved again");
    assert_eq!(summary["sources_parsed"], 0, "{summary}");
    assert_eq!(summary["files_written"], 1, "{summary}");
}

#[test]
fn output_files_deleted_or_added_by_hand_are_repaired_by_a_cached_build() {
    let s = site();
    build(&s, NOW, &[]);
    let public = s.root().join("public");
    std::fs::remove_file(public.join("jokes/j3/index.html")).unwrap();
    std::fs::remove_file(public.join("robots.txt")).unwrap();
    std::fs::write(public.join("tags/a/index.html"), "truncated").unwrap();
    std::fs::write(public.join("stray.html"), "not from a build").unwrap();
    let summary = same_as_fresh(&s, NOW, "output changed by hand");
    assert!(s.has("jokes/j3/index.html") && s.has("robots.txt"), "{summary}");
    assert!(!s.has("stray.html"), "{summary}");
    assert_eq!(
        summary["files_written"], 4,
        "the three files and the manifest: {summary}"
    );
    assert_eq!(summary["files_deleted"], 1, "{summary}");
}

#[test]
fn a_date_crossing_now_is_picked_up_by_a_cached_build() {
    let s = site();
    s.joke("later", "date: 2026-11-01\npublish_at: 2026-12-01T09:00:00Z\n");
    build(&s, NOW, &[]);
    assert!(!s.has("jokes/later/index.html"));
    let summary = same_as_fresh(&s, "2026-12-02T00:00:00Z", "publish_at passed");
    assert!(s.has("jokes/later/index.html"), "{summary}");
}

#[test]
fn an_edit_rewrites_only_the_files_it_reaches_and_deletes_what_is_gone() {
    let s = site();
    build(&s, NOW, &[]);
    let before = tree(&s.root().join("public"));
    edit(&s, "content/jokes/j4.md", "The joke j4.", "A new punchline.");
    let summary = build(&s, NOW, &[]);
    let after = tree(&s.root().join("public"));
    let changed: Vec<&String> = after.keys().filter(|p| before.get(*p) != after.get(*p)).collect();
    assert!(changed.contains(&&"jokes/j4/index.html".to_string()), "{changed:?}");
    assert!(!changed.contains(&&"jokes/j1/index.html".to_string()), "{changed:?}");
    assert_eq!(
        summary["files_written"].as_u64().unwrap() as usize,
        changed.len(),
        "every file written had new bytes: {summary} {changed:?}"
    );
    std::fs::remove_file(s.root().join("content/jokes/j4.md")).unwrap();
    let summary = build(&s, NOW, &[]);
    assert!(!s.has("jokes/j4/index.html"), "a page no longer produced is deleted");
    assert!(!s.root().join("public/jokes/j4").exists(), "and its empty folder");
    assert!(summary["files_deleted"].as_u64().unwrap() >= 1, "{summary}");
}

#[test]
fn a_failed_cached_build_leaves_the_output_and_the_cache_alone() {
    let s = site();
    build(&s, NOW, &[]);
    let before = tree(&s.root().join("public"));
    edit(&s, "content/jokes/j4.md", "author: alice", "author: nobody");
    let run = s.build(&[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("error[ROL004]"), "{}", run.stderr);
    assert_eq!(tree(&s.root().join("public")), before, "nothing was written");
    edit(&s, "content/jokes/j4.md", "author: nobody", "author: alice");
    let summary = same_as_fresh(&s, NOW, "fixed again");
    assert_eq!(summary["pages_rendered"], 0, "{summary}");
}

#[test]
fn a_cache_that_does_not_match_means_a_full_build() {
    let s = site();
    build(&s, NOW, &[]);
    // The output changed behind the build's back: its manifest no longer
    // matches the cache.
    std::fs::write(s.root().join("public/.punchline-manifest.json"), "{}").unwrap();
    assert_eq!(build(&s, NOW, &[])["incremental"], false);
    // A corrupt cache.
    for f in walk(&s.root().join(".punchline/cache")) {
        std::fs::write(f, "not json").unwrap();
    }
    assert_eq!(build(&s, NOW, &[])["incremental"], false);
    assert_eq!(build(&s, NOW, &[])["incremental"], true);
    // --no-cache, and a deleted cache.
    assert_eq!(build(&s, NOW, &["--no-cache"])["incremental"], false);
    std::fs::remove_dir_all(s.root().join(".punchline")).unwrap();
    assert_eq!(build(&s, NOW, &[])["incremental"], false);
}

#[test]
fn serve_equals_a_fresh_build_after_every_kind_of_edit() {
    let s = site();
    let base = ["--base-url", "https://jokes.test"];
    let mut srv = Server::start(&s, &base);
    for (what, change) in edits() {
        change(&s);
        let st = srv.next_rebuild();
        assert_eq!(st["ok"], true, "{what}: {st}");
    }
    let fresh = Server::start(&s, &base);
    assert_eq!(
        srv.manifest(),
        fresh.manifest(),
        "the incremental site differs from a full build"
    );
}
