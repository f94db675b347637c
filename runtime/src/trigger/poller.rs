//! The polling trigger protocol, with at-least-once delivery.
//!
//! Each poll is the trigger operation (first time) or a `GET` of the last `Location` (after that). `200` carries
//! items, `202` means nothing new; `Location` is the next poll URL and `Retry-After` says when (`0`: more now;
//! absent: the configured interval; never sooner than the configured minimum after a `202`). Errors go through the
//! connection's retry policy; a poll that still fails changes nothing.
//!
//! Delivery is at least once: the new `Location` is committed to the [`StateStore`] only after every item of the
//! response that produced it has been acknowledged. A process that dies in between polls the old `Location`
//! again on restart and gets the same items; nothing is skipped. Large responses are handed out in chunks of at
//! most [`PollerOptions::max_batch`] items, so a catch-up after downtime does not flood the consumer.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use futures::Stream;
use reqwest::Method;
use reqwest::header::HeaderMap;

use super::{PollState, StateStore, Trigger};
use crate::retry::retry_after;
use crate::transport::follow_link;
use crate::{Error, ErrorKind, Response, Result};

/// Tuning for a [`Poller`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PollerOptions {
    /// The wait between polls when the connector gives no `Retry-After`, and the least wait after a `202`
    /// (default 60 s).
    pub interval: Duration,
    /// The most items handed out at once (default 100).
    pub max_batch: usize,
}

impl Default for PollerOptions {
    fn default() -> Self {
        PollerOptions { interval: Duration::from_secs(60), max_batch: 100 }
    }
}

/// Items handed out by [`Poller::poll_once`]; acknowledge them with [`Poller::commit`].
#[derive(Debug)]
pub struct Batch<Item> {
    /// The items, in the order the connector sent them (possibly none).
    pub items: Vec<Item>,
    sequence: u64,
}

/// One item from [`Poller::into_stream`].
#[derive(Debug)]
pub struct Delivery<Item> {
    /// The item.
    pub item: Item,
}

/// The response being handed out: its remaining items and the state to commit once all are acknowledged.
struct InFlight<Item> {
    remaining: VecDeque<Item>,
    next_state: PollState,
    /// Items handed out but not yet acknowledged (re-sent if `poll_once` is called again without a commit).
    outstanding: Option<(u64, Vec<Item>)>,
}

/// Runs a polling trigger: see the module docs for the protocol and the delivery guarantee.
///
/// ```no_run
/// # async fn example<T: connector_runtime::trigger::Trigger>(trigger: T) -> connector_runtime::Result<()>
/// # where T::Item: std::fmt::Debug {
/// use connector_runtime::trigger::{FileStateStore, Poller};
///
/// let mut poller = Poller::new(trigger, FileStateStore::new("state"), "new-mail");
/// loop {
///     let batch = poller.poll_once().await?;
///     for item in &batch.items {
///         println!("{item:?}");
///     }
///     poller.commit(batch).await?;   // only now is the cursor saved
/// }
/// # }
/// ```
pub struct Poller<T: Trigger> {
    trigger: T,
    store: Arc<dyn StateStore>,
    key: String,
    options: PollerOptions,
    committed: Option<PollState>,
    in_flight: Option<InFlight<T::Item>>,
    sequence: u64,
}

