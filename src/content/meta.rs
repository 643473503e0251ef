//! Front matter: the typed fields of one content file.
//!
//! Input: the located YAML tree of a file's front matter. Output: [`Meta`]
//! with every field typed, plus a diagnostic for each unknown key, missing
//! field, wrong type or bad value (all of them, each at its own line).

use super::Status;
use crate::clock::When;
use crate::content::Kind;
use crate::yaml::{Node, Reader, Value};
use serde::Serialize;

/// Top-level front-matter fields, the contract users write against.
pub const FIELDS: &[&str] = &[
    "title",
    "date",
    "updated",
    "author",
    "role",
    "slug",
    "tags",
    "category",
    "status",
    "publish_at",
    "expires",
    "pinned",
    "assignee",
    "due",
    "review",
    "history",
    "seo",
    "template",
    "campaign",
    "hero",
    "select",
    "aliases",
    "lang",
    "translation_key",
];
/// Fields of the `seo:` block.
pub const SEO_FIELDS: &[&str] = &[
    "title",
    "description",
    "keywords",
    "focus_keyword",
    "canonical",
    "noindex",
    "image",
];
const SPECIAL_ONLY: &[&str] = &["campaign", "hero", "select"];

/// The `seo:` block.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Seo {
    /// `<title>`; falls back to the item's title.
    pub title: Option<String>,
    /// Meta description.
    pub description: Option<String>,
    /// Meta keywords.
    pub keywords: Vec<String>,
    /// The keyword the page is optimized for (audits).
    pub focus_keyword: Option<String>,
    /// Canonical URL override.
    pub canonical: Option<String>,
    /// `noindex`: kept out of search engines and the sitemap.
    pub noindex: bool,
    /// Open Graph image.
    pub image: Option<String>,
}

/// One reviewer verdict in `review.log`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct ReviewEntry {
    /// When.
    pub at: When,
    /// Member id.
    pub by: String,
    /// `approve` or `request-changes`.
    pub verdict: String,
    /// Optional note.
    pub note: Option<String>,
}

/// The `review:` block.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Review {
    /// Who is asked.
    pub reviewers: Vec<String>,
    /// Verdicts, oldest first.
    pub log: Vec<ReviewEntry>,
}

/// One transition in `history`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct HistoryEntry {
    /// When.
    pub at: When,
    /// Member id.
    pub by: String,
    /// The command: submit, approve, publish...
    pub action: String,
    /// State before.
    pub from: Option<Status>,
    /// State after.
    pub to: Option<Status>,
    /// Optional note.
    pub note: Option<String>,
}

/// Sort order of a special's selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum SortOrder {
    /// Newest first.
    #[default]
    DateDesc,
    /// Oldest first.
    DateAsc,
    /// By title, A to Z.
    Title,
}

/// A special's `select:` query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Select {
    /// Tags to match.
    pub tags: Vec<String>,
    /// `all` tags rather than `any`.
    pub match_all: bool,
    /// Only this category.
    pub category: Option<String>,
    /// Items dated on or after.
    pub from: Option<When>,
    /// Items dated on or before.
    pub to: Option<When>,
    /// At most this many (0 = no limit).
    pub limit: usize,
    /// Order.
    pub sort: SortOrder,
    /// Kinds to select from (default: jokes).
    pub kinds: Vec<Kind>,
}

/// A special's hero banner.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Hero {
    /// Image path.
    pub image: Option<String>,
    /// Alt text.
    pub alt: Option<String>,
    /// Slogan.
    pub slogan: Option<String>,
}

/// The fields only special landing pages have.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize)]
pub struct SpecialMeta {
    /// Campaign start (inclusive).
    pub starts: Option<When>,
    /// Campaign end (exclusive).
    pub ends: Option<When>,
    /// The hero banner.
    pub hero: Hero,
    /// The query.
    pub select: Select,
}

