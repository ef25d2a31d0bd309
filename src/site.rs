//! Stage 2 of the pipeline: the site model. Orders pages in their columns,
//! links prev/next, builds the taxonomies, resolves links between files and
//! renders every Markdown body.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{Asset, Column, Content, Page};
use crate::error::{Diagnostic, Msg, Severity};
use crate::frontmatter::SortBy;
use crate::markdown::{self, Heading, LinkResolver, Resolved};
use crate::{slug, urls};

/// What rendering a page's Markdown produced.
#[derive(Debug, Clone, Default)]
pub struct Body {
    /// Body HTML.
    pub html: String,
    /// Plain-text summary (≤ 120 characters unless written by the editor).
    pub summary: String,
    /// HTML summary when the page has `<!-- more -->`.
    pub summary_html: Option<String>,
    /// Table of contents.
    pub toc: Vec<Heading>,
    /// Minutes.
    pub reading_time: usize,
    /// CJK characters plus Latin words.
    pub word_count: usize,
    /// Plain text (for search).
    pub text: String,
    /// The cover image's URL, resolved like a link in the page.
    pub cover: Option<String>,
    /// Site paths of other pages this body links to with a `#fragment`.
    pub anchor_targets: Vec<String>,
}

/// One term of a taxonomy.
#[derive(Debug, Clone)]
pub struct Term {
    /// Display form (the most used spelling).
    pub name: String,
    /// URL slug.
    pub slug: String,
    /// Site path.
    pub path: String,
    /// Pages, newest first.
    pub pages: Vec<usize>,
}

/// A taxonomy (`tags`, `branch`, ...).
#[derive(Debug, Clone)]
pub struct Taxonomy {
    /// Name from the config.
    pub name: String,
    /// Site path of its term list.
    pub path: String,
    /// Terms, most used first.
    pub terms: Vec<Term>,
}

/// The whole site, ready to render.
#[derive(Debug, Clone)]
pub struct Site {
    /// Configuration.
    pub config: Config,
    /// Columns (0 = home).
    pub columns: Vec<Column>,
    /// Pages.
    pub pages: Vec<Page>,
    /// Rendered bodies, parallel to `pages`.
    pub bodies: Vec<Body>,
    /// Rendered `_index.md` bodies, parallel to `columns`.
    pub column_bodies: Vec<String>,
    /// Each column's own pages in display order.
    pub column_pages: Vec<Vec<usize>>,
    /// Each column's child columns, by weight then title.
    pub column_children: Vec<Vec<usize>>,
    /// Each column's pages including those of its descendants, in the
    /// column's order (computed once: list pages and page counts use it).
    pub under: Vec<Vec<usize>>,
    /// All pages newest first.
    by_date: Vec<usize>,
    /// (previous, next) page in the column's order, parallel to `pages`.
    pub neighbours: Vec<(Option<usize>, Option<usize>)>,
    /// For each page, per taxonomy, indices of its terms in that taxonomy.
    pub page_terms: Vec<BTreeMap<String, Vec<usize>>>,
    /// Taxonomies in config order.
    pub taxonomies: Vec<Taxonomy>,
    /// Files copied as they are.
    pub assets: Vec<Asset>,
    /// Warnings (errors stop the build before a `Site` exists).
    pub warnings: Vec<Diagnostic>,
    /// Resolves links between content files (kept for in-place updates).
    link_map: LinkMap,
    /// Diagnostics of loading and of column bodies.
    other_diags: Vec<Diagnostic>,
    /// Diagnostics of each page's Markdown and kind block, parallel to `pages`.
    page_diags: Vec<Vec<Diagnostic>>,
    /// Each page's terms as written, per taxonomy in config order:
    /// (key, spelling). Kept so relinking does not fold every term again.
    written_terms: Vec<WrittenTerms>,
    /// What the last [`Site::relink`] reported.
    linked_diags: Vec<Diagnostic>,
    /// What [`Site::check_url_conflicts`] found.
    claims: Claims,
}

/// Every output file claimed by the site's sources, and the conflicts.
#[derive(Debug, Clone, Default)]
struct Claims {
    /// The term layout checked (term paths and their list-page counts):
    /// the only part of the claims a relink of the same pages can change.
    layout: Vec<(String, usize)>,
    /// Conflicts found.
    diags: Vec<Diagnostic>,
    /// Source of each output file (lowercased relative path).
    by_file: HashMap<String, PathBuf>,
}

/// A page's terms per taxonomy (config order): (key, spelling as written).
type WrittenTerms = Vec<Vec<(String, String)>>;

