//! Reading text files as editors on Windows save them.
//!
//! A UTF-8 BOM and CRLF line endings are accepted silently. A file in
//! GBK/GB18030 (Notepad's "ANSI" on a Chinese Windows) is reported as such,
//! with how to convert it; `--fix-encoding` converts in place with a backup.

use std::path::Path;

use crate::error::{Diagnostic, Msg};

/// Largest Markdown/YAML file lanmu reads (a guard against mistakes such as a
/// video renamed to `.md`).
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Why a text file could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The OS refused (missing, unreadable).
    Io(std::io::Error),
    /// The bytes are not usable text; the diagnostic explains.
    Diagnostic(Box<Diagnostic>),
}

/// What a byte buffer turned out to be.
#[derive(Debug, PartialEq, Eq)]
pub enum Detected {
    /// Valid UTF-8 (BOM removed, CRLF normalised).
    Utf8(String),
    /// Not UTF-8 but clean GB18030 (a superset of GBK) containing Chinese.
    Gbk(String),
    /// Not text.
    Binary,
    /// Not UTF-8 and not GB18030 either.
    Invalid {
        /// Byte offset of the first invalid sequence.
        offset: usize,
    },
}

/// Classifies bytes as UTF-8, GBK, binary or invalid.
pub fn detect(bytes: &[u8]) -> Detected {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.contains(&0) {
        return Detected::Binary;
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Detected::Utf8(normalize_newlines(s)),
        Err(e) => {
            let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            if !had_errors && text.chars().any(crate::markdown::cjk::is_cjk) {
                Detected::Gbk(normalize_newlines(&text))
            } else {
                Detected::Invalid {
                    offset: e.valid_up_to(),
                }
            }
        }
    }
}

fn normalize_newlines(s: &str) -> String {
    if s.contains('\r') {
        s.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        s.to_string()
    }
}

/// Reads `path` as UTF-8 text; `shown` is the path used in messages.
pub fn read_text(path: &Path, shown: &Path) -> Result<String, ReadError> {
    let meta = std::fs::metadata(path).map_err(ReadError::Io)?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(ReadError::Diagnostic(Box::new(
            Diagnostic::error(
                "too-large",
                shown,
                Msg::new(
                    format!(
                        "文件太大（{} MB），超过 {} MB 上限",
                        meta.len() / 1024 / 1024,
                        MAX_FILE_BYTES / 1024 / 1024
                    ),
                    format!(
                        "file is too large ({} MB, limit {} MB)",
                        meta.len() / 1024 / 1024,
                        MAX_FILE_BYTES / 1024 / 1024
                    ),
                ),
            )
            .with_hint(Msg::new(
                "把长文拆成几篇，或确认它不是改了扩展名的其他文件",
                "split it into several pages, or check it is really a Markdown file",
            )),
        )));
    }
    let bytes = std::fs::read(path).map_err(ReadError::Io)?;
    decode(&bytes, shown).map_err(|d| ReadError::Diagnostic(Box::new(d)))
}

/// Decodes bytes read from `shown`, explaining anything that is not UTF-8.
pub fn decode(bytes: &[u8], shown: &Path) -> Result<String, Diagnostic> {
    match detect(bytes) {
        Detected::Utf8(s) => Ok(s),
        Detected::Gbk(_) => Err(Diagnostic::error(
            "encoding",
            shown,
            Msg::new(
                "文件是 GBK/GB18030 编码（记事本的“ANSI”），lanmu 只读 UTF-8",
                "file is encoded in GBK/GB18030 (Notepad's \"ANSI\"); lanmu reads UTF-8 only",
            ),
        )
        .at_line(1)
        .with_hint(Msg::new(
            "运行 `lanmu build --fix-encoding` 自动转换（原文件备份为 .gbk.bak），或在记事本中“另存为”并选择编码“UTF-8”",
            "run `lanmu build --fix-encoding` to convert it (a .gbk.bak backup is kept), or re-save it as UTF-8",
        ))),
        Detected::Binary => Err(Diagnostic::error(
            "encoding",
            shown,
            Msg::new("这不是文本文件（含有二进制数据）", "this is not a text file (it contains binary data)"),
        )
        .with_hint(Msg::new(
            "图片、PDF 等文件不要用 .md 扩展名；放进页面文件夹并在正文中链接",
            "do not give images or PDFs a .md name; put them in a page bundle and link them",
        ))),
        Detected::Invalid { offset } => {
            let line = bytes[..offset].iter().filter(|b| **b == b'\n').count() + 1;
            Err(Diagnostic::error(
                "encoding",
                shown,
                Msg::new("文件含有无效的 UTF-8 字节", "file contains invalid UTF-8"),
            )
            .at_line(line)
            .with_hint(Msg::new(
                "用编辑器以 UTF-8 编码重新保存此文件",
                "re-save the file as UTF-8 in your editor",
            )))
        }
    }
}

/// Converts a GBK file to UTF-8 in place, keeping `<file>.gbk.bak`.
/// Returns whether the file was converted.
pub fn fix_encoding(path: &Path) -> std::io::Result<bool> {
    let bytes = std::fs::read(path)?;
    if let Detected::Gbk(text) = detect(&bytes) {
        let mut backup = path.as_os_str().to_owned();
        backup.push(".gbk.bak");
        std::fs::write(&backup, &bytes)?;
        std::fs::write(path, text.as_bytes())?;
        return Ok(true);
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_encodings() {
        assert_eq!(detect(b"\xEF\xBB\xBFa\r\nb"), Detected::Utf8("a\nb".into()));
        let (gbk, _, _) = encoding_rs::GBK.encode("标题：学习");
        assert!(matches!(detect(&gbk), Detected::Gbk(s) if s == "标题：学习"));
        assert_eq!(detect(b"a\0b"), Detected::Binary);
        assert!(matches!(
            detect(b"ab\xff\xfe\xfd"),
            Detected::Invalid { .. }
        ));
    }
}
