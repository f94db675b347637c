//! Schemas to Rust types: the type-mapping table of ARCHITECTURE section 6, naming of inline schemas, sharing of
//! identical inline types, and boxing of recursive fields.
//!
//! Every definition (`components.schemas`) is registered by name first, so references (including recursive ones)
//! resolve to a type index before any type is built. Inline schemas are named after where they appear
//! (`SendEmailBody`, `MessageFrom`); two inline schemas with the same shape share the first one's type.

use std::collections::{HashMap, HashSet};

use openapiv3::{AdditionalProperties, OpenAPI, ReferenceOr, Schema};
use serde_json::Value;

use super::ir::{Field, NamedType, TypeKind, TypeRef, UnionVariant, Variant};
use super::naming::{self, Case};
use super::schema::{Resolver, View, ref_name};
use crate::diagnostic::Diagnostic;

/// Names `models.rs` uses unqualified (prelude types, its imports); a model with one of these names is renamed.
/// Everything else a crate uses (runtime types, `Client`) is referred to by path, so `Error` or `Request` stay.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Option",
    "Result",
    "String",
    "Vec",
    "Box",
    "Some",
    "None",
    "Ok",
    "Err",
    "Default",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Iterator",
    "ToString",
    "From",
    "Into",
    "Map",
    "Value",
    "Serialize",
    "Deserialize",
];

/// The field name every struct uses for the fields the spec does not list.
pub(crate) const EXTRA_FIELD: &str = "additional_properties";

/// Nesting deeper than this is cut off with `serde_json::Value` (a guard against pathological specs).
const MAX_DEPTH: usize = 64;

pub(crate) struct TypeBuilder<'a> {
    resolver: Resolver<'a>,
    file: String,
    pub(crate) types: Vec<NamedType>,
    /// Definition name -> type index.
    definitions: HashMap<String, usize>,
    /// Shape key of an inline type -> its index, for sharing identical inline types.
    shapes: HashMap<String, usize>,
    taken: HashSet<String>,
    pub(crate) warnings: Vec<Diagnostic>,
    depth: usize,
}

impl<'a> TypeBuilder<'a> {
    /// Registers every definition's name; call [`TypeBuilder::build_definitions`] next.
    pub(crate) fn new(doc: &'a OpenAPI, file: &str) -> Self {
        let mut builder = TypeBuilder {
            resolver: Resolver::new(doc),
            file: file.to_owned(),
            types: Vec::new(),
            definitions: HashMap::new(),
            shapes: HashMap::new(),
            taken: HashSet::new(),
            warnings: Vec::new(),
            depth: 0,
        };
        let names: Vec<&str> =
            doc.components.as_ref().map(|c| c.schemas.keys().map(String::as_str).collect()).unwrap_or_default();
        let (rust_names, renames) = naming::assign(&names, Case::Pascal("Type"), "Model", RESERVED_TYPE_NAMES);
        for rename in renames {
            builder.warn(
                format!("#/components/schemas/{}", rename.wire),
                format!("definition `{}` is named `{}` in Rust ({})", rename.wire, rename.rust, rename.reason),
            );
        }
        for (wire, rust) in names.iter().zip(rust_names) {
            builder.taken.insert(rust.clone());
            builder.definitions.insert((*wire).to_owned(), builder.types.len());
            builder.types.push(NamedType {
                rust_name: rust,
                origin: (*wire).to_owned(),
                doc: None,
                kind: TypeKind::Alias(TypeRef::Value),
            });
        }
        builder
    }

    /// The input file name diagnostics name.
    pub(crate) fn file(&self) -> &str {
        &self.file
    }

    fn warn(&mut self, pointer: String, message: String) {
        self.warnings.push(Diagnostic::warning(self.file.clone(), message).with_pointer(pointer));
    }

