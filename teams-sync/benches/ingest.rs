//! Ingest throughput of teams-sync against the fake Graph on 127.0.0.1, throttling off, `top=50`.
//!
//! Run with `cargo bench -p teams-sync --bench ingest`. It syncs 4 channels of 10,000 messages each (40,000
//! messages and 7,200 replies, replies inline with `$expand=replies`) three times into an in-memory SQLite
//! database and three times into a database file (WAL, `synchronous = FULL`, as teams-sync writes `teams.db`),
//! with Graph's 1,000 replies inline per message; then three times with only 3 inline, so every fiftieth
//! message (five replies) costs one more request. It reports messages per minute and requests per 1,000
//! messages for the best round of each. The fake Graph
//! runs in the same process on the same 2 cores, so the numbers are a floor for the engine, not a measure of
//! Graph.

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::Instant;

use connector_runtime::Connection;
use connector_sync::SqliteSink;
use teams_sync::run::{RunOptions, run};
use teams_sync::source::GraphSource;

const PER_CHANNEL: usize = 10_000;
const ROUNDS: usize = 3;

/// One measured round: (messages, replies, seconds, requests).
async fn round(
    file: Option<&std::path::Path>,
    inline: usize,
) -> Result<(i64, i64, f64, u64), Box<dyn std::error::Error>> {
    let data = support::Dataset::with_size(PER_CHANNEL, 0, inline);
    let server = support::start(&data).await;
    let connection = Connection::direct(format!("{}/v1.0", server.uri()))?.with_bearer_token("t");
    let source = GraphSource::new(connector_msgraph_teams::Client::new(connection), Some(50));
    let mut sink = match file {
        Some(path) => {
            let _ = std::fs::remove_file(path);
            SqliteSink::open(path)?
        }
        None => SqliteSink::in_memory()?,
    };
    let started = Instant::now();
    run(&source, &mut sink, &RunOptions::default(), &|_, _, _| {}).await?;
    let seconds = started.elapsed().as_secs_f64();
    let count = |table: &str| -> Result<i64, Box<dyn std::error::Error>> {
        Ok(sink.connection().query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?)
    };
    Ok((count("messages")?, count("message_replies")?, seconds, source.stats().requests))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let dir = std::env::temp_dir().join(format!("teams-sync-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let file = dir.join("teams.db");
    runtime.block_on(async {
        let configurations =
            [("in-memory", None, 1000), ("file", Some(file.as_path()), 1000), ("in-memory, 3 replies inline", None, 3)];
        for (label, target, inline) in configurations {
            let mut best: Option<(f64, f64, f64)> = None;
            for n in 1..=ROUNDS {
                let (messages, replies, seconds, requests) = round(target, inline).await?;
                let per_minute = messages as f64 / seconds * 60.0;
                let per_thousand = requests as f64 / (messages as f64 / 1000.0);
                println!(
                    "{label} round {n}: {messages} messages and {replies} replies in {seconds:.2} s = \
                     {per_minute:.0} messages/min, {per_thousand:.1} requests per 1,000 messages"
                );
                if best.is_none_or(|(b, _, _)| per_minute > b) {
                    best = Some((per_minute, per_thousand, seconds));
                }
            }
            if let Some((per_minute, per_thousand, seconds)) = best {
                println!(
                    "{label} best: {seconds:.2} s, {per_minute:.0} messages/min, {per_thousand:.1} requests per \
                     1,000 messages (top=50)"
                );
            }
        }
        Ok::<(), Box<dyn std::error::Error>>(())
    })?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
