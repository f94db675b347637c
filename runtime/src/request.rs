//! Building a call: path, query and header parameters, a body, per-call options; then sending it.
//!
//! Generated code drives a [`Request`] with one line per parameter and ends with one of the `send_*` methods:
//!
//! ```no_run
//! # use connector_runtime::{ConnectorInfo, Connection, Operation, UrlEncoding};
//! # use connector_runtime::reqwest::Method;
//! static CONNECTOR: ConnectorInfo = ConnectorInfo { name: "sharepoint", api_key: None, scopes: &[] };
//! static GET_TABLES: Operation = Operation {
//!     connector: &CONNECTOR,
//!     id: "GetTables",
//!     method: Method::GET,
//!     path: "/{connectionId}/datasets/{dataset}/tables",
//!     safe: false,
//! };
//! # async fn run(conn: Connection) -> connector_runtime::Result<()> {
//! let tables: serde_json::Value = conn
//!     .request(&GET_TABLES)
//!     .path_param("dataset", "https://contoso.sharepoint.com/sites/x", UrlEncoding::Double)
//!     .query("$top", &Some(50))
//!     .send_json()
//!     .await?
//!     .into_body();
//! # let _ = tables; Ok(()) }
//! ```
//!
//! Errors found while building (a body that does not serialize, a header value with a line break) are kept and
//! returned by the `send_*` call, so the chain stays free of `?`.

use std::borrow::Cow;
use std::time::Duration;

use bytes::Bytes;
use futures::TryStream;
use futures::future::BoxFuture;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;
use url::Url;

use crate::body::{Multipart, encode_form};
use crate::encoding::{ParamValue, UrlEncoding, encode_path, encode_query, plain_text};
use crate::transport::{Payload, Prepared, execute};
use crate::{Connection, Error, ErrorKind, File, Operation, Response, Result, RetryPolicy};

