//! The theme itself: does every page template output what the rules need?
//!
//! Input: `&Site` and the loaded theme. Output: per template, how many
//! `<h1>` it adds around the body and which ids it adds (for the page rules),
//! and a finding against the template file for each missing `<title>`, meta
//! description, canonical link or single `<h1>`. One sample page per
//! template is rendered (the first the build would render with it), not every
//! page: a template that drops a tag drops it on every page, and one finding
//! at its file and line is what a theme author needs.

use super::index::{Href, SiteIndex, Target};
use super::report::FindingSink;
use crate::diagnostic::{Diagnostic, Error, Result};
use crate::output::jobs::{self, Job};
use crate::site::{PageId, Site};
use crate::theme::{views::SiteView, Theme, DEFAULT_THEME};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// What a template adds around a page's body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateFacts {
    /// `<h1>` elements the template itself outputs.
    pub h1: usize,
    /// `id` attributes the template itself outputs (anchors links may use).
    pub ids: HashSet<String>,
}

/// The facts per template name, and the theme findings.
pub fn check(
    site: &Site,
    theme: &Theme,
    root: &Path,
    index: &SiteIndex,
    sink: &mut FindingSink,
) -> Result<HashMap<String, TemplateFacts>> {
    let samples = samples(site, theme);
    let base = theme.base_context(&SiteView::new(site))?;
    let mut facts = HashMap::new();
    let mut problems: Vec<Problem> = Vec::new();
    let mut render_errors: Vec<Diagnostic> = Vec::new();
    for (tpl, job) in samples {
        let html = match jobs::render(site, theme, &base, &job) {
            Ok(h) => h,
            Err(d) => {
                render_errors.push(d);
                continue;
            }
        };
        let url = job.url(site);
        let found = scan(&html);
        let body = match &job {
            Job::Item(id) => Some(*id),
            Job::Special(i, _) => Some(site.specials[*i].page),
            _ => None,
        };
        let (content_h1, content_ids) = content_of(site, index, &url, body, &html, &found);
        let f = TemplateFacts {
            h1: found.h1.saturating_sub(content_h1),
            ids: found.ids.difference(&content_ids).cloned().collect(),
        };
        problems_of(theme, root, tpl, &url, &found, f.h1, &mut problems);
        if let Some(what) = super::structured::sample_problem(&html, &url) {
            let problem = (what, super::structured::NEEDLES, super::structured::HELP);
            add_problem(theme, root, tpl, &url, problem, "AUD211", &mut problems);
        }
        facts.insert(tpl.to_string(), f);
    }
    if !render_errors.is_empty() {
        return Err(Error::Diagnostics(render_errors));
    }
    for p in problems {
        let names: Vec<String> = p.templates.iter().map(|t| format!("'{t}'")).collect();
        let msg = match names.len() {
            1 => format!("template {} outputs {} (sample page {})", names[0], p.what, p.url),
            _ => format!(
                "templates {} output {} (sample page {})",
                names.join(", "),
                p.what,
                p.url
            ),
        };
        sink.add(p.code, &p.path, (p.line, 0), None, msg, p.help);
    }
    Ok(facts)
}

/// One job per template the site uses: the first the build would render
/// with it.
pub fn samples<'s>(site: &'s Site, theme: &Theme) -> Vec<(&'s str, Job)> {
    let mut samples: Vec<(&str, Job)> = Vec::new();
    for job in jobs::plan(site, theme) {
        let tpl = job.template(site);
        if !samples.iter().any(|(t, _)| *t == tpl) && theme.has_template(tpl) {
            samples.push((tpl, job));
        }
    }
    samples
}

/// The `<h1>`s and ids a sample page owes to content rather than to its
/// template: its own body (`body`), and the bodies or summaries of pages it
/// lists (a listing shows a joke's `#` heading too; that is the joke's
/// problem, reported on the joke, not the template's). Only pages the sample
/// links to and that have `#` headings are looked at, so this stays cheap.
fn content_of(
    site: &Site,
    index: &SiteIndex,
    url: &str,
    body: Option<PageId>,
    html: &str,
    found: &Scan,
) -> (usize, HashSet<String>) {
    let mut ids: HashSet<String> = HashSet::new();
    let mut h1 = 0;
    let mut pages: Vec<PageId> = body.into_iter().collect();
    for href in &found.hrefs {
        if let Href::Internal { path, .. } = index.resolve(url, href) {
            if let Target::Page(id) = index.target(&path) {
                if !pages.contains(&id) && site.pages[id].rendered.toc.iter().any(|h| h.level == 1) {
                    pages.push(id);
                }
            }
        }
    }
    for id in pages {
        let r = &site.pages[id].rendered;
        let shown = [&r.html, &r.summary_html]
            .into_iter()
            .find(|part| !part.is_empty() && html.contains(part.as_str()));
        if let Some(part) = shown {
            let inner = scan(part);
            h1 += inner.h1;
            ids.extend(inner.ids);
        }
    }
    (h1, ids)
}

