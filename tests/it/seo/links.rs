//! `check --external` against an HTTP server the test runs: alive, dead,
//! moved, failing, slow and HEAD-refusing URLs, skip patterns, the cache,
//! and links written by templates.

use crate::support::{Site, NOW};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A local server; `log` holds each request as `METHOD /path`.
struct Server {
    port: u16,
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let shared = log.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let log = shared.clone();
                std::thread::spawn(move || answer(stream, &log));
            }
        });
        Server { port, log }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn requests(&self, what: &str) -> usize {
        self.log.lock().unwrap().iter().filter(|r| *r == what).count()
    }
}

fn answer(mut stream: TcpStream, log: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut first = String::new();
    if reader.read_line(&mut first).is_err() {
        return;
    }
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
    }
    let mut parts = first.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    log.lock().unwrap().push(format!("{method} {path}"));
    let (status, extra) = match (method, path) {
        (_, "/gone") | (_, "/gone-in-template") => ("404 Not Found", String::new()),
        (_, "/moved") => ("301 Moved Permanently", "Location: /ok\r\n".to_string()),
        (_, "/boom") => ("500 Internal Server Error", String::new()),
        (_, "/slow") => {
            std::thread::sleep(Duration::from_secs(3));
            ("200 OK", String::new())
        }
        ("HEAD", "/nohead") => ("405 Method Not Allowed", String::new()),
        _ => ("200 OK", String::new()),
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\n{extra}Content-Length: 0\r\nConnection: close\r\n\r\n"
    );
}

/// A site whose joke links to each kind of URL, one per line, with `links:`
/// settings that keep the test quick.
fn site(server: &Server) -> Site {
    let s = Site::new();
    s.write(
        "site.yaml",
        &format!(
            "title: Test Jokes\nbase_url: https://jokes.test\ntheme: t\nlinks:\n  timeout: 0.5\n  retries: 1\n  \
             skip: [\"{}\"]\n",
            server.url("/skipped*")
        ),
    );
    let body = ["/ok", "/gone", "/moved", "/boom", "/slow", "/nohead", "/skipped/x"]
        .iter()
        .map(|p| format!("- [link]({})\n", server.url(p)))
        .collect::<String>();
    s.item("jokes/links.md", "status: published\n", &format!("Links:\n\n{body}"));
    s.write("themes/t/theme.yaml", "extends: default\n");
    let header = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/partials/header.html"),
    )
    .unwrap();
    s.write(
        "themes/t/templates/partials/header.html",
        &format!("{header}<a href=\"{}\">partner</a>\n", server.url("/gone-in-template")),
    );
    s
}

#[test]
fn dead_links_are_errors_at_their_markdown_line_and_column() {
    let server = Server::start();
    let s = site(&server);
    let run = s.run(&["check", "--external", "--now", NOW]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let file = "content/jokes/links.md";
    // Six front-matter lines, then `Links:` and a blank line: the list starts on line 9.
    let at = |line: usize| format!("{file}:{line}:10: ");
    for expected in [
        format!(
            "{}error[EXT001]: link {} is dead: HTTP 404 Not Found",
            at(10),
            server.url("/gone")
        ),
        format!(
            "{}warning[EXT002]: link {} redirects (301) to {}",
            at(11),
            server.url("/moved"),
            server.url("/ok")
        ),
        format!(
            "{}error[EXT001]: link {} is dead: HTTP 500 Internal Server Error",
            at(12),
            server.url("/boom")
        ),
        format!(
            "{}error[EXT001]: link {} is dead: no answer in time",
            at(13),
            server.url("/slow")
        ),
    ] {
        assert!(run.stderr.contains(&expected), "missing {expected}\n{}", run.stderr);
    }
    let header_line = std::fs::read_to_string(s.root().join("themes/t/templates/partials/header.html"))
        .unwrap()
        .lines()
        .count();
    assert!(
        run.stderr.contains(&format!(
            "themes/t/templates/partials/header.html:{header_line}:10: error[EXT001]: link {} is dead",
            server.url("/gone-in-template")
        )),
        "{}",
        run.stderr
    );
    for quiet in ["/ok", "/nohead", "/skipped"] {
        let url = server.url(quiet);
        assert!(
            !run.stderr.lines().any(|l| l.contains(&format!("link {url} "))),
            "{quiet}: {}",
            run.stderr
        );
    }
    assert_eq!(server.requests("HEAD /nohead"), 1);
    assert_eq!(server.requests("GET /nohead"), 1, "GET after the refused HEAD");
    assert_eq!(server.requests("HEAD /boom"), 2, "one retry after a 500");
    assert_eq!(server.requests("HEAD /skipped/x"), 0, "skipped");
    assert_eq!(server.requests("HEAD /gone"), 1, "no retry after a 404");
    assert!(run
        .stderr
        .contains("external links: 8 URLs (0 from the cache, 1 skipped): 4 dead, 1 redirected"));
}

#[test]
fn the_cache_answers_for_live_links_within_its_ttl() {
    let server = Server::start();
    let s = site(&server);
    s.run(&["check", "--external", "--now", NOW]);
    let cache = std::fs::read_to_string(s.root().join(".punchline/links.json")).unwrap();
    assert!(cache.contains(&server.url("/ok")), "{cache}");
    assert!(
        !cache.contains(&server.url("/gone\"")),
        "dead links are not cached: {cache}"
    );
    let run = s.run(&["check", "--external", "--now", NOW]);
    assert_eq!(server.requests("HEAD /ok"), 1, "the second run read the cache");
    assert_eq!(server.requests("HEAD /gone"), 2, "dead links are asked again");
    assert!(run.stderr.contains("(3 from the cache, 1 skipped)"), "{}", run.stderr);
    // With a TTL of 0 nothing is fresh.
    let yaml = std::fs::read_to_string(s.root().join("site.yaml")).unwrap();
    s.write("site.yaml", &yaml.replace("links:\n", "links:\n  ttl: 0\n"));
    s.run(&["check", "--external", "--now", NOW]);
    assert_eq!(server.requests("HEAD /ok"), 2);
}

#[test]
fn bad_links_settings_are_errors_in_site_yaml() {
    let s = Site::new();
    s.write(
        "site.yaml",
        "title: T\nbase_url: https://jokes.test\nlinks:\n  ttl: sometimes\n  skipp: []\n",
    );
    s.joke("a", "");
    let run = s.run(&["check", "--external", "--now", NOW]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("site.yaml:4:8: error[FM005]: 'ttl' must be"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("site.yaml:5:3: error[FM003]: unknown field 'skipp' in links"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_thousand_links_are_each_checked_once() {
    let server = Server::start();
    let s = Site::new();
    for j in 0..10 {
        let body: String = (0..100)
            .map(|i| format!("[l]({})\n\n", server.url(&format!("/n/{}", j * 100 + i))))
            .collect();
        s.item(&format!("jokes/many-{j}.md"), "status: published\n", &body);
    }
    let started = std::time::Instant::now();
    let run = s.run(&["check", "--external", "--now", NOW]);
    eprintln!("checked 1,000 links in {:?}", started.elapsed());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("external links: 1000 URLs (0 from the cache, 0 skipped): 0 dead"),
        "{}",
        run.stderr
    );
    let log = server.log.lock().unwrap();
    assert_eq!(log.len(), 1000, "one request per URL");
}
