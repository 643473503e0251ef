//! Attacks: output.
//!
//! Builds killed at any moment, builds racing each other, deploys killed
//! midway, and a dev server facing foreign pages, slow clients, crowds of
//! connections and broken edits.

use crate::serve::Server;
use crate::support::{walk, Site, NOW};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A site of `n` jokes with tags and categories: big enough that a debug
/// build takes a while.
fn big_site(n: usize) -> Site {
    let s = Site::new();
    for i in 0..n {
        s.joke(
            &format!("j{i}"),
            &format!(
                "date: 2026-10-{:02}\ntags: [t{}, all]\ncategory: c{}\n",
                i % 28 + 1,
                i % 13,
                i % 5
            ),
        );
    }
    s
}

/// Every file under `dir`: relative path -> bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walk(dir)
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            (rel, std::fs::read(&p).unwrap())
        })
        .collect()
}

/// The names in the site root, sorted.
fn root_names(s: &Site) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(s.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn spawn_build(s: &Site) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_punchline"))
        .args(["build", "--now", NOW])
        .current_dir(s.root())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Asserts two output trees are equal, naming the first difference.
fn assert_same_tree(got: &BTreeMap<String, Vec<u8>>, want: &BTreeMap<String, Vec<u8>>, when: &str) {
    let got_names: Vec<&String> = got.keys().collect();
    let want_names: Vec<&String> = want.keys().collect();
    assert_eq!(got_names, want_names, "{when}: other files than a clean build");
    for (path, bytes) in want {
        assert!(got[path] == *bytes, "{when}: {path} differs from a clean build");
    }
}

#[test]
fn builds_killed_at_any_moment_leave_only_the_output() {
    const JOKES: usize = 400;
    let clean = big_site(JOKES);
    let started = Instant::now();
    clean.build(&[]).ok();
    let full = started.elapsed();
    let want = tree(&clean.root().join("public"));

    let s = big_site(JOKES);
    let inputs = root_names(&s);
    // Kill moments stepped from the start to past the end of a build (some
    // builds finish), the first ones before any output exists.
    const STEPS: u32 = 12;
    for step in 0..STEPS {
        let mut child = spawn_build(&s);
        std::thread::sleep(full * step * 5 / (STEPS * 4));
        let _ = child.kill();
        child.wait().unwrap();
        let public = s.root().join("public");
        if public.exists() {
            assert_same_tree(&tree(&public), &want, &format!("killed at step {step}"));
        }
    }
    s.build(&[]).ok();
    let mut expected = inputs.clone();
    expected.extend([".public.lock".into(), ".punchline".into(), "public".into()]);
    expected.sort();
    assert_eq!(
        root_names(&s),
        expected,
        "only public/ (and the build cache) beside the site's own files"
    );
    let cache: Vec<String> = std::fs::read_dir(s.root().join(".punchline/cache"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        cache.len() == 2
            && cache.iter().any(|c| c.starts_with("build-") && c.ends_with(".json"))
            && cache.iter().any(|c| c.starts_with("sources-") && c.ends_with(".jsonl")),
        "the two cache files, no leftovers: {cache:?}"
    );
    assert_same_tree(&tree(&s.root().join("public")), &want, "the build after the kills");
}

#[test]
fn concurrent_builds_take_turns_and_leave_one_output() {
    let s = big_site(120);
    let inputs = root_names(&s);
    let children: Vec<_> = (0..3).map(|_| spawn_build(&s)).collect();
    for mut c in children {
        assert!(c.wait().unwrap().success(), "every build succeeds");
    }
    let mut expected = inputs;
    expected.extend([".public.lock".into(), ".punchline".into(), "public".into()]);
    expected.sort();
    assert_eq!(root_names(&s), expected);
    assert!(s.has("jokes/j119/index.html"));
}

/// Sends raw bytes to the server and reads until it closes or `wait`
/// passes; what came back, lossily decoded.
fn raw(port: &str, request: &[u8], wait: Duration) -> String {
    let mut stream = TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();
    stream.set_read_timeout(Some(wait)).unwrap();
    // A refused request may be answered before all of it was sent.
    let _ = stream.write_all(request);
    let mut out = Vec::new();
    let mut chunk = [0u8; 8192];
    while let Ok(n) = stream.read(&mut chunk) {
        if n == 0 {
            break;
        }
        out.extend_from_slice(&chunk[..n]);
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn get(port: &str, path: &str, host: &str) -> String {
    raw(
        port,
        format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
        Duration::from_secs(2),
    )
}

fn port_of(srv: &Server) -> String {
    srv.base.rsplit(':').next().unwrap().to_string()
}

/// The `Threads:` line of /proc/PID/status.
fn threads(pid: u32) -> usize {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("Threads:")).unwrap();
    line["Threads:".len()..].trim().parse().unwrap()
}

#[test]
fn serve_refuses_requests_for_foreign_hosts_on_every_route() {
    let s = crate::serve::site();
    let srv = Server::start(&s, &[]);
    let port = port_of(&srv);
    for path in [
        "/",
        "/jokes/j1/",
        "/__punchline/events",
        "/__punchline/status",
        "/__punchline/manifest",
        "/__punchline/live.js",
        "/no-such-page/",
    ] {
        for host in [
            format!("evil.example:{port}"),
            "evil.example".into(),
            "127.0.0.1:1".into(),
        ] {
            let resp = get(&port, path, &host);
            assert!(resp.starts_with("HTTP/1.1 421"), "{path} for {host}: {resp}");
            assert!(resp.contains("only requests for its own address"), "{resp}");
            assert!(!resp.contains("The joke"), "{path} for {host} leaked the site");
        }
    }
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("LocalHost:{port}"),
    ] {
        let resp = get(&port, "/jokes/j1/", &host);
        assert!(resp.starts_with("HTTP/1.1 200"), "{host}: {resp}");
        assert!(resp.contains("The joke j1."));
    }
    let events = raw(
        &port,
        format!("GET /__punchline/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n").as_bytes(),
        Duration::from_millis(500),
    );
    assert!(events.starts_with("HTTP/1.1 200"), "{events}");
    let no_host = raw(&port, b"GET / HTTP/1.1\r\n\r\n", Duration::from_secs(2));
    assert!(no_host.starts_with("HTTP/1.1 400"), "{no_host}");
}

#[test]
fn serve_stays_bounded_under_crowds_of_streams_and_slow_clients() {
    let s = crate::serve::site();
    let srv = Server::start(&s, &[]);
    let port = port_of(&srv);
    let pid = srv.child.id();
    let before = threads(pid);
    let host = format!("Host: 127.0.0.1:{port}\r\n");

    // More live-reload streams than the server keeps: the extra get 503.
    let mut streams = Vec::new();
    let (mut open, mut refused) = (0, 0);
    for _ in 0..48 {
        let mut c = TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();
        write!(c, "GET /__punchline/events HTTP/1.1\r\n{host}\r\n").unwrap();
        c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut head = [0u8; 12];
        c.read_exact(&mut head).unwrap();
        match &head {
            b"HTTP/1.1 200" => open += 1,
            b"HTTP/1.1 503" => refused += 1,
            other => panic!("{}", String::from_utf8_lossy(other)),
        }
        streams.push(c);
    }
    assert!(open >= 8 && refused >= 8, "{open} streams kept, {refused} refused");

    // Slow clients: more than the workers, each sending a byte a second.
    let mut slow: Vec<TcpStream> = (0..40)
        .map(|_| TcpStream::connect(format!("127.0.0.1:{port}")).unwrap())
        .collect();
    let started = Instant::now();
    for _ in 0..3 {
        for c in &mut slow {
            let _ = c.write_all(b"G");
        }
        std::thread::sleep(Duration::from_secs(1));
    }
    let during = threads(pid);
    assert!(
        during <= before + 2,
        "{during} threads with 88 connections open, {before} before: a thread per connection?"
    );
    // A normal request waits at most for the slow ones ahead of it to run
    // out of time (a few seconds each round of workers).
    let resp = raw(
        &port,
        format!("GET /jokes/j1/ HTTP/1.1\r\n{host}\r\n").as_bytes(),
        Duration::from_secs(25),
    );
    assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
    assert!(started.elapsed() < Duration::from_secs(25));
    for c in &mut slow {
        c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        if let Err(e) = c.read_to_end(&mut Vec::new()) {
            assert!(
                !matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut),
                "a client sending a byte a second still holds its connection"
            );
        }
    }
    drop(streams);
}

#[test]
fn serve_never_reads_outside_the_site_and_survives_huge_requests() {
    let s = crate::serve::site();
    let srv = Server::start(&s, &[]);
    let port = port_of(&srv);
    let host = format!("127.0.0.1:{port}");
    for path in [
        "/../roles.yaml",
        "/jokes/../../roles.yaml",
        "/%2e%2e/roles.yaml",
        "/%2E%2E%2Froles.yaml",
        "/jokes/..%2f..%2froles.yaml",
        "/..%5croles.yaml",
        "/jokes\\..\\..\\roles.yaml",
        "/roles.yaml%00.html",
        "/%00",
        "/%zz",
        "//etc/passwd",
        "/content/jokes/j1.md",
        "/site.yaml",
    ] {
        let resp = get(&port, path, &host);
        assert!(
            resp.starts_with("HTTP/1.1 404") || resp.starts_with("HTTP/1.1 400"),
            "{path}: {}",
            resp.lines().next().unwrap_or("")
        );
        assert!(
            !resp.contains("members:") && !resp.contains("base_url"),
            "{path} leaked a site file"
        );
    }
    let raw_nul = raw(
        &port,
        format!("GET /a\0b HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes(),
        Duration::from_secs(2),
    );
    assert!(raw_nul.starts_with("HTTP/1.1 400"), "{raw_nul}");
    let long_url = format!("GET /{} HTTP/1.1\r\nHost: {host}\r\n\r\n", "a".repeat(200_000));
    let resp = raw(&port, long_url.as_bytes(), Duration::from_secs(5));
    assert!(
        resp.starts_with("HTTP/1.1 414"),
        "{}",
        resp.lines().next().unwrap_or("")
    );
    let long_header = format!(
        "GET / HTTP/1.1\r\nHost: {host}\r\nX-Big: {}\r\n\r\n",
        "b".repeat(200_000)
    );
    let resp = raw(&port, long_header.as_bytes(), Duration::from_secs(5));
    assert!(
        resp.starts_with("HTTP/1.1 431"),
        "{}",
        resp.lines().next().unwrap_or("")
    );
    let many: String = (0..200).map(|i| format!("X-H{i}: v\r\n")).collect();
    let resp = raw(
        &port,
        format!("GET / HTTP/1.1\r\nHost: {host}\r\n{many}\r\n").as_bytes(),
        Duration::from_secs(5),
    );
    assert!(
        resp.starts_with("HTTP/1.1 431"),
        "{}",
        resp.lines().next().unwrap_or("")
    );
    assert!(
        get(&port, "/jokes/j1/", &host).starts_with("HTTP/1.1 200"),
        "still serving"
    );
}

/// A live-reload stream, read line by line.
struct Events {
    lines: std::io::Lines<std::io::BufReader<TcpStream>>,
}

impl Events {
    fn open(port: &str) -> Events {
        let mut c = TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();
        write!(c, "GET /__punchline/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n").unwrap();
        c.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
        let mut lines = std::io::BufRead::lines(std::io::BufReader::new(c));
        assert_eq!(lines.next().unwrap().unwrap(), "HTTP/1.1 200 OK");
        Events { lines }
    }

    /// The next event's JSON.
    fn next(&mut self) -> serde_json::Value {
        loop {
            let line = self.lines.next().expect("the stream stays open").unwrap();
            if let Some(json) = line.strip_prefix("data: ") {
                return serde_json::from_str(json).unwrap();
            }
        }
    }
}

/// Starts serve, replaces `rel` with `broken`, and checks the last good
/// page is still served while the error shows in the status, the event
/// stream and the state a newly opened page gets; then restores the file.
/// Returns the error lines.
pub(crate) fn serve_keeps_the_last_good_site(rel: &str, broken: &str, page: &str, good_text: &str) -> Vec<String> {
    let s = crate::serve::site();
    let mut srv = Server::start(&s, &[]);
    let port = port_of(&srv);
    let mut events = Events::open(&port);
    assert_eq!(
        events.next()["errors"],
        serde_json::json!([]),
        "the first state: no errors"
    );
    let path = s.root().join(rel);
    let good = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, broken).unwrap();
    let st = srv.next_rebuild();
    assert_eq!(st["ok"], false, "{st}");
    let errors: Vec<String> = st["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap().to_string())
        .collect();
    assert!(
        !errors.is_empty() && errors.iter().all(|e| e.starts_with(rel)),
        "{errors:?}"
    );
    let (code, body) = srv.get(page);
    assert_eq!(code, 200, "the last good page is still served");
    assert!(body.contains(good_text), "{body}");
    let ev = events.next();
    assert_eq!(ev["type"], "error");
    assert_eq!(ev["errors"], st["errors"], "the overlay shows the errors");
    let state = Events::open(&port).next();
    assert_eq!(state["errors"], st["errors"], "a page opened now shows them too");
    std::fs::write(&path, good).unwrap();
    let st = srv.next_rebuild();
    assert_eq!(st["ok"], true, "{st}");
    assert_eq!(events.next()["type"], "rebuilt", "the overlay goes away");
    errors
}

#[test]
fn serve_keeps_the_last_good_site_when_front_matter_breaks() {
    let errors = serve_keeps_the_last_good_site(
        "content/jokes/j2.md",
        "---\ntitle: [unclosed\nstatus: published\n---\nBroken.\n",
        "/jokes/j2/",
        "The joke j2.",
    );
    assert!(
        errors[0].starts_with("content/jokes/j2.md:3:7: error[FM002]: invalid YAML in front matter"),
        "{errors:?}"
    );
}

/// Writes twenty 256 KiB downloads into static/, their bytes set by `seed`:
/// a deploy of a new seed takes a while.
fn downloads(s: &Site, seed: u32) {
    for i in 0..20u32 {
        let bytes: Vec<u8> = (0..1u32 << 18)
            .map(|j| (j.wrapping_mul(2654435761).wrapping_add(seed * 7919 + i) >> 13) as u8)
            .collect();
        let p = s.root().join(format!("static/downloads/file-{i:02}.bin"));
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
}

/// The folder target's files, without the stored manifest.
fn deployed(www: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut t = tree(www);
    t.remove(".punchline-manifest.json");
    t
}

#[test]
fn deploys_killed_midway_leave_nothing_the_next_deploy_would_believe() {
    let s = big_site(60);
    let site_yaml = std::fs::read_to_string(s.root().join("site.yaml")).unwrap();
    s.write(
        "site.yaml",
        &format!("{site_yaml}deploy:\n  targets:\n    www: file://srv/www\n"),
    );
    let www = s.root().join("srv/www");
    let deploy = |s: &Site| s.run(&["deploy", "--target", "www"]);
    downloads(&s, 1);
    s.build(&[]).ok();
    let started = Instant::now();
    deploy(&s).ok();
    let full = started.elapsed();
    const STEPS: u32 = 6;
    for step in 0..STEPS {
        // Version B: new downloads and a changed joke; killed midway.
        downloads(&s, 2);
        crate::serve::edit(&s, "content/jokes/j7.md", "The joke j7.", "The joke j7, version B.");
        s.build(&[]).ok();
        let mut child = Command::new(env!("CARGO_BIN_EXE_punchline"))
            .args(["deploy", "--target", "www"])
            .current_dir(s.root())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(full * step / STEPS);
        let _ = child.kill();
        child.wait().unwrap();
        // Back to version A, whose files the old manifest lists: whatever
        // B wrote before it was killed must be replaced.
        downloads(&s, 1);
        crate::serve::edit(&s, "content/jokes/j7.md", "The joke j7, version B.", "The joke j7.");
        s.build(&[]).ok();
        deploy(&s).ok();
        let mut want = tree(&s.root().join("public"));
        want.remove(".punchline-manifest.json");
        assert_same_tree(&deployed(&www), &want, &format!("deploy after a kill at step {step}"));
    }
}

#[test]
fn serve_keeps_the_last_good_site_when_a_yaml_bomb_arrives() {
    // Nine levels of ten aliases each: a billion values if expanded.
    let mut bomb = String::from("---\na0: &a0 [x]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        bomb.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    bomb.push_str("title: Bomb\ndate: 2026-11-01\nauthor: alice\nstatus: published\n---\nBoom.\n");
    let errors = serve_keeps_the_last_good_site("content/jokes/j2.md", &bomb, "/jokes/j2/", "The joke j2.");
    assert!(
        errors[0].starts_with("content/jokes/j2.md:6:") && errors[0].contains("error[FM006]"),
        "{errors:?}"
    );
}

#[test]
fn temporary_cache_files_of_a_killed_build_are_removed_by_the_next() {
    let s = big_site(5);
    s.build(&[]).ok();
    let dir = s.root().join(".punchline/cache");
    let names = |dir: &Path| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    let caches = names(&dir);
    // What a build killed while saving its caches leaves: a half-written
    // temporary file beside each.
    for c in &caches {
        std::fs::write(dir.join(format!(".{c}.killed.tmp")), b"{\"half").unwrap();
    }
    crate::serve::edit(&s, "content/jokes/j1.md", "The joke j1.", "The joke j1, edited.");
    s.build(&[]).ok();
    assert_eq!(names(&dir), caches, "only the caches themselves remain");
}
