//! Content: discover and parse the Markdown files under content/.
//!
//! Input: the site root and the team ([`Members`]). Output: [`Document`]s sorted by path
//! (so ids, and therefore output, are the same run to run), plus every
//! problem found, each at its file:line:col. No HTML and no templates here:
//! bodies stay Markdown text until the `markdown` stage.

pub mod aliases;
pub mod git;
pub mod meta;
pub mod people;
mod status;
pub mod terms;
pub mod url_fields;

pub use meta::Meta;
pub use people::Members;
pub use status::Status;

use crate::diagnostic::{did_you_mean, Diagnostic, Error, Result};
use crate::yaml::{self, ErrorKind, Reader};
use rayon::prelude::*;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// What a content file is, from the folder it lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// content/jokes/
    Joke,
    /// content/bulletins/
    Bulletin,
    /// content/pages/
    Page,
    /// content/specials/
    Special,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 4] = [Kind::Joke, Kind::Bulletin, Kind::Page, Kind::Special];

    /// The folder under content/ (also the URL section).
    pub fn section(self) -> &'static str {
        match self {
            Kind::Joke => "jokes",
            Kind::Bulletin => "bulletins",
            Kind::Page => "pages",
            Kind::Special => "specials",
        }
    }

    /// The kind whose folder is `s`.
    pub fn from_section(s: &str) -> Option<Kind> {
        Self::ALL.into_iter().find(|k| k.section() == s)
    }

    /// A human name, singular.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Joke => "joke",
            Kind::Bulletin => "bulletin",
            Kind::Page => "page",
            Kind::Special => "special",
        }
    }
}

/// A parsed content file.
#[derive(Debug, Clone)]
pub struct Document {
    /// Path from the site root, with `/` separators: `content/jokes/x.md`.
    pub path: PathBuf,
    /// Path from content/, the form `@/` links use: `jokes/x.md`.
    pub rel: String,
    /// Its kind.
    pub kind: Kind,
    /// Typed front matter.
    pub meta: Meta,
    /// The role the author writes as (given, or the member's first).
    pub role: String,
    /// The URL slug (given, or from the file name).
    pub slug: String,
    /// The language's code when it is not the site's default (empty: the
    /// default), worked out by `site::langs::assign` against site.yaml.
    pub lang: String,
    /// What links it to its translations: `translation_key:`, else its
    /// folder and file name without the language suffix (set with `lang`).
    pub translation_key: String,
    /// The Markdown body, exactly as in the file.
    pub body: String,
    /// The file line the body starts on (1-based).
    pub body_line: usize,
}

impl AsRef<Document> for Document {
    fn as_ref(&self) -> &Document {
        self
    }
}

/// Where a file's front matter and body are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    /// YAML text between the `---` lines.
    pub front: &'a str,
    /// Everything after the closing `---` line.
    pub body: &'a str,
    /// Byte offset of `front` in the file.
    pub front_start: usize,
    /// Byte offset of `body` in the file.
    pub body_start: usize,
    /// 1-based file line of the body's first line.
    pub body_line: usize,
}

/// Splits a file into front matter and body. The front matter is between a
/// first line `---` and the next line that is exactly `---`.
pub fn split(text: &str) -> std::result::Result<Split<'_>, &'static str> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[bom..];
    let first_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
    if rest[..first_end].trim_end() != "---" {
        return Err("the file does not start with a '---' line");
    }
    let front_start = bom + first_end;
    let mut pos = front_start;
    let mut line = 2;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        if text[pos..end].trim_end() == "---" {
            return Ok(Split {
                front: &text[front_start..pos],
                body: &text[end..],
                front_start,
                body_start: end,
                body_line: line + 1,
            });
        }
        pos = end;
        line += 1;
    }
    Err("the front matter has no closing '---' line")
}

/// Lowercases and turns runs of anything but letters and digits into `-`.
/// Letters of any script are kept (Chinese titles make Chinese slugs).
pub fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else {
            dash = true;
        }
    }
    out
}

