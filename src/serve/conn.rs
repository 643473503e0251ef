//! The dev server's connections: accepting, reading requests, limits.
//!
//! Input: a bound listener, the routes ([`super::http`]) and the names the
//! server answers to ([`Hosts`]). Output: HTTP/1.1 responses, one request
//! per connection (`Connection: close`).
//!
//! Invariants, so that no page and no client can exhaust the process:
//! - a fixed pool of [`WORKERS`] threads handles requests; connections wait
//!   in a queue of [`QUEUE`], and beyond it are answered 503 at once by the
//!   accepting thread; nothing spawns a thread per connection;
//! - a request head must arrive whole within [`HEAD_TIMEOUT`] and fit in
//!   [`MAX_HEAD`] bytes (a client sending a byte a second is dropped; a huge
//!   URL or header gets 414 or 431); a response must be taken within
//!   [`WRITE_TIMEOUT`];
//! - live-reload streams are not held by workers: they are written to by
//!   the rebuild loop (see [`super::http::Shared`]), at most
//!   [`super::http::MAX_STREAMS`] of them;
//! - a request whose `Host` is not the server's own address gets 421:
//!   a page of another site that points its own name at 127.0.0.1 (DNS
//!   rebinding) must not be able to read drafts from the preview.

use super::http::{route, Answer, Reply, Shared};
use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc::{sync_channel, Receiver, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Request-handling threads.
pub const WORKERS: usize = 16;
/// Accepted connections waiting for a worker.
pub const QUEUE: usize = 64;
/// Time a client has to send its whole request head.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(5);
/// Longest request head (request line and headers).
pub const MAX_HEAD: usize = 16 * 1024;
/// Time a client has to take a whole response.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// The names a request's `Host` may carry: the server's own address.
#[derive(Debug, Clone)]
pub struct Hosts {
    bound: SocketAddr,
    /// The host name of `--base-url`, when the user gave one: browsing the
    /// preview under that name is theirs to choose.
    named: Option<String>,
}

impl Hosts {
    /// The hosts of a server bound at `bound`, also answering to the host
    /// of `base_url` when given.
    pub fn new(bound: SocketAddr, base_url: Option<&str>) -> Hosts {
        let named = base_url.and_then(|u| {
            let rest = u.split_once("://").map_or(u, |(_, r)| r);
            let authority = rest.split(['/', '?', '#']).next()?;
            let (name, _) = split_port(authority);
            (!name.is_empty()).then(|| name.to_ascii_lowercase())
        });
        Hosts { bound, named }
    }

    /// Whether a `Host` header value names this server: the port must be
    /// its own (none means 80), and the name loopback (`localhost`,
    /// `127.0.0.1`, `[::1]`), the bound address, any address when bound to
    /// all (an address, unlike a name, cannot be rebound), or the host of
    /// `--base-url`.
    pub fn allows(&self, host: &str) -> bool {
        let host = host.trim().to_ascii_lowercase();
        let (name, port) = split_port(&host);
        let port = match port {
            None => 80,
            Some(p) => match p.parse::<u16>() {
                Ok(p) => p,
                Err(_) => return false,
            },
        };
        if port != self.bound.port() {
            return false;
        }
        if name == "localhost" || self.named.as_deref() == Some(name) {
            return true;
        }
        let ip = match name.strip_prefix('[').and_then(|n| n.strip_suffix(']')) {
            Some(v6) => v6.parse::<std::net::Ipv6Addr>().ok().map(IpAddr::V6),
            None => name.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4),
        };
        ip.is_some_and(|ip| ip.is_loopback() || ip == self.bound.ip() || self.bound.ip().is_unspecified())
    }
}

/// `name:port` -> (`name`, `Some(port)`); `[v6]:port` keeps its brackets.
fn split_port(authority: &str) -> (&str, Option<&str>) {
    if authority.starts_with('[') {
        return match authority.find(']') {
            Some(end) => {
                let port = authority[end + 1..].strip_prefix(':');
                (&authority[..=end], port)
            }
            None => (authority, None),
        };
    }
    match authority.rsplit_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (authority, None),
    }
}

