//! Swagger 2.0 to OpenAPI 3.0, in one pass over the parsed value.
//!
//! The upgrade reads the input `serde_json::Value` and writes a new one shaped for `openapiv3::OpenAPI`, so the
//! input stays intact for locating diagnostics. Every `x-*` key stays on the object it was written on (root,
//! info, path item, operation, parameter, request body, response, schema, property, security scheme): the
//! connector extensions are the point of this generator. Each submodule converts one kind of object; `fields`
//! and `schema` hold the repairs that let the result deserialize. Where a node moves (`#/definitions/X` to
//! `#/components/schemas/X`, a `body` parameter to `requestBody`), the move is recorded in `origins` so that
//! diagnostics about the upgraded document can still point into the file the user wrote.

mod bodies;
mod fields;
mod operations;
mod parameters;
mod refs;
mod responses;
mod schema;
mod security;

use std::collections::HashMap;

use indexmap::IndexMap;
use serde_json::{Map, Value, json};

use super::notes::Notes;
use super::pointer::{self, PointerBuf};
use parameters::SharedParam;

/// The OpenAPI version written into upgraded documents.
const UPGRADED_VERSION: &str = "3.0.3";

/// The default media type when neither the operation nor the root says `consumes`/`produces`.
const JSON: &str = "application/json";

/// Which dialect the input is in: the normaliser is shared, the reference rewriting is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Swagger2,
    OpenApi30,
}

/// The upgraded document and where its moved parts came from.
#[derive(Debug)]
pub(crate) struct Upgraded {
    pub(crate) document: Value,
    /// Document pointer prefix -> input pointer prefix.
    pub(crate) origins: HashMap<String, String>,
}

/// State of one upgrade: the input, the pointer being visited, and what was found.
pub(crate) struct Upgrade<'a> {
    input_value: &'a Value,
    input: &'a Map<String, Value>,
    mode: Mode,
    notes: &'a mut Notes,
    origins: HashMap<String, String>,
    /// Pointer of the input node being visited.
    ptr: PointerBuf,
    root_consumes: Vec<String>,
    root_produces: Vec<String>,
    /// `#/parameters/X`, converted once.
    shared_params: IndexMap<String, SharedParam>,
}

/// Upgrades a Swagger 2.0 document (already known to have `swagger: "2.0"` at an object root).
pub(crate) fn swagger2(input: &Value, notes: &mut Notes) -> Upgraded {
    let empty = Map::new();
    let root = input.as_object().unwrap_or(&empty);
    let mut upgrade = Upgrade::new(input, root, Mode::Swagger2, notes);
    let document = upgrade.document();
    Upgraded { document, origins: upgrade.origins }
}

impl<'a> Upgrade<'a> {
    pub(crate) fn new(input_value: &'a Value, input: &'a Map<String, Value>, mode: Mode, notes: &'a mut Notes) -> Self {
        Self {
            input_value,
            input,
            mode,
            notes,
            origins: HashMap::new(),
            ptr: PointerBuf::root(),
            root_consumes: Vec::new(),
            root_produces: Vec::new(),
            shared_params: IndexMap::new(),
        }
    }

    /// Normalises one schema found at `pointer` (for OpenAPI 3.0 input, which is not otherwise upgraded).
    pub(crate) fn schema_at_pointer(&mut self, pointer: &str, schema: &Value) -> Value {
        self.at(pointer, |u| u.schema(schema))
    }

    /// Runs `f` with the pointer extended by `segment`.
    fn within<T>(&mut self, segment: &str, f: impl FnOnce(&mut Self) -> T) -> T {
        let mark = self.ptr.push(segment);
        let result = f(self);
        self.ptr.pop(mark);
        result
    }

    /// Runs `f` with the pointer set to `pointer` (for shared parts visited from where they are used).
    fn at<T>(&mut self, pointer: &str, f: impl FnOnce(&mut Self) -> T) -> T {
        let saved = std::mem::replace(&mut self.ptr, PointerBuf::from_text(pointer));
        let result = f(self);
        self.ptr = saved;
        result
    }

