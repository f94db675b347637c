//! PLACEHOLDER: being written (auth helper). Replace this whole file.

use super::{AccessToken, Credential};
use crate::Result;

/// PLACEHOLDER.
#[derive(Debug)]
pub struct ClientSecretCredential;

impl Credential for ClientSecretCredential {
    async fn get_token(&self, _scopes: &[&str]) -> Result<AccessToken> {
        Err(crate::Error::credential("placeholder"))
    }
}
