//! Hardening: a corpus of bad inputs, escaping of hostile front matter,
//! property tests of the CJK passes, and a bounded random-input loop.
//!
//! Every corpus case builds a good site first, then adds the bad input and
//! builds (and checks) again in a child process with a time limit and an
//! address-space limit. The outcome must be a clear error or a correct
//! build, never a panic or a hang, and a failed build must leave the
//! previous `public/` byte for byte as it was.

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use proptest::prelude::*;

const CONFIG: &str =
    "title: 测试站点\nbase_url: https://www.example.edu.cn/dj/\ntaxonomies: [tags]\n";

const GOOD_A: &str = "---\ntitle: 学习心得甲\ndate: 2024-05-01\ntags: [党史学习, 理论学习]\n---\n正文。\n\n## 学习收获\n\n内容。\n";
const GOOD_B: &str = "---\ntitle: 学习心得乙\ndate: 2024-05-02\ntags: [党史学习, 理论学习]\n---\n见[甲](a.md#学习收获)。\n";

/// Time limit for one lanmu run (generous for debug builds on a busy CI machine).
const LIMIT: Duration = Duration::from_secs(120);
/// Address-space limit for one lanmu run, in KiB (`ulimit -v`).
const MEMORY_KB: u64 = 4 * 1024 * 1024;

fn write(root: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

fn good_site() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "config.yaml", CONFIG);
    write(
        d.path(),
        "content/xinde/_index.md",
        "---\ntitle: 学习心得\n---\n",
    );
    write(d.path(), "content/xinde/a.md", GOOD_A);
    write(d.path(), "content/xinde/b.md", GOOD_B);
    d
}

/// A hash of every file (path and bytes) under `dir`.
fn tree_hash(dir: &Path) -> u64 {
    let mut files = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if e.file_type().is_file() {
            files.insert(
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            );
        }
    }
    let mut h = DefaultHasher::new();
    files.hash(&mut h);
    h.finish()
}

struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

/// Runs lanmu with a time and memory limit; a hang or a crash fails the test.
fn lanmu(args: &[&str], root: &Path) -> Outcome {
    let start = Instant::now();
    let mut cmd = if cfg!(unix) {
        let mut c = Command::new("sh");
        c.arg("-c")
            .arg(format!(
                "ulimit -v {MEMORY_KB} 2>/dev/null; exec \"$0\" \"$@\""
            ))
            .arg(env!("CARGO_BIN_EXE_lanmu"));
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_lanmu"))
    };
    let mut child = cmd
        .args(args)
        .arg("--root")
        .arg(root)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Drain the pipes while waiting, so a chatty child cannot block.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("lanmu {args:?} hung (> {LIMIT:?})");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let stdout = String::from_utf8_lossy(&t_out.join().unwrap()).into_owned();
    let stderr = String::from_utf8_lossy(&t_err.join().unwrap()).into_owned();
    let code = status
        .code()
        .unwrap_or_else(|| panic!("lanmu {args:?} was killed by a signal: {status:?}\n{stderr}"));
    assert_ne!(code, 101, "lanmu {args:?} panicked:\n{stderr}");
    Outcome {
        code,
        stdout,
        stderr,
        elapsed: start.elapsed(),
    }
}

/// What a case must do.
enum Expect {
    /// Fail with an error whose report contains every one of these.
    Error(&'static [&'static str]),
    /// Build.
    Ok,
    /// Either, depending on the machine (permissions as root).
    Either,
}

