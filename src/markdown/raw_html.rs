//! The raw HTML a body carries, as the Markdown stage sees it.
//!
//! Input: a Markdown body and the file line it starts on. Output: every raw
//! HTML fragment (each `Html` or `InlineHtml` event of pulldown-cmark, in the
//! body and inside shortcode bodies) with its file line and column.
//! Invariant: the parse is the one [`super::render`] makes (same options,
//! shortcodes taken out the same way), so what is listed here is exactly
//! what the build keeps for a member with `raw_html` and escapes for others.
//! Only the placeholders the shortcode stage itself puts in are left out,
//! and the `<!-- more -->` summary marker, which never reaches the output.
//!
//! `check --since` compares the fragments of a file before and after each
//! commit: raw HTML is the committer's authority, not the `author:` field's.

use super::shortcodes;
use pulldown_cmark::{Event, Options, Parser};
use std::collections::HashMap;
use std::path::Path;

/// One piece of raw HTML in a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fragment {
    /// The HTML, trimmed of surrounding whitespace.
    pub html: String,
    /// 1-based file line.
    pub line: usize,
    /// 1-based column (in characters).
    pub col: usize,
}

/// Every raw HTML fragment of `body`, in source order (shortcode bodies
/// after the body, like the renderer takes them).
pub fn fragments(body: &str, body_line: usize) -> Vec<Fragment> {
    let x = shortcodes::extract(body, body_line, Path::new(""));
    let mut out = Vec::new();
    scan(&x.body, body_line, &x.placeholders, &mut out);
    for call in &x.calls {
        scan(&call.body, call.line + 1, &[], &mut out);
    }
    out
}

/// The fragments of `new` that `old` does not have (counted: a fragment
/// written twice where it was once is one added), in order.
pub fn added<'n>(old: &[Fragment], new: &'n [Fragment]) -> Vec<&'n Fragment> {
    let mut have: HashMap<&str, usize> = HashMap::new();
    for f in old {
        *have.entry(f.html.as_str()).or_default() += 1;
    }
    new.iter()
        .filter(|f| match have.get_mut(f.html.as_str()) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .collect()
}

/// The options [`super::render`] parses with: HTML is recognised the same way.
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
}

/// Adds the fragments of `text` (which starts on file line `first_line`),
/// skipping the shortcode stage's own placeholders, which stand at the byte
/// offsets `ours` (the renderer's rule: the same text typed elsewhere by an
/// author is HTML like any other).
fn scan(text: &str, first_line: usize, ours: &[usize], out: &mut Vec<Fragment>) {
    if !text.contains('<') {
        return;
    }
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        let (Event::Html(h) | Event::InlineHtml(h)) = event else {
            continue;
        };
        let html = h.trim();
        let placeholder = ours.binary_search(&range.start).is_ok() && html.starts_with("<!--punchline:shortcode:");
        if html.is_empty() || html == "<!-- more -->" || placeholder {
            continue;
        }
        let before = &text[..range.start];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        out.push(Fragment {
            html: html.to_string(),
            line: first_line + before.matches('\n').count(),
            col: text[line_start..range.start].chars().count() + 1,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(body: &str) -> Vec<(String, usize, usize)> {
        fragments(body, 10)
            .into_iter()
            .map(|f| (f.html, f.line, f.col))
            .collect()
    }

    #[test]
    fn finds_blocks_inline_html_and_shortcode_bodies() {
        let body = "Plain *text*.\n\nSay <b>hi</b> now.\n\n<script>x()</script>\n\n{% quote(author=\"G\") %}\nA <i>dog</i>.\n{% end %}\n\n{{ banner(alt=\"x\") }}\n<!-- more -->\n";
        assert_eq!(
            html(body),
            [
                ("<b>".to_string(), 12, 5),
                ("</b>".to_string(), 12, 10),
                ("<script>x()</script>".to_string(), 14, 1),
                ("<i>".to_string(), 17, 3),
                ("</i>".to_string(), 17, 9),
            ]
        );
    }

    #[test]
    fn code_and_text_are_not_html_and_fake_placeholders_are() {
        assert!(html("`<b>` and\n\n    <script>\n\n```\n<i>\n```\n1 < 2\n").is_empty());
        let fake = "<!--punchline:shortcode:0--><script>x()</script>\n";
        assert_eq!(html(fake).len(), 1);
    }

    #[test]
    fn added_counts_fragments() {
        let old = fragments("<b>x</b>\n", 1);
        let new = fragments("<b>x</b> and <b>y</b>\n\n<div>\nz\n</div>\n", 1);
        let got: Vec<&str> = added(&old, &new).iter().map(|f| f.html.as_str()).collect();
        // Text inside an HTML block is part of the raw HTML.
        assert_eq!(got, ["<b>", "</b>", "<div>", "z", "</div>"]);
        assert!(added(&new, &old).is_empty());
    }
}
