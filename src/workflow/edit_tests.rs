use super::*;

fn set(key: &'static str, value: &str) -> Change {
    Change::Set {
        key,
        value: value.into(),
    }
}

fn history(action: &str, from: &str, to: &str) -> Change {
    Change::Append {
        path: &["history"],
        entry: vec![
            ("at", "2026-11-25T12:00:00Z".into()),
            ("by", "bob".into()),
            ("action", action.into()),
            ("from", from.into()),
            ("to", to.into()),
        ],
    }
}

fn review(note: &str) -> Change {
    Change::Append {
        path: &["review", "log"],
        entry: vec![
            ("at", "2026-11-25T12:00:00Z".into()),
            ("by", "bob".into()),
            ("verdict", "approve".into()),
            ("note", note.into()),
        ],
    }
}

const BODY: &str = "\nA body with --- lines\n---\nstatus: draft\n  and  trailing spaces  \n";

#[test]
fn replaces_a_scalar_in_place_and_keeps_comments() {
    let text = format!(
        "---\n# who wrote it\ntitle: \"Quoted: title\"   # keep me\nstatus: draft # still a draft\ntags: [a,  b]\n---{BODY}"
    );
    let out = apply(&text, &[set("status", "review")]).unwrap();
    assert_eq!(
        out,
        format!("---\n# who wrote it\ntitle: \"Quoted: title\"   # keep me\nstatus: review # still a draft\ntags: [a,  b]\n---{BODY}")
    );
}

#[test]
fn quoted_and_null_values_are_replaced() {
    let out = apply(
        "---\nstatus: 'draft'\nassignee: ~\ndue:\n---\n",
        &[set("status", "approved")],
    )
    .unwrap();
    assert_eq!(out, "---\nstatus: approved\nassignee: ~\ndue:\n---\n");
    let out = apply(
        "---\nstatus: draft\nassignee: ~\ndue:   # soon\n---\n",
        &[set("assignee", "li"), set("due", "2026-12-01")],
    )
    .unwrap();
    assert_eq!(out, "---\nstatus: draft\nassignee: li\ndue: 2026-12-01   # soon\n---\n");
}

#[test]
fn missing_keys_go_after_a_related_key() {
    let text = "---\ntitle: T\nstatus: approved\nseo:\n  title: S\n---\nbody\n";
    let out = apply(
        text,
        &[
            set("status", "published"),
            set("publish_at", "2026-12-01T09:00:00Z"),
            set("assignee", "true"),
        ],
    )
    .unwrap();
    assert_eq!(
        out,
        "---\ntitle: T\nstatus: published\npublish_at: 2026-12-01T09:00:00Z\nassignee: \"true\"\nseo:\n  title: S\n---\nbody\n"
    );
    let out = apply("---\ntitle: T\n---\n", &[set("due", "2026-12-01")]).unwrap();
    assert_eq!(out, "---\ntitle: T\ndue: 2026-12-01\n---\n");
}

#[test]
fn appends_to_block_lists_at_their_indentation() {
    let text = "---\nstatus: review\nhistory:\n- {at: 2026-11-19, by: alice, action: submit, from: draft, to: review}\n  # a comment inside\nseo: {title: x}\n---\n";
    let out = apply(text, &[history("approve", "review", "approved")]).unwrap();
    assert_eq!(
        out,
        "---\nstatus: review\nhistory:\n- {at: 2026-11-19, by: alice, action: submit, from: draft, to: review}\n- {at: 2026-11-25T12:00:00Z, by: bob, action: approve, from: review, to: approved}\n  # a comment inside\nseo: {title: x}\n---\n"
    );
    let text = "---\nhistory:\n    - at: 2026-11-19\n      by: alice\n      action: submit\n---\n";
    let out = apply(text, &[history("approve", "review", "approved")]).unwrap();
    assert!(
        out.ends_with("      action: submit\n    - {at: 2026-11-25T12:00:00Z, by: bob, action: approve, from: review, to: approved}\n---\n"),
        "{out}"
    );
}

