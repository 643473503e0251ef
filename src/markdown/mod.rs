//! Markdown: one body in, HTML and the facts later stages need out.
//!
//! Input: a Markdown body, the file line it starts on, whether the author may
//! keep raw HTML, and a resolver for `@/` links. Output: [`Rendered`] (HTML,
//! summary, table of contents, plain text, word count, links, images) and
//! diagnostics with file lines. Pure: no file system, no site, no theme, so it
//! runs in parallel over all documents.
//!
//! Security invariant: without `raw_html`, no HTML from the author reaches the
//! output as markup (it is escaped and shown as text, with a warning), in the
//! body and in shortcode bodies alike; no link, image or shortcode argument
//! carries a URL the [`url_policy`] refuses, whoever wrote it; and no
//! character that HTML or XML cannot carry (see [`is_forbidden_char`])
//! reaches any output (removed, with a warning at its line).
//!
//! Cost invariant: linear in the body, however hostile (deep nesting, a
//! million brackets, repeated headings), so one file cannot stall a build.

pub mod raw_html;
pub mod shortcodes;

use crate::content::slugify;
use crate::diagnostic::{Capped, Diagnostic};
use crate::url_policy::{self, UrlKind};
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;

/// How to render one body.
pub struct RenderOptions<'a> {
    /// The file, for diagnostics.
    pub path: &'a Path,
    /// The file line the body starts on.
    pub body_line: usize,
    /// Whether raw HTML survives (the author's role has `raw_html`).
    pub allow_raw_html: bool,
    /// What to keep of the body.
    pub bodies: Bodies,
    /// Maps an `@/` path (`jokes/x.md`) to where it points.
    pub resolve: &'a (dyn Fn(&str) -> Target + Sync),
    /// The existing `@/` path closest to a missing one, for "did you mean".
    pub suggest: &'a (dyn Fn(&str) -> Option<String> + Sync),
}

/// What the Markdown stage keeps of each body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bodies {
    /// HTML, and a plain-text excerpt (what search and summaries use): a
    /// build. The whole text would only cost memory.
    Html,
    /// HTML and the whole plain text: a build that is audited as well.
    HtmlAndText,
    /// The whole plain text, no HTML: an audit, which checks text, headings,
    /// links and images, never a body's HTML (its theme check measures what
    /// templates add around the content, which content-free sample pages
    /// show as well).
    Text,
}

impl Bodies {
    fn html(self) -> bool {
        self != Bodies::Text
    }

    fn whole_text(self) -> bool {
        self != Bodies::Html
    }
}

/// What an `@/` link points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A page in this build, at this URL.
    Found(String),
    /// A page that exists but is not in this build (a draft, scheduled...).
    Hidden {
        /// Where it will be once live.
        url: String,
        /// Why it is not live, e.g. "status draft".
        why: String,
    },
    /// No such file.
    Missing,
}

/// A heading, for the table of contents and audits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// The anchor id.
    pub id: String,
    /// The heading's text.
    pub title: String,
}

/// A link found in the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// The URL as it appears in the output (`@/` links resolved).
    pub url: String,
    /// File line.
    pub line: usize,
    /// Written as an `@/` link.
    pub internal: bool,
}

/// An image found in the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    /// Source URL.
    pub src: String,
    /// Alt text (empty when missing).
    pub alt: String,
    /// File line.
    pub line: usize,
}

/// A rendered body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    /// The whole body as HTML.
    pub html: String,
    /// HTML up to `<!-- more -->`, else the first paragraph.
    pub summary_html: String,
    /// The body as plain text (whole, or the first [`EXCERPT_CHARS`]).
    pub plain_text: String,
    /// Headings in order.
    pub toc: Vec<Heading>,
    /// Words (each CJK character counts as one).
    pub word_count: usize,
    /// Links in order.
    pub links: Vec<Link>,
    /// Images in order.
    pub images: Vec<Image>,
    /// The `@/` paths the body links to (`jokes/x.md`), so a change of
    /// their URL can re-render this body.
    pub link_targets: Vec<String>,
    /// Shortcodes, in order; the HTML holds a placeholder for each until
    /// the theme renders them.
    pub shortcodes: Vec<ShortcodeUse>,
}

