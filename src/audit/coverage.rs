//! Keyword coverage: the target keywords in keywords.yaml against the pages.
//!
//! Input: keywords.yaml in the site root (optional), the site and every
//! page's analyzed text. Output: per target, the pages focused on it, how
//! many pages mention it, and a status (covered, missing, split, misplaced),
//! with a finding at the target's line in keywords.yaml for each problem.
//! The file is read with `yaml::Reader`, so every mistake in it is reported
//! at its line, all together.
//!
//! ```yaml
//! keywords:
//!   - keyword: chicken joke
//!     priority: high            # high | medium (default) | low
//!     page: jokes/chicken.md    # the intended page: a path under content/, or a URL path
//!   - 谐音梗                     # a bare keyword
//! ```

use super::finding::FindingSink;
use super::index::{ranks, PageText};
use super::text::{normalize, Phrase};
use crate::diagnostic::{Diagnostic, Error, Result};
use crate::site::{PageId, Site};
use crate::yaml::{self, Node, Reader, Value};
use rayon::prelude::*;
use serde::Serialize;
use std::borrow::Cow;
use std::path::Path;

/// The file's name in the site root.
pub const FILE: &str = "keywords.yaml";

/// How much a target matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    /// Most.
    High,
    /// The default.
    Medium,
    /// Least.
    Low,
}

/// One target keyword as written.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetKeyword {
    /// The keyword.
    pub keyword: String,
    /// Its priority.
    pub priority: Priority,
    /// The intended page: `jokes/x.md` or `/jokes/x/`.
    pub page: Option<String>,
    /// Its line in keywords.yaml.
    pub line: usize,
}

/// Where a target stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Exactly one page is focused on it (the intended one, if named).
    Covered,
    /// No page is focused on it.
    Missing,
    /// Several pages are focused on it.
    Split,
    /// One page is focused on it, but not the intended one.
    Misplaced,
}

/// One target's coverage.
#[derive(Debug, Clone, Serialize)]
pub struct CoverageRow {
    /// The keyword.
    pub keyword: String,
    /// Its priority.
    pub priority: Priority,
    /// The intended page's URL, when named and published.
    pub intended_page: Option<String>,
    /// Where it stands.
    pub status: Status,
    /// URLs of the pages focused on it.
    pub focus_pages: Vec<String>,
    /// How many ranking pages use it in their title or text.
    pub mentioned_on: usize,
}

/// The coverage report.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// `keywords.yaml`.
    pub file: &'static str,
    /// Per target, by priority then as written.
    pub targets: Vec<CoverageRow>,
}

impl Coverage {
    /// Percent of targets with at least one focused page.
    pub fn percent(&self) -> u32 {
        if self.targets.is_empty() {
            return 100;
        }
        let covered = self.targets.iter().filter(|t| t.status != Status::Missing).count();
        (covered * 100 / self.targets.len()) as u32
    }
}

/// Reads keywords.yaml; `Ok(None)` when there is none. Problems in it are
/// returned as diagnostics, all together.
pub fn load(root: &Path) -> Result<Option<Vec<TargetKeyword>>> {
    let path = root.join(FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(&path, e)),
    };
    let mut diags = Vec::new();
    let targets = parse(&text, &mut diags);
    if diags.is_empty() {
        Ok(Some(targets))
    } else {
        Err(Error::Diagnostics(diags))
    }
}

/// Parses keywords.yaml text.
pub fn parse(text: &str, diags: &mut Vec<Diagnostic>) -> Vec<TargetKeyword> {
    let rel = Path::new(FILE);
    let node = match yaml::parse(text) {
        Ok(n) => n,
        Err(e) => {
            diags.push(
                Diagnostic::error("KW001", rel, format!("keywords.yaml is not valid YAML: {}", e.message))
                    .at(e.line, e.col),
            );
            return Vec::new();
        }
    };
    let mut r = Reader {
        path: rel,
        line_offset: 0,
        diags,
    };
    let list = match &node.value {
        Value::Map(_) => {
            r.check_keys(&node, &["keywords"], "keywords.yaml");
            node.get("keywords")
        }
        Value::Seq(_) => Some(&node),
        Value::Null => None,
        _ => {
            r.error(
                "KW001",
                1,
                1,
                "keywords.yaml must be a list under 'keywords:'".into(),
                None,
            );
            None
        }
    };
    let Some(list) = list else { return Vec::new() };
    let Value::Seq(items) = &list.value else {
        r.type_error("keywords", list, "a list of keywords");
        return Vec::new();
    };
    items.iter().filter_map(|item| entry(&mut r, item)).collect()
}

fn entry(r: &mut Reader, item: &Node) -> Option<TargetKeyword> {
    if let Some(k) = item.scalar_text() {
        return Some(TargetKeyword {
            keyword: k,
            priority: Priority::Medium,
            page: None,
            line: item.line,
        });
    }
    if item.as_map().is_none() {
        r.type_error("keywords", item, "a keyword, or {keyword, priority, page}");
        return None;
    }
    r.check_keys(item, &["keyword", "priority", "page"], "a keywords.yaml entry");
    let keyword = r.required_string(item, "keyword", "a keywords.yaml entry")?;
    let priority = match r.string(item, "priority").as_deref() {
        None | Some("medium") => Priority::Medium,
        Some("high") => Priority::High,
        Some("low") => Priority::Low,
        Some(other) => {
            let v = item.get("priority").expect("read above");
            r.error(
                "KW002",
                v.line,
                v.col,
                format!("unknown priority '{other}'"),
                Some("use high, medium or low".into()),
            );
            Priority::Medium
        }
    };
    if Phrase::new(&keyword).is_none() {
        let v = item.get("keyword").expect("read above");
        r.error(
            "KW002",
            v.line,
            v.col,
            "the keyword has no letters or digits".into(),
            None,
        );
        return None;
    }
    Some(TargetKeyword {
        keyword,
        priority,
        page: r.string(item, "page"),
        line: item.line,
    })
}

