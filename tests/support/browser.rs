//! A small Chrome DevTools Protocol client for browser tests, over a
//! blocking WebSocket: launch Debian's headless Chromium, open a page,
//! evaluate JavaScript, wait for conditions, record network requests.
//!
//! When no Chromium is installed the tests are skipped with a loud message,
//! except under `CI=true`, where a missing browser is a failure.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::{Message, WebSocket};

/// Finds Chromium, or explains why the test is skipped (panics under CI).
pub fn chromium() -> Option<PathBuf> {
    for c in [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ] {
        if Path::new(c).exists() {
            return Some(PathBuf::from(c));
        }
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI=true but no Chromium found: .ci/run must install Debian's `chromium`");
    }
    eprintln!("\n==================== SKIPPED: browser test ====================");
    eprintln!(
        "No Chromium found (/usr/bin/chromium). Install it with `apt-get install -y chromium`."
    );
    eprintln!("================================================================\n");
    None
}

/// A running headless Chromium with one page.
pub struct Browser {
    child: Child,
    _profile: tempfile::TempDir,
    ws: WebSocket<TcpStream>,
    next_id: u64,
    /// URLs of every request the page made (Network.requestWillBeSent).
    pub requests: Vec<String>,
    /// Console messages and exceptions.
    pub console: Vec<String>,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn http_get(port: u16, path: &str, method: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect devtools");
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\n\r\n"
    )
    .expect("write");
    // Read the headers, then exactly Content-Length bytes (DevTools keeps the connection open).
    let mut r = BufReader::new(s);
    let mut len = 0usize;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).expect("read header") == 0 || line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            len = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; len];
    r.read_exact(&mut body).expect("read body");
    String::from_utf8_lossy(&body).into_owned()
}

impl Browser {
    /// Launches Chromium (None: skipped, see [`chromium`]).
    pub fn launch() -> Option<Browser> {
        let exe = chromium()?;
        let profile = tempfile::tempdir().expect("profile dir");
        let mut child = Command::new(exe)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--remote-debugging-port=0",
                "--window-size=1280,900",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start chromium");
        // Chromium prints "DevTools listening on ws://127.0.0.1:PORT/..." on stderr.
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut sent = false;
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if !sent && let Some(i) = line.find("ws://") {
                    let _ = tx.send(line[i..].trim().to_string());
                    sent = true;
                }
            }
        });
        let browser_ws = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("chromium did not start its DevTools server");
        let port: u16 = browser_ws
            .trim_start_matches("ws://127.0.0.1:")
            .split('/')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("devtools port");
        let body = http_get(port, "/json/new?about:blank", "PUT");
        let target: Value = serde_json::from_str(&body).expect("json/new answer");
        let url = target["webSocketDebuggerUrl"]
            .as_str()
            .expect("page websocket")
            .to_string();
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect ws");
        let (ws, _) = tungstenite::client(url.as_str(), stream).expect("websocket handshake");
        let mut b = Browser {
            child,
            _profile: profile,
            ws,
            next_id: 0,
            requests: Vec::new(),
            console: Vec::new(),
        };
        b.call("Page.enable", json!({}));
        b.call("Runtime.enable", json!({}));
        b.call("Network.enable", json!({}));
        Some(b)
    }

    fn handle_event(&mut self, v: &Value) {
        match v["method"].as_str() {
            Some("Network.requestWillBeSent") => {
                if let Some(u) = v["params"]["request"]["url"].as_str() {
                    self.requests.push(u.to_string());
                }
            }
            Some("Runtime.consoleAPICalled") => {
                let args: Vec<String> = v["params"]["args"]
                    .as_array()
                    .map(|a| a.iter().map(|x| x["value"].to_string()).collect())
                    .unwrap_or_default();
                self.console.push(args.join(" "));
            }
            Some("Runtime.exceptionThrown") => {
                self.console
                    .push(format!("EXCEPTION {}", v["params"]["exceptionDetails"]));
            }
            _ => {}
        }
    }

    /// Sends a CDP command and waits for its answer.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let msg = json!({"id": id, "method": method, "params": params});
        self.ws.send(Message::text(msg.to_string())).expect("send");
        loop {
            let m = self.ws.read().expect("read websocket");
            let Message::Text(t) = m else { continue };
            let v: Value = serde_json::from_str(t.as_str()).expect("json");
            if v["id"].as_u64() == Some(id) {
                if v.get("error").is_some() {
                    panic!("{method} failed: {}", v["error"]);
                }
                return v["result"].clone();
            }
            self.handle_event(&v);
        }
    }

    /// Evaluates `js` (awaiting promises) and returns its JSON value.
    pub fn eval(&mut self, js: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": js, "awaitPromise": true, "returnByValue": true}),
        );
        if let Some(ex) = r.get("exceptionDetails") {
            panic!("JavaScript failed: {js}\n{ex}");
        }
        r["result"]["value"].clone()
    }

    /// Navigates and waits until the document has loaded.
    pub fn goto(&mut self, url: &str) {
        self.call("Page.navigate", json!({"url": url}));
        self.wait_for(
            "document.readyState === 'complete' && location.href !== 'about:blank'",
            20,
        );
    }

    /// Polls `js` until it is truthy; panics with the last value after `secs`.
    pub fn wait_for(&mut self, js: &str, secs: u64) -> Value {
        let end = Instant::now() + Duration::from_secs(secs);
        loop {
            let v = self.eval(js);
            let truthy = match &v {
                Value::Null => false,
                Value::Bool(b) => *b,
                Value::Number(n) => n.as_f64().is_some_and(|x| x != 0.0),
                Value::String(s) => !s.is_empty(),
                _ => true,
            };
            if truthy {
                return v;
            }
            if Instant::now() > end {
                panic!(
                    "timed out waiting for `{js}` (last value {v}); console: {:?}",
                    self.console
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Emulates a phone-sized (or any) viewport.
    pub fn viewport(&mut self, width: u32, height: u32, mobile: bool) {
        self.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}),
        );
    }

    /// Asks the browser to prefer dark or light colours.
    pub fn color_scheme(&mut self, dark: bool) {
        self.call(
            "Emulation.setEmulatedMedia",
            json!({"features": [{"name": "prefers-color-scheme", "value": if dark { "dark" } else { "light" }}]}),
        );
    }

    /// Clicks the first element matching `selector` (by a DOM click).
    pub fn click(&mut self, selector: &str) {
        let js = format!(
            "(() => {{ const e = document.querySelector({s}); if (!e) return false; e.click(); return true; }})()",
            s = serde_json::to_string(selector).unwrap_or_default()
        );
        assert_eq!(self.eval(&js), Value::Bool(true), "no element {selector}");
    }

    /// Drains pending events (requests made after the last command).
    pub fn settle(&mut self, millis: u64) {
        let _ = self
            .ws
            .get_mut()
            .set_read_timeout(Some(Duration::from_millis(millis)));
        while let Ok(Message::Text(t)) = self.ws.read() {
            if let Ok(v) = serde_json::from_str::<Value>(t.as_str()) {
                self.handle_event(&v);
            }
        }
        let _ = self.ws.get_mut().set_read_timeout(None);
    }
}

