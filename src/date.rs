//! Dates as editors write them, in China time unless they say otherwise.

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::{Offset, TimeZone};
use jiff::{Timestamp, ZonedDateTime};

/// Parses a UTC offset such as `+08:00`, `+0800`, `+8`, `UTC+8` or `Z`.
pub fn parse_offset(s: &str) -> Option<Offset> {
    let s = s.trim();
    let s = s
        .strip_prefix("UTC")
        .or_else(|| s.strip_prefix("GMT"))
        .unwrap_or(s);
    if s.is_empty() || s == "Z" {
        return Some(Offset::UTC);
    }
    if s == "Asia/Shanghai" || s == "Asia/Chongqing" || s == "PRC" {
        return Some(Offset::constant(8));
    }
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) => (h.parse::<i32>().ok()?, m.parse::<i32>().ok()?),
        None if rest.len() == 4 => (rest[..2].parse().ok()?, rest[2..].parse().ok()?),
        None => (rest.parse().ok()?, 0),
    };
    if !(0..=14).contains(&h) || !(0..60).contains(&m) {
        return None;
    }
    Offset::from_seconds(sign * (h * 3600 + m * 60)).ok()
}

/// A page date: the instant and the offset to show it in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PageDate(pub ZonedDateTime);

impl PageDate {
    /// RFC 3339, e.g. `2024-05-01T10:30:00+08:00` (Atom, sitemap, `<time>`).
    pub fn rfc3339(&self) -> String {
        self.0.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
    }

    /// RFC 822 with English names, e.g. `Wed, 01 May 2024 10:30:00 +0800` (RSS).
    pub fn rfc822(&self) -> String {
        self.0.strftime("%a, %d %b %Y %H:%M:%S %z").to_string()
    }

    /// `2024-05-01`.
    pub fn ymd(&self) -> String {
        self.0.strftime("%Y-%m-%d").to_string()
    }

    /// The date as readers see it: `2024年5月1日` or `May 1, 2024`.
    pub fn display(&self, lang: crate::i18n::Lang) -> String {
        let d = self.0.date();
        match lang {
            crate::i18n::Lang::Zh => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
            crate::i18n::Lang::En => self.0.strftime("%B %-d, %Y").to_string(),
        }
    }

    /// Year, for grouping.
    pub fn year(&self) -> i16 {
        self.0.year()
    }

    /// Seconds since the epoch, for sorting in templates and scripts.
    pub fn unix(&self) -> i64 {
        self.0.timestamp().as_second()
    }

    /// Now, in `offset`.
    pub fn now(offset: Offset) -> PageDate {
        PageDate(Timestamp::now().to_zoned_datetime(TimeZone::fixed(offset)))
    }
}

/// Parses a date as editors write it. Accepted: `2024-05-01`, `2024-5-1`,
/// `2024/05/01`, `2024.05.01`, `2024年5月1日`, each optionally followed by
/// ` 10:30` or ` 10:30:00` (or `T10:30`), and RFC 3339 with an offset or `Z`.
/// Dates without an offset are in `tz`.
pub fn parse_date(input: &str, tz: Offset) -> Option<PageDate> {
    let s = input.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(ts) = s.parse::<Timestamp>() {
        // Keep the writer's own offset for display when they gave one.
        let offset = written_offset(s).unwrap_or(tz);
        return Some(PageDate(ts.to_zoned_datetime(TimeZone::fixed(offset))));
    }
    let (date_part, time_part) = split_date_time(s);
    let date = parse_civil_date(date_part)?;
    let time = match time_part {
        None => Time::midnight(),
        Some(t) => parse_time(t)?,
    };
    let dt = DateTime::from_parts(date, time);
    let zoned = dt.to_zoned_datetime(TimeZone::fixed(tz)).ok()?;
    Some(PageDate(zoned))
}

fn written_offset(s: &str) -> Option<Offset> {
    if s.ends_with('Z') || s.ends_with('z') {
        return Some(Offset::UTC);
    }
    let i = s.rfind(['+', '-'])?;
    if i < 11 {
        return None;
    }
    parse_offset(&s[i..])
}

fn split_date_time(s: &str) -> (&str, Option<&str>) {
    if let Some(i) = s.find(['T', ' ']) {
        let (d, t) = s.split_at(i);
        let t = t[1..].trim();
        if t.is_empty() {
            (d, None)
        } else {
            (d, Some(t))
        }
    } else {
        (s, None)
    }
}

fn parse_civil_date(s: &str) -> Option<Date> {
    let s = s.trim().trim_end_matches('日');
    let parts: Vec<&str> = s.split(['-', '/', '.', '年', '月']).collect();
    if parts.len() != 3 {
        return None;
    }
    let y: i16 = parts[0].trim().parse().ok()?;
    let m: i8 = parts[1].trim().parse().ok()?;
    let d: i8 = parts[2].trim().parse().ok()?;
    if !(1900..=2999).contains(&y) {
        return None;
    }
    Date::new(y, m, d).ok()
}

fn parse_time(s: &str) -> Option<Time> {
    let parts: Vec<&str> = s.split(':').collect();
    let h: i8 = parts.first()?.parse().ok()?;
    let m: i8 = parts.get(1).map_or(Some(0), |p| p.parse().ok())?;
    let sec: i8 = parts
        .get(2)
        .map_or(Some(0), |p| p.split('.').next()?.parse().ok())?;
    if parts.len() > 3 {
        return None;
    }
    Time::new(h, m, sec, 0).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cn() -> Offset {
        Offset::constant(8)
    }

    #[test]
    fn forms() {
        for s in [
            "2024-05-01",
            "2024-5-1",
            "2024/05/01",
            "2024.5.1",
            "2024年5月1日",
        ] {
            let d = parse_date(s, cn()).unwrap_or_else(|| panic!("{s}"));
            assert_eq!(d.rfc3339(), "2024-05-01T00:00:00+08:00", "{s}");
        }
        assert_eq!(
            parse_date("2024-05-01 10:30", cn()).unwrap().rfc3339(),
            "2024-05-01T10:30:00+08:00"
        );
        assert_eq!(
            parse_date("2024-05-01T10:30:00Z", cn()).unwrap().rfc3339(),
            "2024-05-01T10:30:00+00:00"
        );
        assert_eq!(
            parse_date("2024-05-01T10:30:00+09:00", cn())
                .unwrap()
                .rfc3339(),
            "2024-05-01T10:30:00+09:00"
        );
        for bad in [
            "明天",
            "2024-13-01",
            "2024-02-30",
            "",
            "2024-05-01 25:00",
            "05/01/2024",
        ] {
            assert!(parse_date(bad, cn()).is_none(), "{bad}");
        }
    }

    #[test]
    fn formats() {
        let d = parse_date("2024-05-01 10:30", cn()).unwrap();
        assert_eq!(d.rfc822(), "Wed, 01 May 2024 10:30:00 +0800");
        assert_eq!(d.display(crate::i18n::Lang::Zh), "2024年5月1日");
        assert_eq!(d.display(crate::i18n::Lang::En), "May 1, 2024");
    }

    #[test]
    fn offsets() {
        assert_eq!(parse_offset("+08:00"), Some(Offset::constant(8)));
        assert_eq!(parse_offset("+0800"), Some(Offset::constant(8)));
        assert_eq!(parse_offset("UTC+8"), Some(Offset::constant(8)));
        assert_eq!(
            parse_offset("-05:30").map(|o| o.seconds()),
            Some(-(5 * 3600 + 1800))
        );
        assert_eq!(parse_offset("北京"), None);
    }
}
