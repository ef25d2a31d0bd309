//! `lanmu deploy`: publishes the last build to a folder (a mounted share,
//! `/mnt/webroot/dangjian`, `file:///…`) or an SFTP account
//! (`sftp://user@host:port/path`).
//!
//! The target keeps a manifest, `.lanmu-manifest.json`, with the size and
//! SHA-256 of every file lanmu published there. A deploy compares the build
//! with it (and, for folders, with the files actually there), shows the plan,
//! and then:
//!
//! 1. rewrites the manifest with the files about to be uploaded listed as
//!    `pending` (so an interrupted deploy still knows they are lanmu's);
//! 2. removes stale `.<name>.lanmu-tmp` files of an earlier interrupted run;
//! 3. uploads each new or changed file as `.<name>.lanmu-tmp` and renames it
//!    into place, so readers never see half a file (assets first, then pages,
//!    then feeds and the sitemap);
//! 4. writes the new manifest, listing the files about to be deleted as
//!    `pending`;
//! 5. deletes the files lanmu published earlier that the build no longer has
//!    (never a file that no manifest lists), prunes folders left empty, and
//!    writes the final manifest.
//!
//! Every step can be interrupted and the deploy run again. Folder targets are
//! compared by content, so files an interrupted run already copied are
//! skipped; a file lanmu published that someone changed on the target since
//! is kept rather than deleted. Every manifest write is a temporary file
//! renamed into place.

use std::collections::{BTreeMap, BTreeSet};
use std::io::IsTerminal;
use std::path::{Component, Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::sftp::{self, SftpAuth, SftpUrl};
use super::{FileEntry, MANIFEST, is_tmp_name, scan_dir, tmp_name};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::i18n::Lang;

/// Manifest format version written by this lanmu.
pub const MANIFEST_VERSION: u32 = 1;

/// The record of what lanmu published on a target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Format version ([`MANIFEST_VERSION`]).
    pub version: u32,
    /// The lanmu that wrote it.
    #[serde(default)]
    pub generator: String,
    /// Every published file by `/`-separated path relative to the target.
    pub files: BTreeMap<String, FileEntry>,
    /// Files in flight: being uploaded, or about to be deleted. They are
    /// lanmu's even though their content is not known.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pending: Vec<String>,
}

impl Manifest {
    /// A manifest of `files` with nothing pending.
    pub fn new(files: BTreeMap<String, FileEntry>) -> Manifest {
        Manifest {
            version: MANIFEST_VERSION,
            generator: format!("lanmu {}", env!("CARGO_PKG_VERSION")),
            files,
            pending: Vec::new(),
        }
    }

    /// Parses and validates a manifest read from `target`.
    pub fn parse(bytes: &[u8], target: &str) -> Result<Manifest> {
        let bad = |why: String| {
            Error::Other(format!(
                "{target} 上的 {MANIFEST} 无法使用：{why}。为安全起见不做任何改动；确认目标无误后删除该文件再发布，会按首次发布处理（不会删除任何文件）。\n(the manifest on {target} is unusable: {why}; nothing was changed — delete it to deploy as if for the first time)"
            ))
        };
        let m: Manifest = serde_json::from_slice(bytes).map_err(|e| bad(e.to_string()))?;
        if m.version > MANIFEST_VERSION {
            return Err(bad(format!(
                "version {} is newer than this lanmu understands ({MANIFEST_VERSION}); upgrade lanmu",
                m.version
            )));
        }
        for p in m.files.keys().chain(&m.pending) {
            if !safe_rel(p) {
                return Err(bad(format!("unsafe path `{p}`")));
            }
        }
        Ok(m)
    }

    /// Pretty JSON with a final newline.
    pub fn to_json(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).unwrap_or_default();
        v.push(b'\n');
        v
    }
}

/// A relative `/`-separated path with plain components only.
fn safe_rel(p: &str) -> bool {
    !p.is_empty()
        && !p.contains('\\')
        && !p.contains(['\n', '\r', '\0'])
        && !p.starts_with('/')
        && p.split('/').all(|s| !s.is_empty() && s != "." && s != "..")
        && Path::new(p)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// Where a deploy goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A local or mounted folder.
    Folder(PathBuf),
    /// An SFTP account.
    Sftp(SftpUrl),
}

