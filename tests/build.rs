//! Building a fixture site: URLs, columns, bundles, drafts, pagination,
//! taxonomies and the Markdown that Chinese editors write.

mod common;

use common::*;
use lanmu::pipeline::BuildOptions;

#[test]
fn pages_get_pinyin_urls_under_the_base_path() {
    let (_f, out) = built_standard();
    // Chinese file name → pinyin slug.
    assert!(out.join("xinde/xue-xi-ti-hui/index.html").is_file());
    assert!(out.join("xinde/dang-shi/index.html").is_file());
    assert!(out.join("xianjin/zhang-san/index.html").is_file());
    // Nested column with a Chinese folder name, bundle inside it.
    assert!(out.join("xianjin/you-xiu-dang-yuan/index.html").is_file());
    assert!(
        out.join("xianjin/you-xiu-dang-yuan/li-ming/index.html")
            .is_file()
    );
    // No output file carries a Chinese name in pinyin mode.
    for k in snapshot(&out).keys() {
        assert!(k.is_ascii(), "non-ASCII output path {k}");
    }

    let doc = html(&out, "xinde/index.html");
    let hrefs = links(&doc);
    for want in [
        "/dangjian/xinde/xue-xi-ti-hui/",
        "/dangjian/xinde/dang-shi/",
    ] {
        assert!(
            hrefs.iter().any(|h| h == want),
            "xinde/ lacks a link to {want}: {hrefs:?}"
        );
    }
}

#[test]
fn page_html_has_title_heading_time_and_canonical() {
    let (_f, out) = built_standard();
    let doc = html(&out, "xinde/xue-xi-ti-hui/index.html");
    assert!(text(&doc, "title").contains("我的学习体会"));
    assert_eq!(text(&doc, "article h1"), "我的学习体会");
    assert_eq!(
        attrs(&doc, "link[rel=canonical]", "href"),
        vec!["https://www.example.edu.cn/dangjian/xinde/xue-xi-ti-hui/"]
    );
    let times = attrs(&doc, "article time[datetime]", "datetime");
    assert_eq!(
        times.first().map(String::as_str),
        Some("2024-05-01T00:00:00+08:00"),
        "{times:?}"
    );

    let doc = html(&out, "xinde/dang-shi/index.html");
    let times = attrs(&doc, "article time[datetime]", "datetime");
    assert_eq!(
        times.first().map(String::as_str),
        Some("2024-04-01T09:30:00+08:00"),
        "{times:?}"
    );
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let (f, out) = built_standard();
    assert!(!out.join("xinde/cao-gao").exists());
    let all = snapshot(&out);
    for (k, v) in &all {
        assert!(
            !String::from_utf8_lossy(v).contains("还没写完的草稿"),
            "the draft's title appears in {k}"
        );
    }

    let out2 = f.tmp.path().join("with-drafts");
    let opts = BuildOptions {
        output: Some(out2.clone()),
        drafts: true,
        ..f.opts()
    };
    build_ok(&opts);
    let doc = html(&out2, "xinde/cao-gao/index.html");
    assert_eq!(text(&doc, "article h1"), "还没写完的草稿");
    assert!(
        links(&html(&out2, "xinde/index.html"))
            .iter()
            .any(|h| h == "/dangjian/xinde/cao-gao/")
    );
}

#[test]
fn draft_column_hides_its_pages_and_files() {
    let f = standard_site();
    write_photo(&f);
    f.write(
        "content/xianjin/优秀党员/_index.md",
        "---\ntitle: 优秀党员\ndraft: true\n---\n".as_bytes(),
    );
    // The link from zhang-san to li-ming must go, or it would be broken.
    f.write(
        "content/xianjin/zhang-san.md",
        page("title: 张三的事迹\ndate: 2024-02-01", "\n张三。\n").as_bytes(),
    );
    f.build();
    let out = f.public();
    assert!(
        !out.join("xianjin/you-xiu-dang-yuan/li-ming/index.html")
            .exists()
    );
    assert!(
        !out.join("xianjin/you-xiu-dang-yuan/li-ming/photo.png")
            .exists()
    );
    assert!(out.join("xianjin/zhang-san/index.html").is_file());
}

