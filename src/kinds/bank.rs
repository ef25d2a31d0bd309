//! The question bank of an exam column: every question of its pages (and
//! of its sub-columns' pages) in one script, for whole-bank practice
//! (`/<column>/practice/`) and for retrying the wrong-answer book
//! (`/<column>/wrongbook/`).
//!
//! The bank is written as `practice/bank.js`, a script that sets
//! `window.lanmuBank` (rather than JSON fetched by the page) so that a
//! `<script>` tag loads it, which also works when the site is opened from a
//! folder (`file://`), like the search index.
//!
//! Shape (`version` 1):
//!
//! ```json
//! {"version":1,"base":"/dangjian/","column":{"title":"真题练习","url":"/dangjian/zhenti/"},
//!  "pages":[{"url":"…","title":"…","exam_type":"考研","year":2024,"tags":["党史"],"source":"…"}],
//!  "questions":[{"page":0,"index":0,"number":1,"type":"single","type_label":"单选题",
//!    "stem_html":"<p>…</p>","options":[{"letter":"A","html":"…"}],"answer":"B",
//!    "answer_display":"B","answer_html":null,"explanation_html":"<p>…</p>","score":1}],
//!  "exam_types":[{"name":"考研","count":12}],"years":[…],"tags":[…]}
//! ```
//!
//! `page` indexes `pages`; `index` is the question's 0-based position in its
//! page, the key the wrong-answer book (`lanmu-wrongbook` in the browser's
//! localStorage, written by `exam.js`) stores with the page URL.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use super::KindData;
use super::exam::{EXAM_TYPES, QuestionType};
use crate::error::{Diagnostic, Msg};
use crate::frontmatter::Kind;
use crate::site::Site;
use crate::urls;

/// A column as the bank names it.
#[derive(Debug, Clone, Serialize)]
pub struct BankColumn<'a> {
    /// Title.
    pub title: &'a str,
    /// `href` of the column.
    pub url: String,
}

/// One exam page of the bank.
#[derive(Debug, Clone, Serialize)]
pub struct BankPage<'a> {
    /// `href` of the page.
    pub url: String,
    /// Page title.
    pub title: &'a str,
    /// `考研`, `公务员`, …
    pub exam_type: &'a str,
    /// Year of the exam.
    pub year: i64,
    /// The page's tags (as the tag pages name them).
    pub tags: Vec<&'a str>,
    /// Where the questions come from.
    pub source: Option<&'a str>,
}

/// One option of a choice question.
#[derive(Debug, Clone, Serialize)]
pub struct BankOption<'a> {
    /// `A`–`H`.
    pub letter: char,
    /// Inline HTML.
    pub html: &'a str,
}

/// One question of the bank.
#[derive(Debug, Clone, Serialize)]
pub struct BankQuestion<'a> {
    /// Index into [`Bank::pages`].
    pub page: usize,
    /// 0-based position in its page (the wrong-answer book's key).
    pub index: usize,
    /// 1-based number in its page.
    pub number: usize,
    /// `single`, `multiple`, `judge` or `short`.
    #[serde(rename = "type")]
    pub kind: QuestionType,
    /// `单选题`, …
    pub type_label: &'a str,
    /// Stem HTML.
    pub stem_html: &'a str,
    /// Options (choice questions).
    pub options: Vec<BankOption<'a>>,
    /// The answer for scripts: `A`, `AC`, `true`/`false`; empty for short answers.
    pub answer: &'a str,
    /// The answer for readers.
    pub answer_display: &'a str,
    /// Reference answer HTML of a short question.
    pub answer_html: Option<&'a str>,
    /// Explanation HTML.
    pub explanation_html: Option<&'a str>,
    /// Points.
    pub score: &'a Value,
}

/// A value to filter by, with the number of questions that have it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Facet {
    /// The value (`考研`, `2024`, a tag).
    pub name: String,
    /// Questions with it.
    pub count: usize,
}

