//! The build: the one place that knows the order of the stages.
//!
//! | stage | redone when | code |
//! |---|---|---|
//! | site.yaml, roles.yaml, git dates | settings may have changed | `Engine::load_settings` |
//! | theme, beside the content files | a theme file or the settings changed | `load_theme`, `Sources::refresh` |
//! | languages, translation keys | always (cheap) | `site::langs::assign` |
//! | routes (visibility, URLs) | always (cheap, and "now" moves) | [`Routes::new`] |
//! | Markdown bodies (parallel) | a file, its URL or a link target changed | `Sources::stale`, `Sources::render` |
//! | pages, hero images, site model | always; unchanged pages are shared | [`Site::new`] |
//! | output (parallel) | only jobs whose key changed | [`Engine::write`] -> `output::write_site` |
//! | staging folder -> public/ | a build that succeeded | [`build_then`] |
//!
//! Every stage's problems are collected; the build fails once, reporting
//! all of them, before anything is written. Warnings are returned with the
//! result.
//!
//! [`Engine`] keeps what it loaded between runs. A build is one run: with
//! an empty state and no output cache it renders everything and swaps the
//! staged folder in whole; with the cache of the previous build
//! (`.punchline/cache/`: parsed front matter and rendered bodies, see
//! `sources`, and job keys, see `output::cache`) it reads again only files
//! whose size or time changed, renders only bodies and jobs whose inputs
//! changed, stages only files whose bytes changed, and moves them in after
//! success, deleting files no longer produced. The dev server keeps one
//! engine warm and writes into memory. Either way the result is the bytes
//! of a build from scratch.

mod sources;

use crate::clock::{Clock, StageTimer};
use crate::config::SiteConfig;
use crate::content;
use crate::diagnostic::{has_errors, sort, Diagnostic, Error, Result};
use crate::markdown::Bodies;
use crate::output::cache::DiskCache;
use crate::output::{self, DirSink, Manifest, OutputCache, Previous, Progress, Staging, MANIFEST_FILE};
use crate::site::{Page, Routes, Site};
use crate::theme::Theme;
use crate::workflow::roles::Roles;
pub use sources::Counts;
use sources::Sources;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What to build and how.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site root (holds content/, themes/, site.yaml, roles.yaml).
    pub root: PathBuf,
    /// The output folder (default `root/public`).
    pub output: PathBuf,
    /// Also show items in review, with a banner and noindex.
    pub preview: bool,
    /// Also show drafts (with `preview` on: the banner and noindex).
    pub drafts: bool,
    /// The build's "now".
    pub clock: Clock,
    /// What the model keeps of each body (HTML, whole text, or both).
    pub bodies: Bodies,
    /// Overrides site.yaml's `base_url`.
    pub base_url: Option<String>,
    /// Items to treat as live whatever their state (the workflow's gate and
    /// `check` look at work in progress as the build will see it later).
    pub as_live: AsLive,
    /// Use (and keep) the build cache: render and write only what changed.
    pub cache: bool,
}

/// Which items a build treats as live whatever their state says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum AsLive {
    /// None: every item is shown as its state and dates say.
    #[default]
    Nothing,
    /// This file (from the site root) with this text, not yet written.
    Item(PathBuf, String),
    /// Every item not archived: drafts, review, approved, scheduled.
    Unfinished,
}

impl BuildOptions {
    /// Defaults for a site at `root`: output in `root/public`, live mode, the system clock.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        let root = root.into();
        Self {
            output: root.join("public"),
            root,
            preview: false,
            drafts: false,
            clock: Clock::system(),
            bodies: Bodies::Html,
            base_url: None,
            as_live: AsLive::Nothing,
            cache: true,
        }
    }
}

/// Everything loaded and checked, before rendering: the site model plus the
/// inputs other commands (check, audit, workflow) need too.
pub struct Loaded {
    /// The site model.
    pub site: Site,
    /// roles.yaml.
    pub roles: Roles,
    /// The theme, when it loaded.
    pub theme: Option<Theme>,
    /// Warnings and errors found so far.
    pub diags: Vec<Diagnostic>,
    /// The items made live by `BuildOptions::as_live`, with their real state.
    pub made_live: HashMap<PathBuf, crate::content::Status>,
}

