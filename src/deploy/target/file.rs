//! The `file://` target: a folder, such as a web server's document root.
//!
//! Input: output paths and bytes. Output: files under the folder.
//! Invariants: every file is written to a temporary name in its own folder
//! and renamed into place, so a web server reading the folder sees the old
//! or the new file, never half of one; nothing is written outside the
//! folder. Headers cannot be stored in a folder: content types and cache
//! rules are the web server's; pre-compressed copies sit next to the file
//! (`page.html.gz`, `page.html.br`) for servers that pick them by
//! `Accept-Encoding` (nginx `gzip_static`/`brotli_static`).
//! A deploy holds a lock on the folder from [`Target::begin`] on, and
//! removes the temporary files (`.punchline-*.tmp`) deploys killed midway
//! left; two deploys to one folder at once: the second one fails clearly.

use super::{Target, TargetError};
use crate::deploy::config::Encoding;
use crate::deploy::headers::{self, CompressionStyle, ObjectHeaders};
use crate::output::checked_relative;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Every encoding a copy may have been written with (to clean up stale ones).
const ALL_ENCODINGS: [Encoding; 2] = [Encoding::Gzip, Encoding::Brotli];

/// Names of temporary files: `<TMP_PREFIX>random<TMP_SUFFIX>`.
const TMP_PREFIX: &str = ".punchline-";
const TMP_SUFFIX: &str = ".tmp";

/// A folder target.
#[derive(Debug)]
pub struct FileTarget {
    root: PathBuf,
    /// The deploy lock, once [`Target::begin`] took it.
    lock: std::sync::OnceLock<std::fs::File>,
}

impl FileTarget {
    /// A target writing under `root` (created on the first write).
    pub fn new(root: &Path) -> FileTarget {
        FileTarget {
            root: root.to_path_buf(),
            lock: std::sync::OnceLock::new(),
        }
    }

    /// Takes the deploy lock: the folder itself on Unix (nothing is left
    /// behind), a lock file in it elsewhere.
    fn take_lock(&self) -> Result<(), TargetError> {
        let err = |e| io_error("lock", ".", e);
        std::fs::create_dir_all(&self.root).map_err(err)?;
        #[cfg(unix)]
        let file = std::fs::File::open(&self.root).map_err(err)?;
        #[cfg(not(unix))]
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.root.join(".punchline-deploy.lock"))
            .map_err(err)?;
        match file.try_lock() {
            Ok(()) => {
                let _ = self.lock.set(file);
                Ok(())
            }
            Err(std::fs::TryLockError::WouldBlock) => Err(TargetError {
                op: "lock",
                path: ".".into(),
                message: "another deploy is writing to this folder; wait for it to finish and deploy again".into(),
                transient: false,
            }),
            Err(std::fs::TryLockError::Error(e)) => Err(err(e)),
        }
    }

    /// Removes temporary files left by killed deploys (only with the lock
    /// held: no other deploy is writing them).
    fn remove_leftovers(&self) -> Result<(), TargetError> {
        for entry in walkdir::WalkDir::new(&self.root).into_iter().filter_map(|e| e.ok()) {
            let name = entry.file_name().to_string_lossy();
            if entry.file_type().is_file() && name.starts_with(TMP_PREFIX) && name.ends_with(TMP_SUFFIX) {
                let rel = entry.path().strip_prefix(&self.root).unwrap_or(entry.path());
                self.remove(&rel.to_string_lossy(), entry.path())?;
            }
        }
        Ok(())
    }

    fn full(&self, op: &'static str, path: &str) -> Result<PathBuf, TargetError> {
        checked_relative(path)
            .map(|rel| self.root.join(rel))
            .map_err(|e| io_error(op, path, e))
    }

    /// Writes `bytes` at `full` through a temporary file and a rename.
    fn write_atomic(&self, path: &str, full: &Path, bytes: &[u8]) -> Result<(), TargetError> {
        let dir = full.parent().unwrap_or(&self.root);
        std::fs::create_dir_all(dir).map_err(|e| io_error("write", path, e))?;
        let mut builder = tempfile::Builder::new();
        builder.prefix(TMP_PREFIX).suffix(TMP_SUFFIX);
        // Temporary files are private by default; a web server must read these.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
        let mut tmp = builder.tempfile_in(dir).map_err(|e| io_error("write", path, e))?;
        tmp.write_all(bytes).map_err(|e| io_error("write", path, e))?;
        tmp.persist(full).map_err(|e| io_error("write", path, e.error))?;
        Ok(())
    }

    fn remove(&self, path: &str, full: &Path) -> Result<(), TargetError> {
        match std::fs::remove_file(full) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io_error("delete", path, e)),
        }
    }

    /// Removes folders left empty by a delete, up to (not including) the root.
    fn prune_empty_dirs(&self, full: &Path) {
        let mut dir = full.parent();
        while let Some(d) = dir {
            if d == self.root || !d.starts_with(&self.root) || std::fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
    }
}

impl Target for FileTarget {
    fn describe(&self) -> String {
        format!("folder {}", self.root.display())
    }

    fn compression(&self) -> CompressionStyle {
        CompressionStyle::Siblings
    }

