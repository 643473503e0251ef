//! Diagnostics: the one way every stage reports a problem with the user's input.
//!
//! Input: whatever a stage finds wrong. Output: [`Diagnostic`] values, collected
//! (never printed as they are found) so that a build reports every problem at
//! once, then fails once with [`Error::Diagnostics`].
//!
//! Invariant: a diagnostic's line and column are 1-based positions in the file
//! the user edits (not in an extracted front-matter snippet), so editors and
//! code hosts can jump straight to them.

use serde::Serialize;
use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Reported, but the build goes on.
    Warning,
    /// The build (or command) fails.
    Error,
}

/// One problem, located in a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A stable code such as `FM003`, documented in docs/diagnostics.md.
    pub code: &'static str,
    /// The file, relative to the site root where possible.
    pub path: PathBuf,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column; 0 when unknown.
    pub col: usize,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at `path:line:col`.
    pub fn error(code: &'static str, path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            code,
            path: path.into(),
            line: 0,
            col: 0,
            message: message.into(),
            help: None,
        }
    }

    /// A warning at `path`.
    pub fn warning(code: &'static str, path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(code, path, message)
        }
    }

    /// Sets the position.
    pub fn at(mut self, line: usize, col: usize) -> Self {
        self.line = line;
        self.col = col;
        self
    }

    /// Adds advice on what to do.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Whether this diagnostic fails the command.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.col > 0 {
                write!(f, ":{}", self.col)?;
            }
        }
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, ": {sev}[{}]: {}", self.code, self.message)?;
        if let Some(help) = &self.help {
            write!(f, " (help: {help})")?;
        }
        Ok(())
    }
}

/// Sorts diagnostics into a stable, readable order: by file, then position.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (&a.path, a.line, a.col, a.code, &a.message).cmp(&(&b.path, b.line, b.col, b.code, &b.message))
    });
}

/// Whether any diagnostic is an error.
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(Diagnostic::is_error)
}

/// How many problems of one code one file reports in full; the rest are
/// counted in one closing line. A hostile 16 MiB body can hold a million
/// script links: listing each would take gigabytes and help nobody.
pub const MAX_PER_CODE: usize = 50;

/// Collects the diagnostics of one file, keeping at most [`MAX_PER_CODE`]
/// of each code and counting the rest, so that what one file reports is
/// bounded whatever it holds. Reads as the slice of what it kept.
#[derive(Debug, Default)]
pub struct Capped {
    kept: Vec<Diagnostic>,
    /// Per code: how many were kept, and how many only counted.
    counts: Vec<(&'static str, usize, usize)>,
}

impl Capped {
    /// Keeps `d`, or only counts it once its code has [`MAX_PER_CODE`].
    pub fn push(&mut self, d: Diagnostic) {
        let i = match self.counts.iter().position(|c| c.0 == d.code) {
            Some(i) => i,
            None => {
                self.counts.push((d.code, 0, 0));
                self.counts.len() - 1
            }
        };
        let c = &mut self.counts[i];
        if c.1 < MAX_PER_CODE {
            c.1 += 1;
            self.kept.push(d);
        } else {
            c.2 += 1;
        }
    }

    /// Whether a diagnostic of `code` would still be kept: lets a caller
    /// skip composing a message that would only be counted.
    pub fn keeps(&self, code: &str) -> bool {
        self.counts
            .iter()
            .find(|c| c.0 == code)
            .is_none_or(|c| c.1 < MAX_PER_CODE)
    }

    /// Adds what another collector of the same file kept and counted.
    pub fn absorb(&mut self, other: Capped) {
        for d in other.kept {
            self.push(d);
        }
        for (code, _, over) in other.counts {
            if over > 0 {
                let i = self.counts.iter().position(|c| c.0 == code).expect("pushed above");
                self.counts[i].2 += over;
            }
        }
    }

