//! Media: images too large for readers on phone data, and images without alt
//! text (screen readers and WeChat's text view show nothing for them).

use std::path::Path;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::{Inputs, line_col};
use crate::config::Paths;
use crate::content::Asset;
use crate::error::{Diagnostic, Msg};

/// Images larger than this are reported. A config key for it is wished for;
/// until then it is fixed at 500 KB.
pub const MAX_IMAGE_BYTES: u64 = 500 * 1024;

const IMAGE_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "webp", "bmp", "svg", "avif", "tif", "tiff",
];

fn is_image(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| IMAGE_EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

fn too_large(shown: &Path, size: u64) -> Diagnostic {
    let kb = size.div_ceil(1024);
    let max = MAX_IMAGE_BYTES / 1024;
    Diagnostic::warning(
        "image-size",
        shown,
        Msg::new(
            format!("图片太大：{kb} KB，超过 {max} KB"),
            format!("image is too large: {kb} KB (limit {max} KB)"),
        ),
    )
    .with_hint(Msg::new(
        "把图片宽度缩小到 1600 像素以内，照片存为质量 80% 的 JPEG 或 WebP",
        "resize it to at most 1600 pixels wide and save photos as JPEG or WebP at about 80% quality",
    ))
}

/// Published images (content files and the site's `static/`) over
/// [`MAX_IMAGE_BYTES`].
pub fn oversized_images(inputs: &Inputs, assets: &[Asset], paths: &Paths) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for a in assets.iter().filter(|a| is_image(&a.source)) {
        if let Ok(m) = std::fs::metadata(paths.content.join(&a.source))
            && m.len() > MAX_IMAGE_BYTES
        {
            out.push(too_large(&Path::new("content").join(&a.source), m.len()));
        }
    }
    if paths.static_dir.is_dir() {
        for e in walkdir::WalkDir::new(&paths.static_dir)
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            if e.file_type().is_file()
                && is_image(e.path())
                && let Ok(m) = e.metadata()
                && m.len() > MAX_IMAGE_BYTES
            {
                let shown = e.path().strip_prefix(inputs.root).unwrap_or(e.path());
                out.push(too_large(shown, m.len()));
            }
        }
    }
    out
}

/// `![](photo.png)`: images written without alt text.
pub fn empty_alt(inputs: &Inputs) -> Vec<Diagnostic> {
    let opts = crate::markdown::parser_options(&inputs.config.markdown);
    let mut out = Vec::new();
    let mut scan = |body: &str, body_line: usize, file: &Path| {
        let mut open: Option<(usize, String, String)> = None; // (offset, src, alt so far)
        for (ev, range) in Parser::new_ext(body, opts).into_offset_iter() {
            match ev {
                Event::Start(Tag::Image { dest_url, .. }) => {
                    open = Some((range.start, dest_url.to_string(), String::new()))
                }
                Event::End(TagEnd::Image) => {
                    if let Some((at, src, alt)) = open.take()
                        && alt.trim().is_empty()
                    {
                        let (line, col) = line_col(body, at, body_line);
                        out.push(
                            Diagnostic::warning(
                                "image-alt",
                                file,
                                Msg::new(format!("图片 `{src}` 没有替代文字"), format!("image `{src}` has no alt text")),
                            )
                            .at(line, col)
                            .with_hint(Msg::new(
                                "在方括号里写上图片内容，如 `![李晓红在社区服务](photo.png)`，方便读屏软件和图片加载失败时阅读",
                                "describe the image inside the brackets, e.g. `![volunteers at the museum](photo.png)`",
                            )),
                        );
                    }
                }
                Event::Text(t) | Event::Code(t) => {
                    if let Some((_, _, alt)) = &mut open {
                        alt.push_str(&t);
                    }
                }
                _ => {}
            }
        }
    };
    for p in inputs.pages {
        scan(&p.body, p.body_line, &p.file);
    }
    for c in inputs.columns {
        if let Some(f) = &c.file {
            scan(&c.body, c.body_line, f);
        }
    }
    out
}
