//! Adding a file to the library: its type sniffed from the bytes, images checked
//! (decompression bombs, corrupt files), turned upright and stripped of metadata, the
//! result hashed; the same bytes uploaded twice are one object and one row (the first
//! upload's, whoever sends them again). Other files are hashed and sent to the store a
//! chunk at a time, so memory does not grow with their size.

use std::io::{Read, Seek, SeekFrom};

use bytes::Bytes;
use entity::media;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set, TransactionSession, TransactionTrait};
use sha2::{Digest, Sha256};

use super::{Library, by_hash};
use crate::{
    auth::{Principal, policy},
    error::{AppError, AppResult},
    media::{
        image::{self, ImageError},
        name,
        sniff::{self, DECODED, HEAD},
        store::original_key,
    },
};

/// Longest alt text or caption, in characters.
pub const MAX_TEXT: usize = 2_000;

/// A file to add: its content (a temporary file, read from its start), the name it
/// came with, and its descriptions.
#[derive(Debug)]
pub struct NewMedia {
    pub file: std::fs::File,
    pub filename: String,
    pub alt: Option<String>,
    pub caption: Option<String>,
}

/// What an upload gave: the file's row, and whether it is new (`false`: the same
/// bytes were in the library already, and that row is returned unchanged).
#[derive(Debug, Clone)]
pub struct Uploaded {
    pub media: media::Model,
    pub created: bool,
}

/// Uploads a file for a logged-in caller, who becomes its owner.
pub async fn upload<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    lib: &Library,
    who: &Principal,
    new: NewMedia,
) -> AppResult<Uploaded> {
    policy::can_use_media(who)?;
    add(db, lib, who.user_id(), new).await
}

/// Checks a description (alt text or caption): trimmed, empty is none.
pub fn text(field: &str, value: Option<String>) -> AppResult<Option<String>> {
    let Some(v) = value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if v.chars().count() > MAX_TEXT {
        return Err(AppError::bad_input(
            field,
            format!("at most {MAX_TEXT} characters"),
        ));
    }
    Ok(Some(v))
}

fn io(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("reading an upload: {e}"))
}

/// Adds a file owned by `owner_id`, with the database's authority (the shell; the API
/// goes through [`upload`]). A new file sends `media.created`.
pub async fn add<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    lib: &Library,
    owner_id: i64,
    new: NewMedia,
) -> AppResult<Uploaded> {
    add_with(db, lib, owner_id, new, true).await
}

/// [`add`] for `quire import`, which sends no events (a rebuild after an import is the
/// operator's).
pub async fn add_for_import<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    lib: &Library,
    owner_id: i64,
    new: NewMedia,
) -> AppResult<Uploaded> {
    add_with(db, lib, owner_id, new, false).await
}

async fn add_with<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    lib: &Library,
    owner_id: i64,
    new: NewMedia,
    notify: bool,
) -> AppResult<Uploaded> {
    let alt = text("alt", new.alt)?;
    let caption = text("caption", new.caption)?;
    let filename = name::clean(&new.filename);
    let mut file = new.file;
    let size = file.metadata().map_err(io)?.len();
    if size > lib.max_bytes {
        return Err(AppError::TooLarge(format!(
            "the file is {size} bytes; at most {} are allowed",
            lib.max_bytes
        )));
    }
    if size == 0 {
        return Err(AppError::bad_input("file", "the file is empty"));
    }
    let (head, mut file) = blocking(move || {
        let mut head = Vec::with_capacity(HEAD);
        file.seek(SeekFrom::Start(0))?;
        (&mut file).take(HEAD as u64).read_to_end(&mut head)?;
        file.seek(SeekFrom::Start(0))?;
        Ok((head, file))
    })
    .await?;
    let sniffed = sniff::sniff(&head);
    let mut row = media::ActiveModel {
        filename: Set(filename),
        mime_type: Set(sniffed.mime.clone()),
        kind: Set(sniffed.kind),
        alt: Set(alt),
        caption: Set(caption),
        owner_id: Set(owner_id),
        ..Default::default()
    };
    let sha256 = if DECODED.contains(&sniffed.mime.as_str()) {
        let bytes = blocking(move || {
            let mut all = Vec::new();
            file.read_to_end(&mut all)?;
            Ok(all)
        })
        .await?;
        let (rules, mime) = (lib.rules, sniffed.mime.clone());
        let prepared =
            tokio::task::spawn_blocking(move || image::prepare(Bytes::from(bytes), &mime, rules))
                .await
                .map_err(io)?
                .map_err(refused)?;
        let sha256 = hex::encode(Sha256::digest(&prepared.bytes));
        if let Some(m) = by_hash(db, &sha256).await? {
            return Ok(Uploaded {
                media: m,
                created: false,
            });
        }
        row.bytes = Set(i64::try_from(prepared.bytes.len()).unwrap_or(i64::MAX));
        row.width = Set(i32::try_from(prepared.width).ok());
        row.height = Set(i32::try_from(prepared.height).ok());
        row.dominant_color = Set(Some(prepared.dominant_color));
        lib.store
            .put_once(&original_key(&sha256), prepared.bytes)
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        sha256
    } else {
        let (sha256, file) = blocking(move || {
            let mut hasher = Sha256::new();
            std::io::copy(&mut file, &mut hasher)?;
            file.seek(SeekFrom::Start(0))?;
            Ok((hex::encode(hasher.finalize()), file))
        })
        .await?;
        if let Some(m) = by_hash(db, &sha256).await? {
            return Ok(Uploaded {
                media: m,
                created: false,
            });
        }
        row.bytes = Set(i64::try_from(size).unwrap_or(i64::MAX));
        lib.store
            .put_file_once(&original_key(&sha256), file)
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        sha256
    };
    let now = crate::service::now();
    row.sha256 = Set(sha256.clone());
    row.created_at = Set(now);
    row.updated_at = Set(now);
    match insert(db, row, notify).await {
        Ok(m) => Ok(Uploaded {
            media: m,
            created: true,
        }),
        // The same bytes, uploaded at the same moment by another request.
        Err(e) => match by_hash(db, &sha256).await? {
            Some(m) => Ok(Uploaded {
                media: m,
                created: false,
            }),
            None => Err(e),
        },
    }
}

/// Writes a new file's row and its `media.created` event in one transaction.
async fn insert<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    row: media::ActiveModel,
    notify: bool,
) -> AppResult<media::Model> {
    let txn = crate::db::begin_write(db).await?;
    let m = row.insert(&txn).await?;
    if notify {
        crate::service::webhook::outbox::media(&txn, "created", &m, Some(&[][..])).await?;
    }
    txn.commit().await?;
    Ok(m)
}

/// An image refused: a bomb or a corrupt file.
pub(super) fn refused(e: ImageError) -> AppError {
    match e {
        ImageError::TooLarge { .. } => AppError::ImageTooLarge(e.to_string()),
        ImageError::Corrupt(_) => AppError::InvalidMedia(e.to_string()),
    }
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> std::io::Result<T> + Send + 'static,
) -> AppResult<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(io)?
        .map_err(io)
}
