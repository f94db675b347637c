//! Every real connector spec in the shared corpus loads into `openapiv3`, except AccuWeather, whose missing
//! comma must be reported with its exact position.

use std::path::{Path, PathBuf};

use connector_gen::diagnostic::Severity;
use connector_gen::load::{LoadError, Loaded, SpecVersion, load_file};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus");
const MANAGED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/managed");

fn corpus_spec(name: &str) -> PathBuf {
    Path::new(CORPUS).join(name).join("apiDefinition.swagger.json")
}

fn all_specs() -> Vec<PathBuf> {
    let mut specs: Vec<PathBuf> = std::fs::read_dir(CORPUS)
        .expect("corpus folder")
        .filter_map(Result::ok)
        .map(|entry| entry.path().join("apiDefinition.swagger.json"))
        .filter(|path| path.is_file())
        .collect();
    specs.extend(
        std::fs::read_dir(MANAGED)
            .expect("managed folder")
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.to_string_lossy().ends_with(".swagger.json")),
    );
    specs.sort();
    specs
}

fn load(name: &str) -> Loaded {
    load_file(corpus_spec(name)).unwrap_or_else(|e| panic!("{name} should load: {e}"))
}

fn has_warning(loaded: &Loaded, needle: &str) -> bool {
    loaded.warnings.iter().any(|w| w.severity == Severity::Warning && w.message.contains(needle))
}

#[test]
fn every_corpus_and_managed_spec_loads_except_accuweather() {
    let specs = all_specs();
    let in_corpus = specs.iter().filter(|s| s.starts_with(CORPUS)).count();
    assert_eq!(in_corpus, 40, "the corpus has 40 connectors");
    assert!(specs.len() > in_corpus, "the managed specs are found too");
    let mut failures = Vec::new();
    for spec in &specs {
        let is_accuweather = spec.to_string_lossy().contains("/AccuWeather/");
        match (load_file(spec), is_accuweather) {
            (Ok(loaded), false) => {
                assert_eq!(loaded.original_version, SpecVersion::Swagger2);
                assert!(!loaded.document.paths.paths.is_empty() || loaded.document.paths.extensions.is_empty());
                println!("{:>5} warnings  {}", loaded.warnings.len(), spec.display());
            }
            (Err(error), false) => failures.push(format!("{}: {error}", spec.display())),
            (Ok(_), true) => failures.push("AccuWeather loaded but has a missing comma".to_owned()),
            (Err(_), true) => {}
        }
    }
    assert!(failures.is_empty(), "failed:\n{}", failures.join("\n"));
}

#[test]
fn accuweather_missing_comma_is_located_at_line_9() {
    let error = load_file(corpus_spec("AccuWeather")).expect_err("AccuWeather has a missing comma");
    let LoadError::Invalid { diagnostic, .. } = &error else {
        panic!("expected a located diagnostic, got {error}");
    };
    assert_eq!(diagnostic.severity, Severity::Error);
    assert!(diagnostic.file.ends_with("AccuWeather/apiDefinition.swagger.json"));
    // `"url"` starts after six spaces of indentation on line 9.
    assert_eq!(diagnostic.line_col, Some((9, 7)));
    assert_eq!(diagnostic.pointer.as_deref(), Some("#/info/contact"));
    assert!(diagnostic.message.contains("expected `,` or `}` after object member"));
    let text = error.to_string();
    assert!(text.contains("apiDefinition.swagger.json:9:7: error: expected `,` or `}`"), "{text}");
}

#[test]
fn microsoft_bookings_bom_is_a_warning() {
    let loaded = load("Microsoft Bookings");
    assert!(has_warning(&loaded, "byte order mark"));
}

#[test]
fn envoy_trailing_commas_are_warnings() {
    let loaded = load("envoy");
    assert!(has_warning(&loaded, "trailing comma"));
}

