//! Batch loading of a page's relations in the tree: its children and its ancestors,
//! each batch one statement (the ancestors by one recursive walk).

use std::{collections::HashMap, sync::Arc};

use async_graphql::dataloader::Loader;
use entity::post;
use sea_orm::{DatabaseConnection, DbErr};

use crate::{graphql::context::loader_error, service};

/// Page ID → its children not in the trash, in menu order (the resolver keeps those the
/// reader may see).
pub struct PageChildrenLoader {
    db: DatabaseConnection,
}

impl PageChildrenLoader {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

impl Loader<i64> for PageChildrenLoader {
    type Value = Vec<post::Model>;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        service::page::children_of(&self.db, keys)
            .await
            .map_err(loader_error)
    }
}

/// Page ID → its ancestors, the root first and the parent last.
pub struct PageAncestorsLoader {
    db: DatabaseConnection,
}

impl PageAncestorsLoader {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

impl Loader<i64> for PageAncestorsLoader {
    type Value = Vec<post::Model>;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        service::page::ancestors_of(&self.db, keys)
            .await
            .map_err(loader_error)
    }
}
