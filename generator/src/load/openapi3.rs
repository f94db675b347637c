//! OpenAPI 3.0 input: no upgrade, but the same schema repairs as Swagger 2.0 input.
//!
//! Hand-written OpenAPI 3.0 connector specs have the same mistakes as Swagger ones (`required: true` in a
//! property, `type: "null"`, numbers as strings), and `openapiv3` rejects the whole document over any of them.
//! Every top-level schema is run through the shared normaliser, in place; references are left as written.

use serde_json::{Map, Value};

use super::notes::Notes;
use super::schema_sites::schema_pointers;
use super::upgrade::{Mode, Upgrade};

/// The document with every schema normalised.
pub(crate) fn normalize(mut document: Value, notes: &mut Notes) -> Value {
    let pointers = schema_pointers(&document);
    let fixed: Vec<(String, Value)> = {
        let empty = Map::new();
        let root = document.as_object().unwrap_or(&empty);
        let mut upgrade = Upgrade::new(&document, root, Mode::OpenApi30, notes);
        pointers
            .into_iter()
            .filter_map(|pointer| {
                let schema = document.pointer(pointer.trim_start_matches('#'))?;
                let fixed = upgrade.schema_at_pointer(&pointer, schema);
                Some((pointer, fixed))
            })
            .collect()
    };
    for (pointer, schema) in fixed {
        if let Some(slot) = document.pointer_mut(pointer.trim_start_matches('#')) {
            *slot = schema;
        }
    }
    document
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn repairs_schemas_and_keeps_references() {
        let mut notes = Notes::default();
        let document = normalize(
            json!({
                "openapi": "3.0.1",
                "components": {"schemas": {"A": {"type": "object", "properties": {
                    "id": {"type": "string", "required": true},
                    "b": {"$ref": "#/components/schemas/B"}
                }}}}
            }),
            &mut notes,
        );
        assert_eq!(
            document["components"]["schemas"]["A"],
            json!({"type": "object", "properties": {
                "id": {"type": "string"},
                "b": {"$ref": "#/components/schemas/B"}
            }, "required": ["id"]})
        );
        assert_eq!(notes.into_vec().len(), 1);
    }
}
