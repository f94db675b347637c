//! Date-times and dates that always decode.
//!
//! Connector clocks are sloppy: offsets go missing (`2024-05-01T10:00:00`), precision varies (seven fractional
//! digits from .NET), some send a space instead of `T`. A strict type would turn each of those into a decode error
//! for the whole response. [`DateTime`] and [`Date`] keep the text exactly as sent (so it round-trips) and offer
//! the parsed value when it can be read.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A `format: date-time` value: the text as sent, parsed on demand.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DateTime(String);

impl DateTime {
    /// Wraps a date-time text as is.
    pub fn new(text: impl Into<String>) -> Self {
        DateTime(text.into())
    }

    /// The text as the service sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The instant, when the text can be read: RFC 3339, with `T` or a space, any fractional precision; a
    /// missing offset is taken as UTC (what connectors mean by it in practice).
    pub fn timestamp(&self) -> Option<jiff::Timestamp> {
        let text = self.0.trim();
        if let Ok(ts) = text.parse::<jiff::Timestamp>() {
            return Some(ts);
        }
        let civil = text.parse::<jiff::civil::DateTime>().ok()?;
        jiff::tz::Offset::UTC.to_timestamp(civil).ok()
    }
}

impl From<jiff::Timestamp> for DateTime {
    fn from(ts: jiff::Timestamp) -> Self {
        DateTime(ts.to_string())
    }
}

impl From<&str> for DateTime {
    fn from(text: &str) -> Self {
        DateTime::new(text)
    }
}

impl From<String> for DateTime {
    fn from(text: String) -> Self {
        DateTime(text)
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A `format: date` value (`YYYY-MM-DD`): the text as sent, parsed on demand.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date(String);

impl Date {
    /// Wraps a date text as is.
    pub fn new(text: impl Into<String>) -> Self {
        Date(text.into())
    }

    /// The text as the service sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The calendar date, when the text starts with one (a trailing time part is ignored).
    pub fn date(&self) -> Option<jiff::civil::Date> {
        let text = self.0.trim();
        text.get(..10).unwrap_or(text).parse().ok()
    }
}

impl From<jiff::civil::Date> for Date {
    fn from(date: jiff::civil::Date) -> Self {
        Date(date.to_string())
    }
}

impl From<&str> for Date {
    fn from(text: &str) -> Self {
        Date::new(text)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

macro_rules! text_serde {
    ($t:ident) => {
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                super::open_enum::__deserialize_open_enum(deserializer, |text| $t(text.to_owned()))
            }
        }

        impl crate::ParamValue for $t {
            fn param_items(&self) -> Vec<std::borrow::Cow<'_, str>> {
                vec![std::borrow::Cow::Borrowed(self.0.as_str())]
            }
        }
    };
}

text_serde!(DateTime);
text_serde!(Date);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sloppy_date_times_parse() {
        for text in [
            "2024-05-01T10:00:00Z",
            "2024-05-01T10:00:00.1234567Z",
            "2024-05-01T10:00:00",
            "2024-05-01 10:00:00",
            "2024-05-01T12:00:00+02:00",
        ] {
            let parsed = DateTime::new(text).timestamp().map(|t| t.as_second());
            assert_eq!(parsed, Some(1_714_557_600), "{text}");
        }
        assert_eq!(DateTime::new("yesterday").timestamp(), None);
    }

    #[test]
    fn any_text_decodes_and_round_trips() -> Result<(), serde_json::Error> {
        let value: DateTime = serde_json::from_str("\"not a date\"")?;
        assert_eq!(serde_json::to_string(&value)?, "\"not a date\"");
        let date: Date = serde_json::from_str("\"2024-02-29T00:00:00\"")?;
        assert_eq!(date.date().map(|d| d.day()), Some(29));
        Ok(())
    }
}
