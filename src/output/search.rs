//! search-index.json: what the default theme's search reads.
//!
//! Input: `&Site`. Output: one JSON document holding every listed page
//! (never drafts: only pages in the site model are listed, and a live
//! build's model holds only live pages) and an inverted index of the words
//! of their titles, tags, categories and whole bodies.
//!
//! The format (version 2), built to stay small (a 10,000-joke site's index
//! is well under 1.5 MB gzipped, see the test below) and quick to read:
//!
//! ```text
//! {"v":2,
//!  "docs":  [[title, url, kind, "YYYY-MM-DD", "14 Nov 2026", snippet], ...],
//!  "terms": ["apple", "apples", "咖啡", ...],   sorted, for prefix search
//!  "post":  ["<postings>", ...]}               one string per term
//! ```
//!
//! A term's postings are the documents holding it, in document order, each
//! written as one number `(gap << 2) | field`: `gap` is the distance from
//! the previous document of the list (the first counts from -1, so it is
//! at least 1), `field` is where the word is: 3 the title, 2 a tag or the
//! category, 1 the body (the best place when it is in several). Numbers are
//! written in base 32, most significant digit first, with the digits
//! `0-9A-V` for every digit but the last and `a-z!#$%&(` (see [`LAST`]) for
//! the last, so numbers need no separator.
//!
//! Words are lowercased, apostrophes dropped ("don't" is "dont"); runs of
//! Chinese (and other CJK) characters are cut into words by jieba at build
//! time, in its search mode, which also keeps the shorter words inside a
//! long one. A few very common words that nobody searches for are left out.
//! The script segments a Chinese query against the indexed words.
//!
//! Each page's part is made on its own ([`entry`]), so the dev server can
//! reuse the parts of unchanged pages; [`assemble`] joins them. A build
//! without a cache ([`index`]) folds each part into the postings as it is
//! made, a batch at a time: the word lists of every page are never all in
//! memory at once.

use crate::markdown::is_cjk;
use crate::site::{PageId, Site};
use crate::theme::views::excerpt;
use jieba_rs::Jieba;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// Characters of body text shown under a result.
const SNIPPET_CHARS: usize = 110;

/// Longer "words" are URLs or noise, not something a reader types.
const MAX_TERM_CHARS: usize = 24;

/// Digits of a number but the last.
const MORE: &[u8; 32] = b"0123456789ABCDEFGHIJKLMNOPQRSTUV";
/// The last digit of a number.
pub const LAST: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz!#$%&(";

/// Words too common to help find anything.
const STOP: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "had", "has", "have", "he", "her", "his",
    "i", "in", "into", "is", "it", "its", "of", "on", "or", "our", "she", "so", "that", "the", "their", "them", "then",
    "there", "they", "this", "to", "was", "we", "were", "with", "you", "your", "的", "了", "是", "在", "和", "也",
    "就", "都", "着", "吗", "吧", "呢", "啊",
];

/// Bytes of the longest stop word: a longer word is never looked up.
const STOP_MAX_BYTES: usize = {
    let mut max = 0;
    let mut i = 0;
    while i < STOP.len() {
        if STOP[i].len() > max {
            max = STOP[i].len();
        }
        i += 1;
    }
    max
};

/// Pages whose parts [`index`] makes side by side before folding them in.
const BATCH: usize = 256;

/// Field weights as stored in postings.
const TITLE: u8 = 3;
const TERM: u8 = 2;
const BODY: u8 = 1;

/// One page's part of the index, before [`assemble`] inverts it.
#[derive(Serialize, Deserialize)]
struct Entry {
    /// `[title, url, kind, date, date for people, snippet]`.
    doc: [String; 6],
    /// Its words, each with the best field it is in.
    words: Vec<(String, u8)>,
}

/// What an entry is made from (a page, or test data).
pub struct Source<'a> {
    /// Title.
    pub title: &'a str,
    /// Site path.
    pub url: &'a str,
    /// joke, bulletin or page.
    pub kind: &'a str,
    /// `YYYY-MM-DD`.
    pub date: &'a str,
    /// `14 Nov 2026`.
    pub date_human: &'a str,
    /// Tags and category, as written.
    pub terms: Vec<&'a str>,
    /// The body as HTML (whole: the build keeps only the opening of the
    /// plain text).
    pub html: &'a str,
    /// The opening of the body as plain text.
    pub plain: &'a str,
}

