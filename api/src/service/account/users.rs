//! The accounts themselves: creating, finding, listing, changing (role, login email,
//! disabled) and deleting users, with the rules that keep the server usable (one email
//! per account, always an active admin). Nothing here checks the caller: the shell
//! commands call these with the database's own authority, and the API reaches them only
//! through [`super::admin`].

use entity::user;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set,
};

use super::sessions;
use crate::{
    auth::password,
    error::{AppError, AppResult},
    service, slug,
};

/// Fields of a new account.
pub struct NewAccount<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: user::Role,
    pub password: &'a str,
}

pub(super) fn normalize_email(email: &str) -> AppResult<String> {
    let e = email.trim().to_lowercase();
    let valid = e
        .split_once('@')
        .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.starts_with('.'));
    if !valid || e.len() > 254 {
        return Err(AppError::bad_input("email", "not an email address"));
    }
    Ok(e)
}

/// A slug for a new user, unique among users: from the name, else the email's local part.
async fn unique_user_slug<C: ConnectionTrait>(
    db: &C,
    name: &str,
    email: &str,
) -> AppResult<String> {
    let mut base = slug::slugify(name);
    if base.is_empty() {
        base = slug::slugify(email.split('@').next().unwrap_or("user"));
    }
    if base.is_empty() {
        base = "user".to_owned();
    }
    let mut candidate = base.clone();
    let mut n = 2;
    while user::Entity::find()
        .filter(user::Column::Slug.eq(&candidate))
        .count(db)
        .await?
        > 0
    {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    Ok(candidate)
}

pub async fn create_user(db: &DatabaseConnection, new: NewAccount<'_>) -> AppResult<user::Model> {
    let txn = crate::db::begin_write(db).await?;
    let u = insert_user(&txn, new).await?;
    txn.commit().await?;
    Ok(u)
}

async fn insert_user<C: ConnectionTrait>(db: &C, new: NewAccount<'_>) -> AppResult<user::Model> {
    let email = normalize_email(new.email)?;
    let name = new.name.trim();
    if name.is_empty() {
        return Err(AppError::bad_input("name", "must not be empty"));
    }
    ensure_email_free(db, &email, None).await?;
    let hash = password::hash(new.password)?;
    let now = service::now();
    Ok(user::ActiveModel {
        slug: Set(unique_user_slug(db, name, &email).await?),
        display_name: Set(name.to_owned()),
        email: Set(email),
        role: Set(new.role),
        password_hash: Set(Some(hash)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

pub async fn list_users<C: ConnectionTrait>(db: &C) -> AppResult<Vec<user::Model>> {
    Ok(user::Entity::find()
        .filter(user::Column::DeletedAt.is_null())
        .order_by_asc(user::Column::Id)
        .all(db)
        .await?)
}

pub async fn find_user<C: ConnectionTrait>(db: &C, id: i64) -> AppResult<user::Model> {
    user::Entity::find_by_id(id)
        .filter(user::Column::DeletedAt.is_null())
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("user".into()))
}

pub async fn find_user_by_email<C: ConnectionTrait>(db: &C, email: &str) -> AppResult<user::Model> {
    let email = normalize_email(email)?;
    user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .filter(user::Column::DeletedAt.is_null())
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("user".into()))
}

/// Changes what a user may do; refuses to leave the server without an active admin.
pub async fn set_role(
    db: &DatabaseConnection,
    id: i64,
    role: user::Role,
) -> AppResult<user::Model> {
    update_user(
        db,
        id,
        UserChange {
            role: Some(role),
            ..Default::default()
        },
    )
    .await
}

/// What an admin may change about an account.
#[derive(Debug, Default)]
pub struct UserChange<'a> {
    pub role: Option<user::Role>,
    /// Disable (true) or re-enable (false).
    pub disabled: Option<bool>,
    /// The address the account logs in with (imported authors get a placeholder).
    pub email: Option<&'a str>,
}

/// Changes a user's role, login email and/or disables (re-enables) the account, in one
/// transaction. Refuses to leave the server without an active admin and to give two
/// accounts one email; a disabled user's refresh tokens are revoked and access tokens
/// stop working at once.
pub async fn update_user(
    db: &DatabaseConnection,
    id: i64,
    change: UserChange<'_>,
) -> AppResult<user::Model> {
    let email = change.email.map(normalize_email).transpose()?;
    let txn = crate::db::begin_write(db).await?;
    let u = find_user(&txn, id).await?;
    let demoted = change.role.is_some_and(|r| r != user::Role::Admin);
    if u.role == user::Role::Admin && (demoted || change.disabled == Some(true)) {
        ensure_another_admin(&txn, u.id).await?;
    }
    let mut a: user::ActiveModel = u.into();
    if let Some(r) = change.role {
        a.role = Set(r);
    }
    if let Some(email) = email {
        ensure_email_free(&txn, &email, Some(id)).await?;
        a.email = Set(email);
    }
    if let Some(d) = change.disabled {
        a.disabled_at = Set(d.then(service::now));
        if d {
            sessions::revoke_all_refresh_tokens(&txn, id).await?;
        }
    }
    a.updated_at = Set(service::now());
    let u = a.update(&txn).await?;
    txn.commit().await?;
    Ok(u)
}

/// Refuses an email another account (deleted ones included) already has.
async fn ensure_email_free<C: ConnectionTrait>(
    db: &C,
    email: &str,
    except: Option<i64>,
) -> AppResult<()> {
    let mut taken = user::Entity::find().filter(user::Column::Email.eq(email));
    if let Some(id) = except {
        taken = taken.filter(user::Column::Id.ne(id));
    }
    if taken.count(db).await? > 0 {
        return Err(AppError::Conflict(format!(
            "a user with email {email} already exists"
        )));
    }
    Ok(())
}

async fn ensure_another_admin<C: ConnectionTrait>(db: &C, except: i64) -> AppResult<()> {
    let admins = user::Entity::find()
        .filter(user::Column::Role.eq(user::Role::Admin))
        .filter(user::Column::DisabledAt.is_null())
        .filter(user::Column::DeletedAt.is_null())
        .filter(user::Column::Id.ne(except))
        .count(db)
        .await?;
    if admins == 0 {
        return Err(AppError::Conflict("this is the last active admin".into()));
    }
    Ok(())
}

/// Deletes an account: it can no longer log in and its tokens stop working at once; its
/// posts stay, still credited to it. The last active admin cannot be deleted.
pub async fn delete_user(db: &DatabaseConnection, id: i64) -> AppResult<user::Model> {
    let txn = crate::db::begin_write(db).await?;
    let u = find_user(&txn, id).await?;
    if u.role == user::Role::Admin {
        ensure_another_admin(&txn, u.id).await?;
    }
    let mut a: user::ActiveModel = u.into();
    a.deleted_at = Set(Some(service::now()));
    a.updated_at = Set(service::now());
    let u = a.update(&txn).await?;
    sessions::revoke_all_refresh_tokens(&txn, id).await?;
    txn.commit().await?;
    Ok(u)
}

/// Disables (or re-enables) an account.
pub async fn set_disabled(
    db: &DatabaseConnection,
    id: i64,
    disabled: bool,
) -> AppResult<user::Model> {
    update_user(
        db,
        id,
        UserChange {
            disabled: Some(disabled),
            ..Default::default()
        },
    )
    .await
}
