//! Traces and `Debug` output never contain secrets, and every call is traced.
//!
//! This test has a binary of its own: `tracing` caches per-callsite interest process-wide, so a test running in
//! parallel without a subscriber could otherwise switch our spans off.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::*;
use connector_runtime::Connection;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

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
