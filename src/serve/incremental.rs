//! Rebuilding the served site after a change.
//!
//! The default is the simplest correct design: run the real pipeline
//! ([`pipeline::load`] and [`render::render_with`]) into a fresh in-memory
//! map, so the result is by construction what a clean build produces. The
//! new map is compared with the old one output by output: unchanged outputs
//! keep their old allocation, and the list of changed outputs decides what
//! open pages do (nothing, swap stylesheets, reload). A failed rebuild leaves
//! the previous map untouched.
//!
//! Two fast paths skip parts of the pipeline:
//! - **Static files.** When every change is a file under `static/` or the
//!   active theme's `static/` that still exists (the CSS edit loop), those
//!   files are copied into a copy of the map. Deletions, folders, a file
//!   that is also a content asset, a theme appearing on or vanishing from
//!   disk, or a previous failed build take the pipeline.
//! - **Edited pages.** When every change is an edit of an existing page's
//!   Markdown file, the kept site model re-reads just those files
//!   ([`content::reload_page`]), re-renders their Markdown and relinks
//!   ([`Site::update_pages`]; it refuses when the page's URL, aliases or
//!   draft state changed, or when headings other pages link to changed).
//!   Rendering then skips every output whose fingerprint (the revisions of
//!   the pages it shows) is unchanged ([`render::Incremental`]), and leaves
//!   feeds, sitemap and search index to [`Rebuilder::finish_deferred`],
//!   which the server runs after the reload has been sent.
//!
//! The tests compare every kind of rebuild with a clean build, file by file.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::Paths;
use crate::content;
use crate::error::{Diagnostic, Error, Result};
use crate::i18n::Lang;
use crate::output::{MemSink, Sink};
use crate::pipeline::{self, BuildOptions};
use crate::publish::relative::RelativeSink;
use crate::render::{self, Incremental, Stats};
use crate::site::{PageUpdate, Site};
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
    /// Templates were reloaded and the kept site model rendered again.
    Templates,
    /// Edited pages were updated in the kept site model and only outputs
    /// showing them were rendered; feeds and search wait for
    /// [`Rebuilder::finish_deferred`].
    Pages,
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
    /// Output files rendered (or copied) by this rebuild.
    pub rendered: usize,
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

/// The site model of the last good build, kept for page updates.
struct Model {
    site: Site,
    paths: Paths,
    templates: Templates,
    /// Revision per page (see [`render::Incremental`]).
    revs: Vec<u64>,
    /// Changes with every full build.
    epoch: u64,
    /// Output fingerprints of the last render, by [`render::path_key`].
    fingerprints: HashMap<u64, u64>,
    /// The output file of each fingerprinted path key.
    file_of: HashMap<u64, String>,
    /// Output files of feeds, sitemap and search index.
    deferred_keys: HashSet<String>,
    /// Whether those files are out of date.
    deferred_due: bool,
}

/// Keeps the served site and rebuilds it.
pub struct Rebuilder {
    opts: BuildOptions,
    files: Arc<Files>,
    last: Option<Last>,
    failed: bool,
    origin: Option<String>,
    model: Option<Model>,
    /// Changes of failed rebuilds, not yet in any good build.
    pending: Vec<Change>,
    /// Revision counter for edited pages.
    next_rev: u64,
    /// The site root, resolved (watch events carry resolved paths).
    root_real: Option<PathBuf>,
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
        let root_real = std::fs::canonicalize(&opts.root).ok();
        Rebuilder {
            opts,
            files: Arc::default(),
            last: None,
            failed: false,
            origin: None,
            model: None,
            pending: Vec::new(),
            next_rev: 1,
            root_real,
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
        if r.is_ok() {
            self.pending.clear();
        }
        r
    }

    fn pipeline(&mut self) -> Result<Rebuilt> {
        let start = Instant::now();
        if let Some(o) = &self.origin {
            let cfg = crate::config::Config::load(&self.opts.root)?;
            self.opts.base_url = Some(format!("{o}{}", cfg.base_path));
        }
        let (site, paths, templates) = pipeline::load(&self.opts)?;
        self.render_all(start, site, paths, templates, How::Pipeline)
    }

