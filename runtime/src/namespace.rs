//! Registering triggers with a Connector Namespace (**preview**).
//!
//! A Connector Namespace (`Microsoft.Web/connectorGateways`) runs trigger plumbing in Azure: it polls or
//! subscribes on your behalf and calls your endpoint with each event. Its `triggerConfigs` say which trigger of
//! which connection calls which URL. This module is a typed client for creating or replacing and deleting them
//! through Azure Resource Manager.
//!
//! Preview: api-version `2026-05-01-preview`; the API may change.

use std::fmt;

use reqwest::Method;
use serde::{Deserialize, Serialize};

use crate::auth::Credential;
use crate::{Connection, ConnectorInfo, Error, ErrorKind, Operation, Result, UrlEncoding};

/// The api-version of the `triggerConfigs` API (preview).
pub const API_VERSION: &str = "2026-05-01-preview";

/// The token scope for Azure Resource Manager.
pub const MANAGEMENT_SCOPE: &str = "https://management.azure.com/.default";

/// The public Azure Resource Manager endpoint.
pub const MANAGEMENT_ENDPOINT: &str = "https://management.azure.com";

static ARM: ConnectorInfo = ConnectorInfo { name: "connector-namespace", api_key: None, scopes: &[MANAGEMENT_SCOPE] };

const PATH: &str = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Web/connectorGateways/{namespace}/triggerConfigs/{name}";

static PUT_TRIGGER_CONFIG: Operation = Operation::new(&ARM, "TriggerConfigs_CreateOrReplace", Method::PUT, PATH);
static DELETE_TRIGGER_CONFIG: Operation = Operation::new(&ARM, "TriggerConfigs_Delete", Method::DELETE, PATH);

/// What a trigger config says: which trigger of which connection calls which URL, with which inputs.
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
    /// The trigger's inputs, as name and string value.
    pub parameters: Vec<(String, String)>,
}

impl TriggerConfig {
    /// A config for `operation_name` of `connector_name`'s connection `connection_name`, calling `callback_url`.
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

    /// Adds a trigger input.
    pub fn parameter(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parameters.push((name.into(), value.into()));
        self
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

impl fmt::Debug for TriggerConfig {
    // The callback URL's query usually holds a secret (`code=`, `sig=`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let callback = self.callback_url.split(['?', '#']).next().unwrap_or_default();
        f.debug_struct("TriggerConfig")
            .field("operation_name", &self.operation_name)
            .field("connector_name", &self.connector_name)
            .field("connection_name", &self.connection_name)
            .field("callback_url", &callback)
            .field("http_method", &self.http_method)
            .field("parameters", &self.parameters)
            .finish()
    }
}

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

/// A trigger config as Azure Resource Manager returns it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TriggerConfigResource {
    /// The ARM resource id.
    #[serde(default)]
    pub id: Option<String>,
    /// The config's name.
    #[serde(default)]
    pub name: Option<String>,
    /// The resource type.
    #[serde(default, rename = "type")]
    pub resource_type: Option<String>,
    /// The config's properties as returned (operation, connection and notification details, provisioning state).
    #[serde(default)]
    pub properties: serde_json::Map<String, serde_json::Value>,
    /// Anything else ARM returned.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

/// A client for one Connector Namespace's trigger configs (preview).
#[derive(Clone, Debug)]
pub struct ConnectorNamespace {
    connection: Connection,
    subscription_id: String,
    resource_group: String,
    namespace: String,
}

impl ConnectorNamespace {
    /// A client for namespace `namespace` in `resource_group` of `subscription_id`, through the public Azure
    /// Resource Manager endpoint, with tokens from `credential` (scope `https://management.azure.com/.default`).
    pub fn new(
        subscription_id: &str,
        resource_group: &str,
        namespace: &str,
        credential: impl Credential,
    ) -> Result<Self> {
        let connection = Connection::direct(MANAGEMENT_ENDPOINT)?.with_credential(credential);
        Ok(Self::with_connection(connection, subscription_id, resource_group, namespace))
    }

    /// A client on an existing connection to a Resource Manager endpoint (sovereign clouds, tests on loopback).
    /// Bearer credentials on it are asked for the management scope unless the connection names its own.
    pub fn with_connection(
        connection: Connection,
        subscription_id: &str,
        resource_group: &str,
        namespace: &str,
    ) -> Self {
        ConnectorNamespace {
            connection,
            subscription_id: subscription_id.to_owned(),
            resource_group: resource_group.to_owned(),
            namespace: namespace.to_owned(),
        }
    }

    fn request(&self, operation: &'static Operation, name: &str) -> Result<crate::Request> {
        for (what, value) in [
            ("subscription id", self.subscription_id.as_str()),
            ("resource group", self.resource_group.as_str()),
            ("namespace", self.namespace.as_str()),
            ("trigger config name", name),
        ] {
            if value.trim().is_empty() {
                return Err(Error::new(ErrorKind::Config, format!("the {what} is empty")));
            }
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

    /// Creates or replaces the trigger config `name` (PUT).
    pub async fn create_or_replace_trigger_config(
        &self,
        name: &str,
        config: &TriggerConfig,
    ) -> Result<TriggerConfigResource> {
        let request = self.request(&PUT_TRIGGER_CONFIG, name)?.json(&config.wire());
        Ok(request.send_json::<TriggerConfigResource>().await?.into_body())
    }

    /// Deletes the trigger config `name`. Returns `false` when it did not exist (ARM answered 404).
    pub async fn delete_trigger_config(&self, name: &str) -> Result<bool> {
        match self.request(&DELETE_TRIGGER_CONFIG, name)?.send().await {
            Ok(_) => Ok(true),
            Err(err) if err.status().is_some_and(|s| s.as_u16() == 404) => Ok(false),
            Err(err) => Err(err),
        }
    }
}
