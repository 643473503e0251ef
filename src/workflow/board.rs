//! The status board: every item that needs someone, and where it waits.
//!
//! Input: parsed documents, the clock and filters. Output: a [`Board`]
//! (counts per state; the items in draft, in review, approved (ready to
//! publish) and scheduled, each with its author, assignee, reviewers, age
//! in its state, due date and today's exceptions; and the exceptions
//! themselves: waiting in review too long, overdue) and its text, JSON and
//! Markdown renderings, which carry the same data. Pure: the same documents
//! and `now` give the same board.
//!
//! An item's age is the time since it entered its current state: the last
//! history entry that changed the state to it. Entries that keep the state
//! (assign, rescheduling) do not restart the clock.

use super::Status;
use crate::clock::When;
use crate::content::Document;
use jiff::Timestamp;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Where an item stands on the board: its state, with scheduled items
/// (published, going live later) apart from live ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// Being written.
    Draft,
    /// Waiting for a reviewer.
    Review,
    /// Approved: ready to publish.
    Approved,
    /// Published with a `publish_at` still to come.
    Scheduled,
    /// Published and live (or expired).
    Published,
    /// Archived.
    Archived,
}

impl Stage {
    /// The stage of an item at `now`.
    pub fn of(status: Status, publish_at: Option<When>, now: Timestamp) -> Stage {
        match status {
            Status::Draft => Stage::Draft,
            Status::Review => Stage::Review,
            Status::Approved => Stage::Approved,
            Status::Published if publish_at.is_some_and(|p| p.ts > now) => Stage::Scheduled,
            Status::Published => Stage::Published,
            Status::Archived => Stage::Archived,
        }
    }

    /// Section heading for people.
    fn heading(self) -> &'static str {
        match self {
            Stage::Draft => "Draft",
            Stage::Review => "In review",
            Stage::Approved => "Approved: ready to publish",
            Stage::Scheduled => "Scheduled",
            Stage::Published => "Published",
            Stage::Archived => "Archived",
        }
    }
}

/// Which items the board shows, and its thresholds.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only items in this state (`Published` includes scheduled items).
    pub state: Option<Stage>,
    /// Only items by this author.
    pub author: Option<String>,
    /// Only items assigned to this member.
    pub assignee: Option<String>,
    /// Only items in review that wait on this member (`review.reviewers`).
    pub reviewer: Option<String>,
    /// Only items this member wrote, is assigned, or is asked to review.
    pub mine: Option<String>,
    /// Items in review longer than this many days are flagged.
    pub review_days: u64,
}

impl Filter {
    fn keeps(&self, d: &Document, stage: Stage) -> bool {
        let m = &d.meta;
        let asked = |who: &str| m.status == Status::Review && m.review.reviewers.iter().any(|r| r == who);
        let state = match self.state {
            None => true,
            Some(Stage::Published) => m.status == Status::Published,
            Some(s) => s == stage,
        };
        state
            && self.author.as_ref().is_none_or(|a| &m.author == a)
            && self.assignee.as_ref().is_none_or(|a| m.assignee.as_ref() == Some(a))
            && self.reviewer.as_deref().is_none_or(asked)
            && self
                .mine
                .as_deref()
                .is_none_or(|me| m.author == me || m.assignee.as_deref() == Some(me) || asked(me))
    }
}

/// Something wrong with an item today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Exception {
    /// In review longer than the review-days threshold.
    Waiting,
    /// Past its due date and not yet published.
    Overdue,
}

/// One item on the board.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    /// The file, from the site root.
    pub path: String,
    /// Title.
    pub title: String,
    /// State (front matter).
    pub status: Status,
    /// Board section.
    pub stage: Stage,
    /// Author's member id.
    pub author: String,
    /// Assigned member.
    pub assignee: Option<String>,
    /// The reviewers asked (`review.reviewers`).
    pub reviewers: Vec<String>,
    /// When it entered its current state.
    pub since: When,
    /// Whole days since then.
    pub days: i64,
    /// Due date.
    pub due: Option<When>,
    /// When it goes live, if scheduled.
    pub publish_at: Option<When>,
    /// Today's exceptions.
    pub exceptions: Vec<Exception>,
}

