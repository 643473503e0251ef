//! Structured data: the schema.org JSON-LD each page carries in its head.
//!
//! Input: `&Site` and a content page or a listing. Output: one `@graph`
//! (serde-serialized from the typed nodes below, never concatenated by
//! hand) as text that is safe inside `<script type="application/ld+json">`.
//! Invariants: every page has an `Organization`; the home page adds a
//! `WebSite` with a `SearchAction` (when the site has search); every page
//! below the home page has a `BreadcrumbList`; jokes are `CreativeWork`,
//! bulletins `NewsArticle`, other pages `WebPage`, listings and specials
//! `CollectionPage`. No title can end the script element: `<`, `>` and `&`
//! are written as `\u003c`, `\u003e` and `\u0026`, and U+2028/U+2029 (line
//! ends to older JavaScript parsers) as escapes too; the JSON means the same.

use crate::content::Kind;
use crate::site::{PageId, Site};
use serde::Serialize;

/// The `@context` of every graph.
pub const CONTEXT: &str = "https://schema.org";

/// The whole structured data of one page.
#[derive(Debug, Clone, Serialize)]
pub struct Graph {
    /// [`CONTEXT`].
    #[serde(rename = "@context")]
    pub context: &'static str,
    /// The nodes.
    #[serde(rename = "@graph")]
    pub graph: Vec<Node>,
}

/// One schema.org node, tagged by its `@type`.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "@type")]
pub enum Node {
    /// The site, on the home page.
    WebSite(WebSite),
    /// Who publishes the site.
    Organization(Organization),
    /// Where the page sits below the home page.
    BreadcrumbList(BreadcrumbList),
    /// A joke.
    CreativeWork(Work),
    /// A bulletin.
    NewsArticle(Work),
    /// A page that is neither (about, contact...).
    WebPage(Listing),
    /// A listing: a section, a term, the terms, a special.
    CollectionPage(Listing),
}

/// A reference to a node by its `@id`.
#[derive(Debug, Clone, Serialize)]
pub struct Ref {
    /// The node's id.
    #[serde(rename = "@id")]
    pub id: String,
}

/// `WebSite`.
#[derive(Debug, Clone, Serialize)]
pub struct WebSite {
    /// `{base}/#website`.
    #[serde(rename = "@id")]
    pub id: String,
    /// The home page.
    pub url: String,
    /// Site name.
    pub name: String,
    /// Site description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `lang`.
    #[serde(rename = "inLanguage")]
    pub in_language: String,
    /// The organization.
    pub publisher: Ref,
    /// The theme's search, when the site has one.
    #[serde(rename = "potentialAction", skip_serializing_if = "Option::is_none")]
    pub potential_action: Option<SearchAction>,
}

/// `SearchAction`: the search box (`?q=` on the home page).
#[derive(Debug, Clone, Serialize)]
pub struct SearchAction {
    /// `SearchAction`.
    #[serde(rename = "@type")]
    pub kind: &'static str,
    /// Where a query goes.
    pub target: EntryPoint,
    /// `required name=search_term_string`.
    #[serde(rename = "query-input")]
    pub query_input: &'static str,
}

/// `EntryPoint`.
#[derive(Debug, Clone, Serialize)]
pub struct EntryPoint {
    /// `EntryPoint`.
    #[serde(rename = "@type")]
    pub kind: &'static str,
    /// `{base}/?q={search_term_string}`.
    #[serde(rename = "urlTemplate")]
    pub url_template: String,
}

/// `Organization`.
#[derive(Debug, Clone, Serialize)]
pub struct Organization {
    /// `{base}/#organization`.
    #[serde(rename = "@id")]
    pub id: String,
    /// Site name.
    pub name: String,
    /// The home page.
    pub url: String,
    /// site.yaml `logo:`, absolute.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logo: Option<String>,
}

/// `BreadcrumbList`.
#[derive(Debug, Clone, Serialize)]
pub struct BreadcrumbList {
    /// Home first, this page last.
    #[serde(rename = "itemListElement")]
    pub items: Vec<Crumb>,
}

/// `ListItem` of a breadcrumb.
#[derive(Debug, Clone, Serialize)]
pub struct Crumb {
    /// `ListItem`.
    #[serde(rename = "@type")]
    pub kind: &'static str,
    /// 1-based.
    pub position: usize,
    /// Link text.
    pub name: String,
    /// Absolute URL.
    pub item: String,
}

