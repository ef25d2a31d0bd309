//! Fixture helpers shared by the integration tests: write a site into a
//! temporary folder, build it, read and parse what came out.
//!
//! Assertions stay on structure that themes keep stable (`<a href>`,
//! `<title>`, `<h1>`, `<article>`, `<time datetime>`, `<link rel>`, ids and
//! output files), never on CSS classes.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use lanmu::error::{Diagnostic, Error};
use lanmu::pipeline::{self, BuildOptions, Built};
use scraper::{Html, Selector};

/// The base URL every sub-path fixture uses.
pub const BASE_URL: &str = "https://www.example.edu.cn/dangjian/";
/// Its path part.
pub const BASE_PATH: &str = "/dangjian/";

/// A site written into a temporary folder (removed on drop).
pub struct Fixture {
    /// Keeps the folder alive.
    pub tmp: tempfile::TempDir,
    /// The site root (`<tmp>/site`), holding `config.yaml`.
    pub root: PathBuf,
}

impl Fixture {
    /// Writes `files` (path relative to the site root, contents) into a new site.
    pub fn new(files: &[(&str, &str)]) -> Fixture {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().join("site");
        std::fs::create_dir_all(&root).unwrap();
        let f = Fixture { tmp, root };
        for (p, text) in files {
            f.write(p, text.as_bytes());
        }
        f
    }

    /// Writes (or replaces) one file below the site root.
    pub fn write(&self, rel: &str, bytes: &[u8]) {
        let p = self.root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, bytes).unwrap();
    }

    /// Removes one file below the site root.
    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.root.join(rel)).unwrap();
    }

    /// Default build options for this site.
    pub fn opts(&self) -> BuildOptions {
        BuildOptions::new(&self.root)
    }

    /// The default output folder (`<root>/public`).
    pub fn public(&self) -> PathBuf {
        self.root.join("public")
    }

    /// Builds with default options; panics with the diagnostics on failure.
    pub fn build(&self) -> Built {
        build_ok(&self.opts())
    }

    /// Builds with default options and returns the error.
    pub fn build_err(&self) -> Vec<Diagnostic> {
        diagnostics(pipeline::build(&self.opts()))
    }
}

/// Builds and panics with readable diagnostics when the build fails.
pub fn build_ok(opts: &BuildOptions) -> Built {
    match pipeline::build(opts) {
        Ok(b) => b,
        Err(Error::Content(d)) => panic!(
            "build failed:\n{}",
            lanmu::error::Report(&d, lanmu::i18n::Lang::Zh)
        ),
        Err(e) => panic!("build failed: {e}"),
    }
}

/// The diagnostics of a build that must fail with content errors.
pub fn diagnostics<T>(r: lanmu::error::Result<T>) -> Vec<Diagnostic> {
    match r {
        Ok(_) => panic!("the build succeeded but should have failed"),
        Err(Error::Content(d)) => {
            assert!(!d.is_empty(), "Error::Content without diagnostics");
            d
        }
        Err(e) => panic!("expected content diagnostics, got: {e}"),
    }
}

/// Shows diagnostics in failure messages.
pub fn show(d: &[Diagnostic]) -> String {
    lanmu::error::Report(d, lanmu::i18n::Lang::Zh).to_string()
}

/// The one diagnostic whose code is `code` (panics when none or several).
pub fn only<'a>(d: &'a [Diagnostic], code: &str) -> &'a Diagnostic {
    let found: Vec<&Diagnostic> = d.iter().filter(|x| x.code == code).collect();
    assert_eq!(
        found.len(),
        1,
        "expected one `{code}` diagnostic, got:\n{}",
        show(d)
    );
    found[0]
}

/// Path of a diagnostic with `/` separators.
pub fn diag_path(d: &Diagnostic) -> String {
    d.path.to_string_lossy().replace('\\', "/")
}

/// Every file below `dir`: relative path (with `/`) → bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    if !dir.exists() {
        return out;
    }
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel, std::fs::read(e.path()).unwrap());
        }
    }
    out
}

/// Every folder below `dir` (relative, with `/`), to see deletions of empty folders too.
pub fn dirs(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_dir())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect()
}

