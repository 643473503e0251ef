//! SARIF 2.1.0 output of `punchline check`, which code hosts show on pull
//! requests (e.g. GitHub code scanning via `upload-sarif`).
//!
//! Input: diagnostics, policy violations and the site root's folder inside
//! the repository. Output: one SARIF log with one run. Every result has a
//! `ruleId`, a `level`, a message and, where known, the file and line; paths
//! are relative to the repository root so the host can place them.

use super::policy::{Violation, RULES};
use crate::diagnostic::{Diagnostic, Severity};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The SARIF log. `prefix` is the site root's folder in the repository
/// (`""` when the site is the repository root, else e.g. `"site/"`).
pub fn log(diags: &[Diagnostic], violations: &[Violation], prefix: &str) -> Value {
    let mut rules: BTreeMap<String, String> = BTreeMap::new();
    let mut results = Vec::new();
    for d in diags {
        rules
            .entry(d.code.to_string())
            .or_insert_with(|| format!("punchline check {} (see docs/diagnostics.md)", d.code));
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let text = match &d.help {
            Some(h) => format!("{} (help: {h})", d.message),
            None => d.message.clone(),
        };
        let path = format!("{prefix}{}", d.path.to_string_lossy().replace('\\', "/"));
        results.push(result(d.code, level, &text, &path, d.line, d.col, None));
    }
    for v in violations {
        let about = RULES.iter().find(|(id, _)| *id == v.rule).map_or("", |(_, a)| a);
        rules.entry(v.rule.clone()).or_insert_with(|| about.to_string());
        let text = v.detail();
        let path = format!("{prefix}{}", v.file);
        let print = format!("{}:{}:{}:{}", v.sha, v.file, v.field, v.rule);
        results.push(result(&v.rule, "error", &text, &path, v.line, 0, Some(print)));
    }
    let rules: Vec<Value> = rules
        .into_iter()
        .map(|(id, about)| json!({"id": id, "shortDescription": {"text": about}}))
        .collect();
    crate::diagnostic::sarif_log(rules, results)
}

fn result(rule: &str, level: &str, text: &str, path: &str, line: usize, col: usize, print: Option<String>) -> Value {
    let mut region = json!({"startLine": line.max(1)});
    if col > 0 {
        region["startColumn"] = json!(col);
    }
    let mut r = json!({
        "ruleId": rule,
        "level": level,
        "message": {"text": text},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": path},
            "region": region,
        }}],
    });
    if let Some(p) = print {
        r["partialFingerprints"] = json!({"punchlinePolicy/v1": p});
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_carry_rule_level_message_and_location() {
        let d = Diagnostic::warning("LNK001", "content/jokes/a.md", "broken link").at(4, 2);
        let v = Violation {
            commit: "0123456".into(),
            sha: "0123456789".into(),
            author: "bob@example.com".into(),
            member: Some("bob".into()),
            file: "content/jokes/a.md".into(),
            line: 6,
            field: "seo".into(),
            rule: "needs-seo".into(),
            message: "bob (editor) cannot change seo fields; members with 'seo': carol".into(),
            help: None,
        };
        let log = log(&[d], &[v], "site/");
        assert_eq!(log["version"], "2.1.0");
        let run = &log["runs"][0];
        let ids: Vec<&str> = run["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["LNK001", "needs-seo"]);
        let r = &run["results"][1];
        assert_eq!(r["ruleId"], "needs-seo");
        assert_eq!(r["level"], "error");
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "site/content/jokes/a.md");
        assert_eq!(loc["region"]["startLine"], 6);
        assert!(r["message"]["text"]
            .as_str()
            .unwrap()
            .contains("commit 0123456 by bob@example.com"));
        assert_eq!(run["results"][0]["level"], "warning");
        assert_eq!(
            run["results"][0]["locations"][0]["physicalLocation"]["region"]["startColumn"],
            2
        );
    }
}
