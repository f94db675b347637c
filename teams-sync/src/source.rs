//! Graph as a sync source: each table maps to paged list calls of the generated client.
//!
//! Two tables need more than one list call:
//! - `teams`: `/groups` lists the teams, but only `GET /teams/{id}` carries their settings (member, guest,
//!   messaging, fun), so each listed team is read once more. A team that is gone keeps its group row; a 403
//!   (no Team.ReadBasic.All) stops these reads for the run and is reported.
//! - `message_replies`: Graph cannot filter channel messages, so every run reads a channel's whole message list
//!   anyway. With replies on, that read asks for `$expand=replies`: each message brings its replies inline (and a
//!   `replies@odata.nextLink` when it has more than Graph inlines). The source keeps them (up to a bound, see
//!   [`crate::threads`]) until the replies table of that message is synced, so replies cost requests only for
//!   the overflow, not one list call per message.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use connector_msgraph_teams::Client;
use connector_msgraph_teams::models::ChatMessage;
use connector_runtime::paging::Page;
use connector_runtime::reqwest::Method;
use connector_runtime::{ConnectorInfo, Error, ErrorKind, ItemStream, Operation, Paging};
use connector_sync::{Scope, Source, Table};
use futures::{StreamExt, TryStreamExt};
use serde_json::Value;

use crate::threads::{Thread, Threads, message_key};

/// The filter that makes `/groups` list teams only.
pub const TEAMS_FILTER: &str = "resourceProvisioningOptions/Any(x:x eq 'Team')";

/// The largest page Graph serves for channel messages and replies.
pub const MAX_MESSAGE_TOP: i32 = 50;

static GRAPH: ConnectorInfo =
    ConnectorInfo { name: "msgraph-teams", api_key: None, scopes: &["https://graph.microsoft.com/.default"] };

/// Following a message's `replies@odata.nextLink` (named like the generated operation it continues).
static MORE_REPLIES: Operation = Operation::new(
    &GRAPH,
    "listMessageReplies",
    Method::GET,
    "/teams/{team-id}/channels/{channel-id}/messages/{message-id}/replies",
);

/// Following a channel's message list from a stored next link (a pass resumed after `--max-pages`).
static MORE_MESSAGES: Operation =
    Operation::new(&GRAPH, "listChannelMessages", Method::GET, "/teams/{team-id}/channels/{channel-id}/messages");

/// Reads tables from Microsoft Graph through the generated client.
#[derive(Clone, Debug)]
pub struct GraphSource {
    client: Client,
    top: Option<i32>,
    replies: bool,
    /// Inline replies of the messages read in this run; shared by clones.
    threads: Arc<Mutex<Threads>>,
    /// `GET /teams/{id}` answered 403 before any success (no Team.ReadBasic.All): not asked again this run.
    team_details_refused: Arc<AtomicBool>,
    /// `GET /teams/{id}` succeeded at least once this run, so a later 403 concerns one team only.
    team_details_allowed: Arc<AtomicBool>,
    /// Team ids the teams table listed in this run (so discovery need not list them again).
    listed_teams: Arc<Mutex<Vec<String>>>,
    /// Things this source skipped, with why, for the run summary.
    skipped: Arc<Mutex<Vec<(String, String)>>>,
}

impl GraphSource {
    /// A source over `client`, asking for `top` items per page where Graph allows it (at most 50 for messages),
    /// with replies read alongside messages.
    pub fn new(client: Client, top: Option<i32>) -> Self {
        GraphSource {
            client,
            top,
            replies: true,
            threads: Arc::default(),
            team_details_refused: Arc::default(),
            team_details_allowed: Arc::default(),
            listed_teams: Arc::default(),
            skipped: Arc::default(),
        }
    }

    /// Leaves replies out: messages are read without `$expand=replies` and the replies table is not synced.
    pub fn without_replies(mut self) -> Self {
        self.replies = false;
        self
    }

    /// Whether replies are synced.
    pub fn replies(&self) -> bool {
        self.replies
    }

    /// Requests, retries, throttled and paced waits so far (shared by every call of this source).
    pub fn stats(&self) -> connector_runtime::CallStats {
        self.client.connection().stats()
    }

    fn message_top(&self) -> i32 {
        self.top.unwrap_or(MAX_MESSAGE_TOP).clamp(1, MAX_MESSAGE_TOP)
    }

