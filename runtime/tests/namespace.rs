//! The Connector Namespace `triggerConfigs` client (preview) against a fake Resource Manager on 127.0.0.1.

mod common;

use common::*;
use connector_runtime::auth::StaticToken;
use connector_runtime::namespace::{API_VERSION, ConnectorNamespace, MANAGEMENT_SCOPE, TriggerConfig};
use connector_runtime::{Connection, ErrorKind, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CONFIG_PATH: &str =
    "/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.Web/connectorGateways/ns-1/triggerConfigs/new-files";

const CALLBACK: &str = "https://app.example/hook?code=s3cret&sig=also-secret";

/// A client on the mock, authenticated with a fixed token (retries off, so error tests see one attempt).
fn namespace(server: &MockServer) -> connector_runtime::Result<ConnectorNamespace> {
    let connection = Connection::direct(server.uri())?
        .with_credential(StaticToken::new("arm-token"))
        .with_retry(RetryPolicy::none());
    ConnectorNamespace::from_connection(connection, "sub-1", "rg-1", "ns-1")
}

fn config() -> TriggerConfig {
    TriggerConfig::new("OnNewFileV2", "onedriveforbusiness", "onedrive-test", CALLBACK)
        .parameter("folderId", "folder-9")
        .parameter("includeSubfolders", "false")
}

fn expected_body() -> serde_json::Value {
    json!({"properties": {
        "operationName": "OnNewFileV2",
        "connectionDetails": {"connectorName": "onedriveforbusiness", "connectionName": "onedrive-test"},
        "notificationDetails": {"callbackUrl": CALLBACK, "httpMethod": "Post"},
        "parameters": [{"name": "folderId", "value": "folder-9"}, {"name": "includeSubfolders", "value": "false"}]
    }})
}

fn returned_resource() -> serde_json::Value {
    json!({
        "id": CONFIG_PATH,
        "name": "new-files",
        "type": "Microsoft.Web/connectorGateways/triggerConfigs",
        "systemData": {"createdBy": "someone"},
        "properties": {
            "operationName": "OnNewFileV2",
            "connectionDetails": {"connectorName": "onedriveforbusiness", "connectionName": "onedrive-test"},
            "notificationDetails": {"callbackUrl": CALLBACK, "httpMethod": "Post"},
            "parameters": [{"name": "folderId", "value": "folder-9"}],
            "provisioningState": "Succeeded"
        }
    })
}

#[tokio::test]
async fn put_sends_the_documented_path_query_and_body() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path(CONFIG_PATH))
        .and(query_param("api-version", "2026-05-01-preview"))
        .and(header("authorization", "Bearer arm-token"))
        .and(header("content-type", "application/json"))
        .and(body_json(expected_body()))
        .respond_with(ResponseTemplate::new(201).set_body_json(returned_resource()))
        .expect(1)
        .mount(&server)
        .await;
    namespace(&server)?.create_or_replace_trigger_config("new-files", &config()).await?;

    let requests = server.received_requests().await.unwrap_or_default();
    let [request] = requests.as_slice() else { return Err("expected exactly one request".into()) };
    // Exactly one query parameter, so nothing else (a key, a stray default) rides along.
    assert_eq!(request.url.query(), Some("api-version=2026-05-01-preview"));
    assert_eq!(API_VERSION, "2026-05-01-preview");
    assert_eq!(serde_json::to_value(config())?, expected_body(), "TriggerConfig serializes to the wire shape");
    Ok(())
}

