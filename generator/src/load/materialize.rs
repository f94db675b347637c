//! The last step: the normalised value deserialized into `openapiv3::OpenAPI`.
//!
//! The normaliser is meant to leave nothing `openapiv3` rejects, but one unforeseen shape must not cost a user
//! the whole connector. So when deserialization fails, every schema is checked from the leaves up and each one
//! that still does not fit is replaced by an empty schema (any value) with a warning; then deserialization is
//! tried once more. Only a failure outside schemas stops the spec, with the path that failed.

use openapiv3::{OpenAPI, ReferenceOr, Schema};
use serde::Deserialize;
use serde_json::{Value, json};

use super::notes::{Note, Notes, Site};
use super::pointer::PointerBuf;
use super::schema_sites::schema_pointers;
use super::source_map::SourceMap;

/// Keywords whose value is one sub-schema, and those whose value is a list or map of them.
const ONE: [&str; 3] = ["items", "additionalProperties", "not"];
const LISTS: [&str; 3] = ["allOf", "anyOf", "oneOf"];

/// Deserializes `document`, isolating schemas that do not fit (see the module docs).
pub(crate) fn into_openapi(mut document: Value, notes: &mut Notes, map: &SourceMap) -> Result<OpenAPI, Note> {
    if let Ok(openapi) = OpenAPI::deserialize(&document) {
        return Ok(openapi);
    }
    for pointer in schema_pointers(&document) {
        if let Some(schema) = document.pointer_mut(pointer.trim_start_matches('#')) {
            let mut at = PointerBuf::from_text(&pointer);
            quarantine(schema, &mut at, notes, map);
        }
    }
    serde_path_to_error::deserialize::<_, OpenAPI>(&document).map_err(|error| {
        let path = error.path().to_string();
        Note::error(Site::File, format!("the document does not fit OpenAPI 3.0 at `{path}`: {}", error.inner()))
    })
}

/// Replaces every sub-schema of `schema` (and then `schema` itself) that `openapiv3` rejects by `{}`.
fn quarantine(schema: &mut Value, at: &mut PointerBuf, notes: &mut Notes, map: &SourceMap) {
    let Value::Object(object) = schema else {
        return;
    };
    for (key, value) in object.iter_mut() {
        let mark = at.push(key);
        match (key.as_str(), value) {
            ("properties", Value::Object(properties)) => {
                for (name, property) in properties.iter_mut() {
                    let mark = at.push(name);
                    quarantine(property, at, notes, map);
                    at.pop(mark);
                }
            }
            (k, value @ Value::Object(_)) if ONE.contains(&k) => quarantine(value, at, notes, map),
            (k, Value::Array(items)) if LISTS.contains(&k) => {
                for (i, item) in items.iter_mut().enumerate() {
                    let mark = at.push_index(i);
                    quarantine(item, at, notes, map);
                    at.pop(mark);
                }
            }
            _ => {}
        }
        at.pop(mark);
    }
    if let Err(error) = ReferenceOr::<Schema>::deserialize(&*schema) {
        let input = map.input_pointer(at.as_str());
        notes.warn(&input, format!("schema cannot be represented ({error}); replaced by an empty schema (any value)"));
        *schema = json!({});
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schema_that_does_not_fit_becomes_empty_with_a_warning() {
        let document = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": {
                "Good": {"type": "string"},
                "Bad": {"type": "object", "properties": {"p": {"minLength": "many"}}}
            }}
        });
        let mut notes = Notes::default();
        let openapi = into_openapi(document, &mut notes, &SourceMap::default()).expect("fits after quarantine");
        let schemas = openapi.components.map(|c| c.schemas).unwrap_or_default();
        assert_eq!(schemas.len(), 2);
        let notes = notes.into_vec();
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].site, Site::Pointer("#/components/schemas/Bad/properties/p".to_owned()));
    }

    #[test]
    fn a_failure_outside_schemas_is_an_error_with_its_path() {
        let document = json!({"openapi": "3.0.3", "info": {"title": 1, "version": "1"}, "paths": {}});
        let note = into_openapi(document, &mut Notes::default(), &SourceMap::default()).expect_err("fails");
        assert!(note.message.contains("info.title"), "{}", note.message);
    }
}
