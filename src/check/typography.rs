//! Typography of Chinese text, with the `autocorrect` crate: spaces between
//! Chinese and Latin text, full-width punctuation inside Chinese sentences,
//! half-width letters and digits, no spaces next to full-width punctuation.
//!
//! Only prose is looked at: the text of paragraphs, headings, lists, tables
//! and emphasis in Markdown bodies, and the `title` and `summary` front
//! matter values. Code spans and blocks, links and images (their text and
//! their URLs), raw HTML, bare URLs and every other front matter value are
//! left alone, by the check and by `--fix` alike. Each piece of prose is
//! corrected on its own, so nothing is changed across a Markdown delimiter.
//!
//! `--fix` rewrites only the bytes of the corrected characters: BOM, line
//! endings and every other byte of the file stay as they were.

use std::ops::Range;
use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::{Inputs, line_col};
use crate::config::MarkdownConfig;
use crate::error::{Diagnostic, Error, Msg};
use crate::markdown::cjk::is_cjk;

/// What one correction does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditKind {
    /// A space between Chinese and Latin letters.
    SpaceLatin,
    /// A space between Chinese and digits (only with `space_numbers`).
    SpaceNumber,
    /// Another missing space (before a half-width bracket, ...).
    Space,
    /// A space that should not be there (next to full-width punctuation).
    ExtraSpace,
    /// Half-width punctuation inside Chinese text made full-width.
    Punctuation,
    /// Full-width letters or digits made half-width.
    Halfwidth,
    /// Anything else autocorrect changed.
    Other,
}

/// One correction in a piece of text: replace `range` with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Byte range in the text (empty for an insertion).
    pub range: Range<usize>,
    /// The new text.
    pub replacement: String,
    /// What kind of correction it is.
    pub kind: EditKind,
}

/// autocorrect applied until nothing changes (it is not idempotent:
/// `ＡＢＣ学习` becomes `ABC学习` and only then `ABC 学习`).
fn autocorrect_fixpoint(text: &str) -> String {
    let mut cur = text.to_string();
    for _ in 0..4 {
        let next = autocorrect::format(&cur);
        if next == cur {
            break;
        }
        cur = next;
    }
    cur
}

/// Byte ranges of bare URLs (`https://…`, `www.…`, `mailto:…`) in prose.
fn url_spans(text: &str) -> Vec<Range<usize>> {
    const STARTS: [&str; 5] = ["http://", "https://", "ftp://", "www.", "mailto:"];
    const STOP: &str = "，。；！？、）》」』”’<>\"'";
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        if STARTS.iter().any(|s| {
            rest.get(..s.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(s))
        }) {
            let len = rest
                .char_indices()
                .find(|(_, c)| c.is_whitespace() || STOP.contains(*c))
                .map_or(rest.len(), |(k, _)| k);
            out.push(i..i + len);
            i += len.max(1);
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
        }
        while i < text.len() && !text.is_char_boundary(i) {
            i += 1;
        }
    }
    out
}

/// Aligns `orig` with autocorrect's `fixed` into single-character edits.
/// autocorrect inserts and removes spaces and swaps single characters; when
/// the two texts cannot be aligned that way, `None`.
fn align(orig: &str, fixed: &str) -> Option<Vec<Edit>> {
    let o: Vec<(usize, char)> = orig.char_indices().collect();
    let f: Vec<char> = fixed.chars().collect();
    let (mut i, mut j) = (0, 0);
    let mut edits = Vec::new();
    let at = |i: usize| o.get(i).map_or(orig.len(), |x| x.0);
    while i < o.len() || j < f.len() {
        if i < o.len() && j < f.len() && o[i].1 == f[j] {
            i += 1;
            j += 1;
        } else if j < f.len() && f[j] == ' ' && o.get(i).is_none_or(|x| x.1 != ' ') {
            edits.push(Edit {
                range: at(i)..at(i),
                replacement: " ".into(),
                kind: EditKind::Space,
            });
            j += 1;
        } else if i < o.len() && o[i].1 == ' ' && f.get(j).is_none_or(|c| *c != ' ') {
            edits.push(Edit {
                range: at(i)..at(i + 1),
                replacement: String::new(),
                kind: EditKind::ExtraSpace,
            });
            i += 1;
        } else if i < o.len() && j < f.len() {
            edits.push(Edit {
                range: at(i)..at(i + 1),
                replacement: f[j].to_string(),
                kind: EditKind::Other,
            });
            i += 1;
            j += 1;
        } else {
            return None;
        }
    }
    Some(edits)
}

