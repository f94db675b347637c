//! `src/triggers.rs` of a generated crate: one type per `x-ms-trigger` operation, implementing the runtime's
//! `Trigger` (operation id, kind, shape, typed item, request), reached through `client.triggers()`.

use proc_macro2::TokenStream;
use quote::quote;

use super::actions::param_call;
use super::slots::{Slots, conditional_imports, form_fields, slots};
use super::tokens::{Scope, doc_attrs, doc_text, ident, rust_type};
use crate::model::ir::{Body, NamedType, Trigger, TriggerKind, TriggerShape, TypeRef};
use crate::model::naming::unraw;

pub(crate) fn triggers(triggers: &[Trigger], types: &[NamedType]) -> TokenStream {
    let (methods, items): (Vec<TokenStream>, Vec<TokenStream>) = triggers.iter().map(|t| trigger(t, types)).unzip();
    let items: TokenStream = items.into_iter().collect();
    let (encoding, models) = conditional_imports(&items);
    quote! {
        //! The connector's triggers. Each is a type implementing
        //! [`connector_runtime::trigger::Trigger`]: poll it with `connector_runtime::trigger::Poller`, or subscribe
        //! to it with `connector_runtime::trigger::subscribe`, depending on its `KIND`.
        #![allow(clippy::too_many_arguments, clippy::doc_lazy_continuation, clippy::doc_overindented_list_items)]

        use connector_runtime::reqwest::Method;
        use connector_runtime::trigger::{Trigger, TriggerKind, TriggerShape};
        use connector_runtime::{Connection, Operation, Request};
        #encoding

        use crate::Client;
        #models

        impl Client {
            /// The connector's triggers (they are not action methods: they are polled or subscribed to).
            pub fn triggers(&self) -> Triggers<'_> {
                Triggers { client: self }
            }
        }

        /// The triggers of this connector; see [`Client::triggers`].
        #[derive(Clone, Copy, Debug)]
        pub struct Triggers<'a> {
            client: &'a Client,
        }

        impl Triggers<'_> {
            #(#methods)*
        }

        #items
    }
}

