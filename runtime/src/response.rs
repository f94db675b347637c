//! A decoded response: status, headers and a typed body.

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use crate::{Error, ErrorKind, Result};

/// A successful response with a typed body.
#[derive(Clone, Debug)]
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: T,
}

impl<T> Response<T> {
    /// A response from its parts.
    pub fn new(status: StatusCode, headers: HeaderMap, body: T) -> Self {
        Response { status, headers, body }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// A header's value as text, when present and printable.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body.
    pub fn body(&self) -> &T {
        &self.body
    }

    /// Takes the body.
    pub fn into_body(self) -> T {
        self.body
    }

    /// Replaces the body with `f(body)`.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response { status: self.status, headers: self.headers, body: f(self.body) }
    }

    /// Replaces the body with `f(body)`, which may fail.
    pub fn try_map<U>(self, f: impl FnOnce(T) -> Result<U>) -> Result<Response<U>> {
        let body = f(self.body)?;
        Ok(Response { status: self.status, headers: self.headers, body })
    }
}

impl Response<Bytes> {
    /// Decodes the body as JSON into `T`; a mismatch names the JSON path that failed.
    pub fn json<T: DeserializeOwned>(self) -> Result<Response<T>> {
        let status = self.status;
        self.try_map(|bytes| decode_json(&bytes).map_err(|e| e.with_status(status)))
    }

    /// The body as text (invalid UTF-8 is replaced, never an error).
    pub fn text(self) -> Response<String> {
        self.map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// Decodes JSON into `T`, naming the path that failed (`value[2].from.emailAddress`) on a mismatch.
///
/// An empty body decodes as JSON `null`, so `Option<T>`, `()` and `serde_json::Value` accept a 204 or an empty 200.
pub fn decode_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    if bytes.iter().all(u8::is_ascii_whitespace)
        && let Ok(value) = T::deserialize(serde_json::Value::Null)
    {
        return Ok(value);
    }
    // The fast path is plain serde_json; only a failure pays for a second, path-tracking pass to explain itself.
    serde_json::from_slice(bytes).map_err(|_| explain_json_error::<T>(bytes))
}

/// Decodes again with path tracking, to build an error that names where the JSON did not match `T`.
fn explain_json_error<T: DeserializeOwned>(bytes: &[u8]) -> Error {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let message = if bytes.iter().all(u8::is_ascii_whitespace) {
                "expected a JSON body, got an empty one".to_owned()
            } else {
                inner.to_string()
            };
            Error::new(ErrorKind::Decode, message).with_json_path(path).with_source(inner)
        }
        // Only trailing characters can fail the plain pass yet pass this one.
        Ok(_) => Error::new(ErrorKind::Decode, "unexpected characters after the JSON value"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Mail {
        from: Address,
    }

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Address {
        email: String,
    }

    #[test]
    fn decode_error_names_the_path() {
        let body = br#"{"value":[{"from":{"email":"a@b"}},{"from":{"email":42}}]}"#;
        let err = decode_json::<std::collections::HashMap<String, Vec<Mail>>>(body).err();
        let err = err.as_ref().and_then(Error::json_path);
        assert_eq!(err, Some("value[1].from.email"));
    }
}