    /// The ids of a parent list (light `$select=id` queries): all teams, or a team's channels.
    pub async fn discover(&self, table: &str, scope: &Scope) -> connector_runtime::Result<Vec<String>> {
        let ids: Vec<Value> = match (table, parents(scope).as_slice()) {
            ("teams", []) => {
                to_values(self.client.list_teams().filter(TEAMS_FILTER).select(["id"]).top(999).into_stream())
                    .try_collect()
                    .await?
            }
            ("channels", [team]) => {
                to_values(self.client.list_channels(*team).select(["id"]).into_stream()).try_collect().await?
            }
            _ => return Err(unknown(table)),
        };
        Ok(ids.iter().filter_map(|v| v.get("id").and_then(Value::as_str).map(str::to_owned)).collect())
    }

    /// The messages of a channel, read in this run, that have replies: the parents of its replies table.
    /// Messages without replies are left out, as syncing them would write nothing.
    pub fn threads(&self, channel: &Scope) -> Vec<String> {
        self.threads.lock().unwrap_or_else(PoisonError::into_inner).with_replies(channel)
    }

    /// Drops what is still kept of a channel's inline replies (messages whose replies were not synced).
    pub fn forget_threads(&self, channel: &Scope) {
        self.threads.lock().unwrap_or_else(PoisonError::into_inner).forget(channel);
    }