/// The longest slug, in bytes: the longest folder name file systems allow.
pub const MAX_SLUG: usize = 255;

/// Whether a user-given slug is safe as one URL path segment.
pub fn is_safe_slug(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_')
}

/// Finds every `.md` file under `root/content`, sorted by path. Hidden files
/// and editor backups (`.x.md`, `x.md~`) are skipped.
///
/// Symbolic links are not followed as folders (a loop would never end). A
/// linked `.md` file is read when its target is inside the site folder; a
/// link (to a file or a folder) that leads outside it is an error at the
/// link's path, so a build never publishes a file from elsewhere on the disk.
pub fn discover(root: &Path) -> Result<Vec<PathBuf>> {
    let dir = root.join("content");
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let site = root.canonicalize().map_err(|e| Error::io(root, e))?;
    let mut files = Vec::new();
    let mut outside = Vec::new();
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(&dir).to_path_buf();
            Error::io(
                &path,
                e.into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("loop in symbolic links")),
            )
        })?;
        let name = entry.file_name().to_string_lossy();
        if name.starts_with('.') && entry.depth() > 0 {
            continue;
        }
        let rel = entry.path().strip_prefix(root).unwrap_or(entry.path()).to_path_buf();
        if entry.path_is_symlink() {
            match entry.path().canonicalize() {
                Ok(target) if target.starts_with(&site) => {
                    if target.is_file() && name.ends_with(".md") {
                        files.push(rel);
                    }
                }
                _ => outside.push(
                    Diagnostic::error("CNT002", &rel, "this symbolic link leads outside the site folder")
                        .help("copy the file into content/ instead of linking to it"),
                ),
            }
            continue;
        }
        if entry.file_type().is_file() && name.ends_with(".md") {
            files.push(rel);
        }
    }
    if !outside.is_empty() {
        return Err(Error::Diagnostics(outside));
    }
    Ok(files)
}

/// Refuses a folder whose files are copied to readers as they are
/// (`static/`, a theme's folders) when it, or a folder on the way to it
/// from `root`, is a symbolic link: `static -> /etc` or `static -> .` would
/// publish whatever the link leads to. `rel` is from `root`; a folder that
/// does not exist passes (there is nothing to copy).
pub fn check_real_folder(root: &Path, rel: &Path) -> std::result::Result<(), Diagnostic> {
    let mut at = PathBuf::new();
    for part in rel.components() {
        at.push(part);
        if std::fs::symlink_metadata(root.join(&at)).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Diagnostic::error(
                "FS001",
                &at,
                "this folder is a symbolic link; files under it are not published",
            )
            .help("replace the link with a real folder holding the files (a link could publish files from anywhere on the disk)"));
        }
    }
    Ok(())
}

/// The largest content file read, in bytes: far more than any joke or
/// bulletin, small enough that a stray huge file is refused, not loaded.
pub const MAX_FILE_BYTES: u64 = 16 << 20;
/// The largest front matter, in bytes.
pub const MAX_FRONT_MATTER_BYTES: usize = 1 << 20;

/// Why a content file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// The file does not exist (the dev server treats that as a deletion).
    pub not_found: bool,
    /// The problem, for the user.
    pub diagnostic: Box<Diagnostic>,
}

/// Reads the content file `rel` (a path from `root`) as UTF-8 text: the one
/// way every command reads a content file. A file over [`MAX_FILE_BYTES`]
/// is refused without being read whole; text that is not UTF-8 is reported
/// at the line and column of its first bad byte.
pub fn read_source(root: &Path, rel: &Path) -> std::result::Result<String, ReadError> {
    let file = std::fs::File::open(root.join(rel)).map_err(|e| io_error(rel, e))?;
    read_open(&file, rel)
}

/// IO001 for a file that cannot be opened or read.
fn io_error(rel: &Path, e: std::io::Error) -> ReadError {
    ReadError {
        not_found: e.kind() == std::io::ErrorKind::NotFound,
        diagnostic: Box::new(
            Diagnostic::error("IO001", rel, format!("cannot read the file: {e}")).help("check the file is readable"),
        ),
    }
}

