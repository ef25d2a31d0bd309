//! `lanmu serve`: incremental rebuilds equal clean builds, the HTTP side
//! (path safety, Range, MIME types, 404, redirects) and live reload over SSE.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use lanmu::pipeline::BuildOptions;
use lanmu::serve::incremental::{How, Rebuilder, clean_build};
use lanmu::serve::watch::{Area, Change};
use lanmu::serve::{ServeOptions, Session};

const BASE: &str = "http://127.0.0.1:1111/dangjian/";

fn write(root: &Path, rel: &str, text: &str) -> PathBuf {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p
}

fn page(title: &str, date: &str, tags: &str, body: &str) -> String {
    format!("---\ntitle: {title}\ndate: {date}\ntags: [{tags}]\n---\n\n{body}\n")
}

/// A small site with two columns, tags, a bundle with a picture, static files.
fn make_site(root: &Path) {
    write(
        root,
        "config.yaml",
        "title: 测试支部\nbase_url: https://www.example.edu.cn/dangjian/\npaginate_by: 2\ntaxonomies: [tags]\n",
    );
    write(
        root,
        "content/_index.md",
        "---\ntitle: 首页\n---\n\n欢迎。\n",
    );
    write(
        root,
        "content/xinde/_index.md",
        "---\ntitle: 学习心得\nweight: 1\n---\n\n心得栏目。\n",
    );
    write(
        root,
        "content/xinde/a.md",
        &page(
            "第一篇",
            "2024-01-01",
            "党章, 学习",
            "正文一，见[第二篇](b.md)。\n\n## 小结\n\n好。",
        ),
    );
    write(
        root,
        "content/xinde/b.md",
        &page(
            "第二篇",
            "2024-02-01",
            "学习",
            "正文二，见[第一篇](a.md#小结)。",
        ),
    );
    write(
        root,
        "content/xinde/c.md",
        &page("第三篇", "2024-03-01", "党史", "正文三。"),
    );
    write(
        root,
        "content/shumu/_index.md",
        "---\ntitle: 书目\nweight: 2\n---\n",
    );
    write(
        root,
        "content/shumu/d.md",
        &page("一本书", "2023-05-01", "读书", "书评。"),
    );
    write(
        root,
        "content/shumu/bundle/index.md",
        &page("带图的页面", "2023-06-01", "读书", "![图](photo.png)"),
    );
    std::fs::write(
        root.join("content/shumu/bundle/photo.png"),
        b"\x89PNG\r\n\x1a\nfake",
    )
    .unwrap();
    write(root, "static/data.txt", "0123456789abcdef");
    write(root, "static/extra.css", "body { color: #333 }\n");
}

fn opts(root: &Path) -> BuildOptions {
    let mut o = BuildOptions::new(root);
    o.base_url = Some(BASE.to_string());
    o
}

/// Finishes any deferred files (feeds, search) and compares every output
/// with a clean build.
fn assert_same(rb: &mut Rebuilder, root: &Path, step: &str) {
    rb.finish_deferred()
        .unwrap_or_else(|e| panic!("{step}: deferred files failed: {e:?}"));
    let clean: BTreeMap<String, Vec<u8>> =
        clean_build(&opts(root)).unwrap_or_else(|e| panic!("{step}: clean build failed: {e:?}"));
    let files = rb.files();
    let mine: BTreeMap<&String, &Vec<u8>> = files.iter().map(|(k, v)| (k, v.as_ref())).collect();
    let theirs: BTreeMap<&String, &Vec<u8>> = clean.iter().collect();
    let only_mine: Vec<_> = mine.keys().filter(|k| !theirs.contains_key(*k)).collect();
    let only_clean: Vec<_> = theirs.keys().filter(|k| !mine.contains_key(*k)).collect();
    assert!(
        only_mine.is_empty() && only_clean.is_empty(),
        "{step}: extra {only_mine:?}, missing {only_clean:?}"
    );
    for (k, v) in &theirs {
        assert!(mine[k] == *v, "{step}: {k} differs from a clean build");
    }
}

fn change(root: &Path, area: Area, rel: &str) -> Change {
    Change {
        area,
        path: std::fs::canonicalize(root).unwrap().join(rel),
    }
}

