//! What the last build produced, so the next one renders only what changed.
//!
//! Input: the site model, the theme, and the [`OutputCache`] of the last
//! build (in memory for the dev server, under `.punchline/cache/` for
//! `build`). Output: a key per job, and the cache of this build.
//!
//! A job's key hashes exactly what it reads: its [`super::jobs::JobView`]
//! (the versions of the pages it shows, the titles and URLs of the pages it
//! links to, its pagination), the site-wide context every page starts from,
//! the site settings, and its template with everything that template
//! extends, includes or imports. Templates see nothing else (no function
//! reaches into the site), which is what makes this decidable. When a key is
//! unchanged the page cannot have changed, and it is not rendered.
//!
//! Invariants: a cache that does not match (another punchline version,
//! another theme, a manifest in the output folder other than the one it
//! was saved with, a file that does not parse) is ignored and the build is
//! a full one; output files deleted, resized or added by hand since are
//! found by listing the output folder and repaired; the cache file is removed
//! before an incremental build touches the output folder and written again
//! only once the output is complete, so a build killed in between leaves no
//! cache and the next build is a full one, which repairs the output.
//! Hashes are xxh3: fast on thousands of small inputs, and well
//! distributed, so an edit is not lost to a collision.

use super::{jobs::Job, Manifest, MANIFEST_FILE};
use crate::site::{Page, Site};
use crate::theme::Theme;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use xxhash_rust::xxh3::Xxh3Default as Xxh3;

/// Where build caches live, from the site root. Safe to delete.
pub const CACHE_DIR: &str = ".punchline/cache";

/// Bumped whenever what a key covers changes.
const FORMAT: u32 = 1;

/// Job keys (and search index entries) of one build.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct OutputCache {
    /// Output path -> the key of the job that wrote it.
    pub keys: HashMap<String, u64, rustc_hash::FxBuildHasher>,
    /// Page URL -> its search index entry and the page version it was made
    /// from (kept in memory only: the dev server's rebuilds reuse them).
    #[serde(skip)]
    pub search: HashMap<String, (u64, Arc<str>), rustc_hash::FxBuildHasher>,
}

/// A hash of everything of a page that any view of it shows.
pub fn page_version(p: &Page) -> u64 {
    let mut h = Xxh3::new();
    p.url.hash(&mut h);
    p.visibility.hash(&mut h);
    p.lastmod.hash(&mut h);
    p.author_name.hash(&mut h);
    p.doc.kind.hash(&mut h);
    p.doc.meta.hash(&mut h);
    p.rendered.html.hash(&mut h);
    p.rendered.summary_html.hash(&mut h);
    p.rendered.toc.hash(&mut h);
    p.rendered.word_count.hash(&mut h);
    p.rendered.plain_text.hash(&mut h);
    h.finish()
}

/// A hash of what every page sees: the site-wide context (site view and
/// cached blocks), the URLs `asset()` hands out, and the site settings
/// (all of them: a setting no view reads costs a full render when it
/// changes, never a stale page).
pub fn sitewide(base: &tera::Context, theme: &Theme, site: &Site) -> u64 {
    let mut h = Xxh3::new();
    base.clone().into_json().to_string().hash(&mut h);
    for (rel, file) in &theme.statics {
        (rel, &file.output).hash(&mut h);
    }
    format!("{:?}", site.config).hash(&mut h);
    site.preview.hash(&mut h);
    h.finish()
}

/// The key of one job. `versions[id]` is [`page_version`] of page `id`.
pub fn job_key(site: &Site, theme: &Theme, versions: &[u64], sitewide: u64, job: &Job) -> u64 {
    let mut h = Xxh3::new();
    sitewide.hash(&mut h);
    job.url(site).hash(&mut h);
    job.template(site).hash(&mut h);
    theme.closure_hashes.get(job.template(site)).hash(&mut h);
    job.view(site).hash_into(site, versions, &mut h);
    h.finish()
}

/// The cache file as stored.
#[derive(Serialize, Deserialize)]
struct Stored {
    format: u32,
    version: String,
    /// What else must match: the theme chain and the build mode.
    stamp: u64,
    /// xxh3 of the manifest this cache goes with.
    manifest: String,
    cache: OutputCache,
}

/// What the last build left, as the next build may use it.
pub struct Prev {
    /// Its job keys.
    pub cache: OutputCache,
    /// Its manifest, without the files that are no longer in the output
    /// folder as it wrote them (deleted or resized by hand): those are
    /// written again.
    pub manifest: Manifest,
    /// Files in the output folder that no build wrote: a fresh build would
    /// not have them, so they are deleted.
    pub strays: Vec<String>,
}

/// A stored build cache for one output folder.
pub struct DiskCache {
    file: PathBuf,
    sources: PathBuf,
    preview: bool,
}

