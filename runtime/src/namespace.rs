//! Registering triggers with a Connector Namespace (**preview**).
//!
//! A Connector Namespace (`Microsoft.Web/connectorGateways`) runs trigger plumbing in Azure: it polls or
//! subscribes on your behalf and calls your endpoint with each event. Its `triggerConfigs` say which trigger of
//! which connection calls which URL. This module is a typed client for creating or replacing and deleting them
//! through Azure Resource Manager.
//!
//! Preview: api-version `2026-05-01-preview`; the API may change.
//!
//! ```no_run
//! use connector_runtime::auth::ManagedIdentityCredential;
//! use connector_runtime::namespace::{ConnectorNamespace, TriggerConfig};
//!
//! # async fn run() -> connector_runtime::Result<()> {
//! let credential = ManagedIdentityCredential::system_assigned();
//! let namespace = ConnectorNamespace::new("sub-id", "my-rg", "my-namespace", credential)?;
//! let config = TriggerConfig::new(
//!     "OnNewFileV2",
//!     "onedriveforbusiness",
//!     "onedrive-test",
//!     "https://my-app.example/hooks/files?code=secret",
//! )
//! .parameter("folderId", "01ABCDEF");
//! let created = namespace.create_or_replace_trigger_config("new-files", &config).await?;
//! println!("{:?}", created.id);
//! namespace.delete_trigger_config("new-files").await?;
//! # Ok(()) }
//! ```
//!
//! The callback URL usually carries a secret in its query (`code=`, `sig=`): `Debug` output of every type here
//! shows it without the query, and the runtime's traces never record bodies.

use std::fmt;

use reqwest::Method;
use serde::{Deserialize, Serialize, Serializer};
use url::Url;

use crate::auth::Credential;
use crate::connection::redact;
use crate::{Connection, ConnectorInfo, Error, Mode, Operation, Request, Result, UrlEncoding};

/// The api-version of the `triggerConfigs` API (preview; the API may change).
pub const API_VERSION: &str = "2026-05-01-preview";

/// The token scope for the public Azure Resource Manager endpoint.
pub const MANAGEMENT_SCOPE: &str = "https://management.azure.com/.default";

/// The public Azure Resource Manager endpoint.
pub const MANAGEMENT_ENDPOINT: &str = "https://management.azure.com";

/// A JSON object, for fields this client does not know (kept so nothing ARM returns is lost).
pub type JsonMap = serde_json::Map<String, serde_json::Value>;

// Direct connections ask bearer credentials for the operation's connector scopes, so these operations get the
// management scope without the caller configuring it; a connection's own `with_scopes` still wins.
static ARM: ConnectorInfo = ConnectorInfo { name: "connector-namespace", api_key: None, scopes: &[MANAGEMENT_SCOPE] };

const PATH: &str = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Web/connectorGateways/{namespace}/triggerConfigs/{name}";

static PUT_TRIGGER_CONFIG: Operation = Operation::new(&ARM, "TriggerConfigs_CreateOrReplace", Method::PUT, PATH);
static DELETE_TRIGGER_CONFIG: Operation = Operation::new(&ARM, "TriggerConfigs_Delete", Method::DELETE, PATH);

/// 404 codes that mean the address is wrong (no such subscription, resource group or namespace) rather than that
/// the trigger config is gone; a delete must not report success for a typo while the real config keeps firing.
const PARENT_MISSING_CODES: &[&str] = &["SubscriptionNotFound", "ResourceGroupNotFound", "ParentResourceNotFound"];

/// What a trigger config says (preview): which trigger of which connection calls which URL, with which inputs.
///
/// Serializes to the ARM request body:
///
/// ```json
/// { "properties": {
///     "operationName": "OnNewFileV2",
///     "connectionDetails": { "connectorName": "onedriveforbusiness", "connectionName": "onedrive-test" },
///     "notificationDetails": { "callbackUrl": "https://...", "httpMethod": "Post" },
///     "parameters": [ { "name": "folderId", "value": "<id>" } ] } }
/// ```
///
/// `Debug` shows the callback URL without its query, which usually holds a secret.
#[derive(Clone, PartialEq, Eq)]
pub struct TriggerConfig {
    /// The trigger's operation id, e.g. `OnNewFileV2`.
    pub operation_name: String,
    /// The connector, e.g. `onedriveforbusiness`.
    pub connector_name: String,
    /// The connection in the namespace, e.g. `onedrive-test`.
    pub connection_name: String,
    /// Where each event is sent (it usually carries a secret in its query).
    pub callback_url: String,
    /// The method used for the callback (default `Post`).
    pub http_method: String,
    /// The trigger's inputs, as name and string value, in order.
    pub parameters: Vec<(String, String)>,
}

