//! A small site-test builder: write files into a temporary site, run the
//! `punchline` binary on it, and read what it produced.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The clock every test builds with.
pub const NOW: &str = "2026-11-25T12:00:00Z";

/// roles.yaml for fixture sites.
pub const ROLES: &str = "roles:
  manager:    {can: [write, submit, review, publish, archive, assign, seo, theme, specials, raw_html, config]}
  editor:     {can: [write, submit, review, publish, archive, assign]}
  copywriter: {can: [write, submit]}
  optimizer:  {can: [seo]}
members:
  alice: {name: Alice Chen, email: alice@example.com, roles: [copywriter]}
  bob:   {name: Bob Li, email: bob@example.com, roles: [editor]}
  erin:  {name: Erin Zhou, email: erin@example.com, roles: [manager]}
workflow:
  approvals_required: 1
  self_review: false
";

/// A site in a temporary folder.
pub struct Site {
    dir: tempfile::TempDir,
}

/// What a command printed and returned.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }

    /// Panics with the output unless the command succeeded.
    pub fn ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "command failed:\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

impl Site {
    /// An empty site with roles.yaml and a small site.yaml.
    pub fn new() -> Site {
        let s = Site {
            dir: tempfile::tempdir().unwrap(),
        };
        s.write("roles.yaml", ROLES);
        s.write(
            "site.yaml",
            "title: Test Jokes\nbase_url: https://jokes.test\npaginate_by: 2\nfeed_limit: 3\n",
        );
        s
    }

    /// The site root.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (creating folders).
    pub fn write(&self, rel: &str, text: &str) -> &Site {
        let p = self.root().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
        self
    }

    /// Writes a content item with front matter `fm` (title/date/author are
    /// filled in unless given) and `body`.
    pub fn item(&self, rel: &str, fm: &str, body: &str) -> &Site {
        let mut head = String::new();
        let has = |key: &str| fm.lines().any(|l| l.starts_with(key));
        if !has("title:") {
            head.push_str(&format!("title: Title of {rel}\n"));
        }
        if !has("date:") {
            head.push_str("date: 2026-11-01\n");
        }
        if !has("author:") {
            head.push_str("author: alice\n");
        }
        self.write(&format!("content/{rel}"), &format!("---\n{head}{fm}---\n{body}"))
    }

    /// A published joke.
    pub fn joke(&self, slug: &str, fm: &str) -> &Site {
        self.item(
            &format!("jokes/{slug}.md"),
            &format!("status: published\n{fm}"),
            &format!("The joke {slug}.\n"),
        )
    }

    /// Runs `punchline ARGS` in the site root.
    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(
            Command::new(env!("CARGO_BIN_EXE_punchline"))
                .args(args)
                .current_dir(self.root())
                .env_remove("CI")
                .output()
                .unwrap(),
        )
    }

    /// `punchline build --now NOW` plus `extra`.
    pub fn build(&self, extra: &[&str]) -> Run {
        let mut args = vec!["build", "--now", NOW];
        args.extend_from_slice(extra);
        self.run(&args)
    }

    /// Reads an output file from public/.
    pub fn out(&self, rel: &str) -> String {
        let p = self.root().join("public").join(rel);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    /// Whether public/REL exists.
    pub fn has(&self, rel: &str) -> bool {
        self.root().join("public").join(rel).exists()
    }

    /// Every file under public/, relative, sorted.
    pub fn outputs(&self) -> Vec<String> {
        let base = self.root().join("public");
        let mut v: Vec<String> = walk(&base)
            .into_iter()
            .map(|p| p.strip_prefix(&base).unwrap().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }
}

/// Every file under `dir`.
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// The `<main>` element of an HTML page.
pub fn main_region(html: &str) -> &str {
    let start = html.find("<main").expect("page has <main>");
    let end = html[start..].find("</main>").expect("page closes </main>") + start + "</main>".len();
    &html[start..end]
}

/// Says that a test is skipped and why, where a person running the tests
/// sees it: libtest swallows what a passing test prints with `eprintln!`,
/// but not what is written to the standard error handle itself. With `CI`
/// set, a missing tool is a failure instead.
pub fn skip(why: &str) {
    assert!(std::env::var_os("CI").is_none(), "{why}");
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "SKIPPED: {why}");
}
