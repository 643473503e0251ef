//! `punchline audit` and `punchline build --report` on fixture sites: each
//! rule on a page that triggers it and on pages that do not (`rules`),
//! what pages share and the theme (`site`), keyword coverage and Chinese
//! text (`keywords`), and the report formats, exit codes and the HTML report
//! in headless Chromium (`formats`). Shared fixtures and helpers live here.

mod baseline;
mod formats;
mod keywords;
mod rules;
mod site;
mod workbench;

use crate::support::{Run, Site, NOW};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// `punchline audit --now NOW --format json` plus `extra`; the parsed report.
pub fn audit_json(s: &Site, extra: &[&str]) -> (Run, Value) {
    let mut args = vec!["audit", "--now", NOW, "--format", "json"];
    args.extend_from_slice(extra);
    let run = s.run(&args);
    assert!(
        run.code == 0 || run.code == 1,
        "audit could not run (exit {}):\n{}",
        run.code,
        run.stderr
    );
    let v: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\nstderr:\n{}", run.stdout, run.stderr));
    (run, v)
}

/// The findings of `rule` in file `path`.
pub fn found<'v>(v: &'v Value, rule: &str, path: &str) -> Vec<&'v Value> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule && f["path"] == path)
        .collect()
}

/// Every finding, one line each, for failure messages.
pub fn all(v: &Value) -> String {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{}:{} {} {}", f["path"], f["line"], f["rule"], f["message"]))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The page entry of `path`.
pub fn page<'v>(v: &'v Value, path: &str) -> &'v Value {
    v["pages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["path"] == path)
        .unwrap_or_else(|| panic!("no page {path}"))
}

/// Front matter of a joke that passes every page rule for keyword `kw`.
pub fn good_fm(kw: &str) -> String {
    let mut title = kw.to_string();
    title[..1].make_ascii_uppercase();
    format!(
        "status: published\nseo:\n  title: {title} about crossing the road\n  description: \"A {kw} for every day: \
         why the bird crossed the road, what it found on the other side, and why the farmer never once stopped \
         laughing.\"\n  focus_keyword: {kw}\n"
    )
}

/// Body of that joke, linking to `link` (a content path such as
/// `jokes/duck-joke.md#another-duck-joke`).
pub fn good_body(kw: &str, link: &str) -> String {
    format!(
        "\nHere is a {kw} that everyone knows. Why did the bird cross the road? To get to the other side, of \
         course, and nobody on the farm was surprised at all.\n\n![A bird crossing a country road](/images/bird.png)\n\n\
         ## Another {kw}\n\nThe farmer asked the bird why it kept crossing the same road every single morning. The \
         bird said it was a long story about the farm, the fox, the fence and a very patient dog who never once \
         looked up from his breakfast. See also [the other one](@/{link}).\n\nSome say the road was only there to \
         make the walk feel longer. Others say the bird just liked the view from the middle, where the traffic was \
         slow and the grass was greener than anywhere else.\n"
    )
}

/// A site with two jokes that pass every rule and link to each other.
pub fn good_site() -> Site {
    let s = Site::new();
    s.item(
        "jokes/chicken-joke.md",
        &good_fm("chicken joke"),
        &good_body("chicken joke", "jokes/duck-joke.md#another-duck-joke"),
    );
    s.item(
        "jokes/duck-joke.md",
        &good_fm("duck joke"),
        &good_body("duck joke", "jokes/chicken-joke.md"),
    );
    s
}

pub const GOOD: [&str; 2] = ["content/jokes/chicken-joke.md", "content/jokes/duck-joke.md"];

/// Adds `content/jokes/goose-joke.md`: the good joke for "goose joke",
/// changed by `fm` and `body`, linking to the chicken joke.
pub fn goose(s: &Site, fm: impl Fn(String) -> String, body: impl Fn(String) -> String) {
    let f = fm(good_fm("goose joke"));
    let b = body(good_body("goose joke", "jokes/chicken-joke.md"));
    s.item("jokes/goose-joke.md", &f, &b);
}

pub const GOOSE: &str = "content/jokes/goose-joke.md";

pub fn keep(x: String) -> String {
    x
}

/// One page rule: the goose joke, changed by `fm`/`body`, must trigger
/// `rule`; the good pair must not.
pub fn page_rule(rule: &str, fm: impl Fn(String) -> String, body: impl Fn(String) -> String) -> Value {
    let s = good_site();
    goose(&s, fm, body);
    let (_, v) = audit_json(&s, &[]);
    assert!(!found(&v, rule, GOOSE).is_empty(), "{rule} not reported:\n{}", all(&v));
    for good in GOOD {
        assert!(
            found(&v, rule, good).is_empty(),
            "{rule} reported on {good}:\n{}",
            all(&v)
        );
    }
    v
}

/// Writes a child theme of the default one.
pub fn child_theme(s: &Site, files: &[(&str, &str)]) {
    s.write("themes/kid/theme.yaml", "name: kid\nextends: default\n");
    for (name, text) in files {
        s.write(&format!("themes/kid/templates/{name}"), text);
    }
    s.write(
        "site.yaml",
        "title: Test Jokes\nbase_url: https://jokes.test\ntheme: kid\n",
    );
}

/// Real Chinese jokes from the demo content.
pub const CHENGXUYUAN: &str =
    "\n老婆给当程序员的老公打电话：“下班顺路买一斤包子带回来。如果看到卖西瓜的，就买一个。”\n\n\
当晚，程序员老公捧着**一个**包子进了家门。\n\n老婆：“你怎么只买了一个包子？！”\n\n老公：“因为我看到卖西瓜的了。”\n\n\
需求写得不清楚，就别怪程序员按字面执行。\n";

/// test-artifacts/ in the repository (gitignored).
pub fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("test-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
