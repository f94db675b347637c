//! Decoding of each response feature by a generated client: unknown enum values, unknown fields, several 2xx
//! bodies, empty bodies, binary bodies, paging, and status and headers through `send_with_response`.

use connector_runtime::Connection;
use connector_runtime::futures::TryStreamExt;
use connector_wire_fixture::actions::CreateItemResponse;
use connector_wire_fixture::{Client, models};
use serde_json::json;
use wiremock::matchers::{method, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

type TestResult = Result<(), Box<dyn std::error::Error>>;

async fn client(server: &MockServer) -> connector_runtime::Result<Client> {
    let connection = Connection::runtime_url(format!("{}/apim/wire/c1", server.uri()))?.with_bearer_token("t");
    Ok(Client::new(connection))
}

#[tokio::test]
async fn unknown_enum_values_and_fields_are_kept() -> TestResult {
    let server = MockServer::start().await;
    let body = json!({
        "id": "1", "status": "archived", "extra": {"nested": true},
        "created": "2024-05-01T10:00:00.1234567", "owner": {"displayName": "Ann", "manager": {"displayName": "Bo"}}
    });
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(&body)).mount(&server).await;
    let item = client(&server).await?.get_item("ds", "1").await?;
    assert_eq!(item.status, Some(models::ItemStatus::Other("archived".to_owned())));
    assert_eq!(item.additional_properties.get("extra"), Some(&json!({"nested": true})));
    assert!(item.created.as_ref().and_then(|c| c.timestamp()).is_some());
    let manager = item.owner.and_then(|o| o.manager).and_then(|m| m.display_name);
    assert_eq!(manager.as_deref(), Some("Bo"));
    // Re-encoding keeps the unknown values as they came.
    let again = serde_json::to_value(client(&server).await?.get_item("ds", "1").await?)?;
    assert_eq!(again["status"], "archived");
    assert_eq!(again["extra"], json!({"nested": true}));
    Ok(())
}

#[tokio::test]
async fn several_success_bodies_decode_by_status() -> TestResult {
    let server = MockServer::start().await;
    let item = models::NewItem { title: "t".to_owned(), ..Default::default() };
    for (status, body) in
        [(200u16, Some(json!({"id": "9"}))), (201, Some(json!({"jobId": "j"}))), (202, None), (207, Some(json!({})))]
    {
        server.reset().await;
        let template = match &body {
            Some(body) => ResponseTemplate::new(status).set_body_json(body),
            None => ResponseTemplate::new(status),
        };
        Mock::given(method("POST")).respond_with(template).mount(&server).await;
        let response = client(&server).await?.create_item(item.clone()).await?;
        match (status, response) {
            (200, CreateItemResponse::Status200(item)) => assert_eq!(item.id, "9"),
            (201, CreateItemResponse::Status201(created)) => assert_eq!(created.job_id.as_deref(), Some("j")),
            (202, CreateItemResponse::Status202) => {}
            (207, CreateItemResponse::Other(207, bytes)) => assert_eq!(&bytes[..], b"{}"),
            (status, other) => panic!("status {status} decoded as {other:?}"),
        }
    }
    Ok(())
}

#[tokio::test]
async fn empty_body_gives_unit_and_status_and_headers_are_available() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204).insert_header("x-ms-request-id", "r-1"))
        .mount(&server)
        .await;
    let response = client(&server).await?.delete_item("ds", "1").send_with_response().await?;
    assert_eq!(response.status().as_u16(), 204);
    assert_eq!(response.header("x-ms-request-id"), Some("r-1"));
    assert_eq!(*response.body(), ());
    Ok(())
}

#[tokio::test]
async fn paged_action_streams_items_across_pages() -> TestResult {
    let server = MockServer::start().await;
    let base = format!("{}/apim/wire/c1", server.uri());
    Mock::given(method("GET"))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [{"id": "3"}]})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"value": [{"id": "1"}, {"id": "2"}], "@odata.nextLink": format!("{base}/items?page=2")}),
        ))
        .mount(&server)
        .await;
    let items: Vec<models::Item> = client(&server).await?.list_items().top(2).into_stream().try_collect().await?;
    let ids: Vec<&str> = items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["1", "2", "3"]);
    // The same, page by page (what a sync engine commits at a time).
    let pages: Vec<_> = client(&server).await?.list_items().into_pages().try_collect().await?;
    let sizes: Vec<usize> = pages.iter().map(|p| p.items.len()).collect();
    assert_eq!(sizes, [2, 1]);
    assert!(pages[0].next_link.as_deref().is_some_and(|l| l.ends_with("page=2")));
    Ok(())
}

#[tokio::test]
#[allow(deprecated)]
async fn deprecated_actions_still_work() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": []})))
        .mount(&server)
        .await;
    let page = client(&server).await?.list_items_legacy().await?;
    assert_eq!(page.value, Some(Vec::new()));
    Ok(())
}

#[tokio::test]
async fn service_errors_name_the_connector_and_operation() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(json!({"error": {"code": "NotFound", "message": "gone"}})),
        )
        .mount(&server)
        .await;
    let err = client(&server).await?.get_item("ds", "1").await.err().ok_or("expected an error")?;
    assert_eq!((err.connector(), err.operation()), (Some("wire-fixture"), Some("GetItem")));
    assert_eq!(err.service_code(), Some("NotFound"));
    Ok(())
}
