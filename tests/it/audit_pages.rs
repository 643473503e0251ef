//! The audit covers every page of the sitemap: the home page, the section
//! listings, term pages and term indexes as well as items and specials;
//! item-only rules are skipped (and counted) on pages without text, and
//! listings take part in the duplicate-title and -description checks.
//! Term files (`content/tags/<slug>.md`) give a term page its own title,
//! description and intro.

use crate::audit::{all, audit_json, found};
use crate::support::Site;
use serde_json::Value;

/// Five jokes (paginated by 2) with tags and categories, a bulletin, a
/// page and a running special.
fn fixture() -> Site {
    let s = Site::new();
    s.write(
        "site.yaml",
        "title: Test Jokes\nbase_url: https://jokes.test\npaginate_by: 2\n\
         description: Jokes for every day of the year.\n",
    );
    for (slug, tag, cat) in [
        ("snow", "winter", "weather"),
        ("ice", "winter", "weather"),
        ("sun", "summer", "weather"),
        ("cat", "animals", "pets"),
        ("dog", "animals", "pets"),
    ] {
        s.joke(slug, &format!("tags: [{tag}]\ncategory: {cat}\n"));
    }
    s.item(
        "bulletins/news.md",
        "title: Big news\nstatus: published\n",
        "We have news.\n",
    );
    s.item("pages/about.md", "title: About us\nstatus: published\n", "About.\n");
    s.item(
        "specials/winter.md",
        "status: published\ncampaign: {starts: 2026-11-01, ends: 2027-01-01}\nselect: {tags: [winter]}\n",
        "Cold!\n",
    );
    s
}

/// The `<loc>`s of the built sitemap.
fn sitemap_locs(s: &Site) -> Vec<String> {
    s.build(&[]).ok();
    let xml = s.out("sitemap.xml");
    xml.split("<loc>")
        .skip(1)
        .map(|l| l[..l.find("</loc>").unwrap()].to_string())
        .collect()
}

/// The report's page entries by URL.
fn urls(v: &Value) -> Vec<String> {
    v["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| format!("https://jokes.test{}", p["url"].as_str().unwrap()))
        .collect()
}

fn page_at<'v>(v: &'v Value, url: &str) -> &'v Value {
    v["pages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["url"] == url)
        .unwrap_or_else(|| panic!("no page {url}"))
}

#[test]
fn the_audit_covers_exactly_the_pages_of_the_sitemap() {
    let s = fixture();
    let mut locs = sitemap_locs(&s);
    let (_, v) = audit_json(&s, &[]);
    assert_eq!(v["summary"]["pages"], locs.len(), "{locs:?}");
    let mut audited = urls(&v);
    locs.sort();
    audited.sort();
    assert_eq!(audited, locs);
    for (url, kind) in [
        ("/", "home"),
        ("/jokes/", "section"),
        ("/bulletins/", "section"),
        ("/tags/winter/", "term"),
        ("/categories/pets/", "term"),
        ("/tags/", "taxonomy"),
        ("/specials/winter/", "special"),
        ("/jokes/snow/", "joke"),
    ] {
        assert_eq!(page_at(&v, url)["kind"], kind, "{url}");
    }
    assert!(
        !audited.iter().any(|u| u.contains("/page/2/")),
        "later pages of a listing are not in the sitemap: {audited:?}"
    );
    let home = page_at(&v, "/");
    assert_eq!(home["seo_title"], "Test Jokes");
    assert_eq!(home["description"], "Jokes for every day of the year.");
}

#[test]
fn item_only_rules_are_skipped_on_listings_and_the_skips_counted() {
    let s = fixture();
    let (_, v) = audit_json(&s, &[]);
    let listings = ["/", "/jokes/", "/bulletins/", "/tags/", "/categories/"].len() + 3 + 2;
    let skipped = &v["summary"]["skipped"];
    assert_eq!(skipped["pages"], listings);
    let rules = skipped["rules"].as_array().unwrap();
    assert!(rules.iter().any(|r| r == "AUD101"), "{skipped}");
    assert_eq!(skipped["checks"], listings * rules.len());
    // No focus-keyword or text finding on a listing.
    for f in v["findings"].as_array().unwrap() {
        let url = f["url"].as_str().unwrap_or("");
        if url.starts_with("/tags/") || url == "/" || url == "/jokes/" {
            let rule = f["rule"].as_str().unwrap();
            assert!(!rules.iter().any(|r| r == rule), "{f}");
        }
    }
    let text = s.run(&["audit", "--now", crate::support::NOW]);
    assert!(
        text.stdout.contains(&format!(
            "skipped {} item-only checks on {listings} pages",
            listings * rules.len()
        )),
        "{}",
        text.stdout
    );
}

