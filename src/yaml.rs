//! A YAML tree that remembers where every key and value came from.
//!
//! Input: YAML text (front matter, site.yaml, roles.yaml). Output: a [`Node`]
//! tree in which every key and value carries its 1-based line and column.
//!
//! Why not deserialize straight into typed structs: serde stops at the first
//! problem, and a user fixing a file wants every unknown key, wrong type and
//! bad value reported at once, each at its own line. So files are parsed once
//! into this tree (by serde-saphyr, which keeps locations), and the typed
//! conversions in `content` and `config` walk it, collecting diagnostics.

use crate::clock::When;
use crate::diagnostic::{did_you_mean, Diagnostic};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;
use std::path::Path;

/// A value with its position (1-based; line 0 means "not known").
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// 1-based line in the parsed text.
    pub line: usize,
    /// 1-based column in the parsed text.
    pub col: usize,
}

/// A mapping key with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    /// The key as text (numbers and booleans are turned into text).
    pub name: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub col: usize,
}

/// The YAML data model, mappings kept in source order.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `~`, `null` or nothing.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string (dates are strings too: YAML 1.2 has no timestamp type).
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in source order.
    Map(Vec<(Key, Node)>),
}

/// A YAML syntax error, located in the parsed text.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    /// What the parser said, without its location suffix.
    pub message: String,
    /// 1-based line (0 when unknown).
    pub line: usize,
    /// 1-based column (0 when unknown).
    pub col: usize,
}

/// Parses YAML text into a located tree. Empty text gives a `Null` node.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    if text.trim().is_empty() {
        return Ok(Node {
            value: Value::Null,
            line: 1,
            col: 1,
        });
    }
    // YAML 1.2 booleans only: with 1.1 rules a key `n:` or a tag `no` would
    // silently turn into `false`. Duplicate keys are an error, not "last wins".
    let options = serde_saphyr::options! {
        strict_booleans: true,
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::Error,
    };
    serde_saphyr::from_str_with_options::<Node>(text, options).map_err(|e| {
        let (line, col) = e
            .location()
            .map(|l| (l.line() as usize, l.column() as usize))
            .unwrap_or((0, 0));
        let raw = e.render_with_formatter(&serde_saphyr::UserMessageFormatter);
        SyntaxError {
            message: strip_location_suffix(&raw).to_string(),
            line,
            col,
        }
    })
}

/// The parser appends " at line N, column M"; diagnostics carry the position
/// themselves (offset to the real file), so the suffix would only mislead.
fn strip_location_suffix(msg: &str) -> &str {
    let mut first = msg.lines().next().unwrap_or(msg);
    first = first.strip_prefix("error: ").unwrap_or(first);
    if first.starts_with("line ") {
        if let Some(i) = first.find(": ") {
            first = &first[i + 2..];
        }
    }
    match first.rfind(" at line ") {
        Some(i) => &first[..i],
        None => first,
    }
}

impl Node {
    /// The mapping entries, if this is a mapping.
    pub fn as_map(&self) -> Option<&[(Key, Node)]> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The value under `key`, if this is a mapping that has it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?.iter().find(|(k, _)| k.name == key).map(|(_, v)| v)
    }

    /// The key entry named `key` (for its position).
    pub fn key(&self, key: &str) -> Option<&Key> {
        self.as_map()?.iter().find(|(k, _)| k.name == key).map(|(k, _)| k)
    }

    /// The string, if this is a string, or a scalar that reads as one.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Whether this is `Null`.
    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// A short name of this node's type, for "expected a list, found ..." messages.
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "nothing",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "a number",
            Value::Float(_) => "a number",
            Value::Str(_) => "text",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    /// A scalar rendered as text (numbers and booleans included).
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Spanned::<Value>::deserialize(d)?;
        Ok(Node {
            value: s.value,
            line: s.referenced.line() as usize,
            col: s.referenced.column() as usize,
        })
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        i64::try_from(v)
            .map(Value::Int)
            .map_err(|_| E::custom("integer too large"))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(n) = seq.next_element::<Node>()? {
            items.push(n);
        }
        Ok(Value::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(k) = map.next_key::<Spanned<KeyText>>()? {
            let v = map.next_value::<Node>()?;
            entries.push((
                Key {
                    name: k.value.0,
                    line: k.referenced.line() as usize,
                    col: k.referenced.column() as usize,
                },
                v,
            ));
        }
        Ok(Value::Map(entries))
    }
}