    fn get(&self, path: &str) -> Result<Option<Vec<u8>>, TargetError> {
        let full = self.full("read", path)?;
        match std::fs::read(full) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_error("read", path, e)),
        }
    }

    fn put(&self, path: &str, body: &[u8], headers: &ObjectHeaders) -> Result<(), TargetError> {
        let full = self.full("write", path)?;
        // Copies first: a server preferring `x.gz` must not serve an old copy
        // of a new file for longer than the file itself is old.
        for enc in &headers.copies {
            let copy = sibling(&full, *enc);
            self.write_atomic(path, &copy, &headers::compress(body, *enc))?;
        }
        for enc in ALL_ENCODINGS.iter().filter(|e| !headers.copies.contains(e)) {
            self.remove(path, &sibling(&full, *enc))?;
        }
        self.write_atomic(path, &full, body)
    }

    fn begin(&self) -> Result<(), TargetError> {
        self.take_lock()?;
        self.remove_leftovers()
    }

    fn delete(&self, path: &str) -> Result<(), TargetError> {
        let full = self.full("delete", path)?;
        self.remove(path, &full)?;
        for enc in ALL_ENCODINGS {
            self.remove(path, &sibling(&full, enc))?;
        }
        self.prune_empty_dirs(&full);
        Ok(())
    }
}

fn sibling(full: &Path, enc: Encoding) -> PathBuf {
    let mut s = full.as_os_str().to_owned();
    s.push(enc.suffix());
    PathBuf::from(s)
}

fn io_error(op: &'static str, path: &str, e: std::io::Error) -> TargetError {
    // A full disk or a permission problem will not go away by retrying;
    // an interrupted call might.
    let transient = matches!(
        e.kind(),
        std::io::ErrorKind::Interrupted | std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
    );
    TargetError {
        op,
        path: path.to_string(),
        message: e.to_string(),
        transient,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::config::DeployConfig;

    #[test]
    fn writes_reads_deletes_and_prunes() {
        let dir = tempfile::tempdir().unwrap();
        let t = FileTarget::new(&dir.path().join("www"));
        let h = headers::for_path("a/b/index.html", &DeployConfig::default(), t.compression());
        assert_eq!(t.get("a/b/index.html").unwrap(), None);
        t.put("a/b/index.html", b"<p>hi</p>", &h).unwrap();
        assert_eq!(t.get("a/b/index.html").unwrap().unwrap(), b"<p>hi</p>");
        t.put("a/b/index.html", b"<p>new</p>", &h).unwrap();
        assert_eq!(t.get("a/b/index.html").unwrap().unwrap(), b"<p>new</p>");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("www/a/b")).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary files remain");
        t.delete("a/b/index.html").unwrap();
        t.delete("a/b/index.html").unwrap();
        assert!(!dir.path().join("www/a").exists(), "empty folders are removed");
        assert!(dir.path().join("www").exists());
    }

    #[test]
    fn writes_and_cleans_compressed_copies() {
        let dir = tempfile::tempdir().unwrap();
        let t = FileTarget::new(dir.path());
        let cfg = DeployConfig {
            compress: vec![Encoding::Gzip, Encoding::Brotli],
            ..DeployConfig::default()
        };
        let h = headers::for_path("index.html", &cfg, t.compression());
        t.put("index.html", "ha ".repeat(100).as_bytes(), &h).unwrap();
        assert!(dir.path().join("index.html.gz").exists());
        assert!(dir.path().join("index.html.br").exists());
        let plain = headers::for_path("index.html", &DeployConfig::default(), t.compression());
        t.put("index.html", b"x", &plain).unwrap();
        assert!(!dir.path().join("index.html.gz").exists(), "stale copies go");
        t.put("index.html", b"x", &h).unwrap();
        t.delete("index.html").unwrap();
        assert!(!dir.path().join("index.html.br").exists());
    }

    #[test]
    fn begin_removes_leftovers_and_locks_out_a_second_deploy() {
        let dir = tempfile::tempdir().unwrap();
        let www = dir.path().join("www");
        std::fs::create_dir_all(www.join("a")).unwrap();
        for f in [
            "a/.punchline-x1Y2z3.tmp",
            ".punchline-abc.tmp",
            "a/keep.tmp",
            ".punchline-manifest.json",
        ] {
            std::fs::write(www.join(f), "").unwrap();
        }
        let t = FileTarget::new(&www);
        t.begin().unwrap();
        let mut left: Vec<String> = walkdir::WalkDir::new(&www)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| e.path().strip_prefix(&www).unwrap().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, [".punchline-manifest.json", "a/keep.tmp"]);
        #[cfg(unix)]
        {
            let e = FileTarget::new(&www).begin().unwrap_err();
            assert!(e.message.contains("another deploy"), "{e}");
            drop(t);
            FileTarget::new(&www).begin().unwrap();
        }
    }

    #[test]
    fn refuses_paths_outside_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let t = FileTarget::new(&dir.path().join("www"));
        let h = headers::manifest();
        let e = t.put("../escape.html", b"x", &h).unwrap_err();
        assert!(!e.transient);
        assert!(!dir.path().join("escape.html").exists());
    }
}
