//! The HTML report as a workbench: traffic lights, the drill-down with each
//! page as a Google and a Baidu result, filters, the baseline's groups, a
//! phone-sized screen in headless Chromium; and the per-URL CSV.

use super::formats::{chromium, headless};
use super::{good_site, goose, keep, CHENGXUYUAN};
use crate::support::{Site, NOW};

/// The good site with the duck joke's description missing (AUD110), a
/// goose joke with a title too wide for Google and a Chinese joke; a
/// baseline of that; then a planted fault (the chicken image loses its alt
/// text, AUD112) and a fixed one (the duck's description is back).
fn workbench_site() -> Site {
    let s = good_site();
    let duck = "content/jokes/duck-joke.md";
    let good_duck = std::fs::read_to_string(s.root().join(duck)).unwrap();
    let start = good_duck.find("  description:").unwrap();
    let end = start + good_duck[start..].find('\n').unwrap() + 1;
    s.write(duck, &format!("{}{}", &good_duck[..start], &good_duck[end..]));
    let wide = "Goose joke about crossing the road, the farm, the fox, the fence and a very patient dog indeed";
    goose(
        &s,
        |f| {
            f.replace(
                "  title: Goose joke about crossing the road",
                &format!("  title: {wide}"),
            )
        },
        keep,
    );
    s.item(
        "jokes/xiaohua-chengxuyuan.md",
        "status: published\nseo:\n  title: 程序员笑话：老婆让程序员老公下班买一斤包子，如果看到卖西瓜的就买一个回来\n  focus_keyword: 程序员\n",
        CHENGXUYUAN,
    );
    assert_eq!(
        s.run(&["audit", "--now", NOW, "--format", "json", "-o", "base.json"])
            .code,
        0
    );
    let chicken = "content/jokes/chicken-joke.md";
    let text = std::fs::read_to_string(s.root().join(chicken)).unwrap();
    s.write(chicken, &text.replace("![A bird crossing a country road]", "![]"));
    s.write(duck, &good_duck);
    s
}

#[test]
fn html_workbench_shows_lights_results_filters_and_baseline_groups() {
    let s = workbench_site();
    let run = s.run(&[
        "audit",
        "--now",
        NOW,
        "--baseline",
        "base.json",
        "--format",
        "html",
        "-o",
        "audit.html",
    ]);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    let html = std::fs::read_to_string(s.root().join("audit.html")).unwrap();
    for external in ["src=\"http", "href=\"http", "@import", "url(http"] {
        assert!(!html.contains(external), "no external assets: {external}");
    }
    assert!(html.contains("class=\"light good\""), "traffic lights");
    // The goose joke's title is cut with an ellipsis for Google, the Chinese
    // title at 30 characters for Baidu.
    assert!(html.contains("class=\"serp google\""), "google result");
    assert!(html.contains("<div class=\"t\">Goose joke about crossing the road, the farm, the fox, the"));
    assert!(
        html.contains("<div class=\"t\">程序员笑话：老婆让程序员老公下班买一斤包子，如果看到卖西瓜…</div>"),
        "baidu cut at 60 half-width units"
    );
    for filter in [
        "data-f=\"rule\"",
        "data-f=\"level\"",
        "data-f=\"lang\"",
        "data-f=\"state\"",
    ] {
        assert!(html.contains(filter), "{filter}");
    }
    assert!(html.contains("<span class=\"state new\">new</span>"));
    assert!(html.contains("<span class=\"state unchanged\">unchanged</span>"));
    assert!(html.contains("<h2>Fixed since the baseline</h2>") && html.contains("AUD110"));
    assert!(html.contains("Fix: "), "each finding with its fix");
}

#[test]
fn html_workbench_fits_a_phone_and_filters_in_chromium() {
    let Some(bin) = chromium() else {
        crate::support::skip("chromium is not installed (apt-get install -y chromium)");
        return;
    };
    let s = workbench_site();
    s.run(&[
        "audit",
        "--now",
        NOW,
        "--baseline",
        "base.json",
        "--format",
        "html",
        "-o",
        "audit.html",
    ]);
    let html = std::fs::read_to_string(s.root().join("audit.html")).unwrap();
    // The probe lays the page out 390 px wide (headless windows are at
    // least 500 px), opens every drill-down, lists what sticks out beyond
    // 390 px outside the boxes that scroll on their own, then picks "new"
    // in the baseline filter and counts the findings rows left.
    let probe = r##"<script>window.addEventListener("load", function () {
  var d = document.documentElement; d.style.width = "390px";
  document.querySelectorAll("details").forEach(function (x) { x.open = true; });
  var wide = [];
  document.querySelectorAll("body *").forEach(function (e) {
    var inScroll = e.parentElement && e.parentElement.closest(".scroll");
    if (!inScroll && e.getBoundingClientRect().right > 391) { wide.push(e.tagName + "." + e.className); }
  });
  d.setAttribute("data-wide", wide.join(" ") || "none");
  var sel = document.querySelector("select[data-f=state]"); sel.value = "new";
  sel.dispatchEvent(new Event("change"));
  var shown = Array.prototype.filter.call(document.querySelectorAll("#findings tbody tr"), function (r) { return !r.hidden; });
  d.setAttribute("data-shown", shown.map(function (r) { return r.getAttribute("data-rule"); }).join(" "));
});</script></body>"##;
    let probed = s.root().join("probe.html");
    std::fs::write(&probed, html.replace("</body>", probe)).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let url = format!("file://{}", probed.display());
    let dom = headless(&bin, profile.path(), &["--window-size=390,844", "--dump-dom", &url]);
    assert!(!dom.stderr.contains("Uncaught"), "{}", dom.stderr);
    let root = &dom.stdout[..dom.stdout.find("<head>").unwrap_or(dom.stdout.len())];
    assert!(root.contains("data-report-ready=\"yes\""), "{root}");
    assert!(root.contains("data-wide=\"none\""), "nothing overflows 390 px: {root}");
    assert!(
        root.contains("data-shown=\"AUD112\""),
        "only the new finding stays: {root}"
    );
}

#[test]
fn csv_pages_has_one_row_per_page_with_score_light_and_counts() {
    let s = workbench_site();
    let run = s.run(&["audit", "--now", NOW, "--format", "csv-pages"]);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].starts_with("url,path,kind,title,seo_title,"), "{}", lines[0]);
    assert!(
        lines[0].ends_with(",score,light,errors,warnings,notices"),
        "{}",
        lines[0]
    );
    assert_eq!(
        lines.len(),
        1 + 4 + 2,
        "a header and one row per page (the home page and /jokes/ too):\n{}",
        run.stdout
    );
    let chicken = lines.iter().find(|l| l.starts_with("/jokes/chicken-joke/,")).unwrap();
    let cells: Vec<&str> = chicken.split(',').collect();
    let n = cells.len();
    assert_eq!(n, lines[0].split(',').count());
    assert_eq!(&cells[n - 5..], ["92", "good", "0", "1", "0"], "{chicken}");
}
