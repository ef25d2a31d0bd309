//! Column kinds: the front matter block each kind of page carries
//! (`member:`, `book:`, `exam:`, `report:`), checked against its column and
//! validated into typed structs that templates see as `page.data`.
//!
//! Validation collects every problem of a block (not just the first), each
//! pointing at the line of the offending key; problems inside exam questions
//! name the question (`第 3 题` / `question 3`). [`finish`] runs later, in the
//! site stage, to render Markdown fields and resolve file references.

use std::path::Path;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::config::{Config, suggest, unknown_key};
use crate::date::{PageDate, parse_date};
use crate::error::{Diagnostic, Msg};
use crate::frontmatter::{Kind, PageFront, Parsed};
use crate::i18n::Lang;

pub mod bank;
pub mod book;
pub mod exam;
pub mod isbn;
pub mod member;
pub mod report;

pub use book::{Book, Format};
pub use exam::{Exam, Question, QuestionType};
pub use member::Member;
pub use report::{Photo, Report};

/// A page's validated kind block, serialized (untagged) as `page.data`:
/// `null` for [`KindData::Article`], the block's fields otherwise.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(untagged)]
pub enum KindData {
    /// No block.
    #[default]
    Article,
    /// `member:` block.
    Member(Box<Member>),
    /// `book:` block.
    Book(Box<Book>),
    /// `exam:` block.
    Exam(Box<Exam>),
    /// `report:` block.
    Report(Box<Report>),
}

impl KindData {
    /// The kind this data belongs to.
    pub fn kind(&self) -> Kind {
        match self {
            KindData::Article => Kind::Article,
            KindData::Member(_) => Kind::Member,
            KindData::Book(_) => Kind::Book,
            KindData::Exam(_) => Kind::Exam,
            KindData::Report(_) => Kind::Report,
        }
    }
}

/// The front matter key of a page's block (`article` has none).
pub fn block_name(data: &KindData) -> &'static str {
    match data {
        KindData::Article => "",
        KindData::Member(_) => "member",
        KindData::Book(_) => "book",
        KindData::Exam(_) => "exam",
        KindData::Report(_) => "report",
    }
}

/// Checks the page's kind block against its column's kind and validates it.
///
/// A page without a block is an [`KindData::Article`] whatever its column
/// (a notice in a member column is allowed); a block of another kind than the
/// column's is an error.
pub fn validate(
    kind: Kind,
    f: &PageFront,
    parsed: &Parsed<PageFront>,
    file: &Path,
    cfg: &Config,
) -> Result<KindData, Vec<Diagnostic>> {
    let blocks = [
        (Kind::Member, &f.member),
        (Kind::Book, &f.book),
        (Kind::Exam, &f.exam),
        (Kind::Report, &f.report),
    ];
    let mut cx = Cx::new(file, parsed, cfg);
    let mut data = KindData::Article;
    for (k, v) in blocks {
        let Some(v) = v else { continue };
        if k != kind {
            cx.errors.push(
                Diagnostic::error(
                    "kind",
                    file,
                    Msg::new(
                        format!(
                            "`{}:` 块只能用在类型为 {} 的栏目里，本栏目类型是 {}",
                            k.name(),
                            k.name(),
                            kind.name()
                        ),
                        format!(
                            "a `{}:` block belongs in a `kind: {}` column; this column is `{}`",
                            k.name(),
                            k.name(),
                            kind.name()
                        ),
                    ),
                )
                .at_opt(parsed.line_of(k.name()))
                .with_hint(Msg::new(
                    "把页面移到对应栏目，或删除这个块",
                    "move the page to a column of that kind, or remove the block",
                )),
            );
            continue;
        }
        let Some(map) = v.as_object() else {
            cx.error(
                k.name(),
                Msg::new(
                    format!(
                        "`{}:` 应是若干 `字段: 值` 行，不是 {}",
                        k.name(),
                        describe(v).0
                    ),
                    format!(
                        "`{}:` must be a mapping of `key: value` lines, not {}",
                        k.name(),
                        describe(v).1
                    ),
                ),
                Some(Msg::new(
                    format!("在 `{}:` 下面缩进两格写字段，例如 `  name: 张三`", k.name()),
                    format!(
                        "indent the fields by two spaces under `{}:`, e.g. `  name: Zhang San`",
                        k.name()
                    ),
                )),
            );
            continue;
        };
        let block = Fields::new(map, k.name());
        data = match k {
            Kind::Member => member::validate(&mut cx, &block)
                .map_or(KindData::Article, |m| KindData::Member(Box::new(m))),
            Kind::Book => book::validate(&mut cx, &block)
                .map_or(KindData::Article, |b| KindData::Book(Box::new(b))),
            Kind::Exam => exam::validate(&mut cx, &block)
                .map_or(KindData::Article, |e| KindData::Exam(Box::new(e))),
            Kind::Report => report::validate(&mut cx, &block)
                .map_or(KindData::Article, |r| KindData::Report(Box::new(r))),
            Kind::Article => KindData::Article,
        };
    }
    if cx.errors.is_empty() {
        Ok(data)
    } else {
        Err(cx.errors)
    }
}

