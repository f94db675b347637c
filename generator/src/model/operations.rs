//! Operations to IR: parameters (hidden internals, explicit content types, encodings), bodies by media type,
//! success responses, paging, and trigger classification.

use openapiv3::{
    OpenAPI, Operation as SpecOperation, Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr, Schema, StatusCode,
};
use serde_json::Value;

use super::ir::{
    Body, Location, Method, Operation, Paging, Param, ResponseKind, StatusVariant, TriggerKind, TriggerShape, TypeKind,
    TypeRef,
};
use super::naming::{self, Case};
use super::schema::{Resolver, View, is_json_media, is_text_media};
use super::types::{TypeBuilder, escape_pointer};

/// Builder method names a parameter setter must not take.
const RESERVED_PARAM_NAMES: &[&str] = &["send_with_response", "into_stream", "into_pages", "request", "client"];

/// One operation found in the spec, before lowering.
pub(crate) struct Found<'a> {
    pub(crate) path: &'a str,
    pub(crate) item: &'a PathItem,
    pub(crate) method: Method,
    pub(crate) op: &'a SpecOperation,
    pub(crate) id: String,
    pub(crate) pointer: String,
}

/// Every operation of the document, in spec order.
pub(crate) fn find_operations(doc: &OpenAPI) -> Vec<Found<'_>> {
    let mut found = Vec::new();
    for (path, item) in &doc.paths.paths {
        let ReferenceOr::Item(item) = item else { continue };
        let methods = [
            (Method::Get, &item.get, "get"),
            (Method::Put, &item.put, "put"),
            (Method::Post, &item.post, "post"),
            (Method::Delete, &item.delete, "delete"),
            (Method::Options, &item.options, "options"),
            (Method::Head, &item.head, "head"),
            (Method::Patch, &item.patch, "patch"),
        ];
        for (method, op, key) in methods {
            let Some(op) = op else { continue };
            let pointer = format!("#/paths/{}/{key}", escape_pointer(path));
            // A missing operationId gets a stable one from method and path rather than failing the spec.
            let id =
                op.operation_id.clone().filter(|id| !id.trim().is_empty()).unwrap_or_else(|| format!("{key} {path}"));
            found.push(Found { path, item, method, op, id, pointer });
        }
    }
    found
}

/// Extension text, compared case-insensitively by callers (`x-ms-visibility: Internal` occurs).
fn ext_str<'v>(extensions: &'v indexmap::IndexMap<String, Value>, name: &str) -> Option<&'v str> {
    extensions.get(name).and_then(Value::as_str).map(str::trim)
}

/// A JSON default as parameter text (locale-independent; arrays comma-joined).
pub(crate) fn value_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(items) => Some(items.iter().filter_map(value_text).collect::<Vec<_>>().join(",")),
        Value::Object(_) => Some(value.to_string()),
    }
}

pub(crate) struct Lowered {
    pub(crate) operation: Operation,
    pub(crate) trigger: Option<(TriggerKind, TriggerShape, Option<TypeRef>, Option<String>)>,
}

pub(crate) struct OperationLowerer<'a, 'b> {
    pub(crate) doc: &'a OpenAPI,
    pub(crate) types: &'b mut TypeBuilder<'a>,
    pub(crate) managed: bool,
    /// `x-ms-notification-content` schemas parsed from path items, by path.
    pub(crate) notification_schemas: &'a [(String, ReferenceOr<Schema>)],
}

