//! Markdown to HTML: pulldown-cmark plus the passes Chinese text needs
//! (CJK line breaks, CJK-friendly emphasis), heading ids and a table of
//! contents, link rewriting, summaries and reading time.

pub mod cjk;
pub mod shortcodes;

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::config::MarkdownConfig;
use crate::error::Msg;

/// One heading, for the table of contents.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Heading {
    /// 1–6.
    pub level: u8,
    /// The `id` attribute.
    pub id: String,
    /// Plain text of the heading.
    pub title: String,
}

/// What a link target resolved to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// Use this URL instead.
    Url(String),
    /// Leave the link as written (external, mailto:, …).
    Keep,
    /// The target does not exist; the message says what was looked for.
    Broken(Msg),
}

/// Resolves link and image targets written in a page.
pub trait LinkResolver {
    /// `dest` is the target as written, never a bare `#fragment`.
    fn resolve(&self, dest: &str, is_image: bool) -> Resolved;

    /// Pixel size of a local image written as `dest`, so `<img>` gets
    /// `width`/`height` and the page does not jump while it loads.
    fn image_size(&self, _dest: &str) -> Option<(u32, u32)> {
        None
    }
}

/// A link problem found while rendering, with its 1-based line in the body.
#[derive(Debug, Clone)]
pub struct LinkProblem {
    /// Line within the Markdown body (1-based).
    pub line: usize,
    /// What is wrong.
    pub message: Msg,
}

/// A fragment link to check once every page's headings are known.
#[derive(Debug, Clone)]
pub struct AnchorRef {
    /// The URL the link points to, without the fragment (empty = this page).
    pub url: String,
    /// The fragment as written (decoded).
    pub fragment: String,
    /// The fragment as written into the HTML (the `anchor_id` of it).
    pub written: String,
    /// Line within the body.
    pub line: usize,
}

/// The rendered page body and everything learnt while rendering it.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// Body HTML.
    pub html: String,
    /// HTML of the part before `<!-- more -->`, when the page has the marker.
    pub summary_html: Option<String>,
    /// Plain text of the whole body (for reading time and search).
    pub text: String,
    /// Plain text of the paragraphs only (no headings, tables or code), for
    /// automatic summaries.
    pub lead: String,
    /// Headings in order.
    pub toc: Vec<Heading>,
    /// Links that could not be resolved.
    pub problems: Vec<LinkProblem>,
    /// Fragment links to other pages, checked after all pages are rendered.
    pub anchors: Vec<AnchorRef>,
    /// [`word_stats`] of `text`: reading time in minutes. Counted here so
    /// callers that render pages in parallel count in parallel too.
    pub reading_time: usize,
    /// [`word_stats`] of `text`: CJK characters plus Latin words.
    pub word_count: usize,
}

/// The pulldown-cmark extensions lanmu enables.
pub fn parser_options(cfg: &MarkdownConfig) -> Options {
    let mut o = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_GFM;
    if cfg.smart_punctuation {
        o |= Options::ENABLE_SMART_PUNCTUATION;
    }
    o
}

