//! `punchline init`: a new site that builds at once, and a team of one
//! that can use every workflow command at once.
//!
//! Input: an empty (or missing) folder, and the git identity of the person
//! running it (`git config user.email` and `user.name`). Output: site.yaml,
//! roles.yaml, a few example items and the default theme, written from
//! copies compiled into the binary (scaffold/ and themes/default/ in the
//! source tree); a .gitignore; a git repository when the folder is not
//! inside one; the person as a member with the manager role. Invariant: a
//! folder with files is refused before anything is written; git missing or
//! no identity is reported in [`Created`], never an error (the site still
//! builds).

use crate::diagnostic::{Error, Result};
use crate::theme::{embedded_files, DEFAULT_THEME};
use crate::workflow::roles::Roles;
use include_dir::{include_dir, Dir};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The starter site, compiled into the binary.
static STARTER: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/scaffold");

/// What git should not track: the build output and local caches, locks
/// and the temporary files of interrupted commands.
pub const GITIGNORE: &str = "# Written by 'punchline build' and 'punchline serve'; rebuilt from the sources.\n/public/\n/.public.lock\n/.punchline/\n.punchline-*\n";

/// What `init` did besides writing the starter files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    /// Files written.
    pub files: usize,
    /// A new git repository was made in the folder.
    pub git_init: bool,
    /// Why no repository was made, when none was and the folder is not in one.
    pub git_problem: Option<String>,
    /// The member added for the person running `init` (id, email).
    pub member: Option<(String, String)>,
}

/// Creates a site in `dir`; refuses a folder that has files.
pub fn init(dir: &Path) -> Result<Created> {
    if dir.exists() && std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?.next().is_some() {
        return Err(Error::Usage(format!(
            "{} is not empty; choose a new folder so nothing is overwritten",
            dir.display()
        )));
    }
    let mut n = 0;
    let files = embedded_files(&STARTER)
        .into_iter()
        .map(|f| (f.path().to_path_buf(), f.contents()));
    let theme = embedded_files(&DEFAULT_THEME)
        .into_iter()
        .map(|f| (Path::new("themes/default").join(f.path()), f.contents()));
    let identity = git_identity(&existing_ancestor(dir));
    let mut member = None;
    for (rel, bytes) in files.chain(theme) {
        let mut bytes = bytes.to_vec();
        if rel == Path::new("roles.yaml") {
            if let Some((text, m)) = identity
                .as_ref()
                .and_then(|id| with_member(&String::from_utf8_lossy(&bytes), id))
            {
                bytes = text.into_bytes();
                member = Some(m);
            }
        }
        write(&dir.join(rel), &bytes)?;
        n += 1;
    }
    write(&dir.join(".gitignore"), GITIGNORE.as_bytes())?;
    n += 1;
    let (git_init, git_problem) = match in_repository(dir) {
        Ok(true) => (false, None),
        Ok(false) => match git(dir, &["init", "-q"]) {
            Ok(_) => (true, None),
            Err(e) => (false, Some(e)),
        },
        Err(e) => (false, Some(e)),
    };
    Ok(Created {
        files: n,
        git_init,
        git_problem,
        member,
    })
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    std::fs::write(path, bytes).map_err(|e| Error::io(path, e))
}

/// The folder itself, or its nearest ancestor that exists (where git reads
/// its configuration before the folder is made).
fn existing_ancestor(dir: &Path) -> PathBuf {
    let abs = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    abs.ancestors()
        .find(|p| p.is_dir())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Runs git in `dir`; its trimmed stdout, or why it failed.
fn git(dir: &Path, args: &[&str]) -> std::result::Result<String, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("git could not run ({e}); install git, then run 'git init' in the site"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

/// Whether `dir` is inside a git work tree; an error when git cannot run.
fn in_repository(dir: &Path) -> std::result::Result<bool, String> {
    match git(dir, &["rev-parse", "--is-inside-work-tree"]) {
        Ok(s) => Ok(s == "true"),
        Err(e) if e.starts_with("git could not run") => Err(e),
        Err(_) => Ok(false),
    }
}

/// `user.email` and `user.name` (the name may be missing).
fn git_identity(dir: &Path) -> Option<(String, Option<String>)> {
    let email = git(dir, &["config", "user.email"]).ok().filter(|e| e.contains('@'))?;
    let name = git(dir, &["config", "user.name"]).ok().filter(|n| !n.is_empty());
    Some((email, name))
}

/// roles.yaml `text` with the person added under `members:` as a manager,
/// and self-review allowed (a team of one approves its own work; set it to
/// false when a second reviewer joins). `None` when the result would not
/// read back with that member (the file is then written as shipped).
fn with_member(text: &str, (email, name): &(String, Option<String>)) -> Option<(String, (String, String))> {
    let mut d = Vec::new();
    let roles = Roles::parse(text, Path::new("roles.yaml"), &mut d);
    if roles.member_by_email(email).is_some() {
        return None;
    }
    let base = name
        .as_deref()
        .map(crate::content::slugify)
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| crate::content::slugify(email.split('@').next().unwrap_or("me")));
    let base = if base.is_empty() { "me".to_string() } else { base };
    let id = (1..)
        .map(|i| if i == 1 { base.clone() } else { format!("{base}-{i}") })
        .find(|id| roles.member(id).is_none())?;
    let q = crate::workflow::edit::scalar;
    let line = format!(
        "  {}: {{name: {}, email: {}, roles: [manager]}}   # you (from git config)\n",
        q(&id),
        q(name.as_deref().unwrap_or(&id)),
        q(email)
    );
    let at = text.find("\nmembers:\n")? + "\nmembers:\n".len();
    let out = format!("{}{line}{}", &text[..at], &text[at..]);
    let out: String = out
        .split_inclusive('\n')
        .map(|l| {
            if l.starts_with("  self_review: false") {
                "  self_review: true                # a team of one approves its own work; set false when a second reviewer joins\n"
            } else {
                l
            }
        })
        .collect();
    let mut d = Vec::new();
    let check = Roles::parse(&out, Path::new("roles.yaml"), &mut d);
    let ok = d.is_empty() && check.member_by_email(email).is_some_and(|m| m.id == id);
    ok.then(|| (out, (id, email.clone())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_person_becomes_a_manager_with_a_free_id() {
        let text = include_str!("../scaffold/roles.yaml");
        let who = ("ada.l@example.com".to_string(), Some("Ada: \"Lovelace\"".to_string()));
        let (out, (id, email)) = with_member(text, &who).unwrap();
        let mut d = Vec::new();
        let roles = Roles::parse(&out, Path::new("roles.yaml"), &mut d);
        assert!(d.is_empty(), "{d:?}\n{out}");
        let m = roles.member(&id).unwrap();
        assert_eq!(
            (m.email.as_str(), &m.roles[..]),
            (email.as_str(), &["manager".to_string()][..])
        );
        assert_eq!(m.name, "Ada: \"Lovelace\"");
        assert!(roles.workflow.self_review);
        // An id the example team already has gets a number.
        let who = ("ed2@example.com".to_string(), Some("Ed".to_string()));
        assert_eq!(with_member(text, &who).unwrap().1 .0, "ed-2");
        // Someone already listed is not added twice.
        assert!(with_member(text, &("ed@example.com".into(), None)).is_none());
    }
}
