//! Themes: tera templates and static files, with inheritance.
//!
//! Input: the site root and the theme name from site.yaml. Output: a loaded
//! [`Theme`]: compiled templates and static files, each static file with a
//! content-hashed output name. `themes/<name>/theme.yaml` may say
//! `extends: parent`; the child's templates and static files replace the
//! parent's of the same relative path. The default theme is built into the
//! binary, so a folder of Markdown builds even without a themes/ folder.
//!
//! Invariant: templates receive only the typed views of [`views`] and the
//! `asset()` function, which maps a static path to its fingerprinted URL.

pub mod assets;
pub mod deps;
pub mod jsonld;
pub mod scaffold;
pub mod share;
pub mod views;

use crate::diagnostic::{Diagnostic, Error, Result};
use crate::yaml::{self, Reader};
use include_dir::{include_dir, Dir};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// The default theme, compiled into the binary.
pub static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Templates every theme must provide (after inheritance).
pub const REQUIRED: &[&str] = &[
    "index.html",
    "joke.html",
    "bulletin.html",
    "page.html",
    "list.html",
    "term.html",
    "terms.html",
    "special.html",
    "404.html",
];

/// A static file of the theme.
#[derive(Debug, Clone)]
pub struct StaticFile {
    /// Its bytes.
    pub bytes: Cow<'static, [u8]>,
    /// Where it goes in the output, e.g. `css/site.1a2b3c4d.css`.
    pub output: String,
}

/// A loaded theme.
pub struct Theme {
    /// Theme names from the root ancestor to the chosen theme.
    pub chain: Vec<String>,
    /// Compiled templates.
    pub tera: tera::Tera,
    /// Template name -> the file it came from (for diagnostics).
    pub template_files: BTreeMap<String, PathBuf>,
    /// Static path (`css/site.css`) -> file.
    pub statics: BTreeMap<String, StaticFile>,
    /// Template name -> its text (to locate render errors).
    sources: BTreeMap<String, String>,
    /// Template name -> hash of it and all it pulls in (see [`deps`]).
    pub closure_hashes: BTreeMap<String, u64>,
}

impl std::fmt::Debug for Theme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Theme")
            .field("chain", &self.chain)
            .field("templates", &self.template_files.keys())
            .finish()
    }
}

/// One theme's files before merging.
struct Layer {
    name: String,
    templates: Vec<(String, PathBuf, String)>,
    statics: Vec<(String, Cow<'static, [u8]>)>,
    extends: Option<String>,
}

impl Theme {
    /// Loads theme `name` and its ancestors. Problems (missing theme, bad
    /// theme.yaml, template syntax errors, missing templates) go to `diags`;
    /// `None` means the theme cannot be used.
    pub fn load(root: &Path, name: &str, diags: &mut Vec<Diagnostic>) -> Result<Option<Theme>> {
        let mut layers = Vec::new();
        let mut next = Some(name.to_string());
        while let Some(n) = next {
            if layers.iter().any(|l: &Layer| l.name == n) || layers.len() > 8 {
                diags.push(
                    Diagnostic::error(
                        "THM002",
                        format!("themes/{n}/theme.yaml"),
                        format!("theme '{n}' extends itself through a cycle"),
                    )
                    .help("remove one 'extends:'"),
                );
                return Ok(None);
            }
            let Some(layer) = load_layer(root, &n, diags)? else {
                return Ok(None);
            };
            next = layer.extends.clone();
            layers.push(layer);
        }
        layers.reverse();
        Ok(Self::merge(layers, diags))
    }

