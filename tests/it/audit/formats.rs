//! Exit codes, the report formats (the JSON one against its snapshot),
//! `build --report`, and the HTML report in headless Chromium.

use super::*;
use std::process::Command;

#[test]
fn exit_codes() {
    let s = good_site();
    goose(&s, |f| f.replace("  focus_keyword: goose joke\n", ""), keep);
    assert_eq!(
        s.run(&["audit", "--now", NOW]).code,
        0,
        "warnings do not fail by default"
    );
    assert_eq!(s.run(&["audit", "--now", NOW, "--fail-on", "warning"]).code, 1);
    goose(&s, keep, |b| format!("\n# Second h1\n{b}"));
    assert_eq!(s.run(&["audit", "--now", NOW]).code, 1, "an error fails");
    let run = s.run(&["audit", "--now", NOW, "-o", "no/such/folder/report.txt"]);
    assert_eq!(run.code, 2, "could not run: {}", run.stderr);
    let run = s.run(&["audit", "--now", "yesterday"]);
    assert_eq!(run.code, 2);
}

#[test]
fn text_report_groups_findings_by_page_like_diagnostics() {
    let s = good_site();
    goose(
        &s,
        |f| f.replace("  focus_keyword: goose joke\n", ""),
        |b| b.replace("![A bird crossing a country road]", "![]"),
    );
    let run = s.run(&["audit", "--now", NOW]);
    let out = &run.stdout;
    assert!(!out.contains("\x1b["), "no colour in a pipe");
    let head = out
        .lines()
        .position(|l| l.starts_with("content/jokes/goose-joke.md (/jokes/goose-joke/) score "))
        .unwrap();
    let lines: Vec<&str> = out.lines().skip(head + 1).take_while(|l| !l.is_empty()).collect();
    assert!(lines.contains(&"content/jokes/goose-joke.md:6:1: warning[AUD101]: no focus keyword: the page is not optimized for any search (help: add 'focus_keyword: ...' under seo:, the phrase this page should rank for)"), "{out}");
    assert!(
        lines.iter().any(|l| l
            .starts_with("content/jokes/goose-joke.md:13: warning[AUD112]: image '/images/bird.png' has no alt text")),
        "{out}"
    );
    assert!(
        out.contains("audited 5 pages: 0 errors, 2 warnings, 1 notice; mean page score"),
        "{out}"
    );
    // Warnings before notices, by line within each level.
    let codes: Vec<&str> = lines.iter().map(|l| l.split(['[', ']']).nth(1).unwrap()).collect();
    assert_eq!(codes, vec!["AUD101", "AUD112", "AUD114"], "{out}");
}

#[test]
fn csv_has_one_row_per_finding() {
    let s = good_site();
    goose(&s, |f| f.replace("  focus_keyword: goose joke\n", ""), keep);
    let (_, v) = audit_json(&s, &[]);
    let run = s.run(&["audit", "--now", NOW, "--format", "csv"]);
    let rows: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(rows[0], "level,rule,name,path,line,column,url,message,help");
    assert_eq!(rows.len() - 1, v["findings"].as_array().unwrap().len());
    assert!(rows.iter().any(|r| r.starts_with(
        "warning,AUD101,focus-keyword-missing,content/jokes/goose-joke.md,6,1,/jokes/goose-joke/,no focus keyword: the page is not optimized for any search,\"add 'focus_keyword: ...' under seo:, the phrase this page should rank for\""
    )), "{}", run.stdout);
}

