//! The search index: Chinese full-text search that works offline, under a
//! sub-path and on a phone.
//!
//! Index and query are segmented by the same rules ([`tokenize`]; the
//! browser's `search.js` mirrors it and a test runs both on the same
//! strings): text is width-folded and lowercased, CJK runs give character
//! bigrams (plus unigrams in short fields such as titles and tags), other
//! letters and digits give words. Titles also index their pinyin initials
//! (`lxyz` → 两学一做).
//!
//! The files are JavaScript (`lanmuSearchLoad(kind, n, data)`) rather than
//! JSON so that `<script>` tags can load them: that also works when the site
//! is opened from a folder (`file://`), where browsers refuse `fetch`.
//!
//! Output under `search/`: `meta.js`, postings split into shards by a hash
//! of the term (words by their first two letters, so prefixes stay in one
//! shard) that the browser fetches on demand, and document records in chunks
//! of [`DOC_CHUNK`] fetched only for the results shown.

use std::collections::HashMap;

use rayon::prelude::*;
use std::fmt::Write;

use pinyin::ToPinyin;
use serde::Serialize;

use crate::site::Site;
use crate::slug::fold_width;

/// Documents per record chunk.
pub const DOC_CHUNK: usize = 32;
/// Target bytes per postings shard.
const SHARD_TARGET: usize = 24 * 1024;
/// Longest body text indexed per page, in characters.
const MAX_BODY_CHARS: usize = 20_000;
/// Characters of text kept per document for snippets.
const SNIPPET_CHARS: usize = 180;

/// Field weights: a hit in the title outranks tags, which outrank the body.
pub mod weight {
    /// Title.
    pub const TITLE: u32 = 40;
    /// Pinyin initials of the title.
    pub const PINYIN: u32 = 20;
    /// Tags and other terms.
    pub const TAG: u32 = 24;
    /// Kind fields: names, book titles and authors, question stems.
    pub const KIND: u32 = 12;
    /// Column title.
    pub const COLUMN: u32 = 4;
    /// Summary.
    pub const SUMMARY: u32 = 3;
    /// Body (per occurrence, capped).
    pub const BODY: u32 = 1;
}

fn is_cjk_ideo(c: char) -> bool {
    crate::markdown::cjk::is_cjk(c) && c.is_alphanumeric()
}

/// Width-folds and lowercases text the way the browser does.
pub fn normalize(s: &str) -> String {
    fold_width(s).to_lowercase()
}

/// One token and whether it came from a CJK run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// A CJK bigram or unigram.
    Cjk(String),
    /// A word of letters/digits.
    Word(String),
}

impl Token {
    /// The token's text.
    pub fn text(&self) -> &str {
        match self {
            Token::Cjk(s) | Token::Word(s) => s,
        }
    }
}

/// Runs of CJK characters and of words, in order.
pub fn runs(text: &str) -> Vec<(bool, String)> {
    let norm = normalize(text);
    let mut out: Vec<(bool, String)> = Vec::new();
    let mut cur = String::new();
    let mut cur_cjk = false;
    for c in norm.chars() {
        let class = if is_cjk_ideo(c) {
            Some(true)
        } else if c.is_alphanumeric() {
            Some(false)
        } else {
            None
        };
        match class {
            Some(k) if !cur.is_empty() && k == cur_cjk => cur.push(c),
            Some(k) => {
                if !cur.is_empty() {
                    out.push((cur_cjk, std::mem::take(&mut cur)));
                }
                cur_cjk = k;
                cur.push(c);
            }
            None => {
                if !cur.is_empty() {
                    out.push((cur_cjk, std::mem::take(&mut cur)));
                }
            }
        }
    }
    if !cur.is_empty() {
        out.push((cur_cjk, cur));
    }
    out
}

