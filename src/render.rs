//! Stage 3 of the pipeline: rendering the site model with Tera into files.
//!
//! Each template gets only what it shows: a page gets itself and its
//! neighbours, a list page gets its slice of page summaries. Summaries are
//! converted to template values once and shared (cheap `Arc` clones), so list
//! and term pages cost no more as the site grows.

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Value};

use crate::config::{Config, Paths};
use crate::error::{Diagnostic, Msg};
use crate::frontmatter::Kind;
use crate::markdown::Heading;
use crate::output::Sink;
use crate::site::Site;
use crate::templates::{Source, Templates, theme_files};
use crate::{feeds, urls};

/// A link as templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    /// Text.
    pub title: String,
    /// `href` value (encoded, with the base path).
    pub url: String,
}

/// A term on a page or in a list.
#[derive(Debug, Clone, Serialize)]
struct TermRef<'a> {
    name: &'a str,
    url: String,
    count: usize,
}

#[derive(Serialize)]
struct PageSummary<'a> {
    title: &'a str,
    url: String,
    permalink: String,
    slug: &'a str,
    date: String,
    date_display: String,
    updated: Option<String>,
    updated_display: Option<String>,
    summary: &'a str,
    author: Option<&'a str>,
    cover: Option<String>,
    /// The cover as an absolute URL (Open Graph images must be absolute).
    cover_permalink: Option<String>,
    reading_time: usize,
    kind: Kind,
    data: &'a crate::kinds::KindData,
    column: Link,
    tags: Vec<TermRef<'a>>,
    taxonomies: BTreeMap<&'a str, Vec<TermRef<'a>>>,
    extra: &'a serde_json::Map<String, serde_json::Value>,
}

#[derive(Serialize)]
struct PageFull<'a> {
    #[serde(flatten)]
    summary: PageSummary<'a>,
    content: &'a str,
    summary_html: Option<&'a str>,
    toc: &'a [Heading],
    word_count: usize,
    prev: Option<Link>,
    next: Option<Link>,
    file: String,
}

#[derive(Serialize)]
struct Pager {
    index: usize,
    url: String,
}

#[derive(Serialize)]
struct Paginator {
    pages: Vec<Value>,
    current_index: usize,
    total_pages: usize,
    total_items: usize,
    paginate_by: usize,
    first: String,
    last: String,
    previous: Option<String>,
    next: Option<String>,
    pagers: Vec<Pager>,
}

#[derive(Serialize)]
struct ColumnInfo<'a> {
    title: &'a str,
    description: &'a str,
    url: String,
    permalink: String,
    kind: Kind,
    content: &'a str,
    page_count: usize,
    children: Vec<ColumnLink>,
    extra: &'a serde_json::Map<String, serde_json::Value>,
    rss: String,
    atom: String,
    /// Exam columns: practice, wrong-answer book and study record links.
    #[serde(skip_serializing_if = "Option::is_none")]
    exam: Option<crate::kinds::bank::Tools>,
}

#[derive(Serialize)]
struct ColumnLink {
    title: String,
    url: String,
    description: String,
    kind: Kind,
    page_count: usize,
}

#[derive(Serialize)]
struct FeedLink {
    title: String,
    url: String,
    #[serde(rename = "type")]
    mime: &'static str,
}

/// Build figures for the closing line.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stats {
    /// HTML pages written.
    pub html_files: usize,
    /// Content pages.
    pub pages: usize,
    /// Columns (home excluded).
    pub columns: usize,
    /// Terms of all taxonomies.
    pub terms: usize,
    /// Tags only.
    pub tags: usize,
    /// Files copied (assets and static files).
    pub copied: usize,
}

/// Human title of a taxonomy (`tags` → 标签).
pub fn taxonomy_title(cfg: &Config, name: &str) -> String {
    let strings = crate::i18n::strings(cfg.lang, &cfg.i18n_overrides());
    strings
        .get(name)
        .cloned()
        .unwrap_or_else(|| name.to_string())
}

/// Lets a rebuild skip the outputs whose inputs did not change (the dev
/// server). Every page has a revision number that changes when the page is
/// re-read; an output's fingerprint hashes the revisions (and term counts)
/// of the pages it shows with `epoch`, which changes whenever anything else
/// may have changed (config, templates, columns, links). An output whose
/// fingerprint equals the previous one is not rendered: its previous bytes
/// stand.
pub struct Incremental<'a> {
    /// Fingerprints of the previous good render, by [`path_key`] of the
    /// output's site path.
    pub previous: &'a HashMap<u64, u64>,
    /// Revision per page, parallel to `site.pages`.
    pub revs: &'a [u64],
    /// Changes whenever the previous fingerprints must not be trusted.
    pub epoch: u64,
    /// Render only HTML pages: static files and assets are not copied, and
    /// feeds, sitemap and search index are left to [`render_deferred`];
    /// the caller keeps their previous files.
    pub pages_only: bool,
    /// This render's fingerprints: (path key, fingerprint).
    pub next: Mutex<Vec<(u64, u64)>>,
    /// Outputs rendered this time: (path key, output file), so the caller
    /// can tell which file a vanished path key was.
    pub rendered: Mutex<Vec<(u64, String)>>,
    /// Output files [`render_deferred`] makes, when this render made them.
    pub deferred: Mutex<Vec<String>>,
}

