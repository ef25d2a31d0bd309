//! RSS, Atom, sitemap, robots.txt, 404 and alias pages, parsed as XML/HTML.

mod common;

use std::path::Path;

use common::*;
use lanmu::pipeline::BuildOptions;
use roxmltree::{Document, Node};

const ATOM_NS: &str = "http://www.w3.org/2005/Atom";

fn child<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Node<'a, 'i> {
    n.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
        .unwrap_or_else(|| panic!("<{}> has no <{name}>", n.tag_name().name()))
}

fn child_text(n: Node, name: &str) -> String {
    child(n, name).text().unwrap_or("").to_string()
}

fn elements<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Vec<Node<'a, 'i>> {
    n.children()
        .filter(|c| c.is_element() && c.tag_name().name() == name)
        .collect()
}

/// `Wed, 01 May 2024 10:30:00 +0800`, checked field by field.
fn assert_rfc822_cn(s: &str) {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let parts: Vec<&str> = s.split(' ').collect();
    assert_eq!(parts.len(), 6, "not RFC 822: {s:?}");
    let day = parts[0]
        .strip_suffix(',')
        .unwrap_or_else(|| panic!("no comma: {s:?}"));
    assert!(DAYS.contains(&day), "day name in {s:?}");
    assert!(
        parts[1].len() == 2 && parts[1].chars().all(|c| c.is_ascii_digit()),
        "day in {s:?}"
    );
    assert!(MONTHS.contains(&parts[2]), "month in {s:?}");
    assert!(
        parts[3].len() == 4 && parts[3].chars().all(|c| c.is_ascii_digit()),
        "year in {s:?}"
    );
    let t: Vec<&str> = parts[4].split(':').collect();
    assert!(
        t.len() == 3
            && t.iter()
                .all(|x| x.len() == 2 && x.chars().all(|c| c.is_ascii_digit())),
        "time in {s:?}"
    );
    assert_eq!(parts[5], "+0800", "offset in {s:?}");
}

/// `2024-05-01T10:30:00+08:00`.
fn assert_rfc3339_cn(s: &str) {
    let b = s.as_bytes();
    assert_eq!(s.len(), 25, "not RFC 3339: {s:?}");
    for (i, c) in b.iter().enumerate() {
        let ok = match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 | 22 => *c == b':',
            19 => *c == b'+',
            _ => c.is_ascii_digit(),
        };
        assert!(ok, "not RFC 3339 at {i}: {s:?}");
    }
    assert!(s.ends_with("+08:00"), "{s:?}");
}

fn parse(out: &Path, rel: &str) -> String {
    let x = read(out, rel);
    Document::parse(&x).unwrap_or_else(|e| panic!("{rel} is not well-formed XML: {e}"));
    x
}

/// Every href/src in an HTML fragment.
fn fragment_refs(html_text: &str) -> Vec<String> {
    let doc = scraper::Html::parse_fragment(html_text);
    let mut v = attrs(&doc, "[href]", "href");
    v.extend(attrs(&doc, "[src]", "src"));
    v
}

/// Asserts an absolute URL under `base` names an output file.
fn assert_served(out: &Path, base_url: &str, url: &str) {
    assert!(url.starts_with(base_url), "{url} is not under {base_url}");
    let path = &url[base_url.len() - BASE_PATH.len()..];
    let path = path.split('#').next().unwrap();
    let file = served_file(out, BASE_PATH, path).unwrap();
    assert!(file.is_file(), "{url} → {} does not exist", file.display());
}

