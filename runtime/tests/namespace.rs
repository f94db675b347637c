//! The Connector Namespace `triggerConfigs` client (preview) against a fake Resource Manager on 127.0.0.1.

mod common;

use common::*;
use connector_runtime::namespace::{ConnectorNamespace, TriggerConfig};
use connector_runtime::{Connection, ErrorKind};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CONFIG_PATH: &str =
    "/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.Web/connectorGateways/ns-1/triggerConfigs/new-files";

fn namespace(server: &MockServer, credential: RecordingCredential) -> connector_runtime::Result<ConnectorNamespace> {
    let connection = Connection::direct(server.uri())?.with_credential(credential);
    Ok(ConnectorNamespace::with_connection(connection, "sub-1", "rg-1", "ns-1"))
}

fn config() -> TriggerConfig {
    TriggerConfig::new("OnNewFileV2", "onedriveforbusiness", "onedrive-test", "https://app.example/hook?code=s3cret")
        .parameter("folderId", "folder-9")
        .parameter("includeSubfolders", "false")
}

#[tokio::test]
async fn put_sends_the_documented_path_query_and_body() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path(CONFIG_PATH))
        .and(query_param("api-version", "2026-05-01-preview"))
        .and(header("authorization", "Bearer token-for-tests"))
        .and(body_json(json!({"properties": {
            "operationName": "OnNewFileV2",
            "connectionDetails": {"connectorName": "onedriveforbusiness", "connectionName": "onedrive-test"},
            "notificationDetails": {"callbackUrl": "https://app.example/hook?code=s3cret", "httpMethod": "Post"},
            "parameters": [{"name": "folderId", "value": "folder-9"}, {"name": "includeSubfolders", "value": "false"}]
        }})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "id": "/subscriptions/sub-1/.../triggerConfigs/new-files", "name": "new-files",
            "type": "Microsoft.Web/connectorGateways/triggerConfigs",
            "properties": {"operationName": "OnNewFileV2", "provisioningState": "Succeeded"}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let credential = RecordingCredential::default();
    let resource =
        namespace(&server, credential.clone())?.create_or_replace_trigger_config("new-files", &config()).await?;
    assert_eq!(resource.name.as_deref(), Some("new-files"));
    assert_eq!(resource.properties.get("provisioningState"), Some(&json!("Succeeded")));
    assert_eq!(credential.scopes_asked(), vec![vec!["https://management.azure.com/.default".to_owned()]]);
    Ok(())
}

#[tokio::test]
async fn delete_sends_delete_to_the_same_url_and_a_missing_config_is_ok() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path(CONFIG_PATH))
        .and(query_param("api-version", "2026-05-01-preview"))
        .respond_with(ResponseTemplate::new(204))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE")).respond_with(ResponseTemplate::new(404)).mount(&server).await;
    let namespace = namespace(&server, RecordingCredential::default())?;
    assert!(namespace.delete_trigger_config("new-files").await?);
    assert!(!namespace.delete_trigger_config("new-files").await?, "a second delete finds nothing");
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
    let err = namespace(&server, RecordingCredential::default())?
        .create_or_replace_trigger_config("new-files", &config())
        .await
        .err()
        .ok_or("expected an error")?;
    assert_eq!(err.service_code(), Some("AuthorizationFailed"));
    assert_eq!(err.operation(), Some("TriggerConfigs_CreateOrReplace"));
    Ok(())
}

#[tokio::test]
async fn empty_names_are_config_errors_and_send_nothing() -> TestResult {
    let server = MockServer::start().await;
    let err = namespace(&server, RecordingCredential::default())?.delete_trigger_config(" ").await.err();
    assert_eq!(err.map(|e| e.kind()), Some(ErrorKind::Config));
    assert!(server.received_requests().await.unwrap_or_default().is_empty());
    Ok(())
}

#[test]
fn callback_url_query_is_redacted_in_debug() {
    let shown = format!("{:?}", config());
    assert!(!shown.contains("s3cret"), "{shown}");
    assert!(shown.contains("https://app.example/hook"), "{shown}");
}
