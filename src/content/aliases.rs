//! `aliases:`: the old addresses of an item, each to redirect to its URL.
//!
//! Input: the front matter's `aliases` value (a list of site paths, or one).
//! Output: each alias normalised, with its line and column, and an ALS001
//! error at the line of each one that is not a plain site path.
//!
//! Normal form: starts with `/`; no scheme or host, no query or fragment,
//! no `.` or `..` segment, no empty segment, no backslash, whitespace or
//! control character; a path without a file extension gets its closing
//! `/` (`/old` -> `/old/`), so it names the folder its redirect page is
//! written into. Invariant: a kept alias is a path inside the output
//! folder (`old/index.html` or `old.html`), never outside it.
//! Collisions (with a live page, another alias, the item itself) need the
//! whole site; `output::jobs::check_aliases` reports them.

use crate::yaml::{Node, Reader, Value};

/// Reads `aliases` from `node`: (alias, line, column) for each good one.
pub fn read(r: &mut Reader, node: &Node) -> Vec<(String, u32, u32)> {
    let Some(v) = node.get("aliases") else {
        return Vec::new();
    };
    let items: Vec<&Node> = match &v.value {
        Value::Null => Vec::new(),
        Value::Seq(items) => items.iter().collect(),
        _ => vec![v],
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let Some(text) = item.scalar_text() else {
            r.type_error("aliases", item, "a list of site paths like /old/path/");
            continue;
        };
        match normalise(&text) {
            Ok(alias) => {
                let line = u32::try_from(item.line + r.line_offset).unwrap_or(u32::MAX);
                out.push((alias, line, u32::try_from(item.col).unwrap_or(u32::MAX)));
            }
            Err(why) => r.error(
                "ALS001",
                item.line,
                item.col,
                format!("the alias '{text}' {why}"),
                Some("write the old address as a path on this site, like /jokes/old-slug/".into()),
            ),
        }
    }
    out
}

/// The normal form of an alias, or why it has none.
pub fn normalise(text: &str) -> Result<String, &'static str> {
    let t = text.trim();
    if t.contains("://") || t.starts_with("//") {
        return Err("is a full address; an alias is a path on this site");
    }
    if !t.starts_with('/') {
        return Err("does not start with '/'");
    }
    if t.chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '\\' | '?' | '#' | '%' | '"' | '<' | '>' | '\''))
    {
        return Err("has a space, a control character, a query, a fragment or a character a path may not have");
    }
    let inner = t.trim_start_matches('/').trim_end_matches('/');
    if inner.is_empty() {
        return Err("is the home page, which is always a live page");
    }
    for seg in inner.split('/') {
        if seg.is_empty() || seg == "." || seg == ".." {
            return Err("has an empty, '.' or '..' segment");
        }
        if seg.len() > crate::content::MAX_SLUG {
            return Err("has a segment longer than a folder name may be");
        }
    }
    let last = inner.rsplit('/').next().unwrap_or(inner);
    let is_file = !t.ends_with('/') && (last.ends_with(".html") || last.ends_with(".htm"));
    Ok(if is_file {
        format!("/{inner}")
    } else {
        format!("/{inner}/")
    })
}

/// The output file of the redirect page at `alias` (a normal form).
pub fn output_path(alias: &str) -> String {
    let rel = alias.trim_start_matches('/');
    if alias.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_forms() {
        assert_eq!(normalise("/old").unwrap(), "/old/");
        assert_eq!(normalise("/a/b/").unwrap(), "/a/b/");
        assert_eq!(normalise("/a//").unwrap(), "/a/");
        assert_eq!(normalise("/old.html").unwrap(), "/old.html");
        assert_eq!(output_path("/a/b/"), "a/b/index.html");
        assert_eq!(output_path("/old.html"), "old.html");
        for bad in [
            "old/",
            "https://e.com/x/",
            "//e.com/x/",
            "/a/../b/",
            "/a/./b/",
            "/a//b/",
            "/",
            "/a b/",
            "/a?x=1",
            "/a#top",
            "/a\\b/",
            "javascript:alert(1)",
        ] {
            assert!(normalise(bad).is_err(), "{bad}");
        }
    }
}