#[tokio::test]
async fn put_returns_the_resource() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path(CONFIG_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(returned_resource()))
        .mount(&server)
        .await;
    let resource = namespace(&server)?.create_or_replace_trigger_config("new-files", &config()).await?;

    assert_eq!(resource.id.as_deref(), Some(CONFIG_PATH));
    assert_eq!(resource.name.as_deref(), Some("new-files"));
    assert_eq!(resource.resource_type.as_deref(), Some("Microsoft.Web/connectorGateways/triggerConfigs"));
    assert_eq!(resource.additional.get("systemData"), Some(&json!({"createdBy": "someone"})));
    let properties = &resource.properties;
    assert_eq!(properties.operation_name.as_deref(), Some("OnNewFileV2"));
    let connection = properties.connection_details.as_ref().ok_or("connectionDetails missing")?;
    assert_eq!(connection.connector_name.as_deref(), Some("onedriveforbusiness"));
    assert_eq!(connection.connection_name.as_deref(), Some("onedrive-test"));
    let notification = properties.notification_details.as_ref().ok_or("notificationDetails missing")?;
    assert_eq!(notification.callback_url.as_deref(), Some(CALLBACK));
    assert_eq!(notification.http_method.as_deref(), Some("Post"));
    assert_eq!(properties.parameters.len(), 1);
    assert_eq!(properties.parameters[0].name, "folderId");
    assert_eq!(properties.parameters[0].value, json!("folder-9"));
    assert_eq!(properties.additional.get("provisioningState"), Some(&json!("Succeeded")));

    // The echoed callback URL keeps its secret out of Debug too.
    let shown = format!("{resource:?}");
    assert!(!shown.contains("s3cret") && shown.contains("https://app.example/hook"), "{shown}");
    Ok(())
}

#[tokio::test]
async fn put_accepted_without_a_body_is_not_an_error() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("PUT")).respond_with(ResponseTemplate::new(202)).mount(&server).await;
    let resource = namespace(&server)?.create_or_replace_trigger_config("new-files", &config()).await?;
    assert_eq!(resource, Default::default());
    Ok(())
}

#[tokio::test]
async fn delete_sends_delete_to_the_same_url() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path(CONFIG_PATH))
        .and(query_param("api-version", "2026-05-01-preview"))
        .and(header("authorization", "Bearer arm-token"))
        .respond_with(ResponseTemplate::new(200))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(CONFIG_PATH))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let namespace = namespace(&server)?;
    assert!(namespace.delete_trigger_config("new-files").await?, "200 deletes");
    assert!(namespace.delete_trigger_config("new-files").await?, "204 deletes");

    let requests = server.received_requests().await.unwrap_or_default();
    assert!(requests.iter().all(|r| r.body.is_empty()), "a DELETE carries no body");
    assert!(requests.iter().all(|r| r.url.query() == Some("api-version=2026-05-01-preview")));
    Ok(())
}

#[tokio::test]
async fn delete_of_a_missing_config_is_ok() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path(CONFIG_PATH))
        .respond_with(ResponseTemplate::new(404).set_body_json(
            json!({"error": {"code": "ResourceNotFound", "message": "The trigger config was not found."}}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    assert!(!namespace(&server)?.delete_trigger_config("new-files").await?, "404 reports nothing was deleted");
    Ok(())
}

#[tokio::test]
async fn delete_in_a_missing_resource_group_is_an_error() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(404).set_body_json(
            json!({"error": {"code": "ResourceGroupNotFound", "message": "Resource group 'rg-1' could not be found."}}),
        ))
        .mount(&server)
        .await;
    let err = namespace(&server)?.delete_trigger_config("new-files").await.err().ok_or("expected an error")?;
    assert_eq!(err.kind(), ErrorKind::Status);
    assert_eq!(err.service_code(), Some("ResourceGroupNotFound"));
    Ok(())
}

#[tokio::test]
async fn arm_errors_carry_code_and_message() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(403).set_body_json(
            json!({"error": {"code": "AuthorizationFailed", "message": "The client does not have authorization"}}),
        ))
        .mount(&server)
        .await;
    let err = namespace(&server)?
        .create_or_replace_trigger_config("new-files", &config())
        .await
        .err()
        .ok_or("expected an error")?;
    assert_eq!(err.kind(), ErrorKind::Status);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(err.service_code(), Some("AuthorizationFailed"));
    assert_eq!(err.service_message(), Some("The client does not have authorization"));
    assert_eq!(err.operation(), Some("TriggerConfigs_CreateOrReplace"));
    assert!(!err.to_string().contains("s3cret"), "{err}");
    Ok(())
}

