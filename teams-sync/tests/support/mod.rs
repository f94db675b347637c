//! A fake Microsoft Graph serving a generated dataset (used by the dataset tests and the ingest benchmark):
//! teams with settings, channels and members; root messages with every field teams-sync stores, some with
//! replies; one team answering 403; optional throttling bursts (`429` with `Retry-After: 0`); an optional
//! injected failure; `@odata.nextLink` paging that honours `$top`; and `$expand=replies`, which inlines at most
//! `inline_replies` replies per message and links to the rest with `replies@odata.nextLink`, as Graph does.

#![allow(dead_code, unreachable_pub)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// One root message of a channel, with its replies: (team, channel, message, replies).
pub type Thread = (String, String, Value, Vec<Value>);

/// How many requests in a row a throttling burst refuses.
pub const BURST: usize = 3;

/// The teams the fake serves; `t3` answers 403 to everything under `/teams/t3`.
pub const TEAMS: [&str; 3] = ["t1", "t2", "t3"];
/// The channels of each readable team.
pub const CHANNELS: [&str; 2] = ["c1", "c2"];

/// The fake Graph's data and behaviour.
pub struct Dataset {
    pub base: Mutex<String>,
    /// Root messages of every channel, each with its replies.
    pub messages: Mutex<Vec<Thread>>,
    pub requests: AtomicUsize,
    /// Throttling bursts: every `throttle_every` requests, three in a row answer 429 with `Retry-After` (the
    /// retried request meets the whole burst). 0: no throttling.
    pub throttle_every: usize,
    /// Fail (400) every message page request after this many, to simulate a killed run.
    pub fail_after_message_pages: Mutex<Option<usize>>,
    pub message_pages: AtomicUsize,
    /// How many replies `$expand=replies` puts inline: Graph inlines up to 1,000; the tests' datasets inline 3 so
    /// that some messages overflow into `replies@odata.nextLink`.
    pub inline_replies: usize,
}

fn at(minute: usize) -> String {
    format!("2026-11-{:02}T{:02}:{:02}:00Z", 1 + minute / 1440, minute / 60 % 24, minute % 60)
}

/// A message posted at `minute` with every field teams-sync stores; `minute` also varies the optional parts
/// (an edit, high importance, an attachment, a mention, a reaction).
pub fn message(id: &str, minute: usize, text: &str) -> Value {
    let user = |n: usize| {
        json!({"@odata.type": "#microsoft.graph.teamworkUserIdentity", "id": format!("user-{n}"),
               "displayName": format!("User {n}"), "userIdentityType": "aadUser"})
    };
    let attachments = if minute.is_multiple_of(11) {
        json!([{"id": format!("{id}-a"), "contentType": "reference", "name": "plan.docx",
                "contentUrl": "https://contoso.sharepoint.com/plan.docx"}])
    } else {
        json!([])
    };
    let mentions = if minute.is_multiple_of(9) {
        json!([{"id": 0, "mentionText": "User 2", "mentioned": {"user": user(2)}}])
    } else {
        json!([])
    };
    let reactions = if minute.is_multiple_of(8) {
        json!([{"reactionType": "like", "createdDateTime": at(minute + 1), "user": {"user": user(3)}}])
    } else {
        json!([])
    };
    json!({
        "id": id,
        "replyToId": null,
        "messageType": "message",
        "createdDateTime": at(minute),
        "lastModifiedDateTime": at(minute),
        "lastEditedDateTime": if minute.is_multiple_of(7) { json!(at(minute)) } else { Value::Null },
        "deletedDateTime": null,
        "importance": if minute.is_multiple_of(13) { "high" } else { "normal" },
        "from": {"user": user(minute % 5)},
        "body": {"contentType": "html", "content": format!("<p>{text}</p>")},
        "attachments": attachments,
        "mentions": mentions,
        "reactions": reactions,
    })
}

/// A reply to `root` posted at `minute`.
pub fn reply(root: &str, id: &str, minute: usize, text: &str) -> Value {
    let mut reply = message(id, minute, text);
    reply["replyToId"] = json!(root);
    reply
}

