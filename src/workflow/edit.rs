//! Surgical edits of a content file's front matter.
//!
//! Input: a file's text and [`Change`]s to the fields the workflow owns
//! (status, publish_at, assignee, due, history, review.log). Output: the new
//! text. Invariants: every byte outside the changed fields stays as it was
//! (other keys, their order and quoting, comments, the body, the line
//! endings); a file whose front matter does not parse is refused; the result
//! is parsed again and compared with the intended tree before it is returned,
//! so a change that would read back differently is refused, not written.
//!
//! How: the located YAML tree ([`crate::yaml::parse`]) says on which line
//! each key is; the value's text on that line is found by scanning it
//! (quoted, plain or flow), then replaced in place. Missing keys are inserted
//! after a related key; list entries are appended after the list's last line
//! in block style (`[]`, `~` or an absent list become a block list).

use crate::content;
use crate::yaml::{self, Key, Node, Value};

/// One change to a field the workflow owns.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Set a top-level field to a text value; the key is inserted when missing.
    Set {
        /// Top-level key, e.g. `status`.
        key: &'static str,
        /// The value as text (quoted in the file only when YAML needs it).
        value: String,
    },
    /// Append a flat entry `{k: v, ...}` to the list at `path` (`["history"]`
    /// or `["review", "log"]`), creating the list when missing.
    Append {
        /// Keys leading to the list.
        path: &'static [&'static str],
        /// The entry's fields, in order.
        entry: Vec<(&'static str, String)>,
    },
    /// Make a top-level scalar field null (`~`); nothing when it is missing
    /// or null already (the key stays, so the file keeps its shape).
    Clear {
        /// Top-level key, e.g. `publish_at`.
        key: &'static str,
    },
    /// Append a text item `- value` to the list at `path`
    /// (`["review", "reviewers"]`), creating the list when missing.
    AppendText {
        /// Keys leading to the list.
        path: &'static [&'static str],
        /// The item.
        value: String,
    },
}

/// Why a file could not be edited. Nothing is written in any of these cases.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// The front matter does not parse (the file is never touched then).
    #[error("the front matter does not parse: {0}")]
    Parse(String),
    /// The field is written in a form that cannot be changed in place.
    #[error("cannot change '{field}' in place: {why}")]
    Unsupported {
        /// The field.
        field: String,
        /// What is in the way.
        why: String,
    },
    /// The edited text does not read back as intended.
    #[error("the edited front matter would not read back as intended")]
    Verify,
}

/// Applies `changes` in order and returns the new text. See the module
/// header for what is kept.
pub fn apply(text: &str, changes: &[Change]) -> Result<String, EditError> {
    let sp = content::split(text).map_err(|e| EditError::Parse(e.to_string()))?;
    let mut expected = yaml::parse(sp.front).map_err(|e| EditError::Parse(e.message))?;
    if expected.is_null() {
        expected.value = Value::Map(Vec::new());
    }
    if expected.as_map().is_none() {
        return Err(EditError::Parse("the front matter is not 'key: value' lines".into()));
    }
    let eol = if text[..text.find('\n').unwrap_or(text.len())].ends_with('\r') {
        "\r\n"
    } else {
        "\n"
    };
    let mut cur = text.to_string();
    for change in changes {
        cur = apply_one(&cur, change, eol)?;
        expect(&mut expected, change);
    }
    verify(text, &cur, &expected)?;
    Ok(cur)
}

/// Checks the result: same text before the front matter, same body, and a
/// front matter equal to the intended tree.
fn verify(old: &str, new: &str, expected: &Node) -> Result<(), EditError> {
    let (a, b) = match (content::split(old), content::split(new)) {
        (Ok(a), Ok(b)) => (a, b),
        _ => return Err(EditError::Verify),
    };
    let got = yaml::parse(b.front).map_err(|_| EditError::Verify)?;
    let same_frame = old[..a.front_start] == new[..b.front_start] && a.body == b.body;
    if same_frame && same(&got, expected) {
        Ok(())
    } else {
        Err(EditError::Verify)
    }
}

/// Equality of two trees, ignoring positions.
pub fn same(a: &Node, b: &Node) -> bool {
    match (&a.value, &b.value) {
        (Value::Seq(x), Value::Seq(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q)),
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((k1, v1), (k2, v2))| k1.name == k2.name && same(v1, v2))
        }
        (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
        (x, y) => x == y,
    }
}

