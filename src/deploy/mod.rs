//! Deploy: ship a built site to a folder or an S3-compatible bucket,
//! uploading only what changed.
//!
//! Input: the output folder of a live build (its `.punchline-manifest.json`
//! lists every file with its hash), the `deploy:` section of site.yaml, and
//! the environment (credentials). Output: the target holding exactly the
//! build, a [`Report`], and the list of changed URLs.
//!
//! Stages, each its own module: [`config`] (site.yaml) -> read both
//! manifests -> [`plan`] (diff, order, max-deletes guard; pure) ->
//! [`gone`] (no live URL vanishes without an alias or leave) ->
//! [`apply`] (verify sources, ordered parallel uploads with retries, deletes)
//! -> [`urls`] (changed-URLs file, invalidation hook) -> manifest, last.
//! [`headers`] gives each file its content type and cache rule; [`target`]
//! hides the difference between a folder and a bucket.
//!
//! Invariants: a preview build (to a production target) or a folder without a manifest is refused
//! before the target is touched; the target's manifest is replaced only by
//! a deploy that finished every transfer (and the hook), so an interrupted
//! deploy leaves the previous site whole and the next one completes it;
//! only this module talks to a bucket.

pub mod apply;
pub mod config;
pub mod gone;
pub mod headers;
pub mod plan;
pub mod target;
pub mod urls;

use crate::config::SiteConfig;
use crate::diagnostic::{has_errors, Diagnostic};
use crate::output::{Manifest, MANIFEST_FILE};
use apply::{Applied, ApplyError, ApplyOptions, Progress};
use config::DeployConfig;
use plan::{Plan, StoredManifest};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use target::{Target, TargetError};

/// What to deploy where.
#[derive(Debug, Clone)]
pub struct DeployOptions {
    /// The site root (site.yaml).
    pub root: PathBuf,
    /// The built site.
    pub output: PathBuf,
    /// The target's name in site.yaml (optional when there is only one).
    pub target: Option<String>,
    /// Plan only; change nothing.
    pub dry_run: bool,
    /// Delete files that are gone from the build.
    pub delete: bool,
    /// Refuse plans deleting more files than this.
    pub max_deletes: usize,
    /// Where to write the changed URLs.
    pub changed_urls: Option<PathBuf>,
    /// Vanished URLs the deploy may let go (see [`gone`]).
    pub allow_gone: gone::Allow,
}

/// The first retry's wait; each next one doubles it.
const BACKOFF: Duration = Duration::from_millis(250);

impl DeployOptions {
    /// Defaults for the site at `root`: output in `root/public`, no deletes.
    pub fn new(root: impl Into<PathBuf>) -> DeployOptions {
        let root = root.into();
        DeployOptions {
            output: root.join("public"),
            root,
            target: None,
            dry_run: false,
            delete: false,
            max_deletes: 256,
            changed_urls: None,
            allow_gone: gone::Allow::default(),
        }
    }
}

/// What a deploy did (or, in a dry run, would do).
#[derive(Debug)]
pub struct Report {
    /// The target's name.
    pub target: String,
    /// Where it is (no credentials).
    pub location: String,
    /// Whether this was a dry run.
    pub dry_run: bool,
    /// The plan.
    pub plan: Plan,
    /// What was done.
    pub applied: Applied,
    /// Absolute URLs of uploaded and deleted files.
    pub changed_urls: Vec<String>,
    /// Whether the invalidation hook ran.
    pub hook_ran: bool,
    /// Wall time.
    pub duration: Duration,
    /// Warnings; in a dry run also the errors the real deploy would stop
    /// at (the max-deletes guard), so the plan is still shown.
    pub diagnostics: Vec<Diagnostic>,
}

