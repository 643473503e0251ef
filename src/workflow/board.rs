//! The status board: where every item is in the workflow.
//!
//! Input: parsed documents, the clock and filters. Output: a [`Board`]
//! (counts per state, open items per assignee, items waiting in review too
//! long, overdue items, scheduled items) and its text, JSON and Markdown
//! renderings. Pure: the same documents and `now` give the same board.

use super::Status;
use crate::clock::When;
use crate::content::Document;
use jiff::Timestamp;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Which items the board shows, and its thresholds.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only items in this state.
    pub state: Option<Status>,
    /// Only items by this author.
    pub author: Option<String>,
    /// Only items assigned to this member.
    pub assignee: Option<String>,
    /// Items in review longer than this many days are flagged.
    pub review_days: u64,
}

/// One item on the board.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    /// The file, from the site root.
    pub path: String,
    /// Title.
    pub title: String,
    /// State.
    pub status: Status,
    /// Author's member id.
    pub author: String,
    /// Assigned member.
    pub assignee: Option<String>,
    /// Due date.
    pub due: Option<When>,
}

/// An item waiting in review.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Waiting {
    /// The item.
    #[serde(flatten)]
    pub item: Item,
    /// When it entered review (its last history entry to review, else its date).
    pub since: When,
    /// Whole days since then.
    pub days: i64,
    /// The reviewers asked (`review.reviewers`), if any.
    pub reviewers: Vec<String>,
}

/// A scheduled item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scheduled {
    /// The item.
    #[serde(flatten)]
    pub item: Item,
    /// When it goes live.
    pub publish_at: When,
}

/// The board.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Board {
    /// The time it was made for.
    pub now: When,
    /// Items per state (every state listed, in workflow order).
    pub counts: BTreeMap<Status, usize>,
    /// Open items (draft, review, approved) per assignee.
    pub assigned: BTreeMap<String, Vec<Item>>,
    /// The review-days threshold used.
    pub review_days: u64,
    /// Items in review longer than `review_days`, longest first.
    pub waiting: Vec<Waiting>,
    /// Items past their due date and not published or archived, oldest due first.
    pub overdue: Vec<Item>,
    /// Published items whose publish_at is in the future, soonest first.
    pub scheduled: Vec<Scheduled>,
}

/// Builds the board from `docs` at `now`.
pub fn board(docs: &[Document], now: Timestamp, f: &Filter) -> Board {
    let mut b = Board {
        now: When::at(now),
        counts: Status::ALL.into_iter().map(|s| (s, 0)).collect(),
        assigned: BTreeMap::new(),
        review_days: f.review_days,
        waiting: Vec::new(),
        overdue: Vec::new(),
        scheduled: Vec::new(),
    };
    let shown = docs.iter().filter(|d| {
        let m = &d.meta;
        f.state.is_none_or(|s| m.status == s)
            && f.author.as_ref().is_none_or(|a| &m.author == a)
            && f.assignee.as_ref().is_none_or(|a| m.assignee.as_ref() == Some(a))
    });
    let limit = (f.review_days as i64).saturating_mul(86_400);
    for d in shown {
        let m = &d.meta;
        let item = Item {
            path: d.path.to_string_lossy().replace('\\', "/"),
            title: m.title.clone(),
            status: m.status,
            author: m.author.clone(),
            assignee: m.assignee.clone(),
            due: m.due,
        };
        *b.counts.entry(m.status).or_default() += 1;
        let open = matches!(m.status, Status::Draft | Status::Review | Status::Approved);
        if let (Some(a), true) = (&m.assignee, open) {
            b.assigned.entry(a.clone()).or_default().push(item.clone());
        }
        if m.status == Status::Review {
            let since = m
                .history
                .iter()
                .rev()
                .find(|h| h.to == Some(Status::Review))
                .map_or(m.updated.unwrap_or(m.date), |h| h.at);
            let age = now.as_second() - since.ts.as_second();
            if age > limit {
                let days = age / 86_400;
                b.waiting.push(Waiting {
                    item: item.clone(),
                    since,
                    days,
                    reviewers: m.review.reviewers.clone(),
                });
            }
        }
        if open && m.due.is_some_and(|d| d.ts < now) {
            b.overdue.push(item.clone());
        }
        if let (Status::Published, Some(at)) = (m.status, m.publish_at.filter(|p| p.ts > now)) {
            b.scheduled.push(Scheduled { item, publish_at: at });
        }
    }
    b.waiting
        .sort_by(|x, y| (x.since, &x.item.path).cmp(&(y.since, &y.item.path)));
    b.overdue.sort_by(|x, y| (x.due, &x.path).cmp(&(y.due, &y.path)));
    b.scheduled
        .sort_by(|x, y| (x.publish_at, &x.item.path).cmp(&(y.publish_at, &y.item.path)));
    b
}

