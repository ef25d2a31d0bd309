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

/// Character class bits, see [`class`].
const C_WORD: u8 = 1;
/// A CJK ideograph (or other CJK letter/digit): bigram material.
const C_CJK: u8 = 2;
/// `to_lowercase` maps the character to itself alone.
const C_LOWER_SELF: u8 = 4;
/// [`normalize`] leaves the character as it is (no width folding either).
const C_SAME: u8 = 8;

/// The class of `c` computed from first principles ([`is_cjk_ideo`],
/// `is_alphanumeric`, `to_lowercase`); [`class`] caches it for the BMP.
fn class_slow(c: char) -> u8 {
    let mut k = if is_cjk_ideo(c) {
        C_CJK
    } else if c.is_alphanumeric() {
        C_WORD
    } else {
        0
    };
    let mut lower = c.to_lowercase();
    // `Σ` lowercases by context in `str::to_lowercase`, so never "self".
    if lower.next() == Some(c) && lower.next().is_none() && c != 'Σ' {
        k |= C_LOWER_SELF;
        if fold_char(c) == c {
            k |= C_SAME;
        }
    }
    k
}

/// Classes of the Basic Multilingual Plane, built once (a few ms): the
/// Unicode lookups behind `is_alphanumeric`, `is_cjk` and `to_lowercase`
/// showed up per character in profiles, and almost all text is BMP.
fn class_table() -> &'static [u8; 0x10000] {
    static TABLE: std::sync::OnceLock<Box<[u8; 0x10000]>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = Box::new([0u8; 0x10000]);
        for (u, k) in t.iter_mut().enumerate() {
            // Surrogates are not chars and keep class 0; they never occur.
            if let Some(c) = char::from_u32(u as u32) {
                *k = class_slow(c);
            }
        }
        t
    })
}

/// Class bits of `c` (a table lookup for the BMP).
#[inline]
fn class(table: &[u8; 0x10000], c: char) -> u8 {
    match table.get(c as usize) {
        Some(&k) => k,
        None => class_slow(c),
    }
}

/// [`fold_width`] for one character (a test checks it against
/// `fold_width` for every character).
#[inline]
fn fold_char(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Writes [`normalize`]`(s)` into `out` (cleared first) without the two
/// intermediate strings, copying runs of unchanged characters (most of
/// them) as slices. Exactly `fold_width(s).to_lowercase()`: per character
/// lowercasing equals `str::to_lowercase` except for `Σ`, whose lowercase
/// depends on its neighbours, so text containing it takes the slow path.
fn normalize_into(s: &str, table: &[u8; 0x10000], out: &mut String) {
    out.clear();
    out.reserve(s.len());
    let mut from = 0; // start of the pending unchanged run
    for (i, c) in s.char_indices() {
        let k = class(table, c);
        if k & C_SAME != 0 {
            continue;
        }
        out.push_str(&s[from..i]);
        from = i + c.len_utf8();
        let c = fold_char(c);
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else if class(table, c) & C_LOWER_SELF != 0 {
            out.push(c);
        } else if c == 'Σ' {
            out.clear();
            out.push_str(&fold_width(s).to_lowercase());
            return;
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out.push_str(&s[from..]);
}

/// Width-folds and lowercases text the way the browser does.
pub fn normalize(s: &str) -> String {
    let mut out = String::new();
    normalize_into(s, class_table(), &mut out);
    out
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
    each_token(norm, unigrams, class_table(), &mut Vec::new(), f);
}

/// [`for_each_token`] with the class table and the scratch vector passed
/// in and `f` generic, so the indexer's callback is inlined.
fn each_token<'t, F: FnMut(&'t str) + ?Sized>(
    norm: &'t str,
    unigrams: bool,
    table: &[u8; 0x10000],
    starts: &mut Vec<usize>, // byte offsets of the chars of the current CJK run
    f: &mut F,
) {
    fn flush<'t, F: FnMut(&'t str) + ?Sized>(
        norm: &'t str,
        unigrams: bool,
        run: Option<(usize, bool)>,
        end: usize,
        starts: &mut Vec<usize>,
        f: &mut F,
    ) {
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
        } else if end - start <= 32 {
            // At most 32 bytes, so at most 32 chars: no need to count.
            f(&norm[start..end]);
        } else {
            let e = norm[start..end]
                .char_indices()
                .nth(32)
                .map_or(end, |(i, _)| start + i);
            f(&norm[start..e]);
        }
        starts.clear();
    }
    starts.clear();
    let mut run: Option<(usize, bool)> = None; // (start, is CJK)
    for (i, c) in norm.char_indices() {
        let k = class(table, c);
        let class = if k & C_CJK != 0 {
            Some(true)
        } else if k & C_WORD != 0 {
            Some(false)
        } else {
            None
        };
        match (class, run) {
            (Some(k), Some((_, cur))) if k == cur => {}
            (Some(k), _) => {
                flush(norm, unigrams, run, i, starts, f);
                run = Some((i, k));
            }
            (None, _) => {
                flush(norm, unigrams, run, i, starts, f);
                run = None;
            }
        }
        if class == Some(true) {
            starts.push(i);
        }
    }
    flush(norm, unigrams, run, norm.len(), starts, f);
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
    shard_key_str(token).to_string()
}

