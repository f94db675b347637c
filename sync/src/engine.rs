//! Runs one table in one scope: reads its pages, writes them to the sink page by page, and moves its cursor only
//! when a run completes.
//!
//! Pages are written one behind the stream: when the stream ends, the last page is written together with the
//! new cursor in one transaction. A run that stops early (an error, a crash, the page limit) leaves the old cursor,
//! so the next run reads the same items again and upserts them; rows are never lost and never duplicated.

use std::collections::HashSet;

use connector_runtime::Result;
use connector_runtime::model::DateTime;
use futures::StreamExt;
use serde_json::Value;

use crate::sink::{Checkpoint, PageOutcome, Sink};
use crate::sqlite::key_of;
use crate::table::{Mode, Scope, Source, Table};

/// What one table run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TableReport {
    /// Pages read.
    pub pages: usize,
    /// Rows inserted, updated and unchanged.
    pub rows: PageOutcome,
    /// Rows older than the incremental window that the source returned anyway (skipped).
    pub skipped_old: usize,
    /// Keys that vanished since the last snapshot.
    pub vanished: Vec<String>,
    /// The cursor after the run (incremental tables).
    pub cursor: Option<String>,
    /// The run stopped at the page limit: the cursor did not move and vanished rows were not computed. An
    /// incremental table's next run resumes after the last page written.
    pub truncated: bool,
    /// This run continued a pass an earlier run had stopped at its page limit.
    pub resumed: bool,
    /// The time since the last run is longer than the lookback, so writes that landed late in between may have
    /// been missed; a longer lookback (or a snapshot) catches them.
    pub lookback_shorter_than_gap: bool,
}

/// Syncs tables from a [`Source`] into a [`Sink`].
pub struct Engine<'a> {
    source: &'a dyn Source,
    sink: &'a mut dyn Sink,
    max_pages: Option<usize>,
    start: Option<String>,
}

impl<'a> Engine<'a> {
    /// An engine reading from `source` and writing to `sink`.
    pub fn new(source: &'a dyn Source, sink: &'a mut dyn Sink) -> Self {
        Engine { source, sink, max_pages: None, start: None }
    }

    /// Where incremental tables without a stored cursor start (an RFC 3339 date-time); default: everything.
    pub fn with_start(mut self, start: Option<String>) -> Self {
        self.start = start;
        self
    }

    /// Reads at most `pages` pages per table run. An incremental table's next run resumes after the last page
    /// written, if the source can follow the stored link ([`Source::resume`]); a snapshot starts over.
    pub fn with_max_pages(mut self, pages: usize) -> Self {
        self.max_pages = Some(pages.max(1));
        self
    }

