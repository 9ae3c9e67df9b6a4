//! A post's slug made unique among posts (`base`, `base-2`, `base-3`, …); how a slug is
//! made from a title lives in [`crate::slug`].

use entity::post;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::error::AppResult;

/// A slug not used by any post but `except`: `base`, `base-2`, `base-3`…
pub async fn unique_slug<C: ConnectionTrait>(
    db: &C,
    base: &str,
    except: Option<i64>,
) -> AppResult<String> {
    let taken: Vec<(i64, String)> = post::Entity::find()
        .select_only()
        .column(post::Column::Id)
        .column(post::Column::Slug)
        .filter(
            Condition::any()
                .add(post::Column::Slug.eq(base))
                .add(post::Column::Slug.starts_with(format!("{base}-"))),
        )
        .into_tuple()
        .all(db)
        .await?;
    let used: std::collections::HashSet<&str> = taken
        .iter()
        .filter(|(id, _)| Some(*id) != except)
        .map(|(_, s)| s.as_str())
        .collect();
    if !used.contains(base) {
        return Ok(base.to_owned());
    }
    let mut n = 2;
    loop {
        let candidate = format!("{base}-{n}");
        if !used.contains(candidate.as_str()) {
            return Ok(candidate);
        }
        n += 1;
    }
}
