//! The embedded default sink: one SQLite table per synced table, plus `_sync_state` for cursors.
//!
//! Each table has its parent id columns, its key column, the configured columns, the item's full JSON
//! (`_json`) and when it was last written (`_synced_at`); the primary key is the parent ids plus the key. A page is
//! one transaction; its cursor (when the engine passes one) is written in the same transaction, so rows and the
//! cursor that covers them are never out of step.

use std::collections::HashSet;
use std::path::Path;

use rusqlite::types::Value as SqlValue;
use rusqlite::{OptionalExtension, params_from_iter};
use serde_json::Value;

use crate::sink::{Checkpoint, PageOutcome, ResumePoint, Sink};
use crate::table::{Scope, Table};
use connector_runtime::{Error, ErrorKind, Result};

/// Rows in a SQLite database file (bundled SQLite: nothing to install).
pub struct SqliteSink {
    db: rusqlite::Connection,
    created: HashSet<String>,
}

impl std::fmt::Debug for SqliteSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteSink").field("tables", &self.created).finish_non_exhaustive()
    }
}

fn sql_error(e: rusqlite::Error) -> Error {
    Error::new(ErrorKind::Config, format!("database error: {e}")).with_source(e)
}

/// A quoted SQL identifier.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A column's `/`-separated path as an SQLite JSON path (`from/user/id` -> `$."from"."user"."id"`); with
/// `json_extract` it yields what [`sql_value`] does: scalars as themselves, objects and arrays as JSON text.
fn json_path(path: &str) -> String {
    let labels: String = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| format!(".\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")))
        .collect();
    format!("${labels}")
}

/// The value at a `/`-separated path of an item, as SQL: scalars as themselves, objects and arrays as JSON text.
fn sql_value(item: &Value, path: &str) -> SqlValue {
    let mut current = item;
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        match current.get(segment) {
            Some(next) => current = next,
            None => return SqlValue::Null,
        }
    }
    match current {
        Value::Null => SqlValue::Null,
        Value::Bool(b) => SqlValue::Integer(i64::from(*b)),
        Value::Number(n) => {
            n.as_i64().map(SqlValue::Integer).unwrap_or_else(|| SqlValue::Real(n.as_f64().unwrap_or(0.0)))
        }
        Value::String(s) => SqlValue::Text(s.clone()),
        other => SqlValue::Text(other.to_string()),
    }
}

