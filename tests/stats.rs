//! The statistics page (figures computed from a fixture, drawn as SVG with a
//! data table) and the exam columns' question banks and tool pages.

mod common;

use common::*;
use lanmu::kinds::bank::parse_script;
use scraper::Html;

fn report(branch: &str, date: &str, hours: Option<&str>, participants: Option<u32>) -> String {
    let mut block = format!("report:\n  date: {date}\n  location: 示例社区");
    if let Some(h) = hours {
        block.push_str(&format!("\n  hours: {h}"));
    }
    if let Some(p) = participants {
        block.push_str(&format!("\n  participants: {p}"));
    }
    page(
        &format!("title: 活动 {date}\ndate: {date}\ntags: [志愿服务]\nbranch: {branch}\n{block}"),
        "\n活动记录。\n",
    )
}

fn book(title: &str, format: &str) -> String {
    page(
        &format!(
            "title: {title}\ndate: 2024-01-01\ntags: [读书]\nbook:\n  title: {title}\n  authors: [某作者]\n  format: {format}"
        ),
        "\n推荐理由。\n",
    )
}

const EXAM_A: &str = "title: 党章测试\ndate: 2024-03-01\ntags: [党章, 理论学习]\nexam:\n  type: 考研\n  year: 2024\n  source: 自编\n  questions:\n    - type: single\n      stem: \"预备期为（　）。\"\n      options: [半年, 一年]\n      answer: B\n      explanation: \"党章第七条。\"\n    - type: multiple\n      stem: 纪律处分包括\n      options: [警告, 严重警告, 罚款]\n      answer: [A, B]\n      score: 2\n    - type: judge\n      stem: 党员可以不交党费。\n      answer: false\n";
const EXAM_B: &str = "title: 公务员练习\ndate: 2023-06-01\ntags: [理论学习]\nexam:\n  type: 公务员\n  year: 2023\n  questions:\n    - type: short\n      stem: 什么情况下成立党的基层组织？\n      answer: 正式党员三人以上\n      score: 3\n    - type: judge\n      stem: 是\n      answer: true\n";

fn fixture() -> Fixture {
    Fixture::new(&[
        ("config.yaml", &config("")),
        (
            "content/zhiyuan/_index.md",
            "---\ntitle: 志愿服务\nkind: report\n---\n",
        ),
        (
            "content/zhiyuan/a.md",
            &report("第一支部", "2024-03-02", Some("4"), Some(10)),
        ),
        (
            "content/zhiyuan/b.md",
            &report("第一支部", "2024-05-02", Some("2.5"), Some(4)),
        ),
        (
            "content/zhiyuan/c.md",
            &report("第二支部", "2023-04-02", Some("3"), Some(5)),
        ),
        // No hours: an activity and participants, but no person-hours.
        (
            "content/zhiyuan/d.md",
            &report("第二支部", "2023-09-02", None, Some(6)),
        ),
        (
            "content/shumu/_index.md",
            "---\ntitle: 书目推荐\nkind: book\n---\n",
        ),
        ("content/shumu/a.md", &book("共产党宣言", "book")),
        ("content/shumu/b.md", &book("平凡的世界", "book")),
        ("content/shumu/c.md", &book("求是", "journal")),
        ("content/shumu/d.md", &book("党课视频", "video")),
        (
            "content/zhenti/_index.md",
            "---\ntitle: 真题练习\nkind: exam\n---\n",
        ),
        (
            "content/zhenti/a.md",
            &format!("---\n{EXAM_A}---\n\n说明。\n"),
        ),
        (
            "content/zhenti/b.md",
            &format!("---\n{EXAM_B}---\n\n说明。\n"),
        ),
    ])
}

/// The rows of the data table of chart `id`: cells as text.
fn table(doc: &Html, id: &str) -> Vec<Vec<String>> {
    doc.select(&sel(&format!("#{id} tbody tr")))
        .map(|tr| {
            tr.select(&sel("th, td"))
                .map(|c| collapse(&c.text().collect::<String>()))
                .collect()
        })
        .collect()
}

fn svg_texts(doc: &Html, id: &str) -> Vec<String> {
    texts(doc, &format!("#{id} svg text"))
}

