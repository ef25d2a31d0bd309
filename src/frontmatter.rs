//! Front matter: splitting it from the Markdown body and parsing it into typed
//! structs, with every problem reported at its file and line.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use crate::config::{unknown_key, yaml_diagnostic};
use crate::error::{Diagnostic, Msg};
use crate::yaml;

/// Front matter and body of a Markdown file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML text between the `---` lines (`None` when the file has none).
    pub yaml: Option<&'a str>,
    /// The Markdown after the closing `---`.
    pub body: &'a str,
    /// 1-based line of the first YAML line (front matter starts on line 2).
    pub yaml_line: usize,
    /// 1-based line on which the body starts.
    pub body_line: usize,
}

/// Splits `---\nyaml\n---\nbody`. Text must already be BOM-free with `\n`
/// line endings (see [`crate::encoding`]).
pub fn split<'a>(text: &'a str, file: &Path) -> Result<Split<'a>, Diagnostic> {
    let first = text.lines().next().unwrap_or("");
    if first.trim_end() != "---" {
        return Ok(Split {
            yaml: None,
            body: text,
            yaml_line: 1,
            body_line: 1,
        });
    }
    let after_open = first.len() + 1;
    let mut offset = after_open.min(text.len());
    for (line_no, line) in (2..).zip(text[offset..].split_inclusive('\n')) {
        let bare = line.trim_end();
        if bare == "---" || bare == "..." {
            let yaml = &text[after_open.min(text.len())..offset];
            let body_start = (offset + line.len()).min(text.len());
            return Ok(Split {
                yaml: Some(yaml),
                body: &text[body_start..],
                yaml_line: 2,
                body_line: line_no + 1,
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::error(
        "front-matter",
        file,
        Msg::new(
            "front matter 没有结束：第 1 行的 `---` 之后找不到另一行 `---`",
            "front matter is not closed: no `---` line after the opening one on line 1",
        ),
    )
    .at(1, 1)
    .with_hint(Msg::new(
        "在字段之后、正文之前加一行 `---`",
        "add a line `---` after the fields, before the text",
    )))
}

/// A YAML scalar read as text (`2024`, `true` and `标题` all become strings),
/// so `date: 2024-05-01` and `title: 2024` work however YAML typed them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scalar(pub String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a single value (text, number or date)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// A list of values where one value alone is accepted too: `tags: 党史` is
/// `tags: [党史]`. Empty entries are dropped.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OneOrMany(pub Vec<String>);

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list such as [党史学习, 理论学习] or a single value")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany(clean(vec![v.to_string()])))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<OneOrMany, E> {
                Ok(OneOrMany(vec![v.to_string()]))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<OneOrMany, E> {
                Ok(OneOrMany(vec![v.to_string()]))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<OneOrMany, E> {
                Ok(OneOrMany(vec![v.to_string()]))
            }
            fn visit_unit<E: de::Error>(self) -> Result<OneOrMany, E> {
                Ok(OneOrMany(Vec::new()))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrMany, A::Error> {
                let mut v = Vec::new();
                while let Some(s) = seq.next_element::<Option<Scalar>>()? {
                    if let Some(s) = s {
                        v.push(s.0);
                    }
                }
                Ok(OneOrMany(clean(v)))
            }
        }
        d.deserialize_any(V)
    }
}

fn clean(v: Vec<String>) -> Vec<String> {
    v.into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The kind of a column, which decides its pages' schema and templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Reflections, news: no extra block.
    #[default]
    Article,
    /// Exemplary members (先进事迹).
    Member,
    /// Reading lists (书目).
    Book,
    /// Exam question banks (真题).
    Exam,
    /// Volunteer and social-practice reports (志愿服务).
    Report,
}

impl Kind {
    /// All kinds, with their front matter block names.
    pub const ALL: [Kind; 5] = [
        Kind::Article,
        Kind::Member,
        Kind::Book,
        Kind::Exam,
        Kind::Report,
    ];

    /// The name used in `kind:` and as the page's block key.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Article => "article",
            Kind::Member => "member",
            Kind::Book => "book",
            Kind::Exam => "exam",
            Kind::Report => "report",
        }
    }

    /// Parses a `kind:` value.
    pub fn from_name(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == s.trim())
    }
}

