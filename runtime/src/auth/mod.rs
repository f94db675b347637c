//! Authentication: where tokens come from, how they are cached, and the non-token request auth modes.
//!
//! A [`Credential`] produces an [`AccessToken`] for a set of scopes. The built-ins cover the ways a Rust service
//! reaches Azure: a fixed token ([`StaticToken`]), an Entra ID app with a client secret
//! ([`ClientSecretCredential`]), a managed identity ([`ManagedIdentityCredential`]) and a developer's Azure CLI
//! login ([`AzureCliCredential`]). There is deliberately no implicit fallback chain: the caller picks one, so a
//! production service never silently runs as a developer's identity.
//!
//! A [`Connection`](crate::Connection) wraps its credential in a [`TokenCache`], which refreshes a token before it
//! expires and lets many concurrent calls share one token request.
//!
//! Connectors that do not use tokens authenticate each request with an [`ApiKey`] (header or query parameter, named
//! by the spec) or HTTP [`Basic`] auth. Every secret is held in a [`Secret`], which never prints.

mod api_key;
mod azure_cli;
#[cfg(feature = "azure-core")]
mod azure_core_adapter;
mod cache;
mod client_secret;
mod managed_identity;
mod static_token;
mod token_endpoint;

use std::future::Future;
use std::pin::Pin;
use std::time::SystemTime;

pub use crate::secret::Secret;
pub use api_key::{ApiKey, ApiKeyLocation, Basic};
pub use azure_cli::AzureCliCredential;
#[cfg(feature = "azure-core")]
pub use azure_core_adapter::AzureCoreCredential;
pub use cache::TokenCache;
pub use client_secret::ClientSecretCredential;
pub use managed_identity::ManagedIdentityCredential;
pub use static_token::StaticToken;

use crate::Result;

/// The scope for calls through a Logic Apps connection runtime URL (the API Hub).
pub const API_HUB_SCOPE: &str = "https://apihub.azure.com/.default";

/// A bearer token and the moment it stops being valid.
#[derive(Clone, Debug)]
pub struct AccessToken {
    /// The token sent as `Authorization: Bearer <token>`.
    pub token: Secret,
    /// When the token expires.
    pub expires_on: SystemTime,
}

impl AccessToken {
    /// A token that expires at `expires_on`.
    pub fn new(token: impl Into<Secret>, expires_on: SystemTime) -> Self {
        AccessToken { token: token.into(), expires_on }
    }
}

/// A source of bearer tokens.
///
/// Implement it to plug in any token source; the runtime calls it through a [`TokenCache`], so an implementation
/// does not need to cache. `scopes` are OAuth2 scopes such as `https://apihub.azure.com/.default`.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use connector_runtime::auth::{AccessToken, Credential};
///
/// struct FromVault;
///
/// impl Credential for FromVault {
///     async fn get_token(&self, _scopes: &[&str]) -> connector_runtime::Result<AccessToken> {
///         Ok(AccessToken::new("token-from-vault", SystemTime::now() + Duration::from_secs(3600)))
///     }
/// }
/// ```
pub trait Credential: Send + Sync + 'static {
    /// Gets a fresh token for `scopes`.
    fn get_token(&self, scopes: &[&str]) -> impl Future<Output = Result<AccessToken>> + Send;
}

/// The object-safe twin of [`Credential`], so a connection can hold any credential behind one pointer.
pub(crate) trait DynCredential: Send + Sync {
    fn get_token_boxed<'a>(
        &'a self,
        scopes: &'a [&'a str],
    ) -> Pin<Box<dyn Future<Output = Result<AccessToken>> + Send + 'a>>;
}

impl<C: Credential> DynCredential for C {
    fn get_token_boxed<'a>(
        &'a self,
        scopes: &'a [&'a str],
    ) -> Pin<Box<dyn Future<Output = Result<AccessToken>> + Send + 'a>> {
        Box::pin(self.get_token(scopes))
    }
}
