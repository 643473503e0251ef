//! `audit --baseline`: findings marked new, unchanged or fixed against an
//! earlier JSON report, `--fail-on new`, and the states in every format.

use super::{audit_json, good_site, goose, keep, GOOSE};
use crate::support::{Site, NOW};
use serde_json::Value;

/// A site whose goose joke lacks a meta description (AUD110, a warning),
/// and its JSON report written to base.json.
fn site_with_baseline() -> Site {
    let s = good_site();
    goose(
        &s,
        |f| {
            let start = f.find("  description:").unwrap();
            let end = start + f[start..].find('\n').unwrap() + 1;
            format!("{}{}", &f[..start], &f[end..])
        },
        keep,
    );
    let run = s.run(&["audit", "--now", NOW, "--format", "json", "-o", "base.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    s
}

fn states(v: &Value) -> Vec<(String, String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["baseline"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn an_unchanged_site_has_no_new_findings_even_when_lines_move() {
    let s = site_with_baseline();
    // Lines move: two blank lines at the top of the body.
    let text = std::fs::read_to_string(s.root().join(GOOSE)).unwrap();
    let moved = text.replacen("---\n\n", "---\n\n\n\n", 1);
    assert_ne!(text, moved);
    s.write(GOOSE, &moved);
    let run = s.run(&["audit", "--now", NOW, "--baseline", "base.json", "--fail-on", "new"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(!run.stdout.contains("[new]"), "{}", run.stdout);
    assert!(run.stdout.contains(": 0 new, "), "{}", run.stdout);
    let (_, v) = audit_json(&s, &["--baseline", "base.json"]);
    let st = states(&v);
    assert!(st.iter().any(|(r, ..)| r == "AUD110"), "{st:?}");
    assert!(st.iter().all(|(.., s)| s == "unchanged"), "{st:?}");
    assert_eq!(v["baseline"]["new"], 0);
    assert_eq!(v["baseline"]["fixed"].as_array().unwrap().len(), 0);
}

#[test]
fn planted_faults_are_new_and_fixed_faults_are_fixed() {
    let s = site_with_baseline();
    // Plant: the chicken joke's image loses its alt text (AUD112, a warning).
    let chicken = "content/jokes/chicken-joke.md";
    let text = std::fs::read_to_string(s.root().join(chicken)).unwrap();
    s.write(chicken, &text.replace("![A bird crossing a country road]", "![]"));
    // Fix: the goose joke gets its description back.
    super::goose(&s, keep, keep);
    let run = s.run(&["audit", "--now", NOW, "--baseline", "base.json", "--fail-on", "new"]);
    assert_eq!(run.code, 1, "a new warning fails the run:\n{}", run.stdout);
    let new_line = run
        .stdout
        .lines()
        .find(|l| l.contains("warning[AUD112]"))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(
        new_line.starts_with(chicken) && new_line.contains("[new]"),
        "{new_line}"
    );
    assert!(
        run.stdout.contains(&format!("fixed since base.json\n{GOOSE}:")),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains(": 1 new, "), "{}", run.stdout);
    // The default --fail-on error is not tripped by warnings.
    let run = s.run(&["audit", "--now", NOW, "--baseline", "base.json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);

    let (run, v) = audit_json(&s, &["--baseline", "base.json"]);
    let fixed = v["baseline"]["fixed"].as_array().unwrap();
    assert_eq!(fixed.len(), 1, "{fixed:?}");
    assert_eq!(
        (fixed[0]["rule"].as_str(), fixed[0]["path"].as_str()),
        (Some("AUD110"), Some(GOOSE))
    );
    assert!(run.stderr.contains(&format!("fixed: {GOOSE}:")), "{}", run.stderr);
    let st = states(&v);
    assert!(st.contains(&("AUD112".into(), chicken.into(), "new".into())), "{st:?}");

    let run = s.run(&["audit", "--now", NOW, "--baseline", "base.json", "--format", "sarif"]);
    let sarif: Value = serde_json::from_str(&run.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let state_of = |rule: &str| {
        results
            .iter()
            .find(|r| r["ruleId"] == rule)
            .map(|r| r["baselineState"].as_str().unwrap().to_string())
    };
    assert_eq!(state_of("AUD112").as_deref(), Some("new"));
    assert_eq!(state_of("AUD110").as_deref(), Some("absent"));
    assert!(results.iter().all(|r| r["baselineState"].is_string()));

    let run = s.run(&["audit", "--now", NOW, "--baseline", "base.json", "--format", "csv"]);
    let header = run.stdout.lines().next().unwrap();
    assert!(header.ends_with(",help,baseline"), "{header}");
    assert!(run.stdout.lines().any(|l| l.contains("AUD112") && l.ends_with(",new")));
}

#[test]
fn a_baseline_that_is_not_a_report_stops_the_audit() {
    let s = good_site();
    s.write("base.json", "{\"not\": \"a report\"}");
    let run = s.run(&["audit", "--now", NOW, "--baseline", "base.json"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("--baseline base.json: not an audit JSON report"),
        "{}",
        run.stderr
    );
    let run = s.run(&["audit", "--now", NOW, "--baseline", "missing.json"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}
