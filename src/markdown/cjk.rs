//! CJK-aware post-processing passes over pulldown-cmark event streams.
//!
//! CommonMark was designed around space-separated scripts, and two of its
//! rules misbehave on Chinese (and Japanese/Korean) text:
//!
//! * **Emphasis next to punctuation.** `**“两学一做”**学习教育` stays literal
//!   in CommonMark because the closing `**` is preceded by punctuation (`”`)
//!   and followed by a letter (`学`), so it is not "right-flanking".
//!   [`cjk_friendly_emphasis`] implements the
//!   [markdown-cjk-friendly](https://github.com/tats-u/markdown-cjk-friendly/blob/main/specification.md)
//!   amendment, which relaxes the flanking rules next to CJK characters.
//! * **Line breaks inside a paragraph.** A soft line break renders as a
//!   newline, which browsers show as a space: harmless between English
//!   words, but a stray gap between two Chinese characters.
//!   [`drop_cjk_soft_breaks`] removes such breaks.
//!
//! Both passes work on `(Event, Range)` pairs as produced by
//! `Parser::new_ext(src, opts).into_offset_iter()`. A typical pipeline is
//!
//! ```ignore
//! let events: Vec<_> = Parser::new_ext(src, opts).into_offset_iter().collect();
//! let events = cjk_friendly_emphasis(src, events);
//! let events = drop_cjk_soft_breaks(events);
//! pulldown_cmark::html::push_html(&mut html, events.into_iter().map(|(e, _)| e));
//! ```
//!
//! Both passes are linear in the number of events (plus the length of the
//! text they inspect), never re-parse the document, and never panic.

use pulldown_cmark::{CowStr, Event, LinkType, Options, Tag, TagEnd};
use std::ops::Range;

/// An event together with its byte range in the source.
type Spanned<'a> = (Event<'a>, Range<usize>);

// ---------------------------------------------------------------------------
// Character classes
// ---------------------------------------------------------------------------

/// True for East Asian wide characters, i.e. the characters between which a
/// line break should *not* turn into a space.
///
/// Included:
/// * every character that the markdown-cjk-friendly specification calls a
///   "CJK character" (East Asian Width `W`/`F` that is not an emoji, plus the
///   Hangul script): all CJK Unified Ideographs blocks including extensions
///   and compatibility ideographs, radicals, kana, hangul, bopomofo, Yi, CJK
///   symbols and punctuation, enclosed/compatibility CJK, vertical and small
///   forms, full-width forms;
/// * the whole CJK Symbols and Punctuation block U+3000–U+303F;
/// * ambiguous-width punctuation that Chinese text uses as full-width:
///   `“ ” ‘ ’` (U+201C, U+201D, U+2018, U+2019), `…` (U+2026),
///   `—` (U+2014) and `·` (U+00B7). These are "ambiguous" in UAX #11; in
///   Chinese typesetting they occupy a full em, so a break next to them
///   should not become a space either.
///
/// Excluded: the half-width forms U+FF61–U+FFDC and U+FFE8–U+FFEE, the
/// half-width won sign U+20A9, and emoji.
///
/// Note that Korean separates words with spaces, so a line break between two
/// hangul syllables is treated like one between two ideographs (removed).
/// This mirrors how the break would be handled in Chinese text; lanmu targets
/// Chinese sites.
///
/// The emphasis pass does **not** use this function: it follows the
/// specification's narrower definition in which `“”‘’…—·` are ordinary
/// (non-CJK) punctuation, because the specification's rules already handle
/// them and widening the class would change how English text is parsed.
pub fn is_cjk(c: char) -> bool {
    // ASCII and the CJK Unified Ideographs block are nearly all of a Chinese
    // page; answer them before walking the range lists.
    if c.is_ascii() {
        return false;
    }
    if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
        return true;
    }
    match c {
        '\u{00B7}' | '\u{2014}' | '\u{2018}' | '\u{2019}' | '\u{201C}' | '\u{201D}'
        | '\u{2026}' => true,
        '\u{3000}'..='\u{303F}' => true,
        '\u{20A9}' | '\u{FF61}'..='\u{FFDC}' | '\u{FFE8}'..='\u{FFEE}' => false,
        _ => is_cjk_character(c),
    }
}

/// "CJK character" as defined by the markdown-cjk-friendly specification
/// (East Asian Width W, F or H and not a default-emoji-presentation
/// character, or script Hangul). Ranges as published for Unicode 16 in the
/// specification's `ranges.md`; unassigned code points in the ideograph
/// planes count as wide, as UAX #11 prescribes.
fn is_cjk_character(c: char) -> bool {
    // Same fast paths as `is_cjk`: no range below starts under U+1100, and
    // the ideograph block lies inside U+3250–U+A48C.
    if c.is_ascii() {
        return false;
    }
    if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
        return true;
    }
    in_cjk_character_ranges(c)
}

/// The range list behind [`is_cjk_character`].
fn in_cjk_character_ranges(c: char) -> bool {
    matches!(
        c,
        '\u{1100}'..='\u{11FF}'
            | '\u{20A9}'
            | '\u{2329}'..='\u{232A}'
            | '\u{2630}'..='\u{2637}'
            | '\u{268A}'..='\u{268F}'
            | '\u{2E80}'..='\u{2E99}'
            | '\u{2E9B}'..='\u{2EF3}'
            | '\u{2F00}'..='\u{2FD5}'
            | '\u{2FF0}'..='\u{303E}'
            | '\u{3041}'..='\u{3096}'
            | '\u{3099}'..='\u{30FF}'
            | '\u{3105}'..='\u{312F}'
            | '\u{3131}'..='\u{318E}'
            | '\u{3190}'..='\u{31E5}'
            | '\u{31EF}'..='\u{321E}'
            | '\u{3220}'..='\u{3247}'
            | '\u{3250}'..='\u{A48C}'
            | '\u{A490}'..='\u{A4C6}'
            | '\u{A960}'..='\u{A97C}'
            | '\u{AC00}'..='\u{D7A3}'
            | '\u{D7B0}'..='\u{D7C6}'
            | '\u{D7CB}'..='\u{D7FB}'
            | '\u{F900}'..='\u{FAFF}'
            | '\u{FE10}'..='\u{FE19}'
            | '\u{FE30}'..='\u{FE52}'
            | '\u{FE54}'..='\u{FE66}'
            | '\u{FE68}'..='\u{FE6B}'
            | '\u{FF01}'..='\u{FFBE}'
            | '\u{FFC2}'..='\u{FFC7}'
            | '\u{FFCA}'..='\u{FFCF}'
            | '\u{FFD2}'..='\u{FFD7}'
            | '\u{FFDA}'..='\u{FFDC}'
            | '\u{FFE0}'..='\u{FFE6}'
            | '\u{FFE8}'..='\u{FFEE}'
            | '\u{16FE0}'..='\u{16FE4}'
            | '\u{16FF0}'..='\u{16FF6}'
            | '\u{17000}'..='\u{18CD5}'
            | '\u{18CFF}'..='\u{18D1E}'
            | '\u{18D80}'..='\u{18DF2}'
            | '\u{1AFF0}'..='\u{1AFF3}'
            | '\u{1AFF5}'..='\u{1AFFB}'
            | '\u{1AFFD}'..='\u{1AFFE}'
            | '\u{1B000}'..='\u{1B122}'
            | '\u{1B132}'
            | '\u{1B150}'..='\u{1B152}'
            | '\u{1B155}'
            | '\u{1B164}'..='\u{1B167}'
            | '\u{1B170}'..='\u{1B2FB}'
            | '\u{1D300}'..='\u{1D356}'
            | '\u{1D360}'..='\u{1D376}'
            | '\u{1F200}'
            | '\u{1F202}'
            | '\u{1F210}'..='\u{1F219}'
            | '\u{1F21B}'..='\u{1F22E}'
            | '\u{1F230}'..='\u{1F231}'
            | '\u{1F237}'
            | '\u{1F23B}'
            | '\u{1F240}'..='\u{1F248}'
            | '\u{1F260}'..='\u{1F265}'
            | '\u{20000}'..='\u{3FFFD}'
    )
}

/// Non-emoji general-use variation selector (U+FE00–U+FE0E).
fn is_svs(c: char) -> bool {
    ('\u{FE00}'..='\u{FE0E}').contains(&c)
}

/// Ideographic variation selector (U+E0100–U+E01EF).
fn is_ivs(c: char) -> bool {
    ('\u{E0100}'..='\u{E01EF}').contains(&c)
}

