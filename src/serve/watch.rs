//! File events -> [`Changes`]: what kind of thing changed decides what the
//! engine redoes.

use super::engine::Changes;
use std::path::Path;

/// Adds the change at `rel` (a path relative to the site root) to `changes`.
/// Editor droppings (`.x.swp`, `x~`, `.#x`, `4913`) and the output folder
/// are ignored.
pub fn classify(rel: &Path, changes: &mut Changes) {
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
        || name == "4913"
    {
        return;
    }
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    match parts.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["site.yaml"] | ["roles.yaml"] => changes.config = true,
        ["content", .., _] if name.ends_with(".md") => {
            changes.content.insert(rel.to_path_buf());
        }
        ["content", ..] if !name.contains('.') => {
            changes.content_dirs.insert(rel.to_path_buf());
        }
        ["themes", _, "templates", ..] | ["themes", _, "theme.yaml"] => changes.templates = true,
        ["themes", _, "static", ..] => changes.theme_static = true,
        ["static", ..] => changes.site_static = true,
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(paths: &[&str]) -> Changes {
        let mut c = Changes::default();
        for p in paths {
            classify(Path::new(p), &mut c);
        }
        c
    }

    #[test]
    fn sorts_changes_by_kind() {
        let c = of(&[
            "content/jokes/a.md",
            "content/jokes/.a.md.swp",
            "content/jokes/a.md~",
            "public/index.html",
        ]);
        assert_eq!(c.content.len(), 1);
        assert!(!c.templates && !c.config);
        assert!(of(&["themes/default/templates/base.html"]).templates);
        assert!(of(&["themes/brand/theme.yaml"]).templates);
        assert!(of(&["themes/default/static/css/site.css"]).theme_static);
        assert!(of(&["static/images/a.png"]).site_static);
        assert!(of(&["site.yaml"]).config);
        assert!(of(&["roles.yaml"]).config);
        assert!(of(&["README.md", "content/jokes/notes.txt", "target/x"]).is_empty());
        assert_eq!(
            of(&["content/bulletins"]).content_dirs.len(),
            1,
            "a new folder is rescanned"
        );
    }
}
