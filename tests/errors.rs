//! Content errors: each names the file and line with a message an editor can
//! act on, and a failed build leaves the previous `public/` byte-for-byte
//! as it was.

mod common;

use common::*;
use lanmu::error::{Diagnostic, Severity};
use lanmu::pipeline::BuildOptions;

/// Builds the standard site into `public/`, applies `change`, builds again
/// (which must fail) and checks `public/` was not touched. Returns the
/// fixture and the diagnostics.
fn fails_after(change: impl FnOnce(&Fixture)) -> (Fixture, Vec<Diagnostic>) {
    let (f, out) = built_standard();
    let before = snapshot(&out);
    let before_dirs = dirs(&out);
    assert!(before.contains_key("index.html"));
    change(&f);
    let d = f.build_err();
    assert_same(&before, &snapshot(&out), "public/ after a failed build");
    assert_eq!(
        before_dirs,
        dirs(&out),
        "folders of public/ after a failed build"
    );
    // No staging or backup folder is left beside it.
    let leftovers: Vec<String> = std::fs::read_dir(&f.root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public"))
        .collect();
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
    (f, d)
}

/// The diagnostics that are errors.
fn errors(d: &[Diagnostic]) -> Vec<&Diagnostic> {
    d.iter().filter(|x| x.severity == Severity::Error).collect()
}

fn both(d: &Diagnostic) -> String {
    let mut s = format!("{} / {}", d.message.zh, d.message.en);
    if let Some(h) = &d.hint {
        s.push_str(&format!(" / {} / {}", h.zh, h.en));
    }
    s
}

const ZAO_QI: &str = "content/xinde/zao-qi.md";

#[test]
fn invalid_yaml_is_reported_at_its_line() {
    let (_f, d) = fails_after(|f| {
        f.write(
            ZAO_QI,
            "---\ntitle: 早期的心得\ndate: 2024-03-01\nsummary: 第一点: 第二点\n---\n\n正文\n"
                .as_bytes(),
        );
    });
    let e = only(&d, "yaml");
    assert_eq!(diag_path(e), ZAO_QI);
    assert_eq!(e.line, Some(4), "{}", show(&d));
    assert!(e.message.zh.contains("YAML"), "{}", both(e));
    assert!(e.hint.is_some());
}

#[test]
fn full_width_colon_gets_a_hint() {
    let (_f, d) = fails_after(|f| {
        f.write(
            ZAO_QI,
            "---\ntitle：早期的心得\ndate: 2024-03-01\n---\n\n正文\n".as_bytes(),
        );
    });
    let e = errors(&d)[0];
    assert_eq!(diag_path(e), ZAO_QI);
    let hint = e.hint.as_ref().expect("a hint");
    assert!(
        hint.zh.contains("全角") && hint.zh.contains("第 2 行"),
        "{}",
        both(e)
    );
}

#[test]
fn unclosed_front_matter_is_reported() {
    let (_f, d) = fails_after(|f| {
        f.write(
            ZAO_QI,
            "---\ntitle: 早期的心得\ndate: 2024-03-01\n\n正文没有结束线。\n".as_bytes(),
        );
    });
    let e = only(&d, "front-matter");
    assert_eq!(diag_path(e), ZAO_QI);
    assert_eq!(e.line, Some(1));
    assert!(e.message.zh.contains("没有结束"), "{}", both(e));
    assert!(e.message.en.contains("not closed"), "{}", both(e));
    assert!(e.hint.as_ref().unwrap().zh.contains("---"));
}

#[test]
fn invalid_date_is_reported_at_its_line() {
    let (_f, d) = fails_after(|f| {
        f.write(
            ZAO_QI,
            "---\ntitle: 早期的心得\ntags: [理论学习]\ndate: 明天\n---\n\n正文\n".as_bytes(),
        );
    });
    let e = only(&d, "date");
    assert_eq!(diag_path(e), ZAO_QI);
    assert_eq!(e.line, Some(4));
    assert!(
        e.message.zh.contains("明天") && e.message.zh.contains("不是有效日期"),
        "{}",
        both(e)
    );
    assert!(e.hint.as_ref().unwrap().zh.contains("2024-05-01"));
}

#[test]
fn missing_title_and_date_are_reported() {
    let (_f, d) = fails_after(|f| {
        f.write(ZAO_QI, "---\ntags: [理论学习]\n---\n\n正文\n".as_bytes());
    });
    let e = errors(&d);
    assert_eq!(e.len(), 2, "{}", show(&d));
    assert!(e.iter().all(|x| diag_path(x) == ZAO_QI && x.line.is_some()));
    assert!(
        e.iter().any(|x| x.message.zh.contains("title")),
        "{}",
        show(&d)
    );
    assert!(
        e.iter().any(|x| x.message.zh.contains("date")),
        "{}",
        show(&d)
    );
}

#[test]
fn page_without_front_matter_is_reported() {
    let (_f, d) = fails_after(|f| {
        f.write(ZAO_QI, "# 只有正文\n\n没有 front matter。\n".as_bytes());
    });
    let e = only(&d, "front-matter");
    assert_eq!(diag_path(e), ZAO_QI);
    assert_eq!(e.line, Some(1));
    assert!(e.hint.as_ref().unwrap().zh.contains("title:"));
}

#[test]
fn unknown_page_key_suggests_the_right_one() {
    let (_f, d) = fails_after(|f| {
        f.write(
            ZAO_QI,
            "---\ndate: 2024-03-01\ntitel: 早期的心得\n---\n\n正文\n".as_bytes(),
        );
    });
    let e = only(&d, "unknown-key");
    assert_eq!(diag_path(e), ZAO_QI);
    assert_eq!(e.line, Some(3));
    assert!(e.message.zh.contains("titel"), "{}", both(e));
    let hint = e.hint.as_ref().unwrap();
    assert!(
        hint.zh.contains("`title`") && hint.en.contains("did you mean `title`"),
        "{}",
        both(e)
    );
}

#[test]
fn wrong_value_type_is_explained() {
    let (_f, d) = fails_after(|f| {
        f.write(
            ZAO_QI,
            "---\ntitle: 早期的心得\ndate: 2024-03-01\ndraft: 也许\n---\n\n正文\n".as_bytes(),
        );
    });
    let e = errors(&d)[0];
    assert_eq!(diag_path(e), ZAO_QI);
    assert!(
        e.message.zh.contains("draft") && e.message.zh.contains("true 或 false"),
        "{}",
        both(e)
    );
    assert_eq!(e.line, Some(4), "{}", show(&d));
}

#[test]
fn unknown_config_key_suggests_the_right_one() {
    let (_f, d) = fails_after(|f| {
        let cfg = read(&f.root, "config.yaml");
        let line = cfg.lines().count() + 1;
        f.write("config.yaml", format!("{cfg}paginte_by: 3\n").as_bytes());
        assert_eq!(line, 8);
    });
    let e = only(&d, "unknown-key");
    assert_eq!(diag_path(e), "config.yaml");
    assert_eq!(e.line, Some(8));
    assert!(e.message.zh.contains("paginte_by"));
    assert!(
        e.hint
            .as_ref()
            .unwrap()
            .en
            .contains("did you mean `paginate_by`"),
        "{}",
        both(e)
    );
}

#[test]
fn unknown_nested_config_key_suggests_the_right_one() {
    let (_f, d) = fails_after(|f| {
        let cfg = read(&f.root, "config.yaml").replace("unsafe_html: false", "unsafe_htm: false");
        f.write("config.yaml", cfg.as_bytes());
    });
    let e = only(&d, "unknown-key");
    assert_eq!(diag_path(e), "config.yaml");
    assert_eq!(e.line, Some(7), "{}", show(&d));
    assert!(e.message.zh.contains("unsafe_htm"));
    assert!(
        e.hint.as_ref().unwrap().en.contains("`unsafe_html`"),
        "{}",
        both(e)
    );
}

#[test]
fn invalid_base_url_is_reported() {
    let (_f, d) = fails_after(|f| {
        let cfg = read(&f.root, "config.yaml")
            .replace("https://www.example.edu.cn/dangjian/", "/dangjian/");
        f.write("config.yaml", cfg.as_bytes());
    });
    let e = errors(&d)[0];
    assert_eq!(diag_path(e), "config.yaml");
    assert_eq!(e.line, Some(3));
    assert!(e.message.zh.contains("base_url"), "{}", both(e));
}

#[test]
fn duplicate_urls_name_both_files() {
    let (_f, d) = fails_after(|f| {
        f.write(
            "content/xinde/another.md",
            page(
                "title: 另一篇\ndate: 2024-02-01\nslug: dang-shi",
                "\n正文\n",
            )
            .as_bytes(),
        );
    });
    let e = only(&d, "duplicate-url");
    let all = format!("{} {} {}", diag_path(e), e.message.zh, e.message.en);
    assert!(all.contains("content/xinde/another.md"), "{all}");
    assert!(all.contains("content/xinde/dang-shi.md"), "{all}");
    assert!(
        e.message.zh.contains("/dangjian/xinde/dang-shi/"),
        "{}",
        both(e)
    );
    assert!(e.hint.as_ref().unwrap().zh.contains("slug"));
}

#[test]
fn chinese_and_pinyin_file_names_with_the_same_slug_collide() {
    let (_f, d) = fails_after(|f| {
        // 党史.md → dang-shi, like dang-shi.md.
        f.write(
            "content/xinde/党史.md",
            page("title: 同名\ndate: 2024-01-01", "\n正文\n").as_bytes(),
        );
    });
    let e = only(&d, "duplicate-url");
    let all = format!("{} {}", diag_path(e), e.message.zh);
    assert!(
        all.contains("content/xinde/党史.md") && all.contains("content/xinde/dang-shi.md"),
        "{all}"
    );
}

#[test]
fn alias_over_an_existing_page_is_reported_at_its_line() {
    let (_f, d) = fails_after(|f| {
        f.write(
            ZAO_QI,
            "---\ntitle: 早期的心得\ndate: 2024-03-01\naliases: [xinde/dang-shi/]\n---\n\n正文\n"
                .as_bytes(),
        );
    });
    let e = only(&d, "duplicate-url");
    assert_eq!(diag_path(e), ZAO_QI);
    assert_eq!(e.line, Some(4));
    assert!(
        e.message.zh.contains("content/xinde/dang-shi.md"),
        "{}",
        both(e)
    );
}

#[test]
fn broken_markdown_link_names_the_file_and_the_target() {
    let (_f, d) = fails_after(|f| {
        f.write(
            ZAO_QI,
            "---\ntitle: 早期的心得\ndate: 2024-03-01\n---\n\n第一段。\n\n见[不存在的文章](bu-cun-zai.md)。\n".as_bytes(),
        );
    });
    let e = only(&d, "link");
    assert_eq!(diag_path(e), ZAO_QI);
    assert_eq!(e.line, Some(8));
    assert!(e.message.zh.contains("bu-cun-zai.md"), "{}", both(e));
    assert!(
        e.message.zh.contains("content/xinde/bu-cun-zai.md"),
        "{}",
        both(e)
    );
}

#[test]
fn broken_image_and_escaping_links_are_reported() {
    let (_f, d) = fails_after(|f| {
        f.write(
            ZAO_QI,
            "---\ntitle: 早期的心得\ndate: 2024-03-01\n---\n\n![图](tu.png)\n\n[外面](../../../etc/passwd)\n".as_bytes(),
        );
    });
    let e = errors(&d);
    assert_eq!(e.len(), 2, "{}", show(&d));
    assert!(e.iter().all(|x| x.code == "link" && diag_path(x) == ZAO_QI));
    let mut lines: Vec<Option<usize>> = e.iter().map(|x| x.line).collect();
    lines.sort();
    assert_eq!(lines, vec![Some(6), Some(8)]);
    assert!(e.iter().any(|x| x.message.zh.contains("tu.png")));
    assert!(
        e.iter().any(|x| x.message.zh.contains("content 目录之外")),
        "{}",
        show(&d)
    );
}

#[test]
fn broken_in_page_anchor_is_an_error() {
    let (_f, d) = fails_after(|f| {
        f.write(
            ZAO_QI,
            "---\ntitle: 早期的心得\ndate: 2024-03-01\n---\n\n## 第一节\n\n[跳转](#第二节)\n"
                .as_bytes(),
        );
    });
    let e = only(&d, "link");
    assert_eq!(diag_path(e), ZAO_QI);
    assert_eq!(e.line, Some(8));
    assert!(e.message.zh.contains("第二节"));
}

#[test]
fn missing_anchor_on_another_page_is_a_warning_with_a_line() {
    let (f, _) = built_standard();
    f.write(
        ZAO_QI,
        "---\ntitle: 早期的心得\ndate: 2024-03-01\n---\n\n见[党史](dang-shi.md#没有这一节)。\n"
            .as_bytes(),
    );
    let b = f.build();
    let w: Vec<&Diagnostic> = b.warnings.iter().filter(|x| x.code == "anchor").collect();
    assert_eq!(w.len(), 1, "{}", show(&b.warnings));
    assert_eq!(diag_path(w[0]), ZAO_QI);
    assert_eq!(w[0].line, Some(6));
    assert!(w[0].message.zh.contains("没有这一节"));
}

#[test]
fn unknown_column_kind_lists_the_kinds() {
    let (_f, d) = fails_after(|f| {
        f.write(
            "content/xianjin/_index.md",
            "---\ntitle: 先进事迹\ndescription: 身边的榜样\nkind: magazine\n---\n".as_bytes(),
        );
    });
    let e = only(&d, "kind");
    assert_eq!(diag_path(e), "content/xianjin/_index.md");
    assert_eq!(e.line, Some(4));
    assert!(e.message.zh.contains("magazine"), "{}", both(e));
    let hint = e.hint.as_ref().unwrap();
    for k in ["article", "member", "book", "exam", "report"] {
        assert!(hint.en.contains(k), "{}", both(e));
    }
}

#[test]
fn template_syntax_error_points_at_the_site_template() {
    let (_f, d) = fails_after(|f| {
        f.write(
            "templates/page.html",
            "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ page.title }}</h1>\n{% if %}\n{% endblock content %}\n"
                .as_bytes(),
        );
    });
    let e = only(&d, "template");
    assert_eq!(diag_path(e), "templates/page.html");
    assert_eq!(e.line, Some(4), "{}", show(&d));
    assert!(e.message.zh.starts_with("模板错误"), "{}", both(e));
}

/// A site override of the (standalone) alias template with `line4` on line 4.
fn alias_template(line4: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html>\n<head><title>跳转</title></head>\n<body>{line4}</body>\n</html>\n"
    )
}