#[test]
fn bundle_image_is_copied_next_to_its_page() {
    let (_f, out) = built_standard();
    let copied = std::fs::read(out.join("xianjin/you-xiu-dang-yuan/li-ming/photo.png")).unwrap();
    assert_eq!(copied, PHOTO);
    let doc = html(&out, "xianjin/you-xiu-dang-yuan/li-ming/index.html");
    let srcs = attrs(&doc, "article img", "src");
    assert_eq!(
        srcs,
        vec!["/dangjian/xianjin/you-xiu-dang-yuan/li-ming/photo.png"]
    );
    assert_eq!(attrs(&doc, "article img", "alt"), vec!["李明的照片"]);
    // The link into the bundle from another column's page points at the page.
    let doc = html(&out, "xianjin/zhang-san/index.html");
    assert!(
        links(&doc)
            .iter()
            .any(|h| h == "/dangjian/xianjin/you-xiu-dang-yuan/li-ming/")
    );
}

#[test]
fn nested_column_is_listed_by_its_parent_and_has_its_pages() {
    let (_f, out) = built_standard();
    let parent = html(&out, "xianjin/index.html");
    assert!(
        links(&parent)
            .iter()
            .any(|h| h == "/dangjian/xianjin/you-xiu-dang-yuan/")
    );
    // The parent lists pages of the nested column too.
    assert!(
        links(&parent)
            .iter()
            .any(|h| h == "/dangjian/xianjin/you-xiu-dang-yuan/li-ming/")
    );
    let nested = html(&out, "xianjin/you-xiu-dang-yuan/index.html");
    assert_eq!(text(&nested, "h1"), "优秀党员");
    let l = links(&nested);
    assert!(
        l.iter()
            .any(|h| h == "/dangjian/xianjin/you-xiu-dang-yuan/li-ming/")
    );
    assert!(
        !l.iter().any(|h| h == "/dangjian/xianjin/zhang-san/"),
        "nested column lists its parent's page"
    );
}

#[test]
fn column_is_paginated_with_paginate_by() {
    let (_f, out) = built_standard();
    // xinde has 3 published pages and paginate_by: 2.
    let p1 = html(&out, "xinde/index.html");
    let p2 = html(&out, "xinde/page/2/index.html");
    assert!(!out.join("xinde/page/3").exists());
    assert!(
        !out.join("xinde/page/1").exists(),
        "page 1 is the column itself"
    );
    assert!(links(&p1).iter().any(|h| h == "/dangjian/xinde/page/2/"));
    assert!(links(&p2).iter().any(|h| h == "/dangjian/xinde/"));
    let pages = [
        "/dangjian/xinde/xue-xi-ti-hui/",
        "/dangjian/xinde/dang-shi/",
        "/dangjian/xinde/zao-qi/",
    ];
    let on = |doc: &scraper::Html| -> Vec<&str> {
        let l = links(doc);
        pages
            .iter()
            .copied()
            .filter(|p| l.iter().any(|h| h == p))
            .collect()
    };
    // Newest first: two on page 1, the oldest on page 2.
    assert_eq!(
        on(&p1),
        vec![
            "/dangjian/xinde/xue-xi-ti-hui/",
            "/dangjian/xinde/dang-shi/"
        ]
    );
    assert_eq!(on(&p2), vec!["/dangjian/xinde/zao-qi/"]);
    // Columns without paginate_by use the config's (10): one page.
    assert!(!out.join("xianjin/page").exists());
}