    /// Syncs `table` within `scope`.
    pub async fn sync(&mut self, table: &Table, scope: &Scope) -> Result<TableReport> {
        let mut report = TableReport::default();
        let stored = self.sink.cursor(table, scope)?;
        let (since, cursor_field) = match &table.mode {
            Mode::Incremental { cursor_field, lookback } => {
                if let Some(last) = self.sink.last_run(table, scope)?
                    && let Some(last) = DateTime::new(&last).timestamp()
                    && let Ok(gap) = std::time::Duration::try_from(jiff::Timestamp::now().duration_since(last))
                    && gap > *lookback
                {
                    report.lookback_shorter_than_gap = true;
                    tracing::warn!(
                        table = %table.name, scope = %scope.key(), gap_secs = gap.as_secs(), lookback_secs = lookback.as_secs(),
                        "the lookback is shorter than the time since the last run; late writes in between may be missed"
                    );
                }
                let since = match &stored {
                    Some(cursor) => window_start(Some(cursor), *lookback),
                    None => self.start.clone(),
                };
                (since, Some(cursor_field))
            }
            Mode::Snapshot { .. } => (None, None),
        };
        let since_ts = since.as_deref().and_then(|s| DateTime::new(s).timestamp());
        // A pass cut by the page limit continues where it stopped (incremental tables only: a snapshot's vanished
        // rows need one whole pass).
        let resume = match &table.mode {
            Mode::Incremental { .. } => self.sink.resume_point(table, scope)?,
            Mode::Snapshot { .. } => None,
        };
        let mut max_seen = stored.clone();
        let mut pass_started = jiff::Timestamp::now().to_string();
        let resumed = resume.as_ref().and_then(|r| self.source.resume(table, scope, &r.next_link).map(|s| (r, s)));
        let mut pages = match resumed {
            Some((point, stream)) => {
                report.resumed = true;
                pass_started.clone_from(&point.pass_started);
                if let Some(seen) = &point.max_seen
                    && later(seen, max_seen.as_deref())
                {
                    max_seen = Some(seen.clone());
                }
                stream
            }
            None => self.source.pages(table, scope, since.as_deref()),
        };
        let mut seen_keys = HashSet::new();
        let mut pending: Option<Vec<Value>> = None;
        let mut last_link: Option<String> = None;
        while let Some(page) = pages.next().await {
            let page = match page {
                // A stored link can expire; a pass that cannot resume starts over.
                Err(err) if report.resumed && report.pages == 0 && is_refused_link(&err) => {
                    tracing::warn!(
                        table = %table.name, scope = %scope.key(), error = %err,
                        "could not resume the last pass from its stored link; starting over"
                    );
                    report.resumed = false;
                    pass_started = jiff::Timestamp::now().to_string();
                    pages = self.source.pages(table, scope, since.as_deref());
                    continue;
                }
                other => other?,
            };
            report.pages += 1;
            last_link = page.next_link.clone();
            let mut rows = Vec::with_capacity(page.items.len());
            for item in page.items {
                if let Some(field) = cursor_field {
                    let value = item.get(field.as_str()).and_then(Value::as_str).map(str::to_owned);
                    let at = value.as_deref().and_then(|v| DateTime::new(v).timestamp());
                    if let (Some(at), Some(since)) = (at, since_ts)
                        && at <= since
                    {
                        report.skipped_old += 1;
                        continue;
                    }
                    if let Some(value) = value
                        && later(&value, max_seen.as_deref())
                    {
                        max_seen = Some(value);
                    }
                }
                // Only a snapshot needs every key (to find vanished rows).
                if matches!(table.mode, Mode::Snapshot { .. })
                    && let Some(key) = key_of(&item, &table.key)
                {
                    seen_keys.insert(key);
                }
                rows.push(item);
            }
            if let Some(previous) = pending.replace(rows) {
                report.rows += self.sink.apply_page(table, scope, &previous, Checkpoint::None)?;
            }
            if self.max_pages.is_some_and(|max| report.pages >= max) && last_link.is_some() {
                report.truncated = true;
                break;
            }
        }
        let last = pending.unwrap_or_default();
        // The cursor moves only with a complete pass, in the transaction of its last page. A pass that spanned
        // runs moves it at most to when the pass began: items changed since may have moved to pages it had read.
        let checkpoint = match (&table.mode, report.truncated, last_link.as_deref()) {
            (Mode::Incremental { .. }, true, Some(next_link)) => {
                Checkpoint::Resume { next_link, max_seen: max_seen.as_deref(), pass_started: &pass_started }
            }
            (_, true, _) => Checkpoint::None,
            (Mode::Incremental { .. }, false, _) => {
                if report.resumed
                    && DateTime::new(&pass_started).timestamp().is_some()
                    && max_seen.as_deref().is_some_and(|seen| later(seen, Some(&pass_started)))
                {
                    max_seen = Some(pass_started.clone());
                }
                report.cursor = max_seen.clone().or(stored.clone());
                Checkpoint::Complete { cursor: max_seen.as_deref() }
            }
            (Mode::Snapshot { .. }, false, _) => Checkpoint::Complete { cursor: None },
        };
        report.rows += self.sink.apply_page(table, scope, &last, checkpoint)?;
        if report.truncated {
            report.cursor = stored;
        }
        if let Mode::Snapshot { delete_vanished } = table.mode
            && !report.truncated
        {
            report.vanished = self.sink.finish_snapshot(table, scope, &seen_keys, delete_vanished)?;
        }
        tracing::info!(
            table = %table.name, scope = %scope.key(), pages = report.pages, inserted = report.rows.inserted,
            updated = report.rows.updated, unchanged = report.rows.unchanged, "table synced"
        );
        Ok(report)
    }
}

/// Whether a stored next link was refused for good (expired, unknown), as opposed to a failure worth reporting.
fn is_refused_link(err: &connector_runtime::Error) -> bool {
    err.kind() == connector_runtime::ErrorKind::ForeignLink
        || err
            .status()
            .is_some_and(|s| s.is_client_error() && s.as_u16() != 429 && s.as_u16() != 401 && s.as_u16() != 403)
}

/// `cursor - lookback`, as RFC 3339; `None` without a cursor (first run: read everything).
fn window_start(cursor: Option<&str>, lookback: std::time::Duration) -> Option<String> {
    let cursor = cursor?;
    let Some(at) = DateTime::new(cursor).timestamp() else { return Some(cursor.to_owned()) };
    let span = jiff::SignedDuration::try_from(lookback).unwrap_or(jiff::SignedDuration::ZERO);
    Some(at.checked_sub(span).unwrap_or(at).to_string())
}

/// Whether `value` is after `current` (as instants when both parse, else as text).
fn later(value: &str, current: Option<&str>) -> bool {
    let Some(current) = current else { return true };
    match (DateTime::new(value).timestamp(), DateTime::new(current).timestamp()) {
        (Some(a), Some(b)) => a > b,
        _ => value > current,
    }
}
