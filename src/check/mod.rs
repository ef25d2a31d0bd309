//! `lanmu check`: everything a build does except writing, plus the checks an
//! editor wants before publishing.
//!
//! The site is loaded and rendered into memory exactly as `lanmu build` does
//! (so every build error is reported), then:
//!
//! - [`links`]: every internal `href`/`src` of the rendered HTML and feeds
//!   must resolve to a rendered file, and same-page `#fragment`s to an `id`;
//!   external links are listed and counted, and checked only with
//!   `--external` ([`external`]);
//! - [`taxonomy`]: terms used once, spellings differing only by width, case
//!   or spaces, pages without tags;
//! - [`typography`]: spacing and punctuation of Chinese text with the
//!   `autocorrect` crate, and `--fix` to apply the safe fixes in place;
//! - [`media`]: images over [`media::MAX_IMAGE_BYTES`] and images without alt
//!   text.
//!
//! Results are [`Diagnostic`]s printed grouped by file ([`CheckReport::text`])
//! or as JSON ([`json`]).

pub mod external;
pub mod json;
pub mod links;
pub mod media;
pub mod taxonomy;
pub mod typography;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::content::{Column, Page};
use crate::error::{Diagnostic, Error, Severity};
use crate::i18n::Lang;
use crate::output::MemSink;
use crate::pipeline::{self, BuildOptions};

/// What to check and how.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// Site root (holds `config.yaml`).
    pub root: PathBuf,
    /// Include drafts, as `lanmu build --drafts` would.
    pub drafts: bool,
    /// Apply the safe typography fixes in place before checking.
    pub fix: bool,
    /// Check external links over the network.
    pub external: bool,
    /// Ask for a space between Chinese characters and digits (`2024 年`).
    /// Off by default: Chinese official and Party writing (GB/T 15835) puts
    /// none there, so it would flag every date. Spaces between Chinese and
    /// Latin letters are always checked.
    pub space_numbers: bool,
    /// Settings of `--external`.
    pub external_settings: external::Settings,
}

impl CheckOptions {
    /// Defaults for the site at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        CheckOptions {
            root: root.into(),
            drafts: false,
            fix: false,
            external: false,
            space_numbers: false,
            external_settings: external::Settings::default(),
        }
    }
}

/// The outcome of `lanmu check`.
#[derive(Debug, Clone)]
pub struct CheckReport {
    /// The language of messages.
    pub lang: Lang,
    /// Every problem found.
    pub diagnostics: Vec<Diagnostic>,
    /// Markdown files and rendered output files that were looked at.
    pub checked: Checked,
    /// External links found (and checked with `--external`).
    pub external: external::Summary,
    /// Typography fixes applied by `--fix`: (file, number of fixes).
    pub fixed: Vec<(PathBuf, usize)>,
}

/// How much was looked at.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Checked {
    /// Markdown files (pages and column indexes).
    pub sources: usize,
    /// Files rendered into memory (HTML, feeds, copied files).
    pub outputs: usize,
}

impl CheckReport {
    /// Number of errors.
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// Number of warnings.
    pub fn warnings(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }

    /// Number of distinct files with at least one diagnostic.
    pub fn files(&self) -> usize {
        let mut files: Vec<&Path> = self.diagnostics.iter().map(|d| d.path.as_path()).collect();
        files.sort();
        files.dedup();
        files.len()
    }

    /// The process exit code: 1 with any error, or with any warning under
    /// `deny_warnings`; 0 otherwise.
    pub fn exit_code(&self, deny_warnings: bool) -> u8 {
        if self.errors() > 0 || (deny_warnings && self.warnings() > 0) {
            1
        } else {
            0
        }
    }

    /// The report for the terminal: diagnostics grouped by file (a blank line
    /// between files), then the external links and a summary line.
    pub fn text(&self) -> String {
        let lang = self.lang;
        let mut out = String::new();
        for (path, ds) in group_by_file(&self.diagnostics) {
            let _ = path;
            for d in ds {
                out.push_str(&d.render(lang));
                out.push('\n');
            }
            out.push('\n');
        }
        for (f, n) in &self.fixed {
            let p = f.display().to_string().replace('\\', "/");
            out.push_str(&match lang {
                Lang::Zh => format!("已修正 {p} 中的 {n} 处排版问题\n"),
                Lang::En => format!("fixed {n} typography issue(s) in {p}\n"),
            });
        }
        out.push_str(&self.external.text(lang));
        let (e, w, f) = (self.errors(), self.warnings(), self.files());
        let (s, o) = (self.checked.sources, self.checked.outputs);
        out.push_str(&match lang {
            Lang::Zh => format!(
                "检查完成：{e} 个错误，{w} 个警告，涉及 {f} 个文件（检查了 {s} 个 Markdown 文件、{o} 个生成的文件）\n"
            ),
            Lang::En => format!(
                "check finished: {e} error(s), {w} warning(s) in {f} file(s) ({s} Markdown files and {o} output files checked)\n"
            ),
        });
        out
    }
}

/// Diagnostics sorted by file, then line and column, grouped by file.
pub fn group_by_file(ds: &[Diagnostic]) -> BTreeMap<String, Vec<&Diagnostic>> {
    let mut out: BTreeMap<String, Vec<&Diagnostic>> = BTreeMap::new();
    for d in ds {
        out.entry(d.path.display().to_string().replace('\\', "/"))
            .or_default()
            .push(d);
    }
    for list in out.values_mut() {
        list.sort_by(|a, b| {
            (a.line, a.column, a.severity, a.code).cmp(&(b.line, b.column, b.severity, b.code))
        });
    }
    out
}

