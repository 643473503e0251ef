//! `punchline serve`: a real server on a free port, real file edits, and
//! what it serves and re-renders afterwards.

use crate::support::{Site, NOW};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `punchline serve`, stopped on drop.
pub(crate) struct Server {
    pub(crate) child: Child,
    pub(crate) base: String,
    generation: u64,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn status(base: &str) -> serde_json::Value {
    let body = ureq::get(&format!("{base}/__punchline/status"))
        .call()
        .unwrap()
        .into_body()
        .read_to_string()
        .unwrap();
    serde_json::from_str(&body).unwrap()
}

impl Server {
    pub(crate) fn start(site: &Site, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_punchline"))
            .args(["serve", "--port", "0", "--now", NOW])
            .args(extra)
            .current_dir(site.root())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let base = loop {
            let line = lines.next().expect("serve printed its address").unwrap();
            if let Some(rest) = line.strip_prefix("serving ") {
                break rest.split('/').take(3).collect::<Vec<_>>().join("/");
            }
        };
        // Keep reading stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        let generation = status(&base)["generation"].as_u64().unwrap();
        Server {
            child,
            base,
            generation,
        }
    }

    /// Waits for the next rebuild and returns its status.
    pub(crate) fn next_rebuild(&mut self) -> serde_json::Value {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let s = status(&self.base);
            if s["generation"].as_u64().unwrap() > self.generation {
                self.generation = s["generation"].as_u64().unwrap();
                return s;
            }
            assert!(Instant::now() < deadline, "no rebuild within 10 s");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub(crate) fn get(&self, path: &str) -> (u16, String) {
        let resp = ureq::get(&format!("{}{path}", self.base))
            .config()
            .http_status_as_error(false)
            .build()
            .call()
            .unwrap();
        let code = resp.status().as_u16();
        (code, resp.into_body().read_to_string().unwrap())
    }

    pub(crate) fn manifest(&self) -> serde_json::Value {
        serde_json::from_str(&self.get("/__punchline/manifest").1).unwrap()
    }
}

/// Ten jokes in two categories; j1..j10 by date, j10 newest. j3 has tags a and b.
pub(crate) fn site() -> Site {
    let s = Site::new();
    s.write(
        "site.yaml",
        "title: Test Jokes\nbase_url: https://jokes.test\npaginate_by: 4\n",
    );
    for i in 1..=10 {
        let tags = if i == 3 { "[a, b]" } else { "[a]" };
        let cat = if i % 2 == 0 { "even" } else { "odd" };
        s.joke(
            &format!("j{i}"),
            &format!("date: 2026-10-{i:02}\ntags: {tags}\ncategory: {cat}\n"),
        );
    }
    s
}

/// The URLs a rebuild reported as changed.
fn changed_urls(st: &serde_json::Value) -> Vec<&str> {
    st["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect()
}

pub(crate) fn edit(site: &Site, rel: &str, from: &str, to: &str) {
    let p = site.root().join(rel);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "{rel} lacks {from:?}");
    std::fs::write(p, text.replace(from, to)).unwrap();
}

#[test]
fn a_body_edit_re_renders_only_the_pages_that_show_it() {
    let s = site();
    let mut srv = Server::start(&s, &[]);
    assert!(
        srv.base.starts_with("http://127.0.0.1:"),
        "binds 127.0.0.1 by default: {}",
        srv.base
    );
    edit(&s, "content/jokes/j3.md", "The joke j3.", "The joke j3, now funnier.");
    let st = srv.next_rebuild();
    // Newest first, four a page: j3 is on jokes page 2 (j6..j3), tag a page 2,
    // tag b page 1 (alone), category odd page 1 (j9 j7 j5 j3), and the home
    // page (the ten latest jokes).
    let changed = changed_urls(&st);
    for url in [
        "/jokes/j3/",
        "/jokes/page/2/",
        "/tags/a/page/2/",
        "/tags/b/",
        "/categories/odd/",
        "/",
        "/search-index.json",
        "/jokes/atom.xml",
    ] {
        assert!(changed.contains(&url), "{url} not re-rendered: {changed:?}");
    }
    assert_eq!(st["rendered"], 6, "exactly the six pages that show j3's body: {st}");
    assert!(
        !changed.contains(&"/jokes/j2/"),
        "neighbours show only the title, which did not change"
    );
    assert!(srv.get("/jokes/j3/").1.contains("The joke j3, now funnier."));
}

#[test]
fn a_title_edit_also_re_renders_the_neighbours() {
    let s = site();
    let mut srv = Server::start(&s, &[]);
    edit(
        &s,
        "content/jokes/j5.md",
        "title: Title of jokes/j5.md",
        "title: A brand new title",
    );
    let st = srv.next_rebuild();
    let changed = changed_urls(&st);
    // Joke pages link to their neighbours in the category (odd: j9 j7 j5 j3 j1).
    assert!(
        changed.contains(&"/jokes/j3/") && changed.contains(&"/jokes/j7/"),
        "{changed:?}"
    );
    assert!(srv.get("/jokes/j7/").1.contains("A brand new title"));
    assert!(!changed.contains(&"/jokes/j4/"), "an even joke does not show j5");
}

#[test]
fn adding_renaming_and_deleting_files_and_tags() {
    let s = site();
    let mut srv = Server::start(&s, &[]);
    s.joke("fresh", "date: 2026-11-01\ntags: [brand-new]\n");
    srv.next_rebuild();
    assert_eq!(srv.get("/jokes/fresh/").0, 200);
    assert_eq!(srv.get("/tags/brand-new/").0, 200, "a new tag gets its page");
    assert!(srv.get("/tags/").1.contains("/tags/brand-new/"));
    std::fs::rename(
        s.root().join("content/jokes/fresh.md"),
        s.root().join("content/jokes/renamed.md"),
    )
    .unwrap();
    srv.next_rebuild();
    assert_eq!(srv.get("/jokes/fresh/").0, 404);
    assert_eq!(srv.get("/jokes/renamed/").0, 200);
    std::fs::remove_file(s.root().join("content/jokes/renamed.md")).unwrap();
    srv.next_rebuild();
    assert_eq!(srv.get("/jokes/renamed/").0, 404);
    assert_eq!(srv.get("/tags/brand-new/").0, 404, "a tag nobody uses disappears");
    let (code, body) = srv.get("/tags/brand-new/");
    assert_eq!(code, 404);
    assert!(body.contains("Page not found"), "the theme's 404 page");
}

#[test]
fn errors_keep_the_last_good_site_and_clear_when_fixed() {
    let s = site();
    let mut srv = Server::start(&s, &[]);
    edit(
        &s,
        "content/jokes/j2.md",
        "status: published\n",
        "status: published\nreviwer: bob\n",
    );
    let st = srv.next_rebuild();
    assert_eq!(st["ok"], false);
    let err = st["errors"][0].as_str().unwrap();
    assert!(
        err.starts_with("content/jokes/j2.md:5:1: error[FM003]: unknown field 'reviwer'"),
        "{err}"
    );
    assert_eq!(srv.get("/jokes/j2/").0, 200, "still serving the last good site");
    edit(&s, "content/jokes/j2.md", "reviwer: bob\n", "");
    let st = srv.next_rebuild();
    assert_eq!(st["ok"], true);
    assert_eq!(st["errors"].as_array().unwrap().len(), 0);
}

#[test]
fn a_template_change_re_renders_the_pages_that_use_it() {
    let s = site();
    s.write("site.yaml", "title: T\npaginate_by: 4\ntheme: child\n")
        .write("themes/child/theme.yaml", "extends: default\n")
        .write(
            "themes/child/templates/joke.html",
            "{% extends \"base.html\" %}{% block main %}<h1>{{ page.title }}</h1>v1{% endblock main %}",
        );
    let mut srv = Server::start(&s, &[]);
    s.write(
        "themes/child/templates/joke.html",
        "{% extends \"base.html\" %}{% block main %}<h1>{{ page.title }}</h1>v2{% endblock main %}",
    );
    let st = srv.next_rebuild();
    assert_eq!(st["rendered"], 10, "the ten joke pages and nothing else: {st}");
    assert!(srv.get("/jokes/j1/").1.contains("v2"));
}

#[test]
fn a_css_change_swaps_the_stylesheet_without_rendering_pages() {
    let s = site();
    s.write("site.yaml", "title: T\ntheme: child\n")
        .write("themes/child/theme.yaml", "extends: default\n")
        .write("themes/child/static/css/site.css", "body{color:red}");
    let mut srv = Server::start(&s, &[]);
    assert!(
        srv.get("/").1.contains("href=\"/css/site.css\""),
        "unfingerprinted in the dev server"
    );
    s.write("themes/child/static/css/site.css", "body{color:blue}");
    let st = srv.next_rebuild();
    assert_eq!(st["rendered"], 0);
    assert_eq!(st["changed"], serde_json::json!(["/css/site.css"]));
    let (_, css) = srv.get("/css/site.css");
    assert_eq!(css, "body{color:blue}");
}

#[test]
fn incremental_rebuilds_match_a_fresh_build() {
    let s = site();
    // The same base URL for both servers (by default each uses its own address).
    let base = ["--base-url", "https://jokes.test"];
    let mut srv = Server::start(&s, &base);
    edit(&s, "content/jokes/j7.md", "date: 2026-10-07", "date: 2026-10-11");
    srv.next_rebuild();
    edit(&s, "content/jokes/j2.md", "tags: [a]", "tags: [b, c]");
    srv.next_rebuild();
    s.item("bulletins/news.md", "status: published\npinned: true\n", "Big news.\n");
    srv.next_rebuild();
    edit(&s, "content/jokes/j9.md", "status: published", "status: draft");
    srv.next_rebuild();
    let incremental = srv.manifest();
    let fresh = Server::start(&s, &base);
    assert_eq!(
        incremental,
        fresh.manifest(),
        "the incremental site differs from a full build"
    );
}

#[test]
fn serves_only_the_site() {
    let s = site();
    let srv = Server::start(&s, &[]);
    let port = srv.base.rsplit(':').next().unwrap();
    for path in [
        "/../Cargo.toml",
        "/%2e%2e/roles.yaml",
        "/jokes/..%2f..%2froles.yaml",
        "/roles.yaml",
        "/content/jokes/j1.md",
    ] {
        let mut stream = std::net::TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut resp = String::new();
        stream.read_to_string(&mut resp).unwrap();
        assert!(
            resp.starts_with("HTTP/1.1 404"),
            "{path}: {}",
            resp.lines().next().unwrap_or("")
        );
        assert!(!resp.contains("members:"), "{path} leaked roles.yaml");
    }
    let resp = ureq::get(&format!("{}/css/site.css", srv.base)).call().unwrap();
    assert!(resp
        .headers()
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    let page = srv.get("/jokes/j1/").1;
    assert!(
        page.contains("/__punchline/live.js"),
        "pages carry the live-reload script"
    );
}

/// The dev server's engine, driven in this process (so coverage tools see
/// it), with the changes its watcher would report.
mod in_process {
    use crate::incremental::{edits, site};
    use crate::support::{Site, NOW};
    use punchline::serve::engine::{Changes, Engine, Files};
    use punchline::serve::watch::classify;
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    /// The site's source files (not the output or caches) with their bytes.
    fn sources(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
        crate::support::walk(root)
            .into_iter()
            .map(|p| p.strip_prefix(root).unwrap().to_path_buf())
            .filter(|p| !p.starts_with("public") && !p.starts_with(".punchline"))
            .map(|p| (p.clone(), std::fs::read(root.join(&p)).unwrap()))
            .collect()
    }

    /// What the watcher would report for the files that differ.
    fn changes(before: &BTreeMap<PathBuf, Vec<u8>>, after: &BTreeMap<PathBuf, Vec<u8>>) -> Changes {
        let mut c = Changes::default();
        for p in before.keys().chain(after.keys()) {
            if before.get(p) != after.get(p) {
                classify(p, &mut c);
            }
        }
        c
    }

    fn engine(s: &Site) -> Engine {
        let now = NOW.parse().unwrap();
        Engine::new(s.root(), false, Some(now), Some("https://jokes.test".into()))
    }

    fn sorted(files: &Files) -> BTreeMap<&String, &Vec<u8>> {
        files.iter().map(|(k, v)| (k, &**v)).collect()
    }

    #[test]
    fn the_engine_equals_a_fresh_engine_after_every_kind_of_edit() {
        let s = site();
        let mut warm = engine(&s);
        warm.rebuild(&Changes::everything()).unwrap();
        for (what, change) in edits() {
            let before = sources(s.root());
            change(&s);
            let c = changes(&before, &sources(s.root()));
            assert!(!c.is_empty(), "{what}: the watcher would see it");
            let r = warm.rebuild(&c).unwrap_or_else(|e| panic!("{what}: {e}"));
            if what == "body" {
                assert_eq!((r.redone.parsed, r.redone.rendered), (1, 1), "{what}: {r:?}");
                assert!(r.changed.contains(&"jokes/j4/index.html".to_string()), "{r:?}");
                assert!(!r.changed.contains(&"jokes/j1/index.html".to_string()), "{r:?}");
            }
            let mut fresh = engine(&s);
            fresh.rebuild(&Changes::everything()).unwrap();
            assert_eq!(
                sorted(&warm.files()),
                sorted(&fresh.files()),
                "{what}: the warm engine differs from a fresh one"
            );
        }
    }

    #[test]
    fn a_failed_rebuild_keeps_the_last_good_files_and_recovers() {
        let s = site();
        let mut e = engine(&s);
        e.rebuild(&Changes::everything()).unwrap();
        let good = e.files();
        let path = "content/jokes/j2.md";
        crate::serve::edit(&s, path, "status: published", "status: published\nreviwer: bob");
        let mut c = Changes::default();
        classify(Path::new(path), &mut c);
        let err = e.rebuild(&c).unwrap_err().to_string();
        assert!(err.contains("FM003"), "{err}");
        assert!(std::sync::Arc::ptr_eq(&good, &e.files()), "the last good files stay");
        crate::serve::edit(&s, path, "\nreviwer: bob", "");
        crate::serve::edit(&s, path, "The joke j2.", "The joke j2, fixed.");
        let r = e.rebuild(&c).unwrap();
        assert!(r.changed.contains(&"jokes/j2/index.html".to_string()), "{r:?}");
        assert_eq!((r.redone.parsed, r.redone.rendered), (1, 1), "{r:?}");
        // A file that vanishes and a folder that appears, as a watcher sees them.
        std::fs::remove_file(s.root().join("content/jokes/j5.md")).unwrap();
        s.write(
            "content/jokes/more/extra.md",
            &std::fs::read_to_string(s.root().join("content/jokes/j6.md"))
                .unwrap()
                .replace("title: Title of jokes/j6.md", "title: Extra\nslug: extra"),
        );
        let mut c = Changes::default();
        classify(Path::new("content/jokes/j5.md"), &mut c);
        classify(Path::new("content/jokes/more"), &mut c);
        let r = e.rebuild(&c).unwrap();
        assert!(r.changed.contains(&"jokes/extra/index.html".to_string()), "{r:?}");
        assert!(r.changed.contains(&"jokes/j5/index.html".to_string()), "removed: {r:?}");
        assert!(!e.files().contains_key("jokes/j5/index.html"));
    }
}