/// A tag missing from the output of one or more templates, located where
/// the fix belongs (a base template or partial shared by several page
/// templates is reported once, naming them all).
struct Problem {
    code: &'static str,
    path: PathBuf,
    line: usize,
    what: String,
    help: &'static str,
    templates: Vec<String>,
    url: String,
}

/// Adds a problem for each tag `tpl`'s sample output lacks.
fn problems_of(theme: &Theme, root: &Path, tpl: &str, url: &str, found: &Scan, h1: usize, out: &mut Vec<Problem>) {
    let head: [(bool, &str, &[&str], &'static str); 3] = [
        (
            found.title,
            "no <title>",
            &["<title", "<meta charset", "</head>", "<head"],
            "add <title>{{ head.title }}</title> inside <head>",
        ),
        (
            found.description,
            "no meta description",
            &["name=\"description\"", "<meta charset", "</head>", "<head"],
            "add <meta name=\"description\" content=\"{{ head.description }}\"> inside <head>",
        ),
        (
            found.canonical,
            "no canonical link",
            &["rel=\"canonical\"", "<meta charset", "</head>", "<head"],
            "add <link rel=\"canonical\" href=\"{{ head.canonical }}\"> inside <head>",
        ),
    ];
    let mut missing: Vec<(String, &[&str], &'static str)> = head
        .into_iter()
        .filter(|(ok, ..)| !ok)
        .map(|(_, what, needles, help)| (what.to_string(), needles, help))
        .collect();
    if h1 != 1 {
        missing.push((
            format!("{h1} <h1> elements, not one"),
            &["<h1", "{% block main", "<main"],
            "show the page's title in exactly one <h1>, at the start of the main content",
        ));
    }
    for problem in missing {
        add_problem(theme, root, tpl, url, problem, "AUD210", out);
    }
}

/// Adds `what` (missing from `tpl`'s output) as a problem of rule `code`,
/// located at the first of `needles` in the templates behind `tpl`; merged
/// with the same problem at the same place from another template.
fn add_problem(
    theme: &Theme,
    root: &Path,
    tpl: &str,
    url: &str,
    (what, needles, help): (String, &[&str], &'static str),
    code: &'static str,
    out: &mut Vec<Problem>,
) {
    let (path, line) = locate(theme, root, tpl, needles);
    match out
        .iter_mut()
        .find(|p| p.path == path && p.line == line && p.what == what)
    {
        Some(p) => p.templates.push(tpl.to_string()),
        None => out.push(Problem {
            code,
            path,
            line,
            what,
            help,
            templates: vec![tpl.to_string()],
            url: url.to_string(),
        }),
    }
}

/// The tags of one rendered page that the rules look for.
#[derive(Debug, Default)]
struct Scan {
    title: bool,
    description: bool,
    canonical: bool,
    h1: usize,
    ids: HashSet<String>,
    hrefs: Vec<String>,
}

/// Scans HTML for the tags and attributes the rules need. Not a full
/// parser: the input is a theme's output, which is regular HTML.
fn scan(html: &str) -> Scan {
    let mut s = Scan::default();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let attr = |key: &str| attribute(tag, key);
        match name.as_str() {
            "title" => {
                let after = rest.get(end + 1..).unwrap_or("");
                let close = after.find("</title").unwrap_or(after.len());
                s.title |= !after[..close].trim().is_empty();
            }
            "meta" => {
                let is_desc = attr("name").is_some_and(|n| n.eq_ignore_ascii_case("description"));
                s.description |= is_desc && attr("content").is_some_and(|c| !c.trim().is_empty());
            }
            "link" => {
                let is_canon = attr("rel").is_some_and(|r| r.eq_ignore_ascii_case("canonical"));
                s.canonical |= is_canon && attr("href").is_some_and(|h| !h.trim().is_empty());
            }
            "h1" => s.h1 += 1,
            _ => {}
        }
        if let Some(id) = attr("id") {
            s.ids.insert(id.to_string());
        }
        if name == "a" {
            if let Some(href) = attr("href") {
                s.hrefs.push(href.to_string());
            }
        }
        rest = &rest[end..];
    }
    s
}

/// The value of attribute `key` in the inside of a tag (`meta name="x"`).
fn attribute<'t>(tag: &'t str, key: &str) -> Option<&'t str> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find(key) {
        let at = from + i;
        from = at + key.len();
        let before_ok = at > 0 && lower.as_bytes()[at - 1].is_ascii_whitespace();
        let after = lower[from..].trim_start();
        if !before_ok || !after.starts_with('=') {
            continue;
        }
        let value_start = tag.len() - after.len() + 1;
        let v = tag[value_start..].trim_start();
        return Some(match v.chars().next() {
            Some(q @ ('"' | '\'')) => v[1..].split(q).next().unwrap_or(""),
            _ => v.split(|c: char| c.is_whitespace() || c == '/').next().unwrap_or(""),
        });
    }
    None
}