fn is_fullwidth_alnum(c: char) -> bool {
    matches!(c, '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ')
}

/// The corrections autocorrect suggests for a piece of prose, minus those
/// inside bare URLs and (unless `space_numbers`) the spaces between Chinese
/// and digits. Ranges are byte ranges in `text`, in order.
pub fn suggest(text: &str, space_numbers: bool) -> Vec<Edit> {
    if !text.chars().any(is_cjk) {
        return Vec::new();
    }
    let fixed = autocorrect_fixpoint(text);
    if fixed == text {
        return Vec::new();
    }
    let Some(mut edits) = align(text, &fixed) else {
        return vec![Edit {
            range: 0..text.len(),
            replacement: fixed,
            kind: EditKind::Other,
        }];
    };
    let urls = url_spans(text);
    edits.retain_mut(|e| {
        if urls
            .iter()
            .any(|u| e.range.start > u.start && e.range.start < u.end)
        {
            return false;
        }
        let before = text[..e.range.start].chars().next_back();
        let after = text[e.range.end..].chars().next();
        let old = text[e.range.clone()].chars().next();
        match e.kind {
            EditKind::Space => {
                let (Some(b), Some(a)) = (before, after) else {
                    return true;
                };
                let latin = |c: char| c.is_ascii_alphabetic();
                let digit = |c: char| c.is_ascii_digit();
                if (is_cjk(b) && latin(a)) || (latin(b) && is_cjk(a)) {
                    e.kind = EditKind::SpaceLatin;
                } else if (is_cjk(b) && digit(a)) || (digit(b) && is_cjk(a)) {
                    e.kind = EditKind::SpaceNumber;
                    return space_numbers;
                }
                true
            }
            EditKind::Other => {
                let new = e.replacement.chars().next();
                if let (Some(o), Some(n)) = (old, new) {
                    if o.is_ascii_punctuation() && !n.is_ascii() {
                        e.kind = EditKind::Punctuation;
                    } else if is_fullwidth_alnum(o) && n.is_ascii_alphanumeric() {
                        e.kind = EditKind::Halfwidth;
                    }
                }
                true
            }
            _ => true,
        }
    });
    edits
}

/// Applies edits (in order, not overlapping) to `text`.
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut out = String::with_capacity(text.len() + edits.len());
    let mut pos = 0;
    for e in edits {
        out.push_str(&text[pos..e.range.start]);
        out.push_str(&e.replacement);
        pos = e.range.end;
    }
    out.push_str(&text[pos..]);
    out
}

/// The prose of a Markdown body: byte ranges of text that is shown as it is
/// written, outside code, links, images, HTML blocks and inline HTML elements. Adjacent text events are
/// joined; text whose source differs from what is shown (escapes, entities,
/// smart punctuation) is skipped.
pub fn prose_segments(body: &str, cfg: &MarkdownConfig) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut skip_depth = 0usize;
    // Open inline HTML elements (`<code>…</code>`, `<span>…</span>`): text
    // inside them is left alone too.
    let mut html_depth = 0usize;
    let mut joinable = false;
    for (ev, range) in
        Parser::new_ext(body, crate::markdown::parser_options(cfg)).into_offset_iter()
    {
        match ev {
            Event::InlineHtml(h) => {
                joinable = false;
                let h = h.trim();
                let name = h
                    .trim_start_matches(['<', '/'])
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect::<String>()
                    .to_ascii_lowercase();
                const VOID: [&str; 6] = ["br", "hr", "img", "input", "wbr", "source"];
                if h.starts_with("</") {
                    html_depth = html_depth.saturating_sub(1);
                } else if !name.is_empty() && !h.ends_with("/>") && !VOID.contains(&name.as_str()) {
                    html_depth += 1;
                }
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::TableCell | TagEnd::Item,
            ) => {
                html_depth = 0;
                joinable = false;
            }
            Event::Start(
                Tag::CodeBlock(_)
                | Tag::Link { .. }
                | Tag::Image { .. }
                | Tag::HtmlBlock
                | Tag::MetadataBlock(_),
            ) => {
                skip_depth += 1;
                joinable = false;
            }
            Event::End(
                TagEnd::CodeBlock
                | TagEnd::Link
                | TagEnd::Image
                | TagEnd::HtmlBlock
                | TagEnd::MetadataBlock(_),
            ) => {
                skip_depth = skip_depth.saturating_sub(1);
                joinable = false;
            }
            Event::Text(t) if skip_depth == 0 && html_depth == 0 => {
                if body.get(range.clone()) != Some(&*t) {
                    joinable = false;
                    continue;
                }
                match out.last_mut() {
                    Some(last) if joinable && last.end == range.start => last.end = range.end,
                    _ => out.push(range),
                }
                joinable = true;
            }
            _ => joinable = false,
        }
    }
    out
}