/// The board.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Board {
    /// The time it was made for.
    pub now: When,
    /// Items per state (every state listed, in workflow order).
    pub counts: BTreeMap<Status, usize>,
    /// The review-days threshold used.
    pub review_days: u64,
    /// Drafts, oldest first.
    pub draft: Vec<Item>,
    /// Items in review, longest waiting first.
    pub review: Vec<Item>,
    /// Approved items (ready to publish), oldest first.
    pub approved: Vec<Item>,
    /// Scheduled items, soonest first.
    pub scheduled: Vec<Item>,
    /// Items in review longer than `review_days`, longest first.
    pub waiting: Vec<Item>,
    /// Open items past their due date, oldest due first.
    pub overdue: Vec<Item>,
}

/// When `d` entered its current state: its last history entry that changed
/// the state to it, else `updated`, else `date`.
pub fn entered_state(d: &Document) -> When {
    let m = &d.meta;
    m.history
        .iter()
        .rev()
        .find(|h| h.to == Some(m.status) && h.from != Some(m.status))
        .map_or(m.updated.unwrap_or(m.date), |h| h.at)
}

/// Builds the board from `docs` at `now`.
pub fn board(docs: &[Document], now: Timestamp, f: &Filter) -> Board {
    let mut b = Board {
        now: When::at(now),
        counts: Status::ALL.into_iter().map(|s| (s, 0)).collect(),
        review_days: f.review_days,
        draft: Vec::new(),
        review: Vec::new(),
        approved: Vec::new(),
        scheduled: Vec::new(),
        waiting: Vec::new(),
        overdue: Vec::new(),
    };
    let limit = (f.review_days as i64).saturating_mul(86_400);
    for d in docs {
        let m = &d.meta;
        let stage = Stage::of(m.status, m.publish_at, now);
        if !f.keeps(d, stage) {
            continue;
        }
        *b.counts.entry(m.status).or_default() += 1;
        let since = entered_state(d);
        let age = (now.as_second() - since.ts.as_second()).max(0);
        let mut exceptions = Vec::new();
        if stage == Stage::Review && age > limit {
            exceptions.push(Exception::Waiting);
        }
        let open = matches!(stage, Stage::Draft | Stage::Review | Stage::Approved);
        if open && m.due.is_some_and(|d| d.ts < now) {
            exceptions.push(Exception::Overdue);
        }
        let item = Item {
            path: d.path.to_string_lossy().replace('\\', "/"),
            title: m.title.clone(),
            status: m.status,
            stage,
            author: m.author.clone(),
            assignee: m.assignee.clone(),
            reviewers: m.review.reviewers.clone(),
            since,
            days: age / 86_400,
            due: m.due,
            publish_at: m.publish_at.filter(|_| stage == Stage::Scheduled),
            exceptions,
        };
        if item.exceptions.contains(&Exception::Waiting) {
            b.waiting.push(item.clone());
        }
        if item.exceptions.contains(&Exception::Overdue) {
            b.overdue.push(item.clone());
        }
        match stage {
            Stage::Draft => b.draft.push(item),
            Stage::Review => b.review.push(item),
            Stage::Approved => b.approved.push(item),
            Stage::Scheduled => b.scheduled.push(item),
            Stage::Published | Stage::Archived => {}
        }
    }
    let oldest = |x: &Item, y: &Item| (x.since, &x.path).cmp(&(y.since, &y.path));
    for list in [&mut b.draft, &mut b.review, &mut b.approved, &mut b.waiting] {
        list.sort_by(oldest);
    }
    b.scheduled
        .sort_by(|x, y| (x.publish_at, &x.path).cmp(&(y.publish_at, &y.path)));
    b.overdue.sort_by(|x, y| (x.due, &x.path).cmp(&(y.due, &y.path)));
    b
}

/// `1 day`, `3 days`.
fn days(n: i64) -> String {
    format!("{n} day{}", if n == 1 { "" } else { "s" })
}

