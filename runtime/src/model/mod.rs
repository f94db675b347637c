//! Building blocks for generated models: open enums, forgiving date-times, base64 bytes, and the glue that makes
//! generated request builders awaitable.
//!
//! Generated crates use these instead of emitting the same code for every type: an open enum is one
//! [`open_enum!`](crate::open_enum) invocation, not forty lines of hand-rolled serde.

mod base64_bytes;
mod datetime;
pub(crate) mod open_enum;
mod tagged_union;

pub use base64_bytes::Base64;
pub use datetime::{Date, DateTime};