    /// Renders a whole loaded site into memory, swaps it in and keeps the
    /// model (the second half of a full build).
    fn render_all(
        &mut self,
        start: Instant,
        site: Site,
        paths: Paths,
        mut templates: Templates,
        how: How,
    ) -> Result<Rebuilt> {
        let t_load = start.elapsed();
        let epoch = self.model.as_ref().map_or(0, |m| m.epoch) + 1;
        let revs = vec![0; site.pages.len()];
        let none = HashMap::new();
        let inc = Incremental::new(&none, &revs, epoch, false);
        let (stats, new) = render_to_memory(&site, &paths, &mut templates, Some(&inc))?;
        let t_render = start.elapsed() - t_load;
        let rendered = new.len();
        let gone: Vec<String> = self
            .files
            .keys()
            .filter(|k| !new.contains_key(*k))
            .cloned()
            .collect();
        let changed = merge(&mut self.files, gone, new);
        self.remember(&site, &paths);
        let (warnings, lang) = (site.warnings.clone(), site.config.lang);
        self.model = Some(Model {
            fingerprints: inc
                .next
                .into_inner()
                .unwrap_or_default()
                .into_iter()
                .collect(),
            file_of: inc
                .rendered
                .into_inner()
                .unwrap_or_default()
                .into_iter()
                .collect(),
            deferred_keys: inc
                .deferred
                .into_inner()
                .unwrap_or_default()
                .into_iter()
                .collect(),
            deferred_due: false,
            site,
            paths,
            templates,
            revs,
            epoch,
        });
        Ok(Rebuilt {
            changed,
            elapsed: start.elapsed(),
            stats: Some(stats),
            warnings,
            lang,
            how,
            phases: (t_load, t_render),
            rendered,
        })
    }

    /// The templates-only path: when every change is a template of the site
    /// or of the active theme, the kept site model is rendered again with
    /// the templates reloaded (no content is read). Whether it applies.
    fn templates_plan(&self, changes: &[Change]) -> bool {
        let Some(model) = self.model.as_ref() else {
            return false;
        };
        let (site_t, theme_t) = (
            std::fs::canonicalize(&model.paths.templates).unwrap_or(model.paths.templates.clone()),
            std::fs::canonicalize(model.paths.theme.join("templates"))
                .unwrap_or(model.paths.theme.join("templates")),
        );
        !changes.is_empty()
            && changes.iter().all(|c| {
                matches!(c.area, Area::Templates | Area::Themes)
                    && (c.path.starts_with(&site_t) || c.path.starts_with(&theme_t))
            })
    }

    fn templates(&mut self) -> Result<Rebuilt> {
        let start = Instant::now();
        let model = self
            .model
            .take()
            .ok_or_else(|| Error::Other("no site model".into()))?;
        match Templates::load(&model.paths, &model.site.config) {
            Ok(t) => {
                let Model { site, paths, .. } = model;
                self.render_all(start, site, paths, t, How::Templates)
            }
            Err(d) => {
                let mut all = d;
                all.extend(model.site.warnings.iter().cloned());
                self.model = Some(model);
                Err(Error::Content(all))
            }
        }
    }

