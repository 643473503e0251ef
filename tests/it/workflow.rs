//! The workflow commands and `check --since`, run through the real binary on
//! sites in temporary folders (and real git repositories made here).

use crate::support::{Run, Site, NOW};
use std::process::Command;

const JOKE: &str = "content/jokes/cat.md";

fn read(s: &Site, rel: &str) -> String {
    std::fs::read_to_string(s.root().join(rel)).unwrap()
}

/// A joke by alice in `status`, with comments in its front matter.
fn cat(s: &Site, status: &str) -> String {
    let text = format!(
        "---\n# Alice's cat joke\ntitle: \"Cat: the sequel\"  # keep the quotes\ndate: 2026-11-01\nauthor: alice\ntags: [cats,   pets]\nstatus: {status} # workflow state\nseo:\n  description: A cat joke.\n---\nWhy did the cat sit on the computer?\n\n---\nTo keep an eye on the mouse.\n"
    );
    s.write(JOKE, &text);
    text
}

/// `punchline ARGS --now NOW` in the site.
fn wf(s: &Site, args: &[&str]) -> Run {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--now", NOW]);
    s.run(&all)
}

fn stderr_lines(r: &Run) -> Vec<&str> {
    r.stderr.lines().collect()
}

#[test]
fn a_joke_goes_from_draft_to_the_live_site_keeping_every_other_byte() {
    let s = Site::new();
    let before = cat(&s, "draft");
    wf(&s, &["submit", JOKE, "--as", "alice"]).ok();
    let r = wf(&s, &["approve", JOKE, "--as", "bob", "--note", "Purrfect, \"really\""]).ok();
    assert_eq!(
        r.stdout,
        "content/jokes/cat.md: review -> approved (approvals: bob, 1 of 1)\n"
    );
    let r = wf(&s, &["publish", JOKE, "--as", "erin"]).ok();
    assert_eq!(r.stdout, "content/jokes/cat.md: approved -> published\n");
    let after = read(&s, JOKE);
    let expected = before
        .replace("status: draft # workflow state", "status: published # workflow state")
        .replace(
            "seo:\n",
            "review:\n  log:\n    - {at: 2026-11-25T12:00:00Z, by: bob, verdict: approve, note: \"Purrfect, \\\"really\\\"\"}\nhistory:\n  - {at: 2026-11-25T12:00:00Z, by: alice, action: submit, from: draft, to: review}\n  - {at: 2026-11-25T12:00:00Z, by: bob, action: approve, from: review, to: approved, note: \"Purrfect, \\\"really\\\"\"}\n  - {at: 2026-11-25T12:00:00Z, by: erin, action: publish, from: approved, to: published}\nseo:\n",
        );
    assert_eq!(after, expected);
    s.build(&[]).ok();
    assert!(s.out("jokes/cat/index.html").contains("To keep an eye on the mouse."));
}