/// The `id` made from a heading's text (and the key a `#fragment` written by
/// an editor is matched with): letters and digits of any script are kept,
/// ASCII is lowercased, whitespace becomes `-`, other punctuation is dropped.
/// `学习收获` stays `学习收获`, so `[见](#学习收获)` lands on `## 学习收获`.
pub fn anchor_id(text: &str) -> String {
    let folded = crate::slug::fold_width(text);
    let mut out = String::with_capacity(folded.len());
    for c in folded.trim().chars() {
        // CJK ideographs are letters with no case: skip the table look-ups.
        if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
            out.push(c);
        } else if c.is_alphanumeric() || c == '_' || c == '-' {
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// Line starts of a body, computed on first use: only link problems and
/// shortcodes need line numbers, and most pages have neither.
struct LineIndex<'a> {
    src: &'a str,
    starts: std::cell::OnceCell<Vec<usize>>,
}

impl<'a> LineIndex<'a> {
    fn new(src: &'a str) -> Self {
        LineIndex {
            src,
            starts: std::cell::OnceCell::new(),
        }
    }
    fn line(&self, offset: usize) -> usize {
        let starts = self.starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.src.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        match starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }
}

fn is_more_marker(html: &str) -> bool {
    let t = html.trim();
    t.strip_prefix("<!--")
        .and_then(|r| r.strip_suffix("-->"))
        .is_some_and(|inner| inner.trim() == "more")
}

/// Renders a Markdown body.
pub fn render<'a>(body: &'a str, cfg: &MarkdownConfig, links: &dyn LinkResolver) -> Rendered {
    let mut events: Vec<(Event, Range<usize>)> = Parser::new_ext(body, parser_options(cfg))
        .into_offset_iter()
        .collect();
    if cfg.cjk_friendly_emphasis {
        let opts = cjk::CjkEmphasisOptions::from_parser_options(parser_options(cfg));
        events = cjk::cjk_friendly_emphasis_with_options(body, events, opts);
    }
    if cfg.cjk_line_breaks {
        events = cjk::drop_cjk_soft_breaks(events);
    }
    let lines = LineIndex::new(body);
    let mut out = Rendered::default();
    // Shortcodes (`{{< video … >}}`): HTML events they make pass even when raw HTML is escaped.
    let (mut events, generated) = shortcodes::expand(
        body,
        events,
        cfg,
        links,
        &|o| lines.line(o),
        &mut out.problems,
    );

    // Pass 1: heading ids and the table of contents, so in-page `#标题` links
    // resolve whichever comes first.
    let mut used_ids: Vec<String> = Vec::new();
    let mut heading_text_to_id: Vec<(String, String)> = Vec::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[i].0 {
            let level = heading_level(*level);
            let explicit = id.as_ref().map(|s| s.to_string());
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j].0, Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j].0 {
                    text.push_str(t);
                }
                j += 1;
            }
            let title = text.trim().to_string();
            let key = anchor_id(&title);
            let base = explicit.clone().unwrap_or_else(|| {
                if key.is_empty() {
                    "section".to_string()
                } else {
                    key.clone()
                }
            });
            let mut unique = base.clone();
            let mut n = 1;
            while used_ids.contains(&unique) {
                unique = format!("{base}-{n}");
                n += 1;
            }
            used_ids.push(unique.clone());
            heading_text_to_id.push((key, unique.clone()));
            if let (Event::Start(Tag::Heading { id, .. }), _) = &mut events[i] {
                *id = Some(CowStr::from(unique.clone()));
            }
            out.toc.push(Heading {
                level,
                id: unique,
                title,
            });
            i = j;
        }
        i += 1;
    }
    let local_anchor = |frag: &str| -> Option<String> {
        let key = anchor_id(frag);
        if used_ids.iter().any(|id| id == frag) {
            return Some(frag.to_string());
        }
        used_ids.iter().find(|id| **id == key).cloned().or_else(|| {
            heading_text_to_id
                .iter()
                .find(|(t, _)| *t == key)
                .map(|(_, id)| id.clone())
        })
    };

    // Pass 2: links, images, raw HTML, the summary marker, plain text.
    // Each event becomes at most one output event, so the pass is a
    // `filter_map` feeding the HTML writer directly. Only a page that may hold
    // a `<!-- more -->` marker collects the output events first, to render its
    // summary from a prefix of them.
    let mut summary_at: Option<usize> = None;
    let mut emitted = 0usize;
    let mut para_depth = 0usize; // inside a paragraph (not in a table or heading)
    let push_lead = |lead: &mut String, t: &str| {
        // Paragraphs join without a space between CJK text, with one otherwise.
        if let (Some('\n'), Some(b)) = (lead.chars().last(), t.chars().next()) {
            lead.pop();
            let prev = lead.chars().last();
            if !(lead.is_empty() || prev.is_some_and(cjk::is_cjk) && cjk::is_cjk(b)) {
                lead.push(' ');
            }
        }
        lead.push_str(t);
    };
    let mut image_alt: Option<PendingImage> = None;
    let text = &mut out.text;
    let lead = &mut out.lead;
    let mut found = Found {
        problems: &mut out.problems,
        anchors: &mut out.anchors,
    };
    let step = |(ev, range): Spanned<'a>| -> Option<Event<'a>> {
        if let Some((_, _, alt, _)) = &mut image_alt {
            match ev {
                Event::End(TagEnd::Image) => {
                    let (src, title, alt, size) = image_alt.take().unwrap_or_default();
                    emitted += 1;
                    return Some(Event::InlineHtml(CowStr::from(image_html(
                        &src, &title, &alt, size,
                    ))));
                }
                Event::Text(t) | Event::Code(t) => alt.push_str(&t),
                _ => {}
            }
            return None;
        }
        let html_event = match ev {
            Event::Html(h) | Event::InlineHtml(h) if is_more_marker(&h) => {
                if summary_at.is_none() {
                    summary_at = Some(emitted);
                }
                return None;
            }
            Event::Html(h) if !cfg.unsafe_html && !generated.contains(&range.start) => {
                Event::Text(h)
            }
            Event::InlineHtml(h) if !cfg.unsafe_html => Event::Text(h),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = rewrite(&dest_url, false, links, &local_anchor, &mut found, &|| {
                    lines.line(range.start)
                });
                Event::Start(Tag::Link {
                    link_type,
                    dest_url: CowStr::from(dest),
                    title,
                    id,
                })
            }
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                let size = links.image_size(&dest_url);
                let src = rewrite(&dest_url, true, links, &local_anchor, &mut found, &|| {
                    lines.line(range.start)
                });
                image_alt = Some((src, title.to_string(), String::new(), size));
                return None;
            }
            // Task list checkboxes get an accessible name (done / not done).
            Event::TaskListMarker(done) => {
                let label = match (done, cfg.lang) {
                    (true, crate::i18n::Lang::Zh) => "已完成",
                    (false, crate::i18n::Lang::Zh) => "未完成",
                    (true, crate::i18n::Lang::En) => "done",
                    (false, crate::i18n::Lang::En) => "not done",
                };
                let checked = if done { " checked" } else { "" };
                Event::InlineHtml(CowStr::from(format!(
                    "<input type=\"checkbox\" disabled{checked} aria-label=\"{label}\"> "
                )))
            }
            Event::Start(Tag::Paragraph) => {
                para_depth += 1;
                ev
            }
            Event::Text(t) => {
                text.push_str(&t);
                if para_depth > 0 {
                    push_lead(lead, &t);
                }
                Event::Text(t)
            }
            Event::Code(t) => {
                text.push_str(&t);
                if para_depth > 0 {
                    push_lead(lead, &t);
                }
                Event::Code(t)
            }
            Event::SoftBreak | Event::HardBreak => {
                text.push(' ');
                if para_depth > 0 {
                    lead.push(' ');
                }
                ev
            }
            Event::End(TagEnd::Paragraph) => {
                para_depth = para_depth.saturating_sub(1);
                text.push('\n');
                lead.push('\n');
                ev
            }
            Event::End(
                TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell | TagEnd::CodeBlock,
            ) => {
                text.push('\n');
                ev
            }
            other => other,
        };
        emitted += 1;
        Some(html_event)
    };
    let mut html = String::with_capacity(body.len() * 3 / 2);
    if body.contains("<!--") {
        let html_events: Vec<Event> = events.into_iter().filter_map(step).collect();
        if let Some(at) = summary_at {
            let mut summary = String::new();
            pulldown_cmark::html::push_html(&mut summary, html_events[..at].iter().cloned());
            out.summary_html = Some(summary);
        }
        pulldown_cmark::html::push_html(&mut html, html_events.into_iter());
    } else {
        pulldown_cmark::html::push_html(&mut html, events.into_iter().filter_map(step));
    }
    out.html = html;
    (out.reading_time, out.word_count) = word_stats(&out.text);
    out
}

