//! The dev server's engine: the build's engine kept warm, writing into
//! memory.
//!
//! Input: the site root and batches of classified file changes
//! ([`Changes`]). Output: the site's files in memory, and for each rebuild
//! the paths that changed and how many pages were rendered. The stages are
//! the build's ([`build::Engine::load`] and [`build::Engine::write`]),
//! run with the state of the last rebuild, so only what an edit reaches is
//! redone: changed files are read again, bodies re-rendered where they or
//! what they link to changed, and only jobs whose key changed are
//! rendered. A failed rebuild changes nothing: the last good site keeps
//! being served.

use crate::build::{self, BuildOptions};
use crate::clock::Clock;
use crate::diagnostic::{has_errors, sort, Diagnostic, Error, Result};
use crate::output::{self, Manifest, OutputCache, Previous};
use crate::site::Site;
use jiff::Timestamp;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

pub use crate::build::Changes;

/// The served files: output path (`jokes/x/index.html`) -> bytes.
pub type Files = HashMap<String, Arc<Vec<u8>>, rustc_hash::FxBuildHasher>;

/// The result of a successful rebuild.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rebuilt {
    /// Output paths whose bytes changed, were added or were removed.
    pub changed: Vec<String>,
    /// Pages rendered (jobs whose key changed).
    pub rendered: usize,
    /// Whether only stylesheets changed (the browser can swap them in).
    pub css_only: bool,
    /// Content files parsed and Markdown bodies rendered.
    pub redone: build::Counts,
    /// Warnings.
    pub warnings: Vec<Diagnostic>,
}

/// The engine's state between rebuilds.
pub struct Engine {
    engine: build::Engine,
    /// The fixed clock, if any (else each rebuild asks the system).
    now: Option<Timestamp>,
    /// Job keys of the last good rebuild.
    cache: OutputCache,
    /// What the last good rebuild produced, with hashes.
    manifest: Manifest,
    files: Arc<Files>,
    site: Option<Arc<Site>>,
}

impl Engine {
    /// Shows drafts too (and everything `preview` shows).
    pub fn with_drafts(mut self, drafts: bool) -> Engine {
        if drafts {
            self.engine.show_drafts();
        }
        self
    }

    /// An engine for the site at `root` (with `base_url` replacing
    /// site.yaml's, if given, and the clock fixed at `now`, if given); call
    /// [`Engine::rebuild`] with [`Changes::everything`] for the first
    /// build.
    pub fn new(root: &Path, preview: bool, now: Option<Timestamp>, base_url: Option<String>) -> Engine {
        let mut opts = BuildOptions::new(root);
        opts.preview = preview;
        opts.base_url = base_url;
        opts.clock = now.map_or_else(Clock::system, Clock::fixed);
        Engine {
            engine: build::Engine::for_serve(&opts),
            now,
            cache: OutputCache::default(),
            manifest: Manifest::default(),
            files: Arc::new(Files::default()),
            site: None,
        }
    }

    /// The files of the last good build.
    pub fn files(&self) -> Arc<Files> {
        self.files.clone()
    }

    /// The last good site model.
    pub fn site(&self) -> Option<Arc<Site>> {
        self.site.clone()
    }

    /// Applies `changes`. On errors, returns them all and keeps serving the
    /// previous files.
    pub fn rebuild(&mut self, changes: &Changes) -> Result<Rebuilt> {
        let t = crate::clock::StageTimer::start();
        self.engine.set_clock(self.now.map_or_else(Clock::system, Clock::fixed));
        let (site, mut diags) = self.engine.load(changes)?;
        let redone = self.engine.last_run();
        sort(&mut diags);
        if has_errors(&diags) {
            return Err(Error::Diagnostics(diags));
        }
        let (files, rendered) = self.render_changed(&site)?;
        t.lap("render");
        let changed = diff(&self.files, &files);
        t.lap("diff");
        let css_only = !changed.is_empty() && changed.iter().all(|p| p.ends_with(".css"));
        self.files = Arc::new(files);
        self.site = Some(Arc::new(site));
        Ok(Rebuilt {
            changed,
            rendered,
            css_only,
            redone,
            warnings: diags,
        })
    }

    /// Runs the output stage with the last rebuild's cache into memory:
    /// only jobs whose key changed are rendered, and only files whose bytes
    /// changed are new buffers; the others are shared with the previous
    /// file map. Returns the new file map and the number of pages rendered.
    fn render_changed(&mut self, site: &Site) -> Result<(Files, usize)> {
        let sink = MemSink::default();
        let prev = Previous {
            cache: Some(&self.cache),
            manifest: Some(&self.manifest),
        };
        let written = self.engine.write(site, &sink, &output::Quiet, prev)?;
        let mut fresh = sink.0.into_inner().unwrap_or_default();
        let mut files = Files::with_capacity_and_hasher(written.manifest.files.len(), Default::default());
        for path in written.manifest.files.keys() {
            let bytes = match fresh.remove(path) {
                Some(b) => Arc::new(b),
                None => self.files.get(path).cloned().unwrap_or_default(),
            };
            files.insert(path.clone(), bytes);
        }
        self.cache = written.cache;
        self.manifest = written.manifest;
        Ok((files, written.pages_rendered))
    }
}

/// Collects written files in memory.
#[derive(Default)]
struct MemSink(std::sync::Mutex<HashMap<String, Vec<u8>>>);

impl output::Sink for MemSink {
    fn write(&self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
        output::checked_relative(path)?;
        self.0
            .lock()
            .expect("no panics while holding it")
            .insert(path.to_string(), bytes.to_vec());
        Ok(())
    }
}

/// Paths added, removed or changed between two file maps, sorted.
fn diff(old: &Files, new: &Files) -> Vec<String> {
    let mut changed: Vec<String> = new
        .iter()
        .filter(|(p, b)| old.get(*p).is_none_or(|o| !Arc::ptr_eq(o, b) && o != *b))
        .map(|(p, _)| p.clone())
        .chain(old.keys().filter(|p| !new.contains_key(*p)).cloned())
        .collect();
    changed.sort();
    changed
}