    /// Keeps what the static fast path needs from a good build.
    fn remember(&mut self, site: &Site, paths: &Paths) {
        let cfg = &site.config;
        let asset_keys = site
            .assets
            .iter()
            .filter_map(|a| crate::urls::output_file(cfg, &a.path))
            .filter_map(|p| rel_key(&p))
            .collect();
        self.last = Some(Last {
            theme_on_disk: paths.theme.is_dir(),
            paths: paths.clone(),
            asset_keys,
            base_path: cfg.base_path.clone(),
            lang: cfg.lang,
            warnings: site.warnings.clone(),
        });
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
            let mut all = std::mem::take(&mut self.pending);
            all.extend(changes.iter().cloned());
            let fast = if self.templates_plan(&all) {
                Some(self.templates())
            } else {
                self.page_plan(&all).and_then(|files| self.pages(files))
            };
            let r = match fast {
                Some(r) => r,
                None => self.full(),
            };
            if r.is_err() {
                self.pending = all;
                self.failed = true;
            } else {
                self.failed = false;
            }
            return r;
        };
        let start = Instant::now();
        let copied = plan.len();
        let mut new = BTreeMap::new();
        for (key, src) in plan {
            let bytes = std::fs::read(&src).map_err(|e| Error::io(&src, e))?;
            new.insert(key, bytes);
        }
        let changed = merge(&mut self.files, Vec::new(), new);
        let last = self.last.as_ref().expect("static plan needs a last build");
        Ok(Rebuilt {
            changed,
            elapsed: start.elapsed(),
            stats: None,
            warnings: last.warnings.clone(),
            lang: last.lang,
            how: How::StaticCopy,
            phases: (Duration::ZERO, Duration::ZERO),
            rendered: copied,
        })
    }
}

impl Rebuilder {
    /// The page files (as `content/...` paths) when every change is an edit
    /// of an existing page's Markdown file; `None` otherwise.
    fn page_plan(&self, changes: &[Change]) -> Option<Vec<PathBuf>> {
        let model = self.model.as_ref()?;
        let root = self.root_real.as_ref()?;
        let mut files: Vec<PathBuf> = Vec::new();
        for c in changes {
            if c.area != Area::Content || !c.path.is_file() {
                return None;
            }
            let rel = c.path.strip_prefix(root).ok()?.to_path_buf();
            let name = rel.file_name()?.to_str()?;
            if name == "_index.md" || !model.site.pages.iter().any(|p| p.file == rel) {
                return None;
            }
            if !files.contains(&rel) {
                files.push(rel);
            }
        }
        (!files.is_empty()).then_some(files)
    }

    /// The edited-pages fast path (see the module doc); `None` when the
    /// change needs the whole pipeline.
    fn pages(&mut self, files: Vec<PathBuf>) -> Option<Result<Rebuilt>> {
        let start = Instant::now();
        let model = self.model.as_mut()?;
        let site = &mut model.site;
        let mut new_pages = Vec::with_capacity(files.len());
        let mut errors = Vec::new();
        for f in &files {
            let old = site.pages.iter().find(|p| &p.file == f)?;
            match content::reload_page(&site.config, &self.opts.root, &site.columns, old) {
                Ok(p) => new_pages.push(p),
                Err(d) => errors.extend(d),
            }
        }
        if !errors.is_empty() {
            return Some(Err(Error::Content(errors)));
        }
        let updated = match site.update_pages(new_pages) {
            Ok(u) => u,
            Err(PageUpdate::NotInPlace) => return None,
            Err(PageUpdate::Failed(d)) => return Some(Err(Error::Content(d))),
        };
        for i in updated {
            model.revs[i] = self.next_rev;
            self.next_rev += 1;
        }
        let t_load = start.elapsed();
        let inc = Incremental::new(&model.fingerprints, &model.revs, model.epoch, true);
        let rendered =
            render_to_memory(&model.site, &model.paths, &mut model.templates, Some(&inc));
        let (stats, new) = match rendered {
            Ok(x) => x,
            Err(e) => {
                // The model already holds the new pages: rebuild in full next time.
                self.model = None;
                return Some(Err(e));
            }
        };
        let t_render = start.elapsed() - t_load;
        let rendered = new.len();
        let next: HashMap<u64, u64> = inc
            .next
            .into_inner()
            .unwrap_or_default()
            .into_iter()
            .collect();
        model
            .file_of
            .extend(inc.rendered.into_inner().unwrap_or_default());
        // Outputs fingerprinted last time and not made now are gone (a term
        // no page uses any more, a shorter list).
        let gone: Vec<String> = model
            .fingerprints
            .keys()
            .filter(|k| !next.contains_key(k))
            .filter_map(|k| model.file_of.remove(k))
            .collect();
        model.fingerprints = next;
        model.deferred_due = true;
        let changed = merge(&mut self.files, gone, new);
        let (warnings, lang) = (model.site.warnings.clone(), model.site.config.lang);
        if let Some(last) = self.last.as_mut() {
            last.warnings = warnings.clone();
        }
        Some(Ok(Rebuilt {
            changed,
            elapsed: start.elapsed(),
            stats: Some(stats),
            warnings,
            lang,
            how: How::Pages,
            phases: (t_load, t_render),
            rendered,
        }))
    }

