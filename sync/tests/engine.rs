//! The sync engine's guarantees with an in-memory source: first run copies everything, a second run picks up
//! edits and new items without duplicates, a run killed mid-way followed by a rerun gives the same database as an
//! uninterrupted run, and snapshots report vanished rows.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use connector_runtime::paging::Page;
use connector_runtime::{Error, ErrorKind, ItemStream};
use connector_sync::{Column, Engine, Mode, Scope, Sink, Source, SqliteSink, Table};
use futures::StreamExt;
use serde_json::{Value, json};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Items served in pages of `page_size`, newest first (as Graph returns messages), optionally failing after
/// `fail_after` pages (a run killed mid-way).
#[derive(Clone, Default)]
struct FakeSource {
    items: Arc<Mutex<Vec<Value>>>,
    page_size: usize,
    fail_after: Arc<Mutex<Option<usize>>>,
    requests: Arc<Mutex<usize>>,
    /// Stored links answer 410 Gone, as an expired skip token would.
    links_expired: Arc<Mutex<bool>>,
}

impl FakeSource {
    fn new(page_size: usize) -> Self {
        FakeSource { page_size, ..Default::default() }
    }

    fn put(&self, id: &str, text: &str, modified: &str) {
        if let Ok(mut items) = self.items.lock() {
            items.retain(|i| i["id"] != id);
            items.push(json!({"id": id, "body": {"content": text}, "lastModifiedDateTime": modified}));
            items.sort_by(|a, b| b["lastModifiedDateTime"].as_str().cmp(&a["lastModifiedDateTime"].as_str()));
        }
    }

    /// Changes an item where it is, like a list ordered by creation rather than by change.
    fn touch_in_place(&self, id: &str, text: &str, modified: &str) {
        if let Ok(mut items) = self.items.lock()
            && let Some(item) = items.iter_mut().find(|i| i["id"] == id)
        {
            *item = json!({"id": id, "body": {"content": text}, "lastModifiedDateTime": modified});
        }
    }

    fn remove(&self, id: &str) {
        if let Ok(mut items) = self.items.lock() {
            items.retain(|i| i["id"] != id);
        }
    }
}

impl FakeSource {
    /// Pages from page `first` on; each page links to the next as `page:N`.
    fn pages_from(&self, first: usize) -> ItemStream<Page<Value>> {
        let items = self.items.lock().map(|i| i.clone()).unwrap_or_default();
        let fail_after = self.fail_after.lock().map(|f| *f).unwrap_or(None);
        let requests = self.requests.clone();
        let chunks: Vec<Vec<Value>> = items.chunks(self.page_size.max(1)).map(<[Value]>::to_vec).collect();
        let count = chunks.len();
        // Lazy: a page counts as a request only when the engine asks for it.
        let pages = futures::stream::iter(chunks.into_iter().enumerate().skip(first)).map(move |(n, chunk)| {
            if let Ok(mut r) = requests.lock() {
                *r += 1;
            }
            if fail_after.is_some_and(|limit| n >= limit) {
                return Err(Error::new(ErrorKind::Transport, "killed mid-way"));
            }
            let next_link = (n + 1 < count).then(|| format!("page:{}", n + 1));
            Ok(Page { items: chunk, next_link })
        });
        Box::pin(pages)
    }
}

impl Source for FakeSource {
    fn pages(&self, _table: &Table, _scope: &Scope, _since: Option<&str>) -> ItemStream<Page<Value>> {
        self.pages_from(0)
    }

    fn resume(&self, _table: &Table, _scope: &Scope, next_link: &str) -> Option<ItemStream<Page<Value>>> {
        let page = next_link.strip_prefix("page:")?.parse().ok()?;
        if self.links_expired.lock().map(|e| *e).unwrap_or(false) {
            let gone = Error::from_response(
                connector_runtime::reqwest::StatusCode::GONE,
                Default::default(),
                connector_runtime::bytes::Bytes::new(),
            );
            return Some(Box::pin(futures::stream::iter([Err(gone)])));
        }
        Some(self.pages_from(page))
    }
}