#[test]
fn tags_and_other_taxonomies_get_term_pages() {
    let (_f, out) = built_standard();
    // `tags: 党史` (a string) is one tag, merged with `tags: [党史, ...]`.
    let dang_shi = html(&out, "tags/dang-shi/index.html");
    let l = links(&dang_shi);
    assert!(
        l.iter().any(|h| h == "/dangjian/xinde/xue-xi-ti-hui/"),
        "{l:?}"
    );
    assert!(l.iter().any(|h| h == "/dangjian/xinde/dang-shi/"), "{l:?}");
    assert!(!l.iter().any(|h| h == "/dangjian/xinde/zao-qi/"), "{l:?}");

    // The tag list has exactly the three tags (no `党`/`史` split, no drafts).
    let tags = html(&out, "tags/index.html");
    let mut terms: Vec<String> = links(&tags)
        .into_iter()
        .filter(|h| h.starts_with("/dangjian/tags/") && h != "/dangjian/tags/")
        .collect();
    terms.sort();
    terms.dedup();
    assert_eq!(
        terms,
        vec![
            "/dangjian/tags/bang-yang/",
            "/dangjian/tags/dang-shi/",
            "/dangjian/tags/li-lun-xue-xi/"
        ]
    );

    // A config taxonomy other than tags, string and list forms.
    let branch = html(&out, "branch/di-yi-zhi-bu/index.html");
    let l = links(&branch);
    assert!(l.iter().any(|h| h == "/dangjian/xinde/xue-xi-ti-hui/"));
    assert!(l.iter().any(|h| h == "/dangjian/xinde/dang-shi/"));
    assert!(out.join("branch/index.html").is_file());

    // Pages link to their terms.
    let p = html(&out, "xinde/xue-xi-ti-hui/index.html");
    let l = links(&p);
    assert!(l.iter().any(|h| h == "/dangjian/tags/dang-shi/"));
    assert!(l.iter().any(|h| h == "/dangjian/branch/di-yi-zhi-bu/"));
}

#[test]
fn home_lists_the_top_level_columns() {
    let (_f, out) = built_standard();
    let home = html(&out, "index.html");
    let l = links(&home);
    assert!(l.iter().any(|h| h == "/dangjian/xinde/"), "{l:?}");
    assert!(l.iter().any(|h| h == "/dangjian/xianjin/"), "{l:?}");
    assert!(text(&home, "title").contains("测试学院学生党支部"));
    assert_eq!(
        attrs(&home, "link[rel=canonical]", "href"),
        vec!["https://www.example.edu.cn/dangjian/"]
    );
    // The column titles are shown.
    let body = text(&home, "body");
    assert!(body.contains("学习心得") && body.contains("先进事迹"));
}

#[test]
fn cjk_soft_line_breaks_make_no_space() {
    let (_f, out) = built_standard();
    let doc = html(&out, "xinde/xue-xi-ti-hui/index.html");
    let paras = texts(&doc, "article p");
    assert!(
        paras
            .iter()
            .any(|p| p.starts_with("第一段中文接着中文，见党史学习。")),
        "{paras:?}"
    );
    // Raw text too: nothing between the two characters.
    let raw: Vec<String> = doc
        .select(&sel("article p"))
        .map(|e| e.text().collect::<String>())
        .collect();
    assert!(
        raw.iter().any(|p| p.contains("第一段中文接着中文")),
        "{raw:?}"
    );
}

#[test]
fn latin_soft_line_breaks_keep_a_space() {
    let f = Fixture::new(&[
        ("config.yaml", &config("")),
        (
            "content/a/x.md",
            &page(
                "title: x\ndate: 2024-05-01",
                "\nhello\nworld 中文\nEnglish\n",
            ),
        ),
    ]);
    f.build();
    let doc = html(&f.public(), "a/x/index.html");
    let p = texts(&doc, "article p");
    assert!(p.iter().any(|t| t == "hello world 中文 English"), "{p:?}");
}

#[test]
fn links_to_markdown_files_become_page_urls() {
    let (_f, out) = built_standard();
    let doc = html(&out, "xinde/xue-xi-ti-hui/index.html");
    let l = attrs(&doc, "article a", "href");
    assert!(l.iter().any(|h| h == "/dangjian/xinde/dang-shi/"), "{l:?}");
    assert!(!l.iter().any(|h| h.contains(".md")), "{l:?}");

    // The cross-page fragment lands on an id of the target page.
    let cross: Vec<&String> = l
        .iter()
        .filter(|h| h.starts_with("/dangjian/xinde/dang-shi/#"))
        .collect();
    assert_eq!(cross.len(), 1, "{l:?}");
    let frag = percent_decode(cross[0].split_once('#').unwrap().1);
    let target = html(&out, "xinde/dang-shi/index.html");
    assert!(
        ids(&target).contains(&frag),
        "no id `{frag}` on dang-shi: {:?}",
        ids(&target)
    );
    assert_eq!(frag, "学习收获");
}