/// [`shard_key`] as a slice of the token.
fn shard_key_str(token: &str) -> &str {
    match token.chars().next() {
        Some(c) if is_cjk_ideo(c) => token,
        _ => token
            .char_indices()
            .nth(2)
            .map_or(token, |(i, _)| &token[..i]),
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

/// Multiply-fold hasher for the indexer's term maps: SipHash was a visible
/// cost per token, and the keys are the site's own text (no attacker), so
/// a fast deterministic hash is fine.
#[derive(Default, Clone, Copy)]
struct TermHasher(u64);

impl TermHasher {
    #[inline]
    fn add(&mut self, x: u64) {
        let m = u128::from(self.0 ^ x) * u128::from(0x9E37_79B9_7F4A_7C15u64);
        self.0 = (m as u64) ^ ((m >> 64) as u64);
    }
}

impl std::hash::Hasher for TermHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(b));
        }
    }
    fn write_u64(&mut self, x: u64) {
        self.add(x);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type TermMap<K, V = u32> = HashMap<K, V, std::hash::BuildHasherDefault<TermHasher>>;

/// Terms of at most 7 bytes (CJK unigrams and bigrams, short words)
/// packed into one integer with their length, so interning them hashes one
/// word instead of a string. Two overlapping fixed-size reads instead of a
/// copy of `len` bytes; distinct strings give distinct keys (the length
/// is in the top byte and the reads cover every byte).
#[inline]
fn short_key(t: &str) -> Option<u64> {
    let b = t.as_bytes();
    let len = b.len();
    let data = match len {
        0 => 0,
        1..=3 => u64::from(b[0]) | u64::from(b[len / 2]) << 8 | u64::from(b[len - 1]) << 16,
        4..=7 => {
            let lo = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            let hi = u32::from_le_bytes([b[len - 4], b[len - 3], b[len - 2], b[len - 1]]);
            // Bytes 4..len are the top len-4 bytes of `hi`.
            u64::from(lo) | (u64::from(hi) >> (8 * (8 - len))) << 32
        }
        _ => return None,
    };
    Some(data | (len as u64) << 56)
}

/// A term in a worker's map: its id, and `stamp`, the serial number of the
/// last field it occurred in (shifted left by 4) plus its occurrences in
/// that field so far (saturating at 15; see [`Field::new`]). Keeping the
/// count beside the key spares a second random memory access per token.
#[derive(Clone, Copy)]
struct Slot {
    id: u32,
    stamp: u32,
}

impl Slot {
    /// Counts one more occurrence in field number `serial` and returns how
    /// much that adds to the term's score. The increments over a field sum
    /// to min(occurrences × weight, cap), as the score is defined.
    #[inline]
    fn bump(&mut self, serial: u32, f: Field) -> u32 {
        let n = if self.stamp >> 4 == serial {
            ((self.stamp & 15) + 1).min(15)
        } else {
            1
        };
        self.stamp = serial << 4 | n;
        (n * f.weight).min(f.cap) - ((n - 1) * f.weight).min(f.cap)
    }
}

/// Postings of one worker's contiguous range of documents, by the worker's
/// own term ids.
#[derive(Default)]
struct Partial {
    short: TermMap<u64, Slot>,
    long: TermMap<Box<str>, Slot>,
    terms: Vec<Box<str>>,
    /// Per term id: (doc, score), doc ascending.
    lists: Vec<Vec<(u32, u32)>>,
    /// Serial number of the current field (0: none yet).
    serial: u32,
}

impl Partial {
    /// Starts a new field: occurrence counts in the slots restart.
    fn next_field(&mut self) {
        self.serial += 1;
        if self.serial >= 1 << 28 {
            // The serial no longer fits beside the count: forget all stamps.
            for s in self.short.values_mut().chain(self.long.values_mut()) {
                s.stamp = 0;
            }
            self.serial = 1;
        }
    }

    /// Counts an occurrence of term `t`, whose [`short_key`] is `key` if it
    /// has one, in the current field (adding the term if new); returns the
    /// term's id and its score increment.
    #[inline]
    fn add(&mut self, key: Option<u64>, t: &str, f: Field) -> (u32, u32) {
        let next = self.terms.len() as u32;
        let fresh = Slot { id: next, stamp: 0 };
        let (id, delta) = match key {
            Some(k) => {
                let s = self.short.entry(k).or_insert(fresh);
                (s.id, s.bump(self.serial, f))
            }
            None => match self.long.get_mut(t) {
                Some(s) => (s.id, s.bump(self.serial, f)),
                None => {
                    let mut s = fresh;
                    let delta = s.bump(self.serial, f);
                    self.long.insert(t.into(), s);
                    (next, delta)
                }
            },
        };
        if id == next {
            self.terms.push(t.into());
            self.lists.push(Vec::new());
        }
        (id, delta)
    }
}

/// Per-worker buffers reused across documents and fields. `doc_scores` is
/// dense by term id (zero when untouched) and the ids with a score are
/// listed in `doc_seen[..n_seen]`, so clearing costs only what was used.
#[derive(Default)]
struct Scratch {
    norm: String,
    text: String,
    starts: Vec<usize>,
    /// The current field's tokens: ([`short_key`], byte offset, length).
    toks: Vec<(Option<u64>, u32, u32)>,
    doc_scores: Vec<u32>,
    doc_seen: Vec<u32>,
    n_seen: usize,
}

/// Which fields are indexed (`search.fields`).
struct Fields {
    title: bool,
    tags: bool,
    column: bool,
    kind: bool,
    summary: bool,
    body: bool,
}

/// How one field scores: weight per occurrence, cap per term, and whether
/// CJK runs also give unigrams.
#[derive(Clone, Copy)]
struct Field {
    weight: u32,
    /// Already at least `weight`.
    cap: u32,
    unigrams: bool,
}

impl Field {
    /// A field whose terms score min(occurrences × `weight`, max(`cap`,
    /// `weight`)). Panics (at compile time, the fields are constants) if
    /// the cap needs more than 14 occurrences, which the saturating count
    /// in [`Slot`] could not tell apart.
    const fn new(weight: u32, cap: u32, unigrams: bool) -> Field {
        let cap = if cap > weight { cap } else { weight };
        assert!(weight >= 1 && cap <= 14 * weight);
        Field {
            weight,
            cap,
            unigrams,
        }
    }
}

/// The fields' weights and caps.
mod fields {
    use super::{Field, weight};
    pub const TITLE: Field = Field::new(weight::TITLE, weight::TITLE, true);
    pub const PINYIN: Field = Field::new(weight::PINYIN, weight::PINYIN, false);
    pub const TAG: Field = Field::new(weight::TAG, weight::TAG, true);
    pub const COLUMN: Field = Field::new(weight::COLUMN, weight::COLUMN, true);
    pub const KIND: Field = Field::new(weight::KIND, weight::KIND * 2, true);
    pub const SUMMARY: Field = Field::new(weight::SUMMARY, weight::SUMMARY, false);
    pub const BODY: Field = Field::new(weight::BODY, 8, false);
}

impl Scratch {
    /// Counts the tokens of one field into the document's scores (a term
    /// scores min(occurrences × weight, cap) per field, summed over the
    /// fields). `norm` must be normalized.
    fn field(&mut self, part: &mut Partial, table: &[u8; 0x10000], norm: &str, f: Field) {
        part.next_field();
        // First the tokens as (key, byte offset, length), then the counting:
        // two simple loops instead of one with a call per token, so the
        // CPU overlaps the hash table's cache misses better.
        let toks = &mut self.toks;
        toks.clear();
        each_token(norm, f.unigrams, table, &mut self.starts, &mut |t: &str| {
            let at = t.as_ptr() as usize - norm.as_ptr() as usize;
            toks.push((short_key(t), at as u32, t.len() as u32));
        });
        let scores = &mut self.doc_scores;
        let seen = &mut self.doc_seen;
        let mut n_seen = self.n_seen;
        for &(key, at, len) in toks.iter() {
            let t = &norm[at as usize..(at + len) as usize];
            let (id, delta) = part.add(key, t, f);
            let id = id as usize;
            if id >= scores.len() {
                scores.resize(id + 1, 0);
                seen.resize(id + 2, 0);
            }
            let old = scores[id];
            scores[id] = old + delta;
            // A term's first score in the document is its weight (≥ 1), so
            // 0 means "new here". That test is unpredictable, so no branch:
            // the id is written anyway and kept only if new (`seen` has a
            // spare entry beyond one per term).
            seen[n_seen] = id as u32;
            n_seen += usize::from(old == 0);
        }
        self.n_seen = n_seen;
    }

    /// Normalizes `raw` into the buffer, then [`Scratch::field`].
    fn raw_field(&mut self, part: &mut Partial, table: &[u8; 0x10000], raw: &str, f: Field) {
        let mut norm = std::mem::take(&mut self.norm);
        normalize_into(raw, table, &mut norm);
        self.field(part, table, &norm, f);
        self.norm = norm;
    }

    /// Moves the document's scores into the postings.
    fn finish_doc(&mut self, part: &mut Partial, doc: u32) {
        for &id in &self.doc_seen[..self.n_seen] {
            let score = std::mem::take(&mut self.doc_scores[id as usize]);
            part.lists[id as usize].push((doc, score));
        }
        self.n_seen = 0;
    }
}

/// The first [`MAX_BODY_CHARS`] characters of `s`, borrowed.
fn body_prefix(s: &str) -> &str {
    if s.len() <= MAX_BODY_CHARS {
        return s; // no more bytes than the limit, so no more chars
    }
    s.char_indices()
        .nth(MAX_BODY_CHARS)
        .map_or(s, |(i, _)| &s[..i])
}

/// The first [`SNIPPET_CHARS`] characters of `text` with runs of
/// whitespace collapsed to one space and the ends trimmed, reading only as
/// much of `text` as needed.
fn snippet(text: &str) -> String {
    let mut out = String::new();
    let mut n = 0;
    for (k, word) in text.split_whitespace().enumerate() {
        if k > 0 {
            if n == SNIPPET_CHARS {
                break;
            }
            out.push(' ');
            n += 1;
        }
        for c in word.chars() {
            if n == SNIPPET_CHARS {
                return out;
            }
            out.push(c);
            n += 1;
        }
    }
    out
}

/// Appends `n` in decimal. Short numbers (most doc deltas and scores) are
/// written as fixed-size arrays, which compile to plain stores; a
/// variable-length copy was a `memmove` call per number.
#[inline]
fn push_u32(out: &mut Vec<u8>, n: u32) {
    let d = |x: u32| b'0' + (x % 10) as u8;
    match n {
        0..=9 => out.push(d(n)),
        10..=99 => out.extend_from_slice(&[d(n / 10), d(n)]),
        100..=999 => out.extend_from_slice(&[d(n / 100), d(n / 10), d(n)]),
        1000..=9999 => out.extend_from_slice(&[d(n / 1000), d(n / 100), d(n / 10), d(n)]),
        _ => {
            let mut buf = [0u8; 10];
            let mut i = buf.len();
            let mut n = n;
            while n > 0 {
                i -= 1;
                buf[i] = d(n);
                n /= 10;
            }
            out.extend_from_slice(&buf[i..]);
        }
    }
}

/// Appends `s` as a JSON string exactly as `serde_json::to_string` writes
/// it (compact; `"`, `\` and control characters escaped, the usual ones
/// short, the rest as lowercase `\u00xx`; everything else verbatim).
fn push_json_str(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut from = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let short: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0C => b"\\f",
            0x00..=0x1F => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[from..i]);
        if short.is_empty() {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0xF)]);
        } else {
            out.extend_from_slice(short);
        }
        from = i + 1;
    }
    out.extend_from_slice(&bytes[from..]);
    out.push(b'"');
}

