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

/// Why YAML text was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Not valid YAML (or a duplicate key, or more than one document).
    Syntax,
    /// Anchors and aliases would copy more than [`MAX_ALIAS_NODES`] values
    /// or [`MAX_ALIAS_BYTES`] bytes: a "billion laughs" file.
    Aliases,
    /// Collections nested deeper than [`MAX_DEPTH`].
    Depth,
    /// A mapping with more than [`MAX_KEYS`] keys.
    Keys,
    /// More than [`MAX_NODES`] keys and values in all.
    Nodes,
}

impl ErrorKind {
    /// What to do about it, for the diagnostic's help.
    pub fn help(self) -> &'static str {
        match self {
            ErrorKind::Syntax => "fix the YAML syntax here; text containing ':' or '#' needs quotes",
            ErrorKind::Aliases => "write the values out instead of repeating them with anchors (&) and aliases (*)",
            ErrorKind::Depth => "flatten the structure: settings and front matter need only a few levels",
            ErrorKind::Keys | ErrorKind::Nodes => "remove what is not needed; this is far more than any setting needs",
        }
    }
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
    /// Which kind of problem.
    pub kind: ErrorKind,
}

impl SyntaxError {
    fn new(kind: ErrorKind, message: String, line: usize, col: usize) -> Self {
        Self {
            message,
            line,
            col,
            kind,
        }
    }
}

/// The most values (keys, scalars and collections) that anchors and aliases
/// may copy in one file. Real files use a handful; a "billion laughs" file
/// of a few hundred bytes asks for billions, and is refused before any copy.
pub const MAX_ALIAS_NODES: usize = 10_000;
/// The most bytes of text that anchors and aliases may copy in one file.
pub const MAX_ALIAS_BYTES: usize = 1 << 20;
/// The most bytes of text that anchors may keep for their aliases (nested
/// anchors keep their values once per anchor around them).
const MAX_ANCHOR_BYTES: usize = 8 << 20;
/// The deepest nesting of lists and mappings. Settings need three or four
/// levels; the limit keeps every walk of the tree (and its drop) shallow.
pub const MAX_DEPTH: usize = 64;
/// The most keys in one mapping.
pub const MAX_KEYS: usize = 2_000;
/// The most keys and values in one file, alias copies included.
pub const MAX_NODES: usize = 200_000;

/// A parsed file, with the places where text was cleaned.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The tree.
    pub node: Node,
    /// Line and column (1-based) of each scalar from which characters that
    /// no page, feed or sitemap may carry were removed (see [`is_forbidden`]).
    pub stripped: Vec<(usize, usize)>,
}

/// Whether `c` may not appear in text that ends up in HTML, XML feeds and
/// sitemaps: C0 controls other than tab and line breaks, DEL, C1 controls
/// (but NEL), and the non-characters U+FFFE and U+FFFF.
pub fn is_forbidden(c: char) -> bool {
    matches!(c as u32, 0..=0x08 | 0x0B | 0x0C | 0x0E..=0x1F | 0x7F..=0x84 | 0x86..=0x9F | 0xFFFE | 0xFFFF)
}

/// Parses YAML text into a located tree. Empty text gives a `Null` node.
/// Characters no page may carry are removed silently; see [`parse_checked`].
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    parse_checked(text).map(|p| p.node)
}

/// Parses YAML text into a located tree, and says where text was cleaned.
///
/// Reads granit-parser's events (serde-saphyr's parser) directly: building the
/// tree from events is three times faster than going through serde, and
/// the front matter of every file is parsed on every build. Plain scalars
/// are typed by YAML 1.2's core schema (so `no` and `n` stay text), quoted
/// ones are text, and a duplicate key is an error.
///
/// Hostile input is refused, at the position of the cause, in time and memory
/// linear in the text: every copy an alias makes is counted before it is made
/// ([`MAX_ALIAS_NODES`]), and depth, keys per mapping and values are bounded.
pub fn parse_checked(text: &str) -> Result<Parsed, SyntaxError> {
    use granit_parser::{Event, Parser, ScalarStyle};
    let mut b = TreeBuilder::default();
    let mut documents = 0;
    let options = granit_parser::options! {
        flow_nesting_limit: MAX_DEPTH,
        block_nesting_limit: MAX_DEPTH,
    };
    for item in Parser::new_from_str_with_options(text, options) {
        let (event, span) = item.map_err(|e| {
            let (line, col) = (e.marker().line(), e.marker().col() + 1);
            match e.kind() {
                granit_parser::ErrorKind::RecursionLimitExceeded => {
                    SyntaxError::new(ErrorKind::Depth, depth_message(), line, col)
                }
                _ => SyntaxError::new(ErrorKind::Syntax, e.info(), line, col),
            }
        })?;
        let (line, col) = (span.start.line(), span.start.col() + 1);
        match event {
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    let msg = "only one YAML document is allowed here".into();
                    return Err(SyntaxError::new(ErrorKind::Syntax, msg, line, col));
                }
            }
            Event::Scalar(v, style, anchor, tag) => {
                let as_text =
                    style != ScalarStyle::Plain || tag.as_ref().is_some_and(|t| t.is_yaml_core_schema_tag("str"));
                let mut v = v.into_owned();
                if v.contains(is_forbidden) {
                    v.retain(|c| !is_forbidden(c));
                    b.stripped.push((line, col));
                }
                let cost = Cost {
                    nodes: 1,
                    bytes: v.len(),
                };
                b.count(1, line, col)?;
                let value = if as_text { Value::Str(v) } else { resolve_plain(&v) };
                b.value(Node { value, line, col }, anchor, cost)?;
            }
            Event::SequenceStart(_, anchor, _) => b.open(Value::Seq(Vec::new()), line, col, anchor)?,
            Event::MappingStart(_, anchor, _) => b.open(Value::Map(Vec::new()), line, col, anchor)?,
            Event::SequenceEnd | Event::MappingEnd => b.close()?,
            Event::Alias(id) => b.alias(id, line, col)?,
            _ => {}
        }
    }
    let node = b.root.unwrap_or(Node {
        value: Value::Null,
        line: 1,
        col: 1,
    });
    Ok(Parsed {
        node,
        stripped: b.stripped,
    })
}