#[test]
fn in_page_fragment_links_and_chinese_heading_ids() {
    let (_f, out) = built_standard();
    let doc = html(&out, "xinde/xue-xi-ti-hui/index.html");
    assert_eq!(attrs(&doc, "article h2", "id"), vec!["学习收获", "总结"]);
    let l = attrs(&doc, "article a", "href");
    let local: Vec<&String> = l.iter().filter(|h| h.starts_with('#')).collect();
    assert!(!local.is_empty(), "{l:?}");
    let page_ids = ids(&doc);
    for h in local {
        let id = percent_decode(&h[1..]);
        assert!(page_ids.contains(&id), "`{h}` names no id on the page");
    }
    assert!(l.iter().any(|h| percent_decode(h) == "#总结"), "{l:?}");
}

#[test]
fn unsafe_html_false_escapes_scripts() {
    let (_f, out) = built_standard();
    let doc = html(&out, "xinde/xue-xi-ti-hui/index.html");
    assert_eq!(doc.select(&sel("article script")).count(), 0);
    assert!(text(&doc, "article").contains("<script>alert(\"x\")</script>"));
    assert!(!read(&out, "xinde/xue-xi-ti-hui/index.html").contains("<script>alert"));
}

#[test]
fn unsafe_html_true_keeps_raw_html() {
    let f = Fixture::new(&[
        ("config.yaml", &config("markdown:\n  unsafe_html: true\n")),
        (
            "content/a/x.md",
            &page(
                "title: x\ndate: 2024-05-01",
                "\n<div id=\"raw-block\">原样</div>\n\n<script>var a = 1;</script>\n",
            ),
        ),
    ]);
    f.build();
    let doc = html(&f.public(), "a/x/index.html");
    assert_eq!(doc.select(&sel("article script")).count(), 1);
    assert_eq!(text(&doc, "article #raw-block"), "原样");
}

#[test]
fn summary_comes_from_the_more_marker() {
    let (_f, out) = built_standard();
    let list = html(&out, "xinde/index.html");
    let body = text(&list, "body");
    assert!(body.contains("第一段中文接着中文"), "{body}");
    assert!(
        !body.contains("更多内容在这里"),
        "text after <!-- more --> shown in the list: {body}"
    );
    assert!(!body.contains("总结之后的正文"));
    // The page itself has everything, and no marker comment leaks as text.
    let page = html(&out, "xinde/xue-xi-ti-hui/index.html");
    let t = text(&page, "article");
    assert!(
        t.contains("第一段中文") && t.contains("更多内容在这里") && t.contains("总结之后的正文")
    );
    assert!(!t.contains("<!-- more -->"));
}

#[test]
fn front_matter_summary_wins_over_body() {
    let f = Fixture::new(&[
        ("config.yaml", &config("")),
        (
            "content/a/x.md",
            &page(
                "title: x\ndate: 2024-05-01\nsummary: 编辑写的摘要",
                "\n正文第一句。\n",
            ),
        ),
    ]);
    f.build();
    let doc = html(&f.public(), "a/x/index.html");
    assert_eq!(
        attrs(&doc, "meta[name=description]", "content"),
        vec!["编辑写的摘要"]
    );
}

#[test]
fn slug_override_and_unicode_slug_mode() {
    let f = Fixture::new(&[
        ("config.yaml", &config("slugify: unicode\n")),
        ("content/学习心得/_index.md", "---\ntitle: 学习心得\n---\n"),
        (
            "content/学习心得/两学一做.md",
            &page(
                "title: 两学一做\ndate: 2024-05-01\ntags: [党史]",
                "\n正文\n",
            ),
        ),
        (
            "content/学习心得/other.md",
            &page(
                "title: 其他\ndate: 2024-05-02\nslug: 自定义 网址",
                "\n见[两学一做](两学一做.md)。\n",
            ),
        ),
    ]);
    f.build();
    let out = f.public();
    assert!(out.join("学习心得/两学一做/index.html").is_file());
    assert!(out.join("学习心得/自定义-网址/index.html").is_file());
    assert!(out.join("tags/党史/index.html").is_file());
    // hrefs are percent-encoded, and decode to the written files.
    let doc = html(&out, "学习心得/自定义-网址/index.html");
    let l = para_links(&doc, "见两学一做");
    assert_eq!(l.len(), 1, "{l:?}");
    assert!(l[0].is_ascii(), "{l:?}");
    assert_eq!(percent_decode(&l[0]), "/dangjian/学习心得/两学一做/");
}

