//! Services: the rules of quire and all of its SQL, one module per aggregate. Nothing
//! here knows GraphQL or HTTP; everything returns [`crate::error::AppResult`].
//!
//! Who may do what is checked here and nowhere else: a function that acts for a caller
//! takes `who: &Principal` and calls [`crate::auth::policy`] first, so resolvers only
//! read their context, call a service and map its result. Functions without a `who`
//! (creating a user from the shell, an import run by the operator) act with the
//! database's own authority and are not called by resolvers except through a checked
//! one (e.g. [`account::admin`] over [`account::users`]).

pub mod account;
pub mod apikey;
pub mod auth;
pub mod author;
pub mod backup;
pub mod cache_tags;
pub mod category;
pub mod content_clock;
pub mod doctor;
pub mod export;
pub mod feed;
pub mod import;
pub mod keyset;
pub mod live;
pub mod media;
pub mod page;
pub mod post;
pub mod search;
pub mod series;
pub mod settings;
pub mod site;
pub mod tag;
pub mod taxonomy;
pub mod url;
pub mod webhook;

use chrono::{DateTime, DurationRound, TimeDelta, Utc};

/// The current time at the precision both databases store (microseconds), so a value
/// written and read back compares equal on SQLite and PostgreSQL alike.
pub fn now() -> DateTime<Utc> {
    let t = Utc::now();
    t.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(t)
}
