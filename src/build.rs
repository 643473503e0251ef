//! The build: the one place that knows the order of the stages.
//!
//! config + roles -> content -> routes -> markdown (parallel) -> site ->
//! theme -> output (parallel) -> atomic swap. Every stage's problems are
//! collected; the build fails once, reporting all of them, before anything
//! is written. Warnings are returned with the result.
//!
//! A build with the cache of the previous one (`.punchline/cache/`, see
//! `output::cache`) is incremental: only jobs whose inputs changed are
//! rendered, only files whose bytes changed are staged, and after success
//! they are moved into the output folder and files no longer produced are
//! deleted. Without a usable cache the staged folder holds everything and
//! is swapped in whole. Either way the result is the same bytes.

use crate::clock::{Clock, StageTimer, When};
use crate::config::SiteConfig;
use crate::content::{self, Document};
use crate::diagnostic::{has_errors, sort, Diagnostic, Error, Result};
use crate::markdown::{self, Bodies, RenderOptions};
use crate::output::cache::DiskCache;
use crate::output::{self, DirSink, Manifest, OutputCache, Previous, Progress, Staging, MANIFEST_FILE};
use crate::site::{Page, Routes, Site};
use crate::theme::Theme;
use crate::workflow::roles::{Permission, Roles};
use rayon::prelude::*;
use std::collections::HashMap;
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

/// Loads and checks everything up to the site model. Problems are in
/// `Loaded::diags`; the site is built from whatever parsed.
pub fn load(opts: &BuildOptions) -> Result<Loaded> {
    let t = StageTimer::start();
    let mut diags = Vec::new();
    let mut config = SiteConfig::load(&opts.root, &mut diags)?;
    config.override_base_url(opts.base_url.as_deref());
    let roles = Roles::load(&opts.root, &mut diags)?;
    // git log runs in its own process and the theme's templates parse on
    // one thread while the content loads on the others: neither needs it.
    let root = opts.root.clone();
    let git = std::thread::spawn(move || content::git::last_commit_dates(&root));
    let (docs, (theme, mut theme_diags)) = rayon::join(
        || content::load(&opts.root, &roles),
        || {
            let mut d = Vec::new();
            (Theme::load(&opts.root, &config.theme, &mut d), d)
        },
    );
    let (mut docs, mut d) = docs?;
    diags.append(&mut d);
    let made_live = make_live(&mut docs, &opts.as_live, &roles, &mut diags);
    // The theme comes before the bodies: it renders their shortcodes.
    let theme = theme?.map(Theme::for_build);
    diags.append(&mut theme_diags);
    t.lap("load content and theme");
    let now = opts.clock.now();
    let (routes, mut d) = Routes::new(&docs, now, crate::site::Show::new(opts.preview, opts.drafts));
    diags.append(&mut d);
    let git_dates = git.join().unwrap_or_default();
    t.lap("routes and git dates");
    let inputs = PageInputs {
        routes: &routes,
        roles: &roles,
        git_dates: &git_dates,
        bodies: opts.bodies,
        theme: theme.as_ref(),
    };
    let (pages, mut d) = render_pages(docs, &inputs);
    diags.append(&mut d);
    t.lap("markdown");
    let (heroes, mut d) = output::images::heroes(&pages, &opts.root);
    diags.append(&mut d);
    let (site, mut d) = Site::new(config, now, opts.preview, pages, heroes);
    diags.append(&mut d);
    t.lap("site model");
    Ok(Loaded {
        site,
        roles,
        theme,
        diags,
        made_live,
    })
}

