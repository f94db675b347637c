//! `cargo xtask bench-gen`: the generator's speed and the size and compile time of what it writes.
//!
//! - generation time: load, lower and emit every spec below a folder (no files written, no cargo), best of
//!   several rounds; run it from a release build (`cargo run --release -p xtask -- bench-gen ...`);
//! - lines per action: the lines each operation adds to `actions.rs` (descriptor, method, builder, awaiting),
//!   models excluded, median and spread over every action of every spec;
//! - `cargo check` seconds per crate in `generated/` (with `--check-crates`), each from a clean state.

use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use connector_gen::emit::RuntimeDependency;
use connector_gen::pipeline::{self, GenerateOptions};

use crate::corpus::find_specs;
use crate::manifest::Manifest;

const ROUNDS: usize = 3;

pub(crate) fn run(root: &Path, dir: &Path, check_crates: bool) -> Result<ExitCode, String> {
    let mut specs = Vec::new();
    find_specs(dir, &mut specs).map_err(|e| format!("cannot search {}: {e}", dir.display()))?;
    specs.sort();
    let options = GenerateOptions { name: None, runtime: RuntimeDependency::Path("../runtime".to_owned()) };

    let mut best = Duration::MAX;
    let mut lines_per_action = Vec::new();
    let mut generated_specs = 0;
    for round in 0..ROUNDS {
        let started = Instant::now();
        let mut outputs = Vec::new();
        for spec in &specs {
            if let Ok(generated) = pipeline::generate(spec, &options) {
                outputs.push(generated);
            }
        }
        best = best.min(started.elapsed());
        if round == 0 {
            generated_specs = outputs.len();
            for generated in &outputs {
                if let Some(actions) = generated.files.iter().find(|f| f.path.ends_with("actions.rs")) {
                    lines_per_action.extend(action_lengths(&actions.contents));
                }
            }
        }
    }
    println!(
        "generation: {} specs ({} generated) in {:.0} ms (best of {ROUNDS}; load, lower and emit, no files written)",
        specs.len(),
        generated_specs,
        best.as_secs_f64() * 1000.0
    );
    lines_per_action.sort_unstable();
    if !lines_per_action.is_empty() {
        let at = |q: f64| lines_per_action[((lines_per_action.len() - 1) as f64 * q) as usize];
        println!(
            "lines per action over {} actions: median {}, p10 {}, p90 {}, max {}",
            lines_per_action.len(),
            at(0.5),
            at(0.1),
            at(0.9),
            at(1.0)
        );
    }
    if check_crates {
        check_generated(root)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Lines per operation in an `actions.rs`: its method in the `impl Client` block (docs included) plus its section
/// (descriptor, builder, awaiting, response enum), which starts at its `static NAME: Operation = ..`.
fn action_lengths(actions: &str) -> Vec<usize> {
    let lines: Vec<&str> = actions.lines().collect();
    let starts: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, line)| line.starts_with("static ") && line.contains(": Operation = "))
        .map(|(i, _)| i)
        .collect();
    let sections =
        starts.iter().enumerate().map(|(i, start)| starts.get(i + 1).copied().unwrap_or(lines.len()) - start);
    // Methods: the `impl Client` block, one method per chunk ending at a 4-space-indented closing brace.
    let mut methods = Vec::new();
    if let Some(open) = lines.iter().position(|l| *l == "impl Client {") {
        let mut chunk = 0;
        for line in &lines[open + 1..] {
            if *line == "}" {
                break;
            }
            chunk += 1;
            if *line == "    }" {
                methods.push(chunk);
                chunk = 0;
            }
        }
    }
    sections.enumerate().map(|(i, section)| section + methods.get(i).copied().unwrap_or(0)).collect()
}

/// `cargo check` seconds per crate in generated/, each after `cargo clean -p` (dependencies stay built).
fn check_generated(root: &Path) -> Result<(), String> {
    let manifest = Manifest::read(root)?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    // Build the dependencies once so each timing is the generated crate alone.
    let status = Command::new(&cargo)
        .args(["check", "-p", "connector-runtime"])
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("cargo check -p connector-runtime failed".to_owned());
    }
    println!("cargo check per generated crate (dependencies already built):");
    for entry in &manifest.connectors {
        let package = format!("connector-{}", entry.name);
        let _ = Command::new(&cargo).args(["clean", "-p", &package]).current_dir(root).output();
        let started = Instant::now();
        let output = Command::new(&cargo)
            .args(["check", "-p", &package])
            .current_dir(root)
            .output()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        let seconds = started.elapsed().as_secs_f64();
        let actions = std::fs::read_to_string(root.join("generated").join(&entry.name).join("src/actions.rs"))
            .map(|text| action_lengths(&text).len())
            .unwrap_or(0);
        let lines: usize = ["src/actions.rs", "src/models.rs", "src/lib.rs"]
            .iter()
            .filter_map(|f| std::fs::read_to_string(root.join("generated").join(&entry.name).join(f)).ok())
            .map(|text| text.lines().count())
            .sum();
        let result = if output.status.success() { "ok" } else { "FAILED" };
        println!("  {package:<28} {seconds:>6.1} s  {actions:>4} actions  {lines:>6} lines  {result}");
    }
    Ok(())
}