    /// Whether feeds, sitemap and search index wait for
    /// [`Rebuilder::finish_deferred`].
    pub fn deferred_due(&self) -> bool {
        self.model.as_ref().is_some_and(|m| m.deferred_due)
    }

    /// Writes the feeds, sitemap and search index a [`How::Pages`] rebuild
    /// left out. Returns the output files that changed.
    pub fn finish_deferred(&mut self) -> Result<Vec<String>> {
        let Some(model) = self.model.as_mut().filter(|m| m.deferred_due) else {
            return Ok(Vec::new());
        };
        let (keys, new) = in_memory(&model.site, |sink| {
            render::render_deferred(&model.site, &mut model.templates, sink).map_err(Error::Content)
        })?;
        let keys: HashSet<String> = keys.into_iter().collect();
        let gone: Vec<String> = model.deferred_keys.difference(&keys).cloned().collect();
        let changed = merge(&mut self.files, gone, new);
        model.deferred_keys = keys;
        model.deferred_due = false;
        Ok(changed)
    }
}

/// Updates the served `files`: `gone` ones removed, `new` ones added or
/// replaced where their bytes differ. Returns the changed files, sorted.
fn merge(files: &mut Arc<Files>, gone: Vec<String>, new: BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut next: Files = (**files).clone();
    let mut changed = Vec::new();
    for k in gone {
        if next.remove(&k).is_some() {
            changed.push(k);
        }
    }
    for (k, bytes) in new {
        if next.get(&k).map(|b| b.as_slice()) != Some(bytes.as_slice()) {
            next.insert(k.clone(), Arc::new(bytes));
            changed.push(k);
        }
    }
    changed.sort();
    *files = Arc::new(next);
    changed
}

/// Runs `render` against an in-memory sink the way `lanmu build` writes
/// (through the relative-links rewriter when `relative_urls` is on) and
/// returns its result with the files written.
fn in_memory<T>(
    site: &Site,
    render: impl FnOnce(&dyn Sink) -> Result<T>,
) -> Result<(T, BTreeMap<String, Vec<u8>>)> {
    let mem = MemSink::default();
    let relative = RelativeSink::new(&mem, &site.config.base_path);
    let sink: &dyn Sink = if site.config.relative_urls {
        &relative
    } else {
        &mem
    };
    let out = render(sink)?;
    let files = mem
        .files
        .into_inner()
        .map_err(|_| Error::Other("output lock poisoned".into()))?;
    Ok((out, files))
}

/// Renders a loaded site into memory (see [`in_memory`]).
fn render_to_memory(
    site: &Site,
    paths: &Paths,
    templates: &mut Templates,
    inc: Option<&Incremental>,
) -> Result<(Stats, BTreeMap<String, Vec<u8>>)> {
    in_memory(site, |sink| {
        render::render_with(site, templates, paths, sink, inc).map_err(|mut d| {
            d.extend(site.warnings.iter().cloned());
            Error::Content(d)
        })
    })
}

/// A clean build into memory, for comparisons: what a fresh
/// `pipeline::load` + `render_into` produces.
pub fn clean_build(opts: &BuildOptions) -> Result<BTreeMap<String, Vec<u8>>> {
    let (site, paths, mut templates) = pipeline::load(opts)?;
    Ok(render_to_memory(&site, &paths, &mut templates, None)?.1)
}