/// All corrections for a Markdown body, as byte ranges in `body`.
pub fn body_edits(body: &str, cfg: &MarkdownConfig, space_numbers: bool) -> Vec<Edit> {
    body_edits_in_segments(body, cfg, space_numbers)
        .into_iter()
        .map(|(_, e)| e)
        .collect()
}

/// Like [`body_edits`], each with the prose segment it is in.
fn body_edits_in_segments(
    body: &str,
    cfg: &MarkdownConfig,
    space_numbers: bool,
) -> Vec<(Range<usize>, Edit)> {
    let mut out = Vec::new();
    for seg in prose_segments(body, cfg) {
        for mut e in suggest(&body[seg.clone()], space_numbers) {
            e.range = e.range.start + seg.start..e.range.end + seg.start;
            out.push((seg.clone(), e));
        }
    }
    out
}

/// The byte range of a one-line scalar value of top-level `key` in YAML
/// text: plain, or quoted without escapes. `None` for block scalars,
/// multi-line values, flow collections, anchors and tags.
pub fn scalar_span(yaml: &str, key: &str) -> Option<Range<usize>> {
    let line_no = crate::yaml::locate(yaml, key)?;
    let mut start = 0;
    let mut lines = yaml.split_inclusive('\n');
    for _ in 1..line_no {
        start += lines.next()?.len();
    }
    let line = lines.next()?;
    if let Some(next) = lines.next() {
        let t = next.trim();
        if next.starts_with([' ', '\t']) && !t.is_empty() && !t.starts_with('#') {
            return None; // a value continued on the next line
        }
    }
    let line = line.trim_end_matches('\n');
    let after_key = line.strip_prefix(key)?;
    let colon = after_key.find(':')?;
    if !after_key[..colon].trim().is_empty() {
        return None;
    }
    let rest = &after_key[colon + 1..];
    let value = rest.trim_start();
    let value_at = start + key.len() + colon + 1 + (rest.len() - value.len());
    let first = value.chars().next()?;
    match first {
        '|' | '>' | '&' | '*' | '!' | '[' | '{' | '%' | '@' | '`' => None,
        '"' => {
            let inner = &value[1..];
            let end = inner.find('"')?;
            if inner[..end].contains('\\') {
                return None;
            }
            Some(value_at + 1..value_at + 1 + end)
        }
        '\'' => {
            let inner = &value[1..];
            let end = inner.find('\'')?;
            if inner[end + 1..].starts_with('\'') {
                return None;
            }
            Some(value_at + 1..value_at + 1 + end)
        }
        _ => {
            let end = value.find(" #").unwrap_or(value.len());
            let v = value[..end].trim_end();
            Some(value_at..value_at + v.len())
        }
    }
}

/// Corrections of the `title`/`summary` value in front matter, as byte
/// ranges in `yaml`, only when applying them is verified to change the
/// parsed value exactly as intended.
fn front_matter_edits(yaml: &str, key: &str, space_numbers: bool) -> Vec<Edit> {
    let Some(span) = scalar_span(yaml, key) else {
        return Vec::new();
    };
    let Ok(Some(parsed)) = crate::yaml::field::<String>(yaml, key) else {
        return Vec::new();
    };
    if yaml[span.clone()] != parsed {
        return Vec::new();
    }
    let edits: Vec<Edit> = suggest(&parsed, space_numbers)
        .into_iter()
        .map(|mut e| {
            e.range = e.range.start + span.start..e.range.end + span.start;
            e
        })
        .collect();
    if edits.is_empty() {
        return edits;
    }
    let new_yaml = apply(yaml, &edits);
    let new_end = (span.end + new_yaml.len()).saturating_sub(yaml.len());
    let new_value = new_yaml
        .get(span.start..new_end)
        .unwrap_or_default()
        .to_string();
    match crate::yaml::field::<String>(&new_yaml, key) {
        Ok(Some(v)) if v == new_value && crate::yaml::top_level_keys(&new_yaml).is_ok() => edits,
        _ => Vec::new(),
    }
}

