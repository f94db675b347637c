//! The webhook callback receiver on a real socket: only callbacks with the right secret and a bounded body reach
//! the channel, and every other request is answered without delivering anything.

#![cfg(feature = "receiver")]

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use connector_runtime::reqwest::{Client, StatusCode};
use connector_runtime::trigger::receiver::{Callback, CallbackReceiver};
use connector_runtime::trigger::{Trigger, TriggerKind, TriggerShape, decode_callback};
use connector_runtime::{Connection, Operation, Request};
use tokio::sync::mpsc::Receiver;
use tokio::sync::mpsc::error::TryRecvError;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Everything traced by any test of this binary. One global subscriber, because `tracing` caches per-callsite
/// interest process-wide and the server's handlers run on runtime threads.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut out) = self.0.lock() {
            out.extend_from_slice(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn traces() -> &'static Captured {
    static CAPTURED: OnceLock<Captured> = OnceLock::new();
    CAPTURED.get_or_init(|| {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        // Another test may have set it first; either way this binary has one subscriber writing here.
        let _ = tracing::subscriber::set_global_default(subscriber);
        captured
    })
}

/// A receiver serving on an ephemeral local port, with its channel and an HTTP client that ignores proxies.
async fn start(
    capacity: usize,
    configure: impl FnOnce(CallbackReceiver) -> CallbackReceiver,
) -> Result<(CallbackReceiver, Receiver<Callback>, Client), Box<dyn std::error::Error>> {
    traces();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let (receiver, rx) = CallbackReceiver::new(&format!("http://{}/hooks", listener.local_addr()?), capacity)?;
    let receiver = configure(receiver);
    tokio::spawn(receiver.clone().serve(listener));
    Ok((receiver, rx, Client::builder().no_proxy().build()?))
}

/// `url` with its `sig` query value replaced.
fn with_sig(url: &str, sig: &str) -> String {
    match url.split_once("?sig=") {
        Some((path, _)) => format!("{path}?sig={sig}"),
        None => format!("{url}?sig={sig}"),
    }
}

fn without_query(url: &str) -> &str {
    url.split_once('?').map_or(url, |(path, _)| path)
}

#[derive(Clone, Debug, PartialEq, serde::Deserialize)]
struct Mail {
    id: String,
}

struct NewMail;

impl Trigger for NewMail {
    type Item = Mail;
    const OPERATION_ID: &'static str = "OnNewMail";
    const KIND: TriggerKind = TriggerKind::Webhook;
    const SHAPE: TriggerShape = TriggerShape::Batch;
    const ITEMS: &'static str = "value";

    fn operation(&self) -> &'static Operation {
        unreachable!("the receiver only decodes")
    }

    fn connection(&self) -> &Connection {
        unreachable!("the receiver only decodes")
    }

    fn request(&self, _callback_url: Option<&str>) -> Request {
        unreachable!("the receiver only decodes")
    }
}

#[tokio::test]
async fn valid_secret_delivers_the_callback() -> TestResult {
    let (receiver, mut rx, client) = start(8, |r| r).await?;
    let url = receiver.register("new-mail")?;
    let payload = r#"{"body":{"value":[{"id":"m1"},{"id":"m2"}]}}"#;
    let response = client.post(&url).body(payload).send().await?;
    assert_eq!(response.status(), StatusCode::ACCEPTED);

    let callback = rx.try_recv()?;
    assert_eq!(callback.subscription, "new-mail");
    assert_eq!(&callback.body[..], payload.as_bytes());
    let ids: Vec<String> = callback.decode::<NewMail>()?.into_iter().map(|m| m.id).collect();
    assert_eq!(ids, ["m1", "m2"]);
    let same: Vec<Mail> = decode_callback(&callback.body, "value")?;
    assert_eq!(same.len(), 2);
    assert_eq!(rx.try_recv().err(), Some(TryRecvError::Empty));
    Ok(())
}

