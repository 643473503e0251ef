use super::*;

const ROLES: &str = "members:
  alice: {email: alice@example.com, roles: [copywriter]}
  bob:   {email: bob@example.com, roles: [editor]}
  carol: {email: carol@example.com, roles: [optimizer]}
  dan:   {email: dan@example.com, roles: [artist]}
  erin:  {email: erin@example.com, roles: [manager]}
";

fn roles() -> Roles {
    let mut d = Vec::new();
    let r = Roles::parse(ROLES, Path::new("roles.yaml"), &mut d);
    assert!(d.is_empty(), "{d:?}");
    r
}

fn judge(email: &str, file: &str, old: Option<&str>, new: Option<&str>) -> Vec<Violation> {
    judge_in(&mut HashMap::new(), email, file, old, new)
}

/// Like [`judge`], with the memory of earlier commits of the range.
fn judge_in(
    last_good: &mut HashMap<String, String>,
    email: &str,
    file: &str,
    old: Option<&str>,
    new: Option<&str>,
) -> Vec<Violation> {
    judge_with(&roles(), last_good, email, file, old, new)
}

/// One commit by `email` changing `file` from `old` to `new`, judged
/// against `roles`.
fn judge_with(
    roles: &Roles,
    last_good: &mut HashMap<String, String>,
    email: &str,
    file: &str,
    old: Option<&str>,
    new: Option<&str>,
) -> Vec<Violation> {
    let commit = Commit {
        sha: "0123456789abcdef".into(),
        email: email.into(),
        files: Vec::new(),
        merge: false,
    };
    let j = Judge {
        roles,
        commit: &commit,
        member: roles.member_by_email(email),
        file,
        moved: false,
        out: Vec::new(),
    };
    j.file(old, new, last_good)
}

/// `rule field line` of each violation.
fn rules(v: &[Violation]) -> Vec<String> {
    v.iter().map(|v| format!("{} {} {}", v.rule, v.field, v.line)).collect()
}

const JOKE: &str = "---
title: Cat
date: 2026-11-01
author: bob
status: draft
seo:
  title: Cat joke
---
Body.
";

fn edit(from: &str, to: &str) -> String {
    JOKE.replacen(from, to, 1)
}

#[test]
fn seo_needs_seo_except_in_a_new_file() {
    let live = edit("status: draft", "status: published");
    let new = live.replacen("title: Cat joke", "title: Best cat joke", 1);
    let v = judge("bob@example.com", "content/jokes/cat.md", Some(&live), Some(&new));
    assert_eq!(rules(&v), ["needs-seo seo.title 7"]);
    assert_eq!(
        v[0].message,
        "bob (editor) cannot change seo fields; members with 'seo': carol, erin"
    );
    assert_eq!((v[0].commit.as_str(), v[0].member.as_deref()), ("0123456", Some("bob")));
    assert!(judge("carol@example.com", "content/jokes/cat.md", Some(&live), Some(&new)).is_empty());
    assert!(judge("bob@example.com", "content/jokes/cat.md", None, Some(JOKE)).is_empty());
}

#[test]
fn authors_fill_in_their_own_seo_until_first_published() {
    let path = "content/jokes/cat.md";
    let better = |t: &str| t.replacen("title: Cat joke", "title: Best cat joke", 1);
    // bob's own draft, in review, approved: his to change.
    for status in ["draft", "review", "approved"] {
        let old = edit("status: draft", &format!("status: {status}"));
        assert!(
            judge("bob@example.com", path, Some(&old), Some(&better(&old))).is_empty(),
            "{status}"
        );
    }
    // Someone else's draft is not.
    let theirs = edit("author: bob", "author: alice");
    let v = judge("bob@example.com", path, Some(&theirs), Some(&better(&theirs)));
    assert!(rules(&v).contains(&"needs-seo seo.title 7".to_string()), "{v:?}");
    // Once published, even if taken back to approved, seo rights rule.
    let was_live = edit(
        "status: draft\n",
        "status: approved\nhistory:\n  - {at: 2026-11-02T10:00:00Z, by: erin, action: unpublish, from: published, to: approved}\n",
    );
    let v = judge("bob@example.com", path, Some(&was_live), Some(&better(&was_live)));
    assert_eq!(rules(&v), ["needs-seo seo.title 9"]);
    // A site that tightens the default.
    let mut d = Vec::new();
    let strict = Roles::parse(
        &format!("{ROLES}workflow:\n  author_seo_until_published: false\n"),
        Path::new("roles.yaml"),
        &mut d,
    );
    assert!(d.is_empty(), "{d:?}");
    assert!(!strict.workflow.author_seo_until_published);
}

