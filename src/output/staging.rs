//! Atomic replacement of the output folder.
//!
//! A build writes into a fresh folder next to the target (same file system,
//! so the final rename is atomic) and swaps it in only when everything
//! succeeded. Dropping a [`Staging`] without [`Staging::commit`] deletes the
//! half-written folder and leaves the previous output as it was.

use crate::diagnostic::{Error, Result};
use std::path::{Path, PathBuf};

/// A folder being filled, to become `target` on commit.
pub struct Staging {
    target: PathBuf,
    dir: tempfile::TempDir,
}

impl Staging {
    /// Creates the staging folder beside `target`.
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
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
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
        })
    }

    /// The folder to write into.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Swaps the staged folder in: old output aside, new one in place, old
    /// one deleted.
    pub fn commit(self) -> Result<()> {
        let staged = self.dir.keep();
        let old = if self.target.exists() {
            let aside = staged.with_file_name(format!(
                ".{}.old-{}",
                self.target
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                std::process::id()
            ));
            let _ = std::fs::remove_dir_all(&aside);
            std::fs::rename(&self.target, &aside).map_err(|e| Error::io(&self.target, e))?;
            Some(aside)
        } else {
            None
        };
        if let Err(e) = std::fs::rename(&staged, &self.target) {
            if let Some(old) = &old {
                let _ = std::fs::rename(old, &self.target);
            }
            let _ = std::fs::remove_dir_all(&staged);
            return Err(Error::io(&self.target, e));
        }
        if let Some(old) = old {
            let _ = std::fs::remove_dir_all(old);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1, "and no leftovers");

        let s = Staging::new(&target).unwrap();
        std::fs::write(s.path().join("new.html"), "new").unwrap();
        s.commit().unwrap();
        assert!(target.join("new.html").exists());
        assert!(!target.join("old.html").exists());
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1, "old output removed");
    }
}