/// The terms written on `p`, keyed as [`build_taxonomies`] merges them.
fn written_terms(cfg: &Config, p: &Page) -> WrittenTerms {
    cfg.taxonomies
        .iter()
        .map(|name| {
            p.taxonomies
                .get(name)
                .map(|terms| {
                    terms
                        .iter()
                        .map(|t| (slug::term_key(t), t.trim().to_string()))
                        .filter(|(k, _)| !k.is_empty())
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect()
}

/// Why [`Site::update_pages`] did not update.
#[derive(Debug)]
pub enum PageUpdate {
    /// The change reaches beyond the pages themselves: build in full.
    NotInPlace,
    /// The new pages have errors (every diagnostic of the site, errors included).
    Failed(Vec<Diagnostic>),
}

/// Maps content-relative source paths to the site paths they publish at.
#[derive(Debug, Clone)]
struct LinkMap {
    by_source: HashMap<PathBuf, String>,
    content_dir: PathBuf,
    drafts: HashSet<PathBuf>,
    base_path: String,
}

impl LinkMap {
    fn new(content: &Content, base_path: &str, content_dir: &Path) -> LinkMap {
        let mut by_source = HashMap::new();
        for c in &content.columns {
            by_source.insert(c.dir.join("_index.md"), c.path.clone());
            by_source.insert(c.dir.clone(), c.path.clone());
        }
        for p in &content.pages {
            let rel = p
                .file
                .strip_prefix("content")
                .unwrap_or(&p.file)
                .to_path_buf();
            if p.bundle {
                by_source.insert(p.source_dir.clone(), p.path.clone());
            }
            by_source.insert(rel, p.path.clone());
        }
        for a in &content.assets {
            by_source.insert(a.source.clone(), a.path.clone());
        }
        LinkMap {
            by_source,
            content_dir: content_dir.to_path_buf(),
            drafts: content.drafts.iter().cloned().collect(),
            base_path: base_path.to_string(),
        }
    }
}

/// Resolves links written in one file.
struct FileLinks<'a> {
    map: &'a LinkMap,
    dir: &'a Path,
}

fn is_external(dest: &str) -> bool {
    if dest.starts_with("//") {
        return true;
    }
    match dest.find(':') {
        Some(i) => {
            let scheme = &dest[..i];
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && !dest[..i].contains('/')
        }
        None => false,
    }
}

/// Joins a relative link to a content-relative folder; `None` when it climbs
/// out of `content/`.
fn join_relative(dir: &Path, rel: &str) -> Option<PathBuf> {
    let mut out: Vec<String> = dir
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    for part in rel.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                out.pop()?;
            }
            p => out.push(p.to_string()),
        }
    }
    Some(out.iter().collect())
}

impl LinkResolver for FileLinks<'_> {
    fn image_size(&self, dest: &str) -> Option<(u32, u32)> {
        if is_external(dest) || dest.starts_with('/') {
            return None;
        }
        let path = dest.split(['#', '?']).next()?;
        let target = join_relative(self.dir, &slug::decode_path(path))?;
        // Only files that are published (a known asset) are measured.
        self.map.by_source.get(&target)?;
        let size = imagesize::size(self.map.content_dir.join(&target)).ok()?;
        Some((
            u32::try_from(size.width).ok()?,
            u32::try_from(size.height).ok()?,
        ))
    }

    fn resolve(&self, dest: &str, _is_image: bool) -> Resolved {
        if dest.is_empty() || is_external(dest) {
            return Resolved::Keep;
        }
        let (path_part, fragment) = match dest.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (dest, None),
        };
        let (path_part, query) = match path_part.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (path_part, None),
        };
        let with_suffix = |url: String| {
            let mut u = urls::href(&url);
            if let Some(q) = query {
                u.push('?');
                u.push_str(q);
            }
            if let Some(f) = fragment {
                u.push('#');
                u.push_str(f);
            }
            u
        };
        if path_part.starts_with('/') {
            // Site-absolute links written without the sub-path get it added.
            let decoded = slug::decode_path(path_part);
            if decoded.starts_with(&self.map.base_path) {
                return Resolved::Keep;
            }
            return Resolved::Url(with_suffix(format!(
                "{}{}",
                self.map.base_path,
                decoded.trim_start_matches('/')
            )));
        }
        let decoded = slug::decode_path(path_part);
        let Some(target) = join_relative(self.dir, &decoded) else {
            return Resolved::Broken(Msg::new(
                format!("链接 `{dest}` 指向 content 目录之外"),
                format!("link `{dest}` points outside content/"),
            ));
        };
        if let Some(url) = self.map.by_source.get(&target) {
            return Resolved::Url(with_suffix(url.clone()));
        }
        if self.map.drafts.contains(&target) {
            return Resolved::Broken(Msg::new(
                format!("链接的页面 `{dest}` 是草稿（draft: true），不会发布"),
                format!("the linked page `{dest}` is a draft (draft: true) and is not published"),
            ));
        }
        Resolved::Broken(Msg::new(
            format!(
                "链接的文件不存在：`{dest}`（找的是 content/{}）",
                target.display()
            ),
            format!(
                "linked file does not exist: `{dest}` (looked for content/{})",
                target.display()
            ),
        ))
    }
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

