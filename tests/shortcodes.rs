//! Shortcodes in Markdown: `video` (local file or allowed player), `figure`
//! and the paired `quote`; never expanded in code; errors name the file and
//! line.

mod common;

use common::*;
use lanmu::config::MarkdownConfig;
use lanmu::error::{Diagnostic, Severity};
use lanmu::markdown::{self, LinkResolver, Resolved};

/// Resolves `*.mp4`/`*.jpg`/`*.vtt` as files of `/dangjian/p/`; `missing*` is broken.
struct Files;
impl LinkResolver for Files {
    fn resolve(&self, dest: &str, _img: bool) -> Resolved {
        if dest.contains("://") {
            Resolved::Keep
        } else if dest.starts_with("missing") {
            Resolved::Broken(lanmu::error::Msg::new(
                format!("链接的文件不存在：`{dest}`"),
                format!("linked file does not exist: `{dest}`"),
            ))
        } else {
            Resolved::Url(format!("/dangjian/p/{dest}"))
        }
    }
}

fn cfg(unsafe_html: bool) -> MarkdownConfig {
    MarkdownConfig {
        unsafe_html,
        video_hosts: vec!["player.bilibili.com".into(), "v.qq.com".into()],
        ..MarkdownConfig::default()
    }
}

fn render(body: &str) -> markdown::Rendered {
    markdown::render(body, &cfg(false), &Files)
}

fn ok(body: &str) -> String {
    let r = render(body);
    assert!(
        r.problems.is_empty(),
        "unexpected problems: {:?}",
        r.problems
    );
    r.html
}

/// (line, Chinese message) of each problem.
fn problems(body: &str) -> Vec<(usize, String)> {
    render(body)
        .problems
        .into_iter()
        .map(|p| (p.line, p.message.zh))
        .collect()
}

#[test]
fn local_video_with_poster_and_caption() {
    let html = ok(
        "前言。\n\n{{< video src=\"党课.mp4\" poster=\"cover.jpg\" title=\"党课录像\" caption=\"支部书记讲党课\" captions=\"党课.vtt\" >}}\n\n后记。\n",
    );
    assert!(
        html.contains(
            "<figure class=\"video\"><video controls preload=\"metadata\" playsinline src=\"/dangjian/p/党课.mp4\" poster=\"/dangjian/p/cover.jpg\" title=\"党课录像\""
        ),
        "{html}"
    );
    assert!(
        html.contains("<track kind=\"captions\" src=\"/dangjian/p/党课.vtt\" srclang=\"zh-CN\""),
        "{html}"
    );
    assert!(html.contains("<a href=\"/dangjian/p/党课.mp4\">下载视频</a></video><figcaption>支部书记讲党课</figcaption></figure>"), "{html}");
    assert!(
        html.contains("<p>前言。</p>") && html.contains("<p>后记。</p>"),
        "{html}"
    );
    // No paragraph is left around the figure, and the shortcode text is gone.
    assert!(
        !html.contains("{{<") && !html.contains("<p><figure"),
        "{html}"
    );
}

#[test]
fn iframe_only_from_allowed_hosts() {
    let html = ok(
        "{{< video src=\"https://player.bilibili.com/player.html?bvid=BV1&page=1\" title=\"主题党课\" >}}\n",
    );
    assert!(
        html.contains("<figure class=\"video\"><iframe src=\"https://player.bilibili.com/player.html?bvid=BV1&amp;page=1\" title=\"主题党课\" loading=\"lazy\""),
        "{html}"
    );
    // Subdomains of an allowed host are allowed.
    ok("{{< video src=\"https://m.v.qq.com/x/page/a.html\" title=\"t\" >}}\n");
    let p = problems("\n{{< video src=\"https://evil.example.com/embed/1\" >}}\n");
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].0, 2);
    assert!(
        p[0].1.contains("evil.example.com") && p[0].1.contains("extra.video_hosts"),
        "{p:?}"
    );
    let p = problems("{{< video src=\"http://player.bilibili.com/x\" >}}\n");
    assert!(p[0].1.contains("https://"), "{p:?}");
}

#[test]
fn figure_with_caption() {
    let html = ok("{{< figure src=\"合影.jpg\" caption=\"2024 年主题党日合影\" >}}\n");
    assert_eq!(
        html.trim(),
        "<figure class=\"figure\"><img src=\"/dangjian/p/合影.jpg\" alt=\"2024 年主题党日合影\" loading=\"lazy\" decoding=\"async\"><figcaption>2024 年主题党日合影</figcaption></figure>"
    );
    let html = ok("{{< figure src=\"a.jpg\" alt=\"支部 <全体> 党员\" >}}\n");
    assert!(
        html.contains("alt=\"支部 &lt;全体&gt; 党员\"") && !html.contains("figcaption"),
        "{html}"
    );
    let p = problems("{{< figure src=\"a.jpg\" >}}\n");
    assert!(
        p[0].1.contains("alt") && p[0].1.contains("caption"),
        "{p:?}"
    );
}

