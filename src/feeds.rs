//! RSS 2.0 and Atom 1.0 feeds, the sitemap and robots.txt.
//!
//! Written directly (not through templates) so they are valid by the book
//! whatever the theme does: absolute URLs everywhere (relative links inside
//! the HTML content are made absolute), RFC 822 dates with English names for
//! RSS, RFC 3339 for Atom, `dc:creator` for names, `atom:link rel="self"`,
//! and Atom ids that do not change when `base_url` changes. Dates are taken
//! from content, not the clock, so two builds are byte-identical.

use std::fmt::Write;

use rayon::prelude::*;

use crate::config::Config;
use crate::date::PageDate;
use crate::error::Diagnostic;
use crate::site::Site;
use crate::urls;

/// Most URLs in one sitemap file (the protocol's limit).
pub const SITEMAP_LIMIT: usize = 50_000;

/// Escapes text for XML and drops control characters (Word pastes them)
/// that XML 1.0 forbids.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20
                || c == '\u{FFFE}'
                || c == '\u{FFFF}'
                || ('\u{7F}'..='\u{9F}').contains(&c) => {}
            c => out.push(c),
        }
    }
    out
}

/// True when `url` starts with a scheme (`https:`, `tel:`, `ftp:`, `data:` ...).
fn has_scheme(url: &str) -> bool {
    match url.find(':') {
        Some(i) if i > 0 => {
            let scheme = &url[..i];
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        _ => false,
    }
}

/// Makes root-relative, fragment-only and relative URLs in `href`, `src` and
/// `poster` attributes of `html` absolute (double or single quoted), so the
/// content works inside feed readers.
pub fn absolutize(html: &str, cfg: &Config, page_permalink: &str) -> String {
    let origin = &cfg.base_url[..cfg.base_url.len() - cfg.base_path.len()];
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    loop {
        let next = ["href=", "src=", "poster="]
            .iter()
            .filter_map(|a| {
                let i = rest.find(a)?;
                let q = rest[i + a.len()..].chars().next()?;
                // Only attribute names, not text such as `data-src=`.
                let before = rest[..i].chars().last();
                let boundary = before.is_none_or(|c| c.is_whitespace());
                Some((i, a.len() + 1, q, boundary))
            })
            .min_by_key(|x| x.0);
        let Some((i, len, quote, boundary)) = next else {
            out.push_str(rest);
            break;
        };
        if !boundary || (quote != '"' && quote != '\'') {
            out.push_str(&rest[..i + len - 1]);
            rest = &rest[i + len - 1..];
            continue;
        }
        out.push_str(&rest[..i + len]);
        rest = &rest[i + len..];
        if rest.starts_with("//") || has_scheme(rest.split(quote).next().unwrap_or("")) {
            continue;
        } else if rest.starts_with('/') {
            out.push_str(origin);
        } else {
            // Fragment-only or relative: relative to the page.
            out.push_str(page_permalink);
        }
    }
    out
}

/// One feed's scope.
struct Scope<'a> {
    title: String,
    description: String,
    /// Site path of the HTML page the feed belongs to.
    alternate: String,
    /// Site path of the feed's folder (feed files go here).
    dir: String,
    /// Stable id part (`site`, `column/xinde`, `tags/dang-shi`).
    id: String,
    items: &'a [usize],
}

fn tag_uri(cfg: &Config, year: i16, specific: &str) -> String {
    let authority = &cfg.feeds.id_authority;
    format!("tag:{authority},{year}:{}", urls::href(specific))
}

fn newest(site: &Site, items: &[usize]) -> Option<PageDate> {
    items
        .iter()
        .map(|&i| {
            let p = &site.pages[i];
            p.updated
                .clone()
                .filter(|u| u > &p.date)
                .unwrap_or_else(|| p.date.clone())
        })
        .max()
}

fn content_of(site: &Site, i: usize) -> String {
    let cfg = &site.config;
    let b = &site.bodies[i];
    let permalink = urls::permalink(cfg, &site.pages[i].path);
    let html = if cfg.feeds.full_content {
        b.html.clone()
    } else {
        b.summary_html
            .clone()
            .unwrap_or_else(|| format!("<p>{}</p>", crate::markdown::escape_attr(&b.summary)))
    };
    absolutize(&html, cfg, &permalink)
}