#[test]
fn site_rss_is_valid_with_rfc822_dates_and_absolute_urls() {
    let (_f, out) = built_standard();
    let x = parse(&out, "rss.xml");
    let doc = Document::parse(&x).unwrap();
    let rss = doc.root_element();
    assert_eq!(rss.tag_name().name(), "rss");
    assert_eq!(rss.attribute("version"), Some("2.0"));
    let channel = child(rss, "channel");
    assert_eq!(child_text(channel, "link"), BASE_URL);
    let self_link: Vec<Node> = channel
        .children()
        .filter(|c| c.tag_name().namespace() == Some(ATOM_NS) && c.tag_name().name() == "link")
        .collect();
    assert_eq!(self_link.len(), 1);
    assert_eq!(self_link[0].attribute("rel"), Some("self"));
    assert_eq!(
        self_link[0].attribute("href"),
        Some("https://www.example.edu.cn/dangjian/rss.xml")
    );

    let items = elements(channel, "item");
    let links: Vec<String> = items.iter().map(|i| child_text(*i, "link")).collect();
    assert_eq!(
        links,
        vec![
            "https://www.example.edu.cn/dangjian/xinde/xue-xi-ti-hui/",
            "https://www.example.edu.cn/dangjian/xinde/dang-shi/",
            "https://www.example.edu.cn/dangjian/xinde/zao-qi/",
            "https://www.example.edu.cn/dangjian/xianjin/zhang-san/",
            "https://www.example.edu.cn/dangjian/xianjin/you-xiu-dang-yuan/li-ming/",
        ],
        "newest first, drafts left out"
    );
    for item in &items {
        let link = child_text(*item, "link");
        let guid = child(*item, "guid");
        assert_eq!(guid.text(), Some(link.as_str()), "guid is the permalink");
        assert_ne!(guid.attribute("isPermaLink"), Some("false"));
        assert_served(&out, BASE_URL, &link);
        assert_rfc822_cn(&child_text(*item, "pubDate"));
        for r in fragment_refs(&child_text(*item, "description")) {
            assert!(
                r.starts_with("https://") || r.starts_with("http://"),
                "relative URL `{r}` in {link}"
            );
        }
    }
    assert_eq!(
        child_text(items[0], "pubDate"),
        "Wed, 01 May 2024 00:00:00 +0800"
    );
    assert_eq!(
        child_text(items[1], "pubDate"),
        "Mon, 01 Apr 2024 09:30:00 +0800"
    );
    assert_rfc822_cn(&child_text(channel, "lastBuildDate"));
    // Tags are categories.
    let cats: Vec<String> = elements(items[1], "category")
        .iter()
        .map(|c| c.text().unwrap_or("").to_string())
        .collect();
    assert_eq!(cats, vec!["党史", "理论学习"]);
}

#[test]
fn feed_descriptions_use_the_summary_with_absolute_links() {
    let (_f, out) = built_standard();
    let x = parse(&out, "rss.xml");
    let doc = Document::parse(&x).unwrap();
    let item = doc
        .descendants()
        .filter(|n| n.has_tag_name("item"))
        .find(|i| child_text(*i, "link").ends_with("/xue-xi-ti-hui/"))
        .unwrap();
    let desc = child_text(item, "description");
    assert!(desc.contains("第一段中文接着中文"), "{desc}");
    assert!(
        !desc.contains("总结之后的正文"),
        "text after <!-- more --> in the summary feed: {desc}"
    );
    let refs = fragment_refs(&desc);
    assert!(
        refs.iter()
            .any(|r| r == "https://www.example.edu.cn/dangjian/xinde/dang-shi/"),
        "{refs:?}"
    );
}

#[test]
fn full_content_feeds_make_every_link_absolute() {
    let f = standard_site();
    write_photo(&f);
    let cfg = read(&f.root, "config.yaml") + "feeds:\n  full_content: true\n";
    f.write("config.yaml", cfg.as_bytes());
    f.build();
    let out = f.public();
    let x = parse(&out, "rss.xml");
    let doc = Document::parse(&x).unwrap();
    let mut all = Vec::new();
    for item in doc.descendants().filter(|n| n.has_tag_name("item")) {
        let desc = child_text(item, "description");
        for r in fragment_refs(&desc) {
            assert!(
                r.starts_with(BASE_URL),
                "`{r}` in a feed is not an absolute URL under the site"
            );
            assert_served(&out, BASE_URL, &r);
            all.push(r);
        }
    }
    for want in [
        "https://www.example.edu.cn/dangjian/xianjin/you-xiu-dang-yuan/li-ming/photo.png",
        "https://www.example.edu.cn/dangjian/xinde/xue-xi-ti-hui/#总结",
    ] {
        assert!(
            all.iter().any(|r| percent_decode(r) == want),
            "{want} not in {all:?}"
        );
    }
    // The whole body is there.
    assert!(x.contains("总结之后的正文"));
    // Atom carries it as content.
    let a = parse(&out, "atom.xml");
    let adoc = Document::parse(&a).unwrap();
    assert!(
        adoc.descendants()
            .any(|n| n.has_tag_name((ATOM_NS, "content")))
    );
}

