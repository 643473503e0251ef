//! JSON: the whole report, in the documented `punchline-audit/1` schema,
//! on one line (a 10,000-page audit is tens of megabytes; `jq .` indents it).

use super::Formatter;
use crate::audit::Report;
use std::io::{self, Write};

/// Compact JSON, one trailing newline.
pub struct Json;

impl Formatter for Json {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let mut w = io::BufWriter::with_capacity(1 << 16, out);
        serde_json::to_writer(&mut w, report).map_err(json_error)?;
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