    /// Records that the document node at `document` (a pointer prefix) came from `input` in the file.
    fn origin(&mut self, document: String, input: String) {
        if document != input {
            self.origins.insert(document, input);
        }
    }

    fn document(&mut self) -> Value {
        let input = self.input;
        self.root_consumes = self.strings(input, "consumes").unwrap_or_default();
        self.root_produces = self.strings(input, "produces").unwrap_or_default();
        self.convert_shared_parameters();

        let mut out = Map::new();
        out.insert("openapi".to_owned(), json!(UPGRADED_VERSION));
        let info = self.within("info", |u| u.info(input.get("info")));
        out.insert("info".to_owned(), info);
        let servers = self.servers(&mut out);
        out.insert("servers".to_owned(), servers);
        let paths = self.within("paths", |u| u.paths(input.get("paths")));
        out.insert("paths".to_owned(), paths);
        let components = self.components();
        if !components.is_empty() {
            out.insert("components".to_owned(), Value::Object(components));
        }
        if let Some(security) = input.get("security")
            && let Some(requirements) = self.within("security", |u| u.security_requirements(security))
        {
            out.insert("security".to_owned(), requirements);
        }
        if let Some(tags) = input.get("tags") {
            let tags = self.within("tags", |u| u.tags(tags));
            out.insert("tags".to_owned(), tags);
        }
        if let Some(docs) = input.get("externalDocs")
            && let Some(docs) = self.within("externalDocs", |u| u.external_docs(docs))
        {
            out.insert("externalDocs".to_owned(), docs);
        }
        self.copy_extensions(input, &mut out);
        Value::Object(out)
    }

    fn info(&mut self, info: Option<&Value>) -> Value {
        let empty = Map::new();
        let info = match info {
            Some(Value::Object(info)) => info,
            _ => {
                self.warn_here("the document has no `info` object; title and version left empty");
                &empty
            }
        };
        let mut out = Map::new();
        for key in ["title", "version"] {
            let text = self.text(info, key).unwrap_or_else(|| {
                if !info.is_empty() {
                    self.warn_child(key, format!("`info.{key}` is missing; left empty"));
                }
                String::new()
            });
            out.insert(key.to_owned(), Value::String(text));
        }
        for key in ["description", "termsOfService"] {
            if let Some(text) = self.text(info, key) {
                out.insert(key.to_owned(), Value::String(text));
            }
        }
        if let Some(Value::Object(contact)) = info.get("contact") {
            let contact = self.within("contact", |u| u.contact(contact));
            out.insert("contact".to_owned(), contact);
        }
        if let Some(Value::Object(license)) = info.get("license")
            && let Some(license) = self.within("license", |u| u.license(license))
        {
            out.insert("license".to_owned(), license);
        }
        self.copy_extensions(info, &mut out);
        Value::Object(out)
    }

    fn contact(&mut self, contact: &Map<String, Value>) -> Value {
        let mut out = Map::new();
        for key in ["name", "url", "email"] {
            if let Some(text) = self.text(contact, key) {
                out.insert(key.to_owned(), Value::String(text));
            }
        }
        self.copy_extensions(contact, &mut out);
        Value::Object(out)
    }

    fn license(&mut self, license: &Map<String, Value>) -> Option<Value> {
        let Some(name) = self.text(license, "name") else {
            self.warn_here("`license` without a `name`; dropped");
            return None;
        };
        let mut out = Map::new();
        out.insert("name".to_owned(), Value::String(name));
        if let Some(url) = self.text(license, "url") {
            out.insert("url".to_owned(), Value::String(url));
        }
        self.copy_extensions(license, &mut out);
        Some(Value::Object(out))
    }