impl<'a> Incremental<'a> {
    /// A render against `previous` fingerprints.
    pub fn new(
        previous: &'a HashMap<u64, u64>,
        revs: &'a [u64],
        epoch: u64,
        pages_only: bool,
    ) -> Self {
        Incremental {
            previous,
            revs,
            epoch,
            pages_only,
            next: Mutex::default(),
            rendered: Mutex::default(),
            deferred: Mutex::default(),
        }
    }
}

/// The key fingerprints are kept under: a hash of the output's site path.
pub fn path_key(path: &str) -> u64 {
    fingerprint(path)
}

/// A fingerprint of `parts` (SipHash with fixed keys: stable in a process).
fn fingerprint(parts: impl Hash) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    parts.hash(&mut h);
    h.finish()
}

struct Renderer<'a> {
    site: &'a Site,
    tpl: &'a Templates,
    sink: &'a dyn Sink,
    /// Page summaries as template values, made on first use and shared.
    summaries: Vec<OnceLock<Value>>,
    /// Skipping unchanged outputs, when rebuilding.
    inc: Option<&'a Incremental<'a>>,
    /// Per page: its revision and its terms' counts (what a summary shows
    /// that can change without the page changing), when rebuilding.
    sigs: Vec<u64>,
    /// Per column: what its information block shows that pages can change
    /// (page counts of it and its children), when rebuilding.
    column_sigs: Vec<u64>,
    /// Theme strings, built once (not per page).
    strings: std::collections::BTreeMap<String, String>,
}

