//! Managing series: create, change, delete, and placing posts in a series in order.
//! Authors may put their own posts into an existing series; the rest is for editors.

use entity::{post, series};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    sea_query::{Expr, ExprTrait},
};

use super::{NamedChanges, create_named, load_named, update_named};
use crate::{
    auth::{Principal, policy},
    error::{AppError, AppResult},
    service::{post::write::load as load_post, site::TargetKind, webhook::outbox},
};

pub async fn create_series(
    db: &DatabaseConnection,
    who: &Principal,
    c: NamedChanges,
) -> AppResult<series::Model> {
    create_named::<series::Entity>(db, who, c).await
}

pub async fn update_series(
    db: &DatabaseConnection,
    who: &Principal,
    id: i64,
    c: NamedChanges,
) -> AppResult<series::Model> {
    update_named::<series::Entity>(db, who, id, c).await
}

async fn load_series<C: ConnectionTrait>(db: &C, id: i64) -> AppResult<series::Model> {
    load_named::<series::Entity, _>(db, id).await
}

/// Deletes a series; its posts stay, detached.
pub async fn delete_series(
    db: &DatabaseConnection,
    who: &Principal,
    id: i64,
) -> AppResult<series::Model> {
    policy::can_manage_taxonomy(who)?;
    let txn = crate::db::begin_write(db).await?;
    let mark = outbox::open(&txn).await?;
    let s = load_series(&txn, id).await?;
    post::Entity::update_many()
        .col_expr(post::Column::SeriesId, Expr::value(Option::<i64>::None))
        .col_expr(
            post::Column::SeriesPosition,
            Expr::value(Option::<i32>::None),
        )
        .filter(post::Column::SeriesId.eq(id))
        .exec(&txn)
        .await?;
    series::Entity::delete_by_id(id).exec(&txn).await?;
    outbox::taxonomy(
        &txn,
        mark,
        "deleted",
        super::named_of(TargetKind::Series, s.id, &s.slug, None, &s.title),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(s)
}

/// Numbers `ids` 1, 2, 3… in the given order within `series_id`.
async fn number<C: ConnectionTrait>(db: &C, series_id: Option<i64>, ids: &[i64]) -> AppResult<()> {
    for (i, id) in ids.iter().enumerate() {
        post::Entity::update_many()
            .col_expr(post::Column::SeriesId, Expr::value(series_id))
            .col_expr(
                post::Column::SeriesPosition,
                Expr::value(i32::try_from(i + 1).unwrap_or(i32::MAX)),
            )
            .filter(post::Column::Id.eq(*id))
            .exec(db)
            .await?;
    }
    Ok(())
}

async fn ordered_ids<C: ConnectionTrait>(db: &C, series_id: i64) -> AppResult<Vec<i64>> {
    Ok(post::Entity::find()
        .filter(post::Column::SeriesId.eq(series_id))
        .order_by_asc(post::Column::SeriesPosition)
        .order_by_asc(post::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect())
}

/// Puts a post into a series at `position` (1-based; the end when omitted), or takes it
/// out (`series_id` None). The other posts keep their order and are renumbered.
pub async fn set_post_series(
    db: &DatabaseConnection,
    who: &Principal,
    post_id: i64,
    series_id: Option<i64>,
    position: Option<i32>,
) -> AppResult<post::Model> {
    let txn = crate::db::begin_write(db).await?;
    let p = load_post(&txn, post_id).await?;
    crate::service::post::authors::may_edit(&txn, who, &p).await?;
    let watch = outbox::watch_post(&txn, Some(&p)).await?;
    if let Some(old) = p.series_id {
        let rest: Vec<i64> = ordered_ids(&txn, old)
            .await?
            .into_iter()
            .filter(|&id| id != post_id)
            .collect();
        number(&txn, Some(old), &rest).await?;
    }
    match series_id {
        Some(sid) => {
            load_series(&txn, sid).await?;
            let mut ids: Vec<i64> = ordered_ids(&txn, sid)
                .await?
                .into_iter()
                .filter(|&id| id != post_id)
                .collect();
            let at = match position {
                Some(n) if n < 1 => {
                    return Err(AppError::bad_input("position", "positions start at 1"));
                }
                Some(n) => usize::try_from(n - 1).unwrap_or(usize::MAX).min(ids.len()),
                None => ids.len(),
            };
            ids.insert(at, post_id);
            number(&txn, Some(sid), &ids).await?;
        }
        None => {
            post::Entity::update_many()
                .col_expr(post::Column::SeriesId, Expr::value(Option::<i64>::None))
                .col_expr(
                    post::Column::SeriesPosition,
                    Expr::value(Option::<i32>::None),
                )
                .filter(post::Column::Id.eq(post_id))
                .exec(&txn)
                .await?;
        }
    }
    bump_version(&txn, post_id).await?;
    let p = load_post(&txn, post_id).await?;
    watch.written(&txn, Some(&p)).await?;
    txn.commit().await?;
    Ok(p)
}

async fn bump_version<C: ConnectionTrait>(db: &C, post_id: i64) -> AppResult<()> {
    post::Entity::update_many()
        .col_expr(
            post::Column::Version,
            Expr::col(post::Column::Version).add(1),
        )
        .col_expr(post::Column::UpdatedAt, Expr::value(crate::service::now()))
        .filter(post::Column::Id.eq(post_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Sets the order of a series; `post_ids` must be exactly its posts.
pub async fn reorder_series(
    db: &DatabaseConnection,
    who: &Principal,
    series_id: i64,
    post_ids: &[i64],
) -> AppResult<series::Model> {
    policy::can_manage_taxonomy(who)?;
    let txn = crate::db::begin_write(db).await?;
    let mark = outbox::open(&txn).await?;
    let s = load_series(&txn, series_id).await?;
    let mut current = ordered_ids(&txn, series_id).await?;
    let mut given = post_ids.to_vec();
    current.sort_unstable();
    given.sort_unstable();
    if current != given {
        return Err(AppError::bad_input(
            "postIds",
            "must list every post of the series exactly once",
        ));
    }
    number(&txn, Some(series_id), post_ids).await?;
    outbox::taxonomy(
        &txn,
        mark,
        "updated",
        super::named_of(TargetKind::Series, s.id, &s.slug, None, &s.title),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(s)
}
