//! The results cache, `.punchline/links.json`: per URL, when it was checked
//! and what it answered. Only answers (alive, redirected) are kept: a dead
//! link is asked again on every run, so a fix shows at once. An unreadable
//! or foreign file is treated as empty, and a cache that cannot be written
//! costs only speed, so neither stops a check.

use super::http::Outcome;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

/// One cached answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    /// When, in seconds since 1970.
    checked: i64,
    /// The HTTP status.
    status: u16,
    /// Where it redirected, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    location: Option<String>,
}

/// The cache file's contents.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Cache {
    version: u32,
    urls: BTreeMap<String, Entry>,
}

impl Cache {
    /// Reads `path`; empty when missing or not a cache.
    pub fn load(path: &Path) -> Cache {
        std::fs::read_to_string(path)
            .ok()
            .and_then(|t| serde_json::from_str::<Cache>(&t).ok())
            .filter(|c| c.version == 1)
            .unwrap_or(Cache {
                version: 1,
                urls: BTreeMap::new(),
            })
    }

    /// The answer for `url` if it is younger than `ttl` at `now`.
    pub fn fresh(&self, url: &str, now: Timestamp, ttl: Duration) -> Option<Outcome> {
        let e = self.urls.get(url)?;
        let age = now.as_second().saturating_sub(e.checked);
        if age < 0 || age as u64 >= ttl.as_secs() {
            return None;
        }
        Some(match &e.location {
            Some(to) => Outcome::Redirect(e.status, to.clone()),
            None => Outcome::Ok(e.status),
        })
    }

    /// Remembers an answer (a dead link is forgotten instead).
    pub fn record(&mut self, url: &str, outcome: &Outcome, now: Timestamp) {
        let entry = match outcome {
            Outcome::Ok(status) => Entry {
                checked: now.as_second(),
                status: *status,
                location: None,
            },
            Outcome::Redirect(status, to) => Entry {
                checked: now.as_second(),
                status: *status,
                location: Some(to.clone()),
            },
            Outcome::Dead(_) => {
                self.urls.remove(url);
                return;
            }
        };
        self.urls.insert(url.to_string(), entry);
    }

    /// Writes the cache (creating `.punchline/`); failures are ignored.
    pub fn save(&self, path: &Path) {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        if let Ok(text) = serde_json::to_string_pretty(self) {
            let _ = std::fs::write(path, text + "\n");
        }
    }
}
