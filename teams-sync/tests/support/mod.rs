//! A fake Microsoft Graph serving a generated dataset (used by the dataset tests and the ingest benchmark):
//! teams with channels, root messages with replies, one team answering 403, optional throttling bursts
//! (`429` with `Retry-After: 0`), an optional injected failure, and `@odata.nextLink` paging that honours `$top`.

#![allow(dead_code, unreachable_pub)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// One root message of a channel, with its replies: (team, channel, message, replies).
pub type Thread = (String, String, Value, Vec<Value>);

/// The fake Graph's data and behaviour.
pub struct Dataset {
    pub base: Mutex<String>,
    /// (team, channel) -> root messages, each with its replies.
    pub messages: Mutex<Vec<Thread>>,
    pub requests: AtomicUsize,
    /// Every `throttle_every`-th request answers 429 with `Retry-After: 0` first.
    pub throttle_every: usize,
    /// Fail (400) every message page request after this many, to simulate a killed run.
    pub fail_after_message_pages: Mutex<Option<usize>>,
    pub message_pages: AtomicUsize,
}

pub fn message(id: &str, minute: usize, text: &str) -> Value {
    json!({"id": id, "messageType": "message", "createdDateTime": format!("2026-11-01T{:02}:{:02}:00Z", minute / 60, minute % 60),
           "lastModifiedDateTime": format!("2026-11-01T{:02}:{:02}:00Z", minute / 60, minute % 60),
           "deletedDateTime": null, "body": {"contentType": "text", "content": text}})
}

impl Dataset {
    /// The tests' dataset: teams t1 and t2 with channels c1 and c2 of 600 messages each (t3 answers 403).
    pub fn new(throttle_every: usize) -> Arc<Self> {
        Self::with_size(600, throttle_every)
    }

    /// Teams t1 and t2, channels c1 and c2, `per_channel` root messages each; every tenth has a reply.
    pub fn with_size(per_channel: usize, throttle_every: usize) -> Arc<Self> {
        let mut messages = Vec::new();
        for team in ["t1", "t2"] {
            for channel in ["c1", "c2"] {
                for n in 0..per_channel {
                    let id = format!("{team}-{channel}-m{n:04}");
                    let replies =
                        if n % 10 == 0 { vec![message(&format!("{id}-r1"), n + 1, "reply")] } else { Vec::new() };
                    messages.push((
                        team.to_owned(),
                        channel.to_owned(),
                        message(&id, n, &format!("hello {n}")),
                        replies,
                    ));
                }
            }
        }
        Arc::new(Dataset {
            base: Mutex::new(String::new()),
            messages: Mutex::new(messages),
            requests: AtomicUsize::new(0),
            throttle_every,
            fail_after_message_pages: Mutex::new(None),
            message_pages: AtomicUsize::new(0),
        })
    }

    fn page(&self, request: &Request, items: Vec<&Value>) -> ResponseTemplate {
        let query: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
        let get = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let top = get("$top").and_then(|t| t.parse::<usize>().ok()).unwrap_or(20).clamp(1, 50);
        let skip = get("$skiptoken").and_then(|t| t.parse::<usize>().ok()).unwrap_or(0);
        let end = (skip + top).min(items.len());
        let page: Vec<&Value> = items.get(skip..end).map(<[&Value]>::to_vec).unwrap_or_default();
        let mut body = json!({ "value": page });
        if end < items.len() {
            let mut next = request.url.clone();
            next.query_pairs_mut()
                .clear()
                .append_pair("$top", &top.to_string())
                .append_pair("$skiptoken", &end.to_string());
            let base = self.base.lock().map(|b| b.clone()).unwrap_or_default();
            body["@odata.nextLink"] = json!(format!("{base}{}?{}", next.path(), next.query().unwrap_or("")));
        }
        ResponseTemplate::new(200).set_body_json(body)
    }
}

pub struct FakeGraph(Arc<Dataset>);

impl Respond for FakeGraph {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let data = &self.0;
        let n = data.requests.fetch_add(1, Ordering::SeqCst) + 1;
        if data.throttle_every > 0 && n.is_multiple_of(data.throttle_every) {
            return ResponseTemplate::new(429).insert_header("Retry-After", "0");
        }
        let segments: Vec<&str> = request.url.path().trim_start_matches("/v1.0/").split('/').collect();
        // Only the served page is copied: the dataset is large and most requests read a small part of it.
        let Ok(messages) = data.messages.lock() else { return ResponseTemplate::new(500) };
        match segments.as_slice() {
            ["groups"] => {
                let teams = [json!({"id": "t1", "displayName": "One"}), json!({"id": "t2"}), json!({"id": "t3"})];
                data.page(request, teams.iter().collect())
            }
            ["teams", "t3", ..] => ResponseTemplate::new(403)
                .set_body_json(json!({"error": {"code": "Forbidden", "message": "no access"}})),
            ["teams", _, "channels"] => {
                let channels = [json!({"id": "c1"}), json!({"id": "c2"})];
                data.page(request, channels.iter().collect())
            }
            ["teams", _, "members"] => {
                let members = [json!({"id": "u1", "roles": ["owner"]})];
                data.page(request, members.iter().collect())
            }
            ["teams", team, "channels", channel, "messages"] => {
                let page = data.message_pages.fetch_add(1, Ordering::SeqCst);
                if data.fail_after_message_pages.lock().map(|f| f.is_some_and(|limit| page >= limit)).unwrap_or(false) {
                    return ResponseTemplate::new(400)
                        .set_body_json(json!({"error": {"code": "Killed", "message": "simulated crash"}}));
                }
                let mut items: Vec<&Value> =
                    messages.iter().filter(|(t, c, _, _)| t == team && c == channel).map(|(_, _, m, _)| m).collect();
                items.reverse(); // newest first, like Graph
                data.page(request, items)
            }
            ["teams", _, "channels", _, "messages", id, "replies"] => {
                let replies: Vec<&Value> = messages
                    .iter()
                    .find(|(_, _, m, _)| m["id"] == *id)
                    .map(|(_, _, _, r)| r.iter().collect())
                    .unwrap_or_default();
                data.page(request, replies)
            }
            _ => ResponseTemplate::new(404),
        }
    }
}

pub async fn start(data: &Arc<Dataset>) -> MockServer {
    let server = MockServer::start().await;
    if let Ok(mut base) = data.base.lock() {
        *base = server.uri();
    }
    Mock::given(wiremock::matchers::any()).respond_with(FakeGraph(data.clone())).mount(&server).await;
    server
}
