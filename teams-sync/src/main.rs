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
use teams_sync::run::{RunOptions, run};
use teams_sync::source::GraphSource;

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
    /// Seconds before the stored cursor that incremental tables read again (late writes).
    #[arg(long, default_value_t = 300)]
    lookback: u64,
    /// Items per page (Graph allows at most 50 for messages and replies).
    #[arg(long)]
    top: Option<i32>,
    /// Most pages per table and parent in one run.
    #[arg(long)]
    max_pages: Option<usize>,
    /// Skip replies.
    #[arg(long)]
    no_replies: bool,
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
    let connection = connection.with_credential(credential).with_scopes([scope]);
    let source = GraphSource::new(connector_msgraph_teams::Client::new(connection), cli.top);
    let mut sink = SqliteSink::open(&cli.db).map_err(|e| e.to_string())?;
    let options = RunOptions {
        teams: cli.teams,
        channels: cli.channels,
        lookback: Duration::from_secs(cli.lookback),
        max_pages: cli.max_pages,
        replies: !cli.no_replies,
    };
    let summary = run(&source, &mut sink, &options).await.map_err(|err| explain(&err))?;
    let (inserted, updated, unchanged) = summary.totals();
    println!("{} table runs: {inserted} rows inserted, {updated} updated, {unchanged} unchanged", summary.tables.len());
    for (parent, why) in &summary.skipped {
        println!("skipped {parent}: {why}");
    }
    println!("database: {}", cli.db.display());
    Ok(())
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
            "Graph refused access (403){}: grant the application permissions Team.ReadBasic.All, Channel.ReadBasic.All, \
             ChannelMessage.Read.All, TeamMember.Read.All and Group.Read.All, with admin consent.",
            err.service_message().map(|m| format!(": {m}")).unwrap_or_default()
        ),
        (_, Some(404)) => format!("not found (404): check the team and channel ids ({err})"),
        _ => err.to_string(),
    }
}
