//! Watching the site's sources with notify (through notify-debouncer-full,
//! which folds an editor's "write temp file, rename over the original" and
//! delete-then-recreate into one change per path).
//!
//! Watched: `config.yaml` (through a non-recursive watch of the root, which
//! also sees the watched folders appear, vanish or be replaced), and
//! `content/`, `templates/`, `static/`, `themes/` recursively. `public/` and
//! everything else at the root is never looked at.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Duration;

use notify::{EventKind, PollWatcher, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{
    DebounceEventResult, Debouncer, NoCache, RecommendedCache, new_debouncer, new_debouncer_opt,
};

use crate::error::{Error, Result};

/// How long a path must be quiet before its change is reported. Editors
/// save (write, or write a temporary file and rename it) within a few
/// milliseconds, so 20 ms merges a save's events while keeping the time
/// from saving to the reload short; a burst that outlasts it (a large
/// `git checkout`) just gives a second rebuild.
pub const DEBOUNCE: Duration = Duration::from_millis(20);

/// How often `--poll` scans the tree.
pub const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// The folders watched recursively.
pub const WATCHED_DIRS: &[&str] = &["content", "templates", "static", "themes"];

/// Which part of the site a change touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Area {
    /// `config.yaml`.
    Config,
    /// `content/`.
    Content,
    /// `templates/`.
    Templates,
    /// `static/`.
    Static,
    /// `themes/`.
    Themes,
}

/// One changed path (absolute) and its area.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// The area.
    pub area: Area,
    /// The path as notify reported it.
    pub path: PathBuf,
}

/// Editor droppings and lock files that never affect the site: Vim swap
/// files and its `4913` write test, Emacs `.#lock` and `#autosave#` files,
/// `~` backups, `.tmp` files, Office `~$` owner files, Finder's `.DS_Store`.
pub fn is_temp_file(name: &str) -> bool {
    name == "4913"
        || name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'))
        || name.starts_with("~$")
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.ends_with(".tmp")
        || name.ends_with(".crswap")
        || name == ".DS_Store"
}

/// The area of `path` under `root`, or `None` when the change cannot affect
/// the site (outside the watched set, or an editor temp file).
pub fn classify(root: &Path, path: &Path) -> Option<Area> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<&str> = rel
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect();
    let first = *parts.first()?;
    if parts.len() == 1 && first == "config.yaml" {
        return Some(Area::Config);
    }
    let area = match first {
        "content" => Area::Content,
        "templates" => Area::Templates,
        "static" => Area::Static,
        "themes" => Area::Themes,
        _ => return None,
    };
    let name = parts.last().copied().unwrap_or("");
    if parts.len() > 1 && is_temp_file(name) {
        return None;
    }
    // content/ skips hidden files and folders when it is read.
    if area == Area::Content && parts[1..].iter().any(|p| p.starts_with('.')) {
        return None;
    }
    Some(area)
}

enum Inner {
    Native(Debouncer<RecommendedWatcher, RecommendedCache>),
    Poll(Debouncer<PollWatcher, NoCache>),
}

impl Inner {
    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        match self {
            Inner::Native(d) => d.watch(path, mode),
            Inner::Poll(d) => d.watch(path, mode),
        }
    }

    fn unwatch(&mut self, path: &Path) -> notify::Result<()> {
        match self {
            Inner::Native(d) => d.unwatch(path),
            Inner::Poll(d) => d.unwatch(path),
        }
    }
}

/// A running watch on a site folder.
pub struct Watcher {
    inner: Inner,
    root: PathBuf,
    rx: Receiver<std::result::Result<Vec<PathBuf>, String>>,
    watched: BTreeSet<String>,
}

fn notify_error(e: impl std::fmt::Display) -> Error {
    Error::Other(format!("无法监视文件变化 (cannot watch files): {e}"))
}

impl Watcher {
    /// Starts watching the site at `root`; `poll` uses notify's PollWatcher
    /// (network drives, WSL, containers where inotify events do not arrive).
    pub fn new(root: &Path, poll: bool) -> Result<Watcher> {
        let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let (tx, rx) = mpsc::channel();
        let handler = move |res: DebounceEventResult| {
            let msg = match res {
                Ok(events) => Ok(events
                    .into_iter()
                    .filter(|e| !matches!(e.kind, EventKind::Access(_)))
                    .flat_map(|e| e.event.paths)
                    .collect::<Vec<_>>()),
                Err(errors) => Err(errors
                    .iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join("; ")),
            };
            let _ = tx.send(msg);
        };
        let inner = if poll {
            let cfg = notify::Config::default().with_poll_interval(POLL_INTERVAL);
            Inner::Poll(
                new_debouncer_opt::<_, PollWatcher, NoCache>(DEBOUNCE, None, handler, NoCache, cfg)
                    .map_err(notify_error)?,
            )
        } else {
            Inner::Native(new_debouncer(DEBOUNCE, None, handler).map_err(notify_error)?)
        };
        let mut w = Watcher {
            inner,
            root,
            rx,
            watched: BTreeSet::new(),
        };
        w.inner
            .watch(&w.root, RecursiveMode::NonRecursive)
            .map_err(notify_error)?;
        for d in WATCHED_DIRS {
            w.rewatch(d);
        }
        Ok(w)
    }