#[test]
fn bodies_need_write_and_others_bodies_need_review() {
    let new = edit("Body.", "Better body.");
    assert!(judge("bob@example.com", "content/jokes/cat.md", Some(JOKE), Some(&new)).is_empty());
    let v = judge("alice@example.com", "content/jokes/cat.md", Some(JOKE), Some(&new));
    assert_eq!(rules(&v), ["needs-review body 9"]);
    assert_eq!(
        v[0].message,
        "alice (copywriter) cannot change the body of bob's item; members with 'review': bob, erin"
    );
    let v = judge("carol@example.com", "content/jokes/cat.md", Some(JOKE), Some(&new));
    assert_eq!(rules(&v), ["needs-write body 9", "needs-review body 9"]);
    let own = JOKE.replace("author: bob", "author: alice");
    let v = judge(
        "alice@example.com",
        "content/jokes/cat.md",
        Some(&own),
        Some(&own.replace("Body.", "B")),
    );
    assert!(v.is_empty(), "{v:?}");
    let v = judge("alice@example.com", "content/jokes/cat.md", Some(JOKE), Some(&own));
    assert_eq!(rules(&v), ["needs-review author 4"]);
}

#[test]
fn other_fields_need_write_and_assignments_need_assign() {
    let new = edit("title: Cat\n", "title: Dog\ntags: [dogs]\nassignee: alice\n");
    let v = judge("carol@example.com", "content/jokes/cat.md", Some(JOKE), Some(&new));
    assert_eq!(
        rules(&v),
        ["needs-write title 2", "needs-write tags 3", "needs-assign assignee 4"]
    );
    let v = judge("alice@example.com", "content/jokes/cat.md", Some(JOKE), Some(&new));
    assert_eq!(rules(&v), ["needs-assign assignee 4"]);
}

#[test]
fn status_changes_follow_the_table() {
    let published = edit("status: draft", "status: published");
    let v = judge("erin@example.com", "content/jokes/cat.md", Some(JOKE), Some(&published));
    assert_eq!(rules(&v), ["illegal-transition status 5"]);
    let review = edit("status: draft", "status: review");
    let v = judge("carol@example.com", "content/jokes/cat.md", Some(JOKE), Some(&review));
    assert_eq!(rules(&v), ["needs-submit status 5"]);
    assert_eq!(
        v[0].message,
        "carol (optimizer) cannot submit (draft -> review); members with 'submit': alice, bob, erin"
    );
    let approved = edit("status: draft", "status: approved");
    let v = judge(
        "alice@example.com",
        "content/jokes/cat.md",
        Some(&approved),
        Some(&published),
    );
    assert_eq!(rules(&v), ["needs-publish status 5", "approvals status 5"]);
    let logged = published.replace(
        "seo:",
        "review:\n  log:\n    - {at: 2026-11-02T10:00:00Z, by: erin, verdict: approve}\nseo:",
    );
    let approved_logged = logged.replace("status: published", "status: approved");
    let v = judge(
        "bob@example.com",
        "content/jokes/cat.md",
        Some(&approved_logged),
        Some(&logged),
    );
    assert!(v.is_empty(), "{v:?}");
    // bob approving his own item, with his own log entry.
    let self_log = review.replace(
        "seo:",
        "review:\n  log:\n    - {at: 2026-11-02T10:00:00Z, by: bob, verdict: approve}\nseo:",
    );
    let self_ok = self_log.replace("status: review", "status: approved");
    let v = judge("bob@example.com", "content/jokes/cat.md", Some(&review), Some(&self_ok));
    assert_eq!(
        rules(&v),
        [
            "self-approval status 5",
            "approvals status 5",
            "self-approval review.log 7"
        ]
    );
}

