//! Credentials and the token cache against real HTTP servers on 127.0.0.1 (wiremock) and a fake `az` script.
//! Everything runs offline.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use connector_runtime::ErrorKind;
use connector_runtime::auth::{
    AzureCliCredential, ClientSecretCredential, Credential, ManagedIdentityCredential, StaticToken, TokenCache,
};
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT_ID: &str = "0d3b3a1c-4f1e-4c55-9a9e-5b8f0e7c1a2b";
const CLIENT_SECRET: &str = "Zx8~s3cr3t.VALUE_never-print";
const TOKEN_PATH: &str = "/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token";

fn token_json(token: &str, expires_in: u64) -> ResponseTemplate {
    let body = format!(
        r#"{{"token_type":"Bearer","expires_in":{expires_in},"ext_expires_in":{expires_in},"access_token":"{token}"}}"#
    );
    ResponseTemplate::new(200).set_body_raw(body, "application/json")
}

fn client_secret_at(server: &MockServer) -> ClientSecretCredential {
    ClientSecretCredential::new(TENANT, CLIENT_ID, CLIENT_SECRET).with_authority(server.uri())
}

#[tokio::test]
async fn client_secret_posts_the_documented_form_fields() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .respond_with(token_json("tok-1", 3599))
        .expect(1)
        .mount(&server)
        .await;

    let before = SystemTime::now();
    let token = client_secret_at(&server).get_token(&["https://apihub.azure.com/.default", "offline_access"]).await?;
    assert_eq!(token.token.expose(), "tok-1");
    assert!(token.expires_on >= before + Duration::from_secs(3599));
    assert!(token.expires_on <= SystemTime::now() + Duration::from_secs(3599));

    let requests = server.received_requests().await.ok_or("request recording is off")?;
    let [request] = requests.as_slice() else {
        return Err(format!("expected one request, got {}", requests.len()).into());
    };
    let mut fields: Vec<(String, String)> = form_urlencoded::parse(&request.body).into_owned().collect();
    fields.sort();
    let expected = [
        ("client_id", CLIENT_ID),
        ("client_secret", CLIENT_SECRET),
        ("grant_type", "client_credentials"),
        ("scope", "https://apihub.azure.com/.default offline_access"),
    ]
    .map(|(k, v)| (k.to_owned(), v.to_owned()));
    assert_eq!(fields, expected);
    server.verify().await;
    Ok(())
}

#[tokio::test]
async fn client_secret_accepts_string_expiry_and_expires_on() -> TestResult {
    let server = MockServer::start().await;
    let body = r#"{"token_type":"Bearer","expires_on":"4102444800","access_token":"tok-on"}"#;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .mount(&server)
        .await;
    let token = client_secret_at(&server).get_token(&["s/.default"]).await?;
    assert_eq!(token.expires_on, SystemTime::UNIX_EPOCH + Duration::from_secs(4_102_444_800));

    let server = MockServer::start().await;
    let body = r#"{"token_type":"Bearer","expires_in":"3599","access_token":"tok-in"}"#;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .mount(&server)
        .await;
    let token = client_secret_at(&server).get_token(&["s/.default"]).await?;
    assert!(token.expires_on > SystemTime::now() + Duration::from_secs(3500));
    Ok(())
}

#[tokio::test]
async fn client_secret_error_is_a_credential_error_without_the_secret() -> TestResult {
    let server = MockServer::start().await;
    // A description that quotes the secret back proves it is scrubbed, not merely absent from Entra ID's text.
    let body = format!(
        r#"{{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided ({CLIENT_SECRET}).","error_codes":[7000215]}}"#
    );
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(401).set_body_raw(body, "application/json"))
        .mount(&server)
        .await;

    let err = client_secret_at(&server)
        .get_token(&["https://apihub.azure.com/.default"])
        .await
        .err()
        .ok_or("a rejected secret must be an error")?;
    assert_eq!(err.kind(), ErrorKind::Credential);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    let shown = format!("{err} | {err:?}");
    for part in ["401", "invalid_client", "AADSTS7000215"] {
        assert!(shown.contains(part), "`{part}` missing from {shown}");
    }
    assert!(!shown.contains(CLIENT_SECRET), "secret leaked: {shown}");
    Ok(())
}

#[tokio::test]
async fn client_secret_refuses_a_plain_http_authority() {
    let err = ClientSecretCredential::new(TENANT, CLIENT_ID, CLIENT_SECRET)
        .with_authority("http://login.example.com")
        .get_token(&["s/.default"])
        .await
        .err();
    assert_eq!(err.map(|e| e.kind()), Some(ErrorKind::Config));
}

