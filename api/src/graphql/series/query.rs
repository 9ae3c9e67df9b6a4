//! `series(slug:)` and `allSeries(...)`.

use async_graphql::{Context, Object};

use super::SeriesNode;
use crate::{
    error::ApiResult,
    graphql::{
        connection::Connection,
        context::state,
        pagination::{self, ConnectionArgs},
    },
    service::{self, cache_tags::Entity, keyset::Cursor},
};

const SORT: &str = "SeriesTitle";

/// Extra fields of a series connection.
pub struct SeriesCount;

#[Object]
impl SeriesCount {
    /// How many series exist.
    async fn total_count(&self, ctx: &Context<'_>) -> ApiResult<i64> {
        let n = service::series::count(&state(ctx)?.db).await?;
        Ok(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

#[derive(Default)]
pub struct SeriesQuery;

#[Object]
impl SeriesQuery {
    /// A series by slug, with its published posts in order; null when there is none.
    /// Anyone may read it.
    async fn series(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The series' slug, Hangul as it is, not percent-encoded.")] slug: String,
    ) -> ApiResult<Option<SeriesNode>> {
        let s = state(ctx)?;
        let found = service::series::find_by_slug(&s.db, &slug).await?;
        if found.is_none() {
            s.tags.key(Entity::Series.listing());
        }
        Ok(found.map(|m| s.tags.saw(Entity::Series, m.id, SeriesNode(m))))
    }

    /// Every series, ordered by title; 20 a page by default, at most 100. Anyone may read
    /// it. Errors: BAD_USER_INPUT for a size outside 0–100 or a foreign cursor.
    #[graphql(
        complexity = "crate::graphql::pagination::page_cost(first.or(last), child_complexity)"
    )]
    async fn all_series(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page forwards: at most this many (default 20, at most 100).")]
        first: Option<i32>,
        #[graphql(desc = "Page forwards from this cursor.")] after: Option<String>,
        #[graphql(desc = "Page backwards: at most this many (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Page backwards from this cursor.")] before: Option<String>,
    ) -> ApiResult<Connection<SeriesNode, SeriesCount>> {
        let s = state(ctx)?;
        s.tags.key(Entity::Series.listing());
        let window = ConnectionArgs::new(first, after, last, before).window(SORT)?;
        let slice = service::series::list(&s.db, window.clone()).await?;
        Ok(pagination::connection(
            &window,
            slice,
            SORT,
            |m| Cursor {
                key: service::series::key_of(m),
                id: m.id,
                pinned: None,
            },
            |m| s.tags.saw(Entity::Series, m.id, SeriesNode(m)),
            SeriesCount,
        ))
    }
}
