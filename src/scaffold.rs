//! `lanmu init` and `lanmu new`: new sites and new pages with the right
//! front matter skeleton for their column's kind.

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::date::PageDate;
use crate::error::{Error, Result};
use crate::frontmatter;
use crate::frontmatter::{COLUMN_KEYS, ColumnFront, Kind};

/// The five columns of a new site: folder, title, kind, description.
const COLUMNS: &[(&str, &str, Kind, &str)] = &[
    (
        "xianjin",
        "先进事迹",
        Kind::Member,
        "身边的榜样，可学可做。",
    ),
    (
        "shumu",
        "书目推荐",
        Kind::Book,
        "支部推荐的理论书籍与期刊。",
    ),
    (
        "zhenti",
        "真题练习",
        Kind::Exam,
        "考研、公务员、选调生等思政真题自测。",
    ),
    (
        "zhiyuan",
        "志愿服务",
        Kind::Report,
        "志愿服务与社会实践报道。",
    ),
    (
        "xinde",
        "学习心得",
        Kind::Article,
        "党员和入党积极分子的学习体会。",
    ),
];

/// The front matter skeleton of a new page of `kind`, with comments in Chinese.
pub fn skeleton(kind: Kind, title: &str, date: &str, taxonomies: &[String]) -> String {
    let mut s = String::from("---\n");
    s.push_str(&format!("title: {}\n", yaml_str(title)));
    s.push_str(&format!("date: {date}\n"));
    s.push_str("tags: []            # 标签，如 [党史学习, 理论学习]\n");
    for t in taxonomies.iter().filter(|t| *t != "tags" && *t != "author") {
        s.push_str(&format!(
            "# {t}:             # 分类“{t}”，如 计算机学院第一学生党支部\n"
        ));
    }
    s.push_str("# author:           # 作者\n# summary:          # 摘要（不写则取正文开头）\n");
    match kind {
        Kind::Article => {}
        Kind::Member => s.push_str(
            "member:\n  name: 姓名          # 必填\n  # photo: photo.jpg # 照片（与本文件放在同一文件夹）\n  # branch:          # 所在支部\n  # grade: 2022级\n  # major:           # 专业\n  # joined: 2023-06-01 # 入党时间\n  honors: []          # 荣誉称号，如 [优秀共产党员]\n  # quote:           # 一句话感言\n",
        ),
        Kind::Book => s.push_str(
            "book:\n  title: 书名          # 必填\n  authors: [作者]      # 必填，可写多位\n  # publisher:       # 出版社\n  # year: 2024\n  # isbn: 978-7-01-000000-0 # 会校验校验位\n  format: book        # book 图书 | journal 期刊 | article 文章 | video 视频\n  # cover: cover.jpg\n  # link:\n  # pages: 300\n",
        ),
        Kind::Exam => s.push_str(
            "exam:\n  type: 考研           # 考研、公务员、选调生、事业编、大学生村官 或 其他\n  year: 2024\n  # source:          # 来源\n  # time_limit: 30   # 限时（分钟）\n  questions:\n    - type: single     # single 单选 | multiple 多选 | judge 判断 | short 简答\n      stem: 题干\n      options: [选项一, 选项二, 选项三, 选项四]\n      answer: A\n      explanation: 解析\n",
        ),
        Kind::Report => s.push_str(
            "report:\n  date: 2024-05-01    # 活动日期，必填\n  location: 地点       # 必填\n  # base:            # 实践基地\n  # hours: 4         # 每人志愿时长（小时）\n  # participants: 20 # 参与人数\n  # organizer:       # 组织单位\n  # photos: []       # 照片文件名\n",
        ),
    }
    s.push_str("---\n\n在这里写正文。\n");
    s
}

fn yaml_str(s: &str) -> String {
    let needs_quotes = s.is_empty()
        || s.contains([
            ':', '#', '"', '\'', '[', ']', '{', '}', ',', '&', '*', '!', '|', '>', '%', '@', '`',
        ])
        || s.starts_with([' ', '-', '?'])
        || s.ends_with(' ');
    if needs_quotes {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        s.to_string()
    }
}

