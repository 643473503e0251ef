//! The demo site in a real browser: Lighthouse scores (all four categories,
//! as a phone and as a desktop), the Nu HTML checker, screenshots at phone
//! and desktop widths, and live reload driven by Playwright. The tools come from `.ci/run` (Debian's chromium and a JRE,
//! and .ci/package.json); without them these tests skip, unless CI is set.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub(crate) const NOW: &str = "2026-11-25T12:00:00Z";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Whether the browser-side tools are installed; in CI their absence fails.
pub(crate) fn tools_present(test: &str) -> bool {
    let ci = repo().join(".ci");
    let needed = [
        PathBuf::from("/usr/bin/chromium"),
        ci.join("node_modules/lighthouse/cli/index.js"),
        ci.join("node_modules/playwright-core/package.json"),
        ci.join("node_modules/vnu-jar/build/dist/vnu.jar"),
    ];
    let missing: Vec<String> = needed
        .iter()
        .filter(|p| !p.exists())
        .map(|p| p.display().to_string())
        .collect();
    let java = Command::new("java").arg("-version").output().is_ok();
    let node = Command::new("node").arg("--version").output().is_ok();
    if missing.is_empty() && java && node {
        return true;
    }
    let msg =
        format!("{test}: browser tools missing ({missing:?}, java: {java}, node: {node}); run .ci/run to install them");
    crate::support::skip(&msg);
    false
}

/// A copy of the demo site (the repository root) in a temporary folder.
pub(crate) fn demo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for item in ["content", "themes", "static", "site.yaml", "roles.yaml"] {
        copy(&repo().join(item), &dir.path().join(item));
    }
    dir
}

fn copy(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap().flatten() {
            copy(&e.path(), &to.join(e.file_name()));
        }
    } else {
        std::fs::copy(from, to).unwrap();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub(crate) fn punchline(root: &Path, args: &[&str]) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_punchline"))
        .args(args)
        .current_dir(root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "punchline {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Kills the child on drop.
pub(crate) struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn wait_until_up(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "server on port {port} did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Serves a built folder with a plain static file server, as a CDN would.
fn static_server(dir: &Path, port: u16) -> Running {
    let child = Command::new("python3")
        .args([
            "-m",
            "http.server",
            "--bind",
            "127.0.0.1",
            &port.to_string(),
            "--directory",
        ])
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_until_up(port);
    Running(child)
}

/// The demo site built for `http://127.0.0.1:PORT` and served from a plain
/// static server on that port: (site folder, server, base URL).
pub(crate) fn built_and_served() -> (tempfile::TempDir, Running, String) {
    let site = demo();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    punchline(site.path(), &["build", "--now", NOW, "--base-url", &base]);
    let server = static_server(&site.path().join("public"), port);
    (site, server, base)
}

pub(crate) fn node(script: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new("node")
        .arg(repo().join(".ci/browser").join(script))
        .args(args)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

pub(crate) fn artifacts(name: &str) -> PathBuf {
    let dir = repo().join("test-artifacts").join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn lighthouse_gives_100_in_all_four_categories_on_phones_and_desktops() {
    if !tools_present("lighthouse") {
        return;
    }
    let (_site, _server, base) = built_and_served();
    let pages = [
        "/",
        "/jokes/parallel-lines/",
        "/tags/computers/",
        "/specials/winter-laughs/",
    ];
    let urls: Vec<String> = pages.iter().map(|p| format!("{base}{p}")).collect();
    let out = artifacts("lighthouse");
    for (form, flag) in [("phone", None), ("desktop", Some("--desktop"))] {
        let mut args = vec!["--out", out.to_str().unwrap()];
        args.extend(flag);
        args.extend(urls.iter().map(String::as_str));
        let (ok, report) = node("lighthouse.mjs", &args);
        assert!(ok, "Lighthouse scores below 100 ({form}):\n{report}");
        let scored = report
            .lines()
            .filter(|l| {
                ["performance", "accessibility", "best-practices", "seo"]
                    .iter()
                    .all(|c| l.contains(&format!("\"{c}\":100")))
            })
            .count();
        assert_eq!(scored, pages.len(), "{form}: {report}");
    }
}

#[test]
fn every_page_passes_the_nu_html_checker() {
    if !tools_present("vnu") {
        return;
    }
    let site = demo();
    for (mode, extra) in [("live", None), ("preview", Some("--preview"))] {
        let out = site.path().join(format!("out-{mode}"));
        let mut args = vec!["build", "--now", NOW, "-o", out.to_str().unwrap()];
        args.extend(extra);
        punchline(site.path(), &args);
        let vnu = repo().join(".ci/node_modules/vnu-jar/build/dist/vnu.jar");
        let res = Command::new("java")
            .arg("-jar")
            .arg(&vnu)
            .args(["--errors-only", "--skip-non-html"])
            .arg(&out)
            .output()
            .unwrap();
        let report = String::from_utf8_lossy(&res.stderr);
        assert!(
            res.status.success() && report.trim().is_empty(),
            "{mode} build has HTML errors:\n{report}"
        );
        let pages = crate::support::walk(&out)
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "html"))
            .count();
        assert!(pages > 80, "checked only {pages} pages");
    }
}

#[test]
fn screenshots_at_phone_and_desktop_widths_without_console_errors() {
    if !tools_present("screenshots") {
        return;
    }
    let (_site, _server, base) = built_and_served();
    let out = artifacts("screenshots");
    let urls: Vec<String> = [
        "/",
        "/jokes/parallel-lines/",
        "/specials/winter-laughs/",
        "/bulletins/",
        "/jokes/?q=coffee",
    ]
    .iter()
    .map(|p| format!("{base}{p}"))
    .collect();
    let mut args = vec![out.to_str().unwrap()];
    args.extend(urls.iter().map(String::as_str));
    let (ok, report) = node("screenshots.mjs", &args);
    assert!(ok, "{report}");
    let shots = std::fs::read_dir(&out).unwrap().count();
    assert!(shots >= urls.len() * 2, "{shots} screenshots in {}", out.display());
}

#[test]
fn live_reload_and_the_error_overlay_in_a_browser() {
    if !tools_present("live reload") {
        return;
    }
    let site = demo();
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_punchline"))
        .args(["serve", "--port", &port.to_string(), "--now", NOW])
        .current_dir(site.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _server = Running(child);
    wait_until_up(port);
    let file = site.path().join("content/jokes/parallel-lines.md");
    let (ok, report) = node(
        "live-reload.mjs",
        &[
            &format!("http://127.0.0.1:{port}"),
            "/jokes/parallel-lines/",
            file.to_str().unwrap(),
        ],
    );
    assert!(ok, "{report}");
    assert!(
        report.contains("reloaded with the new text") && report.contains("overlay gone after the fix"),
        "{report}"
    );
}
