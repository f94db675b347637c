//! teams-sync against a fake Graph serving a generated dataset: two readable teams with settings, four channels,
//! 2,400 messages with replies (some more than Graph inlines), edits and soft deletes, one team answering 403,
//! throttling bursts with `Retry-After`, and `@odata.nextLink` paging that honours `$top`.

use connector_runtime::{Connection, RetryPolicy};
use connector_sync::rusqlite;
use connector_sync::rusqlite::types::Value as SqlValue;
use connector_sync::{SqliteSink, Table};
use serde_json::{Value, json};
use teams_sync::run::{RunOptions, run};
use teams_sync::source::GraphSource;
use teams_sync::tables;
use wiremock::MockServer;

type TestResult = Result<(), Box<dyn std::error::Error>>;

mod support;

use support::{CHANNELS, Dataset, TEAMS, message, reply, start};

fn source(server: &MockServer) -> connector_runtime::Result<GraphSource> {
    let connection = Connection::direct(format!("{}/v1.0", server.uri()))?
        .with_bearer_token("t")
        .with_retry(RetryPolicy::default().max_retries(6));
    Ok(GraphSource::new(connector_msgraph_teams::Client::new(connection), Some(50)))
}

fn count(sink: &SqliteSink, table: &str) -> i64 {
    sink.connection().query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0)).unwrap_or(-1)
}

/// Every stored row of every table (without the sync timestamp), in key order.
fn dump(sink: &SqliteSink) -> Vec<String> {
    let mut rows = Vec::new();
    for table in ["teams", "channels", "members", "messages", "message_replies"] {
        let Ok(mut statement) = sink.connection().prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2, 3")) else {
            continue;
        };
        let names: Vec<String> = statement.column_names().map(str::to_owned).collect();
        let Ok(mut result) = statement.query([]) else { continue };
        while let Ok(Some(row)) = result.next() {
            let fields: Vec<String> = (0..names.len())
                .filter(|i| names[*i] != "_synced_at")
                .map(|i| format!("{}={:?}", names[i], row.get::<_, SqlValue>(i).ok()))
                .collect();
            rows.push(format!("{table}: {}", fields.join(", ")));
        }
    }
    rows
}

/// A JSON value with `null` object members removed (Graph treats absent and null alike).
fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), without_nulls(v))).collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

/// A stored column as the JSON value it came from, guided by the expected value's type.
fn as_json(stored: &SqlValue, expected: &Value) -> Value {
    match (stored, expected) {
        (SqlValue::Null, _) => Value::Null,
        (SqlValue::Integer(i), Value::Bool(_)) => json!(*i != 0),
        (SqlValue::Integer(i), _) => json!(i),
        (SqlValue::Real(f), _) => json!(f),
        (SqlValue::Text(text), Value::Object(_) | Value::Array(_)) => {
            serde_json::from_str(text).unwrap_or(Value::String(text.clone()))
        }
        (SqlValue::Text(text), _) => Value::String(text.clone()),
        (SqlValue::Blob(_), _) => Value::String("<blob>".to_owned()),
    }
}

/// Checks that `table` holds exactly `expected` (parent ids and the item Graph served), field by field.
fn assert_exact(sink: &SqliteSink, table: &Table, expected: &[(Vec<&str>, Value)]) -> TestResult {
    assert_eq!(count(sink, &table.name), expected.len() as i64, "{} row count", table.name);
    let mut filter: Vec<String> = table.parent_columns.iter().map(|c| format!("\"{c}\" = ?")).collect();
    filter.push("\"id\" = ?".to_owned());
    let columns: Vec<String> = table.columns.iter().map(|c| format!("\"{}\"", c.name)).collect();
    let sql = format!("SELECT {} FROM {} WHERE {}", columns.join(", "), table.name, filter.join(" AND "));
    let mut statement = sink.connection().prepare(&sql)?;
    for (parents, item) in expected {
        let id = item["id"].as_str().unwrap_or_default();
        let mut keys: Vec<&str> = parents.clone();
        keys.push(id);
        let stored: Vec<SqlValue> = statement.query_row(rusqlite::params_from_iter(keys.iter()), |row| {
            (0..table.columns.len()).map(|i| row.get::<_, SqlValue>(i)).collect()
        })?;
        for (column, value) in table.columns.iter().zip(&stored) {
            let want = without_nulls(item.get(&column.path).unwrap_or(&Value::Null));
            let got = without_nulls(&as_json(value, &want));
            assert_eq!(got, want, "{} {keys:?} column {}", table.name, column.name);
        }
    }
    Ok(())
}

