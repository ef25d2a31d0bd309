//! Every URL lanmu produces is made here, so a reader finds where any URL
//! comes from in one hop.
//!
//! A *site path* is decoded and starts with the base path (`/dangjian/学习/`);
//! [`href`] percent-encodes it for HTML and XML; [`output_file`] turns it into
//! the file written under the output folder.

use std::path::PathBuf;

use crate::config::Config;

/// Site path of the home page (the base path).
pub fn home(cfg: &Config) -> String {
    cfg.base_path.clone()
}

/// Site path of a child folder `slug` under `parent` (a site path ending in `/`).
pub fn child(parent: &str, slug: &str) -> String {
    format!("{parent}{slug}/")
}

/// Site path of page `n` (1-based) of a paginated list at `list` (`/x/page/2/`).
pub fn paginated(list: &str, n: usize) -> String {
    if n <= 1 {
        list.to_string()
    } else {
        format!("{list}page/{n}/")
    }
}

/// Site path of a taxonomy's term list (`/dangjian/tags/`).
pub fn taxonomy(cfg: &Config, name: &str) -> String {
    format!("{}{name}/", cfg.base_path)
}

/// Site path of one term's page (`/dangjian/tags/dang-shi/`).
pub fn term(cfg: &Config, taxonomy: &str, slug: &str) -> String {
    format!("{}{taxonomy}/{slug}/", cfg.base_path)
}

/// Site path of a file at the site root (`rss.xml`, `sitemap.xml`, `404.html`).
pub fn root_file(cfg: &Config, name: &str) -> String {
    format!("{}{name}", cfg.base_path)
}

/// Site path of the search page and index folder (`/dangjian/search/`).
pub fn search(cfg: &Config) -> String {
    format!("{}search/", cfg.base_path)
}

/// Site path of an exam column's whole-bank practice page (`/x/practice/`).
pub fn practice(column: &str) -> String {
    format!("{column}practice/")
}

/// Site path of an exam column's question bank script (`/x/practice/bank.js`).
pub fn bank(column: &str) -> String {
    format!("{column}practice/bank.js")
}

/// Site path of an exam column's wrong-answer book (`/x/wrongbook/`).
pub fn wrongbook(column: &str) -> String {
    format!("{column}wrongbook/")
}

/// Site path of an exam column's study record page (`/x/record/`).
pub fn record(column: &str) -> String {
    format!("{column}record/")
}

/// Site path of the statistics page (`/dangjian/stats/`).
pub fn stats(cfg: &Config) -> String {
    format!("{}stats/", cfg.base_path)
}

/// Site path of a feed file next to a list (`/x/rss.xml`).
pub fn feed(list: &str, file: &str) -> String {
    format!("{list}{file}")
}

/// A site path as written into `href`/`src`: percent-encoded where needed.
pub fn href(path: &str) -> String {
    if path.is_ascii() && !path.contains([' ', '%', '"', '<', '>']) {
        path.to_string()
    } else {
        crate::slug::encode_path(path)
    }
}

/// The absolute URL of a site path.
pub fn permalink(cfg: &Config, path: &str) -> String {
    cfg.permalink(&href(path))
}

/// The file under the output folder that serves a site path: folders get
/// `index.html`; paths outside the base path get `None`.
pub fn output_file(cfg: &Config, path: &str) -> Option<PathBuf> {
    let rel = path.strip_prefix(&cfg.base_path)?;
    let mut p = PathBuf::new();
    for part in rel.split('/').filter(|s| !s.is_empty()) {
        if part == ".." || part == "." {
            return None;
        }
        p.push(part);
    }
    if rel.is_empty() || rel.ends_with('/') {
        p.push("index.html");
    }
    Some(p)
}

/// [`output_file`] as a `/`-separated string: the key outputs are known
/// by in memory (the dev server's files, URL claims, fingerprints).
pub fn output_key(cfg: &Config, path: &str) -> Option<String> {
    output_file(cfg, path).map(|f| crate::output::key(&f))
}

/// Normalises an alias as written (`old/news/1.html`, `/旧栏目/`, full URL
/// path) into a site path under the base path.
pub fn alias(cfg: &Config, written: &str) -> Option<String> {
    let w = written.trim();
    let w = w
        .strip_prefix("https://")
        .or_else(|| w.strip_prefix("http://"))
        .map(|r| r.find('/').map_or("/", |i| &r[i..]))
        .unwrap_or(w);
    let w = crate::slug::decode_path(w);
    let rel = w
        .strip_prefix(&cfg.base_path)
        .unwrap_or_else(|| w.trim_start_matches('/'));
    if rel.is_empty() || rel.split('/').any(|s| s == ".." || s == ".") {
        return None;
    }
    let last = rel.rsplit('/').next().unwrap_or("");
    let mut path = format!("{}{rel}", cfg.base_path);
    // `old/page` without an extension is a folder: give it a trailing slash.
    if !last.is_empty() && !last.contains('.') {
        path.push('/');
    }
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn cfg() -> Config {
        Config::parse(
            "title: t\nbase_url: https://www.example.edu.cn/dangjian/\n",
            Path::new("c"),
        )
        .unwrap()
    }

    #[test]
    fn paths() {
        let c = cfg();
        assert_eq!(home(&c), "/dangjian/");
        assert_eq!(paginated("/dangjian/x/", 2), "/dangjian/x/page/2/");
        assert_eq!(
            output_file(&c, "/dangjian/x/").unwrap(),
            Path::new("x/index.html")
        );
        assert_eq!(
            output_file(&c, "/dangjian/rss.xml").unwrap(),
            Path::new("rss.xml")
        );
        assert_eq!(output_file(&c, "/other/"), None);
        assert_eq!(href("/dangjian/学习/"), "/dangjian/%E5%AD%A6%E4%B9%A0/");
        assert_eq!(
            permalink(&c, "/dangjian/a/"),
            "https://www.example.edu.cn/dangjian/a/"
        );
    }

    #[test]
    fn aliases() {
        let c = cfg();
        assert_eq!(
            alias(&c, "old/news/1.html").unwrap(),
            "/dangjian/old/news/1.html"
        );
        assert_eq!(
            alias(&c, "/旧栏目/某文章").unwrap(),
            "/dangjian/旧栏目/某文章/"
        );
        assert_eq!(alias(&c, "/dangjian/a/").unwrap(), "/dangjian/a/");
        assert_eq!(alias(&c, "../etc/passwd"), None);
    }
}
