//! Webhook callbacks: an HTTP server (axum) that checks each callback's secret and hands its body to a channel.
//!
//! [`CallbackReceiver::register`] makes the callback URL of a subscription, `{base}/callbacks/{id}?sig={secret}`,
//! with a fresh 256-bit secret from the operating system's random number generator; give it to
//! [`subscribe`](super::subscribe). The connector then posts each event to that URL, and the receiver:
//!
//! 1. compares the `sig` query parameter with the subscription's secret in constant time. An unknown subscription
//!    and a missing or wrong secret all get `401` and deliver nothing, without saying which it was;
//! 2. reads the body up to a limit (1 MiB unless set with [`CallbackReceiver::with_max_body`]); a larger body gets
//!    `413` and delivers nothing;
//! 3. puts a [`Callback`] into the channel without waiting and answers `202 Accepted`. When the channel is full (or
//!    its receiving end is gone) it answers `503` with `Retry-After`, so the connector sends the event again later,
//!    and delivers nothing.
//!
//! The answer never waits for your code: take callbacks from the channel and decode them there with
//! [`Callback::decode`]. A `GET` or `HEAD` on a registered callback URL with its secret (a validation request) gets
//! `200` with an empty body.
//!
//! Secrets are kept as [`Secret`]s: `Debug` never shows them and traces name the subscription id only. They live
//! in memory, so after a restart call [`CallbackReceiver::restore`] with the callback URLs you kept (for instance in
//! stored [`Subscription`](super::Subscription)s); otherwise the connector's calls get `401` until you subscribe
//! again. A callback URL is a credential: store it like one.
//!
//! ```no_run
//! use connector_runtime::trigger::receiver::CallbackReceiver;
//! use connector_runtime::trigger::{Trigger, subscribe};
//!
//! # async fn run<T: Trigger>(trigger: T) -> Result<(), Box<dyn std::error::Error>> {
//! let (receiver, mut callbacks) = CallbackReceiver::new("https://myapp.example.com/hooks", 64)?;
//! let url = receiver.register("new-mail")?;
//! let listener = tokio::net::TcpListener::bind("0.0.0.0:8080").await?;
//! tokio::spawn(receiver.clone().serve(listener));
//!
//! let subscription = subscribe(&trigger, &url).await?;
//! while let Some(callback) = callbacks.recv().await {
//!     for item in callback.decode::<T>()? {
//!         // handle the item
//! #       let _ = item;
//!     }
//! }
//! subscription.unsubscribe(&trigger).await?;
//! # Ok(()) }
//! ```

mod handler;

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::SystemTime;

use bytes::Bytes;
use tokio::sync::mpsc;
use url::Url;

use super::Trigger;
use crate::{Error, Result, Secret};

/// The axum version the receiver is built on, so [`CallbackReceiver::router`] can be merged into your own app.
pub use axum;

/// The body limit when none is set: 1 MiB, far above the events connectors send.
pub const DEFAULT_MAX_BODY: usize = 1024 * 1024;

/// Bytes of randomness in each secret (256 bits).
const SECRET_BYTES: usize = 32;

/// The longest subscription id accepted, so ids (which appear in URLs and traces) stay short.
const MAX_ID_LEN: usize = 128;

/// One callback that passed verification: which subscription it is for and its raw body.
#[derive(Clone)]
#[non_exhaustive]
pub struct Callback {
    /// The subscription id it was registered under.
    pub subscription: String,
    /// The request body as received (at most the receiver's body limit).
    pub body: Bytes,
    /// When the receiver accepted it.
    pub received_at: SystemTime,
}

impl Callback {
    /// Decodes the body into `T`'s items, whatever envelope it came in (see [`decode_callback`](super::decode_callback)).
    pub fn decode<T: Trigger>(&self) -> Result<Vec<T::Item>> {
        T::decode(&self.body)
    }
}

impl fmt::Debug for Callback {
    // The body can be large; its length is what helps when debugging.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Callback")
            .field("subscription", &self.subscription)
            .field("body_len", &self.body.len())
            .field("received_at", &self.received_at)
            .finish()
    }
}

/// Receives webhook callbacks for any number of subscriptions and hands the verified ones to a channel.
///
/// Cloning is cheap and every clone shares the same subscriptions, so keep one to register with while another
/// [`serve`](CallbackReceiver::serve)s.
#[derive(Clone)]
pub struct CallbackReceiver {
    inner: Arc<Inner>,
}

