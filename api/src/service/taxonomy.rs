//! Managing series and tags: create, change, delete, merge, and placing posts in series.
//! Editors and admins only, except that authors may put their own posts into an
//! existing series. Each function is one transaction.

use entity::{post, post_tag, series, tag};
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, Set,
    sea_query::{Expr, ExprTrait},
};

use super::post::write::load as load_post;
use crate::{
    auth::{Principal, policy},
    error::{AppError, AppResult},
    slug,
};

/// Fields of a series or tag; `None` leaves a field unchanged, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct NamedChanges {
    /// Series title or tag name.
    pub name: Option<String>,
    pub slug: Option<String>,
    pub description: Option<Option<String>>,
}

fn checked_name(field: &str, name: &str) -> AppResult<String> {
    let n = name.trim();
    if n.is_empty() || slug::slugify(n).is_empty() {
        return Err(AppError::bad_input(field, "must contain a letter or digit"));
    }
    if n.chars().count() > 200 {
        return Err(AppError::bad_input(field, "must be at most 200 characters"));
    }
    Ok(n.to_owned())
}

fn checked_slug(s: &str) -> AppResult<String> {
    slug::validate(s).map_err(|m| AppError::bad_input("slug", m))?;
    Ok(s.to_owned())
}

// ---------------------------------------------------------------- what series and tags share

/// A series or a tag: a slug, a name (a series calls it its title) and a description.
trait Named: EntityTrait
where
    Self::Model: IntoActiveModel<Self::Active> + Sync,
{
    type Active: ActiveModelTrait<Entity = Self> + ActiveModelBehavior + Send + From<Self::Model>;
    /// "series" or "tag", for messages.
    const KIND: &'static str;
    /// The input field holding the name ("title" or "name").
    const NAME_FIELD: &'static str;
    fn id_column() -> Self::Column;
    fn slug_column() -> Self::Column;
    fn new_active(slug: String, name: String, description: Option<String>) -> Self::Active;
    fn set_name(active: &mut Self::Active, name: String);
    fn set_slug(active: &mut Self::Active, slug: String);
    fn set_description(active: &mut Self::Active, description: Option<String>);
    fn touch(active: &mut Self::Active);
}

