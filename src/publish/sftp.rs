//! SFTP deploys through the system OpenSSH `sftp` client in batch mode
//! (`sftp -b -`), which Debian, macOS and Windows 10+ all have. Using the
//! client the campus already trusts means `~/.ssh/config`, agents, jump hosts
//! and known hosts work as they do for the user's own `ssh`, and lanmu needs
//! no SSH or crypto code of its own.
//!
//! Authentication, never stored in `config.yaml`:
//! - `LANMU_SFTP_KEY`: path to a private key (or the key text itself, as CI
//!   variables often hold it; it is then written to a private temporary file);
//! - `LANMU_SFTP_PASSWORD`: a password (or the key's passphrase), handed to
//!   ssh through `SSH_ASKPASS` pointing at the lanmu binary itself, which
//!   prints it when started with `LANMU_ASKPASS=1` ([`askpass_main`]);
//! - otherwise the user's agent and default keys; on a terminal, lanmu asks
//!   for a password once if those are refused.
//!
//! `LANMU_SFTP_KNOWN_HOSTS` names a known_hosts file to check the server
//! against strictly (recommended in CI); without it, a server seen for the
//! first time is accepted and remembered (`StrictHostKeyChecking=accept-new`)
//! and a changed host key is refused.
//!
//! `rename` in OpenSSH's `sftp` uses the `posix-rename@openssh.com` extension,
//! which replaces the existing file atomically.

use std::fmt;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use super::deploy::{Plan, stage_manifests};
use super::{MANIFEST, Scratch, tmp_name};
use crate::error::{Error, Result};
use crate::i18n::Lang;

/// Environment variable marking an askpass call of the lanmu binary.
pub const ASKPASS_ENV: &str = "LANMU_ASKPASS";
/// Environment variable holding the SFTP password.
pub const PASSWORD_ENV: &str = "LANMU_SFTP_PASSWORD";
/// Environment variable holding the path to (or text of) a private key.
pub const KEY_ENV: &str = "LANMU_SFTP_KEY";
/// Environment variable naming a known_hosts file to check strictly.
pub const KNOWN_HOSTS_ENV: &str = "LANMU_SFTP_KNOWN_HOSTS";

/// When the lanmu binary runs as ssh's askpass helper (`LANMU_ASKPASS=1`),
/// prints the password and returns the exit code; otherwise `None`.
/// `main` calls this first.
pub fn askpass_main() -> Option<ExitCode> {
    if std::env::var_os(ASKPASS_ENV).is_none_or(|v| v != "1") {
        return None;
    }
    // Only answer password and passphrase prompts; refuse anything else
    // (such as a host key question) rather than answer it with a password.
    let prompt = std::env::args().nth(1).unwrap_or_default().to_lowercase();
    if prompt.contains("yes/no") || prompt.contains("fingerprint") {
        return Some(ExitCode::from(1));
    }
    match std::env::var(PASSWORD_ENV) {
        Ok(p) => {
            println!("{p}");
            Some(ExitCode::SUCCESS)
        }
        Err(_) => Some(ExitCode::from(1)),
    }
}

/// `sftp://[user@]host[:port][/path]`. A path starting with `/~/` (or no
/// path) is relative to the account's home folder; others are absolute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SftpUrl {
    /// Login name.
    pub user: Option<String>,
    /// Host name or address.
    pub host: String,
    /// Port, when not 22.
    pub port: Option<u16>,
    /// Remote folder: absolute (`/var/www/dangjian`), relative to the home
    /// folder (`public_html/dangjian`), or empty for the home folder itself.
    pub path: String,
}

