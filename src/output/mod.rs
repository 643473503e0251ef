//! Output: render the site model into files.
//!
//! Input: `&Site`, the theme, a [`Sink`] (a staging folder on disk, or
//! memory for the dev server) and what the previous build produced (its
//! [`OutputCache`] and [`Manifest`]; empty for a full build). Output: every
//! page, feed, sitemap, robots.txt, search index and static file, plus a
//! [`Manifest`] of all of them. Only jobs whose key changed are rendered,
//! and only files whose bytes differ from the previous manifest's reach the
//! sink. This is the one place that assembles the site's files: `build`
//! and the dev server both call [`write_site`].
//! Invariants: only this module writes output; nothing is written outside
//! the sink's root; the public folder is replaced in one step at the end
//! ([`Staging`]), so a failed build leaves the previous one untouched.

pub mod cache;
pub mod feeds;
pub mod images;
pub mod jobs;
pub mod search;
pub mod sitemap;
mod staging;

pub use cache::OutputCache;
pub use jobs::Job;
pub use staging::Staging;

use crate::diagnostic::{Diagnostic, Error, Result};
use crate::site::Site;
use crate::theme::{views::SiteView, Theme};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

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
    /// Pages: the content file that produced it (none for generated
    /// pages). Kept by deploy, so a URL that vanishes can be traced to it.
    /// Absent in manifests of older builds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Redirect pages (aliases): the site path they send visitors to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect: Option<String>,
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
    /// The paths handed to the sink (new or changed bytes), sorted.
    pub written: Vec<String>,
    /// The keys of this build, for the next one.
    pub cache: OutputCache,
}

pub(crate) fn record(bytes: &[u8]) -> FileRecord {
    FileRecord {
        hash: format!("{:032x}", xxhash_rust::xxh3::xxh3_128(bytes)),
        size: bytes.len() as u64,
        source: None,
        redirect: None,
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

/// What the previous build produced: [`write_site`] renders only jobs
/// whose key changed and writes only bytes that differ.
#[derive(Clone, Copy, Default)]
pub struct Previous<'a> {
    /// Its job keys (`None`: no keys are even computed, as for `check`).
    pub cache: Option<&'a OutputCache>,
    /// Its manifest (empty for a full build).
    pub manifest: Option<&'a Manifest>,
}

/// A sink that passes on only bytes the previous manifest does not have at
/// that path, and records what it passed on.
struct Changed<'a> {
    sink: &'a dyn Sink,
    prev: Option<&'a Manifest>,
    written: Mutex<Vec<String>>,
}

impl Changed<'_> {
    fn put(&self, path: &str, bytes: &[u8]) -> std::result::Result<FileRecord, Diagnostic> {
        let rec = record(bytes);
        let same = |p: &FileRecord| p.hash == rec.hash && p.size == rec.size;
        if !self.prev.and_then(|m| m.files.get(path)).is_some_and(same) {
            self.sink.write(path, bytes).map_err(|e| write_error(path, e))?;
            self.written
                .lock()
                .expect("no panics while holding it")
                .push(path.to_string());
        }
        Ok(rec)
    }
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
    prev: Previous,
) -> Result<Written> {
    let jobs = jobs::plan(site, theme);
    let mut missing = jobs::check_templates(site, theme, &jobs);
    missing.extend(jobs::check_aliases(site, &jobs));
    if !missing.is_empty() {
        return Err(Error::Diagnostics(missing));
    }
    let base = theme.base_context(&SiteView::new(site))?;
    let keyed = prev.cache.is_some();
    let versions: Vec<u64> = if keyed {
        site.pages.par_iter().map(|p| cache::page_version(p)).collect()
    } else {
        Vec::new()
    };
    let sitewide = if keyed { cache::sitewide(&base, theme, site) } else { 0 };
    let out = Changed {
        sink,
        prev: prev.manifest,
        written: Mutex::new(Vec::new()),
    };
    let done = AtomicUsize::new(0);
    // (path, record, key, whether it was rendered now)
    type Out = std::result::Result<(String, FileRecord, u64, bool), Diagnostic>;
    // Feeds, sitemap and search index need the model only, not the pages:
    // they are made and written beside the page rendering, not after it.
    // Their paths never end in .html, so they cannot collide with a page.
    let (results, site_wide) = rayon::join(
        || {
            jobs.par_iter()
                .map_init(
                    // Copied only by a worker that renders something: after
                    // an edit, most workers render nothing.
                    || None,
                    |ctx: &mut Option<tera::Context>, job| -> Out {
                        let path = job.output_path(site);
                        let key = if keyed {
                            cache::job_key(site, theme, &versions, sitewide, job)
                        } else {
                            0
                        };
                        let old = prev.cache.and_then(|c| c.keys.get(&path));
                        let old_rec = prev.manifest.and_then(|m| m.files.get(&path));
                        progress.tick(done.fetch_add(1, Ordering::Relaxed) + 1, jobs.len());
                        let traced = |mut rec: FileRecord| {
                            rec.source = job.source(site);
                            rec.redirect = job.redirect_to(site).map(str::to_string);
                            rec
                        };
                        if let (true, Some(&k), Some(rec)) = (keyed, old, old_rec) {
                            if k == key {
                                return Ok((path, traced(rec.clone()), key, false));
                            }
                        }
                        let ctx = ctx.get_or_insert_with(|| base.clone());
                        let html = jobs::render_in(site, theme, ctx, job)?;
                        let rec = out.put(&path, html.as_bytes())?;
                        Ok((path, traced(rec), key, true))
                    },
                )
                .collect::<Vec<Out>>()
        },
        || write_site_wide(site, root, &jobs, &out, prev.cache, &versions),
    );
    let mut files = BTreeMap::new();
    let mut cache = OutputCache::default();
    let mut diags = Vec::new();
    let mut pages_rendered = 0;
    for r in results {
        match r {
            Ok((path, rec, key, fresh)) => {
                pages_rendered += usize::from(fresh);
                if keyed {
                    cache.keys.insert(path.clone(), key);
                }
                files.insert(path, rec);
            }
            Err(d) => diags.push(d),
        }
    }
    if !diags.is_empty() {
        return Err(Error::Diagnostics(dedupe(diags)));
    }
    let (generated, warnings, search) = site_wide?;
    files.extend(generated);
    cache.search = search;
    let one = |e: Diagnostic| Error::Diagnostics(vec![e]);
    for file in theme.statics.values() {
        files.insert(file.output.clone(), out.put(&file.output, &file.bytes).map_err(one)?);
    }
    for (path, bytes) in site.heroes.values().flat_map(|h| &h.variants) {
        files.insert(path.clone(), out.put(path, bytes).map_err(one)?);
    }
    copy_site_static(root, &mut files, &out)?;
    let manifest = Manifest {
        version: 1,
        mode: if site.preview { "preview" } else { "live" }.into(),
        files,
    };
    let mut written = out.written.into_inner().expect("no panics while holding it");
    written.sort();
    Ok(Written {
        manifest,
        pages_rendered,
        warnings,
        written,
        cache,
    })
}

