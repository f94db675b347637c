//! The connector IR: everything `emit` needs, with every decision already made.
//!
//! `lower` builds it from an OpenAPI document; `emit` only prints it. Names here are final Rust identifiers
//! (raw identifiers included, e.g. `r#type`), and wire names are kept next to them for serde and the runtime.

use serde::Serialize;

/// One connector, ready to print.
#[derive(Clone, Debug, Serialize)]
pub struct Connector {
    /// Kebab-case name; the crate is `connector-{name}`.
    pub name: String,
    /// The spec's `info.title`.
    pub title: String,
    /// The spec's `info.description`.
    pub description: Option<String>,
    /// The spec's `info.version`.
    pub version: String,
    /// `scheme://host/basePath` from the spec, when it names a host.
    pub default_base_url: Option<String>,
    /// Whether paths start with `/{connectionId}` (a managed connector called through a runtime URL).
    pub managed: bool,
    /// How the spec says to authenticate.
    pub auth: Auth,
    /// Callable operations.
    pub actions: Vec<Operation>,
    /// Trigger operations (`x-ms-trigger`), described but not callable as actions.
    pub triggers: Vec<Trigger>,
    /// Named types.
    pub types: Vec<NamedType>,
}

/// The security facts the runtime needs.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Auth {
    /// An `apiKey` scheme: where the key goes.
    pub api_key: Option<ApiKeyPlace>,
    /// OAuth2 scopes for direct calls (from `securityDefinitions`, or `apiProperties.json`'s AAD resource).
    pub scopes: Vec<String>,
    /// Whether the spec declares HTTP basic auth.
    pub basic: bool,
    /// Whether the spec declares OAuth2.
    pub oauth2: bool,
}

/// Where an API key goes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum ApiKeyPlace {
    /// A header of this name.
    Header(String),
    /// A query parameter of this name.
    Query(String),
}

/// HTTP methods the generator emits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Method {
    /// GET
    Get,
    /// PUT
    Put,
    /// POST
    Post,
    /// DELETE
    Delete,
    /// PATCH
    Patch,
    /// HEAD
    Head,
    /// OPTIONS
    Options,
}

impl Method {
    /// The upper-case method name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Patch => "PATCH",
            Method::Head => "HEAD",
            Method::Options => "OPTIONS",
        }
    }
}

/// One operation.
#[derive(Clone, Debug, Serialize)]
pub struct Operation {
    /// The wire `operationId`.
    pub id: String,
    /// The method name on `Client` (`snake_case`).
    pub rust_name: String,
    /// The request builder's type name (`PascalCase`).
    pub builder_name: String,
    /// The name of the `static` operation descriptor (`SCREAMING_SNAKE_CASE`).
    pub static_name: String,
    /// HTTP method.
    pub method: Method,
    /// Path template from the spec (without `basePath`).
    pub path: String,
    /// One-line summary for docs.
    pub summary: Option<String>,
    /// Longer description for docs.
    pub description: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// `x-ms-visibility: internal`.
    pub internal: bool,
    /// `x-ms-safe-operation`.
    pub safe: bool,
    /// Parameters in the order the method takes them: required ones first (spec order), then optional ones.
    pub params: Vec<Param>,
    /// The request body, when there is one.
    pub body: Option<Body>,
    /// What a success response decodes to.
    pub response: ResponseKind,
    /// Paging, when the operation returns pages.
    pub paging: Option<Paging>,
}

/// Where a parameter goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Location {
    /// A path segment.
    Path,
    /// A query parameter.
    Query,
    /// A header.
    Header,
}

/// One path, query or header parameter.
#[derive(Clone, Debug, Serialize)]
pub struct Param {
    /// The wire name.
    pub wire_name: String,
    /// The Rust name (argument or setter).
    pub rust_name: String,
    /// Where it goes.
    pub location: Location,
    /// Its type.
    pub ty: TypeRef,
    /// Required parameters are method arguments; optional ones are setters.
    pub required: bool,
    /// A fixed value the runtime sends without asking (internal parameters with a default, explicit
    /// `Content-Type`), as parameter text.
    pub fixed: Option<String>,
    /// `x-ms-url-encoding: double`.
    pub double_encoded: bool,
    /// Doc text.
    pub doc: Option<String>,
}

/// A request body.
#[derive(Clone, Debug, Serialize)]
pub enum Body {
    /// A JSON body of this type.
    Json {
        /// The body's type.
        ty: TypeRef,
        /// Whether the spec requires it.
        required: bool,
        /// The content type to send.
        content_type: String,
        /// The Rust name of the argument or setter.
        rust_name: String,
        /// Doc text.
        doc: Option<String>,
    },
    /// `application/x-www-form-urlencoded` or `multipart/form-data` fields.
    Form {
        /// Multipart (files allowed) rather than urlencoded.
        multipart: bool,
        /// The fields.
        fields: Vec<Param>,
    },
    /// Raw bytes (binary upload) or text.
    Raw {
        /// The content type to send.
        content_type: String,
        /// Whether the spec requires it.
        required: bool,
        /// Text (`String`) rather than bytes.
        text: bool,
        /// The Rust name of the argument or setter.
        rust_name: String,
        /// Doc text.
        doc: Option<String>,
    },
}