/// An item's key as text (strings as they are, numbers printed).
pub(crate) fn key_of(item: &Value, key: &str) -> Option<String> {
    match item.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl SqliteSink {
    /// Opens (or creates) the database at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        Self::from_connection(rusqlite::Connection::open(path).map_err(sql_error)?)
    }

    /// A database in memory (tests).
    pub fn in_memory() -> Result<Self> {
        Self::from_connection(rusqlite::Connection::open_in_memory().map_err(sql_error)?)
    }

    fn from_connection(db: rusqlite::Connection) -> Result<Self> {
        db.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             CREATE TABLE IF NOT EXISTS _sync_state (
                 table_name TEXT NOT NULL, scope TEXT NOT NULL, cursor TEXT, updated_at TEXT NOT NULL,
                 resume_link TEXT, resume_max TEXT, resume_started TEXT,
                 PRIMARY KEY (table_name, scope));",
        )
        .map_err(sql_error)?;
        let sink = SqliteSink { db, created: HashSet::new() };
        // Databases from before resumable passes lack the resume columns.
        for column in ["resume_link", "resume_max", "resume_started"] {
            if !sink.column_names("_sync_state")?.contains(column) {
                sink.db
                    .execute_batch(&format!("ALTER TABLE _sync_state ADD COLUMN {column} TEXT"))
                    .map_err(sql_error)?;
            }
        }
        Ok(sink)
    }

    /// The underlying connection, for queries over the synced data.
    pub fn connection(&self) -> &rusqlite::Connection {
        &self.db
    }

    fn column_names(&self, table: &str) -> Result<HashSet<String>> {
        let mut info = self.db.prepare(&format!("PRAGMA table_info({})", quote(table))).map_err(sql_error)?;
        let names = info.query_map([], |row| row.get::<_, String>(1)).map_err(sql_error)?;
        names.collect::<rusqlite::Result<_>>().map_err(sql_error)
    }

    fn key_columns(table: &Table) -> Vec<String> {
        let mut columns = table.parent_columns.clone();
        columns.push(table.key.clone());
        columns
    }

    fn ensure_table(&mut self, table: &Table) -> Result<()> {
        if self.created.contains(&table.name) {
            return Ok(());
        }
        let keys = Self::key_columns(table);
        let mut columns: Vec<String> = keys.iter().map(|c| format!("{} TEXT NOT NULL", quote(c))).collect();
        columns.extend(table.columns.iter().filter(|c| !keys.contains(&c.name)).map(|c| quote(&c.name)));
        columns.push("\"_json\" TEXT NOT NULL".to_owned());
        columns.push("\"_synced_at\" TEXT NOT NULL".to_owned());
        let primary: Vec<String> = keys.iter().map(|c| quote(c)).collect();
        let sql = format!(
            "CREATE TABLE IF NOT EXISTS {} ({}, PRIMARY KEY ({}))",
            quote(&table.name),
            columns.join(", "),
            primary.join(", ")
        );
        self.db.execute_batch(&sql).map_err(sql_error)?;
        // A database written by an older table definition gains the columns added since, filled from each
        // row's stored JSON in one statement; columns no longer defined are left alone. SQLite compares column
        // names without regard to case, so this does too.
        let existing: HashSet<String> = self.column_names(&table.name)?.iter().map(|c| c.to_lowercase()).collect();
        let added: Vec<&crate::table::Column> = table
            .columns
            .iter()
            .filter(|c| !keys.contains(&c.name) && !existing.contains(&c.name.to_lowercase()))
            .collect();
        if !added.is_empty() {
            let tx = self.db.transaction().map_err(sql_error)?;
            for column in &added {
                tx.execute_batch(&format!("ALTER TABLE {} ADD COLUMN {}", quote(&table.name), quote(&column.name)))
                    .map_err(sql_error)?;
            }
            let fills: Vec<String> = added
                .iter()
                .enumerate()
                .map(|(i, c)| format!("{} = json_extract(\"_json\", ?{})", quote(&c.name), i + 1))
                .collect();
            let paths: Vec<String> = added.iter().map(|c| json_path(&c.path)).collect();
            tx.execute(
                &format!("UPDATE {} SET {}", quote(&table.name), fills.join(", ")),
                params_from_iter(paths.iter()),
            )
            .map_err(sql_error)?;
            tx.commit().map_err(sql_error)?;
        }
        self.created.insert(table.name.clone());
        Ok(())
    }
}

fn now_text() -> String {
    jiff::Timestamp::now().to_string()
}

impl Sink for SqliteSink {
    fn cursor(&mut self, table: &Table, scope: &Scope) -> Result<Option<String>> {
        self.db
            .query_row(
                "SELECT cursor FROM _sync_state WHERE table_name = ?1 AND scope = ?2",
                (&table.name, scope.key()),
                |row| row.get::<_, Option<String>>(0),
            )
            .optional()
            .map(Option::flatten)
            .map_err(sql_error)
    }

    fn last_run(&mut self, table: &Table, scope: &Scope) -> Result<Option<String>> {
        self.db
            .query_row(
                "SELECT updated_at FROM _sync_state WHERE table_name = ?1 AND scope = ?2",
                (&table.name, scope.key()),
                |row| row.get::<_, Option<String>>(0),
            )
            .optional()
            .map(Option::flatten)
            .map_err(sql_error)
    }

    fn resume_point(&mut self, table: &Table, scope: &Scope) -> Result<Option<ResumePoint>> {
        self.db
            .query_row(
                "SELECT resume_link, resume_max, resume_started FROM _sync_state WHERE table_name = ?1 AND scope = ?2",
                (&table.name, scope.key()),
                |row| {
                    Ok((
                        row.get::<_, Option<String>>(0)?,
                        row.get::<_, Option<String>>(1)?,
                        row.get::<_, Option<String>>(2)?,
                    ))
                },
            )
            .optional()
            .map(|row| {
                row.and_then(|(link, max_seen, started)| {
                    Some(ResumePoint { next_link: link?, max_seen, pass_started: started.unwrap_or_default() })
                })
            })
            .map_err(sql_error)
    }

