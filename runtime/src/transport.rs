//! Sending one call: authentication, attempts with timeouts, retries with backoff, bounded bodies, tracing.
//!
//! [`execute`] is the one place where the runtime touches the network. It is used for operation calls, next-page
//! links and polling locations alike, so every call gets the same policy: credentials only for the connection's
//! own origin, a per-attempt timeout and an overall deadline, retries per [`RetryPolicy`], response bodies cut at
//! a limit, and a `connector.call` tracing span with connector, operation, method, status, attempts and latency.

use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use reqwest::Method;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderValue};
use tracing::Instrument as _;
use url::Url;

use crate::connection::redact;
use crate::error::MAX_ERROR_BODY;
use crate::retry::{Failure, retry_after};
use crate::{Connection, Error, ErrorKind, Operation, Response, Result, RetryPolicy};

/// A request body ready to send.
pub(crate) enum Payload {
    Empty,
    /// Bytes with their content type; can be sent again on retry.
    Bytes(String, Bytes),
    /// A one-shot stream; taken on the first attempt.
    Stream(String, Option<reqwest::Body>),
}

/// Everything needed to send one call.
pub(crate) struct Prepared {
    pub(crate) conn: Connection,
    pub(crate) op: &'static Operation,
    pub(crate) method: Method,
    pub(crate) url: Url,
    pub(crate) headers: HeaderMap,
    pub(crate) payload: Payload,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) deadline: Option<Duration>,
}

/// Sends `method` to a link the service handed back (a polling `Location`, a subscription to delete), resolved
/// by the connection's link rules, with the connection's credentials and no body or extra headers.
pub(crate) async fn follow_link(
    conn: &Connection,
    op: &'static Operation,
    method: Method,
    link: &str,
) -> Result<Response<Bytes>> {
    let url = conn.resolve_link(link, conn.base_url()).map_err(|e| e.with_operation(op.connector.name, op.id))?;
    execute(Prepared {
        conn: conn.clone(),
        op,
        method,
        url,
        headers: HeaderMap::new(),
        payload: Payload::Empty,
        retry: None,
        attempt_timeout: None,
        deadline: None,
    })
    .await
}

/// Sends a prepared call and returns the successful response with its whole body, or the error.
pub(crate) async fn execute(prepared: Prepared) -> Result<Response<Bytes>> {
    let op = prepared.op;
    let span = tracing::info_span!(
        "connector.call",
        connector = op.connector.name,
        operation = op.id,
        method = %prepared.method,
        url = %redact(&prepared.url),
        status = tracing::field::Empty,
        attempts = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    );
    let started = Instant::now();
    let result = run_attempts(prepared, started).instrument(span.clone()).await;
    span.record("latency_ms", started.elapsed().as_millis() as u64);
    match &result {
        Ok((response, attempts)) => {
            span.record("status", response.status().as_u16());
            span.record("attempts", attempts);
        }
        Err(err) => {
            if let Some(status) = err.status() {
                span.record("status", status.as_u16());
            }
            span.record("attempts", err.attempts());
            span.in_scope(|| tracing::debug!(error = %err, "call failed"));
        }
    }
    result.map(|(response, _)| response).map_err(|e| e.with_operation(op.connector.name, op.id))
}

