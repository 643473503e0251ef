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
//!
//! Invariant: no text argument carries a URL the [`url_policy`] refuses. A
//! theme may place any argument in any attribute, so every text argument
//! that reads as such a URL is replaced by `#`, with a SEC002 warning at the
//! value. The work is linear in the body, whatever it holds.

use crate::diagnostic::{Capped, Diagnostic};
use crate::url_policy;
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
    /// 1-based column of the call's first `{` on that line.
    pub col: usize,
}

/// The placeholder that stands for call `n` in the rendered HTML.
pub fn placeholder(n: usize) -> String {
    format!("<!--punchline:shortcode:{n}-->")
}

/// A body with its shortcodes taken out.
#[derive(Debug, Default)]
pub struct Extracted {
    /// The body, a placeholder line in place of each call (every other
    /// line kept, so lines keep their numbers).
    pub body: String,
    /// The calls, in order.
    pub calls: Vec<Call>,
    /// Byte offset in `body` of each call's placeholder, ascending: only a
    /// placeholder found there is ours (an author may type the same text).
    pub placeholders: Vec<usize>,
    /// Malformed calls and refused arguments (a bounded number of each).
    pub diags: Capped,
}

/// Replaces every shortcode with a placeholder line. Malformed calls are
/// diagnostics and stay as text.
pub fn extract(body: &str, body_line: usize, path: &Path) -> Extracted {
    if !body.contains("{{") && !body.contains("{%") {
        return Extracted {
            body: body.to_string(),
            ..Extracted::default()
        };
    }
    let mut out = String::with_capacity(body.len());
    let mut calls = Vec::new();
    let mut placeholders = Vec::new();
    let mut diags = Capped::default();
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
                placeholders.push(out.len());
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
        let col = raw.find('{').map_or(1, |c| raw[..c].chars().count() + 1);
        // Where `inner.trim()` starts in `raw`, to locate each argument.
        let args_at = (raw.len() - raw.trim_start().len()) + 2 + (inner.len() - inner.trim_start().len());
        match parse_call(inner.trim()) {
            Ok((name, parsed)) => {
                let mut args = BTreeMap::new();
                for (key, (mut value, at_byte)) in parsed {
                    if let Arg::Text(text) = &value {
                        if url_policy::is_unsafe_anywhere(text) {
                            let vcol = raw[..args_at + at_byte].chars().count() + 1;
                            diags.push(url_policy::warning(path, at, vcol, text, "replaced by '#'"));
                            value = Arg::Text(url_policy::REPLACEMENT.to_string());
                        }
                    }
                    args.insert(key, value);
                }
                let call = Call {
                    name,
                    args,
                    body: String::new(),
                    line: at,
                    col,
                };
                if has_body {
                    open = Some((call, String::new()));
                } else {
                    // An HTML comment starts an HTML block even inside a
                    // paragraph, so the placeholder needs no blank lines.
                    placeholders.push(out.len());
                    out.push_str(&placeholder(calls.len()));
                    out.push('\n');
                    calls.push(call);
                }
            }
            Err(msg) => {
                diags.push(
                    Diagnostic::error("SC001", path, format!("malformed shortcode: {msg}"))
                        .at(at, col)
                        .help("write {{ name(key=\"value\", n=3) }} on a line of its own"),
                );
                out.push_str(raw);
            }
        }
    }
    if let Some((call, _)) = open {
        diags.push(
            Diagnostic::error("SC001", path, format!("shortcode '{}' is never closed", call.name))
                .at(call.line, call.col)
                .help("end it with a line {% end %}"),
        );
    }
    Extracted {
        body: out,
        calls,
        placeholders,
        diags,
    }
}

/// Parsed arguments: key -> (value, byte offset of the value in the call).
type Args = BTreeMap<String, (Arg, usize)>;

/// Parses `name(key="v", n=1, flag=true)`.
fn parse_call(s: &str) -> Result<(String, Args), String> {
    let open = s.find('(').ok_or("expected '(' after the name")?;
    let name = s[..open].trim();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        return Err(format!("'{}' is not a shortcode name", clip(name)));
    }
    let rest = s[open + 1..].strip_suffix(')').ok_or("expected ')' at the end")?;
    let base = open + 1;
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
            return Err(format!("expected key=value, found '{}'", clip(&rest[start..])));
        }
        while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
        let vstart = chars.peek().map_or(rest.len(), |&(i, _)| i);
        let value = match chars.peek().map(|&(_, c)| c) {
            Some('"') => {
                chars.next();
                let mut text = String::new();
                loop {
                    match chars.next() {
                        Some((_, '\\')) => text.extend(chars.next().map(|(_, c)| c)),
                        Some((_, '"')) => break,
                        Some((_, c)) => text.push(c),
                        None => return Err(format!("the value of '{}' has no closing quote", clip(key))),
                    }
                }
                Arg::Text(text)
            }
            _ => {
                while chars.next_if(|(_, c)| !c.is_whitespace() && *c != ',').is_some() {}
                let vend = chars.peek().map_or(rest.len(), |&(i, _)| i);
                match &rest[vstart..vend] {
                    "true" => Arg::Bool(true),
                    "false" => Arg::Bool(false),
                    v => Arg::Int(v.parse().map_err(|_| {
                        format!("the value of '{}' must be \"text\", a number, true or false", clip(key))
                    })?),
                }
            }
        };
        if args.insert(key.to_string(), (value, base + vstart)).is_some() {
            return Err(format!("'{}' is given twice", clip(key)));
        }
    }
    Ok((name.to_string(), args))
}

