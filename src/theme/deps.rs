//! Which templates a template pulls in (`extends`, `include`, `import`), so
//! that a change to one template re-renders exactly the pages whose
//! template reaches it.
//!
//! Names are read from the tags' string literals in every quoting form
//! tera's grammar accepts: `"..."`, `'...'` and `` `...` ``.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};

/// The template names a template's text refers to directly.
pub fn references(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let uncommented = strip_comments(text);
    let mut rest = uncommented.as_str();
    while let Some(start) = rest.find("{%") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("%}") else { break };
        let tag = after[..end].trim_matches(|c: char| c == '-' || c.is_whitespace());
        let keyword = tag.split_whitespace().next().unwrap_or("");
        if matches!(keyword, "extends" | "include" | "import") {
            // `import "m.html" as m` names one file; `include ["a", "b"]` several.
            for name in literals(&tag[keyword.len()..]) {
                out.push(name.to_string());
                if keyword != "include" {
                    break;
                }
            }
        }
        rest = &after[end + 2..];
    }
    out
}

/// The string literals of a tag, in order, whichever quotes each uses.
fn literals(tag: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = tag.chars();
    while let Some(c) = chars.next() {
        if matches!(c, '"' | '\'' | '`') {
            let lit: String = chars.by_ref().take_while(|&d| d != c).collect();
            out.push(lit);
        }
    }
    out
}

/// The text without `{# ... #}` comments (which may quote tags).
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{#") {
        out.push_str(&rest[..start]);
        match rest[start..].find("#}") {
            Some(end) => rest = &rest[start + end + 2..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

/// For each template, a hash of its own text and of every template it
/// reaches, transitively.
pub fn closure_hashes(sources: &BTreeMap<String, String>) -> BTreeMap<String, u64> {
    let refs: BTreeMap<&str, Vec<String>> = sources.iter().map(|(n, t)| (n.as_str(), references(t))).collect();
    sources
        .keys()
        .map(|name| {
            let mut seen = BTreeSet::new();
            let mut stack = vec![name.as_str()];
            while let Some(n) = stack.pop() {
                if seen.insert(n) {
                    stack.extend(refs.get(n).into_iter().flatten().map(String::as_str));
                }
            }
            let mut h = std::hash::DefaultHasher::new();
            for n in seen {
                n.hash(&mut h);
                sources.get(n).hash(&mut h);
            }
            (name.clone(), h.finish())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_extends_include_import() {
        let t = r#"{# {% include "commented.html" %} #}{% extends "base.html" %}{% import "macros.html" as m %}
{%- include "partials/a.html" -%}{% include ["x.html", "y.html"] ignore missing %}{{ "{% include" }}"#;
        assert_eq!(
            references(t),
            vec!["base.html", "macros.html", "partials/a.html", "x.html", "y.html"]
        );
    }

    #[test]
    fn every_quoting_form_tera_accepts() {
        for (form, t) in [
            ("double", r#"{% include "p.html" %}"#),
            ("single", "{% include 'p.html' %}"),
            ("backtick", "{% include `p.html` %}"),
            ("single extends", "{% extends 'p.html' %}"),
            ("backtick import", "{% import `p.html` as m %}"),
            ("trimmed single", "{%- include 'p.html' -%}"),
        ] {
            assert_eq!(references(t), vec!["p.html"], "{form}");
        }
        assert_eq!(
            references(r#"{% include ['a.html', "b.html", `c.html`] ignore missing %}"#),
            vec!["a.html", "b.html", "c.html"]
        );
    }

    #[test]
    fn a_change_reaches_only_the_templates_that_use_it() {
        let mut src: BTreeMap<String, String> = [
            ("base.html", "{% include \"p.html\" %}"),
            ("p.html", "P"),
            ("joke.html", "{% extends \"base.html\" %}"),
            ("other.html", "alone"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let before = closure_hashes(&src);
        src.insert("p.html".into(), "P2".into());
        let after = closure_hashes(&src);
        assert_ne!(before["joke.html"], after["joke.html"]);
        assert_ne!(before["base.html"], after["base.html"]);
        assert_eq!(before["other.html"], after["other.html"]);
    }
}
