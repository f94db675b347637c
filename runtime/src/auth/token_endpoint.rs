//! What the HTTP-based credentials share: an HTTP client built on first use, a bounded token-endpoint request,
//! the token response with its `expires_in` / `expires_on` forms, and error messages that describe a token
//! endpoint's failure without ever quoting a secret.

use std::time::{Duration, SystemTime};

use bytes::{Bytes, BytesMut};
use reqwest::StatusCode;
use serde::Deserialize;
use tokio::sync::OnceCell;

use super::AccessToken;
use crate::{Error, Result};

/// How much of a service's error description is kept in an error message.
const MAX_DESCRIPTION: usize = 1024;

/// A token response is a few KiB; anything far larger is not a token endpoint and is not read to the end.
const MAX_TOKEN_RESPONSE: usize = 1024 * 1024;

/// A caller-supplied HTTP client, or a default one built on first use (building can fail, and constructors of
/// credentials are infallible, so the failure is reported by the first token request instead of panicking).
#[derive(Clone, Default)]
pub(super) struct HttpClient {
    custom: Option<reqwest::Client>,
    default: OnceCell<reqwest::Client>,
}

impl HttpClient {
    pub(super) fn custom(client: reqwest::Client) -> Self {
        HttpClient { custom: Some(client), default: OnceCell::new() }
    }

    /// The client to use; `tune` adjusts the builder of the default client (timeouts, proxy settings).
    pub(super) async fn get(
        &self,
        tune: impl FnOnce(reqwest::ClientBuilder) -> reqwest::ClientBuilder,
    ) -> Result<reqwest::Client> {
        if let Some(client) = &self.custom {
            return Ok(client.clone());
        }
        let client = self
            .default
            .get_or_try_init(|| async {
                tune(reqwest::Client::builder().connect_timeout(Duration::from_secs(10)))
                    .build()
                    .map_err(|e| Error::config("could not build the HTTP client for token requests").with_source(e))
            })
            .await?;
        Ok(client.clone())
    }
}

/// Sends a token request and reads at most [`MAX_TOKEN_RESPONSE`] bytes of the answer.
pub(super) async fn send(request: reqwest::RequestBuilder, endpoint: &str) -> Result<(StatusCode, Bytes)> {
    let failed = |e: reqwest::Error| {
        let what = if e.is_timeout() {
            "timed out"
        } else if e.is_connect() {
            "could not connect"
        } else {
            "failed"
        };
        Error::credential(format!("token request to {endpoint} {what}")).with_source(e.without_url())
    };
    let mut response = request.send().await.map_err(failed)?;
    let status = response.status();
    let mut body = BytesMut::new();
    while let Some(chunk) = response.chunk().await.map_err(failed)? {
        if body.len() + chunk.len() > MAX_TOKEN_RESPONSE {
            return Err(Error::credential(format!(
                "token response from {endpoint} is larger than {MAX_TOKEN_RESPONSE} bytes"
            ))
            .with_status(status));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((status, body.freeze()))
}

/// The fields of a token response this crate reads. Numbers may arrive as JSON numbers or numeric strings
/// (IMDS and App Service send strings), so they are kept as raw values and read leniently.
#[derive(Deserialize)]
pub(super) struct TokenResponse {
    access_token: Option<String>,
    expires_in: Option<serde_json::Value>,
    expires_on: Option<serde_json::Value>,
}

impl TokenResponse {
    pub(super) fn parse(body: &[u8], endpoint: &str) -> Result<TokenResponse> {
        // The serde error is not attached: its text can quote values from the body, and the body holds a token.
        serde_json::from_slice(body).map_err(|e| {
            Error::credential(format!(
                "token response from {endpoint} is not the expected JSON (line {}, column {})",
                e.line(),
                e.column()
            ))
        })
    }

    /// `now + expires_in`, when the response has a usable `expires_in`.
    pub(super) fn expires_in_from_now(&self) -> Option<SystemTime> {
        let secs = self.expires_in.as_ref().and_then(seconds)?;
        SystemTime::now().checked_add(Duration::from_secs(secs))
    }

    /// `expires_on` read as seconds since the Unix epoch, when the response has a usable one.
    pub(super) fn expires_on_epoch(&self) -> Option<SystemTime> {
        let secs = self.expires_on.as_ref().and_then(seconds)?;
        SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(secs))
    }

    /// The token, expiring at `expires_on` (which the caller picked from the response's fields).
    pub(super) fn into_token(self, expires_on: Option<SystemTime>, endpoint: &str) -> Result<AccessToken> {
        let token = self
            .access_token
            .filter(|t| !t.is_empty())
            .ok_or_else(|| Error::credential(format!("token response from {endpoint} has no access_token")))?;
        let expires_on = expires_on.ok_or_else(|| {
            Error::credential(format!("token response from {endpoint} has no usable expires_in or expires_on"))
        })?;
        Ok(AccessToken::new(token, expires_on))
    }
}

/// A non-negative whole number of seconds from a JSON number or a numeric string.
pub(super) fn seconds(value: &serde_json::Value) -> Option<u64> {
    match value {
        serde_json::Value::Number(n) => {
            n.as_u64().or_else(|| n.as_f64().filter(|f| f.is_finite() && *f >= 0.0).map(|f| f as u64))
        }
        serde_json::Value::String(s) => {
            let s = s.trim();
            s.parse::<u64>()
                .ok()
                .or_else(|| s.parse::<f64>().ok().filter(|f| f.is_finite() && *f >= 0.0).map(|f| f as u64))
        }
        _ => None,
    }
}

/// A credential error for a non-success token response: the status plus whatever error code and description
/// the service put in its JSON body (OAuth's `error`/`error_description`, or the `{"error":{"code","message"}}`
/// and `{"message"}` shapes of App Service). A non-JSON body is not quoted: it could be anything, even an echo of
/// the request. Any of `secrets` found in the details is replaced by `***`.
pub(super) fn token_error(endpoint: &str, status: StatusCode, body: &[u8], secrets: &[&str]) -> Error {
    let details = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        // Scrub before cutting, so a secret straddling the cut cannot leave a fragment behind.
        .map(|v| bounded(&scrub(service_error(&v), secrets), MAX_DESCRIPTION))
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| "no error details in the response".to_owned());
    Error::credential(format!("token request to {endpoint} failed with HTTP {status}: {details}")).with_status(status)
}

