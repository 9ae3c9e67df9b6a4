//! Reading posts without their bodies (Markdown, HTML, table of contents and front
//! matter): most of a post's bytes, and of a listing's cost, yet unused by listings that
//! show titles and excerpts.

use entity::post;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, IdenStatic, Iterable, QueryFilter,
    QuerySelect, Select, sea_query::Expr,
};

use crate::error::AppResult;
/// Whether a listing reads the posts' bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bodies {
    Read,
    /// Left empty (`""`, `[]`, `{}`) in the models returned.
    Skip,
}

/// The body columns [`Bodies::Skip`] leaves out.
const BODY_COLUMNS: [post::Column; 4] = [
    post::Column::Markdown,
    post::Column::Html,
    post::Column::Toc,
    post::Column::FrontMatter,
];

/// `q` reading every column but the bodies, which come back empty.
pub(super) fn without_bodies(q: Select<post::Entity>, backend: DbBackend) -> Select<post::Entity> {
    let (empty_list, empty_object) = match backend {
        DbBackend::Postgres => ("'[]'::jsonb", "'{}'::jsonb"),
        _ => ("'[]'", "'{}'"),
    };
    let kept =
        post::Column::iter().filter(|c| !BODY_COLUMNS.iter().any(|b| b.as_str() == c.as_str()));
    q.select_only()
        .columns(kept)
        .column_as(Expr::val(""), "markdown")
        .column_as(Expr::val(""), "html")
        .column_as(Expr::cust(empty_list), "toc")
        .column_as(Expr::cust(empty_object), "front_matter")
}

/// The posts with these IDs, with their bodies or without (see [`Bodies`]).
pub async fn find_by_ids<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
    bodies: Bodies,
) -> AppResult<Vec<post::Model>> {
    let mut q = post::Entity::find().filter(post::Column::Id.is_in(ids.iter().copied()));
    if bodies == Bodies::Skip {
        q = without_bodies(q, db.get_database_backend());
    }
    Ok(q.all(db).await?)
}
