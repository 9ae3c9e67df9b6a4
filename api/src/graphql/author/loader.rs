//! Batch loading of authors: each batch is one `IN (…)` query.

use std::{collections::HashMap, sync::Arc};

use async_graphql::dataloader::Loader;
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
