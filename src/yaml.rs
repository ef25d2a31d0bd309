//! Every YAML call of lanmu lives here.
//!
//! `serde_yaml` is archived upstream; keeping it behind this module means a
//! replacement touches one file. The rest of the crate sees typed structs,
//! [`YamlError`] (a message with a 1-based line and column) and plain strings.

use serde::de::DeserializeOwned;

/// A YAML problem with its position inside the parsed text (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// Line inside the YAML text, when the parser knew it.
    pub line: Option<usize>,
    /// Column inside the YAML text.
    pub column: Option<usize>,
    /// The parser's message, with the location suffix removed.
    pub message: String,
    /// The dotted path of the failing field (`exam.questions[2].answer`), when known.
    pub path: Option<String>,
}

/// How deep nested mappings/sequences may go before we refuse the text.
/// serde_yaml guards recursion itself; this keeps our own walkers bounded too.
const MAX_TEXT_LEN: usize = 4 * 1024 * 1024;

fn convert(e: serde_yaml::Error, text: &str) -> YamlError {
    let raw = e.to_string();
    // serde_yaml appends " at line L column C"; we report the position ourselves.
    let mut message = match raw.find(" at line ") {
        Some(i) => raw[..i].to_string(),
        None => raw.clone(),
    };
    let mut path = None;
    // Errors inside nested fields are prefixed with their path: `exam.questions[1]: ...`.
    if let Some((p, rest)) = message.split_once(": ")
        && !p.contains(' ')
        && (p.contains('.')
            || p.contains('[')
            || p.chars().all(|c| c.is_alphanumeric() || c == '_'))
    {
        path = Some(p.to_string());
        message = rest.to_string();
    }
    let (mut line, mut column) = match e.location() {
        Some(l) => (Some(l.line()), Some(l.column())),
        None => (None, None),
    };
    // Custom errors (and "missing field") are reported at the document start;
    // a line found from the field's path is more useful.
    if line == Some(1)
        && column == Some(1)
        && let Some(p) = &path
        && let Some(l) = locate(text, p)
    {
        line = Some(l);
        column = None;
    }
    YamlError {
        line,
        column,
        message,
        path,
    }
}

/// serde_yaml refuses nesting deeper than 128 levels, but only after its
/// scanner has gone through the flow collections, in time quadratic in their
/// depth (100,000 `[` take minutes). Deeper flow nesting is refused first.
const MAX_FLOW_DEPTH: usize = 128;

/// Where flow nesting (`[`, `{`) first goes deeper than [`MAX_FLOW_DEPTH`]
/// (1-based line and column). Approximate: quoted text is skipped, comments
/// are not recognised.
fn flow_too_deep(text: &str) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    for (l, line) in text.lines().enumerate() {
        // A quote opens a quoted scalar only where a scalar can start; quotes
        // are taken to close on their line.
        let mut quote: Option<char> = None;
        let mut prev = ' ';
        for (c, ch) in line.chars().enumerate() {
            let at_start = matches!(prev, ' ' | '\t' | '[' | '{' | ',' | ':' | '-');
            prev = ch;
            match (quote, ch) {
                (Some(q), ch) if ch == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') if at_start => quote = Some(ch),
                (None, '[' | '{') => {
                    depth += 1;
                    if depth > MAX_FLOW_DEPTH {
                        return Some((l + 1, c + 1));
                    }
                }
                (None, ']' | '}') => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
    }
    None
}

/// Parses `text` into `T`, mapping errors to [`YamlError`].
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    if text.len() > MAX_TEXT_LEN {
        return Err(YamlError {
            line: None,
            column: None,
            message: format!("YAML block too large ({} bytes)", text.len()),
            path: None,
        });
    }
    if let Some((line, column)) = flow_too_deep(text) {
        return Err(YamlError {
            line: Some(line),
            column: Some(column),
            message: format!(
                "recursion limit exceeded: more than {MAX_FLOW_DEPTH} nested `[` or `{{`"
            ),
            path: None,
        });
    }
    serde_yaml::from_str(text).map_err(|e| convert(e, text))
}

/// The top-level keys of a YAML mapping, in order, with their 1-based lines.
///
/// An empty text is an empty mapping. A text that is not a mapping (a plain
/// string such as `title：标题` written with a full-width colon) is an error.
pub fn top_level_keys(text: &str) -> Result<Vec<(String, usize)>, YamlError> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let value: serde_yaml::Value = from_str(text)?;
    let map = match value {
        serde_yaml::Value::Mapping(m) => m,
        serde_yaml::Value::Null => return Ok(Vec::new()),
        other => {
            return Err(YamlError {
                line: Some(1),
                column: Some(1),
                message: format!(
                    "expected a mapping of `key: value` lines, found {}",
                    kind_name(&other)
                ),
                path: None,
            });
        }
    };
    let mut keys = Vec::with_capacity(map.len());
    for (k, _) in map {
        let name = match k {
            serde_yaml::Value::String(s) => s,
            serde_yaml::Value::Number(n) => n.to_string(),
            serde_yaml::Value::Bool(b) => b.to_string(),
            _ => String::from("?"),
        };
        let line = locate(text, &name).unwrap_or(1);
        keys.push((name, line));
    }
    Ok(keys)
}

