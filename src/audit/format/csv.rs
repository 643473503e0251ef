//! CSV (RFC 4180 quoting), for spreadsheets: one row per finding ([`Csv`];
//! with a `baseline` column when compared with a baseline), or one row per
//! page with its score, traffic light and counts ([`CsvPages`], the
//! per-URL export of crawlers such as Screaming Frog).

use super::Formatter;
use crate::audit::config::num;
use crate::audit::Report;
use std::io::{self, Write};

/// `level,rule,name,path,line,column,url,message,help`.
pub struct Csv;

/// The header row.
pub const HEADER: &str = "level,rule,name,path,line,column,url,message,help";

impl Formatter for Csv {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let mut w = io::BufWriter::with_capacity(1 << 16, out);
        let baseline = report.baseline.as_ref();
        match baseline {
            Some(_) => writeln!(w, "{HEADER},baseline")?,
            None => writeln!(w, "{HEADER}")?,
        }
        for (i, f) in report.findings.iter().enumerate() {
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
            let mut row: Vec<String> = cells.iter().map(|c| quote(c)).collect();
            if let Some(b) = baseline {
                row.push(b.state(i).name().to_string());
            }
            writeln!(w, "{}", row.join(","))?;
        }
        w.flush()
    }
}

/// One row per page.
pub struct CsvPages;

/// The header row of [`CsvPages`].
pub const PAGES_HEADER: &str = "url,path,kind,title,seo_title,title_width,description_length,\
focus_keyword,keyword_count,density,words,h1,images,images_without_alt,internal_links,outbound_links,\
inbound_links,noindex,score,light,errors,warnings,notices";

impl Formatter for CsvPages {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let mut w = io::BufWriter::with_capacity(1 << 16, out);
        writeln!(w, "{PAGES_HEADER}")?;
        for p in &report.pages {
            let opt = |v: Option<String>| v.unwrap_or_default();
            let cells = [
                p.url.clone(),
                p.path.clone(),
                p.kind.noun().to_string(),
                p.title.clone(),
                p.seo_title.clone(),
                num(p.title_width),
                opt(p.description_length.map(|n| n.to_string())),
                opt(p.focus_keyword.clone()),
                p.keyword_count.to_string(),
                opt(p.density.map(num)),
                p.words.to_string(),
                p.h1.to_string(),
                p.images.to_string(),
                p.images_without_alt.to_string(),
                p.internal_links.to_string(),
                p.outbound_links.to_string(),
                p.inbound_links.to_string(),
                p.noindex.to_string(),
                p.score.to_string(),
                super::serp::light(p.score).to_string(),
                p.findings.error.to_string(),
                p.findings.warning.to_string(),
                p.findings.notice.to_string(),
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
