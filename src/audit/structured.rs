//! Structured data: is schema.org JSON-LD there, does it parse, and does
//! each node have the properties its type needs?
//!
//! Input: rendered HTML (a theme's sample pages) or a page's JSON-LD as the
//! views carry it. Output: findings, AUD211 against the template that
//! prints no (or broken) JSON-LD, AUD119 against the content file whose
//! page lacks a required property, at the front-matter line that supplies
//! it (`date:`, `author:`, `seo.image`...); and, for `theme check`, the same
//! theme problems as diagnostics (TPL005). The required properties per type
//! are [`REQUIRED`], documented in docs/audit.md.

use super::report::FindingSink;
use crate::diagnostic::Diagnostic;
use crate::site::{PageId, Site};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The properties each schema.org type must have (non-empty) on a page.
pub const REQUIRED: &[(&str, &[&str])] = &[
    ("WebSite", &["name", "url"]),
    ("Organization", &["name", "url"]),
    ("BreadcrumbList", &["itemListElement"]),
    ("ListItem", &["position", "name", "item"]),
    ("CreativeWork", &["headline", "author", "datePublished"]),
    (
        "NewsArticle",
        &["headline", "author", "datePublished", "dateModified", "image"],
    ),
    ("CollectionPage", &["name", "url"]),
    ("WebPage", &["name", "url"]),
];

/// The text of every `<script type="application/ld+json">` in `html`.
pub fn scripts(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let lower = html.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find("<script") {
        let open = from + i;
        let Some(gt) = lower[open..].find('>') else { break };
        let tag = &lower[open..open + gt];
        let body_start = open + gt + 1;
        let end = lower[body_start..]
            .find("</script")
            .map_or(html.len(), |e| body_start + e);
        if tag.contains("application/ld+json") {
            out.push(&html[body_start..end]);
        }
        from = end;
    }
    out
}

/// What is wrong with one page's JSON-LD: each problem as (schema.org type,
/// what is missing or wrong). `Err` when a script does not parse.
pub fn problems(scripts: &[&str]) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for text in scripts {
        let v: Value = serde_json::from_str(text).map_err(|e| format!("its JSON-LD does not parse: {e}"))?;
        let nodes: Vec<&Value> = match v.get("@graph").and_then(Value::as_array) {
            Some(g) => g.iter().collect(),
            None => vec![&v],
        };
        for node in nodes {
            check_node(node, &mut out);
        }
    }
    Ok(out)
}

/// The `@type`s of the nodes in `scripts` that parse.
pub fn types(scripts: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for text in scripts {
        let Ok(v) = serde_json::from_str::<Value>(text) else {
            continue;
        };
        let nodes: Vec<Value> = match v.get("@graph").and_then(Value::as_array) {
            Some(g) => g.clone(),
            None => vec![v],
        };
        out.extend(
            nodes
                .iter()
                .filter_map(|n| n.get("@type").and_then(Value::as_str).map(str::to_string)),
        );
    }
    out
}

fn check_node(node: &Value, out: &mut Vec<(String, String)>) {
    let Some(kind) = node.get("@type").and_then(Value::as_str) else {
        out.push(("?".into(), "a node without @type".into()));
        return;
    };
    if let Some((_, props)) = REQUIRED.iter().find(|(t, _)| *t == kind) {
        for prop in *props {
            if is_empty(node.get(*prop)) {
                out.push((kind.to_string(), (*prop).to_string()));
            }
        }
    }
    if let Some(items) = node.get("itemListElement").and_then(Value::as_array) {
        for item in items {
            check_node(item, out);
        }
    }
}

fn is_empty(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.trim().is_empty(),
        Some(Value::Array(a)) => a.is_empty(),
        Some(Value::Object(o)) => o.is_empty(),
        Some(_) => false,
    }
}

/// The front-matter key that supplies schema.org property `prop`.
fn source_key(prop: &str) -> &'static str {
    match prop {
        "image" => "seo.image",
        "author" => "author",
        "datePublished" | "dateModified" => "date",
        "description" => "seo.description",
        _ => "title",
    }
}

/// Checks the JSON-LD content page `id` carries (as the views give it to
/// the theme): AUD119 for each required property it lacks.
pub fn check_page(site: &Site, id: PageId, sink: &mut FindingSink) {
    let p = &site.pages[id];
    if p.noindex() {
        return; // not shown in results: its structured data is never read
    }
    let head = crate::theme::views::head_for_page(site, id);
    let m = &p.doc.meta;
    let at = |key: &str| {
        m.positions
            .get(key)
            .or_else(|| key.starts_with("seo.").then(|| m.positions.get("seo")).flatten())
            .unwrap_or_else(|| m.pos("title"))
    };
    let found = match problems(&[head.jsonld.as_str()]) {
        Ok(f) => f,
        Err(e) => vec![("?".into(), e)],
    };
    for (kind, prop) in found {
        let help = match source_key(&prop) {
            "seo.image" => "add seo.image: an image for the result (at least 1200 px wide is best)",
            "date" => "give the item a date:",
            "author" => "give the item an author:",
            _ => "give the item a title:",
        };
        sink.add(
            "AUD119",
            &p.doc.path,
            at(source_key(&prop)),
            Some(&p.url),
            format!("structured data ({kind}) lacks '{prop}'"),
            help,
        );
    }
}