/// `Person`.
#[derive(Debug, Clone, Serialize)]
pub struct Person {
    /// `Person`.
    #[serde(rename = "@type")]
    pub kind: &'static str,
    /// Display name.
    pub name: String,
}

/// A joke (`CreativeWork`) or a bulletin (`NewsArticle`).
#[derive(Debug, Clone, Serialize)]
pub struct Work {
    /// Absolute URL.
    #[serde(rename = "@id")]
    pub id: String,
    /// Title.
    pub headline: String,
    /// Title, again (`CreativeWork` readers look for `name`).
    pub name: String,
    /// Absolute URL.
    pub url: String,
    /// Meta description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// RFC 3339.
    #[serde(rename = "datePublished")]
    pub date_published: String,
    /// RFC 3339.
    #[serde(rename = "dateModified")]
    pub date_modified: String,
    /// The author.
    pub author: Person,
    /// The organization.
    pub publisher: Ref,
    /// `seo.image`, absolute.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Tags and `seo.keywords`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    /// `Humor` for jokes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub genre: Option<&'static str>,
    /// `lang`.
    #[serde(rename = "inLanguage")]
    pub in_language: String,
    /// The page it is the main subject of.
    #[serde(rename = "mainEntityOfPage")]
    pub main_entity_of_page: String,
}

/// A listing (`CollectionPage`) or a plain `WebPage`.
#[derive(Debug, Clone, Serialize)]
pub struct Listing {
    /// Absolute URL.
    #[serde(rename = "@id")]
    pub id: String,
    /// Title.
    pub name: String,
    /// Absolute URL.
    pub url: String,
    /// Meta description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `lang`.
    #[serde(rename = "inLanguage")]
    pub in_language: String,
    /// The site.
    #[serde(rename = "isPartOf")]
    pub is_part_of: Ref,
}

impl Graph {
    /// The graph as text safe inside a `<script>` element.
    pub fn to_script_text(&self) -> String {
        script_safe(&serde_json::to_string(self).expect("plain data serializes"))
    }
}

/// JSON text that cannot end or comment out a `<script>` element and
/// parses the same in every JavaScript engine (see the module header).
pub fn script_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

fn organization(site: &Site) -> Node {
    let c = &site.config;
    Node::Organization(Organization {
        id: format!("{}/#organization", c.base_url),
        name: c.title.clone(),
        url: c.permalink("/"),
        logo: logo(site),
    })
}

/// site.yaml's `logo:` (a path in the site or a full URL), absolute.
pub fn logo(site: &Site) -> Option<String> {
    let text = site.config.raw.get("logo")?.scalar_text()?;
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    Some(if text.starts_with("http://") || text.starts_with("https://") {
        text.to_string()
    } else {
        site.config.permalink(&format!("/{}", text.trim_start_matches('/')))
    })
}

fn publisher(site: &Site) -> Ref {
    Ref {
        id: format!("{}/#organization", site.config.base_url),
    }
}

/// The listing pages a breadcrumb may pass through, with their names.
const SECTIONS: [(&str, &str); 4] = [
    ("/jokes/", "Jokes"),
    ("/bulletins/", "Bulletins"),
    ("/tags/", "Tags"),
    ("/categories/", "Categories"),
];

/// Home, the listing above `url` if there is one, and the page itself.
fn breadcrumbs(site: &Site, url: &str, name: &str) -> Node {
    let c = &site.config;
    let mut crumbs = vec![("Home".to_string(), c.permalink("/"))];
    let url = strip_pager(url);
    for (path, section) in SECTIONS {
        if url != path && url.starts_with(path) {
            crumbs.push((section.to_string(), c.permalink(path)));
        }
    }
    crumbs.push((name.to_string(), c.permalink(url)));
    Node::BreadcrumbList(BreadcrumbList {
        items: crumbs
            .into_iter()
            .enumerate()
            .map(|(i, (name, item))| Crumb {
                kind: "ListItem",
                position: i + 1,
                name,
                item,
            })
            .collect(),
    })
}

