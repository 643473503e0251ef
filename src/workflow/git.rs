//! Reading a range of commits with the git command line.
//!
//! Input: the site root and a revision. Output: the commits of `REV..HEAD`
//! that touch the site (oldest first), each with its author email and changed files, plus
//! the old and new text of those files. A merge commit lists only the files
//! whose merged version differs from every parent (a conflict resolution or
//! an "evil merge"), with each parent's version. Cost: one `git log` for the whole
//! range and one `git cat-file --batch` for every blob, however many commits
//! and files there are. Plain `git` is used (no library to build), so any
//! git the CI machine has will do.

use crate::diagnostic::{Error, Result};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

/// One changed file in a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    /// Path from the site root, `/` separators.
    pub path: String,
    /// The old path when git found a rename.
    pub renamed_from: Option<String>,
    /// Blob id before the commit; `None` when the file is new.
    pub old: Option<String>,
    /// Blob id after the commit; `None` when the file was deleted.
    pub new: Option<String>,
    /// A merge: the blob ids of the second and later parents (`old` is the
    /// first parent's). Empty for an ordinary commit.
    pub others: Vec<Option<String>>,
}

/// One commit of the range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    /// Full id.
    pub sha: String,
    /// Author email.
    pub email: String,
    /// Files it changed under the site root (for a merge: the files that
    /// differ from every parent).
    pub files: Vec<FileChange>,
    /// Whether it has more than one parent.
    pub merge: bool,
}

impl Commit {
    /// The short id shown to people.
    pub fn short(&self) -> &str {
        &self.sha[..self.sha.len().min(7)]
    }
}

/// Runs git in `root`; a failure is "could not run" (exit 2).
fn git(root: &Path, args: &[&str]) -> Result<Vec<u8>> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| Error::Usage(format!("cannot run git: {e} (install git and make sure it is on PATH)")))?;
    if !out.status.success() {
        let msg = String::from_utf8_lossy(&out.stderr);
        return Err(Error::Usage(format!(
            "git {} failed: {}",
            args.join(" "),
            msg.lines().next().unwrap_or("").trim()
        )));
    }
    Ok(out.stdout)
}

/// The full id of `rev`, checked to be a commit.
pub fn resolve(root: &Path, rev: &str) -> Result<String> {
    if git(root, &["rev-parse", "--is-inside-work-tree"]).is_err() {
        return Err(Error::Usage(format!(
            "{} is not in a git work tree: --since needs the site's git history (clone the repository with its history)",
            root.display()
        )));
    }
    let spec = format!("{rev}^{{commit}}");
    let out = git(root, &["rev-parse", "--verify", "--quiet", &spec]).map_err(|_| {
        Error::Usage(format!(
            "'{rev}' is not a commit in this repository (fetch it first, e.g. 'git fetch origin main', and pass origin/main)"
        ))
    })?;
    Ok(String::from_utf8_lossy(&out).trim().to_string())
}

/// The site root's folder inside the repository (`""` or `site/`), for
/// paths a code host understands.
pub fn prefix(root: &Path) -> String {
    git(root, &["rev-parse", "--show-prefix"])
        .map(|o| String::from_utf8_lossy(&o).trim().to_string())
        .unwrap_or_default()
}

/// The commits of `since..HEAD` that touch the site root, oldest first.
pub fn commits(root: &Path, since: &str) -> Result<Vec<Commit>> {
    let base = resolve(root, since)?;
    let range = format!("{base}..HEAD");
    let out = git(
        root,
        &[
            "log",
            "--reverse",
            // Merges show the files that differ from every parent.
            "-c",
            "--find-renames",
            "--no-abbrev",
            "--raw",
            "-z",
            "--relative",
            "--format=%x01%H%x00%ae",
            &range,
            "--",
            ".",
        ],
    )?;
    Ok(parse_log(&out))
}

/// Parses `git log --raw -z --format=%x01%H%x00%ae`: `\x01sha`, `email`,
/// then `:modes shas status` tokens, each followed by its path (two paths,
/// old and new, for a rename).
fn parse_log(bytes: &[u8]) -> Vec<Commit> {
    let mut commits: Vec<Commit> = Vec::new();
    let mut tokens = bytes
        .split(|&b| b == 0)
        .map(|t| String::from_utf8_lossy(t).into_owned());
    while let Some(tok) = tokens.next() {
        let tok = tok.trim_start_matches('\n');
        if let Some(sha) = tok.strip_prefix('\u{1}') {
            let email = tokens.next().unwrap_or_default();
            commits.push(Commit {
                sha: sha.to_string(),
                email: email.trim().to_string(),
                files: Vec::new(),
                merge: false,
            });
        } else if tok.starts_with("::") {
            let path = tokens.next().unwrap_or_default();
            if let Some(commit) = commits.last_mut() {
                commit.merge = true;
                commit.files.extend(combined(tok, path));
            }
        } else if let Some(meta) = tok.strip_prefix(':') {
            let f: Vec<&str> = meta.split_whitespace().collect();
            let first = tokens.next().unwrap_or_default();
            // Renames and copies name two paths: old, then new.
            let (path, renamed_from) = match f.get(4) {
                Some(st) if st.starts_with('R') || st.starts_with('C') => (
                    tokens.next().unwrap_or_default(),
                    Some(first).filter(|_| st.starts_with('R')),
                ),
                _ => (first, None),
            };
            let (Some(commit), [old_mode, new_mode, old, new, _status]) = (commits.last_mut(), f.as_slice()) else {
                continue;
            };
            // Submodules (mode 160000) are not files of the site.
            if old_mode.starts_with("160") || new_mode.starts_with("160") {
                continue;
            }
            let blob = |mode: &str, id: &str| (!mode.chars().all(|c| c == '0')).then(|| id.to_string());
            commit.files.push(FileChange {
                path,
                renamed_from,
                old: blob(old_mode, old),
                new: blob(new_mode, new),
                others: Vec::new(),
            });
        }
    }
    commits
}

