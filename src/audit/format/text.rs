//! Text: findings grouped by file (each page's group headed by its URL and
//! score), errors first within a group, each line like a build diagnostic
//! (`path:line:col: level[CODE]: message (help: ...)`), then a summary.
//! Colour only on a terminal (and never with NO_COLOR set).

use super::Formatter;
use crate::audit::baseline::State;
use crate::audit::{Finding, Level, Report};
use crate::diagnostic::plural;
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

impl Text {
    /// One finding, in the diagnostic form; `[new]` after it when a
    /// baseline says so.
    fn line(&self, w: &mut dyn Write, f: &Finding, new: bool) -> io::Result<()> {
        write!(w, "{}", f.path)?;
        if f.line > 0 {
            write!(w, ":{}", f.line)?;
            if f.col > 0 {
                write!(w, ":{}", f.col)?;
            }
        }
        write!(w, ": {}[{}]: {}", self.level(f.level), f.rule, f.message)?;
        if new {
            write!(w, " {}", self.paint("1", "[new]"))?;
        }
        match &f.help {
            Some(h) => writeln!(w, " (help: {h})"),
            None => writeln!(w),
        }
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
        let mut start = 0;
        for group in report.findings.chunk_by(|a, b| a.path == b.path) {
            let first = start;
            start += group.len();
            let path: &str = &group[0].path;
            let head = match scores.get(path) {
                Some((url, score)) => format!("{path} ({url}) score {score}/100"),
                None => path.to_string(),
            };
            writeln!(w, "{}", self.paint("1", &head))?;
            // Within a file: errors first, then warnings, then notices; by line in each.
            let mut order: Vec<(usize, &Finding)> = group.iter().enumerate().collect();
            order.sort_by_key(|(_, f)| std::cmp::Reverse(f.level));
            for (i, f) in order {
                let new = report
                    .baseline
                    .as_ref()
                    .is_some_and(|b| b.state(first + i) == State::New);
                self.line(&mut w, f, new)?;
            }
            writeln!(w)?;
        }
        if let Some(b) = &report.baseline {
            if !b.fixed.is_empty() {
                writeln!(w, "{}", self.paint("1", &format!("fixed since {}", b.file)))?;
                for e in &b.fixed {
                    writeln!(w, "{}", super::earlier_line(e))?;
                }
                writeln!(w)?;
            }
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
    if s.skipped.checks > 0 {
        writeln!(
            w,
            "skipped {} item-only checks on {} pages without text or focus keyword (home, listings, terms): {}",
            s.skipped.checks,
            s.skipped.pages,
            s.skipped.rules.join(", ")
        )?;
    }
    if let Some(b) = &report.baseline {
        writeln!(
            w,
            "against {}: {} new, {} unchanged, {} fixed",
            b.file,
            b.new,
            b.unchanged,
            b.fixed.len()
        )?;
    }
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