#[test]
fn statistics_page_figures() {
    let f = fixture();
    let built = f.build();
    let out = f.public();
    let doc = html(&out, "stats/index.html");
    assert_eq!(text(&doc, "h1"), "数据统计");

    // Volunteer service by branch: hours × participants summed per activity.
    let rows = table(&doc, "stats-service-branch");
    assert_eq!(
        rows,
        vec![
            vec!["第一支部", "2", "14", "6.5", "50"],
            vec!["第二支部", "2", "11", "3", "15"],
        ],
        "{rows:?}"
    );
    let bars = svg_texts(&doc, "stats-service-branch");
    assert!(
        bars.contains(&"第一支部".to_string()) && bars.contains(&"50人·小时".to_string()),
        "{bars:?}"
    );
    assert!(bars.contains(&"15人·小时".to_string()), "{bars:?}");
    // By year of the activity date, newest first.
    assert_eq!(
        table(&doc, "stats-service-year"),
        vec![
            vec!["2024", "2", "14", "6.5", "50"],
            vec!["2023", "2", "11", "3", "15"],
        ]
    );
    // The note says what is computed.
    let note = texts(&doc, "#stats-service ~ .k-stats-note, .k-stats-note").join(" ");
    assert!(
        note.contains("服务时长（hours）× 参与人数（participants）"),
        "{note}"
    );

    // Books by format (every format listed in the table).
    assert_eq!(
        table(&doc, "stats-books-format"),
        vec![
            vec!["图书", "2"],
            vec!["期刊", "1"],
            vec!["文章", "0"],
            vec!["视频", "1"],
        ]
    );
    // Questions by type and by exam year.
    assert_eq!(
        table(&doc, "stats-questions-type"),
        vec![
            vec!["单选题", "1"],
            vec!["多选题", "1"],
            vec!["判断题", "2"],
            vec!["简答题", "1"],
        ]
    );
    assert_eq!(
        table(&doc, "stats-questions-year"),
        vec![vec!["2024", "3"], vec!["2023", "2"]]
    );
    // Pages per column and the most used tags.
    let cols = table(&doc, "stats-columns");
    assert!(
        cols.contains(&vec!["志愿服务".to_string(), "4".to_string()]),
        "{cols:?}"
    );
    assert!(
        cols.contains(&vec!["真题练习".to_string(), "2".to_string()]),
        "{cols:?}"
    );
    let tags = table(&doc, "stats-tags-top");
    // Ties are in the tag pages' order (by slug).
    assert_eq!(tags[0], vec!["读书", "4"], "{tags:?}");
    assert_eq!(tags[1], vec!["志愿服务", "4"], "{tags:?}");
    assert_eq!(tags[2], vec!["理论学习", "2"], "{tags:?}");
    // The timeline lists the months with pages.
    let months = table(&doc, "stats-timeline");
    assert!(
        months.contains(&vec!["2024-03".to_string(), "2".to_string()]),
        "{months:?}"
    );

    // Overview figures.
    let facts = texts(&doc, ".k-stats-overview dd");
    for want in ["10 篇", "4 次", "25 人次", "65 人·小时", "4 种", "5 道"] {
        assert!(facts.iter().any(|f| f == want), "{want} not in {facts:?}");
    }

    // Every chart is an accessible, scalable SVG with a data table.
    let figures = doc.select(&sel("figure.k-chart")).count();
    assert_eq!(figures, 8);
    for svg in doc.select(&sel("figure.k-chart svg")) {
        let v = svg.value();
        assert_eq!(v.attr("role"), Some("img"));
        assert_eq!(v.attr("width"), Some("100%"));
        assert!(v.attr("viewBox").is_some_and(|b| b.starts_with("0 0 360 ")));
        assert!(v.attr("aria-label").is_some_and(|l| !l.is_empty()));
        let desc = v.attr("aria-describedby").unwrap();
        assert_eq!(doc.select(&sel(&format!("desc#{desc}"))).count(), 1);
        assert_eq!(svg.select(&sel("title")).count(), 1);
    }
    assert_eq!(doc.select(&sel("figure.k-chart details table")).count(), 8);
    // Linked from the home page; counted in the build summary.
    let home = html(&out, "index.html");
    assert!(links(&home).contains(&"/dangjian/stats/".to_string()));
    assert_eq!(built.stats.html_files, html_files(&out).len());
    let broken = broken_links(&out, BASE_URL, BASE_PATH);
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn question_bank_of_an_exam_column() {
    let f = fixture();
    f.build();
    let out = f.public();
    let js = read(&out, "zhenti/practice/bank.js");
    let bank = parse_script(&js).expect("bank.js is `window.lanmuBank = {…};`");
    assert_eq!(bank["version"], 1);
    assert_eq!(bank["column"]["url"], "/dangjian/zhenti/");
    let pages = bank["pages"].as_array().unwrap();
    assert_eq!(pages.len(), 2);
    // Newest first, as the column lists them.
    assert_eq!(pages[0]["title"], "党章测试");
    assert_eq!(pages[0]["url"], "/dangjian/zhenti/a/");
    assert_eq!(pages[0]["exam_type"], "考研");
    assert_eq!(pages[0]["year"], 2024);
    assert_eq!(pages[0]["tags"], serde_json::json!(["党章", "理论学习"]));
    let qs = bank["questions"].as_array().unwrap();
    assert_eq!(qs.len(), 5);
    let q = &qs[0];
    assert_eq!(q["page"], 0);
    assert_eq!(q["index"], 0);
    assert_eq!(q["number"], 1);
    assert_eq!(q["type"], "single");
    assert_eq!(q["stem_html"], "<p>预备期为（　）。</p>\n");
    assert_eq!(
        q["options"],
        serde_json::json!([{"letter": "A", "html": "半年"}, {"letter": "B", "html": "一年"}])
    );
    assert_eq!(q["answer"], "B");
    assert_eq!(q["explanation_html"], "<p>党章第七条。</p>\n");
    assert_eq!(q["score"], 1);
    assert_eq!(qs[1]["answer"], "AB");
    assert_eq!(qs[1]["score"], 2);
    assert_eq!(qs[2]["answer"], "false");
    assert_eq!(qs[2]["answer_display"], "错误");
    let short = &qs[3];
    assert_eq!(
        (short["page"].as_u64(), short["index"].as_u64()),
        (Some(1), Some(0))
    );
    assert_eq!(short["type"], "short");
    assert_eq!(short["answer"], "");
    assert_eq!(short["answer_html"], "<p>正式党员三人以上</p>\n");
    // Facets for the filters.
    assert_eq!(
        bank["exam_types"],
        serde_json::json!([{"name": "考研", "count": 3}, {"name": "公务员", "count": 2}])
    );
    assert_eq!(
        bank["years"],
        serde_json::json!([{"name": "2024", "count": 3}, {"name": "2023", "count": 2}])
    );
    assert_eq!(
        bank["tags"][0],
        serde_json::json!({"name": "理论学习", "count": 5})
    );

    // The practice page offers the same filters without a script.
    let doc = html(&out, "zhenti/practice/index.html");
    assert_eq!(
        texts(&doc, "select[name=type] option"),
        vec!["全部", "考研（3）", "公务员（2）"]
    );
    assert_eq!(attrs(&doc, "input[name=count]", "max"), vec!["5"]);
    assert_eq!(attrs(&doc, "input[name=count]", "value"), vec!["5"]);
    let scripts = attrs(&doc, "script[src]", "src");
    assert!(
        scripts.ends_with(&[
            "/dangjian/zhenti/practice/bank.js".to_string(),
            "/dangjian/exam.js".to_string(),
            "/dangjian/practice.js".to_string()
        ]),
        "{scripts:?}"
    );
    // The wrong-answer book and the record say records stay in the browser.
    for rel in ["zhenti/wrongbook/index.html", "zhenti/record/index.html"] {
        let d = html(&out, rel);
        assert!(text(&d, ".k-local-note").contains("只保存在"), "{rel}");
    }
    // The column page links to its tools.
    let col = html(&out, "zhenti/index.html");
    let l = links(&col);
    for want in [
        "/dangjian/zhenti/practice/",
        "/dangjian/zhenti/wrongbook/",
        "/dangjian/zhenti/record/",
    ] {
        assert!(l.contains(&want.to_string()), "{want} not linked: {l:?}");
    }
    // Other kinds get no bank.
    assert!(!out.join("zhiyuan/practice").exists());
    assert!(out.join("practice.js").is_file());
}

#[test]
fn generated_pages_do_not_overwrite_content() {
    let f = fixture();
    f.write(
        "content/zhenti/practice.md",
        "---\ntitle: 练习说明\ndate: 2024-01-01\n---\n\n说明。\n".as_bytes(),
    );
    f.write(
        "content/stats/_index.md",
        "---\ntitle: 统计\n---\n".as_bytes(),
    );
    let d = f.build_err();
    let dup: Vec<_> = d.iter().filter(|x| x.code == "duplicate-url").collect();
    assert_eq!(dup.len(), 2, "{}", show(&d));
    assert!(
        dup.iter()
            .any(|x| x.message.zh.contains("/dangjian/zhenti/practice/")
                && x.message.zh.contains("practice.md")),
        "{}",
        show(&d)
    );
    assert!(
        dup.iter()
            .any(|x| x.message.zh.contains("/dangjian/stats/")),
        "{}",
        show(&d)
    );
}

#[test]
fn english_sites_and_empty_sites() {
    let f = Fixture::new(&[
        ("config.yaml", &config("language: en\n")),
        (
            "content/zhiyuan/_index.md",
            "---\ntitle: Service\nkind: report\n---\n",
        ),
        (
            "content/zhiyuan/a.md",
            &report("Branch One", "2024-03-02", Some("2"), Some(3)),
        ),
    ]);
    f.build();
    let doc = html(&f.public(), "stats/index.html");
    assert_eq!(text(&doc, "h1"), "Statistics");
    assert_eq!(
        table(&doc, "stats-service-branch"),
        vec![vec!["Branch One", "1", "3", "2", "6"]]
    );
    // A site with no content still gets a valid statistics page.
    let f = Fixture::new(&[("config.yaml", &config(""))]);
    std::fs::create_dir_all(f.root.join("content")).unwrap();
    f.build();
    let doc = html(&f.public(), "stats/index.html");
    assert_eq!(doc.select(&sel("figure.k-chart")).count(), 0);
    assert!(text(&doc, ".k-stats-overview").contains("0"));
}
