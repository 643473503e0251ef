//! The dev server's routes: files from memory, live-reload events.
//!
//! Input: a request target, and the current file map (swapped in whole
//! after each rebuild). Output: a [`Reply`], or [`Answer::Events`] for the
//! live-reload stream (connections, limits and the `Host` check are
//! [`super::conn`]'s). Only files of the site are ever served: a path with
//! `..` (raw or percent-encoded), a backslash or a NUL is a 404, so nothing
//! outside the site can be reached. HTML pages get a small script that
//! listens to `/__punchline/events` (server-sent events).
//! `/__punchline/status` (the last rebuild: generation, pages rendered,
//! errors) and `/__punchline/manifest` (path -> hash of every served file)
//! are for tools and tests.

use super::engine::Files;
use std::io::Write;
use std::net::TcpStream;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

/// The browser-side script: reloads affected pages, swaps stylesheets,
/// shows the error overlay.
pub const LIVE_JS: &str = include_str!("live.js");
const EVENTS: &str = "/__punchline/events";
const SCRIPT: &str = "/__punchline/live.js";
const STATUS: &str = "/__punchline/status";
const MANIFEST: &str = "/__punchline/manifest";
/// Live-reload streams open at once (one per browser tab).
pub const MAX_STREAMS: usize = 32;
/// Time a live-reload client has to take an event before it is dropped.
const EVENT_WRITE_TIMEOUT: Duration = Duration::from_secs(1);
/// A comment sent this often finds browsers that went away.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

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
    /// Open live-reload streams, written to directly: no thread waits on
    /// a browser tab.
    streams: Mutex<Vec<TcpStream>>,
}

impl Shared {
    /// Sends a server-sent event (JSON text) to every connected browser.
    pub fn broadcast(&self, json: &str) {
        self.send_all(&format!("data: {json}\n\n"));
    }

    fn send_all(&self, chunk: &str) {
        let mut streams = self.streams.lock().expect("lock");
        streams.retain_mut(|s| s.write_all(chunk.as_bytes()).and_then(|_| s.flush()).is_ok());
    }

    /// Turns a connection into a live-reload stream: the response head and
    /// the current state now, every event later. Beyond [`MAX_STREAMS`]
    /// the connection gets 503.
    pub fn add_stream(&self, mut stream: TcpStream) {
        // Held while the state is read: an event published meanwhile is
        // either in that state or sent after it.
        let mut streams = self.streams.lock().expect("lock");
        let _ = stream.set_write_timeout(Some(EVENT_WRITE_TIMEOUT));
        if streams.len() >= MAX_STREAMS {
            let body = "too many live-reload connections; close some tabs";
            let _ = write!(
                stream,
                "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            return;
        }
        let mut first = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n".to_string();
        if let Some(state) = self.state.read().expect("lock").as_deref() {
            first.push_str(&format!("data: {state}\n\n"));
        }
        if stream.write_all(first.as_bytes()).and_then(|_| stream.flush()).is_ok() {
            streams.push(stream);
        }
    }

    /// Sends a comment to every stream every 15 s (a write to a browser
    /// that went away fails, and its stream is dropped). Runs forever.
    pub fn keep_alive(&self) {
        loop {
            std::thread::sleep(KEEP_ALIVE);
            self.send_all(": keep-alive\n\n");
        }
    }
}

/// A complete response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// The `Content-Type`.
    pub content_type: &'static str,
    /// The body.
    pub body: Vec<u8>,
}

impl Reply {
    /// A plain-text reply, for errors.
    pub fn text(status: u16, text: &str) -> Reply {
        Reply {
            status,
            content_type: "text/plain; charset=utf-8",
            body: text.as_bytes().to_vec(),
        }
    }
}

/// What a request gets.
#[derive(Debug)]
pub enum Answer {
    /// A response.
    Reply(Reply),
    /// The connection becomes a live-reload stream.
    Events,
}

/// Answers a request for `target` (path and query).
pub fn route(target: &str, shared: &Shared) -> Answer {
    let url = target.split(['?', '#']).next().unwrap_or("/");
    let json = |body: String| Reply {
        status: 200,
        content_type: "application/json",
        body: body.into_bytes(),
    };
    Answer::Reply(match url {
        EVENTS => return Answer::Events,
        SCRIPT => Reply {
            status: 200,
            content_type: "text/javascript; charset=utf-8",
            body: LIVE_JS.as_bytes().to_vec(),
        },
        MANIFEST => {
            let files = shared.files.read().expect("lock").clone();
            let map: std::collections::BTreeMap<&String, String> = files
                .iter()
                .map(|(p, b)| (p, format!("{:032x}", xxhash_rust::xxh3::xxh3_128(b))))
                .collect();
            json(serde_json::to_string(&map).expect("plain data"))
        }
        STATUS => json(shared.status.read().expect("lock").clone()),
        _ => page(url, shared),
    })
}

/// A file of the site, or its 404 page.
fn page(url: &str, shared: &Shared) -> Reply {
    let files = shared.files.read().expect("lock").clone();
    let (status, path, bytes) = match lookup(&files, url) {
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
    let content_type = content_type(&path);
    let body = if content_type.starts_with("text/html") {
        inject(&bytes)
    } else {
        bytes.to_vec()
    };
    Reply {
        status,
        content_type,
        body,
    }
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