#[test]
fn static_files_and_theme_assets_are_copied() {
    let f = standard_site();
    write_photo(&f);
    f.write("static/files/通知.pdf", b"%PDF-1.4 test");
    f.write("static/style.css", b"/* site override */");
    f.build();
    let out = f.public();
    assert_eq!(
        std::fs::read(out.join("files/通知.pdf")).unwrap(),
        b"%PDF-1.4 test"
    );
    // The site's static/ wins over the theme.
    assert_eq!(
        std::fs::read(out.join("style.css")).unwrap(),
        b"/* site override */"
    );
    // The stylesheet the pages link is that file.
    let doc = html(&out, "index.html");
    assert!(
        attrs(&doc, "link[rel=stylesheet]", "href")
            .iter()
            .any(|h| h == "/dangjian/style.css")
    );
}

#[test]
fn non_markdown_files_in_columns_are_published_under_the_column() {
    let f = standard_site();
    write_photo(&f);
    f.write("content/xinde/附件/名单.xlsx", b"xlsx-bytes");
    f.write(
        "content/xinde/dang-shi.md",
        page(
            "title: 党史学习\ndate: 2024-04-01 09:30\ntags: [党史, 理论学习]",
            "\n下载[名单](附件/名单.xlsx)。\n\n## 学习收获\n\n收获。\n",
        )
        .as_bytes(),
    );
    f.build();
    let out = f.public();
    assert_eq!(
        std::fs::read(out.join("xinde/附件/名单.xlsx")).unwrap(),
        b"xlsx-bytes"
    );
    let doc = html(&out, "xinde/dang-shi/index.html");
    let l = attrs(&doc, "article a", "href");
    assert!(
        l.iter()
            .any(|h| percent_decode(h) == "/dangjian/xinde/附件/名单.xlsx"),
        "{l:?}"
    );
}

#[test]
fn prev_and_next_link_neighbours_in_the_column() {
    let (_f, out) = built_standard();
    let doc = html(&out, "xinde/dang-shi/index.html");
    let prev = attrs(&doc, "a[rel=prev]", "href");
    let next = attrs(&doc, "a[rel=next]", "href");
    // Newest first: xue-xi-ti-hui (05-01), dang-shi (04-01), zao-qi (03-01).
    assert_eq!(prev, vec!["/dangjian/xinde/xue-xi-ti-hui/"]);
    assert_eq!(next, vec!["/dangjian/xinde/zao-qi/"]);
}

#[test]
fn sort_by_weight_orders_the_column() {
    let f = Fixture::new(&[
        ("config.yaml", &config("")),
        (
            "content/shumu/_index.md",
            "---\ntitle: 书目\nsort_by: weight\n---\n",
        ),
        (
            "content/shumu/a.md",
            &page("title: 甲\ndate: 2024-05-03\nweight: 3", "\nA\n"),
        ),
        (
            "content/shumu/b.md",
            &page("title: 乙\ndate: 2024-05-01\nweight: 1", "\nB\n"),
        ),
        (
            "content/shumu/c.md",
            &page("title: 丙\ndate: 2024-05-02\nweight: 2", "\nC\n"),
        ),
    ]);
    f.build();
    let doc = html(&f.public(), "shumu/index.html");
    let order: Vec<String> = links(&doc)
        .into_iter()
        .filter(|h| {
            [
                "/dangjian/shumu/a/",
                "/dangjian/shumu/b/",
                "/dangjian/shumu/c/",
            ]
            .contains(&h.as_str())
        })
        .fold(Vec::new(), |mut v, h| {
            if !v.contains(&h) {
                v.push(h);
            }
            v
        });
    assert_eq!(
        order,
        vec![
            "/dangjian/shumu/b/",
            "/dangjian/shumu/c/",
            "/dangjian/shumu/a/"
        ]
    );
}