/// The stable per-entry id: from the source file, not the URL.
fn entry_id(site: &Site, i: usize) -> String {
    let p = &site.pages[i];
    let src = p
        .file
        .strip_prefix("content")
        .unwrap_or(&p.file)
        .to_string_lossy()
        .replace('\\', "/");
    let src = src.trim_end_matches(".md").trim_end_matches("/index");
    tag_uri(&site.config, p.date.year(), src)
}

fn site_year(site: &Site) -> i16 {
    site.pages
        .iter()
        .map(|p| p.date.year())
        .min()
        .unwrap_or(2024)
}

fn rss(site: &Site, s: &Scope) -> String {
    let cfg = &site.config;
    let items = &s.items[..s.items.len().min(cfg.feeds.limit)];
    let mut x = String::with_capacity(4096 + items.len() * 1024);
    let self_url = urls::permalink(cfg, &urls::feed(&s.dir, "rss.xml"));
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str("<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel>\n");
    let _ = writeln!(x, "<title>{}</title>", xml_escape(&s.title));
    let _ = writeln!(
        x,
        "<link>{}</link>",
        xml_escape(&urls::permalink(cfg, &s.alternate))
    );
    let desc = if s.description.is_empty() {
        &s.title
    } else {
        &s.description
    };
    let _ = writeln!(x, "<description>{}</description>", xml_escape(desc));
    let _ = writeln!(x, "<language>{}</language>", xml_escape(&cfg.language));
    let _ = writeln!(x, "<generator>lanmu</generator>");
    if let Some(d) = newest(site, items) {
        let _ = writeln!(x, "<lastBuildDate>{}</lastBuildDate>", d.rfc822());
    }
    let _ = writeln!(
        x,
        "<atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\"/>",
        xml_escape(&self_url)
    );
    for &i in items {
        let p = &site.pages[i];
        let link = urls::permalink(cfg, &p.path);
        x.push_str("<item>\n");
        let _ = writeln!(x, "<title>{}</title>", xml_escape(&p.title));
        let _ = writeln!(x, "<link>{}</link>", xml_escape(&link));
        let _ = writeln!(x, "<guid isPermaLink=\"true\">{}</guid>", xml_escape(&link));
        let _ = writeln!(x, "<pubDate>{}</pubDate>", p.date.rfc822());
        if let Some(a) = &p.author {
            let _ = writeln!(x, "<dc:creator>{}</dc:creator>", xml_escape(a));
        }
        for t in p.taxonomies.get("tags").into_iter().flatten() {
            let _ = writeln!(x, "<category>{}</category>", xml_escape(t));
        }
        let _ = writeln!(
            x,
            "<description>{}</description>",
            xml_escape(&content_of(site, i))
        );
        x.push_str("</item>\n");
    }
    x.push_str("</channel>\n</rss>\n");
    x
}

fn atom(site: &Site, s: &Scope) -> String {
    let cfg = &site.config;
    let items = &s.items[..s.items.len().min(cfg.feeds.limit)];
    let mut x = String::with_capacity(4096 + items.len() * 1024);
    let self_url = urls::permalink(cfg, &urls::feed(&s.dir, "atom.xml"));
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        xml_escape(&cfg.language)
    );
    let _ = writeln!(x, "<title>{}</title>", xml_escape(&s.title));
    if !s.description.is_empty() {
        let _ = writeln!(x, "<subtitle>{}</subtitle>", xml_escape(&s.description));
    }
    let _ = writeln!(
        x,
        "<link href=\"{}\" rel=\"alternate\" type=\"text/html\"/>",
        xml_escape(&urls::permalink(cfg, &s.alternate))
    );
    let _ = writeln!(
        x,
        "<link href=\"{}\" rel=\"self\" type=\"application/atom+xml\"/>",
        xml_escape(&self_url)
    );
    let _ = writeln!(
        x,
        "<id>{}</id>",
        xml_escape(&tag_uri(cfg, site_year(site), &format!("/{}", s.id)))
    );
    let updated = newest(site, items)
        .map(|d| d.rfc3339())
        .unwrap_or_else(|| "2024-01-01T00:00:00+08:00".into());
    let _ = writeln!(x, "<updated>{updated}</updated>");
    let author = cfg.author.clone().unwrap_or_else(|| cfg.title.clone());
    let _ = writeln!(x, "<author><name>{}</name></author>", xml_escape(&author));
    let _ = writeln!(x, "<generator>lanmu</generator>");
    for &i in items {
        let p = &site.pages[i];
        let link = urls::permalink(cfg, &p.path);
        let up = p
            .updated
            .clone()
            .filter(|u| u > &p.date)
            .unwrap_or_else(|| p.date.clone());
        x.push_str("<entry>\n");
        let _ = writeln!(x, "<title>{}</title>", xml_escape(&p.title));
        let _ = writeln!(
            x,
            "<link href=\"{}\" rel=\"alternate\" type=\"text/html\"/>",
            xml_escape(&link)
        );
        let _ = writeln!(x, "<id>{}</id>", xml_escape(&entry_id(site, i)));
        let _ = writeln!(x, "<published>{}</published>", p.date.rfc3339());
        let _ = writeln!(x, "<updated>{}</updated>", up.rfc3339());
        if let Some(a) = &p.author {
            let _ = writeln!(x, "<author><name>{}</name></author>", xml_escape(a));
        }
        for t in p.taxonomies.get("tags").into_iter().flatten() {
            let _ = writeln!(x, "<category term=\"{}\"/>", xml_escape(t));
        }
        let _ = writeln!(
            x,
            "<summary type=\"text\">{}</summary>",
            xml_escape(&site.bodies[i].summary)
        );
        if cfg.feeds.full_content {
            let _ = writeln!(
                x,
                "<content type=\"html\">{}</content>",
                xml_escape(&content_of(site, i))
            );
        }
        x.push_str("</entry>\n");
    }
    x.push_str("</feed>\n");
    x
}

