//! The content files as the engine keeps them between runs.
//!
//! Input: the site root, the paths that may have changed, roles.yaml, the
//! routes and the theme. Output: one [`Entry`] per content file that parsed
//! (sorted by path) with its document and, once rendered, its page; the
//! files that do not parse; and every problem of both. Only what changed is
//! done again:
//!
//! - a file is read again only when its size or modification time changed
//!   (or its time was too recent to trust), and parsed again only when its
//!   bytes did;
//! - a body is rendered again only when its file was parsed again, its own
//!   URL changed, a page it links to (`@/`) appeared, disappeared, moved or
//!   was shown or hidden, or a shortcode template it uses changed;
//! - a page is made again when its body was, or what it shows besides the
//!   body (URL, visibility, last modification, author name) changed.
//!
//! `build` restores this state from `.punchline/cache/` ([`Sources::restore`])
//! and saves it after a successful build; `serve` keeps it in memory.
//!
//! Invariants: everything parsing and rendering read besides the file and
//! the routes (roles.yaml, what is kept of bodies) is the state's `basis`; a
//! different basis empties the state. Only entries without any problem and
//! without shortcodes are saved, and a saved entry is trusted only with the
//! same punchline version and format: whatever is not saved is read, parsed
//! and rendered as in a build from scratch.

use super::PageInputs;
use crate::content::{self, Document};
use crate::diagnostic::Diagnostic;
use crate::markdown::{self, Heading, Image, Link, RenderOptions, Rendered};
use crate::site::{Page, Routes};
use crate::theme::Theme;
use crate::workflow::roles::{Permission, Roles};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::hash::{Hash, Hasher};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use xxhash_rust::xxh3::{xxh3_64, Xxh3Default as Xxh3};

/// Bumped whenever what is saved, or what it means, changes.
const FORMAT: u32 = 1;

/// A modification time this close to the moment it was seen may still
/// change without changing the time (file systems count time in ticks):
/// such a stamp is not trusted, and the file is read again next time.
const RACY: Duration = Duration::from_secs(2);

/// What a file was when it was last read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    size: u64,
    /// Modification time: seconds and nanoseconds since 1970.
    secs: u64,
    nanos: u32,
    /// xxh3 of the bytes.
    hash: u64,
    /// The time was too recent to trust (see [`RACY`]).
    racy: bool,
}

impl Stamp {
    fn of(meta: &std::fs::Metadata, hash: u64) -> Stamp {
        let mtime = meta.modified().unwrap_or(UNIX_EPOCH);
        let since = mtime.duration_since(UNIX_EPOCH).unwrap_or_default();
        Stamp {
            size: meta.len(),
            secs: since.as_secs(),
            nanos: since.subsec_nanos(),
            hash,
            // A time in the future is no better than a recent one.
            racy: SystemTime::now().duration_since(mtime).map_or(true, |d| d < RACY) || since.is_zero(),
        }
    }

    /// Whether `meta` shows the same file, without reading it.
    fn unchanged(&self, meta: &std::fs::Metadata) -> bool {
        let now = Stamp::of(meta, self.hash);
        *self != Stamp::default() && !self.racy && (now.size, now.secs, now.nanos) == (self.size, self.secs, self.nanos)
    }
}

/// One content file that parsed.
pub struct Entry {
    /// The document; its body is kept only until it is rendered.
    pub doc: Document,
    stamp: Stamp,
    /// Its front matter as written, to save the entry (empty when the
    /// state is not saved).
    front: Box<str>,
    /// Parsed this run: the body is in `doc`.
    fresh: bool,
    /// Its page, when shown and rendered.
    page: Option<Arc<Page>>,
    /// A body restored from the cache, not yet made into a page.
    stored: Option<Rendered>,
    /// Problems from parsing the file.
    parse_diags: Vec<Diagnostic>,
    /// Problems from rendering its body (only while it is shown).
    render_diags: Vec<Diagnostic>,
    /// Its URL and whether it was shown, after the last run.
    route: Option<(String, bool)>,
}

impl AsRef<Document> for Entry {
    fn as_ref(&self) -> &Document {
        &self.doc
    }
}

