//! Request bodies: Swagger 2.0 `body` and `formData` parameters become one OpenAPI 3.0 `requestBody`.
//!
//! A `body` parameter's schema goes under each media type the operation `consumes` (else the root's, else
//! `application/json`); its `name` is kept as `x-ms-body-name` and its `x-*` keys stay on the request body.
//! `formData` parameters become the properties of one object schema, with `required` listing the required
//! fields; the media types are the form types among `consumes`, or, when none is declared, multipart if any
//! field is a file and urlencoded otherwise.

use serde_json::{Map, Value, json};

use super::Upgrade;
use super::parameters::{BodyParam, FormField};
use crate::load::pointer::escape;

const MULTIPART: &str = "multipart/form-data";
const URLENCODED: &str = "application/x-www-form-urlencoded";

/// What an operation's parameters contribute to its request body.
#[derive(Debug, Clone, Default)]
pub(super) struct BodyParts {
    pub(super) bodies: Vec<BodyParam>,
    pub(super) fields: Vec<FormField>,
}

impl BodyParts {
    /// These parts, completed by the path item's (the operation's own win: a body replaces inherited form
    /// fields and vice versa; form fields are overridden by name).
    pub(super) fn inheriting(mut self, inherited: &Self) -> Self {
        if self.bodies.is_empty() && self.fields.is_empty() {
            return inherited.clone();
        }
        if self.bodies.is_empty() && inherited.bodies.is_empty() {
            for field in &inherited.fields {
                if !self.fields.iter().any(|f| f.name == field.name) {
                    self.fields.insert(0, field.clone());
                }
            }
        }
        self
    }
}

impl Upgrade<'_> {
    /// The `requestBody` for these parts, recording where its pieces came from under `document` (the
    /// operation's document pointer).
    pub(super) fn request_body(&mut self, parts: BodyParts, consumes: &[String], document: &str) -> Option<Value> {
        let BodyParts { mut bodies, fields } = parts;
        if bodies.len() > 1 {
            for extra in bodies.iter().skip(1) {
                self.notes.warn(&extra.pointer, "an operation can have only one body parameter; this one is dropped");
            }
        }
        if !bodies.is_empty() {
            for field in &fields {
                self.notes.warn(&field.pointer, "formData parameter next to a body parameter; dropped");
            }
            return Some(self.json_body(bodies.swap_remove(0), consumes, document));
        }
        if fields.is_empty() {
            return None;
        }
        Some(self.form_body(fields, consumes, document))
    }

    fn json_body(&mut self, body: BodyParam, consumes: &[String], document: &str) -> Value {
        let media_types = if consumes.is_empty() { vec![super::JSON.to_owned()] } else { consumes.to_vec() };
        let body_pointer = format!("{document}/requestBody");
        self.origin(body_pointer.clone(), body.pointer.clone());
        let mut content = Map::new();
        for media_type in media_types {
            let schema_pointer = format!("{body_pointer}/content/{}/schema", escape(&media_type));
            self.origin(schema_pointer, format!("{}/schema", body.pointer));
            content.insert(media_type, json!({ "schema": body.schema.clone() }));
        }
        let mut out = Map::new();
        if let Some(description) = body.description {
            out.insert("description".to_owned(), Value::String(description));
        }
        out.insert("content".to_owned(), Value::Object(content));
        if body.required {
            out.insert("required".to_owned(), Value::Bool(true));
        }
        out.insert("x-ms-body-name".to_owned(), Value::String(body.name));
        out.extend(body.extensions);
        Value::Object(out)
    }

    fn form_body(&mut self, fields: Vec<FormField>, consumes: &[String], document: &str) -> Value {
        let mut media_types: Vec<String> = consumes
            .iter()
            .filter(|m| media_essence(m) == MULTIPART || media_essence(m) == URLENCODED)
            .cloned()
            .collect();
        if media_types.is_empty() {
            let any_file = fields.iter().any(|f| f.is_file);
            let chosen = if any_file { MULTIPART } else { URLENCODED };
            if !consumes.is_empty()
                && let Some(first) = fields.first()
            {
                self.notes.warn(
                    &first.pointer,
                    format!("formData parameters, but `consumes` lists no form media type; sent as {chosen}"),
                );
            }
            media_types.push(chosen.to_owned());
        }
        let body_pointer = format!("{document}/requestBody");
        let mut properties = Map::new();
        let mut required = Vec::new();
        for field in fields {
            for media_type in &media_types {
                let property_pointer =
                    format!("{body_pointer}/content/{}/schema/properties/{}", escape(media_type), escape(&field.name));
                self.origin(property_pointer, field.pointer.clone());
            }
            if field.required {
                required.push(Value::String(field.name.clone()));
            }
            properties.insert(field.name, field.schema);
        }
        let any_required = !required.is_empty();
        let mut schema = Map::new();
        schema.insert("type".to_owned(), json!("object"));
        schema.insert("properties".to_owned(), Value::Object(properties));
        if any_required {
            schema.insert("required".to_owned(), Value::Array(required));
        }
        let schema = Value::Object(schema);
        let content: Map<String, Value> =
            media_types.into_iter().map(|media_type| (media_type, json!({ "schema": schema.clone() }))).collect();
        let mut out = Map::new();
        out.insert("content".to_owned(), Value::Object(content));
        if any_required {
            out.insert("required".to_owned(), Value::Bool(true));
        }
        Value::Object(out)
    }
}

/// The media type without parameters, lower-cased (`Multipart/Form-Data; charset=utf-8` -> `multipart/form-data`).
fn media_essence(media_type: &str) -> String {
    media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase()
}
