//! Taxonomy hygiene: terms used on one page only, spellings of one term that
//! differ only by full-width/half-width forms, case or spaces (`党史学习`,
//! `党史 学习`, `党史学习 `; but `党史学习` and `党史学习教育` are different
//! terms), and pages without tags.

use std::collections::BTreeMap;

use super::Inputs;
use crate::content::Page;
use crate::error::{Diagnostic, Msg};
use crate::slug::term_key;

/// How many term names a warning lists before "and N more".
const LIST_MAX: usize = 20;

fn key_line(p: &Page, key: &str) -> Option<usize> {
    crate::yaml::locate(&p.yaml.0, key).map(|l| l + p.yaml.1 - 1)
}

/// The key under which spellings are one term: [`term_key`] without any
/// whitespace at all.
fn loose_key(term: &str) -> String {
    term_key(term)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn list(names: &[&str], zh: bool) -> String {
    let shown: Vec<String> = names
        .iter()
        .take(LIST_MAX)
        .map(|n| format!("`{n}`"))
        .collect();
    let sep = if zh { "、" } else { ", " };
    let mut s = shown.join(sep);
    if names.len() > LIST_MAX {
        let more = names.len() - LIST_MAX;
        s.push_str(&if zh {
            format!(" 等 {} 个", names.len())
        } else {
            format!(" and {more} more")
        });
    }
    s
}

/// Taxonomy warnings for the site's pages.
pub fn check(inputs: &Inputs) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let pages = inputs.pages;
    for tax in &inputs.config.taxonomies {
        if tax == "author" {
            continue; // one author per page is normal
        }
        // loose key -> spelling -> pages using it
        let mut groups: BTreeMap<String, BTreeMap<String, Vec<usize>>> = BTreeMap::new();
        for (i, p) in pages.iter().enumerate() {
            let Some(terms) = p.taxonomies.get(tax) else {
                continue;
            };
            for t in terms {
                let k = loose_key(t);
                if k.is_empty() {
                    continue;
                }
                let users = groups
                    .entry(k)
                    .or_default()
                    .entry(t.trim().to_string())
                    .or_default();
                if users.last() != Some(&i) {
                    users.push(i);
                }
            }
        }
        // Terms used on one page only, one warning per page.
        let mut once: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
        for spellings in groups.values() {
            let mut users: Vec<usize> = spellings.values().flatten().copied().collect();
            users.sort_unstable();
            users.dedup();
            if users.len() == 1
                && let Some(name) = spellings.keys().next()
            {
                once.entry(users[0]).or_default().push(name);
            }
        }
        for (i, names) in once {
            let p = &pages[i];
            out.push(
                Diagnostic::warning(
                    "term-once",
                    &p.file,
                    Msg::new(
                        format!("{tax} 中只有本页使用的词：{}", list(&names, true)),
                        format!("{tax} term(s) used on this page only: {}", list(&names, false)),
                    ),
                )
                .at_opt(key_line(p, tax))
                .with_hint(Msg::new(
                    "改用站内已有的写法，或确认以后还会有文章使用它（只用一次的标签没有归类作用）",
                    "use a term other pages already use, or make sure more pages will use it (a term on one page groups nothing)",
                )),
            );
        }
        // Spelling variants of one term.
        for spellings in groups.values().filter(|s| s.len() > 1) {
            let detail_zh: Vec<String> = spellings
                .iter()
                .map(|(s, users)| {
                    let files: Vec<String> = users
                        .iter()
                        .take(3)
                        .map(|&i| where_(&pages[i], tax))
                        .collect();
                    let more = if users.len() > 3 {
                        format!(" 等 {} 个文件", users.len())
                    } else {
                        String::new()
                    };
                    format!("`{s}`（{}{more}）", files.join("、"))
                })
                .collect();
            let detail_en: Vec<String> = spellings
                .iter()
                .map(|(s, users)| {
                    let files: Vec<String> = users
                        .iter()
                        .take(3)
                        .map(|&i| where_(&pages[i], tax))
                        .collect();
                    let more = if users.len() > 3 {
                        format!(" and {} more", users.len() - 3)
                    } else {
                        String::new()
                    };
                    format!("`{s}` ({}{more})", files.join(", "))
                })
                .collect();
            // Reported at the least used spelling, which is likely the odd one out.
            let Some((odd, users)) = spellings
                .iter()
                .min_by(|a, b| a.1.len().cmp(&b.1.len()).then_with(|| a.0.cmp(b.0)))
            else {
                continue;
            };
            let p = &pages[users[0]];
            out.push(
                Diagnostic::warning(
                    "term-variants",
                    &p.file,
                    Msg::new(
                        format!("{tax} 中的 `{odd}` 与其他写法只差全角/半角、大小写或空格：{}", detail_zh.join("、")),
                        format!(
                            "`{odd}` in {tax} differs from other spellings only by width, case or spaces: {}",
                            detail_en.join(", ")
                        ),
                    ),
                )
                .at_opt(key_line(p, tax))
                .with_hint(Msg::new(
                    "统一成一种写法；网站上它们已合并为一个标签，但各处显示的文字不同",
                    "use one spelling everywhere",
                )),
            );
        }
    }
    if inputs.config.taxonomies.iter().any(|t| t == "tags") {
        for p in pages {
            if p.taxonomies
                .get("tags")
                .is_none_or(|t| t.iter().all(|s| s.trim().is_empty()))
            {
                out.push(
                    Diagnostic::warning("no-tags", &p.file, Msg::new("页面没有标签", "page has no tags"))
                        .at_opt(key_line(p, "tags").or(Some(p.yaml.1)))
                        .with_hint(Msg::new(
                            "加一行 `tags: [党史学习, 理论学习]`，读者才能按主题找到它",
                            "add a line such as `tags: [party history, theory]` so readers find it by topic",
                        )),
                );
            }
        }
    }
    out
}

fn where_(p: &Page, tax: &str) -> String {
    let f = p.file.display().to_string().replace('\\', "/");
    match key_line(p, tax) {
        Some(l) => format!("{f}:{l}"),
        None => f,
    }
}

/// Whether two terms would be flagged as variants of each other.
pub fn are_variants(a: &str, b: &str) -> bool {
    a.trim() != b.trim() && loose_key(a) == loose_key(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants() {
        assert!(are_variants("党史学习", "党史 学习"));
        assert!(are_variants("ＡＩ", "ai"));
        assert!(are_variants("AI 学习", "ai学习"));
        assert!(!are_variants("党史学习", "党史学习教育"));
        assert!(!are_variants("党史学习", "党史学习"));
    }
}
