//! Links in the rendered output: every internal `href`/`src` of every HTML
//! file, and every URL of the feeds and the sitemap that points into the
//! site, must resolve to a file the build writes. Same-page `#fragment`s must
//! name an `id` on the page. Links to other pages' headings are checked on
//! the Markdown side by the build itself (`anchor` warnings).
//!
//! A link resolves the way a static web server resolves it: the base path is
//! mapped to the output folder, a path ending in `/` to its `index.html`,
//! `%XX` escapes are decoded, and `dir` without a slash is accepted when
//! `dir/index.html` exists.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use super::external::Found;
use crate::error::{Diagnostic, Msg};
use crate::site::Site;
use crate::slug::decode_path;

/// One start tag found in HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagInfo {
    /// Lowercased tag name.
    pub name: String,
    /// Attributes with lowercased names and decoded values.
    pub attrs: Vec<(String, String)>,
    /// Byte offset of the `<`.
    pub offset: usize,
}

impl TagInfo {
    /// The value of attribute `name`.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Decodes the character references HTML attribute values use (shared
/// with the relative-URL rewriter).
pub use crate::markdown::decode_entities;

/// The start tags of an HTML document, skipping comments, doctype, end tags
/// and the contents of `<script>` and `<style>`. Never fails: malformed
/// markup ends the scan or is read as text.
pub fn scan_tags(html: &str) -> Vec<TagInfo> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(k) = html[i..].find('<') {
        let start = i + k;
        let rest = &html[start..];
        if rest.starts_with("<!--") {
            i = match rest.find("-->") {
                Some(e) => start + e + 3,
                None => break,
            };
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") || rest.starts_with("</") {
            i = match rest.find('>') {
                Some(e) => start + e + 1,
                None => break,
            };
            continue;
        }
        let mut j = start + 1;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'-') {
            j += 1;
        }
        if j == start + 1 {
            i = start + 1;
            continue;
        }
        let name = html[start + 1..j].to_ascii_lowercase();
        let mut attrs = Vec::new();
        // Attributes.
        loop {
            while j < b.len() && (b[j].is_ascii_whitespace() || b[j] == b'/') {
                j += 1;
            }
            if j >= b.len() || b[j] == b'>' {
                break;
            }
            let a = j;
            while j < b.len() && !b[j].is_ascii_whitespace() && !matches!(b[j], b'=' | b'>' | b'/')
            {
                j += 1;
            }
            let key = html[a..j].to_ascii_lowercase();
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            let mut value = String::new();
            if j < b.len() && b[j] == b'=' {
                j += 1;
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                if j < b.len() && (b[j] == b'"' || b[j] == b'\'') {
                    let q = b[j];
                    let v0 = j + 1;
                    j = v0;
                    while j < b.len() && b[j] != q {
                        j += 1;
                    }
                    value = decode_entities(&html[v0..j.min(b.len())]);
                    j = (j + 1).min(b.len());
                } else {
                    let v0 = j;
                    while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                        j += 1;
                    }
                    value = decode_entities(&html[v0..j]);
                }
            }
            if !key.is_empty() {
                attrs.push((key, value));
            }
        }
        i = (j + 1).min(b.len());
        let raw_text = name == "script" || name == "style";
        out.push(TagInfo {
            name,
            attrs,
            offset: start,
        });
        if raw_text {
            let close = if out.last().is_some_and(|t| t.name == "script") {
                "</script"
            } else {
                "</style"
            };
            i = match find_ci(&html[i..], close) {
                Some(e) => i + e,
                None => break,
            };
        }
        if i >= b.len() {
            break;
        }
    }
    out
}

fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let n = needle.len();
    hay.as_bytes()
        .windows(n)
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// The URLs a tag links to, with the attribute they are in.
fn urls_of(t: &TagInfo) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for (attr, names) in [
        ("href", &["a", "link", "area"][..]),
        (
            "src",
            &[
                "img", "script", "iframe", "source", "audio", "video", "embed", "track", "input",
            ][..],
        ),
        ("poster", &["video"][..]),
        ("data", &["object"][..]),
    ] {
        if names.contains(&t.name.as_str())
            && let Some(v) = t.attr(attr)
        {
            out.push((attr, v.to_string()));
        }
    }
    if (t.name == "img" || t.name == "source")
        && let Some(set) = t.attr("srcset")
    {
        for part in set.split(',') {
            if let Some(u) = part.split_whitespace().next() {
                out.push(("srcset", u.to_string()));
            }
        }
    }
    if t.name == "meta"
        && let (Some(p), Some(c)) = (t.attr("property").or(t.attr("name")), t.attr("content"))
        && matches!(p, "og:url" | "og:image" | "twitter:image")
    {
        out.push(("content", c.to_string()));
    }
    out
}