/// A shortcode call with its inner Markdown rendered.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ShortcodeUse {
    /// The call as written.
    pub call: shortcodes::Call,
    /// Its inner Markdown, rendered.
    pub body_html: String,
}

const MORE_MARKER: &str = "<!-- more -->";
/// Characters of plain text kept when the whole text is not needed.
pub const EXCERPT_CHARS: usize = 320;

/// Broken `@/` links that get a "did you mean": each costs a pass over
/// every path of the site, so a body with thousands of them stays cheap.
const MAX_SUGGESTIONS: usize = 100;

/// Renders one body. Problems (broken `@/` links, sanitized HTML, unsafe
/// URLs, forbidden characters) come back as diagnostics located in the file.
pub fn render(body: &str, opts: &RenderOptions) -> (Rendered, Vec<Diagnostic>) {
    let mut stripped = Capped::default();
    let body = strip_forbidden(body, opts, &mut stripped);
    let shortcodes::Extracted {
        body,
        calls,
        placeholders,
        diags: mut sc_diags,
    } = shortcodes::extract(&body, opts.body_line, opts.path);
    sc_diags.absorb(stripped);
    let (mut out, mut diags) = render_plain(&body, &placeholders, opts);
    for call in calls {
        let inner = RenderOptions {
            body_line: call.line + 1,
            ..*opts
        };
        // The same rule as the body: raw HTML inside a shortcode is escaped
        // unless the author has raw_html (`opts.allow_raw_html` carries over).
        let (r, d) = render_plain(&call.body, &[], &inner);
        diags.absorb(d);
        out.plain_text.push_str(&r.plain_text);
        out.links.extend(r.links);
        out.images.extend(r.images);
        out.link_targets.extend(r.link_targets);
        out.shortcodes.push(ShortcodeUse {
            call,
            body_html: r.html,
        });
    }
    sc_diags.absorb(diags);
    (out, sc_diags.finish())
}

/// Whether `c` may not reach a page or a feed: C0 controls but tab, line
/// feed and carriage return (XML 1.0 forbids them), DEL and C1 controls
/// (HTML calls them parse errors), and noncharacters such as U+FFFE and
/// U+FFFF (forbidden in XML 1.0).
pub fn is_forbidden_char(c: char) -> bool {
    let n = c as u32;
    (n < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
        || (0x7f..=0x9f).contains(&n)
        || (0xfdd0..=0xfdef).contains(&n)
        || n & 0xfffe == 0xfffe
}

/// `body` without forbidden characters, with one MD001 warning per line
/// that held some, at the first one's column.
fn strip_forbidden<'b>(body: &'b str, opts: &RenderOptions, diags: &mut Capped) -> Cow<'b, str> {
    if !body.chars().any(is_forbidden_char) {
        return Cow::Borrowed(body);
    }
    let mut out = String::with_capacity(body.len());
    for (i, line) in body.split_inclusive('\n').enumerate() {
        let Some((at, c)) = line.char_indices().find(|&(_, c)| is_forbidden_char(c)) else {
            out.push_str(line);
            continue;
        };
        let n = line.chars().filter(|&c| is_forbidden_char(c)).count();
        let more = if n > 1 {
            format!(" and {} more", n - 1)
        } else {
            String::new()
        };
        diags.push(
            Diagnostic::warning(
                "MD001",
                opts.path,
                format!(
                    "character U+{:04X}{more} removed: pages and feeds cannot carry it",
                    c as u32
                ),
            )
            .at(opts.body_line + i, line[..at].chars().count() + 1)
            .help("delete the invisible character; it often comes from copying text out of another program"),
        );
        out.extend(line.chars().filter(|&c| !is_forbidden_char(c)));
    }
    Cow::Owned(out)
}

