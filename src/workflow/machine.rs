//! The state machine: which action moves an item from which state to which,
//! which permission each action needs, and the approvals rule.
//!
//! Input: a state, an action, a review log. Output: the next state, or
//! `None` when the action is impossible there. Pure functions: the CLI
//! commands and the git-range policy check both judge by this one table.

use super::roles::{Permission, Roles};
use super::Status;
use crate::content::meta::ReviewEntry;
use serde::Serialize;
use std::fmt;

/// Something a member does to an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// draft -> review.
    Submit,
    /// Record an approval; review -> approved once enough are on record.
    Approve,
    /// review -> draft, with a note saying what to change.
    RequestChanges,
    /// approved -> published (now, or scheduled with `publish_at`).
    Publish,
    /// published -> approved.
    Unpublish,
    /// Any state but archived -> archived.
    Archive,
    /// Set assignee and due; the state stays.
    Assign,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 7] = [
        Action::Submit,
        Action::Approve,
        Action::RequestChanges,
        Action::Publish,
        Action::Unpublish,
        Action::Archive,
        Action::Assign,
    ];

    /// The spelling used in history entries and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::Approve => "approve",
            Action::RequestChanges => "request-changes",
            Action::Publish => "publish",
            Action::Unpublish => "unpublish",
            Action::Archive => "archive",
            Action::Assign => "assign",
        }
    }

    /// The permission a member needs to do it.
    pub fn permission(self) -> Permission {
        match self {
            Action::Submit => Permission::Submit,
            Action::Approve | Action::RequestChanges => Permission::Review,
            Action::Publish | Action::Unpublish => Permission::Publish,
            Action::Archive => Permission::Archive,
            Action::Assign => Permission::Assign,
        }
    }

    /// The states the action starts from, for "only ... items can be ..." messages.
    pub fn starts_from(self) -> Vec<Status> {
        Status::ALL.into_iter().filter(|&s| next(s, self).is_some()).collect()
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The state `action` leads to from `from`, or `None` when it is impossible.
/// `Approve` is listed with its destination; whether an item really moves
/// depends on the approvals rule ([`approvals`]), checked by the caller.
pub fn next(from: Status, action: Action) -> Option<Status> {
    use Status::*;
    match (action, from) {
        (Action::Submit, Draft) => Some(Review),
        (Action::Approve, Review) => Some(Approved),
        (Action::RequestChanges, Review) => Some(Draft),
        (Action::Publish, Approved) => Some(Published),
        (Action::Unpublish, Published) => Some(Approved),
        (Action::Archive, s) if s != Archived => Some(Archived),
        (Action::Assign, s) => Some(s),
        _ => None,
    }
}

/// The one action that moves `from` to a different state `to`, if any
/// (used to judge a status change found in a commit).
pub fn action_between(from: Status, to: Status) -> Option<Action> {
    if from == to {
        return None;
    }
    Action::ALL.into_iter().find(|&a| next(from, a) == Some(to))
}

/// The approvals on record for an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Approvals {
    /// Members whose approval counts, in the order they approved.
    pub by: Vec<String>,
    /// How many are needed (`workflow.approvals_required`).
    pub required: usize,
}

impl Approvals {
    /// Whether enough approvals are on record.
    pub fn met(&self) -> bool {
        self.by.len() >= self.required
    }
}