/// Asserts two snapshots are identical, naming the first difference.
pub fn assert_same(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>, what: &str) {
    let ka: Vec<&String> = a.keys().collect();
    let kb: Vec<&String> = b.keys().collect();
    assert_eq!(ka, kb, "{what}: different file lists");
    for (k, v) in a {
        assert!(
            v == &b[k],
            "{what}: `{k}` differs:\n--- first\n{}\n--- second\n{}",
            String::from_utf8_lossy(v),
            String::from_utf8_lossy(&b[k])
        );
    }
}

/// Reads an output file as text.
pub fn read(out: &Path, rel: &str) -> String {
    let p = out.join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
}

/// Parses an output HTML file.
pub fn html(out: &Path, rel: &str) -> Html {
    Html::parse_document(&read(out, rel))
}

/// A CSS selector (panics on a typo).
pub fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap_or_else(|e| panic!("bad selector {s}: {e:?}"))
}

/// Values of attribute `attr` of elements matching `selector`.
pub fn attrs(doc: &Html, selector: &str, attr: &str) -> Vec<String> {
    doc.select(&sel(selector))
        .filter_map(|e| e.value().attr(attr).map(str::to_string))
        .collect()
}

/// All `<a href>` values.
pub fn links(doc: &Html) -> Vec<String> {
    attrs(doc, "a[href]", "href")
}

/// `href`s of the links in the article paragraph whose text contains
/// `needle` (independent of what else the theme puts in `<article>`).
pub fn para_links(doc: &Html, needle: &str) -> Vec<String> {
    let p = doc
        .select(&sel("article p"))
        .find(|p| p.text().collect::<String>().contains(needle))
        .unwrap_or_else(|| panic!("no article paragraph contains `{needle}`"));
    p.select(&sel("a[href]"))
        .filter_map(|a| a.value().attr("href").map(str::to_string))
        .collect()
}

/// Text of the first element matching `selector`, whitespace collapsed.
pub fn text(doc: &Html, selector: &str) -> String {
    let e = doc
        .select(&sel(selector))
        .next()
        .unwrap_or_else(|| panic!("no element matches `{selector}`"));
    collapse(&e.text().collect::<String>())
}

/// Texts of all elements matching `selector`, whitespace collapsed.
pub fn texts(doc: &Html, selector: &str) -> Vec<String> {
    doc.select(&sel(selector))
        .map(|e| collapse(&e.text().collect::<String>()))
        .collect()
}

/// Collapses runs of whitespace to one space and trims.
pub fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Decodes `%XX` escapes (UTF-8).
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).expect("percent-decoded URL is not UTF-8")
}

/// The file under `out` that serves `url_path` (an absolute path under the
/// base path, possibly percent-encoded, query and fragment removed) when the
/// output is served at `base_path`; `None` when it is outside the base path.
pub fn served_file(out: &Path, base_path: &str, url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(url_path);
    let rel = decoded.strip_prefix(base_path).or_else(|| {
        // `/dangjian` without its slash is the home page too.
        (decoded == base_path.trim_end_matches('/')).then_some("")
    })?;
    let mut p = out.to_path_buf();
    for part in rel.split('/').filter(|s| !s.is_empty()) {
        assert!(part != ".." && part != ".", "dot segment in {url_path}");
        p.push(part);
    }
    if rel.is_empty() || rel.ends_with('/') {
        p.push("index.html");
    }
    Some(p)
}

/// The URL path an output file is served at (`xinde/a/index.html` →
/// `/dangjian/xinde/a/`).
pub fn url_of_file(base_path: &str, rel: &str) -> String {
    match rel.strip_suffix("index.html") {
        Some(dir) if dir.is_empty() || dir.ends_with('/') => format!("{base_path}{dir}"),
        _ => format!("{base_path}{rel}"),
    }
}