impl TriggerConfig {
    /// A config for trigger `operation_name` of `connector_name`'s connection `connection_name`, calling
    /// `callback_url` with `Post` and no inputs.
    pub fn new(
        operation_name: impl Into<String>,
        connector_name: impl Into<String>,
        connection_name: impl Into<String>,
        callback_url: impl Into<String>,
    ) -> Self {
        TriggerConfig {
            operation_name: operation_name.into(),
            connector_name: connector_name.into(),
            connection_name: connection_name.into(),
            callback_url: callback_url.into(),
            http_method: "Post".to_owned(),
            parameters: Vec::new(),
        }
    }

    /// Sets the method of the callback (as the API spells it, e.g. `Post`).
    pub fn http_method(mut self, method: impl Into<String>) -> Self {
        self.http_method = method.into();
        self
    }

    /// Adds a trigger input (the API takes every value as a string: `"false"`, `"10"`).
    pub fn parameter(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parameters.push((name.into(), value.into()));
        self
    }

    /// Checks what ARM would otherwise reject with a less clear message. The callback URL is never echoed.
    fn validate(&self) -> Result<()> {
        for (what, value) in [
            ("operation name", &self.operation_name),
            ("connector name", &self.connector_name),
            ("connection name", &self.connection_name),
            ("callback HTTP method", &self.http_method),
        ] {
            non_empty("trigger config's", what, value)?;
        }
        match Url::parse(self.callback_url.trim()) {
            Ok(url) if matches!(url.scheme(), "https" | "http") && url.has_host() => Ok(()),
            _ => Err(Error::config("the trigger config's callback URL is not an absolute http(s) URL")),
        }
    }

    fn wire(&self) -> WireConfig<'_> {
        WireConfig {
            properties: WireProperties {
                operation_name: &self.operation_name,
                connection_details: WireConnection {
                    connector_name: &self.connector_name,
                    connection_name: &self.connection_name,
                },
                notification_details: WireNotification {
                    callback_url: &self.callback_url,
                    http_method: &self.http_method,
                },
                parameters: self.parameters.iter().map(|(name, value)| WireParameter { name, value }).collect(),
            },
        }
    }
}

impl Serialize for TriggerConfig {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        self.wire().serialize(serializer)
    }
}

impl fmt::Debug for TriggerConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TriggerConfig")
            .field("operation_name", &self.operation_name)
            .field("connector_name", &self.connector_name)
            .field("connection_name", &self.connection_name)
            .field("callback_url", &redact_callback(&self.callback_url))
            .field("http_method", &self.http_method)
            .field("parameters", &self.parameters)
            .finish()
    }
}

// Borrowing twins of the wire shape: the flat `TriggerConfig` is what users write, this is what ARM reads.
#[derive(Serialize)]
struct WireConfig<'a> {
    properties: WireProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WireProperties<'a> {
    operation_name: &'a str,
    connection_details: WireConnection<'a>,
    notification_details: WireNotification<'a>,
    parameters: Vec<WireParameter<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WireConnection<'a> {
    connector_name: &'a str,
    connection_name: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WireNotification<'a> {
    callback_url: &'a str,
    http_method: &'a str,
}

#[derive(Serialize)]
struct WireParameter<'a> {
    name: &'a str,
    value: &'a str,
}

/// A trigger config as Azure Resource Manager returns it (preview).
///
/// Every field is optional and unknown fields are kept, so a preview API that adds or drops fields still decodes.
/// When ARM answers without a body (e.g. `202 Accepted` while provisioning), every field is empty.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TriggerConfigResource {
    /// The ARM resource id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The config's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The resource type, e.g. `Microsoft.Web/connectorGateways/triggerConfigs`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    /// The config's properties.
    #[serde(default)]
    pub properties: TriggerConfigProperties,
    /// Any other top-level field ARM returned (`systemData`, ...).
    #[serde(flatten)]
    pub additional: JsonMap,
}

/// The `properties` of a returned trigger config (preview).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TriggerConfigProperties {
    /// The trigger's operation id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_name: Option<String>,
    /// Which connection the trigger runs on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_details: Option<ConnectionDetails>,
    /// Where events are sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification_details: Option<NotificationDetails>,
    /// The trigger's inputs.
    #[serde(default)]
    pub parameters: Vec<TriggerParameter>,
    /// Any other property ARM returned (e.g. `provisioningState`).
    #[serde(flatten)]
    pub additional: JsonMap,
}