#[tokio::test]
async fn wrong_secret_is_401_and_delivers_nothing() -> TestResult {
    let (receiver, mut rx, client) = start(8, |r| r).await?;
    let url = receiver.register("s1")?;
    let other = receiver.register("s2")?;
    let other_sig = other.split_once("?sig=").map(|(_, sig)| sig).unwrap_or_default();
    let wrong = ["0".repeat(64), "short".to_owned(), other_sig.to_owned(), format!("{other_sig}0")];
    for sig in wrong {
        let response = client.post(with_sig(&url, &sig)).body(r#"{"id":"x"}"#).send().await?;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "sig {sig}");
    }
    assert_eq!(rx.try_recv().err(), Some(TryRecvError::Empty));
    Ok(())
}

#[tokio::test]
async fn missing_secret_is_401() -> TestResult {
    let (receiver, mut rx, client) = start(8, |r| r).await?;
    let url = receiver.register("s1")?;
    for bare in [without_query(&url).to_owned(), format!("{}?sig=", without_query(&url))] {
        let response = client.post(&bare).body(r#"{"id":"x"}"#).send().await?;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{bare}");
        // A validation request without the secret is refused as well.
        assert_eq!(client.get(&bare).send().await?.status(), StatusCode::UNAUTHORIZED);
    }
    assert_eq!(rx.try_recv().err(), Some(TryRecvError::Empty));
    Ok(())
}

#[tokio::test]
async fn unknown_subscription_is_401() -> TestResult {
    let (receiver, mut rx, client) = start(8, |r| r).await?;
    let url = receiver.register("known")?;
    // The right secret under another id, and an id that could never be registered.
    for path in ["/callbacks/unknown", "/callbacks/not%20an%20id"] {
        let unknown = url.replacen("/callbacks/known", path, 1);
        let response = client.post(&unknown).body(r#"{"id":"x"}"#).send().await?;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    assert_eq!(rx.try_recv().err(), Some(TryRecvError::Empty));
    Ok(())
}

#[tokio::test]
async fn oversized_body_is_413_and_delivers_nothing() -> TestResult {
    let (receiver, mut rx, client) = start(8, |r| r.with_max_body(16)).await?;
    let url = receiver.register("s1")?;

    let response = client.post(&url).body(vec![b'x'; 17]).send().await?;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // Without Content-Length (chunked), the limit applies while reading.
    let chunks = futures::stream::iter([Ok::<_, std::io::Error>(vec![b'x'; 10]), Ok(vec![b'x'; 10])]);
    let response = client.post(&url).body(connector_runtime::reqwest::Body::wrap_stream(chunks)).send().await?;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(rx.try_recv().err(), Some(TryRecvError::Empty));

    // Exactly the limit is accepted.
    let response = client.post(&url).body(vec![b' '; 16]).send().await?;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    assert_eq!(rx.try_recv()?.body.len(), 16);
    Ok(())
}

#[tokio::test]
async fn full_channel_answers_503_with_retry_after() -> TestResult {
    let (receiver, mut rx, client) = start(1, |r| r).await?;
    let url = receiver.register("s1")?;
    assert_eq!(client.post(&url).body(r#"{"id":"1"}"#).send().await?.status(), StatusCode::ACCEPTED);

    let response = client.post(&url).body(r#"{"id":"2"}"#).send().await?;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let retry_after = response.headers().get("retry-after").and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    assert!(retry_after.is_some_and(|secs| secs > 0), "{:?}", response.headers());

    assert_eq!(&rx.try_recv()?.body[..], br#"{"id":"1"}"#);
    assert_eq!(rx.try_recv().err(), Some(TryRecvError::Empty));
    // Once there is room, the connector's retry gets through.
    assert_eq!(client.post(&url).body(r#"{"id":"2"}"#).send().await?.status(), StatusCode::ACCEPTED);
    assert_eq!(&rx.try_recv()?.body[..], br#"{"id":"2"}"#);
    Ok(())
}

#[tokio::test]
async fn unregistered_subscription_is_rejected() -> TestResult {
    let (receiver, mut rx, client) = start(8, |r| r).await?;
    let url = receiver.register("s1")?;
    assert!(receiver.unregister("s1"));
    assert!(!receiver.unregister("s1"));
    let response = client.post(&url).body(r#"{"id":"x"}"#).send().await?;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    // Registering again makes a new secret; the old URL stays dead.
    let renewed = receiver.register("s1")?;
    assert_ne!(renewed, url);
    assert_eq!(client.post(&url).body("{}").send().await?.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(rx.try_recv().err(), Some(TryRecvError::Empty));
    Ok(())
}

#[tokio::test]
async fn validation_get_and_head_answer_200_with_the_secret() -> TestResult {
    let (receiver, mut rx, client) = start(8, |r| r).await?;
    let url = receiver.register("s1")?;
    let get = client.get(&url).send().await?;
    assert_eq!(get.status(), StatusCode::OK);
    assert!(get.bytes().await?.is_empty());
    assert_eq!(client.head(&url).send().await?.status(), StatusCode::OK);
    assert_eq!(client.get(with_sig(&url, &"0".repeat(64))).send().await?.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(rx.try_recv().err(), Some(TryRecvError::Empty));
    Ok(())
}

#[tokio::test]
async fn restored_urls_keep_working_after_a_restart() -> TestResult {
    let (before, _rx, client) = start(8, |r| r).await?;
    let kept = before.register("s1")?;
    let base = kept.split("/callbacks/").next().unwrap_or_default().to_owned();

    // A new process: the same public base URL, no subscriptions yet, listening on another port here.
    let (after, mut rx) = CallbackReceiver::new(&base, 8)?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let here = kept.replacen(&base, &format!("http://{}/hooks", listener.local_addr()?), 1);
    tokio::spawn(after.clone().serve(listener));
    assert_eq!(client.post(&here).body("{}").send().await?.status(), StatusCode::UNAUTHORIZED);

    assert!(after.restore(&here).is_err(), "a URL under another base URL is not this receiver's");
    for bad in [without_query(&kept).to_owned(), with_sig(&kept, "abc"), format!("{kept}&x=1")] {
        assert!(after.restore(&bad).is_err(), "{bad}");
    }
    assert_eq!(after.restore(&kept)?, "s1");
    assert_eq!(client.post(&here).body("{}").send().await?.status(), StatusCode::ACCEPTED);
    assert_eq!(rx.try_recv()?.subscription, "s1");
    Ok(())
}

#[tokio::test]
async fn secrets_are_absent_from_debug() -> TestResult {
    let (receiver, mut rx, client) = start(8, |r| r).await?;
    let url = receiver.register("debug-sub")?;
    let sig = url.split_once("?sig=").map(|(_, sig)| sig.to_owned()).unwrap_or_default();
    assert_eq!(sig.len(), 64);

    assert_eq!(client.post(&url).body(r#"{"id":"x"}"#).send().await?.status(), StatusCode::ACCEPTED);
    // Change the last hex digit (to one that differs: a fixed '0' would match one secret in sixteen).
    let last = if sig.ends_with('0') { '1' } else { '0' };
    let wrong = with_sig(&url, &format!("{}{last}", &sig[..63]));
    assert_eq!(client.post(&wrong).body("{}").send().await?.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(client.get(&url).send().await?.status(), StatusCode::OK);
    let callback = rx.try_recv()?;

    let debug = format!("{receiver:?} {callback:?}");
    assert!(debug.contains("debug-sub"), "{debug}");
    assert!(!debug.contains(&sig), "secret in Debug: {debug}");
    let traces = String::from_utf8_lossy(&traces().0.lock().map(|b| b.clone()).unwrap_or_default()).into_owned();
    assert!(traces.contains("debug-sub"), "the callbacks were not traced: {traces}");
    assert!(!traces.contains(&sig), "secret in traces: {traces}");
    assert!(!traces.contains("sig="), "a URL with its query in traces: {traces}");
    Ok(())
}
