//! What the server shares between its threads: the site being served (an
//! immutable snapshot swapped whole after each good build), the current
//! build error, and the live-reload clients.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use super::reload::{self, Hub};

/// Rendered files by path relative to the output root (`a/b/index.html`).
pub type Files = HashMap<String, Arc<Vec<u8>>>;

/// One good build, as served.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// The files.
    pub files: Arc<Files>,
    /// The site path the files live under (`/dangjian/`).
    pub base_path: String,
    /// Counts good builds (0 = none yet).
    pub generation: u64,
}

/// Shared server state.
pub struct State {
    snap: RwLock<Arc<Snapshot>>,
    error: Mutex<Option<String>>,
    /// Live-reload clients.
    pub hub: Hub,
    /// Tells this process from a restarted one (pages built by an earlier
    /// server reload when they reconnect).
    pub instance: String,
    /// Answer only requests whose `Host` is an IP address or `localhost`
    /// (set when listening on loopback: stops DNS-rebinding pages from
    /// reading the preview, drafts included).
    pub check_host: bool,
}

impl State {
    /// Empty state serving nothing under `base_path`.
    pub fn new(base_path: &str) -> State {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        State {
            snap: RwLock::new(Arc::new(Snapshot {
                files: Arc::default(),
                base_path: base_path.to_string(),
                generation: 0,
            })),
            error: Mutex::new(None),
            hub: Hub::default(),
            instance: format!("{:x}-{:x}", std::process::id(), nanos & 0xffff_ffff),
            check_host: true,
        }
    }

    /// The snapshot being served.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.snap.read().expect("snapshot lock").clone()
    }

    /// Serves `files` from now on.
    pub fn publish(&self, files: Arc<Files>, base_path: &str) -> Arc<Snapshot> {
        let mut w = self.snap.write().expect("snapshot lock");
        let next = Arc::new(Snapshot {
            files,
            base_path: base_path.to_string(),
            generation: w.generation + 1,
        });
        *w = next.clone();
        next
    }

    /// The id pages of `snap` carry.
    pub fn build_id(&self, snap: &Snapshot) -> String {
        format!("{}-{}", self.instance, snap.generation)
    }

    /// The script injected into pages of `snap`.
    pub fn live_script(&self, snap: &Snapshot) -> String {
        reload::script(
            &self.build_id(snap),
            &format!("{}{}", snap.base_path, reload::EVENTS),
        )
    }

    /// Records the current build error (overlay JSON) or clears it.
    pub fn set_error(&self, overlay_json: Option<String>) {
        *self.error.lock().expect("error lock") = overlay_json;
    }

    /// The current build error as overlay JSON.
    pub fn error(&self) -> Option<String> {
        self.error.lock().expect("error lock").clone()
    }

    /// What a client gets when it connects: the build id, and the overlay
    /// when the last build failed.
    pub fn hello_events(&self) -> String {
        let snap = self.snapshot();
        let err = self.error();
        let hello = serde_json::json!({ "build": self.build_id(&snap), "error": err.is_some() });
        let mut s = reload::event("hello", &hello.to_string());
        if let Some(e) = err {
            s.push_str(&reload::event("build-error", &e));
        }
        s
    }
}
