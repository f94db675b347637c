//! PLACEHOLDER: being written (auth helper). Replace this whole file; keep the public API below.

use std::sync::Arc;
use std::time::Duration;

use super::{Credential, DynCredential};
use crate::Result;
use crate::secret::Secret;

/// Caches tokens per scope set; refreshes ahead of expiry; one token request for many concurrent callers.
pub struct TokenCache {
    credential: Arc<dyn DynCredential>,
    refresh_margin: Duration,
}

impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCache")
            .field("refresh_margin", &self.refresh_margin)
            .finish_non_exhaustive()
    }
}

impl TokenCache {
    /// Wraps `credential`.
    pub fn new(credential: impl Credential) -> Self {
        TokenCache {
            credential: Arc::new(credential),
            refresh_margin: Duration::from_secs(300),
        }
    }

    /// How long before expiry a token is refreshed (default 5 minutes).
    pub fn with_refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    /// A valid token for `scopes`: the cached one, or a fresh one.
    pub async fn token(&self, scopes: &[&str]) -> Result<Secret> {
        Ok(self.credential.get_token_boxed(scopes).await?.token)
    }
}