#[test]
fn sarif_has_physical_locations_and_rules() {
    let s = good_site();
    goose(
        &s,
        |f| f.replace("  focus_keyword: goose joke\n", ""),
        |b| format!("\n# Second h1\n{b}"),
    );
    let run = s.run(&["audit", "--now", NOW, "--format", "sarif"]);
    assert_eq!(run.code, 1);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let sarif_run = &v["runs"][0];
    let rules = sarif_run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().any(|r| r["id"] == "AUD111" && r["name"] == "h1-count"));
    let results = sarif_run["results"].as_array().unwrap();
    let h1 = results.iter().find(|r| r["ruleId"] == "AUD111").unwrap();
    assert_eq!(h1["level"], "error");
    let loc = &h1["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], GOOSE);
    assert_eq!(loc["region"]["startLine"], 10, "the body's first line");
    let idx = h1["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[idx]["id"], "AUD111");
    let notice = results.iter().find(|r| r["ruleId"] == "AUD114").unwrap();
    assert_eq!(notice["level"], "note");
}

/// The JSON schema is locked by tests/fixtures/audit/report.json. After a
/// deliberate change, run with PUNCHLINE_BLESS=1 to rewrite it (and update
/// docs/audit.md).
#[test]
fn json_schema_is_stable() {
    let s = good_site();
    goose(
        &s,
        |f| f.replace("title: Goose joke about", "title: A funny goose joke about"),
        |b| b.replace("![A bird crossing a country road]", "![]"),
    );
    s.item(
        "jokes/xiaohua-chengxuyuan.md",
        "status: published\nseo:\n  title: 程序员笑话：买一个包子\n  description: 老婆让程序员老公下班买一斤包子。\n  focus_keyword: 程序员\n",
        CHENGXUYUAN,
    );
    s.write(
        "keywords.yaml",
        "keywords:\n  - {keyword: duck joke, priority: high}\n  - 程序员\n  - 西瓜\n",
    );
    let (_, mut v) = audit_json(&s, &[]);
    v["generator"]["version"] = Value::String("<version>".into());
    let actual = serde_json::to_string_pretty(&v).unwrap() + "\n";
    let expected_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/audit/report.json");
    if std::env::var_os("PUNCHLINE_BLESS").is_some() {
        std::fs::create_dir_all(expected_path.parent().unwrap()).unwrap();
        std::fs::write(&expected_path, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
    if actual != expected {
        let out = artifacts().join("audit-report.actual.json");
        std::fs::write(&out, &actual).unwrap();
        panic!(
            "the audit JSON differs from {}; the new output is in {} (diff them; if the change is \
             deliberate, rerun with PUNCHLINE_BLESS=1 and document it in docs/audit.md)",
            expected_path.display(),
            out.display()
        );
    }
}

#[test]
fn build_report_writes_every_format_from_the_same_model() {
    let s = good_site();
    goose(&s, |f| f.replace("  focus_keyword: goose joke\n", ""), keep);
    let run = s.build(&["--report", "reports"]).ok();
    assert!(
        run.stderr.contains("audit reports in reports: 0 errors, 1 warnings"),
        "{}",
        run.stderr
    );
    assert!(s.has("jokes/goose-joke/index.html"), "the site is built too");
    for ext in ["txt", "json", "csv", "sarif", "html"] {
        assert!(s.root().join(format!("reports/audit.{ext}")).is_file(), "audit.{ext}");
    }
    let from_build: Value =
        serde_json::from_str(&std::fs::read_to_string(s.root().join("reports/audit.json")).unwrap()).unwrap();
    let (_, from_audit) = audit_json(&s, &[]);
    assert_eq!(from_build, from_audit, "build --report and audit agree");
    let text = std::fs::read_to_string(s.root().join("reports/audit.txt")).unwrap();
    assert!(text.contains("warning[AUD101]"));
}

/// A standalone audit renders no body HTML (nothing it checks reads it),
/// while `build --report` audits the built model, HTML and all. The theme
/// check must come out the same either way, also when bodies carry their
/// own `<h1>` and ids that the sample pages (item and listings) show.
#[test]
fn audit_without_body_html_agrees_with_build_report() {
    let s = good_site();
    goose(&s, keep, |b| {
        format!("# A goose heading in the body {{#goose-top}}\n\n{b}")
    });
    let run = s.build(&["--report", "reports"]);
    assert!(run.stderr.contains("audit reports in reports:"), "{}", run.stderr);
    let from_build: Value =
        serde_json::from_str(&std::fs::read_to_string(s.root().join("reports/audit.json")).unwrap()).unwrap();
    let (_, from_audit) = audit_json(&s, &[]);
    assert_eq!(from_build, from_audit, "build --report and audit agree");
    let rules: Vec<&str> = from_audit["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(
        rules.contains(&"AUD111"),
        "the body's h1 is a second h1 on its page: {rules:?}"
    );
    assert!(
        !rules.contains(&"AUD210"),
        "the theme is not blamed for the body's h1: {rules:?}"
    );
}

#[test]
fn build_report_fails_the_build_on_bad_audit_settings() {
    let s = good_site();
    s.build(&[]).ok();
    s.write("keywords.yaml", "keywords: 12\n");
    let run = s.build(&["--report", "reports"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("keywords.yaml:1:"), "{}", run.stderr);
    assert!(s.has("jokes/chicken-joke/index.html"), "the previous output stays");
}

/// The Chromium binary, if this machine has one.
pub(super) fn chromium() -> Option<PathBuf> {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        let found = std::env::var_os("PATH")
            .into_iter()
            .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
            .map(|d| d.join(name))
            .find(|p| p.is_file());
        if found.is_some() {
            return found;
        }
    }
    None
}

/// Runs headless Chromium with the flags that keep it quiet and offline,
/// and stops it if it has not finished within a minute.
pub(super) fn headless(bin: &Path, profile: &Path, args: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let (out_path, err_path) = (dir.path().join("out"), dir.path().join("err"));
    let mut child = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .expect("chromium starts");
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > std::time::Duration::from_secs(60) {
            let _ = child.kill();
            panic!("chromium did not finish within 60 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: std::fs::read_to_string(&out_path).unwrap_or_default(),
        stderr: std::fs::read_to_string(&err_path).unwrap_or_default(),
    }
}

#[test]
fn html_report_renders_in_chromium_without_console_errors() {
    let Some(bin) = chromium() else {
        crate::support::skip("chromium is not installed (apt-get install -y chromium)");
        return;
    };
    let s = good_site();
    goose(
        &s,
        |f| f.replace("  focus_keyword: goose joke\n", ""),
        |b| format!("\n# Second h1\n{b}"),
    );
    s.item(
        "jokes/xiaohua-chengxuyuan.md",
        "status: published\nseo:\n  focus_keyword: 程序员\n",
        CHENGXUYUAN,
    );
    s.write("keywords.yaml", "keywords:\n  - duck joke\n  - 程序员\n  - 西瓜\n");
    let report = s.root().join("audit.html");
    let run = s.run(&[
        "audit",
        "--now",
        NOW,
        "--format",
        "html",
        "-o",
        report.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let html = std::fs::read_to_string(&report).unwrap();
    for external in ["src=\"http", "href=\"http", "@import", "url(http"] {
        assert!(!html.contains(external), "no external assets: {external}");
    }
    assert!(html.contains("<svg") && html.contains("程序员"));
    let profile = tempfile::tempdir().unwrap();
    let url = format!("file://{}#sort=score&dir=asc", report.display());
    let dom = headless(&bin, profile.path(), &["--dump-dom", &url]);
    let console: Vec<&str> = dom.stderr.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "console messages: {console:?}");
    assert!(!dom.stderr.contains("Uncaught"), "{}", dom.stderr);
    assert!(
        dom.stdout.contains("data-report-ready=\"yes\""),
        "the script ran:\n{}",
        dom.stdout
    );
    // Sorted by score, lowest first: the goose joke with its error leads.
    let body = &dom.stdout[dom.stdout.find("<table id=\"pages\"").unwrap()..];
    let first_row = &body[body.find("<tbody>").unwrap()..];
    let first_row = &first_row[..first_row.find("</tr>").unwrap()];
    assert!(first_row.contains("/jokes/goose-joke/"), "{first_row}");
    assert!(body.contains("aria-sort=\"ascending\""));
    let shot = artifacts().join("audit-report.png");
    let _ = std::fs::remove_file(&shot);
    let run = headless(
        &bin,
        profile.path(),
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1280,900",
            &url,
        ],
    );
    assert!(shot.is_file(), "no screenshot: {}", run.stderr);
    assert!(std::fs::metadata(&shot).unwrap().len() > 10_000, "a blank screenshot");
}