/// The team resource behind `GET /teams/{id}` (the group list carries only some of its fields).
pub fn team(id: &str) -> Value {
    json!({
        "id": id,
        "displayName": format!("Team {id}"),
        "description": format!("The {id} team"),
        "visibility": "private",
        "isArchived": id == "t2",
        "createdDateTime": "2026-01-05T08:00:00Z",
        "memberSettings": {"allowCreateUpdateChannels": true, "allowDeleteChannels": id == "t1"},
        "guestSettings": {"allowCreateUpdateChannels": false, "allowDeleteChannels": false},
        "messagingSettings": {"allowUserEditMessages": true, "allowUserDeleteMessages": true},
        "funSettings": {"allowGiphy": true, "giphyContentRating": "moderate"},
    })
}

pub fn channel(team: &str, id: &str) -> Value {
    json!({
        "id": id,
        "displayName": format!("Channel {id}"),
        "description": null,
        "membershipType": if id == "c1" { "standard" } else { "private" },
        "email": format!("{team}-{id}@contoso.com"),
        "webUrl": format!("https://teams.microsoft.com/l/channel/{id}"),
        "createdDateTime": "2026-01-06T08:00:00Z",
        "isFavoriteByDefault": id == "c1",
        "isArchived": false,
    })
}

pub fn members(team: &str) -> Vec<Value> {
    (0..3)
        .map(|n| {
            json!({
                "@odata.type": "#microsoft.graph.aadUserConversationMember",
                "id": format!("{team}-member-{n}"),
                "roles": if n == 0 { json!(["owner"]) } else { json!([]) },
                "displayName": format!("User {n}"),
                "userId": format!("user-{n}"),
                "email": format!("user{n}@contoso.com"),
                "visibleHistoryStartDateTime": "0001-01-01T00:00:00Z",
            })
        })
        .collect()
}

impl Dataset {
    /// The tests' dataset: 600 messages per channel (2,400 in all), 3 replies inline per message.
    pub fn new(throttle_every: usize) -> Arc<Self> {
        Self::with_size(600, throttle_every, 3)
    }