/// A YAML mapping parsed once and kept with its text: fields are read from
/// the parsed value (no second parse); only when a read fails is the text
/// parsed again, for an error with its line.
pub struct Doc<'t> {
    text: &'t str,
    value: serde_yaml::Value,
}

/// Parses front matter text into a [`Doc`]; the text must be a mapping (or empty).
pub fn parse_doc(text: &str) -> Result<Doc<'_>, YamlError> {
    if text.trim().is_empty() {
        return Ok(Doc {
            text,
            value: serde_yaml::Value::Null,
        });
    }
    let value: serde_yaml::Value = from_str(text)?;
    match value {
        serde_yaml::Value::Mapping(_) | serde_yaml::Value::Null => Ok(Doc { text, value }),
        other => Err(YamlError {
            line: Some(1),
            column: Some(1),
            message: format!(
                "expected a mapping of `key: value` lines, found {}",
                kind_name(&other)
            ),
            path: None,
        }),
    }
}

impl Doc<'_> {
    /// The top-level keys, in order.
    pub fn keys(&self) -> Vec<String> {
        let Some(map) = self.value.as_mapping() else {
            return Vec::new();
        };
        map.keys()
            .map(|k| match k {
                serde_yaml::Value::String(s) => s.clone(),
                serde_yaml::Value::Number(n) => n.to_string(),
                serde_yaml::Value::Bool(b) => b.to_string(),
                _ => String::from("?"),
            })
            .collect()
    }

    /// The 1-based line of a top-level key (1 when not found).
    pub fn line_of(&self, key: &str) -> usize {
        locate(self.text, key).unwrap_or(1)
    }

    /// The whole mapping as `T` (`T::default()` for an empty text).
    pub fn to<T: DeserializeOwned + Default>(&self) -> Result<T, YamlError> {
        if self.value.is_null() {
            return Ok(T::default());
        }
        serde_yaml::from_value(self.value.clone()).map_err(|e| match from_str::<T>(self.text) {
            // The located error from the text; should the text parse after
            // all, report the value's error (without a line).
            Err(located) => located,
            Ok(_) => convert(e, self.text),
        })
    }

    /// One top-level field as `T`, `None` when absent or null.
    pub fn field<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, YamlError> {
        let Some(v) = self.value.get(key) else {
            return Ok(None);
        };
        if v.is_null() {
            return Ok(None);
        }
        serde_yaml::from_value(v.clone()).map(Some).map_err(|e| {
            let mut err = convert(e, self.text);
            err.line = locate(self.text, key);
            err.column = None;
            err.path = Some(key.to_string());
            err
        })
    }
}

fn kind_name(v: &serde_yaml::Value) -> &'static str {
    match v {
        serde_yaml::Value::Null => "nothing",
        serde_yaml::Value::Bool(_) => "a true/false value",
        serde_yaml::Value::Number(_) => "a number",
        serde_yaml::Value::String(_) => "a single line of text",
        serde_yaml::Value::Sequence(_) => "a list",
        serde_yaml::Value::Mapping(_) => "a mapping",
        serde_yaml::Value::Tagged(_) => "a tagged value",
    }
}

/// Reads one top-level field of a mapping as `T` (used for fields whose
/// names are only known at run time, such as taxonomies named in the config).
pub fn field<T: DeserializeOwned>(text: &str, key: &str) -> Result<Option<T>, YamlError> {
    let value: serde_yaml::Value = from_str(text)?;
    let Some(v) = value.get(key) else {
        return Ok(None);
    };
    if v.is_null() {
        return Ok(None);
    }
    serde_yaml::from_value(v.clone()).map(Some).map_err(|e| {
        let mut err = convert(e, text);
        err.line = locate(text, key);
        err.column = None;
        err.path = Some(key.to_string());
        err
    })
}

