//! Schema objects: Swagger 2.0 (or sloppy OpenAPI 3.0) schemas made fit for `openapiv3::Schema`.
//!
//! The two schema dialects are nearly the same, so this is a copy that rewrites a few things by rule and
//! repairs what real specs get wrong. By rule, silently: `$ref` to `#/definitions/X` becomes
//! `#/components/schemas/X`; `type: file` becomes `type: string, format: binary`; `x-nullable: true` also sets
//! `nullable: true`; a string `discriminator` becomes `{propertyName}`; a `$ref` with sibling keys becomes
//! `allOf: [{$ref}]` next to those keys, because OpenAPI 3.0 (and `openapiv3`) ignore a reference's siblings and
//! the siblings carry `x-ms-*` keys and descriptions we must keep. Repairs, each with a warning at its pointer:
//! a boolean `required` inside a property (moved to the parent's `required` list), `type: "null"` or a list of
//! types, unknown type names, wrongly typed keywords, enum values that do not match `type: string`, tuple
//! `items`, and schemas nested implausibly deep (replaced by an empty schema that accepts anything).

use serde_json::{Map, Value, json};

use super::Upgrade;
use super::fields::kind;

/// Schemas nested deeper than this become empty schemas: the corpus never exceeds 10, and `openapiv3`'s
/// deserializer recurses per level with large frames.
const MAX_SCHEMA_DEPTH: usize = 48;

const TYPES: [&str; 6] = ["string", "number", "integer", "boolean", "object", "array"];

/// Keywords that hold one sub-schema.
const SUBSCHEMA: [&str; 2] = ["not", "additionalProperties"];
/// Keywords that hold a list of sub-schemas.
const SUBSCHEMA_LISTS: [&str; 3] = ["allOf", "anyOf", "oneOf"];
const TEXTS: [&str; 3] = ["title", "description", "pattern"];
const NUMBERS: [&str; 3] = ["minimum", "maximum", "multipleOf"];
const COUNTS: [&str; 6] = ["minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"];
const FLAGS: [&str; 7] =
    ["exclusiveMinimum", "exclusiveMaximum", "uniqueItems", "readOnly", "writeOnly", "deprecated", "nullable"];

/// Whether the schema being normalised is the value of a `properties` entry (where Swagger authors write
/// `required: true` meaning "this property is required").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Standalone,
    Property,
}