/// The message for an edit, quoting a few characters around it (within
/// `bounds`, the prose the edit is in).
fn describe(e: &Edit, text: &str, bounds: Range<usize>) -> Msg {
    let mut a = e.range.start;
    for _ in 0..4 {
        match text[bounds.start.min(a)..a].chars().next_back() {
            Some(c) if c != '\n' => a -= c.len_utf8(),
            _ => break,
        }
    }
    let mut b = e.range.end;
    for _ in 0..4 {
        match text[b..bounds.end.max(b)].chars().next() {
            Some(c) if c != '\n' => b += c.len_utf8(),
            _ => break,
        }
    }
    let old = &text[a..b];
    let new = format!(
        "{}{}{}",
        &text[a..e.range.start],
        e.replacement,
        &text[e.range.end..b]
    );
    let o = &text[e.range.clone()];
    let r = &e.replacement;
    match e.kind {
        EditKind::SpaceLatin => Msg::new(
            format!("中文与英文之间缺少空格：`{old}` → `{new}`"),
            format!("add a space between Chinese and Latin text: `{old}` → `{new}`"),
        ),
        EditKind::SpaceNumber => Msg::new(
            format!("中文与数字之间缺少空格：`{old}` → `{new}`"),
            format!("add a space between Chinese and digits: `{old}` → `{new}`"),
        ),
        EditKind::Space => Msg::new(
            format!("此处缺少空格：`{old}` → `{new}`"),
            format!("a space is missing: `{old}` → `{new}`"),
        ),
        EditKind::ExtraSpace => Msg::new(
            format!("多余的空格：`{old}` → `{new}`"),
            format!("extra space: `{old}` → `{new}`"),
        ),
        EditKind::Punctuation => Msg::new(
            format!("中文句子中应使用全角标点：`{o}` → `{r}`（`{old}`）"),
            format!("use full-width punctuation in Chinese text: `{o}` → `{r}` (`{old}`)"),
        ),
        EditKind::Halfwidth => Msg::new(
            format!("全角字母或数字应改为半角：`{o}` → `{r}`（`{old}`）"),
            format!("use half-width letters and digits: `{o}` → `{r}` (`{old}`)"),
        ),
        EditKind::Other => Msg::new(
            format!("排版建议：`{old}` → `{new}`"),
            format!("typography: `{old}` → `{new}`"),
        ),
    }
}

fn hint() -> Msg {
    Msg::new(
        "运行 `lanmu check --fix` 自动修正，或手动修改",
        "run `lanmu check --fix` to apply it, or edit by hand",
    )
}

fn diagnostics_for(
    text: &str,
    first_line: usize,
    edits: &[(Range<usize>, Edit)],
    file: &Path,
    out: &mut Vec<Diagnostic>,
) {
    for (bounds, e) in edits {
        let (line, col) = line_col(text, e.range.start, first_line);
        out.push(
            Diagnostic::warning("typography", file, describe(e, text, bounds.clone()))
                .at(line, col)
                .with_hint(hint()),
        );
    }
}

/// The front matter of a file, read again (columns keep no YAML text).
fn front_matter_of(root: &Path, file: &Path) -> Option<(String, usize)> {
    let text = crate::encoding::read_text(&root.join(file), file).ok()?;
    let split = crate::frontmatter::split(&text, file).ok()?;
    split.yaml.map(|y| (y.to_string(), split.yaml_line))
}