/// Where in the templates behind `tpl` a fix belongs: the first line
/// (outside `{# #}` comments) holding one of `needles`, tried in order and
/// each searched in `tpl`, the templates it includes, then the template it
/// extends and its includes, and so on; else line 1 of `tpl`.
pub fn locate(theme: &Theme, root: &Path, tpl: &str, needles: &[&str]) -> (PathBuf, usize) {
    let files = chain(theme, root, tpl);
    for needle in needles {
        for (name, src) in &files {
            if let Some(line) = src.lines().position(|l| l.contains(needle)) {
                let path = theme.template_files.get(name).cloned().unwrap_or_default();
                return (path, line + 1);
            }
        }
    }
    let own = theme
        .template_files
        .get(tpl)
        .cloned()
        .unwrap_or_else(|| PathBuf::from(tpl));
    (own, 1)
}

/// `tpl` and the templates behind it, in search order, comments blanked.
fn chain(theme: &Theme, root: &Path, tpl: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut next = Some(tpl.to_string());
    while let Some(name) = next.take() {
        if out.len() > 32 || out.iter().any(|(n, _)| *n == name) {
            break;
        }
        let Some(src) = source(theme, root, &name).map(|s| strip_comments(&s)) else {
            break;
        };
        next = quoted_after(&src, "{% extends").into_iter().next();
        let includes = quoted_after(&src, "{% include");
        out.push((name, src));
        for inc in includes {
            if !out.iter().any(|(n, _)| *n == inc) {
                if let Some(src) = source(theme, root, &inc) {
                    out.push((inc, strip_comments(&src)));
                }
            }
        }
    }
    out
}

/// A template's text: from the site's themes/ folder, or the built-in theme.
fn source(theme: &Theme, root: &Path, tpl: &str) -> Option<String> {
    let path = theme.template_files.get(tpl)?;
    if let Ok(text) = std::fs::read_to_string(root.join(path)) {
        return Some(text);
    }
    let rel = path.to_string_lossy().replace('\\', "/");
    let inner = rel.strip_prefix("themes/default/")?;
    DEFAULT_THEME.get_file(inner)?.contents_utf8().map(str::to_string)
}

/// Blanks `{# ... #}` comments, keeping line breaks (so line numbers hold).
fn strip_comments(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    let mut rest = src;
    while let Some(i) = rest.find("{#") {
        out.push_str(&rest[..i]);
        let end = rest[i..].find("#}").map_or(rest.len(), |e| i + e + 2);
        out.extend(rest[i..end].chars().filter(|&c| c == '\n'));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The quoted names after each `tag` (`{% extends "base.html" %}`).
fn quoted_after(src: &str, tag: &str) -> Vec<String> {
    src.match_indices(tag)
        .filter_map(|(i, _)| {
            let rest = &src[i + tag.len()..];
            let q = rest.find(['"', '\''])?;
            let quote = rest[q..].chars().next()?;
            rest[q + 1..].split(quote).next().map(str::to_string)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_head_tags_h1_and_ids() {
        let s = scan(
            "<html><head><title> Hi </title><meta content=\"d\" name=\"description\">\
             <link href=\"https://x/\" rel=\"canonical\"></head><body><h1 id=\"top\">A</h1><h2 id='b'>B</h2></body>",
        );
        assert!(s.title && s.description && s.canonical);
        assert_eq!(s.h1, 1);
        assert!(s.ids.contains("top") && s.ids.contains("b"));
        let empty = scan("<title></title><meta name=\"description\" content=\"\"><h1>a</h1><h1>b</h1>");
        assert!(!empty.title && !empty.description && !empty.canonical);
        assert_eq!(empty.h1, 2);
    }

    #[test]
    fn comments_keep_line_numbers() {
        let src = "a\n{# one\n<h1> two #}\nb <h1>\n";
        let clean = strip_comments(src);
        assert_eq!(clean.lines().position(|l| l.contains("<h1")), Some(3));
        assert_eq!(
            quoted_after("{% extends \"base.html\" %}\n", "{% extends"),
            vec!["base.html"]
        );
    }
}
