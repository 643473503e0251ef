//! HTML: one self-contained page (inline CSS, JS and SVG; no external
//! assets, so it opens from a CI artifact or an e-mail) with summary
//! scores, bar charts of keyword density and of keyword coverage, a
//! sortable, filterable table of pages with Yoast's traffic lights, a
//! drill-down per page (its result as Google and Baidu would show it, and
//! each finding with its fix), the findings, and with a baseline the new,
//! unchanged and fixed groups. Filters by rule, level, language and
//! baseline state work without network. Nothing is wider than a phone's
//! 390 px viewport: wide tables scroll inside their own box.
//!
//! Sorting: click (or Enter on) a column header; `report.html#sort=score`
//! (or `#sort=score&dir=desc`) opens the page sorted. The script marks the
//! document with `data-report-ready="yes"` once it has wired everything.

use super::{serp, Formatter};
use crate::audit::config::{num, Bounds};
use crate::audit::coverage::Status;
use crate::audit::report::PageReport;
use crate::audit::{Level, Report};
use crate::theme::escape_html as esc;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Write};

/// The HTML formatter.
pub struct Html;

/// Findings listed in the page (errors first); the rest are in JSON and CSV.
const MAX_FINDINGS: usize = 2000;

impl Formatter for Html {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let mut h = String::with_capacity(4096 + report.pages.len() * 600);
        head(report, &mut h);
        cards(report, &mut h);
        h.push_str("<section class=\"charts\">\n");
        density_chart(report, &mut h);
        coverage_chart(report, &mut h);
        terms_chart(report, &mut h);
        h.push_str("</section>\n");
        let by_page = findings_by_page(report);
        toolbar(report, &mut h);
        pages_table(report, &by_page, &mut h);
        drilldown(report, &by_page, &mut h);
        findings_table(report, &mut h);
        fixed_table(report, &mut h);
        h.push_str("</main>\n");
        let _ = write!(h, "<script>{SCRIPT}</script>\n</body>\n</html>\n");
        out.write_all(h.as_bytes())
    }
}

