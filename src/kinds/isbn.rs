//! ISBN-10 and ISBN-13 check digits.

/// What is wrong with an ISBN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IsbnError {
    /// Not 10 or 13 digits (the count found).
    Length(usize),
    /// A character that is neither a digit nor a separator (`X` only as the
    /// last character of an ISBN-10).
    BadChar(char),
    /// The check digit does not match the other digits.
    Checksum {
        /// The check digit the other digits give.
        expected: char,
        /// The one written.
        found: char,
        /// The ISBN as written with the check digit corrected.
        corrected: String,
    },
}

/// A valid ISBN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Isbn {
    /// Digits only (10 or 13; an ISBN-10 may end in `X`).
    pub digits: String,
}

impl Isbn {
    /// The ISBN-13 digits (an ISBN-10 converted with the `978` prefix).
    pub fn isbn13(&self) -> String {
        if self.digits.len() == 13 {
            return self.digits.clone();
        }
        let first12 = format!("978{}", &self.digits[..9]);
        let check = check_digit_13(&first12);
        format!("{first12}{check}")
    }
}

/// The ISBN-10 check digit of nine digits (`0`–`9` or `X`).
pub fn check_digit_10(first9: &str) -> char {
    let sum: u32 = first9
        .bytes()
        .zip((2..=10).rev())
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    match (11 - sum % 11) % 11 {
        10 => 'X',
        d => char::from(b'0' + d as u8),
    }
}

/// The ISBN-13 check digit of twelve digits.
pub fn check_digit_13(first12: &str) -> char {
    let sum: u32 = first12
        .bytes()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    char::from(b'0' + ((10 - sum % 10) % 10) as u8)
}

/// Checks an ISBN as written: `978-7-01-014245-6`, `9787010142456`,
/// `7-01-000001-X`, `ISBN 978 7 01 014245 6`. Hyphens (ASCII or full-width)
/// and spaces are separators; an `ISBN`, `ISBN-13` or `ISBN-10` prefix with
/// an optional colon is allowed.
pub fn check(written: &str) -> Result<Isbn, IsbnError> {
    let mut s = written.trim();
    if s.len() >= 4 && s[..4].eq_ignore_ascii_case("isbn") {
        s = &s[4..];
        for p in ["-13", "-10", "13", "10"] {
            if let Some(rest) = s.strip_prefix(p)
                && rest.starts_with([':', '：', ' '])
            {
                s = rest;
                break;
            }
        }
        s = s.trim_start_matches([':', '：', ' ']);
    }
    let mut digits = String::with_capacity(13);
    for c in s.chars() {
        match c {
            '0'..='9' => digits.push(c),
            'x' | 'X' => digits.push('X'),
            '-' | ' ' | '－' | '‐' | '‑' | '–' => {}
            other => return Err(IsbnError::BadChar(other)),
        }
    }
    let n = digits.len();
    if n != 10 && n != 13 {
        return Err(IsbnError::Length(n));
    }
    if let Some(i) = digits.find('X')
        && (n == 13 || i != 9)
    {
        return Err(IsbnError::BadChar('X'));
    }
    let expected = if n == 10 {
        check_digit_10(&digits[..9])
    } else {
        check_digit_13(&digits[..12])
    };
    let found = digits.chars().last().unwrap_or('0');
    if expected != found {
        let mut corrected = written.trim_end().to_string();
        if let Some(i) = corrected.rfind(|c: char| c.is_ascii_digit() || c == 'x' || c == 'X') {
            corrected.replace_range(i..i + 1, &expected.to_string());
        }
        return Err(IsbnError::Checksum {
            expected,
            found,
            corrected,
        });
    }
    Ok(Isbn { digits })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_isbns() {
        for s in [
            "978-7-01-014245-6",
            "9787010142456",
            "978 7 01 014245 6",
            "ISBN 978-7-5302-1563-0",
            "ISBN-13: 978-7-04-059986-2",
            "0-8044-2957-X",
            "0-306-40615-2",
            "030640615-2",
        ] {
            assert!(check(s).is_ok(), "{s}: {:?}", check(s));
        }
    }

    #[test]
    fn checksums() {
        assert_eq!(check_digit_13("978030640615"), '7');
        assert_eq!(check_digit_10("030640615"), '2');
        assert_eq!(check_digit_10("080442957"), 'X');
        match check("978-7-01-014245-5") {
            Err(IsbnError::Checksum {
                expected,
                found,
                corrected,
            }) => {
                assert_eq!((expected, found), ('6', '5'));
                assert_eq!(corrected, "978-7-01-014245-6");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(check("0-306-40615-2").unwrap().isbn13(), "9780306406157");
    }

    #[test]
    fn malformed() {
        assert_eq!(check("978-7-01-01424"), Err(IsbnError::Length(11)));
        assert_eq!(check("978-7-01-014245-X"), Err(IsbnError::BadChar('X')));
        assert_eq!(check("978/7/01"), Err(IsbnError::BadChar('/')));
    }
}
