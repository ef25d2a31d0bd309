//! Shortcodes: small tags an editor writes on a line of its own to get HTML
//! that Markdown has no syntax for.
//!
//! ```text
//! {{< video src="讲座.mp4" poster="封面.jpg" caption="支部书记讲党课" >}}
//! {{< figure src="合影.jpg" alt="全体党员合影" caption="2024 年主题党日合影" >}}
//! {{< quote source="《中国共产党章程》" >}}
//! 中国共产党党员是中国工人阶级的有觉悟的先锋战士。
//! {{< /quote >}}
//! ```
//!
//! * `video` — a local `.mp4`/`.webm` (a file of the page bundle or any file
//!   under `content/`, written like an image path) becomes
//!   `<video controls preload="metadata" playsinline>`; an `https://` address
//!   on a host listed in `extra.video_hosts` becomes an `<iframe>` player.
//!   Arguments: `src` (required), `poster`, `title`, `caption`, `captions`
//!   (a WebVTT subtitle file).
//! * `figure` — an image with a caption: `src` (required), `alt`, `caption`
//!   (one of the two is required; `alt` defaults to the caption).
//! * `quote` … `/quote` — a quotation from a Party document: the lines
//!   between are Markdown; `source` (required) is shown as `——《…》`.
//!
//! The syntax (`{{<` … `>}}`, arguments `name="value"`) survives Markdown
//! editors, never occurs in ordinary Chinese text and is not Tera syntax.
//! A shortcode is recognised only on a line of its own, outside code spans
//! and code blocks; write `\{{<` to show the characters literally.
//!
//! Expansion runs over the pulldown-cmark events: a paragraph (or a tight
//! list item) is split around its shortcode lines, which become HTML events.
//! Those events are recorded so that `markdown.unsafe_html: false` (which
//! escapes HTML written by editors) lets them through. Problems (unknown
//! shortcode, bad or missing arguments, a missing file, an unpaired
//! `quote`) are reported like broken links, with their line.

use std::collections::HashSet;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use serde_json::{Map, Value};

use super::{LinkProblem, LinkResolver, Resolved, escape_attr};
use crate::config::MarkdownConfig;
use crate::error::Msg;
use crate::i18n::Lang;

/// An event with its byte range in the Markdown source.
pub type Spanned<'a> = (Event<'a>, Range<usize>);

/// The shortcodes lanmu knows.
pub const NAMES: &[&str] = &["video", "figure", "quote"];

const VIDEO_ARGS: &[&str] = &["src", "poster", "title", "caption", "captions"];
const FIGURE_ARGS: &[&str] = &["src", "alt", "caption"];
const QUOTE_ARGS: &[&str] = &["source"];

/// Local video files the `video` shortcode accepts.
const VIDEO_EXTENSIONS: &[&str] = &["mp4", "webm"];

/// The hosts listed under `extra.video_hosts` (a list, or one text),
/// lower-cased, without scheme or path: `https://www.bilibili.com/` →
/// `www.bilibili.com`.
pub fn video_hosts(extra: &Map<String, Value>) -> Vec<String> {
    let items: Vec<&Value> = match extra.get("video_hosts") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v) => vec![v],
        None => Vec::new(),
    };
    items
        .into_iter()
        .filter_map(Value::as_str)
        .map(|s| host_of(s.trim()).unwrap_or_else(|| s.trim().to_ascii_lowercase()))
        .filter(|s| !s.is_empty())
        .collect()
}