#[test]
fn site_atom_has_self_link_tag_ids_and_rfc3339_dates() {
    let (_f, out) = built_standard();
    let x = parse(&out, "atom.xml");
    let doc = Document::parse(&x).unwrap();
    let feed = doc.root_element();
    assert!(feed.has_tag_name((ATOM_NS, "feed")));
    let links = elements(feed, "link");
    let self_l: Vec<&Node> = links
        .iter()
        .filter(|l| l.attribute("rel") == Some("self"))
        .collect();
    assert_eq!(self_l.len(), 1);
    assert_eq!(
        self_l[0].attribute("href"),
        Some("https://www.example.edu.cn/dangjian/atom.xml")
    );
    let alt: Vec<&Node> = links
        .iter()
        .filter(|l| l.attribute("rel") == Some("alternate"))
        .collect();
    assert_eq!(alt[0].attribute("href"), Some(BASE_URL));
    assert!(child_text(feed, "id").starts_with("tag:"));
    assert_rfc3339_cn(&child_text(feed, "updated"));
    let entries = elements(feed, "entry");
    assert_eq!(entries.len(), 5);
    let mut ids = Vec::new();
    for e in &entries {
        let id = child_text(*e, "id");
        assert!(id.starts_with("tag:"), "{id}");
        assert!(
            !id.contains("example.edu.cn"),
            "entry id depends on the base URL: {id}"
        );
        ids.push(id);
        let href = child(*e, "link").attribute("href").unwrap().to_string();
        assert_served(&out, BASE_URL, &href);
        assert_rfc3339_cn(&child_text(*e, "published"));
        assert_rfc3339_cn(&child_text(*e, "updated"));
    }
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "duplicate entry ids: {ids:?}");
    assert_eq!(
        child_text(entries[0], "published"),
        "2024-05-01T00:00:00+08:00"
    );
}

fn all_atom_ids(out: &Path) -> Vec<(String, Vec<String>)> {
    let mut v = Vec::new();
    for rel in snapshot(out)
        .into_keys()
        .filter(|k| k.ends_with("atom.xml"))
    {
        let x = read(out, &rel);
        let doc = Document::parse(&x).unwrap();
        let ids: Vec<String> = doc
            .descendants()
            .filter(|n| n.has_tag_name((ATOM_NS, "id")))
            .map(|n| n.text().unwrap_or("").to_string())
            .collect();
        v.push((rel, ids));
    }
    v
}

#[test]
fn atom_ids_survive_a_new_base_url() {
    let (f, out) = built_standard();
    let moved = f.tmp.path().join("moved");
    build_ok(&BuildOptions {
        output: Some(moved.clone()),
        base_url: Some("https://dangjian.other.org/xueyuan/".into()),
        ..f.opts()
    });
    let before = all_atom_ids(&out);
    let after = all_atom_ids(&moved);
    assert!(
        before.len() >= 4,
        "site, xinde, xianjin, nested column: {before:?}"
    );
    assert_eq!(before, after);
    for (_, ids) in &before {
        assert!(!ids.is_empty());
        assert!(ids.iter().all(|i| i.starts_with("tag:")), "{ids:?}");
    }
    // The links did move.
    let x = read(&moved, "atom.xml");
    assert!(x.contains("https://dangjian.other.org/xueyuan/xinde/dang-shi/"));
    assert!(!x.contains("www.example.edu.cn"));
    let rss = read(&moved, "rss.xml");
    assert!(rss.contains("<atom:link href=\"https://dangjian.other.org/xueyuan/rss.xml\""));
}