struct SitemapEntry {
    loc: String,
    lastmod: Option<String>,
}

fn sitemap_entries(site: &Site) -> Vec<SitemapEntry> {
    let cfg = &site.config;
    let mut out = Vec::new();
    let lastmod_of = |items: &[usize]| newest(site, items).map(|d| d.rfc3339());
    let exam_columns = crate::kinds::bank::exam_columns(site);
    for (ci, c) in site.columns.iter().enumerate() {
        let items = site.under(ci);
        if exam_columns.contains(&ci) {
            // The whole-bank practice page is content readers search for; the
            // wrong-answer book and record pages are personal and left out.
            out.push(SitemapEntry {
                loc: urls::permalink(cfg, &urls::practice(&c.path)),
                lastmod: lastmod_of(items),
            });
        }
        out.push(SitemapEntry {
            loc: urls::permalink(cfg, &c.path),
            lastmod: lastmod_of(items),
        });
    }
    out.push(SitemapEntry {
        loc: urls::permalink(cfg, &urls::stats(cfg)),
        lastmod: lastmod_of(&site.by_date()[..site.pages.len().min(1)]),
    });
    for (i, p) in site.pages.iter().enumerate() {
        out.push(SitemapEntry {
            loc: urls::permalink(cfg, &p.path),
            lastmod: lastmod_of(&[i]),
        });
    }
    for t in &site.taxonomies {
        let all: Vec<usize> = t
            .terms
            .iter()
            .flat_map(|x| x.pages.iter().copied())
            .collect();
        out.push(SitemapEntry {
            loc: urls::permalink(cfg, &t.path),
            lastmod: lastmod_of(&all),
        });
        for term in &t.terms {
            out.push(SitemapEntry {
                loc: urls::permalink(cfg, &term.path),
                lastmod: lastmod_of(&term.pages),
            });
        }
    }
    out
}

fn urlset(entries: &[SitemapEntry]) -> String {
    let mut x = String::with_capacity(entries.len() * 120 + 200);
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for e in entries {
        let _ = write!(x, "<url><loc>{}</loc>", xml_escape(&e.loc));
        if let Some(l) = &e.lastmod {
            let _ = write!(x, "<lastmod>{l}</lastmod>");
        }
        x.push_str("</url>\n");
    }
    x.push_str("</urlset>\n");
    x
}

/// Writes one output file at a site path.
pub type WriteFn<'a> = dyn Fn(&str, &[u8]) -> Result<(), Diagnostic> + Sync + 'a;