async fn run_attempts(mut p: Prepared, started: Instant) -> Result<(Response<Bytes>, u32)> {
    let policy = p.retry.take().unwrap_or_else(|| p.conn.retry_policy().clone());
    let attempt_limit = p.attempt_timeout.unwrap_or_else(|| p.conn.attempt_timeout());
    let deadline = p.deadline.or_else(|| p.conn.deadline()).map(|d| started + d);
    let budget_end = started + policy.total_budget();

    if !p.conn.is_own_origin(&p.url) {
        return Err(Error::new(
            ErrorKind::ForeignLink,
            format!("refusing to send credentials to `{}`", redact(&p.url)),
        ));
    }
    let mut url = p.url.clone();
    p.headers.entry(ACCEPT).or_insert(HeaderValue::from_static("application/json"));
    p.conn.authenticate(p.op, &mut url, &mut p.headers).await?;

    let mut attempt: u32 = 0;
    loop {
        attempt += 1;
        // A paced connection waits for its slot first, but never past the deadline.
        let latest = deadline.map(|end| end.saturating_duration_since(Instant::now()));
        p.conn.wait_turn(latest).await.map_err(|e| e.with_attempts(attempt - 1))?;
        let now = Instant::now();
        let timeout = match deadline {
            Some(end) if end <= now => {
                return Err(Error::new(ErrorKind::Timeout, "the call's deadline passed").with_attempts(attempt - 1));
            }
            Some(end) => attempt_limit.min(end - now),
            None => attempt_limit,
        };
        let mut request = reqwest::Request::new(p.method.clone(), url.clone());
        *request.headers_mut() = p.headers.clone();
        let mut streamed = false;
        match &mut p.payload {
            Payload::Empty => {}
            Payload::Bytes(ct, bytes) => {
                request.headers_mut().insert(CONTENT_TYPE, content_type(ct)?);
                *request.body_mut() = Some(bytes.clone().into());
            }
            Payload::Stream(ct, body) => {
                let Some(body) = body.take() else {
                    return Err(Error::new(ErrorKind::Transport, "a streamed request body cannot be sent twice"));
                };
                streamed = true;
                request.headers_mut().insert(CONTENT_TYPE, content_type(ct)?);
                *request.body_mut() = Some(body);
            }
        }
        tracing::debug!(attempt, "sending");
        p.conn.counters().request();
        // The timeout covers connecting, sending and reading the whole body.
        let outcome = tokio::time::timeout(timeout, attempt_once(p.conn.http(), request, p.conn.max_response_bytes()))
            .await
            .unwrap_or_else(|_| Err((Failure::Timeout, Error::new(ErrorKind::Timeout, "the attempt timed out"))));
        let (failure, error) = match outcome {
            Ok(response) if response.status().is_success() => return Ok((response, attempt)),
            Ok(response) => {
                let status = response.status();
                let headers = response.headers().clone();
                let mut err = Error::from_response(status, headers.clone(), response.into_body());
                if let Some(wait) = retry_after(&headers) {
                    err = err.with_retry_after(wait);
                }
                (Failure::Status(status), err)
            }
            Err((Failure::Timeout, err)) => (
                Failure::Timeout,
                Error::new(ErrorKind::Timeout, format!("attempt took longer than {}s", timeout.as_secs_f64()))
                    .with_source(err),
            ),
            Err((failure, err)) => (failure, err),
        };
        let error = error.with_attempts(attempt);
        let failure = if streamed && failure != Failure::NotSent { Failure::Streamed } else { failure };
        if attempt > policy.retries() || !policy.may_retry(&p.method, p.op.safe, failure) {
            return Err(error);
        }
        if streamed {
            // The stream is gone even if the server never saw it; we cannot send it again.
            return Err(error);
        }
        let asked = error.retry_after();
        let wait = asked.unwrap_or_else(|| policy.backoff(attempt));
        let resume_at = Instant::now() + wait;
        if resume_at > budget_end || deadline.is_some_and(|end| resume_at > end) {
            return match asked {
                Some(wait) => Err(Error::new(
                    ErrorKind::RetryAfterExceedsBudget,
                    format!("the service asked to wait {}s, beyond the remaining retry budget", wait.as_secs_f64()),
                )
                .with_retry_after(wait)
                .with_attempts(attempt)
                .with_source(error)),
                None => Err(error),
            };
        }
        p.conn.counters().retry(asked.is_some());
        tracing::info!(attempt, wait_ms = wait.as_millis() as u64, reason = %error, "retrying");
        tokio::time::sleep(wait).await;
    }
}

/// One attempt: send, then read the body (bounded). Non-success responses come back as responses; only network
/// failures are errors here.
async fn attempt_once(
    http: &reqwest::Client,
    request: reqwest::Request,
    max_body: usize,
) -> std::result::Result<Response<Bytes>, (Failure, Error)> {
    let mut response = http.execute(request).await.map_err(network_error)?;
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let limit = if status.is_success() { max_body } else { MAX_ERROR_BODY };
    if let Some(len) = response.content_length()
        && status.is_success()
        && len > limit as u64
    {
        return Err((Failure::Final, body_too_large(limit)));
    }
    // Most bodies arrive as one chunk; keep it without copying and only join when there are several.
    let mut first: Option<Bytes> = None;
    let mut joined: Option<BytesMut> = None;
    let mut len = 0usize;
    while let Some(mut chunk) = response.chunk().await.map_err(network_error)? {
        if len + chunk.len() > limit {
            if status.is_success() {
                return Err((Failure::Final, body_too_large(limit)));
            }
            // Enough of an error body to explain it; drop the rest.
            chunk = chunk.slice(..limit - len);
        }
        len += chunk.len();
        match (&first, &mut joined) {
            (None, _) => first = Some(chunk),
            (Some(head), None) => {
                let mut buffer = BytesMut::with_capacity(len);
                buffer.extend_from_slice(head);
                buffer.extend_from_slice(&chunk);
                joined = Some(buffer);
            }
            (Some(_), Some(buffer)) => buffer.extend_from_slice(&chunk),
        }
        if len >= limit {
            break;
        }
    }
    let body = match (joined, first) {
        (Some(buffer), _) => buffer.freeze(),
        (None, Some(head)) => head,
        (None, None) => Bytes::new(),
    };
    Ok(Response::new(status, headers, body))
}

fn content_type(value: &str) -> Result<HeaderValue> {
    HeaderValue::from_str(value)
        .map_err(|_| Error::new(ErrorKind::Encode, format!("content type `{value}` is not a valid header value")))
}

fn body_too_large(limit: usize) -> Error {
    Error::new(ErrorKind::BodyTooLarge, format!("response body exceeds the limit of {limit} bytes"))
}

fn network_error(e: reqwest::Error) -> (Failure, Error) {
    if e.is_connect() {
        (Failure::NotSent, Error::new(ErrorKind::Connect, "could not open the connection").with_source(e.without_url()))
    } else if e.is_timeout() {
        (Failure::Timeout, Error::new(ErrorKind::Timeout, "the attempt timed out").with_source(e.without_url()))
    } else {
        (Failure::Interrupted, Error::new(ErrorKind::Transport, "the connection failed").with_source(e.without_url()))
    }
}
