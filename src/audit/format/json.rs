//! JSON: the whole report, in the documented `punchline-audit/1` schema,
//! on one line (a 10,000-page audit is tens of megabytes; `jq .` indents it).
//!
//! The two long arrays, findings and pages, are serialized in parallel
//! chunks and spliced into the rest of the report, which serde writes as
//! usual: the bytes are the same as serializing the report in one go.

use super::Formatter;
use crate::audit::Report;
use rayon::prelude::*;
use serde::Serialize;
use std::io::{self, Write};

/// Compact JSON, one trailing newline.
pub struct Json;

/// Items per chunk serialized on one thread.
const CHUNK: usize = 2048;

impl Formatter for Json {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let skeleton = report.clone_without_lists();
        let text = serde_json::to_vec(&skeleton).map_err(json_error)?;
        let findings = array(&report.findings)?;
        let pages = array(&report.pages)?;
        let mut w = io::BufWriter::with_capacity(1 << 16, out);
        let mut rest = &text[..];
        for (key, body) in [(&b"\"findings\":["[..], &findings), (&b"\"pages\":["[..], &pages)] {
            let at = find(rest, key).expect("the report always has this key") + key.len();
            w.write_all(&rest[..at])?;
            for (i, chunk) in body.iter().enumerate() {
                if i > 0 {
                    w.write_all(b",")?;
                }
                w.write_all(chunk)?;
            }
            rest = &rest[at..];
        }
        w.write_all(rest)?;
        w.write_all(b"\n")?;
        w.flush()
    }
}

/// The items of `items`, comma-separated, in chunks serialized in parallel.
fn array<T: Serialize + Sync>(items: &[T]) -> io::Result<Vec<Vec<u8>>> {
    items
        .par_chunks(CHUNK)
        .map(|chunk| {
            let mut buf = Vec::with_capacity(chunk.len() * 256);
            for (i, item) in chunk.iter().enumerate() {
                if i > 0 {
                    buf.push(b',');
                }
                serde_json::to_writer(&mut buf, item).map_err(json_error)?;
            }
            Ok(buf)
        })
        .collect()
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
    fn spliced_output_equals_plain_serde() {
        let items: Vec<u32> = (0..5000).collect();
        let chunks = array(&items).unwrap();
        assert!(chunks.len() > 1);
        let joined = chunks.join(&b","[..]);
        let plain = serde_json::to_vec(&items).unwrap();
        assert_eq!(&plain[1..plain.len() - 1], &joined[..]);
    }
}
