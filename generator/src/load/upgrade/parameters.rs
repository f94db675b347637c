//! Parameters: Swagger 2.0 keeps a parameter's type inline; OpenAPI 3.0 wants a `schema` and a serialization
//! style.
//!
//! A non-body parameter's `type`, `format`, `items`, `enum`, `default` and limits become its `schema`;
//! `collectionFormat` becomes `style`/`explode` (csv: form or simple, not exploded) and is also kept verbatim as
//! `x-ms-collection-format`, since `tsv` has no OpenAPI 3.0 equivalent. Array parameters without one keep
//! Swagger's csv default. Every `x-*` key (`x-ms-url-encoding`, `x-ms-visibility`, `x-ms-summary`,
//! `x-ms-dynamic-*`) stays on the parameter. `body` and `formData` parameters are returned separately: they
//! become the operation's `requestBody` (see `bodies`). Shared `#/parameters/X` entries are converted once;
//! plain ones are referenced from `#/components/parameters/X`, body and form ones are inlined where used.

use serde_json::{Map, Value, json};

use super::Upgrade;
use super::fields::kind;
use crate::load::pointer;

/// Parameter keys that describe the value, and so move into the parameter's schema.
const SCHEMA_KEYS: [&str; 17] = [
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
    "multipleOf",
    "x-nullable",
];

/// A `body` parameter, on its way to becoming a `requestBody`.
#[derive(Debug, Clone)]
pub(super) struct BodyParam {
    pub(super) name: String,
    /// Input pointer of the parameter.
    pub(super) pointer: String,
    pub(super) description: Option<String>,
    pub(super) required: bool,
    pub(super) schema: Value,
    pub(super) extensions: Map<String, Value>,
}

/// A `formData` parameter, on its way to becoming a property of a form body schema.
#[derive(Debug, Clone)]
pub(super) struct FormField {
    pub(super) name: String,
    /// Input pointer of the parameter.
    pub(super) pointer: String,
    pub(super) required: bool,
    /// The property schema, carrying the parameter's description and `x-*` keys.
    pub(super) schema: Value,
    pub(super) is_file: bool,
}

/// A converted parameter.
#[derive(Debug, Clone)]
pub(super) enum Param {
    /// A query, header, path or cookie parameter (or a reference to one), with its name and location.
    Plain {
        name: String,
        location: String,
        value: Value,
    },
    Body(BodyParam),
    Form(FormField),
}

/// A `#/parameters/X` entry after conversion; `None` when it could not be converted.
pub(super) type SharedParam = Option<Param>;