const STYLE: &str = r#"
:root{--fg:#1d2330;--muted:#5b6475;--bg:#f6f7f9;--card:#fff;--line:#dde1e8;--ok:#2f9e5a;--warn:#d98b16;--err:#c9372c;--note:#2d7fb8;--off:#9aa3b2}
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","PingFang SC","Microsoft YaHei",sans-serif;color:var(--fg);background:var(--bg)}
header.top{padding:20px 28px;background:#1d2330;color:#fff}header.top h1{margin:0 0 4px;font-size:22px}header.top p{margin:0;color:#c5cbd6}
main{padding:20px 28px;max-width:1400px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin-bottom:20px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 14px}.card b{display:block;font-size:26px}.card span{color:var(--muted);font-size:13px}
.card.err b{color:var(--err)}.card.warn b{color:var(--warn)}.card.note b{color:var(--note)}.card.score b{color:var(--ok)}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(420px,100%),1fr));gap:16px;margin-bottom:20px}
figure{margin:0;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px}figcaption{font-weight:600;margin-bottom:6px}
svg text{font:12px system-ui,sans-serif;fill:var(--fg)}svg .in{fill:var(--ok)}svg .out{fill:var(--warn)}svg .none{fill:var(--off)}
svg .covered{fill:var(--ok)}svg .missing{fill:var(--err)}svg .split{fill:var(--warn)}svg .misplaced{fill:var(--note)}svg .term{fill:var(--note)}
h2{font-size:18px;margin:24px 0 8px}.tools{margin:6px 0}.tools input{padding:6px 8px;border:1px solid var(--line);border-radius:6px;width:320px;max-width:100%}
.scroll{overflow:auto;max-height:640px;border:1px solid var(--line);border-radius:8px;background:var(--card)}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{padding:5px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{position:sticky;top:0;background:#eef0f4;cursor:pointer;white-space:nowrap;user-select:none}th[aria-sort=ascending]::after{content:" \25B2"}th[aria-sort=descending]::after{content:" \25BC"}
td.n{text-align:right;font-variant-numeric:tabular-nums}#pages td:last-child{min-width:220px}.lvl{font-weight:600}.lvl.error{color:var(--err)}.lvl.warning{color:var(--warn)}.lvl.notice{color:var(--note)}
.bad{color:var(--err);font-weight:600}.muted{color:var(--muted)}
.light{display:inline-block;width:.8em;height:.8em;border-radius:50%;margin-right:.35em;vertical-align:-.05em}
.light.good{background:#7ad03a}.light.ok{background:#ee7c1b}.light.bad{background:#dc3232}
.filters{display:flex;flex-wrap:wrap;gap:8px 14px;margin:6px 0 10px}.filters label{font-size:13px;color:var(--muted)}
.filters select{display:block;font:inherit;padding:4px 6px;border:1px solid var(--line);border-radius:6px;max-width:100%}
details.pg{background:var(--card);border:1px solid var(--line);border-radius:8px;margin:6px 0;padding:8px 12px}
details.pg summary{cursor:pointer;overflow-wrap:anywhere}details.pg ul{padding-left:18px;margin:6px 0}
.serps{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(300px,100%),1fr));gap:10px;margin:8px 0}
.serp{border:1px solid var(--line);border-radius:8px;padding:8px 10px;font-family:arial,sans-serif;overflow-wrap:anywhere}
.serp .eng{font-size:11px;color:var(--muted);text-transform:uppercase;letter-spacing:.05em}
.serp.google .t{color:#1a0dab;font-size:20px;line-height:1.3}.serp.google .u{color:#006621;font-size:14px}
.serp.google .d{color:#4d5156;font-size:14px}.serp.baidu .t{color:#2440b3;font-size:18px;text-decoration:underline}
.serp.baidu .u{color:#626675;font-size:13px}.serp.baidu .d{color:#333;font-size:13px}
.state{font-size:12px;border-radius:4px;padding:0 4px}.state.new{background:#fde2e0;color:#8a1f17}.state.unchanged{background:#eef0f4}
@media (max-width:600px){header.top,main{padding-left:12px;padding-right:12px}header.top h1{font-size:18px}.card b{font-size:20px}}
"#;

const SCRIPT: &str = r##"
(function () {
  "use strict";
  function key(cell, num) {
    var v = cell.getAttribute("data-v");
    if (v === null) { v = cell.textContent; }
    if (!num) { return v.toLowerCase(); }
    var x = parseFloat(v);
    return isNaN(x) ? -Infinity : x;
  }
  function sortBy(table, th, asc) {
    var heads = table.tHead.rows[0].cells;
    var i = Array.prototype.indexOf.call(heads, th);
    var num = th.getAttribute("data-type") === "num";
    Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a.cells[i], num), y = key(b.cells[i], num);
      return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1);
    });
    var frag = document.createDocumentFragment();
    rows.forEach(function (r) { frag.appendChild(r); });
    body.appendChild(frag);
  }
  var tables = document.querySelectorAll("table.sortable");
  Array.prototype.forEach.call(tables, function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      th.tabIndex = 0;
      var go = function () { sortBy(table, th, th.getAttribute("aria-sort") !== "ascending"); };
      th.addEventListener("click", go);
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); go(); }
      });
    });
  });
  var selects = document.querySelectorAll("select[data-f]");
  function matches(el, want) {
    for (var k in want) {
      var have = (el.getAttribute("data-" + k) || "").split(" ");
      if (want[k] !== "" && have.indexOf(want[k]) < 0) { return false; }
    }
    return true;
  }
  var inputs = document.querySelectorAll("input[data-filter]");
  function applyFilters() {
    var want = {}, queries = {};
    Array.prototype.forEach.call(selects, function (s) { want[s.getAttribute("data-f")] = s.value; });
    Array.prototype.forEach.call(inputs, function (i) { queries[i.getAttribute("data-filter")] = i.value.toLowerCase(); });
    Array.prototype.forEach.call(document.querySelectorAll("[data-filterable]"), function (el) {
      var table = el.closest("table");
      var q = table ? (queries[table.id] || "") : "";
      el.hidden = !matches(el, want) || (q !== "" && el.textContent.toLowerCase().indexOf(q) < 0);
    });
  }
  Array.prototype.forEach.call(selects, function (s) { s.addEventListener("change", applyFilters); });
  Array.prototype.forEach.call(inputs, function (i) { i.addEventListener("input", applyFilters); });
  var m = /sort=([a-z_]+)(?:&dir=(asc|desc))?/.exec(location.hash);
  if (m) {
    var th = document.querySelector("#pages th[data-key=" + m[1] + "]");
    if (th) { sortBy(document.getElementById("pages"), th, m[2] !== "desc"); }
  }
  document.documentElement.setAttribute("data-report-ready", "yes");
})();
"##;