/// Where [`rewrite`] records what it finds (fields of [`Rendered`]).
struct Found<'r> {
    problems: &'r mut Vec<LinkProblem>,
    anchors: &'r mut Vec<AnchorRef>,
}

type Spanned<'a> = (Event<'a>, Range<usize>);

/// An image being read: (src, title, alt text so far, pixel size).
type PendingImage = (String, String, String, Option<(u32, u32)>);

fn heading_level(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn rewrite(
    dest: &str,
    is_image: bool,
    links: &dyn LinkResolver,
    local_anchor: &dyn Fn(&str) -> Option<String>,
    out: &mut Found<'_>,
    line: &dyn Fn() -> usize,
) -> String {
    if let Some(frag) = dest.strip_prefix('#') {
        let decoded = crate::slug::decode_path(frag);
        return match local_anchor(&decoded) {
            Some(id) => format!("#{id}"),
            None => {
                out.problems.push(LinkProblem {
                    line: line(),
                    message: Msg::new(
                        format!("本页没有标题或锚点 `#{decoded}`"),
                        format!("no heading or anchor `#{decoded}` on this page"),
                    ),
                });
                dest.to_string()
            }
        };
    }
    match links.resolve(dest, is_image) {
        Resolved::Keep => dest.to_string(),
        Resolved::Url(u) => {
            if let Some((base, frag)) = u.split_once('#') {
                let decoded = crate::slug::decode_path(frag);
                let written = anchor_id(&decoded);
                out.anchors.push(AnchorRef {
                    url: base.to_string(),
                    fragment: decoded,
                    written: written.clone(),
                    line: line(),
                });
                format!("{base}#{written}")
            } else {
                u
            }
        }
        Resolved::Broken(m) => {
            out.problems.push(LinkProblem {
                line: line(),
                message: m,
            });
            dest.to_string()
        }
    }
}

fn image_html(src: &str, title: &str, alt: &str, size: Option<(u32, u32)>) -> String {
    let mut s = format!(
        "<img src=\"{}\" alt=\"{}\" loading=\"lazy\" decoding=\"async\"",
        escape_attr(src),
        escape_attr(alt)
    );
    if let Some((w, h)) = size {
        s.push_str(&format!(" width=\"{w}\" height=\"{h}\""));
    }
    if !title.is_empty() {
        s.push_str(&format!(" title=\"{}\"", escape_attr(title)));
    }
    s.push('>');
    s
}

/// Escapes text for an HTML attribute value (or text node).
pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Decodes the character references HTML attribute values use.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[1..].find(';').map(|e| e + 1).filter(|&e| e <= 12);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => {
                    if let Some(h) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                        u32::from_str_radix(h, 16).ok().and_then(char::from_u32)
                    } else if let Some(d) = name.strip_prefix('#') {
                        d.parse::<u32>().ok().and_then(char::from_u32)
                    } else {
                        None
                    }
                }
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Counts for reading time: CJK characters and Latin words.
pub fn count_words(text: &str) -> (usize, usize) {
    let mut cjk = 0;
    let mut latin = 0;
    let mut in_word = false;
    for c in text.chars() {
        // Branch-free form of: a CJK letter counts itself and ends a word;
        // another letter or digit starts a word unless inside one; anything
        // else ends a word. Text alternates between scripts too often for
        // branches to predict well.
        let (is_cjk, alnum) = count_class(c);
        let latin_alnum = alnum & !is_cjk;
        cjk += usize::from(alnum & is_cjk);
        latin += usize::from(latin_alnum & !in_word);
        in_word = latin_alnum;
    }
    (cjk, latin)
}

