//! teams-sync against a fake Graph serving a generated dataset: several teams and channels, thousands of
//! messages with replies, edits and soft deletes, one team answering 403, throttling bursts with `Retry-After`,
//! and `@odata.nextLink` paging that honours `$top`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use connector_runtime::{Connection, RetryPolicy};
use connector_sync::SqliteSink;
use serde_json::{Value, json};
use teams_sync::run::{RunOptions, run};
use teams_sync::source::GraphSource;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// One root message of a channel, with its replies: (team, channel, message, replies).
type Thread = (String, String, Value, Vec<Value>);

/// The fake Graph's data and behaviour.
struct Dataset {
    base: Mutex<String>,
    /// (team, channel) -> root messages, each with its replies.
    messages: Mutex<Vec<Thread>>,
    requests: AtomicUsize,
    /// Every `throttle_every`-th request answers 429 with `Retry-After: 0` first.
    throttle_every: usize,
    /// Fail (400) every message page request after this many, to simulate a killed run.
    fail_after_message_pages: Mutex<Option<usize>>,
    message_pages: AtomicUsize,
}

fn message(id: &str, minute: usize, text: &str) -> Value {
    json!({"id": id, "messageType": "message", "createdDateTime": format!("2026-11-01T{:02}:{:02}:00Z", minute / 60, minute % 60),
           "lastModifiedDateTime": format!("2026-11-01T{:02}:{:02}:00Z", minute / 60, minute % 60),
           "deletedDateTime": null, "body": {"contentType": "text", "content": text}})
}

impl Dataset {
    fn new(throttle_every: usize) -> Arc<Self> {
        let mut messages = Vec::new();
        for team in ["t1", "t2"] {
            for channel in ["c1", "c2"] {
                for n in 0..600 {
                    let id = format!("{team}-{channel}-m{n:04}");
                    let replies =
                        if n % 10 == 0 { vec![message(&format!("{id}-r1"), n + 1, "reply")] } else { Vec::new() };
                    messages.push((
                        team.to_owned(),
                        channel.to_owned(),
                        message(&id, n, &format!("hello {n}")),
                        replies,
                    ));
                }
            }
        }
        Arc::new(Dataset {
            base: Mutex::new(String::new()),
            messages: Mutex::new(messages),
            requests: AtomicUsize::new(0),
            throttle_every,
            fail_after_message_pages: Mutex::new(None),
            message_pages: AtomicUsize::new(0),
        })
    }

    fn page(&self, request: &Request, items: Vec<Value>) -> ResponseTemplate {
        let query: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
        let get = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let top = get("$top").and_then(|t| t.parse::<usize>().ok()).unwrap_or(20).clamp(1, 50);
        let skip = get("$skiptoken").and_then(|t| t.parse::<usize>().ok()).unwrap_or(0);
        let end = (skip + top).min(items.len());
        let mut body = json!({"value": items.get(skip..end).unwrap_or_default()});
        if end < items.len() {
            let mut next = request.url.clone();
            next.query_pairs_mut()
                .clear()
                .append_pair("$top", &top.to_string())
                .append_pair("$skiptoken", &end.to_string());
            let base = self.base.lock().map(|b| b.clone()).unwrap_or_default();
            body["@odata.nextLink"] = json!(format!("{base}{}?{}", next.path(), next.query().unwrap_or("")));
        }
        ResponseTemplate::new(200).set_body_json(body)
    }
}

struct FakeGraph(Arc<Dataset>);

impl Respond for FakeGraph {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let data = &self.0;
        let n = data.requests.fetch_add(1, Ordering::SeqCst) + 1;
        if data.throttle_every > 0 && n.is_multiple_of(data.throttle_every) {
            return ResponseTemplate::new(429).insert_header("Retry-After", "0");
        }
        let segments: Vec<&str> = request.url.path().trim_start_matches("/v1.0/").split('/').collect();
        let messages = data.messages.lock().map(|m| m.clone()).unwrap_or_default();
        match segments.as_slice() {
            ["groups"] => data.page(
                request,
                vec![json!({"id": "t1", "displayName": "One"}), json!({"id": "t2"}), json!({"id": "t3"})],
            ),
            ["teams", "t3", ..] => ResponseTemplate::new(403)
                .set_body_json(json!({"error": {"code": "Forbidden", "message": "no access"}})),
            ["teams", _, "channels"] => data.page(request, vec![json!({"id": "c1"}), json!({"id": "c2"})]),
            ["teams", _, "members"] => data.page(request, vec![json!({"id": "u1", "roles": ["owner"]})]),
            ["teams", team, "channels", channel, "messages"] => {
                let page = data.message_pages.fetch_add(1, Ordering::SeqCst);
                if data.fail_after_message_pages.lock().map(|f| f.is_some_and(|limit| page >= limit)).unwrap_or(false) {
                    return ResponseTemplate::new(400)
                        .set_body_json(json!({"error": {"code": "Killed", "message": "simulated crash"}}));
                }
                let mut items: Vec<Value> = messages
                    .iter()
                    .filter(|(t, c, _, _)| t == team && c == channel)
                    .map(|(_, _, m, _)| m.clone())
                    .collect();
                items.reverse(); // newest first, like Graph
                data.page(request, items)
            }
            ["teams", _, "channels", _, "messages", id, "replies"] => {
                let replies = messages
                    .iter()
                    .find(|(_, _, m, _)| m["id"] == *id)
                    .map(|(_, _, _, r)| r.clone())
                    .unwrap_or_default();
                data.page(request, replies)
            }
            _ => ResponseTemplate::new(404),
        }
    }
}

async fn start(data: &Arc<Dataset>) -> MockServer {
    let server = MockServer::start().await;
    if let Ok(mut base) = data.base.lock() {
        *base = server.uri();
    }
    Mock::given(wiremock::matchers::any()).respond_with(FakeGraph(data.clone())).mount(&server).await;
    server
}

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