#[test]
fn history_and_review_log_are_append_only_and_signed_by_the_committer() {
    let base = edit(
        "seo:",
        "history:\n  - {at: 2026-11-02T10:00:00Z, by: bob, action: submit, from: draft, to: review}\nseo:",
    );
    let rewritten = base.replace("by: bob", "by: erin");
    let v = judge("bob@example.com", "content/jokes/cat.md", Some(&base), Some(&rewritten));
    assert_eq!(rules(&v), ["append-only history 6"]);
    let forged = base.replace(
        "seo:",
        "  - {at: 2026-11-03T10:00:00Z, by: erin, action: approve, from: review, to: approved}\nseo:",
    );
    let v = judge("bob@example.com", "content/jokes/cat.md", Some(&base), Some(&forged));
    assert_eq!(rules(&v), ["entry-author history 6"]);
    let verdict = edit(
        "seo:",
        "review:\n  reviewers: [erin]\n  log:\n    - {at: 2026-11-03T10:00:00Z, by: alice, verdict: approve}\nseo:",
    );
    let v = judge("alice@example.com", "content/jokes/cat.md", Some(JOKE), Some(&verdict));
    assert_eq!(rules(&v), ["needs-review review.log 8"]);
}

#[test]
fn files_outside_content_and_specials() {
    let v = judge(
        "alice@example.com",
        "themes/default/templates/base.html",
        Some("a"),
        Some("b"),
    );
    assert_eq!(rules(&v), ["needs-theme file 1"]);
    let v = judge("dan@example.com", "site.yaml", Some("a"), Some("b"));
    assert_eq!(rules(&v), ["needs-config file 1"]);
    assert!(judge("dan@example.com", "themes/default/x.css", None, Some("b")).is_empty());
    assert!(judge("alice@example.com", "README.md", None, Some("b")).is_empty());
    let special = "---\ntitle: S\ndate: 2026-11-01\nauthor: dan\nselect: {tags: [a]}\n---\nHi\n";
    let changed = special.replace("Hi", "Hello");
    assert!(judge(
        "dan@example.com",
        "content/specials/s.md",
        Some(special),
        Some(&changed)
    )
    .is_empty());
    let v = judge(
        "alice@example.com",
        "content/specials/s.md",
        Some(special),
        Some(&changed),
    );
    assert_eq!(rules(&v), ["needs-specials body 7"]);
}

#[test]
fn unknown_authors_unreadable_files_and_deletions() {
    let v = judge("mallory@example.com", "content/jokes/cat.md", Some(JOKE), Some(JOKE));
    assert_eq!(rules(&v), ["unknown-author file 1"]);
    let v = judge(
        "bob@example.com",
        "content/jokes/cat.md",
        Some(JOKE),
        Some("---\ntitle: [x\n---\n"),
    );
    assert_eq!(v[0].rule, "unreadable");
    let published = edit("status: draft", "status: published");
    let v = judge("alice@example.com", "content/jokes/cat.md", Some(&published), None);
    assert_eq!(rules(&v), ["needs-archive file 1"]);
    let own = JOKE.replace("author: bob", "author: alice");
    assert!(judge("alice@example.com", "content/jokes/cat.md", Some(&own), None).is_empty());
}

