//! Applying a plan: uploads in ordered groups, then deletes, then the manifest.
//!
//! Input: a [`Plan`], the build's output folder and a [`Target`]. Output:
//! what was done ([`Applied`]) or the first error that survived its retries.
//!
//! Invariants:
//! - every file to upload is read and checked against the build manifest's
//!   hash before anything is sent ([`verify_sources`]), so a folder changed
//!   since the build fails the deploy before it starts;
//! - a group starts only when the one before it has finished (deletes go
//!   in groups too, pages before the assets they used); after an
//!   error nothing new starts (in-flight transfers finish), and the
//!   manifest is not written: the target keeps the previous manifest and
//!   every file that manifest names, so the next deploy completes the work;
//! - at most `concurrency` transfers are in flight; transient errors are
//!   retried with exponential backoff.

use super::headers::{self, ObjectHeaders};
use super::plan::{Group, Plan, StoredManifest, Upload};
use super::target::{Target, TargetError};
use crate::diagnostic::Diagnostic;
use crate::output::{checked_relative, MANIFEST_FILE};
use rayon::prelude::*;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// How to apply.
#[derive(Debug, Clone, Copy)]
pub struct ApplyOptions {
    /// Transfers in flight at once.
    pub concurrency: usize,
    /// Retries after a transient error.
    pub retries: u32,
    /// The first retry's wait; each next one doubles it (with jitter, at most 10 s).
    pub backoff: Duration,
}

/// Progress of the transfers (a terminal shows a bar; tests and CI nothing).
pub trait Progress: Sync {
    /// A phase (`assets`, `pages`, `deletes`...) starts with `files` files of `bytes` bytes.
    fn phase(&self, name: &str, files: usize, bytes: u64);
    /// One more file done, of `bytes` bytes.
    fn advance(&self, bytes: u64);
    /// Everything is done (or failed): clear the display.
    fn finish(&self);
}

/// No progress display.
pub struct Silent;

impl Progress for Silent {
    fn phase(&self, _: &str, _: usize, _: u64) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}

/// What an apply did (also on failure: what was done before it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// Files uploaded.
    pub uploaded: usize,
    /// Files deleted.
    pub deleted: usize,
    /// Bytes of the uploaded files (before compression).
    pub bytes: u64,
    /// Transfers that needed a retry.
    pub retries: usize,
}

/// Reads every file the plan uploads and checks it against its manifest
/// hash; reports every missing or changed file at once.
pub fn verify_sources(plan: &Plan, output: &Path) -> Vec<Diagnostic> {
    plan.uploads
        .par_iter()
        .filter_map(|u| read_source(output, u).err())
        .collect()
}

/// Reads one source file and checks its hash.
fn read_source(output: &Path, u: &Upload) -> Result<Vec<u8>, Diagnostic> {
    let rel = checked_relative(&u.path).map_err(|e| source_problem(output, &u.path, e.to_string()))?;
    let bytes = std::fs::read(output.join(rel)).map_err(|e| source_problem(output, &u.path, e.to_string()))?;
    let hash = format!("{:032x}", xxhash_rust::xxh3::xxh3_128(&bytes));
    if hash != u.hash || bytes.len() as u64 != u.size {
        return Err(source_problem(
            output,
            &u.path,
            "the file changed after the build wrote its manifest".into(),
        ));
    }
    Ok(bytes)
}

fn source_problem(output: &Path, path: &str, what: String) -> Diagnostic {
    Diagnostic::error("DEP006", output.join(path), format!("cannot deploy this file: {what}"))
        .help("run 'punchline build' again, then deploy; do not edit the output folder by hand")
}

/// Why an apply stopped.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// A transfer failed after its retries.
    #[error("{0}")]
    Target(TargetError),
    /// A source file changed while deploying.
    #[error("{0}")]
    Source(Diagnostic),
}

/// Uploads in group order, then deletes. Does not write the manifest.
pub fn transfer(
    plan: &Plan,
    output: &Path,
    target: &dyn Target,
    opts: &ApplyOptions,
    progress: &dyn Progress,
) -> (Applied, Result<(), ApplyError>) {
    let mut applied = Applied::default();
    let result = transfer_into(plan, output, target, opts, progress, &mut applied);
    progress.finish();
    (applied, result)
}