fn due_text(i: &Item) -> String {
    i.due.map(|d| format!("  due {d}")).unwrap_or_default()
}

impl Board {
    /// For a terminal.
    pub fn text(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(o, "Board at {}", self.now.rfc3339());
        let counts: Vec<String> = self.counts.iter().map(|(s, n)| format!("{s} {n}")).collect();
        let _ = writeln!(o, "  {}", counts.join("   "));
        let _ = writeln!(o, "\nAssigned (open items)");
        if self.assigned.is_empty() {
            let _ = writeln!(o, "  none");
        }
        for (who, items) in &self.assigned {
            let _ = writeln!(o, "  {who} ({})", items.len());
            for i in items {
                let _ = writeln!(o, "    {}  [{}]{}  {}", i.path, i.status, due_text(i), i.title);
            }
        }
        let _ = writeln!(
            o,
            "\nIn review longer than {} days ({})",
            self.review_days,
            self.waiting.len()
        );
        for w in &self.waiting {
            let i = &w.item;
            let asked = if w.reviewers.is_empty() {
                String::new()
            } else {
                format!("  waiting on {}", w.reviewers.join(", "))
            };
            let _ = writeln!(
                o,
                "  {}  since {} ({} days){asked}  {}",
                i.path,
                w.since.ymd(),
                w.days,
                i.title
            );
        }
        let _ = writeln!(o, "\nOverdue ({})", self.overdue.len());
        for i in &self.overdue {
            let who = i
                .assignee
                .as_deref()
                .map(|a| format!("  assignee {a}"))
                .unwrap_or_default();
            let _ = writeln!(o, "  {}  [{}]{}{who}  {}", i.path, i.status, due_text(i), i.title);
        }
        let _ = writeln!(o, "\nScheduled ({})", self.scheduled.len());
        for s in &self.scheduled {
            let _ = writeln!(o, "  {}  {}  {}", s.publish_at.rfc3339(), s.item.path, s.item.title);
        }
        o
    }

    /// For a CI job summary (GitHub-flavoured Markdown tables).
    pub fn markdown(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(o, "## Editorial board ({})\n", self.now.rfc3339());
        let heads: Vec<&str> = self.counts.keys().map(|s| s.name()).collect();
        let nums: Vec<String> = self.counts.values().map(|n| n.to_string()).collect();
        let _ = writeln!(
            o,
            "| {} |\n|{}\n| {} |\n",
            heads.join(" | "),
            "---|".repeat(heads.len()),
            nums.join(" | ")
        );
        let rows = |o: &mut String, title: &str, head: &str, rows: Vec<String>| {
            let _ = writeln!(o, "### {title} ({})\n", rows.len());
            if rows.is_empty() {
                let _ = writeln!(o, "None.\n");
                return;
            }
            let cols = head.matches('|').count() - 1;
            let _ = writeln!(o, "{head}\n|{}", "---|".repeat(cols));
            for r in rows {
                let _ = writeln!(o, "{r}");
            }
            o.push('\n');
        };
        let assigned = self
            .assigned
            .iter()
            .flat_map(|(who, items)| {
                items.iter().map(move |i| {
                    format!(
                        "| {who} | {} | `{}` | {} | {} |",
                        md(&i.title),
                        i.path,
                        i.status,
                        opt(&i.due)
                    )
                })
            })
            .collect();
        rows(&mut o, "Assigned", "| assignee | item | file | state | due |", assigned);
        let waiting = self
            .waiting
            .iter()
            .map(|w| {
                format!(
                    "| {} | `{}` | {} | {} | {} |",
                    md(&w.item.title),
                    w.item.path,
                    w.since.ymd(),
                    w.days,
                    md(&w.reviewers.join(", "))
                )
            })
            .collect();
        let title = format!("In review longer than {} days", self.review_days);
        rows(
            &mut o,
            &title,
            "| item | file | in review since | days | reviewers |",
            waiting,
        );
        let overdue = self
            .overdue
            .iter()
            .map(|i| {
                let who = i.assignee.as_deref().unwrap_or("");
                format!(
                    "| {} | `{}` | {} | {} | {who} |",
                    md(&i.title),
                    i.path,
                    i.status,
                    opt(&i.due)
                )
            })
            .collect();
        rows(&mut o, "Overdue", "| item | file | state | due | assignee |", overdue);
        let scheduled = self
            .scheduled
            .iter()
            .map(|s| {
                format!(
                    "| {} | {} | `{}` |",
                    s.publish_at.rfc3339(),
                    md(&s.item.title),
                    s.item.path
                )
            })
            .collect();
        rows(&mut o, "Scheduled", "| goes live | item | file |", scheduled);
        o
    }
}

