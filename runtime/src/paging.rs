//! Paged operations as a `Stream` of items, following next links.
//!
//! A page is a JSON object with the items under a path (`value` for OData) and a next link under a name
//! (`@odata.nextLink`, `nextLink`, or whatever `x-ms-pageable` says). The stream fetches the next page only when the
//! items of the current one are consumed, follows the whole next link as given (Graph's rule: never rebuild it),
//! and stops when the link is absent or empty.
//!
//! Where a link may be followed is decided by [`Connection::resolve_link`](crate::Connection::resolve_link): same
//! origin with credentials, another host re-routed through the runtime URL, or refused on a direct connection.
//! A link seen before ends the stream with [`ErrorKind::PagingLoop`] instead of looping forever.

use std::collections::{HashSet, VecDeque};
use std::pin::Pin;
use std::time::Duration;

use futures::Stream;
use reqwest::Method;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use serde_json::Value;
use url::Url;

use crate::response::decode_json;
use crate::transport::{Payload, Prepared, execute};
use crate::{Connection, Error, ErrorKind, Operation, Request, Result, RetryPolicy};

/// Where a paged response keeps its items and its next link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paging {
    /// Path string (`/`-separated) to the items array; empty when the body itself is the array.
    pub items: &'static str,
    /// The name of the next-link property at the root of the body.
    pub next_link: &'static str,
}

impl Paging {
    /// OData paging: items under `value`, next link in `@odata.nextLink`.
    pub const ODATA: Paging = Paging { items: "value", next_link: "@odata.nextLink" };
}

/// One page of items and the raw next link it carried.
#[derive(Clone, Debug)]
pub struct Page<T> {
    /// The items of this page (possibly none: services may return empty pages with a next link).
    pub items: Vec<T>,
    /// The next link as the service gave it, when there is one.
    pub next_link: Option<String>,
}

/// A boxed stream of results, as paged operations return it.
pub type ItemStream<T> = Pin<Box<dyn Stream<Item = Result<T>> + Send>>;

impl Request {
    /// Sends the call and streams its pages, following next links.
    pub fn into_pages<T: DeserializeOwned + Send + 'static>(self, paging: Paging) -> ItemStream<Page<T>> {
        let conn = self.connection().clone();
        let op = self.operation();
        let headers = self.extra_headers().clone();
        let (retry, attempt_timeout, deadline) = self.call_options();
        let first = self.prepare();
        let follow = Follow { conn, op, headers, retry, attempt_timeout, deadline };
        pages_from(first.map(Some), follow, paging)
    }

    /// Sends the call and streams the items of all its pages, following next links.
    pub fn into_stream<T: DeserializeOwned + Send + 'static>(self, paging: Paging) -> ItemStream<T> {
        let pages = self.into_pages::<T>(paging);
        let stream = futures::stream::try_unfold((pages, VecDeque::new()), |(mut pages, mut buffer)| async move {
            loop {
                if let Some(item) = buffer.pop_front() {
                    return Ok(Some((item, (pages, buffer))));
                }
                match futures::StreamExt::next(&mut pages).await {
                    None => return Ok(None),
                    Some(Err(e)) => return Err(e),
                    Some(Ok(page)) => buffer.extend(page.items),
                }
            }
        });
        Box::pin(stream)
    }
}

impl Connection {
    /// Streams pages starting at a next link the service handed back elsewhere, as [`Request::into_pages`] would
    /// after its first page: a link kept from an interrupted run, or a nested one such as Graph's
    /// `replies@odata.nextLink` inside an expanded item. `operation` names the call in errors and traces and
    /// decides its credentials; the link is resolved by [`Connection::resolve_link`] against the base URL, so it
    /// is refused if it points at another host on a direct connection.
    pub fn follow_pages<T: DeserializeOwned + Send + 'static>(
        &self,
        operation: &'static Operation,
        link: &str,
        paging: Paging,
    ) -> ItemStream<Page<T>> {
        let follow = Follow {
            conn: self.clone(),
            op: operation,
            headers: HeaderMap::new(),
            retry: None,
            attempt_timeout: None,
            deadline: None,
        };
        let first = self
            .resolve_link(link, self.base_url())
            .map(|url| Some(follow.prepare(url)))
            .map_err(|e| e.with_operation(operation.connector.name, operation.id));
        pages_from(first, follow, paging)
    }
}

