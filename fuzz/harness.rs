// The single-page pipeline as one function, shared by the cargo-fuzz target
// (`fuzz_targets/page.rs`) and the in-process random loop in
// `tests/bad_input.rs` (which `include!`s this file). Panics are the bugs.

/// A resolver that resolves nothing and breaks links ending in `.md`, so both
/// the `Keep` and the `Broken` paths of the renderer run.
struct FuzzLinks;

impl lanmu::markdown::LinkResolver for FuzzLinks {
    fn resolve(&self, dest: &str, _is_image: bool) -> lanmu::markdown::Resolved {
        if dest.ends_with(".md") {
            lanmu::markdown::Resolved::Broken(lanmu::error::Msg::new("坏", "broken"))
        } else if dest.starts_with('/') {
            lanmu::markdown::Resolved::Url(format!("/base{dest}"))
        } else {
            lanmu::markdown::Resolved::Keep
        }
    }
}

/// Runs one input through everything lanmu does with a single page.
#[allow(dead_code)]
pub fn run_page(data: &[u8]) {
    use std::path::Path;

    let shown = Path::new("content/fuzz.md");
    let text = match lanmu::encoding::decode(data, shown) {
        Ok(t) => t,
        // Not UTF-8: still exercise the passes on the lossy text.
        Err(_) => String::from_utf8_lossy(data).replace('\r', "\n"),
    };
    let (yaml, yaml_line, body) = match lanmu::frontmatter::split(&text, shown) {
        Ok(s) => (s.yaml, s.yaml_line, s.body),
        Err(_) => (None, 1, text.as_str()),
    };
    let taxonomies = vec!["tags".to_string(), "branch".to_string()];
    let _ = lanmu::frontmatter::parse::<lanmu::frontmatter::PageFront>(
        yaml,
        yaml_line,
        shown,
        lanmu::frontmatter::PAGE_KEYS,
        &taxonomies,
    );
    if let Some(y) = yaml {
        let _ = lanmu::yaml::locate(y, "exam.questions[1].answer");
        let _ = lanmu::yaml::top_level_keys(y);
    }

    // The CJK passes on their own, then the whole renderer in each mode.
    let opts = lanmu::markdown::parser_options(&lanmu::config::MarkdownConfig::default());
    let events: Vec<_> = pulldown_cmark::Parser::new_ext(body, opts).into_offset_iter().collect();
    let n = events.len();
    let emph = lanmu::markdown::cjk::cjk_friendly_emphasis(body, events);
    let dropped = lanmu::markdown::cjk::drop_cjk_soft_breaks(emph);
    assert!(dropped.len() <= n * 3 + 16, "CJK passes blew up the event count");
    for (lb, emph, unsafe_html, smart) in [
        (true, true, true, false),
        (false, false, false, true),
        (true, true, false, true),
    ] {
        let cfg = lanmu::config::MarkdownConfig {
            cjk_line_breaks: lb,
            cjk_friendly_emphasis: emph,
            unsafe_html,
            smart_punctuation: smart,
            ..lanmu::config::MarkdownConfig::default()
        };
        let r = lanmu::markdown::render(body, &cfg, &FuzzLinks);
        if !unsafe_html {
            assert!(!r.html.contains("<script"), "raw HTML leaked with unsafe_html off");
        }
        let _ = lanmu::markdown::truncate_summary(&r.text, 120);
        let _ = lanmu::markdown::reading_time(&r.text);
        for h in &r.toc {
            let _ = lanmu::markdown::anchor_id(&h.title);
        }
    }

    // The typography check and fix: edits are in order, on char boundaries,
    // and applying them only changes the edited bytes.
    let cfg = lanmu::config::MarkdownConfig::default();
    let edits = lanmu::check::typography::body_edits(body, &cfg, true);
    let mut last = 0;
    for e in &edits {
        assert!(e.range.start >= last && e.range.start <= e.range.end, "edits out of order");
        assert!(body.is_char_boundary(e.range.start) && body.is_char_boundary(e.range.end));
        last = e.range.end;
    }
    let fixed = lanmu::check::typography::apply(body, &edits);
    let _ = lanmu::check::typography::fix_text(&text, &cfg, false, shown);
    let _ = fixed;
}
