//! Errors carry the service's own explanation; decode errors name the JSON path.

mod common;

use common::*;
use connector_runtime::{Connection, ErrorKind};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn error_body_is_parsed_into_code_message_and_request_id() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(path("/apim/teams/c1/items"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("x-ms-request-id", "req-42")
                .set_body_string(r#"{"error":{"code":"ItemNotFound","message":"The item does not exist."}}"#),
        )
        .mount(&server)
        .await;
    let conn = Connection::runtime_url(format!("{}/apim/teams/c1", server.uri()))?.with_bearer_token("t");
    let err = conn.request(&GET_ITEMS).send().await.err().ok_or("expected error")?;
    assert_eq!(err.kind(), ErrorKind::Status);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(err.service_code(), Some("ItemNotFound"));
    assert_eq!(err.service_message(), Some("The item does not exist."));
    assert_eq!(err.request_id(), Some("req-42"));
    assert_eq!((err.connector(), err.operation()), (Some("teams"), Some("GetItems")));
    assert!(err.headers().is_some_and(|h| h.contains_key("x-ms-request-id")));
    let shown = err.to_string();
    assert!(shown.starts_with("teams.GetItems: "), "{shown}");
    assert!(shown.contains("[ItemNotFound] The item does not exist.") && shown.contains("req-42"), "{shown}");
    Ok(())
}

#[derive(serde::Deserialize, Debug)]
#[allow(dead_code)]
struct Message {
    id: String,
    from: From,
}

#[derive(serde::Deserialize, Debug)]
#[allow(dead_code)]
struct From {
    user: User,
}

#[derive(serde::Deserialize, Debug)]
#[allow(dead_code)]
struct User {
    #[serde(rename = "displayName")]
    display_name: String,
}

#[tokio::test]
async fn decode_error_names_the_json_path() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(path("/apim/teams/c1/items"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"id":"1","from":{"user":{"displayName":7}}}"#))
        .mount(&server)
        .await;
    let conn = Connection::runtime_url(format!("{}/apim/teams/c1", server.uri()))?.with_bearer_token("t");
    let err = conn.request(&GET_ITEMS).send_json::<Message>().await.err().ok_or("expected error")?;
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_eq!(err.json_path(), Some("from.user.displayName"));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    assert!(err.to_string().contains("at `from.user.displayName`"), "{err}");
    Ok(())
}
