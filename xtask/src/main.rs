//! `cargo xtask`: the project's automation, in Rust so nothing needs installing.
//!
//! - `cargo xtask regen [NAME...] [--check]`: regenerate `generated/<name>/` from `specs/connectors.toml`.
//! - `cargo xtask corpus <DIR> [--report FILE]`: generate every spec below DIR and `cargo check` them all.
//! - `cargo xtask fuzz [DIR] --seconds N`: mutation-fuzz load, lower and emit.
//! - `cargo xtask bench-gen [DIR] [--check-crates]`: generation speed, lines per action, compile time.

mod bench;
mod corpus;
mod fuzz;
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
    /// Mutation-fuzz load, lower and emit with the specs below DIR as seeds; fails on any panic.
    Fuzz {
        /// The seed specs (default ../shared/corpus).
        #[arg(default_value = "../shared/corpus")]
        dir: PathBuf,
        /// How long to run.
        #[arg(long, default_value_t = 60)]
        seconds: u64,
        /// Random seed, for reproducing a run.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Measure generation time and lines per action over a spec folder (run from a release build).
    BenchGen {
        /// The folder to search (default ../shared/corpus).
        #[arg(default_value = "../shared/corpus")]
        dir: PathBuf,
        /// Also time `cargo check` of each crate in generated/.
        #[arg(long)]
        check_crates: bool,
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
        Command::Fuzz { dir, seconds, seed } => fuzz::run(&workspace_root(), &dir, seconds, seed),
        Command::BenchGen { dir, check_crates } => bench::run(&workspace_root(), &dir, check_crates),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