/// Resolves `href` written on the page served at `page_url` (an absolute
/// path) to an absolute path with query removed; returns (path, fragment).
pub fn resolve(page_url: &str, href: &str) -> (String, Option<String>) {
    let (no_frag, frag) = match href.split_once('#') {
        Some((a, b)) => (a, Some(b.to_string())),
        None => (href, None),
    };
    let no_query = no_frag.split('?').next().unwrap_or("");
    let path = if no_query.is_empty() {
        page_url.to_string()
    } else if no_query.starts_with('/') {
        no_query.to_string()
    } else {
        let dir = &page_url[..page_url.rfind('/').map_or(0, |i| i + 1)];
        let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
        let trailing = no_query.ends_with('/');
        for seg in no_query.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    parts.pop();
                }
                s => parts.push(s),
            }
        }
        let mut p = format!("/{}", parts.join("/"));
        if trailing && !p.ends_with('/') {
            p.push('/');
        }
        p
    };
    (path, frag)
}

/// Every `id` in a document.
pub fn ids(doc: &Html) -> Vec<String> {
    attrs(doc, "[id]", "id")
}

/// Runs the `lanmu` binary with `args`.
pub fn lanmu(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lanmu"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run lanmu")
}

/// Runs `lanmu` with string arguments.
pub fn lanmu_str(args: &[&str]) -> Output {
    let a: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
    lanmu(&a)
}