    fn merge(layers: Vec<Layer>, diags: &mut Vec<Diagnostic>) -> Option<Theme> {
        let chain = layers.iter().map(|l| l.name.clone()).collect();
        let mut sources: BTreeMap<String, (PathBuf, String)> = BTreeMap::new();
        let mut statics = BTreeMap::new();
        for layer in layers {
            for (tpl, path, text) in layer.templates {
                sources.insert(tpl, (path, text));
            }
            for (rel, bytes) in layer.statics {
                statics.insert(rel.clone(), StaticFile { bytes, output: rel });
            }
        }
        let mut tera = tera::Tera::default();
        // Escape what HTML needs escaped and nothing more: tera's default
        // also turns every '/' into "&#x2F;", which bloats and uglifies URLs.
        tera.set_escape_fn(escape_html);
        let mut ok = true;
        // Parse one by one so that each syntax error names its own file.
        for (name, (path, text)) in &sources {
            if let Err(e) = tera::Template::new(name, None, text) {
                diags.push(template_error(path, &e));
                ok = false;
            }
        }
        if !ok {
            return None;
        }
        if let Err(e) = tera.add_raw_templates(sources.iter().map(|(n, (_, t))| (n.as_str(), t.as_str()))) {
            let path = sources.values().next().map(|(p, _)| p.clone()).unwrap_or_default();
            diags.push(template_error(&path, &e));
            return None;
        }
        let template_files: BTreeMap<String, PathBuf> =
            sources.iter().map(|(n, (p, _))| (n.clone(), p.clone())).collect();
        let sources: BTreeMap<String, String> = sources.into_iter().map(|(n, (_, t))| (n, t)).collect();
        let closure_hashes = deps::closure_hashes(&sources);
        for req in REQUIRED {
            if !template_files.contains_key(*req) {
                diags.push(
                    Diagnostic::error("TPL001", "themes/", format!("the theme has no template '{req}'")).help(format!(
                        "add templates/{req} to the theme, or extend a theme that has it"
                    )),
                );
                ok = false;
            }
        }
        let assets: HashMap<String, String> = statics
            .iter()
            .map(|(k, v)| (k.clone(), format!("/{}", v.output)))
            .collect();
        tera.register_function("asset", AssetFn { assets });
        ok.then_some(Theme {
            chain,
            tera,
            template_files,
            statics,
            sources,
            closure_hashes,
        })
    }

    /// The context every page starts from: `site`, and `cached`, the output
    /// of each `cached/<name>.html` template rendered once per build with
    /// only `site` (site-wide blocks such as the headline ticker: the
    /// equivalent of Hugo's partialCached, and just as decidable, since it
    /// depends on the site view alone).
    pub fn base_context(&self, site: &views::SiteView) -> Result<tera::Context> {
        let mut ctx = tera::Context::new();
        ctx.insert("site", site);
        let mut cached = BTreeMap::new();
        let mut diags = Vec::new();
        for name in self.template_files.keys().filter(|n| n.starts_with("cached/")) {
            let key = name
                .trim_start_matches("cached/")
                .trim_end_matches(".html")
                .replace(['/', '-'], "_");
            match self.render(name, &ctx, "every page (cached)") {
                Ok(html) => {
                    cached.insert(key, html);
                }
                Err(d) => diags.push(d),
            }
        }
        if !diags.is_empty() {
            return Err(Error::Diagnostics(diags));
        }
        ctx.insert("cached", &cached);
        Ok(ctx)
    }

    /// Prepares static files for a build: CSS and JS minified, every file
    /// named by its content hash (and `asset()` handing out those names).
    /// The dev server skips this: plain names mean a CSS edit changes only
    /// the stylesheet, which the browser swaps in without re-rendering pages.
    pub fn for_build(mut self) -> Theme {
        for (rel, file) in self.statics.iter_mut() {
            if let Cow::Owned(min) = assets::minify(rel, &file.bytes) {
                file.bytes = Cow::Owned(min);
            }
            file.output = assets::fingerprinted_name(rel, &file.bytes);
        }
        let urls = self
            .statics
            .iter()
            .map(|(k, v)| (k.clone(), format!("/{}", v.output)))
            .collect();
        self.tera.register_function("asset", AssetFn { assets: urls });
        self
    }

