//! site.yaml: the site's settings.
//!
//! Input: the site root. Output: [`SiteConfig`] plus diagnostics. A missing
//! site.yaml gives the defaults, so a folder of Markdown builds as it is.
//! Sections owned by later stages (`deploy:`, `audit:`) are kept as raw
//! [`Node`]s and read by those stages, so this module stays small.

use crate::diagnostic::{Diagnostic, Error, Result};
use crate::url_policy::{self, UrlKind};
use crate::yaml::{self, Node, Reader, Value};
use std::path::{Path, PathBuf};

/// The keys site.yaml may have.
pub const SITE_KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "language",
    "theme",
    "paginate_by",
    "feed_limit",
    "headlines",
    "menu",
    "search",
    "limits",
    "deploy",
    "audit",
    "logo",
    "links",
    "languages",
];

/// The keys of one entry of `languages:`.
pub const LANGUAGE_KEYS: &[&str] = &["title", "description", "menu"];

/// A language besides the default one (`languages:` in site.yaml): its
/// pages live under `/<code>/`, with their own title, description and menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Language {
    /// The language tag, e.g. `zh`: the URL prefix and the `lang` attribute.
    pub code: String,
    /// The site's name in this language (default: the site's `title`).
    pub title: String,
    /// The site's description in this language.
    pub description: String,
    /// The menu in this language (default: the site's `menu`).
    pub menu: Vec<MenuItem>,
}

/// One entry of the navigation menu.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MenuItem {
    /// The link text.
    pub name: String,
    /// The link target (site-relative such as `/jokes/`, or absolute).
    pub url: String,
}

/// Caps on the lists one item may carry that are repeated across the
/// output (every tag page lists the item with its tags): without them one
/// file with thousands of tags would make hundreds of megabytes of pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Tags per item.
    pub tags_per_item: usize,
    /// `seo.keywords` per item.
    pub keywords_per_item: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            tags_per_item: 20,
            keywords_per_item: 20,
        }
    }
}

/// The keys of `limits:`.
pub const LIMIT_KEYS: &[&str] = &["tags_per_item", "keywords_per_item"];

/// The site's settings, with defaults filled in.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    /// The site's name.
    pub title: String,
    /// The site's description (home page meta description).
    pub description: String,
    /// Absolute base URL without a trailing slash, e.g. `https://example.com`.
    pub base_url: String,
    /// `lang` of every page.
    pub language: String,
    /// The theme folder under themes/.
    pub theme: String,
    /// Items per listing page.
    pub paginate_by: usize,
    /// Entries per feed.
    pub feed_limit: usize,
    /// Bulletin headlines in the site-wide ticker.
    pub headlines: usize,
    /// Navigation.
    pub menu: Vec<MenuItem>,
    /// Whether search-index.json is written.
    pub search: bool,
    /// Caps on per-item lists.
    pub limits: Limits,
    /// The other languages, in site.yaml's order (the default one is
    /// `language`, at `/`).
    pub languages: Vec<Language>,
    /// The whole file, for sections read by other stages.
    pub raw: Node,
    /// Where it was read from (site.yaml, even when absent).
    pub path: PathBuf,
}

impl Default for SiteConfig {
    fn default() -> Self {
        let link = |name: &str, url: &str| MenuItem {
            name: name.into(),
            url: url.into(),
        };
        Self {
            title: "Punchline".into(),
            description: "Jokes and bulletins".into(),
            base_url: "http://localhost:1111".into(),
            language: "en".into(),
            theme: "default".into(),
            paginate_by: 20,
            feed_limit: 20,
            headlines: 10,
            menu: vec![
                link("Jokes", "/jokes/"),
                link("Bulletins", "/bulletins/"),
                link("Tags", "/tags/"),
                link("Categories", "/categories/"),
            ],
            search: true,
            limits: Limits::default(),
            languages: Vec::new(),
            raw: Node {
                value: Value::Null,
                line: 1,
                col: 1,
            },
            path: PathBuf::from("site.yaml"),
        }
    }
}

