//! Asking servers: each URL once, HEAD first and GET when the server
//! refuses HEAD (405, 501), with a timeout per request and retries after a
//! timeout, a broken connection, 429 or a 5xx; redirects are not followed
//! but reported. A pool of `concurrency` threads takes URLs from one queue,
//! never more than `per_host` at once for one host, so one slow host does
//! not hold the rest and no host is hammered.

use super::config::LinksConfig;
use std::collections::{HashMap, VecDeque};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// What a URL answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// 2xx (or another status that is not an error).
    Ok(u16),
    /// 3xx to another URL.
    Redirect(u16, String),
    /// 4xx, 5xx, or no answer: why.
    Dead(String),
}

/// The work queue and the requests running per host.
struct Queue {
    todo: VecDeque<String>,
    running: HashMap<String, usize>,
}

/// Checks `urls` (distinct) and returns each with its outcome.
pub fn check_all(urls: &[String], cfg: &LinksConfig) -> Vec<(String, Outcome)> {
    if urls.is_empty() {
        return Vec::new();
    }
    let agent = agent(cfg);
    let queue = Mutex::new(Queue {
        todo: urls.iter().cloned().collect(),
        running: HashMap::new(),
    });
    let turn = Condvar::new();
    let results = Mutex::new(Vec::with_capacity(urls.len()));
    let workers = cfg.concurrency.min(urls.len()).max(1);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let Some(url) = next(&queue, &turn, cfg.per_host) else {
                    return;
                };
                let outcome = check_one(&agent, &url, cfg);
                let host = host(&url);
                {
                    let mut q = queue.lock().unwrap_or_else(|e| e.into_inner());
                    if let Some(n) = q.running.get_mut(&host) {
                        *n -= 1;
                    }
                }
                turn.notify_all();
                results.lock().unwrap_or_else(|e| e.into_inner()).push((url, outcome));
            });
        }
    });
    results.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// The next URL whose host has room, waiting while every host is busy;
/// `None` when the queue is empty.
fn next(queue: &Mutex<Queue>, turn: &Condvar, per_host: usize) -> Option<String> {
    let mut q = queue.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        if q.todo.is_empty() {
            return None;
        }
        let pick = q
            .todo
            .iter()
            .position(|u| q.running.get(&host(u)).copied().unwrap_or(0) < per_host);
        if let Some(i) = pick {
            let url = q.todo.remove(i)?;
            *q.running.entry(host(&url)).or_default() += 1;
            return Some(url);
        }
        q = turn.wait(q).unwrap_or_else(|e| e.into_inner());
    }
}

/// `host:port` of a URL, for the per-host limit.
fn host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#']).next().unwrap_or("").to_ascii_lowercase()
}

fn agent(cfg: &LinksConfig) -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(cfg.timeout))
        .max_idle_connections_per_host(cfg.per_host)
        .user_agent(concat!("punchline/", env!("CARGO_PKG_VERSION"), " (link checker)"))
        .build();
    ureq::Agent::new_with_config(config)
}

/// One URL, with retries.
fn check_one(agent: &ureq::Agent, url: &str, cfg: &LinksConfig) -> Outcome {
    let mut attempt = 0;
    loop {
        let (outcome, transient) = ask(agent, url);
        if !transient || attempt >= cfg.retries {
            return outcome;
        }
        attempt += 1;
        std::thread::sleep(Duration::from_millis(100 * u64::from(attempt)));
    }
}

/// One try: HEAD, then GET if HEAD is refused. Returns the outcome and
/// whether trying again might help.
fn ask(agent: &ureq::Agent, url: &str) -> (Outcome, bool) {
    let mut answer = agent.head(url).call();
    if matches!(&answer, Ok(r) if matches!(r.status().as_u16(), 405 | 501)) {
        answer = agent.get(url).call();
    }
    match answer {
        Ok(r) => {
            let status = r.status().as_u16();
            let location = r
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .map(|l| resolve(url, l));
            match status {
                300..=399 => match location {
                    Some(to) if to != url => (Outcome::Redirect(status, to), false),
                    _ => (Outcome::Ok(status), false),
                },
                400..=599 => {
                    let reason = r.status().canonical_reason().unwrap_or("");
                    let transient = status >= 500 || status == 429 || status == 408;
                    (
                        Outcome::Dead(format!("HTTP {status} {reason}").trim_end().to_string()),
                        transient,
                    )
                }
                _ => (Outcome::Ok(status), false),
            }
        }
        Err(e) => {
            let why = match &e {
                ureq::Error::Timeout(_) => "no answer in time".to_string(),
                ureq::Error::HostNotFound => "host not found".to_string(),
                ureq::Error::ConnectionFailed => "could not connect".to_string(),
                other => other.to_string(),
            };
            (Outcome::Dead(why), true)
        }
    }
}

/// A `Location` made absolute against the URL that sent it.
fn resolve(base: &str, location: &str) -> String {
    if location.contains("://") {
        return location.to_string();
    }
    let (scheme, rest) = base.split_once("://").unwrap_or(("http", base));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if location.starts_with('/') {
        format!("{scheme}://{authority}{location}")
    } else {
        let dir = base.rsplit_once('/').map_or(base, |(d, _)| d);
        format!("{dir}/{location}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_locations() {
        assert_eq!(host("https://Example.com:8080/a?b"), "example.com:8080");
        assert_eq!(resolve("http://h:1/a/b", "/c"), "http://h:1/c");
        assert_eq!(resolve("http://h:1/a/b", "c"), "http://h:1/a/c");
        assert_eq!(resolve("http://h/a", "https://x/y"), "https://x/y");
    }
}
