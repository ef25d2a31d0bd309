//! `config.yaml`: the site configuration, its defaults and validation.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Diagnostic, Error, Msg, Result};
use crate::i18n::Lang;
use crate::yaml;

/// How URLs are made from Chinese names and tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SlugMode {
    /// ASCII pinyin slugs such as `liang-xue-yi-zuo` (the default: they survive
    /// every chat app, campus CMS and old Windows server).
    #[default]
    Pinyin,
    /// Keep the characters; links percent-encode them.
    Unicode,
}

/// `markdown:` options.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MarkdownConfig {
    /// Drop soft line breaks between CJK characters instead of making spaces.
    pub cjk_line_breaks: bool,
    /// Let `**“引号”**` and friends be emphasis (markdown-cjk-friendly).
    pub cjk_friendly_emphasis: bool,
    /// Pass raw HTML through; when false it is escaped.
    pub unsafe_html: bool,
    /// Curly quotes and dashes from ASCII punctuation.
    pub smart_punctuation: bool,
    /// The site language (from `language:`), for the few words Markdown
    /// output carries (task list checkbox labels).
    #[serde(skip)]
    pub lang: Lang,
    /// Hosts whose players the `video` shortcode may embed in an `<iframe>`
    /// (a host also allows its subdomains). Read from `extra.video_hosts`
    /// for now.
    #[serde(skip)]
    pub video_hosts: Vec<String>,
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig {
            cjk_line_breaks: true,
            cjk_friendly_emphasis: true,
            unsafe_html: true,
            smart_punctuation: false,
            lang: Lang::Zh,
            video_hosts: Vec::new(),
        }
    }
}

/// `feeds:` options.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FeedsConfig {
    /// How many newest items a feed carries.
    pub limit: usize,
    /// Whole HTML in the feed instead of the summary.
    pub full_content: bool,
    /// The authority of Atom `tag:` ids (a domain or e-mail the site owns).
    /// It is not taken from `base_url`, so ids survive a move of the site.
    pub id_authority: String,
}

impl Default for FeedsConfig {
    fn default() -> Self {
        FeedsConfig {
            limit: 20,
            full_content: false,
            id_authority: "lanmu".into(),
        }
    }
}

/// `deploy:` options.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DeployConfig {
    /// Where `lanmu deploy` publishes: a folder or `sftp://user@host:port/path`.
    /// Passwords never go here (see the README's publishing guide).
    pub target: Option<String>,
}

/// `search:` options.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SearchConfig {
    /// Write the search index and the `/search/` page.
    pub enabled: bool,
    /// What is indexed: `title`, `tags`, `column`, `kind` (names, book
    /// titles and authors, question stems), `summary`, `body`.
    pub fields: Vec<String>,
    /// Columns left out, by folder name (`zhenti`) or title.
    pub exclude_columns: Vec<String>,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            enabled: true,
            fields: SEARCH_FIELDS.iter().map(|s| s.to_string()).collect(),
            exclude_columns: Vec::new(),
        }
    }
}

/// The fields `search.fields` may name.
pub const SEARCH_FIELDS: &[&str] = &["title", "tags", "column", "kind", "summary", "body"];

/// The raw file as written; [`Config`] is the validated form.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    base_url: String,
    #[serde(default)]
    description: String,
    #[serde(default = "default_language")]
    language: String,
    #[serde(default = "default_timezone")]
    timezone: String,
    #[serde(default = "default_theme")]
    theme: String,
    #[serde(default = "default_paginate")]
    paginate_by: usize,
    #[serde(default = "default_taxonomies")]
    taxonomies: Vec<String>,
    #[serde(default)]
    slugify: SlugMode,
    #[serde(default)]
    markdown: MarkdownConfig,
    #[serde(default)]
    feeds: FeedsConfig,
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    search: SearchConfig,
    #[serde(default)]
    relative_urls: bool,
    #[serde(default)]
    deploy: DeployConfig,
    #[serde(default)]
    extra: serde_json::Map<String, serde_json::Value>,
}

