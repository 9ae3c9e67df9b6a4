//! Changing a file's descriptions and name, and deleting it: authors their own files,
//! editors and admins any. A file something still uses (see [`super::usage`]) is kept
//! unless the delete is forced; a forced delete reports what used it. Each change sends
//! its `media.*` event from its transaction.

use entity::{media, media_variant};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    Set,
};

use super::{
    Library, get,
    upload::text,
    usage::{Usage, used_by},
};
use crate::{
    auth::{Principal, policy},
    error::{AppError, AppResult},
    media::{
        name,
        store::{original_key, variant_key},
    },
    service::webhook::outbox,
};

/// A change to a file's descriptions: `None` leaves a field, `Some(None)` clears it.
#[derive(Debug, Default)]
pub struct MediaChanges {
    pub alt: Option<Option<String>>,
    pub caption: Option<Option<String>>,
    /// A new name (its URL changes; the old one keeps working, as the hash decides).
    pub filename: Option<String>,
}

/// Changes a file's descriptions or name.
pub async fn update(
    db: &DatabaseConnection,
    who: &Principal,
    id: i64,
    changes: MediaChanges,
) -> AppResult<media::Model> {
    policy::can_use_media(who)?;
    let m = get(db, id).await?;
    policy::can_manage_media(who, m.owner_id)?;
    let mut a = m.into_active_model();
    if let Some(alt) = changes.alt {
        a.alt = Set(text("alt", alt)?);
    }
    if let Some(caption) = changes.caption {
        a.caption = Set(text("caption", caption)?);
    }
    if let Some(filename) = changes.filename {
        if filename.trim().is_empty() {
            return Err(AppError::bad_input("filename", "must not be empty"));
        }
        a.filename = Set(name::clean(&filename));
    }
    a.updated_at = Set(crate::service::now());
    let txn = crate::db::begin_write(db).await?;
    let m = a.update(&txn).await?;
    outbox::media(&txn, "updated", &m, None).await?;
    txn.commit().await?;
    Ok(m)
}

/// Deletes a file for a caller; see [`remove`].
pub async fn delete(
    db: &DatabaseConnection,
    lib: &Library,
    who: &Principal,
    id: i64,
    force: bool,
) -> AppResult<(media::Model, Vec<Usage>)> {
    policy::can_use_media(who)?;
    let m = get(db, id).await?;
    policy::can_manage_media(who, m.owner_id)?;
    remove(db, lib, m, force).await
}

/// Deletes a file, its variants and their objects, with the database's authority.
/// Refused with CONFLICT, naming its uses, while something uses it, unless `force`;
/// then the uses it had are returned (their links now lead nowhere).
pub async fn remove(
    db: &DatabaseConnection,
    lib: &Library,
    m: media::Model,
    force: bool,
) -> AppResult<(media::Model, Vec<Usage>)> {
    let uses = used_by(db, std::slice::from_ref(&m.sha256))
        .await?
        .remove(&m.sha256)
        .unwrap_or_default();
    if !uses.is_empty() && !force {
        let list: Vec<String> = uses.iter().map(ToString::to_string).collect();
        return Err(AppError::Conflict(format!(
            "{} is still used by {}; change those first or delete with force",
            m.filename,
            list.join(", ")
        )));
    }
    let txn = crate::db::begin_write(db).await?;
    let variants = media_variant::Entity::find()
        .filter(media_variant::Column::MediaId.eq(m.id))
        .all(&txn)
        .await?;
    media_variant::Entity::delete_many()
        .filter(media_variant::Column::MediaId.eq(m.id))
        .exec(&txn)
        .await?;
    media::Entity::delete_by_id(m.id).exec(&txn).await?;
    outbox::media(&txn, "deleted", &m, Some(uses.as_slice())).await?;
    txn.commit().await?;
    // The rows are gone: the objects go after them (one left behind is harmless).
    let keys = variants
        .iter()
        .filter_map(|v| {
            u32::try_from(v.width)
                .ok()
                .map(|w| variant_key(&m.sha256, w, &v.format))
        })
        .chain([original_key(&m.sha256)]);
    for key in keys {
        if let Err(e) = lib.store.delete(&key).await {
            tracing::warn!(key = %key, error = %e, "a deleted media file's object stayed in the store");
        }
    }
    Ok((m, uses))
}
