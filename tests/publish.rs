//! Publishing: relative links, zip archives, and deploys to a folder and to
//! a real OpenSSH server on 127.0.0.1.

use std::collections::BTreeMap;
use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use lanmu::pipeline::{self, BuildOptions};
use lanmu::publish::deploy::{Deployer, Manifest, Target};
use lanmu::publish::sftp::{SftpAuth, SftpUrl};
use lanmu::publish::{MANIFEST, scan_dir};

const BIN: &str = env!("CARGO_BIN_EXE_lanmu");

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0xd, 0xa, 0x1a, 0xa, 0x0, 0x0, 0x0, 0xd, 0x49, 0x48, 0x44, 0x52, 0x0,
    0x0, 0x0, 0x1, 0x0, 0x0, 0x0, 0x1, 0x8, 0x2, 0x0, 0x0, 0x0, 0x90, 0x77, 0x53, 0xde, 0x0, 0x0,
    0x0, 0xc, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xd8, 0x2e, 0x23, 0x3, 0x0, 0x2, 0x7d, 0x0,
    0xf0, 0xf1, 0x58, 0xce, 0x9b, 0x0, 0x0, 0x0, 0x0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60,
    0x82,
];

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

/// A small site with Chinese folder and file names (`slugify: unicode`),
/// a page bundle with an image, pagination, an alias and a static CSS file
/// with root-relative `url()`s.
fn fixture(dir: &Path, extra_config: &str) -> PathBuf {
    let root = dir.join("site");
    write(
        &root,
        "config.yaml",
        format!(
            "title: 测试学生党支部学习专栏\nbase_url: https://www.example.edu.cn/dangjian/\nslugify: unicode\npaginate_by: 2\ntaxonomies: [tags]\n{extra_config}"
        )
        .as_bytes(),
    );
    write(
        &root,
        "content/_index.md",
        "---\ntitle: 首页\n---\n\n欢迎来到学习专栏。\n".as_bytes(),
    );
    write(
        &root,
        "content/学习心得/_index.md",
        "---\ntitle: 学习心得\n---\n\n学习体会。\n".as_bytes(),
    );
    for (i, name) in ["第一篇", "第二篇", "第三篇"].iter().enumerate() {
        write(
            &root,
            &format!("content/学习心得/{name}.md"),
            format!(
                "---\ntitle: {name}体会\ndate: 2024-05-0{}\ntags: [党史学习]\n{}---\n\n这是{name}的正文{}。\n\n## 正文\n\n内容。\n",
                i + 1,
                if i == 0 { "aliases: [old/news/1.html]\n" } else { "" },
                if i == 0 { "，见[第二篇](第二篇.md#正文)" } else { "" }
            )
            .as_bytes(),
        );
    }
    write(
        &root,
        "content/先进事迹/_index.md",
        "---\ntitle: 先进事迹\n---\n".as_bytes(),
    );
    write(
        &root,
        "content/先进事迹/李同学/index.md",
        "---\ntitle: 李同学\ndate: 2024-04-01\ntags: [榜样]\n---\n\n![照片](照片.png)\n\n事迹介绍。\n".as_bytes(),
    );
    write(&root, "content/先进事迹/李同学/照片.png", PNG);
    write(
        &root,
        "static/css/extra.css",
        b"body{background:url(\"/dangjian/img/bg.png\")}\n.x{background:url(/dangjian/img/%E8%83%8C%E6%99%AF.png)}\n",
    );
    write(&root, "static/img/bg.png", PNG);
    write(&root, "static/img/背景.png", PNG);
    root
}