/// The host of an absolute (`https://host/…`) or scheme-relative
/// (`//host/…`) URL, lower-cased, without port.
fn host_of(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .or_else(|| url.strip_prefix("//"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    let host = host.split(':').next().unwrap_or("");
    Some(host.to_ascii_lowercase())
}

fn host_allowed(host: &str, allowed: &[String]) -> bool {
    allowed.iter().any(|a| {
        let a = a.trim_start_matches("*.");
        host == a || host.strip_suffix(a).is_some_and(|p| p.ends_with('.'))
    })
}

/// One parsed shortcode line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// `video`, `figure`, `quote`, … as written.
    pub name: String,
    /// `{{< /quote >}}`.
    pub closing: bool,
    /// Arguments in the order written.
    pub args: Vec<(String, String)>,
}

impl Call {
    fn get(&self, key: &str) -> Option<&str> {
        self.args
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }
}

/// Whether a trimmed line is shaped like a shortcode: `{{<` … `>}}`.
pub fn is_shortcode_line(line: &str) -> bool {
    let t = line.trim();
    t.len() >= 6 && t.starts_with("{{<") && t.ends_with(">}}")
}

/// Parses `{{< name key="value" … >}}` (the whole trimmed line).
pub fn parse_call(text: &str) -> Result<Call, Msg> {
    let t = text.trim();
    let inner = t
        .strip_prefix("{{<")
        .and_then(|s| s.strip_suffix(">}}"))
        .ok_or_else(|| {
            Msg::new(
                "短代码应写成 `{{< 名称 参数=\"值\" >}}`",
                "a shortcode is written `{{< name key=\"value\" >}}`",
            )
        })?
        .trim();
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, inner),
    };
    let name_end = inner
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(inner.len());
    let name = &inner[..name_end];
    if name.is_empty() {
        return Err(Msg::new(
            "短代码缺少名称，例如 `{{< video src=\"讲座.mp4\" >}}`",
            "the shortcode has no name, e.g. `{{< video src=\"talk.mp4\" >}}`",
        ));
    }
    let mut rest = &inner[name_end..];
    let mut args: Vec<(String, String)> = Vec::new();
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        let key_end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(rest.len());
        let key = &rest[..key_end];
        if key.is_empty() {
            let bad: String = rest.chars().take(12).collect();
            return Err(Msg::new(
                format!("看不懂 `{bad}`：参数应写成 `名称=\"值\"`"),
                format!("cannot read `{bad}`: arguments are written `key=\"value\"`"),
            ));
        }
        rest = rest[key_end..].trim_start();
        let Some(after_eq) = rest.strip_prefix('=') else {
            return Err(Msg::new(
                format!("参数 `{key}` 缺少值，应写成 `{key}=\"…\"`"),
                format!("argument `{key}` has no value; write `{key}=\"…\"`"),
            ));
        };
        rest = after_eq.trim_start();
        let value;
        if let Some(q) = rest.chars().next().filter(|c| matches!(c, '"' | '\'')) {
            let body = &rest[1..];
            let mut v = String::new();
            let mut end = None;
            let mut chars = body.char_indices();
            while let Some((i, c)) = chars.next() {
                if c == '\\' {
                    if let Some((_, n)) = chars.next() {
                        if n != q && n != '\\' {
                            v.push('\\');
                        }
                        v.push(n);
                    }
                } else if c == q {
                    end = Some(i);
                    break;
                } else {
                    v.push(c);
                }
            }
            let Some(end) = end else {
                return Err(Msg::new(
                    format!("参数 `{key}` 的值缺少结尾的引号 {q}"),
                    format!("the value of `{key}` has no closing quote {q}"),
                ));
            };
            value = v;
            rest = &body[end + 1..];
        } else if rest.starts_with(['“', '”', '‘', '’']) {
            return Err(Msg::new(
                format!("参数 `{key}` 的值用了中文引号，请改用英文双引号 `\"`"),
                format!("the value of `{key}` uses curly quotes; use straight quotes `\"`"),
            ));
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            value = rest[..end].to_string();
            rest = &rest[end..];
        }
        if args.iter().any(|(k, _)| k == key) {
            return Err(Msg::new(
                format!("参数 `{key}` 写了两次"),
                format!("argument `{key}` is given twice"),
            ));
        }
        args.push((key.to_string(), value));
    }
    Ok(Call {
        name: name.to_string(),
        closing,
        args,
    })
}