fn depth_message() -> String {
    format!("lists and mappings are nested more than {MAX_DEPTH} deep")
}

/// The size of a subtree: what copying it costs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Cost {
    /// Keys, scalars and collections.
    nodes: usize,
    /// Bytes of text in keys and scalars.
    bytes: usize,
}

impl Cost {
    fn add(&mut self, other: Cost) {
        self.nodes = self.nodes.saturating_add(other.nodes);
        self.bytes = self.bytes.saturating_add(other.bytes);
    }
}

/// `used` plus `cost`, or what it would be, when over `max_nodes` or
/// `max_bytes`, as text for the message.
fn within(used: Cost, cost: Cost, max_nodes: usize, max_bytes: usize) -> Result<Cost, String> {
    let mut after = used;
    after.add(cost);
    if after.nodes > max_nodes {
        Err(format!("{} values, over the {max_nodes} allowed", after.nodes))
    } else if after.bytes > max_bytes {
        Err(format!("{} bytes of text, over the {max_bytes} allowed", after.bytes))
    } else {
        Ok(after)
    }
}

/// A collection being built.
struct Frame {
    node: Node,
    anchor: usize,
    /// For mappings: the key waiting for its value.
    pending: Option<Key>,
    /// Size of the subtree so far.
    cost: Cost,
    /// Keys seen, once a mapping is large enough that scanning its entries
    /// for a duplicate would make parsing quadratic.
    keys: Option<rustc_hash::FxHashSet<String>>,
}

/// Mappings with fewer keys are checked for duplicates by a scan.
const SCAN_KEYS: usize = 16;

/// Builds a [`Node`] tree from parser events.
#[derive(Default)]
struct TreeBuilder {
    /// Open collections, outermost first.
    stack: Vec<Frame>,
    /// Anchored values and their size.
    anchors: std::collections::HashMap<usize, (Node, Cost)>,
    root: Option<Node>,
    /// What aliases have copied so far.
    copied: Cost,
    /// What anchors have kept (copied) so far.
    anchored: Cost,
    /// Values in the tree so far, copies included.
    nodes: usize,
    /// Where text was cleaned.
    stripped: Vec<(usize, usize)>,
}

