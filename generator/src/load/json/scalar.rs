//! The JSON reader's tokens below the value level: strings, numbers, and what counts as whitespace.
//!
//! Scanning is a pure function of the text and a start offset, so the parser can also re-read an object key
//! from its offset when it needs the key for a diagnostic's pointer, without keeping a copy of every key.

use serde_json::Number;

/// A string token, decoded.
#[derive(Debug, Default)]
pub(super) struct ScannedString {
    pub(super) value: String,
    /// Offset just after the closing quote.
    pub(super) end: usize,
    /// Raw control characters (offset, byte) kept as if they had been escaped.
    pub(super) raw_controls: Vec<(usize, u8)>,
    /// Offsets of `\uD800`-style escapes of half a surrogate pair, read as U+FFFD.
    pub(super) lone_surrogates: Vec<usize>,
}

/// A token that cannot be read: where, and what was expected.
#[derive(Debug)]
pub(super) struct TokenError {
    pub(super) offset: usize,
    pub(super) message: String,
}

fn fail<T>(offset: usize, message: impl Into<String>) -> Result<T, TokenError> {
    Err(TokenError { offset, message: message.into() })
}

/// Reads the string whose opening quote is at `open`.
pub(super) fn read_string(text: &str, open: usize) -> Result<ScannedString, TokenError> {
    let bytes = text.as_bytes();
    let mut scanned = ScannedString::default();
    let mut i = open + 1;
    let mut segment_start = i;
    loop {
        match bytes.get(i) {
            None => return fail(open, "unterminated string: no closing `\"` before the end of the file"),
            Some(b'"') => {
                scanned.value.push_str(text.get(segment_start..i).unwrap_or_default());
                scanned.end = i + 1;
                return Ok(scanned);
            }
            Some(b'\\') => {
                scanned.value.push_str(text.get(segment_start..i).unwrap_or_default());
                i = read_escape(text, i, &mut scanned)?;
                segment_start = i;
            }
            Some(&byte) if byte < 0x20 => {
                // Kept in the value: a raw TAB or line break means the same as its escape.
                scanned.raw_controls.push((i, byte));
                i += 1;
            }
            Some(_) => i += 1,
        }
    }
}

/// Reads the escape whose backslash is at `at`; returns the offset after it.
fn read_escape(text: &str, at: usize, scanned: &mut ScannedString) -> Result<usize, TokenError> {
    let bytes = text.as_bytes();
    let simple = match bytes.get(at + 1) {
        None => return fail(at, "unterminated string: the file ends inside an escape"),
        Some(b'"') => '"',
        Some(b'\\') => '\\',
        Some(b'/') => '/',
        Some(b'b') => '\u{8}',
        Some(b'f') => '\u{c}',
        Some(b'n') => '\n',
        Some(b'r') => '\r',
        Some(b't') => '\t',
        Some(b'u') => return read_unicode_escape(text, at, scanned),
        Some(_) => {
            let found = text.get(at + 1..).and_then(|s| s.chars().next()).unwrap_or('?');
            return fail(at, format!("invalid escape `\\{found}` in string"));
        }
    };
    scanned.value.push(simple);
    Ok(at + 2)
}

fn read_unicode_escape(text: &str, at: usize, scanned: &mut ScannedString) -> Result<usize, TokenError> {
    let high = hex4(text, at + 2).ok_or_else(|| TokenError {
        offset: at,
        message: "invalid `\\u` escape: expected four hexadecimal digits".to_owned(),
    })?;
    let mut end = at + 6;
    let c = if (0xD800..0xDC00).contains(&high) {
        let low = (text.as_bytes().get(end..end + 2) == Some(b"\\u"))
            .then(|| hex4(text, end + 2))
            .flatten()
            .filter(|low| (0xDC00..0xE000).contains(low));
        match low {
            Some(low) => {
                end += 6;
                char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
            }
            None => None,
        }
    } else {
        char::from_u32(high)
    };
    let c = c.unwrap_or_else(|| {
        scanned.lone_surrogates.push(at);
        char::REPLACEMENT_CHARACTER
    });
    scanned.value.push(c);
    Ok(end)
}

fn hex4(text: &str, at: usize) -> Option<u32> {
    let digits = text.get(at..at + 4)?;
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(digits, 16).ok()
}