#[test]
fn root_base_url_works_too() {
    let f = standard_site();
    write_photo(&f);
    let out = f.tmp.path().join("root-out");
    build_ok(&BuildOptions {
        output: Some(out.clone()),
        base_url: Some("https://dj.example.org".into()),
        ..f.opts()
    });
    let doc = html(&out, "xinde/xue-xi-ti-hui/index.html");
    assert_eq!(
        attrs(&doc, "link[rel=canonical]", "href"),
        vec!["https://dj.example.org/xinde/xue-xi-ti-hui/"]
    );
    assert!(
        attrs(&doc, "article a", "href")
            .iter()
            .any(|h| h == "/xinde/dang-shi/")
    );
    assert!(out.join("tags/dang-shi/index.html").is_file());
    assert!(
        links(&html(&out, "index.html"))
            .iter()
            .any(|h| h == "/xinde/")
    );
}

#[test]
fn bom_and_crlf_files_build() {
    let f = Fixture::new(&[("config.yaml", &config(""))]);
    f.write(
        "content/_index.md",
        "\u{FEFF}---\r\ntitle: 首页\r\n---\r\n".as_bytes(),
    );
    f.write(
        "content/a/x.md",
        "\u{FEFF}---\r\ntitle: 带BOM的页面\r\ndate: 2024-05-01\r\ntags: [党史]\r\n---\r\n\r\n第一行\r\n第二行\r\n\r\n## 小结\r\n"
            .as_bytes(),
    );
    f.write(
        "config.yaml",
        format!("\u{FEFF}{}", config("").replace('\n', "\r\n")).as_bytes(),
    );
    f.build();
    let doc = html(&f.public(), "a/x/index.html");
    assert_eq!(text(&doc, "article h1"), "带BOM的页面");
    assert!(texts(&doc, "article p").iter().any(|p| p == "第一行第二行"));
    assert_eq!(attrs(&doc, "article h2", "id"), vec!["小结"]);
    assert!(f.public().join("tags/dang-shi/index.html").is_file());
}

#[test]
fn empty_content_folder_builds_an_empty_valid_site() {
    let f = Fixture::new(&[("config.yaml", &config(""))]);
    std::fs::create_dir_all(f.root.join("content")).unwrap();
    let built = f.build();
    assert_eq!(built.stats.pages, 0);
    assert_eq!(built.stats.columns, 0);
    let out = f.public();
    let home = html(&out, "index.html");
    assert!(text(&home, "title").contains("测试学院学生党支部"));
    assert!(out.join("404.html").is_file());
    for feed in ["rss.xml", "atom.xml", "sitemap.xml"] {
        let x = read(&out, feed);
        roxmltree::Document::parse(&x).unwrap_or_else(|e| panic!("{feed}: {e}"));
    }
    let rss = read(&out, "rss.xml");
    let rss = roxmltree::Document::parse(&rss).unwrap();
    assert_eq!(
        rss.descendants().filter(|n| n.has_tag_name("item")).count(),
        0
    );
}

#[test]
fn missing_content_folder_builds_too() {
    let f = Fixture::new(&[("config.yaml", &config(""))]);
    f.build();
    assert!(f.public().join("index.html").is_file());
}

#[test]
fn build_stats_count_what_was_written() {
    let (f, out) = built_standard();
    let b = f.build();
    let html_count = html_files(&out).len();
    assert_eq!(b.stats.html_files, html_count);
    assert_eq!(b.stats.pages, 5);
    assert_eq!(b.stats.columns, 3);
    assert_eq!(b.stats.tags, 3);
}

