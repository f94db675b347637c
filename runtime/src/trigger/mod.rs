//! Triggers: how a connector tells you something happened.
//!
//! A generated crate describes each `x-ms-trigger` operation as a type implementing [`Trigger`]: its operation
//! id, whether it is polled or a webhook ([`TriggerKind`]), whether each event carries one item or a batch
//! ([`TriggerShape`]), its typed item, and how to build its request. The runtime runs the protocols:
//!
//! - **Polling** ([`Poller`]): the first request is the trigger operation with its inputs; a `200` carries items, a
//!   `202` means nothing new; the `Location` header is the next poll URL (kept whole, it carries the cursor) and
//!   `Retry-After` says when to poll again (`0`: more data now). The cursor lives in a [`StateStore`] and is
//!   committed only after the items it covers are acknowledged, so delivery is at least once and nothing is ever
//!   skipped.
//! - **Webhooks** ([`subscribe`]): the trigger operation is sent with a callback URL in its notification-url field;
//!   the `Location` of the response is kept as the [`Subscription`] handle, and [`Subscription::unsubscribe`] sends
//!   `DELETE` to exactly that URL. Callback payloads decode with [`decode_callback`]; the `receiver` feature adds
//!   an HTTP server that verifies each callback's secret.

mod decode;
mod poller;
#[cfg(feature = "receiver")]
pub mod receiver;
mod state;
mod webhook;

use serde::de::DeserializeOwned;

pub use decode::decode_callback;
pub use poller::{Batch, Delivery, Poller, PollerOptions};
pub use state::{FileStateStore, MemoryStateStore, PollState, StateStore, StoreFuture};
pub use webhook::{Subscription, subscribe};

use crate::{Connection, Operation, Request, Result};

/// How a trigger delivers events.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TriggerKind {
    /// The client polls; the connector answers `200` with items or `202` with nothing new.
    Polling,
    /// The client registers a callback URL; the connector posts events to it.
    Webhook,
}

/// What one event carries (`x-ms-trigger: single | batch`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TriggerShape {
    /// One item per event.
    Single,
    /// Several items per event, usually under `value`.
    Batch,
}

/// A trigger of a connector, as generated crates describe it.
pub trait Trigger: Send + Sync + 'static {
    /// One event's item: for polling triggers the `200` body (for batch triggers, one element of its items); for
    /// webhooks, the `x-ms-notification-content` payload.
    type Item: DeserializeOwned + Clone + Send + Sync + 'static;

    /// The wire `operationId`, e.g. `OnNewEmailV3`.
    const OPERATION_ID: &'static str;
    /// Polling or webhook.
    const KIND: TriggerKind;
    /// Single or batch.
    const SHAPE: TriggerShape;
    /// Where a batch keeps its items in a body (`value`); empty when the body is the array itself.
    const ITEMS: &'static str;

    /// The static description of the trigger operation.
    fn operation(&self) -> &'static Operation;

    /// The connection the trigger runs on.
    fn connection(&self) -> &Connection;

    /// The trigger operation's request with the user's inputs. For webhooks the runtime passes the callback URL,
    /// which the request puts into the spec's notification-url field.
    fn request(&self, callback_url: Option<&str>) -> Request;

    /// Decodes a body of this trigger (a poll response, or a webhook callback) into its items.
    fn decode(body: &[u8]) -> Result<Vec<Self::Item>> {
        decode_callback(body, Self::ITEMS)
    }
}
