//! Live reload: the Server-Sent Events endpoint, the script injected into
//! HTML answers, and the error overlay it shows.
//!
//! tiny_http's chunked responses do not flush per event, so each client gets
//! the raw connection ([`tiny_http::Request::into_writer`]), its own thread,
//! explicit flushes, and a comment line every 15 s as a heartbeat; a client
//! whose connection fails on write is dropped.

use std::io::Write;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;

use crate::error::{Diagnostic, Error, Severity};
use crate::i18n::Lang;

use super::state::State;

/// The events endpoint below the site path.
pub const EVENTS: &str = "__lanmu/events";

/// How often an idle client gets a heartbeat comment.
pub const HEARTBEAT: Duration = Duration::from_secs(15);

/// Whether `url` (a raw request target) is the events endpoint: under the
/// site path, or at the server root.
pub fn is_events_path(base_path: &str, url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or("");
    path == format!("{base_path}{EVENTS}") || path == format!("/{EVENTS}")
}

/// One server-sent event, ready to write.
pub fn event(name: &str, data: &str) -> String {
    let mut s = format!("event: {name}\n");
    for line in data.lines() {
        s.push_str("data: ");
        s.push_str(line);
        s.push('\n');
    }
    s.push('\n');
    s
}

/// The connected clients.
#[derive(Default)]
pub struct Hub {
    clients: Mutex<Vec<Sender<Arc<str>>>>,
}

impl Hub {
    /// Registers a client; it receives every event broadcast afterwards.
    pub fn join(&self) -> Receiver<Arc<str>> {
        let (tx, rx) = mpsc::channel();
        self.clients.lock().expect("hub lock").push(tx);
        rx
    }

    /// Sends an event to every client; clients whose thread has ended are dropped.
    pub fn broadcast(&self, name: &str, data: &str) {
        let msg: Arc<str> = Arc::from(event(name, data));
        self.clients
            .lock()
            .expect("hub lock")
            .retain(|c| c.send(msg.clone()).is_ok());
    }

    /// How many clients are connected (as far as we know: dead ones are
    /// noticed at the next heartbeat or event).
    pub fn len(&self) -> usize {
        self.clients.lock().expect("hub lock").len()
    }

    /// Whether no client is connected.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Disconnects everybody (shutdown).
    pub fn close_all(&self) {
        self.clients.lock().expect("hub lock").clear();
    }
}

/// Takes over the connection of an events request and streams events to it
/// on a thread of its own.
pub fn serve_events(state: Arc<State>, req: tiny_http::Request) {
    let rx = state.hub.join();
    let hello = state.hello_events();
    std::thread::spawn(move || {
        let mut w = req.into_writer();
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-store\r\nConnection: close\r\nX-Accel-Buffering: no\r\n\r\n";
        let start = format!("retry: 1000\n\n{hello}");
        if w.write_all(head.as_bytes())
            .and_then(|_| w.write_all(start.as_bytes()))
            .and_then(|_| w.flush())
            .is_err()
        {
            return;
        }
        loop {
            let msg: Arc<str> = match rx.recv_timeout(HEARTBEAT) {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) => Arc::from(": ping\n\n"),
                Err(RecvTimeoutError::Disconnected) => return,
            };
            if w.write_all(msg.as_bytes()).and_then(|_| w.flush()).is_err() {
                return; // the page went away; dropping `rx` removes us from the hub
            }
        }
    });
}

/// One problem as the overlay shows it.
#[derive(Debug, Clone, Serialize)]
pub struct OverlayItem {
    /// File relative to the site root.
    pub file: String,
    /// 1-based line.
    pub line: Option<usize>,
    /// 1-based column.
    pub column: Option<usize>,
    /// The message in the site language.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

/// What the overlay shows: sent over SSE as JSON.
#[derive(Debug, Clone, Serialize)]
pub struct Overlay {
    /// Heading.
    pub title: String,
    /// The problems (errors only; at most 50).
    pub errors: Vec<OverlayItem>,
    /// How many errors there are in all.
    pub total: usize,
    /// Footer line.
    pub note: String,
}

fn item(d: &Diagnostic, lang: Lang) -> OverlayItem {
    OverlayItem {
        file: d.path.display().to_string().replace('\\', "/"),
        line: d.line,
        column: d.column,
        message: d.message.show(lang),
        hint: d.hint.as_ref().map(|h| h.show(lang)),
    }
}

impl Overlay {
    /// The overlay for a failed build.
    pub fn from_error(e: &Error, lang: Lang) -> Overlay {
        let mut errors: Vec<OverlayItem> = match e {
            Error::Content(diags) => {
                let mut ds: Vec<&Diagnostic> = diags
                    .iter()
                    .filter(|d| d.severity == Severity::Error)
                    .collect();
                ds.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
                ds.into_iter().map(|d| item(d, lang)).collect()
            }
            Error::Io { path, source } => vec![OverlayItem {
                file: path.display().to_string(),
                line: None,
                column: None,
                message: format!("读写失败：{source}"),
                hint: None,
            }],
            Error::UnsafeOutput(m) | Error::Other(m) => vec![OverlayItem {
                file: "config.yaml".into(),
                line: None,
                column: None,
                message: m.clone(),
                hint: None,
            }],
        };
        let total = errors.len();
        errors.truncate(50);
        Overlay {
            title: format!("lanmu：生成失败（{total} 个错误）"),
            errors,
            total,
            note: "页面仍显示上一次成功生成的内容。修复文件并保存后，此提示会自动消失。".into(),
        }
    }