/// CommonMark "Unicode punctuation character": General_Category P* or S*.
fn is_punctuation(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_punctuation();
    }
    // PUNCT_BOUNDS is strictly increasing `[start, end)` pairs, so an odd
    // number of bounds <= c means c lies inside a range.
    let cp = c as u32;
    PUNCT_BOUNDS.partition_point(|&b| b <= cp) % 2 == 1
}

// Generated from the Unicode Character Database (unicodedata2 18.0.0):
// General_Category P* and S*, code points >= U+0080, as half-open ranges
// flattened into one strictly increasing list.
static PUNCT_BOUNDS: &[u32] = &[
    0xA1, 0xAA, 0xAB, 0xAD, 0xAE, 0xB2, 0xB4, 0xB5, 0xB6, 0xB9, 0xBB, 0xBC, 0xBF, 0xC0, 0xD7, 0xD8,
    0xF7, 0xF8, 0x2C2, 0x2C6, 0x2D2, 0x2E0, 0x2E5, 0x2EC, 0x2ED, 0x2EE, 0x2EF, 0x300, 0x375, 0x376,
    0x37E, 0x37F, 0x384, 0x386, 0x387, 0x388, 0x3F6, 0x3F7, 0x482, 0x483, 0x55A, 0x560, 0x589,
    0x58B, 0x58D, 0x590, 0x5BE, 0x5BF, 0x5C0, 0x5C1, 0x5C3, 0x5C4, 0x5C6, 0x5C7, 0x5F3, 0x5F5,
    0x606, 0x610, 0x61B, 0x61C, 0x61D, 0x620, 0x66A, 0x66E, 0x6D4, 0x6D5, 0x6DE, 0x6DF, 0x6E9,
    0x6EA, 0x6FD, 0x6FF, 0x700, 0x70E, 0x7F6, 0x7FA, 0x7FE, 0x800, 0x830, 0x83F, 0x85E, 0x85F,
    0x888, 0x889, 0x964, 0x966, 0x970, 0x971, 0x9F2, 0x9F4, 0x9FA, 0x9FC, 0x9FD, 0x9FE, 0xA76,
    0xA77, 0xAF0, 0xAF2, 0xB70, 0xB71, 0xBF3, 0xBFB, 0xC77, 0xC78, 0xC7F, 0xC80, 0xC84, 0xC85,
    0xD4F, 0xD50, 0xD79, 0xD7A, 0xDF4, 0xDF5, 0xE3F, 0xE40, 0xE4F, 0xE50, 0xE5A, 0xE5C, 0xF01,
    0xF18, 0xF1A, 0xF20, 0xF34, 0xF35, 0xF36, 0xF37, 0xF38, 0xF39, 0xF3A, 0xF3E, 0xF85, 0xF86,
    0xFBE, 0xFC6, 0xFC7, 0xFCD, 0xFCE, 0xFDB, 0x104A, 0x1050, 0x109E, 0x10A0, 0x10FB, 0x10FC,
    0x1360, 0x1369, 0x1390, 0x139A, 0x1400, 0x1401, 0x166D, 0x166F, 0x169B, 0x169D, 0x16EB, 0x16EE,
    0x1735, 0x1737, 0x17D4, 0x17D7, 0x17D8, 0x17DC, 0x1800, 0x180B, 0x1940, 0x1941, 0x1944, 0x1946,
    0x19DE, 0x1A00, 0x1A1E, 0x1A20, 0x1AA0, 0x1AA7, 0x1AA8, 0x1AAE, 0x1B4E, 0x1B50, 0x1B5A, 0x1B6B,
    0x1B74, 0x1B80, 0x1BFC, 0x1C00, 0x1C3B, 0x1C40, 0x1C7E, 0x1C80, 0x1CC0, 0x1CC8, 0x1CD3, 0x1CD4,
    0x1FBD, 0x1FBE, 0x1FBF, 0x1FC2, 0x1FCD, 0x1FD0, 0x1FDD, 0x1FE0, 0x1FED, 0x1FF0, 0x1FFD, 0x1FFF,
    0x2010, 0x2028, 0x2030, 0x205F, 0x207A, 0x207F, 0x208A, 0x208F, 0x20A0, 0x20C5, 0x2100, 0x2102,
    0x2103, 0x2107, 0x2108, 0x210A, 0x2114, 0x2115, 0x2116, 0x2119, 0x211E, 0x2124, 0x2125, 0x2126,
    0x2127, 0x2128, 0x2129, 0x212A, 0x212E, 0x212F, 0x213A, 0x213C, 0x2140, 0x2145, 0x214A, 0x214E,
    0x214F, 0x2150, 0x218A, 0x218C, 0x2190, 0x242A, 0x2440, 0x244B, 0x249C, 0x24EA, 0x2500, 0x2776,
    0x2794, 0x2B74, 0x2B76, 0x2C00, 0x2CE5, 0x2CEB, 0x2CF9, 0x2CFD, 0x2CFE, 0x2D00, 0x2D70, 0x2D71,
    0x2E00, 0x2E2F, 0x2E30, 0x2E5E, 0x2E60, 0x2E64, 0x2E80, 0x2E9A, 0x2E9B, 0x2EF4, 0x2F00, 0x2FD6,
    0x2FF0, 0x3000, 0x3001, 0x3005, 0x3008, 0x3021, 0x3030, 0x3031, 0x3036, 0x3038, 0x303D, 0x3040,
    0x309B, 0x309D, 0x30A0, 0x30A1, 0x30FB, 0x30FC, 0x3190, 0x3192, 0x3196, 0x31A0, 0x31C0, 0x31E6,
    0x31EF, 0x31F0, 0x3200, 0x321F, 0x322A, 0x3248, 0x3250, 0x3251, 0x3260, 0x3280, 0x328A, 0x32B1,
    0x32C0, 0x3400, 0x4DC0, 0x4E00, 0xA490, 0xA4C7, 0xA4FE, 0xA500, 0xA60D, 0xA610, 0xA673, 0xA674,
    0xA67E, 0xA67F, 0xA6F2, 0xA6F8, 0xA700, 0xA717, 0xA720, 0xA722, 0xA789, 0xA78B, 0xA828, 0xA82C,
    0xA836, 0xA83A, 0xA874, 0xA878, 0xA8CE, 0xA8D0, 0xA8F8, 0xA8FB, 0xA8FC, 0xA8FD, 0xA92E, 0xA930,
    0xA95F, 0xA960, 0xA9C1, 0xA9CE, 0xA9DE, 0xA9E0, 0xAA5C, 0xAA60, 0xAA77, 0xAA7A, 0xAADE, 0xAAE0,
    0xAAF0, 0xAAF2, 0xAB5B, 0xAB5C, 0xAB6A, 0xAB6C, 0xABEB, 0xABEC, 0xFB29, 0xFB2A, 0xFBB2, 0xFBD3,
    0xFD3E, 0xFD50, 0xFD90, 0xFD92, 0xFDC8, 0xFDD0, 0xFDFC, 0xFE00, 0xFE10, 0xFE1A, 0xFE30, 0xFE53,
    0xFE54, 0xFE67, 0xFE68, 0xFE6C, 0xFF01, 0xFF10, 0xFF1A, 0xFF21, 0xFF3B, 0xFF41, 0xFF5B, 0xFF66,
    0xFFE0, 0xFFE7, 0xFFE8, 0xFFEF, 0xFFFC, 0xFFFE, 0x10100, 0x10103, 0x10137, 0x10140, 0x10179,
    0x1018A, 0x1018C, 0x1018F, 0x10190, 0x1019D, 0x101A0, 0x101A1, 0x101D0, 0x101FD, 0x1039F,
    0x103A0, 0x103D0, 0x103D1, 0x1056F, 0x10570, 0x10857, 0x10858, 0x10877, 0x10879, 0x1091F,
    0x10920, 0x1093F, 0x10940, 0x10A50, 0x10A59, 0x10A7F, 0x10A80, 0x10AC8, 0x10AC9, 0x10AF0,
    0x10AF7, 0x10B39, 0x10B40, 0x10B99, 0x10B9D, 0x10D6E, 0x10D6F, 0x10D8E, 0x10D90, 0x10EAD,
    0x10EAE, 0x10EC9, 0x10ECB, 0x10ED0, 0x10ED9, 0x10F55, 0x10F5A, 0x10F86, 0x10F8A, 0x11047,
    0x1104E, 0x110BB, 0x110BD, 0x110BE, 0x110C2, 0x11140, 0x11144, 0x11174, 0x11176, 0x111C5,
    0x111C9, 0x111CD, 0x111CE, 0x111DB, 0x111DC, 0x111DD, 0x111E0, 0x11238, 0x1123E, 0x112A9,
    0x112AA, 0x113D4, 0x113D6, 0x113D7, 0x113D9, 0x1144B, 0x11450, 0x1145A, 0x1145C, 0x1145D,
    0x1145E, 0x114C6, 0x114C7, 0x115C1, 0x115D8, 0x11641, 0x11644, 0x11660, 0x1166D, 0x116B9,
    0x116BA, 0x1173C, 0x11740, 0x1183B, 0x1183C, 0x11944, 0x11947, 0x119E2, 0x119E3, 0x11A3F,
    0x11A47, 0x11A9A, 0x11A9D, 0x11A9E, 0x11AA3, 0x11B00, 0x11B0A, 0x11BE1, 0x11BE2, 0x11C41,
    0x11C46, 0x11C70, 0x11C72, 0x11EF7, 0x11EF9, 0x11F43, 0x11F50, 0x11FD5, 0x11FF2, 0x11FFF,
    0x12000, 0x12470, 0x12475, 0x12FF1, 0x12FF3, 0x16A6E, 0x16A70, 0x16AF5, 0x16AF6, 0x16B37,
    0x16B40, 0x16B44, 0x16B46, 0x16D6D, 0x16D70, 0x16E97, 0x16E9B, 0x16FE2, 0x16FE3, 0x1BC9C,
    0x1BC9D, 0x1BC9F, 0x1BCA0, 0x1CC00, 0x1CCF0, 0x1CCFA, 0x1CCFD, 0x1CD00, 0x1CEB4, 0x1CEBA,
    0x1CED1, 0x1CED2, 0x1CED5, 0x1CEDD, 0x1CEFE, 0x1CF50, 0x1CFC4, 0x1D000, 0x1D0F6, 0x1D100,
    0x1D127, 0x1D129, 0x1D165, 0x1D16A, 0x1D16D, 0x1D183, 0x1D185, 0x1D18C, 0x1D1AA, 0x1D1AE,
    0x1D242, 0x1D245, 0x1D246, 0x1D253, 0x1D25B, 0x1D25D, 0x1D25F, 0x1D260, 0x1D280, 0x1D300,
    0x1D357, 0x1D6C1, 0x1D6C2, 0x1D6DB, 0x1D6DC, 0x1D6FB, 0x1D6FC, 0x1D715, 0x1D716, 0x1D735,
    0x1D736, 0x1D74F, 0x1D750, 0x1D76F, 0x1D770, 0x1D789, 0x1D78A, 0x1D7A9, 0x1D7AA, 0x1D7C3,
    0x1D7C4, 0x1D800, 0x1DA00, 0x1DA37, 0x1DA3B, 0x1DA6D, 0x1DA75, 0x1DA76, 0x1DA84, 0x1DA85,
    0x1DA8C, 0x1DB00, 0x1DB1D, 0x1E14F, 0x1E150, 0x1E2FF, 0x1E300, 0x1E5FF, 0x1E600, 0x1E95E,
    0x1E960, 0x1ECAC, 0x1ECAD, 0x1ECB0, 0x1ECB1, 0x1ED2E, 0x1ED2F, 0x1EEF0, 0x1EEF2, 0x1F000,
    0x1F02C, 0x1F030, 0x1F094, 0x1F0A0, 0x1F0AF, 0x1F0B1, 0x1F0C0, 0x1F0C1, 0x1F0D0, 0x1F0D1,
    0x1F0F6, 0x1F10D, 0x1F1AF, 0x1F1E6, 0x1F203, 0x1F210, 0x1F23C, 0x1F240, 0x1F249, 0x1F250,
    0x1F252, 0x1F260, 0x1F266, 0x1F300, 0x1F6DA, 0x1F6DC, 0x1F6ED, 0x1F6F0, 0x1F6FD, 0x1F700,
    0x1F7DC, 0x1F7E0, 0x1F7EC, 0x1F7F0, 0x1F80C, 0x1F810, 0x1F848, 0x1F850, 0x1F85A, 0x1F860,
    0x1F888, 0x1F890, 0x1F8AE, 0x1F8B0, 0x1F8BC, 0x1F8C0, 0x1F8C2, 0x1F8D0, 0x1F8D9, 0x1F900,
    0x1FA58, 0x1FA60, 0x1FA6E, 0x1FA70, 0x1FA7D, 0x1FA80, 0x1FAC7, 0x1FAC8, 0x1FAC9, 0x1FACC,
    0x1FADE, 0x1FADF, 0x1FAEC, 0x1FAEF, 0x1FAFB, 0x1FB00, 0x1FB93, 0x1FB94, 0x1FBF0, 0x1FBFA,
    0x1FBFB,
];

