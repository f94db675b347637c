//! teams-sync against a small fake Microsoft Graph on 127.0.0.1: the first run copies everything, a second run
//! picks up an edit without duplicates, a team answering 403 is skipped and reported, explicit message ids read
//! replies through the replies list.

use connector_runtime::Connection;
use connector_sync::SqliteSink;
use serde_json::{Value, json};
use teams_sync::run::{RunOptions, run};
use teams_sync::source::GraphSource;
use wiremock::matchers::{method, path, path_regex, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn message(id: &str, modified: &str, text: &str) -> Value {
    json!({"id": id, "messageType": "message", "createdDateTime": "2026-11-01T09:00:00Z",
           "lastModifiedDateTime": modified, "body": {"contentType": "text", "content": text},
           "from": {"user": {"id": "u1", "displayName": "Ann"}}, "replies": []})
}

/// m1 with its reply inline, as `$expand=replies` returns it.
fn first_with_reply() -> Value {
    let mut first = message("m1", "2026-11-01T10:01:00Z", "first");
    first["replies"] = json!([reply_r1()]);
    first
}

fn reply_r1() -> Value {
    let mut reply = message("r1", "2026-11-01T11:00:00Z", "reply");
    reply["replyToId"] = json!("m1");
    reply
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
        "/v1.0/teams/t1",
        json!({"id": "t1", "displayName": "Team 1", "memberSettings": {"allowDeleteChannels": false}}),
    )
    .await;
    mount(
        &server,
        "/v1.0/teams/t1/members",
        json!({"value": [{"id": "mem1", "displayName": "Ann", "roles": ["owner"], "userId": "u1"}]}),
    )
    .await;
    Mock::given(method("GET"))
        .and(path_regex("^/v1.0/teams/t2(/channels)?$"))
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
        .and(query_param("$expand", "replies"))
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
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [first_with_reply()]})))
        .mount(&server)
        .await;
    mount(&server, "/v1.0/teams/t1/channels/c1/messages/m1/replies", json!({"value": [reply_r1()]})).await;
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

#[tokio::test]
async fn the_replies_table_costs_no_request_per_message() -> TestResult {
    let server = fake_graph(false).await;
    let mut sink = SqliteSink::in_memory()?;
    run(&source(&server)?, &mut sink, &RunOptions::default(), &|_, _, _| {}).await?;
    let replies_calls = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path().ends_with("/replies"))
        .count();
    assert_eq!(replies_calls, 0, "replies came inline with their messages");
    assert_eq!(count(&sink, "message_replies"), 1);
    Ok(())
}

#[tokio::test]
async fn explicit_message_ids_read_replies_of_messages_this_run_did_not_list() -> TestResult {
    let server = fake_graph(false).await;
    let mut sink = SqliteSink::in_memory()?;
    // One page only: m1 (on the second page) is not read, so its replies come from its replies list.
    let options = RunOptions {
        teams: vec!["t1".into()],
        channels: vec!["c1".into()],
        messages: vec!["m1".into()],
        max_pages: Some(1),
        ..RunOptions::default()
    };
    let summary = run(&source(&server)?, &mut sink, &options, &|_, _, _| {}).await?;
    assert_eq!(count(&sink, "teams"), -1, "explicit teams leave the teams table alone");
    assert_eq!(count(&sink, "messages"), 2);
    let replies: Vec<(String, String)> = {
        let mut statement = sink.connection().prepare("SELECT parent_message_id, id FROM message_replies")?;
        let rows = statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    assert_eq!(replies, vec![("m1".to_owned(), "r1".to_owned())]);
    assert!(summary.skipped.is_empty(), "{:?}", summary.skipped);
    let replies_calls = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == "/v1.0/teams/t1/channels/c1/messages/m1/replies")
        .count();
    assert_eq!(replies_calls, 1);
    Ok(())
}

#[tokio::test]
async fn without_team_read_permission_teams_keep_their_group_fields_and_the_summary_says_why() -> TestResult {
    let server = fake_graph(false).await;
    Mock::given(method("GET"))
        .and(path_regex("^/v1.0/teams/[^/]+$"))
        .respond_with(ResponseTemplate::new(403).set_body_json(
            json!({"error": {"code": "Forbidden", "message": "Missing role permissions on the request"}}),
        ))
        .with_priority(1)
        .mount(&server)
        .await;
    let mut sink = SqliteSink::in_memory()?;
    let summary = run(&source(&server)?, &mut sink, &RunOptions::default(), &|_, _, _| {}).await?;
    assert_eq!(count(&sink, "teams"), 2);
    let name: String =
        sink.connection().query_row("SELECT displayName FROM teams WHERE id = 't1'", [], |r| r.get(0))?;
    assert_eq!(name, "Team 1", "the group's fields are kept");
    let settings = summary
        .skipped
        .iter()
        .find(|(what, _)| what == "team settings")
        .map(|(_, why)| why.clone())
        .unwrap_or_default();
    assert!(settings.contains("Team.ReadBasic.All"), "{:?}", summary.skipped);
    let team_reads = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| {
            r.url.path().trim_start_matches("/v1.0/teams/").split('/').count() == 1
                && r.url.path().starts_with("/v1.0/teams/")
        })
        .count();
    assert_eq!(team_reads, 1, "asked once, not once per team");
    Ok(())
}