/// Stdout and stderr of a run, for failure messages.
pub fn outputs(o: &Output) -> String {
    format!(
        "status: {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A `config.yaml` for the sub-path fixtures, with `extra` lines appended.
pub fn config(extra: &str) -> String {
    format!(
        "title: 测试学院学生党支部\ndescription: 测试站点\nbase_url: {BASE_URL}\ntaxonomies: [tags, branch]\n{extra}"
    )
}

/// A page file with front matter lines `front` and Markdown `body`.
pub fn page(front: &str, body: &str) -> String {
    format!("---\n{front}\n---\n{body}")
}

/// The standard fixture: two top-level columns, a nested column with a
/// Chinese folder name, a page bundle with an image, a page with a Chinese
/// file name, cross-page and in-page links, a draft, an alias and enough
/// pages in `xinde` (paginate_by: 2) for a second list page.
pub fn standard_site() -> Fixture {
    Fixture::new(&standard_files())
}

/// The image bytes of the standard fixture's bundle.
pub const PHOTO: &[u8] = b"\x89PNG\r\n\x1a\n-not-really-a-png-";

/// Files of [`standard_site`] (the photo is written separately as bytes).
pub fn standard_files() -> Vec<(&'static str, &'static str)> {
    vec![
        (
            "config.yaml",
            "title: 测试学院学生党支部\ndescription: 测试站点\nbase_url: https://www.example.edu.cn/dangjian/\ntaxonomies: [tags, branch]\npaginate_by: 10\nmarkdown:\n  unsafe_html: false\n",
        ),
        (
            "content/_index.md",
            "---\ntitle: 首页\n---\n\n欢迎来到测试站点。\n",
        ),
        (
            "content/xinde/_index.md",
            "---\ntitle: 学习心得\ndescription: 党员学习体会\npaginate_by: 2\n---\n",
        ),
        (
            "content/xinde/学习体会.md",
            "---\ntitle: 我的学习体会\ndate: 2024-05-01\ntags: 党史\nbranch: 第一支部\n---\n\n第一段中文\n接着中文，见[党史学习](dang-shi.md)。\n\n<!-- more -->\n\n## 学习收获\n\n更多内容在这里，参见[党史学习的收获](dang-shi.md#学习收获)和[本页总结](#总结)。\n\n<script>alert(\"x\")</script>\n\n## 总结\n\n总结之后的正文。\n",
        ),
        (
            "content/xinde/dang-shi.md",
            "---\ntitle: 党史学习\ndate: 2024-04-01 09:30\ntags: [党史, 理论学习]\nbranch: [第一支部]\naliases: [old/news/1.html]\n---\n\n学习党史，明理增信。\n\n## 学习收获\n\n收获很多。\n",
        ),
        (
            "content/xinde/zao-qi.md",
            "---\ntitle: 早期的心得\ndate: 2024-03-01\ntags: [理论学习]\n---\n\n最早的一篇。\n",
        ),
        (
            "content/xinde/cao-gao.md",
            "---\ntitle: 还没写完的草稿\ndate: 2024-06-01\ndraft: true\n---\n\n草稿内容。\n",
        ),
        (
            "content/xianjin/_index.md",
            "---\ntitle: 先进事迹\ndescription: 身边的榜样\n---\n",
        ),
        (
            "content/xianjin/zhang-san.md",
            "---\ntitle: 张三的事迹\ndate: 2024-02-01\ntags: [榜样]\n---\n\n张三同学的事迹，另见[李明](优秀党员/li-ming/index.md)。\n",
        ),
        (
            "content/xianjin/优秀党员/_index.md",
            "---\ntitle: 优秀党员\n---\n",
        ),
        (
            "content/xianjin/优秀党员/li-ming/index.md",
            "---\ntitle: 李明\ndate: 2024-01-15\ntags: [榜样]\n---\n\n![李明的照片](photo.png)\n\n李明同学的事迹。\n",
        ),
    ]
}

/// Writes the standard fixture's bundle photo.
pub fn write_photo(f: &Fixture) {
    f.write("content/xianjin/优秀党员/li-ming/photo.png", PHOTO);
}

/// The standard fixture with its photo, built into `public/`.
pub fn built_standard() -> (Fixture, PathBuf) {
    let f = standard_site();
    write_photo(&f);
    f.build();
    let out = f.public();
    (f, out)
}

/// Every HTML file in an output folder (relative paths).
pub fn html_files(out: &Path) -> Vec<String> {
    snapshot(out)
        .into_keys()
        .filter(|k| k.ends_with(".html"))
        .collect()
}

/// Every broken internal reference in the output, served at `base_path` of
/// `base_url`: `href`/`src` values that do not resolve to an output file,
/// and fragments that name no `id` on their target page.
pub fn broken_links(out: &Path, base_url: &str, base_path: &str) -> Vec<String> {
    let origin = &base_url[..base_url.len() - base_path.len()];
    let mut problems = Vec::new();
    let mut id_cache: BTreeMap<PathBuf, Vec<String>> = BTreeMap::new();
    for rel in html_files(out) {
        let page_url = url_of_file(base_path, &rel);
        let doc = html(out, &rel);
        let mut refs: Vec<String> = attrs(&doc, "[href]", "href");
        refs.extend(attrs(&doc, "[src]", "src"));
        for r in refs {
            let r = r.trim().to_string();
            let internal = if let Some(rest) = r.strip_prefix(origin).filter(|x| x.starts_with('/'))
            {
                rest.to_string()
            } else if r.starts_with("http://")
                || r.starts_with("https://")
                || r.starts_with("//")
                || r.starts_with("mailto:")
                || r.starts_with("tel:")
                || r.starts_with("data:")
                || r.starts_with("javascript:")
            {
                continue;
            } else {
                r.clone()
            };
            let (path, frag) = resolve(&page_url, &internal);
            let Some(file) = served_file(out, base_path, &path) else {
                problems.push(format!("{rel}: `{r}` is outside {base_path}"));
                continue;
            };
            if !file.is_file() {
                problems.push(format!("{rel}: `{r}` → {} does not exist", file.display()));
                continue;
            }
            if let Some(f) = frag.filter(|f| !f.is_empty())
                && file.extension().is_some_and(|e| e == "html")
            {
                let ids = id_cache.entry(file.clone()).or_insert_with(|| {
                    ids(&Html::parse_document(
                        &std::fs::read_to_string(&file).unwrap(),
                    ))
                });
                let want = percent_decode(&f);
                if !ids.contains(&want) {
                    problems.push(format!(
                        "{rel}: `{r}` → no id `{want}` in {}",
                        file.display()
                    ));
                }
            }
        }
    }
    problems
}

/// Parses an XML output file.
pub fn xml_text(out: &Path, rel: &str) -> String {
    read(out, rel)
}

/// Today's date in China time as `YYYY-MM-DD`.
pub fn today_cn() -> String {
    lanmu::date::PageDate::now(lanmu::date::parse_offset("+08:00").unwrap()).ymd()
}
