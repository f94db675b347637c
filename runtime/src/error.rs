//! The one error type of the runtime and of every generated crate.
//!
//! An [`Error`] says what went wrong ([`ErrorKind`]) and carries whatever context is known at the point of failure:
//! the connector and operation, the HTTP status, the service's own error code and message parsed from the body, the
//! response headers, the start of the body, the request id, the JSON path that failed to decode, and how long the
//! service asked us to wait. Everything is boxed so that `Result<T, Error>` stays one pointer wide.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// `Result` with the runtime's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// At most this many bytes of an error response body are kept in an [`Error`].
pub const MAX_ERROR_BODY: usize = 64 * 1024;

/// What kind of failure an [`Error`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The connection or call was configured wrongly (bad URL, missing setting, no credential where one is needed).
    Config,
    /// A credential could not produce a token.
    Credential,
    /// The connection to the service could not be opened; the request was never sent.
    Connect,
    /// An attempt or the whole call ran out of time.
    Timeout,
    /// The connection failed while the request or response was in flight.
    Transport,
    /// The service answered with a non-success status.
    Status,
    /// The response body did not have the expected shape.
    Decode,
    /// The request body could not be encoded.
    Encode,
    /// The service asked us to wait (`Retry-After`) longer than the retry budget allows.
    RetryAfterExceedsBudget,
    /// A next-page or polling link points at a host we must not send credentials to.
    ForeignLink,
    /// A paged operation returned a next link it had returned before.
    PagingLoop,
    /// A response body was larger than the configured limit.
    BodyTooLarge,
}

impl ErrorKind {
    fn describe(self) -> &'static str {
        match self {
            ErrorKind::Config => "configuration error",
            ErrorKind::Credential => "could not get a token",
            ErrorKind::Connect => "could not connect",
            ErrorKind::Timeout => "timed out",
            ErrorKind::Transport => "connection failed",
            ErrorKind::Status => "service returned an error",
            ErrorKind::Decode => "could not decode the response",
            ErrorKind::Encode => "could not encode the request",
            ErrorKind::RetryAfterExceedsBudget => "service asked to wait longer than the retry budget",
            ErrorKind::ForeignLink => "refused to follow a link to another host",
            ErrorKind::PagingLoop => "paging loop",
            ErrorKind::BodyTooLarge => "response body too large",
        }
    }
}

/// An error from a connector call, with all the context known where it happened.
pub struct Error {
    inner: Box<Inner>,
}

#[derive(Default)]
struct Inner {
    kind: Option<ErrorKind>,
    message: String,
    connector: Option<String>,
    operation: Option<String>,
    status: Option<StatusCode>,
    service_code: Option<String>,
    service_message: Option<String>,
    headers: Option<HeaderMap>,
    body: Option<Bytes>,
    request_id: Option<String>,
    json_path: Option<String>,
    retry_after: Option<Duration>,
    attempts: u32,
    source: Option<Box<dyn StdError + Send + Sync>>,
}

