//! Accounts: the users themselves, their passwords and profiles, their sessions, and
//! what admins do to them through the API.
//!
//! [`admin`], [`profile::update_own`] and [`passwords::change_own`] act for a caller and
//! check the caller first (see [`crate::auth::policy`]); the rest act with the database's
//! own authority, for the shell commands and for the checked functions built on them.

pub mod admin;
pub mod own_posts;
pub mod passwords;
pub mod profile;
pub mod sessions;
pub mod users;