/// The pages listed, in index order: jokes, bulletins, pages (newest
/// first within each), without noindex ones.
pub fn listed(site: &Site) -> impl Iterator<Item = PageId> + '_ {
    site.jokes
        .iter()
        .chain(&site.bulletins)
        .chain(&site.plain_pages)
        .copied()
        .filter(|&id| !site.pages[id].doc.meta.seo.noindex)
}

/// One page's part of the index, as JSON.
pub fn entry(site: &Site, id: PageId) -> String {
    to_json(&part(site, id))
}

/// One page's part of the index.
fn part(site: &Site, id: PageId) -> Entry {
    let p = &site.pages[id];
    let m = &p.doc.meta;
    part_of(&Source {
        title: &m.title,
        url: &p.url,
        kind: p.doc.kind.noun(),
        date: &p.display.date,
        date_human: &p.display.date_human,
        terms: m.tags.iter().map(String::as_str).chain(m.category.as_deref()).collect(),
        html: &p.rendered.html,
        plain: &p.rendered.plain_text,
    })
}

/// The part of the index made from `s`, as JSON.
pub fn entry_of(s: &Source) -> String {
    to_json(&part_of(s))
}

fn to_json(e: &Entry) -> String {
    serde_json::to_string(e).expect("plain data always serializes")
}

/// The part of the index made from `s`: its words, each once.
fn part_of(s: &Source) -> Entry {
    let mut words: FxHashMap<String, u8> = FxHashMap::default();
    let mut add = |text: &str, field: u8| {
        for_each_word(text, &mut |w| match words.get_mut(w) {
            Some(best) => *best = (*best).max(field),
            None => {
                words.insert(w.to_string(), field);
            }
        })
    };
    add(s.title, TITLE);
    for t in &s.terms {
        add(t, TERM);
    }
    add(&html_text(s.html), BODY);
    // In no particular order: the postings do not depend on it.
    let words: Vec<(String, u8)> = words.into_iter().collect();
    Entry {
        doc: [
            s.title.into(),
            s.url.into(),
            s.kind.into(),
            s.date.into(),
            s.date_human.into(),
            excerpt(s.plain, SNIPPET_CHARS),
        ],
        words,
    }
}

/// Joins entries (in index order) into the index document.
pub fn assemble<'a>(entries: impl Iterator<Item = &'a str>) -> Vec<u8> {
    let mut index = Inverted::default();
    for e in entries {
        // Entries come from `entry`: a part that does not read back is a
        // bug, and leaving the page out of search is the least harm.
        if let Ok(e) = serde_json::from_str::<Entry>(e) {
            index.add(e);
        }
    }
    index.finish()
}

/// The whole index: the parts of a batch of pages are made in parallel,
/// then folded in, in index order.
pub fn index(site: &Site) -> Vec<u8> {
    let ids: Vec<PageId> = listed(site).collect();
    let mut index = Inverted::default();
    for batch in ids.chunks(BATCH) {
        let parts: Vec<Entry> = batch.par_iter().map(|&id| part(site, id)).collect();
        parts.into_iter().for_each(|e| index.add(e));
    }
    index.finish()
}

/// The index being made: documents so far, and each term's postings with
/// the last document written into them.
#[derive(Default)]
struct Inverted {
    docs: Vec<[String; 6]>,
    postings: FxHashMap<String, (Vec<u8>, usize)>,
}

impl Inverted {
    /// Adds the next document.
    fn add(&mut self, e: Entry) {
        let id = self.docs.len();
        self.docs.push(e.doc);
        for (w, field) in e.words {
            let (out, last) = self.postings.entry(w).or_insert((Vec::new(), usize::MAX));
            let gap = id.wrapping_sub(*last);
            push_number(out, (gap << 2) | field as usize);
            *last = id;
        }
    }