impl<'a> OperationLowerer<'a, '_> {
    pub(crate) fn lower(&mut self, found: &Found<'a>, rust_name: String, builder_name: String) -> Lowered {
        let op = found.op;
        let resolver = Resolver::new(self.doc);
        let extensions = &op.extensions;
        let mut params = self.params(found, &builder_name, &resolver);
        let body = self.body(found, &builder_name, &resolver, &mut params);
        let response = self.response(found, &builder_name, &resolver);
        let paging = self.paging(found, &response);

        let names: Vec<&str> = params.iter().map(|p| p.wire_name.as_str()).chain(body_wire_names(&body)).collect();
        let (rust_names, _) = naming::assign(&names, Case::Snake, "param", RESERVED_PARAM_NAMES);
        let mut rust_names = rust_names.into_iter();
        for param in &mut params {
            param.rust_name = rust_names.next().unwrap_or_default();
        }
        let body = body.map(|b| rename_body(b, &mut rust_names));
        // Required arguments first, in spec order; then setters.
        params.sort_by_key(|p| !(p.required && p.fixed.is_none()));

        let mut static_name = heck::ToShoutySnakeCase::to_shouty_snake_case(naming::unraw(&rust_name));
        if !static_name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            // `_2022_op` loses its underscore in SCREAMING_SNAKE_CASE; a leading digit is not an identifier.
            static_name.insert_str(0, "OP_");
        }
        let operation = Operation {
            id: found.id.clone(),
            rust_name,
            builder_name,
            static_name,
            method: found.method,
            path: found.path.to_owned(),
            summary: op.summary.clone().filter(|s| !s.trim().is_empty()),
            description: op.description.clone().filter(|s| !s.trim().is_empty()),
            deprecated: op.deprecated,
            internal: ext_str(extensions, "x-ms-visibility").is_some_and(|v| v.eq_ignore_ascii_case("internal")),
            safe: extensions.get("x-ms-safe-operation").and_then(Value::as_bool).unwrap_or(false),
            params,
            body,
            response,
            paging,
        };
        let trigger = self.trigger(found, &operation);
        Lowered { operation, trigger }
    }

    fn params(&mut self, found: &Found<'a>, builder: &str, resolver: &Resolver<'a>) -> Vec<Param> {
        // Operation-level parameters override path-level ones with the same name and location.
        let mut all: Vec<(&'a Parameter, String)> = Vec::new();
        let sources =
            [(&found.item.parameters, pointer_parent(&found.pointer)), (&found.op.parameters, found.pointer.clone())];
        for (list, base) in sources {
            for (i, item) in list.iter().enumerate() {
                let pointer = format!("{base}/parameters/{i}");
                match resolver.parameter(item) {
                    Some(p) => {
                        let key = (p.parameter_data_ref().name.clone(), location_of(p));
                        all.retain(|(q, _)| (q.parameter_data_ref().name.clone(), location_of(q)) != key);
                        all.push((p, pointer));
                    }
                    None => self.types.warnings.push(
                        crate::diagnostic::Diagnostic::warning(
                            self.types_file(),
                            "parameter reference does not resolve; the parameter is skipped",
                        )
                        .with_pointer(pointer),
                    ),
                }
            }
        }
        let mut params = Vec::new();
        for (param, pointer) in all {
            let Some(location) = location_of(param) else { continue };
            let data = param.parameter_data_ref();
            let name = data.name.as_str();
            if location == Location::Path && self.managed && name == "connectionId" {
                continue;
            }
            let schema = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => Some(schema),
                ParameterSchemaOrContent::Content(_) => None,
            };
            let hint = format!("{builder}{}", naming::pascal(name, "N").unwrap_or_default());
            let ty = match schema {
                Some(schema) => self.types.type_of(schema, &hint, &format!("{pointer}/schema")),
                None => TypeRef::String,
            };
            let ty = self.param_type(ty, name, &pointer);
            let resolved = schema.and_then(|s| resolver.schema(s));
            let default = resolved.and_then(|s| s.schema_data.default.as_ref()).and_then(value_text);
            let first_enum = resolved.and_then(|s| View::of(s).enumeration.first().and_then(value_text));
            let internal =
                ext_str(&data.extensions, "x-ms-visibility").is_some_and(|v| v.eq_ignore_ascii_case("internal"));
            let required = data.required || location == Location::Path;
            let is_content_type = location == Location::Header && name.eq_ignore_ascii_case("content-type");
            let fixed = if is_content_type {
                // An explicit Content-Type parameter is honoured, not exposed: its default (or first allowed value)
                // overrides the body's content type.
                match default.clone().or(first_enum) {
                    Some(value) => Some(value),
                    None => continue,
                }
            } else if internal {
                match (default.clone(), required) {
                    (Some(value), _) => Some(value),
                    (None, false) => continue,
                    (None, true) => {
                        self.types.warnings.push(
                            crate::diagnostic::Diagnostic::warning(
                                self.types_file(),
                                format!("internal parameter `{name}` is required but has no default; it is exposed"),
                            )
                            .with_pointer(pointer.clone()),
                        );
                        None
                    }
                }
            } else {
                None
            };
            let doc = data
                .description
                .clone()
                .or_else(|| ext_str(&data.extensions, "x-ms-summary").map(str::to_owned))
                .filter(|d| !d.is_empty());
            params.push(Param {
                wire_name: name.to_owned(),
                rust_name: String::new(),
                location,
                ty,
                required,
                fixed,
                double_encoded: ext_str(&data.extensions, "x-ms-url-encoding")
                    .is_some_and(|v| v.eq_ignore_ascii_case("double")),
                doc,
            });
        }
        params
    }

    /// Parameters travel as text: scalars, enums and lists of them do; anything else (an object) is sent as JSON
    /// text, typed `serde_json::Value`.
    fn param_type(&mut self, ty: TypeRef, name: &str, pointer: &str) -> TypeRef {
        if self.is_text(&ty, 0) {
            return ty;
        }
        self.types.warnings.push(
            crate::diagnostic::Diagnostic::warning(
                self.types_file(),
                format!("parameter `{name}` has a structured type; it is sent as JSON text (serde_json::Value)"),
            )
            .with_pointer(pointer.to_owned()),
        );
        TypeRef::Value
    }

    fn is_text(&self, ty: &TypeRef, depth: usize) -> bool {
        match ty {
            TypeRef::String
            | TypeRef::Bool
            | TypeRef::I32
            | TypeRef::I64
            | TypeRef::F64
            | TypeRef::DateTime
            | TypeRef::Date
            | TypeRef::Base64
            | TypeRef::Value => true,
            TypeRef::Vec(inner) => depth == 0 && self.is_text(inner, depth + 1),
            TypeRef::Named(index) => match self.types.types.get(*index).map(|t| &t.kind) {
                Some(TypeKind::Enum(_)) => true,
                Some(TypeKind::Alias(inner)) => depth < 4 && self.is_text(&inner.clone(), depth + 1),
                _ => false,
            },
            TypeRef::Bytes | TypeRef::File | TypeRef::Map(_) => false,
        }
    }

    fn types_file(&self) -> String {
        self.types.file().to_owned()
    }

    fn body(
        &mut self,
        found: &Found<'a>,
        builder: &str,
        resolver: &Resolver<'a>,
        params: &mut [Param],
    ) -> Option<Body> {
        let item = found.op.request_body.as_ref()?;
        let body = resolver.request_body(item)?;
        let pointer = format!("{}/requestBody", found.pointer);
        let explicit_ct = params
            .iter()
            .find(|p| p.location == Location::Header && p.wire_name.eq_ignore_ascii_case("content-type"))
            .and_then(|p| p.fixed.clone());
        let media = choose_media(body.content.keys().map(String::as_str))?;
        let content = body.content.get(media)?;
        let content_pointer = format!("{pointer}/content/{}", escape_pointer(media));
        let essence = media.split(';').next().unwrap_or(media).trim().to_ascii_lowercase();
        let doc = body
            .description
            .clone()
            .or_else(|| ext_str(&body.extensions, "x-ms-summary").map(str::to_owned))
            .filter(|d| !d.is_empty());
        let schema = content.schema.as_ref();
        let resolved = schema.and_then(|s| resolver.schema(s));
        let content_type = explicit_ct.unwrap_or_else(|| media.to_owned());
        // Swagger 2.0 body parameters had a name; the upgrade keeps it as `x-ms-body-name`.
        let body_name =
            ext_str(&body.extensions, "x-ms-body-name").filter(|n| !n.is_empty()).unwrap_or("body").to_owned();
        if essence == "multipart/form-data"
            || essence == "application/x-www-form-urlencoded"
            || essence == "application/form-data"
        {
            let multipart = essence != "application/x-www-form-urlencoded";
            let fields = self.form_fields(resolved, builder, &content_pointer, multipart);
            return Some(Body::Form { multipart, fields });
        }
        let is_binary = resolved.is_some_and(|s| {
            let view = View::of(s);
            matches!(view.typ, Some("string") | Some("file")) && matches!(view.format.as_deref(), Some("binary"))
                || view.typ == Some("file")
        });
        if is_json_media(media) && !is_binary {
            let ty = match schema {
                Some(schema) => {
                    self.types.type_of(schema, &format!("{builder}Body"), &format!("{content_pointer}/schema"))
                }
                None => TypeRef::Value,
            };
            return Some(Body::Json { ty, required: body.required, content_type, rust_name: body_name, doc });
        }
        Some(Body::Raw {
            content_type: if is_binary && is_json_media(&content_type) {
                // A binary body declared as JSON is sent as raw bytes (the connector SDK's rule).
                "application/octet-stream".to_owned()
            } else {
                content_type
            },
            required: body.required,
            text: is_text_media(media) && !is_binary,
            rust_name: body_name,
            doc,
        })
    }

    fn form_fields(&mut self, schema: Option<&'a Schema>, builder: &str, pointer: &str, multipart: bool) -> Vec<Param> {
        let Some(schema) = schema else { return Vec::new() };
        let view = View::of(schema);
        let Some(properties) = view.properties else { return Vec::new() };
        let mut fields = Vec::new();
        for (wire, item) in properties {
            let field_pointer = format!("{pointer}/schema/properties/{}", escape_pointer(wire));
            let hint = format!("{builder}{}", naming::pascal(wire, "N").unwrap_or_default());
            let mut ty = self.types.boxed_type_of(item, &hint, &field_pointer);
            if ty == TypeRef::Bytes {
                ty = if multipart { TypeRef::File } else { TypeRef::String };
            } else {
                ty = self.param_type(ty, wire, &field_pointer);
            }
            let field_schema = Resolver::new(self.doc).boxed_schema(item);
            let field_view = field_schema.map(View::of);
            let internal = field_view
                .as_ref()
                .and_then(|v| v.extension("x-ms-visibility"))
                .and_then(Value::as_str)
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("internal"));
            let default = field_schema.and_then(|s| s.schema_data.default.as_ref()).and_then(value_text);
            let required = view.required.contains(wire);
            let fixed = match (internal, default) {
                (true, Some(value)) if ty != TypeRef::File => Some(value),
                (true, None) if !required => continue,
                _ => None,
            };
            fields.push(Param {
                wire_name: wire.clone(),
                rust_name: String::new(),
                location: Location::Query,
                ty,
                required,
                fixed,
                double_encoded: false,
                doc: field_view.as_ref().and_then(View::doc),
            });
        }
        fields
    }

    fn response(&mut self, found: &Found<'a>, builder: &str, resolver: &Resolver<'a>) -> ResponseKind {
        let responses = &found.op.responses;
        let mut success: Vec<(u16, &'a ReferenceOr<openapiv3::Response>, String)> = Vec::new();
        for (code, item) in &responses.responses {
            let status = match code {
                StatusCode::Code(c) if (200..300).contains(c) => *c,
                StatusCode::Range(2) => 200,
                _ => continue,
            };
            success.push((status, item, format!("{}/responses/{code}", found.pointer)));
        }
        if success.is_empty()
            && let Some(default) = &responses.default
        {
            // Many connectors describe their only success response as `default`.
            success.push((200, default, format!("{}/responses/default", found.pointer)));
        }
        let mut kinds: Vec<(u16, ResponseKind)> = Vec::new();
        for (status, item, pointer) in success {
            let kind = match resolver.response(item) {
                Some(response) => {
                    let hint =
                        if status == 200 { format!("{builder}Response") } else { format!("{builder}Response{status}") };
                    self.response_kind(response, &hint, &pointer)
                }
                None => ResponseKind::Empty,
            };
            kinds.push((status, kind));
        }
        let distinct: Vec<&ResponseKind> = kinds
            .iter()
            .map(|(_, k)| k)
            .filter(|k| !matches!(k, ResponseKind::Empty))
            .fold(Vec::new(), |mut acc, k| {
                if !acc.iter().any(|seen| same_kind(seen, k)) {
                    acc.push(k);
                }
                acc
            });
        match distinct.len() {
            0 => ResponseKind::Empty,
            1 => distinct[0].clone(),
            _ => ResponseKind::ByStatus {
                enum_name: format!("{builder}Response"),
                variants: kinds
                    .into_iter()
                    .map(|(status, kind)| StatusVariant {
                        status,
                        name: format!("Status{status}"),
                        ty: match kind {
                            ResponseKind::Json(ty) => Some(ty),
                            ResponseKind::Bytes => Some(TypeRef::Bytes),
                            ResponseKind::Text => Some(TypeRef::String),
                            _ => None,
                        },
                    })
                    .collect(),
            },
        }
    }

    fn response_kind(&mut self, response: &'a openapiv3::Response, hint: &str, pointer: &str) -> ResponseKind {
        let Some(media) = choose_media(response.content.keys().map(String::as_str)) else {
            return ResponseKind::Empty;
        };
        let Some(content) = response.content.get(media) else { return ResponseKind::Empty };
        let content_pointer = format!("{pointer}/content/{}", escape_pointer(media));
        let resolver = Resolver::new(self.doc);
        let resolved = content.schema.as_ref().and_then(|s| resolver.schema(s));
        let binary = resolved.is_some_and(|s| {
            let view = View::of(s);
            view.typ == Some("file") || view.format.as_deref() == Some("binary")
        });
        let essence = media.split(';').next().unwrap_or(media).trim().to_ascii_lowercase();
        if binary {
            return ResponseKind::Bytes;
        }
        if is_json_media(media) || (essence == "*/*" && content.schema.is_some()) {
            return match &content.schema {
                Some(schema) => {
                    ResponseKind::Json(self.types.type_of(schema, hint, &format!("{content_pointer}/schema")))
                }
                None => ResponseKind::Empty,
            };
        }
        if is_text_media(media) {
            return ResponseKind::Text;
        }
        ResponseKind::Bytes
    }

    fn paging(&self, found: &Found<'a>, response: &ResponseKind) -> Option<Paging> {
        let ResponseKind::Json(TypeRef::Named(index)) = response else { return None };
        let declared = found.op.extensions.get("x-ms-pageable");
        let next_link = match declared {
            Some(Value::Object(pageable)) => match pageable.get("nextLinkName") {
                Some(Value::String(name)) if !name.is_empty() => Some(name.clone()),
                Some(Value::Null) => return None,
                _ => Some("nextLink".to_owned()),
            },
            _ => None,
        };
        let types = &self.types.types;
        let TypeKind::Struct(fields) = &types.get(*index)?.kind else { return None };
        let items = fields.iter().find(|f| f.wire_name == "value")?;
        // `value` may name an array definition (`"$ref": "#/definitions/Messages"`); look through aliases.
        let TypeRef::Vec(item) = self.unalias(&items.ty) else { return None };
        let next_link = match next_link {
            Some(name) => name,
            // Undeclared, but the OData shape (value + @odata.nextLink) pages all the same.
            None => fields.iter().find(|f| f.wire_name == "@odata.nextLink")?.wire_name.clone(),
        };
        Some(Paging { items: "value".to_owned(), next_link, item: *item })
    }

    fn trigger(
        &mut self,
        found: &Found<'a>,
        operation: &Operation,
    ) -> Option<(TriggerKind, TriggerShape, Option<TypeRef>, Option<String>)> {
        let value = found.op.extensions.get("x-ms-trigger")?;
        let shape = match value.as_str().map(str::trim) {
            Some(s) if s.eq_ignore_ascii_case("batch") => TriggerShape::Batch,
            _ => TriggerShape::Single,
        };
        let notification = self.notification_schemas.iter().find(|(path, _)| path == found.path).map(|(_, s)| s);
        let url_field = self.notification_url_field(found);
        let kind = if notification.is_some()
            || url_field.is_some()
            || found.op.extensions.contains_key("x-ms-notification-content")
        {
            TriggerKind::Webhook
        } else {
            TriggerKind::Polling
        };
        // A webhook whose body schema is dynamic cannot mark its callback field; the platform's convention is
        // `notificationUrl` (the field every marked Teams and Office 365 subscription body uses).
        let url_field = match (kind, url_field) {
            (TriggerKind::Webhook, None) if matches!(operation.body, Some(Body::Json { .. })) => {
                Some("notificationUrl".to_owned())
            }
            (_, field) => field,
        };
        let item = match kind {
            // A notification schema that wraps its items in `value` (Teams) delivers those items, as a batch does.
            TriggerKind::Webhook => notification.map(|schema| {
                let pointer = format!("#/paths/{}/x-ms-notification-content/schema", escape_pointer(found.path));
                let ty = self.types.type_of(schema, &format!("{}Notification", operation.builder_name), &pointer);
                self.batch_item(&ty, TriggerShape::Batch)
            }),
            TriggerKind::Polling => match &operation.response {
                ResponseKind::Json(ty) => Some(self.batch_item(ty, shape)),
                _ => None,
            },
        };
        // Raw content (file triggers) arrives in callbacks and poll bodies as base64 text.
        let item = item.map(|ty| if ty == TypeRef::Bytes { TypeRef::Base64 } else { ty });
        Some((kind, shape, item, url_field))
    }

    /// The type an alias chain ends at (bounded, so an alias cycle cannot loop).
    fn unalias(&self, ty: &TypeRef) -> TypeRef {
        let mut current = ty.clone();
        for _ in 0..8 {
            match &current {
                TypeRef::Named(index) => match self.types.types.get(*index).map(|t| &t.kind) {
                    Some(TypeKind::Alias(target)) => current = target.clone(),
                    _ => break,
                },
                _ => break,
            }
        }
        current
    }

    /// For batch triggers, the element type of the items array (`value`), else the body type itself.
    fn batch_item(&self, ty: &TypeRef, shape: TriggerShape) -> TypeRef {
        if shape == TriggerShape::Single {
            return ty.clone();
        }
        match ty {
            TypeRef::Vec(item) => (**item).clone(),
            TypeRef::Named(index) => match self.types.types.get(*index).map(|t| &t.kind) {
                Some(TypeKind::Struct(fields)) => fields
                    .iter()
                    .find_map(|f| match self.unalias(&f.ty) {
                        TypeRef::Vec(item) if f.wire_name == "value" => Some(*item),
                        _ => None,
                    })
                    .unwrap_or_else(|| ty.clone()),
                _ => ty.clone(),
            },
            _ => ty.clone(),
        }
    }

    /// The body property marked `x-ms-notification-url: true`, as a `/`-separated path.
    fn notification_url_field(&self, found: &Found<'a>) -> Option<String> {
        let resolver = Resolver::new(self.doc);
        let body = resolver.request_body(found.op.request_body.as_ref()?)?;
        let content = body.content.values().next()?;
        let schema = resolver.schema(content.schema.as_ref()?)?;
        find_notification_url(&resolver, schema, "", 0)
    }
}

