//! Services: the rules of quire and all of its SQL, one module per aggregate. Nothing
//! here knows GraphQL or HTTP; everything returns [`crate::error::AppResult`].

pub mod account;
pub mod apikey;
pub mod auth;
pub mod author;
pub mod content_clock;
pub mod export;
pub mod import;
pub mod keyset;
pub mod post;
pub mod post_input;
pub mod post_read;
pub mod post_write;
pub mod search;
pub mod series;
pub mod settings;
pub mod tag;
pub mod taxonomy;

use chrono::{DateTime, DurationRound, TimeDelta, Utc};

/// The current time at the precision both databases store (microseconds), so a value
/// written and read back compares equal on SQLite and PostgreSQL alike.
pub fn now() -> DateTime<Utc> {
    let t = Utc::now();
    t.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(t)
}