#[test]
fn a_file_broken_and_fixed_is_judged_against_its_last_good_version() {
    let published = edit("status: draft", "status: published");
    let broken = published.replace("title: Cat", "title: [Cat");
    let fixed = published.replace("Body.", "Fixed body.");
    let mut memory = HashMap::new();
    let v = judge_in(
        &mut memory,
        "bob@example.com",
        "content/jokes/cat.md",
        Some(&published),
        Some(&broken),
    );
    assert_eq!(v[0].rule, "unreadable");
    let v = judge_in(
        &mut memory,
        "bob@example.com",
        "content/jokes/cat.md",
        Some(&broken),
        Some(&fixed),
    );
    assert!(v.is_empty(), "{v:?}");
    let sneaky = fixed.replace("title: Cat joke", "title: Sneaky");
    let v = judge_in(
        &mut HashMap::new(),
        "bob@example.com",
        "content/jokes/cat.md",
        Some(&broken),
        Some(&sneaky),
    );
    assert!(v.iter().any(|v| v.rule == "needs-seo"), "{v:?}");
}

/// A page by erin (manager, who has raw_html) with some Markdown.
const PAGE: &str = "---
title: About
date: 2026-11-01
author: erin
status: draft
---
About us.
";

#[test]
fn raw_html_is_the_committers_authority_not_the_authors() {
    let page = "content/pages/about.md";
    let script = PAGE.replace("About us.", "About us.\n\n<script>steal()</script>");
    // bob (editor) may edit erin's page, but not put HTML into it, even
    // though the build would keep it because erin wrote the page.
    let v = judge("bob@example.com", page, Some(PAGE), Some(&script));
    assert_eq!(rules(&v), ["needs-raw_html body 9"]);
    assert_eq!(
        v[0].to_string(),
        "content/pages/about.md:9: error[needs-raw_html]: bob (editor) cannot add or change raw HTML ('<script>steal()</script>' at column 1) in any item, whoever its author is; members with 'raw_html': erin (commit 0123456 by bob@example.com, field 'body') (help: write it in Markdown or a shortcode, or ask a member with 'raw_html' to commit the HTML)"
    );
    assert!(judge("erin@example.com", page, Some(PAGE), Some(&script)).is_empty());
    // Changing a fragment is adding one; removing one, or editing around
    // it, is not.
    let changed = script.replace("steal()", "steal(1)");
    assert_eq!(
        rules(&judge("bob@example.com", page, Some(&script), Some(&changed))),
        ["needs-raw_html body 9"]
    );
    assert!(judge("bob@example.com", page, Some(&script), Some(PAGE)).is_empty());
    let around = script.replace("About us.", "About all of us.");
    assert!(judge("bob@example.com", page, Some(&script), Some(&around)).is_empty());
    // Inline HTML, HTML in a shortcode body, a new file, a fake placeholder.
    for body in [
        "Say <b>hi</b>.",
        "{% quote(author=\"G\") %}\n<b>x</b>\n{% end %}",
        "<!--punchline:shortcode:0--><script>x()</script>",
    ] {
        let new = PAGE.replace("About us.", body);
        let v = judge("bob@example.com", page, Some(PAGE), Some(&new));
        assert_eq!(
            v.iter().filter(|v| v.rule == "needs-raw_html").count(),
            1,
            "{body}: {v:?}"
        );
        let v = judge("bob@example.com", page, None, Some(&new));
        assert!(v.iter().any(|v| v.rule == "needs-raw_html"), "{body}: {v:?}");
    }
    // Code is not HTML.
    let code = PAGE.replace("About us.", "Use `<b>` or\n\n    <script>\n");
    assert!(judge("bob@example.com", page, Some(PAGE), Some(&code)).is_empty());
}

