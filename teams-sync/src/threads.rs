//! Replies that came inline with their messages (`$expand=replies`), kept from a channel's messages run until
//! the replies run of each message.
//!
//! Memory is bounded: past [`MAX_KEPT_REPLIES`] replies in all, a message's replies are not kept, only the fact
//! that it has some; its replies run then reads its replies list (one request more for that message).

use std::collections::HashMap;

use connector_sync::Scope;
use serde_json::Value;

/// The most replies kept at once (about a few hundred MB of JSON at worst).
pub const MAX_KEPT_REPLIES: usize = 100_000;

/// What is known of one message's replies.
#[derive(Debug, Default)]
pub(crate) struct Thread {
    /// The inline replies, or `None` when they were not kept (memory bound).
    pub(crate) replies: Option<Vec<Value>>,
    /// `replies@odata.nextLink`: more replies than Graph inlined.
    pub(crate) more: Option<String>,
    /// The message had replies inline (kept or not).
    has_replies: bool,
}

/// Message scope key -> its thread, for the messages read in this run.
#[derive(Debug, Default)]
pub(crate) struct Threads {
    map: HashMap<String, Thread>,
    kept: usize,
}

/// The scope key of a message's replies, as its replies table run will ask for it.
pub(crate) fn message_key(channel: &Scope, message: &str) -> String {
    channel.child("parent_message_id", message).key()
}

impl Threads {
    /// Records a message read in this run with its inline replies and next link.
    pub(crate) fn insert(&mut self, key: String, replies: Vec<Value>, more: Option<String>) {
        let has_replies = !replies.is_empty();
        let replies = if self.kept + replies.len() <= MAX_KEPT_REPLIES {
            self.kept += replies.len();
            Some(replies)
        } else {
            None
        };
        if let Some(old) = self.map.insert(key, Thread { replies, more, has_replies }) {
            self.release(&old);
        }
    }

    /// Takes a message's thread for its replies run.
    pub(crate) fn take(&mut self, key: &str) -> Option<Thread> {
        let thread = self.map.remove(key)?;
        self.release(&thread);
        Some(thread)
    }

    /// The ids of the messages of `channel` that have replies, sorted.
    pub(crate) fn with_replies(&self, channel: &Scope) -> Vec<String> {
        let prefix = message_key(channel, "");
        let mut ids: Vec<String> = self
            .map
            .iter()
            .filter(|(_, thread)| thread.has_replies || thread.more.is_some())
            .filter_map(|(key, _)| key.strip_prefix(&prefix).map(str::to_owned))
            .collect();
        ids.sort();
        ids
    }

    /// Drops every thread of `channel`.
    pub(crate) fn forget(&mut self, channel: &Scope) {
        let prefix = message_key(channel, "");
        let mut released = 0;
        self.map.retain(|key, thread| {
            let keep = !key.starts_with(&prefix);
            if !keep {
                released += thread.replies.as_ref().map_or(0, Vec::len);
            }
            keep
        });
        self.kept -= released;
    }

    fn release(&mut self, thread: &Thread) {
        self.kept -= thread.replies.as_ref().map_or(0, Vec::len);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn past_the_bound_only_the_fact_of_replies_is_kept() {
        let c = Scope::root().child("team_id", "t").child("channel_id", "c");
        let mut threads = Threads::default();
        let many = vec![json!({"id": "r"}); MAX_KEPT_REPLIES];
        threads.insert(message_key(&c, "m1"), many, None);
        threads.insert(message_key(&c, "m2"), vec![json!({"id": "r2"})], None);
        threads.insert(message_key(&c, "m3"), Vec::new(), None);
        assert_eq!(threads.with_replies(&c), ["m1", "m2"]);
        let m2 = threads.take(&message_key(&c, "m2"));
        assert!(m2.is_some_and(|t| t.replies.is_none() && t.has_replies), "over the bound: not kept");
        assert!(threads.take(&message_key(&c, "m1")).is_some_and(|t| t.replies.is_some()));
        // Taking m1 freed its share: the next thread is kept again.
        threads.insert(message_key(&c, "m4"), vec![json!({"id": "r4"})], None);
        assert!(threads.take(&message_key(&c, "m4")).is_some_and(|t| t.replies.is_some()));
        threads.forget(&c);
        assert_eq!(threads.kept, 0);
        assert!(threads.with_replies(&c).is_empty());
    }
}
