//! Stage 4 of the pipeline: writing. A build writes into a staging folder
//! next to the output and swaps it in only when everything succeeded, so a
//! failed build leaves the previous output exactly as it was. Nothing outside
//! the output folder (and its staging sibling) is ever written or deleted.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::{Error, Result};

/// Where rendered files go: a folder on disk, or memory for the dev server
/// and tests.
pub trait Sink: Sync {
    /// Writes `bytes` at `rel` (a path relative to the output root).
    fn write(&self, rel: &Path, bytes: &[u8]) -> Result<()>;
    /// Copies the file at `from` to `rel`.
    fn copy(&self, rel: &Path, from: &Path) -> Result<()> {
        let bytes = std::fs::read(from).map_err(|e| Error::io(from, e))?;
        self.write(rel, &bytes)
    }
}

/// Writes into a folder that may still hold an earlier build (the recycled
/// staging folder): a file whose bytes are already there is not rewritten,
/// and [`DirSink::remove_stale`] deletes what this build did not write. On
/// campus servers' disks, creating and deleting thousands of files is what a
/// build spends most of its time on; this keeps it to the files that changed.
pub struct DirSink {
    root: PathBuf,
    written: Mutex<std::collections::HashSet<PathBuf>>,
    /// `root` started empty: nothing to compare with or to remove.
    fresh: bool,
}

impl DirSink {
    /// A sink writing below `root` (which must exist), which may hold an
    /// earlier build: identical files are left alone and
    /// [`DirSink::remove_stale`] removes what was not written.
    pub fn new(root: PathBuf) -> Self {
        DirSink {
            root,
            written: Mutex::new(Default::default()),
            fresh: false,
        }
    }

    /// A sink writing below `root`, which was just created empty: no file
    /// is compared before writing and there is nothing stale (on a clean
    /// 10k-page build the walk for stale files alone cost ~0.2 s).
    pub fn fresh(root: PathBuf) -> Self {
        DirSink {
            fresh: true,
            ..DirSink::new(root)
        }
    }

    fn note(&self, rel: &Path) {
        if let Ok(mut w) = self.written.lock() {
            w.insert(rel.to_path_buf());
        }
    }

    /// Deletes every file below the root that this build did not write, and
    /// folders left empty. Only ever touches the sink's own folder.
    pub fn remove_stale(&self) -> Result<()> {
        if self.fresh {
            return Ok(());
        }
        let written = self
            .written
            .lock()
            .map_err(|_| Error::Other("output lock poisoned".into()))?;
        let mut dirs = Vec::new();
        for e in walkdir::WalkDir::new(&self.root)
            .min_depth(1)
            .contents_first(true)
        {
            let e = e.map_err(|e| Error::Other(format!("{}: {e}", self.root.display())))?;
            let rel = e.path().strip_prefix(&self.root).unwrap_or(e.path());
            if e.file_type().is_dir() {
                dirs.push(e.path().to_path_buf());
            } else if !written.contains(rel) {
                std::fs::remove_file(e.path()).map_err(|err| Error::io(e.path(), err))?;
            }
        }
        // Children come before parents (contents_first), so emptied parents go too.
        for d in dirs {
            if std::fs::read_dir(&d)
                .map(|mut r| r.next().is_none())
                .unwrap_or(false)
            {
                std::fs::remove_dir(&d).map_err(|err| Error::io(&d, err))?;
            }
        }
        Ok(())
    }
}

/// Whether `dest` already holds exactly `bytes`.
fn same_bytes(dest: &Path, bytes: &[u8]) -> bool {
    match std::fs::metadata(dest) {
        Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => {
            std::fs::read(dest).is_ok_and(|old| old == bytes)
        }
        _ => false,
    }
}

fn checked_rel(rel: &Path) -> Result<()> {
    if rel.is_absolute()
        || rel
            .components()
            .any(|c| !matches!(c, std::path::Component::Normal(_)))
    {
        return Err(Error::Other(format!(
            "refusing to write outside the output folder: {}",
            rel.display()
        )));
    }
    Ok(())
}

impl Sink for DirSink {
    fn write(&self, rel: &Path, bytes: &[u8]) -> Result<()> {
        checked_rel(rel)?;
        let dest = self.root.join(rel);
        if !self.fresh {
            self.note(rel);
            if same_bytes(&dest, bytes) {
                return Ok(());
            }
        }
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        if !self.fresh && dest.is_dir() {
            std::fs::remove_dir_all(&dest).map_err(|e| Error::io(&dest, e))?;
        }
        std::fs::write(&dest, bytes).map_err(|e| Error::io(&dest, e))
    }
}

/// Keeps files in memory (dev server, tests).
#[derive(Default)]
pub struct MemSink {
    /// The files by relative path (with `/` separators).
    pub files: Mutex<BTreeMap<String, Vec<u8>>>,
}

/// A relative output path as a `/`-separated string (the same on Windows).
pub fn key(rel: &Path) -> String {
    rel.to_string_lossy().replace('\\', "/")
}

impl Sink for MemSink {
    fn write(&self, rel: &Path, bytes: &[u8]) -> Result<()> {
        checked_rel(rel)?;
        let key = key(rel);
        self.files
            .lock()
            .map_err(|_| Error::Other("output lock poisoned".into()))?
            .insert(key, bytes.to_vec());
        Ok(())
    }
}

