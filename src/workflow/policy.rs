//! The role policy applied to a git range: `punchline check --since REV`.
//!
//! Input: the site root and a revision. Output: a [`Report`] with one
//! [`Violation`] per (commit, file, field, rule) that breaks roles.yaml.
//! Each commit is judged by its author's email mapped to a member, against
//! roles.yaml as it was before that commit (so a branch cannot grant itself
//! permissions: a change to roles.yaml needs `config` under the old rules,
//! and applies to later commits only if its author had `config`). The rules are the permission table
//! in docs/workflow.md; the git access is in [`super::git`]. Raw HTML is the
//! committer's authority: fragments a commit adds need `raw_html` whoever
//! the item's author is. A merge is judged on what no parent had: the
//! violations found against every one of its parents.

use super::actor::refusal;
use super::edit::same;
use super::git::{self, Commit};
use super::machine::{action_between, approvals, Action};
use super::roles::{Member, Permission, Roles};
use super::Status;
use crate::clock::When;
use crate::content::{self, meta::ReviewEntry};
use crate::diagnostic::{has_errors, Error, Result};
use crate::markdown::raw_html;
use crate::yaml::{self, Node, Value};
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// Short commit id.
    pub commit: String,
    /// Full commit id.
    pub sha: String,
    /// The commit's author email.
    pub author: String,
    /// The member that email belongs to, if any.
    pub member: Option<String>,
    /// The file, from the site root.
    pub file: String,
    /// 1-based line of the field in the commit's version of the file (1 for
    /// a whole file or a deleted one).
    pub line: usize,
    /// The field: `body`, `status`, `seo`, `review.log`, ... or `file`.
    pub field: String,
    /// The rule: `needs-<permission>`, `unknown-author`, `illegal-transition`,
    /// `approvals`, `self-approval`, `append-only`, `entry-author`, `unreadable`.
    pub rule: String,
    /// What is wrong, naming who may do it.
    pub message: String,
    /// What to do, when there is more to say than who may do it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Violation {
    /// The message with the commit, field and help:
    /// `... (commit 1a2b3c4 by a@x, field 'seo')`.
    pub fn detail(&self) -> String {
        let mut s = format!(
            "{} (commit {} by {}, field '{}')",
            self.message, self.commit, self.author, self.field
        );
        if let Some(h) = &self.help {
            s.push_str(&format!(" (help: {h})"));
        }
        s
    }
}

impl std::fmt::Display for Violation {
    /// `content/x.md:6: error[needs-seo]: ... (commit 1a2b3c4 by a@x, field 'seo')`
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: error[{}]: {}",
            self.file,
            self.line,
            self.rule,
            self.detail()
        )
    }
}

/// What each rule means, for SARIF rule descriptions and the docs.
pub const RULES: &[(&str, &str)] = &[
    (
        "unknown-author",
        "The commit author's email is not a member in roles.yaml",
    ),
    ("illegal-transition", "A status change that is not one workflow step"),
    (
        "approvals",
        "Approved or published without the approvals workflow.approvals_required asks for",
    ),
    (
        "self-approval",
        "An author approved their own item while workflow.self_review is false",
    ),
    ("append-only", "history or review.log entries were changed or removed"),
    (
        "entry-author",
        "A new history or review.log entry names someone other than the committer",
    ),
    (
        "unreadable",
        "The file's front matter does not parse, so the change cannot be judged",
    ),
    ("needs-write", "Content bodies and fields need the 'write' permission"),
    (
        "needs-review",
        "Verdicts, and changes to another author's item, need the 'review' permission",
    ),
    (
        "needs-submit",
        "draft -> review needs the 'submit' permission ('specials' for a special)",
    ),
    (
        "needs-publish",
        "Publishing and unpublishing need the 'publish' permission",
    ),
    (
        "needs-archive",
        "Archiving or deleting items needs the 'archive' permission",
    ),
    ("needs-assign", "assignee and due need the 'assign' permission"),
    (
        "needs-seo",
        "The seo: block of an existing item needs the 'seo' permission, except the author's own item before it is first published",
    ),
    ("needs-theme", "Files under themes/ need the 'theme' permission"),
    (
        "needs-specials",
        "Files under content/specials/ need the 'specials' permission",
    ),
    ("needs-config", "site.yaml and roles.yaml need the 'config' permission"),
    (
        "needs-raw_html",
        "Adding or changing raw HTML, or making the build keep it, needs the 'raw_html' permission, whoever the item's author is",
    ),
];

