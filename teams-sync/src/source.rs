//! Graph as a sync source: each table maps to one paged list call of the generated client.

use connector_msgraph_teams::Client;
use connector_runtime::paging::Page;
use connector_runtime::{Error, ErrorKind, ItemStream};
use connector_sync::{Scope, Source, Table};
use futures::{StreamExt, TryStreamExt};
use serde_json::Value;

/// The filter that makes `/groups` list teams only.
pub const TEAMS_FILTER: &str = "resourceProvisioningOptions/Any(x:x eq 'Team')";

/// Reads tables from Microsoft Graph through the generated client.
#[derive(Clone, Debug)]
pub struct GraphSource {
    client: Client,
    top: Option<i32>,
}

impl GraphSource {
    /// A source over `client`, asking for `top` items per page where Graph allows it (at most 50 for messages).
    pub fn new(client: Client, top: Option<i32>) -> Self {
        GraphSource { client, top }
    }

    /// Requests, retries and throttled waits so far (shared by every call of this source).
    pub fn stats(&self) -> connector_runtime::CallStats {
        self.client.connection().stats()
    }

    fn message_top(&self) -> i32 {
        self.top.unwrap_or(50).clamp(1, 50)
    }

    /// The ids of a parent list (light `$select=id` queries): all teams, a team's channels, a channel's messages.
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
            ("messages", [team, channel]) => {
                to_values(self.client.list_channel_messages(*team, *channel).top(self.message_top()).into_stream())
                    .try_collect()
                    .await?
            }
            _ => return Err(unknown(table)),
        };
        Ok(ids.iter().filter_map(|v| v.get("id").and_then(Value::as_str).map(str::to_owned)).collect())
    }
}

fn parents(scope: &Scope) -> Vec<&str> {
    scope.parents.iter().map(|(_, id)| id.as_str()).collect()
}

fn unknown(table: &str) -> Error {
    Error::new(ErrorKind::Config, format!("teams-sync has no table `{table}` in that scope"))
}

fn to_values<T: serde::Serialize + Send + 'static>(stream: ItemStream<T>) -> ItemStream<Value> {
    Box::pin(stream.map(|item| item.and_then(|item| serde_json::to_value(item).map_err(encode_error))))
}

fn page_values<T: serde::Serialize + Send + 'static>(stream: ItemStream<Page<T>>) -> ItemStream<Page<Value>> {
    Box::pin(stream.map(|page| {
        page.and_then(|page| {
            let items = page.items.into_iter().map(serde_json::to_value).collect::<Result<Vec<_>, _>>();
            items.map(|items| Page { items, next_link: page.next_link }).map_err(encode_error)
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
            ("teams", []) => {
                let mut call = client.list_teams().filter(TEAMS_FILTER);
                if let Some(top) = self.top {
                    call = call.top(top.clamp(1, 999));
                }
                page_values(call.into_pages())
            }
            ("channels", [team]) => page_values(client.list_channels(*team).into_pages()),
            ("members", [team]) => {
                let mut call = client.list_members(*team);
                if let Some(top) = self.top {
                    call = call.top(top.clamp(1, 999));
                }
                page_values(call.into_pages())
            }
            ("messages", [team, channel]) => {
                page_values(client.list_channel_messages(*team, *channel).top(self.message_top()).into_pages())
            }
            ("message_replies", [team, channel, message]) => {
                page_values(client.list_message_replies(*team, *channel, *message).top(self.message_top()).into_pages())
            }
            (name, _) => {
                let name = name.to_owned();
                Box::pin(futures::stream::once(async move { Err(unknown(&name)) }))
            }
        }
    }
}