/// What a finished build reports.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// HTML pages rendered (after an edit, only those it reached).
    pub pages_rendered: usize,
    /// Files written to disk this time (new or changed bytes), with the
    /// manifest itself; deletions not counted.
    pub files_written: usize,
    /// Files deleted because the site no longer produces them.
    pub files_deleted: usize,
    /// Whether the build used the previous build's cache.
    pub incremental: bool,
    /// Content files parsed (the others were unchanged since the last
    /// build and came from its cache).
    pub sources_parsed: usize,
    /// Markdown bodies rendered.
    pub bodies_rendered: usize,
    /// Every file of the output, with hashes.
    pub manifest: Manifest,
    /// Warnings (a successful build has no errors).
    pub warnings: Vec<Diagnostic>,
    /// Wall time.
    pub duration: Duration,
}

impl BuildReport {
    /// Total bytes written.
    pub fn bytes(&self) -> u64 {
        self.manifest.files.values().map(|f| f.size).sum()
    }
}

/// What may have changed since the engine last ran. A build checks
/// everything ([`Changes::everything`]); the dev server passes what its
/// watcher saw.
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
    /// site.yaml or roles.yaml: both are read again, with the last commit
    /// dates, and every content file is looked at (read again when its size
    /// or time changed).
    pub config: bool,
}

impl Changes {
    /// Anything may have changed: what a build starts from.
    pub fn everything() -> Changes {
        Changes {
            templates: true,
            theme_static: true,
            site_static: true,
            config: true,
            ..Changes::default()
        }
    }

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

/// The engine: what `build`, `check` and `serve` all run. It keeps what it
/// loaded between runs ([`Sources`]: documents, bodies, pages; the theme;
/// the settings), and each run ([`Engine::load`]) redoes only what the
/// given [`Changes`] reach. A build is one run with an empty state (or the
/// state its cache restores) and a disk sink; the dev server keeps one
/// engine and runs it after every edit, with a memory sink.
pub struct Engine {
    opts: BuildOptions,
    /// Serve's theme: static files keep their names (a stylesheet edit is
    /// swapped in by the browser without re-rendering pages).
    dev: bool,
    config: SiteConfig,
    roles: Roles,
    /// Problems in site.yaml and roles.yaml, from when they were last read.
    config_diags: Vec<Diagnostic>,
    theme: Option<Theme>,
    theme_diags: Vec<Diagnostic>,
    sources: Sources,
    /// Where the sources are saved between builds (`None`: not saved).
    store: Option<PathBuf>,
    git_dates: HashMap<PathBuf, jiff::Timestamp>,
    /// Hero images of specials, and the hash of the hero fields they were
    /// made for (made again when those or static/ change).
    heroes: (u64, BTreeMap<PathBuf, crate::site::HeroImage>),
    made_live: HashMap<PathBuf, crate::content::Status>,
}

impl Engine {
    /// An engine for a build (or `check`) with `opts`, with an empty state.
    pub fn new(opts: &BuildOptions) -> Engine {
        Engine {
            opts: opts.clone(),
            dev: false,
            config: SiteConfig::default(),
            roles: Roles::default(),
            config_diags: Vec::new(),
            theme: None,
            theme_diags: Vec::new(),
            sources: Sources::default(),
            store: None,
            git_dates: HashMap::new(),
            heroes: (0, BTreeMap::new()),
            made_live: HashMap::new(),
        }
    }

    /// Shows drafts too, and everything a preview shows (`serve --drafts`).
    pub fn show_drafts(&mut self) {
        (self.opts.drafts, self.opts.preview) = (true, true);
    }

    /// An engine for the dev server: its theme's static files keep their
    /// names.
    pub fn for_serve(opts: &BuildOptions) -> Engine {
        Engine {
            dev: true,
            ..Engine::new(opts)
        }
    }

