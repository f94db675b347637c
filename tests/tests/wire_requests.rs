//! A generated client (the `wire` fixture, a managed-style connector) against a real server on 127.0.0.1: the
//! exact request each feature puts on the wire.

use connector_runtime::Connection;
use connector_wire_fixture::Client;
use connector_wire_fixture::models;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

type TestResult = Result<(), Box<dyn std::error::Error>>;

async fn client(server: &MockServer) -> connector_runtime::Result<Client> {
    let connection = Connection::runtime_url(format!("{}/apim/wire/c1", server.uri()))?.with_bearer_token("t");
    Ok(Client::new(connection))
}

async fn only_request(server: &MockServer) -> Result<Request, Box<dyn std::error::Error>> {
    let mut requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 1, "expected exactly one request");
    requests.pop().ok_or_else(|| "no request".into())
}

fn header<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn path_query_and_header_parameters() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "1"})))
        .mount(&server)
        .await;
    client(&server)
        .await?
        .get_item("https://contoso/sites/a b", "id/1")
        .top(5)
        .include_archived(false)
        .select(["id", "title"])
        .importance(models::GetItemImportance::High)
        .x_ms_client_tag("tag-1")
        .await?;
    let request = only_request(&server).await?;
    assert_eq!(
        request.url.path(),
        "/apim/wire/c1/datasets/https%253A%252F%252Fcontoso%252Fsites%252Fa%2520b/items/id%2F1"
    );
    assert_eq!(
        request.url.query(),
        Some("$top=5&includeArchived=false&$select=id,title&importance=high&api-version=2016-06-01")
    );
    assert_eq!(header(&request, "x-ms-client-tag"), Some("tag-1"));
    assert_eq!(header(&request, "authorization"), Some("Bearer t"));
    Ok(())
}

#[tokio::test]
async fn internal_parameters_are_filled_and_optional_ones_omitted() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "1"})))
        .mount(&server)
        .await;
    client(&server).await?.get_item("ds", "1").await?;
    assert_eq!(only_request(&server).await?.url.query(), Some("api-version=2016-06-01"));
    Ok(())
}

#[tokio::test]
async fn json_body_is_exact_and_skips_absent_fields() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"jobId": "j-1"})))
        .mount(&server)
        .await;
    let item =
        models::NewItem { title: "Quarterly".to_owned(), tags: Some(vec!["a".to_owned()]), ..Default::default() };
    client(&server).await?.create_item(item).await?;
    let request = only_request(&server).await?;
    assert_eq!(request.url.path(), "/apim/wire/c1/items");
    assert_eq!(header(&request, "content-type"), Some("application/json"));
    assert_eq!(String::from_utf8_lossy(&request.body), r#"{"title":"Quarterly","tags":["a"]}"#);
    Ok(())
}

#[tokio::test]
async fn explicit_content_type_and_optional_body() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("PATCH")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let client = client(&server).await?;
    client.patch_items().patch(vec![json!({"op": "add"})]).await?;
    client.patch_items().await?;
    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 2);
    assert_eq!(header(&requests[0], "content-type"), Some("application/json-patch+json"));
    assert_eq!(String::from_utf8_lossy(&requests[0].body), r#"[{"op":"add"}]"#);
    assert!(requests[1].body.is_empty(), "an absent optional body is not sent");
    assert_eq!(header(&requests[1], "content-type"), None);
    Ok(())
}

#[tokio::test]
async fn urlencoded_form_with_internal_default() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200).set_body_json("thanks")).mount(&server).await;
    let reply = client(&server).await?.submit_contact_form("Ann Lee").age(30).await?;
    assert_eq!(reply, "thanks");
    let request = only_request(&server).await?;
    assert_eq!(header(&request, "content-type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(String::from_utf8_lossy(&request.body), "name=Ann+Lee&age=30&source=sdk");
    Ok(())
}

#[tokio::test]
async fn multipart_with_a_file_part() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200).set_body_json(json!({}))).mount(&server).await;
    let file = connector_runtime::File::new("q3.pdf", "application/pdf", b"%PDF-1.7".to_vec());
    client(&server).await?.upload_file(file).title("Q3").await?;
    let request = only_request(&server).await?;
    let content_type = header(&request, "content-type").unwrap_or_default();
    let boundary = content_type.strip_prefix("multipart/form-data; boundary=").ok_or("multipart content type")?;
    let expected = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"q3.pdf\"\r\n\
         Content-Type: application/pdf\r\n\r\n%PDF-1.7\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nQ3\r\n--{boundary}--\r\n"
    );
    assert_eq!(String::from_utf8_lossy(&request.body), expected);
    Ok(())
}

#[tokio::test]
async fn binary_upload_and_download() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("PUT")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    Mock::given(method("GET"))
        .and(path("/apim/wire/c1/files/report.pdf/content"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(vec![0u8, 1, 2, 255], "application/octet-stream"))
        .mount(&server)
        .await;
    let client = client(&server).await?;
    client.put_file_content("report.pdf", vec![9u8, 8, 7]).await?;
    let bytes = client.get_file_content("report.pdf").await?;
    assert_eq!(&bytes[..], &[0u8, 1, 2, 255]);
    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(header(&requests[0], "content-type"), Some("application/octet-stream"));
    assert_eq!(&requests[0].body[..], &[9u8, 8, 7]);
    Ok(())
}

#[tokio::test]
async fn text_body_and_text_response() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("noted: hi"))
        .mount(&server)
        .await;
    let reply = client(&server).await?.post_note("hi").await?;
    assert_eq!(reply, "noted: hi");
    let request = only_request(&server).await?;
    assert_eq!(header(&request, "content-type"), Some("text/plain"));
    assert_eq!(String::from_utf8_lossy(&request.body), "hi");
    Ok(())
}