/// Accepts connections until the listener fails for good, handing them to
/// the worker pool.
pub fn serve(listener: TcpListener, shared: Arc<Shared>, hosts: Hosts) {
    let (tx, rx) = sync_channel::<TcpStream>(QUEUE);
    let rx = Arc::new(Mutex::new(rx));
    for _ in 0..WORKERS {
        let (rx, shared, hosts) = (rx.clone(), shared.clone(), hosts.clone());
        std::thread::spawn(move || work(&rx, &shared, &hosts));
    }
    for stream in listener.incoming() {
        let stream = match stream {
            Ok(s) => s,
            // Out of file descriptors, or a connection reset before it was
            // accepted: wait a little rather than spin.
            Err(_) => {
                std::thread::sleep(Duration::from_millis(10));
                continue;
            }
        };
        match tx.try_send(stream) {
            Ok(()) => {}
            Err(TrySendError::Full(mut stream)) => {
                let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
                let reply = Reply::text(503, "punchline serve is busy: too many connections at once; try again");
                let _ = write_reply(&mut stream, &reply, false);
            }
            Err(TrySendError::Disconnected(_)) => return,
        }
    }
}

fn work(rx: &Mutex<Receiver<TcpStream>>, shared: &Shared, hosts: &Hosts) {
    loop {
        let next = rx.lock().map(|rx| rx.recv());
        let Ok(Ok(mut stream)) = next else { return };
        let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
        if let Some(stream) = handle(&mut stream, shared, hosts) {
            shared.add_stream(stream);
        }
    }
}

/// A parsed request head.
struct Head {
    method: String,
    target: String,
    host: Option<String>,
}

/// Answers one request; returns the connection when it became a
/// live-reload stream.
fn handle(stream: &mut TcpStream, shared: &Shared, hosts: &Hosts) -> Option<TcpStream> {
    let head = match read_head(stream) {
        Ok(head) => head,
        Err(Some(reply)) => {
            let _ = write_reply(stream, &reply, false);
            drain(stream);
            return None;
        }
        Err(None) => return None,
    };
    let head_only = head.method == "HEAD";
    let reply = match &head.host {
        Some(host) if hosts.allows(host) => None,
        Some(host) => Some(Reply::text(
            421,
            &format!(
                "punchline serve answers only requests for its own address (such as 127.0.0.1:{}), not for '{host}': \
                 a page of another site may be trying to read this preview. To use another name, pass it with --base-url.",
                hosts.bound.port()
            ),
        )),
        None => Some(Reply::text(400, "the request has no Host header")),
    };
    let reply = reply.or_else(|| {
        (!matches!(head.method.as_str(), "GET" | "HEAD"))
            .then(|| Reply::text(405, "punchline serve answers GET and HEAD only"))
    });
    let reply = match reply {
        Some(r) => r,
        None => match route(&head.target, shared) {
            Answer::Reply(r) => r,
            Answer::Events => return stream.try_clone().ok(),
        },
    };
    let _ = write_reply(stream, &reply, head_only);
    None
}

