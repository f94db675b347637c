//! `teams-sync`: copy Microsoft Teams data into SQLite through Microsoft Graph.
//!
//! Credentials come from `AZURE_TENANT_ID`, `AZURE_CLIENT_ID` and `AZURE_CLIENT_SECRET` (an app registration
//! with the application permissions Team.ReadBasic.All, Channel.ReadBasic.All, ChannelMessage.Read.All and
//! TeamMember.Read.All, plus Group.Read.All to list teams, with admin consent).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use connector_runtime::auth::ClientSecretCredential;
use connector_runtime::{Connection, ErrorKind};
use connector_sync::SqliteSink;
use teams_sync::run::{RunOptions, permission_for, run};
use teams_sync::source::GraphSource;

/// The tables, in the order they are synced.
const TABLES: [&str; 5] = ["teams", "channels", "members", "messages", "message_replies"];

#[derive(Parser)]
#[command(
    name = "teams-sync",
    version,
    about = "Copy Microsoft Teams teams, channels, members, messages and replies into SQLite"
)]
struct Cli {
    /// Only this team (repeatable); default: every team the app can see.
    #[arg(long = "team")]
    teams: Vec<String>,
    /// Only this channel of each team (repeatable); default: every channel.
    #[arg(long = "channel")]
    channels: Vec<String>,
    /// Only the replies of this message (repeatable; use with --channel); default: every message with replies.
    #[arg(long = "message", requires = "channels")]
    messages: Vec<String>,
    /// Seconds before the stored cursor that incremental tables read again (late writes).
    #[arg(long, default_value_t = 300)]
    lookback: u64,
    /// Items per page (Graph allows at most 50 for messages and replies).
    #[arg(long)]
    top: Option<i32>,
    /// Most pages per table and parent in one run; messages and replies continue where they stopped next run.
    #[arg(long)]
    max_pages: Option<usize>,
    /// Skip replies (messages are then read without `$expand=replies`).
    #[arg(long)]
    no_replies: bool,
    /// At least this many milliseconds between two requests (stay under Graph's limits rather than be throttled).
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pace: u64,
    /// Where messages and replies start on the first run: an RFC 3339 date-time or a date (YYYY-MM-DD).
    #[arg(long)]
    start_date: Option<String>,
    /// The SQLite database file.
    #[arg(long, default_value = "teams.db")]
    db: PathBuf,
    /// Graph base URL (sovereign clouds, e.g. https://graph.microsoft.us/v1.0).
    #[arg(long, default_value = connector_msgraph_teams::DEFAULT_BASE_URL)]
    graph_url: String,
    /// Entra ID authority host (sovereign clouds, e.g. https://login.microsoftonline.us).
    #[arg(long, default_value = "https://login.microsoftonline.com")]
    authority_host: String,
}

