//! Slugs for URLs made from Chinese names and tags, and URL path encoding.

use pinyin::ToPinyin;

use crate::config::SlugMode;

/// Folds full-width ASCII forms (`Ａ１：`) to half-width and the ideographic
/// space to a space; editors type both without noticing.
pub fn fold_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// The key under which taxonomy terms are merged: width-folded, lowercased,
/// with runs of whitespace collapsed and ends trimmed.
pub fn term_key(s: &str) -> String {
    fold_width(s)
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Makes a URL slug from `s`.
///
/// `pinyin`: ASCII only; Chinese characters become toneless pinyin syllables
/// separated by `-` (`两学一做` → `liang-xue-yi-zuo`), Latin letters are
/// lowercased, digits kept, everything else separates words.
/// `unicode`: letters and digits of any script are kept (lowercased), other
/// characters separate words.
pub fn slugify(s: &str, mode: SlugMode) -> String {
    let folded = fold_width(s);
    let mut words: Vec<String> = Vec::new();
    let mut cur = String::new();
    let flush = |cur: &mut String, words: &mut Vec<String>| {
        if !cur.is_empty() {
            words.push(std::mem::take(cur));
        }
    };
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            cur.push(c.to_ascii_lowercase());
            continue;
        }
        if mode == SlugMode::Pinyin {
            if let Some(p) = c.to_pinyin() {
                flush(&mut cur, &mut words);
                words.push(p.plain().to_string());
                continue;
            }
        } else if c.is_alphanumeric() {
            cur.extend(c.to_lowercase());
            continue;
        }
        // `_` and `-` inside ASCII words are word separators like any other.
        flush(&mut cur, &mut words);
    }
    flush(&mut cur, &mut words);
    words.join("-")
}

/// Percent-encodes a site path for use in `href`/`src`/XML: `/` and
/// unreserved ASCII stay, everything else (Chinese, spaces, `%`) is encoded.
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~' | b'#') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` escapes in a URL path (lossy on invalid UTF-8).
pub fn decode_path(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinyin_slugs() {
        assert_eq!(slugify("两学一做", SlugMode::Pinyin), "liang-xue-yi-zuo");
        assert_eq!(
            slugify("2023年考研 真题", SlugMode::Pinyin),
            "2023-nian-kao-yan-zhen-ti"
        );
        assert_eq!(slugify("Hello, World!", SlugMode::Pinyin), "hello-world");
        assert_eq!(slugify("ＡＩ与党建", SlugMode::Pinyin), "ai-yu-dang-jian");
        assert_eq!(slugify("my_page-name", SlugMode::Pinyin), "my-page-name");
        assert_eq!(slugify("！！", SlugMode::Pinyin), "");
    }

    #[test]
    fn unicode_slugs() {
        assert_eq!(slugify("党史 学习", SlugMode::Unicode), "党史-学习");
        assert_eq!(slugify("“两学一做”", SlugMode::Unicode), "两学一做");
    }

    #[test]
    fn terms_merge() {
        assert_eq!(term_key(" 党史学习 "), term_key("党史学习"));
        assert_eq!(term_key("ＡＩ"), term_key("ai"));
        assert_ne!(term_key("党史 学习"), term_key("党史学习"));
    }

    #[test]
    fn encoding_roundtrip() {
        let p = "/学习心得/a b/";
        let e = encode_path(p);
        assert!(e.is_ascii());
        assert_eq!(decode_path(&e), p);
    }
}