/// What a sample page of a template lacks, if anything: no JSON-LD, JSON-LD
/// that does not parse, no `Organization`, no `BreadcrumbList` below the
/// home page, or a required property.
pub fn sample_problem(html: &str, url: &str) -> Option<String> {
    let found = scripts(html);
    if found.is_empty() {
        return Some("no JSON-LD structured data".into());
    }
    let missing = match problems(&found) {
        Ok(m) => m,
        Err(e) => return Some(format!("JSON-LD that does not parse ({e})")),
    };
    let types = types(&found);
    if !types.iter().any(|t| t == "Organization") {
        return Some("JSON-LD without an Organization".into());
    }
    if url != "/" && url != "/404.html" && !types.iter().any(|t| t == "BreadcrumbList") {
        return Some("JSON-LD without a BreadcrumbList".into());
    }
    // A property the content lacks is the page's finding (AUD119), not the
    // theme's; only the site-wide ones are the template's.
    missing
        .into_iter()
        .find(|(t, _)| matches!(t.as_str(), "WebSite" | "Organization" | "BreadcrumbList" | "ListItem"))
        .map(|(t, p)| format!("JSON-LD whose {t} lacks '{p}'"))
}

/// `theme check`: a warning (TPL005) for each place in the templates where
/// JSON-LD belongs but sample pages show none (or none usable), naming the
/// templates whose pages lack it.
pub fn theme_diagnostics(site: &Site, theme: &crate::theme::Theme, root: &Path) -> Vec<Diagnostic> {
    let Ok(base) = theme.base_context(&crate::theme::views::SiteView::new(site)) else {
        return Vec::new();
    };
    // (file, line, what) -> templates and the first sample page.
    type Place = (PathBuf, usize, String);
    let mut found: Vec<(Place, Vec<&str>, String)> = Vec::new();
    for (tpl, job) in super::templates::samples(site, theme) {
        let Ok(html) = crate::output::jobs::render(site, theme, &base, &job) else {
            continue; // a render error is already TPL002
        };
        let url = job.url(site);
        let Some(what) = sample_problem(&html, &url) else {
            continue;
        };
        let (path, line) = super::templates::locate(theme, root, tpl, NEEDLES);
        let key = (path, line, what);
        match found.iter_mut().find(|(k, ..)| *k == key) {
            Some((_, tpls, _)) => tpls.push(tpl),
            None => found.push((key, vec![tpl], url)),
        }
    }
    found
        .into_iter()
        .map(|((path, line, what), tpls, url)| {
            let names: Vec<String> = tpls.iter().map(|t| format!("'{t}'")).collect();
            let who = match names.len() {
                1 => format!("template {} outputs", names[0]),
                _ => format!("templates {} output", names.join(", ")),
            };
            Diagnostic::warning("TPL005", path, format!("{who} {what} (sample page {url})"))
                .at(line, 0)
                .help(HELP)
        })
        .collect()
}

/// Where in the templates JSON-LD belongs, in the order to look.
pub const NEEDLES: &[&str] = &["ld+json", "<meta charset", "</head>", "<head"];

/// How to fix a theme without structured data.
pub const HELP: &str = "print it inside <head>: <script type=\"application/ld+json\">{{ head.jsonld | safe }}</script>";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_scripts_and_missing_properties() {
        let html = r#"<head><script src="x.js"></script><script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"NewsArticle","headline":"h","author":{"@type":"Person","name":"A"},"datePublished":"2026-01-01"},{"@type":"BreadcrumbList","itemListElement":[{"@type":"ListItem","position":1,"name":"Home"}]}]}</script></head>"#;
        let s = scripts(html);
        assert_eq!(s.len(), 1);
        let p = problems(&s).unwrap();
        assert_eq!(
            p,
            vec![
                ("NewsArticle".to_string(), "dateModified".to_string()),
                ("NewsArticle".to_string(), "image".to_string()),
                ("ListItem".to_string(), "item".to_string()),
            ]
        );
        assert!(problems(&["{oops"]).is_err());
        assert_eq!(
            sample_problem("<head></head>", "/"),
            Some("no JSON-LD structured data".into())
        );
    }
}
