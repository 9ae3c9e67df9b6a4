//! Authors (users as the public sees them): lookups, the public list with post counts,
//! and the default author of imports.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{post_author, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult,
    JoinType, QueryFilter, QueryOrder, QuerySelect, QueryTrait, RelationTrait, Set,
};

use crate::{error::AppResult, service::post::publicly_visible, slug::slugify};

/// Publicly visible posts per user, counting every place in the byline; users without
/// any are absent. One statement.
pub async fn public_post_counts<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    user_ids: &[i64],
) -> AppResult<HashMap<i64, i64>> {
    let rows: Vec<(i64, i64)> = post_author::Entity::find()
        .select_only()
        .column(post_author::Column::UserId)
        .column_as(post_author::Column::PostId.count(), "n")
        .join(JoinType::InnerJoin, post_author::Relation::Post.def())
        .filter(publicly_visible(now))
        .filter(post_author::Column::UserId.is_in(user_ids.iter().copied()))
        .group_by(post_author::Column::UserId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// How to order the public list of authors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthorOrder {
    /// By display name, then id.
    Name,
    /// Most public posts first, then by display name.
    PostCount,
}

/// One page of the authors of at least one publicly visible post, each with the number
/// of such posts, in one statement: `limit + 1` rows from `offset` (the extra one says
/// whether there are more).
pub async fn public_page<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    order: AuthorOrder,
    offset: u64,
    limit: u64,
) -> AppResult<Vec<(user::Model, i64)>> {
    let n = post_author::Column::PostId.count();
    let mut q = user::Entity::find()
        .column_as(n.clone(), "post_count")
        .join(JoinType::InnerJoin, post_author::Relation::User.def().rev())
        .join(JoinType::InnerJoin, post_author::Relation::Post.def())
        .filter(publicly_visible(now))
        .filter(user::Column::DeletedAt.is_null())
        .group_by(user::Column::Id);
    if order == AuthorOrder::PostCount {
        q = q.order_by_desc(n);
    }
    let q = q
        .order_by_asc(user::Column::DisplayName)
        .order_by_asc(user::Column::Id)
        .offset(offset)
        .limit(limit + 1);
    let rows = db
        .query_all_raw(db.get_database_backend().build(&QueryTrait::into_query(q)))
        .await?;
    rows.iter()
        .map(|row| {
            Ok((
                user::Model::from_query_result(row, "")?,
                row.try_get::<i64>("", "post_count")?,
            ))
        })
        .collect()
}

/// How many users author at least one publicly visible post.
pub async fn public_count<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> AppResult<u64> {
    use sea_orm::PaginatorTrait;
    Ok(post_author::Entity::find()
        .select_only()
        .column(post_author::Column::UserId)
        .distinct()
        .join(JoinType::InnerJoin, post_author::Relation::Post.def())
        .join(JoinType::InnerJoin, post_author::Relation::User.def())
        .filter(publicly_visible(now))
        .filter(user::Column::DeletedAt.is_null())
        .count(db)
        .await?)
}

pub async fn find_by_slug<C: ConnectionTrait>(
    db: &C,
    slug: &str,
) -> AppResult<Option<user::Model>> {
    Ok(user::Entity::find()
        .filter(user::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

pub async fn find_by_ids<C: ConnectionTrait>(db: &C, ids: &[i64]) -> AppResult<Vec<user::Model>> {
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?)
}

/// A user named by a front-matter `author:` value: by slug or by display name.
pub async fn find_by_name<C: ConnectionTrait>(
    db: &C,
    name: &str,
) -> AppResult<Option<user::Model>> {
    Ok(user::Entity::find()
        .filter(
            Condition::any()
                .add(user::Column::Slug.eq(slugify(name)))
                .add(user::Column::DisplayName.eq(name.trim())),
        )
        .order_by_asc(user::Column::Id)
        .one(db)
        .await?)
}

/// Longest display name an import creates an author with.
pub const MAX_IMPORTED_NAME_CHARS: usize = 100;

/// The author a front-matter `author:` value names: the user with that slug or display
/// name, else a new AUTHOR with that display name, a slug made from it and no password,
/// so the account cannot log in until an admin gives it one. The flag is true when the
/// user was created. `None` when the name has no letter or digit (`???`, say): such a
/// value is a placeholder, not a person, though it would make a slug.
pub async fn find_or_create_imported<C: ConnectionTrait>(
    db: &C,
    name: &str,
) -> AppResult<Option<(user::Model, bool)>> {
    if let Some(u) = find_by_name(db, name).await? {
        return Ok(Some((u, false)));
    }
    let name = name.trim();
    let slug = slugify(name);
    if !name.chars().any(char::is_alphanumeric) || crate::slug::validate(&slug).is_err() {
        return Ok(None);
    }
    if name.chars().count() > MAX_IMPORTED_NAME_CHARS {
        return Err(crate::error::AppError::bad_input(
            "author",
            format!("an author name is at most {MAX_IMPORTED_NAME_CHARS} characters"),
        ));
    }
    let email = format!("{slug}@import.invalid");
    let created = ensure(
        db,
        NewUser {
            slug: &slug,
            display_name: name,
            email: &email,
            bio: None,
            role: user::Role::Author,
        },
    )
    .await?;
    Ok(Some((created, true)))
}

/// Fields of a new account.
pub struct NewUser<'a> {
    pub slug: &'a str,
    pub display_name: &'a str,
    pub email: &'a str,
    pub bio: Option<&'a str>,
    pub role: user::Role,
}

/// The user with `new.slug`, created when missing.
pub async fn ensure<C: ConnectionTrait>(db: &C, new: NewUser<'_>) -> AppResult<user::Model> {
    if let Some(u) = find_by_slug(db, new.slug).await? {
        return Ok(u);
    }
    let now = super::now();
    Ok(user::ActiveModel {
        slug: Set(new.slug.to_owned()),
        display_name: Set(new.display_name.to_owned()),
        email: Set(new.email.to_owned()),
        bio: Set(new.bio.map(str::to_owned)),
        role: Set(new.role),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// The author of imported posts when none is named: the oldest admin, else the oldest
/// user; `None` when there are no users.
pub async fn default_for_import<C: ConnectionTrait>(db: &C) -> AppResult<Option<user::Model>> {
    if let Some(admin) = user::Entity::find()
        .filter(user::Column::Role.eq(user::Role::Admin))
        .order_by_asc(user::Column::Id)
        .one(db)
        .await?
    {
        return Ok(Some(admin));
    }
    Ok(user::Entity::find()
        .order_by_asc(user::Column::Id)
        .one(db)
        .await?)
}
