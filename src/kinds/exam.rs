//! `exam:` — a practice sheet of exam questions (真题练习).
//!
//! Every problem found in a question names it (`第 3 题` / `question 3`) and
//! points at the line of the offending key.

use serde::Serialize;
use serde_json::Value;

use super::{Cx, Fields, inline_html, labelled, number, scalar_text};
use crate::error::Msg;
use crate::i18n::Lang;

/// Keys of an `exam:` block.
pub const KEYS: &[&str] = &["type", "year", "source", "time_limit", "questions"];

/// Keys of one question.
pub const QUESTION_KEYS: &[&str] = &["type", "stem", "options", "answer", "explanation", "score"];

/// Values of `exam.type`.
pub const EXAM_TYPES: &[&str] = &["考研", "公务员", "选调生", "事业编", "大学生村官", "其他"];

/// Most options a choice question may have (A–H).
pub const MAX_OPTIONS: usize = 8;

const LETTERS: &[u8; MAX_OPTIONS] = b"ABCDEFGH";

/// The type of a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum QuestionType {
    /// One correct option (`single`, `单选`).
    Single,
    /// Two or more correct options (`multiple`, `多选`).
    Multiple,
    /// True or false (`judge`, `判断`).
    Judge,
    /// Free text with a reference answer (`short`, `简答`).
    Short,
}

/// Accepted spellings of question types.
const TYPE_NAMES: &[(&str, QuestionType)] = &[
    ("single", QuestionType::Single),
    ("multiple", QuestionType::Multiple),
    ("judge", QuestionType::Judge),
    ("short", QuestionType::Short),
    ("单选", QuestionType::Single),
    ("多选", QuestionType::Multiple),
    ("判断", QuestionType::Judge),
    ("简答", QuestionType::Short),
    ("单选题", QuestionType::Single),
    ("多选题", QuestionType::Multiple),
    ("判断题", QuestionType::Judge),
    ("简答题", QuestionType::Short),
];

impl QuestionType {
    /// Parses a `type:` value (English names case-insensitively, Chinese aliases).
    pub fn from_name(s: &str) -> Option<QuestionType> {
        let s = s.trim().to_lowercase();
        TYPE_NAMES.iter().find(|(n, _)| *n == s).map(|(_, t)| *t)
    }

    /// The name readers see.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            QuestionType::Single => lang.pick("单选题", "Single choice"),
            QuestionType::Multiple => lang.pick("多选题", "Multiple choice"),
            QuestionType::Judge => lang.pick("判断题", "True or false"),
            QuestionType::Short => lang.pick("简答题", "Short answer"),
        }
    }

    fn has_options(self) -> bool {
        matches!(self, QuestionType::Single | QuestionType::Multiple)
    }
}

/// One option of a choice question.
#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    /// `A`–`H`.
    pub letter: char,
    /// Markdown as written (a leading `A. ` is removed).
    pub text: String,
    /// Inline HTML, once rendered.
    pub html: String,
    /// Whether it is (one of) the answer(s).
    pub correct: bool,
}

/// A validated question.
#[derive(Debug, Clone, Serialize)]
pub struct Question {
    /// 1-based number.
    pub number: usize,
    /// Type.
    #[serde(rename = "type")]
    pub kind: QuestionType,
    /// `单选题`, `多选题`, `判断题`, `简答题`.
    pub type_label: &'static str,
    /// Markdown stem.
    pub stem: String,
    /// Stem HTML, once rendered.
    pub stem_html: String,
    /// Options (single and multiple only).
    pub options: Vec<Choice>,
    /// The answer for scripts: `A`, `AC`, `true`/`false`; empty for short answers.
    pub answer: String,
    /// The answer for readers: `A`, `ABC`, `正确`/`错误`; empty for short answers.
    pub answer_display: String,
    /// Reference answer of a short question (Markdown).
    pub answer_text: Option<String>,
    /// Its HTML, once rendered.
    pub answer_html: Option<String>,
    /// Explanation (Markdown).
    pub explanation: Option<String>,
    /// Its HTML, once rendered.
    pub explanation_html: Option<String>,
    /// Points (default 1).
    pub score: Value,
    #[serde(skip)]
    score_f: f64,
}

