//! Exam practice in real (headless) Chromium on the built demo site, served
//! under its sub-path `/dangjian/`: answering and scoring a sheet, the
//! wrong-answer book (kept in localStorage, retried on its own page), the
//! study record, and whole-bank practice with filters.
//!
//! Skipped loudly without Chromium; a failure under `CI=true`.

#[path = "support/browser.rs"]
mod browser;

use std::path::PathBuf;

use browser::{Browser, demo};
use serde_json::{Value, json};

/// The stored wrong-answer book.
fn wrongbook(b: &mut Browser) -> Vec<Value> {
    let v = b.eval("JSON.parse(localStorage.getItem('lanmu-wrongbook') || '[]')");
    v.as_array().cloned().unwrap_or_default()
}

fn text(b: &mut Browser, selector: &str) -> String {
    let js = format!(
        "(() => {{ const e = document.querySelector({s}); return e ? e.textContent.replace(/\\s+/g, ' ').trim() : null; }})()",
        s = serde_json::to_string(selector).unwrap()
    );
    b.eval(&js).as_str().unwrap_or("").to_string()
}

/// Selects `value` in the `<select name=name>` of the practice filter.
fn choose(b: &mut Browser, name: &str, value: &str) {
    let js = format!(
        "(() => {{ const s = document.querySelector('#k-practice [name={name}]'); s.value = {v}; s.dispatchEvent(new Event('change', {{bubbles: true}})); return s.value; }})()",
        v = serde_json::to_string(value).unwrap()
    );
    assert_eq!(b.eval(&js), json!(value), "no option {value} in {name}");
}

fn no_script_errors(b: &Browser) {
    assert!(
        !b.console.iter().any(|c| c.starts_with("EXCEPTION")),
        "script errors: {:?}",
        b.console
    );
}

#[test]
fn sheet_score_wrongbook_retry_and_record() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let base = demo();
    let page = format!("{base}zhenti/dang-zhang-zhi-shi-ce-shi/");
    b.goto(&page);
    b.wait_for(
        "window.lanmuExam && !document.querySelector('[data-submit]').closest('[hidden]')",
        10,
    );
    // 1 single B ✓, 2 single B (answer A ✗), 3 judge true ✓, 4 multiple ABC (2 points) ✓, 5 short (3 points, not scored).
    for sel in [
        "#question-1 input[value=B]",
        "#question-2 input[value=A]",
        "#question-3 input[value=true]",
        "#question-4 input[value=A]",
        "#question-4 input[value=B]",
        "#question-4 input[value=C]",
    ] {
        b.click(sel);
    }
    assert_eq!(text(&mut b, "[data-progress]"), "已答 4 / 5 题");
    b.click("[data-submit]");
    b.wait_for("!document.querySelector('[data-score-box]').hidden", 5);
    let score = text(&mut b, "[data-score-box]");
    assert!(score.starts_with("得分 4 / 5"), "{score}");
    assert!(score.contains("已将 1 道错题加入错题本"), "{score}");
    assert!(score.contains("简答题共 3 分不自动评分"), "{score}");
    assert_eq!(
        b.eval("document.querySelectorAll('.k-q.is-wrong').length"),
        json!(1)
    );
    assert_eq!(
        b.eval("document.querySelector('#question-2 [data-result]').textContent"),
        json!("回答错误，正确答案：B")
    );

    // After a reload the wrong answer is still in the book.
    b.goto(&page);
    let book = wrongbook(&mut b);
    assert_eq!(book.len(), 1, "{book:?}");
    assert_eq!(
        book[0]["url"],
        "/dangjian/zhenti/dang-zhang-zhi-shi-ce-shi/"
    );
    assert_eq!(book[0]["index"], 1);
    assert_eq!(book[0]["yours"], "A");

    // The wrong-answer book page shows it, from the column's bank, for retrying.
    b.goto(&format!("{base}zhenti/wrongbook/"));
    b.wait_for(
        "document.querySelectorAll('[data-wb-sheet] .k-q').length === 1",
        10,
    );
    assert_eq!(text(&mut b, "[data-wb-status]"), "错题本中有 1 道题。");
    let stem = text(&mut b, "[data-wb-sheet] .k-q-stem");
    assert!(stem.contains("自行脱党"), "{stem}");
    let from = b.eval("document.querySelector('[data-wb-sheet] .k-q-from a').getAttribute('href')");
    assert_eq!(
        from,
        json!("/dangjian/zhenti/dang-zhang-zhi-shi-ce-shi/#question-2")
    );
    assert!(text(&mut b, ".k-local-note").contains("只保存在"));
    // A wrong answer again keeps it; the right one removes it.
    b.click("[data-wb-sheet] input[value=C]");
    b.click("[data-wb-sheet] [data-submit]");
    b.wait_for("document.querySelector('[data-wb-status] button')", 5);
    assert_eq!(wrongbook(&mut b).len(), 1);
    b.click("[data-wb-status] button");
    b.wait_for("document.querySelectorAll('[data-wb-sheet] .k-q').length === 1 && !document.querySelector('[data-wb-status] button')", 5);
    b.click("[data-wb-sheet] input[value=B]");
    b.click("[data-wb-sheet] [data-submit]");
    b.wait_for("document.querySelector('[data-wb-status] button')", 5);
    let status = text(&mut b, "[data-wb-status]");
    assert!(
        status.starts_with("答对 1 题，已从错题本移除；还剩 0 题。"),
        "{status}"
    );
    assert!(wrongbook(&mut b).is_empty());
    b.goto(&format!("{base}zhenti/wrongbook/"));
    b.wait_for(
        "document.querySelector('[data-wb-status]').textContent !== ''",
        5,
    );
    assert_eq!(text(&mut b, "[data-wb-status]"), "本栏目的错题本是空的。");
    assert_eq!(
        b.eval("document.querySelectorAll('[data-wb-sheet] .k-q').length"),
        json!(0)
    );

    // The study record lists the score and the page read (retries are not scores).
    b.goto(&format!("{base}zhenti/record/"));
    b.wait_for("document.querySelector('[data-rec-scores] tbody tr')", 5);
    assert_eq!(
        b.eval("document.querySelectorAll('[data-rec-scores] tbody tr').length"),
        json!(1)
    );
    let row = text(&mut b, "[data-rec-scores] tbody tr");
    assert!(
        row.contains("党章知识自测") && row.contains("4 / 5") && row.contains("80%"),
        "{row}"
    );
    let read = text(&mut b, "[data-rec-pages] li");
    assert!(read.contains("党章知识自测"), "{read}");
    no_script_errors(&b);
}

