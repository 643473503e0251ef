//! Front-matter fields that become URLs on a page: `seo.canonical` (a link),
//! `seo.image` and a special's `hero.image` (images).
//!
//! Input: the front matter's located YAML tree and the [`Meta`] read from
//! it. Output: the same `Meta`, every such field the [`url_policy`] refuses
//! dropped (the page then has no og:image or hero, and its canonical address
//! is its own), with a SEC002 warning at the value's line and column.
//!
//! Invariant: no front-matter URL that reaches a template runs code.

use crate::content::Meta;
use crate::url_policy::{self, UrlKind};
use crate::yaml::{Node, Reader};

/// Checks the URL fields of `meta` (read from `node`); see the module doc.
pub fn check(r: &mut Reader, node: &Node, mut meta: Meta) -> Meta {
    let seo = node.get("seo");
    check_field(r, seo, "image", UrlKind::Image, &mut meta.seo.image);
    check_field(r, seo, "canonical", UrlKind::Link, &mut meta.seo.canonical);
    if let Some(sp) = meta.special.as_mut() {
        check_field(r, node.get("hero"), "image", UrlKind::Image, &mut sp.hero.image);
    }
    meta
}

/// Drops `value` (read from `parent.key`) when the policy refuses it.
fn check_field(r: &mut Reader, parent: Option<&Node>, key: &str, kind: UrlKind, value: &mut Option<String>) {
    let Some(url) = value.as_deref() else { return };
    if !url_policy::is_unsafe(url, kind) {
        return;
    }
    let (line, col) = parent
        .and_then(|p| p.get(key))
        .map_or((0, 0), |v| (v.line + r.line_offset, v.col));
    r.diags.push(url_policy::warning(r.path, line, col, url, "dropped"));
    *value = None;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{meta, Kind};
    use std::path::Path;

    fn read(yaml: &str, kind: Kind) -> (Meta, Vec<crate::diagnostic::Diagnostic>) {
        let node = crate::yaml::parse(yaml).unwrap();
        let mut diags = Vec::new();
        let mut r = Reader {
            path: Path::new("content/specials/x.md"),
            line_offset: 1,
            diags: &mut diags,
        };
        let m = meta::read(&mut r, &node, kind).expect("valid front matter");
        let m = check(&mut r, &node, m);
        (m, diags)
    }

    #[test]
    fn refused_urls_are_dropped_with_a_warning_at_the_value() {
        let (m, d) = read(
            "title: T\ndate: 2026-01-01\nauthor: a\nseo:\n  image: \"&#106;avascript:x\"\n  canonical:   \"JaVa\\tScRiPt:alert(1)\"\nhero:\n  image: data:image/svg+xml,x\n  alt: A\nselect: {tags: [a]}\n",
            Kind::Special,
        );
        let at: Vec<(&str, usize, usize)> = d.iter().map(|d| (d.code, d.line, d.col)).collect();
        assert_eq!(at, vec![("SEC002", 6, 10), ("SEC002", 7, 16), ("SEC002", 9, 10)]);
        assert_eq!((m.seo.image, m.seo.canonical), (None, None));
        assert_eq!(m.special.unwrap().hero.image, None);
    }

    #[test]
    fn safe_urls_stay() {
        let (m, d) = read(
            "title: T\ndate: 2026-01-01\nauthor: a\nseo: {image: /og.png, canonical: \"https://e.com/x/\"}\n",
            Kind::Joke,
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(m.seo.image.as_deref(), Some("/og.png"));
        assert_eq!(m.seo.canonical.as_deref(), Some("https://e.com/x/"));
        let (m, d) = read(
            "title: T\ndate: 2026-01-01\nauthor: a\nhero: {image: \"data:image/png;base64,AA\", alt: A}\nselect: {tags: [a]}\n",
            Kind::Special,
        );
        assert!(d.is_empty(), "{d:?}");
        assert!(m.special.unwrap().hero.image.is_some());
    }
}
