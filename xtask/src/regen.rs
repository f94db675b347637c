//! `cargo xtask regen`: regenerate the crates in `generated/` from `specs/`, or check that they are current.

use std::path::Path;
use std::process::ExitCode;

use connector_gen::emit::RuntimeDependency;
use connector_gen::pipeline::{self, GenerateOptions};
use indicatif::{ProgressBar, ProgressStyle};

use crate::manifest::Manifest;

/// A progress bar is worth showing from this many connectors on.
const PROGRESS_FROM: usize = 4;

pub(crate) fn run(root: &Path, names: &[String], check: bool) -> Result<ExitCode, String> {
    let manifest = Manifest::read(root)?;
    for name in names {
        if !manifest.outputs().any(|(c, _)| &c.name == name) {
            return Err(format!("`{name}` is not in specs/connectors.toml"));
        }
    }
    let selected: Vec<_> = manifest.outputs().filter(|(c, _)| names.is_empty() || names.contains(&c.name)).collect();
    let progress = if selected.len() >= PROGRESS_FROM {
        let bar = ProgressBar::new(selected.len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}").unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    } else {
        ProgressBar::hidden()
    };

    let mut stale = Vec::new();
    let mut written = 0usize;
    let mut failures = 0usize;
    for (entry, folder) in selected {
        progress.set_message(entry.name.clone());
        let spec = root.join("specs").join(&entry.spec);
        let options = GenerateOptions {
            name: Some(entry.name.clone()),
            runtime: RuntimeDependency::Path(relative_runtime(&folder)),
        };
        let out = root.join(folder);
        match pipeline::generate(&spec, &options) {
            Ok(generated) => {
                if check {
                    stale.extend(pipeline::stale_files(&out, &generated.files));
                } else {
                    let summary = pipeline::write_files(&out, &generated.files)
                        .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
                    written += summary.written.len();
                }
            }
            Err(err) => {
                failures += 1;
                progress.suspend(|| eprintln!("{}: {err}", entry.name));
            }
        }
        progress.inc(1);
    }
    progress.finish_and_clear();
    if failures > 0 {
        return Err(format!("{failures} connector(s) could not be generated"));
    }
    if check {
        if stale.is_empty() {
            eprintln!("generated/ is up to date");
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!("stale generated files (run `cargo xtask regen`):");
        for path in &stale {
            eprintln!("  {}", path.strip_prefix(root).unwrap_or(path).display());
        }
        return Ok(ExitCode::FAILURE);
    }
    eprintln!("regenerated: {written} file(s) written");
    Ok(ExitCode::SUCCESS)
}

/// The runtime's path from a crate folder (`generated/x` gives `../../runtime`).
fn relative_runtime(folder: &Path) -> String {
    let up = "../".repeat(folder.components().count());
    format!("{up}runtime")
}
