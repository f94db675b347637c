//! `format: byte` values: base64 text on the wire, bytes in Rust.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A base64-encoded value. It keeps the text as sent (any text decodes, so one bad value does not fail a whole
/// response) and decodes it on demand, accepting standard and URL-safe alphabets with or without padding.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Base64(String);

impl Base64 {
    /// Encodes bytes (standard alphabet, padded).
    pub fn from_bytes(bytes: impl AsRef<[u8]>) -> Self {
        Base64(STANDARD.encode(bytes))
    }

    /// The base64 text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The decoded bytes, or `None` when the text is not base64.
    pub fn decode(&self) -> Option<Vec<u8>> {
        let text = self.0.trim();
        [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD].iter().find_map(|engine| engine.decode(text).ok())
    }
}

impl fmt::Debug for Base64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Base64({} chars)", self.0.len())
    }
}

impl From<Vec<u8>> for Base64 {
    fn from(bytes: Vec<u8>) -> Self {
        Base64::from_bytes(bytes)
    }
}

impl Serialize for Base64 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Base64 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        super::open_enum::__deserialize_open_enum(deserializer, |text| Base64(text.to_owned()))
    }
}

impl crate::ParamValue for Base64 {
    fn param_items(&self) -> Vec<std::borrow::Cow<'_, str>> {
        vec![std::borrow::Cow::Borrowed(self.0.as_str())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_standard_and_url_safe() {
        assert_eq!(Base64::from_bytes(b"hi?>").decode(), Some(b"hi?>".to_vec()));
        assert_eq!(Base64("aGk_Pg".into()).decode(), Some(b"hi?>".to_vec()));
        assert_eq!(Base64("***".into()).decode(), None);
    }
}