    /// Renders the shortcodes of a body (templates `shortcodes/<name>.html`,
    /// given the call's arguments and `body`, its inner Markdown as HTML)
    /// into the placeholders the markdown stage left. Unknown shortcodes and
    /// template errors are diagnostics at the call's line.
    pub fn expand_shortcodes(&self, rendered: &mut crate::markdown::Rendered, path: &Path) -> Vec<Diagnostic> {
        let mut diags = crate::diagnostic::Capped::default();
        let mut outputs = Vec::with_capacity(rendered.shortcodes.len());
        for sc in &rendered.shortcodes {
            let tpl = format!("shortcodes/{}.html", sc.call.name);
            let html = if !self.has_template(&tpl) {
                if !diags.keeps("SC002") {
                    diags.push(Diagnostic::error("SC002", path, String::new()));
                    outputs.push(String::new());
                    continue;
                }
                let known: Vec<&str> = self
                    .template_files
                    .keys()
                    .filter_map(|k| k.strip_prefix("shortcodes/").and_then(|k| k.strip_suffix(".html")))
                    .collect();
                diags.push(
                    Diagnostic::error("SC002", path, format!("unknown shortcode '{}'", sc.call.name))
                        .at(sc.call.line, sc.call.col)
                        .help(
                            match crate::diagnostic::did_you_mean(&sc.call.name, known.iter().copied()) {
                                Some(m) => format!("did you mean '{m}'? The theme has: {}", known.join(", ")),
                                None => format!("the theme has: {}", known.join(", ")),
                            },
                        ),
                );
                String::new()
            } else {
                let mut ctx = tera::Context::new();
                for (k, v) in &sc.call.args {
                    ctx.insert(k, v);
                }
                ctx.insert("body", &sc.body_html);
                match self.render(
                    &tpl,
                    &ctx,
                    &format!("the shortcode at {}:{}", path.display(), sc.call.line),
                ) {
                    Ok(html) => html,
                    Err(d) => {
                        diags.push(d);
                        String::new()
                    }
                }
            };
            outputs.push(html);
        }
        rendered.html = fill_placeholders(&rendered.html, &outputs);
        rendered.summary_html = fill_placeholders(&rendered.summary_html, &outputs);
        diags.finish()
    }

    /// A hash of the shortcode templates a body uses (with what they pull
    /// in): when it changes, the body must be rendered again.
    pub fn shortcode_key(&self, rendered: &crate::markdown::Rendered) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::hash::DefaultHasher::new();
        for sc in &rendered.shortcodes {
            self.closure_hashes
                .get(&format!("shortcodes/{}.html", sc.call.name))
                .hash(&mut h);
        }
        h.finish()
    }

    /// The templates reached from `roots` through extends/include/import.
    pub fn reachable(&self, roots: &std::collections::BTreeSet<String>) -> std::collections::BTreeSet<String> {
        let mut seen = std::collections::BTreeSet::new();
        let mut stack: Vec<String> = roots.iter().cloned().collect();
        while let Some(n) = stack.pop() {
            if let (Some(text), false) = (self.sources.get(&n), seen.contains(&n)) {
                stack.extend(deps::references(text));
            }
            seen.insert(n);
        }
        seen
    }

    /// Whether the theme has template `name`.
    pub fn has_template(&self, name: &str) -> bool {
        self.template_files.contains_key(name)
    }

    /// Renders `template` with `ctx`. `page` names what is being rendered
    /// (for the error message).
    pub fn render(&self, template: &str, ctx: &tera::Context, page: &str) -> std::result::Result<String, Diagnostic> {
        self.tera.render(template, ctx).map_err(|e| {
            // Tera says "Failed to render 'joke.html' (error happened in
            // 'base.html')" and puts the real cause last in the chain: point
            // at the file the error is in, and lead with the cause.
            let outer = e.to_string();
            let culprit = outer
                .split("error happened in '")
                .nth(1)
                .and_then(|rest| rest.split('\'').next())
                .unwrap_or(template);
            let path = self
                .template_files
                .get(culprit)
                .cloned()
                .unwrap_or_else(|| PathBuf::from(culprit));
            let mut cause = String::new();
            let mut src = std::error::Error::source(&e);
            while let Some(s) = src {
                cause = s.to_string();
                src = s.source();
            }
            let mut d = template_error(&path, &e);
            if !cause.is_empty() {
                d.message = cause;
            }
            if let Some(var) = d
                .message
                .split("Variable `")
                .nth(1)
                .and_then(|r| r.split('`').next())
                .map(str::to_string)
            {
                if let Some((line, col)) = self.sources.get(culprit).and_then(|t| find(t, &var)) {
                    d = d.at(line, col);
                }
                d.help = Some(available(ctx, &var));
            }
            d.message = format!("{} (while rendering {page})", d.message);
            d
        })
    }
}