/// Builds a good site, applies `bad`, builds and checks again.
fn case(bad: impl FnOnce(&Path), expect: Expect) -> Outcome {
    let site = good_site();
    let root = site.path();
    let first = lanmu(&["build"], root);
    assert_eq!(first.code, 0, "the good site must build:\n{}", first.stderr);
    let before = tree_hash(&root.join("public"));
    bad(root);
    let out = lanmu(&["build"], root);
    let after = tree_hash(&root.join("public"));
    assert!(
        matches!(out.code, 0 | 1),
        "exit code {}:\n{}",
        out.code,
        out.stderr
    );
    if out.code == 1 {
        assert_eq!(before, after, "a failed build changed public/");
        assert!(
            out.stderr.contains("错误"),
            "no error explained:\n{}",
            out.stderr
        );
        assert!(
            out.stderr.contains("原有输出未改动") || out.stderr.contains("(error)"),
            "{}",
            out.stderr
        );
    }
    match expect {
        Expect::Error(needles) => {
            assert_eq!(
                out.code, 1,
                "expected an error, the build succeeded:\n{}",
                out.stderr
            );
            for n in needles {
                assert!(out.stderr.contains(n), "expected `{n}` in:\n{}", out.stderr);
            }
        }
        Expect::Ok => assert_eq!(out.code, 0, "expected a build:\n{}", out.stderr),
        Expect::Either => {}
    }
    // `check` agrees with the build and never crashes either.
    let chk = lanmu(&["check", "--format", "json"], root);
    assert!(
        matches!(chk.code, 0..=2),
        "check exit code {}:\n{}",
        chk.code,
        chk.stderr
    );
    if chk.code != 2 {
        let v: serde_json::Value = serde_json::from_str(&chk.stdout)
            .unwrap_or_else(|e| panic!("bad JSON ({e}):\n{}", chk.stdout));
        let errors = v["summary"]["errors"].as_u64().unwrap();
        if out.code == 1 {
            assert!(
                errors > 0,
                "the build failed but check found no error:\n{}\n{}",
                out.stderr,
                chk.stdout
            );
        } else {
            assert_eq!(
                errors, 0,
                "the build succeeded but check reports errors:\n{}",
                chk.stdout
            );
        }
    } else {
        assert_eq!(
            out.code, 1,
            "check refused a site that builds:\n{}",
            chk.stderr
        );
    }
    assert_eq!(
        tree_hash(&root.join("public")),
        after,
        "check wrote to public/"
    );
    out
}

fn page(front: &str, body: &str) -> String {
    format!("---\n{front}---\n{body}")
}

const OK_FRONT: &str = "title: 坏输入\ndate: 2024-05-03\ntags: [党史学习]\n";

fn bad_page(root: &Path, bytes: impl AsRef<[u8]>) {
    write(root, "content/xinde/bad.md", bytes);
}

macro_rules! cases {
    ($($name:ident: $bad:expr => $expect:expr;)*) => {
        $(
            #[test]
            fn $name() {
                case($bad, $expect);
            }
        )*
        /// The number of corpus cases, for the report.
        #[test]
        fn corpus_size() {
            let names: &[&str] = &[$(stringify!($name)),*];
            assert!(names.len() >= 40, "{}", names.len());
        }
    };
}

fn alias_bomb() -> String {
    let mut y = String::from(
        "title: 炸弹\ndate: 2024-05-03\nextra:\n  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for w in names.windows(2) {
        let refs = vec![format!("*{}", w[0]); 9].join(",");
        y.push_str(&format!("  {}: &{} [{}]\n", w[1], w[1], refs));
    }
    page(&y, "正文\n")
}

fn deep_block_yaml(depth: usize) -> String {
    let mut y = String::from("title: 深\ndate: 2024-05-03\nextra:\n");
    for i in 0..depth {
        y.push_str(&" ".repeat(2 * (i + 1)));
        y.push_str(&format!("k{i}:\n"));
    }
    y.push_str(&" ".repeat(2 * (depth + 1)));
    y.push_str("v: 1\n");
    page(&y, "正文\n")
}

