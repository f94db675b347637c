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

/// A destination for synced rows.
pub trait Sink {
    /// The stored cursor of `table` in `scope`, if any.
    fn cursor(&mut self, table: &Table, scope: &Scope) -> connector_runtime::Result<Option<String>>;

    /// When the cursor of `table` in `scope` was last written (RFC 3339), if ever. Used to warn when the lookback
    /// is shorter than the time between runs. The default knows nothing.
    fn last_run(&mut self, _table: &Table, _scope: &Scope) -> connector_runtime::Result<Option<String>> {
        Ok(None)
    }

    /// Upserts `rows` (items keyed by the table's key within `scope`) and, when `cursor` is `Some`, stores it, in
    /// one transaction.
    fn apply_page(
        &mut self,
        table: &Table,
        scope: &Scope,
        rows: &[Value],
        cursor: Option<&str>,
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
