//! Benchmark of `lanmu serve`'s edit loop (issue: one-page rebuilds on a
//! large site). Edits 20 pages of a generated site one after another and
//! reports medians:
//!
//! - **in process**: the [`Rebuilder`] alone — time to update the served
//!   files after a page changed (what the server does once the watcher has
//!   reported the change), and the deferred feeds/sitemap/search step;
//! - **end to end** (`--server PATH_TO_LANMU`): a real `lanmu serve` child
//!   process; time from writing the file to the `reload` event on the
//!   live-reload stream (watcher debounce + rebuild), and to fetching the
//!   page with the edit in it (what a browser does when it reloads).
//!
//! ```text
//! cargo run --release --example gen_corpus -- --pages 10000 --out /tmp/c10k --seed 1
//! cp -r /tmp/c10k /tmp/c10k-serve        # the bench edits (and restores) files
//! cargo build --release
//! cargo run --release --example serve_bench -- --root /tmp/c10k-serve --server target/release/lanmu
//! ```
//!
//! It is a benchmark, not a test: numbers depend on the machine (see
//! docs/benchmarks.md).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use lanmu::pipeline::BuildOptions;
use lanmu::serve::incremental::{How, Rebuilder};
use lanmu::serve::watch::{Area, Change};

const EDITS: usize = 20;

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Every `k`-th page file of the site, `EDITS` of them (articles, not column indexes).
fn pick_pages(root: &Path) -> Vec<PathBuf> {
    let mut all: Vec<PathBuf> = walkdir::WalkDir::new(root.join("content"))
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "md")
                && p.file_name().is_some_and(|n| n != "_index.md")
        })
        .collect();
    all.sort();
    let step = (all.len() / EDITS).max(1);
    all.into_iter().step_by(step).take(EDITS).collect()
}

/// Appends a paragraph with `marker` to the page at `path`.
fn edit(path: &Path, original: &str, marker: &str) {
    let text = format!("{original}\n\n{marker}\n");
    std::fs::write(path, text).expect("write page");
}

fn in_process(root: &Path, pages: &[PathBuf]) {
    let mut rb = Rebuilder::new(BuildOptions::new(root));
    let t = Instant::now();
    let first = rb.full().expect("first build");
    println!(
        "first build: {:.0} ms, {} files",
        ms(t.elapsed()),
        rb.files().len()
    );
    drop(first);
    let real = std::fs::canonicalize(root).expect("root");
    let (mut update, mut deferred, mut rendered) = (Vec::new(), Vec::new(), Vec::new());
    let mut phases: (Vec<f64>, Vec<f64>) = (Vec::new(), Vec::new());
    for (k, p) in pages.iter().enumerate() {
        let original = std::fs::read_to_string(p).expect("read page");
        edit(p, &original, &format!("基准测试修改第 {k} 次。"));
        let change = Change {
            area: Area::Content,
            path: real.join(p.strip_prefix(root).expect("under root")),
        };
        let t = Instant::now();
        let r = rb.update(&[change]).expect("rebuild");
        update.push(ms(t.elapsed()));
        rendered.push(r.changed.len() as f64);
        phases.0.push(ms(r.phases.0));
        phases.1.push(ms(r.phases.1));
        if r.how != How::Pages {
            println!("  note: edit {k} took {:?}", r.how);
        }
        let t = Instant::now();
        rb.finish_deferred().expect("deferred");
        deferred.push(ms(t.elapsed()));
        std::fs::write(p, &original).expect("restore");
        let change = Change {
            area: Area::Content,
            path: real.join(p.strip_prefix(root).expect("under root")),
        };
        rb.update(&[change]).expect("restore rebuild");
        rb.finish_deferred().expect("deferred");
    }
    println!(
        "in process, {EDITS} edits: update median {:.1} ms (min {:.1}, max {:.1}); \
         (re-read + model {:.1} ms, render {:.1} ms); outputs changed median {:.0}; \
         deferred feeds/sitemap/search median {:.0} ms",
        median(&mut update.clone()),
        update.iter().cloned().fold(f64::INFINITY, f64::min),
        update.iter().cloned().fold(0.0, f64::max),
        median(&mut phases.0),
        median(&mut phases.1),
        median(&mut rendered),
        median(&mut deferred),
    );
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn http_get(port: u16, path: &str) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut body = Vec::new();
    s.read_to_end(&mut body).ok()?;
    Some(String::from_utf8_lossy(&body).into_owned())
}