#[test]
fn column_and_term_feeds() {
    let (_f, out) = built_standard();
    let items_of = |rel: &str| -> (String, Vec<String>) {
        let x = parse(&out, rel);
        let doc = Document::parse(&x).unwrap();
        let channel = child(doc.root_element(), "channel");
        let self_href = channel
            .children()
            .find(|c| c.has_tag_name((ATOM_NS, "link")))
            .and_then(|c| c.attribute("href"))
            .unwrap()
            .to_string();
        let links = elements(channel, "item")
            .iter()
            .map(|i| child_text(*i, "link"))
            .collect();
        (self_href, links)
    };
    let (s, l) = items_of("xinde/rss.xml");
    assert_eq!(s, "https://www.example.edu.cn/dangjian/xinde/rss.xml");
    assert_eq!(l.len(), 3, "{l:?}");
    assert!(
        l.iter()
            .all(|u| u.starts_with("https://www.example.edu.cn/dangjian/xinde/"))
    );
    // A parent column's feed includes its nested columns' pages.
    let (_, l) = items_of("xianjin/rss.xml");
    assert_eq!(
        l,
        vec![
            "https://www.example.edu.cn/dangjian/xianjin/zhang-san/",
            "https://www.example.edu.cn/dangjian/xianjin/you-xiu-dang-yuan/li-ming/"
        ]
    );
    let (s, l) = items_of("xianjin/you-xiu-dang-yuan/rss.xml");
    assert_eq!(
        s,
        "https://www.example.edu.cn/dangjian/xianjin/you-xiu-dang-yuan/rss.xml"
    );
    assert_eq!(l.len(), 1);
    let (s, l) = items_of("tags/dang-shi/rss.xml");
    assert_eq!(
        s,
        "https://www.example.edu.cn/dangjian/tags/dang-shi/rss.xml"
    );
    assert_eq!(
        l,
        vec![
            "https://www.example.edu.cn/dangjian/xinde/xue-xi-ti-hui/",
            "https://www.example.edu.cn/dangjian/xinde/dang-shi/"
        ]
    );
    let (_, l) = items_of("branch/di-yi-zhi-bu/rss.xml");
    assert_eq!(l.len(), 2);
    // Column Atom feeds exist and parse.
    parse(&out, "xinde/atom.xml");
    // Pages announce their feeds, and those exist.
    let doc = html(&out, "xinde/index.html");
    let alts = attrs(&doc, "link[rel=alternate]", "href");
    assert!(alts.iter().any(|h| h == "/dangjian/rss.xml"), "{alts:?}");
    assert!(
        alts.iter().any(|h| h == "/dangjian/xinde/rss.xml"),
        "{alts:?}"
    );
    for h in alts {
        assert!(served_file(&out, BASE_PATH, &h).unwrap().is_file(), "{h}");
    }
}

#[test]
fn feed_limit_is_respected() {
    let f = standard_site();
    write_photo(&f);
    let cfg = read(&f.root, "config.yaml") + "feeds:\n  limit: 2\n";
    f.write("config.yaml", cfg.as_bytes());
    f.build();
    let x = parse(&f.public(), "rss.xml");
    let doc = Document::parse(&x).unwrap();
    assert_eq!(
        doc.descendants().filter(|n| n.has_tag_name("item")).count(),
        2
    );
    let a = parse(&f.public(), "atom.xml");
    let doc = Document::parse(&a).unwrap();
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name((ATOM_NS, "entry")))
            .count(),
        2
    );
}

#[test]
fn feeds_escape_markup_and_drop_control_characters() {
    let f = Fixture::new(&[
        ("config.yaml", &config("")),
        (
            "content/a/x.md",
            &page(
                "title: \"A&B <学习> \\v控制字符\"\ndate: 2024-05-01\ntags: [\"C&D\"]\nauthor: \"张<三>\"",
                "\n正文 & <b>粗</b>\n",
            ),
        ),
    ]);
    f.build();
    let out = f.public();
    for rel in [
        "rss.xml",
        "atom.xml",
        "a/rss.xml",
        "tags/c-d/rss.xml",
        "sitemap.xml",
    ] {
        parse(&out, rel);
    }
    let x = read(&out, "rss.xml");
    let doc = Document::parse(&x).unwrap();
    let item = doc.descendants().find(|n| n.has_tag_name("item")).unwrap();
    assert_eq!(child_text(item, "title"), "A&B <学习> 控制字符");
    let creator = item
        .children()
        .find(|c| c.tag_name().name() == "creator")
        .unwrap();
    assert_eq!(creator.text(), Some("张<三>"));
}

