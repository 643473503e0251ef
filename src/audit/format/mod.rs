//! Report formats: one formatter per format behind one trait.
//!
//! Input: a finished [`Report`]. Output: bytes on a writer. Formatters only
//! present; they decide nothing (levels, order and scores are in the
//! report), so every format tells the same story.

mod csv;
mod html;
mod json;
mod json_parts;
mod sarif;
pub mod serp;
mod text;

use super::Report;
use std::io::{self, Write};

/// A report format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Grouped by file, for people (coloured on a terminal).
    Text,
    /// The full report, stable schema (docs/audit.md).
    Json,
    /// One row per finding, for spreadsheets.
    Csv,
    /// One row per page (URL) with its score, light and counts, for spreadsheets.
    CsvPages,
    /// SARIF 2.1.0, for code hosts' annotations.
    Sarif,
    /// A self-contained page to open in a browser.
    Html,
}

impl Format {
    /// Every format, in the order `build --report` writes them.
    pub const ALL: [Format; 6] = [
        Format::Text,
        Format::Json,
        Format::Csv,
        Format::CsvPages,
        Format::Sarif,
        Format::Html,
    ];

    /// File name extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Text => "txt",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::CsvPages => "pages.csv",
            Format::Sarif => "sarif",
            Format::Html => "html",
        }
    }

    /// The formatter; `color` only matters for text.
    pub fn formatter(self, color: bool) -> Box<dyn Formatter> {
        match self {
            Format::Text => Box::new(text::Text { color }),
            Format::Json => Box::new(json::Json),
            Format::Csv => Box::new(csv::Csv),
            Format::CsvPages => Box::new(csv::CsvPages),
            Format::Sarif => Box::new(sarif::Sarif),
            Format::Html => Box::new(html::Html),
        }
    }
}

/// Writes a report in one format.
pub trait Formatter {
    /// Writes `report` to `out`.
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()>;
}

/// Writes `report` in every format into `dir` (created if needed) as
/// `audit.txt`, `audit.json`, `audit.csv`, `audit.pages.csv`, `audit.sarif`
/// and `audit.html`, all at once (each is mostly one thread's work). Returns the files
/// written.
pub fn write_all(report: &Report, dir: &std::path::Path) -> crate::diagnostic::Result<Vec<std::path::PathBuf>> {
    use crate::diagnostic::Error;
    use rayon::prelude::*;
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    Format::ALL
        .par_iter()
        .map(|format| {
            let path = dir.join(format!("audit.{}", format.extension()));
            let file = std::fs::File::create(&path).map_err(|e| Error::io(&path, e))?;
            let mut w = io::BufWriter::new(file);
            format
                .formatter(false)
                .write(report, &mut w)
                .and_then(|()| w.flush())
                .map_err(|e| Error::io(&path, e))?;
            Ok(path)
        })
        .collect()
}

/// A finding of a baseline in the diagnostic form (`path:line:col: level[CODE]: message`).
pub fn earlier_line(e: &crate::audit::baseline::Earlier) -> String {
    let mut at = e.path.clone();
    if e.line > 0 {
        at.push_str(&format!(":{}", e.line));
        if e.col > 0 {
            at.push_str(&format!(":{}", e.col));
        }
    }
    format!("{at}: {}[{}]: {}", e.level, e.rule, e.message)
}