cases! {
    // Broken YAML of many kinds.
    yaml_unclosed_flow: |r: &Path| bad_page(r, page("title: [未闭合\ndate: 2024-05-03\n", "正文\n")) => Expect::Error(&["content/xinde/bad.md:3", "YAML"]);
    yaml_unclosed_quote: |r: &Path| bad_page(r, page("title: \"未闭合\ndate: 2024-05-03\n", "正文\n")) => Expect::Error(&["content/xinde/bad.md", "YAML"]);
    yaml_bad_indent: |r: &Path| bad_page(r, page("title: 缩进\n  date: 2024-05-03\n - x\n", "正文\n")) => Expect::Error(&["content/xinde/bad.md", "YAML"]);
    yaml_duplicate_key: |r: &Path| bad_page(r, page("title: 一\ntitle: 二\ndate: 2024-05-03\n", "正文\n")) => Expect::Error(&["content/xinde/bad.md", "title"]);
    yaml_tab_indent: |r: &Path| bad_page(r, page("title: 制表符\ndate: 2024-05-03\nextra:\n\tnote: x\n", "正文\n")) => Expect::Error(&["content/xinde/bad.md:5", "制表符"]);
    yaml_fullwidth_colon: |r: &Path| bad_page(r, page("title：全角冒号\ndate: 2024-05-03\n", "正文\n")) => Expect::Error(&["content/xinde/bad.md", "第 2 行的冒号是全角", "title: 标题"]);
    yaml_fullwidth_colon_later: |r: &Path| bad_page(r, page("title: 标题\ndate：2024-05-03\n", "正文\n")) => Expect::Error(&["content/xinde/bad.md", "第 3 行的冒号是全角"]);
    yaml_front_matter_unclosed: |r: &Path| bad_page(r, "---\ntitle: 没有结束\n正文\n") => Expect::Error(&["content/xinde/bad.md:1:1", "front matter"]);
    yaml_front_matter_is_list: |r: &Path| bad_page(r, page("- 一\n- 二\n", "正文\n")) => Expect::Error(&["content/xinde/bad.md"]);
    yaml_front_matter_is_text: |r: &Path| bad_page(r, page("就一句话\n", "正文\n")) => Expect::Error(&["content/xinde/bad.md"]);
    yaml_unknown_key: |r: &Path| bad_page(r, page("titel: 拼错\ndate: 2024-05-03\n", "正文\n")) => Expect::Error(&["content/xinde/bad.md:2", "titel", "title"]);
    yaml_wrong_type: |r: &Path| bad_page(r, page("title: 类型\ndate: 2024-05-03\ndraft: 也许\n", "正文\n")) => Expect::Error(&["content/xinde/bad.md", "draft"]);
    yaml_tags_mapping: |r: &Path| bad_page(r, page("title: 标签\ndate: 2024-05-03\ntags: {a: 1}\n", "正文\n")) => Expect::Error(&["content/xinde/bad.md", "tags"]);
    yaml_binary_tag: |r: &Path| bad_page(r, page("title: !!binary aGVsbG8=\ndate: 2024-05-03\n", "正文\n")) => Expect::Either;
    yaml_nul_byte: |r: &Path| bad_page(r, page("title: a\0b\ndate: 2024-05-03\n", "正文\n")) => Expect::Error(&["content/xinde/bad.md"]);
    yaml_deep_flow: |r: &Path| bad_page(r, page(&format!("title: 深\ndate: 2024-05-03\nextra: {{a: {}}}\n", "[".repeat(100_000)), "正文\n")) => Expect::Error(&["content/xinde/bad.md", "YAML"]);
    yaml_deep_block: |r: &Path| bad_page(r, deep_block_yaml(3_000)) => Expect::Error(&["content/xinde/bad.md"]);
    yaml_alias_bomb: |r: &Path| bad_page(r, alias_bomb()) => Expect::Error(&["content/xinde/bad.md", "别名"]);
    yaml_anchor_reuse_ok: |r: &Path| bad_page(r, page("title: 锚点\ndate: 2024-05-03\ntags: &t [党史学习]\nextra:\n  same: *t\n", "正文\n")) => Expect::Ok;
    yaml_front_matter_5mb: |r: &Path| bad_page(r, page(&format!("title: 大\ndate: 2024-05-03\nsummary: {}\n", "字".repeat(2_000_000)), "正文\n")) => Expect::Error(&["content/xinde/bad.md"]);
    // Missing and wrong fields.
    missing_title: |r: &Path| bad_page(r, page("date: 2024-05-03\n", "正文\n")) => Expect::Error(&["content/xinde/bad.md", "title"]);
    missing_date: |r: &Path| bad_page(r, page("title: 无日期\n", "正文\n")) => Expect::Error(&["content/xinde/bad.md", "date"]);
    date_slashes: |r: &Path| bad_page(r, page("title: 日期\ndate: 2024/05/01\n", "正文\n")) => Expect::Either;
    date_impossible: |r: &Path| bad_page(r, page("title: 日期\ndate: 2024-13-45\n", "正文\n")) => Expect::Error(&["content/xinde/bad.md:3", "2024-13-45", "2024-05-01"]);
    date_chinese: |r: &Path| bad_page(r, page("title: 日期\ndate: 二〇二四年五月一日\n", "正文\n")) => Expect::Error(&["content/xinde/bad.md:3", "date"]);
    date_us_order: |r: &Path| bad_page(r, page("title: 日期\ndate: 05-01-2024\n", "正文\n")) => Expect::Error(&["content/xinde/bad.md:3", "date"]);
    date_updated_bad: |r: &Path| bad_page(r, page("title: 日期\ndate: 2024-05-01\nupdated: 昨天\n", "正文\n")) => Expect::Error(&["content/xinde/bad.md:4", "updated"]);
    // Sizes and shapes.
    huge_file: |r: &Path| bad_page(r, page(OK_FRONT, &"很大的文件。\n".repeat(500_000))) => Expect::Error(&["content/xinde/bad.md", "MB"]);
    one_megabyte_line: |r: &Path| bad_page(r, page(OK_FRONT, &format!("{}\n", "长".repeat(350_000)))) => Expect::Ok;
    ten_thousand_tags: |r: &Path| bad_page(r, page(&format!("title: 标签\ndate: 2024-05-03\ntags: [{}]\n", (0..10_000).map(|i| format!("标签{i}")).collect::<Vec<_>>().join(", ")), "正文\n")) => Expect::Error(&["content/xinde/bad.md:4", "100"]);
    nested_lists: |r: &Path| bad_page(r, page(OK_FRONT, &(0..1_000).map(|i| format!("{}- 第{i}层\n", "  ".repeat(i))).collect::<String>())) => Expect::Ok;
    nested_blockquotes: |r: &Path| bad_page(r, page(OK_FRONT, &format!("{} 引用\n", ">".repeat(50_000)))) => Expect::Ok;
    nested_emphasis: |r: &Path| bad_page(r, page(OK_FRONT, &format!("{}强调{}\n", "**“".repeat(20_000), "”**".repeat(20_000)))) => Expect::Ok;
    very_long_title: |r: &Path| bad_page(r, page(&format!("title: {}\ndate: 2024-05-03\ntags: [党史学习]\n", "题".repeat(100_000)), "正文\n")) => Expect::Ok;
    // Encodings and line endings.
    invalid_utf8: |r: &Path| bad_page(r, [page(OK_FRONT, "正文").as_bytes(), b"\xff\xfe\xfd\n"].concat()) => Expect::Error(&["content/xinde/bad.md:6", "UTF-8"]);
    gbk_file: |r: &Path| bad_page(r, encoding_rs::GBK.encode(&page(OK_FRONT, "这是用记事本保存的中文。\n")).0) => Expect::Error(&["content/xinde/bad.md", "GBK", "--fix-encoding"]);
    utf8_bom: |r: &Path| bad_page(r, format!("\u{feff}{}", page(OK_FRONT, "正文\n"))) => Expect::Ok;
    crlf_endings: |r: &Path| bad_page(r, page(OK_FRONT, "正文\n\n第二段\n").replace('\n', "\r\n")) => Expect::Ok;
    lone_cr_endings: |r: &Path| bad_page(r, page(OK_FRONT, "正文\n").replace('\n', "\r")) => Expect::Ok;
    empty_file: |r: &Path| bad_page(r, "") => Expect::Error(&["content/xinde/bad.md:1:1", "front matter"]);
    only_front_matter: |r: &Path| bad_page(r, page(OK_FRONT, "")) => Expect::Ok;
    only_dashes: |r: &Path| bad_page(r, "---\n") => Expect::Error(&["content/xinde/bad.md", "front matter"]);
    binary_named_md: |r: &Path| bad_page(r, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01") => Expect::Error(&["content/xinde/bad.md", "二进制"]);
    control_chars_in_title: |r: &Path| bad_page(r, page("title: \"控制\\x01字符\\x1b\"\ndate: 2024-05-03\ntags: [党史学习]\n", "正文\n")) => Expect::Ok;
    // Files and names.
    name_with_spaces: |r: &Path| write(r, "content/xinde/我的 学习 心得.md", page(OK_FRONT, "正文\n")) => Expect::Ok;
    chinese_names: |r: &Path| write(r, "content/学习园地/二十大精神.md", page(OK_FRONT, "正文\n")) => Expect::Ok;
    directory_named_md: |r: &Path| std::fs::create_dir_all(r.join("content/xinde/folder.md")).unwrap() => Expect::Ok;
    deep_directories: |r: &Path| write(r, &format!("content/{}page.md", "d/".repeat(60)), page(OK_FRONT, "正文\n")) => Expect::Ok;
    empty_column_index: |r: &Path| write(r, "content/xinde/_index.md", "") => Expect::Ok;
    column_index_broken: |r: &Path| write(r, "content/xinde/_index.md", "---\ntitle: [\n---\n") => Expect::Error(&["content/xinde/_index.md", "YAML"]);
    column_unknown_kind: |r: &Path| write(r, "content/xinde/_index.md", "---\ntitle: 栏目\nkind: novel\n---\n") => Expect::Error(&["content/xinde/_index.md:3", "novel"]);
    column_paginate_zero: |r: &Path| write(r, "content/xinde/_index.md", "---\ntitle: 栏目\npaginate_by: 0\n---\n") => Expect::Error(&["content/xinde/_index.md:3", "paginate_by"]);
    // Links and URLs.
    link_to_missing_page: |r: &Path| bad_page(r, page(OK_FRONT, "见[不存在](nope.md)\n")) => Expect::Error(&["content/xinde/bad.md:6", "nope.md"]);
    link_outside_content: |r: &Path| bad_page(r, page(OK_FRONT, "见[外面](../../config.yaml)\n")) => Expect::Error(&["content/xinde/bad.md:6"]);
    missing_image: |r: &Path| bad_page(r, page(OK_FRONT, "![图](missing.png)\n")) => Expect::Error(&["content/xinde/bad.md:6", "missing.png"]);
    alias_escaping_output: |r: &Path| bad_page(r, page("title: 别名\ndate: 2024-05-03\naliases: [../../etc/passwd]\n", "正文\n")) => Expect::Error(&["content/xinde/bad.md", "别名"]);
    duplicate_url: |r: &Path| bad_page(r, page("title: 重名\ndate: 2024-05-03\nslug: a\n", "正文\n")) => Expect::Error(&["重复"]);
    // Configuration and templates.
    config_broken_yaml: |r: &Path| write(r, "config.yaml", "title: [\nbase_url: https://a.cn/\n") => Expect::Error(&["config.yaml", "YAML"]);
    config_fullwidth_colon: |r: &Path| write(r, "config.yaml", "title：站点\nbase_url: https://a.cn/\n") => Expect::Error(&["config.yaml", "第 1 行的冒号是全角"]);
    config_unknown_key: |r: &Path| write(r, "config.yaml", format!("{CONFIG}paginte_by: 3\n")) => Expect::Error(&["config.yaml:4", "paginate_by"]);
    config_bad_base_url: |r: &Path| write(r, "config.yaml", "title: 站点\nbase_url: /dangjian/\n") => Expect::Error(&["config.yaml:2", "base_url"]);
    config_empty: |r: &Path| write(r, "config.yaml", "") => Expect::Error(&["config.yaml"]);
    config_binary: |r: &Path| write(r, "config.yaml", b"\0\x01\x02") => Expect::Error(&["config.yaml"]);
    template_syntax_error: |r: &Path| write(r, "templates/page.html", "{% if %}\n") => Expect::Error(&["page.html"]);
    // The file system.
    symlink_loop: |r: &Path| symlink(&r.join("content/xinde"), &r.join("content/xinde/loop")) => Expect::Error(&["content/xinde/loop", "循环"]);
    dangling_symlink: |r: &Path| symlink(&r.join("content/nowhere.md"), &r.join("content/xinde/dangling.md")) => Expect::Error(&["content/xinde/dangling.md"]);
    unreadable_file: |r: &Path| { bad_page(r, page(OK_FRONT, "正文\n")); chmod_000(&r.join("content/xinde/bad.md")); } => Expect::Either;
    unreadable_folder: |r: &Path| { write(r, "content/secret/a.md", page(OK_FRONT, "正文\n")); chmod_000(&r.join("content/secret")); } => Expect::Either;
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

#[cfg(not(unix))]
fn symlink(_target: &Path, link: &Path) {
    // Without symlinks, make the case fail the same way.
    write(link.parent().unwrap(), "dangling.md", "");
}

#[cfg(unix)]
fn chmod_000(p: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o000)).unwrap();
}