impl Target {
    /// Parses `sftp://…`, `file:///…` or a folder path (relative paths are
    /// taken from `base`).
    pub fn parse(s: &str, base: &Path) -> Result<Target> {
        let s = s.trim();
        if s.is_empty() {
            return Err(Error::Other("发布目标为空 (empty deploy target)".into()));
        }
        let lower = s.to_ascii_lowercase();
        if lower.starts_with("sftp://") {
            return SftpUrl::parse(s).map(Target::Sftp);
        }
        if let Some(rest) = lower.strip_prefix("file://").map(|_| &s[7..]) {
            let rest = rest.strip_prefix("localhost").unwrap_or(rest);
            if !rest.starts_with('/') {
                return Err(Error::Other(format!(
                    "无法识别的 file 网址 `{s}`，应写成 file:///路径 (file URLs look like file:///path)"
                )));
            }
            let decoded = crate::slug::decode_path(rest);
            // `file:///C:/www` on Windows.
            let path = if decoded.len() > 2 && decoded.as_bytes()[2] == b':' {
                PathBuf::from(&decoded[1..])
            } else {
                PathBuf::from(decoded)
            };
            return Ok(Target::Folder(path));
        }
        if let Some(scheme) = lower.split_once("://").map(|x| x.0)
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '+')
        {
            return Err(Error::Other(format!(
                "不支持的发布目标 `{s}`：只支持文件夹路径、file:/// 和 sftp://（FTP 不加密，不支持）\n(unsupported deploy target: use a folder, file:/// or sftp://)"
            )));
        }
        let p = PathBuf::from(s);
        Ok(Target::Folder(if p.is_absolute() {
            p
        } else {
            base.join(p)
        }))
    }

    /// The target as shown to people.
    pub fn describe(&self) -> String {
        match self {
            Target::Folder(p) => p.display().to_string(),
            Target::Sftp(u) => u.to_string(),
        }
    }
}

/// What a deploy will do.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The target as shown.
    pub target: String,
    /// New files.
    pub upload: Vec<String>,
    /// Files that exist on the target with other content (or unknown
    /// content after an interrupted deploy).
    pub update: Vec<String>,
    /// Files lanmu published that the build no longer has.
    pub delete: Vec<String>,
    /// Files lanmu published that the build no longer has but that were
    /// changed on the target since: kept (folder targets only).
    pub kept: Vec<String>,
    /// Files already identical.
    pub unchanged: usize,
    /// Temporary files of an interrupted deploy, to remove.
    pub stale: Vec<String>,
    /// The manifest found on the target.
    pub old: Option<Manifest>,
    /// The manifest of the build.
    pub new: Manifest,
}

impl Plan {
    /// True when the target already matches the build.
    pub fn is_noop(&self) -> bool {
        self.upload.is_empty()
            && self.update.is_empty()
            && self.delete.is_empty()
            && self.stale.is_empty()
            && self
                .old
                .as_ref()
                .is_some_and(|o| o.files == self.new.files && o.pending.is_empty())
    }

    /// Files to transfer, in upload order: assets first, then pages, then
    /// feeds, the sitemap and other text files, so no page links to a file
    /// not there yet and feeds announce pages that exist.
    pub fn transfers(&self) -> Vec<&str> {
        let mut all: Vec<&str> = self
            .upload
            .iter()
            .chain(&self.update)
            .map(String::as_str)
            .collect();
        all.sort_by_key(|p| (upload_class(p), *p));
        all
    }