fn find_notification_url(resolver: &Resolver<'_>, schema: &Schema, prefix: &str, depth: usize) -> Option<String> {
    if depth > 8 {
        return None;
    }
    let view = View::of(schema);
    for (name, item) in view.properties? {
        let Some(property) = resolver.boxed_schema(item) else { continue };
        let path = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
        let property_view = View::of(property);
        if property_view.extension("x-ms-notification-url").is_some_and(|v| v == &Value::Bool(true) || v == "true") {
            return Some(path);
        }
        if let Some(found) = find_notification_url(resolver, property, &path, depth + 1) {
            return Some(found);
        }
    }
    None
}

fn same_kind(a: &ResponseKind, b: &ResponseKind) -> bool {
    match (a, b) {
        (ResponseKind::Json(x), ResponseKind::Json(y)) => x == y,
        (ResponseKind::Bytes, ResponseKind::Bytes) | (ResponseKind::Text, ResponseKind::Text) => true,
        _ => false,
    }
}

/// Prefers JSON, then forms, then text, then anything.
fn choose_media<'m>(media: impl Iterator<Item = &'m str>) -> Option<&'m str> {
    let all: Vec<&str> = media.collect();
    let rank = |m: &str| {
        let essence = m.split(';').next().unwrap_or(m).trim().to_ascii_lowercase();
        if is_json_media(m) {
            0
        } else if essence == "multipart/form-data" || essence == "application/x-www-form-urlencoded" {
            1
        } else if is_text_media(m) {
            2
        } else {
            3
        }
    };
    all.iter().copied().min_by_key(|m| rank(m))
}

