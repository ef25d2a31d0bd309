//! Answering requests from the in-memory site: path safety, lookups,
//! redirects, MIME types, `Range`, the 404 page and the live-reload script.
//!
//! Nothing here reads the file system: every answer comes from the map of
//! rendered files, so a request can never reach a file outside the site.

use std::io::Cursor;
use std::sync::Arc;

use tiny_http::{Header, Method, Request, Response, StatusCode};

use super::reload;
use super::state::{Snapshot, State};

/// Why a request target was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reject {
    /// Malformed or dangerous: 400.
    BadRequest,
    /// Well-formed but names nothing we serve: 404.
    NotFound,
}

/// A request target that passed the safety checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The decoded path: starts with `/`, no `.`/`..` or empty segments
    /// (except a trailing `/`), no backslash, NUL or control characters.
    pub path: String,
    /// The raw (still encoded) path, for redirects.
    pub raw_path: String,
    /// The query string without `?`, if any.
    pub query: Option<String>,
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Checks and decodes a request target (`/dangjian/%E5%AD%A6/?x=1`).
///
/// Refused with 400: anything not starting with `/` (absolute-form URLs,
/// `*`), backslashes, control characters and NUL (raw or encoded), encoded
/// `/` and `\`, bad percent escapes, bytes that are not valid UTF-8 once
/// decoded (overlong encodings such as `%c0%ae` are invalid UTF-8), and
/// `.`/`..` or empty segments. The result can only name a path inside the
/// site's URL space.
pub fn parse_target(raw: &str) -> Result<Target, Reject> {
    if !raw.starts_with('/') || raw.starts_with("//") {
        return Err(Reject::BadRequest);
    }
    let raw = raw.split('#').next().unwrap_or("");
    let (raw_path, query) = match raw.split_once('?') {
        Some((p, q)) => (p, Some(q.to_string())),
        None => (raw, None),
    };
    let bytes = raw_path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let (Some(h), Some(l)) = (
                bytes.get(i + 1).and_then(|&x| hex(x)),
                bytes.get(i + 2).and_then(|&x| hex(x)),
            ) else {
                return Err(Reject::BadRequest);
            };
            let d = h * 16 + l;
            if d == b'/' || d == b'\\' || d < 0x20 || d == 0x7f {
                return Err(Reject::BadRequest);
            }
            out.push(d);
            i += 3;
        } else {
            if b == b'\\' || b < 0x20 || b == 0x7f {
                return Err(Reject::BadRequest);
            }
            out.push(b);
            i += 1;
        }
    }
    let path = String::from_utf8(out).map_err(|_| Reject::BadRequest)?;
    let segments: Vec<&str> = path[1..].split('/').collect();
    let last = segments.len() - 1;
    for (k, s) in segments.iter().enumerate() {
        if *s == "." || *s == ".." || (s.is_empty() && k != last) {
            return Err(Reject::BadRequest);
        }
        // Windows-style drive letters and alternate data streams never name
        // a site file; refuse them outright.
        if s.contains(':') && s.len() >= 2 && s.as_bytes()[1] == b':' {
            return Err(Reject::BadRequest);
        }
    }
    Ok(Target {
        path,
        raw_path: raw_path.to_string(),
        query,
    })
}

/// The `Content-Type` for a file name.
pub fn mime_for(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "webmanifest" => "application/manifest+json; charset=utf-8",
        "xml" | "xsl" => "application/xml; charset=utf-8",
        "rss" => "application/rss+xml; charset=utf-8",
        "atom" => "application/atom+xml; charset=utf-8",
        "svg" => "image/svg+xml; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "bmp" => "image/bmp",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "wav" => "audio/wav",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt" => "application/vnd.ms-powerpoint",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// A parsed `Range` header for a body of `len` bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeReq {
    /// No usable range: answer with the whole body.
    Full,
    /// Inclusive byte range.
    Part(u64, u64),
    /// 416.
    Unsatisfiable,
}

