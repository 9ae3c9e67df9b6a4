//! Batch loading of series and of their posts: each batch is one `IN (…)` query.

use std::{collections::HashMap, sync::Arc};

use async_graphql::dataloader::Loader;
use chrono::{DateTime, Utc};
use entity::{post, series};
use sea_orm::{DatabaseConnection, DbErr};

use crate::{graphql::context::loader_error, service};

/// Series ID → series.
pub struct SeriesLoader {
    db: DatabaseConnection,
}

impl SeriesLoader {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

impl Loader<i64> for SeriesLoader {
    type Value = series::Model;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let rows = service::series::find_by_ids(&self.db, keys)
            .await
            .map_err(loader_error)?;
        Ok(rows.into_iter().map(|s| (s.id, s)).collect())
    }
}

/// Series ID → its publicly visible posts, in series order.
pub struct SeriesPostsLoader {
    db: DatabaseConnection,
    now: DateTime<Utc>,
}

impl SeriesPostsLoader {
    pub fn new(db: DatabaseConnection, now: DateTime<Utc>) -> Self {
        Self { db, now }
    }
}

impl Loader<i64> for SeriesPostsLoader {
    type Value = Vec<post::Model>;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let rows = service::post::public_by_series(&self.db, self.now, keys)
            .await
            .map_err(loader_error)?;
        let mut map: HashMap<i64, Vec<post::Model>> = HashMap::new();
        for p in rows {
            if let Some(sid) = p.series_id {
                map.entry(sid).or_default().push(p);
            }
        }
        Ok(map)
    }
}

/// Series ID → IDs of its publicly visible posts, in series order (no post bodies).
pub struct SeriesEntriesLoader {
    db: DatabaseConnection,
    now: DateTime<Utc>,
}

impl SeriesEntriesLoader {
    pub fn new(db: DatabaseConnection, now: DateTime<Utc>) -> Self {
        Self { db, now }
    }
}

impl Loader<i64> for SeriesEntriesLoader {
    type Value = Vec<i64>;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let rows = service::post::public_ids_by_series(&self.db, self.now, keys)
            .await
            .map_err(loader_error)?;
        let mut map: HashMap<i64, Vec<i64>> = HashMap::new();
        for (series_id, post_id) in rows {
            map.entry(series_id).or_default().push(post_id);
        }
        Ok(map)
    }
}

/// Post ID → its place in its series (position, previous and next visible posts);
/// posts that are not publicly visible in a series have none.
pub struct SeriesPlaceLoader {
    db: DatabaseConnection,
    now: DateTime<Utc>,
}

impl SeriesPlaceLoader {
    pub fn new(db: DatabaseConnection, now: DateTime<Utc>) -> Self {
        Self { db, now }
    }
}

impl Loader<i64> for SeriesPlaceLoader {
    type Value = service::post::SeriesPlace;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        Ok(service::post::series_places(&self.db, self.now, keys)
            .await
            .map_err(loader_error)?
            .into_iter()
            .collect())
    }
}
