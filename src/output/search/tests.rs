use super::*;
use std::io::Write;

/// Reads postings back, as the theme's script does: (document, field).
fn decode(post: &str) -> Vec<(usize, u8)> {
    let mut out = Vec::new();
    let (mut n, mut doc) = (0usize, usize::MAX);
    for b in post.bytes() {
        if let Some(d) = MORE.iter().position(|&m| m == b) {
            n = n * 32 + d;
        } else {
            let d = LAST.iter().position(|&m| m == b).expect("a digit");
            n = n * 32 + d;
            doc = doc.wrapping_add(n >> 2);
            out.push((doc, (n & 3) as u8));
            n = 0;
        }
    }
    out
}

fn parse(index: &[u8]) -> serde_json::Value {
    serde_json::from_slice(index).unwrap()
}

/// Where `word` is: (document, field) pairs.
fn lookup(index: &serde_json::Value, word: &str) -> Vec<(usize, u8)> {
    let terms = index["terms"].as_array().unwrap();
    match terms.iter().position(|t| t == word) {
        Some(i) => decode(index["post"][i].as_str().unwrap()),
        None => Vec::new(),
    }
}

fn source<'a>(title: &'a str, tags: Vec<&'a str>, html: &'a str) -> Source<'a> {
    Source {
        title,
        url: "/jokes/x/",
        kind: "joke",
        date: "2026-04-15",
        date_human: "15 Apr 2026",
        terms: tags,
        html,
        plain: "The office coffee machine broke on Monday morning.",
    }
}

#[test]
fn the_index_holds_every_word_of_the_body_with_its_best_field() {
    let long = format!(
        "<p>The office coffee machine broke.</p><p>{}</p><p>By eleven, finance was grinding beans with a <em>stapler</em> &amp; a spoon. Don&#39;t ask.</p>",
        "Productivity stopped existing. ".repeat(40)
    );
    let a = entry_of(&source(
        "The day the coffee machine broke",
        vec!["coffee", "work"],
        &long,
    ));
    let b = entry_of(&source(
        "老板说要多吃苦",
        vec!["office"],
        "<p>我深受感动，第二天就把咖啡换成了美式。</p>",
    ));
    let index = parse(&assemble([a.as_str(), b.as_str()].into_iter()));
    assert_eq!(index["v"], 2);
    assert_eq!(index["docs"][0][0], "The day the coffee machine broke");
    assert_eq!(index["docs"][1][4], "15 Apr 2026");
    assert_eq!(
        lookup(&index, "stapler"),
        [(0, BODY)],
        "a word far down the body is found"
    );
    assert_eq!(
        lookup(&index, "coffee"),
        [(0, TITLE)],
        "the title wins over tag and body"
    );
    assert_eq!(lookup(&index, "work"), [(0, TERM)]);
    assert_eq!(lookup(&index, "office"), [(0, BODY), (1, TERM)]);
    assert_eq!(
        lookup(&index, "dont"),
        [(0, BODY)],
        "apostrophes dropped, entities decoded"
    );
    assert_eq!(
        lookup(&index, "咖啡"),
        [(1, BODY)],
        "Chinese cut into words at build time"
    );
    assert_eq!(lookup(&index, "老板"), [(1, TITLE)]);
    assert!(
        lookup(&index, "the").is_empty() && lookup(&index, "em").is_empty(),
        "no stop words, no tags"
    );
    let terms: Vec<&str> = index["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert!(terms.is_sorted(), "sorted, for prefix search");
}

#[test]
fn numbers_of_any_size_read_back() {
    let ids = [0usize, 1, 2, 40, 41, 1000, 1001, 70_000];
    let mut out = Vec::new();
    let mut last = usize::MAX;
    for (i, &id) in ids.iter().enumerate() {
        push_number(&mut out, (id.wrapping_sub(last) << 2) | (i % 3 + 1));
        last = id;
    }
    let back = decode(std::str::from_utf8(&out).unwrap());
    let want: Vec<(usize, u8)> = ids.iter().enumerate().map(|(i, &id)| (id, (i % 3 + 1) as u8)).collect();
    assert_eq!(back, want);
}

/// A deterministic stand-in for 10,000 real jokes: words drawn from a
/// 20,000-word vocabulary with Zipf's law, as in real text, bodies of 40 to
/// 120 words, titles of 3 to 8.
fn synthetic_jokes(n: usize) -> Vec<(String, String, Vec<String>, String)> {
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let syll = [
        "ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ber", "cor", "dan", "fel", "gri", "hop", "lin", "mar", "pol",
        "sten", "tra", "wex",
    ];
    let vocab: Vec<String> = (0..20_000u64)
        .map(|i| {
            let mut w = String::new();
            let mut k = i + 7;
            for _ in 0..(2 + i % 3) {
                w.push_str(syll[(k % 20) as usize]);
                k = k / 20 + i * 7 + 3;
            }
            w
        })
        .collect();
    let cumulative: Vec<f64> = (1..=vocab.len())
        .scan(0.0, |acc, r| {
            *acc += 1.0 / r as f64;
            Some(*acc)
        })
        .collect();
    let total = *cumulative.last().unwrap();
    let lens: Vec<(usize, usize, usize)> = (0..n)
        .map(|_| {
            (
                3 + (next() % 6) as usize,
                40 + (next() % 81) as usize,
                (next() % 40) as usize,
            )
        })
        .collect();
    let mut word = || {
        let x = (next() % 1_000_000_007) as f64 / 1_000_000_007.0 * total;
        let i = cumulative.partition_point(|&c| c < x).min(vocab.len() - 1);
        vocab[i].clone()
    };
    let mut sentence = |len: usize| (0..len).map(|_| word()).collect::<Vec<_>>().join(" ");
    lens.into_iter()
        .enumerate()
        .map(|(i, (t, b, tag))| {
            let title = sentence(t);
            let body = format!("<p>{}.</p>", sentence(b));
            let tags = vec![
                format!("tag{tag}"),
                format!("tag{}", (tag * 7 + i) % 40),
                format!("cat{}", i % 12),
            ];
            (title, format!("/jokes/joke-{i}/"), tags, body)
        })
        .collect()
}

#[test]
fn the_index_of_10000_jokes_is_under_1_5_mb_gzipped() {
    let jokes = synthetic_jokes(10_000);
    let entries: Vec<String> = jokes
        .iter()
        .map(|(title, url, tags, html)| {
            let plain = &html[3..];
            entry_of(&Source {
                title,
                url,
                kind: "joke",
                date: "2026-04-15",
                date_human: "15 Apr 2026",
                terms: tags.iter().map(String::as_str).collect(),
                html,
                plain,
            })
        })
        .collect();
    let index = assemble(entries.iter().map(String::as_str));
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&index).unwrap();
    let gzipped = gz.finish().unwrap().len();
    eprintln!("index: {} bytes, {gzipped} gzipped", index.len());
    assert!(gzipped < 1_500_000, "{gzipped} bytes gzipped");
    let parsed = parse(&index);
    assert_eq!(parsed["docs"].as_array().unwrap().len(), 10_000);
}
