//! What goes live, and where: visibility and URLs of every document.
//!
//! Input: documents, the clock and the build mode. Output: [`Routes`], which
//! the markdown stage uses to resolve `@/` links before the site exists.
//! Invariant: a hidden document (a draft, an expired bulletin, a scheduled
//! joke in a live build) has no place in the output, so nothing downstream
//! can leak it.

use crate::content::Status;
use crate::content::{Document, Kind};
use crate::diagnostic::Diagnostic;
use crate::markdown::Target;
use jiff::Timestamp;

/// Whether a document is in this build's output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    /// On the live site.
    Live,
    /// Shown only by `--preview` (in review, approved, or scheduled) or
    /// `--drafts` (those and drafts).
    Preview,
    /// Not in the output.
    Hidden,
}

impl Visibility {
    /// Whether the page is rendered in this build.
    pub fn shown(self) -> bool {
        self != Visibility::Hidden
    }
}

/// Which work in progress a build shows besides the live site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Show {
    /// The live site only.
    #[default]
    Live,
    /// Also items in review, approved or scheduled (`--preview`).
    Preview,
    /// Also drafts, as well as what `Preview` shows (`--drafts`).
    Drafts,
}

impl Show {
    /// From the command-line flags: `--drafts` implies `--preview`.
    pub fn new(preview: bool, drafts: bool) -> Show {
        match (preview, drafts) {
            (_, true) => Show::Drafts,
            (true, false) => Show::Preview,
            (false, false) => Show::Live,
        }
    }
}

impl From<bool> for Show {
    /// `preview` on or off.
    fn from(preview: bool) -> Show {
        Show::new(preview, false)
    }
}

/// Whether `doc` is live at `now`; in preview, work in progress shows too
/// (drafts only with [`Show::Drafts`]).
pub fn visibility(doc: &Document, now: Timestamp, show: impl Into<Show>) -> Visibility {
    let show = show.into();
    let m = &doc.meta;
    let expired = m.expires.is_some_and(|e| e.ts <= now);
    let (started, ended) = match &m.special {
        Some(sp) => (
            sp.starts.is_none_or(|s| s.ts <= now),
            sp.ends.is_some_and(|e| e.ts <= now),
        ),
        None => (true, false),
    };
    if expired || ended {
        return Visibility::Hidden;
    }
    let scheduled = m.publish_at.is_some_and(|p| p.ts > now);
    match m.status {
        Status::Published if !scheduled && started => Visibility::Live,
        Status::Published | Status::Review | Status::Approved if show != Show::Live => Visibility::Preview,
        Status::Draft if show == Show::Drafts => Visibility::Preview,
        _ => Visibility::Hidden,
    }
}

/// The site path of a document, e.g. `/jokes/chicken/` or `/about/`.
pub fn url_of(kind: Kind, slug: &str) -> String {
    match kind {
        Kind::Page => format!("/{slug}/"),
        k => format!("/{}/{slug}/", k.section()),
    }
}

/// The site path every page of a language starts with: nothing for the
/// default language (`lang` empty), `/zh` for Chinese.
pub fn lang_prefix(lang: &str) -> String {
    if lang.is_empty() {
        String::new()
    } else {
        format!("/{lang}")
    }
}

/// Paths the site itself generates; a page may not take them.
pub const RESERVED: &[&str] = &[
    "/jokes/",
    "/bulletins/",
    "/tags/",
    "/categories/",
    "/specials/",
    "/page/",
    "/assets/",
];

/// Visibility and URL of every document, indexed like the document list.
#[derive(Debug, Clone, Default)]
pub struct Routes {
    /// Per document.
    pub visibility: Vec<Visibility>,
    /// Per document: its site path.
    pub urls: Vec<String>,
    /// `@/` path (`jokes/x.md`) -> document index.
    pub by_rel: rustc_hash::FxHashMap<String, usize>,
    /// Per document: why it is hidden, for link warnings.
    pub why_hidden: Vec<Option<String>>,
}

impl Routes {
    /// Computes visibility and URLs; reports URLs two documents claim.
    pub fn new<D: AsRef<Document>>(docs: &[D], now: Timestamp, show: impl Into<Show>) -> (Routes, Vec<Diagnostic>) {
        let show = show.into();
        let docs: Vec<&Document> = docs.iter().map(AsRef::as_ref).collect();
        let mut diags = Vec::new();
        let visibility: Vec<Visibility> = docs.iter().map(|d| visibility(d, now, show)).collect();
        let urls: Vec<String> = docs
            .iter()
            .map(|d| lang_prefix(&d.lang) + &url_of(d.kind, &d.slug))
            .collect();
        let mut owner: rustc_hash::FxHashMap<&str, usize> = Default::default();
        for (i, url) in urls.iter().enumerate() {
            let doc = &docs[i];
            if RESERVED.contains(&url.as_str()) {
                let (l, c) = doc.meta.pos("slug");
                diags.push(
                    Diagnostic::error(
                        "URL002",
                        &doc.path,
                        format!("the URL {url} is reserved for the site's own listing"),
                    )
                    .at(l, c)
                    .help("choose another slug"),
                );
                continue;
            }
            if let Some(&first) = owner.get(url.as_str()) {
                let both_shown = visibility[first].shown() && visibility[i].shown();
                let (l, c) = doc.meta.pos("slug");
                let msg = format!("duplicate URL {url}: {} has it too", docs[first].path.display());
                let d = if both_shown {
                    Diagnostic::error("URL001", &doc.path, msg)
                } else {
                    Diagnostic::warning("URL001", &doc.path, msg)
                };
                diags.push(d.at(l, c).help("give one of them a different 'slug:'"));
                continue;
            }
            owner.insert(url, i);
        }
        let by_rel = docs.iter().enumerate().map(|(i, d)| (d.rel.clone(), i)).collect();
        let why_hidden = docs
            .iter()
            .zip(&visibility)
            .map(|(d, v)| {
                (!v.shown()).then(|| match d.meta.status {
                    Status::Published => "scheduled, expired or outside its campaign".to_string(),
                    s => format!("status {s}"),
                })
            })
            .collect();
        (
            Routes {
                visibility,
                urls,
                by_rel,
                why_hidden,
            },
            diags,
        )
    }

    /// Resolves an `@/` path (`jokes/x.md`) for the markdown stage.
    pub fn resolve_rel(&self, rel: &str) -> Target {
        match self.by_rel.get(rel) {
            None => Target::Missing,
            Some(&i) => match &self.why_hidden[i] {
                None => Target::Found(self.urls[i].clone()),
                Some(why) => Target::Hidden {
                    url: self.urls[i].clone(),
                    why: why.clone(),
                },
            },
        }
    }
}
