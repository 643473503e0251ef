//! Term files joined to the terms of the site model.
//!
//! Input: the assembled `Site` and the parsed term files
//! (`content::terms`). Output: each term's [`TermSeo`] (its own title,
//! description and intro as HTML), set on the term the file names by its
//! slug; a file for a term no shown item carries is a warning (TRM001) at
//! its path, since the page it would dress up does not exist.

use super::{Site, TaxonomyKind};
use crate::content::terms::TermFile;
use crate::diagnostic::Diagnostic;
use crate::markdown::{self, Bodies, RenderOptions, Target};
use std::path::PathBuf;
use std::sync::Arc;

/// What a term file gives its term's page.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TermSeo {
    /// The file, from the site root.
    pub path: PathBuf,
    /// The page's title, instead of `Tag: name`.
    pub title: Option<String>,
    /// The meta description, instead of the generated sentence.
    pub description: Option<String>,
    /// The line of `description:` in the file.
    pub description_line: usize,
    /// The intro, as HTML (empty without a body).
    pub intro_html: String,
}

/// Joins `files` to the site's terms. Returns the problems: term files
/// without a term, and those in their intros' Markdown.
pub fn attach(site: &mut Site, files: Vec<TermFile>) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for f in files {
        let tax = if f.folder == "tags" {
            TaxonomyKind::Tags
        } else {
            TaxonomyKind::Categories
        };
        let found = site
            .taxonomy(tax)
            .terms
            .binary_search_by(|t| t.slug.as_str().cmp(&f.slug));
        let Ok(i) = found else {
            diags.push(
                Diagnostic::warning(
                    "TRM001",
                    &f.path,
                    format!(
                        "no shown item has the {} '{}': this file has no page",
                        tax.singular().to_lowercase(),
                        f.slug
                    ),
                )
                .at(1, 1)
                .help(format!(
                    "name the file after a {} in use (its URL slug, as in /{}/<slug>/), or remove it",
                    tax.singular().to_lowercase(),
                    tax.name()
                )),
            );
            continue;
        };
        let intro_html = intro(site, &f, &mut diags);
        let seo = TermSeo {
            path: f.path,
            title: f.title,
            description: f.description,
            description_line: f.description_line,
            intro_html,
        };
        let terms = match tax {
            TaxonomyKind::Tags => &mut site.tags.terms,
            TaxonomyKind::Categories => &mut site.categories.terms,
        };
        terms[i].seo = Some(Arc::new(seo));
    }
    diags
}

/// The intro's HTML; `@/` links resolve to the site's pages.
fn intro(site: &Site, f: &TermFile, diags: &mut Vec<Diagnostic>) -> String {
    if f.body.trim().is_empty() {
        return String::new();
    }
    let resolve = |rel: &str| {
        let path = PathBuf::from("content").join(rel);
        site.pages
            .iter()
            .find(|p| p.doc.path == path)
            .map_or(Target::Missing, |p| Target::Found(p.url.clone()))
    };
    let opts = RenderOptions {
        path: &f.path,
        body_line: f.body_line,
        allow_raw_html: false,
        bodies: Bodies::Html,
        resolve: &resolve,
        suggest: &|_| None,
    };
    let (rendered, d) = markdown::render(&f.body, &opts);
    diags.extend(d);
    rendered.html
}
