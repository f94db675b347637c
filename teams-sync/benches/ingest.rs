//! Ingest throughput of teams-sync against the fake Graph on 127.0.0.1, throttling off, `top=50`.
//!
//! Run with `cargo bench -p teams-sync --bench ingest`. It syncs 4 channels of 10,000 messages each (40,000
//! messages, replies off) into an in-memory SQLite database, three times, and reports messages per minute and
//! requests per 1,000 messages for the best round. The fake Graph runs in the same process on the same 2 cores,
//! so the number is a floor for the engine, not a measure of Graph.

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::Instant;

use connector_runtime::Connection;
use connector_sync::SqliteSink;
use teams_sync::run::{RunOptions, run};
use teams_sync::source::GraphSource;

const PER_CHANNEL: usize = 10_000;
const ROUNDS: usize = 3;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let mut best: Option<(f64, f64)> = None;
        for round in 1..=ROUNDS {
            let data = support::Dataset::with_size(PER_CHANNEL, 0);
            let server = support::start(&data).await;
            let connection = Connection::direct(format!("{}/v1.0", server.uri()))?.with_bearer_token("t");
            let source = GraphSource::new(connector_msgraph_teams::Client::new(connection), Some(50));
            let mut sink = SqliteSink::in_memory()?;
            let options = RunOptions::default();
            let started = Instant::now();
            run(&source, &mut sink, &options, &|_, _, _| {}).await?;
            let seconds = started.elapsed().as_secs_f64();
            let messages: i64 = sink.connection().query_row("SELECT COUNT(*) FROM messages", [], |r| r.get(0))?;
            let per_minute = messages as f64 / seconds * 60.0;
            let per_thousand = source.stats().requests as f64 / (messages as f64 / 1000.0);
            println!(
                "round {round}: {messages} messages in {seconds:.2} s = {per_minute:.0} messages/min, \
                 {per_thousand:.1} requests per 1,000 messages"
            );
            if best.is_none_or(|(b, _)| per_minute > b) {
                best = Some((per_minute, per_thousand));
            }
        }
        if let Some((per_minute, per_thousand)) = best {
            println!("best: {per_minute:.0} messages/min, {per_thousand:.1} requests per 1,000 messages (top=50)");
        }
        Ok(())
    })
}
