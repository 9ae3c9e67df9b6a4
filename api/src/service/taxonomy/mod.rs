//! Managing series and tags: create, change, delete, merge, and placing posts in series.
//! Editors and admins only, except that authors may put their own posts into an
//! existing series. Each function is one transaction.

mod series_admin;
mod tag_admin;

use entity::{series, tag};
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set,
};
pub use series_admin::{
    create_series, delete_series, reorder_series, set_post_series, update_series,
};
pub use tag_admin::{create_tag, delete_tag, merge_tags, update_tag};

use crate::{
    auth::{Principal, policy},
    error::{AppError, AppResult},
    service::{site::TargetKind, webhook::outbox},
    slug,
};

/// How the outbox names a tag, series or category.
pub(crate) fn named_of<'a>(
    kind: TargetKind,
    id: i64,
    slug: &'a str,
    former_slug: Option<&'a str>,
    name: &'a str,
) -> outbox::Named<'a> {
    outbox::Named {
        kind,
        id,
        slug,
        former_slug,
        name,
        also: Vec::new(),
    }
}

/// Fields of a series or tag; `None` leaves a field unchanged, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct NamedChanges {
    /// Series title or tag name.
    pub name: Option<String>,
    pub slug: Option<String>,
    pub description: Option<Option<String>>,
}

pub(crate) fn checked_name(field: &str, name: &str) -> AppResult<String> {
    let n = name.trim();
    if n.is_empty() || slug::slugify(n).is_empty() {
        return Err(AppError::bad_input(field, "must contain a letter or digit"));
    }
    if n.chars().count() > 200 {
        return Err(AppError::bad_input(field, "must be at most 200 characters"));
    }
    Ok(n.to_owned())
}

pub(crate) fn checked_slug(s: &str) -> AppResult<String> {
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
    /// Its kind of page on the site.
    const TARGET: TargetKind;
    /// Its id, slug and name.
    fn ident(model: &Self::Model) -> (i64, &str, &str);
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
    let mark = outbox::open(&txn).await?;
    slug_free::<E, _>(&txn, &slug, None).await?;
    let created = E::new_active(slug, name, c.description.flatten())
        .insert(&txn)
        .await?;
    let (id, slug, name) = E::ident(&created);
    outbox::taxonomy(
        &txn,
        mark,
        "created",
        named_of(E::TARGET, id, slug, None, name),
        None,
    )
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
    let mark = outbox::open(&txn).await?;
    let current = load_named::<E, _>(&txn, id).await?;
    let former_slug = E::ident(&current).1.to_owned();
    let mut a: E::Active = current.into();
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
    let (id, slug, name) = E::ident(&updated);
    let named = named_of(E::TARGET, id, slug, Some(&former_slug), name);
    outbox::taxonomy(&txn, mark, "updated", named, None).await?;
    txn.commit().await?;
    Ok(updated)
}

/// The fields of one entity as [`Named`] sees them.
macro_rules! named {
    ($entity:ident, $kind:literal, $name_field:literal, $name:ident, $target:ident) => {
        impl Named for $entity::Entity {
            type Active = $entity::ActiveModel;
            const KIND: &'static str = $kind;
            const TARGET: TargetKind = TargetKind::$target;
            fn ident(model: &Self::Model) -> (i64, &str, &str) {
                (model.id, &model.slug, &model.$name)
            }
            const NAME_FIELD: &'static str = $name_field;
            fn id_column() -> Self::Column {
                $entity::Column::Id
            }
            fn slug_column() -> Self::Column {
                $entity::Column::Slug
            }
            fn new_active(slug: String, name: String, description: Option<String>) -> Self::Active {
                let now = crate::service::now();
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
                active.updated_at = Set(crate::service::now());
            }
        }
    };
}

named!(series, "series", "title", title, Series);
named!(tag, "tag", "name", name, Tag);