#[cfg(not(unix))]
fn chmod_000(_p: &Path) {}

/// As root (CI) permissions do not stop reads and the build succeeds; as a
/// user the build fails naming the file. Either way no panic.
#[cfg(unix)]
#[test]
fn unreadable_file_names_the_file_when_it_fails() {
    let out = case(
        |r: &Path| {
            bad_page(r, page(OK_FRONT, "正文\n"));
            chmod_000(&r.join("content/xinde/bad.md"));
        },
        Expect::Either,
    );
    if out.code == 1 {
        assert!(
            out.stderr.contains("content/xinde/bad.md") && out.stderr.contains("权限"),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn alias_bomb_is_rejected_quickly() {
    let out = case(
        |r: &Path| bad_page(r, alias_bomb()),
        Expect::Error(&["别名"]),
    );
    assert!(
        out.elapsed < Duration::from_secs(30),
        "took {:?}",
        out.elapsed
    );
    // And in-process, straight at the YAML layer.
    let start = Instant::now();
    let text = alias_bomb();
    let yaml = &text[4..text.rfind("---").unwrap()];
    assert!(lanmu::yaml::top_level_keys(yaml).is_err());
    assert!(lanmu::yaml::from_str::<serde_json::Value>(yaml).is_err());
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "took {:?}",
        start.elapsed()
    );
}

// ---------------------------------------------------------------------------
// Escaping: hostile values in every front matter field stay inert.

const PAYLOADS: [&str; 3] = [
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(2)>",
    "'><svg onload=alert(3)>",
];

#[test]
fn hostile_front_matter_is_inert_everywhere() {
    let site = good_site();
    let root = site.path();
    let q = |s: &str| format!("'{}'", s.replace('\'', "''"));
    for (i, p) in PAYLOADS.iter().enumerate() {
        let front = format!(
            "title: {t}\ndate: 2024-05-0{d}\ntags: [{t}, 党史学习]\nsummary: {t}\nauthor: {t}\ncover: {t}\nextra:\n  note: {t}\n  list: [{t}]\n",
            t = q(p),
            d = i + 3
        );
        write(
            root,
            &format!("content/xinde/x{i}.md"),
            page(&front, "正文。\n"),
        );
    }
    write(
        root,
        "config.yaml",
        format!(
            "{CONFIG}description: {}\nauthor: {}\nextra:\n  footer: {}\n",
            q(PAYLOADS[0]),
            q(PAYLOADS[1]),
            q(PAYLOADS[2])
        ),
    );
    let out = lanmu(&["build"], root);
    // A cover that is not a file is a clear error; try again without covers.
    let out = if out.code != 0 {
        for i in 0..PAYLOADS.len() {
            let p = root.join(format!("content/xinde/x{i}.md"));
            let t = std::fs::read_to_string(&p).unwrap();
            let t: String = t
                .lines()
                .filter(|l| !l.starts_with("cover:"))
                .map(|l| format!("{l}\n"))
                .collect();
            std::fs::write(&p, t).unwrap();
        }
        lanmu(&["build"], root)
    } else {
        out
    };
    assert_eq!(out.code, 0, "{}", out.stderr);
    let public = root.join("public");
    let mut checked = 0;
    for e in walkdir::WalkDir::new(&public).into_iter().flatten() {
        let name = e.path().to_string_lossy().into_owned();
        if !(name.ends_with(".html")
            || name.ends_with(".xml")
            || name.ends_with(".json")
            || name.ends_with(".txt"))
        {
            continue;
        }
        let text = std::fs::read_to_string(e.path()).unwrap();
        checked += 1;
        for bad in [
            "<script>alert",
            "<img src=x onerror",
            "<svg onload",
            "\"><img",
            "'><svg",
        ] {
            assert!(!text.contains(bad), "{name} contains raw `{bad}`");
        }
        if name.ends_with(".xml") {
            roxmltree::Document::parse(&text)
                .unwrap_or_else(|err| panic!("{name} is not well-formed XML: {err}"));
        }
        if name.ends_with(".html") {
            // Attribute values never contain a raw quote-break: every `<meta`
            // and `<a` tag still parses to the expected attributes.
            let doc = scraper::Html::parse_document(&text);
            let sel = scraper::Selector::parse("[onerror], [onload], script:not([src])").unwrap();
            for el in doc.select(&sel) {
                let inner = el.inner_html();
                assert!(
                    !inner.contains("alert("),
                    "{name}: injected element {}",
                    el.html()
                );
            }
        }
    }
    assert!(checked > 10, "{checked}");
    let sitemap = std::fs::read_to_string(public.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>"), "{sitemap}");
}

// ---------------------------------------------------------------------------
// Property tests of the CJK passes and the renderer.

use lanmu::config::MarkdownConfig;
use lanmu::markdown::{LinkResolver, Resolved};
use pulldown_cmark::{Event, Parser};

struct Keep;
impl LinkResolver for Keep {
    fn resolve(&self, _dest: &str, _img: bool) -> Resolved {
        Resolved::Keep
    }
}

/// Markdown made of Chinese and Latin words, CJK punctuation, emphasis
/// delimiters, line breaks and a few block markers.
fn markdown() -> impl Strategy<Value = String> {
    let atom = prop_oneof![
        Just("学习".to_string()),
        Just("党史".to_string()),
        Just("教育".to_string()),
        Just("Rust".to_string()),
        Just("2024".to_string()),
        Just("“两学一做”".to_string()),
        Just("《党章》".to_string()),
        Just("，".to_string()),
        Just("。".to_string()),
        Just("、".to_string()),
        Just("：".to_string()),
        Just("**".to_string()),
        Just("*".to_string()),
        Just("_".to_string()),
        Just("~~".to_string()),
        Just("`".to_string()),
        Just(" ".to_string()),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just("\n- ".to_string()),
        Just("\n> ".to_string()),
        Just("\n## ".to_string()),
        Just("[链接](a.md)".to_string()),
        Just("<b>".to_string()),
        Just("&amp;".to_string()),
        "[a-z]{1,3}".prop_map(|s| s),
        "[\u{4e00}-\u{4e20}]{1,3}".prop_map(|s| s),
    ];
    proptest::collection::vec(atom, 0..40).prop_map(|v| v.concat())
}

fn events(src: &str) -> Vec<(Event<'_>, std::ops::Range<usize>)> {
    Parser::new_ext(
        src,
        lanmu::markdown::parser_options(&MarkdownConfig::default()),
    )
    .into_offset_iter()
    .collect()
}

/// The text content of events, without delimiters or breaks.
fn text_of(evs: &[(Event<'_>, std::ops::Range<usize>)]) -> String {
    let mut s = String::new();
    for (e, _) in evs {
        if let Event::Text(t) | Event::Code(t) = e {
            s.push_str(t);
        }
    }
    s
}

fn visible(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '*' | '_' | '~'))
        .collect()
}

/// Tags open and close in a proper stack (void elements aside).
fn balanced(html: &str) -> Result<(), String> {
    const VOID: [&str; 8] = ["br", "hr", "img", "input", "meta", "link", "source", "wbr"];
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').ok_or("unclosed <")?;
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') {
            continue;
        }
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if name.is_empty() || VOID.contains(&name.as_str()) || tag.ends_with('/') {
            continue;
        }
        if closing {
            match stack.pop() {
                Some(open) if open == name => {}
                other => return Err(format!("</{name}> closes {other:?}")),
            }
        } else {
            stack.push(name);
        }
    }
    if stack.is_empty() {
        Ok(())
    } else {
        Err(format!("left open: {stack:?}"))
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// Dropping soft breaks keeps every text event, in order, and is idempotent.
    #[test]
    fn soft_breaks_keep_text_and_are_idempotent(src in markdown()) {
        let evs = events(&src);
        let before = text_of(&evs);
        let once = lanmu::markdown::cjk::drop_cjk_soft_breaks(evs);
        prop_assert_eq!(text_of(&once), before);
        let n = once.len();
        let twice = lanmu::markdown::cjk::drop_cjk_soft_breaks(once.clone());
        prop_assert_eq!(twice.len(), n);
        let html = |evs: Vec<(Event<'_>, std::ops::Range<usize>)>| {
            let mut s = String::new();
            pulldown_cmark::html::push_html(&mut s, evs.into_iter().map(|(e, _)| e));
            s
        };
        prop_assert_eq!(html(twice), html(once));
    }

    /// CJK-friendly emphasis only turns delimiter runs into tags: the text
    /// without delimiters is the same, in the same order.
    #[test]
    fn emphasis_keeps_text(src in markdown()) {
        let evs = events(&src);
        let before = visible(&text_of(&evs));
        let after = lanmu::markdown::cjk::cjk_friendly_emphasis(&src, evs);
        prop_assert_eq!(visible(&text_of(&after)), before);
        let again = lanmu::markdown::cjk::cjk_friendly_emphasis(&src, after.clone());
        prop_assert_eq!(visible(&text_of(&again)), visible(&text_of(&after)));
    }

    /// The rendered HTML is well-formed and keeps the text.
    #[test]
    fn render_is_well_formed(src in markdown(), unsafe_html in any::<bool>()) {
        let cfg = MarkdownConfig { unsafe_html, ..MarkdownConfig::default() };
        let r = lanmu::markdown::render(&src, &cfg, &Keep);
        if !unsafe_html {
            prop_assert!(balanced(&r.html).is_ok(), "{:?}\n{}", balanced(&r.html), r.html);
        }
        // Every character of the text is in the HTML's text, in order (the
        // HTML has more: escaped raw HTML, task markers).
        let doc = scraper::Html::parse_fragment(&r.html);
        let html_text = visible(&doc.root_element().text().collect::<String>());
        let mut rest = html_text.chars();
        for c in visible(&r.text).chars() {
            prop_assert!(rest.any(|h| h == c), "`{}` missing or out of order in {:?} (text {:?})", c, html_text, r.text);
        }
        // Rendering is deterministic.
        prop_assert_eq!(lanmu::markdown::render(&src, &cfg, &Keep).html, r.html);
    }

    /// The typography fix is idempotent and never touches code.
    #[test]
    fn typography_fix_is_idempotent(src in markdown()) {
        let cfg = MarkdownConfig::default();
        let edits = lanmu::check::typography::body_edits(&src, &cfg, false);
        let fixed = lanmu::check::typography::apply(&src, &edits);
        let again = lanmu::check::typography::body_edits(&fixed, &cfg, false);
        let code = |s: &str| -> Vec<String> {
            events(s).into_iter().filter_map(|(e, _)| if let Event::Code(c) = e { Some(c.to_string()) } else { None }).collect()
        };
        prop_assert_eq!(code(&fixed), code(&src));
        prop_assert!(again.is_empty(), "second pass: {:?} on {:?}", again, fixed);
    }
}

// ---------------------------------------------------------------------------
// A bounded random-input loop over the single-page pipeline (the same harness
// as the cargo-fuzz target in fuzz/). Run it with
// `FUZZ_SECS=600 cargo test --release --test bad_input -- --ignored random_inputs`.

mod harness {
    include!("../fuzz/harness.rs");
}

/// Regression inputs found by fuzzing and by the corpus above.
#[test]
fn fuzz_regressions() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_input/fuzz");
    let mut n = 0;
    if let Ok(rd) = std::fs::read_dir(&dir) {
        for e in rd.flatten() {
            let bytes = std::fs::read(e.path()).unwrap();
            harness::run_page(&bytes);
            n += 1;
        }
    }
    for s in [
        "2022年10月22日通过的《中国共产党章程》。https://a.cn/,x",
        "---\ntitle: \"a\n---\n",
        "---\n---\n",
        "**“**”**",
        "学习Rust\r\n",
        "\u{feff}",
    ] {
        harness::run_page(s.as_bytes());
    }
    let _ = n;
}

/// A small xorshift generator, so the loop needs no extra crate.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const PIECES: &[&str] = &[
    "---\n",
    "title: ",
    "date: 2024-05-01\n",
    "tags: [",
    "]\n",
    "summary: ",
    "extra:\n  ",
    "&a ",
    "*a",
    "\"",
    "'",
    "：",
    ":",
    "\t",
    "学习",
    "党史",
    "Rust",
    "2024年",
    "，",
    "。",
    "“",
    "”",
    "《",
    "》",
    "**",
    "*",
    "_",
    "~~",
    "`",
    "```\n",
    "\n",
    "\n\n",
    "\r\n",
    "- ",
    "> ",
    "# ",
    "## 标题 {#id}\n",
    "[链接](a.md#标题)",
    "![](x.png)",
    "<b>",
    "</b>",
    "<!-- more -->",
    "&amp;",
    "\\",
    "|a|b|\n|-|-|\n",
    "[^1]",
    "[^1]: 注\n",
    "https://example.com/路径,x",
    "\u{3000}",
    "Ａ",
    "\u{0}",
    "\u{ff}",
    "\u{1F600}",
];