fn messages() -> Table {
    Table {
        name: "messages".to_owned(),
        key: "id".to_owned(),
        parent_columns: vec!["team_id".to_owned(), "channel_id".to_owned()],
        columns: vec![Column::new("content", "body/content"), Column::new("last_modified", "lastModifiedDateTime")],
        mode: Mode::Incremental { cursor_field: "lastModifiedDateTime".to_owned(), lookback: Duration::from_secs(300) },
    }
}

fn scope() -> Scope {
    Scope::root().child("team_id", "t1").child("channel_id", "c1")
}

fn dump(sink: &SqliteSink) -> Vec<(String, String, String)> {
    let mut statement = match sink.connection().prepare("SELECT id, content, last_modified FROM messages ORDER BY id") {
        Ok(s) => s,
        Err(_) => return Vec::new(),
    };
    statement
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .map(|rows| rows.filter_map(Result::ok).collect())
        .unwrap_or_default()
}

fn seed(source: &FakeSource) {
    for n in 0..25 {
        source.put(&format!("m{n:02}"), &format!("hello {n}"), &format!("2026-11-01T10:{n:02}:00Z"));
    }
}

#[tokio::test]
async fn first_run_copies_everything_then_picks_up_changes_without_duplicates() -> TestResult {
    let source = FakeSource::new(10);
    seed(&source);
    let mut sink = SqliteSink::in_memory()?;
    let first = Engine::new(&source, &mut sink).sync(&messages(), &scope()).await?;
    assert_eq!((first.pages, first.rows.inserted), (3, 25));
    assert_eq!(first.cursor.as_deref(), Some("2026-11-01T10:24:00Z"));

    // An edit, a new message, and nothing else.
    source.put("m03", "hello 3 (edited)", "2026-11-01T11:00:00Z");
    source.put("m99", "new", "2026-11-01T11:05:00Z");
    let second = Engine::new(&source, &mut sink).sync(&messages(), &scope()).await?;
    assert_eq!((second.rows.inserted, second.rows.updated), (1, 1));
    let rows = dump(&sink);
    assert_eq!(rows.len(), 26, "no duplicates");
    assert!(rows.contains(&("m03".to_owned(), "hello 3 (edited)".to_owned(), "2026-11-01T11:00:00Z".to_owned())));
    assert_eq!(second.cursor.as_deref(), Some("2026-11-01T11:05:00Z"));
    // Items older than cursor - lookback are not rewritten.
    assert!(second.skipped_old > 0);
    Ok(())
}

#[tokio::test]
async fn a_run_killed_mid_way_then_rerun_equals_an_uninterrupted_run() -> TestResult {
    let source = FakeSource::new(10);
    seed(&source);
    let mut reference = SqliteSink::in_memory()?;
    Engine::new(&source, &mut reference).sync(&messages(), &scope()).await?;

    let mut sink = SqliteSink::in_memory()?;
    if let Ok(mut fail) = source.fail_after.lock() {
        *fail = Some(1);
    }
    let killed = Engine::new(&source, &mut sink).sync(&messages(), &scope()).await;
    assert!(killed.is_err());
    assert_eq!(sink.cursor(&messages(), &scope())?, None, "the cursor did not move");
    if let Ok(mut fail) = source.fail_after.lock() {
        *fail = None;
    }
    Engine::new(&source, &mut sink).sync(&messages(), &scope()).await?;
    assert_eq!(dump(&sink), dump(&reference));
    assert_eq!(sink.cursor(&messages(), &scope())?, reference.cursor(&messages(), &scope())?);
    Ok(())
}

