//! What actions and triggers share: turning parameters into method arguments, struct fields, initialisers and
//! setters, and importing only what the generated file uses.

use proc_macro2::TokenStream;
use quote::quote;

use super::actions::setter;
use super::tokens::{Scope, ident, rust_type};
use crate::model::ir::{Body, NamedType, Param, TypeRef};

/// The pieces a builder needs for its parameters.
pub(crate) struct Slots {
    /// Method arguments for the required parameters (strings as `impl Into<String>`).
    pub(crate) args: Vec<TokenStream>,
    /// Field initialisers: required ones from the arguments, optional ones `None`.
    pub(crate) inits: Vec<TokenStream>,
    /// Struct fields: required ones as their type, optional ones as `Option`.
    pub(crate) fields: Vec<TokenStream>,
    /// One setter per optional parameter.
    pub(crate) setters: Vec<TokenStream>,
}

/// Slots for the parameters (and form fields) a caller provides: everything without a fixed value.
pub(crate) fn slots<'p>(params: impl Iterator<Item = &'p Param>, types: &[NamedType]) -> Slots {
    let params: Vec<(&Param, TokenStream)> =
        params.filter(|p| p.fixed.is_none()).map(|p| (p, rust_type(&p.ty, types, Scope::Outside))).collect();
    let (required, optional): (Vec<_>, Vec<_>) = params.iter().partition(|(p, _)| p.required);
    let mut slots = Slots { args: Vec::new(), inits: Vec::new(), fields: Vec::new(), setters: Vec::new() };
    for (param, ty) in &required {
        let name = ident(&param.rust_name);
        if param.ty == TypeRef::String {
            slots.args.push(quote!(#name: impl Into<String>));
            slots.inits.push(quote!(#name: #name.into()));
        } else {
            slots.args.push(quote!(#name: #ty));
            slots.inits.push(quote!(#name));
        }
        slots.fields.push(quote!(#name: #ty));
    }
    for (param, ty) in &optional {
        let name = ident(&param.rust_name);
        slots.inits.push(quote!(#name: None));
        slots.fields.push(quote!(#name: Option<#ty>));
        slots.setters.push(setter(param, ty));
    }
    slots
}

/// The form fields of a body, which travel like parameters.
pub(crate) fn form_fields(body: &Option<Body>) -> impl Iterator<Item = &Param> {
    match body {
        Some(Body::Form { fields, .. }) => fields.iter(),
        _ => [].iter(),
    }
}

/// `use` lines for what `items` refers to (`UrlEncoding`, `models`), so no file has unused imports.
pub(crate) fn conditional_imports(items: &TokenStream) -> (Option<TokenStream>, Option<TokenStream>) {
    let rendered = items.to_string();
    let encoding = rendered.contains("UrlEncoding").then(|| {
        quote!(
            use connector_runtime::UrlEncoding;
        )
    });
    let models = rendered.contains("models ::").then(|| {
        quote!(
            use crate::models;
        )
    });
    (encoding, models)
}
