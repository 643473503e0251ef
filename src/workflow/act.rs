//! Running a workflow action (submit, approve, publish...) on content files.
//!
//! Input: the actor, the action with its options, and file paths. Output:
//! the files rewritten (only the owned fields change, see [`super::edit`])
//! and one [`Done`] per file. Invariants: every file is held (locked, see
//! [`files::hold`]) from before it is read until its new version is in
//! place, so concurrent commands apply one after the other and none is
//! lost; every file is checked and its new text computed before anything
//! is written; if any file is refused, none is changed and every refusal
//! is reported together. submit, approve and publish also ask the caller's
//! [`Vet`] (the build, run by the command layer) whether the item would
//! build once live, and refuse it if not.

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

/// The problems the build would find in an item (its path from the site
/// root, and its new text) if it were live. The command layer provides it;
/// this module does not know the build.
pub type Vet<'a> = dyn Fn(&Path, &str) -> Result<Vec<Diagnostic>> + 'a;

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
    /// Checks submitted, approved and published items as the build would.
    pub vet: Option<&'a Vet<'a>>,
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
    let mut args: Vec<std::result::Result<PathBuf, Diagnostic>> = Vec::new();
    for arg in paths {
        let rel = files::content_file(ctx.root, arg);
        let twice = rel
            .as_ref()
            .is_ok_and(|r| args.iter().any(|a| a.as_ref().ok() == Some(r)));
        if !twice {
            args.push(rel);
        }
    }
    // Locks are taken in one order (sorted paths), so two commands on the
    // same files never wait for each other; all are kept until the end.
    let mut order: Vec<&PathBuf> = args.iter().filter_map(|a| a.as_ref().ok()).collect();
    order.sort();
    let held: std::collections::HashMap<PathBuf, _> = order
        .into_iter()
        .map(|rel| (rel.clone(), files::hold(ctx.root, rel)))
        .collect();
    let mut diags = Vec::new();
    let mut planned: Vec<(PathBuf, String, Done)> = Vec::new();
    for arg in args {
        let held = arg.and_then(|rel| match &held[&rel] {
            Ok(h) => Ok((rel, h)),
            Err(d) => Err(d.clone()),
        });
        match held.map(|(rel, h)| prepare(ctx, &rel, &h.text, req)) {
            Ok(Ok(p)) => planned.push(p),
            Ok(Err(mut d)) => diags.append(&mut d),
            Err(d) => diags.push(d),
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
    drop(held);
    Ok(done)
}

/// Checks and edits one file's `text` in memory.
fn prepare(
    ctx: &Context,
    rel: &Path,
    text: &str,
    req: &Request,
) -> std::result::Result<(PathBuf, String, Done), Vec<Diagnostic>> {
    let (doc, diags) = content::parse_document(rel, text, ctx.roles);
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
    let new_text = edit::apply(text, &changes).map_err(|e| {
        vec![Diagnostic::error("WF007", rel, format!("not changed: {e}"))
            .help("write the field as a plain 'key: value' line (lists as '- ' items), then run the command again")]
    })?;
    // The text as it is on disk: the workflow's own fields do not change how
    // the item builds, and the lines reported are the lines the user sees.
    if matches!(req.action, Action::Submit | Action::Approve | Action::Publish) {
        vet(ctx, rel, text, req.action)?;
    }
    Ok((rel.to_path_buf(), new_text, done))
}

/// Refuses an item that would break the build once live: its problems as
/// the build reports them, then why nothing changed.
fn vet(ctx: &Context, rel: &Path, text: &str, action: Action) -> std::result::Result<(), Vec<Diagnostic>> {
    let Some(vet) = ctx.vet else { return Ok(()) };
    let problems = match vet(rel, text) {
        Ok(p) => p,
        Err(Error::Diagnostics(d)) => d,
        Err(e) => vec![Diagnostic::error("WF013", rel, format!("cannot check the item: {e}"))
            .help("run 'punchline check' and fix what it reports")],
    };
    let mut errors: Vec<Diagnostic> = problems.into_iter().filter(Diagnostic::is_error).collect();
    if errors.is_empty() {
        return Ok(());
    }
    errors.push(
        Diagnostic::error(
            "WF013",
            rel,
            format!(
                "not changed: the item would break the build once live, so it cannot be {}",
                past(action)
            ),
        )
        .help("fix the problems above, then run the command again"),
    );
    Err(errors)
}

/// "submitted", "approved", "published".
fn past(action: Action) -> &'static str {
    match action {
        Action::Submit => "submitted",
        Action::Approve => "approved",
        _ => "published",
    }
}

/// What the action changes in `doc`, or why it may not.
fn plan(ctx: &Context, doc: &Document, req: &Request) -> std::result::Result<(Vec<Change>, Done), Diagnostic> {
    let (roles, actor, action) = (ctx.roles, ctx.actor, req.action);
    let from = doc.meta.status;
    let (line, col) = doc.meta.pos("status");
    let perm = roles.permission_for(action, doc.kind == content::Kind::Special);
    if !actor.can(roles, perm) {
        let msg = refusal(roles, &actor.label(), doing(action), perm);
        return Err(Diagnostic::error("WF003", &doc.path, msg));
    }
    // A scheduled item (published, going live later) is moved by another
    // `publish --at`: the state stays, the history records the move.
    let scheduled = doc
        .meta
        .publish_at
        .filter(|p| from == Status::Published && p.ts > ctx.now);
    let rescheduling = action == Action::Publish && scheduled.is_some() && req.publish_at.is_some();
    let next = if rescheduling {
        Some(from)
    } else {
        machine::next(from, action)
    };
    let Some(to) = next else {
        let needs: Vec<&str> = action.starts_from().into_iter().map(Status::name).collect();
        let msg = format!(
            "cannot {} an item whose status is {from} ({action} needs status {})",
            doing(action),
            needs.join(" or ")
        );
        let help = match scheduled {
            Some(at) => format!(
                "it is scheduled for {}: 'publish --at TIME' moves it, 'unpublish' takes it back to approved",
                at.rfc3339()
            ),
            None => next_step(from).to_string(),
        };
        return Err(Diagnostic::error("WF004", &doc.path, msg).at(line, col).help(help));
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
        Action::Publish if rescheduling => {
            let (was, at) = (scheduled.expect("rescheduling"), req.publish_at.expect("rescheduling"));
            changes.push(Change::Set {
                key: "publish_at",
                value: at.to_front_matter(),
            });
            let moved = format!("rescheduled from {} to {}", was.rfc3339(), at.rfc3339());
            summary = if at.ts > ctx.now {
                moved.clone()
            } else {
                format!("{moved}: live now")
            };
            note = note.or(Some(moved));
        }
        Action::Unpublish => {
            if let Some(at) = scheduled {
                // Back to approved means not scheduled: a later `publish`
                // without --at goes live at once, not at the old time.
                changes.push(Change::Clear { key: "publish_at" });
                summary = format!("{from} -> {to} (no longer scheduled for {})", at.rfc3339());
            }
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
    if to != from || action == Action::Assign || rescheduling {
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
            vet: None,
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
