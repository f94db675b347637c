//! teams-sync against a small fake Microsoft Graph on 127.0.0.1: the first run copies everything, a second run
//! picks up an edit without duplicates, a team answering 403 is skipped and reported.

use connector_runtime::Connection;
use connector_sync::SqliteSink;
use serde_json::{Value, json};
use teams_sync::run::{RunOptions, run};
use teams_sync::source::GraphSource;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn message(id: &str, modified: &str, text: &str) -> Value {
    json!({"id": id, "messageType": "message", "createdDateTime": "2026-11-01T09:00:00Z",
           "lastModifiedDateTime": modified, "body": {"contentType": "text", "content": text},
           "from": {"user": {"id": "u1", "displayName": "Ann"}}})
}

async fn mount(server: &MockServer, at: &str, body: Value) {
    Mock::given(method("GET"))
        .and(path(at))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(server)
        .await;
}

async fn fake_graph(edited: bool) -> MockServer {
    let server = MockServer::start().await;
    let base = format!("{}/v1.0", server.uri());
    mount(
        &server,
        "/v1.0/groups",
        json!({"value": [{"id": "t1", "displayName": "Team 1"}, {"id": "t2", "displayName": "Secret"}]}),
    )
    .await;
    mount(
        &server,
        "/v1.0/teams/t1/channels",
        json!({"value": [{"id": "c1", "displayName": "General", "membershipType": "standard"}]}),
    )
    .await;
    mount(
        &server,
        "/v1.0/teams/t1/members",
        json!({"value": [{"id": "mem1", "displayName": "Ann", "roles": ["owner"], "userId": "u1"}]}),
    )
    .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/teams/t2/channels"))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_json(json!({"error": {"code": "Forbidden", "message": "Missing role permissions"}})),
        )
        .mount(&server)
        .await;
    let m2_text = if edited { "second (edited)" } else { "second" };
    let m2_modified = if edited { "2026-11-02T10:00:00Z" } else { "2026-11-01T10:02:00Z" };
    Mock::given(method("GET"))
        .and(path("/v1.0/teams/t1/channels/c1/messages"))
        .and(query_param_is_missing("$skiptoken"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [message("m3", "2026-11-01T10:03:00Z", "third"), message("m2", m2_modified, m2_text)],
            "@odata.nextLink": format!("{base}/teams/t1/channels/c1/messages?$top=50&$skiptoken=p2")
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/teams/t1/channels/c1/messages"))
        .and(query_param("$skiptoken", "p2"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"value": [message("m1", "2026-11-01T10:01:00Z", "first")]})),
        )
        .mount(&server)
        .await;
    mount(
        &server,
        "/v1.0/teams/t1/channels/c1/messages/m1/replies",
        json!({"value": [message("r1", "2026-11-01T11:00:00Z", "reply")]}),
    )
    .await;
    for id in ["m2", "m3"] {
        mount(&server, &format!("/v1.0/teams/t1/channels/c1/messages/{id}/replies"), json!({"value": []})).await;
    }
    server
}

fn source(server: &MockServer) -> connector_runtime::Result<GraphSource> {
    let connection = Connection::direct(format!("{}/v1.0", server.uri()))?.with_bearer_token("graph-token");
    Ok(GraphSource::new(connector_msgraph_teams::Client::new(connection), Some(50)))
}

fn count(sink: &SqliteSink, table: &str) -> i64 {
    sink.connection().query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0)).unwrap_or(-1)
}

#[tokio::test]
async fn first_run_copies_everything_and_reports_the_forbidden_team() -> TestResult {
    let server = fake_graph(false).await;
    let mut sink = SqliteSink::in_memory()?;
    let summary = run(&source(&server)?, &mut sink, &RunOptions::default(), &|_, _, _| {}).await?;
    assert_eq!((count(&sink, "teams"), count(&sink, "channels"), count(&sink, "members")), (2, 1, 1));
    assert_eq!((count(&sink, "messages"), count(&sink, "message_replies")), (3, 1));
    assert_eq!(summary.skipped.len(), 1);
    assert!(summary.skipped[0].0.contains("t2") && summary.skipped[0].1.starts_with("403"), "{:?}", summary.skipped);
    let parent: String =
        sink.connection()
            .query_row("SELECT parent_message_id FROM message_replies WHERE id = 'r1'", [], |r| r.get(0))?;
    assert_eq!(parent, "m1");
    Ok(())
}

#[tokio::test]
async fn second_run_picks_up_edits_without_duplicates() -> TestResult {
    let first = fake_graph(false).await;
    let mut sink = SqliteSink::in_memory()?;
    run(&source(&first)?, &mut sink, &RunOptions::default(), &|_, _, _| {}).await?;
    let edited = fake_graph(true).await;
    let summary = run(&source(&edited)?, &mut sink, &RunOptions::default(), &|_, _, _| {}).await?;
    assert_eq!(count(&sink, "messages"), 3, "no duplicates");
    let body: String = sink.connection().query_row("SELECT body FROM messages WHERE id = 'm2'", [], |r| r.get(0))?;
    assert!(body.contains("second (edited)"), "{body}");
    let (_, updated, _) = summary.totals();
    assert!(updated >= 1);
    Ok(())
}
