//! Series: lookups, listing, find-or-create by name, and keeping positions in order.

use entity::{post, series};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, sea_query::Expr,
};

use super::keyset::{self, Slice, SortKey, Window};
use crate::{error::AppResult, slug::slugify};

pub async fn find_by_slug<C: ConnectionTrait>(
    db: &C,
    slug: &str,
) -> AppResult<Option<series::Model>> {
    Ok(series::Entity::find()
        .filter(series::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

pub async fn find_by_id<C: ConnectionTrait>(db: &C, id: i64) -> AppResult<Option<series::Model>> {
    Ok(series::Entity::find_by_id(id).one(db).await?)
}

pub async fn find_by_ids<C: ConnectionTrait>(db: &C, ids: &[i64]) -> AppResult<Vec<series::Model>> {
    Ok(series::Entity::find()
        .filter(series::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?)
}

/// The cursor key of a series in the listing (ordered by title).
pub fn key_of(s: &series::Model) -> SortKey {
    SortKey::Text(s.title.clone())
}

/// One page of all series, ordered by title.
pub async fn list<C: ConnectionTrait>(db: &C, window: Window) -> AppResult<Slice<series::Model>> {
    let ordered = |asc: bool| {
        let dir = if asc { Order::Asc } else { Order::Desc };
        series::Entity::find()
            .order_by(series::Column::Title, dir.clone())
            .order_by(series::Column::Id, dir)
    };
    let (rows, limit, reverse) = match window {
        Window::Forward { after, limit } => {
            let mut q = ordered(true);
            if let Some(c) = after {
                q = q.filter(keyset::beyond(
                    series::Column::Title,
                    series::Column::Id,
                    c,
                    false,
                ));
            }
            (q.limit(limit + 1).all(db).await?, limit, false)
        }
        Window::Backward { before, limit } => {
            let mut q = ordered(false);
            if let Some(c) = before {
                q = q.filter(keyset::beyond(
                    series::Column::Title,
                    series::Column::Id,
                    c,
                    true,
                ));
            }
            (q.limit(limit + 1).all(db).await?, limit, true)
        }
        Window::Offset { offset, limit } => (
            ordered(true)
                .offset(offset)
                .limit(limit + 1)
                .all(db)
                .await?,
            limit,
            false,
        ),
    };
    Ok(keyset::into_slice(rows, limit, reverse))
}

pub async fn count<C: ConnectionTrait>(db: &C) -> AppResult<u64> {
    Ok(series::Entity::find().count(db).await?)
}

/// The series whose slug is the slug of `title`, created when missing.
pub async fn find_or_create<C: ConnectionTrait>(db: &C, title: &str) -> AppResult<series::Model> {
    let slug = slugify(title);
    if let Some(s) = find_by_slug(db, &slug).await? {
        return Ok(s);
    }
    let now = super::now();
    Ok(series::ActiveModel {
        slug: Set(slug),
        title: Set(title.trim().to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Numbers the posts of a series 1, 2, 3… by publication date (imports order by date).
/// Reads only ids and positions, and writes only the positions that change.
pub async fn renumber_by_date<C: ConnectionTrait>(db: &C, series_id: i64) -> AppResult<()> {
    let rows: Vec<(i64, Option<i32>)> = post::Entity::find()
        .select_only()
        .column(post::Column::Id)
        .column(post::Column::SeriesPosition)
        .filter(post::Column::SeriesId.eq(series_id))
        .order_by_asc(post::Column::PublishedAt)
        .order_by_asc(post::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    for (i, (id, current)) in rows.into_iter().enumerate() {
        let position = i32::try_from(i + 1).unwrap_or(i32::MAX);
        if current != Some(position) {
            post::Entity::update_many()
                .col_expr(post::Column::SeriesPosition, Expr::value(position))
                .filter(post::Column::Id.eq(id))
                .exec(db)
                .await?;
        }
    }
    Ok(())
}