/// Files written, with what the manifest records of each.
type Records = Vec<(String, FileRecord)>;

/// Search index entries by page URL, with the page version each was made from.
type SearchEntries = HashMap<String, (u64, Arc<str>), rustc_hash::FxBuildHasher>;

/// Makes and writes the files that come from the whole model: feeds,
/// sitemap (with its warnings), robots.txt and the search index. Each is
/// dropped once written, so they are never all in memory at once. Search
/// entries of pages whose version did not change are taken from `prev`.
fn write_site_wide(
    site: &Site,
    root: &Path,
    jobs: &[Job],
    out: &Changed,
    prev: Option<&OutputCache>,
    versions: &[u64],
) -> Result<(Records, Vec<Diagnostic>, SearchEntries)> {
    let mut written = Vec::new();
    let mut put = |path: String, bytes: &[u8]| -> Result<()> {
        let rec = out.put(&path, bytes).map_err(|e| Error::Diagnostics(vec![e]))?;
        written.push((path, rec));
        Ok(())
    };
    for (path, xml) in feeds::all(site) {
        put(path, xml.as_bytes())?;
    }
    let mut warnings = Vec::new();
    let entries = sitemap::entries(site, jobs, &mut warnings);
    for (path, xml) in sitemap::files(&site.config, &entries) {
        put(path, &xml)?;
    }
    put("robots.txt".into(), sitemap::robots(site).as_bytes())?;
    if let Some(text) = redirects_file(site, root, jobs) {
        put(REDIRECTS_FILE.into(), text.as_bytes())?;
    }
    let mut cached = SearchEntries::default();
    if site.config.search {
        let index = match prev {
            // Keyed builds keep each entry with the version it was made from.
            Some(prev) => {
                let entries: Vec<Arc<str>> = search::listed(site)
                    .map(|id| {
                        let url = &site.pages[id].url;
                        let json = match prev.search.get(url) {
                            Some((v, json)) if *v == versions[id] => json.clone(),
                            _ => search::entry(site, id).into(),
                        };
                        cached.insert(url.clone(), (versions[id], json.clone()));
                        json
                    })
                    .collect();
                search::assemble(entries.iter().map(|e| &**e))
            }
            None => search::index(site),
        };
        put("search-index.json".into(), &index)?;
    }
    Ok((written, warnings, cached))
}

/// The redirect rules file Netlify and Cloudflare Pages read.
pub const REDIRECTS_FILE: &str = "_redirects";

/// The `_redirects` file: one `/old/ /new/ 301` line per alias, after the
/// rules of the site's own `static/_redirects` (kept as written, first, so
/// they win where both name a path). `None` when there is neither.
fn redirects_file(site: &Site, root: &Path, jobs: &[Job]) -> Option<String> {
    let mut text = std::fs::read_to_string(root.join("static").join(REDIRECTS_FILE)).unwrap_or_default();
    let own = text.len();
    for job in jobs {
        if let (Job::Redirect(..), Some(to)) = (job, job.redirect_to(site)) {
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            let from = sitemap::encode_path(&job.url(site));
            text.push_str(&format!("{from} {} 301\n", sitemap::encode_path(to)));
        }
    }
    (text.len() > own || own > 0).then_some(text)
}

/// Writes the manifest into the sink (last, after every file it lists);
/// returns its bytes.
pub fn write_manifest(sink: &dyn Sink, manifest: &Manifest) -> Result<Vec<u8>> {
    let json = serde_json::to_vec_pretty(manifest).expect("plain data always serializes");
    sink.write(MANIFEST_FILE, &json)
        .map_err(|e| Error::Diagnostics(vec![write_error(MANIFEST_FILE, e)]))?;
    Ok(json)
}

/// Copies `root/static/**` as is; generated files win over a static file of
/// the same path.
fn copy_site_static(root: &Path, files: &mut BTreeMap<String, FileRecord>, out: &Changed) -> Result<()> {
    crate::content::check_real_folder(root, Path::new("static")).map_err(|d| Error::Diagnostics(vec![d]))?;
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
        let rec = out.put(&rel, &bytes).map_err(|e| Error::Diagnostics(vec![e]))?;
        files.insert(rel, rec);
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
