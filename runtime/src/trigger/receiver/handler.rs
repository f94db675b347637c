//! The HTTP side of the receiver: verify the secret first, then read a bounded body, then hand it over without
//! waiting.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime};

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use bytes::{Bytes, BytesMut};
use futures::StreamExt;
use tokio::sync::mpsc::error::TrySendError;

use super::{Callback, Inner, SECRET_BYTES, valid_id};

/// What a `503` asks the connector to wait, in seconds: long enough for a busy consumer to catch up.
const RETRY_AFTER_SECS: u64 = 5;

/// How long a sender may take to deliver the body, so a slow or stalled client cannot hold a request open.
const BODY_TIMEOUT: Duration = Duration::from_secs(30);

/// `POST {base}/callbacks/{id}?sig=..`: one event from the connector.
pub(super) async fn receive(
    State(inner): State<Arc<Inner>>,
    Path(id): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    // The secret is checked before a byte of the body is read, so unauthenticated senders cost next to nothing.
    if !inner.verify(&id, uri.query()) {
        return unauthorized(&id);
    }
    let max_body = inner.max_body.load(Ordering::Relaxed);
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|length| length > max_body as u64) {
        return too_large(&id, max_body);
    }
    let capacity = declared.map_or(0, |length| usize::try_from(length).unwrap_or(max_body).min(max_body));
    let body = match tokio::time::timeout(BODY_TIMEOUT, read_body(body, max_body, capacity)).await {
        Ok(Ok(body)) => body,
        Ok(Err(ReadError::TooLarge)) => return too_large(&id, max_body),
        Ok(Err(ReadError::Failed(error))) => {
            tracing::warn!(subscription = %id, %error, "callback body could not be read");
            return StatusCode::BAD_REQUEST.into_response();
        }
        Err(_) => {
            tracing::warn!(subscription = %id, "callback body took too long to arrive");
            return StatusCode::REQUEST_TIMEOUT.into_response();
        }
    };
    let length = body.len();
    let callback = Callback { subscription: id.clone(), body, received_at: SystemTime::now() };
    // `try_send`, not `send`: the connector gets its answer now, and a slow consumer turns into retries later
    // instead of requests piling up here.
    match inner.sender.try_send(callback) {
        Ok(()) => {
            tracing::debug!(subscription = %id, length, "callback accepted");
            StatusCode::ACCEPTED.into_response()
        }
        Err(TrySendError::Full(_)) => {
            tracing::warn!(subscription = %id, "callback channel full; asked the connector to retry");
            busy()
        }
        Err(TrySendError::Closed(_)) => {
            tracing::warn!(subscription = %id, "callback channel closed; asked the connector to retry");
            busy()
        }
    }
}

/// `GET` or `HEAD {base}/callbacks/{id}?sig=..`: a validation request; `200` with an empty body when the secret
/// is right.
pub(super) async fn validate(State(inner): State<Arc<Inner>>, Path(id): Path<String>, uri: Uri) -> Response {
    if !inner.verify(&id, uri.query()) {
        return unauthorized(&id);
    }
    tracing::debug!(subscription = %id, "callback URL validated");
    StatusCode::OK.into_response()
}

impl Inner {
    /// Whether `query` carries the secret registered for `id`. Unknown ids are compared against a dummy secret, so
    /// they take as long as a wrong secret and the answer does not tell which ids exist.
    fn verify(&self, id: &str, query: Option<&str>) -> bool {
        let sig = query.and_then(|q| form_urlencoded::parse(q.as_bytes()).find(|(key, _)| key == "sig"));
        let sig = sig.as_ref().map_or(&[][..], |(_, value)| value.as_bytes());
        let secrets = self.secrets();
        let expected = secrets.get(id);
        let dummy = [0u8; 2 * SECRET_BYTES];
        let equal = constant_time_eq(sig, expected.map_or(&dummy[..], |secret| secret.expose().as_bytes()));
        equal && expected.is_some()
    }
}

/// Compares two byte strings in time that depends only on their lengths, never on where they differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    // Lengths are not secret (every secret is 64 hex digits); only the content must not leak through timing.
    if a.len() != b.len() {
        return false;
    }
    // Accumulate every difference instead of stopping at the first; `black_box` keeps the optimiser from turning
    // the loop back into an early exit.
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| std::hint::black_box(acc | (x ^ y)));
    diff == 0
}

enum ReadError {
    TooLarge,
    Failed(axum::Error),
}

/// Reads the body, stopping as soon as it grows past `max` (a chunked body has no `Content-Length` to check).
async fn read_body(body: Body, max: usize, capacity: usize) -> Result<Bytes, ReadError> {
    let mut stream = body.into_data_stream();
    let mut buffer = BytesMut::with_capacity(capacity);
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(ReadError::Failed)?;
        if chunk.len() > max - buffer.len() {
            return Err(ReadError::TooLarge);
        }
        buffer.extend_from_slice(&chunk);
    }
    Ok(buffer.freeze())
}

fn unauthorized(id: &str) -> Response {
    if valid_id(id) {
        tracing::warn!(subscription = %id, "callback rejected: unknown subscription, or missing or wrong secret");
    } else {
        tracing::warn!("callback rejected: not a subscription id");
    }
    StatusCode::UNAUTHORIZED.into_response()
}

fn too_large(id: &str, max_body: usize) -> Response {
    tracing::warn!(subscription = %id, max_body, "callback rejected: body too large");
    StatusCode::PAYLOAD_TOO_LARGE.into_response()
}

fn busy() -> Response {
    (StatusCode::SERVICE_UNAVAILABLE, [(header::RETRY_AFTER, RETRY_AFTER_SECS.to_string())]).into_response()
}

#[cfg(test)]
mod tests {
    use super::constant_time_eq;

    #[test]
    fn constant_time_eq_compares_whole_strings() {
        assert!(constant_time_eq(b"abcdef", b"abcdef"));
        assert!(constant_time_eq(b"", b""));
        assert!(!constant_time_eq(b"abcdef", b"abcdeg"));
        assert!(!constant_time_eq(b"abcdef", b"bbcdef"));
        assert!(!constant_time_eq(b"abcdef", b"abcde"));
    }
}
