//! Swagger 2.0 to OpenAPI 3.0: one small fixture per upgrade rule, checked on the `openapiv3` types.

use std::path::PathBuf;

use connector_gen::load::{Loaded, load_file};
use openapiv3::{
    APIKeyLocation, OpenAPI, Operation, Parameter, ParameterSchemaOrContent, PathItem, QueryStyle, ReferenceOr,
    RequestBody, SchemaKind, SecurityScheme, StringFormat, Type, VariantOrUnknownOrEmpty,
};
use serde_json::{Value, json};

fn load(name: &str) -> Loaded {
    let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/load")).join(name);
    load_file(&path).unwrap_or_else(|e| panic!("{name} should load: {e}"))
}

fn path_item<'d>(document: &'d OpenAPI, path: &str) -> &'d PathItem {
    document.paths.paths.get(path).and_then(ReferenceOr::as_item).expect("path item")
}

fn post<'d>(document: &'d OpenAPI, path: &str) -> &'d Operation {
    path_item(document, path).post.as_ref().expect("post operation")
}

fn body(operation: &Operation) -> &RequestBody {
    operation.request_body.as_ref().and_then(ReferenceOr::as_item).expect("inline request body")
}

/// A node of the document as JSON, for checks that read better that way.
fn json_at(document: &OpenAPI, pointer: &str) -> Value {
    let value = serde_json::to_value(document).expect("serializes");
    value.pointer(pointer).cloned().unwrap_or(Value::Null)
}

fn parameters(operation: &Operation) -> Vec<&Parameter> {
    operation.parameters.iter().filter_map(ReferenceOr::as_item).collect()
}

#[test]
fn form_data_with_a_file_becomes_a_multipart_body_keeping_field_extensions() {
    let loaded = load("formdata_multipart.json");
    let body = body(post(&loaded.document, "/upload"));
    assert!(body.required);
    assert_eq!(body.content.keys().collect::<Vec<_>>(), ["multipart/form-data"]);
    let schema = json_at(&loaded.document, "/paths/~1upload/post/requestBody/content/multipart~1form-data/schema");
    assert_eq!(schema["type"], json!("object"));
    assert_eq!(schema["required"], json!(["file"]));
    assert_eq!(schema["properties"]["file"]["format"], json!("binary"));
    assert_eq!(schema["properties"]["file"]["x-ms-summary"], json!("File content"));
    assert_eq!(schema["properties"]["file"]["description"], json!("The file"));
    assert_eq!(schema["properties"]["folder"]["x-ms-visibility"], json!("advanced"));
    // No `consumes`, but a file field: multipart.
    let guessed = body_media_types(&loaded, "/upload-no-consumes");
    assert_eq!(guessed, ["multipart/form-data"]);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}

fn body_media_types(loaded: &Loaded, path: &str) -> Vec<String> {
    body(post(&loaded.document, path)).content.keys().cloned().collect()
}

#[test]
fn form_data_without_files_becomes_urlencoded_per_root_consumes() {
    let loaded = load("formdata_urlencoded.json");
    assert_eq!(body_media_types(&loaded, "/token"), ["application/x-www-form-urlencoded"]);
    let schema =
        json_at(&loaded.document, "/paths/~1token/post/requestBody/content/application~1x-www-form-urlencoded/schema");
    assert_eq!(schema["properties"]["grant_type"]["enum"], json!(["client_credentials"]));
    // An empty operation-level `consumes` and no file: urlencoded.
    assert_eq!(body_media_types(&loaded, "/guess"), ["application/x-www-form-urlencoded"]);
}

#[test]
fn body_parameter_becomes_request_body_keeping_name_and_extensions() {
    let loaded = load("body_param.json");
    let operation = post(&loaded.document, "/messages");
    assert_eq!(operation.extensions["x-ms-visibility"], json!("important"));
    let body = body(operation);
    assert!(body.required);
    assert_eq!(body.description.as_deref(), Some("What to send"));
    assert_eq!(body.content.keys().collect::<Vec<_>>(), ["application/json", "text/json"]);
    assert_eq!(body.extensions["x-ms-body-name"], json!("message"));
    assert_eq!(body.extensions["x-ms-summary"], json!("Message"));
    assert_eq!(body.extensions["x-ms-visibility"], json!("important"));
    let schema = body.content["application/json"].schema.as_ref();
    assert!(
        matches!(schema, Some(ReferenceOr::Reference { reference }) if reference == "#/components/schemas/Message")
    );
    // Operation-level consumes/produces win over the root's.
    let put = path_item(&loaded.document, "/messages/raw").put.as_ref().expect("put");
    assert_eq!(body_of(put), ["application/octet-stream"]);
    let ok = put.responses.responses.values().next().and_then(ReferenceOr::as_item).expect("200");
    assert_eq!(ok.content.keys().collect::<Vec<_>>(), ["text/plain"]);
}