fn service_error(value: &serde_json::Value) -> String {
    let text = |v: Option<&serde_json::Value>| match v {
        Some(serde_json::Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        _ => None,
    };
    let (code, description) = match value.get("error") {
        Some(inner @ serde_json::Value::Object(_)) => {
            (text(inner.get("code")), text(inner.get("message")).or_else(|| text(value.get("message"))))
        }
        other => (
            text(other),
            text(value.get("error_description"))
                .or_else(|| text(value.get("message")))
                .or_else(|| text(value.get("Message"))),
        ),
    };
    match (code, description) {
        (Some(c), Some(d)) => format!("{c}: {d}"),
        (Some(c), None) => c,
        (None, Some(d)) => d,
        (None, None) => String::new(),
    }
}

/// At most `max` bytes of `text`, cut on a character boundary.
pub(super) fn bounded(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &text[..end])
}

/// `text` with every occurrence of each secret, raw or form-encoded, replaced by `***`.
fn scrub(text: String, secrets: &[&str]) -> String {
    secrets.iter().filter(|s| !s.is_empty()).fold(text, |text, secret| {
        let encoded: String = form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        text.replace(secret, "***").replace(&encoded, "***")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_accepts_numbers_and_numeric_strings() {
        assert_eq!(seconds(&serde_json::json!(3599)), Some(3599));
        assert_eq!(seconds(&serde_json::json!("3599")), Some(3599));
        assert_eq!(seconds(&serde_json::json!(" 1700000000 ")), Some(1_700_000_000));
        assert_eq!(seconds(&serde_json::json!(12.5)), Some(12));
        assert_eq!(seconds(&serde_json::json!(-1)), None);
        assert_eq!(seconds(&serde_json::json!("09/14/2017 00:00:00 PM +00:00")), None);
    }

    #[test]
    fn error_details_come_from_the_usual_shapes() {
        let oauth = serde_json::json!({"error": "invalid_client", "error_description": "AADSTS7000215: bad"});
        assert_eq!(service_error(&oauth), "invalid_client: AADSTS7000215: bad");
        let nested = serde_json::json!({"error": {"code": "Forbidden", "message": "nope"}});
        assert_eq!(service_error(&nested), "Forbidden: nope");
        let flat = serde_json::json!({"statusCode": 400, "message": "Unable to load the proper Managed Identity."});
        assert_eq!(service_error(&flat), "Unable to load the proper Managed Identity.");
    }

    #[test]
    fn bounded_cuts_on_a_char_boundary() {
        assert_eq!(bounded("héllo", 2), "h...");
        assert_eq!(bounded("abc", 3), "abc");
    }
}