/// What a success response decodes to.
#[derive(Clone, Debug, Serialize)]
pub enum ResponseKind {
    /// No body (`()`).
    Empty,
    /// A JSON body of this type.
    Json(TypeRef),
    /// Raw bytes.
    Bytes,
    /// Text.
    Text,
    /// Several distinct 2xx bodies: an enum with one variant per status.
    ByStatus {
        /// The enum's type name.
        enum_name: String,
        /// One variant per success status.
        variants: Vec<StatusVariant>,
    },
}

/// One success status of an operation with several.
#[derive(Clone, Debug, Serialize)]
pub struct StatusVariant {
    /// The status code.
    pub status: u16,
    /// The variant name (`Status200`, or from the response description).
    pub name: String,
    /// The body, or `None` for no body.
    pub ty: Option<TypeRef>,
}

/// How a paged operation pages.
#[derive(Clone, Debug, Serialize)]
pub struct Paging {
    /// Path string to the items (`value`).
    pub items: String,
    /// The next-link property name.
    pub next_link: String,
    /// The item type.
    pub item: TypeRef,
}

/// Polling or webhook.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TriggerKind {
    /// Polled with the 200/202 + Location protocol.
    Polling,
    /// Registered with a callback URL.
    Webhook,
}

/// `x-ms-trigger` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TriggerShape {
    /// One item per event.
    Single,
    /// An array of items per poll.
    Batch,
}

/// A trigger operation.
#[derive(Clone, Debug, Serialize)]
pub struct Trigger {
    /// The operation (its params, body and responses as for an action).
    pub operation: Operation,
    /// Polling or webhook.
    pub kind: TriggerKind,
    /// Payload shape.
    pub shape: TriggerShape,
    /// The item type, when the spec describes it.
    pub item: Option<TypeRef>,
    /// The body property that receives the callback URL (webhooks), as a JSON path string.
    pub notification_url_field: Option<String>,
}

/// A reference to a type, as a field, parameter or body uses it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum TypeRef {
    /// `String`
    String,
    /// `bool`
    Bool,
    /// `i32`
    I32,
    /// `i64`
    I64,
    /// `f64`
    F64,
    /// The runtime's forgiving date-time.
    DateTime,
    /// The runtime's forgiving date.
    Date,
    /// The runtime's base64 text.
    Base64,
    /// `bytes::Bytes` (binary bodies).
    Bytes,
    /// The runtime's multipart `File`.
    File,
    /// `serde_json::Value`.
    Value,
    /// `Vec<T>`.
    Vec(Box<TypeRef>),
    /// A string-keyed map of `T`.
    Map(Box<TypeRef>),
    /// A named type, by index into `Connector::types`.
    Named(usize),
}

/// A named type.
#[derive(Clone, Debug, Serialize)]
pub struct NamedType {
    /// The Rust type name.
    pub rust_name: String,
    /// The wire name (definition name) or the position it was named after.
    pub origin: String,
    /// Doc text.
    pub doc: Option<String>,
    /// What it is.
    pub kind: TypeKind,
}

/// The kinds of named type.
#[derive(Clone, Debug, Serialize)]
pub enum TypeKind {
    /// A struct with named fields (plus a map of unknown fields).
    Struct(Vec<Field>),
    /// An open string enum.
    Enum(Vec<Variant>),
    /// A name for another type.
    Alias(TypeRef),
    /// A `discriminator` base: one variant per known subtype, chosen by the tag property, with an untyped
    /// fallback for tags the spec does not list.
    Union {
        /// The discriminator property (wire name).
        property: String,
        /// The known subtypes.
        variants: Vec<UnionVariant>,
    },
}

/// One subtype of a discriminated union.
#[derive(Clone, Debug, Serialize)]
pub struct UnionVariant {
    /// The tag value that selects it.
    pub tag: String,
    /// The variant name.
    pub rust_name: String,
    /// The subtype (a named struct).
    pub ty: TypeRef,
}

/// A struct field.
#[derive(Clone, Debug, Serialize)]
pub struct Field {
    /// The wire name.
    pub wire_name: String,
    /// The Rust name.
    pub rust_name: String,
    /// The type (before `Option`/`Box`).
    pub ty: TypeRef,
    /// Required by the schema (and not nullable): a plain field rather than `Option`.
    pub required: bool,
    /// Boxed to break a recursive cycle.
    pub boxed: bool,
    /// Doc text.
    pub doc: Option<String>,
}

/// An enum variant.
#[derive(Clone, Debug, Serialize)]
pub struct Variant {
    /// The wire value.
    pub wire: String,
    /// The Rust name.
    pub rust_name: String,
    /// Doc text (e.g. from `x-ms-enum-values` display names).
    pub doc: Option<String>,
}
