//! Output: render the site model into files.
//!
//! Input: `&Site`, the theme, and a [`Sink`] (a staging folder on disk, or
//! memory for the dev server). Output: every page, feed, sitemap, robots.txt,
//! search index and static file, plus a [`Manifest`] of what was written.
//! Invariants: only this module writes output; nothing is written outside
//! the sink's root; the public folder is replaced in one rename at the end
//! ([`Staging`]), so a failed build leaves the previous one untouched.

pub mod feeds;
pub mod images;
pub mod jobs;
pub mod search;
pub mod sitemap;
mod staging;

pub use jobs::Job;
pub use staging::Staging;

use crate::diagnostic::{Diagnostic, Error, Result};
use crate::site::Site;
use crate::theme::{views::SiteView, Theme};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Where output files go.
pub trait Sink: Sync {
    /// Writes `bytes` at `path` (relative, `/`-separated).
    fn write(&self, path: &str, bytes: &[u8]) -> std::io::Result<()>;
}

/// Writes into a folder.
pub struct DirSink {
    root: PathBuf,
}

impl DirSink {
    /// A sink writing under `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }
}

impl Sink for DirSink {
    fn write(&self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
        let full = self.root.join(checked_relative(path)?);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(full, bytes)
    }
}

/// Discards output, still refusing paths that would escape (used by
/// `check` and `theme check`, which render only to find errors).
pub struct NullSink;

impl Sink for NullSink {
    fn write(&self, path: &str, _: &[u8]) -> std::io::Result<()> {
        checked_relative(path).map(|_| ())
    }
}

/// Refuses paths that would land outside the output folder.
pub fn checked_relative(path: &str) -> std::io::Result<&Path> {
    let p = Path::new(path);
    let escapes = p.components().any(|c| !matches!(c, Component::Normal(_)));
    if escapes || path.is_empty() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("'{path}' would escape the output folder"),
        ));
    }
    Ok(p)
}

/// One written file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRecord {
    /// xxh3-128 of the bytes, hex.
    pub hash: String,
    /// Bytes.
    pub size: u64,
}

/// What a build wrote: the input of `deploy` (which uploads only what
/// changed) and of the dev server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Format version.
    pub version: u32,
    /// `live` or `preview`: a preview build is never deployed.
    pub mode: String,
    /// Output path -> hash and size.
    pub files: BTreeMap<String, FileRecord>,
}

/// The manifest's file name in the output folder.
pub const MANIFEST_FILE: &str = ".punchline-manifest.json";

/// A summary of a write.
#[derive(Debug, Clone, Default)]
pub struct Written {
    /// What was written.
    pub manifest: Manifest,
    /// HTML pages rendered.
    pub pages_rendered: usize,
    /// What is worth a look but wrote anyway (sitemap URLs over Baidu's
    /// limit).
    pub warnings: Vec<Diagnostic>,
}

fn record(bytes: &[u8]) -> FileRecord {
    FileRecord {
        hash: format!("{:032x}", xxhash_rust::xxh3::xxh3_128(bytes)),
        size: bytes.len() as u64,
    }
}

/// Reports progress of a long render (a terminal shows a counter).
pub trait Progress: Sync {
    /// `done` of `total` jobs finished.
    fn tick(&self, done: usize, total: usize);
}

/// No progress display.
pub struct Quiet;

impl Progress for Quiet {
    fn tick(&self, _: usize, _: usize) {}
}

