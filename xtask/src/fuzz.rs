//! `cargo xtask fuzz --seconds N`: a mutation fuzzer over load, lower and emit.
//!
//! cargo-fuzz needs a nightly toolchain, which this project's machines do not have, so this is a small fuzzer of
//! our own: it takes the real specs below a folder, mutates them (byte edits for the JSON reader; structural edits
//! on the parsed document for the upgrade and lowering: wrong types, missing and duplicated keys, dangling
//! `$ref`s, deep nesting, odd names), and runs every mutant through load, lower and emit under `catch_unwind`. A
//! panic is a bug: its input is saved under `target/fuzz-crashes/` and the run fails.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use connector_gen::emit::{self, EmitOptions, RuntimeDependency};
use connector_gen::{load, model};
use serde_json::Value;

use crate::corpus::find_specs;

pub(crate) fn run(root: &Path, dir: &Path, seconds: u64, seed: u64) -> Result<ExitCode, String> {
    let mut paths = Vec::new();
    find_specs(dir, &mut paths).map_err(|e| format!("cannot search {}: {e}", dir.display()))?;
    paths.sort();
    let seeds: Vec<Vec<u8>> = paths.iter().filter_map(|p| std::fs::read(p).ok()).collect();
    if seeds.is_empty() {
        return Err(format!("no specs below {}", dir.display()));
    }
    let parsed: Vec<Value> = seeds.iter().filter_map(|b| serde_json::from_slice(b).ok()).collect();
    let mut rng = fastrand::Rng::with_seed(seed);
    let crashes = root.join("target/fuzz-crashes");
    // Panics are expected to be caught here; keep their default report off the terminal.
    std::panic::set_hook(Box::new(|_| {}));

    let deadline = Instant::now() + Duration::from_secs(seconds);
    let (mut runs, mut loaded, mut panics) = (0u64, 0u64, 0u64);
    let mut last_report = Instant::now();
    while Instant::now() < deadline {
        let input = if rng.bool() || parsed.is_empty() {
            let pick = rng.usize(..seeds.len());
            mutate_bytes(&mut rng, &seeds[pick])
        } else {
            let pick = rng.usize(..parsed.len());
            let mut doc = parsed[pick].clone();
            for _ in 0..rng.usize(1..8) {
                mutate_value(&mut rng, &mut doc, 0);
            }
            serde_json::to_vec(&doc).unwrap_or_default()
        };
        runs += 1;
        match catch_unwind(AssertUnwindSafe(|| pipeline_once(&input))) {
            Ok(true) => loaded += 1,
            Ok(false) => {}
            Err(_) => {
                panics += 1;
                let _ = std::fs::create_dir_all(&crashes);
                let _ = std::fs::write(crashes.join(format!("crash-{runs}.json")), &input);
            }
        }
        if last_report.elapsed() > Duration::from_secs(30) {
            eprintln!("fuzz: {runs} runs, {loaded} loaded, {panics} panics");
            last_report = Instant::now();
        }
    }
    println!("fuzz: {runs} executions in {seconds} s ({loaded} loaded and lowered, {panics} panics), seed {seed}");
    Ok(if panics == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// Load, lower and emit one input; `true` when it loaded.
fn pipeline_once(input: &[u8]) -> bool {
    let Ok(loaded) = load::load_bytes(input, "fuzz.json") else { return false };
    let lowered = model::lower(&loaded.document, None, "fuzz.json", None);
    let options = EmitOptions {
        spec_file: "fuzz.json".to_owned(),
        spec_sha256: String::new(),
        runtime: RuntimeDependency::Path("../runtime".to_owned()),
        notes: Vec::new(),
    };
    let _ = emit::emit(&lowered.connector, &options);
    true
}

const TOKENS: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"\"",
    b"null",
    b"1e999",
    b"-0",
    b"\\u",
    b"\xef\xbb\xbf",
    b"\xe2\x80\x83",
    b"\xff",
];

fn mutate_bytes(rng: &mut fastrand::Rng, seed: &[u8]) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for _ in 0..rng.usize(1..6) {
        if bytes.is_empty() {
            bytes.extend_from_slice(b"{}");
        }
        let at = rng.usize(..bytes.len());
        match rng.u8(..4) {
            0 => bytes[at] = rng.u8(..),
            1 => {
                let end = (at + rng.usize(1..64)).min(bytes.len());
                bytes.drain(at..end);
            }
            2 => {
                let token = TOKENS[rng.usize(..TOKENS.len())];
                bytes.splice(at..at, token.iter().copied());
            }
            _ => bytes.truncate(at),
        }
    }
    bytes
}

const KEYS: &[&str] = &[
    "type",
    "format",
    "$ref",
    "properties",
    "items",
    "allOf",
    "enum",
    "required",
    "additionalProperties",
    "in",
    "name",
    "schema",
    "x-ms-visibility",
    "x-ms-trigger",
    "x-ms-url-encoding",
    "x-ms-pageable",
    "default",
    "x-nullable",
    "responses",
    "parameters",
    "operationId",
    "x-ms-notification-content",
    "x-ms-dynamic-schema",
];

fn random_value(rng: &mut fastrand::Rng, depth: usize) -> Value {
    match rng.u8(..9) {
        0 => Value::Null,
        1 => Value::Bool(rng.bool()),
        2 => Value::from(rng.i64(..)),
        3 => Value::from(rng.f64() * 1e6),
        4 => Value::String(
            [
                "",
                "string",
                "object",
                "array",
                "file",
                "int32",
                "date-time",
                "binary",
                "#/definitions/Nope",
                "self",
                "< * >",
                "internal",
                "double",
                "batch",
            ][rng.usize(..14)]
            .to_owned(),
        ),
        5 if depth < 40 => {
            // A deep chain: recursion limits must hold.
            let mut value = Value::Object(Default::default());
            for _ in 0..rng.usize(1..60) {
                value = serde_json::json!({ "type": "object", "properties": { "x": value } });
            }
            value
        }
        6 if depth < 40 => Value::Array((0..rng.usize(0..4)).map(|_| random_value(rng, depth + 1)).collect()),
        _ if depth < 40 => {
            let mut map = serde_json::Map::new();
            for _ in 0..rng.usize(0..4) {
                map.insert(KEYS[rng.usize(..KEYS.len())].to_owned(), random_value(rng, depth + 1));
            }
            Value::Object(map)
        }
        _ => Value::Null,
    }
}

/// Walks to a random node and changes it.
fn mutate_value(rng: &mut fastrand::Rng, value: &mut Value, depth: usize) {
    let descend = depth < 12 && rng.u8(..4) != 0;
    match value {
        Value::Object(map) if descend && !map.is_empty() => {
            let key = map.keys().nth(rng.usize(..map.len())).cloned().unwrap_or_default();
            match rng.u8(..6) {
                0 => {
                    map.remove(&key);
                }
                1 => {
                    map.insert(KEYS[rng.usize(..KEYS.len())].to_owned(), random_value(rng, depth));
                }
                2 => {
                    if let Some(copy) = map.get(&key).cloned() {
                        map.insert(format!("{key}_copy"), copy);
                    }
                }
                _ => {
                    if let Some(child) = map.get_mut(&key) {
                        mutate_value(rng, child, depth + 1);
                    }
                }
            }
        }
        Value::Array(items) if descend && !items.is_empty() => {
            let at = rng.usize(..items.len());
            if rng.bool() {
                mutate_value(rng, &mut items[at], depth + 1);
            } else {
                items.remove(at);
            }
        }
        _ => *value = random_value(rng, depth),
    }
}