/// What reading one path found.
enum Read {
    /// The file is as it was.
    Same,
    /// Same bytes, new size or time.
    Restamped(Stamp),
    /// New bytes, parsed (the document, if it parsed, with its front matter).
    Parsed(Stamp, Option<Box<(Document, Box<str>)>>, Vec<Diagnostic>),
    /// The file is gone.
    Gone,
}

/// The content files between runs.
#[derive(Default)]
pub struct Sources {
    /// Every content file that parsed, sorted by path. A sorted list rather
    /// than maps keyed by path: hashing `Path`s walks their components,
    /// which dominated the dev server's rebuilds on a large site.
    pub entries: Vec<Entry>,
    /// Files that do not parse, with their problems.
    broken: BTreeMap<PathBuf, Vec<Diagnostic>>,
    /// A hash of what parsing and rendering read besides the files.
    basis: u64,
    /// Whether anything changed since the state was restored or saved.
    dirty: bool,
    /// Whether the state is saved between builds ([`Sources::restore`] was
    /// called): only then is each file's front matter kept, a copy of a
    /// tenth of the sources that a build from scratch never reads.
    saved: bool,
    /// Files parsed and bodies rendered by the last run.
    pub last_run: Counts,
}

/// What one run redid.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Content files parsed (new bytes, or read again to render).
    pub parsed: usize,
    /// Bodies rendered.
    pub rendered: usize,
}

/// The basis of a state: roles.yaml as parsed, and what is kept of bodies.
pub fn basis(roles: &Roles, bodies: markdown::Bodies) -> u64 {
    let mut h = Xxh3::new();
    format!("{roles:?}{bodies:?}").hash(&mut h);
    h.finish()
}

impl Sources {
    /// Sets what parsing and rendering read besides the files; a change
    /// empties the state, so everything is read again.
    pub fn set_basis(&mut self, basis: u64) {
        if basis != self.basis {
            *self = Sources {
                basis,
                dirty: true,
                saved: self.saved,
                ..Sources::default()
            };
        }
    }

    /// The paths the state knows of (parsed or not).
    pub fn known(&self) -> impl Iterator<Item = &PathBuf> {
        self.entries.iter().map(|e| &e.doc.path).chain(self.broken.keys())
    }

    /// Reads the files `paths` (from `root`) that changed, in parallel, and
    /// updates the entries. With `trust`, a file whose size and time are
    /// unchanged is not read; without it (the watcher saw a write), it is
    /// read and parsed again when its bytes changed. `given` is a file's
    /// text to use instead of reading it. Returns the `@/` paths of the
    /// entries that are gone.
    pub fn refresh(
        &mut self,
        root: &Path,
        paths: &[PathBuf],
        trust: bool,
        roles: &Roles,
        given: Option<(&Path, &str)>,
    ) -> Vec<String> {
        let (entries, keep_front) = (&self.entries, self.saved);
        let found = |rel: &Path| entries.binary_search_by(|e| e.doc.path.as_path().cmp(rel)).ok();
        let reads: Vec<Read> = paths
            .par_iter()
            .map(|rel| {
                let old = found(rel).map(|i| &entries[i].stamp);
                if let Some((_, text)) = given.filter(|(p, _)| *p == rel.as_path()) {
                    let (doc, d) = parse(rel, text, roles, keep_front);
                    return Read::Parsed(Stamp::default(), doc.map(Box::new), d);
                }
                read(root, rel, old, trust, roles, keep_front)
            })
            .collect();
        let mut gone = Vec::new();
        // Sized once: an entry is a kilobyte, and growing the list by
        // doubling touched three times the memory it ends up holding.
        let new = reads
            .iter()
            .filter(|r| matches!(r, Read::Parsed(_, Some(_), _)))
            .count();
        let mut fresh = Vec::with_capacity(new);
        self.last_run = Counts::default();
        for (rel, r) in paths.iter().zip(reads) {
            let at = self.entries.binary_search_by(|e| e.doc.path.cmp(rel));
            self.last_run.parsed += usize::from(matches!(r, Read::Parsed(..)));
            match r {
                Read::Same => continue,
                Read::Restamped(stamp) => {
                    if let Ok(i) = at {
                        self.entries[i].stamp = stamp;
                    }
                }
                Read::Parsed(stamp, Some(parsed), d) => {
                    let (doc, front) = *parsed;
                    self.broken.remove(rel);
                    let entry = Entry {
                        doc,
                        stamp,
                        front,
                        fresh: true,
                        page: None,
                        stored: None,
                        parse_diags: d,
                        render_diags: Vec::new(),
                        route: at.ok().and_then(|i| self.entries[i].route.take()),
                    };
                    match at {
                        Ok(i) => self.entries[i] = entry,
                        Err(_) => fresh.push(entry),
                    }
                }
                Read::Parsed(_, None, d) => {
                    if let Ok(i) = at {
                        gone.push(self.entries.remove(i).doc.rel);
                    }
                    self.broken.insert(rel.clone(), d);
                }
                Read::Gone => {
                    if let Ok(i) = at {
                        gone.push(self.entries.remove(i).doc.rel);
                    }
                    self.broken.remove(rel);
                }
            }
            self.dirty = true;
        }
        if !fresh.is_empty() {
            // New files are merged in at once: inserting them one by one
            // would move the whole list for each. Paths are unique, so an
            // unstable sort is the same sort, and it needs no scratch copy.
            if self.entries.is_empty() {
                self.entries = fresh;
            } else {
                self.entries.append(&mut fresh);
            }
            self.entries.sort_unstable_by(|a, b| a.doc.path.cmp(&b.doc.path));
        }
        gone
    }

