//! When the live site changes by itself: the instants at which a rebuild
//! changes what readers see, with nobody committing anything.
//!
//! Input: parsed documents and the clock. Output: [`Event`]s after `now`,
//! soonest first. Only published items count (nothing else is live). An item
//! is live from the later of `publish_at` and its campaign start until the
//! earlier of `expires` and its campaign end, the same rule the build uses
//! (`site::routes::visibility`); an item whose window is empty never shows
//! and yields no event.

use super::Status;
use crate::clock::When;
use crate::content::Document;
use jiff::Timestamp;
use serde::Serialize;

/// What happens at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    /// A scheduled item goes live (`publish_at` arrives).
    Publish,
    /// A special's campaign starts: it goes live.
    CampaignStart,
    /// An item leaves the site (`expires` passes).
    Expire,
    /// A special's campaign ends: it leaves the site.
    CampaignEnd,
}

impl Change {
    /// For people.
    pub fn describe(self) -> &'static str {
        match self {
            Change::Publish => "goes live (publish_at)",
            Change::CampaignStart => "goes live (campaign starts)",
            Change::Expire => "leaves the site (expires)",
            Change::CampaignEnd => "leaves the site (campaign ends)",
        }
    }
}

/// One future change of the live site.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// When (serialized as RFC 3339 UTC).
    pub at: When,
    /// The file, from the site root.
    pub file: String,
    /// Its title.
    pub title: String,
    /// What happens.
    pub change: Change,
}

/// Every future change after `now`, soonest first (then by file).
pub fn upcoming(docs: &[Document], now: Timestamp) -> Vec<Event> {
    let mut events = Vec::new();
    for d in docs.iter().filter(|d| d.meta.status == Status::Published) {
        let m = &d.meta;
        let (starts, ends) = m.special.as_ref().map_or((None, None), |s| (s.starts, s.ends));
        let on = later((m.publish_at, Change::Publish), (starts, Change::CampaignStart));
        let off = earlier((m.expires, Change::Expire), (ends, Change::CampaignEnd));
        if let (Some((a, _)), Some((b, _))) = (on, off) {
            if a.ts >= b.ts {
                continue;
            }
        }
        let mut push = |(at, change): (When, Change)| {
            if at.ts > now {
                events.push(Event {
                    at,
                    file: d.path.to_string_lossy().replace('\\', "/"),
                    title: m.title.clone(),
                    change,
                });
            }
        };
        if off.is_some_and(|(b, _)| b.ts <= now) {
            continue;
        }
        on.into_iter().chain(off).for_each(&mut push);
    }
    events.sort_by(|x, y| (x.at.ts, &x.file, x.change).cmp(&(y.at.ts, &y.file, y.change)));
    events
}

type Edge = (Option<When>, Change);

fn later(a: Edge, b: Edge) -> Option<(When, Change)> {
    match (a, b) {
        ((Some(x), c), (Some(y), _)) if x.ts >= y.ts => Some((x, c)),
        (_, (Some(y), c)) => Some((y, c)),
        ((Some(x), c), _) => Some((x, c)),
        _ => None,
    }
}

fn earlier(a: Edge, b: Edge) -> Option<(When, Change)> {
    match (a, b) {
        ((Some(x), c), (Some(y), _)) if x.ts <= y.ts => Some((x, c)),
        (_, (Some(y), c)) => Some((y, c)),
        ((Some(x), c), _) => Some((x, c)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::roles::Roles;
    use std::path::Path;

    fn doc(rel: &str, fm: &str) -> Document {
        let text = format!("---\ntitle: T\ndate: 2026-11-01\nauthor: a\n{fm}---\n");
        let (d, diags) = crate::content::parse_document(Path::new(rel), &text, &Roles::default());
        assert!(diags.is_empty(), "{diags:?}");
        d.unwrap()
    }

    #[test]
    fn future_changes_soonest_first() {
        let now = When::parse("2026-11-25T12:00:00Z").unwrap().ts;
        let docs = vec![
            doc("content/jokes/s.md", "status: published\npublish_at: 2026-12-01T09:00:00Z\nexpires: 2027-01-01\n"),
            doc("content/jokes/draft.md", "status: draft\npublish_at: 2026-11-26\n"),
            doc("content/bulletins/b.md", "status: published\nexpires: 2026-11-30\n"),
            doc("content/bulletins/gone.md", "status: published\nexpires: 2026-11-20\n"),
            doc("content/bulletins/never.md", "status: published\npublish_at: 2026-12-10\nexpires: 2026-12-05\n"),
            doc(
                "content/specials/x.md",
                "status: published\npublish_at: 2026-11-01\ncampaign: {starts: 2026-12-20, ends: 2027-01-10}\nselect: {tags: [a]}\n",
            ),
        ];
        let got: Vec<String> = upcoming(&docs, now)
            .iter()
            .map(|e| format!("{} {} {:?}", e.at.rfc3339(), e.file, e.change))
            .collect();
        assert_eq!(
            got,
            [
                "2026-11-30T00:00:00Z content/bulletins/b.md Expire",
                "2026-12-01T09:00:00Z content/jokes/s.md Publish",
                "2026-12-20T00:00:00Z content/specials/x.md CampaignStart",
                "2027-01-01T00:00:00Z content/jokes/s.md Expire",
                "2027-01-10T00:00:00Z content/specials/x.md CampaignEnd",
            ]
        );
        assert!(upcoming(&docs, When::parse("2027-02-01").unwrap().ts).is_empty());
    }
}