fn random_input(rng: &mut Rng) -> Vec<u8> {
    let mut out = Vec::new();
    let n = rng.below(60);
    for _ in 0..n {
        match rng.below(10) {
            0 => out.push(rng.next() as u8),
            1 => {
                // Repeat a piece to build deep nesting.
                let p = PIECES[rng.below(PIECES.len())];
                for _ in 0..rng.below(200) {
                    out.extend_from_slice(p.as_bytes());
                }
            }
            _ => out.extend_from_slice(PIECES[rng.below(PIECES.len())].as_bytes()),
        }
    }
    out
}

#[test]
#[ignore = "long-running; set FUZZ_SECS"]
fn random_inputs() {
    let secs: u64 = std::env::var("FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let seed: u64 = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x9E37_79B9_7F4A_7C15);
    let mut rng = Rng(seed | 1);
    let start = Instant::now();
    let mut runs = 0u64;
    let mut slowest = (Duration::ZERO, Vec::new());
    while start.elapsed() < Duration::from_secs(secs) {
        let input = random_input(&mut rng);
        let t = Instant::now();
        let r = std::panic::catch_unwind(|| harness::run_page(&input));
        let took = t.elapsed();
        if r.is_err() {
            let p = std::env::temp_dir().join(format!("lanmu-crash-{runs}.md"));
            std::fs::write(&p, &input).unwrap();
            panic!("crash on input saved to {}", p.display());
        }
        if took > slowest.0 {
            slowest = (took, input);
        }
        runs += 1;
    }
    eprintln!(
        "random_inputs: {runs} inputs in {secs} s, slowest {:?} ({} bytes)",
        slowest.0,
        slowest.1.len()
    );
    assert!(
        slowest.0 < Duration::from_secs(10),
        "an input took {:?}",
        slowest.0
    );
}