/// Where a key is inserted when missing: after the first of these keys that
/// exists, else at the end of the front matter.
fn anchors(key: &str) -> &'static [&'static str] {
    match key {
        "status" => &["category", "tags", "slug", "role", "author", "date", "title"],
        "publish_at" => &["status"],
        "assignee" => &["publish_at", "status"],
        "due" => &["assignee", "publish_at", "status"],
        "review" => &["due", "assignee", "publish_at", "status"],
        "history" => &["review", "due", "assignee", "publish_at", "status"],
        _ => &[],
    }
}

fn node(value: Value) -> Node {
    Node { value, line: 0, col: 0 }
}

fn key(name: &str) -> Key {
    Key {
        name: name.to_string(),
        line: 0,
        col: 0,
    }
}

fn entry_node(entry: &[(&'static str, String)]) -> Node {
    node(Value::Map(
        entry
            .iter()
            .map(|(k, v)| (key(k), node(Value::Str(v.clone()))))
            .collect(),
    ))
}

/// The map entry `name` of `map` (a mapping), inserted after the anchor
/// (or at the end) as `Null` when missing.
fn entry_mut<'a>(map: &'a mut Node, name: &str, anchor_list: &[&str]) -> &'a mut Node {
    if map.is_null() {
        map.value = Value::Map(Vec::new());
    }
    let Value::Map(entries) = &mut map.value else {
        unreachable!("callers pass mappings")
    };
    let i = match entries.iter().position(|(k, _)| k.name == name) {
        Some(i) => i,
        None => {
            let at = anchor_list
                .iter()
                .find_map(|a| entries.iter().position(|(k, _)| k.name == *a))
                .map_or(entries.len(), |i| i + 1);
            entries.insert(at, (key(name), node(Value::Null)));
            at
        }
    };
    &mut entries[i].1
}

/// Applies `change` to the intended tree.
fn expect(tree: &mut Node, change: &Change) {
    match change {
        Change::Set { key, value } => {
            entry_mut(tree, key, anchors(key)).value = Value::Str(value.clone());
        }
        Change::Clear { key } => {
            if tree.get(key).is_some() {
                entry_mut(tree, key, &[]).value = Value::Null;
            }
        }
        Change::Append { path, entry } => list_mut(tree, path).push(entry_node(entry)),
        Change::AppendText { path, value } => list_mut(tree, path).push(node(Value::Str(value.clone()))),
    }
}

/// The list at `path` in the intended tree, created empty when missing.
fn list_mut<'a>(tree: &'a mut Node, path: &[&str]) -> &'a mut Vec<Node> {
    let mut at = entry_mut(tree, path[0], anchors(path[0]));
    for name in &path[1..] {
        at = entry_mut(at, name, &[]);
    }
    if !matches!(at.value, Value::Seq(_)) {
        at.value = Value::Seq(Vec::new());
    }
    let Value::Seq(items) = &mut at.value else {
        unreachable!("made a list just above")
    };
    items
}

/// A line of the front matter: byte offsets in the front text.
#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    end: usize,
    next: usize,
}

/// What follows `key:` on its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// Nothing (or a comment): a block value follows, or null.
    Empty,
    /// `~` or `null`.
    Null,
    /// A one-line quoted or plain scalar.
    Scalar,
    /// A one-line `[...]` or `{...}`.
    Flow,
}

/// The span of a value on its key's line.
#[derive(Debug, Clone, Copy)]
struct Span {
    /// Just after the `:`.
    colon_end: usize,
    /// Value start and end (equal when empty).
    start: usize,
    end: usize,
    shape: Shape,
}

/// The front matter being edited, as lines.
struct Front<'a> {
    text: &'a str,
    lines: Vec<Line>,
    eol: &'static str,
}

/// A replacement of `text[start..end]` in the front matter.
type Edit = (usize, usize, String);

fn apply_one(text: &str, change: &Change, eol: &'static str) -> Result<String, EditError> {
    let sp = content::split(text).map_err(|e| EditError::Parse(e.to_string()))?;
    let tree = yaml::parse(sp.front).map_err(|e| EditError::Parse(e.message))?;
    let f = Front::new(sp.front, eol);
    let edits = match change {
        Change::Set { key, value } => f.set(&tree, key, value)?,
        Change::Clear { key } => f.clear(&tree, key)?,
        Change::Append { path, entry } => f.append(&tree, path, &flow_map(entry))?,
        Change::AppendText { path, value } => f.append(&tree, path, &scalar(value))?,
    };
    let mut out = String::with_capacity(text.len() + 128);
    out.push_str(&text[..sp.front_start]);
    let mut pos = 0;
    for (start, end, with) in edits {
        out.push_str(&sp.front[pos..start]);
        out.push_str(&with);
        pos = end;
    }
    out.push_str(&sp.front[pos..]);
    out.push_str(&text[sp.front_start + sp.front.len()..]);
    Ok(out)
}