impl SftpUrl {
    /// Parses an `sftp://` URL.
    pub fn parse(s: &str) -> Result<SftpUrl> {
        let bad = |why: &str| {
            Error::Other(format!(
                "无法识别的 SFTP 地址 `{s}`：{why}。格式：sftp://用户名@主机:端口/路径\n(invalid SFTP URL; expected sftp://user@host:port/path)"
            ))
        };
        let rest = s
            .get(7..)
            .filter(|_| s[..7].eq_ignore_ascii_case("sftp://"))
            .ok_or_else(|| bad("不是 sftp://"))?;
        let (auth, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        let (user, hostport) = match auth.rsplit_once('@') {
            Some((u, h)) => (
                Some(crate::slug::decode_path(u.split(';').next().unwrap_or(u))),
                h,
            ),
            None => (None, auth),
        };
        let (host, port) = if let Some(r) = hostport.strip_prefix('[') {
            let (h, after) = r.split_once(']').ok_or_else(|| bad("IPv6 地址缺少 ]"))?;
            (h.to_string(), after.strip_prefix(':'))
        } else {
            match hostport.rsplit_once(':') {
                Some((h, p)) => (h.to_string(), Some(p)),
                None => (hostport.to_string(), None),
            }
        };
        if host.is_empty() || host.starts_with('-') || host.contains(char::is_whitespace) {
            return Err(bad("缺少主机名"));
        }
        if user
            .as_deref()
            .is_some_and(|u| u.is_empty() || u.starts_with('-') || u.contains(char::is_whitespace))
        {
            return Err(bad("用户名无效"));
        }
        let port = match port.filter(|p| !p.is_empty()) {
            Some(p) => Some(p.parse::<u16>().map_err(|_| bad("端口不是数字"))?),
            None => None,
        };
        let path = crate::slug::decode_path(path);
        if path.contains(['\n', '\r', '\0']) {
            return Err(bad("路径含有控制字符"));
        }
        let path = if let Some(home) = path.strip_prefix("/~") {
            home.trim_start_matches('/')
                .trim_end_matches('/')
                .to_string()
        } else if path.len() > 1 {
            path.trim_end_matches('/').to_string()
        } else {
            path
        };
        Ok(SftpUrl {
            user,
            host,
            port,
            path,
        })
    }

    fn destination(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        match &self.user {
            Some(u) => format!("{u}@{host}"),
            None => host,
        }
    }

    /// The remote path of `rel` below the target folder.
    fn remote(&self, rel: &str) -> String {
        match self.path.as_str() {
            "" => rel.to_string(),
            "/" => format!("/{rel}"),
            p => format!("{p}/{rel}"),
        }
    }
}

impl fmt::Display for SftpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sftp://{}", self.destination())?;
        if let Some(p) = self.port {
            write!(f, ":{p}")?;
        }
        match self.path.as_str() {
            "" => write!(f, "/~/"),
            p if p.starts_with('/') => write!(f, "{p}"),
            p => write!(f, "/~/{p}"),
        }
    }
}

/// How to authenticate and run the client.
#[derive(Clone, Default)]
pub struct SftpAuth {
    /// Private key: a path, or the key text itself.
    pub key: Option<String>,
    /// Password (or key passphrase), given to ssh through askpass.
    pub password: Option<String>,
    /// known_hosts file to check the server against strictly.
    pub known_hosts: Option<PathBuf>,
    /// The askpass program (default: this executable).
    pub askpass: Option<PathBuf>,
    /// The sftp client (default `sftp` from `PATH`).
    pub program: Option<PathBuf>,
    /// More `-o` options for ssh (tests).
    pub extra_options: Vec<String>,
    /// Asks for a password when the server refused the keys (interactive use).
    pub prompt: Option<fn(&str) -> Option<String>>,
}

impl fmt::Debug for SftpAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SftpAuth")
            .field(
                "key",
                &self.key.as_ref().map(|k| {
                    if is_inline_key(k) {
                        "<inline key>"
                    } else {
                        k.as_str()
                    }
                }),
            )
            .field("password", &self.password.as_ref().map(|_| "<hidden>"))
            .field("known_hosts", &self.known_hosts)
            .field("program", &self.program)
            .finish()
    }
}

fn is_inline_key(k: &str) -> bool {
    k.trim_start().starts_with("-----BEGIN")
}