fn transfer_into(
    plan: &Plan,
    output: &Path,
    target: &dyn Target,
    opts: &ApplyOptions,
    progress: &dyn Progress,
    applied: &mut Applied,
) -> Result<(), ApplyError> {
    let mut start = 0;
    while start < plan.uploads.len() {
        let group = plan.uploads[start].group;
        let end = plan.uploads[start..]
            .iter()
            .position(|u| u.group != group)
            .map_or(plan.uploads.len(), |i| start + i);
        upload_group(
            &plan.uploads[start..end],
            group,
            output,
            target,
            opts,
            progress,
            applied,
        )?;
        start = end;
    }
    let mut start = 0;
    while start < plan.deletes.len() {
        let group = Group::of(&plan.deletes[start]);
        let end = plan.deletes[start..]
            .iter()
            .position(|p| Group::of(p) != group)
            .map_or(plan.deletes.len(), |i| start + i);
        delete_group(&plan.deletes[start..end], group, target, opts, progress, applied)?;
        start = end;
    }
    Ok(())
}

fn delete_group(
    paths: &[String],
    group: Group,
    target: &dyn Target,
    opts: &ApplyOptions,
    progress: &dyn Progress,
    applied: &mut Applied,
) -> Result<(), ApplyError> {
    progress.phase(&format!("deleting {}", group.label()), paths.len(), 0);
    let retries = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let result = parallel(paths, opts.concurrency, |path| {
        with_retries(opts, path, &retries, || target.delete(path)).map_err(ApplyError::Target)?;
        done.fetch_add(1, Ordering::Relaxed);
        progress.advance(0);
        Ok(())
    });
    applied.deleted += done.into_inner();
    applied.retries += retries.into_inner();
    result
}

fn upload_group(
    items: &[Upload],
    group: Group,
    output: &Path,
    target: &dyn Target,
    opts: &ApplyOptions,
    progress: &dyn Progress,
    applied: &mut Applied,
) -> Result<(), ApplyError> {
    progress.phase(group.label(), items.len(), items.iter().map(|u| u.size).sum());
    let retries = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let bytes = AtomicU64::new(0);
    let result = parallel(items, opts.concurrency, |u| {
        let source = read_source(output, u).map_err(ApplyError::Source)?;
        let body = match u.headers.content_encoding {
            Some(enc) => headers::compress(&source, enc),
            None => source,
        };
        with_retries(opts, &u.path, &retries, || target.put(&u.path, &body, &u.headers)).map_err(ApplyError::Target)?;
        done.fetch_add(1, Ordering::Relaxed);
        bytes.fetch_add(u.size, Ordering::Relaxed);
        progress.advance(u.size);
        Ok(())
    });
    applied.uploaded += done.into_inner();
    applied.bytes += bytes.into_inner();
    applied.retries += retries.into_inner();
    result
}

/// Writes the manifest, the very last step of a successful deploy.
pub fn write_manifest(target: &dyn Target, manifest: &StoredManifest, opts: &ApplyOptions) -> Result<(), TargetError> {
    let json = serde_json::to_vec_pretty(manifest).expect("plain data always serializes");
    let headers: ObjectHeaders = headers::manifest();
    let retries = AtomicUsize::new(0);
    with_retries(opts, MANIFEST_FILE, &retries, || {
        target.put(MANIFEST_FILE, &json, &headers)
    })
}

/// The object naming the paths a deploy is changing: written before its
/// first transfer, removed after its manifest. A deploy killed in between
/// leaves it, and the next deploy believes nothing the old manifest says
/// about those paths (their objects may be new, or gone).
pub const PENDING_FILE: &str = ".punchline-pending.json";

/// The paths a killed deploy was changing (empty when none was killed;
/// an unreadable list is taken as empty).
pub fn read_pending(target: &dyn Target, opts: &ApplyOptions) -> Result<Vec<String>, TargetError> {
    let retries = AtomicUsize::new(0);
    let bytes = with_retries(opts, PENDING_FILE, &retries, || target.get(PENDING_FILE))?;
    let paths: Vec<String> = bytes.and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
    // Like the manifest, the list is the target's word: only paths inside it count.
    Ok(paths.into_iter().filter(|p| checked_relative(p).is_ok()).collect())
}