/// How a column orders its pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    /// Newest first.
    #[default]
    Date,
    /// Lowest `weight` first, then newest.
    Weight,
    /// By title (Unicode order, which for Chinese is not pinyin order but is stable).
    Title,
}

/// Keys allowed in a page's front matter (taxonomy names from the config are
/// allowed too).
pub const PAGE_KEYS: &[&str] = &[
    "title", "date", "updated", "tags", "summary", "author", "draft", "slug", "weight", "cover",
    "extra", "aliases", "member", "book", "exam", "report",
];

/// Keys allowed in a column's `_index.md` (and the home page's).
pub const COLUMN_KEYS: &[&str] = &[
    "title",
    "description",
    "kind",
    "sort_by",
    "paginate_by",
    "weight",
    "extra",
    "draft",
];

/// A page's front matter as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PageFront {
    /// Title (required).
    pub title: Option<Scalar>,
    /// Publication date (required).
    pub date: Option<Scalar>,
    /// Last update.
    pub updated: Option<Scalar>,
    /// Tags (string or list).
    pub tags: OneOrMany,
    /// Summary for lists and meta description.
    pub summary: Option<String>,
    /// Author's name.
    pub author: Option<Scalar>,
    /// Left out unless `--drafts`.
    pub draft: bool,
    /// URL slug override.
    pub slug: Option<Scalar>,
    /// Order within a `sort_by: weight` column.
    pub weight: Option<i64>,
    /// Cover image (relative to the page or site-absolute).
    pub cover: Option<String>,
    /// Free map for templates.
    pub extra: Option<serde_json::Map<String, serde_json::Value>>,
    /// Old URLs that redirect here.
    pub aliases: OneOrMany,
    /// Kind blocks, checked against the column kind by [`crate::kinds`].
    pub member: Option<serde_json::Value>,
    /// See `member`.
    pub book: Option<serde_json::Value>,
    /// See `member`.
    pub exam: Option<serde_json::Value>,
    /// See `member`.
    pub report: Option<serde_json::Value>,
}

/// A column's (or the home page's) front matter as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ColumnFront {
    /// Column title.
    pub title: Option<Scalar>,
    /// One-line description.
    pub description: Option<String>,
    /// Column kind name.
    pub kind: Option<String>,
    /// Page order.
    pub sort_by: Option<SortBy>,
    /// Items per list page (overrides the config).
    pub paginate_by: Option<usize>,
    /// Order in the navigation.
    pub weight: Option<i64>,
    /// Free map for templates.
    pub extra: Option<serde_json::Map<String, serde_json::Value>>,
    /// Hide the whole column unless `--drafts`.
    pub draft: bool,
}

/// Parsed front matter plus what is needed to point at its lines later.
#[derive(Debug, Clone)]
pub struct Parsed<T> {
    /// The typed fields.
    pub front: T,
    /// Values of the config's taxonomies other than `tags`.
    pub taxonomies: BTreeMap<String, Vec<String>>,
    /// The YAML text (for locating keys in later checks).
    pub yaml: String,
    /// Line of the first YAML line in the file.
    pub yaml_line: usize,
}

impl<T> Parsed<T> {
    /// The file line of a dotted key path, if found.
    pub fn line_of(&self, path: &str) -> Option<usize> {
        yaml::locate(&self.yaml, path).map(|l| l + self.yaml_line - 1)
    }
}