#[test]
fn whole_bank_practice_with_a_filter() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let base = demo();
    b.goto(&format!("{base}zhenti/practice/"));
    b.wait_for(
        "window.lanmuBank && !document.getElementById('k-practice').hidden",
        10,
    );
    let total = b.eval("lanmuBank.questions.length").as_u64().unwrap();
    assert!(total >= 20, "{total}");
    assert!(text(&mut b, "[data-matched]").contains(&total.to_string()));

    // 考研 of 2024: the questions of one sheet, in order.
    choose(&mut b, "type", "考研");
    choose(&mut b, "year", "2024");
    let matched = text(&mut b, "[data-matched]");
    assert!(matched.starts_with("符合条件的题目有"), "{matched}");
    b.eval("(() => { const f = document.getElementById('k-practice'); f.elements.count.value = '3'; f.elements.random.checked = false; return true; })()");
    b.click("#k-practice button[type=submit]");
    b.wait_for(
        "document.querySelectorAll('[data-practice-sheet] .k-q').length === 3",
        5,
    );
    let urls = b.eval("[...document.querySelectorAll('[data-practice-sheet] .k-q')].map(q => q.dataset.url + '#' + q.dataset.index)");
    let page = "/dangjian/zhenti/kao-yan-zheng-zhi-mo-ni-2024/";
    assert_eq!(
        urls,
        json!([
            format!("{page}#0"),
            format!("{page}#1"),
            format!("{page}#2")
        ])
    );
    // Answers: A ✓, A ✗ (B is right), A ✓.
    for k in 1..=3 {
        b.click(&format!(
            "[data-practice-sheet] .k-q:nth-child({k}) input[value=A]"
        ));
    }
    b.click("[data-practice-sheet] [data-submit]");
    b.wait_for(
        "!document.querySelector('[data-practice-sheet] [data-score-box]').hidden",
        5,
    );
    let score = text(&mut b, "[data-practice-sheet] [data-score-box]");
    assert!(score.starts_with("得分 2 / 3"), "{score}");
    // The wrong answer is stored under its own page, as exam.js stores it.
    let book = wrongbook(&mut b);
    assert_eq!(book.len(), 1, "{book:?}");
    assert_eq!(book[0]["url"], page);
    assert_eq!(book[0]["index"], 1);
    assert_eq!(book[0]["title"], "2024年考研政治模拟练习（马原与党史）");

    // A random draw with a tag keeps to the filter.
    choose(&mut b, "type", "");
    choose(&mut b, "year", "");
    choose(&mut b, "tag", "党章");
    b.eval("(() => { const f = document.getElementById('k-practice'); f.elements.count.value = '4'; f.elements.random.checked = true; return true; })()");
    b.click("#k-practice button[type=submit]");
    b.wait_for(
        "document.querySelectorAll('[data-practice-sheet] .k-q').length === 4",
        5,
    );
    let ok = b.eval(
        "[...document.querySelectorAll('[data-practice-sheet] .k-q')].every(q => lanmuBank.pages.find(p => p.url === q.dataset.url).tags.includes('党章'))",
    );
    assert_eq!(ok, json!(true));

    // The practice result is in the study record, the wrong answer in the book page.
    b.goto(&format!("{base}zhenti/record/"));
    b.wait_for("document.querySelector('[data-rec-scores] tbody tr')", 5);
    let row = text(&mut b, "[data-rec-scores] tbody tr");
    assert!(row.contains("整卷练习") && row.contains("2 / 3"), "{row}");
    b.goto(&format!("{base}zhenti/wrongbook/"));
    b.wait_for(
        "document.querySelectorAll('[data-wb-sheet] .k-q').length === 1",
        10,
    );
    assert!(text(&mut b, "[data-wb-sheet] .k-q-stem").contains("物质的唯一特性"));
    no_script_errors(&b);
}