/// What a URL found in the output points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Nothing to check (`mailto:`, `javascript:`, `data:`, empty).
    Skip,
    /// A fragment of the same page (decoded).
    SamePage(String),
    /// Outside the site.
    External(String),
    /// A site path (decoded, without query and fragment).
    Internal(String),
}

/// Classifies `url` found in the output file whose site path is `page`
/// (a site path ending in `/` for `index.html` files).
pub fn classify(url: &str, page: &str, base_url: &str, base_path: &str) -> Target {
    let url = url.trim();
    if url.is_empty() {
        return Target::Skip;
    }
    if let Some(f) = url.strip_prefix('#') {
        return Target::SamePage(decode_path(f));
    }
    let lower = url.to_ascii_lowercase();
    let path_part: String = if lower.starts_with("http://") || lower.starts_with("https://") {
        let origin_len = base_url.len() - base_path.len();
        let same_origin = lower.starts_with(&base_url[..origin_len].to_ascii_lowercase())
            && url
                .get(origin_len..)
                .is_some_and(|r| r.is_empty() || r.starts_with(['/', '?', '#']));
        if same_origin {
            let rest = &url[origin_len..];
            if rest.is_empty() {
                "/".to_string()
            } else {
                rest.to_string()
            }
        } else {
            return Target::External(url.to_string());
        }
    } else if url.starts_with("//") {
        return Target::External(format!("https:{url}"));
    } else if let Some(i) = url.find(':')
        && !url[..i].contains(['/', '?', '#'])
    {
        return Target::Skip; // mailto:, tel:, javascript:, data:, ...
    } else if url.starts_with('/') {
        url.to_string()
    } else {
        // Relative to the page's folder.
        let dir = match page.rfind('/') {
            Some(i) => &page[..=i],
            None => "/",
        };
        format!("{dir}{url}")
    };
    let end = path_part.find(['?', '#']).unwrap_or(path_part.len());
    let decoded = decode_path(&path_part[..end]);
    // Normalise `.` and `..`.
    let mut parts: Vec<&str> = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut norm = parts.join("/");
    if !norm.starts_with('/') {
        norm.insert(0, '/');
    }
    if (decoded.ends_with("/.") || decoded.ends_with("/..")) && !norm.ends_with('/') {
        norm.push('/');
    }
    Target::Internal(norm)
}

/// The output file (key of the rendered files) a site path is served from,
/// if it exists.
pub fn resolve<'a>(
    path: &str,
    base_path: &str,
    files: &'a BTreeMap<String, Vec<u8>>,
) -> Option<&'a str> {
    let rel = path
        .strip_prefix(base_path)
        .or_else(|| (path.to_string() + "/").strip_prefix(base_path).map(|_| ""))?;
    let key = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    if let Some((k, _)) = files.get_key_value(&key) {
        return Some(k.as_str());
    }
    if !rel.is_empty() && !rel.ends_with('/') {
        return files
            .get_key_value(&format!("{rel}/index.html"))
            .map(|(k, _)| k.as_str());
    }
    None
}

/// The result of checking the output.
#[derive(Debug, Default)]
pub struct OutputCheck {
    /// Broken internal links and fragments.
    pub diagnostics: Vec<Diagnostic>,
    /// External links found in the output.
    pub external: Vec<Found>,
}

fn site_path_of(key: &str, base_path: &str) -> String {
    match key.strip_suffix("index.html") {
        Some(dir) if dir.is_empty() || dir.ends_with('/') => format!("{base_path}{dir}"),
        _ => format!("{base_path}{key}"),
    }
}

/// Which content file produced each output file (for messages).
fn sources(site: &Site) -> BTreeMap<String, PathBuf> {
    let mut out = BTreeMap::new();
    for p in &site.pages {
        if let Some(f) = crate::urls::output_key(&site.config, &p.path) {
            out.insert(f, p.file.clone());
        }
    }
    for c in &site.columns {
        if let (Some(src), Some(f)) = (&c.file, crate::urls::output_key(&site.config, &c.path)) {
            out.insert(f, src.clone());
        }
    }
    out
}

/// A broken link, reported once however many output files contain it.
struct Broken {
    url: String,
    first: (String, usize, usize),
    count: usize,
    files: HashSet<String>,
    fragment: bool,
}