fn non_empty_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl SftpAuth {
    /// Settings from `LANMU_SFTP_KEY`, `LANMU_SFTP_PASSWORD` and
    /// `LANMU_SFTP_KNOWN_HOSTS`.
    pub fn from_env() -> SftpAuth {
        SftpAuth {
            key: non_empty_env(KEY_ENV),
            password: std::env::var(PASSWORD_ENV).ok().filter(|p| !p.is_empty()),
            known_hosts: non_empty_env(KNOWN_HOSTS_ENV).map(PathBuf::from),
            ..SftpAuth::default()
        }
    }

    fn command(&self, url: &SftpUrl, scratch: &Scratch) -> Result<Command> {
        let mut c = Command::new(
            self.program
                .clone()
                .unwrap_or_else(|| PathBuf::from("sftp")),
        );
        if self.password.is_some() {
            // `-b` turns on BatchMode, which disables askpass; an earlier
            // option wins in ssh, so this must come before `-b`.
            c.args(["-o", "BatchMode=no", "-o", "NumberOfPasswordPrompts=1"]);
        }
        c.args(["-b", "-"]);
        if let Some(p) = url.port {
            c.arg("-P").arg(p.to_string());
        }
        if let Some(k) = &self.key {
            let path = if is_inline_key(k) {
                let mut text = k.replace("\r\n", "\n");
                if !text.ends_with('\n') {
                    text.push('\n');
                }
                scratch.write_private("key", text.as_bytes())?
            } else {
                PathBuf::from(k)
            };
            if !path.is_file() {
                return Err(Error::Other(format!(
                    "{KEY_ENV} 指向的密钥文件不存在：{} (the private key file does not exist)",
                    path.display()
                )));
            }
            c.arg("-i").arg(path).args(["-o", "IdentitiesOnly=yes"]);
        }
        match &self.known_hosts {
            Some(k) => {
                c.arg("-o")
                    .arg(format!("UserKnownHostsFile={}", k.display()));
                c.args(["-o", "StrictHostKeyChecking=yes"]);
            }
            None => {
                c.args(["-o", "StrictHostKeyChecking=accept-new"]);
            }
        }
        c.args([
            "-o",
            "ConnectTimeout=20",
            "-o",
            "ServerAliveInterval=15",
            "-o",
            "ServerAliveCountMax=4",
        ]);
        for o in &self.extra_options {
            c.arg("-o").arg(o);
        }
        if let Some(pw) = &self.password {
            let askpass = match &self.askpass {
                Some(p) => p.clone(),
                None => std::env::current_exe()
                    .map_err(|e| Error::Other(format!("cannot locate lanmu: {e}")))?,
            };
            c.env("SSH_ASKPASS", askpass)
                .env("SSH_ASKPASS_REQUIRE", "force")
                .env(ASKPASS_ENV, "1")
                .env(PASSWORD_ENV, pw);
            if std::env::var_os("DISPLAY").is_none() {
                // OpenSSH before 8.4 only uses askpass with DISPLAY set.
                c.env("DISPLAY", ":0");
            }
        } else {
            c.env_remove(ASKPASS_ENV);
        }
        c.arg("--").arg(url.destination());
        c.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        Ok(c)
    }
}

/// Quotes one argument for an sftp batch line: inside double quotes, glob
/// characters are literal and `\` and `"` are escaped.
fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '\\' || c == '"' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// A local path as sftp reads it (forward slashes work on Windows too).
fn local(p: &Path) -> String {
    let s = p.to_string_lossy().into_owned();
    if cfg!(windows) {
        // `canonicalize` gives verbatim `\\?\C:\…` paths on Windows.
        s.strip_prefix(r"\\?\").unwrap_or(&s).replace('\\', "/")
    } else {
        s
    }
}

struct BatchResult {
    ok: bool,
    /// Echoed commands (`sftp> …`), in order.
    done: Vec<String>,
    stderr: String,
}

/// Runs one batch; `progress` sees each echoed command as it completes.
fn run_batch(
    url: &SftpUrl,
    auth: &SftpAuth,
    scratch: &Scratch,
    script: String,
    progress: &mut dyn FnMut(&str),
) -> Result<BatchResult> {
    if let Some(line) = script.lines().find(|l| l.len() > 2000) {
        return Err(Error::Other(format!(
            "path too long for sftp: {}",
            &line[..80]
        )));
    }
    let mut cmd = auth.command(url, scratch)?;
    let mut child = cmd.spawn().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::Other(
                "找不到 sftp 命令：请安装 OpenSSH 客户端（Debian/Ubuntu：apt install openssh-client；macOS 与 Windows 10 以上自带）\n(the OpenSSH sftp client was not found)"
                    .into(),
            )
        } else {
            Error::Other(format!("cannot start sftp: {e}"))
        }
    })?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(script.as_bytes());
        // Dropping stdin ends the batch.
    });
    let mut stderr_pipe = child.stderr.take().expect("piped stderr");
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = std::io::Read::read_to_end(&mut stderr_pipe, &mut s);
        String::from_utf8_lossy(&s).into_owned()
    });
    let mut done = Vec::new();
    if let Some(out) = child.stdout.take() {
        for line in std::io::BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            if let Some(c) = line.strip_prefix("sftp> ") {
                progress(c);
                done.push(c.to_string());
            }
        }
    }
    let status = child
        .wait()
        .map_err(|e| Error::Other(format!("sftp: {e}")))?;
    let _ = writer.join();
    let stderr = err_reader.join().unwrap_or_default();
    Ok(BatchResult {
        ok: status.success(),
        done,
        stderr,
    })
}