impl<T: Trigger> Poller<T>
where
    T::Item: Clone,
{
    /// A poller for `trigger` whose state is kept in `store` under `key` (one key per trigger instance).
    pub fn new(trigger: T, store: impl StateStore + 'static, key: impl Into<String>) -> Self {
        Poller {
            trigger,
            store: Arc::new(store),
            key: key.into(),
            options: PollerOptions::default(),
            committed: None,
            in_flight: None,
            sequence: 0,
        }
    }

    /// Sets the interval and batch size.
    pub fn with_options(mut self, options: PollerOptions) -> Self {
        self.options = PollerOptions { max_batch: options.max_batch.max(1), ..options };
        self
    }

    /// The committed state (loaded from the store on first use).
    pub async fn state(&mut self) -> Result<PollState> {
        if self.committed.is_none() {
            self.committed = Some(self.store.load(&self.key).await?.unwrap_or_default());
        }
        Ok(self.committed.clone().unwrap_or_default())
    }

    /// Waits until the next poll is due, then returns the next items: the rest of the current response if it is
    /// not all handed out, else a new poll's. An empty batch means nothing new. Items handed out and not yet
    /// committed are handed out again.
    pub async fn poll_once(&mut self) -> Result<Batch<T::Item>> {
        if let Some(flight) = &self.in_flight
            && let Some((sequence, items)) = &flight.outstanding
        {
            return Ok(Batch { items: items.clone(), sequence: *sequence });
        }
        if self.in_flight.as_ref().is_some_and(|f| !f.remaining.is_empty()) {
            return Ok(self.hand_out());
        }
        let state = self.state().await?;
        if let Some(at) = state.next_poll_at
            && let Ok(wait) = at.duration_since(SystemTime::now())
        {
            tokio::time::sleep(wait).await;
        }
        let response = self.poll(&state).await?;
        let status = response.status();
        let next_state = PollState {
            location: response.header("location").map(str::to_owned).or(state.location.clone()),
            next_poll_at: Some(SystemTime::now() + self.wait_after(status.as_u16(), response.headers())),
        };
        let items = if status.as_u16() == 200 { T::decode(response.body())? } else { Vec::new() };
        tracing::debug!(operation = T::OPERATION_ID, status = status.as_u16(), items = items.len(), "polled");
        if items.is_empty() {
            // Nothing to acknowledge: the new cursor can be committed now.
            self.save(next_state).await?;
            return Ok(Batch { items: Vec::new(), sequence: 0 });
        }
        self.in_flight = Some(InFlight { remaining: items.into(), next_state, outstanding: None });
        Ok(self.hand_out())
    }

    fn hand_out(&mut self) -> Batch<T::Item> {
        self.sequence += 1;
        let sequence = self.sequence;
        let max = self.options.max_batch;
        match &mut self.in_flight {
            Some(flight) => {
                let take = flight.remaining.len().min(max);
                let items: Vec<T::Item> = flight.remaining.drain(..take).collect();
                flight.outstanding = Some((sequence, items.clone()));
                Batch { items, sequence }
            }
            None => Batch { items: Vec::new(), sequence },
        }
    }

    /// Acknowledges a batch. When it was the last of its response, the response's cursor is committed to the
    /// store; before that nothing is written, so a crash redelivers the whole response.
    pub async fn commit(&mut self, batch: Batch<T::Item>) -> Result<()> {
        let Some(flight) = &mut self.in_flight else { return Ok(()) };
        match &flight.outstanding {
            Some((sequence, _)) if *sequence == batch.sequence => flight.outstanding = None,
            _ => {
                return Err(Error::new(
                    ErrorKind::Config,
                    "this batch is not the one handed out last; nothing committed",
                ));
            }
        }
        if flight.remaining.is_empty() {
            let next_state = flight.next_state.clone();
            self.in_flight = None;
            self.save(next_state).await?;
        }
        Ok(())
    }

    async fn save(&mut self, state: PollState) -> Result<()> {
        self.store.save(&self.key, &state).await?;
        self.committed = Some(state);
        Ok(())
    }

    /// The wait before the next poll after a response with `status`.
    fn wait_after(&self, status: u16, headers: &HeaderMap) -> Duration {
        match (status, retry_after(headers)) {
            // More data waiting (`Retry-After: 0`) or the connector's own pace.
            (200, Some(wait)) => wait,
            // Nothing new: never sooner than the configured interval.
            (_, Some(wait)) => wait.max(self.options.interval),
            (_, None) => self.options.interval,
        }
    }

    async fn poll(&self, state: &PollState) -> Result<Response<bytes::Bytes>> {
        match &state.location {
            None => self.trigger.request(None).send().await,
            Some(location) => {
                follow_link(self.trigger.connection(), self.trigger.operation(), Method::GET, location).await
            }
        }
    }

    /// The common case: an endless stream of items. A response's cursor is committed when the item after its
    /// last one is requested, so an item being processed when the process dies is delivered again on restart.
    /// Errors are yielded (the stream goes on after waiting the interval).
    pub fn into_stream(self) -> impl Stream<Item = Result<Delivery<T::Item>>> + Send
    where
        T::Item: Send,
    {
        futures::stream::unfold(
            (self, VecDeque::new(), None::<Batch<T::Item>>),
            |(mut poller, mut queue, mut batch)| async move {
                loop {
                    if let Some(item) = queue.pop_front() {
                        return Some((Ok(Delivery { item }), (poller, queue, batch)));
                    }
                    // Everything handed out was consumed: acknowledge it before asking for more.
                    if let Some(done) = batch.take()
                        && let Err(e) = poller.commit(done).await
                    {
                        return Some((Err(e), (poller, queue, None)));
                    }
                    match poller.poll_once().await {
                        Ok(next) if next.items.is_empty() => continue,
                        Ok(mut next) => {
                            queue.extend(std::mem::take(&mut next.items));
                            batch = Some(next);
                        }
                        Err(e) => {
                            let wait = poller.options.interval;
                            tokio::time::sleep(wait).await;
                            return Some((Err(e), (poller, queue, None)));
                        }
                    }
                }
            },
        )
    }
}
