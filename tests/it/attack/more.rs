//! Attacks: more roads out of the site. Folders that are symbolic links,
//! theme names that are paths, hero images named outside static/, a
//! target's manifest that lists paths outside the target, and requests
//! that name two hosts. Each asserts the exact line a user sees and that
//! nothing from elsewhere on the disk was published, read or deleted.

use crate::serve::Server;
use crate::support::Site;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

/// A folder outside the site holding what must never be published: a
/// secret file, and a theme (theme.yaml, static/leak.txt) beside it.
fn outside() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("secret.txt"), "SECRET KEY\n").unwrap();
    std::fs::write(dir.path().join("theme.yaml"), "extends: default\n").unwrap();
    std::fs::create_dir_all(dir.path().join("static")).unwrap();
    std::fs::write(dir.path().join("static/leak.txt"), "SECRET KEY\n").unwrap();
    dir
}

/// A site with one joke.
fn site() -> Site {
    let s = Site::new();
    s.joke("j1", "");
    s
}

/// Builds and asserts exit 1 with `line` printed exactly, and that no
/// output file carries the secret.
fn refused(s: &Site, line: &str) {
    let r = s.build(&[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.lines().any(|l| l == line), "want {line}\ngot:\n{}", r.stderr);
    for f in crate::support::walk(&s.root().join("public")) {
        let bytes = std::fs::read(&f).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("SECRET KEY"),
            "{} was published",
            f.display()
        );
    }
}

const FS001_HELP: &str = "(help: replace the link with a real folder holding the files (a link could publish files from anywhere on the disk))";

#[cfg(unix)]
#[test]
fn a_static_folder_that_is_a_link_is_refused_wherever_it_leads() {
    let out = outside();
    let s = site();
    // Out of the site, and into it: `static -> .` would publish content
    // drafts and roles.yaml.
    for target in [out.path(), s.root()] {
        let _ = std::fs::remove_file(s.root().join("static"));
        std::os::unix::fs::symlink(target, s.root().join("static")).unwrap();
        s.write(
            "content/jokes/draft.md",
            "---\ntitle: D\ndate: 2026-11-01\nauthor: alice\n---\nSECRET KEY\n",
        );
        refused(
            &s,
            &format!(
                "static: error[FS001]: this folder is a symbolic link; files under it are not published {FS001_HELP}"
            ),
        );
        assert!(!s.has("secret.txt") && !s.has("roles.yaml"));
    }
}

#[cfg(unix)]
#[test]
fn theme_folders_that_are_links_are_refused() {
    let out = outside();
    for (link, shown) in [
        ("themes/mine/static", "themes/mine/static"),
        ("themes/mine/templates", "themes/mine/templates"),
        ("themes/mine", "themes/mine"),
    ] {
        let s = site();
        s.write("site.yaml", "title: T\nbase_url: https://jokes.test\ntheme: mine\n");
        if link != "themes/mine" {
            s.write("themes/mine/theme.yaml", "extends: default\n");
        }
        std::fs::create_dir_all(s.root().join(link).parent().unwrap()).unwrap();
        let target = if link.ends_with("static") {
            out.path().join("static")
        } else {
            out.path().to_path_buf()
        };
        std::os::unix::fs::symlink(target, s.root().join(link)).unwrap();
        refused(
            &s,
            &format!(
                "{shown}: error[FS001]: this folder is a symbolic link; files under it are not published {FS001_HELP}"
            ),
        );
        assert!(!s.root().join("public").exists(), "{link}: nothing was built");
    }
}

#[test]
fn a_theme_named_by_a_path_is_refused_not_loaded_from_the_disk() {
    let out = outside();
    let abs = out.path().to_str().unwrap().to_string();
    let s = site();
    s.write(
        "site.yaml",
        &format!("title: T\nbase_url: https://jokes.test\ntheme: '{abs}'\n"),
    );
    refused(
        &s,
        &format!("themes/: error[THM001]: theme '{abs}' is not a folder name under themes/ (help: name a folder of themes/ (such as 'mine' for themes/mine/), or 'default')"),
    );
    // The same through `extends:` of a theme in the site.
    let s = site();
    s.write("site.yaml", "title: T\nbase_url: https://jokes.test\ntheme: mine\n")
        .write("themes/mine/theme.yaml", &format!("extends: '{abs}'\n"));
    refused(
        &s,
        &format!("themes/: error[THM001]: theme '{abs}' is not a folder name under themes/ (help: name a folder of themes/ (such as 'mine' for themes/mine/), or 'default')"),
    );
    let s = site();
    s.write("site.yaml", "title: T\nbase_url: https://jokes.test\ntheme: ../..\n");
    refused(
        &s,
        "themes/: error[THM001]: theme '../..' is not a folder name under themes/ (help: name a folder of themes/ (such as 'mine' for themes/mine/), or 'default')",
    );
}

/// A site whose special names `image` as its hero.
fn hero_site(image: &str) -> Site {
    let s = site();
    s.joke("w", "tags: [winter]\n");
    s.item(
        "specials/sp.md",
        &format!("title: The Special\nstatus: published\nhero: {{image: \"{image}\", alt: A sky}}\nselect: {{tags: [winter]}}\n"),
        "Welcome.\n",
    );
    s
}

