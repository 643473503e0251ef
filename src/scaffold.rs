//! `punchline init`: a new site that builds at once.
//!
//! Input: an empty (or missing) folder. Output: site.yaml, roles.yaml, a few
//! example items and the default theme, written from copies compiled into
//! the binary (scaffold/ and themes/default/ in the source tree).

use crate::diagnostic::{Error, Result};
use crate::theme::{embedded_files, DEFAULT_THEME};
use include_dir::{include_dir, Dir};
use std::path::Path;

/// The starter site, compiled into the binary.
static STARTER: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/scaffold");

/// Creates a site in `dir`; refuses a folder that has files. Returns the
/// number of files written.
pub fn init(dir: &Path) -> Result<usize> {
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
    for (rel, bytes) in files.chain(theme) {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
        n += 1;
    }
    Ok(n)
}