/// Renders the Markdown fields of a kind block (exam stems, options, short
/// answers, explanations) with `md` into their `*_html` fields, and resolves
/// file references (member photo, book cover and link, report photos) with
/// `url`, which returns the published URL or an error message for a missing
/// file. Called by the site stage once link targets are known.
pub fn finish(
    data: &mut KindData,
    md: &mut dyn FnMut(&str) -> String,
    url: &mut dyn FnMut(&str) -> Result<String, Msg>,
) -> Vec<Msg> {
    let mut problems = Vec::new();
    match data {
        KindData::Article => {}
        KindData::Member(m) => m.finish(url, &mut problems),
        KindData::Book(b) => b.finish(url, &mut problems),
        KindData::Exam(e) => e.finish(md),
        KindData::Report(r) => r.finish(url, &mut problems),
    }
    problems
}

/// Resolves one file reference for [`finish`], turning a failure into a
/// message that names the field and its line.
pub(crate) fn resolve(
    url: &mut dyn FnMut(&str) -> Result<String, Msg>,
    written: &str,
    field: &str,
    line: Option<usize>,
    problems: &mut Vec<Msg>,
) -> Option<String> {
    match url(written) {
        Ok(u) => Some(u),
        Err(m) => {
            let (zh_at, en_at) = match line {
                Some(l) => (format!("（第 {l} 行）"), format!(" (line {l})")),
                None => (String::new(), String::new()),
            };
            problems.push(Msg::new(
                format!("`{field}`{zh_at}：{}", m.zh),
                format!("`{field}`{en_at}: {}", m.en),
            ));
            None
        }
    }
}

/// Validation state for one page: where it is, what was found wrong.
pub(crate) struct Cx<'a> {
    file: &'a Path,
    parsed: &'a Parsed<PageFront>,
    pub(crate) cfg: &'a Config,
    pub(crate) errors: Vec<Diagnostic>,
}

/// One mapping inside a block: the block itself (`book`), or a nested item
/// (`exam.questions[2]`) with the label its messages start with.
pub(crate) struct Fields<'v> {
    pub(crate) map: &'v Map<String, Value>,
    /// Dotted path for [`crate::yaml::locate`].
    pub(crate) path: String,
    /// Prefix of messages about this mapping (`第 3 题：` / `question 3: `).
    pub(crate) label: Option<Msg>,
}

impl<'v> Fields<'v> {
    pub(crate) fn new(map: &'v Map<String, Value>, path: impl Into<String>) -> Self {
        Fields {
            map,
            path: path.into(),
            label: None,
        }
    }

    /// The dotted path of `key` in this mapping.
    pub(crate) fn at(&self, key: &str) -> String {
        format!("{}.{key}", self.path)
    }

    /// How messages name `key`: `member.name`, or only `answer` inside a
    /// labelled item (the label already says `第 3 题`).
    pub(crate) fn name(&self, key: &str) -> String {
        if self.label.is_some() {
            key.to_string()
        } else {
            self.at(key)
        }
    }

    /// How messages name this mapping before a verb: `` `member:` `` or nothing
    /// inside a labelled item.
    fn owner(&self) -> (String, String) {
        if self.label.is_some() {
            (String::new(), String::new())
        } else {
            (
                format!("`{}:` 中", self.path),
                format!(" in `{}:`", self.path),
            )
        }
    }

    /// The value of `key`, `None` when missing or `null`.
    pub(crate) fn get(&self, key: &str) -> Option<&'v Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }
}