/// Stores the paths `plan` uploads or deletes (with what an earlier killed
/// deploy was changing) before anything is transferred.
pub fn write_pending(
    target: &dyn Target,
    plan: &Plan,
    earlier: &[String],
    opts: &ApplyOptions,
) -> Result<(), TargetError> {
    let mut paths: Vec<&str> = plan.uploads.iter().map(|u| u.path.as_str()).collect();
    paths.extend(plan.deletes.iter().map(String::as_str));
    paths.extend(earlier.iter().map(String::as_str));
    paths.sort_unstable();
    paths.dedup();
    let json = serde_json::to_vec(&paths).expect("plain data always serializes");
    let retries = AtomicUsize::new(0);
    with_retries(opts, PENDING_FILE, &retries, || {
        target.put(PENDING_FILE, &json, &headers::manifest())
    })
}

/// Removes the pending list once the manifest is written.
pub fn clear_pending(target: &dyn Target, opts: &ApplyOptions) -> Result<(), TargetError> {
    let retries = AtomicUsize::new(0);
    with_retries(opts, PENDING_FILE, &retries, || target.delete(PENDING_FILE))
}

/// Reads the target's manifest (with retries). `Ok(None)`: a first deploy.
pub fn read_manifest(target: &dyn Target, opts: &ApplyOptions) -> Result<Option<Vec<u8>>, TargetError> {
    let retries = AtomicUsize::new(0);
    with_retries(opts, MANIFEST_FILE, &retries, || target.get(MANIFEST_FILE))
}

