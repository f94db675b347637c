//! Where rows go. A sink applies one page of rows at a time, atomically, optionally with the table's new cursor.

use std::collections::HashSet;

use serde_json::Value;

use crate::table::{Scope, Table};

/// What applying a page changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PageOutcome {
    /// Rows that were not there before.
    pub inserted: usize,
    /// Rows whose content changed.
    pub updated: usize,
    /// Rows already stored exactly as received.
    pub unchanged: usize,
}

impl std::ops::AddAssign for PageOutcome {
    fn add_assign(&mut self, other: Self) {
        self.inserted += other.inserted;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
    }
}

/// What a sink stores together with a page of rows, in the same transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Checkpoint<'a> {
    /// A page in the middle of a run: nothing besides the rows.
    None,
    /// The run's last page: the new cursor (incremental tables; `None` keeps the stored one) and the end of any
    /// pass that was being resumed.
    Complete {
        /// The cursor to store.
        cursor: Option<&'a str>,
    },
    /// The run stopped at its page limit: the next run resumes from `next_link` (the cursor itself moves only
    /// when the pass completes).
    Resume {
        /// The next link of the last page written.
        next_link: &'a str,
        /// The largest cursor value seen in the pass so far.
        max_seen: Option<&'a str>,
        /// When the pass began (RFC 3339).
        pass_started: &'a str,
    },
}

/// Where an unfinished pass over a table stands (see [`Checkpoint::Resume`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResumePoint {
    /// The next link to read from.
    pub next_link: String,
    /// The largest cursor value seen in the pass so far.
    pub max_seen: Option<String>,
    /// When the pass began (RFC 3339): the cursor of a pass that spans runs is at most this, since items changed
    /// after it may have moved to pages the pass had already read.
    pub pass_started: String,
}

/// A destination for synced rows.
pub trait Sink {
    /// The stored cursor of `table` in `scope`, if any.
    fn cursor(&mut self, table: &Table, scope: &Scope) -> connector_runtime::Result<Option<String>>;

    /// When the cursor of `table` in `scope` was last written (RFC 3339), if ever. Used to warn when the lookback
    /// is shorter than the time between runs. The default knows nothing.
    fn last_run(&mut self, _table: &Table, _scope: &Scope) -> connector_runtime::Result<Option<String>> {
        Ok(None)
    }

    /// Where an unfinished pass over `table` in `scope` stands, if the last run stopped at its page limit. The
    /// default knows nothing, so every run starts from the beginning.
    fn resume_point(&mut self, _table: &Table, _scope: &Scope) -> connector_runtime::Result<Option<ResumePoint>> {
        Ok(None)
    }

    /// Upserts `rows` (items keyed by the table's key within `scope`) and stores `checkpoint`, in one transaction.
    fn apply_page(
        &mut self,
        table: &Table,
        scope: &Scope,
        rows: &[Value],
        checkpoint: Checkpoint<'_>,
    ) -> connector_runtime::Result<PageOutcome>;

    /// Ends a snapshot of `table` in `scope`: returns the stored keys not in `seen`, deleting them if asked.
    fn finish_snapshot(
        &mut self,
        table: &Table,
        scope: &Scope,
        seen: &HashSet<String>,
        delete: bool,
    ) -> connector_runtime::Result<Vec<String>>;
}
