//! JSON: the whole report, in the documented `punchline-audit/1` schema,
//! on one line (a 10,000-page audit is tens of megabytes; `jq .` indents it).
//!
//! The two long arrays, findings and pages, are serialized in parallel
//! chunks and spliced into the rest of the report, which serde writes as
//! usual: the bytes are the same as serializing the report in one go.
//! Findings (a hundred thousand on a large site) are written by
//! [`finding`], which skips serde's per-byte escaping for the common text
//! that needs none; a test holds its output equal to serde's.

use super::Formatter;
use crate::audit::{Finding, Report};
use rayon::prelude::*;
use std::io::{self, Write};

/// Compact JSON, one trailing newline.
pub struct Json;

/// Items per chunk serialized on one thread.
const CHUNK: usize = 2048;

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
                write_array(&mut w, &report.findings, finding)?;
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

/// Writes `items` comma-separated: chunks serialized in parallel, a few at a
/// time, so memory holds a few chunks, not the whole array.
fn write_array<T: Sync>(w: &mut dyn Write, items: &[T], one: impl Fn(&mut Vec<u8>, &T) + Sync) -> io::Result<()> {
    let batch = CHUNK * rayon::current_num_threads().max(1) * 2;
    for (b, group) in items.chunks(batch).enumerate() {
        let parts: Vec<Vec<u8>> = group
            .par_chunks(CHUNK)
            .map(|chunk| {
                let mut buf = Vec::with_capacity(chunk.len() * 320);
                for (i, item) in chunk.iter().enumerate() {
                    if i > 0 {
                        buf.push(b',');
                    }
                    one(&mut buf, item);
                }
                buf
            })
            .collect();
        for (i, part) in parts.iter().enumerate() {
            if b > 0 || i > 0 {
                w.write_all(b",")?;
            }
            w.write_all(part)?;
        }
    }
    Ok(())
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

/// A JSON string, escaped as serde_json escapes it: `"`, `\\` and control
/// characters only, with short forms where JSON has them.
fn string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    if !bytes.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\') {
        out.extend_from_slice(bytes);
    } else {
        for &b in bytes {
            match b {
                b'"' => out.extend_from_slice(b"\\\""),
                b'\\' => out.extend_from_slice(b"\\\\"),
                b'\n' => out.extend_from_slice(b"\\n"),
                b'\r' => out.extend_from_slice(b"\\r"),
                b'\t' => out.extend_from_slice(b"\\t"),
                0x08 => out.extend_from_slice(b"\\b"),
                0x0c => out.extend_from_slice(b"\\f"),
                b if b < 0x20 => {
                    let _ = write!(out, "\\u{:04x}", b);
                }
                b => out.push(b),
            }
        }
    }
    out.push(b'"');
}

/// Where `needle` first occurs in `hay`. The keys searched for cannot occur
/// inside a JSON string (a quote there is always escaped), so the first
/// occurrence is the key itself.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Keeps the kind of an I/O error (a closed pipe stays a closed pipe).
fn json_error(e: serde_json::Error) -> io::Error {
    match e.io_error_kind() {
        Some(kind) => io::Error::new(kind, e),
        None => io::Error::other(e),
    }
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

    #[test]
    fn arrays_in_chunks_equal_plain_serde() {
        for n in [0, 1, 5000, 50_000] {
            let items: Vec<u32> = (0..n).collect();
            let mut out = Vec::new();
            write_array(&mut out, &items, |buf, x| serde_json::to_writer(buf, x).unwrap()).unwrap();
            let plain = serde_json::to_vec(&items).unwrap();
            assert_eq!(&plain[1..plain.len() - 1], &out[..], "{n} items");
        }
    }
}
