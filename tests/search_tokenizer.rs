//! The browser's segmentation (themes/default/static/search.js) must match
//! the index's (src/search.rs) exactly, or queries miss. This runs both on
//! the same strings. It needs Node.js; without it the test is skipped loudly.

use std::process::Command;

const SAMPLES: &[&str] = &[
    "两学一做",
    "2023 考研 马克思主义",
    "ＡＩ与Party建设",
    "“三会一课”制度，党史学习教育！",
    "中文English混排123测试",
    "Ｈｅｌｌｏ　世界",
    "二〇二四年　第〇期",
    "平成の日本語カタカナ",
    "한국어 텍스트",
    "Ünïcödé café naïve",
    "ㄅㄆㄇ注音",
    "ｶﾀｶﾅ半角",
    "a",
    "",
    "   ",
    "——",
    "《共产党宣言》",
];

#[test]
fn browser_segmentation_matches_the_index() {
    if Command::new("node").arg("--version").output().is_err() {
        eprintln!(
            "\n==================== SKIPPED: search tokenizer cross-check ===================="
        );
        eprintln!(
            "Node.js not found; install it (apt-get install -y nodejs) to compare search.js with src/search.rs."
        );
        eprintln!(
            "===============================================================================\n"
        );
        return;
    }
    let js_path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/themes/default/static/search.js"
    );
    let script = format!(
        r#"
globalThis.window = globalThis;
globalThis.location = {{ href: "http://127.0.0.1/x/search/", search: "", protocol: "http:" }};
globalThis.document = {{
  querySelector: () => ({{ getAttribute: () => "/x/search/", querySelector: () => null }}),
  head: {{ appendChild() {{}} }},
}};
require({js:?});
const samples = JSON.parse(process.argv[1]);
console.log(JSON.stringify(samples.map((s) => window.lanmuSegment(s))));
"#,
        js = js_path
    );
    let samples = serde_json::to_string(SAMPLES).expect("json");
    let out = Command::new("node")
        .arg("-e")
        .arg(&script)
        .arg(&samples)
        .output()
        .expect("run node");
    assert!(
        out.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let js: Vec<Vec<(bool, String)>> = serde_json::from_slice(&out.stdout).expect("node output");
    for (s, got) in SAMPLES.iter().zip(js) {
        let want = lanmu::search::runs(s);
        assert_eq!(
            got, want,
            "segmentation of {s:?} differs between search.js and src/search.rs"
        );
    }
}
