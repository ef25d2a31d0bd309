//! `lanmu serve` in a real browser: an open page shows an edit to its
//! Markdown without the test reloading it; broken front matter brings up the
//! error overlay on the open page; fixing the file removes it.
//!
//! Skipped loudly without Chromium; a failure under `CI=true`.

#[path = "support/browser.rs"]
mod browser;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use browser::Browser;

/// Kills the dev server when the test ends, whatever happens.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from).into_iter().flatten() {
        let rel = e.path().strip_prefix(from).expect("inside");
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else {
            std::fs::copy(e.path(), &dest).expect("copy");
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

#[test]
fn live_reload_and_error_overlay_in_chromium() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(repo.join("config.yaml"), root.join("config.yaml")).expect("config");
    copy_dir(&repo.join("content"), &root.join("content"));

    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_lanmu"))
        .args(["serve", "--root"])
        .arg(root)
        .args(["--port", &port.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start lanmu serve");
    let stdout = child.stdout.take().expect("stdout");
    let server = Server(child);
    // Wait for the "预览已启动：URL" line, then keep draining stdout.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(i) = line.find("http://") {
                let _ = tx.send(line[i..].trim().to_string());
            }
        }
    });
    let url = rx
        .recv_timeout(Duration::from_secs(120))
        .expect("lanmu serve printed no URL");
    assert!(
        url.contains("/dangjian/"),
        "the served site keeps its sub-path: {url}"
    );

    let page = "xinde/du-gong-chan-dang-xuan-yan/";
    b.goto(&format!("{url}{page}"));
    b.wait_for("document.querySelector('h1') !== null", 20);
    // A marker that survives only as long as the page is not reloaded by the test.
    b.eval("window.__testMarker = 1; true");

    let file = root.join("content/xinde/du-gong-chan-dang-xuan-yan.md");
    let original = std::fs::read_to_string(&file).expect("read page");
    let edited = original.replacen(
        "支部读书会用三周时间读完了全书。",
        "支部读书会用三周时间读完了全书。实时预览标记甲乙丙。",
        1,
    );
    assert_ne!(
        edited, original,
        "the demo page changed; update the test's anchor sentence"
    );
    std::fs::write(&file, &edited).expect("edit");
    b.wait_for(
        "document.body && document.body.innerText.includes('实时预览标记甲乙丙')",
        30,
    );

    // Broken front matter: the open page shows the overlay with file and line.
    let broken = edited.replacen("title:", "title: [未闭合", 1);
    std::fs::write(&file, &broken).expect("break");
    let overlay = b.wait_for(
        "(() => { const o = document.getElementById('__lanmu_overlay'); return o ? o.innerText : ''; })()",
        30,
    );
    let text = overlay.as_str().unwrap_or("");
    assert!(
        text.contains("du-gong-chan-dang-xuan-yan.md"),
        "overlay names the file: {text}"
    );
    assert!(
        text.contains(":2") || text.contains(":3"),
        "overlay names the line: {text}"
    );

    // Fixing the file removes the overlay by itself, and the page still shows the edit.
    std::fs::write(&file, &edited).expect("fix");
    b.wait_for("document.getElementById('__lanmu_overlay') === null", 30);
    b.wait_for("document.body.innerText.includes('实时预览标记甲乙丙')", 30);
    drop(server);
}
