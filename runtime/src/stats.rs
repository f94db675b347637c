//! Counters of what a connection did: requests sent, retries, and waits the service asked for (throttling).
//!
//! Every clone of a [`Connection`](crate::Connection) shares one set of counters, so a tool can report "N requests,
//! M throttled waits" for a whole run without wrapping anything.

use std::sync::atomic::{AtomicU64, Ordering};

/// A snapshot of a connection's counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CallStats {
    /// HTTP requests sent (every attempt counts).
    pub requests: u64,
    /// Attempts that were retries of a failed one.
    pub retries: u64,
    /// Retries that waited because the service said so (`Retry-After` on 429/503): throttling.
    pub throttled_waits: u64,
    /// Requests that waited for their turn because the connection is paced
    /// ([`Connection::with_pacing`](crate::Connection::with_pacing)).
    pub paced_waits: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    requests: AtomicU64,
    retries: AtomicU64,
    throttled_waits: AtomicU64,
    paced_waits: AtomicU64,
}

impl Counters {
    pub(crate) fn request(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn retry(&self, throttled: bool) {
        self.retries.fetch_add(1, Ordering::Relaxed);
        if throttled {
            self.throttled_waits.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub(crate) fn paced_wait(&self) {
        self.paced_waits.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self) -> CallStats {
        CallStats {
            requests: self.requests.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
            throttled_waits: self.throttled_waits.load(Ordering::Relaxed),
            paced_waits: self.paced_waits.load(Ordering::Relaxed),
        }
    }
}
