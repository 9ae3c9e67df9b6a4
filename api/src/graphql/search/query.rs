//! The `search` field.
//!
//! Cursors are offset cursors ([`pagination::encode_offset_cursor`]): a ranking has no
//! stable key to seek from (scores change as posts are written), so a cursor names a
//! position in the ranking. Paging is exact while the matching posts do not change;
//! after a write, a page boundary may repeat or skip a hit, never fail.

use async_graphql::{Context, Object};

use super::{SearchCount, SearchHitNode};
use crate::{
    error::{ApiResult, AppError},
    graphql::{
        connection::{Connection, Edge},
        context::state,
        page::ContentKind,
        pagination::{self, DEFAULT_PAGE_SIZE},
        post::{PostFilter, PostNode, prefetch::prefetch},
    },
    search::SearchQuery,
    service::{
        cache_tags::Entity,
        search::{self, SearchScope},
    },
};

pub type SearchConnection = Connection<SearchHitNode, SearchCount>;

/// The list name offset cursors of `search` carry.
const LIST: &str = "SEARCH";

#[derive(Default)]
pub struct SearchQueryRoot;

#[Object]
impl SearchQueryRoot {
    /// Full-text search over published posts (and, when `kinds` asks, pages), best match
    /// first: posts containing more
    /// of the query's words, then title matches, then BM25 relevance, then newer posts.
    /// Korean words match inside longer words (`회고` finds `회고록`); Latin text is
    /// case-insensitive; punctuation and search-syntax characters are plain text. Anyone
    /// may search; 20 hits a page by default, at most 100 (complexity: 1 + page size ×
    /// the selection of one hit). Errors: BAD_USER_INPUT for an empty query or a foreign
    /// cursor; `includeDrafts` is FORBIDDEN below EDITOR and UNAUTHENTICATED without a
    /// token.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "crate::graphql::pagination::page_cost(first, child_complexity)")]
    async fn search(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to look for; must contain a letter or digit to find anything.")]
        query: String,
        #[graphql(desc = "Hits per page (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "A cursor of a previous page's edge; hits after it.")] after: Option<
            String,
        >,
        #[graphql(desc = "Narrows the hits as in `posts`: tags, series, author, dates.")]
        filter: Option<PostFilter>,
        #[graphql(
            default,
            desc = "Also search drafts, scheduled and archived posts (editors and admins)."
        )]
        include_drafts: bool,
        #[graphql(
            default_with = "vec![ContentKind::Post]",
            desc = "Which kinds to search: posts (the default), pages, or both."
        )]
        kinds: Vec<ContentKind>,
    ) -> ApiResult<SearchConnection> {
        let s = state(ctx)?;
        let scope = if include_drafts {
            SearchScope::with_drafts(s.require_principal().await?)?
        } else {
            SearchScope::Public { now: s.now }
        };
        let parsed =
            SearchQuery::parse(&query).map_err(|e| AppError::bad_input("query", e.to_string()))?;
        let limit = pagination::size(first.unwrap_or(DEFAULT_PAGE_SIZE), "first")?;
        let offset = match after.as_deref() {
            Some(c) => pagination::decode_offset_cursor(c, LIST, "after")?.saturating_add(1),
            None => 0,
        };
        let mut filter: crate::service::post::PostFilter = filter.unwrap_or_default().into();
        filter.kinds = ContentKind::kinds(&kinds, "kinds")?;
        let page = search::search(&s.db, &parsed, scope, &filter, offset, limit).await?;
        connection(
            ctx,
            page,
            offset,
            SearchCount {
                query: parsed,
                filter,
                scope,
            },
        )
        .await
    }
}

/// The connection of one page of hits starting at `offset`, relations prefetched.
async fn connection(
    ctx: &Context<'_>,
    page: search::SearchPage,
    offset: u64,
    count: SearchCount,
) -> ApiResult<SearchConnection> {
    let s = state(ctx)?;
    s.tags.key(Entity::Post.listing());
    s.tags.key(Entity::Page.listing());
    let posts: Vec<_> = page.hits.iter().map(|h| h.post.clone()).collect();
    let look = ctx.look_ahead();
    prefetch(
        s,
        &posts,
        &[
            look.field("nodes").field("post"),
            look.field("edges").field("node").field("post"),
        ],
    )
    .await?;
    let mut conn = Connection::with_additional_fields(offset > 0, page.has_more, count);
    conn.edges
        .extend(page.hits.into_iter().zip(offset..).map(|(hit, i)| {
            let id = hit.post.id;
            // `post` is a Post object whatever the hit; a page's `page` a Page too.
            s.tags.entity(Entity::Post, id);
            if hit.post.kind == entity::post::Kind::Page {
                s.tags.entity(Entity::Page, id);
            }
            let post = PostNode::new(hit.post.clone(), s.now);
            Edge::new(
                pagination::encode_offset_cursor(LIST, i),
                SearchHitNode { hit, post },
            )
        }));
    Ok(conn)
}
