//! Findings collected while loading, before they know their file name and line numbers.
//!
//! The reader knows byte offsets, the upgrade knows JSON pointers; only the end of loading knows the file name
//! and has the line index to turn either into line:column. So every stage records a [`Note`] and
//! `load::finish` turns all of them into [`Diagnostic`]s at once.

use std::collections::HashSet;

use crate::diagnostic::{Diagnostic, Severity};

use super::source_map::SourceMap;

/// Where a note points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Site {
    /// Nowhere in particular (the whole file).
    File,
    /// A byte offset in the decoded text.
    Offset(usize),
    /// A byte offset, with the pointer of the node being read there.
    OffsetIn(usize, String),
    /// A node of the input document, by JSON pointer.
    Pointer(String),
    /// A 1-based line and column, when a library reports only those (YAML).
    LineCol(usize, usize),
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Note {
    pub(crate) severity: Severity,
    pub(crate) message: String,
    pub(crate) site: Site,
}

impl Note {
    pub(crate) fn error(site: Site, message: impl Into<String>) -> Self {
        Self { severity: Severity::Error, message: message.into(), site }
    }

    pub(crate) fn warning(site: Site, message: impl Into<String>) -> Self {
        Self { severity: Severity::Warning, message: message.into(), site }
    }

    /// The note as a diagnostic for `file`, located through `map` where it can be.
    pub(crate) fn into_diagnostic(self, file: &str, map: Option<&SourceMap>) -> Diagnostic {
        let mut diagnostic = Diagnostic::new(self.severity, file, self.message);
        match self.site {
            Site::File => {}
            Site::Offset(offset) => {
                diagnostic.line_col = map.map(|m| m.line_col(offset));
            }
            Site::OffsetIn(offset, pointer) => {
                diagnostic.line_col = map.map(|m| m.line_col(offset));
                diagnostic.pointer = Some(pointer);
            }
            Site::Pointer(pointer) => {
                diagnostic.line_col = map.and_then(|m| m.locate_input(&pointer));
                diagnostic.pointer = Some(pointer);
            }
            Site::LineCol(line, column) => diagnostic.line_col = Some((line, column)),
        }
        diagnostic
    }
}

/// The warnings of one stage, in the order found.
///
/// A shared part of the input (a `#/responses/X` inlined into several operations) is visited more than once;
/// the same warning at the same pointer is kept only once.
#[derive(Debug, Default)]
pub(crate) struct Notes {
    items: Vec<Note>,
    seen: HashSet<(String, String)>,
}

impl Notes {
    /// A warning about the node at `pointer` of the input document.
    pub(crate) fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        let message = message.into();
        if self.seen.insert((pointer.to_owned(), message.clone())) {
            self.items.push(Note::warning(Site::Pointer(pointer.to_owned()), message));
        }
    }

    pub(crate) fn extend(&mut self, notes: impl IntoIterator<Item = Note>) {
        self.items.extend(notes);
    }

    pub(crate) fn into_vec(self) -> Vec<Note> {
        self.items
    }
}