#[tokio::test]
async fn page_limit_leaves_the_cursor_and_the_next_run_resumes_after_the_last_page() -> TestResult {
    let source = FakeSource::new(10);
    seed(&source);
    let mut sink = SqliteSink::in_memory()?;
    let partial = Engine::new(&source, &mut sink).with_max_pages(1).sync(&messages(), &scope()).await?;
    assert!(partial.truncated);
    assert_eq!(sink.cursor(&messages(), &scope())?, None);
    let rest = Engine::new(&source, &mut sink).sync(&messages(), &scope()).await?;
    assert!(rest.resumed && !rest.truncated);
    assert_eq!((rest.pages, rest.rows.inserted, rest.rows.unchanged), (2, 15, 0), "pages 2 and 3 only");
    assert_eq!(sink.cursor(&messages(), &scope())?.as_deref(), Some("2026-11-01T10:24:00Z"));
    assert_eq!(dump(&sink).len(), 25);
    Ok(())
}

#[tokio::test]
async fn a_newest_first_list_longer_than_the_page_limit_is_read_to_its_end_over_runs() -> TestResult {
    let source = FakeSource::new(10);
    seed(&source);
    let mut sink = SqliteSink::in_memory()?;
    let mut runs = Vec::new();
    for _ in 0..3 {
        runs.push(Engine::new(&source, &mut sink).with_max_pages(1).sync(&messages(), &scope()).await?);
    }
    assert_eq!(
        runs.iter().map(|r| (r.truncated, r.resumed)).collect::<Vec<_>>(),
        [(true, false), (true, true), (false, true)]
    );
    assert_eq!(dump(&sink).len(), 25, "every page was read once");
    assert_eq!(*source.requests.lock().map_err(|_| "poisoned")?, 3);
    assert_eq!(sink.cursor(&messages(), &scope())?.as_deref(), Some("2026-11-01T10:24:00Z"));
    Ok(())
}

#[tokio::test]
async fn an_expired_resume_link_starts_the_pass_over() -> TestResult {
    let source = FakeSource::new(10);
    seed(&source);
    let mut sink = SqliteSink::in_memory()?;
    Engine::new(&source, &mut sink).with_max_pages(1).sync(&messages(), &scope()).await?;
    if let Ok(mut expired) = source.links_expired.lock() {
        *expired = true;
    }
    let report = Engine::new(&source, &mut sink).sync(&messages(), &scope()).await?;
    assert!(!report.resumed && !report.truncated, "{report:?}");
    assert_eq!((report.pages, report.rows.inserted, report.rows.unchanged), (3, 15, 10), "read from the start");
    assert_eq!(sink.cursor(&messages(), &scope())?.as_deref(), Some("2026-11-01T10:24:00Z"));
    Ok(())
}

#[tokio::test]
async fn a_pass_over_several_runs_does_not_skip_what_changed_behind_it() -> TestResult {
    // A list in creation order: changed items stay where they are. The pass reads page 1, then an item on page 1
    // (already read) and one on page 2 (not yet read) change; the pass reads page 2 with the later change.
    let source = FakeSource::new(10);
    seed(&source);
    let mut sink = SqliteSink::in_memory()?;
    Engine::new(&source, &mut sink).with_max_pages(1).sync(&messages(), &scope()).await?;
    let now = jiff::Timestamp::now();
    let behind = (now + jiff::SignedDuration::from_hours(1)).to_string();
    let ahead = (now + jiff::SignedDuration::from_hours(2)).to_string();
    source.touch_in_place("m20", "changed behind the pass", &behind);
    source.touch_in_place("m10", "changed ahead of the pass", &ahead);
    Engine::new(&source, &mut sink).with_max_pages(1).sync(&messages(), &scope()).await?;
    let done = Engine::new(&source, &mut sink).with_max_pages(1).sync(&messages(), &scope()).await?;
    assert!(!done.truncated);
    // The cursor stops at the pass's start, not at the later change it saw, so the next pass still reads m20.
    let cursor = sink.cursor(&messages(), &scope())?.unwrap_or_default();
    assert!(cursor.as_str() < behind.as_str(), "cursor {cursor} must be before {behind}");
    let next = Engine::new(&source, &mut sink).sync(&messages(), &scope()).await?;
    assert!(!next.resumed);
    assert!(dump(&sink).iter().any(|(id, text, _)| id == "m20" && text == "changed behind the pass"));
    Ok(())
}