    /// Entries whose body must be rendered (again): the ones parsed this
    /// run, shown ones without a body, ones whose URL changed, whose
    /// shortcode templates changed, or that link to a page that appeared,
    /// disappeared, moved, or was shown or hidden. Records the new routes.
    pub fn stale(&mut self, routes: &Routes, theme: Option<&Theme>, gone: Vec<String>) -> Vec<usize> {
        let mut moved: HashSet<String> = gone.into_iter().collect();
        for (i, e) in self.entries.iter().enumerate() {
            let now = (routes.urls[i].as_str(), routes.visibility[i].shown());
            if e.route
                .as_ref()
                .is_none_or(|(url, shown)| (url.as_str(), *shown) != now)
            {
                moved.insert(e.doc.rel.clone());
            }
        }
        let mut out = Vec::new();
        for (i, e) in self.entries.iter_mut().enumerate() {
            let route = (routes.urls[i].clone(), routes.visibility[i].shown());
            let same_url = e.route.as_ref().is_some_and(|(url, _)| *url == route.0);
            if e.route.as_ref() != Some(&route) {
                self.dirty = true;
            }
            e.route = Some(route);
            if !routes.visibility[i].shown() {
                (e.page, e.stored, e.render_diags) = (None, None, Vec::new());
                continue;
            }
            let body = e.page.as_ref().map(|p| (&p.rendered, p.shortcode_key));
            let body = body.or(e.stored.as_ref().map(|r| (r, 0)));
            let stale = match body {
                None => true,
                Some((r, key)) => {
                    e.fresh
                        || !same_url
                        || (!r.shortcodes.is_empty() && shortcode_key(theme, r) != key)
                        || (!moved.is_empty() && r.link_targets.iter().any(|t| moved.contains(t)))
                }
            };
            if stale {
                out.push(i);
            }
        }
        out
    }