/// A page's Markdown body and kind block, rendered with links resolved.
/// Kind blocks are finished in place (their Markdown fields become HTML).
fn prepare_page(
    config: &Config,
    map: &LinkMap,
    p: &mut Page,
) -> (markdown::Rendered, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let (file, dir) = (p.file.clone(), p.source_dir.clone());
    let line = crate::yaml::locate(&p.yaml.0, crate::kinds::block_name(&p.kind_data))
        .map(|l| l + p.yaml.1 - 1);
    let mut md_diags = Vec::new();
    let mut md = |s: &str| {
        render_md(
            config,
            map,
            &dir,
            s,
            &file,
            line.unwrap_or(1),
            &mut md_diags,
        )
        .html
    };
    let mut url = |s: &str| match (FileLinks { map, dir: &dir }).resolve(s, true) {
        Resolved::Url(u) => Ok(u),
        Resolved::Keep => Ok(s.to_string()),
        Resolved::Broken(m) => Err(m),
    };
    for m in crate::kinds::finish(&mut p.kind_data, &mut md, &mut url) {
        diags.push(Diagnostic::error("kind", &file, m).at_opt(line));
    }
    // Lines inside a YAML block are not lines of the body: point at the block.
    for mut d in md_diags {
        d.line = line;
        diags.push(d);
    }
    let r = render_md(
        config,
        map,
        &p.source_dir,
        &p.body,
        &p.file,
        p.body_line,
        &mut diags,
    );
    (r, diags)
}

/// Pins a heading lookup's lifetimes (closures cannot say them).
fn toc_lookup<'a, F: Fn(&str) -> Option<&'a [Heading]>>(f: F) -> F {
    f
}

/// The page's [`Body`]: fragment links to other pages fixed up against
/// their headings (`toc_of(site path)`), summary, reading figures, cover.
fn finish_body<'a>(
    map: &LinkMap,
    p: &Page,
    r: markdown::Rendered,
    toc_of: &dyn Fn(&str) -> Option<&'a [Heading]>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Body {
    let mut html = r.html;
    let mut anchor_targets = Vec::new();
    for a in &r.anchors {
        let target = slug::decode_path(&a.url);
        let Some(toc) = toc_of(target.as_str()) else {
            continue; // a column or asset: nothing to check
        };
        anchor_targets.push(target.clone());
        if toc.iter().any(|h| h.id == a.written || h.id == a.fragment) {
            continue;
        }
        if let Some(h) = toc
            .iter()
            .find(|h| markdown::anchor_id(&h.title) == a.written)
        {
            // pulldown-cmark wrote the href percent-encoded.
            let from = format!("{}#{}\"", a.url, slug::encode_path(&a.written));
            html = html.replace(&from, &format!("{}#{}\"", a.url, slug::encode_path(&h.id)));
        } else {
            diagnostics.push(
                Diagnostic::warning(
                    "anchor",
                    &p.file,
                    Msg::new(
                        format!("目标页面没有标题或锚点 `#{}`", a.fragment),
                        format!("the target page has no heading or anchor `#{}`", a.fragment),
                    ),
                )
                .at_line(a.line + p.body_line - 1),
            );
        }
    }
    anchor_targets.sort();
    anchor_targets.dedup();
    let summary_html = r.summary_html;
    let summary = match (&summary_html, &p.summary) {
        (_, Some(s)) => s.trim().to_string(),
        (Some(h), None) => markdown::truncate_summary(&strip_tags(h), 200),
        (None, None) => markdown::truncate_summary(&r.lead, 120),
    };
    let cover = p.cover.as_ref().and_then(|c| {
        match (FileLinks {
            map,
            dir: &p.source_dir,
        })
        .resolve(c, true)
        {
            Resolved::Url(u) => Some(u),
            Resolved::Keep => Some(c.clone()),
            Resolved::Broken(m) => {
                diagnostics.push(
                    Diagnostic::error("cover", &p.file, m)
                        .at_opt(crate::yaml::locate(&p.yaml.0, "cover").map(|l| l + p.yaml.1 - 1)),
                );
                None
            }
        }
    });
    Body {
        html,
        summary,
        summary_html,
        toc: r.toc,
        reading_time: r.reading_time,
        word_count: r.word_count,
        text: r.text,
        cover,
        anchor_targets,
    }
}

