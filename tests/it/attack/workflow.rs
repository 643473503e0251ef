//! Attacks: workflow. Raw HTML slipped in under someone else's name,
//! commands racing on one file, publishing what breaks the build, links out
//! of the site, killed commands, "never" dates.

use crate::support::{Site, NOW};
use crate::workflow::{commit, git_as, has_git};
use std::process::{Command, Stdio};

/// A team where raw HTML is erin's alone, and two approvals are needed.
const TEAM: &str = "members:
  alice: {name: Alice, email: alice@example.com, roles: [copywriter]}
  bob:   {name: Bob, email: bob@example.com, roles: [editor]}
  erin:  {name: Erin, email: erin@example.com, roles: [manager]}
workflow:
  approvals_required: 2
";

fn read(s: &Site, rel: &str) -> String {
    std::fs::read_to_string(s.root().join(rel)).unwrap()
}

fn error_lines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.contains("error[")).collect()
}

/// A repository whose base commit (by erin) has erin's page and alice's
/// page, each with a line of HTML.
fn repo() -> Option<Site> {
    if !has_git() {
        return None;
    }
    let s = Site::new();
    s.write("roles.yaml", TEAM);
    s.item(
        "pages/about.md",
        "author: erin\nstatus: published\n",
        "About us.\n\n<div class=\"card\">Hi</div>\n",
    );
    s.item(
        "pages/team.md",
        "author: alice\nstatus: published\n",
        "The <b>team</b>.\n",
    );
    git_as(&s, "erin@example.com", &["init", "-q"]);
    commit(&s, "erin@example.com", "base");
    Some(s)
}

#[test]
fn raw_html_by_a_committer_without_the_right_fails_whoever_the_author_is() {
    let Some(s) = repo() else { return };
    let about = "content/pages/about.md";
    // bob (editor, no raw_html) edits erin's page: the build would keep the
    // script, because erin wrote the page.
    let text = read(&s, about).replace("About us.", "About us.\n\n<script>steal()</script>");
    s.write(about, &text);
    let c1 = commit(&s, "bob@example.com", "bob adds a script to erin's page");
    let r = s.run(&["check", "--since", "HEAD~1", "--now", NOW]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        error_lines(&r.stderr),
        [format!("content/pages/about.md:9: error[needs-raw_html]: bob (editor) cannot add or change raw HTML ('<script>steal()</script>' at column 1) in any item, whoever its author is; members with 'raw_html': erin (commit {c1} by bob@example.com, field 'body') (help: write it in Markdown or a shortcode, or ask a member with 'raw_html' to commit the HTML)")]
    );

    // The same through a shortcode body, and through a new file.
    s.write(
        about,
        &text.replace(
            "<script>steal()</script>",
            "{% quote(author=\"x\") %}\n<b>x</b>\n{% end %}",
        ),
    );
    commit(&s, "bob@example.com", "html in a shortcode body");
    s.item(
        "pages/new.md",
        "author: erin\nstatus: draft\n",
        "<iframe src=\"https://evil.test\"></iframe>\n",
    );
    commit(&s, "bob@example.com", "a new page in erin's name");
    let r = s.run(&["check", "--since", "HEAD~2", "--now", NOW]);
    let lines = error_lines(&r.stderr);
    assert_eq!(lines.len(), 2, "{}", r.stderr);
    assert!(lines[0].starts_with("content/pages/about.md:10: error[needs-raw_html]: bob (editor) cannot add or change raw HTML ('<b>' at column 1)"), "{}", r.stderr);
    assert!(lines[1].starts_with("content/pages/new.md:7: error[needs-raw_html]: bob (editor) cannot add or change raw HTML ('<iframe src=\"https://evil.test\"></iframe...' at column 1)"), "{}", r.stderr);

    // erin may.
    git_as(&s, "erin@example.com", &["reset", "-q", "--hard", "HEAD~3"]);
    s.write(about, &text);
    commit(&s, "erin@example.com", "erin adds a script");
    let r = s.run(&["check", "--since", "HEAD~1", "--now", NOW]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn handing_html_to_an_author_with_the_right_is_the_same_bypass() {
    let Some(s) = repo() else { return };
    // alice's `<b>` is shown as text; making erin the author would make
    // the build keep it. bob may change authors, not raw HTML authority.
    let team = "content/pages/team.md";
    s.write(team, &read(&s, team).replace("author: alice", "author: erin"));
    let c = commit(&s, "bob@example.com", "bob hands the page to erin");
    let r = s.run(&["check", "--since", "HEAD~1", "--now", NOW]);
    assert_eq!(r.code, 1);
    assert_eq!(
        error_lines(&r.stderr),
        [format!("content/pages/team.md:4: error[needs-raw_html]: bob (editor) cannot change 'author' of an item with raw HTML so that the build keeps HTML it escaped before (line 7); members with 'raw_html': erin (commit {c} by bob@example.com, field 'author') (help: keep author and role as they were, or ask a member with 'raw_html' to make the change)")]
    );
    // A rename keeps the judgement: moving the page elsewhere in content/
    // with new HTML is still judged against its old text.
    git_as(&s, "erin@example.com", &["reset", "-q", "--hard", "HEAD~1"]);
    git_as(&s, "bob@example.com", &["mv", team, "content/pages/crew.md"]);
    let crew = "content/pages/crew.md";
    s.write(
        crew,
        &read(&s, crew).replace("The <b>team</b>.", "The <b>team</b>.\n\n<script>x()</script>"),
    );
    commit(&s, "bob@example.com", "rename and add html");
    let r = s.run(&["check", "--since", "HEAD~1", "--now", NOW]);
    let lines = error_lines(&r.stderr);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("content/pages/crew.md:9: error[needs-raw_html]")),
        "{}",
        r.stderr
    );
}

