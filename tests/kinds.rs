//! Column kinds: `member:`, `book:`, `exam:` and `report:` blocks, validated
//! with errors at file and line, and rendered by their templates.

use std::path::{Path, PathBuf};

use lanmu::error::{Diagnostic, Error, Severity};
use lanmu::pipeline::{BuildOptions, build};
use scraper::{ElementRef, Html, Selector};

const CONFIG: &str = "title: 测试学院学生党支部\nbase_url: https://www.example.edu.cn/dangjian/\n";

/// A site in a temporary folder.
struct Site {
    _tmp: tempfile::TempDir,
    root: PathBuf,
}

impl Site {
    fn new(files: &[(&str, &str)]) -> Site {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().join("site");
        let s = Site { _tmp: tmp, root };
        s.write("config.yaml", CONFIG.as_bytes());
        for (p, t) in files {
            s.write(p, t.as_bytes());
        }
        s
    }

    fn write(&self, rel: &str, bytes: &[u8]) {
        let p = self.root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }

    /// Builds and returns the output folder; panics with the diagnostics on failure.
    fn build(&self) -> PathBuf {
        match build(&BuildOptions::new(&self.root)) {
            Ok(_) => self.root.join("public"),
            Err(Error::Content(d)) => panic!("build failed:\n{}", show(&d)),
            Err(e) => panic!("build failed: {e}"),
        }
    }

    /// Builds a site that must fail with content errors.
    fn errors(&self) -> Vec<Diagnostic> {
        match build(&BuildOptions::new(&self.root)) {
            Ok(_) => panic!("the build succeeded but should have failed"),
            // Warnings (typography and the like) are not what these tests are about.
            Err(Error::Content(d)) => d
                .into_iter()
                .filter(|x| x.severity == Severity::Error)
                .collect(),
            Err(e) => panic!("expected content errors, got: {e}"),
        }
    }
}

fn show(d: &[Diagnostic]) -> String {
    lanmu::error::Report(d, lanmu::i18n::Lang::Zh).to_string()
}

/// The one diagnostic whose Chinese or English message contains `needle`.
fn find<'a>(d: &'a [Diagnostic], needle: &str) -> &'a Diagnostic {
    let found: Vec<&Diagnostic> = d
        .iter()
        .filter(|x| x.message.zh.contains(needle) || x.message.en.contains(needle))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one diagnostic containing `{needle}`, got:\n{}",
        show(d)
    );
    found[0]
}

fn assert_at(d: &Diagnostic, file: &str, line: usize) {
    assert_eq!(
        d.path.to_string_lossy().replace('\\', "/"),
        file,
        "{}",
        d.render(lanmu::i18n::Lang::Zh)
    );
    assert_eq!(d.line, Some(line), "{}", d.render(lanmu::i18n::Lang::Zh));
}

fn column(title: &str, kind: &str) -> String {
    format!("---\ntitle: {title}\nkind: {kind}\n---\n")
}

fn page(front: &str, body: &str) -> String {
    format!("---\n{front}\n---\n{body}\n")
}

fn html(out: &Path, rel: &str) -> Html {
    let p = out.join(rel);
    Html::parse_document(
        &std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())),
    )
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap_or_else(|e| panic!("bad selector {s}: {e:?}"))
}

fn all<'a>(doc: &'a Html, s: &str) -> Vec<ElementRef<'a>> {
    doc.select(&sel(s)).collect()
}