#[test]
fn making_the_build_keep_raw_html_by_changing_author_or_role_needs_raw_html() {
    let page = "content/pages/about.md";
    // alice's page carries HTML the build escapes (a copywriter's role has
    // no raw_html).
    let alices = PAGE
        .replace("author: erin", "author: alice")
        .replace("About us.", "<b>x</b>");
    let erins = alices.replace("author: alice", "author: erin");
    let v = judge("bob@example.com", page, Some(&alices), Some(&erins));
    assert_eq!(rules(&v), ["needs-raw_html author 4"]);
    assert!(judge("erin@example.com", page, Some(&alices), Some(&erins)).is_empty());
    // The same through `role:`, for a member with two roles.
    let mut d = Vec::new();
    let roles = Roles::parse(
        "members:\n  li: {email: li@x, roles: [copywriter, programmer]}\n  bob: {email: bob@x, roles: [editor]}\n",
        Path::new("roles.yaml"),
        &mut d,
    );
    let lis = alices.replace("author: alice", "author: li");
    let as_programmer = lis.replace("author: li", "author: li\nrole: programmer");
    let commit = Commit {
        sha: "0123456789abcdef".into(),
        email: "bob@x".into(),
        files: Vec::new(),
        merge: false,
    };
    let j = Judge {
        roles: &roles,
        commit: &commit,
        member: roles.member("bob"),
        file: page,
        moved: false,
        out: Vec::new(),
    };
    let v = j.file(Some(&lis), Some(&as_programmer), &mut HashMap::new());
    assert_eq!(rules(&v), ["needs-raw_html role 5"]);
}

/// Who may do what, one row per standard role: the seven workflow actions
/// in [`Action::ALL`] order, then whether raw HTML may be added (and is
/// kept by the build). Every guard (the commands, `check --since`, the
/// Markdown stage) is checked against this one table, and the table must
/// name every standard role: a guard removed anywhere, or a row dropped,
/// fails [`every_guard_follows_the_one_table`].
const TABLE: &[(&str, &str)] = &[
    //             submit approve request publish unpublish archive assign raw_html
    ("manager", "    y      y       y       y       y        y      y      y"),
    ("editor", "     y      y       y       y       y        y      y      -"),
    ("copywriter", " y      -       -       -       -        -      -      -"),
    ("artist", "     -      -       -       -       -        -      -      -"),
    ("planner", "    -      -       -       -       -        -      y      -"),
    ("optimizer", "  -      -       -       -       -        -      -      -"),
    ("programmer", " -      -       -       -       -        -      -      y"),
];

/// The roles.yaml of the table: the standard roles, one member per role
/// (`m-<role>`, email `<role>@x`), an author and a reviewer.
fn table_roles() -> Roles {
    let mut yaml = String::from(
        "members:\n  writer: {email: writer@x, roles: [copywriter]}\n  rev: {email: rev@x, roles: [editor]}\n",
    );
    for (role, _) in TABLE {
        yaml.push_str(&format!("  m-{role}: {{email: {role}@x, roles: [{role}]}}\n"));
    }
    let mut d = Vec::new();
    let roles = Roles::parse(&yaml, Path::new("roles.yaml"), &mut d);
    assert!(d.is_empty(), "{d:?}");
    roles
}

/// An item by `writer` in state `from`, approved by `rev` (so that
/// publishing is possible), with `body`.
fn table_item(from: Status, body: &str) -> String {
    let verdict = if from == Status::Review {
        "request-changes"
    } else {
        "approve"
    };
    format!(
        "---\ntitle: X\ndate: 2026-11-01\nauthor: writer\nstatus: {from}\nreview:\n  log:\n    - {{at: 2026-11-02T10:00:00Z, by: rev, verdict: {verdict}}}\n---\n{body}\n"
    )
}

