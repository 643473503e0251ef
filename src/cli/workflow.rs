//! The workflow commands: new, submit, approve, request-changes, publish,
//! unpublish, archive, assign, status, schedule.

use crate::build::{self, BuildOptions};
use crate::clock::{Clock, When};
use crate::content::{self, Kind};
use crate::diagnostic::{has_errors, Error, Result};
use crate::workflow::act::{self, Context, Request};
use crate::workflow::actor::Actor;
use crate::workflow::board::{self, Filter, Stage};
use crate::workflow::machine::Action;
use crate::workflow::new::{self, NewItem};
use crate::workflow::roles::Roles;
use crate::workflow::schedule;
use clap::{ArgGroup, Args, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The editorial workflow commands (flattened into the top level).
#[derive(Debug, Subcommand)]
pub enum WorkflowCommand {
    /// Create a new draft (joke, bulletin, page or special) and print its path.
    New(NewArgs),
    /// Send drafts to review (draft -> review), optionally naming reviewers.
    Submit(SubmitArgs),
    /// Approve items in review; they become approved once enough approvals are on record.
    Approve(ActionArgs),
    /// Send items in review back to draft, saying what to change.
    RequestChanges(RequestChangesArgs),
    /// Publish approved items, now or at a later time (--at); --at on a scheduled item moves it.
    Publish(PublishArgs),
    /// Take published or scheduled items off the site (published -> approved).
    Unpublish(ActionArgs),
    /// Archive items (from any state but archived).
    Archive(ActionArgs),
    /// Set the assignee and/or due date of items.
    Assign(AssignArgs),
    /// The board: every item in draft, review, approved or scheduled, with who and how long; waiting and overdue items.
    Status(StatusArgs),
    /// When the live site changes by itself: scheduled items, expiries, campaigns.
    Schedule(ScheduleArgs),
}

/// Who acts, and the time recorded.
#[derive(Debug, Args)]
pub struct Who {
    /// Act as this member (default: the member whose email is `git config user.email`).
    #[arg(long = "as", value_name = "MEMBER")]
    as_member: Option<String>,
    /// Act in only this one of your roles (default: all of them).
    #[arg(long, value_name = "ROLE")]
    role: Option<String>,
    /// The time to record (YYYY-MM-DD or RFC 3339; default: the system clock).
    #[arg(long, value_name = "TIME")]
    now: Option<String>,
}

/// Options of the commands that move items.
#[derive(Debug, Args)]
pub struct ActionArgs {
    /// Content files, from the site root (e.g. content/jokes/cat.md).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// A note, recorded in the item's history (approve: also in review.log).
    #[arg(long)]
    note: Option<String>,
    #[command(flatten)]
    who: Who,
}

/// Options of submit.
#[derive(Debug, Args)]
pub struct SubmitArgs {
    /// Content files, from the site root (e.g. content/jokes/cat.md).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Ask this member to review (added to review.reviewers; repeat for several).
    #[arg(long, value_name = "MEMBER")]
    reviewer: Vec<String>,
    /// A note, recorded in the item's history.
    #[arg(long)]
    note: Option<String>,
    #[command(flatten)]
    who: Who,
}

/// Options of request-changes.
#[derive(Debug, Args)]
pub struct RequestChangesArgs {
    /// Content files, from the site root.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// What to change (required), recorded in the item's history and review.log.
    #[arg(long, required = true)]
    note: String,
    #[command(flatten)]
    who: Who,
}

/// Options of publish.
#[derive(Debug, Args)]
pub struct PublishArgs {
    /// Content files, from the site root.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Go live at this time (sets publish_at; YYYY-MM-DD or RFC 3339); on a scheduled item, moves it.
    #[arg(long, value_name = "TIME", value_parser = when)]
    at: Option<When>,
    /// A note, recorded in the item's history.
    #[arg(long)]
    note: Option<String>,
    #[command(flatten)]
    who: Who,
}

/// Options of assign.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("what").required(true).multiple(true).args(["to", "due"])))]
pub struct AssignArgs {
    /// Content files, from the site root.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// The member to assign.
    #[arg(long, value_name = "MEMBER")]
    to: Option<String>,
    /// The due date (YYYY-MM-DD or RFC 3339).
    #[arg(long, value_name = "DATE", value_parser = when)]
    due: Option<When>,
    /// A note, recorded in the item's history (default: what changed).
    #[arg(long)]
    note: Option<String>,
    #[command(flatten)]
    who: Who,
}

/// What `new` creates.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum NewKind {
    /// content/jokes/
    Joke,
    /// content/bulletins/
    Bulletin,
    /// content/pages/
    Page,
    /// content/specials/ (needs the 'specials' permission)
    Special,
}

