//! The `deploy:` section of site.yaml.
//!
//! Input: `SiteConfig.raw` (the whole site.yaml as a located tree). Output:
//! [`DeployConfig`] plus located diagnostics, every problem reported at once.
//! Invariants: target URLs are checked here (scheme, bucket name), so the
//! later stages never see a malformed target; glob rules are compiled here
//! and keep their source order (the first matching rule wins).
//!
//! ```yaml
//! deploy:
//!   targets:
//!     production: s3://jokes-www/site          # name -> URL
//!     staging:                                  # or a mapping with options
//!       url: s3://jokes-staging
//!       endpoint: https://minio.example.com
//!       region: eu-central-1
//!       path_style: true
//!     folder: file:///var/www/jokes
//!     review:                                   # takes preview builds
//!       url: s3://jokes-preview
//!       kind: preview
//!   cache_control: {"images/**": "public, max-age=604800"}
//!   content_type: {"*.webmanifest": "application/manifest+json"}
//!   compress: [gzip, br]
//!   concurrency: 16
//!   retries: 4
//!   invalidate: ./scripts/purge-cdn.sh
//! ```

use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::yaml::{Node, Reader, Value};
use globset::{Glob, GlobBuilder, GlobMatcher};
use std::path::{Path, PathBuf};

/// The keys the `deploy:` section may have.
pub const DEPLOY_KEYS: &[&str] = &[
    "targets",
    "cache_control",
    "content_type",
    "compress",
    "concurrency",
    "retries",
    "invalidate",
];

/// The keys a target written as a mapping may have.
pub const TARGET_KEYS: &[&str] = &["url", "kind", "endpoint", "region", "path_style"];

/// Parallel transfers when site.yaml says nothing.
pub const DEFAULT_CONCURRENCY: usize = 16;
/// Retries of a failed transfer when site.yaml says nothing.
pub const DEFAULT_RETRIES: u32 = 4;

/// Everything `deploy:` says, with defaults filled in.
#[derive(Debug, Clone)]
pub struct DeployConfig {
    /// Targets in source order.
    pub targets: Vec<TargetSpec>,
    /// `Cache-Control` rules, first match wins, before the defaults.
    pub cache_control: Vec<GlobRule>,
    /// `Content-Type` rules, first match wins, before the extension table.
    pub content_type: Vec<GlobRule>,
    /// Pre-compressed copies to make.
    pub compress: Vec<Encoding>,
    /// Transfers in flight at once.
    pub concurrency: usize,
    /// Retries of a transfer that failed with a transient error.
    pub retries: u32,
    /// A command run with the changed-URLs file before the manifest is written.
    pub invalidate: Option<String>,
}

impl Default for DeployConfig {
    fn default() -> Self {
        Self {
            targets: Vec::new(),
            cache_control: Vec::new(),
            content_type: Vec::new(),
            compress: Vec::new(),
            concurrency: DEFAULT_CONCURRENCY,
            retries: DEFAULT_RETRIES,
            invalidate: None,
        }
    }
}

/// One named target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetSpec {
    /// The name given to `--target`.
    pub name: String,
    /// Where it is.
    pub url: TargetUrl,
    /// S3 endpoint, such as `https://s3.eu-central-1.amazonaws.com` or a local server.
    pub endpoint: Option<String>,
    /// S3 region.
    pub region: Option<String>,
    /// Path-style addressing (`endpoint/bucket/key`); default: on when an endpoint is set.
    pub path_style: Option<bool>,
    /// Production (live builds only) or preview (preview builds too).
    pub kind: TargetKind,
}

/// What a target may receive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TargetKind {
    /// The public site: live builds only; preview builds are refused.
    #[default]
    Production,
    /// A place for reviewers to read work in progress: preview builds
    /// (`--preview`, `--drafts`) and live ones.
    Preview,
}

