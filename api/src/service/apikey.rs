//! Admin API keys: created by admins, shown once as `keyId:secret`, revocable. The
//! secret is derived from the server secret and the key's salt, never stored.

use entity::{api_key, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::{
    auth::{
        Secret,
        secret::{random_hex, random_token},
    },
    error::{AppError, AppResult},
};

/// The secret of `key` under the server secret.
pub fn secret_of(master: &Secret, key: &api_key::Model) -> AppResult<String> {
    master.derive(&format!("quire-api-key:{}:{}", key.key_id, key.salt))
}

/// Creates a key; returns it and its secret (shown once).
pub async fn create<C: ConnectionTrait>(
    db: &C,
    master: &Secret,
    name: &str,
    role: user::Role,
    creator: i64,
) -> AppResult<(api_key::Model, String)> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::bad_input("name", "must not be empty"));
    }
    let key = api_key::ActiveModel {
        // Hex, so a key ID never starts with `-` and passes as `--key-id <ID>`.
        key_id: Set(random_hex(10)),
        name: Set(name.to_owned()),
        role: Set(role),
        salt: Set(random_token(16)),
        created_by: Set(creator),
        created_at: Set(super::now()),
        last_used_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let secret = secret_of(master, &key)?;
    Ok((key, secret))
}

pub async fn list<C: ConnectionTrait>(db: &C) -> AppResult<Vec<api_key::Model>> {
    Ok(api_key::Entity::find()
        .order_by_asc(api_key::Column::Id)
        .all(db)
        .await?)
}

pub async fn find_active<C: ConnectionTrait>(
    db: &C,
    key_id: &str,
) -> AppResult<Option<api_key::Model>> {
    Ok(api_key::Entity::find()
        .filter(api_key::Column::KeyId.eq(key_id))
        .filter(api_key::Column::RevokedAt.is_null())
        .one(db)
        .await?)
}

/// Revokes a key by its public ID; its tokens stop working at once.
pub async fn revoke<C: ConnectionTrait>(db: &C, key_id: &str) -> AppResult<api_key::Model> {
    let key = api_key::Entity::find()
        .filter(api_key::Column::KeyId.eq(key_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("API key {key_id}")))?;
    if key.revoked_at.is_some() {
        return Ok(key);
    }
    let mut a: api_key::ActiveModel = key.into();
    a.revoked_at = Set(Some(super::now()));
    Ok(a.update(db).await?)
}
