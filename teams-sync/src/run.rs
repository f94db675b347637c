//! One teams-sync run: teams, then per team its channels and members, then per channel its messages, then per
//! message its replies. Parents that answer 403 or 404 are skipped and reported, not fatal.
//!
//! Explicit ids narrow a level: `teams` skips team discovery and the `teams` table (a snapshot of a subset would
//! report every other team as vanished), `channels` skips channel discovery, `messages` syncs replies of those
//! messages only. Without ids every parent is discovered: teams from the teams table's own listing, channels with
//! a light `$select=id` list, the messages with replies from the channel's own message read (see
//! [`crate::source`]).

use std::time::Duration;

use connector_runtime::ErrorKind;
use connector_sync::{Engine, Scope, Sink, TableReport};

use crate::source::GraphSource;
use crate::tables;

/// What to sync.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Only these teams (all teams when empty).
    pub teams: Vec<String>,
    /// Only these channels (all channels of each team when empty).
    pub channels: Vec<String>,
    /// Only the replies of these messages (all messages with replies when empty).
    pub messages: Vec<String>,
    /// How far before the stored cursor incremental tables read again.
    pub lookback: Duration,
    /// Most pages per table run.
    pub max_pages: Option<usize>,
    /// Where messages and replies start on a first run (RFC 3339); default: everything.
    pub start_date: Option<String>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            teams: Vec::new(),
            channels: Vec::new(),
            messages: Vec::new(),
            lookback: Duration::from_secs(300),
            max_pages: None,
            start_date: None,
        }
    }
}

/// What a run did.
#[derive(Clone, Debug, Default)]
pub struct RunSummary {
    /// One report per table run: (table, scope key, report).
    pub tables: Vec<(String, String, TableReport)>,
    /// Parents skipped, with why (403: missing permission or consent; 404: unknown id).
    pub skipped: Vec<(String, String)>,
}

impl RunSummary {
    /// Rows inserted, updated and unchanged across all tables.
    pub fn totals(&self) -> (usize, usize, usize) {
        self.tables
            .iter()
            .fold((0, 0, 0), |(i, u, n), (_, _, r)| (i + r.rows.inserted, u + r.rows.updated, n + r.rows.unchanged))
    }
}

/// Called after each table run with the table, its scope and what it did (for progress display).
pub type Progress<'a> = &'a (dyn Fn(&str, &str, &TableReport) + Sync);

/// Runs every table once.
pub async fn run(
    source: &GraphSource,
    sink: &mut dyn Sink,
    options: &RunOptions,
    progress: Progress<'_>,
) -> connector_runtime::Result<RunSummary> {
    let mut summary = Summary { inner: RunSummary::default(), progress };
    let root = Scope::root();
    let mut engine = Engine::new(source, sink).with_start(options.start_date.clone());
    if let Some(pages) = options.max_pages {
        engine = engine.with_max_pages(pages);
    }
    let team_ids = if options.teams.is_empty() {
        let report = engine.sync(&tables::teams(), &root).await?;
        let complete = !report.truncated;
        summary.push(("teams".into(), String::new(), report));
        summary.inner.skipped.extend(source.take_skipped());
        // The teams table just listed every team; only a run cut by --max-pages needs a discovery list.
        if complete { source.take_listed_teams() } else { source.discover("teams", &root).await? }
    } else {
        options.teams.clone()
    };
    for team in team_ids {
        let team_scope = root.child("team_id", &team);
        let mut team_ok = true;
        for table in [tables::channels(), tables::members()] {
            match engine.sync(&table, &team_scope).await {
                Ok(report) => summary.push((table.name.clone(), team_scope.key(), report)),
                Err(err) if skippable(&err) => {
                    summary.inner.skipped.push((format!("team {team}"), reason(&err)));
                    team_ok = false;
                    break;
                }
                Err(err) => return Err(err),
            }
        }
        if !team_ok {
            continue;
        }
        let channel_ids = if options.channels.is_empty() {
            source.discover("channels", &team_scope).await?
        } else {
            options.channels.clone()
        };
        for channel in channel_ids {
            let channel_scope = team_scope.child("channel_id", &channel);
            match engine.sync(&tables::messages(options.lookback), &channel_scope).await {
                Ok(report) => summary.push(("messages".into(), channel_scope.key(), report)),
                Err(err) if skippable(&err) => {
                    summary.inner.skipped.push((format!("channel {channel}"), reason(&err)));
                    source.forget_threads(&channel_scope);
                    continue;
                }
                Err(err) => return Err(err),
            }
            if !source.replies() {
                continue;
            }
            let threads =
                if options.messages.is_empty() { source.threads(&channel_scope) } else { options.messages.clone() };
            for message in threads {
                let message_scope = channel_scope.child("parent_message_id", &message);
                match engine.sync(&tables::message_replies(options.lookback), &message_scope).await {
                    Ok(report) => summary.push(("message_replies".into(), message_scope.key(), report)),
                    Err(err) if skippable(&err) => {
                        summary.inner.skipped.push((format!("message {message}"), reason(&err)))
                    }
                    Err(err) => return Err(err),
                }
            }
            source.forget_threads(&channel_scope);
        }
    }
    Ok(summary.inner)
}

/// The summary being built, reporting each table run as it lands.
struct Summary<'a> {
    inner: RunSummary,
    progress: Progress<'a>,
}

impl Summary<'_> {
    fn push(&mut self, (table, scope, report): (String, String, TableReport)) {
        (self.progress)(&table, &scope, &report);
        self.inner.tables.push((table, scope, report));
    }
}

fn skippable(err: &connector_runtime::Error) -> bool {
    err.kind() == ErrorKind::Status && err.status().is_some_and(|s| s.as_u16() == 403 || s.as_u16() == 404)
}

fn reason(err: &connector_runtime::Error) -> String {
    match err.status().map(|s| s.as_u16()) {
        Some(403) => format!(
            "403: missing permission or consent{} ({})",
            permission_for(err.operation()).map(|p| format!(" for {p}")).unwrap_or_default(),
            err.service_message().unwrap_or("forbidden")
        ),
        Some(404) => "404: unknown id".to_owned(),
        _ => err.to_string(),
    }
}

/// The application permission a Graph operation needs, to name it when Graph answers 403.
pub fn permission_for(operation: Option<&str>) -> Option<&'static str> {
    match operation? {
        "listTeams" => Some("Group.Read.All (or GroupMember.Read.All)"),
        "getTeam" => Some("Team.ReadBasic.All"),
        "listChannels" => Some("Channel.ReadBasic.All"),
        "listMembers" => Some("TeamMember.Read.All"),
        "listChannelMessages" | "listMessageReplies" => Some("ChannelMessage.Read.All"),
        _ => None,
    }
}