impl TargetKind {
    /// The site.yaml spelling.
    pub fn name(self) -> &'static str {
        match self {
            TargetKind::Production => "production",
            TargetKind::Preview => "preview",
        }
    }
}

/// A target's location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetUrl {
    /// `file:///path`: a folder, such as a web server's document root.
    Folder(PathBuf),
    /// `s3://bucket/prefix`.
    S3 {
        /// The bucket.
        bucket: String,
        /// Key prefix without leading or trailing slashes; may be empty.
        prefix: String,
    },
}

impl std::fmt::Display for TargetUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TargetUrl::Folder(p) => write!(f, "file://{}", p.display()),
            TargetUrl::S3 { bucket, prefix } if prefix.is_empty() => write!(f, "s3://{bucket}"),
            TargetUrl::S3 { bucket, prefix } => write!(f, "s3://{bucket}/{prefix}"),
        }
    }
}

/// A content encoding for pre-compressed copies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Encoding {
    /// `Content-Encoding: gzip`, `.gz` copies.
    Gzip,
    /// `Content-Encoding: br`, `.br` copies.
    Brotli,
}

impl Encoding {
    /// The `Content-Encoding` value.
    pub fn token(self) -> &'static str {
        match self {
            Encoding::Gzip => "gzip",
            Encoding::Brotli => "br",
        }
    }

    /// The suffix of a pre-compressed copy next to the file.
    pub fn suffix(self) -> &'static str {
        match self {
            Encoding::Gzip => ".gz",
            Encoding::Brotli => ".br",
        }
    }
}

/// A glob and the header value it gives.
#[derive(Debug, Clone)]
pub struct GlobRule {
    /// The glob as written.
    pub glob: String,
    /// The header value.
    pub value: String,
    matcher: GlobMatcher,
    whole_path: bool,
}

impl GlobRule {
    /// Compiles a rule. A glob without `/` matches the file name at any
    /// depth (`*.pdf`); one with `/` matches the whole path (`images/**`).
    pub fn new(glob: &str, value: &str) -> Result<GlobRule, globset::Error> {
        let whole_path = glob.contains('/');
        let compiled: Glob = GlobBuilder::new(glob).literal_separator(true).build()?;
        Ok(GlobRule {
            glob: glob.to_string(),
            value: value.to_string(),
            matcher: compiled.compile_matcher(),
            whole_path,
        })
    }

    /// Whether the rule applies to `path` (relative, `/`-separated).
    pub fn matches(&self, path: &str) -> bool {
        if self.whole_path {
            self.matcher.is_match(path)
        } else {
            self.matcher.is_match(path.rsplit('/').next().unwrap_or(path))
        }
    }
}

impl DeployConfig {
    /// Reads `deploy:` from site.yaml's tree; `site_root` resolves relative
    /// folder targets. Problems go to `diags`, located in `file`.
    pub fn read(raw: &Node, file: &Path, site_root: &Path, diags: &mut Vec<Diagnostic>) -> DeployConfig {
        let mut cfg = DeployConfig::default();
        let mut r = Reader {
            path: file,
            line_offset: 0,
            diags,
        };
        let Some(node) = r.map(raw, "deploy") else {
            return cfg;
        };
        r.check_keys(node, DEPLOY_KEYS, "deploy");
        if let Some(targets) = r.map(node, "targets") {
            cfg.targets = read_targets(&mut r, targets, site_root);
        }
        cfg.cache_control = read_rules(&mut r, node, "cache_control");
        cfg.content_type = read_rules(&mut r, node, "content_type");
        cfg.compress = read_compress(&mut r, node);
        if let Some(n) = r.uint(node, "concurrency") {
            if (1..=256).contains(&n) {
                cfg.concurrency = n as usize;
            } else {
                let v = node.get("concurrency").expect("read above");
                r.error(
                    "DEP001",
                    v.line,
                    v.col,
                    format!("concurrency must be between 1 and 256, found {n}"),
                    None,
                );
            }
        }
        if let Some(n) = r.uint(node, "retries") {
            cfg.retries = n.min(20) as u32;
        }
        cfg.invalidate = r.string(node, "invalidate").filter(|s| !s.trim().is_empty());
        cfg
    }

