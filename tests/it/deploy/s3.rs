//! Deploys to a bucket on a local S3-compatible server.

use super::server::{free_port, server, Object, Server, BUCKET, KEY, PREFIX, SECRET};
use super::{build_manifest, changed_paths, deploy, edit_beta, manifest_paths, s3_site, Run, SITE_YAML};
use crate::support::Site;
use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const TOKEN: &str = "punchline-session-token-never-shown";

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
    let r = deploy(&s, Some(&server), &["--allow-gone", "/jokes/gamma/"]).ok();
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
            "--allow-gone-all",
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
