//! connector-gen: connector specs to typed Rust crates.
//!
//! The pipeline runs in one direction: [`load`] reads a spec (Swagger 2.0 or OpenAPI 3.0, JSON or YAML) into
//! `openapiv3` types with every `x-ms-*` extension kept; [`model`] lowers it to the connector IR, making every
//! naming and typing decision; [`emit`] prints the IR as a crate; [`pipeline`] runs the stages for one spec and
//! writes only the files that changed. Problems are reported as [`diagnostic::Diagnostic`]s, never as panics.

#![deny(missing_docs)]

pub mod diagnostic;
pub mod emit;
pub mod inspect;
pub mod load;
pub mod model;
pub mod pipeline;