/// Parses one `Range` value. Only single ranges in bytes are honoured;
/// malformed values and multiple ranges get the whole body (as RFC 9110
/// allows), ranges starting past the end get 416.
pub fn parse_range(value: &str, len: u64) -> RangeReq {
    let Some(spec) = value.trim().strip_prefix("bytes=") else {
        return RangeReq::Full;
    };
    let spec = spec.trim();
    if spec.contains(',') {
        return RangeReq::Full;
    }
    let Some((a, b)) = spec.split_once('-') else {
        return RangeReq::Full;
    };
    let (a, b) = (a.trim(), b.trim());
    let num = |s: &str| -> Option<u64> {
        if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit()) {
            None
        } else {
            s.parse().ok()
        }
    };
    match (a.is_empty(), b.is_empty()) {
        (true, true) => RangeReq::Full,
        (true, false) => match num(b) {
            None => RangeReq::Full,
            Some(0) => RangeReq::Unsatisfiable,
            Some(_) if len == 0 => RangeReq::Unsatisfiable,
            Some(n) => RangeReq::Part(len.saturating_sub(n), len - 1),
        },
        (false, true) => match num(a) {
            None => RangeReq::Full,
            Some(s) if s >= len => RangeReq::Unsatisfiable,
            Some(s) => RangeReq::Part(s, len - 1),
        },
        (false, false) => match (num(a), num(b)) {
            (Some(s), Some(e)) if s <= e => {
                if s >= len {
                    RangeReq::Unsatisfiable
                } else {
                    RangeReq::Part(s, e.min(len - 1))
                }
            }
            _ => RangeReq::Full,
        },
    }
}