fn head(r: &Report, h: &mut String) {
    let engines: Vec<&str> = r.thresholds.engines.iter().map(|e| e.name()).collect();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>SEO audit: {title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <header class=\"top\"><h1>SEO audit: {title}</h1>\
         <p>{base} · {mode} site as of {now} · rules of {engines} · {schema}</p></header>\n<main>\n",
        title = esc(&r.site.title),
        base = esc(&r.site.base_url),
        mode = r.site.mode,
        now = esc(&r.site.now),
        engines = engines.join(" and "),
        schema = r.schema,
    );
}

fn cards(r: &Report, h: &mut String) {
    let s = &r.summary;
    let pct = |a: usize| (a * 100).checked_div(s.pages).unwrap_or(0);
    let mut items = vec![
        ("score", format!("{}/100", s.score), "mean page score"),
        ("", s.pages.to_string(), "pages audited"),
        ("err", s.findings.error.to_string(), "errors"),
        ("warn", s.findings.warning.to_string(), "warnings"),
        ("note", s.findings.notice.to_string(), "notices"),
        (
            "",
            format!("{}%", pct(s.with_focus_keyword)),
            "pages with a focus keyword",
        ),
        ("", format!("{}%", pct(s.density_in_range)), "keyword density in range"),
    ];
    if let Some(c) = s.coverage_percent {
        items.push(("", format!("{c}%"), "target keywords covered"));
    }
    if s.skipped.checks > 0 {
        items.push((
            "",
            s.skipped.checks.to_string(),
            "item-only checks skipped on pages without text (home, listings, terms)",
        ));
    }
    h.push_str("<section class=\"cards\">");
    for (class, value, label) in items {
        let _ = write!(
            h,
            "<div class=\"card {class}\"><b>{value}</b><span>{label}</span></div>"
        );
    }
    h.push_str("</section>\n");
}

/// A horizontal bar chart: one row per (label, value, css class, tooltip).
fn bars(caption: &str, rows: &[(String, f64, &str, String)], h: &mut String) {
    let max = rows.iter().map(|r| r.1).fold(0.0, f64::max).max(1.0);
    let (label_w, bar_w, row_h) = (150.0, 300.0, 22.0);
    let height = rows.len() as f64 * row_h + 6.0;
    let _ = write!(
        h,
        "<figure><figcaption>{}</figcaption><svg role=\"img\" aria-label=\"{}\" width=\"100%\" \
         viewBox=\"0 0 {w} {height}\" xmlns=\"http://www.w3.org/2000/svg\">",
        esc(caption),
        esc(caption),
        w = label_w + bar_w + 90.0,
    );
    for (i, (label, value, class, tip)) in rows.iter().enumerate() {
        let y = i as f64 * row_h + 3.0;
        let w = (value / max * bar_w).max(if *value > 0.0 { 2.0 } else { 0.0 });
        let short: String = label.chars().take(22).collect();
        let _ = write!(
            h,
            "<g><title>{tip}</title><text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\">{label}</text>\
             <rect class=\"{class}\" x=\"{bx}\" y=\"{y}\" width=\"{w:.1}\" height=\"{bh}\" rx=\"3\"></rect>\
             <text x=\"{vx:.1}\" y=\"{ty}\">{value}</text></g>",
            tip = esc(tip),
            lx = label_w - 6.0,
            ty = y + 14.0,
            label = esc(&short),
            bx = label_w,
            bh = row_h - 6.0,
            vx = label_w + w + 6.0,
            value = num(*value),
        );
    }
    h.push_str("</svg></figure>\n");
}