/// A value's kind in words, for type errors (zh, en).
pub(crate) fn describe(v: &Value) -> (&'static str, &'static str) {
    match v {
        Value::Null => ("空值", "nothing"),
        Value::Bool(_) => ("真假值", "a true/false value"),
        Value::Number(_) => ("数字", "a number"),
        Value::String(_) => ("一段文字", "text"),
        Value::Array(_) => ("列表", "a list"),
        Value::Object(_) => ("一组 `字段: 值`", "a mapping"),
    }
}

/// A scalar as text (`2024` and `true` included); `None` for lists and mappings.
pub(crate) fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A number as JSON, integral values without a fraction (`6`, `2.5`).
pub(crate) fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        Value::from(x as i64)
    } else {
        serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
    }
}

/// A number for text (`6`, `2.5`).
pub(crate) fn number_text(x: f64) -> String {
    number(x).to_string()
}

impl<'a> Cx<'a> {
    pub(crate) fn new(file: &'a Path, parsed: &'a Parsed<PageFront>, cfg: &'a Config) -> Self {
        Cx {
            file,
            parsed,
            cfg,
            errors: Vec::new(),
        }
    }

    pub(crate) fn lang(&self) -> Lang {
        self.cfg.lang
    }

    /// The file line of a dotted path, or of its nearest ancestor found.
    pub(crate) fn line(&self, path: &str) -> Option<usize> {
        let mut p = path;
        loop {
            if let Some(l) = self.parsed.line_of(p) {
                return Some(l);
            }
            let i = p.rfind(['.', '['])?;
            p = &p[..i];
        }
    }

    /// An error at the line of `path`.
    pub(crate) fn error(&mut self, path: &str, msg: Msg, hint: Option<Msg>) {
        self.error_code("kind", path, msg, hint);
    }

    /// An error with a specific diagnostic code.
    pub(crate) fn error_code(
        &mut self,
        code: &'static str,
        path: &str,
        msg: Msg,
        hint: Option<Msg>,
    ) {
        let mut d = Diagnostic::error(code, self.file, msg).at_opt(self.line(path));
        d.hint = hint;
        self.errors.push(d);
    }

    /// An error about a field of `f`, prefixed with `f`'s label.
    pub(crate) fn field_error(&mut self, f: &Fields, key: &str, msg: Msg, hint: Option<Msg>) {
        let msg = labelled(f, msg);
        let path = if key.is_empty() {
            f.path.clone()
        } else {
            f.at(key)
        };
        self.error(&path, msg, hint);
    }

    /// Reports keys of `f` that are not in `valid`, suggesting the closest.
    pub(crate) fn check_keys(&mut self, f: &Fields, valid: &[&str]) {
        for key in f.map.keys() {
            if valid.contains(&key.as_str()) {
                continue;
            }
            let line = self.line(&f.at(key)).unwrap_or(1);
            let mut d = unknown_key(self.file, key, line, valid);
            let (zh, en) = f.owner();
            d.message = labelled(
                f,
                Msg::new(
                    format!("{zh}未知的字段 `{key}`"),
                    format!("unknown key `{key}`{en}"),
                ),
            );
            self.errors.push(d);
        }
    }

    /// Reports a missing required field of `f`.
    pub(crate) fn missing(&mut self, f: &Fields, key: &str, example: &str) {
        self.field_error(
            f,
            "",
            match &f.label {
                Some(_) => Msg::new(
                    format!("缺少必填字段 `{key}`"),
                    format!("missing the required key `{key}`"),
                ),
                None => Msg::new(
                    format!("`{}:` 缺少必填字段 `{key}`", f.path),
                    format!("`{}:` is missing the required key `{key}`", f.path),
                ),
            },
            Some(Msg::new(
                format!("加一行 `{key}: {example}`"),
                format!("add a line `{key}: {example}`"),
            )),
        );
    }

    /// A type error about `key` of `f`.
    pub(crate) fn type_error(
        &mut self,
        f: &Fields,
        key: &str,
        v: &Value,
        want_zh: &str,
        want_en: &str,
        example: &str,
    ) {
        let (zh, en) = describe(v);
        self.field_error(
            f,
            key,
            Msg::new(
                format!("`{}` 应是{want_zh}，写的是{zh}", f.name(key)),
                format!("`{}` must be {want_en}, found {en}", f.name(key)),
            ),
            Some(Msg::new(
                format!("例如 `{key}: {example}`"),
                format!("for example `{key}: {example}`"),
            )),
        );
    }