    /// Builds the registered definitions, in spec order.
    pub(crate) fn build_definitions(&mut self, doc: &'a OpenAPI) {
        let Some(components) = doc.components.as_ref() else { return };
        for (wire, item) in &components.schemas {
            let Some(&index) = self.definitions.get(wire) else { continue };
            let pointer = format!("#/components/schemas/{}", escape_pointer(wire));
            let schema = match item {
                ReferenceOr::Item(schema) => Some(schema),
                ReferenceOr::Reference { .. } => self.resolver.schema(item),
            };
            let Some(schema) = schema else {
                self.warn(pointer, format!("definition `{wire}` refers to nothing; it becomes serde_json::Value"));
                continue;
            };
            let name = self.types[index].rust_name.clone();
            let (kind, doc) = self.kind_of(schema, &name, &pointer);
            self.types[index].kind = kind;
            self.types[index].doc = doc;
        }
    }

    /// Turns each definition with a `discriminator` and known subtypes (definitions whose `allOf` names it) into a
    /// tagged union. A subtype's tag is its `x-ms-discriminator-value`, else the discriminator's mapping, else its
    /// definition name.
    pub(crate) fn build_unions(&mut self, doc: &'a OpenAPI) {
        let Some(components) = doc.components.as_ref() else { return };
        for (base, item) in &components.schemas {
            let ReferenceOr::Item(schema) = item else { continue };
            let Some(discriminator) = &schema.schema_data.discriminator else { continue };
            let Some(&base_index) = self.definitions.get(base) else { continue };
            let base_ref = format!("#/components/schemas/{base}");
            let mut tags = Vec::new();
            for (sub, sub_item) in &components.schemas {
                let ReferenceOr::Item(sub_schema) = sub_item else { continue };
                let extends = View::of(sub_schema)
                    .all_of
                    .iter()
                    .any(|m| matches!(m, ReferenceOr::Reference { reference } if *reference == base_ref));
                if !extends || sub == base {
                    continue;
                }
                let Some(&sub_index) = self.definitions.get(sub) else { continue };
                let sub_ref = format!("#/components/schemas/{sub}");
                let tag = sub_schema
                    .schema_data
                    .extensions
                    .get("x-ms-discriminator-value")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .or_else(|| discriminator.mapping.iter().find(|(_, r)| **r == sub_ref).map(|(t, _)| t.clone()))
                    .unwrap_or_else(|| sub.clone());
                tags.push((tag, sub_index));
            }
            if tags.is_empty() {
                continue;
            }
            let wires: Vec<&str> = tags.iter().map(|(t, _)| t.as_str()).collect();
            let (names, _) = naming::assign(&wires, Case::Pascal("V"), "Variant", &["Other"]);
            let variants = tags
                .iter()
                .zip(names)
                .map(|((tag, index), rust_name)| UnionVariant {
                    tag: tag.clone(),
                    rust_name,
                    ty: TypeRef::Named(*index),
                })
                .collect();
            self.types[base_index].kind = TypeKind::Union { property: discriminator.property_name.clone(), variants };
        }
    }

    /// The type of a (possibly referenced) schema at `pointer`; inline structs and enums are named `hint`.
    pub(crate) fn type_of(&mut self, item: &'a ReferenceOr<Schema>, hint: &str, pointer: &str) -> TypeRef {
        match item {
            ReferenceOr::Reference { reference } => self.reference(reference, pointer),
            ReferenceOr::Item(schema) => self.schema_type(schema, hint, pointer),
        }
    }

    /// Same as [`TypeBuilder::type_of`] for the boxed references `openapiv3` uses in properties and items.
    pub(crate) fn boxed_type_of(&mut self, item: &'a ReferenceOr<Box<Schema>>, hint: &str, pointer: &str) -> TypeRef {
        match item {
            ReferenceOr::Reference { reference } => self.reference(reference, pointer),
            ReferenceOr::Item(schema) => self.schema_type(schema, hint, pointer),
        }
    }

    fn reference(&mut self, reference: &str, pointer: &str) -> TypeRef {
        match ref_name(reference, "schemas").and_then(|name| self.definitions.get(name)) {
            Some(&index) => TypeRef::Named(index),
            None => {
                self.warn(
                    pointer.to_owned(),
                    format!("reference `{reference}` does not resolve; using serde_json::Value"),
                );
                TypeRef::Value
            }
        }
    }

