//! The developer's Azure CLI login, for local runs: tokens come from `az account get-access-token`.
//!
//! The CLI prints the token's expiry twice: `expires_on`, seconds since the Unix epoch (Azure CLI 2.54 and later),
//! and `expiresOn`, a date and time in the machine's local time zone without an offset. This crate has no time zone
//! database, so `expiresOn` cannot be turned into an instant reliably (it is off by the local UTC offset, up to 14
//! hours either way). When `expires_on` is missing the token is therefore assumed to live 5 more minutes: the CLI
//! refreshes tokens that have less than that left, so the assumption never outlives the real token. The cost on
//! such old CLIs is that the token cache asks the CLI again more often.

use std::ffi::OsString;
use std::fmt;
use std::process::Stdio;
use std::time::{Duration, SystemTime};

use serde::Deserialize;
use tokio::process::Command;

use super::token_endpoint::{bounded, seconds};
use super::{AccessToken, Credential};
use crate::{Error, Result};

/// How long `az` may take by default; it starts a Python interpreter and may refresh the token over the network.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The assumed remaining lifetime of a token whose output has no `expires_on` (see the module docs).
const ASSUMED_LIFETIME: Duration = Duration::from_secs(5 * 60);

/// How much of the CLI's stderr goes into an error message.
const MAX_STDERR: usize = 1024;

/// The Azure CLI's signed-in account (`az login`). Meant for development machines, not for services.
///
/// ```no_run
/// use connector_runtime::auth::AzureCliCredential;
///
/// let credential = AzureCliCredential::new().with_tenant("contoso.onmicrosoft.com");
/// # let _ = credential;
/// ```
#[derive(Clone)]
pub struct AzureCliCredential {
    program: OsString,
    tenant: Option<String>,
    timeout: Duration,
}

impl Default for AzureCliCredential {
    fn default() -> Self {
        AzureCliCredential::new()
    }
}

impl AzureCliCredential {
    /// Runs `az` from `PATH` (`az.cmd` on Windows, where the CLI is a batch file) for the default tenant.
    pub fn new() -> Self {
        let program = if cfg!(windows) { "az.cmd" } else { "az" };
        AzureCliCredential { program: program.into(), tenant: None, timeout: DEFAULT_TIMEOUT }
    }

    /// Asks for tokens from `tenant` (a GUID or domain name) instead of the login's default tenant.
    pub fn with_tenant(mut self, tenant: impl Into<String>) -> Self {
        self.tenant = Some(tenant.into());
        self
    }

    /// Runs this program instead of `az` (a full path, or a name looked up in `PATH`).
    pub fn with_program(mut self, program: impl Into<OsString>) -> Self {
        self.program = program.into();
        self
    }

    /// How long to wait for the CLI before giving up (default 10 s). The process is killed when the time is up.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

/// The part of `az account get-access-token --output json` this crate reads.
#[derive(Deserialize)]
struct CliToken {
    #[serde(rename = "accessToken")]
    access_token: Option<String>,
    expires_on: Option<serde_json::Value>,
}

impl Credential for AzureCliCredential {
    async fn get_token(&self, scopes: &[&str]) -> Result<AccessToken> {
        let scope = match scopes {
            [scope] => scope.trim(),
            _ => {
                return Err(Error::credential(format!(
                    "the Azure CLI gives a token for exactly one scope, but {} were requested",
                    scopes.len()
                )));
            }
        };
        // The arguments go to the CLI unquoted (and through a batch file on Windows), so only plain values pass.
        check_argument("scope", scope, |c| matches!(c, '-' | '_' | '.' | ':' | '/'))?;
        let mut command = Command::new(&self.program);
        command.args(["account", "get-access-token", "--output", "json", "--scope", scope]);
        if let Some(tenant) = &self.tenant {
            check_argument("tenant", tenant, |c| matches!(c, '-' | '.'))?;
            command.args(["--tenant", tenant]);
        }
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // Dropping the future on timeout then also ends the process instead of leaving it behind.
            .kill_on_drop(true);
        let child = command.spawn().map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::credential(format!(
                "Azure CLI not found; install it or use another credential (tried to run `{}`)",
                self.program.to_string_lossy()
            ))
            .with_source(e),
            _ => Error::credential(format!("could not run the Azure CLI (`{}`)", self.program.to_string_lossy()))
                .with_source(e),
        })?;
        let output = tokio::time::timeout(self.timeout, child.wait_with_output())
            .await
            .map_err(|_| {
                Error::credential(format!("the Azure CLI did not answer within {} s", self.timeout.as_secs_f64()))
            })?
            .map_err(|e| Error::credential("could not read the Azure CLI's output").with_source(e))?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let stderr = bounded(stderr.trim(), MAX_STDERR);
            let hint = if stderr.contains("az login") { "" } else { " (is `az login` done?)" };
            return Err(Error::credential(format!("the Azure CLI failed ({}){hint}: {stderr}", output.status)));
        }
        parse_output(&output.stdout)
    }
}