/// Parses front matter text into `T`, checking keys against `allowed` plus
/// `extra_keys` (taxonomy names), and reading those extra keys as lists.
pub fn parse<T: serde::de::DeserializeOwned + Default>(
    yaml_text: Option<&str>,
    yaml_line: usize,
    file: &Path,
    allowed: &[&str],
    extra_keys: &[String],
) -> Result<Parsed<T>, Vec<Diagnostic>> {
    let text = yaml_text.unwrap_or("");
    // One parse; typed fields are read from the parsed value.
    let doc = yaml::parse_doc(text).map_err(|e| vec![yaml_diagnostic(file, text, yaml_line, e)])?;
    let mut valid: Vec<&str> = allowed.to_vec();
    valid.extend(extra_keys.iter().map(String::as_str));
    let mut errors: Vec<Diagnostic> = doc
        .keys()
        .iter()
        .filter(|k| !valid.contains(&k.as_str()))
        .map(|k| unknown_key(file, k, doc.line_of(k) + yaml_line - 1, &valid))
        .collect();
    let front: T = match doc.to() {
        Ok(f) => f,
        Err(e) => {
            errors.push(type_error(file, text, yaml_line, e));
            return Err(errors);
        }
    };
    let mut taxonomies = BTreeMap::new();
    for key in extra_keys {
        if allowed.contains(&key.as_str()) {
            continue;
        }
        match doc.field::<OneOrMany>(key) {
            Ok(Some(v)) => {
                taxonomies.insert(key.clone(), v.0);
            }
            Ok(None) => {}
            Err(e) => errors.push(type_error(file, text, yaml_line, e)),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Parsed {
        front,
        taxonomies,
        yaml: text.to_string(),
        yaml_line,
    })
}

/// A type error (`tags: {a: 1}`, `draft: 也许`) explained in both languages.
fn type_error(file: &Path, text: &str, yaml_line: usize, e: yaml::YamlError) -> Diagnostic {
    let field = e.path.clone().unwrap_or_default();
    let mut d = yaml_diagnostic(file, text, yaml_line, e.clone());
    if e.message.starts_with("invalid type") || e.message.starts_with("invalid value") {
        let expected = e
            .message
            .split("expected ")
            .nth(1)
            .unwrap_or("")
            .to_string();
        let zh_expected = match expected.as_str() {
            "a boolean" => "true 或 false".to_string(),
            s if s.starts_with("i64")
                || s.starts_with("u64")
                || s.starts_with("usize")
                || s.contains("integer") =>
            {
                "整数".to_string()
            }
            s if s.contains("a string") => "文字".to_string(),
            s if s.contains("map") => "`键: 值` 形式的映射".to_string(),
            s => s.to_string(),
        };
        d.message = Msg::new(
            format!("字段 `{field}` 的值类型不对：应为{zh_expected}"),
            format!("wrong type for `{field}`: {}", e.message),
        );
        d.hint = Some(Msg::new(
            "对照 README 中的 front matter 说明修改该字段",
            "see the front matter reference in README.md",
        ));
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_cases() {
        let p = Path::new("a.md");
        let s = split("---\ntitle: a\n---\nbody\n", p).unwrap();
        assert_eq!(s.yaml, Some("title: a\n"));
        assert_eq!(s.body, "body\n");
        assert_eq!(s.body_line, 4);
        let s = split("no front matter", p).unwrap();
        assert_eq!(s.yaml, None);
        assert!(split("---\ntitle: a\nbody\n", p).is_err());
        let s = split("---\n---\n", p).unwrap();
        assert_eq!(s.yaml, Some(""));
        assert_eq!(s.body, "");
    }

    #[test]
    fn one_or_many() {
        let f: PageFront = yaml::from_str("tags: 党史\n").unwrap();
        assert_eq!(f.tags.0, vec!["党史"]);
        let f: PageFront = yaml::from_str("tags: [a, ' b ', '']\n").unwrap();
        assert_eq!(f.tags.0, vec!["a", "b"]);
    }

    #[test]
    fn unknown_and_taxonomy_keys() {
        let p = Path::new("a.md");
        let r = parse::<PageFront>(Some("title: a\ntitel: b\n"), 2, p, PAGE_KEYS, &[]).unwrap_err();
        assert_eq!(r[0].line, Some(3));
        assert!(r[0].hint.as_ref().unwrap().en.contains("`title`"));
        let ok = parse::<PageFront>(
            Some("title: a\nbranch: 一支部\n"),
            2,
            p,
            PAGE_KEYS,
            &["branch".into()],
        )
        .unwrap();
        assert_eq!(ok.taxonomies["branch"], vec!["一支部"]);
    }
}