#[test]
fn titles_are_escaped_and_content_is_not_a_template() {
    let f = Fixture::new(&[
        ("config.yaml", &config("")),
        (
            "content/a/x.md",
            &page(
                "title: 'A & B <i>斜</i> \"引号\"'\ndate: 2024-05-01",
                "\n正文里的 {{ site.title }} 和 {% if true %}不是模板{% endif %}。\n",
            ),
        ),
    ]);
    f.build();
    let doc = html(&f.public(), "a/x/index.html");
    assert_eq!(text(&doc, "article h1"), "A & B <i>斜</i> \"引号\"");
    assert_eq!(
        doc.select(&sel("article h1 i")).count(),
        0,
        "markup in a title was not escaped"
    );
    assert!(text(&doc, "title").contains("A & B <i>斜</i>"));
    let body = text(&doc, "article");
    assert!(body.contains("{{ site.title }}"), "{body}");
    assert!(body.contains("{% if true %}不是模板{% endif %}"), "{body}");
}

#[test]
fn heading_ids_are_unique_and_links_find_them_by_text() {
    let f = Fixture::new(&[
        ("config.yaml", &config("")),
        (
            "content/a/x.md",
            &page(
                "title: x\ndate: 2024-05-01",
                "\n## 一、学习目标\n\n## 总结\n\n## 总结\n\n### Hello World 2024\n\n## 自定义 {#custom-id}\n\n[目标](#一、学习目标) [第二个总结](#总结-1) [英文](#hello-world-2024) [自定义](#custom-id)\n",
            ),
        ),
    ]);
    f.build();
    let doc = html(&f.public(), "a/x/index.html");
    assert_eq!(
        attrs(&doc, "article h2, article h3", "id"),
        vec![
            "一学习目标",
            "总结",
            "总结-1",
            "hello-world-2024",
            "custom-id"
        ]
    );
    let page_ids = ids(&doc);
    let local: Vec<String> = attrs(&doc, "article a", "href")
        .into_iter()
        .filter(|h| h.starts_with('#'))
        .collect();
    assert!(local.len() >= 4, "{local:?}");
    for h in local {
        assert!(
            page_ids.contains(&percent_decode(&h[1..])),
            "`{h}` names no id: {page_ids:?}"
        );
    }
}

#[test]
fn site_absolute_and_dot_relative_links_get_the_base_path() {
    let f = standard_site();
    write_photo(&f);
    f.write(
        "content/xinde/zao-qi.md",
        page(
            "title: 早期的心得\ndate: 2024-03-01",
            "\n[绝对](/xinde/dang-shi/) [已带前缀](/dangjian/xianjin/) [点](./dang-shi.md) [栏目](_index.md) [上级](../xianjin/zhang-san.md) [文件夹](../xianjin/)\n",
        )
        .as_bytes(),
    );
    f.write(
        "content/_index.md",
        "---\ntitle: 首页\n---\n\n欢迎，先看[学习心得](xinde/_index.md)和[党史](xinde/dang-shi.md#学习收获)。\n".as_bytes(),
    );
    f.build();
    let out = f.public();
    let l = para_links(&html(&out, "xinde/zao-qi/index.html"), "绝对");
    assert_eq!(
        l,
        vec![
            "/dangjian/xinde/dang-shi/",
            "/dangjian/xianjin/",
            "/dangjian/xinde/dang-shi/",
            "/dangjian/xinde/",
            "/dangjian/xianjin/zhang-san/",
            "/dangjian/xianjin/"
        ]
    );
    let home = links(&html(&out, "index.html"));
    assert!(home.iter().any(|h| h == "/dangjian/xinde/"), "{home:?}");
    assert!(
        home.iter()
            .any(|h| percent_decode(h) == "/dangjian/xinde/dang-shi/#学习收获"),
        "{home:?}"
    );
}