/// Renders Markdown from `file` (whose links start from content-relative `dir`)
/// and turns link problems into diagnostics at file lines.
fn render_md(
    cfg: &Config,
    map: &LinkMap,
    dir: &Path,
    body: &str,
    file: &Path,
    body_line: usize,
    diags: &mut Vec<Diagnostic>,
) -> markdown::Rendered {
    let r = markdown::render(body, &cfg.markdown, &FileLinks { map, dir });
    for p in &r.problems {
        diags.push(
            Diagnostic::error("link", file, p.message.clone())
                .at_line(p.line + body_line - 1)
                .with_hint(Msg::new(
                    "检查链接的路径（相对于当前文件），或标题文字是否一致",
                    "check the link's path (relative to this file) or the heading text",
                )),
        );
    }
    r
}

impl Site {
    /// Builds the model from loaded content. Fails with every error found.
    pub fn build(config: Config, mut content: Content) -> Result<Site, Vec<Diagnostic>> {
        let mut other_diags = std::mem::take(&mut content.diagnostics);
        let map = LinkMap::new(&content, &config.base_path, &content.dir);

        // Markdown and kind blocks, in parallel.
        let rendered: Vec<(markdown::Rendered, Vec<Diagnostic>)> = content
            .pages
            .par_iter_mut()
            .map(|p| prepare_page(&config, &map, p))
            .collect();
        let column_bodies: Vec<String> = content
            .columns
            .iter()
            .map(|c| match &c.file {
                Some(f) if !c.body.trim().is_empty() => {
                    render_md(
                        &config,
                        &map,
                        &c.dir,
                        &c.body,
                        f,
                        c.body_line,
                        &mut other_diags,
                    )
                    .html
                }
                _ => String::new(),
            })
            .collect();

        // Cross-page anchors are checked against the headings of every page.
        let by_path: HashMap<&str, usize> = content
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.path.as_str(), i))
            .collect();
        // Headings copied out, so that the rendered bodies can be moved
        // into the pages' `Body` instead of copied.
        let tocs: Vec<Vec<Heading>> = rendered.iter().map(|(r, _)| r.toc.clone()).collect();
        let toc_of = toc_lookup(|path| by_path.get(path).map(|&j| tocs[j].as_slice()));
        let finished: Vec<(Body, Vec<Diagnostic>)> = content
            .pages
            .par_iter()
            .zip(rendered.into_par_iter())
            .map(|(p, (r, mut diags))| {
                let body = finish_body(&map, p, r, &toc_of, &mut diags);
                (body, diags)
            })
            .collect();
        drop(by_path);
        let (bodies, page_diags): (Vec<Body>, Vec<Vec<Diagnostic>>) = finished.into_iter().unzip();

        let Content {
            columns,
            pages,
            assets,
            ..
        } = content;
        let written: Vec<WrittenTerms> = pages
            .par_iter()
            .map(|p| written_terms(&config, p))
            .collect();
        let mut site = Site {
            config,
            columns,
            pages,
            bodies,
            column_bodies,
            column_pages: Vec::new(),
            column_children: Vec::new(),
            under: Vec::new(),
            by_date: Vec::new(),
            neighbours: Vec::new(),
            page_terms: Vec::new(),
            taxonomies: Vec::new(),
            assets,
            warnings: Vec::new(),
            link_map: map,
            other_diags,
            page_diags,
            written_terms: written,
            linked_diags: Vec::new(),
            claims: Claims::default(),
        };
        site.linked_diags = site.relink();
        site.warnings = site.collect_diagnostics();
        if site.warnings.iter().any(|d| d.severity == Severity::Error) {
            return Err(site.warnings);
        }
        Ok(site)
    }

    /// Everything derived from the whole set of pages: order in columns,
    /// prev/next, taxonomies, pages under each column, URL conflicts. Cheap
    /// (no Markdown), so an in-place page update runs it again in full.
    fn relink(&mut self) -> Vec<Diagnostic> {
        let (columns, pages) = (&self.columns, &self.pages);
        let mut column_pages: Vec<Vec<usize>> = vec![Vec::new(); columns.len()];
        for (i, p) in pages.iter().enumerate() {
            column_pages[p.column].push(i);
        }
        for (ci, list) in column_pages.iter_mut().enumerate() {
            sort_pages(list, pages, columns[ci].sort_by);
        }
        let mut column_children: Vec<Vec<usize>> = vec![Vec::new(); columns.len()];
        for (i, c) in columns.iter().enumerate() {
            if let Some(parent) = c.parent {
                column_children[parent].push(i);
            }
        }
        for list in &mut column_children {
            list.sort_by(|a, b| {
                (columns[*a].weight, &columns[*a].title, &columns[*a].path).cmp(&(
                    columns[*b].weight,
                    &columns[*b].title,
                    &columns[*b].path,
                ))
            });
        }
        let mut neighbours = vec![(None, None); pages.len()];
        for list in &column_pages {
            for (k, &i) in list.iter().enumerate() {
                let prev = if k > 0 { Some(list[k - 1]) } else { None };
                neighbours[i] = (prev, list.get(k + 1).copied());
            }
        }
        let mut diagnostics = Vec::new();
        let (taxonomies, page_terms) =
            build_taxonomies(&self.config, pages, &self.written_terms, &mut diagnostics);
        self.column_pages = column_pages;
        self.column_children = column_children;
        self.neighbours = neighbours;
        self.taxonomies = taxonomies;
        self.page_terms = page_terms;
        self.under = (0..self.columns.len())
            .map(|ci| self.compute_under(ci))
            .collect();
        self.by_date = if self
            .columns
            .first()
            .is_some_and(|c| c.sort_by == SortBy::Date)
        {
            self.under[0].clone() // home lists every page, already by date
        } else {
            let mut all: Vec<usize> = (0..self.pages.len()).collect();
            sort_pages(&mut all, &self.pages, SortBy::Date);
            all
        };
        // URL claims change only with the term layout (pages, columns,
        // assets and aliases keep their URLs between relinks of one site).
        let layout: Vec<(String, usize)> = self
            .taxonomies
            .iter()
            .flat_map(|t| {
                t.terms.iter().map(|term| {
                    let n = term.pages.len().div_ceil(self.config.paginate_by).max(1);
                    (term.path.clone(), n)
                })
            })
            .collect();
        if layout != self.claims.layout || layout.is_empty() {
            let (diags, by_file) = self.check_url_conflicts();
            self.claims = Claims {
                layout,
                diags,
                by_file,
            };
        }
        diagnostics.extend(self.claims.diags.iter().cloned());
        diagnostics
    }

    /// All diagnostics in a stable order: loading, then each page's, then
    /// those of [`Site::relink`].
    fn collect_diagnostics(&self) -> Vec<Diagnostic> {
        let mut all = self.other_diags.clone();
        for d in &self.page_diags {
            all.extend(d.iter().cloned());
        }
        all.extend(self.linked_diags.iter().cloned());
        all
    }

    /// Replaces pages in place after their files were edited, re-rendering
    /// only their Markdown and then relinking the site (the dev server's
    /// fast path). Each new page must be the re-read of an existing page
    /// (same file) that publishes at the same URL with the same aliases and
    /// draft state, so that no other page's links can change; otherwise
    /// nothing is touched and [`PageUpdate::NotInPlace`] asks for a full
    /// build. On errors the site is left as it was.
    pub fn update_pages(&mut self, new_pages: Vec<Page>) -> Result<Vec<usize>, PageUpdate> {
        let mut plan: Vec<(usize, Page)> = Vec::with_capacity(new_pages.len());
        for p in new_pages {
            let Some(i) = self.pages.iter().position(|o| o.file == p.file) else {
                return Err(PageUpdate::NotInPlace);
            };
            let o = &self.pages[i];
            let aliases = |x: &Page| x.aliases.iter().map(|a| a.0.clone()).collect::<Vec<_>>();
            if o.path != p.path
                || o.bundle != p.bundle
                || o.source_dir != p.source_dir
                || o.column != p.column
                || o.draft != p.draft
                || aliases(o) != aliases(&p)
                || plan.iter().any(|(j, _)| *j == i)
            {
                return Err(PageUpdate::NotInPlace);
            }
            plan.push((i, p));
        }
        let mut prepared = Vec::with_capacity(plan.len());
        for (i, mut p) in plan {
            let (r, d) = prepare_page(&self.config, &self.link_map, &mut p);
            // Another page linking to a heading of this one resolved its
            // fragment against the old headings: when they changed, only a
            // full build redoes those links.
            let heads = |t: &[Heading]| {
                t.iter()
                    .map(|h| (h.id.clone(), h.title.clone()))
                    .collect::<Vec<_>>()
            };
            if heads(&r.toc) != heads(&self.bodies[i].toc)
                && self
                    .bodies
                    .iter()
                    .any(|b| b.anchor_targets.contains(&p.path))
            {
                return Err(PageUpdate::NotInPlace);
            }
            prepared.push((i, p, r, d));
        }
        let by_path: HashMap<&str, usize> = self
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.path.as_str(), i))
            .collect();
        // Links between the updated pages resolve against their new headings.
        let new_tocs: Vec<(String, Vec<Heading>)> = prepared
            .iter()
            .map(|(_, p, r, _)| (p.path.clone(), r.toc.clone()))
            .collect();
        let mut finished = Vec::with_capacity(prepared.len());
        for (i, p, r, mut diags) in prepared {
            let bodies = &self.bodies;
            let toc_of = toc_lookup(|path| {
                if let Some((_, toc)) = new_tocs.iter().find(|x| x.0 == path) {
                    return Some(toc.as_slice());
                }
                by_path.get(path).map(|&j| bodies[j].toc.as_slice())
            });
            let body = finish_body(&self.link_map, &p, r, &toc_of, &mut diags);
            finished.push((i, p, body, diags));
        }
        drop(by_path);
        let mut old = Vec::with_capacity(finished.len());
        let mut changed = Vec::with_capacity(finished.len());
        // Order, neighbours and taxonomies depend on these fields only:
        // when none changed (the usual body edit), relinking can be skipped.
        let mut relink = false;
        for (i, p, body, diags) in finished {
            let written = written_terms(&self.config, &p);
            let o = &self.pages[i];
            relink |= o.date != p.date
                || o.title != p.title
                || o.weight != p.weight
                || written != self.written_terms[i];
            old.push((
                i,
                std::mem::replace(&mut self.pages[i], p),
                std::mem::replace(&mut self.bodies[i], body),
                std::mem::replace(&mut self.page_diags[i], diags),
                std::mem::replace(&mut self.written_terms[i], written),
            ));
            changed.push(i);
        }
        let old_linked = if relink {
            let linked = self.relink();
            Some(std::mem::replace(&mut self.linked_diags, linked))
        } else {
            None
        };
        let all = self.collect_diagnostics();
        if all.iter().any(|d| d.severity == Severity::Error) {
            for (i, p, b, d, w) in old {
                self.pages[i] = p;
                self.bodies[i] = b;
                self.page_diags[i] = d;
                self.written_terms[i] = w;
            }
            if let Some(linked) = old_linked {
                self.relink();
                self.linked_diags = linked;
            }
            return Err(PageUpdate::Failed(all));
        }
        self.warnings = all;
        Ok(changed)
    }

    /// The top-level columns (children of home), in navigation order.
    pub fn top_columns(&self) -> &[usize] {
        self.column_children
            .first()
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// All pages of a column and its descendants, in the column's order.
    pub fn pages_under(&self, ci: usize) -> Vec<usize> {
        self.under[ci].clone()
    }

    /// Like [`Site::pages_under`], borrowed.
    pub fn under(&self, ci: usize) -> &[usize] {
        &self.under[ci]
    }

    fn compute_under(&self, ci: usize) -> Vec<usize> {
        let mut out = self.column_pages[ci].clone();
        let mut stack = self.column_children[ci].clone();
        let mut nested = false;
        while let Some(c) = stack.pop() {
            out.extend(&self.column_pages[c]);
            stack.extend(&self.column_children[c]);
            nested = true;
        }
        if nested {
            sort_pages(&mut out, &self.pages, self.columns[ci].sort_by);
        }
        out
    }

    /// Pages newest first (all of them), computed once per relink.
    pub fn by_date(&self) -> &[usize] {
        &self.by_date
    }

    /// Every file a build writes, with the source claiming it; two sources
    /// claiming one output file are errors (compared case-insensitively, as
    /// Windows and macOS file systems do). An alias may not claim any file,
    /// not even its own page's.
    fn check_url_conflicts(&self) -> (Vec<Diagnostic>, HashMap<String, PathBuf>) {
        let cfg = &self.config;
        let mut claims: HashMap<String, PathBuf> = HashMap::new();
        let mut out = Vec::new();
        let mut claim =
            |path: &str, source: &Path, line: Option<usize>, what: (&str, &str), strict: bool| {
                let Some(key) = urls::output_key(cfg, path).map(|k| k.to_lowercase()) else {
                    return;
                };
                match claims.get(&key) {
                    Some(prev) if strict || prev != source => out.push(
                        Diagnostic::error(
                            "duplicate-url",
                            source,
                            Msg::new(
                                format!(
                                    "{}的网址 `{path}` 与 {} 生成的文件重复",
                                    what.0,
                                    prev.display()
                                ),
                                format!(
                                    "the URL `{path}` of this {} is also produced by {}",
                                    what.1,
                                    prev.display()
                                ),
                            ),
                        )
                        .at_opt(line)
                        .with_hint(Msg::new(
                            "改一个文件名，或在 front matter 中用 `slug:` 指定不同的网址",
                            "rename one file, or give one a different `slug:`",
                        )),
                    ),
                    Some(_) => {}
                    None => {
                        claims.insert(key, source.to_path_buf());
                    }
                }
            };
        let config_file = PathBuf::from("config.yaml");
        const FILE: (&str, &str) = ("文件", "file");
        for name in [
            "rss.xml",
            "atom.xml",
            "sitemap.xml",
            "robots.txt",
            "404.html",
        ] {
            claim(&urls::root_file(cfg, name), &config_file, None, FILE, false);
        }
        if cfg.search.enabled {
            claim(
                &urls::search(cfg),
                &config_file,
                None,
                ("搜索页", "search page"),
                false,
            );
        }
        for t in &self.taxonomies {
            claim(&t.path, &config_file, None, ("分类", "taxonomy"), false);
            for term in &t.terms {
                for n in 1..=term.pages.len().div_ceil(cfg.paginate_by).max(1) {
                    claim(
                        &urls::paginated(&term.path, n),
                        &config_file,
                        None,
                        ("分类项", "term"),
                        false,
                    );
                }
                claim(
                    &urls::feed(&term.path, "rss.xml"),
                    &config_file,
                    None,
                    FILE,
                    false,
                );
            }
        }
        for (ci, c) in self.columns.iter().enumerate() {
            let src = c
                .file
                .clone()
                .unwrap_or_else(|| Path::new("content").join(&c.dir));
            let n = self.pages_under(ci).len().div_ceil(c.paginate_by).max(1);
            for k in 1..=n {
                claim(
                    &urls::paginated(&c.path, k),
                    &src,
                    None,
                    ("栏目", "column"),
                    false,
                );
            }
            if ci != 0 {
                claim(&urls::feed(&c.path, "rss.xml"), &src, None, FILE, false);
                claim(&urls::feed(&c.path, "atom.xml"), &src, None, FILE, false);
            }
        }
        for p in &self.pages {
            claim(&p.path, &p.file, None, ("页面", "page"), false);
        }
        for a in &self.assets {
            claim(
                &a.path,
                &Path::new("content").join(&a.source),
                None,
                FILE,
                true,
            );
        }
        for p in &self.pages {
            for (a, line) in &p.aliases {
                claim(a, &p.file, Some(*line), ("别名", "alias"), true);
            }
        }
        (out, claims)
    }

    /// The source file publishing the output file of site path `path`
    /// (pages, aliases, columns, assets, taxonomies, feeds), if any.
    pub fn claimed_by(&self, path: &str) -> Option<&Path> {
        let key = urls::output_key(&self.config, path)?.to_lowercase();
        self.claims.by_file.get(&key).map(PathBuf::as_path)
    }
}

