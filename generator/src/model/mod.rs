//! The `lower` stage: an OpenAPI document (plus `apiProperties.json`) to the connector IR.
//!
//! Every decision about the generated crate is made here: which operations are actions or triggers, every Rust
//! name, every type, how each parameter and body travels. `emit` only prints the result.

pub mod ir;
pub mod naming;
mod operations;
mod schema;
mod types;

use std::collections::BTreeSet;

use openapiv3::{OpenAPI, ReferenceOr, Schema, SecurityScheme};
use serde_json::Value;

use self::ir::{ApiKeyPlace, Auth, Connector, Trigger};
use self::naming::Case;
use self::operations::{OperationLowerer, find_operations};
use self::types::TypeBuilder;
use crate::diagnostic::Diagnostic;

/// The IR and the warnings found while building it.
#[derive(Debug)]
pub struct Lowered {
    /// The connector, ready to emit.
    pub connector: Connector,
    /// Everything renamed, replaced by a fallback or skipped, with its JSON pointer.
    pub warnings: Vec<Diagnostic>,
}

/// Lowers a loaded document. `file` names the spec in diagnostics; `name` overrides the crate name (which
/// otherwise comes from the spec's title).
pub fn lower(doc: &OpenAPI, api_properties: Option<&Value>, file: &str, name: Option<&str>) -> Lowered {
    let notifications = notification_schemas(doc);
    let mut types = TypeBuilder::new(doc, file);
    types.build_definitions(doc);
    types.build_unions(doc);

    let found = find_operations(doc);
    let referenced = referenced_operation_ids(doc);
    let mut warnings = Vec::new();
    let kept: Vec<_> = found
        .into_iter()
        .filter(|f| {
            let internal =
                f.op.extensions
                    .get("x-ms-visibility")
                    .and_then(Value::as_str)
                    .is_some_and(|v| v.trim().eq_ignore_ascii_case("internal"));
            let trigger = f.op.extensions.contains_key("x-ms-trigger");
            // Internal operations are discovery helpers or webhook plumbing; keep the ones something refers to.
            let keep = !internal || trigger || referenced.contains(&f.id);
            if !keep {
                warnings.push(
                    Diagnostic::warning(
                        file,
                        format!("internal operation `{}` is not generated (nothing refers to it)", f.id),
                    )
                    .with_pointer(f.pointer.clone()),
                );
            }
            keep
        })
        .collect();

    let ids: Vec<&str> = kept.iter().map(|f| f.id.as_str()).collect();
    let (method_names, renames) = naming::assign(&ids, Case::Snake, "operation", &["new", "connection", "triggers"]);
    for rename in renames {
        warnings.push(Diagnostic::warning(
            file,
            format!("operation `{}` is `{}` in Rust ({})", rename.wire, rename.rust, rename.reason),
        ));
    }
    let (builder_names, _) = naming::assign(&ids, Case::Pascal("Op"), "Operation", &["Client"]);

    let managed = doc.paths.paths.keys().any(|p| p.starts_with("/{connectionId}"));
    let mut actions = Vec::new();
    let mut triggers = Vec::new();
    {
        let mut lowerer = OperationLowerer { doc, types: &mut types, managed, notification_schemas: &notifications };
        for ((found, method), builder) in kept.iter().zip(method_names).zip(builder_names) {
            let lowered = lowerer.lower(found, method, builder);
            match lowered.trigger {
                Some((kind, shape, item, notification_url_field)) => {
                    triggers.push(Trigger { operation: lowered.operation, kind, shape, item, notification_url_field })
                }
                None => actions.push(lowered.operation),
            }
        }
    }
    types.box_recursive_fields();
    warnings.append(&mut types.warnings);

    let title = doc.info.title.trim().to_owned();
    let name = name.map(str::to_owned).unwrap_or_else(|| crate_name_from_title(&title));
    let connector = Connector {
        name,
        title: if title.is_empty() { "Connector".to_owned() } else { title },
        description: doc.info.description.clone().filter(|d| !d.trim().is_empty()),
        version: doc.info.version.clone(),
        default_base_url: doc.servers.first().map(|s| s.url.trim_end_matches('/').to_owned()),
        managed,
        auth: auth(doc, api_properties),
        actions,
        triggers,
        types: types.types,
    };
    Lowered { connector, warnings }
}

