//! Why a spec could not be loaded.

use std::path::PathBuf;

use crate::diagnostic::Diagnostic;

/// Loading stopped: the file could not be read, or its content cannot be used.
///
/// Warnings found before the failure are kept, so a user fixing the error also sees what else was repaired.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read from disk.
    #[error("{}: cannot read: {source}", path.display())]
    Io {
        /// The file that was asked for.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The content is not a usable spec: broken JSON or YAML, an unsupported version, ...
    #[error("{diagnostic}")]
    Invalid {
        /// The error, with file, line:column and pointer where known.
        diagnostic: Box<Diagnostic>,
        /// Warnings found before the error.
        warnings: Vec<Diagnostic>,
    },
}

impl LoadError {
    /// The located error, unless the file could not be read at all.
    pub fn diagnostic(&self) -> Option<&Diagnostic> {
        match self {
            Self::Io { .. } => None,
            Self::Invalid { diagnostic, .. } => Some(diagnostic),
        }
    }

    /// Warnings found before the error.
    pub fn warnings(&self) -> &[Diagnostic] {
        match self {
            Self::Io { .. } => &[],
            Self::Invalid { warnings, .. } => warnings,
        }
    }
}
