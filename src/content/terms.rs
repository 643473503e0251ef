//! Term files: a tag's or category's own title, description and intro,
//! in `content/tags/<slug>.md` and `content/categories/<slug>.md`.
//!
//! Input: the site root. Output: one [`TermFile`] per readable file (front
//! matter with optional `title` and `description`, and the Markdown body
//! as the intro), and the problems found, each at its file and line. The
//! file's name is the term's slug; which term it belongs to, and whether
//! that term exists, is decided by the site model (`site::terms`). These
//! files are not content items: no author, no date, no status.

use super::{read_source, split};
use crate::diagnostic::Diagnostic;
use crate::yaml::{self, Node};
use std::path::{Path, PathBuf};

/// The folders under content/ that hold term files, one per taxonomy.
pub const FOLDERS: [&str; 2] = ["tags", "categories"];

/// Front-matter keys a term file may have.
const FIELDS: &[&str] = &["title", "description"];

/// One term file, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermFile {
    /// Path from the site root, e.g. `content/tags/winter.md`.
    pub path: PathBuf,
    /// `tags` or `categories`.
    pub folder: &'static str,
    /// The file name without `.md`: the term's slug.
    pub slug: String,
    /// `title:`, if given.
    pub title: Option<String>,
    /// `description:`, trimmed, if given.
    pub description: Option<String>,
    /// The line of `description:` (else of the opening `---`).
    pub description_line: usize,
    /// The body (Markdown), the term page's intro.
    pub body: String,
    /// The file line the body starts on.
    pub body_line: usize,
}

/// Whether `rel` (from the site root) is a term file's place.
pub fn is_term_path(rel: &Path) -> bool {
    let mut parts = rel.iter().map(|p| p.to_string_lossy());
    parts.next().is_some_and(|c| c == "content")
        && parts.next().is_some_and(|f| FOLDERS.contains(&f.as_ref()))
        && parts.next().is_some_and(|n| n.ends_with(".md"))
        && parts.next().is_none()
}

/// Reads every term file under `root`. Files in sub-folders are not term
/// files (content discovery reports them).
pub fn load(root: &Path) -> (Vec<TermFile>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut diags = Vec::new();
    for folder in FOLDERS {
        let Ok(entries) = std::fs::read_dir(root.join("content").join(folder)) else {
            continue;
        };
        let mut names: Vec<String> = entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".md") && !n.starts_with('.'))
            .collect();
        names.sort();
        for name in names {
            let rel = PathBuf::from("content").join(folder).join(&name);
            match read_source(root, &rel) {
                Ok(text) => files.extend(parse(&rel, folder, &text, &mut diags)),
                Err(e) => diags.push(*e.diagnostic),
            }
        }
    }
    (files, diags)
}

/// Parses one term file's text.
pub fn parse(rel: &Path, folder: &'static str, text: &str, diags: &mut Vec<Diagnostic>) -> Option<TermFile> {
    let sp = match split(text) {
        Ok(sp) => sp,
        Err(msg) => {
            diags.push(
                Diagnostic::error("FM001", rel, msg)
                    .at(1, 1)
                    .help("start the file with front matter between two '---' lines: title: and description:"),
            );
            return None;
        }
    };
    let node = match yaml::parse_checked(sp.front) {
        Ok(p) => p.node,
        Err(e) => {
            let line = if e.line > 0 { e.line + 1 } else { 0 };
            let msg = format!("invalid YAML in front matter: {}", e.message);
            diags.push(Diagnostic::error("FM002", rel, msg).at(line, e.col).help(e.kind.help()));
            return None;
        }
    };
    let map = match node.as_map() {
        Some(m) => m,
        None if matches!(node.value, yaml::Value::Null) => &[],
        None => {
            diags.push(
                Diagnostic::error("FM002", rel, "front matter must be 'key: value' lines")
                    .at(node.line + 1, node.col)
                    .help("write title: and description: lines"),
            );
            return None;
        }
    };
    for (k, _) in map.iter().filter(|(k, _)| !FIELDS.contains(&k.name.as_str())) {
        diags.push(
            Diagnostic::error("FM003", rel, format!("unknown field '{}' in a term file", k.name))
                .at(k.line + 1, k.col)
                .help("a term file has only title: and description: (and the intro below the front matter)"),
        );
    }
    let text_of = |key: &str, diags: &mut Vec<Diagnostic>| -> Option<String> {
        let n: &Node = node.get(key)?;
        match n.as_str() {
            Some(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            _ => {
                diags.push(
                    Diagnostic::error("FM005", rel, format!("'{key}' must be text"))
                        .at(n.line + 1, n.col)
                        .help(format!("write '{key}: ...' with the words to show")),
                );
                None
            }
        }
    };
    let title = text_of("title", diags);
    let description = text_of("description", diags);
    let slug = rel
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Some(TermFile {
        path: rel.to_path_buf(),
        folder,
        slug,
        title,
        description,
        description_line: node.key("description").map_or(1, |k| k.line + 1),
        body: sp.body.to_string(),
        body_line: text[..sp.body_start].matches('\n').count() + 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_title_description_and_intro_at_their_lines() {
        let mut d = Vec::new();
        let rel = Path::new("content/tags/winter.md");
        let f = parse(
            rel,
            "tags",
            "---\ntitle: Winter jokes\ndescription: \" Cold. \"\n---\nBrr.\n",
            &mut d,
        )
        .unwrap();
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(f.slug, "winter");
        assert_eq!(f.title.as_deref(), Some("Winter jokes"));
        assert_eq!(f.description.as_deref(), Some("Cold."));
        assert_eq!(f.description_line, 3);
        assert_eq!((f.body.as_str(), f.body_line), ("Brr.\n", 5));
    }

    #[test]
    fn unknown_fields_and_missing_front_matter_are_errors_at_their_lines() {
        let mut d = Vec::new();
        let rel = Path::new("content/tags/winter.md");
        assert!(parse(rel, "tags", "---\nauthor: alice\n---\n", &mut d).is_some());
        assert_eq!((d[0].code, d[0].line), ("FM003", 2));
        let mut d = Vec::new();
        assert!(parse(rel, "tags", "Just text\n", &mut d).is_none());
        assert_eq!(d[0].code, "FM001");
        assert!(is_term_path(rel));
        assert!(!is_term_path(Path::new("content/tags/deep/x.md")));
        assert!(!is_term_path(Path::new("content/jokes/x.md")));
    }
}
