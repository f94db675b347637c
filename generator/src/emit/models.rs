//! `src/models.rs` of a generated crate: one struct, open enum or alias per named type.

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{Scope, doc_attrs, ident, rust_type};
use crate::model::ir::{Field, NamedType, TypeKind, TypeRef, Variant};
use crate::model::naming::unraw;

pub(crate) fn models(types: &[NamedType]) -> TokenStream {
    let items = types.iter().map(|t| named_type(t, types));
    quote! {
        //! Request and response models.
        #![allow(clippy::large_enum_variant, clippy::doc_lazy_continuation, clippy::doc_overindented_list_items)]

        use connector_runtime::serde_json::{Map, Value};
        use serde::{Deserialize, Serialize};

        #(#items)*
    }
}

fn named_type(named: &NamedType, types: &[NamedType]) -> TokenStream {
    let name = ident(&named.rust_name);
    let fallback = if named.origin.starts_with("#/") {
        format!("The schema at `{}` in the connector's spec.", named.origin)
    } else {
        format!("The `{}` definition of the connector's spec.", named.origin)
    };
    let doc = doc_attrs(named.doc.as_deref().unwrap_or(&fallback));
    match &named.kind {
        TypeKind::Struct(fields) => {
            let fields = fields.iter().map(|f| field(f, types));
            quote! {
                #doc
                #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
                pub struct #name {
                    #(#fields)*
                    /// Fields the spec does not describe, kept as sent.
                    #[serde(flatten, default, skip_serializing_if = "Map::is_empty")]
                    pub additional_properties: Map<String, Value>,
                }
            }
        }
        TypeKind::Enum(variants) => {
            let defs = variants.iter().map(variant);
            let names = variants.iter().map(|v| ident(&v.rust_name));
            let wires = variants.iter().map(|v| &v.wire);
            quote! {
                #doc
                #[derive(Clone, Debug, PartialEq, Eq, Hash)]
                pub enum #name {
                    #(#defs,)*
                    /// A value the spec does not list, kept verbatim.
                    Other(String),
                }
                connector_runtime::open_enum!(#name { #(#names = #wires),* });
            }
        }
        TypeKind::Union { property, variants } => {
            let defs = variants.iter().map(|v| {
                let variant = ident(&v.rust_name);
                let ty = rust_type(&v.ty, types, Scope::Models);
                let vdoc = doc_attrs(&format!("`{property}` is `{}`.", v.tag));
                quote!(#vdoc #variant(Box<#ty>))
            });
            let names = variants.iter().map(|v| ident(&v.rust_name));
            let tags = variants.iter().map(|v| &v.tag);
            let other_doc = doc_attrs(&format!("A `{property}` the spec does not list, kept as sent."));
            quote! {
                #doc
                #[derive(Clone, Debug, PartialEq)]
                pub enum #name {
                    #(#defs,)*
                    #other_doc
                    Other(Value),
                }
                connector_runtime::tagged_union!(#name, #property, { #(#names = #tags),* });
            }
        }
        TypeKind::Alias(target) => {
            // An alias that names itself (`X = Vec<X>`) cannot be a type alias; it becomes a newtype.
            if mentions(target, types, named) {
                let target = rust_type(target, types, Scope::Models);
                quote! {
                    #doc
                    #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
                    #[serde(transparent)]
                    pub struct #name(pub #target);
                }
            } else {
                let target = rust_type(target, types, Scope::Models);
                quote! {
                    #doc
                    pub type #name = #target;
                }
            }
        }
    }
}

fn mentions(ty: &TypeRef, types: &[NamedType], named: &NamedType) -> bool {
    match ty {
        TypeRef::Named(index) => types.get(*index).is_some_and(|t| std::ptr::eq(t, named)),
        TypeRef::Vec(inner) | TypeRef::Map(inner) => mentions(inner, types, named),
        _ => false,
    }
}

fn field(field: &Field, types: &[NamedType]) -> TokenStream {
    let name = ident(&field.rust_name);
    let mut ty = rust_type(&field.ty, types, Scope::Models);
    if field.boxed {
        ty = quote!(Box<#ty>);
    }
    let wire = &field.wire_name;
    let doc = doc_attrs(field.doc.as_deref().unwrap_or(&format!("The `{wire}` field.")));
    let rename = (unraw(&field.rust_name) != wire).then(|| quote!(rename = #wire,));
    if field.required {
        // Required by the spec, but services do omit fields: a missing one decodes as its default rather than
        // failing the whole response.
        quote! {
            #doc
            #[serde(#rename default)]
            pub #name: #ty,
        }
    } else {
        quote! {
            #doc
            #[serde(#rename default, skip_serializing_if = "Option::is_none")]
            pub #name: Option<#ty>,
        }
    }
}

fn variant(variant: &Variant) -> TokenStream {
    let name = ident(&variant.rust_name);
    let wire = &variant.wire;
    let doc = match &variant.doc {
        Some(text) => doc_attrs(&format!("{text} (`{wire}`)")),
        None => doc_attrs(&format!("`{wire}`")),
    };
    quote!(#doc #name)
}
