//! Where requests go and how they are authenticated: a Logic Apps connection runtime URL, or a connector's own
//! host.
//!
//! Through the API Hub ([`Connection::runtime_url`]) a request URL is the runtime URL followed by the operation's
//! spec path, with the spec's `basePath` dropped and a leading `/{connectionId}` segment removed (the runtime URL
//! already ends with the connection id); the bearer token is for `https://apihub.azure.com/.default`. Directly
//! ([`Connection::direct`]) a request URL is the given base URL (which replaces the spec's
//! `scheme://host/basePath`) followed by the spec path, authenticated the way the connector's spec says.
//!
//! A `Connection` is cheap to clone: clones share the HTTP connection pool and the token cache.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};
use url::Url;

use crate::auth::{ApiKey, ApiKeyLocation, Basic, Credential, Secret, StaticToken, TokenCache};
use crate::operation::{ApiKeyIn, Operation};
use crate::pacing::Pacer;
use crate::stats::{CallStats, Counters};
use crate::{Error, ErrorKind, Request, Result, RetryPolicy};

/// The default limit on a response body (64 MiB).
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

/// How requests reach the connector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Through a Logic Apps connection runtime URL (the API Hub).
    RuntimeUrl,
    /// Straight to the connector's own host.
    Direct,
}

/// A configured connection to one connector: target URL, credentials, retry policy, timeouts.
///
/// ```no_run
/// use connector_runtime::{Connection, RetryPolicy};
///
/// # fn main() -> connector_runtime::Result<()> {
/// // A managed connector (Office 365, Teams, ...) through its connection runtime URL:
/// let conn = Connection::runtime_url(
///     "https://abc.12.common.logic-westeurope.azure-apihub.net/apim/office365/4f1c0ffee",
/// )?
/// .with_bearer_token("eyJ0eXAi...");
///
/// // A custom connector at its own host, with the API key its spec declares:
/// let custom = Connection::direct("https://api.example.com/v1")?
///     .with_api_key("my-key")
///     .with_retry(RetryPolicy::default().max_retries(2));
/// # let _ = (conn, custom);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Connection {
    inner: Arc<Config>,
}

#[derive(Clone)]
struct Config {
    mode: Mode,
    base: Url,
    auth: Auth,
    scopes: Option<Vec<String>>,
    retry: RetryPolicy,
    http: reqwest::Client,
    attempt_timeout: Duration,
    deadline: Option<Duration>,
    max_response_bytes: usize,
    counters: Arc<Counters>,
    pacer: Option<Arc<Pacer>>,
}

#[derive(Clone, Debug)]
pub(crate) enum Auth {
    None,
    Bearer(Arc<TokenCache>),
    ApiKey(ApiKey),
    Basic(Basic),
}

impl Connection {
    /// A connection through a Logic Apps connection runtime URL, e.g.
    /// `https://{instance}.{region}.common.logic-{env}.azure-apihub.net/apim/{connector}/{connection-id}`.
    ///
    /// The URL must be absolute `https` (plain `http` is accepted only for loopback hosts, for tests) and carry
    /// no query or fragment. Add a credential with [`with_credential`](Self::with_credential) or
    /// [`with_bearer_token`](Self::with_bearer_token); tokens are requested for `https://apihub.azure.com/.default`.
    pub fn runtime_url(url: impl AsRef<str>) -> Result<Connection> {
        let base = parse_base(url.as_ref(), "connection runtime URL")?;
        if base.scheme() != "https" && !is_loopback(&base) {
            return Err(Error::config(format!(
                "connection runtime URL `{}` must use https (plain http is only accepted for loopback tests)",
                base
            )));
        }
        Connection::new(Mode::RuntimeUrl, base)
    }

    /// A connection straight to a connector's own host. `base_url` replaces the spec's `scheme://host/basePath`,
    /// e.g. `https://graph.microsoft.com/v1.0`.
    pub fn direct(base_url: impl AsRef<str>) -> Result<Connection> {
        let base = parse_base(base_url.as_ref(), "base URL")?;
        if base.scheme() != "https" && !is_loopback(&base) {
            tracing::warn!(base_url = %base, "direct connection over plain http: credentials travel unencrypted");
        }
        Connection::new(Mode::Direct, base)
    }

