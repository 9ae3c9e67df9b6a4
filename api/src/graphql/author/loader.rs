//! Batch loading of authors, a post's authors and authors' post counts: each batch is
//! one `IN (…)` query.

use std::{collections::HashMap, sync::Arc};

use async_graphql::dataloader::Loader;
use chrono::{DateTime, Utc};
use entity::user;
use sea_orm::{DatabaseConnection, DbErr};

use crate::{graphql::context::loader_error, service};

/// User ID → user.
pub struct AuthorLoader {
    db: DatabaseConnection,
}

impl AuthorLoader {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

impl Loader<i64> for AuthorLoader {
    type Value = user::Model;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let rows = service::author::find_by_ids(&self.db, keys)
            .await
            .map_err(loader_error)?;
        Ok(rows.into_iter().map(|u| (u.id, u)).collect())
    }
}

/// Post ID → its authors, primary first.
pub struct PostAuthorsLoader {
    db: DatabaseConnection,
}

impl PostAuthorsLoader {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

impl Loader<i64> for PostAuthorsLoader {
    type Value = Vec<user::Model>;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        service::post::authors::by_posts(&self.db, keys)
            .await
            .map_err(loader_error)
    }
}

/// User ID → number of publicly visible posts they are an author of (any place).
pub struct AuthorPostCountLoader {
    db: DatabaseConnection,
    now: DateTime<Utc>,
}

impl AuthorPostCountLoader {
    pub fn new(db: DatabaseConnection, now: DateTime<Utc>) -> Self {
        Self { db, now }
    }
}

impl Loader<i64> for AuthorPostCountLoader {
    type Value = i64;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        service::author::public_post_counts(&self.db, self.now, keys)
            .await
            .map_err(loader_error)
    }
}
