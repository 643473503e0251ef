//! Vanished URLs: pages live on a target that the new build no longer
//! produces, with no alias redirecting from them.
//!
//! Input: the build's [`Manifest`] and the manifest stored in the target
//! (what is live). Output: each vanished URL with the source file that last
//! produced it, and (unless allowed) a DEP009 error for each, naming the
//! alias that would keep it. Pure: nothing here touches the disk or the
//! network; `deploy`, `deploy --dry-run` and `check --target` all ask it.
//!
//! What counts: HTML pages only. Not assets (their names carry a content
//! fingerprint and change by design), not the 404 page, not the later
//! pages of a listing (`/jokes/page/7/` comes and goes as items do, and
//! shows other items as it goes), not feeds or sitemaps (a section's feed
//! and `sitemap.xml` are always there; sitemap parts are found only through
//! `sitemap.xml`; a special's feed goes with its page, which counts). A
//! page kept in the target after an allowed deploy without `--delete` is
//! marked `gone` there and not reported again.

use super::plan::StoredManifest;
use crate::diagnostic::Diagnostic;
use crate::output::{Manifest, MANIFEST_FILE};

/// Which vanished URLs a deploy may let go.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Allow {
    /// All of them (`--allow-gone-all`).
    pub all: bool,
    /// These (`--allow-gone URL`): site paths or absolute URLs.
    pub urls: Vec<String>,
}

/// One page the target serves that the build no longer makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vanished {
    /// Its site path, e.g. `/jokes/old-slug/`.
    pub url: String,
    /// The content file that last produced it (`None`: a generated page,
    /// or a deploy made before sources were recorded).
    pub source: Option<String>,
    /// Where that source's page is now, when it still makes one (the usual
    /// cause: a changed `slug:`).
    pub moved_to: Option<String>,
}

/// The site path of an output file: `jokes/x/index.html` -> `/jokes/x/`.
pub fn url_of(path: &str) -> String {
    match path.strip_suffix("index.html") {
        Some(dir) if dir.is_empty() || dir.ends_with('/') => format!("/{dir}"),
        _ => format!("/{path}"),
    }
}

/// Whether the output file `path` is a page whose URL must not escape.
pub fn counts(path: &str) -> bool {
    let page = path.ends_with(".html") || path.ends_with(".htm");
    let segs: Vec<&str> = path.split('/').collect();
    let later_page = segs
        .windows(2)
        .any(|w| w[0] == "page" && !w[1].is_empty() && w[1].bytes().all(|b| b.is_ascii_digit()));
    page && path != "404.html" && !later_page
}

/// Every vanished URL, in path order.
pub fn vanished(local: &Manifest, remote: &StoredManifest) -> Vec<Vanished> {
    remote
        .files
        .iter()
        .filter(|(path, rec)| !rec.gone && counts(path) && !local.files.contains_key(*path))
        .map(|(path, rec)| {
            let moved_to = rec.source.as_ref().and_then(|src| {
                local
                    .files
                    .iter()
                    .find(|(p, r)| r.source.as_ref() == Some(src) && r.redirect.is_none() && counts(p))
                    .map(|(p, _)| url_of(p))
            });
            Vanished {
                url: url_of(path),
                source: rec.source.clone(),
                moved_to,
            }
        })
        .collect()
}

/// The site path an `--allow-gone` value names: a path (`/old/`, `old`)
/// or an absolute URL under `base_url`.
fn allowed_path(value: &str, base_url: &str) -> String {
    let base = base_url.trim_end_matches('/');
    let v = value.strip_prefix(base).unwrap_or(value);
    let v = if v.starts_with('/') {
        v.to_string()
    } else {
        format!("/{v}")
    };
    crate::content::aliases::normalise(&v).unwrap_or(v)
}

