//! `specs/connectors.toml`: which spec becomes which crate.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The whole manifest.
#[derive(Debug, Deserialize)]
pub(crate) struct Manifest {
    /// One entry per generated crate.
    #[serde(rename = "connector")]
    pub(crate) connectors: Vec<Entry>,
    /// Fixture crates, generated into `tests/output/` (compiled and used by the wire tests).
    #[serde(rename = "fixture", default)]
    pub(crate) fixtures: Vec<Entry>,
}

/// One generated crate.
#[derive(Debug, Deserialize)]
pub(crate) struct Entry {
    /// Crate name without `connector-`; also the folder under `generated/`.
    pub(crate) name: String,
    /// The spec, relative to `specs/`.
    pub(crate) spec: PathBuf,
}

impl Manifest {
    /// Every crate to generate, with the folder (relative to the workspace root) it goes into.
    pub(crate) fn outputs(&self) -> impl Iterator<Item = (&Entry, PathBuf)> {
        let connectors = self.connectors.iter().map(|e| (e, Path::new("generated").join(&e.name)));
        let fixtures = self.fixtures.iter().map(|e| (e, Path::new("tests/output").join(&e.name)));
        connectors.chain(fixtures)
    }

    pub(crate) fn read(root: &Path) -> Result<Manifest, String> {
        let path = root.join("specs/connectors.toml");
        let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }
}
