//! Retry policy: which failures are retried, how long to wait, and when to give up.
//!
//! Transient failures are connect errors, timeouts and the statuses 408, 429, 500, 502, 503 and 504. Idempotent
//! methods (GET, HEAD, OPTIONS, PUT, DELETE) are retried on all of them. POST and PATCH may have changed something
//! on the server, so they are retried only when the server provably did not process them: a 429, or a connection
//! that was never opened. A caller who knows better opts in with [`RetryPolicy::retry_non_idempotent`].
//!
//! Waits grow exponentially with jitter, unless the service says how long to wait (`Retry-After` in seconds or as
//! an HTTP date, `retry-after-ms`, `x-ms-retry-after-ms`), in which case its word wins. Attempts and total elapsed
//! time are both bounded; a requested wait longer than the remaining budget fails at once with
//! [`ErrorKind::RetryAfterExceedsBudget`](crate::ErrorKind::RetryAfterExceedsBudget), carrying the wait.

use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

/// How a call is retried. The default suits interactive services; [`RetryPolicy::none`] disables retries.
///
/// ```
/// use std::time::Duration;
/// use connector_runtime::RetryPolicy;
///
/// let policy = RetryPolicy::default()
///     .max_retries(6)
///     .initial_backoff(Duration::from_millis(200))
///     .budget(Duration::from_secs(120));
/// # let _ = policy;
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    budget: Duration,
    retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    /// Four retries (the Logic Apps default count), 500 ms first backoff doubling up to 30 s, 100 s budget.
    fn default() -> Self {
        RetryPolicy {
            max_retries: 4,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            budget: Duration::from_secs(100),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        RetryPolicy { max_retries: 0, ..RetryPolicy::default() }
    }

    /// How many times a failed attempt is retried (so at most `n + 1` attempts).
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// The wait before the first retry when the service gives no `Retry-After`; it doubles on each retry.
    pub fn initial_backoff(mut self, wait: Duration) -> Self {
        self.initial_backoff = wait;
        self
    }

    /// The longest computed backoff (a service's `Retry-After` may be longer, within the budget).
    pub fn max_backoff(mut self, wait: Duration) -> Self {
        self.max_backoff = wait;
        self
    }

    /// The most time a call may spend, attempts and waits together, before it stops retrying.
    pub fn budget(mut self, budget: Duration) -> Self {
        self.budget = budget;
        self
    }

    /// Also retry POST and PATCH on every transient failure. Only for operations that are safe to repeat.
    pub fn retry_non_idempotent(mut self, yes: bool) -> Self {
        self.retry_non_idempotent = yes;
        self
    }

    /// The configured retry count.
    pub fn retries(&self) -> u32 {
        self.max_retries
    }

    /// The configured total budget.
    pub fn total_budget(&self) -> Duration {
        self.budget
    }

    /// The jittered exponential backoff before retry number `retry` (1-based): a uniform draw from the upper half
    /// of `min(initial * 2^(retry-1), max)`, so concurrent clients spread out without waiting less than half.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let exp = retry.saturating_sub(1).min(20);
        let base = self.initial_backoff.saturating_mul(1 << exp).min(self.max_backoff);
        let half = base / 2;
        half + half.mul_f64(fastrand::f64())
    }

    /// Whether a failed attempt may be retried under this policy (ignoring counts and budget).
    pub(crate) fn may_retry(&self, method: &Method, safe_operation: bool, failure: Failure) -> bool {
        let repeatable = self.retry_non_idempotent || safe_operation || is_idempotent(method);
        match failure {
            Failure::NotSent => true,
            Failure::Status(StatusCode::TOO_MANY_REQUESTS) => true,
            Failure::Status(status) => repeatable && is_transient_status(status),
            Failure::Timeout | Failure::Interrupted => repeatable,
            Failure::Streamed | Failure::Final => false,
        }
    }
}

/// How an attempt failed, as far as retrying cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The connection was never opened: the server saw nothing.
    NotSent,
    /// The server answered with this status.
    Status(StatusCode),
    /// The attempt timed out; the server may have seen the request.
    Timeout,
    /// The connection broke after the request went out.
    Interrupted,
    /// The request body was a one-shot stream and cannot be sent again.
    Streamed,
    /// A failure that repeating cannot fix (e.g. a body over the size limit).
    Final,
}

/// Whether a status is worth retrying: 408, 429, 500, 502, 503, 504.
pub fn is_transient_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

fn is_idempotent(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE | Method::TRACE)
}