#[test]
fn empty_or_missing_lists_become_block_lists() {
    let out = apply(
        "---\nstatus: draft\nhistory: [] # none yet\n---\n",
        &[history("submit", "draft", "review")],
    )
    .unwrap();
    assert_eq!(
        out,
        "---\nstatus: draft\nhistory: # none yet\n  - {at: 2026-11-25T12:00:00Z, by: bob, action: submit, from: draft, to: review}\n---\n"
    );
    let out = apply(
        "---\nstatus: draft\nhistory: [{at: 2026-01-01, by: a}]\n---\n",
        &[history("submit", "draft", "review")],
    )
    .unwrap();
    assert_eq!(
        out,
        "---\nstatus: draft\nhistory:\n  - {at: 2026-01-01, by: a}\n  - {at: 2026-11-25T12:00:00Z, by: bob, action: submit, from: draft, to: review}\n---\n"
    );
    let out = apply(
        "---\ntitle: T\nstatus: review\nseo:\n  title: S\n---\n",
        &[review("sharp, \"really\""), history("approve", "review", "approved")],
    )
    .unwrap();
    assert_eq!(
        out,
        "---\ntitle: T\nstatus: review\nreview:\n  log:\n    - {at: 2026-11-25T12:00:00Z, by: bob, verdict: approve, note: \"sharp, \\\"really\\\"\"}\nhistory:\n  - {at: 2026-11-25T12:00:00Z, by: bob, action: approve, from: review, to: approved}\nseo:\n  title: S\n---\n"
    );
}

#[test]
fn review_log_is_added_inside_an_existing_review_block() {
    let text = "---\nreview:\n   reviewers: [bob]   # asked on Monday\nstatus: review\n---\n";
    let out = apply(text, &[review("ok")]).unwrap();
    assert_eq!(
        out,
        "---\nreview:\n   reviewers: [bob]   # asked on Monday\n   log:\n     - {at: 2026-11-25T12:00:00Z, by: bob, verdict: approve, note: ok}\nstatus: review\n---\n"
    );
    let text = "---\nreview:\n  log:\n    - {at: 2026-11-20T10:00:00Z, by: li, verdict: request-changes}\n  reviewers: [bob]\n---\n";
    let out = apply(text, &[review("better")]).unwrap();
    assert_eq!(
        out,
        "---\nreview:\n  log:\n    - {at: 2026-11-20T10:00:00Z, by: li, verdict: request-changes}\n    - {at: 2026-11-25T12:00:00Z, by: bob, verdict: approve, note: better}\n  reviewers: [bob]\n---\n"
    );
    let text = "---\nreview: {reviewers: [bob, li], log: []}\n---\n";
    let out = apply(text, &[review("ok")]).unwrap();
    assert_eq!(
        out,
        "---\nreview:\n  reviewers: [bob, li]\n  log:\n    - {at: 2026-11-25T12:00:00Z, by: bob, verdict: approve, note: ok}\n---\n"
    );
}

#[test]
fn crlf_files_stay_crlf_and_bom_stays() {
    let text = "\u{feff}---\r\ntitle: T\r\nstatus: draft\r\n---\r\nBody\r\n";
    let out = apply(text, &[set("status", "review"), history("submit", "draft", "review")]).unwrap();
    assert_eq!(
        out,
        "\u{feff}---\r\ntitle: T\r\nstatus: review\r\nhistory:\r\n  - {at: 2026-11-25T12:00:00Z, by: bob, action: submit, from: draft, to: review}\r\n---\r\nBody\r\n"
    );
    assert!(!out.replace("\r\n", "").contains('\n'));
}

#[test]
fn text_in_other_scripts_and_odd_spacing_survive() {
    let text = "---\ntitle:   数学 笑话   # 注释\nstatus:    draft\n---\n李娜的笑话\n";
    let out = apply(text, &[set("status", "review")]).unwrap();
    assert_eq!(
        out,
        "---\ntitle:   数学 笑话   # 注释\nstatus:    review\n---\n李娜的笑话\n"
    );
}

