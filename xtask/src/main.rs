//! `cargo xtask`: the project's automation, in Rust so nothing needs installing.
//!
//! - `cargo xtask regen [NAME...] [--check]`: regenerate `generated/<name>/` from `specs/connectors.toml`.
//! - `cargo xtask corpus <DIR> [--report FILE]`: generate every spec below DIR and `cargo check` them all.

mod corpus;
mod manifest;
mod regen;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Project automation for the connectors SDK")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate the crates listed in specs/connectors.toml into generated/.
    Regen {
        /// Only these connectors (names from specs/connectors.toml); all when empty.
        names: Vec<String>,
        /// Change nothing; exit non-zero listing every stale file.
        #[arg(long)]
        check: bool,
    },
    /// Generate every apiDefinition.swagger.json below DIR into one scratch workspace and cargo-check it.
    Corpus {
        /// The folder to search (e.g. ../shared/corpus).
        dir: PathBuf,
        /// Also write the table as Markdown to this file.
        #[arg(long)]
        report: Option<PathBuf>,
    },
}

/// The workspace root (xtask lives one level below it).
fn workspace_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().map(PathBuf::from).unwrap_or(manifest_dir)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Regen { names, check } => regen::run(&workspace_root(), &names, check),
        Command::Corpus { dir, report } => corpus::run(&workspace_root(), &dir, report.as_deref()),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
