//! `apiProperties.json`, the file beside a connector spec with its connection parameters and policy templates.
//!
//! It is read with the same lenient reader as the spec and handed on as a raw value: the lower stage picks
//! what it needs (auth connection parameters, `dynamichosturl` and other policy templates that change where
//! requests go).

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::error::LoadError;
use super::notes::{Note, Site};
use super::read::read;
use crate::diagnostic::Diagnostic;

/// The file name the platform uses beside `apiDefinition.swagger.json`.
pub const API_PROPERTIES_FILE: &str = "apiProperties.json";

/// Where the `apiProperties.json` for the spec at `spec_path` would be.
pub(crate) fn beside(spec_path: &Path) -> PathBuf {
    spec_path.with_file_name(API_PROPERTIES_FILE)
}

/// Reads an `apiProperties.json`: the raw value and the warnings about how it was read.
///
/// ```
/// let (properties, warnings) =
///     connector_gen::load::load_api_properties(b"{\"properties\": {},}", "apiProperties.json")?;
/// assert!(properties["properties"].is_object());
/// assert_eq!(warnings.len(), 1); // the trailing comma
/// # Ok::<(), connector_gen::load::LoadError>(())
/// ```
pub fn load_api_properties(bytes: &[u8], source_name: &str) -> Result<(Value, Vec<Diagnostic>), LoadError> {
    let mut notes = Vec::new();
    let input = match read(bytes, &mut notes) {
        Ok(input) => input,
        Err(failure) => {
            let super::read::ReadFailure { error, map } = *failure;
            let warnings = notes.into_iter().map(|n| n.into_diagnostic(source_name, map.as_ref())).collect();
            return Err(LoadError::Invalid {
                diagnostic: Box::new(error.into_diagnostic(source_name, map.as_ref())),
                warnings,
            });
        }
    };
    if !input.map.input().is_object() {
        notes.push(Note::warning(Site::Pointer("#".to_owned()), "apiProperties should be an object"));
    }
    let warnings = notes.into_iter().map(|n| n.into_diagnostic(source_name, Some(&input.map))).collect();
    Ok((input.map.input().clone(), warnings))
}