/// A content file's front matter, typed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Meta {
    /// Title.
    pub title: String,
    /// Date written.
    pub date: When,
    /// Last meaningful update, if the author says so.
    pub updated: Option<When>,
    /// Author's member id.
    pub author: String,
    /// The role given in the file, if any.
    pub role: Option<String>,
    /// Explicit slug.
    pub slug: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Category (jokes).
    pub category: Option<String>,
    /// Workflow state (default draft).
    pub status: Status,
    /// Scheduled publication.
    pub publish_at: Option<When>,
    /// Leaves the site after this.
    pub expires: Option<When>,
    /// Bulletins: pinned to the top of the headlines.
    pub pinned: bool,
    /// Assigned member.
    pub assignee: Option<String>,
    /// Due date.
    pub due: Option<When>,
    /// Review block.
    pub review: Review,
    /// Transitions.
    pub history: Vec<HistoryEntry>,
    /// SEO block.
    pub seo: Seo,
    /// Template override from the theme.
    pub template: Option<String>,
    /// Specials only.
    pub special: Option<Box<SpecialMeta>>,
    /// Old site paths that redirect here, normalised (see `content::aliases`).
    pub aliases: Vec<String>,
    /// The language, when the front matter names it (`lang: zh`); checked
    /// against site.yaml's languages by `site::langs`.
    pub lang: Option<String>,
    /// Links items whose file names differ as translations of each other.
    pub translation_key: Option<String>,
    /// Line and column of each top-level key in the file, and of each key of
    /// the SEO block as `seo.KEY`, for diagnostics.
    pub positions: Positions,
}

impl Meta {
    /// The file position of a top-level field (or the front matter's start).
    pub fn pos(&self, key: &str) -> (usize, usize) {
        self.positions.get(key).unwrap_or((2, 1))
    }
}

/// Reads the typed fields of `node`. Returns `None` when a required field is
/// missing or unusable; every problem is reported through `r`.
pub fn read(r: &mut Reader, node: &Node, kind: Kind) -> Option<Meta> {
    if node.as_map().is_none() {
        r.error(
            "FM002",
            node.line,
            node.col,
            format!("front matter must be 'key: value' lines, found {}", node.type_name()),
            None,
        );
        return None;
    }
    r.check_keys(node, FIELDS, "front matter");
    if kind != Kind::Special {
        for key in SPECIAL_ONLY {
            if let Some(k) = node.key(key) {
                r.error(
                    "FM003",
                    k.line,
                    k.col,
                    format!("'{key}' is only for special landing pages (content/specials/)"),
                    Some("remove it, or move the file to content/specials/".into()),
                );
            }
        }
    }
    let positions = key_positions(node, r.line_offset);
    let title = required(r, node, "title", "a line 'title: ...'");
    let title = check_title(r, node, "title", title);
    let date = r.when(node, "date");
    if node.get("date").is_none() {
        missing(r, "date", "a line 'date: YYYY-MM-DD'");
    }
    let author = required(r, node, "author", "a line 'author: <member id from roles.yaml>'");
    let mut positions = positions;
    let tags = read_terms(r, node, "tags", true);
    positions.tags = tags.iter().map(|&(_, line, col)| (line, col)).collect();
    let aliases = super::aliases::read(r, node);
    positions.aliases = aliases.iter().map(|&(_, line, col)| (line, col)).collect();
    let category = read_terms(r, node, "category", false).pop().map(|(name, _, _)| name);
    let status = match r.string(node, "status") {
        None => Status::Draft,
        Some(s) => Status::parse(&s).unwrap_or_else(|| {
            let v = node.get("status").expect("read above");
            let names = Status::ALL.map(Status::name);
            let help = crate::diagnostic::did_you_mean(&s, names)
                .map(|m| format!("did you mean '{m}'?"))
                .unwrap_or_else(|| format!("use one of: {}", names.join(", ")));
            r.error("FM005", v.line, v.col, format!("unknown status '{s}'"), Some(help));
            Status::Draft
        }),
    };
    let meta = Meta {
        title: title.clone().unwrap_or_default(),
        date: date.unwrap_or(When::at(jiff::Timestamp::UNIX_EPOCH)),
        updated: r.when(node, "updated"),
        author: author.clone().unwrap_or_default(),
        role: r.string(node, "role"),
        slug: r.string(node, "slug"),
        tags: tags.into_iter().map(|(name, _, _)| name).collect(),
        category,
        status,
        publish_at: r.when(node, "publish_at"),
        expires: r.when(node, "expires"),
        pinned: r.boolean(node, "pinned").unwrap_or(false),
        assignee: r.string(node, "assignee"),
        due: r.when(node, "due"),
        review: read_review(r, node),
        history: read_history(r, node),
        seo: read_seo(r, node),
        template: r.string(node, "template"),
        special: (kind == Kind::Special).then(|| Box::new(read_special(r, node))),
        aliases: aliases.into_iter().map(|(a, _, _)| a).collect(),
        lang: r.string(node, "lang"),
        translation_key: r.string(node, "translation_key"),
        positions,
    };
    (title.is_some() && date.is_some() && author.is_some()).then_some(meta)
}

