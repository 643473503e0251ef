//! Edit-to-browser latency of `punchline serve` on a generated site.
//!
//!     cargo run --release --example serve_bench -- SITE_DIR [EDITS]
//!
//! Starts the release binary's dev server on SITE_DIR, listens to its
//! live-reload events like a browser does, then edits one joke EDITS times
//! (default 20) — first its body, then its title (which shows in listings)
//! — and measures, for each edit, the time from writing the file to having
//! fetched the page with the new text after the reload event named it.
//! Prints the median and the range of both, and the server's peak memory.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

fn events(addr: &str) -> Receiver<String> {
    let (tx, rx) = channel();
    let mut stream = std::net::TcpStream::connect(addr).expect("connect to the server");
    write!(stream, "GET /__punchline/events HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            if let Some(data) = line.strip_prefix("data: ") {
                if tx.send(data.to_string()).is_err() {
                    break;
                }
            }
        }
    });
    rx
}

fn get(addr: &str, path: &str) -> String {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

/// Writes `text` to `file`, waits until the reload event names `url` and
/// the page carries `expect`; returns the elapsed time.
fn measure(addr: &str, rx: &Receiver<String>, file: &Path, url: &str, text: &str, expect: &str) -> Duration {
    while rx.try_recv().is_ok() {}
    let start = Instant::now();
    std::fs::write(file, text).unwrap();
    loop {
        let msg = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("a rebuild event within 30 s");
        if std::env::var_os("SERVE_BENCH_DEBUG").is_some() {
            eprintln!("{:?} {}", start.elapsed(), &msg[..msg.len().min(200)]);
        }
        if msg.contains("\"rebuilt\"") && msg.contains(&format!("\"{url}\"")) {
            break;
        }
    }
    let page = get(addr, url);
    assert!(
        page.contains(expect),
        "{url} does not show the edit: {}",
        &page[..page.len().min(300)]
    );
    start.elapsed()
}

fn summary(name: &str, mut xs: Vec<Duration>) {
    xs.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name}: median {:.1} ms (min {:.1}, max {:.1}, n = {})",
        ms(xs[xs.len() / 2]),
        ms(xs[0]),
        ms(xs[xs.len() - 1]),
        xs.len()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let site = PathBuf::from(args.first().expect("usage: serve_bench SITE_DIR [EDITS]"));
    let edits: usize = args.get(1).map(|s| s.parse().unwrap()).unwrap_or(20);
    let exe = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("punchline");
    let started = Instant::now();
    let mut child = Command::new(&exe)
        .args([
            "-C",
            site.to_str().unwrap(),
            "serve",
            "--port",
            "0",
            "--now",
            "2026-11-25T12:00:00Z",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run target/release/punchline (build it with cargo build --release)");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("the server printed its address").unwrap();
        if let Some(rest) = line.strip_prefix("serving http://") {
            break rest.split('/').next().unwrap().to_string();
        }
    };
    println!("initial build and start: {:.2} s", started.elapsed().as_secs_f64());
    std::thread::spawn(move || for _ in lines {});
    let rx = events(&addr);
    let mut jokes: Vec<PathBuf> = std::fs::read_dir(site.join("content/jokes"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    jokes.sort();
    let file = jokes[jokes.len() / 2].clone();
    let slug = file.file_stem().unwrap().to_string_lossy().to_string();
    let url = format!("/jokes/{slug}/");
    let original = std::fs::read_to_string(&file).unwrap();
    let mut body = Vec::new();
    let mut title = Vec::new();
    // Each edit starts from the original text, so every write is a change
    // the server must show, and no edit is undone behind the next one.
    for i in 0..edits {
        let marker = format!("Edited body number {i}.");
        body.push(measure(
            &addr,
            &rx,
            &file,
            &url,
            &format!("{original}\n{marker}\n"),
            &marker,
        ));
    }
    for i in 0..edits {
        let marker = format!("Retitled number {i}");
        let text = original.replacen("title: ", &format!("title: \"{marker}\" #"), 1);
        title.push(measure(&addr, &rx, &file, &url, &text, &marker));
    }
    std::fs::write(&file, &original).unwrap();
    summary("body edit -> page reloaded", body);
    summary("title edit -> page reloaded", title);
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap_or_default();
    for line in status
        .lines()
        .filter(|l| l.starts_with("VmHWM") || l.starts_with("VmRSS"))
    {
        println!("server {line}");
    }
    let _ = child.kill();
    let _ = child.wait();
}