fn body_of(operation: &Operation) -> Vec<String> {
    body(operation).content.keys().cloned().collect()
}

#[test]
fn extensions_stay_on_info_root_response_header_and_schema() {
    let loaded = load("body_param.json");
    let document = &loaded.document;
    assert_eq!(document.info.extensions["x-ms-api-annotation"], json!({"status": "Preview"}));
    assert!(document.extensions.contains_key("x-ms-connector-metadata"));
    assert_eq!(document.extensions["x-original-base-path"], json!("/v2"));
    assert_eq!(document.servers[0].url, "https://body.example.com/v2");
    let created = json_at(document, "/paths/~1messages/post/responses/201");
    assert_eq!(created["x-ms-summary"], json!("Created message"));
    assert_eq!(created["headers"]["Location"]["x-ms-summary"], json!("Location"));
    assert_eq!(created["headers"]["Location"]["schema"], json!({"type": "string"}));
    assert!(
        document.paths.paths["/messages"]
            .as_item()
            .and_then(|i| i.post.as_ref())
            .is_some_and(|o| o.responses.default.is_some())
    );
    let message = json_at(document, "/components/schemas/Message");
    assert_eq!(message["x-ms-summary"], json!("A message"));
    assert_eq!(message["properties"]["text"]["x-ms-summary"], json!("Text"));
    // `x-nullable` is kept and also understood.
    assert_eq!(message["properties"]["sentAt"]["x-nullable"], json!(true));
    assert_eq!(message["properties"]["sentAt"]["nullable"], json!(true));
}

#[test]
fn references_move_to_components_keeping_names_with_spaces() {
    let loaded = load("refs_with_spaces.json");
    let document = &loaded.document;
    let components = document.components.as_ref().expect("components");
    assert!(components.schemas.contains_key("Send translation request"));
    assert!(components.schemas.contains_key("Error.Model[v1]"));
    assert!(components.parameters.contains_key("Api-Version"));
    assert!(components.responses.contains_key("Translated"));
    let translate = post(document, "/translate");
    assert!(matches!(&translate.parameters[..], [ReferenceOr::Reference { reference }]
        if reference == "#/components/parameters/Api-Version"));
    let schema = json_at(document, "/paths/~1translate/post/requestBody/content/application~1json/schema");
    assert_eq!(schema, json!({"$ref": "#/components/schemas/Send translation request"}));
    assert_eq!(
        json_at(document, "/paths/~1translate/post/responses/200"),
        json!({"$ref": "#/components/responses/Translated"})
    );
    let text = serde_json::to_string(document).expect("serializes");
    assert!(!text.contains("#/definitions/") && !text.contains("\"#/parameters/") && !text.contains("\"#/responses/"));
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}

#[test]
fn shared_body_parameter_is_inlined_and_other_media_types_inline_the_response() {
    let loaded = load("refs_with_spaces.json");
    let detect = post(&loaded.document, "/detect");
    assert_eq!(body(detect).extensions["x-ms-body-name"], json!("payload"));
    assert_eq!(body(detect).extensions["x-ms-summary"], json!("Payload"));
    // `/detect` produces text/xml, so the shared response (converted for application/json) is inlined.
    let ok = json_at(&loaded.document, "/paths/~1detect/post/responses/200");
    assert_eq!(ok["description"], json!("Done"));
    assert!(ok["content"]["text/xml"]["schema"].is_object());
}

#[test]
fn reference_with_siblings_keeps_them_next_to_an_all_of() {
    let loaded = load("refs_with_spaces.json");
    let error = json_at(&loaded.document, "/components/schemas/Send translation request/properties/error");
    assert_eq!(
        error,
        json!({"description": "Why it failed", "x-ms-summary": "Error",
               "allOf": [{"$ref": "#/components/schemas/Error.Model[v1]"}]})
    );
}