/// A required top-level text field; its absence is reported at the opening
/// `---` (there is no better place for what is not there).
fn required(r: &mut Reader, node: &Node, key: &str, add: &str) -> Option<String> {
    let s = r.string(node, key);
    if s.is_none() && node.get(key).is_none_or(Node::is_null) {
        missing(r, key, add);
    }
    s
}

fn missing(r: &mut Reader, key: &str, add: &str) {
    r.error_in_file(
        "FM004",
        1,
        1,
        format!("missing required field '{key}' in front matter"),
        format!("add {add} between the '---' lines"),
    );
}

/// Where each top-level key is, and each key of `seo:` as `seo.KEY`, so a
/// finding about the meta description points at the description's line.
fn key_positions(node: &Node, line_offset: usize) -> Positions {
    let mut positions = Positions::default();
    for (k, v) in node.as_map().unwrap_or_default() {
        positions.push(k.name.clone(), k.line + line_offset, k.col);
        if k.name == "seo" {
            for (sk, _) in v.as_map().unwrap_or_default() {
                positions.push(format!("seo.{}", sk.name), sk.line + line_offset, sk.col);
            }
        }
    }
    positions.keys.shrink_to_fit();
    positions
}

/// Where each front-matter key is: (line, column), 1-based, by key (`title`,
/// `seo.description`). A list in file order, not a map: a file has a dozen
/// keys, and a map's nodes cost several times the list's bytes on every
/// document of a large site.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Positions {
    keys: Vec<(Box<str>, u32, u32)>,
    /// Where each kept tag is, in the order of `Meta::tags`.
    tags: Vec<(u32, u32)>,
    /// Where each kept alias is, in the order of `Meta::aliases`.
    aliases: Vec<(u32, u32)>,
}

impl Positions {
    /// Where `key` is, if the front matter has it.
    pub fn get(&self, key: &str) -> Option<(usize, usize)> {
        self.keys
            .iter()
            .find(|(k, _, _)| &**k == key)
            .map(|&(_, line, col)| (line as usize, col as usize))
    }

    /// Whether the front matter has `key`.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Where the tag `Meta::tags[i]` is written (or the `tags:` key).
    pub fn tag(&self, i: usize) -> Option<(usize, usize)> {
        match self.tags.get(i) {
            Some(&(line, col)) => Some((line as usize, col as usize)),
            None => self.get("tags"),
        }
    }

    /// Where the alias `Meta::aliases[i]` is written (or the `aliases:` key).
    pub fn alias(&self, i: usize) -> (usize, usize) {
        match self.aliases.get(i) {
            Some(&(line, col)) => (line as usize, col as usize),
            None => self.get("aliases").unwrap_or((2, 1)),
        }
    }

    /// Records `key` at (line, col). Keys are unique: the YAML reader
    /// rejects a repeated key.
    fn push(&mut self, key: String, line: usize, col: usize) {
        self.keys.push((key.into_boxed_str(), clamp(line), clamp(col)));
    }
}

