//! Retry behaviour against a real loopback server: Retry-After in its forms, method rules, budgets, timeouts.

mod common;

use std::time::{Duration, Instant, SystemTime};

use common::*;
use connector_runtime::{Connection, ErrorKind, RetryPolicy};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn quick() -> RetryPolicy {
    RetryPolicy::default().initial_backoff(Duration::from_millis(10)).max_backoff(Duration::from_millis(50))
}

async fn hub(server: &MockServer) -> connector_runtime::Result<Connection> {
    Ok(Connection::runtime_url(format!("{}/apim/teams/c1", server.uri()))?.with_bearer_token("t"))
}

#[tokio::test]
async fn waits_for_retry_after_seconds_on_429_then_succeeds() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(path("/apim/teams/c1/items"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/apim/teams/c1/items"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"ok":true}"#))
        .mount(&server)
        .await;
    let started = Instant::now();
    let conn = hub(&server).await?;
    let response = conn.request(&GET_ITEMS).send_json::<serde_json::Value>().await?;
    assert_eq!(response.body()["ok"], true);
    let stats = conn.stats();
    assert_eq!((stats.requests, stats.retries, stats.throttled_waits), (2, 1, 1), "{stats:?}");
    assert!(started.elapsed() >= Duration::from_millis(950), "did not wait: {:?}", started.elapsed());
    assert_eq!(server.received_requests().await.unwrap_or_default().len(), 2);
    Ok(())
}

#[tokio::test]
async fn waits_until_retry_after_http_date() -> TestResult {
    let server = MockServer::start().await;
    let when = jiff::Timestamp::try_from(SystemTime::now() + Duration::from_secs(2))?;
    let date = jiff::fmt::rfc2822::DateTimePrinter::new().timestamp_to_rfc9110_string(&when)?;
    Mock::given(path("/apim/teams/c1/items"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", date.as_str()))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/apim/teams/c1/items")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let started = Instant::now();
    hub(&server).await?.request(&GET_ITEMS).send().await?;
    // The date has whole-second precision, so the wait is between 1 and 2 seconds.
    assert!(started.elapsed() >= Duration::from_millis(900), "did not wait: {:?}", started.elapsed());
    Ok(())
}

#[tokio::test]
async fn post_is_not_retried_on_500() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(500)).expect(1).mount(&server).await;
    let conn = hub(&server).await?.with_retry(quick());
    let err = conn.request(&POST_ITEM).json(&serde_json::json!({"a": 1})).send().await.err().ok_or("expected error")?;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(err.attempts(), 1);
    Ok(())
}

#[tokio::test]
async fn post_is_retried_on_429() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after-ms", "20"))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(201)).mount(&server).await;
    let response = hub(&server).await?.request(&POST_ITEM).json(&1).send().await?;
    assert_eq!(response.status().as_u16(), 201);
    assert_eq!(server.received_requests().await.unwrap_or_default().len(), 3);
    Ok(())
}

#[tokio::test]
async fn post_is_retried_on_500_when_the_caller_opts_in() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let conn = hub(&server).await?;
    conn.request(&POST_ITEM).with_retry(quick().retry_non_idempotent(true)).send().await?;
    Ok(())
}

#[tokio::test]
async fn get_is_retried_on_each_transient_status() -> TestResult {
    for status in [408u16, 500, 502, 503, 504] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(status))
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&server)
            .await;
        Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
        hub(&server).await?.with_retry(quick()).request(&GET_ITEMS).send().await?;
    }
    Ok(())
}

#[tokio::test]
async fn attempts_are_bounded() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(503)).expect(3).mount(&server).await;
    let err = hub(&server)
        .await?
        .with_retry(quick().max_retries(2))
        .request(&GET_ITEMS)
        .send()
        .await
        .err()
        .ok_or("expected error")?;
    assert_eq!(err.attempts(), 3);
    assert_eq!(err.kind(), ErrorKind::Status);
    Ok(())
}

