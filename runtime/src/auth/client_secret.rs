//! An Entra ID (Azure AD) application that signs in with a client secret, using the OAuth2 client-credentials
//! grant against the v2.0 token endpoint.

use std::fmt;
use std::time::Duration;

use reqwest::header::{ACCEPT, CONTENT_TYPE};
use url::Url;

use super::token_endpoint::{HttpClient, TokenResponse, send, token_error};
use super::{AccessToken, Credential};
use crate::secret::Secret;
use crate::{Error, Result};

/// The public-cloud Entra ID authority.
const DEFAULT_AUTHORITY: &str = "https://login.microsoftonline.com";

/// Time limit on one token request; Entra ID answers in well under a second, so this only bounds a hung network.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// An Entra ID application authenticating with a client secret (OAuth2 client credentials).
///
/// ```no_run
/// use connector_runtime::auth::ClientSecretCredential;
///
/// let credential = ClientSecretCredential::new("contoso.onmicrosoft.com", "app-client-id", "app-secret");
/// # let _ = credential;
/// ```
///
/// Tokens are requested from `{authority}/{tenant}/oauth2/v2.0/token`; use [`with_authority`](Self::with_authority)
/// for national clouds (e.g. `https://login.microsoftonline.us`). Wrap it in a [`TokenCache`](super::TokenCache)
/// (a [`Connection`](crate::Connection) does this) so tokens are reused until shortly before they expire.
#[derive(Clone)]
pub struct ClientSecretCredential {
    tenant_id: String,
    client_id: String,
    client_secret: Secret,
    authority: String,
    http: HttpClient,
}

impl ClientSecretCredential {
    /// A credential for application `client_id` in tenant `tenant_id` (a GUID or a verified domain name).
    pub fn new(tenant_id: impl Into<String>, client_id: impl Into<String>, client_secret: impl Into<Secret>) -> Self {
        ClientSecretCredential {
            tenant_id: tenant_id.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            authority: DEFAULT_AUTHORITY.to_owned(),
            http: HttpClient::default(),
        }
    }

    /// Sends token requests to another authority host (default `https://login.microsoftonline.com`).
    ///
    /// The authority must be `https`; plain `http` is accepted only for loopback hosts, so tests can use a local
    /// server while a misconfigured deployment cannot send the secret in clear text.
    pub fn with_authority(mut self, authority: impl Into<String>) -> Self {
        self.authority = authority.into();
        self
    }

    /// Uses a caller-built `reqwest::Client` (proxies, custom TLS roots) for token requests.
    pub fn with_http_client(mut self, client: reqwest::Client) -> Self {
        self.http = HttpClient::custom(client);
        self
    }

    /// The token endpoint URL, checked here rather than in the constructor so the builder methods stay infallible.
    fn token_url(&self) -> Result<Url> {
        let tenant = self.tenant_id.trim();
        if tenant.is_empty() || !tenant.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_')) {
            return Err(Error::config(format!("tenant id `{tenant}` must be a GUID or a domain name")));
        }
        let mut url = Url::parse(self.authority.trim())
            .map_err(|e| Error::config(format!("authority `{}` is not a valid URL", self.authority)).with_source(e))?;
        let secure = url.scheme() == "https" || (url.scheme() == "http" && crate::connection::is_loopback(&url));
        if !secure || url.cannot_be_a_base() || url.query().is_some() {
            return Err(Error::config(format!(
                "authority `{}` must be an https URL without a query (plain http only for loopback tests)",
                self.authority
            )));
        }
        url.path_segments_mut()
            .map_err(|()| Error::config(format!("authority `{}` cannot take a path", self.authority)))?
            .pop_if_empty()
            .extend([tenant, "oauth2", "v2.0", "token"]);
        Ok(url)
    }
}

impl Credential for ClientSecretCredential {
    async fn get_token(&self, scopes: &[&str]) -> Result<AccessToken> {
        if scopes.is_empty() {
            return Err(Error::credential(
                "a client-credentials token needs at least one scope, e.g. `https://apihub.azure.com/.default`; \
                 name it with Connection::with_scopes([..])",
            ));
        }
        let url = self.token_url()?;
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair("client_id", &self.client_id)
            .append_pair("client_secret", self.client_secret.expose())
            .append_pair("scope", &scopes.join(" "))
            .append_pair("grant_type", "client_credentials")
            .finish();
        let endpoint = url.to_string();
        let request = self
            .http
            .get(|b| b)
            .await?
            .post(url)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(ACCEPT, "application/json")
            .timeout(REQUEST_TIMEOUT)
            .body(body);
        let (status, body) = send(request, &endpoint).await?;
        if !status.is_success() {
            // Entra ID never echoes the secret, but a proxy or a future message might; scrub it to be sure.
            return Err(token_error(&endpoint, status, &body, &[self.client_secret.expose()]));
        }
        let response = TokenResponse::parse(&body, &endpoint)?;
        // `expires_in` is relative to now, so it is immune to clock skew between us and Entra ID.
        let expires_on = response.expires_in_from_now().or_else(|| response.expires_on_epoch());
        response.into_token(expires_on, &endpoint)
    }
}

impl fmt::Debug for ClientSecretCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientSecretCredential")
            .field("tenant_id", &self.tenant_id)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("authority", &self.authority)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_url_appends_tenant_path_and_rejects_plain_http() -> Result<()> {
        let cred = ClientSecretCredential::new("t-1", "c", "s").with_authority("https://login.example.com/");
        assert_eq!(cred.token_url()?.as_str(), "https://login.example.com/t-1/oauth2/v2.0/token");
        let insecure = ClientSecretCredential::new("t-1", "c", "s").with_authority("http://login.example.com");
        assert!(insecure.token_url().is_err());
        let traversal = ClientSecretCredential::new("../x", "c", "s");
        assert!(traversal.token_url().is_err());
        Ok(())
    }
}