/// `/jokes/page/2/` is `/jokes/` for a breadcrumb.
fn strip_pager(url: &str) -> &str {
    let Some(rest) = url.strip_suffix('/') else { return url };
    let Some((before, number)) = rest.rsplit_once('/') else {
        return url;
    };
    match before.strip_suffix("/page") {
        Some(listing) if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) => &url[..=listing.len()],
        _ => url,
    }
}

/// The graph of content page `id`; `description` is its meta description.
pub fn for_page(site: &Site, id: PageId, description: &str, image: Option<&str>) -> Graph {
    let p = &site.pages[id];
    let m = &p.doc.meta;
    let c = &site.config;
    let permalink = c.permalink(&p.url);
    let description = (!description.trim().is_empty()).then(|| description.to_string());
    let main = match p.doc.kind {
        Kind::Joke | Kind::Bulletin => {
            let work = Work {
                id: permalink.clone(),
                headline: m.title.clone(),
                name: m.title.clone(),
                url: permalink.clone(),
                description,
                date_published: p.display.date_iso.clone(),
                date_modified: p.display.lastmod_iso.clone(),
                author: Person {
                    kind: "Person",
                    name: p.author_name.clone(),
                },
                publisher: publisher(site),
                image: image.map(str::to_string),
                keywords: m.tags.iter().chain(&m.seo.keywords).cloned().collect(),
                genre: (p.doc.kind == Kind::Joke).then_some("Humor"),
                in_language: c.language.clone(),
                main_entity_of_page: permalink,
            };
            if p.doc.kind == Kind::Joke {
                Node::CreativeWork(work)
            } else {
                Node::NewsArticle(work)
            }
        }
        kind => {
            let page = Listing {
                id: permalink.clone(),
                name: m.title.clone(),
                url: permalink,
                description,
                in_language: c.language.clone(),
                is_part_of: website_ref(site),
            };
            if kind == Kind::Special {
                Node::CollectionPage(page)
            } else {
                Node::WebPage(page)
            }
        }
    };
    Graph {
        context: CONTEXT,
        graph: vec![organization(site), breadcrumbs(site, &p.url, &m.title), main],
    }
}

fn website_ref(site: &Site) -> Ref {
    Ref {
        id: format!("{}/#website", site.config.base_url),
    }
}

/// The graph of a generated page at `url` named `title`: the home page
/// (`/`) gets the `WebSite`; any other a breadcrumb and a `CollectionPage`.
pub fn for_listing(site: &Site, title: &str, url: &str, description: &str) -> Graph {
    let c = &site.config;
    let description = (!description.trim().is_empty()).then(|| description.to_string());
    let mut graph = vec![organization(site)];
    if url == "/" {
        graph.push(Node::WebSite(WebSite {
            id: website_ref(site).id,
            url: c.permalink("/"),
            name: c.title.clone(),
            description,
            in_language: c.language.clone(),
            publisher: publisher(site),
            potential_action: c.search.then(|| SearchAction {
                kind: "SearchAction",
                target: EntryPoint {
                    kind: "EntryPoint",
                    url_template: format!("{}?q={{search_term_string}}", c.permalink("/")),
                },
                query_input: "required name=search_term_string",
            }),
        }));
    } else {
        graph.push(breadcrumbs(site, url, title));
        graph.push(Node::CollectionPage(Listing {
            id: c.permalink(url),
            name: title.to_string(),
            url: c.permalink(url),
            description,
            in_language: c.language.clone(),
            is_part_of: website_ref(site),
        }));
    }
    Graph {
        context: CONTEXT,
        graph,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_text_cannot_close_the_element_and_means_the_same() {
        let raw = r#"{"a":"</script><!-- x & y > z \u{2028}"}"#.replace("\\u{2028}", "\u{2028}");
        let safe = script_safe(&raw);
        assert!(!safe.contains('<') && !safe.contains('>') && !safe.contains('\u{2028}'));
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        let orig: serde_json::Value = serde_json::from_str(&raw).unwrap();
        assert_eq!(back, orig);
    }

    #[test]
    fn pager_pages_share_their_listing_breadcrumb() {
        assert_eq!(strip_pager("/jokes/page/3/"), "/jokes/");
        assert_eq!(strip_pager("/tags/winter/"), "/tags/winter/");
        assert_eq!(strip_pager("/jokes/page/"), "/jokes/page/");
    }
}