/// Renders Markdown with shortcodes already taken out; `placeholders` are
/// the byte offsets of the shortcode placeholders in `body`.
fn render_plain(body: &str, placeholders: &[usize], opts: &RenderOptions) -> (Rendered, Capped) {
    // Sized once from the source, instead of growing (and copying) as
    // they fill: HTML runs a little longer than its Markdown, text shorter.
    let out = Rendered {
        html: if opts.bodies.html() {
            String::with_capacity(body.len() + body.len() / 4)
        } else {
            String::new()
        },
        plain_text: String::with_capacity(body.len()),
        ..Rendered::default()
    };
    let mut r = Renderer {
        opts,
        lines: LineIndex::new(body, opts.body_line),
        placeholders,
        out,
        diags: Capped::default(),
        ids: HashSet::new(),
        next_suffix: HashMap::new(),
        sec001_line: 0,
        suggestions: 0,
    };
    let mut flags = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES;
    flags.insert(Options::ENABLE_SMART_PUNCTUATION);
    let mut events: Vec<(Event, Range<usize>)> = Parser::new_ext(body, flags).into_offset_iter().collect();
    let summary_end = r.transform(&mut events);
    let events: Vec<Event> = events.into_iter().map(|(e, _)| e).collect();
    if opts.bodies.html() {
        pulldown_cmark::html::push_html(&mut r.out.html, events.iter().cloned());
        pulldown_cmark::html::push_html(&mut r.out.summary_html, events[..summary_end].iter().cloned());
        // The guess above is often far from the length: the model keeps
        // every body until the build ends.
        r.out.html.shrink_to_fit();
    }
    r.out.word_count = count_words(&r.out.plain_text);
    if !opts.bodies.whole_text() {
        if let Some((i, _)) = r.out.plain_text.char_indices().nth(EXCERPT_CHARS) {
            r.out.plain_text.truncate(i);
            r.out.plain_text.shrink_to_fit();
        }
    }
    (r.out, r.diags)
}

struct Renderer<'a, 'o> {
    opts: &'a RenderOptions<'o>,
    lines: LineIndex<'a>,
    /// Byte offsets of our own shortcode placeholders.
    placeholders: &'a [usize],
    out: Rendered,
    diags: Capped,
    /// Heading ids given out.
    ids: HashSet<String>,
    /// Per id base, the suffix to try next, so a thousand equal headings
    /// do not each walk past all the ids before them.
    next_suffix: HashMap<String, usize>,
    /// The last line with a SEC001 warning (one per line is enough).
    sec001_line: usize,
    /// Broken links given a "did you mean" so far.
    suggestions: usize,
}

impl Renderer<'_, '_> {
    /// Rewrites events in place (links, HTML, heading ids) and gathers facts.
    /// Returns the index where the summary ends.
    fn transform(&mut self, events: &mut [(Event, Range<usize>)]) -> usize {
        let mut summary_end = None;
        let mut first_para_end = None;
        let mut image: Option<Image> = None;
        let mut i = 0;
        while i < events.len() {
            let start = events[i].1.start;
            let line = self.lines.line(start);
            if let Event::Start(Tag::Heading { level, id, .. }) = &events[i].0 {
                let level = heading_level(*level);
                let explicit = id.as_ref().map(|s| s.to_string());
                let title = heading_text(&events[i + 1..]);
                let id_text = self.unique_id(explicit.unwrap_or_else(|| slugify(&title)));
                if let Event::Start(Tag::Heading { id, .. }) = &mut events[i].0 {
                    *id = Some(CowStr::from(id_text.clone()));
                }
                self.out.toc.push(Heading {
                    level,
                    id: id_text,
                    title,
                });
                i += 1;
                continue;
            }
            if let Event::Html(h) | Event::InlineHtml(h) = &events[i].0 {
                if self.placeholders.binary_search(&start).is_ok()
                    && h.trim_start().starts_with("<!--punchline:shortcode:")
                {
                    // Our own placeholder: the theme fills it in later.
                    // The same text typed by an author is not at one of
                    // these offsets, and is treated as any other HTML.
                    i += 1;
                    continue;
                }
                if h.trim() == MORE_MARKER {
                    summary_end.get_or_insert(i);
                    events[i].0 = Event::Text(CowStr::Borrowed(""));
                } else if !self.opts.allow_raw_html {
                    let text = h.clone();
                    self.sanitize(&text, start);
                    events[i].0 = Event::Text(text);
                }
                i += 1;
                continue;
            }
            match &mut events[i].0 {
                Event::Start(Tag::Link { dest_url, .. }) => {
                    let url = self.link_url(dest_url, start, true);
                    *dest_url = CowStr::from(url);
                }
                Event::Start(Tag::Image { dest_url, .. }) => {
                    let url = self.link_url(dest_url, start, false);
                    *dest_url = CowStr::from(url.clone());
                    image = Some(Image {
                        src: url,
                        alt: String::new(),
                        line,
                    });
                }
                Event::End(TagEnd::Image) => self.out.images.extend(image.take()),
                Event::End(TagEnd::Paragraph) => {
                    self.out.plain_text.push('\n');
                    first_para_end.get_or_insert(i + 1);
                }
                Event::End(TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell | TagEnd::CodeBlock) => {
                    self.out.plain_text.push('\n')
                }
                Event::Text(t) | Event::Code(t) => match &mut image {
                    Some(img) => img.alt.push_str(t),
                    None => self.out.plain_text.push_str(t),
                },
                Event::SoftBreak | Event::HardBreak => self.out.plain_text.push(' '),
                _ => {}
            }
            i += 1;
        }
        summary_end.or(first_para_end).unwrap_or(events.len())
    }

