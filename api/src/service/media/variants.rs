//! Responsive variants of images: made on first request (a configured width, in WebP or
//! the original's format, never wider than the original), written to the store and
//! recorded, so every later request, on any server, reads them from there.

use entity::{media, media_variant};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::{Library, links::has_variants, upload::refused};
use crate::{
    error::{AppError, AppResult},
    media::{
        image,
        store::{original_key, variant_key},
    },
};

/// A variant ready to serve.
#[derive(Debug, Clone)]
pub struct Variant {
    pub key: String,
    pub mime: &'static str,
    pub bytes: u64,
}

/// The variant of `m` at `width` in `format` (`webp`, or the original's format as
/// [`image::variant_format`] names it); `None` when there is no such variant: not an
/// image, a width that is not configured, a format it is not made in.
pub async fn get_or_make<C: ConnectionTrait>(
    db: &C,
    lib: &Library,
    m: &media::Model,
    width: u32,
    format: &str,
) -> AppResult<Option<Variant>> {
    let own_format = image::variant_format(&m.mime_type, false);
    if !has_variants(m)
        || !lib.widths.contains(&width)
        || (format != "webp" && format != own_format)
    {
        return Ok(None);
    }
    let key = variant_key(&m.sha256, width, format);
    let mime = image::format_mime(format);
    let width_i = i32::try_from(width).unwrap_or(i32::MAX);
    let known = media_variant::Entity::find()
        .filter(media_variant::Column::MediaId.eq(m.id))
        .filter(media_variant::Column::Width.eq(width_i))
        .filter(media_variant::Column::Format.eq(format))
        .one(db)
        .await?;
    if let Some(v) = known {
        return Ok(Some(Variant {
            key,
            mime,
            bytes: u64::try_from(v.bytes).unwrap_or(0),
        }));
    }
    let store_err = |e: crate::media::store::StoreError| AppError::Internal(e.to_string());
    let original = lib
        .store
        .read(&original_key(&m.sha256))
        .await
        .map_err(store_err)?;
    let (mime_type, format_owned, max) =
        (m.mime_type.clone(), format.to_owned(), lib.rules.max_pixels);
    let (bytes, _, h) = tokio::task::spawn_blocking(move || {
        image::variant(&original, &mime_type, width, &format_owned, max)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(refused)?;
    let size = bytes.len() as u64;
    lib.store
        .put_once(&key, bytes.into())
        .await
        .map_err(store_err)?;
    let row = media_variant::ActiveModel {
        media_id: Set(m.id),
        width: Set(width_i),
        format: Set(format.to_owned()),
        height: Set(i32::try_from(h).unwrap_or(i32::MAX)),
        bytes: Set(i64::try_from(size).unwrap_or(i64::MAX)),
        created_at: Set(crate::service::now()),
        ..Default::default()
    };
    // Two requests may make the same variant at once: the second row is refused by the
    // unique index, and the object is the same.
    if let Err(e) = row.insert(db).await {
        tracing::debug!(error = %e, "a variant was recorded meanwhile");
    }
    Ok(Some(Variant {
        key,
        mime,
        bytes: size,
    }))
}

/// The variants made of `m` so far, for `Media.variants`.
pub async fn made<C: ConnectionTrait>(
    db: &C,
    m: &media::Model,
) -> AppResult<Vec<media_variant::Model>> {
    Ok(media_variant::Entity::find()
        .filter(media_variant::Column::MediaId.eq(m.id))
        .all(db)
        .await?)
}