#[test]
fn quote_body_is_markdown() {
    let html = ok(
        "{{< quote source=\"《中国共产党章程》\" >}}\n\n中国共产党党员是**中国工人阶级**的有觉悟的先锋战士。\n\n- 第一条\n- 第二条\n\n{{< /quote >}}\n\n正文继续。\n",
    );
    assert!(
        html.starts_with("<figure class=\"quote\"><blockquote>\n<p>中国共产党党员是<strong>中国工人阶级</strong>的有觉悟的先锋战士。</p>\n<ul>"),
        "{html}"
    );
    assert!(
        html.contains("</ul>\n</blockquote>\n<figcaption>——《中国共产党章程》</figcaption></figure>\n<p>正文继续。</p>"),
        "{html}"
    );
}

#[test]
fn quote_without_blank_lines() {
    // Editors often write the three lines as one block: the paragraph is split.
    let html = ok(
        "前文\n{{< quote source=\"《中国共产党章程》\" >}}\n党的最高理想和最终目标是实现共产主义。\n{{< /quote >}}\n后文\n",
    );
    assert_eq!(
        html,
        "<p>前文</p>\n<figure class=\"quote\"><blockquote>\n<p>党的最高理想和最终目标是实现共产主义。</p>\n</blockquote>\n<figcaption>——《中国共产党章程》</figcaption></figure>\n<p>后文</p>\n"
    );
    // A source already starting with a dash keeps it.
    let html = ok("{{< quote source=\"——习近平\" >}}\n话\n{{< /quote >}}\n");
    assert!(html.contains("<figcaption>——习近平</figcaption>"), "{html}");
}

#[test]
fn inside_lists_and_block_quotes() {
    let html = ok("- 第一项\n- {{< figure src=\"a.jpg\" alt=\"图\" >}}\n- 第三项\n");
    assert!(
        html.contains("<li><figure class=\"figure\"><img src=\"/dangjian/p/a.jpg\""),
        "{html}"
    );
    let html = ok("> 引文\n> {{< figure src=\"a.jpg\" alt=\"图\" >}}\n");
    assert!(
        html.contains("<blockquote>\n<p>引文</p>\n<figure class=\"figure\">"),
        "{html}"
    );
}

#[test]
fn never_expanded_in_code() {
    let body = "行内 `{{< video src=\"a.mp4\" >}}` 代码。\n\n`{{< figure src=\"a.jpg\" alt=\"x\" >}}`\n\n```markdown\n{{< video src=\"a.mp4\" >}}\n{{< /quote >}}\n```\n\n    {{< quote source=\"x\" >}}\n";
    let r = render(body);
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    assert!(
        !r.html.contains("<figure") && !r.html.contains("<video"),
        "{}",
        r.html
    );
    assert!(
        r.html
            .contains("<code>{{&lt; video src=\"a.mp4\" &gt;}}</code>"),
        "{}",
        r.html
    );
    assert!(
        r.html
            .contains("<pre><code class=\"language-markdown\">{{&lt; video"),
        "{}",
        r.html
    );
    // `\{{<` shows the characters.
    let html = ok("写法：\\{{< video src=\"a.mp4\" >}}\n");
    assert!(
        html.contains("{{&lt; video") && !html.contains("<video"),
        "{html}"
    );
}

#[test]
fn html_escaping_still_applies_to_editors_html() {
    let html = ok("<b>粗</b>\n\n{{< figure src=\"a.jpg\" alt=\"图\" >}}\n\n<script>x</script>\n");
    assert!(
        html.contains("&lt;b&gt;") && html.contains("&lt;script&gt;"),
        "{html}"
    );
    assert!(html.contains("<figure class=\"figure\">"), "{html}");
    // With raw HTML allowed the output is the same figure.
    let r = markdown::render(
        "{{< figure src=\"a.jpg\" alt=\"图\" >}}\n",
        &cfg(true),
        &Files,
    );
    assert!(
        r.html.starts_with("<figure class=\"figure\">"),
        "{}",
        r.html
    );
}

#[test]
fn shortcode_text_stays_out_of_summaries_and_search() {
    let r = render("{{< quote source=\"《中国共产党章程》\" >}}\n为人民服务。\n{{< /quote >}}\n");
    assert!(
        !r.text.contains("{{<") && r.text.contains("为人民服务"),
        "{}",
        r.text
    );
    assert!(!r.lead.contains("quote"), "{}", r.lead);
}

