//! Listings of posts: the narrowing a caller asks for, the order, and one page of it
//! by keyset (after/before a cursor) or by number, with each post's author read in the
//! same statement when the page shows it. Listings by tags alone take their ids from
//! the tag links ([`super::tag_page`]).

use chrono::{DateTime, Utc};
use entity::{post, post_tag, series, tag, user};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, Select,
    sea_query::{Expr, ExprTrait, Query},
};

use super::{
    bodies::{Bodies, without_bodies},
    kind::Kinds,
    tag_page,
    visibility::Scope,
};
use crate::{
    error::{AppError, AppResult},
    service::keyset::{self, Cursor, Slice, SortKey, Window},
};

/// Narrowing of a post listing; every part must hold.
#[derive(Debug, Clone, Default)]
pub struct PostFilter {
    /// Posts carrying any of these tags (by slug).
    pub tags: Vec<String>,
    pub series: Option<String>,
    /// Posts in this category (slug) or any category below it.
    pub category: Option<String>,
    /// Posts with this author (by slug) in any place of the byline.
    pub author: Option<String>,
    /// Posts with this author (by user id) in any place of the byline.
    pub author_id: Option<i64>,
    pub published_after: Option<DateTime<Utc>>,
    pub published_before: Option<DateTime<Utc>>,
    /// Only pinned (or only unpinned) posts.
    pub pinned: Option<bool>,
    /// Only featured (or only unfeatured) posts.
    pub featured: Option<bool>,
    /// Posts, pages or both ([`Kinds`]); posts unless a caller asks (search, pages).
    pub kinds: Kinds,
}

