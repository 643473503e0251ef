//! The `audit:` section of site.yaml: thresholds, rule levels, engines.
//!
//! Input: `SiteConfig.raw` (the located YAML tree of site.yaml). Output:
//! [`AuditConfig`] with defaults filled in, and a diagnostic for every
//! unknown key, wrong type or unknown rule, each at its own line (the same
//! `yaml::Reader` the rest of site.yaml goes through). Invariant: the
//! defaults here are the ones docs/audit.md documents.

use super::rules::{self, Level, Rule, RULES};
use crate::content::Kind;
use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::yaml::{Node, Reader, Value};
use serde::Serialize;
use std::path::Path;

/// A search engine whose rules the audit applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    /// Google (and engines that follow its guidance, such as Bing).
    Google,
    /// Baidu.
    Baidu,
}

impl Engine {
    /// Lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            Engine::Google => "google",
            Engine::Baidu => "baidu",
        }
    }

    /// Longest sitemap `<loc>` the engine reads, in bytes.
    pub fn max_loc(self) -> usize {
        match self {
            Engine::Google => 2048,
            Engine::Baidu => crate::output::sitemap::MAX_LOC,
        }
    }
}

/// An inclusive range; either end may be open.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bounds {
    /// Lowest good value.
    pub min: Option<f64>,
    /// Highest good value.
    pub max: Option<f64>,
}

impl Bounds {
    const fn new(min: Option<f64>, max: Option<f64>) -> Self {
        Self { min, max }
    }

    /// Whether `v` is inside.
    pub fn contains(&self, v: f64) -> bool {
        self.min.is_none_or(|m| v >= m) && self.max.is_none_or(|m| v <= m)
    }

    /// "between 120 and 160", "at least 50", "at most 600".
    pub fn describe(&self) -> String {
        self.describe_in("")
    }

    /// The same with a unit after each number: "between 0.5% and 3%".
    pub fn describe_in(&self, unit: &str) -> String {
        match (self.min, self.max) {
            (Some(a), Some(b)) => format!("between {}{unit} and {}{unit}", num(a), num(b)),
            (Some(a), None) => format!("at least {}{unit}", num(a)),
            (None, Some(b)) => format!("at most {}{unit}", num(b)),
            (None, None) => "any".into(),
        }
    }
}

/// A number without a pointless ".0".
pub fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// The audit's settings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditConfig {
    /// Engines whose rules apply (default: google).
    pub engines: Vec<Engine>,
    /// Focus keyword density, percent of words (default 0.5 to 3).
    pub keyword_density: Bounds,
    /// Widest SEO title in pixels (default 600).
    pub title_width: f64,
    /// Meta description length in characters, for Google (default 120 to 160).
    pub description_length: Bounds,
    /// Meta description length for Baidu, in half-width units: a Chinese
    /// character counts 2 (default 80 to 156, i.e. at most 78 Chinese characters).
    pub baidu_description_length: Bounds,
    /// Words of text per kind.
    pub text_length: TextLength,
    /// Terms listed per page in the term report (default 5).
    pub terms: usize,
    /// Level per rule, indexed like `RULES`; `None` turns the rule off.
    #[serde(skip)]
    levels: Vec<Option<Level>>,
}

impl Default for AuditConfig {
    fn default() -> Self {
        Self {
            engines: vec![Engine::Google],
            keyword_density: Bounds::new(Some(0.5), Some(3.0)),
            title_width: 600.0,
            description_length: Bounds::new(Some(120.0), Some(160.0)),
            baidu_description_length: Bounds::new(Some(80.0), Some(156.0)),
            text_length: TextLength {
                jokes: Bounds::new(Some(10.0), Some(300.0)),
                bulletins: Bounds::new(Some(50.0), None),
                pages: Bounds::new(Some(150.0), None),
                specials: Bounds::new(Some(50.0), None),
            },
            terms: 5,
            levels: RULES.iter().map(|r| Some(r.default)).collect(),
        }
    }
}

const KEYS: &[&str] = &[
    "engines",
    "keyword_density",
    "title_width",
    "description_length",
    "baidu",
    "text_length",
    "terms",
    "rules",
];

impl AuditConfig {
    /// The level of `rule` on this site, `None` when it is off.
    pub fn level(&self, code: &str) -> Option<Level> {
        self.levels[rules::index(code)?]
    }

