//! `book:` — a recommended book, journal, article or video (书目推荐), with
//! ISBN checking and a GB/T 7714—2015 style reference line.
//!
//! The reference line (`cite`) follows GB/T 7714—2015 in a simplified form:
//!
//! | format    | marker                   | shape |
//! |-----------|--------------------------|-------|
//! | `book`    | `[M]`                    | `作者. 书名[M]. 译者, 译. 出版地: 出版者, 年.` |
//! | `journal` | `[J]`                    | `作者. 刊名[J]. 出版地: 出版者, 年.` |
//! | `article` | `[J]`, or `[N]` when the `publisher` is a newspaper (ends in 报 but not 学报) | `作者. 篇名[J]. 刊名, 年: 页码.` |
//! | `video`   | `[EB/OL]`                | `作者. 题名[EB/OL]. 出版地: 出版者, 年. 链接.` |
//!
//! More than three authors are cut to three followed by `, 等`; authors
//! marked `（译）`, `(译)` or ` 译` are translators (`译者, 译.` after the
//! title); `（主编）`, `（编）`, `（著）` markers are dropped. Only the first of
//! several publishers (`人民出版社、中共党史出版社`) is cited, as the standard
//! says. The place of publication comes from the optional `place` key, else
//! from a table of well-known publishers or a city at the start of the
//! publisher's name (`北京十月文艺出版社` → 北京); when unknown it is left out.
//! For articles, `pages` is cited only when it is a range (`12-19`).

use serde::Serialize;

use super::isbn::{self, IsbnError};
use super::{Cx, Fields, resolve};
use crate::error::Msg;
use crate::i18n::Lang;

/// Keys of a `book:` block.
pub const KEYS: &[&str] = &[
    "title",
    "authors",
    "publisher",
    "place",
    "year",
    "isbn",
    "format",
    "cover",
    "link",
    "pages",
];

/// What kind of publication it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// A book (`[M]`).
    #[default]
    Book,
    /// A journal as a whole (`[J]`).
    Journal,
    /// An article in a journal (`[J]`) or newspaper (`[N]`).
    Article,
    /// A video or other online resource (`[EB/OL]`).
    Video,
}

impl Format {
    /// All formats, in the order columns list them.
    pub const ALL: [Format; 4] = [
        Format::Book,
        Format::Journal,
        Format::Article,
        Format::Video,
    ];

    /// The name used in `format:`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Book => "book",
            Format::Journal => "journal",
            Format::Article => "article",
            Format::Video => "video",
        }
    }

    /// The name readers see.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Format::Book => lang.pick("图书", "Books"),
            Format::Journal => lang.pick("期刊", "Journals"),
            Format::Article => lang.pick("文章", "Articles"),
            Format::Video => lang.pick("视频", "Videos"),
        }
    }
}

/// A validated `book:` block.
#[derive(Debug, Clone, Serialize)]
pub struct Book {
    /// Title (required).
    pub title: String,
    /// Authors as written (required).
    pub authors: Vec<String>,
    /// Publisher (for articles: the journal or newspaper).
    pub publisher: Option<String>,
    /// Place of publication, written or known from the publisher.
    pub place: Option<String>,
    /// Year of publication.
    pub year: Option<i64>,
    /// ISBN as written (checked).
    pub isbn: Option<String>,
    /// ISBN-13 digits without separators (ISBN-10 converted).
    pub isbn13: Option<String>,
    /// Format.
    pub format: Format,
    /// `图书`, `期刊`, `文章`, `视频`.
    pub format_label: &'static str,
    /// GB/T 7714 document type marker: `M`, `J`, `N` or `EB/OL`.
    pub type_code: &'static str,
    /// Cover as written.
    pub cover: Option<String>,
    /// Cover URL, once resolved.
    pub cover_url: Option<String>,
    /// Link as written.
    pub link: Option<String>,
    /// Link URL, once resolved (external links unchanged).
    pub link_url: Option<String>,
    /// Page count (`68`) or range (`12-19`).
    pub pages: Option<String>,
    /// The GB/T 7714 reference line.
    pub cite: String,
    #[serde(skip)]
    cover_line: Option<usize>,
    #[serde(skip)]
    link_line: Option<usize>,
}

