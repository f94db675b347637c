//! # connector-sync
//!
//! Copies whole datasets out of connectors on a schedule without losing or duplicating rows. A [`Table`] is a
//! list operation plus a primary key, an optional parent scope (child tables carry their parents' ids) and a
//! [`Mode`]:
//!
//! - **snapshot**: every run reads everything; rows that vanished are reported (and optionally deleted);
//! - **incremental** (change data capture): each run asks for items modified after `cursor - lookback`, upserts
//!   them by primary key, and advances the cursor to the largest value seen.
//!
//! Rows go to a [`Sink`] page by page. The cursor is written **in the same transaction** as the last page of the
//! run it covers, so a run killed at any point leaves the previous cursor in place: the next run reads the same
//! items again, upserts them (idempotently), and converges to the database an uninterrupted run would have made.
//! [`SqliteSink`] is the embedded default.
//!
//! A page limit ([`Engine::with_max_pages`]) splits a long pass over many runs: the next link after the last page
//! written is stored with that page, and the next run resumes there (if the [`Source`] can follow links), so even
//! a list served newest first is read to its end eventually; the cursor moves when the pass completes.

#![deny(missing_docs)]

mod engine;
mod sink;
mod sqlite;
mod table;

pub use engine::{Engine, TableReport};
pub use sink::{Checkpoint, PageOutcome, ResumePoint, Sink};
pub use sqlite::SqliteSink;
pub use table::{Column, Mode, Scope, Source, Table};

/// The SQLite bindings [`SqliteSink::connection`] hands out, for reading the synced tables.
pub use rusqlite;