    /// Optional text: a scalar, trimmed; empty text counts as missing.
    pub(crate) fn text(&mut self, f: &Fields, key: &str, example: &str) -> Option<String> {
        let v = f.get(key)?;
        match scalar_text(v) {
            Some(s) if s.is_empty() => None,
            Some(s) => Some(s),
            None => {
                self.type_error(f, key, v, "一段文字", "text", example);
                None
            }
        }
    }

    /// Required text.
    pub(crate) fn required_text(&mut self, f: &Fields, key: &str, example: &str) -> Option<String> {
        if f.get(key).is_none()
            || matches!(f.get(key), Some(Value::String(s)) if s.trim().is_empty())
        {
            self.missing(f, key, example);
            return None;
        }
        self.text(f, key, example)
    }

    /// A list of texts; a single value is a list of one. Empty entries are dropped.
    pub(crate) fn list(&mut self, f: &Fields, key: &str, example: &str) -> Vec<String> {
        let Some(v) = f.get(key) else {
            return Vec::new();
        };
        let items: Vec<&Value> = match v {
            Value::Array(a) => a.iter().collect(),
            other => vec![other],
        };
        let mut out = Vec::new();
        for (i, item) in items.into_iter().enumerate() {
            match item {
                Value::Null => {}
                other => match scalar_text(other) {
                    Some(s) if s.is_empty() => {}
                    Some(s) => out.push(s),
                    None => {
                        let (zh, en) = describe(other);
                        let path = if v.is_array() {
                            format!("{}[{i}]", f.at(key))
                        } else {
                            f.at(key)
                        };
                        self.error(
                            &path,
                            labelled(
                                f,
                                Msg::new(
                                    format!(
                                        "`{}` 的每一项应是一段文字，第 {} 项是{zh}",
                                        f.name(key),
                                        i + 1
                                    ),
                                    format!(
                                        "each entry of `{}` must be text; entry {} is {en}",
                                        f.name(key),
                                        i + 1
                                    ),
                                ),
                            ),
                            Some(Msg::new(
                                format!("例如 `{key}: {example}`"),
                                format!("for example `{key}: {example}`"),
                            )),
                        );
                    }
                },
            }
        }
        out
    }

    /// An optional number (a numeric string such as `"2.5"` counts) that must be ≥ `min`.
    pub(crate) fn number(&mut self, f: &Fields, key: &str, min: f64, example: &str) -> Option<f64> {
        let v = f.get(key)?;
        let x = match v {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse::<f64>().ok().filter(|x| x.is_finite()),
            _ => None,
        };
        let Some(x) = x else {
            self.type_error(f, key, v, "一个数字", "a number", example);
            return None;
        };
        if x < min {
            self.field_error(
                f,
                key,
                Msg::new(
                    format!(
                        "`{}` 不能小于 {}，写的是 {}",
                        f.name(key),
                        number_text(min),
                        number_text(x)
                    ),
                    format!(
                        "`{}` must be at least {}, found {}",
                        f.name(key),
                        number_text(min),
                        number_text(x)
                    ),
                ),
                Some(Msg::new(
                    format!("例如 `{key}: {example}`"),
                    format!("for example `{key}: {example}`"),
                )),
            );
            return None;
        }
        Some(x)
    }

    /// An optional whole number in `range`.
    pub(crate) fn integer(
        &mut self,
        f: &Fields,
        key: &str,
        range: std::ops::RangeInclusive<i64>,
        example: &str,
    ) -> Option<i64> {
        let v = f.get(key)?;
        let n = match v {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse::<i64>().ok(),
            _ => None,
        };
        let Some(n) = n else {
            self.type_error(f, key, v, "一个整数", "a whole number", example);
            return None;
        };
        if !range.contains(&n) {
            self.field_error(
                f,
                key,
                Msg::new(
                    format!(
                        "`{}` 应在 {} 到 {} 之间，写的是 {n}",
                        f.name(key),
                        range.start(),
                        range.end()
                    ),
                    format!(
                        "`{}` must be between {} and {}, found {n}",
                        f.name(key),
                        range.start(),
                        range.end()
                    ),
                ),
                Some(Msg::new(
                    format!("例如 `{key}: {example}`"),
                    format!("for example `{key}: {example}`"),
                )),
            );
            return None;
        }
        Some(n)
    }