// ---------------------------------------------------------------------------
// Soft breaks
// ---------------------------------------------------------------------------

/// Removes soft line breaks whose neighbours are both CJK (per [`is_cjk`]).
///
/// Chinese text has no spaces between words, so an author who wraps a long
/// paragraph in the source file does not want the wrap to show up as a gap
/// in the page. A `SoftBreak` is dropped when the last character rendered
/// before it and the first character rendered after it are both CJK. The
/// neighbours are looked up across `Text` and inline `Code` events and
/// through inline markup (emphasis, strong, strikethrough, super/subscript,
/// link boundaries), so `**中文**\n中文` also loses its break. Anything else
/// next to the break (an image, inline HTML, math, a footnote reference,
/// another break, a block boundary) keeps it. Breaks between other text
/// (`English\ntext`, `中文\nEnglish`) and hard breaks are left untouched.
pub fn drop_cjk_soft_breaks<'a>(mut events: Vec<Spanned<'a>>) -> Vec<Spanned<'a>> {
    // Decide on the unmodified list first (a dropped break must not change
    // its neighbours' neighbours), then remove in place.
    let drop: Vec<usize> = (0..events.len())
        .filter(|&i| {
            matches!(events[i].0, Event::SoftBreak)
                && neighbour_char(&events, i, true).is_some_and(is_cjk)
                && neighbour_char(&events, i, false).is_some_and(is_cjk)
        })
        .collect();
    if drop.is_empty() {
        return events;
    }
    let mut i = 0;
    let mut next = drop.iter().peekable();
    events.retain(|_| {
        let keep = next.next_if_eq(&&i).is_none();
        i += 1;
        keep
    });
    events
}

/// The character rendered immediately before (`backwards`) or after event
/// `i`, looking through transparent inline markup; `None` if something other
/// than text is adjacent.
fn neighbour_char(events: &[Spanned<'_>], i: usize, backwards: bool) -> Option<char> {
    let mut j = i;
    loop {
        if backwards {
            j = j.checked_sub(1)?;
        } else {
            j += 1;
        }
        match &events.get(j)?.0 {
            Event::Text(t) | Event::Code(t) => {
                let c = if backwards {
                    t.chars().next_back()
                } else {
                    t.chars().next()
                };
                if c.is_some() {
                    return c;
                }
            }
            Event::Start(tag) if is_transparent_tag(tag) => {}
            Event::End(end) if is_transparent_end(*end) => {}
            _ => return None,
        }
    }
}

fn is_transparent_tag(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
    )
}

fn is_transparent_end(end: TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
    )
}

// ---------------------------------------------------------------------------
// CJK-friendly emphasis: public entry points
// ---------------------------------------------------------------------------

/// How [`cjk_friendly_emphasis_with_options`] treats tildes. `*` and `_` are
/// always handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CjkEmphasisOptions {
    /// `~~` is strikethrough (pulldown-cmark's
    /// `Options::ENABLE_STRIKETHROUGH`).
    pub strikethrough: bool,
    /// What a single `~` is.
    pub single_tilde: SingleTilde,
}

/// Meaning of a single `~` delimiter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SingleTilde {
    /// Plain text: never turned into markup by this pass.
    Ignore,
    /// Strikethrough, as pulldown-cmark does with
    /// `Options::ENABLE_STRIKETHROUGH` but without `Options::ENABLE_SUBSCRIPT`.
    Strikethrough,
    /// Subscript (`Options::ENABLE_SUBSCRIPT`).
    Subscript,
}

impl Default for CjkEmphasisOptions {
    /// `~~` is strikethrough; a single `~` is left alone, since it could be
    /// subscript or strikethrough depending on the parser options.
    fn default() -> Self {
        CjkEmphasisOptions {
            strikethrough: true,
            single_tilde: SingleTilde::Ignore,
        }
    }
}

impl CjkEmphasisOptions {
    /// The options matching the parser options that produced the events, so
    /// that tildes are treated exactly as pulldown-cmark treats them.
    pub fn from_parser_options(options: Options) -> Self {
        let strikethrough = options.contains(Options::ENABLE_STRIKETHROUGH);
        let single_tilde = if options.contains(Options::ENABLE_SUBSCRIPT) {
            SingleTilde::Subscript
        } else if strikethrough {
            SingleTilde::Strikethrough
        } else {
            SingleTilde::Ignore
        };
        CjkEmphasisOptions {
            strikethrough,
            single_tilde,
        }
    }