impl Item {
    /// The facts shown after the path, in one order for text and Markdown.
    fn facts(&self, review_days: u64) -> Vec<String> {
        let mut f = vec![format!("by {}", self.author)];
        f.push(match &self.assignee {
            Some(a) => format!("assignee {a}"),
            None => "unassigned".into(),
        });
        if !self.reviewers.is_empty() {
            f.push(format!("reviewers {}", self.reviewers.join(", ")));
        }
        f.push(format!("{} {}", self.stage_word(), days(self.days)));
        if let Some(d) = self.due {
            f.push(format!("due {d}"));
        }
        if let Some(at) = self.publish_at {
            f.push(format!("goes live {}", at.rfc3339()));
        }
        f.extend(self.exceptions.iter().map(|e| exception_text(*e, review_days)));
        f
    }

    fn stage_word(&self) -> &'static str {
        match self.stage {
            Stage::Draft => "draft for",
            Stage::Review => "in review for",
            Stage::Approved => "approved for",
            Stage::Scheduled => "scheduled for",
            Stage::Published => "published for",
            Stage::Archived => "archived for",
        }
    }
}

fn exception_text(e: Exception, review_days: u64) -> String {
    match e {
        Exception::Waiting => format!("WAITING (over {})", days(review_days as i64)),
        Exception::Overdue => "OVERDUE".into(),
    }
}

impl Board {
    /// The sections in board order.
    pub fn sections(&self) -> [(Stage, &[Item]); 4] {
        [
            (Stage::Draft, &self.draft[..]),
            (Stage::Review, &self.review[..]),
            (Stage::Approved, &self.approved[..]),
            (Stage::Scheduled, &self.scheduled[..]),
        ]
    }

