//! roles.yaml: who may do what.
//!
//! Input: the site root. Output: [`Roles`] (roles with permissions, members,
//! workflow rules) plus diagnostics. A roles.yaml without a `roles:` block
//! gets the standard roles of the default table, so a team only lists its
//! members. The same table judges CLI commands and commits in `check --since`.

use crate::diagnostic::{Diagnostic, Error, Result};
use crate::yaml::{self, Node, Reader, Value};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// One thing a role may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Write content bodies and non-SEO fields.
    Write,
    /// Move draft -> review.
    Submit,
    /// Approve or request changes.
    Review,
    /// approved -> published (now or scheduled), and unpublish.
    Publish,
    /// Archive.
    Archive,
    /// Set assignee and due.
    Assign,
    /// The `seo:` block.
    Seo,
    /// Files under themes/.
    Theme,
    /// Files under content/specials/.
    Specials,
    /// Raw HTML in Markdown survives (otherwise sanitized).
    RawHtml,
    /// site.yaml and roles.yaml.
    Config,
}

impl Permission {
    /// Every permission, in roles.yaml spelling order.
    pub const ALL: [Permission; 11] = [
        Permission::Write,
        Permission::Submit,
        Permission::Review,
        Permission::Publish,
        Permission::Archive,
        Permission::Assign,
        Permission::Seo,
        Permission::Theme,
        Permission::Specials,
        Permission::RawHtml,
        Permission::Config,
    ];

    /// The roles.yaml spelling.
    pub fn name(self) -> &'static str {
        match self {
            Permission::Write => "write",
            Permission::Submit => "submit",
            Permission::Review => "review",
            Permission::Publish => "publish",
            Permission::Archive => "archive",
            Permission::Assign => "assign",
            Permission::Seo => "seo",
            Permission::Theme => "theme",
            Permission::Specials => "specials",
            Permission::RawHtml => "raw_html",
            Permission::Config => "config",
        }
    }

    /// Parses the roles.yaml spelling.
    pub fn parse(s: &str) -> Option<Permission> {
        Self::ALL.into_iter().find(|p| p.name() == s)
    }
}

pub use crate::content::people::Member;

/// Rules of the review process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkflowRules {
    /// Approvals on record before publishing.
    pub approvals_required: usize,
    /// Whether an author may approve their own work.
    pub self_review: bool,
    /// Days an item may wait in review before the board flags it.
    pub review_days: u64,
    /// An author may change every field of their own item, `seo:`
    /// included, until it is first published (after that `seo` needs the
    /// `seo` permission). Default on; `false` makes `seo:` need `seo` always.
    pub author_seo_until_published: bool,
    /// Members whose role has `specials` may submit specials (draft ->
    /// review) without `submit`. Default on.
    pub specials_submit: bool,
}

impl Default for WorkflowRules {
    fn default() -> Self {
        Self {
            approvals_required: 1,
            self_review: false,
            review_days: 3,
            author_seo_until_published: true,
            specials_submit: true,
        }
    }
}

/// roles.yaml, validated.
#[derive(Debug, Clone, Default)]
pub struct Roles {
    /// Role name -> its permissions.
    pub roles: BTreeMap<String, Vec<Permission>>,
    /// Member id -> member.
    pub members: BTreeMap<String, Member>,
    /// Review rules.
    pub workflow: WorkflowRules,
}

/// The keys of roles.yaml's `workflow:` block (docs/workflow.md lists them
/// with their defaults).
pub const WORKFLOW_KEYS: &[&str] = &[
    "approvals_required",
    "self_review",
    "review_days",
    "author_seo_until_published",
    "specials_submit",
];

/// The standard roles, used when roles.yaml has no `roles:` block.
pub const DEFAULT_ROLES: &[(&str, &[&str])] = &[
    (
        "manager",
        &[
            "write", "submit", "review", "publish", "archive", "assign", "seo", "theme", "specials", "raw_html",
            "config",
        ],
    ),
    ("editor", &["write", "submit", "review", "publish", "archive", "assign"]),
    ("copywriter", &["write", "submit"]),
    ("artist", &["theme", "specials"]),
    ("planner", &["specials", "assign"]),
    ("optimizer", &["seo"]),
    ("programmer", &["theme", "raw_html", "config"]),
];

