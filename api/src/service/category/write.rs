//! Managing categories (editors and admins, as for tags and series): create, change
//! (rename, new slug, move under another parent, reorder) and delete. Each is one
//! transaction; a refused change changes nothing.

use entity::category;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, Set,
};

use super::{MAX_DEPTH, path::id_by_slug, read::tree};
use crate::{
    auth::{Principal, policy},
    error::{AppError, AppResult},
    service::{
        site::TargetKind,
        taxonomy::{checked_name, checked_slug, named_of},
        webhook::outbox,
    },
    slug,
};

/// Fields of a category; `None` leaves a field unchanged, `Some(None)` clears it (for
/// `parent`: makes the category top-level).
#[derive(Debug, Clone, Default)]
pub struct CategoryChanges {
    pub name: Option<String>,
    pub slug: Option<String>,
    pub description: Option<Option<String>>,
    /// The parent's slug.
    pub parent: Option<Option<String>>,
    /// Order among its siblings, smallest first.
    pub position: Option<i32>,
}

async fn load<C: ConnectionTrait>(db: &C, id: i64) -> AppResult<category::Model> {
    category::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("category".into()))
}

async fn slug_free<C: ConnectionTrait>(db: &C, s: &str, except: Option<i64>) -> AppResult<()> {
    let mut q = category::Entity::find().filter(category::Column::Slug.eq(s));
    if let Some(id) = except {
        q = q.filter(category::Column::Id.ne(id));
    }
    if q.count(db).await? > 0 {
        return Err(AppError::Conflict(format!(
            "a category with slug {s:?} exists"
        )));
    }
    Ok(())
}

/// The parent a change names, checked: it exists, it is not `moving` nor below it (that
/// would make a cycle), and the moved subtree stays within [`MAX_DEPTH`].
async fn checked_parent<C: ConnectionTrait>(
    db: &C,
    parent: Option<&str>,
    moving: Option<i64>,
) -> AppResult<Option<i64>> {
    let Some(slug) = parent else {
        return Ok(None);
    };
    let parent_id = id_by_slug(db, slug, "parent").await?;
    let t = tree(db).await?;
    let above = t.path(parent_id);
    if let Some(id) = moving
        && above.iter().any(|c| c.id == id)
    {
        return Err(AppError::bad_input(
            "parent",
            "a category cannot be moved under itself or one of its subcategories (that would make a cycle)",
        ));
    }
    let height = moving.map_or(1, |id| t.height(id));
    if above.len() + height > MAX_DEPTH {
        return Err(AppError::bad_input(
            "parent",
            format!("categories nest at most {MAX_DEPTH} levels deep"),
        ));
    }
    Ok(Some(parent_id))
}

/// After the last of `parent`'s children.
async fn next_position<C: ConnectionTrait>(db: &C, parent: Option<i64>) -> AppResult<i32> {
    let t = tree(db).await?;
    Ok(t.children(parent)
        .iter()
        .map(|c| c.position + 1)
        .max()
        .unwrap_or(0))
}

pub async fn create(
    db: &DatabaseConnection,
    who: &Principal,
    c: CategoryChanges,
) -> AppResult<category::Model> {
    policy::can_manage_taxonomy(who)?;
    let name = checked_name("name", c.name.as_deref().unwrap_or_default())?;
    let slug = match &c.slug {
        Some(s) => checked_slug(s)?,
        None => slug::slugify(&name),
    };
    let txn = crate::db::begin_write(db).await?;
    let mark = outbox::open(&txn).await?;
    slug_free(&txn, &slug, None).await?;
    let parent_id = checked_parent(&txn, c.parent.flatten().as_deref(), None).await?;
    let position = match c.position {
        Some(p) => p,
        None => next_position(&txn, parent_id).await?,
    };
    let now = crate::service::now();
    let created = category::ActiveModel {
        slug: Set(slug),
        name: Set(name),
        description: Set(c.description.flatten()),
        parent_id: Set(parent_id),
        position: Set(position),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let named = named_of(
        TargetKind::Category,
        created.id,
        &created.slug,
        None,
        &created.name,
    );
    outbox::taxonomy(&txn, mark, "created", named, None).await?;
    txn.commit().await?;
    Ok(created)
}

/// Renames, re-slugs, re-describes, moves or reorders a category; its posts and its
/// subcategories stay with it.
pub async fn update(
    db: &DatabaseConnection,
    who: &Principal,
    id: i64,
    c: CategoryChanges,
) -> AppResult<category::Model> {
    policy::can_manage_taxonomy(who)?;
    let txn = crate::db::begin_write(db).await?;
    let mark = outbox::open(&txn).await?;
    let current = load(&txn, id).await?;
    let former_slug = current.slug.clone();
    let mut a: category::ActiveModel = current.into();
    if let Some(n) = &c.name {
        a.name = Set(checked_name("name", n)?);
    }
    if let Some(s) = &c.slug {
        let s = checked_slug(s)?;
        slug_free(&txn, &s, Some(id)).await?;
        a.slug = Set(s);
    }
    if let Some(d) = c.description {
        a.description = Set(d);
    }
    if let Some(parent) = &c.parent {
        a.parent_id = Set(checked_parent(&txn, parent.as_deref(), Some(id)).await?);
    }
    if let Some(p) = c.position {
        a.position = Set(p);
    }
    a.updated_at = Set(crate::service::now());
    let updated = a.update(&txn).await?;
    let named = named_of(
        TargetKind::Category,
        id,
        &updated.slug,
        Some(&former_slug),
        &updated.name,
    );
    outbox::taxonomy(&txn, mark, "updated", named, None).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Deletes a category that has no subcategories (CONFLICT otherwise: move or delete
/// them first); its posts become uncategorised.
pub async fn delete(
    db: &DatabaseConnection,
    who: &Principal,
    id: i64,
) -> AppResult<category::Model> {
    policy::can_manage_taxonomy(who)?;
    let txn = crate::db::begin_write(db).await?;
    let mark = outbox::open(&txn).await?;
    let c = load(&txn, id).await?;
    let children = category::Entity::find()
        .filter(category::Column::ParentId.eq(id))
        .count(&txn)
        .await?;
    if children > 0 {
        return Err(AppError::Conflict(format!(
            "the category {:?} has {children} subcategories: move or delete them first",
            c.name
        )));
    }
    // posts.category_id is ON DELETE SET NULL: its posts become uncategorised.
    category::Entity::delete_by_id(id).exec(&txn).await?;
    outbox::taxonomy(
        &txn,
        mark,
        "deleted",
        named_of(TargetKind::Category, c.id, &c.slug, None, &c.name),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(c)
}