fn density_chart(r: &Report, h: &mut String) {
    let range = r.thresholds.keyword_density;
    let edges = [0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, f64::INFINITY];
    let mut counts = vec![0usize; edges.len() - 1];
    let mut none = 0;
    for p in &r.pages {
        match p.density {
            None => none += 1,
            Some(d) => {
                let i = edges.windows(2).position(|e| d >= e[0] && d < e[1]).unwrap_or(0);
                counts[i] += 1;
            }
        }
    }
    let mut rows: Vec<(String, f64, &str, String)> = Vec::new();
    rows.push((
        "no keyword".into(),
        none as f64,
        "none",
        format!("{none} pages without a focus keyword"),
    ));
    for (i, c) in counts.iter().enumerate() {
        let (a, b) = (edges[i], edges[i + 1]);
        let label = if b.is_finite() {
            format!("{}–{} %", num(a), num(b))
        } else {
            format!("{} % and more", num(a))
        };
        let inside = in_range(&range, a, b);
        let tip = format!("{c} pages with a density of {label}");
        rows.push((label, *c as f64, if inside { "in" } else { "out" }, tip));
    }
    bars(
        &format!("Focus keyword density (pages; green = {})", range.describe_in("%")),
        &rows,
        h,
    );
}

/// Whether the bucket [a, b) lies inside the wanted range.
fn in_range(range: &Bounds, a: f64, b: f64) -> bool {
    range.min.is_none_or(|m| a >= m) && range.max.is_none_or(|m| b <= m + 1e-9)
}

fn coverage_chart(r: &Report, h: &mut String) {
    let Some(cov) = &r.coverage else {
        h.push_str(
            "<figure><figcaption>Keyword coverage</figcaption><p class=\"muted\">No keywords.yaml: \
             list your target keywords there to see which have a page.</p></figure>\n",
        );
        return;
    };
    let rows: Vec<(String, f64, &str, String)> = cov
        .targets
        .iter()
        .take(40)
        .map(|t| {
            let class = match t.status {
                Status::Covered => "covered",
                Status::Missing => "missing",
                Status::Split => "split",
                Status::Misplaced => "misplaced",
            };
            let tip = format!(
                "{}: {class}; focus of {} page(s), mentioned on {}",
                t.keyword,
                t.focus_pages.len(),
                t.mentioned_on
            );
            (t.keyword.clone(), t.mentioned_on as f64, class, tip)
        })
        .collect();
    bars(
        "Keyword coverage (pages mentioning each target; green covered, red missing, orange split, blue misplaced)",
        &rows,
        h,
    );
}

fn terms_chart(r: &Report, h: &mut String) {
    let rows: Vec<(String, f64, &str, String)> = r
        .terms
        .frequent
        .iter()
        .take(12)
        .map(|t| {
            (
                t.term.clone(),
                f64::from(t.count),
                "term",
                format!("{}: {} uses", t.term, t.count),
            )
        })
        .collect();
    if !rows.is_empty() {
        bars("Most frequent terms, site-wide", &rows, h);
    }
}