#[test]
fn problems_have_lines() {
    let body = "第一行\n\n{{< vidoe src=\"a.mp4\" >}}\n\n{{< video >}}\n\n{{< video src=\"missing.mp4\" >}}\n\n{{< video src=\"a.avi\" >}}\n\n{{< figure src=\"a.jpg\" alt=\"x\" size=\"big\" >}}\n\n{{< video src=\"a.mp4 >}}\n\n文字 {{< video src=\"a.mp4\" >}} 文字\n\n## {{< video src=\"a.mp4\" >}}\n\n{{< /quote >}}\n\n{{< quote source=\"《党章》\" >}}\n\n{{< video src=\"a.mp4\" >}}{{< /video >}}\n";
    let p = problems(body);
    let line_of = |needle: &str| body.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let expect = [
        ("vidoe", "未知的短代码 `vidoe`"),
        ("{{< video >}}", "缺少参数 `src`"),
        ("missing.mp4", "链接的文件不存在"),
        ("a.avi", ".mp4 或 .webm"),
        ("size=", "没有参数 `size`"),
        ("a.mp4 >}}", "缺少结尾的引号"),
        ("文字 {{<", "要单独写一行"),
        ("## {{<", "要单独写一行"),
        ("{{< /quote >}}", "前面没有对应的"),
        ("《党章》", "没有对应的 `{{< /quote >}}`"),
    ];
    for (needle, msg) in expect {
        let line = line_of(needle);
        assert!(
            p.iter().any(|(l, m)| *l == line && m.contains(msg)),
            "no problem `{msg}` at line {line}: {p:#?}"
        );
    }
    // The suggestion for a typo.
    assert!(
        p.iter().any(|(_, m)| m.contains("是不是想写 `video`")),
        "{p:#?}"
    );
    // Two shortcodes on one line are not a shortcode line.
    let last = body.lines().count();
    assert!(p.iter().any(|(l, _)| *l == last), "{p:#?}");
}

#[test]
fn quote_must_close_at_its_level() {
    let p = problems("- {{< quote source=\"x\" >}}\n\n{{< /quote >}}\n");
    assert!(
        p.iter().any(|(l, m)| *l == 3 && m.contains("不在同一层")),
        "{p:?}"
    );
}

// ------------------------------------------------------------ whole builds

fn errors(f: &Fixture) -> Vec<Diagnostic> {
    f.build_err()
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect()
}

#[test]
fn bundle_video_builds_under_the_sub_path() {
    let f = Fixture::new(&[
        (
            "config.yaml",
            &config(
                "markdown:\n  unsafe_html: false\nextra:\n  video_hosts: [player.bilibili.com]\n",
            ),
        ),
        ("content/xinde/_index.md", "---\ntitle: 学习心得\n---\n"),
        (
            "content/xinde/dang-ke/index.md",
            &page(
                "title: 党课\ndate: 2024-05-01",
                "\n{{< video src=\"党课.mp4\" poster=\"cover.jpg\" caption=\"支部书记讲党课\" >}}\n\n{{< video src=\"https://player.bilibili.com/player.html?bvid=BV1\" title=\"党课直播回放\" >}}\n\n{{< figure src=\"../shared/合影.jpg\" caption=\"合影\" >}}\n",
            ),
        ),
    ]);
    f.write("content/xinde/dang-ke/党课.mp4", b"mp4");
    f.write("content/xinde/dang-ke/cover.jpg", b"jpg");
    f.write("content/xinde/shared/合影.jpg", b"jpg");
    f.build();
    let out = f.public();
    let doc = html(&out, "xinde/dang-ke/index.html");
    let video = attrs(&doc, "figure.video video", "src");
    assert_eq!(
        video,
        vec!["/dangjian/xinde/dang-ke/%E5%85%9A%E8%AF%BE.mp4"]
    );
    assert_eq!(
        attrs(&doc, "figure.video video", "poster"),
        vec!["/dangjian/xinde/dang-ke/cover.jpg"]
    );
    assert_eq!(
        attrs(&doc, "figure.video iframe", "src"),
        vec!["https://player.bilibili.com/player.html?bvid=BV1"]
    );
    assert_eq!(
        attrs(&doc, "figure.figure img", "src"),
        vec!["/dangjian/xinde/shared/%E5%90%88%E5%BD%B1.jpg"]
    );
    assert_eq!(text(&doc, "figure.video figcaption"), "支部书记讲党课");
    assert!(out.join("xinde/dang-ke/党课.mp4").is_file());
    let broken = broken_links(&out, BASE_URL, BASE_PATH);
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn build_errors_name_file_and_line() {
    let body = "\n第一段。\n\n{{< video src=\"不存在.mp4\" >}}\n\n{{< quote >}}\n\n{{< video src=\"https://www.youtube.com/embed/x\" >}}\n";
    let file = page("title: 党课\ndate: 2024-05-01\ntags: [党课]", body);
    let f = Fixture::new(&[
        ("config.yaml", &config("")),
        ("content/xinde/_index.md", "---\ntitle: 学习心得\n---\n"),
        ("content/xinde/dang-ke.md", &file),
    ]);
    let d = errors(&f);
    let line_of = |needle: &str| file.lines().position(|l| l.contains(needle)).unwrap() + 1;
    for (needle, msg) in [
        ("不存在.mp4", "不存在.mp4"),
        ("{{< quote >}}", "缺少参数 `source`"),
        ("youtube", "www.youtube.com"),
    ] {
        let found: Vec<&Diagnostic> = d.iter().filter(|x| x.message.zh.contains(msg)).collect();
        assert_eq!(found.len(), 1, "`{msg}`:\n{}", show(&d));
        assert_eq!(diag_path(found[0]), "content/xinde/dang-ke.md");
        assert_eq!(found[0].line, Some(line_of(needle)), "{}", show(&d));
    }
    assert_eq!(d.len(), 3, "{}", show(&d));
}
