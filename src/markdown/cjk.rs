//! TEMPORARY placeholder until the CJK pass module lands (being written in parallel).
use pulldown_cmark::Event;
use std::ops::Range;

/// East Asian wide characters.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFF | 0x201C | 0x201D | 0x2018 | 0x2019 | 0x2026 | 0x2014 | 0xB7)
}

/// Drops soft breaks between CJK characters.
pub fn drop_cjk_soft_breaks<'a>(events: Vec<(Event<'a>, Range<usize>)>) -> Vec<(Event<'a>, Range<usize>)> {
    let mut out: Vec<(Event<'a>, Range<usize>)> = Vec::with_capacity(events.len());
    let n = events.len();
    let mut it = events.into_iter().peekable();
    let _ = n;
    while let Some((ev, r)) = it.next() {
        if matches!(ev, Event::SoftBreak) {
            let before = out.last().and_then(|(e, _)| match e { Event::Text(t) => t.chars().last(), _ => None });
            let after = it.peek().and_then(|(e, _)| match e { Event::Text(t) => t.chars().next(), _ => None });
            if before.is_some_and(is_cjk) && after.is_some_and(is_cjk) { continue; }
        }
        out.push((ev, r));
    }
    out
}

/// Placeholder: returns events unchanged.
pub fn cjk_friendly_emphasis<'a>(_source: &'a str, events: Vec<(Event<'a>, Range<usize>)>) -> Vec<(Event<'a>, Range<usize>)> {
    events
}
