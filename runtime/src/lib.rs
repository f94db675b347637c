//! # connector-runtime
//!
//! The runtime every generated connector crate stands on: where requests go ([`Connection`]), how they are
//! authenticated ([`auth`]), when they are retried ([`RetryPolicy`]), how parameters and bodies are encoded
//! ([`Request`]), how paged results are followed ([`paging`]), and the one [`Error`] type.
//!
//! Generated crates are thin: each operation is a static [`Operation`] plus a few calls on a [`Request`]. All
//! policy lives here, so a fix in the runtime fixes every connector.
//!
//! ```no_run
//! use connector_runtime::{Connection, RetryPolicy};
//! use connector_runtime::auth::ClientSecretCredential;
//!
//! # fn main() -> connector_runtime::Result<()> {
//! let conn = Connection::from_env("OFFICE365")?            // OFFICE365__connectionRuntimeUrl
//!     .with_credential(ClientSecretCredential::new("tenant-id", "client-id", "client-secret"))
//!     .with_retry(RetryPolicy::default().max_retries(5));
//! # let _ = conn;
//! # Ok(()) }
//! ```
//!
//! Triggers (`x-ms-trigger` operations) are run by [`trigger`]: the polling protocol with a durable cursor and
//! at-least-once delivery ([`trigger::Poller`]), webhook subscriptions ([`trigger::subscribe`]), callback payload
//! decoding, and with the `receiver` feature an HTTP server that verifies callbacks.
//!
//! Every call runs inside a `connector.call` [`tracing`] span carrying the connector, operation, method, status,
//! attempt count and latency. Secrets never appear in `Debug` output, errors or traces.

#![deny(missing_docs)]

pub mod auth;
mod body;
mod connection;
mod encoding;
mod error;
pub mod model;
pub mod namespace;
mod operation;
mod pacing;
pub mod paging;
mod request;
mod response;
mod retry;
mod secret;
mod stats;
mod transport;
pub mod trigger;

pub use body::{File, Multipart};
pub use connection::{Connection, DEFAULT_MAX_RESPONSE_BYTES, Mode};
pub use encoding::{ParamValue, UrlEncoding, encode_path, encode_query};
pub use error::{Error, ErrorKind, MAX_ERROR_BODY, Result};
pub use operation::{ApiKeyIn, ConnectorInfo, Operation};
pub use paging::{ItemStream, Page, Paging};
pub use request::Request;
pub use response::{Response, decode_json};
pub use retry::{RetryPolicy, is_transient_status, retry_after};
pub use secret::Secret;
pub use stats::CallStats;

#[doc(hidden)]
pub use model::open_enum::__deserialize_open_enum;

/// What a generated builder's `send_with_response` returns: a boxed future of the typed response.
pub type Pending<T> = futures::future::BoxFuture<'static, Result<Response<T>>>;

/// Makes a generated request builder awaitable: `.await` sends it and yields the decoded body.
///
/// The builder must have a `send_with_response(self)` method returning
/// `BoxFuture<'static, Result<Response<$output>>>`.
#[macro_export]
macro_rules! into_future {
    ($builder:ident, $output:ty) => {
        impl<'a> ::std::future::IntoFuture for $builder<'a> {
            type Output = $crate::Result<$output>;
            type IntoFuture = $crate::futures::future::BoxFuture<'static, Self::Output>;

            fn into_future(self) -> Self::IntoFuture {
                let pending = self.send_with_response();
                ::std::boxed::Box::pin(async move { pending.await.map($crate::Response::into_body) })
            }
        }
    };
}

/// Re-exported so generated crates and users name the same versions.
pub use bytes;
pub use futures;
pub use jiff;
pub use reqwest;
pub use serde;
pub use serde_json;