/// The connection a returned trigger config runs on (preview).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionDetails {
    /// The connector, e.g. `onedriveforbusiness`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector_name: Option<String>,
    /// The connection in the namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_name: Option<String>,
    /// Any other field ARM returned.
    #[serde(flatten)]
    pub additional: JsonMap,
}

/// Where a returned trigger config sends events (preview). `Debug` shows the callback URL without its query.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NotificationDetails {
    /// The callback URL, if ARM returns it (its query usually holds a secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
    /// The callback's method, e.g. `Post`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_method: Option<String>,
    /// Any other field ARM returned.
    #[serde(flatten)]
    pub additional: JsonMap,
}

impl fmt::Debug for NotificationDetails {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NotificationDetails")
            .field("callback_url", &self.callback_url.as_deref().map(redact_callback))
            .field("http_method", &self.http_method)
            .field("additional", &self.additional)
            .finish()
    }
}

/// One input of a returned trigger config (preview).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TriggerParameter {
    /// The input's name.
    #[serde(default)]
    pub name: String,
    /// The value as returned: a string for configs written by [`TriggerConfig`], kept as JSON so a preview API
    /// that answers with another type still decodes.
    #[serde(default)]
    pub value: serde_json::Value,
}

/// A client for one Connector Namespace's trigger configs through Azure Resource Manager (preview).
///
/// Cheap to clone: clones share the connection's HTTP pool and token cache.
#[derive(Clone, Debug)]
pub struct ConnectorNamespace {
    connection: Connection,
    subscription_id: String,
    resource_group: String,
    namespace: String,
}

impl ConnectorNamespace {
    /// A client for namespace `namespace` in `resource_group` of `subscription_id`, through the public Azure
    /// Resource Manager endpoint, with tokens from `credential` for [`MANAGEMENT_SCOPE`].
    ///
    /// The ids are checked when a call is made: an empty one fails that call with [`ErrorKind::Config`].
    ///
    /// [`ErrorKind::Config`]: crate::ErrorKind::Config
    pub fn new(
        subscription_id: &str,
        resource_group: &str,
        namespace: &str,
        credential: impl Credential,
    ) -> Result<Self> {
        let connection = Connection::direct(MANAGEMENT_ENDPOINT)?.with_credential(credential);
        Self::from_connection(connection, subscription_id, resource_group, namespace)
    }

    /// A client on an existing direct connection to a Resource Manager endpoint: a sovereign cloud, a proxy, a
    /// custom retry policy, or a fake on loopback in tests.
    ///
    /// Bearer credentials on the connection are asked for [`MANAGEMENT_SCOPE`] unless the connection names its
    /// own scopes, as a sovereign cloud needs:
    ///
    /// ```no_run
    /// use connector_runtime::Connection;
    /// use connector_runtime::auth::ManagedIdentityCredential;
    /// use connector_runtime::namespace::ConnectorNamespace;
    ///
    /// # fn main() -> connector_runtime::Result<()> {
    /// let arm = Connection::direct("https://management.usgovcloudapi.net")?
    ///     .with_credential(ManagedIdentityCredential::system_assigned())
    ///     .with_scopes(["https://management.core.usgovcloudapi.net/.default"]);
    /// let namespace = ConnectorNamespace::from_connection(arm, "sub-id", "my-rg", "my-namespace")?;
    /// # let _ = namespace; Ok(()) }
    /// ```
    ///
    /// Fails with [`ErrorKind::Config`](crate::ErrorKind::Config) for a connection through a connection runtime
    /// URL: Resource Manager is not behind the API Hub, and such a connection would send API Hub tokens.
    pub fn from_connection(
        connection: Connection,
        subscription_id: &str,
        resource_group: &str,
        namespace: &str,
    ) -> Result<Self> {
        if connection.mode() != Mode::Direct {
            return Err(Error::config(
                "a Connector Namespace client needs a direct connection to Resource Manager \
                 (Connection::direct), not a connection runtime URL",
            ));
        }
        Ok(ConnectorNamespace {
            connection,
            subscription_id: subscription_id.to_owned(),
            resource_group: resource_group.to_owned(),
            namespace: namespace.to_owned(),
        })
    }

    /// The connection requests go through.
    pub fn connection(&self) -> &Connection {
        &self.connection
    }