/// Checks every rendered file. `out_dir` is the output folder as shown in
/// messages (`public`).
pub fn check_output(site: &Site, files: &BTreeMap<String, Vec<u8>>, out_dir: &Path) -> OutputCheck {
    let cfg = &site.config;
    let (base_url, base_path) = (cfg.base_url.as_str(), cfg.base_path.as_str());
    let mut broken: BTreeMap<(bool, String), Broken> = BTreeMap::new();
    let mut external = Vec::new();
    let mut note = |key: &str, text: &str, offset: usize, url: &str, what: (bool, String)| {
        let (line, col) = super::line_col(text, offset, 1);
        broken
            .entry(what.clone())
            .and_modify(|b| {
                b.count += 1;
                b.files.insert(key.to_string());
            })
            .or_insert(Broken {
                url: url.to_string(),
                first: (key.to_string(), line, col),
                count: 1,
                files: HashSet::from([key.to_string()]),
                fragment: what.0,
            });
    };
    for (key, bytes) in files {
        let is_html = key.ends_with(".html") || key.ends_with(".htm");
        let is_xml = key.ends_with(".xml");
        if !is_html && !is_xml {
            continue;
        }
        let Ok(text) = std::str::from_utf8(bytes) else {
            continue;
        };
        let page = site_path_of(key, base_path);
        if is_html {
            let tags = scan_tags(text);
            let ids: HashSet<&str> = tags
                .iter()
                .flat_map(|t| {
                    let name = if t.name == "a" { t.attr("name") } else { None };
                    t.attr("id").into_iter().chain(name)
                })
                .collect();
            for t in &tags {
                for (_, url) in urls_of(t) {
                    match classify(&url, &page, base_url, base_path) {
                        Target::Skip => {}
                        Target::SamePage(f) => {
                            if !f.is_empty() && f != "top" && !ids.contains(f.as_str()) {
                                note(key, text, t.offset, &url, (true, format!("{key}#{f}")));
                            }
                        }
                        Target::External(u) => external.push(Found {
                            url: u,
                            file: out_dir.join(key),
                            line: Some(super::line_col(text, t.offset, 1).0),
                        }),
                        Target::Internal(p) => {
                            if resolve(&p, base_path, files).is_some() {
                                continue;
                            }
                            let under_base = format!("{base_path}{}", p.trim_start_matches('/'));
                            if p.starts_with(base_path)
                                || (p != "/" && resolve(&under_base, base_path, files).is_some())
                            {
                                // Missing, or written without the base path
                                // (`/style.css` for `/dangjian/style.css`).
                                note(key, text, t.offset, &url, (false, p));
                            } else {
                                // Same host, outside the site (the school's home page).
                                let origin = &base_url[..base_url.len() - base_path.len()];
                                external.push(Found {
                                    url: format!("{origin}{p}"),
                                    file: out_dir.join(key),
                                    line: Some(super::line_col(text, t.offset, 1).0),
                                });
                            }
                        }
                    }
                }
            }
        } else {
            // Feeds and the sitemap: absolute URLs in <loc>, <link> and href="".
            for (offset, url) in xml_urls(text) {
                if let Target::Internal(p) = classify(&url, &page, base_url, base_path)
                    && p.starts_with(base_path)
                    && resolve(&p, base_path, files).is_none()
                {
                    note(key, text, offset, &url, (false, p));
                }
            }
        }
    }
    let sources = sources(site);
    let mut diagnostics = Vec::new();
    for ((_, target), b) in broken {
        let (key, line, col) = &b.first;
        let (from_zh, from_en) = match sources.get(key) {
            _ if b.files.len() > 1 => (
                format!("出现在 {} 个生成的文件中，多半来自模板", b.files.len()),
                format!("in {} output files, likely from a template", b.files.len()),
            ),
            Some(src) => (
                format!("来自 {}", src.display()),
                format!("from {}", src.display()),
            ),
            None => ("来自模板".to_string(), "from a template".to_string()),
        };
        let shown = out_dir.join(key);
        let (zh_more, en_more) = if b.count > 1 {
            (
                format!("，共 {} 处", b.count),
                format!("; {} occurrences", b.count),
            )
        } else {
            (String::new(), String::new())
        };
        let d = if b.fragment {
            Diagnostic::error(
                "html-anchor",
                &shown,
                Msg::new(
                    format!(
                        "生成的页面中链接 `{}` 指向的锚点不存在（{from_zh}）{zh_more}",
                        b.url
                    ),
                    format!(
                        "link `{}` in the output points at a missing anchor ({from_en}){en_more}",
                        b.url
                    ),
                ),
            )
            .with_hint(Msg::new(
                "给目标元素加上对应的 id，或改正链接",
                "add the id to the target element or fix the link",
            ))
        } else if !target.starts_with(base_path) {
            let fixed = format!("{base_path}{}", target.trim_start_matches('/'));
            Diagnostic::error(
                "html-link",
                &shown,
                Msg::new(
                    format!("生成的页面中链接 `{}` 少了网站的基础路径，应为 `{fixed}`（{from_zh}）{zh_more}", b.url),
                    format!("link `{}` in the output lacks the site's base path: it should be `{fixed}` ({from_en}){en_more}", b.url),
                ),
            )
            .with_hint(Msg::new(
                "模板中用 {{ site.home }} 开头拼接链接；正文中用相对路径",
                "start template links with {{ site.home }}; use relative links in pages",
            ))
        } else {
            Diagnostic::error(
                "html-link",
                &shown,
                Msg::new(
                    format!("生成的页面中链接 `{}` 指向不存在的文件 `{target}`（{from_zh}）{zh_more}", b.url),
                    format!("link `{}` in the output points at `{target}`, which is not generated ({from_en}){en_more}", b.url),
                ),
            )
            .with_hint(Msg::new(
                "模板中的链接用 site.home 等变量拼接；正文中用相对路径链接 .md 文件或同目录的图片；静态文件放在 static/ 下",
                "build template links from site.home and friends; link .md files or bundle files by relative path; put static files in static/",
            ))
        };
        diagnostics.push(d.at(*line, *col));
    }
    OutputCheck {
        diagnostics,
        external,
    }
}

