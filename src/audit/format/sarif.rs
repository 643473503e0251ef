//! SARIF 2.1.0: findings as results with physical locations, for code
//! hosts that annotate files in a pull request.
//!
//! One line of JSON, like the `json` format: the run around the results is
//! built with serde, and the results (a hundred thousand on a large site)
//! are written in parallel chunks and spliced in, so a large report costs
//! about what the `json` one does instead of a tree of values per finding.

use super::json_parts::{find, json_error, string, write_array};
use super::Formatter;
use crate::audit::baseline::{Earlier, State};
use crate::audit::rules::RULES;
use crate::audit::{Finding, Level, Report};
use serde_json::{json, Value};
use std::io::{self, Write};

/// The SARIF formatter.
pub struct Sarif;

fn level(l: Level) -> &'static str {
    match l {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Notice => "note",
    }
}

impl Formatter for Sarif {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let text = serde_json::to_vec(&skeleton(report)).map_err(json_error)?;
        let key = b"\"results\":[";
        let at = find(&text, key).expect("the run always has results") + key.len();
        let mut w = io::BufWriter::with_capacity(1 << 16, out);
        w.write_all(&text[..at])?;
        match &report.baseline {
            None => write_array(&mut w, &report.findings, result)?,
            Some(b) => {
                let marked = b.marked(&report.findings);
                write_array(&mut w, &marked, |out, (f, state)| {
                    result(out, f);
                    with_state(out, *state);
                })?;
                // Fixed findings are results too, marked absent.
                let mut first = report.findings.is_empty();
                for e in &b.fixed {
                    if !first {
                        w.write_all(b",")?;
                    }
                    first = false;
                    let mut out = Vec::new();
                    absent(&mut out, e);
                    w.write_all(&out)?;
                }
            }
        }
        w.write_all(&text[at..])?;
        w.write_all(b"\n")?;
        w.flush()
    }
}

/// The log with every rule and an empty results array.
fn skeleton(report: &Report) -> Value {
    let rules: Vec<Value> = report
        .rules
        .iter()
        .map(|r| {
            let lvl = r.level.map_or("none", level);
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": {"text": r.summary},
                "defaultConfiguration": {"level": lvl, "enabled": r.level.is_some()},
            })
        })
        .collect();
    let mut log = crate::diagnostic::sarif_log(rules, Vec::new());
    log["runs"][0]["originalUriBaseIds"] = json!({"%SRCROOT%": {"description": {"text": "the site root"}}});
    log
}

/// Adds `baselineState` to the result just written (SARIF calls a fixed
/// finding `absent`).
fn with_state(out: &mut Vec<u8>, state: State) {
    out.pop();
    let name = match state {
        State::New => "new",
        State::Unchanged => "unchanged",
        State::Fixed => "absent",
    };
    let _ = write!(out, ",\"baselineState\":\"{name}\"}}");
}

/// A finding of the baseline that is gone, as a result marked `absent`.
fn absent(out: &mut Vec<u8>, e: &Earlier) {
    let level = Level::parse(&e.level).unwrap_or(Level::Notice);
    let index = RULES.iter().position(|r| r.code == e.rule);
    write_result(out, &e.rule, index, level, &e.message, &e.path, (e.line, e.col));
    with_state(out, State::Fixed);
}

/// One finding as a SARIF result.
fn result(out: &mut Vec<u8>, f: &Finding) {
    let index = RULES.iter().position(|r| r.code == f.rule).unwrap_or(0);
    let text = match &f.help {
        Some(h) => std::borrow::Cow::Owned(format!("{} (help: {h})", f.message)),
        None => std::borrow::Cow::Borrowed(f.message.as_str()),
    };
    write_result(out, f.rule, Some(index), f.level, &text, &f.path, (f.line, f.col));
}

/// A SARIF result; `index` is the rule's place in the driver's rules
/// (unknown for a rule of a baseline that this version no longer has).
fn write_result(
    out: &mut Vec<u8>,
    rule: &str,
    index: Option<usize>,
    lvl: Level,
    text: &str,
    path: &str,
    (line, col): (usize, usize),
) {
    out.extend_from_slice(b"{\"ruleId\":");
    string(out, rule);
    if let Some(index) = index {
        let _ = write!(out, ",\"ruleIndex\":{index}");
    }
    let _ = write!(out, ",\"level\":\"{}\"", level(lvl));
    out.extend_from_slice(b",\"message\":{\"text\":");
    string(out, text);
    out.extend_from_slice(b"},\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":");
    string(out, path);
    out.extend_from_slice(b",\"uriBaseId\":\"%SRCROOT%\"}");
    if line > 0 {
        let _ = write!(out, ",\"region\":{{\"startLine\":{line}");
        if col > 0 {
            let _ = write!(out, ",\"startColumn\":{col}");
        }
        out.push(b'}');
    }
    out.extend_from_slice(b"}}]}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    /// The result as the serde tree the formatter used to build.
    fn as_tree(f: &Finding) -> Value {
        let mut physical = json!({"artifactLocation": {"uri": f.path, "uriBaseId": "%SRCROOT%"}});
        if f.line > 0 {
            physical["region"] = json!({"startLine": f.line});
            if f.col > 0 {
                physical["region"]["startColumn"] = json!(f.col);
            }
        }
        let text = match &f.help {
            Some(h) => format!("{} (help: {h})", f.message),
            None => f.message.clone(),
        };
        json!({
            "ruleId": f.rule,
            "ruleIndex": RULES.iter().position(|r| r.code == f.rule).unwrap(),
            "level": level(f.level),
            "message": {"text": text},
            "locations": [{"physicalLocation": physical}],
        })
    }

    #[test]
    fn results_are_valid_json_with_every_field() {
        let base = Finding {
            rule: "AUD111",
            name: "h1-count",
            level: Level::Notice,
            path: "content/jokes/a \"b\".md".into(),
            line: 7,
            col: 3,
            url: Some("/jokes/a/".into()),
            message: "tab \t quote \" 中文".into(),
            help: Some(Cow::Borrowed("fix \\ it")),
        };
        let no_col = Finding { col: 0, ..base.clone() };
        let no_line = Finding {
            line: 0,
            col: 0,
            help: None,
            ..base.clone()
        };
        for f in [base, no_col, no_line] {
            let mut mine = Vec::new();
            result(&mut mine, &f);
            let parsed: Value = serde_json::from_slice(&mine).expect("valid JSON");
            assert_eq!(parsed, as_tree(&f));
        }
    }
}