#[test]
fn refusals_say_who_may_do_it_and_change_nothing() {
    let s = Site::new();
    let before = cat(&s, "approved");
    let r = wf(&s, &["publish", JOKE, "--as", "alice"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        stderr_lines(&r)[0],
        "content/jokes/cat.md: error[WF003]: alice (copywriter) cannot publish; members with 'publish': bob, erin"
    );
    let r = wf(&s, &["assign", JOKE, "--to", "bob", "--as", "alice"]);
    assert_eq!(
        stderr_lines(&r)[0],
        "content/jokes/cat.md: error[WF003]: alice (copywriter) cannot assign items; members with 'assign': bob, erin"
    );
    // Approved by hand, with no approval on record: publishing is refused.
    let r = wf(&s, &["publish", JOKE, "--as", "bob"]);
    assert_eq!(r.code, 1);
    assert!(
        stderr_lines(&r)[0].starts_with(
            "content/jokes/cat.md:7:1: error[WF005]: cannot publish: 0 of 1 approvals needed since the last request for changes"
        ),
        "{}",
        r.stderr
    );
    assert_eq!(read(&s, JOKE), before);
}

#[test]
fn submit_names_reviewers_who_may_review() {
    let s = Site::new();
    let before = cat(&s, "draft");
    for (who, line) in [
        ("alice", "content/jokes/cat.md: error[WF010]: alice wrote this item and cannot be its reviewer (help: ask someone else; members with 'review': bob, erin)"),
        ("bobby", "content/jokes/cat.md: error[WF001]: 'bobby' is not a member in roles.yaml (help: did you mean 'bob'?)"),
    ] {
        let r = wf(&s, &["submit", JOKE, "--as", "alice", "--reviewer", "bob", "--reviewer", who]);
        assert_eq!(r.code, 1);
        assert_eq!(stderr_lines(&r)[0], line);
        assert_eq!(read(&s, JOKE), before, "a refused submit changes nothing");
    }
    let r = wf(
        &s,
        &[
            "submit",
            JOKE,
            "--as",
            "alice",
            "--reviewer",
            "bob",
            "--reviewer",
            "erin",
        ],
    )
    .ok();
    assert_eq!(
        r.stdout,
        "content/jokes/cat.md: draft -> review (reviewers: bob, erin)\n"
    );
    let after = read(&s, JOKE);
    assert_eq!(
        after,
        before.replace("status: draft # workflow state", "status: review # workflow state").replace(
            "seo:\n",
            "review:\n  reviewers:\n    - bob\n    - erin\nhistory:\n  - {at: 2026-11-25T12:00:00Z, by: alice, action: submit, from: draft, to: review}\nseo:\n",
        )
    );
    // The board and check read the file as before.
    s.run(&["check"]).ok();
}

#[test]
fn impossible_transitions_and_self_approval_are_refused() {
    let s = Site::new();
    let before = cat(&s, "draft");
    let r = wf(&s, &["publish", JOKE, "--as", "bob"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        stderr_lines(&r)[0],
        "content/jokes/cat.md:7:1: error[WF004]: cannot publish an item whose status is draft (publish needs status approved) (help: the workflow is draft -> review -> approved -> published; submit it first)"
    );
    let r = wf(&s, &["archive", JOKE, "--as", "erin"]).ok();
    assert_eq!(r.stdout, "content/jokes/cat.md: draft -> archived\n");
    let r = wf(&s, &["archive", JOKE, "--as", "erin"]);
    assert!(
        r.stderr.contains("cannot archive an item whose status is archived"),
        "{}",
        r.stderr
    );
    let s = Site::new();
    s.write(
        "roles.yaml",
        &crate::support::ROLES.replace(
            "alice: {name: Alice Chen, email: alice@example.com, roles: [copywriter]}",
            "alice: {name: Alice Chen, email: alice@example.com, roles: [editor]}",
        ),
    );
    cat(&s, "review");
    let r = wf(&s, &["approve", JOKE, "--as", "alice"]);
    assert_eq!(
        stderr_lines(&r)[0],
        "content/jokes/cat.md: error[WF005]: alice wrote this item and cannot approve it (workflow.self_review is false) (help: ask another reviewer: bob, erin)"
    );
    assert_eq!(read(&s, JOKE), before.replace("status: draft", "status: review"));
}

#[test]
fn several_files_change_together_or_not_at_all() {
    let s = Site::new();
    let a = cat(&s, "review");
    s.item("jokes/dog.md", "status: draft\n", "Woof.\n");
    let dog = read(&s, "content/jokes/dog.md");
    let r = wf(
        &s,
        &[
            "approve",
            JOKE,
            "content/jokes/dog.md",
            "content/jokes/none.md",
            "site.yaml",
            "--as",
            "bob",
        ],
    );
    assert_eq!(r.code, 1);
    let lines = stderr_lines(&r);
    assert!(lines[0].starts_with("content/jokes/dog.md:"), "{}", r.stderr);
    assert!(
        lines[0].contains("cannot approve an item whose status is draft"),
        "{}",
        r.stderr
    );
    assert!(
        lines[1].starts_with("content/jokes/none.md: error[WF006]: no such file"),
        "{}",
        r.stderr
    );
    assert!(
        lines[2].starts_with("site.yaml: error[WF006]: not a content file under content/"),
        "{}",
        r.stderr
    );
    assert_eq!(read(&s, JOKE), a);
    assert_eq!(read(&s, "content/jokes/dog.md"), dog);
    wf(&s, &["submit", "content/jokes/dog.md", "--as", "alice"]).ok();
    let r = wf(&s, &["approve", JOKE, "content/jokes/dog.md", "--as", "bob"]).ok();
    assert_eq!(r.stdout.lines().count(), 2);
    assert!(read(&s, "content/jokes/dog.md").contains("status: approved"));
}

#[test]
fn more_approvals_than_one_and_request_changes() {
    let s = Site::new();
    s.write(
        "roles.yaml",
        &crate::support::ROLES.replace("approvals_required: 1", "approvals_required: 2"),
    );
    cat(&s, "review");
    let r = wf(&s, &["approve", JOKE, "--as", "bob"]).ok();
    assert_eq!(
        r.stdout,
        "content/jokes/cat.md: approved by bob (approvals: bob, 1 of 2; stays in review)\n"
    );
    let r = wf(&s, &["approve", JOKE, "--as", "bob"]);
    assert!(r.stderr.contains("bob has already approved this item"), "{}", r.stderr);
    let r = wf(&s, &["request-changes", JOKE, "--as", "erin"]);
    assert_eq!(r.code, 2, "--note is required");
    wf(
        &s,
        &["request-changes", JOKE, "--as", "erin", "--note", "Shorter, please."],
    )
    .ok();
    let text = read(&s, JOKE);
    assert!(text.contains("status: draft # workflow state"), "{text}");
    assert!(
        text.contains(
            "    - {at: 2026-11-25T12:00:00Z, by: erin, verdict: request-changes, note: \"Shorter, please.\"}\n"
        ),
        "{text}"
    );
    wf(&s, &["submit", JOKE, "--as", "alice"]).ok();
    // bob's earlier approval was before the request for changes: it no longer counts.
    let r = wf(&s, &["approve", JOKE, "--as", "bob"]).ok();
    assert!(r.stdout.contains("1 of 2; stays in review"), "{}", r.stdout);
    let r = wf(&s, &["approve", JOKE, "--as", "erin"]).ok();
    assert_eq!(
        r.stdout,
        "content/jokes/cat.md: review -> approved (approvals: bob, erin, 2 of 2)\n"
    );
}

#[test]
fn publish_at_assign_and_unpublish() {
    let s = Site::new();
    cat(&s, "review");
    wf(&s, &["approve", JOKE, "--as", "bob"]).ok();
    let r = wf(&s, &["publish", JOKE, "--as", "bob", "--at", "2026-12-01T09:00:00Z"]).ok();
    assert_eq!(
        r.stdout,
        "content/jokes/cat.md: approved -> published, scheduled for 2026-12-01T09:00:00Z\n"
    );
    assert!(read(&s, JOKE).contains("status: published # workflow state\npublish_at: 2026-12-01T09:00:00Z\n"));
    let r = wf(
        &s,
        &["assign", JOKE, "--as", "erin", "--to", "bob", "--due", "2026-11-30"],
    )
    .ok();
    assert_eq!(r.stdout, "content/jokes/cat.md: assigned to bob, due 2026-11-30\n");
    let text = read(&s, JOKE);
    assert!(text.contains("assignee: bob\ndue: 2026-11-30\n"), "{text}");
    assert!(
        text.contains("action: assign, from: published, to: published, note: \"assigned to bob, due 2026-11-30\"}"),
        "{text}"
    );
    let r = wf(&s, &["assign", JOKE, "--as", "erin", "--to", "bobby"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("'bobby' is not a member in roles.yaml (help: did you mean 'bob'?)"),
        "{}",
        r.stderr
    );
    assert_eq!(
        wf(&s, &["assign", JOKE, "--as", "erin"]).code,
        2,
        "--to or --due is required"
    );
    let r = wf(&s, &["unpublish", JOKE, "--as", "bob"]).ok();
    assert_eq!(
        r.stdout,
        "content/jokes/cat.md: published -> approved (no longer scheduled for 2026-12-01T09:00:00Z)\n"
    );
}

#[test]
fn crlf_files_stay_crlf_and_broken_files_are_never_touched() {
    let s = Site::new();
    let text = "---\r\ntitle: Cat\r\ndate: 2026-11-01\r\nauthor: alice\r\nstatus: draft\r\n---\r\nBody\r\n";
    s.write(JOKE, text);
    wf(&s, &["submit", JOKE, "--as", "alice"]).ok();
    assert_eq!(
        read(&s, JOKE),
        "---\r\ntitle: Cat\r\ndate: 2026-11-01\r\nauthor: alice\r\nstatus: review\r\nhistory:\r\n  - {at: 2026-11-25T12:00:00Z, by: alice, action: submit, from: draft, to: review}\r\n---\r\nBody\r\n"
    );
    let broken = "---\ntitle: [Cat\nauthor: alice\nstatus: draft\n---\nBody\n";
    s.write(JOKE, broken);
    let r = wf(&s, &["submit", JOKE, "--as", "alice"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("error[FM002]"), "{}", r.stderr);
    assert!(
        r.stderr.contains("error[WF007]: not changed: the file has errors"),
        "{}",
        r.stderr
    );
    assert_eq!(read(&s, JOKE), broken);
    let block = "---\ntitle: Cat\ndate: 2026-11-01\nauthor: alice\nstatus: >-\n  draft\n---\nBody\n";
    s.write(JOKE, block);
    let r = wf(&s, &["submit", JOKE, "--as", "alice"]);
    assert!(
        r.stderr
            .contains("error[WF007]: not changed: cannot change 'status' in place"),
        "{}",
        r.stderr
    );
    assert_eq!(read(&s, JOKE), block);
}

#[test]
fn bad_input_is_one_line_with_what_to_do() {
    let s = Site::new();
    let before = cat(&s, "draft");
    let r = wf(&s, &["submit", JOKE, "--as", "alcie"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        stderr_lines(&r)[0],
        "roles.yaml: error[WF001]: 'alcie' is not a member in roles.yaml (help: did you mean 'alice'?)"
    );
    let r = wf(&s, &["submit", JOKE, "--as", "alice", "--role", "editor"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        stderr_lines(&r)[0],
        "roles.yaml: error[WF002]: alice does not have the role 'editor' (help: alice's roles: copywriter; pass one of them to --role or leave --role out)"
    );
    let r = wf(&s, &["submit", "content/../site.yaml", "--as", "alice"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("error[WF006]: not a content file under content/"),
        "{}",
        r.stderr
    );
    s.write("roles.yaml", "members:\n  alice: {email: a@x, roles: [copywritr]}\n");
    let r = wf(&s, &["submit", JOKE, "--as", "alice"]);
    assert_eq!(r.code, 1);
    assert!(
        stderr_lines(&r)[0].starts_with("roles.yaml:2:") && r.stderr.contains("did you mean 'copywriter'?"),
        "{}",
        r.stderr
    );
    assert_eq!(read(&s, JOKE), before);
}

/// The binary with git's global and system configuration hidden.
fn run_isolated(s: &Site, args: &[&str]) -> Run {
    let o = Command::new(env!("CARGO_BIN_EXE_punchline"))
        .args(args)
        .current_dir(s.root())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("CI")
        .output()
        .unwrap();
    Run {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

#[test]
fn the_actor_is_the_git_user_unless_as_is_given() {
    if !has_git() {
        return;
    }
    let s = Site::new();
    cat(&s, "draft");
    let r = run_isolated(&s, &["submit", JOKE, "--now", NOW]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr.lines().next().unwrap(),
        "roles.yaml: error[WF001]: cannot tell who you are: no --as and no git user.email (help: pass --as MEMBER, or set git config user.email to a member's address)"
    );
    git(&s, &["init", "-q"]);
    git(&s, &["config", "user.email", "Alice@Example.com"]);
    let r = run_isolated(&s, &["submit", JOKE, "--now", NOW]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(read(&s, JOKE).contains("by: alice, action: submit"));
    git(&s, &["config", "user.email", "stranger@example.com"]);
    let r = run_isolated(&s, &["approve", JOKE, "--now", NOW]);
    assert!(
        r.stderr
            .contains("git user.email 'stranger@example.com' is not the address of any member"),
        "{}",
        r.stderr
    );
}

#[test]
fn new_items_are_complete_drafts_and_never_overwrite() {
    let s = Site::new();
    let r = wf(
        &s,
        &["new", "joke", "Why did the chicken cross the road?", "--as", "alice"],
    )
    .ok();
    assert_eq!(r.stdout, "content/jokes/why-did-the-chicken-cross-the-road.md\n");
    let path = "content/jokes/why-did-the-chicken-cross-the-road.md";
    assert_eq!(
        read(&s, path),
        "---\ntitle: \"Why did the chicken cross the road?\"\ndate: 2026-11-25\nauthor: alice\nrole: copywriter\ntags: []\ncategory: ~\nstatus: draft\nseo:\n  title: ~\n  description: ~\n  keywords: []\n  focus_keyword: ~\n---\n\n"
    );
    std::fs::write(s.root().join(path), "mine\n").unwrap();
    let r = wf(
        &s,
        &["new", "joke", "Why did the chicken cross the road?", "--as", "alice"],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("error[WF008]: already exists; nothing was written"),
        "{}",
        r.stderr
    );
    assert_eq!(read(&s, path), "mine\n");
    std::fs::remove_file(s.root().join(path)).unwrap();
    let r = wf(&s, &["new", "special", "Winter", "--as", "alice"]);
    assert_eq!(
        stderr_lines(&r)[0],
        "content/specials/winter.md: error[WF003]: alice (copywriter) cannot create specials; members with 'specials': erin"
    );
    wf(&s, &["new", "special", "Winter", "--as", "erin"]).ok();
    wf(&s, &["new", "bulletin", "Big news", "--as", "bob", "--slug", "news"]).ok();
    wf(&s, &["new", "page", "About us", "--as", "erin"]).ok();
    assert!(read(&s, "content/bulletins/news.md").contains("author: bob\nrole: editor\n"));
    let r = s.run(&["check", "--now", NOW]).ok();
    assert!(r.stderr.contains("0 errors"), "{}", r.stderr);
}

fn board_site() -> Site {
    let s = Site::new();
    s.item(
        "jokes/waiting.md",
        "status: review\nassignee: bob\nreview:\n  reviewers: [bob]\nhistory:\n  - {at: 2026-11-18T09:00:00Z, by: alice, action: submit, from: draft, to: review}\n",
        "W\n",
    )
    .item("jokes/fresh.md", "status: review\nhistory:\n  - {at: 2026-11-24T09:00:00Z, by: alice, action: submit, from: draft, to: review}\n", "F\n")
    .item("jokes/late.md", "status: draft\nassignee: alice\ndue: 2026-11-20\n", "L\n")
    .item("jokes/soon.md", "author: bob\nstatus: published\npublish_at: 2026-12-01T09:00:00Z\n", "S\n")
    .item("bulletins/ends.md", "status: published\nexpires: 2026-11-28\n", "E\n");
    s
}

#[test]
fn the_board_counts_waits_and_flags() {
    let s = board_site();
    let r = s.run(&["status", "--now", NOW]).ok();
    for line in [
        "  draft 1   review 2   approved 0   published 2   archived 0\n",
        "\nIn review (2)\n  content/jokes/waiting.md  Title of jokes/waiting.md\n    by alice, assignee bob, reviewers bob, in review for 7 days, WAITING (over 3 days)\n",
        "\nIn review longer than 3 days (1)\n  content/jokes/waiting.md  since 2026-11-18 (7 days)  waiting on bob\n",
        "\nOverdue (1)\n  content/jokes/late.md  [draft]  due 2026-11-20  alice\n",
        "\nScheduled (1)\n  content/jokes/soon.md  Title of jokes/soon.md\n    by bob, unassigned, scheduled for 24 days, goes live 2026-12-01T09:00:00Z\n",
    ] {
        assert!(r.stdout.contains(line), "{line}\n{}", r.stdout);
    }
    let r = s
        .run(&[
            "status", "--now", NOW, "--days", "0", "--state", "review", "--format", "json",
        ])
        .ok();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["counts"]["review"], 2);
    assert_eq!(v["counts"]["draft"], 0);
    assert_eq!(v["waiting"].as_array().unwrap().len(), 2);
    assert_eq!(v["waiting"][0]["path"], "content/jokes/waiting.md");
    assert_eq!(v["waiting"][0]["reviewers"], serde_json::json!(["bob"]));
    assert_eq!(v["waiting"][1]["reviewers"], serde_json::json!([]));
    let r = s
        .run(&["status", "--now", NOW, "--author", "bob", "--format", "markdown"])
        .ok();
    assert!(
        r.stdout.contains(
            "| Title of jokes/soon.md | `content/jokes/soon.md` | bob |  |  | 24 |  | 2026-12-01T09:00:00Z |  |"
        ),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("### Overdue (0)"), "{}", r.stdout);
    s.write("roles.yaml", &format!("{}  review_days: 10\n", crate::support::ROLES));
    let r = s.run(&["status", "--now", NOW, "--format", "json"]).ok();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["review_days"], 10);
    assert_eq!(v["waiting"].as_array().unwrap().len(), 0);
}

#[test]
fn the_schedule_lists_future_changes_soonest_first() {
    let s = board_site();
    let r = s.run(&["schedule", "--now", NOW]).ok();
    assert_eq!(
        r.stdout,
        "2026-11-28T00:00:00Z  content/bulletins/ends.md  leaves the site (expires)\n2026-12-01T09:00:00Z  content/jokes/soon.md  goes live (publish_at)\n"
    );
    let r = s.run(&["schedule", "--next", "--now", NOW]).ok();
    assert_eq!(r.stdout, "2026-11-28T00:00:00Z\n");
    let r = s.run(&["schedule", "--format", "json", "--now", NOW]).ok();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v[1]["change"], "publish");
    assert_eq!(v[1]["file"], "content/jokes/soon.md");
    let r = s.run(&["schedule", "--next", "--now", "2027-01-01"]).ok();
    assert_eq!(r.stdout, "");
}

// ---- check --since: real git repositories -------------------------------

pub(crate) fn has_git() -> bool {
    let found = Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        crate::support::skip("git is not installed");
    }
    found
}

fn git(s: &Site, args: &[&str]) -> String {
    git_as(s, "erin@example.com", args)
}

pub(crate) fn git_as(s: &Site, email: &str, args: &[&str]) -> String {
    let o = Command::new("git")
        .args(args)
        .current_dir(s.root())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", email)
        .env("GIT_AUTHOR_EMAIL", email)
        .env("GIT_COMMITTER_NAME", "CI")
        .env("GIT_COMMITTER_EMAIL", "ci@example.com")
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

pub(crate) fn commit(s: &Site, email: &str, msg: &str) -> String {
    git_as(s, email, &["add", "-A"]);
    git_as(s, email, &["commit", "-q", "-m", msg]);
    git(s, &["rev-parse", "--short=7", "HEAD"])
}

const TEAM: &str = "members:
  alice: {name: Alice, email: alice@example.com, roles: [copywriter]}
  bob:   {name: Bob, email: bob@example.com, roles: [editor]}
  carol: {name: Carol, email: carol@example.com, roles: [optimizer]}
  erin:  {name: Erin, email: erin@example.com, roles: [manager]}
";

/// A repository with a base commit by erin: roles, a published joke by bob.
fn repo() -> Option<Site> {
    if !has_git() {
        return None;
    }
    let s = Site::new();
    s.write("roles.yaml", TEAM);
    s.item(
        "jokes/cat.md",
        "author: bob\nstatus: published\nseo:\n  description: A cat joke.\n  focus_keyword: cat\n",
        "Cats.\n",
    );
    git(&s, &["init", "-q"]);
    commit(&s, "erin@example.com", "base");
    Some(s)
}

fn edit(s: &Site, rel: &str, from: &str, to: &str) {
    let text = read(s, rel);
    assert!(text.contains(from), "{from} not in {text}");
    s.write(rel, &text.replacen(from, to, 1));
}

#[test]
fn check_since_judges_each_commit_by_its_author() {
    let Some(s) = repo() else { return };
    let cat = "content/jokes/cat.md";
    edit(&s, cat, "focus_keyword: cat", "focus_keyword: cats");
    let c1 = commit(&s, "bob@example.com", "bob tunes seo");
    edit(&s, cat, "Cats.", "Cats rule.");
    let c2 = commit(&s, "alice@example.com", "alice edits bob's body");
    s.item("jokes/new.md", "status: draft\nseo:\n  title: New\n", "New.\n");
    commit(&s, "alice@example.com", "alice adds a joke with seo");
    edit(&s, "content/jokes/new.md", "status: draft", "status: published");
    let c4 = commit(&s, "erin@example.com", "erin skips review");
    s.write("themes/extra/x.html", "x");
    let c5 = commit(&s, "mallory@example.com", "a stranger");
    edit(&s, cat, "focus_keyword: cats", "focus_keyword: kittens");
    commit(&s, "carol@example.com", "carol tunes seo");

    let r = s.run(&["check", "--since", "HEAD~6", "--now", NOW]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let lines: Vec<&str> = r.stderr.lines().filter(|l| l.contains("error[")).collect();
    assert_eq!(
        lines,
        [
            format!("content/jokes/cat.md:8: error[needs-seo]: bob (editor) cannot change seo fields; members with 'seo': carol, erin (commit {c1} by bob@example.com, field 'seo.focus_keyword')"),
            format!("content/jokes/cat.md:10: error[needs-review]: alice (copywriter) cannot change the body of bob's item; members with 'review': bob, erin (commit {c2} by alice@example.com, field 'body')"),
            format!("content/jokes/new.md:5: error[illegal-transition]: status draft -> published is not a workflow step (draft -> review -> approved -> published; archive from any state; unpublish back to approved; request changes back to draft) (commit {c4} by erin@example.com, field 'status')"),
            format!("themes/extra/x.html:1: error[unknown-author]: commit author mallory@example.com is not a member in roles.yaml (add them under members:, or commit with a member's email) (commit {c5} by mallory@example.com, field 'file')"),
        ]
    );
    assert!(
        r.stderr.ends_with("4 policy violations in 6 commits since HEAD~6\n"),
        "{}",
        r.stderr
    );

    let r = s.run(&["check", "--since", "HEAD~6", "--now", NOW, "--format", "json"]);
    assert_eq!(r.code, 1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["policy"]["commits"], 6);
    let first = &v["policy"]["violations"][0];
    assert_eq!(first["rule"], "needs-seo");
    assert_eq!(first["member"], "bob");
    assert_eq!(first["file"], "content/jokes/cat.md");
    assert_eq!(first["line"], 8);

    let r = s.run(&["check", "--since", "HEAD~6", "--now", NOW, "--format", "sarif"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    assert_eq!(results[1]["ruleId"], "needs-review");
    let loc = &results[1]["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "content/jokes/cat.md");
    assert_eq!(loc["region"]["startLine"], 10);

    // Only the last commit (carol's) is clean.
    let r = s.run(&["check", "--since", "HEAD~1", "--now", NOW]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.ends_with("0 policy violations in 1 commit since HEAD~1\n"),
        "{}",
        r.stderr
    );
}

#[test]
fn check_since_follows_the_workflow_through_commits() {
    let Some(s) = repo() else { return };
    let joke = "content/jokes/dog.md";
    s.item("jokes/dog.md", "status: draft\n", "Woof.\n");
    commit(&s, "alice@example.com", "draft");
    wf(&s, &["submit", joke, "--as", "alice"]).ok();
    commit(&s, "alice@example.com", "submit");
    wf(&s, &["approve", joke, "--as", "bob"]).ok();
    commit(&s, "bob@example.com", "approve");
    wf(&s, &["publish", joke, "--as", "bob"]).ok();
    commit(&s, "bob@example.com", "publish");
    let r = s.run(&["check", "--since", "HEAD~4", "--now", NOW]);
    assert_eq!(r.code, 0, "{}", r.stderr);

    // An approval recorded under someone else's name is caught, and so is
    // rewriting history.
    wf(&s, &["unpublish", joke, "--as", "erin"]).ok();
    let c = commit(&s, "bob@example.com", "unpublish as erin");
    edit(&s, joke, "by: alice, action: submit", "by: erin, action: submit");
    let d = commit(&s, "bob@example.com", "rewrite history");
    let r = s.run(&["check", "--since", "HEAD~2", "--now", NOW, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let got: Vec<String> = v["policy"]["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            format!(
                "{} {} {}",
                x["commit"].as_str().unwrap(),
                x["field"].as_str().unwrap(),
                x["rule"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        got,
        [format!("{c} history entry-author"), format!("{d} history append-only")]
    );
}

#[test]
fn check_since_judges_by_roles_before_each_commit() {
    let Some(s) = repo() else { return };
    // alice grants herself seo: she lacks 'config', and the grant does not count.
    edit(
        &s,
        "roles.yaml",
        "roles: [copywriter]",
        "roles: [copywriter, optimizer]",
    );
    commit(&s, "alice@example.com", "grant");
    edit(
        &s,
        "content/jokes/cat.md",
        "focus_keyword: cat",
        "focus_keyword: kitten",
    );
    commit(&s, "alice@example.com", "seo");
    let r = s.run(&["check", "--since", "HEAD~2", "--now", NOW, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let rules: Vec<&str> = v["policy"]["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["needs-config", "needs-seo"]);
    let r = s.run(&["check", "--since", "no-such-rev", "--now", NOW]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("'no-such-rev' is not a commit"), "{}", r.stderr);
    let plain = Site::new();
    let r = run_isolated(&plain, &["check", "--since", "HEAD~1", "--now", NOW]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("is not in a git work tree"), "{}", r.stderr);
}

#[test]
fn check_since_treats_renames_as_moves() {
    let Some(s) = repo() else { return };
    let mv = |from: &str, to: &str, email: &str| {
        std::fs::create_dir_all(s.root().join(to).parent().unwrap()).unwrap();
        std::fs::rename(s.root().join(from), s.root().join(to)).unwrap();
        commit(&s, email, "move")
    };
    mv("content/jokes/cat.md", "content/jokes/kitten.md", "bob@example.com");
    let r = s.run(&["check", "--since", "HEAD~1", "--now", NOW]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let c = mv("content/jokes/kitten.md", "content/jokes/cat.md", "alice@example.com");
    let r = s.run(&["check", "--since", "HEAD~1", "--now", NOW]);
    assert_eq!(
        r.stderr.lines().next().unwrap(),
        format!("content/jokes/cat.md:1: error[needs-review]: alice (copywriter) cannot move bob's item; members with 'review': bob, erin (commit {c} by alice@example.com, field 'file')")
    );
    mv("content/jokes/cat.md", "content/specials/cat.md", "alice@example.com");
    let r = s.run(&["check", "--since", "HEAD~1", "--now", NOW, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let got: Vec<String> = v["policy"]["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| format!("{} {}", x["file"].as_str().unwrap(), x["rule"].as_str().unwrap()))
        .collect();
    assert!(
        got.contains(&"content/jokes/cat.md needs-archive".to_string()),
        "{got:?}"
    );
    assert!(
        got.contains(&"content/specials/cat.md needs-specials".to_string()),
        "{got:?}"
    );
}

#[test]
fn check_since_names_files_from_the_repository_root_in_sarif() {
    if !has_git() {
        return;
    }
    let s = Site::new();
    git(&s, &["init", "-q"]);
    std::fs::create_dir_all(s.root().join("site")).unwrap();
    for f in ["roles.yaml", "site.yaml"] {
        std::fs::rename(s.root().join(f), s.root().join("site").join(f)).unwrap();
    }
    s.write("site/roles.yaml", TEAM);
    commit(&s, "erin@example.com", "base");
    s.write("site/site.yaml", "title: Changed\nbase_url: https://jokes.test\n");
    s.write("README.md", "not part of the site\n");
    commit(&s, "alice@example.com", "config");
    let r = s.run(&[
        "-C", "site", "check", "--since", "HEAD~1", "--now", NOW, "--format", "sarif",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{results:?}");
    assert_eq!(results[0]["ruleId"], "needs-config");
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "site/site.yaml"
    );
}