#[test]
fn template_rendering_error_points_at_the_template_and_page() {
    let (_f, d) = fails_after(|f| {
        f.write(
            "templates/alias.html",
            alias_template("{{ no_such_variable }}").as_bytes(),
        );
    });
    let e = only(&d, "template");
    assert_eq!(diag_path(e), "templates/alias.html", "{}", show(&d));
    assert_eq!(e.line, Some(4), "{}", show(&d));
    assert!(e.message.en.contains("no_such_variable"), "{}", both(e));
    // The hint names the page being rendered (the one with the alias).
    let hint = e.hint.as_ref().unwrap();
    assert!(hint.zh.contains("content/xinde/dang-shi.md"), "{}", both(e));
}

#[test]
fn unknown_filter_points_at_the_site_template() {
    let (_f, d) = fails_after(|f| {
        f.write(
            "templates/alias.html",
            alias_template("{{ target | no_such_filter }}").as_bytes(),
        );
    });
    let e = only(&d, "template");
    assert!(both(e).contains("no_such_filter"), "{}", both(e));
    assert_eq!(diag_path(e), "templates/alias.html", "{}", show(&d));
    assert_eq!(e.line, Some(4), "{}", show(&d));
}

#[test]
fn gbk_file_is_reported_with_the_fix_encoding_hint() {
    let text = "---\ntitle: 早期的心得\ndate: 2024-03-01\n---\n\n最早的一篇，用记事本保存。\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    let gbk = gbk.into_owned();
    let (f, d) = fails_after(|f| f.write(ZAO_QI, &gbk));
    let e = only(&d, "encoding");
    assert_eq!(diag_path(e), ZAO_QI);
    assert_eq!(e.line, Some(1));
    assert!(
        e.message.zh.contains("GBK") && e.message.en.contains("GBK"),
        "{}",
        both(e)
    );
    assert!(
        e.hint.as_ref().unwrap().zh.contains("--fix-encoding"),
        "{}",
        both(e)
    );
    // The failed build did not touch the file.
    assert_eq!(std::fs::read(f.root.join(ZAO_QI)).unwrap(), gbk);
    assert!(!f.root.join("content/xinde/zao-qi.md.gbk.bak").exists());
}

