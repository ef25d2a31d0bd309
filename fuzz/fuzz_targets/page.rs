//! Fuzz target: the single-page pipeline (decode, front matter split and
//! parse, Markdown with the CJK passes, the typography check and fix).
#![no_main]

use libfuzzer_sys::fuzz_target;

include!("../harness.rs");

fuzz_target!(|data: &[u8]| {
    run_page(data);
});
