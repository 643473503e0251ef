//! Shortcodes: theme-made blocks a Markdown author can place without HTML.
//!
//! Input: a Markdown body. Output: the body with each shortcode replaced by
//! a placeholder, and the calls (name, arguments, inner Markdown, line).
//! The theme renders the calls later (`theme::Theme::expand_shortcodes`), so
//! this stage stays free of templates. Two forms, each on lines of its own
//! and never inside fenced code:
//!
//! ```text
//! {{ banner(image="/images/ad.png", link="https://example.com", alt="Our sponsor") }}
//!
//! {% quote(author="Groucho Marx") %}
//! Outside of a dog, a book is man's best friend.
//! {% end %}
//! ```

use crate::diagnostic::Diagnostic;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// An argument value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(untagged)]
pub enum Arg {
    /// `"text"`
    Text(String),
    /// `42`
    Int(i64),
    /// `true` / `false`
    Bool(bool),
}

/// One shortcode in a body.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Call {
    /// The template: `shortcodes/<name>.html`.
    pub name: String,
    /// Named arguments.
    pub args: BTreeMap<String, Arg>,
    /// The Markdown between `{% name() %}` and `{% end %}` (empty for `{{ }}`).
    pub body: String,
    /// File line of the call.
    pub line: usize,
}

/// The placeholder that stands for call `n` in the rendered HTML.
pub fn placeholder(n: usize) -> String {
    format!("<!--punchline:shortcode:{n}-->")
}

/// Replaces every shortcode with a placeholder line. Returns the new body
/// and the calls; malformed calls are diagnostics and stay as text.
pub fn extract(body: &str, body_line: usize, path: &Path) -> (String, Vec<Call>, Vec<Diagnostic>) {
    if !body.contains("{{") && !body.contains("{%") {
        return (body.to_string(), Vec::new(), Vec::new());
    }
    let mut out = String::with_capacity(body.len());
    let mut calls = Vec::new();
    let mut diags = Vec::new();
    let mut fence: Option<String> = None;
    let mut open: Option<(Call, String)> = None;
    for (i, raw) in body.split_inclusive('\n').enumerate() {
        let line = raw.trim();
        let at = body_line + i;
        if let Some((call, inner)) = &mut open {
            if line == "{% end %}" {
                let (mut call, inner) = open.take().expect("matched Some");
                // One placeholder line, then blank lines: later lines keep their numbers.
                let lines = inner.matches('\n').count() + 1;
                call.body = inner;
                out.push_str(&placeholder(calls.len()));
                out.push_str(&"\n".repeat(lines + 1));
                calls.push(call);
            } else {
                let _ = call;
                inner.push_str(raw);
            }
            continue;
        }
        if let Some(f) = &fence {
            if line.starts_with(f.as_str()) {
                fence = None;
            }
            out.push_str(raw);
            continue;
        }
        if line.starts_with("```") || line.starts_with("~~~") {
            fence = Some(line[..3].to_string());
            out.push_str(raw);
            continue;
        }
        let parsed = if let Some(inner) = line.strip_prefix("{{").and_then(|l| l.strip_suffix("}}")) {
            Some((inner, false))
        } else {
            line.strip_prefix("{%")
                .and_then(|l| l.strip_suffix("%}"))
                .filter(|l| l.trim() != "end")
                .map(|inner| (inner, true))
        };
        let Some((inner, has_body)) = parsed else {
            out.push_str(raw);
            continue;
        };
        match parse_call(inner.trim()) {
            Ok((name, args)) => {
                let call = Call {
                    name,
                    args,
                    body: String::new(),
                    line: at,
                };
                if has_body {
                    open = Some((call, String::new()));
                } else {
                    // An HTML comment starts an HTML block even inside a
                    // paragraph, so the placeholder needs no blank lines.
                    out.push_str(&placeholder(calls.len()));
                    out.push('\n');
                    calls.push(call);
                }
            }
            Err(msg) => {
                diags.push(
                    Diagnostic::error("SC001", path, format!("malformed shortcode: {msg}"))
                        .at(at, raw.find(['{']).map_or(0, |c| c + 1))
                        .help("write {{ name(key=\"value\", n=3) }} on a line of its own"),
                );
                out.push_str(raw);
            }
        }
    }
    if let Some((call, _)) = open {
        diags.push(
            Diagnostic::error("SC001", path, format!("shortcode '{}' is never closed", call.name))
                .at(call.line, 0)
                .help("end it with a line {% end %}"),
        );
    }
    (out, calls, diags)
}