#[test]
fn fix_encoding_converts_and_keeps_a_backup() {
    let text = "---\ntitle: 早期的心得\ndate: 2024-03-01\n---\n\n最早的一篇，用记事本保存。\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    let gbk = gbk.into_owned();
    let (f, _) = built_standard();
    f.write(ZAO_QI, &gbk);
    let cfg_gbk = encoding_rs::GBK
        .encode(&read(&f.root, "config.yaml"))
        .0
        .into_owned();
    f.write("config.yaml", &cfg_gbk);
    build_ok(&BuildOptions {
        fix_encoding: true,
        ..f.opts()
    });
    assert_eq!(std::fs::read_to_string(f.root.join(ZAO_QI)).unwrap(), text);
    assert_eq!(
        std::fs::read(f.root.join("content/xinde/zao-qi.md.gbk.bak")).unwrap(),
        gbk
    );
    assert_eq!(
        std::fs::read(f.root.join("config.yaml.gbk.bak")).unwrap(),
        cfg_gbk
    );
    assert!(std::str::from_utf8(&std::fs::read(f.root.join("config.yaml")).unwrap()).is_ok());
    let out = f.public();
    let doc = html(&out, "xinde/zao-qi/index.html");
    assert_eq!(text_of(&doc), "早期的心得");
    assert!(read(&out, "xinde/zao-qi/index.html").contains("最早的一篇，用记事本保存。"));
    // Backups are not published.
    assert!(!snapshot(&out).keys().any(|k| k.contains(".bak")));
    // A second run converts nothing and keeps the backup as it is.
    build_ok(&BuildOptions {
        fix_encoding: true,
        ..f.opts()
    });
    assert_eq!(
        std::fs::read(f.root.join("content/xinde/zao-qi.md.gbk.bak")).unwrap(),
        gbk
    );
}

