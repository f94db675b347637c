//! The `teams-sync` binary end to end: a sign-in against a fake Entra ID token endpoint, a sync from the fake
//! Graph into a database file, the closing summary, and one-sentence explanations (no stack traces) for missing
//! settings, rejected credentials, 401, 403 and unknown ids.

use std::path::PathBuf;
use std::process::Output;

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

type TestResult = Result<(), Box<dyn std::error::Error>>;

mod support;

/// A fake Entra ID that issues a token for the client secret `s3cret` and refuses any other.
async fn authority() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/tenant-1/oauth2/v2.0/token"))
        .and(wiremock::matchers::body_string_contains("client_secret=s3cret"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"token_type": "Bearer", "access_token": "graph-token", "expires_in": 3600})),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "error": "invalid_client",
            "error_description": "AADSTS7000215: Invalid client secret provided."
        })))
        .mount(&server)
        .await;
    server
}

fn temp_db(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("teams-sync-cli-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let db = dir.join(format!("{name}.db"));
    let _ = std::fs::remove_file(&db);
    db
}

/// Runs the binary with the given secret (or none) and arguments.
async fn teams_sync(graph: &MockServer, login: &MockServer, secret: Option<&str>, args: &[&str]) -> Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_teams-sync"));
    command
        .args(["--graph-url", &format!("{}/v1.0", graph.uri()), "--authority-host", &login.uri()])
        .args(args)
        .env("AZURE_TENANT_ID", "tenant-1")
        .env("AZURE_CLIENT_ID", "client-1")
        .env_remove("AZURE_CLIENT_SECRET");
    if let Some(secret) = secret {
        command.env("AZURE_CLIENT_SECRET", secret);
    }
    // The fake servers run on this test's runtime; the blocking wait must not stall them.
    let output = tokio::task::spawn_blocking(move || command.output()).await;
    match output {
        Ok(Ok(output)) => output,
        other => panic!("could not run teams-sync: {other:?}"),
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sync_writes_the_database_and_prints_a_summary() -> TestResult {
    let data = support::Dataset::with_size(120, 0, 3);
    let graph = support::start(&data).await;
    let login = authority().await;
    let db = temp_db("sync");
    let db_arg = db.to_string_lossy().into_owned();
    let output = teams_sync(&graph, &login, Some("s3cret"), &["--db", &db_arg, "--top", "50", "--pace", "5"]).await;
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert!(output.status.success(), "stdout: {stdout}\nstderr: {stderr}");
    // The summary table: runs (one per channel), inserted, updated, unchanged, vanished.
    let messages_line = stdout.lines().find(|l| l.starts_with("messages ")).unwrap_or_default();
    assert_eq!(
        messages_line.split_whitespace().collect::<Vec<_>>(),
        ["messages", "4", "480", "0", "0", "0"],
        "{stdout}"
    );
    assert!(stdout.contains("skipped team t3: 403"), "{stdout}");
    let requests = stdout.lines().find(|l| l.starts_with("requests: ")).unwrap_or_default();
    assert!(
        requests.contains("paced waits") && !requests.contains(" 0 paced waits"),
        "--pace spaces requests: {stdout}"
    );
    assert!(stdout.contains(&format!("database: {db_arg}")), "{stdout}");
    let sink = connector_sync::SqliteSink::open(&db)?;
    let messages: i64 = sink.connection().query_row("SELECT COUNT(*) FROM messages", [], |r| r.get(0))?;
    assert_eq!(messages, 480);
    // Every Graph request carried the token from the fake Entra ID.
    for request in graph.received_requests().await.unwrap_or_default() {
        let auth = request.headers.get("authorization").and_then(|v| v.to_str().ok());
        assert_eq!(auth, Some("Bearer graph-token"), "{}", request.url);
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn failures_are_explained_in_one_sentence() -> TestResult {
    let login = authority().await;
    let data = support::Dataset::with_size(10, 0, 3);
    let graph = support::start(&data).await;
    let db = temp_db("failures");
    let db_arg = db.to_string_lossy().into_owned();

    let missing = teams_sync(&graph, &login, None, &["--db", &db_arg]).await;
    assert!(text(&missing.stderr).contains("AZURE_CLIENT_SECRET is not set"), "{}", text(&missing.stderr));

    let wrong = teams_sync(&graph, &login, Some("wrong"), &["--db", &db_arg]).await;
    let stderr = text(&wrong.stderr);
    assert!(!wrong.status.success());
    assert!(stderr.contains("could not sign in") && stderr.contains("AZURE_CLIENT_SECRET"), "{stderr}");
    assert!(!stderr.contains("wrong"), "the secret is never printed: {stderr}");

    let refusing = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1.0/groups"))
        .respond_with(ResponseTemplate::new(403).set_body_json(
            json!({"error": {"code": "Authorization_RequestDenied", "message": "Insufficient privileges"}}),
        ))
        .mount(&refusing)
        .await;
    let forbidden = teams_sync(&refusing, &login, Some("s3cret"), &["--db", &db_arg]).await;
    let stderr = text(&forbidden.stderr);
    assert!(stderr.starts_with("error: Graph refused access (403): Insufficient privileges"), "{stderr}");
    assert!(stderr.contains("Group.Read.All"), "names the permission: {stderr}");

    let rejecting = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(401)).mount(&rejecting).await;
    let unauthorized = teams_sync(&rejecting, &login, Some("s3cret"), &["--db", &db_arg]).await;
    assert!(text(&unauthorized.stderr).contains("Graph rejected the token (401)"), "{}", text(&unauthorized.stderr));

    let unknown = teams_sync(&graph, &login, Some("s3cret"), &["--db", &db_arg, "--team", "t9"]).await;
    let stdout = text(&unknown.stdout);
    assert!(unknown.status.success(), "an unknown team is skipped, not fatal: {}", text(&unknown.stderr));
    assert!(stdout.contains("skipped team t9: 404: unknown id"), "{stdout}");

    let lonely = teams_sync(&graph, &login, Some("s3cret"), &["--db", &db_arg, "--message", "m1"]).await;
    assert!(text(&lonely.stderr).contains("--channel"), "--message needs --channel: {}", text(&lonely.stderr));

    for output in [&missing, &wrong, &forbidden, &unauthorized, &lonely] {
        assert!(!output.status.success());
        assert!(!text(&output.stderr).contains("panicked"), "{}", text(&output.stderr));
    }
    Ok(())
}
