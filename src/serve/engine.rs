//! The incremental engine behind `punchline serve`.
//!
//! Input: the site root and batches of classified file changes. Output: the
//! site's files in memory, and for each rebuild the paths that changed and
//! how many pages were rendered. Only what an edit reaches is redone: the
//! changed files are re-parsed, their bodies re-rendered (and bodies that
//! link to a page whose URL changed), a new immutable `Site` is assembled
//! from the shared unchanged pages, and the output stage renders only the
//! jobs whose key changed (see `output::cache`): the same
//! [`output::write_site`] a production build runs, with a memory sink and
//! the last rebuild's cache. A failed rebuild changes nothing: the last
//! good site keeps being served.

use crate::build::render_page;
use crate::clock::Clock;
use crate::config::SiteConfig;
use crate::content::{self, Document};
use crate::diagnostic::{has_errors, sort, Diagnostic, Error, Result};
use crate::output::{self, cache::page_version, Manifest, OutputCache, Previous};
use crate::site::{Page, Routes, Site};
use crate::theme::Theme;
use crate::workflow::roles::Roles;
use jiff::Timestamp;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The served files: output path (`jokes/x/index.html`) -> bytes.
pub type Files = HashMap<String, Arc<Vec<u8>>, rustc_hash::FxBuildHasher>;

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

/// One content file, as the engine tracks it.
struct Entry {
    /// The parsed file (body dropped once rendered).
    doc: Document,
    /// Its page, when shown and rendered.
    page: Option<Arc<Page>>,
    /// `output::cache::page_version` of `page`.
    version: u64,
    /// Problems from parsing the file.
    parse_diags: Vec<Diagnostic>,
    /// Problems from rendering its body (only while it is shown).
    render_diags: Vec<Diagnostic>,
    /// Its URL and whether it was shown after the last rebuild, to find
    /// pages that moved (bodies linking to them must be rendered again).
    route: Option<(String, bool)>,
}

impl AsRef<Document> for Entry {
    fn as_ref(&self) -> &Document {
        &self.doc
    }
}

/// The engine's state between rebuilds.
pub struct Engine {
    root: PathBuf,
    preview: bool,
    /// Drafts show too (`serve --drafts`; `preview` is on then).
    drafts: bool,
    clock: Option<Timestamp>,
    base_url: Option<String>,
    config: SiteConfig,
    roles: Roles,
    theme: Option<Theme>,
    theme_diags: Vec<Diagnostic>,
    /// Problems in site.yaml and roles.yaml, kept from when they were last
    /// read (they are read again only when one of them changes).
    config_diags: Vec<Diagnostic>,
    /// Every content file that parsed, sorted by path. Kept in a sorted
    /// list rather than maps keyed by path: hashing `Path`s walks their
    /// components, which dominated the rebuild time on a large site.
    entries: Vec<Entry>,
    /// Files that do not parse, with their problems.
    broken: BTreeMap<PathBuf, Vec<Diagnostic>>,
    git_dates: HashMap<PathBuf, Timestamp>,
    /// Job keys of the last good rebuild.
    cache: OutputCache,
    /// What the last good rebuild produced, with hashes.
    manifest: Manifest,
    files: Arc<Files>,
    site: Option<Arc<Site>>,
    /// Hero images of specials, and the hash of the hero fields they were
    /// made for (remade when those or static/ change).
    heroes: (u64, BTreeMap<PathBuf, crate::site::HeroImage>),
}

impl Engine {
    /// Shows drafts too (and everything `preview` shows).
    pub fn with_drafts(mut self, drafts: bool) -> Engine {
        self.drafts = drafts;
        self.preview |= drafts;
        self
    }

