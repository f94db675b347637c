//! References and extensions: the parts of a document that the upgrade copies rather than converts.
//!
//! Swagger 2.0 keeps reusable parts under `#/definitions`, `#/parameters` and `#/responses`; OpenAPI 3.0 under
//! `#/components/...`. Every `$ref` is rewritten by prefix, keeping the name verbatim (connector definition names
//! contain spaces, dots and brackets, and one real spec references `#/definitions/Send translation request` with
//! raw spaces). Extension values (`x-*`) are copied as written, with the same `$ref` rewriting inside so that a
//! reference stays valid wherever it sits; the schema inside `x-ms-notification-content` is normalised like any
//! other schema because the lower stage reads it as one.

use serde_json::{Map, Value};

use super::{Mode, Upgrade};
use crate::load::pointer;

/// Swagger 2.0 prefix -> OpenAPI 3.0 prefix.
const MOVED: [(&str, &str); 3] = [
    ("#/definitions/", "#/components/schemas/"),
    ("#/parameters/", "#/components/parameters/"),
    ("#/responses/", "#/components/responses/"),
];

impl Upgrade<'_> {
    /// The reference as it must read in the upgraded document, with a warning when it points nowhere.
    pub(super) fn reference(&mut self, reference: &str) -> String {
        if self.mode == Mode::OpenApi30 {
            return reference.to_owned();
        }
        for (old, new) in MOVED {
            if let Some(rest) = reference.strip_prefix(old) {
                if !self.resolves(reference) {
                    self.warn_here(format!("reference `{reference}` points to nothing in this document"));
                }
                return format!("{new}{rest}");
            }
        }
        if !reference.starts_with('#') {
            self.warn_here(format!(
                "external reference `{reference}` kept as written; only references inside the document are resolved"
            ));
        } else if !self.resolves(reference) {
            self.warn_here(format!("reference `{reference}` points to nothing in this document"));
        }
        reference.to_owned()
    }

    /// Whether an internal reference names an existing node of the input.
    fn resolves(&self, reference: &str) -> bool {
        let mut node = Some(self.input_value);
        for segment in pointer::segments(reference) {
            node = match node {
                Some(Value::Object(map)) => map.get(&segment),
                Some(Value::Array(items)) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            };
        }
        node.is_some()
    }

    /// An extension value as it goes into the upgraded document.
    pub(super) fn extension(&mut self, key: &str, value: &Value) -> Value {
        if key == "x-ms-notification-content"
            && let Value::Object(content) = value
        {
            return self.notification_content(content);
        }
        if self.mode == Mode::OpenApi30 {
            return value.clone();
        }
        rewrite_references(value)
    }

    /// Copies every `x-*` key of `object` into `out`.
    pub(super) fn copy_extensions(&mut self, object: &Map<String, Value>, out: &mut Map<String, Value>) {
        for (key, value) in object {
            if key.starts_with("x-") {
                let mark = self.ptr.push(key);
                let converted = self.extension(key, value);
                self.ptr.pop(mark);
                out.insert(key.clone(), converted);
            }
        }
    }

    /// `x-ms-notification-content` is a Swagger response object (`description`, `schema`); its schema is
    /// normalised so the webhook payload type can be read like any other schema.
    fn notification_content(&mut self, content: &Map<String, Value>) -> Value {
        let mut out = Map::new();
        for (key, value) in content {
            let converted = if key == "schema" {
                let mark = self.ptr.push(key);
                let schema = self.schema(value);
                self.ptr.pop(mark);
                schema
            } else if self.mode == Mode::OpenApi30 {
                value.clone()
            } else {
                rewrite_references(value)
            };
            out.insert(key.clone(), converted);
        }
        Value::Object(out)
    }
}

/// A deep copy with every `"$ref": "#/definitions/..."` (and parameters, responses) moved to components.
fn rewrite_references(value: &Value) -> Value {
    match value {
        Value::Object(object) => Value::Object(
            object
                .iter()
                .map(|(key, v)| {
                    let v = match (key.as_str(), v) {
                        ("$ref", Value::String(reference)) => Value::String(moved(reference)),
                        _ => rewrite_references(v),
                    };
                    (key.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(rewrite_references).collect()),
        scalar => scalar.clone(),
    }
}

fn moved(reference: &str) -> String {
    MOVED
        .iter()
        .find_map(|(old, new)| reference.strip_prefix(old).map(|rest| format!("{new}{rest}")))
        .unwrap_or_else(|| reference.to_owned())
}