/// A validated `exam:` block.
#[derive(Debug, Clone, Serialize)]
pub struct Exam {
    /// `考研`, `公务员`, `选调生`, `事业编`, `大学生村官` or `其他`.
    #[serde(rename = "type")]
    pub exam_type: String,
    /// Year.
    pub year: i64,
    /// Where the questions come from.
    pub source: Option<String>,
    /// Minutes allowed.
    pub time_limit: Option<i64>,
    /// Questions.
    pub questions: Vec<Question>,
    /// Number of questions.
    pub question_count: usize,
    /// Sum of all scores.
    pub total_score: Value,
    /// Sum of the scores a script can check (all but short answers).
    pub auto_score: Value,
    /// Sum of the short answers' scores.
    pub short_score: Value,
}

pub(crate) fn validate(cx: &mut Cx, f: &Fields) -> Option<Exam> {
    cx.check_keys(f, KEYS);
    let exam_type = if f.get("type").is_none() {
        cx.missing(f, "type", "考研");
        None
    } else {
        cx.choice(f, "type", EXAM_TYPES)
    };
    let year = if f.get("year").is_none() {
        cx.missing(f, "year", "2024");
        None
    } else {
        cx.integer(f, "year", 1900..=2999, "2024")
    };
    let source = cx.text(f, "source", "支部学习小组自编");
    let time_limit = cx.integer(f, "time_limit", 1..=1440, "30");
    let questions = match f.get("questions") {
        None => {
            cx.missing(f, "questions", "[...]");
            None
        }
        Some(Value::Array(items)) if items.is_empty() => {
            cx.field_error(
                f,
                "questions",
                Msg::new(
                    "`exam.questions` 是空的：至少要有一道题",
                    "`exam.questions` is empty: add at least one question",
                ),
                Some(question_example()),
            );
            None
        }
        Some(Value::Array(items)) => {
            let before = cx.errors.len();
            let qs: Vec<Option<Question>> = items
                .iter()
                .enumerate()
                .map(|(i, q)| question(cx, f, i, q))
                .collect();
            (cx.errors.len() == before).then(|| qs.into_iter().flatten().collect::<Vec<_>>())
        }
        Some(other) => {
            cx.type_error(
                f,
                "questions",
                other,
                "题目列表",
                "a list of questions",
                "\n    - type: single ...",
            );
            None
        }
    };
    let questions = questions?;
    let total: f64 = questions.iter().map(|q| q.score_f).sum();
    let short: f64 = questions
        .iter()
        .filter(|q| q.kind == QuestionType::Short)
        .map(|q| q.score_f)
        .sum();
    Some(Exam {
        exam_type: exam_type?.to_string(),
        year: year?,
        source,
        time_limit,
        question_count: questions.len(),
        total_score: number(total),
        auto_score: number(total - short),
        short_score: number(short),
        questions,
    })
}

fn question_example() -> Msg {
    Msg::new(
        "每道题写成 `- type: single` 开头的一组字段：type、stem、options、answer、explanation",
        "write each question as a `- type: single` item with type, stem, options, answer, explanation",
    )
}

fn question(cx: &mut Cx, exam: &Fields, i: usize, v: &Value) -> Option<Question> {
    let n = i + 1;
    let label = Msg::new(format!("第 {n} 题"), format!("question {n}"));
    let path = format!("{}[{i}]", exam.at("questions"));
    let Some(map) = v.as_object() else {
        let (zh, en) = super::describe(v);
        cx.error(
            &path,
            Msg::new(
                format!(
                    "{}：应是一组 `字段: 值`（type、stem、answer……），写的是{zh}",
                    label.zh
                ),
                format!(
                    "{}: must be a mapping (type, stem, answer, ...), found {en}",
                    label.en
                ),
            ),
            Some(question_example()),
        );
        return None;
    };
    let f = Fields {
        map,
        path,
        label: Some(label),
    };
    let before = cx.errors.len();
    cx.check_keys(&f, QUESTION_KEYS);
    let kind = question_type(cx, &f);
    let stem = cx.required_text(&f, "stem", "\"马克思主义最根本的世界观和方法论是（　）。\"");
    let options = options(cx, &f, kind);
    let (answer, answer_text) = match kind {
        Some(k) => answer(cx, &f, k, options.as_deref()),
        None => (None, None),
    };
    let explanation = cx.text(&f, "explanation", "\"解析文字\"");
    let score = cx.number(&f, "score", 0.0, "2").unwrap_or(1.0);
    if cx.errors.len() != before {
        return None;
    }
    let kind = kind?;
    let letters = answer.unwrap_or_default();
    let lang = cx.lang();
    let options: Vec<Choice> = options
        .unwrap_or_default()
        .into_iter()
        .zip(LETTERS.iter())
        .map(|(text, &l)| Choice {
            letter: char::from(l),
            correct: letters.contains(char::from(l)),
            text,
            html: String::new(),
        })
        .collect();
    let answer_display = match kind {
        QuestionType::Single | QuestionType::Multiple => letters.clone(),
        QuestionType::Judge if letters == "true" => lang.pick("正确", "True").to_string(),
        QuestionType::Judge => lang.pick("错误", "False").to_string(),
        QuestionType::Short => String::new(),
    };
    Some(Question {
        number: i + 1,
        kind,
        type_label: kind.label(lang),
        stem: stem?,
        stem_html: String::new(),
        options,
        answer: letters,
        answer_display,
        answer_text,
        answer_html: None,
        explanation,
        explanation_html: None,
        score: number(score),
        score_f: score,
    })
}