#[tokio::test]
async fn retry_after_beyond_budget_fails_at_once_with_the_wait() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "30"))
        .expect(1)
        .mount(&server)
        .await;
    let started = Instant::now();
    let err = hub(&server)
        .await?
        .with_retry(RetryPolicy::default().budget(Duration::from_secs(5)))
        .request(&GET_ITEMS)
        .send()
        .await
        .err()
        .ok_or("expected error")?;
    assert_eq!(err.kind(), ErrorKind::RetryAfterExceedsBudget);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(30)));
    assert!(started.elapsed() < Duration::from_secs(5), "waited instead of failing");
    Ok(())
}

#[tokio::test]
async fn per_attempt_timeout_is_retried() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(3)))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("\"fast\""))
        .mount(&server)
        .await;
    let response = hub(&server)
        .await?
        .with_retry(quick())
        .with_timeout(Duration::from_millis(300))
        .request(&GET_ITEMS)
        .send_json::<String>()
        .await?;
    assert_eq!(response.into_body(), "fast");
    assert_eq!(server.received_requests().await.unwrap_or_default().len(), 2);
    Ok(())
}

#[tokio::test]
async fn post_timeout_is_not_retried() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(2)))
        .mount(&server)
        .await;
    let err = hub(&server)
        .await?
        .with_retry(quick())
        .with_timeout(Duration::from_millis(200))
        .request(&POST_ITEM)
        .send()
        .await
        .err()
        .ok_or("expected error")?;
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(err.attempts(), 1);
    Ok(())
}

#[tokio::test]
async fn connect_errors_are_retried_even_for_post() -> TestResult {
    // Bind a port, then close it, so connecting is refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let conn = Connection::runtime_url(format!("http://127.0.0.1:{port}/apim/teams/c1"))?
        .with_bearer_token("t")
        .with_retry(quick().max_retries(2));
    let err = conn.request(&POST_ITEM).json(&1).send().await.err().ok_or("expected error")?;
    assert_eq!(err.kind(), ErrorKind::Connect);
    assert_eq!(err.attempts(), 3);
    Ok(())
}

#[tokio::test]
async fn streamed_body_is_never_replayed() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("PUT")).respond_with(ResponseTemplate::new(503)).expect(1).mount(&server).await;
    static PUT_FILE: connector_runtime::Operation = connector_runtime::Operation {
        connector: &TEAMS,
        id: "PutFile",
        method: connector_runtime::reqwest::Method::PUT,
        path: "/{connectionId}/files/x",
        safe: false,
    };
    let chunks = futures::stream::iter(vec![Ok::<_, std::io::Error>(bytes::Bytes::from_static(b"abc"))]);
    let err = hub(&server)
        .await?
        .with_retry(quick())
        .request(&PUT_FILE)
        .stream("application/octet-stream", chunks)
        .send()
        .await
        .err()
        .ok_or("expected error")?;
    assert_eq!(err.attempts(), 1);
    Ok(())
}

#[tokio::test]
async fn a_paced_connection_spaces_requests_and_retries_across_clones() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(path("/apim/teams/c1/items"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/apim/teams/c1/items")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let conn = hub(&server).await?.with_pacing(Duration::from_millis(150));
    let clone = conn.clone();
    let started = Instant::now();
    // Two calls on two clones; the first is throttled once, so three requests go out, each in its own slot.
    conn.request(&GET_ITEMS).send().await?;
    clone.request(&GET_ITEMS).send().await?;
    // Only a lower bound: a loaded machine makes this slower, never faster.
    assert!(started.elapsed() >= Duration::from_millis(300), "not paced: {:?}", started.elapsed());
    let stats = conn.stats();
    assert_eq!((stats.requests, stats.retries), (3, 1), "{stats:?}");
    assert!(stats.paced_waits >= 1, "{stats:?}");

    let unpaced = hub(&server).await?;
    unpaced.request(&GET_ITEMS).send().await?;
    unpaced.request(&GET_ITEMS).send().await?;
    assert_eq!(unpaced.stats().paced_waits, 0);
    Ok(())
}
