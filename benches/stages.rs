//! Micro-benchmarks of lanmu's hot stages on a small generated site
//! (`examples/gen_corpus.rs`, 200 pages): front matter split + parse,
//! Markdown with the CJK passes, the content stage (walk + parse + kind
//! blocks), the site model (links + Markdown), template rendering into
//! memory, and feed writing.
//!
//! ```sh
//! cargo bench                       # all, a few minutes
//! cargo bench -- markdown           # one group
//! ```
//!
//! Each benchmark takes 10 samples over a short measurement window so the
//! whole run stays short on a 2-core machine; see docs/benchmarks.md for the
//! end-to-end figures.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

use lanmu::config::{Config, MarkdownConfig};
use lanmu::frontmatter::{self, PAGE_KEYS, PageFront};
use lanmu::markdown::{self, LinkResolver, Resolved};
use lanmu::output::MemSink;
use lanmu::pipeline::{self, BuildOptions};
use lanmu::site::Site;

#[allow(dead_code)]
#[path = "../examples/gen_corpus.rs"]
mod gen_corpus;

const PAGES: usize = 200;

struct NoLinks;

impl LinkResolver for NoLinks {
    fn resolve(&self, _dest: &str, _is_image: bool) -> Resolved {
        Resolved::Keep
    }
}

struct Corpus {
    _dir: tempfile::TempDir,
    root: PathBuf,
    /// (path relative to the root, file text): one page per column, then more.
    samples: Vec<(PathBuf, String)>,
}

fn corpus() -> Corpus {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    gen_corpus::generate(&gen_corpus::Options {
        pages: PAGES,
        out: root.clone(),
        seed: 1,
        format: gen_corpus::Format::Lanmu,
    })
    .expect("generate corpus");
    let mut samples = Vec::new();
    for col in ["xianjin", "shumu", "zhenti", "zhiyuan", "xinde"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("content").join(col))
            .expect("column folder")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.file_name().is_some_and(|n| n != "_index.md"))
            .collect();
        files.sort();
        for f in files.into_iter().take(4) {
            let text = std::fs::read_to_string(&f).expect("page");
            samples.push((f.strip_prefix(&root).unwrap_or(&f).to_path_buf(), text));
        }
    }
    Corpus {
        _dir: dir,
        root,
        samples,
    }
}

fn group<'a>(
    c: &'a mut Criterion,
    name: &str,
) -> criterion::BenchmarkGroup<'a, criterion::measurement::WallTime> {
    let mut g = c.benchmark_group(name);
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    g
}

// `feeds::write_all` takes a writer returning lanmu's (large) `Diagnostic` error.
#[allow(clippy::result_large_err)]
fn stages(c: &mut Criterion) {
    let corpus = corpus();
    let cfg = Config::load(&corpus.root).expect("config");
    let sample_bytes: usize = corpus.samples.iter().map(|(_, t)| t.len()).sum();

    // Front matter: split + typed parse (+ taxonomy keys), 20 pages.
    {
        let mut g = group(c, "frontmatter");
        g.throughput(Throughput::Bytes(sample_bytes as u64));
        g.bench_function("split_parse_20_pages", |b| {
            b.iter(|| {
                for (path, text) in &corpus.samples {
                    let split = frontmatter::split(text, path).expect("split");
                    let parsed = frontmatter::parse::<PageFront>(
                        split.yaml,
                        split.yaml_line,
                        path,
                        PAGE_KEYS,
                        &cfg.taxonomies,
                    )
                    .expect("parse");
                    black_box(parsed);
                }
            })
        });
        g.finish();
    }

    // Markdown + CJK passes, no link resolution, 20 bodies.
    {
        let bodies: Vec<&str> = corpus
            .samples
            .iter()
            .map(|(p, t)| frontmatter::split(t, p).expect("split").body)
            .collect();
        let md = MarkdownConfig::default();
        let mut g = group(c, "markdown");
        g.throughput(Throughput::Bytes(
            bodies.iter().map(|b| b.len()).sum::<usize>() as u64,
        ));
        g.bench_function("render_20_bodies", |b| {
            b.iter(|| {
                for body in &bodies {
                    black_box(markdown::render(body, &md, &NoLinks));
                }
            })
        });
        g.bench_function("pulldown_cmark_only_20_bodies", |b| {
            let opts = markdown::parser_options(&md);
            b.iter(|| {
                for body in &bodies {
                    let mut html = String::with_capacity(body.len() * 3 / 2);
                    pulldown_cmark::html::push_html(
                        &mut html,
                        pulldown_cmark::Parser::new_ext(body, opts),
                    );
                    black_box(html);
                }
            })
        });
        g.finish();
    }

    // Stage 1: walk + read + front matter + kind blocks, whole site.
    let content = lanmu::content::load(&cfg, &corpus.root, false);
    assert!(
        !pipeline::has_errors(&content.diagnostics),
        "generated corpus has errors: {:#?}",
        content.diagnostics
    );
    {
        let mut g = group(c, "content");
        g.throughput(Throughput::Elements(PAGES as u64));
        g.bench_function("load_200_pages", |b| {
            b.iter(|| black_box(lanmu::content::load(&cfg, &corpus.root, false)))
        });
        g.finish();
    }

    // Stage 2: site model (links, Markdown, taxonomies).
    {
        let mut g = group(c, "site");
        g.throughput(Throughput::Elements(PAGES as u64));
        g.bench_function("build_200_pages", |b| {
            b.iter_batched(
                || (cfg.clone(), content.clone()),
                |(cfg, content)| black_box(Site::build(cfg, content).expect("site")),
                BatchSize::LargeInput,
            )
        });
        g.finish();
    }

    // Stage 3: templates into memory, and feeds alone.
    let (site, paths, mut templates) =
        pipeline::load(&BuildOptions::new(&corpus.root)).expect("load");
    {
        let mut g = group(c, "render");
        g.throughput(Throughput::Elements(PAGES as u64));
        g.bench_function("site_200_pages_to_memory", |b| {
            b.iter(|| {
                let sink = MemSink::default();
                let stats =
                    pipeline::render_into(&site, &paths, &mut templates, &sink).expect("render");
                black_box((stats, sink));
            })
        });
        g.bench_function("feeds_200_pages", |b| {
            b.iter(|| {
                let out = lanmu::feeds::write_all(&site, &|path: &str, bytes: &[u8]| {
                    black_box((path, bytes.len()));
                    Ok(())
                });
                black_box(out);
            })
        });
        g.finish();
    }
}

criterion_group!(benches, stages);
criterion_main!(benches);
