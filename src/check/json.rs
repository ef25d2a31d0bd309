//! `lanmu check --format json`: a stable, versioned schema for editors and CI.
//!
//! ```json
//! {
//!   "version": 1,
//!   "summary": {"errors": 0, "warnings": 2, "files": 1, "sources": 40, "outputs": 120},
//!   "diagnostics": [
//!     {"path": "content/xinde/a.md", "line": 12, "column": 3, "severity": "warning",
//!      "code": "typography", "message": "中文与英文之间缺少空格：…", "message_en": "add a space …",
//!      "hint": "运行 …", "hint_en": "run …"}
//!   ],
//!   "external": {"total": 3, "unique": 2, "checked": false, "ok": 0, "broken": 0, "unchecked": 2,
//!                "links": [{"url": "https://…", "count": 2, "file": "content/…", "line": 5,
//!                           "status": "unchecked", "detail": "…"}]},
//!   "fixed": [{"path": "content/xinde/a.md", "count": 3}]
//! }
//! ```
//!
//! `path` uses `/`; `line` and `column` are 1-based (column in characters)
//! or `null`; `severity` is `error` or `warning`; `message` and `hint` are in
//! the site language, `message_en` and `hint_en` always in English; `hint`
//! and `hint_en` may be `null`. Diagnostics are sorted by path, line, column.
//! `summary.files` counts the files with at least one diagnostic. Fields may
//! be added within version 1; none is removed or changes meaning.

use serde::Serialize;

use super::{CheckReport, group_by_file};
use crate::i18n::Lang;

#[derive(Serialize)]
struct Doc<'a> {
    version: u32,
    summary: Summary,
    diagnostics: Vec<Item<'a>>,
    external: &'a super::external::Summary,
    fixed: Vec<Fixed>,
}

#[derive(Serialize)]
struct Summary {
    errors: usize,
    warnings: usize,
    files: usize,
    sources: usize,
    outputs: usize,
}

#[derive(Serialize)]
struct Item<'a> {
    path: String,
    line: Option<usize>,
    column: Option<usize>,
    severity: crate::error::Severity,
    code: &'a str,
    message: &'a str,
    message_en: &'a str,
    hint: Option<&'a str>,
    hint_en: Option<&'a str>,
}

#[derive(Serialize)]
struct Fixed {
    path: String,
    count: usize,
}

/// The report as a JSON document (pretty-printed, ending in a newline).
pub fn to_json(r: &CheckReport) -> String {
    let mut diagnostics = Vec::new();
    for (path, ds) in group_by_file(&r.diagnostics) {
        for d in ds {
            diagnostics.push(Item {
                path: path.clone(),
                line: d.line,
                column: d.column,
                severity: d.severity,
                code: d.code,
                message: if r.lang == Lang::Zh {
                    &d.message.zh
                } else {
                    &d.message.en
                },
                message_en: &d.message.en,
                hint: d.hint.as_ref().map(|h| {
                    if r.lang == Lang::Zh {
                        h.zh.as_str()
                    } else {
                        h.en.as_str()
                    }
                }),
                hint_en: d.hint.as_ref().map(|h| h.en.as_str()),
            });
        }
    }
    let doc = Doc {
        version: 1,
        summary: Summary {
            errors: r.errors(),
            warnings: r.warnings(),
            files: r.files(),
            sources: r.checked.sources,
            outputs: r.checked.outputs,
        },
        diagnostics,
        external: &r.external,
        fixed: r
            .fixed
            .iter()
            .map(|(p, n)| Fixed {
                path: p.display().to_string().replace('\\', "/"),
                count: *n,
            })
            .collect(),
    };
    let mut s = serde_json::to_string_pretty(&doc)
        .unwrap_or_else(|e| format!("{{\"version\":1,\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}
