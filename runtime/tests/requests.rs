//! What goes on the wire for each request feature: path encoding, query formatting, headers and every body kind.

mod common;

use common::*;
use connector_runtime::reqwest::Method;
use connector_runtime::{Connection, File, Operation, UrlEncoding};
use wiremock::matchers::{body_bytes, body_string, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

static UPLOAD: Operation = Operation {
    connector: &TEAMS,
    id: "Upload",
    method: Method::POST,
    path: "/{connectionId}/datasets/{dataset}/files",
    safe: false,
};

async fn hub(server: &MockServer) -> connector_runtime::Result<Connection> {
    Ok(Connection::runtime_url(format!("{}/apim/sharepoint/c1", server.uri()))?.with_bearer_token("t"))
}

async fn only_request(server: &MockServer) -> Result<Request, Box<dyn std::error::Error>> {
    let mut requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 1, "expected exactly one request");
    requests.pop().ok_or_else(|| "no request".into())
}

#[tokio::test]
async fn double_encoded_path_parameter_on_the_wire() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    hub(&server).await?.request(&UPLOAD).path_param("dataset", "a/b c", UrlEncoding::Double).send().await?;
    let request = only_request(&server).await?;
    assert_eq!(request.url.path(), "/apim/sharepoint/c1/datasets/a%252Fb%2520c/files");
    Ok(())
}

#[tokio::test]
async fn single_encoded_path_parameter_on_the_wire() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    hub(&server).await?.request(&GET_ITEM).path_param("id", "x/y#z", UrlEncoding::Single).send().await?;
    assert_eq!(only_request(&server).await?.url.path(), "/apim/sharepoint/c1/items/x%2Fy%23z");
    Ok(())
}

#[tokio::test]
async fn query_values_are_locale_independent_and_csv() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    hub(&server)
        .await?
        .request(&GET_ITEMS)
        .query("$top", &Some(50))
        .query("$skip", &None::<i32>)
        .query("includeArchived", &false)
        .query("ratio", &0.25f64)
        .query("$select", &vec!["id", "display name"])
        .query("$filter", "name eq 'a&b'")
        .query_with("feedUrl", "https://x/y?z=1", UrlEncoding::Double)
        .send()
        .await?;
    let request = only_request(&server).await?;
    assert_eq!(
        request.url.query(),
        Some(
            "$top=50&includeArchived=false&ratio=0.25&$select=id,display%20name\
             &$filter=name%20eq%20%27a%26b%27&feedUrl=https://x/y%253Fz%253D1"
        )
    );
    Ok(())
}

#[tokio::test]
async fn header_parameters_are_sent() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    hub(&server)
        .await?
        .request(&GET_ITEMS)
        .header("x-ms-flag", &true)
        .header("x-count", &vec![1, 2])
        .header("x-absent", &None::<String>)
        .send()
        .await?;
    let request = only_request(&server).await?;
    let text = |name: &str| request.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    assert_eq!(text("x-ms-flag").as_deref(), Some("true"));
    assert_eq!(text("x-count").as_deref(), Some("1,2"));
    assert!(text("x-absent").is_none());
    Ok(())
}

#[tokio::test]
async fn json_body_with_content_type() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(header("content-type", "application/json"))
        .and(body_string(r#"{"subject":"hi","to":["a@b"]}"#))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let body = serde_json::json!({"subject": "hi", "to": ["a@b"]});
    hub(&server).await?.request(&POST_ITEM).json(&body).send().await?;
    Ok(())
}

#[tokio::test]
async fn explicit_content_type_parameter_is_honoured() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(header("content-type", "text/json"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    hub(&server).await?.request(&POST_ITEM).json(&1).content_type("text/json").send().await?;
    Ok(())
}

#[tokio::test]
async fn urlencoded_form_body() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string("grant+type=client_credentials&scope=a+b&n=3"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    hub(&server)
        .await?
        .request(&POST_ITEM)
        .form_field("grant type", "client_credentials")
        .form_field("scope", "a b")
        .form_field("skipped", &None::<i32>)
        .form_field("n", &3)
        .send()
        .await?;
    Ok(())
}

#[tokio::test]
async fn multipart_body_with_file_part() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    hub(&server)
        .await?
        .request(&POST_ITEM)
        .multipart_text("title", "Q3 report")
        .multipart_file("file", File::new("q3.pdf", "application/pdf", b"%PDF-1.7".to_vec()))
        .send()
        .await?;
    let request = only_request(&server).await?;
    let content_type = request.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let boundary =
        content_type.strip_prefix("multipart/form-data; boundary=").ok_or("multipart content type with boundary")?;
    let expected = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nQ3 report\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"q3.pdf\"\r\n\
         Content-Type: application/pdf\r\n\r\n%PDF-1.7\r\n--{boundary}--\r\n"
    );
    assert_eq!(String::from_utf8_lossy(&request.body), expected);
    Ok(())
}

#[tokio::test]
async fn raw_bytes_and_text_bodies() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(header("content-type", "application/octet-stream"))
        .and(body_bytes(vec![0u8, 159, 146, 150]))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(header("content-type", "text/plain"))
        .and(body_string("héllo"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let conn = hub(&server).await?;
    conn.request(&POST_ITEM).bytes("application/octet-stream", vec![0u8, 159, 146, 150]).send().await?;
    conn.request(&POST_ITEM).text("text/plain", "héllo").send().await?;
    Ok(())
}

#[tokio::test]
async fn streamed_body_is_sent() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(body_string("chunk-1chunk-2")).respond_with(ResponseTemplate::new(200)).expect(1).mount(&server).await;
    let chunks = futures::stream::iter(vec![
        Ok::<_, std::io::Error>(bytes::Bytes::from_static(b"chunk-1")),
        Ok(bytes::Bytes::from_static(b"chunk-2")),
    ]);
    hub(&server).await?.request(&POST_ITEM).stream("application/octet-stream", chunks).send().await?;
    Ok(())
}

#[tokio::test]
async fn missing_path_parameter_is_a_config_error_before_sending() -> TestResult {
    let server = MockServer::start().await;
    let err = hub(&server).await?.request(&GET_ITEM).send().await.err().ok_or("expected error")?;
    assert_eq!(err.kind(), connector_runtime::ErrorKind::Config);
    assert!(err.to_string().contains("`id`"), "{err}");
    assert!(server.received_requests().await.unwrap_or_default().is_empty());
    Ok(())
}

#[tokio::test]
async fn accept_json_is_sent_by_default() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(path("/apim/sharepoint/c1/items"))
        .and(header("accept", "application/json"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    hub(&server).await?.request(&GET_ITEMS).send().await?;
    Ok(())
}