    /// An engine for the site at `root` (with `base_url` replacing
    /// site.yaml's, if given); call [`Engine::rebuild`] with
    /// `Changes { config: true, .. }` for the first build.
    pub fn new(root: &Path, preview: bool, now: Option<Timestamp>, base_url: Option<String>) -> Engine {
        Engine {
            root: root.to_path_buf(),
            preview,
            drafts: false,
            clock: now,
            base_url,
            config: SiteConfig::default(),
            roles: Roles::default(),
            theme: None,
            theme_diags: Vec::new(),
            config_diags: Vec::new(),
            entries: Vec::new(),
            broken: BTreeMap::new(),
            git_dates: HashMap::new(),
            cache: OutputCache::default(),
            manifest: Manifest::default(),
            files: Arc::new(Files::default()),
            site: None,
            heroes: (0, BTreeMap::new()),
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
            let mut d = Vec::new();
            self.config = SiteConfig::load(&self.root, &mut d)?;
            self.config.override_base_url(self.base_url.as_deref());
            self.roles = Roles::load(&self.root, &mut d)?;
            self.config_diags = d;
            self.git_dates = content::git::last_commit_dates(&self.root);
            content = content::discover(&self.root)?.into_iter().collect();
            content.extend(self.entries.iter().map(|e| e.doc.path.clone()));
            content.extend(self.broken.keys().cloned());
        }
        global.extend(self.config_diags.iter().cloned());
        for dir in &changes.content_dirs {
            content.extend(
                self.entries
                    .iter()
                    .filter(|e| e.doc.path.starts_with(dir))
                    .map(|e| e.doc.path.clone()),
            );
            content.extend(
                content::discover(&self.root)?
                    .into_iter()
                    .filter(|p| p.starts_with(dir)),
            );
        }
        if changes.config || changes.templates || changes.theme_static || self.theme.is_none() {
            self.reload_theme()?;
        }
        global.extend(self.theme_diags.iter().cloned());
        t.lap("config and theme");
        let (fresh, gone) = self.reparse(&content);
        t.lap("parse");
        let show = crate::site::Show::new(self.preview, self.drafts);
        let (routes, route_diags) = Routes::new(&self.entries, self.now(), show);
        let to_render = self.bodies_to_render(&routes, &fresh, gone);
        self.render_bodies(&routes, to_render, fresh);
        t.lap("routes and markdown");
        let pages: Vec<Arc<Page>> = self.entries.iter().filter_map(|e| e.page.clone()).collect();
        let hero_diags = self.update_heroes(&pages, changes.site_static || changes.config);
        let (site, site_diags) = Site::new(
            self.config.clone(),
            self.now(),
            self.preview,
            pages,
            self.heroes.1.clone(),
        );
        t.lap("site model");
        let mut diags = global;
        diags.extend(route_diags);
        diags.extend(site_diags);
        diags.extend(hero_diags);
        diags.extend(self.broken.values().flatten().cloned());
        for e in &self.entries {
            diags.extend(e.parse_diags.iter().chain(&e.render_diags).cloned());
        }
        sort(&mut diags);
        if has_errors(&diags) {
            return Err(Error::Diagnostics(diags));
        }
        let site = Arc::new(site);
        let (files, rendered) = self.render_changed(&site)?;
        t.lap("render");
        let changed = diff(&self.files, &files);
        t.lap("diff");
        let css_only = !changed.is_empty() && changed.iter().all(|p| p.ends_with(".css"));
        self.files = Arc::new(files);
        self.site = Some(site);
        Ok(Rebuilt {
            changed,
            rendered,
            css_only,
            warnings: diags,
        })
    }

    fn reload_theme(&mut self) -> Result<()> {
        let mut d = Vec::new();
        let theme = Theme::load(&self.root, &self.config.theme, &mut d)?;
        self.theme_diags = d;
        if let Some(t) = theme {
            // Page keys stay valid: each covers its template's closure hash.
            self.theme = Some(t);
        } else if !has_errors(&self.theme_diags) {
            self.theme_diags
                .push(Diagnostic::error("THM001", "themes/", "the theme could not be loaded"));
        }
        Ok(())
    }

    /// Re-reads the given content files (in parallel) and updates the entry
    /// list. Returns the documents that parsed, with their bodies (entries
    /// keep none), and the `@/` paths of files that are gone.
    fn reparse(&mut self, paths: &BTreeSet<PathBuf>) -> (HashMap<PathBuf, Document>, Vec<String>) {
        let roles = &self.roles;
        let parsed: Vec<(PathBuf, Option<Document>, Vec<Diagnostic>)> = paths
            .par_iter()
            .map(|rel| match content::read_source(&self.root, rel) {
                Ok(text) => {
                    let (doc, d) = content::parse_document(rel, &text, roles);
                    (rel.clone(), doc, d)
                }
                Err(e) if e.not_found => (rel.clone(), None, Vec::new()),
                Err(e) => (rel.clone(), None, vec![*e.diagnostic]),
            })
            .collect();
        let mut fresh = HashMap::new();
        let mut gone = Vec::new();
        for (rel, doc, d) in parsed {
            self.broken.remove(&rel);
            let at = self.entries.binary_search_by(|e| e.doc.path.cmp(&rel));
            match (doc, at) {
                (Some(doc), Ok(i)) => {
                    let e = &mut self.entries[i];
                    (e.doc, e.page, e.parse_diags, e.render_diags) = (
                        Document {
                            body: String::new(),
                            ..doc.clone()
                        },
                        None,
                        d,
                        Vec::new(),
                    );
                    fresh.insert(rel, doc);
                }
                (Some(doc), Err(i)) => {
                    let entry = Entry {
                        doc: Document {
                            body: String::new(),
                            ..doc.clone()
                        },
                        page: None,
                        version: 0,
                        parse_diags: d,
                        render_diags: Vec::new(),
                        route: None,
                    };
                    self.entries.insert(i, entry);
                    fresh.insert(rel, doc);
                }
                (None, at) => {
                    if let Ok(i) = at {
                        gone.push(self.entries.remove(i).doc.rel);
                    }
                    if !d.is_empty() {
                        self.broken.insert(rel, d);
                    }
                }
            }
        }
        (fresh, gone)
    }

