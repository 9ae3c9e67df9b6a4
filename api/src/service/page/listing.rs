//! Listing pages: the pages under one parent (or at the top), in menu order, then by
//! title and ID, or a writer's own pages. Menus are short, so pages are numbered
//! (offset), not keyset-paged.

use entity::{post, user};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::{
    auth::{Principal, policy},
    error::AppResult,
    service::{
        keyset::{Slice, into_slice},
        post::{Kinds, Scope},
    },
};

/// Which pages a listing holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Under {
    /// Pages without a parent, in menu order.
    Top,
    /// The children of this page, in menu order.
    Page(i64),
    /// This user's pages anywhere in the tree, most recently updated first (a writer's
    /// own listing).
    Author(i64),
}

fn query(scope: Scope, under: Under) -> sea_orm::Select<post::Entity> {
    let q = post::Entity::find()
        .filter(scope.condition())
        .filter(Kinds::Pages.condition());
    match under {
        Under::Top => q.filter(post::Column::ParentId.is_null()),
        Under::Page(id) => q.filter(post::Column::ParentId.eq(id)),
        Under::Author(id) => q.filter(post::Column::AuthorId.eq(id)),
    }
}

/// Pages `offset..offset + limit` of the listing `under` in `scope` (see [`Under`] for
/// the order; ties by title, then ID).
pub async fn list<C: ConnectionTrait>(
    db: &C,
    scope: Scope,
    under: Under,
    offset: u64,
    limit: u64,
) -> AppResult<Slice<post::Model>> {
    let q = match under {
        Under::Author(_) => query(scope, under).order_by_desc(post::Column::UpdatedAt),
        _ => query(scope, under).order_by_asc(post::Column::MenuOrder),
    };
    let rows = q
        .order_by_asc(post::Column::Title)
        .order_by_asc(post::Column::Id)
        .offset(offset)
        .limit(limit + 1)
        .all(db)
        .await?;
    Ok(into_slice(rows, limit, false))
}

/// How many pages [`list`] walks through.
pub async fn count<C: ConnectionTrait>(db: &C, scope: Scope, under: Under) -> AppResult<u64> {
    Ok(query(scope, under).count(db).await?)
}

/// Where `parent` (a page's current slug) lists: the top without one, `None` when no
/// page has that slug.
pub async fn under<C: ConnectionTrait>(db: &C, parent: Option<&str>) -> AppResult<Option<Under>> {
    let Some(slug) = parent else {
        return Ok(Some(Under::Top));
    };
    Ok(crate::service::post::find_by_slug(db, slug)
        .await?
        .filter(|p| p.kind == post::Kind::Page)
        .map(|p| Under::Page(p.id)))
}

/// The scope of a listing with drafts: editors and admins only.
pub fn drafts_scope(who: &Principal) -> AppResult<Scope> {
    policy::require_role(who, user::Role::Editor, "list draft pages")?;
    Ok(Scope::Everything)
}
