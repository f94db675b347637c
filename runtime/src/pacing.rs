//! Request pacing: a minimum interval between requests on one connection, shared by all its clones.
//!
//! Throttling (429 with `Retry-After`) tells a client it was too fast after the fact; pacing keeps a bulk job (a
//! sync of a whole tenant) under a service's limits in the first place. Each request reserves the next free slot
//! before it is sent, so concurrent calls are spread out too, and retries take a slot like any other request.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Hands out send times at least `interval` apart.
#[derive(Debug)]
pub(crate) struct Pacer {
    interval: Duration,
    next_free: Mutex<Option<Instant>>,
}

impl Pacer {
    pub(crate) fn new(interval: Duration) -> Self {
        Pacer { interval, next_free: Mutex::new(None) }
    }

    pub(crate) fn interval(&self) -> Duration {
        self.interval
    }

    /// Waits until this request's slot; returns whether it had to wait, or `Err` (without taking the slot) when
    /// the slot comes later than `latest` can wait, so a call past its deadline does not hold others back.
    pub(crate) async fn wait_turn(&self, latest: Option<Duration>) -> Result<bool, Duration> {
        let now = Instant::now();
        let slot = {
            // A poisoned lock only means another request panicked while holding it; the slot is still sound.
            let mut next_free = self.next_free.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let slot = next_free.map_or(now, |next| next.max(now));
            if let Some(latest) = latest
                && slot - now > latest
            {
                return Err(slot - now);
            }
            *next_free = Some(slot + self.interval);
            slot
        };
        if slot > now {
            tokio::time::sleep_until(slot).await;
            Ok(true)
        } else {
            Ok(false)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn slots_are_an_interval_apart_even_for_concurrent_callers() {
        let pacer = std::sync::Arc::new(Pacer::new(Duration::from_millis(100)));
        let start = Instant::now();
        let calls = (0..4).map(|_| {
            let pacer = pacer.clone();
            tokio::spawn(async move {
                let _ = pacer.wait_turn(None).await;
                Instant::now()
            })
        });
        let mut times = Vec::new();
        for call in calls {
            times.push(call.await.map(|at| at - start).unwrap_or_default());
        }
        times.sort();
        let expected: Vec<Duration> = (0..4).map(|n| Duration::from_millis(100 * n)).collect();
        assert_eq!(times, expected);
    }

    #[tokio::test(start_paused = true)]
    async fn an_idle_connection_sends_at_once() {
        let pacer = Pacer::new(Duration::from_millis(100));
        assert_eq!(pacer.wait_turn(None).await, Ok(false));
        tokio::time::sleep(Duration::from_millis(250)).await;
        assert_eq!(pacer.wait_turn(None).await, Ok(false), "the interval has passed since the last request");
        assert_eq!(pacer.wait_turn(None).await, Ok(true), "a request right after another waits");
    }

    #[tokio::test(start_paused = true)]
    async fn a_call_that_cannot_wait_for_its_slot_does_not_take_it() {
        let pacer = Pacer::new(Duration::from_millis(100));
        assert_eq!(pacer.wait_turn(None).await, Ok(false));
        let start = Instant::now();
        assert_eq!(pacer.wait_turn(Some(Duration::from_millis(50))).await, Err(Duration::from_millis(100)));
        assert_eq!(Instant::now(), start, "it did not sleep");
        assert_eq!(pacer.wait_turn(None).await, Ok(true));
        assert_eq!(Instant::now() - start, Duration::from_millis(100), "the refused call left the slot free");
    }
}
