//! Percent-encoding and locale-independent formatting of parameter values.
//!
//! Path segments are encoded strictly, the way .NET's `Uri.EscapeDataString` does (everything but the RFC 3986
//! unreserved characters), because connector paths often carry ids with `/`, `#` or spaces. Parameters marked
//! `x-ms-url-encoding: double` are encoded twice, so `a/b c` travels as `a%252Fb%2520c`. Query values use the same
//! strict set, except that `$`, `:` and `/` are kept (OData option names and URLs read better that way and servers
//! accept them).
//!
//! [`ParamValue`] turns Rust values into parameter text without any locale: booleans are `true`/`false`, numbers
//! use Rust's shortest round-trip form, and sequences are comma-separated (Swagger's default `csv` format).

use std::borrow::Cow;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything except RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`).
const STRICT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// The strict set, keeping `$ : /` which are safe inside a query component.
const QUERY: &AsciiSet = &STRICT.remove(b'$').remove(b':').remove(b'/');

/// How a path or query parameter is percent-encoded (`x-ms-url-encoding`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum UrlEncoding {
    /// Encoded once (the default).
    #[default]
    Single,
    /// Encoded twice: `%` of the first pass becomes `%25`.
    Double,
}

/// Encodes one path segment value.
pub fn encode_path(value: &str, encoding: UrlEncoding) -> String {
    let once = utf8_percent_encode(value, STRICT).to_string();
    match encoding {
        UrlEncoding::Single => once,
        UrlEncoding::Double => utf8_percent_encode(&once, STRICT).to_string(),
    }
}

/// Encodes a query name or value.
pub fn encode_query(value: &str, encoding: UrlEncoding) -> String {
    let once = utf8_percent_encode(value, QUERY).to_string();
    match encoding {
        UrlEncoding::Single => once,
        UrlEncoding::Double => utf8_percent_encode(&once, QUERY).to_string(),
    }
}

/// A value that can be sent as a path, query or header parameter.
///
/// Implemented for strings, booleans, integers, floats, `Option` (absent when `None`), slices and `Vec`
/// (comma-separated), and references to any of these. Generated enums implement it through their wire string.
pub trait ParamValue {
    /// The parameter's items as text, one per element: a scalar gives one, a sequence one per element, `None`
    /// none at all.
    fn param_items(&self) -> Vec<Cow<'_, str>>;

    /// Whether the parameter is sent at all (`false` for `None`).
    fn is_present(&self) -> bool {
        true
    }
}

macro_rules! display_param {
    ($($t:ty),*) => {$(
        impl ParamValue for $t {
            fn param_items(&self) -> Vec<Cow<'_, str>> {
                vec![Cow::Owned(self.to_string())]
            }
        }
    )*};
}

display_param!(bool, i8, i16, i32, i64, i128, u8, u16, u32, u64, u128, isize, usize, f32, f64);

impl ParamValue for str {
    fn param_items(&self) -> Vec<Cow<'_, str>> {
        vec![Cow::Borrowed(self)]
    }
}

impl ParamValue for String {
    fn param_items(&self) -> Vec<Cow<'_, str>> {
        vec![Cow::Borrowed(self.as_str())]
    }
}

impl<T: ParamValue + ?Sized> ParamValue for &T {
    fn param_items(&self) -> Vec<Cow<'_, str>> {
        (**self).param_items()
    }

    fn is_present(&self) -> bool {
        (**self).is_present()
    }
}

impl<T: ParamValue> ParamValue for Option<T> {
    fn param_items(&self) -> Vec<Cow<'_, str>> {
        self.as_ref().map(ParamValue::param_items).unwrap_or_default()
    }

    fn is_present(&self) -> bool {
        self.as_ref().is_some_and(ParamValue::is_present)
    }
}

impl<T: ParamValue> ParamValue for [T] {
    fn param_items(&self) -> Vec<Cow<'_, str>> {
        self.iter().flat_map(ParamValue::param_items).collect()
    }
}

impl<T: ParamValue> ParamValue for Vec<T> {
    fn param_items(&self) -> Vec<Cow<'_, str>> {
        self.as_slice().param_items()
    }
}

impl ParamValue for serde_json::Value {
    fn param_items(&self) -> Vec<Cow<'_, str>> {
        match self {
            serde_json::Value::Null => Vec::new(),
            serde_json::Value::String(s) => vec![Cow::Borrowed(s.as_str())],
            serde_json::Value::Array(items) => items.iter().flat_map(ParamValue::param_items).collect(),
            other => vec![Cow::Owned(other.to_string())],
        }
    }

    fn is_present(&self) -> bool {
        !self.is_null()
    }
}

/// The value as plain text, items joined with `,` (for headers and path segments).
pub(crate) fn plain_text<V: ParamValue + ?Sized>(value: &V) -> String {
    value.param_items().join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn double_encoding_of_slash_and_space() {
        assert_eq!(encode_path("a/b c", UrlEncoding::Double), "a%252Fb%2520c");
        assert_eq!(encode_path("a/b c", UrlEncoding::Single), "a%2Fb%20c");
    }

    #[test]
    fn path_encoding_is_strict() {
        assert_eq!(encode_path("x?y#z%", UrlEncoding::Single), "x%3Fy%23z%25");
        assert_eq!(encode_path("é", UrlEncoding::Single), "%C3%A9");
        assert_eq!(encode_path("A-z_0.9~", UrlEncoding::Single), "A-z_0.9~");
    }

    #[test]
    fn query_keeps_dollar_and_colon() {
        assert_eq!(encode_query("$filter", UrlEncoding::Single), "$filter");
        assert_eq!(encode_query("a eq 'b&c'", UrlEncoding::Single), "a%20eq%20%27b%26c%27");
    }

    #[test]
    fn values_are_locale_independent() {
        assert_eq!(plain_text(&true), "true");
        assert_eq!(plain_text(&1.5f64), "1.5");
        assert_eq!(plain_text(&vec![1, 2, 3]), "1,2,3");
        assert!(!None::<i32>.is_present());
        assert_eq!(plain_text(&Some("x")), "x");
    }
}