/// Sorts page indices by the column's order; ties are broken by title and
/// then path so output is deterministic.
pub fn sort_pages(list: &mut [usize], pages: &[Page], by: SortBy) {
    match by {
        SortBy::Date => list.sort_by(|a, b| {
            let (pa, pb) = (&pages[*a], &pages[*b]);
            pb.date
                .cmp(&pa.date)
                .then_with(|| pa.title.cmp(&pb.title))
                .then_with(|| pa.path.cmp(&pb.path))
        }),
        SortBy::Weight => list.sort_by(|a, b| {
            let (pa, pb) = (&pages[*a], &pages[*b]);
            pa.weight
                .cmp(&pb.weight)
                .then_with(|| pb.date.cmp(&pa.date))
                .then_with(|| pa.path.cmp(&pb.path))
        }),
        SortBy::Title => list.sort_by(|a, b| {
            let (pa, pb) = (&pages[*a], &pages[*b]);
            pa.title.cmp(&pb.title).then_with(|| pa.path.cmp(&pb.path))
        }),
    }
}

type PageTerms = Vec<BTreeMap<String, Vec<usize>>>;

/// A term's spellings (with the pages using each) and all its pages.
type TermGroup = (BTreeMap<String, Vec<usize>>, Vec<usize>);

/// Groups pages by term. Terms that differ only by case, width or spaces are
/// merged (with a warning naming the files); distinct terms whose slugs
/// collide get a stable suffix made from the term itself.
fn build_taxonomies(
    cfg: &Config,
    pages: &[Page],
    written: &[WrittenTerms],
    diags: &mut Vec<Diagnostic>,
) -> (Vec<Taxonomy>, PageTerms) {
    let mut page_terms: PageTerms = vec![BTreeMap::new(); pages.len()];
    let mut out = Vec::new();
    for (tax_i, name) in cfg.taxonomies.iter().enumerate() {
        let keys: Vec<&[(String, String)]> = written
            .iter()
            .map(|w| w.get(tax_i).map_or(&[][..], Vec::as_slice))
            .collect();
        // key -> (spelling -> pages using it, all pages with the term)
        let mut groups: BTreeMap<&str, TermGroup> = BTreeMap::new();
        for (i, written) in keys.iter().enumerate() {
            for (key, t) in written.iter() {
                let g = groups.entry(key.as_str()).or_default();
                match g.0.get_mut(t.as_str()) {
                    Some(v) => v.push(i),
                    None => {
                        g.0.insert(t.clone(), vec![i]);
                    }
                }
                // Pages come in order, so a repeat can only be the last one.
                if g.1.last() != Some(&i) {
                    g.1.push(i);
                }
            }
        }
        let mut terms: Vec<(String, Term)> = Vec::with_capacity(groups.len());
        for (key, (spellings, mut term_pages)) in groups {
            let name_form = spellings
                .iter()
                .max_by(|a, b| a.1.len().cmp(&b.1.len()).then_with(|| b.0.cmp(a.0)))
                .map(|(s, _)| s.clone())
                .unwrap_or_else(|| key.to_string());
            if spellings.len() > 1 {
                let detail: Vec<String> = spellings
                    .iter()
                    .map(|(s, ps)| format!("`{s}`（{}）", pages[ps[0]].file.display()))
                    .collect();
                let first = &pages[spellings.values().next().map(|v| v[0]).unwrap_or(0)];
                diags.push(
                    Diagnostic::warning(
                        "term-variants",
                        &first.file,
                        Msg::new(
                            format!(
                                "{name} 中的 `{name_form}` 有多种写法，已合并：{}",
                                detail.join("、")
                            ),
                            format!(
                                "`{name_form}` in {name} is spelt several ways and was merged: {}",
                                detail.join(", ")
                            ),
                        ),
                    )
                    .with_hint(Msg::new(
                        "统一写法（全角/半角、大小写、空格）",
                        "use one spelling (width, case, spaces)",
                    )),
                );
            }
            sort_pages(&mut term_pages, pages, SortBy::Date);
            terms.push((
                key.to_string(),
                Term {
                    slug: crate::content::slug_of(&name_form, cfg.slugify),
                    name: name_form,
                    path: String::new(),
                    pages: term_pages,
                },
            ));
        }
        // Slug collisions: the most used term keeps the plain slug.
        let mut by_slug: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, (_, t)) in terms.iter().enumerate() {
            by_slug.entry(t.slug.clone()).or_default().push(i);
        }
        for (s, mut idx) in by_slug {
            if idx.len() < 2 {
                continue;
            }
            idx.sort_by(|a, b| {
                terms[*b]
                    .1
                    .pages
                    .len()
                    .cmp(&terms[*a].1.pages.len())
                    .then_with(|| terms[*a].0.cmp(&terms[*b].0))
            });
            for &i in &idx[1..] {
                terms[i].1.slug = format!("{s}-{}", short_hash(&terms[i].0));
            }
        }
        for (_, t) in &mut terms {
            t.path = urls::term(cfg, name, &t.slug);
        }
        terms.sort_by(|(_, a), (_, b)| {
            b.pages
                .len()
                .cmp(&a.pages.len())
                .then_with(|| a.slug.cmp(&b.slug))
        });
        // Each page's terms in the order the editor wrote them.
        let by_key: HashMap<&str, usize> = terms
            .iter()
            .enumerate()
            .map(|(ti, (k, _))| (k.as_str(), ti))
            .collect();
        for (i, written) in keys.iter().enumerate() {
            if written.is_empty() {
                continue;
            }
            let mut list: Vec<usize> = Vec::with_capacity(written.len());
            for (key, _) in written.iter() {
                if let Some(&ti) = by_key.get(key.as_str())
                    && !list.contains(&ti)
                {
                    list.push(ti);
                }
            }
            page_terms[i].insert(name.clone(), list);
        }
        drop(by_key);
        out.push(Taxonomy {
            name: name.clone(),
            path: urls::taxonomy(cfg, name),
            terms: terms.into_iter().map(|(_, t)| t).collect(),
        });
    }
    (out, page_terms)
}

/// Four hex digits from FNV-1a of `s`: stable across runs and machines.
fn short_hash(s: &str) -> String {
    let mut h: u32 = 0x811c9dc5;
    for b in s.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x01000193);
    }
    format!("{:04x}", h & 0xffff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_joins() {
        assert_eq!(
            join_relative(Path::new("xinde"), "../shumu/a.md"),
            Some(PathBuf::from("shumu/a.md"))
        );
        assert_eq!(join_relative(Path::new("xinde"), "../../x.md"), None);
        assert_eq!(
            join_relative(Path::new(""), "a\\b.md"),
            Some(PathBuf::from("a/b.md"))
        );
    }

    #[test]
    fn externals() {
        assert!(is_external("https://www.12371.cn/"));
        assert!(is_external("mailto:a@b.cn"));
        assert!(is_external("//cdn.example/x"));
        assert!(!is_external("../a.md"));
        assert!(!is_external("a.md#b:c"));
    }
}