/// Why a deploy failed.
#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    /// Bad input (site.yaml, the build folder, the guard): nothing was changed.
    #[error("{}", crate::diagnostic::Error::Diagnostics(.0.clone()))]
    Input(Vec<Diagnostic>),
    /// The target's manifest could not be read: nothing was changed.
    #[error("cannot read the target's manifest: {0}")]
    Remote(TargetError),
    /// A transfer failed midway.
    #[error(
        "deploy to '{target}' stopped after {} uploads and {} deletes: {error}\n\
         The target still has its previous manifest and every file it lists; \
         run the same deploy again to complete it.",
        applied.uploaded, applied.deleted
    )]
    Interrupted {
        /// The target's name.
        target: String,
        /// The error.
        error: Box<ApplyError>,
        /// What was done before it.
        applied: Applied,
    },
    /// The invalidation hook failed; the manifest was not written, so the
    /// next deploy sends the same changes and runs the hook again.
    #[error("{0}; the files are uploaded, but the manifest was not written: the next deploy retries")]
    Hook(String),
    /// A local file could not be written.
    #[error("{0}")]
    Local(crate::diagnostic::Error),
}

impl DeployError {
    /// 1 for bad input, 2 when the deploy could not run.
    pub fn exit_code(&self) -> u8 {
        match self {
            DeployError::Input(_) => 1,
            _ => 2,
        }
    }
}

/// Plans and (unless a dry run) applies a deploy. `env` reads environment
/// variables (credentials, endpoint, region).
pub fn deploy(
    opts: &DeployOptions,
    env: &dyn Fn(&str) -> Option<String>,
    progress: &dyn Progress,
) -> Result<Report, DeployError> {
    let started = Instant::now();
    let mut diags = Vec::new();
    let site = SiteConfig::load(&opts.root, &mut diags).map_err(DeployError::Local)?;
    let cfg = DeployConfig::read(&site.raw, &site.path, &opts.root, &mut diags);
    let spec = cfg
        .target(opts.target.as_deref(), &site.path)
        .map_err(|d| diags.push(d))
        .ok();
    let kind = spec.map(|s| s.kind).unwrap_or_default();
    let local = read_build_manifest(&opts.output, kind).map_err(|d| diags.push(d)).ok();
    if has_errors(&diags) {
        crate::diagnostic::sort(&mut diags);
        return Err(DeployError::Input(diags));
    }
    let (spec, local) = (spec.expect("no errors"), local.expect("no errors"));
    let target = target::open(spec, env, &site.path).map_err(|d| DeployError::Input(vec![d]))?;
    let apply_opts = ApplyOptions {
        concurrency: cfg.concurrency,
        retries: cfg.retries,
        backoff: BACKOFF,
    };
    let remote = read_target_manifest(target.as_ref(), &apply_opts, &mut diags)?;
    let pending = apply::read_pending(target.as_ref(), &apply_opts).map_err(DeployError::Remote)?;
    let style = target.compression();
    let plan = plan::plan(
        &local,
        plan::believed(remote.as_ref(), &pending).as_ref(),
        |p| {
            let mut h = headers::for_path(p, &cfg, style);
            let to = local.files.get(p).and_then(|r| r.redirect.as_deref());
            h.redirect = to.map(|to| site.permalink(to));
            h
        },
        opts.delete,
    );
    if let Some(remote) = &remote {
        let refused = gone::refuse(&gone::vanished(&local, remote), &opts.allow_gone, &site.base_url);
        if !refused.is_empty() {
            if !opts.dry_run {
                return Err(DeployError::Input(refused));
            }
            diags.extend(refused);
        }
    }
    if opts.delete {
        if let Err(d) = plan::check_deletes(&plan, opts.max_deletes, &opts.output) {
            if !opts.dry_run {
                return Err(DeployError::Input(vec![d]));
            }
            diags.push(d);
        }
    }
    let mut report = Report {
        target: spec.name.clone(),
        location: target.describe(),
        dry_run: opts.dry_run,
        changed_urls: urls::changed(&site.base_url, &plan),
        plan,
        applied: Applied::default(),
        hook_ran: false,
        duration: Duration::ZERO,
        diagnostics: diags,
    };
    if !opts.dry_run {
        apply_plan(
            opts,
            &cfg,
            target.as_ref(),
            &apply_opts,
            (remote.as_ref(), &pending),
            &mut report,
            progress,
        )?;
    }
    report.duration = started.elapsed();
    Ok(report)
}

