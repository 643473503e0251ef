//! Who runs a workflow command, and how refusals name who may do it instead.
//!
//! Input: roles.yaml, `--as MEMBER`, `--role ROLE` and (without `--as`) the
//! git user's email in the site root. Output: an [`Actor`] with the roles it
//! acts in, or a one-line diagnostic saying what to do.

use super::roles::{Member, Permission, Roles};
use crate::diagnostic::{did_you_mean, Diagnostic};
use std::path::Path;
use std::process::Command;

/// A member acting in one or more of their roles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The member.
    pub member: Member,
    /// The roles they act in: the one given with `--role`, else all of theirs.
    pub roles: Vec<String>,
}

impl Actor {
    /// Resolves the actor: `--as` first, else the member whose email equals
    /// `git config user.email` (read in `root`).
    pub fn resolve(
        roles: &Roles,
        as_member: Option<&str>,
        role: Option<&str>,
        root: &Path,
    ) -> Result<Actor, Diagnostic> {
        let member = match as_member {
            Some(id) => roles.member(id).ok_or_else(|| unknown_member(roles, id))?,
            None => match git_email(root) {
                Some(email) => roles.member_by_email(&email).ok_or_else(|| {
                    Diagnostic::error(
                        "WF001",
                        "roles.yaml",
                        format!("git user.email '{email}' is not the address of any member in roles.yaml"),
                    )
                    .help("pass --as MEMBER, or set git config user.email to a member's address")
                })?,
                None => {
                    return Err(Diagnostic::error(
                        "WF001",
                        "roles.yaml",
                        "cannot tell who you are: no --as and no git user.email",
                    )
                    .help("pass --as MEMBER, or set git config user.email to a member's address"))
                }
            },
        };
        let acting = match role {
            None => member.roles.clone(),
            Some(r) if member.roles.iter().any(|m| m == r) => vec![r.to_string()],
            Some(r) => {
                return Err(Diagnostic::error(
                    "WF002",
                    "roles.yaml",
                    format!("{} does not have the role '{r}'", member.id),
                )
                .help(format!(
                    "{}'s roles: {}; pass one of them to --role or leave --role out",
                    member.id,
                    member.roles.join(", ")
                )))
            }
        };
        Ok(Actor {
            member: member.clone(),
            roles: acting,
        })
    }

    /// The member id.
    pub fn id(&self) -> &str {
        &self.member.id
    }

    /// Whether any role the actor acts in grants `perm`.
    pub fn can(&self, roles: &Roles, perm: Permission) -> bool {
        self.roles.iter().any(|r| roles.role_can(r, perm))
    }

    /// `alice (copywriter)`, for messages.
    pub fn label(&self) -> String {
        format!("{} ({})", self.member.id, self.roles.join(", "))
    }

    /// The first role the actor acts in that grants `perm` (the `role:` a
    /// new item is written as).
    pub fn role_with(&self, roles: &Roles, perm: Permission) -> Option<&str> {
        self.roles.iter().find(|r| roles.role_can(r, perm)).map(String::as_str)
    }
}

/// `alice (copywriter) cannot publish; members with 'publish': bob, erin`.
/// `who` is the `name (roles)` label, `doing` what they tried.
pub fn refusal(roles: &Roles, who: &str, doing: &str, perm: Permission) -> String {
    format!("{who} cannot {doing}; {}", who_may(roles, perm))
}

/// `members with 'publish': bob, erin` (or a hint when nobody has it).
pub fn who_may(roles: &Roles, perm: Permission) -> String {
    let names = roles.who_can(perm);
    if names.is_empty() {
        format!(
            "no member has '{}' (give a role with it to someone in roles.yaml)",
            perm.name()
        )
    } else {
        format!("members with '{}': {}", perm.name(), names.join(", "))
    }
}

/// The "no such member" diagnostic, with a did-you-mean.
pub fn unknown_member(roles: &Roles, id: &str) -> Diagnostic {
    let help = match did_you_mean(id, roles.members.keys().map(String::as_str)) {
        Some(s) => format!("did you mean '{s}'?"),
        None => format!(
            "members are: {}",
            roles.members.keys().cloned().collect::<Vec<_>>().join(", ")
        ),
    };
    Diagnostic::error("WF001", "roles.yaml", format!("'{id}' is not a member in roles.yaml")).help(help)
}

/// `git config user.email` in `root`; `None` when unset or git is missing.
fn git_email(root: &Path) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["config", "user.email"])
        .output()
        .ok()?;
    let email = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && !email.is_empty()).then_some(email)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles() -> Roles {
        let mut d = Vec::new();
        Roles::parse(
            "members:\n  alice: {email: a@x, roles: [copywriter]}\n  li: {email: l@x, roles: [copywriter, editor]}\n  bob: {email: b@x, roles: [editor]}\n",
            Path::new("roles.yaml"),
            &mut d,
        )
    }

    #[test]
    fn as_member_and_role() {
        let r = roles();
        let dir = tempfile::tempdir().unwrap();
        let li = Actor::resolve(&r, Some("li"), None, dir.path()).unwrap();
        assert!(li.can(&r, Permission::Publish));
        assert_eq!(li.label(), "li (copywriter, editor)");
        let li = Actor::resolve(&r, Some("li"), Some("copywriter"), dir.path()).unwrap();
        assert!(!li.can(&r, Permission::Publish));
        let e = Actor::resolve(&r, Some("li"), Some("manager"), dir.path()).unwrap_err();
        assert_eq!(e.message, "li does not have the role 'manager'");
        let e = Actor::resolve(&r, Some("alcie"), None, dir.path()).unwrap_err();
        assert!(e.to_string().contains("did you mean 'alice'?"), "{e}");
    }

    #[test]
    fn refusals_name_who_may() {
        let r = roles();
        let alice = Actor::resolve(&r, Some("alice"), None, Path::new(".")).unwrap();
        assert_eq!(
            refusal(&r, &alice.label(), "publish", Permission::Publish),
            "alice (copywriter) cannot publish; members with 'publish': bob, li"
        );
        assert!(refusal(&r, "x", "change seo fields", Permission::Seo).contains("no member has 'seo'"));
    }
}