/// Parses `name(key="v", n=1, flag=true)`.
fn parse_call(s: &str) -> Result<(String, BTreeMap<String, Arg>), String> {
    let open = s.find('(').ok_or("expected '(' after the name")?;
    let name = s[..open].trim();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        return Err(format!("'{name}' is not a shortcode name"));
    }
    let rest = s[open + 1..].strip_suffix(')').ok_or("expected ')' at the end")?;
    let mut args = BTreeMap::new();
    let mut chars = rest.char_indices().peekable();
    loop {
        while chars.next_if(|(_, c)| c.is_whitespace() || *c == ',').is_some() {}
        let Some(&(start, _)) = chars.peek() else { break };
        while chars.next_if(|(_, c)| c.is_ascii_alphanumeric() || *c == '_').is_some() {}
        let end = chars.peek().map_or(rest.len(), |&(i, _)| i);
        let key = &rest[start..end];
        while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
        if key.is_empty() || chars.next().map(|(_, c)| c) != Some('=') {
            return Err(format!("expected key=value, found '{}'", &rest[start..]));
        }
        while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
        let value = match chars.peek().map(|&(_, c)| c) {
            Some('"') => {
                chars.next();
                let mut text = String::new();
                loop {
                    match chars.next() {
                        Some((_, '\\')) => text.extend(chars.next().map(|(_, c)| c)),
                        Some((_, '"')) => break,
                        Some((_, c)) => text.push(c),
                        None => return Err(format!("the value of '{key}' has no closing quote")),
                    }
                }
                Arg::Text(text)
            }
            _ => {
                let vstart = chars.peek().map_or(rest.len(), |&(i, _)| i);
                while chars.next_if(|(_, c)| !c.is_whitespace() && *c != ',').is_some() {}
                let vend = chars.peek().map_or(rest.len(), |&(i, _)| i);
                match &rest[vstart..vend] {
                    "true" => Arg::Bool(true),
                    "false" => Arg::Bool(false),
                    v => Arg::Int(
                        v.parse()
                            .map_err(|_| format!("the value of '{key}' must be \"text\", a number, true or false"))?,
                    ),
                }
            }
        };
        if args.insert(key.to_string(), value).is_some() {
            return Err(format!("'{key}' is given twice"));
        }
    }
    Ok((name.to_string(), args))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_both_forms_outside_code() {
        let body = "Intro.\n\n{{ banner(image=\"/a.png\", alt=\"An \\\"ad\\\"\", width=300, wide=true) }}\n\n```\n{{ not(a=\"call\") }}\n```\n{% quote(author=\"Groucho\") %}\nA *book*.\n{% end %}\nEnd.\n";
        let (out, calls, d) = extract(body, 10, Path::new("x.md"));
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].name, "banner");
        assert_eq!(calls[0].line, 12);
        assert_eq!(calls[0].args["alt"], Arg::Text("An \"ad\"".into()));
        assert_eq!(calls[0].args["width"], Arg::Int(300));
        assert_eq!(calls[0].args["wide"], Arg::Bool(true));
        assert_eq!(calls[1].name, "quote");
        assert_eq!(calls[1].body, "A *book*.\n");
        assert!(out.contains(&placeholder(0)) && out.contains(&placeholder(1)));
        assert!(
            out.contains("{{ not(a=\"call\") }}"),
            "code blocks are left alone: {out}"
        );
        assert!(!out.contains("Groucho"));
        assert_eq!(out.lines().count(), body.lines().count(), "lines keep their numbers");
    }

    #[test]
    fn malformed_calls_are_located() {
        let (_, calls, d) = extract(
            "a\n{{ banner(image=/a.png) }}\n{% quote() %}\nnever closed\n",
            5,
            Path::new("x.md"),
        );
        assert!(calls.is_empty());
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!((d[0].code, d[0].line), ("SC001", 6));
        assert!(d[1].message.contains("never closed"));
    }
}
