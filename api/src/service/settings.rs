//! Server settings kept in the database: today, the generated JWT signing secret.

use entity::setting;
use sea_orm::{ConnectionTrait, EntityTrait, Set};

use crate::{
    auth::{Secret, secret::random_token},
    error::{AppError, AppResult},
};

const JWT_SECRET: &str = "jwt_secret";

/// The signing secret: `from_env` when given (refused when shorter than 32 bytes),
/// otherwise the one kept in the database, generated on first start. Several servers
/// starting at once agree on one (the first insert wins).
pub async fn jwt_secret<C: ConnectionTrait>(
    db: &C,
    from_env: Option<&Secret>,
) -> AppResult<Secret> {
    if let Some(s) = from_env {
        let len = s.expose().len();
        if len < Secret::MIN_LEN {
            return Err(AppError::bad_input(
                "QUIRE_JWT_SECRET",
                format!("must be at least {} bytes (got {len})", Secret::MIN_LEN),
            ));
        }
        return Ok(s.clone());
    }
    setting::Entity::insert(setting::ActiveModel {
        key: Set(JWT_SECRET.to_owned()),
        value: Set(random_token(48)),
    })
    .on_conflict_do_nothing_on([setting::Column::Key])
    .exec(db)
    .await?;
    let stored = setting::Entity::find_by_id(JWT_SECRET.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| AppError::Internal("jwt secret missing after insert".into()))?;
    Ok(Secret::new(stored.value.into_bytes()))
}
