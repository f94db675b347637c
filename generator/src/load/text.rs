//! Bytes to text: byte order marks, UTF-8, and the Windows-1252 fallback.
//!
//! Connector specs are meant to be UTF-8, but some are saved by Windows editors: a UTF-8 byte order mark
//! (Microsoft Bookings) or single Windows-1252 bytes such as a soft hyphen `0xAD` (Yelp). Each invalid UTF-8
//! byte is decoded as Windows-1252 on its own, so the valid UTF-8 around it (accents, emoji) stays intact. Every
//! such repair is a warning; all later offsets refer to the decoded text, whose lines and columns match what an
//! editor shows for the original file.

use std::borrow::Cow;

use super::notes::{Note, Site};

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Individual replacement warnings before the rest are summarised in one note.
const LISTED_REPLACEMENTS: usize = 10;

/// Decodes `bytes`, returning the text and the warnings about what had to be repaired.
pub(crate) fn decode(bytes: &[u8]) -> Result<(Cow<'_, str>, Vec<Note>), Note> {
    let mut notes = Vec::new();
    let bytes = match bytes.strip_prefix(UTF8_BOM) {
        Some(rest) => {
            notes.push(Note::warning(Site::Offset(0), "UTF-8 byte order mark at the start of the file ignored"));
            rest
        }
        None => bytes,
    };
    if let Some(text) = decode_utf16(bytes)? {
        notes.push(Note::warning(
            Site::Offset(0),
            "file is UTF-16 (byte order mark); decoded, but connector specs should be UTF-8",
        ));
        return Ok((Cow::Owned(text), notes));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok((Cow::Borrowed(text), notes)),
        Err(_) => {
            let text = decode_with_cp1252_fallback(bytes, &mut notes);
            Ok((Cow::Owned(text), notes))
        }
    }
}

/// Decodes a UTF-16 file (recognised by its byte order mark); `None` when there is no such mark.
fn decode_utf16(bytes: &[u8]) -> Result<Option<String>, Note> {
    let little_endian = match bytes {
        [0xFF, 0xFE, ..] => true,
        [0xFE, 0xFF, ..] => false,
        _ => return Ok(None),
    };
    let body = bytes.get(2..).unwrap_or_default();
    if body.len() % 2 != 0 {
        return Err(Note::error(
            Site::File,
            "file starts with a UTF-16 byte order mark but has an odd number of bytes",
        ));
    }
    let units = body.chunks_exact(2).map(|pair| match pair {
        [a, b] if little_endian => u16::from_le_bytes([*a, *b]),
        [a, b] => u16::from_be_bytes([*a, *b]),
        _ => 0,
    });
    char::decode_utf16(units).collect::<Result<String, _>>().map(Some).map_err(|e| {
        Note::error(Site::File, format!("invalid UTF-16: unpaired surrogate 0x{:04X}", e.unpaired_surrogate()))
    })
}

fn decode_with_cp1252_fallback(bytes: &[u8], notes: &mut Vec<Note>) -> String {
    let mut text = String::with_capacity(bytes.len() + 16);
    let mut replaced = 0usize;
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        for &byte in chunk.invalid() {
            let c = cp1252(byte);
            if replaced < LISTED_REPLACEMENTS {
                notes.push(Note::warning(
                    Site::Offset(text.len()),
                    format!(
                        "byte 0x{byte:02X} is not valid UTF-8; decoded as Windows-1252 `{c}` (U+{:04X})",
                        u32::from(c)
                    ),
                ));
            }
            replaced += 1;
            text.push(c);
        }
    }
    if replaced > LISTED_REPLACEMENTS {
        notes.push(Note::warning(
            Site::File,
            format!("{} more bytes that are not valid UTF-8 decoded as Windows-1252", replaced - LISTED_REPLACEMENTS),
        ));
    }
    text
}

/// The character a Windows-1252 byte stands for (WHATWG mapping: the five unassigned bytes map to the C1
/// control characters of the same value, as browsers do).
fn cp1252(byte: u8) -> char {
    const HIGH: [char; 32] = [
        '\u{20AC}', '\u{81}', '\u{201A}', '\u{192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}', '\u{2C6}',
        '\u{2030}', '\u{160}', '\u{2039}', '\u{152}', '\u{8D}', '\u{17D}', '\u{8F}', '\u{90}', '\u{2018}', '\u{2019}',
        '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}', '\u{2DC}', '\u{2122}', '\u{161}', '\u{203A}',
        '\u{153}', '\u{9D}', '\u{17E}', '\u{178}',
    ];
    match byte {
        0x80..=0x9F => HIGH.get(usize::from(byte - 0x80)).copied().unwrap_or(char::REPLACEMENT_CHARACTER),
        _ => char::from(byte),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_utf8_bom_with_a_warning() {
        let (text, notes) = decode(b"\xEF\xBB\xBF{}").expect("decodes");
        assert_eq!(text, "{}");
        assert_eq!(notes.len(), 1);
        assert!(notes[0].message.contains("byte order mark"));
    }

    #[test]
    fn decodes_stray_bytes_as_windows_1252_and_keeps_valid_utf8() {
        let (text, notes) =
            decode("\"a\u{e9}".as_bytes().iter().copied().chain(*b"\xAD\x93\"").collect::<Vec<_>>().as_slice())
                .map(|(t, n)| (t.into_owned(), n))
                .expect("decodes");
        assert_eq!(text, "\"a\u{e9}\u{AD}\u{201C}\"");
        assert_eq!(notes.len(), 2);
        assert_eq!(notes[0].site, Site::Offset(4));
        assert!(notes[0].message.contains("0xAD"));
    }

    #[test]
    fn decodes_utf16_little_endian() {
        let bytes: Vec<u8> = [0xFF, 0xFE].into_iter().chain("{}".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        let (text, notes) = decode(&bytes).expect("decodes");
        assert_eq!(text, "{}");
        assert!(notes[0].message.contains("UTF-16"));
    }

    #[test]
    fn plain_utf8_is_borrowed_without_notes() {
        let (text, notes) = decode(b"{\"a\": 1}").expect("decodes");
        assert!(matches!(text, Cow::Borrowed(_)));
        assert!(notes.is_empty());
    }
}