fn text_of(doc: &scraper::Html) -> String {
    text(doc, "article h1")
}

#[test]
fn gbk_config_is_reported_as_config() {
    let (_f, d) = fails_after(|f| {
        let cfg = encoding_rs::GBK
            .encode(&read(&f.root, "config.yaml"))
            .0
            .into_owned();
        f.write("config.yaml", &cfg);
    });
    let e = only(&d, "encoding");
    assert_eq!(diag_path(e), "config.yaml");
    assert!(e.message.zh.contains("GBK"));
}

#[test]
fn binary_file_with_md_name_is_reported() {
    let (_f, d) = fails_after(|f| f.write("content/xinde/video.md", b"\x00\x00\x00\x18ftypmp42"));
    let e = only(&d, "encoding");
    assert_eq!(diag_path(e), "content/xinde/video.md");
    assert!(e.message.zh.contains("二进制"), "{}", both(e));
}

#[test]
fn all_errors_of_all_files_are_reported_together() {
    let (_f, d) = fails_after(|f| {
        f.write(
            ZAO_QI,
            "---\ntitle: 早期的心得\ndate: 明天\n---\n\n正文\n".as_bytes(),
        );
        f.write(
            "content/xianjin/zhang-san.md",
            "---\ntitle: 张三\ndate: 2024-02-01\n---\n\n[坏链接](nope.md)\n".as_bytes(),
        );
        f.write(
            "content/xianjin/_index.md",
            "---\ntitle: 先进事迹\nkind: hero\n---\n".as_bytes(),
        );
    });
    let e = errors(&d);
    let mut found: Vec<(String, &str, Option<usize>)> =
        e.iter().map(|x| (diag_path(x), x.code, x.line)).collect();
    found.sort();
    assert_eq!(
        found,
        vec![
            ("content/xianjin/_index.md".to_string(), "kind", Some(3)),
            ("content/xianjin/zhang-san.md".to_string(), "link", Some(6)),
            (ZAO_QI.to_string(), "date", Some(3)),
        ],
        "{}",
        show(&d)
    );
}