/// Typography warnings for every page and column of the site.
pub fn check(inputs: &Inputs, space_numbers: bool) -> Vec<Diagnostic> {
    let cfg = &inputs.config.markdown;
    let mut out = Vec::new();
    let front = |yaml: &str,
                 yaml_line: usize,
                 key: &str,
                 value: Option<&str>,
                 file: &Path,
                 out: &mut Vec<Diagnostic>| {
        let Some(value) = value else { return };
        match scalar_span(yaml, key).filter(|s| yaml[s.clone()] == *value) {
            Some(span) => {
                let edits: Vec<(Range<usize>, Edit)> = suggest(value, space_numbers)
                    .into_iter()
                    .map(|mut e| {
                        e.range = e.range.start + span.start..e.range.end + span.start;
                        (span.clone(), e)
                    })
                    .collect();
                diagnostics_for(yaml, yaml_line, &edits, file, out);
            }
            None => {
                let line = crate::yaml::locate(yaml, key).map(|l| l + yaml_line - 1);
                for e in suggest(value, space_numbers) {
                    out.push(
                        Diagnostic::warning(
                            "typography",
                            file,
                            describe(&e, value, 0..value.len()),
                        )
                        .at_opt(line)
                        .with_hint(hint()),
                    );
                }
            }
        }
    };
    for p in inputs.pages {
        let edits = body_edits_in_segments(&p.body, cfg, space_numbers);
        diagnostics_for(&p.body, p.body_line, &edits, &p.file, &mut out);
        front(
            &p.yaml.0,
            p.yaml.1,
            "title",
            Some(&p.title),
            &p.file,
            &mut out,
        );
        front(
            &p.yaml.0,
            p.yaml.1,
            "summary",
            p.summary.as_deref(),
            &p.file,
            &mut out,
        );
    }
    for c in inputs.columns {
        let Some(file) = &c.file else { continue };
        let edits = body_edits_in_segments(&c.body, cfg, space_numbers);
        diagnostics_for(&c.body, c.body_line, &edits, file, &mut out);
        if let Some((yaml, line)) = front_matter_of(inputs.root, file) {
            let title = crate::yaml::field::<String>(&yaml, "title").ok().flatten();
            front(
                &yaml,
                line,
                "title",
                title.as_deref().map(str::trim),
                file,
                &mut out,
            );
        }
    }
    out
}

/// Maps offsets in newline-normalised text back to the file's bytes.
struct OffsetMap {
    bom: usize,
    /// Normalised offsets of the `\n`s that were `\r\n` in the file.
    crlf: Vec<usize>,
}

impl OffsetMap {
    fn raw(&self, norm: usize) -> usize {
        self.bom + norm + self.crlf.partition_point(|&p| p < norm)
    }
}

/// Decodes a file for fixing: UTF-8 only (with or without BOM).
fn normalise(bytes: &[u8]) -> Option<(String, OffsetMap)> {
    let bom = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let s = std::str::from_utf8(&bytes[bom..]).ok()?;
    if s.contains('\0') {
        return None;
    }
    let mut text = String::with_capacity(s.len());
    let mut crlf = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            if chars.peek() == Some(&'\n') {
                chars.next();
                crlf.push(text.len());
            }
            text.push('\n');
        } else {
            text.push(c);
        }
    }
    Some((text, OffsetMap { bom, crlf }))
}

/// Applies the safe corrections to one Markdown file's text (already
/// normalised); returns the edits as byte ranges of `text`.
pub fn fix_text(text: &str, cfg: &MarkdownConfig, space_numbers: bool, file: &Path) -> Vec<Edit> {
    let Ok(split) = crate::frontmatter::split(text, file) else {
        return Vec::new();
    };
    let body_at = text.len() - split.body.len();
    let mut edits = Vec::new();
    if let Some(yaml) = split.yaml {
        let yaml_at = yaml.as_ptr() as usize - text.as_ptr() as usize;
        for key in ["title", "summary"] {
            for mut e in front_matter_edits(yaml, key, space_numbers) {
                e.range = e.range.start + yaml_at..e.range.end + yaml_at;
                edits.push(e);
            }
        }
    }
    for mut e in body_edits(split.body, cfg, space_numbers) {
        e.range = e.range.start + body_at..e.range.end + body_at;
        edits.push(e);
    }
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    edits
}

/// Fixes one file in place; returns how many corrections were applied.
pub fn fix_file(path: &Path, cfg: &MarkdownConfig, space_numbers: bool) -> std::io::Result<usize> {
    let meta = std::fs::metadata(path)?;
    if meta.len() > crate::encoding::MAX_FILE_BYTES {
        return Ok(0);
    }
    let bytes = std::fs::read(path)?;
    let Some((text, map)) = normalise(&bytes) else {
        return Ok(0);
    };
    let edits = fix_text(&text, cfg, space_numbers, path);
    if edits.is_empty() {
        return Ok(0);
    }
    let mut out = Vec::with_capacity(bytes.len() + edits.len());
    let mut pos = 0;
    for e in &edits {
        let (a, b) = (map.raw(e.range.start), map.raw(e.range.end));
        out.extend_from_slice(&bytes[pos..a]);
        out.extend_from_slice(e.replacement.as_bytes());
        pos = b;
    }
    out.extend_from_slice(&bytes[pos..]);
    std::fs::write(path, out)?;
    Ok(edits.len())
}

