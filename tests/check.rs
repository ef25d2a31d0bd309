//! `lanmu check`: every check, the JSON schema, exit codes and `--fix`.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;

use lanmu::check::{self, CheckOptions, CheckReport};
use lanmu::error::{Diagnostic, Severity};

const CONFIG: &str = "title: 测试站点\nbase_url: https://www.example.edu.cn/dj/\ntaxonomies: [tags]\nmarkdown:\n  unsafe_html: true\n";

/// A site with `files` (paths relative to the root) and a default config.
fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "config.yaml", CONFIG);
    for (p, text) in files {
        write(dir.path(), p, text);
    }
    dir
}

fn write(root: &Path, rel: &str, text: impl AsRef<[u8]>) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn page(title: &str, tags: &str, body: &str) -> String {
    format!("---\ntitle: {title}\ndate: 2024-05-01\ntags: {tags}\n---\n{body}")
}

fn run(root: &Path) -> CheckReport {
    check::run(&CheckOptions::new(root)).unwrap()
}

fn with_code<'a>(r: &'a CheckReport, code: &str) -> Vec<&'a Diagnostic> {
    r.diagnostics.iter().filter(|d| d.code == code).collect()
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_lanmu"))
}

/// Two pages sharing their tags, so the taxonomy checks stay quiet.
fn clean_pages() -> Vec<(&'static str, String)> {
    vec![
        (
            "content/xinde/a.md",
            page(
                "甲",
                "[党史学习, 理论学习]",
                "正文。\n\n## 学习收获\n\n内容。\n",
            ),
        ),
        (
            "content/xinde/b.md",
            page("乙", "[党史学习, 理论学习]", "见[甲](a.md#学习收获)。\n"),
        ),
    ]
}

