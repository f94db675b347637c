//! Trigger protocols against a fake connector service on 127.0.0.1: polling (202 with a cursor in `Location`,
//! then 200 batches with `Retry-After: 0`, then 202 again), at-least-once delivery across a simulated crash,
//! durable state, bounded hand-outs, and webhook subscribe / unsubscribe.

use std::time::Duration;

use connector_runtime::Connection;
use connector_runtime::futures::StreamExt;
use connector_runtime::trigger::{
    FileStateStore, MemoryStateStore, PollState, Poller, PollerOptions, StateStore, Subscription, Trigger, TriggerKind,
    TriggerShape, subscribe,
};
use connector_triggers_fixture::Client;
use connector_triggers_fixture::triggers::OnNewMail;
use serde_json::json;
use wiremock::matchers::{body_json, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const MAIL: &str = "/apim/triggers/c1/trigger/mail";

fn quick() -> PollerOptions {
    PollerOptions { interval: Duration::from_millis(10), max_batch: 100 }
}

/// The fake connector: first poll 202 with a cursor, then two batches with `Retry-After: 0`, then 202.
async fn fake_mail_service() -> MockServer {
    let server = MockServer::start().await;
    let base = format!("{}/apim/triggers/c1", server.uri());
    let page = |ids: &[&str]| json!({ "value": ids.iter().map(|id| json!({"id": id, "subject": format!("subject {id}")})).collect::<Vec<_>>() });
    Mock::given(path(MAIL))
        .and(query_param_is_missing("cursor"))
        .respond_with(ResponseTemplate::new(202).insert_header("Location", format!("{base}/trigger/mail?cursor=1")))
        .mount(&server)
        .await;
    Mock::given(path(MAIL))
        .and(query_param("cursor", "1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(page(&["m1", "m2", "m3"]))
                .insert_header("Location", format!("{base}/trigger/mail?cursor=2"))
                .insert_header("Retry-After", "0"),
        )
        .mount(&server)
        .await;
    Mock::given(path(MAIL))
        .and(query_param("cursor", "2"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(page(&["m4"]))
                .insert_header("Location", format!("{base}/trigger/mail?cursor=3"))
                .insert_header("Retry-After", "0"),
        )
        .mount(&server)
        .await;
    Mock::given(path(MAIL))
        .and(query_param("cursor", "3"))
        .respond_with(ResponseTemplate::new(202).insert_header("Retry-After", "0"))
        .mount(&server)
        .await;
    server
}

fn on_new_mail(server: &MockServer) -> connector_runtime::Result<OnNewMail> {
    let connection = Connection::runtime_url(format!("{}/apim/triggers/c1", server.uri()))?.with_bearer_token("t");
    Ok(Client::new(connection).triggers().on_new_mail())
}

fn ids(items: &[connector_triggers_fixture::models::Mail]) -> Vec<String> {
    items.iter().filter_map(|m| m.id.clone()).collect()
}

async fn queries(server: &MockServer) -> Vec<String> {
    let requests = server.received_requests().await.unwrap_or_default();
    requests.iter().map(|r| format!("{} {}?{}", r.method, r.url.path(), r.url.query().unwrap_or(""))).collect()
}

#[test]
fn trigger_models_expose_id_kind_and_shape() {
    assert_eq!(OnNewMail::OPERATION_ID, "OnNewMail");
    assert_eq!((OnNewMail::KIND, OnNewMail::SHAPE), (TriggerKind::Polling, TriggerShape::Batch));
    use connector_triggers_fixture::triggers::OnChange;
    assert_eq!((OnChange::KIND, OnChange::SHAPE), (TriggerKind::Webhook, TriggerShape::Single));
}

#[tokio::test]
async fn polling_follows_the_protocol_and_delivers_each_item_once_in_order() -> TestResult {
    let server = fake_mail_service().await;
    let store = MemoryStateStore::new();
    let mut poller = Poller::new(on_new_mail(&server)?, store.clone(), "mail").with_options(quick());
    let mut delivered = Vec::new();
    for _ in 0..4 {
        let batch = poller.poll_once().await?;
        delivered.extend(ids(&batch.items));
        poller.commit(batch).await?;
    }
    assert_eq!(delivered, ["m1", "m2", "m3", "m4"]);
    assert_eq!(
        queries(&server).await,
        [
            format!("GET {MAIL}?"),
            format!("GET {MAIL}?cursor=1"),
            format!("GET {MAIL}?cursor=2"),
            format!("GET {MAIL}?cursor=3"),
        ]
    );
    // After the last 202 without a Location the cursor stays where it was.
    let state = store.load("mail").await?.unwrap_or_default();
    assert!(state.location.as_deref().is_some_and(|l| l.ends_with("cursor=3")), "{state:?}");
    Ok(())
}

#[tokio::test]
async fn a_crash_before_commit_redelivers_and_loses_nothing() -> TestResult {
    let server = fake_mail_service().await;
    let store = MemoryStateStore::new();
    {
        let mut first = Poller::new(on_new_mail(&server)?, store.clone(), "mail").with_options(quick());
        let empty = first.poll_once().await?; // 202: the cursor is committed at once
        first.commit(empty).await?;
        let batch = first.poll_once().await?;
        assert_eq!(ids(&batch.items), ["m1", "m2", "m3"]);
        // The process "dies" here: no commit.
    }
    let mut restarted = Poller::new(on_new_mail(&server)?, store.clone(), "mail").with_options(quick());
    let again = restarted.poll_once().await?;
    assert_eq!(ids(&again.items), ["m1", "m2", "m3"], "the uncommitted batch comes again");
    restarted.commit(again).await?;
    let next = restarted.poll_once().await?;
    assert_eq!(ids(&next.items), ["m4"]);
    Ok(())
}

#[tokio::test]
async fn large_responses_are_handed_out_in_bounded_batches() -> TestResult {
    let server = fake_mail_service().await;
    let store = MemoryStateStore::new();
    let options = PollerOptions { max_batch: 2, ..quick() };
    let mut poller = Poller::new(on_new_mail(&server)?, store.clone(), "mail").with_options(options);
    let empty = poller.poll_once().await?;
    poller.commit(empty).await?;
    let committed_before = store.load("mail").await?;
    let first = poller.poll_once().await?;
    assert_eq!(ids(&first.items), ["m1", "m2"]);
    poller.commit(first).await?;
    assert_eq!(store.load("mail").await?, committed_before, "no commit until the whole response is acknowledged");
    let second = poller.poll_once().await?;
    assert_eq!(ids(&second.items), ["m3"]);
    poller.commit(second).await?;
    let state = store.load("mail").await?.unwrap_or_default();
    assert!(state.location.as_deref().is_some_and(|l| l.ends_with("cursor=2")));
    assert_eq!(server.received_requests().await.unwrap_or_default().len(), 2, "the rest came from the buffer");
    Ok(())
}

#[tokio::test]
async fn stream_api_delivers_everything_in_order() -> TestResult {
    let server = fake_mail_service().await;
    let poller = Poller::new(on_new_mail(&server)?, MemoryStateStore::new(), "mail").with_options(quick());
    let stream = poller.into_stream();
    let items: Vec<_> = stream.take(4).collect().await;
    let got: Vec<String> = items.into_iter().filter_map(|d| d.ok().and_then(|d| d.item.id)).collect();
    assert_eq!(got, ["m1", "m2", "m3", "m4"]);
    Ok(())
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("connector-triggers-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[tokio::test]
async fn state_file_survives_a_restart() -> TestResult {
    let server = fake_mail_service().await;
    let dir = scratch("restart");
    {
        let mut poller = Poller::new(on_new_mail(&server)?, FileStateStore::new(&dir), "mail").with_options(quick());
        for _ in 0..2 {
            let batch = poller.poll_once().await?;
            poller.commit(batch).await?;
        }
    }
    // A new process: the state file says where to go on.
    let mut poller = Poller::new(on_new_mail(&server)?, FileStateStore::new(&dir), "mail").with_options(quick());
    let batch = poller.poll_once().await?;
    assert_eq!(ids(&batch.items), ["m4"]);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

#[tokio::test]
async fn a_torn_write_cannot_corrupt_the_state() -> TestResult {
    let dir = scratch("torn");
    let store = FileStateStore::new(&dir);
    let good = PollState { location: Some("https://h/next?cursor=7".to_owned()), next_poll_at: None };
    store.save("mail", &good).await?;
    // A writer that died mid-write leaves a partial temporary file behind; the state file is untouched.
    let path = store.path_for("mail");
    std::fs::write(path.with_extension("tmp-999-1"), b"{\"location\": \"https://h/ne")?;
    assert_eq!(store.load("mail").await?, Some(good.clone()));
    // Saving again replaces the file whole.
    let newer = PollState { location: Some("https://h/next?cursor=8".to_owned()), next_poll_at: None };
    store.save("mail", &newer).await?;
    assert_eq!(FileStateStore::new(&dir).load("mail").await?, Some(newer));
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

#[tokio::test]
async fn webhook_subscribe_fills_the_callback_and_unsubscribe_hits_the_stored_url() -> TestResult {
    let server = MockServer::start().await;
    let base = format!("{}/apim/triggers/c1", server.uri());
    Mock::given(method("POST"))
        .and(path("/apim/triggers/c1/subscriptions"))
        .and(body_json(json!({"notificationUrl": "https://me.example/hook?sig=s3cret"})))
        .respond_with(ResponseTemplate::new(201).insert_header("Location", format!("{base}/subscriptions/sub-42")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/apim/triggers/c1/subscriptions/sub-42"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::new(Connection::runtime_url(&base)?.with_bearer_token("t"));
    let trigger = client.triggers().on_change();
    let subscription = subscribe(&trigger, "https://me.example/hook?sig=s3cret").await?;
    assert_eq!(subscription.location, format!("{base}/subscriptions/sub-42"));
    assert!(!format!("{subscription:?}").contains("s3cret"), "the callback secret must not show in Debug");
    // The handle survives being stored.
    let stored: Subscription = serde_json::from_str(&serde_json::to_string(&subscription)?)?;
    stored.unsubscribe(&trigger).await?;
    Ok(())
}

#[tokio::test]
async fn a_subscription_without_location_is_an_error_that_says_so() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(201)).mount(&server).await;
    let client =
        Client::new(Connection::runtime_url(format!("{}/apim/triggers/c1", server.uri()))?.with_bearer_token("t"));
    let err =
        subscribe(&client.triggers().on_change(), "https://me.example/hook").await.err().ok_or("expected an error")?;
    assert!(err.to_string().contains("cannot be removed"), "{err}");
    Ok(())
}

#[tokio::test]
async fn office365_on_new_email_v3_polls_and_decodes_messages() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/apim/office365/c1/v3/Mail/OnNewEmail"))
        .and(query_param("folderPath", "Inbox"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"value": [{"id": "AAMk1", "subject": "Hello", "from": "ann@contoso.com"}]}))
                .insert_header("Retry-After", "0"),
        )
        .mount(&server)
        .await;
    let connection = Connection::runtime_url(format!("{}/apim/office365/c1", server.uri()))?.with_bearer_token("t");
    let trigger = connector_office365::Client::new(connection).triggers().on_new_email_v3().folder_path("Inbox");
    let mut poller = Poller::new(trigger, MemoryStateStore::new(), "office365-inbox").with_options(quick());
    let batch = poller.poll_once().await?;
    assert_eq!(batch.items.len(), 1);
    assert_eq!(batch.items[0].subject.as_deref(), Some("Hello"));
    Ok(())
}

#[tokio::test]
async fn teams_webhook_subscribes_with_the_callback_url() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).insert_header("Location", format!("{}/subs/1", server.uri())))
        .expect(1)
        .mount(&server)
        .await;
    let connection = Connection::runtime_url(format!("{}/apim/teams/c1", server.uri()))?.with_bearer_token("t");
    let trigger = connector_teams::Client::new(connection).triggers().webhook_chat_message_trigger();
    subscribe(&trigger, "https://me.example/teams?sig=x").await?;
    let requests = server.received_requests().await.unwrap_or_default();
    let body: serde_json::Value = serde_json::from_slice(&requests[0].body)?;
    assert_eq!(body["notificationUrl"], "https://me.example/teams?sig=x");
    // Callback payloads decode in every envelope.
    let items = connector_teams::triggers::WebhookChatMessageTrigger::decode(br#"{"body":{"value":[{}, {}]}}"#)?;
    assert_eq!(items.len(), 2);
    Ok(())
}