fn term_refs<'a>(site: &'a Site, page: usize, tax: &str) -> Vec<TermRef<'a>> {
    let Some(t) = site.taxonomies.iter().find(|t| t.name == tax) else {
        return Vec::new();
    };
    site.page_terms[page]
        .get(tax)
        .map(|list| {
            list.iter()
                .map(|&ti| TermRef {
                    name: &t.terms[ti].name,
                    url: urls::href(&t.terms[ti].path),
                    count: t.terms[ti].pages.len(),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn summary_of(site: &Site, i: usize) -> PageSummary<'_> {
    let p = &site.pages[i];
    let b = &site.bodies[i];
    let cfg = &site.config;
    let col = &site.columns[p.column];
    let taxonomies: BTreeMap<&str, Vec<TermRef>> = cfg
        .taxonomies
        .iter()
        .map(|t| (t.as_str(), term_refs(site, i, t)))
        .collect();
    PageSummary {
        title: &p.title,
        url: urls::href(&p.path),
        permalink: urls::permalink(cfg, &p.path),
        slug: &p.slug,
        date: p.date.rfc3339(),
        date_display: p.date.display(cfg.lang),
        updated: p.updated.as_ref().map(|d| d.rfc3339()),
        updated_display: p.updated.as_ref().map(|d| d.display(cfg.lang)),
        summary: &b.summary,
        author: p.author.as_deref(),
        cover: b.cover.clone(),
        cover_permalink: b.cover.as_ref().map(|c| absolute(cfg, c)),
        reading_time: b.reading_time,
        kind: col.kind,
        data: &p.kind_data,
        column: Link {
            title: col.title.clone(),
            url: urls::href(&col.path),
        },
        tags: term_refs(site, i, "tags"),
        taxonomies,
        extra: &p.extra,
    }
}

/// An `href` made absolute: site paths get the origin of `base_url`.
fn absolute(cfg: &Config, href: &str) -> String {
    if href.starts_with('/') && !href.starts_with("//") {
        cfg.permalink(href)
    } else {
        href.to_string()
    }
}

fn paginate(items: &[usize], per: usize) -> Vec<&[usize]> {
    if items.is_empty() {
        return vec![&[]];
    }
    items.chunks(per.max(1)).collect()
}

impl<'a> Renderer<'a> {
    fn new(
        site: &'a Site,
        tpl: &'a Templates,
        sink: &'a dyn Sink,
        inc: Option<&'a Incremental<'a>>,
    ) -> Renderer<'a> {
        let cfg = &site.config;
        let (sigs, column_sigs): (Vec<u64>, Vec<u64>) = match inc {
            Some(inc) => (
                (0..site.pages.len())
                    .into_par_iter()
                    .map(|j| {
                        let mut h = std::collections::hash_map::DefaultHasher::new();
                        inc.revs.get(j).hash(&mut h);
                        for (tax, list) in &site.page_terms[j] {
                            if let Some(t) = site.taxonomies.iter().find(|t| &t.name == tax) {
                                // What a summary shows of each term: the
                                // spelling most pages use, its URL, its count.
                                for &k in list {
                                    t.terms[k].name.hash(&mut h);
                                    t.terms[k].path.hash(&mut h);
                                    t.terms[k].pages.len().hash(&mut h);
                                }
                            }
                        }
                        h.finish()
                    })
                    .collect(),
                (0..site.columns.len())
                    .map(|ci| {
                        let children: Vec<usize> = site.column_children[ci]
                            .iter()
                            .map(|&k| site.under(k).len())
                            .collect();
                        fingerprint((site.under(ci).len(), children))
                    })
                    .collect(),
            ),
            None => (Vec::new(), Vec::new()),
        };
        Renderer {
            site,
            tpl,
            sink,
            summaries: (0..site.pages.len()).map(|_| OnceLock::new()).collect(),
            inc,
            sigs,
            column_sigs,
            strings: crate::i18n::strings(cfg.lang, &cfg.i18n_overrides()),
        }
    }

    /// Feeds, sitemap, search index, exam tools and the statistics page
    /// (see [`render_deferred`]).
    fn deferred(&self) -> Vec<Result<(), Diagnostic>> {
        let site = self.site;
        let cfg = &site.config;
        let timer = crate::pipeline::PhaseTimer::new();
        let write = |path: &str, bytes: &[u8]| self.write(path, bytes, Path::new("config.yaml"));
        let mut results = feeds::write_all(site, &write);
        timer.mark("feeds and sitemap");
        if cfg.search.enabled {
            let search_dir = urls::search(cfg);
            let failed = Mutex::new(Vec::new());
            crate::search::write_index(site, &|rel: &str, bytes: &[u8]| {
                let res = write(&format!("{search_dir}{rel}"), bytes);
                let ok = res.is_ok();
                if let Ok(mut f) = failed.lock() {
                    f.push(res);
                }
                ok
            });
            results.extend(failed.into_inner().unwrap_or_default());
            timer.mark("search index");
        }
        for ci in crate::kinds::bank::exam_columns(site) {
            results.extend(self.exam_tools(ci));
        }
        results.push(self.stats_page());
        timer.mark("exam tools and statistics");
        results
    }

    fn summary(&self, i: usize) -> Value {
        self.summaries[i]
            .get_or_init(|| Value::from_serializable(&summary_of(self.site, i)))
            .clone()
    }

    /// True when rebuilding and `path`'s inputs (fingerprint of what
    /// `parts` gives; not called in a plain build) are those of the
    /// previous render. Records the fingerprint.
    fn unchanged<H: Hash>(&self, path: &str, parts: impl FnOnce() -> H) -> bool {
        let Some(inc) = self.inc else {
            return false;
        };
        let (k, fp) = (path_key(path), fingerprint((inc.epoch, parts())));
        if let Ok(mut n) = inc.next.lock() {
            n.push((k, fp));
        }
        if inc.previous.get(&k) == Some(&fp) {
            return true;
        }
        if let (Some(key), Ok(mut r)) = (
            urls::output_key(&self.site.config, path),
            inc.rendered.lock(),
        ) {
            r.push((k, key));
        }
        false
    }

    fn sigs_of(&self, items: &[usize]) -> Vec<u64> {
        items.iter().map(|&i| self.sigs[i]).collect()
    }

    /// Human title of a taxonomy, from the cached theme strings.
    fn tax_title(&self, name: &str) -> String {
        self.strings
            .get(name)
            .cloned()
            .unwrap_or_else(|| name.to_string())
    }

    fn write(&self, path: &str, bytes: &[u8], source: &Path) -> Result<(), Diagnostic> {
        write_out(self.site, self.sink, path, bytes, source)
    }

    fn render_to(
        &self,
        template: &str,
        ctx: &Context,
        path: &str,
        source: &Path,
    ) -> Result<(), Diagnostic> {
        let html = self.tpl.render_bytes(template, ctx, source)?;
        self.write(path, &html, source)
    }

    fn base_context(
        &self,
        current_path: &str,
        breadcrumbs: Vec<Link>,
        feeds: Vec<FeedLink>,
    ) -> Context {
        let mut ctx = Context::new();
        ctx.insert("current_url", &urls::href(current_path));
        ctx.insert(
            "current_permalink",
            &urls::permalink(&self.site.config, current_path),
        );
        ctx.insert("breadcrumbs", &breadcrumbs);
        ctx.insert("feeds", &feeds);
        ctx
    }

    fn site_feeds(&self) -> Vec<FeedLink> {
        let cfg = &self.site.config;
        vec![
            FeedLink {
                title: format!("{} RSS", cfg.title),
                url: urls::href(&urls::root_file(cfg, "rss.xml")),
                mime: "application/rss+xml",
            },
            FeedLink {
                title: format!("{} Atom", cfg.title),
                url: urls::href(&urls::root_file(cfg, "atom.xml")),
                mime: "application/atom+xml",
            },
        ]
    }

    fn crumbs_for_column(&self, ci: usize) -> Vec<Link> {
        let mut chain = Vec::new();
        let mut cur = Some(ci);
        while let Some(c) = cur {
            let col = &self.site.columns[c];
            chain.push(Link {
                title: if c == 0 {
                    self.strings.get("home").cloned().unwrap_or_default()
                } else {
                    col.title.clone()
                },
                url: urls::href(&col.path),
            });
            cur = col.parent;
        }
        chain.reverse();
        chain
    }

    fn page(&self, i: usize) -> Result<(), Diagnostic> {
        let site = self.site;
        let p = &site.pages[i];
        let b = &site.bodies[i];
        let col = &site.columns[p.column];
        let (prev, next) = site.neighbours[i];
        let sig = |j: Option<usize>| j.map(|j| self.sigs[j]);
        let parts = || {
            let col = self.column_sigs[p.column];
            ("page", self.sigs[i], sig(prev), sig(next), col)
        };
        if self.unchanged(&p.path, parts) {
            return Ok(());
        }
        let link = |j: usize| Link {
            title: site.pages[j].title.clone(),
            url: urls::href(&site.pages[j].path),
        };
        let full = PageFull {
            summary: summary_of(site, i),
            content: &b.html,
            summary_html: b.summary_html.as_deref(),
            toc: &b.toc,
            word_count: b.word_count,
            prev: prev.map(link),
            next: next.map(link),
            file: p.file.to_string_lossy().replace('\\', "/"),
        };
        let mut crumbs = self.crumbs_for_column(p.column);
        crumbs.push(Link {
            title: p.title.clone(),
            url: urls::href(&p.path),
        });
        let mut feeds = self.site_feeds();
        if p.column != 0 {
            feeds.push(FeedLink {
                title: format!("{} RSS", col.title),
                url: urls::href(&urls::feed(&col.path, "rss.xml")),
                mime: "application/rss+xml",
            });
        }
        let mut ctx = self.base_context(&p.path, crumbs, feeds);
        ctx.insert("page", &full);
        ctx.insert("column", &self.column_info(p.column));
        let specific = format!("page-{}.html", col.kind.name());
        let template = self
            .tpl
            .pick(&[&specific, "page.html"])
            .unwrap_or("page.html");
        self.render_to(template, &ctx, &p.path, &p.file)
    }

    fn column_info(&self, ci: usize) -> ColumnInfo<'_> {
        let site = self.site;
        let c = &site.columns[ci];
        ColumnInfo {
            title: &c.title,
            description: &c.description,
            url: urls::href(&c.path),
            permalink: urls::permalink(&site.config, &c.path),
            kind: c.kind,
            content: &site.column_bodies[ci],
            page_count: site.under(ci).len(),
            children: site.column_children[ci]
                .iter()
                .map(|&k| ColumnLink {
                    title: site.columns[k].title.clone(),
                    url: urls::href(&site.columns[k].path),
                    description: site.columns[k].description.clone(),
                    kind: site.columns[k].kind,
                    page_count: site.under(k).len(),
                })
                .collect(),
            extra: &c.extra,
            rss: urls::href(&urls::feed(&c.path, "rss.xml")),
            atom: urls::href(&urls::feed(&c.path, "atom.xml")),
            exam: (c.kind == Kind::Exam).then(|| crate::kinds::bank::tools(&c.path)),
        }
    }

    fn paginator(
        &self,
        list_path: &str,
        items: &[usize],
        chunk: &[usize],
        n: usize,
        total: usize,
        per: usize,
    ) -> Paginator {
        Paginator {
            pages: chunk.iter().map(|&i| self.summary(i)).collect(),
            current_index: n,
            total_pages: total,
            total_items: items.len(),
            paginate_by: per,
            first: urls::href(&urls::paginated(list_path, 1)),
            last: urls::href(&urls::paginated(list_path, total)),
            previous: (n > 1).then(|| urls::href(&urls::paginated(list_path, n - 1))),
            next: (n < total).then(|| urls::href(&urls::paginated(list_path, n + 1))),
            // A window (first, last, current ± 2), not every page: a list of
            // N pages would otherwise carry N pagers on each of its N pages.
            pagers: (1..=total)
                .filter(|&k| k == 1 || k == total || k.abs_diff(n) <= 2)
                .map(|k| Pager {
                    index: k,
                    url: urls::href(&urls::paginated(list_path, k)),
                })
                .collect(),
        }
    }

    /// Jobs for one column's list pages.
    fn column_pages(&self, ci: usize) -> Vec<(usize, usize)> {
        let per = self.site.columns[ci].paginate_by;
        let n = self.site.under(ci).len().div_ceil(per).max(1);
        (1..=n).map(|k| (ci, k)).collect()
    }

    fn column(&self, ci: usize, n: usize) -> Result<(), Diagnostic> {
        let site = self.site;
        let c = &site.columns[ci];
        let items = site.under(ci);
        let chunks = paginate(items, c.paginate_by);
        let chunk = chunks.get(n - 1).copied().unwrap_or(&[]);
        let path = urls::paginated(&c.path, n);
        let parts = || {
            let items = self.sigs_of(chunk);
            ("column", self.column_sigs[ci], n, chunks.len(), items)
        };
        if self.unchanged(&path, parts) {
            return Ok(());
        }
        let source = c
            .file
            .clone()
            .unwrap_or_else(|| Path::new("content").join(&c.dir));
        let mut feeds = self.site_feeds();
        feeds.push(FeedLink {
            title: format!("{} RSS", c.title),
            url: urls::href(&urls::feed(&c.path, "rss.xml")),
            mime: "application/rss+xml",
        });
        feeds.push(FeedLink {
            title: format!("{} Atom", c.title),
            url: urls::href(&urls::feed(&c.path, "atom.xml")),
            mime: "application/atom+xml",
        });
        let mut ctx = self.base_context(&path, self.crumbs_for_column(ci), feeds);
        ctx.insert("column", &self.column_info(ci));
        ctx.insert(
            "paginator",
            &self.paginator(&c.path, items, chunk, n, chunks.len(), c.paginate_by),
        );
        let specific = format!("column-{}.html", c.kind.name());
        let template = self
            .tpl
            .pick(&[&specific, "column.html"])
            .unwrap_or("column.html");
        self.render_to(template, &ctx, &path, &source)
    }

    fn home(&self) -> Result<(), Diagnostic> {
        let site = self.site;
        let home = &site.columns[0];
        #[derive(Serialize)]
        struct Section {
            column: ColumnLink,
            pages: Vec<Value>,
        }
        let sections: Vec<Section> = site
            .top_columns()
            .iter()
            .map(|&ci| {
                let all = site.under(ci);
                Section {
                    column: ColumnLink {
                        title: site.columns[ci].title.clone(),
                        url: urls::href(&site.columns[ci].path),
                        description: site.columns[ci].description.clone(),
                        kind: site.columns[ci].kind,
                        page_count: all.len(),
                    },
                    pages: all.iter().take(5).map(|&i| self.summary(i)).collect(),
                }
            })
            .collect();
        let latest: Vec<Value> = site
            .by_date()
            .iter()
            .copied()
            .take(10)
            .map(|i| self.summary(i))
            .collect();
        let source = home
            .file
            .clone()
            .unwrap_or_else(|| PathBuf::from("content"));
        let mut ctx = self.base_context(&home.path, Vec::new(), self.site_feeds());
        ctx.insert("column", &self.column_info(0));
        ctx.insert("sections", &sections);
        ctx.insert("latest", &latest);
        ctx.insert("popular_terms", &self.popular_terms(20));
        let own: Vec<Value> = site.column_pages[0]
            .iter()
            .map(|&i| self.summary(i))
            .collect();
        ctx.insert("home_pages", &own);
        self.render_to("index.html", &ctx, &home.path, &source)
    }

    fn popular_terms(&self, n: usize) -> Vec<TermRef<'_>> {
        self.site
            .taxonomies
            .iter()
            .find(|t| t.name == "tags")
            .map(|t| {
                t.terms
                    .iter()
                    .take(n)
                    .map(|term| TermRef {
                        name: &term.name,
                        url: urls::href(&term.path),
                        count: term.pages.len(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    fn taxonomy(&self, ti: usize) -> Result<(), Diagnostic> {
        let t = &self.site.taxonomies[ti];
        let parts = || {
            let terms: Vec<(&str, &str, usize)> = t
                .terms
                .iter()
                .map(|x| (x.name.as_str(), x.path.as_str(), x.pages.len()))
                .collect();
            ("taxonomy", terms)
        };
        if self.unchanged(&t.path, parts) {
            return Ok(());
        }
        let title = self.tax_title(&t.name);
        #[derive(Serialize)]
        struct Tax<'a> {
            name: &'a str,
            title: &'a str,
            url: String,
            terms: Vec<TermRef<'a>>,
            max_count: usize,
        }
        let terms: Vec<TermRef> = t
            .terms
            .iter()
            .map(|term| TermRef {
                name: &term.name,
                url: urls::href(&term.path),
                count: term.pages.len(),
            })
            .collect();
        let crumbs = vec![
            self.crumbs_for_column(0).remove(0),
            Link {
                title: title.clone(),
                url: urls::href(&t.path),
            },
        ];
        let mut ctx = self.base_context(&t.path, crumbs, self.site_feeds());
        ctx.insert(
            "taxonomy",
            &Tax {
                name: &t.name,
                title: &title,
                url: urls::href(&t.path),
                max_count: terms.first().map_or(0, |x| x.count),
                terms,
            },
        );
        self.render_to("taxonomy.html", &ctx, &t.path, Path::new("config.yaml"))
    }

    fn term(&self, ti: usize, k: usize, n: usize) -> Result<(), Diagnostic> {
        let cfg = &self.site.config;
        let t = &self.site.taxonomies[ti];
        let term = &t.terms[k];
        let chunks = paginate(&term.pages, cfg.paginate_by);
        let chunk = chunks.get(n - 1).copied().unwrap_or(&[]);
        let path = urls::paginated(&term.path, n);
        let parts = || {
            let (count, items) = (term.pages.len(), self.sigs_of(chunk));
            (
                "term",
                &t.path,
                &term.name,
                &term.path,
                count,
                n,
                chunks.len(),
                items,
            )
        };
        if self.unchanged(&path, parts) {
            return Ok(());
        }
        let title = self.tax_title(&t.name);
        #[derive(Serialize)]
        struct TermCtx<'a> {
            name: &'a str,
            url: String,
            count: usize,
            rss: String,
        }
        #[derive(Serialize)]
        struct TaxLink<'a> {
            name: &'a str,
            title: &'a str,
            url: String,
        }
        let crumbs = vec![
            self.crumbs_for_column(0).remove(0),
            Link {
                title: title.clone(),
                url: urls::href(&t.path),
            },
            Link {
                title: term.name.clone(),
                url: urls::href(&term.path),
            },
        ];
        let mut feeds = self.site_feeds();
        feeds.push(FeedLink {
            title: format!("{} · {} RSS", cfg.title, term.name),
            url: urls::href(&urls::feed(&term.path, "rss.xml")),
            mime: "application/rss+xml",
        });
        let mut ctx = self.base_context(&path, crumbs, feeds);
        ctx.insert(
            "taxonomy",
            &TaxLink {
                name: &t.name,
                title: &title,
                url: urls::href(&t.path),
            },
        );
        ctx.insert(
            "term",
            &TermCtx {
                name: &term.name,
                url: urls::href(&term.path),
                count: term.pages.len(),
                rss: urls::href(&urls::feed(&term.path, "rss.xml")),
            },
        );
        ctx.insert(
            "paginator",
            &self.paginator(
                &term.path,
                &term.pages,
                chunk,
                n,
                chunks.len(),
                cfg.paginate_by,
            ),
        );
        self.render_to("term.html", &ctx, &path, Path::new("config.yaml"))
    }

    fn not_found(&self) -> Result<(), Diagnostic> {
        let cfg = &self.site.config;
        let path = urls::root_file(cfg, "404.html");
        let ctx = self.base_context(&path, Vec::new(), self.site_feeds());
        self.render_to("404.html", &ctx, &path, Path::new("404.html"))
    }

    fn search_page(&self) -> Result<(), Diagnostic> {
        let cfg = &self.site.config;
        let path = urls::search(cfg);
        let crumbs = vec![
            self.crumbs_for_column(0).remove(0),
            Link {
                title: self.strings.get("search").cloned().unwrap_or_default(),
                url: urls::href(&path),
            },
        ];
        let mut ctx = self.base_context(&path, crumbs, self.site_feeds());
        ctx.insert("search_index", &urls::href(&path));
        self.render_to("search.html", &ctx, &path, Path::new("config.yaml"))
    }

    /// An exam column's question bank script and its practice, wrong-answer
    /// book and study record pages.
    fn exam_tools(&self, ci: usize) -> Vec<Result<(), Diagnostic>> {
        use crate::kinds::bank;
        let site = self.site;
        let c = &site.columns[ci];
        let source = c
            .file
            .clone()
            .unwrap_or_else(|| Path::new("content").join(&c.dir));
        let parts = || ("exam", self.column_sigs[ci], self.sigs_of(site.under(ci)));
        if self.unchanged(&urls::bank(&c.path), parts) {
            return Vec::new();
        }
        let data = bank::bank(site, ci);
        let strings = &self.strings;
        let mut out = vec![self.write(
            &urls::bank(&c.path),
            bank::script(&data).as_bytes(),
            &source,
        )];
        let pages = [
            (
                "practice.html",
                urls::practice(&c.path),
                "practice",
                ("整卷练习页", "practice page"),
            ),
            (
                "wrongbook.html",
                urls::wrongbook(&c.path),
                "wrongbook",
                ("错题本页", "wrong-answer book page"),
            ),
            (
                "record.html",
                urls::record(&c.path),
                "study_record",
                ("学习记录页", "study record page"),
            ),
        ];
        for (template, path, key, what) in pages {
            if let Some(d) = bank::conflict(site, &path, what, &source) {
                out.push(Err(d));
                continue;
            }
            let mut crumbs = self.crumbs_for_column(ci);
            crumbs.push(Link {
                title: strings.get(key).cloned().unwrap_or_default(),
                url: urls::href(&path),
            });
            let mut ctx = self.base_context(&path, crumbs, self.site_feeds());
            ctx.insert("column", &self.column_info(ci));
            ctx.insert("bank", &data.summary());
            ctx.insert("tools", &bank::tools(&c.path));
            out.push(self.render_to(template, &ctx, &path, &source));
        }
        out
    }

    /// The statistics page.
    fn stats_page(&self) -> Result<(), Diagnostic> {
        let cfg = &self.site.config;
        let path = urls::stats(cfg);
        let source = Path::new("config.yaml");
        if self.unchanged(&path, || ("stats", &self.sigs, &self.column_sigs)) {
            return Ok(());
        }
        if let Some(d) =
            crate::kinds::bank::conflict(self.site, &path, ("统计页", "statistics page"), source)
        {
            return Err(d);
        }
        let crumbs = vec![
            self.crumbs_for_column(0).remove(0),
            Link {
                title: self.strings.get("stats").cloned().unwrap_or_default(),
                url: urls::href(&path),
            },
        ];
        let mut ctx = self.base_context(&path, crumbs, self.site_feeds());
        ctx.insert("stats", &crate::stats::compute(self.site));
        self.render_to("stats.html", &ctx, &path, source)
    }

    fn alias(&self, from: &str, to: &str, source: &Path) -> Result<(), Diagnostic> {
        if self.unchanged(from, || ("alias", to)) {
            return Ok(());
        }
        let mut ctx = self.base_context(from, Vec::new(), Vec::new());
        ctx.insert("target", &urls::href(to));
        ctx.insert("target_permalink", &urls::permalink(&self.site.config, to));
        self.render_to("alias.html", &ctx, from, source)
    }
}

/// Renders every output file of `site` into `sink`; static files and assets
/// are copied. Returns figures for the build summary, or every error.
pub fn render_site(
    site: &Site,
    tpl: &mut Templates,
    paths: &Paths,
    sink: &dyn Sink,
) -> Result<Stats, Vec<Diagnostic>> {
    render_with(site, tpl, paths, sink, None)
}

/// Writes `bytes` as the output file of site path `path`.
fn write_out(
    site: &Site,
    sink: &dyn Sink,
    path: &str,
    bytes: &[u8],
    source: &Path,
) -> Result<(), Diagnostic> {
    let rel = urls::output_file(&site.config, path).ok_or_else(|| {
        Diagnostic::error(
            "url",
            source,
            Msg::new(
                format!("网址 `{path}` 不在站点路径下"),
                format!("URL `{path}` is outside the site"),
            ),
        )
    })?;
    sink.write(&rel, bytes).map_err(|e| {
        Diagnostic::error(
            "write",
            source,
            Msg::new(format!("写入失败：{e}"), format!("write failed: {e}")),
        )
    })
}

/// A sink that notes the files written through it.
struct Recording<'a> {
    inner: &'a dyn Sink,
    keys: Mutex<Vec<String>>,
}

impl Sink for Recording<'_> {
    fn write(&self, rel: &Path, bytes: &[u8]) -> crate::error::Result<()> {
        if let Ok(mut k) = self.keys.lock() {
            k.push(crate::output::key(rel));
        }
        self.inner.write(rel, bytes)
    }
}

/// The outputs that summarise the whole site and that nobody reads while
/// editing a page: feeds, sitemap, robots.txt, search index, statistics
/// page, exam question banks with their practice pages. A page-only
/// rebuild ([`Incremental::pages_only`]) leaves them to this call, made
/// after the changed pages are served. Returns the output files written.
pub fn render_deferred(
    site: &Site,
    tpl: &mut Templates,
    sink: &dyn Sink,
) -> Result<Vec<String>, Vec<Diagnostic>> {
    set_globals(site, tpl);
    let rec = Recording {
        inner: sink,
        keys: Mutex::default(),
    };
    let r = Renderer::new(site, tpl, &rec, None);
    let errors: Vec<Diagnostic> = r.deferred().into_iter().filter_map(Result::err).collect();
    if errors.is_empty() {
        Ok(rec.keys.into_inner().unwrap_or_default())
    } else {
        Err(errors)
    }
}

/// Like [`render_site`], skipping the outputs `inc` finds unchanged (and,
/// when [`Incremental::pages_only`], the copies and deferred files).
pub fn render_with(
    site: &Site,
    tpl: &mut Templates,
    paths: &Paths,
    sink: &dyn Sink,
    inc: Option<&Incremental>,
) -> Result<Stats, Vec<Diagnostic>> {
    let cfg = &site.config;
    set_globals(site, tpl);
    let tpl: &Templates = tpl;
    let r = Renderer::new(site, tpl, sink, inc);
    let pages_only = inc.is_some_and(|i| i.pages_only);
    let errors: std::cell::RefCell<Vec<Diagnostic>> = Default::default();
    let collect = |res: Vec<Result<(), Diagnostic>>| {
        let mut errors = errors.borrow_mut();
        for e in res.into_iter().filter_map(Result::err) {
            if !errors.contains(&e) {
                errors.push(e);
            }
        }
    };

    let timer = crate::pipeline::PhaseTimer::new();
    collect(
        (0..site.pages.len())
            .into_par_iter()
            .map(|i| r.page(i))
            .collect(),
    );
    timer.mark("render pages");
    let column_jobs: Vec<(usize, usize)> = (1..site.columns.len())
        .flat_map(|ci| r.column_pages(ci))
        .collect();
    collect(
        column_jobs
            .par_iter()
            .map(|&(ci, n)| r.column(ci, n))
            .collect(),
    );
    collect(vec![r.home(), r.not_found()]);
    collect(
        (0..site.taxonomies.len())
            .map(|ti| r.taxonomy(ti))
            .collect(),
    );
    let term_jobs: Vec<(usize, usize, usize)> = site
        .taxonomies
        .iter()
        .enumerate()
        .flat_map(|(ti, t)| {
            t.terms.iter().enumerate().flat_map(move |(k, term)| {
                let n = term.pages.len().div_ceil(cfg.paginate_by).max(1);
                (1..=n).map(move |p| (ti, k, p))
            })
        })
        .collect();
    collect(
        term_jobs
            .par_iter()
            .map(|&(ti, k, n)| r.term(ti, k, n))
            .collect(),
    );
    let alias_jobs: Vec<(&str, &str, &Path)> = site
        .pages
        .iter()
        .flat_map(|p| {
            p.aliases
                .iter()
                .map(move |(a, _)| (a.as_str(), p.path.as_str(), p.file.as_path()))
        })
        .collect();
    collect(
        alias_jobs
            .par_iter()
            .map(|(a, to, src)| r.alias(a, to, src))
            .collect(),
    );
    timer.mark("render lists, terms, aliases");
    if !pages_only {
        let rec = Recording {
            inner: sink,
            keys: Mutex::default(),
        };
        let deferred = Renderer::new(site, tpl, &rec, None);
        collect(deferred.deferred());
        if let Some(inc) = inc
            && let Ok(mut d) = inc.deferred.lock()
        {
            d.extend(rec.keys.into_inner().unwrap_or_default());
        }
    }
    if cfg.search.enabled {
        collect(vec![r.search_page()]);
    }
    let exam_columns = crate::kinds::bank::exam_columns(site);
    // Static files: theme first, the site's own `static/` wins.
    let mut statics: BTreeMap<String, Source> = BTreeMap::new();
    match theme_files(paths, &cfg.theme, "static") {
        Ok(files) => statics.extend(files),
        Err(d) => errors.borrow_mut().push(d),
    }
    if paths.static_dir.is_dir() {
        for e in walkdir::WalkDir::new(&paths.static_dir)
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            if e.file_type().is_file() {
                let rel = e
                    .path()
                    .strip_prefix(&paths.static_dir)
                    .unwrap_or(e.path())
                    .to_string_lossy()
                    .replace('\\', "/");
                statics.insert(rel, Source::Disk(e.path().to_path_buf()));
            }
        }
    }
    // Copies cannot change in a page-only rebuild: the caller keeps them.
    if !pages_only {
        let static_jobs: Vec<(String, &Source)> = statics
            .iter()
            .map(|(rel, src)| (format!("{}{rel}", cfg.base_path), src))
            .collect();
        let content_dir = paths.content.clone();
        collect(
            static_jobs
                .par_iter()
                .map(|(path, src)| {
                    let shown = match src {
                        Source::Disk(p) => p.clone(),
                        Source::Embedded(_) => PathBuf::from("themes/default/static"),
                    };
                    let bytes = src.bytes().map_err(|e| {
                        Diagnostic::error(
                            "read",
                            &shown,
                            Msg::new(format!("无法读取：{e}"), format!("cannot read: {e}")),
                        )
                    })?;
                    r.write(path, &bytes, &shown)
                })
                .collect(),
        );
        collect(
            site.assets
                .par_iter()
                .map(|a| {
                    let shown = Path::new("content").join(&a.source);
                    let rel = urls::output_file(cfg, &a.path).ok_or_else(|| {
                        Diagnostic::error(
                            "url",
                            &shown,
                            Msg::new("文件网址无效", "invalid file URL"),
                        )
                    })?;
                    sink.copy(&rel, &content_dir.join(&a.source)).map_err(|e| {
                        Diagnostic::error(
                            "write",
                            &shown,
                            Msg::new(format!("复制失败：{e}"), format!("copy failed: {e}")),
                        )
                    })
                })
                .collect(),
        );
    }
    let errors = errors.into_inner();
    if !errors.is_empty() {
        return Err(errors);
    }
    let column_list_pages = column_jobs.len();
    Ok(Stats {
        html_files: site.pages.len()
            + column_list_pages
            + 2 // home and 404
            + usize::from(cfg.search.enabled)
            + exam_columns.len() * 3 // practice, wrong-answer book, study record
            + 1 // statistics
            + site.taxonomies.len()
            + term_jobs.len()
            + alias_jobs.len(),
        pages: site.pages.len(),
        columns: site.columns.len() - 1,
        terms: site.taxonomies.iter().map(|t| t.terms.len()).sum(),
        tags: site
            .taxonomies
            .iter()
            .find(|t| t.name == "tags")
            .map_or(0, |t| t.terms.len()),
        copied: statics.len() + site.assets.len(),
    })
}