    /// The stages, in order, each redoing only what `changes` reach:
    /// settings -> theme and content files (side by side) -> routes ->
    /// Markdown -> pages, hero images -> site model. Problems are returned
    /// with the model (made from whatever loaded); only failing to read a
    /// folder is an `Err`.
    pub fn load(&mut self, changes: &Changes) -> Result<(Site, Vec<Diagnostic>)> {
        let t = StageTimer::start();
        let root = self.opts.root.clone();
        // git log runs in its own process while the rest loads.
        let git = changes.config.then(|| {
            let root = root.clone();
            std::thread::spawn(move || content::git::last_commit_dates(&root))
        });
        if changes.config {
            self.load_settings()?;
        }
        let mut paths = self.paths_to_read(changes)?;
        if let AsLive::Item(path, _) = &self.opts.as_live {
            // The given text is read whether or not its file exists yet.
            if let Err(i) = paths.binary_search(path) {
                paths.insert(i, path.clone());
            }
        }
        let reload_theme = changes.config || changes.templates || changes.theme_static || self.theme.is_none();
        let given = match &self.opts.as_live {
            AsLive::Item(path, text) => Some((path.as_path(), text.as_str())),
            _ => None,
        };
        // Templates parse on one thread while the content loads on the
        // others; the theme is needed only for the bodies' shortcodes.
        let (sources, roles) = (&mut self.sources, &self.roles);
        let (theme, gone) = rayon::join(
            || reload_theme.then(|| load_theme(&root, &self.config.theme, self.dev)),
            || sources.refresh(&root, &paths, changes.config, roles, given),
        );
        if let Some(theme) = theme {
            (self.theme, self.theme_diags) = theme?;
        }
        self.made_live = make_live(&mut self.sources, &self.opts.as_live);
        let lang_diags = crate::site::langs::assign(self.sources.entries.iter_mut().map(|e| &mut e.doc), &self.config);
        t.lap("settings, theme and content files");
        let now = self.opts.clock.now();
        let show = crate::site::Show::new(self.opts.preview, self.opts.drafts);
        let (routes, route_diags) = Routes::new(&self.sources.entries, now, show);
        if let Some(git) = git {
            self.git_dates = git.join().unwrap_or_default();
        }
        let stale = self.sources.stale(&routes, self.theme.as_ref(), gone);
        let inputs = PageInputs {
            routes: &routes,
            roles: &self.roles,
            git_dates: &self.git_dates,
            bodies: self.opts.bodies,
            theme: self.theme.as_ref(),
        };
        let pages = self.sources.render(&root, stale, &inputs);
        t.lap("routes and markdown");
        let hero_diags = self.update_heroes(&pages, changes.site_static || changes.config);
        let (mut site, mut site_diags) = Site::new(
            self.config.clone(),
            now,
            self.opts.preview,
            pages,
            self.heroes.1.clone(),
        );
        let (term_files, term_diags) = crate::content::terms::load(&root);
        site_diags.extend(
            term_diags
                .into_iter()
                .chain(crate::site::terms::attach(&mut site, term_files)),
        );
        t.lap("site model");
        let mut diags: Vec<Diagnostic> = self.config_diags.iter().chain(&self.theme_diags).cloned().collect();
        diags.extend(self.sources.diags().cloned());
        diags.extend(lang_diags);
        diags.extend(route_diags);
        diags.extend(hero_diags);
        diags.extend(site_diags);
        Ok((site, diags))
    }

    /// Renders the model into `sink`, with what the previous run produced:
    /// only jobs whose key changed are rendered, only bytes that changed
    /// are written (see [`output::write_site`]).
    pub fn write(
        &self,
        site: &Site,
        sink: &dyn output::Sink,
        progress: &dyn Progress,
        prev: Previous,
    ) -> Result<output::Written> {
        let theme = self
            .theme
            .as_ref()
            .ok_or_else(|| Error::Diagnostics(self.theme_diags.clone()))?;
        output::write_site(site, theme, &self.opts.root, sink, progress, prev)
    }

    /// Sets the clock of the next runs (the dev server's "now" moves on).
    pub fn set_clock(&mut self, clock: Clock) {
        self.opts.clock = clock;
    }