/// One `::modes... ids... status` entry of a merge (`-c --raw`): one colon,
/// mode and id per parent, then the merged file's.
fn combined(tok: &str, path: String) -> Option<FileChange> {
    let parents = tok.len() - tok.trim_start_matches(':').len();
    let f: Vec<&str> = tok.trim_start_matches(':').split_whitespace().collect();
    if f.len() < 2 * (parents + 1) || f[..=parents].iter().any(|m| m.starts_with("160")) {
        return None;
    }
    let (modes, ids) = (&f[..=parents], &f[parents + 1..2 * (parents + 1)]);
    let blob = |i: usize| (!modes[i].chars().all(|c| c == '0')).then(|| ids[i].to_string());
    Some(FileChange {
        path,
        renamed_from: None,
        old: blob(0),
        new: blob(parents),
        others: (1..parents).map(blob).collect(),
    })
}

/// Reads blobs (by id, or `rev:./path`) through one `git cat-file --batch`.
/// Missing objects are left out of the map.
pub fn blobs(root: &Path, ids: &[String]) -> Result<HashMap<String, Vec<u8>>> {
    let mut child = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| Error::Usage(format!("cannot run git: {e} (install git and make sure it is on PATH)")))?;
    let mut stdin = child.stdin.take().expect("piped");
    let input: String = ids.iter().map(|id| format!("{id}\n")).collect();
    // Write from another thread: git answers while we still send, and both
    // pipes would fill up if one side waited for the other.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let mut out = BufReader::new(child.stdout.take().expect("piped"));
    let mut map = HashMap::new();
    let io = |e: std::io::Error| Error::Usage(format!("reading from git cat-file failed: {e}"));
    for id in ids {
        let mut header = String::new();
        out.read_line(&mut header).map_err(io)?;
        let parts: Vec<&str> = header.split_whitespace().collect();
        let size = match parts.as_slice() {
            [_, _, size] => size.parse::<usize>().unwrap_or(0),
            _ => continue, // "<id> missing"
        };
        let mut data = vec![0; size + 1];
        out.read_exact(&mut data).map_err(io)?;
        data.pop();
        map.insert(id.clone(), data);
    }
    let _ = writer.join();
    let _ = child.wait();
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_raw_log() {
        let z = "0".repeat(40);
        let a = "a".repeat(40);
        let b = "b".repeat(40);
        let log = format!(
            "\u{1}{a}\0x@y\0\n:100644 100644 {a} {b} M\0content/jokes/a.md\0:000000 100644 {z} {b} A\0site.yaml\0\u{1}{b}\0z@y\0\n:100644 000000 {a} {z} D\0themes/t/x.html\0:160000 160000 {a} {b} M\0vendor\0:100644 100644 {a} {b} R090\0content/jokes/old.md\0content/jokes/new.md\0"
        );
        let c = parse_log(log.as_bytes());
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].short(), "aaaaaaa");
        assert_eq!(c[0].email, "x@y");
        assert_eq!(
            c[0].files,
            vec![
                FileChange {
                    path: "content/jokes/a.md".into(),
                    renamed_from: None,
                    old: Some(a.clone()),
                    new: Some(b.clone()),
                    others: vec![],
                },
                FileChange {
                    path: "site.yaml".into(),
                    renamed_from: None,
                    old: None,
                    new: Some(b.clone()),
                    others: vec![],
                },
            ]
        );
        assert_eq!(c[1].files.len(), 2);
        assert_eq!(c[1].files[0].new, None);
        assert_eq!(c[1].files[1].path, "content/jokes/new.md");
        assert_eq!(c[1].files[1].renamed_from.as_deref(), Some("content/jokes/old.md"));
        assert!(!c[0].merge && !c[1].merge);
    }

    #[test]
    fn parses_merges_with_every_parent() {
        let (a, b, m) = ("a".repeat(40), "b".repeat(40), "c".repeat(40));
        let log = format!("\u{1}{m}\0x@y\0\0\n::100644 100644 100644 {a} {b} {m} MM\0content/jokes/a.md\0");
        let c = parse_log(log.as_bytes());
        assert!(c[0].merge);
        assert_eq!(
            c[0].files,
            [FileChange {
                path: "content/jokes/a.md".into(),
                renamed_from: None,
                old: Some(a),
                new: Some(m),
                others: vec![Some(b)],
            }]
        );
    }
}