/// Applies `as_live`: puts the given text in place of its file's document
/// (and its problems in place of the file's), and makes the chosen items
/// live now: published, no `publish_at`, `expires` or campaign dates.
/// Returns each one's real state.
fn make_live(
    docs: &mut Vec<Document>,
    as_live: &AsLive,
    roles: &Roles,
    diags: &mut Vec<Diagnostic>,
) -> HashMap<PathBuf, crate::content::Status> {
    let mut made = HashMap::new();
    if let AsLive::Item(path, text) = as_live {
        diags.retain(|d| &d.path != path);
        docs.retain(|d| &d.path != path);
        let (doc, mut d) = content::parse_document(path, text, roles);
        diags.append(&mut d);
        docs.extend(doc);
        docs.sort_by(|a, b| a.path.cmp(&b.path));
    }
    for doc in docs.iter_mut() {
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

/// Renders the Markdown of every shown document, in parallel; hidden ones
/// are dropped here, so nothing later can leak them.
fn render_pages(docs: Vec<Document>, inputs: &PageInputs) -> (Vec<Arc<Page>>, Vec<Diagnostic>) {
    let results: Vec<(Option<Arc<Page>>, Vec<Diagnostic>)> = docs
        .into_par_iter()
        .enumerate()
        .map(|(i, doc)| render_page(doc, i, inputs))
        .collect();
    let mut pages = Vec::with_capacity(results.len());
    let mut diags = Vec::new();
    for (p, mut d) in results {
        pages.extend(p);
        diags.append(&mut d);
    }
    (pages, diags)
}

/// Turns document `i` (of the list `routes` was made from) into a page, or
/// `None` when it is hidden. Its body is consumed.
pub fn render_page(mut doc: Document, i: usize, inputs: &PageInputs) -> (Option<Arc<Page>>, Vec<Diagnostic>) {
    let PageInputs {
        routes,
        roles,
        git_dates,
        bodies,
        theme,
    } = *inputs;
    let visibility = routes.visibility[i];
    if !visibility.shown() {
        return (None, Vec::new());
    }
    let body = std::mem::take(&mut doc.body);
    let resolve = |rel: &str| routes.resolve_rel(rel);
    let opts = RenderOptions {
        path: &doc.path,
        body_line: doc.body_line,
        allow_raw_html: roles.role_can(&doc.role, Permission::RawHtml),
        bodies,
        resolve: &resolve,
        suggest: &|rel| {
            crate::diagnostic::did_you_mean(rel, routes.by_rel.keys().map(String::as_str)).map(str::to_string)
        },
    };
    let (mut rendered, mut diags) = markdown::render(&body, &opts);
    let shortcode_key = match theme {
        Some(t) if !rendered.shortcodes.is_empty() => {
            diags.extend(t.expand_shortcodes(&mut rendered, &doc.path));
            t.shortcode_key(&rendered)
        }
        _ => 0,
    };
    let lastmod = doc
        .meta
        .updated
        .or_else(|| git_dates.get(&doc.path).map(|&ts| When::at(ts)))
        .unwrap_or(doc.meta.date);
    let author_name = roles
        .member(&doc.meta.author)
        .map_or_else(|| doc.meta.author.clone(), |m| m.name.clone());
    let mut page = Page::new(doc, rendered, routes.urls[i].clone(), visibility, lastmod, author_name);
    page.shortcode_key = shortcode_key;
    (Some(Arc::new(page)), diags)
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
pub fn build_then(opts: &BuildOptions, progress: &dyn Progress, after: &mut AfterBuild) -> Result<BuildReport> {
    let started = Instant::now();
    let Loaded {
        site, mut diags, theme, ..
    } = load(opts)?;
    sort(&mut diags);
    let theme = match theme {
        Some(t) if !has_errors(&diags) => t,
        _ => return Err(Error::Diagnostics(diags)),
    };
    let t = StageTimer::start();
    // The lock comes first: the cache and the manifest it goes with are
    // read while no other build can change them.
    let staging = Staging::new(&opts.output)?;
    let disk = DiskCache::new(&opts.root, &opts.output, &theme.chain, opts.preview);
    let prev = if opts.cache { disk.load(&opts.output) } else { None };
    let empty = OutputCache::default();
    let previous = Previous {
        cache: Some(prev.as_ref().map_or(&empty, |p| &p.0)),
        manifest: prev.as_ref().map(|p| &p.1),
    };
    let sink = DirSink::new(staging.path());
    let written = output::write_site(&site, &theme, &opts.root, &sink, progress, previous)
        .map_err(|e| with_warnings(e, &diags))?;
    let manifest_json = output::write_manifest(&sink, &written.manifest)?;
    diags.extend(written.warnings);
    sort(&mut diags);
    t.lap("render and write");
    after(&site, &theme).map_err(|e| with_warnings(e, &diags))?;
    t.lap("after build");
    let removed: Vec<String> = match &prev {
        Some((_, old)) => old
            .files
            .keys()
            .filter(|p| !written.manifest.files.contains_key(*p))
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
        disk.save(written.cache, &manifest_json);
    }
    t.lap("swap output");
    Ok(BuildReport {
        pages_rendered: written.pages_rendered,
        files_written: written.written.len() + 1,
        files_deleted: removed.len(),
        incremental: prev.is_some(),
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