fn default_language() -> String {
    "zh-CN".into()
}
fn default_timezone() -> String {
    "+08:00".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_paginate() -> usize {
    10
}
fn default_taxonomies() -> Vec<String> {
    vec!["tags".into()]
}

/// The keys `config.yaml` accepts, for error messages and suggestions.
pub const CONFIG_KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "language",
    "timezone",
    "theme",
    "paginate_by",
    "taxonomies",
    "slugify",
    "markdown",
    "feeds",
    "author",
    "search",
    "relative_urls",
    "deploy",
    "extra",
];

/// The validated site configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Site title.
    pub title: String,
    /// One-line description (feeds, meta description).
    pub description: String,
    /// Absolute base URL, always ending with `/`.
    pub base_url: String,
    /// The path part of `base_url`, always starting and ending with `/`
    /// (`/` or `/dangjian/`). Every internal link starts with it.
    pub base_path: String,
    /// `language:` as written (`zh-CN`).
    pub language: String,
    /// The language of theme strings and messages.
    pub lang: Lang,
    /// The offset dates without one are in.
    pub timezone: jiff::tz::Offset,
    /// Theme name (folder under `themes/`).
    pub theme: String,
    /// Items per list page.
    pub paginate_by: usize,
    /// Taxonomy names (`tags`, `branch`, ...).
    pub taxonomies: Vec<String>,
    /// Slug style.
    pub slugify: SlugMode,
    /// Markdown options.
    pub markdown: MarkdownConfig,
    /// Feed options.
    pub feeds: FeedsConfig,
    /// Default author.
    pub author: Option<String>,
    /// Search options.
    pub search: SearchConfig,
    /// Write every internal link relative (works under any sub-path and from
    /// a folder on disk); feeds, sitemap and canonical links stay absolute.
    pub relative_urls: bool,
    /// Deploy target.
    pub deploy: DeployConfig,
    /// Free map for themes.
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// The closest valid key to a misspelt one, if any is close enough to suggest.
pub fn suggest<'a>(bad: &str, valid: &[&'a str]) -> Option<&'a str> {
    valid
        .iter()
        .map(|v| (strsim::jaro_winkler(bad, v), *v))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, v)| v)
}

/// Turns a YAML error into a diagnostic for `file`, whose YAML text starts on
/// line `first_line` of the file (1 for a config file, 2 for front matter).
pub fn yaml_diagnostic(
    file: &Path,
    text: &str,
    first_line: usize,
    e: yaml::YamlError,
) -> Diagnostic {
    let line = e.line.map(|l| l + first_line - 1);
    let mut d = Diagnostic::error(
        "yaml",
        file,
        Msg::new(
            format!("YAML 格式错误：{}", e.message),
            format!("invalid YAML: {}", e.message),
        ),
    )
    .at_opt(line);
    if let (Some(_), Some(c)) = (line, e.column) {
        d.column = Some(c);
    }
    let tabs = yaml::tab_indented_lines(text);
    let fw = yaml::fullwidth_colon_lines(text);
    if let Some(l) = fw.first() {
        d = d.with_hint(Msg::new(
            format!("第 {} 行的冒号是全角“：”，YAML 需要半角“:”加一个空格，例如 `title: 标题`", l + first_line - 1),
            format!("line {} uses a full-width colon '：'; YAML needs an ASCII ':' followed by a space, e.g. `title: 标题`", l + first_line - 1),
        ));
    } else if let Some(l) = tabs.first() {
        d = d.with_hint(Msg::new(
            format!(
                "第 {} 行用了制表符（Tab）缩进，YAML 只能用空格缩进",
                l + first_line - 1
            ),
            format!(
                "line {} is indented with a tab; YAML allows spaces only",
                l + first_line - 1
            ),
        ));
    } else if e.message.contains("repetition limit") || e.message.contains("recursion limit") {
        d = d.with_hint(Msg::new(
            "YAML 别名（&/*）展开过多或嵌套过深，请直接写出内容",
            "too many YAML alias expansions or too deep nesting; write the values out",
        ));
    } else {
        d = d.with_hint(Msg::new(
            "检查冒号后是否有空格、缩进是否对齐、含有冒号或 # 的文字是否加了引号",
            "check there is a space after each colon, indentation lines up, and text containing ':' or '#' is quoted",
        ));
    }
    d
}

