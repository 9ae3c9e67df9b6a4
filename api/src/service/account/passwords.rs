//! Passwords: changing one's own (knowing the current one), setting a user's without it
//! (an admin's reset, the shell, an imported author's first), and generating one. Every
//! change logs the user's other sessions out.

use entity::user;
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};

use super::{sessions, users::find_user};
use crate::{
    auth::{Principal, password, policy, secret},
    error::{AppError, AppResult},
    service,
};

/// Sets the caller's new password after checking the current one (API keys have
/// none); other sessions are logged out.
pub async fn change_own(
    db: &DatabaseConnection,
    who: &Principal,
    current: &str,
    new: &str,
) -> AppResult<user::Model> {
    let id = policy::own_account(who)?;
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
    a.updated_at = Set(service::now());
    let u = a.update(&txn).await?;
    sessions::revoke_all_refresh_tokens(&txn, id).await?;
    txn.commit().await?;
    Ok(u)
}

/// A random password for accounts created without one (shown once).
pub fn generate_password() -> String {
    secret::random_token(18)
}
