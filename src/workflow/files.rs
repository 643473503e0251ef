//! Which content files a command may touch, and writing them safely.
//!
//! Input: paths from the command line (relative to the site root, like
//! `git -C`). Output: checked paths under content/, exclusive holds on
//! them ([`Held`]), and atomic writes: a temporary file in the same folder,
//! then a rename, so a reader (the build, `serve`, an editor) sees the old
//! file or the new one, never half of one.
//!
//! Invariants: a command reads, checks and rewrites a file only while it
//! holds the file's lock, so two commands on one file run one after the
//! other, the second on the first one's result (no update is lost). A file
//! that is a symbolic link, or lies in a folder that leads out of the site,
//! is refused, never written through. A temporary file is named after its
//! target (`.punchline-<name>.<random>.tmp`) and written only under the
//! target's lock, so whoever holds that lock may delete the ones a killed
//! command left behind.

use crate::diagnostic::{Diagnostic, Error, Result};
use std::fs::{File, Metadata, TryLockError};
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, Instant};

/// How long a command waits for another one to finish with a file.
const WAIT: Duration = Duration::from_secs(30);

/// Checks that `arg` names an existing Markdown file under `root/content/`;
/// returns it relative to the root, with `/` separators.
pub fn content_file(root: &Path, arg: &Path) -> std::result::Result<PathBuf, Diagnostic> {
    let shown = arg.display().to_string();
    let rel = if arg.is_absolute() {
        let base = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let full = arg.canonicalize().unwrap_or_else(|_| arg.to_path_buf());
        full.strip_prefix(&base).map(Path::to_path_buf).unwrap_or(full)
    } else {
        arg.to_path_buf()
    };
    let parts: Vec<String> = rel
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Option<_>>()
        .unwrap_or_default();
    let outside = || {
        Diagnostic::error("WF006", &shown, "not a content file under content/").help(
            "workflow commands change .md files in content/jokes/, content/bulletins/, content/pages/ or content/specials/ (paths are read from the site root)",
        )
    };
    if parts.len() < 3 || parts[0] != "content" || !parts[parts.len() - 1].ends_with(".md") {
        return Err(outside());
    }
    let rel = PathBuf::from(parts.join("/"));
    if !root.join(&rel).is_file() {
        return Err(Diagnostic::error("WF006", &rel, "no such file")
            .help("check the name; paths are read from the site root (-C DIR), e.g. content/jokes/x.md"));
    }
    Ok(rel)
}

/// A content file held exclusively (its lock is released on drop), with
/// the text it had when the hold was taken.
#[derive(Debug)]
pub struct Held {
    /// The open file that carries the lock.
    _file: File,
    /// The text read under the lock.
    pub text: String,
}

/// Takes the lock of `root/rel` (waiting up to [`WAIT`] for another
/// command), makes sure the path still names the locked file and is a
/// regular file inside the site, removes temporary files a killed command
/// left for it, and reads it.
pub fn hold(root: &Path, rel: &Path) -> std::result::Result<Held, Diagnostic> {
    let path = root.join(rel);
    let io = |e: std::io::Error| {
        Diagnostic::error("IO001", rel, format!("cannot read the file: {e}"))
            .help("check the file is UTF-8 text and readable")
    };
    let started = Instant::now();
    loop {
        inside_site(root, rel)?;
        let file = File::open(&path).map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) if started.elapsed() < WAIT => {
                std::thread::sleep(Duration::from_millis(10));
                continue;
            }
            Err(TryLockError::WouldBlock) => {
                return Err(Diagnostic::error(
                    "WF012",
                    rel,
                    format!("another command has been changing this file for {} s", WAIT.as_secs()),
                )
                .help("wait for it to finish (or stop it), then run the command again"))
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        // Another command may have replaced the file (renamed its new
        // version over it) between our open and our lock: then the lock is
        // on the old version; take the new one's.
        let now_there = std::fs::symlink_metadata(&path).map_err(io)?;
        if !same_file(&file.metadata().map_err(io)?, &now_there) {
            continue;
        }
        remove_abandoned(&path);
        let text = crate::content::read_open(&file, rel).map_err(|e| *e.diagnostic)?;
        return Ok(Held { _file: file, text });
    }
}