    /// A connection through the runtime URL in the environment variable `{prefix}__connectionRuntimeUrl` (the
    /// Azure Functions / Logic Apps Standard app-setting convention), e.g. `from_env("OFFICE365")`.
    pub fn from_env(prefix: &str) -> Result<Connection> {
        let name = format!("{prefix}__connectionRuntimeUrl");
        match std::env::var(&name) {
            Ok(url) if !url.trim().is_empty() => Connection::runtime_url(url.trim()),
            Ok(_) => Err(Error::config(format!("environment variable {name} is empty"))),
            Err(std::env::VarError::NotPresent) => Err(Error::config(format!(
                "environment variable {name} is not set; set it to the connection's runtime URL \
                 (`az resource show --ids <connection id> --query properties.connectionRuntimeUrl`)"
            ))),
            Err(std::env::VarError::NotUnicode(_)) => {
                Err(Error::config(format!("environment variable {name} is not valid UTF-8")))
            }
        }
    }

    fn new(mode: Mode, base: Url) -> Result<Connection> {
        let http = reqwest::Client::builder()
            .build()
            .map_err(|e| Error::config("could not build the HTTP client").with_source(e))?;
        Ok(Connection {
            inner: Arc::new(Config {
                mode,
                base,
                auth: Auth::None,
                scopes: None,
                retry: RetryPolicy::default(),
                http,
                attempt_timeout: Duration::from_secs(100),
                deadline: None,
                max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
                counters: Arc::new(Counters::default()),
                pacer: None,
            }),
        })
    }

    fn update(mut self, f: impl FnOnce(&mut Config)) -> Self {
        f(Arc::make_mut(&mut self.inner));
        self
    }

    /// Authenticates with bearer tokens from `credential`, cached and refreshed ahead of expiry.
    pub fn with_credential(self, credential: impl Credential) -> Self {
        self.with_token_cache(TokenCache::new(credential))
    }

    /// Authenticates with bearer tokens from an existing cache (to share one cache between connections, or to
    /// tune its refresh margin).
    pub fn with_token_cache(self, cache: TokenCache) -> Self {
        self.update(|c| c.auth = Auth::Bearer(Arc::new(cache)))
    }

    /// Authenticates with a fixed bearer token (it is never refreshed).
    pub fn with_bearer_token(self, token: impl Into<Secret>) -> Self {
        self.with_credential(StaticToken::new(token))
    }

    /// Authenticates with an API key, placed where the connector's spec says unless the key names its place
    /// ([`ApiKey::header`], [`ApiKey::query`]).
    pub fn with_api_key(self, key: impl Into<ApiKey>) -> Self {
        let key = key.into();
        self.update(|c| c.auth = Auth::ApiKey(key))
    }

    /// Authenticates with HTTP basic auth.
    pub fn with_basic(self, user: impl Into<String>, password: impl Into<Secret>) -> Self {
        let basic = Basic::new(user, password);
        self.update(|c| c.auth = Auth::Basic(basic))
    }

    /// Sets the retry policy for every call (a call may override it).
    pub fn with_retry(self, policy: RetryPolicy) -> Self {
        self.update(|c| c.retry = policy)
    }

    /// Sets the OAuth2 scopes bearer tokens are requested for, overriding the default (the API Hub scope for
    /// runtime URLs, the spec's scopes for direct connections).
    pub fn with_scopes<S: Into<String>>(self, scopes: impl IntoIterator<Item = S>) -> Self {
        let scopes = scopes.into_iter().map(Into::into).collect();
        self.update(|c| c.scopes = Some(scopes))
    }

    /// Sets the time limit of one attempt, from sending the request to reading the whole body (default 100 s).
    pub fn with_timeout(self, per_attempt: Duration) -> Self {
        self.update(|c| c.attempt_timeout = per_attempt)
    }

