//! Stage 1 of the pipeline: walk `content/`, read every file and parse its
//! front matter into typed [`Column`]s and [`Page`]s with their URLs.
//!
//! Layout rules: the content root is the home page (`_index.md` optional); a
//! folder with `_index.md`, or with Markdown pages in it, is a column (columns
//! nest); `name.md` is a page; a folder with `index.md` is a page *bundle*
//! whose other files are copied next to the page; other files are copied to
//! the same place under their column's URL.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use crate::config::{Config, SlugMode};
use crate::date::{PageDate, parse_date};
use crate::error::{Diagnostic, Msg};
use crate::frontmatter::{self, COLUMN_KEYS, ColumnFront, Kind, PAGE_KEYS, PageFront, SortBy};
use crate::kinds::KindData;
use crate::{slug, urls};

/// A column (or the home page, column 0).
#[derive(Debug, Clone)]
pub struct Column {
    /// Folder relative to `content/` (empty for home).
    pub dir: PathBuf,
    /// `_index.md` relative to the site root, when there is one.
    pub file: Option<PathBuf>,
    /// Title (the folder name when `_index.md` has none).
    pub title: String,
    /// Description.
    pub description: String,
    /// Kind of its pages.
    pub kind: Kind,
    /// Page order.
    pub sort_by: SortBy,
    /// Items per list page.
    pub paginate_by: usize,
    /// Navigation order.
    pub weight: i64,
    /// Free map for templates.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// Markdown body of `_index.md`.
    pub body: String,
    /// Line the body starts on.
    pub body_line: usize,
    /// Site path (`/dangjian/xinde/`).
    pub path: String,
    /// Parent column index (none for home).
    pub parent: Option<usize>,
    /// Whether `_index.md` says `draft: true`.
    pub draft: bool,
}

/// A page.
#[derive(Debug, Clone)]
pub struct Page {
    /// The Markdown file relative to the site root.
    pub file: PathBuf,
    /// Folder relative to `content/` that relative links start from.
    pub source_dir: PathBuf,
    /// Whether the page is a bundle (`name/index.md`).
    pub bundle: bool,
    /// Index of its column.
    pub column: usize,
    /// URL slug.
    pub slug: String,
    /// Site path (`/dangjian/xinde/abc/`).
    pub path: String,
    /// Title.
    pub title: String,
    /// Publication date.
    pub date: PageDate,
    /// Last update.
    pub updated: Option<PageDate>,
    /// Summary from front matter.
    pub summary: Option<String>,
    /// Author.
    pub author: Option<String>,
    /// Draft flag.
    pub draft: bool,
    /// Order in `sort_by: weight` columns.
    pub weight: i64,
    /// Cover image as written.
    pub cover: Option<String>,
    /// Free map for templates.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// Old URLs (site paths) that redirect here, with the line they were written on.
    pub aliases: Vec<(String, usize)>,
    /// Terms per taxonomy (`tags` included), as written.
    pub taxonomies: BTreeMap<String, Vec<String>>,
    /// The validated kind block.
    pub kind_data: KindData,
    /// Markdown body.
    pub body: String,
    /// Line the body starts on.
    pub body_line: usize,
    /// The YAML front matter text and its first line, for locating keys later.
    pub yaml: (String, usize),
}

/// A file copied to the output as is.
#[derive(Debug, Clone, Serialize)]
pub struct Asset {
    /// Path relative to `content/`.
    pub source: PathBuf,
    /// Site path it is published at.
    pub path: String,
}

/// Everything read from `content/`.
#[derive(Debug, Clone, Default)]
pub struct Content {
    /// Columns; index 0 is the home page.
    pub columns: Vec<Column>,
    /// Pages, in file order.
    pub pages: Vec<Page>,
    /// Files to copy.
    pub assets: Vec<Asset>,
    /// Pages left out as drafts (relative to `content/`; bundles by folder
    /// too), so a link to one is explained as such.
    pub drafts: Vec<PathBuf>,
    /// Problems found.
    pub diagnostics: Vec<Diagnostic>,
    /// The `content/` folder everything was read from.
    pub dir: PathBuf,
}

fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with("~$")
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name.eq_ignore_ascii_case("thumbs.db")
        || name.eq_ignore_ascii_case("desktop.ini")
}

fn is_markdown(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}

fn file_name(p: &Path) -> &str {
    p.file_name().and_then(|n| n.to_str()).unwrap_or("")
}

/// A slug that is never empty: `mode` first, then the characters themselves.
pub fn slug_of(s: &str, mode: SlugMode) -> String {
    let a = slug::slugify(s, mode);
    if !a.is_empty() {
        return a;
    }
    let b = slug::slugify(s, SlugMode::Unicode);
    if !b.is_empty() { b } else { "_".to_string() }
}

/// What the walk found, before any file is parsed.
#[derive(Default)]
struct Walk {
    dirs: BTreeSet<PathBuf>,
    md: Vec<PathBuf>,
    other: Vec<PathBuf>,
    diagnostics: Vec<Diagnostic>,
}

fn walk(content: &Path) -> Walk {
    let mut w = Walk::default();
    if !content.is_dir() {
        return w;
    }
    w.dirs.insert(PathBuf::new());
    let it = walkdir::WalkDir::new(content)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(&e.file_name().to_string_lossy()));
    for entry in it {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let path = err
                    .path()
                    .map(|p| Path::new("content").join(p.strip_prefix(content).unwrap_or(p)))
                    .unwrap_or_else(|| PathBuf::from("content"));
                let looped = err.loop_ancestor().is_some();
                w.diagnostics.push(
                    Diagnostic::error(
                        "read",
                        path,
                        if looped {
                            Msg::new("符号链接形成了循环", "symbolic link loop")
                        } else {
                            Msg::new(format!("无法读取：{err}"), format!("cannot read: {err}"))
                        },
                    )
                    .with_hint(Msg::new(
                        "删除或修正这个链接/文件的权限",
                        "remove the link or fix its permissions",
                    )),
                );
                continue;
            }
        };
        let rel = match entry.path().strip_prefix(content) {
            Ok(r) => r.to_path_buf(),
            Err(_) => continue,
        };
        if entry.depth() == 0 {
            continue;
        }
        if entry.file_type().is_dir() {
            w.dirs.insert(rel);
        } else if is_markdown(&rel) {
            w.md.push(rel);
        } else {
            w.other.push(rel);
        }
    }
    w
}

