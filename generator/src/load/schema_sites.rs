//! Where schemas sit in an OpenAPI 3.0 document.
//!
//! Two steps need every top-level schema of an OpenAPI 3.0 value without deserializing it: normalising
//! hand-written OpenAPI 3.0 input, and isolating a schema that `openapiv3` still rejects. Both walk the same
//! list: component schemas, parameter and header schemas, media type schemas in request bodies and responses
//! (in components and in operations), and the schema in `x-ms-notification-content` on path items.

use serde_json::{Map, Value};

use super::pointer::PointerBuf;

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Pointers (`#/...`) of every top-level schema in `document`, in document order.
pub(crate) fn schema_pointers(document: &Value) -> Vec<String> {
    let mut sites = Sites { found: Vec::new(), ptr: PointerBuf::root() };
    if let Some(components) = document.get("components").and_then(Value::as_object) {
        sites.within("components", |s| s.components(components));
    }
    if let Some(paths) = document.get("paths").and_then(Value::as_object) {
        sites.within("paths", |s| {
            for (path, item) in paths {
                if let Some(item) = item.as_object() {
                    s.within(path, |s| s.path_item(item));
                }
            }
        });
    }
    sites.found
}

struct Sites {
    found: Vec<String>,
    ptr: PointerBuf,
}

impl Sites {
    fn within(&mut self, segment: &str, f: impl FnOnce(&mut Self)) {
        let mark = self.ptr.push(segment);
        f(self);
        self.ptr.pop(mark);
    }

    fn schema_at(&mut self, holder: &Map<String, Value>) {
        if holder.get("schema").is_some_and(Value::is_object) {
            self.found.push(self.ptr.child("schema"));
        }
    }

    fn each(&mut self, map: Option<&Value>, f: impl Fn(&mut Self, &Map<String, Value>)) {
        let Some(map) = map.and_then(Value::as_object) else { return };
        for (key, value) in map {
            if let Some(value) = value.as_object() {
                self.within(key, |s| f(s, value));
            }
        }
    }

    fn components(&mut self, components: &Map<String, Value>) {
        if let Some(schemas) = components.get("schemas").and_then(Value::as_object) {
            self.within("schemas", |s| {
                for name in schemas.keys() {
                    s.found.push(s.ptr.child(name));
                }
            });
        }
        self.within("parameters", |s| s.each(components.get("parameters"), Self::schema_at));
        self.within("headers", |s| s.each(components.get("headers"), Self::schema_at));
        self.within("requestBodies", |s| s.each(components.get("requestBodies"), Self::content));
        self.within("responses", |s| s.each(components.get("responses"), Self::response));
    }

    fn path_item(&mut self, item: &Map<String, Value>) {
        self.parameters(item);
        if let Some(content) = item.get("x-ms-notification-content").and_then(Value::as_object) {
            self.within("x-ms-notification-content", |s| s.schema_at(content));
        }
        for method in METHODS {
            if let Some(operation) = item.get(method).and_then(Value::as_object) {
                self.within(method, |s| {
                    s.parameters(operation);
                    if let Some(body) = operation.get("requestBody").and_then(Value::as_object) {
                        s.within("requestBody", |s| s.content(body));
                    }
                    s.within("responses", |s| s.each(operation.get("responses"), Self::response));
                });
            }
        }
    }

    fn parameters(&mut self, holder: &Map<String, Value>) {
        let Some(parameters) = holder.get("parameters").and_then(Value::as_array) else { return };
        self.within("parameters", |s| {
            for (i, parameter) in parameters.iter().enumerate() {
                if let Some(parameter) = parameter.as_object() {
                    let mark = s.ptr.push_index(i);
                    s.schema_at(parameter);
                    s.ptr.pop(mark);
                }
            }
        });
    }

    fn response(&mut self, response: &Map<String, Value>) {
        self.content(response);
        self.within("headers", |s| s.each(response.get("headers"), Self::schema_at));
    }

    fn content(&mut self, holder: &Map<String, Value>) {
        self.within("content", |s| s.each(holder.get("content"), Self::schema_at));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_schemas_in_components_parameters_bodies_responses_and_notifications() {
        let document = json!({
            "components": {"schemas": {"A": {}}, "parameters": {"p": {"schema": {}}}},
            "paths": {"/x": {
                "x-ms-notification-content": {"schema": {}},
                "post": {
                    "parameters": [{"name": "q", "schema": {}}],
                    "requestBody": {"content": {"application/json": {"schema": {}}}},
                    "responses": {"200": {"content": {"text/plain": {"schema": {}}}, "headers": {"h": {"schema": {}}}}}
                }
            }}
        });
        assert_eq!(
            schema_pointers(&document),
            [
                "#/components/schemas/A",
                "#/components/parameters/p/schema",
                "#/paths/~1x/x-ms-notification-content/schema",
                "#/paths/~1x/post/parameters/0/schema",
                "#/paths/~1x/post/requestBody/content/application~1json/schema",
                "#/paths/~1x/post/responses/200/content/text~1plain/schema",
                "#/paths/~1x/post/responses/200/headers/h/schema",
            ]
        );
    }
}