/// Builds the bundled demo site once per test binary and serves it under
/// its sub-path; returns the base URL (`http://127.0.0.1:PORT/dangjian/`).
pub fn demo() -> &'static str {
    static BASE: std::sync::OnceLock<(tempfile::TempDir, String)> = std::sync::OnceLock::new();
    &BASE
        .get_or_init(|| {
            let out = tempfile::tempdir().expect("tempdir");
            let root = Path::new(env!("CARGO_MANIFEST_DIR"));
            let mut opts = lanmu::pipeline::BuildOptions::new(root);
            opts.output = Some(out.path().join("public"));
            if let Err(e) = lanmu::pipeline::build(&opts) {
                panic!("demo site does not build: {e:?}");
            }
            let base = serve_dir(&out.path().join("public"), "/dangjian/");
            (out, base)
        })
        .1
}

/// Serves a folder over HTTP on 127.0.0.1 under `mount` (e.g. `/dangjian/`),
/// with `index.html` for folders. Returns the base URL; the server thread
/// lives until the process ends.
pub fn serve_dir(dir: &Path, mount: &str) -> String {
    let server = tiny_http::Server::http("127.0.0.1:0").expect("bind");
    let port = server.server_addr().to_ip().expect("ip").port();
    let dir = dir.to_path_buf();
    let url_base = format!("http://127.0.0.1:{port}{mount}");
    let mount = mount.to_string();
    std::thread::spawn(move || {
        for req in server.incoming_requests() {
            let url = req
                .url()
                .split(['?', '#'])
                .next()
                .unwrap_or("/")
                .to_string();
            let decoded = percent_decode(&url);
            let Some(rel) = decoded.strip_prefix(&mount) else {
                let _ = req.respond(tiny_http::Response::empty(404));
                continue;
            };
            if rel.split('/').any(|s| s == "..") {
                let _ = req.respond(tiny_http::Response::empty(400));
                continue;
            }
            let mut p = dir.join(rel);
            if p.is_dir() {
                p = p.join("index.html");
            }
            match std::fs::read(&p) {
                Ok(bytes) => {
                    let ct = match p.extension().and_then(|e| e.to_str()) {
                        Some("html") => "text/html; charset=utf-8",
                        Some("css") => "text/css; charset=utf-8",
                        Some("js") => "text/javascript; charset=utf-8",
                        Some("json") => "application/json",
                        Some("xml") => "application/xml",
                        Some("svg") => "image/svg+xml",
                        Some("png") => "image/png",
                        _ => "application/octet-stream",
                    };
                    let h = tiny_http::Header::from_bytes("Content-Type", ct).expect("header");
                    let _ = req.respond(tiny_http::Response::from_data(bytes).with_header(h));
                }
                Err(_) => {
                    let _ = req.respond(tiny_http::Response::empty(404));
                }
            }
        }
    });
    url_base
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