#[tokio::test]
async fn snapshots_report_and_optionally_delete_vanished_rows() -> TestResult {
    let source = FakeSource::new(10);
    seed(&source);
    let mut table = messages();
    table.mode = Mode::Snapshot { delete_vanished: false };
    let mut sink = SqliteSink::in_memory()?;
    Engine::new(&source, &mut sink).sync(&table, &scope()).await?;
    source.remove("m07");
    let report = Engine::new(&source, &mut sink).sync(&table, &scope()).await?;
    assert_eq!(report.vanished, ["m07"]);
    assert_eq!(dump(&sink).len(), 25, "reported, kept");
    table.mode = Mode::Snapshot { delete_vanished: true };
    let report = Engine::new(&source, &mut sink).sync(&table, &scope()).await?;
    assert_eq!(report.vanished, ["m07"]);
    assert_eq!(dump(&sink).len(), 24, "deleted");
    Ok(())
}

#[tokio::test]
async fn a_start_date_limits_the_first_run() -> TestResult {
    let source = FakeSource::new(10);
    seed(&source);
    let mut sink = SqliteSink::in_memory()?;
    let report = Engine::new(&source, &mut sink)
        .with_start(Some("2026-11-01T10:19:30Z".to_owned()))
        .sync(&messages(), &scope())
        .await?;
    assert_eq!(report.rows.inserted, 5, "m20..m24 only");
    assert_eq!(report.skipped_old, 20);
    Ok(())
}

#[tokio::test]
async fn a_lookback_shorter_than_the_gap_between_runs_is_flagged() -> TestResult {
    let source = FakeSource::new(10);
    seed(&source);
    let mut sink = SqliteSink::in_memory()?;
    let first = Engine::new(&source, &mut sink).sync(&messages(), &scope()).await?;
    assert!(!first.lookback_shorter_than_gap, "no previous run");
    // A table whose lookback is zero: any time since the last run is longer.
    let mut table = messages();
    table.mode = Mode::Incremental { cursor_field: "lastModifiedDateTime".to_owned(), lookback: Duration::ZERO };
    std::thread::sleep(Duration::from_millis(5));
    let second = Engine::new(&source, &mut sink).sync(&table, &scope()).await?;
    assert!(second.lookback_shorter_than_gap);
    let third = Engine::new(&source, &mut sink).sync(&messages(), &scope()).await?;
    assert!(!third.lookback_shorter_than_gap, "five minutes of lookback covers the gap");
    Ok(())
}

#[tokio::test]
async fn a_database_from_an_older_table_definition_gains_the_new_columns() -> TestResult {
    let source = FakeSource::new(10);
    seed(&source);
    let dir = std::env::temp_dir().join(format!("connector-sync-migrate-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("old.db");
    let _ = std::fs::remove_file(&path);
    let mut old = messages();
    old.columns.retain(|c| c.name != "content");
    {
        let mut sink = SqliteSink::open(&path)?;
        Engine::new(&source, &mut sink).sync(&old, &scope()).await?;
    }
    // The next version of the tool stores one more column; the same file keeps working and fills it.
    source.put("m03", "hello 3 (edited)", "2026-11-01T11:00:00Z");
    let mut sink = SqliteSink::open(&path)?;
    let report = Engine::new(&source, &mut sink).sync(&messages(), &scope()).await?;
    assert_eq!((report.rows.inserted, report.rows.updated), (0, 1));
    let rows = dump(&sink);
    assert_eq!(rows.len(), 25);
    assert!(rows.contains(&("m03".to_owned(), "hello 3 (edited)".to_owned(), "2026-11-01T11:00:00Z".to_owned())));
    drop(sink);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