/// Runs `f` on every item with at most `concurrency` at once. After the
/// first error no new item starts; that error is returned.
fn parallel<T: Sync, E: Send>(
    items: &[T],
    concurrency: usize,
    f: impl Fn(&T) -> Result<(), E> + Sync,
) -> Result<(), E> {
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let first_error: Mutex<Option<E>> = Mutex::new(None);
    let workers = concurrency.clamp(1, items.len().max(1));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                if let Err(e) = f(item) {
                    stop.store(true, Ordering::Relaxed);
                    first_error.lock().expect("no panics while held").get_or_insert(e);
                    break;
                }
            });
        }
    });
    match first_error.into_inner().expect("no panics while held") {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Runs `op`, retrying transient errors with exponential backoff and jitter.
fn with_retries<T>(
    opts: &ApplyOptions,
    key: &str,
    retried: &AtomicUsize,
    mut op: impl FnMut() -> Result<T, TargetError>,
) -> Result<T, TargetError> {
    let mut attempt = 0;
    loop {
        match op() {
            Ok(v) => return Ok(v),
            Err(e) if e.transient && attempt < opts.retries => {
                if attempt == 0 {
                    retried.fetch_add(1, Ordering::Relaxed);
                }
                std::thread::sleep(backoff(opts.backoff, attempt, key));
                attempt += 1;
            }
            Err(mut e) => {
                if attempt > 0 {
                    e.message = format!("{} (after {} retries)", e.message, attempt);
                }
                return Err(e);
            }
        }
    }
}

/// `base * 2^attempt`, at most 10 s, plus up to 50 % jitter so that many
/// workers failing together do not retry in lockstep.
fn backoff(base: Duration, attempt: u32, key: &str) -> Duration {
    let exp = base.saturating_mul(1 << attempt.min(16)).min(Duration::from_secs(10));
    let seed = xxhash_rust::xxh3::xxh3_64(format!("{key}:{attempt}:{:?}", std::time::Instant::now()).as_bytes());
    let jitter = exp.mul_f64((seed % 1000) as f64 / 2000.0);
    exp + jitter
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::config::DeployConfig;
    use crate::deploy::headers::CompressionStyle;
    use crate::deploy::plan;
    use crate::deploy::target::FileTarget;
    use crate::output::{FileRecord, Manifest};

    /// Picks operations to fail: `Some(transient)` fails the call.
    type FailFilter = Box<dyn Fn(&str, usize) -> Option<bool> + Send + Sync>;

    /// A target that records the order of completed operations, wrapping a
    /// real one, and fails the operations its `fail` filter picks.
    struct Recording<T> {
        inner: T,
        log: Mutex<Vec<String>>,
        fail: FailFilter,
        calls: AtomicUsize,
    }

    impl<T: Target> Recording<T> {
        fn new(inner: T) -> Self {
            Recording {
                inner,
                log: Mutex::new(Vec::new()),
                fail: Box::new(|_, _| None),
                calls: AtomicUsize::new(0),
            }
        }

        fn check(&self, path: &str) -> Result<(), TargetError> {
            let n = self.calls.fetch_add(1, Ordering::SeqCst);
            match (self.fail)(path, n) {
                Some(transient) => Err(TargetError {
                    op: "PUT",
                    path: path.into(),
                    message: "injected".into(),
                    transient,
                }),
                None => Ok(()),
            }
        }
    }

    impl<T: Target> Target for Recording<T> {
        fn describe(&self) -> String {
            self.inner.describe()
        }
        fn compression(&self) -> CompressionStyle {
            self.inner.compression()
        }
        fn get(&self, path: &str) -> Result<Option<Vec<u8>>, TargetError> {
            self.inner.get(path)
        }
        fn put(&self, path: &str, body: &[u8], h: &ObjectHeaders) -> Result<(), TargetError> {
            self.check(path)?;
            self.inner.put(path, body, h)?;
            self.log.lock().unwrap().push(format!("put {path}"));
            Ok(())
        }
        fn delete(&self, path: &str) -> Result<(), TargetError> {
            self.inner.delete(path)?;
            self.log.lock().unwrap().push(format!("delete {path}"));
            Ok(())
        }
    }

    const OPTS: ApplyOptions = ApplyOptions {
        concurrency: 4,
        retries: 2,
        backoff: Duration::from_millis(1),
    };

    /// Writes a build output folder and its manifest.
    fn build(dir: &Path, files: &[(&str, &str)]) -> Manifest {
        let mut m = Manifest {
            version: 1,
            mode: "live".into(),
            files: Default::default(),
        };
        for (p, text) in files {
            let full = dir.join(p);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(&full, text).unwrap();
            let rec = FileRecord {
                hash: format!("{:032x}", xxhash_rust::xxh3::xxh3_128(text.as_bytes())),
                size: text.len() as u64,
                source: None,
                redirect: None,
            };
            m.files.insert(p.to_string(), rec);
        }
        m
    }

    fn plan_for(m: &Manifest, remote: Option<&StoredManifest>, delete: bool) -> Plan {
        let cfg = DeployConfig::default();
        plan::plan(
            m,
            remote,
            |p| headers::for_path(p, &cfg, CompressionStyle::Siblings),
            delete,
        )
    }

    const SITE: &[(&str, &str)] = &[
        ("index.html", "<link href=/css/site.1a2b3c4d.css>"),
        ("jokes/a/index.html", "a"),
        ("css/site.1a2b3c4d.css", "body{}"),
        ("fonts/x.woff2", "font"),
        ("images/cat.png", "png"),
        ("js/app.0badcafe.js", "js"),
        ("jokes/atom.xml", "<feed/>"),
        ("search-index.json", "[]"),
        ("sitemap-1.xml", "<urlset/>"),
        ("sitemap.xml", "<sitemapindex/>"),
        ("robots.txt", "Sitemap: /sitemap.xml"),
    ];

    #[test]
    fn folder_target_receives_assets_then_pages_then_feeds_then_manifest() {
        let src = tempfile::tempdir().unwrap();
        let dst = tempfile::tempdir().unwrap();
        let m = build(src.path(), SITE);
        let target = Recording::new(FileTarget::new(dst.path()));
        let p = plan_for(&m, None, false);
        assert!(verify_sources(&p, src.path()).is_empty());
        let (applied, result) = transfer(&p, src.path(), &target, &OPTS, &Silent);
        result.unwrap();
        write_manifest(&target, &p.manifest, &OPTS).unwrap();
        assert_eq!(applied.uploaded, SITE.len());
        let log = target.log.into_inner().unwrap();
        let pos = |name: &str| log.iter().position(|l| l == &format!("put {name}")).unwrap();
        let assets = [
            "css/site.1a2b3c4d.css",
            "fonts/x.woff2",
            "images/cat.png",
            "js/app.0badcafe.js",
        ];
        let pages = ["index.html", "jokes/a/index.html"];
        let feeds = ["jokes/atom.xml", "search-index.json", "sitemap-1.xml"];
        let last_asset = assets.iter().map(|a| pos(a)).max().unwrap();
        let first_page = pages.iter().map(|a| pos(a)).min().unwrap();
        let last_page = pages.iter().map(|a| pos(a)).max().unwrap();
        let first_feed = feeds.iter().map(|a| pos(a)).min().unwrap();
        let last_feed = feeds.iter().map(|a| pos(a)).max().unwrap();
        assert!(last_asset < first_page, "{log:?}");
        assert!(last_page < first_feed, "{log:?}");
        assert!(
            last_feed < pos("sitemap.xml") && last_feed < pos("robots.txt"),
            "{log:?}"
        );
        assert_eq!(log.last().unwrap(), &format!("put {MANIFEST_FILE}"), "{log:?}");
        assert_eq!(
            std::fs::read_to_string(dst.path().join("index.html")).unwrap(),
            SITE[0].1
        );
    }

    #[test]
    fn deletes_come_after_uploads_pages_first() {
        let src = tempfile::tempdir().unwrap();
        let dst = tempfile::tempdir().unwrap();
        let first = build(src.path(), SITE);
        let target = Recording::new(FileTarget::new(dst.path()));
        let p = plan_for(&first, None, false);
        transfer(&p, src.path(), &target, &OPTS, &Silent).1.unwrap();
        std::fs::remove_dir_all(src.path()).unwrap();
        let second = build(
            src.path(),
            &[
                ("index.html", "<link href=/css/site.99999999.css>"),
                ("css/site.99999999.css", "b{}"),
            ],
        );
        let p2 = plan_for(&second, Some(&p.manifest), true);
        target.log.lock().unwrap().clear();
        let (applied, result) = transfer(&p2, src.path(), &target, &OPTS, &Silent);
        result.unwrap();
        assert_eq!((applied.uploaded, applied.deleted), (2, SITE.len() - 1));
        let log = target.log.into_inner().unwrap();
        assert_eq!(log[0], "put css/site.99999999.css");
        assert_eq!(log[1], "put index.html");
        let del_page = log.iter().position(|l| l == "delete jokes/a/index.html").unwrap();
        let del_css = log.iter().position(|l| l == "delete css/site.1a2b3c4d.css").unwrap();
        assert!(del_page < del_css, "{log:?}");
        assert!(!dst.path().join("jokes").exists());
    }

    #[test]
    fn transient_errors_are_retried_permanent_ones_stop_the_deploy() {
        let src = tempfile::tempdir().unwrap();
        let dst = tempfile::tempdir().unwrap();
        let m = build(src.path(), SITE);
        let p = plan_for(&m, None, false);
        // Every first attempt fails, transiently: all succeed on retry.
        let mut t = Recording::new(FileTarget::new(dst.path()));
        let seen = Mutex::new(std::collections::HashSet::new());
        t.fail = Box::new(move |path, _| seen.lock().unwrap().insert(path.to_string()).then_some(true));
        let (applied, result) = transfer(&p, src.path(), &t, &OPTS, &Silent);
        result.unwrap();
        assert_eq!((applied.uploaded, applied.retries), (SITE.len(), SITE.len()));
        // A permanent error in the assets: no page is sent, and nothing after.
        let dst2 = tempfile::tempdir().unwrap();
        let mut t = Recording::new(FileTarget::new(dst2.path()));
        t.fail = Box::new(|path, _| (path == "fonts/x.woff2").then_some(false));
        let (_, result) = transfer(&p, src.path(), &t, &OPTS, &Silent);
        assert!(matches!(result, Err(ApplyError::Target(ref e)) if e.path == "fonts/x.woff2"));
        let log = t.log.into_inner().unwrap();
        assert!(
            log.iter().all(|l| !l.ends_with(".html") && !l.ends_with(".xml")),
            "{log:?}"
        );
    }

    #[test]
    fn a_changed_source_file_is_caught_before_anything_is_sent() {
        let src = tempfile::tempdir().unwrap();
        let m = build(src.path(), SITE);
        let p = plan_for(&m, None, false);
        std::fs::write(src.path().join("jokes/a/index.html"), "edited by hand").unwrap();
        std::fs::remove_file(src.path().join("robots.txt")).unwrap();
        let problems = verify_sources(&p, src.path());
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems.iter().all(|d| d.code == "DEP006"));
    }

    #[test]
    fn bounded_parallelism() {
        let in_flight = AtomicUsize::new(0);
        let peak = AtomicUsize::new(0);
        let items: Vec<usize> = (0..64).collect();
        parallel(&items, 3, |_| {
            let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(2));
            in_flight.fetch_sub(1, Ordering::SeqCst);
            Ok::<(), ()>(())
        })
        .unwrap();
        assert!(peak.load(Ordering::SeqCst) <= 3);
        assert!(peak.load(Ordering::SeqCst) >= 2, "runs in parallel");
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let b = Duration::from_millis(100);
        assert!(backoff(b, 0, "k") >= b && backoff(b, 0, "k") <= b * 3 / 2);
        assert!(backoff(b, 3, "k") >= b * 8);
        assert!(backoff(b, 30, "k") <= Duration::from_secs(15));
    }
}
