//! What a table is: where its rows come from, how they are keyed and scoped, and how each run reads them.

use std::time::Duration;

use connector_runtime::ItemStream;
use connector_runtime::paging::Page;
use serde_json::Value;

/// How a table is refreshed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Read everything each run; rows no longer returned are reported as vanished (and deleted if asked).
    Snapshot {
        /// Delete vanished rows instead of only reporting them.
        delete_vanished: bool,
    },
    /// Read only what changed: items whose `cursor_field` is after the stored cursor minus `lookback`.
    Incremental {
        /// The item field that grows with every change, e.g. `lastModifiedDateTime`.
        cursor_field: String,
        /// How far before the cursor each run starts again, to catch writes that landed late.
        lookback: Duration,
    },
}

/// A column stored next to the item's full JSON: the value at `path` (`/`-separated) of each item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// The SQL column name.
    pub name: String,
    /// Where in the item the value is (`from/user/id`); objects and arrays are stored as JSON text.
    pub path: String,
}

impl Column {
    /// A column `name` read from `path`.
    pub fn new(name: impl Into<String>, path: impl Into<String>) -> Self {
        Column { name: name.into(), path: path.into() }
    }
}

/// A table to sync.
#[derive(Clone, Debug)]
pub struct Table {
    /// The table's name (also its SQL table name).
    pub name: String,
    /// The item field holding the primary key (within the scope), e.g. `id`.
    pub key: String,
    /// The parent id columns every row carries (`team_id`, `channel_id`, ...), in scope order.
    pub parent_columns: Vec<String>,
    /// Columns extracted from each item.
    pub columns: Vec<Column>,
    /// How the table is refreshed.
    pub mode: Mode,
}

/// Which parent a child table's rows belong to: `(column, id)` pairs, outermost first. Empty for top tables.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Scope {
    /// The parent ids.
    pub parents: Vec<(String, String)>,
}

impl Scope {
    /// The top-level scope.
    pub fn root() -> Self {
        Scope::default()
    }

    /// This scope with one more parent.
    pub fn child(&self, column: impl Into<String>, id: impl Into<String>) -> Self {
        let mut parents = self.parents.clone();
        parents.push((column.into(), id.into()));
        Scope { parents }
    }

    /// A stable text key for the scope (for cursor bookkeeping).
    pub fn key(&self) -> String {
        self.parents.iter().map(|(c, id)| format!("{c}={id}")).collect::<Vec<_>>().join("/")
    }
}

/// Where a table's pages come from: usually a generated client's paged list action.
pub trait Source: Send + Sync {
    /// The pages of `table` under `scope`. For incremental tables `since` is the point to read from (already
    /// moved back by the lookback); a source that cannot filter on the server may return more, the engine only
    /// keeps what it needs.
    fn pages(&self, table: &Table, scope: &Scope, since: Option<&str>) -> ItemStream<Page<Value>>;

    /// The pages of `table` under `scope` from a next link an earlier run stopped at (its page limit), or `None`
    /// when this source cannot follow links; the engine then starts the pass over.
    fn resume(&self, _table: &Table, _scope: &Scope, _next_link: &str) -> Option<ItemStream<Page<Value>>> {
        None
    }
}