/// The bank of one exam column.
#[derive(Debug, Clone, Serialize)]
pub struct Bank<'a> {
    /// Format version.
    pub version: u32,
    /// The site's base path as written in `href`s (`/dangjian/`): every URL
    /// of the bank starts with it, so a script can resolve them against the
    /// bank's own location (relative links, `file://`).
    pub base: String,
    /// The column.
    pub column: BankColumn<'a>,
    /// Exam pages, in the column's order.
    pub pages: Vec<BankPage<'a>>,
    /// Every question.
    pub questions: Vec<BankQuestion<'a>>,
    /// Exam types present, in the order of [`EXAM_TYPES`].
    pub exam_types: Vec<Facet>,
    /// Years present, newest first.
    pub years: Vec<Facet>,
    /// Tags present, most questions first.
    pub tags: Vec<Facet>,
}

/// Links between an exam column's tools, as templates see them
/// (`column.exam` and `tools`).
#[derive(Debug, Clone, Serialize)]
pub struct Tools {
    /// Whole-bank practice page.
    pub practice: String,
    /// Wrong-answer book page.
    pub wrongbook: String,
    /// Study record page.
    pub record: String,
    /// The bank script.
    pub bank: String,
}

/// The tool links of the exam column at site path `column`.
pub fn tools(column: &str) -> Tools {
    Tools {
        practice: urls::href(&urls::practice(column)),
        wrongbook: urls::href(&urls::wrongbook(column)),
        record: urls::href(&urls::record(column)),
        bank: urls::href(&urls::bank(column)),
    }
}

/// Columns of kind `exam`, in column order.
pub fn exam_columns(site: &Site) -> Vec<usize> {
    (0..site.columns.len())
        .filter(|&ci| site.columns[ci].kind == Kind::Exam)
        .collect()
}

/// The names of a page's tags.
fn page_tags(site: &Site, i: usize) -> Vec<&str> {
    if let (Some(t), Some(list)) = (
        site.taxonomies.iter().find(|t| t.name == "tags"),
        site.page_terms[i].get("tags"),
    ) {
        return list.iter().map(|&k| t.terms[k].name.as_str()).collect();
    }
    site.pages[i]
        .taxonomies
        .get("tags")
        .map(|v| v.iter().map(String::as_str).collect())
        .unwrap_or_default()
}

fn facets(counts: BTreeMap<String, usize>) -> Vec<Facet> {
    counts
        .into_iter()
        .map(|(name, count)| Facet { name, count })
        .collect()
}

/// Collects the bank of column `ci` (its pages and its sub-columns').
pub fn bank(site: &Site, ci: usize) -> Bank<'_> {
    let col = &site.columns[ci];
    let mut pages = Vec::new();
    let mut questions = Vec::new();
    let mut types: BTreeMap<String, usize> = BTreeMap::new();
    let mut years: BTreeMap<i64, usize> = BTreeMap::new();
    let mut tags: BTreeMap<String, usize> = BTreeMap::new();
    for i in site.pages_under(ci) {
        let p = &site.pages[i];
        let KindData::Exam(e) = &p.kind_data else {
            continue;
        };
        let page = pages.len();
        let page_tags = page_tags(site, i);
        let n = e.questions.len();
        *types.entry(e.exam_type.clone()).or_default() += n;
        *years.entry(e.year).or_default() += n;
        for t in &page_tags {
            *tags.entry((*t).to_string()).or_default() += n;
        }
        pages.push(BankPage {
            url: urls::href(&p.path),
            title: &p.title,
            exam_type: &e.exam_type,
            year: e.year,
            tags: page_tags,
            source: e.source.as_deref(),
        });
        for (index, q) in e.questions.iter().enumerate() {
            questions.push(BankQuestion {
                page,
                index,
                number: q.number,
                kind: q.kind,
                type_label: q.type_label,
                stem_html: &q.stem_html,
                options: q
                    .options
                    .iter()
                    .map(|o| BankOption {
                        letter: o.letter,
                        html: &o.html,
                    })
                    .collect(),
                answer: &q.answer,
                answer_display: &q.answer_display,
                answer_html: q.answer_html.as_deref(),
                explanation_html: q.explanation_html.as_deref(),
                score: &q.score,
            });
        }
    }
    let order = |name: &str| {
        EXAM_TYPES
            .iter()
            .position(|t| *t == name)
            .unwrap_or(usize::MAX)
    };
    let mut exam_types = facets(types);
    exam_types.sort_by(|a, b| {
        order(&a.name)
            .cmp(&order(&b.name))
            .then(a.name.cmp(&b.name))
    });
    let years = years
        .into_iter()
        .rev()
        .map(|(y, count)| Facet {
            name: y.to_string(),
            count,
        })
        .collect();
    let mut tags = facets(tags);
    tags.sort_by(|a, b| b.count.cmp(&a.count).then(a.name.cmp(&b.name)));
    Bank {
        version: 1,
        base: urls::href(&site.config.base_path),
        column: BankColumn {
            title: &col.title,
            url: urls::href(&col.path),
        },
        pages,
        questions,
        exam_types,
        years,
        tags,
    }
}