impl PostFilter {
    /// Whether the filter narrows by tags and nothing else (the tag page's fast path).
    pub fn tags_only(&self) -> bool {
        !self.tags.is_empty()
            && self.series.is_none()
            && self.category.is_none()
            && self.author.is_none()
            && self.author_id.is_none()
            && self.published_after.is_none()
            && self.published_before.is_none()
            && self.pinned.is_none()
            && self.featured.is_none()
            && self.kinds == Kinds::Posts
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostSort {
    PublishedAt,
    UpdatedAt,
    Title,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostOrder {
    pub sort: PostSort,
    pub descending: bool,
    /// Pinned posts before all others, each group in this order.
    pub pinned_first: bool,
}

impl Default for PostOrder {
    fn default() -> Self {
        Self {
            sort: PostSort::PublishedAt,
            descending: true,
            pinned_first: false,
        }
    }
}

impl PostOrder {
    /// The position of `p` in a listing in this order.
    pub fn cursor_of(self, p: &post::Model) -> Cursor {
        Cursor {
            key: self.sort.key_of(p),
            id: p.id,
            pinned: self.pinned_first.then_some(p.pinned),
        }
    }

    /// Rows beyond `c` when walking `forward` (or backwards) through this order.
    fn beyond(self, c: Cursor, forward: bool) -> AppResult<Condition> {
        let descending = self.descending == forward;
        let (key, id) = (self.sort.column(), post::Column::Id);
        Ok(match (self.pinned_first, c.pinned) {
            (false, None) => keyset::beyond(key, id, c, descending),
            (true, Some(lead)) => {
                keyset::beyond_led(post::Column::Pinned, key, id, c, lead, forward, descending)
            }
            _ => {
                return Err(AppError::bad_input(
                    if forward { "after" } else { "before" },
                    "invalid cursor: it belongs to another ordering",
                ));
            }
        })
    }

    /// `q` in this order, walking `forward` or backwards.
    fn apply(self, q: Select<post::Entity>, forward: bool) -> Select<post::Entity> {
        let dir = |descending: bool| if descending { Order::Desc } else { Order::Asc };
        let q = if self.pinned_first {
            q.order_by(post::Column::Pinned, dir(forward))
        } else {
            q
        };
        let descending = self.descending == forward;
        q.order_by(self.sort.column(), dir(descending))
            .order_by(post::Column::Id, dir(descending))
    }
}

impl PostSort {
    fn column(self) -> post::Column {
        match self {
            Self::PublishedAt => post::Column::PublishedAt,
            Self::UpdatedAt => post::Column::UpdatedAt,
            Self::Title => post::Column::Title,
        }
    }

    /// The cursor key of `p` under this sort.
    pub fn key_of(self, p: &post::Model) -> SortKey {
        match self {
            Self::PublishedAt => SortKey::Time(p.published_at.unwrap_or(p.created_at)),
            Self::UpdatedAt => SortKey::Time(p.updated_at),
            Self::Title => SortKey::Text(p.title.clone()),
        }
    }
}

fn filter_condition(scope: Scope, f: &PostFilter) -> Condition {
    scope.condition().add(narrowing(f))
}

/// What `f` asks for, without any visibility rule (search adds its own scope).
pub fn narrowing(f: &PostFilter) -> Condition {
    let mut c = f.kinds.condition();
    if !f.tags.is_empty() {
        c = c.add(
            post::Column::Id.in_subquery(
                Query::select()
                    .column(post_tag::Column::PostId)
                    .from(post_tag::Entity)
                    .inner_join(
                        tag::Entity,
                        sea_orm::sea_query::Expr::col((tag::Entity, tag::Column::Id))
                            .equals((post_tag::Entity, post_tag::Column::TagId)),
                    )
                    .and_where(tag::Column::Slug.is_in(f.tags.clone()))
                    .to_owned(),
            ),
        );
    }
    if let Some(s) = &f.series {
        c = c.add(
            post::Column::SeriesId.in_subquery(
                series::Entity::find()
                    .select_only()
                    .column(series::Column::Id)
                    .filter(series::Column::Slug.eq(s.as_str()))
                    .into_query(),
            ),
        );
    }
    if let Some(slug) = &f.category {
        c = c.add(crate::service::category::in_subtree(slug));
    }
    if let Some(a) = &f.author {
        c = c.add(post::Column::Id.in_subquery(super::authors::posts_of_slug(a)));
    }
    if let Some(id) = f.author_id {
        c = c.add(post::Column::Id.in_subquery(super::authors::posts_of(id)));
    }
    if let Some(t) = f.published_after {
        c = c.add(post::Column::PublishedAt.gt(t));
    }
    if let Some(t) = f.published_before {
        c = c.add(post::Column::PublishedAt.lt(t));
    }
    if let Some(b) = f.pinned {
        c = c.add(post::Column::Pinned.eq(b));
    }
    if let Some(b) = f.featured {
        c = c.add(post::Column::Featured.eq(b));
    }
    c
}

/// A page of posts and, when asked for, their authors (read in the same statement).
pub struct Listing {
    pub page: Slice<post::Model>,
    pub authors: Vec<user::Model>,
}

/// The rows `q` finds, with each post's author when `with_authors` (a LEFT JOIN).
async fn rows_of<C: ConnectionTrait>(
    db: &C,
    q: Select<post::Entity>,
    with_authors: bool,
) -> AppResult<Vec<(post::Model, Option<user::Model>)>> {
    Ok(if with_authors {
        q.find_also_related(user::Entity).all(db).await?
    } else {
        q.all(db).await?.into_iter().map(|p| (p, None)).collect()
    })
}

pub async fn list<C: ConnectionTrait>(
    db: &C,
    scope: Scope,
    filter: &PostFilter,
    order: PostOrder,
    window: Window,
    bodies: Bodies,
    with_authors: bool,
) -> AppResult<Listing> {
    let mut base = match tag_page::page_ids(scope, filter, order, &window) {
        Some(ids) => post::Entity::find()
            .filter(scope.condition())
            .filter(post::Column::Id.in_subquery(ids)),
        None => post::Entity::find().filter(filter_condition(scope, filter)),
    };
    if bodies == Bodies::Skip {
        base = without_bodies(base, db.get_database_backend());
    }
    let (q, limit, reverse) = match window {
        Window::Forward { after, limit } => {
            let mut q = order.apply(base, true);
            if let Some(c) = after {
                q = q.filter(order.beyond(c, true)?);
            }
            (q, limit, false)
        }
        Window::Backward { before, limit } => {
            let mut q = order.apply(base, false);
            if let Some(c) = before {
                q = q.filter(order.beyond(c, false)?);
            }
            (q, limit, true)
        }
        Window::Offset { offset, limit } => (order.apply(base, true).offset(offset), limit, false),
    };
    let rows = rows_of(db, q.limit(limit + 1), with_authors).await?;
    let slice = keyset::into_slice(rows, limit, reverse);
    let mut authors = Vec::new();
    let mut posts = Vec::with_capacity(slice.items.len());
    for (p, a) in slice.items {
        posts.push(p);
        authors.extend(a);
    }
    Ok(Listing {
        page: Slice {
            items: posts,
            has_more: slice.has_more,
        },
        authors,
    })
}

/// How many posts a listing with `filter` holds.
pub async fn count<C: ConnectionTrait>(
    db: &C,
    scope: Scope,
    filter: &PostFilter,
) -> AppResult<u64> {
    if let Some((mut q, _)) = tag_page::links(scope, filter) {
        q.expr_as(
            Expr::col(post_tag::Column::PostId).count_distinct(),
            sea_orm::sea_query::Alias::new("n"),
        );
        let backend = db.get_database_backend();
        let n = match db.query_one_raw(backend.build(&q)).await? {
            Some(row) => row.try_get::<i64>("", "n")?,
            None => 0,
        };
        return Ok(u64::try_from(n).unwrap_or(0));
    }
    Ok(post::Entity::find()
        .filter(filter_condition(scope, filter))
        .count(db)
        .await?)
}