impl Roles {
    /// Reads `root/roles.yaml`; a missing file is an error diagnostic.
    pub fn load(root: &Path, diags: &mut Vec<Diagnostic>) -> Result<Roles> {
        let path = root.join("roles.yaml");
        match std::fs::read_to_string(&path) {
            Ok(t) => Ok(Self::parse(&t, Path::new("roles.yaml"), diags)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                diags.push(
                    Diagnostic::error(
                        "ROL001",
                        "roles.yaml",
                        "roles.yaml not found: every author must be a member",
                    )
                    .help("create roles.yaml with a 'members:' block, or run 'punchline init' for an example"),
                );
                Ok(Roles::default())
            }
            Err(e) => Err(Error::io(&path, e)),
        }
    }

    /// Parses roles.yaml text; `rel` names the file in diagnostics.
    pub fn parse(text: &str, rel: &Path, diags: &mut Vec<Diagnostic>) -> Roles {
        let mut out = Roles::default();
        let node = match yaml::parse(text) {
            Ok(n) => n,
            Err(e) => {
                diags.push(
                    Diagnostic::error("ROL001", rel, format!("roles.yaml is not valid YAML: {}", e.message))
                        .at(e.line, e.col)
                        .help("fix the YAML syntax at this position"),
                );
                return out;
            }
        };
        let mut r = Reader {
            path: rel,
            line_offset: 0,
            diags,
        };
        r.check_keys(&node, &["roles", "members", "workflow"], "roles.yaml");
        out.roles = match r.map(&node, "roles") {
            Some(roles) => read_roles(&mut r, roles),
            None => DEFAULT_ROLES
                .iter()
                .map(|(n, ps)| (n.to_string(), ps.iter().filter_map(|p| Permission::parse(p)).collect()))
                .collect(),
        };
        if let Some(members) = r.map(&node, "members") {
            out.members = read_members(&mut r, members, &out.roles);
        } else {
            r.error(
                "ROL001",
                1,
                1,
                "roles.yaml has no 'members:' block".into(),
                Some(
                    "list the team: members: {alice: {name: Alice, email: alice@example.com, roles: [copywriter]}}"
                        .into(),
                ),
            );
        }
        if let Some(wf) = r.map(&node, "workflow") {
            r.check_keys(wf, WORKFLOW_KEYS, "workflow");
            if let Some(n) = r.uint(wf, "approvals_required") {
                out.workflow.approvals_required = n as usize;
            }
            if let Some(b) = r.boolean(wf, "self_review") {
                out.workflow.self_review = b;
            }
            if let Some(n) = r.uint(wf, "review_days") {
                out.workflow.review_days = n;
            }
            if let Some(b) = r.boolean(wf, "author_seo_until_published") {
                out.workflow.author_seo_until_published = b;
            }
            if let Some(b) = r.boolean(wf, "specials_submit") {
                out.workflow.specials_submit = b;
            }
        }
        out
    }

    /// A member by id.
    pub fn member(&self, id: &str) -> Option<&Member> {
        self.members.get(id)
    }

    /// The member whose email is `email` (case-insensitive).
    pub fn member_by_email(&self, email: &str) -> Option<&Member> {
        self.members
            .values()
            .find(|m| m.email.eq_ignore_ascii_case(email.trim()))
    }

    /// Whether `role` grants `perm`.
    pub fn role_can(&self, role: &str, perm: Permission) -> bool {
        self.roles.get(role).is_some_and(|ps| ps.contains(&perm))
    }

    /// Whether any of the member's roles grants `perm`.
    pub fn member_can(&self, member: &Member, perm: Permission) -> bool {
        member.roles.iter().any(|r| self.role_can(r, perm))
    }

    /// The permission `action` needs on an item (`special`: under
    /// content/specials/): as the transition table says, except that
    /// submitting a special needs `specials` when `workflow.specials_submit`.
    pub fn permission_for(&self, action: super::machine::Action, special: bool) -> Permission {
        match action {
            super::machine::Action::Submit if special && self.workflow.specials_submit => Permission::Specials,
            a => a.permission(),
        }
    }

    /// Ids of the members who have `perm`, for "who may do it" messages.
    pub fn who_can(&self, perm: Permission) -> Vec<&str> {
        self.members
            .values()
            .filter(|m| self.member_can(m, perm))
            .map(|m| m.id.as_str())
            .collect()
    }
}

fn read_roles(r: &mut Reader, roles: &Node) -> BTreeMap<String, Vec<Permission>> {
    let mut out = BTreeMap::new();
    for (k, v) in roles.as_map().unwrap_or_default() {
        r.check_keys(v, &["can"], &format!("role '{}'", k.name));
        let mut perms = Vec::new();
        for name in r.string_list(v, "can") {
            match Permission::parse(&name) {
                Some(p) => perms.push(p),
                None => {
                    let at = v.get("can").map_or((k.line, k.col), |n| (n.line, n.col));
                    let names = Permission::ALL.map(Permission::name);
                    let help = crate::diagnostic::did_you_mean(&name, names)
                        .map(|s| format!("did you mean '{s}'?"))
                        .unwrap_or_else(|| format!("permissions are: {}", names.join(", ")));
                    r.error(
                        "ROL002",
                        at.0,
                        at.1,
                        format!("unknown permission '{name}' in role '{}'", k.name),
                        Some(help),
                    );
                }
            }
        }
        out.insert(k.name.clone(), perms);
    }
    out
}

