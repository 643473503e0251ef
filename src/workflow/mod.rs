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

pub use crate::content::Status;