#[test]
fn every_guard_follows_the_one_table() {
    use crate::markdown::{self, Bodies, RenderOptions, Target};
    use crate::workflow::act::{self, Context, Request};
    use crate::workflow::actor::Actor;
    use crate::workflow::roles::DEFAULT_ROLES;
    let listed: Vec<&str> = TABLE.iter().map(|(r, _)| *r).collect();
    let standard: Vec<&str> = DEFAULT_ROLES.iter().map(|(r, _)| *r).collect();
    assert_eq!(listed, standard, "the table names every standard role");
    let roles = table_roles();
    let dir = tempfile::tempdir().unwrap();
    let rel = std::path::PathBuf::from("content/jokes/x.md");
    std::fs::create_dir_all(dir.path().join("content/jokes")).unwrap();
    for (role, row) in TABLE {
        let cells: Vec<bool> = row.split_whitespace().map(|c| c == "y").collect();
        assert_eq!(
            cells.len(),
            Action::ALL.len() + 1,
            "{role}: one cell per action, then raw_html"
        );
        let id = format!("m-{role}");
        let email = format!("{role}@x");
        assert!(roles.member_by_email(&email).is_some(), "{role}: a member");
        let actor = Actor::resolve(&roles, Some(&id), None, dir.path()).unwrap();
        for (action, &may) in Action::ALL.iter().zip(&cells) {
            let what = format!("{role} x {action}");
            assert_eq!(roles.role_can(role, action.permission()), may, "roles.yaml: {what}");
            // The command.
            let from = action.starts_from()[0];
            let text = table_item(from, "Body.");
            std::fs::write(dir.path().join(&rel), &text).unwrap();
            let ctx = Context {
                root: dir.path(),
                roles: &roles,
                actor: &actor,
                now: When::parse("2026-11-25T12:00:00Z").unwrap().ts,
                vet: None,
            };
            let mut req = Request::new(*action);
            req.note = Some("n".into());
            req.assignee = Some("writer".into());
            match act::run(&ctx, std::slice::from_ref(&rel), &req) {
                Ok(_) => assert!(may, "the command let {what} through"),
                Err(e) => {
                    assert!(!may, "the command refused {what}: {e}");
                    assert_eq!(e.diagnostics()[0].code, "WF003", "{what}");
                }
            }
            // The same step in a commit.
            let to = crate::workflow::machine::next(from, *action).unwrap();
            let after = match action {
                Action::Assign => text.replace("status:", "assignee: writer\nstatus:"),
                _ => text.replace(&format!("status: {from}"), &format!("status: {to}")),
            };
            let v = judge_with(
                &roles,
                &mut HashMap::new(),
                &email,
                "content/jokes/x.md",
                Some(&text),
                Some(&after),
            );
            let rule = format!("needs-{}", action.permission().name());
            assert_eq!(!v.iter().any(|v| v.rule == rule), may, "check --since: {what}: {v:?}");
        }
        // Raw HTML: who may add it, whoever the author; and whose items the
        // build keeps it in.
        let may = cells[Action::ALL.len()];
        let what = format!("{role} x raw_html");
        assert_eq!(roles.role_can(role, Permission::RawHtml), may, "roles.yaml: {what}");
        let before = table_item(Status::Draft, "Body.");
        let after = table_item(Status::Draft, "Body <b>bold</b>.");
        let v = judge_with(
            &roles,
            &mut HashMap::new(),
            &email,
            "content/jokes/x.md",
            Some(&before),
            Some(&after),
        );
        assert_eq!(
            !v.iter().any(|v| v.rule == "needs-raw_html"),
            may,
            "check --since: {what}: {v:?}"
        );
        let resolve = |_: &str| Target::Missing;
        let opts = RenderOptions {
            path: Path::new("x.md"),
            body_line: 1,
            allow_raw_html: roles.role_can(role, Permission::RawHtml),
            bodies: Bodies::Html,
            resolve: &resolve,
            suggest: &|_| None,
        };
        let (r, _) = markdown::render("Body <b>bold</b>.", &opts);
        assert_eq!(r.html.contains("<b>bold</b>"), may, "build: {what}: {}", r.html);
    }
}

#[test]
fn static_files_a_browser_runs_need_raw_html() {
    for file in [
        "static/x.html",
        "static/a/B.SVG",
        "static/app.js",
        "static/feed.rss",
        "static/a.Atom",
    ] {
        let v = judge("bob@example.com", file, None, Some("<script>x()</script>"));
        assert_eq!(rules(&v), ["needs-raw_html file 1"], "{file}");
        assert!(judge("erin@example.com", file, None, Some("x")).is_empty(), "{file}");
        assert!(
            judge("bob@example.com", file, Some("x"), None).is_empty(),
            "deleting {file}"
        );
    }
    for file in ["static/cat.png", "static/style.css", "static/robots.txt"] {
        assert!(judge("bob@example.com", file, None, Some("x")).is_empty(), "{file}");
    }
}