impl SiteConfig {
    /// Reads `root/site.yaml`. Problems are appended to `diags`; I/O errors
    /// other than "not found" are returned.
    pub fn load(root: &Path, diags: &mut Vec<Diagnostic>) -> Result<SiteConfig> {
        let path = root.join("site.yaml");
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(SiteConfig::default()),
            Err(e) => return Err(Error::io(&path, e)),
        };
        Ok(Self::parse(&text, Path::new("site.yaml"), diags))
    }

    /// Parses site.yaml text; `rel` names the file in diagnostics.
    pub fn parse(text: &str, rel: &Path, diags: &mut Vec<Diagnostic>) -> SiteConfig {
        let mut cfg = SiteConfig {
            path: rel.to_path_buf(),
            ..SiteConfig::default()
        };
        let node = match yaml::parse(text) {
            Ok(n) => n,
            Err(e) => {
                let msg = match e.kind {
                    yaml::ErrorKind::Syntax => format!("site.yaml is not valid YAML: {}", e.message),
                    _ => format!("site.yaml is refused: {}", e.message),
                };
                diags.push(
                    Diagnostic::error("CFG001", rel, msg)
                        .at(e.line, e.col)
                        .help(e.kind.help()),
                );
                return cfg;
            }
        };
        let mut r = Reader {
            path: rel,
            line_offset: 0,
            diags,
        };
        if !node.is_null() && node.as_map().is_none() {
            r.error("CFG001", 1, 1, "site.yaml must be a mapping of settings".into(), None);
            return cfg;
        }
        r.check_keys(&node, SITE_KEYS, "site.yaml");
        let str_or = |r: &mut Reader, key: &str, default: &mut String| {
            if let Some(v) = r.string(&node, key) {
                *default = v;
            }
        };
        str_or(&mut r, "title", &mut cfg.title);
        str_or(&mut r, "description", &mut cfg.description);
        str_or(&mut r, "language", &mut cfg.language);
        str_or(&mut r, "theme", &mut cfg.theme);
        if let Some(url) = r.string(&node, "base_url") {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                let v = node.get("base_url").expect("read above");
                r.error(
                    "CFG002",
                    v.line,
                    v.col,
                    format!("base_url '{url}' is not an absolute http(s) URL"),
                    Some("write it like https://jokes.example.com".into()),
                );
            }
            cfg.base_url = url.trim_end_matches('/').to_string();
        }
        for (key, slot) in [
            ("paginate_by", &mut cfg.paginate_by),
            ("feed_limit", &mut cfg.feed_limit),
            ("headlines", &mut cfg.headlines),
        ] {
            if let Some(n) = r.uint(&node, key) {
                *slot = n as usize;
            }
        }
        if cfg.paginate_by == 0 {
            let v = node.get("paginate_by").map_or((1, 1), |v| (v.line, v.col));
            r.error("CFG002", v.0, v.1, "paginate_by must be at least 1".into(), None);
            cfg.paginate_by = 20;
        }
        if let Some(b) = r.boolean(&node, "search") {
            cfg.search = b;
        }
        if let Some(menu) = node.get("menu") {
            cfg.menu = read_menu(&mut r, menu);
        }
        if let Some(limits) = r.map(&node, "limits") {
            cfg.limits = read_limits(&mut r, limits);
        }
        if let Some(langs) = r.map(&node, "languages") {
            cfg.languages = read_languages(&mut r, langs, &cfg);
        }
        cfg.raw = node;
        cfg
    }

    /// Every language code, the default first.
    pub fn language_codes(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.language.as_str()).chain(self.languages.iter().map(|l| l.code.as_str()))
    }

    /// Whether the site has more than one language.
    pub fn multilingual(&self) -> bool {
        !self.languages.is_empty()
    }

    /// The settings as pages in language `code` read them: its title,
    /// description and menu (the default language's for the default or an
    /// unknown code).
    pub fn in_language(&self, code: &str) -> SiteConfig {
        let mut c = self.clone();
        if let Some(l) = self.languages.iter().find(|l| l.code == code) {
            c.title = l.title.clone();
            c.description = l.description.clone();
            c.menu = l.menu.clone();
        }
        c
    }

    /// Replaces `base_url` (from `--base-url`), normalized like site.yaml's.
    pub fn override_base_url(&mut self, url: Option<&str>) {
        if let Some(u) = url {
            self.base_url = u.trim_end_matches('/').to_string();
        }
    }

    /// The absolute URL of a site path such as `/jokes/x/`.
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }
}