    /// Whether tildes take part in delimiter matching at all (pulldown-cmark
    /// matches `~~` even with only subscript enabled, then prints it).
    fn tildes(self) -> bool {
        self.strikethrough || self.single_tilde != SingleTilde::Ignore
    }

    /// Markup for a matched pair of `n`-tilde runs.
    fn tilde_kind(self, n: usize) -> Kind {
        match (n, self.single_tilde) {
            (1, SingleTilde::Subscript) => Kind::Subscript,
            (1, _) => Kind::Strike,
            _ if self.strikethrough => Kind::Strike,
            _ => Kind::Plain,
        }
    }
}

/// Applies the markdown-cjk-friendly amendment to CommonMark emphasis.
///
/// CommonMark decides whether `*`, `_` or `~~` can open or close emphasis by
/// looking at the characters around the delimiter run; next to Chinese
/// punctuation those rules fail: `**“两学一做”**学习教育` stays literal, and
/// in `**“两学一做”**学习**教育**` pulldown-cmark pairs the wrong
/// delimiters. This pass re-runs delimiter matching with the specification's
/// left/right-flanking rules and emits proper `Start`/`End` events for
/// `Emphasis`/`Strong`/`Strikethrough` (and `Subscript` when so configured).
///
/// How it works, per inline container (paragraph, heading, table cell, tight
/// list item, link text, image alt text, superscript):
/// * literal delimiter characters are found in `Text` events whose content
///   is verbatim source (checked against `source` at the event's range), so
///   backslash-escaped `\*` and entities like `&ast;` are never delimiters;
///   `Code`, `Html`, `InlineHtml`, math, code blocks, HTML blocks, metadata
///   blocks and autolinks are never touched;
/// * the emphasis pulldown-cmark already produced is turned back into its
///   delimiter runs, and the whole container is re-matched with the
///   CommonMark algorithm using CJK-friendly flanking; links stay opaque, as
///   in CommonMark;
/// * every delimiter pulldown-cmark had matched must still be matched
///   (possibly to a different partner, as in the example above). If the
///   amended rules would leave one unmatched, the existing emphasis is kept
///   exactly and only the literal runs are matched among themselves, never
///   across existing markup. Unmatched runs stay literal text.
///
/// Containers without delimiters, and containers whose matching does not
/// change, are passed through untouched; for text without CJK characters the
/// result is what pulldown-cmark produced (given tilde options that match
/// the parser's, see below). Pairs that pulldown-cmark
/// produced keep their original event ranges; newly synthesized
/// `Start`/`End` events carry the source range of their delimiter
/// characters, and split text carries its own sub-range.
///
/// `~~` is treated as strikethrough and a single `~` as text; to match other
/// parser options (no `Options::ENABLE_STRIKETHROUGH`, single-tilde
/// strikethrough, `Options::ENABLE_SUBSCRIPT`), use
/// [`cjk_friendly_emphasis_with_options`] with
/// [`CjkEmphasisOptions::from_parser_options`].
pub fn cjk_friendly_emphasis<'a>(source: &'a str, events: Vec<Spanned<'a>>) -> Vec<Spanned<'a>> {
    cjk_friendly_emphasis_with_options(source, events, CjkEmphasisOptions::default())
}

/// [`cjk_friendly_emphasis`] with explicit control over `~` handling.
pub fn cjk_friendly_emphasis_with_options<'a>(
    source: &'a str,
    events: Vec<Spanned<'a>>,
    options: CjkEmphasisOptions,
) -> Vec<Spanned<'a>> {
    let clean = clean_blocks(source, options, &events);
    let mut pass = Pass {
        source,
        options,
        out: Vec::with_capacity(events.len()),
        stack: vec![Level::new(false, false, false, None)],
    };
    let mut clean = clean.into_iter().peekable();
    let mut rest = events.into_iter();
    let mut i = 0;
    while let Some(ev) = rest.next() {
        if let Some((_, end)) = clean.next_if(|&(start, _)| start == i) {
            let at_root = pass.stack.len() == 1 && pass.top().open_pairs.is_empty();
            if at_root {
                // What the pass would do, minus the bookkeeping: nothing in
                // the block can take part in matching, so it is emitted as is
                // (in one `extend`, which copies far faster than event by event).
                pass.flush_top();
                pass.out.push(ev);
                pass.out.extend(rest.by_ref().take(end - i));
                i = end + 1;
                continue;
            }
        }
        pass.event(ev);
        i += 1;
    }
    pass.finish()
}

