//! What every resolver of one request shares: the database, the request's clock and
//! the DataLoaders (created per request, so one request's cache never serves another).

use async_graphql::{Context, dataloader::DataLoader};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use super::{author::loader::AuthorLoader, series::loader::{SeriesLoader, SeriesPostsLoader}, tag::loader::{PostTagsLoader, TagPostCountLoader}};
use crate::error::{ApiResult, AppError};

pub struct RequestState {
    pub db: DatabaseConnection,
    /// One instant per request, so every visibility check in it agrees.
    pub now: DateTime<Utc>,
    pub authors: DataLoader<AuthorLoader>,
    pub post_tags: DataLoader<PostTagsLoader>,
    pub tag_counts: DataLoader<TagPostCountLoader>,
    pub series: DataLoader<SeriesLoader>,
    pub series_posts: DataLoader<SeriesPostsLoader>,
}

impl RequestState {
    pub fn new(db: DatabaseConnection, now: DateTime<Utc>) -> Self {
        let spawn = tokio::spawn;
        Self {
            authors: DataLoader::new(AuthorLoader::new(db.clone()), spawn),
            post_tags: DataLoader::new(PostTagsLoader::new(db.clone()), spawn),
            tag_counts: DataLoader::new(TagPostCountLoader::new(db.clone(), now), spawn),
            series: DataLoader::new(SeriesLoader::new(db.clone()), spawn),
            series_posts: DataLoader::new(SeriesPostsLoader::new(db.clone(), now), spawn),
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
