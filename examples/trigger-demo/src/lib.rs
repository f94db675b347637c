//! The trigger demo: poll Office 365's `OnNewEmailV3` and receive Teams webhook callbacks, both against a fake
//! connector service on 127.0.0.1 (see `fake_connector`). `main` prints what arrives; the test checks it.

pub mod fake_connector;

use std::time::Duration;

use connector_runtime::Connection;
use connector_runtime::trigger::receiver::CallbackReceiver;
use connector_runtime::trigger::{FileStateStore, Poller, PollerOptions, Trigger, subscribe};

/// What the demo saw.
#[derive(Debug, Default)]
pub struct Seen {
    /// Subjects of the emails the polling trigger delivered, in order.
    pub emails: Vec<String>,
    /// Texts of the Teams messages the webhook delivered.
    pub messages: Vec<String>,
    /// Whether the webhook subscription was deleted at the end.
    pub unsubscribed: bool,
}

/// Runs both flows, printing items as they arrive.
pub async fn run(state_dir: &std::path::Path) -> connector_runtime::Result<Seen> {
    let (fake, deleted) = fake_connector::start()
        .await
        .map_err(|e| connector_runtime::Error::config("could not start the fake connector").with_source(e))?;
    let mut seen = Seen::default();

    // 1. Polling: Office 365 "When a new email arrives (V3)".
    println!("== polling Office 365 OnNewEmailV3 at {fake}");
    let outlook = connector_office365::Client::new(
        Connection::runtime_url(format!("{fake}/apim/office365/c1"))?.with_bearer_token("demo-token"),
    );
    let trigger = outlook.triggers().on_new_email_v3().folder_path("Inbox");
    let options = PollerOptions { interval: Duration::from_millis(50), max_batch: 10 };
    let mut poller = Poller::new(trigger, FileStateStore::new(state_dir), "outlook-inbox").with_options(options);
    for _ in 0..4 {
        let batch = poller.poll_once().await?;
        for mail in &batch.items {
            let subject = mail.subject.clone().unwrap_or_default();
            println!("new email: {subject}");
            seen.emails.push(subject);
        }
        poller.commit(batch).await?;
    }

    // 2. Webhook: a Teams chat-message trigger, callbacks received and verified by CallbackReceiver.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| connector_runtime::Error::config("could not bind the receiver").with_source(e))?;
    let public = format!(
        "http://{}",
        listener.local_addr().map_err(|e| connector_runtime::Error::config("no local address").with_source(e))?
    );
    let (receiver, mut callbacks) = CallbackReceiver::new(&public, 16)?;
    let callback_url = receiver.register("teams-chat")?;
    tokio::spawn(receiver.clone().serve(listener));
    println!("== subscribing a Teams webhook; callbacks go to {public}/callbacks/teams-chat");
    let teams = connector_teams::Client::new(
        Connection::runtime_url(format!("{fake}/apim/teams/c1"))?.with_bearer_token("demo-token"),
    );
    let trigger = teams.triggers().webhook_chat_message_trigger();
    let subscription = subscribe(&trigger, &callback_url).await?;
    while seen.messages.len() < 2 {
        let Ok(Some(callback)) = tokio::time::timeout(Duration::from_secs(10), callbacks.recv()).await else { break };
        for message in connector_teams::triggers::WebhookChatMessageTrigger::decode(&callback.body)? {
            let text = message.additional_properties.get("text").and_then(|t| t.as_str()).unwrap_or_default();
            println!("teams message {}: {text}", message.message_id.clone().unwrap_or_default());
            seen.messages.push(text.to_owned());
        }
    }
    subscription.unsubscribe(&trigger).await?;
    seen.unsubscribed = deleted.lock().map(|d| *d).unwrap_or(false);
    println!("== unsubscribed: {}", seen.unsubscribed);
    Ok(seen)
}
