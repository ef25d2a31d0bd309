//! The `lanmu` command line: `init`, `new`, `build`, exit codes and the
//! summary line.

mod common;

use std::path::Path;

use common::*;

/// Parses `已生成 N 个页面（C 个栏目，T 个标签），用时 X 秒`.
fn summary(stdout: &str) -> (usize, usize, usize) {
    let line = stdout
        .lines()
        .find(|l| l.starts_with("已生成 "))
        .unwrap_or_else(|| panic!("no summary line in {stdout:?}"));
    let num = |s: &str| -> usize {
        s.trim()
            .parse()
            .unwrap_or_else(|_| panic!("`{s}` in {line:?}"))
    };
    let rest = line.strip_prefix("已生成 ").unwrap();
    let (n, rest) = rest
        .split_once(" 个页面（")
        .unwrap_or_else(|| panic!("{line:?}"));
    let (c, rest) = rest
        .split_once(" 个栏目，")
        .unwrap_or_else(|| panic!("{line:?}"));
    let (t, rest) = rest
        .split_once(" 个标签），用时 ")
        .unwrap_or_else(|| panic!("{line:?}"));
    let secs = rest
        .strip_suffix(" 秒")
        .unwrap_or_else(|| panic!("{line:?}"));
    assert!(secs.parse::<f64>().is_ok(), "{line:?}");
    (num(n), num(c), num(t))
}

fn init(dir: &Path) {
    let o = lanmu(&["init".as_ref(), dir.as_os_str()]);
    assert_eq!(o.status.code(), Some(0), "{}", outputs(&o));
}

fn build(root: &Path) -> std::process::Output {
    lanmu(&["build".as_ref(), "--root".as_ref(), root.as_os_str()])
}

fn new(root: &Path, column: &str, title: &str) -> std::process::Output {
    lanmu(&[
        "new".as_ref(),
        column.as_ref(),
        title.as_ref(),
        "--root".as_ref(),
        root.as_os_str(),
    ])
}

#[test]
fn init_creates_a_site_that_builds() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("新站点");
    init(&dir);
    assert!(dir.join("config.yaml").is_file());
    for col in ["xianjin", "shumu", "zhenti", "zhiyuan", "xinde"] {
        assert!(
            dir.join("content").join(col).join("_index.md").is_file(),
            "{col}"
        );
    }
    let o = build(&dir);
    assert_eq!(o.status.code(), Some(0), "{}", outputs(&o));
    let (n, c, tags) = summary(&String::from_utf8_lossy(&o.stdout));
    let out = dir.join("public");
    assert!(n >= 10, "{n} pages");
    assert_eq!(c, 5);
    assert_eq!(tags, 1, "the example pages share one tag");
    assert!(out.join("index.html").is_file());
    for col in ["xianjin", "shumu", "zhenti", "zhiyuan", "xinde"] {
        assert!(out.join(col).join("shi-li/index.html").is_file(), "{col}");
    }
    // A fresh site builds without warnings.
    assert!(o.stderr.is_empty(), "{}", outputs(&o));
}

#[test]
fn summary_counts_the_html_files_written() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("site");
    init(&dir);
    let o = build(&dir);
    assert_eq!(o.status.code(), Some(0), "{}", outputs(&o));
    let (n, _, _) = summary(&String::from_utf8_lossy(&o.stdout));
    assert_eq!(n, html_files(&dir.join("public")).len(), "{}", outputs(&o));
}

#[test]
fn init_refuses_a_folder_with_files() {
    let t = tempfile::tempdir().unwrap();
    std::fs::write(t.path().join("mine.txt"), b"keep me").unwrap();
    let o = lanmu(&["init".as_ref(), t.path().as_os_str()]);
    assert_eq!(o.status.code(), Some(2), "{}", outputs(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("不是空的"));
    assert_eq!(
        std::fs::read(t.path().join("mine.txt")).unwrap(),
        b"keep me"
    );
    assert!(!t.path().join("config.yaml").exists());
}

#[test]
fn new_creates_a_pinyin_named_page_with_todays_date() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("site");
    init(&dir);
    let before = today_cn();
    let o = new(&dir, "xinde", "两学一做学习体会");
    let after = today_cn();
    assert_eq!(o.status.code(), Some(0), "{}", outputs(&o));
    let file = dir.join("content/xinde/liang-xue-yi-zuo-xue-xi-ti-hui.md");
    let text = std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("{}: {e}\n{}", file.display(), outputs(&o)));
    assert!(text.starts_with("---\n"));
    assert!(
        text.lines().any(|l| l == "title: 两学一做学习体会"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l == format!("date: {before}") || l == format!("date: {after}")),
        "{text}"
    );
    assert!(!text.contains("exam:"), "an article page has no kind block");
    // It builds and is published at its pinyin URL.
    let o = build(&dir);
    assert_eq!(o.status.code(), Some(0), "{}", outputs(&o));
    let doc = html(
        &dir.join("public"),
        "xinde/liang-xue-yi-zuo-xue-xi-ti-hui/index.html",
    );
    assert_eq!(text_of_h1(&doc), "两学一做学习体会");
}

