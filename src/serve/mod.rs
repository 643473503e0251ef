//! `punchline serve`: build, serve from memory, watch, rebuild what an edit
//! reaches, and reload the browsers showing it.
//!
//! Input: the site root and [`ServeOptions`]. Output: an HTTP server on
//! 127.0.0.1 (unless told otherwise) that never exits on a bad edit: the
//! last good site keeps being served and the errors show in the terminal
//! and, as an overlay, in the browser until the file is fixed.

pub mod conn;
pub mod engine;
pub mod http;
pub mod watch;

use crate::diagnostic::{Error, Result};
use engine::{Changes, Engine, Rebuilt};
use http::Shared;
use notify_debouncer_full::{new_debouncer, notify::RecursiveMode, DebounceEventResult};
use serde_json::json;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site root.
    pub root: PathBuf,
    /// Address to bind (default 127.0.0.1).
    pub bind: String,
    /// Port (0 picks a free one).
    pub port: u16,
    /// Show work in review too.
    pub preview: bool,
    /// Show drafts too (implies `preview`).
    pub drafts: bool,
    /// A fixed clock, if any.
    pub now: Option<jiff::Timestamp>,
    /// Base URL for canonical links and feeds; default: the server's own
    /// address, so every absolute link works in the preview.
    pub base_url: Option<String>,
    /// Open a browser once serving.
    pub open: bool,
    /// Quiet time after the last file event before rebuilding (an editor's
    /// save-and-rename storm becomes one rebuild).
    pub debounce: Duration,
}

/// Serves until the process is stopped.
pub fn run(opts: &ServeOptions) -> Result<()> {
    let root = opts.root.canonicalize().map_err(|e| Error::io(&opts.root, e))?;
    let listener = std::net::TcpListener::bind((opts.bind.as_str(), opts.port))
        .and_then(|l| l.local_addr().map(|a| (l, a)))
        .map_err(|e| {
            Error::Usage(format!(
                "cannot listen on {}:{}: {e} (try another --port)",
                opts.bind, opts.port
            ))
        });
    let (listener, bound) = listener?;
    let addr = bound.to_string();
    // Watch before the first build: an edit made while it runs is not lost.
    let (tx, rx) = std::sync::mpsc::channel::<DebounceEventResult>();
    let mut debouncer =
        new_debouncer(opts.debounce, None, tx).map_err(|e| Error::Usage(format!("cannot watch files: {e}")))?;
    for dir in ["content", "themes", "static"] {
        let p = root.join(dir);
        if p.is_dir() {
            debouncer
                .watch(&p, RecursiveMode::Recursive)
                .map_err(|e| Error::Usage(format!("cannot watch {}: {e}", p.display())))?;
        }
    }
    debouncer
        .watch(&root, RecursiveMode::NonRecursive)
        .map_err(|e| Error::Usage(format!("cannot watch {}: {e}", root.display())))?;
    let shared = Arc::new(Shared::default());
    let base_url = opts.base_url.clone().unwrap_or_else(|| format!("http://{addr}"));
    let mut engine = Engine::new(&root, opts.preview, opts.now, Some(base_url)).with_drafts(opts.drafts);
    let started = Instant::now();
    let first = engine.rebuild(&Changes {
        config: true,
        ..Changes::default()
    });
    publish(&engine, &shared, &first, "initial build", started, 0);
    let hosts = conn::Hosts::new(bound, opts.base_url.as_deref());
    let http_shared = shared.clone();
    std::thread::spawn(move || conn::serve(listener, http_shared, hosts));
    let pinged = shared.clone();
    std::thread::spawn(move || pinged.keep_alive());
    println!("serving http://{addr}/ (watching {}; Ctrl-C to stop)", root.display());
    if opts.open {
        let _ = std::process::Command::new("xdg-open")
            .arg(format!("http://{addr}/"))
            .spawn();
    }
    let mut generation = 1;
    for batch in rx {
        let Ok(events) = batch else { continue };
        let started = Instant::now();
        let mut changes = Changes::default();
        let mut names = Vec::new();
        // Reading files (ours included) raises access events; only writes,
        // creations, removals and renames change the site.
        for path in events
            .iter()
            .filter(|e| !e.kind.is_access() && !e.kind.is_other())
            .flat_map(|e| e.paths.iter())
        {
            if let Ok(rel) = path.strip_prefix(&root) {
                let before = changes.clone();
                watch::classify(rel, &mut changes);
                if changes != before && !names.contains(&rel.display().to_string()) {
                    names.push(rel.display().to_string());
                }
            }
        }
        if changes.is_empty() {
            continue;
        }
        let result = engine.rebuild(&changes);
        publish(&engine, &shared, &result, &names.join(", "), started, generation);
        generation += 1;
    }
    drop(debouncer);
    Ok(())
}

/// Output path -> the URL a browser has open (`jokes/x/index.html` -> `/jokes/x/`).
fn url_of(path: &str) -> String {
    format!("/{}", path.strip_suffix("index.html").unwrap_or(path))
}

/// Swaps in the new files, updates the status document, tells browsers and
/// the terminal.
fn publish(engine: &Engine, shared: &Shared, result: &Result<Rebuilt>, what: &str, started: Instant, generation: u64) {
    let ms = started.elapsed().as_millis();
    match result {
        Ok(r) => {
            *shared.files.write().expect("lock") = engine.files();
            let urls: Vec<String> = r.changed.iter().map(|p| url_of(p)).collect();
            for w in &r.warnings {
                eprintln!("{w}");
            }
            println!(
                "rebuilt in {ms} ms ({what}): {} pages re-rendered, {} files changed",
                r.rendered,
                r.changed.len()
            );
            *shared.status.write().expect("lock") = json!({"generation": generation, "ok": true, "rendered": r.rendered, "changed": urls, "ms": ms as u64, "errors": []}).to_string();
            *shared.state.write().expect("lock") = Some(json!({"type": "state", "errors": []}).to_string());
            shared.broadcast(&json!({"type": "rebuilt", "urls": urls, "css_only": r.css_only}).to_string());
        }
        Err(e) => {
            let errors: Vec<String> = match e {
                Error::Diagnostics(d) => d.iter().filter(|d| d.is_error()).map(ToString::to_string).collect(),
                other => vec![other.to_string()],
            };
            eprintln!("rebuild failed after {ms} ms ({what}); still serving the last good site:");
            for line in &errors {
                eprintln!("  {line}");
            }
            *shared.status.write().expect("lock") = json!({"generation": generation, "ok": false, "rendered": 0, "changed": [], "ms": ms as u64, "errors": errors}).to_string();
            *shared.state.write().expect("lock") = Some(json!({"type": "state", "errors": errors}).to_string());
            shared.broadcast(&json!({"type": "error", "errors": errors}).to_string());
        }
    }
}
