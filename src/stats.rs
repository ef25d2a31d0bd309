//! The statistics page (`/stats/`): what the site holds, computed at build
//! time and drawn as SVG charts in Rust — no chart script in the browser.
//!
//! Figures:
//!
//! * pages per column (each column's own pages; sub-columns have their own
//!   row) and pages published per month (a timeline);
//! * volunteer service (`report:` pages) by branch and by year of the
//!   activity date: activities, participants (人次, the sum of
//!   `participants`), hours (the sum of `hours`, each activity's length) and
//!   person-hours (人·小时, the sum of `hours × participants` over activities
//!   that give both). An activity counts under the first `branch` of its page,
//!   else its `organizer`, else 未注明;
//! * books by `format`; exam questions by type and by exam year;
//! * the most used tags.
//!
//! Every chart is an `<svg role="img">` with `<title>`, `<desc>` and an
//! `aria-label`, scaled to the width of the page (`viewBox`, `width="100%"`),
//! coloured through CSS classes that use the theme's variables (with plain
//! colours as attributes for when no style sheet applies), and comes with
//! its numbers as a table for templates to put in a `<details>`.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use crate::i18n::Lang;
use crate::kinds::exam::QuestionType;
use crate::kinds::{Format, KindData};
use crate::markdown::escape_attr;
use crate::site::Site;

/// Width of every chart's `viewBox`.
pub const WIDTH: f64 = 360.0;
/// Most bars in one chart (the table keeps every row).
pub const MAX_BARS: usize = 15;

/// A table of a chart's numbers.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Table {
    /// Column headings.
    pub head: Vec<String>,
    /// Rows of cells (the first cell names the row).
    pub rows: Vec<Vec<String>>,
}

/// One chart: its SVG and the same numbers as a table.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    /// `id` of the chart (unique on the page).
    pub id: String,
    /// Title.
    pub title: String,
    /// The text alternative: what the chart shows in one or two sentences.
    pub desc: String,
    /// The `<svg>` element.
    pub svg: String,
    /// Its numbers.
    pub table: Table,
}

/// A group of charts under one heading.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    /// `id` of the heading.
    pub id: String,
    /// Heading.
    pub title: String,
    /// What is counted and how.
    pub note: Option<String>,
    /// Charts.
    pub charts: Vec<Chart>,
}

/// A headline number.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    /// What it counts.
    pub label: String,
    /// The number, formatted.
    pub value: String,
    /// Unit (`篇`, `人·小时`).
    pub unit: String,
}

/// Everything the statistics page shows.
#[derive(Debug, Clone, Serialize)]
pub struct SiteStats {
    /// Headline numbers.
    pub figures: Vec<Figure>,
    /// Chart groups (only those with data).
    pub sections: Vec<Section>,
}

/// Volunteer figures of one group (a branch or a year).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Service {
    /// Activities (report pages).
    pub activities: usize,
    /// Sum of `participants`.
    pub participants: i64,
    /// Sum of `hours`.
    pub hours: f64,
    /// Sum of `hours × participants` over activities that give both.
    pub person_hours: f64,
}

impl Service {
    fn add(&mut self, hours: Option<f64>, participants: Option<i64>) {
        self.activities += 1;
        self.participants += participants.unwrap_or(0);
        self.hours += hours.unwrap_or(0.0);
        if let (Some(h), Some(p)) = (hours, participants) {
            self.person_hours += h * p as f64;
        }
    }
}

/// A number for readers: whole numbers without a fraction, others with at
/// most two decimals (`6`, `2.5`).
pub fn num(x: f64) -> String {
    let r = (x * 100.0).round() / 100.0;
    crate::kinds::number_text(r)
}

/// Volunteer service by branch (first `branch` of the page, else the
/// organizer, else `unknown`) and by year of the activity date.
pub fn service(
    site: &Site,
    unknown: &str,
) -> (BTreeMap<String, Service>, BTreeMap<String, Service>) {
    let mut by_branch: BTreeMap<String, Service> = BTreeMap::new();
    let mut by_year: BTreeMap<String, Service> = BTreeMap::new();
    for p in &site.pages {
        let KindData::Report(r) = &p.kind_data else {
            continue;
        };
        let hours = r.hours.as_ref().and_then(serde_json::Value::as_f64);
        let branch = p
            .taxonomies
            .get("branch")
            .and_then(|b| b.first())
            .cloned()
            .or_else(|| r.organizer.clone())
            .unwrap_or_else(|| unknown.to_string());
        by_branch
            .entry(branch)
            .or_default()
            .add(hours, r.participants);
        let year = r.date.get(..4).unwrap_or("").to_string();
        by_year.entry(year).or_default().add(hours, r.participants);
    }
    (by_branch, by_year)
}