    fn unique_id(&mut self, base: String) -> String {
        let base = if base.is_empty() { "section".to_string() } else { base };
        if self.ids.insert(base.clone()) {
            return base;
        }
        let n = self.next_suffix.entry(base.clone()).or_insert(1);
        loop {
            let id = format!("{base}-{n}");
            *n += 1;
            if self.ids.insert(id.clone()) {
                return id;
            }
        }
    }

    /// Resolves `@/` links, neutralizes script URLs, records the link.
    /// `start` is the link's byte offset in the body.
    fn link_url(&mut self, dest: &str, start: usize, is_link: bool) -> String {
        let (line, col) = self.lines.pos(start);
        if let Some(target) = dest.strip_prefix("@/") {
            let (path, frag) = target.split_once('#').map_or((target, ""), |(p, f)| (p, f));
            self.out.link_targets.push(path.to_string());
            let found = match (self.opts.resolve)(path) {
                Target::Found(url) => Some(url),
                Target::Hidden { url, why } => {
                    self.diags.push(
                        Diagnostic::warning(
                            "LNK002",
                            self.opts.path,
                            format!("link '@/{target}' points at a page that is not live ({why})"),
                        )
                        .at(line, col)
                        .help("the link will 404 until that page is published; publish it first or remove the link"),
                    );
                    Some(url)
                }
                Target::Missing => None,
            };
            let url = match found {
                Some(url) if frag.is_empty() => url,
                Some(url) => format!("{url}#{frag}"),
                None => {
                    let suggestion = (self.suggestions < MAX_SUGGESTIONS)
                        .then(|| (self.opts.suggest)(path))
                        .flatten();
                    self.suggestions += 1;
                    let help = match suggestion {
                        Some(s) => format!("did you mean '@/{s}'?"),
                        None => "check the path under content/, e.g. @/jokes/some-joke.md".to_string(),
                    };
                    self.diags.push(
                        Diagnostic::error(
                            "LNK001",
                            self.opts.path,
                            format!("broken internal link '@/{target}': no page content/{path}"),
                        )
                        .at(line, col)
                        .help(help),
                    );
                    "#".to_string()
                }
            };
            if is_link {
                self.out.links.push(Link {
                    url: url.clone(),
                    line,
                    internal: true,
                });
            }
            return url;
        }
        let kind = if is_link { UrlKind::Link } else { UrlKind::Image };
        if url_policy::is_unsafe(dest, kind) {
            self.diags
                .push(url_policy::warning(self.opts.path, line, col, dest, "replaced by '#'"));
            return url_policy::REPLACEMENT.to_string();
        }
        if is_link {
            self.out.links.push(Link {
                url: dest.to_string(),
                line,
                internal: false,
            });
        }
        dest.to_string()
    }