/// Writes every feed, the sitemap (split into an index past 50,000 URLs) and
/// robots.txt through `write(site_path, bytes)`.
pub fn write_all(site: &Site, write: &WriteFn) -> Vec<Result<(), Diagnostic>> {
    let cfg = &site.config;
    let all = site.by_date();
    let column_items: Vec<Vec<usize>> = (0..site.columns.len())
        .map(|ci| {
            let mut v = site.pages_under(ci);
            crate::site::sort_pages(&mut v, &site.pages, crate::frontmatter::SortBy::Date);
            v
        })
        .collect();
    let mut scopes: Vec<(Scope, bool)> = vec![(
        Scope {
            title: cfg.title.clone(),
            description: cfg.description.clone(),
            alternate: cfg.base_path.clone(),
            dir: cfg.base_path.clone(),
            id: "site".into(),
            items: all,
        },
        true,
    )];
    for (ci, c) in site.columns.iter().enumerate().skip(1) {
        scopes.push((
            Scope {
                title: format!("{} · {}", cfg.title, c.title),
                description: c.description.clone(),
                alternate: c.path.clone(),
                dir: c.path.clone(),
                id: format!("column/{}", c.dir.to_string_lossy().replace('\\', "/")),
                items: &column_items[ci],
            },
            true,
        ));
    }
    for t in &site.taxonomies {
        for term in &t.terms {
            scopes.push((
                Scope {
                    title: format!("{} · {}", cfg.title, term.name),
                    description: String::new(),
                    alternate: term.path.clone(),
                    dir: term.path.clone(),
                    id: format!("{}/{}", t.name, crate::slug::term_key(&term.name)),
                    items: &term.pages,
                },
                false,
            ));
        }
    }
    let mut results: Vec<Result<(), Diagnostic>> = scopes
        .par_iter()
        .flat_map_iter(|(s, with_atom)| {
            let mut r = vec![write(
                &urls::feed(&s.dir, "rss.xml"),
                rss(site, s).as_bytes(),
            )];
            if *with_atom {
                r.push(write(
                    &urls::feed(&s.dir, "atom.xml"),
                    atom(site, s).as_bytes(),
                ));
            }
            r
        })
        .collect();

    let entries = sitemap_entries(site);
    let sitemap_url = urls::permalink(cfg, &urls::root_file(cfg, "sitemap.xml"));
    if entries.len() <= SITEMAP_LIMIT {
        results.push(write(
            &urls::root_file(cfg, "sitemap.xml"),
            urlset(&entries).as_bytes(),
        ));
    } else {
        let mut index = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for (k, chunk) in entries.chunks(SITEMAP_LIMIT).enumerate() {
            let name = format!("sitemap-{}.xml", k + 1);
            results.push(write(
                &urls::root_file(cfg, &name),
                urlset(chunk).as_bytes(),
            ));
            let _ = writeln!(
                index,
                "<sitemap><loc>{}</loc></sitemap>",
                xml_escape(&urls::permalink(cfg, &urls::root_file(cfg, &name)))
            );
        }
        index.push_str("</sitemapindex>\n");
        results.push(write(
            &urls::root_file(cfg, "sitemap.xml"),
            index.as_bytes(),
        ));
    }
    let robots = format!("User-agent: *\nAllow: /\n\nSitemap: {sitemap_url}\n");
    results.push(write(
        &urls::root_file(cfg, "robots.txt"),
        robots.as_bytes(),
    ));
    results
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_strips_controls() {
        assert_eq!(xml_escape("a<b>&\u{0B}\u{1F}c\u{0C}"), "a&lt;b&gt;&amp;c");
        assert_eq!(xml_escape("“引号”"), "“引号”");
    }

    #[test]
    fn absolutizes() {
        let cfg = Config::parse(
            "title: t\nbase_url: https://a.edu.cn/dj/\n",
            std::path::Path::new("c"),
        )
        .unwrap();
        let html = r##"<a href="/dj/x/">x</a><img src="photo.png"><a href="#h">h</a><a href="https://o.cn/">o</a><a href="tel:+8610">t</a><img src='pic.png'><img data-src="x.png">"##;
        let out = absolutize(html, &cfg, "https://a.edu.cn/dj/p/");
        assert!(out.contains(r#"href="https://a.edu.cn/dj/x/""#));
        assert!(out.contains(r#"src="https://a.edu.cn/dj/p/photo.png""#));
        assert!(out.contains(r##"href="https://a.edu.cn/dj/p/#h""##));
        assert!(out.contains(r#"href="https://o.cn/""#));
        assert!(out.contains(r#"href="tel:+8610""#));
        assert!(out.contains("src='https://a.edu.cn/dj/p/pic.png'"));
        assert!(out.contains(r#"data-src="x.png""#));
    }
}
