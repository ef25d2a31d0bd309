//! Errors and diagnostics.
//!
//! Content problems are *diagnostics*: a build collects all of them and reports
//! them together, each pointing at `path:line:column` with a message and a hint
//! in the site language (Chinese with English alongside for `zh-CN`). Problems
//! that stop the build before content is read (no config, unsafe output folder,
//! I/O failure) are [`Error`]s.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::i18n::Lang;

/// How bad a diagnostic is: errors fail the build, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Fails the build (exit code 1).
    Error,
    /// Reported but the build goes on.
    Warning,
}

/// A message in both languages; the site language picks which one leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    /// Chinese text.
    pub zh: String,
    /// English text.
    pub en: String,
}

impl Msg {
    /// A message given in Chinese and English.
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Msg {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The message as shown for `lang`: Chinese with the English after it for
    /// `zh-CN` (editors paste errors into search engines and chat groups, and
    /// English helps there), English only for `en`.
    pub fn show(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh if self.zh != self.en => format!("{}（{}）", self.zh, self.en),
            Lang::Zh => self.zh.clone(),
            Lang::En => self.en.clone(),
        }
    }
}

/// One problem found in the site's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// How bad it is.
    pub severity: Severity,
    /// The file, relative to the site root where possible.
    pub path: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: Msg,
    /// How to fix it.
    pub hint: Option<Msg>,
    /// A short stable code for tools (`front-matter`, `yaml`, `link`, ...).
    pub code: &'static str,
}

impl Diagnostic {
    /// An error in `path` with code `code`.
    pub fn error(code: &'static str, path: impl Into<PathBuf>, message: Msg) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.into(),
            line: None,
            column: None,
            message,
            hint: None,
            code,
        }
    }

    /// A warning in `path` with code `code`.
    pub fn warning(code: &'static str, path: impl Into<PathBuf>, message: Msg) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, path, message)
        }
    }

    /// Sets the line (1-based).
    pub fn at_line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }

    /// Sets line and column (1-based).
    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    /// Sets line when one is known.
    pub fn at_opt(mut self, line: Option<usize>) -> Self {
        if line.is_some() {
            self.line = line;
        }
        self
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: Msg) -> Self {
        self.hint = Some(hint);
        self
    }

    /// `path:line:column` as editors and terminals understand it.
    pub fn location(&self) -> String {
        let p = self.path.display().to_string().replace('\\', "/");
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{p}:{l}:{c}"),
            (Some(l), None) => format!("{p}:{l}"),
            _ => p,
        }
    }

    /// The full report of this diagnostic, for the terminal.
    pub fn render(&self, lang: Lang) -> String {
        let sev = match (self.severity, lang) {
            (Severity::Error, Lang::Zh) => "错误",
            (Severity::Error, Lang::En) => "error",
            (Severity::Warning, Lang::Zh) => "警告",
            (Severity::Warning, Lang::En) => "warning",
        };
        let mut s = format!("{}: {sev}: {}", self.location(), self.message.show(lang));
        if let Some(h) = &self.hint {
            let label = match lang {
                Lang::Zh => "提示",
                Lang::En => "hint",
            };
            s.push_str(&format!("\n    {label}: {}", h.show(lang)));
        }
        s
    }
}

/// Errors that stop lanmu before or outside content processing.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// One or more content errors; the diagnostics say which.
    #[error("{} content error(s)", .0.iter().filter(|d| d.severity == Severity::Error).count())]
    Content(Vec<Diagnostic>),
    /// A file or folder could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file involved.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The output folder is unsafe to replace.
    #[error("{0}")]
    UnsafeOutput(String),
    /// Anything else, already explained.
    #[error("{0}")]
    Other(String),
}

impl Error {
    /// Wraps an I/O error with the path it happened on.
    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.as_ref().to_path_buf(),
            source,
        }
    }
}

/// Result type of the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Prints diagnostics grouped by file in a stable order.
pub struct Report<'a>(pub &'a [Diagnostic], pub Lang);

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut ds: Vec<&Diagnostic> = self.0.iter().collect();
        ds.sort_by(|a, b| {
            (&a.path, a.line, a.column, a.severity).cmp(&(&b.path, b.line, b.column, b.severity))
        });
        for d in ds {
            writeln!(f, "{}", d.render(self.1))?;
        }
        Ok(())
    }
}