#[test]
fn a_description_shared_by_a_listing_and_an_item_is_a_duplicate_on_both() {
    let s = fixture();
    s.item(
        "pages/contact.md",
        "title: Contact\nstatus: published\nseo:\n  description: Jokes for every day of the year.\n",
        "Write to us.\n",
    );
    let (_, v) = audit_json(&s, &[]);
    let on_item = found(&v, "AUD202", "content/pages/contact.md");
    assert_eq!(on_item.len(), 1, "{}", all(&v));
    assert!(on_item[0]["message"].as_str().unwrap().contains("/"), "{}", on_item[0]);
    let on_home = found(&v, "AUD202", "site.yaml");
    assert_eq!(on_home.len(), 1, "{}", all(&v));
    assert_eq!(on_home[0]["url"], "/");
    assert_eq!(on_home[0]["line"], 4, "at site.yaml's description line");
    assert!(on_home[0]["message"]
        .as_str()
        .unwrap()
        .contains("content/pages/contact.md"));
}

/// A term file for the tag winter, with a title, a description and an intro.
const WINTER: &str =
    "---\ntitle: Winter jokes\ndescription: Jokes about snow, ice and the cold, for the days when the \
                      sun sets at four and you need a laugh on the way home.\n---\nCold jokes, *warmly* told.\n";

#[test]
fn a_term_file_gives_the_term_page_its_title_description_and_intro() {
    let s = fixture();
    s.write("content/tags/winter.md", WINTER);
    s.build(&[]).ok();
    let html = s.out("tags/winter/index.html");
    assert!(html.contains("<title>Winter jokes | Test Jokes</title>"), "{html}");
    assert!(
        html.contains("content=\"Jokes about snow, ice and the cold, for the days"),
        "the meta description: {html}"
    );
    let main = crate::support::main_region(&html);
    let intro = main.find("Cold jokes, <em>warmly</em> told.").expect("the intro");
    assert!(
        intro < main.find("/jokes/snow/").unwrap(),
        "the intro is above the list: {main}"
    );
    // Other terms keep the generated words.
    assert!(s.out("tags/summer/index.html").contains("filed under tag"));
}

#[test]
fn the_audit_notes_term_pages_with_the_generated_description_until_they_have_a_file() {
    let s = fixture();
    let (_, v) = audit_json(&s, &[]);
    let winter = found(&v, "AUD120", "content/tags/winter.md");
    assert_eq!(winter.len(), 1, "{}", all(&v));
    assert_eq!(winter[0]["level"], "notice");
    assert_eq!(winter[0]["url"], "/tags/winter/");
    assert_eq!(found(&v, "AUD120", "content/categories/pets.md").len(), 1);
    s.write("content/tags/winter.md", WINTER);
    let (_, v) = audit_json(&s, &[]);
    assert!(found(&v, "AUD120", "content/tags/winter.md").is_empty(), "{}", all(&v));
    assert_eq!(page_at(&v, "/tags/winter/")["seo_title"], "Winter jokes | Test Jokes");
    assert_eq!(
        found(&v, "AUD120", "content/tags/summer.md").len(),
        1,
        "other terms still noted"
    );
}

#[test]
fn two_term_files_with_one_description_are_duplicates() {
    let s = fixture();
    s.write("content/tags/winter.md", WINTER);
    s.write(
        "content/tags/summer.md",
        &WINTER.replace("Winter jokes", "Summer jokes"),
    );
    let (_, v) = audit_json(&s, &[]);
    let dup = found(&v, "AUD202", "content/tags/summer.md");
    assert_eq!(dup.len(), 1, "{}", all(&v));
    assert_eq!(dup[0]["line"], 3, "at the description: line");
    assert!(
        dup[0]["message"].as_str().unwrap().contains("/tags/winter/"),
        "{}",
        dup[0]
    );
}

#[test]
fn a_term_file_for_a_term_no_item_has_warns_at_its_path() {
    let s = fixture();
    s.write("content/tags/autumn.md", WINTER);
    s.write("content/categories/weather.md", "---\ndescription: Weather.\n---\n");
    let run = s.build(&[]).ok();
    assert!(
        run.stderr
            .contains("content/tags/autumn.md:1:1: warning[TRM001]: no shown item has the tag 'autumn'"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("weather.md"), "{}", run.stderr);
    assert!(!run.stderr.contains("CNT001"), "{}", run.stderr);
    s.write("content/tags/winter.md", "---\nauthor: alice\n---\n");
    let run = s.build(&[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("content/tags/winter.md:2:1: error[FM003]: unknown field 'author' in a term file"),
        "{}",
        run.stderr
    );
}
