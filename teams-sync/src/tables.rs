//! The five tables and their columns, as Graph names the fields.

use std::time::Duration;

use connector_sync::{Column, Mode, Table};

/// Snapshot of teams, with their settings objects as JSON.
pub fn teams() -> Table {
    table(
        "teams",
        &[],
        &[
            "id",
            "displayName",
            "description",
            "visibility",
            "isArchived",
            "createdDateTime",
            "memberSettings",
            "guestSettings",
            "messagingSettings",
            "funSettings",
        ],
        snapshot(),
    )
}

/// Snapshot of each team's channels.
pub fn channels() -> Table {
    table(
        "channels",
        &["team_id"],
        &[
            "id",
            "displayName",
            "description",
            "membershipType",
            "email",
            "webUrl",
            "createdDateTime",
            "isFavoriteByDefault",
            "isArchived",
        ],
        snapshot(),
    )
}

/// Snapshot of each team's members.
pub fn members() -> Table {
    table(
        "members",
        &["team_id"],
        &["id", "roles", "displayName", "userId", "email", "visibleHistoryStartDateTime"],
        snapshot(),
    )
}

/// Change data capture of each channel's root messages, on `lastModifiedDateTime`.
pub fn messages(lookback: Duration) -> Table {
    table("messages", &["team_id", "channel_id"], MESSAGE_FIELDS, incremental(lookback))
}

/// Change data capture of each message's replies, on `lastModifiedDateTime`.
pub fn message_replies(lookback: Duration) -> Table {
    table("message_replies", &["team_id", "channel_id", "parent_message_id"], MESSAGE_FIELDS, incremental(lookback))
}

const MESSAGE_FIELDS: &[&str] = &[
    "id",
    "replyToId",
    "messageType",
    "createdDateTime",
    "lastModifiedDateTime",
    "lastEditedDateTime",
    "deletedDateTime",
    "importance",
    "from",
    "body",
    "attachments",
    "mentions",
    "reactions",
];

fn snapshot() -> Mode {
    Mode::Snapshot { delete_vanished: false }
}

fn incremental(lookback: Duration) -> Mode {
    Mode::Incremental { cursor_field: "lastModifiedDateTime".to_owned(), lookback }
}

fn table(name: &str, parents: &[&str], fields: &[&str], mode: Mode) -> Table {
    Table {
        name: name.to_owned(),
        key: "id".to_owned(),
        parent_columns: parents.iter().map(|p| (*p).to_owned()).collect(),
        // Column names are Graph's field names; nested values (from, body, ...) are stored as JSON text.
        columns: fields.iter().filter(|f| **f != "id").map(|f| Column::new(*f, *f)).collect(),
        mode,
    }
}
