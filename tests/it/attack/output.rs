//! Attacks: output.
//!
//! Builds killed at any moment, builds racing each other, deploys killed
//! midway, and a dev server facing foreign pages, slow clients, crowds of
//! connections and broken edits.

use crate::support::{walk, Site, NOW};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

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
    expected.push("public".into());
    expected.sort();
    assert_eq!(root_names(&s), expected, "only public/ beside the site's own files");
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
    expected.push("public".into());
    expected.sort();
    assert_eq!(root_names(&s), expected);
    assert!(s.has("jokes/j119/index.html"));
}