/// `(cjk::is_cjk(c), c.is_alphanumeric())`, answered without Unicode table
/// look-ups for the characters Chinese pages are made of: ASCII, the CJK
/// Unified Ideographs block and the common full-width punctuation. Counting
/// runs over every character of every page, and the general look-ups made it
/// the most expensive step of the Markdown stage.
#[inline]
fn count_class(c: char) -> (bool, bool) {
    match c {
        '\0'..='\u{7F}' => (false, c.is_ascii_alphanumeric()),
        // Every code point of the block is an assigned ideograph (Lo).
        '\u{4E00}'..='\u{9FFF}' => (true, true),
        '，' | '。' | '、' | '；' | '：' | '！' | '？' | '“' | '”' | '‘' | '’' | '《' | '》'
        | '（' | '）' | '…' | '—' | '·' => (true, false),
        _ => (cjk::is_cjk(c), c.is_alphanumeric()),
    }
}

/// Reading time in minutes: CJK characters at 400 a minute plus Latin words at
/// 200 a minute, at least one minute.
pub fn reading_time(text: &str) -> usize {
    word_stats(text).0
}

/// `(reading_time(text), words)` in one pass over `text`, where `words` is
/// CJK characters plus Latin words as [`count_words`] counts them.
pub fn word_stats(text: &str) -> (usize, usize) {
    let (cjk, latin) = count_words(text);
    let minutes = cjk as f64 / 400.0 + latin as f64 / 200.0;
    ((minutes.ceil() as usize).max(1), cjk + latin)
}