/// Writes the index files through `write(relative path under search/, bytes)`.
/// Returns (bytes written, number of shards).
pub fn write_index(site: &Site, write: &dyn Fn(&str, &[u8]) -> bool) -> (usize, usize) {
    let cfg = &site.config;
    let on = |f: &str| cfg.search.fields.iter().any(|x| x == f);
    let enabled = Fields {
        title: on("title"),
        tags: on("tags"),
        column: on("column"),
        kind: on("kind"),
        summary: on("summary"),
        body: on("body"),
    };
    let excluded = |ci: usize| {
        let c = &site.columns[ci];
        let dir = c.dir.to_string_lossy().replace('\\', "/");
        cfg.search
            .exclude_columns
            .iter()
            .any(|x| x == &dir || x == &c.title)
    };
    let order: Vec<usize> = site
        .by_date()
        .iter()
        .copied()
        .filter(|&i| !excluded(site.pages[i].column))
        .collect();
    let table = class_table();
    // Adds document number `doc` (page `i`) to `part`. A term's score in a
    // document is the sum over fields of min(occurrences × weight, cap).
    let index_doc = |part: &mut Partial, sc: &mut Scratch, doc: u32, i: usize| {
        let p = &site.pages[i];
        let b = &site.bodies[i];
        if enabled.title {
            sc.raw_field(part, table, &p.title, fields::TITLE);
            // Initials per CJK run of the title, so `lxyz` finds “两学一做” inside a longer title.
            for (cjk, run) in runs(&p.title) {
                let py = pinyin_initials(&run);
                if cjk && py.len() >= 2 {
                    // Not normalized, as before: initials are lowercase ASCII.
                    sc.field(part, table, &py, fields::PINYIN);
                }
            }
        }
        if enabled.tags {
            for terms in p.taxonomies.values() {
                for t in terms {
                    sc.raw_field(part, table, t, fields::TAG);
                }
            }
        }
        if enabled.column {
            let title = &site.columns[p.column].title;
            sc.raw_field(part, table, title, fields::COLUMN);
        }
        if enabled.kind {
            let mut kt = std::mem::take(&mut sc.text);
            kt.clear();
            kind_text(&p.kind_data, &mut kt);
            sc.raw_field(part, table, &kt, fields::KIND);
            sc.text = kt;
        }
        if enabled.summary {
            sc.raw_field(part, table, &b.summary, fields::SUMMARY);
        }
        if enabled.body {
            sc.raw_field(part, table, body_prefix(&b.text), fields::BODY);
        }
        sc.finish_doc(part, doc);
    };

    // Contiguous ranges of documents in parallel, each with its own term
    // ids; merging the parts in order keeps every list sorted by document.
    let per = order
        .len()
        .div_ceil(rayon::current_num_threads() * 4)
        .max(64);
    let parts: Vec<Partial> = order
        .par_chunks(per)
        .enumerate()
        .map(|(c, pages)| {
            let mut part = Partial::default();
            let mut sc = Scratch::default();
            for (k, &i) in pages.iter().enumerate() {
                index_doc(&mut part, &mut sc, (c * per + k) as u32, i);
            }
            part
        })
        .collect();
    // Each term's postings are its parts' lists in part order, borrowed
    // rather than concatenated (that copy and its reallocations showed up).
    let mut terms: Vec<&str> = Vec::new();
    let mut lists: Vec<Vec<&[(u32, u32)]>> = Vec::new();
    let mut ids: TermMap<&str> = TermMap::default();
    for part in &parts {
        for (t, list) in part.terms.iter().zip(&part.lists) {
            let id = *ids.entry(t).or_insert_with(|| {
                terms.push(t);
                lists.push(Vec::new());
                terms.len() as u32 - 1
            });
            lists[id as usize].push(list);
        }
    }
    drop(ids);
    let postings_len = |id: usize| lists[id].iter().map(|l| l.len()).sum::<usize>();

    // Shard count from the postings' approximate size.
    let approx: usize = terms
        .iter()
        .enumerate()
        .map(|(id, t)| t.len() + 6 + postings_len(id) * 5)
        .sum();
    let shards = (approx / SHARD_TARGET).next_power_of_two().clamp(1, 4096);
    let mut shard_terms: Vec<Vec<u32>> = vec![Vec::new(); shards];
    for (id, t) in terms.iter().enumerate() {
        shard_terms[(fnv1a(shard_key_str(t)) as usize) % shards].push(id as u32);
    }
    let files: Vec<Vec<u8>> = shard_terms
        .par_iter_mut()
        .enumerate()
        .map(|(k, ids)| {
            ids.sort_unstable_by(|&a, &b| terms[a as usize].cmp(terms[b as usize]));
            let size: usize = ids
                .iter()
                .map(|&id| terms[id as usize].len() + 6 + postings_len(id as usize) * 8)
                .sum();
            let mut sorted: Vec<(u32, u32)> = Vec::new();
            let mut s = Vec::with_capacity(size + 40);
            // {"term":[doc delta, score, doc delta, score, ...], ...}
            s.extend_from_slice(b"lanmuSearchLoad(\"s\",");
            push_u32(&mut s, k as u32);
            s.extend_from_slice(b",{");
            for (n, &id) in ids.iter().enumerate() {
                if n > 0 {
                    s.push(b',');
                }
                push_json_str(&mut s, terms[id as usize]);
                s.extend_from_slice(b":[");
                sorted.clear();
                for l in &lists[id as usize] {
                    sorted.extend_from_slice(l);
                }
                // Sorted already (documents were added in order); checked
                // rather than assumed since the output depends on it.
                if !sorted.is_sorted() {
                    sorted.sort_unstable();
                }
                let mut prev = 0u32;
                for (m, &(doc, score)) in sorted.iter().enumerate() {
                    if m > 0 {
                        s.push(b',');
                    }
                    push_u32(&mut s, doc - prev);
                    s.push(b',');
                    push_u32(&mut s, score);
                    prev = doc;
                }
                s.push(b']');
            }
            s.extend_from_slice(b"});\n");
            s
        })
        .collect();
    let mut total = 0;
    for (k, js) in files.iter().enumerate() {
        total += js.len();
        write(&format!("s/{k}.js"), js);
    }
    drop(files);

    // Document records, a chunk per file.
    let chunks: Vec<String> = order
        .par_chunks(DOC_CHUNK)
        .enumerate()
        .map(|(c, chunk)| {
            let recs: Vec<DocRecord> = chunk
                .iter()
                .map(|&i| {
                    let p = &site.pages[i];
                    // The URL is relative to the site root, so the index works
                    // under any sub-path and in relative builds; search.js
                    // resolves it.
                    let path = p.path.strip_prefix(&cfg.base_path).unwrap_or(&p.path);
                    (
                        &p.title,
                        crate::urls::href(path),
                        &site.columns[p.column].title,
                        p.date.display(cfg.lang),
                        snippet(&site.bodies[i].text),
                    )
                })
                .collect();
            let s = serde_json::to_string(&recs).unwrap_or_else(|_| "[]".into());
            format!("lanmuSearchLoad(\"d\",{c},{});\n", escape_script(&s))
        })
        .collect();
    for (c, js) in chunks.iter().enumerate() {
        total += js.len();
        write(&format!("d/{c}.js"), js.as_bytes());
    }
    let meta = serde_json::to_string(&Meta {
        version: 1,
        shards,
        doc_chunk: DOC_CHUNK,
        docs: order.len(),
    })
    .unwrap_or_default();
    let js = format!("lanmuSearchLoad(\"m\",0,{meta});\n");
    total += js.len();
    write("meta.js", js.as_bytes());
    (total, shards)
}