impl Upgrade<'_> {
    /// Converts the root `parameters` once, so every use sees the same result and warnings appear once.
    pub(super) fn convert_shared_parameters(&mut self) {
        let input = self.input;
        let Some(parameters) = input.get("parameters") else {
            return;
        };
        self.within("parameters", |u| {
            let Value::Object(parameters) = parameters else {
                u.warn_here("`parameters` must be an object; dropped");
                return;
            };
            for (name, parameter) in parameters {
                let converted = u.within(name, |u| u.parameter(parameter));
                u.shared_params.insert(name.clone(), converted);
            }
        });
    }

    /// The plain shared parameters, for `components.parameters`.
    pub(super) fn component_parameters(&mut self) -> Map<String, Value> {
        self.shared_params
            .iter()
            .filter_map(|(name, param)| match param {
                Some(Param::Plain { value, .. }) => Some((name.clone(), value.clone())),
                _ => None,
            })
            .collect()
    }

    /// Converts the parameter at the current pointer.
    pub(super) fn parameter(&mut self, parameter: &Value) -> Option<Param> {
        let Value::Object(parameter) = parameter else {
            self.warn_here(format!("a parameter must be an object, not {}; dropped", kind(parameter)));
            return None;
        };
        if let Some(reference) = parameter.get("$ref") {
            return self.parameter_reference(reference);
        }
        let Some(location) = self.text(parameter, "in") else {
            self.warn_here("parameter without `in`; dropped");
            return None;
        };
        match location.as_str() {
            "body" => Some(Param::Body(self.body_param(parameter))),
            "formData" => self.form_field(parameter).map(Param::Form),
            "query" | "header" | "path" | "cookie" => self.plain_param(parameter, location),
            other => {
                self.warn_child("in", format!("unknown parameter location `{other}`; parameter dropped"));
                None
            }
        }
    }

    fn parameter_reference(&mut self, reference: &Value) -> Option<Param> {
        let Value::String(reference) = reference else {
            self.warn_child("$ref", "`$ref` must be a string; parameter dropped");
            return None;
        };
        let shared = reference
            .strip_prefix("#/parameters/")
            .map(|rest| pointer::segments(&format!("#/{rest}")).collect::<Vec<_>>())
            .and_then(|segments| match segments.as_slice() {
                [name] => self.shared_params.get(name).cloned(),
                _ => None,
            });
        match shared {
            Some(Some(Param::Plain { name, location, .. })) => {
                let target = self.reference(reference);
                Some(Param::Plain { name, location, value: json!({ "$ref": target }) })
            }
            // Body and form parameters have no place in `components.parameters`: inline them.
            Some(Some(param)) => Some(param),
            Some(None) => None,
            None => {
                self.warn_child("$ref", format!("parameter reference `{reference}` points to nothing; dropped"));
                None
            }
        }
    }

    fn plain_param(&mut self, parameter: &Map<String, Value>, location: String) -> Option<Param> {
        let Some(name) = self.text(parameter, "name") else {
            self.warn_here("parameter without a `name`; dropped");
            return None;
        };
        let mut out = Map::new();
        out.insert("name".to_owned(), Value::String(name.clone()));
        out.insert("in".to_owned(), Value::String(location.clone()));
        if let Some(description) = self.text(parameter, "description") {
            out.insert("description".to_owned(), Value::String(description));
        }
        let mut required = self.flag(parameter, "required").unwrap_or(false);
        if location == "path" && !required {
            self.warn_here(format!("path parameter `{name}` is not marked required; path parameters always are"));
            required = true;
        }
        if required {
            out.insert("required".to_owned(), Value::Bool(true));
        }
        if let Some(deprecated) = self.flag(parameter, "deprecated") {
            out.insert("deprecated".to_owned(), Value::Bool(deprecated));
        }
        let schema = self.parameter_schema(parameter);
        let is_array = schema.get("type").and_then(Value::as_str) == Some("array");
        out.insert("schema".to_owned(), schema);
        self.collection_format(parameter, &location, is_array, &mut out);
        if location == "query"
            && let Some(allow) = self.flag(parameter, "allowEmptyValue")
        {
            out.insert("allowEmptyValue".to_owned(), Value::Bool(allow));
        }
        self.copy_extensions(parameter, &mut out);
        Some(Param::Plain { name, location, value: Value::Object(out) })
    }

    /// The schema of a non-body parameter: its `schema` if it has one (not Swagger 2.0, but written), else
    /// built from its type keys. Normalised at the parameter's own pointer, where those keys were written.
    pub(super) fn parameter_schema(&mut self, parameter: &Map<String, Value>) -> Value {
        if let Some(schema) = parameter.get("schema") {
            return self.within("schema", |u| u.schema(schema));
        }
        if !parameter.contains_key("type") {
            self.warn_here("parameter without a `type`; its schema accepts any value");
        }
        let built: Map<String, Value> =
            SCHEMA_KEYS.iter().filter_map(|key| parameter.get(*key).map(|v| ((*key).to_owned(), v.clone()))).collect();
        self.schema(&Value::Object(built))
    }

    /// `collectionFormat` as OpenAPI 3.0 `style` and `explode`, keeping the original as an extension.
    fn collection_format(
        &mut self,
        parameter: &Map<String, Value>,
        location: &str,
        is_array: bool,
        out: &mut Map<String, Value>,
    ) {
        let format = match parameter.get("collectionFormat") {
            Some(Value::String(format)) => format.clone(),
            Some(other) => {
                self.warn_child(
                    "collectionFormat",
                    format!("`collectionFormat` must be a string, not {other}; dropped"),
                );
                return;
            }
            // Swagger's default for arrays is csv, OpenAPI 3.0's for query is exploded: keep Swagger's meaning.
            None if is_array => "csv".to_owned(),
            None => return,
        };
        let simple_or_form = if location == "query" || location == "cookie" { "form" } else { "simple" };
        let (style, explode) = match format.as_str() {
            "csv" => (simple_or_form, false),
            "ssv" if location == "query" => ("spaceDelimited", false),
            "pipes" if location == "query" => ("pipeDelimited", false),
            "multi" if location == "query" => ("form", true),
            other => {
                self.warn_child(
                    "collectionFormat",
                    format!(
                        "`collectionFormat: {other}` has no OpenAPI 3.0 equivalent for a {location} parameter; \
                         kept as `x-ms-collection-format`"
                    ),
                );
                (simple_or_form, false)
            }
        };
        out.insert("style".to_owned(), json!(style));
        out.insert("explode".to_owned(), Value::Bool(explode));
        if parameter.contains_key("collectionFormat") {
            out.insert("x-ms-collection-format".to_owned(), Value::String(format));
        }
    }

    fn body_param(&mut self, parameter: &Map<String, Value>) -> BodyParam {
        let name = self.text(parameter, "name").unwrap_or_else(|| "body".to_owned());
        let schema = match parameter.get("schema") {
            Some(schema) => self.within("schema", |u| u.schema(schema)),
            None => {
                self.warn_here("body parameter without a `schema`; it accepts any value");
                json!({})
            }
        };
        let mut extensions = Map::new();
        self.copy_extensions(parameter, &mut extensions);
        BodyParam {
            name,
            pointer: self.ptr.as_str().to_owned(),
            description: self.text(parameter, "description"),
            required: self.flag(parameter, "required").unwrap_or(false),
            schema,
            extensions,
        }
    }

    fn form_field(&mut self, parameter: &Map<String, Value>) -> Option<FormField> {
        let Some(name) = self.text(parameter, "name") else {
            self.warn_here("formData parameter without a `name`; dropped");
            return None;
        };
        let is_file = parameter.get("type").and_then(Value::as_str) == Some("file");
        let mut schema = self.parameter_schema(parameter);
        if let Value::Object(schema) = &mut schema {
            if let Some(description) = self.text(parameter, "description") {
                schema.entry("description").or_insert(Value::String(description));
            }
            // The parameter's `x-ms-*` keys describe the form field: keep them on its property.
            self.copy_extensions(parameter, schema);
        }
        Some(FormField {
            name,
            pointer: self.ptr.as_str().to_owned(),
            required: self.flag(parameter, "required").unwrap_or(false),
            schema,
            is_file,
        })
    }
}