/// Finds the 1-based line of a dotted key path (`exam.questions[2].answer`)
/// in block-style YAML, by indentation. Returns the deepest line found, so a
/// path into flow-style YAML still points at its nearest block ancestor.
pub fn locate(text: &str, path: &str) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    // The effective indent and body of a line; the first line of a list item
    // counts as starting after its `- ` so its inline key belongs to the item.
    let eff = |idx: usize, item_line: Option<usize>| -> Option<(usize, &str)> {
        let line = lines[idx];
        let ci = content_indent(line)?;
        let body = &line[ci..];
        if item_line == Some(idx) {
            let rest = body.strip_prefix('-')?.trim_start_matches(' ');
            return Some((line.len() - rest.len(), rest));
        }
        Some((ci, body))
    };
    let (mut start, mut end, mut item_line) = (0usize, lines.len(), None);
    let mut found = None;
    for seg in parse_path(path) {
        let child = (start..end)
            .filter_map(|i| eff(i, item_line).map(|(ind, _)| ind))
            .min()?;
        let mut count = 0;
        let hit = (start..end).find(|&i| match eff(i, item_line) {
            Some((ind, body)) if ind == child => match seg {
                Seg::Key(k) => key_of(body) == Some(k),
                Seg::Index(n) => {
                    let is_item = body.starts_with('-');
                    let this = is_item && count == n;
                    count += usize::from(is_item);
                    this
                }
            },
            _ => false,
        })?;
        found = Some(hit + 1);
        let own = child;
        let is_key = matches!(seg, Seg::Key(_));
        let mut j = hit + 1;
        while j < end {
            if let Some((ind, body)) = eff(j, None)
                && (ind < own || (ind == own && !(is_key && body.starts_with('-'))))
            {
                break;
            }
            j += 1;
        }
        if is_key {
            (start, end, item_line) = (hit + 1, j, None);
        } else {
            (start, end, item_line) = (hit, j, Some(hit));
        }
        if start >= end {
            break;
        }
    }
    found
}

#[derive(Debug, Clone, Copy)]
enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

fn parse_path(path: &str) -> Vec<Seg<'_>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (name, rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !name.is_empty() {
            out.push(Seg::Key(name));
        }
        for idx in rest.split('[').filter(|s| !s.is_empty()) {
            if let Ok(n) = idx.trim_end_matches(']').parse() {
                out.push(Seg::Index(n));
            }
        }
    }
    out
}

/// Indent of a line that holds content (not blank, not a comment).
fn content_indent(line: &str) -> Option<usize> {
    let trimmed = line.trim_start_matches(' ');
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return None;
    }
    Some(line.len() - trimmed.len())
}

fn key_of(body: &str) -> Option<&str> {
    let body = body.trim_start_matches("- ");
    let i = body.find(':')?;
    let k = body[..i].trim().trim_matches('"').trim_matches('\'');
    if k.is_empty() { None } else { Some(k) }
}

/// Lines (1-based) that contain a tab in their indentation: YAML forbids tabs
/// there, and editors on Windows insert them silently.
pub fn tab_indented_lines(text: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            l.chars()
                .take_while(|c| c.is_whitespace())
                .any(|c| c == '\t')
        })
        .map(|(i, _)| i + 1)
        .collect()
}

/// Lines (1-based) that look like `key：value` written with a full-width colon.
pub fn fullwidth_colon_lines(text: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            let t = l.trim_start().trim_start_matches("- ");
            match (t.find('：'), t.find(':')) {
                (Some(f), None) => t[..f]
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-'),
                (Some(f), Some(h)) => {
                    f < h
                        && t[..f]
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_')
                }
                _ => false,
            }
        })
        .map(|(i, _)| i + 1)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_nested_paths() {
        let y = "title: 测试\ndate: 2024-05-01\nexam:\n  type: 考研\n  questions:\n    - type: single\n      stem: 一\n      answer: A\n    - type: judge\n      stem: 二\n      answer: true\n";
        assert_eq!(locate(y, "title"), Some(1));
        assert_eq!(locate(y, "exam"), Some(3));
        assert_eq!(locate(y, "exam.questions"), Some(5));
        assert_eq!(locate(y, "exam.questions[0]"), Some(6));
        assert_eq!(locate(y, "exam.questions[1]"), Some(9));
        assert_eq!(locate(y, "exam.questions[1].answer"), Some(11));
        assert_eq!(locate(y, "exam.questions[0].type"), Some(6));
        assert_eq!(locate(y, "missing"), None);
    }

    #[test]
    fn errors_carry_lines() {
        let e = top_level_keys("title: [a\n").unwrap_err();
        assert!(e.line.is_some());
        let e = top_level_keys("title：标题\n").unwrap_err();
        assert_eq!(e.line, Some(1));
        assert_eq!(fullwidth_colon_lines("title：标题\ndate: 1\n"), vec![1]);
        assert_eq!(tab_indented_lines("a: 1\n\tb: 2\n"), vec![2]);
    }

    #[test]
    fn deep_flow_nesting_is_rejected_quickly() {
        let y = format!("title: a\nextra: {{a: {}}}\n", "[".repeat(1_000_000));
        let t = std::time::Instant::now();
        let e = top_level_keys(&y).unwrap_err();
        assert!(e.message.contains("recursion limit"), "{e:?}");
        assert_eq!(e.line, Some(2));
        assert!(t.elapsed() < std::time::Duration::from_secs(2));
        assert!(top_level_keys(&format!("t: \"{}\"\nu: [[1]]\n", "[".repeat(500))).is_ok());
    }

    #[test]
    fn alias_bomb_is_rejected() {
        let mut y = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
        for w in names.windows(2) {
            let refs = vec![format!("*{}", w[0]); 9].join(",");
            y.push_str(&format!("{}: &{} [{}]\n", w[1], w[1], refs));
        }
        assert!(top_level_keys(&y).is_err());
    }
}