    /// The plan as shown before confirming, in the site language; lists
    /// are cut at 30 entries each unless `full`.
    pub fn render(&self, lang: Lang, full: bool) -> String {
        let show = if full { usize::MAX } else { 30 };
        let mut s = String::new();
        match lang {
            Lang::Zh => s.push_str(&format!("发布到 {}\n", self.target)),
            Lang::En => s.push_str(&format!("Deploy to {}\n", self.target)),
        }
        let list = |s: &mut String, mark: &str, items: &[String]| {
            for p in items.iter().take(show) {
                s.push_str(&format!("  {mark} {p}\n"));
            }
            if items.len() > show {
                let more = items.len() - show;
                s.push_str(&match lang {
                    Lang::Zh => format!("  {mark} ……另有 {more} 个\n"),
                    Lang::En => format!("  {mark} … and {more} more\n"),
                });
            }
        };
        list(&mut s, "+", &self.upload);
        list(&mut s, "~", &self.update);
        list(&mut s, "-", &self.delete);
        if !self.kept.is_empty() {
            s.push_str(&match lang {
                Lang::Zh => {
                    "以下文件已不在生成结果中，但目标上的内容在上次发布后被改动过，予以保留：\n"
                        .to_string()
                }
                Lang::En => {
                    "No longer built but changed on the target since the last deploy, so kept:\n"
                        .to_string()
                }
            });
            list(&mut s, "=", &self.kept);
        }
        let (n, m, k, u) = (
            self.upload.len(),
            self.update.len(),
            self.delete.len(),
            self.unchanged,
        );
        s.push_str(&match lang {
            Lang::Zh => format!("上传 {n} 个新文件，更新 {m} 个，删除 {k} 个；{u} 个未变。\n"),
            Lang::En => format!("{n} to upload, {m} to update, {k} to delete; {u} unchanged.\n"),
        });
        if !self.stale.is_empty() {
            let t = self.stale.len();
            s.push_str(&match lang {
                Lang::Zh => format!("另将清理上次中断留下的 {t} 个临时文件。\n"),
                Lang::En => {
                    format!("{t} temporary file(s) of an interrupted deploy will be removed.\n")
                }
            });
        }
        s
    }
}

fn upload_class(p: &str) -> u8 {
    let ext = p
        .rsplit_once('.')
        .map(|x| x.1.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => 1,
        "xml" | "txt" | "json" => 2,
        _ => 0,
    }
}

/// What the target holds at a path, as far as can be told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    Missing,
    Same,
    Different,
}

/// Publishes one build folder to one target.
pub struct Deployer {
    /// The build output (`public/`).
    pub build_dir: PathBuf,
    /// Where it goes.
    pub target: Target,
    /// SFTP authentication and client settings.
    pub auth: SftpAuth,
    /// Site language for messages.
    pub lang: Lang,
    /// Test hook: stop after this many files were transferred, leaving the
    /// next one as a temporary file, as an interrupted deploy would.
    #[doc(hidden)]
    pub fail_after: Option<usize>,
}

impl Deployer {
    /// A deployer with authentication from the environment.
    pub fn new(build_dir: impl Into<PathBuf>, target: Target) -> Deployer {
        Deployer {
            build_dir: build_dir.into(),
            target,
            auth: SftpAuth::from_env(),
            lang: Lang::Zh,
            fail_after: None,
        }
    }

    /// Reads the target and compares it with the build. Changes nothing.
    pub fn plan(&mut self) -> Result<Plan> {
        let build = scan_dir(&self.build_dir)?;
        if build.is_empty() {
            return Err(Error::Other(format!(
                "{} 是空的：请先运行 lanmu build\n({} is empty: run lanmu build first)",
                self.build_dir.display(),
                self.build_dir.display()
            )));
        }
        let new = Manifest::new(build);
        let desc = self.target.describe();
        match &self.target {
            Target::Folder(root) => plan_folder(root, new, desc),
            Target::Sftp(url) => {
                let old = match sftp::fetch_manifest(url, &mut self.auth)? {
                    Some(bytes) => Some(Manifest::parse(&bytes, &desc)?),
                    None => None,
                };
                Ok(plan_by_manifest(old, new, desc))
            }
        }
    }

    /// Carries out `plan`.
    pub fn apply(&mut self, plan: &Plan) -> Result<()> {
        match &self.target {
            Target::Folder(root) => apply_folder(root, &self.build_dir, plan, self.fail_after),
            Target::Sftp(url) => sftp::apply(
                url,
                &mut self.auth,
                &self.build_dir,
                plan,
                self.fail_after,
                self.lang,
            ),
        }
    }
}

