//! What `connector-gen inspect` reports: the generator's understanding of a spec, as JSON or text.

use std::fmt::Write as _;

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::model::ir::{Connector, Operation, TriggerKind, TriggerShape};
use crate::model::naming::unraw;

/// The `inspect --json` object.
#[derive(Debug, Serialize)]
pub struct Inspection {
    /// Crate name without `connector-`.
    pub name: String,
    /// The spec's title.
    pub title: String,
    /// Callable operations.
    pub actions: Vec<ActionSummary>,
    /// Trigger operations.
    pub triggers: Vec<TriggerSummary>,
    /// Number of named types.
    pub types: usize,
    /// Warnings, rendered.
    pub warnings: Vec<String>,
}

/// One action.
#[derive(Debug, Serialize)]
pub struct ActionSummary {
    /// Wire operationId.
    pub operation_id: String,
    /// Method name on `Client`.
    pub rust_name: String,
    /// HTTP method.
    pub method: String,
    /// Path template.
    pub path: String,
    /// Marked deprecated.
    pub deprecated: bool,
}

/// One trigger.
#[derive(Debug, Serialize)]
pub struct TriggerSummary {
    /// Wire operationId.
    pub operation_id: String,
    /// Rust name.
    pub rust_name: String,
    /// `polling` or `webhook`.
    pub kind: TriggerKind,
    /// `single` or `batch`.
    pub shape: TriggerShape,
}

fn action(op: &Operation) -> ActionSummary {
    ActionSummary {
        operation_id: op.id.clone(),
        rust_name: unraw(&op.rust_name).to_owned(),
        method: op.method.as_str().to_owned(),
        path: op.path.clone(),
        deprecated: op.deprecated,
    }
}

impl Inspection {
    /// Summarises a lowered connector.
    pub fn new(connector: &Connector, warnings: &[Diagnostic]) -> Self {
        Inspection {
            name: connector.name.clone(),
            title: connector.title.clone(),
            actions: connector.actions.iter().map(action).collect(),
            triggers: connector
                .triggers
                .iter()
                .map(|t| TriggerSummary {
                    operation_id: t.operation.id.clone(),
                    rust_name: unraw(&t.operation.rust_name).to_owned(),
                    kind: t.kind,
                    shape: t.shape,
                })
                .collect(),
            types: connector.types.len(),
            warnings: warnings.iter().map(ToString::to_string).collect(),
        }
    }

    /// A human-readable report.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{} (crate connector-{})", self.title, self.name);
        let _ = writeln!(out, "\nactions ({}):", self.actions.len());
        for a in &self.actions {
            let deprecated = if a.deprecated { "  [deprecated]" } else { "" };
            let _ = writeln!(out, "  {:<40} {:<7} {}{deprecated}", a.rust_name, a.method, a.path);
        }
        let _ = writeln!(out, "\ntriggers ({}):", self.triggers.len());
        for t in &self.triggers {
            let _ = writeln!(out, "  {:<40} {:?} {:?}", t.rust_name, t.kind, t.shape);
        }
        let _ = writeln!(out, "\ntypes: {}", self.types);
        let _ = writeln!(out, "warnings: {}", self.warnings.len());
        for w in &self.warnings {
            let _ = writeln!(out, "  {w}");
        }
        out
    }
}
