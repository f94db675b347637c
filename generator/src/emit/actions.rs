//! `src/actions.rs` of a generated crate: per operation, a static descriptor, a `Client` method and a request
//! builder. Everything else (encoding, auth, retries, paging) is a call into connector-runtime.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::slots::{Slots, conditional_imports, form_fields, slots};
use super::tokens::{Scope, doc_attrs, doc_text, ident, rust_type};
use crate::model::ir::{Body, Location, NamedType, Operation, Param, ResponseKind, StatusVariant, TypeRef};
use crate::model::naming::unraw;

pub(crate) fn actions(operations: &[Operation], types: &[NamedType]) -> TokenStream {
    let (methods, items): (Vec<TokenStream>, Vec<TokenStream>) = operations.iter().map(|op| action(op, types)).unzip();
    let items: TokenStream = quote! {
        impl Client {
            #(#methods)*
        }
        #(#items)*
    };
    let (encoding, models) = conditional_imports(&items);
    quote! {
        //! One method on [`Client`](crate::Client) per action, and its request builder.
        #![allow(clippy::too_many_arguments, clippy::doc_lazy_continuation, clippy::doc_overindented_list_items)]

        use connector_runtime::{Operation, Pending, Request};
        use connector_runtime::reqwest::Method;
        #encoding

        use crate::Client;
        #models

        #items
    }
}

