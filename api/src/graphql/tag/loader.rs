//! Batch loading of tags: each batch is one `IN (…)` query.

use std::{collections::HashMap, sync::Arc};

use async_graphql::dataloader::Loader;
use chrono::{DateTime, Utc};
use entity::tag;
use sea_orm::{DatabaseConnection, DbErr};

use crate::{graphql::context::loader_error, service};

/// Post ID → its tags, in order.
pub struct PostTagsLoader {
    db: DatabaseConnection,
}

impl PostTagsLoader {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

impl Loader<i64> for PostTagsLoader {
    type Value = Vec<tag::Model>;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        service::tag::by_posts(&self.db, keys)
            .await
            .map_err(loader_error)
    }
}

/// Tag ID → number of publicly visible posts with it.
pub struct TagPostCountLoader {
    db: DatabaseConnection,
    now: DateTime<Utc>,
}

impl TagPostCountLoader {
    pub fn new(db: DatabaseConnection, now: DateTime<Utc>) -> Self {
        Self { db, now }
    }
}

impl Loader<i64> for TagPostCountLoader {
    type Value = i64;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        service::tag::public_post_counts(&self.db, self.now, Some(keys))
            .await
            .map_err(loader_error)
    }
}