    /// What was kept, then one line per code that had more, at the place
    /// of the last one kept.
    pub fn finish(mut self) -> Vec<Diagnostic> {
        for (code, _, over) in std::mem::take(&mut self.counts) {
            if over == 0 {
                continue;
            }
            let last = self.kept.iter().rev().find(|d| d.code == code).expect("a kept one");
            let summary = Diagnostic {
                message: format!("{over} more {code} problem{} in this file not listed", plural(over)),
                help: Some(format!(
                    "fix the {MAX_PER_CODE} listed above, then run again to see the rest"
                )),
                ..last.clone()
            };
            self.kept.push(summary);
        }
        self.kept
    }
}

impl std::ops::Deref for Capped {
    type Target = [Diagnostic];
    fn deref(&self) -> &[Diagnostic] {
        &self.kept
    }
}

/// The library's error type. Problems with the user's input travel as
/// [`Error::Diagnostics`]; the other variants are about the environment.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// One or more problems in the input, all reported together.
    #[error("{}", render_all(.0))]
    Diagnostics(Vec<Diagnostic>),
    /// A file or folder could not be read or written.
    #[error("{}: {source} (help: {help})", path.display())]
    Io {
        /// The file involved.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
        /// What to do.
        help: &'static str,
    },
    /// A command was used in a way that cannot work.
    #[error("{0}")]
    Usage(String),
}

impl Error {
    /// An I/O error on `path` with generic advice.
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            source,
            help: "check that the path exists and that you may read and write it",
        }
    }

    /// The diagnostics carried by this error, if any.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Error::Diagnostics(d) => d,
            _ => &[],
        }
    }
}

fn render_all(diags: &[Diagnostic]) -> String {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let mut out = String::new();
    for d in diags {
        out.push_str(&d.to_string());
        out.push('\n');
    }
    out.push_str(&format!("{errors} error{} found", plural(errors)));
    out
}

/// The plural ending for `n` things in a summary line: "" or "s".
pub fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The closest of `candidates` to `word`, if it is close enough to be a
/// plausible typo (used for "did you mean" help).
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// A SARIF 2.1.0 log with one run of punchline: the envelope `check` and
/// `audit` share (code hosts read it to annotate pull requests).
pub fn sarif_log(rules: Vec<serde_json::Value>, results: Vec<serde_json::Value>) -> serde_json::Value {
    serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "punchline",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_path_line_col_code_message_help() {
        let d = Diagnostic::error("FM003", "content/jokes/cat.md", "unknown field 'reviwer'")
            .at(4, 3)
            .help("did you mean 'reviewer'?");
        assert_eq!(
            d.to_string(),
            "content/jokes/cat.md:4:3: error[FM003]: unknown field 'reviwer' (help: did you mean 'reviewer'?)"
        );
    }

    #[test]
    fn a_file_reports_a_bounded_number_of_each_code() {
        let mut c = Capped::default();
        for i in 1..=1000 {
            c.push(Diagnostic::warning("SEC002", "a.md", "unsafe URL").at(i, 1));
        }
        c.push(Diagnostic::error("LNK001", "a.md", "broken").at(7, 2));
        let mut other = Capped::default();
        for i in 1..=60 {
            other.push(Diagnostic::warning("SEC002", "a.md", "unsafe URL").at(2000 + i, 1));
        }
        c.absorb(other);
        let out = c.finish();
        assert_eq!(out.len(), MAX_PER_CODE + 2);
        assert_eq!(out.iter().filter(|d| d.code == "LNK001").count(), 1);
        let last = out.last().unwrap();
        assert_eq!(
            last.to_string(),
            "a.md:50:1: warning[SEC002]: 1010 more SEC002 problems in this file not listed (help: fix the 50 listed above, then run again to see the rest)"
        );
    }

    #[test]
    fn did_you_mean_finds_typos_only() {
        let fields = ["title", "date", "author", "review", "status"];
        assert_eq!(did_you_mean("reviwe", fields), Some("review"));
        assert_eq!(did_you_mean("titel", fields), Some("title"));
        assert_eq!(did_you_mean("xyzzy", fields), None);
    }
}
