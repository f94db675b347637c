//! Any `azure_core` token credential (for example one from the `azure_identity` crate: workload identity,
//! certificates, developer tool chains) used as this crate's [`Credential`]. Enabled by the `azure-core` feature.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use azure_core::credentials::TokenCredential;
use azure_core::time::OffsetDateTime;

use super::{AccessToken, Credential};
use crate::{Error, Result};

/// An [`azure_core::credentials::TokenCredential`] used as a [`Credential`].
///
/// ```ignore
/// let credential = azure_identity::DeveloperToolsCredential::new(None)?;
/// let conn = Connection::from_env("OFFICE365")?.with_credential(AzureCoreCredential::new(credential));
/// ```
#[derive(Clone)]
pub struct AzureCoreCredential {
    inner: Arc<dyn TokenCredential>,
}

impl AzureCoreCredential {
    /// Wraps `credential`. Its own caching, if any, sits behind this crate's [`TokenCache`](super::TokenCache).
    pub fn new(credential: Arc<dyn TokenCredential>) -> Self {
        AzureCoreCredential { inner: credential }
    }
}

impl Credential for AzureCoreCredential {
    async fn get_token(&self, scopes: &[&str]) -> Result<AccessToken> {
        let token = self
            .inner
            .get_token(scopes, None)
            .await
            .map_err(|e| Error::credential(format!("azure_core credential failed: {e}")).with_source(e))?;
        Ok(AccessToken::new(token.token.secret(), to_system_time(token.expires_on)))
    }
}

/// The same instant as a `SystemTime`, without the panics of `SystemTime` arithmetic on out-of-range values: an
/// instant before 1970 becomes the epoch (it has expired either way), one after the year 2554 is clamped there.
fn to_system_time(at: OffsetDateTime) -> SystemTime {
    let nanos = at.unix_timestamp_nanos();
    if nanos <= 0 {
        return SystemTime::UNIX_EPOCH;
    }
    let nanos = u64::try_from(nanos).unwrap_or(u64::MAX);
    SystemTime::UNIX_EPOCH.checked_add(Duration::from_nanos(nanos)).unwrap_or(SystemTime::UNIX_EPOCH)
}

impl fmt::Debug for AzureCoreCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The wrapped credential's own `Debug` is not ours to trust with secrets, so it is not printed.
        f.debug_struct("AzureCoreCredential").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_converts_to_the_same_instant() {
        let at = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap_or(OffsetDateTime::UNIX_EPOCH);
        assert_eq!(to_system_time(at), SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000));
        let before_epoch = OffsetDateTime::from_unix_timestamp(-5).unwrap_or(OffsetDateTime::UNIX_EPOCH);
        assert_eq!(to_system_time(before_epoch), SystemTime::UNIX_EPOCH);
    }
}