/// Reads and parses everything under `<root>/content`.
pub fn load(cfg: &Config, root: &Path, drafts: bool) -> Content {
    let content_dir = root.join("content");
    let mut walk = walk(&content_dir);
    let mut out = Content {
        diagnostics: std::mem::take(&mut walk.diagnostics),
        dir: content_dir.clone(),
        ..Content::default()
    };

    // Classify folders: bundles, then columns.
    let bundles: BTreeSet<PathBuf> = walk
        .md
        .iter()
        .filter(|p| {
            file_name(p) == "index.md" && p.parent().is_some_and(|d| !d.as_os_str().is_empty())
        })
        .filter_map(|p| p.parent().map(Path::to_path_buf))
        .collect();
    let in_bundle = |p: &Path| -> Option<PathBuf> {
        p.ancestors()
            .skip(1)
            .find(|a| bundles.contains(*a))
            .map(Path::to_path_buf)
    };
    let mut column_dirs: BTreeSet<PathBuf> = BTreeSet::new();
    column_dirs.insert(PathBuf::new());
    let mut page_files: Vec<(PathBuf, bool)> = Vec::new(); // (file, is bundle)
    for md in &walk.md {
        let name = file_name(md);
        let parent = md.parent().map(Path::to_path_buf).unwrap_or_default();
        if let Some(b) = in_bundle(md) {
            if !(name == "index.md" && parent == b) {
                out.diagnostics.push(Diagnostic::warning(
                    "bundle",
                    Path::new("content").join(md),
                    Msg::new(
                        "页面文件夹（含 index.md）里的其他 Markdown 文件会被忽略",
                        "Markdown files inside a page bundle (a folder with index.md) are ignored",
                    ),
                ));
                continue;
            }
            page_files.push((md.clone(), true));
            let col = b.parent().map(Path::to_path_buf).unwrap_or_default();
            column_dirs.insert(col);
        } else if name == "_index.md" {
            column_dirs.insert(parent);
        } else {
            page_files.push((md.clone(), false));
            column_dirs.insert(parent);
        }
    }
    // Every ancestor of a column is a column, so columns nest cleanly.
    for d in column_dirs.clone() {
        for a in d.ancestors().skip(1) {
            column_dirs.insert(a.to_path_buf());
        }
    }
    for d in &column_dirs {
        if let Some(b) = in_bundle(&d.join("x")) {
            // A column inside a bundle cannot be published sensibly.
            out.diagnostics.push(Diagnostic::error(
                "bundle",
                Path::new("content").join(d),
                Msg::new(
                    format!("栏目不能放在页面文件夹 `{}` 里面", b.display()),
                    format!(
                        "a column cannot live inside the page bundle `{}`",
                        b.display()
                    ),
                ),
            ));
        }
    }

    // Parse column indexes in parallel, then assign paths top-down (BTreeSet
    // order puts parents before children).
    let dirs: Vec<PathBuf> = column_dirs.into_iter().collect();
    let parsed: Vec<(Column, Vec<Diagnostic>)> = dirs
        .par_iter()
        .map(|d| parse_column(cfg, &content_dir, d))
        .collect();
    let mut index_of: BTreeMap<PathBuf, usize> = BTreeMap::new();
    for (i, (mut col, diags)) in parsed.into_iter().enumerate() {
        out.diagnostics.extend(diags);
        if col.dir.as_os_str().is_empty() {
            col.path = urls::home(cfg);
        } else {
            let parent_dir = col.dir.parent().map(Path::to_path_buf).unwrap_or_default();
            let parent = index_of.get(&parent_dir).copied().unwrap_or(0);
            col.parent = Some(parent);
            col.path = urls::child(
                &out.columns[parent].path,
                &slug_of(file_name(&col.dir), cfg.slugify),
            );
            if out.columns[parent].draft {
                col.draft = true;
            }
        }
        index_of.insert(col.dir.clone(), i);
        out.columns.push(col);
    }

    // Pages.
    let results: Vec<Result<Page, Vec<Diagnostic>>> = page_files
        .par_iter()
        .map(|(file, bundle)| {
            let col_dir = if *bundle {
                file.parent().and_then(Path::parent)
            } else {
                file.parent()
            }
            .map(Path::to_path_buf)
            .unwrap_or_default();
            let ci = index_of.get(&col_dir).copied().unwrap_or(0);
            parse_page(cfg, &content_dir, file, *bundle, ci, &out.columns[ci])
        })
        .collect();
    for r in results {
        match r {
            Ok(p) => {
                if drafts || (!p.draft && !out.columns[p.column].draft) {
                    out.pages.push(p);
                } else {
                    let rel = p
                        .file
                        .strip_prefix("content")
                        .unwrap_or(&p.file)
                        .to_path_buf();
                    if p.bundle {
                        out.drafts.push(p.source_dir.clone());
                    }
                    out.drafts.push(rel);
                }
            }
            Err(d) => out.diagnostics.extend(d),
        }
    }

    // Assets: bundle files next to their page, others under their column.
    let bundle_pages: BTreeMap<PathBuf, String> = out
        .pages
        .iter()
        .filter(|p| p.bundle)
        .map(|p| (p.source_dir.clone(), p.path.clone()))
        .collect();
    let skipped_bundles: BTreeSet<&PathBuf> = bundles
        .iter()
        .filter(|b| !bundle_pages.contains_key(*b))
        .collect();
    for f in walk.other {
        if let Some(b) = in_bundle(&f) {
            if skipped_bundles.contains(&b) {
                continue; // a draft bundle's photos stay unpublished too
            }
            if let Some(page_path) = bundle_pages.get(&b) {
                let rel = f.strip_prefix(&b).unwrap_or(&f);
                out.assets.push(Asset {
                    path: format!("{page_path}{}", rel_url(rel)),
                    source: f,
                });
            }
            continue;
        }
        let col = f
            .ancestors()
            .skip(1)
            .find_map(|a| index_of.get(a).map(|i| (a.to_path_buf(), *i)));
        if let Some((dir, ci)) = col {
            if out.columns[ci].draft && !drafts {
                continue;
            }
            let rel = f.strip_prefix(&dir).unwrap_or(&f);
            out.assets.push(Asset {
                path: format!("{}{}", out.columns[ci].path, rel_url(rel)),
                source: f,
            });
        }
    }
    out
}

