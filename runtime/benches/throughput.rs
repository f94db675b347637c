//! Throughput of the runtime against bare reqwest, on the same small JSON GET to a loopback server.
//!
//! Run with `cargo bench -p connector-runtime --bench throughput`. Both clients send the same request (bearer
//! token, `Accept: application/json`) to a minimal keep-alive HTTP/1.1 server in this process, read the body and
//! decode it as JSON. Each round runs both clients back to back, alternating which goes first, so machine noise
//! hits both alike; the report is requests per second for each and the ratio of the medians.

use std::sync::Arc;
use std::time::{Duration, Instant};

use connector_runtime::reqwest::Method;
use connector_runtime::{Connection, ConnectorInfo, Operation};
use futures::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const BODY: &str = r#"{"id":"AAMkAGI2","subject":"Quarterly report","isRead":false,"importance":"normal"}"#;
const REQUESTS: usize = 20_000;
const CONCURRENCY: usize = 32;
const ROUNDS: usize = 5;

static BENCH: ConnectorInfo = ConnectorInfo { name: "bench", api_key: None, scopes: &["bench/.default"] };
static GET_MESSAGE: Operation =
    Operation { connector: &BENCH, id: "GetMessage", method: Method::GET, path: "/messages/{id}", safe: false };

/// A minimal HTTP/1.1 server: answers every request on a connection with the same JSON body.
async fn serve(listener: tokio::net::TcpListener) {
    let response = Arc::new(format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{BODY}",
        BODY.len()
    ));
    while let Ok((mut socket, _)) = listener.accept().await {
        let response = response.clone();
        tokio::spawn(async move {
            let mut buf = vec![0u8; 8192];
            let mut pending = Vec::new();
            loop {
                let Ok(n) = socket.read(&mut buf).await else {
                    return;
                };
                if n == 0 {
                    return;
                }
                pending.extend_from_slice(&buf[..n]);
                // Requests carry no body: each header block end is one request.
                while let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
                    pending.drain(..end + 4);
                    if socket.write_all(response.as_bytes()).await.is_err() {
                        return;
                    }
                }
            }
        });
    }
}

async fn run_runtime(conn: &Connection) -> f64 {
    let started = Instant::now();
    futures::stream::iter(0..REQUESTS)
        .map(|i| {
            let conn = conn.clone();
            async move {
                let response = conn
                    .request(&GET_MESSAGE)
                    .path_param("id", &i, connector_runtime::UrlEncoding::Single)
                    .send_json::<serde_json::Value>()
                    .await;
                assert!(response.is_ok(), "runtime request failed: {response:?}");
            }
        })
        .buffer_unordered(CONCURRENCY)
        .collect::<Vec<()>>()
        .await;
    REQUESTS as f64 / started.elapsed().as_secs_f64()
}

async fn run_bare(client: &reqwest::Client, base: &str) -> f64 {
    let started = Instant::now();
    futures::stream::iter(0..REQUESTS)
        .map(|i| {
            let client = client.clone();
            let url = format!("{base}/messages/{i}");
            async move {
                let response = client
                    .get(url)
                    .header("authorization", "Bearer bench-token")
                    .header("accept", "application/json")
                    .send()
                    .await;
                let ok = match response {
                    Ok(r) if r.status().is_success() => match r.bytes().await {
                        Ok(body) => serde_json::from_slice::<serde_json::Value>(&body).is_ok(),
                        Err(_) => false,
                    },
                    _ => false,
                };
                assert!(ok, "bare request failed");
            }
        })
        .buffer_unordered(CONCURRENCY)
        .collect::<Vec<()>>()
        .await;
    REQUESTS as f64 / started.elapsed().as_secs_f64()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        tokio::spawn(serve(listener));

        let conn = Connection::direct(&base)?.with_bearer_token("bench-token").with_timeout(Duration::from_secs(30));
        let bare = reqwest::Client::new();
        // Warm both connection pools.
        run_runtime(&conn).await;
        run_bare(&bare, &base).await;

        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        for round in 0..ROUNDS {
            if round % 2 == 0 {
                ours.push(run_runtime(&conn).await);
                theirs.push(run_bare(&bare, &base).await);
            } else {
                theirs.push(run_bare(&bare, &base).await);
                ours.push(run_runtime(&conn).await);
            }
            println!(
                "round {}: runtime {:>8.0} req/s   bare reqwest {:>8.0} req/s",
                round + 1,
                ours[round],
                theirs[round]
            );
        }
        let (ours, theirs) = (median(ours), median(theirs));
        println!(
            "median: runtime {ours:.0} req/s, bare reqwest {theirs:.0} req/s, ratio {:.1}% \
             ({REQUESTS} requests x {ROUNDS} rounds, concurrency {CONCURRENCY})",
            100.0 * ours / theirs
        );
        Ok(())
    })
}