#[test]
fn a_merge_that_brings_html_no_parent_had_is_judged() {
    let Some(s) = repo() else { return };
    let about = "content/pages/about.md";
    git_as(&s, "erin@example.com", &["checkout", "-q", "-b", "side"]);
    s.write(about, &read(&s, about).replace("About us.", "About all of us."));
    commit(&s, "bob@example.com", "side: a clean edit");
    git_as(&s, "erin@example.com", &["checkout", "-q", "-"]);
    s.write(
        "content/pages/team.md",
        &read(&s, "content/pages/team.md").replace("The", "Our"),
    );
    commit(&s, "alice@example.com", "main: a clean edit");
    // bob merges, and slips a script into the merge commit.
    git_as(&s, "bob@example.com", &["merge", "-q", "--no-commit", "side"]);
    s.write(
        about,
        &read(&s, about).replace("About all of us.", "About all of us. <script>x()</script>"),
    );
    git_as(&s, "bob@example.com", &["add", "-A"]);
    git_as(&s, "bob@example.com", &["commit", "-q", "-m", "merge side"]);
    let r = s.run(&["check", "--since", "HEAD~1~1", "--now", NOW]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let lines = error_lines(&r.stderr);
    assert_eq!(lines.len(), 1, "{}", r.stderr);
    assert!(
        lines[0].starts_with(
            "content/pages/about.md:7: error[needs-raw_html]: bob (editor) cannot add or change raw HTML ('<script>'"
        ),
        "{}",
        r.stderr
    );
    // The same merge without the script is clean.
    git_as(&s, "bob@example.com", &["reset", "-q", "--hard", "HEAD~1"]);
    git_as(&s, "bob@example.com", &["merge", "-q", "--no-edit", "side"]);
    let r = s.run(&["check", "--since", "HEAD~1~1", "--now", NOW]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// An item by alice at `status`, with bob's approval on record.
fn item(s: &Site, rel: &str, status: &str, body: &str) {
    s.item(
        rel,
        &format!("status: {status}\nreview:\n  log:\n    - {{at: 2026-11-02T10:00:00Z, by: bob, verdict: approve}}\n"),
        body,
    );
}

/// Runs two commands at once, as two processes; their exit codes.
fn race(s: &Site, a: &[&str], b: &[&str]) -> (i32, i32) {
    let spawn = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_punchline"))
            .args(args)
            .args(["--now", NOW])
            .current_dir(s.root())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let (mut x, mut y) = (spawn(a), spawn(b));
    let (x, y) = (x.wait().unwrap(), y.wait().unwrap());
    (x.code().unwrap_or(-1), y.code().unwrap_or(-1))
}

#[test]
fn concurrent_commands_lose_no_update_and_report_only_what_is_on_record() {
    let s = Site::new();
    s.write("roles.yaml", TEAM);
    let joke = "content/jokes/race.md";
    for round in 0..20 {
        // Two reviewers approve at once: both approvals are on record.
        s.item("jokes/race.md", "status: review\n", "Go.\n");
        let (a, b) = race(
            &s,
            &["approve", joke, "--as", "bob"],
            &["approve", joke, "--as", "erin"],
        );
        let text = read(&s, joke);
        assert_eq!((a, b), (0, 0), "round {round}:\n{text}");
        assert!(text.contains("by: bob, verdict: approve"), "round {round}:\n{text}");
        assert!(text.contains("by: erin, verdict: approve"), "round {round}:\n{text}");
        assert!(text.contains("status: approved"), "round {round}:\n{text}");
        assert_eq!(
            text.matches("action: approve, from: review, to: approved").count(),
            1,
            "round {round}:\n{text}"
        );

        // publish and archive at once: whichever runs second sees the
        // first's result; an archived item is never published.
        item(&s, "jokes/race.md", "approved", "Go.\n");
        s.write(
            "roles.yaml",
            &TEAM.replace("approvals_required: 2", "approvals_required: 1"),
        );
        let (p, x) = race(
            &s,
            &["publish", joke, "--as", "bob"],
            &["archive", joke, "--as", "erin"],
        );
        s.write("roles.yaml", TEAM);
        let text = read(&s, joke);
        assert_eq!(
            x, 0,
            "round {round}: archive is possible from approved and published:\n{text}"
        );
        assert!(text.contains("status: archived"), "round {round}:\n{text}");
        let published = text.contains("action: publish, from: approved, to: published");
        assert_eq!(p == 0, published, "round {round}: publish said {p}:\n{text}");
        let archived_from = if published { "published" } else { "approved" };
        assert!(
            text.contains(&format!("action: archive, from: {archived_from}, to: archived")),
            "round {round}:\n{text}"
        );
        let left: Vec<_> = std::fs::read_dir(s.root().join("content/jokes"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left.len(), 1, "round {round}: temporary files left: {left:?}");
    }
}

#[test]
fn publishing_an_item_with_a_broken_link_is_refused_and_changes_nothing() {
    let s = Site::new();
    let joke = "content/jokes/linky.md";
    item(
        &s,
        "jokes/linky.md",
        "approved",
        "See\nthe [cat](@/jokes/nope.md) joke.\n",
    );
    let before = read(&s, joke);
    let r = s.run(&["publish", joke, "--as", "bob", "--now", NOW]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let lines = error_lines(&r.stderr);
    assert_eq!(
        lines,
        [
            "content/jokes/linky.md:11:5: error[LNK001]: broken internal link '@/jokes/nope.md': no page content/jokes/nope.md (help: check the path under content/, e.g. @/jokes/some-joke.md)",
            "content/jokes/linky.md: error[WF013]: not changed: the item would break the build once live, so it cannot be published (help: fix the problems above, then run the command again)",
        ]
    );
    assert_eq!(read(&s, joke), before);
    // The build stays green, and the fixed item publishes.
    s.build(&[]).ok();
    s.write(joke, &before.replace("@/jokes/nope.md", "https://example.com"));
    s.run(&["publish", joke, "--as", "bob", "--now", NOW]).ok();
    s.build(&[]).ok();
}

#[test]
fn submitting_a_draft_with_an_unknown_shortcode_is_refused() {
    let s = Site::new();
    let joke = "content/jokes/sc.md";
    s.item("jokes/sc.md", "status: draft\n", "Hi.\n\n{{ nosuch(x=1) }}\n");
    let before = read(&s, joke);
    let r = s.run(&["submit", joke, "--as", "alice", "--now", NOW]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let lines = error_lines(&r.stderr);
    assert_eq!(lines.len(), 2, "{}", r.stderr);
    assert!(
        lines[0].starts_with("content/jokes/sc.md:9:1: error[SC002]: unknown shortcode 'nosuch'"),
        "{}",
        r.stderr
    );
    assert!(lines[1].contains("error[WF013]: not changed"), "{}", r.stderr);
    assert_eq!(read(&s, joke), before);
    // Plain check reports it too: as a warning while it is a draft, as an
    // error once it is in review.
    let r = s.run(&["check", "--now", NOW]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let line = |r: &crate::support::Run| {
        r.stderr
            .lines()
            .find(|l| l.starts_with("content/jokes/sc.md:9"))
            .map(str::to_string)
            .unwrap_or_default()
    };
    assert!(
        line(&r).contains(": warning[SC002]: unknown shortcode 'nosuch'"),
        "{}",
        r.stderr
    );
    s.write(joke, &before.replace("status: draft", "status: review"));
    let r = s.run(&["check", "--now", NOW]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        line(&r).contains(": error[SC002]: unknown shortcode 'nosuch'"),
        "{}",
        r.stderr
    );
}

#[cfg(unix)]
#[test]
fn an_item_linked_to_a_file_outside_the_site_is_refused_not_written_through() {
    let s = Site::new();
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("secret.md");
    let text = "---\ntitle: T\ndate: 2026-11-01\nauthor: alice\nstatus: draft\n---\nBody.\n";
    std::fs::write(&target, text).unwrap();
    std::fs::create_dir_all(s.root().join("content/jokes")).unwrap();
    std::os::unix::fs::symlink(&target, s.root().join("content/jokes/link.md")).unwrap();
    let r = s.run(&["submit", "content/jokes/link.md", "--as", "alice", "--now", NOW]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        error_lines(&r.stderr),
        ["content/jokes/link.md: error[WF011]: not changed: the file is a symbolic link (help: workflow commands change only regular files inside the site; copy the file into content/ instead of linking it)"]
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), text);
    // A folder that leads out of the site.
    std::os::unix::fs::symlink(outside.path(), s.root().join("content/bulletins")).unwrap();
    let r = s.run(&["submit", "content/bulletins/secret.md", "--as", "alice", "--now", NOW]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("content/bulletins/secret.md: error[WF011]: not changed: its folder is a link to"),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), text);
}

#[test]
fn temporary_files_of_killed_commands_are_cleaned_up_by_the_next_command() {
    let s = Site::new();
    s.item("jokes/cat.md", "status: draft\n", "Cat.\n");
    s.item("jokes/dog.md", "status: draft\n", "Dog.\n");
    let dir = s.root().join("content/jokes");
    // What a command killed between writing and renaming leaves behind.
    s.write("content/jokes/.punchline-cat.md.Ab12Cd.tmp", "half a fi");
    s.write("content/jokes/.punchline-dog.md.Xy34Zw.tmp", "half a fi");
    // Killed for real, too: a command stopped at once leaves nothing.
    let mut child = Command::new(env!("CARGO_BIN_EXE_punchline"))
        .args(["submit", "content/jokes/cat.md", "--as", "alice", "--now", NOW])
        .current_dir(s.root())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    s.write(
        "content/jokes/cat.md",
        &read(&s, "content/jokes/cat.md").replace("status: review", "status: draft"),
    );
    s.run(&["submit", "content/jokes/cat.md", "--as", "alice", "--now", NOW])
        .ok();
    let mut left: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    // dog.md's may belong to a command still running on dog.md: it stays
    // until a command holds dog.md.
    assert_eq!(left, [".punchline-dog.md.Xy34Zw.tmp", "cat.md", "dog.md"]);
    s.run(&["submit", "content/jokes/dog.md", "--as", "alice", "--now", NOW])
        .ok();
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 2);
}

#[test]
fn publish_at_the_end_of_time_is_accepted() {
    let s = Site::new();
    item(&s, "jokes/never.md", "approved", "Later.\n");
    let joke = "content/jokes/never.md";
    let r = s
        .run(&["publish", joke, "--as", "bob", "--at", "9999-12-31", "--now", NOW])
        .ok();
    assert_eq!(
        r.stdout,
        "content/jokes/never.md: approved -> published, scheduled for 9999-12-30T22:00:00Z\n"
    );
    assert!(
        read(&s, joke).contains("publish_at: 9999-12-30\n"),
        "{}",
        read(&s, joke)
    );
    // The site builds, without the item; the schedule lists it.
    s.build(&[]).ok();
    assert!(!s.has("jokes/never/index.html"));
    let r = s.run(&["schedule", "--now", NOW]).ok();
    assert!(r.stdout.contains("content/jokes/never.md"), "{}", r.stdout);
    for at in ["9999-12-31T23:59:59Z", "9000-01-01T00:00:00+02:00"] {
        s.write(joke, &read(&s, joke).replace("status: published", "status: approved"));
        s.run(&["publish", joke, "--as", "bob", "--at", at, "--now", NOW]).ok();
    }
}