/// Calls `f` with every token of already [`normalize`]d text, as slices of
/// it (no allocation per token): the hot loop of indexing.
pub fn for_each_token<'t>(norm: &'t str, unigrams: bool, f: &mut dyn FnMut(&'t str)) {
    let mut starts: Vec<usize> = Vec::new(); // char offsets of the current CJK run
    let mut run: Option<(usize, bool)> = None; // (start, is CJK)
    let flush = |run: Option<(usize, bool)>,
                 end: usize,
                 starts: &mut Vec<usize>,
                 f: &mut dyn FnMut(&'t str)| {
        let Some((start, cjk)) = run else { return };
        if cjk {
            let n = starts.len();
            if n == 1 || unigrams {
                for k in 0..n {
                    let e = if k + 1 < n { starts[k + 1] } else { end };
                    f(&norm[starts[k]..e]);
                }
            }
            for k in 0..n.saturating_sub(1) {
                let e = if k + 2 < n { starts[k + 2] } else { end };
                f(&norm[starts[k]..e]);
            }
        } else {
            let e = norm[start..end]
                .char_indices()
                .nth(32)
                .map_or(end, |(i, _)| start + i);
            f(&norm[start..e]);
        }
        starts.clear();
    };
    for (i, c) in norm.char_indices() {
        let class = if is_cjk_ideo(c) {
            Some(true)
        } else if c.is_alphanumeric() {
            Some(false)
        } else {
            None
        };
        match (class, run) {
            (Some(k), Some((_, cur))) if k == cur => {}
            (Some(k), _) => {
                flush(run, i, &mut starts, f);
                run = Some((i, k));
            }
            (None, _) => {
                flush(run, i, &mut starts, f);
                run = None;
            }
        }
        if class == Some(true) {
            starts.push(i);
        }
    }
    flush(run, norm.len(), &mut starts, f);
}

/// Tokens of `text`: CJK bigrams (and unigrams when `unigrams`), words.
pub fn tokenize(text: &str, unigrams: bool) -> Vec<Token> {
    let norm = normalize(text);
    let mut out = Vec::new();
    for_each_token(&norm, unigrams, &mut |t| {
        let cjk = t.chars().next().is_some_and(is_cjk_ideo);
        out.push(if cjk {
            Token::Cjk(t.to_string())
        } else {
            Token::Word(t.to_string())
        });
    });
    out
}

/// The pre-slice tokenizer, kept to check [`for_each_token`] against.
#[cfg(test)]
fn tokenize_reference(text: &str, unigrams: bool) -> Vec<Token> {
    let mut out = Vec::new();
    for (cjk, run) in runs(text) {
        if cjk {
            let chars: Vec<char> = run.chars().collect();
            if chars.len() == 1 || unigrams {
                out.extend(chars.iter().map(|c| Token::Cjk(c.to_string())));
            }
            for w in chars.windows(2) {
                out.push(Token::Cjk(w.iter().collect()));
            }
        } else {
            out.push(Token::Word(run.chars().take(32).collect()));
        }
    }
    out
}

/// Pinyin initials of the CJK characters in `s` (`两学一做` → `lxyz`).
pub fn pinyin_initials(s: &str) -> String {
    s.chars()
        .filter_map(|c| c.to_pinyin().and_then(|p| p.first_letter().chars().next()))
        .collect()
}

/// The key a term is sharded by: CJK tokens by themselves, words by their
/// first two characters (so a prefix query finds all its words in one shard).
pub fn shard_key(token: &str) -> String {
    match token.chars().next() {
        Some(c) if is_cjk_ideo(c) => token.to_string(),
        _ => token.chars().take(2).collect(),
    }
}

/// FNV-1a over UTF-8 bytes, as in `search.js`.
pub fn fnv1a(s: &str) -> u32 {
    let mut h: u32 = 0x811c9dc5;
    for b in s.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x01000193);
    }
    h
}

#[derive(Serialize)]
struct Meta {
    version: u32,
    shards: usize,
    doc_chunk: usize,
    docs: usize,
}

/// Collects the searchable strings of a kind block: names, titles, authors,
/// stems, places — every string leaf except URLs, HTML and dates.
fn kind_text(data: &crate::kinds::KindData, out: &mut String) {
    fn walk(v: &serde_json::Value, key: &str, out: &mut String) {
        match v {
            serde_json::Value::String(s) => {
                let skip = key.ends_with("_html")
                    || key.contains("url")
                    || key.contains("photo")
                    || key.contains("cover")
                    || key.contains("link")
                    || key.contains("date")
                    || key == "isbn"
                    || key == "answer"
                    || key == "explanation"
                    || key == "src";
                if !skip {
                    out.push_str(s);
                    out.push('\n');
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, key, out)),
            serde_json::Value::Object(m) => m.iter().for_each(|(k, x)| walk(x, k, out)),
            _ => {}
        }
    }
    if let Ok(v) = serde_json::to_value(data) {
        walk(&v, "", out);
    }
}