/// Renders and writes the whole site. `root` is the site root (its
/// `static/` folder is copied as is). Template errors are collected and
/// returned together.
pub fn write_site(
    site: &Site,
    theme: &Theme,
    root: &Path,
    sink: &dyn Sink,
    progress: &dyn Progress,
) -> Result<Written> {
    let jobs = jobs::plan(site);
    let missing = jobs::check_templates(site, theme, &jobs);
    if !missing.is_empty() {
        return Err(Error::Diagnostics(missing));
    }
    let base = theme.base_context(&SiteView::new(site))?;
    let done = AtomicUsize::new(0);
    // Feeds, sitemap and search index need the model only, not the pages:
    // they are made and written beside the page rendering, not after it.
    // Their paths never end in .html, so they cannot collide with a page.
    let (results, site_wide) = rayon::join(
        || {
            jobs.par_iter()
                .map_init(
                    || base.clone(),
                    |ctx, job| {
                        let html = jobs::render_in(site, theme, ctx, job)?;
                        let path = job.output_path(site);
                        sink.write(&path, html.as_bytes()).map_err(|e| write_error(&path, e))?;
                        progress.tick(done.fetch_add(1, Ordering::Relaxed) + 1, jobs.len());
                        Ok((path, record(html.as_bytes())))
                    },
                )
                .collect::<Vec<std::result::Result<(String, FileRecord), Diagnostic>>>()
        },
        || write_site_wide(site, &jobs, sink),
    );
    let mut files = BTreeMap::new();
    let mut diags = Vec::new();
    for r in results {
        match r {
            Ok((path, rec)) => {
                files.insert(path, rec);
            }
            Err(d) => diags.push(d),
        }
    }
    if !diags.is_empty() {
        return Err(Error::Diagnostics(dedupe(diags)));
    }
    let pages_rendered = files.len();
    let (generated, warnings) = site_wide?;
    files.extend(generated);
    let mut put = |path: String, bytes: &[u8]| -> Result<()> {
        let (path, rec) = write_file(sink, path, bytes)?;
        files.insert(path, rec);
        Ok(())
    };
    for file in theme.statics.values() {
        put(file.output.clone(), &file.bytes)?;
    }
    for (path, bytes) in site.heroes.values().flat_map(|h| &h.variants) {
        put(path.clone(), bytes)?;
    }
    copy_site_static(root, &mut files, sink)?;
    let manifest = Manifest {
        version: 1,
        mode: if site.preview { "preview" } else { "live" }.into(),
        files,
    };
    Ok(Written {
        manifest,
        pages_rendered,
        warnings,
    })
}

/// Files written, with what the manifest records of each.
type Records = Vec<(String, FileRecord)>;

/// Makes and writes the files that come from the whole model: feeds,
/// sitemap (with its warnings), robots.txt and the search index. Each is
/// dropped once written, so they are never all in memory at once.
fn write_site_wide(site: &Site, jobs: &[Job], sink: &dyn Sink) -> Result<(Records, Vec<Diagnostic>)> {
    let mut written = Vec::new();
    for (path, xml) in feeds::all(site) {
        written.push(write_file(sink, path, xml.as_bytes())?);
    }
    let mut warnings = Vec::new();
    let entries = sitemap::entries(site, jobs, &mut warnings);
    for (path, xml) in sitemap::files(&site.config, &entries) {
        written.push(write_file(sink, path, &xml)?);
    }
    written.push(write_file(sink, "robots.txt".into(), sitemap::robots(site).as_bytes())?);
    if site.config.search {
        written.push(write_file(sink, "search-index.json".into(), &search::index(site))?);
    }
    Ok((written, warnings))
}

/// Writes one file into the sink; returns its path and what the manifest
/// records of it.
fn write_file(sink: &dyn Sink, path: String, bytes: &[u8]) -> Result<(String, FileRecord)> {
    sink.write(&path, bytes)
        .map_err(|e| Error::Diagnostics(vec![write_error(&path, e)]))?;
    Ok((path, record(bytes)))
}

/// Writes the manifest into the sink (last, after every file it lists).
pub fn write_manifest(sink: &dyn Sink, manifest: &Manifest) -> Result<()> {
    let json = serde_json::to_vec_pretty(manifest).expect("plain data always serializes");
    sink.write(MANIFEST_FILE, &json)
        .map_err(|e| Error::Diagnostics(vec![write_error(MANIFEST_FILE, e)]))
}

/// Copies `root/static/**` as is; generated files win over a static file of
/// the same path.
pub fn copy_site_static(root: &Path, files: &mut BTreeMap<String, FileRecord>, sink: &dyn Sink) -> Result<()> {
    let dir = root.join("static");
    if !dir.is_dir() {
        return Ok(());
    }
    let generated: HashSet<String> = files.keys().cloned().collect();
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            Error::io(
                &dir,
                e.into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("symlink loop")),
            )
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(&dir)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        if generated.contains(&rel) || rel.starts_with('.') {
            continue;
        }
        let bytes = std::fs::read(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
        sink.write(&rel, &bytes)
            .map_err(|e| Error::Diagnostics(vec![write_error(&rel, e)]))?;
        files.insert(rel, record(&bytes));
    }
    Ok(())
}

fn write_error(path: &str, e: std::io::Error) -> Diagnostic {
    Diagnostic::error("OUT001", path, format!("cannot write output file: {e}"))
        .help("check the slug and that the output folder is writable")
}

/// The same template error on a thousand pages is one problem: keep the
/// first of each (file, line, message prefix).
fn dedupe(mut diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    crate::diagnostic::sort(&mut diags);
    let mut seen = HashSet::new();
    diags.retain(|d| {
        let key = (
            d.path.clone(),
            d.line,
            d.message.split(" (while rendering").next().unwrap_or("").to_string(),
        );
        seen.insert(key)
    });
    diags
}