fn text_of_h1(doc: &scraper::Html) -> String {
    text(doc, "article h1")
}

#[test]
fn new_in_an_exam_column_writes_an_exam_skeleton() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("site");
    init(&dir);
    let before = today_cn();
    let o = new(&dir, "zhenti", "2024年考研政治");
    let after = today_cn();
    assert_eq!(o.status.code(), Some(0), "{}", outputs(&o));
    let file = dir.join("content/zhenti/2024-nian-kao-yan-zheng-zhi.md");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.lines().any(|l| l == "exam:"), "{text}");
    assert!(text.contains("questions:"), "{text}");
    assert!(
        text.lines()
            .any(|l| l == format!("date: {before}") || l == format!("date: {after}")),
        "{text}"
    );
}

#[test]
fn new_pages_of_every_kind_build_as_written() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("site");
    init(&dir);
    for (col, title) in [
        ("xianjin", "新的先进事迹"),
        ("shumu", "新的书目"),
        ("zhenti", "新的真题"),
        ("zhiyuan", "新的志愿活动"),
        ("xinde", "新的心得"),
    ] {
        let o = new(&dir, col, title);
        assert_eq!(o.status.code(), Some(0), "{col}: {}", outputs(&o));
    }
    let o = build(&dir);
    assert_eq!(
        o.status.code(),
        Some(0),
        "a skeleton from `lanmu new` does not build:\n{}",
        outputs(&o)
    );
    assert!(
        dir.join("public/zhenti/xin-de-zhen-ti/index.html")
            .is_file()
    );
}

#[test]
fn new_finds_a_column_by_its_title() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("site");
    init(&dir);
    let o = new(&dir, "学习心得", "按标题找栏目");
    assert_eq!(o.status.code(), Some(0), "{}", outputs(&o));
    assert!(
        dir.join("content/xinde/an-biao-ti-zhao-lan-mu.md")
            .is_file()
    );
}

#[test]
fn new_refuses_existing_files_and_unknown_columns() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("site");
    init(&dir);
    let existing = dir.join("content/xinde/shi-li.md");
    let before = std::fs::read(&existing).unwrap();
    let o = new(&dir, "xinde", "shi li");
    assert_eq!(o.status.code(), Some(2), "{}", outputs(&o));
    assert_eq!(
        std::fs::read(&existing).unwrap(),
        before,
        "an existing page was overwritten"
    );
    let o = new(&dir, "meiyou", "标题");
    assert_eq!(o.status.code(), Some(2), "{}", outputs(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("meiyou"));
}

#[test]
fn build_of_a_broken_site_exits_1_with_path_and_line() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("site");
    init(&dir);
    let o = build(&dir);
    assert_eq!(o.status.code(), Some(0), "{}", outputs(&o));
    let before = snapshot(&dir.join("public"));
    std::fs::write(
        dir.join("content/xinde/shi-li.md"),
        "---\ntitle: 示例\ndate: 明天\n---\n\n正文\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("content/xinde/bad-link.md"),
        "---\ntitle: 坏链接\ndate: 2024-05-01\n---\n\n第一段\n\n[x](nowhere.md)\n",
    )
    .unwrap();
    let o = build(&dir);
    assert_eq!(o.status.code(), Some(1), "{}", outputs(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("content/xinde/shi-li.md:3"), "{err}");
    assert!(err.contains("content/xinde/bad-link.md:8"), "{err}");
    assert!(err.contains("明天"), "{err}");
    assert!(err.contains("生成失败"), "{err}");
    assert!(!String::from_utf8_lossy(&o.stdout).contains("已生成"));
    assert_same(
        &before,
        &snapshot(&dir.join("public")),
        "public/ after a failed CLI build",
    );
}

