//! Atom feeds: jokes, bulletins and one per special.
//!
//! Input: `&Site`. Output: Atom 1.0 documents. Every date comes from the
//! content (the feed's `updated` is its newest entry's), never from the
//! build's clock, so unchanged content gives byte-identical feeds.

use crate::site::{PageId, Site};

/// Escapes text for XML element content and attribute values, dropping
/// every character XML 1.0 forbids (C0 controls but tab, CR and LF;
/// U+FFFE, U+FFFF) and the others no page may carry
/// ([`crate::markdown::is_forbidden_char`]), so a feed always parses.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if crate::markdown::is_forbidden_char(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// An Atom feed titled `title` at site path `feed_url`, for the page at
/// `page_url`, with the first `feed_limit` of `ids`.
pub fn atom(site: &Site, title: &str, feed_url: &str, page_url: &str, ids: &[PageId]) -> String {
    let c = &site.config;
    let entries: Vec<PageId> = ids.iter().copied().take(c.feed_limit).collect();
    let updated = entries
        .iter()
        .map(|&id| site.pages[id].lastmod)
        .max()
        .map(|w| w.rfc3339())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let mut out = String::with_capacity(1024 + entries.len() * 1024);
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"");
    out.push_str(&xml_escape(&c.language));
    out.push_str("\">\n");
    push_el(&mut out, "  ", "title", &format!("{} · {}", title, c.title));
    out.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        xml_escape(&c.permalink(feed_url))
    ));
    out.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml_escape(&c.permalink(page_url))
    ));
    push_el(&mut out, "  ", "id", &c.permalink(feed_url));
    push_el(&mut out, "  ", "updated", &updated);
    out.push_str("  <generator>punchline</generator>\n");
    for id in entries {
        let p = &site.pages[id];
        let link = c.permalink(&p.url);
        out.push_str("  <entry>\n");
        push_el(&mut out, "    ", "title", &p.doc.meta.title);
        out.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml_escape(&link)
        ));
        push_el(&mut out, "    ", "id", &link);
        push_el(&mut out, "    ", "published", &p.doc.meta.date.rfc3339());
        push_el(&mut out, "    ", "updated", &p.lastmod.rfc3339());
        out.push_str("    <author><name>");
        out.push_str(&xml_escape(&p.author_name));
        out.push_str("</name></author>\n");
        for tag in &p.doc.meta.tags {
            out.push_str(&format!("    <category term=\"{}\"/>\n", xml_escape(tag)));
        }
        out.push_str("    <content type=\"html\">");
        out.push_str(&xml_escape(&p.rendered.html));
        out.push_str("</content>\n  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

fn push_el(out: &mut String, indent: &str, name: &str, text: &str) {
    out.push_str(indent);
    out.push('<');
    out.push_str(name);
    out.push('>');
    out.push_str(&xml_escape(text));
    out.push_str("</");
    out.push_str(name);
    out.push_str(">\n");
}

/// Every feed of the site: (output path, XML).
pub fn all(site: &Site) -> Vec<(String, String)> {
    let mut feeds = vec![
        (
            "jokes/atom.xml".to_string(),
            atom(site, "Jokes", "/jokes/atom.xml", "/jokes/", &site.jokes),
        ),
        (
            "bulletins/atom.xml".to_string(),
            atom(site, "Bulletins", "/bulletins/atom.xml", "/bulletins/", &site.bulletins),
        ),
    ];
    for sp in &site.specials {
        let p = &site.pages[sp.page];
        let feed_url = format!("{}atom.xml", p.url);
        feeds.push((
            feed_url.trim_start_matches('/').to_string(),
            atom(site, &p.doc.meta.title, &feed_url, &p.url, &sp.items),
        ));
    }
    feeds
}

#[cfg(test)]
mod tests {
    use super::xml_escape;

    #[test]
    fn xml_escape_drops_what_xml_forbids() {
        assert_eq!(
            xml_escape("a\u{0}b\u{b}c\u{fffe}d\u{ffff}e\u{85}f<&\t\n"),
            "abcdef&lt;&amp;\t\n"
        );
    }
}
