//! Running a workflow action (submit, approve, publish...) on content files.
//!
//! Input: the actor, the action with its options, and file paths. Output:
//! the files rewritten (only the owned fields change, see [`super::edit`])
//! and one [`Done`] per file. Invariant: every file is checked and its new
//! text computed before anything is written; if any file is refused, none
//! is changed and every refusal is reported together.

use super::actor::{refusal, who_may, Actor};
use super::edit::{self, Change};
use super::files;
use super::machine::{self, approvals, Action};
use super::roles::{Member, Permission, Roles};
use super::Status;
use crate::clock::When;
use crate::content::{self, meta::ReviewEntry, Document};
use crate::diagnostic::{has_errors, Diagnostic, Error, Result};
use jiff::Timestamp;
use std::path::{Path, PathBuf};

/// An action and its options.
#[derive(Debug, Clone)]
pub struct Request {
    /// What to do.
    pub action: Action,
    /// A note for history and review.log (required for request-changes).
    pub note: Option<String>,
    /// publish: when the item goes live (`publish_at`).
    pub publish_at: Option<When>,
    /// assign: the member to assign.
    pub assignee: Option<String>,
    /// assign: the due date.
    pub due: Option<When>,
    /// submit: members asked to review (added to `review.reviewers`).
    pub reviewers: Vec<String>,
}

impl Request {
    /// A request with no options.
    pub fn new(action: Action) -> Self {
        Self {
            action,
            note: None,
            publish_at: None,
            assignee: None,
            due: None,
            reviewers: Vec::new(),
        }
    }
}

/// Who acts, on which site, when.
pub struct Context<'a> {
    /// The site root.
    pub root: &'a Path,
    /// roles.yaml.
    pub roles: &'a Roles,
    /// The member running the command.
    pub actor: &'a Actor,
    /// The time written into history and review.log.
    pub now: Timestamp,
}

/// What happened to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Done {
    /// The file, from the site root.
    pub path: PathBuf,
    /// State before.
    pub from: Status,
    /// State after.
    pub to: Status,
    /// One line for people: `review -> approved (approvals: bob, 1 of 1)`.
    pub summary: String,
}

