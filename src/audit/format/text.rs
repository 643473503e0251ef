//! Text: findings grouped by file, each line like a build diagnostic
//! (`path:line:col: level[CODE]: message (help: ...)`), then a summary.
//! Colour only on a terminal (and never with NO_COLOR set).

use super::Formatter;
use crate::audit::{Level, Report};
use std::io::{self, Write};

/// The text formatter.
pub struct Text {
    /// Use ANSI colours.
    pub color: bool,
}

impl Text {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    fn level(&self, l: Level) -> String {
        let code = match l {
            Level::Error => "1;31",
            Level::Warning => "33",
            Level::Notice => "36",
        };
        self.paint(code, l.name())
    }
}

impl Formatter for Text {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let mut w = io::BufWriter::with_capacity(1 << 16, out);
        let scores: std::collections::HashMap<&str, (&str, u32)> = report
            .pages
            .iter()
            .map(|p| (p.path.as_str(), (p.url.as_str(), p.score)))
            .collect();
        let mut current: Option<&str> = None;
        for f in &report.findings {
            if current != Some(f.path.as_str()) {
                if current.is_some() {
                    writeln!(w)?;
                }
                current = Some(&f.path);
                let head = match scores.get(f.path.as_str()) {
                    Some((url, score)) => format!("{} ({url}) score {score}/100", f.path),
                    None => f.path.clone(),
                };
                writeln!(w, "{}", self.paint("1", &head))?;
            }
            let mut at = f.path.clone();
            if f.line > 0 {
                at.push_str(&format!(":{}", f.line));
                if f.col > 0 {
                    at.push_str(&format!(":{}", f.col));
                }
            }
            write!(w, "{at}: {}[{}]: {}", self.level(f.level), f.rule, f.message)?;
            match &f.help {
                Some(h) => writeln!(w, " (help: {h})")?,
                None => writeln!(w)?,
            }
        }
        if current.is_some() {
            writeln!(w)?;
        }
        summary(report, &mut w)?;
        w.flush()
    }
}

fn summary(report: &Report, w: &mut dyn Write) -> io::Result<()> {
    let s = &report.summary;
    let c = &s.findings;
    writeln!(
        w,
        "audited {} pages: {} error{}, {} warning{}, {} notice{}; mean page score {}/100",
        s.pages,
        c.error,
        plural(c.error),
        c.warning,
        plural(c.warning),
        c.notice,
        plural(c.notice),
        s.score
    )?;
    writeln!(
        w,
        "focus keywords: {} of {} pages declare one, {} within the density range",
        s.with_focus_keyword, s.pages, s.density_in_range
    )?;
    if let Some(cov) = &report.coverage {
        let covered = cov.targets.iter().filter(|t| !t.focus_pages.is_empty()).count();
        writeln!(
            w,
            "keyword coverage: {covered} of {} targets in {} have a page ({}%)",
            cov.targets.len(),
            cov.file,
            cov.percent()
        )?;
    }
    if !report.terms.distinctive.is_empty() {
        let terms: Vec<&str> = report
            .terms
            .distinctive
            .iter()
            .take(8)
            .map(|t| t.term.as_str())
            .collect();
        writeln!(w, "most distinctive terms: {}", terms.join(", "))?;
    }
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