fn is_inline(ev: &Event) -> bool {
    match ev {
        Event::Text(_)
        | Event::Code(_)
        | Event::InlineHtml(_)
        | Event::SoftBreak
        | Event::HardBreak
        | Event::FootnoteReference(_)
        | Event::TaskListMarker(_)
        | Event::InlineMath(_)
        | Event::DisplayMath(_) => true,
        Event::Start(t) => super::cjk::is_inline_tag(t),
        Event::End(t) => matches!(
            t,
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Link
                | TagEnd::Image
        ),
        _ => false,
    }
}

/// Where a run of inline events sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    /// Inside a paragraph: split it around shortcode lines.
    Para,
    /// Directly in a tight list item or a definition: no paragraph to split.
    Tight,
    /// In a heading, table cell and the like: shortcodes are not allowed.
    Other,
}

struct OpenQuote {
    path: Vec<usize>,
    line: usize,
    source: String,
}

struct Expander<'a, 'b> {
    body: &'a str,
    cfg: &'b MarkdownConfig,
    links: &'b dyn LinkResolver,
    line_of: &'b dyn Fn(usize) -> usize,
    problems: &'b mut Vec<LinkProblem>,
    out: Vec<Spanned<'a>>,
    generated: HashSet<usize>,
    /// Open block containers: (id, context of inline runs directly inside).
    stack: Vec<(usize, Ctx)>,
    next_id: usize,
    quotes: Vec<OpenQuote>,
}

/// Expands the shortcodes of `body` in its `events`. Returns the new events
/// and the start offsets of the HTML events it made (which must pass even
/// when raw HTML is escaped). Problems are added with their body line.
pub fn expand<'a>(
    body: &'a str,
    events: Vec<Spanned<'a>>,
    cfg: &MarkdownConfig,
    links: &dyn LinkResolver,
    line_of: &dyn Fn(usize) -> usize,
    problems: &mut Vec<LinkProblem>,
) -> (Vec<Spanned<'a>>, HashSet<usize>) {
    if !body.contains("{{<") {
        return (events, HashSet::new());
    }
    let mut x = Expander {
        body,
        cfg,
        links,
        line_of,
        problems,
        out: Vec::with_capacity(events.len() + 8),
        generated: HashSet::new(),
        stack: Vec::new(),
        next_id: 0,
        quotes: Vec::new(),
    };
    let mut run: Vec<Spanned<'a>> = Vec::new();
    let mut para: Option<Spanned<'a>> = None;
    let mut code_depth = 0usize;
    for (ev, range) in events {
        if code_depth > 0 {
            match &ev {
                Event::Start(Tag::CodeBlock(_)) => code_depth += 1,
                Event::End(TagEnd::CodeBlock) => code_depth -= 1,
                _ => {}
            }
            x.out.push((ev, range));
            continue;
        }
        if is_inline(&ev) {
            run.push((ev, range));
            continue;
        }
        if !run.is_empty() && !matches!(ev, Event::End(TagEnd::Paragraph)) {
            let ctx = x.stack.last().map_or(Ctx::Other, |s| s.1);
            x.run(std::mem::take(&mut run), ctx, None);
        }
        match ev {
            Event::Start(Tag::Paragraph) => {
                para = Some((ev, range));
            }
            Event::End(TagEnd::Paragraph) => {
                let start = para.take();
                x.run(
                    std::mem::take(&mut run),
                    Ctx::Para,
                    Some((start, (ev, range))),
                );
            }
            Event::Start(ref t) => {
                if matches!(t, Tag::CodeBlock(_)) {
                    code_depth = 1;
                } else {
                    let ctx = match t {
                        Tag::Item | Tag::DefinitionListDefinition => Ctx::Tight,
                        _ => Ctx::Other,
                    };
                    x.next_id += 1;
                    x.stack.push((x.next_id, ctx));
                }
                x.out.push((ev, range));
            }
            Event::End(_) => {
                x.stack.pop();
                x.out.push((ev, range));
            }
            other => x.out.push((other, range)),
        }
    }
    if !run.is_empty() {
        let ctx = x.stack.last().map_or(Ctx::Other, |s| s.1);
        x.run(run, ctx, None);
    }
    for q in std::mem::take(&mut x.quotes) {
        x.problems.push(LinkProblem {
            line: q.line,
            message: Msg::new(
                format!(
                    "`{{{{< quote >}}}}`（出处 {}）没有对应的 `{{{{< /quote >}}}}`",
                    q.source
                ),
                format!(
                    "`{{{{< quote >}}}}` (source {}) has no closing `{{{{< /quote >}}}}`",
                    q.source
                ),
            ),
        });
    }
    (x.out, x.generated)
}

