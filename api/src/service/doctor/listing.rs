//! The listing copy on each tag link agrees with its post: `post_tags.listed` is the
//! post's [`listed_sql`] and `post_tags.published_at` its date (triggers keep them, see
//! the migration `m20261124_050000_add_post_tags_listing`; tag pages read only them).

use sea_orm::DatabaseConnection;

use super::{Check, Problem, exec, post_name, rows};
use crate::{error::AppResult, service::post::visibility::listed_sql};

/// Whether the link `link` (a `post_tags` row) holds a copy that differs from post `p`.
fn differs(link: &str) -> String {
    format!(
        "({link}.listed <> {} OR NOT ({link}.published_at IS NOT DISTINCT FROM p.published_at))",
        listed_sql("p")
    )
}

pub(super) async fn check(db: &DatabaseConnection) -> AppResult<Vec<Problem>> {
    let found = rows(
        db,
        &format!(
            "SELECT p.id, p.slug, g.slug AS tag FROM post_tags t \
             JOIN posts p ON p.id = t.post_id JOIN tags g ON g.id = t.tag_id \
             WHERE {} ORDER BY p.id, g.slug",
            differs("t")
        ),
        vec![],
    )
    .await?;
    found
        .iter()
        .map(|r| {
            let id: i64 = r.try_get("", "id")?;
            let slug: String = r.try_get("", "slug")?;
            let tag: String = r.try_get("", "tag")?;
            Ok(Problem::new(
                Check::Listing,
                Some(id),
                format!(
                    "{}: its link to tag \"{tag}\" says otherwise about whether and when it is listed",
                    post_name(&slug, id)
                ),
            ))
        })
        .collect()
}

/// Copies every post's listing state into its tag links again.
pub(super) async fn repair(db: &DatabaseConnection) -> AppResult<u64> {
    let txn = crate::db::begin_write(db).await?;
    let done = exec(
        &txn,
        &format!(
            "UPDATE post_tags SET \
             listed = (SELECT {listed} FROM posts p WHERE p.id = post_tags.post_id), \
             published_at = (SELECT p.published_at FROM posts p WHERE p.id = post_tags.post_id) \
             WHERE EXISTS (SELECT 1 FROM posts p WHERE p.id = post_tags.post_id AND {differs})",
            listed = listed_sql("p"),
            differs = differs("post_tags"),
        ),
        vec![],
    )
    .await?;
    txn.commit().await?;
    Ok(done)
}
