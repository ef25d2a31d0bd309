//! The floor: the least work any generator must do for a lanmu site, done as
//! fast as the same libraries allow. It walks `DIR/content`, reads every
//! Markdown file, splits the front matter, parses it into a
//! `serde_yaml::Value`, renders the body with pulldown-cmark (lanmu's parser
//! options) and writes one HTML file per page at its pretty URL
//! (`xinde/abc.md` → `xinde/abc/index.html`, one folder per page, as lanmu and
//! Hugo write them), in parallel with rayon. No templates, no lists, no feeds,
//! no link checking.
//!
//! ```sh
//! cargo run --release --example floor -- DIR OUT
//! ```

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

fn split(text: &str) -> (Option<&str>, &str) {
    let Some(rest) = text.strip_prefix("---\n") else {
        return (None, text);
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return (Some(&rest[..offset]), &rest[offset + line.len()..]);
        }
        offset += line.len();
    }
    (None, text)
}

fn page(
    content: &Path,
    out: &Path,
    file: &Path,
    opts: pulldown_cmark::Options,
) -> Result<usize, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let (yaml, body) = split(&text);
    let front: serde_yaml::Value = match yaml {
        Some(y) => serde_yaml::from_str(y).map_err(|e| format!("{}: {e}", file.display()))?,
        None => serde_yaml::Value::Null,
    };
    let title = front.get("title").and_then(|t| t.as_str()).unwrap_or("");
    let mut html = String::with_capacity(body.len() * 3 / 2 + 256);
    html.push_str("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>");
    pulldown_cmark::html::push_html(
        &mut html,
        std::iter::once(pulldown_cmark::Event::Text(title.into())),
    );
    html.push_str("</title></head><body><main>");
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new_ext(body, opts));
    html.push_str("</main></body></html>\n");
    // Pretty URLs like lanmu's and Hugo's: `xinde/abc.md` → `xinde/abc/index.html`
    // (one folder per page), `_index.md` → the folder's `index.html`.
    let rel = file.strip_prefix(content).unwrap_or(file);
    let dest = if rel.file_name().is_some_and(|n| n == "_index.md") {
        out.join(rel.with_file_name("index.html"))
    } else {
        out.join(rel.with_extension("")).join("index.html")
    };
    if let Some(parent) = dest.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(&dest, &html).map_err(|e| format!("{}: {e}", dest.display()))?;
    Ok(html.len())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, out] = args.as_slice() else {
        eprintln!("usage: floor DIR OUT");
        std::process::exit(2);
    };
    let start = Instant::now();
    let content = Path::new(dir).join("content");
    let out = PathBuf::from(out);
    let opts = lanmu::markdown::parser_options(&lanmu::config::MarkdownConfig::default());
    let files: Vec<PathBuf> = walkdir::WalkDir::new(&content)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    let results: Vec<Result<usize, String>> = files
        .par_iter()
        .map(|f| page(&content, &out, f, opts))
        .collect();
    let mut bytes = 0;
    let mut failed = 0;
    for r in results {
        match r {
            Ok(n) => bytes += n,
            Err(e) => {
                eprintln!("floor: {e}");
                failed += 1;
            }
        }
    }
    println!(
        "floor: {} files, {:.1} MB of HTML in {:.3} s",
        files.len(),
        bytes as f64 / 1e6,
        start.elapsed().as_secs_f64()
    );
    if failed > 0 {
        std::process::exit(1);
    }
}
