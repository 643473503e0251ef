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
//! another theme, an output folder changed since, a file that does not
//! parse) is ignored and the build is a full one; the cache file is removed
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

/// A stored build cache for one output folder.
pub struct DiskCache {
    file: PathBuf,
    stamp: u64,
}

impl DiskCache {
    /// The cache of the build of the site at `root` into `output`, for the
    /// theme `chain` (a different theme or mode never shares a cache).
    pub fn new(root: &Path, output: &Path, chain: &[String], preview: bool) -> DiskCache {
        let out = std::path::absolute(output).unwrap_or_else(|_| output.to_path_buf());
        let mut h = Xxh3::new();
        out.hash(&mut h);
        let name = format!("build-{:016x}.json", h.finish());
        let mut s = Xxh3::new();
        (chain, preview).hash(&mut s);
        DiskCache {
            file: root.join(CACHE_DIR).join(name),
            stamp: s.finish(),
        }
    }

    /// The last build's cache and manifest, when both are there and belong
    /// together; `None` means: build everything.
    pub fn load(&self, output: &Path) -> Option<(OutputCache, Manifest)> {
        let stored: Stored = serde_json::from_slice(&std::fs::read(&self.file).ok()?).ok()?;
        if stored.format != FORMAT || stored.version != env!("CARGO_PKG_VERSION") || stored.stamp != self.stamp {
            return None;
        }
        let bytes = std::fs::read(output.join(MANIFEST_FILE)).ok()?;
        if super::record(&bytes).hash != stored.manifest {
            return None;
        }
        let manifest: Manifest = serde_json::from_slice(&bytes).ok()?;
        Some((stored.cache, manifest))
    }

    /// Removes the cache (before the output folder is changed in place).
    pub fn invalidate(&self) -> std::io::Result<()> {
        match std::fs::remove_file(&self.file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Stores `cache` for the output whose manifest is `manifest_json`.
    /// A cache that cannot be written only costs the next build time.
    pub fn save(&self, cache: OutputCache, manifest_json: &[u8]) {
        let stored = Stored {
            format: FORMAT,
            version: env!("CARGO_PKG_VERSION").into(),
            stamp: self.stamp,
            manifest: super::record(manifest_json).hash,
            cache,
        };
        let Some(dir) = self.file.parent() else { return };
        let write = || -> std::io::Result<()> {
            std::fs::create_dir_all(dir)?;
            let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
            serde_json::to_writer(std::io::BufWriter::new(tmp.as_file_mut()), &stored)?;
            tmp.persist(&self.file).map_err(|e| e.error)?;
            Ok(())
        };
        let _ = write();
    }
}