fn location_of(param: &Parameter) -> Option<Location> {
    match param {
        Parameter::Path { .. } => Some(Location::Path),
        Parameter::Query { .. } => Some(Location::Query),
        Parameter::Header { .. } => Some(Location::Header),
        Parameter::Cookie { .. } => None,
    }
}

fn pointer_parent(pointer: &str) -> String {
    pointer.rsplit_once('/').map(|(parent, _)| parent.to_owned()).unwrap_or_default()
}

fn body_wire_names(body: &Option<Body>) -> Vec<&str> {
    match body {
        None => Vec::new(),
        Some(Body::Json { rust_name, .. } | Body::Raw { rust_name, .. }) => vec![rust_name.as_str()],
        Some(Body::Form { fields, .. }) => fields.iter().map(|f| f.wire_name.as_str()).collect(),
    }
}

fn rename_body(body: Body, names: &mut impl Iterator<Item = String>) -> Body {
    match body {
        Body::Json { ty, required, content_type, doc, .. } => {
            Body::Json { ty, required, content_type, rust_name: names.next().unwrap_or_default(), doc }
        }
        Body::Raw { content_type, required, text, doc, .. } => {
            Body::Raw { content_type, required, text, rust_name: names.next().unwrap_or_default(), doc }
        }
        Body::Form { multipart, mut fields } => {
            for field in &mut fields {
                field.rust_name = names.next().unwrap_or_default();
            }
            fields.sort_by_key(|p| !(p.required && p.fixed.is_none()));
            Body::Form { multipart, fields }
        }
    }
}