fn env(name: &str) -> Result<String, String> {
    std::env::var(name)
        .map_err(|_| format!("{name} is not set (teams-sync reads its app registration from the environment)"))
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match sync(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn sync(cli: Cli) -> Result<(), String> {
    let credential =
        ClientSecretCredential::new(env("AZURE_TENANT_ID")?, env("AZURE_CLIENT_ID")?, env("AZURE_CLIENT_SECRET")?)
            .with_authority(cli.authority_host.clone());
    let connection = Connection::direct(&cli.graph_url).map_err(|e| e.to_string())?;
    // The token is for the Graph host the calls go to (graph.microsoft.com, or a sovereign cloud's).
    let scope = format!("{}/.default", connection.base_url().origin().ascii_serialization());
    let connection =
        connection.with_credential(credential).with_scopes([scope]).with_pacing(Duration::from_millis(cli.pace));
    let mut source = GraphSource::new(connector_msgraph_teams::Client::new(connection), cli.top);
    if cli.no_replies {
        source = source.without_replies();
    }
    let mut sink = SqliteSink::open(&cli.db).map_err(|e| e.to_string())?;
    let start_date = cli.start_date.as_deref().map(start_of).transpose()?;
    let options = RunOptions {
        teams: cli.teams,
        channels: cli.channels,
        messages: cli.messages,
        lookback: Duration::from_secs(cli.lookback),
        max_pages: cli.max_pages,
        start_date,
    };
    let bars = ProgressBars::new();
    let summary = run(&source, &mut sink, &options, &|table, _scope, report| bars.record(table, report))
        .await
        .map_err(|err| explain(&err))?;
    bars.finish();
    print_table_summary(&summary);
    let stats = source.stats();
    println!(
        "requests: {} ({} retries, {} throttled waits, {} paced waits); parents skipped: {}",
        stats.requests,
        stats.retries,
        stats.throttled_waits,
        stats.paced_waits,
        summary.skipped.len()
    );
    let cut = summary.tables.iter().filter(|(_, _, r)| r.truncated).count();
    if cut > 0 {
        println!("{cut} table runs stopped at --max-pages; the next run continues where they stopped");
    }
    let late = summary.tables.iter().filter(|(_, _, r)| r.lookback_shorter_than_gap).count();
    if late > 0 {
        println!(
            "warning: for {late} table runs the time since the last run exceeds --lookback ({} s); \
             writes that landed late in between may be missed",
            options.lookback.as_secs()
        );
    }
    for (parent, why) in &summary.skipped {
        println!("skipped {parent}: {why}");
    }
    println!("database: {}", cli.db.display());
    Ok(())
}

/// One line per table: how many parents it ran for and what happened to its rows.
fn print_table_summary(summary: &teams_sync::run::RunSummary) {
    println!("{:<16} {:>6} {:>9} {:>8} {:>10} {:>9}", "table", "runs", "inserted", "updated", "unchanged", "vanished");
    for table in TABLES {
        let runs: Vec<&connector_sync::TableReport> =
            summary.tables.iter().filter(|(name, _, _)| name == table).map(|(_, _, report)| report).collect();
        let sum = |f: fn(&connector_sync::TableReport) -> usize| runs.iter().map(|r| f(r)).sum::<usize>();
        println!(
            "{table:<16} {:>6} {:>9} {:>8} {:>10} {:>9}",
            runs.len(),
            sum(|r| r.rows.inserted),
            sum(|r| r.rows.updated),
            sum(|r| r.rows.unchanged),
            sum(|r| r.vanished.len()),
        );
    }
}

/// `YYYY-MM-DD` or an RFC 3339 date-time, as the RFC 3339 start of the window.
fn start_of(text: &str) -> Result<String, String> {
    let text = text.trim();
    if let Some(ts) = connector_runtime::model::DateTime::new(text).timestamp() {
        return Ok(ts.to_string());
    }
    match connector_runtime::model::Date::new(text).date() {
        Some(date) if text.len() == 10 => Ok(format!("{date}T00:00:00Z")),
        _ => {
            Err(format!("--start-date `{text}` is neither a date (2026-11-01) nor a date-time (2026-11-01T08:00:00Z)"))
        }
    }
}

/// One progress bar per table, counting rows written.
struct ProgressBars {
    multi: indicatif::MultiProgress,
    bars: Vec<(&'static str, indicatif::ProgressBar)>,
}

impl ProgressBars {
    fn new() -> Self {
        let multi = indicatif::MultiProgress::new();
        let style = indicatif::ProgressStyle::with_template("{prefix:>16} {spinner} {pos} rows {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner());
        let bars = TABLES
            .into_iter()
            .map(|table| {
                let bar = multi.add(indicatif::ProgressBar::new_spinner());
                bar.set_style(style.clone());
                bar.set_prefix(table);
                (table, bar)
            })
            .collect();
        ProgressBars { multi, bars }
    }

    fn record(&self, table: &str, report: &connector_sync::TableReport) {
        if let Some((_, bar)) = self.bars.iter().find(|(name, _)| *name == table) {
            let rows = report.rows.inserted + report.rows.updated + report.rows.unchanged;
            bar.inc(rows as u64);
            bar.set_message(format!("(+{} new, {} updated)", report.rows.inserted, report.rows.updated));
        }
    }

    fn finish(&self) {
        for (_, bar) in &self.bars {
            bar.finish();
        }
        let _ = self.multi.clear();
    }
}

/// A sentence for the common failures instead of a stack of causes.
fn explain(err: &connector_runtime::Error) -> String {
    match (err.kind(), err.status().map(|s| s.as_u16())) {
        (ErrorKind::Credential, _) => {
            format!("could not sign in: {err}. Check AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET.")
        }
        (_, Some(401)) => {
            "Graph rejected the token (401): check the app registration's credentials and tenant.".to_owned()
        }
        (_, Some(403)) => format!(
            "Graph refused access (403){}: the app registration needs the application permission {}, with admin \
             consent (teams-sync uses Team.ReadBasic.All, Channel.ReadBasic.All, TeamMember.Read.All, \
             ChannelMessage.Read.All and Group.Read.All).",
            err.service_message().map(|m| format!(": {m}")).unwrap_or_default(),
            permission_for(err.operation()).unwrap_or("for this call")
        ),
        (_, Some(404)) => format!("not found (404): check the team and channel ids ({err})"),
        _ => err.to_string(),
    }
}
