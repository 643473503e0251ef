//! Which content files a command may touch, and writing them safely.
//!
//! Input: paths from the command line (relative to the site root, like
//! `git -C`). Output: checked paths under content/, and atomic writes: a
//! temporary file in the same folder, then a rename, so a reader (the build,
//! `serve`, an editor) sees the old file or the new one, never half of one.

use crate::diagnostic::{Diagnostic, Error, Result};
use std::io::Write;
use std::path::{Component, Path, PathBuf};

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

/// Replaces `path` with `text` atomically, keeping its permissions.
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
    let mut tmp = tempfile::Builder::new()
        .prefix(".punchline-")
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