/// `Office 365 Outlook` becomes `office-365-outlook`.
pub fn crate_name_from_title(title: &str) -> String {
    let words: String = title.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect();
    let name = heck::ToKebabCase::to_kebab_case(words.as_str());
    if name.is_empty() { "connector".to_owned() } else { name }
}

fn auth(doc: &OpenAPI, api_properties: Option<&Value>) -> Auth {
    let mut auth = Auth::default();
    let schemes = doc.components.as_ref().map(|c| c.security_schemes.values().collect::<Vec<_>>()).unwrap_or_default();
    let mut spec_scopes = BTreeSet::new();
    for scheme in schemes {
        let ReferenceOr::Item(scheme) = scheme else { continue };
        match scheme {
            SecurityScheme::APIKey { location, name, .. } if auth.api_key.is_none() => {
                auth.api_key = Some(match location {
                    openapiv3::APIKeyLocation::Query => ApiKeyPlace::Query(name.clone()),
                    _ => ApiKeyPlace::Header(name.clone()),
                });
            }
            SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("basic") => auth.basic = true,
            SecurityScheme::OAuth2 { flows, .. } => {
                auth.oauth2 = true;
                let scope_maps = [
                    flows.implicit.as_ref().map(|f| &f.scopes),
                    flows.password.as_ref().map(|f| &f.scopes),
                    flows.client_credentials.as_ref().map(|f| &f.scopes),
                    flows.authorization_code.as_ref().map(|f| &f.scopes),
                ];
                for scopes in scope_maps.into_iter().flatten() {
                    spec_scopes.extend(scopes.keys().cloned());
                }
            }
            _ => {}
        }
    }
    // apiProperties.json is the authoritative auth source: an AAD resource gives the `.default` scope.
    let aad_resource = api_properties
        .and_then(|p| p.pointer("/properties/connectionParameters"))
        .and_then(Value::as_object)
        .and_then(|params| {
            params.values().find_map(|param| {
                let settings = param.get("oAuthSettings")?;
                let provider = settings.get("identityProvider")?.as_str()?;
                if !provider.eq_ignore_ascii_case("aad") && !provider.eq_ignore_ascii_case("aadcertificate") {
                    return None;
                }
                auth.oauth2 = true;
                settings.pointer("/customParameters/resourceUri/value")?.as_str().map(str::to_owned)
            })
        });
    auth.scopes = match aad_resource {
        Some(resource) => vec![format!("{}/.default", resource.trim_end_matches('/'))],
        // Only scopes that name a resource are usable with client credentials.
        None => spec_scopes.into_iter().filter(|s| s.starts_with("https://")).collect(),
    };
    auth
}

/// Operation ids named by `x-ms-dynamic-*` lookups anywhere in the document.
fn referenced_operation_ids(doc: &OpenAPI) -> BTreeSet<String> {
    fn walk(value: &Value, inside_dynamic: bool, out: &mut BTreeSet<String>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    let dynamic = inside_dynamic || key.starts_with("x-ms-dynamic-") || key == "x-ms-capabilities";
                    if dynamic
                        && key == "operationId"
                        && let Some(id) = child.as_str()
                    {
                        out.insert(id.to_owned());
                    }
                    walk(child, dynamic, out);
                }
            }
            Value::Array(items) => items.iter().for_each(|item| walk(item, inside_dynamic, out)),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    if let Ok(value) = serde_json::to_value(doc) {
        walk(&value, false, &mut out);
    }
    out
}

/// `x-ms-notification-content` schemas, parsed from the path items that carry them.
fn notification_schemas(doc: &OpenAPI) -> Vec<(String, ReferenceOr<Schema>)> {
    doc.paths
        .paths
        .iter()
        .filter_map(|(path, item)| {
            let ReferenceOr::Item(item) = item else { return None };
            let content = item.extensions.get("x-ms-notification-content")?;
            let schema = content.get("schema")?;
            serde_json::from_value(schema.clone()).ok().map(|schema| (path.clone(), schema))
        })
        .collect()
}
