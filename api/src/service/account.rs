//! Accounts: creating and changing users, logging in with rate limits, refresh tokens
//! (stored as hashes, rotated on every use, revocable).

use chrono::{Duration, Utc};
use entity::{login_attempt, refresh_token, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set,
};

use crate::{
    auth::{Secret, password, secret, token},
    error::{AppError, AppResult},
    slug,
};

/// Failed logins allowed per account, and per client address, in [`WINDOW`].
pub const MAX_FAILURES: u64 = 5;
pub const WINDOW_SECS: i64 = 60;
pub const REFRESH_TTL_DAYS: i64 = 30;

/// An access token and the refresh token that renews it.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub access_token: String,
    pub expires_at: i64,
    pub refresh_token: String,
    pub user: user::Model,
}

pub struct NewAccount<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: user::Role,
    pub password: &'a str,
}

fn normalize_email(email: &str) -> AppResult<String> {
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
    let now = super::now();
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
        a.disabled_at = Set(d.then(super::now));
        if d {
            revoke_all_refresh_tokens(&txn, id).await?;
        }
    }
    a.updated_at = Set(super::now());
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
    a.deleted_at = Set(Some(super::now()));
    a.updated_at = Set(super::now());
    let u = a.update(&txn).await?;
    revoke_all_refresh_tokens(&txn, id).await?;
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

/// Profile fields a user may change about themselves.
#[derive(Debug, Default)]
pub struct ProfileChange {
    pub name: Option<String>,
    pub bio: Option<Option<String>>,
    pub avatar_url: Option<Option<String>>,
}

pub async fn update_profile<C: ConnectionTrait>(
    db: &C,
    id: i64,
    change: ProfileChange,
) -> AppResult<user::Model> {
    let u = find_user(db, id).await?;
    let mut a: user::ActiveModel = u.into();
    if let Some(name) = change.name {
        let name = name.trim().to_owned();
        if name.is_empty() {
            return Err(AppError::bad_input("name", "must not be empty"));
        }
        a.display_name = Set(name);
    }
    if let Some(bio) = change.bio {
        a.bio = Set(bio);
    }
    if let Some(url) = change.avatar_url {
        a.avatar_url = Set(url);
    }
    a.updated_at = Set(super::now());
    Ok(a.update(db).await?)
}

/// Sets a new password after checking the current one; other sessions are logged out.
pub async fn change_password(
    db: &DatabaseConnection,
    id: i64,
    current: &str,
    new: &str,
) -> AppResult<user::Model> {
    store_password(db, id, new, Some(current)).await
}

/// Sets a user's password without the current one (an admin's reset, or the first
/// password of an imported author); the user's sessions are logged out.
pub async fn set_password(db: &DatabaseConnection, id: i64, new: &str) -> AppResult<user::Model> {
    store_password(db, id, new, None).await
}

/// Hashes and stores `new`, after checking `current` when given, and revokes every
/// refresh token of the user, in one transaction.
async fn store_password(
    db: &DatabaseConnection,
    id: i64,
    new: &str,
    current: Option<&str>,
) -> AppResult<user::Model> {
    let hash = password::hash(new).map_err(|e| match e {
        AppError::BadInput { message, .. } => AppError::bad_input("newPassword", message),
        other => other,
    })?;
    let txn = crate::db::begin_write(db).await?;
    let u = find_user(&txn, id).await?;
    if let Some(current) = current
        && !u
            .password_hash
            .as_deref()
            .is_some_and(|h| password::verify(current, h))
    {
        return Err(AppError::bad_input("currentPassword", "is not correct"));
    }
    let mut a: user::ActiveModel = u.into();
    a.password_hash = Set(Some(hash));
    a.updated_at = Set(super::now());
    let u = a.update(&txn).await?;
    revoke_all_refresh_tokens(&txn, id).await?;
    txn.commit().await?;
    Ok(u)
}

/// A random password for accounts created without one (shown once).
pub fn generate_password() -> String {
    secret::random_token(18)
}

async fn recent_failures<C: ConnectionTrait>(
    db: &C,
    column: login_attempt::Column,
    value: &str,
) -> AppResult<u64> {
    let since = Utc::now() - Duration::seconds(WINDOW_SECS);
    Ok(login_attempt::Entity::find()
        .filter(column.eq(value))
        .filter(login_attempt::Column::AttemptedAt.gt(since))
        .count(db)
        .await?)
}

