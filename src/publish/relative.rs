//! Relative links (`relative_urls: true`, `lanmu build --relative`).
//!
//! Templates and Markdown produce root-relative links that start with the base
//! path (`/dangjian/xinde/`). [`RelativeSink`] rewrites them as each `.html`
//! or `.css` file is written, relative to that file's own folder
//! (`../xinde/index.html`), so the same output works under any sub-path and
//! opened from a folder on disk (`file://`). Because `file://` serves no
//! folder indexes, links to folders get an explicit `index.html`.
//!
//! Only root-relative URLs under the base path are touched. Absolute URLs
//! (`https://…`: canonical links, `og:url`, feeds, the sitemap), links to
//! other parts of the host (`/xxgk/` when the base path is `/dangjian/`),
//! fragments and already relative links stay as they are. Feeds and the
//! sitemap are XML and are not rewritten at all.
//!
//! Rewritten in HTML: `href`, `src`, `srcset`, `imagesrcset`, `poster`,
//! `action`, `formaction`, `xlink:href`, the `url=` of
//! `<meta http-equiv="refresh">`, CSS `url(…)` in `style` attributes and
//! `<style>` elements, and `data-*-url`/`-href`/`-src`/`-index`/`-path`/`-root`
//! attributes (those keep folder URLs as folders, `../search/`, because
//! scripts append file names to them). `<link rel="canonical">` is left alone.
//! In CSS files: `url(…)` and `@import "…"`, relative to the stylesheet.
//!
//! Limitation: `404.html` is served by web servers for missing URLs at any
//! depth, and its relative links are computed for the site root, so they only
//! work for missing pages one level deep. Script and JSON files are not
//! rewritten.

use std::path::Path;

use crate::error::{Error, Result};
use crate::output::Sink;

/// A sink that rewrites root-relative links in `.html`/`.htm` and `.css`
/// files into relative ones before passing them on; other files pass through.
pub struct RelativeSink<'a> {
    inner: &'a dyn Sink,
    base_path: String,
}

impl<'a> RelativeSink<'a> {
    /// Wraps `inner`; `base_path` is the site's (`/` or `/dangjian/`).
    pub fn new(inner: &'a dyn Sink, base_path: &str) -> Self {
        let mut base_path = base_path.to_string();
        if !base_path.starts_with('/') {
            base_path.insert(0, '/');
        }
        if !base_path.ends_with('/') {
            base_path.push('/');
        }
        RelativeSink { inner, base_path }
    }

    fn transform(&self, rel: &Path, bytes: &[u8]) -> Option<Vec<u8>> {
        let kind = kind_of(rel)?;
        let text = std::str::from_utf8(bytes).ok()?;
        let file = crate::output::key(rel);
        let out = match kind {
            Kind::Html => rewrite_html(text, &file, &self.base_path),
            Kind::Css => rewrite_css(text, &file, &self.base_path),
        };
        Some(out.into_bytes())
    }
}

enum Kind {
    Html,
    Css,
}

fn kind_of(rel: &Path) -> Option<Kind> {
    let ext = rel.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" | "xhtml" => Some(Kind::Html),
        "css" => Some(Kind::Css),
        _ => None,
    }
}

impl Sink for RelativeSink<'_> {
    fn write(&self, rel: &Path, bytes: &[u8]) -> Result<()> {
        match self.transform(rel, bytes) {
            Some(out) => self.inner.write(rel, &out),
            None => self.inner.write(rel, bytes),
        }
    }

    fn copy(&self, rel: &Path, from: &Path) -> Result<()> {
        if kind_of(rel).is_none() {
            return self.inner.copy(rel, from);
        }
        let bytes = std::fs::read(from).map_err(|e| Error::io(from, e))?;
        self.write(rel, &bytes)
    }
}

/// How a rewritten URL treats a folder target.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Folders {
    /// `dir/` → `dir/index.html` (links a person follows, `file://`-safe).
    Index,
    /// `dir/` stays `dir/` (a base scripts append file names to).
    Keep,
}