/// The start of `s` for a message: a line of a huge call stays readable.
fn clip(s: &str) -> String {
    match s.char_indices().nth(40) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_both_forms_outside_code() {
        let body = "Intro.\n\n{{ banner(image=\"/a.png\", alt=\"An \\\"ad\\\"\", width=300, wide=true) }}\n\n```\n{{ not(a=\"call\") }}\n```\n{% quote(author=\"Groucho\") %}\nA *book*.\n{% end %}\nEnd.\n";
        let Extracted {
            body: out,
            calls,
            placeholders,
            diags: d,
        } = extract(body, 10, Path::new("x.md"));
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].name, "banner");
        assert_eq!(calls[0].line, 12);
        assert_eq!(calls[0].args["alt"], Arg::Text("An \"ad\"".into()));
        assert_eq!(calls[0].args["width"], Arg::Int(300));
        assert_eq!(calls[0].args["wide"], Arg::Bool(true));
        assert_eq!(calls[1].name, "quote");
        assert_eq!(calls[1].body, "A *book*.\n");
        assert!(out[placeholders[0]..].starts_with(&placeholder(0)));
        assert!(out[placeholders[1]..].starts_with(&placeholder(1)));
        assert!(
            out.contains("{{ not(a=\"call\") }}"),
            "code blocks are left alone: {out}"
        );
        assert!(!out.contains("Groucho"));
        assert_eq!(out.lines().count(), body.lines().count(), "lines keep their numbers");
    }

    #[test]
    fn malformed_calls_are_located() {
        let x = extract(
            "a\n{{ banner(image=/a.png) }}\n  {% quote() %}\nnever closed\n",
            5,
            Path::new("x.md"),
        );
        assert!(x.calls.is_empty());
        let d = x.diags;
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!((d[0].code, d[0].line, d[0].col), ("SC001", 6, 1));
        assert_eq!((d[1].code, d[1].line, d[1].col), ("SC001", 7, 3));
        assert!(d[1].message.contains("never closed"));
    }

    #[test]
    fn script_urls_in_any_argument_are_replaced_at_their_column() {
        let body = "{{ banner(image=\"data:image/png;base64,AA\", link=\"&#106;avascript:alert(1)\") }}\n{{ anything(x=\"safe\", where = \"JAVA\tSCRIPT:x\", n=3) }}\n";
        let x = extract(body, 4, Path::new("x.md"));
        let at: Vec<(&str, usize, usize)> = x.diags.iter().map(|d| (d.code, d.line, d.col)).collect();
        assert_eq!(
            at,
            vec![("SEC002", 4, 50), ("SEC002", 5, 31)],
            "the opening quote of each value"
        );
        assert_eq!(x.calls[0].args["link"], Arg::Text("#".into()));
        assert_eq!(x.calls[0].args["image"], Arg::Text("data:image/png;base64,AA".into()));
        assert_eq!(x.calls[1].args["where"], Arg::Text("#".into()));
        assert_eq!(x.calls[1].args["x"], Arg::Text("safe".into()));
    }

    /// Inputs big enough that quadratic work would hang the test.
    #[test]
    fn hostile_bodies_stay_linear() {
        let p = Path::new("x.md");
        let unclosed = "{{\n{%\n{{ a(\n{% b( %}\n".repeat(25_000);
        let x = extract(&unclosed, 1, p);
        assert!(x.diags.iter().all(|d| d.code == "SC001"));
        let nested = "{% quote() %}\n".repeat(50_000) + &"{% end %}\n".repeat(50_000);
        let x = extract(&nested, 1, p);
        assert_eq!(x.calls.len(), 1);
        assert_eq!(x.calls[0].body.lines().count(), 49_999);
        let huge = format!(
            "{{{{ banner(link=\"{}\", alt=\"{}\") }}}}\n",
            "javascript:".repeat(200_000),
            "\\\"".repeat(500_000)
        );
        let x = extract(&huge, 1, p);
        assert_eq!(x.calls.len(), 1);
        assert_eq!(x.diags.len(), 1);
        assert!(x.diags[0].message.len() < 200, "{}", x.diags[0].message);
        let bad = format!("{{{{ banner({}) }}}}\n", "k".repeat(1_000_000));
        let x = extract(&bad, 1, p);
        assert!(x.diags[0].message.len() < 200, "{}", x.diags[0].message);
        let many = "{{ banner(link=\"/a/\") }}\n".repeat(50_000);
        let x = extract(&many, 1, p);
        assert_eq!(x.calls.len(), 50_000);
        assert_eq!(x.placeholders.len(), 50_000);
    }
}