    /// The target named `name`; without a name, the only target there is.
    pub fn target(&self, name: Option<&str>, file: &Path) -> Result<&TargetSpec, Diagnostic> {
        let names: Vec<&str> = self.targets.iter().map(|t| t.name.as_str()).collect();
        let Some(name) = name else {
            return match self.targets.as_slice() {
                [only] => Ok(only),
                [] => Err(Diagnostic::error("DEP002", file, "site.yaml defines no deploy targets")
                    .help("add 'deploy: {targets: {production: s3://bucket/prefix}}' to site.yaml")),
                _ => Err(
                    Diagnostic::error("DEP002", file, "site.yaml defines several deploy targets")
                        .help(format!("choose one with --target: {}", names.join(", "))),
                ),
            };
        };
        if let Some(t) = self.targets.iter().find(|t| t.name == name) {
            return Ok(t);
        }
        let help = match did_you_mean(name, names.iter().copied()) {
            Some(s) => format!("did you mean '{s}'?"),
            None if names.is_empty() => "add it under 'deploy: targets:' in site.yaml".to_string(),
            None => format!("known targets: {}", names.join(", ")),
        };
        Err(Diagnostic::error("DEP002", file, format!("no deploy target named '{name}'")).help(help))
    }
}

fn read_targets(r: &mut Reader, targets: &Node, site_root: &Path) -> Vec<TargetSpec> {
    let mut out = Vec::new();
    for (key, v) in targets.as_map().unwrap_or_default() {
        let spec = match &v.value {
            Value::Map(_) => {
                r.check_keys(v, TARGET_KEYS, "a deploy target");
                let Some(url) = r.required_string(v, "url", "a deploy target") else {
                    continue;
                };
                let at = v.get("url").expect("read above");
                let Some(url) = parse_url(r, &url, at, site_root) else {
                    continue;
                };
                TargetSpec {
                    name: key.name.clone(),
                    url,
                    endpoint: read_endpoint(r, v),
                    region: r.string(v, "region"),
                    path_style: r.boolean(v, "path_style"),
                    kind: read_kind(r, v),
                }
            }
            Value::Str(s) => {
                let Some(url) = parse_url(r, s, v, site_root) else {
                    continue;
                };
                TargetSpec {
                    name: key.name.clone(),
                    url,
                    endpoint: None,
                    region: None,
                    path_style: None,
                    kind: TargetKind::Production,
                }
            }
            _ => {
                r.type_error(&key.name, v, "a URL or a mapping with 'url'");
                continue;
            }
        };
        out.push(spec);
    }
    out
}

/// `kind: production | preview` (default production).
fn read_kind(r: &mut Reader, target: &Node) -> TargetKind {
    match r.string(target, "kind").as_deref() {
        None | Some("production") => TargetKind::Production,
        Some("preview") => TargetKind::Preview,
        Some(other) => {
            let v = target.get("kind").expect("read above");
            r.error(
                "DEP001",
                v.line,
                v.col,
                format!("unknown target kind '{other}'"),
                Some("write 'kind: production' (live builds only, the default) or 'kind: preview'".into()),
            );
            TargetKind::Production
        }
    }
}

fn read_endpoint(r: &mut Reader, target: &Node) -> Option<String> {
    let endpoint = r.string(target, "endpoint")?;
    if endpoint.starts_with("http://") || endpoint.starts_with("https://") {
        return Some(endpoint.trim_end_matches('/').to_string());
    }
    let v = target.get("endpoint").expect("read above");
    r.error(
        "DEP001",
        v.line,
        v.col,
        format!("endpoint '{endpoint}' is not an http(s) URL"),
        Some("write it like https://s3.eu-central-1.amazonaws.com or http://127.0.0.1:9000".into()),
    );
    None
}