/// The manifests written during a deploy: before uploads, after uploads,
/// after deletions.
pub(crate) fn stage_manifests(plan: &Plan) -> (Manifest, Manifest, Manifest) {
    let old_files = plan
        .old
        .as_ref()
        .map(|o| o.files.clone())
        .unwrap_or_default();
    let mut pending: BTreeSet<String> = plan
        .old
        .as_ref()
        .map(|o| o.pending.iter().cloned().collect())
        .unwrap_or_default();
    pending.extend(plan.upload.iter().cloned());
    pending.extend(plan.update.iter().cloned());
    let mut before = Manifest::new(old_files);
    before.pending = pending.into_iter().collect();
    let mut after = plan.new.clone();
    after.pending = plan.delete.clone();
    let done = plan.new.clone();
    (before, after, done)
}

/// Files listed by the old manifest (published or pending) that the build
/// no longer has.
fn gone<'a>(old: Option<&'a Manifest>, new: &Manifest) -> Vec<&'a str> {
    let Some(o) = old else { return Vec::new() };
    let set: BTreeSet<&str> = o
        .files
        .keys()
        .chain(&o.pending)
        .map(String::as_str)
        .collect();
    set.into_iter()
        .filter(|p| !new.files.contains_key(*p))
        .collect()
}

fn classify(plan: &mut Plan, path: &str, found: Found) {
    match found {
        Found::Missing => plan.upload.push(path.to_string()),
        Found::Different => plan.update.push(path.to_string()),
        Found::Same => plan.unchanged += 1,
    }
}

fn empty_plan(old: Option<Manifest>, new: Manifest, target: String) -> Plan {
    Plan {
        target,
        upload: Vec::new(),
        update: Vec::new(),
        delete: Vec::new(),
        kept: Vec::new(),
        unchanged: 0,
        stale: Vec::new(),
        old,
        new,
    }
}

/// Plans from the manifest alone (SFTP: remote content is not read).
fn plan_by_manifest(old: Option<Manifest>, new: Manifest, target: String) -> Plan {
    let mut plan = empty_plan(old, new, target);
    let old = plan.old.clone();
    let pending: BTreeSet<&str> = old
        .iter()
        .flat_map(|o| o.pending.iter().map(String::as_str))
        .collect();
    for (path, entry) in &plan.new.files.clone() {
        let found = match old.as_ref().and_then(|o| o.files.get(path)) {
            Some(e) if e == entry && !pending.contains(path.as_str()) => Found::Same,
            Some(_) => Found::Different,
            None if pending.contains(path.as_str()) => Found::Different,
            None => Found::Missing,
        };
        classify(&mut plan, path, found);
    }
    plan.delete = gone(old.as_ref(), &plan.new)
        .into_iter()
        .map(String::from)
        .collect();
    plan.stale = old
        .iter()
        .flat_map(|o| o.pending.iter().map(|p| tmp_name(p)))
        .collect();
    plan
}

fn read_manifest_file(root: &Path, target: &str) -> Result<Option<Manifest>> {
    let path = root.join(MANIFEST);
    match std::fs::read(&path) {
        Ok(bytes) => Manifest::parse(&bytes, target).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(&path, e)),
    }
}

