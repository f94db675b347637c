//! Upgrade rules on small in-memory documents, checked on the upgraded value (before `openapiv3`).

use serde_json::{Value, json};

use super::swagger2;
use crate::load::notes::{Note, Notes, Site};

fn upgrade(input: Value) -> (Value, Vec<Note>) {
    let mut notes = Notes::default();
    let upgraded = swagger2(&input, &mut notes);
    (upgraded.document, notes.into_vec())
}

fn spec(paths: Value) -> Value {
    json!({"swagger": "2.0", "info": {"title": "t", "version": "1"}, "host": "h.example.com", "paths": paths})
}

fn warned_at(notes: &[Note], pointer: &str) -> bool {
    notes.iter().any(|n| n.site == Site::Pointer(pointer.to_owned()))
}

#[test]
fn servers_come_from_schemes_host_and_base_path() {
    let (document, _) = upgrade(json!({
        "swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {},
        "host": "h.example.com", "basePath": "/api/", "schemes": ["http", "https"]
    }));
    assert_eq!(
        document["servers"],
        json!([{"url": "http://h.example.com/api/"}, {"url": "https://h.example.com/api/"}])
    );
    assert_eq!(document["x-original-base-path"], json!("/api/"));
    assert_eq!(document["x-original-host"], json!("h.example.com"));
}

#[test]
fn without_host_the_server_is_the_base_path() {
    let (document, _) = upgrade(json!({
        "swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {}, "basePath": "/v1"
    }));
    assert_eq!(document["servers"], json!([{"url": "/v1"}]));
}

#[test]
fn path_level_body_is_inherited_unless_the_operation_has_its_own() {
    let (document, notes) = upgrade(spec(json!({"/x": {
        "parameters": [
            {"name": "inherited", "in": "body", "schema": {"type": "string"}},
            {"name": "id", "in": "query", "type": "string"}
        ],
        "post": {"responses": {"200": {"description": "ok"}}},
        "put": {
            "parameters": [{"name": "own", "in": "body", "schema": {"type": "integer"}}],
            "responses": {"200": {"description": "ok"}}
        }
    }})));
    assert!(notes.is_empty(), "{notes:?}");
    let item = &document["paths"]["/x"];
    assert_eq!(item["parameters"][0]["name"], json!("id"));
    assert_eq!(item["post"]["requestBody"]["x-ms-body-name"], json!("inherited"));
    assert_eq!(item["put"]["requestBody"]["x-ms-body-name"], json!("own"));
}

#[test]
fn extra_bodies_and_form_fields_next_to_a_body_are_dropped_with_warnings() {
    let (document, notes) = upgrade(spec(json!({"/x": {"post": {
        "parameters": [
            {"name": "a", "in": "body", "schema": {}},
            {"name": "b", "in": "body", "schema": {}},
            {"name": "f", "in": "formData", "type": "string"},
            {"name": "q", "in": "query", "type": "string"},
            {"name": "q", "in": "query", "type": "integer"}
        ],
        "responses": {"200": {"description": "ok"}}
    }}})));
    let operation = &document["paths"]["/x"]["post"];
    assert_eq!(operation["requestBody"]["x-ms-body-name"], json!("a"));
    assert_eq!(operation["parameters"].as_array().map(Vec::len), Some(1));
    assert!(warned_at(&notes, "#/paths/~1x/post/parameters/1"));
    assert!(warned_at(&notes, "#/paths/~1x/post/parameters/2"));
    assert!(warned_at(&notes, "#/paths/~1x/post/parameters/4"));
}

#[test]
fn response_examples_become_media_type_examples() {
    let (document, _) = upgrade(spec(json!({"/x": {"get": {
        "produces": ["application/json"],
        "responses": {"200": {
            "description": "ok",
            "schema": {"type": "object"},
            "examples": {"application/json": {"a": 1}}
        }}
    }}})));
    assert_eq!(
        document["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"],
        json!({"schema": {"type": "object"}, "example": {"a": 1}})
    );
}

#[test]
fn unresolvable_references_are_rewritten_with_a_warning() {
    let (document, notes) = upgrade(spec(json!({"/x": {"get": {
        "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Missing"}}}
    }}})));
    assert_eq!(
        document["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]["schema"],
        json!({"$ref": "#/components/schemas/Missing"})
    );
    assert!(warned_at(&notes, "#/paths/~1x/get/responses/200/schema/$ref"));
}

#[test]
fn implausibly_deep_schemas_are_cut_with_a_warning() {
    let mut schema = json!({"type": "string"});
    for _ in 0..60 {
        schema = json!({"type": "object", "properties": {"p": schema}});
    }
    let mut input = spec(json!({}));
    input["definitions"] = json!({"Deep": schema});
    let (_, notes) = upgrade(input);
    assert_eq!(notes.len(), 1);
    assert!(notes[0].message.contains("nested more than"));
}

#[test]
fn form_media_type_is_taken_from_consumes_with_parameters() {
    let (document, notes) = upgrade(spec(json!({"/x": {"post": {
        "consumes": ["multipart/form-data; charset=utf-8"],
        "parameters": [{"name": "f", "in": "formData", "type": "string"}],
        "responses": {"200": {"description": "ok"}}
    }}})));
    assert!(notes.is_empty());
    let content = &document["paths"]["/x"]["post"]["requestBody"]["content"];
    assert!(content.get("multipart/form-data; charset=utf-8").is_some());
}

#[test]
fn extension_values_are_copied_with_references_rewritten() {
    let (document, _) = upgrade(spec(json!({"/x": {"get": {
        "x-ms-dynamic-schema": {"operationId": "GetSchema", "fallback": {"$ref": "#/definitions/A"}},
        "responses": {"200": {"description": "ok"}}
    }}})));
    assert_eq!(
        document["paths"]["/x"]["get"]["x-ms-dynamic-schema"],
        json!({"operationId": "GetSchema", "fallback": {"$ref": "#/components/schemas/A"}})
    );
}