#[tokio::test]
async fn managed_identity_imds_request_shape() -> TestResult {
    let server = MockServer::start().await;
    let body = r#"{"access_token":"mi-tok","expires_in":"86399","expires_on":"4102444800","resource":"https://vault.azure.net","token_type":"Bearer"}"#;
    Mock::given(method("GET"))
        .and(path("/metadata/identity/oauth2/token"))
        .and(query_param("api-version", "2018-02-01"))
        .and(query_param("resource", "https://vault.azure.net"))
        .and(query_param("client_id", "uami-client-id"))
        .and(header("Metadata", "true"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/metadata/identity/oauth2/token"))
        .and(query_param("api-version", "2018-02-01"))
        .and(query_param("resource", "https://apihub.azure.com"))
        .and(query_param_is_missing("client_id"))
        .and(header("Metadata", "true"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body.replace("mi-tok", "system-tok"), "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let endpoint = format!("{}/metadata/identity/oauth2/token", server.uri());

    let user = ManagedIdentityCredential::imds_at(&endpoint).with_client_id("uami-client-id");
    let token = user.get_token(&["https://vault.azure.net/.default"]).await?;
    assert_eq!(token.token.expose(), "mi-tok");
    assert_eq!(token.expires_on, SystemTime::UNIX_EPOCH + Duration::from_secs(4_102_444_800));

    let system = ManagedIdentityCredential::imds_at(&endpoint);
    let token = system.get_token(&["https://apihub.azure.com/.default"]).await?;
    assert_eq!(token.token.expose(), "system-tok");
    server.verify().await;
    Ok(())
}

#[tokio::test]
async fn managed_identity_app_service_request_shape() -> TestResult {
    let server = MockServer::start().await;
    let body = r#"{"access_token":"app-tok","expires_on":4102444800,"resource":"https://apihub.azure.com","token_type":"Bearer","client_id":"x"}"#;
    Mock::given(method("GET"))
        .and(path("/msi/token"))
        .and(query_param("api-version", "2019-08-01"))
        .and(query_param("resource", "https://apihub.azure.com"))
        .and(query_param("client_id", "uami"))
        .and(header("X-IDENTITY-HEADER", "identity-header-secret"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .expect(1)
        .mount(&server)
        .await;

    let credential =
        ManagedIdentityCredential::app_service(format!("{}/msi/token", server.uri()), "identity-header-secret")
            .with_client_id("uami");
    let token = credential.get_token(&["https://apihub.azure.com/.default"]).await?;
    assert_eq!(token.token.expose(), "app-tok");
    assert_eq!(token.expires_on, SystemTime::UNIX_EPOCH + Duration::from_secs(4_102_444_800));
    server.verify().await;
    Ok(())
}

#[tokio::test]
async fn managed_identity_errors_are_credential_errors() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(400).set_body_raw(
            r#"{"error":"invalid_request","error_description":"Identity not found"}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let credential = ManagedIdentityCredential::imds_at(format!("{}/token", server.uri()));

    let err = credential.get_token(&["https://x/.default"]).await.err().ok_or("expected an error")?;
    assert_eq!(err.kind(), ErrorKind::Credential);
    assert!(err.to_string().contains("Identity not found"), "{err}");

    let err = credential.get_token(&["a/.default", "b/.default"]).await.err().ok_or("two scopes")?;
    assert_eq!(err.kind(), ErrorKind::Credential);
    Ok(())
}

/// A fresh, empty directory under the system temp dir.
fn scratch_dir(name: &str) -> std::io::Result<std::path::PathBuf> {
    let nanos = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    let dir = std::env::temp_dir().join(format!("connector-runtime-{name}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// Writes an executable shell script.
#[cfg(unix)]
fn write_script(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
}

/// Runs the credential, retrying while the freshly written script is "text file busy" (another test thread may
/// be forking while the script's write handle is still open in it).
#[cfg(unix)]
async fn cli_token(
    credential: &AzureCliCredential,
    scope: &str,
) -> connector_runtime::Result<connector_runtime::auth::AccessToken> {
    let mut attempt = 0;
    loop {
        match credential.get_token(&[scope]).await {
            Err(e) if attempt < 5 && format!("{e:?}").contains("busy") => attempt += 1,
            other => return other,
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[cfg(unix)]
#[tokio::test]
async fn azure_cli_runs_az_with_scope_and_tenant() -> TestResult {
    let dir = scratch_dir("az-ok")?;
    let script = dir.join("fake-az");
    let args_file = dir.join("args.txt");
    write_script(
        &script,
        &format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\ncat <<'EOF'\n{}\nEOF\n",
            args_file.display(),
            r#"{"accessToken":"cli-tok","expiresOn":"2100-01-01 00:59:59.000000","expires_on":4102444799,"subscription":"s","tenant":"t","tokenType":"Bearer"}"#
        ),
    )?;

    let credential = AzureCliCredential::new().with_program(&script).with_tenant("contoso.onmicrosoft.com");
    let token = cli_token(&credential, "https://apihub.azure.com/.default").await?;
    assert_eq!(token.token.expose(), "cli-tok");
    assert_eq!(token.expires_on, SystemTime::UNIX_EPOCH + Duration::from_secs(4_102_444_799));

    let args = std::fs::read_to_string(&args_file)?;
    let args: Vec<&str> = args.lines().collect();
    assert_eq!(
        args,
        [
            "account",
            "get-access-token",
            "--output",
            "json",
            "--scope",
            "https://apihub.azure.com/.default",
            "--tenant",
            "contoso.onmicrosoft.com"
        ]
    );
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[cfg(unix)]
#[tokio::test]
async fn azure_cli_failure_carries_its_stderr() -> TestResult {
    let dir = scratch_dir("az-fail")?;
    let script = dir.join("fake-az");
    write_script(&script, "#!/bin/sh\necho \"ERROR: Please run 'az login' to setup account.\" >&2\nexit 1\n")?;
    let err = cli_token(&AzureCliCredential::new().with_program(&script), "https://x/.default")
        .await
        .err()
        .ok_or("a failing CLI must be an error")?;
    assert_eq!(err.kind(), ErrorKind::Credential);
    assert!(err.to_string().contains("Please run 'az login'"), "{err}");
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[cfg(unix)]
#[tokio::test]
async fn azure_cli_that_hangs_times_out() -> TestResult {
    let dir = scratch_dir("az-hang")?;
    let script = dir.join("fake-az");
    write_script(&script, "#!/bin/sh\nexec sleep 30\n")?;
    let credential = AzureCliCredential::new().with_program(&script).with_timeout(Duration::from_millis(300));
    let started = std::time::Instant::now();
    let err = cli_token(&credential, "https://x/.default").await.err().ok_or("a hung CLI must be an error")?;
    assert_eq!(err.kind(), ErrorKind::Credential);
    assert!(started.elapsed() < Duration::from_secs(10));
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[tokio::test]
async fn azure_cli_missing_program_is_a_clear_error() -> TestResult {
    let missing = std::env::temp_dir().join("connector-runtime-no-such-dir").join("az-does-not-exist");
    let err = AzureCliCredential::new()
        .with_program(&missing)
        .get_token(&["https://apihub.azure.com/.default"])
        .await
        .err()
        .ok_or("a missing CLI must be an error")?;
    assert_eq!(err.kind(), ErrorKind::Credential);
    assert!(err.to_string().contains("Azure CLI not found; install it or use another credential"), "{err}");
    Ok(())
}

#[tokio::test]
async fn azure_cli_takes_exactly_one_scope() {
    let err = AzureCliCredential::new().get_token(&["a/.default", "b/.default"]).await.err();
    assert_eq!(err.map(|e| e.kind()), Some(ErrorKind::Credential));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_callers_cause_one_token_request() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token_json("shared-tok", 3600).set_delay(Duration::from_millis(200)))
        .expect(1)
        .mount(&server)
        .await;
    let cache = Arc::new(TokenCache::new(client_secret_at(&server)));

    let barrier = Arc::new(tokio::sync::Barrier::new(50));
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let cache = Arc::clone(&cache);
            let barrier = Arc::clone(&barrier);
            tokio::spawn(async move {
                barrier.wait().await;
                cache.token(&["https://apihub.azure.com/.default"]).await
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await??.expose(), "shared-tok");
    }
    server.verify().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_callers_share_one_failure() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_raw(r#"{"error":"invalid_client"}"#, "application/json")
                .set_delay(Duration::from_millis(200)),
        )
        .expect(1)
        .mount(&server)
        .await;
    let cache = Arc::new(TokenCache::new(client_secret_at(&server)));
    let barrier = Arc::new(tokio::sync::Barrier::new(10));
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let cache = Arc::clone(&cache);
            let barrier = Arc::clone(&barrier);
            tokio::spawn(async move {
                barrier.wait().await;
                cache.token(&["s/.default"]).await
            })
        })
        .collect();
    for task in tasks {
        let err = task.await?.err().ok_or("every caller must see the failure")?;
        assert_eq!(err.kind(), ErrorKind::Credential);
        assert!(err.to_string().contains("invalid_client"), "{err}");
    }
    server.verify().await;
    Ok(())
}

#[tokio::test]
async fn token_is_refreshed_before_expiry() -> TestResult {
    // 60 s left is inside the default 5-minute margin: the next call must fetch again.
    let short = MockServer::start().await;
    Mock::given(method("POST")).respond_with(token_json("short-tok", 60)).expect(2).mount(&short).await;
    let cache = TokenCache::new(client_secret_at(&short));
    cache.token(&["s/.default"]).await?;
    cache.token(&["s/.default"]).await?;
    short.verify().await;

    // An hour left: served from the cache.
    let long = MockServer::start().await;
    Mock::given(method("POST")).respond_with(token_json("long-tok", 3600)).expect(1).mount(&long).await;
    let cache = TokenCache::new(client_secret_at(&long));
    for _ in 0..3 {
        assert_eq!(cache.token(&["s/.default"]).await?.expose(), "long-tok");
    }
    long.verify().await;

    // A custom margin moves the line: 10 minutes left is fresh with a 1-minute margin.
    let tuned = MockServer::start().await;
    Mock::given(method("POST")).respond_with(token_json("tuned-tok", 600)).expect(1).mount(&tuned).await;
    let cache = TokenCache::new(client_secret_at(&tuned)).with_refresh_margin(Duration::from_secs(60));
    cache.token(&["s/.default"]).await?;
    cache.token(&["s/.default"]).await?;
    tuned.verify().await;
    Ok(())
}

#[tokio::test]
async fn refresh_failure_keeps_the_still_valid_token() -> TestResult {
    let server = MockServer::start().await;
    // Two minutes left: valid, but due for refresh under the default margin.
    Mock::given(method("POST"))
        .respond_with(token_json("old-tok", 120))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(503).set_body_raw(r#"{"error":"temporarily_unavailable"}"#, "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let cache = TokenCache::new(client_secret_at(&server));

    assert_eq!(cache.token(&["s/.default"]).await?.expose(), "old-tok");
    // The refresh fails; the old token is still good, so it is used.
    assert_eq!(cache.token(&["s/.default"]).await?.expose(), "old-tok");
    // Right after a failure the endpoint is left alone (expect(1) above) and the old token keeps serving.
    assert_eq!(cache.token(&["s/.default"]).await?.expose(), "old-tok");
    server.verify().await;
    Ok(())
}

#[tokio::test]
async fn refresh_failure_without_a_valid_token_is_an_error() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(token_json("expired-tok", 0)).up_to_n_times(1).mount(&server).await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    let cache = TokenCache::new(client_secret_at(&server));
    cache.token(&["s/.default"]).await?;
    let err = cache.token(&["s/.default"]).await.err().ok_or("no valid token left")?;
    assert_eq!(err.kind(), ErrorKind::Credential);
    assert!(err.to_string().contains("503"), "{err}");
    Ok(())
}

#[tokio::test]
async fn secrets_absent_from_debug() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(token_json("cached-access-token-value", 3600)).mount(&server).await;
    let cache = TokenCache::new(client_secret_at(&server));
    cache.token(&["s/.default"]).await?;

    let printed = [
        format!("{:?}", client_secret_at(&server)),
        format!(
            "{:?}",
            ManagedIdentityCredential::app_service("http://127.0.0.1:1/msi/token", "identity-header-secret")
        ),
        format!("{:?}", ManagedIdentityCredential::system_assigned()),
        format!("{:?}", ManagedIdentityCredential::imds_at("http://127.0.0.1:1/token").with_client_id("uami")),
        format!("{:?}", AzureCliCredential::new().with_tenant("contoso.onmicrosoft.com")),
        format!("{:?}", StaticToken::new("static-token-value")),
        format!("{cache:?}"),
    ];
    for text in &printed {
        for secret in [CLIENT_SECRET, "identity-header-secret", "static-token-value", "cached-access-token-value"] {
            assert!(!text.contains(secret), "`{secret}` printed in {text}");
        }
    }
    // The non-secret parts are still there, so the output stays useful.
    assert!(printed[0].contains(TENANT) && printed[0].contains(CLIENT_ID), "{}", printed[0]);
    assert!(printed[3].contains("uami"), "{}", printed[3]);
    Ok(())
}
