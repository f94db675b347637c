//! Responses: a Swagger 2.0 response's single `schema` goes under `content`, once per media type the operation
//! `produces` (else the root's, else `application/json`).
//!
//! Status keys are kept as written (`200`, `default`, `2XX`); other keys are dropped with a warning because
//! `openapiv3` would drop them silently. `headers` get a schema like parameters do, `examples` (keyed by media
//! type) become each media type's `example`. Shared `#/responses/X` entries go to `components.responses`,
//! converted with the root `produces`; an operation whose `produces` differs gets its own inlined copy so that
//! its media types stay right.

use serde_json::{Map, Value, json};

use super::Upgrade;
use super::fields::kind;
use crate::load::pointer;

/// Header keys that describe the value, and so move into the header's schema.
const HEADER_SCHEMA_KEYS: [&str; 15] = [
    "type",
    "format",
    "items",
    "default",
    "enum",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
];

impl Upgrade<'_> {
    /// The media types responses use when the operation does not say.
    pub(super) fn root_media_types(&self) -> Vec<String> {
        media_types_or_json(&self.root_produces)
    }

    /// `components.responses` from the root `responses`.
    pub(super) fn component_responses(&mut self, responses: &Value) -> Map<String, Value> {
        let Value::Object(responses) = responses else {
            self.warn_here("`responses` must be an object; dropped");
            return Map::new();
        };
        let produces = self.root_media_types();
        responses
            .iter()
            .map(|(name, response)| {
                let document = Self::document_pointer(["components", "responses", name]);
                let converted = self.within(name, |u| u.response(response, &produces, &document));
                (name.clone(), converted)
            })
            .collect()
    }

    /// An operation's `responses`, at the current pointer; `document` is the responses' document pointer.
    pub(super) fn responses(&mut self, responses: Option<&Value>, produces: &[String], document: &str) -> Value {
        let responses = match responses {
            Some(Value::Object(responses)) => responses,
            Some(other) => {
                self.warn_here(format!("`responses` must be an object, not {}; dropped", kind(other)));
                return json!({});
            }
            None => {
                self.warn_here("operation without `responses`");
                return json!({});
            }
        };
        let mut out = Map::new();
        for (status, response) in responses {
            if status.starts_with("x-") {
                let mark = self.ptr.push(status);
                out.insert(status.clone(), self.extension(status, response));
                self.ptr.pop(mark);
                continue;
            }
            if !is_status_key(status) {
                self.warn_child(status, format!("`{status}` is not a status code or `default`; response dropped"));
                continue;
            }
            let response_document = format!("{document}/{}", pointer::escape(status));
            let converted = self.within(status, |u| u.response_or_reference(response, produces, &response_document));
            out.insert(status.clone(), converted);
        }
        Value::Object(out)
    }

    fn response_or_reference(&mut self, response: &Value, produces: &[String], document: &str) -> Value {
        let Some(reference) = response.get("$ref") else {
            return self.response(response, produces, document);
        };
        let Value::String(reference) = reference else {
            self.warn_child("$ref", "`$ref` must be a string; response replaced by an empty one");
            return json!({ "description": "" });
        };
        let input = self.input;
        let shared_name = reference.strip_prefix("#/responses/").filter(|rest| !rest.contains('/'));
        let shared = shared_name.and_then(|name| {
            let name = pointer::segments(&format!("#/{name}")).next().unwrap_or_default();
            input.get("responses").and_then(|r| r.get(&name)).map(|r| (name, r))
        });
        match shared {
            Some(_) if media_types_or_json(produces) == self.root_media_types() => {
                json!({ "$ref": self.within("$ref", |u| u.reference(reference)) })
            }
            Some((name, shared)) => {
                // Converted again for this operation's media types; warnings repeat nothing (they are deduplicated).
                let at = Self::document_pointer(["responses", name.as_str()]);
                self.origin(document.to_owned(), at.clone());
                self.at(&at, |u| u.response(shared, produces, document))
            }
            None => {
                self.warn_child("$ref", format!("response reference `{reference}` points to nothing"));
                json!({ "$ref": reference })
            }
        }
    }

    /// One response object, at the current pointer.
    fn response(&mut self, response: &Value, produces: &[String], document: &str) -> Value {
        let Value::Object(response) = response else {
            self.warn_here(format!("a response must be an object, not {}; replaced by an empty one", kind(response)));
            return json!({ "description": "" });
        };
        let mut out = Map::new();
        let description = self.text(response, "description").unwrap_or_else(|| {
            self.warn_here("response without a `description`; left empty");
            String::new()
        });
        out.insert("description".to_owned(), Value::String(description));
        if let Some(Value::Object(headers)) = response.get("headers") {
            let headers = self.within("headers", |u| u.headers(headers, document));
            out.insert("headers".to_owned(), Value::Object(headers));
        }
        let media_types = media_types_or_json(produces);
        let schema = response.get("schema").map(|s| self.within("schema", |u| u.schema(s)));
        let mut content = Map::new();
        if let Some(schema) = &schema {
            for media_type in &media_types {
                let schema_document = format!("{document}/content/{}/schema", pointer::escape(media_type));
                let schema_input = format!("{}/schema", self.ptr.as_str());
                self.origin(schema_document, schema_input);
                content.insert(media_type.clone(), json!({ "schema": schema.clone() }));
            }
        }
        if let Some(Value::Object(examples)) = response.get("examples") {
            for (media_type, example) in examples {
                let entry = content.entry(media_type.clone()).or_insert_with(|| match &schema {
                    Some(schema) => json!({ "schema": schema.clone() }),
                    None => json!({}),
                });
                if let Value::Object(entry) = entry {
                    entry.insert("example".to_owned(), example.clone());
                }
            }
        }
        if !content.is_empty() {
            out.insert("content".to_owned(), Value::Object(content));
        }
        self.copy_extensions(response, &mut out);
        Value::Object(out)
    }

    fn headers(&mut self, headers: &Map<String, Value>, document: &str) -> Map<String, Value> {
        let mut out = Map::new();
        for (name, header) in headers {
            let mark = self.ptr.push(name);
            match header {
                Value::Object(header) => {
                    let mut converted = Map::new();
                    if let Some(description) = self.text(header, "description") {
                        converted.insert("description".to_owned(), Value::String(description));
                    }
                    let built: Map<String, Value> = HEADER_SCHEMA_KEYS
                        .iter()
                        .filter_map(|key| header.get(*key).map(|v| ((*key).to_owned(), v.clone())))
                        .collect();
                    converted.insert("schema".to_owned(), self.schema(&Value::Object(built)));
                    self.copy_extensions(header, &mut converted);
                    let header_document = format!("{document}/headers/{}", pointer::escape(name));
                    self.origin(format!("{header_document}/schema"), self.ptr.as_str().to_owned());
                    out.insert(name.clone(), Value::Object(converted));
                }
                other => self.warn_here(format!("a header must be an object, not {}; dropped", kind(other))),
            }
            self.ptr.pop(mark);
        }
        out
    }
}

/// `default`, a code from 100 to 999, or a range like `2XX`: what `openapiv3` accepts as a response key.
fn is_status_key(key: &str) -> bool {
    if key == "default" {
        return true;
    }
    match key.as_bytes() {
        [a, b, c] if a.is_ascii_digit() && b.is_ascii_digit() && c.is_ascii_digit() => *a != b'0',
        [a, b, c] => (b'1'..=b'9').contains(a) && b.eq_ignore_ascii_case(&b'X') && c.eq_ignore_ascii_case(&b'X'),
        _ => false,
    }
}

fn media_types_or_json(media_types: &[String]) -> Vec<String> {
    if media_types.is_empty() { vec![super::JSON.to_owned()] } else { media_types.to_vec() }
}

#[cfg(test)]
mod tests {
    use super::is_status_key;

    #[test]
    fn status_keys_are_codes_ranges_or_default() {
        for key in ["200", "default", "2XX", "4xx", "999"] {
            assert!(is_status_key(key), "{key}");
        }
        for key in ["20", "2000", "OK", "099", "X00", "200 OK"] {
            assert!(!is_status_key(key), "{key}");
        }
    }
}
