//! Paths from one joke to the next: related jokes, the neighbours in the
//! joke's category, and the list the random-joke page picks from.
//!
//! Input: the pages, the jokes (newest first) and the two taxonomies.
//! Output: per-page lists held by [`super::Site`], worked out once per build
//! (never per page in templates). Invariants: only jokes get related jokes
//! and category neighbours, and only jokes are listed; every result is
//! deterministic for the same pages and the same build day.

use super::{Page, PageId, Taxonomy};
use crate::content::Kind;
use rayon::prelude::*;
use std::sync::Arc;

/// How many related jokes a joke page shows.
pub const RELATED: usize = 4;

/// How many jokes the random-joke page picks from: enough to feel random,
/// few enough that the page (which lists them for readers without
/// JavaScript) stays small on a site of 10,000 jokes.
pub const RANDOM_LIST: usize = 60;

/// A shared tag weighs more than a shared category: tags say what a joke is
/// about, a category mostly says its form.
const TAG_WEIGHT: u32 = 2;
const CATEGORY_WEIGHT: u32 = 1;

/// How far, in each of a joke's tags and its category, the search for
/// related jokes looks on either side of it (in that term's newest-first
/// list). Without a bound the search is quadratic: on a 10,000-joke site
/// the most common tag holds half the jokes, and scoring every member of
/// every term for every joke took a sixth of the build.
pub const NEARBY: usize = 100;

/// Per page, up to [`RELATED`] other jokes, best first: among the jokes
/// within [`NEARBY`] places of it in each of its tags and its category,
/// ranked by shared tags and category, then nearest in time, then newest.
/// Non-jokes get an empty list.
pub fn related(pages: &[Arc<Page>], jokes: &[PageId], tags: &Taxonomy, categories: &Taxonomy) -> Vec<Vec<PageId>> {
    let is_joke = |id: PageId| pages[id].doc.kind == Kind::Joke;
    // The rank of each joke in newest-first order breaks ties.
    let mut rank = vec![usize::MAX; pages.len()];
    for (i, &id) in jokes.iter().enumerate() {
        rank[id] = i;
    }
    // Where each page stands in each term's list, with the term's weight.
    let mut places: Vec<Vec<(&[PageId], usize, u32)>> = vec![Vec::new(); pages.len()];
    for (taxonomy, w) in [(tags, TAG_WEIGHT), (categories, CATEGORY_WEIGHT)] {
        for term in &taxonomy.terms {
            for (i, &id) in term.pages.iter().enumerate() {
                places[id].push((&term.pages, i, w));
            }
        }
    }
    let lists: Vec<(PageId, Vec<PageId>)> = jokes
        .par_iter()
        .map_init(
            // A dense score table per worker, and the ids it touched, so
            // scoring one joke costs what its neighbourhoods hold, not the site.
            || (vec![0u32; pages.len()], Vec::<PageId>::new()),
            |(score, touched), &id| {
                for &(list, i, w) in &places[id] {
                    let near = &list[i.saturating_sub(NEARBY)..list.len().min(i + NEARBY + 1)];
                    for &other in near {
                        if other != id && is_joke(other) {
                            if score[other] == 0 {
                                touched.push(other);
                            }
                            score[other] += w;
                        }
                    }
                }
                let key = |o: &PageId| (std::cmp::Reverse(score[*o]), rank[*o].abs_diff(rank[id]), rank[*o], *o);
                if touched.len() > RELATED {
                    touched.select_nth_unstable_by_key(RELATED, key);
                }
                let mut best = touched[..touched.len().min(RELATED)].to_vec();
                best.sort_by_key(key);
                for &o in touched.iter() {
                    score[o] = 0;
                }
                touched.clear();
                (id, best)
            },
        )
        .collect();
    let mut out = vec![Vec::new(); pages.len()];
    for (id, best) in lists {
        out[id] = best;
    }
    out
}

/// Per page: the next newer and next older joke of the same category
/// (`None` at either end, and for pages that are not jokes).
pub fn category_neighbours(pages: &[Arc<Page>], categories: &Taxonomy) -> (Vec<Option<PageId>>, Vec<Option<PageId>>) {
    let mut newer = vec![None; pages.len()];
    let mut older = vec![None; pages.len()];
    for term in &categories.terms {
        let jokes: Vec<PageId> = term
            .pages
            .iter()
            .copied()
            .filter(|&id| pages[id].doc.kind == Kind::Joke)
            .collect();
        for (i, &id) in jokes.iter().enumerate() {
            newer[id] = i.checked_sub(1).map(|j| jokes[j]);
            older[id] = jokes.get(i + 1).copied();
        }
    }
    (newer, older)
}

/// Up to [`RANDOM_LIST`] jokes in an order shuffled by `day` (days since
/// 1970): the same all day, so a rebuild does not rewrite the random-joke
/// page at every edit, and another list the next day.
pub fn random_list(jokes: &[PageId], day: i64) -> Vec<PageId> {
    let mut list = jokes.to_vec();
    // splitmix64: tiny, and plenty for shuffling a list of links.
    let mut state = day as u64 ^ 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let n = list.len();
    for i in 0..n.min(RANDOM_LIST) {
        let j = i + (next() % (n - i) as u64) as usize;
        list.swap(i, j);
    }
    list.truncate(RANDOM_LIST);
    list
}