/// A call being built. Created by [`Connection::request`].
pub struct Request {
    conn: Connection,
    op: &'static Operation,
    path_params: Vec<(&'static str, String)>,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    body: Body,
    content_type: Option<String>,
    retry: Option<RetryPolicy>,
    attempt_timeout: Option<Duration>,
    deadline: Option<Duration>,
    error: Option<Error>,
}

enum Body {
    None,
    Json(Bytes),
    Form(Vec<(String, String)>),
    Multipart(Multipart),
    Raw(String, Bytes),
    Stream(String, reqwest::Body),
}

impl Request {
    pub(crate) fn new(conn: Connection, op: &'static Operation) -> Self {
        Request {
            conn,
            op,
            path_params: Vec::new(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: Body::None,
            content_type: None,
            retry: None,
            attempt_timeout: None,
            deadline: None,
            error: None,
        }
    }

    fn fail(&mut self, err: Error) {
        if self.error.is_none() {
            self.error = Some(err);
        }
    }

    /// Fills the path placeholder `{name}` with `value`, percent-encoded once or twice.
    pub fn path_param<V: ParamValue + ?Sized>(mut self, name: &'static str, value: &V, encoding: UrlEncoding) -> Self {
        self.path_params.push((name, encode_path(&plain_text(value), encoding)));
        self
    }

    /// Adds a query parameter (absent when `value` is `None`; sequences comma-separated).
    pub fn query<V: ParamValue + ?Sized>(self, name: &str, value: &V) -> Self {
        self.query_with(name, value, UrlEncoding::Single)
    }

    /// Adds a query parameter with an explicit `x-ms-url-encoding`.
    pub fn query_with<V: ParamValue + ?Sized>(mut self, name: &str, value: &V, encoding: UrlEncoding) -> Self {
        if value.is_present() {
            let items: Vec<String> = value.param_items().iter().map(|item| encode_query(item, encoding)).collect();
            self.query.push((encode_query(name, UrlEncoding::Single), items.join(",")));
        }
        self
    }

    /// Adds a header parameter (absent when `value` is `None`).
    pub fn header<V: ParamValue + ?Sized>(mut self, name: &str, value: &V) -> Self {
        if !value.is_present() {
            return self;
        }
        let text = plain_text(value);
        match (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(&text)) {
            (Ok(name), Ok(value)) => {
                self.headers.append(name, value);
            }
            _ => self.fail(Error::new(
                ErrorKind::Encode,
                format!("header `{name}` cannot carry the given value (line breaks or non-visible characters)"),
            )),
        }
        self
    }

    /// Sets the body to `value` as JSON (`Content-Type: application/json` unless overridden).
    pub fn json<T: Serialize + ?Sized>(mut self, value: &T) -> Self {
        match serde_json::to_vec(value) {
            Ok(bytes) => self.body = Body::Json(Bytes::from(bytes)),
            Err(e) => {
                self.fail(Error::new(ErrorKind::Encode, "the body could not be serialized as JSON").with_source(e))
            }
        }
        self
    }

    /// Sets `value` as the JSON body with `text` written at `field` (a `/`-separated path, objects created as
    /// needed): how a webhook subscription puts the callback URL into its notification-url field.
    pub fn json_with_field<T: Serialize + ?Sized>(mut self, value: &T, field: &str, text: Option<&str>) -> Self {
        let mut body = match serde_json::to_value(value) {
            Ok(body) => body,
            Err(e) => {
                self.fail(Error::new(ErrorKind::Encode, "the body could not be serialized as JSON").with_source(e));
                return self;
            }
        };
        if let Some(text) = text {
            let mut slot = &mut body;
            for segment in field.split('/').filter(|s| !s.is_empty()) {
                if !slot.is_object() {
                    *slot = serde_json::Value::Object(serde_json::Map::new());
                }
                let serde_json::Value::Object(map) = slot else { break };
                slot = map.entry(segment.to_owned()).or_insert(serde_json::Value::Null);
            }
            *slot = serde_json::Value::String(text.to_owned());
        }
        self.json(&body)
    }

    /// Sets a JSON body when `value` is `Some` (an optional body parameter).
    pub fn json_if<T: Serialize + ?Sized>(self, value: Option<&T>) -> Self {
        match value {
            Some(value) => self.json(value),
            None => self,
        }
    }

    /// Adds a field to an `application/x-www-form-urlencoded` body.
    pub fn form_field<V: ParamValue + ?Sized>(mut self, name: &str, value: &V) -> Self {
        if !value.is_present() {
            return self;
        }
        let text = plain_text(value);
        match &mut self.body {
            Body::Form(fields) => fields.push((name.to_owned(), text)),
            _ => self.body = Body::Form(vec![(name.to_owned(), text)]),
        }
        self
    }

    /// Adds a text field to a `multipart/form-data` body.
    pub fn multipart_text<V: ParamValue + ?Sized>(mut self, name: &str, value: &V) -> Self {
        if value.is_present() {
            let text = plain_text(value);
            self.body = Body::Multipart(self.take_multipart().text(name, text));
        }
        self
    }

    /// Adds a file to a `multipart/form-data` body.
    pub fn multipart_file(mut self, name: &str, file: File) -> Self {
        self.body = Body::Multipart(self.take_multipart().file(name, file));
        self
    }

    /// Adds a file to a `multipart/form-data` body when `file` is `Some` (an optional file field).
    pub fn multipart_file_if(self, name: &str, file: Option<File>) -> Self {
        match file {
            Some(file) => self.multipart_file(name, file),
            None => self,
        }
    }

    /// Sets a whole `multipart/form-data` body.
    pub fn multipart(mut self, form: Multipart) -> Self {
        self.body = Body::Multipart(form);
        self
    }

    fn take_multipart(&mut self) -> Multipart {
        match std::mem::replace(&mut self.body, Body::None) {
            Body::Multipart(form) => form,
            _ => Multipart::new(),
        }
    }

    /// Sets a raw body (binary upload) with its content type.
    pub fn bytes(mut self, content_type: &str, bytes: impl Into<Bytes>) -> Self {
        self.body = Body::Raw(content_type.to_owned(), bytes.into());
        self
    }

    /// Sets a raw body when `bytes` is `Some` (an optional binary body parameter).
    pub fn bytes_if(self, content_type: &str, bytes: Option<&Bytes>) -> Self {
        match bytes {
            Some(bytes) => self.bytes(content_type, bytes.clone()),
            None => self,
        }
    }

    /// Sets a text body with its content type.
    pub fn text(self, content_type: &str, text: impl Into<String>) -> Self {
        self.bytes(content_type, Bytes::from(text.into()))
    }

    /// Sets a streamed body. It is sent once: a failed attempt is never retried with it.
    pub fn stream<S>(mut self, content_type: &str, stream: S) -> Self
    where
        S: TryStream + Send + 'static,
        S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
        Bytes: From<S::Ok>,
    {
        self.body = Body::Stream(content_type.to_owned(), reqwest::Body::wrap_stream(stream));
        self
    }

    /// Overrides the body's `Content-Type` (an explicit `Content-Type` parameter of the spec).
    pub fn content_type(mut self, content_type: &str) -> Self {
        self.content_type = Some(content_type.to_owned());
        self
    }

    /// Uses `policy` for this call instead of the connection's.
    pub fn with_retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Limits each attempt of this call.
    pub fn with_timeout(mut self, per_attempt: Duration) -> Self {
        self.attempt_timeout = Some(per_attempt);
        self
    }

    /// Limits this whole call, retries included.
    pub fn with_deadline(mut self, overall: Duration) -> Self {
        self.deadline = Some(overall);
        self
    }

    /// The operation this request is for.
    pub fn operation(&self) -> &'static Operation {
        self.op
    }