fn unsupported(field: &str, why: &str) -> EditError {
    EditError::Unsupported {
        field: field.to_string(),
        why: why.to_string(),
    }
}

impl<'a> Front<'a> {
    fn new(text: &'a str, eol: &'static str) -> Self {
        let mut lines = Vec::new();
        let mut start = 0;
        while start < text.len() {
            let next = text[start..].find('\n').map_or(text.len(), |i| start + i + 1);
            let end = text[start..next].trim_end_matches(['\n', '\r']).len() + start;
            lines.push(Line { start, end, next });
            start = next;
        }
        Self { text, lines, eol }
    }

    fn line(&self, i: usize) -> &'a str {
        &self.text[self.lines[i].start..self.lines[i].end]
    }

    fn indent(&self, i: usize) -> usize {
        let l = self.line(i);
        l.len() - l.trim_start_matches(' ').len()
    }

    fn is_content(&self, i: usize) -> bool {
        let t = self.line(i).trim();
        !t.is_empty() && !t.starts_with('#')
    }

    /// The offset just after the last content line of the block that starts
    /// with the key on line `li` at `indent`.
    fn block_end(&self, li: usize, indent: usize) -> usize {
        let mut last = li;
        for j in li + 1..self.lines.len() {
            if !self.is_content(j) {
                continue;
            }
            let t = self.line(j).trim_start();
            let ind = self.indent(j);
            if ind > indent || (ind == indent && (t == "-" || t.starts_with("- "))) {
                last = j;
            } else {
                break;
            }
        }
        self.lines[last].next
    }

    /// Where a missing top-level key goes (see [`anchors`]).
    fn insert_point(&self, tree: &Node, key: &str) -> usize {
        anchors(key)
            .iter()
            .find_map(|a| tree.key(a))
            .map_or(self.text.len(), |k| self.block_end(k.line - 1, 0))
    }

    /// Finds the value after `name:` on line `li` (the key at `indent`).
    fn span(&self, li: usize, indent: usize, name: &str) -> Result<Span, EditError> {
        let line = self.line(li);
        let base = self.lines[li].start;
        let odd = || unsupported(name, "the key is not written as 'key: value' on its own line");
        if self.indent(li) != indent {
            return Err(odd());
        }
        let rest = &line[indent..];
        let after_key = [name.to_string(), format!("\"{name}\""), format!("'{name}'")]
            .iter()
            .find_map(|k| rest.strip_prefix(k.as_str()))
            .ok_or_else(odd)?;
        let after_ws = after_key.trim_start_matches([' ', '\t']);
        let after_colon = after_ws.strip_prefix(':').ok_or_else(odd)?;
        let colon_end = base + line.len() - after_colon.len();
        let value = after_colon.trim_start_matches([' ', '\t']);
        let start = base + line.len() - value.len();
        let (len, shape) = match value.chars().next() {
            None | Some('#') => (0, Shape::Empty),
            Some('"') => (quoted_len(value, '"').ok_or_else(|| multi_line(name))?, Shape::Scalar),
            Some('\'') => (quoted_len(value, '\'').ok_or_else(|| multi_line(name))?, Shape::Scalar),
            Some('[' | '{') => (flow_len(value).ok_or_else(|| multi_line(name))?, Shape::Flow),
            Some('|' | '>' | '&' | '*' | '!') => {
                return Err(unsupported(name, "it uses a block scalar, anchor or tag"));
            }
            Some(_) => {
                let end = [" #", "\t#"]
                    .iter()
                    .filter_map(|c| value.find(c))
                    .min()
                    .unwrap_or(value.len());
                let plain = value[..end].trim_end();
                let shape = if matches!(plain, "~" | "null" | "Null" | "NULL") {
                    Shape::Null
                } else {
                    Shape::Scalar
                };
                (plain.len(), shape)
            }
        };
        if matches!(shape, Shape::Scalar | Shape::Null)
            && (li + 1..self.lines.len())
                .find(|&j| self.is_content(j))
                .is_some_and(|j| self.indent(j) > indent)
        {
            return Err(multi_line(name));
        }
        Ok(Span {
            colon_end,
            start,
            end: start + len,
            shape,
        })
    }

    /// Edits for `Change::Set`.
    fn set(&self, tree: &Node, name: &str, value: &str) -> Result<Vec<Edit>, EditError> {
        let text = scalar(value);
        let Some(k) = tree.key(name) else {
            let at = self.insert_point(tree, name);
            return Ok(vec![(at, at, format!("{name}: {text}{}", self.eol))]);
        };
        let sp = self.span(k.line - 1, 0, name)?;
        match sp.shape {
            Shape::Empty => Ok(vec![(sp.colon_end, sp.colon_end, format!(" {text}"))]),
            Shape::Null | Shape::Scalar => Ok(vec![(sp.start, sp.end, text)]),
            Shape::Flow => Err(unsupported(name, "it holds a list or mapping")),
        }
    }

    /// Edits for `Change::Clear`.
    fn clear(&self, tree: &Node, name: &str) -> Result<Vec<Edit>, EditError> {
        let Some(k) = tree.key(name) else {
            return Ok(Vec::new());
        };
        let sp = self.span(k.line - 1, 0, name)?;
        match sp.shape {
            Shape::Null => Ok(Vec::new()),
            Shape::Empty if tree.get(name).is_some_and(Node::is_null) => Ok(Vec::new()),
            Shape::Scalar => Ok(vec![(sp.start, sp.end, "~".into())]),
            Shape::Empty | Shape::Flow => Err(unsupported(name, "it holds a list or mapping")),
        }
    }

    /// Edits for `Change::Append` of the flow text `item`.
    fn append(&self, tree: &Node, path: &[&str], item: &str) -> Result<Vec<Edit>, EditError> {
        let eol = self.eol;
        let top = path[0];
        let Some(k) = tree.key(top) else {
            let at = self.insert_point(tree, top);
            let mut block = format!("{top}:{eol}");
            let mut ind = String::from("  ");
            for name in &path[1..] {
                block.push_str(&format!("{ind}{name}:{eol}"));
                ind.push_str("  ");
            }
            block.push_str(&format!("{ind}- {item}{eol}"));
            return Ok(vec![(at, at, block)]);
        };
        let value = tree.get(top).expect("key found");
        match path {
            [_] => self.append_list(k, 0, top, value, item),
            [_, child] => self.append_nested(k, value, child, item),
            _ => Err(unsupported(top, "lists are at most two keys deep")),
        }
    }

    /// Appends to the list `value` whose key `k` is at `indent`.
    fn append_list(
        &self,
        k: &Key,
        indent: usize,
        name: &str,
        value: &Node,
        item: &str,
    ) -> Result<Vec<Edit>, EditError> {
        let eol = self.eol;
        let li = k.line - 1;
        let sp = self.span(li, indent, name)?;
        let child = " ".repeat(indent + 2);
        let next = self.lines[li].next;
        match (&value.value, sp.shape) {
            (Value::Seq(items), Shape::Empty) if !items.is_empty() => {
                let dash = (li + 1..self.lines.len())
                    .find(|&j| self.is_content(j))
                    .map_or(indent + 2, |j| self.indent(j));
                let at = self.block_end(li, indent);
                Ok(vec![(at, at, format!("{}- {item}{eol}", " ".repeat(dash)))])
            }
            (Value::Null, Shape::Empty) => Ok(vec![(next, next, format!("{child}- {item}{eol}"))]),
            (Value::Null, Shape::Null) | (Value::Seq(_), Shape::Flow) => {
                let mut block = String::new();
                if let Value::Seq(items) = &value.value {
                    for it in items {
                        block.push_str(&format!("{child}- {}{eol}", flow(it)));
                    }
                }
                block.push_str(&format!("{child}- {item}{eol}"));
                Ok(vec![(sp.colon_end, sp.end, String::new()), (next, next, block)])
            }
            _ => Err(unsupported(name, "it is not a list")),
        }
    }

    /// Appends to `review.log`-like lists: `child` under the top-level map `value`.
    fn append_nested(&self, k: &Key, value: &Node, child: &str, item: &str) -> Result<Vec<Edit>, EditError> {
        let eol = self.eol;
        let top = k.name.as_str();
        let li = k.line - 1;
        let sp = self.span(li, 0, top)?;
        let next = self.lines[li].next;
        match (&value.value, sp.shape) {
            (Value::Map(entries), Shape::Empty) if !entries.is_empty() => match value.key(child) {
                Some(ck) => {
                    let ci = self.indent(ck.line - 1);
                    self.append_list(ck, ci, child, value.get(child).expect("key found"), item)
                }
                None => {
                    let ci = " ".repeat(self.indent(entries[0].0.line - 1));
                    let at = self.block_end(li, 0);
                    Ok(vec![(at, at, format!("{ci}{child}:{eol}{ci}  - {item}{eol}"))])
                }
            },
            (Value::Null, Shape::Empty) => Ok(vec![(next, next, format!("  {child}:{eol}    - {item}{eol}"))]),
            (Value::Null, Shape::Null) | (Value::Map(_), Shape::Flow) => {
                // A one-line `{...}` (or `~`) becomes a block, entries in order.
                let mut block = String::new();
                let mut done = false;
                for (ek, ev) in value.as_map().unwrap_or_default() {
                    if ek.name == child {
                        block.push_str(&format!("  {child}:{eol}"));
                        if let Value::Seq(items) = &ev.value {
                            for it in items {
                                block.push_str(&format!("    - {}{eol}", flow(it)));
                            }
                        }
                        block.push_str(&format!("    - {item}{eol}"));
                        done = true;
                    } else {
                        block.push_str(&format!("  {}: {}{eol}", scalar(&ek.name), flow(ev)));
                    }
                }
                if !done {
                    block.push_str(&format!("  {child}:{eol}    - {item}{eol}"));
                }
                Ok(vec![(sp.colon_end, sp.end, String::new()), (next, next, block)])
            }
            _ => Err(unsupported(top, "it is not a mapping")),
        }
    }
}

