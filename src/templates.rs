//! Tera templates: the theme's (on disk, or the default theme built into the
//! binary), overridden by the site's `templates/`, plus lanmu's filters and
//! functions.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use tera::{Kwargs, State, Tera, Value};

use crate::config::{Config, Paths};
use crate::error::{Diagnostic, Msg};
use crate::i18n;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/theme.rs"));
}

/// Where a theme file comes from.
#[derive(Debug, Clone)]
pub enum Source {
    /// A file on disk.
    Disk(PathBuf),
    /// A file of the default theme built into lanmu.
    Embedded(&'static [u8]),
}

impl Source {
    /// The file's bytes.
    pub fn bytes(&self) -> std::io::Result<std::borrow::Cow<'static, [u8]>> {
        match self {
            Source::Disk(p) => std::fs::read(p).map(std::borrow::Cow::Owned),
            Source::Embedded(b) => Ok(std::borrow::Cow::Borrowed(b)),
        }
    }
}

/// The theme's files below `sub` (`templates` or `static`): relative path and source.
/// The theme folder on disk wins; the built-in default theme is the fallback.
pub fn theme_files(
    paths: &Paths,
    theme: &str,
    sub: &str,
) -> Result<Vec<(String, Source)>, Diagnostic> {
    let dir = paths.theme.join(sub);
    if paths.theme.is_dir() {
        let mut out = Vec::new();
        if dir.is_dir() {
            for e in walkdir::WalkDir::new(&dir)
                .sort_by_file_name()
                .into_iter()
                .flatten()
            {
                if e.file_type().is_file() {
                    let rel = e.path().strip_prefix(&dir).unwrap_or(e.path());
                    out.push((
                        rel.to_string_lossy().replace('\\', "/"),
                        Source::Disk(e.path().to_path_buf()),
                    ));
                }
            }
        }
        return Ok(out);
    }
    if theme != "default" {
        return Err(Diagnostic::error(
            "theme",
            "config.yaml",
            Msg::new(
                format!("找不到主题 `{theme}`（themes/{theme}/）"),
                format!("theme `{theme}` not found (themes/{theme}/)"),
            ),
        )
        .with_hint(Msg::new(
            "把主题放到 themes/ 下，或删掉 `theme:` 使用默认主题",
            "put the theme under themes/, or remove `theme:` to use the default theme",
        )));
    }
    let prefix = format!("{sub}/");
    Ok(embedded::DEFAULT_THEME
        .iter()
        .filter_map(|(p, b)| {
            p.strip_prefix(&prefix)
                .map(|rel| (rel.to_string(), Source::Embedded(b)))
        })
        .collect())
}

/// The loaded templates and where each came from (for error messages).
pub struct Templates {
    tera: Tera,
    sources: Sources,
}

/// Finds ` --> name:line:col` in a report Tera printed, for errors that do
/// not carry a span of their own (unknown filters and functions at load time).
fn reported_location(msg: &str) -> Option<(String, usize, usize)> {
    let at = msg.find(" --> ")?;
    let loc = msg[at + 5..].lines().next()?.trim();
    let mut parts = loc.rsplitn(3, ':');
    let col = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    Some((parts.next()?.to_string(), line, col))
}

fn tera_diagnostic(e: &tera::Error, t: &Sources, context: Option<&Path>) -> Diagnostic {
    let shown = |name: &str| {
        t.origin
            .get(name)
            .cloned()
            .unwrap_or_else(|| name.to_string())
    };
    let (file, line, col, message) = match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => (
            shown(r.filename()),
            Some(r.span().start_line),
            Some(r.span().start_col + 1),
            r.message().to_string(),
        ),
        tera::ErrorKind::MissingParent { current, parent } => {
            let line = t.text.get(current.as_str()).and_then(|src| {
                src.lines()
                    .position(|l| l.contains("extends") && l.contains(parent.as_str()))
                    .map(|i| i + 1)
            });
            (
                shown(current),
                line,
                None,
                format!("Template `{current}` extends `{parent}`, which does not exist"),
            )
        }
        _ => {
            let mut msg = e.to_string();
            let mut src = std::error::Error::source(e);
            while let Some(s) = src {
                msg.push_str(&format!(": {s}"));
                src = s.source();
            }
            match reported_location(&msg) {
                Some((name, line, col)) => {
                    let first = msg
                        .lines()
                        .next()
                        .unwrap_or("")
                        .trim_start_matches("error: ")
                        .to_string();
                    (shown(&name), Some(line), Some(col), first)
                }
                None => ("templates".to_string(), None, None, msg),
            }
        }
    };
    let mut d = Diagnostic::error(
        "template",
        file,
        Msg::new(
            format!("模板错误：{message}"),
            format!("template error: {message}"),
        ),
    );
    d.line = line;
    d.column = col;
    let hint = match context {
        Some(p) => Msg::new(
            format!("渲染 {} 时出错；检查模板中变量名和语法", p.display()),
            format!(
                "while rendering {}; check the template's variables and syntax",
                p.display()
            ),
        ),
        None => Msg::new(
            "检查模板语法（Tera 2）",
            "check the template syntax (Tera 2)",
        ),
    };
    d.with_hint(hint)
}

/// Template names mapped to the files they came from, and their text.
#[derive(Default)]
struct Sources {
    origin: HashMap<String, String>,
    text: HashMap<String, String>,
}

