//! The audit's rules: codes, names, default levels, and the findings they make.
//!
//! Input: nothing (a static table). Output: [`RULES`], the one list every
//! other part of the audit refers to by code, and [`Finding`], one problem
//! located at file:line like the build's diagnostics. Invariant: codes and
//! names never change meaning once released (CI configurations, SARIF
//! baselines and the JSON schema refer to them); a rule that goes away keeps
//! its code retired.

use serde::Serialize;
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// How much a finding matters. Ordered: notice < warning < error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Advice; never fails a run.
    Notice,
    /// Fails a run with `--fail-on warning`.
    Warning,
    /// Fails a run (the default `--fail-on error`).
    Error,
}

impl Level {
    /// The lowercase name used in site.yaml, JSON, CSV and text.
    pub fn name(self) -> &'static str {
        match self {
            Level::Notice => "notice",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }

    /// Parses `notice`, `warning` or `error`.
    pub fn parse(s: &str) -> Option<Level> {
        [Level::Notice, Level::Warning, Level::Error]
            .into_iter()
            .find(|l| l.name() == s)
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// One page at a time.
    Page,
    /// Several pages, or the site's settings.
    Site,
    /// The theme's templates.
    Theme,
    /// keywords.yaml against the pages.
    Coverage,
}

/// One rule of the audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// Stable code, e.g. `AUD104`.
    pub code: &'static str,
    /// Stable kebab-case name, e.g. `keyword-in-description`.
    pub name: &'static str,
    /// Level unless site.yaml says otherwise.
    pub default: Level,
    /// What it looks at.
    pub scope: Scope,
    /// One line: what it checks.
    pub summary: &'static str,
}

const fn rule(code: &'static str, name: &'static str, default: Level, scope: Scope, summary: &'static str) -> Rule {
    Rule {
        code,
        name,
        default,
        scope,
        summary,
    }
}

use Level::{Error as E, Notice as N, Warning as W};
use Scope::{Coverage as C, Page as P, Site as S, Theme as T};

/// Every rule, in code order.
pub const RULES: &[Rule] = &[
    rule(
        "AUD101",
        "focus-keyword-missing",
        W,
        P,
        "the page declares a focus keyword (seo.focus_keyword)",
    ),
    rule(
        "AUD102",
        "keyword-in-title",
        W,
        P,
        "the focus keyword starts the SEO title",
    ),
    rule(
        "AUD103",
        "keyword-in-first-paragraph",
        W,
        P,
        "all words of the focus keyword are in one sentence of the first paragraph",
    ),
    rule(
        "AUD104",
        "keyword-in-description",
        W,
        P,
        "the focus keyword is in the meta description",
    ),
    rule(
        "AUD105",
        "keyword-in-slug",
        N,
        P,
        "the focus keyword is in the URL slug",
    ),
    rule(
        "AUD106",
        "keyword-in-subheading",
        N,
        P,
        "a subheading contains the focus keyword, where the page has subheadings",
    ),
    rule(
        "AUD107",
        "keyword-density",
        W,
        P,
        "the focus keyword's density is within the configured range",
    ),
    rule(
        "AUD108",
        "title-width",
        W,
        P,
        "the SEO title fits the search result's width in pixels",
    ),
    rule(
        "AUD109",
        "description-length",
        W,
        P,
        "the meta description's length suits each search engine",
    ),
    rule(
        "AUD110",
        "description-missing",
        W,
        P,
        "the page has a meta description (seo.description)",
    ),
    rule("AUD111", "h1-count", E, P, "the page has exactly one <h1>"),
    rule("AUD112", "image-alt", W, P, "every image has alt text"),
    rule(
        "AUD113",
        "internal-link-out",
        N,
        P,
        "the page's text links to another page of the site",
    ),
    rule(
        "AUD114",
        "internal-link-in",
        N,
        P,
        "another page's text links to this page",
    ),
    rule(
        "AUD115",
        "outbound-links",
        N,
        P,
        "the text of a bulletin, page or special links to at least one other website",
    ),
    rule("AUD116", "text-length", W, P, "the text is as long as its kind needs"),
    rule(
        "AUD117",
        "keyword-cannibalization",
        W,
        S,
        "no other live page has the same focus keyword",
    ),
    rule(
        "AUD118",
        "orphan",
        W,
        S,
        "something links to the page: a menu, a listing or another page",
    ),
    rule(
        "AUD119",
        "structured-data",
        W,
        P,
        "the page's schema.org structured data has every property its type needs",
    ),
    rule(
        "AUD120",
        "term-description-generated",
        N,
        S,
        "a tag or category page has its own description (a term file), not the generated one",
    ),
    rule(
        "AUD201",
        "duplicate-title",
        W,
        S,
        "no other indexed page has the same SEO title",
    ),
    rule(
        "AUD202",
        "duplicate-description",
        W,
        S,
        "no other indexed page has the same meta description",
    ),
    rule(
        "AUD203",
        "noindex-linked",
        E,
        S,
        "noindex pages are not in the sitemap, the menu or the headlines",
    ),
    rule(
        "AUD204",
        "canonical-missing",
        E,
        S,
        "a canonical URL on this site points at a page that exists",
    ),
    rule(
        "AUD205",
        "broken-link",
        E,
        S,
        "internal links point at pages or files that exist",
    ),
    rule(
        "AUD206",
        "broken-anchor",
        E,
        S,
        "#anchors in internal links exist on the target page",
    ),
    rule(
        "AUD207",
        "sitemap-loc-length",
        W,
        S,
        "sitemap <loc> URLs are within each search engine's limit",
    ),
    rule(
        "AUD210",
        "theme-tags",
        E,
        T,
        "every page template outputs <title>, meta description, canonical and one <h1>",
    ),
    rule(
        "AUD211",
        "theme-structured-data",
        E,
        T,
        "every page template outputs JSON-LD structured data that parses",
    ),
    rule(
        "AUD301",
        "keyword-without-page",
        W,
        C,
        "every target keyword in keywords.yaml has a page focused on it",
    ),
    rule(
        "AUD302",
        "keyword-split",
        W,
        C,
        "no target keyword is the focus of several pages",
    ),
    rule(
        "AUD303",
        "keyword-misplaced",
        W,
        C,
        "the intended page of a target keyword is focused on it",
    ),
];