    /// Renders the bodies of entries `ids` in parallel (a body not in
    /// memory is read again from `root`), then makes the page of every
    /// shown entry whose page is missing or out of date. Returns the pages,
    /// in path order.
    pub fn render(&mut self, root: &Path, ids: Vec<usize>, inputs: &PageInputs) -> Vec<Arc<Page>> {
        let mut work: Vec<(usize, String)> = Vec::with_capacity(ids.len());
        let mut reread = Vec::new();
        for i in ids {
            let e = &mut self.entries[i];
            (e.page, e.stored) = (None, None);
            if e.fresh {
                work.push((i, std::mem::take(&mut e.doc.body)));
            } else {
                reread.push(i);
            }
        }
        // Bodies are not kept: read those files again. They parsed before;
        // if one no longer does, its problems say so and it has no page
        // (its stamp stays, so the next run reads it again).
        let entries = &self.entries;
        let again: Vec<(usize, Option<Document>, Vec<Diagnostic>)> = reread
            .into_par_iter()
            .map(|i| {
                let rel = &entries[i].doc.path;
                match content::read_source(root, rel) {
                    Ok(text) => {
                        let (doc, d) = parse(rel, &text, inputs.roles, false);
                        (i, doc.map(|(d, _)| d), d)
                    }
                    Err(e) => (i, None, vec![*e.diagnostic]),
                }
            })
            .collect();
        self.last_run.parsed += again.len();
        for (i, doc, d) in again {
            let e = &mut self.entries[i];
            e.parse_diags = d;
            if let Some(mut doc) = doc {
                work.push((i, std::mem::take(&mut doc.body)));
                e.doc = doc;
            }
        }
        let entries = &self.entries;
        let done: Vec<(usize, Rendered, u64, Vec<Diagnostic>)> = work
            .into_par_iter()
            .map(|(i, body)| {
                let (r, key, d) = render_body(&entries[i].doc, &body, inputs);
                (i, r, key, d)
            })
            .collect();
        self.dirty |= !done.is_empty();
        self.last_run.rendered = done.len();
        for (i, rendered, key, d) in done {
            let e = &mut self.entries[i];
            e.render_diags = d;
            let mut page = make_page(e.doc.clone(), rendered, i, inputs);
            page.shortcode_key = key;
            e.page = Some(Arc::new(page));
        }
        let mut pages = Vec::with_capacity(self.entries.len());
        for (i, e) in self.entries.iter_mut().enumerate() {
            e.fresh = false;
            e.doc.body = String::new();
            if !inputs.routes.visibility[i].shown() {
                continue;
            }
            let current = e.page.as_ref().is_some_and(|p| same_frame(p, &e.doc, i, inputs));
            if !current {
                let (rendered, key) = match (e.stored.take(), &e.page) {
                    (Some(r), _) => (r, 0),
                    (None, Some(p)) => (p.rendered.clone(), p.shortcode_key),
                    (None, None) => continue,
                };
                let mut page = make_page(e.doc.clone(), rendered, i, inputs);
                page.shortcode_key = key;
                e.page = Some(Arc::new(page));
            }
            pages.extend(e.page.clone());
        }
        pages
    }

    /// Every problem found in the files and their bodies.
    pub fn diags(&self) -> impl Iterator<Item = &Diagnostic> {
        self.broken.values().flatten().chain(
            self.entries
                .iter()
                .flat_map(|e| e.parse_diags.iter().chain(&e.render_diags)),
        )
    }

    /// Restores the state saved in `file` by [`Sources::save`] for `basis`;
    /// an unreadable, foreign or damaged file restores nothing. Each
    /// document is parsed again from its saved front matter (no file is
    /// read); an entry whose front matter now has problems is left out,
    /// so its file is read as new.
    pub fn restore(&mut self, file: &Path, basis: u64, roles: &Roles) {
        self.saved = true;
        self.set_basis(basis);
        let Ok(f) = std::fs::File::open(file) else { return };
        let mut lines = std::io::BufReader::new(f).lines();
        let header: Option<Header> = lines
            .next()
            .and_then(|l| l.ok())
            .and_then(|l| serde_json::from_str(&l).ok());
        let expected = Header::new(basis);
        if header.as_ref() != Some(&expected) {
            return;
        }
        let Ok(lines) = lines.collect::<std::io::Result<Vec<String>>>() else {
            return;
        };
        let entries: Option<Vec<Option<Entry>>> = lines
            .par_iter()
            .map(|l| serde_json::from_str::<Line>(l).ok().map(|l| l.entry(roles)))
            .collect();
        let Some(entries) = entries else { return };
        let mut entries: Vec<Entry> = entries.into_iter().flatten().collect();
        entries.sort_by(|a, b| a.doc.path.cmp(&b.doc.path));
        entries.dedup_by(|a, b| a.doc.path == b.doc.path);
        self.entries = entries;
        self.dirty = false;
    }

    /// Saves the state into `file` (through a temporary file, so a reader
    /// sees the old or the new one whole), when anything changed since it
    /// was restored. A cache that cannot be written only costs time later.
    pub fn save(&mut self, file: &Path) {
        // Without `restore` no front matter was kept: nothing to save.
        if !self.saved || (!self.dirty && file.exists()) {
            return;
        }
        let lines: Vec<Vec<u8>> = self
            .entries
            .par_iter()
            .filter_map(Line::of)
            .map(|l| serde_json::to_vec(&l).expect("plain data always serializes"))
            .collect();
        let written = crate::output::cache::replace_file(file, |w| {
            serde_json::to_writer(&mut *w, &Header::new(self.basis))?;
            for l in &lines {
                w.write_all(b"\n")?;
                w.write_all(l)?;
            }
            Ok(())
        });
        if written.is_ok() {
            self.dirty = false;
        }
    }
}