/// The verdict on a range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The revision given.
    pub since: String,
    /// Commits judged (those touching the site; merges only when they
    /// change a file in a way no parent had).
    pub commits: usize,
    /// Every violation, in commit order.
    pub violations: Vec<Violation>,
}

/// Judges every commit of `since..HEAD`.
pub fn check_range(root: &Path, since: &str) -> Result<Report> {
    let base = git::resolve(root, since)?;
    let commits = git::commits(root, since)?;
    let base_roles = format!("{base}:./roles.yaml");
    let mut ids: Vec<String> = vec![base_roles.clone()];
    for c in &commits {
        for f in &c.files {
            ids.extend(f.old.iter().chain(&f.new).cloned());
        }
    }
    ids.sort();
    ids.dedup();
    let blobs = git::blobs(root, &ids)?;
    let text = |id: &Option<String>| {
        id.as_ref()
            .and_then(|i| blobs.get(i))
            .map(|b| String::from_utf8_lossy(b))
    };
    let mut roles = match blobs.get(&base_roles) {
        Some(b) => {
            let mut diags = Vec::new();
            let r = Roles::parse(&String::from_utf8_lossy(b), Path::new("roles.yaml"), &mut diags);
            if has_errors(&diags) {
                return Err(Error::Diagnostics(diags));
            }
            r
        }
        // No roles.yaml before the range (a new site): judge by the current one.
        None => {
            let mut diags = Vec::new();
            let r = Roles::load(root, &mut diags)?;
            if has_errors(&diags) {
                return Err(Error::Diagnostics(diags));
            }
            r
        }
    };
    let mut last_good: HashMap<String, String> = HashMap::new();
    let mut violations = Vec::new();
    for c in &commits {
        let member = roles.member_by_email(&c.email).cloned();
        for f in &c.files {
            let (old, new) = (text(&f.old), text(&f.new));
            let mut judge = |file: &str, old: Option<&str>, new: Option<&str>, moved: bool| {
                let j = Judge {
                    roles: &roles,
                    commit: c,
                    member: member.as_ref(),
                    file,
                    moved,
                    out: Vec::new(),
                };
                j.file(old, new, &mut last_good)
            };
            if c.merge {
                // What the merge made that no parent had: the violations
                // found against every parent (a clean merge has none).
                let mut found = judge(&f.path, old.as_deref(), new.as_deref(), false);
                for other in &f.others {
                    let against = judge(&f.path, text(other).as_deref(), new.as_deref(), false);
                    found.retain(|v| against.iter().any(|w| w.field == v.field && w.rule == v.rule));
                }
                violations.extend(found);
                continue;
            }
            match &f.renamed_from {
                // A move to another area is a delete there and an add here.
                Some(from) if area(from) != area(&f.path) => {
                    violations.extend(judge(from, old.as_deref(), None, false));
                    violations.extend(judge(&f.path, None, new.as_deref(), false));
                }
                moved => violations.extend(judge(&f.path, old.as_deref(), new.as_deref(), moved.is_some())),
            }
        }
        // A change to roles.yaml takes effect only when its author could make it.
        let allowed = member.as_ref().is_some_and(|m| roles.member_can(m, Permission::Config));
        if let Some(f) = c.files.iter().find(|f| f.path == "roles.yaml" && allowed) {
            let mut diags = Vec::new();
            let next = Roles::parse(&text(&f.new).unwrap_or_default(), Path::new("roles.yaml"), &mut diags);
            if !has_errors(&diags) {
                roles = next;
            }
        }
    }
    Ok(Report {
        since: since.to_string(),
        commits: commits.iter().filter(|c| !c.merge || !c.files.is_empty()).count(),
        violations,
    })
}

