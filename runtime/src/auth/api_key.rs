//! Request auth modes that need no token: an API key (header or query) and HTTP basic auth.

use std::fmt;

use base64::Engine as _;

use crate::secret::Secret;

/// Where an API key goes on each request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiKeyLocation {
    /// In a header of this name.
    Header(String),
    /// In a query parameter of this name.
    Query(String),
}

/// An API key for connectors whose spec declares an `apiKey` security scheme.
///
/// [`ApiKey::new`] leaves the placement to the connector's spec (the generated crate knows the header or query
/// name); [`ApiKey::header`] and [`ApiKey::query`] place it explicitly, which wins over the spec.
#[derive(Clone)]
pub struct ApiKey {
    value: Secret,
    location: Option<ApiKeyLocation>,
}

impl ApiKey {
    /// A key placed where the connector's spec says.
    pub fn new(value: impl Into<Secret>) -> Self {
        ApiKey { value: value.into(), location: None }
    }

    /// A key sent in the header `name`.
    pub fn header(name: impl Into<String>, value: impl Into<Secret>) -> Self {
        ApiKey { value: value.into(), location: Some(ApiKeyLocation::Header(name.into())) }
    }

    /// A key sent as the query parameter `name`.
    pub fn query(name: impl Into<String>, value: impl Into<Secret>) -> Self {
        ApiKey { value: value.into(), location: Some(ApiKeyLocation::Query(name.into())) }
    }

    /// The explicit placement, if one was given.
    pub fn location(&self) -> Option<&ApiKeyLocation> {
        self.location.as_ref()
    }

    /// The key itself.
    pub fn value(&self) -> &Secret {
        &self.value
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKey").field("location", &self.location).field("value", &self.value).finish()
    }
}

impl From<&str> for ApiKey {
    fn from(value: &str) -> Self {
        ApiKey::new(value)
    }
}

impl From<String> for ApiKey {
    fn from(value: String) -> Self {
        ApiKey::new(value)
    }
}

impl From<Secret> for ApiKey {
    fn from(value: Secret) -> Self {
        ApiKey::new(value)
    }
}

/// HTTP basic auth: a user name and a password.
#[derive(Clone)]
pub struct Basic {
    user: String,
    password: Secret,
}

impl Basic {
    /// Basic auth for `user` with `password`.
    pub fn new(user: impl Into<String>, password: impl Into<Secret>) -> Self {
        Basic { user: user.into(), password: password.into() }
    }

    /// The user name.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The `Authorization` header value: `Basic base64(user:password)`.
    pub(crate) fn header_value(&self) -> Secret {
        let raw = format!("{}:{}", self.user, self.password.expose());
        Secret::new(format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(raw)))
    }
}

impl fmt::Debug for Basic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Basic").field("user", &self.user).field("password", &self.password).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_header_is_rfc7617() {
        let basic = Basic::new("Aladdin", "open sesame");
        assert_eq!(basic.header_value().expose(), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    }

    #[test]
    fn debug_hides_key_and_password() {
        let printed = format!("{:?} {:?}", ApiKey::header("X-Key", "k-123"), Basic::new("u", "p-456"));
        assert!(!printed.contains("k-123") && !printed.contains("p-456"), "{printed}");
    }
}
