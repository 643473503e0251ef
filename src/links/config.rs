//! The `links:` section of site.yaml: what `check --external` skips, how
//! long a result stays in the cache, and how hard it may knock.
//!
//! ```yaml
//! links:
//!   skip: ["https://twitter.com/*", "https://example.com/"]   # globs, or prefixes
//!   ttl: 1d          # a number of seconds, or 30m, 12h, 7d
//!   timeout: 10      # seconds per request
//!   retries: 1       # after a timeout, a broken connection, 429 or 5xx
//!   concurrency: 32  # requests at once
//!   per_host: 4      # requests at once to one host
//! ```

use crate::diagnostic::Diagnostic;
use crate::yaml::{Node, Reader, Value};
use std::path::Path;
use std::time::Duration;

/// The settings, with defaults.
#[derive(Debug, Clone)]
pub struct LinksConfig {
    /// URLs not to check: a glob (`*` any text) or, without `*`, a prefix.
    pub skip: Vec<String>,
    skip_globs: Option<globset::GlobSet>,
    /// How long a cached result is believed.
    pub ttl: Duration,
    /// Per request.
    pub timeout: Duration,
    /// Extra tries after a transient failure.
    pub retries: u32,
    /// Requests at once.
    pub concurrency: usize,
    /// Requests at once to one host.
    pub per_host: usize,
}

impl Default for LinksConfig {
    fn default() -> Self {
        Self {
            skip: Vec::new(),
            skip_globs: None,
            ttl: Duration::from_secs(24 * 3600),
            timeout: Duration::from_secs(10),
            retries: 1,
            concurrency: 32,
            per_host: 8,
        }
    }
}

const KEYS: &[&str] = &["skip", "ttl", "timeout", "retries", "concurrency", "per_host"];

impl LinksConfig {
    /// Reads `links:` from site.yaml's tree; problems go to `diags`.
    pub fn from_site_yaml(raw: &Node, path: &Path, diags: &mut Vec<Diagnostic>) -> LinksConfig {
        let mut cfg = LinksConfig::default();
        let mut r = Reader {
            path,
            line_offset: 0,
            diags,
        };
        let Some(node) = r.map(raw, "links") else { return cfg };
        r.check_keys(node, KEYS, "links");
        cfg.skip = r.string_list(node, "skip");
        let mut globs = globset::GlobSetBuilder::new();
        for pattern in cfg.skip.iter().filter(|p| p.contains('*')) {
            match globset::GlobBuilder::new(pattern).literal_separator(false).build() {
                Ok(g) => {
                    globs.add(g);
                }
                Err(e) => {
                    let at = node.get("skip").map_or((0, 0), |n| (n.line, n.col));
                    r.error(
                        "FM005",
                        at.0,
                        at.1,
                        format!("links.skip pattern '{pattern}': {e}"),
                        None,
                    );
                }
            }
        }
        cfg.skip_globs = globs.build().ok();
        for (key, slot) in [("ttl", &mut cfg.ttl), ("timeout", &mut cfg.timeout)] {
            if let Some(v) = node.get(key) {
                match duration(v) {
                    Some(d) => *slot = d,
                    None => r.type_error(key, v, "a number of seconds, or a duration such as 30m, 12h or 7d"),
                }
            }
        }
        if let Some(n) = r.uint(node, "retries") {
            cfg.retries = n.min(10) as u32;
        }
        for (key, slot) in [("concurrency", &mut cfg.concurrency), ("per_host", &mut cfg.per_host)] {
            if let Some(n) = r.uint(node, key) {
                *slot = (n as usize).clamp(1, 256);
            }
        }
        cfg
    }

    /// Whether `url` matches a `skip` pattern.
    pub fn skips(&self, url: &str) -> bool {
        self.skip
            .iter()
            .any(|p| !p.contains('*') && url.starts_with(p.as_str()))
            || self.skip_globs.as_ref().is_some_and(|g| g.is_match(url))
    }
}

/// `90`, `1.5`, `30s`, `30m`, `12h`, `7d`.
fn duration(v: &Node) -> Option<Duration> {
    let secs = match &v.value {
        Value::Int(i) if *i >= 0 => *i as f64,
        Value::Float(f) if *f >= 0.0 && f.is_finite() => *f,
        Value::Str(s) => {
            let s = s.trim();
            let (num, unit) = s.split_at(s.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(s.len()));
            let n: f64 = num.trim().parse().ok().filter(|n: &f64| *n >= 0.0 && n.is_finite())?;
            n * match unit {
                "" | "s" => 1.0,
                "m" => 60.0,
                "h" => 3600.0,
                "d" => 86400.0,
                _ => return None,
            }
        }
        _ => return None,
    };
    (secs < 1e9).then(|| Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(yaml: &str) -> (LinksConfig, Vec<Diagnostic>) {
        let mut d = Vec::new();
        let node = crate::yaml::parse(yaml).unwrap();
        let c = LinksConfig::from_site_yaml(&node, Path::new("site.yaml"), &mut d);
        (c, d)
    }

    #[test]
    fn reads_skips_and_durations() {
        let (c, d) = cfg("links:\n  skip: [\"https://x.test/\", \"https://*.social/*\"]\n  ttl: 12h\n  timeout: 0.5\n");
        assert!(d.is_empty(), "{d:?}");
        assert!(c.skips("https://x.test/a") && c.skips("https://a.social/b"));
        assert!(!c.skips("https://y.test/"));
        assert_eq!(c.ttl, Duration::from_secs(12 * 3600));
        assert_eq!(c.timeout, Duration::from_millis(500));
        let (_, d) = cfg("links:\n  ttl: soon\n  skipp: []\n");
        assert_eq!(d.len(), 2, "{d:?}");
    }
}
