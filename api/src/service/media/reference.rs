//! Media references in link fields (a post's or page's cover image, an author's avatar,
//! the site's logo, icon, cover and sharing images): `media:{id}` or `media:{sha256}`
//! names a file of the library and is stored as its path, `/media/{sha256}/{filename}`
//! (a path on the site, so a CDN base URL can change without rewriting anything); any
//! other value is a link, checked by [`crate::service::url`] as before.

use entity::media;
use sea_orm::{ConnectionTrait, EntityTrait};

use super::{by_hash, links::PREFIX};
use crate::{
    error::{AppError, AppResult},
    media::name,
};

/// The path a file is referred to by.
pub fn path(m: &media::Model) -> String {
    format!("{PREFIX}{}/{}", m.sha256, name::url_segment(&m.filename))
}

/// Replaces a media reference in `value` (a change to `field`: `None` leaves it,
/// `Some(None)` clears it) by the file's path; BAD_USER_INPUT when no file matches.
pub async fn resolve<C: ConnectionTrait>(
    db: &C,
    field: &str,
    value: &mut Option<Option<String>>,
) -> AppResult<()> {
    let Some(Some(v)) = value.as_mut() else {
        return Ok(());
    };
    let Some(wanted) = v.trim().strip_prefix("media:") else {
        return Ok(());
    };
    let found = match wanted.parse::<i64>() {
        Ok(id) => media::Entity::find_by_id(id).one(db).await?,
        Err(_) => by_hash(db, &wanted.to_ascii_lowercase()).await?,
    };
    let m = found.ok_or_else(|| {
        AppError::bad_input(
            field,
            format!("no media file is {wanted} (media:ID or media:SHA256)"),
        )
    })?;
    *v = path(&m);
    Ok(())
}
