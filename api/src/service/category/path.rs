//! Finding categories for posts: by slug (what `createPost`/`updatePost` send), or by
//! a path of names, created where missing (what imports and the backfill read from
//! front matter: `categories: [글, 회고]`).

use entity::category;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::{
    error::{AppError, AppResult},
    slug::slugify,
};

/// The id of the category with this slug; BAD_USER_INPUT on `field` when there is none.
pub async fn id_by_slug<C: ConnectionTrait>(db: &C, slug: &str, field: &str) -> AppResult<i64> {
    category::Entity::find()
        .filter(category::Column::Slug.eq(slug))
        .one(db)
        .await?
        .map(|c| c.id)
        .ok_or_else(|| AppError::bad_input(field, format!("no category has the slug {slug:?}")))
}

/// A slug for a new category named `name`: its slug, else with `-2`, `-3`, … (slugs are
/// unique across the tree, so the same name under two parents needs two).
pub(super) async fn free_slug<C: ConnectionTrait>(db: &C, name: &str) -> AppResult<String> {
    let base = slugify(name);
    let mut candidate = base.clone();
    let mut n = 1;
    loop {
        let taken = category::Entity::find()
            .filter(category::Column::Slug.eq(candidate.as_str()))
            .one(db)
            .await?
            .is_some();
        if !taken {
            return Ok(candidate);
        }
        n += 1;
        candidate = format!("{base}-{n}");
    }
}

/// The category at the end of `names` (top first), each level found among its
/// parent's children by name (compared by slug, so `Retrospective` finds `retrospective`)
/// and created when missing; `None` for an empty path. Levels beyond
/// [`super::MAX_DEPTH`] are ignored.
pub async fn find_or_create_path<C: ConnectionTrait>(
    db: &C,
    names: &[String],
) -> AppResult<Option<i64>> {
    let mut parent: Option<i64> = None;
    for name in names.iter().take(super::MAX_DEPTH) {
        let name = name.trim();
        if name.is_empty() {
            continue;
        }
        let wanted = slugify(name);
        let siblings = category::Entity::find()
            .filter(match parent {
                Some(p) => category::Column::ParentId.eq(p),
                None => category::Column::ParentId.is_null(),
            })
            .all(db)
            .await?;
        let found = siblings
            .iter()
            .find(|c| c.name == name)
            .or_else(|| siblings.iter().find(|c| slugify(&c.name) == wanted));
        parent = Some(match found {
            Some(c) => c.id,
            None => {
                let now = crate::service::now();
                let position = siblings.iter().map(|c| c.position + 1).max().unwrap_or(0);
                category::ActiveModel {
                    slug: Set(free_slug(db, name).await?),
                    name: Set(name.to_owned()),
                    description: Set(None),
                    parent_id: Set(parent),
                    position: Set(position),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(db)
                .await?
                .id
            }
        });
    }
    Ok(parent)
}