/// Parses a target URL, reporting problems at `at`.
fn parse_url(r: &mut Reader, url: &str, at: &Node, site_root: &Path) -> Option<TargetUrl> {
    match parse_target_url(url, site_root) {
        Ok(u) => Some(u),
        Err((msg, help)) => {
            r.error("DEP001", at.line, at.col, msg, Some(help));
            None
        }
    }
}

/// `file:///abs/path` (or `file://rel/path`, relative to the site root) or
/// `s3://bucket/prefix`.
pub fn parse_target_url(url: &str, site_root: &Path) -> Result<TargetUrl, (String, String)> {
    if let Some(path) = url.strip_prefix("file://") {
        if path.is_empty() {
            return Err((format!("'{url}' names no folder"), "write file:///var/www/site".into()));
        }
        let p = Path::new(path);
        let full = if p.is_absolute() {
            p.to_path_buf()
        } else {
            site_root.join(p)
        };
        return Ok(TargetUrl::Folder(full));
    }
    if let Some(rest) = url.strip_prefix("s3://") {
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if !valid_bucket(bucket) {
            return Err((
                format!("'{bucket}' is not a valid bucket name"),
                "bucket names are 3 to 63 lowercase letters, digits, dots and hyphens".into(),
            ));
        }
        let prefix = prefix.trim_matches('/');
        if prefix.split('/').any(|seg| seg == "." || seg == ".." || seg.is_empty()) && !prefix.is_empty() {
            return Err((
                format!("the key prefix '{prefix}' has an empty, '.' or '..' segment"),
                "write it like s3://bucket/site/www".into(),
            ));
        }
        return Ok(TargetUrl::S3 {
            bucket: bucket.to_string(),
            prefix: prefix.to_string(),
        });
    }
    Err((
        format!("'{url}' is not a deploy target URL"),
        "write file:///path/to/folder or s3://bucket/prefix".into(),
    ))
}

fn valid_bucket(b: &str) -> bool {
    (3..=63).contains(&b.len())
        && b.bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'.' || c == b'-')
        && b.as_bytes()[0].is_ascii_alphanumeric()
        && b.as_bytes()[b.len() - 1].is_ascii_alphanumeric()
}

fn read_rules(r: &mut Reader, node: &Node, key: &str) -> Vec<GlobRule> {
    let Some(rules) = r.map(node, key) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (k, v) in rules.as_map().unwrap_or_default() {
        let Some(value) = v.scalar_text() else {
            r.type_error(&k.name, v, "a header value");
            continue;
        };
        if value.contains(['\r', '\n']) || value.trim().is_empty() {
            r.error(
                "DEP001",
                v.line,
                v.col,
                format!("the {key} value for '{}' must be one non-empty line", k.name),
                None,
            );
            continue;
        }
        match GlobRule::new(&k.name, value.trim()) {
            Ok(rule) => out.push(rule),
            Err(e) => r.error(
                "DEP001",
                k.line,
                k.col,
                format!("'{}' is not a valid glob: {}", k.name, e.kind()),
                Some("globs look like '*.css', 'images/**' or 'fonts/*.{woff,woff2}'".into()),
            ),
        }
    }
    out
}

