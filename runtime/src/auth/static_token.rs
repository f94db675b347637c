//! A fixed bearer token, for tests, short scripts, and tokens obtained elsewhere.

use std::time::{Duration, SystemTime};

use super::{AccessToken, Credential};
use crate::Result;
use crate::secret::Secret;

/// A bearer token that is used as is for every scope and never refreshed.
#[derive(Clone, Debug)]
pub struct StaticToken {
    token: Secret,
}

impl StaticToken {
    /// Wraps `token`.
    pub fn new(token: impl Into<Secret>) -> Self {
        StaticToken { token: token.into() }
    }
}

impl Credential for StaticToken {
    async fn get_token(&self, _scopes: &[&str]) -> Result<AccessToken> {
        // Far enough ahead that the cache never asks again; a static token cannot be refreshed anyway.
        let expires_on = SystemTime::now() + Duration::from_secs(100 * 365 * 24 * 3600);
        Ok(AccessToken::new(self.token.clone(), expires_on))
    }
}
