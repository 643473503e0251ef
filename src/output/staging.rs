//! Atomic replacement of the output folder.
//!
//! Input: the target folder (`public/`). Output: the folder a build writes
//! into, swapped in by [`Staging::commit`] when everything succeeded.
//!
//! Invariants:
//! - the staging folder sits next to the target (same file system), named
//!   `.<name>.tmp-*`; dropping a [`Staging`] without committing deletes it
//!   and leaves the previous output as it was;
//! - one build at a time per output folder: a [`Staging`] holds an
//!   exclusive lock on `.<name>.lock` beside the target from creation to
//!   commit or drop; a second build of the same output waits, builds of
//!   other outputs in the same folder do not;
//! - under that lock every `.<name>.tmp-*` and `.<name>.old-*` beside the
//!   target is a leftover of a killed build, and is removed (an `.old-*`
//!   is first put back when the target itself is missing: a build killed
//!   between the two renames of the fallback swap);
//! - the swap is one atomic exchange where the platform has one
//!   (`renameat2(RENAME_EXCHANGE)`, `renameatx_np(RENAME_SWAP)`), so the
//!   target never disappears, even briefly; elsewhere, or when the file
//!   system refuses the exchange, two renames.

use crate::diagnostic::{Error, Result};
use std::fs::File;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// A folder being filled, to become `target` on commit.
pub struct Staging {
    target: PathBuf,
    dir: tempfile::TempDir,
    /// Held until the swap is done; released when dropped.
    _lock: File,
}

impl Staging {
    /// Takes the output lock (waiting for another build of the same output
    /// to finish), removes what killed builds left, and creates the staging
    /// folder beside `target`.
    pub fn new(target: &Path) -> Result<Staging> {
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
        if target.exists() && !target.is_dir() {
            return Err(Error::Usage(format!(
                "{} exists and is not a folder; choose another output path",
                target.display()
            )));
        }
        let name = file_name(target);
        let lock = lock(&parent, &name, target)?;
        clean_leftovers(&parent, &name, target)?;
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{name}.tmp-"))
            .tempdir_in(&parent)
            .map_err(|e| Error::io(&parent, e))?;
        // tempdir() makes 0700 folders; a web server must be able to read the site.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))
                .map_err(|e| Error::io(dir.path(), e))?;
        }
        Ok(Staging {
            target: target.to_path_buf(),
            dir,
            _lock: lock,
        })
    }

    /// The folder to write into.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Swaps the staged folder in and deletes the previous output.
    pub fn commit(self) -> Result<()> {
        let Staging { target, dir, _lock } = self;
        let staged = dir.keep();
        if !target.exists() {
            // The first build: nothing to keep serving meanwhile.
            return std::fs::rename(&staged, &target).map_err(|e| {
                let _ = std::fs::remove_dir_all(&staged);
                Error::io(&target, e)
            });
        }
        match exchange(&staged, &target) {
            // `staged` now holds the previous output.
            Ok(()) => {
                let _ = std::fs::remove_dir_all(&staged);
                Ok(())
            }
            Err(_) => swap_by_renames(&staged, &target),
        }
    }
}

impl Staging {
    /// Deletes `removed` from `target` (paths no longer produced, and the
    /// folders they leave empty), then moves the staged files into it one
    /// by one (the manifest, `last`, after all others). For an incremental
    /// build, whose staging folder holds only the files that changed: the
    /// caller has removed the build cache first, so a build killed midway
    /// leaves no cache behind and the next build is a full one, which
    /// swaps in a complete output.
    pub fn apply(self, removed: &[String], last: &str) -> Result<()> {
        let Staging { target, dir, _lock } = self;
        let mut files = Vec::new();
        for entry in walkdir::WalkDir::new(dir.path()).sort_by_file_name() {
            let entry = entry.map_err(|e| Error::io(dir.path(), std::io::Error::other(e.to_string())))?;
            if entry.file_type().is_file() {
                let rel = entry
                    .path()
                    .strip_prefix(dir.path())
                    .unwrap_or(entry.path())
                    .to_path_buf();
                files.push(rel);
            }
        }
        for rel in removed {
            let path = target.join(rel);
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != ErrorKind::NotFound => return Err(Error::io(&path, e)),
                _ => {}
            }
            // Prune folders left empty, up to (not including) the target.
            let mut up = path.parent();
            while let Some(d) = up.filter(|d| *d != target.as_path()) {
                if std::fs::remove_dir(d).is_err() {
                    break;
                }
                up = d.parent();
            }
        }
        files.sort_by_key(|rel| rel == Path::new(last));
        for rel in files {
            let to = target.join(&rel);
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            std::fs::rename(dir.path().join(&rel), &to).map_err(|e| Error::io(&to, e))?;
        }
        Ok(())
    }
}