#[test]
fn sitemap_lists_absolute_urls_under_the_base() {
    let (_f, out) = built_standard();
    let x = parse(&out, "sitemap.xml");
    let doc = Document::parse(&x).unwrap();
    assert_eq!(doc.root_element().tag_name().name(), "urlset");
    let locs: Vec<String> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "loc")
        .map(|n| n.text().unwrap_or("").to_string())
        .collect();
    for l in &locs {
        assert_served(&out, BASE_URL, l);
    }
    for want in [
        BASE_URL.to_string(),
        format!("{BASE_URL}xinde/"),
        format!("{BASE_URL}xinde/xue-xi-ti-hui/"),
        format!("{BASE_URL}xianjin/you-xiu-dang-yuan/li-ming/"),
        format!("{BASE_URL}tags/dang-shi/"),
    ] {
        assert!(locs.contains(&want), "{want} not in the sitemap");
    }
    assert!(
        !locs.iter().any(|l| l.contains("cao-gao")),
        "draft in the sitemap"
    );
    let mut dedup = locs.clone();
    dedup.sort();
    dedup.dedup();
    assert_eq!(dedup.len(), locs.len(), "duplicate sitemap entries");
    for n in doc
        .descendants()
        .filter(|n| n.tag_name().name() == "lastmod")
    {
        assert_rfc3339_cn(n.text().unwrap());
    }
}

#[test]
fn robots_txt_points_at_the_sitemap() {
    let (_f, out) = built_standard();
    let robots = read(&out, "robots.txt");
    let lines: Vec<&str> = robots.lines().collect();
    assert!(
        lines.contains(&"Sitemap: https://www.example.edu.cn/dangjian/sitemap.xml"),
        "{robots}"
    );
    assert!(lines.contains(&"User-agent: *"));
}

#[test]
fn not_found_page_exists_and_its_links_work_from_any_depth() {
    let (_f, out) = built_standard();
    let doc = html(&out, "404.html");
    assert_eq!(doc.select(&sel("h1")).count(), 1);
    let mut refs = attrs(&doc, "[href]", "href");
    refs.extend(attrs(&doc, "[src]", "src"));
    assert!(!refs.is_empty());
    for r in refs {
        // Served for any missing URL, so no relative links.
        assert!(
            r.starts_with('/')
                || r.starts_with('#')
                || r.starts_with("http://")
                || r.starts_with("https://"),
            "relative link `{r}` in 404.html"
        );
    }
    assert!(links(&doc).iter().any(|h| h == BASE_PATH), "404 links home");
}

#[test]
fn aliases_produce_redirect_pages() {
    let (_f, out) = built_standard();
    let doc = html(&out, "old/news/1.html");
    let refresh = attrs(&doc, "meta[http-equiv=refresh]", "content");
    assert_eq!(refresh.len(), 1, "no meta refresh");
    let (delay, url) = refresh[0].split_once(';').unwrap();
    // Immediate: a permanent redirect for search engines; axe forbids delays.
    assert_eq!(delay.trim(), "0");
    let url = url
        .trim()
        .strip_prefix("url=")
        .or_else(|| url.trim().strip_prefix("URL="))
        .unwrap();
    assert_eq!(url, "/dangjian/xinde/dang-shi/");
    assert!(served_file(&out, BASE_PATH, url).unwrap().is_file());
    assert_eq!(
        attrs(&doc, "link[rel=canonical]", "href"),
        vec!["https://www.example.edu.cn/dangjian/xinde/dang-shi/"]
    );
    assert!(links(&doc).iter().any(|h| h == "/dangjian/xinde/dang-shi/"));
}