    fn apply_page(
        &mut self,
        table: &Table,
        scope: &Scope,
        rows: &[Value],
        checkpoint: Checkpoint<'_>,
    ) -> Result<PageOutcome> {
        self.ensure_table(table)?;
        let keys = Self::key_columns(table);
        let extra: Vec<&crate::table::Column> = table.columns.iter().filter(|c| !keys.contains(&c.name)).collect();
        let mut all_columns: Vec<String> = keys.iter().map(|c| quote(c)).collect();
        all_columns.extend(extra.iter().map(|c| quote(&c.name)));
        all_columns.push("\"_json\"".to_owned());
        all_columns.push("\"_synced_at\"".to_owned());
        let placeholders: Vec<String> = (1..=all_columns.len()).map(|i| format!("?{i}")).collect();
        let updates: Vec<String> = all_columns.iter().skip(keys.len()).map(|c| format!("{c} = excluded.{c}")).collect();
        let upsert = format!(
            "INSERT INTO {} ({}) VALUES ({}) ON CONFLICT ({}) DO UPDATE SET {}",
            quote(&table.name),
            all_columns.join(", "),
            placeholders.join(", "),
            keys.iter().map(|c| quote(c)).collect::<Vec<_>>().join(", "),
            updates.join(", ")
        );
        let key_filter: Vec<String> =
            keys.iter().enumerate().map(|(i, c)| format!("{} = ?{}", quote(c), i + 1)).collect();
        let existing_sql = format!("SELECT \"_json\" FROM {} WHERE {}", quote(&table.name), key_filter.join(" AND "));

        let mut outcome = PageOutcome::default();
        let synced_at = now_text();
        let tx = self.db.transaction().map_err(sql_error)?;
        {
            let mut existing = tx.prepare_cached(&existing_sql).map_err(sql_error)?;
            let mut insert = tx.prepare_cached(&upsert).map_err(sql_error)?;
            for row in rows {
                let Some(key) = key_of(row, &table.key) else {
                    tracing::warn!(table = %table.name, key = %table.key, "row without a key skipped");
                    continue;
                };
                let mut key_values: Vec<SqlValue> =
                    scope.parents.iter().map(|(_, id)| SqlValue::Text(id.clone())).collect();
                key_values.push(SqlValue::Text(key));
                let json = row.to_string();
                let previous: Option<String> = existing
                    .query_row(params_from_iter(key_values.iter()), |r| r.get(0))
                    .optional()
                    .map_err(sql_error)?;
                match previous {
                    Some(previous) if previous == json => {
                        outcome.unchanged += 1;
                        continue;
                    }
                    Some(_) => outcome.updated += 1,
                    None => outcome.inserted += 1,
                }
                let mut values = key_values;
                values.extend(extra.iter().map(|c| sql_value(row, &c.path)));
                values.push(SqlValue::Text(json));
                values.push(SqlValue::Text(synced_at.clone()));
                insert.execute(params_from_iter(values.iter())).map_err(sql_error)?;
            }
        }
        match checkpoint {
            Checkpoint::None => {}
            Checkpoint::Complete { cursor: Some(cursor) } => {
                tx.execute(
                    "INSERT INTO _sync_state (table_name, scope, cursor, updated_at) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (table_name, scope) DO UPDATE SET cursor = excluded.cursor,
                         updated_at = excluded.updated_at, resume_link = NULL, resume_max = NULL,
                         resume_started = NULL",
                    (&table.name, scope.key(), cursor, &synced_at),
                )
                .map_err(sql_error)?;
            }
            Checkpoint::Complete { cursor: None } => {
                tx.execute(
                    "UPDATE _sync_state SET resume_link = NULL, resume_max = NULL, resume_started = NULL
                     WHERE table_name = ?1 AND scope = ?2",
                    (&table.name, scope.key()),
                )
                .map_err(sql_error)?;
            }
            Checkpoint::Resume { next_link, max_seen, pass_started } => {
                // The cursor and its time stay as they are: they move when the pass completes.
                tx.execute(
                    "INSERT INTO _sync_state (table_name, scope, cursor, updated_at, resume_link, resume_max,
                         resume_started)
                     VALUES (?1, ?2, NULL, ?3, ?4, ?5, ?6)
                     ON CONFLICT (table_name, scope) DO UPDATE SET resume_link = excluded.resume_link,
                         resume_max = excluded.resume_max, resume_started = excluded.resume_started",
                    (&table.name, scope.key(), &synced_at, next_link, max_seen, pass_started),
                )
                .map_err(sql_error)?;
            }
        }
        tx.commit().map_err(sql_error)?;
        Ok(outcome)
    }

    fn finish_snapshot(
        &mut self,
        table: &Table,
        scope: &Scope,
        seen: &HashSet<String>,
        delete: bool,
    ) -> Result<Vec<String>> {
        self.ensure_table(table)?;
        let filter: Vec<String> =
            scope.parents.iter().enumerate().map(|(i, (c, _))| format!("{} = ?{}", quote(c), i + 1)).collect();
        let where_clause = if filter.is_empty() { String::new() } else { format!(" WHERE {}", filter.join(" AND ")) };
        let ids: Vec<SqlValue> = scope.parents.iter().map(|(_, id)| SqlValue::Text(id.clone())).collect();
        let sql = format!("SELECT {} FROM {}{where_clause}", quote(&table.key), quote(&table.name));
        let stored: Vec<String> = {
            let mut statement = self.db.prepare(&sql).map_err(sql_error)?;
            let rows =
                statement.query_map(params_from_iter(ids.iter()), |r| r.get::<_, String>(0)).map_err(sql_error)?;
            rows.collect::<rusqlite::Result<Vec<String>>>().map_err(sql_error)?
        };
        let vanished: Vec<String> = stored.into_iter().filter(|k| !seen.contains(k)).collect();
        if delete && !vanished.is_empty() {
            let tx = self.db.transaction().map_err(sql_error)?;
            {
                let key_at = scope.parents.len() + 1;
                let connector = if filter.is_empty() { " WHERE " } else { " AND " };
                let delete_sql = format!(
                    "DELETE FROM {}{where_clause}{connector}{} = ?{key_at}",
                    quote(&table.name),
                    quote(&table.key)
                );
                let mut statement = tx.prepare(&delete_sql).map_err(sql_error)?;
                for key in &vanished {
                    let mut values = ids.clone();
                    values.push(SqlValue::Text(key.clone()));
                    statement.execute(params_from_iter(values.iter())).map_err(sql_error)?;
                }
            }
            tx.commit().map_err(sql_error)?;
        }
        Ok(vanished)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Column, Mode};
    use serde_json::json;

    fn table(columns: &[(&str, &str)]) -> Table {
        Table {
            name: "items".to_owned(),
            key: "id".to_owned(),
            parent_columns: Vec::new(),
            columns: columns.iter().map(|(name, path)| Column::new(*name, *path)).collect(),
            mode: Mode::Snapshot { delete_vanished: false },
        }
    }

    fn row(sink: &SqliteSink, columns: &[&str]) -> Vec<SqlValue> {
        let sql = format!("SELECT {} FROM items", columns.iter().map(|c| quote(c)).collect::<Vec<_>>().join(", "));
        sink.db
            .query_row(&sql, [], |r| (0..columns.len()).map(|i| r.get::<_, SqlValue>(i)).collect())
            .unwrap_or_default()
    }

    #[test]
    fn columns_added_later_are_filled_exactly_as_a_fresh_write_would() -> Result<()> {
        let item = json!({"id": "1", "flag": true, "count": 7, "ratio": 0.5, "text": "say \"hi\"", "none": null,
                          "nested": {"b": 1, "a": [1, "x"]}, "list": [3, 2], "from": {"user": {"id": "u1"}}});
        let columns = [
            ("flag", "flag"),
            ("count", "count"),
            ("ratio", "ratio"),
            ("text", "text"),
            ("none", "none"),
            ("missing", "missing"),
            ("nested", "nested"),
            ("list", "list"),
            ("user_id", "from/user/id"),
        ];
        let names: Vec<&str> = columns.iter().map(|(n, _)| *n).collect();
        let scope = Scope::root();

        let mut fresh = SqliteSink::in_memory()?;
        fresh.apply_page(&table(&columns), &scope, std::slice::from_ref(&item), Checkpoint::None)?;

        let mut migrated = SqliteSink::in_memory()?;
        migrated.apply_page(&table(&[]), &scope, std::slice::from_ref(&item), Checkpoint::None)?;
        migrated.created.clear();
        // Same names in another case are the same SQLite columns: not added twice.
        migrated.ensure_table(&table(&[("FLAG", "flag")]))?;
        migrated.created.clear();
        migrated.ensure_table(&table(&columns))?;

        assert_eq!(row(&migrated, &names), row(&fresh, &names));
        assert_eq!(row(&fresh, &["flag", "user_id"]), [SqlValue::Integer(1), SqlValue::Text("u1".to_owned())]);
        Ok(())
    }
}
