//! The managed identity of the Azure resource the code runs on, system- or user-assigned.
//!
//! Two local token endpoints are supported. App Service and Azure Functions (and Container Apps) publish theirs in
//! the `IDENTITY_ENDPOINT` and `IDENTITY_HEADER` environment variables; everything else (virtual machines, scale
//! sets, AKS with pod identity) uses the Instance Metadata Service (IMDS) at `169.254.169.254`. Which one applies
//! is decided once, when the credential is built, so a token request never depends on the environment of the
//! moment. Azure Arc and Cloud Shell endpoints are not supported.

use std::fmt;
use std::time::Duration;

use reqwest::header::ACCEPT;
use url::Url;

use super::token_endpoint::{HttpClient, TokenResponse, send, token_error};
use super::{AccessToken, Credential};
use crate::secret::Secret;
use crate::{Error, Result};

/// The IMDS token endpoint.
const IMDS_ENDPOINT: &str = "http://169.254.169.254/metadata/identity/oauth2/token";
const IMDS_API_VERSION: &str = "2018-02-01";
const APP_SERVICE_API_VERSION: &str = "2019-08-01";

/// Off Azure nothing listens at the IMDS address, and a connection attempt can hang until the OS gives up; a short
/// connect timeout turns that into a quick, clear error.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// Time limit on one token request. The endpoints are local, but IMDS may take a few seconds for a first token.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// A managed identity: the identity Azure assigns to the resource the code runs on.
///
/// ```no_run
/// use connector_runtime::Connection;
/// use connector_runtime::auth::ManagedIdentityCredential;
///
/// # fn main() -> connector_runtime::Result<()> {
/// let conn = Connection::from_env("OFFICE365")?.with_credential(ManagedIdentityCredential::system_assigned());
/// # let _ = conn;
/// # Ok(()) }
/// ```
///
/// A managed identity token is for one resource, so [`get_token`](Credential::get_token) accepts exactly one
/// scope; a trailing `/.default` is dropped to form the resource (`https://apihub.azure.com/.default` asks for
/// `https://apihub.azure.com`).
#[derive(Clone)]
pub struct ManagedIdentityCredential {
    source: Source,
    client_id: Option<String>,
    http: HttpClient,
}

#[derive(Clone)]
enum Source {
    AppService { endpoint: String, header: Secret },
    Imds { endpoint: String },
}

impl ManagedIdentityCredential {
    /// The resource's system-assigned identity, through App Service's endpoint when `IDENTITY_ENDPOINT` and
    /// `IDENTITY_HEADER` are set (read now, not per request), otherwise through IMDS.
    pub fn system_assigned() -> Self {
        ManagedIdentityCredential { source: Source::from_env(), client_id: None, http: HttpClient::default() }
    }

    /// A user-assigned identity, named by its client id; the endpoint is chosen as in
    /// [`system_assigned`](Self::system_assigned).
    pub fn user_assigned_client_id(client_id: impl Into<String>) -> Self {
        ManagedIdentityCredential::system_assigned().with_client_id(client_id)
    }

    /// The App Service / Functions protocol at an explicit `endpoint` (the value of `IDENTITY_ENDPOINT`) with the
    /// secret `header` (the value of `IDENTITY_HEADER`), without reading the environment.
    pub fn app_service(endpoint: impl Into<String>, header: impl Into<Secret>) -> Self {
        ManagedIdentityCredential {
            source: Source::AppService { endpoint: endpoint.into(), header: header.into() },
            client_id: None,
            http: HttpClient::default(),
        }
    }

    /// The IMDS protocol at an explicit token endpoint URL (the default is
    /// `http://169.254.169.254/metadata/identity/oauth2/token`), without reading the environment.
    pub fn imds_at(endpoint: impl Into<String>) -> Self {
        ManagedIdentityCredential {
            source: Source::Imds { endpoint: endpoint.into() },
            client_id: None,
            http: HttpClient::default(),
        }
    }

    /// Asks for the user-assigned identity with this client id instead of the system-assigned one.
    pub fn with_client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// Uses a caller-built `reqwest::Client`. The default one bypasses proxies (the endpoints are local) and gives
    /// up connecting after a few seconds.
    pub fn with_http_client(mut self, client: reqwest::Client) -> Self {
        self.http = HttpClient::custom(client);
        self
    }
}