fn auth_refused(stderr: &str) -> bool {
    stderr.contains("Permission denied") || stderr.contains("Too many authentication failures")
}

fn explain(url: &SftpUrl, r: &BatchResult) -> Error {
    let tail: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with("Warning: Permanently added"))
        .collect();
    let tail = tail[tail.len().saturating_sub(6)..].join("\n");
    let hint = if auth_refused(&r.stderr) {
        format!(
            "服务器拒绝登录：请设置 {KEY_ENV}（私钥文件路径）或 {PASSWORD_ENV}（密码）\n(login refused: set {KEY_ENV} or {PASSWORD_ENV})"
        )
    } else if r.stderr.contains("REMOTE HOST IDENTIFICATION HAS CHANGED")
        || r.stderr.contains("Host key verification failed")
    {
        "服务器的主机密钥与记录不符或无法核实，已拒绝连接；请向管理员核实指纹\n(host key verification failed; check the server's fingerprint with its admin)".to_string()
    } else {
        match r.done.last() {
            Some(last) => format!("失败的命令 (failed command): {last}"),
            None => "无法连接或登录 (could not connect)".to_string(),
        }
    };
    Error::Other(format!("SFTP {url}: {hint}\n{tail}"))
}

/// Runs `script`, asking for a password once (when a prompt is set and the
/// server refused the keys) and retrying.
fn run_with_auth(
    url: &SftpUrl,
    auth: &mut SftpAuth,
    scratch: &Scratch,
    script: &str,
    progress: &mut dyn FnMut(&str),
) -> Result<BatchResult> {
    let r = run_batch(url, auth, scratch, script.to_string(), progress)?;
    if !r.ok && r.done.is_empty() && auth_refused(&r.stderr) && auth.password.is_none() {
        if let Some(ask) = auth.prompt {
            if let Some(pw) = ask(&url.destination()) {
                auth.password = Some(pw);
                return run_batch(url, auth, scratch, script.to_string(), progress);
            }
        }
    }
    Ok(r)
}

/// Downloads the target's manifest; `None` when there is none (or the
/// target folder does not exist yet).
pub fn fetch_manifest(url: &SftpUrl, auth: &mut SftpAuth) -> Result<Option<Vec<u8>>> {
    let scratch = Scratch::new()?;
    let dest = scratch.dir.join("manifest.json");
    let script = format!("-get {} {}\n", q(&url.remote(MANIFEST)), q(&local(&dest)));
    let r = run_with_auth(url, auth, &scratch, &script, &mut |_| {})?;
    if !r.ok || r.done.is_empty() {
        return Err(explain(url, &r));
    }
    match std::fs::read(&dest) {
        Ok(b) => Ok(Some(b)),
        Err(_) => Ok(None),
    }
}

/// Folders of `paths` and their ancestors, parents first.
fn folders<'a>(paths: impl Iterator<Item = &'a str>) -> std::collections::BTreeSet<String> {
    let mut set = std::collections::BTreeSet::new();
    for p in paths {
        let mut cur = p;
        while let Some((dir, _)) = cur.rsplit_once('/') {
            set.insert(dir.to_string());
            cur = dir;
        }
    }
    set
}