/// Top-level blocks, as `(start, end)` event indices, that the emphasis pass
/// would copy unchanged: no emphasis-like tags and no delimiter character in
/// the source of any `Text` event. Most blocks of a typical page (headings,
/// lists, quotes, paragraphs without `*`/`_`/`~`) are such, and copying them
/// skips the per-event item bookkeeping.
fn clean_blocks(
    source: &str,
    options: CjkEmphasisOptions,
    events: &[Spanned<'_>],
) -> Vec<(usize, usize)> {
    let mut blocks = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    let mut clean = false;
    for (i, (ev, range)) in events.iter().enumerate() {
        match ev {
            Event::Start(tag) => {
                if depth == 0 {
                    start = i;
                    clean = !is_inline_tag(tag);
                } else if matches!(
                    tag,
                    Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Subscript
                ) {
                    clean = false;
                }
                depth += 1;
            }
            Event::End(_) => {
                if depth == 0 {
                    // Unbalanced: leave everything to the pass.
                    return Vec::new();
                }
                depth -= 1;
                if depth == 0 && clean {
                    blocks.push((start, i));
                }
            }
            Event::Text(_) if depth > 0 && clean => {
                let text = source.get(range.clone()).unwrap_or_default();
                let mut found = false;
                for_each_delimiter(text.as_bytes(), options.tildes(), |_, _| found = true);
                clean = !found;
            }
            _ => {}
        }
    }
    blocks
}

// ---------------------------------------------------------------------------
// Event stream → per-container item lists
// ---------------------------------------------------------------------------

/// One child of an inline container, in document order.
enum Item<'a> {
    /// Emitted verbatim; never contains delimiters.
    Pass(Spanned<'a>),
    /// A finished nested inline container (link, image, ...), emitted verbatim.
    Nested(Vec<Spanned<'a>>),
    /// A `Text` event whose content is exactly `source[range]`.
    Text(Spanned<'a>),
    /// `Start` of an emphasis-like tag that was unpacked into delimiters.
    Open(Spanned<'a>, usize),
    /// `End` of an unpacked tag.
    Close(Spanned<'a>, usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Emphasis,
    Strong,
    Strike,
    Subscript,
    /// Matched, but printed as text (`~~` without strikethrough enabled).
    Plain,
}

impl Kind {
    fn start(self) -> Option<Event<'static>> {
        Some(Event::Start(match self {
            Kind::Emphasis => Tag::Emphasis,
            Kind::Strong => Tag::Strong,
            Kind::Strike => Tag::Strikethrough,
            Kind::Subscript => Tag::Subscript,
            Kind::Plain => return None,
        }))
    }

    fn end(self) -> Option<Event<'static>> {
        Some(Event::End(match self {
            Kind::Emphasis => TagEnd::Emphasis,
            Kind::Strong => TagEnd::Strong,
            Kind::Strike => TagEnd::Strikethrough,
            Kind::Subscript => TagEnd::Subscript,
            Kind::Plain => return None,
        }))
    }
}

/// An emphasis pair produced by pulldown-cmark, unpacked into delimiters.
struct Pair {
    kind: Kind,
    /// Number of delimiter characters on each side.
    n: usize,
    /// Source position of the first opening / closing delimiter character.
    open_pos: usize,
    close_pos: usize,
    /// Ranges of the original `Start` / `End` events.
    start_range: Range<usize>,
    end_range: Option<Range<usize>>,
}

/// A container whose children are being collected.
struct Level<'a> {
    /// Inline container: its output is collected and handed to the parent as
    /// one [`Item::Nested`]. Otherwise (block) output goes straight to `out`.
    buffered: bool,
    /// Contents are never inspected (code block, HTML block, autolink, ...).
    raw: bool,
    /// Inside a table cell: an unescaped `|` next to a delimiter run counts
    /// as whitespace, as pulldown-cmark treats it.
    in_table: bool,
    /// Finished output of a buffered level, starting with its `Start` event.
    done: Vec<Spanned<'a>>,
    /// Children of the current inline segment.
    items: Vec<Item<'a>>,
    pairs: Vec<Pair>,
    /// Unpacked pairs whose `End` has not been seen yet.
    open_pairs: Vec<usize>,
}

impl<'a> Level<'a> {
    fn new(buffered: bool, raw: bool, in_table: bool, start: Option<Spanned<'a>>) -> Self {
        Level {
            buffered,
            raw,
            in_table,
            done: start.into_iter().collect(),
            items: Vec::new(),
            pairs: Vec::new(),
            open_pairs: Vec::new(),
        }
    }
}

struct Pass<'a> {
    source: &'a str,
    options: CjkEmphasisOptions,
    out: Vec<Spanned<'a>>,
    /// Never empty: the bottom entry is the document root.
    stack: Vec<Level<'a>>,
}

impl<'a> Pass<'a> {
    fn top(&mut self) -> &mut Level<'a> {
        if self.stack.is_empty() {
            self.stack.push(Level::new(false, false, false, None));
        }
        let last = self.stack.len() - 1;
        &mut self.stack[last]
    }

    fn event(&mut self, (ev, range): Spanned<'a>) {
        let source = self.source;
        match ev {
            Event::Start(tag) => self.start(tag, range),
            Event::End(end) => self.end(end, range),
            Event::Text(text) => {
                let top = self.top();
                let literal = !top.raw && source.get(range.clone()) == Some(&*text);
                let item = (Event::Text(text), range);
                top.items.push(if literal {
                    Item::Text(item)
                } else {
                    Item::Pass(item)
                });
            }
            Event::Rule => {
                let top = self.top();
                if top.buffered || !top.open_pairs.is_empty() {
                    top.items.push(Item::Pass((Event::Rule, range)));
                } else {
                    self.flush_top();
                    self.out.push((Event::Rule, range));
                }
            }
            other => self.top().items.push(Item::Pass((other, range))),
        }
    }

    fn start(&mut self, tag: Tag<'a>, range: Range<usize>) {
        let source = self.source;
        let top = self.top();
        let pair = if top.raw {
            None
        } else {
            unpack_pair(source, &tag, &range)
        };
        if let Some(pair) = pair {
            let id = top.pairs.len();
            top.pairs.push(pair);
            top.open_pairs.push(id);
            top.items.push(Item::Open((Event::Start(tag), range), id));
            return;
        }
        let raw = top.raw
            || matches!(
                tag,
                Tag::CodeBlock(_)
                    | Tag::HtmlBlock
                    | Tag::MetadataBlock(_)
                    | Tag::Link {
                        link_type: LinkType::Autolink | LinkType::Email,
                        ..
                    }
            );
        let in_table = top.in_table || matches!(tag, Tag::TableCell);
        let inline = is_inline_tag(&tag);
        if inline || top.buffered || !top.open_pairs.is_empty() {
            let level = Level::new(true, raw, in_table, Some((Event::Start(tag), range)));
            self.stack.push(level);
        } else {
            self.flush_top();
            self.out.push((Event::Start(tag), range));
            self.stack.push(Level::new(false, raw, in_table, None));
        }
    }

    fn end(&mut self, end: TagEnd, range: Range<usize>) {
        let top = self.top();
        if let Some(id) = top.open_pairs.pop() {
            if let Some(pair) = top.pairs.get_mut(id) {
                pair.end_range = Some(range.clone());
            }
            top.items.push(Item::Close((Event::End(end), range), id));
            return;
        }
        if self.stack.len() <= 1 {
            // Unbalanced input: keep the event, nothing to close.
            self.flush_top();
            self.out.push((Event::End(end), range));
            return;
        }
        self.close_level(Some((Event::End(end), range)));
    }

    /// Finishes the innermost level, appending `end` after its content.
    fn close_level(&mut self, end: Option<Spanned<'a>>) {
        let Some(mut level) = self.stack.pop() else {
            return;
        };
        let items = std::mem::take(&mut level.items);
        let pairs = std::mem::take(&mut level.pairs);
        if level.buffered {
            let mut done = std::mem::take(&mut level.done);
            process_segment(
                self.source,
                self.options,
                level.in_table,
                items,
                &pairs,
                &mut done,
            );
            done.extend(end);
            self.top().items.push(Item::Nested(done));
        } else {
            process_segment(
                self.source,
                self.options,
                level.in_table,
                items,
                &pairs,
                &mut self.out,
            );
            self.out.extend(end);
        }
    }

    /// Processes the innermost (non-buffered) level's pending inline segment.
    fn flush_top(&mut self) {
        let (source, options) = (self.source, self.options);
        let top = self.top();
        let items = std::mem::take(&mut top.items);
        let pairs = std::mem::take(&mut top.pairs);
        let in_table = top.in_table;
        process_segment(source, options, in_table, items, &pairs, &mut self.out);
    }

    fn finish(mut self) -> Vec<Spanned<'a>> {
        while self.stack.len() > 1 {
            self.close_level(None);
        }
        self.flush_top();
        self.out
    }
}

/// If `tag` is emphasis/strong/strikethrough whose delimiters can be located
/// in the source, describes it as a [`Pair`].
fn unpack_pair(source: &str, tag: &Tag<'_>, range: &Range<usize>) -> Option<Pair> {
    let bytes = source.as_bytes();
    let first = *bytes.get(range.start)?;
    let (kind, n) = match tag {
        Tag::Emphasis if first == b'*' || first == b'_' => (Kind::Emphasis, 1),
        Tag::Strong if first == b'*' || first == b'_' => (Kind::Strong, 2),
        Tag::Strikethrough if first == b'~' => {
            let run = bytes[range.start..]
                .iter()
                .take_while(|&&b| b == b'~')
                .count();
            (Kind::Strike, run.min(2))
        }
        Tag::Subscript if first == b'~' => (Kind::Subscript, 1),
        _ => return None,
    };
    // pulldown-cmark sometimes extends the range over trailing blanks (at
    // the end of a heading, for instance).
    let mut end = range.end.min(bytes.len());
    while end > range.start && bytes[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    if end < range.start + 2 * n {
        return None;
    }
    let close_pos = end - n;
    let all = |from: usize| bytes[from..from + n].iter().all(|&b| b == first);
    if !all(range.start) || !all(close_pos) {
        return None;
    }
    Some(Pair {
        kind,
        n,
        open_pos: range.start,
        close_pos,
        start_range: range.clone(),
        end_range: None,
    })
}

// ---------------------------------------------------------------------------
// Delimiter matching within one inline segment
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    Literal,
    /// Opening / closing delimiter of unpacked pair `n`.
    Open(usize),
    Close(usize),
}

/// One delimiter character.
struct Unit {
    pos: usize,
    ch: u8,
    origin: Origin,
    /// Innermost unpacked pair enclosing this character.
    scope: Option<usize>,
    /// Index of the item the character belongs to.
    item: usize,
}

/// A delimiter run (or, in fallback mode, the literal part of one) taking
/// part in matching.
struct Delim {
    ch: u8,
    /// Length of the whole source delimiter run, for the "rule of 3".
    run_len: usize,
    can_open: bool,
    can_close: bool,
    /// Units `first..first + len`.
    first: usize,
    len: usize,
    /// Units consumed from the left (as closer) and right (as opener).
    used_left: usize,
    used_right: usize,
}

impl Delim {
    fn remaining(&self) -> usize {
        self.len - self.used_left - self.used_right
    }
}

/// A matched opener/closer pair of unit ranges.
struct Match {
    kind: Kind,
    open: Range<usize>,
    close: Range<usize>,
    /// Set when identical to a pair pulldown-cmark produced.
    orig: Option<usize>,
}

/// How a unit is used in the output: part of match `m`, opening side or not.
type Assign = Option<(usize, bool)>;

fn process_segment<'a>(
    source: &'a str,
    options: CjkEmphasisOptions,
    in_table: bool,
    items: Vec<Item<'a>>,
    pairs: &[Pair],
    sink: &mut Vec<Spanned<'a>>,
) {
    match plan_segment(source, options, in_table, &items, pairs) {
        Some((units, assign, matches)) => {
            emit_rewritten(source, items, pairs, &units, &assign, &matches, sink)
        }
        None => emit_verbatim(items, sink),
    }
}

fn emit_verbatim<'a>(items: Vec<Item<'a>>, sink: &mut Vec<Spanned<'a>>) {
    for item in items {
        match item {
            Item::Pass(ev) | Item::Text(ev) | Item::Open(ev, _) | Item::Close(ev, _) => {
                sink.push(ev)
            }
            Item::Nested(evs) => sink.extend(evs),
        }
    }
}