fn build(root: &Path, out: &Path) {
    if let Err(e) = pipeline::build(&BuildOptions {
        output: Some(out.to_path_buf()),
        ..BuildOptions::new(root)
    }) {
        panic!("build failed: {e:?}");
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

fn files_with_ext(out: &Path, ext: &str) -> Vec<String> {
    let mut v: Vec<String> = walkdir::WalkDir::new(out)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == ext))
        .map(|e| {
            e.path()
                .strip_prefix(out)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    v.sort();
    v
}

fn is_external(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    [
        "http://",
        "https://",
        "mailto:",
        "tel:",
        "data:",
        "javascript:",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
}

/// Resolves a relative URL from output file `from` the way a browser does
/// for `file://`: folders are not served, so the target must be a file.
fn resolve(out: &Path, from: &str, url: &str) -> Result<(), String> {
    let path = url.split(['#', '?']).next().unwrap();
    if path.is_empty() {
        return Ok(());
    }
    if path.starts_with('/') {
        return Err(format!("{from}: `{url}` is root-relative"));
    }
    let decoded = percent_decode(path);
    if decoded.ends_with('/') {
        return Err(format!(
            "{from}: `{url}` links a folder (file:// has no index pages)"
        ));
    }
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(format!("{from}: `{url}` leaves the output folder"));
                }
            }
            s => parts.push(s),
        }
    }
    let target = out.join(parts.join("/"));
    if target.is_file() {
        Ok(())
    } else {
        Err(format!(
            "{from}: `{url}` → {} does not exist",
            target.display()
        ))
    }
}