/// The wait a response asks for: `retry-after-ms`, `x-ms-retry-after-ms` (milliseconds), or `Retry-After` as
/// delta-seconds or an HTTP date (a date in the past means no wait).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    retry_after_at(headers, SystemTime::now())
}

pub(crate) fn retry_after_at(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    for name in ["retry-after-ms", "x-ms-retry-after-ms"] {
        if let Some(ms) = text(name).and_then(|v| v.parse::<f64>().ok())
            && let Some(wait) = wait_of(ms / 1000.0)
        {
            return Some(wait);
        }
    }
    let value = text("retry-after")?;
    if let Ok(secs) = value.parse::<f64>() {
        return wait_of(secs);
    }
    let when = parse_http_date(value)?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A wait of `secs` seconds; absurd values (negative, not finite, beyond `Duration`) are capped at a day, which
/// is beyond every retry budget, so the call fails with `RetryAfterExceedsBudget` instead of panicking.
fn wait_of(secs: f64) -> Option<Duration> {
    const DAY: Duration = Duration::from_secs(86_400);
    if secs.is_nan() || secs < 0.0 {
        return None;
    }
    Some(Duration::try_from_secs_f64(secs).map_or(DAY, |wait| wait.min(DAY)))
}

/// Parses an HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`).
fn parse_http_date(value: &str) -> Option<SystemTime> {
    let ts = jiff::fmt::rfc2822::DateTimeParser::new().parse_timestamp(value).ok()?;
    let secs = u64::try_from(ts.as_second()).ok()?;
    Some(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn retry_after_delta_seconds() {
        assert_eq!(retry_after(&headers(&[("retry-after", "7")])), Some(Duration::from_secs(7)));
    }

    #[test]
    fn retry_after_ms_headers_win() {
        let h = headers(&[("retry-after", "7"), ("x-ms-retry-after-ms", "250")]);
        assert_eq!(retry_after(&h), Some(Duration::from_millis(250)));
    }

    #[test]
    fn retry_after_http_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        let h = headers(&[("retry-after", "Sun, 06 Nov 1994 08:49:47 GMT")]);
        assert_eq!(retry_after_at(&h, now), Some(Duration::from_secs(10)));
    }

    #[test]
    fn absurd_retry_after_is_capped_not_a_panic() {
        let day = Some(Duration::from_secs(86_400));
        assert_eq!(retry_after(&headers(&[("retry-after", "1e30")])), day);
        assert_eq!(retry_after(&headers(&[("retry-after", "inf")])), day);
        assert_eq!(retry_after(&headers(&[("retry-after-ms", "1e300")])), day);
        assert_eq!(retry_after(&headers(&[("retry-after", "-5")])), None);
        assert_eq!(retry_after(&headers(&[("retry-after", "NaN")])), None);
    }

    #[test]
    fn retry_after_garbage_is_ignored() {
        assert_eq!(retry_after(&headers(&[("retry-after", "soon")])), None);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p =
            RetryPolicy::default().initial_backoff(Duration::from_millis(100)).max_backoff(Duration::from_millis(1000));
        for _ in 0..50 {
            let first = p.backoff(1);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let fifth = p.backoff(5);
            assert!(fifth >= Duration::from_millis(500) && fifth <= Duration::from_millis(1000));
        }
    }

    #[test]
    fn post_retries_only_when_unprocessed() {
        let p = RetryPolicy::default();
        let post = Method::POST;
        assert!(p.may_retry(&post, false, Failure::Status(StatusCode::TOO_MANY_REQUESTS)));
        assert!(p.may_retry(&post, false, Failure::NotSent));
        assert!(!p.may_retry(&post, false, Failure::Status(StatusCode::INTERNAL_SERVER_ERROR)));
        assert!(!p.may_retry(&post, false, Failure::Timeout));
        assert!(p.may_retry(&post, true, Failure::Status(StatusCode::INTERNAL_SERVER_ERROR)));
        let opted = p.retry_non_idempotent(true);
        assert!(opted.may_retry(&post, false, Failure::Timeout));
    }

    #[test]
    fn get_retries_on_every_transient_failure() {
        let p = RetryPolicy::default();
        for status in [408, 429, 500, 502, 503, 504] {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            assert!(p.may_retry(&Method::GET, false, Failure::Status(status)));
        }
        assert!(!p.may_retry(&Method::GET, false, Failure::Status(StatusCode::NOT_FOUND)));
        assert!(!p.may_retry(&Method::GET, false, Failure::Streamed));
    }
}
