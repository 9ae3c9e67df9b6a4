//! `page(id:|slug:|previewToken:)` and `pages(parent:, …)`.

use async_graphql::{Context, ID, Object};

use super::PageNode;
use crate::{
    error::{ApiResult, AppError},
    graphql::{
        connection::{Connection, Edge},
        context::state,
        node,
        pagination::{self, DEFAULT_PAGE_SIZE},
    },
    service::{
        self,
        cache_tags::Entity,
        page::listing::Under,
        post::{Scope, read::PostRef},
    },
};

pub type PageConnection = Connection<PageNode, PageCount>;

/// The list name of the offset cursors of `pages`.
const LIST: &str = "PAGES";

/// Extra fields of a page connection.
pub struct PageCount {
    scope: Scope,
    under: Option<Under>,
}

#[Object]
impl PageCount {
    /// How many pages the whole listing holds (not just this page of it).
    async fn total_count(&self, ctx: &Context<'_>) -> ApiResult<i64> {
        let Some(under) = self.under else {
            return Ok(0);
        };
        let s = state(ctx)?;
        let n = service::page::listing::count(&s.db, self.scope, under).await?;
        Ok(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

#[derive(Default)]
pub struct PageQuery;

#[Object]
impl PageQuery {
    /// A page by global ID, by slug (a former slug finds the page under its current
    /// one), or by preview token (exactly one of them, else BAD_USER_INPUT). The public
    /// sees published pages; EDITORs, ADMINs and the page's authors also its drafts. Null
    /// when there is none or the caller may not see it, and for a post's slug. An expired
    /// or forged preview token is UNAUTHENTICATED.
    async fn page(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The page's global ID (a `Page` ID; another kind is BAD_USER_INPUT).")]
        id: Option<ID>,
        #[graphql(
            desc = "The page's slug, or one it had before (the page is found under its current slug)."
        )]
        slug: Option<String>,
        #[graphql(
            desc = "A token from `createPagePreviewToken`: opens that one draft, no login needed."
        )]
        preview_token: Option<String>,
    ) -> ApiResult<Option<PageNode>> {
        use service::page::find_readable_page;
        let s = state(ctx)?;
        let found = match (id, slug, preview_token) {
            (Some(id), None, None) => {
                let n = node::decode_as(&id, node::Kind::Page, "id")?;
                find_readable_page(&s.db, s.principal().await?, s.now, PostRef::Id(n)).await?
            }
            (None, Some(slug), None) => {
                find_readable_page(&s.db, s.principal().await?, s.now, PostRef::Slug(&slug)).await?
            }
            (None, None, Some(t)) => {
                s.mark_personal();
                service::page::find_page_by_preview(&s.db, &s.secret, &t).await?
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
            s.tags.key(Entity::Page.listing());
            return Ok(None);
        };
        super::super::post::prefetch::feed_parents(s, found.author, None).await;
        // Found by its slug or a former one (which another page may take).
        s.tags.key(Entity::Page.listing());
        let p = found.post;
        Ok(Some(s.tags.saw(
            Entity::Page,
            p.id,
            PageNode::new(p, s.now),
        )))
    }

    /// Published pages under `parent` (a page's slug), or at the top of the tree without
    /// it, in menu order, then by title; 20 a page by default, at most 100. An unknown
    /// parent lists nothing. Anyone may read it (drafts: see `includeDrafts`).
    #[graphql(complexity = "crate::graphql::pagination::page_cost(first, child_complexity)")]
    async fn pages(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The slug of the parent page; omitted: the top-level pages.")]
        parent: Option<String>,
        #[graphql(desc = "At most this many (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "A cursor of a previous edge; pages after it.")] after: Option<String>,
        #[graphql(
            default,
            desc = "Also list drafts, scheduled and archived pages (editors and admins)."
        )]
        include_drafts: bool,
    ) -> ApiResult<PageConnection> {
        let s = state(ctx)?;
        let scope = if include_drafts {
            service::page::listing::drafts_scope(s.require_principal().await?)?
        } else {
            Scope::Public(s.now)
        };
        let under = service::page::listing::under(&s.db, parent.as_deref()).await?;
        page_listing(ctx, scope, under, first, after).await
    }
}

/// One numbered page of the listing `under` (nothing when `None`) in `scope`.
pub async fn page_listing(
    ctx: &Context<'_>,
    scope: Scope,
    under: Option<Under>,
    first: Option<i32>,
    after: Option<String>,
) -> ApiResult<PageConnection> {
    let s = state(ctx)?;
    s.tags.key(Entity::Page.listing());
    let limit = pagination::size(first.unwrap_or(DEFAULT_PAGE_SIZE), "first")?;
    let offset = match after.as_deref() {
        Some(c) => pagination::decode_offset_cursor(c, LIST, "after")?.saturating_add(1),
        None => 0,
    };
    let slice = match under {
        Some(u) => service::page::list(&s.db, scope, u, offset, limit).await?,
        None => service::keyset::Slice {
            items: Vec::new(),
            has_more: false,
        },
    };
    let mut conn =
        Connection::with_additional_fields(offset > 0, slice.has_more, PageCount { scope, under });
    conn.edges
        .extend(slice.items.into_iter().zip(offset..).map(|(p, i)| {
            Edge::new(
                pagination::encode_offset_cursor(LIST, i),
                s.tags.saw(Entity::Page, p.id, PageNode::new(p, s.now)),
            )
        }));
    Ok(conn)
}