impl TreeBuilder {
    /// Counts `n` new values in the tree.
    fn count(&mut self, n: usize, line: usize, col: usize) -> Result<(), SyntaxError> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > MAX_NODES {
            let msg = format!("more than {MAX_NODES} keys and values in one file");
            return Err(SyntaxError::new(ErrorKind::Nodes, msg, line, col));
        }
        Ok(())
    }

    fn open(&mut self, value: Value, line: usize, col: usize, anchor: usize) -> Result<(), SyntaxError> {
        self.count(1, line, col)?;
        if self.stack.len() >= MAX_DEPTH {
            return Err(SyntaxError::new(ErrorKind::Depth, depth_message(), line, col));
        }
        self.stack.push(Frame {
            node: Node { value, line, col },
            anchor,
            pending: None,
            cost: Cost { nodes: 1, bytes: 0 },
            keys: None,
        });
        Ok(())
    }

    fn close(&mut self) -> Result<(), SyntaxError> {
        let frame = self.stack.pop().expect("the parser balances start and end events");
        self.value(frame.node, frame.anchor, frame.cost)
    }

    /// Places a copy of the anchored value `id`, after checking that the
    /// copy stays within the budget: the anchor's size counts every value it
    /// holds, copies made by aliases inside it (and merge keys) included.
    fn alias(&mut self, id: usize, line: usize, col: usize) -> Result<(), SyntaxError> {
        let Some((_, cost)) = self.anchors.get(&id) else {
            return Err(SyntaxError::new(ErrorKind::Syntax, "unknown alias".into(), line, col));
        };
        let cost = *cost;
        self.charge(cost, line, col)?;
        self.count(cost.nodes, line, col)?;
        let (node, _) = &self.anchors[&id];
        let node = Node {
            line,
            col,
            ..node.clone()
        };
        self.value(node, 0, cost)
    }

    /// Counts a copy of `cost` against the alias budget.
    fn charge(&mut self, cost: Cost, line: usize, col: usize) -> Result<(), SyntaxError> {
        let after = within(self.copied, cost, MAX_ALIAS_NODES, MAX_ALIAS_BYTES).map_err(|over| {
            let msg = format!("this alias would make aliases copy {over}");
            SyntaxError::new(ErrorKind::Aliases, msg, line, col)
        })?;
        self.copied = after;
        Ok(())
    }

    /// Places a finished node: as the root, a list item, a mapping key, or
    /// the value of the pending key.
    fn value(&mut self, node: Node, anchor: usize, cost: Cost) -> Result<(), SyntaxError> {
        let (line, col) = (node.line, node.col);
        if anchor != 0 {
            // The anchored value is kept for its aliases: a copy. Anchors
            // nested in anchors copy the inner values again, so these
            // copies are bounded too (alias copies are bounded above).
            self.anchored = within(self.anchored, cost, MAX_NODES, MAX_ANCHOR_BYTES).map_err(|over| {
                let msg = format!("this anchor would make anchors keep {over}");
                SyntaxError::new(ErrorKind::Aliases, msg, line, col)
            })?;
            self.anchors.insert(anchor, (node.clone(), cost));
        }
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(node);
            return Ok(());
        };
        frame.cost.add(cost);
        match &mut frame.node.value {
            Value::Seq(items) => items.push(node),
            Value::Map(entries) => match frame.pending.take() {
                Some(key) => entries.push((key, node)),
                None => {
                    let text = node
                        .scalar_text()
                        .or_else(|| node.is_null().then(|| "null".to_string()));
                    let name = text.ok_or_else(|| {
                        SyntaxError::new(ErrorKind::Syntax, "a mapping key must be plain text".into(), line, col)
                    })?;
                    if entries.len() >= MAX_KEYS {
                        let msg = format!("more than {MAX_KEYS} keys in one mapping");
                        return Err(SyntaxError::new(ErrorKind::Keys, msg, line, col));
                    }
                    let duplicate = match &mut frame.keys {
                        Some(keys) => !keys.insert(name.clone()),
                        None if entries.len() < SCAN_KEYS => entries.iter().any(|(k, _)| k.name == name),
                        None => {
                            let mut keys: rustc_hash::FxHashSet<String> =
                                entries.iter().map(|(k, _)| k.name.clone()).collect();
                            let fresh = keys.insert(name.clone());
                            frame.keys = Some(keys);
                            !fresh
                        }
                    };
                    if duplicate {
                        let msg = format!("duplicate mapping key `{name}`");
                        return Err(SyntaxError::new(ErrorKind::Syntax, msg, line, col));
                    }
                    frame.pending = Some(Key { name, line, col });
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

    /// Records an error at `line`/`col` of the file itself (not shifted):
    /// for positions outside the YAML text, such as the opening `---`.
    pub fn error_in_file(&mut self, code: &'static str, line: usize, col: usize, msg: String, help: String) {
        self.diags
            .push(Diagnostic::error(code, self.path, msg).at(line, col).help(help));
    }

    /// A required text field: reports its absence at the block that lacks
    /// it (the first key of a block mapping, the `{` of a flow one).
    pub fn required_string(&mut self, parent: &Node, key: &str, what: &str) -> Option<String> {
        let s = self.string(parent, key);
        if s.is_none() && parent.get(key).is_none_or(Node::is_null) {
            self.error(
                "FM004",
                parent.line.max(1),
                parent.col.max(1),
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

    /// An optional date or timestamp. A date past the last instant time
    /// can hold (`9999-12-31`, a common "never") is read as that instant.
    pub fn when(&mut self, parent: &Node, key: &str) -> Option<When> {
        let text = self.string(parent, key)?;
        let v = parent.get(key)?;
        match When::parse(&text).or_else(|| far_future(&text)) {
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

/// A valid date or time after [`jiff::Timestamp::MAX`] (late on 9999-12-30
/// UTC), clamped to it: such dates mean "never", and clamping keeps every
/// later comparison and format in range.
fn far_future(text: &str) -> Option<When> {
    let text = text.trim();
    let date_only = text.len() == 10;
    let date: jiff::civil::Date = text.get(..10)?.parse().ok()?;
    let valid = date_only || text[10..].starts_with(['T', 't', ' ']);
    let max = jiff::Timestamp::MAX.to_zoned(jiff::tz::TimeZone::UTC).date();
    (valid && date >= max).then_some(When {
        ts: jiff::Timestamp::MAX,
        date_only,
    })
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

    /// Nine levels of ten aliases each: 10^9 values if expanded.
    fn bomb(open: &str, close: &str, sep: &str) -> String {
        let mut s = format!("a0: &a0 {open}x{close}\n");
        for i in 1..10 {
            let refs = vec![format!("*a{}", i - 1); 10].join(sep);
            s.push_str(&format!("a{i}: &a{i} {open}{refs}{close}\n"));
        }
        s
    }

    fn refused(text: &str) -> SyntaxError {
        let e = parse(text).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Aliases, "{e:?}");
        e
    }

    #[test]
    fn alias_bombs_are_refused_at_the_alias() {
        let e = refused(&bomb("[", "]", ", "));
        // Aliases in a1..a3 copy 2340 values; each alias of a3 copies 2111
        // more, and the fourth one is too many.
        assert_eq!((e.line, e.col), (5, 25), "{e:?}");
        assert_eq!(
            e.message,
            "this alias would make aliases copy 10784 values, over the 10000 allowed"
        );
        let mapping = (1..10).fold("a0: &a0 {k: x}\n".to_string(), |mut s, i| {
            let keys: Vec<String> = (0..10).map(|k| format!("k{k}: *a{}", i - 1)).collect();
            s.push_str(&format!("a{i}: &a{i} {{{}}}\n", keys.join(", ")));
            s
        });
        refused(&mapping);
        let merge = (1..10).fold("a0: &a0 {k: x}\n".to_string(), |mut s, i| {
            let keys: Vec<String> = (0..10).map(|k| format!("k{k}: {{<<: *a{}}}", i - 1)).collect();
            s.push_str(&format!("a{i}: &a{i} {{{}}}\n", keys.join(", ")));
            s
        });
        refused(&merge);
        let nested = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c {k: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b], m: [*b, *b]}\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n";
        refused(nested);
    }

    #[test]
    fn aliases_of_long_text_count_their_bytes() {
        let text = format!(
            "a: &a \"{}\"\nb: [{}]\n",
            "x".repeat(100_000),
            vec!["*a"; 20].join(", ")
        );
        let e = refused(&text);
        assert_eq!(e.line, 2, "{e:?}");
    }

    #[test]
    fn modest_aliases_are_copied() {
        let n = parse("base: &b {x: 1, y: [a, b]}\none: *b\ntwo: {<<: *b}\n").unwrap();
        assert_eq!(n.get("one").unwrap().get("y"), n.get("base").unwrap().get("y"));
        assert_eq!(n.get("one").unwrap().line, 2);
    }

    #[test]
    fn deep_nesting_is_refused_without_overflow() {
        for text in ["[".repeat(100_000), "{a: ".repeat(100_000), "- ".repeat(100_000)] {
            let e = parse(&text).unwrap_err();
            assert_eq!(e.kind, ErrorKind::Depth, "{e:?}");
            assert_eq!(e.line, 1, "{e:?}");
        }
        assert!(parse(&format!("{}x{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH))).is_ok());
    }

    #[test]
    fn many_keys_are_checked_in_linear_time_and_bounded() {
        let keys = |n: usize| (0..n).map(|i| format!("k{i}: {i}\n")).collect::<String>();
        assert!(parse(&keys(MAX_KEYS)).is_ok());
        let e = parse(&keys(100_000)).unwrap_err();
        assert_eq!((e.kind, e.line, e.col), (ErrorKind::Keys, MAX_KEYS + 1, 1), "{e:?}");
        let e = parse(&format!("{}k3: again\n", keys(100))).unwrap_err();
        assert_eq!((e.kind, e.line), (ErrorKind::Syntax, 101), "{e:?}");
        let e = parse(&format!("[{}]", vec!["1"; MAX_NODES + 1].join(","))).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Nodes, "{e:?}");
    }

    #[test]
    fn forbidden_characters_are_stripped_and_located() {
        let p = parse_checked("a: ok\ntitle: \"Hi\\x01 there\\uFFFE\"\n").unwrap();
        assert_eq!(p.node.get("title").unwrap().as_str(), Some("Hi there"));
        assert_eq!(p.stripped, vec![(2, 8)]);
        assert!(!is_forbidden('\t') && !is_forbidden('\n') && !is_forbidden('é'));
    }
}