fn pages_table(report: &Report, by_page: &ByPage, h: &mut String) {
    let pages = &report.pages;
    h.push_str(
        "<h2>Pages</h2><div class=\"tools\"><input type=\"search\" placeholder=\"Filter pages\" \
         data-filter=\"pages\" aria-label=\"Filter pages\"></div>\n<div class=\"scroll\">\
         <table id=\"pages\" class=\"sortable\"><thead><tr>",
    );
    let cols: [(&str, &str, bool); 15] = [
        ("page", "Page", false),
        ("kind", "Kind", false),
        ("score", "Score", true),
        ("keyword", "Focus keyword", false),
        ("density", "Density %", true),
        ("words", "Words", true),
        ("title_px", "Title px", true),
        ("description", "Description", true),
        ("h1", "h1", true),
        ("links_in", "Links in", true),
        ("links_out", "Links out", true),
        ("errors", "Errors", true),
        ("warnings", "Warnings", true),
        ("notices", "Notices", true),
        ("suggested", "Suggested keywords", false),
    ];
    for (key, label, numeric) in cols {
        let t = if numeric { " data-type=\"num\"" } else { "" };
        let _ = write!(h, "<th data-key=\"{key}\"{t}>{label}</th>");
    }
    h.push_str("</tr></thead><tbody>\n");
    for p in pages {
        let n = |v: String| format!("<td class=\"n\">{v}</td>");
        let density = p.density.map_or(String::new(), num);
        let desc = p.description_length.map_or(String::new(), |d| d.to_string());
        let kw = p.focus_keyword.as_deref().unwrap_or("");
        let _ = write!(
            h,
            "<tr data-filterable {attrs}><td title=\"{path}\"><a href=\"#{anchor}\">{url}</a></td><td>{kind}</td>\
             <td class=\"n\" data-v=\"{score}\">{light}{score}</td><td>{kw}</td>{density}{words}{px}{desc}{h1}\
             {inl}{outl}{e}{w}{no}<td>{sugg}</td></tr>",
            attrs = page_attrs(report, by_page, p),
            anchor = anchor(&p.path),
            path = esc(&p.path),
            url = esc(&p.url),
            kind = p.kind.noun(),
            light = light(p.score),
            score = p.score,
            kw = esc(kw),
            density = n(density),
            words = n(p.words.to_string()),
            px = n(num(p.title_width)),
            desc = n(desc),
            h1 = if p.h1 == 1 {
                n("1".into())
            } else {
                format!("<td class=\"n bad\">{}</td>", p.h1)
            },
            inl = n(p.inbound_links.to_string()),
            outl = n((p.internal_links + p.outbound_links).to_string()),
            e = n(p.findings.error.to_string()),
            w = n(p.findings.warning.to_string()),
            no = n(p.findings.notice.to_string()),
            sugg = esc(&p.suggested_keywords.join(", ")),
        );
        h.push('\n');
    }
    h.push_str("</tbody></table></div>\n");
}

fn findings_table(r: &Report, h: &mut String) {
    let mut order: Vec<usize> = (0..r.findings.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(r.findings[i].level));
    let shown = order.len().min(MAX_FINDINGS);
    let _ = write!(
        h,
        "<h2>Findings</h2><p class=\"muted\">{} of {} findings, errors first; JSON, CSV and SARIF list all.</p>\
         <div class=\"tools\"><input type=\"search\" placeholder=\"Filter findings\" data-filter=\"findings\" \
         aria-label=\"Filter findings\"></div>\n<div class=\"scroll\"><table id=\"findings\" class=\"sortable\"><thead><tr>\
         <th data-key=\"level\">Level</th><th data-key=\"rule\">Rule</th><th data-key=\"where\">Where</th>\
         <th data-key=\"message\">Message and fix</th>{state_head}</tr></thead><tbody>\n",
        shown,
        r.findings.len(),
        state_head = if r.baseline.is_some() {
            "<th data-key=\"state\">Baseline</th>"
        } else {
            ""
        },
    );
    let langs: HashMap<&str, &str> = r.pages.iter().map(|p| (p.url.as_str(), lang(p))).collect();
    for &i in order.iter().take(shown) {
        let f = &r.findings[i];
        let rank = match f.level {
            Level::Error => 3,
            Level::Warning => 2,
            Level::Notice => 1,
        };
        let at = if f.line > 0 {
            format!("{}:{}", f.path, f.line)
        } else {
            f.path.to_string()
        };
        let help = f
            .help
            .as_deref()
            .map(|x| format!(" <span class=\"muted\">({})</span>", esc(x)));
        let _ = write!(
            h,
            "<tr data-filterable data-rule=\"{code}\" data-level=\"{lvl}\" data-lang=\"{lang}\" data-state=\"{state}\">\
             <td class=\"lvl {lvl}\" data-v=\"{rank}\">{lvl}</td><td title=\"{name}\">{code}</td><td>{at}</td>\
             <td>{msg}{help}</td>{state_cell}</tr>",
            lang = f.url.as_deref().and_then(|u| langs.get(u)).copied().unwrap_or(""),
            state = r.baseline.as_ref().map_or("", |b| b.state(i).name()),
            state_cell = r.baseline.as_ref().map_or(String::new(), |b| {
                let st = b.state(i).name();
                format!("<td><span class=\"state {st}\">{st}</span></td>")
            }),
            lvl = f.level.name(),
            name = f.name,
            code = f.rule,
            at = esc(&at),
            msg = esc(&f.message),
            help = help.unwrap_or_default(),
        );
        h.push('\n');
    }
    h.push_str("</tbody></table></div>\n");
}