/// Reads `rel` unless its stamp says it is unchanged, and parses it when
/// its bytes changed.
fn read(root: &Path, rel: &Path, old: Option<&Stamp>, trust: bool, roles: &Roles, keep_front: bool) -> Read {
    let meta = match std::fs::metadata(root.join(rel)) {
        Ok(m) => Some(m),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Read::Gone,
        // Reading it says what is wrong, at the file.
        Err(_) => None,
    };
    if let (true, Some(old), Some(meta)) = (trust, old, &meta) {
        if old.unchanged(meta) {
            return Read::Same;
        }
    }
    let text = match content::read_source(root, rel) {
        Ok(t) => t,
        Err(e) if e.not_found => return Read::Gone,
        Err(e) => return Read::Parsed(Stamp::default(), None, vec![*e.diagnostic]),
    };
    let hash = xxh3_64(text.as_bytes());
    let stamp = meta.map_or_else(Stamp::default, |m| Stamp::of(&m, hash));
    if old.is_some_and(|o| *o != Stamp::default() && o.hash == hash && o.size == text.len() as u64) {
        return Read::Restamped(stamp);
    }
    let (doc, d) = parse(rel, &text, roles, keep_front);
    Read::Parsed(stamp, doc.map(Box::new), d)
}

/// Parses one file's text, keeping its front matter as written when
/// `keep_front` (else an empty one).
fn parse(rel: &Path, text: &str, roles: &Roles, keep_front: bool) -> (Option<(Document, Box<str>)>, Vec<Diagnostic>) {
    let (doc, d) = content::parse_document(rel, text, roles);
    let front = match keep_front {
        true => content::split(text).map(|s| s.front).unwrap_or(""),
        false => "",
    };
    (doc.map(|doc| (doc, front.into())), d)
}

/// A hash of the shortcode templates a body uses and of the static file
/// names `asset()` hands out (a shortcode may call it); 0 for none.
fn shortcode_key(theme: Option<&Theme>, r: &Rendered) -> u64 {
    match theme {
        _ if r.shortcodes.is_empty() => 0,
        None => 1,
        Some(t) => {
            let mut h = Xxh3::new();
            t.shortcode_key(r).hash(&mut h);
            for (rel, file) in &t.statics {
                (rel, &file.output).hash(&mut h);
            }
            h.finish() | 2
        }
    }
}

/// Renders a document's body, then its shortcodes with the theme (none:
/// left as placeholders). Returns the body, its shortcode key, and the
/// problems.
fn render_body(doc: &Document, body: &str, inputs: &PageInputs) -> (Rendered, u64, Vec<Diagnostic>) {
    let routes = inputs.routes;
    let resolve = |rel: &str| routes.resolve_rel(rel);
    let opts = RenderOptions {
        path: &doc.path,
        body_line: doc.body_line,
        allow_raw_html: inputs.roles.role_can(&doc.role, Permission::RawHtml),
        bodies: inputs.bodies,
        resolve: &resolve,
        suggest: &|rel| {
            crate::diagnostic::did_you_mean(rel, routes.by_rel.keys().map(String::as_str)).map(str::to_string)
        },
    };
    let (mut rendered, mut diags) = markdown::render(body, &opts);
    if let Some(t) = inputs.theme.filter(|_| !rendered.shortcodes.is_empty()) {
        diags.extend(t.expand_shortcodes(&mut rendered, &doc.path));
    }
    let key = shortcode_key(inputs.theme, &rendered);
    (rendered, key, diags)
}

/// What a page shows besides its body: its URL, visibility, last
/// modification and author name.
type Frame = (String, crate::site::Visibility, crate::clock::When, String);

fn frame(doc: &Document, i: usize, inputs: &PageInputs) -> Frame {
    let lastmod = doc
        .meta
        .updated
        .or_else(|| inputs.git_dates.get(&doc.path).map(|&ts| crate::clock::When::at(ts)))
        .unwrap_or(doc.meta.date);
    let author_name = inputs
        .roles
        .member(&doc.meta.author)
        .map_or_else(|| doc.meta.author.clone(), |m| m.name.clone());
    (
        inputs.routes.urls[i].clone(),
        inputs.routes.visibility[i],
        lastmod,
        author_name,
    )
}

