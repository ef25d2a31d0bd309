//! `lanmu serve`: builds the site into memory, serves it with tiny_http,
//! watches the sources and rebuilds, and reloads open pages.
//!
//! * [`incremental`]: the build kept in memory and how it is brought up to
//!   date (the real pipeline into a fresh map, swapped in when it succeeds;
//!   static files copied directly).
//! * [`http`]: answering requests from memory (path safety, redirects,
//!   MIME types, `Range`, the 404 page). Nothing is read from disk for a
//!   request, and `public/` is never touched.
//! * [`reload`]: Server-Sent Events, the injected script, the error overlay.
//! * [`watch`]: notify + notify-debouncer-full (or `--poll`).
//! * [`state`]: what the threads share.
//!
//! Ctrl-C is handled with the `ctrlc` crate: the watch loop stops, live
//! clients are let go and the process exits with status 0.

pub mod http;
pub mod incremental;
pub mod reload;
pub mod state;
pub mod watch;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::config::Config;
use crate::error::{Error, Report, Result, Severity};
use crate::i18n::Lang;
use crate::pipeline::BuildOptions;

use incremental::{Rebuilder, Rebuilt};
use reload::Overlay;
use state::State;
use watch::{Change, Watcher};

/// Options of `lanmu serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Site root.
    pub root: PathBuf,
    /// Port (0 = any free port).
    pub port: u16,
    /// Address to listen on.
    pub bind: IpAddr,
    /// Include drafts.
    pub drafts: bool,
    /// Open a browser once serving.
    pub open: bool,
    /// Poll the file system instead of native events.
    pub poll: bool,
    /// Print nothing (tests).
    pub quiet: bool,
}

impl ServeOptions {
    /// Defaults: port 1111 on 127.0.0.1.
    pub fn new(root: impl Into<PathBuf>) -> ServeOptions {
        ServeOptions {
            root: root.into(),
            port: 1111,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            drafts: false,
            open: false,
            poll: false,
            quiet: false,
        }
    }
}