struct Inner {
    /// The public base URL as text, without a trailing slash.
    base: String,
    /// The path the router serves: the base URL's path followed by `/callbacks/{id}`.
    route: String,
    max_body: AtomicUsize,
    sender: mpsc::Sender<Callback>,
    secrets: RwLock<HashMap<String, Secret>>,
}

impl CallbackReceiver {
    /// A receiver and the channel its callbacks arrive on, holding at most `capacity` callbacks not yet taken.
    ///
    /// `public_base_url` is where the connector reaches this server, such as `https://myapp.example.com/hooks`
    /// (an `http` or `https` URL without query or fragment). Callback URLs are made under it, and the router serves
    /// its path: requests must arrive at the path the connector was given, so a proxy in front must not strip it.
    pub fn new(public_base_url: &str, capacity: usize) -> Result<(CallbackReceiver, mpsc::Receiver<Callback>)> {
        let base = Url::parse(public_base_url)
            .map_err(|e| Error::config(format!("the receiver's public base URL is invalid: {e}")).with_source(e))?;
        if !matches!(base.scheme(), "http" | "https") || base.host().is_none() {
            return Err(Error::config("the receiver's public base URL must be an http or https URL with a host"));
        }
        if base.query().is_some() || base.fragment().is_some() {
            return Err(Error::config("the receiver's public base URL must not have a query or fragment"));
        }
        if capacity == 0 {
            return Err(Error::config("the callback channel needs a capacity of at least 1"));
        }
        let route = format!("{}/callbacks/{{id}}", base.path().trim_end_matches('/'));
        let (sender, receiver) = mpsc::channel(capacity);
        let inner = Inner {
            base: base.as_str().trim_end_matches('/').to_owned(),
            route,
            max_body: AtomicUsize::new(DEFAULT_MAX_BODY),
            sender,
            secrets: RwLock::new(HashMap::new()),
        };
        Ok((CallbackReceiver { inner: Arc::new(inner) }, receiver))
    }

    /// Sets the largest body accepted, in bytes; a larger one gets `413` and delivers nothing. Applies to every
    /// clone of this receiver.
    pub fn with_max_body(self, bytes: usize) -> Self {
        self.inner.max_body.store(bytes, Ordering::Relaxed);
        self
    }

    /// Registers `subscription` with a new secret and returns its callback URL, `{base}/callbacks/{id}?sig={secret}`,
    /// to pass to [`subscribe`](super::subscribe). The secret is 64 hex digits from the operating system's random
    /// number generator.
    ///
    /// The id must be 1 to 128 characters among `A-Z a-z 0-9 - . _ ~` (and not `.` or `..`), so it is the same
    /// in the URL as here. Registering an id again replaces its secret: the URL given before stops working.
    pub fn register(&self, subscription: &str) -> Result<String> {
        check_id(subscription)?;
        let mut random = [0u8; SECRET_BYTES];
        getrandom::fill(&mut random).map_err(|e| {
            Error::config(format!("the operating system's random number generator failed: {e}")).with_source(e)
        })?;
        let secret = Secret::new(hex(&random));
        let url = self.inner.callback_url(subscription, &secret);
        self.inner.secrets_mut().insert(subscription.to_owned(), secret);
        tracing::debug!(subscription, "callback registered");
        Ok(url)
    }

    /// Registers again a callback URL that [`register`](CallbackReceiver::register) returned before (kept across a
    /// restart), with its secret, and returns its subscription id. The URL must be one this receiver's base URL
    /// makes. Errors never repeat the URL, since it holds the secret.
    pub fn restore(&self, callback_url: &str) -> Result<String> {
        let invalid = || Error::config("not a callback URL of this receiver");
        let url = Url::parse(callback_url).map_err(|_| invalid())?;
        let id = url.path_segments().and_then(|mut segments| segments.next_back()).ok_or_else(invalid)?.to_owned();
        let sig = url.query_pairs().find(|(key, _)| key == "sig").map(|(_, value)| value).ok_or_else(invalid)?;
        check_id(&id).map_err(|_| invalid())?;
        let well_formed = sig.len() == 2 * SECRET_BYTES && sig.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if !well_formed {
            return Err(invalid());
        }
        let secret = Secret::new(sig.into_owned());
        // Rebuilding the URL and comparing checks the origin, the path and that nothing else is in the query.
        let expected = Url::parse(&self.inner.callback_url(&id, &secret)).map_err(|_| invalid())?;
        if expected != url {
            return Err(invalid());
        }
        self.inner.secrets_mut().insert(id.clone(), secret);
        tracing::debug!(subscription = %id, "callback restored");
        Ok(id)
    }

