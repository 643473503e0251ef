//! The team as content parsing sees it: members and the roles they write as.
//!
//! Input: a parsed front matter ([`Meta`]) and the members of roles.yaml
//! (anything implementing [`Members`]; the workflow's `Roles` does).
//! Output: the role the author writes as, and a diagnostic for every
//! author, role, assignee or reviewer roles.yaml does not know. This is the
//! content layer's own view of the team, so parsing never reaches up into
//! the workflow.

use super::Meta;
use crate::diagnostic::{did_you_mean, Diagnostic};
use serde::Serialize;
use std::path::Path;

/// A member of the team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    /// The id used in front matter (`author: alice`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// The email their git commits carry.
    pub email: String,
    /// Role names, first is the default one they write as.
    pub roles: Vec<String>,
}

/// Who is on the team: what the people checks ask of roles.yaml.
pub trait Members {
    /// The member with this id.
    fn find_member(&self, id: &str) -> Option<&Member>;
    /// Every member id, sorted.
    fn member_ids(&self) -> Vec<&str>;
}

impl<T: Members + ?Sized> Members for &T {
    fn find_member(&self, id: &str) -> Option<&Member> {
        (**self).find_member(id)
    }

    fn member_ids(&self) -> Vec<&str> {
        (**self).member_ids()
    }
}

/// Checks author, role, assignee and reviewers against roles.yaml; returns
/// the role the author writes as.
pub fn check(rel: &Path, meta: &Meta, roles: &impl Members, diags: &mut Vec<Diagnostic>) -> String {
    let unknown = |field: &str, id: &str, diags: &mut Vec<Diagnostic>| {
        let (l, c) = meta.pos(field);
        let help = match did_you_mean(id, roles.member_ids()) {
            Some(s) => format!("did you mean '{s}'?"),
            None => "add them to members: in roles.yaml, or use an existing member id".to_string(),
        };
        diags.push(
            Diagnostic::error("ROL004", rel, format!("{field} '{id}' is not a member in roles.yaml"))
                .at(l, c)
                .help(help),
        );
    };
    if roles.member_ids().is_empty() {
        return meta.role.clone().unwrap_or_default();
    }
    let role = match roles.find_member(&meta.author) {
        None => {
            unknown("author", &meta.author, diags);
            meta.role.clone().unwrap_or_default()
        }
        Some(m) => match &meta.role {
            None => m.roles.first().cloned().unwrap_or_default(),
            Some(r) if m.roles.contains(r) => r.clone(),
            Some(r) => {
                let (l, c) = meta.pos("role");
                diags.push(
                    Diagnostic::error("ROL005", rel, format!("{} does not have the role '{r}'", m.id))
                        .at(l, c)
                        .help(format!(
                            "{}'s roles: {}; use one of them or remove 'role:'",
                            m.id,
                            m.roles.join(", ")
                        )),
                );
                r.clone()
            }
        },
    };
    if let Some(a) = &meta.assignee {
        if roles.find_member(a).is_none() {
            unknown("assignee", a, diags);
        }
    }
    for who in &meta.review.reviewers {
        if roles.find_member(who).is_none() {
            unknown("review", who, diags);
        }
    }
    role
}
