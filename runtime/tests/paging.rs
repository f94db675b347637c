//! Paged operations against real loopback servers: page following, re-routing, refusal, loop detection.

mod common;

use common::*;
use connector_runtime::futures::TryStreamExt;
use connector_runtime::{Connection, ErrorKind, Paging};
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn three_pages_stream_all_items_in_order() -> TestResult {
    let server = MockServer::start().await;
    let base = format!("{}/apim/teams/c1", server.uri());
    Mock::given(path("/apim/teams/c1/items"))
        .and(query_param("page", "2"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"value": [3, 4], "@odata.nextLink": format!("{base}/items?page=3")})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/apim/teams/c1/items"))
        .and(query_param("page", "3"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [5]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/apim/teams/c1/items"))
        .and(query_param("$top", "2"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"value": [1, 2], "@odata.nextLink": format!("{base}/items?page=2")})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let conn = Connection::runtime_url(&base)?.with_bearer_token("t");
    let items: Vec<i64> =
        conn.request(&GET_ITEMS).query("$top", &2).into_stream::<i64>(Paging::ODATA).try_collect().await?;
    assert_eq!(items, vec![1, 2, 3, 4, 5]);
    // Every page carried the token: the next links were on the connection's own origin.
    for request in server.received_requests().await.unwrap_or_default() {
        assert_eq!(request.headers.get("authorization").and_then(|v| v.to_str().ok()), Some("Bearer t"));
    }
    Ok(())
}

#[tokio::test]
async fn cross_host_next_link_is_rerouted_through_the_runtime_url() -> TestResult {
    let hub = server_on("127.0.0.1").await;
    let stranger = server_on("127.0.0.2").await;
    let base = format!("{}/apim/arm/c1", hub.uri());
    Mock::given(path("/apim/arm/c1/items"))
        .and(query_param("$skiptoken", "abc"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": ["b"]})))
        .expect(1)
        .mount(&hub)
        .await;
    Mock::given(path("/apim/arm/c1/items"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"value": ["a"], "nextLink": format!("{}/items?$skiptoken=abc", stranger.uri())})),
        )
        .expect(1)
        .mount(&hub)
        .await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).expect(0).mount(&stranger).await;
    let conn = Connection::runtime_url(&base)?.with_bearer_token("secret-token");
    let paging = Paging { items: "value", next_link: "nextLink" };
    let items: Vec<String> = conn.request(&GET_ITEMS).into_stream(paging).try_collect().await?;
    assert_eq!(items, vec!["a", "b"]);
    assert!(stranger.received_requests().await.unwrap_or_default().is_empty());
    Ok(())
}

#[tokio::test]
async fn cross_host_next_link_is_refused_on_a_direct_connection() -> TestResult {
    let own = server_on("127.0.0.1").await;
    let stranger = server_on("127.0.0.2").await;
    Mock::given(path("/things"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"value": [1], "@odata.nextLink": format!("{}/things?page=2", stranger.uri())})),
        )
        .mount(&own)
        .await;
    let conn = Connection::direct(own.uri())?.with_basic("user", "password-never-leaves");
    let mut stream = conn.request(&KEYED_GET).into_stream::<i64>(Paging::ODATA);
    assert_eq!(stream.try_next().await?, Some(1));
    let err = stream.try_next().await.err().ok_or("expected the foreign link to be refused")?;
    assert_eq!(err.kind(), ErrorKind::ForeignLink);
    assert!(stranger.received_requests().await.unwrap_or_default().is_empty());
    Ok(())
}

#[tokio::test]
async fn repeated_next_link_ends_with_an_error() -> TestResult {
    let server = MockServer::start().await;
    let base = format!("{}/apim/teams/c1", server.uri());
    Mock::given(path("/apim/teams/c1/items"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"value": [1], "@odata.nextLink": format!("{base}/items?page=2")})),
        )
        .mount(&server)
        .await;
    let conn = Connection::runtime_url(&base)?.with_bearer_token("t");
    let result: Result<Vec<i64>, _> = conn.request(&GET_ITEMS).into_stream::<i64>(Paging::ODATA).try_collect().await;
    assert_eq!(result.err().map(|e| e.kind()), Some(ErrorKind::PagingLoop));
    // The first page and the second (same link again) were fetched; the loop was caught there.
    assert_eq!(server.received_requests().await.unwrap_or_default().len(), 2);
    Ok(())
}

#[tokio::test]
async fn pages_expose_empty_pages_and_links() -> TestResult {
    let server = MockServer::start().await;
    let base = format!("{}/apim/teams/c1", server.uri());
    Mock::given(path("/apim/teams/c1/items"))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [7]})))
        .mount(&server)
        .await;
    Mock::given(path("/apim/teams/c1/items"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"value": [], "@odata.nextLink": format!("{base}/items?page=2")})),
        )
        .mount(&server)
        .await;
    let conn = Connection::runtime_url(&base)?.with_bearer_token("t");
    let pages: Vec<_> = conn.request(&GET_ITEMS).into_pages::<i64>(Paging::ODATA).try_collect().await?;
    assert_eq!(pages.len(), 2);
    assert!(pages[0].items.is_empty() && pages[0].next_link.is_some());
    assert_eq!(pages[1].items, vec![7]);
    Ok(())
}

#[tokio::test]
async fn paging_resumes_from_a_link_handed_back_elsewhere() -> TestResult {
    let server = MockServer::start().await;
    let base = format!("{}/v1.0", server.uri());
    Mock::given(path("/v1.0/items"))
        .and(query_param("page", "2"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"value": [3, 4], "@odata.nextLink": format!("{base}/items?page=3")})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/v1.0/items"))
        .and(query_param("page", "3"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [5]})))
        .expect(1)
        .mount(&server)
        .await;
    let conn = Connection::direct(&base)?.with_bearer_token("t");
    let pages: Vec<connector_runtime::Page<i64>> =
        conn.follow_pages(&GET_ITEMS, &format!("{base}/items?page=2"), Paging::ODATA).try_collect().await?;
    let items: Vec<i64> = pages.iter().flat_map(|p| p.items.clone()).collect();
    assert_eq!(items, vec![3, 4, 5]);
    for request in server.received_requests().await.unwrap_or_default() {
        assert_eq!(request.headers.get("authorization").and_then(|v| v.to_str().ok()), Some("Bearer t"));
    }

    // A link to another host is refused before anything is sent, on a direct connection.
    let stranger = server_on("127.0.0.2").await;
    let foreign = format!("{}/v1.0/items?page=2", stranger.uri());
    let result: connector_runtime::Result<Vec<connector_runtime::Page<i64>>> =
        conn.follow_pages(&GET_ITEMS, &foreign, Paging::ODATA).try_collect().await;
    assert_eq!(result.err().map(|e| e.kind()), Some(ErrorKind::ForeignLink));
    assert!(stranger.received_requests().await.unwrap_or_default().is_empty());
    Ok(())
}
