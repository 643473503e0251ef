//! The dev server's HTTP side: files from memory, live-reload events.
//!
//! Input: requests, and the current file map (swapped in whole after each
//! rebuild). Output: responses. Only files of the site are ever served: a
//! path with `..` (raw or percent-encoded), a backslash or a NUL is a 404,
//! so nothing outside the site can be reached. HTML pages get a small
//! script that listens to `/__punchline/events` (server-sent events).
//! `/__punchline/status` (the last rebuild: generation, pages rendered,
//! errors) and `/__punchline/manifest` (path -> hash of every served file)
//! are for tools and tests.

use super::engine::Files;
use std::io::Write;
use std::sync::mpsc::{channel, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use tiny_http::{Header, Request, Response, StatusCode};

/// The browser-side script: reloads affected pages, swaps stylesheets,
/// shows the error overlay.
pub const LIVE_JS: &str = include_str!("live.js");
const EVENTS: &str = "/__punchline/events";
const SCRIPT: &str = "/__punchline/live.js";
const STATUS: &str = "/__punchline/status";
const MANIFEST: &str = "/__punchline/manifest";

/// What the server shares with the rebuild loop.
#[derive(Default)]
pub struct Shared {
    /// The files of the last good build.
    pub files: RwLock<Arc<Files>>,
    /// The status document (`/__punchline/status`): generation, pages
    /// rendered by the last rebuild, current errors.
    pub status: RwLock<String>,
    /// The current state as an event (errors or none), sent to browsers
    /// as they connect: an error overlay must show on a page opened while
    /// the site is broken.
    pub state: RwLock<Option<String>>,
    clients: Mutex<Vec<Sender<String>>>,
}

impl Shared {
    /// Sends a server-sent event (JSON text) to every connected browser.
    pub fn broadcast(&self, json: &str) {
        let mut clients = self.clients.lock().expect("lock");
        clients.retain(|c| c.send(json.to_string()).is_ok());
    }
}

/// Answers requests until the server is dropped; one thread per request,
/// since event streams stay open.
pub fn serve(server: tiny_http::Server, shared: Arc<Shared>) {
    for request in server.incoming_requests() {
        let shared = shared.clone();
        std::thread::spawn(move || handle(request, &shared));
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("static header names and values are valid")
}

fn handle(request: Request, shared: &Shared) {
    let url = request.url().split(['?', '#']).next().unwrap_or("/").to_string();
    let _ = match url.as_str() {
        EVENTS => return events(request, shared),
        SCRIPT => request.respond(
            Response::from_string(LIVE_JS).with_header(header("Content-Type", "text/javascript; charset=utf-8")),
        ),
        MANIFEST => {
            let files = shared.files.read().expect("lock").clone();
            let map: std::collections::BTreeMap<&String, String> = files
                .iter()
                .map(|(p, b)| (p, format!("{:032x}", xxhash_rust::xxh3::xxh3_128(b))))
                .collect();
            let body = serde_json::to_string(&map).expect("plain data");
            request.respond(Response::from_string(body).with_header(header("Content-Type", "application/json")))
        }
        STATUS => {
            let body = shared.status.read().expect("lock").clone();
            request.respond(Response::from_string(body).with_header(header("Content-Type", "application/json")))
        }
        _ => {
            let files = shared.files.read().expect("lock").clone();
            let (status, path, bytes) = match lookup(&files, &url) {
                Some((path, bytes)) => (200, path, bytes),
                None => (
                    404,
                    "404.html".to_string(),
                    files
                        .get("404.html")
                        .cloned()
                        .unwrap_or_else(|| Arc::new(b"Not found".to_vec())),
                ),
            };
            let ctype = content_type(&path);
            let body = if ctype.starts_with("text/html") {
                inject(&bytes)
            } else {
                bytes.to_vec()
            };
            request.respond(
                Response::from_data(body)
                    .with_status_code(StatusCode(status))
                    .with_header(header("Content-Type", ctype))
                    .with_header(header("Cache-Control", "no-store")),
            )
        }
    };
}

/// Finds the file for a URL path: `/a/` -> `a/index.html`, `/a` -> `a`
/// or `a/index.html`. Refuses anything that could leave the site.
pub fn lookup(files: &Files, url: &str) -> Option<(String, Arc<Vec<u8>>)> {
    let decoded = percent_decode(url)?;
    if decoded.contains('\\') || decoded.contains('\0') || !decoded.starts_with('/') {
        return None;
    }
    let rel = decoded.trim_start_matches('/');
    if rel.split('/').any(|seg| seg == ".." || seg == ".") || rel.starts_with('/') {
        return None;
    }
    let candidates = if rel.is_empty() || rel.ends_with('/') {
        vec![format!("{rel}index.html")]
    } else {
        vec![rel.to_string(), format!("{rel}/index.html")]
    };
    candidates
        .into_iter()
        .find_map(|c| files.get(&c).map(|b| (c, b.clone())))
}

/// Decodes `%xx` escapes; `None` for malformed ones or invalid UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The content type of an output path, from its extension.
pub fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("xml") => "application/xml",
        Some("txt") => "text/plain; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("avif") => "image/avif",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        Some("mp4") => "video/mp4",
        Some("webm") => "video/webm",
        Some("pdf") => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// Adds the live-reload script before `</body>` (or at the end).
fn inject(html: &[u8]) -> Vec<u8> {
    let tag = format!("<script src=\"{SCRIPT}\" defer></script>");
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(i) => format!("{}{tag}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{tag}").into_bytes(),
    }
    .to_vec()
}

/// A server-sent event stream: the current state first, then every event.
/// Written on the raw connection and flushed per event (a buffered or
/// chunk-encoded response would hold events back); a comment every 15 s
/// finds browsers that went away.
fn events(request: Request, shared: &Shared) {
    let (tx, rx) = channel();
    if let Some(state) = shared.state.read().expect("lock").clone() {
        let _ = tx.send(state);
    }
    shared.clients.lock().expect("lock").push(tx);
    let mut out = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n";
    if out.write_all(head.as_bytes()).and_then(|_| out.flush()).is_err() {
        return;
    }
    loop {
        let chunk = match rx.recv_timeout(Duration::from_secs(15)) {
            Ok(msg) => format!("data: {msg}\n\n"),
            Err(RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if out.write_all(chunk.as_bytes()).and_then(|_| out.flush()).is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Files {
        [
            ("index.html", "home"),
            ("jokes/a/index.html", "a"),
            ("css/site.css", "x"),
            ("tags/数学/index.html", "zh"),
        ]
        .into_iter()
        .map(|(p, b)| (p.to_string(), Arc::new(b.as_bytes().to_vec())))
        .collect()
    }

    #[test]
    fn finds_pages_and_refuses_escapes() {
        let f = files();
        assert_eq!(lookup(&f, "/").unwrap().0, "index.html");
        assert_eq!(lookup(&f, "/jokes/a/").unwrap().0, "jokes/a/index.html");
        assert_eq!(lookup(&f, "/jokes/a").unwrap().0, "jokes/a/index.html");
        assert_eq!(lookup(&f, "/css/site.css").unwrap().0, "css/site.css");
        assert_eq!(
            lookup(&f, "/tags/%E6%95%B0%E5%AD%A6/").unwrap().0,
            "tags/数学/index.html"
        );
        for bad in [
            "/../etc/passwd",
            "/jokes/../../x",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/x",
            "//etc/passwd",
            "/a\\..\\b",
            "/x%00",
            "/%zz",
            "jokes/a/",
        ] {
            assert!(lookup(&f, bad).is_none(), "{bad} must not be served");
        }
    }

    #[test]
    fn content_types_by_extension() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("css/site.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("sitemap.xml"), "application/xml");
        assert_eq!(content_type("img/a.SVG"), "image/svg+xml");
    }

    #[test]
    fn injects_the_script_before_body_end() {
        let out = String::from_utf8(inject(b"<html><body><p>x</p></body></html>")).unwrap();
        assert!(
            out.ends_with("<script src=\"/__punchline/live.js\" defer></script></body></html>"),
            "{out}"
        );
    }
}