/// The judge of one file in one commit.
struct Judge<'a> {
    roles: &'a Roles,
    commit: &'a Commit,
    member: Option<&'a Member>,
    file: &'a str,
    /// The file was renamed (within its area) by this commit.
    moved: bool,
    out: Vec<Violation>,
}

/// One version of a content file, parsed.
struct Side<'t> {
    tree: Node,
    body: &'t str,
    body_line: usize,
}

fn side(text: &str) -> std::result::Result<Side<'_>, (String, usize)> {
    let sp = content::split(text).map_err(|e| (e.to_string(), 1))?;
    let tree = yaml::parse(sp.front).map_err(|e| (e.message, e.line + 1))?;
    if tree.as_map().is_none() && !tree.is_null() {
        return Err(("the front matter is not 'key: value' lines".into(), 2));
    }
    Ok(Side {
        tree,
        body: sp.body,
        body_line: sp.body_line,
    })
}

impl Judge<'_> {
    fn push(&mut self, line: usize, field: &str, rule: &str, message: String) {
        if self.out.iter().any(|v| v.field == field && v.rule == rule) {
            return;
        }
        self.out.push(Violation {
            commit: self.commit.short().to_string(),
            sha: self.commit.sha.clone(),
            author: self.commit.email.clone(),
            member: self.member.map(|m| m.id.clone()),
            file: self.file.to_string(),
            line: line.max(1),
            field: field.to_string(),
            rule: rule.to_string(),
            message,
            help: None,
        });
    }

    /// Records a violation unless the committer has `perm`.
    fn need(&mut self, perm: Permission, line: usize, field: &str, doing: &str) {
        let Some(m) = self.member else { return };
        if self.roles.member_can(m, perm) {
            return;
        }
        let who = format!("{} ({})", m.id, m.roles.join(", "));
        let msg = refusal(self.roles, &who, doing, perm);
        self.push(line, field, &format!("needs-{}", perm.name()), msg);
    }

    fn file(mut self, old: Option<&str>, new: Option<&str>, last_good: &mut HashMap<String, String>) -> Vec<Violation> {
        let Some(m) = self.member else {
            let msg = format!(
                "commit author {} is not a member in roles.yaml (add them under members:, or commit with a member's email)",
                self.commit.email
            );
            self.push(1, "file", "unknown-author", msg);
            return self.out;
        };
        let path = self.file;
        if path.starts_with("themes/") {
            self.need(Permission::Theme, 1, "file", "change theme files");
        } else if path.starts_with("static/") && new.is_some() && runs_in_browser(path) {
            // Copied to the site as is: markup and script by another road.
            let help = "put the text in a content item, or ask a member with 'raw_html' to commit the file";
            self.need_helped(
                Permission::RawHtml,
                1,
                "file",
                "add or change HTML, SVG or script files under static/",
                help,
            );
        } else if path == "site.yaml" || path == "roles.yaml" {
            self.need(Permission::Config, 1, "file", &format!("change {path}"));
        } else if let Some(rest) = path.strip_prefix("content/") {
            let special = rest.starts_with("specials/");
            if path.ends_with(".md") {
                self.item(m, special, old, new, last_good);
            } else {
                let (perm, doing) = write_perm(special);
                self.need(perm, 1, "file", doing);
            }
        }
        self.out
    }

    /// A Markdown content file.
    fn item(
        &mut self,
        m: &Member,
        special: bool,
        old: Option<&str>,
        new: Option<&str>,
        last_good: &mut HashMap<String, String>,
    ) {
        let (wperm, wdoing) = write_perm(special);
        let Some(new) = new else {
            self.deleted(m, wperm, old.and_then(|t| side(t).ok()));
            return;
        };
        // The last version that parsed stands in for an old version that
        // does not (a file broken in one commit and fixed in a later one).
        let parsed_old = old.map(side);
        if let (Some(Ok(_)), Some(t)) = (&parsed_old, old) {
            last_good.insert(self.file.to_string(), t.to_string());
        }
        let new_side = match side(new) {
            Ok(s) => s,
            Err((msg, line)) => {
                let msg = format!("the front matter does not parse ({msg}), so the change cannot be judged");
                self.push(line, "file", "unreadable", msg);
                return;
            }
        };
        let fallback = match parsed_old {
            Some(Err(_)) => last_good.get(self.file).cloned(),
            _ => None,
        };
        let old_side = match parsed_old {
            Some(Ok(s)) => Some(s),
            _ => fallback.as_deref().and_then(|t| side(t).ok()),
        };
        last_good.insert(self.file.to_string(), new.to_string());
        // A new file may bring its first seo block; a file whose old version
        // cannot be read may not. Authors fill in their own item's seo block
        // until it is first published (workflow.author_seo_until_published).
        let own_unpublished = old_side.as_ref().is_some_and(|s| {
            self.roles.workflow.author_seo_until_published
                && text_of(&s.tree, "author").as_deref() == Some(m.id.as_str())
                && never_published(&s.tree)
        });
        let seo_free = old.is_none() || own_unpublished;
        let empty = Node {
            value: Value::Map(Vec::new()),
            line: 0,
            col: 0,
        };
        let (a, b) = (old_side.as_ref().map_or(&empty, |s| &s.tree), &new_side.tree);
        let owner = text_of(a, "author")
            .or_else(|| text_of(b, "author"))
            .unwrap_or_default();
        let keys = union_keys(a, b);
        for key in keys {
            let (x, y) = (a.get(&key), b.get(&key));
            if match (x, y) {
                (Some(x), Some(y)) => same(x, y),
                (None, None) => true,
                (Some(n), None) | (None, Some(n)) => n.is_null(),
            } {
                continue;
            }
            let line = b.key(&key).map_or(2, |k| k.line + 1);
            match key.as_str() {
                "seo" if !seo_free => self.seo(x, y, line),
                "seo" => {}
                "status" => self.status(m, a, b, line),
                "assignee" | "due" => self.need(Permission::Assign, line, &key, "set assignee or due"),
                "history" => self.appended(m, x, y, line, "history"),
                "review" => self.review(m, x, y, b, wperm, wdoing),
                "author" => {
                    self.need(wperm, line, "author", wdoing);
                    if !special && !owner.is_empty() && owner != m.id {
                        let doing = format!("change the author of {owner}'s item");
                        self.need(Permission::Review, line, "author", &doing);
                    }
                }
                _ => self.need(wperm, line, &key, wdoing),
            }
        }
        if self.moved {
            // A new file name is a new URL.
            self.need(wperm, 1, "file", wdoing);
            if !special && !owner.is_empty() && owner != m.id {
                self.need(Permission::Review, 1, "file", &format!("move {owner}'s item"));
            }
        }
        self.raw_html(old_side.as_ref(), &new_side);
        let old_body = old_side.as_ref().map_or("", |s| s.body);
        if old_body != new_side.body {
            self.need(wperm, new_side.body_line, "body", wdoing);
            if !special && !owner.is_empty() && owner != m.id {
                let doing = format!("change the body of {owner}'s item");
                self.need(Permission::Review, new_side.body_line, "body", &doing);
            }
        }
    }

    /// Raw HTML is the committer's authority, not the `author:` field's:
    /// the build cannot know who typed it. Every fragment the commit adds
    /// or changes needs `raw_html` (even where the build escapes it today: a
    /// later change of author, role or roles.yaml would let it through),
    /// and so does a change of `author:`/`role:` that makes the build keep
    /// raw HTML it escaped before.
    fn raw_html(&mut self, old: Option<&Side>, new: &Side) {
        let after = raw_html::fragments(new.body, new.body_line);
        if after.is_empty() {
            return;
        }
        let before = old
            .map(|s| raw_html::fragments(s.body, s.body_line))
            .unwrap_or_default();
        if let Some(f) = raw_html::added(&before, &after).first() {
            let doing = format!(
                "add or change raw HTML ('{}' at column {}) in any item, whoever its author is",
                short(&f.html),
                f.col
            );
            let help = "write it in Markdown or a shortcode, or ask a member with 'raw_html' to commit the HTML";
            self.need_helped(Permission::RawHtml, f.line, "body", &doing, help);
        }
        let Some(old) = old else { return };
        if !self.keeps_raw_html(&old.tree) && self.keeps_raw_html(&new.tree) {
            let key = if same_text(&old.tree, &new.tree, "role") {
                "author"
            } else {
                "role"
            };
            let line = new.tree.key(key).map_or(2, |k| k.line + 1);
            let doing = format!(
                "change '{key}' of an item with raw HTML so that the build keeps HTML it escaped before (line {})",
                after[0].line
            );
            let help = "keep author and role as they were, or ask a member with 'raw_html' to make the change";
            self.need_helped(Permission::RawHtml, line, key, &doing, help);
        }
    }

    /// Whether the build keeps raw HTML in an item with front matter
    /// `tree`: its `role:`, else its author's first role, has `raw_html`
    /// (what `content::parse_document` decides the role is).
    fn keeps_raw_html(&self, tree: &Node) -> bool {
        let role = text_of(tree, "role").or_else(|| {
            let author = text_of(tree, "author")?;
            self.roles.member(&author)?.roles.first().cloned()
        });
        role.is_some_and(|r| self.roles.role_can(&r, Permission::RawHtml))
    }

    /// [`Self::need`] with a help text on the violation.
    fn need_helped(&mut self, perm: Permission, line: usize, field: &str, doing: &str, help: &str) {
        let n = self.out.len();
        self.need(perm, line, field, doing);
        if let Some(v) = self.out.get_mut(n) {
            v.help = Some(help.to_string());
        }
    }

    /// Changed seo fields, each at its own line (or the block as a whole
    /// when it is not a mapping on both sides).
    fn seo(&mut self, x: Option<&Node>, y: Option<&Node>, line: usize) {
        let (Some(p), Some(q)) = (x.filter(|n| n.as_map().is_some()), y.filter(|n| n.as_map().is_some())) else {
            self.need(Permission::Seo, line, "seo", "change seo fields");
            return;
        };
        for key in union_keys(p, q) {
            if !p.get(&key).zip(q.get(&key)).is_some_and(|(a, b)| same(a, b)) {
                let at = q.key(&key).map_or(line, |k| k.line + 1);
                self.need(Permission::Seo, at, &format!("seo.{key}"), "change seo fields");
            }
        }
    }

    /// A deleted content file: one's own draft needs the write permission,
    /// anything else `archive`.
    fn deleted(&mut self, m: &Member, wperm: Permission, old: Option<Side>) {
        let tree = old.map(|s| s.tree);
        let status = tree
            .as_ref()
            .and_then(|t| text_of(t, "status"))
            .unwrap_or_else(|| "draft".into());
        let author = tree.as_ref().and_then(|t| text_of(t, "author")).unwrap_or_default();
        if status == "draft" && author == m.id {
            self.need(wperm, 1, "file", "delete their own drafts");
        } else {
            let doing = format!("delete an item that is {status} (by {author})");
            self.need(Permission::Archive, 1, "file", &doing);
        }
    }

    /// A status change: one legal step, by a member who may take it.
    fn status(&mut self, m: &Member, a: &Node, b: &Node, line: usize) {
        let name = |n: &Node| text_of(n, "status").unwrap_or_else(|| "draft".into());
        let (from_s, to_s) = (name(a), name(b));
        let (Some(from), Some(to)) = (Status::parse(&from_s), Status::parse(&to_s)) else {
            let msg = format!("status '{from_s}' -> '{to_s}': not a known state");
            self.push(line, "status", "illegal-transition", msg);
            return;
        };
        if from == to {
            return;
        }
        let Some(action) = action_between(from, to) else {
            let msg = format!(
                "status {from} -> {to} is not a workflow step (draft -> review -> approved -> published; archive from any state; unpublish back to approved; request changes back to draft)"
            );
            self.push(line, "status", "illegal-transition", msg);
            return;
        };
        let doing = match action {
            Action::RequestChanges => format!("request changes ({from} -> {to})"),
            a => format!("{a} ({from} -> {to})"),
        };
        let special = self.file.starts_with("content/specials/");
        self.need(self.roles.permission_for(action, special), line, "status", &doing);
        let author = text_of(b, "author").unwrap_or_default();
        if action == Action::Approve && author == m.id && !self.roles.workflow.self_review {
            let msg = format!("{} approved their own item (workflow.self_review is false)", m.id);
            self.push(line, "status", "self-approval", msg);
        }
        if matches!(action, Action::Approve | Action::Publish) {
            let log = review_log(b);
            let got = approvals(&log, &author, self.roles);
            if !got.met() {
                let msg = format!(
                    "{to} with {} of {} approvals needed since the last request for changes in review.log",
                    got.by.len(),
                    got.required
                );
                self.push(line, "status", "approvals", msg);
            }
        }
    }

    /// The review block: reviewers and other keys need the write
    /// permission; the log is append-only, verdicts need `review`.
    fn review(&mut self, m: &Member, x: Option<&Node>, y: Option<&Node>, b: &Node, wperm: Permission, wdoing: &str) {
        let empty = Node {
            value: Value::Null,
            line: 0,
            col: 0,
        };
        let (x, y) = (x.unwrap_or(&empty), y.unwrap_or(&empty));
        let line_of = |k: &str| y.key(k).or_else(|| b.key("review")).map_or(2, |k| k.line + 1);
        for key in union_keys(x, y) {
            let (p, q) = (x.get(&key), y.get(&key));
            if p.zip(q).is_some_and(|(p, q)| same(p, q)) || (p.is_none_or(Node::is_null) && q.is_none_or(Node::is_null))
            {
                continue;
            }
            let line = line_of(&key);
            if key == "log" {
                let before = self.out.len();
                self.appended(m, p, q, line, "review.log");
                if self.out.len() == before {
                    self.verdicts(m, p, q, b, line);
                }
            } else {
                self.need(wperm, line, &format!("review.{key}"), wdoing);
            }
        }
    }

    /// New review.log entries: recorded by a reviewer, not on their own item.
    fn verdicts(&mut self, m: &Member, p: Option<&Node>, q: Option<&Node>, b: &Node, line: usize) {
        let n_old = items(p).len();
        let author = text_of(b, "author").unwrap_or_default();
        for e in &items(q)[n_old..] {
            self.need(Permission::Review, line, "review.log", "record review verdicts");
            let verdict = text_of(e, "verdict").unwrap_or_default();
            if verdict == "approve" && author == m.id && !self.roles.workflow.self_review {
                let msg = format!("{} approved their own item (workflow.self_review is false)", m.id);
                self.push(line, "review.log", "self-approval", msg);
            }
        }
    }

    /// A list that may only grow at its end, with entries by the committer.
    fn appended(&mut self, m: &Member, p: Option<&Node>, q: Option<&Node>, line: usize, field: &str) {
        let (old, new) = (items(p), items(q));
        let prefix = old.len() <= new.len() && old.iter().zip(new).all(|(a, b)| same(a, b));
        if !prefix {
            let msg =
                format!("{field} entries were changed or removed; {field} is append-only (add new entries at the end)");
            self.push(line, field, "append-only", msg);
            return;
        }
        for e in &new[old.len()..] {
            let by = text_of(e, "by").unwrap_or_default();
            if by != m.id {
                let msg = format!(
                    "a new {field} entry says 'by: {by}' but the commit is by {} ({}); entries are written by the member who commits them",
                    m.id, self.commit.email
                );
                self.push(line, field, "entry-author", msg);
            }
        }
    }
}