fn site_with(extra: &[(&'static str, String)]) -> tempfile::TempDir {
    let mut files = clean_pages();
    files.extend(extra.iter().cloned());
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    site(&refs)
}

#[test]
fn clean_site_has_no_diagnostics_and_writes_nothing() {
    let s = site_with(&[]);
    let r = run(s.path());
    assert!(r.diagnostics.is_empty(), "{}", r.text());
    assert!(
        r.checked.sources >= 2 && r.checked.outputs > 5,
        "{:?}",
        r.checked
    );
    assert!(
        !s.path().join("public").exists(),
        "check must not write output"
    );
    assert_eq!(r.exit_code(true), 0);
}

#[test]
fn demo_site_passes_with_deny_warnings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = bin()
        .args(["check", "--deny-warnings", "--root"])
        .arg(root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "demo site check failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn build_errors_are_reported_with_lines() {
    let s = site_with(&[
        (
            "content/xinde/c.md",
            page(
                "丙",
                "[党史学习]",
                "第一行\n\n[坏](nope.md)\n\n![图](missing.png)\n",
            ),
        ),
        (
            "content/xinde/d.md",
            "---\ntitle：全角冒号\ndate: 2024-05-01\n---\n".into(),
        ),
    ]);
    let r = run(s.path());
    let links = with_code(&r, "link");
    assert_eq!(links.len(), 2, "{}", r.text());
    assert!(links.iter().all(|d| d.severity == Severity::Error));
    let mut lines: Vec<_> = links.iter().map(|d| d.line).collect();
    lines.sort();
    assert_eq!(lines, vec![Some(8), Some(10)]);
    let yaml = with_code(&r, "yaml");
    assert_eq!(yaml.len(), 1, "{}", r.text());
    assert!(
        yaml[0].hint.as_ref().unwrap().zh.contains("全角"),
        "{:?}",
        yaml[0].hint
    );
    assert_eq!(r.exit_code(false), 1);
    // The site did not build, but the source checks still ran.
    assert!(r.checked.sources >= 3);
}

#[test]
fn missing_anchor_on_other_page_is_a_warning() {
    let s = site_with(&[(
        "content/xinde/c.md",
        page("丙", "[党史学习, 理论学习]", "见[甲](a.md#没有这节)。\n"),
    )]);
    let r = run(s.path());
    let a = with_code(&r, "anchor");
    assert_eq!(a.len(), 1, "{}", r.text());
    assert_eq!(a[0].path, Path::new("content/xinde/c.md"));
    assert_eq!(a[0].line, Some(6));
    assert_eq!(r.exit_code(false), 0);
    assert_eq!(r.exit_code(true), 1);
}

#[test]
fn rendered_html_links_are_resolved() {
    let body = "<a href=\"/dj/nowhere/\">坏</a> <img src=\"missing.png\" alt=\"x\"> <a href=\"#nope\">x</a>\n\n\
<a href=\"/dj/xinde/a/\">好</a> <a href=\"../a/\">好</a> <a href=\"/dj/xinde/%E4%B8%AD%E6%96%87/\">中文</a> \
<a href=\"https://www.example.edu.cn/dj/xinde/\">绝对</a> <a href=\"/dj/xinde\">无斜杠</a> <a href=\"#top\">顶</a>\n\n\
<a href=\"/\">学校首页</a> <a href=\"https://www.example.edu.cn/news/\">学校新闻</a> <a href=\"/xinde/a/\">少了基础路径</a>\n";
    let s = site_with(&[
        (
            "content/xinde/c.md",
            page("丙", "[党史学习, 理论学习]", body),
        ),
        (
            "content/xinde/中文.md",
            page("中文页", "[党史学习, 理论学习]", "内容。\n"),
        ),
    ]);
    let mut cfg = std::fs::read_to_string(s.path().join("config.yaml")).unwrap();
    cfg.push_str("slugify: unicode\n");
    write(s.path(), "config.yaml", cfg);
    let r = run(s.path());
    let html = with_code(&r, "html-link");
    let targets: Vec<&str> = html.iter().map(|d| d.message.en.as_str()).collect();
    assert_eq!(html.len(), 3, "{}", r.text());
    assert!(
        targets
            .iter()
            .any(|m| m.contains("`/xinde/a/`") && m.contains("`/dj/xinde/a/`")),
        "{targets:?}"
    );
    // The school's pages on the same host are external links.
    let urls: Vec<&str> = r.external.links.iter().map(|l| l.url.as_str()).collect();
    assert!(
        urls.contains(&"https://www.example.edu.cn/")
            && urls.contains(&"https://www.example.edu.cn/news/"),
        "{urls:?}"
    );
    assert!(
        targets.iter().any(|m| m.contains("/dj/nowhere/")),
        "{targets:?}"
    );
    assert!(
        targets
            .iter()
            .any(|m| m.contains("/dj/xinde/c/missing.png")),
        "{targets:?}"
    );
    assert!(
        html.iter()
            .all(|d| d.path == Path::new("public/xinde/c/index.html") && d.line.is_some())
    );
    assert!(
        html[0].message.en.contains("content/xinde/c.md"),
        "{}",
        html[0].message.en
    );
    let anchors = with_code(&r, "html-anchor");
    assert_eq!(anchors.len(), 1, "{}", r.text());
    assert!(anchors[0].message.en.contains("#nope"));
}

#[test]
fn template_links_are_reported_once() {
    let s = site_with(&[(
        "templates/term.html",
        "<!doctype html><html><body><a href=\"{{ site.home }}missing-policy/\">政策</a><a href=\"#main\">跳</a></body></html>".into(),
    )]);
    let r = run(s.path());
    let html = with_code(&r, "html-link");
    assert_eq!(html.len(), 1, "{}", r.text());
    assert!(
        html[0].message.en.contains("2 output files"),
        "{}",
        html[0].message.en
    );
    assert!(
        html[0].message.en.contains("2 occurrences"),
        "{}",
        html[0].message.en
    );
    let anchors = with_code(&r, "html-anchor");
    assert_eq!(
        anchors.len(),
        2,
        "one per page: the id is missing on each: {}",
        r.text()
    );
}

#[test]
fn taxonomy_hygiene() {
    let s = site_with(&[
        (
            "content/xinde/c.md",
            page("丙", "[党史 学习, 理论学习, 孤零零]", "内容。\n"),
        ),
        (
            "content/xinde/d.md",
            page("丁", "[党史学习教育, 党史学习教育, 理论学习]", "内容。\n"),
        ),
        (
            "content/xinde/e.md",
            page("戊", "[党史学习教育, ＡＩ]", "内容。\n"),
        ),
        (
            "content/xinde/f.md",
            page("己", "[ai, 理论学习]", "内容。\n"),
        ),
        (
            "content/xinde/g.md",
            "---\ntitle: 庚\ndate: 2024-05-01\n---\n内容。\n".into(),
        ),
    ]);
    let r = run(s.path());
    let once = with_code(&r, "term-once");
    assert_eq!(once.len(), 1, "{}", r.text());
    assert_eq!(once[0].path, Path::new("content/xinde/c.md"));
    assert!(once[0].message.zh.contains("孤零零"));
    assert_eq!(once[0].line, Some(4));
    let variants = with_code(&r, "term-variants");
    assert_eq!(variants.len(), 2, "{}", r.text());
    let all: String = variants.iter().map(|d| d.message.zh.clone()).collect();
    assert!(
        all.contains("`党史 学习`") && all.contains("`党史学习`"),
        "{all}"
    );
    assert!(
        all.contains("content/xinde/c.md") && all.contains("content/xinde/a.md"),
        "{all}"
    );
    assert!(all.contains("`ＡＩ`") && all.contains("`ai`"), "{all}");
    assert!(
        !all.contains("党史学习教育"),
        "党史学习 vs 党史学习教育 must not be flagged: {all}"
    );
    let none = with_code(&r, "no-tags");
    assert_eq!(none.len(), 1);
    assert_eq!(none[0].path, Path::new("content/xinde/g.md"));
    assert!(
        r.diagnostics
            .iter()
            .all(|d| d.severity == Severity::Warning),
        "{}",
        r.text()
    );
}

#[test]
fn typography_warnings_have_lines_and_columns() {
    let s = site_with(&[(
        "content/xinde/c.md",
        page(
            "学习Rust心得",
            "[党史学习, 理论学习]",
            "第一段没有问题。\n\n我们学习Rust语言,收获很大。\n\n`代码Code` [链接Link](a.md) <b>粗Bold</b>\n\n```\n代码Code,好\n```\n\n2024年5月1日。\n",
        ),
    )]);
    let r = run(s.path());
    let t = with_code(&r, "typography");
    let at: Vec<(Option<usize>, Option<usize>)> = t.iter().map(|d| (d.line, d.column)).collect();
    // Title (line 2), then body line 8: 学习|Rust, Rust|语言, `,`; nothing in code, links or HTML.
    assert!(at.contains(&(Some(2), Some(10))), "{at:?}\n{}", r.text());
    assert!(at.contains(&(Some(8), Some(5))), "{at:?}");
    assert!(at.contains(&(Some(8), Some(9))), "{at:?}");
    assert!(at.contains(&(Some(8), Some(11))), "{at:?}");
    assert!(
        t.iter().all(|d| d.line != Some(10) && d.line != Some(13)),
        "{at:?}"
    );
    assert!(t.iter().all(|d| d.severity == Severity::Warning));
    // Digits next to Chinese are not flagged by default.
    assert!(!r.text().contains("2024 年"), "{}", r.text());
    let strict = check::run(&CheckOptions {
        space_numbers: true,
        ..CheckOptions::new(s.path())
    })
    .unwrap();
    assert!(strict.text().contains("2024 年"), "{}", strict.text());
}

#[test]
fn fix_changes_only_prose_title_and_summary() {
    let src = "\u{feff}---\r\ntitle: 学习Rust心得\r\ndate: 2024-05-01\r\ntags: [党史学习, 理论学习]\r\nsummary: \"摘要Text,好\"\r\nauthor: 作者Name,某\r\nextra:\r\n  note: 备注Note\r\n---\r\n我们学习Rust语言,收获很大。\r\n\r\n`代码Code,好` [链接Link,好](a.md) 网址https://example.com/路径,好 <span title=\"属性Attr\">粗Bold</span>\r\n\r\n```\r\n代码Code,好\r\n```\r\n\r\n    缩进代码Code\r\n";
    let expected = "\u{feff}---\r\ntitle: 学习 Rust 心得\r\ndate: 2024-05-01\r\ntags: [党史学习, 理论学习]\r\nsummary: \"摘要 Text，好\"\r\nauthor: 作者Name,某\r\nextra:\r\n  note: 备注Note\r\n---\r\n我们学习 Rust 语言，收获很大。\r\n\r\n`代码Code,好` [链接Link,好](a.md) 网址 https://example.com/路径,好 <span title=\"属性Attr\">粗Bold</span>\r\n\r\n```\r\n代码Code,好\r\n```\r\n\r\n    缩进代码Code\r\n";
    let s = site_with(&[]);
    write(s.path(), "content/xinde/c.md", src);
    let out = bin()
        .args(["check", "--fix", "--root"])
        .arg(s.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let after = std::fs::read_to_string(s.path().join("content/xinde/c.md")).unwrap();
    assert_eq!(after, expected, "{stdout}");
    assert!(stdout.contains("content/xinde/c.md"), "{stdout}");
    // The fixed file no longer has typography warnings, and a second --fix changes nothing.
    let r = run(s.path());
    assert!(with_code(&r, "typography").is_empty(), "{}", r.text());
    let again = check::run(&CheckOptions {
        fix: true,
        ..CheckOptions::new(s.path())
    })
    .unwrap();
    assert!(again.fixed.is_empty());
    assert_eq!(
        std::fs::read_to_string(s.path().join("content/xinde/c.md")).unwrap(),
        expected
    );
    // Other files are untouched byte for byte.
    assert_eq!(
        std::fs::read_to_string(s.path().join("content/xinde/a.md")).unwrap(),
        clean_pages()[0].1
    );
}

#[test]
fn fix_leaves_unsafe_front_matter_alone() {
    // Applying the space would turn `#1` into a YAML comment: skipped.
    let src = "---\ntitle: 第一期#1学习Rust\ndate: 2024-05-01\ntags: [党史学习, 理论学习]\nsummary: >\n  摘要Text,好\n---\n正文。\n";
    let s = site_with(&[]);
    write(s.path(), "content/xinde/c.md", src);
    let r = check::run(&CheckOptions {
        fix: true,
        ..CheckOptions::new(s.path())
    })
    .unwrap();
    let after = std::fs::read_to_string(s.path().join("content/xinde/c.md")).unwrap();
    assert!(after.contains("summary: >\n  摘要Text,好\n"), "{after}");
    assert!(!with_code(&r, "typography").is_empty(), "{}", r.text());
}

#[test]
fn media_checks() {
    let big = vec![0u8; 600 * 1024];
    let s = site_with(&[
        (
            "content/xinde/c/index.md",
            page(
                "丙",
                "[党史学习, 理论学习]",
                "![](big.png)\n\n![有说明](big.png)\n",
            ),
        ),
        ("static/banner.jpg", String::new()),
    ]);
    write(s.path(), "content/xinde/c/big.png", &big);
    write(s.path(), "static/huge.webp", &big);
    let r = run(s.path());
    let size = with_code(&r, "image-size");
    let mut paths: Vec<String> = size.iter().map(|d| d.path.display().to_string()).collect();
    paths.sort();
    assert_eq!(
        paths,
        vec!["content/xinde/c/big.png", "static/huge.webp"],
        "{}",
        r.text()
    );
    let alt = with_code(&r, "image-alt");
    assert_eq!(alt.len(), 1, "{}", r.text());
    assert_eq!((alt[0].line, alt[0].column), (Some(6), Some(1)));
}

/// A tiny HTTP server on 127.0.0.1 answering `/ok` with 200 and anything
/// else with 404, for a bounded number of connections.
fn local_server(connections: usize) -> (u16, std::thread::JoinHandle<()>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let h = std::thread::spawn(move || {
        for _ in 0..connections {
            let Ok((mut s, _)) = l.accept() else { return };
            let mut buf = [0u8; 1024];
            let n = s.read(&mut buf).unwrap_or(0);
            let req = String::from_utf8_lossy(&buf[..n]);
            let status = if req.starts_with("HEAD /ok ") {
                "200 OK"
            } else {
                "404 Not Found"
            };
            let _ = s.write_all(
                format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .as_bytes(),
            );
        }
    });
    (port, h)
}

#[test]
fn external_links_are_counted_and_checked_only_on_request() {
    let (port, server) = local_server(2);
    // A port that was free a moment ago: nothing listens there.
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let body = format!(
        "[好](http://127.0.0.1:{port}/ok) [坏](http://127.0.0.1:{port}/missing) [又好](http://127.0.0.1:{port}/ok)\n\n\
[加密](https://www.12371.cn/) [不通](http://127.0.0.1:{closed}/x)\n"
    );
    let s = site_with(&[(
        "content/xinde/c.md",
        page("丙", "[党史学习, 理论学习]", &body),
    )]);
    let r = run(s.path());
    assert!(!r.external.checked);
    assert_eq!(
        (r.external.total, r.external.unique, r.external.unchecked),
        (5, 4, 4),
        "{:?}",
        r.external
    );
    assert!(r.text().contains("外部链接 5 个"), "{}", r.text());
    assert!(r.diagnostics.is_empty(), "{}", r.text());

    let r = check::run(&CheckOptions {
        external: true,
        external_settings: check::external::Settings {
            timeout: std::time::Duration::from_secs(3),
            concurrency: 2,
        },
        ..CheckOptions::new(s.path())
    })
    .unwrap();
    server.join().unwrap();
    assert!(r.external.checked);
    assert_eq!(
        (r.external.ok, r.external.broken, r.external.unchecked),
        (1, 1, 2),
        "{:?}",
        r.external
    );
    let broken = with_code(&r, "external-link");
    assert_eq!(broken.len(), 1);
    assert_eq!(
        (broken[0].line, broken[0].severity),
        (Some(6), Severity::Warning)
    );
    assert!(broken[0].message.en.contains("404"));
    assert_eq!(
        r.exit_code(false),
        0,
        "unreachable links never fail the check"
    );
}

#[test]
fn json_schema_is_stable() {
    let s = site_with(&[(
        "content/xinde/c.md",
        page(
            "丙",
            "[党史学习, 理论学习]",
            "[坏](nope.md)\n\n学习Rust。\n",
        ),
    )]);
    let out = bin()
        .args(["check", "--format", "json", "--root"])
        .arg(s.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["summary"]["errors"], 1);
    assert_eq!(v["summary"]["files"], 1);
    let ds = v["diagnostics"].as_array().unwrap();
    assert_eq!(
        v["summary"]["errors"].as_u64().unwrap() + v["summary"]["warnings"].as_u64().unwrap(),
        ds.len() as u64
    );
    const KEYS: [&str; 9] = [
        "path",
        "line",
        "column",
        "severity",
        "code",
        "message",
        "message_en",
        "hint",
        "hint_en",
    ];
    // Key order is part of the schema: check it in the text.
    let raw = String::from_utf8_lossy(&out.stdout);
    let first = &raw[raw.find("\"diagnostics\"").unwrap()..];
    let pos: Vec<usize> = KEYS
        .iter()
        .map(|k| first.find(&format!("\"{k}\":")).unwrap())
        .collect();
    assert!(pos.windows(2).all(|w| w[0] < w[1]), "{pos:?}\n{raw}");
    for d in ds {
        let mut keys: Vec<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort();
        let mut want = KEYS.to_vec();
        want.sort();
        assert_eq!(keys, want);
        assert!(matches!(d["severity"].as_str(), Some("error" | "warning")));
        assert!(d["path"].as_str().unwrap().starts_with("content/"));
    }
    let link = ds.iter().find(|d| d["code"] == "link").unwrap();
    assert_eq!(link["line"], 6);
    assert!(link["message"].as_str().unwrap().contains("不存在"));
    assert!(
        link["message_en"]
            .as_str()
            .unwrap()
            .contains("does not exist")
    );
    assert!(v["external"]["total"].is_u64());
}

#[test]
fn exit_codes() {
    let warn = site_with(&[(
        "content/xinde/c.md",
        page("丙", "[党史学习, 理论学习]", "学习Rust。\n"),
    )]);
    let code = |args: &[&str], root: &Path| {
        bin()
            .arg("check")
            .args(args)
            .arg("--root")
            .arg(root)
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(code(&[], warn.path()), Some(0));
    assert_eq!(code(&["--deny-warnings"], warn.path()), Some(1));
    let clean = site_with(&[]);
    assert_eq!(code(&["--deny-warnings"], clean.path()), Some(0));
    let err = site_with(&[("content/xinde/c.md", "---\ntitle: [\n---\n".into())]);
    assert_eq!(code(&[], err.path()), Some(1));
    // Usage errors.
    assert_eq!(code(&["--format", "xml"], clean.path()), Some(2));
    assert_eq!(code(&["--no-such-flag"], clean.path()), Some(2));
    let empty = tempfile::tempdir().unwrap();
    assert_eq!(
        code(&[], empty.path()),
        Some(2),
        "no config.yaml: wrong --root"
    );
}

#[test]
fn text_output_is_grouped_by_file() {
    let s = site_with(&[
        (
            "content/xinde/c.md",
            page("丙", "[党史学习, 理论学习]", "学习Rust。\n\n学习Go。\n"),
        ),
        (
            "content/xinde/d.md",
            page("丁", "[党史学习, 理论学习]", "学习Zig。\n"),
        ),
    ]);
    let out = bin()
        .args(["check", "--root"])
        .arg(s.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let c = text.find("content/xinde/c.md:6:3: 警告").expect(&text);
    let c2 = text.find("content/xinde/c.md:8:3: 警告").expect(&text);
    let d = text.find("content/xinde/d.md:6:3: 警告").expect(&text);
    assert!(c < c2 && c2 < d, "{text}");
    assert!(text.contains("提示: "), "{text}");
    assert!(
        text.contains("（add a space between Chinese and Latin text"),
        "Chinese with English for zh-CN: {text}"
    );
    assert!(
        text.contains("\n\ncontent/xinde/d.md"),
        "blank line between files: {text}"
    );
    assert!(
        text.trim_end()
            .lines()
            .last()
            .unwrap()
            .starts_with("检查完成"),
        "{text}"
    );
}

#[test]
fn english_sites_get_english_messages() {
    let s = site_with(&[(
        "content/xinde/c.md",
        page("丙", "[党史学习, 理论学习]", "学习Rust。\n"),
    )]);
    write(
        s.path(),
        "config.yaml",
        CONFIG.replace("taxonomies", "language: en\ntaxonomies"),
    );
    let r = run(s.path());
    let text = r.text();
    assert!(text.contains(": warning: add a space"), "{text}");
    assert!(!text.contains("警告"), "{text}");
    let json = check::json::to_json(&r);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        v["diagnostics"][0]["message"],
        v["diagnostics"][0]["message_en"]
    );
}

#[test]
fn broken_config_is_reported_not_crashed() {
    let s = site_with(&[]);
    write(
        s.path(),
        "config.yaml",
        "title：站点\nbase_url: https://a.cn/\n",
    );
    let r = run(s.path());
    assert_eq!(r.errors(), 1, "{}", r.text());
    assert!(r.diagnostics[0].hint.as_ref().unwrap().zh.contains("全角"));
}
