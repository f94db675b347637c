//! Shared fixtures for the runtime's integration tests: a fake connector description and a recording credential.

#![allow(dead_code, unreachable_pub)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use connector_runtime::auth::{AccessToken, Credential};
use connector_runtime::reqwest::Method;
use connector_runtime::{ApiKeyIn, ConnectorInfo, Operation};

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

pub static TEAMS: ConnectorInfo = ConnectorInfo { name: "teams", api_key: None, scopes: &[] };

pub static KEYED: ConnectorInfo = ConnectorInfo {
    name: "keyed",
    api_key: Some(ApiKeyIn::Header("X-Api-Key")),
    scopes: &["https://keyed.example/.default"],
};

pub static KEYED_QUERY: ConnectorInfo =
    ConnectorInfo { name: "keyed-query", api_key: Some(ApiKeyIn::Query("code")), scopes: &[] };

pub static GET_ITEMS: Operation =
    Operation { connector: &TEAMS, id: "GetItems", method: Method::GET, path: "/{connectionId}/items", safe: false };

pub static GET_ITEM: Operation = Operation {
    connector: &TEAMS,
    id: "GetItem",
    method: Method::GET,
    path: "/{connectionId}/items/{id}",
    safe: false,
};

pub static POST_ITEM: Operation =
    Operation { connector: &TEAMS, id: "PostItem", method: Method::POST, path: "/{connectionId}/items", safe: false };

pub static KEYED_GET: Operation =
    Operation { connector: &KEYED, id: "KeyedGet", method: Method::GET, path: "/things", safe: false };

pub static KEYED_QUERY_GET: Operation =
    Operation { connector: &KEYED_QUERY, id: "KeyedQueryGet", method: Method::GET, path: "/things", safe: false };

/// A credential that hands out a fixed token and records every scope set it was asked for.
#[derive(Clone, Default)]
pub struct RecordingCredential {
    pub asked: Arc<Mutex<Vec<Vec<String>>>>,
}

impl RecordingCredential {
    pub fn scopes_asked(&self) -> Vec<Vec<String>> {
        self.asked.lock().map(|v| v.clone()).unwrap_or_default()
    }
}

impl Credential for RecordingCredential {
    async fn get_token(&self, scopes: &[&str]) -> connector_runtime::Result<AccessToken> {
        if let Ok(mut asked) = self.asked.lock() {
            asked.push(scopes.iter().map(|s| (*s).to_owned()).collect());
        }
        Ok(AccessToken::new("token-for-tests", SystemTime::now() + Duration::from_secs(3600)))
    }
}

/// A wiremock server bound to a specific loopback address (127.0.0.2 gives a second "host" for cross-host tests).
pub async fn server_on(ip: &str) -> wiremock::MockServer {
    let listener = std::net::TcpListener::bind(format!("{ip}:0")).expect("bind loopback listener");
    wiremock::MockServer::builder().listener(listener).start().await
}

pub static PLAIN_GET: Operation =
    Operation { connector: &TEAMS, id: "PlainGet", method: Method::GET, path: "/things", safe: false };