#[tokio::test]
async fn thousands_of_messages_and_replies_copied_exactly_through_throttling_and_a_forbidden_team() -> TestResult {
    let data = Dataset::new(37);
    let server = start(&data).await;
    let source = source(&server)?;
    let mut sink = SqliteSink::in_memory()?;
    let summary = run(&source, &mut sink, &RunOptions::default(), &|_, _, _| {}).await?;

    let lookback = RunOptions::default().lookback;
    let threads = data.messages.lock().map(|m| m.clone()).unwrap_or_default();
    let messages: Vec<(Vec<&str>, Value)> =
        threads.iter().map(|(t, c, m, _)| (vec![t.as_str(), c.as_str()], m.clone())).collect();
    let replies: Vec<(Vec<&str>, Value)> = threads
        .iter()
        .flat_map(|(t, c, m, replies)| {
            let root = m["id"].as_str().unwrap_or_default();
            replies.iter().map(move |r| (vec![t.as_str(), c.as_str(), root], r.clone()))
        })
        .collect();
    assert_eq!((messages.len(), replies.len()), (2400, 432));
    assert_exact(&sink, &tables::messages(lookback), &messages)?;
    assert_exact(&sink, &tables::message_replies(lookback), &replies)?;
    // Teams: the group row completed with the team resource; t3 refuses that read and keeps its group fields.
    let teams: Vec<(Vec<&str>, Value)> = TEAMS
        .iter()
        .map(|t| {
            let row = if *t == "t3" {
                json!({"id": t, "displayName": format!("Team {t}"), "visibility": "Private"})
            } else {
                support::team(t)
            };
            (vec![], row)
        })
        .collect();
    assert_exact(&sink, &tables::teams(), &teams)?;
    let readable = &TEAMS[..2];
    let channels: Vec<(Vec<&str>, Value)> =
        readable.iter().flat_map(|t| CHANNELS.iter().map(move |c| (vec![*t], support::channel(t, c)))).collect();
    assert_exact(&sink, &tables::channels(), &channels)?;
    let members: Vec<(Vec<&str>, Value)> =
        readable.iter().flat_map(|t| support::members(t).into_iter().map(move |m| (vec![*t], m))).collect();
    assert_exact(&sink, &tables::members(), &members)?;

    assert_eq!(summary.skipped.len(), 1, "{:?}", summary.skipped);
    assert!(summary.skipped[0].0 == "team t3" && summary.skipped[0].1.starts_with("403"), "{:?}", summary.skipped);
    let stats = source.stats();
    // Bursts of three 429s every 37 requests: every request that met one was retried until it got through.
    assert!(stats.throttled_waits >= 3 * (stats.requests / 37 - 1), "{stats:?}");
    assert_eq!(stats.retries, stats.throttled_waits, "only throttling was retried: {stats:?}");
    // Pages needed: 2400 / 50 = 48 message pages (replies inline), one more page for each of the 48 messages
    // with more replies than Graph inlines, 1 groups page plus 3 team reads for the teams table (which also
    // discovers the teams), per readable team 1 channels page, 1 members page and 1 channel discovery, and
    // t3's refused channels call.
    let needed = 48 + data.overflowing_threads() + (1 + 3) + 2 * 3 + 1;
    assert_eq!(data.overflowing_threads(), 48);
    assert_eq!(stats.requests - stats.retries, needed as u64, "no wasted requests: {stats:?}");
    Ok(())
}

/// An uninterrupted first run over the standard dataset: what the other runs must end up equal to.
async fn reference_run() -> Result<(std::sync::Arc<Dataset>, SqliteSink), Box<dyn std::error::Error>> {
    let data = Dataset::new(0);
    let server = start(&data).await;
    let mut sink = SqliteSink::in_memory()?;
    run(&source(&server)?, &mut sink, &RunOptions::default(), &|_, _, _| {}).await?;
    Ok((data, sink))
}

#[tokio::test]
async fn a_run_killed_mid_way_then_rerun_equals_an_uninterrupted_run() -> TestResult {
    let (_, reference) = reference_run().await?;

    for killed_after in [3, 7, 30] {
        let data = Dataset::new(0);
        if let Ok(mut fail) = data.fail_after_message_pages.lock() {
            *fail = Some(killed_after);
        }
        let server = start(&data).await;
        let mut sink = SqliteSink::in_memory()?;
        let killed = run(&source(&server)?, &mut sink, &RunOptions::default(), &|_, _, _| {}).await;
        assert!(killed.is_err(), "the run is killed after {killed_after} message pages");
        assert!(count(&sink, "messages") > 0, "some pages were written before the crash");
        if let Ok(mut fail) = data.fail_after_message_pages.lock() {
            *fail = None;
        }
        run(&source(&server)?, &mut sink, &RunOptions::default(), &|_, _, _| {}).await?;
        assert_eq!(dump(&sink), dump(&reference), "killed after {killed_after} message pages, then rerun");
    }
    Ok(())
}