/// Checks every file, then writes them all; refuses all if any is refused.
pub fn run(ctx: &Context, paths: &[PathBuf], req: &Request) -> Result<Vec<Done>> {
    let mut diags = Vec::new();
    let mut planned: Vec<(PathBuf, String, Done)> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for arg in paths {
        let rel = match files::content_file(ctx.root, arg) {
            Ok(rel) => rel,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        if !seen.insert(rel.clone()) {
            continue;
        }
        match prepare(ctx, &rel, req) {
            Ok(p) => planned.push(p),
            Err(mut d) => diags.append(&mut d),
        }
    }
    if !diags.is_empty() {
        return Err(Error::Diagnostics(diags));
    }
    let mut done = Vec::with_capacity(planned.len());
    for (rel, text, d) in planned {
        files::write_atomic(&ctx.root.join(&rel), &text)?;
        done.push(d);
    }
    Ok(done)
}

/// Reads, checks and edits one file in memory.
fn prepare(ctx: &Context, rel: &Path, req: &Request) -> std::result::Result<(PathBuf, String, Done), Vec<Diagnostic>> {
    let text = content::read_source(ctx.root, rel).map_err(|e| vec![*e.diagnostic])?;
    let (doc, diags) = content::parse_document(rel, &text, ctx.roles);
    let doc = match doc {
        Some(doc) if !has_errors(&diags) => doc,
        _ => {
            let mut d: Vec<Diagnostic> = diags.into_iter().filter(Diagnostic::is_error).collect();
            d.push(
                Diagnostic::error("WF007", rel, "not changed: the file has errors")
                    .help("fix the errors above first ('punchline check' lists them)"),
            );
            return Err(d);
        }
    };
    let (changes, done) = plan(ctx, &doc, req).map_err(|d| vec![d])?;
    let new_text = edit::apply(&text, &changes).map_err(|e| {
        vec![Diagnostic::error("WF007", rel, format!("not changed: {e}"))
            .help("write the field as a plain 'key: value' line (lists as '- ' items), then run the command again")]
    })?;
    Ok((rel.to_path_buf(), new_text, done))
}

/// What the action changes in `doc`, or why it may not.
fn plan(ctx: &Context, doc: &Document, req: &Request) -> std::result::Result<(Vec<Change>, Done), Diagnostic> {
    let (roles, actor, action) = (ctx.roles, ctx.actor, req.action);
    let from = doc.meta.status;
    let (line, col) = doc.meta.pos("status");
    let perm = action.permission();
    if !actor.can(roles, perm) {
        let msg = refusal(roles, &actor.label(), doing(action), perm);
        return Err(Diagnostic::error("WF003", &doc.path, msg));
    }
    let Some(to) = machine::next(from, action) else {
        let needs: Vec<&str> = action.starts_from().into_iter().map(Status::name).collect();
        let msg = format!(
            "cannot {} an item whose status is {from} ({action} needs status {})",
            doing(action),
            needs.join(" or ")
        );
        return Err(Diagnostic::error("WF004", &doc.path, msg)
            .at(line, col)
            .help(next_step(from)));
    };
    let now = When::at(ctx.now).rfc3339();
    let mut changes = Vec::new();
    let mut to = to;
    let mut summary = format!("{from} -> {to}");
    let mut note = req.note.clone();
    match action {
        Action::Approve => {
            let log = check_approval(ctx, doc)?;
            changes.push(review_entry(&now, actor.id(), "approve", &req.note));
            let a = approvals(&log, &doc.meta.author, roles);
            let tally = format!("approvals: {}, {} of {}", a.by.join(", "), a.by.len(), a.required);
            if a.met() {
                summary = format!("{from} -> {to} ({tally})");
            } else {
                to = from;
                summary = format!("approved by {} ({tally}; stays in review)", actor.id());
            }
        }
        Action::RequestChanges => {
            changes.push(review_entry(&now, actor.id(), "request-changes", &req.note));
        }
        Action::Publish => {
            let a = approvals(&doc.meta.review.log, &doc.meta.author, roles);
            if !a.met() {
                let msg = format!(
                    "cannot publish: {} of {} approvals needed since the last request for changes",
                    a.by.len(),
                    a.required
                );
                let help = format!(
                    "ask for approval with 'punchline approve' ({})",
                    who_may(roles, Permission::Review)
                );
                return Err(Diagnostic::error("WF005", &doc.path, msg).at(line, col).help(help));
            }
            let at = req.publish_at.or(doc.meta.publish_at);
            if let Some(at) = req.publish_at {
                changes.push(Change::Set {
                    key: "publish_at",
                    value: at.to_front_matter(),
                });
            }
            if let Some(at) = at.filter(|at| at.ts > ctx.now) {
                summary = format!("{from} -> {to}, scheduled for {}", at.rfc3339());
            }
        }
        Action::Submit if !req.reviewers.is_empty() => {
            let (c, asked) = reviewers(ctx, doc, &req.reviewers)?;
            changes.extend(c);
            summary = format!("{from} -> {to} (reviewers: {})", asked.join(", "));
        }
        Action::Assign => {
            let (c, what) = assignment(ctx, doc, req)?;
            changes.extend(c);
            summary = what.clone();
            note = note.or(Some(what));
        }
        _ => {}
    }
    if to != from {
        changes.push(Change::Set {
            key: "status",
            value: to.name().into(),
        });
    }
    if to != from || action == Action::Assign {
        changes.push(history_entry(&now, actor.id(), action, from, to, &note));
    }
    let done = Done {
        path: doc.path.clone(),
        from,
        to,
        summary,
    };
    Ok((changes, done))
}

/// The approve checks: not one's own work, not twice. Returns the review
/// log with the new approval appended.
fn check_approval(ctx: &Context, doc: &Document) -> std::result::Result<Vec<ReviewEntry>, Diagnostic> {
    let (roles, id) = (ctx.roles, ctx.actor.id());
    if id == doc.meta.author && !roles.workflow.self_review {
        let others: Vec<&str> = roles
            .who_can(Permission::Review)
            .into_iter()
            .filter(|m| *m != id)
            .collect();
        return Err(Diagnostic::error(
            "WF005",
            &doc.path,
            format!("{id} wrote this item and cannot approve it (workflow.self_review is false)"),
        )
        .help(format!("ask another reviewer: {}", others.join(", "))));
    }
    let before = approvals(&doc.meta.review.log, &doc.meta.author, roles);
    if before.by.iter().any(|b| b == id) {
        return Err(Diagnostic::error(
            "WF005",
            &doc.path,
            format!("{id} has already approved this item since the last request for changes"),
        )
        .help(format!(
            "approvals must come from {} different members",
            before.required
        )));
    }
    let mut log = doc.meta.review.log.clone();
    log.push(ReviewEntry {
        at: When::at(ctx.now),
        by: id.to_string(),
        verdict: "approve".into(),
        note: None,
    });
    Ok(log)
}

/// submit --reviewer: the members to add to `review.reviewers` (each once;
/// members must exist and be able to review, and not be the author unless
/// self-review is allowed), and every member asked, in order.
fn reviewers(
    ctx: &Context,
    doc: &Document,
    asked: &[String],
) -> std::result::Result<(Vec<Change>, Vec<String>), Diagnostic> {
    let roles = ctx.roles;
    let mut changes = Vec::new();
    let mut all = doc.meta.review.reviewers.clone();
    for who in asked {
        let member = known_member(roles, doc, who)?;
        let own = *who == doc.meta.author && !roles.workflow.self_review;
        if own || !roles.member_can(member, Permission::Review) {
            let why = if own { "wrote this item" } else { "cannot review" };
            return Err(
                Diagnostic::error("WF010", &doc.path, format!("{who} {why} and cannot be its reviewer"))
                    .help(format!("ask someone else; {}", who_may(roles, Permission::Review))),
            );
        }
        if !all.contains(who) {
            all.push(who.clone());
            changes.push(Change::AppendText {
                path: &["review", "reviewers"],
                value: who.clone(),
            });
        }
    }
    Ok((changes, all))
}

/// The member `who`, or the "no such member" refusal against `doc`'s file.
fn known_member<'r>(roles: &'r Roles, doc: &Document, who: &str) -> std::result::Result<&'r Member, Diagnostic> {
    roles.member(who).ok_or_else(|| Diagnostic {
        path: doc.path.clone(),
        ..super::actor::unknown_member(roles, who)
    })
}