    /// The team ids the teams table listed since the last call.
    pub fn take_listed_teams(&self) -> Vec<String> {
        std::mem::take(&mut *self.listed_teams.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// What this source skipped since the last call (a part of a table it was refused), with why.
    pub fn take_skipped(&self) -> Vec<(String, String)> {
        std::mem::take(&mut *self.skipped.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Teams as `/groups` lists them, each completed with its `GET /teams/{id}` (settings included).
    fn teams(&self) -> ItemStream<Page<Value>> {
        let mut call = self.client.list_teams().filter(TEAMS_FILTER);
        if let Some(top) = self.top {
            call = call.top(top.clamp(1, 999));
        }
        self.listed_teams.lock().unwrap_or_else(PoisonError::into_inner).clear();
        let source = self.clone();
        Box::pin(page_values(call.into_pages()).and_then(move |page| {
            let source = source.clone();
            async move {
                let mut items = Vec::with_capacity(page.items.len());
                for group in page.items {
                    items.push(source.with_team_details(group).await?);
                }
                Ok(Page { items, next_link: page.next_link })
            }
        }))
    }

    /// A team's group row completed with the team resource (settings, archive state). A team that is gone (404)
    /// or refuses only itself (403 after other teams answered) keeps its group's fields; its channels run reports
    /// it. A 403 before any success means the app lacks Team.ReadBasic.All: every team keeps its group fields for
    /// the rest of the run, without asking again, and the summary says so.
    async fn with_team_details(&self, mut group: Value) -> connector_runtime::Result<Value> {
        let Some(id) = group.get("id").and_then(Value::as_str).map(str::to_owned) else { return Ok(group) };
        self.listed_teams.lock().unwrap_or_else(PoisonError::into_inner).push(id.clone());
        if self.team_details_refused.load(Ordering::Relaxed) {
            return Ok(group);
        }
        match self.client.get_team(id).await {
            Ok(team) => {
                self.team_details_allowed.store(true, Ordering::Relaxed);
                if let (Value::Object(row), Value::Object(team)) = (&mut group, to_value(team)?) {
                    row.extend(team);
                }
                Ok(group)
            }
            Err(err) if err.status().is_some_and(|s| s.as_u16() == 404) => Ok(group),
            Err(err)
                if err.status().is_some_and(|s| s.as_u16() == 403)
                    && self.team_details_allowed.load(Ordering::Relaxed) =>
            {
                Ok(group)
            }
            Err(err) if err.status().is_some_and(|s| s.as_u16() == 403) => {
                self.team_details_refused.store(true, Ordering::Relaxed);
                let why = format!(
                    "403: missing permission or consent for Team.ReadBasic.All ({}); teams keep their group fields",
                    err.service_message().unwrap_or("forbidden")
                );
                self.skipped.lock().unwrap_or_else(PoisonError::into_inner).push(("team settings".to_owned(), why));
                Ok(group)
            }
            Err(err) => Err(err),
        }
    }

    /// A channel's root messages; with replies on, each brings its replies inline, which are kept aside.
    fn messages(&self, channel: &Scope, team: &str, channel_id: &str) -> ItemStream<Page<Value>> {
        let mut call = self.client.list_channel_messages(team, channel_id).top(self.message_top());
        if self.replies {
            call = call.expand("replies");
        }
        self.keep_threads(channel, call.into_pages())
    }

    /// Message pages with each message's inline replies taken out and kept for its replies table run (dropped
    /// when replies are off, e.g. on pages from a link stored by a run with replies on).
    fn keep_threads(&self, channel: &Scope, pages: ItemStream<Page<ChatMessage>>) -> ItemStream<Page<Value>> {
        let threads = self.threads.clone();
        let keep = self.replies;
        let channel = channel.clone();
        Box::pin(pages.map(move |page| {
            let page = page?;
            let mut items = Vec::with_capacity(page.items.len());
            let mut threads = threads.lock().unwrap_or_else(PoisonError::into_inner);
            for mut message in page.items {
                let replies = message.replies.take().unwrap_or_default();
                let more = message.replies_odata_next_link.take();
                if keep {
                    let replies = replies.into_iter().map(to_value).collect::<Result<_, _>>()?;
                    threads.insert(message_key(&channel, &message.id), replies, more);
                }
                items.push(to_value(message)?);
            }
            Ok(Page { items, next_link: page.next_link })
        }))
    }

    /// A message's replies: those that came inline with it, then the rest through its next link; or, for a
    /// message not read in this run (explicit ids), its replies list.
    fn replies_of(&self, scope: &Scope, team: &str, channel: &str, message: &str) -> ItemStream<Page<Value>> {
        let thread = self.threads.lock().unwrap_or_else(PoisonError::into_inner).take(&scope.key());
        let Some(Thread { replies: Some(replies), more, .. }) = thread else {
            return page_values(
                self.client.list_message_replies(team, channel, message).top(self.message_top()).into_pages(),
            );
        };
        let first = futures::stream::once(futures::future::ready(Ok(Page { items: replies, next_link: more.clone() })));
        match more {
            Some(link) => {
                let rest = self.client.connection().follow_pages::<ChatMessage>(&MORE_REPLIES, &link, Paging::ODATA);
                Box::pin(first.chain(page_values(rest)))
            }
            None => Box::pin(first),
        }
    }
}

fn parents(scope: &Scope) -> Vec<&str> {
    scope.parents.iter().map(|(_, id)| id.as_str()).collect()
}

fn unknown(table: &str) -> Error {
    Error::new(ErrorKind::Config, format!("teams-sync has no table `{table}` in that scope"))
}

fn to_value<T: serde::Serialize>(item: T) -> connector_runtime::Result<Value> {
    serde_json::to_value(item).map_err(encode_error)
}

fn to_values<T: serde::Serialize + Send + 'static>(stream: ItemStream<T>) -> ItemStream<Value> {
    Box::pin(stream.map(|item| item.and_then(to_value)))
}

fn page_values<T: serde::Serialize + Send + 'static>(stream: ItemStream<Page<T>>) -> ItemStream<Page<Value>> {
    Box::pin(stream.map(|page| {
        page.and_then(|page| {
            let items = page.items.into_iter().map(to_value).collect::<Result<Vec<_>, _>>()?;
            Ok(Page { items, next_link: page.next_link })
        })
    }))
}

fn encode_error(e: serde_json::Error) -> Error {
    Error::new(ErrorKind::Encode, "could not re-encode a Graph item").with_source(e)
}

impl Source for GraphSource {
    fn pages(&self, table: &Table, scope: &Scope, _since: Option<&str>) -> ItemStream<Page<Value>> {
        // Graph lists channel messages and replies newest first and supports no $filter on them; the engine
        // keeps only items after the window start, so every page is read (bounded by --max-pages).
        let client = &self.client;
        match (table.name.as_str(), parents(scope).as_slice()) {
            ("teams", []) => self.teams(),
            ("channels", [team]) => page_values(client.list_channels(*team).into_pages()),
            ("members", [team]) => {
                let mut call = client.list_members(*team);
                if let Some(top) = self.top {
                    call = call.top(top.clamp(1, 999));
                }
                page_values(call.into_pages())
            }
            ("messages", [team, channel]) => self.messages(scope, team, channel),
            ("message_replies", [team, channel, message]) => self.replies_of(scope, team, channel, message),
            (name, _) => {
                let name = name.to_owned();
                Box::pin(futures::stream::once(async move { Err(unknown(&name)) }))
            }
        }
    }

    /// Messages and replies continue from a stored next link (Graph's links carry `$top`, `$expand` and the
    /// position); the snapshot tables always start over.
    fn resume(&self, table: &Table, scope: &Scope, next_link: &str) -> Option<ItemStream<Page<Value>>> {
        let connection = self.client.connection();
        match (table.name.as_str(), parents(scope).len()) {
            ("messages", 2) => {
                Some(self.keep_threads(scope, connection.follow_pages(&MORE_MESSAGES, next_link, Paging::ODATA)))
            }
            ("message_replies", 3) => {
                Some(page_values(connection.follow_pages::<ChatMessage>(&MORE_REPLIES, next_link, Paging::ODATA)))
            }
            _ => None,
        }
    }
}