    /// Sets a limit on a whole call, retries and waits included (default: none beyond the retry budget).
    pub fn with_deadline(self, overall: Duration) -> Self {
        self.update(|c| c.deadline = Some(overall))
    }

    /// Sets the largest response body accepted (default [`DEFAULT_MAX_RESPONSE_BYTES`]).
    pub fn with_max_response_bytes(self, limit: usize) -> Self {
        self.update(|c| c.max_response_bytes = limit)
    }

    /// Spaces requests at least `min_interval` apart (retries included), across every clone of this connection.
    ///
    /// For bulk jobs that should stay under a service's rate limits rather than lean on 429 and `Retry-After`:
    /// Microsoft Graph, for example, allows a few requests per second per app and tenant on some endpoints.
    /// A zero interval turns pacing off.
    pub fn with_pacing(self, min_interval: Duration) -> Self {
        let pacer = (!min_interval.is_zero()).then(|| Arc::new(Pacer::new(min_interval)));
        self.update(|c| c.pacer = pacer)
    }

    /// Uses a caller-built `reqwest::Client` (proxies, custom TLS roots, connection pool settings).
    pub fn with_http_client(self, client: reqwest::Client) -> Self {
        self.update(|c| c.http = client)
    }

    /// How this connection reaches its connector.
    pub fn mode(&self) -> Mode {
        self.inner.mode
    }

    /// The runtime URL or direct base URL.
    pub fn base_url(&self) -> &Url {
        &self.inner.base
    }

    /// What this connection (and every clone of it) has sent so far: requests, retries, throttled waits.
    pub fn stats(&self) -> CallStats {
        self.inner.counters.snapshot()
    }

    pub(crate) fn counters(&self) -> &Counters {
        &self.inner.counters
    }

    /// Starts a request for `operation`.
    pub fn request(&self, operation: &'static Operation) -> Request {
        Request::new(self.clone(), operation)
    }

