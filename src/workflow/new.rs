//! `punchline new`: a new draft with complete front matter.
//!
//! Input: a kind, a title, the actor and the clock. Output: a new file
//! content/<section>/<slug>.md that parses and checks cleanly. Invariant: an
//! existing file is never overwritten (the file is created with
//! no-clobber, so even a race cannot replace one).

use super::actor::{refusal, Actor};
use super::edit::scalar;
use super::files;
use super::roles::{Permission, Roles};
use crate::clock::When;
use crate::content::{self, Kind};
use crate::diagnostic::{Diagnostic, Error, Result};
use jiff::Timestamp;
use std::path::{Path, PathBuf};

/// What to create.
#[derive(Debug, Clone)]
pub struct NewItem {
    /// Joke, bulletin, page or special.
    pub kind: Kind,
    /// The title.
    pub title: String,
    /// The slug (default: from the title).
    pub slug: Option<String>,
    /// Jokes: the category (default: none yet).
    pub category: Option<String>,
}

/// Creates the item; returns its path from the site root.
pub fn create(root: &Path, roles: &Roles, actor: &Actor, now: Timestamp, item: &NewItem) -> Result<PathBuf> {
    let perm = if item.kind == Kind::Special {
        Permission::Specials
    } else {
        Permission::Write
    };
    let fail = |d: Diagnostic| Err(Error::Diagnostics(vec![d]));
    let section = item.kind.section();
    let slug = item.slug.clone().unwrap_or_else(|| content::slugify(&item.title));
    if !content::is_safe_slug(&slug) {
        return fail(
            Diagnostic::error(
                "WF009",
                format!("content/{section}/"),
                format!("'{slug}' cannot be a slug"),
            )
            .help("pass --slug with letters, digits and '-' only"),
        );
    }
    let rel = PathBuf::from(format!("content/{section}/{slug}.md"));
    let Some(role) = actor.role_with(roles, perm) else {
        let doing = format!("create {}s", item.kind.noun());
        return fail(Diagnostic::error(
            "WF003",
            &rel,
            refusal(roles, &actor.label(), &doing, perm),
        ));
    };
    let text = front_matter(item, actor.id(), role, When::at(now));
    // The generated file must check cleanly; anything else is a bug here.
    let (doc, diags) = content::parse_document(&rel, &text, roles);
    if doc.is_none() || diags.iter().any(Diagnostic::is_error) {
        return Err(Error::Diagnostics(diags));
    }
    match files::create_new(&root.join(&rel), &text) {
        Ok(()) => Ok(rel),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => fail(
            Diagnostic::error("WF008", &rel, "already exists; nothing was written")
                .help("choose another title, or pass --slug NAME"),
        ),
        Err(e) => Err(Error::io(&root.join(&rel), e)),
    }
}

/// The new file's text.
fn front_matter(item: &NewItem, author: &str, role: &str, today: When) -> String {
    let mut fm = format!(
        "---\ntitle: {}\ndate: {}\nauthor: {}\nrole: {}\ntags: []\n",
        scalar(&item.title),
        today.ymd(),
        scalar(author),
        scalar(role)
    );
    match item.kind {
        Kind::Joke => {
            let cat = item.category.as_deref().map_or("~".to_string(), scalar);
            fm.push_str(&format!("category: {cat}\n"));
        }
        Kind::Bulletin => fm.push_str("pinned: false\n"),
        Kind::Page => {}
        Kind::Special => fm.push_str(concat!(
            "template: special.html\n",
            "campaign: {starts: ~, ends: ~}\n",
            "hero: {image: ~, alt: ~, slogan: ~}\n",
            "select: {tags: [], match: any, limit: 50, sort: date-desc}\n",
        )),
    }
    fm.push_str("status: draft\nseo:\n  title: ~\n  description: ~\n  keywords: []\n  focus_keyword: ~\n---\n\n");
    fm
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_parses_cleanly() {
        let mut d = Vec::new();
        let roles = Roles::parse(
            "members:\n  li: {email: l@x, roles: [copywriter]}\n",
            Path::new("roles.yaml"),
            &mut d,
        );
        for kind in Kind::ALL {
            let item = NewItem {
                kind,
                title: "Why: a \"title\" # with marks".into(),
                slug: None,
                category: Some("puns".into()),
            };
            let text = front_matter(&item, "li", "copywriter", When::parse("2026-11-25").unwrap());
            let rel = PathBuf::from(format!("content/{}/x.md", kind.section()));
            let (doc, diags) = content::parse_document(&rel, &text, &roles);
            assert!(diags.is_empty(), "{kind:?}: {diags:?}\n{text}");
            let doc = doc.unwrap();
            assert_eq!(doc.meta.title, item.title);
            assert_eq!(doc.meta.date.ymd(), "2026-11-25");
            assert_eq!(doc.meta.status, super::super::Status::Draft);
            assert_eq!(doc.meta.category.is_some(), kind == Kind::Joke);
        }
    }
}