/// Decides the new emphasis structure of a segment; `None` means "emit the
/// segment unchanged".
fn plan_segment(
    source: &str,
    options: CjkEmphasisOptions,
    in_table: bool,
    items: &[Item<'_>],
    pairs: &[Pair],
) -> Option<(Vec<Unit>, Vec<Assign>, Vec<Match>)> {
    if pairs.iter().any(|p| p.end_range.is_none()) {
        return None;
    }
    // Even without literal delimiters the amended rules may pair
    // pulldown-cmark's delimiters differently (`**“甲”**乙**丙**`), so
    // any segment with delimiters is re-matched.
    let units = collect_units(source, options, items, pairs);
    if units.is_empty() {
        return None;
    }

    // Full source delimiter runs: `(first unit, len, can_open, can_close)`.
    // Runs of adjacent units: `(first unit, len, run length, can_open, can_close)`.
    let mut runs: Vec<(usize, usize, usize, bool, bool)> = Vec::new();
    let mut i = 0;
    while i < units.len() {
        let mut j = i + 1;
        while j < units.len() && units[j].ch == units[i].ch && units[j].pos == units[j - 1].pos + 1
        {
            j += 1;
        }
        let ch = units[i].ch;
        let span = source_run(source, ch, units[i].pos, units[j - 1].pos + 1);
        let has_orig = units[i..j].iter().any(|u| u.origin != Origin::Literal);
        let run_len = span.len();
        let (can_open, can_close) = flanking(source, options, in_table, ch, span, has_orig);
        runs.push((i, j - i, run_len, can_open, can_close));
        i = j;
    }

    // First attempt: re-match everything, including pulldown-cmark's pairs.
    let mut delims: Vec<Delim> = runs
        .iter()
        .map(|&(first, len, run_len, can_open, can_close)| Delim {
            ch: units[first].ch,
            run_len,
            can_open,
            can_close,
            first,
            len,
            used_left: 0,
            used_right: 0,
        })
        .collect();
    let order: Vec<usize> = (0..delims.len()).collect();
    let mut matches = Vec::new();
    match_delims(options, &mut delims, &order, &mut matches);
    for m in &mut matches {
        if options.single_tilde == SingleTilde::Ignore
            && m.kind == Kind::Strike
            && m.open.len() == 1
        {
            // Only pulldown-cmark's own single-tilde pairs take part then;
            // keep whatever they were (strikethrough or subscript).
            let orig_kind = match units.get(m.open.start).map(|u| u.origin) {
                Some(Origin::Open(id) | Origin::Close(id)) => pairs.get(id).map(|p| p.kind),
                _ => None,
            };
            if let Some(kind @ (Kind::Strike | Kind::Subscript)) = orig_kind {
                m.kind = kind;
            }
        }
        m.orig = identical_pair(&units, pairs, m);
    }
    let assign = assignments(units.len(), &matches);
    let keeps_all = units
        .iter()
        .zip(&assign)
        .all(|(u, a)| u.origin == Origin::Literal || a.is_some());
    if keeps_all {
        let unchanged = matches.len() == pairs.len() && matches.iter().all(|m| m.orig.is_some());
        return (!unchanged).then_some((units, assign, matches));
    }

    // Fallback: keep pulldown-cmark's pairs, match literal runs among
    // themselves within the same enclosing pair.
    let mut first_units: Vec<(Option<usize>, Option<usize>)> = vec![(None, None); pairs.len()];
    for (k, u) in units.iter().enumerate() {
        match u.origin {
            Origin::Open(id) => {
                if let Some(slot) = first_units.get_mut(id) {
                    slot.0.get_or_insert(k);
                }
            }
            Origin::Close(id) => {
                if let Some(slot) = first_units.get_mut(id) {
                    slot.1.get_or_insert(k);
                }
            }
            Origin::Literal => {}
        }
    }
    let mut matches: Vec<Match> = pairs
        .iter()
        .zip(&first_units)
        .enumerate()
        .filter_map(|(id, (p, &(open, close)))| {
            let (open, close) = (open?, close?);
            Some(Match {
                kind: p.kind,
                open: open..open + p.n,
                close: close..close + p.n,
                orig: Some(id),
            })
        })
        .collect();
    let fixed = matches.len();
    let mut delims: Vec<Delim> = Vec::new();
    let mut scopes: Vec<Option<usize>> = Vec::new();
    for &(first, len, run_len, can_open, can_close) in &runs {
        let mut k = first;
        while k < first + len {
            if units[k].origin != Origin::Literal {
                k += 1;
                continue;
            }
            let start = k;
            while k < first + len && units[k].origin == Origin::Literal {
                k += 1;
            }
            delims.push(Delim {
                ch: units[start].ch,
                run_len,
                can_open,
                can_close,
                first: start,
                len: k - start,
                used_left: 0,
                used_right: 0,
            });
            scopes.push(units[start].scope);
        }
    }
    // Group by scope (scopes nest properly, so each group is independent).
    let mut groups: Vec<(Option<usize>, Vec<usize>)> = Vec::new();
    let mut group_of: Vec<Option<usize>> = vec![None; pairs.len() + 1];
    for (d, scope) in scopes.iter().enumerate() {
        let key = scope.map_or(0, |s| s + 1);
        let g = match group_of.get(key).copied().flatten() {
            Some(g) => g,
            None => {
                groups.push((*scope, Vec::new()));
                if let Some(slot) = group_of.get_mut(key) {
                    *slot = Some(groups.len() - 1);
                }
                groups.len() - 1
            }
        };
        if let Some(group) = groups.get_mut(g) {
            group.1.push(d);
        }
    }
    for (_, order) in &groups {
        match_delims(options, &mut delims, order, &mut matches);
    }
    if matches.len() == fixed {
        return None;
    }
    let assign = assignments(units.len(), &matches);
    Some((units, assign, matches))
}

/// Lists the delimiter characters of a segment in document order.
fn collect_units(
    source: &str,
    options: CjkEmphasisOptions,
    items: &[Item<'_>],
    pairs: &[Pair],
) -> Vec<Unit> {
    let mut units = Vec::new();
    let mut scope: Vec<usize> = Vec::new();
    for (idx, item) in items.iter().enumerate() {
        match item {
            Item::Text((_, range)) => {
                let Some(text) = source.get(range.clone()) else {
                    continue;
                };
                for_each_delimiter(text.as_bytes(), options.tildes(), |off, b| {
                    let pos = range.start + off;
                    if !is_escaped(source, pos) {
                        units.push(Unit {
                            pos,
                            ch: b,
                            origin: Origin::Literal,
                            scope: scope.last().copied(),
                            item: idx,
                        });
                    }
                });
            }
            Item::Open(_, id) => {
                if let Some(p) = pairs.get(*id) {
                    let ch = source.as_bytes().get(p.open_pos).copied().unwrap_or(b'*');
                    for k in 0..p.n {
                        units.push(Unit {
                            pos: p.open_pos + k,
                            ch,
                            origin: Origin::Open(*id),
                            scope: scope.last().copied(),
                            item: idx,
                        });
                    }
                }
                scope.push(*id);
            }
            Item::Close(_, id) => {
                scope.pop();
                if let Some(p) = pairs.get(*id) {
                    let ch = source.as_bytes().get(p.close_pos).copied().unwrap_or(b'*');
                    for k in 0..p.n {
                        units.push(Unit {
                            pos: p.close_pos + k,
                            ch,
                            origin: Origin::Close(*id),
                            scope: scope.last().copied(),
                            item: idx,
                        });
                    }
                }
            }
            Item::Pass(_) | Item::Nested(_) => {}
        }
    }
    units
}

/// Calls `f(offset, byte)` for every `*`, `_` and (with `tildes`) `~` in
/// `bytes`, in order. Text events are mostly long runs of CJK text with a
/// delimiter here and there, so eight bytes are tested at a time (SWAR).
fn for_each_delimiter(bytes: &[u8], tildes: bool, mut f: impl FnMut(usize, u8)) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // Non-zero iff some byte of `w` equals `b` (the exact "has zero byte" test).
    let has = |w: u64, b: u8| {
        let x = w ^ (ONES * u64::from(b));
        x.wrapping_sub(ONES) & !x & HIGHS
    };
    let is_delim = |b: u8| b == b'*' || b == b'_' || (tildes && b == b'~');
    let mut chunks = bytes.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        let tilde = if tildes { has(w, b'~') } else { 0 };
        if has(w, b'*') | has(w, b'_') | tilde != 0 {
            for (k, &b) in chunk.iter().enumerate() {
                if is_delim(b) {
                    f(base + k, b);
                }
            }
        }
        base += 8;
    }
    for (k, &b) in chunks.remainder().iter().enumerate() {
        if is_delim(b) {
            f(base + k, b);
        }
    }
}

