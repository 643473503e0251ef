/* Site search for the Punchline default theme.
   Enhances <form role="search" data-index="..."> in the header: loads the
   JSON index named in data-index (a list of {title, url, kind, date, tags,
   category, summary}) and lists matches under the box. Without this script
   the form simply reloads the page with ?q=..., which this script also reads. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-index]");
  if (!form || !window.fetch || !window.DOMParser) return;
  var input = form.querySelector("input[name=q]");
  var box = form.parentNode.querySelector(".search-results");
  if (!input || !box) return;
  var status = box.querySelector(".search-status");
  var list = box.querySelector(".search-list");
  var MAX = 20;
  var loading = null;
  var timer = 0;

  function plain(s) {
    s = String(s || "");
    if (!/<[a-z\/!][^>]*>/i.test(s)) return s;
    return new DOMParser().parseFromString(s, "text/html").body.textContent || "";
  }
  function norm(s) {
    s = String(s || "");
    return (s.normalize ? s.normalize("NFKC") : s).toLowerCase();
  }
  function names(v) {
    if (!v) return [];
    if (!Array.isArray(v)) v = [v];
    return v.map(function (t) { return typeof t === "string" ? t : (t && t.name) || ""; });
  }
  function load() {
    if (!loading) {
      loading = fetch(form.getAttribute("data-index"))
        .then(function (r) { if (!r.ok) throw new Error("index"); return r.json(); })
        .then(function (data) {
          return (Array.isArray(data) ? data : []).map(function (d) {
            var summary = plain(d.summary).replace(/\s+/g, " ").trim();
            return {
              d: d,
              summary: summary,
              title: norm(d.title),
              rest: norm([summary, names(d.tags).join(" "), names(d.category).join(" ")].join(" "))
            };
          });
        });
      loading.catch(function () { loading = null; });
    }
    return loading;
  }
  function find(index, q) {
    var words = norm(q).split(/\s+/).filter(Boolean);
    var hits = [];
    index.forEach(function (e) {
      var score = 0;
      for (var i = 0; i < words.length; i++) {
        if (e.title.indexOf(words[i]) >= 0) score += 2;
        else if (e.rest.indexOf(words[i]) >= 0) score += 1;
        else return;
      }
      hits.push({ e: e, score: score });
    });
    hits.sort(function (a, b) {
      return b.score - a.score || String(b.e.d.date || "").localeCompare(String(a.e.d.date || ""));
    });
    return hits.map(function (h) { return h.e; });
  }
  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text) n.textContent = text;
    return n;
  }
  function show(q) {
    q = q.trim();
    if (!q) {
      list.hidden = true;
      list.textContent = "";
      status.textContent = "";
      return;
    }
    load().then(function (index) {
      if (input.value.trim() !== q) return;
      var hits = find(index, q);
      list.textContent = "";
      hits.slice(0, MAX).forEach(function (e) {
        var li = el("li");
        var a = el("a", "", e.d.title);
        a.href = e.d.url;
        li.appendChild(a);
        var meta = [e.d.kind, e.d.date].filter(Boolean).join(" · ");
        if (meta) li.appendChild(el("small", "", " " + meta));
        if (e.summary) {
          li.appendChild(el("p", "", e.summary.length > 140 ? e.summary.slice(0, 140) + "…" : e.summary));
        }
        list.appendChild(li);
      });
      list.hidden = hits.length === 0;
      status.textContent = hits.length === 0 ? "No results for “" + q + "”."
        : hits.length === 1 ? "1 result for “" + q + "”."
        : (hits.length > MAX ? "First " + MAX + " of " : "") + hits.length + " results for “" + q + "”.";
    }, function () {
      status.textContent = "Search is not available right now.";
    });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var q = input.value.trim();
    if (window.history && history.replaceState) {
      var url = new URL(window.location.href);
      if (q) url.searchParams.set("q", q); else url.searchParams.delete("q");
      history.replaceState(null, "", url.toString());
    }
    show(q);
  });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { show(input.value); }, 200);
  });
  input.addEventListener("focus", function () { load().catch(function () {}); }, { once: true });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && input.value) { input.value = ""; show(""); }
  });

  var start = new URLSearchParams(window.location.search).get("q");
  if (start) {
    input.value = start;
    show(start);
  }
})();