/// One document record: title, URL, column, date, snippet. Serialized as a
/// JSON array, like the `json!` array it replaced.
type DocRecord<'a> = (&'a String, String, &'a String, String, String);

/// Makes JSON safe inside a script file loaded with `<script src>`:
/// `</script>` cannot end anything there, but U+2028/2029 were invalid in
/// older JavaScript string literals.
fn escape_script(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains(['\u{2028}', '\u{2029}']) {
        s.replace('\u{2028}', "\\u2028")
            .replace('\u{2029}', "\\u2029")
            .into()
    } else {
        s.into()
    }
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
    fn class_table_matches_unicode_lookups() {
        let table = class_table();
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            assert_eq!(class(table, c), class_slow(c), "{c:?}");
            assert_eq!(
                fold_width(&c.to_string()),
                fold_char(c).to_string(),
                "{c:?}"
            );
        }
    }

    #[test]
    fn normalize_matches_fold_and_lowercase() {
        for s in [
            "",
            "ＡＩ与Party　建设！",
            "ΣΑΣ ΟΔΟΣ σς",
            "İstanbul Ǆ ß ﬃ",
            "Ünïcödé café ÀÉÎ",
            "二〇二四年，第〇期。“三会一课”",
            "ｶﾀｶﾅ半角 𠀀𠀁 😀",
            "MiXeD ascii 123 ABC xyz",
        ] {
            assert_eq!(normalize(s), fold_width(s).to_lowercase(), "{s}");
        }
    }

    #[test]
    fn json_strings_match_serde_json() {
        let mut all = String::new();
        for b in 0u8..0x80 {
            all.push(char::from(b));
            let s = char::from(b).to_string();
            let mut out = Vec::new();
            push_json_str(&mut out, &s);
            assert_eq!(out, serde_json::to_string(&s).unwrap().into_bytes(), "{b}");
        }
        all.push_str("中文\u{2028}é😀");
        let mut out = Vec::new();
        push_json_str(&mut out, &all);
        assert_eq!(out, serde_json::to_string(&all).unwrap().into_bytes());
    }

    #[test]
    fn integers_in_decimal() {
        for n in [
            0,
            1,
            9,
            10,
            99,
            100,
            999,
            1000,
            9999,
            10000,
            123456,
            u32::MAX,
        ] {
            let mut out = Vec::new();
            push_u32(&mut out, n);
            assert_eq!(out, n.to_string().into_bytes());
        }
    }

    #[test]
    fn short_keys_are_distinct() {
        let words = [
            "", "a", "ab", "ba", "aa", "aaa", "abc", "acb", "aaaa", "abcd", "abdc", "aaaaa",
            "abcde", "abced", "aaaaaa", "abcdef", "abcdfe", "aaaaaaa", "abcdefg", "党", "党史",
            "史党", "a党", "党a", "党史a",
        ];
        let mut seen = std::collections::HashMap::new();
        for w in words {
            let k = short_key(w).expect("short");
            assert_eq!(seen.insert(k, w), None, "{w} collides");
        }
        assert_eq!(short_key("abcdefgh"), None);
    }

    #[test]
    fn snippet_collapses_whitespace_and_cuts() {
        let reference = |t: &str| -> String {
            t.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .chars()
                .take(SNIPPET_CHARS)
                .collect()
        };
        let long = "两学一做 ".repeat(100);
        let exact = "字".repeat(SNIPPET_CHARS);
        let exact_space = format!("{} 后", "字".repeat(SNIPPET_CHARS));
        for t in ["", "  ", " a  b\n\tc ", &long, &exact, &exact_space] {
            assert_eq!(snippet(t), reference(t), "{t:?}");
        }
        let body = "字".repeat(MAX_BODY_CHARS + 5);
        assert_eq!(body_prefix(&body).chars().count(), MAX_BODY_CHARS);
        assert_eq!(body_prefix("short"), "short");
    }

    #[test]
    fn shard_keys() {
        assert_eq!(shard_key("party"), "pa");
        assert_eq!(shard_key("考研"), "考研");
    }
}
