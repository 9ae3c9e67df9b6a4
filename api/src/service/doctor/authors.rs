//! Each post's `post_authors` rows are at positions 0..n, and position 0 is the
//! post's `author_id` (see [`crate::service::post::authors`]).

use std::collections::BTreeMap;

use entity::{post, post_author};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{Check, Problem, post_name, rows};
use crate::{error::AppResult, service::post::authors};

pub(super) async fn check(db: &DatabaseConnection) -> AppResult<Vec<Problem>> {
    let mut found: BTreeMap<i64, (String, &str)> = BTreeMap::new();
    let primary = rows(
        db,
        "SELECT p.id, p.slug FROM posts p \
         LEFT JOIN post_authors a ON a.post_id = p.id AND a.position = 0 \
         WHERE a.user_id IS NULL OR a.user_id <> p.author_id",
        vec![],
    )
    .await?;
    for r in primary {
        found.insert(
            r.try_get("", "id")?,
            (
                r.try_get("", "slug")?,
                "its first author is not its author_id",
            ),
        );
    }
    let gaps = rows(
        db,
        "SELECT p.id, p.slug FROM posts p JOIN post_authors a ON a.post_id = p.id \
         GROUP BY p.id, p.slug \
         HAVING MIN(a.position) <> 0 OR MAX(a.position) <> COUNT(*) - 1 \
         OR COUNT(DISTINCT a.position) <> COUNT(*)",
        vec![],
    )
    .await?;
    for r in gaps {
        found.entry(r.try_get("", "id")?).or_insert((
            r.try_get("", "slug")?,
            "its authors are not at positions 0 to n-1",
        ));
    }
    Ok(found
        .into_iter()
        .map(|(id, (slug, what))| {
            Problem::new(
                Check::Authors,
                Some(id),
                format!("{}: {what}", post_name(&slug, id)),
            )
        })
        .collect())
}

/// Writes each post's authors again: its `author_id` first, then its other authors in
/// their present order.
pub(super) async fn repair(db: &DatabaseConnection, problems: &[Problem]) -> AppResult<u64> {
    let txn = crate::db::begin_write(db).await?;
    let mut done = 0;
    for id in problems.iter().filter_map(|p| p.id) {
        let Some(author_id) = post::Entity::find_by_id(id)
            .select_only()
            .column(post::Column::AuthorId)
            .into_tuple::<i64>()
            .one(&txn)
            .await?
        else {
            continue;
        };
        let others: Vec<i64> = post_author::Entity::find()
            .select_only()
            .column(post_author::Column::UserId)
            .filter(post_author::Column::PostId.eq(id))
            .order_by_asc(post_author::Column::Position)
            .into_tuple::<i64>()
            .all(&txn)
            .await?;
        let mut ids = vec![author_id];
        ids.extend(others.into_iter().filter(|u| *u != author_id));
        post_author::Entity::delete_many()
            .filter(post_author::Column::PostId.eq(id))
            .exec(&txn)
            .await?;
        post_author::Entity::insert_many(authors::rows(id, &ids))
            .exec(&txn)
            .await?;
        done += 1;
    }
    txn.commit().await?;
    Ok(done)
}