#[tokio::test]
async fn a_page_limit_spreads_the_first_sync_over_runs_that_read_every_page_once() -> TestResult {
    let (reference_data, reference) = reference_run().await?;
    let reference_requests = reference_data.requests.load(std::sync::atomic::Ordering::SeqCst);

    let data = Dataset::new(0);
    let server = start(&data).await;
    let mut sink = SqliteSink::in_memory()?;
    let options = RunOptions { max_pages: Some(5), ..RunOptions::default() };
    let mut runs = 0;
    loop {
        runs += 1;
        let summary = run(&source(&server)?, &mut sink, &options, &|_, _, _| {}).await?;
        if !summary.tables.iter().any(|(_, _, report)| report.truncated) || runs == 10 {
            break;
        }
    }
    // 12 message pages per channel, 5 per run: the third run finishes every channel.
    assert_eq!(runs, 3);
    assert_eq!(dump(&sink), dump(&reference));
    // Each message page was read once; only the per-run reads (teams, channels, members, discovery) repeat.
    let message_pages = data.message_pages.load(std::sync::atomic::Ordering::SeqCst);
    assert_eq!(message_pages, reference_data.message_pages.load(std::sync::atomic::Ordering::SeqCst));
    let per_run = 1 + 3 + 2 * 3 + 1;
    let requests = data.requests.load(std::sync::atomic::Ordering::SeqCst);
    assert_eq!(requests, reference_requests + 2 * per_run);
    Ok(())
}

#[tokio::test]
async fn edits_new_messages_replies_and_soft_deletes_are_picked_up_without_duplicates() -> TestResult {
    let data = Dataset::new(0);
    let server = start(&data).await;
    let mut sink = SqliteSink::in_memory()?;
    run(&source(&server)?, &mut sink, &RunOptions::default(), &|_, _, _| {}).await?;
    let later = "2026-11-05T10:00:00Z";
    if let Ok(mut messages) = data.messages.lock() {
        // Three old messages soft-deleted, an old message edited, a new reply on it and an edit of an existing
        // reply far down the list, and a new message.
        for (_, _, m, _) in messages.iter_mut().filter(|(t, c, _, _)| t == "t1" && c == "c1").take(3) {
            m["lastModifiedDateTime"] = json!(later);
            m["deletedDateTime"] = json!(later);
        }
        if let Some((_, _, m, replies)) = messages.iter_mut().find(|(_, _, m, _)| m["id"] == "t2-c2-m00100") {
            m["lastModifiedDateTime"] = json!(later);
            m["lastEditedDateTime"] = json!(later);
            m["body"]["content"] = json!("<p>hello 100 (edited)</p>");
            replies[4]["lastModifiedDateTime"] = json!(later);
            replies[4]["body"]["content"] = json!("<p>re 100 (edited)</p>");
            replies.push(reply("t2-c2-m00100", "t2-c2-m00100-r6", 9000, "a late reply"));
        }
        messages.push(("t1".into(), "c1".into(), message("t1-c1-new", 9000, "new one"), Vec::new()));
    }
    let summary = run(&source(&server)?, &mut sink, &RunOptions::default(), &|_, _, _| {}).await?;
    let (inserted, updated, _) = summary.totals();
    assert_eq!((inserted, updated), (2, 5), "new: a message and a reply; updated: 4 messages and a reply");
    assert_eq!((count(&sink, "messages"), count(&sink, "message_replies")), (2401, 433), "no duplicates");
    let deleted: i64 =
        sink.connection()
            .query_row("SELECT COUNT(*) FROM messages WHERE deletedDateTime IS NOT NULL", [], |r| r.get(0))?;
    assert_eq!(deleted, 3, "soft deletes are kept as data");
    let edited: String = sink.connection().query_row(
        "SELECT body FROM message_replies WHERE parent_message_id = 't2-c2-m00100' AND id = 't2-c2-m00100-r5'",
        [],
        |r| r.get(0),
    )?;
    assert!(edited.contains("re 100 (edited)"), "{edited}");
    Ok(())
}

#[tokio::test]
async fn without_replies_messages_are_read_without_expansion_and_no_reply_is_stored() -> TestResult {
    let data = Dataset::new(0);
    let server = start(&data).await;
    let source = source(&server)?.without_replies();
    let mut sink = SqliteSink::in_memory()?;
    run(&source, &mut sink, &RunOptions::default(), &|_, _, _| {}).await?;
    assert_eq!(count(&sink, "messages"), 2400);
    assert_eq!(count(&sink, "message_replies"), -1, "the replies table is never created");
    let expanded = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.query().is_some_and(|q| q.contains("expand")))
        .count();
    assert_eq!(expanded, 0);
    Ok(())
}
