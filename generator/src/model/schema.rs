//! A uniform view of an `openapiv3` schema, and `$ref` resolution.
//!
//! `openapiv3` splits schemas into typed variants (`Type::Object`, `Type::String`, ...) and a catch-all
//! (`SchemaKind::Any`) for the combinations real specs contain (properties without `type`, enums next to formats).
//! Lowering only needs a handful of facts, so [`View`] reads them the same way from every variant.

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, Components, OpenAPI, Parameter, ReferenceOr, RequestBody, Response, Schema, SchemaKind, Type,
    VariantOrUnknownOrEmpty,
};
use serde_json::Value;

/// The facts of a schema that lowering uses.
pub(crate) struct View<'a> {
    pub(crate) schema: &'a Schema,
    pub(crate) typ: Option<&'a str>,
    pub(crate) format: Option<String>,
    pub(crate) properties: Option<&'a IndexMap<String, ReferenceOr<Box<Schema>>>>,
    pub(crate) required: &'a [String],
    pub(crate) additional: Option<&'a AdditionalProperties>,
    pub(crate) items: Option<&'a ReferenceOr<Box<Schema>>>,
    /// `enum` values as JSON.
    pub(crate) enumeration: Vec<Value>,
    pub(crate) all_of: &'a [ReferenceOr<Schema>],
    pub(crate) one_of: &'a [ReferenceOr<Schema>],
    pub(crate) any_of: &'a [ReferenceOr<Schema>],
}

fn format_text<T: serde::Serialize>(format: &VariantOrUnknownOrEmpty<T>) -> Option<String> {
    match format {
        VariantOrUnknownOrEmpty::Item(known) => serde_json::to_value(known).ok()?.as_str().map(str::to_owned),
        VariantOrUnknownOrEmpty::Unknown(other) => Some(other.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

impl<'a> View<'a> {
    pub(crate) fn of(schema: &'a Schema) -> View<'a> {
        let mut view = View {
            schema,
            typ: None,
            format: None,
            properties: None,
            required: &[],
            additional: None,
            items: None,
            enumeration: Vec::new(),
            all_of: &[],
            one_of: &[],
            any_of: &[],
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(t)) => {
                view.typ = Some("string");
                view.format = format_text(&t.format);
                view.enumeration = t.enumeration.iter().flatten().map(|s| Value::String(s.clone())).collect();
            }
            SchemaKind::Type(Type::Integer(t)) => {
                view.typ = Some("integer");
                view.format = format_text(&t.format);
                view.enumeration = t.enumeration.iter().flatten().map(|n| Value::from(*n)).collect();
            }
            SchemaKind::Type(Type::Number(t)) => {
                view.typ = Some("number");
                view.format = format_text(&t.format);
            }
            SchemaKind::Type(Type::Boolean(_)) => view.typ = Some("boolean"),
            SchemaKind::Type(Type::Object(t)) => {
                view.typ = Some("object");
                view.properties = Some(&t.properties);
                view.required = &t.required;
                view.additional = t.additional_properties.as_ref();
            }
            SchemaKind::Type(Type::Array(t)) => {
                view.typ = Some("array");
                view.items = t.items.as_ref();
            }
            SchemaKind::AllOf { all_of } => view.all_of = all_of,
            SchemaKind::OneOf { one_of } => view.one_of = one_of,
            SchemaKind::AnyOf { any_of } => view.any_of = any_of,
            SchemaKind::Not { .. } => {}
            SchemaKind::Any(any) => {
                view.typ = any.typ.as_deref();
                view.format = any.format.clone();
                view.properties = (!any.properties.is_empty()).then_some(&any.properties);
                view.required = &any.required;
                view.additional = any.additional_properties.as_ref();
                view.items = any.items.as_ref();
                view.enumeration = any.enumeration.clone();
                view.all_of = &any.all_of;
                view.one_of = &any.one_of;
                view.any_of = &any.any_of;
            }
        }
        view
    }

    /// An `x-*` extension of this schema.
    pub(crate) fn extension(&self, name: &str) -> Option<&'a Value> {
        self.schema.schema_data.extensions.get(name)
    }

    /// Nullable in OpenAPI 3 or Swagger's `x-nullable`.
    pub(crate) fn nullable(&self) -> bool {
        self.schema.schema_data.nullable || self.extension("x-nullable").and_then(Value::as_bool).unwrap_or(false)
    }

    /// The schema's doc text: description, else title, else `x-ms-summary`.
    pub(crate) fn doc(&self) -> Option<String> {
        let data = &self.schema.schema_data;
        data.description
            .clone()
            .or_else(|| data.title.clone())
            .or_else(|| self.extension("x-ms-summary").and_then(Value::as_str).map(str::to_owned))
            .filter(|d| !d.trim().is_empty())
    }

    /// Whether the schema is pinned dynamic (`x-ms-dynamic-schema` / `x-ms-dynamic-properties`).
    pub(crate) fn dynamic(&self) -> bool {
        self.extension("x-ms-dynamic-schema").is_some_and(Value::is_object)
            || self.extension("x-ms-dynamic-properties").is_some_and(Value::is_object)
    }
}

/// The name a local component reference points at (`#/components/schemas/Name` gives `Name`).
pub(crate) fn ref_name<'r>(reference: &'r str, section: &str) -> Option<&'r str> {
    reference.strip_prefix("#/components/")?.strip_prefix(section)?.strip_prefix('/')
}