fn trigger(trigger: &Trigger, types: &[NamedType]) -> (TokenStream, TokenStream) {
    let op = &trigger.operation;
    let method_name = ident(&op.rust_name);
    let name = ident(&op.builder_name);
    let static_name = ident(&op.static_name);
    let id = &op.id;
    let path = &op.path;
    let http_method = quote::format_ident!("{}", op.method.as_str());

    let Slots { args, mut inits, mut fields, setters } = slots(op.params.iter().chain(form_fields(&op.body)), types);

    // A JSON body is kept whole (default: the model's defaults); webhooks get the callback URL written into it.
    let mut body_setter = None;
    let mut body_call = None;
    match &op.body {
        Some(Body::Json { ty, rust_name, doc, content_type, .. }) => {
            let n = ident(rust_name);
            let ty = rust_type(ty, types, Scope::Outside);
            fields.push(quote!(#n: #ty));
            inits.push(quote!(#n: Default::default()));
            let doc = doc_attrs(doc.as_deref().unwrap_or("Sets the request body (default: all fields unset)."));
            body_setter = Some(quote! {
                #doc
                pub fn #n(mut self, value: #ty) -> Self {
                    self.#n = value;
                    self
                }
            });
            let content_type = (content_type != "application/json").then(|| quote!(.content_type(#content_type)));
            body_call = Some(match &trigger.notification_url_field {
                Some(field) => quote!(.json_with_field(&self.#n, #field, callback_url) #content_type),
                None => quote!(.json(&self.#n) #content_type),
            });
        }
        Some(Body::Form { multipart, fields: form }) => {
            let calls = form.iter().map(|field| {
                let wire = &field.wire_name;
                let value = match &field.fixed {
                    Some(fixed) => quote!(#fixed),
                    None => {
                        let n = ident(&field.rust_name);
                        quote!(&self.#n)
                    }
                };
                match (*multipart, &field.ty) {
                    (true, TypeRef::File) => {
                        let n = ident(&field.rust_name);
                        if field.required {
                            quote!(.multipart_file(#wire, self.#n.clone()))
                        } else {
                            quote!(.multipart_file_if(#wire, self.#n.clone()))
                        }
                    }
                    (true, _) => quote!(.multipart_text(#wire, #value)),
                    (false, _) => quote!(.form_field(#wire, #value)),
                }
            });
            body_call = Some(quote!(#(#calls)*));
        }
        Some(Body::Raw { content_type, rust_name, text, .. }) => {
            let n = ident(rust_name);
            let ty = if *text { quote!(String) } else { quote!(connector_runtime::bytes::Bytes) };
            fields.push(quote!(#n: #ty));
            inits.push(quote!(#n: Default::default()));
            body_setter = Some(quote! {
                /// Sets the request body.
                pub fn #n(mut self, value: impl Into<#ty>) -> Self {
                    self.#n = value.into();
                    self
                }
            });
            body_call = Some(quote!(.bytes(#content_type, connector_runtime::bytes::Bytes::from(self.#n.clone()))));
        }
        None => {}
    }

    let calls = op.params.iter().map(param_call);
    let item = match &trigger.item {
        Some(ty) => rust_type(ty, types, Scope::Outside),
        None => quote!(connector_runtime::serde_json::Value),
    };
    let kind = match trigger.kind {
        TriggerKind::Polling => quote!(TriggerKind::Polling),
        TriggerKind::Webhook => quote!(TriggerKind::Webhook),
    };
    let shape = match trigger.shape {
        TriggerShape::Single => quote!(TriggerShape::Single),
        TriggerShape::Batch => quote!(TriggerShape::Batch),
    };
    let kind_text = match trigger.kind {
        TriggerKind::Polling => "polling",
        TriggerKind::Webhook => "webhook",
    };
    let shape_text = match trigger.shape {
        TriggerShape::Single => "single",
        TriggerShape::Batch => "batch",
    };
    let uses_callback = body_call.as_ref().is_some_and(|c| c.to_string().contains("callback_url"));
    let callback_binding = (!uses_callback).then(|| quote!(let _ = callback_url;));
    let method_doc = doc_attrs(&format!(
        "{}\n\nTrigger `{id}` ({kind_text}, {shape_text}): `{} {path}`.",
        doc_text(op.summary.as_deref(), op.description.as_deref(), &format!("The `{id}` trigger.")),
        op.method.as_str()
    ));
    let type_doc = doc_attrs(&format!(
        "The `{id}` trigger ({kind_text}, {shape_text}); built by [`Triggers::{}`].",
        unraw(&op.rust_name)
    ));
    let deprecated = op.deprecated.then(|| quote!(#[deprecated = "the connector marks this trigger deprecated"]));

    let method = quote! {
        #method_doc
        #deprecated
        pub fn #method_name(&self, #(#args),*) -> #name {
            #name { connection: self.client.connection().clone(), #(#inits),* }
        }
    };
    let items = quote! {
        static #static_name: Operation = crate::operation(#id, Method::#http_method, #path);

        #type_doc
        #[derive(Clone, Debug)]
        pub struct #name {
            connection: Connection,
            #(#fields),*
        }

        impl #name {
            #(#setters)*
            #body_setter
        }

        impl Trigger for #name {
            type Item = #item;
            const OPERATION_ID: &'static str = #id;
            const KIND: TriggerKind = #kind;
            const SHAPE: TriggerShape = #shape;
            const ITEMS: &'static str = "value";

            fn operation(&self) -> &'static Operation {
                &#static_name
            }

            fn connection(&self) -> &Connection {
                &self.connection
            }

            fn request(&self, callback_url: Option<&str>) -> Request {
                #callback_binding
                self.connection.request(&#static_name) #(#calls)* #body_call
            }
        }
    };
    (method, items)
}
