//! Batch loading of posts by ID (each batch is one `IN (…)` query), with or without
//! their bodies: what the neighbours of a post in its series are read through.

use std::{collections::HashMap, sync::Arc};

use async_graphql::dataloader::Loader;
use entity::post;
use sea_orm::{DatabaseConnection, DbErr};

use crate::{graphql::context::loader_error, service, service::post::Bodies};

/// Post ID → post (for the neighbours of a post in its series), with or without its
/// bodies: a page showing a neighbour's title and link needs none of its Markdown and
/// HTML.
pub struct PostLoader {
    db: DatabaseConnection,
    bodies: Bodies,
}

impl PostLoader {
    pub fn new(db: DatabaseConnection, bodies: Bodies) -> Self {
        Self { db, bodies }
    }
}

impl Loader<i64> for PostLoader {
    type Value = post::Model;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let rows = service::post::find_by_ids(&self.db, keys, self.bodies)
            .await
            .map_err(loader_error)?;
        Ok(rows.into_iter().map(|p| (p.id, p)).collect())
    }
}
