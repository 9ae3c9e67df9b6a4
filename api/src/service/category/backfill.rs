//! Categories for posts imported before quire had them. Those imports turned a file's
//! `categories` into tags and kept the front matter as written; after the migrations,
//! [`from_front_matter`] reads each uncategorised post's stored front matter once (the
//! same [`category_path`] an import reads) and files the post under that path, creating
//! the categories. The tags those imports made are kept: nothing is lost, and an editor
//! may delete them with the tag mutations.
//!
//! It runs once per database: a marker row in `settings`, inserted in the same
//! transaction, says it ran; of several servers starting together on PostgreSQL, the
//! others wait for the first one's insert and then find the marker.

use std::collections::HashMap;

use entity::{post, setting};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    sea_query::{Expr, OnConflict},
};

use super::path::find_or_create_path;
use crate::{error::AppResult, import::category_path};

/// The `settings` key whose row says the backfill ran.
pub const MARKER: &str = "categories_from_front_matter";

/// Files uncategorised posts under the category their stored front matter names, once
/// per database (see the module docs); returns how many posts it filed (0 when it had
/// run before).
pub async fn from_front_matter(db: &DatabaseConnection) -> AppResult<u64> {
    let txn = crate::db::begin_write(db).await?;
    let inserted = setting::Entity::insert(setting::ActiveModel {
        key: Set(MARKER.to_owned()),
        value: Set(crate::service::now().to_rfc3339()),
    })
    .on_conflict(
        OnConflict::column(setting::Column::Key)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    if inserted == 0 {
        txn.rollback().await?;
        return Ok(0);
    }
    let rows: Vec<(i64, serde_json::Value)> = post::Entity::find()
        .select_only()
        .columns([post::Column::Id, post::Column::FrontMatter])
        .filter(post::Column::CategoryId.is_null())
        .order_by_asc(post::Column::Id)
        .into_tuple()
        .all(&txn)
        .await?;
    let mut by_path: HashMap<Vec<String>, Option<i64>> = HashMap::new();
    let mut filed = 0;
    for (id, front_matter) in rows {
        let Some(fm) = front_matter.as_object() else {
            continue;
        };
        let names = category_path(fm);
        if names.is_empty() {
            continue;
        }
        let category = match by_path.get(&names) {
            Some(c) => *c,
            None => {
                let c = find_or_create_path(&txn, &names).await?;
                by_path.insert(names, c);
                c
            }
        };
        let Some(category) = category else {
            continue;
        };
        // Only the category: the post's `updated_at` and version stay as they were.
        post::Entity::update_many()
            .col_expr(post::Column::CategoryId, Expr::value(category))
            .filter(post::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        filed += 1;
    }
    txn.commit().await?;
    Ok(filed)
}