/// Options of new.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// What to create.
    #[arg(value_enum)]
    kind: NewKind,
    /// The title (the file name and slug come from it).
    title: String,
    /// The slug, if not the one made from the title.
    #[arg(long)]
    slug: Option<String>,
    /// Jokes: the category.
    #[arg(long)]
    category: Option<String>,
    #[command(flatten)]
    who: Who,
}

/// A state, for filters.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum StateArg {
    /// Being written.
    Draft,
    /// Waiting for a reviewer.
    Review,
    /// Approved, not yet published: ready to publish.
    Approved,
    /// Published, going live at a later time (publish_at).
    Scheduled,
    /// Published (live, or scheduled).
    Published,
    /// Taken off the site.
    Archived,
}

/// Board formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BoardFormat {
    /// For people.
    Text,
    /// For machines.
    Json,
    /// For a CI job summary.
    Markdown,
}

/// Options of status.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Only items in this state.
    #[arg(long, value_enum)]
    state: Option<StateArg>,
    /// Only items by this member.
    #[arg(long, value_name = "MEMBER")]
    author: Option<String>,
    /// Only items assigned to this member.
    #[arg(long, value_name = "MEMBER")]
    assignee: Option<String>,
    /// Only items in review that wait on this member (listed in review.reviewers).
    #[arg(long, value_name = "MEMBER")]
    reviewer: Option<String>,
    /// Only items you wrote, are assigned, or are asked to review (you: the member whose email is `git config user.email`).
    #[arg(long)]
    mine: bool,
    /// Flag items in review longer than this many days (default: workflow.review_days, else 3).
    #[arg(long, value_name = "N")]
    days: Option<u64>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: BoardFormat,
    /// Make the board as of this time (YYYY-MM-DD or RFC 3339).
    #[arg(long, value_name = "TIME")]
    now: Option<String>,
}

/// Schedule formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScheduleFormat {
    /// For people.
    Text,
    /// For machines.
    Json,
}

/// Options of schedule.
#[derive(Debug, Args)]
pub struct ScheduleArgs {
    /// Print only the soonest instant (RFC 3339), or nothing when there is none.
    #[arg(long)]
    next: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: ScheduleFormat,
    /// List changes after this time (YYYY-MM-DD or RFC 3339).
    #[arg(long, value_name = "TIME")]
    now: Option<String>,
}

fn when(s: &str) -> std::result::Result<When, String> {
    When::parse(s).ok_or_else(|| format!("'{s}' is not a date (use YYYY-MM-DD or RFC 3339, e.g. 2026-12-01T09:00:00Z)"))
}

fn clock(now: Option<&str>) -> Result<Clock> {
    Clock::from_arg(now).map_err(Error::Usage)
}

/// roles.yaml, or its problems as errors.
fn roles(root: &Path) -> Result<Roles> {
    let mut diags = Vec::new();
    let roles = Roles::load(root, &mut diags)?;
    if has_errors(&diags) {
        return Err(Error::Diagnostics(diags));
    }
    Ok(roles)
}

impl Who {
    fn resolve(&self, root: &Path, roles: &Roles) -> Result<(Actor, Clock)> {
        let clock = clock(self.now.as_deref())?;
        let actor = Actor::resolve(roles, self.as_member.as_deref(), self.role.as_deref(), root)
            .map_err(|d| Error::Diagnostics(vec![d]))?;
        Ok((actor, clock))
    }
}

/// Runs an action on files and prints one line per file.
fn act(root: &Path, who: &Who, files: &[PathBuf], req: Request) -> Result<ExitCode> {
    let roles = roles(root)?;
    let (actor, clock) = who.resolve(root, &roles)?;
    // submit, approve and publish refuse an item the build would fail on
    // once it is live: checked by the build itself, as of the same instant.
    let vet = |rel: &Path, text: &str| {
        let mut opts = BuildOptions::new(root);
        opts.clock = clock;
        build::check_item(&opts, rel, text)
    };
    let ctx = Context {
        root,
        roles: &roles,
        actor: &actor,
        now: clock.now(),
        vet: Some(&vet),
    };
    for d in act::run(&ctx, files, &req)? {
        println!("{}: {}", d.path.display(), d.summary);
    }
    Ok(ExitCode::SUCCESS)
}

/// Every document that parses, warning about the rest.
fn documents(root: &Path, roles: &Roles) -> Result<Vec<content::Document>> {
    let (docs, diags) = content::load(root, roles)?;
    let broken = diags.iter().filter(|d| d.is_error()).count();
    if broken > 0 {
        eprintln!("warning: {broken} problem(s) in content files; run 'punchline check' (items that do not parse are left out)");
    }
    Ok(docs)
}

