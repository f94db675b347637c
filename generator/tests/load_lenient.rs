//! What the reader forgives (each with a warning) and what it refuses (with a located error).

use std::path::PathBuf;

use connector_gen::diagnostic::{Diagnostic, Severity};
use connector_gen::load::{LoadError, Loaded, SourceFormat, SpecVersion, load_bytes, load_file};
use serde_json::json;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/load")).join(name)
}

fn load(name: &str) -> Loaded {
    load_file(fixture(name)).unwrap_or_else(|e| panic!("{name} should load: {e}"))
}

fn error(name: &str) -> Diagnostic {
    match load_file(fixture(name)) {
        Err(LoadError::Invalid { diagnostic, .. }) => *diagnostic,
        Err(other) => panic!("{name}: expected an invalid-content error, got {other}"),
        Ok(_) => panic!("{name} should not load"),
    }
}

fn warnings_containing<'l>(loaded: &'l Loaded, needle: &str) -> Vec<&'l Diagnostic> {
    loaded.warnings.iter().filter(|w| w.message.contains(needle)).collect()
}

fn list_items_description(loaded: &Loaded) -> Option<String> {
    let item = loaded.document.paths.paths.get("/items")?.as_item()?;
    item.get.as_ref()?.description.clone()
}

#[test]
fn utf8_bom_is_stripped_with_a_warning_at_1_1() {
    let loaded = load("bom.json");
    let bom = warnings_containing(&loaded, "byte order mark");
    assert_eq!(bom.len(), 1);
    assert_eq!(bom[0].line_col, Some((1, 1)));
    assert_eq!(bom[0].severity, Severity::Warning);
    assert_eq!(loaded.warnings.len(), 1);
}

#[test]
fn trailing_commas_in_objects_and_arrays_are_warnings() {
    let loaded = load("trailing_commas.json");
    let commas = warnings_containing(&loaded, "trailing comma");
    assert_eq!(commas.len(), 3);
    assert_eq!(commas[0].line_col, Some((3, 49)));
    assert_eq!(commas[0].pointer.as_deref(), Some("#/info"));
    assert_eq!(commas[1].pointer.as_deref(), Some("#/paths/~1items/get/tags"));
    let get = loaded.document.paths.paths["/items"].as_item().and_then(|i| i.get.clone());
    assert_eq!(get.map(|g| g.tags), Some(vec!["a".to_owned(), "b".to_owned()]));
}

#[test]
fn windows_1252_bytes_are_decoded_with_a_warning_each() {
    let loaded = load("cp1252.json");
    let decoded = warnings_containing(&loaded, "Windows-1252");
    assert_eq!(decoded.len(), 3);
    assert!(decoded[0].message.contains("0xAD"));
    assert_eq!(decoded[0].line_col, Some((9, 29)));
    assert_eq!(list_items_description(&loaded).as_deref(), Some("soft\u{AD}hyphen and \u{201C}quotes\u{201D}"));
}

#[test]
fn raw_control_characters_in_strings_are_kept_as_escaped_with_a_warning() {
    let loaded = load("control_chars.json");
    let controls = warnings_containing(&loaded, "raw control character U+0009");
    assert_eq!(controls.len(), 1);
    assert_eq!(controls[0].pointer.as_deref(), Some("#/paths/~1items/get/description"));
    assert_eq!(list_items_description(&loaded).as_deref(), Some("tab\there"));
}

#[test]
fn em_space_and_no_break_space_between_tokens_are_warnings() {
    let loaded = load("em_space.json");
    assert_eq!(warnings_containing(&loaded, "U+2003 (EM SPACE)").len(), 1);
    assert_eq!(warnings_containing(&loaded, "U+00A0 (NO-BREAK SPACE)").len(), 1);
    assert_eq!(loaded.document.servers[0].url, "https://lenient.example.com");
}

#[test]
fn duplicate_keys_keep_the_last_value_and_name_key_and_pointer() {
    let loaded = load("duplicate_keys.json");
    let duplicates = warnings_containing(&loaded, "duplicate key `x-ms-summary`");
    assert_eq!(duplicates.len(), 1);
    assert_eq!(duplicates[0].pointer.as_deref(), Some("#/paths/~1items/get/x-ms-summary"));
    assert_eq!(duplicates[0].line_col, Some((11, 9)));
    let get = loaded.document.paths.paths["/items"].as_item().and_then(|i| i.get.clone());
    assert_eq!(get.map(|g| g.extensions["x-ms-summary"].clone()), Some(json!("second")));
}

#[test]
fn missing_comma_is_an_error_with_file_line_column_and_expectation() {
    let diagnostic = error("missing_comma.json");
    assert_eq!(diagnostic.severity, Severity::Error);
    assert!(diagnostic.file.ends_with("missing_comma.json"));
    assert_eq!(diagnostic.line_col, Some((6, 5)));
    assert_eq!(diagnostic.pointer.as_deref(), Some("#/info"));
    assert_eq!(diagnostic.message, "expected `,` or `}` after object member, found `\"`");
    assert!(diagnostic.to_string().contains("missing_comma.json:6:5: error: expected `,` or `}`"));
}

#[test]
fn unbalanced_brace_is_an_error_naming_the_unclosed_object() {
    let diagnostic = error("unbalanced.json");
    assert_eq!(diagnostic.line_col, Some((9, 1)));
    assert!(diagnostic.message.contains("unexpected end of the file"), "{}", diagnostic.message);
    assert!(diagnostic.message.contains("opened on line 4"), "{}", diagnostic.message);
}