#[test]
fn missing_config_is_a_clear_error() {
    let t = tempfile::tempdir().unwrap();
    match lanmu::pipeline::build(&BuildOptions::new(t.path())) {
        Err(lanmu::error::Error::Other(m)) => {
            assert!(m.contains("config.yaml") && m.contains("lanmu init"), "{m}");
        }
        Err(e) => panic!("unexpected error: {e}"),
        Ok(_) => panic!("built without a config"),
    }
    assert!(!t.path().join("public").exists());
}

#[test]
fn zero_paginate_by_in_a_column_is_reported() {
    let (_f, d) = fails_after(|f| {
        f.write(
            "content/xinde/_index.md",
            "---\ntitle: 学习心得\npaginate_by: 0\n---\n".as_bytes(),
        );
    });
    let e = errors(&d)[0];
    assert_eq!(diag_path(e), "content/xinde/_index.md");
    assert_eq!(e.line, Some(3));
    assert!(e.message.zh.contains("paginate_by"));
}

#[test]
fn impossible_calendar_date_is_reported() {
    let (_f, d) = fails_after(|f| {
        f.write(
            ZAO_QI,
            "---\ntitle: 早期的心得\ndate: 2024-02-30\n---\n\n正文\n".as_bytes(),
        );
    });
    let e = only(&d, "date");
    assert_eq!(e.line, Some(3));
    assert!(e.message.zh.contains("2024-02-30"));
}

