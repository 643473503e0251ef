//! SARIF 2.1.0: findings as results with physical locations, for code
//! hosts that annotate files in a pull request.

use super::Formatter;
use crate::audit::rules::RULES;
use crate::audit::{Level, Report};
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
        let results: Vec<Value> = report
            .findings
            .iter()
            .map(|f| {
                let mut physical = json!({"artifactLocation": {"uri": f.path, "uriBaseId": "%SRCROOT%"}});
                if f.line > 0 {
                    let mut region = json!({"startLine": f.line});
                    if f.col > 0 {
                        region["startColumn"] = json!(f.col);
                    }
                    physical["region"] = region;
                }
                let mut text = f.message.clone();
                if let Some(h) = &f.help {
                    text.push_str(&format!(" (help: {h})"));
                }
                json!({
                    "ruleId": f.rule,
                    "ruleIndex": RULES.iter().position(|r| r.code == f.rule).unwrap_or(0),
                    "level": level(f.level),
                    "message": {"text": text},
                    "locations": [{"physicalLocation": physical}],
                })
            })
            .collect();
        let doc = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": report.generator.name,
                    "version": report.generator.version,
                    "rules": rules,
                }},
                "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "the site root"}}},
                "results": results,
            }],
        });
        let mut w = io::BufWriter::new(out);
        serde_json::to_writer_pretty(&mut w, &doc).map_err(json_error)?;
        w.write_all(b"\n")?;
        w.flush()
    }
}

/// Keeps the kind of an I/O error (a closed pipe stays a closed pipe).
fn json_error(e: serde_json::Error) -> io::Error {
    match e.io_error_kind() {
        Some(kind) => io::Error::new(kind, e),
        None => io::Error::other(e),
    }
}