/// The diagnostic for an unknown key, with the closest valid key suggested.
pub fn unknown_key(file: &Path, key: &str, line: usize, valid: &[&str]) -> Diagnostic {
    let d = Diagnostic::error(
        "unknown-key",
        file,
        Msg::new(
            format!("未知的字段 `{key}`"),
            format!("unknown key `{key}`"),
        ),
    )
    .at_line(line);
    // Each key once, in the order given (`tags` is both a page key and a taxonomy).
    let mut shown: Vec<&str> = Vec::with_capacity(valid.len());
    for k in valid {
        if !shown.contains(k) {
            shown.push(k);
        }
    }
    let list = shown.join(", ");
    match suggest(key, valid) {
        Some(s) => d.with_hint(Msg::new(
            format!("是不是想写 `{s}`？可用的字段：{list}"),
            format!("did you mean `{s}`? Valid keys: {list}"),
        )),
        None => d.with_hint(Msg::new(
            format!("可用的字段：{list}"),
            format!("valid keys: {list}"),
        )),
    }
}

impl Config {
    /// Reads and validates `config.yaml` in `root`.
    pub fn load(root: &Path) -> Result<Config> {
        let path = root.join("config.yaml");
        let text = crate::encoding::read_text(&path, Path::new("config.yaml")).map_err(|e| match e {
            crate::encoding::ReadError::Io(err) if err.kind() == std::io::ErrorKind::NotFound => {
                Error::Other(format!(
                    "找不到 {}：这里不是 lanmu 站点。用 `lanmu init 目录` 新建站点，或用 --root 指定站点目录。\n(no config.yaml in {}: run `lanmu init DIR` or pass --root)",
                    path.display(),
                    root.display()
                ))
            }
            crate::encoding::ReadError::Io(err) => Error::io(&path, err),
            crate::encoding::ReadError::Diagnostic(d) => Error::Content(vec![*d]),
        })?;
        Config::parse(&text, Path::new("config.yaml")).map_err(Error::Content)
    }

