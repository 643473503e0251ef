//! The incremental engine behind `punchline serve`.
//!
//! Input: the site root and batches of classified file changes. Output: the
//! site's files in memory, and for each rebuild the paths that changed and
//! how many pages were rendered. Only what an edit reaches is redone: the
//! changed files are re-parsed, their bodies re-rendered (and bodies that
//! link to a page whose URL changed), a new immutable `Site` is assembled
//! from the shared unchanged pages, and only the jobs whose key changed
//! (see [`super::keys`]) are rendered. A failed rebuild changes nothing:
//! the last good site keeps being served.

use super::keys;
use crate::build::render_page;
use crate::clock::Clock;
use crate::config::SiteConfig;
use crate::content::{self, Document};
use crate::diagnostic::{has_errors, sort, Diagnostic, Error, Result};
use crate::output::{self, feeds, search, sitemap, Job};
use crate::site::{Page, Routes, Site};
use crate::theme::{views::SiteView, Theme};
use crate::workflow::roles::Roles;
use jiff::Timestamp;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The served files: output path (`jokes/x/index.html`) -> bytes.
pub type Files = HashMap<String, Arc<Vec<u8>>>;

/// What changed on disk, already classified.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changes {
    /// Content files (relative to the root) added, edited or removed.
    pub content: BTreeSet<PathBuf>,
    /// Folders under content/ created, moved or removed: every file in or
    /// once in them is looked at again (a file created right after its new
    /// folder may come before the watcher sees the folder).
    pub content_dirs: BTreeSet<PathBuf>,
    /// A template or theme.yaml.
    pub templates: bool,
    /// A theme static file (CSS, JS, images).
    pub theme_static: bool,
    /// A file under static/.
    pub site_static: bool,
    /// site.yaml or roles.yaml: everything is reloaded.
    pub config: bool,
}

impl Changes {
    /// Whether nothing relevant changed.
    pub fn is_empty(&self) -> bool {
        self.content.is_empty()
            && self.content_dirs.is_empty()
            && !self.templates
            && !self.theme_static
            && !self.site_static
            && !self.config
    }
}

/// The result of a successful rebuild.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rebuilt {
    /// Output paths whose bytes changed, were added or were removed.
    pub changed: Vec<String>,
    /// Pages rendered (jobs whose key changed).
    pub rendered: usize,
    /// Whether only stylesheets changed (the browser can swap them in).
    pub css_only: bool,
    /// Warnings.
    pub warnings: Vec<Diagnostic>,
}

/// The engine's state between rebuilds.
pub struct Engine {
    root: PathBuf,
    preview: bool,
    clock: Option<Timestamp>,
    config: SiteConfig,
    roles: Roles,
    theme: Option<Theme>,
    theme_diags: Vec<Diagnostic>,
    /// Every content document, sorted by path, bodies dropped.
    docs: Vec<Document>,
    /// Problems per content file, from parsing and rendering it.
    file_diags: BTreeMap<PathBuf, Vec<Diagnostic>>,
    /// Shown pages by document path.
    pages: HashMap<PathBuf, Arc<Page>>,
    versions: HashMap<PathBuf, u64>,
    routes: Routes,
    git_dates: HashMap<PathBuf, Timestamp>,
    /// Key of each page output from the last good rebuild.
    keys: HashMap<String, u64>,
    files: Arc<Files>,
    site: Option<Arc<Site>>,
    /// Search index entries by page path, with the page version they were made from.
    search_entries: HashMap<PathBuf, (u64, Arc<str>)>,
    /// Hash of the sitemap entries the current sitemap files were made from.
    sitemap_key: u64,
    /// Files of static/, read again only when one of them changes.
    site_static: Option<Vec<(String, Vec<u8>)>>,
}

