//! The pipeline: load content → build the site model → render with Tera →
//! write output. `build` runs it into a staging folder and swaps it in;
//! the dev server and tests run the same steps into memory.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::{Config, Paths};
use crate::error::{Diagnostic, Error, Result, Severity};
use crate::output::{self, DirSink, Sink, Staging};
use crate::render::{self, Stats};
use crate::site::Site;
use crate::templates::Templates;
use crate::{content, encoding};

/// What to build and how.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Site root (holds `config.yaml`).
    pub root: PathBuf,
    /// Output folder (default `<root>/public`).
    pub output: Option<PathBuf>,
    /// Replaces `base_url` from the config.
    pub base_url: Option<String>,
    /// Include drafts.
    pub drafts: bool,
    /// Convert GBK files to UTF-8 before building.
    pub fix_encoding: bool,
    /// Write relative links (as `relative_urls: true` in the config).
    pub relative: bool,
}

impl BuildOptions {
    /// Defaults for the site at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            output: None,
            base_url: None,
            drafts: false,
            fix_encoding: false,
            relative: false,
        }
    }

    /// The output folder.
    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join("public"))
    }
}

/// A finished build.
#[derive(Debug)]
pub struct Built {
    /// Figures for the summary line.
    pub stats: Stats,
    /// Warnings.
    pub warnings: Vec<Diagnostic>,
    /// Wall time.
    pub elapsed: Duration,
    /// The site's configuration.
    pub config: Config,
}

/// Files converted by `--fix-encoding`.
pub fn fix_encodings(root: &Path) -> Vec<PathBuf> {
    let mut fixed = Vec::new();
    let mut targets: Vec<PathBuf> = vec![root.join("config.yaml")];
    for dir in ["content", "templates"] {
        targets.extend(
            walkdir::WalkDir::new(root.join(dir))
                .into_iter()
                .flatten()
                .filter(|e| e.file_type().is_file())
                .filter(|e| {
                    e.path()
                        .extension()
                        .and_then(|x| x.to_str())
                        .is_some_and(|x| matches!(x, "md" | "markdown" | "html" | "yaml" | "yml"))
                })
                .map(|e| e.path().to_path_buf()),
        );
    }
    for t in targets {
        if encoding::fix_encoding(&t).unwrap_or(false) {
            fixed.push(t);
        }
    }
    fixed
}

/// Stages 1–2 and template loading: everything a build does before writing.
/// Content errors come back as [`Error::Content`] with every diagnostic.
pub fn load(opts: &BuildOptions) -> Result<(Site, Paths, Templates)> {
    let timer = PhaseTimer::new();
    let mut config = Config::load(&opts.root)?;
    if let Some(u) = &opts.base_url {
        config.set_base_url(u)?;
    }
    if opts.relative {
        config.relative_urls = true;
    }
    let paths = Paths::new(&opts.root, &config.theme);
    let content = content::load(&config, &opts.root, opts.drafts);
    timer.mark("load content");
    let templates = Templates::load(&paths, &config);
    let site = Site::build(config, content);
    timer.mark("site model and Markdown");
    match (site, templates) {
        (Ok(site), Ok(t)) => Ok((site, paths, t)),
        (site, t) => {
            let mut all = Vec::new();
            if let Err(d) = site {
                all.extend(d);
            }
            if let Err(d) = t {
                all.extend(d);
            }
            Err(Error::Content(all))
        }
    }
}

/// Renders a loaded site into any sink.
pub fn render_into(
    site: &Site,
    paths: &Paths,
    templates: &mut Templates,
    sink: &dyn Sink,
) -> Result<Stats> {
    render::render_site(site, templates, paths, sink).map_err(|mut d| {
        d.extend(site.warnings.iter().cloned());
        Error::Content(d)
    })
}

/// Builds the site into its output folder. The previous output is replaced
/// only when the whole build succeeded.
pub fn build(opts: &BuildOptions) -> Result<Built> {
    let start = Instant::now();
    let output = opts.output_dir();
    output::check_output_dir(&opts.root, &output)?;
    if opts.fix_encoding {
        fix_encodings(&opts.root);
    }
    let (site, paths, mut templates) = load(opts)?;
    let staging = Staging::new(&output)?;
    let dir_sink = if staging.recycled() {
        DirSink::new(staging.dir.clone())
    } else {
        DirSink::fresh(staging.dir.clone())
    };
    let relative = crate::publish::relative::RelativeSink::new(&dir_sink, &site.config.base_path);
    let sink: &dyn Sink = if site.config.relative_urls {
        &relative
    } else {
        &dir_sink
    };
    let timer = PhaseTimer::new();
    let stats = render_into(&site, &paths, &mut templates, sink)?;
    timer.mark("render and write (total)");
    dir_sink.remove_stale()?;
    staging.commit()?;
    timer.mark("swap in output");
    Ok(Built {
        stats,
        warnings: site.warnings.clone(),
        elapsed: start.elapsed(),
        config: site.config.clone(),
    })
}

/// Prints how long each phase took when `LANMU_TIMINGS` is set (for
/// profiling; see docs/benchmarks.md).
pub struct PhaseTimer {
    on: bool,
    last: std::cell::Cell<Instant>,
}

impl PhaseTimer {
    /// Starts timing now.
    pub fn new() -> PhaseTimer {
        PhaseTimer {
            on: std::env::var_os("LANMU_TIMINGS").is_some(),
            last: std::cell::Cell::new(Instant::now()),
        }
    }

    /// Prints the time since the previous mark.
    pub fn mark(&self, what: &str) {
        if self.on {
            let now = Instant::now();
            eprintln!(
                "[timing] {what}: {:.1} ms",
                (now - self.last.get()).as_secs_f64() * 1000.0
            );
            self.last.set(now);
        }
    }
}

impl Default for PhaseTimer {
    fn default() -> Self {
        PhaseTimer::new()
    }
}

/// True when any diagnostic is an error.
pub fn has_errors(d: &[Diagnostic]) -> bool {
    d.iter().any(|x| x.severity == Severity::Error)
}