    /// The watched root (canonical).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// (Re)starts the recursive watch on a top folder after it appeared or
    /// was replaced; forgets it when it is gone.
    fn rewatch(&mut self, dir: &str) {
        let path = self.root.join(dir);
        if self.watched.remove(dir) {
            let _ = self.inner.unwatch(&path);
        }
        if path.is_dir() && self.inner.watch(&path, RecursiveMode::Recursive).is_ok() {
            self.watched.insert(dir.to_string());
        }
    }

    /// Waits up to `timeout` for changes, then collects everything that
    /// arrives while changes keep coming (a `git checkout` comes in several
    /// debounced batches). Returns the relevant changes, `Ok(None)` on timeout.
    pub fn next(&mut self, timeout: Duration) -> std::result::Result<Option<Vec<Change>>, String> {
        let first = match self.rx.recv_timeout(timeout) {
            Ok(m) => m,
            Err(RecvTimeoutError::Timeout) => return Ok(None),
            Err(RecvTimeoutError::Disconnected) => return Err("watcher stopped".into()),
        };
        let mut paths: Vec<PathBuf> = Vec::new();
        let mut errors: Vec<String> = Vec::new();
        let take = |m: std::result::Result<Vec<PathBuf>, String>,
                    paths: &mut Vec<PathBuf>,
                    errors: &mut Vec<String>| match m {
            Ok(p) => paths.extend(p),
            Err(e) => errors.push(e),
        };
        take(first, &mut paths, &mut errors);
        // A save (a few paths) is rebuilt at once; a bulk change (a `git
        // checkout`, a folder copied in) waits while more batches follow,
        // so it is usually rebuilt once.
        let bulk = |n: usize| n > 5;
        loop {
            let next = if bulk(paths.len()) {
                self.rx.recv_timeout(DEBOUNCE * 2).ok()
            } else {
                self.rx.try_recv().ok()
            };
            match next {
                Some(m) => take(m, &mut paths, &mut errors),
                None => break,
            }
        }
        // Top folders that appeared, vanished or were replaced get a fresh watch.
        let tops: BTreeSet<String> = paths
            .iter()
            .filter_map(|p| p.strip_prefix(&self.root).ok())
            .filter(|r| r.components().count() == 1)
            .filter_map(|r| r.to_str().map(str::to_string))
            .filter(|r| WATCHED_DIRS.contains(&r.as_str()))
            .collect();
        for t in &tops {
            self.rewatch(t);
        }
        let mut changes: Vec<Change> = paths
            .into_iter()
            .filter_map(|p| classify(&self.root, &p).map(|area| Change { area, path: p }))
            .collect();
        changes.sort();
        changes.dedup();
        if changes.is_empty() && !errors.is_empty() {
            // The watch lost track (queue overflow, a folder went away):
            // report a config change so the caller rebuilds everything.
            changes.push(Change {
                area: Area::Config,
                path: self.root.join("config.yaml"),
            });
        }
        Ok(Some(changes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies() {
        let r = Path::new("/s");
        assert_eq!(classify(r, Path::new("/s/config.yaml")), Some(Area::Config));
        assert_eq!(
            classify(r, Path::new("/s/content/a/b.md")),
            Some(Area::Content)
        );
        assert_eq!(classify(r, Path::new("/s/content/a/.b.md.swp")), None);
        assert_eq!(classify(r, Path::new("/s/content/a/b.md~")), None);
        assert_eq!(classify(r, Path::new("/s/content/a/4913")), None);
        assert_eq!(classify(r, Path::new("/s/content/a/.#b.md")), None);
        assert_eq!(classify(r, Path::new("/s/templates/x.html.tmp")), None);
        assert_eq!(classify(r, Path::new("/s/public/index.html")), None);
        assert_eq!(
            classify(r, Path::new("/s/themes/default/static/style.css")),
            Some(Area::Themes)
        );
        assert_eq!(classify(r, Path::new("/s/static")), Some(Area::Static));
        assert_eq!(classify(r, Path::new("/elsewhere/content/a.md")), None);
    }
}