/// The whole source delimiter run around units `start..end`: CommonMark
/// judges a run by its full extent, even when some of its characters belong
/// to markup this pass leaves alone.
fn source_run(source: &str, ch: u8, start: usize, end: usize) -> Range<usize> {
    let bytes = source.as_bytes();
    let mut s = start.min(bytes.len());
    while s > 0 && bytes[s - 1] == ch && !is_escaped(source, s - 1) {
        s -= 1;
    }
    let mut e = end.clamp(s, bytes.len());
    while bytes.get(e) == Some(&ch) {
        e += 1;
    }
    s..e
}

/// True if the byte at `pos` is preceded by an odd number of backslashes.
fn is_escaped(source: &str, pos: usize) -> bool {
    let before = source.as_bytes().get(..pos).unwrap_or_default();
    before.iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1
}

/// If match `m` reproduces a pair pulldown-cmark produced, its id.
fn identical_pair(units: &[Unit], pairs: &[Pair], m: &Match) -> Option<usize> {
    let id = match units.get(m.open.start)?.origin {
        Origin::Open(id) => id,
        _ => return None,
    };
    let pair = pairs.get(id)?;
    let same = pair.kind == m.kind
        && m.open.len() == pair.n
        && m.close.len() == pair.n
        && units
            .get(m.open.clone())?
            .iter()
            .all(|u| u.origin == Origin::Open(id))
        && units
            .get(m.close.clone())?
            .iter()
            .all(|u| u.origin == Origin::Close(id));
    same.then_some(id)
}

fn assignments(n: usize, matches: &[Match]) -> Vec<Assign> {
    let mut assign = vec![None; n];
    for (m_idx, m) in matches.iter().enumerate() {
        for (range, is_open) in [(m.open.clone(), true), (m.close.clone(), false)] {
            for slot in assign.get_mut(range).into_iter().flatten() {
                *slot = Some((m_idx, is_open));
            }
        }
    }
    assign
}

/// The CommonMark "process emphasis" procedure over `delims[order]`.
fn match_delims(
    options: CjkEmphasisOptions,
    delims: &mut [Delim],
    order: &[usize],
    matches: &mut Vec<Match>,
) {
    // Potential openers (indices into `delims`).
    let mut stack: Vec<usize> = Vec::new();
    // openers_bottom, keyed by closer char, run length % 3 and "can open".
    let mut bottom = [[[0usize; 2]; 3]; 3];
    for &d in order {
        let Some(closer) = delims.get(d) else {
            continue;
        };
        let (ch, run_len, can_open, can_close) =
            (closer.ch, closer.run_len, closer.can_open, closer.can_close);
        let both = can_open && can_close;
        // Tildes share one bound whatever their length, as in pulldown-cmark:
        // keeps non-CJK text identical to what pulldown-cmark produces.
        let key = match ch {
            b'*' => (0, run_len % 3, usize::from(can_open)),
            b'_' => (1, run_len % 3, usize::from(can_open)),
            _ => (2, 0, 0),
        };
        if can_close {
            while delims[d].remaining() > 0 {
                let lower = bottom[key.0][key.1][key.2].min(stack.len());
                let found = (lower..stack.len()).rev().find(|&si| {
                    let o = &delims[stack[si]];
                    o.ch == ch
                        && o.remaining() > 0
                        && if ch == b'~' {
                            o.run_len == run_len
                        } else {
                            !(both || o.can_open && o.can_close)
                                || (o.run_len + run_len) % 3 != 0
                                || (o.run_len % 3 == 0 && run_len % 3 == 0)
                        }
                });
                let Some(si) = found else {
                    bottom[key.0][key.1][key.2] = stack.len();
                    break;
                };
                let o = stack[si];
                // Delimiters between opener and closer can no longer match.
                stack.truncate(si + 1);
                for b in bottom.iter_mut().flatten().flatten() {
                    *b = (*b).min(si);
                }
                let (o_rem, c_rem) = (delims[o].remaining(), delims[d].remaining());
                let (n, kind) = if ch == b'~' {
                    let n = o_rem.min(c_rem).min(2);
                    (n, options.tilde_kind(n))
                } else if o_rem >= 2 && c_rem >= 2 {
                    (2, Kind::Strong)
                } else {
                    (1, Kind::Emphasis)
                };
                let opener = &mut delims[o];
                let open_end = opener.first + opener.len - opener.used_right;
                opener.used_right += n;
                let closer = &mut delims[d];
                let close_start = closer.first + closer.used_left;
                closer.used_left += n;
                matches.push(Match {
                    kind,
                    open: open_end - n..open_end,
                    close: close_start..close_start + n,
                    orig: None,
                });
                if delims[o].remaining() == 0 {
                    stack.truncate(si);
                }
            }
        }
        if can_open && delims[d].remaining() > 0 {
            stack.push(d);
        }
    }
}

// ---------------------------------------------------------------------------
// Flanking (markdown-cjk-friendly §6.2)
// ---------------------------------------------------------------------------

/// What precedes or follows a delimiter run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    /// Unicode whitespace, line start/end, or a table cell boundary.
    Space,
    /// Punctuation (P*/S*) that is not a CJK character.
    NonCjkPunct,
    /// Punctuation that is a CJK character (also `“︁` etc. with U+FE01).
    CjkPunct,
    /// Any other CJK character / CJK sequence.
    Cjk,
    /// An ideographic variation selector (only reported for "before").
    Ivs,
    /// Anything else (letters, digits, emoji, ...).
    Other,
}

fn classify(c: char) -> Side {
    if c.is_whitespace() {
        Side::Space
    } else if is_cjk_character(c) {
        if is_punctuation(c) {
            Side::CjkPunct
        } else {
            Side::Cjk
        }
    } else if is_punctuation(c) {
        Side::NonCjkPunct
    } else {
        Side::Other
    }
}

/// Classifies what precedes the delimiter run starting at byte `start`.
fn side_before(source: &str, start: usize, in_table: bool) -> Side {
    let head = source.get(..start).unwrap_or_default();
    let mut chars = head.chars().rev();
    let Some(c) = chars.next() else {
        return Side::Space;
    };
    if in_table && c == '|' && !is_escaped(source, start - 1) {
        return Side::Space;
    }
    if c == '>' && is_block_quote_prefix(head) {
        return Side::Space;
    }
    if is_ivs(c) {
        return Side::Ivs;
    }
    if is_svs(c) {
        // A variation sequence: judged by its base character. After
        // whitespace the specification leaves it unspecified; like the
        // reference implementation, a selector after a line break counts as
        // whitespace and one after a space as an ordinary character.
        return match chars.next() {
            Some('‘' | '’' | '“' | '”') if c == '\u{FE01}' => Side::CjkPunct,
            Some(' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'..='\u{200A}' | '\u{202F}')
            | Some('\u{205F}' | '\u{3000}')
            | None => Side::Other,
            Some(base) => classify(base),
        };
    }
    classify(c)
}

/// Classifies the character following the delimiter run ending at `end`.
fn side_after(source: &str, end: usize, in_table: bool) -> Side {
    match source.get(end..).and_then(|tail| tail.chars().next()) {
        None => Side::Space,
        Some('|') if in_table => Side::Space,
        Some(c) if is_ivs(c) => Side::Other,
        Some(c) => classify(c),
    }
}

/// True if `head` (ending in `>`) ends with nothing but block quote markers
/// and blanks since the last line start: the run then starts the line's
/// content, which CommonMark treats as following a line break.
fn is_block_quote_prefix(head: &str) -> bool {
    for b in head.bytes().rev() {
        match b {
            b'>' | b' ' | b'\t' => {}
            b'\n' | b'\r' => return true,
            _ => return false,
        }
    }
    true
}

/// Left-flanking per the amended definition.
fn left_flanking(before: Side, after: Side) -> bool {
    match after {
        Side::Space => false,
        Side::NonCjkPunct => before != Side::Other,
        _ => true,
    }
}

/// Right-flanking per the amended definition.
fn right_flanking(before: Side, after: Side) -> bool {
    match before {
        Side::Space => false,
        Side::NonCjkPunct => matches!(
            after,
            Side::Space | Side::NonCjkPunct | Side::CjkPunct | Side::Cjk
        ),
        _ => true,
    }
}