    /// As JSON for the `build-error` event.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }
}

/// Inserts `script` before the last `</body>` of `html` (or at the end).
pub fn inject(html: &[u8], script: &str) -> Vec<u8> {
    let needle = b"</body>";
    let pos = html
        .windows(needle.len())
        .rposition(|w| w.eq_ignore_ascii_case(needle))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + script.len());
    out.extend_from_slice(&html[..pos]);
    out.extend_from_slice(script.as_bytes());
    out.extend_from_slice(&html[pos..]);
    out
}

/// The live-reload script for a page built as `build`, listening at `events`.
pub fn script(build: &str, events: &str) -> String {
    let cfg = serde_json::json!({ "build": build, "events": events });
    let cfg = cfg.to_string().replace('<', "\\u003c");
    format!("<script data-lanmu-live>\n(function(C){{{LIVE_JS}}})({cfg});\n</script>\n")
}

const LIVE_JS: &str = r#"
var build = C.build, es = null, retry = 1000, timer = null, OV = "__lanmu_overlay";
function clearOverlay() { var o = document.getElementById(OV); if (o) o.remove(); }
function el(tag, css, text) { var e = document.createElement(tag); if (css) e.style.cssText = css; if (text != null) e.textContent = text; return e; }
function showOverlay(d) {
  clearOverlay();
  var o = el("div", "position:fixed;left:0;right:0;bottom:0;max-height:60vh;overflow:auto;z-index:2147483647;background:#fff8f6;color:#222;border-top:4px solid #b71c1c;box-shadow:0 -4px 16px rgba(0,0,0,.25);font:14px/1.6 system-ui,-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;padding:12px 16px;text-align:left");
  o.id = OV; o.setAttribute("role", "alert");
  var close = el("button", "float:right;border:0;background:none;font-size:20px;cursor:pointer;color:#555", "×");
  close.title = "关闭"; close.onclick = clearOverlay; o.appendChild(close);
  o.appendChild(el("strong", "color:#b71c1c;font-size:16px", d.title || "lanmu：生成失败"));
  var ul = el("ul", "margin:8px 0;padding-left:20px");
  (d.errors || []).forEach(function (x) {
    var li = el("li", "margin:6px 0");
    var loc = x.file + (x.line ? ":" + x.line + (x.column ? ":" + x.column : "") : "");
    li.appendChild(el("code", "background:#fde0dc;padding:1px 4px;border-radius:3px;font-family:ui-monospace,Consolas,monospace", loc));
    li.appendChild(el("div", "white-space:pre-wrap", x.message));
    if (x.hint) li.appendChild(el("div", "white-space:pre-wrap;color:#555", "提示：" + x.hint));
    ul.appendChild(li);
  });
  o.appendChild(ul);
  if (d.total > (d.errors || []).length) o.appendChild(el("div", "", "……另有 " + (d.total - d.errors.length) + " 个错误，见终端。"));
  o.appendChild(el("div", "color:#555;font-size:13px", d.note || ""));
  (document.body || document.documentElement).appendChild(o);
}
function swapCss() {
  var links = document.querySelectorAll('link[rel~="stylesheet"]');
  for (var i = 0; i < links.length; i++) {
    try { var u = new URL(links[i].href, location.href); if (u.origin !== location.origin) continue;
      u.searchParams.set("lanmu-reload", Date.now()); links[i].href = u.toString(); } catch (e) {}
  }
}
function parse(e) { try { return JSON.parse(e.data); } catch (x) { return {}; } }
function connect() {
  if (timer) { clearTimeout(timer); timer = null; }
  try { es = new EventSource(C.events); } catch (e) { schedule(); return; }
  es.addEventListener("hello", function (e) {
    var d = parse(e); retry = 1000;
    if (d.build && d.build !== build && !d.error) location.reload();
  });
  es.addEventListener("reload", function (e) {
    var d = parse(e);
    if (d.css_only) { build = d.build; clearOverlay(); swapCss(); } else location.reload();
  });
  es.addEventListener("build-error", function (e) { showOverlay(parse(e)); });
  es.addEventListener("clear", function (e) { var d = parse(e); if (d.build) build = d.build; clearOverlay(); });
  es.onerror = function () {
    // EventSource retries by itself while the stream can be reopened; when
    // it gives up (server gone, odd answer) poll until the server is back.
    if (es.readyState === 2) { es.close(); schedule(); }
  };
}
function schedule() { timer = setTimeout(connect, retry); retry = Math.min(retry * 2, 10000); }
connect();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injects_before_body() {
        assert_eq!(
            inject(b"<p>x</p></BODY></html>", "<s>"),
            b"<p>x</p><s></BODY></html>"
        );
        assert_eq!(inject(b"<p>x</p>", "<s>"), b"<p>x</p><s>");
    }

    #[test]
    fn events_are_framed() {
        assert_eq!(
            event("reload", "{\"a\":1}"),
            "event: reload\ndata: {\"a\":1}\n\n"
        );
        assert!(is_events_path("/dangjian/", "/dangjian/__lanmu/events?x"));
        assert!(is_events_path("/dangjian/", "/__lanmu/events"));
        assert!(!is_events_path("/dangjian/", "/dangjian/__lanmu/other"));
    }
}
