//! How a connection authenticates each request, observed on a real loopback server.

mod common;

use common::*;
use connector_runtime::Connection;
use connector_runtime::auth::ApiKey;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn token_attached_with_api_hub_scope() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/apim/teams/c1/items"))
        .and(header("authorization", "Bearer token-for-tests"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .expect(1)
        .mount(&server)
        .await;
    let credential = RecordingCredential::default();
    let conn = Connection::runtime_url(format!("{}/apim/teams/c1", server.uri()))?.with_credential(credential.clone());
    conn.request(&GET_ITEMS).send().await?;
    assert_eq!(credential.scopes_asked(), vec![vec!["https://apihub.azure.com/.default".to_owned()]]);
    Ok(())
}

#[tokio::test]
async fn direct_connection_uses_the_spec_scope() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(path("/things")).respond_with(ResponseTemplate::new(200)).expect(1).mount(&server).await;
    let credential = RecordingCredential::default();
    let conn = Connection::direct(server.uri())?.with_credential(credential.clone());
    conn.request(&KEYED_GET).send().await?;
    assert_eq!(credential.scopes_asked(), vec![vec!["https://keyed.example/.default".to_owned()]]);
    Ok(())
}

#[tokio::test]
async fn api_key_in_header_named_by_the_spec() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(path("/things"))
        .and(header("x-api-key", "k-123"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let conn = Connection::direct(server.uri())?.with_api_key("k-123");
    conn.request(&KEYED_GET).send().await?;
    Ok(())
}

#[tokio::test]
async fn api_key_in_query_named_by_the_spec() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(path("/things"))
        .and(query_param("code", "k-456"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let conn = Connection::direct(server.uri())?.with_api_key("k-456");
    conn.request(&KEYED_QUERY_GET).send().await?;
    Ok(())
}

#[tokio::test]
async fn explicit_api_key_place_wins_over_the_spec() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(path("/things"))
        .and(header("ocp-apim-subscription-key", "k-789"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let conn = Connection::direct(server.uri())?.with_api_key(ApiKey::header("Ocp-Apim-Subscription-Key", "k-789"));
    conn.request(&KEYED_QUERY_GET).send().await?;
    Ok(())
}

#[tokio::test]
async fn api_key_without_a_known_place_is_a_config_error() -> TestResult {
    let server = MockServer::start().await;
    let conn = Connection::direct(server.uri())?.with_api_key("k");
    let err = conn.request(&PLAIN_GET).send().await.err().ok_or("expected an error")?;
    assert_eq!(err.kind(), connector_runtime::ErrorKind::Config);
    assert!(err.to_string().contains("ApiKey::header"), "{err}");
    assert!(server.received_requests().await.unwrap_or_default().is_empty());
    Ok(())
}

#[tokio::test]
async fn basic_auth_header() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(path("/things"))
        .and(header("authorization", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let conn = Connection::direct(server.uri())?.with_basic("Aladdin", "open sesame");
    conn.request(&KEYED_GET).send().await?;
    Ok(())
}