/// Creates a new site in `dir` that builds at once, with one example page
/// per column.
pub fn init(dir: &Path, title: Option<&str>) -> Result<Vec<PathBuf>> {
    if dir.exists()
        && std::fs::read_dir(dir)
            .map_err(|e| Error::io(dir, e))?
            .next()
            .is_some()
    {
        return Err(Error::Other(format!(
            "目录 {} 不是空的；请换一个新目录 (folder {} is not empty)",
            dir.display(),
            dir.display()
        )));
    }
    let title = title.unwrap_or("学生党支部学习专栏");
    let today = PageDate::now(jiff::tz::Offset::constant(8)).ymd();
    let mut files: Vec<(PathBuf, String)> = vec![
        (
            "config.yaml".into(),
            format!(
                "# lanmu 站点配置；说明见 https://（本项目 README）\ntitle: {}\ndescription: 学习党的理论，记录支部生活\n# 发布到学校网站子目录时写完整地址，如 https://www.example.edu.cn/dangjian/\nbase_url: https://www.example.edu.cn/dangjian/\nlanguage: zh-CN\ntimezone: \"+08:00\"\npaginate_by: 10\ntaxonomies: [tags, branch]\n",
                yaml_str(title)
            ),
        ),
        (
            "content/_index.md".into(),
            format!("---\ntitle: 首页\n---\n\n欢迎来到{title}。\n"),
        ),
        (".gitignore".into(), "/public\n/.public.lanmu-*\n".into()),
    ];
    for (i, (folder, col_title, kind, desc)) in COLUMNS.iter().enumerate() {
        files.push((
            PathBuf::from(format!("content/{folder}/_index.md")),
            format!(
                "---\ntitle: {col_title}\ndescription: {desc}\nkind: {}\nweight: {}\n---\n",
                kind.name(),
                i + 1
            ),
        ));
        let example = example_page(*kind, &today);
        files.push((
            PathBuf::from(format!("content/{folder}/shi-li.md")),
            example,
        ));
    }
    let mut written = Vec::new();
    for (rel, text) in files {
        let p = dir.join(&rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::write(&p, text).map_err(|e| Error::io(&p, e))?;
        written.push(rel);
    }
    std::fs::create_dir_all(dir.join("static")).map_err(|e| Error::io(dir.join("static"), e))?;
    Ok(written)
}

fn example_page(kind: Kind, today: &str) -> String {
    let head = format!(
        "---\ntitle: 示例：{}\ndate: {today}\ntags: [示例]\n",
        kind_label(kind)
    );
    let block = match kind {
        Kind::Article => String::new(),
        Kind::Member => "member:\n  name: 张同学\n  grade: 2022级\n  honors: [优秀共产党员]\n".into(),
        Kind::Book => "book:\n  title: 共产党宣言\n  authors: [马克思, 恩格斯]\n  publisher: 人民出版社\n  year: 2018\n  isbn: 978-7-01-019250-5\n".into(),
        Kind::Exam => "exam:\n  type: 其他\n  year: 2024\n  questions:\n    - type: judge\n      stem: 中国共产党的根本宗旨是全心全意为人民服务。\n      answer: true\n      explanation: 见《中国共产党章程》总纲。\n".into(),
        Kind::Report => format!("report:\n  date: {today}\n  location: 学校图书馆\n  hours: 2\n  participants: 10\n"),
    };
    format!(
        "{head}{block}---\n\n这是一篇示例{}，删掉它，开始写你自己的内容。\n",
        kind_label(kind)
    )
}

fn kind_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Article => "学习心得",
        Kind::Member => "先进事迹",
        Kind::Book => "书目",
        Kind::Exam => "题目",
        Kind::Report => "活动报道",
    }
}

/// Finds a column by folder (`xinde`, `content/xinde`) or by title (`学习心得`).
fn find_column(root: &Path, column: &str) -> Result<(PathBuf, Kind)> {
    let content = root.join("content");
    let c = column.trim_matches('/').trim_start_matches("content/");
    let mut candidates = vec![content.join(c)];
    for e in walkdir::WalkDir::new(&content).into_iter().flatten() {
        if e.file_name() == "_index.md"
            && let Ok(text) = std::fs::read_to_string(e.path())
            && let Ok(split) = frontmatter::split(&text, e.path())
            && let Ok(p) =
                frontmatter::parse::<ColumnFront>(split.yaml, 2, e.path(), COLUMN_KEYS, &[])
            && p.front.title.as_ref().is_some_and(|t| t.0.trim() == c)
            && let Some(parent) = e.path().parent()
        {
            candidates.push(parent.to_path_buf());
        }
    }
    for dir in candidates {
        if dir.is_dir() {
            let idx = dir.join("_index.md");
            let kind = std::fs::read_to_string(&idx)
                .ok()
                .and_then(|t| {
                    let split = frontmatter::split(&t, &idx).ok()?;
                    let p =
                        frontmatter::parse::<ColumnFront>(split.yaml, 2, &idx, COLUMN_KEYS, &[])
                            .ok()?;
                    p.front.kind.and_then(|k| Kind::from_name(&k))
                })
                .unwrap_or_default();
            return Ok((dir, kind));
        }
    }
    Err(Error::Other(format!(
        "找不到栏目 `{column}`：请写 content/ 下的文件夹名（如 xinde）或栏目标题 (no column `{column}` under content/)"
    )))
}

/// Creates a page in `column` titled `title`; returns its path.
pub fn new_page(root: &Path, column: &str, title: &str) -> Result<PathBuf> {
    let cfg = Config::load(root)?;
    let (dir, kind) = find_column(root, column)?;
    let name = crate::content::slug_of(title, cfg.slugify);
    let name = if name == "_" {
        "page".to_string()
    } else {
        name
    };
    let path = dir.join(format!("{name}.md"));
    if path.exists() {
        return Err(Error::Other(format!(
            "文件已存在：{} (file exists)",
            path.display()
        )));
    }
    let today = PageDate::now(cfg.timezone).ymd();
    std::fs::write(&path, skeleton(kind, title, &today, &cfg.taxonomies))
        .map_err(|e| Error::io(&path, e))?;
    Ok(path)
}
