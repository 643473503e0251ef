//! The term report: most frequent and most distinctive (TF-IDF) terms, per
//! page and site-wide, and keywords a page could declare.
//!
//! Input: the analyzed words of every page (Chinese already cut by jieba).
//! Output: [`PageTerms`] per page and [`SiteTerms`]. A term is a word that is
//! not a stop word, not a number and at least two characters long.
//! TF-IDF of a term on a page = (count / words on the page) x idf, with
//! idf = ln((1 + pages) / (1 + pages using it)) + 1 (the smoothed form, so a
//! term on every page still weighs a little). Site-wide, a term's
//! distinctiveness is its total count x idf. Ties are broken by the term, so
//! the report is deterministic.

use super::finding::round;
use super::index::PageText;
use super::text::{self, FastState};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

/// A term with its weight.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TermScore {
    /// The term (normalized: lowercase).
    pub term: String,
    /// Times it occurs (on the page, or on the site).
    pub count: u32,
    /// TF-IDF on a page; count x idf site-wide (3 decimals).
    pub score: f64,
}

/// The site-wide term report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SiteTerms {
    /// Most frequent terms over all pages.
    pub frequent: Vec<TermScore>,
    /// Most distinctive terms over all pages.
    pub distinctive: Vec<TermScore>,
}

/// One page's term report.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageTerms {
    /// Most frequent terms.
    pub frequent: Vec<TermScore>,
    /// Most distinctive terms.
    pub distinctive: Vec<TermScore>,
}

/// Per term over the site: pages using it, total count, idf.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stat {
    /// Pages using it.
    pub df: u32,
    /// Uses over all pages.
    pub total: u64,
    /// Its smoothed inverse document frequency.
    pub idf: f64,
}

type Map<'t> = HashMap<&'t str, Stat, FastState>;

/// Document frequency and total count of each term over the site.
pub struct Corpus<'t> {
    /// Pages.
    pub pages: usize,
    /// Per term.
    pub stats: Map<'t>,
}

impl<'t> Corpus<'t> {
    /// Merges per-page counts (in parallel) and computes every idf once.
    pub fn new(pages: &'t [PageText]) -> Corpus<'t> {
        let mut stats = pages
            .par_iter()
            .fold(Map::default, |mut acc, page| {
                for (t, c) in page.term_counts() {
                    let e = acc.entry(t).or_default();
                    e.df += 1;
                    e.total += u64::from(c);
                }
                acc
            })
            .reduce(Map::default, |a, b| {
                let (mut big, small) = if a.len() >= b.len() { (a, b) } else { (b, a) };
                for (t, s) in small {
                    let e = big.entry(t).or_default();
                    e.df += s.df;
                    e.total += s.total;
                }
                big
            });
        let n = pages.len() as f64;
        for s in stats.values_mut() {
            s.idf = ((1.0 + n) / (1.0 + f64::from(s.df))).ln() + 1.0;
        }
        Corpus {
            pages: pages.len(),
            stats,
        }
    }

    /// The smoothed inverse document frequency of `term`.
    pub fn idf(&self, term: &str) -> f64 {
        match self.stats.get(term) {
            Some(s) => s.idf,
            None => (1.0 + self.pages as f64).ln() + 1.0,
        }
    }

    /// The site-wide report: the `k` most frequent and most distinctive terms.
    pub fn site_terms(&self, k: usize) -> SiteTerms {
        let all: Vec<(&str, u32, f64)> = self
            .stats
            .iter()
            .map(|(&t, s)| (t, s.total.min(u64::from(u32::MAX)) as u32, s.total as f64 * s.idf))
            .collect();
        SiteTerms {
            frequent: top(&all, k, |t| f64::from(t.1)),
            distinctive: top(&all, k, |t| t.2),
        }
    }

    /// One page's report: its `k` most frequent and most distinctive terms.
    pub fn page_terms(&self, page: &PageText, k: usize) -> PageTerms {
        let words = page.words.max(1) as f64;
        let all: Vec<(&str, u32, f64)> = page
            .term_counts()
            .map(|(t, c)| (t, c, f64::from(c) / words * self.idf(t)))
            .collect();
        PageTerms {
            frequent: top(&all, k, |t| f64::from(t.1)),
            distinctive: top(&all, k, |t| t.2),
        }
    }
}

/// The `k` best (term, count, score) by `key`, ties broken by term; only
/// these few become owned strings.
fn top(v: &[(&str, u32, f64)], k: usize, key: impl Fn(&(&str, u32, f64)) -> f64) -> Vec<TermScore> {
    let order = |a: &(&str, u32, f64), b: &(&str, u32, f64)| key(b).total_cmp(&key(a)).then_with(|| a.0.cmp(b.0));
    let mut best: Vec<(&str, u32, f64)> = Vec::with_capacity(k + 1);
    for t in v {
        // Most terms do not beat the k-th best: one comparison turns them away.
        if best.len() == k && best.last().is_none_or(|worst| order(worst, t).is_lt()) {
            continue;
        }
        let pos = best.partition_point(|b| order(b, t).is_lt());
        if pos < k {
            best.insert(pos, *t);
            best.truncate(k);
        }
    }
    best.into_iter()
        .map(|(t, c, s)| TermScore {
            term: t.to_string(),
            count: c,
            score: round(s, 3),
        })
        .collect()
}

/// Distinctive terms the page does not declare: not the focus keyword, not
/// in `seo.keywords`, not part of either.
pub fn suggestions(terms: &PageTerms, declared: &[&str]) -> Vec<String> {
    let declared: Vec<String> = declared.iter().map(|d| text::normalize(d)).collect();
    terms
        .distinctive
        .iter()
        .filter(|t| !declared.iter().any(|d| d.contains(t.term.as_str())))
        .map(|t| t.term.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::index::count_terms;
    use crate::audit::text::normalize;

    fn page(s: &str) -> PageText {
        let norm = normalize(s);
        let (words, terms) = count_terms(&norm);
        PageText {
            words,
            terms,
            norm,
            focus: None,
            title: String::new(),
        }
    }

    #[test]
    fn distinctive_terms_beat_common_ones() {
        let pages = [
            page("The penguin walks into a bar. The penguin orders fish. Bar bar."),
            page("A robot walks into a bar and orders oil."),
            page("A wizard walks into a bar and orders tea."),
        ];
        let corpus = Corpus::new(&pages);
        let t = corpus.page_terms(&pages[0], 3);
        assert_eq!(t.frequent[0].term, "bar", "{t:?}");
        assert_eq!(t.distinctive[0].term, "penguin", "{t:?}");
        let site = corpus.site_terms(2);
        assert_eq!(site.frequent[0].term, "bar");
        assert_eq!(site.frequent[0].count, 5);
        let s = suggestions(&t, &["Penguin jokes"]);
        assert!(!s.contains(&"penguin".to_string()), "{s:?}");
    }

    #[test]
    fn chinese_terms_are_words_not_characters() {
        let pages = [
            page("老婆给当程序员的老公打电话。程序员老公捧着一个包子进了家门。"),
            page("为什么蚕宝宝很有钱？因为它会结茧。"),
        ];
        let corpus = Corpus::new(&pages);
        let t = corpus.page_terms(&pages[0], 3);
        let terms: Vec<&str> = t.frequent.iter().map(|t| t.term.as_str()).collect();
        assert!(terms.contains(&"程序员") && terms.contains(&"老公"), "{terms:?}");
    }
}