fn clamp(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The longest title (and SEO title), in characters: longer ones are not
/// titles, and every listing, feed and tab repeats them.
pub const MAX_TITLE_CHARS: usize = 500;

/// Reports a title over [`MAX_TITLE_CHARS`]; returns it cut to the limit.
fn check_title(r: &mut Reader, parent: &Node, key: &str, title: Option<String>) -> Option<String> {
    let mut title = title?;
    let chars = title.chars().count();
    if chars > MAX_TITLE_CHARS {
        let v = parent.get(key).expect("read above");
        r.error(
            "FM010",
            v.line,
            v.col,
            format!("'{key}' is {chars} characters long, over the {MAX_TITLE_CHARS} a title may have"),
            Some("shorten it; put the rest in the body or in seo.description".into()),
        );
        let end = title
            .char_indices()
            .nth(MAX_TITLE_CHARS)
            .map_or(title.len(), |(i, _)| i);
        title.truncate(end);
    }
    Some(title)
}

/// Reads `tags` (a list, or one text) or `category` (one text) and checks
/// that each term can be a URL folder: a term whose slug is empty (`!!!`)
/// or longer than a file name may be is reported at its line and dropped,
/// so no link to `/tags//` is ever made. Returns the terms and positions.
fn read_terms(r: &mut Reader, node: &Node, key: &str, list: bool) -> Vec<(String, u32, u32)> {
    let Some(v) = node.get(key) else { return Vec::new() };
    let items: Vec<&Node> = match &v.value {
        Value::Null => Vec::new(),
        Value::Seq(items) if list => items.iter().collect(),
        _ => vec![v],
    };
    let what = if list { "tag" } else { "category" };
    let mut terms = Vec::with_capacity(items.len());
    for item in items {
        let Some(name) = item.scalar_text() else {
            let expected = if list { "text items" } else { "text" };
            r.type_error(key, item, expected);
            continue;
        };
        let slug = crate::content::slugify(&name);
        let line = item.line + r.line_offset;
        if slug.is_empty() {
            r.error(
                "TAX002",
                item.line,
                item.col,
                format!("the {what} '{name}' has no letters or digits, so it has no URL"),
                Some(format!("use a {what} with at least one letter or digit")),
            );
        } else if slug.len() > crate::content::MAX_SLUG {
            r.error(
                "TAX003",
                item.line,
                item.col,
                format!(
                    "the {what} is {} bytes as a URL folder name, over the {} a folder name may have",
                    slug.len(),
                    crate::content::MAX_SLUG
                ),
                Some(format!("shorten the {what} to a few words")),
            );
        } else {
            terms.push((name, clamp(line), clamp(item.col)));
        }
    }
    terms
}

fn read_seo(r: &mut Reader, node: &Node) -> Seo {
    let Some(seo) = r.map(node, "seo") else {
        return Seo::default();
    };
    r.check_keys(seo, SEO_FIELDS, "seo");
    Seo {
        title: {
            let t = r.string(seo, "title");
            check_title(r, seo, "title", t)
        },
        description: r.string(seo, "description"),
        keywords: r.string_list(seo, "keywords"),
        focus_keyword: r.string(seo, "focus_keyword"),
        canonical: r.string(seo, "canonical"),
        noindex: r.boolean(seo, "noindex").unwrap_or(false),
        image: r.string(seo, "image"),
    }
}

fn entries<'n>(r: &mut Reader, parent: &'n Node, key: &str) -> &'n [Node] {
    match parent.get(key).map(|n| &n.value) {
        Some(Value::Seq(items)) => items,
        Some(Value::Null) | None => &[],
        Some(_) => {
            r.type_error(key, parent.get(key).expect("matched"), "a list of entries");
            &[]
        }
    }
}

fn read_review(r: &mut Reader, node: &Node) -> Review {
    let Some(review) = r.map(node, "review") else {
        return Review::default();
    };
    r.check_keys(review, &["reviewers", "log"], "review");
    let log = entries(r, review, "log")
        .iter()
        .filter_map(|e| {
            r.check_keys(e, &["at", "by", "verdict", "note"], "a review.log entry");
            Some(ReviewEntry {
                at: r.when(e, "at")?,
                by: r.required_string(e, "by", "a review.log entry")?,
                verdict: r.required_string(e, "verdict", "a review.log entry")?,
                note: r.string(e, "note"),
            })
        })
        .collect();
    Review {
        reviewers: r.string_list(review, "reviewers"),
        log,
    }
}

