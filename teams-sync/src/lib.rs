//! teams-sync: copies Microsoft Teams data (teams, channels, members, channel messages and replies) out of
//! Microsoft Graph v1.0 into a local database, with the generated `connector-msgraph-teams` client underneath and
//! `connector-sync` doing the bookkeeping.
//!
//! [`source::GraphSource`] turns the sync engine's table requests into Graph list calls; [`tables`] says what
//! each table is (key, parents, mode, columns).

pub mod run;
pub mod source;
pub mod tables;
pub mod threads;
