//! Series: lookups, listing, find-or-create by name, and keeping positions in order.

use entity::series;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, Statement,
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

/// Numbers the posts of a series 1, 2, 3… by publication date (imports order by date),
/// in one statement that writes only the positions that change.
pub async fn renumber_by_date<C: ConnectionTrait>(db: &C, series_id: i64) -> AppResult<()> {
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => renumber_sql("series_id = $1"),
        _ => renumber_sql("series_id = ?"),
    };
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        sql,
        [series_id.into()],
    ))
    .await?;
    Ok(())
}

/// Positions by `published_at` then id within each series `filter` selects, ordered as
/// each database orders them by default (the order a `SELECT … ORDER BY published_at,
/// id` gives). Also for the import's group writers, which renumber the series a group
/// added to in the statements they send at once.
pub(crate) fn renumber_sql(filter: &str) -> String {
    format!(
        "UPDATE posts SET series_position = r.position \
         FROM (SELECT id, CAST(ROW_NUMBER() OVER (PARTITION BY series_id ORDER BY published_at, id) \
         AS INTEGER) AS position FROM posts WHERE {filter}) AS r \
         WHERE posts.id = r.id \
         AND (posts.series_position IS NULL OR posts.series_position <> r.position)"
    )
}