#[test]
fn colliding_term_slugs_get_distinct_pages() {
    let f = Fixture::new(&[
        ("config.yaml", &config("")),
        (
            "content/a/x.md",
            &page("title: x\ndate: 2024-05-01\ntags: [C++]", "\nx\n"),
        ),
        (
            "content/a/y.md",
            &page("title: y\ndate: 2024-05-02\ntags: [C#]", "\ny\n"),
        ),
        (
            "content/a/z.md",
            &page("title: z\ndate: 2024-05-03\ntags: [C#]", "\nz\n"),
        ),
    ]);
    f.build();
    let out = f.public();
    let tags = html(&out, "tags/index.html");
    let mut terms: Vec<String> = links(&tags)
        .into_iter()
        .filter(|h| h.starts_with("/dangjian/tags/") && h != "/dangjian/tags/")
        .collect();
    terms.sort();
    terms.dedup();
    assert_eq!(terms.len(), 2, "{terms:?}");
    // The most used term keeps the plain slug.
    assert!(
        terms.contains(&"/dangjian/tags/c/".to_string()),
        "{terms:?}"
    );
    let plain = links(&html(&out, "tags/c/index.html"));
    assert!(
        plain.iter().any(|h| h == "/dangjian/a/y/") && plain.iter().any(|h| h == "/dangjian/a/z/")
    );
    assert!(!plain.iter().any(|h| h == "/dangjian/a/x/"));
    let other = terms.iter().find(|t| *t != "/dangjian/tags/c/").unwrap();
    let file = served_file(&out, BASE_PATH, other).unwrap();
    let l = links(&scraper::Html::parse_document(
        &std::fs::read_to_string(file).unwrap(),
    ));
    assert!(l.iter().any(|h| h == "/dangjian/a/x/"));
}

#[test]
fn term_spellings_are_merged_with_a_warning() {
    let f = Fixture::new(&[
        ("config.yaml", &config("")),
        (
            "content/a/x.md",
            &page("title: x\ndate: 2024-05-01\ntags: [ＡＩ与党建]", "\nx\n"),
        ),
        (
            "content/a/y.md",
            &page("title: y\ndate: 2024-05-02\ntags: [ai与党建]", "\ny\n"),
        ),
        (
            "content/a/z.md",
            &page("title: z\ndate: 2024-05-03\ntags: [ai与党建]", "\nz\n"),
        ),
    ]);
    let b = f.build();
    let out = f.public();
    let l = links(&html(&out, "tags/ai-yu-dang-jian/index.html"));
    for p in ["/dangjian/a/x/", "/dangjian/a/y/", "/dangjian/a/z/"] {
        assert!(l.iter().any(|h| h == p), "{p} missing: {l:?}");
    }
    let w: Vec<_> = b
        .warnings
        .iter()
        .filter(|w| w.code == "term-variants")
        .collect();
    assert_eq!(w.len(), 1, "{}", show(&b.warnings));
    assert!(
        w[0].message.zh.contains("ＡＩ与党建") && w[0].message.zh.contains("content/a/x.md"),
        "{}",
        w[0].message.zh
    );
}

#[test]
fn draft_bundles_keep_their_files_unpublished() {
    let f = standard_site();
    write_photo(&f);
    f.write(
        "content/xianjin/优秀党员/li-ming/index.md",
        page(
            "title: 李明\ndate: 2024-01-15\ndraft: true",
            "\n![李明的照片](photo.png)\n",
        )
        .as_bytes(),
    );
    f.write(
        "content/xianjin/zhang-san.md",
        page(
            "title: 张三的事迹\ndate: 2024-02-01\ntags: [榜样]",
            "\n张三。\n",
        )
        .as_bytes(),
    );
    f.build();
    let out = f.public();
    assert!(!out.join("xianjin/you-xiu-dang-yuan/li-ming").exists());
    let out2 = f.tmp.path().join("drafts");
    build_ok(&BuildOptions {
        output: Some(out2.clone()),
        drafts: true,
        ..f.opts()
    });
    assert_eq!(
        std::fs::read(out2.join("xianjin/you-xiu-dang-yuan/li-ming/photo.png")).unwrap(),
        PHOTO
    );
}

#[test]
fn base_url_without_trailing_slash_is_a_sub_path() {
    let f = Fixture::new(&[
        (
            "config.yaml",
            "title: t\nbase_url: https://www.example.edu.cn/dangjian\n",
        ),
        (
            "content/a/x.md",
            &page("title: x\ndate: 2024-05-01", "\nx\n"),
        ),
    ]);
    f.build();
    let doc = html(&f.public(), "a/index.html");
    assert!(links(&doc).iter().any(|h| h == "/dangjian/a/x/"));
    assert_eq!(
        attrs(&doc, "link[rel=canonical]", "href"),
        vec!["https://www.example.edu.cn/dangjian/a/"]
    );
}
