/* Site search for the Punchline default theme.
   Enhances the search form in the header: fetches the index named in
   data-index the first time the box is used (never before), and shows the
   best matches in a panel over the page as the reader types. The index
   format is described in punchline's src/output/search.rs.
   A query word matches an indexed word that is the same, that starts with
   it (as you type), or, for words of five letters or more, that is one
   typo away; Chinese is split into the index's own words. Every query word
   must match. Ranking: title, then tags and category, then body, newest
   first among equals. Matched words are highlighted. Messages come from
   the data-* attributes of div.search (partials/search.html). */
(function () {
  "use strict";
  var box = document.querySelector(".search");
  var form = box && box.querySelector("form[data-index]");
  if (!form || !window.fetch || !window.Map) return;
  var input = form.querySelector("input[name=q]");
  var panel = box.querySelector(".search-results");
  var status = panel.querySelector(".search-status");
  var list = panel.querySelector(".search-list");
  var MAX = 10;
  var WEIGHT = [0, 1, 4, 10];
  var MORE = "0123456789ABCDEFGHIJKLMNOPQRSTUV";
  var LAST = "abcdefghijklmnopqrstuvwxyz!#$%&(";
  var CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]|[\ud840-\ud87e][\udc00-\udfff]/;
  var LETTER = /[\p{L}\p{N}]/u;
  var loading = null;
  var timer = 0;

  function text(name, q, n, m) {
    return (box.getAttribute("data-" + name) || "").replace("%q", q).replace("%n", n).replace("%m", m);
  }
  function load() {
    if (!loading) {
      loading = fetch(form.getAttribute("data-index"))
        .then(function (r) { if (!r.ok) throw new Error("index " + r.status); return r.json(); })
        .then(function (ix) {
          var at = new Map();
          ix.terms.forEach(function (t, i) { at.set(t, i); });
          return { docs: ix.docs, terms: ix.terms, post: ix.post, at: at, cache: new Map() };
        });
      loading.catch(function () { loading = null; });
    }
    return loading;
  }
  /* A term's postings as a flat list: doc, field, doc, field... */
  function postings(ix, i) {
    var out = ix.cache.get(i);
    if (out) return out;
    out = [];
    var s = ix.post[i], n = 0, doc = -1;
    for (var k = 0; k < s.length; k++) {
      var c = s.charAt(k), d = MORE.indexOf(c);
      if (d >= 0) { n = n * 32 + d; continue; }
      n = n * 32 + LAST.indexOf(c);
      doc += Math.floor(n / 4);
      out.push(doc, n % 4);
      n = 0;
    }
    ix.cache.set(i, out);
    return out;
  }
  /* The query's words, split as the index splits text. */
  function words(q) {
    q = (q.normalize ? q.normalize("NFKC") : q).toLowerCase().replace(/['\u2019\u2018\u02bc]/g, "");
    var out = [], word = "", run = "";
    function flush() {
      if (word) out.push({ w: word });
      if (run) out.push({ w: run, cjk: true });
      word = run = "";
    }
    Array.from(q).forEach(function (ch) {
      if (CJK.test(ch)) { if (word) { out.push({ w: word }); word = ""; } run += ch; }
      else if (LETTER.test(ch)) { if (run) { out.push({ w: run, cjk: true }); run = ""; } word += ch; }
      else flush();
    });
    flush();
    return out;
  }
  /* A run of Chinese as the index's words: longest known word first. */
  function segment(ix, run) {
    var chars = Array.from(run), out = [];
    for (var i = 0; i < chars.length;) {
      var len = Math.min(6, chars.length - i);
      while (len > 1 && !ix.at.has(chars.slice(i, i + len).join(""))) len--;
      var w = chars.slice(i, i + len).join("");
      i += len;
      // Skip single characters the index leaves out (的, 了...), but not
      // the last one: it may be the start of a word being typed.
      if (len > 1 || ix.at.has(w) || i === chars.length) out.push({ w: w, cjk: true });
    }
    return out;
  }
  function firstAtLeast(terms, w) {
    var lo = 0, hi = terms.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (terms[mid] < w) lo = mid + 1; else hi = mid; }
    return lo;
  }
  /* Whether a and b are one edit apart (a letter changed, added, dropped,
     or two neighbours swapped). */
  function oneEdit(a, b) {
    if (a === b) return false;
    if (a.length === b.length) {
      var i = 0;
      while (a[i] === b[i]) i++;
      if (a.slice(i + 1) === b.slice(i + 1)) return true;
      return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
    }
    if (a.length > b.length) { var t = a; a = b; b = t; }
    if (b.length - a.length !== 1) return false;
    var j = 0;
    while (j < a.length && a[j] === b[j]) j++;
    return a.slice(j) === b.slice(j + 1);
  }
  /* Indexed words a query word matches, each with how well: [term, quality]. */
  function candidates(ix, q) {
    var out = [], exact = ix.at.get(q.w), len = Array.from(q.w).length;
    if (exact !== undefined) out.push([exact, 1]);
    if (len >= 2 || q.cjk) {
      for (var k = firstAtLeast(ix.terms, q.w); k < ix.terms.length && out.length < 80; k++) {
        if (ix.terms[k].lastIndexOf(q.w, 0) !== 0) break;
        if (k !== exact) out.push([k, 0.7]);
      }
    }
    if (len >= 5 && !q.cjk) {
      for (var i = 0; i < ix.terms.length; i++) {
        var t = ix.terms[i];
        if (i !== exact && Math.abs(t.length - q.w.length) <= 1 && oneEdit(q.w, t)) out.push([i, 0.5]);
      }
    }
    return out;
  }
  /* Ranked hits: [{doc, score, terms}]. */
  function find(ix, q) {
    var query = [];
    words(q).forEach(function (w) { query = query.concat(w.cjk ? segment(ix, w.w) : [w]); });
    if (!query.length) return [];
    var total = null;
    for (var n = 0; n < query.length; n++) {
      var best = new Map();
      candidates(ix, query[n]).forEach(function (c) {
        var p = postings(ix, c[0]);
        for (var k = 0; k < p.length; k += 2) {
          var s = WEIGHT[p[k + 1]] * c[1], had = best.get(p[k]);
          if (!had || had.s < s) best.set(p[k], { s: s, t: ix.terms[c[0]] });
        }
      });
      var next = new Map();
      best.forEach(function (b, d) {
        if (total === null) next.set(d, { doc: d, score: b.s, terms: [b.t] });
        else {
          var h = total.get(d);
          if (h) { h.score += b.s; h.terms.push(b.t); next.set(d, h); }
        }
      });
      total = next;
      if (!total.size) return [];
    }
    var hits = Array.from(total.values());
    hits.sort(function (a, b) {
      return b.score - a.score || String(ix.docs[b.doc][3]).localeCompare(String(ix.docs[a.doc][3])) || a.doc - b.doc;
    });
    return hits;
  }
  function escape(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }
  /* A regular expression finding the matched words in shown text. */
  function marker(terms) {
    var parts = terms.slice().sort(function (a, b) { return b.length - a.length; }).map(function (t) {
      return CJK.test(t) ? escape(t) : "(?<![\\p{L}\\p{N}])" + escape(t);
    });
    try { return new RegExp(parts.join("|"), "giu"); } catch (e) { return null; }
  }
  /* Appends `s` to `el`, with the words `re` finds in <mark>. */
  function marked(el, s, re) {
    var at = 0, m;
    if (re) {
      re.lastIndex = 0;
      while ((m = re.exec(s)) && m[0]) {
        el.appendChild(document.createTextNode(s.slice(at, m.index)));
        var mk = document.createElement("mark");
        mk.textContent = m[0];
        el.appendChild(mk);
        at = m.index + m[0].length;
      }
    }
    el.appendChild(document.createTextNode(s.slice(at)));
    return el;
  }
  function el(tag, cls) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    return n;
  }
  function open(yes) {
    panel.classList.toggle("open", yes);
  }
  function show(q) {
    q = q.trim();
    if (!q) { list.hidden = true; list.textContent = ""; status.textContent = ""; open(false); return; }
    load().then(function (ix) {
      if (input.value.trim() !== q) return;
      var hits = find(ix, q);
      list.textContent = "";
      hits.slice(0, MAX).forEach(function (h) {
        var d = ix.docs[h.doc], re = marker(h.terms);
        var li = el("li"), a = marked(el("a"), d[0], re);
        a.href = d[1];
        li.appendChild(a);
        var meta = el("span", "hit-meta"), time = el("time");
        time.setAttribute("datetime", d[3]);
        time.textContent = d[4];
        meta.textContent = (box.getAttribute("data-" + d[2]) || d[2]) + " · ";
        meta.appendChild(time);
        li.appendChild(meta);
        if (d[5]) li.appendChild(marked(el("p"), d[5], re));
        var shown = (d[0] + " " + d[5]).toLowerCase();
        var hidden = h.terms.filter(function (t, i, all) { return all.indexOf(t) === i && shown.indexOf(t) < 0; });
        if (hidden.length) {
          var also = el("p", "hit-also");
          also.textContent = text("also") + " ";
          hidden.forEach(function (t, i) {
            if (i) also.appendChild(document.createTextNode(", "));
            marked(also, t, marker([t]));
          });
          li.appendChild(also);
        }
        list.appendChild(li);
      });
      list.hidden = hits.length === 0;
      status.textContent = hits.length === 0 ? text("none", q)
        : hits.length === 1 ? text("one", q)
        : hits.length > MAX ? text("first", q, hits.length, MAX) : text("many", q, hits.length);
      open(true);
    }, function () {
      status.textContent = text("error", q);
      open(true);
    });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    clearTimeout(timer);
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
    timer = setTimeout(function () { show(input.value); }, 120);
  });
  input.addEventListener("focus", function () {
    load().catch(function () {});
    if (input.value.trim() && list.childNodes.length) open(true);
  });
  box.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && panel.classList.contains("open")) { input.focus(); open(false); return; }
    if (ev.key !== "ArrowDown" && ev.key !== "ArrowUp") return;
    var links = Array.prototype.slice.call(list.querySelectorAll("a"));
    if (!links.length || !panel.classList.contains("open")) return;
    var i = links.indexOf(document.activeElement);
    var next = ev.key === "ArrowDown" ? (i < 0 ? 0 : Math.min(i + 1, links.length - 1)) : i - 1;
    ev.preventDefault();
    if (next < 0) input.focus(); else links[next].focus();
  });
  document.addEventListener("click", function (ev) { if (!box.contains(ev.target)) open(false); });
  box.addEventListener("focusout", function (ev) { if (ev.relatedTarget && !box.contains(ev.relatedTarget)) open(false); });

  var start = new URLSearchParams(window.location.search).get("q");
  if (start) {
    input.value = start;
    show(start);
  }
})();