#[test]
fn stats_page_on_a_phone() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let base = demo();
    b.viewport(390, 844, true);
    b.goto(&format!("{base}stats/"));
    // Charts fit the phone's width; no horizontal scrolling.
    let width = b
        .eval("document.documentElement.scrollWidth")
        .as_u64()
        .unwrap_or(9999);
    assert!(width <= 390, "page is {width}px wide at 390px");
    let charts = b.eval("[...document.querySelectorAll('figure.k-chart svg')].map(s => Math.round(s.getBoundingClientRect().width))");
    let charts = charts.as_array().unwrap();
    assert!(!charts.is_empty());
    for w in charts {
        let w = w.as_u64().unwrap();
        assert!((250..=390).contains(&w), "chart {w}px wide");
    }
    // The data tables open.
    b.click("figure.k-chart details summary");
    assert_eq!(
        b.eval("document.querySelector('figure.k-chart details').open"),
        json!(true)
    );
    no_script_errors(&b);
}

#[test]
fn wrongbook_from_a_folder_with_relative_links() {
    // `relative_urls: true` makes the output work opened from disk (file://);
    // the wrong-answer book must match questions there too.
    let tmp = tempfile::tempdir().unwrap();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let site = tmp.path().join("site");
    for e in walkdir::WalkDir::new(root.join("content")) {
        let e = e.unwrap();
        let to = site.join(e.path().strip_prefix(&root).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
    let config = std::fs::read_to_string(root.join("config.yaml")).unwrap();
    std::fs::write(
        site.join("config.yaml"),
        format!("{config}\nrelative_urls: true\n"),
    )
    .unwrap();
    let out = tmp.path().join("public");
    let mut opts = lanmu::pipeline::BuildOptions::new(&site);
    opts.output = Some(out.clone());
    if let Err(e) = lanmu::pipeline::build(&opts) {
        panic!("demo site does not build with relative links: {e:?}");
    }
    let page = out.join("zhenti/dang-zhang-zhi-shi-ce-shi/index.html");
    if std::fs::read_to_string(&page)
        .unwrap()
        .contains("src=\"/dangjian/exam.js\"")
    {
        eprintln!("relative_urls is not applied by this build: skipped");
        return;
    }
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let url = |p: &std::path::Path| format!("file://{}", p.display());
    b.goto(&url(&page));
    b.wait_for(
        "window.lanmuExam && !document.querySelector('[data-submit]').closest('[hidden]')",
        10,
    );
    b.eval("localStorage.clear()");
    b.goto(&url(&page));
    b.wait_for(
        "window.lanmuExam && !document.querySelector('[data-submit]').closest('[hidden]')",
        10,
    );
    b.click("#question-1 input[value=A]");
    b.click("[data-submit]");
    b.wait_for("!document.querySelector('[data-score-box]').hidden", 5);
    let book = wrongbook(&mut b);
    assert_eq!(book.len(), 4, "{book:?}"); // the short answer is not scored
    b.goto(&url(&out.join("zhenti/wrongbook/index.html")));
    b.wait_for(
        "document.querySelectorAll('[data-wb-sheet] .k-q').length === 4",
        10,
    );
    // The link back to the question opens the page's file.
    let href = b.eval("document.querySelector('[data-wb-sheet] .k-q-from a').href");
    assert!(
        href.as_str()
            .unwrap()
            .ends_with("/zhenti/dang-zhang-zhi-shi-ce-shi/index.html#question-1"),
        "{href}"
    );
    b.goto(&url(&out.join("zhenti/record/index.html")));
    b.wait_for("document.querySelector('[data-rec-scores] tbody tr')", 5);
    assert!(text(&mut b, "[data-rec-pages] li").contains("党章知识自测"));
    no_script_errors(&b);
}
