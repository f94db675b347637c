//! teams-sync against a fake Graph serving a generated dataset: several teams and channels, thousands of
//! messages with replies, edits and soft deletes, one team answering 403, throttling bursts with `Retry-After`,
//! and `@odata.nextLink` paging that honours `$top`.

use connector_runtime::{Connection, RetryPolicy};
use connector_sync::SqliteSink;
use serde_json::json;
use teams_sync::run::{RunOptions, run};
use teams_sync::source::GraphSource;
use wiremock::MockServer;

type TestResult = Result<(), Box<dyn std::error::Error>>;

mod support;

use support::{Dataset, message, start};

fn source(server: &MockServer) -> connector_runtime::Result<GraphSource> {
    let connection = Connection::direct(format!("{}/v1.0", server.uri()))?
        .with_bearer_token("t")
        .with_retry(RetryPolicy::default().max_retries(6));
    Ok(GraphSource::new(connector_msgraph_teams::Client::new(connection), Some(50)))
}

fn options() -> RunOptions {
    RunOptions { replies: false, ..RunOptions::default() }
}

fn count(sink: &SqliteSink, table: &str) -> i64 {
    sink.connection().query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0)).unwrap_or(-1)
}

fn dump(sink: &SqliteSink) -> Vec<(String, String, String, String)> {
    let Ok(mut statement) = sink
        .connection()
        .prepare("SELECT team_id, channel_id, id, _json FROM messages ORDER BY team_id, channel_id, id")
    else {
        return Vec::new();
    };
    statement
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .map(|rows| rows.filter_map(Result::ok).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn thousands_of_messages_copied_exactly_through_throttling_and_a_forbidden_team() -> TestResult {
    let data = Dataset::new(37);
    let server = start(&data).await;
    let source = source(&server)?;
    let mut sink = SqliteSink::in_memory()?;
    let summary = run(&source, &mut sink, &options(), &|_, _, _| {}).await?;
    assert_eq!(count(&sink, "messages"), 2400);
    assert_eq!(count(&sink, "channels"), 4);
    assert_eq!(summary.skipped.len(), 1, "{:?}", summary.skipped);
    let stats = source.stats();
    assert!(stats.throttled_waits > 0, "{stats:?}");
    // Pages needed: 2400 / 50 = 48 message pages, 1 groups page, 2 channel pages per team (sync + discovery)
    // and 1 members page per team, 1 discovery of teams; t3's first call is refused.
    let needed = 48 + 1 + 1 + 2 * 3 + 1;
    assert_eq!(stats.requests - stats.retries, needed as u64, "no wasted requests: {stats:?}");
    Ok(())
}

#[tokio::test]
async fn a_run_killed_mid_way_then_rerun_equals_an_uninterrupted_run() -> TestResult {
    let reference_data = Dataset::new(0);
    let reference_server = start(&reference_data).await;
    let mut reference = SqliteSink::in_memory()?;
    run(&source(&reference_server)?, &mut reference, &options(), &|_, _, _| {}).await?;

    let data = Dataset::new(0);
    if let Ok(mut fail) = data.fail_after_message_pages.lock() {
        *fail = Some(7);
    }
    let server = start(&data).await;
    let mut sink = SqliteSink::in_memory()?;
    assert!(run(&source(&server)?, &mut sink, &options(), &|_, _, _| {}).await.is_err(), "the run is killed");
    assert!(count(&sink, "messages") > 0, "some pages were written before the crash");
    if let Ok(mut fail) = data.fail_after_message_pages.lock() {
        *fail = None;
    }
    run(&source(&server)?, &mut sink, &options(), &|_, _, _| {}).await?;
    assert_eq!(dump(&sink), dump(&reference));
    Ok(())
}

#[tokio::test]
async fn edits_new_messages_and_soft_deletes_are_picked_up_without_duplicates() -> TestResult {
    let data = Dataset::new(0);
    let server = start(&data).await;
    let mut sink = SqliteSink::in_memory()?;
    run(&source(&server)?, &mut sink, &options(), &|_, _, _| {}).await?;
    if let Ok(mut messages) = data.messages.lock() {
        for (_, _, m, _) in messages.iter_mut().filter(|(t, c, _, _)| t == "t1" && c == "c1").take(3) {
            m["lastModifiedDateTime"] = json!("2026-11-02T10:00:00Z");
            m["deletedDateTime"] = json!("2026-11-02T10:00:00Z");
        }
        messages.push(("t1".into(), "c1".into(), message("t1-c1-new", 2000, "new one"), Vec::new()));
    }
    let summary = run(&source(&server)?, &mut sink, &options(), &|_, _, _| {}).await?;
    let (inserted, updated, _) = summary.totals();
    assert_eq!((inserted, updated), (1, 3));
    assert_eq!(count(&sink, "messages"), 2401);
    let deleted: i64 =
        sink.connection()
            .query_row("SELECT COUNT(*) FROM messages WHERE deletedDateTime IS NOT NULL", [], |r| r.get(0))?;
    assert_eq!(deleted, 3, "soft deletes are kept as data");
    Ok(())
}