/// The report's findings per page URL (indexes into `findings`).
struct ByPage(HashMap<String, Vec<usize>>, Vec<usize>);

fn findings_by_page(r: &Report) -> ByPage {
    let mut map: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, f) in r.findings.iter().enumerate() {
        if let Some(u) = &f.url {
            map.entry(u.to_string()).or_default().push(i);
        }
    }
    ByPage(map, Vec::new())
}

impl ByPage {
    fn of(&self, url: &str) -> &[usize] {
        self.0.get(url).map_or(&self.1[..], Vec::as_slice)
    }
}

/// `data-` attributes the filters read: the page's rules, levels, language
/// and baseline states (of its findings).
fn page_attrs(r: &Report, by_page: &ByPage, p: &PageReport) -> String {
    let mut rules: Vec<&str> = Vec::new();
    let mut levels: Vec<&str> = Vec::new();
    let mut states: Vec<&str> = Vec::new();
    for &i in by_page.of(&p.url) {
        let f = &r.findings[i];
        rules.push(f.rule);
        levels.push(f.level.name());
        if let Some(b) = &r.baseline {
            states.push(b.state(i).name());
        }
    }
    for v in [&mut rules, &mut levels, &mut states] {
        v.sort_unstable();
        v.dedup();
    }
    format!(
        "data-rule=\"{}\" data-level=\"{}\" data-lang=\"{}\" data-state=\"{}\"",
        rules.join(" "),
        levels.join(" "),
        lang(p),
        states.join(" ")
    )
}

/// `zh` for a page whose title or description is Chinese, else `other`.
fn lang(p: &PageReport) -> &'static str {
    if crate::audit::text::has_cjk(&p.seo_title) || crate::audit::text::has_cjk(&p.description) {
        "zh"
    } else {
        "other"
    }
}

/// An id for a page's drill-down.
fn anchor(path: &str) -> String {
    let mut id = String::from("p-");
    id.extend(path.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }));
    id
}

/// A traffic light (Yoast's colours) with its meaning for screen readers.
fn light(score: u32) -> String {
    let l = serp::light(score);
    format!("<span class=\"light {l}\" role=\"img\" aria-label=\"{l}\"></span>")
}

/// The filters: rule, level, language and (with a baseline) state.
fn toolbar(r: &Report, h: &mut String) {
    let mut rules: Vec<&str> = r.findings.iter().map(|f| f.rule).collect();
    rules.sort_unstable();
    rules.dedup();
    h.push_str("<h2>Filters</h2><div class=\"filters\">");
    let select = |h: &mut String, key: &str, label: &str, options: &[(&str, String)]| {
        let _ = write!(
            h,
            "<label>{label}<select data-f=\"{key}\"><option value=\"\">all</option>"
        );
        for (v, text) in options {
            let _ = write!(h, "<option value=\"{v}\">{}</option>", esc(text));
        }
        h.push_str("</select></label>");
    };
    let rule_opts: Vec<(&str, String)> = rules
        .iter()
        .map(|c| (*c, format!("{c} {}", crate::audit::rules::by_code(c).name)))
        .collect();
    select(h, "rule", "Rule", &rule_opts);
    let levels = [Level::Error, Level::Warning, Level::Notice].map(|l| (l.name(), l.name().to_string()));
    select(h, "level", "Level", &levels);
    select(
        h,
        "lang",
        "Language",
        &[("zh", "Chinese".to_string()), ("other", "other".to_string())],
    );
    if r.baseline.is_some() {
        select(
            h,
            "state",
            "Baseline",
            &[("new", "new".to_string()), ("unchanged", "unchanged".to_string())],
        );
    }
    h.push_str("</div>\n");
}

/// Pages in detail shown, worst first; the rest are in the table and the other formats.
const MAX_DETAILS: usize = 2000;