/// Reads an already loaded page's file again, exactly as [`load`] did (the
/// dev server's fast path for an edited page). `columns` are the columns
/// of the site the page belongs to.
pub fn reload_page(
    cfg: &Config,
    root: &Path,
    columns: &[Column],
    page: &Page,
) -> Result<Page, Vec<Diagnostic>> {
    let rel = page.file.strip_prefix("content").unwrap_or(&page.file);
    parse_page(
        cfg,
        &root.join("content"),
        rel,
        page.bundle,
        page.column,
        &columns[page.column],
    )
}

fn rel_url(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

fn read(content_dir: &Path, rel: &Path) -> Result<String, Diagnostic> {
    let shown = Path::new("content").join(rel);
    crate::encoding::read_text(&content_dir.join(rel), &shown).map_err(|e| match e {
        crate::encoding::ReadError::Diagnostic(d) => *d,
        crate::encoding::ReadError::Io(err) => Diagnostic::error(
            "read",
            &shown,
            Msg::new(
                format!("无法读取文件：{err}"),
                format!("cannot read file: {err}"),
            ),
        )
        .with_hint(Msg::new("检查文件权限", "check the file's permissions")),
    })
}

fn parse_column(cfg: &Config, content_dir: &Path, dir: &Path) -> (Column, Vec<Diagnostic>) {
    let mut col = Column {
        dir: dir.to_path_buf(),
        file: None,
        title: if dir.as_os_str().is_empty() {
            cfg.title.clone()
        } else {
            file_name(dir).to_string()
        },
        description: String::new(),
        kind: Kind::Article,
        sort_by: SortBy::Date,
        paginate_by: cfg.paginate_by,
        weight: 0,
        extra: Default::default(),
        body: String::new(),
        body_line: 1,
        path: String::new(),
        parent: None,
        draft: false,
    };
    let rel = dir.join("_index.md");
    if !content_dir.join(&rel).is_file() {
        return (col, Vec::new());
    }
    let shown = Path::new("content").join(&rel);
    col.file = Some(shown.clone());
    let text = match read(content_dir, &rel) {
        Ok(t) => t,
        Err(d) => return (col, vec![d]),
    };
    let split = match frontmatter::split(&text, &shown) {
        Ok(s) => s,
        Err(d) => return (col, vec![d]),
    };
    col.body = split.body.to_string();
    col.body_line = split.body_line;
    let parsed = match frontmatter::parse::<ColumnFront>(
        split.yaml,
        split.yaml_line,
        &shown,
        COLUMN_KEYS,
        &[],
    ) {
        Ok(p) => p,
        Err(d) => return (col, d),
    };
    let f = parsed.front;
    let mut diags = Vec::new();
    if let Some(t) = f.title.filter(|t| !t.0.trim().is_empty()) {
        col.title = t.0.trim().to_string();
    }
    col.description = f.description.unwrap_or_default();
    if let Some(k) = f.kind {
        match Kind::from_name(&k) {
            Some(kind) => col.kind = kind,
            None => {
                let names: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
                diags.push(
                    Diagnostic::error(
                        "kind",
                        &shown,
                        Msg::new(
                            format!("未知的栏目类型 `{k}`"),
                            format!("unknown column kind `{k}`"),
                        ),
                    )
                    .at_opt(parsed_line(&split.yaml, split.yaml_line, "kind"))
                    .with_hint(Msg::new(
                        format!("可用的类型：{}", names.join("、")),
                        format!("valid kinds: {}", names.join(", ")),
                    )),
                );
            }
        }
    }
    col.sort_by = f.sort_by.unwrap_or_default();
    if let Some(p) = f.paginate_by {
        if p == 0 {
            diags.push(
                Diagnostic::error(
                    "front-matter",
                    &shown,
                    Msg::new("paginate_by 必须大于 0", "paginate_by must be at least 1"),
                )
                .at_opt(parsed_line(&split.yaml, split.yaml_line, "paginate_by")),
            );
        } else {
            col.paginate_by = p;
        }
    }
    col.weight = f.weight.unwrap_or(0);
    col.extra = f.extra.unwrap_or_default();
    col.draft = f.draft;
    (col, diags)
}

fn parsed_line(yaml: &Option<&str>, yaml_line: usize, key: &str) -> Option<usize> {
    yaml.and_then(|y| crate::yaml::locate(y, key))
        .map(|l| l + yaml_line - 1)
}

/// Most terms one page may have in one taxonomy.
pub const MAX_TERMS_PER_PAGE: usize = 100;

const DATE_HINT_ZH: &str = "日期写成 2024-05-01、2024-05-01 10:30 或 2024-05-01T10:30:00+08:00";
const DATE_HINT_EN: &str =
    "write dates as 2024-05-01, 2024-05-01 10:30 or 2024-05-01T10:30:00+08:00";

fn parse_page(
    cfg: &Config,
    content_dir: &Path,
    rel: &Path,
    bundle: bool,
    column: usize,
    col: &Column,
) -> Result<Page, Vec<Diagnostic>> {
    let shown = Path::new("content").join(rel);
    let text = read(content_dir, rel).map_err(|d| vec![d])?;
    let split = frontmatter::split(&text, &shown).map_err(|d| vec![d])?;
    if split.yaml.is_none() {
        return Err(vec![
            Diagnostic::error(
                "front-matter",
                &shown,
                Msg::new(
                    "页面缺少 front matter（文件开头 `---` 之间的标题、日期等）",
                    "page has no front matter",
                ),
            )
            .at(1, 1)
            .with_hint(Msg::new(
                "在文件开头加上：\n---\ntitle: 标题\ndate: 2024-05-01\n---",
                "start the file with:\n---\ntitle: Title\ndate: 2024-05-01\n---",
            )),
        ]);
    }
    let parsed = frontmatter::parse::<PageFront>(
        split.yaml,
        split.yaml_line,
        &shown,
        PAGE_KEYS,
        &cfg.taxonomies,
    )?;
    let mut diags = Vec::new();
    let f = &parsed.front;
    let line = |key: &str| parsed.line_of(key);

    let title = match &f.title {
        Some(t) if !t.0.trim().is_empty() => t.0.trim().to_string(),
        _ => {
            diags.push(
                Diagnostic::error(
                    "front-matter",
                    &shown,
                    Msg::new("缺少标题 `title`", "missing `title`"),
                )
                .at_opt(line("title").or(Some(split.yaml_line)))
                .with_hint(Msg::new(
                    "加一行 `title: 文章标题`",
                    "add a line `title: Page title`",
                )),
            );
            String::new()
        }
    };
    let date = match &f.date {
        None => {
            diags.push(
                Diagnostic::error(
                    "front-matter",
                    &shown,
                    Msg::new("缺少日期 `date`", "missing `date`"),
                )
                .at_opt(Some(split.yaml_line))
                .with_hint(Msg::new(
                    format!("加一行 `date: 2024-05-01`；{DATE_HINT_ZH}"),
                    DATE_HINT_EN,
                )),
            );
            None
        }
        Some(d) => match parse_date(&d.0, cfg.timezone) {
            Some(d) => Some(d),
            None => {
                diags.push(bad_date(&shown, "date", &d.0, line("date")));
                None
            }
        },
    };
    let updated = match &f.updated {
        None => None,
        Some(u) => match parse_date(&u.0, cfg.timezone) {
            Some(d) => Some(d),
            None => {
                diags.push(bad_date(&shown, "updated", &u.0, line("updated")));
                None
            }
        },
    };
    let kind_data = crate::kinds::validate(col.kind, f, &parsed, &shown, cfg).unwrap_or_else(|d| {
        diags.extend(d);
        KindData::Article
    });
    let stem = if bundle {
        rel.parent().map(file_name).unwrap_or("")
    } else {
        rel.file_stem().and_then(|s| s.to_str()).unwrap_or("")
    };
    let slug = match &f.slug {
        Some(s) if !s.0.trim().is_empty() => slug_of(s.0.trim(), cfg.slugify),
        _ => slug_of(stem, cfg.slugify),
    };
    let mut aliases = Vec::new();
    for a in &f.aliases.0 {
        match urls::alias(cfg, a) {
            Some(p) => aliases.push((p, line("aliases").unwrap_or(1))),
            None => diags.push(
                Diagnostic::error(
                    "alias",
                    &shown,
                    Msg::new(format!("别名 `{a}` 无效"), format!("invalid alias `{a}`")),
                )
                .at_opt(line("aliases"))
                .with_hint(Msg::new(
                    "写成站内路径，如 `old/news/123.html`",
                    "write a site path such as `old/news/123.html`",
                )),
            ),
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let mut taxonomies = parsed.taxonomies.clone();
    if cfg.taxonomies.iter().any(|t| t == "tags") {
        taxonomies.insert("tags".into(), f.tags.0.clone());
    }
    let author = f
        .author
        .as_ref()
        .map(|a| a.0.trim().to_string())
        .or_else(|| cfg.author.clone());
    if cfg.taxonomies.iter().any(|t| t == "author")
        && let Some(a) = &author
    {
        taxonomies.insert("author".into(), vec![a.clone()]);
    }
    // Each term gets a page listing this page with all its terms: thousands
    // of tags on one page would write gigabytes. Refuse instead.
    if let Some((name, terms)) = taxonomies
        .iter()
        .find(|(_, t)| t.len() > MAX_TERMS_PER_PAGE)
    {
        return Err(vec![
            Diagnostic::error(
                "front-matter",
                &shown,
                Msg::new(
                    format!("`{name}` 有 {} 个词，超过每页 {MAX_TERMS_PER_PAGE} 个的上限", terms.len()),
                    format!("`{name}` has {} terms, more than the limit of {MAX_TERMS_PER_PAGE} per page", terms.len()),
                ),
            )
            .at_opt(line(name))
            .with_hint(Msg::new("标签用于归类，每篇写 3–5 个即可", "tags group pages: 3–5 per page are plenty")),
        ]);
    }
    // Relative links start from the file's folder (for a bundle, the bundle).
    let source_dir = rel.parent().map(Path::to_path_buf).unwrap_or_default();
    Ok(Page {
        file: shown,
        source_dir,
        bundle,
        column,
        path: urls::child(&col.path, &slug),
        slug,
        title,
        date: date.unwrap_or_else(|| PageDate::now(cfg.timezone)),
        updated,
        summary: f.summary.clone().filter(|s| !s.trim().is_empty()),
        author,
        draft: f.draft,
        weight: f.weight.unwrap_or(0),
        cover: f.cover.clone().filter(|c| !c.trim().is_empty()),
        extra: f.extra.clone().unwrap_or_default(),
        aliases,
        taxonomies,
        kind_data,
        body: split.body.to_string(),
        body_line: split.body_line,
        yaml: (parsed.yaml.clone(), parsed.yaml_line),
    })
}

fn bad_date(file: &Path, key: &str, value: &str, line: Option<usize>) -> Diagnostic {
    Diagnostic::error(
        "date",
        file,
        Msg::new(
            format!("`{key}` 的值 `{value}` 不是有效日期"),
            format!("`{key}: {value}` is not a valid date"),
        ),
    )
    .at_opt(line)
    .with_hint(Msg::new(DATE_HINT_ZH, DATE_HINT_EN))
}
