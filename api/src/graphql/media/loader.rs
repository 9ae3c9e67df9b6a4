//! What uses each media file of a response, for all of them at once.

use std::{collections::HashMap, sync::Arc};

use async_graphql::dataloader::Loader;
use sea_orm::{DatabaseConnection, DbErr};

use crate::{
    graphql::context::loader_error,
    service::media::usage::{self, Usage},
};

/// Media files by SHA-256 (the images a post's HTML shows).
pub struct MediaByHashLoader {
    db: DatabaseConnection,
}

impl MediaByHashLoader {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

impl Loader<String> for MediaByHashLoader {
    type Value = entity::media::Model;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[String]) -> Result<HashMap<String, Self::Value>, Self::Error> {
        let rows = crate::service::media::by_hashes(&self.db, keys)
            .await
            .map_err(loader_error)?;
        Ok(rows.into_iter().map(|m| (m.sha256.clone(), m)).collect())
    }
}

/// A file's uses, by its SHA-256: one statement per table for a whole page.
pub struct MediaUsageLoader {
    db: DatabaseConnection,
}

impl MediaUsageLoader {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

impl Loader<String> for MediaUsageLoader {
    type Value = Vec<Usage>;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[String]) -> Result<HashMap<String, Self::Value>, Self::Error> {
        usage::used_by(&self.db, keys).await.map_err(loader_error)
    }
}