fn read_compress(r: &mut Reader, node: &Node) -> Vec<Encoding> {
    let mut out = Vec::new();
    for name in r.string_list(node, "compress") {
        let enc = match name.as_str() {
            "gzip" | "gz" => Encoding::Gzip,
            "br" | "brotli" => Encoding::Brotli,
            other => {
                let v = node.get("compress").expect("read above");
                r.error(
                    "DEP001",
                    v.line,
                    v.col,
                    format!("unknown compression '{other}'"),
                    Some("use gzip, br or both: [gzip, br]".into()),
                );
                continue;
            }
        };
        if !out.contains(&enc) {
            out.push(enc);
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(yaml: &str) -> (DeployConfig, Vec<String>) {
        let node = crate::yaml::parse(yaml).unwrap();
        let mut d = Vec::new();
        let cfg = DeployConfig::read(&node, Path::new("site.yaml"), Path::new("/site"), &mut d);
        crate::diagnostic::sort(&mut d);
        (cfg, d.iter().map(|d| d.to_string()).collect())
    }

    #[test]
    fn reads_targets_in_both_forms() {
        let (cfg, d) = read(
            "deploy:\n  targets:\n    prod: s3://jokes-www/site/\n    local: file://out/www\n    \
             stage:\n      url: s3://jokes-stage\n      endpoint: http://127.0.0.1:9000/\n      region: eu-1\n",
        );
        assert!(d.is_empty(), "{d:?}");
        let names: Vec<&str> = cfg.targets.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["prod", "local", "stage"]);
        assert_eq!(
            cfg.targets[0].url,
            TargetUrl::S3 {
                bucket: "jokes-www".into(),
                prefix: "site".into()
            }
        );
        assert_eq!(cfg.targets[1].url, TargetUrl::Folder(PathBuf::from("/site/out/www")));
        assert_eq!(cfg.targets[2].endpoint.as_deref(), Some("http://127.0.0.1:9000"));
        assert_eq!(cfg.targets[2].region.as_deref(), Some("eu-1"));
        assert_eq!(cfg.concurrency, DEFAULT_CONCURRENCY);
    }

    #[test]
    fn reports_every_problem_at_its_line() {
        let (_, d) = read(
            "title: x\ndeploy:\n  targets:\n    a: ftp://x\n    b: s3://No_Such\n  \
             concurrensy: 3\n  compress: [zip]\n  cache_control:\n    \"[\": x\n",
        );
        assert_eq!(d.len(), 5, "{d:#?}");
        assert!(d[0].starts_with("site.yaml:4:8: error[DEP001]: 'ftp://x' is not a deploy target URL"));
        assert!(d[1].starts_with("site.yaml:5:8: error[DEP001]: 'No_Such' is not a valid bucket name"));
        assert!(d[2].contains("site.yaml:6:3: error[FM003]: unknown field 'concurrensy' in deploy"));
        assert!(d[2].contains("did you mean 'concurrency'?"));
        assert!(d[3].starts_with("site.yaml:7:13: error[DEP001]: unknown compression 'zip'"));
        assert!(d[4].starts_with("site.yaml:9:5: error[DEP001]: '[' is not a valid glob"));
    }

    #[test]
    fn chooses_targets_by_name_with_advice() {
        let (cfg, _) = read("deploy:\n  targets:\n    production: s3://abc\n    staging: s3://abd\n");
        let f = Path::new("site.yaml");
        assert_eq!(cfg.target(Some("staging"), f).unwrap().name, "staging");
        let e = cfg.target(Some("prodution"), f).unwrap_err();
        assert_eq!(e.help.as_deref(), Some("did you mean 'production'?"));
        let e = cfg.target(None, f).unwrap_err();
        assert!(e.help.unwrap().contains("production, staging"));
        let (one, _) = read("deploy:\n  targets:\n    only: file:///srv/www\n");
        assert_eq!(one.target(None, f).unwrap().name, "only");
    }

    #[test]
    fn globs_without_slash_match_names_at_any_depth() {
        let r = GlobRule::new("*.pdf", "x").unwrap();
        assert!(r.matches("a.pdf") && r.matches("docs/deep/a.pdf"));
        let r = GlobRule::new("images/**", "x").unwrap();
        assert!(r.matches("images/a/b.png"));
        assert!(!r.matches("css/images/b.png"));
        let r = GlobRule::new("fonts/*.{woff,woff2}", "x").unwrap();
        assert!(r.matches("fonts/a.woff2") && !r.matches("fonts/x/a.woff2"));
    }
}