fn text_of(e: &ElementRef) -> String {
    e.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn text(doc: &Html, s: &str) -> String {
    let e = doc
        .select(&sel(s))
        .next()
        .unwrap_or_else(|| panic!("no element matches `{s}`"));
    text_of(&e)
}

fn texts(doc: &Html, s: &str) -> Vec<String> {
    all(doc, s).iter().map(text_of).collect()
}

fn attr(doc: &Html, s: &str, a: &str) -> String {
    let e = doc
        .select(&sel(s))
        .next()
        .unwrap_or_else(|| panic!("no element matches `{s}`"));
    e.value()
        .attr(a)
        .unwrap_or_else(|| panic!("`{s}` has no `{a}`"))
        .to_string()
}

fn file(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap()
}

// ---------------------------------------------------------------- member

const MEMBER: &str = "title: 张明远的事迹
date: 2024-03-12
member:
  name: 张明远
  photo: photo.png
  branch: 第一学生党支部
  grade: 2021级
  major: 计算机科学与技术
  joined: 2023-06-01
  honors:
    - 国家奖学金
    - 校级优秀共产党员
  quote: 技术要服务于人。";

#[test]
fn member_page_and_column() {
    let s = Site::new(&[
        ("content/xianjin/_index.md", &column("先进事迹", "member")),
        (
            "content/xianjin/zhang/index.md",
            &page(MEMBER, "张明远同学的事迹。"),
        ),
        (
            "content/xianjin/li.md",
            &page(
                "title: 李华\ndate: 2024-01-01\nmember:\n  name: 李华",
                "正文",
            ),
        ),
    ]);
    s.write("content/xianjin/zhang/photo.png", b"\x89PNG\r\n\x1a\n");
    let out = s.build();

    let doc = html(&out, "xianjin/zhang/index.html");
    let profile = "[data-kind=member]";
    assert_eq!(
        attr(&doc, &format!("{profile} img"), "src"),
        "/dangjian/xianjin/zhang/photo.png"
    );
    assert_eq!(attr(&doc, &format!("{profile} img"), "alt"), "张明远");
    assert!(text(&doc, profile).contains("第一学生党支部"));
    assert!(text(&doc, profile).contains("2021级"));
    assert!(text(&doc, profile).contains("计算机科学与技术"));
    assert_eq!(
        attr(&doc, &format!("{profile} time"), "datetime"),
        "2023-06-01"
    );
    assert_eq!(text(&doc, &format!("{profile} time")), "2023年6月1日");
    assert_eq!(
        texts(&doc, &format!("{profile} ul li")),
        vec!["国家奖学金", "校级优秀共产党员"]
    );
    assert_eq!(
        text(&doc, &format!("{profile} blockquote")),
        "技术要服务于人。"
    );
    assert!(file(&out, "xianjin/zhang/index.html").contains("href=\"/dangjian/kinds.css\""));
    assert!(out.join("kinds.css").is_file());

    let list = html(&out, "xianjin/index.html");
    let cards = all(&list, "[data-kind=member]");
    assert_eq!(cards.len(), 2);
    let zhang = cards
        .iter()
        .find(|c| text_of(c).contains("张明远"))
        .expect("card of 张明远");
    assert!(text_of(zhang).contains("国家奖学金"));
    let hrefs: Vec<&str> = zhang
        .select(&sel("a[href]"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert!(hrefs.contains(&"/dangjian/xianjin/zhang/"), "{hrefs:?}");
    let img = zhang.select(&sel("img")).next().expect("photo in card");
    assert_eq!(
        img.value().attr("src"),
        Some("/dangjian/xianjin/zhang/photo.png")
    );
    assert_eq!(img.value().attr("loading"), Some("lazy"));
    // Without a photo the card shows the name's first character instead.
    let li = cards.iter().find(|c| text_of(c).contains("李华")).unwrap();
    assert!(li.select(&sel("img")).next().is_none());
}

#[test]
fn member_errors() {
    let front = "title: 错误示例
date: 2024-03-12
member:
  nmae: 张三
  joined: 去年
  honors: {a: 1}
  photo: missing.png";
    let s = Site::new(&[
        ("content/xianjin/_index.md", &column("先进事迹", "member")),
        ("content/xianjin/bad.md", &page(front, "正文")),
    ]);
    let d = s.errors();
    let f = "content/xianjin/bad.md";
    let unknown = find(&d, "nmae");
    assert_at(unknown, f, 5);
    assert!(
        unknown.hint.as_ref().unwrap().zh.contains("`name`"),
        "{:?}",
        unknown.hint
    );
    assert_at(find(&d, "缺少必填字段 `name`"), f, 4);
    let date = find(&d, "不是有效日期");
    assert_at(date, f, 6);
    assert!(date.message.en.contains("member.joined"));
    assert_at(find(&d, "member.honors"), f, 7);
}

#[test]
fn member_photo_must_exist() {
    let s = Site::new(&[
        ("content/xianjin/_index.md", &column("先进事迹", "member")),
        (
            "content/xianjin/a.md",
            &page(
                "title: 甲\ndate: 2024-01-01\nmember:\n  name: 甲\n  photo: nope.jpg",
                "",
            ),
        ),
    ]);
    let d = s.errors();
    let e = find(&d, "member.photo");
    assert_eq!(
        e.path.to_string_lossy().replace('\\', "/"),
        "content/xianjin/a.md"
    );
    assert!(e.message.zh.contains("第 6 行"), "{}", e.message.zh);
    assert!(e.message.zh.contains("nope.jpg"), "{}", e.message.zh);
}

// ---------------------------------------------------------------- book

#[test]
fn book_page_cite_and_shelves() {
    let s = Site::new(&[
        ("content/shumu/_index.md", &column("书目推荐", "book")),
        (
            "content/shumu/xuanyan.md",
            &page(
                "title: 重读《共产党宣言》\ndate: 2024-04-15\nbook:\n  title: 共产党宣言\n  authors: [马克思, 恩格斯]\n  publisher: 人民出版社\n  year: 2018\n  isbn: 978-7-01-014245-6\n  pages: 68",
                "书评。",
            ),
        ),
        (
            "content/shumu/red-star.md",
            &page(
                "title: 红星照耀中国\ndate: 2024-05-20\nbook:\n  title: 红星照耀中国\n  authors: [埃德加·斯诺, 董乐山（译）]\n  publisher: 人民文学出版社\n  year: 2016\n  isbn: ISBN 9787020118694",
                "",
            ),
        ),
        (
            "content/shumu/qiushi.md",
            &page(
                "title: 期刊推荐\ndate: 2024-02-26\nbook:\n  title: 求是\n  authors: 求是杂志社\n  publisher: 求是杂志社\n  year: 2024\n  format: journal",
                "",
            ),
        ),
        (
            "content/shumu/wenzhang.md",
            &page(
                "title: 文章推荐\ndate: 2024-09-10\nbook:\n  title: 几点思考\n  authors: 林文清\n  publisher: 示例大学学报（社会科学版）\n  year: 2023\n  pages: 12-19\n  format: article",
                "",
            ),
        ),
    ]);
    let out = s.build();

    let doc = html(&out, "shumu/xuanyan/index.html");
    assert_eq!(
        text(&doc, "[data-cite]"),
        "马克思, 恩格斯. 共产党宣言[M]. 北京: 人民出版社, 2018."
    );
    let card = text(&doc, "[data-kind=book]");
    for want in [
        "共产党宣言",
        "马克思、恩格斯",
        "人民出版社",
        "2018",
        "978-7-01-014245-6",
        "68",
    ] {
        assert!(card.contains(want), "`{want}` missing from {card}");
    }
    assert_eq!(
        text(&html(&out, "shumu/red-star/index.html"), "[data-cite]"),
        "埃德加·斯诺. 红星照耀中国[M]. 董乐山, 译. 北京: 人民文学出版社, 2016."
    );
    assert_eq!(
        text(&html(&out, "shumu/qiushi/index.html"), "[data-cite]"),
        "求是杂志社. 求是[J]. 北京: 求是杂志社, 2024."
    );
    assert_eq!(
        text(&html(&out, "shumu/wenzhang/index.html"), "[data-cite]"),
        "林文清. 几点思考[J]. 示例大学学报（社会科学版）, 2023: 12-19."
    );

    // The column groups by format: books, then journals, then articles.
    let list = html(&out, "shumu/index.html");
    let groups: Vec<String> = all(&list, "section[data-format]")
        .iter()
        .map(|e| e.value().attr("data-format").unwrap().to_string())
        .collect();
    assert_eq!(groups, vec!["book", "journal", "article"]);
    let books = all(&list, "section[data-format=book] a[href]");
    let hrefs: Vec<&str> = books
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert!(
        hrefs.contains(&"/dangjian/shumu/xuanyan/") && hrefs.contains(&"/dangjian/shumu/red-star/"),
        "{hrefs:?}"
    );
    let heading = text(&list, "section[data-format=journal] h2");
    assert!(
        heading.starts_with("期刊") && heading.ends_with('1'),
        "{heading}"
    );
}

#[test]
fn book_isbn_checksum() {
    let s = Site::new(&[
        ("content/shumu/_index.md", &column("书目推荐", "book")),
        (
            "content/shumu/xuanyan.md",
            &page(
                "title: 重读\ndate: 2024-04-15\nbook:\n  title: 共产党宣言\n  authors: [马克思, 恩格斯]\n  isbn: 978-7-01-014245-5",
                "",
            ),
        ),
        (
            "content/shumu/short.md",
            &page(
                "title: 短\ndate: 2024-04-15\nbook:\n  title: 书\n  authors: 某人\n  isbn: 978-7-01",
                "",
            ),
        ),
    ]);
    let d = s.errors();
    let e = find(&d, "978-7-01-014245-5");
    assert_eq!(e.code, "isbn");
    assert_at(e, "content/shumu/xuanyan.md", 7);
    assert!(e.message.zh.contains("校验位"), "{}", e.message.zh);
    let hint = e.hint.as_ref().expect("hint");
    assert!(
        hint.zh.contains("校验位 6") && hint.zh.contains("978-7-01-014245-6"),
        "{}",
        hint.zh
    );
    assert!(hint.en.contains("check digit 6"), "{}", hint.en);
    let short = find(&d, "978-7-01`");
    assert_at(short, "content/shumu/short.md", 7);
    assert!(short.message.en.contains("10 or 13"));
}

#[test]
fn book_required_fields_and_format() {
    let s = Site::new(&[
        ("content/shumu/_index.md", &column("书目推荐", "book")),
        (
            "content/shumu/a.md",
            &page(
                "title: 甲\ndate: 2024-04-15\nbook:\n  publisher: 人民出版社\n  format: ebook",
                "",
            ),
        ),
    ]);
    let d = s.errors();
    let f = "content/shumu/a.md";
    assert_at(find(&d, "缺少必填字段 `title`"), f, 4);
    assert_at(find(&d, "缺少必填字段 `authors`"), f, 4);
    let format = find(&d, "ebook");
    assert_at(format, f, 6);
    assert!(
        format
            .hint
            .as_ref()
            .unwrap()
            .en
            .contains("book, journal, article, video")
    );
}

// ---------------------------------------------------------------- exam

const EXAM: &str = "title: 党章知识自测
date: 2024-03-18
exam:
  type: 考研
  year: 2024
  source: 支部自编
  time_limit: 15
  questions:
    - type: single
      stem: \"预备党员的预备期为（　）。\"
      options: [半年, 一年, 两年, 三年]
      answer: B
      explanation: \"党章第七条规定，预备期为**一年**。\"
    - type: 多选
      stem: 矛盾的两种基本属性是（　）。
      options:
        - A. 同一性
        - B. 斗争性
        - C. 普遍性
      answer: [a, B]
      score: 2
    - type: 判断
      stem: 遵义会议于1937年召开。
      answer: 错
    - type: short
      stem: 简述新发展理念。
      answer: |
        创新、协调、**绿色**、开放、共享。
      score: 5";

#[test]
fn exam_sheet() {
    let s = Site::new(&[
        ("content/zhenti/_index.md", &column("真题练习", "exam")),
        ("content/zhenti/dang-zhang.md", &page(EXAM, "练习说明。")),
        (
            "content/zhenti/untimed.md",
            &page(
                "title: 不限时\ndate: 2024-01-01\nexam:\n  type: 其他\n  year: 2024\n  questions:\n    - {type: judge, stem: 一, answer: 对}",
                "",
            ),
        ),
    ]);
    let out = s.build();
    let untimed = html(&out, "zhenti/untimed/index.html");
    assert_eq!(attr(&untimed, "form#k-exam", "data-time-limit"), "0");
    assert!(all(&untimed, "[data-timer]").is_empty());
    assert_eq!(attr(&untimed, "[data-question]", "data-answer"), "true");
    let doc = html(&out, "zhenti/dang-zhang/index.html");

    let info = text(&doc, "[data-kind=exam]");
    for want in ["考研", "2024", "支部自编", "4", "9", "15"] {
        assert!(info.contains(want), "`{want}` missing from {info}");
    }
    let form = "form#k-exam";
    assert_eq!(attr(&doc, form, "data-time-limit"), "15");
    let qs = all(&doc, "[data-question]");
    assert_eq!(qs.len(), 4);
    let types: Vec<&str> = qs
        .iter()
        .map(|q| q.value().attr("data-type").unwrap())
        .collect();
    assert_eq!(types, vec!["single", "multiple", "judge", "short"]);
    let answers: Vec<&str> = qs
        .iter()
        .map(|q| q.value().attr("data-answer").unwrap())
        .collect();
    assert_eq!(answers, vec!["B", "AB", "false", ""]);
    assert_eq!(qs[1].value().attr("data-score"), Some("2"));
    assert_eq!(qs[0].value().attr("data-score"), Some("1"));
    assert_eq!(qs[0].value().attr("id"), Some("question-1"));

    // Inputs: radios, checkboxes (with the written `A. ` removed), judge radios, a textarea.
    assert_eq!(all(&doc, "#question-1 input[type=radio]").len(), 4);
    assert_eq!(
        texts(&doc, "#question-2 label span:last-child"),
        vec!["同一性", "斗争性", "普遍性"]
    );
    let letters: Vec<&str> = all(&doc, "#question-2 input")
        .iter()
        .map(|i| i.value().attr("value").unwrap())
        .collect();
    assert_eq!(letters, vec!["A", "B", "C"]);
    assert_eq!(all(&doc, "#question-2 input[type=checkbox]").len(), 3);
    let judge: Vec<&str> = all(&doc, "#question-3 input[type=radio]")
        .iter()
        .map(|i| i.value().attr("value").unwrap())
        .collect();
    assert_eq!(judge, vec!["true", "false"]);
    assert_eq!(all(&doc, "#question-4 textarea").len(), 1);

    // Answers and explanations are readable without JavaScript, inside <details>.
    assert!(text(&doc, "#question-1 details").contains("答案：B"));
    assert_eq!(texts(&doc, "#question-1 details strong"), vec!["B", "一年"]);
    assert!(text(&doc, "#question-2 details").contains("AB"));
    assert!(text(&doc, "#question-3 details").contains("错误"));
    assert_eq!(text(&doc, "#question-4 details strong"), "绿色");
    assert!(text(&doc, "#question-1 [id$=stem]").contains("预备党员的预备期为"));

    // The answer key for printing, and the script under the sub-path.
    assert_eq!(
        all(&doc, "section[aria-labelledby=k-key-title] li").len(),
        4
    );
    let raw = file(&out, "zhenti/dang-zhang/index.html");
    assert!(raw.contains("<script src=\"/dangjian/exam.js\" defer></script>"));
    let js = file(&out, "exam.js");
    assert!(js.len() < 15 * 1024, "exam.js is {} bytes", js.len());
    assert!(js.contains("lanmu-wrongbook") && js.contains("lanmu-record"));
    assert!(file(&out, "kinds.css").contains("@media print"));

    // The column lists the sheet with its figures and holds the wrong-answer book.
    let list = html(&out, "zhenti/index.html");
    let card = all(&list, "[data-kind=exam]")
        .iter()
        .map(text_of)
        .find(|t| t.contains("党章"))
        .unwrap();
    assert!(
        card.contains("党章知识自测") && card.contains("4 题") && card.contains("15 分钟"),
        "{card}"
    );
    assert_eq!(all(&list, "#k-wrongbook[hidden]").len(), 1);
}

/// Builds one exam page with `questions` (YAML lines indented for `questions:`)
/// and returns its diagnostics.
fn exam_errors(questions: &str) -> Vec<Diagnostic> {
    let front = format!(
        "title: 练习\ndate: 2024-01-01\nexam:\n  type: 公务员\n  year: 2024\n  questions:\n{questions}"
    );
    let s = Site::new(&[
        ("content/zhenti/_index.md", &column("真题练习", "exam")),
        ("content/zhenti/t.md", &page(&front, "")),
    ]);
    s.errors()
}

const T: &str = "content/zhenti/t.md";

#[test]
fn exam_answer_outside_options() {
    // Line 8 is the first question; each question below is 4 lines.
    let d = exam_errors(
        "    - type: single\n      stem: 一\n      options: [甲, 乙, 丙, 丁]\n      answer: A\n    - type: single\n      stem: 二\n      options: [甲, 乙, 丙]\n      answer: E\n",
    );
    let e = find(&d, "E");
    assert_at(e, T, 15);
    assert!(e.message.zh.starts_with("第 2 题："), "{}", e.message.zh);
    assert!(e.message.zh.contains("A–C"), "{}", e.message.zh);
    assert!(e.message.en.starts_with("question 2: "), "{}", e.message.en);
    assert_eq!(d.len(), 1, "{}", show(&d));
}

#[test]
fn exam_multiple_needs_two_answers() {
    let d = exam_errors(
        "    - type: multiple\n      stem: 一\n      options: [甲, 乙, 丙]\n      answer: [B]\n",
    );
    let e = find(&d, "至少要有两个答案");
    assert_at(e, T, 11);
    assert!(e.message.zh.starts_with("第 1 题"));
    assert!(e.hint.as_ref().unwrap().en.contains("single"));
}

#[test]
fn exam_duplicate_and_missing_options() {
    let d = exam_errors(
        "    - type: single\n      stem: 一\n      options:\n        - 甲\n        - 乙\n        - 甲\n      answer: A\n    - type: multiple\n      stem: 二\n      answer: [A, B]\n    - type: judge\n      stem: 三\n      options: [对, 错]\n      answer: true\n",
    );
    let dup = find(&d, "重复");
    assert_at(dup, T, 13);
    assert!(
        dup.message.zh.contains("第 1 题") && dup.message.zh.contains("选项 C 与选项 A"),
        "{}",
        dup.message.zh
    );
    let missing = find(&d, "缺少选项");
    assert_at(missing, T, 15);
    assert!(missing.message.zh.starts_with("第 2 题"));
    let judge = find(&d, "不需要选项");
    assert_at(judge, T, 20);
    assert!(
        judge.message.en.starts_with("question 3: "),
        "{}",
        judge.message.en
    );
}

#[test]
fn exam_unknown_types_and_keys() {
    let d = exam_errors(
        "    - type: singel\n      stem: 一\n      options: [甲, 乙]\n      answer: A\n    - type: judge\n      stem: 二\n      answr: true\n",
    );
    let t = find(&d, "singel");
    assert_at(t, T, 8);
    assert!(t.hint.as_ref().unwrap().zh.contains("`single`"));
    let k = find(&d, "answr");
    assert_at(k, T, 14);
    assert!(k.message.zh.starts_with("第 2 题"));
    assert!(k.hint.as_ref().unwrap().zh.contains("`answer`"));
    assert_at(find(&d, "缺少答案"), T, 12);
}

#[test]
fn exam_judge_answers_and_block_fields() {
    // 对/错 and 正确/错误 are judge answers; 也许 is not.
    let d = exam_errors(
        "    - type: judge\n      stem: 一\n      answer: 正确\n    - type: judge\n      stem: 二\n      answer: 也许\n",
    );
    assert_at(find(&d, "也许"), T, 13);
    assert_eq!(d.len(), 1, "{}", show(&d));

    let s = Site::new(&[
        ("content/zhenti/_index.md", &column("真题练习", "exam")),
        (
            "content/zhenti/a.md",
            &page(
                "title: 练习\ndate: 2024-01-01\nexam:\n  type: 国考\n  time_limit: 0\n  questions: []",
                "",
            ),
        ),
    ]);
    let d = s.errors();
    let f = "content/zhenti/a.md";
    let ty = find(&d, "国考");
    assert_at(ty, f, 5);
    assert!(ty.hint.as_ref().unwrap().zh.contains("大学生村官"));
    assert_at(find(&d, "缺少必填字段 `year`"), f, 4);
    assert_at(find(&d, "time_limit"), f, 6);
    assert_at(find(&d, "至少要有一道题"), f, 7);
}

// ---------------------------------------------------------------- report

#[test]
fn report_page_and_timeline() {
    let front = "title: 社区服务纪实
date: 2024-04-28
report:
  date: 2024-04-27
  location: 示例社区
  base: 党群服务中心
  hours: 2.5
  participants: 26
  organizer: 第二学生党支部
  photos:
    - p1.png
    - 义诊现场.png
    - {src: p3.png, alt: 志愿者为居民讲解}";
    let s = Site::new(&[
        ("content/zhiyuan/_index.md", &column("志愿服务", "report")),
        ("content/zhiyuan/shequ/index.md", &page(front, "活动纪实。")),
        (
            "content/zhiyuan/xianxue.md",
            &page(
                "title: 献血\ndate: 2024-05-02\nreport:\n  date: 2024-04-02\n  location: 广场\n  hours: 5",
                "",
            ),
        ),
        (
            "content/zhiyuan/zhijiao.md",
            &page(
                "title: 支教\ndate: 2023-08-25\nreport:\n  date: 2023-07-10\n  location: 中心小学",
                "",
            ),
        ),
    ]);
    for p in ["p1.png", "义诊现场.png", "p3.png"] {
        s.write(&format!("content/zhiyuan/shequ/{p}"), b"\x89PNG\r\n\x1a\n");
    }
    let out = s.build();

    let doc = html(&out, "zhiyuan/shequ/index.html");
    let facts = text(&doc, "[data-kind=report]");
    for want in [
        "2024年4月27日",
        "示例社区",
        "党群服务中心",
        "2.5",
        "26",
        "第二学生党支部",
    ] {
        assert!(facts.contains(want), "`{want}` missing from {facts}");
    }
    assert_eq!(
        attr(&doc, "[data-kind=report] time", "datetime"),
        "2024-04-27"
    );
    let figures = all(&doc, "figure img");
    assert_eq!(figures.len(), 3);
    assert!(
        figures
            .iter()
            .all(|i| i.value().attr("loading") == Some("lazy"))
    );
    assert_eq!(
        figures[0].value().attr("src"),
        Some("/dangjian/zhiyuan/shequ/p1.png")
    );
    let alts: Vec<&str> = figures
        .iter()
        .map(|i| i.value().attr("alt").unwrap())
        .collect();
    assert_eq!(alts, vec!["活动照片 1", "义诊现场", "志愿者为居民讲解"]);
    assert_eq!(
        texts(&doc, "figure figcaption"),
        vec!["义诊现场", "志愿者为居民讲解"]
    );

    // The column is a timeline by activity month, newest first.
    let list = html(&out, "zhiyuan/index.html");
    assert_eq!(
        texts(&list, "section[data-month] h2"),
        vec!["2024年4月", "2023年7月"]
    );
    assert_eq!(all(&list, "section[data-month='2024-04'] li").len(), 2);
    let days = texts(&list, "section[data-month='2024-04'] li time");
    assert_eq!(days, vec!["4月27日", "4月2日"]);
}

#[test]
fn report_errors() {
    let s = Site::new(&[
        ("content/zhiyuan/_index.md", &column("志愿服务", "report")),
        (
            "content/zhiyuan/a.md",
            &page(
                "title: 甲\ndate: 2024-01-01\nreport:\n  date: 2024-13-01\n  hours: -3\n  participants: 2.5\n  photos: [gone.png]",
                "",
            ),
        ),
        (
            "content/zhiyuan/b.md",
            &page(
                "title: 乙\ndate: 2024-01-01\nreport:\n  location: 礼堂\n  photos: [gone.png]",
                "",
            ),
        ),
    ]);
    let d = s.errors();
    let a = "content/zhiyuan/a.md";
    assert_at(find(&d, "2024-13-01"), a, 5);
    assert_at(find(&d, "缺少必填字段 `location`"), a, 4);
    assert_at(find(&d, "report.hours"), a, 6);
    assert_at(find(&d, "report.participants"), a, 7);
    assert_at(find(&d, "缺少必填字段 `date`"), "content/zhiyuan/b.md", 4);
    // Missing photos are reported once the block is otherwise valid (site stage).
    let s = Site::new(&[
        ("content/zhiyuan/_index.md", &column("志愿服务", "report")),
        (
            "content/zhiyuan/c.md",
            &page(
                "title: 丙\ndate: 2024-01-01\nreport:\n  date: 2024-01-01\n  location: 礼堂\n  photos: [gone.png]",
                "",
            ),
        ),
    ]);
    let d = s.errors();
    let e = find(&d, "report.photos[0]");
    assert_eq!(
        e.path.to_string_lossy().replace('\\', "/"),
        "content/zhiyuan/c.md"
    );
    assert!(e.message.zh.contains("gone.png"));
}

// ---------------------------------------------------------------- columns

#[test]
fn block_in_wrong_column() {
    let s = Site::new(&[
        ("content/shumu/_index.md", &column("书目推荐", "book")),
        (
            "content/shumu/x.md",
            &page("title: 张三\ndate: 2024-01-01\nmember:\n  name: 张三", ""),
        ),
        ("content/xinde/_index.md", &column("学习心得", "article")),
        (
            "content/xinde/y.md",
            &page(
                "title: 心得\ndate: 2024-01-01\ntags: [a]\nexam:\n  type: 考研",
                "",
            ),
        ),
    ]);
    let d = s.errors();
    let member = find(&d, "`member:` 块只能用在类型为 member");
    assert_at(member, "content/shumu/x.md", 4);
    assert!(member.message.zh.contains("本栏目类型是 book"));
    assert_at(find(&d, "`exam:` 块"), "content/xinde/y.md", 5);
    assert_eq!(d.len(), 2, "{}", show(&d));
}

#[test]
fn pages_without_blocks_and_english_sites() {
    let s = Site::new(&[
        ("content/xianjin/_index.md", &column("Members", "member")),
        (
            "content/xianjin/notice.md",
            &page("title: 年度表彰名单\ndate: 2024-01-01", "名单。"),
        ),
        (
            "content/xianjin/a.md",
            &page(
                "title: A\ndate: 2024-01-01\nmember:\n  name: 王五\n  joined: 2023-06-01",
                "",
            ),
        ),
    ]);
    s.write("config.yaml", format!("{CONFIG}language: en\n").as_bytes());
    let out = s.build();
    // A page without a block is a plain article inside the kind's templates.
    let doc = html(&out, "xianjin/notice/index.html");
    assert!(all(&doc, "[data-kind]").is_empty());
    assert_eq!(text(&doc, "h1"), "年度表彰名单");
    let list = html(&out, "xianjin/index.html");
    assert!(text(&list, "main").contains("年度表彰名单"));
    assert_eq!(all(&list, "[data-kind=member]").len(), 1);
    assert_eq!(
        text(
            &html(&out, "xianjin/a/index.html"),
            "[data-kind=member] time"
        ),
        "June 1, 2023"
    );
}

#[test]
fn demo_site_builds() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let mut opts = BuildOptions::new(root);
    opts.output = Some(tmp.path().join("public"));
    match build(&opts) {
        Ok(_) => {}
        Err(Error::Content(d)) => panic!("the demo site has errors:\n{}", show(&d)),
        Err(e) => panic!("{e}"),
    }
    let out = tmp.path().join("public");
    assert!(
        !all(
            &html(&out, "zhenti/kao-yan-zheng-zhi-mo-ni-2024/index.html"),
            "[data-question]"
        )
        .is_empty()
    );
    assert_eq!(
        text(
            &html(&out, "shumu/gong-chan-dang-xuan-yan/index.html"),
            "[data-cite]"
        ),
        "马克思, 恩格斯. 共产党宣言[M]. 北京: 人民出版社, 2014."
    );
}