/// Reads the number starting at `start`; returns it and the offset after it.
pub(super) fn read_number(text: &str, start: usize) -> Result<(Number, usize), TokenError> {
    let bytes = text.as_bytes();
    let digits_from = |mut i: usize| {
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    };
    let mut i = start;
    let negative = bytes.get(i) == Some(&b'-');
    if negative {
        i += 1;
    }
    match bytes.get(i) {
        Some(b'0') => {
            i += 1;
            if bytes.get(i).is_some_and(u8::is_ascii_digit) {
                return fail(start, "leading zeros are not allowed in JSON numbers");
            }
        }
        Some(b'1'..=b'9') => i = digits_from(i),
        _ if text.get(i..).is_some_and(|s| s.starts_with("Infinity")) => {
            return fail(start, "`-Infinity` is not JSON; write a number or a string");
        }
        _ => return fail(i, "expected a digit after `-`"),
    }
    let mut integral = true;
    if bytes.get(i) == Some(&b'.') {
        integral = false;
        let after = digits_from(i + 1);
        if after == i + 1 {
            return fail(i + 1, "expected a digit after the decimal point");
        }
        i = after;
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        integral = false;
        i += 1;
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let after = digits_from(i);
        if after == i {
            return fail(i, "expected a digit in the exponent");
        }
        i = after;
    }
    let literal = text.get(start..i).unwrap_or_default();
    if integral {
        if let Ok(n) = literal.parse::<u64>() {
            return Ok((Number::from(n), i));
        }
        if let Ok(n) = literal.parse::<i64>() {
            return Ok((Number::from(n), i));
        }
    }
    match literal.parse::<f64>().ok().and_then(Number::from_f64) {
        Some(n) => Ok((n, i)),
        None => fail(start, format!("number `{literal}` is out of range")),
    }
}

/// Whitespace that JSON does not allow between tokens but editors and web pages insert: NO-BREAK SPACE,
/// EM SPACE, the BOM as ZERO WIDTH NO-BREAK SPACE, vertical tab, form feed and the like.
pub(super) fn is_foreign_whitespace(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{FEFF}' | '\u{200B}')
}

/// A readable name for a character in a diagnostic: `U+2003`, and the character itself when visible.
pub(super) fn describe_char(c: char) -> String {
    let name = match c {
        '\u{A0}' => " (NO-BREAK SPACE)",
        '\u{2003}' => " (EM SPACE)",
        '\u{2002}' => " (EN SPACE)",
        '\u{2009}' => " (THIN SPACE)",
        '\u{200B}' => " (ZERO WIDTH SPACE)",
        '\u{FEFF}' => " (ZERO WIDTH NO-BREAK SPACE)",
        '\u{B}' => " (VERTICAL TAB)",
        '\u{C}' => " (FORM FEED)",
        '\u{3000}' => " (IDEOGRAPHIC SPACE)",
        _ => "",
    };
    format!("U+{:04X}{name}", u32::from(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_escapes_and_surrogate_pairs() {
        let s = read_string(r#""a\n\u00e9\ud83d\ude00\/" x"#, 0).expect("string");
        assert_eq!(s.value, "a\n\u{e9}\u{1F600}/");
        assert_eq!(s.end, 25);
        assert!(s.raw_controls.is_empty());
    }

    #[test]
    fn keeps_raw_control_characters_and_reports_them() {
        let s = read_string("\"a\tb\"", 0).expect("string");
        assert_eq!(s.value, "a\tb");
        assert_eq!(s.raw_controls, [(2, b'\t')]);
    }

    #[test]
    fn lone_surrogate_becomes_replacement_character() {
        let s = read_string(r#""\ud800x""#, 0).expect("string");
        assert_eq!(s.value, "\u{FFFD}x");
        assert_eq!(s.lone_surrogates, [1]);
    }

    #[test]
    fn rejects_bad_escapes_and_unterminated_strings() {
        assert!(read_string(r#""\x""#, 0).is_err_and(|e| e.message.contains("invalid escape")));
        assert!(read_string(r#""\u12""#, 0).is_err());
        assert!(read_string("\"abc", 0).is_err_and(|e| e.message.contains("unterminated")));
    }

    #[test]
    fn reads_integers_floats_and_big_numbers() {
        let n = |t: &str| read_number(t, 0).map(|(n, _)| n.to_string());
        assert_eq!(n("-12,").expect("int"), "-12");
        assert_eq!(n("1.5e3").expect("float"), "1500.0");
        assert_eq!(n("18446744073709551616").expect("big"), "1.8446744073709552e+19");
        assert!(n("01").is_err());
        assert!(n("-Infinity").is_err_and(|e| e.message.contains("Infinity")));
        assert!(n("1.").is_err());
        assert!(n("1e999").is_err_and(|e| e.message.contains("out of range")));
    }
}