/// Reads and parses the request head. `Err(Some(reply))` is an answer to
/// send (bad, too large); `Err(None)` a client that went away or was too
/// slow.
fn read_head(stream: &mut TcpStream) -> Result<Head, Option<Reply>> {
    let deadline = Instant::now() + HEAD_TIMEOUT;
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return Err(None);
        }
        let n = match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return Err(None),
            Ok(n) => n,
        };
        buf.extend_from_slice(&chunk[..n]);
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut req = httparse::Request::new(&mut headers);
        match req.parse(&buf) {
            Ok(httparse::Status::Complete(_)) => {
                let mut hosts = req.headers.iter().filter(|h| h.name.eq_ignore_ascii_case("host"));
                let host = hosts.next().map(|h| String::from_utf8_lossy(h.value).into_owned());
                if hosts.next().is_some() {
                    // Which one a proxy in front would believe is anyone's guess.
                    return Err(Some(Reply::text(400, "the request has more than one Host header")));
                }
                return Ok(Head {
                    method: req.method.unwrap_or_default().to_string(),
                    target: req.path.unwrap_or("/").to_string(),
                    host,
                });
            }
            Ok(httparse::Status::Partial) if buf.len() < MAX_HEAD => {}
            Ok(httparse::Status::Partial) if !buf.contains(&b'\n') => {
                return Err(Some(Reply::text(414, "the URL is too long")));
            }
            Ok(httparse::Status::Partial) | Err(httparse::Error::TooManyHeaders) => {
                return Err(Some(Reply::text(431, "the request headers are too large")));
            }
            Err(_) => return Err(Some(Reply::text(400, "the request is not valid HTTP"))),
        }
    }
}

/// Writes a whole response within [`WRITE_TIMEOUT`] (a client reading a
/// byte at a time is dropped).
fn write_reply(stream: &mut TcpStream, reply: &Reply, head_only: bool) -> std::io::Result<()> {
    let deadline = Instant::now() + WRITE_TIMEOUT;
    let mut out = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n",
        reply.status,
        reason(reply.status),
        reply.content_type,
        reply.body.len()
    );
    if reply.status == 405 {
        out.push_str("Allow: GET, HEAD\r\n");
    }
    out.push_str("\r\n");
    stream.write_all(out.as_bytes())?;
    if !head_only {
        for part in reply.body.chunks(64 * 1024) {
            if Instant::now() > deadline {
                return Err(std::io::ErrorKind::TimedOut.into());
            }
            stream.write_all(part)?;
        }
    }
    stream.flush()?;
    // Closing with unread request bytes would reset the connection and
    // could cut the response short: say we are done, then close.
    let _ = stream.shutdown(std::net::Shutdown::Write);
    Ok(())
}

/// Reads (and drops) what a refused client is still sending, for a moment:
/// closing with unread bytes resets the connection, and the client would
/// lose the answer saying why it was refused.
fn drain(stream: &mut TcpStream) {
    let deadline = Instant::now() + Duration::from_secs(1);
    let mut chunk = [0u8; 16 * 1024];
    let mut total = 0;
    while total < 1024 * 1024 {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return;
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => total += n,
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        414 => "URI Too Long",
        421 => "Misdirected Request",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_servers_own_names_are_hosts() {
        let local = Hosts::new("127.0.0.1:4000".parse().unwrap(), None);
        for good in [
            "127.0.0.1:4000",
            "localhost:4000",
            "LOCALHOST:4000",
            "[::1]:4000",
            "127.0.0.2:4000",
        ] {
            assert!(local.allows(good), "{good}");
        }
        for bad in [
            "evil.example:4000",
            "evil.example",
            "127.0.0.1:4001",
            "127.0.0.1",
            "localhost.evil.example:4000",
            "192.168.1.5:4000",
            "[::1:4000",
            "127.0.0.1:99999",
            "",
        ] {
            assert!(!local.allows(bad), "{bad}");
        }
        let port80 = Hosts::new("127.0.0.1:80".parse().unwrap(), None);
        assert!(port80.allows("localhost") && port80.allows("127.0.0.1"));
        let lan = Hosts::new("0.0.0.0:4000".parse().unwrap(), Some("http://Jokes.Local:4000/"));
        assert!(lan.allows("192.168.1.5:4000"), "any address when bound to all");
        assert!(lan.allows("jokes.local:4000"), "the name given with --base-url");
        assert!(!lan.allows("evil.example:4000"));
        let bound = Hosts::new("192.168.1.5:4000".parse().unwrap(), None);
        assert!(bound.allows("192.168.1.5:4000") && !bound.allows("192.168.1.6:4000"));
    }
}