#[test]
fn comments_are_rejected_with_a_location() {
    let diagnostic = error("comments.json");
    assert_eq!(diagnostic.line_col, Some((3, 3)));
    assert!(diagnostic.message.contains("comments are not allowed"));
}

#[test]
fn nan_is_rejected_with_a_location() {
    let diagnostic = error("nan.json");
    assert_eq!(diagnostic.line_col, Some((5, 14)));
    assert!(diagnostic.message.contains("`NaN` is not JSON"));
}

#[test]
fn yaml_swagger_loads_like_json() {
    let loaded = load("swagger.yaml");
    assert_eq!(loaded.format, SourceFormat::Yaml);
    assert_eq!(loaded.original_version, SpecVersion::Swagger2);
    assert_eq!(loaded.document.servers[0].url, "https://yaml.example.com/api");
    let get = loaded.document.paths.paths["/pets"].as_item().and_then(|i| i.get.clone());
    assert_eq!(get.map(|g| g.extensions["x-ms-visibility"].clone()), Some(json!("important")));
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}

#[test]
fn yaml_syntax_error_has_line_and_column() {
    let diagnostic = error("broken.yaml");
    assert!(diagnostic.line_col.is_some());
    assert!(diagnostic.message.starts_with("invalid YAML"));
}

#[test]
fn openapi_3_0_is_read_directly_with_schema_repairs() {
    let loaded = load("openapi30.yaml");
    assert_eq!(loaded.original_version, SpecVersion::OpenApi30);
    assert_eq!(loaded.document.openapi, "3.0.1");
    assert_eq!(loaded.document.info.extensions["x-ms-api-annotation"], json!({"status": "Production"}));
    let repaired = warnings_containing(&loaded, "`required: true` inside a property schema");
    assert_eq!(repaired.len(), 1);
    assert_eq!(repaired[0].pointer.as_deref(), Some("#/components/schemas/Thing/properties/id/required"));
}

#[test]
fn openapi_3_1_is_refused_as_not_supported_yet() {
    let diagnostic = error("openapi31.yaml");
    assert!(diagnostic.message.contains("3.1.0 is not supported yet"));
}

#[test]
fn a_document_without_version_keys_is_an_error() {
    let Err(LoadError::Invalid { diagnostic, .. }) = load_bytes(b"{\"info\": {}}", "x.json") else {
        panic!("should fail");
    };
    assert!(diagnostic.message.contains("neither a `swagger` nor an `openapi` key"));
}

#[test]
fn api_properties_beside_the_spec_are_read_leniently() {
    let loaded = load("with_properties/apiDefinition.swagger.json");
    let properties = loaded.api_properties.as_ref().expect("apiProperties.json is beside the spec");
    assert_eq!(properties["properties"]["connectionParameters"]["api_key"]["type"], json!("securestring"));
    let comma = warnings_containing(&loaded, "trailing comma");
    assert_eq!(comma.len(), 1);
    assert!(comma[0].file.ends_with("apiProperties.json"));
}

#[test]
fn load_bytes_reads_no_api_properties() {
    let bytes = std::fs::read(fixture("with_properties/apiDefinition.swagger.json")).expect("fixture");
    let loaded = load_bytes(&bytes, "spec.json").expect("loads");
    assert!(loaded.api_properties.is_none());
    assert_eq!(loaded.file, "spec.json");
}

#[test]
fn truncated_or_corrupted_specs_never_panic() {
    let spec = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/corpus/Microsoft Bookings/apiDefinition.swagger.json"
    ))
    .expect("corpus spec");
    for end in (0..spec.len()).step_by(211) {
        let _ = load_bytes(&spec[..end], "truncated.json");
    }
    let mut seed = 0x2545_f491_u32;
    for _ in 0..200 {
        let mut corrupted = spec.clone();
        for _ in 0..3 {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            let at = seed as usize % corrupted.len();
            let replacements = b"{}[],:\"\\x\x00\xff";
            corrupted[at] = replacements[(seed >> 8) as usize % replacements.len()];
        }
        let _ = load_bytes(&corrupted, "corrupted.json");
    }
    for garbage in [&b""[..], b"   ", b"\xff\xfe", b"\xfe\xff\x00", b"{", b"[]", b"null", b"\"swagger\"", b"-"] {
        assert!(load_bytes(garbage, "garbage").is_err());
    }
}

#[test]
fn deeply_nested_schemas_load_without_overflowing_the_stack() {
    let mut schema = json!({"type": "string"});
    for _ in 0..60 {
        schema = json!({"type": "object", "properties": {"p": schema}});
    }
    let spec = json!({
        "swagger": "2.0", "info": {"title": "deep", "version": "1"}, "paths": {},
        "definitions": {"Deep": schema}
    });
    let bytes = serde_json::to_vec(&spec).expect("serializes");
    let loaded = load_bytes(&bytes, "deep.json").expect("loads");
    assert_eq!(loaded.warnings.len(), 1);
    assert!(loaded.warnings[0].message.contains("nested more than"));
    // Past the reader's depth limit, it is an error, not a crash.
    let mut array = String::from("{\"swagger\": \"2.0\", \"x\": ");
    array.push_str(&"[".repeat(200));
    assert!(load_bytes(array.as_bytes(), "deep.json").is_err_and(|e| e.to_string().contains("nesting deeper")));
}