/// Reads an already open content file (a workflow command reads the file
/// it holds locked) under the same rules as [`read_source`].
pub fn read_open(mut file: &std::fs::File, rel: &Path) -> std::result::Result<String, ReadError> {
    use std::io::Read;
    let fail = |not_found: bool, d: Diagnostic| ReadError {
        not_found,
        diagnostic: Box::new(d),
    };
    let io = |e: std::io::Error| io_error(rel, e);
    let too_big = |size: u64| {
        let d = Diagnostic::error(
            "IO002",
            rel,
            format!(
                "the file is {} MiB, over the {} MiB a content file may have",
                size.div_ceil(1 << 20),
                MAX_FILE_BYTES >> 20
            ),
        )
        .help("split it into several items, or move large media out of content/");
        fail(false, d)
    };
    let size = file.metadata().map_err(io)?.len();
    if size > MAX_FILE_BYTES {
        return Err(too_big(size));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // The size can change between the check and the read: read no more.
    (&mut file)
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big(bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let good = std::str::from_utf8(good).expect("valid up to here");
        let line = good.matches('\n').count() + 1;
        let col = good.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        let byte = e.as_bytes()[good.len()];
        let d = Diagnostic::error(
            "IO001",
            rel,
            format!("the file is not UTF-8 text: byte 0x{byte:02X} here"),
        )
        .at(line, col)
        .help("save the file as UTF-8 in your editor");
        fail(false, d)
    })
}

/// Loads every content file: discover, then read and parse in parallel.
/// Returns the documents that parsed (sorted by path) and all diagnostics.
pub fn load(root: &Path, roles: &(impl Members + Sync)) -> Result<(Vec<Document>, Vec<Diagnostic>)> {
    let timer = crate::clock::StageTimer::start();
    let files = discover(root)?;
    timer.lap(&format!("discover {} files", files.len()));
    let results: Vec<(Option<Document>, Vec<Diagnostic>)> = files
        .par_iter()
        .map(|rel| match read_source(root, rel) {
            Ok(text) => parse_document(rel, &text, roles),
            Err(e) => (None, vec![*e.diagnostic]),
        })
        .collect();
    let mut docs = Vec::with_capacity(results.len());
    let mut diags = Vec::new();
    for (doc, mut d) in results {
        docs.extend(doc);
        diags.append(&mut d);
    }
    Ok((docs, diags))
}

