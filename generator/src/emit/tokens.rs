//! Small token builders shared by the emitters: identifiers (raw ones included), Rust types for IR types, and
//! doc attributes made safe for rustdoc.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::model::ir::{NamedType, TypeRef};

/// An identifier; `r#type` becomes a raw identifier.
///
/// `lower` only hands out valid identifiers; this still checks, because `proc_macro2` panics on an invalid one
/// and the generator must never panic: anything else is made valid (`_` for stray characters, a leading `_`
/// before a digit) rather than trusted.
pub(crate) fn ident(name: &str) -> Ident {
    let (raw, text) = match name.strip_prefix("r#") {
        Some(rest) => (true, rest),
        None => (false, name),
    };
    let mut clean: String = text.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    if clean.is_empty() || clean.starts_with(|c: char| c.is_ascii_digit()) || clean == "_" {
        clean.insert(0, '_');
    }
    if raw && !matches!(clean.as_str(), "self" | "Self" | "super" | "crate" | "_") {
        Ident::new_raw(&clean, Span::call_site())
    } else {
        Ident::new(&clean, Span::call_site())
    }
}

/// Where a type is printed: inside `models` (named types bare) or elsewhere (`models::Name`, with `models`
/// imported).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    Models,
    Outside,
}

/// The Rust type for an IR type.
pub(crate) fn rust_type(ty: &TypeRef, types: &[NamedType], scope: Scope) -> TokenStream {
    match ty {
        TypeRef::String => quote!(String),
        TypeRef::Bool => quote!(bool),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::F64 => quote!(f64),
        TypeRef::DateTime => quote!(connector_runtime::model::DateTime),
        TypeRef::Date => quote!(connector_runtime::model::Date),
        TypeRef::Base64 => quote!(connector_runtime::model::Base64),
        TypeRef::Bytes => quote!(connector_runtime::bytes::Bytes),
        TypeRef::File => quote!(connector_runtime::File),
        TypeRef::Value => quote!(connector_runtime::serde_json::Value),
        TypeRef::Vec(inner) => {
            let inner = rust_type(inner, types, scope);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = rust_type(inner, types, scope);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        TypeRef::Named(index) => match types.get(*index) {
            Some(named) => {
                let name = ident(&named.rust_name);
                match scope {
                    Scope::Models => quote!(#name),
                    Scope::Outside => quote!(models::#name),
                }
            }
            None => quote!(connector_runtime::serde_json::Value),
        },
    }
}

/// Doc attributes for a text: one `#[doc]` per line, made inert for rustdoc (no accidental doctests from
/// fenced or indented code in spec descriptions).
pub(crate) fn doc_attrs(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    quote!(#(#[doc = #lines])*)
}

pub(crate) fn doc_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text
        .replace("\r\n", "\n")
        .split('\n')
        // Leading spaces would make indented code blocks (doctests); fences are neutralised the same way.
        .map(|line| format!(" {}", line.trim().replace("```", "'''")))
        .collect();
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    while lines.first().is_some_and(|l| l.trim().is_empty()) {
        lines.remove(0);
    }
    lines
}

/// Joins optional summary and description into doc text, with a fallback.
pub(crate) fn doc_text(summary: Option<&str>, description: Option<&str>, fallback: &str) -> String {
    match (summary.map(str::trim), description.map(str::trim)) {
        (Some(s), Some(d)) if !s.is_empty() && !d.is_empty() && s != d => format!("{s}\n\n{d}"),
        (Some(s), _) if !s.is_empty() => s.to_owned(),
        (_, Some(d)) if !d.is_empty() => d.to_owned(),
        _ => fallback.to_owned(),
    }
}