/// Which rules a path falls under: files moved within one area are judged
/// as edits.
fn area(path: &str) -> &'static str {
    if path.starts_with("themes/") {
        "theme"
    } else if path == "site.yaml" {
        "site.yaml"
    } else if path == "roles.yaml" {
        "roles.yaml"
    } else if path.starts_with("content/specials/") {
        "specials"
    } else if path.starts_with("content/") {
        "content"
    } else {
        "other"
    }
}

/// The permission that stands for "write" in a folder, and its verb.
fn write_perm(special: bool) -> (Permission, &'static str) {
    if special {
        (Permission::Specials, "change specials")
    } else {
        (Permission::Write, "change content")
    }
}

/// Whether a browser runs a file of this name as markup or script when the
/// site serves it (static/ files are copied to the output as they are).
fn runs_in_browser(path: &str) -> bool {
    const RUN: &[&str] = &[
        "html", "htm", "xhtml", "xht", "shtml", "svg", "svgz", "xml", "xsl", "xslt", "js", "mjs", "wasm",
        // Served as `application/rss+xml` and the like: XML a browser renders, XHTML scripts and all.
        "rss", "atom", "rdf",
    ];
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e).to_ascii_lowercase();
    path.rsplit('/').next().is_some_and(|name| name.contains('.')) && RUN.contains(&ext.as_str())
}