/// The relative form of `url` as seen from output file `from_file` (relative
/// to the output root, `/`-separated); `None` when `url` is not a
/// root-relative URL under `base_path` and must stay as it is.
pub fn relative_url(url: &str, from_file: &str, base_path: &str) -> Option<String> {
    relative_url_with(url, from_file, base_path, Folders::Index)
}

fn relative_url_with(
    url: &str,
    from_file: &str,
    base_path: &str,
    folders: Folders,
) -> Option<String> {
    if !url.starts_with('/') || url.starts_with("//") || url.starts_with("/\\") {
        return None;
    }
    let split = url.find(['?', '#']).unwrap_or(url.len());
    let (path, rest) = url.split_at(split);
    let base_bare = base_path.trim_end_matches('/');
    let target = if path == base_bare {
        ""
    } else {
        path.strip_prefix(base_path)?
    };
    // Resolve dot segments; leaving the base path means it is not ours.
    let mut segs: Vec<&str> = Vec::new();
    let raw: Vec<&str> = target.split('/').collect();
    let folder = target.is_empty()
        || target.ends_with('/')
        || matches!(raw.last(), Some(&".") | Some(&".."));
    for s in raw {
        match s {
            "" | "." => {}
            ".." => {
                segs.pop()?;
            }
            s => segs.push(s),
        }
    }
    let mut file_name: Option<&str> = None;
    if !folder {
        file_name = segs.pop();
    }
    let from_dirs: Vec<String> = {
        let mut parts: Vec<&str> = from_file.split('/').filter(|s| !s.is_empty()).collect();
        parts.pop();
        parts.into_iter().map(String::from).collect()
    };
    let decoded: Vec<String> = segs.iter().map(|s| crate::slug::decode_path(s)).collect();
    let common = from_dirs
        .iter()
        .zip(&decoded)
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = String::new();
    for _ in common..from_dirs.len() {
        out.push_str("../");
    }
    for s in &segs[common..] {
        out.push_str(s);
        out.push('/');
    }
    match (file_name, folders) {
        (Some(f), _) => out.push_str(f),
        (None, Folders::Index) => out.push_str("index.html"),
        (None, Folders::Keep) => {
            if out.is_empty() {
                out.push_str("./");
            }
        }
    }
    // A first segment with a colon would read as a scheme (`a:b.html`).
    let first = out.split('/').next().unwrap_or("");
    if first.contains(':') {
        out.insert_str(0, "./");
    }
    out.push_str(rest);
    Some(out)
}

use crate::markdown::decode_entities;

fn escape_attr(s: &str, quote: char) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' if quote == '"' => out.push_str("&quot;"),
            '\'' if quote == '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Rewrites every candidate URL of a `srcset` value.
fn rewrite_srcset(value: &str, from: &str, base: &str) -> Option<String> {
    let mut out = String::with_capacity(value.len());
    let mut changed = false;
    let mut rest = value;
    loop {
        let skip = rest.len()
            - rest
                .trim_start_matches(|c: char| c.is_whitespace() || c == ',')
                .len();
        out.push_str(&rest[..skip]);
        rest = &rest[skip..];
        if rest.is_empty() {
            break;
        }
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let mut url = &rest[..end];
        let mut trailing = "";
        if let Some(stripped) = url.strip_suffix(',') {
            let t = stripped.trim_end_matches(',');
            trailing = &url[t.len()..];
            url = t;
        }
        match relative_url(url, from, base) {
            Some(r) => {
                out.push_str(&r);
                changed = true;
            }
            None => out.push_str(url),
        }
        out.push_str(trailing);
        rest = &rest[end..];
        if trailing.is_empty() {
            // Descriptors up to the next comma.
            let d = rest.find(',').map_or(rest.len(), |i| i + 1);
            out.push_str(&rest[..d]);
            rest = &rest[d..];
        }
    }
    changed.then_some(out)
}