/// `html` with each shortcode placeholder replaced by its output, in one
/// pass (a body may hold tens of thousands of shortcodes). Outputs are not
/// searched again, so a shortcode's output cannot fill another's place.
fn fill_placeholders(html: &str, outputs: &[String]) -> String {
    const PREFIX: &str = "<!--punchline:shortcode:";
    if !html.contains(PREFIX) {
        return html.to_string();
    }
    let mut out = String::with_capacity(html.len() + outputs.iter().map(String::len).sum::<usize>());
    let mut rest = html;
    while let Some(at) = rest.find(PREFIX) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let digits = rest[PREFIX.len()..].bytes().take_while(u8::is_ascii_digit).count();
        let end = PREFIX.len() + digits;
        let n = rest[PREFIX.len()..end].parse::<usize>().ok();
        match n.and_then(|n| outputs.get(n)) {
            Some(html) if rest[end..].starts_with("-->") => {
                out.push_str(html);
                rest = &rest[end + 3..];
            }
            _ => {
                out.push_str(PREFIX);
                rest = &rest[PREFIX.len()..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// 1-based line and column of the first `needle` in `text`.
fn find(text: &str, needle: &str) -> Option<(usize, usize)> {
    text.lines()
        .enumerate()
        .find_map(|(i, l)| l.find(needle).map(|c| (i + 1, l[..c].chars().count() + 1)))
}

/// "`page` has: title, url, ..." for a missing `page.nope`; the top-level
/// names for a missing `nope`.
fn available(ctx: &tera::Context, var: &str) -> String {
    let mut parts: Vec<&str> = var.split('.').collect();
    parts.pop();
    let keys = |v: &tera::Value| v.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>().join(", "));
    if let Some((first, rest)) = parts.split_first() {
        let mut v = ctx.get(first);
        for p in rest {
            v = v.and_then(|x| x.get(p));
        }
        if let Some(k) = v.and_then(keys) {
            return format!("`{}` has: {k}", parts.join("."));
        }
    }
    let top = ctx.clone().into_json();
    format!("this template receives: {}", keys(&top).unwrap_or_default())
}

/// Escapes text for HTML element content and attribute values, and drops
/// the characters no page may carry ([`crate::markdown::is_forbidden_char`]:
/// front matter is cleaned when read, this is the second line of defence).
pub fn escape_html(s: &str) -> String {
    // Templates print a million short values per large build, and nearly
    // none holds one of the five characters: find the first one with a
    // table lookup per byte, and copy the whole value when there is none.
    let Some(first) = s.bytes().position(|b| ESCAPES[usize::from(b)].is_some()) else {
        return s.to_owned();
    };
    let mut out = String::with_capacity(s.len() + 8);
    let mut last = 0;
    // Escaped and dropped ASCII bytes are char boundaries; a lead byte of a
    // multi-byte character is one too, and the whole character is judged.
    for (i, b) in s.bytes().enumerate().skip(first) {
        match ESCAPES[usize::from(b)] {
            None => {}
            Some(LEAD) => {
                let c = s[i..].chars().next().expect("a lead byte starts a character");
                if crate::markdown::is_forbidden_char(c) {
                    out.push_str(&s[last..i]);
                    last = i + c.len_utf8();
                }
            }
            Some(rep) => {
                out.push_str(&s[last..i]);
                out.push_str(rep);
                last = i + 1;
            }
        }
    }
    out.push_str(&s[last..]);
    out
}

/// Marks a lead byte whose character may be forbidden (C1 controls start
/// with 0xC2, noncharacters with 0xEF or 0xF0-0xF4): judged whole.
const LEAD: &str = "\u{0}";

/// What `escape_html` writes for each byte it replaces ("" drops it).
const ESCAPES: [Option<&str>; 256] = {
    let mut t = [None; 256];
    t[b'&' as usize] = Some("&amp;");
    t[b'<' as usize] = Some("&lt;");
    t[b'>' as usize] = Some("&gt;");
    t[b'"' as usize] = Some("&quot;");
    t[b'\'' as usize] = Some("&#39;");
    let mut b = 0;
    while b < 0x20 {
        if !matches!(b, 0x09 | 0x0a | 0x0d) {
            t[b] = Some("");
        }
        b += 1;
    }
    t[0x7f] = Some("");
    t[0xc2] = Some(LEAD);
    t[0xef] = Some(LEAD);
    let mut b = 0xf0;
    while b <= 0xf4 {
        t[b] = Some(LEAD);
        b += 1;
    }
    t
};

fn load_layer(root: &Path, name: &str, diags: &mut Vec<Diagnostic>) -> Result<Option<Layer>> {
    // `theme: /home/me` or `extends: ../..` would load templates and
    // static files from anywhere on the disk: a theme is one folder name.
    let mut parts = Path::new(name).components();
    if !matches!(
        (parts.next(), parts.next()),
        (Some(std::path::Component::Normal(_)), None)
    ) {
        diags.push(
            Diagnostic::error(
                "THM001",
                "themes/",
                format!("theme '{name}' is not a folder name under themes/"),
            )
            .help("name a folder of themes/ (such as 'mine' for themes/mine/), or 'default'"),
        );
        return Ok(None);
    }
    let dir = root.join("themes").join(name);
    if dir.is_dir() {
        return load_disk_layer(root, &dir, name, diags).map(Some);
    }
    if name == "default" {
        return Ok(Some(load_embedded_layer(diags)));
    }
    let yaml_path = PathBuf::from(format!("themes/{name}"));
    diags.push(
        Diagnostic::error("THM001", yaml_path, format!("theme '{name}' not found"))
            .help("create themes/<name>/ or set 'theme: default' in site.yaml"),
    );
    Ok(None)
}

fn read_theme_yaml(rel: &Path, text: &str, diags: &mut Vec<Diagnostic>) -> Option<String> {
    let node = match yaml::parse(text) {
        Ok(n) => n,
        Err(e) => {
            diags.push(
                Diagnostic::error("THM002", rel, format!("theme.yaml is not valid YAML: {}", e.message))
                    .at(e.line, e.col),
            );
            return None;
        }
    };
    let mut r = Reader {
        path: rel,
        line_offset: 0,
        diags,
    };
    r.check_keys(&node, &["name", "extends", "description", "author"], "theme.yaml");
    r.string(&node, "extends")
}

fn load_disk_layer(root: &Path, dir: &Path, name: &str, diags: &mut Vec<Diagnostic>) -> Result<Layer> {
    let rel_dir = dir.strip_prefix(root).unwrap_or(dir).to_path_buf();
    // Templates and static files are published as they are: never through a link.
    for sub in ["", "templates", "static", "sass"] {
        crate::content::check_real_folder(root, &rel_dir.join(sub)).map_err(|d| Error::Diagnostics(vec![d]))?;
    }
    let yaml_path = dir.join("theme.yaml");
    let extends = match std::fs::read_to_string(&yaml_path) {
        Ok(t) => read_theme_yaml(&rel_dir.join("theme.yaml"), &t, diags),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io(&yaml_path, e)),
    };
    let mut layer = Layer {
        name: name.to_string(),
        templates: Vec::new(),
        statics: Vec::new(),
        extends,
    };
    // Sass first: a file in static/ of the same name wins.
    if dir.join("sass").is_dir() {
        let css = assets::compile_sass(&dir.join("sass"), &rel_dir.join("sass"), diags);
        layer.statics.extend(css.into_iter().map(|(p, b)| (p, Cow::Owned(b))));
    }
    for (sub, is_tpl) in [("templates", true), ("static", false)] {
        let base = dir.join(sub);
        if !base.is_dir() {
            continue;
        }
        for entry in walkdir::WalkDir::new(&base).sort_by_file_name() {
            let entry = entry.map_err(|e| {
                Error::io(
                    &base,
                    e.into_io_error()
                        .unwrap_or_else(|| std::io::Error::other("symlink loop")),
                )
            })?;
            if !entry.file_type().is_file() || entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let rel = entry
                .path()
                .strip_prefix(&base)
                .unwrap_or(entry.path())
                .to_string_lossy()
                .replace('\\', "/");
            let shown = rel_dir.join(sub).join(&rel);
            if is_tpl {
                let text = std::fs::read_to_string(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
                layer.templates.push((rel, shown, text));
            } else {
                let bytes = std::fs::read(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
                layer.statics.push((rel, Cow::Owned(bytes)));
            }
        }
    }
    Ok(layer)
}

fn load_embedded_layer(diags: &mut Vec<Diagnostic>) -> Layer {
    let mut layer = Layer {
        name: "default".into(),
        templates: Vec::new(),
        statics: Vec::new(),
        extends: None,
    };
    if let Some(f) = DEFAULT_THEME.get_file("theme.yaml") {
        layer.extends = read_theme_yaml(
            Path::new("themes/default/theme.yaml"),
            f.contents_utf8().unwrap_or(""),
            diags,
        );
    }
    for file in embedded_files(&DEFAULT_THEME) {
        let path = file.path().to_string_lossy().replace('\\', "/");
        if let Some(rel) = path.strip_prefix("templates/") {
            layer.templates.push((
                rel.to_string(),
                PathBuf::from(format!("themes/default/{path}")),
                file.contents_utf8().unwrap_or("").to_string(),
            ));
        } else if let Some(rel) = path.strip_prefix("static/") {
            layer.statics.push((rel.to_string(), Cow::Borrowed(file.contents())));
        }
    }
    layer
}

/// Every file of an embedded folder, recursively, sorted by path.
pub fn embedded_files(dir: &'static Dir<'static>) -> Vec<&'static include_dir::File<'static>> {
    let mut out: Vec<_> = dir.files().collect();
    for sub in dir.dirs() {
        out.extend(embedded_files(sub));
    }
    out.sort_by_key(|f| f.path());
    out
}

/// Turns a tera error (with its chain of causes) into a diagnostic naming
/// the template file and, for syntax errors, the line and column.
fn template_error(path: &Path, e: &tera::Error) -> Diagnostic {
    let mut parts = vec![e.to_string()];
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        parts.push(s.to_string());
        src = s.source();
    }
    let text = parts.join(": ");
    let (line, col) = text
        .split("--> ")
        .nth(1)
        .and_then(|rest| {
            let mut it = rest.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty());
            Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
        })
        .unwrap_or((0, 0));
    let clean = |part: &String| -> String {
        part.lines()
            .map(str::trim)
            .filter(|l| {
                let code_line = l
                    .split_once(" |")
                    .is_some_and(|(n, _)| n.chars().all(|c| c.is_ascii_digit()));
                !l.is_empty() && !l.starts_with('|') && !l.starts_with("-->") && !code_line
            })
            .map(|l| l.trim_start_matches("= "))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let message = parts
        .iter()
        .map(clean)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(": ");
    let help = if message.contains("not found in context") {
        "the variables a template receives are listed in docs/themes.md"
    } else {
        "fix the template; the syntax is Tera's (https://keats.github.io/tera/docs/)"
    };
    Diagnostic::error("TPL002", path, message).at(line, col).help(help)
}

struct AssetFn {
    assets: HashMap<String, String>,
}

impl tera::Function for AssetFn {
    fn call(&self, args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
        let path = args
            .get("path")
            .and_then(|v| v.as_str())
            .ok_or_else(|| tera::Error::msg("asset() needs path=\"css/site.css\""))?;
        let key = path.trim_start_matches('/');
        match self.assets.get(key) {
            Some(url) => Ok(tera::Value::String(url.clone())),
            None => {
                let mut known: Vec<&str> = self.assets.keys().map(String::as_str).collect();
                known.sort();
                Err(tera::Error::msg(format!(
                    "asset(): no static file '{path}' in the theme; there are: {}",
                    known.join(", ")
                )))
            }
        }
    }

    fn is_safe(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::escape_html;

    #[test]
    fn escapes_the_five_characters_and_nothing_else() {
        assert_eq!(escape_html("plain /jokes/a-b/ 笑话"), "plain /jokes/a-b/ 笑话");
        assert_eq!(
            escape_html(r#"Tom & "Jerry" <b>'s</b>"#),
            "Tom &amp; &quot;Jerry&quot; &lt;b&gt;&#39;s&lt;/b&gt;"
        );
        assert_eq!(escape_html("笑<"), "笑&lt;");
        assert_eq!(escape_html("&"), "&amp;");
        assert_eq!(escape_html(""), "");
    }

    #[test]
    fn drops_characters_no_page_may_carry() {
        assert_eq!(escape_html("a\u{0}b\u{8}c\u{1b}[2J\u{7f}d"), "abc[2Jd");
        assert_eq!(escape_html("tab\tnl\ncr\r"), "tab\tnl\ncr\r");
        assert_eq!(escape_html("x\u{85}y\u{9f}z"), "xyz");
        assert_eq!(escape_html("a\u{fffe}b\u{ffff}c\u{fdd0}d\u{1fffe}e"), "abcde");
        assert_eq!(
            escape_html("© nbsp\u{a0} 笑 ｘ 😀 \u{fffd}<"),
            "© nbsp\u{a0} 笑 ｘ 😀 \u{fffd}&lt;"
        );
    }

    #[test]
    fn fills_each_placeholder_once_with_its_own_output() {
        let outputs = vec!["<b>zero</b>".to_string(), "<!--punchline:shortcode:0-->".to_string()];
        let html = "a<!--punchline:shortcode:1-->b<!--punchline:shortcode:0-->c<!--punchline:shortcode:9-->";
        assert_eq!(
            super::fill_placeholders(html, &outputs),
            "a<!--punchline:shortcode:0-->b<b>zero</b>c<!--punchline:shortcode:9-->"
        );
    }
}
