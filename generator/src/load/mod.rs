//! The first generator stage: spec bytes to an `openapiv3::OpenAPI` document.
//!
//! ```text
//! bytes --text--> decoded text --format--> JSON (lenient, with positions) or YAML --> serde_json::Value
//!       --version--> Swagger 2.0: upgrade | OpenAPI 3.0: normalise --materialize--> openapiv3::OpenAPI
//! ```
//!
//! Every `x-ms-*` (and other `x-*`) key is kept on the object it was written on, in that object's
//! `extensions`. Nothing the reader forgives is forgiven silently: each repair is a warning [`Diagnostic`]
//! with the file, the JSON pointer and, for JSON input, line:column. Damage that would need a guess (a missing
//! comma, an unbalanced bracket) is an error, and bad input never panics.
//!
//! ```
//! let spec = br#"{
//!   "swagger": "2.0",
//!   "info": {"title": "Demo", "version": "1.0"},
//!   "host": "api.example.com", "basePath": "/v1",
//!   "paths": {"/items": {"get": {
//!     "operationId": "ListItems",
//!     "x-ms-visibility": "important",
//!     "responses": {"200": {"description": "ok", "schema": {"type": "array", "items": {"type": "string"}}}}
//!   }}}
//! }"#;
//! let loaded = connector_gen::load::load_bytes(spec, "demo.json")?;
//! assert_eq!(loaded.original_version, connector_gen::load::SpecVersion::Swagger2);
//! assert_eq!(loaded.document.servers[0].url, "https://api.example.com/v1");
//! let operation = loaded.document.paths.paths["/items"].as_item().and_then(|p| p.get.as_ref());
//! assert_eq!(operation.map(|o| &o.extensions["x-ms-visibility"]), Some(&serde_json::json!("important")));
//! assert!(loaded.warnings.is_empty());
//! # Ok::<(), connector_gen::load::LoadError>(())
//! ```

mod api_properties;
mod error;
mod format;
mod json;
mod materialize;
mod notes;
mod openapi3;
mod pointer;
mod read;
mod schema_sites;
mod source_map;
mod text;
mod upgrade;
mod version;
mod yaml;

use std::path::Path;

use openapiv3::OpenAPI;
use serde_json::Value;

use crate::diagnostic::Diagnostic;
pub use api_properties::{API_PROPERTIES_FILE, load_api_properties};
pub use error::LoadError;
pub use format::SourceFormat;
use notes::{Note, Notes};
pub use source_map::SourceMap;
pub use version::SpecVersion;

/// A loaded spec.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The spec as OpenAPI 3.0 (upgraded from Swagger 2.0 when it was one), extensions in place.
    pub document: OpenAPI,
    /// The version the file was written in.
    pub original_version: SpecVersion,
    /// The syntax the file was written in.
    pub format: SourceFormat,
    /// The raw `apiProperties.json` found beside the spec, if any (only [`load_file`] looks for it).
    pub api_properties: Option<Value>,
    /// Everything that was repaired, converted with loss, or ignored; in the order found.
    pub warnings: Vec<Diagnostic>,
    /// The file name used in diagnostics.
    pub file: String,
    /// The decoded input and the positions of its nodes.
    pub source: SourceMap,
}

impl Loaded {
    /// Line and column in the input of a node of [`Loaded::document`], by JSON pointer
    /// (`#/paths/~1users~1{id}/get/parameters/2`); nodes the upgrade moved are traced back to where they were
    /// written. `None` for YAML input.
    pub fn locate(&self, document_pointer: &str) -> Option<(usize, usize)> {
        self.source.locate(document_pointer)
    }

    /// A warning about a node of [`Loaded::document`], located like the loader's own diagnostics; for later
    /// stages that want to report against the user's file.
    pub fn warning_at(&self, document_pointer: &str, message: impl Into<String>) -> Diagnostic {
        let mut diagnostic = Diagnostic::warning(self.file.clone(), message).with_pointer(document_pointer);
        diagnostic.line_col = self.locate(document_pointer);
        diagnostic
    }
}

/// Loads the spec at `path`, and the `apiProperties.json` beside it when there is one.
///
/// The file name in diagnostics is `path` as given.
pub fn load_file(path: impl AsRef<Path>) -> Result<Loaded, LoadError> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|source| LoadError::Io { path: path.to_owned(), source })?;
    let mut loaded = load_bytes(&bytes, &path.display().to_string())?;
    let properties_path = api_properties::beside(path);
    if properties_path != path && properties_path.is_file() {
        let bytes = std::fs::read(&properties_path)
            .map_err(|source| LoadError::Io { path: properties_path.clone(), source })?;
        match load_api_properties(&bytes, &properties_path.display().to_string()) {
            Ok((properties, warnings)) => {
                loaded.api_properties = Some(properties);
                loaded.warnings.extend(warnings);
            }
            Err(LoadError::Invalid { diagnostic, mut warnings }) => {
                let mut all = loaded.warnings;
                all.append(&mut warnings);
                return Err(LoadError::Invalid { diagnostic, warnings: all });
            }
            Err(io) => return Err(io),
        }
    }
    Ok(loaded)
}

/// Loads a spec from bytes; `source_name` names it in diagnostics. No `apiProperties.json` is read.
pub fn load_bytes(bytes: &[u8], source_name: &str) -> Result<Loaded, LoadError> {
    let mut read_notes = Vec::new();
    let input = match read::read(bytes, &mut read_notes) {
        Ok(input) => input,
        Err(read_failure) => {
            let read::ReadFailure { error, map } = *read_failure;
            return Err(failure(source_name, error, read_notes, map.as_ref()));
        }
    };
    let mut map = input.map;
    let original_version = match version::detect(map.input(), &mut read_notes) {
        Ok(version) => version,
        Err(error) => return Err(failure(source_name, error, read_notes, Some(&map))),
    };
    let mut notes = Notes::default();
    notes.extend(read_notes);
    let document = match original_version {
        SpecVersion::Swagger2 => {
            let upgraded = upgrade::swagger2(map.input(), &mut notes);
            map.set_origins(upgraded.origins);
            upgraded.document
        }
        SpecVersion::OpenApi30 => openapi3::normalize(map.input().clone(), &mut notes),
    };
    let document = match materialize::into_openapi(document, &mut notes, &map) {
        Ok(document) => document,
        Err(error) => return Err(failure(source_name, error, notes.into_vec(), Some(&map))),
    };
    let warnings = notes.into_vec().into_iter().map(|note| note.into_diagnostic(source_name, Some(&map))).collect();
    Ok(Loaded {
        document,
        original_version,
        format: input.format,
        api_properties: None,
        warnings,
        file: source_name.to_owned(),
        source: map,
    })
}

fn failure(file: &str, error: Note, warnings: Vec<Note>, map: Option<&SourceMap>) -> LoadError {
    LoadError::Invalid {
        diagnostic: Box::new(error.into_diagnostic(file, map)),
        warnings: warnings.into_iter().map(|n| n.into_diagnostic(file, map)).collect(),
    }
}
