//! Static descriptions of a connector and its operations, as generated crates declare them.
//!
//! Generated code is data plus a few calls: each operation is a `static` [`Operation`] (method, path template,
//! operation id), pointing at the connector's one [`ConnectorInfo`] (name, default OAuth scopes, where the spec puts
//! its API key). Everything that acts on these descriptions lives in the runtime.

use reqwest::Method;

/// Facts about a connector that every call of its operations needs.
#[derive(Debug)]
pub struct ConnectorInfo {
    /// The connector's name, e.g. `office365` (used in errors and traces).
    pub name: &'static str,
    /// Where the spec's `apiKey` security scheme puts the key, if it has one.
    pub api_key: Option<ApiKeyIn>,
    /// The OAuth2 scopes a bearer token needs when the connector is called directly at its own host (calls
    /// through a connection runtime URL always use the API Hub scope).
    pub scopes: &'static [&'static str],
}

/// Where a spec's `apiKey` security scheme puts the key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiKeyIn {
    /// A header of this name.
    Header(&'static str),
    /// A query parameter of this name.
    Query(&'static str),
}

/// One operation of a connector, as a static description.
#[derive(Debug)]
pub struct Operation {
    /// The connector this operation belongs to.
    pub connector: &'static ConnectorInfo,
    /// The wire `operationId`, e.g. `SendEmailV2`.
    pub id: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path template from the spec, e.g. `/{connectionId}/v2/Mail` (no `basePath`); `{name}` placeholders are
    /// filled by [`Request::path_param`](crate::Request::path_param).
    pub path: &'static str,
    /// `x-ms-safe-operation`: a POST or PATCH that may be retried like a GET.
    pub safe: bool,
}

impl Operation {
    /// A descriptor (what generated code declares in one line per operation).
    pub const fn new(connector: &'static ConnectorInfo, id: &'static str, method: Method, path: &'static str) -> Self {
        Operation { connector, id, method, path, safe: false }
    }

    /// Marks the operation `x-ms-safe-operation`: retried like a GET even if it is a POST or PATCH.
    pub const fn safe(mut self) -> Self {
        self.safe = true;
        self
    }
}