/// Whether an item (its front matter) has never been published: its state
/// is draft, review or approved and no history entry comes from or goes to
/// published.
fn never_published(tree: &Node) -> bool {
    let status = text_of(tree, "status").unwrap_or_else(|| "draft".into());
    let history = tree.get("history");
    matches!(status.as_str(), "draft" | "review" | "approved")
        && items(history).iter().all(|e| {
            ["from", "to"]
                .iter()
                .all(|k| text_of(e, k).as_deref() != Some("published"))
        })
}

fn same_text(a: &Node, b: &Node, key: &str) -> bool {
    text_of(a, key) == text_of(b, key)
}

/// The first 40 characters of a fragment, for a message.
fn short(html: &str) -> String {
    match html.char_indices().nth(40) {
        Some((i, _)) => format!("{}...", &html[..i]),
        None => html.to_string(),
    }
}

fn text_of(n: &Node, key: &str) -> Option<String> {
    n.get(key).and_then(Node::scalar_text)
}

fn items(n: Option<&Node>) -> &[Node] {
    match n.map(|n| &n.value) {
        Some(Value::Seq(items)) => items,
        _ => &[],
    }
}

/// Keys of `a` then keys only in `b`, in source order.
fn union_keys(a: &Node, b: &Node) -> Vec<String> {
    let mut keys: Vec<String> = a
        .as_map()
        .unwrap_or_default()
        .iter()
        .map(|(k, _)| k.name.clone())
        .collect();
    for (k, _) in b.as_map().unwrap_or_default() {
        if !keys.contains(&k.name) {
            keys.push(k.name.clone());
        }
    }
    keys
}

/// review.log of a front-matter tree, typed enough for [`approvals`].
fn review_log(tree: &Node) -> Vec<ReviewEntry> {
    let log = tree.get("review").and_then(|r| r.get("log"));
    items(log)
        .iter()
        .filter_map(|e| {
            Some(ReviewEntry {
                at: When::parse(&text_of(e, "at")?)?,
                by: text_of(e, "by")?,
                verdict: text_of(e, "verdict")?,
                note: text_of(e, "note"),
            })
        })
        .collect()
}

#[cfg(test)]
#[path = "policy_tests.rs"]
mod tests;
