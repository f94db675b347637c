//! Which specification a document claims to follow: Swagger 2.0 (upgraded) or OpenAPI 3.0 (read as is).

use serde_json::Value;

use super::notes::{Note, Site};

/// The specification version of the input document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SpecVersion {
    /// `swagger: "2.0"`: upgraded to OpenAPI 3.0 while loading.
    Swagger2,
    /// `openapi: 3.0.x`: deserialized directly.
    OpenApi30,
}

/// Reads the version keys at the root of `document`.
pub(crate) fn detect(document: &Value, notes: &mut Vec<Note>) -> Result<SpecVersion, Note> {
    let Value::Object(root) = document else {
        return Err(Note::error(
            Site::Pointer("#".to_owned()),
            "the document root must be an object with a `swagger` or `openapi` key",
        ));
    };
    if let Some(version) = root.get("swagger") {
        return match version {
            Value::String(v) if v == "2.0" => Ok(SpecVersion::Swagger2),
            // An unquoted `swagger: 2.0` in YAML is a number.
            Value::Number(n) if n.as_f64() == Some(2.0) => {
                notes.push(Note::warning(
                    Site::Pointer("#/swagger".to_owned()),
                    "`swagger` should be the string \"2.0\", not a number",
                ));
                Ok(SpecVersion::Swagger2)
            }
            other => Err(Note::error(
                Site::Pointer("#/swagger".to_owned()),
                format!("unsupported Swagger version {other}: only \"2.0\" is supported"),
            )),
        };
    }
    match root.get("openapi") {
        Some(Value::String(v)) if v == "3.0" || v.starts_with("3.0.") => Ok(SpecVersion::OpenApi30),
        Some(Value::String(v)) if v == "3.1" || v.starts_with("3.1.") => Err(Note::error(
            Site::Pointer("#/openapi".to_owned()),
            format!("OpenAPI {v} is not supported yet: only Swagger 2.0 and OpenAPI 3.0 are"),
        )),
        Some(other) => Err(Note::error(
            Site::Pointer("#/openapi".to_owned()),
            format!("unsupported OpenAPI version {other}: only 3.0.x is supported"),
        )),
        None => Err(Note::error(
            Site::Pointer("#".to_owned()),
            "not a Swagger 2.0 or OpenAPI 3.0 document: the root has neither a `swagger` nor an `openapi` key",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn version(doc: Value) -> Result<SpecVersion, String> {
        detect(&doc, &mut Vec::new()).map_err(|n| n.message)
    }

    #[test]
    fn recognises_swagger_2_and_openapi_3_0() {
        assert_eq!(version(json!({"swagger": "2.0"})), Ok(SpecVersion::Swagger2));
        assert_eq!(version(json!({"swagger": 2.0})), Ok(SpecVersion::Swagger2));
        assert_eq!(version(json!({"openapi": "3.0.3"})), Ok(SpecVersion::OpenApi30));
    }

    #[test]
    fn rejects_3_1_and_unknown_documents() {
        assert!(version(json!({"openapi": "3.1.0"})).is_err_and(|m| m.contains("3.1.0 is not supported yet")));
        assert!(version(json!({"info": {}})).is_err_and(|m| m.contains("neither")));
        assert!(version(json!([1])).is_err());
        assert!(version(json!({"swagger": "1.2"})).is_err());
    }
}