/// The target's file name (`public`).
fn file_name(target: &Path) -> String {
    target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into())
}

/// Takes the exclusive lock for builds of `target`, waiting for it when
/// another build holds it.
fn lock(parent: &Path, name: &str, target: &Path) -> Result<File> {
    // A lock file of this output's own, beside it: locking the parent
    // folder instead would make builds of every output in that folder
    // (`/tmp/a`, `/tmp/b`) wait for each other; locking the output folder
    // itself would not hold, as the swap puts another folder at its name.
    let path = parent.join(format!(".{name}.lock"));
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path);
    let file = file.map_err(|e| Error::io(&path, e))?;
    match file.try_lock() {
        Ok(()) => return Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => {
            eprintln!("waiting for another build writing {} to finish...", target.display());
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(Error::io(&path, e)),
    }
    file.lock().map_err(|e| Error::io(&path, e))?;
    Ok(file)
}

/// Removes the staging and set-aside folders killed builds left beside the
/// target. Only called with the lock held: no other build is using them.
fn clean_leftovers(parent: &Path, name: &str, target: &Path) -> Result<()> {
    let (tmp, old) = (format!(".{name}.tmp-"), format!(".{name}.old-"));
    let entries = std::fs::read_dir(parent).map_err(|e| Error::io(parent, e))?;
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(n) = file_name.to_str() else { continue };
        if !(n.starts_with(&tmp) || n.starts_with(&old)) {
            continue;
        }
        let path = entry.path();
        // Killed between the two renames of the fallback swap: the set-aside
        // folder is the last good output.
        if n.starts_with(&old) && !target.exists() && std::fs::rename(&path, target).is_ok() {
            continue;
        }
        let removed = match entry.file_type() {
            Ok(t) if t.is_dir() => std::fs::remove_dir_all(&path),
            _ => std::fs::remove_file(&path),
        };
        match removed {
            Err(e) if e.kind() != ErrorKind::NotFound => return Err(Error::io(&path, e)),
            _ => {}
        }
    }
    Ok(())
}

/// Exchanges two folders in one step.
#[cfg(any(target_os = "linux", target_os = "android", target_os = "macos"))]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

/// No atomic exchange on this platform.
#[cfg(not(any(target_os = "linux", target_os = "android", target_os = "macos")))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(ErrorKind::Unsupported.into())
}

