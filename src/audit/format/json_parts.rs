//! JSON pieces shared by the `json` and `sarif` formats, which both write
//! a hundred thousand findings on a large site: long arrays serialized in
//! parallel chunks, strings escaped exactly as serde_json escapes them, and
//! a report skeleton spliced around those arrays.
//!
//! Input: items and a function writing one. Output: bytes equal to what
//! serde_json writes for the same data (tests hold this).

use rayon::prelude::*;
use std::io::{self, Write};

/// Items per chunk serialized on one thread.
const CHUNK: usize = 2048;

/// Writes `items` comma-separated: chunks serialized in parallel, a few at a
/// time, so memory holds a few chunks, not the whole array.
pub fn write_array<T: Sync>(w: &mut dyn Write, items: &[T], one: impl Fn(&mut Vec<u8>, &T) + Sync) -> io::Result<()> {
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

/// A JSON string, escaped as serde_json escapes it: `"`, `\\` and control
/// characters only, with short forms where JSON has them.
pub fn string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    // No early exit: a plain fold over the bytes vectorizes, and most texts
    // need no escape at all.
    let needs_escape = bytes
        .iter()
        .fold(false, |acc, &b| acc | (b < 0x20) | (b == b'"') | (b == b'\\'));
    if !needs_escape {
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
pub fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Keeps the kind of an I/O error (a closed pipe stays a closed pipe).
pub fn json_error(e: serde_json::Error) -> io::Error {
    match e.io_error_kind() {
        Some(kind) => io::Error::new(kind, e),
        None => io::Error::other(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
