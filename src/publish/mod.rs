//! Publishing the built site: relative links for sub-paths and folders on
//! disk ([`relative`]), a zip for the IT office ([`zip`]), and `lanmu deploy`
//! to a mounted folder or an SFTP account ([`deploy`], [`sftp`]).
//!
//! Deploys are incremental and safe to interrupt: a manifest on the target
//! (`.lanmu-manifest.json`) records every file lanmu published with its size
//! and SHA-256, uploads go to `.<name>.lanmu-tmp` and are renamed into place,
//! and only files listed in a manifest are ever deleted.

pub mod deploy;
pub mod relative;
pub mod sftp;
pub mod zip;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Name of the manifest file lanmu keeps at the root of a deploy target.
pub const MANIFEST: &str = ".lanmu-manifest.json";

/// Suffix of the temporary names uploads are written under.
pub const TMP_SUFFIX: &str = ".lanmu-tmp";

/// The temporary name of `rel` (`a/b.html` → `a/.b.html.lanmu-tmp`).
pub fn tmp_name(rel: &str) -> String {
    match rel.rsplit_once('/') {
        Some((dir, name)) => format!("{dir}/.{name}{TMP_SUFFIX}"),
        None => format!(".{rel}{TMP_SUFFIX}"),
    }
}

/// True for a file name lanmu uses for uploads in progress.
pub fn is_tmp_name(name: &str) -> bool {
    name.len() > 1 + TMP_SUFFIX.len() && name.starts_with('.') && name.ends_with(TMP_SUFFIX)
}

/// Size and SHA-256 of one published file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileEntry {
    /// Size in bytes.
    pub size: u64,
    /// Lowercase hex SHA-256 of the content.
    pub sha256: String,
}

/// Hashes a file.
pub fn hash_file(path: &Path) -> Result<FileEntry> {
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        size += n as u64;
        h.update(&buf[..n]);
    }
    Ok(FileEntry {
        size,
        sha256: hex(&h.finalize()),
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Every file below `dir` by its `/`-separated relative path, with its hash.
/// The manifest and temporary upload names are left out.
pub fn scan_dir(dir: &Path) -> Result<BTreeMap<String, FileEntry>> {
    let mut files = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir).min_depth(1) {
        let e = e.map_err(|e| Error::Other(format!("{}: {e}", dir.display())))?;
        if !e.file_type().is_file() {
            continue;
        }
        let rel = e.path().strip_prefix(dir).unwrap_or(e.path());
        let mut name = String::new();
        for part in rel.components() {
            let s = part.as_os_str().to_str().ok_or_else(|| {
                Error::Other(format!(
                    "文件名不是 UTF-8 (file name is not UTF-8): {}",
                    e.path().display()
                ))
            })?;
            if s.contains(['\n', '\r']) {
                return Err(Error::Other(format!(
                    "文件名含有换行符，无法发布 (file name contains a line break): {}",
                    e.path().display()
                )));
            }
            if !name.is_empty() {
                name.push('/');
            }
            name.push_str(s);
        }
        let file_name = name.rsplit('/').next().unwrap_or("");
        if name == MANIFEST || is_tmp_name(file_name) {
            continue;
        }
        files.insert(name, hash_file(e.path())?);
    }
    Ok(files)
}

/// A private scratch folder under the system temp folder, removed on drop
/// (downloaded manifests, manifests to upload, a key given inline).
pub(crate) struct Scratch {
    pub(crate) dir: std::path::PathBuf,
}

impl Scratch {
    pub(crate) fn new() -> Result<Scratch> {
        let base = std::env::temp_dir();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        for n in 0..100u32 {
            let dir = base.join(format!("lanmu-deploy-{}-{nanos}-{n}", std::process::id()));
            let mut b = std::fs::DirBuilder::new();
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
            match b.create(&dir) {
                Ok(()) => return Ok(Scratch { dir }),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(Error::io(&dir, e)),
            }
        }
        Err(Error::Other("cannot create a temporary folder".into()))
    }

    /// Writes a file readable by the owner only.
    pub(crate) fn write_private(&self, name: &str, bytes: &[u8]) -> Result<std::path::PathBuf> {
        use std::io::Write;
        let path = self.dir.join(name);
        let mut o = std::fs::OpenOptions::new();
        o.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
        let mut f = o.open(&path).map_err(|e| Error::io(&path, e))?;
        f.write_all(bytes).map_err(|e| Error::io(&path, e))?;
        Ok(path)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tmp_names() {
        assert_eq!(tmp_name("a/b.html"), "a/.b.html.lanmu-tmp");
        assert_eq!(tmp_name("index.html"), ".index.html.lanmu-tmp");
        assert!(is_tmp_name(".index.html.lanmu-tmp"));
        assert!(!is_tmp_name(".lanmu-tmp"));
        assert!(!is_tmp_name("index.html"));
    }
}