/// Plans a folder deploy by comparing actual file contents.
fn plan_folder(root: &Path, new: Manifest, target: String) -> Result<Plan> {
    if root.exists() && !root.is_dir() {
        return Err(Error::Other(format!(
            "发布目标 {target} 不是文件夹 (the deploy target is not a folder)"
        )));
    }
    let old = if root.is_dir() {
        read_manifest_file(root, &target)?
    } else {
        None
    };
    let mut plan = empty_plan(old, new, target);
    for (path, entry) in &plan.new.files.clone() {
        let dest = root.join(path);
        let found = match std::fs::metadata(&dest) {
            Ok(m) if m.is_file() && m.len() == entry.size => {
                if super::hash_file(&dest)?.sha256 == entry.sha256 {
                    Found::Same
                } else {
                    Found::Different
                }
            }
            Ok(_) => Found::Different,
            Err(_) => Found::Missing,
        };
        classify(&mut plan, path, found);
    }
    let old = plan.old.clone();
    for path in gone(old.as_ref(), &plan.new) {
        let dest = root.join(path);
        if !dest.is_file() {
            continue;
        }
        let published = old.as_ref().and_then(|o| o.files.get(path));
        let pending = old
            .as_ref()
            .is_some_and(|o| o.pending.iter().any(|p| p == path));
        match published {
            Some(e) if !pending && super::hash_file(&dest)? != *e => {
                plan.kept.push(path.to_string())
            }
            _ => plan.delete.push(path.to_string()),
        }
    }
    if root.is_dir() {
        for e in walkdir::WalkDir::new(root)
            .min_depth(1)
            .into_iter()
            .flatten()
        {
            if e.file_type().is_file() && is_tmp_name(&e.file_name().to_string_lossy()) {
                let rel = e.path().strip_prefix(root).unwrap_or(e.path());
                plan.stale.push(crate::output::key(rel));
            }
        }
        plan.stale.sort();
    }
    Ok(plan)
}

fn write_manifest_file(root: &Path, m: &Manifest) -> Result<()> {
    let tmp = root.join(tmp_name(MANIFEST));
    std::fs::write(&tmp, m.to_json()).map_err(|e| Error::io(&tmp, e))?;
    let dest = root.join(MANIFEST);
    std::fs::rename(&tmp, &dest).map_err(|e| Error::io(&dest, e))
}

/// Removes `rel`'s folders below `root` while they are empty.
fn prune_empty(root: &Path, rel: &str) {
    let mut cur = Path::new(rel).parent();
    while let Some(dir) = cur {
        if dir.as_os_str().is_empty() {
            break;
        }
        if std::fs::remove_dir(root.join(dir)).is_err() {
            break;
        }
        cur = dir.parent();
    }
}

fn apply_folder(
    root: &Path,
    build_dir: &Path,
    plan: &Plan,
    fail_after: Option<usize>,
) -> Result<()> {
    if !root.is_dir() {
        // Create only the last component: a missing parent is usually a
        // share that is not mounted, and writing there would go to local disk.
        let parent = root
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if !parent.is_dir() {
            return Err(Error::Other(format!(
                "目标的上级文件夹 {} 不存在：共享文件夹是否已挂载？\n(the parent folder of the target does not exist: is the share mounted?)",
                parent.display()
            )));
        }
        std::fs::create_dir(root).map_err(|e| Error::io(root, e))?;
    }
    let (before, after, done) = stage_manifests(plan);
    write_manifest_file(root, &before)?;
    for rel in &plan.stale {
        let p = root.join(rel);
        match std::fs::remove_file(&p) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(Error::io(&p, e)),
            _ => {}
        }
    }
    for (i, rel) in plan.transfers().into_iter().enumerate() {
        let src = build_dir.join(rel);
        let dest = root.join(rel);
        let tmp = root.join(tmp_name(rel));
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        if dest.is_dir() {
            return Err(Error::Other(format!(
                "目标上的 {} 是文件夹，无法用同名文件替换 (is a folder on the target)",
                dest.display()
            )));
        }
        std::fs::copy(&src, &tmp).map_err(|e| Error::io(&tmp, e))?;
        if fail_after == Some(i) {
            return Err(Error::Other(format!(
                "deploy interrupted after {i} file(s) (test hook)"
            )));
        }
        std::fs::rename(&tmp, &dest).map_err(|e| Error::io(&dest, e))?;
    }
    write_manifest_file(root, &after)?;
    for rel in &plan.delete {
        let p = root.join(rel);
        match std::fs::remove_file(&p) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(Error::io(&p, e)),
            _ => prune_empty(root, rel),
        }
    }
    if after != done {
        write_manifest_file(root, &done)?;
    }
    Ok(())
}