fn multi_line(name: &str) -> EditError {
    unsupported(name, "its value spans several lines; write it on one line")
}

/// Length of a quoted scalar at the start of `s`, closing quote included.
fn quoted_len(s: &str, q: char) -> Option<usize> {
    let mut chars = s.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        if q == '"' && c == '\\' {
            chars.next();
        } else if c == q {
            if q == '\'' && chars.peek().is_some_and(|&(_, n)| n == '\'') {
                chars.next();
            } else {
                return Some(i + 1);
            }
        }
    }
    None
}

/// Length of a one-line flow collection at the start of `s`.
fn flow_len(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = 0;
    while i < s.len() {
        let c = s[i..].chars().next()?;
        match c {
            '"' | '\'' => {
                i += quoted_len(&s[i..], c)?;
                continue;
            }
            '[' | '{' => depth += 1,
            ']' | '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += c.len_utf8();
    }
    None
}

/// A text value as a YAML scalar: plain when it reads back as the same
/// text (in block and flow context), else double-quoted.
pub fn scalar(s: &str) -> String {
    let simple = !s.is_empty()
        && s.chars().next().is_some_and(char::is_alphanumeric)
        && s.chars().all(|c| c.is_alphanumeric() || "_.-+/:".contains(c))
        && !s.ends_with(':');
    let reads_back = || {
        yaml::parse(&format!("[{s}]")).is_ok_and(|n| match n.value {
            Value::Seq(items) => items.len() == 1 && items[0].as_str() == Some(s),
            _ => false,
        })
    };
    if simple && reads_back() {
        s.to_string()
    } else {
        serde_json::to_string(s).expect("strings serialize")
    }
}

/// `{k: v, ...}` for a flat entry.
fn flow_map(entry: &[(&'static str, String)]) -> String {
    let fields: Vec<String> = entry.iter().map(|(k, v)| format!("{k}: {}", scalar(v))).collect();
    format!("{{{}}}", fields.join(", "))
}

/// Any value in flow style (used when a one-line list or mapping is turned
/// into a block).
fn flow(n: &Node) -> String {
    match &n.value {
        Value::Null => "~".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => format!("{f:?}"),
        Value::Str(s) => scalar(s),
        Value::Seq(items) => format!("[{}]", items.iter().map(flow).collect::<Vec<_>>().join(", ")),
        Value::Map(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|(k, v)| format!("{}: {}", scalar(&k.name), flow(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
#[path = "edit_tests.rs"]
mod tests;