impl Source {
    fn from_env() -> Source {
        let var = |name| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        Source::pick(var("IDENTITY_ENDPOINT"), var("IDENTITY_HEADER"))
    }

    /// App Service needs both variables; with either one missing the host is not App Service (Azure Arc, for one,
    /// sets only `IDENTITY_ENDPOINT`), so IMDS is the right guess.
    fn pick(endpoint: Option<String>, header: Option<String>) -> Source {
        match (endpoint, header) {
            (Some(endpoint), Some(header)) => Source::AppService { endpoint, header: Secret::new(header) },
            _ => Source::Imds { endpoint: IMDS_ENDPOINT.to_owned() },
        }
    }

    fn endpoint(&self) -> &str {
        match self {
            Source::AppService { endpoint, .. } | Source::Imds { endpoint } => endpoint,
        }
    }
}

impl Credential for ManagedIdentityCredential {
    async fn get_token(&self, scopes: &[&str]) -> Result<AccessToken> {
        let resource = match scopes {
            [scope] if !scope.trim().is_empty() => {
                let scope = scope.trim();
                scope.strip_suffix("/.default").unwrap_or(scope)
            }
            _ => {
                return Err(Error::credential(format!(
                    "a managed identity token is for exactly one scope, but {} were requested",
                    scopes.len()
                )));
            }
        };
        let endpoint = self.source.endpoint();
        let mut url = Url::parse(endpoint).map_err(|e| {
            Error::config(format!("managed identity endpoint `{endpoint}` is not a valid URL")).with_source(e)
        })?;
        let api_version = match self.source {
            Source::AppService { .. } => APP_SERVICE_API_VERSION,
            Source::Imds { .. } => IMDS_API_VERSION,
        };
        {
            let mut query = url.query_pairs_mut();
            query.append_pair("api-version", api_version).append_pair("resource", resource);
            if let Some(client_id) = &self.client_id {
                query.append_pair("client_id", client_id);
            }
        }
        let client = self.http.get(|b| b.connect_timeout(CONNECT_TIMEOUT).no_proxy()).await?;
        let request = client.get(url).header(ACCEPT, "application/json").timeout(REQUEST_TIMEOUT);
        let (request, secrets) = match &self.source {
            Source::AppService { header, .. } => {
                (request.header("X-IDENTITY-HEADER", sensitive(header.expose())?), vec![header.expose()])
            }
            Source::Imds { .. } => (request.header("Metadata", "true"), Vec::new()),
        };
        let (status, body) = send(request, endpoint).await?;
        if !status.is_success() {
            return Err(token_error(endpoint, status, &body, &secrets));
        }
        let response = TokenResponse::parse(&body, endpoint)?;
        // Both endpoints send `expires_on`; `expires_in` is the fallback for hosts that send only that.
        let expires_on = response.expires_on_epoch().or_else(|| response.expires_in_from_now());
        response.into_token(expires_on, endpoint)
    }
}

/// A header value marked sensitive, so HTTP-level logging does not print it.
fn sensitive(value: &str) -> Result<reqwest::header::HeaderValue> {
    let mut value = reqwest::header::HeaderValue::from_str(value)
        .map_err(|_| Error::config("IDENTITY_HEADER contains characters not allowed in an HTTP header"))?;
    value.set_sensitive(true);
    Ok(value)
}

impl fmt::Debug for ManagedIdentityCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("ManagedIdentityCredential");
        match &self.source {
            Source::AppService { endpoint, header } => {
                d.field("protocol", &"app-service").field("endpoint", endpoint).field("header", header)
            }
            Source::Imds { endpoint } => d.field("protocol", &"imds").field("endpoint", endpoint),
        };
        d.field("client_id", &self.client_id).finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_service_needs_both_variables() {
        let both = Source::pick(Some("http://127.0.0.1:41741/msi/token".into()), Some("h".into()));
        assert!(matches!(both, Source::AppService { .. }));
        let endpoint_only = Source::pick(Some("http://127.0.0.1:41741/msi/token".into()), None);
        assert!(matches!(endpoint_only, Source::Imds { ref endpoint } if endpoint == IMDS_ENDPOINT));
        assert!(matches!(Source::pick(None, None), Source::Imds { .. }));
    }
}