impl Upgrade<'_> {
    /// The schema at the current pointer, normalised.
    pub(crate) fn schema(&mut self, input: &Value) -> Value {
        self.schema_at(input, 0, Role::Standalone)
    }

    fn schema_at(&mut self, input: &Value, depth: usize, role: Role) -> Value {
        let Value::Object(object) = input else {
            if input != &Value::Bool(true) {
                self.warn_here(format!(
                    "a schema must be an object, not {}; replaced by an empty schema (any value)",
                    kind(input)
                ));
            }
            return json!({});
        };
        if depth > MAX_SCHEMA_DEPTH {
            self.warn_here(format!(
                "schema nested more than {MAX_SCHEMA_DEPTH} levels deep; replaced by an empty schema (any value)"
            ));
            return json!({});
        }
        let mut out = Map::new();
        let mut nullable = false;
        for (key, value) in object {
            let mark = self.ptr.push(key);
            match key.as_str() {
                "$ref" => match value {
                    Value::String(reference) => {
                        out.insert(key.clone(), Value::String(self.reference(reference)));
                    }
                    other => self.warn_here(format!("`$ref` must be a string, not {}; dropped", kind(other))),
                },
                "type" => nullable |= self.schema_type(value, &mut out),
                "format" => match value {
                    Value::String(_) => {
                        out.entry("format").or_insert_with(|| value.clone());
                    }
                    other => self.warn_here(format!("`format` must be a string, not {}; dropped", kind(other))),
                },
                "properties" => self.properties(value, depth, &mut out),
                "items" => self.items(value, depth, &mut out),
                "required" => self.required(value, role, &mut out),
                "enum" => {
                    let values = match value {
                        Value::Array(_) => value.clone(),
                        other => {
                            self.warn_here("`enum` must be a list; the single value read as a list of one");
                            Value::Array(vec![other.clone()])
                        }
                    };
                    out.insert(key.clone(), values);
                }
                "discriminator" => self.discriminator(value, &mut out),
                "externalDocs" => {
                    if let Some(docs) = self.external_docs(value) {
                        out.insert(key.clone(), docs);
                    }
                }
                k if TEXTS.contains(&k) => {
                    if let Some(text) = self.text_value(k, value) {
                        out.insert(key.clone(), Value::String(text));
                    }
                }
                k if NUMBERS.contains(&k) => {
                    if let Some(n) = self.number_value(k, value) {
                        out.insert(key.clone(), Value::Number(n));
                    }
                }
                k if COUNTS.contains(&k) => {
                    if let Some(n) = self.count_value(k, value) {
                        out.insert(key.clone(), Value::from(n));
                    }
                }
                k if FLAGS.contains(&k) => {
                    if let Some(b) = self.flag_value(k, value) {
                        out.insert(key.clone(), Value::Bool(b));
                    }
                }
                "default" | "example" | "xml" => {
                    out.insert(key.clone(), value.clone());
                }
                "x-nullable" => {
                    nullable |= value == &Value::Bool(true);
                    out.insert(key.clone(), self.extension(key, value));
                }
                k if k.starts_with("x-") => {
                    out.insert(key.clone(), self.extension(key, value));
                }
                k if SUBSCHEMA.contains(&k) => match value {
                    Value::Bool(b) if k == "additionalProperties" => {
                        out.insert(key.clone(), Value::Bool(*b));
                    }
                    Value::Object(_) => {
                        let schema = self.schema_at(value, depth + 1, Role::Standalone);
                        out.insert(key.clone(), schema);
                    }
                    other => self.warn_here(format!("`{k}` must be a schema, not {}; dropped", kind(other))),
                },
                k if SUBSCHEMA_LISTS.contains(&k) => match value {
                    Value::Array(items) => {
                        let schemas = self.schema_list(items, depth);
                        out.insert(key.clone(), Value::Array(schemas));
                    }
                    other => self.warn_here(format!("`{k}` must be a list of schemas, not {}; dropped", kind(other))),
                },
                // Keywords with no meaning in a schema (`name`, `in`, `collectionFormat`, `definitions`, ...)
                // would be ignored by openapiv3 anyway.
                _ => {}
            }
            self.ptr.pop(mark);
        }
        if nullable {
            out.insert("nullable".to_owned(), Value::Bool(true));
        }
        self.string_enum(&mut out);
        wrap_reference_with_siblings(out)
    }

    /// Reads `type` into `out`; true when the type said the value may be null.
    fn schema_type(&mut self, value: &Value, out: &mut Map<String, Value>) -> bool {
        match value {
            Value::String(name) => self.named_type(name, out),
            Value::Array(names) => {
                let named: Vec<&str> = names.iter().filter_map(Value::as_str).filter(|n| *n != "null").collect();
                let nullable = names.iter().any(|n| n == "null");
                match named.as_slice() {
                    [only] => {
                        self.warn_here(format!(
                            "a list of types is not OpenAPI 3.0; read as `{only}`{}",
                            if nullable { " that may be null" } else { "" }
                        ));
                        self.named_type(only, out) || nullable
                    }
                    _ => {
                        self.warn_here("a list of several types is not OpenAPI 3.0; the schema accepts any type");
                        nullable
                    }
                }
            }
            other => {
                self.warn_here(format!("`type` must be a string, not {}; dropped", kind(other)));
                false
            }
        }
    }

    fn named_type(&mut self, name: &str, out: &mut Map<String, Value>) -> bool {
        if TYPES.contains(&name) {
            out.insert("type".to_owned(), Value::String(name.to_owned()));
            return false;
        }
        match name {
            "file" => {
                out.insert("type".to_owned(), json!("string"));
                out.insert("format".to_owned(), json!("binary"));
                false
            }
            "null" => {
                self.warn_here("`type: null` is not OpenAPI 3.0; read as a nullable schema of any type");
                true
            }
            _ => {
                let lower = name.to_ascii_lowercase();
                let alias = match lower.as_str() {
                    t if TYPES.contains(&t) => Some(t),
                    "int" | "int32" | "int64" | "long" => Some("integer"),
                    "float" | "double" | "decimal" => Some("number"),
                    "bool" => Some("boolean"),
                    "date" | "datetime" | "date-time" | "guid" | "uuid" => Some("string"),
                    _ => None,
                };
                match alias {
                    Some(t) => {
                        self.warn_here(format!("unknown type `{name}` read as `{t}`"));
                        out.insert("type".to_owned(), Value::String(t.to_owned()));
                    }
                    None => self.warn_here(format!("unknown type `{name}` dropped; the schema accepts any type")),
                }
                false
            }
        }
    }

    fn properties(&mut self, value: &Value, depth: usize, out: &mut Map<String, Value>) {
        let Value::Object(properties) = value else {
            self.warn_here(format!("`properties` must be an object, not {}; dropped", kind(value)));
            return;
        };
        let mut converted = Map::new();
        let mut lifted = Vec::new();
        for (name, property) in properties {
            let mark = self.ptr.push(name);
            if property.get("required") == Some(&Value::Bool(true)) {
                lifted.push(Value::String(name.clone()));
            }
            converted.insert(name.clone(), self.schema_at(property, depth + 1, Role::Property));
            self.ptr.pop(mark);
        }
        out.insert("properties".to_owned(), Value::Object(converted));
        if !lifted.is_empty() {
            let required = out.entry("required").or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(list) = required {
                for name in lifted {
                    if !list.contains(&name) {
                        list.push(name);
                    }
                }
            }
        }
    }

    fn required(&mut self, value: &Value, role: Role, out: &mut Map<String, Value>) {
        match value {
            Value::Array(names) => {
                let mut strings: Vec<Value> = names.iter().filter(|n| n.is_string()).cloned().collect();
                if strings.len() != names.len() {
                    self.warn_here("`required` must list property names; other entries dropped");
                }
                // Keep names lifted from `required: true` properties (visited earlier or later).
                if let Some(Value::Array(lifted)) = out.remove("required") {
                    for name in lifted {
                        if !strings.contains(&name) {
                            strings.push(name);
                        }
                    }
                }
                out.insert("required".to_owned(), Value::Array(strings));
            }
            Value::Bool(flag) if role == Role::Property => {
                let what =
                    if *flag { "moved to the parent's `required` list" } else { "dropped (optional is the default)" };
                self.warn_here(format!("`required: {flag}` inside a property schema is not valid; {what}"));
            }
            other => self.warn_here(format!("`required` must be a list of property names, not {other}; dropped")),
        }
    }

    fn items(&mut self, value: &Value, depth: usize, out: &mut Map<String, Value>) {
        let schema = match value {
            Value::Object(_) => self.schema_at(value, depth + 1, Role::Standalone),
            Value::Array(list) => {
                self.warn_here("tuple `items` (a list of schemas) is not OpenAPI 3.0; the first schema is used");
                match list.first() {
                    Some(first) => {
                        let mark = self.ptr.push_index(0);
                        let schema = self.schema_at(first, depth + 1, Role::Standalone);
                        self.ptr.pop(mark);
                        schema
                    }
                    None => json!({}),
                }
            }
            other => {
                self.warn_here(format!("`items` must be a schema, not {}; dropped", kind(other)));
                return;
            }
        };
        out.insert("items".to_owned(), schema);
    }

    fn schema_list(&mut self, items: &[Value], depth: usize) -> Vec<Value> {
        items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let mark = self.ptr.push_index(i);
                let schema = self.schema_at(item, depth + 1, Role::Standalone);
                self.ptr.pop(mark);
                schema
            })
            .collect()
    }

    fn discriminator(&mut self, value: &Value, out: &mut Map<String, Value>) {
        match value {
            // Swagger 2.0 names the property; OpenAPI 3.0 wraps it in an object.
            Value::String(property) => {
                out.insert("discriminator".to_owned(), json!({ "propertyName": property }));
            }
            Value::Object(object) if object.get("propertyName").is_some_and(Value::is_string) => {
                let mut copy = Map::new();
                for (key, v) in object {
                    match (key.as_str(), v) {
                        ("propertyName", _) => {
                            copy.insert(key.clone(), v.clone());
                        }
                        ("mapping", Value::Object(mapping)) => {
                            let strings: Map<String, Value> = mapping
                                .iter()
                                .filter(|(_, v)| v.is_string())
                                .map(|(k, v)| (k.clone(), v.clone()))
                                .collect();
                            copy.insert(key.clone(), Value::Object(strings));
                        }
                        (k, _) if k.starts_with("x-") => {
                            copy.insert(key.clone(), v.clone());
                        }
                        _ => {}
                    }
                }
                out.insert("discriminator".to_owned(), Value::Object(copy));
            }
            other => self.warn_here(format!("`discriminator` must name a property, not {other}; dropped")),
        }
    }

    /// `externalDocs` when it has the `url` OpenAPI requires.
    pub(super) fn external_docs(&mut self, value: &Value) -> Option<Value> {
        let Value::Object(object) = value else {
            self.warn_here("`externalDocs` must be an object; dropped");
            return None;
        };
        let Some(url) = self.text(object, "url") else {
            self.warn_here("`externalDocs` without a `url`; dropped");
            return None;
        };
        let mut out = Map::new();
        out.insert("url".to_owned(), Value::String(url));
        if let Some(description) = self.text(object, "description") {
            out.insert("description".to_owned(), Value::String(description));
        }
        self.copy_extensions(object, &mut out);
        Some(Value::Object(out))
    }

    /// With `type: string`, enum values that are numbers or booleans are read as their text, so that the
    /// schema stays a string schema instead of degrading to "any".
    fn string_enum(&mut self, out: &mut Map<String, Value>) {
        if out.get("type").and_then(Value::as_str) != Some("string") {
            return;
        }
        let Some(Value::Array(values)) = out.get_mut("enum") else {
            return;
        };
        let mut changed = false;
        for value in values.iter_mut() {
            if matches!(value, Value::Number(_) | Value::Bool(_)) {
                *value = Value::String(value.to_string());
                changed = true;
            }
        }
        if values.iter().any(|v| v.is_array() || v.is_object()) {
            values.retain(|v| !(v.is_array() || v.is_object()));
            self.warn_child("enum", "enum values of a string schema that are lists or objects dropped");
        }
        if changed {
            self.warn_child("enum", "enum values of a string schema that are numbers or booleans read as text");
        }
    }
}

/// `{$ref, description, x-ms-summary}` becomes `{description, x-ms-summary, allOf: [{$ref}]}`.
fn wrap_reference_with_siblings(mut out: Map<String, Value>) -> Value {
    if out.len() < 2 || !out.contains_key("$ref") {
        return Value::Object(out);
    }
    let Some(reference) = out.shift_remove("$ref") else {
        return Value::Object(out);
    };
    let reference = json!({ "$ref": reference });
    match out.get_mut("allOf") {
        Some(Value::Array(all_of)) => all_of.insert(0, reference),
        _ => {
            out.insert("allOf".to_owned(), Value::Array(vec![reference]));
        }
    }
    Value::Object(out)
}