pub(crate) fn validate(cx: &mut Cx, f: &Fields) -> Option<Book> {
    cx.check_keys(f, KEYS);
    let title = cx.required_text(f, "title", "共产党宣言");
    let before = cx.errors.len();
    let authors: Vec<String> = cx
        .list(f, "authors", "[马克思, 恩格斯]")
        .iter()
        .flat_map(|a| split_authors(a))
        .collect();
    if authors.is_empty() && cx.errors.len() == before {
        cx.missing(f, "authors", "[马克思, 恩格斯]");
    }
    let publisher = cx.text(f, "publisher", "人民出版社");
    let place = cx.text(f, "place", "北京");
    let year = cx.integer(f, "year", 1000..=2999, "2018");
    let isbn_written = cx.text(f, "isbn", "978-7-01-014245-6");
    let mut isbn13 = None;
    if let Some(w) = &isbn_written {
        match isbn::check(w) {
            Ok(i) => isbn13 = Some(i.isbn13()),
            Err(e) => isbn_error(cx, f, w, e),
        }
    }
    let names: Vec<&str> = Format::ALL.iter().map(|x| x.name()).collect();
    let format = match cx.choice(f, "format", &names) {
        Some(n) => Format::ALL
            .into_iter()
            .find(|x| x.name() == n)
            .unwrap_or_default(),
        None => Format::Book,
    };
    let cover = cx.text(f, "cover", "cover.jpg");
    let link = cx.text(f, "link", "https://www.example.com/book");
    let pages = match f.get("pages") {
        Some(serde_json::Value::Number(_)) => cx
            .integer(f, "pages", 1..=100_000, "68")
            .map(|n| n.to_string()),
        _ => cx.text(f, "pages", "68"),
    };
    let (title, authors) = (title?, authors);
    if authors.is_empty() {
        return None;
    }
    let place = place.or_else(|| {
        publisher
            .as_deref()
            .and_then(|p| known_place(first_publisher(p)))
            .map(String::from)
    });
    let mut book = Book {
        title,
        authors,
        publisher,
        place,
        year,
        isbn: isbn_written,
        isbn13,
        format,
        format_label: format.label(cx.lang()),
        type_code: "M",
        cover_line: cx.line(&f.at("cover")),
        cover,
        cover_url: None,
        link_line: cx.line(&f.at("link")),
        link_url: link.clone(),
        link,
        pages,
        cite: String::new(),
    };
    book.type_code = type_code(&book);
    book.cite = cite(&book);
    Some(book)
}

fn isbn_error(cx: &mut Cx, f: &Fields, written: &str, e: IsbnError) {
    let path = f.at("isbn");
    let (msg, hint) = match e {
        IsbnError::Checksum {
            expected,
            found,
            corrected,
        } => (
            Msg::new(
                format!(
                    "ISBN `{written}` 的校验位错误：最后一位是 {found}，按前面的数字计算应为 {expected}"
                ),
                format!(
                    "ISBN `{written}` has a wrong check digit: it ends in {found}, the other digits give {expected}"
                ),
            ),
            Msg::new(
                format!(
                    "核对书的版权页；若其余数字无误，应写作 `{corrected}`（校验位 {expected}）"
                ),
                format!(
                    "check the book's copyright page; if the other digits are right it is `{corrected}` (check digit {expected})"
                ),
            ),
        ),
        IsbnError::Length(n) => (
            Msg::new(
                format!("ISBN `{written}` 有 {n} 位数字，应为 10 位或 13 位"),
                format!("ISBN `{written}` has {n} digits; an ISBN has 10 or 13"),
            ),
            Msg::new(
                "照抄版权页上的 ISBN，例如 `978-7-01-014245-6`",
                "copy the ISBN from the copyright page, e.g. `978-7-01-014245-6`",
            ),
        ),
        IsbnError::BadChar(c) => (
            Msg::new(
                format!("ISBN `{written}` 含有无效字符 `{c}`"),
                format!("ISBN `{written}` contains the invalid character `{c}`"),
            ),
            Msg::new(
                "ISBN 只含数字和连字符（ISBN-10 的最后一位可以是 X）",
                "an ISBN has only digits and hyphens (an ISBN-10 may end in X)",
            ),
        ),
    };
    cx.error_code("isbn", &path, msg, Some(hint));
}

/// Splits `马克思、恩格斯` (or with `，` `;` `；` `,`) into names.
fn split_authors(s: &str) -> Vec<String> {
    s.split(['、', '，', ';', '；', ','])
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(String::from)
        .collect()
}

/// A name without a role marker, and whether it marks a translator.
fn role(name: &str) -> (String, bool) {
    let n = name.trim();
    for t in ["（译）", "(译)", "（翻译）", "(翻译)", " 译"] {
        if let Some(base) = n.strip_suffix(t) {
            return (base.trim().to_string(), true);
        }
    }
    for m in [
        "（主编）",
        "(主编)",
        "（编）",
        "(编)",
        "（著）",
        "(著)",
        "（编著）",
        "(编著)",
        " 主编",
        " 编著",
        " 著",
    ] {
        if let Some(base) = n.strip_suffix(m) {
            return (base.trim().to_string(), false);
        }
    }
    (n.to_string(), false)
}