fn opt(w: &Option<When>) -> String {
    w.map(|w| w.to_string()).unwrap_or_default()
}

/// Text safe inside a Markdown table cell.
fn md(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::roles::Roles;
    use std::path::Path;

    fn doc(rel: &str, fm: &str) -> Document {
        let roles = Roles::default();
        let text = format!("---\ntitle: T {rel}\ndate: 2026-11-01\nauthor: alice\n{fm}---\n");
        let (d, diags) = crate::content::parse_document(Path::new(rel), &text, &roles);
        assert!(diags.is_empty(), "{diags:?}");
        d.unwrap()
    }

    #[test]
    fn counts_assignees_waiting_overdue_scheduled() {
        let now = When::parse("2026-11-25T12:00:00Z").unwrap().ts;
        let docs = vec![
            doc("content/jokes/a.md", "status: review\nassignee: bob\nhistory:\n  - {at: 2026-11-20T09:00:00Z, by: alice, action: submit, from: draft, to: review}\n"),
            doc("content/jokes/b.md", "status: review\nhistory:\n  - {at: 2026-11-24T09:00:00Z, by: alice, action: submit, from: draft, to: review}\n"),
            doc("content/jokes/c.md", "status: draft\nassignee: bob\ndue: 2026-11-24\n"),
            doc("content/jokes/d.md", "status: published\ndue: 2026-11-01\nassignee: bob\n"),
            doc("content/jokes/e.md", "status: published\npublish_at: 2026-12-01T09:00:00Z\n"),
        ];
        let f = Filter {
            review_days: 3,
            ..Filter::default()
        };
        let b = board(&docs, now, &f);
        assert_eq!(b.counts[&Status::Review], 2);
        assert_eq!(b.counts[&Status::Published], 2);
        assert_eq!(b.counts[&Status::Archived], 0);
        let bobs: Vec<&str> = b.assigned["bob"].iter().map(|i| i.path.as_str()).collect();
        assert_eq!(bobs, ["content/jokes/a.md", "content/jokes/c.md"]);
        assert_eq!(b.waiting.len(), 1);
        assert_eq!(
            (b.waiting[0].item.path.as_str(), b.waiting[0].days),
            ("content/jokes/a.md", 5)
        );
        let overdue: Vec<&str> = b.overdue.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(overdue, ["content/jokes/c.md"]);
        assert_eq!(b.scheduled[0].publish_at.rfc3339(), "2026-12-01T09:00:00Z");
        let f = Filter {
            review_days: 10,
            state: Some(Status::Review),
            ..Filter::default()
        };
        let b = board(&docs, now, &f);
        assert_eq!(b.counts.values().sum::<usize>(), 2);
        assert!(b.waiting.is_empty());
        let md = board(&docs, now, &Filter::default()).markdown();
        assert!(
            md.contains("| bob | T content/jokes/c.md | `content/jokes/c.md` | draft | 2026-11-24 |"),
            "{md}"
        );
    }
}
