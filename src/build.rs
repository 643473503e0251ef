//! The build: the one place that knows the order of the stages.
//!
//! config + roles -> content -> routes -> markdown (parallel) -> site ->
//! theme -> output (parallel) -> atomic swap. Every stage's problems are
//! collected; the build fails once, reporting all of them, before anything
//! is written. Warnings are returned with the result.

use crate::clock::{Clock, When};
use crate::config::SiteConfig;
use crate::content::{self, Document};
use crate::diagnostic::{has_errors, sort, Diagnostic, Error, Result};
use crate::markdown::{self, RenderOptions};
use crate::output::{self, DirSink, Manifest, Progress, Staging};
use crate::site::{Page, Routes, Site};
use crate::theme::Theme;
use crate::workflow::roles::{Permission, Roles};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
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
    /// The build's "now".
    pub clock: Clock,
    /// Keep whole plain texts in the model (audits need them).
    pub keep_text: bool,
}

impl BuildOptions {
    /// Defaults for a site at `root`: output in `root/public`, live mode, the system clock.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        let root = root.into();
        Self {
            output: root.join("public"),
            root,
            preview: false,
            clock: Clock::system(),
            keep_text: false,
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
    /// Warnings and errors found so far.
    pub diags: Vec<Diagnostic>,
}

/// What a finished build reports.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// HTML pages rendered.
    pub pages_rendered: usize,
    /// Files written, with hashes.
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
    let t = Timer::start();
    let mut diags = Vec::new();
    let config = SiteConfig::load(&opts.root, &mut diags)?;
    let roles = Roles::load(&opts.root, &mut diags)?;
    let (docs, mut d) = content::load(&opts.root, &roles)?;
    diags.append(&mut d);
    t.lap("load content");
    let now = opts.clock.now();
    let (routes, mut d) = Routes::new(&docs, now, opts.preview);
    diags.append(&mut d);
    let git_dates = content::git::last_commit_dates(&opts.root);
    t.lap("git dates");
    let (pages, mut d) = render_pages(docs, &routes, &roles, &git_dates, opts.keep_text);
    diags.append(&mut d);
    t.lap("markdown");
    let (site, mut d) = Site::new(config, now, opts.preview, pages);
    diags.append(&mut d);
    t.lap("site model");
    Ok(Loaded { site, roles, diags })
}

/// Renders the Markdown of every shown document, in parallel; hidden ones
/// are dropped here, so nothing later can leak them.
fn render_pages(
    docs: Vec<Document>,
    routes: &Routes,
    roles: &Roles,
    git_dates: &std::collections::HashMap<PathBuf, jiff::Timestamp>,
    keep_text: bool,
) -> (Vec<Page>, Vec<Diagnostic>) {
    let resolve = |rel: &str| routes.resolve_rel(rel);
    let results: Vec<(Option<Page>, Vec<Diagnostic>)> = docs
        .into_par_iter()
        .enumerate()
        .map(|(i, mut doc)| {
            let visibility = routes.visibility[i];
            if !visibility.shown() {
                return (None, Vec::new());
            }
            let body = std::mem::take(&mut doc.body);
            let opts = RenderOptions {
                path: &doc.path,
                body_line: doc.body_line,
                allow_raw_html: roles.role_can(&doc.role, Permission::RawHtml),
                keep_text,
                resolve: &resolve,
            };
            let (rendered, diags) = markdown::render(&body, &opts);
            let lastmod = doc
                .meta
                .updated
                .or_else(|| git_dates.get(&doc.path).map(|&ts| When::at(ts)))
                .unwrap_or(doc.meta.date);
            let author_name = roles
                .member(&doc.meta.author)
                .map_or_else(|| doc.meta.author.clone(), |m| m.name.clone());
            let page = Page {
                url: routes.urls[i].clone(),
                doc,
                rendered,
                visibility,
                lastmod,
                author_name,
                newer: None,
                older: None,
            };
            (Some(page), diags)
        })
        .collect();
    let mut pages = Vec::with_capacity(results.len());
    let mut diags = Vec::new();
    for (p, mut d) in results {
        pages.extend(p);
        diags.append(&mut d);
    }
    (pages, diags)
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
    let Loaded { site, mut diags, .. } = load(opts)?;
    let theme = Theme::load(&opts.root, &site.config.theme, &mut diags)?;
    sort(&mut diags);
    let theme = match theme {
        Some(t) if !has_errors(&diags) => t,
        _ => return Err(Error::Diagnostics(diags)),
    };
    let t = Timer::start();
    let staging = Staging::new(&opts.output)?;
    let sink = DirSink::new(staging.path());
    let written =
        output::write_site(&site, &theme, &opts.root, &sink, progress).map_err(|e| with_warnings(e, &diags))?;
    output::write_manifest(&sink, &written.manifest)?;
    t.lap("render and write");
    after(&site, &theme).map_err(|e| with_warnings(e, &diags))?;
    t.lap("after build");
    staging.commit()?;
    t.lap("swap output");
    Ok(BuildReport {
        pages_rendered: written.pages_rendered,
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

/// Checks a site without writing anything: content, roles, site.yaml,
/// theme, and that every page renders.
pub fn check(opts: &BuildOptions) -> Result<Vec<Diagnostic>> {
    let Loaded { site, mut diags, .. } = load(opts)?;
    let theme = Theme::load(&opts.root, &site.config.theme, &mut diags)?;
    if let (Some(theme), false) = (&theme, has_errors(&diags)) {
        if let Err(e) = output::write_site(&site, theme, &opts.root, &NullSink, &output::Quiet) {
            diags.extend(e.diagnostics().iter().cloned());
        }
    }
    sort(&mut diags);
    Ok(diags)
}

/// Stage timings on stderr when PUNCHLINE_TIMINGS is set (for profiling).
struct Timer {
    last: std::cell::Cell<Instant>,
    on: bool,
}

impl Timer {
    fn start() -> Self {
        Self {
            last: std::cell::Cell::new(Instant::now()),
            on: std::env::var_os("PUNCHLINE_TIMINGS").is_some(),
        }
    }

    fn lap(&self, stage: &str) {
        if self.on {
            let now = Instant::now();
            eprintln!("[timings] {stage}: {} ms", (now - self.last.get()).as_millis());
            self.last.set(now);
        }
    }
}

/// Discards output (used by `check`, which renders only to find errors).
struct NullSink;

impl output::Sink for NullSink {
    fn write(&self, path: &str, _: &[u8]) -> std::io::Result<()> {
        output::checked_relative(path).map(|_| ())
    }
}

/// The site root for a path given on the command line (default: current folder).
pub fn site_root(arg: Option<&Path>) -> PathBuf {
    arg.map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}
