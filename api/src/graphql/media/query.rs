//! `media(...)`: the library, for logged-in users.

use async_graphql::{Context, Enum, Object};

use super::{MediaKindGql, MediaNode};
use crate::{
    error::ApiResult,
    graphql::{
        connection::Connection,
        context::state,
        pagination::{self, ConnectionArgs},
    },
    service::{
        self,
        keyset::Cursor,
        media::{MediaFilter, MediaOrder},
    },
};

/// The order of the media library.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum MediaOrderBy {
    /// The latest upload first.
    #[default]
    NewestFirst,
    /// The earliest upload first.
    OldestFirst,
    /// By file name (code point order).
    Filename,
}

impl From<MediaOrderBy> for MediaOrder {
    fn from(o: MediaOrderBy) -> Self {
        match o {
            MediaOrderBy::NewestFirst => Self::NewestFirst,
            MediaOrderBy::OldestFirst => Self::OldestFirst,
            MediaOrderBy::Filename => Self::Filename,
        }
    }
}

/// Extra fields of a media connection.
pub struct MediaCount(MediaFilter);

#[Object]
impl MediaCount {
    /// How many files the listing holds (all pages).
    async fn total_count(&self, ctx: &Context<'_>) -> ApiResult<i64> {
        let n = service::media::count(&state(ctx)?.db, self.0).await?;
        Ok(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

#[derive(Default)]
pub struct MediaQuery;

#[Object]
impl MediaQuery {
    /// The media library, for logged-in users (any role; UNAUTHENTICATED otherwise).
    #[graphql(
        complexity = "crate::graphql::pagination::page_cost(first.or(last), child_complexity)"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn media(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page forwards: at most this many (default 20, at most 100).")]
        first: Option<i32>,
        #[graphql(desc = "Page forwards from this cursor.")] after: Option<String>,
        #[graphql(desc = "Page backwards: at most this many (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Page backwards from this cursor.")] before: Option<String>,
        #[graphql(desc = "Only files of this kind.")] kind: Option<MediaKindGql>,
        #[graphql(desc = "Only the caller's own uploads (default false).")] mine: Option<bool>,
        #[graphql(desc = "The order (default NEWEST_FIRST).")] order_by: Option<MediaOrderBy>,
    ) -> ApiResult<Connection<MediaNode, MediaCount>> {
        let s = state(ctx)?;
        let who = s.require_principal().await?;
        let order = MediaOrder::from(order_by.unwrap_or_default());
        let sort = order.sort_name();
        let window = ConnectionArgs::new(first, after, last, before).window(sort)?;
        let filter = MediaFilter {
            kind: kind.map(Into::into),
            owner_id: mine.unwrap_or(false).then(|| who.user_id()),
        };
        let slice = service::media::list(&s.db, who, filter, order, window.clone()).await?;
        Ok(pagination::connection(
            &window,
            slice,
            sort,
            |m| Cursor {
                key: order.key_of(m),
                id: m.id,
                pinned: None,
            },
            MediaNode,
            MediaCount(filter),
        ))
    }
}
