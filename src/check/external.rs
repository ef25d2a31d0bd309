//! External links: listed and counted always, checked over the network only
//! with `--external`.
//!
//! The check is a minimal HTTP `HEAD` (falling back to `GET` when a server
//! refuses `HEAD`) over `std::net`, for `http://` URLs only: lanmu carries no
//! TLS stack, so `https://` links are reported as unchecked. Every request has
//! a timeout, at most [`Settings::concurrency`] run at once, and a link that
//! cannot be reached (no network, DNS failure, timeout) is reported as
//! unchecked, never as an error. Links answered with 4xx/5xx are warnings.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use pulldown_cmark::{Event, Parser, Tag};
use serde::Serialize;

use super::Inputs;
use crate::error::{Diagnostic, Msg};
use crate::i18n::Lang;

/// How `--external` checks.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Connect and read timeout per request.
    pub timeout: Duration,
    /// Requests in flight at once.
    pub concurrency: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            timeout: Duration::from_secs(5),
            concurrency: 8,
        }
    }
}

/// One external link found, with where.
#[derive(Debug, Clone)]
pub struct Found {
    /// The URL as written.
    pub url: String,
    /// The file it is in (a Markdown source, or an output file for links
    /// that come from templates or raw HTML).
    pub file: PathBuf,
    /// Line in that file.
    pub line: Option<usize>,
}

/// What became of one URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase", tag = "status", content = "detail")]
pub enum Status {
    /// Not checked (no `--external`, https, or unreachable); the reason.
    Unchecked(String),
    /// Answered with this status code (< 400).
    Ok(u16),
    /// Answered with this status code (>= 400).
    Broken(u16),
}

/// One distinct external URL.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    /// The URL.
    pub url: String,
    /// How many times it is linked.
    pub count: usize,
    /// Where it is first linked.
    pub file: String,
    /// Line there.
    pub line: Option<usize>,
    /// The result.
    #[serde(flatten)]
    pub status: Status,
}

/// External links of the site.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Links, counting repeats.
    pub total: usize,
    /// Distinct URLs.
    pub unique: usize,
    /// Whether `--external` was given.
    pub checked: bool,
    /// URLs that answered with a success or redirect.
    pub ok: usize,
    /// URLs that answered with 4xx/5xx.
    pub broken: usize,
    /// URLs not checked.
    pub unchecked: usize,
    /// Every distinct URL.
    pub links: Vec<Link>,
}

impl Summary {
    /// The lines of the terminal report.
    pub fn text(&self, lang: Lang) -> String {
        if self.total == 0 {
            return String::new();
        }
        let (t, u) = (self.total, self.unique);
        if !self.checked {
            return match lang {
                Lang::Zh => {
                    format!("外部链接 {t} 个（{u} 个不同网址），未检查；加 --external 检查\n")
                }
                Lang::En => format!(
                    "{t} external link(s) ({u} distinct URLs), not checked; pass --external to check them\n"
                ),
            };
        }
        let (ok, broken, un) = (self.ok, self.broken, self.unchecked);
        let mut s = match lang {
            Lang::Zh => format!(
                "外部链接 {t} 个（{u} 个不同网址）：{ok} 个可访问，{broken} 个失效，{un} 个未检查\n"
            ),
            Lang::En => format!(
                "{t} external link(s) ({u} distinct URLs): {ok} ok, {broken} broken, {un} unchecked\n"
            ),
        };
        for l in &self.links {
            if let Status::Unchecked(why) = &l.status {
                s.push_str(&format!("  {} — {}\n", l.url, why));
            }
        }
        s
    }
}

fn is_http(url: &str) -> bool {
    let l = url.trim_start().to_ascii_lowercase();
    l.starts_with("http://") || l.starts_with("https://")
}

/// External links written in Markdown bodies (links, images, autolinks).
pub fn from_sources(inputs: &Inputs) -> Vec<Found> {
    let opts = crate::markdown::parser_options(&inputs.config.markdown);
    let mut out = Vec::new();
    let mut scan = |body: &str, body_line: usize, file: &std::path::Path| {
        for (ev, range) in Parser::new_ext(body, opts).into_offset_iter() {
            if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = ev
                && is_http(&dest_url)
            {
                out.push(Found {
                    url: dest_url.trim().to_string(),
                    file: file.to_path_buf(),
                    line: Some(super::line_col(body, range.start, body_line).0),
                });
            }
        }
    };
    for p in inputs.pages {
        scan(&p.body, p.body_line, &p.file);
    }
    for c in inputs.columns {
        if let Some(f) = &c.file {
            scan(&c.body, c.body_line, f);
        }
    }
    out
}

/// Parts of an `http://` URL: host, port, path with query.
fn split_http(url: &str) -> Option<(String, u16, String)> {
    let rest = url
        .get(..7)
        .filter(|s| s.eq_ignore_ascii_case("http://"))
        .map(|_| &url[7..])?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    let mut path = rest[end..].split('#').next().unwrap_or("").to_string();
    if !path.starts_with('/') {
        path.insert(0, '/');
    }
    let (host, port) = if let Some(h) = authority.strip_prefix('[') {
        let (h, p) = h.split_once(']')?;
        (
            h.to_string(),
            p.strip_prefix(':').map_or(Some(80), |p| p.parse().ok())?,
        )
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), p.parse().ok()?),
            None => (authority.to_string(), 80),
        }
    };
    if host.is_empty() || path.contains(['\r', '\n', ' ']) {
        return None;
    }
    let mut encoded = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_graphic() {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    Some((host, port, encoded))
}

