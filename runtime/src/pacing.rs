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

    /// Waits until this request's slot; returns whether it had to wait.
    pub(crate) async fn wait_turn(&self) -> bool {
        let now = Instant::now();
        let slot = {
            // A poisoned lock only means another request panicked while holding it; the slot is still sound.
            let mut next_free = self.next_free.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let slot = next_free.map_or(now, |next| next.max(now));
            *next_free = Some(slot + self.interval);
            slot
        };
        if slot > now {
            tokio::time::sleep_until(slot).await;
            true
        } else {
            false
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
                pacer.wait_turn().await;
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
        assert!(!pacer.wait_turn().await);
        tokio::time::sleep(Duration::from_millis(250)).await;
        assert!(!pacer.wait_turn().await, "the interval has passed since the last request");
        assert!(pacer.wait_turn().await, "a request right after another waits");
    }
}