/// One `<details>` per page, worst score first: its result on Google and
/// Baidu, and each of its findings with the fix.
fn drilldown(r: &Report, by_page: &ByPage, h: &mut String) {
    let mut order: Vec<&PageReport> = r.pages.iter().collect();
    order.sort_by_key(|p| p.score);
    let shown = order.len().min(MAX_DETAILS);
    let _ = write!(
        h,
        "<h2>Pages in detail</h2><p class=\"muted\">{shown} of {} pages, lowest score first: each as a search \
         result would show it, and what to fix.</p>",
        order.len()
    );
    h.push('\n');
    for p in order.into_iter().take(shown) {
        let g = serp::google(&r.thresholds, &p.seo_title, &p.description);
        let b = serp::baidu(&r.thresholds, &p.seo_title, &p.description);
        let url = format!("{}{}", r.site.base_url, p.url);
        let _ = write!(
            h,
            "<details class=\"pg\" id=\"{id}\" data-filterable {attrs}><summary>{light}<b>{score}</b> {u} \
             <span class=\"muted\">{kind} · {e} errors, {w} warnings, {n} notices</span></summary>\
             <div class=\"serps\">{google}{baidu}</div>",
            id = anchor(&p.path),
            attrs = page_attrs(r, by_page, p),
            light = light(p.score),
            score = p.score,
            u = esc(&p.url),
            kind = p.kind.noun(),
            e = p.findings.error,
            w = p.findings.warning,
            n = p.findings.notice,
            google = snippet("google", "Google", &g, &url),
            baidu = snippet("baidu", "Baidu", &b, &url),
        );
        let mine = by_page.of(&p.url);
        if mine.is_empty() {
            h.push_str("<p class=\"muted\">Nothing to fix.</p>");
        } else {
            h.push_str("<ul>");
            for &i in mine {
                let f = &r.findings[i];
                let state = r.baseline.as_ref().map_or(String::new(), |b| {
                    let st = b.state(i).name();
                    format!(" <span class=\"state {st}\">{st}</span>")
                });
                let _ = write!(
                    h,
                    "<li><span class=\"lvl {lvl}\">{lvl}</span> {code} line {line}: {msg}{state}{fix}</li>",
                    lvl = f.level.name(),
                    code = f.rule,
                    line = f.line,
                    msg = esc(&f.message),
                    fix = f
                        .help
                        .as_deref()
                        .map(|x| format!("<br><span class=\"muted\">Fix: {}</span>", esc(x)))
                        .unwrap_or_default(),
                );
            }
            h.push_str("</ul>");
        }
        h.push_str("</details>\n");
    }
}

fn snippet(class: &str, engine: &str, s: &serp::Snippet, url: &str) -> String {
    format!(
        "<div class=\"serp {class}\"><div class=\"eng\">{engine}</div><div class=\"u\">{}</div>\
         <div class=\"t\">{}</div><div class=\"d\">{}</div></div>",
        esc(url),
        esc(&s.title),
        esc(&s.description)
    )
}

/// With a baseline: the findings it had that are gone.
fn fixed_table(r: &Report, h: &mut String) {
    let Some(b) = &r.baseline else { return };
    let _ = write!(
        h,
        "<h2>Fixed since the baseline</h2><p class=\"muted\">Against {}: {} new, {} unchanged, {} fixed.</p>\
         <div class=\"scroll\"><table id=\"fixed\"><thead><tr><th>Level</th><th>Rule</th><th>Where</th>\
         <th>Message</th></tr></thead><tbody>",
        esc(&b.file),
        b.new,
        b.unchanged,
        b.fixed.len()
    );
    h.push('\n');
    for e in &b.fixed {
        let _ = writeln!(
            h,
            "<tr><td class=\"lvl {lvl}\">{lvl}</td><td>{rule}</td><td>{path}:{line}</td><td>{msg}</td></tr>",
            lvl = esc(&e.level),
            rule = esc(&e.rule),
            path = esc(&e.path),
            line = e.line,
            msg = esc(&e.message),
        );
    }
    h.push_str("</tbody></table></div>\n");
}
