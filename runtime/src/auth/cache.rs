//! The token cache in front of every credential: one token per scope set, refreshed ahead of expiry, with one
//! token request no matter how many calls need a token at the same moment.
//!
//! Each scope set has a slot holding the current token behind a `std` mutex (held only to copy or replace the
//! token, never across an `.await`) and a `tokio` mutex that whoever refreshes holds for the duration of the token
//! request. Callers that find the token fresh never touch the async lock; callers that need a refresh queue on it,
//! and after getting it look again, because the caller before them has usually just fetched what they need.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use reqwest::StatusCode;

use reqwest::header::HeaderValue;

use super::{AccessToken, Credential, DynCredential};
use crate::secret::Secret;
use crate::{Error, ErrorKind, Result};

/// The default time before expiry at which a token is refreshed.
const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// After a refresh fails while the cached token is still valid, the cached token is used without asking the
/// credential again for this long, so a struggling token endpoint is not hit by every call.
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(30);

/// Caches tokens from a [`Credential`], one per set of scopes.
///
/// A token is refreshed once it is within the refresh margin of its expiry (default 5 minutes). If that refresh
/// fails while the cached token has not expired yet, the cached token keeps being used (and the failure is logged
/// as a warning); the refresh is tried again 30 seconds later. Any number of concurrent callers that need a new
/// token share one request to the credential; when that request fails with no valid token to fall back on, they
/// all get its error.
///
/// Scope sets are compared ignoring order and duplicates. The cache is meant to be shared (a
/// [`Connection`](crate::Connection) holds it in an `Arc`); it keeps one small entry per scope set ever asked for.
pub struct TokenCache {
    credential: Arc<dyn DynCredential>,
    refresh_margin: Duration,
    /// One entry per scope set, searched linearly: a cache sees very few scope sets (usually one), and a scan
    /// finds the slot without allocating a key on every call.
    slots: Mutex<Vec<(Vec<String>, Arc<Slot>)>>,
}

/// The token for one scope set.
#[derive(Default)]
struct Slot {
    state: Mutex<State>,
    /// Held by the one caller that is asking the credential for a new token.
    refresh: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct State {
    token: Option<AccessToken>,
    /// `Bearer <token>` for the current token, built once and shared by every request that uses it.
    header: Option<HeaderValue>,
    failure: Option<Failure>,
}

/// The last failed refresh, kept so callers that queued behind it can share its outcome instead of repeating it.
struct Failure {
    at: Instant,
    kind: ErrorKind,
    status: Option<StatusCode>,
    message: String,
}

/// What a caller should do, given the slot's state.
enum Next {
    Use(Secret),
    Fetch,
    Fail(Error),
}

impl TokenCache {
    /// A cache in front of `credential`, refreshing tokens 5 minutes before they expire.
    pub fn new(credential: impl Credential) -> Self {
        TokenCache {
            credential: Arc::new(credential),
            refresh_margin: DEFAULT_REFRESH_MARGIN,
            slots: Mutex::new(Vec::new()),
        }
    }

    /// How long before expiry a token is refreshed (default 5 minutes). A token whose whole lifetime is shorter
    /// than the margin is fetched anew on every call.
    pub fn with_refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    /// A valid token for `scopes`: the cached one while it is fresh, otherwise a new one from the credential.
    pub async fn token(&self, scopes: &[&str]) -> Result<Secret> {
        let slot = self.slot(scopes);
        if let Next::Use(token) = self.next(&lock(&slot.state), None) {
            return Ok(token);
        }
        let queued = Instant::now();
        let _refreshing = slot.refresh.lock().await;
        // Whoever held the lock before us has probably refreshed (or failed to) already.
        match self.next(&lock(&slot.state), Some(queued)) {
            Next::Use(token) => return Ok(token),
            Next::Fail(err) => return Err(err),
            Next::Fetch => {}
        }
        tracing::debug!(?scopes, "requesting a new token");
        let result = self.credential.get_token_boxed(scopes).await;
        let mut state = lock(&slot.state);
        match result {
            Ok(token) => {
                let secret = token.token.clone();
                state.token = Some(token);
                state.header = None;
                state.failure = None;
                Ok(secret)
            }
            Err(err) => {
                state.failure = Some(Failure {
                    at: Instant::now(),
                    kind: err.kind(),
                    status: err.status(),
                    message: err.to_string(),
                });
                match state.token.as_ref().filter(|t| remaining(t).is_some()) {
                    Some(old) => {
                        tracing::warn!(
                            ?scopes,
                            error = %err,
                            remaining_secs = remaining(old).map(|d| d.as_secs()),
                            "token refresh failed; using the cached token, which is still valid"
                        );
                        Ok(old.token.clone())
                    }
                    None => Err(err),
                }
            }
        }
    }

