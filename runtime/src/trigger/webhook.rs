//! Webhook triggers: subscribe with a callback URL, keep the `Location` the connector returns, unsubscribe by
//! sending `DELETE` to exactly that URL with the same connection.

use reqwest::Method;
use serde::{Deserialize, Serialize};

use super::Trigger;
use crate::transport::follow_link;
use crate::{Error, ErrorKind, Result};

/// A webhook registration: what [`subscribe`] returns and [`Subscription::unsubscribe`] needs. Serializable, so
/// it can be stored and removed after a restart.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    /// The trigger's operation id.
    pub operation_id: String,
    /// The `Location` the connector returned, exactly as given: the URL to `DELETE`.
    pub location: String,
    /// The callback URL that was registered.
    pub callback_url: String,
}

impl std::fmt::Debug for Subscription {
    // Callback URLs carry their secret in the query (`sig=`), so `Debug` shows them without it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subscription")
            .field("operation_id", &self.operation_id)
            .field("location", &without_query(&self.location))
            .field("callback_url", &without_query(&self.callback_url))
            .finish()
    }
}

/// A URL for messages and `Debug`: everything before the query (which may hold a secret).
fn without_query(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or(url)
}

/// Registers `callback_url` with a webhook trigger: sends the trigger operation with the URL in its
/// notification-url field and keeps the response's `Location`.
///
/// A response without `Location` is an error: the connector would keep calling, and nothing could remove the
/// subscription. (The subscription may exist on the service side; the error says so.)
pub async fn subscribe<T: Trigger>(trigger: &T, callback_url: &str) -> Result<Subscription> {
    let operation = trigger.operation();
    let response = trigger.request(Some(callback_url)).send().await?;
    let Some(location) = response.header("location").map(str::trim).filter(|l| !l.is_empty()) else {
        return Err(Error::new(
            ErrorKind::Status,
            format!(
                "the connector accepted the subscription (HTTP {}) but returned no Location header, so it cannot be \
                 removed later; the service may now call {} until it expires",
                response.status(),
                without_query(callback_url)
            ),
        )
        .with_operation(operation.connector.name, operation.id));
    };
    tracing::info!(operation = operation.id, "webhook subscribed");
    Ok(Subscription {
        operation_id: operation.id.to_owned(),
        location: location.to_owned(),
        callback_url: callback_url.to_owned(),
    })
}

impl Subscription {
    /// Removes the subscription: `DELETE` to the stored `Location`, with the trigger's connection and no extra
    /// headers. A `Location` on another host is re-routed or refused by the connection's link rules.
    pub async fn unsubscribe<T: Trigger>(&self, trigger: &T) -> Result<()> {
        let operation = trigger.operation();
        follow_link(trigger.connection(), operation, Method::DELETE, &self.location).await?;
        tracing::info!(operation = operation.id, "webhook unsubscribed");
        Ok(())
    }
}