/// What every page request of one paged call shares.
#[derive(Clone)]
struct Follow {
    conn: Connection,
    op: &'static Operation,
    headers: HeaderMap,
    retry: Option<RetryPolicy>,
    attempt_timeout: Option<Duration>,
    deadline: Option<Duration>,
}

impl Follow {
    fn prepare(&self, url: Url) -> Prepared {
        Prepared {
            conn: self.conn.clone(),
            op: self.op,
            method: Method::GET,
            url,
            headers: self.headers.clone(),
            payload: Payload::Empty,
            retry: self.retry.clone(),
            attempt_timeout: self.attempt_timeout,
            deadline: self.deadline,
        }
    }
}

/// Streams pages from `first`, following next links until one is absent.
fn pages_from<T: DeserializeOwned + Send + 'static>(
    first: Result<Option<Prepared>>,
    follow: Follow,
    paging: Paging,
) -> ItemStream<Page<T>> {
    let stream = futures::stream::try_unfold(
        (first, HashSet::new()),
        move |(next, mut seen): (Result<Option<Prepared>>, HashSet<String>)| {
            let follow = follow.clone();
            async move {
                let Some(prepared) = next? else {
                    return Ok(None);
                };
                let op = follow.op;
                let url = prepared.url.clone();
                seen.insert(url.to_string());
                let response = execute(prepared).await?;
                let (items, next_link) = split_page::<T>(response.body(), paging)
                    .map_err(|e| e.with_status(response.status()).with_operation(op.connector.name, op.id))?;
                // A link we must not follow fails the *next* poll, so this page's items are still delivered.
                let next = match next_link.as_deref() {
                    None => Ok(None),
                    Some(link) => follow
                        .conn
                        .resolve_link(link, &url)
                        .and_then(|resolved| {
                            if seen.contains(resolved.as_str()) {
                                return Err(Error::new(
                                    ErrorKind::PagingLoop,
                                    "the service returned a next link it had already returned",
                                ));
                            }
                            Ok(Some(follow.prepare(resolved)))
                        })
                        .map_err(|e| e.with_operation(op.connector.name, op.id)),
                };
                Ok(Some((Page { items, next_link }, (next, seen))))
            }
        },
    );
    Box::pin(stream)
}

/// Splits a page body into its decoded items and its next link.
fn split_page<T: DeserializeOwned>(body: &[u8], paging: Paging) -> Result<(Vec<T>, Option<String>)> {
    let mut root: Value = decode_json(body)?;
    let next_link = match root.get(paging.next_link) {
        Some(Value::String(link)) if !link.trim().is_empty() => Some(link.clone()),
        _ => None,
    };
    let mut items_value = &mut root;
    for segment in paging.items.split('/').filter(|s| !s.is_empty()) {
        items_value = match items_value.get_mut(segment) {
            Some(v) => v,
            None => return Ok((Vec::new(), next_link)),
        };
    }
    let items = match items_value.take() {
        Value::Array(items) => items,
        Value::Null => Vec::new(),
        _ => {
            return Err(Error::new(ErrorKind::Decode, "expected an array of items")
                .with_json_path(paging.items.replace('/', ".")));
        }
    };
    let mut decoded = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        let item = serde_path_to_error::deserialize(item).map_err(|e| {
            let prefix = paging.items.replace('/', ".");
            let path = match e.path().to_string().as_str() {
                "." => format!("{prefix}[{index}]"),
                inner => format!("{prefix}[{index}].{inner}"),
            };
            let inner = e.into_inner();
            Error::new(ErrorKind::Decode, inner.to_string()).with_json_path(path).with_source(inner)
        })?;
        decoded.push(item);
    }
    Ok((decoded, next_link))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_odata_page() -> Result<()> {
        let body = br#"{"value":[1,2,3],"@odata.nextLink":"https://h/x?page=2"}"#;
        let (items, next) = split_page::<i32>(body, Paging::ODATA)?;
        assert_eq!(items, vec![1, 2, 3]);
        assert_eq!(next.as_deref(), Some("https://h/x?page=2"));
        Ok(())
    }

    #[test]
    fn empty_next_link_ends() -> Result<()> {
        let (items, next) = split_page::<i32>(br#"{"value":[],"@odata.nextLink":""}"#, Paging::ODATA)?;
        assert!(items.is_empty() && next.is_none());
        Ok(())
    }

    #[test]
    fn item_decode_error_names_index() {
        let err = split_page::<i32>(br#"{"value":[1,"x"]}"#, Paging::ODATA).err();
        assert_eq!(err.as_ref().and_then(Error::json_path), Some("value[1]"));
    }
}