/// The bank as the script `practice/bank.js`: `window.lanmuBank = {…};`.
pub fn script(bank: &Bank) -> String {
    let json = serde_json::to_string(bank).unwrap_or_else(|_| "null".into());
    let json = json
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029");
    format!("window.lanmuBank = {json};\n")
}

/// The JSON inside a `bank.js` written by [`script`] (for tests and tools).
pub fn parse_script(js: &str) -> Option<Value> {
    let json = js
        .trim()
        .strip_prefix("window.lanmuBank = ")?
        .strip_suffix(';')?;
    serde_json::from_str(json).ok()
}

/// What the bank templates show before the script runs: how many
/// questions, and the values to filter by.
#[derive(Debug, Clone, Serialize)]
pub struct Summary<'a> {
    /// Number of questions.
    pub question_count: usize,
    /// Number of exam pages.
    pub page_count: usize,
    /// Exam types.
    pub exam_types: &'a [Facet],
    /// Years.
    pub years: &'a [Facet],
    /// Tags.
    pub tags: &'a [Facet],
}

impl<'a> Bank<'a> {
    /// The bank's figures for templates.
    pub fn summary(&'a self) -> Summary<'a> {
        Summary {
            question_count: self.questions.len(),
            page_count: self.pages.len(),
            exam_types: &self.exam_types,
            years: &self.years,
            tags: &self.tags,
        }
    }
}

/// The file that already publishes at `path`, if any: a page, a column list,
/// a content file, an alias, a taxonomy or term page, or the search page.
/// Generated pages (practice, statistics) must not overwrite them.
pub fn claimed_by(site: &Site, path: &str) -> Option<PathBuf> {
    site.claimed_by(path).map(Path::to_path_buf)
}

/// An error when `path`, which lanmu generates for `what` (zh, en), is
/// already published by a file of the site.
pub fn conflict(site: &Site, path: &str, what: (&str, &str), source: &Path) -> Option<Diagnostic> {
    let other = claimed_by(site, path)?;
    Some(
        Diagnostic::error(
            "duplicate-url",
            source,
            Msg::new(
                format!(
                    "lanmu 生成的{}网址 `{path}` 与 {} 生成的文件重复",
                    what.0,
                    other.display()
                ),
                format!(
                    "the URL `{path}` of the generated {} is also produced by {}",
                    what.1,
                    other.display()
                ),
            ),
        )
        .with_hint(Msg::new(
            "给那个文件换一个文件名，或用 `slug:` 指定别的网址",
            "rename that file, or give it another `slug:`",
        )),
    )
}