#[test]
fn refuses_what_it_cannot_change_in_place() {
    let bad = apply("---\ntitle: [a\n---\n", &[set("status", "review")]).unwrap_err();
    assert!(matches!(bad, EditError::Parse(_)), "{bad:?}");
    assert!(matches!(apply("no front matter\n", &[]), Err(EditError::Parse(_))));
    let block = apply("---\nstatus: |\n  draft\n---\n", &[set("status", "review")]).unwrap_err();
    assert!(matches!(block, EditError::Unsupported { .. }), "{block:?}");
    let folded = apply("---\nstatus: draft\n  still\n---\n", &[set("status", "review")]).unwrap_err();
    assert!(matches!(folded, EditError::Unsupported { .. }), "{folded:?}");
    // The value sits on the next line: the edit would read back as "review draft".
    let split = apply("---\nstatus:\n  draft\n---\n", &[set("status", "review")]).unwrap_err();
    assert_eq!(split, EditError::Verify);
    let multi = apply(
        "---\nhistory: [\n  {at: x}\n]\n---\n",
        &[history("submit", "draft", "review")],
    )
    .unwrap_err();
    assert!(matches!(multi, EditError::Unsupported { .. }), "{multi:?}");
    let not_list = apply("---\nhistory: yes\n---\n", &[history("submit", "draft", "review")]).unwrap_err();
    assert!(matches!(not_list, EditError::Unsupported { .. }), "{not_list:?}");
}

#[test]
fn scalars_are_quoted_only_when_needed() {
    assert_eq!(scalar("bob"), "bob");
    assert_eq!(scalar("2026-11-25T12:00:00Z"), "2026-11-25T12:00:00Z");
    assert_eq!(scalar("request-changes"), "request-changes");
    assert_eq!(scalar("李娜"), "李娜");
    assert_eq!(scalar("null"), "\"null\"");
    assert_eq!(scalar("12"), "\"12\"");
    assert_eq!(scalar("a, b"), "\"a, b\"");
    assert_eq!(scalar("say \"hi\"\n"), "\"say \\\"hi\\\"\\n\"");
    assert_eq!(scalar(""), "\"\"");
}

#[test]
fn every_demo_file_takes_every_kind_of_edit() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let mut n = 0;
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if !entry.path().to_string_lossy().ends_with(".md") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let changes = [
            set("status", "archived"),
            set("publish_at", "2026-12-01T09:00:00Z"),
            set("assignee", "li"),
            set("due", "2026-12-02"),
            review("fine"),
            history("archive", "published", "archived"),
        ];
        let out = apply(&text, &changes).unwrap_or_else(|e| panic!("{}: {e}", entry.path().display()));
        // Every old line is still there, in order.
        let mut new_lines = out.lines();
        let owned = ["status:", "publish_at:", "assignee:", "due:"];
        for old in text.lines().filter(|l| !owned.iter().any(|k| l.starts_with(k))) {
            assert!(new_lines.any(|l| l == old), "{}: lost {old:?}", entry.path().display());
        }
        n += 1;
    }
    assert!(n > 50, "{n} files");
}

fn reviewer(who: &str) -> Change {
    Change::AppendText {
        path: &["review", "reviewers"],
        value: who.into(),
    }
}

#[test]
fn reviewers_are_appended_as_text_items() {
    // No review block yet: one is made after the related keys.
    let text = "---\ntitle: T\nstatus: draft\n---\nBody\n";
    let out = apply(text, &[reviewer("bob")]).unwrap();
    assert_eq!(
        out,
        "---\ntitle: T\nstatus: draft\nreview:\n  reviewers:\n    - bob\n---\nBody\n"
    );
    // A one-line list with a comment becomes a block; the comment stays.
    let text = "---\nreview:\n   reviewers: [bob]   # asked on Monday\nstatus: review\n---\n";
    let out = apply(text, &[reviewer("li")]).unwrap();
    assert_eq!(
        out,
        "---\nreview:\n   reviewers:   # asked on Monday\n     - bob\n     - li\nstatus: review\n---\n"
    );
    // A block list grows at its own indentation, beside the log.
    let text = "---\nreview:\n  reviewers:\n  - bob\n  log: []\n---\n";
    let out = apply(text, &[reviewer("li")]).unwrap();
    assert_eq!(out, "---\nreview:\n  reviewers:\n  - bob\n  - li\n  log: []\n---\n");
}