    /// Entries whose body must be (re)rendered: the re-parsed ones, shown
    /// ones without a page, and those linking to a page that appeared,
    /// disappeared, or changed its URL or visibility.
    fn bodies_to_render(
        &mut self,
        routes: &Routes,
        fresh: &HashMap<PathBuf, Document>,
        gone: Vec<String>,
    ) -> Vec<usize> {
        let mut moved: HashSet<String> = gone.into_iter().collect();
        for (i, e) in self.entries.iter().enumerate() {
            let now = (routes.urls[i].as_str(), routes.visibility[i].shown());
            if e.route
                .as_ref()
                .is_none_or(|(url, shown)| (url.as_str(), *shown) != now)
            {
                moved.insert(e.doc.rel.clone());
            }
        }
        let mut out = Vec::new();
        for (i, e) in self.entries.iter_mut().enumerate() {
            e.route = Some((routes.urls[i].clone(), routes.visibility[i].shown()));
            if !routes.visibility[i].shown() {
                (e.page, e.render_diags) = (None, Vec::new());
                continue;
            }
            let stale = match &e.page {
                None => true,
                Some(p) => {
                    fresh.contains_key(&e.doc.path)
                        || (p.shortcode_key != 0
                            && self
                                .theme
                                .as_ref()
                                .is_some_and(|t| t.shortcode_key(&p.rendered) != p.shortcode_key))
                        || p.url != routes.urls[i]
                        || (!moved.is_empty() && p.rendered.link_targets.iter().any(|t| moved.contains(t)))
                }
            };
            if stale {
                out.push(i);
            }
        }
        out
    }

    /// Renders the bodies of entries `ids` in parallel, taking fresh
    /// documents from `fresh` and reading the others again from disk.
    fn render_bodies(&mut self, routes: &Routes, ids: Vec<usize>, mut fresh: HashMap<PathBuf, Document>) {
        let work: Vec<(usize, Option<Document>)> = ids
            .into_iter()
            .map(|i| (i, fresh.remove(&self.entries[i].doc.path)))
            .collect();
        let root = &self.root;
        let roles = &self.roles;
        let inputs = crate::build::PageInputs {
            routes,
            roles,
            git_dates: &self.git_dates,
            bodies: crate::markdown::Bodies::Html,
            theme: self.theme.as_ref(),
        };
        let entries = &self.entries;
        // (entry, page, parse problems when the file was read again, render problems)
        type Done = (usize, Option<Arc<Page>>, Option<Vec<Diagnostic>>, Vec<Diagnostic>);
        let results: Vec<Done> = work
            .into_par_iter()
            .map(|(i, doc)| {
                let rel = &entries[i].doc.path;
                let (doc, parse) = match doc {
                    Some(doc) => (Some(doc), None),
                    None => match content::read_source(root, rel) {
                        Ok(text) => {
                            let (doc, d) = content::parse_document(rel, &text, roles);
                            (doc, Some(d))
                        }
                        Err(e) => (None, Some(vec![*e.diagnostic])),
                    },
                };
                let Some(doc) = doc else {
                    return (i, None, parse, Vec::new());
                };
                let (page, d) = render_page(doc, i, &inputs);
                (i, page, parse, d)
            })
            .collect();
        for (i, page, parse, render) in results {
            let e = &mut self.entries[i];
            if let Some(parse) = parse {
                e.parse_diags = parse;
            }
            e.render_diags = render;
            e.version = page.as_deref().map_or(0, page_version);
            e.page = page;
        }
    }

    /// Measures and resizes hero images again when a special's `hero`
    /// changed or static/ did.
    fn update_heroes(&mut self, pages: &[Arc<Page>], forced: bool) -> Vec<Diagnostic> {
        let mut h = xxhash_rust::xxh3::Xxh3Default::new();
        for p in pages.iter().filter(|p| p.doc.meta.special.is_some()) {
            (&p.doc.path, &p.doc.meta.special.as_ref().map(|s| &s.hero.image)).hash(&mut h);
        }
        let key = h.finish();
        if key == self.heroes.0 && !forced {
            return Vec::new();
        }
        let (heroes, diags) = output::images::heroes(pages, &self.root);
        self.heroes = (key, heroes);
        diags
    }
}

impl Engine {
    /// Runs the output stage with the last rebuild's cache into memory:
    /// only jobs whose key changed are rendered, and only files whose bytes
    /// changed are new buffers; the others are shared with the previous
    /// file map. Returns the new file map and the number of pages rendered.
    fn render_changed(&mut self, site: &Site) -> Result<(Files, usize)> {
        let theme = self.theme.as_ref().expect("no theme errors means a theme");
        let sink = MemSink::default();
        let prev = Previous {
            cache: Some(&self.cache),
            manifest: Some(&self.manifest),
        };
        let written = output::write_site(site, theme, &self.root, &sink, &output::Quiet, prev)?;
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