/// Writes the index files through `write(relative path under search/, bytes)`.
/// Returns (bytes written, number of shards).
pub fn write_index(site: &Site, write: &dyn Fn(&str, &[u8]) -> bool) -> (usize, usize) {
    let cfg = &site.config;
    let on = |f: &str| cfg.search.fields.iter().any(|x| x == f);
    let excluded = |ci: usize| {
        let c = &site.columns[ci];
        let dir = c.dir.to_string_lossy().replace('\\', "/");
        cfg.search
            .exclude_columns
            .iter()
            .any(|x| x == &dir || x == &c.title)
    };
    let order: Vec<usize> = site
        .pages_by_date()
        .into_iter()
        .filter(|&i| !excluded(site.pages[i].column))
        .collect();

    // The fields of one document: (normalized text, weight, unigrams, cap).
    let fields_of = |i: usize| -> Vec<(String, u32, bool, u32)> {
        let p = &site.pages[i];
        let b = &site.bodies[i];
        let mut f = Vec::new();
        if on("title") {
            f.push((normalize(&p.title), weight::TITLE, true, weight::TITLE));
            // Initials per CJK run of the title, so `lxyz` finds “两学一做” inside a longer title.
            for (cjk, run) in runs(&p.title) {
                let py = pinyin_initials(&run);
                if cjk && py.len() >= 2 {
                    f.push((py, weight::PINYIN, false, weight::PINYIN));
                }
            }
        }
        if on("tags") {
            for terms in p.taxonomies.values() {
                for t in terms {
                    f.push((normalize(t), weight::TAG, true, weight::TAG));
                }
            }
        }
        if on("column") {
            f.push((
                normalize(&site.columns[p.column].title),
                weight::COLUMN,
                true,
                weight::COLUMN,
            ));
        }
        if on("kind") {
            let mut kt = String::new();
            kind_text(&p.kind_data, &mut kt);
            f.push((normalize(&kt), weight::KIND, true, weight::KIND * 2));
        }
        if on("summary") {
            f.push((
                normalize(&b.summary),
                weight::SUMMARY,
                false,
                weight::SUMMARY,
            ));
        }
        if on("body") {
            let body: String = b.text.chars().take(MAX_BODY_CHARS).collect();
            f.push((normalize(&body), weight::BODY, false, 8));
        }
        f
    };

    // Tokenize documents in parallel; each worker fills its own postings map
    // (term -> [(doc, score)]) and the maps are merged. A term's score in a
    // document is the sum over fields of min(occurrences × weight, cap).
    type Postings = HashMap<Box<str>, Vec<(u32, u32)>>;
    let postings: Postings = order
        .par_iter()
        .enumerate()
        .fold(Postings::new, |mut acc, (doc, &i)| {
            let fields = fields_of(i);
            let mut doc_scores: HashMap<&str, u32> = HashMap::new();
            let mut counts: HashMap<&str, u32> = HashMap::new();
            for (text, w, uni, cap) in &fields {
                counts.clear();
                for_each_token(text, *uni, &mut |t| *counts.entry(t).or_insert(0) += 1);
                for (t, n) in counts.drain() {
                    *doc_scores.entry(t).or_insert(0) += (n * w).min((*cap).max(*w));
                }
            }
            for (t, score) in doc_scores {
                match acc.get_mut(t) {
                    Some(v) => v.push((doc as u32, score)),
                    None => {
                        acc.insert(t.into(), vec![(doc as u32, score)]);
                    }
                }
            }
            acc
        })
        .reduce(Postings::new, |mut a, mut b| {
            if a.len() < b.len() {
                std::mem::swap(&mut a, &mut b);
            }
            for (t, v) in b {
                a.entry(t).or_default().extend(v);
            }
            a
        });
    let docs: Vec<(usize, String)> = order
        .par_iter()
        .map(|&i| {
            let snippet: String = site.bodies[i]
                .text
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .chars()
                .take(SNIPPET_CHARS)
                .collect();
            (i, snippet)
        })
        .collect();

    // Shard count from the postings' approximate size.
    let approx: usize = postings
        .iter()
        .map(|(t, d)| t.len() + 6 + d.len() * 5)
        .sum();
    let shards = (approx / SHARD_TARGET).next_power_of_two().clamp(1, 4096);
    let mut shard_terms: Vec<Vec<ShardEntry>> = vec![Vec::new(); shards];
    for (t, d) in &postings {
        shard_terms[(fnv1a(&shard_key(t)) as usize) % shards].push((t, d));
    }
    let files: Vec<String> = shard_terms
        .par_iter_mut()
        .enumerate()
        .map(|(k, terms)| {
            terms.sort_unstable_by(|a, b| a.0.cmp(b.0));
            // {"term":[doc delta, score, doc delta, score, ...], ...}
            let mut s = String::from("{");
            for (n, (t, d)) in terms.iter().enumerate() {
                if n > 0 {
                    s.push(',');
                }
                s.push_str(&serde_json::to_string(t).unwrap_or_default());
                s.push_str(":[");
                let mut sorted: Vec<(u32, u32)> = d.to_vec();
                sorted.sort_unstable();
                let mut prev = 0u32;
                for (m, (doc, score)) in sorted.iter().enumerate() {
                    if m > 0 {
                        s.push(',');
                    }
                    let _ = write!(s, "{},{}", doc - prev, score);
                    prev = *doc;
                }
                s.push(']');
            }
            s.push('}');
            format!("lanmuSearchLoad(\"s\",{k},{s});\n")
        })
        .collect();
    let mut total = 0;
    for (k, js) in files.iter().enumerate() {
        total += js.len();
        write(&format!("s/{k}.js"), js.as_bytes());
    }
    for (c, chunk) in docs.chunks(DOC_CHUNK).enumerate() {
        let recs: Vec<serde_json::Value> = chunk
            .iter()
            .map(|(i, snippet)| {
                let p = &site.pages[*i];
                serde_json::json!([
                    p.title,
                    // Relative to the site root, so the index works under any
                    // sub-path and in relative builds; search.js resolves it.
                    crate::urls::href(p.path.strip_prefix(&cfg.base_path).unwrap_or(&p.path)),
                    site.columns[p.column].title,
                    p.date.display(cfg.lang),
                    snippet,
                ])
            })
            .collect();
        let s = serde_json::to_string(&recs).unwrap_or_else(|_| "[]".into());
        let js = format!("lanmuSearchLoad(\"d\",{c},{});\n", escape_script(&s));
        total += js.len();
        write(&format!("d/{c}.js"), js.as_bytes());
    }
    let meta = serde_json::to_string(&Meta {
        version: 1,
        shards,
        doc_chunk: DOC_CHUNK,
        docs: docs.len(),
    })
    .unwrap_or_default();
    let js = format!("lanmuSearchLoad(\"m\",0,{meta});\n");
    total += js.len();
    write("meta.js", js.as_bytes());
    (total, shards)
}