async fn load_named<E, C>(db: &C, id: i64) -> AppResult<E::Model>
where
    E: Named,
    E::Model: IntoActiveModel<E::Active> + Sync,
    C: ConnectionTrait,
{
    E::find()
        .filter(E::id_column().eq(id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(E::KIND.into()))
}

async fn slug_free<E, C>(db: &C, s: &str, except: Option<i64>) -> AppResult<()>
where
    E: Named,
    E::Model: IntoActiveModel<E::Active> + Sync,
    C: ConnectionTrait,
{
    let mut q = E::find().filter(E::slug_column().eq(s));
    if let Some(id) = except {
        q = q.filter(E::id_column().ne(id));
    }
    if q.count(db).await? > 0 {
        return Err(AppError::Conflict(format!(
            "a {} with slug {s:?} exists",
            E::KIND
        )));
    }
    Ok(())
}

async fn create_named<E>(
    db: &DatabaseConnection,
    who: &Principal,
    c: NamedChanges,
) -> AppResult<E::Model>
where
    E: Named,
    E::Model: IntoActiveModel<E::Active> + Sync,
{
    policy::can_manage_taxonomy(who)?;
    let name = checked_name(E::NAME_FIELD, c.name.as_deref().unwrap_or_default())?;
    let slug = match &c.slug {
        Some(s) => checked_slug(s)?,
        None => slug::slugify(&name),
    };
    let txn = crate::db::begin_write(db).await?;
    slug_free::<E, _>(&txn, &slug, None).await?;
    let created = E::new_active(slug, name, c.description.flatten())
        .insert(&txn)
        .await?;
    txn.commit().await?;
    Ok(created)
}

async fn update_named<E>(
    db: &DatabaseConnection,
    who: &Principal,
    id: i64,
    c: NamedChanges,
) -> AppResult<E::Model>
where
    E: Named,
    E::Model: IntoActiveModel<E::Active> + Sync,
{
    policy::can_manage_taxonomy(who)?;
    let txn = crate::db::begin_write(db).await?;
    let mut a: E::Active = load_named::<E, _>(&txn, id).await?.into();
    if let Some(n) = &c.name {
        E::set_name(&mut a, checked_name(E::NAME_FIELD, n)?);
    }
    if let Some(s) = &c.slug {
        let s = checked_slug(s)?;
        slug_free::<E, _>(&txn, &s, Some(id)).await?;
        E::set_slug(&mut a, s);
    }
    if let Some(d) = c.description {
        E::set_description(&mut a, d);
    }
    E::touch(&mut a);
    let updated = a.update(&txn).await?;
    txn.commit().await?;
    Ok(updated)
}

/// The fields of one entity as [`Named`] sees them.
macro_rules! named {
    ($entity:ident, $kind:literal, $name_field:literal, $name:ident) => {
        impl Named for $entity::Entity {
            type Active = $entity::ActiveModel;
            const KIND: &'static str = $kind;
            const NAME_FIELD: &'static str = $name_field;
            fn id_column() -> Self::Column {
                $entity::Column::Id
            }
            fn slug_column() -> Self::Column {
                $entity::Column::Slug
            }
            fn new_active(slug: String, name: String, description: Option<String>) -> Self::Active {
                let now = super::now();
                $entity::ActiveModel {
                    slug: Set(slug),
                    $name: Set(name),
                    description: Set(description),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
            }
            fn set_name(active: &mut Self::Active, name: String) {
                active.$name = Set(name);
            }
            fn set_slug(active: &mut Self::Active, slug: String) {
                active.slug = Set(slug);
            }
            fn set_description(active: &mut Self::Active, description: Option<String>) {
                active.description = Set(description);
            }
            fn touch(active: &mut Self::Active) {
                active.updated_at = Set(super::now());
            }
        }
    };
}

named!(series, "series", "title", title);
named!(tag, "tag", "name", name);

// ---------------------------------------------------------------- series

pub async fn create_series(
    db: &DatabaseConnection,
    who: &Principal,
    c: NamedChanges,
) -> AppResult<series::Model> {
    create_named::<series::Entity>(db, who, c).await
}

pub async fn update_series(
    db: &DatabaseConnection,
    who: &Principal,
    id: i64,
    c: NamedChanges,
) -> AppResult<series::Model> {
    update_named::<series::Entity>(db, who, id, c).await
}

async fn load_series<C: ConnectionTrait>(db: &C, id: i64) -> AppResult<series::Model> {
    load_named::<series::Entity, _>(db, id).await
}

/// Deletes a series; its posts stay, detached.
pub async fn delete_series(
    db: &DatabaseConnection,
    who: &Principal,
    id: i64,
) -> AppResult<series::Model> {
    policy::can_manage_taxonomy(who)?;
    let txn = crate::db::begin_write(db).await?;
    let s = load_series(&txn, id).await?;
    post::Entity::update_many()
        .col_expr(post::Column::SeriesId, Expr::value(Option::<i64>::None))
        .col_expr(
            post::Column::SeriesPosition,
            Expr::value(Option::<i32>::None),
        )
        .filter(post::Column::SeriesId.eq(id))
        .exec(&txn)
        .await?;
    series::Entity::delete_by_id(id).exec(&txn).await?;
    txn.commit().await?;
    Ok(s)
}

/// Numbers `ids` 1, 2, 3… in the given order within `series_id`.
async fn number<C: ConnectionTrait>(db: &C, series_id: Option<i64>, ids: &[i64]) -> AppResult<()> {
    for (i, id) in ids.iter().enumerate() {
        post::Entity::update_many()
            .col_expr(post::Column::SeriesId, Expr::value(series_id))
            .col_expr(
                post::Column::SeriesPosition,
                Expr::value(i32::try_from(i + 1).unwrap_or(i32::MAX)),
            )
            .filter(post::Column::Id.eq(*id))
            .exec(db)
            .await?;
    }
    Ok(())
}

async fn ordered_ids<C: ConnectionTrait>(db: &C, series_id: i64) -> AppResult<Vec<i64>> {
    Ok(post::Entity::find()
        .filter(post::Column::SeriesId.eq(series_id))
        .order_by_asc(post::Column::SeriesPosition)
        .order_by_asc(post::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect())
}

/// Puts a post into a series at `position` (1-based; the end when omitted), or takes it
/// out (`series_id` None). The other posts keep their order and are renumbered.
pub async fn set_post_series(
    db: &DatabaseConnection,
    who: &Principal,
    post_id: i64,
    series_id: Option<i64>,
    position: Option<i32>,
) -> AppResult<post::Model> {
    let txn = crate::db::begin_write(db).await?;
    let p = load_post(&txn, post_id).await?;
    policy::can_edit_post(who, &p)?;
    if let Some(old) = p.series_id {
        let rest: Vec<i64> = ordered_ids(&txn, old)
            .await?
            .into_iter()
            .filter(|&id| id != post_id)
            .collect();
        number(&txn, Some(old), &rest).await?;
    }
    match series_id {
        Some(sid) => {
            load_series(&txn, sid).await?;
            let mut ids: Vec<i64> = ordered_ids(&txn, sid)
                .await?
                .into_iter()
                .filter(|&id| id != post_id)
                .collect();
            let at = match position {
                Some(n) if n < 1 => {
                    return Err(AppError::bad_input("position", "positions start at 1"));
                }
                Some(n) => usize::try_from(n - 1).unwrap_or(usize::MAX).min(ids.len()),
                None => ids.len(),
            };
            ids.insert(at, post_id);
            number(&txn, Some(sid), &ids).await?;
        }
        None => {
            post::Entity::update_many()
                .col_expr(post::Column::SeriesId, Expr::value(Option::<i64>::None))
                .col_expr(
                    post::Column::SeriesPosition,
                    Expr::value(Option::<i32>::None),
                )
                .filter(post::Column::Id.eq(post_id))
                .exec(&txn)
                .await?;
        }
    }
    bump_version(&txn, post_id).await?;
    let p = load_post(&txn, post_id).await?;
    txn.commit().await?;
    Ok(p)
}

async fn bump_version<C: ConnectionTrait>(db: &C, post_id: i64) -> AppResult<()> {
    post::Entity::update_many()
        .col_expr(
            post::Column::Version,
            Expr::col(post::Column::Version).add(1),
        )
        .col_expr(post::Column::UpdatedAt, Expr::value(super::now()))
        .filter(post::Column::Id.eq(post_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Sets the order of a series; `post_ids` must be exactly its posts.
pub async fn reorder_series(
    db: &DatabaseConnection,
    who: &Principal,
    series_id: i64,
    post_ids: &[i64],
) -> AppResult<series::Model> {
    policy::can_manage_taxonomy(who)?;
    let txn = crate::db::begin_write(db).await?;
    let s = load_series(&txn, series_id).await?;
    let mut current = ordered_ids(&txn, series_id).await?;
    let mut given = post_ids.to_vec();
    current.sort_unstable();
    given.sort_unstable();
    if current != given {
        return Err(AppError::bad_input(
            "postIds",
            "must list every post of the series exactly once",
        ));
    }
    number(&txn, Some(series_id), post_ids).await?;
    txn.commit().await?;
    Ok(s)
}

// ---------------------------------------------------------------- tags

async fn load_tag<C: ConnectionTrait>(db: &C, id: i64) -> AppResult<tag::Model> {
    load_named::<tag::Entity, _>(db, id).await
}

pub async fn create_tag(
    db: &DatabaseConnection,
    who: &Principal,
    c: NamedChanges,
) -> AppResult<tag::Model> {
    create_named::<tag::Entity>(db, who, c).await
}

/// Renames or re-describes a tag; its posts keep it.
pub async fn update_tag(
    db: &DatabaseConnection,
    who: &Principal,
    id: i64,
    c: NamedChanges,
) -> AppResult<tag::Model> {
    update_named::<tag::Entity>(db, who, id, c).await
}

/// Moves every post of `from` to `into` (once each, keeping its place) and deletes `from`.
pub async fn merge_tags(
    db: &DatabaseConnection,
    who: &Principal,
    from: i64,
    into: i64,
) -> AppResult<tag::Model> {
    policy::can_manage_taxonomy(who)?;
    if from == into {
        return Err(AppError::bad_input(
            "into",
            "cannot merge a tag into itself",
        ));
    }
    let txn = crate::db::begin_write(db).await?;
    load_tag(&txn, from).await?;
    let target = load_tag(&txn, into).await?;
    let links = post_tag::Entity::find()
        .filter(post_tag::Column::TagId.eq(from))
        .all(&txn)
        .await?;
    for link in links {
        let has_target = post_tag::Entity::find_by_id((link.post_id, into))
            .one(&txn)
            .await?
            .is_some();
        if !has_target {
            post_tag::ActiveModel {
                post_id: Set(link.post_id),
                tag_id: Set(into),
                position: Set(link.position),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
    }
    tag::Entity::delete_by_id(from).exec(&txn).await?;
    txn.commit().await?;
    Ok(target)
}

/// Deletes a tag; posts lose it.
pub async fn delete_tag(
    db: &DatabaseConnection,
    who: &Principal,
    id: i64,
) -> AppResult<tag::Model> {
    policy::can_manage_taxonomy(who)?;
    let txn = crate::db::begin_write(db).await?;
    let t = load_tag(&txn, id).await?;
    tag::Entity::delete_by_id(id).exec(&txn).await?;
    txn.commit().await?;
    Ok(t)
}