fn question_type(cx: &mut Cx, f: &Fields) -> Option<QuestionType> {
    let Some(v) = f.get("type") else {
        cx.missing(f, "type", "single");
        return None;
    };
    let s = scalar_text(v).unwrap_or_default();
    if let Some(t) = QuestionType::from_name(&s) {
        return Some(t);
    }
    let names: Vec<&str> = TYPE_NAMES.iter().map(|(n, _)| *n).collect();
    let choices = "single, multiple, judge, short（单选, 多选, 判断, 简答）";
    let hint = match crate::config::suggest(&s.to_lowercase(), &names) {
        Some(best) => Msg::new(
            format!("是不是想写 `{best}`？可选：{choices}"),
            format!("did you mean `{best}`? Choices: {choices}"),
        ),
        None => Msg::new(format!("可选：{choices}"), format!("choices: {choices}")),
    };
    cx.field_error(
        f,
        "type",
        Msg::new(
            format!("未知的题型 `{s}`"),
            format!("unknown question type `{s}`"),
        ),
        Some(hint),
    );
    None
}

/// Letter range text for `count` options: `A–D`.
fn range_text(count: usize) -> String {
    format!("A–{}", char::from(LETTERS[count.clamp(1, MAX_OPTIONS) - 1]))
}

/// Strips `A. `, `A、`, `(A) ` before an option's text when it is that option's letter.
fn strip_letter(text: &str, letter: u8) -> &str {
    let t = text.trim_start();
    let l = char::from(letter);
    for open in ["", "(", "（"] {
        let Some(rest) = t.strip_prefix(open) else {
            continue;
        };
        let Some(rest) = rest.strip_prefix(l) else {
            continue;
        };
        let closes: &[&str] = if open.is_empty() {
            &[".", "．", "、", ":", "：", ")", "）"]
        } else {
            &[")", "）"]
        };
        for c in closes {
            if let Some(after) = rest.strip_prefix(c) {
                let after = after.trim_start();
                if !after.is_empty() {
                    return after;
                }
            }
        }
    }
    t
}