    /// Whether the rule runs.
    pub fn on(&self, code: &str) -> bool {
        self.level(code).is_some()
    }

    /// Text length bounds of a kind.
    pub fn text_length_of(&self, kind: Kind) -> Bounds {
        *self.text_length.get(kind)
    }

    /// Reads `audit:` from site.yaml's tree. Problems go to `diags`, located in `path`.
    pub fn from_site_yaml(raw: &Node, path: &Path, diags: &mut Vec<Diagnostic>) -> AuditConfig {
        let mut cfg = AuditConfig::default();
        let mut r = Reader {
            path,
            line_offset: 0,
            diags,
        };
        let Some(node) = r.map(raw, "audit") else {
            return cfg;
        };
        r.check_keys(node, KEYS, "audit");
        if let Some(list) = node.get("engines") {
            cfg.engines = read_engines(&mut r, list);
        }
        if let Some(b) = bounds(&mut r, node, "keyword_density") {
            cfg.keyword_density = b;
        }
        if let Some(w) = number(&mut r, node, "title_width") {
            cfg.title_width = w;
        }
        if let Some(b) = bounds(&mut r, node, "description_length") {
            cfg.description_length = b;
        }
        if let Some(baidu) = r.map(node, "baidu") {
            r.check_keys(baidu, &["description_length"], "audit.baidu");
            if let Some(b) = bounds(&mut r, baidu, "description_length") {
                cfg.baidu_description_length = b;
            }
        }
        if let Some(tl) = r.map(node, "text_length") {
            let sections: Vec<&str> = Kind::ALL.iter().map(|k| k.section()).collect();
            r.check_keys(tl, &sections, "audit.text_length");
            for kind in Kind::ALL {
                if let Some(b) = bounds(&mut r, tl, kind.section()) {
                    *cfg.text_length.get_mut(kind) = b;
                }
            }
        }
        if let Some(n) = r.uint(node, "terms") {
            cfg.terms = n as usize;
        }
        if let Some(rules) = r.map(node, "rules") {
            read_levels(&mut r, rules, &mut cfg.levels);
        }
        cfg
    }
}

/// Words of text wanted per kind of page.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TextLength {
    /// Jokes (short by nature: the default has a maximum too).
    pub jokes: Bounds,
    /// Bulletins.
    pub bulletins: Bounds,
    /// Plain pages.
    pub pages: Bounds,
    /// Special landing pages.
    pub specials: Bounds,
}

impl TextLength {
    fn get(&self, kind: Kind) -> &Bounds {
        match kind {
            Kind::Joke => &self.jokes,
            Kind::Bulletin => &self.bulletins,
            Kind::Page => &self.pages,
            Kind::Special => &self.specials,
        }
    }

    fn get_mut(&mut self, kind: Kind) -> &mut Bounds {
        match kind {
            Kind::Joke => &mut self.jokes,
            Kind::Bulletin => &mut self.bulletins,
            Kind::Page => &mut self.pages,
            Kind::Special => &mut self.specials,
        }
    }
}

fn read_engines(r: &mut Reader, list: &Node) -> Vec<Engine> {
    let Value::Seq(items) = &list.value else {
        r.type_error("engines", list, "a list such as [google, baidu]");
        return vec![Engine::Google];
    };
    let mut out = Vec::new();
    for item in items {
        match item.as_str() {
            Some("google") => out.push(Engine::Google),
            Some("baidu") => out.push(Engine::Baidu),
            _ => r.error(
                "CFG010",
                item.line,
                item.col,
                format!("unknown search engine '{}'", item.scalar_text().unwrap_or_default()),
                Some("use google and/or baidu".into()),
            ),
        }
    }
    out.sort();
    out.dedup();
    out
}

/// A number (integer or decimal) under `key`.
fn number(r: &mut Reader, parent: &Node, key: &str) -> Option<f64> {
    let v = parent.get(key)?;
    match v.value {
        Value::Int(i) if i >= 0 => Some(i as f64),
        Value::Float(f) if f >= 0.0 => Some(f),
        Value::Null => None,
        _ => {
            r.type_error(key, v, "a number of 0 or more");
            None
        }
    }
}

