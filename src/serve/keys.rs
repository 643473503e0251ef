//! What each output depends on, as a hash: when an edit leaves a job's key
//! unchanged, the job's page cannot have changed, and it is not rendered.
//!
//! A key covers exactly what the job's view reads: the versions of the
//! pages it shows, its pagination, the site-wide view (headlines, menu,
//! cached blocks), and its template with everything that template pulls
//! in. Templates see nothing else (no functions reach into the site), which
//! is what makes this decidable. The serve tests check it by comparing an
//! incrementally rebuilt site with a full build, byte for byte. Hashes are
//! xxh3: fast on thousands of small inputs, and well distributed, so an
//! edit is not lost to a collision.

use crate::output::Job;
use crate::site::{Page, PageId, Site};
use crate::theme::Theme;
use std::hash::{Hash, Hasher};
use xxhash_rust::xxh3::Xxh3Default as Xxh3;

/// A hash of everything of a page that any view of it shows.
pub fn page_version(p: &Page) -> u64 {
    let mut h = Xxh3::new();
    p.url.hash(&mut h);
    p.visibility.hash(&mut h);
    p.lastmod.hash(&mut h);
    p.author_name.hash(&mut h);
    p.doc.kind.hash(&mut h);
    p.doc.meta.hash(&mut h);
    p.rendered.html.hash(&mut h);
    p.rendered.summary_html.hash(&mut h);
    p.rendered.toc.hash(&mut h);
    p.rendered.word_count.hash(&mut h);
    p.rendered.plain_text.hash(&mut h);
    h.finish()
}

/// The key of one job. `versions[id]` is `page_version` of page `id`;
/// `sitewide` hashes the base context every page starts from.
pub fn job_key(site: &Site, theme: &Theme, versions: &[u64], sitewide: u64, job: &Job) -> u64 {
    let mut h = Xxh3::new();
    sitewide.hash(&mut h);
    job.url(site).hash(&mut h);
    theme.closure_hashes.get(job.template(site)).hash(&mut h);
    let pages = |ids: &[PageId], h: &mut Xxh3| {
        ids.len().hash(h);
        for &id in ids {
            versions[id].hash(h);
        }
    };
    match job {
        Job::Home => {
            site.jokes.iter().take(10).for_each(|&id| versions[id].hash(&mut h));
            site.bulletins.iter().take(5).for_each(|&id| versions[id].hash(&mut h));
            for &id in site.bulletins.iter().filter(|&&id| site.pages[id].doc.meta.pinned) {
                versions[id].hash(&mut h);
            }
        }
        Job::Item(id) => {
            versions[*id].hash(&mut h);
            for n in [site.newer[*id], site.older[*id]].into_iter().flatten() {
                site.pages[n].doc.meta.title.hash(&mut h);
                site.pages[n].url.hash(&mut h);
            }
            // Related jokes and category neighbours: which, and what of them
            // shows (not their bodies).
            let related: Vec<_> = site.related[*id].iter().map(|&n| linked(site, n)).collect();
            let next = [site.category_newer[*id], site.category_older[*id]];
            (related, next.map(|n| n.map(|n| linked(site, n)))).hash(&mut h);
        }
        Job::Section(kind, pager) => {
            let ids = if *kind == crate::content::Kind::Joke {
                &site.jokes
            } else {
                &site.bulletins
            };
            (pager.total, ids.len()).hash(&mut h);
            pages(&ids[pager.items.clone()], &mut h);
        }
        Job::Term(tax, i, pager) => {
            let term = &site.taxonomy(*tax).terms[*i];
            (&term.name, pager.total, term.pages.len()).hash(&mut h);
            pages(&term.pages[pager.items.clone()], &mut h);
        }
        Job::Terms(tax) => {
            for t in &site.taxonomy(*tax).terms {
                (&t.name, &t.slug, t.pages.len()).hash(&mut h);
            }
        }
        Job::Special(i, pager) => {
            let sp = &site.specials[*i];
            versions[sp.page].hash(&mut h);
            site.heroes
                .get(&site.pages[sp.page].doc.path)
                .map(|x| (x.width, x.height, &x.srcset))
                .hash(&mut h);
            (pager.total, sp.items.len()).hash(&mut h);
            pages(&sp.items[pager.items.clone()], &mut h);
        }
        Job::NotFound => {}
        Job::Random => site.random.iter().for_each(|&n| linked(site, n).hash(&mut h)),
    }
    h.finish()
}

/// What a link to joke `id` shows: title, address, date and tags.
fn linked(site: &Site, id: PageId) -> (&str, &str, &str, &[String]) {
    let p = &site.pages[id];
    (&p.doc.meta.title, &p.url, &p.display.date_iso, &p.doc.meta.tags)
}

/// A hash of what every page sees: the site-wide context (site view and
/// cached blocks) and the URLs `asset()` hands out.
pub fn sitewide(base: &tera::Context, theme: &Theme) -> u64 {
    let mut h = Xxh3::new();
    base.clone().into_json().to_string().hash(&mut h);
    for (rel, file) in &theme.statics {
        (rel, &file.output).hash(&mut h);
    }
    h.finish()
}