/// The steps below that only edit existing pages and take the fast path.
const PAGE_EDITS: &[&str] = &[
    "edit a body",
    "edit a title (lists, neighbours, feeds)",
    "edit tags",
    "edit a date (the page moves in lists, neighbours change)",
    "edit two pages at once, one of them a bundle",
    "edit tags: a Latin tag",
    "edit tags: two more pages with the tag, spelt two ways",
    "edit tags: one page changes spelling, the majority flips (an unedited page shows the new name)",
];

/// Outputs of a clean build of the site at `root`.
fn output_names(root: &Path) -> Vec<String> {
    clean_build(&opts(root)).unwrap().into_keys().collect()
}

#[test]
fn incremental_rebuilds_equal_clean_builds() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path();
    make_site(root);
    let mut rb = Rebuilder::new(opts(root));
    let first = rb.full().unwrap();
    assert_eq!(first.how, How::Pipeline);
    assert_same(&mut rb, root, "initial");
    assert!(
        output_names(root)
            .iter()
            .any(|n| n.starts_with("tags/du-shu/")),
        "the site starts with the tag 读书"
    );

    type Step = (&'static str, Box<dyn Fn(&Path) -> Vec<Change>>);
    let steps: Vec<Step> = vec![
        (
            "edit a body",
            Box::new(|r| {
                write(
                    r,
                    "content/xinde/c.md",
                    &page("第三篇", "2024-03-01", "党史", "改过的正文三。"),
                );
                vec![change(r, Area::Content, "content/xinde/c.md")]
            }),
        ),
        (
            "edit a title (lists, neighbours, feeds)",
            Box::new(|r| {
                write(
                    r,
                    "content/xinde/b.md",
                    &page(
                        "第二篇（修订）",
                        "2024-02-01",
                        "学习",
                        "正文二，见[第一篇](a.md#小结)。",
                    ),
                );
                vec![change(r, Area::Content, "content/xinde/b.md")]
            }),
        ),
        (
            "edit tags",
            Box::new(|r| {
                write(
                    r,
                    "content/xinde/a.md",
                    &page(
                        "第一篇",
                        "2024-01-01",
                        "党章, 新标签",
                        "正文一，见[第二篇](b.md)。\n\n## 小结\n\n好。",
                    ),
                );
                vec![change(r, Area::Content, "content/xinde/a.md")]
            }),
        ),
        (
            "edit a date (the page moves in lists, neighbours change)",
            Box::new(|r| {
                write(
                    r,
                    "content/xinde/c.md",
                    &page("第三篇", "2023-12-01", "党史", "改过的正文三。"),
                );
                vec![change(r, Area::Content, "content/xinde/c.md")]
            }),
        ),
        (
            "edit two pages at once, one of them a bundle",
            Box::new(|r| {
                write(
                    r,
                    "content/shumu/bundle/index.md",
                    &page(
                        "带图的页面（改）",
                        "2023-06-01",
                        "党史",
                        "![图](photo.png)\n\n又一段。",
                    ),
                );
                write(
                    r,
                    "content/shumu/d.md",
                    &page("一本书", "2023-05-01", "", "书评，不再有标签。"),
                );
                vec![
                    change(r, Area::Content, "content/shumu/bundle/index.md"),
                    change(r, Area::Content, "content/shumu/d.md"),
                ]
            }),
        ),
        (
            "edit tags: a Latin tag",
            Box::new(|r| {
                write(
                    r,
                    "content/xinde/c.md",
                    &page("第三篇", "2023-12-01", "DJ, 党史", "改过的正文三。"),
                );
                vec![change(r, Area::Content, "content/xinde/c.md")]
            }),
        ),
        (
            "edit tags: two more pages with the tag, spelt two ways",
            Box::new(|r| {
                write(
                    r,
                    "content/xinde/b.md",
                    &page(
                        "第二篇（修订）",
                        "2024-02-01",
                        "ｄｊ, 学习",
                        "正文二，见[第一篇](a.md#小结)。",
                    ),
                );
                write(
                    r,
                    "content/shumu/d.md",
                    &page("一本书", "2023-05-01", "DJ", "书评，不再有标签。"),
                );
                vec![
                    change(r, Area::Content, "content/xinde/b.md"),
                    change(r, Area::Content, "content/shumu/d.md"),
                ]
            }),
        ),
        (
            "edit tags: one page changes spelling, the majority flips (an unedited page shows the new name)",
            Box::new(|r| {
                write(
                    r,
                    "content/shumu/d.md",
                    &page("一本书", "2023-05-01", "ｄｊ", "书评，不再有标签。"),
                );
                vec![change(r, Area::Content, "content/shumu/d.md")]
            }),
        ),
        (
            "rename a heading another page links to (full pipeline)",
            Box::new(|r| {
                write(
                    r,
                    "content/xinde/a.md",
                    &page(
                        "第一篇",
                        "2024-01-01",
                        "党章, 新标签",
                        "正文一，见[第二篇](b.md)。\n\n## 体会\n\n好。",
                    ),
                );
                vec![change(r, Area::Content, "content/xinde/a.md")]
            }),
        ),
        (
            "change a page's URL with slug (full pipeline)",
            Box::new(|r| {
                write(
                    r,
                    "content/xinde/c.md",
                    "---\ntitle: 第三篇\ndate: 2023-12-01\nslug: di-san\ntags: [党史]\n---\n\n正文三。\n",
                );
                vec![change(r, Area::Content, "content/xinde/c.md")]
            }),
        ),
        (
            "make a page a draft (full pipeline)",
            Box::new(|r| {
                write(
                    r,
                    "content/shumu/d.md",
                    "---\ntitle: 一本书\ndate: 2023-05-01\ndraft: true\n---\n\n书评。\n",
                );
                vec![change(r, Area::Content, "content/shumu/d.md")]
            }),
        ),
        (
            "add a page",
            Box::new(|r| {
                write(
                    r,
                    "content/xinde/e.md",
                    &page("第五篇", "2025-01-01", "学习", "新页面。"),
                );
                vec![change(r, Area::Content, "content/xinde/e.md")]
            }),
        ),
        (
            "rename a page",
            Box::new(|r| {
                std::fs::rename(r.join("content/xinde/e.md"), r.join("content/xinde/f.md"))
                    .unwrap();
                vec![
                    change(r, Area::Content, "content/xinde/e.md"),
                    change(r, Area::Content, "content/xinde/f.md"),
                ]
            }),
        ),
        (
            "delete a page",
            Box::new(|r| {
                std::fs::remove_file(r.join("content/xinde/f.md")).unwrap();
                vec![change(r, Area::Content, "content/xinde/f.md")]
            }),
        ),
        (
            "add a column",
            Box::new(|r| {
                write(
                    r,
                    "content/zhiyuan/_index.md",
                    "---\ntitle: 志愿服务\nweight: 3\n---\n",
                );
                write(
                    r,
                    "content/zhiyuan/g.md",
                    &page("社区服务", "2024-04-01", "志愿", "服务。"),
                );
                write(
                    r,
                    "content/zhiyuan/h.md",
                    &page("图书馆", "2024-04-02", "志愿, 学习", "整理图书。"),
                );
                vec![change(r, Area::Content, "content/zhiyuan")]
            }),
        ),
        (
            "rename a column",
            Box::new(|r| {
                std::fs::rename(r.join("content/zhiyuan"), r.join("content/fuwu")).unwrap();
                vec![
                    change(r, Area::Content, "content/zhiyuan"),
                    change(r, Area::Content, "content/fuwu"),
                ]
            }),
        ),
        (
            "delete a column",
            Box::new(|r| {
                std::fs::remove_dir_all(r.join("content/fuwu")).unwrap();
                vec![change(r, Area::Content, "content/fuwu")]
            }),
        ),
        (
            "edit a bundle picture",
            Box::new(|r| {
                std::fs::write(
                    r.join("content/shumu/bundle/photo.png"),
                    b"\x89PNG\r\n\x1a\nother",
                )
                .unwrap();
                vec![change(r, Area::Content, "content/shumu/bundle/photo.png")]
            }),
        ),
        (
            "edit a stylesheet (static fast path)",
            Box::new(|r| {
                write(r, "static/extra.css", "body { color: #b71c1c }\n");
                vec![change(r, Area::Static, "static/extra.css")]
            }),
        ),
        (
            "add a static file",
            Box::new(|r| {
                write(
                    r,
                    "static/img/logo.svg",
                    "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
                );
                vec![change(r, Area::Static, "static/img/logo.svg")]
            }),
        ),
        (
            "delete a static file",
            Box::new(|r| {
                std::fs::remove_file(r.join("static/data.txt")).unwrap();
                vec![change(r, Area::Static, "static/data.txt")]
            }),
        ),
        (
            "override a template",
            Box::new(|r| {
                let page = lanmu::templates::theme_files(
                    &lanmu::config::Paths::new(r, "default"),
                    "default",
                    "templates",
                )
                .unwrap()
                .into_iter()
                .find(|(n, _)| n == "page.html")
                .unwrap()
                .1
                .bytes()
                .unwrap()
                .into_owned();
                let text = String::from_utf8(page).unwrap().replacen(
                    "{% block content %}",
                    "{% block content %}<!-- 覆盖 -->",
                    1,
                );
                write(r, "templates/page.html", &text);
                vec![change(r, Area::Templates, "templates/page.html")]
            }),
        ),
        (
            "remove the template override",
            Box::new(|r| {
                std::fs::remove_file(r.join("templates/page.html")).unwrap();
                vec![change(r, Area::Templates, "templates/page.html")]
            }),
        ),
        (
            "edit config",
            Box::new(|r| {
                write(
                    r,
                    "config.yaml",
                    "title: 测试支部（新）\nbase_url: https://www.example.edu.cn/dangjian/\npaginate_by: 3\ntaxonomies: [tags]\n",
                );
                vec![change(r, Area::Config, "config.yaml")]
            }),
        ),
        (
            "editor temp file dance (write temp, rename over)",
            Box::new(|r| {
                write(r, "content/xinde/.c.md.swp", "junk");
                write(
                    r,
                    "content/xinde/c.md.tmp",
                    &page("第三篇", "2024-03-01", "党史", "再改一次。"),
                );
                std::fs::rename(
                    r.join("content/xinde/c.md.tmp"),
                    r.join("content/xinde/c.md"),
                )
                .unwrap();
                std::fs::remove_file(r.join("content/xinde/.c.md.swp")).unwrap();
                vec![change(r, Area::Content, "content/xinde/c.md")]
            }),
        ),
    ];
    for (name, step) in &steps {
        let changes = step(root);
        let r = rb
            .update(&changes)
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let expected = if *name == "override a template" || *name == "remove the template override"
        {
            How::Templates
        } else if name.contains("static fast path") || *name == "add a static file" {
            How::StaticCopy
        } else if PAGE_EDITS.contains(name) {
            How::Pages
        } else {
            How::Pipeline
        };
        assert_eq!(r.how, expected, "{name}");
        if name.contains("stylesheet") {
            assert!(r.css_only(), "{name}");
        }
        if expected == How::Pages {
            assert!(rb.deferred_due(), "{name}: feeds and search wait");
            assert!(
                r.rendered < output_names(root).len() / 2,
                "{name}: only what shows the page is rendered ({} outputs)",
                r.rendered
            );
            assert!(
                !r.changed.iter().any(|c| c.ends_with(".css")),
                "{name}: copies are not redone"
            );
        }
        assert_same(&mut rb, root, name);
        if name.starts_with("edit tags: one page changes spelling") {
            let c = String::from_utf8(rb.files()["xinde/c/index.html"].to_vec()).unwrap();
            assert!(
                c.contains("ｄｊ"),
                "{name}: the unedited page shows the new spelling"
            );
        }
        if *name == "edit two pages at once, one of them a bundle" {
            let names = output_names(root);
            assert!(
                !names.iter().any(|n| n.starts_with("tags/du-shu/")),
                "the tag no page uses any more is gone: {names:?}"
            );
        }
    }
}