/// The first `max` characters of `text` as a one-line summary: whitespace
/// collapsed, never cut inside a Latin word, `…` added when cut.
pub fn truncate_summary(text: &str, max: usize) -> String {
    // Only the first `max + 1` characters of the collapsed text decide the
    // result, so collapsing stops there (`text` can be a whole page, and
    // Chinese text has no spaces to split at). Collapsing is
    // `split_whitespace` joined with single spaces.
    let limit = max.saturating_add(1);
    let mut chars: Vec<char> = Vec::with_capacity(limit.min(text.len()));
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = !chars.is_empty();
            continue;
        }
        if space {
            if chars.len() == limit {
                break;
            }
            chars.push(' ');
            space = false;
        }
        if chars.len() == limit {
            break;
        }
        chars.push(c);
    }
    if chars.len() <= max {
        return chars.into_iter().collect();
    }
    let mut cut = max;
    // Inside a Latin word: back up to its start (unless the word is huge).
    if chars[cut].is_ascii_alphanumeric() && chars[cut - 1].is_ascii_alphanumeric() {
        let mut k = cut;
        while k > 0 && chars[k - 1].is_ascii_alphanumeric() {
            k -= 1;
        }
        if k > max / 2 {
            cut = k;
        }
    }
    let s: String = chars[..cut].iter().collect();
    format!("{}…", s.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoLinks;
    impl LinkResolver for NoLinks {
        fn resolve(&self, _dest: &str, _img: bool) -> Resolved {
            Resolved::Keep
        }
    }

    fn md(s: &str) -> Rendered {
        render(s, &MarkdownConfig::default(), &NoLinks)
    }

    #[test]
    fn headings_get_chinese_ids() {
        let r = md("## 学习收获\n\n[跳](#学习收获)\n\n## 学习收获\n\n## Hello World {#hi}\n");
        assert!(r.html.contains("<h2 id=\"学习收获\">"), "{}", r.html);
        assert!(r.html.contains("<h2 id=\"学习收获-1\">"));
        assert!(r.html.contains("<h2 id=\"hi\">"));
        // pulldown-cmark percent-encodes hrefs; browsers decode fragments before matching ids.
        let encoded = format!("href=\"#{}\"", crate::slug::encode_path("学习收获"));
        assert!(r.html.contains(&encoded), "{}", r.html);
        assert_eq!(r.toc.len(), 3);
        assert!(r.problems.is_empty());
    }

    #[test]
    fn missing_local_anchor_is_reported() {
        let r = md("a\n\n[x](#不存在)\n");
        assert_eq!(r.problems.len(), 1);
        assert_eq!(r.problems[0].line, 3);
    }

    #[test]
    fn cjk_soft_breaks_and_emphasis() {
        let r = md("学习\n教育，**“两学一做”**学习\nand more\ntext\n");
        assert!(r.html.contains("学习教育"), "{}", r.html);
        assert!(
            r.html.contains("<strong>“两学一做”</strong>学习"),
            "{}",
            r.html
        );
        assert!(r.html.contains("more\ntext"), "{}", r.html);
    }

    #[test]
    fn unsafe_html_off_escapes() {
        let cfg = MarkdownConfig {
            unsafe_html: false,
            ..MarkdownConfig::default()
        };
        let r = render(
            "<script>alert(1)</script>\n\n文字<b>粗</b>\n",
            &cfg,
            &NoLinks,
        );
        assert!(!r.html.contains("<script>"), "{}", r.html);
        assert!(r.html.contains("&lt;script&gt;"));
        assert!(!r.html.contains("<b>"));
    }

    #[test]
    fn more_marker_makes_summary() {
        let r = md("第一段。\n\n<!-- more -->\n\n第二段。\n");
        assert_eq!(r.summary_html.as_deref(), Some("<p>第一段。</p>\n"));
        assert!(!r.html.contains("more"));
    }

    #[test]
    fn task_list_checkboxes_have_labels() {
        let r = md("- [x] 学习党章\n- [ ] 写心得\n");
        assert!(
            r.html
                .contains("<input type=\"checkbox\" disabled checked aria-label=\"已完成\">"),
            "{}",
            r.html
        );
        assert!(r.html.contains("aria-label=\"未完成\""), "{}", r.html);
    }

    #[test]
    fn images_are_lazy() {
        let r = md("![李晓红在社区](photo.png \"t\")\n");
        assert!(
            r.html
                .contains("<img src=\"photo.png\" alt=\"李晓红在社区\" loading=\"lazy\""),
            "{}",
            r.html
        );
    }

    #[test]
    fn reading_time_counts_cjk() {
        assert_eq!(reading_time(&"字".repeat(800)), 2);
        assert_eq!(reading_time(&"word ".repeat(200)), 1);
        assert_eq!(
            reading_time(&format!("{}{}", "字".repeat(400), "word ".repeat(200))),
            2
        );
        assert_eq!(count_words("中文，English words 123"), (2, 3));
        assert_eq!(word_stats(&"字".repeat(801)), (3, 801));
    }

    #[test]
    fn count_class_matches_unicode_tables() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(
                count_class(c),
                (cjk::is_cjk(c), c.is_alphanumeric()),
                "{c:?}"
            );
        }
        // anchor_id relies on ideographs having no case.
        for c in '\u{4E00}'..='\u{9FFF}' {
            assert!(c.to_lowercase().eq([c]), "{c:?}");
        }
    }

    #[test]
    fn summary_truncation() {
        assert_eq!(truncate_summary("短文", 120), "短文");
        let s = truncate_summary(&"字".repeat(130), 120);
        assert_eq!(s.chars().count(), 121);
        assert_eq!(truncate_summary("hello wonderful world", 8), "hello…");
        assert_eq!(truncate_summary("  a \n b  ", 3), "a b");
        assert_eq!(truncate_summary("  a \n b  c", 3), "a b…");
        assert_eq!(truncate_summary("ab cd", 3), "ab…");
        assert_eq!(truncate_summary("", 3), "");
    }

    #[test]
    fn anchor_ids() {
        assert_eq!(anchor_id("一、学习收获"), "一学习收获");
        assert_eq!(anchor_id("Hello World!"), "hello-world");
        assert_eq!(anchor_id("２０２４ 年"), "2024-年");
        assert_eq!(anchor_id("Ａb 中文，\u{9FFF}"), "ab-中文\u{9FFF}");
    }
}