fn read_members(r: &mut Reader, members: &Node, roles: &BTreeMap<String, Vec<Permission>>) -> BTreeMap<String, Member> {
    let mut out = BTreeMap::new();
    for (k, v) in members.as_map().unwrap_or_default() {
        let what = format!("member '{}'", k.name);
        if !matches!(v.value, Value::Map(_)) {
            r.type_error(&k.name, v, "a mapping {name, email, roles}");
            continue;
        }
        r.check_keys(v, &["name", "email", "roles"], &what);
        let email = r.required_string(v, "email", &what).unwrap_or_default();
        let member_roles = r.string_list(v, "roles");
        if member_roles.is_empty() {
            r.error(
                "ROL003",
                k.line,
                k.col,
                format!("{what} has no roles"),
                Some("add roles: [copywriter] (or another role)".into()),
            );
        }
        for role in &member_roles {
            if !roles.contains_key(role) {
                let at = v.get("roles").map_or((k.line, k.col), |n| (n.line, n.col));
                let help = crate::diagnostic::did_you_mean(role, roles.keys().map(String::as_str))
                    .map(|s| format!("did you mean '{s}'?"))
                    .unwrap_or_else(|| format!("roles are: {}", roles.keys().cloned().collect::<Vec<_>>().join(", ")));
                r.error(
                    "ROL002",
                    at.0,
                    at.1,
                    format!("{what} has unknown role '{role}'"),
                    Some(help),
                );
            }
        }
        out.insert(
            k.name.clone(),
            Member {
                id: k.name.clone(),
                name: r.string(v, "name").unwrap_or_else(|| k.name.clone()),
                email,
                roles: member_roles,
            },
        );
    }
    out
}

/// What content parsing needs of roles.yaml: who the members are.
impl crate::content::people::Members for Roles {
    fn find_member(&self, id: &str) -> Option<&Member> {
        self.members.get(id)
    }

    fn member_ids(&self) -> Vec<&str> {
        self.members.keys().map(String::as_str).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROLES: &str = "roles:\n  editor: {can: [write, review, publish]}\n  copywriter: {can: [write, submit]}\nmembers:\n  alice: {name: Alice, email: alice@example.com, roles: [copywriter]}\n  bob: {name: Bob, email: Bob@Example.com, roles: [editor, copywriter]}\nworkflow:\n  approvals_required: 2\n";

    #[test]
    fn reads_roles_members_and_rules() {
        let mut d = Vec::new();
        let r = Roles::parse(ROLES, Path::new("roles.yaml"), &mut d);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(r.workflow.approvals_required, 2);
        assert!(!r.workflow.self_review);
        let bob = r.member_by_email("bob@example.com").unwrap();
        assert_eq!(bob.id, "bob");
        assert!(r.member_can(bob, Permission::Publish));
        assert!(!r.member_can(r.member("alice").unwrap(), Permission::Publish));
        assert_eq!(r.who_can(Permission::Review), vec!["bob"]);
    }

    #[test]
    fn missing_roles_block_uses_the_standard_table() {
        let mut d = Vec::new();
        let r = Roles::parse(
            "members:\n  a: {email: a@x, roles: [optimizer]}\n",
            Path::new("roles.yaml"),
            &mut d,
        );
        assert!(d.is_empty(), "{d:?}");
        assert!(r.role_can("optimizer", Permission::Seo));
        assert!(r.role_can("manager", Permission::RawHtml));
    }

    #[test]
    fn unknown_role_and_permission_are_located() {
        let mut d = Vec::new();
        Roles::parse(
            "roles:\n  editor: {can: [publsh]}\nmembers:\n  a: {email: a@x, roles: [editr]}\n",
            Path::new("roles.yaml"),
            &mut d,
        );
        let text: Vec<String> = d.iter().map(|d| d.to_string()).collect();
        assert_eq!(d.len(), 2, "{text:?}");
        assert!(
            text[0].contains("roles.yaml:2:") && text[0].contains("did you mean 'publish'?"),
            "{text:?}"
        );
        assert!(
            text[1].contains("roles.yaml:4:") && text[1].contains("did you mean 'editor'?"),
            "{text:?}"
        );
    }
}