    /// The type of an inline schema.
    pub(crate) fn schema_type(&mut self, schema: &'a Schema, hint: &str, pointer: &str) -> TypeRef {
        if self.depth >= MAX_DEPTH {
            self.warn(pointer.to_owned(), "schema nested too deeply; using serde_json::Value".to_owned());
            return TypeRef::Value;
        }
        self.depth += 1;
        let ty = self.schema_type_inner(schema, hint, pointer);
        self.depth -= 1;
        ty
    }

    fn schema_type_inner(&mut self, schema: &'a Schema, hint: &str, pointer: &str) -> TypeRef {
        let view = View::of(schema);
        if view.dynamic() {
            return TypeRef::Value;
        }
        if !view.all_of.is_empty() {
            // `allOf: [$ref]` alone is that type; anything more is a merged struct.
            if view.all_of.len() == 1 && view.properties.is_none() {
                return self.type_of(&view.all_of[0], hint, &format!("{pointer}/allOf/0"));
            }
            return self.named_inline(schema, hint, pointer);
        }
        if !view.one_of.is_empty() || !view.any_of.is_empty() {
            self.warn(pointer.to_owned(), "oneOf/anyOf is not modelled yet; using serde_json::Value".to_owned());
            return TypeRef::Value;
        }
        match view.typ {
            Some("string") => self.string_type(&view, schema, hint, pointer),
            Some("integer") => match view.format.as_deref() {
                Some("int32") => TypeRef::I32,
                _ => TypeRef::I64,
            },
            Some("number") => TypeRef::F64,
            Some("boolean") => TypeRef::Bool,
            Some("array") => match view.items {
                Some(items) => {
                    let item = self.boxed_type_of(items, &format!("{hint}Item"), &format!("{pointer}/items"));
                    TypeRef::Vec(Box::new(item))
                }
                None => TypeRef::Vec(Box::new(TypeRef::Value)),
            },
            Some("file") => TypeRef::Bytes,
            Some("object") | None => {
                if view.properties.is_some_and(|p| !p.is_empty()) {
                    self.named_inline(schema, hint, pointer)
                } else if view.typ.is_none() && view.enumeration.iter().any(Value::is_string) {
                    self.string_type(&view, schema, hint, pointer)
                } else {
                    self.map_or_value(&view, hint, pointer)
                }
            }
            Some(other) => {
                self.warn(pointer.to_owned(), format!("unknown type `{other}`; using serde_json::Value"));
                TypeRef::Value
            }
        }
    }

    fn string_type(&mut self, view: &View<'a>, schema: &'a Schema, hint: &str, pointer: &str) -> TypeRef {
        let strings: Vec<&str> = view.enumeration.iter().filter_map(Value::as_str).collect();
        if !strings.is_empty() {
            // An enum of just "true"/"false" is a boolean in disguise only when typed boolean; strings stay enums.
            return self.named_inline(schema, hint, pointer);
        }
        match view.format.as_deref() {
            Some("date-time") | Some("date-no-tz") => TypeRef::DateTime,
            Some("date") => TypeRef::Date,
            Some("byte") => TypeRef::Base64,
            Some("binary") => TypeRef::Bytes,
            _ => TypeRef::String,
        }
    }

    fn map_or_value(&mut self, view: &View<'a>, hint: &str, pointer: &str) -> TypeRef {
        match view.additional {
            Some(AdditionalProperties::Schema(inner)) => {
                let value = self.type_of(inner, &format!("{hint}Value"), &format!("{pointer}/additionalProperties"));
                TypeRef::Map(Box::new(value))
            }
            _ => TypeRef::Value,
        }
    }

