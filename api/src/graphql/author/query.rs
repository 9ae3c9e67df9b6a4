//! `author(slug:)` and `authors(...)`.
//!
//! `authors` pages with offset cursors ([`pagination::encode_offset_cursor`]), as
//! `search` does: ordered by post count, the list has no stable key to seek from.

use async_graphql::{Context, Enum, Object};

use super::AuthorNode;
use crate::{
    error::ApiResult,
    graphql::{
        connection::{Connection, Edge},
        context::state,
        pagination::{self, DEFAULT_PAGE_SIZE},
    },
    service::{self, author::AuthorOrder as ServiceOrder, cache_tags::Entity},
};

/// How to order `authors`.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum AuthorOrder {
    /// Alphabetically by display name.
    #[default]
    Name,
    /// Most published posts first (co-authored ones count), then by name.
    PostCount,
}

/// The list name offset cursors of `authors` carry.
const LIST: &str = "AUTHORS";

pub type AuthorConnection = Connection<AuthorNode, AuthorCount>;

/// The size of the whole `authors` list.
pub struct AuthorCount;

#[Object]
impl AuthorCount {
    /// How many authors the whole list holds (not just this page).
    async fn total_count(&self, ctx: &Context<'_>) -> ApiResult<i64> {
        let s = state(ctx)?;
        let n = service::author::public_count(&s.db, s.now).await?;
        Ok(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

#[derive(Default)]
pub struct AuthorQuery;

#[Object]
impl AuthorQuery {
    /// An author by slug; null when there is none. Anyone may read it.
    async fn author(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The author's slug, Hangul as it is, not percent-encoded.")] slug: String,
    ) -> ApiResult<Option<AuthorNode>> {
        let s = state(ctx)?;
        let found = service::author::find_by_slug(&s.db, &slug).await?;
        if found.is_none() {
            s.tags.key(Entity::Author.listing());
        }
        Ok(found.map(|a| s.tags.saw(Entity::Author, a.id, AuthorNode(a))))
    }

    /// Everyone who is an author (in any place of the byline) of at least one published
    /// post, each with `postCount`, in one statement per page.
    #[graphql(complexity = "crate::graphql::pagination::page_cost(first, child_complexity)")]
    async fn authors(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Authors per page (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "A cursor of a previous page's edge; authors after it.")] after: Option<
            String,
        >,
        #[graphql(default, desc = "The order: by name (default) or by post count.")]
        order_by: AuthorOrder,
    ) -> ApiResult<AuthorConnection> {
        let s = state(ctx)?;
        // Who has published posts: any post listing change can change it.
        s.tags.key(Entity::Author.listing());
        s.tags.key(Entity::Post.listing());
        let limit = pagination::size(first.unwrap_or(DEFAULT_PAGE_SIZE), "first")?;
        let offset = match after.as_deref() {
            Some(c) => pagination::decode_offset_cursor(c, LIST, "after")?.saturating_add(1),
            None => 0,
        };
        let order = match order_by {
            AuthorOrder::Name => ServiceOrder::Name,
            AuthorOrder::PostCount => ServiceOrder::PostCount,
        };
        let mut rows = service::author::public_page(&s.db, s.now, order, offset, limit).await?;
        let has_more = rows.len() as u64 > limit;
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        let mut conn = Connection::with_additional_fields(offset > 0, has_more, AuthorCount);
        for ((user, count), i) in rows.into_iter().zip(offset..) {
            s.author_counts.feed_one(user.id, count).await;
            conn.edges.push(Edge::new(
                pagination::encode_offset_cursor(LIST, i),
                s.tags.saw(Entity::Author, user.id, AuthorNode(user)),
            ));
        }
        Ok(conn)
    }
}