#[test]
fn notification_content_stays_on_the_path_item_and_url_encoding_on_parameters() {
    let loaded = load("notification.json");
    let item = path_item(&loaded.document, "/hooks/{id}");
    assert_eq!(
        item.extensions["x-ms-notification-content"],
        json!({"description": "Item created", "schema": {"$ref": "#/components/schemas/Item"}})
    );
    let path_parameter = item.parameters.first().and_then(ReferenceOr::as_item).expect("path-level parameter");
    assert!(matches!(path_parameter, Parameter::Path { .. }));
    assert_eq!(path_parameter.parameter_data_ref().extensions["x-ms-url-encoding"], json!("double"));
    let operation = post(&loaded.document, "/hooks/{id}");
    assert_eq!(operation.extensions["x-ms-trigger"], json!("single"));
    let folder = parameters(operation)[0].parameter_data_ref();
    assert_eq!(folder.name, "folder");
    assert_eq!(folder.extensions["x-ms-url-encoding"], json!("double"));
    assert_eq!(folder.extensions["x-ms-dynamic-values"]["operationId"], json!("ListFolders"));
    let callback = json_at(
        &loaded.document,
        "/paths/~1hooks~1{id}/post/requestBody/content/application~1json/schema/properties/callbackUrl",
    );
    assert_eq!(callback["x-ms-notification-url"], json!(true));
    // `type: file` is binary in schemas too.
    let file = json_at(&loaded.document, "/components/schemas/Item/properties/file");
    assert_eq!(file, json!({"type": "string", "format": "binary"}));
}

#[test]
fn security_definitions_become_security_schemes() {
    let loaded = load("security.json");
    let schemes = &loaded.document.components.as_ref().expect("components").security_schemes;
    let scheme = |name: &str| schemes.get(name).and_then(ReferenceOr::as_item).expect(name);
    assert!(matches!(scheme("basic"), SecurityScheme::HTTP { scheme, .. } if scheme == "basic"));
    assert!(matches!(scheme("header_key"),
        SecurityScheme::APIKey { location: APIKeyLocation::Header, name, .. } if name == "X-API-Key"));
    assert!(matches!(scheme("query_key"),
        SecurityScheme::APIKey { location: APIKeyLocation::Query, name, .. } if name == "api_key"));
    let SecurityScheme::OAuth2 { flows, extensions, .. } = scheme("oauth") else { panic!("oauth2") };
    let code = flows.authorization_code.as_ref().expect("authorization code flow");
    assert_eq!(code.token_url, "https://login.example.com/token");
    assert_eq!(code.scopes.keys().collect::<Vec<_>>(), ["read", "write"]);
    assert_eq!(extensions["x-ms-oauth-provider"], json!("aad"));
    let SecurityScheme::OAuth2 { flows, .. } = scheme("implicit") else { panic!("oauth2") };
    assert!(flows.implicit.is_some());
    assert_eq!(loaded.document.security.as_ref().map(Vec::len), Some(1));
    let missing = loaded.warnings.iter().find(|w| w.message.contains("without `tokenUrl`")).expect("warning");
    assert_eq!(missing.pointer.as_deref(), Some("#/securityDefinitions/no_token_url"));
}

#[test]
fn collection_format_csv_becomes_unexploded_form_or_simple_and_is_kept() {
    let loaded = load("collection_format.json");
    let get = path_item(&loaded.document, "/items/{ids}").get.as_ref().expect("get");
    let params = parameters(get);
    let Parameter::Path { parameter_data: ids, style, .. } = params[0] else { panic!("path") };
    assert_eq!(*style, openapiv3::PathStyle::Simple);
    assert_eq!(ids.explode, Some(false));
    assert_eq!(ids.extensions["x-ms-collection-format"], json!("csv"));
    let ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) = &ids.format else { panic!("schema") };
    assert!(matches!(schema.schema_kind, SchemaKind::Type(Type::Array(_))));
    let Parameter::Query { parameter_data: tags, style, .. } = params[1] else { panic!("query") };
    assert_eq!(*style, QueryStyle::Form);
    assert_eq!(tags.explode, Some(false));
    // Without collectionFormat, Swagger's csv default is kept (OpenAPI 3.0 would explode).
    assert_eq!(params[2].parameter_data_ref().explode, Some(false));
    assert!(!params[2].parameter_data_ref().extensions.contains_key("x-ms-collection-format"));
    assert_eq!(params[3].parameter_data_ref().explode, Some(true));
    assert_eq!(params[4].parameter_data_ref().extensions["x-ms-collection-format"], json!("tsv"));
    assert!(loaded.warnings.iter().any(|w| w.message.contains("collectionFormat: tsv")));
    assert_eq!(params[5].parameter_data_ref().extensions["x-ms-visibility"], json!("internal"));
}