/// The page's URL path (generated pages publish at `<column>/<file stem>/`).
fn page_url(port: u16, base: &str, file: &Path, root: &Path) -> Option<String> {
    let rel = file.strip_prefix(root.join("content")).ok()?;
    let stem = rel.with_extension("");
    let path = format!("{base}{}/", stem.to_string_lossy().replace('\\', "/"));
    let r = http_get(port, &path)?;
    r.starts_with("HTTP/1.1 200").then_some(path)
}

fn end_to_end(root: &Path, pages: &[PathBuf], server: &Path) {
    let port = 18_000 + (std::process::id() % 1000) as u16;
    let child = Command::new(server)
        .args(["serve", "--root"])
        .arg(root)
        .args(["--port", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start lanmu serve");
    let _server = Server(child);
    // Wait for the first build.
    let start = Instant::now();
    let base = loop {
        if let Some(r) = http_get(port, "/") {
            if let Some(loc) = r
                .lines()
                .find_map(|l| l.strip_prefix("Location: ").map(str::to_string))
            {
                break loc;
            }
            if r.starts_with("HTTP/1.1 200") {
                break "/".to_string();
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    // The redirect answers before the first build is done: wait for the home page.
    while !http_get(port, &base).is_some_and(|r| r.starts_with("HTTP/1.1 200")) {
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "first build did not finish"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    println!("server up after {:.0} ms", ms(start.elapsed()));
    let mut events = TcpStream::connect(("127.0.0.1", port)).expect("events");
    write!(
        events,
        "GET {base}__lanmu/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
    )
    .expect("subscribe");
    let mut reader = BufReader::new(events.try_clone().expect("clone"));
    let wait_event = |reader: &mut BufReader<TcpStream>, name: &str, limit: Duration| -> bool {
        let until = Instant::now() + limit;
        let mut line = String::new();
        while Instant::now() < until {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) => return false,
                Ok(_) if line.trim_end() == format!("event: {name}") => return true,
                Ok(_) => {}
                Err(_) => return false,
            }
        }
        false
    };
    events
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    // Let the watcher settle.
    std::thread::sleep(Duration::from_millis(500));
    let (mut to_reload, mut to_page) = (Vec::new(), Vec::new());
    for (k, p) in pages.iter().enumerate() {
        let Some(url) = page_url(port, &base, p, root) else {
            println!("  skip {}: URL not found", p.display());
            continue;
        };
        let original = std::fs::read_to_string(p).expect("read page");
        let marker = format!("端到端修改第{k}次");
        let t = Instant::now();
        edit(p, &original, &marker);
        if !wait_event(&mut reader, "reload", Duration::from_secs(30)) {
            println!("  no reload event for edit {k}");
            std::fs::write(p, &original).expect("restore");
            continue;
        }
        to_reload.push(ms(t.elapsed()));
        loop {
            let body = http_get(port, &url).unwrap_or_default();
            if body.contains(&marker) {
                break;
            }
            assert!(t.elapsed() < Duration::from_secs(30), "edit never served");
        }
        to_page.push(ms(t.elapsed()));
        // Restore and wait for that rebuild (and the deferred step) to pass.
        std::fs::write(p, &original).expect("restore");
        wait_event(&mut reader, "reload", Duration::from_secs(30));
        std::thread::sleep(Duration::from_millis(1500));
    }
    println!(
        "end to end, {} edits: save → reload event median {:.0} ms (min {:.0}, max {:.0}); \
         save → edited page fetched median {:.0} ms",
        to_reload.len(),
        median(&mut to_reload.clone()),
        to_reload.iter().cloned().fold(f64::INFINITY, f64::min),
        to_reload.iter().cloned().fold(0.0, f64::max),
        median(&mut to_page),
    );
}

fn main() {
    let mut root: Option<PathBuf> = None;
    let mut server: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--root" => root = args.next().map(PathBuf::from),
            "--server" => server = args.next().map(PathBuf::from),
            _ => {
                eprintln!("usage: serve_bench --root SITE [--server path/to/lanmu]");
                std::process::exit(2);
            }
        }
    }
    let Some(root) = root else {
        eprintln!("usage: serve_bench --root SITE [--server path/to/lanmu]");
        std::process::exit(2);
    };
    let pages = pick_pages(&root);
    println!("site {}: editing {} pages", root.display(), pages.len());
    in_process(&root, &pages);
    if let Some(server) = server {
        end_to_end(&root, &pages, &server);
    }
}