/// The `Client` method of an operation, and its descriptor, builder and response enum.
fn action(op: &Operation, types: &[NamedType]) -> (TokenStream, TokenStream) {
    let static_name = ident(&op.static_name);
    let method_name = ident(&op.rust_name);
    let builder = ident(&op.builder_name);
    let id = &op.id;
    let path = &op.path;
    let http_method = format_ident!("{}", op.method.as_str());
    let safe = op.safe.then(|| quote!(.safe()));

    let Slots { args, mut inits, mut fields, setters } = slots(op.params.iter().chain(form_fields(&op.body)), types);

    // The body, when it is one value (JSON, bytes, text).
    let mut body_arg = None;
    let mut body_setter = None;
    if let Some((ty, required, rust_name, doc)) = single_body(&op.body, types) {
        let name = ident(rust_name);
        let raw = matches!(op.body, Some(Body::Raw { .. }));
        if required {
            fields.push(quote!(#name: #ty));
            if raw {
                // Text and bytes bodies take anything that converts (`&str`, `Vec<u8>`, ...).
                inits.push(quote!(#name: #name.into()));
                body_arg = Some(quote!(#name: impl Into<#ty>));
            } else {
                inits.push(quote!(#name));
                body_arg = Some(quote!(#name: #ty));
            }
        } else {
            fields.push(quote!(#name: Option<#ty>));
            inits.push(quote!(#name: None));
            let doc = doc_attrs(doc.unwrap_or("Sets the request body."));
            body_setter = Some(quote! {
                #doc
                pub fn #name(mut self, value: #ty) -> Self {
                    self.#name = Some(value);
                    self
                }
            });
        }
    }
    let args = args.into_iter().chain(body_arg);

    let request_calls = op.params.iter().map(param_call).chain(body_calls(&op.body));
    let (output, send) = response(op, types);
    let paging = op.paging.as_ref().map(|paging| {
        let item = rust_type(&paging.item, types, Scope::Outside);
        let items = &paging.items;
        let next = &paging.next_link;
        quote! {
            /// Sends the request and streams the items of every page, following next links.
            pub fn into_stream(self) -> connector_runtime::ItemStream<#item> {
                self.request().into_stream(connector_runtime::Paging { items: #items, next_link: #next })
            }

            /// Sends the request and streams whole pages (items and next link), following next links.
            pub fn into_pages(self) -> connector_runtime::ItemStream<connector_runtime::Page<#item>> {
                self.request().into_pages(connector_runtime::Paging { items: #items, next_link: #next })
            }
        }
    });
    let status_enum = match &op.response {
        ResponseKind::ByStatus { enum_name, variants } => Some(status_enum(enum_name, variants, types, id)),
        _ => None,
    };

    let method_doc = doc_attrs(&format!(
        "{}\n\nOperation `{id}`: `{} {path}`.",
        doc_text(op.summary.as_deref(), op.description.as_deref(), &format!("Calls `{id}`.")),
        op.method.as_str()
    ));
    let deprecated = op.deprecated.then(|| quote!(#[deprecated = "the connector marks this operation deprecated"]));
    let builder_doc =
        doc_attrs(&format!("Request builder for [`Client::{}`]; `.await` it to send.", unraw(&op.rust_name)));
    let method = quote! {
        #method_doc
        #deprecated
        pub fn #method_name(&self, #(#args),*) -> #builder<'_> {
            #builder { client: self, #(#inits),* }
        }
    };
    let items = quote! {
        static #static_name: Operation = crate::operation(#id, Method::#http_method, #path) #safe;

        #builder_doc
        #[derive(Debug)]
        #[must_use = "a request does nothing until it is awaited"]
        pub struct #builder<'a> {
            client: &'a Client,
            #(#fields),*
        }

        impl #builder<'_> {
            #(#setters)*
            #body_setter

            fn request(self) -> Request {
                self.client.connection().request(&#static_name) #(#request_calls)*
            }

            /// Sends the request; the response keeps its status and headers.
            pub fn send_with_response(self) -> Pending<#output> {
                #send
            }

            #paging
        }

        connector_runtime::into_future!(#builder, #output);

        #status_enum
    };
    (method, items)
}

pub(crate) fn setter(param: &Param, ty: &TokenStream) -> TokenStream {
    let name = ident(&param.rust_name);
    let doc = doc_attrs(param.doc.as_deref().unwrap_or(&format!("Sets `{}`.", param.wire_name)));
    if param.ty == TypeRef::String {
        return quote! {
            #doc
            pub fn #name(mut self, value: impl Into<String>) -> Self {
                self.#name = Some(value.into());
                self
            }
        };
    }
    if param.ty == TypeRef::Vec(Box::new(TypeRef::String)) {
        // Lists of strings (`$select`, `$expand`) take any iterable: `.select(["id", "subject"])`.
        return quote! {
            #doc
            pub fn #name(mut self, values: impl IntoIterator<Item = impl Into<String>>) -> Self {
                self.#name = Some(values.into_iter().map(Into::into).collect());
                self
            }
        };
    }
    quote! {
        #doc
        pub fn #name(mut self, value: #ty) -> Self {
            self.#name = Some(value);
            self
        }
    }
}

/// The body as one value (JSON, bytes or text): its Rust type, whether required, its name and doc.
fn single_body<'b>(
    body: &'b Option<Body>,
    types: &[NamedType],
) -> Option<(TokenStream, bool, &'b str, Option<&'b str>)> {
    match body {
        Some(Body::Json { ty, required, rust_name, doc, .. }) => {
            Some((rust_type(ty, types, Scope::Outside), *required, rust_name, doc.as_deref()))
        }
        Some(Body::Raw { text, required, rust_name, doc, .. }) => {
            let ty = if *text { quote!(String) } else { quote!(connector_runtime::bytes::Bytes) };
            Some((ty, *required, rust_name, doc.as_deref()))
        }
        _ => None,
    }
}

pub(crate) fn param_call(param: &Param) -> TokenStream {
    let wire = &param.wire_name;
    let value = match &param.fixed {
        Some(fixed) => quote!(#fixed),
        None => {
            let name = ident(&param.rust_name);
            quote!(&self.#name)
        }
    };
    let encoding = if param.double_encoded { quote!(UrlEncoding::Double) } else { quote!(UrlEncoding::Single) };
    match param.location {
        Location::Path => quote!(.path_param(#wire, #value, #encoding)),
        Location::Query if param.double_encoded => quote!(.query_with(#wire, #value, #encoding)),
        Location::Query => quote!(.query(#wire, #value)),
        // The explicit Content-Type parameter overrides the body's content type instead of being a header.
        Location::Header if wire.eq_ignore_ascii_case("content-type") => match &param.fixed {
            Some(fixed) => quote!(.content_type(#fixed)),
            None => quote!(),
        },
        Location::Header => quote!(.header(#wire, #value)),
    }
}

fn body_calls(body: &Option<Body>) -> Vec<TokenStream> {
    match body {
        None => Vec::new(),
        Some(Body::Json { required, rust_name, content_type, .. }) => {
            let name = ident(rust_name);
            let call = if *required { quote!(.json(&self.#name)) } else { quote!(.json_if(self.#name.as_ref())) };
            let content_type = (content_type != "application/json").then(|| quote!(.content_type(#content_type)));
            vec![quote!(#call #content_type)]
        }
        Some(Body::Raw { required, rust_name, content_type, text, .. }) => {
            let name = ident(rust_name);
            vec![match (*required, *text) {
                (true, true) => quote!(.text(#content_type, self.#name)),
                (true, false) => quote!(.bytes(#content_type, self.#name)),
                (false, true) => {
                    quote!(.bytes_if(#content_type, self.#name.map(connector_runtime::bytes::Bytes::from).as_ref()))
                }
                (false, false) => quote!(.bytes_if(#content_type, self.#name.as_ref())),
            }]
        }
        Some(Body::Form { multipart, fields }) => fields
            .iter()
            .map(|field| {
                let wire = &field.wire_name;
                let value = match &field.fixed {
                    Some(fixed) => quote!(#fixed),
                    None => {
                        let name = ident(&field.rust_name);
                        quote!(&self.#name)
                    }
                };
                match (*multipart, &field.ty) {
                    (true, TypeRef::File) => {
                        let name = ident(&field.rust_name);
                        if field.required {
                            quote!(.multipart_file(#wire, self.#name))
                        } else {
                            quote!(.multipart_file_if(#wire, self.#name))
                        }
                    }
                    (true, _) => quote!(.multipart_text(#wire, #value)),
                    (false, _) => quote!(.form_field(#wire, #value)),
                }
            })
            .collect(),
    }
}

/// The decoded output type and the body of `send_with_response`.
fn response(op: &Operation, types: &[NamedType]) -> (TokenStream, TokenStream) {
    match &op.response {
        ResponseKind::Empty => (quote!(()), quote!(self.request().send_empty())),
        ResponseKind::Json(ty) => (rust_type(ty, types, Scope::Outside), quote!(self.request().send_json())),
        ResponseKind::Bytes => (quote!(connector_runtime::bytes::Bytes), quote!(self.request().send())),
        ResponseKind::Text => (quote!(String), quote!(self.request().send_text())),
        ResponseKind::ByStatus { enum_name, .. } => {
            let name = ident(enum_name);
            (quote!(#name), quote!(self.request().send_decoded(#name::decode)))
        }
    }
}

fn status_enum(name: &str, variants: &[StatusVariant], types: &[NamedType], id: &str) -> TokenStream {
    let name = ident(name);
    let doc = doc_attrs(&format!("The success responses of `{id}`, by status."));
    let defs = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let vdoc = doc_attrs(&format!("HTTP {}.", v.status));
        match &v.ty {
            Some(ty) => {
                let ty = rust_type(ty, types, Scope::Outside);
                quote!(#vdoc #variant(#ty))
            }
            None => quote!(#vdoc #variant),
        }
    });
    let arms = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let status = Literal::u16_unsuffixed(v.status);
        match &v.ty {
            Some(TypeRef::Bytes) => quote!(#status => Ok(Self::#variant(body.clone()))),
            Some(TypeRef::String) => {
                quote!(#status => Ok(Self::#variant(String::from_utf8_lossy(body).into_owned())))
            }
            Some(_) => quote!(#status => Ok(Self::#variant(connector_runtime::decode_json(body)?))),
            None => quote!(#status => Ok(Self::#variant)),
        }
    });
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq)]
        pub enum #name {
            #(#defs,)*
            /// A success status the spec does not list, with its raw body.
            Other(u16, connector_runtime::bytes::Bytes),
        }

        impl #name {
            fn decode(
                status: connector_runtime::reqwest::StatusCode,
                body: &connector_runtime::bytes::Bytes,
            ) -> connector_runtime::Result<Self> {
                match status.as_u16() {
                    #(#arms,)*
                    other => Ok(Self::Other(other, body.clone())),
                }
            }
        }
    }
}
