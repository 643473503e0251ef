//! External links: are the `http(s)` links of the site still alive?
//!
//! Input: the site model (every body's links and images, with their file
//! lines), the theme's sample pages (links the templates write), site.yaml's
//! `links:` section and the results cache `.punchline/links.json`. Output:
//! diagnostics, EXT001 (error) for a dead link and EXT002 (warning) for a
//! link that redirects elsewhere, each at the file:line:col that holds the
//! link (a Markdown file, or the template file), and a one-line summary.
//! Each distinct URL is checked once ([`http`]: a bounded pool, a per-host
//! limit, timeouts, retries, HEAD then GET), links matching a `skip`
//! pattern are not checked, and results younger than `ttl` are read from
//! the cache ([`cache`]), so CI does not ask the same hosts on every run.

pub mod cache;
pub mod config;
pub mod http;

use crate::build::{self, BuildOptions, Loaded};
use crate::diagnostic::{Diagnostic, Result};
use crate::site::Site;
use crate::theme::Theme;
use config::LinksConfig;
use http::Outcome;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// Where a link is written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Place {
    /// File, relative to the site root.
    pub path: PathBuf,
    /// 1-based line (0 when unknown).
    pub line: usize,
    /// 1-based column (0 when unknown).
    pub col: usize,
}

/// What a run found, besides the diagnostics.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Distinct URLs.
    pub urls: usize,
    /// Of which answered from the cache.
    pub cached: usize,
    /// Of which skipped by a `skip` pattern.
    pub skipped: usize,
    /// Dead links (places).
    pub dead: usize,
    /// Redirected links (places).
    pub redirected: usize,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "external links: {} URLs ({} from the cache, {} skipped): {} dead, {} redirected",
            self.urls, self.cached, self.skipped, self.dead, self.redirected
        )
    }
}

/// Checks every external link of the site at `opts.root`. site.yaml
/// mistakes in `links:` are returned as diagnostics and stop the check.
pub fn check(opts: &BuildOptions) -> Result<(Vec<Diagnostic>, Summary)> {
    let Loaded { site, theme, .. } = build::load(opts)?;
    let mut diags = Vec::new();
    let cfg = LinksConfig::from_site_yaml(&site.config.raw, &site.config.path, &mut diags);
    if !diags.is_empty() {
        return Ok((diags, Summary::default()));
    }
    let mut links = collect_content(&site, &opts.root);
    if let Some(theme) = &theme {
        collect_templates(&site, theme, &opts.root, &mut links);
    }
    let mut summary = Summary {
        urls: links.len(),
        ..Summary::default()
    };
    let clock = crate::clock::Clock::system();
    let cache_path = opts.root.join(".punchline/links.json");
    let mut cache = cache::Cache::load(&cache_path);
    let mut todo = Vec::new();
    let mut outcomes: HashMap<String, Outcome> = HashMap::new();
    for url in links.keys() {
        if cfg.skips(url) {
            summary.skipped += 1;
        } else if let Some(o) = cache.fresh(url, clock.now(), cfg.ttl) {
            summary.cached += 1;
            outcomes.insert(url.clone(), o);
        } else {
            todo.push(url.clone());
        }
    }
    for (url, outcome) in http::check_all(&todo, &cfg) {
        cache.record(&url, &outcome, clock.now());
        outcomes.insert(url, outcome);
    }
    cache.save(&cache_path);
    for (url, places) in &links {
        let Some(outcome) = outcomes.get(url) else { continue };
        for place in places {
            if let Some(d) = diagnostic(url, outcome, place) {
                match d.is_error() {
                    true => summary.dead += 1,
                    false => summary.redirected += 1,
                }
                diags.push(d);
            }
        }
    }
    Ok((diags, summary))
}

fn diagnostic(url: &str, outcome: &Outcome, place: &Place) -> Option<Diagnostic> {
    let d = match outcome {
        Outcome::Ok(_) => return None,
        Outcome::Redirect(status, to) => Diagnostic::warning(
            "EXT002",
            &place.path,
            format!("link {url} redirects ({status}) to {to}"),
        )
        .help("link to the new address"),
        Outcome::Dead(why) => Diagnostic::error("EXT001", &place.path, format!("link {url} is dead: {why}"))
            .help("fix or remove the link, or add a `links: skip:` pattern in site.yaml if it only fails for robots"),
    };
    Some(d.at(place.line, place.col))
}