/// The vanished URLs (see [`gone`]) of the build whose manifest is
/// `local`, against the target `name`'s stored manifest, as DEP009 errors:
/// what `check --target` reports before deploy time. A target that cannot
/// be read is an error too: nothing could be checked.
pub fn check_target(
    root: &Path,
    name: &str,
    local: &Manifest,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<Diagnostic>, DeployError> {
    let mut diags = Vec::new();
    let site = SiteConfig::load(root, &mut diags).map_err(DeployError::Local)?;
    let cfg = DeployConfig::read(&site.raw, &site.path, root, &mut diags);
    let spec = cfg
        .target(Some(name), &site.path)
        .map_err(|d| DeployError::Input(vec![d]))?;
    let target = target::open(spec, env, &site.path).map_err(|d| DeployError::Input(vec![d]))?;
    let apply_opts = ApplyOptions {
        concurrency: cfg.concurrency,
        retries: cfg.retries,
        backoff: BACKOFF,
    };
    let mut warnings = Vec::new();
    let remote = read_target_manifest(target.as_ref(), &apply_opts, &mut warnings)?;
    warnings.extend(remote.map_or_else(Vec::new, |r| {
        gone::refuse(&gone::vanished(local, &r), &gone::Allow::default(), &site.base_url)
    }));
    Ok(warnings)
}

/// Verifies the sources, lists what will change, transfers, runs the hook,
/// writes the manifest, clears the list. `remote`: the target's manifest
/// and the paths a killed deploy was changing.
fn apply_plan(
    opts: &DeployOptions,
    cfg: &DeployConfig,
    target: &dyn Target,
    apply_opts: &ApplyOptions,
    (remote, pending): (Option<&StoredManifest>, &[String]),
    report: &mut Report,
    progress: &dyn Progress,
) -> Result<(), DeployError> {
    let problems = apply::verify_sources(&report.plan, &opts.output);
    if !problems.is_empty() {
        return Err(DeployError::Input(problems));
    }
    let interrupted = |e: TargetError| DeployError::Interrupted {
        target: report.target.clone(),
        error: Box::new(ApplyError::Target(e)),
        applied: Applied::default(),
    };
    target.begin().map_err(interrupted)?;
    if !report.plan.is_empty() {
        apply::write_pending(target, &report.plan, pending, apply_opts).map_err(interrupted)?;
    }
    let (applied, result) = apply::transfer(&report.plan, &opts.output, target, apply_opts, progress);
    report.applied = applied.clone();
    if let Err(error) = result {
        return Err(DeployError::Interrupted {
            target: report.target.clone(),
            error: Box::new(error),
            applied,
        });
    }
    let text = urls::file_text(&report.changed_urls);
    if let Some(path) = &opts.changed_urls {
        std::fs::write(path, &text).map_err(|e| DeployError::Local(crate::diagnostic::Error::io(path, e)))?;
    }
    if let (Some(hook), false) = (&cfg.invalidate, report.changed_urls.is_empty()) {
        run_hook(hook, opts, &report.target, &text)?;
        report.hook_ran = true;
    }
    let interrupted = |e: TargetError| DeployError::Interrupted {
        target: report.target.clone(),
        error: Box::new(ApplyError::Target(e)),
        applied: applied.clone(),
    };
    if remote != Some(&report.plan.manifest) {
        apply::write_manifest(target, &report.plan.manifest, apply_opts).map_err(interrupted)?;
    }
    if !report.plan.is_empty() || !pending.is_empty() {
        apply::clear_pending(target, apply_opts).map_err(interrupted)?;
    }
    Ok(())
}

fn run_hook(hook: &str, opts: &DeployOptions, target: &str, text: &str) -> Result<(), DeployError> {
    // The hook gets the user's file when there is one, else a temporary one.
    let tmp;
    let file = match &opts.changed_urls {
        Some(p) => std::path::absolute(p).unwrap_or_else(|_| p.clone()),
        None => {
            tmp = tempfile::NamedTempFile::new()
                .map_err(|e| DeployError::Local(crate::diagnostic::Error::io(&std::env::temp_dir(), e)))?;
            std::fs::write(tmp.path(), text)
                .map_err(|e| DeployError::Local(crate::diagnostic::Error::io(tmp.path(), e)))?;
            tmp.path().to_path_buf()
        }
    };
    urls::run_hook(hook, &file, target, &opts.root).map_err(DeployError::Hook)
}

/// Reads and checks the build's manifest: it must exist, and be a live
/// build unless the target is a preview target.
pub fn read_build_manifest(output: &Path, kind: config::TargetKind) -> Result<Manifest, Diagnostic> {
    let path = output.join(MANIFEST_FILE);
    let text = match std::fs::read(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let what = if output.is_dir() {
                "has no build manifest (it was not written by a finished 'punchline build')"
            } else {
                "does not exist"
            };
            return Err(Diagnostic::error("DEP003", output, format!("the output folder {what}"))
                .help("run 'punchline build' first, or point --output at the built site"));
        }
        Err(e) => {
            return Err(Diagnostic::error(
                "DEP003",
                &path,
                format!("cannot read the build manifest: {e}"),
            ))
        }
    };
    let manifest: Manifest = serde_json::from_slice(&text).map_err(|e| {
        Diagnostic::error("DEP007", &path, format!("the build manifest is not valid: {e}"))
            .at(e.line(), e.column())
            .help("run 'punchline build' again")
    })?;
    if manifest.version != 1 {
        return Err(Diagnostic::error(
            "DEP007",
            &path,
            format!(
                "the build manifest has version {}, this punchline reads version 1",
                manifest.version
            ),
        )
        .help("build and deploy with the same punchline version"));
    }
    let accepted = manifest.mode == "live" || (kind == config::TargetKind::Preview && manifest.mode == "preview");
    if !accepted {
        return Err(Diagnostic::error(
            "DEP004",
            &path,
            format!("refusing to deploy a {} build to a {} target", manifest.mode, kind.name()),
        )
        .help("preview builds show unpublished items; run 'punchline build' without --preview or --drafts, or deploy to a target with 'kind: preview'"));
    }
    Ok(manifest)
}

