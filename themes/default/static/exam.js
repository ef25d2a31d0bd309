/* lanmu practice sheets: answering, scoring, timer, "show answers", and a
   wrong-answer book (localStorage "lanmu-wrongbook") and study record
   ("lanmu-record"; pages read in "lanmu-visits"). Everything readable works
   without this script. practice.js reuses the sheet through window.lanmuExam. */
(function () {
  "use strict";
  var WB = "lanmu-wrongbook", REC = "lanmu-record", VIS = "lanmu-visits", MAX = 300;
  var en = /^en/i.test(document.documentElement.lang || "");
  var L = en ? {
    done: "Answered {a} of {n}", right: "Correct", wrong: "Wrong. Answer: ", blank: "Not answered. Answer: ",
    compare: "Compare with the reference answer below.", score: "Score", of: " / ", time: "Time used",
    shortNote: "Short answers ({s} points) are not scored: compare with the reference answers.",
    timeUp: "Time is up. The sheet was submitted.", wrongN: "{n} wrong answers were added to your wrong-answer book.",
    history: "Your results on this sheet", q: "Question {n}", none: "No wrong answers saved yet.",
    noRec: "No results yet.", clear: "Clear", confirm: "Clear the wrong-answer book?", remove: "Remove", t: "True", f: "False"
  } : {
    done: "已答 {a} / {n} 题", right: "回答正确", wrong: "回答错误，正确答案：", blank: "未作答，正确答案：",
    compare: "请对照下方参考答案自评。", score: "得分", of: " / ", time: "用时",
    shortNote: "简答题共 {s} 分不自动评分，请对照参考答案自评。",
    timeUp: "时间到，已自动交卷。", wrongN: "已将 {n} 道错题加入错题本。",
    history: "本页练习记录", q: "第 {n} 题", none: "错题本是空的。",
    noRec: "还没有练习记录。", clear: "清空", confirm: "确定清空错题本吗？", remove: "移除", t: "正确", f: "错误"
  };

  function load(k) {
    try { var v = JSON.parse(localStorage.getItem(k) || "[]"); return Array.isArray(v) ? v : []; } catch (e) { return []; }
  }
  function save(k, v) {
    try { localStorage.setItem(k, JSON.stringify(v.slice(-MAX))); } catch (e) { /* private mode or full */ }
  }
  function all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function one(sel, root) { return (root || document).querySelector(sel); }
  function fill(s, o) { return s.replace(/\{(\w+)\}/g, function (_, k) { return o[k]; }); }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function clock(s) { return pad(Math.floor(s / 60)) + ":" + pad(s % 60); }
  function today() { var d = new Date(); return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()); }
  function words(el) { return el ? el.textContent.replace(/\s+/g, " ").trim() : ""; }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text != null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function num(x) { return Math.round(x * 100) / 100; }
  // Stored keys are absolute folder paths however the page wrote them (relative links, file://).
  function norm(u) { try { return new URL(u, location.href).pathname.replace(/index\.html$/, ""); } catch (e) { return u; } }
  function link(u) { return location.protocol === "file:" && /\/$/.test(u) ? u + "index.html" : u; }
  function shown(q, v) {
    if (q.getAttribute("data-type") === "judge") return v === "true" ? L.t : v === "false" ? L.f : "";
    return v;
  }

  function sheet(form) {
    var qs = all("[data-question]", form);
    var url = norm(form.getAttribute("data-url") || location.pathname);
    var title = form.getAttribute("data-title") || document.title;
    var limit = (parseInt(form.getAttribute("data-time-limit"), 10) || 0) * 60;
    var shortScore = parseFloat(form.getAttribute("data-short-score")) || 0;
    var timerEl = one("[data-timer]", form), progressEl = one("[data-progress]", form);
    var scoreBox = one("[data-score-box]", form), historyBox = one("[data-history]", form);
    var submitBtn = one("[data-submit]", form), toggle = one("[data-show-answers]", form);
    var started = 0, ticking = 0, graded = false;

    all("[data-js]", form).forEach(function (e) { e.hidden = false; });

    function given(q) {
      if (q.getAttribute("data-type") === "short") {
        var t = one("textarea", q);
        return t ? t.value.trim() : "";
      }
      return all("input:checked", q).map(function (i) { return i.value; }).sort().join("");
    }
    function elapsed() { return started ? Math.floor((Date.now() - started) / 1000) : 0; }
    function tick() {
      if (!timerEl) return;
      var left = Math.max(0, limit - elapsed());
      timerEl.textContent = clock(left);
      timerEl.parentNode.classList.toggle("is-low", left < 60);
      if (left === 0 && !graded) grade(true);
    }
    function start() {
      if (started || graded) return;
      started = Date.now();
      if (limit && timerEl) ticking = setInterval(tick, 1000);
    }
    function stop() { clearInterval(ticking); ticking = 0; }
    function progress() {
      if (!progressEl) return;
      var a = qs.filter(function (q) { return given(q) !== ""; }).length;
      progressEl.textContent = fill(L.done, { a: a, n: qs.length });
    }

    function grade(auto) {
      stop();
      graded = true;
      var got = 0, total = 0, wrong = [];
      var book = load(WB);
      qs.forEach(function (q, i) {
        var type = q.getAttribute("data-type"), answer = q.getAttribute("data-answer") || "";
        var score = parseFloat(q.getAttribute("data-score")) || 0, mine = given(q);
        var result = one("[data-result]", q), box = one("[data-answer-box]", q);
        var stem = words(one(".k-q-stem", q));
        // Questions drawn from other pages (practice, wrong-answer book) keep their page's key.
        var qurl = q.hasAttribute("data-url") ? norm(q.getAttribute("data-url")) : url, qtitle = q.getAttribute("data-title") || title;
        var qi = q.hasAttribute("data-index") ? parseInt(q.getAttribute("data-index"), 10) : i;
        var key = function (e) { return !(e && e.url === qurl && e.index === qi); };
        q.classList.add("is-graded");
        all("input", q).forEach(function (inp) { inp.parentNode.classList.toggle("is-chosen", inp.checked); });
        if (box) box.open = true;
        if (type === "short") {
          result.textContent = L.compare;
          return;
        }
        total += score;
        var ok = mine === answer;
        q.classList.toggle("is-right", ok);
        q.classList.toggle("is-wrong", !ok);
        result.textContent = ok ? L.right : (mine ? L.wrong : L.blank) + shown(q, answer);
        book = book.filter(key);
        if (ok) {
          got += score;
        } else {
          wrong.push(i);
          book.push({
            url: qurl, title: qtitle, index: qi, number: qi + 1, type: type, stem: stem.slice(0, 300),
            answer: shown(q, answer), yours: shown(q, mine), date: today()
          });
        }
      });
      save(WB, book);
      var secs = elapsed();
      if (!form.hasAttribute("data-no-record")) {
        var rec = load(REC);
        rec.push({ url: url, title: title, score: num(got), total: num(total), percent: total ? Math.round(got * 100 / total) : 0, date: today(), seconds: secs, wrong: wrong.length });
        save(REC, rec);
      }

      scoreBox.textContent = "";
      var p = el("p");
      p.appendChild(document.createTextNode(L.score + " "));
      p.appendChild(el("strong", String(num(got))));
      p.appendChild(document.createTextNode(L.of + num(total) + (started ? " · " + L.time + " " + clock(secs) : "")));
      scoreBox.appendChild(p);
      if (auto) scoreBox.appendChild(el("p", L.timeUp));
      if (wrong.length) scoreBox.appendChild(el("p", fill(L.wrongN, { n: wrong.length })));
      if (shortScore) scoreBox.appendChild(el("p", fill(L.shortNote, { s: num(shortScore) })));
      scoreBox.hidden = false;
      if (submitBtn) submitBtn.disabled = true;
      history();
      scoreBox.scrollIntoView({ block: "nearest" });
      form.dispatchEvent(new CustomEvent("lanmu-graded", { detail: { score: got, total: total, wrong: wrong.length } }));
    }

    function history() {
      var mine = load(REC).filter(function (r) { return r && r.url === url; }).slice(-5).reverse();
      historyBox.textContent = "";
      if (!mine.length) { historyBox.hidden = true; return; }
      historyBox.appendChild(el("p", L.history));
      var ol = el("ol");
      mine.forEach(function (r) {
        ol.appendChild(el("li", r.date + " · " + L.score + " " + r.score + L.of + r.total + (r.seconds ? " · " + L.time + " " + clock(r.seconds) : "")));
      });
      historyBox.appendChild(ol);
      historyBox.hidden = false;
    }

    function reset() {
      stop();
      started = 0;
      graded = false;
      qs.forEach(function (q) {
        q.classList.remove("is-graded", "is-right", "is-wrong");
        all(".is-chosen", q).forEach(function (e) { e.classList.remove("is-chosen"); });
        one("[data-result]", q).textContent = "";
        var box = one("[data-answer-box]", q);
        if (box) box.open = !!(toggle && toggle.checked);
      });
      scoreBox.hidden = true;
      if (submitBtn) submitBtn.disabled = false;
      if (timerEl) { timerEl.textContent = clock(limit); timerEl.parentNode.classList.remove("is-low"); }
      progress();
    }

    form.addEventListener("change", function (e) {
      if (e.target === toggle) return;
      start();
      progress();
    });
    form.addEventListener("input", function (e) { if (e.target.tagName === "TEXTAREA") { start(); progress(); } });
    form.addEventListener("submit", function (e) { e.preventDefault(); if (!graded) grade(false); });
    form.addEventListener("reset", function () { setTimeout(reset, 0); });
    if (toggle) {
      toggle.addEventListener("change", function () {
        form.classList.toggle("is-show", toggle.checked);
        all("[data-answer-box]", form).forEach(function (d) { d.open = toggle.checked || graded; });
      });
    }
    progress();
    history();
  }

  function wrongbook(box) {
    var home = norm(box.getAttribute("data-root") || box.getAttribute("data-home") || "/");
    var mine = function (e) { return e && typeof e.url === "string" && e.url.indexOf(home) === 0; };
    var wbEl = one("[data-wrongbook]", box), recEl = one("[data-records]", box);
    function render() {
      var book = load(WB).filter(mine), recs = load(REC).filter(mine).slice(-10).reverse();
      box.hidden = !book.length && !recs.length;
      wbEl.textContent = "";
      recEl.textContent = "";
      if (!book.length) {
        wbEl.appendChild(el("p", L.none));
      } else {
        var ol = el("ol");
        book.slice().reverse().forEach(function (e) {
          var li = el("li"), a = el("a", e.title + " · " + fill(L.q, { n: e.index + 1 }));
          a.href = link(e.url) + "#question-" + (e.index + 1);
          li.appendChild(a);
          var rm = el("button", L.remove, "k-btn");
          rm.type = "button";
          rm.style.marginLeft = ".6em";
          rm.addEventListener("click", function () {
            save(WB, load(WB).filter(function (x) { return !(x && x.url === e.url && x.index === e.index); }));
            render();
          });
          li.appendChild(rm);
          li.appendChild(el("span", e.stem, "k-stem"));
          ol.appendChild(li);
        });
        wbEl.appendChild(ol);
        var clear = el("button", L.clear, "k-btn");
        clear.type = "button";
        clear.addEventListener("click", function () {
          if (window.confirm(L.confirm)) { save(WB, load(WB).filter(function (e) { return !mine(e); })); render(); }
        });
        wbEl.appendChild(clear);
      }
      if (!recs.length) {
        recEl.appendChild(el("p", L.noRec));
      } else {
        var rl = el("ol");
        recs.forEach(function (r) {
          var li = el("li"), a = el("a", r.title);
          a.href = link(r.url);
          li.appendChild(document.createTextNode(r.date + " · "));
          li.appendChild(a);
          li.appendChild(document.createTextNode(" · " + L.score + " " + r.score + L.of + r.total));
          rl.appendChild(li);
        });
        recEl.appendChild(rl);
      }
    }
    render();
  }

  // Pages read, for the study record page: {url, title, date, n}, most recent last.
  function visit(url, title) {
    var seen = load(VIS), n = 0;
    seen = seen.filter(function (e) { if (e && e.url === url) { n = e.n || 1; return false; } return !!e; });
    seen.push({ url: url, title: title, date: today(), n: n + 1 });
    save(VIS, seen);
  }

  window.lanmuExam = { sheet: sheet, load: load, save: save, visit: visit, norm: norm, link: link, clock: clock, en: en };
  var form = document.getElementById("k-exam");
  if (form) {
    sheet(form);
    visit(norm(form.getAttribute("data-url") || location.pathname), form.getAttribute("data-title") || document.title);
  }
  var box = document.getElementById("k-wrongbook");
  if (box) wrongbook(box);
})();