/// URLs in feeds and sitemaps: `<loc>`, `<link>` text and `href` attributes.
fn xml_urls(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (open, close) in [("<loc>", "</loc>"), ("<link>", "</link>")] {
        let mut i = 0;
        while let Some(k) = text[i..].find(open) {
            let s = i + k + open.len();
            let Some(e) = text[s..].find(close) else {
                break;
            };
            out.push((i + k, decode_entities(text[s..s + e].trim())));
            i = s + e;
        }
    }
    for t in scan_tags(text) {
        if t.name == "link"
            && let Some(h) = t.attr("href")
        {
            out.push((t.offset, h.to_string()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_entities() {
        let t = scan_tags(
            "<!-- <a href=x> --><p id=a class='b'>x</p><script>if (a<b) {}</script><img src=\"a&amp;b.png\" alt=\"\">",
        );
        assert_eq!(t.len(), 3, "{t:?}");
        assert_eq!(t[0].attr("id"), Some("a"));
        assert_eq!(t[2].attr("src"), Some("a&b.png"));
        assert_eq!(
            decode_entities("&#x5B66;&#20064;&lt;&bogus;"),
            "学习<&bogus;"
        );
    }

    #[test]
    fn classification() {
        let (bu, bp) = ("https://www.example.edu.cn/dj/", "/dj/");
        let c = |u: &str| classify(u, "/dj/a/b/", bu, bp);
        assert_eq!(c("#x"), Target::SamePage("x".into()));
        assert_eq!(c("mailto:a@b.cn"), Target::Skip);
        assert_eq!(
            c("https://other.cn/x"),
            Target::External("https://other.cn/x".into())
        );
        assert_eq!(
            c("https://www.example.edu.cn/dj/x/"),
            Target::Internal("/dj/x/".into())
        );
        assert_eq!(c("photo.png"), Target::Internal("/dj/a/b/photo.png".into()));
        assert_eq!(c("../c/?q=1#f"), Target::Internal("/dj/a/c/".into()));
        assert_eq!(c("/dj/%E5%AD%A6/"), Target::Internal("/dj/学/".into()));
    }

    #[test]
    fn resolution() {
        let mut files = BTreeMap::new();
        for k in ["index.html", "a/index.html", "a/p.png"] {
            files.insert(k.to_string(), Vec::new());
        }
        assert_eq!(resolve("/dj/", "/dj/", &files), Some("index.html"));
        assert_eq!(resolve("/dj", "/dj/", &files), Some("index.html"));
        assert_eq!(resolve("/dj/a", "/dj/", &files), Some("a/index.html"));
        assert_eq!(resolve("/dj/a/p.png", "/dj/", &files), Some("a/p.png"));
        assert_eq!(resolve("/dj/b/", "/dj/", &files), None);
        assert_eq!(resolve("/other/", "/dj/", &files), None);
    }
}