    /// The `Authorization` header value for `scopes`: cached alongside the token, so the common case (a fresh
    /// token) costs a lock and a reference-count increment, not a format and an allocation per request.
    pub(crate) async fn bearer_header(&self, scopes: &[&str]) -> Result<HeaderValue> {
        let slot = self.slot(scopes);
        {
            let state = lock(&slot.state);
            if let (Some(token), Some(header)) = (&state.token, &state.header)
                && remaining(token).is_some_and(|left| left > self.refresh_margin)
            {
                return Ok(header.clone());
            }
        }
        let token = self.token(scopes).await?;
        let mut header = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
            .map_err(|_| Error::credential("the token contains characters not allowed in an HTTP header"))?;
        header.set_sensitive(true);
        let mut state = lock(&slot.state);
        if state.token.as_ref().is_some_and(|t| t.token == token) {
            state.header = Some(header.clone());
        }
        Ok(header)
    }

    /// The slot for a scope set, created on first use.
    fn slot(&self, scopes: &[&str]) -> Arc<Slot> {
        let same_set = |key: &[String]| {
            key.iter().all(|k| scopes.contains(&k.as_str())) && scopes.iter().all(|s| key.iter().any(|k| k == s))
        };
        let mut slots = lock(&self.slots);
        if let Some((_, slot)) = slots.iter().find(|(key, _)| same_set(key)) {
            return Arc::clone(slot);
        }
        let mut key: Vec<String> = scopes.iter().map(|s| (*s).to_owned()).collect();
        key.sort_unstable();
        key.dedup();
        let slot = Arc::new(Slot::default());
        slots.push((key, Arc::clone(&slot)));
        slot
    }

    /// Decides from the slot's state. `queued` is when the caller started waiting for the refresh lock, if it did:
    /// a failure after that moment is the outcome of the request it was waiting for.
    fn next(&self, state: &State, queued: Option<Instant>) -> Next {
        let failed_while_queued = state.failure.as_ref().filter(|f| queued.is_some_and(|q| f.at >= q));
        let recently_failed = state.failure.as_ref().is_some_and(|f| f.at.elapsed() < RETRY_AFTER_FAILURE);
        match state.token.as_ref().map(|t| (t, remaining(t))) {
            Some((token, Some(left))) if left > self.refresh_margin => Next::Use(token.token.clone()),
            // Due for refresh but still valid: keep using it while the last refresh failure is recent.
            Some((token, Some(_))) if recently_failed => Next::Use(token.token.clone()),
            _ => match failed_while_queued {
                Some(f) => Next::Fail(f.to_error()),
                None => Next::Fetch,
            },
        }
    }
}

impl Failure {
    fn to_error(&self) -> Error {
        let err = Error::new(
            self.kind,
            format!("a concurrent request for the same token failed moments ago: {}", self.message),
        );
        match self.status {
            Some(status) => err.with_status(status),
            None => err,
        }
    }
}

/// Time left before `token` expires; `None` once it has.
fn remaining(token: &AccessToken) -> Option<Duration> {
    token.expires_on.duration_since(SystemTime::now()).ok().filter(|d| !d.is_zero())
}

/// Locks a `std` mutex, ignoring poisoning: every critical section here only swaps whole values, so a panic
/// elsewhere cannot leave the data half-updated.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Only the shape of the cache: the tokens themselves are secrets.
        f.debug_struct("TokenCache")
            .field("refresh_margin", &self.refresh_margin)
            .field("scope_sets", &lock(&self.slots).len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    /// Counts calls and hands out tokens that live `lifetime`.
    struct Counting {
        calls: Arc<AtomicU32>,
        lifetime: Duration,
    }

    impl Credential for Counting {
        async fn get_token(&self, scopes: &[&str]) -> Result<AccessToken> {
            let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            Ok(AccessToken::new(format!("{}#{n}", scopes.join(",")), SystemTime::now() + self.lifetime))
        }
    }

    #[tokio::test]
    async fn scope_sets_are_cached_apart_and_order_does_not_matter() -> Result<()> {
        let calls = Arc::new(AtomicU32::new(0));
        let cache = TokenCache::new(Counting { calls: Arc::clone(&calls), lifetime: Duration::from_secs(3600) });
        let ab = cache.token(&["a", "b"]).await?;
        assert_eq!(cache.token(&["b", "a", "a"]).await?, ab);
        let c = cache.token(&["c"]).await?;
        assert_ne!(c, ab);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        Ok(())
    }

    #[tokio::test]
    async fn margin_decides_when_to_refresh() -> Result<()> {
        let calls = Arc::new(AtomicU32::new(0));
        let cache = TokenCache::new(Counting { calls: Arc::clone(&calls), lifetime: Duration::from_secs(600) })
            .with_refresh_margin(Duration::from_secs(900));
        let first = cache.token(&["s"]).await?;
        let second = cache.token(&["s"]).await?;
        assert_ne!(first, second);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        Ok(())
    }
}
