/* lanmu exam column tools: whole-bank practice, the wrong-answer book and the
   study record. Questions come from the column's bank (practice/bank.js sets
   window.lanmuBank); answering and scoring are exam.js's (window.lanmuExam).
   Everything is kept in this browser's localStorage only. */
(function () {
  "use strict";
  var X = window.lanmuExam, B = window.lanmuBank;
  if (!X) return;
  var WB = "lanmu-wrongbook", REC = "lanmu-record", VIS = "lanmu-visits";
  var L = X.en ? {
    matched: "{n} questions match.", none: "No question matches: choose fewer conditions.",
    sheet: "Questions ({n})", from: "From ", qn: ", question {n}", score: "pts", answer: "Answer", ref: "Reference answer",
    explain: "Explanation", show: "Show answer and explanation", showAll: "Show answers", submit: "Submit", check: "Check my answers",
    reset: "Start again", yours: "Your answer", t: "True", f: "False", count: "{n} wrong answers in the book.",
    empty: "Your wrong-answer book for this column is empty.", after: "{r} right: removed from the book. {n} left.",
    again: "Retry the rest", gone: "These questions were changed or removed from the site:", remove: "Remove",
    confirm: "Clear the wrong-answer book of this column?", confirmRec: "Clear your scores and pages read?",
    noScores: "No results yet: practise a question set and submit it.", noPages: "No pages recorded yet.",
    date: "Date", set: "Practice", got: "Score", pct: "Correct", time: "Time", times: "read {n} times", all: "All",
    scoresCap: "Your results, newest first"
  } : {
    matched: "符合条件的题目有 {n} 道。", none: "没有符合条件的题目，请减少筛选条件。",
    sheet: "练习题（共 {n} 题）", from: "出自《", qn: "》第 {n} 题", score: "分", answer: "答案", ref: "参考答案",
    explain: "解析", show: "查看答案与解析", showAll: "显示答案", submit: "交卷评分", check: "检查答案",
    reset: "重新作答", yours: "你的答案", t: "正确", f: "错误", count: "错题本中有 {n} 道题。",
    empty: "本栏目的错题本是空的。", after: "答对 {r} 题，已从错题本移除；还剩 {n} 题。",
    again: "重做剩下的错题", gone: "以下题目在网站上已修改或删除：", remove: "移除",
    confirm: "确定清空本栏目的错题本吗？", confirmRec: "确定清空练习成绩和阅读记录吗？",
    noScores: "还没有练习成绩：做一套题并交卷后会记录在这里。", noPages: "还没有阅读记录。",
    date: "日期", set: "练习", got: "得分", pct: "正确率", time: "用时", times: "读过 {n} 次", all: "全部",
    scoresCap: "练习成绩，最近的在前"
  };

  function one(sel, root) { return (root || document).querySelector(sel); }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text != null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function html(tag, inner, cls) { var e = el(tag, null, cls); e.innerHTML = inner || ""; return e; }
  function fill(s, o) { return s.replace(/\{(\w+)\}/g, function (_, k) { return o[k]; }); }
  function attr(e, o) { for (var k in o) e.setAttribute(k, o[k]); return e; }
  var uid = 0;
  /* Bank URLs are root-relative (`/dangjian/…`); resolve them from where bank.js was
     loaded, so keys match exam.js's under relative links and from file:// too. */
  var bankEl = document.querySelector("script[src$='bank.js']"), root = null;
  if (B && bankEl && B.column.url.indexOf(B.base) === 0) {
    var tail = B.column.url.slice(B.base.length) + "practice/bank.js", src = bankEl.src;
    if (src.slice(-tail.length) === tail) root = src.slice(0, src.length - tail.length);
  }
  function abs(u) { return X.norm(root != null && u.indexOf(B.base) === 0 ? root + u.slice(B.base.length) : u); }
  if (B) B.pages.forEach(function (p) { p.key = abs(p.url); });

  /* A sheet like page-exam.html's, from bank questions; exam.js grades it. */
  function sheet(qs, opt) {
    var n = ++uid, short = 0;
    var form = attr(el("form", null, "k-exam"), {
      "data-url": opt.url, "data-title": opt.title, "data-time-limit": "0", novalidate: "", "aria-labelledby": "k-sheet-" + n
    });
    if (opt.noRecord) form.setAttribute("data-no-record", "");
    form.appendChild(attr(el("h2", fill(L.sheet, { n: qs.length }), "k-exam-title"), { id: "k-sheet-" + n, tabindex: "-1" }));
    var bar = attr(el("div", null, "k-exam-bar"), { "data-js": "" });
    bar.hidden = true;
    bar.appendChild(attr(el("p", null, "k-progress"), { "data-progress": "", "aria-live": "polite" }));
    var sw = el("label", null, "k-switch");
    sw.appendChild(attr(el("input"), { type: "checkbox", "data-show-answers": "" }));
    sw.appendChild(document.createTextNode(" " + L.showAll));
    bar.appendChild(sw);
    form.appendChild(bar);
    var ol = el("ol", null, "k-questions");
    qs.forEach(function (q, k) {
      var page = B.pages[q.page], id = "k-s" + n + "-q" + (k + 1), name = "s" + n + "q" + (k + 1);
      if (q.type === "short") short += Number(q.score) || 0;
      var li = attr(el("li", null, "k-q"), {
        id: id, "data-question": k + 1, "data-type": q.type, "data-answer": q.answer, "data-score": q.score,
        "data-url": page.key, "data-title": page.title, "data-index": q.index
      });
      var head = el("p", null, "k-q-head");
      head.appendChild(el("span", String(k + 1), "k-q-no"));
      head.appendChild(el("span", q.type_label, "k-chip"));
      head.appendChild(el("span", q.score + " " + L.score, "k-q-score"));
      li.appendChild(head);
      li.appendChild(attr(html("div", q.stem_html, "k-q-stem"), { id: id + "-stem" }));
      var from = el("p", null, "k-q-from");
      var a = el("a", page.title);
      a.href = X.link(page.key) + "#question-" + q.number;
      from.appendChild(document.createTextNode(L.from));
      from.appendChild(a);
      from.appendChild(document.createTextNode(fill(L.qn, { n: q.number })));
      if (q.type === "short") {
        var lab = el("label", null, "k-short");
        lab.appendChild(el("span", L.yours, "k-vh"));
        lab.appendChild(attr(el("textarea"), { name: name, rows: "4" }));
        li.appendChild(lab);
      } else {
        var fs = attr(el("fieldset", null, "k-options" + (q.type === "judge" ? " k-judge" : "")), { "aria-labelledby": id + "-stem" });
        fs.appendChild(el("legend", q.type_label, "k-vh"));
        var opts = q.type === "judge"
          ? [{ letter: "true", mark: "✓", text: L.t }, { letter: "false", mark: "✗", text: L.f }]
          : q.options.map(function (o) { return { letter: o.letter, mark: o.letter, html: o.html }; });
        opts.forEach(function (o) {
          var l = el("label", null, "k-opt");
          if (q.answer.indexOf(o.letter) >= 0 && (q.type !== "judge" || q.answer === o.letter)) l.setAttribute("data-correct", "");
          l.appendChild(attr(el("input"), { type: q.type === "multiple" ? "checkbox" : "radio", name: name, value: o.letter }));
          var m = el("span", o.mark, "k-opt-letter");
          if (q.type === "judge") m.setAttribute("aria-hidden", "true");
          l.appendChild(m);
          l.appendChild(o.html != null ? html("span", o.html, "k-opt-text") : el("span", o.text, "k-opt-text"));
          fs.appendChild(l);
        });
        li.appendChild(fs);
      }
      li.appendChild(attr(el("p", null, "k-q-result"), { "data-result": "", "aria-live": "polite" }));
      var box = attr(el("details", null, "k-answer"), { "data-answer-box": "" });
      box.appendChild(el("summary", L.show));
      if (q.type === "short") {
        var ref = el("div", null, "k-ref");
        ref.appendChild(el("p", L.ref, "k-answer-label"));
        ref.appendChild(html("div", q.answer_html || "—"));
        box.appendChild(ref);
      } else {
        var key = el("p", L.answer + (X.en ? ": " : "："), "k-key");
        key.appendChild(el("strong", q.answer_display));
        box.appendChild(key);
      }
      if (q.explanation_html) {
        var ex = el("div", null, "k-explain");
        ex.appendChild(el("p", L.explain, "k-answer-label"));
        ex.appendChild(html("div", q.explanation_html));
        box.appendChild(ex);
      }
      box.appendChild(from);
      li.appendChild(box);
      ol.appendChild(li);
    });
    form.appendChild(ol);
    form.setAttribute("data-short-score", String(short));
    var act = attr(el("div", null, "k-exam-actions"), { "data-js": "" });
    act.hidden = true;
    act.appendChild(attr(el("button", opt.submit || L.submit, "k-btn k-btn-primary"), { type: "submit", "data-submit": "" }));
    act.appendChild(attr(el("button", L.reset, "k-btn"), { type: "reset" }));
    form.appendChild(act);
    var score = attr(el("div", null, "k-exam-score"), { "data-score-box": "", role: "status", "aria-live": "polite" });
    score.hidden = true;
    form.appendChild(score);
    var hist = attr(el("div", null, "k-history"), { "data-history": "" });
    hist.hidden = true;
    form.appendChild(hist);
    return form;
  }

  function show(box, form) {
    box.textContent = "";
    box.appendChild(form);
    X.sheet(form);
  }

  function shuffle(a) {
    for (var i = a.length - 1; i > 0; i--) {
      var j = Math.floor(Math.random() * (i + 1)), t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  function practice(f) {
    var out = one("[data-practice-sheet]"), status = one("[data-matched]", f), count = f.elements.count;
    f.hidden = false;
    function want() {
      return { type: f.elements.type.value, year: f.elements.year.value, tag: f.elements.tag.value };
    }
    function matching() {
      var w = want();
      return B.questions.filter(function (q) {
        var p = B.pages[q.page];
        return (!w.type || p.exam_type === w.type) && (!w.year || String(p.year) === w.year) &&
          (!w.tag || p.tags.indexOf(w.tag) >= 0);
      });
    }
    function update() {
      var n = matching().length;
      status.textContent = n ? fill(L.matched, { n: n }) : L.none;
      count.max = String(Math.max(n, 1));
    }
    f.addEventListener("change", update);
    f.addEventListener("submit", function (e) {
      e.preventDefault();
      var qs = matching();
      if (!qs.length) { update(); return; }
      if (f.elements.random.checked) qs = shuffle(qs.slice());
      qs = qs.slice(0, Math.max(1, parseInt(count.value, 10) || 10));
      var w = want(), what = [w.type, w.year, w.tag].filter(Boolean);
      var title = f.getAttribute("data-title") + "（" + (what.length ? what.join(" · ") : L.all) + "）";
      var form = sheet(qs, { url: f.getAttribute("data-url"), title: title });
      show(out, form);
      one("h2", form).focus();
    });
    update();
  }

  function wrongbook(box) {
    var status = one("[data-wb-status]", box), out = one("[data-wb-sheet]", box);
    var gone = one("[data-wb-missing]", box), clear = one("[data-wb-clear]", box);
    var pages = {}, byKey = {};
    (B ? B.pages : []).forEach(function (p) { pages[p.key] = true; });
    (B ? B.questions : []).forEach(function (q) { byKey[B.pages[q.page].key + "#" + q.index] = q; });
    box.hidden = false;
    function mine() { return X.load(WB).filter(function (e) { return e && pages[e.url] === true; }); }
    function render() {
      var book = mine(), found = [], missing = [], seen = {};
      book.forEach(function (e) {
        var k = e.url + "#" + e.index, q = byKey[k];
        if (seen[k]) return;
        seen[k] = true;
        if (q) found.push(q); else missing.push(e);
      });
      status.textContent = book.length ? fill(L.count, { n: book.length }) : L.empty;
      out.textContent = "";
      gone.textContent = "";
      clear.hidden = !book.length;
      if (found.length) {
        var form = sheet(found, { url: box.getAttribute("data-url"), title: box.getAttribute("data-title"), noRecord: true, submit: L.check });
        form.addEventListener("lanmu-graded", function () {
          var left = mine().length;
          status.textContent = fill(L.after, { r: Math.max(0, found.length - (left - missing.length)), n: left });
          var again = el("button", L.again, "k-btn");
          again.type = "button";
          again.addEventListener("click", render);
          status.appendChild(document.createTextNode(" "));
          status.appendChild(again);
        });
        show(out, form);
      }
      if (missing.length) {
        gone.appendChild(el("p", L.gone));
        var ul = el("ul");
        missing.forEach(function (e) {
          var li = el("li"), a = el("a", e.title);
          a.href = X.link(e.url);
          li.appendChild(a);
          li.appendChild(el("span", " · " + e.stem + " · " + L.answer + " " + e.answer + " "));
          var rm = el("button", L.remove, "k-btn");
          rm.type = "button";
          rm.addEventListener("click", function () {
            X.save(WB, X.load(WB).filter(function (x) { return !(x && x.url === e.url && x.index === e.index); }));
            render();
          });
          li.appendChild(rm);
          ul.appendChild(li);
        });
        gone.appendChild(ul);
      }
    }
    clear.addEventListener("click", function () {
      if (!window.confirm(L.confirm)) return;
      X.save(WB, X.load(WB).filter(function (e) { return !(e && pages[e.url] === true); }));
      render();
    });
    render();
  }

  function record(box) {
    var home = X.norm(box.getAttribute("data-root") || "/");
    var ours = function (e) { return e && typeof e.url === "string" && e.url.indexOf(home) === 0; };
    var scores = one("[data-rec-scores]", box), read = one("[data-rec-pages]", box);
    box.hidden = false;
    function render() {
      var recs = X.load(REC).filter(ours).reverse(), seen = X.load(VIS).filter(ours).reverse();
      scores.textContent = "";
      read.textContent = "";
      if (!recs.length) {
        scores.appendChild(el("p", L.noScores, "empty"));
      } else {
        var wrap = el("div", null, "k-table-wrap"), t = el("table", null, "k-scores");
        t.appendChild(el("caption", L.scoresCap, "k-vh"));
        var tr = el("tr");
        [L.date, L.set, L.got, L.pct, L.time].forEach(function (h) { tr.appendChild(attr(el("th", h), { scope: "col" })); });
        t.appendChild(el("thead")).appendChild(tr);
        var tb = t.appendChild(el("tbody"));
        recs.forEach(function (r) {
          var row = el("tr"), a = el("a", r.title), cell = el("td");
          a.href = X.link(r.url);
          row.appendChild(el("td", r.date));
          cell.appendChild(a);
          row.appendChild(cell);
          row.appendChild(el("td", r.score + " / " + r.total));
          var pc = el("td", null, "k-pct"), barEl = el("span", null, "k-bar"), fillEl = el("span");
          fillEl.style.width = Math.max(0, Math.min(100, r.percent || 0)) + "%";
          barEl.appendChild(fillEl);
          barEl.setAttribute("aria-hidden", "true");
          pc.appendChild(barEl);
          pc.appendChild(document.createTextNode(" " + (r.percent || 0) + "%"));
          row.appendChild(pc);
          row.appendChild(el("td", r.seconds ? X.clock(r.seconds) : "—"));
          tb.appendChild(row);
        });
        wrap.appendChild(t);
        scores.appendChild(wrap);
      }
      if (!seen.length) {
        read.appendChild(el("p", L.noPages, "empty"));
      } else {
        var ol = el("ol", null, "k-read");
        seen.forEach(function (v) {
          var li = el("li"), a = el("a", v.title || v.url);
          a.href = X.link(v.url);
          li.appendChild(a);
          li.appendChild(el("span", " · " + v.date + (v.n > 1 ? " · " + fill(L.times, { n: v.n }) : ""), "k-meta-inline"));
          ol.appendChild(li);
        });
        read.appendChild(ol);
      }
    }
    one("[data-rec-clear]", box).addEventListener("click", function () {
      if (!window.confirm(L.confirmRec)) return;
      X.save(REC, X.load(REC).filter(function (e) { return !ours(e); }));
      X.save(VIS, X.load(VIS).filter(function (e) { return !ours(e); }));
      render();
    });
    render();
  }

  var f = document.getElementById("k-practice");
  if (f && B) practice(f);
  var w = document.getElementById("k-wrongbook-page");
  if (w) wrongbook(w);
  var r = document.getElementById("k-record");
  if (r) record(r);
})();