/// The fallback swap: old output aside, new one in place, old one deleted.
/// The target is missing between the two renames; a build killed there
/// leaves `.<name>.old-*`, which the next build puts back.
fn swap_by_renames(staged: &Path, target: &Path) -> Result<()> {
    let aside = staged.with_file_name(format!(".{}.old-{}", file_name(target), std::process::id()));
    let _ = std::fs::remove_dir_all(&aside);
    if let Err(e) = std::fs::rename(target, &aside) {
        let _ = std::fs::remove_dir_all(staged);
        return Err(Error::io(target, e));
    }
    if let Err(e) = std::fs::rename(staged, target) {
        let _ = std::fs::rename(&aside, target);
        let _ = std::fs::remove_dir_all(staged);
        return Err(Error::io(target, e));
    }
    let _ = std::fs::remove_dir_all(aside);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn commit_swaps_and_drop_discards() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("old.html"), "old").unwrap();

        let s = Staging::new(&target).unwrap();
        std::fs::write(s.path().join("half.html"), "half").unwrap();
        drop(s);
        assert!(
            target.join("old.html").exists(),
            "a dropped staging leaves the old output"
        );
        assert_eq!(
            names(tmp.path()),
            [".public.lock", "public"],
            "and no leftovers: the lock file only"
        );

        let s = Staging::new(&target).unwrap();
        std::fs::write(s.path().join("new.html"), "new").unwrap();
        s.commit().unwrap();
        assert!(target.join("new.html").exists());
        assert!(!target.join("old.html").exists());
        assert_eq!(names(tmp.path()), [".public.lock", "public"], "old output removed");
    }

    #[test]
    fn the_first_build_and_the_fallback_swap() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        let s = Staging::new(&target).unwrap();
        std::fs::write(s.path().join("a.html"), "a").unwrap();
        s.commit().unwrap();
        assert_eq!(std::fs::read_to_string(target.join("a.html")).unwrap(), "a");

        let s = Staging::new(&target).unwrap();
        std::fs::write(s.path().join("b.html"), "b").unwrap();
        let (staged, lock) = (s.dir.keep(), s._lock);
        swap_by_renames(&staged, &target).unwrap();
        drop(lock);
        assert!(target.join("b.html").exists() && !target.join("a.html").exists());
        assert_eq!(names(tmp.path()), [".public.lock", "public"]);
    }

    #[test]
    fn leftovers_of_killed_builds_are_removed_or_restored() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        for dir in [".public.tmp-abc/x", ".public.old-123/y", ".other.tmp-1"] {
            std::fs::create_dir_all(tmp.path().join(dir)).unwrap();
        }
        std::fs::write(tmp.path().join(".public.tmp-file"), "").unwrap();
        // No public/: the set-aside folder is the last good output.
        let s = Staging::new(&target).unwrap();
        assert!(target.join("y").is_dir(), "restored");
        drop(s);
        assert_eq!(
            names(tmp.path()),
            [".other.tmp-1", ".public.lock", "public"],
            "another output's folders stay"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn exchange_swaps_two_folders_in_one_step() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        std::fs::create_dir(&a).unwrap();
        std::fs::create_dir(&b).unwrap();
        std::fs::write(a.join("from-a"), "").unwrap();
        exchange(&a, &b).unwrap();
        assert!(b.join("from-a").exists() && !a.join("from-a").exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_second_build_waits_for_the_first() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        let first = Staging::new(&target).unwrap();
        let first_dir = first.path().to_path_buf();
        let (tx, rx) = std::sync::mpsc::channel();
        let t = target.clone();
        let waiter = std::thread::spawn(move || {
            let second = Staging::new(&t).unwrap();
            tx.send(()).unwrap();
            second.commit().unwrap();
        });
        std::thread::sleep(std::time::Duration::from_millis(200));
        assert!(rx.try_recv().is_err(), "the second build waits for the lock");
        assert!(first_dir.is_dir(), "and does not delete the first one's folder");
        std::fs::write(first.path().join("a.html"), "a").unwrap();
        first.commit().unwrap();
        waiter.join().unwrap();
        assert_eq!(names(tmp.path()), [".public.lock", "public"]);
    }

    #[test]
    fn builds_of_other_outputs_in_the_same_folder_do_not_wait() {
        let tmp = tempfile::tempdir().unwrap();
        let first = Staging::new(&tmp.path().join("a")).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let b = tmp.path().join("b");
        let other = std::thread::spawn(move || {
            Staging::new(&b).unwrap().commit().unwrap();
            tx.send(()).unwrap();
        });
        let done = rx.recv_timeout(std::time::Duration::from_secs(10));
        first.commit().unwrap();
        other.join().unwrap();
        assert!(done.is_ok(), "the build of b waited for the build of a");
    }
}