fn options(cx: &mut Cx, f: &Fields, kind: Option<QuestionType>) -> Option<Vec<String>> {
    let v = f.get("options");
    match (kind, v) {
        (Some(k), Some(_)) if !k.has_options() => {
            cx.field_error(
                f,
                "options",
                Msg::new(
                    format!("{}不需要选项 `options`", k.label(Lang::Zh)),
                    format!(
                        "a {} question takes no `options`",
                        k.label(Lang::En).to_lowercase()
                    ),
                ),
                Some(Msg::new(
                    "删掉 `options`，或把 `type` 改成 single / multiple",
                    "remove `options`, or change `type` to single or multiple",
                )),
            );
            return None;
        }
        (Some(k), None) if k.has_options() => {
            cx.field_error(
                f,
                "",
                Msg::new(
                    format!("{}缺少选项 `options`", k.label(Lang::Zh)),
                    format!(
                        "a {} question needs `options`",
                        k.label(Lang::En).to_lowercase()
                    ),
                ),
                Some(Msg::new(
                    "加上 2–8 个选项，例如 `options: [甲, 乙, 丙, 丁]`",
                    "add 2–8 options, e.g. `options: [first, second, third, fourth]`",
                )),
            );
            return None;
        }
        (None, _) | (_, None) => return None,
        _ => {}
    }
    let v = v?;
    let Some(items) = v.as_array() else {
        cx.type_error(
            f,
            "options",
            v,
            "选项列表",
            "a list of options",
            "[甲, 乙, 丙, 丁]",
        );
        return None;
    };
    let before = cx.errors.len();
    let mut texts: Vec<String> = Vec::new();
    for (j, item) in items.iter().enumerate() {
        let path = format!("{}[{j}]", f.at("options"));
        match scalar_text(item) {
            Some(s) if !s.is_empty() => texts.push(s),
            _ => {
                let (zh, en) = super::describe(item);
                cx.error(
                    &path,
                    labelled(
                        f,
                        Msg::new(
                            format!("第 {} 个选项应是一段文字，写的是{zh}", j + 1),
                            format!("option {} must be text, found {en}", j + 1),
                        ),
                    ),
                    Some(Msg::new(
                        "选项内容含 `: ` 时请加引号",
                        "quote an option that contains `: `",
                    )),
                );
                texts.push(String::new());
            }
        }
    }
    if !(2..=MAX_OPTIONS).contains(&items.len()) {
        cx.field_error(
            f,
            "options",
            Msg::new(
                format!("选项应有 2–{MAX_OPTIONS} 个，写了 {} 个", items.len()),
                format!(
                    "a question needs 2–{MAX_OPTIONS} options, found {}",
                    items.len()
                ),
            ),
            None,
        );
        return None;
    }
    if cx.errors.len() != before {
        return None;
    }
    let texts: Vec<String> = texts
        .iter()
        .zip(LETTERS.iter())
        .map(|(t, &l)| strip_letter(t, l).to_string())
        .collect();
    for j in 0..texts.len() {
        if let Some(k) = (0..j).find(|&k| texts[k] == texts[j]) {
            let (a, b) = (char::from(LETTERS[k]), char::from(LETTERS[j]));
            cx.error(
                &format!("{}[{j}]", f.at("options")),
                labelled(
                    f,
                    Msg::new(
                        format!("选项 {b} 与选项 {a} 重复（“{}”）", texts[j]),
                        format!("option {b} duplicates option {a} (“{}”)", texts[j]),
                    ),
                ),
                Some(Msg::new(
                    "改写或删掉重复的选项",
                    "reword or remove the duplicate option",
                )),
            );
        }
    }
    (cx.errors.len() == before).then_some(texts)
}

/// Letters in an answer: `A`, `ab`, `A,C`, `A、C`, `Ａ`; `Err` with the first
/// piece that is not a letter.
fn letters_of(s: &str) -> Result<Vec<char>, String> {
    let mut out = Vec::new();
    for piece in s
        .split([',', '，', '、', ' ', ';', '；', '/'])
        .filter(|p| !p.is_empty())
    {
        for c in piece.chars() {
            let c = match c {
                'Ａ'..='Ｚ' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
                'ａ'..='ｚ' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
                _ => c,
            };
            if c.is_ascii_alphabetic() {
                out.push(c.to_ascii_uppercase());
            } else {
                return Err(piece.to_string());
            }
        }
    }
    Ok(out)
}