/// `(can_open, can_close)` for a full delimiter run.
fn flanking(
    source: &str,
    options: CjkEmphasisOptions,
    in_table: bool,
    ch: u8,
    span: Range<usize>,
    has_orig: bool,
) -> (bool, bool) {
    let before = side_before(source, span.start, in_table);
    let after = side_after(source, span.end, in_table);
    let left = left_flanking(before, after);
    let right = right_flanking(before, after);
    let punct = |s: Side| matches!(s, Side::NonCjkPunct | Side::CjkPunct);
    match ch {
        b'*' => (left, right),
        b'_' => (
            left && (!right || punct(before)),
            right && (!left || punct(after)),
        ),
        _ => {
            // GFM strikethrough: runs of one or two tildes. As in
            // pulldown-cmark, `~~` may also open intraword, while a single
            // `~` may not be intraword at all (like `_`), which keeps
            // ranges such as `1~2天，3~5人` literal.
            // pulldown-cmark also lets a run right after an escaped `\~`
            // close, and open unless punctuation follows; mirrored so that
            // its pairs are reproduced.
            let after_tilde = source.get(..span.start).is_some_and(|h| h.ends_with('~'));
            let single = options.single_tilde != SingleTilde::Ignore || has_orig;
            let (open, close) = match span.len() {
                2 if options.tildes() => (left || after != Side::Space, right),
                1 if options.tildes() && single => (
                    left && (!right || punct(before)),
                    right && (!left || punct(after)),
                ),
                _ => return (false, false),
            };
            (
                open || (after_tilde && matches!(after, Side::Cjk | Side::Ivs | Side::Other)),
                close || after_tilde,
            )
        }
    }
}

// ---------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------

/// Writes a rewritten segment, merging adjacent literal text and adjacent
/// delimiter characters of the same match.
struct Emitter<'s, 'a> {
    source: &'a str,
    sink: &'s mut Vec<Spanned<'a>>,
    matches: &'s [Match],
    pairs: &'s [Pair],
    text: Option<Range<usize>>,
    group: Option<(usize, bool, Range<usize>)>,
}

impl<'a> Emitter<'_, 'a> {
    fn flush_text(&mut self) {
        let Some(range) = self.text.take() else {
            return;
        };
        if let Some(s) = self.source.get(range.clone()) {
            self.sink.push((Event::Text(CowStr::Borrowed(s)), range));
        }
    }

    fn flush_group(&mut self) {
        let Some((m, is_open, range)) = self.group.take() else {
            return;
        };
        let Some(mat) = self.matches.get(m) else {
            return;
        };
        let orig = mat.orig.and_then(|id| self.pairs.get(id));
        let event = if is_open {
            mat.kind.start()
        } else {
            mat.kind.end()
        };
        let Some(event) = event else {
            // Matched but printed as text.
            self.flush_text();
            self.text = Some(range);
            self.flush_text();
            return;
        };
        let r = match (orig, is_open) {
            (Some(p), true) => p.start_range.clone(),
            (Some(p), false) => p.end_range.clone().unwrap_or(range),
            (None, _) => range,
        };
        self.sink.push((event, r));
    }

    fn text(&mut self, range: Range<usize>) {
        if range.is_empty() {
            return;
        }
        self.flush_group();
        match &mut self.text {
            Some(t) if t.end == range.start => t.end = range.end,
            _ => {
                self.flush_text();
                self.text = Some(range);
            }
        }
    }

    fn unit(&mut self, pos: usize, assign: Assign) {
        let Some((m, is_open)) = assign else {
            self.text(pos..pos + 1);
            return;
        };
        self.flush_text();
        match &mut self.group {
            Some((gm, go, r)) if *gm == m && *go == is_open && r.end == pos => r.end = pos + 1,
            _ => {
                self.flush_group();
                self.group = Some((m, is_open, pos..pos + 1));
            }
        }
    }

    fn event(&mut self, ev: Spanned<'a>) {
        self.flush_group();
        self.flush_text();
        self.sink.push(ev);
    }

    fn events(&mut self, evs: Vec<Spanned<'a>>) {
        self.flush_group();
        self.flush_text();
        self.sink.extend(evs);
    }
}

fn emit_rewritten<'a>(
    source: &'a str,
    items: Vec<Item<'a>>,
    pairs: &[Pair],
    units: &[Unit],
    assign: &[Assign],
    matches: &[Match],
    sink: &mut Vec<Spanned<'a>>,
) {
    let mut em = Emitter {
        source,
        sink,
        matches,
        pairs,
        text: None,
        group: None,
    };
    let mut u = 0;
    for (idx, item) in items.into_iter().enumerate() {
        let start = u;
        while units.get(u).is_some_and(|unit| unit.item == idx) {
            u += 1;
        }
        let mine = start..u;
        match item {
            Item::Pass(ev) => em.event(ev),
            Item::Nested(evs) => em.events(evs),
            Item::Text((_, range)) => {
                let mut cursor = range.start;
                for k in mine {
                    let (Some(unit), Some(&a)) = (units.get(k), assign.get(k)) else {
                        continue;
                    };
                    if a.is_some() {
                        em.text(cursor..unit.pos);
                        em.unit(unit.pos, a);
                        cursor = unit.pos + 1;
                    }
                }
                em.text(cursor..range.end);
            }
            Item::Open(..) | Item::Close(..) => {
                for k in mine {
                    if let (Some(unit), Some(&a)) = (units.get(k), assign.get(k)) {
                        em.unit(unit.pos, a);
                    }
                }
            }
        }
    }
    em.flush_group();
    em.flush_text();
}

/// Whether `tag` opens inline markup (emphasis, links, images, …) rather
/// than a block.
pub(crate) fn is_inline_tag(tag: &Tag) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_classes() {
        for c in [
            '中', '文', 'か', 'カ', '한', 'ㄅ', '，', '。', '《', '》', '“', '”', '…', '—', '·',
        ] {
            assert!(is_cjk(c), "{c:?} should be CJK");
        }
        for c in ['a', '1', ' ', ',', '.', 'ｱ', '\u{FFE8}', '😀', '«'] {
            assert!(!is_cjk(c), "{c:?} should not be CJK");
        }
        assert!(is_cjk('\u{20000}'));
        assert!(is_cjk('\u{F900}'));
        // The spec's narrower class used for flanking.
        assert!(!is_cjk_character('“'));
        assert!(is_cjk_character('ｱ'));
        assert!(is_cjk_character('〽'));
        assert!(!is_cjk_character('🈯'));
    }

    #[test]
    fn fast_paths_agree_with_range_lists() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(is_cjk_character(c), in_cjk_character_ranges(c), "{c:?}");
        }
        for c in ('\0'..='\u{7F}').chain('\u{4E00}'..='\u{9FFF}') {
            let slow = match c {
                '\u{3000}'..='\u{303F}' => true,
                _ => in_cjk_character_ranges(c),
            };
            assert_eq!(is_cjk(c), slow, "{c:?}");
        }
    }

    #[test]
    fn punctuation_table() {
        for c in [
            '!', '*', '~', '“', '”', '。', '，', '《', '¥', '$', '«', '∇', '𝜵', '𐬻', '㊗',
        ] {
            assert!(is_punctuation(c), "{c:?} should be punctuation");
        }
        for c in ['a', '中', ' ', '\u{FE01}', '\u{E0100}', '0', 'é'] {
            assert!(!is_punctuation(c), "{c:?} should not be punctuation");
        }
        assert!(PUNCT_BOUNDS.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(PUNCT_BOUNDS.len() % 2, 0);
    }

    #[test]
    fn flanking_rules() {
        // `**“两学一做”**学习`: the closer follows `”` and precedes `学`.
        assert!(right_flanking(Side::NonCjkPunct, Side::Cjk));
        assert!(!right_flanking(Side::NonCjkPunct, Side::Other));
        // `是**“重点`: the opener follows a CJK letter and precedes `“`.
        assert!(left_flanking(Side::Cjk, Side::NonCjkPunct));
        assert!(!left_flanking(Side::Other, Side::NonCjkPunct));
        assert_eq!(side_before("“︁Git”︁", "“︁Git”︁".len(), false), Side::CjkPunct);
        assert_eq!(side_before("葛󠄀", "葛󠄀".len(), false), Side::Ivs);
        assert_eq!(side_before("a\n> >", 5, false), Side::Space);
        assert_eq!(side_before("a >", 3, false), Side::NonCjkPunct);
        assert_eq!(side_before("|", 1, true), Side::Space);
        assert_eq!(side_before("\\|", 2, true), Side::NonCjkPunct);
    }

    #[test]
    fn delimiter_scan() {
        let text = "中文**加粗**_x_ a~b~~c 0123456789abcdef*";
        for tildes in [false, true] {
            let mut found = Vec::new();
            for_each_delimiter(text.as_bytes(), tildes, |off, b| found.push((off, b)));
            let expected: Vec<(usize, u8)> = text
                .bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'*' || b == b'_' || (tildes && b == b'~'))
                .collect();
            assert_eq!(found, expected);
        }
    }

    #[test]
    fn escapes() {
        assert!(is_escaped("\\*", 1));
        assert!(!is_escaped("\\\\*", 2));
        assert!(!is_escaped("*", 0));
    }
}