fn canonical_or_lexical(p: &Path) -> PathBuf {
    if let Ok(c) = std::fs::canonicalize(p) {
        return c;
    }
    // The output may not exist yet: canonicalise its nearest existing ancestor.
    let mut tail = Vec::new();
    let mut cur = p;
    while let Some(parent) = cur.parent() {
        if let Some(name) = cur.file_name() {
            tail.push(name.to_owned());
        }
        if let Ok(c) = std::fs::canonicalize(parent) {
            let mut out = c;
            for t in tail.iter().rev() {
                out.push(t);
            }
            return out;
        }
        cur = parent;
    }
    p.to_path_buf()
}

/// Refuses output folders that would destroy the site or the user's files:
/// the site root or an ancestor of it, `content/` (or anything holding it),
/// a folder inside `content/`, `static/`, `templates/` or `themes/`, the home
/// folder, or the file system root.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<()> {
    let root = canonical_or_lexical(root);
    let out = canonical_or_lexical(output);
    let refuse = |why_zh: &str, why_en: &str| {
        Err(Error::UnsafeOutput(format!(
            "拒绝使用输出目录 {}：{why_zh}。请换一个专用的空目录（默认 public/）。\n(refusing output folder {}: {why_en}; use a dedicated folder such as public/)",
            output.display(),
            output.display()
        )))
    };
    if out.parent().is_none() {
        return refuse("它是文件系统的根目录", "it is the file system root");
    }
    if let Some(home) = std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE")) {
        let home = canonical_or_lexical(Path::new(&home));
        if out == home || home.starts_with(&out) {
            return refuse(
                "它是（或包含）用户主目录",
                "it is or contains the home folder",
            );
        }
    }
    if root.starts_with(&out) {
        return refuse(
            "它是（或包含）站点目录本身",
            "it is or contains the site root",
        );
    }
    for sub in ["content", "static", "templates", "themes", ".git"] {
        let s = root.join(sub);
        if out.starts_with(&s) {
            return refuse(
                &format!("它位于 {sub}/ 里面"),
                &format!("it is inside {sub}/"),
            );
        }
    }
    if out.exists() && !out.is_dir() {
        return refuse("它是一个文件而不是目录", "it is a file, not a folder");
    }
    Ok(())
}

/// A staging folder beside the output, swapped in by [`Staging::commit`].
pub struct Staging {
    /// The staging folder.
    pub dir: PathBuf,
    output: PathBuf,
    committed: bool,
    /// Whether the folder holds an earlier build (worth keeping as the spare).
    recycled: bool,
}

fn sibling(output: &Path, tag: &str) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    output.with_file_name(format!(".{name}.lanmu-{tag}"))
}

impl Staging {
    /// Whether the staging folder holds an earlier build (else it is empty).
    pub fn recycled(&self) -> bool {
        self.recycled
    }

    /// Prepares the staging folder next to `output`: the previous build's
    /// output kept as `.NAME.lanmu-spare` when there is one (so unchanged
    /// files need not be written again), else an empty folder. A staging
    /// folder left by an interrupted build is ours and is reused as it is.
    pub fn new(output: &Path) -> Result<Staging> {
        let dir = sibling(output, "staging");
        let spare = sibling(output, "spare");
        let mut recycled = dir.exists();
        if !recycled && spare.is_dir() {
            std::fs::rename(&spare, &dir).map_err(|e| Error::io(&spare, e))?;
            recycled = true;
        }
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        Ok(Staging {
            dir,
            output: output.to_path_buf(),
            committed: false,
            recycled,
        })
    }

    /// Replaces the output with the staging folder; the previous output is
    /// kept as the spare for the next build.
    pub fn commit(mut self) -> Result<()> {
        let spare = sibling(&self.output, "spare");
        if spare.exists() {
            std::fs::remove_dir_all(&spare).map_err(|e| Error::io(&spare, e))?;
        }
        if self.output.exists() {
            std::fs::rename(&self.output, &spare).map_err(|e| Error::io(&self.output, e))?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.output) {
            // Put the previous output back before reporting.
            let _ = std::fs::rename(&spare, &self.output);
            return Err(Error::io(&self.output, e));
        }
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        // A failed build: the output is untouched. A recycled folder goes
        // back to being the spare (it holds mostly the same files, and
        // deleting thousands of files is slow); a fresh one is removed.
        let spare = sibling(&self.output, "spare");
        if !(self.recycled && !spare.exists() && std::fs::rename(&self.dir, &spare).is_ok()) {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_dangerous_outputs() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        assert!(check_output_dir(&root, &root).is_err());
        assert!(check_output_dir(&root, t.path()).is_err());
        assert!(check_output_dir(&root, &root.join("content")).is_err());
        assert!(check_output_dir(&root, &root.join("content/x")).is_err());
        assert!(check_output_dir(&root, Path::new("/")).is_err());
        assert!(check_output_dir(&root, &root.join("public")).is_ok());
        assert!(check_output_dir(&root, &t.path().join("elsewhere")).is_ok());
    }

    #[test]
    fn sinks_refuse_escapes() {
        let m = MemSink::default();
        assert!(m.write(Path::new("../x"), b"").is_err());
        assert!(m.write(Path::new("/etc/x"), b"").is_err());
        assert!(m.write(Path::new("a/b.html"), b"x").is_ok());
    }
}
