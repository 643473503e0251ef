//! Writes a synthetic joke site for benchmarks: N jokes, N/10 bulletins,
//! 30 tags, 12 categories, bodies of a few paragraphs, some internal links.
//! Deterministic: the same N gives the same bytes.
//!
//!     cargo run --release --example gen_corpus -- OUT [--jokes N] [--bulletins M]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const TAGS: [&str; 30] = [
    "puns",
    "one-liners",
    "dad-jokes",
    "wordplay",
    "animals",
    "food",
    "programming",
    "science",
    "office",
    "knock-knock",
    "school",
    "music",
    "math",
    "sports",
    "travel",
    "cats",
    "dogs",
    "space",
    "history",
    "weather",
    "medical",
    "lawyers",
    "physics",
    "chemistry",
    "biology",
    "computers",
    "birds",
    "holidays",
    "family",
    "absurd",
];
const CATEGORIES: [&str; 12] = [
    "classic",
    "clean",
    "observational",
    "surreal",
    "topical",
    "kids",
    "professional",
    "dark",
    "seasonal",
    "international",
    "meta",
    "vintage",
];
const WORDS: [&str; 64] = [
    "the",
    "a",
    "cat",
    "dog",
    "programmer",
    "banana",
    "robot",
    "wizard",
    "duck",
    "penguin",
    "walks",
    "into",
    "bar",
    "asks",
    "says",
    "why",
    "because",
    "never",
    "always",
    "tiny",
    "huge",
    "secret",
    "frozen",
    "spicy",
    "sticky",
    "owl",
    "pizza",
    "coffee",
    "server",
    "bug",
    "compiler",
    "keyboard",
    "moon",
    "river",
    "bridge",
    "castle",
    "bakery",
    "circus",
    "suddenly",
    "quietly",
    "happy",
    "grumpy",
    "clever",
    "lazy",
    "brave",
    "with",
    "about",
    "under",
    "over",
    "and",
    "but",
    "then",
    "again",
    "nobody",
    "expected",
    "laughed",
    "cried",
    "forgot",
    "remembered",
    "ordered",
    "sold",
    "bought",
    "painted",
    "juggled",
];
const AUTHORS: [&str; 8] = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"];

/// A small deterministic generator (xorshift64*), so the corpus needs no crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// Zipf-like skew: small indexes are much more likely.
    fn skewed(&mut self, n: usize) -> usize {
        let a = self.below(n);
        let b = self.below(n);
        a.min(b).min(self.below(n))
    }
}

fn sentence(rng: &mut Rng) -> String {
    let n = 6 + rng.below(12);
    let mut s = String::new();
    for i in 0..n {
        let w = WORDS[rng.skewed(WORDS.len())];
        if i == 0 {
            let mut c = w.chars();
            s.push_str(&c.next().unwrap().to_uppercase().collect::<String>());
            s.push_str(c.as_str());
        } else {
            s.push(' ');
            if rng.below(20) == 0 {
                let _ = write!(s, "**{w}**");
            } else {
                s.push_str(w);
            }
        }
    }
    s.push(['.', '!', '?'][rng.below(3)]);
    s
}

fn body(rng: &mut Rng, paragraphs: usize, link_to: Option<&str>) -> String {
    let mut b = String::new();
    for p in 0..paragraphs {
        if p == 1 && paragraphs > 3 {
            b.push_str("## A closer look\n\n");
        }
        let sentences: Vec<String> = (0..2 + rng.below(4)).map(|_| sentence(rng)).collect();
        b.push_str(&sentences.join(" "));
        if p == 0 {
            if let Some(target) = link_to {
                let _ = write!(b, " See also [this one](@/jokes/{target}.md).");
            }
        }
        b.push_str("\n\n");
        if rng.below(5) == 0 {
            b.push_str("- first, a setup\n- then, a twist\n\n");
        }
    }
    b
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = PathBuf::from(args.first().expect("usage: gen_corpus OUT [--jokes N] [--bulletins M]"));
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map(|v| v.parse::<usize>().unwrap())
    };
    let jokes = flag("--jokes").unwrap_or(10_000);
    let bulletins = flag("--bulletins").unwrap_or(jokes / 10);
    let _ = std::fs::remove_dir_all(&out);
    let mut rng = Rng(0x5EED_2026_1125);
    let mut roles = String::from("members:\n");
    for a in AUTHORS {
        let _ = writeln!(
            roles,
            "  {a}: {{name: {a}, email: {a}@example.org, roles: [copywriter]}}"
        );
    }
    write(&out.join("roles.yaml"), &roles);
    write(
        &out.join("site.yaml"),
        "title: Punchline Bench\nbase_url: https://example.org\npaginate_by: 20\nfeed_limit: 20\nheadlines: 10\n",
    );
    for i in 1..=jokes {
        let slug = format!("j{i:06}");
        let tags: Vec<&str> = (0..1 + rng.below(4)).map(|_| TAGS[rng.skewed(TAGS.len())]).collect();
        let link = (rng.below(3) == 0).then(|| format!("j{:06}", 1 + rng.below(jokes)));
        let day = 1 + rng.below(28);
        let paragraphs = 2 + rng.below(5);
        let text = format!(
            "---\ntitle: \"Joke number {i}: {}\"\ndate: {}-{:02}-{day:02}\nauthor: {}\ntags: [{}]\ncategory: {}\nstatus: published\nseo:\n  description: \"{}\"\n  focus_keyword: {}\n---\n\n{}",
            WORDS[rng.below(WORDS.len())],
            2010 + rng.below(15),
            1 + rng.below(12),
            AUTHORS[rng.skewed(AUTHORS.len())],
            tags.join(", "),
            CATEGORIES[rng.skewed(CATEGORIES.len())],
            sentence(&mut rng),
            tags[0],
            body(&mut rng, paragraphs, link.as_deref()),
        );
        write(&out.join(format!("content/jokes/{slug}.md")), &text);
    }
    for i in 1..=bulletins {
        let paragraphs = 3 + rng.below(8);
        let text =
            format!(
            "---\ntitle: \"Bulletin {i}\"\ndate: {}T{:02}:00:00Z\nauthor: {}\ntags: [{}]\nstatus: published\n---\n\n{}",
            format_args!("{}-{:02}-{:02}", 2010 + i * 15 / bulletins.max(1), 1 + (i % 12), 1 + (i % 28)),
            i % 24,
            AUTHORS[rng.below(3)],
            TAGS[rng.skewed(TAGS.len())],
            body(&mut rng, paragraphs, None),
        );
        write(&out.join(format!("content/bulletins/b{i:05}.md")), &text);
    }
    eprintln!("wrote {jokes} jokes and {bulletins} bulletins to {}", out.display());
}
