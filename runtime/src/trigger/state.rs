//! Where a polling trigger keeps its cursor between polls and across restarts.
//!
//! The whole state of a polling trigger is one [`PollState`]: the last `Location` the connector gave (the opaque
//! next-poll URL that carries its cursor) and when to poll next. [`FileStateStore`] keeps each key in a JSON file
//! written atomically (a temporary file, `fsync`, then `rename` over the old one, then `fsync` of the folder), so
//! a crash mid-write leaves either the old state or the new one, never a torn file. [`MemoryStateStore`] is for
//! tests; implement [`StateStore`] to keep state in a database.

use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::{Error, ErrorKind, Result};

/// The committed position of a polling trigger.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollState {
    /// The last `Location` the connector returned: the URL of the next poll. `None` before the first one.
    pub location: Option<String>,
    /// The earliest time of the next poll, from `Retry-After`.
    pub next_poll_at: Option<SystemTime>,
}

/// A boxed future, as [`StateStore`] methods return them (so the trait can be used as `dyn`).
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'a>>;

/// Persistent storage for poll states, by key (one key per trigger instance).
pub trait StateStore: Send + Sync {
    /// The committed state for `key`, or `None` when it has none yet.
    fn load<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<PollState>>;
    /// Commits `state` for `key`; when this returns `Ok`, the state survives a crash.
    fn save<'a>(&'a self, key: &'a str, state: &'a PollState) -> StoreFuture<'a, ()>;
}

/// Poll states in memory (tests, or triggers that may restart from scratch).
#[derive(Clone, Debug, Default)]
pub struct MemoryStateStore {
    states: Arc<Mutex<HashMap<String, PollState>>>,
}

impl MemoryStateStore {
    /// An empty store.
    pub fn new() -> Self {
        MemoryStateStore::default()
    }
}

impl StateStore for MemoryStateStore {
    fn load<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<PollState>> {
        let state = self.states.lock().map(|s| s.get(key).cloned()).unwrap_or_default();
        Box::pin(async move { Ok(state) })
    }

    fn save<'a>(&'a self, key: &'a str, state: &'a PollState) -> StoreFuture<'a, ()> {
        if let Ok(mut states) = self.states.lock() {
            states.insert(key.to_owned(), state.clone());
        }
        Box::pin(async { Ok(()) })
    }
}

/// Poll states as JSON files in a folder, one per key, written atomically.
#[derive(Clone, Debug)]
pub struct FileStateStore {
    dir: PathBuf,
}

impl FileStateStore {
    /// A store in `dir` (created on first save).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        FileStateStore { dir: dir.into() }
    }

    /// The file for `key`: its characters outside `[A-Za-z0-9._-]` are replaced, so any key is a safe file name.
    pub fn path_for(&self, key: &str) -> PathBuf {
        let safe: String = key
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '_' })
            .collect();
        self.dir.join(format!("{safe}.poll-state.json"))
    }
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> Error {
    Error::new(ErrorKind::Config, format!("could not {what} {}: {e}", path.display())).with_source(e)
}

impl StateStore for FileStateStore {
    fn load<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<PollState>> {
        let path = self.path_for(key);
        Box::pin(async move {
            tokio::task::spawn_blocking(move || match std::fs::read(&path) {
                Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
                    Error::new(ErrorKind::Decode, format!("poll state {} is not valid: {e}", path.display()))
                        .with_source(e)
                }),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(io_error("read", &path, e)),
            })
            .await
            .map_err(|e| Error::new(ErrorKind::Config, "the state store task failed").with_source(e))?
        })
    }

    fn save<'a>(&'a self, key: &'a str, state: &'a PollState) -> StoreFuture<'a, ()> {
        let path = self.path_for(key);
        let dir = self.dir.clone();
        let bytes = serde_json::to_vec_pretty(state);
        Box::pin(async move {
            let bytes =
                bytes.map_err(|e| Error::new(ErrorKind::Encode, "could not encode the poll state").with_source(e))?;
            tokio::task::spawn_blocking(move || write_atomically(&dir, &path, &bytes))
                .await
                .map_err(|e| Error::new(ErrorKind::Config, "the state store task failed").with_source(e))?
        })
    }
}

/// Temp file in the same folder, fsync, rename over the target, fsync the folder.
fn write_atomically(dir: &Path, path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write as _;
    std::fs::create_dir_all(dir).map_err(|e| io_error("create", dir, e))?;
    let temp = path.with_extension(format!("tmp-{}-{}", std::process::id(), fastrand::u64(..)));
    let result = (|| {
        let mut file = std::fs::File::create(&temp).map_err(|e| io_error("create", &temp, e))?;
        file.write_all(bytes).map_err(|e| io_error("write", &temp, e))?;
        file.sync_all().map_err(|e| io_error("sync", &temp, e))?;
        std::fs::rename(&temp, path).map_err(|e| io_error("replace", path, e))?;
        // The rename itself must reach the disk too.
        if let Ok(folder) = std::fs::File::open(dir) {
            let _ = folder.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}