fn read_history(r: &mut Reader, node: &Node) -> Vec<HistoryEntry> {
    let items = entries(r, node, "history");
    items
        .iter()
        .filter_map(|e| {
            r.check_keys(e, &["at", "by", "action", "from", "to", "note"], "a history entry");
            let state = |r: &mut Reader, key: &str| {
                let s = r.string(e, key)?;
                let parsed = Status::parse(&s);
                if parsed.is_none() {
                    let v = e.get(key).expect("read above");
                    r.error("FM005", v.line, v.col, format!("unknown status '{s}' in history"), None);
                }
                parsed
            };
            Some(HistoryEntry {
                at: r.when(e, "at")?,
                by: r.required_string(e, "by", "a history entry")?,
                action: r.required_string(e, "action", "a history entry")?,
                from: state(r, "from"),
                to: state(r, "to"),
                note: r.string(e, "note"),
            })
        })
        .collect()
}

fn read_special(r: &mut Reader, node: &Node) -> SpecialMeta {
    let mut sp = SpecialMeta::default();
    if let Some(c) = r.map(node, "campaign") {
        r.check_keys(c, &["starts", "ends"], "campaign");
        sp.starts = r.when(c, "starts");
        sp.ends = r.when(c, "ends");
    }
    if let Some(h) = r.map(node, "hero") {
        r.check_keys(h, &["image", "alt", "slogan"], "hero");
        sp.hero = Hero {
            image: r.string(h, "image"),
            alt: r.string(h, "alt"),
            slogan: r.string(h, "slogan"),
        };
        if sp.hero.image.is_some() && sp.hero.alt.as_deref().is_none_or(str::is_empty) {
            let at = node.key("hero").expect("read above");
            r.error(
                "FM004",
                at.line,
                at.col,
                "the hero image has no 'alt' text".into(),
                Some("describe the image for screen readers: alt: \"...\"".into()),
            );
        }
    }
    match r.map(node, "select") {
        Some(s) => sp.select = read_select(r, s),
        None => {
            r.error_in_file(
                "FM004",
                1,
                1,
                "a special needs a 'select:' query".into(),
                "add select: {tags: [halloween], match: any, limit: 50, sort: date-desc}".into(),
            );
        }
    }
    sp
}

fn read_select(r: &mut Reader, s: &Node) -> Select {
    r.check_keys(
        s,
        &["tags", "match", "category", "from", "to", "limit", "sort", "kinds"],
        "select",
    );
    let match_all = match r.string(s, "match").as_deref() {
        None | Some("any") => false,
        Some("all") => true,
        Some(other) => {
            let v = s.get("match").expect("read above");
            r.error(
                "FM005",
                v.line,
                v.col,
                format!("select.match must be 'any' or 'all', not '{other}'"),
                None,
            );
            false
        }
    };
    let sort = match r.string(s, "sort").as_deref() {
        None | Some("date-desc") => SortOrder::DateDesc,
        Some("date-asc") => SortOrder::DateAsc,
        Some("title") => SortOrder::Title,
        Some(other) => {
            let v = s.get("sort").expect("read above");
            r.error(
                "FM005",
                v.line,
                v.col,
                format!("unknown sort '{other}'"),
                Some("use date-desc, date-asc or title".into()),
            );
            SortOrder::DateDesc
        }
    };
    let mut kinds = Vec::new();
    for k in r.string_list(s, "kinds") {
        match Kind::from_section(&k) {
            Some(kind @ (Kind::Joke | Kind::Bulletin)) => kinds.push(kind),
            _ => {
                let v = s.get("kinds").expect("read above");
                r.error(
                    "FM005",
                    v.line,
                    v.col,
                    format!("select.kinds: '{k}' cannot be selected"),
                    Some("use jokes and/or bulletins".into()),
                );
            }
        }
    }
    if kinds.is_empty() {
        kinds.push(Kind::Joke);
    }
    Select {
        tags: r.string_list(s, "tags"),
        match_all,
        category: r.string(s, "category"),
        from: r.when(s, "from"),
        to: r.when(s, "to"),
        limit: r.uint(s, "limit").unwrap_or(0) as usize,
        sort,
        kinds,
    }
}