/// The batch script that carries out `plan`.
fn apply_script(
    url: &SftpUrl,
    build_dir: &Path,
    plan: &Plan,
    manifests: [&Path; 3],
    fail_after: Option<usize>,
) -> String {
    let mut s = String::new();
    let mut line = |l: String| {
        s.push_str(&l);
        s.push('\n');
    };
    if !url.path.is_empty() && url.path != "/" {
        line(format!("-mkdir {}", q(&url.path)));
        line(format!("cd {}", q(&url.path)));
    } else if url.path == "/" {
        line("cd \"/\"".into());
    }
    line(format!("lcd {}", q(&local(build_dir))));
    let manifest_tmp = tmp_name(MANIFEST);
    let put_manifest = |line: &mut dyn FnMut(String), m: &Path| {
        line(format!("put {} {}", q(&local(m)), q(&manifest_tmp)));
        line(format!("rename {} {}", q(&manifest_tmp), q(MANIFEST)));
    };
    put_manifest(&mut line, manifests[0]);
    for t in &plan.stale {
        line(format!("-rm {}", q(t)));
    }
    let transfers = plan.transfers();
    // Folders that the previous deploy's files already live in exist.
    let known: std::collections::BTreeSet<String> = plan
        .old
        .as_ref()
        .map(|o| {
            folders(
                o.files
                    .keys()
                    .filter(|k| !o.pending.contains(k))
                    .map(String::as_str),
            )
        })
        .unwrap_or_default();
    for d in folders(transfers.iter().copied()) {
        if !known.contains(&d) {
            line(format!("-mkdir {}", q(&d)));
        }
    }
    for (i, rel) in transfers.iter().enumerate() {
        let tmp = tmp_name(rel);
        line(format!("put {} {}", q(rel), q(&tmp)));
        if fail_after == Some(i) {
            line("cd \"/.lanmu-test-hook/interrupted\"".into());
        }
        line(format!("rename {} {}", q(&tmp), q(rel)));
    }
    put_manifest(&mut line, manifests[1]);
    for d in &plan.delete {
        line(format!("-rm {}", q(d)));
    }
    let keep = folders(plan.new.files.keys().map(String::as_str));
    for d in folders(plan.delete.iter().map(String::as_str))
        .into_iter()
        .rev()
    {
        if !keep.contains(&d) {
            line(format!("-rmdir {}", q(&d)));
        }
    }
    if !plan.delete.is_empty() {
        put_manifest(&mut line, manifests[2]);
    }
    s
}

/// Carries out `plan` on the SFTP target in one session.
pub fn apply(
    url: &SftpUrl,
    auth: &mut SftpAuth,
    build_dir: &Path,
    plan: &Plan,
    fail_after: Option<usize>,
    lang: Lang,
) -> Result<()> {
    let scratch = Scratch::new()?;
    let (before, after, done) = stage_manifests(plan);
    let m0 = scratch.write_private("manifest-0.json", &before.to_json())?;
    let m1 = scratch.write_private("manifest-1.json", &after.to_json())?;
    let m2 = scratch.write_private("manifest-2.json", &done.to_json())?;
    let build_dir = std::fs::canonicalize(build_dir).map_err(|e| Error::io(build_dir, e))?;
    let script = apply_script(url, &build_dir, plan, [&m0, &m1, &m2], fail_after);
    let total = plan.upload.len() + plan.update.len();
    let show = std::io::stderr().is_terminal() && total > 0;
    let mut n = 0;
    let mut progress = |c: &str| {
        if show && c.starts_with("rename ") && !c.ends_with(&q(MANIFEST)) {
            n += 1;
            let text = match lang {
                Lang::Zh => format!("\r已上传 {n}/{total}"),
                Lang::En => format!("\rUploaded {n}/{total}"),
            };
            eprint!("{text}");
        }
    };
    let r = run_with_auth(url, auth, &scratch, &script, &mut progress)?;
    if show {
        eprintln!();
    }
    if !r.ok {
        return Err(explain(url, &r));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let u = SftpUrl::parse("sftp://dj@www.example.edu.cn:2222/var/www/dangjian/").unwrap();
        assert_eq!(u.user.as_deref(), Some("dj"));
        assert_eq!(u.host, "www.example.edu.cn");
        assert_eq!(u.port, Some(2222));
        assert_eq!(u.path, "/var/www/dangjian");
        assert_eq!(
            u.to_string(),
            "sftp://dj@www.example.edu.cn:2222/var/www/dangjian"
        );
        assert_eq!(u.remote("a/b.html"), "/var/www/dangjian/a/b.html");
        let h = SftpUrl::parse("sftp://u@h/~/public_html").unwrap();
        assert_eq!(h.path, "public_html");
        assert_eq!(
            h.remote(".lanmu-manifest.json"),
            "public_html/.lanmu-manifest.json"
        );
        let r = SftpUrl::parse("sftp://h").unwrap();
        assert_eq!((r.user, r.path.as_str(), r.port), (None, "", None));
        let v6 = SftpUrl::parse("sftp://u@[::1]:22/x").unwrap();
        assert_eq!(v6.destination(), "u@[::1]");
        assert_eq!(
            SftpUrl::parse("sftp://u@h/%E5%85%9A%E5%BB%BA")
                .unwrap()
                .path,
            "/党建"
        );
        assert!(SftpUrl::parse("sftp://-oProxyCommand=x/").is_err());
        assert!(SftpUrl::parse("sftp://u@h:port/").is_err());
    }

    #[test]
    fn quoting() {
        assert_eq!(q(r#"a b"*[x]\q"#), r#""a b\"*[x]\\q""#);
    }
}