impl Error {
    /// A new error of `kind` with a human-readable message.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error { inner: Box::new(Inner { kind: Some(kind), message: message.into(), ..Inner::default() }) }
    }

    /// A configuration error (shorthand for `Error::new(ErrorKind::Config, ..)`).
    pub fn config(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Config, message)
    }

    /// A credential error (shorthand for `Error::new(ErrorKind::Credential, ..)`).
    pub fn credential(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Credential, message)
    }

    /// Builds the error for a non-success response: parses the service's error code and message from the body and
    /// picks the request id from the headers. The body kept is cut at [`MAX_ERROR_BODY`] bytes.
    pub fn from_response(status: StatusCode, headers: HeaderMap, body: Bytes) -> Self {
        let (service_code, service_message) = parse_service_error(&body);
        let request_id = request_id(&headers);
        let body = if body.len() > MAX_ERROR_BODY { body.slice(..MAX_ERROR_BODY) } else { body };
        let mut err = Error::new(ErrorKind::Status, format!("HTTP {status}"));
        err.inner.status = Some(status);
        err.inner.service_code = service_code;
        err.inner.service_message = service_message;
        err.inner.request_id = request_id;
        err.inner.headers = Some(headers);
        err.inner.body = Some(body);
        err
    }

    /// Attaches the underlying cause.
    pub fn with_source(mut self, source: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        self.inner.source = Some(source.into());
        self
    }

    /// Names the connector and operation this error belongs to (kept if already set).
    pub fn with_operation(mut self, connector: &str, operation: &str) -> Self {
        if self.inner.connector.is_none() {
            self.inner.connector = Some(connector.to_owned());
        }
        if self.inner.operation.is_none() {
            self.inner.operation = Some(operation.to_owned());
        }
        self
    }

    /// Records the JSON path at which decoding failed.
    pub fn with_json_path(mut self, path: impl Into<String>) -> Self {
        self.inner.json_path = Some(path.into());
        self
    }

    /// Records the wait the service asked for.
    pub fn with_retry_after(mut self, wait: Duration) -> Self {
        self.inner.retry_after = Some(wait);
        self
    }

    /// Records how many attempts were made before giving up.
    pub fn with_attempts(mut self, attempts: u32) -> Self {
        self.inner.attempts = attempts;
        self
    }

    /// Records the status of the response that led to this error (for decode errors of a success response).
    pub(crate) fn with_status(mut self, status: StatusCode) -> Self {
        self.inner.status = Some(status);
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind.unwrap_or(ErrorKind::Transport)
    }

    /// The connector's name (e.g. `office365`), when known.
    pub fn connector(&self) -> Option<&str> {
        self.inner.connector.as_deref()
    }

    /// The operation id (e.g. `SendEmailV2`), when known.
    pub fn operation(&self) -> Option<&str> {
        self.inner.operation.as_deref()
    }

    /// The HTTP status of the response, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        self.inner.status
    }

    /// The service's error code from the body (`{"error":{"code":..}}`), when present.
    pub fn service_code(&self) -> Option<&str> {
        self.inner.service_code.as_deref()
    }

    /// The service's error message from the body (`{"error":{"message":..}}` or `{"message":..}`), when present.
    pub fn service_message(&self) -> Option<&str> {
        self.inner.service_message.as_deref()
    }

    /// The response headers, when there was a response.
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.inner.headers.as_ref()
    }

    /// The start of the response body (at most [`MAX_ERROR_BODY`] bytes), when there was a response.
    pub fn body(&self) -> Option<&[u8]> {
        self.inner.body.as_deref()
    }

    /// The request id the service gave (`x-ms-request-id`, `request-id`, `x-request-id`, ...), when present.
    pub fn request_id(&self) -> Option<&str> {
        self.inner.request_id.as_deref()
    }

    /// For decode errors: the JSON path that did not match, e.g. `value[3].from.emailAddress`.
    pub fn json_path(&self) -> Option<&str> {
        self.inner.json_path.as_deref()
    }

    /// The wait the service asked for (`Retry-After`), when it gave one.
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }

    /// How many attempts were made (0 when the call never reached the network).
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }

    /// Whether retrying the same call later might succeed (throttling, server errors, timeouts, connect errors).
    pub fn is_transient(&self) -> bool {
        match self.kind() {
            ErrorKind::Connect | ErrorKind::Timeout | ErrorKind::Transport => true,
            ErrorKind::RetryAfterExceedsBudget => true,
            ErrorKind::Status => self.status().is_some_and(crate::retry::is_transient_status),
            _ => false,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        match (&inner.connector, &inner.operation) {
            (Some(c), Some(o)) => write!(f, "{c}.{o}: ")?,
            (None, Some(o)) => write!(f, "{o}: ")?,
            _ => {}
        }
        write!(f, "{}", self.kind().describe())?;
        if !inner.message.is_empty() {
            write!(f, ": {}", inner.message)?;
        }
        if let Some(code) = &inner.service_code {
            write!(f, " [{code}]")?;
        }
        if let Some(msg) = &inner.service_message {
            write!(f, " {msg}")?;
        }
        if let Some(path) = &inner.json_path {
            write!(f, " at `{path}`")?;
        }
        if let Some(wait) = inner.retry_after {
            write!(f, " (retry after {}s)", wait.as_secs_f64())?;
        }
        if let Some(id) = &inner.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.kind()).field("message", &inner.message);
        if let Some(v) = &inner.connector {
            d.field("connector", v);
        }
        if let Some(v) = &inner.operation {
            d.field("operation", v);
        }
        if let Some(v) = &inner.status {
            d.field("status", v);
        }
        if let Some(v) = &inner.service_code {
            d.field("service_code", v);
        }
        if let Some(v) = &inner.service_message {
            d.field("service_message", v);
        }
        if let Some(v) = &inner.request_id {
            d.field("request_id", v);
        }
        if let Some(v) = &inner.json_path {
            d.field("json_path", v);
        }
        if let Some(v) = &inner.retry_after {
            d.field("retry_after", v);
        }
        if inner.attempts > 0 {
            d.field("attempts", &inner.attempts);
        }
        if let Some(v) = &inner.source {
            d.field("source", v);
        }
        d.finish_non_exhaustive()
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner.source.as_deref().map(|e| e as &(dyn StdError + 'static))
    }
}

/// Reads `(code, message)` from the error body shapes connectors use: `{"error":{"code","message"}}`,
/// `{"code","message"}`, `{"message"}`, `{"Message"}`, OAuth's `{"error":"..","error_description":".."}`.
fn parse_service_error(body: &[u8]) -> (Option<String>, Option<String>) {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return (None, None);
    };
    let text = |v: Option<&serde_json::Value>| -> Option<String> {
        match v? {
            serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let field = |obj: &serde_json::Value, names: &[&str]| names.iter().find_map(|n| text(obj.get(*n)));
    match value.get("error") {
        Some(inner @ serde_json::Value::Object(_)) => (
            field(inner, &["code", "Code"]),
            field(inner, &["message", "Message"]).or_else(|| field(&value, &["message", "Message"])),
        ),
        Some(serde_json::Value::String(code)) => {
            (Some(code.clone()), field(&value, &["error_description", "message", "Message"]))
        }
        _ => (
            field(&value, &["code", "Code", "errorCode"]),
            field(&value, &["message", "Message", "error_description", "detail", "title"]),
        ),
    }
}

/// The request id from the usual response headers, first match wins.
fn request_id(headers: &HeaderMap) -> Option<String> {
    ["x-ms-request-id", "request-id", "x-request-id", "x-ms-client-request-id", "apim-request-id", "x-correlation-id"]
        .iter()
        .find_map(|name| headers.get(*name)?.to_str().ok().map(str::to_owned))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_error_object() {
        let (code, msg) = parse_service_error(br#"{"error":{"code":"ItemNotFound","message":"Nope"}}"#);
        assert_eq!(code.as_deref(), Some("ItemNotFound"));
        assert_eq!(msg.as_deref(), Some("Nope"));
    }

    #[test]
    fn parses_flat_message() {
        let (code, msg) = parse_service_error(br#"{"message":"Bad thing"}"#);
        assert_eq!(code, None);
        assert_eq!(msg.as_deref(), Some("Bad thing"));
    }

    #[test]
    fn parses_oauth_error() {
        let (code, msg) = parse_service_error(br#"{"error":"invalid_client","error_description":"AADSTS7000215"}"#);
        assert_eq!(code.as_deref(), Some("invalid_client"));
        assert_eq!(msg.as_deref(), Some("AADSTS7000215"));
    }

    #[test]
    fn non_json_body_has_no_service_fields() {
        assert_eq!(parse_service_error(b"<html>502</html>"), (None, None));
    }

    #[test]
    fn body_is_bounded() {
        let body = Bytes::from(vec![b'x'; MAX_ERROR_BODY * 2]);
        let err = Error::from_response(StatusCode::BAD_GATEWAY, HeaderMap::new(), body);
        assert_eq!(err.body().map(<[u8]>::len), Some(MAX_ERROR_BODY));
    }
}
