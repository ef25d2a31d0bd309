//! `lanmu build --zip site.zip`: the output folder as a zip for the IT office.
//!
//! File names are UTF-8 and flagged as such (general purpose bit 11, set by
//! the `zip` crate for every non-ASCII name), so Windows Explorer, macOS and
//! `unzip` show Chinese names. Entries are in byte order of their paths with
//! folders before their contents, all dated 1980-01-01 00:00 with fixed
//! permissions, so the same output always gives the same bytes. The zip is
//! written to a temporary name beside the target and renamed into place.

use std::io::Write;
use std::path::{Path, PathBuf};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::error::{Error, Result};

/// What went into a zip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZipStats {
    /// Files written.
    pub files: usize,
    /// Size of the zip in bytes.
    pub bytes: u64,
}

fn lexical_abs(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    };
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

/// Writes every file below `dir` into the zip at `zip_path` (replacing it).
/// Refuses a zip path inside `dir`.
pub fn zip_dir(dir: &Path, zip_path: &Path) -> Result<ZipStats> {
    let dir_abs = std::fs::canonicalize(dir).map_err(|e| Error::io(dir, e))?;
    let zip_abs = lexical_abs(zip_path);
    let zip_parent = zip_abs
        .parent()
        .map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf()));
    if zip_parent.as_ref().is_some_and(|p| p.starts_with(&dir_abs)) {
        return Err(Error::Other(format!(
            "zip 文件 {} 不能放在输出目录 {} 里面，请换个位置（例如站点目录下的 site.zip）\n(the zip must not be inside the output folder)",
            zip_path.display(),
            dir.display()
        )));
    }
    if zip_abs.is_dir() {
        return Err(Error::Other(format!(
            "{} 是一个目录 (is a folder)",
            zip_path.display()
        )));
    }

    // Entries: (name in the zip, source file or None for a folder).
    let mut entries: Vec<(String, Option<PathBuf>)> = Vec::new();
    for e in walkdir::WalkDir::new(&dir_abs).min_depth(1) {
        let e = e.map_err(|e| Error::Other(format!("{}: {e}", dir.display())))?;
        let rel = e.path().strip_prefix(&dir_abs).unwrap_or(e.path());
        let mut name = String::new();
        for part in rel.components() {
            let s = part.as_os_str().to_str().ok_or_else(|| {
                Error::Other(format!(
                    "文件名不是 UTF-8 (file name is not UTF-8): {}",
                    e.path().display()
                ))
            })?;
            if !name.is_empty() {
                name.push('/');
            }
            name.push_str(s);
        }
        if e.file_type().is_dir() {
            name.push('/');
            entries.push((name, None));
        } else if e.file_type().is_file() {
            entries.push((name, Some(e.path().to_path_buf())));
        }
    }
    entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));

    let name = zip_abs
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site.zip".into());
    let tmp = zip_abs.with_file_name(format!(".{name}.lanmu-tmp"));
    let result = write_entries(&tmp, &entries);
    let files = match result {
        Ok(n) => n,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    std::fs::rename(&tmp, &zip_abs).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(zip_path, e)
    })?;
    let bytes = std::fs::metadata(&zip_abs).map(|m| m.len()).unwrap_or(0);
    Ok(ZipStats { files, bytes })
}

fn write_entries(tmp: &Path, entries: &[(String, Option<PathBuf>)]) -> Result<usize> {
    let zerr = |e: zip::result::ZipError| Error::Other(format!("{}: {e}", tmp.display()));
    let file = std::fs::File::create(tmp).map_err(|e| Error::io(tmp, e))?;
    let mut zw = ZipWriter::new(std::io::BufWriter::new(file));
    let base = SimpleFileOptions::default().last_modified_time(DateTime::default());
    let file_opts = base
        .compression_method(CompressionMethod::Deflated)
        .unix_permissions(0o644);
    let dir_opts = base
        .compression_method(CompressionMethod::Stored)
        .unix_permissions(0o755);
    let mut files = 0;
    for (name, src) in entries {
        match src {
            None => zw.add_directory(name.as_str(), dir_opts).map_err(zerr)?,
            Some(path) => {
                let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
                let opts = if bytes.len() as u64 >= u32::MAX as u64 {
                    file_opts.large_file(true)
                } else {
                    file_opts
                };
                zw.start_file(name.as_str(), opts).map_err(zerr)?;
                zw.write_all(&bytes).map_err(|e| Error::io(tmp, e))?;
                files += 1;
            }
        }
    }
    let mut inner = zw.finish().map_err(zerr)?;
    inner.flush().map_err(|e| Error::io(tmp, e))?;
    let file = inner
        .into_inner()
        .map_err(|e| Error::io(tmp, e.into_error()))?;
    file.sync_all().map_err(|e| Error::io(tmp, e))?;
    Ok(files)
}