    /// Builds (or reuses) a named type for an inline struct or enum schema.
    fn named_inline(&mut self, schema: &'a Schema, hint: &str, pointer: &str) -> TypeRef {
        let (kind, doc) = self.kind_of(schema, hint, pointer);
        if let TypeKind::Alias(target) = kind {
            return target;
        }
        let shape = serde_json::to_string(&kind).unwrap_or_default();
        if let Some(&index) = self.shapes.get(&shape) {
            return TypeRef::Named(index);
        }
        let name = self.fresh_name(hint);
        let index = self.types.len();
        self.types.push(NamedType { rust_name: name, origin: pointer.to_owned(), doc, kind });
        self.shapes.insert(shape, index);
        TypeRef::Named(index)
    }

    fn fresh_name(&mut self, hint: &str) -> String {
        let base = naming::pascal(hint, "Type").unwrap_or_else(|| "Model".to_owned());
        let base = if RESERVED_TYPE_NAMES.contains(&base.as_str()) { format!("{base}Model") } else { base };
        let mut name = base.clone();
        let mut n = 1;
        while self.taken.contains(&name) {
            n += 1;
            name = format!("{base}{n}");
        }
        self.taken.insert(name.clone());
        name
    }

    /// The kind of type a schema defines: struct, enum, or an alias of another type.
    fn kind_of(&mut self, schema: &'a Schema, name: &str, pointer: &str) -> (TypeKind, Option<String>) {
        let view = View::of(schema);
        let doc = view.doc();
        if view.dynamic() {
            return (TypeKind::Alias(TypeRef::Value), doc);
        }
        let strings: Vec<String> = view.enumeration.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect();
        let is_string_enum = matches!(view.typ, Some("string") | None) && !strings.is_empty();
        if is_string_enum && view.properties.is_none() {
            return (TypeKind::Enum(self.variants(&view, &strings, pointer)), doc);
        }
        let mut properties: Vec<(String, &'a ReferenceOr<Box<Schema>>, String)> = Vec::new();
        let mut required: Vec<String> = Vec::new();
        let has_all_of = !view.all_of.is_empty();
        if has_all_of || view.properties.is_some_and(|p| !p.is_empty()) {
            self.collect_properties(&view, pointer, &mut properties, &mut required, 0);
            let fields = self.fields(name, &properties, &required);
            return (TypeKind::Struct(fields), doc);
        }
        let ty = self.schema_type(schema, name, pointer);
        (TypeKind::Alias(ty), doc)
    }

    /// Gathers properties from a schema and, recursively, its `allOf` members (later members win).
    fn collect_properties(
        &mut self,
        view: &View<'a>,
        pointer: &str,
        out: &mut Vec<(String, &'a ReferenceOr<Box<Schema>>, String)>,
        required: &mut Vec<String>,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        for (i, member) in view.all_of.iter().enumerate() {
            let member_pointer = format!("{pointer}/allOf/{i}");
            match self.resolver.schema(member) {
                Some(schema) => {
                    let member_view = View::of(schema);
                    self.collect_properties(&member_view, &member_pointer, out, required, depth + 1);
                }
                None => self.warn(member_pointer, "allOf member does not resolve; its fields are missing".to_owned()),
            }
        }
        if let Some(properties) = view.properties {
            for (wire, item) in properties {
                let field_pointer = format!("{pointer}/properties/{}", escape_pointer(wire));
                match out.iter_mut().find(|(w, _, _)| w == wire) {
                    Some(existing) => *existing = (wire.clone(), item, field_pointer),
                    None => out.push((wire.clone(), item, field_pointer)),
                }
            }
        }
        required.extend(view.required.iter().cloned());
    }

    fn fields(
        &mut self,
        parent: &str,
        properties: &[(String, &'a ReferenceOr<Box<Schema>>, String)],
        required: &[String],
    ) -> Vec<Field> {
        let wires: Vec<&str> = properties.iter().map(|(w, _, _)| w.as_str()).collect();
        let (names, renames) = naming::assign(&wires, Case::Snake, "field", &[EXTRA_FIELD]);
        for rename in renames.into_iter().filter(|r| r.reason != "no letters or digits" || !r.wire.is_empty()) {
            if rename.reason != "collides with another name after case conversion" && rename.reason != "reserved name" {
                continue;
            }
            let pointer = properties.iter().find(|(w, _, _)| *w == rename.wire).map(|(_, _, p)| p.clone());
            self.warn(
                pointer.unwrap_or_default(),
                format!("property `{}` is `{}` in Rust ({})", rename.wire, rename.rust, rename.reason),
            );
        }
        let mut fields = Vec::with_capacity(properties.len());
        for ((wire, item, pointer), rust_name) in properties.iter().zip(names) {
            let hint = format!("{parent}{}", naming::pascal(wire, "N").unwrap_or_default());
            let ty = self.boxed_type_of(item, &hint, pointer);
            let schema = self.resolver.boxed_schema(item);
            let view = schema.map(View::of);
            let nullable = view.as_ref().is_some_and(View::nullable);
            let doc = view.as_ref().and_then(View::doc);
            fields.push(Field {
                wire_name: wire.clone(),
                rust_name,
                ty,
                required: required.contains(wire) && !nullable,
                boxed: false,
                doc,
            });
        }
        fields
    }

    fn variants(&mut self, view: &View<'a>, values: &[String], pointer: &str) -> Vec<Variant> {
        let mut unique: Vec<&str> = Vec::new();
        for value in values {
            if !unique.contains(&value.as_str()) {
                unique.push(value);
            }
        }
        let display: HashMap<String, String> = view
            .extension("x-ms-enum-values")
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(|item| {
                        let value = item.get("value")?;
                        let wire = value.as_str().map(str::to_owned).unwrap_or_else(|| value.to_string());
                        Some((wire, item.get("displayName")?.as_str()?.to_owned()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let (names, renames) = naming::assign(&unique, Case::Pascal("V"), "Value", &["Other"]);
        for rename in renames {
            self.warn(
                pointer.to_owned(),
                format!("enum value `{}` is `{}` in Rust ({})", rename.wire, rename.rust, rename.reason),
            );
        }
        unique
            .iter()
            .zip(names)
            .map(|(wire, rust_name)| Variant { wire: (*wire).to_owned(), rust_name, doc: display.get(*wire).cloned() })
            .collect()
    }

    /// Marks struct fields that must be boxed: a field whose type leads back to its own struct without passing
    /// through a `Vec` or map (which already allocate).
    pub(crate) fn box_recursive_fields(&mut self) {
        let direct: Vec<Vec<usize>> = self.types.iter().map(|t| direct_targets(&t.kind)).collect();
        for index in 0..self.types.len() {
            let TypeKind::Struct(fields) = &self.types[index].kind else { continue };
            let boxed: Vec<bool> = fields
                .iter()
                .map(|field| match direct_target(&field.ty) {
                    Some(target) => reaches(&direct, target, index),
                    None => false,
                })
                .collect();
            if let TypeKind::Struct(fields) = &mut self.types[index].kind {
                for (field, boxed) in fields.iter_mut().zip(boxed) {
                    field.boxed = boxed;
                }
            }
        }
    }
}

/// A type a field holds inline (not through a `Vec` or map), following aliases.
fn direct_target(ty: &TypeRef) -> Option<usize> {
    match ty {
        TypeRef::Named(index) => Some(*index),
        _ => None,
    }
}

fn direct_targets(kind: &TypeKind) -> Vec<usize> {
    match kind {
        TypeKind::Struct(fields) => fields.iter().filter_map(|f| direct_target(&f.ty)).collect(),
        TypeKind::Alias(ty) => direct_target(ty).into_iter().collect(),
        // Union variants are boxed, so they never make a type infinitely large.
        TypeKind::Enum(_) | TypeKind::Union { .. } => Vec::new(),
    }
}

fn reaches(direct: &[Vec<usize>], from: usize, to: usize) -> bool {
    let mut seen = vec![false; direct.len()];
    let mut stack = vec![from];
    while let Some(node) = stack.pop() {
        if node == to {
            return true;
        }
        if node >= seen.len() || std::mem::replace(&mut seen[node], true) {
            continue;
        }
        stack.extend(direct[node].iter().copied());
    }
    false
}

/// Escapes a key for a JSON pointer (`~` as `~0`, `/` as `~1`).
pub(crate) fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}