    /// Forgets `subscription`: its callbacks get `401` from now on. Returns whether it was registered.
    pub fn unregister(&self, subscription: &str) -> bool {
        let removed = self.inner.secrets_mut().remove(subscription).is_some();
        if removed {
            tracing::debug!(subscription, "callback unregistered");
        }
        removed
    }

    /// The router answering callbacks: `POST`, `GET` and `HEAD` on the base URL's path followed by
    /// `/callbacks/{id}`. Merge it into your own app with [`Router::merge`](axum::Router::merge) (not `nest`, since
    /// its paths are already complete), or let [`serve`](CallbackReceiver::serve) run it.
    pub fn router(&self) -> axum::Router {
        axum::Router::new()
            .route(&self.inner.route, axum::routing::post(handler::receive).get(handler::validate))
            // The base URL's path is literal text: a segment such as `:v1` is not an axum 0.7 capture.
            .without_v07_checks()
            .with_state(Arc::clone(&self.inner))
    }

    /// Serves [`router`](CallbackReceiver::router) on `listener` until the listener fails. Spawn it on a task.
    pub async fn serve(self, listener: tokio::net::TcpListener) -> std::io::Result<()> {
        if let Ok(address) = listener.local_addr() {
            tracing::info!(%address, "callback receiver listening");
        }
        axum::serve(listener, self.router()).await
    }
}

impl fmt::Debug for CallbackReceiver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secrets = self.inner.secrets();
        let mut subscriptions: Vec<&str> = secrets.keys().map(String::as_str).collect();
        subscriptions.sort_unstable();
        f.debug_struct("CallbackReceiver")
            .field("base", &self.inner.base)
            .field("max_body", &self.inner.max_body.load(Ordering::Relaxed))
            .field("subscriptions", &subscriptions)
            .finish_non_exhaustive()
    }
}

impl Inner {
    fn callback_url(&self, id: &str, secret: &Secret) -> String {
        format!("{}/callbacks/{id}?sig={}", self.base, secret.expose())
    }

    // A panic elsewhere while holding the lock leaves the map itself intact (every update is one insert or
    // remove), so a poisoned lock is still used rather than failing every callback.
    fn secrets(&self) -> RwLockReadGuard<'_, HashMap<String, Secret>> {
        self.secrets.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn secrets_mut(&self) -> RwLockWriteGuard<'_, HashMap<String, Secret>> {
        self.secrets.write().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Whether `id` can be a subscription id: the characters a URL path carries unchanged, and no `.` or `..`, which
/// URL normalisation would remove.
fn valid_id(id: &str) -> bool {
    (1..=MAX_ID_LEN).contains(&id.len())
        && id != "."
        && id != ".."
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

fn check_id(id: &str) -> Result<()> {
    if valid_id(id) {
        Ok(())
    } else {
        Err(Error::config(format!(
            "invalid subscription id {id:?}: use 1 to {MAX_ID_LEN} of the characters A-Z a-z 0-9 - . _ ~"
        )))
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_url_safe() {
        for good in ["a", "new-mail", "sub_1.v2~x", &"x".repeat(MAX_ID_LEN)] {
            assert!(valid_id(good), "{good}");
        }
        for bad in ["", ".", "..", "a/b", "a b", "é", "a?sig=x", "%41", &"x".repeat(MAX_ID_LEN + 1)] {
            assert!(!valid_id(bad), "{bad}");
        }
    }

    #[test]
    fn hex_is_lowercase_and_two_digits_per_byte() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
    }

    #[test]
    fn base_path_prefixes_the_route_and_urls() -> Result<()> {
        let (receiver, _rx) = CallbackReceiver::new("https://app.example.com/hooks/", 1)?;
        assert_eq!(receiver.inner.route, "/hooks/callbacks/{id}");
        let url = receiver.register("s1")?;
        assert!(url.starts_with("https://app.example.com/hooks/callbacks/s1?sig="), "{}", url.len());
        assert_eq!(url.len() - url.find("sig=").map_or(0, |i| i + 4), 2 * SECRET_BYTES);
        Ok(())
    }

    #[test]
    fn bad_base_urls_and_capacity_are_config_errors() {
        for base in ["not a url", "ftp://x.example", "https://x.example/?a=1", "https://x.example/#f"] {
            assert!(CallbackReceiver::new(base, 1).is_err(), "{base}");
        }
        assert!(CallbackReceiver::new("https://x.example", 0).is_err());
    }
}