#[test]
fn yelp_windows_1252_bytes_are_warnings() {
    let loaded = load("Yelp");
    let warning = loaded.warnings.iter().find(|w| w.message.contains("Windows-1252")).expect("a Windows-1252 warning");
    assert!(warning.message.contains("0xAD"));
    assert!(warning.line_col.is_some());
}

#[test]
fn zohosign_em_space_is_a_warning() {
    let loaded = load("ZohoSign");
    assert!(has_warning(&loaded, "U+2003 (EM SPACE)"));
}

#[test]
fn recorded_future_duplicate_keys_name_key_and_pointer() {
    let loaded = load("RecordedFutureV2");
    let duplicates: Vec<_> = loaded.warnings.iter().filter(|w| w.message.contains("duplicate key")).collect();
    assert!(!duplicates.is_empty());
    assert!(duplicates.iter().all(|w| w.pointer.is_some() && w.line_col.is_some()));
}

#[test]
fn api_properties_are_read_beside_the_spec() {
    let loaded = load("Office 365 Users");
    let properties = loaded.api_properties.expect("apiProperties.json is beside the spec");
    assert!(properties.get("properties").is_some());
}

#[test]
fn legalbot_reference_with_spaces_is_rewritten_verbatim() {
    let loaded = load("LegalBot");
    let schemas = loaded.document.components.as_ref().map(|c| &c.schemas).expect("components");
    assert!(schemas.contains_key("Send translation request"));
    let text = serde_json::to_string(&loaded.document).expect("serializes");
    assert!(text.contains("\"#/components/schemas/Send translation request\""));
    assert!(!text.contains("#/definitions/"));
}

#[test]
fn loading_is_deterministic() {
    for name in ["Encodian", "envoy", "RecordedFutureV2", "Yelp"] {
        let first = load(name);
        let second = load(name);
        let a = serde_json::to_string(&first.document).expect("serializes");
        let b = serde_json::to_string(&second.document).expect("serializes");
        assert_eq!(a, b, "{name}");
        assert_eq!(first.warnings, second.warnings, "{name}");
    }
}

/// Counts every `x-*` key name anywhere in a value.
fn extension_counts(value: &serde_json::Value, counts: &mut std::collections::BTreeMap<String, usize>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, child) in map {
                if key.starts_with("x-") {
                    *counts.entry(key.clone()).or_default() += 1;
                }
                extension_counts(child, counts);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|item| extension_counts(item, counts)),
        _ => {}
    }
}

#[test]
fn every_extension_key_survives_the_upgrade() {
    for spec in all_specs().iter().filter(|s| !s.to_string_lossy().contains("/AccuWeather/")) {
        let loaded = load_file(spec).expect("loads");
        let mut before = std::collections::BTreeMap::new();
        extension_counts(loaded.source.input(), &mut before);
        let mut after = std::collections::BTreeMap::new();
        extension_counts(&serde_json::to_value(&loaded.document).expect("serializes"), &mut after);
        for (key, count) in before {
            let kept = after.get(&key).copied().unwrap_or(0);
            // Schemas shared by several media types are copied, so counts can only grow.
            assert!(kept >= count, "{}: `{key}` {count} in the input, {kept} after loading", spec.display());
        }
    }
}

#[test]
fn corpus_load_time() {
    let specs: Vec<PathBuf> = all_specs().into_iter().filter(|s| s.starts_with(CORPUS)).collect();
    let started = std::time::Instant::now();
    let loaded = specs.iter().filter(|spec| load_file(spec).is_ok()).count();
    let elapsed = started.elapsed();
    println!("loaded {loaded} of {} corpus specs in {elapsed:?}", specs.len());
    assert_eq!(loaded, specs.len() - 1);
    if !cfg!(debug_assertions) {
        // The whole pipeline (load, lower, emit) has a 2 s budget for the corpus; loading must be a small part.
        assert!(elapsed < std::time::Duration::from_millis(1000), "{elapsed:?}");
    }
}