#[test]
fn schema_repairs_are_warnings_with_pointers_and_the_spec_still_loads() {
    let loaded = load("schema_repairs.json");
    let at = |pointer: &str| loaded.warnings.iter().any(|w| w.pointer.as_deref() == Some(pointer));
    for pointer in [
        "#/info/version",
        "#/paths/~1things/get/parameters/0",
        "#/paths/~1things/get/responses/OK",
        "#/definitions/Thing/properties/id/required",
        "#/definitions/Thing/properties/kind/enum",
        "#/definitions/Thing/properties/nothing/type",
        "#/definitions/Thing/properties/either/type",
        "#/definitions/Thing/properties/count/type",
        "#/definitions/Thing/properties/count/minimum",
        "#/definitions/Thing/properties/count/maxLength",
        "#/definitions/Thing/properties/flag/readOnly",
        "#/definitions/Thing/properties/tuple/items",
        "#/definitions/Thing/properties/broken/properties",
        "#/definitions/Thing/properties/weird/type",
        "#/definitions/Loose/required",
    ] {
        assert!(at(pointer), "no warning at {pointer}: {:#?}", loaded.warnings);
    }
    assert!(loaded.warnings.iter().all(|w| w.line_col.is_some()));
    let thing = json_at(&loaded.document, "/components/schemas/Thing");
    assert_eq!(thing["required"], json!(["id"]));
    assert_eq!(thing["discriminator"], json!({"propertyName": "kind"}));
    assert_eq!(thing["properties"]["kind"]["enum"], json!(["a", "1", "true"]));
    assert_eq!(thing["properties"]["either"], json!({"type": "string", "nullable": true}));
    assert_eq!(thing["properties"]["bag"]["additionalProperties"], json!(true));
    let schemas = &loaded.document.components.as_ref().expect("components").schemas;
    let Some(ReferenceOr::Item(thing)) = schemas.get("Thing") else { panic!("Thing") };
    let SchemaKind::Type(Type::Object(object)) = &thing.schema_kind else { panic!("object") };
    let Some(ReferenceOr::Item(odd)) = object.properties.get("odd") else { panic!("odd") };
    let SchemaKind::Type(Type::String(odd)) = &odd.schema_kind else { panic!("string") };
    assert_eq!(odd.format, VariantOrUnknownOrEmpty::Unknown("email-or-phone".to_owned()));
    let Some(ReferenceOr::Item(id)) = object.properties.get("id") else { panic!("id") };
    assert!(matches!(&id.schema_kind, SchemaKind::Type(Type::String(s)) if s.format == VariantOrUnknownOrEmpty::Empty));
    let _ = StringFormat::Binary;
}

#[test]
fn moved_nodes_locate_back_to_where_they_were_written() {
    let loaded = load("refs_with_spaces.json");
    // `#/components/schemas/X` was written at `#/definitions/X`, on line 36 of the fixture.
    assert_eq!(loaded.locate("#/components/schemas/Send translation request"), Some((36, 33)));
    // The request body was the second parameter of the operation (line 11).
    assert_eq!(loaded.locate("#/paths/~1translate/post/requestBody"), Some((11, 11)));
    assert_eq!(
        loaded.source.input_pointer("#/paths/~1translate/post/requestBody/content/application~1json/schema"),
        "#/paths/~1translate/post/parameters/1/schema"
    );
    let warning = loaded.warning_at("#/components/parameters/Api-Version/schema", "a later stage's note");
    assert_eq!(warning.line_col, Some((29, 20)));
}
