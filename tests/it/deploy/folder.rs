//! Deploys to a folder (`file://`).

use super::{build_manifest, changed_paths, deploy, edit_beta, manifest_paths, site, SITE_YAML};
use crate::support::{walk, Site};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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
    deploy(&s, None, &["--target", "www", "--allow-gone", "/jokes/gamma/"]).ok();
    assert!(www.join("jokes/gamma/index.html").exists(), "kept without --delete");

    let r = deploy(&s, None, &["--target", "www", "--delete", "--max-deletes", "0"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("error[DEP005]"), "{}", r.stderr);
    assert!(www.join("jokes/gamma/index.html").exists());

    // A dry run over the limit shows the plan, and fails like the deploy would.
    let r = deploy(
        &s,
        None,
        &["--target", "www", "--delete", "--max-deletes", "1", "--dry-run"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.contains("  delete  jokes/gamma/index.html"), "{}", r.stdout);
    assert!(
        r.stderr.contains("error[DEP005]: refusing to delete 2 files"),
        "{}",
        r.stderr
    );
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