/// What the checks look at: the site's pages and columns, from the built
/// site when it built, or straight from `content/` when it did not.
pub struct Inputs<'a> {
    /// The configuration.
    pub config: &'a Config,
    /// Pages.
    pub pages: &'a [Page],
    /// Columns (0 = home).
    pub columns: &'a [Column],
    /// The site root.
    pub root: &'a Path,
}

/// Runs every check on the site at `opts.root`.
///
/// `Err` only for problems that stop before content is read and that a
/// build reports the same way (no `config.yaml` at all, an I/O failure);
/// an invalid `config.yaml` comes back as a report with its errors.
pub fn run(opts: &CheckOptions) -> Result<CheckReport, Error> {
    let root = opts.root.as_path();
    // Nothing is fixed unless this is a site with a valid config.
    let config = match Config::load(root) {
        Ok(c) => c,
        Err(Error::Content(diagnostics)) => {
            return Ok(CheckReport {
                lang: Lang::default(),
                diagnostics,
                checked: Checked::default(),
                external: external::Summary::default(),
                fixed: Vec::new(),
            });
        }
        Err(e) => return Err(e),
    };
    let fixed = if opts.fix {
        typography::fix_site(root, &config.markdown, opts.space_numbers)?
    } else {
        Vec::new()
    };
    let lang = config.lang;
    let build_opts = BuildOptions {
        root: root.to_path_buf(),
        output: None,
        base_url: None,
        drafts: opts.drafts,
        fix_encoding: false,
        relative: false,
    };
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut checked = Checked::default();
    let mut ext_links: Vec<external::Found> = Vec::new();
    match pipeline::load(&build_opts) {
        Ok((site, paths, mut templates)) => {
            // The model's own term-variant warnings are replaced by the
            // taxonomy check's, which also catch spacing variants.
            diagnostics.extend(
                site.warnings
                    .iter()
                    .filter(|d| d.code != "term-variants")
                    .cloned(),
            );
            let sink = MemSink::default();
            match pipeline::render_into(&site, &paths, &mut templates, &sink) {
                Ok(_) => {}
                Err(Error::Content(d)) => {
                    diagnostics.extend(d.into_iter().filter(|d| d.severity == Severity::Error));
                }
                Err(e) => return Err(e),
            }
            let files = sink.files.into_inner().unwrap_or_else(|p| p.into_inner());
            checked.outputs = files.len();
            let out_dir = build_opts.output_dir();
            let shown_out = out_dir.strip_prefix(root).unwrap_or(&out_dir).to_path_buf();
            let html = links::check_output(&site, &files, &shown_out);
            diagnostics.extend(html.diagnostics);
            ext_links.extend(html.external);
            let inputs = Inputs {
                config: &site.config,
                pages: &site.pages,
                columns: &site.columns,
                root,
            };
            diagnostics.extend(source_checks(&inputs, opts, &mut checked, &mut ext_links));
            diagnostics.extend(media::oversized_images(&inputs, &site.assets, &paths));
        }
        Err(Error::Content(d)) => {
            diagnostics.extend(d.into_iter().filter(|d| d.code != "term-variants"));
            // The site did not build: check what can be read anyway.
            let content = crate::content::load(&config, root, opts.drafts);
            let inputs = Inputs {
                config: &config,
                pages: &content.pages,
                columns: &content.columns,
                root,
            };
            diagnostics.extend(source_checks(&inputs, opts, &mut checked, &mut ext_links));
        }
        Err(e) => return Err(e),
    }
    let external = external::summarize(
        ext_links,
        opts.external,
        &opts.external_settings,
        &mut diagnostics,
    );
    dedup(&mut diagnostics);
    Ok(CheckReport {
        lang,
        diagnostics,
        checked,
        external,
        fixed,
    })
}

fn source_checks(
    inputs: &Inputs,
    opts: &CheckOptions,
    checked: &mut Checked,
    ext_links: &mut Vec<external::Found>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    checked.sources =
        inputs.pages.len() + inputs.columns.iter().filter(|c| c.file.is_some()).count();
    out.extend(taxonomy::check(inputs));
    out.extend(typography::check(inputs, opts.space_numbers));
    out.extend(media::empty_alt(inputs));
    ext_links.extend(external::from_sources(inputs));
    out
}

fn dedup(ds: &mut Vec<Diagnostic>) {
    let mut seen = std::collections::HashSet::new();
    ds.retain(|d| {
        seen.insert((
            d.path.clone(),
            d.line,
            d.column,
            d.code,
            d.severity == Severity::Error,
            d.message.en.clone(),
            d.message.zh.clone(),
        ))
    });
}

/// Byte offset → 1-based (line, column) in characters, for text that starts
/// on line `first_line` of its file.
pub(crate) fn line_col(text: &str, offset: usize, first_line: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (first_line + line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars() {
        assert_eq!(line_col("ab\n学习x", 0, 1), (1, 1));
        assert_eq!(line_col("ab\n学习x", 3 + 6, 5), (6, 3));
    }
}
