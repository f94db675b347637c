//! `cargo xtask corpus <DIR>`: generate every connector spec below DIR into one scratch workspace, `cargo check`
//! them all at once, and print one row per spec with a closing `N passed, M failed` line.
//!
//! A spec passes when it generates and its crate checks with zero errors and zero warnings. A spec the loader
//! rejects (broken JSON) fails its row; the command still succeeds when every rejection is located (file, line,
//! column), because that is the required behaviour for unreadable input.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use connector_gen::emit::RuntimeDependency;
use connector_gen::pipeline::{self, GenerateError, GenerateOptions};

const SPEC_FILE: &str = "apidefinition.swagger.json";

struct Row {
    name: String,
    actions: usize,
    triggers: usize,
    result: Outcome,
    first: String,
}

#[derive(PartialEq)]
enum Outcome {
    Passed,
    /// Rejected by the loader with a located diagnostic (expected for broken JSON).
    Rejected,
    Failed,
}

pub(crate) fn run(root: &Path, dir: &Path, report: Option<&Path>) -> Result<ExitCode, String> {
    let mut specs = Vec::new();
    find_specs(dir, &mut specs).map_err(|e| format!("cannot search {}: {e}", dir.display()))?;
    specs.sort();
    if specs.is_empty() {
        return Err(format!("no {SPEC_FILE} below {}", dir.display()));
    }
    let scratch = root.join("target/xtask-corpus");
    let crates = scratch.join("crates");
    let _ = fs::remove_dir_all(&crates);
    fs::create_dir_all(&crates).map_err(|e| format!("cannot create {}: {e}", crates.display()))?;
    let runtime = root.join("runtime");

    let mut rows = Vec::new();
    let mut names_used = BTreeMap::new();
    for spec in &specs {
        let folder = spec.parent().and_then(Path::file_name).map(|n| n.to_string_lossy().into_owned());
        let base = connector_gen::model::crate_name_from_title(folder.as_deref().unwrap_or("connector"));
        let count = names_used.entry(base.clone()).and_modify(|n| *n += 1).or_insert(1usize);
        let name = if *count == 1 { base } else { format!("{base}-{count}") };
        let options = GenerateOptions {
            name: Some(name.clone()),
            runtime: RuntimeDependency::Path(runtime.display().to_string()),
        };
        let row = match pipeline::generate(spec, &options) {
            Ok(generated) => {
                pipeline::write_files(&crates.join(&name), &generated.files)
                    .map_err(|e| format!("cannot write the scratch crate {name}: {e}"))?;
                Row {
                    name,
                    actions: generated.connector.actions.len(),
                    triggers: generated.connector.triggers.len(),
                    result: Outcome::Passed,
                    first: generated.warnings.first().map(ToString::to_string).unwrap_or_default(),
                }
            }
            Err(GenerateError::Spec(diagnostics)) => {
                let located = diagnostics.iter().any(|d| d.line_col.is_some());
                Row {
                    name,
                    actions: 0,
                    triggers: 0,
                    result: if located { Outcome::Rejected } else { Outcome::Failed },
                    first: diagnostics.first().map(ToString::to_string).unwrap_or_default(),
                }
            }
            Err(err) => Row { name, actions: 0, triggers: 0, result: Outcome::Failed, first: err.to_string() },
        };
        rows.push(row);
    }

    let generated: Vec<&str> = rows.iter().filter(|r| r.result == Outcome::Passed).map(|r| r.name.as_str()).collect();
    if !generated.is_empty() {
        let members: Vec<String> = generated.iter().map(|n| format!("\"crates/{n}\"")).collect();
        let manifest = format!("[workspace]\nresolver = \"3\"\nmembers = [{}]\n", members.join(", "));
        fs::write(scratch.join("Cargo.toml"), manifest)
            .map_err(|e| format!("cannot write the scratch workspace: {e}"))?;
        // The main lockfile pins the same dependency versions, so the shared target dir's artifacts are reused.
        let _ = fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock"));
        let problems = cargo_check(&scratch, &root.join("target"))?;
        for row in rows.iter_mut().filter(|r| r.result == Outcome::Passed) {
            if let Some(problem) = problems.get(&format!("connector-{}", row.name)) {
                row.result = Outcome::Failed;
                row.first = problem.clone();
            }
        }
    }

    let table = render(&rows);
    print!("{table}");
    if let Some(report) = report {
        fs::write(report, &table).map_err(|e| format!("cannot write {}: {e}", report.display()))?;
    }
    let passed = rows.iter().filter(|r| r.result == Outcome::Passed).count();
    println!("{passed} passed, {} failed", rows.len() - passed);
    let unexpected = rows.iter().any(|r| r.result == Outcome::Failed);
    Ok(if unexpected { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

pub(crate) fn find_specs(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            find_specs(&path, out)?;
        } else if path.file_name().is_some_and(|n| n.to_string_lossy().eq_ignore_ascii_case(SPEC_FILE)) {
            out.push(path);
        }
    }
    Ok(())
}

/// Runs one `cargo check` over the scratch workspace; returns the first error or warning per package.
fn cargo_check(scratch: &Path, target: &Path) -> Result<BTreeMap<String, String>, String> {
    eprintln!("checking the generated crates (one cargo check over all of them)...");
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(["check", "--workspace", "--message-format=json-diagnostic-rendered-ansi"])
        .current_dir(scratch)
        .env("CARGO_TARGET_DIR", target)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let mut problems: BTreeMap<String, String> = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        if message["reason"] != "compiler-message" {
            continue;
        }
        let level = message["message"]["level"].as_str().unwrap_or_default();
        if level != "error" && level != "warning" {
            continue;
        }
        let package = message["package_id"].as_str().unwrap_or_default();
        // `path+file:///.../crates/x#connector-x@0.1.0` -> `connector-x`
        let name = package.rsplit('#').next().unwrap_or(package).split('@').next().unwrap_or(package).to_owned();
        let text = message["message"]["message"].as_str().unwrap_or_default();
        problems.entry(name).or_insert_with(|| format!("{level}: {text}"));
    }
    Ok(problems)
}

fn render(rows: &[Row]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "| connector | actions | triggers | result | first diagnostic |");
    let _ = writeln!(out, "|---|---:|---:|---|---|");
    for row in rows {
        let result = match row.result {
            Outcome::Passed => "ok",
            Outcome::Rejected => "rejected",
            Outcome::Failed => "FAILED",
        };
        let first: String = row.first.chars().take(140).collect::<String>().replace('|', "\\|").replace('\n', " ");
        let _ = writeln!(out, "| {} | {} | {} | {result} | {first} |", row.name, row.actions, row.triggers);
    }
    out
}
