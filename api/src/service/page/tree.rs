//! A page's place in the tree: its ancestors (walked by one recursive statement, for
//! any number of pages at once) and its children in menu order.

use std::collections::HashMap;

use entity::post;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    Statement, Value,
};

use crate::error::AppResult;

/// How deep an ancestor walk goes at most: the rules keep the tree free of cycles, and
/// this keeps a walk finite even if a row was changed behind their back.
const MAX_DEPTH: i32 = 64;

/// `n` placeholders for `backend`, numbered from 1 on PostgreSQL.
fn placeholders(backend: DbBackend, n: usize) -> String {
    (1..=n)
        .map(|i| match backend {
            DbBackend::Postgres => format!("${i}"),
            _ => "?".to_owned(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The walk up from the rows `ids`: `(start, id, depth)` for each ancestor `id` of each
/// start, the parent at depth 1.
fn walk_up(backend: DbBackend, ids: &[i64]) -> (String, Vec<Value>) {
    let sql = format!(
        "WITH RECURSIVE up(start, id, depth) AS ( \
           SELECT id, parent_id, 1 FROM posts \
           WHERE id IN ({}) AND parent_id IS NOT NULL \
           UNION ALL \
           SELECT up.start, p.parent_id, up.depth + 1 FROM up JOIN posts p ON p.id = up.id \
           WHERE p.parent_id IS NOT NULL AND up.depth < {MAX_DEPTH} \
         )",
        placeholders(backend, ids.len())
    );
    (sql, ids.iter().map(|&i| i.into()).collect())
}

/// The IDs of `id`'s ancestors, its parent first.
pub async fn ancestor_ids<C: ConnectionTrait>(db: &C, id: i64) -> AppResult<Vec<i64>> {
    let backend = db.get_database_backend();
    let (with, values) = walk_up(backend, &[id]);
    let sql = format!("{with} SELECT id FROM up ORDER BY depth");
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    rows.iter()
        .map(|r| Ok(r.try_get::<i64>("", "id")?))
        .collect()
}

/// Each of `ids`' ancestors, the root first and the parent last, in one statement.
pub async fn ancestors_of<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
) -> AppResult<HashMap<i64, Vec<post::Model>>> {
    let mut out: HashMap<i64, Vec<post::Model>> = ids.iter().map(|&i| (i, Vec::new())).collect();
    if ids.is_empty() {
        return Ok(out);
    }
    let backend = db.get_database_backend();
    let (with, values) = walk_up(backend, ids);
    let sql = format!(
        "{with} SELECT up.start AS walk_start, posts.* FROM up JOIN posts ON posts.id = up.id \
         ORDER BY up.start, up.depth DESC"
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    for row in rows {
        let start: i64 = row.try_get("", "walk_start")?;
        let p = post::Model::from_query_result(&row, "")?;
        out.entry(start).or_default().push(p);
    }
    Ok(out)
}

/// The pages under each of `parents` that are not in the trash, in menu order (then
/// title, then ID), whatever their status: the caller keeps those its reader may see.
pub async fn children_of<C: ConnectionTrait>(
    db: &C,
    parents: &[i64],
) -> AppResult<HashMap<i64, Vec<post::Model>>> {
    let mut out: HashMap<i64, Vec<post::Model>> =
        parents.iter().map(|&i| (i, Vec::new())).collect();
    if parents.is_empty() {
        return Ok(out);
    }
    let rows = post::Entity::find()
        .filter(post::Column::Kind.eq(post::Kind::Page))
        .filter(post::Column::ParentId.is_in(parents.iter().copied()))
        .filter(post::Column::DeletedAt.is_null())
        .order_by_asc(post::Column::MenuOrder)
        .order_by_asc(post::Column::Title)
        .order_by_asc(post::Column::Id)
        .all(db)
        .await?;
    for p in rows {
        if let Some(parent) = p.parent_id {
            out.entry(parent).or_default().push(p);
        }
    }
    Ok(out)
}