/// A mapping key: any scalar, read as text.
struct KeyText(String);

impl<'de> Deserialize<'de> for KeyText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::Str(s) => Ok(KeyText(s)),
            Value::Int(i) => Ok(KeyText(i.to_string())),
            Value::Bool(b) => Ok(KeyText(b.to_string())),
            Value::Float(f) => Ok(KeyText(f.to_string())),
            Value::Null => Ok(KeyText("null".into())),
            _ => Err(de::Error::custom("a mapping key must be plain text")),
        }
    }
}

/// Typed reading of a [`Node`] tree that collects diagnostics instead of
/// stopping at the first problem. Positions are shifted by `line_offset` so
/// they point into the real file (front matter starts on the file's line 2).
pub struct Reader<'a> {
    /// The file being read, for diagnostics.
    pub path: &'a Path,
    /// Lines before the YAML text in the file.
    pub line_offset: usize,
    /// Where problems go.
    pub diags: &'a mut Vec<Diagnostic>,
}

impl Reader<'_> {
    /// Records an error located at `line`/`col` of the YAML text.
    pub fn error(&mut self, code: &'static str, line: usize, col: usize, msg: String, help: Option<String>) {
        let mut d = Diagnostic::error(code, self.path, msg).at(line + self.line_offset, col);
        d.help = help;
        self.diags.push(d);
    }

    /// Records a warning located at `line`/`col` of the YAML text.
    pub fn warning(&mut self, code: &'static str, line: usize, col: usize, msg: String, help: Option<String>) {
        let mut d = Diagnostic::warning(code, self.path, msg).at(line + self.line_offset, col);
        d.help = help;
        self.diags.push(d);
    }

    /// Reports every key of `node` not in `allowed`, with a did-you-mean.
    /// `what` names the block ("front matter", "seo") for the message.
    pub fn check_keys(&mut self, node: &Node, allowed: &[&str], what: &str) {
        let Some(map) = node.as_map() else { return };
        for (k, _) in map {
            if allowed.contains(&k.name.as_str()) {
                continue;
            }
            let help = match did_you_mean(&k.name, allowed.iter().copied()) {
                Some(s) => format!("did you mean '{s}'?"),
                None => format!("known fields: {}", allowed.join(", ")),
            };
            self.error(
                "FM003",
                k.line,
                k.col,
                format!("unknown field '{}' in {what}", k.name),
                Some(help),
            );
        }
    }

    /// Expects a mapping (or nothing). Reports anything else.
    pub fn map<'n>(&mut self, parent: &'n Node, key: &str) -> Option<&'n Node> {
        let v = parent.get(key)?;
        match v.value {
            Value::Map(_) => Some(v),
            Value::Null => None,
            _ => {
                self.type_error(key, v, "a mapping (key: value lines)");
                None
            }
        }
    }

    /// An optional text field. Numbers and booleans are accepted as text.
    pub fn string(&mut self, parent: &Node, key: &str) -> Option<String> {
        let v = parent.get(key)?;
        if v.is_null() {
            return None;
        }
        match v.scalar_text() {
            Some(s) => Some(s),
            None => {
                self.type_error(key, v, "text");
                None
            }
        }
    }

    /// A required text field: reports its absence at the block's first line.
    pub fn required_string(&mut self, parent: &Node, key: &str, what: &str) -> Option<String> {
        let s = self.string(parent, key);
        if s.is_none() && parent.get(key).is_none_or(Node::is_null) {
            self.error(
                "FM004",
                parent.line.max(1),
                0,
                format!("missing required field '{key}' in {what}"),
                Some(format!("add a line '{key}: ...'")),
            );
        }
        s
    }

    /// An optional list of texts; a single text is taken as a one-item list.
    pub fn string_list(&mut self, parent: &Node, key: &str) -> Vec<String> {
        let Some(v) = parent.get(key) else { return Vec::new() };
        match &v.value {
            Value::Null => Vec::new(),
            Value::Seq(items) => items
                .iter()
                .filter_map(|n| match n.scalar_text() {
                    Some(s) => Some(s),
                    None => {
                        self.type_error(key, n, "text items");
                        None
                    }
                })
                .collect(),
            _ => match v.scalar_text() {
                Some(s) => vec![s],
                None => {
                    self.type_error(key, v, "a list such as [a, b]");
                    Vec::new()
                }
            },
        }
    }

    /// An optional boolean.
    pub fn boolean(&mut self, parent: &Node, key: &str) -> Option<bool> {
        let v = parent.get(key)?;
        match v.value {
            Value::Bool(b) => Some(b),
            Value::Null => None,
            _ => {
                self.type_error(key, v, "true or false");
                None
            }
        }
    }

    /// An optional non-negative integer.
    pub fn uint(&mut self, parent: &Node, key: &str) -> Option<u64> {
        let v = parent.get(key)?;
        match v.value {
            Value::Int(i) if i >= 0 => Some(i as u64),
            Value::Null => None,
            _ => {
                self.type_error(key, v, "a whole number of 0 or more");
                None
            }
        }
    }

    /// An optional date or timestamp.
    pub fn when(&mut self, parent: &Node, key: &str) -> Option<When> {
        let text = self.string(parent, key)?;
        let v = parent.get(key)?;
        match When::parse(&text) {
            Some(w) => Some(w),
            None => {
                self.error(
                    "FM005",
                    v.line,
                    v.col,
                    format!("'{key}' is not a date: '{text}'"),
                    Some("write YYYY-MM-DD or an RFC 3339 time such as 2026-12-01T09:00:00Z".into()),
                );
                None
            }
        }
    }

    /// Reports that `key` holds the wrong kind of value.
    pub fn type_error(&mut self, key: &str, v: &Node, expected: &str) {
        self.error(
            "FM005",
            v.line,
            v.col,
            format!("'{key}' must be {expected}, found {}", v.type_name()),
            None,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_values_carry_positions() {
        let n = parse("title: Hello\ntags: [a, b]\nseo:\n  title: X\n").unwrap();
        let k = n.key("seo").unwrap();
        assert_eq!((k.line, k.col), (3, 1));
        let seo = n.get("seo").unwrap();
        let t = seo.key("title").unwrap();
        assert_eq!((t.line, t.col), (4, 3));
        assert_eq!(n.get("title").unwrap().as_str(), Some("Hello"));
        let tags = n.get("tags").unwrap();
        assert_eq!(tags.line, 2);
        match &tags.value {
            Value::Seq(items) => assert_eq!(items[1].as_str(), Some("b")),
            other => panic!("expected a list, got {other:?}"),
        }
    }

    #[test]
    fn dates_stay_text_and_numbers_are_numbers() {
        let n = parse("date: 2026-11-20\nn: 3\nb: true\nz: ~\n").unwrap();
        assert_eq!(n.get("date").unwrap().as_str(), Some("2026-11-20"));
        assert_eq!(n.get("n").unwrap().value, Value::Int(3));
        assert_eq!(n.get("b").unwrap().value, Value::Bool(true));
        assert!(n.get("z").unwrap().is_null());
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let e = parse("title: a\ntitle: b\n").unwrap_err();
        assert_eq!(e.line, 2, "{e:?}");
        assert!(e.message.starts_with("duplicate mapping key"), "{e:?}");
    }

    #[test]
    fn syntax_errors_are_located() {
        let e = parse("title: ok\ntags: [a, b\nx: 1\n").unwrap_err();
        assert!(e.line >= 2, "{e:?}");
        assert!(!e.message.contains(" at line "), "{e:?}");
    }
}