fn parse_output(stdout: &[u8]) -> Result<AccessToken> {
    // The serde error is not attached: its text can quote values from the output, which holds the token.
    let parsed: CliToken = serde_json::from_slice(stdout).map_err(|e| {
        Error::credential(format!(
            "the Azure CLI's output is not the expected JSON (line {}, column {})",
            e.line(),
            e.column()
        ))
    })?;
    let token = parsed
        .access_token
        .filter(|t| !t.is_empty())
        .ok_or_else(|| Error::credential("the Azure CLI's output has no accessToken"))?;
    let expires_on = parsed
        .expires_on
        .as_ref()
        .and_then(seconds)
        .and_then(|secs| SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(secs)));
    let expires_on = match expires_on {
        Some(at) => at,
        None => {
            tracing::debug!("Azure CLI output has no `expires_on` (CLI older than 2.54?); assuming 5 minutes");
            let now = SystemTime::now();
            now.checked_add(ASSUMED_LIFETIME).unwrap_or(now)
        }
    };
    Ok(AccessToken::new(token, expires_on))
}

fn check_argument(what: &str, value: &str, extra: impl Fn(char) -> bool) -> Result<()> {
    let plain =
        !value.is_empty() && !value.starts_with('-') && value.chars().all(|c| c.is_ascii_alphanumeric() || extra(c));
    if plain { Ok(()) } else { Err(Error::credential(format!("{what} `{value}` is not valid for the Azure CLI"))) }
}

impl fmt::Debug for AzureCliCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AzureCliCredential")
            .field("program", &self.program)
            .field("tenant", &self.tenant)
            .field("timeout", &self.timeout)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefers_epoch_expiry() -> Result<()> {
        let out = br#"{"accessToken":"t","expiresOn":"2023-10-31 11:59:59.000000","expires_on":1698749999}"#;
        let token = parse_output(out)?;
        assert_eq!(token.expires_on, SystemTime::UNIX_EPOCH + Duration::from_secs(1_698_749_999));
        assert_eq!(token.token.expose(), "t");
        Ok(())
    }

    #[test]
    fn local_expiry_alone_means_five_minutes() -> Result<()> {
        let before = SystemTime::now();
        let token = parse_output(br#"{"accessToken":"t","expiresOn":"2023-10-31 11:59:59.000000"}"#)?;
        assert!(token.expires_on >= before + ASSUMED_LIFETIME);
        assert!(token.expires_on <= SystemTime::now() + ASSUMED_LIFETIME);
        Ok(())
    }

    #[test]
    fn decode_errors_do_not_quote_the_output() {
        let err = parse_output(br#"{"accessToken":"tok-SECRET","expires_on":{"x":1}} trailing"#)
            .err()
            .map(|e| format!("{e} {e:?}"))
            .unwrap_or_default();
        assert!(!err.is_empty() && !err.contains("tok-SECRET"), "{err}");
    }

    #[test]
    fn odd_arguments_are_refused() {
        assert!(check_argument("scope", "https://x/.default", |c| matches!(c, '-' | '_' | '.' | ':' | '/')).is_ok());
        assert!(check_argument("scope", "--help", |_| true).is_err());
        assert!(check_argument("scope", "a b", |_| false).is_err());
        assert!(check_argument("tenant", "x&calc", |c| c == '.').is_err());
    }
}
