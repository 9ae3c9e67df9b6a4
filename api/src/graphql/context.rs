//! What every resolver of one request shares: the database, the request's clock and
//! the DataLoaders (created per request, so one request's cache never serves another).

use async_graphql::{Context, dataloader::{DataLoader, HashMapCache}};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use super::{author::loader::AuthorLoader, series::loader::{SeriesLoader, SeriesPostsLoader}, tag::loader::{PostTagsLoader, TagPostCountLoader}};
use crate::error::{ApiResult, AppError};

/// A per-request, caching DataLoader: one request's cache never serves another.
pub type CachedLoader<T> = DataLoader<T, HashMapCache>;

pub struct RequestState {
    pub db: DatabaseConnection,
    /// One instant per request, so every visibility check in it agrees.
    pub now: DateTime<Utc>,
    pub authors: CachedLoader<AuthorLoader>,
    pub post_tags: CachedLoader<PostTagsLoader>,
    pub tag_counts: CachedLoader<TagPostCountLoader>,
    pub series: CachedLoader<SeriesLoader>,
    pub series_posts: CachedLoader<SeriesPostsLoader>,
}

impl RequestState {
    pub fn new(db: DatabaseConnection, now: DateTime<Utc>) -> Self {
        Self {
            authors: DataLoader::with_cache(AuthorLoader::new(db.clone()), tokio::spawn, HashMapCache::default()),
            post_tags: DataLoader::with_cache(PostTagsLoader::new(db.clone()), tokio::spawn, HashMapCache::default()),
            tag_counts: DataLoader::with_cache(TagPostCountLoader::new(db.clone(), now), tokio::spawn, HashMapCache::default()),
            series: DataLoader::with_cache(SeriesLoader::new(db.clone()), tokio::spawn, HashMapCache::default()),
            series_posts: DataLoader::with_cache(SeriesPostsLoader::new(db.clone(), now), tokio::spawn, HashMapCache::default()),
            db,
            now,
        }
    }
}

/// The request state, or INTERNAL when the HTTP layer did not attach it.
pub fn state<'a>(ctx: &Context<'a>) -> ApiResult<&'a RequestState> {
    ctx.data::<RequestState>()
        .map_err(|_| AppError::Internal("request state missing".into()).into())
}

/// DataLoader errors must be `Clone`; a service error becomes a shared `DbErr`.
pub fn loader_error(e: AppError) -> std::sync::Arc<sea_orm::DbErr> {
    std::sync::Arc::new(match e {
        AppError::Database(e) => e,
        other => sea_orm::DbErr::Custom(other.to_string()),
    })
}
