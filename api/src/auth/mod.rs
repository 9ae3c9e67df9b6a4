//! Who is asking, and what they may do. Tokens are checked in `token`, passwords in
//! `password`; the rules of the role matrix live in `policy`. Looking principals up in
//! the database is the job of `service::auth`.

pub mod password;
pub mod policy;
pub mod secret;
pub mod token;

use entity::{api_key, user};

pub use secret::Secret;

/// An authenticated caller.
#[derive(Debug, Clone)]
pub enum Principal {
    /// A person, logged in with a password.
    User(user::Model),
    /// An admin script signing with an API key; acts for the admin who created the key.
    ApiKey {
        key: api_key::Model,
        creator: user::Model,
    },
}

impl Principal {
    /// The role in force now (read from the database, never from the token).
    pub fn role(&self) -> user::Role {
        match self {
            Self::User(u) => u.role,
            Self::ApiKey { key, .. } => key.role,
        }
    }

    /// The user a write is attributed to.
    pub fn user_id(&self) -> i64 {
        match self {
            Self::User(u) => u.id,
            Self::ApiKey { creator, .. } => creator.id,
        }
    }

    /// For revisions: the API key that made a change, if one did.
    pub fn key_id(&self) -> Option<&str> {
        match self {
            Self::User(_) => None,
            Self::ApiKey { key, .. } => Some(&key.key_id),
        }
    }
}

/// Ranks roles: ADMIN 3 > EDITOR 2 > AUTHOR 1.
pub fn rank(role: user::Role) -> u8 {
    match role {
        user::Role::Admin => 3,
        user::Role::Editor => 2,
        user::Role::Author => 1,
    }
}
