//! CSV: one row per finding (RFC 4180 quoting), for spreadsheets.

use super::Formatter;
use crate::audit::Report;
use std::io::{self, Write};

/// `level,rule,name,path,line,column,url,message,help`.
pub struct Csv;

/// The header row.
pub const HEADER: &str = "level,rule,name,path,line,column,url,message,help";

impl Formatter for Csv {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let mut w = io::BufWriter::with_capacity(1 << 16, out);
        writeln!(w, "{HEADER}")?;
        for f in &report.findings {
            let line = f.line.to_string();
            let col = f.col.to_string();
            let cells = [
                f.level.name(),
                f.rule,
                f.name,
                &f.path,
                &line,
                &col,
                f.url.as_deref().unwrap_or(""),
                &f.message,
                f.help.as_deref().unwrap_or(""),
            ];
            let row: Vec<String> = cells.iter().map(|c| quote(c)).collect();
            writeln!(w, "{}", row.join(","))?;
        }
        w.flush()
    }
}

/// Quotes a cell when it holds a comma, quote or line break. Cells that a
/// spreadsheet would run as a formula (`=`, `+`, `-`, `@`) get a leading `'`.
fn quote(cell: &str) -> String {
    let cell = if cell.starts_with(['=', '+', '-', '@']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    };
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell
    }
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(quote("plain"), "plain");
        assert_eq!(quote("a, b"), "\"a, b\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(quote("=SUM(A1)"), "'=SUM(A1)");
    }
}
