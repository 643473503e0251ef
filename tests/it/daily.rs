//! The daily loop, as a team meets it: drafts in preview, the board, the
//! review clock, rescheduling, default permissions, preview deploys, a new
//! site from `init`, completions and man pages, and the docs that must
//! match the code (the site.yaml reference, the README's command table).

use crate::serve::Server;
use crate::support::{Run, Site, NOW};
use crate::workflow::has_git;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

fn read(s: &Site, rel: &str) -> String {
    std::fs::read_to_string(s.root().join(rel)).unwrap()
}

/// `punchline ARGS --now TIME`.
fn at(s: &Site, time: &str, args: &[&str]) -> Run {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--now", time]);
    s.run(&all)
}

// ---- drafts --------------------------------------------------------------

fn drafts_site() -> Site {
    let s = Site::new();
    s.joke("live", "");
    s.item("jokes/idea.md", "status: draft\n", "A draft idea.\n");
    s
}

#[test]
fn drafts_show_only_with_the_flag_and_never_reach_production() {
    let s = drafts_site();
    s.build(&[]).ok();
    assert!(s.has("jokes/live/index.html"));
    assert!(!s.has("jokes/idea/index.html"), "a live build has no drafts");
    // --preview shows review and approved items, not drafts.
    s.build(&["--preview"]).ok();
    assert!(!s.has("jokes/idea/index.html"));
    let r = s.build(&["--drafts"]).ok();
    assert!(r.stderr.contains("[preview]"), "{}", r.stderr);
    let page = s.out("jokes/idea/index.html");
    assert!(page.contains("PREVIEW"), "the banner");
    assert!(page.contains(r#"<meta name="robots" content="noindex"#), "{page}");
    assert!(s.out("jokes/live/index.html").contains("noindex"), "noindex everywhere");
    // A draft's problems fail a drafts build at their line, not a live one.
    s.item(
        "jokes/idea.md",
        "status: draft\n",
        "See [the other one](@/jokes/nope.md).\n",
    );
    let r = s.build(&["--drafts"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("content/jokes/idea.md:7:5: error[LNK001]: broken internal link '@/jokes/nope.md'"),
        "{}",
        r.stderr
    );
    s.build(&[]).ok();
    // Deploys: production refuses a drafts build, a preview target takes it.
    s.item("jokes/idea.md", "status: draft\n", "A draft idea.\n");
    s.write(
        "site.yaml",
        "title: T\nbase_url: https://jokes.test\ndeploy:\n  targets:\n    production: file://prod\n    review: {url: file://rev, kind: preview}\n",
    );
    s.build(&["--drafts"]).ok();
    let r = s.run(&["deploy", "--target", "production"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("error[DEP004]: refusing to deploy a preview build to a production target"),
        "{}",
        r.stderr
    );
    assert!(!s.root().join("prod/jokes/idea/index.html").exists());
    s.run(&["deploy", "--target", "review"]).ok();
    assert!(s.root().join("rev/jokes/idea/index.html").exists());
    // A live build goes to production as before.
    s.build(&[]).ok();
    s.run(&["deploy", "--target", "production"]).ok();
    assert!(s.root().join("prod/jokes/live/index.html").exists());
    assert!(!s.root().join("prod/jokes/idea/index.html").exists());
    s.write(
        "site.yaml",
        "deploy:\n  targets:\n    review: {url: file://rev, kind: previw}\n",
    );
    let r = s.run(&["deploy", "--target", "review"]);
    assert!(
        r.stderr
            .contains("site.yaml:3:37: error[DEP001]: unknown target kind 'previw'"),
        "{}",
        r.stderr
    );
}

#[test]
fn serve_drafts_shows_the_draft_and_its_problems() {
    let s = drafts_site();
    let plain = Server::start(&s, &[]);
    assert_eq!(plain.get("/jokes/idea/").0, 404);
    drop(plain);
    let mut srv = Server::start(&s, &["--drafts"]);
    let (code, page) = srv.get("/jokes/idea/");
    assert_eq!(code, 200);
    assert!(page.contains("PREVIEW"));
    s.item(
        "jokes/idea.md",
        "status: draft\n",
        "See [the other one](@/jokes/nope.md).\n",
    );
    let st = srv.next_rebuild();
    assert_eq!(st["ok"], false);
    let errors: Vec<&str> = st["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e.as_str())
        .collect();
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("content/jokes/idea.md:7:5: error[LNK001]")),
        "{errors:?}"
    );
}

// ---- the board -----------------------------------------------------------

fn board_site() -> Site {
    let s = Site::new();
    s.item("jokes/d.md", "status: draft\nassignee: alice\ndue: 2026-11-20\n", "D\n")
        .item(
            "jokes/r.md",
            "status: review\nassignee: bob\nreview:\n  reviewers: [bob]\nhistory:\n  - {at: 2026-11-18T09:00:00Z, by: alice, action: submit, from: draft, to: review}\n",
            "R\n",
        )
        .item(
            "jokes/r2.md",
            "author: bob\nstatus: review\nreview:\n  reviewers: [erin]\nhistory:\n  - {at: 2026-11-24T09:00:00Z, by: bob, action: submit, from: draft, to: review}\n",
            "R2\n",
        )
        .item(
            "jokes/a.md",
            "status: approved\nhistory:\n  - {at: 2026-11-23T09:00:00Z, by: bob, action: approve, from: review, to: approved}\n",
            "A\n",
        )
        .item("jokes/s.md", "status: published\npublish_at: 2026-12-01T09:00:00Z\n", "S\n")
        .item("jokes/live.md", "status: published\n", "L\n");
    s
}

#[test]
fn the_board_lists_every_section_with_its_exceptions() {
    let s = board_site();
    let r = s.run(&["status", "--now", NOW]).ok();
    assert_eq!(
        r.stdout,
        "Board at 2026-11-25T12:00:00Z
  draft 1   review 2   approved 1   published 2   archived 0

Draft (1)
  content/jokes/d.md  Title of jokes/d.md
    by alice, assignee alice, draft for 24 days, due 2026-11-20, OVERDUE

In review (2)
  content/jokes/r.md  Title of jokes/r.md
    by alice, assignee bob, reviewers bob, in review for 7 days, WAITING (over 3 days)
  content/jokes/r2.md  Title of jokes/r2.md
    by bob, unassigned, reviewers erin, in review for 1 day

Approved: ready to publish (1)
  content/jokes/a.md  Title of jokes/a.md
    by alice, unassigned, approved for 2 days

Scheduled (1)
  content/jokes/s.md  Title of jokes/s.md
    by alice, unassigned, scheduled for 24 days, goes live 2026-12-01T09:00:00Z

In review longer than 3 days (1)
  content/jokes/r.md  since 2026-11-18 (7 days)  waiting on bob

Overdue (1)
  content/jokes/d.md  [draft]  due 2026-11-20  alice
"
    );
}

/// The paths in every section of a JSON board.
fn json_paths(r: &Run) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let mut out = Vec::new();
    for section in ["draft", "review", "approved", "scheduled"] {
        for i in v[section].as_array().unwrap() {
            out.push(format!("{section}:{}", i["path"].as_str().unwrap()));
        }
    }
    out
}

#[test]
fn the_board_filters_carry_the_same_data_in_every_format() {
    let s = board_site();
    let json = |extra: &[&str]| {
        let mut args = vec!["status", "--now", NOW, "--format", "json"];
        args.extend_from_slice(extra);
        json_paths(&s.run(&args).ok())
    };
    assert_eq!(json(&["--reviewer", "bob"]), ["review:content/jokes/r.md"]);
    assert_eq!(json(&["--assignee", "alice"]), ["draft:content/jokes/d.md"]);
    assert_eq!(json(&["--author", "bob"]), ["review:content/jokes/r2.md"]);
    assert_eq!(json(&["--state", "approved"]), ["approved:content/jokes/a.md"]);
    assert_eq!(json(&["--state", "scheduled"]), ["scheduled:content/jokes/s.md"]);
    assert_eq!(
        json(&["--days", "0", "--state", "review"]),
        ["review:content/jokes/r.md", "review:content/jokes/r2.md"]
    );
    let r = s.run(&["status", "--now", NOW, "--format", "json", "--days", "0"]).ok();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["waiting"].as_array().unwrap().len(), 2);
    let item = &v["review"][0];
    assert_eq!(item["reviewers"], serde_json::json!(["bob"]));
    assert_eq!(
        (item["days"].as_i64(), item["since"].as_str()),
        (Some(7), Some("2026-11-18T09:00:00Z"))
    );
    assert_eq!(v["draft"][0]["exceptions"], serde_json::json!(["overdue"]));
    assert_eq!(v["scheduled"][0]["publish_at"], "2026-12-01T09:00:00Z");
    // Markdown carries the same rows and exceptions.
    let md = s.run(&["status", "--now", NOW, "--format", "markdown"]).ok().stdout;
    for row in [
        "| Title of jokes/d.md | `content/jokes/d.md` | alice | alice |  | 24 | 2026-11-20 |  | OVERDUE |",
        "| Title of jokes/r.md | `content/jokes/r.md` | alice | bob | bob | 7 |  |  | WAITING (over 3 days) |",
        "| Title of jokes/a.md | `content/jokes/a.md` | alice |  |  | 2 |  |  |  |",
        "| Title of jokes/s.md | `content/jokes/s.md` | alice |  |  | 24 |  | 2026-12-01T09:00:00Z |  |",
        "### Approved: ready to publish (1)",
    ] {
        assert!(md.contains(row), "{row}\n{md}");
    }
    let md = s
        .run(&["status", "--now", NOW, "--format", "markdown", "--reviewer", "erin"])
        .ok()
        .stdout;
    assert!(
        md.contains("### In review (1)") && md.contains("`content/jokes/r2.md`"),
        "{md}"
    );
    assert!(md.contains("### Draft (0)"), "{md}");
}

#[test]
fn status_mine_is_the_git_user() {
    if !has_git() {
        return;
    }
    let s = board_site();
    git(&s, &["init", "-q"]);
    git(&s, &["config", "user.email", "bob@example.com"]);
    let r = isolated(&s, &["status", "--mine", "--now", NOW, "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // bob: assigned r.md and asked to review it; wrote r2.md.
    assert_eq!(
        json_paths(&r),
        ["review:content/jokes/r.md", "review:content/jokes/r2.md"]
    );
    git(&s, &["config", "user.email", "nobody@example.com"]);
    let r = isolated(&s, &["status", "--mine", "--now", NOW]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("error[WF001]: git user.email 'nobody@example.com'"),
        "{}",
        r.stderr
    );
}

// ---- the review clock and rescheduling ----------------------------------

#[test]
fn assign_and_other_edits_never_restart_the_time_in_review() {
    let s = Site::new();
    s.item("jokes/x.md", "status: draft\n", "X\n");
    at(
        &s,
        "2026-11-18T09:00:00Z",
        &["submit", "content/jokes/x.md", "--as", "alice", "--reviewer", "bob"],
    )
    .ok();
    at(
        &s,
        "2026-11-24T09:00:00Z",
        &[
            "assign",
            "content/jokes/x.md",
            "--as",
            "erin",
            "--to",
            "bob",
            "--due",
            "2026-11-30",
        ],
    )
    .ok();
    let r = s.run(&["status", "--now", NOW, "--format", "json"]).ok();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["review"][0]["since"], "2026-11-18T09:00:00Z");
    assert_eq!(v["review"][0]["days"], 7);
    assert_eq!(v["waiting"][0]["path"], "content/jokes/x.md", "still late");
    // A change of state does restart it.
    at(
        &s,
        "2026-11-25T10:00:00Z",
        &[
            "request-changes",
            "content/jokes/x.md",
            "--as",
            "bob",
            "--note",
            "Shorter.",
        ],
    )
    .ok();
    at(
        &s,
        "2026-11-25T11:00:00Z",
        &["submit", "content/jokes/x.md", "--as", "alice"],
    )
    .ok();
    let r = s.run(&["status", "--now", NOW, "--format", "json"]).ok();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["review"][0]["since"], "2026-11-25T11:00:00Z");
    assert_eq!(v["waiting"].as_array().unwrap().len(), 0);
}

#[test]
fn publish_at_moves_a_scheduled_item_and_unpublish_unschedules_it() {
    let s = Site::new();
    let x = "content/jokes/x.md";
    s.item(
        "jokes/x.md",
        "status: approved\nreview:\n  log:\n    - {at: 2026-11-20T10:00:00Z, by: bob, verdict: approve}\n",
        "X\n",
    );
    at(&s, NOW, &["publish", x, "--as", "bob", "--at", "2026-12-01T09:00:00Z"]).ok();
    let r = at(&s, NOW, &["publish", x, "--as", "bob", "--at", "2026-12-05T09:00:00Z"]).ok();
    assert_eq!(
        r.stdout,
        "content/jokes/x.md: rescheduled from 2026-12-01T09:00:00Z to 2026-12-05T09:00:00Z\n"
    );
    let text = read(&s, x);
    assert!(text.contains("publish_at: 2026-12-05T09:00:00Z\n"), "{text}");
    assert!(
        text.contains("action: publish, from: published, to: published, note: \"rescheduled from 2026-12-01T09:00:00Z to 2026-12-05T09:00:00Z\"}"),
        "{text}"
    );
    let r = s.run(&["schedule", "--next", "--now", NOW]).ok();
    assert_eq!(r.stdout, "2026-12-05T09:00:00Z\n");
    // Without --at, a scheduled item says how to move it.
    let r = at(&s, NOW, &["publish", x, "--as", "bob"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("(help: it is scheduled for 2026-12-05T09:00:00Z: 'publish --at TIME' moves it, 'unpublish' takes it back to approved)"),
        "{}",
        r.stderr
    );
    let r = at(&s, NOW, &["unpublish", x, "--as", "bob"]).ok();
    assert_eq!(
        r.stdout,
        "content/jokes/x.md: published -> approved (no longer scheduled for 2026-12-05T09:00:00Z)\n"
    );
    assert!(
        read(&s, x).contains("status: approved\npublish_at: ~\n"),
        "{}",
        read(&s, x)
    );
    assert_eq!(s.run(&["schedule", "--next", "--now", NOW]).ok().stdout, "");
    // Published again without --at, it goes live now, not at the old time.
    let r = at(&s, NOW, &["publish", x, "--as", "bob"]).ok();
    assert_eq!(r.stdout, "content/jokes/x.md: approved -> published\n");
    s.build(&[]).ok();
    assert!(s.has("jokes/x/index.html"));
}

// ---- default permissions -------------------------------------------------

/// roles.yaml without a `roles:` block: the documented default table.
const DEFAULT_ROLES: &str = "members:
  alice: {email: alice@example.com, roles: [copywriter]}
  bob:   {email: bob@example.com, roles: [editor]}
  pat:   {email: pat@example.com, roles: [planner]}
";

fn git(s: &Site, args: &[&str]) -> String {
    let o = Command::new("git")
        .args(args)
        .current_dir(s.root())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

fn commit(s: &Site, email: &str) {
    git(s, &["add", "-A"]);
    git(
        s,
        &[
            "-c",
            &format!("user.email={email}"),
            "-c",
            "user.name=N",
            "commit",
            "-qm",
            "c",
        ],
    );
}

fn isolated(s: &Site, args: &[&str]) -> Run {
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
fn planners_create_and_submit_specials_by_default() {
    let s = Site::new();
    s.write("roles.yaml", DEFAULT_ROLES);
    let r = at(&s, NOW, &["new", "special", "Winter", "--as", "pat"]).ok();
    let path = r.stdout.trim().to_string();
    assert_eq!(path, "content/specials/winter.md");
    // A special needs a query that selects something and a campaign.
    let text = read(&s, &path).replace(
        "select: {tags: [], match: any, limit: 50, sort: date-desc}",
        "select: {tags: [x], match: any, limit: 50, sort: date-desc}",
    );
    s.write(&path, &text);
    s.joke("tagged", "tags: [x]\n");
    at(&s, NOW, &["submit", &path, "--as", "pat", "--reviewer", "bob"]).ok();
    assert!(read(&s, &path).contains("status: review"));
    // alice (copywriter: write, submit) may not touch specials.
    s.item(
        "specials/other.md",
        "author: pat\nstatus: draft\nselect: {tags: [x]}\n",
        "O\n",
    );
    let r = at(&s, NOW, &["submit", "content/specials/other.md", "--as", "alice"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("alice (copywriter) cannot submit; members with 'specials': pat"),
        "{}",
        r.stderr
    );
    // A site can tighten it: then submitting needs 'submit'.
    s.write(
        "roles.yaml",
        &format!("{DEFAULT_ROLES}workflow:\n  specials_submit: false\n"),
    );
    let r = at(&s, NOW, &["submit", "content/specials/other.md", "--as", "pat"]);
    assert!(
        r.stderr
            .contains("pat (planner) cannot submit; members with 'submit': alice, bob"),
        "{}",
        r.stderr
    );
}

#[test]
fn authors_fill_in_their_own_seo_until_first_published() {
    if !has_git() {
        return;
    }
    let s = Site::new();
    s.write("roles.yaml", DEFAULT_ROLES);
    git(&s, &["init", "-q", "-b", "main"]);
    commit(&s, "bob@example.com");
    at(&s, NOW, &["new", "joke", "Cats", "--as", "alice"]).ok();
    let path = "content/jokes/cats.md";
    commit(&s, "alice@example.com");
    let base = git(&s, &["rev-parse", "HEAD"]);
    let filled = read(&s, path)
        .replace(
            "  description: ~\n",
            "  description: A cat joke for people who own a cat.\n",
        )
        .replace("---\n\n", "---\nWhy do cats sit on keyboards?\n");
    s.write(path, &filled);
    commit(&s, "alice@example.com");
    let r = isolated(&s, &["check", "--since", &base, "--now", NOW]);
    assert!(r.stderr.contains("0 policy violations in 1 commit"), "{}", r.stderr);
    // Once it has been published, the seo block is the optimizers'.
    at(&s, NOW, &["submit", path, "--as", "alice"]).ok();
    at(&s, NOW, &["approve", path, "--as", "bob"]).ok();
    at(&s, NOW, &["publish", path, "--as", "bob"]).ok();
    commit(&s, "bob@example.com");
    let base = git(&s, &["rev-parse", "HEAD"]);
    s.write(
        path,
        &read(&s, path).replace("A cat joke for people", "The cat joke for people"),
    );
    commit(&s, "alice@example.com");
    let r = isolated(&s, &["check", "--since", &base, "--now", NOW]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("error[needs-seo]: alice (copywriter) cannot change seo fields"),
        "{}",
        r.stderr
    );
}

// ---- a new site ----------------------------------------------------------

/// `punchline ARGS` with HOME set to `home` and only its git config.
fn as_newcomer(home: &Path, dir: &Path, args: &[&str]) -> Run {
    let o = Command::new(env!("CARGO_BIN_EXE_punchline"))
        .args(args)
        .current_dir(dir)
        .env("HOME", home)
        .env_remove("GIT_CONFIG_GLOBAL")
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
fn init_in_a_fresh_home_then_the_whole_workflow_without_as() {
    if !has_git() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    for (k, v) in [("user.email", "lee@example.com"), ("user.name", "Lee Park")] {
        let ok = Command::new("git")
            .args(["config", "--global", k, v])
            .env("HOME", h)
            .env_remove("GIT_CONFIG_GLOBAL")
            .status()
            .unwrap();
        assert!(ok.success());
    }
    let work = h.join("work");
    std::fs::create_dir(&work).unwrap();
    let r = as_newcomer(h, &work, &["init", "jokes"]).ok();
    let site = work.join("jokes");
    assert!(site.join(".git").is_dir(), "a repository: {}", r.stderr);
    let ignore = std::fs::read_to_string(site.join(".gitignore")).unwrap();
    assert!(
        ignore.contains("/public/\n") && ignore.contains("/.punchline/\n"),
        "{ignore}"
    );
    let roles = std::fs::read_to_string(site.join("roles.yaml")).unwrap();
    assert!(
        roles.contains("  lee-park: {name: \"Lee Park\", email: \"lee@example.com\", roles: [manager]}"),
        "{roles}"
    );
    assert!(
        r.stderr.contains("added you to roles.yaml as 'lee-park'"),
        "{}",
        r.stderr
    );
    let next: Vec<&str> = r.stderr.lines().skip_while(|l| *l != "next:").skip(1).collect();
    assert_eq!(next.len(), 3, "{}", r.stderr);
    assert!(
        next[0].starts_with("  cd ")
            && next[1].contains("punchline new joke")
            && next[2].contains("punchline serve --drafts")
    );
    // The whole loop, as the git user, with no --as.
    let r = as_newcomer(h, &site, &["new", "joke", "First"]).ok();
    let path = r.stdout.trim().to_string();
    std::fs::write(
        site.join(&path),
        std::fs::read_to_string(site.join(&path)).unwrap() + "Knock knock.\n",
    )
    .unwrap();
    for cmd in ["submit", "approve", "publish"] {
        let r = as_newcomer(h, &site, &[cmd, &path]);
        assert_eq!(r.code, 0, "{cmd}: {}", r.stderr);
    }
    as_newcomer(h, &site, &["build"]).ok();
    assert!(site.join("public/jokes/first/index.html").exists());
    let status = Command::new("git")
        .args(["status", "--porcelain", "--ignored"])
        .current_dir(&site)
        .env("HOME", h)
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&status.stdout).contains("!! public/"),
        "public/ is ignored"
    );
    // Inside a repository, init makes no new one; -C is honoured.
    let r = as_newcomer(h, &work, &["-C", "jokes", "init", "nested"]).ok();
    assert!(site.join("nested/site.yaml").exists(), "{}", r.stderr);
    assert!(!site.join("nested/.git").exists());
}

// ---- completions, man pages, help ---------------------------------------

fn bin(args: &[&str]) -> Run {
    let o = Command::new(env!("CARGO_BIN_EXE_punchline"))
        .args(args)
        .output()
        .unwrap();
    Run {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

#[test]
fn completions_and_man_pages_are_generated() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let r = bin(&["completions", shell]).ok();
        assert!(
            r.stdout.contains("request-changes") && r.stdout.contains("drafts"),
            "{shell}"
        );
    }
    assert_eq!(bin(&["completions", "tcsh"]).code, 2);
    let r = bin(&["man"]).ok();
    assert!(
        r.stdout.contains(".TH punchline 1"),
        "{}",
        &r.stdout[..200.min(r.stdout.len())]
    );
    let dir = tempfile::tempdir().unwrap();
    bin(&["man", "--dir", dir.path().to_str().unwrap()]).ok();
    let status = std::fs::read_to_string(dir.path().join("punchline-status.1")).unwrap();
    assert!(status.contains("\\-\\-reviewer"), "{status}");
    assert!(dir.path().join("punchline.1").exists());
}

/// Every `--flag` in a help text.
fn flags(help: &str) -> BTreeSet<String> {
    help.split(|c: char| c.is_whitespace() || c == ',' || c == '[' || c == ']' || c == '=')
        .filter(|w| w.starts_with("--") && w.len() > 2)
        .map(|w| {
            w.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '-')
                .to_string()
        })
        .collect()
}

#[test]
fn the_readme_command_table_matches_help() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let table = readme
        .split("| command | what it does |")
        .nth(1)
        .expect("the README has a command table");
    let mut listed = BTreeSet::new();
    for row in table.lines().skip(2).take_while(|l| l.starts_with('|')) {
        let cell = row
            .trim_start_matches('|')
            .split(" | ")
            .next()
            .unwrap()
            .replace("\\|", "|");
        // Each `...` span names a command and the flags it takes.
        for span in cell.split('`').skip(1).step_by(2) {
            let name = span.split_whitespace().next().unwrap();
            listed.insert(name.to_string());
            let help = bin(&[name, "--help"]).ok().stdout;
            let sub = span
                .split_whitespace()
                .nth(1)
                .filter(|w| !w.starts_with(['-', '[']) && name == "theme");
            let help = match sub {
                Some(sub) => bin(&[name, sub, "--help"]).ok().stdout,
                None => help,
            };
            for f in flags(span) {
                assert!(
                    flags(&help).contains(&f),
                    "README lists {f} for '{span}' but its --help does not"
                );
            }
        }
    }
    let top = bin(&["--help"]).ok().stdout;
    let commands: BTreeSet<String> = top
        .split("Commands:")
        .nth(1)
        .unwrap()
        .split("Options:")
        .next()
        .unwrap()
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(String::from)
        .collect();
    assert_eq!(
        listed, commands,
        "the README's command table and 'punchline --help' list different commands"
    );
    // --note says where it is recorded, for every command that takes it.
    for cmd in [
        "submit",
        "approve",
        "request-changes",
        "publish",
        "unpublish",
        "archive",
        "assign",
    ] {
        let help = bin(&[cmd, "--help"]).ok().stdout;
        assert!(help.contains("recorded in the item's history"), "{cmd}: {help}");
    }
}

// ---- the site.yaml reference ---------------------------------------------

/// The keys the code accepts where `yaml` puts the unknown key `zzqqxx`,
/// read from the "known fields" help of its FM003 diagnostic.
fn known_keys(yaml: &str) -> BTreeSet<String> {
    let s = Site::new();
    s.write("site.yaml", yaml);
    let r = s.run(&["check", "--now", NOW]);
    let line = r
        .stderr
        .lines()
        .find(|l| l.contains("unknown field 'zzqqxx'"))
        .unwrap_or_else(|| panic!("no unknown-field error for {yaml}:\n{}", r.stderr));
    let list = line.split("known fields: ").nth(1).expect("a known-fields list");
    list.trim_end_matches(')').split(", ").map(String::from).collect()
}

#[test]
fn the_settings_reference_matches_the_code() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("docs/settings.md")).unwrap();
    let documented: BTreeSet<String> = doc
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .map(String::from)
        .collect();
    let sections: [(&str, &str); 10] = [
        ("", "zzqqxx: 1\n"),
        ("limits.", "limits: {zzqqxx: 1}\n"),
        ("links.", "links: {zzqqxx: 1}\n"),
        ("menu[].", "menu:\n  - {name: A, url: /a/, zzqqxx: 1}\n"),
        ("deploy.", "deploy: {zzqqxx: 1}\n"),
        (
            "deploy.targets.NAME.",
            "deploy: {targets: {p: {url: file://p, zzqqxx: 1}}}\n",
        ),
        ("audit.", "audit: {zzqqxx: 1}\n"),
        ("audit.baidu.", "audit: {baidu: {zzqqxx: 1}}\n"),
        ("audit.text_length.", "audit: {text_length: {zzqqxx: 1}}\n"),
        ("languages.TAG.", "languages: {zh: {zzqqxx: 1}}\n"),
    ];
    let mut known = BTreeSet::new();
    for (prefix, yaml) in sections {
        let keys = known_keys(yaml);
        assert!(!keys.is_empty(), "{yaml}");
        known.extend(keys.into_iter().map(|k| format!("{prefix}{k}")));
    }
    let missing: Vec<&String> = known.difference(&documented).collect();
    let stale: Vec<&String> = documented.difference(&known).collect();
    assert!(
        missing.is_empty(),
        "settings the code reads but docs/settings.md does not list: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "docs/settings.md lists settings the code does not know: {stale:?}"
    );
    // The generated site.yaml points at the reference.
    let scaffold = std::fs::read_to_string(root.join("scaffold/site.yaml")).unwrap();
    assert!(scaffold.contains("docs/settings.md"));
}
