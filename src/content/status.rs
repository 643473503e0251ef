//! The editorial states an item can be in, as front matter spells them.
//!
//! Input: a `status:` value. Output: [`Status`]. Lives in the content layer
//! because parsing front matter needs it; the workflow (which moves items
//! between states) re-exports it.

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