    /// What the last run redid: files parsed, bodies rendered.
    pub fn last_run(&self) -> Counts {
        self.sources.last_run
    }

    /// The theme, when it loaded.
    pub fn theme(&self) -> Option<&Theme> {
        self.theme.as_ref()
    }

    /// Restores the sources a previous build saved in `file`, and saves
    /// them there after each successful build ([`Engine::save`]).
    fn keep_sources_in(&mut self, file: PathBuf) -> Result<()> {
        self.load_settings()?;
        let basis = sources::basis(&self.roles, self.opts.bodies);
        self.sources.restore(&file, basis, &self.roles);
        self.store = Some(file);
        Ok(())
    }

    /// Drops the sources of a build that keeps no cache: its pages hold all
    /// that rendering reads, and the sources' copy of every document would
    /// only add to the memory rendering needs.
    fn forget_sources(&mut self) {
        self.sources = Sources::default();
    }

    /// Saves the sources for the next build, when they are kept.
    fn save(&mut self) {
        if let Some(file) = &self.store {
            self.sources.save(file);
        }
    }

    /// Reads site.yaml and roles.yaml; a change of roles empties the
    /// sources (they were parsed and rendered against the old ones).
    fn load_settings(&mut self) -> Result<()> {
        let mut d = Vec::new();
        self.config = SiteConfig::load(&self.opts.root, &mut d)?;
        self.config.override_base_url(self.opts.base_url.as_deref());
        self.roles = Roles::load(&self.opts.root, &mut d)?;
        self.config_diags = d;
        self.sources.set_basis(sources::basis(&self.roles, self.opts.bodies));
        Ok(())
    }

    /// The content files to look at: every one there is and was, after a
    /// settings change (or in a build); else those the watcher named, and
    /// those in and once in the folders it named. Sorted, each once.
    fn paths_to_read(&self, changes: &Changes) -> Result<Vec<PathBuf>> {
        let mut paths = changes.content.clone();
        let known = || self.sources.known().cloned();
        if changes.config {
            paths.extend(content::discover(&self.opts.root)?);
            paths.extend(known());
        } else if !changes.content_dirs.is_empty() {
            let all = content::discover(&self.opts.root)?;
            for dir in &changes.content_dirs {
                paths.extend(known().filter(|p| p.starts_with(dir)));
                paths.extend(all.iter().filter(|p| p.starts_with(dir)).cloned());
            }
        }
        Ok(paths.into_iter().collect())
    }