/// A response header; `None` for a value HTTP cannot carry (not ASCII).
/// Request targets reach headers only through `Location`, and tiny_http
/// hands over ASCII targets only, but a response must never panic.
fn header(name: &str, value: &str) -> Option<Header> {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

/// A finished answer, before it is written.
pub struct Answer {
    /// Status code.
    pub status: u16,
    /// Headers (besides Content-Length, which tiny_http adds).
    pub headers: Vec<(&'static str, String)>,
    /// Body.
    pub body: Vec<u8>,
}

impl Answer {
    fn new(status: u16, mime: &str, body: Vec<u8>) -> Answer {
        Answer {
            status,
            headers: vec![("Content-Type", mime.to_string())],
            body,
        }
    }

    fn text(status: u16, body: &str) -> Answer {
        Answer::new(
            status,
            "text/plain; charset=utf-8",
            body.as_bytes().to_vec(),
        )
    }

    fn redirect(status: u16, location: &str) -> Answer {
        let mut a = Answer::text(status, &format!("-> {location}\n"));
        a.headers.push(("Location", location.to_string()));
        a
    }

    fn into_response(self) -> Response<Cursor<Vec<u8>>> {
        let len = self.body.len();
        let mut r = Response::new(
            StatusCode(self.status),
            Vec::new(),
            Cursor::new(self.body),
            Some(len),
            None,
        )
        .with_chunked_threshold(usize::MAX);
        let fixed = [
            ("Cache-Control", "no-store"),
            ("X-Content-Type-Options", "nosniff"),
        ];
        let all = self
            .headers
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .chain(fixed);
        for h in all.filter_map(|(k, v)| header(k, v)) {
            r.add_header(h);
        }
        r
    }
}

/// Percent-encodes a decoded path for a `Location` header.
fn encode_location(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn with_query(path: &str, query: &Option<String>) -> String {
    match query {
        Some(q) => format!("{}?{q}", encode_location(path)),
        None => encode_location(path),
    }
}

/// Looks a path up in the snapshot: `(file key, bytes)`, or a redirect to
/// the folder form when only `path/index.html` exists.
enum Lookup {
    File(String, Arc<Vec<u8>>),
    AddSlash,
    Missing,
}

fn lookup(snap: &Snapshot, path: &str) -> Lookup {
    let Some(rel) = path.strip_prefix(snap.base_path.as_str()) else {
        return Lookup::Missing;
    };
    let key = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    if let Some(b) = snap.files.get(&key) {
        return Lookup::File(key, b.clone());
    }
    if !rel.is_empty()
        && !rel.ends_with('/')
        && snap.files.contains_key(&format!("{rel}/index.html"))
    {
        return Lookup::AddSlash;
    }
    Lookup::Missing
}

fn not_found(state: &State, snap: &Snapshot) -> Answer {
    let script = state.live_script(snap);
    match snap.files.get("404.html") {
        Some(b) => Answer::new(404, "text/html; charset=utf-8", reload::inject(b, &script)),
        // No good build yet: a page that shows the error overlay and reloads
        // once the site builds.
        None if snap.generation == 0 => Answer::new(
            503,
            "text/html; charset=utf-8",
            reload::inject(PLACEHOLDER.as_bytes(), &script),
        ),
        None => Answer::new(
            404,
            "text/html; charset=utf-8",
            reload::inject(NOT_FOUND.as_bytes(), &script),
        ),
    }
}

const PLACEHOLDER: &str = "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>lanmu 预览</title></head>\n<body><p>站点还没有生成成功。错误见终端和页面下方的提示；修复后此页会自动刷新。</p></body></html>\n";

const NOT_FOUND: &str = "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>404</title></head>\n<body><p>404：页面不存在 (not found)</p></body></html>\n";

/// Whether a `Host` header names this machine: an IP address or `localhost`.
pub fn host_allowed(host: &str) -> bool {
    let host = host.trim();
    let name = if let Some(rest) = host.strip_prefix('[') {
        return match rest.split_once(']') {
            Some((inside, _)) => inside.parse::<std::net::Ipv6Addr>().is_ok(),
            None => false,
        };
    } else {
        match host.rsplit_once(':') {
            Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
            _ => host,
        }
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name.parse::<std::net::IpAddr>().is_ok() || name == "localhost" || name.ends_with(".localhost")
}

/// Computes the answer to a GET or HEAD for `raw_url` with an optional
/// `Range` header value.
pub fn answer(state: &State, raw_url: &str, range: Option<&str>) -> Answer {
    let snap = state.snapshot();
    let target = match parse_target(raw_url) {
        Ok(t) => t,
        Err(Reject::BadRequest) => return Answer::text(400, "400 Bad Request\n"),
        Err(Reject::NotFound) => return not_found(state, &snap),
    };
    let base = snap.base_path.as_str();
    // `/` and `/dangjian` lead to the site path.
    if base != "/" && (target.path == "/" || format!("{}/", target.path) == base) {
        return Answer::redirect(302, &with_query(base, &target.query));
    }
    let (key, bytes) = match lookup(&snap, &target.path) {
        Lookup::File(k, b) => (k, b),
        Lookup::AddSlash => {
            return Answer::redirect(
                301,
                &match &target.query {
                    Some(q) => format!("{}/?{q}", target.raw_path),
                    None => format!("{}/", target.raw_path),
                },
            );
        }
        Lookup::Missing => return not_found(state, &snap),
    };
    let mime = mime_for(&key);
    let body: Vec<u8> = if mime.starts_with("text/html") {
        reload::inject(&bytes, &state.live_script(&snap))
    } else {
        bytes.to_vec()
    };
    let len = body.len() as u64;
    let mut a = match range.map(|r| parse_range(r, len)).unwrap_or(RangeReq::Full) {
        RangeReq::Full => Answer::new(200, mime, body),
        RangeReq::Part(s, e) => {
            let mut a = Answer::new(206, mime, body[s as usize..=e as usize].to_vec());
            a.headers
                .push(("Content-Range", format!("bytes {s}-{e}/{len}")));
            a
        }
        RangeReq::Unsatisfiable => {
            let mut a = Answer::text(416, "416 Range Not Satisfiable\n");
            a.headers.push(("Content-Range", format!("bytes */{len}")));
            a
        }
    };
    a.headers.push(("Accept-Ranges", "bytes".to_string()));
    a
}

/// Handles one request on a worker thread: SSE requests move to their own
/// thread; everything else is answered at once.
pub fn handle(state: &Arc<State>, req: Request) {
    let url = req.url().to_string();
    if state.check_host {
        let host = req
            .headers()
            .iter()
            .find(|h| h.field.equiv("Host"))
            .map(|h| h.value.as_str().to_string());
        if host.is_some_and(|h| !host_allowed(&h)) {
            let _ = req
                .respond(Answer::text(400, "400 Bad Request: unexpected Host\n").into_response());
            return;
        }
    }
    let is_get = matches!(req.method(), Method::Get);
    let is_head = matches!(req.method(), Method::Head);
    if is_get && reload::is_events_path(&state.snapshot().base_path, &url) {
        reload::serve_events(state.clone(), req);
        return;
    }
    if !is_get && !is_head {
        let mut a = Answer::text(405, "405 Method Not Allowed\n");
        a.headers.push(("Allow", "GET, HEAD".to_string()));
        let _ = req.respond(a.into_response());
        return;
    }
    let range = req
        .headers()
        .iter()
        .find(|h| h.field.equiv("Range"))
        .map(|h| h.value.as_str().to_string());
    let a = answer(state, &url, range.as_deref());
    let _ = req.respond(a.into_response());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        assert_eq!(parse_target("/a/%E5%AD%A6/?x=1").unwrap().path, "/a/学/");
        assert_eq!(
            parse_target("/a/%E5%AD%A6/?x=1").unwrap().query.as_deref(),
            Some("x=1")
        );
        for bad in [
            "/../etc/passwd",
            "/a/%2e%2e/b",
            "/a/%2E%2E/b",
            "/a%2fb",
            "/a%5cb",
            "/a\\b",
            "/a/%00",
            "/a/%c0%ae%c0%ae/",
            "/a/%e0%80%ae/",
            "//etc/passwd",
            "http://x/a",
            "/a//b",
            "/a/./b",
            "/C:/x",
            "/a/%zz",
            "/a/%",
            "*",
        ] {
            assert_eq!(parse_target(bad), Err(Reject::BadRequest), "{bad}");
        }
    }

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-9", 100), RangeReq::Part(0, 9));
        assert_eq!(parse_range("bytes=90-", 100), RangeReq::Part(90, 99));
        assert_eq!(parse_range("bytes=-10", 100), RangeReq::Part(90, 99));
        assert_eq!(parse_range("bytes=-1000", 100), RangeReq::Part(0, 99));
        assert_eq!(parse_range("bytes=50-1000", 100), RangeReq::Part(50, 99));
        assert_eq!(parse_range("bytes=100-", 100), RangeReq::Unsatisfiable);
        assert_eq!(parse_range("bytes=-0", 100), RangeReq::Unsatisfiable);
        assert_eq!(parse_range("bytes=5-1", 100), RangeReq::Full);
        assert_eq!(parse_range("bytes=0-1,3-4", 100), RangeReq::Full);
        assert_eq!(parse_range("items=0-1", 100), RangeReq::Full);
    }

    #[test]
    fn hosts() {
        for ok in [
            "127.0.0.1:1111",
            "localhost:1111",
            "LOCALHOST",
            "[::1]:8080",
            "192.168.1.5",
            "a.localhost:1",
        ] {
            assert!(host_allowed(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:1111",
            "127.0.0.1.evil.example",
            "[::1",
            "",
        ] {
            assert!(!host_allowed(bad), "{bad}");
        }
    }

    #[test]
    fn mimes() {
        assert_eq!(mime_for("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(mime_for("x.JPG"), "image/jpeg");
        assert_eq!(mime_for("noext"), "application/octet-stream");
    }
}