#[test]
fn failed_rebuild_keeps_the_last_good_site() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path();
    make_site(root);
    let mut rb = Rebuilder::new(opts(root));
    rb.full().unwrap();
    let before = rb.files();
    write(
        root,
        "content/xinde/c.md",
        "---\ntitel: 坏了\ndate: 2024-03-01\n---\n\n正文。\n",
    );
    let err = rb
        .update(&[change(root, Area::Content, "content/xinde/c.md")])
        .unwrap_err();
    assert!(format!("{err:?}").contains("titel"));
    assert!(Arc::ptr_eq(&before, &rb.files()));
    // A static edit while the content is broken must not hide the error.
    write(root, "static/extra.css", "p{}");
    assert!(
        rb.update(&[change(root, Area::Static, "static/extra.css")])
            .is_err()
    );
    write(
        root,
        "content/xinde/c.md",
        &page("第三篇", "2024-03-01", "党史", "修好了。"),
    );
    rb.update(&[change(root, Area::Content, "content/xinde/c.md")])
        .unwrap();
    assert_same(&mut rb, root, "after the fix");
}

// ---------------------------------------------------------------------------
// HTTP

struct Running {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Starts `serve` on a free port of 127.0.0.1 for a fresh test site.
fn start() -> Running {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    make_site(&root);
    for (name, bytes) in [
        ("a.js", &b"console.log(1)"[..]),
        ("a.json", b"{}"),
        ("a.svg", b"<svg/>"),
        ("a.png", b"png"),
        ("a.jpg", b"jpg"),
        ("a.jpeg", b"jpg"),
        ("a.webp", b"webp"),
        ("a.gif", b"gif"),
        ("a.ico", b"ico"),
        ("a.woff2", b"woff2"),
        ("a.mp4", b"mp4"),
        ("a.pdf", b"%PDF"),
        ("a.xml", b"<x/>"),
    ] {
        std::fs::write(root.join("static").join(name), bytes).unwrap();
    }
    let stop = Arc::new(AtomicBool::new(false));
    let (tx, rx) = std::sync::mpsc::channel();
    let (stop2, root2) = (stop.clone(), root.clone());
    let thread = std::thread::spawn(move || {
        let opts = ServeOptions {
            port: 0,
            quiet: true,
            ..ServeOptions::new(&root2)
        };
        let mut s = Session::start(&opts).expect("serve starts");
        tx.send(s.addr()).unwrap();
        while !stop2.load(Ordering::SeqCst) {
            s.step(Duration::from_millis(100)).unwrap();
        }
        s.shutdown();
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("server address");
    Running {
        addr,
        stop,
        thread: Some(thread),
        _dir: dir,
        root,
    }
}

struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Sends raw bytes as a request target; `None` when the server closed the
/// connection without answering.
fn raw_request(addr: SocketAddr, target: &[u8], extra: &str) -> Option<Resp> {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut req = b"GET ".to_vec();
    req.extend_from_slice(target);
    req.extend_from_slice(
        format!(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n{extra}\r\n").as_bytes(),
    );
    s.write_all(&req).unwrap();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let split = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&buf[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Some(Resp {
        status,
        headers,
        body: buf[split + 4..].to_vec(),
    })
}

fn get(addr: SocketAddr, target: &str) -> Resp {
    raw_request(addr, target.as_bytes(), "").expect("an answer")
}

#[test]
fn path_traversal_never_leaves_the_site() {
    let s = start();
    // Something to find if a request did escape.
    std::fs::write(s.root.join("secret.txt"), "TOP-SECRET").unwrap();
    let forms: &[&[u8]] = &[
        b"/../secret.txt",
        b"/dangjian/../secret.txt",
        b"/dangjian/../../../../etc/passwd",
        b"/dangjian/%2e%2e/secret.txt",
        b"/dangjian/%2E%2E/%2e%2e/etc/passwd",
        b"/dangjian/..%2fsecret.txt",
        b"/dangjian/%2e%2e%2fsecret.txt",
        b"/dangjian/..%5csecret.txt",
        b"/dangjian/..\\secret.txt",
        b"/dangjian/%c0%ae%c0%ae/secret.txt",
        b"/dangjian/%e0%80%ae%e0%80%ae/secret.txt",
        b"/dangjian/%252e%252e/secret.txt",
        b"//etc/passwd",
        b"/etc/passwd",
        b"/secret.txt",
        b"/config.yaml",
        b"/dangjian/../config.yaml",
        b"/dangjian/./../config.yaml",
        b"/dangjian/index.html%00.txt",
        b"/dangjian/%00",
        b"/C:/Windows/win.ini",
        b"/dangjian/C:%5cWindows%5cwin.ini",
        b"http://127.0.0.1/../secret.txt",
        b"/dangjian/static/../../secret.txt",
    ];
    for f in forms {
        let shown = String::from_utf8_lossy(f);
        if let Some(r) = raw_request(s.addr, f, "") {
            assert!(
                matches!(r.status, 400 | 404),
                "{shown}: status {}",
                r.status
            );
            let body = String::from_utf8_lossy(&r.body);
            assert!(
                !body.contains("TOP-SECRET")
                    && !body.contains("root:")
                    && !body.contains("base_url"),
                "{shown}"
            );
        }
    }
}

#[test]
fn chinese_queries_survive_redirects_and_raw_utf8_does_not_stop_the_server() {
    let s = start();
    let a = s.addr;
    // More bad requests than the server has workers: were any of them to
    // take a worker down, the last request would get no answer.
    for _ in 0..6 {
        let _ = raw_request(a, "/?q=学习".as_bytes(), "");
        let _ = raw_request(a, "/dangjian/xinde?标签".as_bytes(), "");
    }
    // What browsers send: percent-encoded, kept as it is in the redirect.
    let r = raw_request(a, b"/?q=%E5%AD%A6%E4%B9%A0", "").unwrap();
    assert_eq!(r.status, 302);
    assert_eq!(
        r.header("Location"),
        Some("/dangjian/?q=%E5%AD%A6%E4%B9%A0")
    );
    let r = raw_request(a, b"/dangjian/xinde?%E6%A0%87", "").unwrap();
    assert_eq!(r.status, 301);
    assert_eq!(r.header("Location"), Some("/dangjian/xinde/?%E6%A0%87"));
    assert_eq!(get(a, "/dangjian/").status, 200);
}

#[test]
fn ranges_mime_types_404_and_redirects() {
    let s = start();
    let a = s.addr;

    // `/` and the bare sub-path lead to the site; folders get their slash.
    let r = get(a, "/");
    assert_eq!(r.status, 302);
    assert_eq!(r.header("Location"), Some("/dangjian/"));
    let r = get(a, "/dangjian");
    assert_eq!(r.status, 302);
    assert_eq!(r.header("Location"), Some("/dangjian/"));
    let r = get(a, "/dangjian/xinde");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("Location"), Some("/dangjian/xinde/"));

    // Pages, with the live script and the serving base URL.
    let r = get(a, "/dangjian/");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Content-Type"), Some("text/html; charset=utf-8"));
    let html = String::from_utf8(r.body).unwrap();
    assert!(html.contains("data-lanmu-live") && html.contains("/dangjian/__lanmu/events"));
    let origin = format!("http://127.0.0.1:{}/dangjian/", a.port());
    assert!(html.contains(&origin), "links use the server's URL");
    assert!(!html.contains("www.example.edu.cn/dangjian/"));
    assert_eq!(get(a, "/dangjian/xinde/a/").status, 200);
    assert!(
        !s.root.join("public").exists(),
        "serve never writes public/"
    );

    // 404 page of the theme, with status 404.
    let r = get(a, "/dangjian/no-such-page/");
    assert_eq!(r.status, 404);
    assert_eq!(r.header("Content-Type"), Some("text/html; charset=utf-8"));
    assert!(String::from_utf8_lossy(&r.body).contains("<html"));
    assert_eq!(get(a, "/nothing-here").status, 404);

    // Range.
    let r = raw_request(a, b"/dangjian/data.txt", "Range: bytes=2-5\r\n").unwrap();
    assert_eq!(r.status, 206);
    assert_eq!(r.body, b"2345");
    assert_eq!(r.header("Content-Range"), Some("bytes 2-5/16"));
    let r = raw_request(a, b"/dangjian/data.txt", "Range: bytes=10-\r\n").unwrap();
    assert_eq!((r.status, r.body.as_slice()), (206, &b"abcdef"[..]));
    let r = raw_request(a, b"/dangjian/data.txt", "Range: bytes=-3\r\n").unwrap();
    assert_eq!((r.status, r.body.as_slice()), (206, &b"def"[..]));
    assert_eq!(r.header("Content-Range"), Some("bytes 13-15/16"));
    let r = raw_request(a, b"/dangjian/data.txt", "Range: bytes=16-\r\n").unwrap();
    assert_eq!(r.status, 416);
    assert_eq!(r.header("Content-Range"), Some("bytes */16"));
    let r = get(a, "/dangjian/data.txt");
    assert_eq!(
        (r.status, r.body.as_slice()),
        (200, &b"0123456789abcdef"[..])
    );
    assert_eq!(r.header("Accept-Ranges"), Some("bytes"));

    // MIME types.
    for (file, mime) in [
        ("extra.css", "text/css; charset=utf-8"),
        ("a.js", "text/javascript; charset=utf-8"),
        ("a.json", "application/json; charset=utf-8"),
        ("a.xml", "application/xml; charset=utf-8"),
        ("rss.xml", "application/xml; charset=utf-8"),
        ("a.svg", "image/svg+xml; charset=utf-8"),
        ("a.png", "image/png"),
        ("a.jpg", "image/jpeg"),
        ("a.jpeg", "image/jpeg"),
        ("a.webp", "image/webp"),
        ("a.gif", "image/gif"),
        ("a.ico", "image/x-icon"),
        ("a.woff2", "font/woff2"),
        ("a.mp4", "video/mp4"),
        ("a.pdf", "application/pdf"),
        ("data.txt", "text/plain; charset=utf-8"),
        ("shumu/bundle/photo.png", "image/png"),
    ] {
        let r = get(a, &format!("/dangjian/{file}"));
        assert_eq!(r.status, 200, "{file}");
        assert_eq!(r.header("Content-Type"), Some(mime), "{file}");
    }
    // Only HTML gets the script.
    assert!(!String::from_utf8_lossy(&get(a, "/dangjian/extra.css").body).contains("lanmu-live"));
}

/// Reads server-sent events until one named `name` arrives (bounded wait).
fn wait_for_event(stream: &mut TcpStream, seen: &mut String, name: &str, limit: Duration) -> bool {
    let start = Instant::now();
    let mut buf = [0u8; 4096];
    while start.elapsed() < limit {
        if seen.contains(&format!("event: {name}\n")) {
            return true;
        }
        match stream.read(&mut buf) {
            Ok(0) => return false,
            Ok(n) => seen.push_str(&String::from_utf8_lossy(&buf[..n])),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return false,
        }
    }
    seen.contains(&format!("event: {name}\n"))
}

#[test]
fn sse_clients_get_reload_and_error_events() {
    let s = start();
    let mut stream = TcpStream::connect(s.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    stream
        .write_all(b"GET /dangjian/__lanmu/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
        .unwrap();
    let mut seen = String::new();
    assert!(
        wait_for_event(&mut stream, &mut seen, "hello", Duration::from_secs(10)),
        "{seen}"
    );
    assert!(seen.starts_with("HTTP/1.1 200"));
    assert!(seen.contains("text/event-stream"));

    // A content edit: a reload event.
    seen.clear();
    write(
        &s.root,
        "content/xinde/c.md",
        &page("第三篇", "2024-03-01", "党史", "实时修改。"),
    );
    assert!(
        wait_for_event(&mut stream, &mut seen, "reload", Duration::from_secs(10)),
        "{seen}"
    );

    // A broken page: the overlay data, with file and line.
    seen.clear();
    write(
        &s.root,
        "content/xinde/c.md",
        "---\ntitle: 第三篇\ndate: 不是日期\n---\n\n正文。\n",
    );
    assert!(
        wait_for_event(
            &mut stream,
            &mut seen,
            "build-error",
            Duration::from_secs(10)
        ),
        "{seen}"
    );
    assert!(
        seen.contains("content/xinde/c.md") && seen.contains("\"line\":3"),
        "{seen}"
    );
    // The last good site is still served.
    assert_eq!(get(s.addr, "/dangjian/xinde/c/").status, 200);

    // Fixed: reload again.
    seen.clear();
    write(
        &s.root,
        "content/xinde/c.md",
        &page("第三篇", "2024-03-01", "党史", "修好了。"),
    );
    assert!(
        wait_for_event(&mut stream, &mut seen, "reload", Duration::from_secs(10)),
        "{seen}"
    );
    assert!(String::from_utf8_lossy(&get(s.addr, "/dangjian/xinde/c/").body).contains("修好了"));

    // A stylesheet edit: a CSS-only reload.
    seen.clear();
    write(&s.root, "static/extra.css", "body { color: red }\n");
    assert!(
        wait_for_event(&mut stream, &mut seen, "reload", Duration::from_secs(10)),
        "{seen}"
    );
    assert!(seen.contains("\"css_only\":true"), "{seen}");
}
