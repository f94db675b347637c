//! The whole pipeline for one spec: load, lower, emit, and writing only the files whose bytes changed.
//!
//! The command line and `cargo xtask` both call [`generate`]; neither knows the stages.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::diagnostic::Diagnostic;
use crate::emit::{self, EmitError, EmitOptions, GeneratedFile, RuntimeDependency};
use crate::load;
use crate::model::{self, ir::Connector};

/// How to generate.
#[derive(Clone, Debug)]
pub struct GenerateOptions {
    /// The crate name without the `connector-` prefix; defaults from the spec title.
    pub name: Option<String>,
    /// How the crate depends on connector-runtime.
    pub runtime: RuntimeDependency,
}

/// A generated crate, not yet written.
#[derive(Debug)]
pub struct Generated {
    /// The IR it was printed from (for reports such as `inspect`).
    pub connector: Connector,
    /// The crate's files.
    pub files: Vec<GeneratedFile>,
    /// Load and lowering warnings.
    pub warnings: Vec<Diagnostic>,
}

/// Why a spec produced no crate.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// The spec could not be read or understood (located diagnostics).
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Spec(Vec<Diagnostic>),
    /// A generator bug.
    #[error(transparent)]
    Emit(#[from] EmitError),
}

/// The current version of the runtime, for crates generated outside this workspace.
pub const RUNTIME_VERSION_REQ: &str = "0.1";

/// Loads and lowers a spec: what `inspect` shows.
pub fn understand(spec: &Path, name: Option<&str>) -> Result<(Connector, Vec<Diagnostic>, String), GenerateError> {
    let bytes = fs::read(spec).map_err(|e| {
        GenerateError::Spec(vec![Diagnostic::error(spec.display().to_string(), format!("cannot read the spec: {e}"))])
    })?;
    let sha = hex(&Sha256::digest(&bytes));
    let loaded = load::load_file(spec).map_err(|e| GenerateError::Spec(load_diagnostics(&e)))?;
    let file = file_name(spec);
    let lowered = model::lower(&loaded.document, loaded.api_properties.as_ref(), &file, name);
    let mut warnings = loaded.warnings;
    warnings.extend(lowered.warnings);
    Ok((lowered.connector, warnings, sha))
}

/// Everything a failed load has to say: warnings first, the error last.
fn load_diagnostics(error: &load::LoadError) -> Vec<Diagnostic> {
    let mut all: Vec<Diagnostic> = error.warnings().to_vec();
    match error.diagnostic() {
        Some(diagnostic) => all.insert(0, diagnostic.clone()),
        None => all.insert(0, Diagnostic::error("", error.to_string())),
    }
    all
}

/// Runs the pipeline for one spec.
pub fn generate(spec: &Path, options: &GenerateOptions) -> Result<Generated, GenerateError> {
    let (connector, warnings, sha) = understand(spec, options.name.as_deref())?;
    let emit_options = EmitOptions {
        spec_file: file_name(spec),
        spec_sha256: sha,
        runtime: options.runtime.clone(),
        notes: warnings.iter().map(note).collect(),
    };
    let files = emit::emit(&connector, &emit_options)?;
    Ok(Generated { connector, files, warnings })
}

/// A warning as a README note: message and pointer, without the file (the README names the spec once).
fn note(diagnostic: &Diagnostic) -> String {
    match &diagnostic.pointer {
        Some(pointer) => format!("{} (`{pointer}`)", diagnostic.message),
        None => diagnostic.message.clone(),
    }
}

fn file_name(spec: &Path) -> String {
    spec.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| spec.display().to_string())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What writing a crate changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteSummary {
    /// Files created or rewritten.
    pub written: Vec<PathBuf>,
    /// Files already up to date.
    pub unchanged: usize,
}

/// Writes the files under `out`, touching only those whose bytes differ (so builds stay incremental).
pub fn write_files(out: &Path, files: &[GeneratedFile]) -> io::Result<WriteSummary> {
    let mut summary = WriteSummary::default();
    for file in files {
        let path = out.join(&file.path);
        if fs::read(&path).is_ok_and(|existing| existing == file.contents.as_bytes()) {
            summary.unchanged += 1;
            continue;
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, &file.contents)?;
        summary.written.push(path);
    }
    Ok(summary)
}

/// The files under `out` that differ from `files` (or are missing): what `regen --check` reports.
pub fn stale_files(out: &Path, files: &[GeneratedFile]) -> Vec<PathBuf> {
    files
        .iter()
        .filter(|file| fs::read(out.join(&file.path)).map_or(true, |existing| existing != file.contents.as_bytes()))
        .map(|file| out.join(&file.path))
        .collect()
}