    /// Measures and resizes hero images again when a special's `hero`
    /// changed, or static/ (or anything) may have.
    fn update_heroes(&mut self, pages: &[Arc<Page>], forced: bool) -> Vec<Diagnostic> {
        use std::hash::{Hash, Hasher};
        let mut h = xxhash_rust::xxh3::Xxh3Default::new();
        for p in pages.iter().filter(|p| p.doc.meta.special.is_some()) {
            (&p.doc.path, &p.doc.meta.special.as_ref().map(|s| &s.hero.image)).hash(&mut h);
        }
        let key = h.finish();
        if key == self.heroes.0 && !forced {
            return Vec::new();
        }
        let (heroes, diags) = output::images::heroes(pages, &self.opts.root);
        self.heroes = (key, heroes);
        diags
    }
}

/// Loads the theme (prepared for a build unless `dev`); a theme that does
/// not load without saying why gets a THM001.
fn load_theme(root: &Path, name: &str, dev: bool) -> Result<(Option<Theme>, Vec<Diagnostic>)> {
    let mut d = Vec::new();
    let theme = Theme::load(root, name, &mut d)?;
    if theme.is_none() && !has_errors(&d) {
        d.push(Diagnostic::error("THM001", "themes/", "the theme could not be loaded"));
    }
    let theme = if dev { theme } else { theme.map(Theme::for_build) };
    Ok((theme, d))
}

/// Loads and checks everything up to the site model, from scratch.
/// Problems are in `Loaded::diags`; the site is built from whatever parsed.
pub fn load(opts: &BuildOptions) -> Result<Loaded> {
    let mut engine = Engine::new(opts);
    let (site, diags) = engine.load(&Changes::everything())?;
    Ok(Loaded {
        site,
        roles: engine.roles,
        theme: engine.theme,
        diags,
        made_live: engine.made_live,
    })
}

/// Applies `as_live`: makes the chosen items live now (published, no
/// `publish_at`, `expires` or campaign dates; an `AsLive::Item`'s text was
/// read in its file's place already). Returns each one's real state.
fn make_live(sources: &mut Sources, as_live: &AsLive) -> HashMap<PathBuf, crate::content::Status> {
    let mut made = HashMap::new();
    for doc in sources.entries.iter_mut().map(|e| &mut e.doc) {
        let chosen = match as_live {
            AsLive::Nothing => false,
            AsLive::Item(path, _) => &doc.path == path,
            AsLive::Unfinished => doc.meta.status != crate::content::Status::Archived,
        };
        if !chosen {
            continue;
        }
        made.insert(doc.path.clone(), doc.meta.status);
        let m = &mut doc.meta;
        m.status = crate::content::Status::Published;
        m.publish_at = None;
        m.expires = None;
        if let Some(sp) = m.special.as_mut() {
            sp.starts = None;
            sp.ends = None;
        }
    }
    made
}

/// What turning a document into a page needs besides the document.
pub struct PageInputs<'a> {
    /// Visibility and URLs of all documents (resolves `@/` links).
    pub routes: &'a Routes,
    /// roles.yaml (raw HTML permission, author names).
    pub roles: &'a Roles,
    /// Last commit dates.
    pub git_dates: &'a HashMap<PathBuf, jiff::Timestamp>,
    /// What to keep of each body.
    pub bodies: Bodies,
    /// The theme, which renders shortcodes (none: left as placeholders).
    pub theme: Option<&'a Theme>,
}

/// Builds the site into `opts.output`, atomically. On any error nothing is
/// written and every problem is returned together.
pub fn build(opts: &BuildOptions, progress: &dyn Progress) -> Result<BuildReport> {
    build_then(opts, progress, &mut |_, _| Ok(()))
}

/// What runs on the finished model before the output is swapped in.
pub type AfterBuild<'a> = dyn FnMut(&Site, &Theme) -> Result<()> + 'a;

/// Like [`build`], and hands the site model and theme to `after` once every
/// page is rendered, before the output is swapped in: `build --report`
/// audits the very model it built instead of loading the site twice. If
/// `after` fails, the build fails and the previous output stays.
///
/// The stages: the engine loads the site (restoring what the last build
/// saved, unless `opts.cache` is off); then, holding the output folder's
/// lock, it writes what changed into a staging folder; `after` runs; the
/// staged files are moved in (or the staging folder swapped in whole);
/// the caches are saved.
pub fn build_then(opts: &BuildOptions, progress: &dyn Progress, after: &mut AfterBuild) -> Result<BuildReport> {
    let started = Instant::now();
    let mut engine = Engine::new(opts);
    let disk = DiskCache::new(&opts.root, &opts.output, opts.preview);
    if opts.cache {
        engine.keep_sources_in(disk.sources_file())?;
    }
    let (site, mut diags) = engine.load(&Changes::everything())?;
    let counts = engine.last_run();
    if !opts.cache {
        engine.forget_sources();
    }
    sort(&mut diags);
    let theme = match engine.theme() {
        Some(t) if !has_errors(&diags) => t,
        _ => return Err(Error::Diagnostics(diags)),
    };
    let t = StageTimer::start();
    // The lock comes first: the cache and the manifest it goes with are
    // read while no other build can change them.
    let staging = Staging::new(&opts.output)?;
    let prev = if opts.cache {
        disk.load(&opts.output, &theme.chain)
    } else {
        None
    };
    let empty = OutputCache::default();
    // Without a cache no job key is computed: nothing would read them.
    let previous = Previous {
        cache: opts.cache.then(|| prev.as_ref().map_or(&empty, |p| &p.cache)),
        manifest: prev.as_ref().map(|p| &p.manifest),
    };
    let sink = DirSink::new(staging.path());
    let written = engine
        .write(&site, &sink, progress, previous)
        .map_err(|e| with_warnings(e, &diags))?;
    let manifest_json = output::write_manifest(&sink, &written.manifest)?;
    diags.extend(written.warnings);
    sort(&mut diags);
    t.lap("render and write");
    after(&site, theme).map_err(|e| with_warnings(e, &diags))?;
    t.lap("after build");
    let removed: Vec<String> = match &prev {
        Some(p) => p
            .manifest
            .files
            .keys()
            .filter(|path| !written.manifest.files.contains_key(*path))
            .chain(&p.strays)
            .cloned()
            .collect(),
        None => Vec::new(),
    };
    if prev.is_some() {
        disk.invalidate()
            .map_err(|e| Error::io(&opts.root.join(output::cache::CACHE_DIR), e))?;
        staging.apply(&removed, MANIFEST_FILE)?;
    } else {
        staging.commit()?;
    }
    if opts.cache {
        disk.save(written.cache, &manifest_json, &theme.chain);
        engine.save();
    }
    t.lap("swap output");
    Ok(BuildReport {
        pages_rendered: written.pages_rendered,
        files_written: written.written.len() + 1,
        files_deleted: removed.len(),
        incremental: prev.is_some(),
        sources_parsed: counts.parsed,
        bodies_rendered: counts.rendered,
        manifest: written.manifest,
        warnings: diags,
        duration: started.elapsed(),
    })
}

