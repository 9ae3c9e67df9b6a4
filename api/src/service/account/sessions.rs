//! Sessions: logging in (with rate limits per account and per client address), the
//! access and refresh tokens handed out, refreshing (refresh tokens are stored as
//! hashes, rotated on every use and revocable) and logging out.

use chrono::{Duration, Utc};
use entity::{login_attempt, refresh_token, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, Set,
};

use super::users::find_user;
use crate::{
    auth::{Secret, password, secret, token},
    error::{AppError, AppResult},
    service,
};

/// Failed logins allowed per account, and per client address, in [`WINDOW_SECS`].
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
            attempted_at: Set(service::now()),
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
        expires_at: Set(service::now() + Duration::days(REFRESH_TTL_DAYS)),
        created_at: Set(service::now()),
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
    old.revoked_at = Set(Some(service::now()));
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
            sea_orm::sea_query::Expr::value(service::now()),
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
            sea_orm::sea_query::Expr::value(service::now()),
        )
        .filter(refresh_token::Column::UserId.eq(user_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}
