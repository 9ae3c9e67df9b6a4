//! What users change about themselves: their profile (name, bio, avatar).

use entity::user;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

use super::users::find_user;
use crate::{
    auth::{Principal, policy},
    error::{AppError, AppResult},
    service,
};

/// Profile fields a user may change about themselves.
#[derive(Debug, Default)]
pub struct ProfileChange {
    pub name: Option<String>,
    pub bio: Option<Option<String>>,
    pub avatar_url: Option<Option<String>>,
}

/// Changes the caller's own profile (API keys have none).
pub async fn update_own<C: ConnectionTrait>(
    db: &C,
    who: &Principal,
    mut change: ProfileChange,
) -> AppResult<user::Model> {
    let id = policy::own_account(who)?;
    service::media::reference::resolve(db, "avatarUrl", &mut change.avatar_url).await?;
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
        service::url::check("avatarUrl", url.as_deref())?;
        a.avatar_url = Set(url);
    }
    a.updated_at = Set(service::now());
    Ok(a.update(db).await?)
}
