//! `post(id:|slug:)` and `posts(...)`.

use async_graphql::{Context, ID, Object};

use super::{PostCount, PostFilter, PostNode, PostOrder};
use crate::service::cache_tags::{Entity, change::kind};
use crate::{
    error::{ApiResult, AppError},
    graphql::{
        connection::Connection,
        context::state,
        node,
        pagination::{self, ConnectionArgs},
    },
    service,
};

pub type PostConnection = Connection<PostNode, PostCount>;

#[derive(Default)]
pub struct PostQuery;

/// Reads a page of the public listing; shared by `posts`, `Tag.posts` and `Author.posts`.
/// `listing` names its cache keys (`posts`, or the posts of one tag…: see
/// [`crate::service::cache_tags`]).
pub async fn post_page(
    ctx: &Context<'_>,
    args: ConnectionArgs,
    filter: service::post::PostFilter,
    order: service::post::PostOrder,
    listing: &[String],
) -> ApiResult<PostConnection> {
    let s = state(ctx)?;
    for key in listing {
        s.tags.key(key.clone());
    }
    let now = s.now;
    post_page_scoped(ctx, args, filter, order, service::post::Scope::Public(now)).await
}

/// Reads a page of a listing in `scope` (the caller has checked who may see it).
pub async fn post_page_scoped(
    ctx: &Context<'_>,
    args: ConnectionArgs,
    filter: service::post::PostFilter,
    order: service::post::PostOrder,
    scope: service::post::Scope,
) -> ApiResult<PostConnection> {
    let s = state(ctx)?;
    let sort = super::cursor::tag(order);
    let window = args.window(sort)?;
    let look = ctx.look_ahead();
    let nodes = [look.field("nodes"), look.field("edges").field("node")];
    let bodies = super::bodies::needed(&nodes);
    // The authors come with the page when it shows them (one statement fewer).
    let with_authors = nodes.iter().any(|n| n.field("author").exists());
    let listing = service::post::list(
        &s.db,
        scope,
        &filter,
        order,
        window.clone(),
        bodies,
        with_authors,
    )
    .await?;
    super::prefetch::feed_parents(s, listing.authors, None).await;
    let slice = listing.page;
    super::prefetch::prefetch(s, &slice.items, &nodes).await?;
    let now = s.now;
    Ok(pagination::connection(
        &window,
        slice,
        sort,
        |p| order.cursor_of(p),
        |p| s.tags.saw(kind(p.kind), p.id, PostNode::new(p, now)),
        PostCount { filter, scope },
    ))
}

#[Object]
impl PostQuery {
    /// A post by global ID, by slug (a former slug finds the post under its current
    /// one), or by preview token (exactly one of them, else BAD_USER_INPUT). The public
    /// sees published posts; EDITORs, ADMINs and the post's authors also its drafts.
    /// Null when there is no such post or the caller may not see it, and for a page (see
    /// `page`). An expired or forged preview token is UNAUTHENTICATED.
    async fn post(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The post's global ID (a `Post` ID; another kind is BAD_USER_INPUT).")]
        id: Option<ID>,
        #[graphql(
            desc = "The post's slug, or one it had before (the post is found under its current slug)."
        )]
        slug: Option<String>,
        #[graphql(
            desc = "A token from `createPreviewToken`: opens that one draft, no login needed."
        )]
        preview_token: Option<String>,
    ) -> ApiResult<Option<PostNode>> {
        use service::post::read::{PostRef, find_by_preview, find_readable};
        let s = state(ctx)?;
        let mut slug = slug;
        let found = match (id, slug.take(), preview_token) {
            (Some(id), None, None) => {
                let n = node::decode_as(&id, node::Kind::Post, "id")?;
                find_readable(&s.db, s.principal().await?, s.now, PostRef::Id(n)).await?
            }
            (None, Some(asked), None) => {
                let found =
                    find_readable(&s.db, s.principal().await?, s.now, PostRef::Slug(&asked))
                        .await?;
                slug = Some(asked);
                found
            }
            (None, None, Some(t)) => {
                s.mark_personal();
                find_by_preview(&s.db, &s.secret, &t).await?
            }
            _ => {
                return Err(AppError::bad_input(
                    "id",
                    "give exactly one of id, slug or previewToken",
                )
                .into());
            }
        };
        let Some(found) = found else {
            s.tags.key(Entity::Post.listing());
            return Ok(None);
        };
        if slug.is_some_and(|asked| asked != found.post.slug) {
            // Found by a former slug, which another post may take.
            s.tags.key(Entity::Post.listing());
        }
        // The author and series came with the post; the rest is read now.
        super::prefetch::feed_parents(s, found.author, found.series).await;
        let p = found.post;
        super::prefetch::prefetch(s, std::slice::from_ref(&p), &[ctx.look_ahead()]).await?;
        Ok(Some(s.tags.saw(
            Entity::Post,
            p.id,
            PostNode::new(p, s.now),
        )))
    }

    /// Published posts (not pages), newest first unless `orderBy` says otherwise; anyone
    /// may read it. Page with `first`/`after` or `last`/`before` (keyset cursors), or
    /// with `page`/`pageSize` (numbered pages); 20 a page by default, at most 100.
    /// Complexity: 1 + page size × the selection of one post. Errors: BAD_USER_INPUT for
    /// a size outside 0–100, a page below 1, mixed paging styles or a cursor of another
    /// ordering.
    #[allow(clippy::too_many_arguments)]
    #[graphql(
        complexity = "crate::graphql::pagination::page_cost(first.or(last).or(page_size), child_complexity)"
    )]
    async fn posts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page forwards: at most this many (default 20, at most 100).")]
        first: Option<i32>,
        #[graphql(desc = "Page forwards from this cursor.")] after: Option<String>,
        #[graphql(desc = "Page backwards: at most this many (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Page backwards from this cursor.")] before: Option<String>,
        #[graphql(desc = "1-based page number, for numbered pagination.")] page: Option<i32>,
        #[graphql(desc = "Posts per page with `page` (default 20, at most 100).")]
        page_size: Option<i32>,
        #[graphql(desc = "Narrows the listing; every part given must hold.")] filter: Option<
            PostFilter,
        >,
        #[graphql(desc = "The order (default: newest `publishedAt` first).")] order_by: Option<
            PostOrder,
        >,
    ) -> ApiResult<PostConnection> {
        let order = PostOrder::to_service(order_by.as_ref());
        let args = ConnectionArgs::new(first, after, last, before).with_pages(page, page_size);
        let listing = [Entity::Post.listing().to_owned()];
        post_page(
            ctx,
            args,
            filter.unwrap_or_default().into(),
            order,
            &listing,
        )
        .await
    }
}
