//! The editorial workflow: roles, states and what moves an item between them.
//!
//! Input: roles.yaml and documents' front matter. Output: permission
//! decisions, state transitions and edits of front matter fields. Invariant:
//! this is the only module that writes under content/.
//!
//! - [`roles`]: roles.yaml; [`actor`]: who runs a command.
//! - [`machine`]: the transition table and the approvals rule (pure).
//! - [`act`]: submit/approve/... on files, all checked before any is written;
//!   [`edit`]: the surgical front-matter edits they make; [`files`]: paths,
//!   per-file locks and atomic writes; [`new`]: new drafts.
//! - [`board`] and [`schedule`]: read-only views for people and CI.
//! - [`policy`]: `check --since`, judging commits read by [`git`];
//!   [`sarif`]: its SARIF output.

pub mod act;
pub mod actor;
pub mod board;
pub mod edit;
pub mod files;
pub mod git;
pub mod machine;
pub mod new;
pub mod policy;
pub mod roles;
pub mod sarif;
pub mod schedule;

use serde::Serialize;
use std::fmt;

/// Where an item is in the editorial process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Being written.
    Draft,
    /// Waiting for a reviewer.
    Review,
    /// Approved, not yet published.
    Approved,
    /// Published (live once `publish_at` has passed).
    Published,
    /// Taken off the site, kept for the record.
    Archived,
}

impl Status {
    /// Every state, in workflow order.
    pub const ALL: [Status; 5] = [
        Status::Draft,
        Status::Review,
        Status::Approved,
        Status::Published,
        Status::Archived,
    ];

    /// The front-matter spelling.
    pub fn name(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Review => "review",
            Status::Approved => "approved",
            Status::Published => "published",
            Status::Archived => "archived",
        }
    }

    /// Parses the front-matter spelling.
    pub fn parse(s: &str) -> Option<Status> {
        Self::ALL.into_iter().find(|st| st.name() == s)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