/// A DEP009 error for each vanished URL `allow` does not let go.
pub fn refuse(vanished: &[Vanished], allow: &Allow, base_url: &str) -> Vec<Diagnostic> {
    if allow.all {
        return Vec::new();
    }
    let allowed: Vec<String> = allow.urls.iter().map(|u| allowed_path(u, base_url)).collect();
    vanished
        .iter()
        .filter(|v| !allowed.contains(&v.url))
        .map(|v| {
            let url = &v.url;
            let (path, from) = match &v.source {
                Some(src) => (src.as_str(), format!("last produced by {src}")),
                None => (
                    MANIFEST_FILE,
                    "a generated page, or deployed before sources were recorded".into(),
                ),
            };
            let help = match (&v.source, &v.moved_to) {
                (Some(src), Some(now)) => format!(
                    "its page is now at {now}: add 'aliases: [{url}]' to the front matter of {src}, \
                     or pass --allow-gone {url} to let it go"
                ),
                _ => format!(
                    "add 'aliases: [{url}]' to the item that replaces it, or pass --allow-gone {url} \
                     (or --allow-gone-all) to let it go"
                ),
            };
            Diagnostic::error(
                "DEP009",
                path,
                format!("{url} is live on the target but this build no longer produces it ({from})"),
            )
            .help(help)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::plan::StoredRecord;
    use crate::output::FileRecord;

    fn local(files: &[(&str, Option<&str>, Option<&str>)]) -> Manifest {
        let mut m = Manifest::default();
        for &(p, src, to) in files {
            m.files.insert(
                p.into(),
                FileRecord {
                    hash: "h".into(),
                    size: 1,
                    source: src.map(Into::into),
                    redirect: to.map(Into::into),
                },
            );
        }
        m
    }

    fn remote(files: &[(&str, Option<&str>, bool)]) -> StoredManifest {
        let mut m = StoredManifest::default();
        for &(p, src, gone) in files {
            m.files.insert(
                p.into(),
                StoredRecord {
                    hash: "h".into(),
                    size: 1,
                    headers: String::new(),
                    source: src.map(Into::into),
                    redirect: None,
                    gone,
                },
            );
        }
        m
    }

    #[test]
    fn only_pages_no_build_makes_vanish() {
        let l = local(&[
            ("jokes/new/index.html", Some("content/jokes/a.md"), None),
            (
                "jokes/kept-by-alias/index.html",
                Some("content/jokes/b.md"),
                Some("/jokes/b/"),
            ),
        ]);
        let r = remote(&[
            ("jokes/old/index.html", Some("content/jokes/a.md"), false),
            ("jokes/kept-by-alias/index.html", Some("content/jokes/b.md"), false),
            ("jokes/page/3/index.html", None, false),
            ("css/site.1a2b3c4d.css", None, false),
            ("specials/x/atom.xml", None, false),
            ("404.html", None, false),
            ("jokes/let-go/index.html", Some("content/jokes/c.md"), true),
            ("tags/winter/index.html", None, false),
        ]);
        let v = vanished(&l, &r);
        let urls: Vec<&str> = v.iter().map(|v| v.url.as_str()).collect();
        assert_eq!(urls, ["/jokes/old/", "/tags/winter/"]);
        assert_eq!(v[0].moved_to.as_deref(), Some("/jokes/new/"));
        let d = refuse(&v, &Allow::default(), "https://e.com");
        assert_eq!(d.len(), 2);
        assert!(d[0].help.as_deref().unwrap().contains("aliases: [/jokes/old/]"));
        let allow = Allow {
            all: false,
            urls: vec!["https://e.com/jokes/old/".into(), "tags/winter".into()],
        };
        assert!(refuse(&v, &allow, "https://e.com/").is_empty());
    }

    #[test]
    fn urls_of_output_files() {
        assert_eq!(url_of("index.html"), "/");
        assert_eq!(url_of("jokes/x/index.html"), "/jokes/x/");
        assert_eq!(url_of("old.html"), "/old.html");
        assert_eq!(url_of("myindex.html"), "/myindex.html");
    }
}