/// A term and its postings, as grouped into a shard.
type ShardEntry<'a> = (&'a str, &'a Vec<(u32, u32)>);

/// Makes JSON safe inside a script file loaded with `<script src>`:
/// `</script>` cannot end anything there, but U+2028/2029 were invalid in
/// older JavaScript string literals.
fn escape_script(s: &str) -> String {
    s.replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(v: Vec<Token>) -> Vec<String> {
        v.into_iter().map(|t| t.text().to_string()).collect()
    }

    #[test]
    fn segments_chinese_and_words() {
        assert_eq!(
            texts(tokenize("两学一做", false)),
            vec!["两学", "学一", "一做"]
        );
        assert_eq!(texts(tokenize("党史", true)), vec!["党", "史", "党史"]);
        assert_eq!(
            texts(tokenize("2023 考研 马克思主义", false)),
            vec!["2023", "考研", "马克", "克思", "思主", "主义"]
        );
        assert_eq!(
            texts(tokenize("ＡＩ与Party", false)),
            vec!["ai", "与", "party"]
        );
    }

    #[test]
    fn slice_tokenizer_matches_reference() {
        for s in [
            "两学一做",
            "党史",
            "2023 考研 马克思主义",
            "ＡＩ与Party",
            "a",
            "中",
            "",
            "中文，English words 123 二十大精神",
            "Ａverylongwordthatgoesonandonandonforeverandever中",
        ] {
            for uni in [false, true] {
                assert_eq!(tokenize(s, uni), tokenize_reference(s, uni), "{s} {uni}");
            }
        }
    }

    #[test]
    fn pinyin_of_titles() {
        assert_eq!(pinyin_initials("两学一做"), "lxyz");
        assert_eq!(pinyin_initials("读《共产党宣言》"), "dgcdxy");
    }

    #[test]
    fn shard_keys() {
        assert_eq!(shard_key("party"), "pa");
        assert_eq!(shard_key("考研"), "考研");
    }
}