/// Looks references up in the document's components; `$ref` chains are followed a bounded number of times.
pub(crate) struct Resolver<'a> {
    components: Option<&'a Components>,
}

const MAX_REF_CHAIN: usize = 16;

impl<'a> Resolver<'a> {
    pub(crate) fn new(doc: &'a OpenAPI) -> Self {
        Resolver { components: doc.components.as_ref() }
    }

    pub(crate) fn schema_named(&self, name: &str) -> Option<&'a Schema> {
        let mut current = self.components?.schemas.get(name)?;
        for _ in 0..MAX_REF_CHAIN {
            match current {
                ReferenceOr::Item(schema) => return Some(schema),
                ReferenceOr::Reference { reference } => {
                    current = self.components?.schemas.get(ref_name(reference, "schemas")?)?;
                }
            }
        }
        None
    }

    pub(crate) fn schema(&self, item: &'a ReferenceOr<Schema>) -> Option<&'a Schema> {
        match item {
            ReferenceOr::Item(schema) => Some(schema),
            ReferenceOr::Reference { reference } => self.schema_named(ref_name(reference, "schemas")?),
        }
    }

    pub(crate) fn boxed_schema(&self, item: &'a ReferenceOr<Box<Schema>>) -> Option<&'a Schema> {
        match item {
            ReferenceOr::Item(schema) => Some(schema),
            ReferenceOr::Reference { reference } => self.schema_named(ref_name(reference, "schemas")?),
        }
    }

    pub(crate) fn parameter(&self, item: &'a ReferenceOr<Parameter>) -> Option<&'a Parameter> {
        let mut current = item;
        for _ in 0..MAX_REF_CHAIN {
            match current {
                ReferenceOr::Item(p) => return Some(p),
                ReferenceOr::Reference { reference } => {
                    current = self.components?.parameters.get(ref_name(reference, "parameters")?)?;
                }
            }
        }
        None
    }

    pub(crate) fn request_body(&self, item: &'a ReferenceOr<RequestBody>) -> Option<&'a RequestBody> {
        let mut current = item;
        for _ in 0..MAX_REF_CHAIN {
            match current {
                ReferenceOr::Item(b) => return Some(b),
                ReferenceOr::Reference { reference } => {
                    current = self.components?.request_bodies.get(ref_name(reference, "requestBodies")?)?;
                }
            }
        }
        None
    }

    pub(crate) fn response(&self, item: &'a ReferenceOr<Response>) -> Option<&'a Response> {
        let mut current = item;
        for _ in 0..MAX_REF_CHAIN {
            match current {
                ReferenceOr::Item(r) => return Some(r),
                ReferenceOr::Reference { reference } => {
                    current = self.components?.responses.get(ref_name(reference, "responses")?)?;
                }
            }
        }
        None
    }
}

/// Whether a media type carries JSON (`application/json`, `text/json`, `application/*+json`, OData variants).
pub(crate) fn is_json_media(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or(media).trim().to_ascii_lowercase();
    essence == "application/json"
        || essence == "text/json"
        || essence.ends_with("+json")
        || essence == "application/json-patch+json"
}

/// Whether a media type is text (`text/plain`, `text/html`, `text/csv`, ...), excluding JSON and XML.
pub(crate) fn is_text_media(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or(media).trim().to_ascii_lowercase();
    essence.starts_with("text/") && !is_json_media(&essence)
}
