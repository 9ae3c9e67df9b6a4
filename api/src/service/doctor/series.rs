//! The posts of each series sit at positions 1..n, each once.

use sea_orm::DatabaseConnection;

use super::{Check, Problem, exec, rows};
use crate::error::AppResult;

pub(super) async fn check(db: &DatabaseConnection) -> AppResult<Vec<Problem>> {
    let found = rows(
        db,
        "SELECT s.id, s.slug, COUNT(*) AS n FROM posts p JOIN series s ON s.id = p.series_id \
         GROUP BY s.id, s.slug \
         HAVING COUNT(p.series_position) <> COUNT(*) OR MIN(p.series_position) <> 1 \
         OR MAX(p.series_position) <> COUNT(*) OR COUNT(DISTINCT p.series_position) <> COUNT(*) \
         ORDER BY s.id",
        vec![],
    )
    .await?;
    found
        .iter()
        .map(|r| {
            let id: i64 = r.try_get("", "id")?;
            let slug: String = r.try_get("", "slug")?;
            let n: i64 = r.try_get("", "n")?;
            Ok(Problem::new(
                Check::Series,
                Some(id),
                format!("series \"{slug}\" (ID {id}): its {n} posts are not at positions 1 to {n}"),
            ))
        })
        .collect()
}

/// Numbers the posts of each series again 1..n, keeping their order (position, then
/// date, then ID; posts without a position last).
pub(super) async fn repair(db: &DatabaseConnection, problems: &[Problem]) -> AppResult<u64> {
    let txn = crate::db::begin_write(db).await?;
    let mut done = 0;
    for id in problems.iter().filter_map(|p| p.id) {
        exec(
            &txn,
            "UPDATE posts SET series_position = r.position \
             FROM (SELECT id, CAST(ROW_NUMBER() OVER (ORDER BY \
             CASE WHEN series_position IS NULL THEN 1 ELSE 0 END, series_position, \
             published_at, id) AS INTEGER) AS position FROM posts WHERE series_id = ?) AS r \
             WHERE posts.id = r.id \
             AND (posts.series_position IS NULL OR posts.series_position <> r.position)",
            vec![id.into()],
        )
        .await?;
        done += 1;
    }
    txn.commit().await?;
    Ok(done)
}