#[test]
fn build_without_a_config_is_a_usage_error() {
    let t = tempfile::tempdir().unwrap();
    let o = build(t.path());
    assert_eq!(o.status.code(), Some(2), "{}", outputs(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("lanmu init"));
}

#[test]
fn bad_arguments_are_usage_errors() {
    let o = lanmu_str(&["build", "--no-such-flag"]);
    assert_eq!(o.status.code(), Some(2), "{}", outputs(&o));
    let o = lanmu_str(&["new", "only-one-arg"]);
    assert_eq!(o.status.code(), Some(2), "{}", outputs(&o));
    let t = tempfile::tempdir().unwrap();
    init(&t.path().join("s"));
    let o = lanmu(&[
        "build".as_ref(),
        "--root".as_ref(),
        t.path().join("s").as_os_str(),
        "--base-url".as_ref(),
        "dangjian".as_ref(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", outputs(&o));
    assert!(!t.path().join("s/public").exists());
}

#[test]
fn build_flags_base_url_output_and_drafts() {
    let f = standard_site();
    write_photo(&f);
    let out = f.tmp.path().join("out");
    let o = lanmu(&[
        "build".as_ref(),
        "--root".as_ref(),
        f.root.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
        "--base-url".as_ref(),
        "https://dj.example.org/x".as_ref(),
        "--drafts".as_ref(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", outputs(&o));
    assert!(!f.public().exists(), "built into public/ despite -o");
    let doc = html(&out, "xinde/cao-gao/index.html");
    assert_eq!(
        attrs(&doc, "link[rel=canonical]", "href"),
        vec!["https://dj.example.org/x/xinde/cao-gao/"]
    );
    let (_, c, t) = summary(&String::from_utf8_lossy(&o.stdout));
    assert_eq!((c, t), (3, 3));
}

#[test]
fn fix_encoding_flag_converts_and_builds() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("site");
    init(&dir);
    let page = dir.join("content/xinde/shi-li.md");
    let text = std::fs::read_to_string(&page).unwrap();
    let gbk = encoding_rs::GBK.encode(&text).0.into_owned();
    std::fs::write(&page, &gbk).unwrap();
    let o = build(&dir);
    assert_eq!(o.status.code(), Some(1), "{}", outputs(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--fix-encoding"));
    let o = lanmu(&[
        "build".as_ref(),
        "--root".as_ref(),
        dir.as_os_str(),
        "--fix-encoding".as_ref(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", outputs(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("shi-li.md"),
        "{}",
        outputs(&o)
    );
    assert_eq!(std::fs::read_to_string(&page).unwrap(), text);
    assert_eq!(
        std::fs::read(dir.join("content/xinde/shi-li.md.gbk.bak")).unwrap(),
        gbk
    );
}

#[test]
fn english_sites_get_an_english_summary() {
    let f = Fixture::new(&[
        ("config.yaml", &config("language: en\n")),
        (
            "content/a/x.md",
            &page("title: x\ndate: 2024-05-01\ntags: [a, b]", "\ntext\n"),
        ),
    ]);
    let o = lanmu(&["build".as_ref(), "--root".as_ref(), f.root.as_os_str()]);
    assert_eq!(o.status.code(), Some(0), "{}", outputs(&o));
    let s = String::from_utf8_lossy(&o.stdout);
    let line = s.lines().next().unwrap_or("");
    let n: usize = line
        .strip_prefix("Built ")
        .and_then(|r| r.split_once(" pages (1 columns, 2 tags) in "))
        .and_then(|(n, _)| n.parse().ok())
        .unwrap_or_else(|| panic!("{s}"));
    assert!(n > 0 && line.ends_with(" s"), "{s}");
}

#[test]
fn warnings_are_printed_but_the_build_succeeds() {
    let (f, _) = built_standard();
    f.write(
        "content/xinde/zao-qi.md",
        "---\ntitle: 早期的心得\ndate: 2024-03-01\n---\n\n见[党史](dang-shi.md#没有这一节)。\n"
            .as_bytes(),
    );
    let o = lanmu(&["build".as_ref(), "--root".as_ref(), f.root.as_os_str()]);
    assert_eq!(o.status.code(), Some(0), "{}", outputs(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("content/xinde/zao-qi.md:6") && err.contains("警告"),
        "{err}"
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("已生成"));
}