/// Checks a password and hands out tokens. Failures are counted per account and per
/// client; past [`MAX_FAILURES`] a minute the answer is RATE_LIMITED. The error never
/// says whether the email exists.
pub async fn login(
    db: &DatabaseConnection,
    secret: &Secret,
    email: &str,
    password_given: &str,
    client: &str,
) -> AppResult<Tokens> {
    let account = email.trim().to_lowercase();
    if recent_failures(db, login_attempt::Column::Account, &account).await? >= MAX_FAILURES
        || recent_failures(db, login_attempt::Column::Client, client).await? >= MAX_FAILURES
    {
        return Err(AppError::RateLimited);
    }
    let found = user::Entity::find()
        .filter(user::Column::Email.eq(&account))
        .filter(user::Column::DeletedAt.is_null())
        .one(db)
        .await?;
    let ok_user = match found {
        Some(u) if u.disabled_at.is_none() => match u.password_hash.as_deref() {
            Some(h) if password::verify(password_given, h) => Some(u),
            _ => None,
        },
        Some(_) => None,
        None => {
            password::verify_dummy(password_given);
            None
        }
    };
    let Some(u) = ok_user else {
        login_attempt::ActiveModel {
            account: Set(account),
            client: Set(client.to_owned()),
            attempted_at: Set(super::now()),
            ..Default::default()
        }
        .insert(db)
        .await?;
        login_attempt::Entity::delete_many()
            .filter(login_attempt::Column::AttemptedAt.lt(Utc::now() - Duration::hours(1)))
            .exec(db)
            .await?;
        return Err(AppError::InvalidCredentials);
    };
    let txn = crate::db::begin_write(db).await?;
    let tokens = issue_tokens(&txn, secret, u).await?;
    txn.commit().await?;
    Ok(tokens)
}

async fn issue_tokens<C: ConnectionTrait>(
    db: &C,
    secret: &Secret,
    u: user::Model,
) -> AppResult<Tokens> {
    let now = Utc::now().timestamp();
    let (access_token, expires_at) = token::issue_access(secret, u.id, role_name(u.role), now)?;
    let refresh = secret::random_token(32);
    refresh_token::ActiveModel {
        user_id: Set(u.id),
        token_hash: Set(secret::hash_token(&refresh)),
        expires_at: Set(super::now() + Duration::days(REFRESH_TTL_DAYS)),
        created_at: Set(super::now()),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(Tokens {
        access_token,
        expires_at,
        refresh_token: refresh,
        user: u,
    })
}

pub fn role_name(role: user::Role) -> &'static str {
    match role {
        user::Role::Admin => "ADMIN",
        user::Role::Editor => "EDITOR",
        user::Role::Author => "AUTHOR",
    }
}

/// Exchanges a refresh token for new tokens; the old one is revoked. Presenting a
/// revoked token again (a sign it was stolen) revokes every refresh token of the user.
pub async fn refresh(
    db: &DatabaseConnection,
    secret: &Secret,
    presented: &str,
) -> AppResult<Tokens> {
    let txn = crate::db::begin_write(db).await?;
    let found = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(secret::hash_token(presented)))
        .one(&txn)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    if found.revoked_at.is_some() {
        revoke_all_refresh_tokens(&txn, found.user_id).await?;
        txn.commit().await?;
        return Err(AppError::Unauthenticated);
    }
    if found.expires_at < Utc::now() {
        return Err(AppError::Unauthenticated);
    }
    let u = find_user(&txn, found.user_id)
        .await
        .map_err(|_| AppError::Unauthenticated)?;
    if u.disabled_at.is_some() {
        return Err(AppError::Unauthenticated);
    }
    let mut old: refresh_token::ActiveModel = found.into();
    old.revoked_at = Set(Some(super::now()));
    old.update(&txn).await?;
    let tokens = issue_tokens(&txn, secret, u).await?;
    txn.commit().await?;
    Ok(tokens)
}

/// Revokes one refresh token (logging out that session). Unknown tokens are ignored.
pub async fn logout<C: ConnectionTrait>(db: &C, presented: &str) -> AppResult<bool> {
    let res = refresh_token::Entity::update_many()
        .col_expr(
            refresh_token::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(super::now()),
        )
        .filter(refresh_token::Column::TokenHash.eq(secret::hash_token(presented)))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected > 0)
}

pub async fn revoke_all_refresh_tokens<C: ConnectionTrait>(db: &C, user_id: i64) -> AppResult<()> {
    refresh_token::Entity::update_many()
        .col_expr(
            refresh_token::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(super::now()),
        )
        .filter(refresh_token::Column::UserId.eq(user_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}