fn png(path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    image::RgbImage::from_pixel(1000, 400, image::Rgb([30, 60, 90]))
        .save(path)
        .unwrap();
}

#[test]
fn a_hero_image_outside_static_is_not_read_or_published() {
    // A photo beside the site, named through `..`: it must not be read,
    // measured or resized into the output.
    let s = hero_site("/../photo.png");
    png(&s.root().join("photo.png"));
    let r = s.build(&[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let line = "content/specials/sp.md:6:1: warning[IMG001]: hero image /../photo.png is not in static/ (help: add static/../photo.png (a file of at most 64 MiB, not a link), or fix the path)";
    assert!(r.stderr.lines().any(|l| l == line), "{}", r.stderr);
    let page = s.out("specials/sp/index.html");
    assert!(!page.contains("width=\"1000\""), "the photo was measured: {page}");
    assert!(!s.outputs().iter().any(|p| p.contains("photo")), "{:?}", s.outputs());
}

#[cfg(unix)]
#[test]
fn a_hero_image_that_never_ends_or_is_a_link_is_not_read() {
    // /dev/zero would be read until memory runs out.
    let s = hero_site("/../../../../../../../../../../../dev/zero");
    let r = s.build(&[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("warning[IMG001]: hero image /../../"), "{}", r.stderr);
    // A link inside static/ is not copied, so it is not measured either.
    let out = tempfile::tempdir().unwrap();
    png(&out.path().join("p.png"));
    let s = hero_site("/images/p.png");
    std::fs::create_dir_all(s.root().join("static")).unwrap();
    std::os::unix::fs::symlink(out.path(), s.root().join("static/images")).unwrap();
    let r = s.build(&[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("warning[IMG001]: hero image /images/p.png is not in static/"),
        "{}",
        r.stderr
    );
    assert!(
        !s.outputs().iter().any(|p| p.starts_with("images/")),
        "{:?}",
        s.outputs()
    );
}

#[test]
fn a_target_manifest_naming_paths_outside_the_target_deletes_nothing_there() {
    let s = site();
    s.write(
        "site.yaml",
        "title: T\nbase_url: https://jokes.test\ndeploy:\n  targets:\n    www: file://srv/www\n",
    );
    s.build(&[]).ok();
    s.run(&["deploy", "--target", "www"]).ok();
    // A hostile or careless hand adds entries that lead out of the folder.
    let keep = s.root().join("srv/keep.txt");
    std::fs::write(&keep, "not the site's\n").unwrap();
    let manifest = s.root().join("srv/www/.punchline-manifest.json");
    let mut m: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
    for path in ["../keep.txt", "/etc/hostname", "a/../../keep.txt"] {
        m["files"][path] = serde_json::json!({"hash": "x", "size": 1, "headers": ""});
    }
    std::fs::write(&manifest, serde_json::to_vec(&m).unwrap()).unwrap();
    std::fs::write(
        s.root().join("srv/www/.punchline-pending.json"),
        r#"["../keep.txt", "../../x"]"#,
    )
    .unwrap();
    let r = s.run(&["deploy", "--target", "www", "--delete"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let line = ".punchline-manifest.json: warning[DEP007]: the target's manifest lists 3 path(s) outside the target (such as '../x'); they are ignored (help: the manifest in the target was changed by hand or by someone else; nothing outside the target is deleted or written)";
    assert!(r.stderr.lines().any(|l| l == line), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&keep).unwrap(), "not the site's\n");
}

/// Sends `request` and reads the answer until the server closes.
fn raw(port: &str, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let _ = stream.write_all(request);
    let mut out = Vec::new();
    let _ = stream.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn serve_refuses_a_request_that_names_two_hosts_or_an_absolute_target() {
    let s = crate::serve::site();
    let srv = Server::start(&s, &[]);
    let port = srv.base.rsplit(':').next().unwrap().to_string();
    let own = format!("127.0.0.1:{port}");
    for hosts in [
        [own.as_str(), "evil.example"],
        ["evil.example", own.as_str()],
        [own.as_str(), own.as_str()],
    ] {
        let req = format!(
            "GET /jokes/j1/ HTTP/1.1\r\nHost: {}\r\nHost: {}\r\nConnection: close\r\n\r\n",
            hosts[0], hosts[1]
        );
        let resp = raw(&port, req.as_bytes());
        assert!(resp.starts_with("HTTP/1.1 400"), "{hosts:?}: {resp}");
        assert!(resp.contains("more than one Host header"), "{resp}");
        assert!(!resp.contains("The joke"), "{hosts:?} leaked the site");
    }
    // The absolute form names a host of its own: never answered with the site.
    let req = format!("GET http://evil.example/jokes/j1/ HTTP/1.1\r\nHost: {own}\r\nConnection: close\r\n\r\n");
    let resp = raw(&port, req.as_bytes());
    assert!(!resp.starts_with("HTTP/1.1 200"), "{resp}");
    assert!(!resp.contains("The joke"), "{resp}");
}