    /// `host` + `basePath` + `schemes` become `servers`; host and base path are also kept as root
    /// extensions (`x-original-host`, `x-original-base-path`) because the runtime needs the base path on its
    /// own (API Hub calls drop it).
    fn servers(&mut self, root_out: &mut Map<String, Value>) -> Value {
        let input = self.input;
        let host = self.text(input, "host");
        let base_path = self.text(input, "basePath");
        let schemes = self.strings(input, "schemes").unwrap_or_default();
        if let Some(host) = &host {
            root_out.insert("x-original-host".to_owned(), Value::String(host.clone()));
        }
        if let Some(base_path) = &base_path {
            root_out.insert("x-original-base-path".to_owned(), Value::String(base_path.clone()));
        }
        let path = base_path.as_deref().filter(|p| *p != "/").unwrap_or_default();
        let servers: Vec<Value> = match host {
            Some(host) => {
                let schemes = if schemes.is_empty() { vec!["https".to_owned()] } else { schemes };
                schemes.iter().map(|scheme| json!({ "url": format!("{scheme}://{host}{path}") })).collect()
            }
            None => vec![json!({ "url": if path.is_empty() { "/" } else { path } })],
        };
        for i in 0..servers.len() {
            self.origin(format!("#/servers/{i}"), "#/host".to_owned());
        }
        Value::Array(servers)
    }

    fn tags(&mut self, tags: &Value) -> Value {
        let Value::Array(tags) = tags else {
            self.warn_here("`tags` must be a list; dropped");
            return Value::Array(Vec::new());
        };
        let mut out = Vec::new();
        for (i, tag) in tags.iter().enumerate() {
            let mark = self.ptr.push_index(i);
            match tag {
                Value::Object(tag) => match self.text(tag, "name") {
                    Some(name) => {
                        let mut converted = Map::new();
                        converted.insert("name".to_owned(), Value::String(name));
                        if let Some(description) = self.text(tag, "description") {
                            converted.insert("description".to_owned(), Value::String(description));
                        }
                        if let Some(docs) = tag.get("externalDocs")
                            && let Some(docs) = self.within("externalDocs", |u| u.external_docs(docs))
                        {
                            converted.insert("externalDocs".to_owned(), docs);
                        }
                        self.copy_extensions(tag, &mut converted);
                        out.push(Value::Object(converted));
                    }
                    None => self.warn_here("tag without a `name`; dropped"),
                },
                _ => self.warn_here("a tag must be an object; dropped"),
            }
            self.ptr.pop(mark);
        }
        Value::Array(out)
    }

    /// `definitions`, non-body `parameters`, `responses` and `securityDefinitions` as `components`.
    fn components(&mut self) -> Map<String, Value> {
        let input = self.input;
        let mut components = Map::new();
        if let Some(definitions) = input.get("definitions") {
            let schemas = self.within("definitions", |u| match definitions {
                Value::Object(definitions) => definitions
                    .iter()
                    .map(|(name, schema)| (name.clone(), u.within(name, |u| u.schema(schema))))
                    .collect(),
                _ => {
                    u.warn_here("`definitions` must be an object; dropped");
                    Map::new()
                }
            });
            self.origin("#/components/schemas".to_owned(), "#/definitions".to_owned());
            components.insert("schemas".to_owned(), Value::Object(schemas));
        }
        let parameters = self.component_parameters();
        if !parameters.is_empty() {
            self.origin("#/components/parameters".to_owned(), "#/parameters".to_owned());
            components.insert("parameters".to_owned(), Value::Object(parameters));
        }
        if let Some(responses) = input.get("responses") {
            let responses = self.within("responses", |u| u.component_responses(responses));
            self.origin("#/components/responses".to_owned(), "#/responses".to_owned());
            components.insert("responses".to_owned(), Value::Object(responses));
        }
        if let Some(definitions) = input.get("securityDefinitions") {
            let schemes = self.within("securityDefinitions", |u| u.security_schemes(definitions));
            self.origin("#/components/securitySchemes".to_owned(), "#/securityDefinitions".to_owned());
            components.insert("securitySchemes".to_owned(), Value::Object(schemes));
        }
        components
    }

    /// The document pointer of `segments` below the root.
    fn document_pointer<'s>(segments: impl IntoIterator<Item = &'s str>) -> String {
        pointer::join(segments)
    }
}

#[cfg(test)]
mod tests;