/// Parses `--bind`: an IP address, or `localhost`.
pub fn parse_bind(s: &str) -> std::result::Result<IpAddr, String> {
    if s.eq_ignore_ascii_case("localhost") {
        return Ok(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    s.parse()
        .map_err(|_| format!("`{s}` 不是 IP 地址 (not an IP address), 例如 127.0.0.1 或 0.0.0.0"))
}

/// The HTTP side: a tiny_http server and its worker threads.
pub struct HttpServer {
    server: Arc<tiny_http::Server>,
    addr: SocketAddr,
    workers: Vec<JoinHandle<()>>,
}

const WORKERS: usize = 4;

impl HttpServer {
    /// Listens on `bind:port` and answers from `state`.
    pub fn start(state: Arc<State>, bind: IpAddr, port: u16) -> Result<HttpServer> {
        let server = tiny_http::Server::http(SocketAddr::new(bind, port)).map_err(|e| {
            Error::Other(format!(
                "无法监听 {bind}:{port}：{e}。端口可能已被占用，用 --port 换一个。\n(cannot listen on {bind}:{port}: {e}; try another --port)"
            ))
        })?;
        let addr = server
            .server_addr()
            .to_ip()
            .ok_or_else(|| Error::Other("not an IP listener".into()))?;
        let server = Arc::new(server);
        let workers = (0..WORKERS)
            .map(|_| {
                let (server, state) = (server.clone(), state.clone());
                std::thread::spawn(move || {
                    while let Ok(req) = server.recv() {
                        http::handle(&state, req);
                    }
                })
            })
            .collect();
        Ok(HttpServer {
            server,
            addr,
            workers,
        })
    }

    /// The address actually listened on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting requests and waits for the workers.
    pub fn stop(self) {
        for _ in 0..self.workers.len() {
            self.server.unblock();
        }
        for w in self.workers {
            let _ = w.join();
        }
    }
}

/// `http://host:port` for links, with the loopback address when listening
/// on all interfaces.
pub fn origin(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        IpAddr::V4(v) if v.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(v) if v.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        ip => ip,
    };
    match ip {
        IpAddr::V4(v) => format!("http://{v}:{}", addr.port()),
        IpAddr::V6(v) => format!("http://[{v}]:{}", addr.port()),
    }
}

/// A running preview: server, builder and watcher together.
pub struct Session {
    /// Shared with the HTTP threads.
    pub state: Arc<State>,
    http: Option<HttpServer>,
    rebuilder: Rebuilder,
    watcher: Watcher,
    root: PathBuf,
    origin: String,
    quiet: bool,
    warnings_shown: Vec<crate::error::Diagnostic>,
    /// When the last rebuild finished (deferred files wait for a quiet moment).
    last_rebuild: std::time::Instant,
}

/// How long the sources must stay unchanged after a page-only rebuild
/// before its deferred files are written: saves that follow each other
/// (an editor's "save all", fixing a typo just seen) are not kept waiting
/// behind the search index.
const DEFERRED_AFTER: Duration = Duration::from_millis(800);

fn now() -> String {
    jiff::ZonedDateTime::now().strftime("%H:%M:%S").to_string()
}

fn lang_of(root: &Path) -> Lang {
    Config::load(root).map(|c| c.lang).unwrap_or_default()
}

impl Session {
    /// Binds the server, builds the site and starts watching.
    pub fn start(opts: &ServeOptions) -> Result<Session> {
        let root = std::fs::canonicalize(&opts.root).map_err(|e| Error::io(&opts.root, e))?;
        if !root.join("config.yaml").is_file() {
            // The same message as `build` for a folder that is not a site.
            Config::load(&root)?;
        }
        let base_path = Config::load(&root)
            .map(|c| c.base_path)
            .unwrap_or_else(|_| "/".into());
        let mut state = State::new(&base_path);
        // A preview open to the network is reached under any host name.
        state.check_host = opts.bind.is_loopback();
        let state = Arc::new(state);
        let http = HttpServer::start(state.clone(), opts.bind, opts.port)?;
        let origin = origin(http.addr());
        let mut build_opts = BuildOptions::new(&root);
        build_opts.drafts = opts.drafts;
        let mut rebuilder = Rebuilder::new(build_opts);
        rebuilder.set_origin(&origin);
        let watcher = Watcher::new(&root, opts.poll)?;
        let mut s = Session {
            state,
            http: Some(http),
            rebuilder,
            watcher,
            root,
            origin,
            quiet: opts.quiet,
            warnings_shown: Vec::new(),
            last_rebuild: std::time::Instant::now(),
        };
        let r = s.rebuilder.full();
        s.after_build(r, true);
        Ok(s)
    }

    /// The address served.
    pub fn addr(&self) -> SocketAddr {
        self.http.as_ref().map(|h| h.addr()).expect("running")
    }

    /// The site's URL (with its sub-path).
    pub fn url(&self) -> String {
        format!("{}{}", self.origin, self.state.snapshot().base_path)
    }

    /// The rebuilder (tests, figures).
    pub fn rebuilder(&self) -> &Rebuilder {
        &self.rebuilder
    }

    /// Waits up to `timeout` for changes and rebuilds after them (or, when
    /// none came, finishes deferred files). Returns whether a rebuild ran.
    pub fn step(&mut self, timeout: Duration) -> Result<bool> {
        let changes: Vec<Change> = match self.watcher.next(timeout) {
            Ok(Some(c)) if !c.is_empty() => c,
            Ok(_) => {
                if self.last_rebuild.elapsed() >= DEFERRED_AFTER {
                    self.finish_deferred();
                }
                return Ok(false);
            }
            Err(e) => return Err(Error::Other(e)),
        };
        if !self.quiet {
            let shown: Vec<String> = changes
                .iter()
                .take(3)
                .map(|c| {
                    c.path
                        .strip_prefix(self.watcher.root())
                        .unwrap_or(&c.path)
                        .display()
                        .to_string()
                })
                .collect();
            let more = if changes.len() > 3 {
                format!(" 等 {} 处", changes.len())
            } else {
                String::new()
            };
            println!("[{}] 检测到改动：{}{more}", now(), shown.join("、"));
        }
        let r = self.rebuilder.update(&changes);
        self.after_build(r, false);
        self.last_rebuild = std::time::Instant::now();
        Ok(true)
    }

    /// Once no change has come for a moment after a page-only rebuild: its
    /// feeds, sitemap, search index, statistics and exam banks, served
    /// without a reload.
    fn finish_deferred(&mut self) {
        if !self.rebuilder.deferred_due() {
            return;
        }
        let start = std::time::Instant::now();
        match self.rebuilder.finish_deferred() {
            Ok(changed) => {
                if !changed.is_empty() {
                    let base = self.rebuilder.base_path().unwrap_or("/").to_string();
                    self.state.publish(self.rebuilder.files(), &base);
                }
                if !self.quiet {
                    println!(
                        "[{}] 订阅源、站点地图、搜索索引、统计页与题库已更新（{} 个文件有变化，用时 {} 毫秒）",
                        now(),
                        changed.len(),
                        start.elapsed().as_millis()
                    );
                }
            }
            Err(e) => self.show_error(&e, true),
        }
    }

    /// Shows a build error on every open page (overlay) and in the
    /// terminal; `serving` says whether an earlier good build is served.
    fn show_error(&self, e: &Error, serving: bool) {
        let lang = lang_of(&self.root);
        let overlay = Overlay::from_error(e, lang).to_json();
        self.state.set_error(Some(overlay.clone()));
        self.state.hub.broadcast("build-error", &overlay);
        if !self.quiet {
            print_error(e, lang, serving);
        }
    }

    fn after_build(&mut self, r: Result<Rebuilt>, first: bool) {
        match r {
            Ok(b) => {
                let had_error = self.state.error().is_some();
                self.state.set_error(None);
                let base = self.rebuilder.base_path().unwrap_or("/").to_string();
                let base_changed = base != self.state.snapshot().base_path;
                if !b.changed.is_empty() || base_changed || first {
                    let snap = self.state.publish(self.rebuilder.files(), &base);
                    let build = self.state.build_id(&snap);
                    let data = serde_json::json!({ "build": build, "css_only": b.css_only() && !base_changed, "changed": b.changed.len() });
                    self.state.hub.broadcast("reload", &data.to_string());
                } else if had_error {
                    let build = self.state.build_id(&self.state.snapshot());
                    self.state
                        .hub
                        .broadcast("clear", &serde_json::json!({ "build": build }).to_string());
                }
                if !self.quiet {
                    self.print_built(&b, first);
                }
            }
            Err(e) => self.show_error(&e, self.rebuilder.base_path().is_some()),
        }
    }

    fn print_built(&mut self, b: &Rebuilt, first: bool) {
        if b.warnings != self.warnings_shown {
            if !b.warnings.is_empty() {
                eprint!("{}", Report(&b.warnings, b.lang));
            }
            self.warnings_shown = b.warnings.clone();
        }
        let ms = b.elapsed.as_millis();
        if first {
            if let Some(s) = b.stats {
                println!(
                    "已在内存中生成 {} 个页面（{} 个栏目，{} 个标签），用时 {ms} 毫秒",
                    s.html_files, s.columns, s.tags
                );
            }
            return;
        }
        let how = match b.how {
            incremental::How::StaticCopy => "仅复制静态文件".to_string(),
            incremental::How::Templates => {
                format!("只重新载入模板：渲染 {} 毫秒", b.phases.1.as_millis())
            }
            incremental::How::Pages => format!(
                "只更新改动的页面：解析 {} 毫秒，渲染 {} 毫秒",
                b.phases.0.as_millis(),
                b.phases.1.as_millis()
            ),
            incremental::How::Pipeline => format!(
                "读取与解析 {} 毫秒，渲染 {} 毫秒",
                b.phases.0.as_millis(),
                b.phases.1.as_millis()
            ),
        };
        let what = if b.changed.is_empty() {
            "输出没有变化".to_string()
        } else if b.css_only() {
            format!("{} 个样式表有变化，页面将直接换用新样式", b.changed.len())
        } else {
            format!("{} 个输出文件有变化，页面将刷新", b.changed.len())
        };
        println!("[{}] 已重新生成：{what}（{how}，用时 {ms} 毫秒）", now());
    }

    /// Runs until `stop` is set (Ctrl-C).
    pub fn run_until(&mut self, stop: &AtomicBool) -> Result<()> {
        while !stop.load(Ordering::SeqCst) {
            self.step(Duration::from_millis(250))?;
        }
        Ok(())
    }

    /// Stops the server and lets live clients go.
    pub fn shutdown(mut self) {
        self.state.hub.close_all();
        if let Some(h) = self.http.take() {
            h.stop();
        }
    }
}

fn print_error(e: &Error, lang: Lang, have_site: bool) {
    match e {
        Error::Content(diags) => {
            eprint!("{}", Report(diags, lang));
            let n = diags
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count();
            if have_site {
                eprintln!(
                    "[{}] 生成失败：{n} 个错误。浏览器中继续显示上一次成功的版本，修复后自动刷新。",
                    now()
                );
            } else {
                eprintln!("[{}] 生成失败：{n} 个错误。修复后自动刷新。", now());
            }
        }
        e => eprintln!("[{}] 错误 (error): {e}", now()),
    }
}

fn open_browser(url: &str) {
    let cmd: (&str, Vec<&str>) = if cfg!(target_os = "windows") {
        ("cmd", vec!["/C", "start", "", url])
    } else if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else {
        ("xdg-open", vec![url])
    };
    if std::process::Command::new(cmd.0)
        .args(&cmd.1)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .is_err()
    {
        eprintln!("无法自动打开浏览器，请手动访问 {url}");
    }
}

/// `lanmu serve`: serves until Ctrl-C.
pub fn run(opts: &ServeOptions) -> Result<()> {
    if !opts.bind.is_loopback() {
        eprintln!(
            "警告：正在监听 {}，同一网络中的其他设备也能访问此预览（包括草稿）。仅在可信网络中这样做。\n(warning: listening on a non-loopback address; other machines can see this preview)",
            opts.bind
        );
    }
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        ctrlc::set_handler(move || stop.store(true, Ordering::SeqCst))
            .map_err(|e| Error::Other(format!("cannot handle Ctrl-C: {e}")))?;
    }
    let mut session = Session::start(opts)?;
    let url = session.url();
    println!("lanmu 预览已启动：{url}");
    println!(
        "正在监视 content/、templates/、static/、themes/ 和 config.yaml 的改动{}。按 Ctrl-C 停止。",
        if opts.poll { "（轮询模式）" } else { "" }
    );
    if opts.open {
        open_browser(&url);
    }
    let r = session.run_until(&stop);
    session.shutdown();
    println!("\n预览已停止。");
    r
}
