//! No URL escapes: a page live on the target that the new build no longer
//! makes stops `deploy` (and `--dry-run`, and `check --target`) until an
//! alias keeps it or `--allow-gone` lets it go. Aliases reach an S3 target
//! as website redirects.

use super::server::{server, BUCKET, PREFIX};
use super::{deploy, site, Run};
use crate::serve::edit;
use crate::support::Site;

const GONE: &str = "content/jokes/beta.md: error[DEP009]: /jokes/beta/ is live on the target but this build no longer produces it (last produced by content/jokes/beta.md) (help: its page is now at /jokes/beta-two/: add 'aliases: [/jokes/beta/]' to the front matter of content/jokes/beta.md, or pass --allow-gone /jokes/beta/ to let it go)";

fn folder_site() -> Site {
    site("  targets:\n    www: file://srv/www\n")
}

/// Deploys the site as built, then changes beta's slug and builds again.
fn deployed_then_slug_changed(s: &Site, run: &dyn Fn(&[&str]) -> Run) {
    s.build(&[]).ok();
    run(&[]).ok();
    edit(
        s,
        "content/jokes/beta.md",
        "status: published",
        "status: published\nslug: beta-two",
    );
    s.build(&[]).ok();
}

fn refused(r: &Run) {
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(r.all().contains(GONE), "{}", r.all());
}

#[test]
fn folder_a_vanished_url_stops_the_deploy_until_aliased_or_allowed() {
    let s = folder_site();
    let www = s.root().join("srv/www");
    let run = |args: &[&str]| deploy(&s, None, args);
    deployed_then_slug_changed(&s, &run);
    refused(&run(&["--dry-run"]));
    refused(&run(&[]));
    assert!(!www.join("jokes/beta-two/index.html").exists(), "nothing was sent");
    // Other pages vanishing do not make this one allowed.
    refused(&run(&["--allow-gone", "/jokes/alpha/"]));

    // The alias keeps the old URL: its page is now a redirect.
    edit(
        &s,
        "content/jokes/beta.md",
        "slug: beta-two",
        "slug: beta-two\naliases: [/jokes/beta/]",
    );
    s.build(&[]).ok();
    run(&[]).ok();
    assert!(std::fs::read_to_string(www.join("jokes/beta/index.html"))
        .unwrap()
        .contains("url=https://jokes.test/jokes/beta-two/"));

    // Dropping the alias is a vanished URL too, let go by name.
    edit(&s, "content/jokes/beta.md", "\naliases: [/jokes/beta/]", "");
    s.build(&[]).ok();
    let r = run(&[]);
    assert_eq!(r.code, 1, "{}", r.all());
    run(&["--allow-gone", "https://jokes.test/jokes/beta/"]).ok();
    // Kept in the folder (no --delete) but let go: not reported again.
    assert!(www.join("jokes/beta/index.html").exists());
    run(&[]).ok();
}

#[test]
fn folder_allow_gone_all_lets_every_vanished_url_go() {
    let s = folder_site();
    let run = |args: &[&str]| deploy(&s, None, args);
    deployed_then_slug_changed(&s, &run);
    std::fs::remove_file(s.root().join("content/jokes/gamma.md")).unwrap();
    s.build(&[]).ok();
    let r = run(&["--dry-run"]);
    refused(&r);
    assert!(r.all().contains("error[DEP009]: /jokes/gamma/ is live"), "{}", r.all());
    run(&["--allow-gone-all", "--delete"]).ok();
    assert!(!s.root().join("srv/www/jokes/gamma/index.html").exists());
}

#[test]
fn check_target_reports_vanished_urls_before_deploy_time() {
    let s = folder_site();
    let run = |args: &[&str]| deploy(&s, None, args);
    deployed_then_slug_changed(&s, &run);
    let r = s.run(&["check", "--now", crate::support::NOW, "--target", "www"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains(GONE), "{}", r.stderr);
    edit(
        &s,
        "content/jokes/beta.md",
        "slug: beta-two",
        "slug: beta-two\naliases: [/jokes/beta/]",
    );
    let r = s.run(&["check", "--now", crate::support::NOW, "--target", "www"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

#[test]
fn s3_aliases_get_the_website_redirect_header_and_vanished_urls_stop_the_deploy() {
    let Some(server) = server() else { return };
    let s = site(&format!("  targets:\n    prod: s3://{BUCKET}/{PREFIX}\n"));
    let run = |args: &[&str]| deploy(&s, Some(&server), args);
    deployed_then_slug_changed(&s, &run);
    refused(&run(&["--dry-run"]));
    refused(&run(&[]));
    assert!(server.head("jokes/beta-two/index.html").is_none(), "nothing was sent");

    edit(
        &s,
        "content/jokes/beta.md",
        "slug: beta-two",
        "slug: beta-two\naliases: [/jokes/beta/]",
    );
    s.build(&[]).ok();
    run(&[]).ok();
    let head = server.head("jokes/beta/index.html").unwrap();
    assert_eq!(head.website_redirect, "https://jokes.test/jokes/beta-two/");
    assert_eq!(server.head("jokes/beta-two/index.html").unwrap().website_redirect, "");
    let stored = server.manifest().unwrap();
    assert_eq!(stored["files"]["jokes/beta/index.html"]["redirect"], "/jokes/beta-two/");
    assert_eq!(
        stored["files"]["jokes/beta-two/index.html"]["source"],
        "content/jokes/beta.md"
    );

    edit(&s, "content/jokes/beta.md", "\naliases: [/jokes/beta/]", "");
    s.build(&[]).ok();
    assert_eq!(run(&[]).code, 1);
    run(&["--allow-gone", "/jokes/beta/", "--delete"]).ok();
    assert!(server.head("jokes/beta/index.html").is_none());
}