/// `--fix`: corrects every Markdown file under `content/`. Returns the files
/// changed (relative to `root`) with the number of corrections in each.
pub fn fix_site(
    root: &Path,
    cfg: &MarkdownConfig,
    space_numbers: bool,
) -> Result<Vec<(PathBuf, usize)>, Error> {
    let content = root.join("content");
    let mut out = Vec::new();
    let files = walkdir::WalkDir::new(&content)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            e.path()
                .extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| x.eq_ignore_ascii_case("md") || x.eq_ignore_ascii_case("markdown"))
        });
    for e in files {
        let n = fix_file(e.path(), cfg, space_numbers).map_err(|err| Error::io(e.path(), err))?;
        if n > 0 {
            out.push((
                e.path()
                    .strip_prefix(root)
                    .unwrap_or(e.path())
                    .to_path_buf(),
                n,
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(s: &str) -> String {
        apply(s, &suggest(s, false))
    }

    #[test]
    fn spaces_and_punctuation() {
        assert_eq!(fixed("学习Rust语言"), "学习 Rust 语言");
        assert_eq!(fixed("学习,工作"), "学习，工作");
        assert_eq!(fixed("2024年5月1日"), "2024年5月1日");
        assert_eq!(apply("2024年", &suggest("2024年", true)), "2024 年");
        assert_eq!(fixed("ＡＢＣ学习"), "ABC 学习");
        assert_eq!(fixed("just English, fine"), "just English, fine");
        let kinds: Vec<EditKind> = suggest("学习Rust,工作", false)
            .iter()
            .map(|e| e.kind)
            .collect();
        assert_eq!(kinds, vec![EditKind::SpaceLatin, EditKind::Punctuation]);
    }

    #[test]
    fn urls_are_left_alone() {
        let s = "网址https://example.com/a,b学习";
        let out = fixed(s);
        assert!(out.contains("https://example.com/a,b学习"), "{out}");
    }

    #[test]
    fn segments_skip_code_and_links() {
        let body = "学习Rust `代码Code` [链接Link](a.md) <b>粗Bold</b>\n\n```\n代码Code\n```\n";
        let cfg = MarkdownConfig::default();
        let segs: Vec<&str> = prose_segments(body, &cfg)
            .into_iter()
            .map(|r| &body[r])
            .collect();
        assert!(
            segs.iter()
                .all(|s| !s.contains("代码") && !s.contains("链接")),
            "{segs:?}"
        );
        assert!(segs.contains(&"学习Rust "), "{segs:?}");
    }

    #[test]
    fn scalar_spans() {
        let y = "title: 学习Rust\nsummary: \"摘要,好\"\ntags: [a]\nlong: >\n  x\n";
        assert_eq!(&y[scalar_span(y, "title").unwrap()], "学习Rust");
        assert_eq!(&y[scalar_span(y, "summary").unwrap()], "摘要,好");
        assert_eq!(scalar_span(y, "long"), None);
        assert_eq!(scalar_span(y, "tags"), None);
    }

    #[test]
    fn fix_keeps_other_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.md");
        let src =
            "\u{feff}---\r\ntitle: 学习Rust\r\ntags: [a,b]\r\n---\r\n正文Text,好\r\n`代码Code`\r\n";
        std::fs::write(&f, src).unwrap();
        let n = fix_file(&f, &MarkdownConfig::default(), false).unwrap();
        assert_eq!(n, 3);
        let out = std::fs::read_to_string(&f).unwrap();
        assert_eq!(
            out,
            "\u{feff}---\r\ntitle: 学习 Rust\r\ntags: [a,b]\r\n---\r\n正文 Text，好\r\n`代码Code`\r\n"
        );
        assert_eq!(fix_file(&f, &MarkdownConfig::default(), false).unwrap(), 0);
    }
}
