//! Diagnostics: what the generator tells a user about their spec.
//!
//! Every problem found in an input, fatal or not, becomes a [`Diagnostic`] that names the file, the JSON
//! pointer of the offending node and, where the reader knows it, the line and column. Warnings are collected
//! and printed (and later listed in a generated crate's README); an error stops that one spec only.

use std::fmt;

/// How serious a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The spec was read, but something was repaired, guessed or dropped on the way.
    Warning,
    /// The spec cannot be used; generation of this spec stops.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Warning => "warning",
            Self::Error => "error",
        })
    }
}

/// One problem in one input file.
///
/// Displays like a compiler message: `spec.json:9:7: error: expected ... (at #/info/contact)`.
///
/// ```
/// use connector_gen::diagnostic::{Diagnostic, Severity};
///
/// let d = Diagnostic::error("spec.json", "expected `,` or `}` after object member").with_line_col(9, 7);
/// assert_eq!(d.severity, Severity::Error);
/// assert_eq!(d.to_string(), "spec.json:9:7: error: expected `,` or `}` after object member");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Whether this stops the spec.
    pub severity: Severity,
    /// What is wrong, and what was done about it for warnings.
    pub message: String,
    /// The input file as the user named it.
    pub file: String,
    /// JSON pointer (`#/paths/~1users~1{id}/get/parameters/2`) of the node concerned, when there is one.
    pub pointer: Option<String>,
    /// 1-based line and column (in characters) in the input, when known.
    pub line_col: Option<(usize, usize)>,
}

impl Diagnostic {
    /// A diagnostic of the given severity with no location yet.
    pub fn new(severity: Severity, file: impl Into<String>, message: impl Into<String>) -> Self {
        Self { severity, message: message.into(), file: file.into(), pointer: None, line_col: None }
    }

    /// An error with no location yet.
    pub fn error(file: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, file, message)
    }

    /// A warning with no location yet.
    pub fn warning(file: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, file, message)
    }

    /// The same diagnostic, pointing at a JSON pointer.
    #[must_use]
    pub fn with_pointer(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = Some(pointer.into());
        self
    }

    /// The same diagnostic, at a 1-based line and column.
    #[must_use]
    pub fn with_line_col(mut self, line: usize, column: usize) -> Self {
        self.line_col = Some((line, column));
        self
    }

    /// True for [`Severity::Error`].
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some((line, column)) = self.line_col {
            write!(f, ":{line}:{column}")?;
        }
        write!(f, ": {}: {}", self.severity, self.message)?;
        if let Some(pointer) = &self.pointer {
            write!(f, " (at {pointer})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_without_position_keeps_file_and_pointer() {
        let d = Diagnostic::warning("a.json", "trailing comma ignored").with_pointer("#/paths");
        assert_eq!(d.to_string(), "a.json: warning: trailing comma ignored (at #/paths)");
    }

    #[test]
    fn display_with_position_reads_like_a_compiler_message() {
        let d = Diagnostic::error("a.json", "boom").with_line_col(3, 14);
        assert_eq!(d.to_string(), "a.json:3:14: error: boom");
        assert!(d.is_error());
    }
}
