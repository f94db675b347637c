//! A fake connector service on 127.0.0.1 that speaks the trigger protocols the way the API Hub does: Office 365's
//! `OnNewEmailV3` polling trigger (202 with a cursor in `Location`, 200 batches with `Retry-After: 0`, 202 again)
//! and a Teams webhook subscription that posts callbacks to the registered URL and can be deleted.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

#[derive(Default)]
struct Fake {
    base: String,
}

type Shared = Arc<Mutex<Fake>>;

/// Starts the fake connector; returns its base URL (`http://127.0.0.1:port`) and whether the webhook was deleted.
pub async fn start() -> std::io::Result<(String, Arc<Mutex<bool>>)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let state: Shared = Arc::new(Mutex::new(Fake { base: base.clone() }));
    let deleted = Arc::new(Mutex::new(false));
    let deleted_flag = deleted.clone();
    let app = Router::new()
        .route("/apim/office365/c1/v3/Mail/OnNewEmail", get(on_new_email))
        .route("/apim/teams/c1/beta/subscriptions/chatmessagetrigger", post(subscribe))
        .route(
            "/apim/teams/c1/beta/subscriptions/sub-1",
            delete(move || async move {
                if let Ok(mut flag) = deleted_flag.lock() {
                    *flag = true;
                }
                StatusCode::OK
            }),
        )
        .with_state(state);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok((base, deleted))
}

fn with_headers(status: StatusCode, body: Option<Value>, headers: &[(&str, String)]) -> Response {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (name.parse::<axum::http::HeaderName>(), HeaderValue::from_str(value)) {
            map.insert(name, value);
        }
    }
    match body {
        Some(body) => (status, map, Json(body)).into_response(),
        None => (status, map).into_response(),
    }
}

/// The polling protocol, keyed by the cursor the previous answer put into `Location`.
async fn on_new_email(State(state): State<Shared>, Query(query): Query<HashMap<String, String>>) -> Response {
    let base = state.lock().map(|f| f.base.clone()).unwrap_or_default();
    let next = |cursor: u32| format!("{base}/apim/office365/c1/v3/Mail/OnNewEmail?LastPollInformation={cursor}");
    let mail = |id: &str, subject: &str| json!({"id": id, "subject": subject, "from": "ann@contoso.com"});
    match query.get("LastPollInformation").map(String::as_str) {
        None => with_headers(StatusCode::ACCEPTED, None, &[("Location", next(1)), ("Retry-After", "0".into())]),
        Some("1") => with_headers(
            StatusCode::OK,
            Some(json!({"value": [mail("AAMk-1", "Quarterly report"), mail("AAMk-2", "Lunch?")]})),
            &[("Location", next(2)), ("Retry-After", "0".into())],
        ),
        Some("2") => with_headers(
            StatusCode::OK,
            Some(json!({"value": [mail("AAMk-3", "Re: Lunch?")]})),
            &[("Location", next(3)), ("Retry-After", "0".into())],
        ),
        Some(_) => with_headers(StatusCode::ACCEPTED, None, &[("Retry-After", "0".into())]),
    }
}

/// A webhook subscription: answers 201 with the subscription's `Location`, then posts two events to the
/// callback URL from the request body, as the connector would when messages arrive.
async fn subscribe(State(state): State<Shared>, Json(body): Json<Value>) -> Response {
    let base = state.lock().map(|f| f.base.clone()).unwrap_or_default();
    let Some(callback) = body.get("notificationUrl").and_then(Value::as_str).map(str::to_owned) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    tokio::spawn(async move {
        let client = connector_runtime::reqwest::Client::new();
        for (n, text) in ["Hello team", "Ship it"].iter().enumerate() {
            let event = json!({"body": {"value": [{
                "conversationId": format!("19:chat-{n}"),
                "messageId": format!("msg-{n}"),
                "linkToMessage": format!("https://teams.example/msg-{n}"),
                "text": text
            }]}});
            let _ =
                client.post(&callback).header("content-type", "application/json").body(event.to_string()).send().await;
        }
    });
    with_headers(StatusCode::CREATED, None, &[("Location", format!("{base}/apim/teams/c1/beta/subscriptions/sub-1"))])
}
