//! Paths, path items and operations.
//!
//! Path-level parameters stay on the path item (OpenAPI 3.0 has the same override-by-name-and-location rule),
//! except `body` and `formData` ones: OpenAPI 3.0 has no path-level request body, so they are folded into each
//! operation's `requestBody` unless the operation declares its own. Path item extensions, including
//! `x-ms-notification-content`, stay on the path item; operation extensions (`x-ms-trigger`,
//! `x-ms-visibility`, ...) on the operation. Because body parameters leave the `parameters` list, parameter
//! indexes shift; each moved parameter's origin is recorded.

use serde_json::{Map, Value, json};

use super::Upgrade;
use super::bodies::BodyParts;
use super::fields::kind;
use super::parameters::Param;

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Parameters of a path item or operation, sorted by where they go.
#[derive(Default)]
struct ParameterList {
    /// Converted plain parameters with their input index.
    plain: Vec<(usize, String, String, Value)>,
    body: BodyParts,
}

impl Upgrade<'_> {
    /// The `paths` object, at the current pointer.
    pub(super) fn paths(&mut self, paths: Option<&Value>) -> Value {
        let paths = match paths {
            Some(Value::Object(paths)) => paths,
            Some(other) => {
                self.warn_here(format!("`paths` must be an object, not {}; no operations read", kind(other)));
                return json!({});
            }
            None => {
                self.warn_here("the document has no `paths`");
                return json!({});
            }
        };
        let mut out = Map::new();
        for (path, item) in paths {
            let mark = self.ptr.push(path);
            if path.starts_with("x-") {
                out.insert(path.clone(), self.extension(path, item));
            } else if !path.starts_with('/') {
                self.warn_here(format!("path `{path}` does not start with `/`; dropped"));
            } else {
                out.insert(path.clone(), self.path_item(path, item));
            }
            self.ptr.pop(mark);
        }
        Value::Object(out)
    }

    fn path_item(&mut self, path: &str, item: &Value) -> Value {
        let Value::Object(item) = item else {
            self.warn_here(format!("a path item must be an object, not {}; dropped", kind(item)));
            return json!({});
        };
        let document = Self::document_pointer(["paths", path]);
        let mut out = Map::new();
        let inherited = match item.get("parameters") {
            Some(parameters) => {
                let list = self.within("parameters", |u| u.parameter_list(parameters));
                let plain = self.place_parameters(list.plain, &document);
                if !plain.is_empty() {
                    out.insert("parameters".to_owned(), Value::Array(plain));
                }
                list.body
            }
            None => BodyParts::default(),
        };
        for (key, value) in item {
            let key = key.as_str();
            if METHODS.contains(&key) {
                let operation = self.within(key, |u| u.operation(value, &document, key, &inherited));
                out.insert(key.to_owned(), operation);
            } else if key.starts_with("x-") {
                let mark = self.ptr.push(key);
                out.insert(key.to_owned(), self.extension(key, value));
                self.ptr.pop(mark);
            } else if key == "$ref" {
                // External path items are not fetched; a reference to one cannot be read here.
                self.warn_child(key, "path item `$ref` is not supported; ignored");
            } else if !matches!(key, "parameters" | "summary" | "description" | "servers") {
                self.warn_child(key, format!("unknown path item key `{key}` dropped"));
            }
        }
        for key in ["summary", "description"] {
            if let Some(text) = self.text(item, key) {
                out.insert(key.to_owned(), Value::String(text));
            }
        }
        Value::Object(out)
    }

    fn operation(&mut self, operation: &Value, path_document: &str, method: &str, inherited: &BodyParts) -> Value {
        let Value::Object(operation) = operation else {
            self.warn_here(format!(
                "an operation must be an object, not {}; replaced by an empty one",
                kind(operation)
            ));
            return json!({ "responses": {} });
        };
        let document = format!("{path_document}/{method}");
        let mut out = Map::new();
        if let Some(tags) = self.strings(operation, "tags") {
            out.insert("tags".to_owned(), json!(tags));
        }
        for key in ["summary", "description", "operationId"] {
            if let Some(text) = self.text(operation, key) {
                out.insert(key.to_owned(), Value::String(text));
            }
        }
        if let Some(docs) = operation.get("externalDocs")
            && let Some(docs) = self.within("externalDocs", |u| u.external_docs(docs))
        {
            out.insert("externalDocs".to_owned(), docs);
        }
        // An operation's `consumes`/`produces` replace the root's, even when empty.
        let consumes = self.strings(operation, "consumes").unwrap_or_else(|| self.root_consumes.clone());
        let produces = self.strings(operation, "produces").unwrap_or_else(|| self.root_produces.clone());
        let list = match operation.get("parameters") {
            Some(parameters) => self.within("parameters", |u| u.parameter_list(parameters)),
            None => ParameterList::default(),
        };
        let plain = self.place_parameters(list.plain, &document);
        if !plain.is_empty() {
            out.insert("parameters".to_owned(), Value::Array(plain));
        }
        let parts = list.body.inheriting(inherited);
        if let Some(body) = self.request_body(parts, &consumes, &document) {
            out.insert("requestBody".to_owned(), body);
        }
        let responses_document = format!("{document}/responses");
        let responses =
            self.within("responses", |u| u.responses(operation.get("responses"), &produces, &responses_document));
        out.insert("responses".to_owned(), responses);
        if let Some(deprecated) = self.flag(operation, "deprecated") {
            out.insert("deprecated".to_owned(), Value::Bool(deprecated));
        }
        if let Some(security) = operation.get("security")
            && let Some(requirements) = self.within("security", |u| u.security_requirements(security))
        {
            out.insert("security".to_owned(), requirements);
        }
        self.copy_extensions(operation, &mut out);
        Value::Object(out)
    }

    /// Converts a `parameters` list at the current pointer.
    fn parameter_list(&mut self, parameters: &Value) -> ParameterList {
        let Value::Array(parameters) = parameters else {
            self.warn_here(format!("`parameters` must be a list, not {}; dropped", kind(parameters)));
            return ParameterList::default();
        };
        let mut list = ParameterList::default();
        for (index, parameter) in parameters.iter().enumerate() {
            let mark = self.ptr.push_index(index);
            match self.parameter(parameter) {
                Some(Param::Plain { name, location, value }) => {
                    let duplicate = list.plain.iter().any(|(_, n, l, _)| *n == name && *l == location);
                    if duplicate {
                        self.warn_here(format!(
                            "parameter `{name}` in {location} is declared twice; the first is kept"
                        ));
                    } else {
                        list.plain.push((index, name, location, value));
                    }
                }
                Some(Param::Body(body)) => list.body.bodies.push(body),
                Some(Param::Form(field)) => list.body.fields.push(field),
                None => {}
            }
            self.ptr.pop(mark);
        }
        list
    }

    /// The plain parameters in order, recording where each came from (indexes shift when body parameters leave).
    fn place_parameters(&mut self, plain: Vec<(usize, String, String, Value)>, document: &str) -> Vec<Value> {
        let input = self.ptr.as_str().to_owned();
        plain
            .into_iter()
            .enumerate()
            .map(|(position, (index, _, _, value))| {
                let parameter_document = format!("{document}/parameters/{position}");
                let parameter_input = format!("{input}/parameters/{index}");
                // The schema was built from keys written on the parameter itself.
                if value.get("$ref").is_none() {
                    self.origin(format!("{parameter_document}/schema"), parameter_input.clone());
                }
                self.origin(parameter_document, parameter_input);
                value
            })
            .collect()
    }
}