impl Templates {
    /// Loads theme templates, then the site's overrides, and registers lanmu's
    /// filters and functions.
    pub fn load(paths: &Paths, cfg: &Config) -> Result<Templates, Vec<Diagnostic>> {
        let mut sources: BTreeMap<String, (String, String)> = BTreeMap::new();
        let mut errors = Vec::new();
        let theme = theme_files(paths, &cfg.theme, "templates").map_err(|d| vec![d])?;
        let theme_label = if paths.theme.is_dir() {
            format!("themes/{}/templates/", cfg.theme)
        } else {
            "(lanmu 内置默认主题) templates/".to_string()
        };
        for (rel, src) in theme {
            match src.bytes() {
                Ok(b) => {
                    sources.insert(
                        rel.clone(),
                        (
                            format!("{theme_label}{rel}"),
                            String::from_utf8_lossy(&b).into_owned(),
                        ),
                    );
                }
                Err(e) => errors.push(Diagnostic::error(
                    "read",
                    format!("{theme_label}{rel}"),
                    Msg::new(format!("无法读取：{e}"), format!("cannot read: {e}")),
                )),
            }
        }
        if paths.templates.is_dir() {
            for e in walkdir::WalkDir::new(&paths.templates)
                .sort_by_file_name()
                .into_iter()
                .flatten()
            {
                if !e.file_type().is_file() {
                    continue;
                }
                let rel = e
                    .path()
                    .strip_prefix(&paths.templates)
                    .unwrap_or(e.path())
                    .to_string_lossy()
                    .replace('\\', "/");
                let shown = format!("templates/{rel}");
                match crate::encoding::read_text(e.path(), Path::new(&shown)) {
                    Ok(t) => {
                        sources.insert(rel, (shown, t));
                    }
                    Err(crate::encoding::ReadError::Diagnostic(d)) => errors.push(*d),
                    Err(crate::encoding::ReadError::Io(err)) => errors.push(Diagnostic::error(
                        "read",
                        shown,
                        Msg::new(format!("无法读取：{err}"), format!("cannot read: {err}")),
                    )),
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".html", ".htm", ".xml"]);
        register(&mut tera, cfg);
        let known = Sources {
            origin: sources
                .iter()
                .map(|(k, (shown, _))| (k.clone(), shown.clone()))
                .collect(),
            text: sources
                .iter()
                .map(|(k, (_, t))| (k.clone(), t.clone()))
                .collect(),
        };
        tera.add_raw_templates(sources.iter().map(|(k, (_, t))| (k.as_str(), t.as_str())))
            .map_err(|e| vec![tera_diagnostic(&e, &known, None)])?;
        Ok(Templates {
            tera,
            sources: known,
        })
    }

    /// Whether a template exists.
    pub fn has(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    /// The first of `names` that exists.
    pub fn pick<'a>(&self, names: &[&'a str]) -> Option<&'a str> {
        names.iter().copied().find(|n| self.has(n))
    }

    /// Sets a value every template sees.
    pub fn set_global(&mut self, key: &'static str, value: Value) {
        self.tera.global_context().insert_value(key, value);
    }

    /// Renders `name`; `source` names the content file being rendered.
    pub fn render(
        &self,
        name: &str,
        ctx: &tera::Context,
        source: &Path,
    ) -> Result<String, Diagnostic> {
        self.tera
            .render(name, ctx)
            .map_err(|e| tera_diagnostic(&e, &self.sources, Some(source)))
    }

    /// Like [`Templates::render`], into bytes: skips re-validating the
    /// whole output as UTF-8 (Tera writes only valid UTF-8), which was a
    /// few percent of a large build.
    pub fn render_bytes(
        &self,
        name: &str,
        ctx: &tera::Context,
        source: &Path,
    ) -> Result<Vec<u8>, Diagnostic> {
        let mut out = Vec::with_capacity(16 * 1024);
        self.tera
            .render_to(name, ctx, &mut out)
            .map_err(|e| tera_diagnostic(&e, &self.sources, Some(source)))?;
        Ok(out)
    }
}

fn register(tera: &mut Tera, cfg: &Config) {
    let strings = i18n::strings(cfg.lang, &cfg.i18n_overrides());
    let lang = cfg.lang;
    tera.register_function(
        "trans",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let key: String = kwargs.must_get("key")?;
            let mut s = strings.get(&key).cloned().unwrap_or(key);
            if let Some(n) = kwargs.get::<Value>("n")? {
                s = s.replace("{n}", &n.to_string());
            }
            if let Some(t) = kwargs.get::<String>("term")? {
                s = s.replace("{term}", &t);
            }
            Ok(s)
        },
    );
    // `{{ page.date | date }}` → 2024年5月1日; `date(format="%Y-%m-%d")` for others.
    let tz = cfg.timezone;
    tera.register_filter(
        "date",
        move |v: &str, kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let d = crate::date::parse_date(v, tz)
                .ok_or_else(|| tera::Error::message(format!("`{v}` is not a date")))?;
            match kwargs.get::<String>("format")? {
                Some(f) => Ok(d.0.strftime(&f).to_string()),
                None => Ok(d.display(lang)),
            }
        },
    );
    // JSON for inline scripts: `<` is escaped so `</script>` in data is inert.
    tera.register_filter(
        "json",
        |v: Value, _: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let s = serde_json::to_string(&v).map_err(|e| tera::Error::message(e.to_string()))?;
            Ok(Value::safe_string(
                &s.replace('<', "\\u003c")
                    .replace('>', "\\u003e")
                    .replace('&', "\\u0026"),
            ))
        },
    );
}
