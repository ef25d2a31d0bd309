//! Browser tests in real (headless) Chromium on the built demo site, served
//! under its sub-path `/dangjian/`: search, the phone menu, dark mode, no
//! request outside the site, and exam practice with the wrong-answer book.
//!
//! Skipped loudly without Chromium; a failure under `CI=true`.

#[path = "support/browser.rs"]
mod browser;

use browser::{Browser, demo};

#[test]
fn search_finds_chinese_queries() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let base = demo();
    let first_title = |b: &mut Browser, q: &str| -> String {
        let url = format!("{base}search/?q={}", lanmu::slug::encode_path(q));
        b.goto(&url);
        b.wait_for(
            "document.querySelectorAll('[data-search-results] li').length > 0",
            20,
        );
        b.eval("document.querySelector('[data-search-results] li a').textContent")
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    let t = first_title(&mut b, "两学一做");
    assert!(t.contains("两学一做"), "first hit for 两学一做 was {t:?}");
    // Matched words are highlighted in titles and snippets.
    let marks = b.eval(
        "[...document.querySelectorAll('[data-search-results] mark')].map(m => m.textContent)",
    );
    assert!(
        marks
            .as_array()
            .is_some_and(|m| m.iter().any(|x| x == "两学一做")),
        "{marks}"
    );
    // Pinyin initials of a title find it too.
    let t = first_title(&mut b, "lxyz");
    assert!(t.contains("两学一做"), "first hit for lxyz was {t:?}");
    // A name of an exemplary member (a kind field) finds their page first.
    let t = first_title(&mut b, "李晓红");
    assert!(t.contains("李晓红"), "first hit for 李晓红 was {t:?}");
    // Full-width and upper-case forms are folded.
    let t = first_title(&mut b, "ＬＸＹＺ");
    assert!(t.contains("两学一做"), "first hit for ＬＸＹＺ was {t:?}");
    // A mixed Chinese/number query works.
    let t = first_title(&mut b, "2024 考研");
    assert!(t.contains("考研"), "first hit for 2024 考研 was {t:?}");
    // The query stays in the URL, so results can be shared.
    let href = b.eval("location.search").as_str().unwrap_or("").to_string();
    assert!(href.contains("q="), "{href}");
    // Every request stayed on the site.
    let origin = base.trim_end_matches("/dangjian/");
    for r in &b.requests {
        assert!(
            r.starts_with(origin) || r.starts_with("data:"),
            "request outside the site: {r}"
        );
    }
}

#[test]
fn phone_menu_dark_mode_and_no_external_requests() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let base = demo();
    b.viewport(390, 844, true);
    b.color_scheme(false);
    b.goto(base);
    // On a phone the column navigation is folded away until the menu is opened.
    let visible = "(() => { const a = document.querySelector('header nav a'); const r = a.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(a).visibility !== 'hidden'; })()";
    assert_eq!(
        b.eval(visible),
        serde_json::json!(false),
        "menu should start closed at 390px"
    );
    b.click("header details summary");
    assert_eq!(b.eval(visible), serde_json::json!(true), "menu should open");
    // No horizontal overflow at 390px.
    let overflow = b.eval("document.documentElement.scrollWidth");
    assert!(
        overflow.as_u64().unwrap_or(9999) <= 390,
        "page is {overflow}px wide at 390px"
    );

    // Dark mode toggle changes the colours and is remembered after a reload.
    let bg = "getComputedStyle(document.body).backgroundColor";
    let light = b.eval(bg);
    b.click(".theme-toggle");
    let dark = b.eval(bg);
    assert_ne!(light, dark, "toggle did not change the background");
    b.goto(base);
    assert_eq!(b.eval(bg), dark, "dark mode not remembered");
    b.click(".theme-toggle");
    assert_eq!(b.eval(bg), light);

    // Visit one page of each kind; every request stays on the site.
    for path in [
        "xinde/",
        "xianjin/li-xiao-hong/",
        "shumu/",
        "zhenti/",
        "zhiyuan/shequ-fuwu-2024/",
        "tags/",
    ] {
        b.goto(&format!("{base}{path}"));
    }
    b.settle(300);
    let origin = base.trim_end_matches("/dangjian/");
    assert!(!b.requests.is_empty());
    for r in &b.requests {
        assert!(
            r.starts_with(origin) || r.starts_with("data:"),
            "request outside the site: {r}"
        );
    }
    assert!(
        !b.console.iter().any(|c| c.starts_with("EXCEPTION")),
        "script errors: {:?}",
        b.console
    );
}