/// `lanmu deploy` options.
#[derive(Debug, Clone)]
pub struct DeployArgs {
    /// Site root (holds `config.yaml`).
    pub root: PathBuf,
    /// Build folder (default `<root>/public`).
    pub output: Option<PathBuf>,
    /// Target replacing `deploy.target`.
    pub to: Option<String>,
    /// Only show the plan.
    pub dry_run: bool,
    /// Do not ask (CI).
    pub yes: bool,
}

fn msg(lang: Lang, zh: String, en: String) -> String {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// Refuses folder targets that would mix the build with itself or the site.
fn check_folder_target(root: &Path, build_dir: &Path, target: &Path) -> Result<()> {
    crate::output::check_output_dir(root, target)?;
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (b, t) = (canon(build_dir), canon(target));
    if t.starts_with(&b) || b.starts_with(&t) {
        return Err(Error::UnsafeOutput(format!(
            "发布目标 {} 与生成目录 {} 重叠，请换一个文件夹\n(the deploy target overlaps the build folder)",
            target.display(),
            build_dir.display()
        )));
    }
    Ok(())
}

fn prompt_password(host: &str) -> Option<String> {
    if !std::io::stdin().is_terminal() {
        return None;
    }
    rpassword::prompt_password(format!(
        "{host} 的密码或私钥口令 (password or key passphrase): "
    ))
    .ok()
    .filter(|p| !p.is_empty())
}

/// Runs `lanmu deploy`; the result is the exit code (0 done or nothing to
/// do, 1 cancelled).
pub fn run(args: &DeployArgs) -> Result<u8> {
    let start = Instant::now();
    let config = match Config::load(&args.root) {
        Ok(c) => Some(c),
        Err(_) if args.to.is_some() => None,
        Err(e) => return Err(e),
    };
    let lang = config.as_ref().map_or(Lang::Zh, |c| c.lang);
    let (spec, base) = match (
        &args.to,
        config.as_ref().and_then(|c| c.deploy.target.clone()),
    ) {
        (Some(t), _) => (t.clone(), std::env::current_dir().unwrap_or_default()),
        (None, Some(t)) => (t, args.root.clone()),
        (None, None) => {
            return Err(Error::Other(
                "没有发布目标：在 config.yaml 中写 `deploy: {target: sftp://用户@主机/路径}`，或用 --to 指定\n(no deploy target: set deploy.target in config.yaml or pass --to)"
                    .into(),
            ));
        }
    };
    let build_dir = args
        .output
        .clone()
        .unwrap_or_else(|| args.root.join("public"));
    if !build_dir.join("index.html").is_file() {
        return Err(Error::Other(format!(
            "{} 中没有生成结果：请先运行 lanmu build\n(no build in {}: run lanmu build first)",
            build_dir.display(),
            build_dir.display()
        )));
    }
    let target = Target::parse(&spec, &base)?;
    if let Target::Folder(t) = &target {
        check_folder_target(&args.root, &build_dir, t)?;
    }
    let mut d = Deployer::new(&build_dir, target);
    d.lang = lang;
    if std::io::stdin().is_terminal() && !args.yes {
        d.auth.prompt = Some(prompt_password);
    }
    let plan = d.plan()?;
    print!("{}", plan.render(lang, args.dry_run));
    if plan.is_noop() {
        println!(
            "{}",
            msg(
                lang,
                "目标已是最新，无需发布。".into(),
                "The target is up to date.".into()
            )
        );
        return Ok(0);
    }
    if args.dry_run {
        println!(
            "{}",
            msg(
                lang,
                "（--dry-run：只显示计划，未做任何改动）".into(),
                "(--dry-run: nothing was changed)".into()
            )
        );
        return Ok(0);
    }
    if !args.yes {
        if !std::io::stdin().is_terminal() {
            return Err(Error::Other(
                "没有终端可以确认发布：在 CI 或脚本中请加 --yes（可先用 --dry-run 查看计划）\n(no terminal to confirm the deploy on: pass --yes in CI and scripts, or --dry-run to see the plan)"
                    .into(),
            ));
        }
        print!(
            "{}",
            msg(lang, "确认发布？[y/N] ".into(), "Deploy now? [y/N] ".into())
        );
        use std::io::Write;
        let _ = std::io::stdout().flush();
        let mut answer = String::new();
        let _ = std::io::stdin().read_line(&mut answer);
        let a = answer.trim().to_lowercase();
        if !matches!(a.as_str(), "y" | "yes" | "是" | "好" | "确认") {
            println!(
                "{}",
                msg(
                    lang,
                    "已取消，未做任何改动。".into(),
                    "Cancelled; nothing was changed.".into()
                )
            );
            return Ok(1);
        }
    }
    d.apply(&plan).map_err(|e| {
        Error::Other(msg(
            lang,
            format!("发布中断：{e}\n已发布的文件都是完整的；重新运行 lanmu deploy 即可继续。"),
            format!("deploy interrupted: {e}\nEvery published file is complete; run lanmu deploy again to resume."),
        ))
    })?;
    let secs = start.elapsed().as_secs_f64();
    let (n, m, k) = (plan.upload.len(), plan.update.len(), plan.delete.len());
    println!(
        "{}",
        msg(
            lang,
            format!("发布完成：上传 {n} 个，更新 {m} 个，删除 {k} 个，用时 {secs:.1} 秒"),
            format!("Deployed: {n} uploaded, {m} updated, {k} deleted in {secs:.1} s"),
        )
    );
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        let base = Path::new("/site");
        assert_eq!(
            Target::parse("/mnt/webroot/dangjian", base).unwrap(),
            Target::Folder("/mnt/webroot/dangjian".into())
        );
        assert_eq!(
            Target::parse("out", base).unwrap(),
            Target::Folder("/site/out".into())
        );
        assert_eq!(
            Target::parse("file:///srv/%E5%85%9A%E5%BB%BA", base).unwrap(),
            Target::Folder("/srv/党建".into())
        );
        assert!(matches!(
            Target::parse("sftp://u@h:2222/var/www", base).unwrap(),
            Target::Sftp(_)
        ));
        assert!(Target::parse("ftp://h/x", base).is_err());
    }

    #[test]
    fn manifest_paths_are_checked() {
        let ok = br#"{"version":1,"files":{"a/b.html":{"size":1,"sha256":"00"}}}"#;
        assert!(Manifest::parse(ok, "t").is_ok());
        for bad in ["../x", "/etc/passwd", "a/../../x", "a\\b", ""] {
            let j = format!(
                r#"{{"version":1,"files":{{"{}":{{"size":1,"sha256":"00"}}}}}}"#,
                bad.replace('\\', "\\\\")
            );
            assert!(Manifest::parse(j.as_bytes(), "t").is_err(), "{bad}");
        }
        assert!(Manifest::parse(br#"{"version":9,"files":{}}"#, "t").is_err());
    }

    #[test]
    fn manifest_plan() {
        let e = |s: &str| FileEntry {
            size: 1,
            sha256: s.into(),
        };
        let mut old = Manifest::new(BTreeMap::from([
            ("a".into(), e("1")),
            ("b".into(), e("2")),
            ("gone".into(), e("3")),
        ]));
        old.pending = vec!["c".into(), "x".into()];
        let new = Manifest::new(BTreeMap::from([
            ("a".into(), e("1")),
            ("b".into(), e("9")),
            ("c".into(), e("4")),
            ("d".into(), e("5")),
        ]));
        let p = plan_by_manifest(Some(old), new, "t".into());
        assert_eq!(p.unchanged, 1);
        assert_eq!(p.update, vec!["b", "c"]);
        assert_eq!(p.upload, vec!["d"]);
        assert_eq!(p.delete, vec!["gone", "x"]);
        assert_eq!(p.stale, vec![".c.lanmu-tmp", ".x.lanmu-tmp"]);
        let (before, after, done) = stage_manifests(&p);
        assert_eq!(before.pending, vec!["b", "c", "d", "x"]);
        assert_eq!(after.pending, vec!["gone", "x"]);
        assert!(done.pending.is_empty());
    }
}