    /// Waits for this request's turn when the connection is paced; fails with a timeout, without taking a turn,
    /// when the turn comes later than `latest` allows.
    pub(crate) async fn wait_turn(&self, latest: Option<Duration>) -> Result<()> {
        let Some(pacer) = &self.inner.pacer else { return Ok(()) };
        match pacer.wait_turn(latest).await {
            Ok(true) => {
                self.inner.counters.paced_wait();
                Ok(())
            }
            Ok(false) => Ok(()),
            Err(wait) => Err(Error::new(
                ErrorKind::Timeout,
                format!("the call's deadline comes before its paced turn ({} ms away)", wait.as_millis()),
            )),
        }
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    pub(crate) fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    pub(crate) fn attempt_timeout(&self) -> Duration {
        self.inner.attempt_timeout
    }

    pub(crate) fn deadline(&self) -> Option<Duration> {
        self.inner.deadline
    }

    pub(crate) fn max_response_bytes(&self) -> usize {
        self.inner.max_response_bytes
    }

    /// The URL for a spec path (already filled and encoded): base URL + path, with a leading `/{connectionId}`
    /// segment dropped for runtime URLs.
    pub(crate) fn url_for_path(&self, path: &str) -> String {
        let path = match self.inner.mode {
            Mode::RuntimeUrl => path.strip_prefix("/{connectionId}").unwrap_or(path),
            Mode::Direct => path,
        };
        let base = self.inner.base.as_str().trim_end_matches('/');
        if path.is_empty() || path.starts_with('/') { format!("{base}{path}") } else { format!("{base}/{path}") }
    }

    /// Resolves a link the service handed back (a next-page link or a polling `Location`), relative to the URL
    /// of the request that returned it.
    ///
    /// Same origin as the connection: followed as is. Same host over another scheme or port: refused, so
    /// credentials never go over a weaker channel. Another host: through a runtime URL its path and query are
    /// re-routed through the runtime URL (as the API Hub expects); on a direct connection it is refused, so our
    /// credentials never reach a stranger.
    pub fn resolve_link(&self, link: &str, current: &Url) -> Result<Url> {
        let url = current.join(link.trim()).map_err(|e| {
            // The link may carry tokens in its query; show only what comes before it.
            let shown = link.split(['?', '#']).next().unwrap_or_default();
            Error::new(ErrorKind::ForeignLink, format!("service returned an unusable link `{shown}`")).with_source(e)
        })?;
        let base = &self.inner.base;
        if url.scheme() == base.scheme()
            && url.host_str() == base.host_str()
            && url.port_or_known_default() == base.port_or_known_default()
        {
            return Ok(url);
        }
        if url.host_str() == base.host_str() {
            return Err(Error::new(
                ErrorKind::ForeignLink,
                format!("link `{}` changes scheme or port from the connection's `{}`", redact(&url), base),
            ));
        }
        match self.inner.mode {
            Mode::RuntimeUrl => {
                let mut rerouted = self.url_for_path(url.path());
                if let Some(query) = url.query() {
                    rerouted.push('?');
                    rerouted.push_str(query);
                }
                Url::parse(&rerouted).map_err(|e| {
                    Error::new(ErrorKind::ForeignLink, format!("could not re-route link `{}`", redact(&url)))
                        .with_source(e)
                })
            }
            Mode::Direct => Err(Error::new(
                ErrorKind::ForeignLink,
                format!(
                    "link points at host `{}`, not the connection's `{}`; not following it with our credentials",
                    url.host_str().unwrap_or_default(),
                    base.host_str().unwrap_or_default()
                ),
            )),
        }
    }

    /// Whether `url` is on the connection's own origin (the only place credentials may go).
    pub(crate) fn is_own_origin(&self, url: &Url) -> bool {
        let base = &self.inner.base;
        url.scheme() == base.scheme()
            && url.host_str() == base.host_str()
            && url.port_or_known_default() == base.port_or_known_default()
    }

    /// Adds this connection's credentials to a request for `operation`.
    pub(crate) async fn authenticate(
        &self,
        operation: &Operation,
        url: &mut Url,
        headers: &mut HeaderMap,
    ) -> Result<()> {
        match &self.inner.auth {
            Auth::None => Ok(()),
            Auth::Bearer(cache) => {
                let scopes = self.scopes_for(operation);
                headers.insert(AUTHORIZATION, cache.bearer_header(&scopes).await?);
                Ok(())
            }
            Auth::Basic(basic) => {
                headers.insert(AUTHORIZATION, sensitive(basic.header_value().expose())?);
                Ok(())
            }
            Auth::ApiKey(key) => {
                let location = match (key.location(), operation.connector.api_key) {
                    (Some(explicit), _) => explicit.clone(),
                    (None, Some(ApiKeyIn::Header(name))) => ApiKeyLocation::Header(name.to_owned()),
                    (None, Some(ApiKeyIn::Query(name))) => ApiKeyLocation::Query(name.to_owned()),
                    (None, None) => {
                        return Err(Error::config(format!(
                            "connector `{}` declares no apiKey scheme, so the key's place is unknown; \
                             use ApiKey::header(name, key) or ApiKey::query(name, key)",
                            operation.connector.name
                        )));
                    }
                };
                match location {
                    ApiKeyLocation::Header(name) => {
                        let name = reqwest::header::HeaderName::from_bytes(name.as_bytes()).map_err(|e| {
                            Error::config(format!("invalid API key header name `{name}`")).with_source(e)
                        })?;
                        headers.insert(name, sensitive(key.value().expose())?);
                    }
                    ApiKeyLocation::Query(name) => {
                        url.query_pairs_mut().append_pair(&name, key.value().expose());
                    }
                }
                Ok(())
            }
        }
    }

    fn scopes_for<'a>(&'a self, operation: &'a Operation) -> Vec<&'a str> {
        if let Some(scopes) = &self.inner.scopes {
            return scopes.iter().map(String::as_str).collect();
        }
        match self.inner.mode {
            Mode::RuntimeUrl => vec![crate::auth::API_HUB_SCOPE],
            // No scope known: a fixed bearer token needs none; a credential that does says so itself.
            Mode::Direct => operation.connector.scopes.to_vec(),
        }
    }
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &*self.inner;
        f.debug_struct("Connection")
            .field("mode", &c.mode)
            .field("base", &c.base.as_str())
            .field("auth", &c.auth)
            .field("scopes", &c.scopes)
            .field("retry", &c.retry)
            .field("attempt_timeout", &c.attempt_timeout)
            .field("deadline", &c.deadline)
            .field("pacing", &c.pacer.as_ref().map(|p| p.interval()))
            .finish_non_exhaustive()
    }
}