/// Parses one file's text. `rel` is its path from the site root.
pub fn parse_document(rel: &Path, text: &str, roles: &impl Members) -> (Option<Document>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    if terms::is_term_path(rel) {
        // A tag's or category's own file, read by `terms::load`.
        return (None, diags);
    }
    let rel_str = rel.to_string_lossy().replace('\\', "/");
    let in_content = rel_str.strip_prefix("content/").unwrap_or(&rel_str).to_string();
    let section = in_content.split('/').next().unwrap_or("");
    let Some(kind) = Kind::from_section(section).filter(|_| in_content.contains('/')) else {
        let help = match did_you_mean(section, Kind::ALL.map(Kind::section)) {
            Some(s) => format!("did you mean content/{s}/?"),
            None => "move it into content/jokes/, content/bulletins/, content/pages/ or content/specials/".into(),
        };
        diags.push(Diagnostic::error("CNT001", rel, "content file outside the known sections").help(help));
        return (None, diags);
    };
    let sp = match split(text) {
        Ok(sp) => sp,
        Err(msg) => {
            diags.push(
                Diagnostic::error("FM001", rel, msg)
                    .at(1, 1)
                    .help("start the file with front matter between two '---' lines"),
            );
            return (None, diags);
        }
    };
    if sp.front.len() > MAX_FRONT_MATTER_BYTES {
        diags.push(
            Diagnostic::error(
                "FM009",
                rel,
                format!(
                    "the front matter is {} KiB, over the {} KiB it may have",
                    sp.front.len().div_ceil(1024),
                    MAX_FRONT_MATTER_BYTES / 1024
                ),
            )
            .at(1, 1)
            .help("keep long text in the body, below the closing '---'"),
        );
        return (None, diags);
    }
    let front = strip_forbidden(rel, sp.front, &mut diags);
    let parsed = match yaml::parse_checked(&front) {
        Ok(p) => p,
        Err(e) => {
            let line = if e.line > 0 { e.line + 1 } else { 0 };
            let (code, msg) = match e.kind {
                ErrorKind::Syntax => ("FM002", format!("invalid YAML in front matter: {}", e.message)),
                ErrorKind::Aliases => ("FM006", e.message),
                ErrorKind::Depth => ("FM007", e.message),
                ErrorKind::Keys | ErrorKind::Nodes => ("FM008", e.message),
            };
            diags.push(Diagnostic::error(code, rel, msg).at(line, e.col).help(e.kind.help()));
            return (None, diags);
        }
    };
    for (line, col) in parsed.stripped {
        diags.push(stripped_warning(rel, line + 1, col));
    }
    let node = parsed.node;
    let mut r = Reader {
        path: rel,
        line_offset: 1,
        diags: &mut diags,
    };
    let Some(meta) = meta::read(&mut r, &node, kind) else {
        return (None, diags);
    };
    let meta = url_fields::check(&mut r, &node, meta);
    // The people checks are a pass over the parsed front matter, against
    // whatever roles.yaml the caller holds.
    let role = people::check(rel, &meta, roles, &mut diags);
    let slug = match &meta.slug {
        // The slug names the item's output folder: file systems refuse
        // longer names, so say so at the slug rather than when writing.
        Some(s) if s.len() > MAX_SLUG => {
            let (l, c) = meta.pos("slug");
            diags.push(
                Diagnostic::error(
                    "SLG002",
                    rel,
                    format!("slug is {} bytes, over the {MAX_SLUG} a folder name may have", s.len()),
                )
                .at(l, c)
                .help("shorten the slug; a few words are best for readers and search engines"),
            );
            return (None, diags);
        }
        Some(s) if is_safe_slug(s) => s.clone(),
        Some(s) => {
            let (l, c) = meta.pos("slug");
            diags.push(
                Diagnostic::error("SLG001", rel, format!("slug '{s}' is not a single URL segment"))
                    .at(l, c)
                    .help(format!("use letters, digits and '-' only, e.g. '{}'", slugify(s))),
            );
            return (None, diags);
        }
        None => {
            let stem = rel
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let s = slugify(&stem);
            if s.is_empty() {
                diags.push(
                    Diagnostic::error("SLG001", rel, "the file name gives an empty slug")
                        .help("add 'slug: some-words' to the front matter"),
                );
                return (None, diags);
            }
            s
        }
    };
    let doc = Document {
        path: PathBuf::from(&rel_str),
        rel: in_content,
        kind,
        role,
        slug,
        lang: String::new(),
        translation_key: String::new(),
        body: sp.body.to_string(),
        body_line: sp.body_line,
        meta,
    };
    (Some(doc), diags)
}

/// The warning for text from which forbidden characters were removed.
fn stripped_warning(rel: &Path, line: usize, col: usize) -> Diagnostic {
    Diagnostic::warning(
        "FM011",
        rel,
        "control characters (or U+FFFE, U+FFFF) were removed from this text",
    )
    .at(line, col)
    .help("delete them: pages, feeds and sitemaps cannot carry them")
}