fn same_frame(p: &Page, doc: &Document, i: usize, inputs: &PageInputs) -> bool {
    let (url, visibility, lastmod, author) = frame(doc, i, inputs);
    (p.url == url) && p.visibility == visibility && p.lastmod == lastmod && p.author_name == author
}

/// The page of document `i` with this body.
fn make_page(mut doc: Document, rendered: Rendered, i: usize, inputs: &PageInputs) -> Page {
    doc.body = String::new();
    let (url, visibility, lastmod, author_name) = frame(&doc, i, inputs);
    Page::new(doc, rendered, url, visibility, lastmod, author_name)
}

/// The first line of a saved state: what it is valid for.
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Header {
    format: u32,
    version: String,
    basis: u64,
}

impl Header {
    fn new(basis: u64) -> Header {
        Header {
            format: FORMAT,
            version: env!("CARGO_PKG_VERSION").into(),
            basis,
        }
    }
}

/// One saved entry (one line of JSON).
#[derive(Serialize, Deserialize)]
struct Line<'a> {
    path: Cow<'a, str>,
    stamp: Stamp,
    front: Cow<'a, str>,
    route: Option<(Cow<'a, str>, bool)>,
    body: Option<Body<'a>>,
}

/// A saved rendered body.
#[derive(Serialize, Deserialize)]
struct Body<'a> {
    html: Cow<'a, str>,
    /// `None`: the same as `html`.
    summary: Option<Cow<'a, str>>,
    text: Cow<'a, str>,
    toc: Cow<'a, [Heading]>,
    words: usize,
    links: Cow<'a, [Link]>,
    images: Cow<'a, [Image]>,
    targets: Cow<'a, [String]>,
}

impl<'a> Line<'a> {
    /// The saved form of `e`, when it may be saved: no problems, a stamp
    /// from its file, and no shortcodes (their output depends on the theme).
    fn of(e: &'a Entry) -> Option<Line<'a>> {
        if !e.parse_diags.is_empty() || !e.render_diags.is_empty() || e.stamp == Stamp::default() {
            return None;
        }
        let rendered = e.page.as_ref().map(|p| &p.rendered).or(e.stored.as_ref());
        if rendered.is_some_and(|r| !r.shortcodes.is_empty()) {
            return None;
        }
        Some(Line {
            path: e.doc.path.to_string_lossy(),
            stamp: e.stamp,
            front: Cow::Borrowed(&e.front),
            route: e.route.as_ref().map(|(u, s)| (Cow::Borrowed(u.as_str()), *s)),
            body: rendered.map(|r| Body {
                html: Cow::Borrowed(&r.html),
                summary: (r.summary_html != r.html).then_some(Cow::Borrowed(&r.summary_html)),
                text: Cow::Borrowed(&r.plain_text),
                toc: Cow::Borrowed(&r.toc),
                words: r.word_count,
                links: Cow::Borrowed(&r.links),
                images: Cow::Borrowed(&r.images),
                targets: Cow::Borrowed(&r.link_targets),
            }),
        })
    }

    /// The entry again: its document parsed from the saved front matter
    /// (`None` when that has problems now).
    fn entry(self, roles: &Roles) -> Option<Entry> {
        let path = PathBuf::from(&*self.path);
        let text = format!("---\n{}---\n", self.front);
        let (doc, d) = parse(&path, &text, roles, true);
        let (doc, front) = doc.filter(|_| d.is_empty())?;
        let stored = self.body.map(|b| {
            let html = b.html.into_owned();
            Rendered {
                summary_html: b.summary.map_or_else(|| html.clone(), Cow::into_owned),
                html,
                plain_text: b.text.into_owned(),
                toc: b.toc.into_owned(),
                word_count: b.words,
                links: b.links.into_owned(),
                images: b.images.into_owned(),
                link_targets: b.targets.into_owned(),
                shortcodes: Vec::new(),
            }
        });
        Some(Entry {
            doc,
            stamp: self.stamp,
            front,
            fresh: false,
            page: None,
            stored,
            parse_diags: Vec::new(),
            render_diags: Vec::new(),
            route: self.route.map(|(u, s)| (u.into_owned(), s)),
        })
    }
}