/// `{min: A, max: B}` (either may be left out).
fn bounds(r: &mut Reader, parent: &Node, key: &str) -> Option<Bounds> {
    let node = r.map(parent, key)?;
    r.check_keys(node, &["min", "max"], key);
    let b = Bounds::new(number(r, node, "min"), number(r, node, "max"));
    if let (Some(a), Some(z)) = (b.min, b.max) {
        if a > z {
            r.error(
                "CFG010",
                node.line,
                node.col,
                format!("{key}: min {} is above max {}", num(a), num(z)),
                None,
            );
            return None;
        }
    }
    Some(b)
}

fn read_levels(r: &mut Reader, rules: &Node, levels: &mut [Option<Level>]) {
    for (k, v) in rules.as_map().unwrap_or_default() {
        let Some(rule): Option<&Rule> = rules::find(&k.name) else {
            let names = RULES.iter().map(|r| r.name);
            let help = match did_you_mean(&k.name, names) {
                Some(s) => format!("did you mean '{s}'?"),
                None => "rules are named by code (AUD104) or name (keyword-in-description); see docs/audit.md".into(),
            };
            r.error(
                "CFG010",
                k.line,
                k.col,
                format!("unknown audit rule '{}'", k.name),
                Some(help),
            );
            continue;
        };
        let text = v.scalar_text().unwrap_or_default();
        let level = match text.as_str() {
            "off" => None,
            s => match Level::parse(s) {
                Some(l) => Some(l),
                None => {
                    r.error(
                        "CFG010",
                        v.line,
                        v.col,
                        format!("'{}' is not a level for rule '{}'", text, k.name),
                        Some("use error, warning, notice or off".into()),
                    );
                    continue;
                }
            },
        };
        if let Some(i) = RULES.iter().position(|x| x.code == rule.code) {
            levels[i] = level;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SiteConfig;

    fn parse(yaml: &str) -> (AuditConfig, Vec<String>) {
        let mut d = Vec::new();
        let site = SiteConfig::parse(yaml, Path::new("site.yaml"), &mut d);
        let cfg = AuditConfig::from_site_yaml(&site.raw, Path::new("site.yaml"), &mut d);
        (cfg, d.iter().map(|d| d.to_string()).collect())
    }

    #[test]
    fn defaults_without_a_section() {
        let (c, d) = parse("title: x\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c, AuditConfig::default());
        assert_eq!(c.level("AUD111"), Some(Level::Error));
        assert_eq!(c.engines, vec![Engine::Google]);
    }

    #[test]
    fn reads_thresholds_engines_and_levels() {
        let (c, d) = parse(
            "audit:\n  engines: [baidu, google]\n  keyword_density: {min: 1, max: 2.5}\n  title_width: 580\n  \
             baidu:\n    description_length: {max: 150}\n  text_length:\n    jokes: {min: 5}\n  \
             rules:\n    keyword-in-slug: off\n    AUD101: error\n",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.engines, vec![Engine::Google, Engine::Baidu]);
        assert_eq!(c.keyword_density, Bounds::new(Some(1.0), Some(2.5)));
        assert_eq!(c.title_width, 580.0);
        assert_eq!(c.baidu_description_length.max, Some(150.0));
        assert_eq!(c.text_length_of(Kind::Joke), Bounds::new(Some(5.0), None));
        assert!(!c.on("AUD105"));
        assert_eq!(c.level("AUD101"), Some(Level::Error));
    }

    #[test]
    fn reports_every_problem_at_its_line() {
        let (_, d) = parse(
            "audit:\n  engins: [google]\n  engines: [bing]\n  rules:\n    keyword-in-slugg: off\n    AUD101: loud\n",
        );
        assert_eq!(d.len(), 4, "{d:?}");
        assert!(
            d[0].starts_with("site.yaml:2:3: error[FM003]: unknown field 'engins'"),
            "{d:?}"
        );
        assert!(
            d[1].starts_with("site.yaml:3:13: error[CFG010]: unknown search engine 'bing'"),
            "{d:?}"
        );
        assert!(d[2].contains("did you mean 'keyword-in-slug'?"), "{d:?}");
        assert!(
            d[3].starts_with("site.yaml:6:13: error[CFG010]: 'loud' is not a level"),
            "{d:?}"
        );
    }
}
