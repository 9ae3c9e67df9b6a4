//! User and API-key administration on behalf of a caller: what the `users` and `apiKeys`
//! queries and the `createUser` … `revokeApiKey` mutations do. Each function first
//! checks that the caller is an admin, then does the work of [`super::users`],
//! [`super::passwords`] or [`crate::service::apikey`] (which check nothing: the shell
//! commands call them with the database's own authority).

use entity::{api_key, user};
use sea_orm::DatabaseConnection;

use super::{passwords, users};
use crate::{
    auth::{Principal, Secret, policy},
    error::AppResult,
    service::apikey,
};

/// Admins only; `what` names the action in the refusal.
fn admins_only(who: &Principal, what: &str) -> AppResult<()> {
    policy::require_role(who, user::Role::Admin, what)
}

/// Every account.
pub async fn list_users(db: &DatabaseConnection, who: &Principal) -> AppResult<Vec<user::Model>> {
    admins_only(who, "list users")?;
    users::list_users(db).await
}

pub async fn create_user(
    db: &DatabaseConnection,
    who: &Principal,
    new: users::NewAccount<'_>,
) -> AppResult<user::Model> {
    admins_only(who, "create users")?;
    users::create_user(db, new).await
}

/// Changes a user's role, login email or disabled state (see [`users::update_user`]).
pub async fn update_user(
    db: &DatabaseConnection,
    who: &Principal,
    id: i64,
    change: users::UserChange<'_>,
) -> AppResult<user::Model> {
    admins_only(who, "change users")?;
    users::update_user(db, id, change).await
}

/// Sets a user's password without the current one; the user's sessions are logged out.
pub async fn reset_password(
    db: &DatabaseConnection,
    who: &Principal,
    id: i64,
    new: &str,
) -> AppResult<user::Model> {
    admins_only(who, "reset passwords")?;
    passwords::set_password(db, id, new).await
}

/// Deletes an account; its posts stay (see [`users::delete_user`]).
pub async fn delete_user(
    db: &DatabaseConnection,
    who: &Principal,
    id: i64,
) -> AppResult<user::Model> {
    admins_only(who, "delete users")?;
    users::delete_user(db, id).await
}

/// Every API key, revoked ones included.
pub async fn list_api_keys(
    db: &DatabaseConnection,
    who: &Principal,
) -> AppResult<Vec<api_key::Model>> {
    admins_only(who, "list API keys")?;
    apikey::list(db).await
}

/// Creates a key acting for the caller; returns it and its secret (shown once).
pub async fn create_api_key(
    db: &DatabaseConnection,
    master: &Secret,
    who: &Principal,
    name: &str,
    role: user::Role,
) -> AppResult<(api_key::Model, String)> {
    admins_only(who, "create API keys")?;
    apikey::create(db, master, name, role, who.user_id()).await
}

/// Revokes a key; tokens signed with it stop working at once.
pub async fn revoke_api_key(
    db: &DatabaseConnection,
    who: &Principal,
    key_id: &str,
) -> AppResult<api_key::Model> {
    admins_only(who, "revoke API keys")?;
    apikey::revoke(db, key_id).await
}
