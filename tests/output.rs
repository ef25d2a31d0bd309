//! Output safety (dangerous `-o` folders are refused and nothing is
//! deleted), stale files disappearing on rebuild, and byte-identical builds.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use lanmu::pipeline::BuildOptions;

/// Runs `lanmu build --root <root> -o <out>` and checks it is refused with
/// exit code 2 and that nothing in the temporary folder changed.
fn refused(f: &Fixture, out: &Path) {
    let before = snapshot(f.tmp.path());
    let before_dirs = dirs(f.tmp.path());
    let o = lanmu(&[
        "build".as_ref(),
        "--root".as_ref(),
        f.root.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", outputs(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("拒绝使用输出目录") && err.contains("refusing output folder"),
        "{err}"
    );
    assert_same(
        &before,
        &snapshot(f.tmp.path()),
        "files after a refused build",
    );
    assert_eq!(
        before_dirs,
        dirs(f.tmp.path()),
        "folders after a refused build"
    );
}

fn built_with_extras() -> Fixture {
    let (f, _) = built_standard();
    f.write("static/keep.txt", b"static file");
    f.write("templates/.keep", b"");
    f.write("notes.txt", b"the editor's own notes");
    f
}

#[test]
fn output_equal_to_the_site_root_is_refused() {
    let f = built_with_extras();
    refused(&f, &f.root);
    // Spelt another way.
    refused(&f, &f.root.join("public").join(".."));
    refused(&f, &f.root.join("."));
}

#[test]
fn output_inside_site_folders_is_refused() {
    let f = built_with_extras();
    refused(&f, &f.root.join("content"));
    refused(&f, &f.root.join("content/xinde"));
    refused(&f, &f.root.join("content/not-yet-there"));
    refused(&f, &f.root.join("static"));
    refused(&f, &f.root.join("templates"));
}

#[test]
fn output_holding_the_site_is_refused() {
    let f = built_with_extras();
    refused(&f, f.tmp.path());
    refused(&f, f.tmp.path().parent().unwrap());
    refused(&f, Path::new("/"));
}

#[test]
fn output_that_is_a_file_is_refused() {
    let f = built_with_extras();
    let file = f.tmp.path().join("a-file");
    std::fs::write(&file, b"not a folder").unwrap();
    refused(&f, &file);
}

#[cfg(unix)]
#[test]
fn output_through_a_symlink_to_the_root_is_refused() {
    let f = built_with_extras();
    let link = f.tmp.path().join("link-to-site");
    std::os::unix::fs::symlink(&f.root, &link).unwrap();
    refused(&f, &link);
    let link2 = f.tmp.path().join("link-to-content");
    std::os::unix::fs::symlink(f.root.join("content"), &link2).unwrap();
    refused(&f, &link2);
}

#[test]
fn library_refuses_the_site_root_as_output() {
    let f = built_with_extras();
    let before = snapshot(&f.root);
    let r = lanmu::pipeline::build(&BuildOptions {
        output: Some(f.root.clone()),
        ..f.opts()
    });
    assert!(
        matches!(r, Err(lanmu::error::Error::UnsafeOutput(_))),
        "{r:?}"
    );
    assert_same(&before, &snapshot(&f.root), "site after a refused build");
}

#[test]
fn a_separate_output_folder_is_fine() {
    let f = built_with_extras();
    let out = f.tmp.path().join("elsewhere/www");
    let o = lanmu(&[
        "build".as_ref(),
        "--root".as_ref(),
        f.root.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", outputs(&o));
    assert!(out.join("index.html").is_file());
    assert!(out.join("keep.txt").is_file());
    // Nothing besides the output appeared next to it.
    let siblings: Vec<String> = std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(siblings, vec!["www"]);
}

#[test]
fn files_no_longer_produced_disappear() {
    let (f, out) = built_standard();
    assert!(out.join("xinde/zao-qi/index.html").is_file());
    assert!(out.join("old/news/1.html").is_file());
    std::fs::write(out.join("stray.html"), b"left by hand").unwrap();
    f.remove("content/xinde/zao-qi.md");
    // The alias goes too.
    f.write(
        "content/xinde/dang-shi.md",
        page(
            "title: 党史学习\ndate: 2024-04-01 09:30\ntags: [党史]",
            "\n## 学习收获\n\n收获很多。\n",
        )
        .as_bytes(),
    );
    f.build();
    assert!(!out.join("xinde/zao-qi").exists());
    assert!(!out.join("old").exists());
    assert!(!out.join("stray.html").exists());
    // zao-qi was the only page tagged 理论学习 now that dang-shi dropped it.
    assert!(!out.join("tags/li-lun-xue-xi").exists());
    assert!(
        !out.join("xinde/page/2").exists(),
        "2 pages now fit on one list page"
    );
    assert!(out.join("xinde/dang-shi/index.html").is_file());
}

#[test]
fn removed_bundle_images_disappear() {
    let (f, out) = built_standard();
    let photo = out.join("xianjin/you-xiu-dang-yuan/li-ming/photo.png");
    assert!(photo.is_file());
    f.remove("content/xianjin/优秀党员/li-ming/photo.png");
    f.write(
        "content/xianjin/优秀党员/li-ming/index.md",
        page("title: 李明\ndate: 2024-01-15", "\n没有照片了。\n").as_bytes(),
    );
    f.build();
    assert!(!photo.exists());
}

fn build_to(f: &Fixture, out: &Path) {
    build_ok(&BuildOptions {
        output: Some(out.to_path_buf()),
        ..f.opts()
    });
}

#[test]
fn builds_are_byte_identical() {
    let (f, out) = built_standard();
    let first = snapshot(&out);
    f.build();
    assert_same(&first, &snapshot(&out), "second build into public/");
    // Where the output goes does not leak into it.
    let other: PathBuf = f.tmp.path().join("another/place");
    build_to(&f, &other);
    assert_same(&first, &snapshot(&other), "build into another folder");
}

#[test]
fn demo_site_builds_are_byte_identical() {
    let t = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let (a, b) = (t.path().join("a"), t.path().join("b"));
    for out in [&a, &b] {
        build_ok(&BuildOptions {
            output: Some(out.clone()),
            ..BuildOptions::new(root)
        });
    }
    let sa = snapshot(&a);
    assert!(sa.len() > 50, "{} files", sa.len());
    assert_same(&sa, &snapshot(&b), "two builds of the demo site");
}

#[test]
fn demo_site_builds_without_errors() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("public");
    let built = build_ok(&BuildOptions {
        output: Some(out.clone()),
        ..BuildOptions::new(env!("CARGO_MANIFEST_DIR"))
    });
    assert!(built.stats.pages > 20, "{:?}", built.stats);
    assert!(
        !built
            .warnings
            .iter()
            .any(|w| w.severity == lanmu::error::Severity::Error)
    );
    for f in [
        "index.html",
        "404.html",
        "rss.xml",
        "atom.xml",
        "sitemap.xml",
        "robots.txt",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    for col in ["xianjin", "shumu", "zhenti", "zhiyuan", "xinde"] {
        assert!(out.join(col).join("index.html").is_file(), "{col}");
        let x = read(&out, &format!("{col}/rss.xml"));
        roxmltree::Document::parse(&x).unwrap_or_else(|e| panic!("{col}/rss.xml: {e}"));
    }
    // The demo's drafts stay out.
    let all = snapshot(&out);
    assert!(
        !all.keys().any(|k| k.contains("cao-gao")),
        "a draft was published"
    );
}

#[test]
fn refused_build_with_fix_encoding_changes_nothing() {
    let f = built_with_extras();
    let gbk = encoding_rs::GBK
        .encode("---\ntitle: 早期的心得\ndate: 2024-03-01\n---\n\n记事本保存的。\n")
        .0
        .into_owned();
    f.write("content/xinde/zao-qi.md", &gbk);
    let before = snapshot(f.tmp.path());
    let o = lanmu(&[
        "build".as_ref(),
        "--root".as_ref(),
        f.root.as_os_str(),
        "-o".as_ref(),
        f.root.join("content").as_os_str(),
        "--fix-encoding".as_ref(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", outputs(&o));
    assert_same(
        &before,
        &snapshot(f.tmp.path()),
        "files after a refused --fix-encoding build",
    );
}