/// Rewrites the `url=` part of a meta refresh `content` value.
fn rewrite_refresh(value: &str, from: &str, base: &str) -> Option<String> {
    let lower = value.to_ascii_lowercase();
    let i = lower.find("url")?;
    let after = &value[i + 3..];
    let eq = after.trim_start();
    let eq = eq.strip_prefix('=')?;
    let ws = eq.len() - eq.trim_start().len();
    let body = &eq[ws..];
    let (quote, inner) = match body.chars().next() {
        Some(q @ ('"' | '\'')) => (Some(q), &body[1..]),
        _ => (None, body),
    };
    let end = match quote {
        Some(q) => inner.find(q).unwrap_or(inner.len()),
        None => inner.len(),
    };
    let url = inner[..end].trim();
    let new = relative_url(url, from, base)?;
    let prefix_len = value.len() - inner.len();
    Some(format!("{}{}{}", &value[..prefix_len], new, &inner[end..]))
}

/// Rewrites root-relative `url(…)` and `@import "…"` references in CSS text
/// as seen from output file `from`.
pub fn rewrite_css(css: &str, from: &str, base_path: &str) -> String {
    let bytes = css.as_bytes();
    let lower = css.to_ascii_lowercase().into_bytes();
    let mut out = String::with_capacity(css.len());
    let mut i = 0;
    let mut last = 0;
    while i < bytes.len() {
        let (start, quoted_only) = if lower[i..].starts_with(b"url(") {
            (i + 4, false)
        } else if lower[i..].starts_with(b"@import") {
            (i + 7, true)
        } else {
            i += 1;
            continue;
        };
        let mut j = start;
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        let quote = match bytes.get(j) {
            Some(&q @ (b'"' | b'\'')) => Some(q),
            _ => None,
        };
        if quoted_only && quote.is_none() {
            i = j;
            continue;
        }
        let url_start = if quote.is_some() { j + 1 } else { j };
        let url_end = match quote {
            Some(q) => css[url_start..].find(q as char).map(|k| url_start + k),
            None => css[url_start..].find(')').map(|k| url_start + k),
        };
        let Some(url_end) = url_end else {
            break;
        };
        let url = css[url_start..url_end].trim();
        if let Some(new) = relative_url(url, from, base_path) {
            out.push_str(&css[last..url_start]);
            out.push_str(&new);
            let trimmed_end = url_start + css[url_start..url_end].trim_end().len();
            out.push_str(&css[trimmed_end..url_end]);
            last = url_end;
        }
        i = url_end;
    }
    out.push_str(&css[last..]);
    out
}

/// One attribute as found in a start tag: its name and where its value is.
struct Attr {
    name: String,
    /// Byte range of the value in the document (inside the quotes).
    value: Option<(usize, usize)>,
    quote: Option<char>,
}

const URL_ATTRS: &[&str] = &[
    "href",
    "src",
    "poster",
    "action",
    "formaction",
    "xlink:href",
];
const DATA_SUFFIXES: &[&str] = &["-url", "-href", "-src", "-index", "-path", "-root", "-base"];

