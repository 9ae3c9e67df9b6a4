//! The tag page's fast path: a public listing by tags alone (no other narrowing) reads
//! the ids of its page, and its count, from the tag links instead of the posts.
//! Triggers copy each post's visibility and date into its links (see
//! [`super::visibility::publicly_listed`]), so a tag page costs its page, not its tag's
//! size.

use entity::{post_tag, tag};
use sea_orm::{
    ColumnTrait, Order,
    sea_query::{Expr, ExprTrait, Query, SelectStatement},
};

use super::{
    listing::{PostFilter, PostOrder, PostSort},
    visibility::{Scope, publicly_listed},
};
use crate::service::keyset::{self, Window};

/// The links of a public listing by tags alone (no other narrowing), read instead of the
/// posts: triggers copy each post's visibility and date into its links (see
/// [`publicly_listed`]), so a tag page costs its page, not its tag's size.
pub(super) fn links(scope: Scope, f: &PostFilter) -> Option<(SelectStatement, bool)> {
    let Scope::Public(now) = scope else {
        return None;
    };
    if !f.tags_only() {
        return None;
    }
    let tag_ids = Query::select()
        .column(tag::Column::Id)
        .from(tag::Entity)
        .and_where(tag::Column::Slug.is_in(f.tags.clone()))
        .to_owned();
    // One tag: an equality, so the index walks that tag's links in date order.
    let single = f.tags.len() == 1;
    let of_tags = if single {
        Expr::col(post_tag::Column::TagId).eq(Expr::SubQuery(
            None,
            Box::new(sea_orm::sea_query::QueryStatementBuilder::into_sub_query_statement(tag_ids)),
        ))
    } else {
        post_tag::Column::TagId.in_subquery(tag_ids)
    };
    let links = Query::select()
        .from(post_tag::Entity)
        .cond_where(publicly_listed(now))
        .and_where(of_tags)
        .to_owned();
    Some((links, single))
}

/// The ids of the page `window` of a public listing by tags alone, from the links (see
/// [`links`]); `None` for any other listing.
pub(super) fn page_ids(
    scope: Scope,
    f: &PostFilter,
    order: PostOrder,
    window: &Window,
) -> Option<SelectStatement> {
    if order.sort != PostSort::PublishedAt || order.pinned_first {
        return None;
    }
    let (mut q, single) = links(scope, f)?;
    // The rows the listing's own query then pages through (it skips `offset` itself).
    let (descending, cursor, rows) = match window {
        Window::Forward { after, limit } => (order.descending, after.as_ref(), *limit + 1),
        Window::Backward { before, limit } => (!order.descending, before.as_ref(), *limit + 1),
        Window::Offset { offset, limit } => (order.descending, None, offset + limit + 1),
    };
    let dir = if descending { Order::Desc } else { Order::Asc };
    q.column(post_tag::Column::PostId);
    if !single {
        // A post with several of the tags has a link for each.
        q.group_by_columns([post_tag::Column::PostId, post_tag::Column::PublishedAt]);
    }
    if let Some(c) = cursor {
        q.cond_where(keyset::beyond(
            post_tag::Column::PublishedAt,
            post_tag::Column::PostId,
            c.clone(),
            descending,
        ));
    }
    q.order_by(post_tag::Column::PublishedAt, dir.clone())
        .order_by(post_tag::Column::PostId, dir)
        .limit(rows);
    Some(q)
}
