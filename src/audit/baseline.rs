//! Baselines: which findings are new since an earlier report, which remain,
//! which were fixed.
//!
//! Input: this run's findings and the JSON report of an earlier run (for
//! example the main branch's, in CI). Output: a [`Baseline`] holding each
//! finding's [`State`] (in report order) and the earlier findings that are
//! gone. Identity: a finding is the same finding when its rule, its page
//! (URL, or file for findings without a page) and its message with every
//! number blanked out agree ([`identity`]). Lines and columns are left out
//! because an edit above a finding moves it without changing it; numbers
//! because "640 px wide" and "655 px wide" are the same too-wide title.
//! When several findings share an identity, they are matched by count: two
//! before and three now is two unchanged and one new.

use super::Finding;
use crate::diagnostic::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

/// A finding compared with the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Not in the baseline.
    New,
    /// In the baseline too.
    Unchanged,
    /// In the baseline only (fixed since).
    Fixed,
}

impl State {
    /// `new`, `unchanged` or `fixed`.
    pub fn name(self) -> &'static str {
        match self {
            State::New => "new",
            State::Unchanged => "unchanged",
            State::Fixed => "fixed",
        }
    }
}

/// A finding as an earlier JSON report holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Earlier {
    /// Rule code.
    pub rule: String,
    /// Rule name.
    #[serde(default)]
    pub name: String,
    /// `error`, `warning` or `notice`.
    pub level: String,
    /// File.
    pub path: String,
    /// Line then.
    #[serde(default)]
    pub line: usize,
    /// Column then.
    #[serde(default)]
    pub col: usize,
    /// The page's site path.
    #[serde(default)]
    pub url: Option<String>,
    /// What was wrong.
    pub message: String,
    /// What to do.
    #[serde(default)]
    pub help: Option<String>,
}

/// This run against the baseline.
#[derive(Debug, Clone, Serialize)]
pub struct Baseline {
    /// The baseline file, as given.
    pub file: String,
    /// Findings not in the baseline.
    pub new: usize,
    /// Findings in both.
    pub unchanged: usize,
    /// Findings of the baseline that are gone, in its order.
    pub fixed: Vec<Earlier>,
    /// The state of each of this run's findings, in report order.
    #[serde(skip)]
    pub states: Vec<State>,
}

/// The part of an earlier report the comparison reads.
#[derive(Deserialize)]
struct EarlierReport {
    schema: String,
    findings: Vec<Earlier>,
}

/// Reads the findings of the JSON report at `path`.
pub fn load(path: &Path) -> Result<Vec<Earlier>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let report: EarlierReport = serde_json::from_str(&text).map_err(|e| {
        Error::Usage(format!(
            "--baseline {}: not an audit JSON report ({e}); write one with `punchline audit --format json -o FILE`",
            path.display()
        ))
    })?;
    if !report.schema.starts_with("punchline-audit/") {
        return Err(Error::Usage(format!(
            "--baseline {}: schema '{}' is not an audit report's (punchline-audit/1)",
            path.display(),
            report.schema
        )));
    }
    Ok(report.findings)
}

/// A finding's identity: rule, page (URL, else file) and message with
/// numbers blanked, joined by a separator no message contains.
pub fn identity(rule: &str, url: Option<&str>, path: &str, message: &str) -> String {
    let mut key = String::with_capacity(rule.len() + path.len() + message.len() + 2);
    key.push_str(rule);
    key.push('\u{1f}');
    key.push_str(url.unwrap_or(path));
    key.push('\u{1f}');
    let mut in_number = false;
    for c in message.chars() {
        let digit = c.is_ascii_digit() || (in_number && c == '.');
        if digit && !in_number {
            key.push('#');
        } else if !digit {
            key.push(c);
        }
        in_number = digit;
    }
    key
}

/// Compares `findings` with `earlier`; `file` names the baseline.
pub fn compare(findings: &[Finding], earlier: Vec<Earlier>, file: &str) -> Baseline {
    let mut before: HashMap<String, usize> = HashMap::new();
    for e in &earlier {
        *before
            .entry(identity(&e.rule, e.url.as_deref(), &e.path, &e.message))
            .or_default() += 1;
    }
    let mut now: HashMap<String, usize> = HashMap::new();
    let states: Vec<State> = findings
        .iter()
        .map(|f| {
            let id = identity(f.rule, f.url.as_deref(), &f.path, &f.message);
            let left = before.get_mut(&id);
            *now.entry(id).or_default() += 1;
            match left {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    State::Unchanged
                }
                _ => State::New,
            }
        })
        .collect();
    let fixed = earlier
        .into_iter()
        .filter(|e| {
            let id = identity(&e.rule, e.url.as_deref(), &e.path, &e.message);
            match now.get_mut(&id) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            }
        })
        .collect();
    let new = states.iter().filter(|s| **s == State::New).count();
    Baseline {
        file: file.to_string(),
        new,
        unchanged: states.len() - new,
        fixed,
        states,
    }
}

impl Baseline {
    /// The state of finding `i` of the report.
    pub fn state(&self, i: usize) -> State {
        self.states.get(i).copied().unwrap_or(State::New)
    }

    /// The report's findings, each with its state, in report order (what
    /// the JSON and SARIF writers mark).
    pub fn marked<'f>(&self, findings: &'f [Finding]) -> Vec<(&'f Finding, State)> {
        findings.iter().enumerate().map(|(i, f)| (f, self.state(i))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::Level;

    fn finding(rule: &'static str, line: usize, message: &str) -> Finding {
        Finding {
            rule,
            name: "n",
            level: Level::Warning,
            path: "content/jokes/a.md".into(),
            line,
            col: 1,
            url: Some("/jokes/a/".into()),
            message: message.into(),
            help: None,
        }
    }

    fn earlier(f: &Finding) -> Earlier {
        serde_json::from_value(serde_json::to_value(f).unwrap()).unwrap()
    }

    #[test]
    fn moved_lines_and_changed_numbers_keep_a_finding_unchanged() {
        let then = vec![
            earlier(&finding("AUD108", 3, "the title is 640.5 px wide")),
            earlier(&finding("AUD112", 9, "image has no alt")),
            earlier(&finding("AUD112", 12, "image has no alt")),
            earlier(&finding("AUD110", 2, "no description")),
        ];
        let now = [
            finding("AUD108", 5, "the title is 655 px wide"),
            finding("AUD112", 11, "image has no alt"),
            finding("AUD112", 14, "image has no alt"),
            finding("AUD112", 20, "image has no alt"),
        ];
        let b = compare(&now, then, "base.json");
        use State::*;
        assert_eq!(b.states, vec![Unchanged, Unchanged, Unchanged, New]);
        assert_eq!((b.new, b.unchanged), (1, 3));
        assert_eq!(b.fixed.len(), 1);
        assert_eq!(b.fixed[0].rule, "AUD110");
    }
}
