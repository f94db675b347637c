//! `connector-gen`: generate a typed Rust crate from a connector spec, or show what the generator understood.
//!
//! ```text
//! connector-gen generate --spec apiDefinition.swagger.json --out my-connector [--name my] [--runtime-path ../runtime]
//! connector-gen inspect --spec apiDefinition.swagger.json [--json]
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use connector_gen::emit::RuntimeDependency;
use connector_gen::inspect::Inspection;
use connector_gen::pipeline::{self, GenerateError, GenerateOptions};

#[derive(Parser)]
#[command(
    name = "connector-gen",
    version,
    about = "Typed Rust crates from Logic Apps / Power Platform connector specs"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write a complete crate (Cargo.toml, README.md, src/) for a spec.
    Generate {
        /// The spec: Swagger 2.0 or OpenAPI 3.0, JSON or YAML.
        #[arg(long)]
        spec: PathBuf,
        /// The crate folder to write into (created if missing; only changed files are rewritten).
        #[arg(long)]
        out: PathBuf,
        /// Crate name without the `connector-` prefix (default: the spec title in kebab-case).
        #[arg(long)]
        name: Option<String>,
        /// Depend on connector-runtime by this path instead of a crates.io version.
        #[arg(long)]
        runtime_path: Option<String>,
    },
    /// Show what the generator understood: actions, triggers, types, warnings.
    Inspect {
        /// The spec.
        #[arg(long)]
        spec: PathBuf,
        /// One JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Generate { spec, out, name, runtime_path } => {
            let runtime = match runtime_path {
                Some(path) => RuntimeDependency::Path(path),
                None => RuntimeDependency::Version(pipeline::RUNTIME_VERSION_REQ.to_owned()),
            };
            let generated = match pipeline::generate(&spec, &GenerateOptions { name, runtime }) {
                Ok(generated) => generated,
                Err(err) => return fail(&err),
            };
            for warning in &generated.warnings {
                eprintln!("{warning}");
            }
            match pipeline::write_files(&out, &generated.files) {
                Ok(summary) => {
                    eprintln!(
                        "generated connector-{} into {} ({} actions, {} triggers, {} types; {} files written, {} unchanged, {} warnings)",
                        generated.connector.name,
                        out.display(),
                        generated.connector.actions.len(),
                        generated.connector.triggers.len(),
                        generated.connector.types.len(),
                        summary.written.len(),
                        summary.unchanged,
                        generated.warnings.len(),
                    );
                    ExitCode::SUCCESS
                }
                Err(err) => {
                    eprintln!("error: cannot write into {}: {err}", out.display());
                    ExitCode::FAILURE
                }
            }
        }
        Command::Inspect { spec, json } => match pipeline::understand(&spec, None) {
            Ok((connector, warnings, _)) => {
                let inspection = Inspection::new(&connector, &warnings);
                if json {
                    match serde_json::to_string_pretty(&inspection) {
                        Ok(text) => println!("{text}"),
                        Err(err) => {
                            eprintln!("error: {err}");
                            return ExitCode::FAILURE;
                        }
                    }
                } else {
                    print!("{}", inspection.to_text());
                }
                ExitCode::SUCCESS
            }
            Err(err) => fail(&err),
        },
    }
}

fn fail(err: &GenerateError) -> ExitCode {
    eprintln!("{err}");
    ExitCode::FAILURE
}