/// Whether `code` is a plain language tag (`zh`, `pt-BR`, `zh-Hant`): it
/// becomes a URL segment and a `lang` attribute.
pub fn is_language_tag(code: &str) -> bool {
    let mut parts = code.split('-');
    let first = parts.next().unwrap_or_default();
    (2..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

fn read_languages(r: &mut Reader, node: &Node, cfg: &SiteConfig) -> Vec<Language> {
    let Value::Map(entries) = &node.value else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, value) in entries {
        let code = key.name.to_string();
        let (line, col) = (key.line + r.line_offset, key.col);
        if !is_language_tag(&code) || code == cfg.language {
            let why = if code == cfg.language {
                "is the default language already ('language:')"
            } else {
                "is not a language tag"
            };
            r.error(
                "CFG002",
                line,
                col,
                format!("languages: '{code}' {why}"),
                Some("name each other language by its tag, e.g. 'zh' or 'pt-BR'".into()),
            );
            continue;
        }
        let mut lang = Language {
            code,
            title: cfg.title.clone(),
            description: cfg.description.clone(),
            menu: cfg.menu.clone(),
        };
        if value.is_null() {
            out.push(lang);
            continue;
        }
        if value.as_map().is_none() {
            r.type_error(&key.name, value, "a mapping of title, description and menu");
            continue;
        }
        r.check_keys(value, LANGUAGE_KEYS, "a language");
        if let Some(t) = r.string(value, "title") {
            lang.title = t;
        }
        if let Some(d) = r.string(value, "description") {
            lang.description = d;
        }
        if let Some(menu) = value.get("menu") {
            lang.menu = read_menu(r, menu);
        }
        out.push(lang);
    }
    out
}

fn read_limits(r: &mut Reader, node: &Node) -> Limits {
    r.check_keys(node, LIMIT_KEYS, "limits");
    let mut limits = Limits::default();
    for (key, slot) in [
        ("tags_per_item", &mut limits.tags_per_item),
        ("keywords_per_item", &mut limits.keywords_per_item),
    ] {
        match r.uint(node, key) {
            Some(0) => {
                let v = node.get(key).expect("read above");
                r.error(
                    "CFG002",
                    v.line,
                    v.col,
                    format!("limits.{key} must be at least 1"),
                    None,
                );
            }
            Some(n) => *slot = usize::try_from(n).unwrap_or(usize::MAX),
            None => {}
        }
    }
    limits
}

fn read_menu(r: &mut Reader, menu: &Node) -> Vec<MenuItem> {
    let Value::Seq(items) = &menu.value else {
        r.type_error("menu", menu, "a list of {name, url} entries");
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| {
            r.check_keys(item, &["name", "url"], "a menu entry");
            let name = r.required_string(item, "name", "a menu entry")?;
            let mut url = r.required_string(item, "url", "a menu entry")?;
            // The same URL policy as content: a menu link cannot run code either.
            if let Some(v) = item.get("url").filter(|_| url_policy::is_unsafe(&url, UrlKind::Link)) {
                let (line, col) = (v.line + r.line_offset, v.col);
                r.diags
                    .push(url_policy::warning(r.path, line, col, &url, "replaced by '#'"));
                url = url_policy::REPLACEMENT.to_string();
            }
            Some(MenuItem { name, url })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let mut d = Vec::new();
        let c = SiteConfig::parse(
            "title: Jokes\nbase_url: https://j.example/\npaginate_by: 5\nmenu:\n  - {name: A, url: /a/}\n",
            Path::new("site.yaml"),
            &mut d,
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.title, "Jokes");
        assert_eq!(c.base_url, "https://j.example");
        assert_eq!(c.paginate_by, 5);
        assert_eq!(c.feed_limit, 20);
        assert_eq!(c.menu.len(), 1);
        assert_eq!(c.permalink("/a/"), "https://j.example/a/");
    }

    #[test]
    fn reports_all_problems_with_lines() {
        let mut d = Vec::new();
        SiteConfig::parse(
            "titel: x\nbase_url: example.com\npaginate_by: -1\n",
            Path::new("site.yaml"),
            &mut d,
        );
        let text: Vec<String> = d.iter().map(|d| d.to_string()).collect();
        assert_eq!(d.len(), 3, "{text:?}");
        assert!(
            text[0].starts_with("site.yaml:1:1: error[FM003]: unknown field 'titel'"),
            "{text:?}"
        );
        assert!(text[0].contains("did you mean 'title'?"));
        assert!(text[1].starts_with("site.yaml:2:"), "{text:?}");
        assert!(text[2].starts_with("site.yaml:3:"), "{text:?}");
    }
}