    fn sanitize(&mut self, html: &str, start: usize) {
        if html.trim().is_empty() {
            return;
        }
        let line = self.lines.line(start);
        if self.sec001_line == line {
            return;
        }
        self.sec001_line = line;
        let (line, col) = self.lines.pos(start + (html.len() - html.trim_start().len()));
        self.diags.push(
            Diagnostic::warning(
                "SEC001",
                self.opts.path,
                format!("raw HTML '{}' shown as text", truncate(html.trim(), 40)),
            )
            .at(line, col)
            .help("the author's role lacks the 'raw_html' permission; use Markdown, or ask a member with raw_html"),
        );
    }
}

fn heading_level(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn heading_text(rest: &[(Event, Range<usize>)]) -> String {
    let mut s = String::new();
    for (e, _) in rest {
        match e {
            Event::End(TagEnd::Heading(_)) => break,
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            _ => {}
        }
    }
    s
}

fn truncate(s: &str, n: usize) -> String {
    match s.char_indices().nth(n) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s.to_string(),
    }
}

/// Counts words: runs of non-space characters, except that every CJK
/// character is a word of its own (Chinese has no spaces between words).
pub fn count_words(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut n, mut in_word, mut i) = (0, false, 0);
    while i < bytes.len() {
        let b = bytes[i];
        // ASCII (nearly all of an English text) without decoding characters,
        // a word's remaining letters skipped in one tight loop.
        if b < 0x80 {
            i += 1;
            if !ASCII_IN_WORD[b as usize] {
                in_word = false;
                continue;
            }
            if !in_word {
                n += 1;
                in_word = true;
            }
            while i < bytes.len() && ASCII_IN_WORD[bytes[i] as usize] {
                i += 1;
            }
            continue;
        }
        let c = text[i..].chars().next().expect("i is a char boundary");
        if is_cjk(c) {
            n += 1;
            in_word = false;
        } else if c.is_whitespace() {
            in_word = false;
        } else if !in_word {
            n += 1;
            in_word = true;
        }
        i += c.len_utf8();
    }
    n
}

/// ASCII bytes that belong to a word: not whitespace, not punctuation
/// except `'` and `-` (so "don't" and "well-known" are one word each).
const ASCII_IN_WORD: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = !(c.is_ascii_whitespace() || (c.is_ascii_punctuation() && c != b'\'' && c != b'-'));
        b += 1;
    }
    t
};

/// Whether `c` is a CJK ideograph, kana or hangul.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30ff | 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xac00..=0xd7af | 0xf900..=0xfaff | 0x20000..=0x2fa1f)
}

/// Maps byte offsets in a body to file lines and columns.
struct LineIndex<'t> {
    text: &'t str,
    starts: Vec<usize>,
    first_line: usize,
    /// The last position asked for: (offset, its column). Positions come in
    /// increasing order, so counting on from here keeps a body that is one
    /// huge line linear.
    last: (usize, usize),
}

impl<'t> LineIndex<'t> {
    fn new(text: &'t str, first_line: usize) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self {
            text,
            starts,
            first_line,
            last: (0, 1),
        }
    }

    fn line(&self, offset: usize) -> usize {
        self.first_line + self.starts.partition_point(|&s| s <= offset) - 1
    }

    /// File line and 1-based column (in characters) of a byte offset.
    fn pos(&mut self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let i = self.starts.partition_point(|&s| s <= offset) - 1;
        let line_start = self.starts[i];
        let (last, last_col) = self.last;
        let col = match self.text.get(last..offset) {
            Some(between) if last >= line_start => last_col + between.chars().count(),
            _ => self.text.get(line_start..offset).map_or(0, |s| s.chars().count()) + 1,
        };
        self.last = (offset, col);
        (self.first_line + i, col)
    }
}

#[cfg(test)]
mod tests;
