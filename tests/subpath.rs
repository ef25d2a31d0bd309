//! Every link in the output resolves when the site is served under its
//! sub-path (`/dangjian/`): strip the base path, map `/` endings to
//! `index.html`, percent-decode, and look for the file; fragments must name
//! an `id` on their target page.

mod common;

use common::*;
use lanmu::pipeline::BuildOptions;

fn assert_no_broken(out: &std::path::Path, base_url: &str, base_path: &str) {
    let problems = broken_links(out, base_url, base_path);
    assert!(
        problems.is_empty(),
        "{} broken link(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn link_checker_finds_broken_links() {
    // The checker itself must be able to fail.
    let t = tempfile::tempdir().unwrap();
    let out = t.path();
    std::fs::create_dir_all(out.join("a")).unwrap();
    std::fs::write(out.join("index.html"), r#"<a href="/dangjian/a/">ok</a><a href="/dangjian/missing/">x</a><a href="/a/">outside</a><img src="pic.png"><a href="/dangjian/a/#nope">f</a><a href="https://elsewhere.org/">ext</a><a href="https://www.example.edu.cn/dangjian/gone/">own</a>"#).unwrap();
    std::fs::write(out.join("a/index.html"), r#"<h2 id="学习">t</h2><a href="../">up</a><a href="%E5%AD%A6/">enc</a><a href="/dangjian/a/#%E5%AD%A6%E4%B9%A0">ok</a>"#).unwrap();
    std::fs::create_dir_all(out.join("a/学")).unwrap();
    std::fs::write(out.join("a/学/index.html"), "").unwrap();
    let p = broken_links(out, BASE_URL, BASE_PATH);
    assert_eq!(p.len(), 5, "{p:#?}");
    for want in [
        "/dangjian/missing/",
        "`/a/`",
        "pic.png",
        "#nope",
        "/dangjian/gone/",
    ] {
        assert!(
            p.iter().any(|x| x.contains(want)),
            "{want} not reported: {p:#?}"
        );
    }
}

#[test]
fn every_link_resolves_under_the_sub_path() {
    let (_f, out) = built_standard();
    // Sanity: the fixture has links of every sort worth checking.
    let files = html_files(&out);
    assert!(files.len() >= 15, "{files:?}");
    assert_no_broken(&out, BASE_URL, BASE_PATH);
}

#[test]
fn every_root_relative_link_carries_the_base_path() {
    let (_f, out) = built_standard();
    for rel in html_files(&out) {
        let doc = html(&out, &rel);
        let mut refs = attrs(&doc, "[href]", "href");
        refs.extend(attrs(&doc, "[src]", "src"));
        for r in refs {
            if r.starts_with('/') && !r.starts_with("//") {
                assert!(r.starts_with(BASE_PATH), "{rel}: `{r}` lacks the base path");
            }
        }
    }
}

#[test]
fn links_resolve_with_drafts_and_another_sub_path() {
    let (f, _) = built_standard();
    let out = f.tmp.path().join("other");
    build_ok(&BuildOptions {
        output: Some(out.clone()),
        base_url: Some("https://dj.example.org/a/b/".into()),
        drafts: true,
        ..f.opts()
    });
    assert!(out.join("xinde/cao-gao/index.html").is_file());
    assert_no_broken(&out, "https://dj.example.org/a/b/", "/a/b/");
    let doc = html(&out, "xinde/xue-xi-ti-hui/index.html");
    assert!(links(&doc).iter().any(|h| h == "/a/b/xinde/dang-shi/"));
}

#[test]
fn links_resolve_at_the_domain_root() {
    let (f, _) = built_standard();
    let out = f.tmp.path().join("root");
    build_ok(&BuildOptions {
        output: Some(out.clone()),
        base_url: Some("https://dj.example.org/".into()),
        ..f.opts()
    });
    assert_no_broken(&out, "https://dj.example.org/", "/");
}

#[test]
fn percent_encoded_unicode_urls_resolve() {
    let f = Fixture::new(&[
        ("config.yaml", &config("slugify: unicode\npaginate_by: 1\n")),
        (
            "content/学习心得/_index.md",
            "---\ntitle: 学习心得\n---\n\n见[体会](学习 体会.md#第一节)。\n",
        ),
        (
            "content/学习心得/学习 体会.md",
            &page(
                "title: 体会\ndate: 2024-05-01\ntags: [党史 学习]",
                "\n## 第一节\n\n[返回](_index.md)\n",
            ),
        ),
        (
            "content/学习心得/第二篇/index.md",
            &page(
                "title: 第二篇\ndate: 2024-05-02\ntags: [党史 学习]",
                "\n![图](图片 1.png)\n",
            ),
        ),
    ]);
    f.write("content/学习心得/第二篇/图片 1.png", b"png");
    f.build();
    let out = f.public();
    assert!(out.join("学习心得/学习-体会/index.html").is_file());
    assert!(out.join("学习心得/第二篇/图片 1.png").is_file());
    assert!(out.join("学习心得/page/2/index.html").is_file());
    assert_no_broken(&out, BASE_URL, BASE_PATH);
    // hrefs are ASCII (percent-encoded).
    for rel in html_files(&out) {
        for h in links(&html(&out, &rel)) {
            if h.starts_with('/') {
                assert!(h.is_ascii(), "{rel}: unencoded `{h}`");
            }
        }
    }
}

#[test]
fn empty_site_links_resolve() {
    let f = Fixture::new(&[("config.yaml", &config(""))]);
    std::fs::create_dir_all(f.root.join("content")).unwrap();
    f.build();
    assert_no_broken(&f.public(), BASE_URL, BASE_PATH);
}

#[test]
fn demo_site_links_resolve() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("public");
    build_ok(&BuildOptions {
        output: Some(out.clone()),
        ..BuildOptions::new(env!("CARGO_MANIFEST_DIR"))
    });
    assert_no_broken(&out, BASE_URL, BASE_PATH);
}