/// Checks every link of every HTML and CSS file below `out`; returns the
/// number of internal links checked.
fn assert_all_relative(out: &Path) -> usize {
    let sel =
        scraper::Selector::parse("[href], [src], [srcset], [poster], [action], meta[http-equiv]")
            .unwrap();
    let canonical =
        scraper::Selector::parse(r#"link[rel="canonical"], meta[property="og:url"]"#).unwrap();
    let mut problems = Vec::new();
    let mut checked = 0;
    for rel in files_with_ext(out, "html") {
        let text = std::fs::read_to_string(out.join(&rel)).unwrap();
        let doc = scraper::Html::parse_document(&text);
        for el in doc.select(&canonical) {
            let v = el
                .value()
                .attr("href")
                .or(el.value().attr("content"))
                .unwrap_or("");
            if !v.starts_with("https://www.example.edu.cn/dangjian/") {
                problems.push(format!("{rel}: canonical/og:url `{v}` is not absolute"));
            }
        }
        for el in doc.select(&sel) {
            let e = el.value();
            let mut urls: Vec<String> = Vec::new();
            for a in ["href", "src", "poster", "action"] {
                if let Some(v) = e.attr(a) {
                    urls.push(v.trim().to_string());
                }
            }
            if let Some(v) = e.attr("srcset") {
                urls.extend(
                    v.split(',')
                        .filter_map(|c| c.split_whitespace().next())
                        .map(String::from),
                );
            }
            if e.attr("http-equiv")
                .is_some_and(|h| h.eq_ignore_ascii_case("refresh"))
                && let Some(c) = e.attr("content")
                && let Some(i) = c.to_ascii_lowercase().find("url=")
            {
                urls.push(c[i + 4..].trim().to_string());
            }
            let is_canonical = e.name() == "link" && e.attr("rel") == Some("canonical");
            for u in urls {
                if is_external(&u) || u.starts_with('#') || is_canonical {
                    continue;
                }
                checked += 1;
                if let Err(p) = resolve(out, &rel, &u) {
                    problems.push(p);
                }
            }
        }
    }
    for rel in files_with_ext(out, "css") {
        let css = std::fs::read_to_string(out.join(&rel)).unwrap();
        for part in css.split("url(").skip(1) {
            let u = part
                .split(')')
                .next()
                .unwrap()
                .trim()
                .trim_matches(['"', '\'']);
            if is_external(u) || u.starts_with('#') {
                continue;
            }
            checked += 1;
            if let Err(p) = resolve(out, &rel, u) {
                problems.push(p);
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
    checked
}

#[test]
fn relative_build_of_the_demo_site_links_only_existing_files() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    // `build` wraps its sink the same way when `relative_urls` is on.
    let (site, paths, mut templates) =
        pipeline::load(&BuildOptions::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    std::fs::create_dir_all(&out).unwrap();
    let dir = lanmu::output::DirSink::new(out.clone());
    let sink = lanmu::publish::relative::RelativeSink::new(&dir, &site.config.base_path);
    pipeline::render_into(&site, &paths, &mut templates, &sink).unwrap();
    let n = assert_all_relative(&out);
    assert!(n > 500, "only {n} links checked");
    // Feeds and the sitemap stay absolute.
    let rss = std::fs::read_to_string(out.join("rss.xml")).unwrap();
    assert!(
        rss.contains("<link>https://www.example.edu.cn/dangjian/"),
        "{rss}"
    );
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>https://www.example.edu.cn/dangjian/"));
    // The alias page's refresh target is relative too.
    let alias = std::fs::read_to_string(out.join("xianjin/2023-123.html")).unwrap();
    assert!(alias.contains("url=wang-si-qi/index.html"), "{alias}");
}

#[test]
fn relative_urls_from_config_with_chinese_paths() {
    let t = tempfile::tempdir().unwrap();
    let root = fixture(t.path(), "relative_urls: true\n");
    let out = t.path().join("out");
    build(&root, &out);
    assert!(assert_all_relative(&out) > 50);
    let page = std::fs::read_to_string(out.join("学习心得/第一篇/index.html")).unwrap();
    assert!(page.contains(r#"href="../../style.css""#), "{page}");
    assert!(
        page.contains(r#"href="../%E7%AC%AC%E4%BA%8C%E7%AF%87/index.html#"#),
        "{page}"
    );
    let bundle = std::fs::read_to_string(out.join("先进事迹/李同学/index.html")).unwrap();
    assert!(
        bundle.contains(r#"src="%E7%85%A7%E7%89%87.png""#),
        "{bundle}"
    );
    let css = std::fs::read_to_string(out.join("css/extra.css")).unwrap();
    assert_eq!(
        css,
        "body{background:url(\"../img/bg.png\")}\n.x{background:url(../img/%E8%83%8C%E6%99%AF.png)}\n"
    );
    let feed = std::fs::read_to_string(out.join("学习心得/rss.xml")).unwrap();
    assert!(
        feed.contains("https://www.example.edu.cn/dangjian/"),
        "{feed}"
    );

    // Without the option the same site keeps root-relative links.
    let plain = fixture(&t.path().join("plain"), "");
    let out2 = t.path().join("out2");
    build(&plain, &out2);
    let page = std::fs::read_to_string(out2.join("学习心得/第一篇/index.html")).unwrap();
    assert!(page.contains(r#"href="/dangjian/style.css""#));
}

#[test]
fn build_relative_flag_on_the_command_line() {
    let t = tempfile::tempdir().unwrap();
    let root = fixture(t.path(), "");
    let out = t.path().join("out");
    let o = Command::new(BIN)
        .args(["build", "--relative", "--root"])
        .arg(&root)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_all_relative(&out);
}

/// General purpose flags and names of every central directory entry.
fn central_directory(bytes: &[u8]) -> Vec<(u16, String)> {
    let mut v = Vec::new();
    let mut i = 0;
    while i + 46 <= bytes.len() {
        if bytes[i..i + 4] == [0x50, 0x4b, 0x01, 0x02] {
            let flags = u16::from_le_bytes([bytes[i + 8], bytes[i + 9]]);
            let n = u16::from_le_bytes([bytes[i + 28], bytes[i + 29]]) as usize;
            let name = String::from_utf8(bytes[i + 46..i + 46 + n].to_vec()).unwrap();
            v.push((flags, name));
            i += 46 + n;
        } else {
            i += 1;
        }
    }
    v
}

#[test]
fn zip_keeps_chinese_names_and_is_deterministic() {
    let t = tempfile::tempdir().unwrap();
    let root = fixture(t.path(), "");
    let out = root.join("public");
    let zip_path = t.path().join("站点.zip");
    let o = Command::new(BIN)
        .args(["build", "--root"])
        .arg(&root)
        .arg("--zip")
        .arg(&zip_path)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("已打包"));
    let bytes = std::fs::read(&zip_path).unwrap();

    // Read back with the zip crate: every file, same bytes.
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let on_disk = scan_dir(&out).unwrap();
    let mut names = Vec::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        names.push(f.name().to_string());
        if f.is_file() {
            let mut content = Vec::new();
            f.read_to_end(&mut content).unwrap();
            assert_eq!(
                content,
                std::fs::read(out.join(f.name())).unwrap(),
                "{}",
                f.name()
            );
        }
    }
    assert!(
        names.contains(&"学习心得/第一篇/index.html".to_string()),
        "{names:?}"
    );
    assert!(names.contains(&"先进事迹/李同学/照片.png".to_string()));
    assert!(names.contains(&"学习心得/".to_string()));
    let files: Vec<&String> = names.iter().filter(|n| !n.ends_with('/')).collect();
    assert_eq!(files.len(), on_disk.len());
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "entries are in a stable order");

    // UTF-8 flag (bit 11) on every non-ASCII name.
    let cd = central_directory(&bytes);
    assert_eq!(cd.len(), names.len());
    for (flags, name) in &cd {
        if !name.is_ascii() {
            assert_ne!(flags & 0x0800, 0, "{name} lacks the UTF-8 flag");
        }
    }

    // Deterministic: zipping the same output again gives the same bytes.
    let again = t.path().join("again.zip");
    lanmu::publish::zip::zip_dir(&out, &again).unwrap();
    assert_eq!(std::fs::read(&again).unwrap(), bytes);

    // `unzip -l` shows the Chinese names, when unzip is installed.
    match Command::new("unzip")
        .env("LC_ALL", "C.UTF-8")
        .arg("-l")
        .arg(&zip_path)
        .output()
    {
        Ok(o) if o.status.success() => {
            let listing = String::from_utf8_lossy(&o.stdout);
            assert!(listing.contains("学习心得/第一篇/index.html"), "{listing}");
            assert!(listing.contains("1980-01-01"), "{listing}");
        }
        _ => eprintln!("note: unzip not installed; skipped the unzip -l check"),
    }

    // A zip inside the output folder is refused.
    assert!(lanmu::publish::zip::zip_dir(&out, &out.join("x.zip")).is_err());
}

/// Files of a deploy target, without the manifest and the site owner's files.
fn target_state(dir: &Path, ignore: &[&str]) -> BTreeMap<String, lanmu::publish::FileEntry> {
    let mut m = scan_dir(dir).unwrap();
    for i in ignore {
        m.remove(*i);
    }
    m
}

fn tmp_files(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| {
            e.file_type().is_file() && lanmu::publish::is_tmp_name(&e.file_name().to_string_lossy())
        })
        .map(|e| e.path().display().to_string())
        .collect()
}

fn deploy_cli(root: &Path, to: &str, extra: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(["deploy", "--root"])
        .arg(root)
        .args(["--to", to])
        .args(extra)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// Paths whose content differs between two scans (or exist in one only).
fn changed(
    a: &BTreeMap<String, lanmu::publish::FileEntry>,
    b: &BTreeMap<String, lanmu::publish::FileEntry>,
) -> Vec<String> {
    let mut v: Vec<String> = b
        .iter()
        .filter(|(k, e)| a.get(*k) != Some(e))
        .map(|(k, _)| k.clone())
        .collect();
    v.sort();
    v
}

#[test]
fn deploy_to_a_folder() {
    let t = tempfile::tempdir().unwrap();
    let root = fixture(t.path(), "");
    let public = root.join("public");
    build(&root, &public);
    let webroot = t.path().join("webroot");
    let target = webroot.join("dangjian");
    std::fs::create_dir_all(&target).unwrap();
    // A file the site owner put there: lanmu never deletes it.
    write(&target, "notice.txt", "学院通知".as_bytes());
    let to = target.to_str().unwrap();

    // --dry-run shows the plan and changes nothing.
    let o = deploy_cli(&root, to, &["--dry-run"]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let n = scan_dir(&public).unwrap().len();
    assert!(
        stdout.contains(&format!("上传 {n} 个新文件，更新 0 个，删除 0 个")),
        "{stdout}"
    );
    assert!(stdout.contains("+ 学习心得/第一篇/index.html"), "{stdout}");
    assert_eq!(scan_dir(&target).unwrap().len(), 1);

    // No terminal and no --yes: refused, nothing changed.
    let o = deploy_cli(&root, to, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--yes"));
    assert_eq!(scan_dir(&target).unwrap().len(), 1);

    // Deploy.
    let o = deploy_cli(&root, to, &["--yes"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("发布完成"));
    assert_eq!(
        target_state(&target, &["notice.txt"]),
        scan_dir(&public).unwrap()
    );
    let manifest = Manifest::parse(&std::fs::read(target.join(MANIFEST)).unwrap(), "t").unwrap();
    assert_eq!(manifest.version, 1);
    assert_eq!(manifest.files, scan_dir(&public).unwrap());
    assert!(manifest.pending.is_empty());

    // Again: nothing to do.
    let o = deploy_cli(&root, to, &["--yes"]);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("已是最新"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );

    // Change one page: only it and the lists and feeds that show it change.
    let before = scan_dir(&public).unwrap();
    let untouched = target.join("先进事迹/李同学/index.html");
    let mtime = std::fs::metadata(&untouched).unwrap().modified().unwrap();
    let page = root.join("content/学习心得/第三篇.md");
    let text = std::fs::read_to_string(&page)
        .unwrap()
        .replace("这是第三篇的正文", "这是修改后的第三篇正文");
    std::fs::write(&page, text).unwrap();
    build(&root, &public);
    let after = scan_dir(&public).unwrap();
    let expected = changed(&before, &after);
    assert!(
        expected.contains(&"学习心得/第三篇/index.html".to_string()),
        "{expected:?}"
    );
    assert!(
        !expected.contains(&"先进事迹/李同学/index.html".to_string()),
        "{expected:?}"
    );
    let mut d = Deployer::new(&public, Target::Folder(target.clone()));
    let plan = d.plan().unwrap();
    assert!(plan.upload.is_empty(), "{:?}", plan.upload);
    assert!(plan.delete.is_empty(), "{:?}", plan.delete);
    assert_eq!(plan.update, expected);
    assert_eq!(plan.unchanged, after.len() - expected.len());
    d.apply(&plan).unwrap();
    assert_eq!(target_state(&target, &["notice.txt"]), after);
    assert_eq!(
        std::fs::metadata(&untouched).unwrap().modified().unwrap(),
        mtime,
        "unchanged files are not rewritten"
    );

    // Delete a page: its files go, the owner's file stays.
    std::fs::remove_file(root.join("content/学习心得/第二篇.md")).unwrap();
    let text = std::fs::read_to_string(root.join("content/学习心得/第一篇.md"))
        .unwrap()
        .replace("[第二篇](第二篇.md#正文)", "第二篇");
    std::fs::write(root.join("content/学习心得/第一篇.md"), text).unwrap();
    build(&root, &public);
    let o = deploy_cli(&root, to, &["--yes"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("- 学习心得/第二篇/index.html"));
    assert!(
        !target.join("学习心得/第二篇").exists(),
        "emptied folders are removed"
    );
    assert_eq!(
        std::fs::read_to_string(target.join("notice.txt")).unwrap(),
        "学院通知"
    );
    assert_eq!(
        target_state(&target, &["notice.txt"]),
        scan_dir(&public).unwrap()
    );

    // A published file changed on the target by someone else is kept when
    // the build drops it.
    write(
        &target,
        "先进事迹/李同学/照片.png",
        b"replaced by the webmaster",
    );
    std::fs::remove_dir_all(root.join("content/先进事迹/李同学")).unwrap();
    build(&root, &public);
    let mut d = Deployer::new(&public, Target::Folder(target.clone()));
    let plan = d.plan().unwrap();
    assert_eq!(plan.kept, vec!["先进事迹/李同学/照片.png"]);
    assert!(
        plan.delete
            .contains(&"先进事迹/李同学/index.html".to_string())
    );
    d.apply(&plan).unwrap();
    assert!(target.join("先进事迹/李同学/照片.png").exists());
    assert!(!target.join("先进事迹/李同学/index.html").exists());
}

#[test]
fn interrupted_folder_deploy_resumes() {
    let t = tempfile::tempdir().unwrap();
    let root = fixture(t.path(), "");
    let public = root.join("public");
    build(&root, &public);
    let target = t.path().join("share");
    let mut d = Deployer::new(&public, Target::Folder(target.clone()));
    d.fail_after = Some(3);
    let plan = d.plan().unwrap();
    assert!(d.apply(&plan).is_err());
    assert_eq!(
        tmp_files(&target).len(),
        1,
        "the interrupted upload is left as a temporary file"
    );
    let manifest = Manifest::parse(&std::fs::read(target.join(MANIFEST)).unwrap(), "t").unwrap();
    assert_eq!(
        manifest.pending.len(),
        plan.upload.len(),
        "in-flight files are recorded"
    );

    d.fail_after = None;
    let plan = d.plan().unwrap();
    assert_eq!(plan.stale.len(), 1);
    assert_eq!(
        plan.unchanged, 3,
        "files copied before the interruption are skipped"
    );
    d.apply(&plan).unwrap();
    assert!(tmp_files(&target).is_empty());
    assert_eq!(target_state(&target, &[]), scan_dir(&public).unwrap());
    assert!(d.plan().unwrap().is_noop());
}

#[test]
fn deploy_refuses_unsafe_targets_and_missing_builds() {
    let t = tempfile::tempdir().unwrap();
    let root = fixture(t.path(), "");
    // No build yet.
    let o = deploy_cli(&root, t.path().join("x").to_str().unwrap(), &["--yes"]);
    assert_ne!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stderr).contains("lanmu build"));
    build(&root, &root.join("public"));
    for bad in [
        root.clone(),
        root.join("public"),
        root.join("public/sub"),
        root.join("content/x"),
    ] {
        let o = deploy_cli(&root, bad.to_str().unwrap(), &["--yes"]);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{}: {}",
            bad.display(),
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let o = deploy_cli(&root, "ftp://example.edu.cn/x", &["--yes"]);
    assert_eq!(o.status.code(), Some(2));
    // No target anywhere.
    let o = Command::new(BIN)
        .args(["deploy", "--yes", "--root"])
        .arg(&root)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("deploy"));
}

#[test]
fn askpass_helper_prints_the_password() {
    let o = Command::new(BIN)
        .arg("root@127.0.0.1's password: ")
        .env("LANMU_ASKPASS", "1")
        .env("LANMU_SFTP_PASSWORD", "密码 secret")
        .output()
        .unwrap();
    assert!(o.status.success());
    assert_eq!(String::from_utf8_lossy(&o.stdout), "密码 secret\n");
    // Host key questions are never answered with the password.
    let o = Command::new(BIN)
        .arg("Are you sure you want to continue connecting (yes/no/[fingerprint])?")
        .env("LANMU_ASKPASS", "1")
        .env("LANMU_SFTP_PASSWORD", "x")
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(o.stdout.is_empty());
}

// ---------------------------------------------------------------- SFTP ----

/// An OpenSSH server on 127.0.0.1 with its own keys, killed on drop.
struct SshServer {
    child: Child,
    port: u16,
    user: String,
    user_key: PathBuf,
    known_hosts: PathBuf,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for SshServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn have(program: &str) -> bool {
    Command::new(program)
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

fn sshd_path() -> Option<PathBuf> {
    ["/usr/sbin/sshd", "/usr/local/sbin/sshd", "/sbin/sshd"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
}

/// Starts sshd, or returns `None` (after a loud message) when OpenSSH is not
/// installed; under `CI=true` a missing OpenSSH fails the test instead.
fn start_sshd() -> Option<SshServer> {
    let sshd = sshd_path();
    if sshd.is_none() || !have("sftp") || !have("ssh-keygen") {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!(
                "openssh-server / openssh-client not installed (CI=true): apt-get install -y openssh-server openssh-client"
            );
        }
        eprintln!("\n==============================================================");
        eprintln!(
            "SKIPPED: openssh-server not installed (apt-get install -y openssh-server openssh-client)"
        );
        eprintln!("==============================================================\n");
        return None;
    }
    let sshd = sshd.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for name in ["host_key", "user_key"] {
        let st = Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", "lanmu-test", "-f"])
            .arg(d.join(name))
            .status()
            .unwrap();
        assert!(st.success());
    }
    std::fs::copy(d.join("user_key.pub"), d.join("authorized_keys")).unwrap();
    let user = String::from_utf8(Command::new("id").arg("-un").output().unwrap().stdout)
        .unwrap()
        .trim()
        .to_string();
    // Debian's sshd insists on its privilege separation folder when root.
    let root = String::from_utf8(Command::new("id").arg("-u").output().unwrap().stdout)
        .unwrap()
        .trim()
        == "0";
    if root && !Path::new("/run/sshd").is_dir() {
        let _ = std::fs::create_dir_all("/run/sshd");
    }
    let host_pub = std::fs::read_to_string(d.join("host_key.pub")).unwrap();
    let host_pub: Vec<&str> = host_pub.split_whitespace().take(2).collect();
    for _attempt in 0..5 {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let cfg = d.join("sshd_config");
        std::fs::write(
            &cfg,
            format!(
                "Port {port}\nListenAddress 127.0.0.1\nHostKey {hk}\nPidFile {pid}\nAuthorizedKeysFile {ak}\nPermitRootLogin yes\nStrictModes no\nUsePAM no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nSubsystem sftp internal-sftp\nLogLevel VERBOSE\n",
                hk = d.join("host_key").display(),
                pid = d.join("sshd.pid").display(),
                ak = d.join("authorized_keys").display(),
            ),
        )
        .unwrap();
        let log = d.join(format!("sshd-{port}.log"));
        let mut child = Command::new(&sshd)
            .args(["-D", "-e", "-f"])
            .arg(&cfg)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let start = Instant::now();
        let mut up = false;
        while start.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(_)) = child.try_wait() {
                break;
            }
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                up = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        if !up {
            let _ = child.kill();
            let _ = child.wait();
            eprintln!(
                "sshd did not start on port {port}:\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
            continue;
        }
        let known_hosts = d.join("known_hosts");
        std::fs::write(
            &known_hosts,
            format!("[127.0.0.1]:{port} {} {}\n", host_pub[0], host_pub[1]),
        )
        .unwrap();
        return Some(SshServer {
            child,
            port,
            user,
            user_key: d.join("user_key"),
            known_hosts,
            log,
            _dir: dir,
        });
    }
    panic!("could not start sshd");
}

impl SshServer {
    fn url(&self, path: &Path) -> String {
        format!(
            "sftp://{}@127.0.0.1:{}{}",
            self.user,
            self.port,
            path.display()
        )
    }

    fn auth(&self) -> SftpAuth {
        SftpAuth {
            key: Some(self.user_key.display().to_string()),
            known_hosts: Some(self.known_hosts.clone()),
            ..SftpAuth::default()
        }
    }

    fn deployer(&self, public: &Path, remote: &Path) -> Deployer {
        let mut d = Deployer::new(
            public,
            Target::Sftp(SftpUrl::parse(&self.url(remote)).unwrap()),
        );
        d.auth = self.auth();
        d
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

#[test]
fn deploy_over_sftp_to_a_real_openssh_server() {
    let Some(server) = start_sshd() else { return };
    let t = tempfile::tempdir().unwrap();
    let root = fixture(t.path(), "");
    let public = root.join("public");
    build(&root, &public);
    let remote = t.path().join("www").join("dangjian");
    std::fs::create_dir_all(&remote).unwrap();
    write(&remote, "notice.txt", "学院通知".as_bytes());

    // First deploy.
    let mut d = server.deployer(&public, &remote);
    let plan = d.plan().unwrap_or_else(|e| panic!("{e}\n{}", server.log()));
    assert!(plan.old.is_none());
    assert_eq!(plan.upload.len(), scan_dir(&public).unwrap().len());
    d.apply(&plan)
        .unwrap_or_else(|e| panic!("{e}\n{}", server.log()));
    assert_eq!(
        target_state(&remote, &["notice.txt"]),
        scan_dir(&public).unwrap()
    );
    assert!(tmp_files(&remote).is_empty());
    assert!(d.plan().unwrap().is_noop());

    // Change a page; the deploy is interrupted after one file.
    let before = scan_dir(&public).unwrap();
    let page = root.join("content/学习心得/第三篇.md");
    let text = std::fs::read_to_string(&page)
        .unwrap()
        .replace("这是第三篇的正文", "这是修改后的第三篇正文");
    std::fs::write(&page, text).unwrap();
    write(&root, "static/新文件.txt", "新增".as_bytes());
    build(&root, &public);
    let after = scan_dir(&public).unwrap();
    let plan = d.plan().unwrap();
    assert_eq!(plan.upload, vec!["新文件.txt"]);
    let mut expected_updates = changed(&before, &after);
    expected_updates.retain(|p| p != "新文件.txt");
    assert_eq!(plan.update, expected_updates);
    assert!(plan.update.len() >= 2, "{:?}", plan.update);
    d.fail_after = Some(1);
    let err = d.apply(&plan).unwrap_err().to_string();
    assert!(err.contains("SFTP"), "{err}");
    assert_eq!(
        tmp_files(&remote).len(),
        1,
        "one upload left half-done: {err}"
    );
    let m = Manifest::parse(&std::fs::read(remote.join(MANIFEST)).unwrap(), "t").unwrap();
    assert_eq!(m.pending.len(), plan.upload.len() + plan.update.len());

    // Re-run: stale temporary files are cleaned and the target ends equal to the build.
    d.fail_after = None;
    let plan = d.plan().unwrap();
    assert!(!plan.stale.is_empty());
    d.apply(&plan)
        .unwrap_or_else(|e| panic!("{e}\n{}", server.log()));
    assert!(tmp_files(&remote).is_empty(), "{:?}", tmp_files(&remote));
    assert_eq!(target_state(&remote, &["notice.txt"]), after);
    assert!(d.plan().unwrap().is_noop());

    // Delete a page through the command line, with the key from the environment.
    std::fs::remove_file(root.join("content/学习心得/第二篇.md")).unwrap();
    let p1 = root.join("content/学习心得/第一篇.md");
    let text = std::fs::read_to_string(&p1)
        .unwrap()
        .replace("[第二篇](第二篇.md#正文)", "第二篇");
    std::fs::write(&p1, text).unwrap();
    build(&root, &public);
    let o = Command::new(BIN)
        .args(["deploy", "--yes", "--root"])
        .arg(&root)
        .args(["--to", &server.url(&remote)])
        .env("LANMU_SFTP_KEY", &server.user_key)
        .env("LANMU_SFTP_KNOWN_HOSTS", &server.known_hosts)
        .env_remove("LANMU_SFTP_PASSWORD")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{stdout}\n{}\n{}",
        String::from_utf8_lossy(&o.stderr),
        server.log()
    );
    assert!(stdout.contains("- 学习心得/第二篇/index.html"), "{stdout}");
    assert!(!remote.join("学习心得/第二篇").exists());
    assert_eq!(
        std::fs::read_to_string(remote.join("notice.txt")).unwrap(),
        "学院通知"
    );
    assert_eq!(
        target_state(&remote, &["notice.txt"]),
        scan_dir(&public).unwrap()
    );
    let m = Manifest::parse(&std::fs::read(remote.join(MANIFEST)).unwrap(), "t").unwrap();
    assert!(m.pending.is_empty());

    // A key given as text (as CI variables hold it) works too.
    let key_text = std::fs::read_to_string(&server.user_key).unwrap();
    let mut d = server.deployer(&public, &remote);
    d.auth.key = Some(key_text);
    assert!(d.plan().unwrap().is_noop());

    // A wrong host key is refused.
    let mut d = server.deployer(&public, &remote);
    let bad = t.path().join("bad_known_hosts");
    std::fs::write(&bad, format!("[127.0.0.1]:{} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEWjPy5ug1BBCPYgwpyx0VdL9yKOfxg25pRgFr3gxmuC\n", server.port)).unwrap();
    d.auth.known_hosts = Some(bad);
    let err = d.plan().unwrap_err().to_string();
    assert!(
        err.contains("host key") || err.contains("主机密钥"),
        "{err}"
    );
}
