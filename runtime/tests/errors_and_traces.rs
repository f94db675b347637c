//! Errors carry the service's own explanation; decode errors name the JSON path; traces and `Debug` never leak
//! secrets.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

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

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut out) = self.0.lock() {
            out.extend_from_slice(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        self.0.lock().map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default()
    }
}

#[tokio::test]
async fn secrets_absent_from_debug_and_traces() -> TestResult {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    Mock::given(path("/things"))
        .respond_with(ResponseTemplate::new(503).set_body_string("busy"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/things")).respond_with(ResponseTemplate::new(200)).mount(&server).await;

    let query_key = Connection::direct(server.uri())?.with_api_key("query-key-SECRET-1");
    query_key.request(&KEYED_QUERY_GET).send().await?;
    let header_key = Connection::direct(server.uri())?.with_api_key("header-key-SECRET-2");
    header_key.request(&KEYED_GET).send().await?;
    let basic = Connection::direct(server.uri())?.with_basic("user", "password-SECRET-3");
    basic.request(&KEYED_GET).send().await?;
    let bearer = Connection::direct(server.uri())?.with_bearer_token("bearer-SECRET-4");
    bearer.request(&KEYED_GET).send().await?;

    let debug = format!("{query_key:?} {header_key:?} {basic:?} {bearer:?}");
    let traces = captured.text();
    assert!(traces.contains("connector.call"), "no span recorded: {traces}");
    assert!(traces.contains("retrying"), "the retry was not traced: {traces}");
    for secret in ["SECRET-1", "SECRET-2", "SECRET-3", "SECRET-4"] {
        assert!(!debug.contains(secret), "{secret} in Debug: {debug}");
        assert!(!traces.contains(secret), "{secret} in traces: {traces}");
    }
    Ok(())
}