/// The rule with this code or name.
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.code == code_or_name || r.name == code_or_name)
}

/// The index in [`RULES`] of the rule with this code (`AUD104`): a binary
/// search on the number, since every finding asks.
pub fn index(code: &str) -> Option<usize> {
    let number = |c: &str| c.get(3..).and_then(|n| n.parse::<u16>().ok());
    let n = number(code)?;
    let i = RULES.binary_search_by_key(&Some(n), |r| number(r.code)).ok()?;
    (RULES[i].code == code).then_some(i)
}

/// The rule with this code. Panics on an unknown code: codes are
/// constants of this crate, so that is a programming error.
pub fn by_code(code: &str) -> &'static Rule {
    match index(code) {
        Some(i) => &RULES[i],
        None => panic!("no audit rule {code}"),
    }
}

/// One problem the audit found, located like a build diagnostic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// The rule's code, e.g. `AUD104`.
    pub rule: &'static str,
    /// The rule's name, e.g. `keyword-in-description`.
    pub name: &'static str,
    /// Its level (the rule's default or the site's choice).
    pub level: Level,
    /// The file to edit, relative to the site root (shared by a page's
    /// findings: a large site has a hundred thousand of them).
    pub path: Arc<str>,
    /// 1-based line; 0 when the finding concerns the whole file.
    pub line: usize,
    /// 1-based column; 0 when unknown.
    pub col: usize,
    /// The page's site path, when the finding is about one page.
    pub url: Option<Arc<str>>,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub help: Option<Cow<'static, str>>,
}

impl Finding {
    /// Sort key: file, position, rule, message.
    pub fn sort_key(&self) -> (&str, usize, usize, &str, &str) {
        (&self.path, self.line, self.col, self.rule, &self.message)
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path)?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.col > 0 {
                write!(f, ":{}", self.col)?;
            }
        }
        write!(f, ": {}[{}]: {}", self.level, self.rule, self.message)?;
        if let Some(h) = &self.help {
            write!(f, " (help: {h})")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique() {
        for (i, a) in RULES.iter().enumerate() {
            for b in &RULES[i + 1..] {
                assert_ne!(a.code, b.code);
                assert_ne!(a.name, b.name);
            }
        }
        assert_eq!(find("keyword-density").map(|r| r.code), Some("AUD107"));
        assert_eq!(find("AUD107").map(|r| r.name), Some("keyword-density"));
        assert!(RULES.windows(2).all(|w| w[0].code < w[1].code), "sorted, for index()");
        for (i, r) in RULES.iter().enumerate() {
            assert_eq!(index(r.code), Some(i));
        }
        assert_eq!(index("AUD999"), None);
        assert_eq!(index("XYZ104"), None);
    }

    #[test]
    fn findings_print_like_diagnostics() {
        let f = Finding {
            rule: "AUD104",
            name: "keyword-in-description",
            level: Level::Warning,
            path: "content/jokes/x.md".into(),
            line: 12,
            col: 1,
            url: Some("/jokes/x/".into()),
            message: "no keyword".into(),
            help: Some(Cow::Borrowed("add it")),
        };
        assert_eq!(
            f.to_string(),
            "content/jokes/x.md:12:1: warning[AUD104]: no keyword (help: add it)"
        );
    }
}
