//! The generated crates for real connectors, against a real server on 127.0.0.1: a managed connector through a
//! connection runtime URL (Office 365, Teams) and a custom connector called directly (ServiceNow).

use connector_runtime::Connection;
use connector_runtime::futures::TryStreamExt;
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[tokio::test]
async fn office365_send_email_v2_through_the_runtime_url() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/apim/office365/conn-1/v2/Mail"))
        .and(header("authorization", "Bearer hub-token"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let connection =
        Connection::runtime_url(format!("{}/apim/office365/conn-1", server.uri()))?.with_bearer_token("hub-token");
    let client = connector_office365::Client::new(connection);
    let message = connector_office365::models::ClientSendHtmlMessage {
        to: "ann@contoso.com".to_owned(),
        subject: "Quarterly report".to_owned(),
        body: "<p>Attached.</p>".to_owned(),
        ..Default::default()
    };
    client.send_email_v2(message).await?;
    let requests = server.received_requests().await.unwrap_or_default();
    let sent: serde_json::Value = serde_json::from_slice(&requests[0].body)?;
    assert_eq!(sent, json!({"To": "ann@contoso.com", "Subject": "Quarterly report", "Body": "<p>Attached.</p>"}));
    Ok(())
}

#[tokio::test]
async fn teams_channel_messages_stream_across_pages() -> TestResult {
    let server = MockServer::start().await;
    let base = format!("{}/apim/teams/conn-2", server.uri());
    let messages_path = "/apim/teams/conn-2/beta/teams/team-1/channels/19%3Achannel%40thread.tacv2/messages";
    Mock::given(path(messages_path))
        .and(query_param("$skiptoken", "p2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [{"id": "m3"}]})))
        .mount(&server)
        .await;
    Mock::given(path(messages_path))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [{"id": "m1"}, {"id": "m2"}],
            "@odata.nextLink": format!("{base}/beta/teams/team-1/channels/19%3Achannel%40thread.tacv2/messages?$skiptoken=p2")
        })))
        .mount(&server)
        .await;
    let client = connector_teams::Client::new(Connection::runtime_url(&base)?.with_bearer_token("t"));
    let messages: Vec<_> =
        client.get_messages_from_channel("team-1", "19:channel@thread.tacv2").into_stream().try_collect().await?;
    let ids: Vec<String> = messages.iter().filter_map(|m| m.id.clone()).collect();
    assert_eq!(ids, ["m1", "m2", "m3"]);
    Ok(())
}

#[tokio::test]
async fn servicenow_called_directly_at_its_own_host() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/now/v1/attachment/abc123"))
        .and(header("authorization", "Bearer sn-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"result": {"file_name": "a.txt"}})))
        .expect(1)
        .mount(&server)
        .await;
    let client = connector_servicenow::Client::new(Connection::direct(server.uri())?.with_bearer_token("sn-token"));
    let attachment = client.get_attachment("abc123").await?;
    assert!(format!("{attachment:?}").contains("a.txt"));
    Ok(())
}

/// The README's "Using a generated connector" example, kept compiling here (it is not run: it needs Azure).
#[allow(dead_code)]
async fn readme_example() -> connector_office365::Result<()> {
    use connector_office365::models::ClientSendHtmlMessage;
    use connector_office365::{Client, Connection};

    let connection = Connection::from_env("OFFICE365")?
        .with_credential(connector_runtime::auth::ManagedIdentityCredential::system_assigned());
    let outlook = Client::new(connection);
    let message = ClientSendHtmlMessage {
        to: "ann@contoso.com".into(),
        subject: "Quarterly report".into(),
        body: "<p>Attached.</p>".into(),
        ..Default::default()
    };
    outlook.send_email_v2(message).await?;
    let inbox = outlook.get_emails_v3().top(10).send_with_response().await?;
    println!("{} {:?}", inbox.status(), inbox.body());
    Ok(())
}