fn parse_base(raw: &str, what: &str) -> Result<Url> {
    let url = Url::parse(raw.trim())
        .map_err(|e| Error::config(format!("{what} `{raw}` is not a valid absolute URL: {e}")).with_source(e))?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err(Error::config(format!("{what} `{raw}` must be an http(s) URL")));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::config(format!("{what} `{raw}` has no host")));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::config(format!("{what} `{raw}` must not carry a query or fragment")));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::config(format!("{what} must not embed credentials; use with_basic or with_credential")));
    }
    Ok(url)
}

pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

fn sensitive(value: &str) -> Result<HeaderValue> {
    let mut value = HeaderValue::from_str(value)
        .map_err(|_| Error::config("credential contains characters not allowed in an HTTP header"))?;
    value.set_sensitive(true);
    Ok(value)
}

/// A URL for messages: scheme, host, port and path, never the query (which may hold keys or data).
pub(crate) fn redact(url: &Url) -> String {
    let mut shown = url.clone();
    shown.set_query(None);
    shown.set_fragment(None);
    let _ = shown.set_password(None);
    let _ = shown.set_username("");
    shown.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_urls_fail_at_construction() {
        for bad in ["not a url", "ftp://x/y", "https://", "https://h/p?x=1", "http://example.com/apim/x/y"] {
            assert!(Connection::runtime_url(bad).is_err(), "{bad} accepted");
        }
        assert!(Connection::runtime_url("https://h.azure-apihub.net/apim/teams/abc").is_ok());
        assert!(Connection::runtime_url("http://127.0.0.1:8080/apim/teams/abc").is_ok());
    }

    #[test]
    fn runtime_url_strips_connection_id_segment() -> Result<()> {
        let conn = Connection::runtime_url("https://h.azure-apihub.net/apim/office365/abc/")?;
        assert_eq!(
            conn.url_for_path("/{connectionId}/v2/Mail"),
            "https://h.azure-apihub.net/apim/office365/abc/v2/Mail"
        );
        let direct = Connection::direct("https://api.example.com/v1")?;
        assert_eq!(direct.url_for_path("/items"), "https://api.example.com/v1/items");
        Ok(())
    }

    #[test]
    fn from_env_names_the_missing_variable() {
        let err = Connection::from_env("NO_SUCH_PREFIX_FOR_TEST").err().map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("NO_SUCH_PREFIX_FOR_TEST__connectionRuntimeUrl")));
    }

    #[test]
    fn links_to_other_hosts_are_rerouted_or_refused() -> Result<()> {
        let current = Url::parse("https://h.azure-apihub.net/apim/arm/abc/things")
            .map_err(|e| Error::config("bad").with_source(e))?;
        let hub = Connection::runtime_url("https://h.azure-apihub.net/apim/arm/abc")?;
        let link = "https://management.azure.com/things?$skiptoken=xyz";
        assert_eq!(
            hub.resolve_link(link, &current)?.as_str(),
            "https://h.azure-apihub.net/apim/arm/abc/things?$skiptoken=xyz"
        );
        let direct = Connection::direct("https://h.azure-apihub.net/apim/arm/abc")?;
        assert_eq!(direct.resolve_link(link, &current).err().map(|e| e.kind()), Some(ErrorKind::ForeignLink));
        let downgrade = "http://h.azure-apihub.net/apim/arm/abc/things?page=2";
        assert_eq!(hub.resolve_link(downgrade, &current).err().map(|e| e.kind()), Some(ErrorKind::ForeignLink));
        Ok(())
    }
}
