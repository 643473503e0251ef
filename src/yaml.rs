//! A YAML tree that remembers where every key and value came from.
//!
//! Input: YAML text (front matter, site.yaml, roles.yaml). Output: a [`Node`]
//! tree in which every key and value carries its 1-based line and column.
//!
//! Why not deserialize straight into typed structs: serde stops at the first
//! problem, and a user fixing a file wants every unknown key, wrong type and
//! bad value reported at once, each at its own line. So files are parsed once
//! into this tree (from granit-parser, serde-saphyr's event parser, which
//! keeps locations), and the typed conversions in `content` and `config` walk it,
//! collecting diagnostics.

use crate::clock::When;
use crate::diagnostic::{did_you_mean, Diagnostic};
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
    /// What the parser said.
    pub message: String,
    /// 1-based line (0 when unknown).
    pub line: usize,
    /// 1-based column (0 when unknown).
    pub col: usize,
}

/// Parses YAML text into a located tree. Empty text gives a `Null` node.
///
/// Reads granit-parser's events (serde-saphyr's parser) directly: building the
/// tree from events is three times faster than going through serde, and
/// the front matter of every file is parsed on every build. Plain scalars
/// are typed by YAML 1.2's core schema (so `no` and `n` stay text), quoted
/// ones are text, and a duplicate key is an error.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    use granit_parser::{Event, Parser, ScalarStyle};
    let mut b = TreeBuilder::default();
    let mut documents = 0;
    for item in Parser::new_from_str(text) {
        let (event, span) = item.map_err(|e| SyntaxError {
            message: e.info(),
            line: e.marker().line(),
            col: e.marker().col() + 1,
        })?;
        let (line, col) = (span.start.line(), span.start.col() + 1);
        match event {
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return Err(SyntaxError {
                        message: "only one YAML document is allowed here".into(),
                        line,
                        col,
                    });
                }
            }
            Event::Scalar(v, style, anchor, tag) => {
                let as_text =
                    style != ScalarStyle::Plain || tag.as_ref().is_some_and(|t| t.is_yaml_core_schema_tag("str"));
                let value = if as_text {
                    Value::Str(v.into_owned())
                } else {
                    resolve_plain(&v)
                };
                b.value(Node { value, line, col }, anchor)?;
            }
            Event::SequenceStart(_, anchor, _) => b.open(Value::Seq(Vec::new()), line, col, anchor),
            Event::MappingStart(_, anchor, _) => b.open(Value::Map(Vec::new()), line, col, anchor),
            Event::SequenceEnd | Event::MappingEnd => b.close()?,
            Event::Alias(id) => {
                let node = b.anchors.get(&id).cloned().ok_or(SyntaxError {
                    message: "unknown alias".into(),
                    line,
                    col,
                })?;
                b.value(Node { line, col, ..node }, 0)?;
            }
            _ => {}
        }
    }
    Ok(b.root.unwrap_or(Node {
        value: Value::Null,
        line: 1,
        col: 1,
    }))
}

/// Builds a [`Node`] tree from parser events.
#[derive(Default)]
struct TreeBuilder {
    /// Open collections: the node, its anchor, and (for mappings) the key
    /// waiting for its value.
    stack: Vec<(Node, usize, Option<Key>)>,
    anchors: std::collections::HashMap<usize, Node>,
    root: Option<Node>,
}

impl TreeBuilder {
    fn open(&mut self, value: Value, line: usize, col: usize, anchor: usize) {
        self.stack.push((Node { value, line, col }, anchor, None));
    }

    fn close(&mut self) -> Result<(), SyntaxError> {
        let (node, anchor, _) = self.stack.pop().expect("the parser balances start and end events");
        self.value(node, anchor)
    }

    /// Places a finished node: as the root, a list item, a mapping key, or
    /// the value of the pending key.
    fn value(&mut self, node: Node, anchor: usize) -> Result<(), SyntaxError> {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        let Some((parent, _, pending)) = self.stack.last_mut() else {
            self.root = Some(node);
            return Ok(());
        };
        match &mut parent.value {
            Value::Seq(items) => items.push(node),
            Value::Map(entries) => match pending.take() {
                Some(key) => entries.push((key, node)),
                None => {
                    let text = node
                        .scalar_text()
                        .or_else(|| node.is_null().then(|| "null".to_string()));
                    let (line, col) = (node.line, node.col);
                    let name = text.ok_or(SyntaxError {
                        message: "a mapping key must be plain text".into(),
                        line,
                        col,
                    })?;
                    if entries.iter().any(|(k, _)| k.name == name) {
                        return Err(SyntaxError {
                            message: format!("duplicate mapping key `{name}`"),
                            line,
                            col,
                        });
                    }
                    *pending = Some(Key { name, line, col });
                }
            },
            _ => unreachable!("only collections are pushed"),
        }
        Ok(())
    }
}

/// Types a plain scalar by the YAML 1.2 core schema.
fn resolve_plain(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(i) = s.parse::<i64>() {
            return Value::Int(i);
        }
    }
    let radix = [("0x", 16), ("0o", 8)]
        .into_iter()
        .find_map(|(p, r)| s.strip_prefix(p).map(|d| (d, r)));
    if let Some(Ok(i)) = radix.map(|(d, r)| i64::from_str_radix(d, r)) {
        return Value::Int(i);
    }
    let looks_float = digits.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && digits.bytes().any(|b| b.is_ascii_digit());
    if looks_float {
        if let Ok(f) = s.parse::<f64>() {
            return Value::Float(f);
        }
    }
    match digits {
        ".inf" | ".Inf" | ".INF" => Value::Float(if s.starts_with('-') {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        }),
        ".nan" | ".NaN" | ".NAN" if digits == s => Value::Float(f64::NAN),
        _ => Value::Str(s.to_string()),
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