#[test]
fn a_content_file_at_a_generated_url_is_a_duplicate() {
    for (file, other) in [
        (
            "content/xinde/dang-shi/index.html",
            "content/xinde/dang-shi.md",
        ),
        ("content/xinde/rss.xml", "rss.xml"),
    ] {
        let (_f, d) = fails_after(|f| f.write(file, b"<p>old CMS export</p>"));
        let e = only(&d, "duplicate-url");
        let all = format!("{} {}", diag_path(e), e.message.zh);
        assert!(all.contains(file), "{all}");
        assert!(all.contains(other), "{all}");
    }
}

#[test]
fn an_alias_over_a_term_page_is_a_duplicate() {
    let (_f, d) = fails_after(|f| {
        f.write(
            ZAO_QI,
            "---\ntitle: 早期的心得\ndate: 2024-03-01\naliases: [tags/dang-shi/]\n---\n\n正文\n"
                .as_bytes(),
        );
    });
    let e = only(&d, "duplicate-url");
    assert_eq!(diag_path(e), ZAO_QI);
    assert!(
        e.message.zh.contains("/dangjian/tags/dang-shi/"),
        "{}",
        both(e)
    );
}

#[test]
fn an_alias_to_the_page_itself_does_not_replace_it() {
    let (f, out) = built_standard();
    f.write(
        "content/xinde/dang-shi.md",
        page("title: 党史学习\ndate: 2024-04-01 09:30\ntags: [党史, 理论学习]\naliases: [xinde/dang-shi/]", "\n## 学习收获\n\n收获。\n").as_bytes(),
    );
    match lanmu::pipeline::build(&f.opts()) {
        // Reporting it is fine: it must name the file and the aliases line.
        Err(lanmu::error::Error::Content(d)) => {
            assert!(
                d.iter()
                    .any(|x| diag_path(x) == "content/xinde/dang-shi.md" && x.line == Some(5)),
                "{}",
                show(&d)
            );
        }
        Err(e) => panic!("{e}"),
        // Building is fine too, as long as the page is still the page.
        Ok(_) => {
            let doc = html(&out, "xinde/dang-shi/index.html");
            assert!(
                attrs(&doc, "meta[http-equiv=refresh]", "content").is_empty(),
                "the page redirects to itself"
            );
            assert_eq!(text(&doc, "article h1"), "党史学习");
        }
    }
}