impl DiskCache {
    /// The cache of the build of the site at `root` into `output` (a
    /// different mode or theme never shares one; see [`DiskCache::load`]).
    pub fn new(root: &Path, output: &Path, preview: bool) -> DiskCache {
        let out = std::path::absolute(output).unwrap_or_else(|_| output.to_path_buf());
        let mut h = Xxh3::new();
        out.hash(&mut h);
        let id = h.finish();
        DiskCache {
            file: root.join(CACHE_DIR).join(format!("build-{id:016x}.json")),
            sources: root.join(CACHE_DIR).join(format!("sources-{id:016x}.jsonl")),
            preview,
        }
    }

    /// Where the build keeps its parsed and rendered sources (see
    /// `build::sources`): beside the job keys, safe to delete as well.
    pub fn sources_file(&self) -> PathBuf {
        self.sources.clone()
    }

    fn stamp(&self, chain: &[String]) -> u64 {
        let mut s = Xxh3::new();
        (chain, self.preview).hash(&mut s);
        s.finish()
    }

    /// The last build's cache and manifest, when both are there and belong
    /// together and to the theme `chain`; `None` means: build everything.
    /// The output folder is compared with the manifest (names and sizes,
    /// no file is read), so a file deleted or changed in size by hand is
    /// written again and one added by hand is deleted.
    pub fn load(&self, output: &Path, chain: &[String]) -> Option<Prev> {
        let stored: Stored = serde_json::from_slice(&std::fs::read(&self.file).ok()?).ok()?;
        if stored.format != FORMAT || stored.version != env!("CARGO_PKG_VERSION") || stored.stamp != self.stamp(chain) {
            return None;
        }
        let bytes = std::fs::read(output.join(MANIFEST_FILE)).ok()?;
        if super::record(&bytes).hash != stored.manifest {
            return None;
        }
        let mut manifest: Manifest = serde_json::from_slice(&bytes).ok()?;
        let on_disk = output_files(output)?;
        let strays = on_disk
            .keys()
            .filter(|p| !manifest.files.contains_key(*p) && p.as_str() != MANIFEST_FILE)
            .cloned()
            .collect();
        manifest.files.retain(|path, rec| on_disk.get(path) == Some(&rec.size));
        Some(Prev {
            cache: stored.cache,
            manifest,
            strays,
        })
    }

    /// Removes the cache (before the output folder is changed in place).
    pub fn invalidate(&self) -> std::io::Result<()> {
        match std::fs::remove_file(&self.file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Stores `cache` for the output whose manifest is `manifest_json`,
    /// built with the theme `chain`. A cache that cannot be written only
    /// costs the next build time.
    pub fn save(&self, cache: OutputCache, manifest_json: &[u8], chain: &[String]) {
        let stored = Stored {
            format: FORMAT,
            version: env!("CARGO_PKG_VERSION").into(),
            stamp: self.stamp(chain),
            manifest: super::record(manifest_json).hash,
            cache,
        };
        let _ = replace_file(&self.file, |w| Ok(serde_json::to_writer(w, &stored)?));
    }
}

/// Writes `file` whole or not at all: into a temporary file beside it,
/// then renamed over it. Temporary files that a killed build left for this
/// same file are removed first: the caller holds the build lock of the
/// output the file belongs to, and the file's name is that output's own,
/// so no other build is writing them.
pub fn replace_file(
    file: &Path,
    fill: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use std::io::Write;
    let (Some(dir), Some(name)) = (file.parent(), file.file_name()) else {
        return Err(std::io::Error::other("not a file path"));
    };
    std::fs::create_dir_all(dir)?;
    let prefix = format!(".{}.", name.to_string_lossy());
    for entry in std::fs::read_dir(dir)?.flatten() {
        let n = entry.file_name();
        let n = n.to_string_lossy();
        if n.starts_with(&prefix) && n.ends_with(".tmp") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    let mut tmp = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".tmp")
        .tempfile_in(dir)?;
    {
        let mut w = std::io::BufWriter::new(tmp.as_file_mut());
        fill(&mut w)?;
        w.flush()?;
    }
    tmp.persist(file).map_err(|e| e.error)?;
    Ok(())
}

/// Every file under `output` (`/`-separated paths) with its size; `None`
/// when the folder cannot be read whole (then the build is a full one).
fn output_files(output: &Path) -> Option<HashMap<String, u64, rustc_hash::FxBuildHasher>> {
    let mut files = HashMap::default();
    for entry in walkdir::WalkDir::new(output).min_depth(1) {
        let entry = entry.ok()?;
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = entry.path().strip_prefix(output).ok()?;
        let rel = rel.to_str()?.replace('\\', "/");
        // A link or other special file is never what a build wrote.
        let size = if entry.file_type().is_file() {
            entry.metadata().ok()?.len()
        } else {
            u64::MAX
        };
        files.insert(rel, size);
    }
    Some(files)
}
