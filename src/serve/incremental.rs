//! Rebuilding the served site after a change.
//!
//! The design is the simplest correct one: every rebuild runs the real
//! pipeline ([`pipeline::load`] and [`pipeline::render_into`]) into a fresh
//! in-memory map, so the result is by construction what a clean build
//! produces. The new map is compared with the old one output by output:
//! unchanged outputs keep their old allocation, and the list of changed
//! outputs decides what open pages do (nothing, swap stylesheets, reload).
//! A failed rebuild leaves the previous map untouched.
//!
//! One fast path skips the pipeline: when every change is a file under
//! `static/` or the active theme's `static/` that still exists (the CSS edit
//! loop), those files are copied into a copy of the map. Deletions, folders,
//! a file that is also a content asset, a theme appearing on or vanishing
//! from disk, or a previous failed build take the pipeline.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::Paths;
use crate::error::{Diagnostic, Error, Result};
use crate::i18n::Lang;
use crate::output::{MemSink, Sink};
use crate::pipeline::{self, BuildOptions};
use crate::publish::relative::RelativeSink;
use crate::render::Stats;
use crate::site::Site;
use crate::templates::Templates;

use super::state::Files;
use super::watch::{Area, Change};

/// How a rebuild was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// The whole pipeline.
    Pipeline,
    /// Only static files were copied.
    StaticCopy,
}

/// What a good rebuild did.
#[derive(Debug, Clone)]
pub struct Rebuilt {
    /// Output files added, changed or removed (relative paths), sorted.
    pub changed: Vec<String>,
    /// Wall time.
    pub elapsed: Duration,
    /// The pipeline's figures (for [`How::Pipeline`]).
    pub stats: Option<Stats>,
    /// Warnings of the build.
    pub warnings: Vec<Diagnostic>,
    /// The site language.
    pub lang: Lang,
    /// How it was done.
    pub how: How,
    /// Time spent loading (reading, parsing, Markdown, model) and rendering.
    pub phases: (Duration, Duration),
}

impl Rebuilt {
    /// Whether every changed output is a stylesheet (the page can swap its
    /// `<link>`s instead of reloading).
    pub fn css_only(&self) -> bool {
        !self.changed.is_empty()
            && self
                .changed
                .iter()
                .all(|c| c.to_ascii_lowercase().ends_with(".css"))
    }
}

/// What the last good build saw, for the static fast path.
struct Last {
    paths: Paths,
    theme_on_disk: bool,
    asset_keys: HashSet<String>,
    base_path: String,
    lang: Lang,
    warnings: Vec<Diagnostic>,
}

/// Keeps the served site and rebuilds it.
pub struct Rebuilder {
    opts: BuildOptions,
    files: Arc<Files>,
    last: Option<Last>,
    failed: bool,
    origin: Option<String>,
}

