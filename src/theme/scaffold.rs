//! Theme scaffolding: a new theme to start from.
//!
//! Input: the site root, a name and the theme to extend (if any). Output:
//! new files under themes/NAME, nothing else; an existing folder is
//! refused. (Checking a theme against a site renders pages, so it lives
//! with the other checks in `crate::check`, above the output stage.)

use super::{embedded_files, DEFAULT_THEME};
use crate::diagnostic::{Error, Result};
use std::path::{Path, PathBuf};

/// Creates `themes/<name>`: with `extends`, a child theme (theme.yaml and
/// empty templates/ and static/ to override into); without, a full copy of
/// the default theme to change freely. Refuses an existing folder.
pub fn new_theme(root: &Path, name: &str, extends: Option<&str>) -> Result<Vec<PathBuf>> {
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(Error::Usage(format!(
            "'{name}' is not a theme name: use letters, digits, '-' and '_'"
        )));
    }
    let dir = root.join("themes").join(name);
    if dir.exists() {
        return Err(Error::Usage(format!(
            "{} already exists; nothing was written",
            dir.display()
        )));
    }
    if let Some(parent) = extends {
        if parent != "default" && !root.join("themes").join(parent).is_dir() {
            return Err(Error::Usage(format!(
                "there is no theme '{parent}' to extend (themes/{parent}/)"
            )));
        }
    }
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    match extends {
        Some(parent) => {
            let yaml = format!(
                "# A child theme: every file here replaces the file of the same path in '{parent}'.\n\
                 # Copy a template from the parent into templates/ and change it; add CSS in static/.\n\
                 name: {name}\nextends: {parent}\ndescription: \"\"\n"
            );
            files.push(("theme.yaml".into(), yaml.into_bytes()));
            files.push(("templates/.keep".into(), Vec::new()));
            files.push(("static/.keep".into(), Vec::new()));
        }
        None => {
            for f in embedded_files(&DEFAULT_THEME) {
                let bytes = if f.path() == Path::new("theme.yaml") {
                    format!("name: {name}\ndescription: A copy of the default theme.\n").into_bytes()
                } else {
                    f.contents().to_vec()
                };
                files.push((f.path().to_path_buf(), bytes));
            }
        }
    }
    let mut written = Vec::new();
    for (rel, bytes) in files {
        let path = dir.join(&rel);
        std::fs::create_dir_all(path.parent().expect("inside the theme folder")).map_err(|e| Error::io(&path, e))?;
        std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
        written.push(path.strip_prefix(root).unwrap_or(&path).to_path_buf());
    }
    Ok(written)
}