    pub(crate) fn connection(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn extra_headers(&self) -> &HeaderMap {
        &self.headers
    }

    pub(crate) fn call_options(&self) -> (Option<RetryPolicy>, Option<Duration>, Option<Duration>) {
        (self.retry.clone(), self.attempt_timeout, self.deadline)
    }

    /// Resolves everything into a call ready to send.
    pub(crate) fn prepare(self) -> Result<Prepared> {
        let op = self.op;
        if let Some(err) = self.error {
            return Err(err.with_operation(op.connector.name, op.id));
        }
        let url = self.url()?;
        let payload = match self.body {
            Body::None => Payload::Empty,
            Body::Json(bytes) => Payload::Bytes(or_default(self.content_type, "application/json"), bytes),
            Body::Form(fields) => Payload::Bytes(
                or_default(self.content_type, "application/x-www-form-urlencoded"),
                encode_form(fields.iter().map(|(k, v)| (k.as_str(), Cow::Borrowed(v.as_str())))),
            ),
            Body::Multipart(form) => {
                // The boundary must match the body, so a spec's Content-Type parameter cannot override it.
                let (ct, bytes) = form.encode();
                Payload::Bytes(ct, bytes)
            }
            Body::Raw(ct, bytes) => Payload::Bytes(self.content_type.unwrap_or(ct), bytes),
            Body::Stream(ct, body) => Payload::Stream(self.content_type.unwrap_or(ct), Some(body)),
        };
        Ok(Prepared {
            conn: self.conn,
            op,
            method: op.method.clone(),
            url,
            headers: self.headers,
            payload,
            retry: self.retry,
            attempt_timeout: self.attempt_timeout,
            deadline: self.deadline,
        })
    }

    fn url(&self) -> Result<Url> {
        let op = self.op;
        let path = fill_template(op.path, &self.path_params).map_err(|e| e.with_operation(op.connector.name, op.id))?;
        let mut raw = self.conn.url_for_path(&path);
        if let Some(start) = raw.find('{')
            && let Some(len) = raw[start..].find('}')
        {
            return Err(Error::config(format!(
                "path parameter `{}` of `{}` was not given",
                &raw[start + 1..start + len],
                op.path
            ))
            .with_operation(op.connector.name, op.id));
        }
        for (i, (name, value)) in self.query.iter().enumerate() {
            raw.push(if i == 0 { '?' } else { '&' });
            raw.push_str(name);
            raw.push('=');
            raw.push_str(value);
        }
        Url::parse(&raw).map_err(|e| {
            Error::config("the request URL is not valid").with_source(e).with_operation(op.connector.name, op.id)
        })
    }

    /// Sends the call; a success response comes back with its raw body.
    ///
    /// The returned future is boxed: it is moved as a pointer, so awaiting many calls at once (streams,
    /// `buffer_unordered`) does not copy kilobytes of request state around.
    pub fn send(self) -> BoxFuture<'static, Result<Response<Bytes>>> {
        let prepared = self.prepare();
        Box::pin(async move { execute(prepared?).await })
    }

    /// Sends the call and decodes a JSON body into `T`.
    pub fn send_json<T: DeserializeOwned + Send + 'static>(self) -> BoxFuture<'static, Result<Response<T>>> {
        let op = self.op;
        let prepared = self.prepare();
        Box::pin(
            async move { execute(prepared?).await?.json().map_err(|e| e.with_operation(op.connector.name, op.id)) },
        )
    }

    /// Sends the call and decodes the body with `decode`, which sees the status (operations whose success
    /// statuses carry different bodies).
    pub fn send_decoded<T: Send + 'static>(
        self,
        decode: fn(StatusCode, &Bytes) -> Result<T>,
    ) -> BoxFuture<'static, Result<Response<T>>> {
        let op = self.op;
        let prepared = self.prepare();
        Box::pin(async move {
            let response = execute(prepared?).await?;
            let status = response.status();
            response
                .try_map(|body| decode(status, &body))
                .map_err(|e| e.with_status(status).with_operation(op.connector.name, op.id))
        })
    }

    /// Sends the call and ignores the body.
    pub fn send_empty(self) -> BoxFuture<'static, Result<Response<()>>> {
        let prepared = self.prepare();
        Box::pin(async move { Ok(execute(prepared?).await?.map(|_| ())) })
    }

    /// Sends the call and returns the body as text.
    pub fn send_text(self) -> BoxFuture<'static, Result<Response<String>>> {
        let prepared = self.prepare();
        Box::pin(async move { Ok(execute(prepared?).await?.text()) })
    }
}

/// Replaces each `{name}` of `template` by its encoded value in one pass; placeholders without a value stay (the
/// caller reports them), values without a placeholder are an error (a generator bug, reported rather than
/// silently dropped).
fn fill_template(template: &str, params: &[(&'static str, String)]) -> Result<String> {
    let mut out = String::with_capacity(template.len() + params.iter().map(|(_, v)| v.len()).sum::<usize>());
    let mut used = 0usize;
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else { break };
        let name = &rest[open + 1..open + close];
        out.push_str(&rest[..open]);
        match params.iter().find(|(n, _)| *n == name) {
            Some((_, value)) => {
                out.push_str(value);
                used += 1;
            }
            None => out.push_str(&rest[open..=open + close]),
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    if used < params.len()
        && let Some((name, _)) = params.iter().find(|(n, _)| !template.contains(&format!("{{{n}}}")))
    {
        return Err(Error::config(format!("path `{template}` has no parameter `{name}`")));
    }
    Ok(out)
}

fn or_default(explicit: Option<String>, default: &str) -> String {
    explicit.unwrap_or_else(|| default.to_owned())
}