    /// For a terminal.
    pub fn text(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(o, "Board at {}", self.now.rfc3339());
        let counts: Vec<String> = self.counts.iter().map(|(s, n)| format!("{s} {n}")).collect();
        let _ = writeln!(o, "  {}", counts.join("   "));
        for (stage, items) in self.sections() {
            let _ = writeln!(o, "\n{} ({})", stage.heading(), items.len());
            if items.is_empty() {
                let _ = writeln!(o, "  none");
            }
            for i in items {
                let _ = writeln!(o, "  {}  {}", i.path, i.title);
                let _ = writeln!(o, "    {}", i.facts(self.review_days).join(", "));
            }
        }
        let _ = writeln!(
            o,
            "\nIn review longer than {} ({})",
            days(self.review_days as i64),
            self.waiting.len()
        );
        for w in &self.waiting {
            let on = if w.reviewers.is_empty() {
                "no reviewer asked".to_string()
            } else {
                format!("waiting on {}", w.reviewers.join(", "))
            };
            let _ = writeln!(o, "  {}  since {} ({})  {on}", w.path, w.since.ymd(), days(w.days));
        }
        let _ = writeln!(o, "\nOverdue ({})", self.overdue.len());
        for i in &self.overdue {
            let who = i.assignee.as_deref().unwrap_or("unassigned");
            let _ = writeln!(o, "  {}  [{}]  due {}  {who}", i.path, i.status, opt(&i.due));
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
        let table = |o: &mut String, title: &str, head: &str, rows: Vec<String>| {
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
        for (stage, items) in self.sections() {
            let rows = items
                .iter()
                .map(|i| {
                    let ex: Vec<String> = i
                        .exceptions
                        .iter()
                        .map(|e| exception_text(*e, self.review_days))
                        .collect();
                    format!(
                        "| {} | `{}` | {} | {} | {} | {} | {} | {} | {} |",
                        md(&i.title),
                        i.path,
                        i.author,
                        i.assignee.as_deref().unwrap_or(""),
                        md(&i.reviewers.join(", ")),
                        i.days,
                        opt(&i.due),
                        i.publish_at.map(|p| p.rfc3339()).unwrap_or_default(),
                        ex.join(", ")
                    )
                })
                .collect();
            table(
                &mut o,
                stage.heading(),
                "| item | file | author | assignee | reviewers | days | due | goes live | exceptions |",
                rows,
            );
        }
        let waiting = self
            .waiting
            .iter()
            .map(|w| {
                format!(
                    "| {} | `{}` | {} | {} | {} |",
                    md(&w.title),
                    w.path,
                    w.since.ymd(),
                    w.days,
                    md(&w.reviewers.join(", "))
                )
            })
            .collect();
        let title = format!("In review longer than {}", days(self.review_days as i64));
        table(
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
        table(&mut o, "Overdue", "| item | file | state | due | assignee |", overdue);
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

    fn paths(items: &[Item]) -> Vec<&str> {
        items.iter().map(|i| i.path.as_str()).collect()
    }

    #[test]
    fn sections_exceptions_and_filters() {
        let now = When::parse("2026-11-25T12:00:00Z").unwrap().ts;
        let docs = vec![
            doc("content/jokes/a.md", "status: review\nassignee: bob\nreview:\n  reviewers: [bob]\nhistory:\n  - {at: 2026-11-20T09:00:00Z, by: alice, action: submit, from: draft, to: review}\n  - {at: 2026-11-24T09:00:00Z, by: erin, action: assign, from: review, to: review}\n"),
            doc("content/jokes/b.md", "status: review\nhistory:\n  - {at: 2026-11-24T09:00:00Z, by: alice, action: submit, from: draft, to: review}\n"),
            doc("content/jokes/c.md", "status: draft\nassignee: bob\ndue: 2026-11-24\n"),
            doc("content/jokes/d.md", "status: published\ndue: 2026-11-01\nassignee: bob\n"),
            doc("content/jokes/e.md", "status: published\npublish_at: 2026-12-01T09:00:00Z\n"),
            doc("content/jokes/f.md", "status: approved\nassignee: bob\n"),
        ];
        let f = Filter {
            review_days: 3,
            ..Filter::default()
        };
        let b = board(&docs, now, &f);
        assert_eq!(b.counts[&Status::Review], 2);
        assert_eq!(b.counts[&Status::Published], 2);
        assert_eq!(paths(&b.draft), ["content/jokes/c.md"]);
        assert_eq!(paths(&b.review), ["content/jokes/a.md", "content/jokes/b.md"]);
        assert_eq!(paths(&b.approved), ["content/jokes/f.md"]);
        assert_eq!(paths(&b.scheduled), ["content/jokes/e.md"]);
        // The assign entry (review -> review) does not restart the clock.
        assert_eq!(
            (b.review[0].days, &b.review[0].exceptions[..]),
            (5, &[Exception::Waiting][..])
        );
        assert_eq!(paths(&b.waiting), ["content/jokes/a.md"]);
        assert_eq!(paths(&b.overdue), ["content/jokes/c.md"]);
        assert_eq!(b.scheduled[0].publish_at.unwrap().rfc3339(), "2026-12-01T09:00:00Z");
        let only = |f: Filter| {
            let b = board(&docs, now, &Filter { review_days: 3, ..f });
            let mut all: Vec<String> = b
                .sections()
                .iter()
                .flat_map(|(_, i)| paths(i))
                .map(String::from)
                .collect();
            all.sort();
            all
        };
        let reviewer = only(Filter {
            reviewer: Some("bob".into()),
            ..Filter::default()
        });
        assert_eq!(reviewer, ["content/jokes/a.md"]);
        let mine = only(Filter {
            mine: Some("bob".into()),
            ..Filter::default()
        });
        assert_eq!(mine, ["content/jokes/a.md", "content/jokes/c.md", "content/jokes/f.md"]);
        let scheduled = only(Filter {
            state: Some(Stage::Scheduled),
            ..Filter::default()
        });
        assert_eq!(scheduled, ["content/jokes/e.md"]);
        let md = b.markdown();
        assert!(
            md.contains(
                "| T content/jokes/c.md | `content/jokes/c.md` | alice | bob |  | 24 | 2026-11-24 |  | OVERDUE |"
            ),
            "{md}"
        );
    }
}
