//! Security: `securityDefinitions` become `components.securitySchemes`, `security` requirements are checked.
//!
//! `basic` becomes HTTP basic; `apiKey` keeps its header or query placement and name; OAuth 2.0 flows are
//! renamed (`accessCode` -> `authorizationCode`, `application` -> `clientCredentials`) with their URLs and
//! scopes. Connector specs often leave a URL out (API Hub supplies it), and OpenAPI 3.0 requires it, so a
//! missing URL is written as an empty string with a warning rather than losing the scheme.

use serde_json::{Map, Value, json};

use super::Upgrade;
use super::fields::kind;

impl Upgrade<'_> {
    /// `components.securitySchemes` from `securityDefinitions`, at the current pointer.
    pub(super) fn security_schemes(&mut self, definitions: &Value) -> Map<String, Value> {
        let Value::Object(definitions) = definitions else {
            self.warn_here("`securityDefinitions` must be an object; dropped");
            return Map::new();
        };
        let mut out = Map::new();
        for (name, definition) in definitions {
            if let Some(scheme) = self.within(name, |u| u.security_scheme(definition)) {
                out.insert(name.clone(), scheme);
            }
        }
        out
    }

    fn security_scheme(&mut self, definition: &Value) -> Option<Value> {
        let Value::Object(definition) = definition else {
            self.warn_here(format!("a security definition must be an object, not {}; dropped", kind(definition)));
            return None;
        };
        let mut out = Map::new();
        match self.text(definition, "type").as_deref() {
            Some("basic") => {
                out.insert("type".to_owned(), json!("http"));
                out.insert("scheme".to_owned(), json!("basic"));
            }
            Some("apiKey") => {
                let location = self.text(definition, "in");
                let Some(location @ ("header" | "query")) = location.as_deref() else {
                    self.warn_here(format!(
                        "apiKey security definition with `in: {}`; only header and query exist; dropped",
                        location.as_deref().unwrap_or("(missing)")
                    ));
                    return None;
                };
                let Some(name) = self.text(definition, "name") else {
                    self.warn_here("apiKey security definition without a `name`; dropped");
                    return None;
                };
                out.insert("type".to_owned(), json!("apiKey"));
                out.insert("in".to_owned(), json!(location));
                out.insert("name".to_owned(), json!(name));
            }
            Some("oauth2") => {
                let flows = self.oauth2_flows(definition)?;
                out.insert("type".to_owned(), json!("oauth2"));
                out.insert("flows".to_owned(), flows);
            }
            Some(other) => {
                self.warn_child("type", format!("unknown security type `{other}`; dropped"));
                return None;
            }
            None => {
                self.warn_here("security definition without a `type`; dropped");
                return None;
            }
        }
        if let Some(description) = self.text(definition, "description") {
            out.insert("description".to_owned(), Value::String(description));
        }
        self.copy_extensions(definition, &mut out);
        Some(Value::Object(out))
    }

    fn oauth2_flows(&mut self, definition: &Map<String, Value>) -> Option<Value> {
        let flow = self.text(definition, "flow");
        let (name, urls): (&str, &[&str]) = match flow.as_deref() {
            Some("accessCode") => ("authorizationCode", &["authorizationUrl", "tokenUrl"]),
            Some("implicit") => ("implicit", &["authorizationUrl"]),
            Some("password") => ("password", &["tokenUrl"]),
            Some("application") => ("clientCredentials", &["tokenUrl"]),
            other => {
                self.warn_here(format!(
                    "oauth2 security definition with unknown flow `{}`; dropped",
                    other.unwrap_or("(missing)")
                ));
                return None;
            }
        };
        let mut out = Map::new();
        for key in urls {
            let url = self.text(definition, key).unwrap_or_else(|| {
                self.warn_here(format!("oauth2 `{name}` flow without `{key}`; left empty"));
                String::new()
            });
            out.insert((*key).to_owned(), Value::String(url));
        }
        if let Some(refresh) = self.text(definition, "refreshUrl") {
            out.insert("refreshUrl".to_owned(), Value::String(refresh));
        }
        out.insert("scopes".to_owned(), Value::Object(self.scopes(definition)));
        Some(json!({ name: out }))
    }

    fn scopes(&mut self, definition: &Map<String, Value>) -> Map<String, Value> {
        match definition.get("scopes") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(scopes)) => scopes
                .iter()
                .map(|(scope, description)| {
                    let description = match description {
                        Value::String(s) => s.clone(),
                        Value::Null => String::new(),
                        other => {
                            self.warn_child("scopes", format!("description of scope `{scope}` should be a string"));
                            other.to_string()
                        }
                    };
                    (scope.clone(), Value::String(description))
                })
                .collect(),
            Some(other) => {
                self.warn_child("scopes", format!("`scopes` must be an object, not {}; dropped", kind(other)));
                Map::new()
            }
        }
    }

    /// A `security` requirement list, if it has the right shape (a list of `{scheme: [scopes]}`).
    pub(super) fn security_requirements(&mut self, security: &Value) -> Option<Value> {
        let well_formed = security.as_array().is_some_and(|requirements| {
            requirements.iter().all(|requirement| {
                requirement.as_object().is_some_and(|r| {
                    r.values().all(|scopes| scopes.as_array().is_some_and(|s| s.iter().all(Value::is_string)))
                })
            })
        });
        if well_formed {
            Some(security.clone())
        } else {
            self.warn_here("`security` must be a list of `{scheme: [scopes]}` objects; dropped");
            None
        }
    }
}