fn rel_key(p: &Path) -> Option<String> {
    let mut parts = Vec::new();
    for c in p.components() {
        match c {
            std::path::Component::Normal(s) => parts.push(s.to_str()?.to_string()),
            _ => return None,
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

impl Rebuilder {
    /// A rebuilder for the site `opts` describes (`opts.base_url` should be
    /// the server's URL). Nothing is built yet.
    pub fn new(opts: BuildOptions) -> Rebuilder {
        Rebuilder {
            opts,
            files: Arc::default(),
            last: None,
            failed: false,
            origin: None,
        }
    }

    /// The build options.
    pub fn options(&self) -> &BuildOptions {
        &self.opts
    }

    /// Serves at `origin` (`http://127.0.0.1:1111`): every build gets the
    /// base URL `origin` + the sub-path of the configured `base_url`, read
    /// again each time so an edited `base_url` takes effect.
    pub fn set_origin(&mut self, origin: &str) {
        self.origin = Some(origin.trim_end_matches('/').to_string());
    }

    /// The files of the last good build.
    pub fn files(&self) -> Arc<Files> {
        self.files.clone()
    }

    /// The site path of the last good build, if any.
    pub fn base_path(&self) -> Option<&str> {
        self.last.as_ref().map(|l| l.base_path.as_str())
    }

    /// Runs the whole pipeline into memory and swaps the result in; on
    /// error the previous files stay.
    pub fn full(&mut self) -> Result<Rebuilt> {
        let r = self.pipeline();
        self.failed = r.is_err();
        r
    }

    fn pipeline(&mut self) -> Result<Rebuilt> {
        let start = Instant::now();
        if let Some(o) = &self.origin {
            let cfg = crate::config::Config::load(&self.opts.root)?;
            self.opts.base_url = Some(format!("{o}{}", cfg.base_path));
        }
        let (site, paths, mut templates) = pipeline::load(&self.opts)?;
        let t_load = start.elapsed();
        let (stats, new) = render_to_memory(&site, &paths, &mut templates)?;
        let t_render = start.elapsed() - t_load;
        let old = &self.files;
        let mut changed: Vec<String> = Vec::new();
        let mut files: Files = HashMap::with_capacity(new.len());
        for (k, bytes) in new {
            match old.get(&k) {
                Some(prev) if prev.as_slice() == bytes.as_slice() => {
                    files.insert(k, prev.clone());
                }
                _ => {
                    changed.push(k.clone());
                    files.insert(k, Arc::new(bytes));
                }
            }
        }
        changed.extend(old.keys().filter(|k| !files.contains_key(*k)).cloned());
        changed.sort();
        self.files = Arc::new(files);
        let cfg = &site.config;
        let asset_keys = site
            .assets
            .iter()
            .filter_map(|a| crate::urls::output_file(cfg, &a.path))
            .filter_map(|p| rel_key(&p))
            .collect();
        self.last = Some(Last {
            theme_on_disk: paths.theme.is_dir(),
            paths,
            asset_keys,
            base_path: cfg.base_path.clone(),
            lang: cfg.lang,
            warnings: site.warnings.clone(),
        });
        Ok(Rebuilt {
            changed,
            elapsed: start.elapsed(),
            stats: Some(stats),
            warnings: site.warnings.clone(),
            lang: cfg.lang,
            how: How::Pipeline,
            phases: (t_load, t_render),
        })
    }

    /// The static files to copy when every change is a file under `static/`
    /// or the theme's `static/` that still exists: `(output key, source)`.
    fn static_plan(&self, changes: &[Change]) -> Option<Vec<(String, PathBuf)>> {
        let last = self.last.as_ref()?;
        if last.paths.theme.is_dir() != last.theme_on_disk {
            return None;
        }
        let site_static =
            std::fs::canonicalize(&last.paths.static_dir).unwrap_or(last.paths.static_dir.clone());
        let theme_static = last.paths.theme.join("static");
        let theme_static = std::fs::canonicalize(&theme_static).unwrap_or(theme_static);
        let theme_dir =
            std::fs::canonicalize(&last.paths.theme).unwrap_or(last.paths.theme.clone());
        let mut plan = Vec::new();
        for c in changes {
            if !matches!(c.area, Area::Static | Area::Themes) || !c.path.is_file() {
                return None;
            }
            let (rel, from_theme) = if let Ok(r) = c.path.strip_prefix(&site_static) {
                (r, false)
            } else if last.theme_on_disk
                && let Ok(r) = c.path.strip_prefix(&theme_static)
            {
                (r, true)
            } else if c.area == Area::Themes && !c.path.starts_with(&theme_dir) {
                continue; // a theme that is not in use
            } else {
                return None; // templates, or anything unexpected: the whole pipeline
            };
            let key = rel_key(rel)?;
            if last.asset_keys.contains(&key) {
                return None; // a content asset at the same URL wins: let the pipeline decide
            }
            if from_theme && site_static.join(rel).is_file() {
                continue; // the site's own static file shadows the theme's
            }
            plan.push((key, c.path.clone()));
        }
        Some(plan)
    }

    /// Brings the site up to date after `changes`. Falls back to the whole
    /// pipeline whenever the fast path cannot be sure.
    pub fn update(&mut self, changes: &[Change]) -> Result<Rebuilt> {
        let plan = if self.failed {
            None
        } else {
            self.static_plan(changes)
        };
        let Some(plan) = plan else {
            return self.full();
        };
        let start = Instant::now();
        let mut files: Files = (*self.files).clone();
        let mut changed = Vec::new();
        for (key, src) in plan {
            let bytes = std::fs::read(&src).map_err(|e| Error::io(&src, e))?;
            if files.get(&key).map(|b| b.as_slice()) != Some(bytes.as_slice()) {
                files.insert(key.clone(), Arc::new(bytes));
                changed.push(key);
            }
        }
        changed.sort();
        changed.dedup();
        self.files = Arc::new(files);
        let last = self.last.as_ref().expect("static plan needs a last build");
        Ok(Rebuilt {
            changed,
            elapsed: start.elapsed(),
            stats: None,
            warnings: last.warnings.clone(),
            lang: last.lang,
            how: How::StaticCopy,
            phases: (Duration::ZERO, Duration::ZERO),
        })
    }
}

/// Renders a loaded site into memory the way `lanmu build` writes it
/// (through the relative-links rewriter when `relative_urls` is on).
fn render_to_memory(
    site: &Site,
    paths: &Paths,
    templates: &mut Templates,
) -> Result<(Stats, BTreeMap<String, Vec<u8>>)> {
    let mem = MemSink::default();
    let relative = RelativeSink::new(&mem, &site.config.base_path);
    let sink: &dyn Sink = if site.config.relative_urls {
        &relative
    } else {
        &mem
    };
    let stats = pipeline::render_into(site, paths, templates, sink)?;
    let files = mem
        .files
        .into_inner()
        .map_err(|_| Error::Other("output lock poisoned".into()))?;
    Ok((stats, files))
}

/// A clean build into memory, for comparisons: what a fresh
/// `pipeline::load` + `render_into` produces.
pub fn clean_build(opts: &BuildOptions) -> Result<BTreeMap<String, Vec<u8>>> {
    let (site, paths, mut templates) = pipeline::load(opts)?;
    Ok(render_to_memory(&site, &paths, &mut templates)?.1)
}
