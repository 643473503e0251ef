//! The per-job input declaration: a change to each kind of input changes
//! the view hash of exactly the jobs that read it.

use super::*;
use crate::build::{load, BuildOptions};
use crate::clock::Clock;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const ROLES: &str = "members:\n  alice: {name: Alice, email: a@x, roles: [copywriter]}\n";

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn joke(root: &Path, n: usize, title: &str, tags: &str, body: &str) {
    let text = format!(
        "---\ntitle: {title}\ndate: 2026-10-0{n}\nauthor: alice\nstatus: published\ntags: {tags}\n---\n{body}\n"
    );
    write(root, &format!("content/jokes/j{n}.md"), &text);
}

/// Five jokes (j5 newest), two per listing page, and a bulletin.
fn site(root: &Path) {
    write(
        root,
        "site.yaml",
        "title: T\nbase_url: https://t.test\npaginate_by: 2\n",
    );
    write(root, "roles.yaml", ROLES);
    for n in 1..=5 {
        let tags = if n == 3 { "[b]" } else { "[a]" };
        joke(root, n, &format!("Joke {n}"), tags, &format!("Body {n}."));
    }
    write(
        root,
        "content/bulletins/b1.md",
        "---\ntitle: News\ndate: 2026-10-01\nauthor: alice\nstatus: published\n---\nNews.\n",
    );
}

/// URL -> hash of what the job reads (its view, without template or
/// site-wide context).
fn view_hashes(root: &Path) -> BTreeMap<String, u64> {
    let mut o = BuildOptions::new(root);
    o.clock = Clock::from_arg(Some("2026-11-25T12:00:00Z")).unwrap();
    let loaded = load(&o).unwrap();
    assert!(!crate::diagnostic::has_errors(&loaded.diags), "{:?}", loaded.diags);
    let site = &loaded.site;
    let versions: Vec<u64> = site
        .pages
        .iter()
        .map(|p| crate::output::cache::page_version(p))
        .collect();
    plan(site, loaded.theme.as_ref().expect("the default theme loads"))
        .iter()
        .map(|job| {
            let mut h = xxhash_rust::xxh3::Xxh3Default::new();
            job.view(site).hash_into(site, &versions, &mut h);
            (job.url(site), h.finish())
        })
        .collect()
}

#[test]
fn each_kind_of_edit_reaches_exactly_the_jobs_that_read_it() {
    type Change = fn(&Path);
    let table: [(&str, Change, &[&str]); 5] = [
        (
            "body of the oldest joke: its page, the listings showing it, the home page",
            |r| joke(r, 1, "Joke 1", "[a]", "Changed."),
            &["/", "/jokes/j1/", "/jokes/page/3/", "/tags/a/page/2/"],
        ),
        (
            "title of the oldest joke: also the jokes that link to it (its newer neighbour, the jokes \
             it is related to by tag a) and the random-joke page",
            |r| joke(r, 1, "Renamed", "[a]", "Body 1."),
            &[
                "/",
                "/jokes/j1/",
                "/jokes/j2/",
                "/jokes/j4/",
                "/jokes/j5/",
                "/jokes/page/3/",
                "/random/",
                "/tags/a/page/2/",
            ],
        ),
        (
            "a bulletin: its page, the bulletins listing, the home page",
            |r| {
                write(
                    r,
                    "content/bulletins/b1.md",
                    "---\ntitle: News\ndate: 2026-10-01\nauthor: alice\nstatus: published\n---\nMore news.\n",
                )
            },
            &["/", "/bulletins/", "/bulletins/b1/"],
        ),
        (
            "a new tag: the tag index, the new term, and the pages showing the joke (the random-joke \
             page shows tags too)",
            |r| joke(r, 3, "Joke 3", "[b, c]", "Body 3."),
            &[
                "/",
                "/jokes/j3/",
                "/jokes/page/2/",
                "/random/",
                "/tags/",
                "/tags/b/",
                "/tags/c/",
            ],
        ),
        (
            "the author's display name: every page showing one of her items",
            |r| write(r, "roles.yaml", &ROLES.replace("Alice", "Alice Chen")),
            &[
                "/",
                "/bulletins/",
                "/bulletins/b1/",
                "/jokes/",
                "/jokes/j1/",
                "/jokes/j2/",
                "/jokes/j3/",
                "/jokes/j4/",
                "/jokes/j5/",
                "/jokes/page/2/",
                "/jokes/page/3/",
                "/tags/a/",
                "/tags/a/page/2/",
                "/tags/b/",
            ],
        ),
    ];
    for (what, change, want) in table {
        let dir = tempfile::tempdir().unwrap();
        site(dir.path());
        let before = view_hashes(dir.path());
        change(dir.path());
        let after = view_hashes(dir.path());
        let reached: BTreeSet<&str> = after
            .iter()
            .filter(|(url, h)| before.get(*url) != Some(h))
            .map(|(url, _)| url.as_str())
            .collect();
        let want: BTreeSet<&str> = want.iter().copied().collect();
        assert_eq!(reached, want, "{what}");
    }
}

#[test]
fn the_home_page_reads_the_newest_items_only() {
    let dir = tempfile::tempdir().unwrap();
    site(dir.path());
    let mut o = BuildOptions::new(dir.path());
    o.clock = Clock::from_arg(Some("2026-11-25T12:00:00Z")).unwrap();
    let loaded = load(&o).unwrap();
    let site = &loaded.site;
    match Job::Home.view(site) {
        JobView::Home { jokes, bulletins, .. } => {
            assert_eq!(jokes, &site.jokes[..5.min(HOME_JOKES)]);
            assert_eq!(bulletins, &site.bulletins[..1]);
        }
        other => panic!("{other:?}"),
    }
}
