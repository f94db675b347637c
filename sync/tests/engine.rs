//! The sync engine's guarantees with an in-memory source: first run copies everything, a second run picks up
//! edits and new items without duplicates, a run killed mid-way followed by a rerun gives the same database as an
//! uninterrupted run, and snapshots report vanished rows.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use connector_runtime::paging::Page;
use connector_runtime::{Error, ErrorKind, ItemStream};
use connector_sync::{Column, Engine, Mode, Scope, Sink, Source, SqliteSink, Table};
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

    fn remove(&self, id: &str) {
        if let Ok(mut items) = self.items.lock() {
            items.retain(|i| i["id"] != id);
        }
    }
}

impl Source for FakeSource {
    fn pages(&self, _table: &Table, _scope: &Scope, _since: Option<&str>) -> ItemStream<Page<Value>> {
        let items = self.items.lock().map(|i| i.clone()).unwrap_or_default();
        let fail_after = self.fail_after.lock().map(|f| *f).unwrap_or(None);
        let requests = self.requests.clone();
        let pages: Vec<connector_runtime::Result<Page<Value>>> = items
            .chunks(self.page_size.max(1))
            .enumerate()
            .map(|(n, chunk)| {
                if let Ok(mut r) = requests.lock() {
                    *r += 1;
                }
                if fail_after.is_some_and(|limit| n >= limit) {
                    return Err(Error::new(ErrorKind::Transport, "killed mid-way"));
                }
                Ok(Page { items: chunk.to_vec(), next_link: None })
            })
            .collect();
        Box::pin(futures::stream::iter(pages))
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
async fn page_limit_leaves_the_cursor_for_the_next_run() -> TestResult {
    let source = FakeSource::new(10);
    seed(&source);
    let mut sink = SqliteSink::in_memory()?;
    let partial = Engine::new(&source, &mut sink).with_max_pages(1).sync(&messages(), &scope()).await?;
    assert!(partial.truncated);
    assert_eq!(sink.cursor(&messages(), &scope())?, None);
    let rest = Engine::new(&source, &mut sink).sync(&messages(), &scope()).await?;
    assert_eq!((rest.rows.inserted, rest.rows.unchanged), (15, 10));
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