impl WorkflowCommand {
    /// Runs the command.
    pub fn run(self, root: &Path) -> Result<ExitCode> {
        let with = |action: Action, note: Option<String>| Request {
            note,
            ..Request::new(action)
        };
        match self {
            WorkflowCommand::New(a) => a.run(root),
            WorkflowCommand::Submit(a) => {
                let req = Request {
                    reviewers: a.reviewer,
                    ..with(Action::Submit, a.note)
                };
                act(root, &a.who, &a.files, req)
            }
            WorkflowCommand::Approve(a) => act(root, &a.who, &a.files, with(Action::Approve, a.note)),
            WorkflowCommand::RequestChanges(a) => {
                act(root, &a.who, &a.files, with(Action::RequestChanges, Some(a.note)))
            }
            WorkflowCommand::Publish(a) => {
                let req = Request {
                    publish_at: a.at,
                    ..with(Action::Publish, a.note)
                };
                act(root, &a.who, &a.files, req)
            }
            WorkflowCommand::Unpublish(a) => act(root, &a.who, &a.files, with(Action::Unpublish, a.note)),
            WorkflowCommand::Archive(a) => act(root, &a.who, &a.files, with(Action::Archive, a.note)),
            WorkflowCommand::Assign(a) => {
                let req = Request {
                    assignee: a.to,
                    due: a.due,
                    ..with(Action::Assign, a.note)
                };
                act(root, &a.who, &a.files, req)
            }
            WorkflowCommand::Status(a) => a.run(root),
            WorkflowCommand::Schedule(a) => a.run(root),
        }
    }
}

impl NewArgs {
    fn run(self, root: &Path) -> Result<ExitCode> {
        let roles = roles(root)?;
        let (actor, clock) = self.who.resolve(root, &roles)?;
        let kind = match self.kind {
            NewKind::Joke => Kind::Joke,
            NewKind::Bulletin => Kind::Bulletin,
            NewKind::Page => Kind::Page,
            NewKind::Special => Kind::Special,
        };
        let item = NewItem {
            kind,
            title: self.title,
            slug: self.slug,
            category: self.category,
        };
        let path = new::create(root, &roles, &actor, clock.now(), &item)?;
        println!("{}", path.display());
        Ok(ExitCode::SUCCESS)
    }
}

impl StatusArgs {
    fn run(self, root: &Path) -> Result<ExitCode> {
        let clock = clock(self.now.as_deref())?;
        let roles = roles(root)?;
        let docs = documents(root, &roles)?;
        let state = self.state.map(|s| match s {
            StateArg::Draft => Stage::Draft,
            StateArg::Review => Stage::Review,
            StateArg::Approved => Stage::Approved,
            StateArg::Scheduled => Stage::Scheduled,
            StateArg::Published => Stage::Published,
            StateArg::Archived => Stage::Archived,
        });
        let mine = if self.mine {
            let me = Actor::resolve(&roles, None, None, root).map_err(|d| Error::Diagnostics(vec![d]))?;
            Some(me.id().to_string())
        } else {
            None
        };
        let filter = Filter {
            state,
            author: self.author,
            assignee: self.assignee,
            reviewer: self.reviewer,
            mine,
            review_days: self.days.unwrap_or(roles.workflow.review_days),
        };
        let b = board::board(&docs, clock.now(), &filter);
        match self.format {
            BoardFormat::Text => print!("{}", b.text()),
            BoardFormat::Markdown => print!("{}", b.markdown()),
            BoardFormat::Json => println!("{}", serde_json::to_string_pretty(&b).expect("plain data")),
        }
        Ok(ExitCode::SUCCESS)
    }
}

impl ScheduleArgs {
    fn run(self, root: &Path) -> Result<ExitCode> {
        let clock = clock(self.now.as_deref())?;
        let roles = roles(root)?;
        let docs = documents(root, &roles)?;
        let events = schedule::upcoming(&docs, clock.now());
        if self.next {
            if let Some(e) = events.first() {
                println!("{}", e.at.rfc3339());
            }
            return Ok(ExitCode::SUCCESS);
        }
        match self.format {
            ScheduleFormat::Json => println!("{}", serde_json::to_string_pretty(&events).expect("plain data")),
            ScheduleFormat::Text => {
                if events.is_empty() {
                    println!("nothing scheduled: the live site changes only when content changes");
                }
                for e in &events {
                    println!("{}  {}  {}", e.at.rfc3339(), e.file, e.change.describe());
                }
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}