/// Checks every target against the pages.
pub fn check(targets: &[TargetKeyword], site: &Site, texts: &[PageText], sink: &mut FindingSink) -> Coverage {
    let phrases: Vec<Phrase> = targets.iter().filter_map(|t| Phrase::new(&t.keyword)).collect();
    // Per page, which targets it is focused on and which it mentions.
    let hits: Vec<(Vec<usize>, Vec<usize>)> = (0..site.pages.len())
        .into_par_iter()
        .map(|id| {
            if !ranks(site, id) {
                return (Vec::new(), Vec::new());
            }
            let t = &texts[id];
            let title = normalize(&t.title);
            let focus = phrases
                .iter()
                .enumerate()
                .filter(|(_, p)| t.focus.as_ref().is_some_and(|f| f.norm == p.norm))
                .map(|(i, _)| i)
                .collect();
            let mentions = phrases
                .iter()
                .enumerate()
                .filter(|(_, p)| p.is_in(&t.norm) || p.is_in(&title))
                .map(|(i, _)| i)
                .collect();
            (focus, mentions)
        })
        .collect();
    let mut rows = Vec::new();
    for (i, target) in targets.iter().enumerate() {
        let focused: Vec<PageId> = (0..hits.len()).filter(|&p| hits[p].0.contains(&i)).collect();
        let mentioned_on = hits.iter().filter(|h| h.1.contains(&i)).count();
        rows.push(row(target, focused, mentioned_on, site, sink));
    }
    rows.sort_by_key(|r| r.priority);
    Coverage {
        file: FILE,
        targets: rows,
    }
}

fn row(
    t: &TargetKeyword,
    focused: Vec<PageId>,
    mentioned_on: usize,
    site: &Site,
    sink: &mut FindingSink,
) -> CoverageRow {
    let at = (t.line, 0);
    let file = Path::new(FILE);
    let intended = t.page.as_deref().map(|p| intended_page(site, p));
    let urls: Vec<String> = focused.iter().map(|&i| site.pages[i].url.clone()).collect();
    let status = match (focused.len(), intended) {
        (0, _) => {
            let pages = if mentioned_on == 1 { "page" } else { "pages" };
            let msg = format!(
                "no page is focused on '{}' (mentioned on {mentioned_on} {pages})",
                t.keyword
            );
            let help: Cow<'static, str> = match intended.flatten() {
                Some(id) => format!(
                    "set focus_keyword: {} in {}",
                    t.keyword,
                    site.pages[id].doc.path.display()
                )
                .into(),
                None => "write a page for it, or set it as the focus_keyword of the page that should rank".into(),
            };
            sink.add("AUD301", file, at, None, msg, help);
            Status::Missing
        }
        (1, Some(want)) if want != Some(focused[0]) => {
            let what = match (want, &t.page) {
                (Some(id), _) => format!("the intended page is {}", site.pages[id].url),
                (None, Some(p)) => format!("the intended page '{p}' is not published"),
                (None, None) => String::new(),
            };
            let msg = format!("'{}' is the focus of {}, but {what}", t.keyword, urls[0]);
            sink.add(
                "AUD303",
                file,
                at,
                None,
                msg,
                "move the focus keyword to the intended page, or change page:",
            );
            Status::Misplaced
        }
        (1, _) => Status::Covered,
        (n, _) => {
            let msg = format!("'{}' is the focus of {n} pages: {}", t.keyword, urls.join(", "));
            sink.add(
                "AUD302",
                file,
                at,
                None,
                msg,
                "keep one page per target keyword; refocus or merge the others",
            );
            Status::Split
        }
    };
    CoverageRow {
        keyword: t.keyword.clone(),
        priority: t.priority,
        intended_page: intended.flatten().map(|id| site.pages[id].url.clone()),
        status,
        focus_pages: urls,
        mentioned_on,
    }
}

/// The page named by `page:` (a path under content/, or a URL path).
fn intended_page(site: &Site, page: &str) -> Option<PageId> {
    let rel = page.trim_start_matches("@/").trim_start_matches("content/");
    site.pages
        .iter()
        .position(|p| p.doc.rel == rel || p.url == page || p.url == format!("{}/", page.trim_end_matches('/')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_bare_and_full_entries() {
        let mut d = Vec::new();
        let t = parse(
            "keywords:\n  - 谐音梗\n  - {keyword: chicken joke, priority: high, page: jokes/chicken.md}\n",
            &mut d,
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].keyword, "谐音梗");
        assert_eq!(t[0].priority, Priority::Medium);
        assert_eq!(t[1].priority, Priority::High);
        assert_eq!(t[1].page.as_deref(), Some("jokes/chicken.md"));
        assert_eq!(t[1].line, 3);
    }

    #[test]
    fn reports_mistakes_at_their_lines() {
        let mut d = Vec::new();
        parse(
            "keywords:\n  - {keyword: a, priority: urgent}\n  - {keywrd: b}\n",
            &mut d,
        );
        let text: Vec<String> = d.iter().map(|d| d.to_string()).collect();
        assert!(
            text.iter()
                .any(|t| t.starts_with("keywords.yaml:2:") && t.contains("unknown priority 'urgent'")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|t| t.starts_with("keywords.yaml:3:") && t.contains("did you mean 'keyword'?")),
            "{text:?}"
        );
    }
}
