/* lanmu search: loads index shards on demand with <script> tags (works from
   a folder on disk too). Segmentation mirrors src/search.rs exactly. */
(function () {
  "use strict";
  var root = document.querySelector("[data-search-index]");
  if (!root) return;
  var base = root.getAttribute("data-search-index");
  // Result URLs are stored relative to the site root (the folder above search/).
  var siteRoot = new URL("../", new URL(base, location.href));
  function pageUrl(rel) {
    var u = new URL(rel, siteRoot).href;
    // Opened from a folder on disk: folders have no automatic index.html.
    return location.protocol === "file:" && /\/$/.test(u) ? u + "index.html" : u;
  }
  var form = root.querySelector("form");
  var input = root.querySelector("input[name=q]");
  var status = root.querySelector("[data-search-status]");
  var list = root.querySelector("[data-search-results]");
  var loaded = { m: {}, s: {}, d: {} };
  var waiting = {};

  window.lanmuSearchLoad = function (kind, n, data) {
    loaded[kind][n] = data;
    var key = kind + n;
    (waiting[key] || []).forEach(function (f) { f(data); });
    delete waiting[key];
  };

  function load(kind, n) {
    return new Promise(function (resolve, reject) {
      if (n in loaded[kind]) return resolve(loaded[kind][n]);
      var key = kind + n;
      if (waiting[key]) { waiting[key].push(resolve); return; }
      waiting[key] = [resolve];
      var s = document.createElement("script");
      s.src = base + (kind === "m" ? "meta.js" : kind + "/" + n + ".js");
      s.async = true;
      s.onerror = function () { delete waiting[key]; reject(new Error(s.src)); };
      document.head.appendChild(s);
    });
  }

  // --- segmentation (keep in step with src/search.rs) ---
  var CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}\u3005\u3007\u3021-\u3029\u3038-\u303b]/u;
  var ALNUM = /[\p{Alphabetic}\p{N}]/u;
  // Half-width forms are not wide characters (as in src/markdown/cjk.rs).
  function isCjk(ch) {
    var c = ch.codePointAt(0);
    return CJK.test(ch) && !(c >= 0xff61 && c <= 0xffdc) && !(c >= 0xffe8 && c <= 0xffee);
  }
  function fold(s) {
    var out = "";
    for (var ch of s) {
      var c = ch.codePointAt(0);
      if (c === 0x3000) out += " ";
      else if (c >= 0xff01 && c <= 0xff5e) out += String.fromCodePoint(c - 0xfee0);
      else out += ch;
    }
    return out.toLowerCase();
  }
  function runs(text) {
    var out = [], cur = "", curCjk = false;
    for (var ch of fold(text)) {
      var cls = ALNUM.test(ch) ? isCjk(ch) : null;
      if (cls === null) { if (cur) out.push([curCjk, cur]); cur = ""; continue; }
      if (cur && cls === curCjk) { cur += ch; continue; }
      if (cur) out.push([curCjk, cur]);
      curCjk = cls; cur = ch;
    }
    if (cur) out.push([curCjk, cur]);
    return out;
  }
  function bigrams(run) {
    var cs = Array.from(run), out = [];
    if (cs.length === 1) return cs;
    for (var i = 0; i + 1 < cs.length; i++) out.push(cs[i] + cs[i + 1]);
    return out;
  }
  function shardKey(t) {
    var first = Array.from(t)[0] || "";
    return isCjk(first) && ALNUM.test(first) ? t : Array.from(t).slice(0, 2).join("");
  }
  function fnv(s) {
    var h = 0x811c9dc5, bytes = new TextEncoder().encode(s);
    for (var i = 0; i < bytes.length; i++) { h ^= bytes[i]; h = Math.imul(h, 0x01000193) >>> 0; }
    return h >>> 0;
  }
  window.lanmuSegment = function (text) { return runs(text); };

  function postings(shard, term) {
    var arr = shard[term], m = new Map(), doc = 0;
    if (!arr) return m;
    for (var i = 0; i < arr.length; i += 2) { doc += arr[i]; m.set(doc, arr[i + 1]); }
    return m;
  }

  async function search(q) {
    var meta = await load("m", 0);
    var units = runs(q).filter(function (u) { return u[1].length > 0; });
    if (!units.length) return { hits: [], units: [] };
    var need = new Set();
    units.forEach(function (u) {
      var toks = u[0] ? bigrams(u[1]) : [u[1]];
      toks.forEach(function (t) { need.add(fnv(shardKey(t)) % meta.shards); });
    });
    var shards = {};
    await Promise.all(Array.from(need).map(function (n) {
      return load("s", n).then(function (d) { shards[n] = d; });
    }));
    var perUnit = units.map(function (u) {
      var scores = new Map();
      if (u[0]) {
        // A CJK run: every bigram must be present (close to a phrase match).
        var toks = bigrams(u[1]), first = true;
        toks.forEach(function (t) {
          var p = postings(shards[fnv(shardKey(t)) % meta.shards], t);
          if (first) { p.forEach(function (s, d) { scores.set(d, s); }); first = false; return; }
          scores.forEach(function (s, d) { if (p.has(d)) scores.set(d, s + p.get(d)); else scores.delete(d); });
        });
      } else {
        // A word: exact or prefix matches (the shard holds every word with its first two letters).
        var shard = shards[fnv(shardKey(u[1])) % meta.shards] || {};
        Object.keys(shard).forEach(function (term) {
          if (term === u[1] || (u[1].length >= 2 && term.indexOf(u[1]) === 0)) {
            var exact = term === u[1];
            postings(shard, term).forEach(function (s, d) {
              var v = exact ? s : Math.max(1, s >> 1);
              scores.set(d, Math.max(scores.get(d) || 0, v));
            });
          }
        });
      }
      return scores;
    });
    var combined = new Map(perUnit[0]);
    for (var k = 1; k < perUnit.length; k++) {
      combined.forEach(function (s, d) {
        if (perUnit[k].has(d)) combined.set(d, s + perUnit[k].get(d)); else combined.delete(d);
      });
    }
    if (!combined.size) {
      // Nothing has every word: rank documents that have some of them.
      perUnit.forEach(function (m) { m.forEach(function (s, d) { combined.set(d, (combined.get(d) || 0) + s); }); });
    }
    // Higher score first; documents are numbered newest first, so ties go to recent pages.
    var hits = Array.from(combined.entries()).sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
    return { hits: hits, units: units.map(function (u) { return u[1]; }), meta: meta };
  }

  function esc(s) {
    return s.replace(/[&<>"']/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]; });
  }
  function highlight(text, words) {
    var folded = fold(text), marks = [];
    words.forEach(function (w) {
      var i = folded.indexOf(w);
      while (w && i >= 0) { marks.push([i, i + w.length]); i = folded.indexOf(w, i + w.length); }
    });
    marks.sort(function (a, b) { return a[0] - b[0]; });
    var out = "", pos = 0;
    marks.forEach(function (m) {
      if (m[0] < pos) return;
      out += esc(text.slice(pos, m[0])) + "<mark>" + esc(text.slice(m[0], m[1])) + "</mark>";
      pos = m[1];
    });
    return out + esc(text.slice(pos));
  }
  function snippet(text, words) {
    var folded = fold(text), at = -1;
    words.forEach(function (w) { var i = folded.indexOf(w); if (i >= 0 && (at < 0 || i < at)) at = i; });
    var start = Math.max(0, at - 30), s = text.slice(start, start + 110);
    return (start > 0 ? "…" : "") + highlight(s, words) + (start + 110 < text.length ? "…" : "");
  }

  // Results are shown ten at a time: only the document chunks of shown
  // results are fetched, which keeps a query's download small.
  var PAGE = 10, current = null, shown = 0;
  async function showMore() {
    var r = current, top = r.hits.slice(shown, shown + PAGE);
    var chunks = new Set(top.map(function (h) { return Math.floor(h[0] / r.meta.doc_chunk); }));
    await Promise.all(Array.from(chunks).map(function (c) { return load("d", c); }));
    if (current !== r) return;
    top.forEach(function (h) {
      var rec = loaded.d[Math.floor(h[0] / r.meta.doc_chunk)][h[0] % r.meta.doc_chunk];
      var li = document.createElement("li");
      li.innerHTML = '<a href="' + esc(pageUrl(rec[1])) + '">' + highlight(rec[0], r.units) + "</a>" +
        '<p class="meta">' + esc(rec[2]) + " · " + esc(rec[3]) + "</p><p>" + snippet(rec[4], r.units) + "</p>";
      list.appendChild(li);
    });
    shown += top.length;
    var btn = root.querySelector("[data-search-more]");
    if (btn) btn.remove();
    if (shown < r.hits.length) {
      btn = document.createElement("button");
      btn.type = "button";
      btn.setAttribute("data-search-more", "");
      btn.textContent = root.getAttribute("data-label-more") || "More";
      btn.addEventListener("click", showMore);
      list.insertAdjacentElement("afterend", btn);
    }
  }

  async function run(q) {
    list.innerHTML = "";
    var old = root.querySelector("[data-search-more]");
    if (old) old.remove();
    current = null; shown = 0;
    if (!q.trim()) { status.textContent = ""; return; }
    status.textContent = root.getAttribute("data-label-searching") || "…";
    var r;
    try { r = await search(q); } catch (e) {
      status.textContent = root.getAttribute("data-label-error") || "Search index could not be loaded.";
      return;
    }
    current = r;
    status.textContent = (root.getAttribute("data-label-count") || "{n}").replace("{n}", r.hits.length);
    await showMore();
  }

  var params = new URLSearchParams(location.search);
  var q0 = params.get("q") || "";
  if (input) input.value = q0;
  if (q0) run(q0);
  if (form) form.addEventListener("submit", function (e) {
    e.preventDefault();
    var q = input.value;
    var url = new URL(location.href);
    url.searchParams.set("q", q);
    history.replaceState(null, "", url);
    run(q);
  });
})();
