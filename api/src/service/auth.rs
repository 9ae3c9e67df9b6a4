//! Bearer token → principal, with the database as the authority: the user must exist
//! and be enabled, the API key must not be revoked, and the role is the one stored now.

use chrono::Utc;
use entity::user;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::apikey;
use crate::{
    auth::{Principal, Secret, token},
    error::{AppError, AppResult},
};

async fn active_user<C: ConnectionTrait>(db: &C, id: i64) -> AppResult<user::Model> {
    user::Entity::find_by_id(id)
        .filter(user::Column::DisabledAt.is_null())
        .filter(user::Column::DeletedAt.is_null())
        .one(db)
        .await?
        .ok_or(AppError::Unauthenticated)
}

pub async fn authenticate<C: ConnectionTrait>(
    db: &C,
    master: &Secret,
    bearer: &str,
) -> AppResult<Principal> {
    let now = Utc::now().timestamp();
    match token::kind(bearer)? {
        token::Kind::Access => {
            let user_id = token::verify_access(bearer, master, now)?;
            Ok(Principal::User(active_user(db, user_id).await?))
        }
        token::Kind::ApiKey(kid) => {
            let key = apikey::find_active(db, &kid)
                .await?
                .ok_or(AppError::Unauthenticated)?;
            token::verify_api_key(bearer, &apikey::secret_of(master, &key)?, now)?;
            let creator = active_user(db, key.created_by).await?;
            Ok(Principal::ApiKey { key, creator })
        }
    }
}