/// A line of a run: indices into the run, its first line number.
struct Line {
    events: Range<usize>,
    line: usize,
}

impl<'a> Expander<'a, '_> {
    fn problem(&mut self, line: usize, message: Msg) {
        self.problems.push(LinkProblem { line, message });
    }

    /// The ids of the open containers: a quote must close where it opened.
    fn path(&self) -> Vec<usize> {
        self.stack.iter().map(|s| s.0).collect()
    }

    fn html(&mut self, at: usize, html: String) {
        self.generated.insert(at);
        self.out.push((Event::Html(CowStr::from(html)), at..at));
    }

    /// Splits a run into source lines: a new line starts at a text or opening
    /// event on a later line; closing events and breaks stay with their line.
    fn lines(&self, run: &[Spanned<'a>]) -> Vec<Line> {
        let mut lines: Vec<Line> = Vec::new();
        for (k, (ev, r)) in run.iter().enumerate() {
            let continues = matches!(ev, Event::End(_) | Event::SoftBreak | Event::HardBreak);
            let l = (self.line_of)(r.start);
            match lines.last_mut() {
                Some(cur) if continues || cur.line == l => cur.events.end = k + 1,
                _ => lines.push(Line {
                    events: k..k + 1,
                    line: l,
                }),
            }
        }
        lines
    }

    /// The source text of a line, when it is a shortcode line made of text only.
    fn shortcode_text(&self, events: &[Spanned<'a>]) -> Option<(usize, &'a str)> {
        let mut start = usize::MAX;
        let mut end = 0;
        for (ev, r) in events {
            match ev {
                Event::Text(_) => {
                    start = start.min(r.start);
                    end = end.max(r.end);
                }
                Event::SoftBreak | Event::HardBreak => {}
                _ => return None,
            }
        }
        let text = self.body.get(start..end)?;
        is_shortcode_line(text)
            .then(|| (start + (text.len() - text.trim_start().len()), text.trim()))
    }

    /// Reports `{{<` written elsewhere than on a line of its own (code spans
    /// and `\{{<` excepted).
    fn stray(&mut self, events: &[Spanned<'a>], line: usize) {
        let mut start = usize::MAX;
        let mut end = 0;
        let mut code: Vec<Range<usize>> = Vec::new();
        for (ev, r) in events {
            if matches!(ev, Event::SoftBreak | Event::HardBreak) {
                continue;
            }
            if matches!(ev, Event::Code(_)) {
                code.push(r.clone());
            }
            start = start.min(r.start);
            end = end.max(r.end);
        }
        let Some(text) = self.body.get(start..end) else {
            return;
        };
        for (i, _) in text.match_indices("{{<") {
            let at = start + i;
            let escaped = i > 0 && text.as_bytes()[i - 1] == b'\\';
            if escaped || code.iter().any(|c| c.contains(&at)) {
                continue;
            }
            self.problem(
                line,
                Msg::new(
                    "短代码 `{{< … >}}` 要单独写一行，前后不能有其他文字，也不能放在标题、表格、加粗或链接里（要显示这几个字符本身，写 `\\{{<`）",
                    "a shortcode `{{< … >}}` must be on a line of its own, not inside a heading, table, emphasis or link (write `\\{{<` to show the characters)",
                ),
            );
            return;
        }
    }

    /// Handles a run of inline events in `ctx`; `para` holds a paragraph's
    /// start and end events.
    fn run(
        &mut self,
        run: Vec<Spanned<'a>>,
        ctx: Ctx,
        para: Option<(Option<Spanned<'a>>, Spanned<'a>)>,
    ) {
        let lines = self.lines(&run);
        let mut calls: Vec<Option<(usize, usize, &'a str)>> = Vec::with_capacity(lines.len());
        let mut depth = 0i32;
        for l in &lines {
            let events = &run[l.events.clone()];
            let found = self.shortcode_text(events);
            match found {
                Some((at, text)) if depth == 0 && ctx != Ctx::Other => {
                    calls.push(Some((at, l.line, text)));
                }
                _ => {
                    self.stray(events, l.line);
                    calls.push(None);
                }
            }
            for (ev, _) in events {
                match ev {
                    Event::Start(_) => depth += 1,
                    Event::End(_) => depth -= 1,
                    _ => {}
                }
            }
        }
        let (para_start, para_end) = match para {
            Some((s, e)) => (s, Some(e)),
            None => (None, None),
        };
        if calls.iter().all(Option::is_none) {
            if let Some(s) = para_start {
                self.out.push(s);
            }
            self.out.extend(run);
            if let Some(e) = para_end {
                self.out.push(e);
            }
            return;
        }
        let wrap = ctx == Ctx::Para;
        let mut segment: Vec<Spanned<'a>> = Vec::new();
        let mut events = run.into_iter();
        for (l, call) in lines.iter().zip(calls) {
            let group: Vec<Spanned<'a>> = events.by_ref().take(l.events.len()).collect();
            match call {
                None => segment.extend(group),
                Some((at, line, text)) => {
                    self.flush(&mut segment, wrap);
                    self.call(at, line, text);
                }
            }
        }
        self.flush(&mut segment, wrap);
    }

    /// Writes the text between shortcode lines, as a paragraph when `wrap`.
    fn flush(&mut self, segment: &mut Vec<Spanned<'a>>, wrap: bool) {
        let is_break = |e: &Spanned| matches!(e.0, Event::SoftBreak | Event::HardBreak);
        while segment.last().is_some_and(is_break) {
            segment.pop();
        }
        let skip = segment.iter().take_while(|e| is_break(e)).count();
        if segment.len() == skip {
            segment.clear();
            return;
        }
        let start = segment[skip].1.start;
        let end = segment.last().map_or(start, |e| e.1.end);
        if wrap {
            self.out.push((Event::Start(Tag::Paragraph), start..end));
        }
        self.out.extend(segment.drain(..).skip(skip));
        if wrap {
            self.out.push((Event::End(TagEnd::Paragraph), start..end));
        }
    }

    fn lang(&self) -> Lang {
        self.cfg.lang
    }

    /// Expands one shortcode line found at byte `at`, body line `line`.
    fn call(&mut self, at: usize, line: usize, text: &str) {
        let call = match parse_call(text) {
            Ok(c) => c,
            Err(m) => {
                let shown: String = text.chars().take(60).collect();
                self.problem(
                    line,
                    Msg::new(
                        format!("短代码 `{shown}` 写法有误：{}", m.zh),
                        format!("shortcode `{shown}` is malformed: {}", m.en),
                    ),
                );
                return;
            }
        };
        let valid: &[&str] = match call.name.as_str() {
            "video" => VIDEO_ARGS,
            "figure" => FIGURE_ARGS,
            "quote" => QUOTE_ARGS,
            other => {
                let hint = match crate::config::suggest(other, NAMES) {
                    Some(best) => (
                        format!("是不是想写 `{best}`？"),
                        format!(" Did you mean `{best}`?"),
                    ),
                    None => (String::new(), String::new()),
                };
                self.problem(
                    line,
                    Msg::new(
                        format!(
                            "未知的短代码 `{other}`{}可用的有：{}",
                            if hint.0.is_empty() {
                                "。".to_string()
                            } else {
                                format!("。{}", hint.0)
                            },
                            NAMES.join("、")
                        ),
                        format!(
                            "unknown shortcode `{other}`.{} Known shortcodes: {}",
                            hint.1,
                            NAMES.join(", ")
                        ),
                    ),
                );
                return;
            }
        };
        if call.closing {
            if call.name == "quote" {
                self.close_quote(at, line);
            } else {
                self.problem(
                    line,
                    Msg::new(
                        format!(
                            "短代码 `{}` 不成对，不需要 `{{{{< /{} >}}}}`",
                            call.name, call.name
                        ),
                        format!(
                            "shortcode `{}` is not paired: remove `{{{{< /{} >}}}}`",
                            call.name, call.name
                        ),
                    ),
                );
            }
            return;
        }
        let mut ok = true;
        for (k, _) in &call.args {
            if !valid.contains(&k.as_str()) {
                ok = false;
                let hint = crate::config::suggest(k, valid)
                    .map(|b| {
                        (
                            format!("是不是想写 `{b}`？"),
                            format!(" Did you mean `{b}`?"),
                        )
                    })
                    .unwrap_or_default();
                self.problem(
                    line,
                    Msg::new(
                        format!(
                            "短代码 `{}` 没有参数 `{k}`。{}可用：{}",
                            call.name,
                            hint.0,
                            valid.join("、")
                        ),
                        format!(
                            "shortcode `{}` takes no argument `{k}`.{} Arguments: {}",
                            call.name,
                            hint.1,
                            valid.join(", ")
                        ),
                    ),
                );
            }
        }
        if !ok {
            return;
        }
        let result = match call.name.as_str() {
            "video" => self.video(&call),
            "figure" => self.figure(&call),
            _ => {
                self.open_quote(at, line, &call);
                return;
            }
        };
        match result {
            Ok(html) => self.html(at, html),
            Err(m) => self.problem(line, m),
        }
    }

    fn required<'c>(&self, call: &'c Call, key: &str, example: &str) -> Result<&'c str, Msg> {
        call.get(key).ok_or_else(|| {
            Msg::new(
                format!("短代码 `{}` 缺少参数 `{key}`，例如 `{example}`", call.name),
                format!(
                    "shortcode `{}` needs the argument `{key}`, e.g. `{example}`",
                    call.name
                ),
            )
        })
    }

    /// Resolves a file argument like an image path in the page; external
    /// addresses are kept.
    fn file(&self, call: &Call, key: &str, written: &str) -> Result<String, Msg> {
        match self.links.resolve(written, true) {
            Resolved::Url(u) => Ok(u),
            Resolved::Keep => Ok(written.to_string()),
            Resolved::Broken(m) => Err(Msg::new(
                format!("短代码 `{}` 的 `{key}`：{}", call.name, m.zh),
                format!("shortcode `{}`, `{key}`: {}", call.name, m.en),
            )),
        }
    }

    fn video(&self, call: &Call) -> Result<String, Msg> {
        let lang = self.lang();
        let src = self.required(call, "src", "{{< video src=\"讲座.mp4\" >}}")?;
        let title = call.get("title");
        let caption = call.get("caption");
        let figcaption = caption
            .map(|c| format!("<figcaption>{}</figcaption>", escape_attr(c)))
            .unwrap_or_default();
        let external =
            src.starts_with("https://") || src.starts_with("http://") || src.starts_with("//");
        let ext = src
            .split(['?', '#'])
            .next()
            .and_then(|p| p.rsplit_once('.'))
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        if external {
            let host = host_of(src).unwrap_or_default();
            if src.starts_with("http://") {
                return Err(Msg::new(
                    format!(
                        "视频地址 `{src}` 应以 https:// 开头（学校网站用 https 时，http 的视频会被浏览器拦截）"
                    ),
                    format!(
                        "the video address `{src}` must start with https:// (browsers block http players on https sites)"
                    ),
                ));
            }
            if !host_allowed(&host, &self.cfg.video_hosts) {
                let allowed = if self.cfg.video_hosts.is_empty() {
                    lang.pick("（目前没有）", "(none yet)").to_string()
                } else {
                    self.cfg.video_hosts.join(", ")
                };
                return Err(Msg::new(
                    format!(
                        "视频网站 `{host}` 不在允许嵌入的列表中：{allowed}。在 config.yaml 的 `extra.video_hosts` 中加入它，或把视频文件放在文章文件夹里"
                    ),
                    format!(
                        "the video host `{host}` is not allowed: {allowed}. Add it to `extra.video_hosts` in config.yaml, or put the video file in the page's folder"
                    ),
                ));
            }
            if !VIDEO_EXTENSIONS.contains(&ext.as_str()) {
                let title = title.or(caption).map_or_else(
                    || format!("{}（{host}）", lang.pick("视频", "Video")),
                    str::to_string,
                );
                return Ok(format!(
                    "<figure class=\"video\"><iframe src=\"{}\" title=\"{}\" loading=\"lazy\" allow=\"fullscreen; picture-in-picture\" allowfullscreen referrerpolicy=\"strict-origin-when-cross-origin\" style=\"display:block;width:100%;height:auto;aspect-ratio:16/9;border:0\"></iframe>{figcaption}</figure>\n",
                    escape_attr(src),
                    escape_attr(&title)
                ));
            }
        } else if !VIDEO_EXTENSIONS.contains(&ext.as_str()) {
            return Err(Msg::new(
                format!("短代码 `video` 的 `src` 应是 .mp4 或 .webm 视频文件，写的是 `{src}`"),
                format!(
                    "the `src` of shortcode `video` must be an .mp4 or .webm file, found `{src}`"
                ),
            ));
        }
        let url = self.file(call, "src", src)?;
        let mut attrs = format!(
            "controls preload=\"metadata\" playsinline src=\"{}\"",
            escape_attr(&url)
        );
        if let Some(p) = call.get("poster") {
            let p = self.file(call, "poster", p)?;
            attrs.push_str(&format!(" poster=\"{}\"", escape_attr(&p)));
        }
        if let Some(t) = title {
            attrs.push_str(&format!(" title=\"{}\"", escape_attr(t)));
        }
        let mut inner = String::new();
        if let Some(c) = call.get("captions") {
            let c = self.file(call, "captions", c)?;
            let srclang = lang.pick("zh-CN", "en");
            inner.push_str(&format!(
                "<track kind=\"captions\" src=\"{}\" srclang=\"{srclang}\" label=\"{}\" default>",
                escape_attr(&c),
                lang.pick("中文字幕", "Captions")
            ));
        }
        inner.push_str(&format!(
            "<a href=\"{}\">{}</a>",
            escape_attr(&url),
            lang.pick("下载视频", "Download the video")
        ));
        Ok(format!(
            "<figure class=\"video\"><video {attrs} style=\"display:block;width:100%;height:auto\">{inner}</video>{figcaption}</figure>\n"
        ))
    }

    fn figure(&self, call: &Call) -> Result<String, Msg> {
        let src = self.required(
            call,
            "src",
            "{{< figure src=\"合影.jpg\" caption=\"主题党日合影\" >}}",
        )?;
        let caption = call.get("caption");
        let Some(alt) = call.get("alt").or(caption) else {
            return Err(Msg::new(
                "短代码 `figure` 需要 `alt`（图片内容的文字说明）或 `caption`（图注）",
                "shortcode `figure` needs `alt` (what the picture shows) or a `caption`",
            ));
        };
        let url = self.file(call, "src", src)?;
        let figcaption = caption
            .map(|c| format!("<figcaption>{}</figcaption>", escape_attr(c)))
            .unwrap_or_default();
        Ok(format!(
            "<figure class=\"figure\"><img src=\"{}\" alt=\"{}\" loading=\"lazy\" decoding=\"async\">{figcaption}</figure>\n",
            escape_attr(&url),
            escape_attr(alt)
        ))
    }

    fn open_quote(&mut self, at: usize, line: usize, call: &Call) {
        let Some(source) = call.get("source") else {
            let m = self
                .required(
                    call,
                    "source",
                    "{{< quote source=\"《中国共产党章程》\" >}}",
                )
                .err()
                .unwrap_or_else(|| Msg::new("", ""));
            self.problem(line, m);
            return;
        };
        self.quotes.push(OpenQuote {
            path: self.path(),
            line,
            source: source.to_string(),
        });
        self.html(at, "<figure class=\"quote\"><blockquote>\n".to_string());
    }

    fn close_quote(&mut self, at: usize, line: usize) {
        let Some(q) = self.quotes.pop() else {
            self.problem(
                line,
                Msg::new(
                    "`{{< /quote >}}` 前面没有对应的 `{{< quote source=\"…\" >}}`",
                    "`{{< /quote >}}` has no opening `{{< quote source=\"…\" >}}` before it",
                ),
            );
            return;
        };
        if q.path != self.path() {
            self.problem(
                line,
                Msg::new(
                    format!(
                        "`{{{{< /quote >}}}}` 与第 {} 行的 `{{{{< quote >}}}}` 不在同一层（一个在列表或引用块里，另一个不在）",
                        q.line
                    ),
                    format!(
                        "`{{{{< /quote >}}}}` is not at the same level as the `{{{{< quote >}}}}` of line {} (one is inside a list or block quote)",
                        q.line
                    ),
                ),
            );
            return;
        }
        let source = q.source.trim();
        let dash = if source.starts_with('—') {
            ""
        } else {
            "——"
        };
        self.html(
            at,
            format!(
                "</blockquote>\n<figcaption>{dash}{}</figcaption></figure>\n",
                escape_attr(source)
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_arguments() {
        let c = parse_call(r#"{{< video src="a b.mp4" poster='p.jpg' title=讲座 >}}"#).unwrap();
        assert_eq!(c.name, "video");
        assert!(!c.closing);
        assert_eq!(
            c.args,
            vec![
                ("src".into(), "a b.mp4".into()),
                ("poster".into(), "p.jpg".into()),
                ("title".into(), "讲座".into())
            ]
        );
        let c = parse_call("{{< /quote >}}").unwrap();
        assert!(c.closing);
        assert_eq!(c.name, "quote");
        let c = parse_call(r#"{{< quote source="他说\"好\"" >}}"#).unwrap();
        assert_eq!(c.get("source"), Some("他说\"好\""));
        assert!(parse_call(r#"{{< video src="x.mp4 >}}"#).is_err());
        assert!(parse_call(r#"{{< video src=“x.mp4” >}}"#).is_err());
        assert!(parse_call(r#"{{< video src >}}"#).is_err());
        assert!(parse_call(r#"{{< video src="a" src="b" >}}"#).is_err());
        assert!(parse_call("{{< >}}").is_err());
    }

    #[test]
    fn hosts() {
        let mut extra = Map::new();
        extra.insert(
            "video_hosts".into(),
            serde_json::json!(["https://player.bilibili.com/", "v.qq.com"]),
        );
        let h = video_hosts(&extra);
        assert_eq!(h, vec!["player.bilibili.com", "v.qq.com"]);
        assert!(host_allowed("player.bilibili.com", &h));
        assert!(host_allowed("x.v.qq.com", &h));
        assert!(!host_allowed("evilv.qq.com", &h));
        assert!(!host_allowed("bilibili.com", &h));
        assert_eq!(
            host_of("https://user@Player.Bilibili.com:443/x?y").as_deref(),
            Some("player.bilibili.com")
        );
    }
}