    /// Parses config text; `file` is used in diagnostics.
    pub fn parse(text: &str, file: &Path) -> std::result::Result<Config, Vec<Diagnostic>> {
        let keys =
            yaml::top_level_keys(text).map_err(|e| vec![yaml_diagnostic(file, text, 1, e)])?;
        let unknown: Vec<Diagnostic> = keys
            .iter()
            .filter(|(k, _)| !CONFIG_KEYS.contains(&k.as_str()))
            .map(|(k, line)| unknown_key(file, k, *line, CONFIG_KEYS))
            .collect();
        if !unknown.is_empty() {
            return Err(unknown);
        }
        let raw: RawConfig = yaml::from_str(text).map_err(|e| {
            let mut d = yaml_diagnostic(file, text, 1, e.clone());
            if e.message.starts_with("missing field") {
                d.message = Msg::new(
                    format!("config.yaml 缺少必填字段：{}", e.message.trim_start_matches("missing field ")),
                    format!("config.yaml is missing a required key: {}", e.message.trim_start_matches("missing field ")),
                );
                d.hint = Some(Msg::new(
                    "至少需要 `title: 站点名称` 和 `base_url: https://www.example.edu.cn/dangjian/`",
                    "at least `title:` and `base_url:` are required",
                ));
            } else if let Some(unk) = e.message.strip_prefix("unknown field `") {
                let key = unk.split('`').next().unwrap_or("");
                let section = e.path.as_deref().unwrap_or("");
                let valid: &[&str] = match section {
                    "markdown" => &["cjk_line_breaks", "cjk_friendly_emphasis", "unsafe_html", "smart_punctuation"],
                    "feeds" => &["limit", "full_content", "id_authority"],
                    "deploy" => &["target"],
                    "search" => &["enabled", "fields", "exclude_columns"],
                    _ => &[],
                };
                let line = yaml::locate(text, &format!("{section}.{key}")).or(d.line);
                d = unknown_key(file, key, line.unwrap_or(1), valid);
            }
            vec![d]
        })?;
        let mut errors = Vec::new();
        let err = |key: &str, zh: String, en: String| {
            Diagnostic::error("config", file, Msg::new(zh, en)).at_opt(yaml::locate(text, key))
        };
        let base_url = raw.base_url.trim().to_string();
        let base_path = match split_base_url(&base_url) {
            Some(p) => p,
            None => {
                errors.push(err(
                    "base_url",
                    format!("base_url `{base_url}` 不是完整网址"),
                    format!("base_url `{base_url}` is not an absolute http(s) URL"),
                ).with_hint(Msg::new(
                    "写成 `https://www.example.edu.cn/dangjian/` 这样的完整网址（本地预览用 lanmu serve，无需修改）",
                    "write a full URL such as `https://www.example.edu.cn/dangjian/`",
                )));
                "/".to_string()
            }
        };
        let lang = Lang::from_code(&raw.language).unwrap_or_else(|| {
            errors.push(
                err(
                    "language",
                    format!("不支持的语言 `{}`", raw.language),
                    format!("unsupported language `{}`", raw.language),
                )
                .with_hint(Msg::new("可用：zh-CN、en", "supported: zh-CN, en")),
            );
            Lang::Zh
        });
        let timezone = crate::date::parse_offset(&raw.timezone).unwrap_or_else(|| {
            errors.push(
                err(
                    "timezone",
                    format!("时区 `{}` 无法识别", raw.timezone),
                    format!("timezone `{}` is not a UTC offset", raw.timezone),
                )
                .with_hint(Msg::new(
                    "写成 `+08:00` 这样的 UTC 偏移",
                    "write an offset such as `+08:00`",
                )),
            );
            jiff::tz::Offset::constant(8)
        });
        if raw.paginate_by == 0 {
            errors.push(err(
                "paginate_by",
                "paginate_by 必须大于 0".into(),
                "paginate_by must be at least 1".into(),
            ));
        }
        let mut taxonomies = Vec::new();
        for t in &raw.taxonomies {
            let ok = !t.is_empty()
                && t.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
            let reserved =
                crate::frontmatter::PAGE_KEYS.contains(&t.as_str()) && t != "tags" && t != "author";
            if !ok || reserved {
                errors.push(err(
                    "taxonomies",
                    format!("分类名 `{t}` 不可用：只能用小写英文字母、数字、- 和 _，且不能与页面字段重名"),
                    format!("taxonomy name `{t}` must be lowercase ASCII letters, digits, - or _, and not a page field name"),
                ));
            } else if !taxonomies.contains(t) {
                taxonomies.push(t.clone());
            }
        }
        for f in &raw.search.fields {
            if !SEARCH_FIELDS.contains(&f.as_str()) {
                errors.push(err(
                    "search.fields",
                    format!(
                        "search.fields 中的 `{f}` 无效，可用：{}",
                        SEARCH_FIELDS.join("、")
                    ),
                    format!(
                        "unknown search field `{f}`; valid: {}",
                        SEARCH_FIELDS.join(", ")
                    ),
                ));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Config {
            title: raw.title,
            description: raw.description,
            base_url: if base_url.ends_with('/') {
                base_url
            } else {
                format!("{base_url}/")
            },
            base_path,
            language: raw.language,
            lang,
            timezone,
            theme: raw.theme,
            paginate_by: raw.paginate_by,
            taxonomies,
            slugify: raw.slugify,
            markdown: MarkdownConfig {
                lang,
                video_hosts: crate::markdown::shortcodes::video_hosts(&raw.extra),
                ..raw.markdown
            },
            feeds: raw.feeds,
            author: raw.author,
            search: raw.search,
            relative_urls: raw.relative_urls,
            deploy: raw.deploy,
            extra: raw.extra,
        })
    }

    /// Replaces the base URL (for `--base-url` and the dev server).
    pub fn set_base_url(&mut self, url: &str) -> Result<()> {
        let base_path = split_base_url(url).ok_or_else(|| {
            Error::Other(format!(
                "--base-url `{url}` 不是完整网址 (not an absolute http(s) URL)"
            ))
        })?;
        self.base_url = if url.ends_with('/') {
            url.to_string()
        } else {
            format!("{url}/")
        };
        self.base_path = base_path;
        Ok(())
    }

    /// The absolute URL of a site path such as `/xinde/abc/`.
    pub fn permalink(&self, path: &str) -> String {
        let origin = &self.base_url[..self.base_url.len() - self.base_path.len()];
        format!("{origin}{path}")
    }

    /// Theme string overrides from `extra.i18n`.
    pub fn i18n_overrides(&self) -> BTreeMap<String, String> {
        self.extra
            .get("i18n")
            .and_then(|v| v.as_object())
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Splits `https://host/sub/` into its path `/sub/`; `None` when not absolute.
fn split_base_url(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    if host.is_empty() || host.contains(char::is_whitespace) || path.contains(['?', '#']) {
        return None;
    }
    let mut p = path.to_string();
    if !p.ends_with('/') {
        p.push('/');
    }
    Some(p)
}

/// Where things live in a site folder.
#[derive(Debug, Clone)]
pub struct Paths {
    /// The site root (holds `config.yaml`).
    pub root: PathBuf,
    /// `content/`.
    pub content: PathBuf,
    /// `static/` of the site.
    pub static_dir: PathBuf,
    /// `templates/` of the site (overrides).
    pub templates: PathBuf,
    /// `themes/<theme>/`.
    pub theme: PathBuf,
}

impl Paths {
    /// The folders of the site at `root` using `theme`.
    pub fn new(root: &Path, theme: &str) -> Paths {
        Paths {
            root: root.to_path_buf(),
            content: root.join("content"),
            static_dir: root.join("static"),
            templates: root.join("templates"),
            theme: root.join("themes").join(theme),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_lists_each_valid_key_once() {
        let d = unknown_key(
            Path::new("a.md"),
            "titel",
            2,
            &["title", "tags", "branch", "tags"],
        );
        let hint = d.hint.expect("hint");
        assert_eq!(
            hint.en,
            "did you mean `title`? Valid keys: title, tags, branch"
        );
        assert_eq!(hint.zh.matches("tags").count(), 1);
    }

    #[test]
    fn base_path_is_split() {
        assert_eq!(
            split_base_url("https://www.example.edu.cn/dangjian/").as_deref(),
            Some("/dangjian/")
        );
        assert_eq!(
            split_base_url("https://www.example.edu.cn").as_deref(),
            Some("/")
        );
        assert_eq!(split_base_url("/dangjian/"), None);
    }

    #[test]
    fn unknown_key_suggests() {
        let e = Config::parse(
            "title: a\nbase_url: https://a.cn/\npaginte_by: 3\n",
            Path::new("config.yaml"),
        )
        .unwrap_err();
        assert_eq!(e[0].line, Some(3));
        assert!(e[0].hint.as_ref().unwrap().en.contains("paginate_by"));
    }

    #[test]
    fn defaults() {
        let c = Config::parse(
            "title: a\nbase_url: https://a.cn/x\n",
            Path::new("config.yaml"),
        )
        .unwrap();
        assert_eq!(c.base_url, "https://a.cn/x/");
        assert_eq!(c.base_path, "/x/");
        assert_eq!(c.paginate_by, 10);
        assert_eq!(c.taxonomies, vec!["tags"]);
        assert!(c.markdown.cjk_line_breaks);
        assert_eq!(c.permalink("/x/a/"), "https://a.cn/x/a/");
    }
}