fn request(
    method: &str,
    host: &str,
    port: u16,
    path: &str,
    timeout: Duration,
) -> Result<u16, String> {
    let addrs: Vec<_> = (host, port)
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve host: {e}"))?
        .collect();
    let mut last = String::from("no address");
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(mut s) => {
                s.set_read_timeout(Some(timeout))
                    .map_err(|e| e.to_string())?;
                s.set_write_timeout(Some(timeout))
                    .map_err(|e| e.to_string())?;
                let host_header = if port == 80 {
                    host.to_string()
                } else {
                    format!("{host}:{port}")
                };
                let req = format!(
                    "{method} {path} HTTP/1.1\r\nHost: {host_header}\r\nUser-Agent: lanmu-check/{}\r\nAccept: */*\r\nConnection: close\r\n\r\n",
                    env!("CARGO_PKG_VERSION")
                );
                s.write_all(req.as_bytes()).map_err(|e| e.to_string())?;
                let mut buf = Vec::with_capacity(256);
                let mut chunk = [0u8; 256];
                while !buf.windows(2).any(|w| w == b"\r\n") && buf.len() < 4096 {
                    let n = s.read(&mut chunk).map_err(|e| e.to_string())?;
                    if n == 0 {
                        break;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                }
                let line = String::from_utf8_lossy(&buf);
                let code = line
                    .split_whitespace()
                    .nth(1)
                    .and_then(|c| c.parse::<u16>().ok())
                    .filter(|_| line.starts_with("HTTP/"))
                    .ok_or_else(|| "not an HTTP answer".to_string())?;
                return Ok(code);
            }
            Err(e) => last = e.to_string(),
        }
    }
    Err(last)
}

/// Checks one URL.
pub fn check_url(url: &str, timeout: Duration) -> Status {
    if url
        .get(..8)
        .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
    {
        return Status::Unchecked("https 未检查 (https is not checked: no TLS support)".into());
    }
    let Some((host, port, path)) = split_http(url) else {
        return Status::Unchecked("网址无法解析 (cannot parse URL)".into());
    };
    let res = request("HEAD", &host, port, &path, timeout).and_then(|c| {
        if c == 405 || c == 501 {
            request("GET", &host, port, &path, timeout)
        } else {
            Ok(c)
        }
    });
    match res {
        Ok(c) if c < 400 => Status::Ok(c),
        Ok(c) => Status::Broken(c),
        Err(e) => Status::Unchecked(format!("无法连接 (unreachable: {e})")),
    }
}

/// Groups found links by URL, checks them when `check`, and adds a warning
/// for each link answered with 4xx/5xx.
pub fn summarize(
    found: Vec<Found>,
    check: bool,
    settings: &Settings,
    diags: &mut Vec<Diagnostic>,
) -> Summary {
    // URLs written in Markdown are counted there; the output repeats them.
    let mut by_url: BTreeMap<String, (usize, Found, bool)> = BTreeMap::new();
    for f in found {
        let from_source = f
            .file
            .extension()
            .is_some_and(|e| e == "md" || e == "markdown");
        match by_url.get_mut(&f.url) {
            Some(e) if e.2 && !from_source => {}
            Some(e) if !e.2 && from_source => *e = (1, f, true),
            Some(e) => e.0 += 1,
            None => {
                by_url.insert(f.url.clone(), (1, f, from_source));
            }
        }
    }
    let entries: Vec<(String, usize, Found)> =
        by_url.into_iter().map(|(u, (n, f, _))| (u, n, f)).collect();
    let statuses: Vec<Mutex<Option<Status>>> = entries.iter().map(|_| Mutex::new(None)).collect();
    if check && !entries.is_empty() {
        let next = AtomicUsize::new(0);
        let workers = settings.concurrency.clamp(1, 64).min(entries.len());
        std::thread::scope(|s| {
            for _ in 0..workers {
                s.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::SeqCst);
                        let Some((url, _, _)) = entries.get(i) else {
                            break;
                        };
                        let st = check_url(url, settings.timeout);
                        if let Ok(mut slot) = statuses[i].lock() {
                            *slot = Some(st);
                        }
                    }
                });
            }
        });
    }
    let mut summary = Summary {
        checked: check,
        ..Summary::default()
    };
    for ((url, count, f), st) in entries.into_iter().zip(statuses) {
        let status = st
            .into_inner()
            .ok()
            .flatten()
            .unwrap_or_else(|| Status::Unchecked("未使用 --external (no --external)".into()));
        match &status {
            Status::Ok(_) => summary.ok += 1,
            Status::Broken(code) => {
                summary.broken += 1;
                diags.push(
                    Diagnostic::warning(
                        "external-link",
                        &f.file,
                        Msg::new(
                            format!("外部链接失效（HTTP {code}）：{url}"),
                            format!("external link is broken (HTTP {code}): {url}"),
                        ),
                    )
                    .at_opt(f.line)
                    .with_hint(Msg::new(
                        "打开链接确认；网页搬家了就换成新地址，已删除就去掉链接",
                        "open the link: update it if the page moved, remove it if it is gone",
                    )),
                );
            }
            Status::Unchecked(_) => summary.unchecked += 1,
        }
        summary.total += count;
        summary.unique += 1;
        summary.links.push(Link {
            url,
            count,
            file: f.file.display().to_string().replace('\\', "/"),
            line: f.line,
            status,
        });
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_http() {
        assert_eq!(
            split_http("http://a.cn/x?y=1#z"),
            Some(("a.cn".into(), 80, "/x?y=1".into()))
        );
        assert_eq!(
            split_http("http://127.0.0.1:8080"),
            Some(("127.0.0.1".into(), 8080, "/".into()))
        );
        assert_eq!(split_http("https://a.cn/"), None);
        assert!(matches!(
            check_url("https://a.cn/", Duration::from_millis(10)),
            Status::Unchecked(_)
        ));
    }
}