/// Approximate width of text in `em` (CJK and full-width 1, others ~0.6).
fn text_em(s: &str) -> f64 {
    s.chars()
        .map(|c| if c.is_ascii() { 0.6 } else { 1.0 })
        .sum()
}

/// `s` cut to about `em` wide, with `…`.
fn fit(s: &str, em: f64) -> String {
    if text_em(s) <= em {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0.0;
    for c in s.chars() {
        w += if c.is_ascii() { 0.6 } else { 1.0 };
        if w > em - 1.0 {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

fn svg_open(out: &mut String, id: &str, title: &str, desc: &str, height: f64) {
    let _ = write!(
        out,
        "<svg class=\"chart\" id=\"{id}-svg\" viewBox=\"0 0 {WIDTH} {height}\" width=\"100%\" role=\"img\" aria-label=\"{}\" aria-describedby=\"{id}-desc\" xmlns=\"http://www.w3.org/2000/svg\"><title>{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape_attr(title),
        escape_attr(title),
        escape_attr(desc)
    );
}

/// A horizontal bar chart: each row's label above its bar, the value after
/// it. Readable on a phone: labels use the full width.
pub fn bar_svg(id: &str, title: &str, desc: &str, rows: &[(String, f64)], unit: &str) -> String {
    const ROW: f64 = 40.0;
    const FONT: f64 = 14.0;
    const VALUE_FONT: f64 = 13.0;
    let rows = &rows[..rows.len().min(MAX_BARS)];
    let height = (rows.len() as f64 * ROW + 6.0).max(ROW);
    let max = rows.iter().map(|r| r.1).fold(0.0, f64::max);
    // Room after the longest bar for the longest value.
    let value_room = rows
        .iter()
        .map(|r| text_em(&format!("{}{unit}", num(r.1))) * VALUE_FONT + 8.0)
        .fold(40.0, f64::max)
        .min(WIDTH / 2.0);
    let mut out = String::new();
    svg_open(&mut out, id, title, desc, height);
    for (k, (label, value)) in rows.iter().enumerate() {
        let y = k as f64 * ROW;
        let w = if max > 0.0 {
            ((value / max) * (WIDTH - value_room)).max(if *value > 0.0 { 2.0 } else { 0.0 })
        } else {
            0.0
        };
        let _ = write!(
            out,
            "<text class=\"chart-label\" x=\"0\" y=\"{}\" font-size=\"{FONT}\" fill=\"#1f1e1c\">{}</text><rect class=\"chart-bar\" x=\"0\" y=\"{}\" width=\"{}\" height=\"13\" rx=\"2\" fill=\"#b71c1c\"/><text class=\"chart-value\" x=\"{}\" y=\"{}\" font-size=\"{VALUE_FONT}\" fill=\"#5f5a53\">{}{}</text>",
            y + 16.0,
            escape_attr(&fit(label, WIDTH / FONT)),
            y + 22.0,
            num(w),
            num(w + 6.0),
            y + 33.0,
            num(*value),
            escape_attr(unit)
        );
    }
    out.push_str("</svg>");
    out
}

/// A timeline: one point per month from the first to the last, joined by a
/// line; years marked on the axis.
pub fn timeline_svg(id: &str, title: &str, desc: &str, months: &[(String, usize)]) -> String {
    let height = 190.0;
    let (left, right, top, bottom) = (30.0, WIDTH - 8.0, 14.0, 160.0);
    let max = months.iter().map(|m| m.1).max().unwrap_or(0).max(1) as f64;
    let n = months.len().max(1);
    let x = |k: usize| {
        if n == 1 {
            (left + right) / 2.0
        } else {
            left + (right - left) * k as f64 / (n - 1) as f64
        }
    };
    let y = |v: usize| bottom - (bottom - top) * v as f64 / max;
    let mut out = String::new();
    svg_open(&mut out, id, title, desc, height);
    let _ = write!(
        out,
        "<line class=\"chart-axis\" x1=\"{left}\" y1=\"{bottom}\" x2=\"{right}\" y2=\"{bottom}\" stroke=\"#cdc7be\"/><line class=\"chart-axis\" x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{bottom}\" stroke=\"#cdc7be\"/><text class=\"chart-value\" x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\" fill=\"#5f5a53\">{}</text><text class=\"chart-value\" x=\"{}\" y=\"{bottom}\" font-size=\"12\" text-anchor=\"end\" fill=\"#5f5a53\">0</text>",
        left - 4.0,
        top + 4.0,
        num(max),
        left - 4.0
    );
    let points: Vec<String> = months
        .iter()
        .enumerate()
        .map(|(k, m)| format!("{},{}", num(x(k)), num(y(m.1))))
        .collect();
    let _ = write!(
        out,
        "<polyline class=\"chart-line\" points=\"{}\" fill=\"none\" stroke=\"#b71c1c\" stroke-width=\"2\" stroke-linejoin=\"round\"/>",
        points.join(" ")
    );
    for (k, m) in months.iter().enumerate() {
        if m.1 > 0 {
            let _ = write!(
                out,
                "<circle class=\"chart-dot\" cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"#b71c1c\"/>",
                num(x(k)),
                num(y(m.1))
            );
        }
        // Year labels at January and at the first month.
        let (year, month) = m.0.split_once('-').unwrap_or((&m.0, ""));
        if k == 0 || month == "01" {
            let _ = write!(
                out,
                "<line class=\"chart-axis\" x1=\"{0}\" y1=\"{bottom}\" x2=\"{0}\" y2=\"{1}\" stroke=\"#cdc7be\"/><text class=\"chart-value\" x=\"{0}\" y=\"{2}\" font-size=\"13\" text-anchor=\"{3}\" fill=\"#5f5a53\">{year}</text>",
                num(x(k)),
                bottom + 5.0,
                bottom + 22.0,
                if n > 1 && k + 1 == n { "end" } else { "start" },
            );
        }
    }
    out.push_str("</svg>");
    out
}

/// One sentence describing bar rows: count and the largest.
fn describe(
    lang: Lang,
    rows: &[(String, f64)],
    unit: &str,
    what_zh: &str,
    what_en: &str,
) -> String {
    let Some(top) = rows.iter().max_by(|a, b| a.1.total_cmp(&b.1)) else {
        return String::new();
    };
    let total: f64 = rows.iter().map(|r| r.1).sum();
    match lang {
        Lang::Zh => format!(
            "共 {} 项{what_zh}，合计 {}{unit}；最多的是“{}”，{}{unit}。",
            rows.len(),
            num(total),
            top.0,
            num(top.1)
        ),
        Lang::En => format!(
            "{} {what_en}, {}{unit} in all; the largest is “{}” with {}{unit}.",
            rows.len(),
            num(total),
            top.0,
            num(top.1)
        ),
    }
}

struct Builder {
    lang: Lang,
}

impl Builder {
    fn pick<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        self.lang.pick(zh, en)
    }

    /// A bar chart with a table of `head` columns; `rows` are (label, bar
    /// value, cells after the label).
    #[allow(clippy::too_many_arguments)]
    fn bars(
        &self,
        id: &str,
        title: &str,
        unit: &str,
        what: (&str, &str),
        head: Vec<String>,
        rows: Vec<(String, f64, Vec<String>)>,
    ) -> Chart {
        let bars: Vec<(String, f64)> = rows.iter().map(|r| (r.0.clone(), r.1)).collect();
        let desc = describe(self.lang, &bars, unit, what.0, what.1);
        let svg = bar_svg(id, title, &desc, &bars, unit);
        Chart {
            id: id.to_string(),
            title: title.to_string(),
            desc,
            svg,
            table: Table {
                head,
                rows: rows
                    .into_iter()
                    .map(|(label, _, cells)| std::iter::once(label).chain(cells).collect())
                    .collect(),
            },
        }
    }
}

/// Computes every figure of the statistics page.
pub fn compute(site: &Site) -> SiteStats {
    let lang = site.config.lang;
    let b = Builder { lang };
    let mut sections = Vec::new();
    let mut figures = Vec::new();
    let fig = |label: &str, value: String, unit: &str| Figure {
        label: label.to_string(),
        value,
        unit: unit.to_string(),
    };
    let pages_unit = b.pick("篇", " pages");
    figures.push(fig(
        b.pick("文章", "Pages"),
        site.pages.len().to_string(),
        pages_unit,
    ));
    figures.push(fig(
        b.pick("栏目", "Columns"),
        (site.columns.len() - 1).to_string(),
        b.pick("个", ""),
    ));
    if let Some(t) = site.taxonomies.iter().find(|t| t.name == "tags") {
        figures.push(fig(
            b.pick("标签", "Tags"),
            t.terms.len().to_string(),
            b.pick("个", ""),
        ));
    }

    // Columns and publishing.
    let mut charts = Vec::new();
    let mut order = Vec::new();
    let mut stack: Vec<(usize, String)> = site
        .top_columns()
        .iter()
        .rev()
        .map(|&c| (c, site.columns[c].title.clone()))
        .collect();
    while let Some((c, label)) = stack.pop() {
        order.push((c, label.clone()));
        for &k in site.column_children[c].iter().rev() {
            stack.push((k, format!("{label} / {}", site.columns[k].title)));
        }
    }
    if !site.column_pages[0].is_empty() {
        order.insert(0, (0, b.pick("首页", "Home").to_string()));
    }
    if !order.is_empty() {
        let rows = order
            .iter()
            .map(|(c, label)| {
                let n = site.column_pages[*c].len();
                (label.clone(), n as f64, vec![n.to_string()])
            })
            .collect();
        charts.push(b.bars(
            "stats-columns",
            b.pick("各栏目文章数", "Pages per column"),
            pages_unit,
            ("栏目", "columns"),
            vec![
                b.pick("栏目", "Column").to_string(),
                b.pick("文章数", "Pages").to_string(),
            ],
            rows,
        ));
    }
    let mut months: BTreeMap<String, usize> = BTreeMap::new();
    for p in &site.pages {
        *months
            .entry(p.date.0.strftime("%Y-%m").to_string())
            .or_default() += 1;
    }
    if let (Some(first), Some(last)) = (months.keys().next(), months.keys().next_back()) {
        let parse = |k: &str| {
            let (y, m) = k.split_once('-').unwrap_or((k, "1"));
            (y.parse::<i32>().unwrap_or(0), m.parse::<i32>().unwrap_or(1))
        };
        let (mut y, mut m) = parse(first);
        let end = parse(last);
        let mut all: Vec<(String, usize)> = Vec::new();
        while (y, m) <= end && all.len() < 1200 {
            let key = format!("{y:04}-{m:02}");
            all.push((key.clone(), months.get(&key).copied().unwrap_or(0)));
            m += 1;
            if m > 12 {
                m = 1;
                y += 1;
            }
        }
        let busiest = all.iter().max_by_key(|m| m.1).cloned().unwrap_or_default();
        let title = b.pick("每月发布文章数", "Pages published per month");
        let desc = match lang {
            Lang::Zh => format!(
                "从 {} 到 {}，共 {} 篇；最多的月份是 {}，{} 篇。",
                first,
                last,
                site.pages.len(),
                busiest.0,
                busiest.1
            ),
            Lang::En => format!(
                "From {} to {}, {} pages; the busiest month is {} with {}.",
                first,
                last,
                site.pages.len(),
                busiest.0,
                busiest.1
            ),
        };
        let svg = timeline_svg("stats-timeline", title, &desc, &all);
        charts.push(Chart {
            id: "stats-timeline".into(),
            title: title.into(),
            desc,
            svg,
            table: Table {
                head: vec![
                    b.pick("月份", "Month").into(),
                    b.pick("文章数", "Pages").into(),
                ],
                rows: all
                    .iter()
                    .filter(|m| m.1 > 0)
                    .map(|(k, v)| vec![k.clone(), v.to_string()])
                    .collect(),
            },
        });
    }
    if !charts.is_empty() {
        sections.push(Section {
            id: "stats-content".into(),
            title: b.pick("栏目与发布", "Columns and publishing").into(),
            note: None,
            charts,
        });
    }

    // Volunteer service.
    let (by_branch, by_year) = service(site, b.pick("未注明", "Not given"));
    if !by_branch.is_empty() {
        let total = by_branch.values().fold(Service::default(), |mut a, s| {
            a.activities += s.activities;
            a.participants += s.participants;
            a.hours += s.hours;
            a.person_hours += s.person_hours;
            a
        });
        let ph = b.pick("人·小时", " person-hours");
        figures.push(fig(
            b.pick("志愿服务", "Volunteer activities"),
            total.activities.to_string(),
            b.pick("次", ""),
        ));
        figures.push(fig(
            b.pick("参与", "Participants"),
            total.participants.to_string(),
            b.pick("人次", ""),
        ));
        figures.push(fig(
            b.pick("服务总时长", "Service"),
            num(total.person_hours),
            ph,
        ));
        let head = |first: &str| {
            vec![
                first.to_string(),
                b.pick("活动次数", "Activities").to_string(),
                b.pick("参与人次", "Participants").to_string(),
                b.pick("活动时长（小时）", "Hours").to_string(),
                b.pick("总时长（人·小时）", "Person-hours").to_string(),
            ]
        };
        let rows = |m: &BTreeMap<String, Service>| -> Vec<(String, f64, Vec<String>)> {
            m.iter()
                .map(|(k, s)| {
                    (
                        k.clone(),
                        s.person_hours,
                        vec![
                            s.activities.to_string(),
                            s.participants.to_string(),
                            num(s.hours),
                            num(s.person_hours),
                        ],
                    )
                })
                .collect()
        };
        let mut branch_rows = rows(&by_branch);
        branch_rows.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut year_rows = rows(&by_year);
        year_rows.reverse();
        let charts = vec![
            b.bars(
                "stats-service-branch",
                b.pick("各支部志愿服务总时长", "Volunteer person-hours by branch"),
                ph,
                ("支部", "branches"),
                head(b.pick("支部", "Branch")),
                branch_rows,
            ),
            b.bars(
                "stats-service-year",
                b.pick("各年度志愿服务总时长", "Volunteer person-hours by year"),
                ph,
                ("年度", "years"),
                head(b.pick("年度", "Year")),
                year_rows,
            ),
        ];
        sections.push(Section {
            id: "stats-service".into(),
            title: b.pick("志愿服务", "Volunteer service").into(),
            note: Some(b.pick(
                "总时长（人·小时）= 每次活动的服务时长（hours）× 参与人数（participants），再把各次活动相加；没有写时长或人数的活动只计入活动次数。参与人次是各次活动人数之和（同一人参加多次会计多次）。按支部统计时，一次活动记在页面 branch 写的第一个支部下，没有写时记在组织单位（organizer）下；年度按活动日期。",
                "Person-hours = each activity's hours × its participants, added over activities; an activity without hours or participants counts only as an activity. Participants add up each activity's number (one person at two activities counts twice). An activity counts under the first branch of its page, else its organizer; years are those of the activity date.",
            ).into()),
            charts,
        });
    }

    // Books.
    let mut formats: BTreeMap<usize, usize> = BTreeMap::new();
    for p in &site.pages {
        if let KindData::Book(bk) = &p.kind_data {
            let k = Format::ALL
                .iter()
                .position(|f| *f == bk.format)
                .unwrap_or(0);
            *formats.entry(k).or_default() += 1;
        }
    }
    if !formats.is_empty() {
        let unit = b.pick("种", "");
        figures.push(fig(
            b.pick("推荐书目", "Books and media"),
            formats.values().sum::<usize>().to_string(),
            unit,
        ));
        let rows = Format::ALL
            .iter()
            .enumerate()
            .map(|(k, f)| {
                let n = formats.get(&k).copied().unwrap_or(0);
                (f.label(lang).to_string(), n as f64, vec![n.to_string()])
            })
            .collect();
        sections.push(Section {
            id: "stats-books".into(),
            title: b.pick("书目推荐", "Reading list").into(),
            note: None,
            charts: vec![b.bars(
                "stats-books-format",
                b.pick("书目按形式", "Books by format"),
                unit,
                ("形式", "formats"),
                vec![
                    b.pick("形式", "Format").into(),
                    b.pick("数量", "Count").into(),
                ],
                rows,
            )],
        });
    }

    // Exam questions.
    let types = [
        QuestionType::Single,
        QuestionType::Multiple,
        QuestionType::Judge,
        QuestionType::Short,
    ];
    let mut by_type = [0usize; 4];
    let mut by_exam_year: BTreeMap<i64, usize> = BTreeMap::new();
    let mut question_total = 0;
    for p in &site.pages {
        if let KindData::Exam(e) = &p.kind_data {
            for q in &e.questions {
                if let Some(k) = types.iter().position(|t| *t == q.kind) {
                    by_type[k] += 1;
                }
            }
            *by_exam_year.entry(e.year).or_default() += e.questions.len();
            question_total += e.questions.len();
        }
    }
    if question_total > 0 {
        let unit = b.pick("道", "");
        figures.push(fig(
            b.pick("练习题", "Questions"),
            question_total.to_string(),
            unit,
        ));
        let head = |first: &str| vec![first.to_string(), b.pick("题数", "Questions").to_string()];
        let type_rows = types
            .iter()
            .zip(by_type)
            .map(|(t, n)| (t.label(lang).to_string(), n as f64, vec![n.to_string()]))
            .collect();
        let year_rows = by_exam_year
            .iter()
            .rev()
            .map(|(y, n)| (y.to_string(), *n as f64, vec![n.to_string()]))
            .collect();
        sections.push(Section {
            id: "stats-questions".into(),
            title: b.pick("真题练习", "Practice questions").into(),
            note: Some(
                b.pick(
                    "年份是试卷的年份（exam.year）。",
                    "Years are those of the exam sets (exam.year).",
                )
                .into(),
            ),
            charts: vec![
                b.bars(
                    "stats-questions-type",
                    b.pick("题目按题型", "Questions by type"),
                    unit,
                    ("题型", "types"),
                    head(b.pick("题型", "Type")),
                    type_rows,
                ),
                b.bars(
                    "stats-questions-year",
                    b.pick("题目按年份", "Questions by year"),
                    unit,
                    ("年份", "years"),
                    head(b.pick("年份", "Year")),
                    year_rows,
                ),
            ],
        });
    }

    // Tags.
    if let Some(t) = site.taxonomies.iter().find(|t| t.name == "tags")
        && !t.terms.is_empty()
    {
        let rows = t
            .terms
            .iter()
            .take(MAX_BARS)
            .map(|term| {
                let n = term.pages.len();
                (term.name.clone(), n as f64, vec![n.to_string()])
            })
            .collect();
        sections.push(Section {
            id: "stats-tags".into(),
            title: b.pick("标签", "Tags").into(),
            note: None,
            charts: vec![b.bars(
                "stats-tags-top",
                b.pick("最常用的标签", "Most used tags"),
                pages_unit,
                ("标签", "tags"),
                vec![
                    b.pick("标签", "Tag").into(),
                    b.pick("文章数", "Pages").into(),
                ],
                rows,
            )],
        });
    }

    SiteStats { figures, sections }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_sums() {
        let mut s = Service::default();
        s.add(Some(4.0), Some(10));
        s.add(Some(2.5), Some(4));
        s.add(None, Some(6));
        s.add(Some(3.0), None);
        assert_eq!(s.activities, 4);
        assert_eq!(s.participants, 20);
        assert_eq!(num(s.hours), "9.5");
        assert_eq!(num(s.person_hours), "50");
    }

    #[test]
    fn bars_are_scaled_svg() {
        let svg = bar_svg(
            "x",
            "标题",
            "说明",
            &[("甲".into(), 10.0), ("乙".into(), 5.0)],
            "篇",
        );
        assert!(svg.starts_with(
            "<svg class=\"chart\" id=\"x-svg\" viewBox=\"0 0 360 86\" width=\"100%\" role=\"img\""
        ));
        assert!(svg.contains("<title>标题</title><desc id=\"x-desc\">说明</desc>"));
        assert!(svg.contains("width=\"320\""), "{svg}");
        assert!(svg.contains("width=\"160\""), "{svg}");
        assert!(svg.contains(">10篇</text>"));
    }

    #[test]
    fn long_labels_are_cut() {
        assert_eq!(fit("短", 10.0), "短");
        let cut = fit(&"长".repeat(40), 26.0);
        assert!(cut.ends_with('…') && cut.chars().count() <= 26, "{cut}");
    }
}