/// GB/T 7714: at most three names, then `等` (or `et al.` for Latin names).
fn name_list(names: &[String]) -> String {
    if names.len() <= 3 {
        return names.join(", ");
    }
    let latin = names[0].is_ascii();
    format!(
        "{}, {}",
        names[..3].join(", "),
        if latin { "et al." } else { "等" }
    )
}

fn first_publisher(p: &str) -> &str {
    p.split(['、', '，', ';', '；', ',', '/'])
        .next()
        .unwrap_or(p)
        .trim()
}

/// Places of well-known Chinese publishers.
const PUBLISHERS: &[(&str, &str)] = &[
    ("人民出版社", "北京"),
    ("中共党史出版社", "北京"),
    ("中央文献出版社", "北京"),
    ("党建读物出版社", "北京"),
    ("学习出版社", "北京"),
    ("外文出版社", "北京"),
    ("中央编译出版社", "北京"),
    ("中共中央党校出版社", "北京"),
    ("人民日报出版社", "北京"),
    ("新华出版社", "北京"),
    ("红旗出版社", "北京"),
    ("研究出版社", "北京"),
    ("解放军出版社", "北京"),
    ("高等教育出版社", "北京"),
    ("人民教育出版社", "北京"),
    ("人民文学出版社", "北京"),
    ("作家出版社", "北京"),
    ("中国青年出版社", "北京"),
    ("中华书局", "北京"),
    ("商务印书馆", "北京"),
    ("生活·读书·新知三联书店", "北京"),
    ("三联书店", "北京"),
    ("中国人民大学出版社", "北京"),
    ("北京大学出版社", "北京"),
    ("清华大学出版社", "北京"),
    ("求是杂志社", "北京"),
    ("上海人民出版社", "上海"),
    ("上海译文出版社", "上海"),
    ("复旦大学出版社", "上海"),
    ("华东师范大学出版社", "上海"),
];

/// Cities a publisher's name may start with.
const CITIES: &[&str] = &[
    "北京",
    "上海",
    "天津",
    "重庆",
    "广州",
    "深圳",
    "南京",
    "杭州",
    "武汉",
    "成都",
    "西安",
    "长沙",
    "济南",
    "沈阳",
    "长春",
    "哈尔滨",
    "郑州",
    "福州",
    "南昌",
    "合肥",
    "昆明",
    "贵阳",
    "南宁",
    "兰州",
    "太原",
    "石家庄",
    "呼和浩特",
    "乌鲁木齐",
    "拉萨",
    "银川",
    "西宁",
    "海口",
    "厦门",
    "青岛",
    "大连",
    "苏州",
    "宁波",
];

fn known_place(publisher: &str) -> Option<&'static str> {
    if let Some((_, place)) = PUBLISHERS.iter().find(|(p, _)| *p == publisher) {
        return Some(place);
    }
    CITIES.iter().find(|c| publisher.starts_with(*c)).copied()
}

fn is_newspaper(publisher: &str) -> bool {
    let p = publisher.trim_end_matches(['）', ')']).trim();
    let p = p.split(['（', '(']).next().unwrap_or(p);
    p.ends_with('报') && !p.ends_with("学报")
}

fn type_code(b: &Book) -> &'static str {
    match b.format {
        Format::Book => "M",
        Format::Journal => "J",
        Format::Article if b.publisher.as_deref().is_some_and(is_newspaper) => "N",
        Format::Article => "J",
        Format::Video => "EB/OL",
    }
}

/// The GB/T 7714 reference line of a book (see the module documentation).
pub fn cite(b: &Book) -> String {
    let mut authors = Vec::new();
    let mut translators = Vec::new();
    for a in &b.authors {
        match role(a) {
            (name, true) => translators.push(name),
            (name, false) => authors.push(name),
        }
    }
    let mut s = String::new();
    if !authors.is_empty() {
        s.push_str(&name_list(&authors));
        s.push_str(". ");
    }
    s.push_str(&b.title);
    s.push_str(&format!("[{}]. ", b.type_code));
    if !translators.is_empty() {
        s.push_str(&format!("{}, 译. ", name_list(&translators)));
    }
    let publisher = b
        .publisher
        .as_deref()
        .map(first_publisher)
        .filter(|p| !p.is_empty());
    let year = b.year.map(|y| y.to_string());
    match b.format {
        Format::Article => {
            // 篇名[J]. 刊名, 年: 页码.
            let mut parts = Vec::new();
            if let Some(p) = publisher {
                parts.push(p.to_string());
            }
            if let Some(y) = &year {
                parts.push(y.clone());
            }
            s.push_str(&parts.join(", "));
            if let Some(range) = b
                .pages
                .as_deref()
                .filter(|p| p.contains(['-', '–', '—', '~']))
            {
                s.push_str(&format!(": {}", range.replace(['–', '—', '~'], "-")));
            }
        }
        _ => {
            // 出版地: 出版者, 年.
            let mut imprint = String::new();
            if let Some(p) = publisher {
                if let Some(place) = &b.place {
                    imprint.push_str(&format!("{place}: "));
                }
                imprint.push_str(p);
            }
            if let Some(y) = &year {
                if !imprint.is_empty() {
                    imprint.push_str(", ");
                }
                imprint.push_str(y);
            }
            s.push_str(&imprint);
        }
    }
    let mut s = s.trim_end().trim_end_matches('.').to_string();
    s.push('.');
    if b.format == Format::Video
        && let Some(l) = &b.link
    {
        s.push(' ');
        s.push_str(l);
        s.push('.');
    }
    s
}