    /// The index document, terms sorted.
    fn finish(self) -> Vec<u8> {
        #[derive(Serialize)]
        struct Index<'a> {
            v: u32,
            docs: Vec<[String; 6]>,
            terms: Vec<&'a str>,
            post: Vec<&'a str>,
        }
        let mut terms: Vec<(&String, &Vec<u8>)> = self.postings.iter().map(|(t, (p, _))| (t, p)).collect();
        terms.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let index = Index {
            v: 2,
            docs: self.docs,
            terms: terms.iter().map(|(t, _)| t.as_str()).collect(),
            post: terms
                .iter()
                .map(|(_, p)| std::str::from_utf8(p).expect("base-32 digits are ASCII"))
                .collect(),
        };
        serde_json::to_vec(&index).expect("plain data always serializes")
    }
}

/// Appends `n` in the self-delimiting base 32 described above.
fn push_number(out: &mut Vec<u8>, n: usize) {
    let mut digits = [0u8; 14];
    let mut i = digits.len();
    let mut rest = n;
    loop {
        i -= 1;
        digits[i] = (rest & 31) as u8;
        rest >>= 5;
        if rest == 0 {
            break;
        }
    }
    let last = digits.len() - 1;
    for (k, &d) in digits.iter().enumerate().skip(i) {
        out.push(if k == last { LAST[d as usize] } else { MORE[d as usize] });
    }
}

/// The text of body HTML: tags dropped, the entities the Markdown renderer
/// writes decoded, others (and tags) turned into spaces.
fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(['<', '&']) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if rest.starts_with('<') {
            rest = rest.find('>').map_or("", |j| &rest[j + 1..]);
            out.push(' ');
            continue;
        }
        let entity = rest.find(';').filter(|&j| j <= 10).map(|j| &rest[..=j]);
        let (text, len) = match entity {
            Some("&amp;") => ("&", 5),
            Some("&quot;") => ("\"", 6),
            Some("&#39;") => ("'", 5),
            Some(e) => (" ", e.len()),
            None => ("&", 1),
        };
        out.push_str(text);
        rest = &rest[len..];
    }
    out.push_str(rest);
    out
}

/// The segmenter, loaded on first use (only for text with CJK).
fn jieba() -> &'static Jieba {
    static JIEBA: OnceLock<Jieba> = OnceLock::new();
    JIEBA.get_or_init(Jieba::new)
}

/// Calls `f` with each indexed word of `text`: lowercased, apostrophes
/// dropped, CJK runs cut by jieba, stop words and over-long words left out.
/// The theme's script splits queries the same way.
pub fn for_each_word(text: &str, f: &mut impl FnMut(&str)) {
    let mut emit = |w: &str| {
        // Byte lengths first: counting characters or scanning the stop
        // words for every word of every body was a tenth of a build.
        let short = w.len() <= MAX_TERM_CHARS || w.chars().count() <= MAX_TERM_CHARS;
        if !w.is_empty() && short && !(w.len() <= STOP_MAX_BYTES && STOP.contains(&w)) {
            f(w);
        }
    };
    let mut word = String::new();
    let mut cjk = String::new();
    let flush_cjk = |cjk: &mut String, emit: &mut dyn FnMut(&str)| {
        if !cjk.is_empty() {
            for t in jieba().cut_for_search(cjk, true) {
                emit(t.word);
            }
            cjk.clear();
        }
    };
    for c in text.chars() {
        if c.is_ascii() {
            // Most text: no apostrophe table, CJK test or Unicode tables.
            if c.is_ascii_alphanumeric() {
                flush_cjk(&mut cjk, &mut emit);
                word.push(c.to_ascii_lowercase());
                continue;
            }
            if c == '\'' {
                continue;
            }
            emit(&word);
            word.clear();
            flush_cjk(&mut cjk, &mut emit);
            continue;
        }
        if matches!(c, '\'' | '’' | '‘' | 'ʼ') {
            continue;
        }
        if is_cjk(c) {
            emit(&word);
            word.clear();
            cjk.push(c);
        } else if c.is_alphanumeric() {
            flush_cjk(&mut cjk, &mut emit);
            word.extend(c.to_lowercase());
        } else {
            emit(&word);
            word.clear();
            flush_cjk(&mut cjk, &mut emit);
        }
    }
    emit(&word);
    flush_cjk(&mut cjk, &mut emit);
}

#[cfg(test)]
mod tests;