    /// Creates or replaces the trigger config `name` (`PUT`) and returns it as ARM answered.
    ///
    /// Fails with [`ErrorKind::Config`](crate::ErrorKind::Config), before sending anything, when `name`, an id of
    /// the namespace, or a required field of `config` is empty, or the callback URL is not an absolute URL. An ARM
    /// error (`{"error": {"code", "message"}}`) is an [`ErrorKind::Status`](crate::ErrorKind::Status) error whose
    /// [`service_code`](Error::service_code) and [`service_message`](Error::service_message) carry it.
    pub async fn create_or_replace_trigger_config(
        &self,
        name: &str,
        config: &TriggerConfig,
    ) -> Result<TriggerConfigResource> {
        config.validate().map_err(|e| e.with_operation(ARM.name, PUT_TRIGGER_CONFIG.id))?;
        let request = self.request(&PUT_TRIGGER_CONFIG, name)?.json(config);
        // An empty body (202 Accepted) decodes as `None`: the PUT succeeded, so it must not become an error.
        let resource = request.send_json::<Option<TriggerConfigResource>>().await?.into_body();
        Ok(resource.unwrap_or_default())
    }

    /// Deletes the trigger config `name` (`DELETE`).
    ///
    /// Returns `true` when ARM deleted it (200, 202 or 204) and `false` when it did not exist (404), so deleting
    /// twice is not an error. A 404 saying the subscription, resource group or namespace does not exist
    /// (`SubscriptionNotFound`, `ResourceGroupNotFound`, `ParentResourceNotFound`) is still an error: it points
    /// at a wrong address, and the config meant may still exist elsewhere and keep calling back.
    pub async fn delete_trigger_config(&self, name: &str) -> Result<bool> {
        match self.request(&DELETE_TRIGGER_CONFIG, name)?.send().await {
            Ok(_) => Ok(true),
            Err(err)
                if err.status().is_some_and(|s| s.as_u16() == 404)
                    && !err.service_code().is_some_and(|code| PARENT_MISSING_CODES.contains(&code)) =>
            {
                Ok(false)
            }
            Err(err) => Err(err),
        }
    }

    /// Starts a request for `operation` on config `name`, after checking no id is empty (the runtime
    /// percent-encodes them, but an empty segment would address another resource or none).
    fn request(&self, operation: &'static Operation, name: &str) -> Result<Request> {
        for (what, value) in [
            ("subscription id", self.subscription_id.as_str()),
            ("resource group", self.resource_group.as_str()),
            ("namespace", self.namespace.as_str()),
            ("trigger config name", name),
        ] {
            non_empty("Connector Namespace", what, value)
                .map_err(|e| e.with_operation(operation.connector.name, operation.id))?;
        }
        Ok(self
            .connection
            .request(operation)
            .path_param("subscriptionId", &self.subscription_id, UrlEncoding::Single)
            .path_param("resourceGroup", &self.resource_group, UrlEncoding::Single)
            .path_param("namespace", &self.namespace, UrlEncoding::Single)
            .path_param("name", name, UrlEncoding::Single)
            .query("api-version", API_VERSION))
    }
}

fn non_empty(owner: &str, what: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::config(format!("the {owner} {what} is empty")));
    }
    Ok(())
}

/// A callback URL for `Debug`: without its query, fragment or user info, which may hold secrets.
fn redact_callback(raw: &str) -> String {
    match Url::parse(raw.trim()) {
        Ok(url) if url.query().is_some() => format!("{}?<redacted>", redact(&url)),
        Ok(url) => redact(&url),
        // Not a URL, so there is no telling which part is secret.
        Err(_) => "<not a valid URL>".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_drops_query_fragment_and_user_info() {
        assert_eq!(redact_callback("https://u:p@h.example/x?code=s#frag"), "https://h.example/x?<redacted>");
        assert_eq!(redact_callback("https://h.example/x"), "https://h.example/x");
        assert_eq!(redact_callback("h.example/x?code=s"), "<not a valid URL>");
    }

    #[test]
    fn config_validation_never_echoes_the_callback() {
        let bad = TriggerConfig::new("Op", "c", "conn", "not a url ?code=s3cret");
        let err = bad.validate().err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("callback URL") && !err.contains("s3cret"), "{err}");
        let empty = TriggerConfig::new("Op", "c", " ", "https://h.example/x");
        assert!(empty.validate().err().is_some_and(|e| e.to_string().contains("connection name")));
    }
}