/// Whether `url` is an external `http(s)` link (not on the site itself),
/// and not a share link: a link that hands one of the site's own addresses
/// to another service (`https://service.weibo.com/share/share.php?url=...`)
/// is an action a reader takes, not a page that can be dead, and asking it
/// for every page would flood those services.
fn external(site: &Site, url: &str) -> bool {
    let base = &site.config.base_url;
    let shares_own = || {
        url.split_once('?').is_some_and(|(_, query)| {
            percent_encoding::percent_decode_str(query)
                .decode_utf8_lossy()
                .contains(base.as_str())
        })
    };
    (url.starts_with("http://") || url.starts_with("https://")) && !url.starts_with(base.as_str()) && !shares_own()
}

/// The external links of every body, by URL, at their file:line:col.
fn collect_content(site: &Site, root: &Path) -> BTreeMap<String, Vec<Place>> {
    let mut out: BTreeMap<String, Vec<Place>> = BTreeMap::new();
    for p in &site.pages {
        let r = &p.rendered;
        let found: Vec<(&str, usize)> = r
            .links
            .iter()
            .filter(|l| !l.internal)
            .map(|l| (l.url.as_str(), l.line))
            .chain(r.images.iter().map(|i| (i.src.as_str(), i.line)))
            .filter(|(u, _)| external(site, u))
            .collect();
        if found.is_empty() {
            continue;
        }
        let text = std::fs::read_to_string(root.join(&p.doc.path)).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        for (url, line) in found {
            let col = lines
                .get(line.wrapping_sub(1))
                .and_then(|l| l.find(url).map(|b| l[..b].chars().count() + 1))
                .unwrap_or(0);
            out.entry(url.to_string()).or_default().push(Place {
                path: p.doc.path.clone(),
                line,
                col,
            });
        }
    }
    for places in out.values_mut() {
        places.sort();
        places.dedup();
    }
    out
}

/// The external links the theme's templates write (one sample page per
/// template), at the template line that holds them; links that come from
/// content are already known by their Markdown place.
fn collect_templates(site: &Site, theme: &Theme, root: &Path, out: &mut BTreeMap<String, Vec<Place>>) {
    let Ok(base) = theme.base_context(&crate::theme::views::SiteView::new(site)) else {
        return;
    };
    for (tpl, job) in crate::audit::templates::samples(site, theme) {
        let Ok(html) = crate::output::jobs::render(site, theme, &base, &job) else {
            continue;
        };
        for url in attribute_urls(&html) {
            if !external(site, &url) || out.contains_key(&url) {
                continue;
            }
            let place = locate_in_templates(theme, root, &url).unwrap_or_else(|| Place {
                path: theme.template_files.get(tpl).cloned().unwrap_or_else(|| tpl.into()),
                line: 0,
                col: 0,
            });
            out.insert(url, vec![place]);
        }
    }
}

/// The values of `href="..."` and `src="..."` in `html`, entities decoded
/// the little that URLs need (`&amp;`).
fn attribute_urls(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for key in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(key) {
            rest = &rest[i + key.len()..];
            let end = rest.find('"').unwrap_or(rest.len());
            out.push(rest[..end].replace("&amp;", "&"));
            rest = &rest[end..];
        }
    }
    out
}

/// The first template file and line:col that contains `url` literally.
fn locate_in_templates(theme: &Theme, root: &Path, url: &str) -> Option<Place> {
    for path in theme.template_files.values() {
        let text = match std::fs::read_to_string(root.join(path)) {
            Ok(t) => t,
            Err(_) => {
                let rel = path.to_string_lossy().replace('\\', "/");
                let inner = rel.strip_prefix("themes/default/")?;
                crate::theme::DEFAULT_THEME
                    .get_file(inner)?
                    .contents_utf8()?
                    .to_string()
            }
        };
        for (n, line) in text.lines().enumerate() {
            if let Some(b) = line.find(url) {
                return Some(Place {
                    path: path.clone(),
                    line: n + 1,
                    col: line[..b].chars().count() + 1,
                });
            }
        }
    }
    None
}