    /// An optional date, in the site's time zone.
    pub(crate) fn date(&mut self, f: &Fields, key: &str) -> Option<PageDate> {
        let v = f.get(key)?;
        let text = scalar_text(v);
        match text
            .as_deref()
            .and_then(|s| parse_date(s, self.cfg.timezone))
        {
            Some(d) => Some(d),
            None => {
                let shown = text.unwrap_or_else(|| describe(v).1.to_string());
                self.field_error(
                    f,
                    key,
                    Msg::new(
                        format!("`{}` 的值 `{shown}` 不是有效日期", f.name(key)),
                        format!("`{}: {shown}` is not a valid date", f.name(key)),
                    ),
                    Some(Msg::new(
                        "日期写成 `2024-05-01` 或 `2024年5月1日`",
                        "write dates as `2024-05-01` (or `2024年5月1日`)",
                    )),
                );
                None
            }
        }
    }

    /// An optional value that must be one of `choices` (exact text).
    pub(crate) fn choice<'c>(
        &mut self,
        f: &Fields,
        key: &str,
        choices: &[&'c str],
    ) -> Option<&'c str> {
        let v = f.get(key)?;
        let Some(s) = scalar_text(v) else {
            self.type_error(
                f,
                key,
                v,
                "一段文字",
                "text",
                choices.first().copied().unwrap_or(""),
            );
            return None;
        };
        if let Some(c) = choices.iter().find(|c| **c == s) {
            return Some(c);
        }
        let hint = match suggest(&s, choices) {
            Some(best) => Msg::new(
                format!("是不是想写 `{best}`？可选：{}", choices.join(", ")),
                format!("did you mean `{best}`? Choices: {}", choices.join(", ")),
            ),
            None => Msg::new(
                format!("可选：{}", choices.join(", ")),
                format!("choices: {}", choices.join(", ")),
            ),
        };
        self.field_error(
            f,
            key,
            Msg::new(
                format!("`{}` 的值 `{s}` 无效", f.name(key)),
                format!("`{}: {s}` is not a valid choice", f.name(key)),
            ),
            Some(hint),
        );
        None
    }
}

/// `msg` prefixed with `f`'s label (`第 3 题：...`).
pub(crate) fn labelled(f: &Fields, msg: Msg) -> Msg {
    match &f.label {
        Some(l) => Msg::new(
            format!("{}：{}", l.zh, msg.zh),
            format!("{}: {}", l.en, msg.en),
        ),
        None => msg,
    }
}

/// A date for readers, and its parts templates group by.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DateParts {
    /// `2024-05-01`.
    pub ymd: String,
    /// `2024年5月1日` / `May 1, 2024`.
    pub display: String,
    /// `2024年5月` / `May 2024`.
    pub month: String,
    /// `2024-05`, for grouping and sorting.
    pub month_key: String,
    /// `5月1日` / `May 1`.
    pub day: String,
}

impl DateParts {
    pub(crate) fn of(d: &PageDate, lang: Lang) -> Self {
        let date = d.0.date();
        let (month, day) = match lang {
            Lang::Zh => (
                format!("{}年{}月", date.year(), date.month()),
                format!("{}月{}日", date.month(), date.day()),
            ),
            Lang::En => (
                d.0.strftime("%B %Y").to_string(),
                d.0.strftime("%b %-d").to_string(),
            ),
        };
        DateParts {
            ymd: d.ymd(),
            display: d.display(lang),
            month,
            month_key: d.0.strftime("%Y-%m").to_string(),
            day,
        }
    }
}

/// The inner HTML of a single paragraph (`<p>x</p>` → `x`), for short
/// Markdown fields shown inline; other HTML unchanged.
pub(crate) fn inline_html(html: &str) -> String {
    let t = html.trim();
    if let Some(inner) = t.strip_prefix("<p>").and_then(|s| s.strip_suffix("</p>"))
        && !inner.contains("<p>")
    {
        return inner.to_string();
    }
    t.to_string()
}