fn judge_value(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim().to_lowercase().as_str() {
            "true" | "对" | "正确" | "√" | "✓" => Some(true),
            "false" | "错" | "错误" | "×" | "✗" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// The answer as letters / `true` / `false` (choice and judge), or the
/// reference text (short).
fn answer(
    cx: &mut Cx,
    f: &Fields,
    kind: QuestionType,
    options: Option<&[String]>,
) -> (Option<String>, Option<String>) {
    let v = f.get("answer");
    if kind == QuestionType::Short {
        return (None, cx.text(f, "answer", "\"参考答案要点\""));
    }
    let Some(v) = v else {
        let example = match kind {
            QuestionType::Single => "A",
            QuestionType::Multiple => "[A, C]",
            _ => "true",
        };
        cx.field_error(
            f,
            "",
            Msg::new(
                format!("{}缺少答案 `answer`", kind.label(Lang::Zh)),
                format!(
                    "a {} question needs an `answer`",
                    kind.label(Lang::En).to_lowercase()
                ),
            ),
            Some(Msg::new(
                format!("加一行 `answer: {example}`"),
                format!("add a line `answer: {example}`"),
            )),
        );
        return (None, None);
    };
    if kind == QuestionType::Judge {
        return match judge_value(v) {
            Some(b) => (Some(b.to_string()), None),
            None => {
                let shown = scalar_text(v).unwrap_or_else(|| super::describe(v).1.to_string());
                cx.field_error(
                    f,
                    "answer",
                    Msg::new(
                        format!("判断题的答案应是 true 或 false，写的是 `{shown}`"),
                        format!("a true-or-false answer must be true or false, found `{shown}`"),
                    ),
                    Some(Msg::new(
                        "写 `answer: true` 或 `answer: false`（也可以写 对/错、正确/错误）",
                        "write `answer: true` or `answer: false` (对/错 and 正确/错误 work too)",
                    )),
                );
                (None, None)
            }
        };
    }
    // Single or multiple: letters.
    let pieces: Vec<String> = match v {
        Value::Array(items) => items
            .iter()
            .map(|x| scalar_text(x).unwrap_or_else(|| "?".into()))
            .collect(),
        other => vec![scalar_text(other).unwrap_or_else(|| "?".into())],
    };
    let mut letters = Vec::new();
    for p in &pieces {
        match letters_of(p) {
            Ok(ls) => letters.extend(ls),
            Err(bad) => {
                cx.field_error(
                    f,
                    "answer",
                    Msg::new(
                        format!("答案 `{bad}` 不是选项字母"),
                        format!("answer `{bad}` is not an option letter"),
                    ),
                    Some(Msg::new(
                        "答案写选项字母，例如 `answer: B` 或 `answer: [A, C]`",
                        "write option letters, e.g. `answer: B` or `answer: [A, C]`",
                    )),
                );
                return (None, None);
            }
        }
    }
    let mut ok = true;
    if let Some(opts) = options {
        for &l in &letters {
            let idx = usize::from(l as u8 - b'A');
            if idx >= opts.len() {
                ok = false;
                cx.field_error(
                    f,
                    "answer",
                    Msg::new(
                        format!("答案 {l} 不在选项范围内：本题只有 {} 个选项（{}）", opts.len(), range_text(opts.len())),
                        format!("answer {l} is not among the options: this question has {} options ({})", opts.len(), range_text(opts.len())),
                    ),
                    Some(Msg::new("检查答案字母，或补上缺少的选项", "check the answer letter, or add the missing option")),
                );
            }
        }
    }
    let mut seen = Vec::new();
    for &l in &letters {
        if seen.contains(&l) {
            ok = false;
            cx.field_error(
                f,
                "answer",
                Msg::new(
                    format!("答案中 {l} 写了不止一次"),
                    format!("answer {l} is listed more than once"),
                ),
                None,
            );
        }
        seen.push(l);
    }
    match kind {
        QuestionType::Single if letters.len() != 1 => {
            ok = false;
            cx.field_error(
                f,
                "answer",
                Msg::new(
                    format!("单选题只能有一个答案，写了 {} 个", letters.len()),
                    format!(
                        "a single-choice question has exactly one answer, found {}",
                        letters.len()
                    ),
                ),
                Some(Msg::new(
                    "只保留一个字母，或把 `type` 改成 multiple",
                    "keep one letter, or change `type` to multiple",
                )),
            );
        }
        QuestionType::Multiple if letters.len() < 2 => {
            ok = false;
            cx.field_error(
                f,
                "answer",
                Msg::new(
                    format!("多选题至少要有两个答案，写了 {} 个", letters.len()),
                    format!(
                        "a multiple-choice question needs at least two answers, found {}",
                        letters.len()
                    ),
                ),
                Some(Msg::new(
                    "写成 `answer: [A, C]`；只有一个正确选项时把 `type` 改成 single",
                    "write `answer: [A, C]`; with one correct option change `type` to single",
                )),
            );
        }
        _ => {}
    }
    if !ok || options.is_none() {
        return (None, None);
    }
    letters.sort_unstable();
    (Some(letters.into_iter().collect()), None)
}

impl Exam {
    pub(crate) fn finish(&mut self, md: &mut dyn FnMut(&str) -> String) {
        for q in &mut self.questions {
            q.stem_html = md(&q.stem);
            for o in &mut q.options {
                o.html = inline_html(&md(&o.text));
            }
            q.answer_html = q.answer_text.as_deref().map(&mut *md);
            q.explanation_html = q.explanation.as_deref().map(&mut *md);
        }
    }
}