/// Refuses a file that is a symbolic link, or whose folder resolves to a
/// place outside the site: the rename of a write would replace the link,
/// and a folder link would send the write out of the site.
fn inside_site(root: &Path, rel: &Path) -> std::result::Result<(), Diagnostic> {
    let path = root.join(rel);
    let refuse = |what: &str| {
        Diagnostic::error("WF011", rel, format!("not changed: {what}"))
            .help("workflow commands change only regular files inside the site; copy the file into content/ instead of linking it")
    };
    if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(refuse("the file is a symbolic link"));
    }
    let base = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    match path.parent().map(Path::canonicalize) {
        Some(Ok(dir)) if dir.starts_with(&base) => Ok(()),
        Some(Ok(dir)) => Err(refuse(&format!(
            "its folder is a link to {}, outside the site",
            dir.display()
        ))),
        _ => Ok(()),
    }
}

/// Whether two metadata describe the same file (not a replacement).
#[cfg(unix)]
fn same_file(a: &Metadata, b: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    b.file_type().is_file() && a.dev() == b.dev() && a.ino() == b.ino()
}

/// Whether two metadata describe the same file (not a replacement).
#[cfg(not(unix))]
fn same_file(a: &Metadata, b: &Metadata) -> bool {
    b.file_type().is_file() && a.len() == b.len() && a.modified().ok() == b.modified().ok()
}

/// The prefix of temporary files for `path`: `.punchline-<name>.`.
fn temp_prefix(path: &Path) -> String {
    let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    format!(".punchline-{name}.")
}

/// Deletes `.punchline-<name>.<random>.tmp` files next to `path`. Called
/// with `path`'s lock held: temporary files for it are written only under
/// that lock, so every one found now belongs to a command that died.
fn remove_abandoned(path: &Path) {
    let prefix = temp_prefix(path);
    let Ok(entries) = std::fs::read_dir(parent(path)) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        let ours = name
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .is_some_and(|rand| !rand.is_empty() && rand.chars().all(|c| c.is_ascii_alphanumeric()));
        if ours {
            // Already gone is as good as deleted.
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Replaces `path` with `text` atomically, keeping its permissions. The
/// caller holds `path` (see [`hold`]).
pub fn write_atomic(path: &Path, text: &str) -> Result<()> {
    let tmp = temp_with(path, text)?;
    if let Ok(meta) = std::fs::metadata(path) {
        // A failure here only loses the mode bits, not content.
        let _ = tmp.as_file().set_permissions(meta.permissions());
    }
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// Creates `path` with `text`; fails with `AlreadyExists` (nothing written)
/// when the file is there, even if it appeared a moment ago.
pub fn create_new(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = parent(path);
    std::fs::create_dir_all(dir)?;
    let tmp = temp_with(path, text).map_err(|e| match e {
        Error::Io { source, .. } => source,
        other => std::io::Error::other(other.to_string()),
    })?;
    tmp.persist_noclobber(path).map_err(|e| e.error)?;
    Ok(())
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// A hidden temporary file next to `path` holding `text`, flushed to disk.
fn temp_with(path: &Path, text: &str) -> Result<tempfile::NamedTempFile> {
    let dir = parent(path);
    let prefix = temp_prefix(path);
    let mut tmp = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))?;
    tmp.write_all(text.as_bytes()).map_err(|e| Error::io(tmp.path(), e))?;
    tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    Ok(tmp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_existing_markdown_under_content() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content/jokes")).unwrap();
        std::fs::write(root.join("content/jokes/a.md"), "x").unwrap();
        std::fs::write(root.join("site.yaml"), "x").unwrap();
        assert_eq!(
            content_file(root, Path::new("./content/jokes/a.md")).unwrap(),
            PathBuf::from("content/jokes/a.md")
        );
        assert_eq!(
            content_file(root, &root.join("content/jokes/a.md")).unwrap(),
            PathBuf::from("content/jokes/a.md")
        );
        for bad in ["site.yaml", "content/../site.yaml", "content/a.md", "/etc/passwd"] {
            let e = content_file(root, Path::new(bad)).unwrap_err();
            assert_eq!(e.message, "not a content file under content/", "{bad}");
        }
        let e = content_file(root, Path::new("content/jokes/b.md")).unwrap_err();
        assert_eq!(e.to_string(), "content/jokes/b.md: error[WF006]: no such file (help: check the name; paths are read from the site root (-C DIR), e.g. content/jokes/x.md)");
    }

    #[test]
    fn atomic_writes_and_no_clobber() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.md");
        create_new(&p, "one").unwrap();
        let e = create_new(&p, "two").unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "one");
        write_atomic(&p, "three").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "three");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "temporary files are gone");
    }
}