#[tokio::test]
async fn requests_use_the_management_scope() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(header("authorization", "Bearer token-for-tests"))
        .respond_with(ResponseTemplate::new(201).set_body_json(returned_resource()))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(header("authorization", "Bearer token-for-tests"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let credential = RecordingCredential::default();
    // No `with_scopes`: the client's own operations must name the management scope.
    let connection = Connection::direct(server.uri())?.with_credential(credential.clone());
    let namespace = ConnectorNamespace::from_connection(connection, "sub-1", "rg-1", "ns-1")?;
    namespace.create_or_replace_trigger_config("new-files", &config()).await?;
    namespace.delete_trigger_config("new-files").await?;

    let asked = credential.scopes_asked();
    assert!(!asked.is_empty(), "the credential was never asked");
    assert!(asked.iter().all(|scopes| scopes == &[MANAGEMENT_SCOPE.to_owned()]), "{asked:?}");
    assert_eq!(MANAGEMENT_SCOPE, "https://management.azure.com/.default");
    Ok(())
}

#[tokio::test]
async fn empty_names_are_config_errors() -> TestResult {
    let server = MockServer::start().await;
    let client = namespace(&server)?;
    assert_eq!(client.delete_trigger_config(" ").await.err().map(|e| e.kind()), Some(ErrorKind::Config));
    assert_eq!(
        client.create_or_replace_trigger_config("", &config()).await.err().map(|e| e.kind()),
        Some(ErrorKind::Config)
    );

    let connection = Connection::direct(server.uri())?.with_bearer_token("t");
    for (sub, rg, ns, what) in
        [("", "rg", "ns", "subscription id"), ("s", "", "ns", "resource group"), ("s", "rg", "", "namespace")]
    {
        let client = ConnectorNamespace::from_connection(connection.clone(), sub, rg, ns)?;
        let err = client.delete_trigger_config("x").await.err().ok_or("expected an error")?;
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(err.to_string().contains(what), "{err}");
    }

    let no_connection = TriggerConfig::new("OnNewFileV2", "onedriveforbusiness", "", CALLBACK);
    let err = client.create_or_replace_trigger_config("x", &no_connection).await.err().ok_or("expected an error")?;
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains("connection name"), "{err}");

    let relative = TriggerConfig::new("OnNewFileV2", "onedriveforbusiness", "c", "/hook?code=s3cret");
    let err = client.create_or_replace_trigger_config("x", &relative).await.err().ok_or("expected an error")?;
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(!err.to_string().contains("s3cret"), "{err}");

    assert!(server.received_requests().await.unwrap_or_default().is_empty(), "nothing was sent");
    Ok(())
}

#[test]
fn runtime_url_connections_are_refused() -> TestResult {
    let hub = Connection::runtime_url("https://h.azure-apihub.net/apim/arm/abc")?;
    let err = ConnectorNamespace::from_connection(hub, "sub-1", "rg-1", "ns-1").err();
    assert_eq!(err.map(|e| e.kind()), Some(ErrorKind::Config));
    Ok(())
}

#[test]
fn callback_url_query_is_redacted_in_debug() {
    let config = config().http_method("Put");
    let shown = format!("{config:?}");
    assert!(!shown.contains("s3cret") && !shown.contains("also-secret"), "{shown}");
    assert!(shown.contains("https://app.example/hook"), "{shown}");
    assert!(shown.contains("folderId") && shown.contains("Put"), "{shown}");
    // The secret is only hidden from Debug; the wire still carries the whole URL.
    assert_eq!(config.callback_url, CALLBACK);
}