#[test]
fn folder_aliases_and_full_url_aliases() {
    let f = Fixture::new(&[
        ("config.yaml", &config("")),
        (
            "content/a/x.md",
            &page(
                "title: x\ndate: 2024-05-01\naliases:\n  - /旧栏目/某文章\n  - https://www.example.edu.cn/dangjian/old/page.html",
                "\n正文\n",
            ),
        ),
    ]);
    f.build();
    let out = f.public();
    for rel in ["旧栏目/某文章/index.html", "old/page.html"] {
        let doc = html(&out, rel);
        let refresh = attrs(&doc, "meta[http-equiv=refresh]", "content");
        assert_eq!(refresh, vec!["0; url=/dangjian/a/x/"], "{rel}");
    }
}

#[test]
fn aliases_and_list_pages_stay_out_of_the_sitemap_and_updated_dates_count() {
    let f = standard_site();
    write_photo(&f);
    f.write(
        "content/xinde/zao-qi.md",
        page(
            "title: 早期的心得\ndate: 2024-03-01\nupdated: 2024-07-01 08:00\ntags: [理论学习]",
            "\n最早的一篇。\n",
        )
        .as_bytes(),
    );
    f.build();
    let out = f.public();
    let x = parse(&out, "sitemap.xml");
    assert!(!x.contains("old/news"), "an alias is in the sitemap");
    let doc = Document::parse(&x).unwrap();
    let url = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "url")
        .find(|u| child_text(*u, "loc").ends_with("/xinde/zao-qi/"))
        .unwrap();
    assert_eq!(child_text(url, "lastmod"), "2024-07-01T08:00:00+08:00");
    let a = parse(&out, "xinde/atom.xml");
    let adoc = Document::parse(&a).unwrap();
    let feed = adoc.root_element();
    assert_eq!(child_text(feed, "updated"), "2024-07-01T08:00:00+08:00");
    let e = elements(feed, "entry")
        .into_iter()
        .find(|e| {
            child(*e, "link")
                .attribute("href")
                .unwrap()
                .ends_with("/zao-qi/")
        })
        .unwrap();
    assert_eq!(child_text(e, "published"), "2024-03-01T00:00:00+08:00");
    assert_eq!(child_text(e, "updated"), "2024-07-01T08:00:00+08:00");
}

#[test]
fn feed_content_keeps_other_url_schemes() {
    let f = Fixture::new(&[
        ("config.yaml", &config("feeds:\n  full_content: true\n")),
        (
            "content/a/x.md",
            &page(
                "title: x\ndate: 2024-05-01",
                "\n联系：[电话](tel:+861012345678)、[邮件](mailto:dj@example.edu.cn)、[资料](ftp://ftp.example.edu.cn/a.pdf)\n",
            ),
        ),
    ]);
    f.build();
    let x = parse(&f.public(), "rss.xml");
    let doc = Document::parse(&x).unwrap();
    let desc = doc
        .descendants()
        .find(|n| n.has_tag_name("item"))
        .map(|i| child_text(i, "description"))
        .unwrap();
    let refs = fragment_refs(&desc);
    assert_eq!(
        refs,
        vec![
            "tel:+861012345678",
            "mailto:dj@example.edu.cn",
            "ftp://ftp.example.edu.cn/a.pdf"
        ],
        "{desc}"
    );
}

#[test]
fn feed_content_absolutizes_single_quoted_raw_html() {
    let f = Fixture::new(&[
        (
            "config.yaml",
            &config("markdown:\n  unsafe_html: true\nfeeds:\n  full_content: true\n"),
        ),
        (
            "content/a/x/index.md",
            &page(
                "title: x\ndate: 2024-05-01",
                "\n<p><img src='pic.png' alt='图'> <a href='/dangjian/a/'>栏目</a></p>\n",
            ),
        ),
    ]);
    f.write("content/a/x/pic.png", b"png");
    f.build();
    let x = parse(&f.public(), "rss.xml");
    let doc = Document::parse(&x).unwrap();
    let desc = doc
        .descendants()
        .find(|n| n.has_tag_name("item"))
        .map(|i| child_text(i, "description"))
        .unwrap();
    for r in fragment_refs(&desc) {
        assert!(
            r.starts_with(BASE_URL),
            "relative `{r}` in the feed: {desc}"
        );
    }
}