/// Reads the target's manifest. A corrupt one is a warning: the deploy
/// then uploads everything and deletes nothing, which is always safe.
fn read_target_manifest(
    target: &dyn Target,
    opts: &ApplyOptions,
    diags: &mut Vec<Diagnostic>,
) -> Result<Option<StoredManifest>, DeployError> {
    let Some(bytes) = apply::read_manifest(target, opts).map_err(DeployError::Remote)? else {
        return Ok(None);
    };
    match serde_json::from_slice::<StoredManifest>(&bytes) {
        Ok(mut m) => {
            // A manifest is whatever the bucket holds: a path like
            // `../other/x` must never become a delete outside the target.
            let listed = m.files.len();
            m.files.retain(|path, _| crate::output::checked_relative(path).is_ok());
            if m.files.len() < listed {
                diags.push(
                    Diagnostic::warning(
                        "DEP007",
                        MANIFEST_FILE,
                        format!(
                            "the target's manifest lists {} path(s) outside the target (such as '../x'); they are ignored",
                            listed - m.files.len()
                        ),
                    )
                    .help("the manifest in the target was changed by hand or by someone else; nothing outside the target is deleted or written"),
                );
            }
            Ok(Some(m))
        }
        Err(e) => {
            diags.push(
                Diagnostic::warning(
                    "DEP007",
                    MANIFEST_FILE,
                    format!("the target's manifest is not valid ({e}); uploading every file"),
                )
                .help("files only the old manifest knew are not deleted; remove them by hand if needed"),
            );
            Ok(None)
        }
    }
}