    /// Teams t1 and t2, channels c1 and c2, `per_channel` root messages each. Every tenth message has a reply;
    /// every fiftieth has five. `$expand=replies` inlines `inline_replies` of them.
    pub fn with_size(per_channel: usize, throttle_every: usize, inline_replies: usize) -> Arc<Self> {
        let mut messages = Vec::new();
        for team in &TEAMS[..2] {
            for channel in CHANNELS {
                for n in 0..per_channel {
                    let id = format!("{team}-{channel}-m{n:05}");
                    let count = if n.is_multiple_of(50) {
                        5
                    } else if n.is_multiple_of(10) {
                        1
                    } else {
                        0
                    };
                    let replies =
                        (1..=count).map(|r| reply(&id, &format!("{id}-r{r}"), 2 * n + r, &format!("re {n}"))).collect();
                    messages.push((
                        team.to_string(),
                        channel.to_owned(),
                        message(&id, 2 * n, &format!("hello {n}")),
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
            inline_replies,
        })
    }

    /// The number of replies Graph would not inline: one overflow page per message with more than that.
    pub fn overflowing_threads(&self) -> usize {
        self.messages.lock().map(|m| m.iter().filter(|t| t.3.len() > self.inline_replies).count()).unwrap_or(0)
    }

    fn link(&self, path: &str, top: usize, skip: usize) -> String {
        let base = self.base.lock().map(|b| b.clone()).unwrap_or_default();
        format!("{base}{path}?$top={top}&$skiptoken={skip}")
    }

    fn page(&self, request: &Request, items: Vec<Value>) -> ResponseTemplate {
        self.page_of(request, &items, Value::clone)
    }

    /// One page of `items` as `$top` and `$skiptoken` ask, rendering only the items served.
    fn page_of<T>(&self, request: &Request, items: &[T], render: impl Fn(&T) -> Value) -> ResponseTemplate {
        let query: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
        let get = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let top = get("$top").and_then(|t| t.parse::<usize>().ok()).unwrap_or(20).clamp(1, 50);
        let skip = get("$skiptoken").and_then(|t| t.parse::<usize>().ok()).unwrap_or(0);
        let end = (skip + top).min(items.len());
        let page: Vec<Value> = items.get(skip..end).unwrap_or_default().iter().map(render).collect();
        let mut body = json!({ "value": page });
        if end < items.len() {
            // Like Graph, the next link carries the request's other options ($expand, $select, ...).
            let mut link = self.link(request.url.path(), top, end);
            for (name, value) in query.iter().filter(|(n, _)| n != "$top" && n != "$skiptoken") {
                link.push_str(&format!("&{name}={value}"));
            }
            body["@odata.nextLink"] = json!(link);
        }
        ResponseTemplate::new(200).set_body_json(body)
    }
}

pub struct FakeGraph(Arc<Dataset>);

impl Respond for FakeGraph {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let data = &self.0;
        let n = data.requests.fetch_add(1, Ordering::SeqCst) + 1;
        if data.throttle_every > 0 && n % data.throttle_every < BURST {
            return ResponseTemplate::new(429)
                .insert_header("Retry-After", "0")
                .set_body_json(json!({"error": {"code": "TooManyRequests", "message": "Too many requests"}}));
        }
        let segments: Vec<&str> = request.url.path().trim_start_matches("/v1.0/").split('/').collect();
        let expand = request.url.query_pairs().any(|(k, v)| k == "$expand" && v == "replies");
        // Only the served page is copied: the dataset is large and most requests read a small part of it.
        let Ok(messages) = data.messages.lock() else { return ResponseTemplate::new(500) };
        match segments.as_slice() {
            ["groups"] => {
                let groups = TEAMS
                    .iter()
                    .map(|t| json!({"id": t, "displayName": format!("Team {t}"), "visibility": "Private"}))
                    .collect();
                data.page(request, groups)
            }
            ["teams", "t3", ..] => ResponseTemplate::new(403)
                .set_body_json(json!({"error": {"code": "Forbidden", "message": "no access"}})),
            ["teams", id, ..] if !TEAMS.contains(id) => ResponseTemplate::new(404)
                .set_body_json(json!({"error": {"code": "NotFound", "message": "No team found with Group Id"}})),
            ["teams", id] => ResponseTemplate::new(200).set_body_json(team(id)),
            ["teams", team, "channels"] => data.page(request, CHANNELS.iter().map(|c| channel(team, c)).collect()),
            ["teams", team, "members"] => data.page(request, members(team)),
            ["teams", team, "channels", channel, "messages"] => {
                let page = data.message_pages.fetch_add(1, Ordering::SeqCst);
                if data.fail_after_message_pages.lock().map(|f| f.is_some_and(|limit| page >= limit)).unwrap_or(false) {
                    return ResponseTemplate::new(400)
                        .set_body_json(json!({"error": {"code": "Killed", "message": "simulated crash"}}));
                }
                let path = request.url.path();
                let threads: Vec<&Thread> = messages
                    .iter()
                    .rev() // newest first, like Graph
                    .filter(|(t, c, _, _)| t == team && c == channel)
                    .collect();
                data.page_of(request, &threads, |(_, _, m, replies)| {
                    let mut m = m.clone();
                    if expand {
                        let id = m["id"].as_str().unwrap_or_default().to_owned();
                        m["replies"] = json!(replies.iter().take(data.inline_replies).collect::<Vec<_>>());
                        if replies.len() > data.inline_replies {
                            let replies_path = format!("{path}/{id}/replies");
                            m["replies@odata.nextLink"] = json!(data.link(&replies_path, 50, data.inline_replies));
                        }
                    }
                    m
                })
            }
            ["teams", team, "channels", channel, "messages", id, "replies"] => {
                let replies = messages
                    .iter()
                    .filter(|(t, c, _, _)| t == team && c == channel)
                    .find(|(_, _, m, _)| m.get("id").and_then(Value::as_str) == Some(*id))
                    .map(|(_, _, _, r)| r.as_slice())
                    .unwrap_or_default();
                data.page_of(request, replies, Value::clone)
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
