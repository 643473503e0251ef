//! keywords.yaml coverage, settings mistakes, and Chinese text.

use super::*;

#[test]
fn keyword_coverage_from_keywords_yaml() {
    let s = good_site();
    s.item(
        "jokes/rooster.md",
        &good_fm("chicken joke").replace("Chicken joke about crossing", "Chicken joke about a rooster crossing"),
        &good_body("chicken joke", "jokes/duck-joke.md"),
    );
    s.write(
        "keywords.yaml",
        "keywords:\n  - {keyword: duck joke, priority: high, page: jokes/duck-joke.md}\n  - {keyword: chicken joke}\n  \
         - {keyword: goose joke, priority: low}\n  - {keyword: Duck Joke, page: /jokes/chicken-joke/}\n",
    );
    let (_, v) = audit_json(&s, &[]);
    let rows = v["coverage"]["targets"].as_array().unwrap();
    let status: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["keyword"].as_str().unwrap(), r["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        status,
        vec![
            ("duck joke", "covered"),
            ("chicken joke", "split"),
            ("Duck Joke", "misplaced"),
            ("goose joke", "missing")
        ],
        "by priority, then as written"
    );
    assert_eq!(rows[1]["focus_pages"].as_array().unwrap().len(), 2);
    assert!(rows[0]["mentioned_on"].as_u64().unwrap() >= 1);
    let lines: Vec<(String, u64)> = found(&v, "AUD302", "keywords.yaml")
        .into_iter()
        .chain(found(&v, "AUD301", "keywords.yaml"))
        .chain(found(&v, "AUD303", "keywords.yaml"))
        .map(|f| (f["rule"].as_str().unwrap().to_string(), f["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        lines,
        vec![("AUD302".into(), 3), ("AUD301".into(), 4), ("AUD303".into(), 5)]
    );
    assert_eq!(v["summary"]["coverage_percent"], 75);
}

#[test]
fn mistakes_in_keywords_yaml_and_site_yaml_are_input_errors() {
    let s = good_site();
    s.write("keywords.yaml", "keywords:\n  - {keyword: a, priority: urgent}\n");
    s.write(
        "site.yaml",
        "title: T\nbase_url: https://jokes.test\naudit:\n  rules:\n    keyword-densty: off\n",
    );
    let run = s.run(&["audit", "--now", NOW]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("keywords.yaml:2:"), "{}", run.stderr);
    assert!(run.stderr.contains("unknown priority 'urgent'"), "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "site.yaml:5:5: error[CFG010]: unknown audit rule 'keyword-densty' (help: did you mean 'keyword-density'?)"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
}

#[test]
fn chinese_pages_are_segmented_for_density_coverage_and_terms() {
    let s = good_site();
    s.item(
        "jokes/xiaohua-chengxuyuan.md",
        "status: published\nseo:\n  title: 程序员笑话：买一个包子\n  description: 经典程序员笑话：老婆让程序员老公下班买一斤包子，\
         如果看到卖西瓜的就买一个。结果他只带回来一个包子，理由是看到了卖西瓜的。需求写不清楚，程序员就只能按字面执行，\
         条件判断可一点都不含糊。转给你身边的程序员朋友看看吧。\n  focus_keyword: 程序员\n",
        CHENGXUYUAN,
    );
    s.write("keywords.yaml", "keywords:\n  - 程序员\n  - 包子\n  - 西瓜\n");
    let (_, v) = audit_json(&s, &[]);
    let p = page(&v, "content/jokes/xiaohua-chengxuyuan.md");
    assert_eq!(p["keyword_count"], 3, "{p}");
    let words = p["words"].as_u64().unwrap();
    let chars = CHENGXUYUAN
        .chars()
        .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
        .count() as u64;
    assert!(
        words > 20 && words < chars * 3 / 4,
        "jieba words, not characters: {words} of {chars}"
    );
    let density = p["density"].as_f64().unwrap();
    assert!((density - 300.0 / words as f64).abs() < 0.01, "{density} vs 3/{words}");
    let terms: Vec<&str> = p["frequent_terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["term"].as_str().unwrap())
        .collect();
    for w in ["程序员", "包子", "老公"] {
        assert!(terms.contains(&w), "{w} not in {terms:?}");
    }
    let sugg: Vec<&str> = p["suggested_keywords"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert!(
        !sugg.contains(&"程序员"),
        "the focus keyword is not suggested: {sugg:?}"
    );
    // The keyword starts the title and is in the first sentence.
    for rule in ["AUD102", "AUD103", "AUD104"] {
        assert!(
            found(&v, rule, "content/jokes/xiaohua-chengxuyuan.md").is_empty(),
            "{}",
            all(&v)
        );
    }
    let rows = v["coverage"]["targets"].as_array().unwrap();
    assert_eq!(rows[0]["status"], "covered");
    assert_eq!(rows[1]["status"], "missing");
    assert_eq!(rows[1]["mentioned_on"], 1, "包子 is in the text");
}

#[test]
fn rules_can_be_turned_off_or_up() {
    let s = good_site();
    goose(&s, |f| f.replace("  focus_keyword: goose joke\n", ""), keep);
    let (run, v) = audit_json(&s, &[]);
    assert_eq!(found(&v, "AUD101", GOOSE)[0]["level"], "warning");
    assert_eq!(run.code, 0);
    s.write(
        "site.yaml",
        "title: Test Jokes\nbase_url: https://jokes.test\naudit:\n  rules:\n    focus-keyword-missing: error\n    AUD114: off\n",
    );
    let (run, v) = audit_json(&s, &[]);
    assert_eq!(found(&v, "AUD101", GOOSE)[0]["level"], "error");
    assert!(found(&v, "AUD114", GOOSE).is_empty());
    assert_eq!(run.code, 1);
    let rule = v["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "AUD114")
        .unwrap();
    assert_eq!(rule["level"], Value::Null);
}