/// Render errors come after load warnings; report both.
fn with_warnings(e: Error, warnings: &[Diagnostic]) -> Error {
    match e {
        Error::Diagnostics(mut d) => {
            let mut all = warnings.to_vec();
            all.append(&mut d);
            Error::Diagnostics(all)
        }
        other => other,
    }
}

/// The problems the build would find in the file `path` (from the site
/// root) if it had `text` and were live now: its front matter, links,
/// shortcodes, a special's query, and its page rendered through the
/// theme. What the workflow's gate refuses.
pub fn check_item(opts: &BuildOptions, path: &Path, text: &str) -> Result<Vec<Diagnostic>> {
    let mut o = opts.clone();
    o.as_live = AsLive::Item(path.to_path_buf(), text.to_string());
    let Loaded { site, diags, theme, .. } = load(&o)?;
    let mut diags = render_check(&site, theme.as_ref(), &o, diags);
    diags.retain(|d| d.path == path);
    Ok(diags)
}

/// The problems of items not live yet (drafts, review, approved,
/// scheduled), found by building them as if they were live: what would
/// break the build once they are published. A draft's problems are
/// warnings (it is being written); the others' keep their severity.
pub fn check_unfinished(opts: &BuildOptions) -> Result<Vec<Diagnostic>> {
    let mut o = opts.clone();
    o.as_live = AsLive::Unfinished;
    let Loaded {
        site,
        diags,
        theme,
        made_live,
        ..
    } = load(&o)?;
    let mut diags = render_check(&site, theme.as_ref(), &o, diags);
    diags.retain(|d| made_live.contains_key(&d.path));
    for d in &mut diags {
        if made_live[&d.path] == crate::content::Status::Draft {
            d.severity = crate::diagnostic::Severity::Warning;
        }
    }
    Ok(diags)
}

/// Renders every page into nothing, adding the problems to `diags`
/// (skipped when loading already failed: the model is incomplete).
pub fn render_check(
    site: &Site,
    theme: Option<&Theme>,
    opts: &BuildOptions,
    mut diags: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    if let (Some(theme), false) = (theme, has_errors(&diags)) {
        match output::write_site(
            site,
            theme,
            &opts.root,
            &output::NullSink,
            &output::Quiet,
            Previous::default(),
        ) {
            Ok(written) => diags.extend(written.warnings),
            Err(e) => diags.extend(e.diagnostics().iter().cloned()),
        }
    }
    sort(&mut diags);
    diags
}

/// The site root for a path given on the command line (default: current folder).
pub fn site_root(arg: Option<&Path>) -> PathBuf {
    arg.map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}