impl Engine {
    /// An engine for the site at `root`; call [`Engine::rebuild`] with
    /// `Changes { config: true, .. }` for the first build.
    pub fn new(root: &Path, preview: bool, now: Option<Timestamp>) -> Engine {
        Engine {
            root: root.to_path_buf(),
            preview,
            clock: now,
            config: SiteConfig::default(),
            roles: Roles::default(),
            theme: None,
            theme_diags: Vec::new(),
            docs: Vec::new(),
            file_diags: BTreeMap::new(),
            pages: HashMap::new(),
            versions: HashMap::new(),
            routes: Routes::default(),
            git_dates: HashMap::new(),
            keys: HashMap::new(),
            files: Arc::new(Files::new()),
            site: None,
            search_entries: HashMap::new(),
            sitemap_key: 0,
            site_static: None,
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

    fn now(&self) -> Timestamp {
        self.clock.unwrap_or_else(|| Clock::system().now())
    }

    /// Applies `changes`. On errors, returns them all and keeps serving the
    /// previous files.
    pub fn rebuild(&mut self, changes: &Changes) -> Result<Rebuilt> {
        let t = crate::clock::StageTimer::start();
        let mut global = Vec::new();
        let mut content = changes.content.clone();
        if changes.config {
            self.config = SiteConfig::load(&self.root, &mut global)?;
            self.roles = Roles::load(&self.root, &mut global)?;
            self.git_dates = content::git::last_commit_dates(&self.root);
            content = content::discover(&self.root)?.into_iter().collect();
            content.extend(self.docs.iter().map(|d| d.path.clone()));
            self.pages.clear();
        } else {
            global.extend(self.config_diags());
        }
        for dir in &changes.content_dirs {
            content.extend(
                self.docs
                    .iter()
                    .filter(|d| d.path.starts_with(dir))
                    .map(|d| d.path.clone()),
            );
            let found = content::discover(&self.root)?;
            content.extend(found.into_iter().filter(|p| p.starts_with(dir)));
        }
        if changes.config || changes.templates || changes.theme_static || self.theme.is_none() {
            self.reload_theme()?;
        }
        global.extend(self.theme_diags.iter().cloned());
        let old_routes = std::mem::take(&mut self.routes);
        let old_docs: HashMap<PathBuf, usize> =
            self.docs.iter().enumerate().map(|(i, d)| (d.path.clone(), i)).collect();
        t.lap("config and theme");
        let fresh = self.reparse(&content)?;
        t.lap("parse");
        let (routes, route_diags) = Routes::new(&self.docs, self.now(), self.preview);
        self.routes = routes;
        let to_render = self.bodies_to_render(&fresh, &old_routes, &old_docs);
        self.render_bodies(to_render, fresh)?;
        t.lap("routes and markdown");
        let pages: Vec<Arc<Page>> = self
            .docs
            .iter()
            .filter_map(|d| self.pages.get(&d.path).cloned())
            .collect();
        let (site, site_diags) = Site::new(self.config.clone(), self.now(), self.preview, pages);
        t.lap("site model");
        let mut diags = global;
        diags.extend(route_diags);
        diags.extend(site_diags);
        diags.extend(self.file_diags.values().flatten().cloned());
        sort(&mut diags);
        if has_errors(&diags) {
            return Err(Error::Diagnostics(diags));
        }
        let site = Arc::new(site);
        if changes.site_static || changes.config || self.site_static.is_none() {
            self.site_static = Some(read_site_static(&self.root)?);
        }
        let (files, rendered, keys) = self.render_changed(&site)?;
        t.lap("render");
        let changed = diff(&self.files, &files);
        t.lap("diff");
        let css_only = !changed.is_empty() && changed.iter().all(|p| p.ends_with(".css"));
        self.keys = keys;
        self.files = Arc::new(files);
        self.site = Some(site);
        Ok(Rebuilt {
            changed,
            rendered,
            css_only,
            warnings: diags,
        })
    }

    fn config_diags(&self) -> Vec<Diagnostic> {
        let mut d = Vec::new();
        let _ = SiteConfig::load(&self.root, &mut d);
        let _ = Roles::load(&self.root, &mut d);
        d
    }

    fn reload_theme(&mut self) -> Result<()> {
        let mut d = Vec::new();
        let theme = Theme::load(&self.root, &self.config.theme, &mut d)?;
        self.theme_diags = d;
        if let Some(t) = theme {
            // Page keys stay valid: each covers its template's closure hash.
            self.theme = Some(t.without_fingerprints());
        } else if !has_errors(&self.theme_diags) {
            self.theme_diags
                .push(Diagnostic::error("THM001", "themes/", "the theme could not be loaded"));
        }
        Ok(())
    }

    /// Re-reads the given content files. Returns the ones that parsed, with
    /// their bodies (the documents kept in `self.docs` have none).
    fn reparse(&mut self, paths: &BTreeSet<PathBuf>) -> Result<HashMap<PathBuf, Document>> {
        let parsed: Vec<(PathBuf, Option<Document>, Vec<Diagnostic>)> = paths
            .par_iter()
            .map(|rel| match std::fs::read_to_string(self.root.join(rel)) {
                Ok(text) => {
                    let (doc, d) = content::parse_document(rel, &text, &self.roles);
                    (rel.clone(), doc, d)
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => (rel.clone(), None, Vec::new()),
                Err(e) => (
                    rel.clone(),
                    None,
                    vec![Diagnostic::error("IO001", rel, format!("cannot read the file: {e}"))],
                ),
            })
            .collect();
        self.docs.retain(|d| !paths.contains(&d.path));
        let mut fresh = HashMap::new();
        for (rel, doc, d) in parsed {
            self.pages.remove(&rel);
            self.versions.remove(&rel);
            self.file_diags.remove(&rel);
            if !d.is_empty() {
                self.file_diags.insert(rel.clone(), d);
            }
            if let Some(doc) = doc {
                self.docs.push(Document {
                    body: String::new(),
                    ..doc.clone()
                });
                fresh.insert(rel, doc);
            }
        }
        self.docs.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(fresh)
    }

    /// Documents whose body must be (re)rendered: the re-parsed ones, shown
    /// ones without a page yet, and those linking to a page whose URL or
    /// visibility changed.
    fn bodies_to_render(
        &self,
        fresh: &HashMap<PathBuf, Document>,
        old: &Routes,
        old_docs: &HashMap<PathBuf, usize>,
    ) -> Vec<usize> {
        let now_paths: HashSet<&PathBuf> = self.docs.iter().map(|d| &d.path).collect();
        let gone = old_docs
            .keys()
            .filter(|p| !now_paths.contains(p))
            .map(|p| p.to_string_lossy().trim_start_matches("content/").to_string());
        let moved: HashSet<String> = self
            .docs
            .iter()
            .enumerate()
            .filter(|(i, d)| match old_docs.get(&d.path) {
                Some(&j) => {
                    old.urls.get(j) != Some(&self.routes.urls[*i])
                        || old.visibility.get(j) != Some(&self.routes.visibility[*i])
                }
                None => true,
            })
            .map(|(_, d)| d.rel.clone())
            .chain(gone)
            .collect();
        (0..self.docs.len())
            .filter(|&i| {
                let d = &self.docs[i];
                self.routes.visibility[i].shown()
                    && match self.pages.get(&d.path) {
                        None => true,
                        Some(p) => {
                            fresh.contains_key(&d.path)
                                || p.url != self.routes.urls[i]
                                || p.rendered.link_targets.iter().any(|t| moved.contains(t))
                        }
                    }
            })
            .collect()
    }

    /// Renders the bodies of documents `ids` in parallel, taking fresh ones
    /// from `fresh` and reading the others again from disk.
    fn render_bodies(&mut self, ids: Vec<usize>, mut fresh: HashMap<PathBuf, Document>) -> Result<()> {
        // Hidden documents lose their page.
        let shown: HashSet<&PathBuf> = self
            .docs
            .iter()
            .enumerate()
            .filter(|(i, _)| self.routes.visibility[*i].shown())
            .map(|(_, d)| &d.path)
            .collect();
        self.pages.retain(|p, _| shown.contains(p));
        let work: Vec<(usize, Option<Document>)> =
            ids.into_iter().map(|i| (i, fresh.remove(&self.docs[i].path))).collect();
        let results: Vec<(PathBuf, Option<Arc<Page>>, Vec<Diagnostic>)> = work
            .into_par_iter()
            .map(|(i, doc)| {
                let rel = self.docs[i].path.clone();
                let (doc, mut d) = match doc {
                    Some(doc) => (Some(doc), Vec::new()),
                    None => match std::fs::read_to_string(self.root.join(&rel)) {
                        Ok(text) => content::parse_document(&rel, &text, &self.roles),
                        Err(e) => (
                            None,
                            vec![Diagnostic::error("IO001", &rel, format!("cannot read the file: {e}"))],
                        ),
                    },
                };
                let Some(doc) = doc else { return (rel, None, d) };
                let (page, mut d2) = render_page(doc, i, &self.routes, &self.roles, &self.git_dates, false);
                d.append(&mut d2);
                (rel, page, d)
            })
            .collect();
        for (rel, page, d) in results {
            if !d.is_empty() {
                self.file_diags.entry(rel.clone()).or_default().extend(d);
            }
            match page {
                Some(p) => {
                    self.versions.insert(rel.clone(), keys::page_version(&p));
                    self.pages.insert(rel, p);
                }
                None => {
                    self.pages.remove(&rel);
                }
            }
        }
        Ok(())
    }
}

impl Engine {
    /// Renders the jobs whose key changed and regenerates the site-wide
    /// files whose inputs changed; returns the new file map, the number of
    /// pages rendered and the new keys.
    fn render_changed(&mut self, site: &Site) -> Result<(Files, usize, HashMap<String, u64>)> {
        let theme = self.theme.as_ref().expect("no theme errors means a theme");
        let versions: Vec<u64> = site
            .pages
            .iter()
            .map(|p| {
                self.versions
                    .get(&p.doc.path)
                    .copied()
                    .unwrap_or_else(|| keys::page_version(p))
            })
            .collect();
        let base = theme.base_context(&SiteView::new(site))?;
        let sitewide = keys::sitewide(&base, theme);
        let jobs = output::jobs::plan(site);
        let missing = output::jobs::check_templates(site, theme, &jobs);
        if !missing.is_empty() {
            return Err(Error::Diagnostics(missing));
        }
        let keyed: Vec<(Job, String, u64)> = jobs
            .into_par_iter()
            .map(|job| {
                let key = keys::job_key(site, theme, &versions, sitewide, &job);
                let path = job.output_path(site);
                (job, path, key)
            })
            .collect();
        // (path, bytes, whether it was rendered now)
        type Out = std::result::Result<(String, Arc<Vec<u8>>, bool), Diagnostic>;
        let (old_keys, old_files) = (&self.keys, &self.files);
        let results: Vec<Out> = keyed
            .par_iter()
            .map(|(job, path, key)| match (old_keys.get(path), old_files.get(path)) {
                (Some(k), Some(bytes)) if k == key => Ok((path.clone(), bytes.clone(), false)),
                _ => Ok((
                    path.clone(),
                    Arc::new(output::jobs::render(site, theme, &base, job)?.into_bytes()),
                    true,
                )),
            })
            .collect();
        let mut files = Files::with_capacity(results.len() + 64);
        let mut errors = Vec::new();
        let mut rendered = 0;
        for r in results {
            match r {
                Ok((path, bytes, fresh)) => {
                    rendered += usize::from(fresh);
                    files.insert(path, bytes);
                }
                Err(d) => errors.push(d),
            }
        }
        if !errors.is_empty() {
            return Err(Error::Diagnostics(errors));
        }
        let jobs: Vec<Job> = keyed
            .into_iter()
            .map(|(job, path, key)| {
                self.keys.insert(path, key);
                job
            })
            .collect();
        self.keys.retain(|p, _| files.contains_key(p));
        self.site_wide_files(site, &jobs, &versions, &mut files);
        Ok((files, rendered, std::mem::take(&mut self.keys)))
    }

    /// Feeds, sitemap, robots.txt, search index and static files. Unchanged
    /// bytes keep sharing the previous build's buffer.
    fn site_wide_files(&mut self, site: &Site, jobs: &[Job], versions: &[u64], files: &mut Files) {
        let theme = self.theme.as_ref().expect("checked by the caller");
        let old = self.files.clone();
        let put = |files: &mut Files, path: String, bytes: Vec<u8>| {
            let bytes = match old.get(&path) {
                Some(o) if **o == bytes => o.clone(),
                _ => Arc::new(bytes),
            };
            files.insert(path, bytes);
        };
        // Generated files win over a static file of the same path.
        for (path, bytes) in self.site_static.iter().flatten() {
            if !files.contains_key(path) {
                put(files, path.clone(), bytes.clone());
            }
        }
        for file in theme.statics.values() {
            put(files, file.output.clone(), file.bytes.to_vec());
        }
        for (path, xml) in feeds::all(site) {
            put(files, path, xml.into_bytes());
        }
        let entries = sitemap::entries(site, jobs, &mut Vec::new());
        let mut h = std::hash::DefaultHasher::new();
        for e in &entries {
            std::hash::Hash::hash(&(&e.loc, e.lastmod), &mut h);
        }
        let key = std::hash::Hasher::finish(&h);
        let sitemaps: Vec<String> = old.keys().filter(|p| p.starts_with("sitemap")).cloned().collect();
        if key == self.sitemap_key && !sitemaps.is_empty() {
            for p in sitemaps {
                files.insert(p.clone(), old[&p].clone());
            }
        } else {
            for (path, xml) in sitemap::files(&site.config, &entries) {
                put(files, path, xml);
            }
            self.sitemap_key = key;
        }
        put(files, "robots.txt".into(), sitemap::robots(site).into_bytes());
        if site.config.search {
            let listed: Vec<usize> = search::listed(site).collect();
            let cache = &mut self.search_entries;
            let entries: Vec<Arc<str>> = listed
                .iter()
                .map(|&id| {
                    let path = &site.pages[id].doc.path;
                    match cache.get(path) {
                        Some((v, e)) if *v == versions[id] => e.clone(),
                        _ => {
                            let e: Arc<str> = search::entry(site, id).into();
                            cache.insert(path.clone(), (versions[id], e.clone()));
                            e
                        }
                    }
                })
                .collect();
            let keep: HashSet<&PathBuf> = listed.iter().map(|&id| &site.pages[id].doc.path).collect();
            cache.retain(|p, _| keep.contains(p));
            put(
                files,
                "search-index.json".into(),
                search::assemble(entries.iter().map(|e| &**e)),
            );
        }
    }
}

/// Reads static/ (the site's own static files).
fn read_site_static(root: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let sink = MemSink::default();
    output::copy_site_static(root, &mut BTreeMap::new(), &sink)?;
    Ok(sink.0.into_inner().unwrap_or_default())
}

/// Collects written files in memory.
#[derive(Default)]
struct MemSink(std::sync::Mutex<Vec<(String, Vec<u8>)>>);

impl output::Sink for MemSink {
    fn write(&self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
        output::checked_relative(path)?;
        self.0
            .lock()
            .expect("no panics while holding it")
            .push((path.to_string(), bytes.to_vec()));
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
