//! JSON: the whole report, in the documented `punchline-audit/1` schema,
//! on one line (a 10,000-page audit is tens of megabytes; `jq .` indents it).
//!
//! The two long arrays, findings and pages, are serialized in parallel
//! chunks and spliced into the rest of the report, which serde writes as
//! usual: the bytes are the same as serializing the report in one go.
//! Findings (a hundred thousand on a large site) are written by
//! [`finding`], which skips serde's per-byte escaping for the common text
//! that needs none; a test holds its output equal to serde's.

use super::json_parts::{find, json_error, string, write_array};
use super::Formatter;
use crate::audit::{Finding, Report};
use std::io::{self, Write};

/// Compact JSON, one trailing newline.
pub struct Json;

impl Formatter for Json {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let skeleton = report.clone_without_lists();
        let text = serde_json::to_vec(&skeleton).map_err(json_error)?;
        let mut w = io::BufWriter::with_capacity(1 << 16, out);
        let mut rest = &text[..];
        for key in [&b"\"findings\":["[..], &b"\"pages\":["[..]] {
            let at = find(rest, key).expect("the report always has this key") + key.len();
            w.write_all(&rest[..at])?;
            if key.starts_with(b"\"findings") {
                match &report.baseline {
                    None => write_array(&mut w, &report.findings, finding)?,
                    Some(b) => {
                        let marked = b.marked(&report.findings);
                        write_array(&mut w, &marked, |out, (f, state)| {
                            finding(out, f);
                            out.pop();
                            out.extend_from_slice(b",\"baseline\":\"");
                            out.extend_from_slice(state.name().as_bytes());
                            out.extend_from_slice(b"\"}");
                        })?
                    }
                }
            } else {
                write_array(&mut w, &report.pages, |buf, p| {
                    serde_json::to_writer(buf, p).expect("plain data serializes")
                })?;
            }
            rest = &rest[at..];
        }
        w.write_all(rest)?;
        w.write_all(b"\n")?;
        w.flush()
    }
}

/// One finding as JSON, byte for byte what serde_json writes for it.
fn finding(out: &mut Vec<u8>, f: &Finding) {
    let Finding {
        rule,
        name,
        level,
        path,
        line,
        col,
        url,
        message,
        help,
    } = f;
    out.extend_from_slice(b"{\"rule\":");
    string(out, rule);
    out.extend_from_slice(b",\"name\":");
    string(out, name);
    out.extend_from_slice(b",\"level\":");
    string(out, level.name());
    out.extend_from_slice(b",\"path\":");
    string(out, path);
    let _ = write!(out, ",\"line\":{line},\"col\":{col},\"url\":");
    match url {
        Some(u) => string(out, u),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"message\":");
    string(out, message);
    out.extend_from_slice(b",\"help\":");
    match help {
        Some(h) => string(out, h),
        None => out.extend_from_slice(b"null"),
    }
    out.push(b'}');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_are_written_as_serde_writes_them() {
        let tricky = "quote \" backslash \\ newline \n tab \t bell \u{7} del \u{7f} 中文 ’ </script>";
        let findings = [
            Finding {
                rule: "AUD104",
                name: "keyword-in-description",
                level: crate::audit::Level::Warning,
                path: "content/jokes/x \"y\".md".into(),
                line: 12,
                col: 0,
                url: Some("/jokes/x/".into()),
                message: tricky.into(),
                help: Some(std::borrow::Cow::Borrowed("fix \r\n it")),
            },
            Finding {
                rule: "AUD210",
                name: "theme-tags",
                level: crate::audit::Level::Error,
                path: "themes/a/templates/b.html".into(),
                line: 0,
                col: 0,
                url: None,
                message: "plain".into(),
                help: None,
            },
        ];
        for f in &findings {
            let mut mine = Vec::new();
            finding(&mut mine, f);
            assert_eq!(String::from_utf8(mine).unwrap(), serde_json::to_string(f).unwrap());
        }
    }
}