impl Book {
    pub(crate) fn finish(
        &mut self,
        url: &mut dyn FnMut(&str) -> Result<String, Msg>,
        problems: &mut Vec<Msg>,
    ) {
        if let Some(c) = &self.cover {
            self.cover_url = resolve(url, c, "book.cover", self.cover_line, problems);
        }
        if let Some(l) = &self.link {
            self.link_url = resolve(url, l, "book.link", self.link_line, problems);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book(
        title: &str,
        authors: &[&str],
        publisher: Option<&str>,
        year: Option<i64>,
        format: Format,
    ) -> Book {
        let mut b = Book {
            title: title.into(),
            authors: authors.iter().map(|s| s.to_string()).collect(),
            place: publisher
                .and_then(|p| known_place(first_publisher(p)))
                .map(String::from),
            publisher: publisher.map(String::from),
            year,
            isbn: None,
            isbn13: None,
            format,
            format_label: "",
            type_code: "M",
            cover: None,
            cover_url: None,
            link: None,
            link_url: None,
            pages: None,
            cite: String::new(),
            cover_line: None,
            link_line: None,
        };
        b.type_code = type_code(&b);
        b
    }

    #[test]
    fn cites() {
        let b = book(
            "共产党宣言",
            &["马克思", "恩格斯"],
            Some("人民出版社"),
            Some(2018),
            Format::Book,
        );
        assert_eq!(
            cite(&b),
            "马克思, 恩格斯. 共产党宣言[M]. 北京: 人民出版社, 2018."
        );
        let b = book(
            "红星照耀中国",
            &["埃德加·斯诺", "董乐山（译）"],
            Some("人民文学出版社"),
            Some(2016),
            Format::Book,
        );
        assert_eq!(
            cite(&b),
            "埃德加·斯诺. 红星照耀中国[M]. 董乐山, 译. 北京: 人民文学出版社, 2016."
        );
        let b = book(
            "中国共产党简史",
            &["本书编写组"],
            Some("人民出版社、中共党史出版社"),
            Some(2021),
            Format::Book,
        );
        assert_eq!(
            cite(&b),
            "本书编写组. 中国共产党简史[M]. 北京: 人民出版社, 2021."
        );
        let b = book(
            "书",
            &["甲", "乙", "丙", "丁"],
            Some("某某出版社"),
            None,
            Format::Book,
        );
        assert_eq!(cite(&b), "甲, 乙, 丙, 等. 书[M]. 某某出版社.");
        let b = book(
            "求是",
            &["求是杂志社"],
            Some("求是杂志社"),
            Some(2024),
            Format::Journal,
        );
        assert_eq!(cite(&b), "求是杂志社. 求是[J]. 北京: 求是杂志社, 2024.");
        let mut b = book(
            "思考",
            &["林文清"],
            Some("示例大学学报（社会科学版）"),
            Some(2023),
            Format::Article,
        );
        b.pages = Some("12–19".into());
        assert_eq!(
            cite(&b),
            "林文清. 思考[J]. 示例大学学报（社会科学版）, 2023: 12-19."
        );
        let b = book(
            "评论",
            &["任仲平"],
            Some("人民日报"),
            Some(2024),
            Format::Article,
        );
        assert_eq!(cite(&b), "任仲平. 评论[N]. 人民日报, 2024.");
        let mut b = book("微党课", &["学习强国"], None, Some(2024), Format::Video);
        b.link = Some("https://example.com/v".into());
        assert_eq!(
            cite(&b),
            "学习强国. 微党课[EB/OL]. 2024. https://example.com/v."
        );
    }

    #[test]
    fn places_and_authors() {
        assert_eq!(known_place("北京十月文艺出版社"), Some("北京"));
        assert_eq!(known_place("示例大学出版社"), None);
        assert_eq!(split_authors("马克思、恩格斯"), vec!["马克思", "恩格斯"]);
        assert!(is_newspaper("光明日报"));
        assert!(!is_newspaper("示例大学学报（社会科学版）"));
    }
}