/// The front matter without characters that YAML refuses and no page, feed
/// or sitemap may carry ([`yaml::is_forbidden`]), with a warning at each.
/// Borrowed when there are none (nearly always).
fn strip_forbidden<'a>(rel: &Path, front: &'a str, diags: &mut Vec<Diagnostic>) -> std::borrow::Cow<'a, str> {
    if !front.contains(yaml::is_forbidden) {
        return front.into();
    }
    for (i, line) in front.lines().enumerate() {
        for (col, _) in line.chars().enumerate().filter(|(_, c)| yaml::is_forbidden(*c)) {
            diags.push(stripped_warning(rel, i + 2, col + 1));
        }
    }
    front.replace(yaml::is_forbidden, "").into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::roles::Roles;

    #[test]
    fn split_finds_front_matter_and_body_line() {
        let sp = split("---\ntitle: x\n---\nHello\n").unwrap();
        assert_eq!(sp.front, "title: x\n");
        assert_eq!(sp.body, "Hello\n");
        assert_eq!(sp.body_line, 4);
        let crlf = split("---\r\ntitle: x\r\n---\r\nHi").unwrap();
        assert_eq!(crlf.body, "Hi");
        assert!(split("title: x\n").is_err());
        assert!(split("---\ntitle: x\n").is_err());
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("Why did the Chicken cross?"), "why-did-the-chicken-cross");
        assert_eq!(slugify("dad jokes"), "dad-jokes");
        assert_eq!(slugify("数学 笑话"), "数学-笑话");
        assert!(is_safe_slug("a-b_c1"));
        assert!(!is_safe_slug("../etc"));
        assert!(!is_safe_slug("a/b"));
        assert!(!is_safe_slug(""));
    }

    fn roles() -> Roles {
        let mut d = Vec::new();
        Roles::parse(
            "members:\n  alice: {email: a@x, roles: [copywriter, editor]}\n",
            Path::new("roles.yaml"),
            &mut d,
        )
    }

    #[test]
    fn parses_a_joke_and_defaults_role_and_slug() {
        let (doc, d) = parse_document(
            Path::new("content/jokes/Chicken Road.md"),
            "---\ntitle: Chicken\ndate: 2026-11-20\nauthor: alice\nstatus: published\n---\nWhy?\n",
            &roles(),
        );
        assert!(d.is_empty(), "{d:?}");
        let doc = doc.unwrap();
        assert_eq!(doc.kind, Kind::Joke);
        assert_eq!(doc.slug, "chicken-road");
        assert_eq!(doc.role, "copywriter");
        assert_eq!(doc.rel, "jokes/Chicken Road.md");
        assert_eq!(doc.body, "Why?\n");
        assert_eq!(doc.body_line, 7);
    }

    #[test]
    fn reports_every_problem_at_its_line() {
        let (_, d) = parse_document(
            Path::new("content/jokes/x.md"),
            "---\ntitle: X\ndate: 2026-11-20\nauthor: alicia\nrole: manager\nreviwer: bob\nstatus: publishd\n---\n",
            &roles(),
        );
        let text: Vec<String> = d.iter().map(|d| d.to_string()).collect();
        assert!(
            text.iter().any(
                |t| t.starts_with("content/jokes/x.md:6:1: error[FM003]: unknown field 'reviwer'")
                    && t.contains("did you mean 'review'?")
            ),
            "{text:#?}"
        );
        assert!(
            text.iter()
                .any(|t| t.starts_with("content/jokes/x.md:7:") && t.contains("did you mean 'published'?")),
            "{text:#?}"
        );
        assert!(
            text.iter().any(
                |t| t.starts_with("content/jokes/x.md:4:1: error[ROL004]: author 'alicia'")
                    && t.contains("did you mean 'alice'?")
            ),
            "{text:#?}"
        );
    }

    #[test]
    fn yaml_errors_point_into_the_file() {
        let (doc, d) = parse_document(
            Path::new("content/jokes/x.md"),
            "---\ntitle: X\ntags: [a, b\n---\n",
            &roles(),
        );
        assert!(doc.is_none());
        assert_eq!(d[0].code, "FM002");
        assert!(d[0].line >= 3, "{:?}", d[0]);
    }

    #[test]
    fn files_outside_sections_are_errors() {
        let (doc, d) = parse_document(Path::new("content/joke/x.md"), "---\n---\n", &roles());
        assert!(doc.is_none());
        assert!(d[0].to_string().contains("did you mean content/jokes/?"), "{:?}", d[0]);
    }
}