/// assign: the changes to assignee/due and a summary for people.
fn assignment(ctx: &Context, doc: &Document, req: &Request) -> std::result::Result<(Vec<Change>, String), Diagnostic> {
    let mut changes = Vec::new();
    let mut what = Vec::new();
    if let Some(who) = &req.assignee {
        known_member(ctx.roles, doc, who)?;
        changes.push(Change::Set {
            key: "assignee",
            value: who.clone(),
        });
        what.push(format!("assigned to {who}"));
    }
    if let Some(due) = req.due {
        changes.push(Change::Set {
            key: "due",
            value: due.to_front_matter(),
        });
        what.push(format!("due {due}"));
    }
    Ok((changes, what.join(", ")))
}

fn review_entry(at: &str, by: &str, verdict: &str, note: &Option<String>) -> Change {
    let mut entry = vec![
        ("at", at.to_string()),
        ("by", by.to_string()),
        ("verdict", verdict.to_string()),
    ];
    if let Some(n) = note {
        entry.push(("note", n.clone()));
    }
    Change::Append {
        path: &["review", "log"],
        entry,
    }
}

fn history_entry(at: &str, by: &str, action: Action, from: Status, to: Status, note: &Option<String>) -> Change {
    let mut entry = vec![
        ("at", at.to_string()),
        ("by", by.to_string()),
        ("action", action.name().to_string()),
        ("from", from.name().to_string()),
        ("to", to.name().to_string()),
    ];
    if let Some(n) = note {
        entry.push(("note", n.clone()));
    }
    Change::Append {
        path: &["history"],
        entry,
    }
}

/// The verb for messages: "alice (copywriter) cannot {doing}".
fn doing(action: Action) -> &'static str {
    match action {
        Action::RequestChanges => "request changes",
        Action::Assign => "assign items",
        other => other.name(),
    }
}

/// What moves an item on from `from`, for help texts.
fn next_step(from: Status) -> &'static str {
    match from {
        Status::Draft => "the workflow is draft -> review -> approved -> published; submit it first",
        Status::Review => "it is waiting for review: approve it or request changes",
        Status::Approved => "it is approved: publish it, or archive it",
        Status::Published => "it is live: unpublish takes it back to approved",
        Status::Archived => "archived items stay archived; start a new draft to reuse the text",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::actor::Actor;

    /// Every state x every action, run as a manager on a real file: the
    /// command follows the transition table, and a refused action leaves
    /// the file byte for byte as it was.
    #[test]
    fn commands_follow_the_table_for_every_state_and_action() {
        let mut d = Vec::new();
        let roles = Roles::parse(
            "members:\n  alice: {email: a@x, roles: [copywriter]}\n  erin: {email: e@x, roles: [manager]}\n",
            Path::new("roles.yaml"),
            &mut d,
        );
        let erin = Actor::resolve(&roles, Some("erin"), None, Path::new(".")).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let rel = PathBuf::from("content/jokes/x.md");
        std::fs::create_dir_all(dir.path().join("content/jokes")).unwrap();
        let ctx = Context {
            root: dir.path(),
            roles: &roles,
            actor: &erin,
            now: When::parse("2026-11-25T12:00:00Z").unwrap().ts,
        };
        for from in Status::ALL {
            for action in Action::ALL {
                // Approved and published items carry the approval they needed.
                let text = format!(
                    "---\ntitle: X\ndate: 2026-11-01\nauthor: alice\nstatus: {from}\nreview:\n  log:\n    - {{at: 2026-11-02T10:00:00Z, by: erin, verdict: {}}}\n---\nBody\n",
                    if from == Status::Review { "request-changes" } else { "approve" }
                );
                std::fs::write(dir.path().join(&rel), &text).unwrap();
                let mut req = Request::new(action);
                req.note = Some("n".into());
                req.assignee = Some("alice".into());
                let result = run(&ctx, std::slice::from_ref(&rel), &req);
                let after = std::fs::read_to_string(dir.path().join(&rel)).unwrap();
                match machine::next(from, action) {
                    Some(to) => {
                        let done = result.unwrap_or_else(|e| panic!("{from} x {action}: {e}"));
                        assert_eq!((done[0].from, done[0].to), (from, to), "{from} x {action}");
                        assert!(
                            after.contains(&format!("status: {to}\n")),
                            "{from} x {action}:\n{after}"
                        );
                        let entry = format!("action: {action}, from: {from}, to: {to}");
                        assert!(after.contains(&entry), "{from} x {action}:\n{after}");
                    }
                    None => {
                        let e = result.expect_err("impossible action accepted");
                        assert_eq!(e.diagnostics()[0].code, "WF004", "{from} x {action}");
                        assert_eq!(after, text, "{from} x {action} changed the file");
                    }
                }
            }
        }
    }
}