/// A taxonomy in `site.taxonomies`.
#[derive(Serialize)]
struct TaxLink {
    name: String,
    title: String,
    url: String,
}

fn set_globals(site: &Site, tpl: &mut Templates) {
    let cfg = &site.config;
    #[derive(Serialize)]
    struct SiteCtx<'a> {
        title: &'a str,
        description: &'a str,
        base_url: &'a str,
        base_path: &'a str,
        language: &'a str,
        author: Option<&'a str>,
        extra: &'a serde_json::Map<String, serde_json::Value>,
        taxonomies: Vec<TaxLink>,
        rss: String,
        atom: String,
        home: String,
        search: Option<String>,
        stats: String,
    }
    let site_ctx = SiteCtx {
        title: &cfg.title,
        description: &cfg.description,
        base_url: &cfg.base_url,
        base_path: &cfg.base_path,
        language: &cfg.language,
        author: cfg.author.as_deref(),
        extra: &cfg.extra,
        taxonomies: site
            .taxonomies
            .iter()
            .map(|t| TaxLink {
                name: t.name.clone(),
                title: taxonomy_title(cfg, &t.name),
                url: urls::href(&t.path),
            })
            .collect(),
        rss: urls::href(&urls::root_file(cfg, "rss.xml")),
        atom: urls::href(&urls::root_file(cfg, "atom.xml")),
        home: urls::href(&cfg.base_path),
        search: cfg.search.enabled.then(|| urls::href(&urls::search(cfg))),
        stats: urls::href(&urls::stats(cfg)),
    };
    #[derive(Serialize)]
    struct Nav {
        title: String,
        url: String,
        kind: Kind,
        children: Vec<Link>,
    }
    let nav: Vec<Nav> = site
        .top_columns()
        .iter()
        .map(|&ci| Nav {
            title: site.columns[ci].title.clone(),
            url: urls::href(&site.columns[ci].path),
            kind: site.columns[ci].kind,
            children: site.column_children[ci]
                .iter()
                .map(|&k| Link {
                    title: site.columns[k].title.clone(),
                    url: urls::href(&site.columns[k].path),
                })
                .collect(),
        })
        .collect();
    tpl.set_global("site", Value::from_serializable(&site_ctx));
    tpl.set_global("nav", Value::from_serializable(&nav));
    tpl.set_global(
        "i18n",
        Value::from_serializable(&crate::i18n::strings(cfg.lang, &cfg.i18n_overrides())),
    );
}