/// Rewrites the root-relative links of an HTML document written at output
/// file `from` (relative to the output root, `/`-separated).
pub fn rewrite_html(html: &str, from: &str, base_path: &str) -> String {
    let b = html.as_bytes();
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut last = 0;
    let mut i = 0;
    while let Some(k) = html[i..].find('<') {
        let lt = i + k;
        let rest = &html[lt..];
        if rest.starts_with("<!--") {
            i = rest.find("-->").map_or(html.len(), |e| lt + e + 3);
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") || rest.starts_with("</") {
            i = rest.find('>').map_or(html.len(), |e| lt + e + 1);
            continue;
        }
        if !b.get(lt + 1).is_some_and(|c| c.is_ascii_alphabetic()) {
            i = lt + 1;
            continue;
        }
        // Tag name.
        let mut j = lt + 1;
        while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' && b[j] != b'/' {
            j += 1;
        }
        let tag = html[lt + 1..j].to_ascii_lowercase();
        // Attributes.
        let mut attrs: Vec<Attr> = Vec::new();
        loop {
            while j < b.len() && (b[j].is_ascii_whitespace() || b[j] == b'/') {
                j += 1;
            }
            if j >= b.len() || b[j] == b'>' {
                break;
            }
            let ns = j;
            while j < b.len() && !b[j].is_ascii_whitespace() && !matches!(b[j], b'=' | b'>' | b'/')
            {
                j += 1;
            }
            let name = html[ns..j].to_ascii_lowercase();
            let mut k2 = j;
            while k2 < b.len() && b[k2].is_ascii_whitespace() {
                k2 += 1;
            }
            if k2 < b.len() && b[k2] == b'=' {
                k2 += 1;
                while k2 < b.len() && b[k2].is_ascii_whitespace() {
                    k2 += 1;
                }
                match b.get(k2) {
                    Some(&q @ (b'"' | b'\'')) => {
                        let vs = k2 + 1;
                        let ve = html[vs..].find(q as char).map_or(html.len(), |e| vs + e);
                        attrs.push(Attr {
                            name,
                            value: Some((vs, ve)),
                            quote: Some(q as char),
                        });
                        j = (ve + 1).min(html.len());
                    }
                    _ => {
                        let vs = k2;
                        let mut ve = vs;
                        while ve < b.len() && !b[ve].is_ascii_whitespace() && b[ve] != b'>' {
                            ve += 1;
                        }
                        attrs.push(Attr {
                            name,
                            value: Some((vs, ve)),
                            quote: None,
                        });
                        j = ve;
                    }
                }
            } else {
                attrs.push(Attr {
                    name,
                    value: None,
                    quote: None,
                });
            }
        }
        let tag_end = (j + 1).min(html.len());
        let value_of = |name: &str| {
            attrs
                .iter()
                .find(|a| a.name == name)
                .and_then(|a| a.value)
                .map(|(s, e)| decode_entities(&html[s..e]))
        };
        let canonical = tag == "link"
            && value_of("rel").is_some_and(|r| {
                r.split_ascii_whitespace()
                    .any(|t| t.eq_ignore_ascii_case("canonical"))
            });
        let refresh = tag == "meta"
            && value_of("http-equiv").is_some_and(|v| v.trim().eq_ignore_ascii_case("refresh"));
        for a in &attrs {
            let Some((vs, ve)) = a.value else { continue };
            let raw = &html[vs..ve];
            let value = decode_entities(raw);
            let new = match a.name.as_str() {
                n if URL_ATTRS.contains(&n) => {
                    if canonical {
                        None
                    } else {
                        relative_url(value.trim(), from, base_path)
                    }
                }
                "srcset" | "imagesrcset" => rewrite_srcset(&value, from, base_path),
                "content" if refresh => rewrite_refresh(&value, from, base_path),
                "style" => {
                    let css = rewrite_css(&value, from, base_path);
                    (css != value).then_some(css)
                }
                n if n.starts_with("data-") && DATA_SUFFIXES.iter().any(|s| n.ends_with(s)) => {
                    relative_url_with(value.trim(), from, base_path, Folders::Keep)
                }
                _ => None,
            };
            if let Some(new) = new {
                out.push_str(&html[last..vs]);
                match a.quote {
                    Some(q) => out.push_str(&escape_attr(&new, q)),
                    None => {
                        out.push('"');
                        out.push_str(&escape_attr(&new, '"'));
                        out.push('"');
                    }
                }
                last = ve;
            }
        }
        i = tag_end;
        // Raw text elements: skip (script) or rewrite as CSS (style).
        if tag == "script" || tag == "style" {
            let close = format!("</{tag}");
            let lower_rest = html[i..].to_ascii_lowercase();
            let end = lower_rest.find(&close).map_or(html.len(), |e| i + e);
            if tag == "style" {
                let css = &html[i..end];
                let new = rewrite_css(css, from, base_path);
                if new != css {
                    out.push_str(&html[last..i]);
                    out.push_str(&new);
                    last = end;
                }
            }
            i = end;
        }
    }
    out.push_str(&html[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: &str = "/dangjian/";

    #[test]
    fn urls() {
        assert_eq!(
            relative_url("/dangjian/", "index.html", B).unwrap(),
            "index.html"
        );
        assert_eq!(
            relative_url("/dangjian", "a/index.html", B).unwrap(),
            "../index.html"
        );
        assert_eq!(
            relative_url("/dangjian/xinde/", "xinde/abc/index.html", B).unwrap(),
            "../index.html"
        );
        assert_eq!(
            relative_url("/dangjian/style.css", "xinde/abc/index.html", B).unwrap(),
            "../../style.css"
        );
        assert_eq!(
            relative_url("/dangjian/xinde/abc/#h", "xinde/abc/index.html", B).unwrap(),
            "index.html#h"
        );
        assert_eq!(
            relative_url("/dangjian/tags/x/?q=1", "xinde/index.html", B).unwrap(),
            "../tags/x/index.html?q=1"
        );
        assert_eq!(
            relative_url("/dangjian/%E5%AD%A6%E4%B9%A0/", "学习/a/index.html", B).unwrap(),
            "../index.html"
        );
        assert_eq!(
            relative_url("/dangjian/a:b.html", "index.html", B).unwrap(),
            "./a:b.html"
        );
        assert_eq!(relative_url("/other/", "index.html", B), None);
        assert_eq!(relative_url("/dangjianx/", "index.html", B), None);
        assert_eq!(relative_url("https://x/dangjian/", "index.html", B), None);
        assert_eq!(relative_url("//cdn/x.js", "index.html", B), None);
        assert_eq!(relative_url("#x", "index.html", B), None);
        assert_eq!(relative_url("/dangjian/../x", "index.html", B), None);
        assert_eq!(
            relative_url("/a/b.png", "a/index.html", "/").unwrap(),
            "b.png"
        );
        assert_eq!(
            relative_url_with("/dangjian/search/", "search/index.html", B, Folders::Keep).unwrap(),
            "./"
        );
        assert_eq!(
            relative_url_with("/dangjian/search/", "a/b/index.html", B, Folders::Keep).unwrap(),
            "../../search/"
        );
    }

    #[test]
    fn html() {
        let html = r#"<!DOCTYPE html><html><head><link rel="canonical" href="https://e.cn/dangjian/a/"><link rel="stylesheet" href="/dangjian/style.css">
<meta http-equiv="refresh" content="0; url=/dangjian/b/"><style>.x{background:url("/dangjian/i.png")}</style></head>
<body><a href='/dangjian/b/?x=1&amp;y=2'>b</a><a href=/dangjian/>home</a><a href="/xxgk/">other</a>
<img src="/dangjian/a/p.png" srcset="/dangjian/a/p.png 1x, /dangjian/a/p2.png 2x" style="background:url(/dangjian/i.png)">
<!-- <a href="/dangjian/c/"> --><script>var u="/dangjian/x/";</script><div data-search-index="/dangjian/search/"></div></body></html>"#;
        let out = rewrite_html(html, "a/index.html", B);
        assert!(out.contains(r#"href="https://e.cn/dangjian/a/""#), "{out}");
        assert!(out.contains(r#"href="../style.css""#), "{out}");
        assert!(out.contains(r#"content="0; url=../b/index.html""#), "{out}");
        assert!(out.contains(r#"url("../i.png")"#), "{out}");
        assert!(
            out.contains(r#"href='../b/index.html?x=1&amp;y=2'"#),
            "{out}"
        );
        assert!(out.contains(r#"href="../index.html""#), "{out}");
        assert!(out.contains(r#"href="/xxgk/""#), "{out}");
        assert!(
            out.contains(r#"src="p.png" srcset="p.png 1x, p2.png 2x""#),
            "{out}"
        );
        assert!(out.contains("background:url(../i.png)"), "{out}");
        assert!(out.contains(r#"<!-- <a href="/dangjian/c/"> -->"#), "{out}");
        assert!(out.contains(r#"var u="/dangjian/x/";"#), "{out}");
        assert!(out.contains(r#"data-search-index="../search/""#), "{out}");
    }

    #[test]
    fn css() {
        let css = "@import \"/dangjian/base.css\";\nbody{background:url( '/dangjian/img/bg.png' )}\n.a{b:url(data:image/png;base64,xx)}";
        let out = rewrite_css(css, "style.css", B);
        assert_eq!(
            out,
            "@import \"base.css\";\nbody{background:url( 'img/bg.png' )}\n.a{b:url(data:image/png;base64,xx)}"
        );
    }

    #[test]
    fn entities() {
        assert_eq!(decode_entities("&#x2F;a&amp;b&#47;&bogus;"), "/a&b/&bogus;");
    }
}