/// The approvals that count: `approve` verdicts after the last
/// `request-changes`, from distinct members who have the `review`
/// permission, not from the author unless `workflow.self_review`.
pub fn approvals(log: &[ReviewEntry], author: &str, roles: &Roles) -> Approvals {
    let mut by: Vec<String> = Vec::new();
    for e in log {
        match e.verdict.as_str() {
            "request-changes" => by.clear(),
            "approve" => {
                let eligible = roles
                    .member(&e.by)
                    .is_some_and(|m| roles.member_can(m, Permission::Review));
                let own = e.by == author && !roles.workflow.self_review;
                if eligible && !own && !by.contains(&e.by) {
                    by.push(e.by.clone());
                }
            }
            _ => {}
        }
    }
    Approvals {
        by,
        required: roles.workflow.approvals_required,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::When;
    use std::path::Path;
    use Status::*;

    /// The whole table, written out: every state x every action.
    const TABLE: [(Status, [Option<Status>; 7]); 5] = [
        //          submit        approve         request-changes publish          unpublish       archive         assign
        (
            Draft,
            [Some(Review), None, None, None, None, Some(Archived), Some(Draft)],
        ),
        (
            Review,
            [
                None,
                Some(Approved),
                Some(Draft),
                None,
                None,
                Some(Archived),
                Some(Review),
            ],
        ),
        (
            Approved,
            [None, None, None, Some(Published), None, Some(Archived), Some(Approved)],
        ),
        (
            Published,
            [None, None, None, None, Some(Approved), Some(Archived), Some(Published)],
        ),
        (Archived, [None, None, None, None, None, None, Some(Archived)]),
    ];

    #[test]
    fn every_state_and_action() {
        for (from, row) in TABLE {
            for (action, want) in Action::ALL.into_iter().zip(row) {
                assert_eq!(next(from, action), want, "{from} x {action}");
            }
        }
    }

    #[test]
    fn status_changes_map_back_to_one_action() {
        for from in Status::ALL {
            for to in Status::ALL {
                let found = action_between(from, to);
                let expected = Action::ALL
                    .into_iter()
                    .filter(|&a| a != Action::Assign && next(from, a) == Some(to) && from != to)
                    .collect::<Vec<_>>();
                assert!(expected.len() <= 1, "{from}->{to} is ambiguous: {expected:?}");
                assert_eq!(found, expected.first().copied(), "{from}->{to}");
            }
        }
        assert_eq!(action_between(Draft, Published), None);
        assert_eq!(action_between(Published, Approved), Some(Action::Unpublish));
    }

    #[test]
    fn permissions_and_starting_states() {
        assert_eq!(Action::RequestChanges.permission(), Permission::Review);
        assert_eq!(Action::Unpublish.permission(), Permission::Publish);
        assert_eq!(Action::Publish.starts_from(), vec![Approved]);
        assert_eq!(Action::Archive.starts_from(), vec![Draft, Review, Approved, Published]);
    }

    fn roles(required: usize, self_review: bool) -> Roles {
        let text = format!(
            "members:\n  alice: {{email: a@x, roles: [copywriter]}}\n  bob: {{email: b@x, roles: [editor]}}\n  erin: {{email: e@x, roles: [manager]}}\n  li: {{email: l@x, roles: [manager]}}\nworkflow:\n  approvals_required: {required}\n  self_review: {self_review}\n"
        );
        let mut d = Vec::new();
        let r = Roles::parse(&text, Path::new("roles.yaml"), &mut d);
        assert!(d.is_empty(), "{d:?}");
        r
    }

    fn entry(by: &str, verdict: &str) -> ReviewEntry {
        ReviewEntry {
            at: When::parse("2026-11-20").unwrap(),
            by: by.into(),
            verdict: verdict.into(),
            note: None,
        }
    }

    #[test]
    fn approvals_count_distinct_eligible_members_since_the_last_request() {
        let r = roles(2, false);
        let log = [
            entry("bob", "approve"),
            entry("erin", "request-changes"),
            entry("bob", "approve"),
            entry("bob", "approve"),
            entry("alice", "approve"),
            entry("li", "approve"),
        ];
        let a = approvals(&log, "li", &r);
        // li is the author, alice has no review permission, bob counts once.
        assert_eq!(a.by, vec!["bob"]);
        assert!(!a.met());
        let a = approvals(&log, "alice", &r);
        assert_eq!(a.by, vec!["bob", "li"]);
        assert!(a.met());
        let a = approvals(&log, "li", &roles(2, true));
        assert_eq!(a.by, vec!["bob", "li"]);
        assert!(approvals(&[], "alice", &roles(0, false)).met());
    }
}
