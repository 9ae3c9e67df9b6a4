//! The media library: files uploaded over GraphQL or added from the shell, kept once
//! per content ([`upload`]), listed and looked up here, changed and deleted
//! ([`manage`]) unless something still uses them ([`usage`]), and the responsive
//! variants of images made on first request ([`variants`]). [`Library`] is the store
//! with its settings; [`links`] makes the URLs frontends use.
//!
//! Rows and objects: an object is written before its row and removed after it, so a
//! row never names a missing object (an object without a row, left by a failed upload,
//! is harmless: the same bytes find it again).

pub mod links;
pub mod manage;
pub mod reference;
pub mod upload;
pub mod usage;
pub mod variants;

use std::path::Path;

use entity::media::{self, Kind};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::{
    auth::{Principal, policy},
    config::MediaConfig,
    error::{AppError, AppResult},
    media::{MediaStore, image::ImageRules},
    service::keyset::{self, Slice, SortKey, Window},
};

/// The media store and what the configuration says about media: shared by the server
/// and the shell commands.
#[derive(Clone, Debug)]
pub struct Library {
    pub store: MediaStore,
    pub rules: ImageRules,
    /// Largest file, in bytes.
    pub max_bytes: u64,
    /// The variants' widths, ascending.
    pub widths: Vec<u32>,
    /// Where URLs point (no trailing `/`); empty for paths on this server.
    pub base_url: String,
}

impl Library {
    /// The library `config` describes (`data_dir` holds the default local folder).
    pub fn open(config: &MediaConfig, data_dir: &Path) -> anyhow::Result<Self> {
        let store = MediaStore::open(config, data_dir)?;
        Ok(Self::with_store(store, config))
    }

    /// The library over `store`, with `config`'s settings.
    pub fn with_store(store: MediaStore, config: &MediaConfig) -> Self {
        let mut widths: Vec<u32> = config
            .media_widths
            .iter()
            .copied()
            .filter(|w| (1..=10_000).contains(w))
            .collect();
        widths.sort_unstable();
        widths.dedup();
        Self {
            store,
            rules: ImageRules {
                max_pixels: config.media_max_pixels,
                keep_metadata: config.media_keep_metadata,
            },
            max_bytes: config.media_max_bytes,
            widths,
            base_url: config
                .media_base_url
                .as_deref()
                .unwrap_or_default()
                .trim_end_matches('/')
                .to_owned(),
        }
    }
}

/// The order of a media listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaOrder {
    NewestFirst,
    OldestFirst,
    Filename,
}

impl MediaOrder {
    /// The cursor's name for this ordering.
    pub fn sort_name(self) -> &'static str {
        match self {
            Self::NewestFirst => "MediaNew",
            Self::OldestFirst => "MediaOld",
            Self::Filename => "MediaName",
        }
    }

    /// A row's key in this ordering.
    pub fn key_of(self, m: &media::Model) -> SortKey {
        match self {
            Self::NewestFirst | Self::OldestFirst => SortKey::Time(m.created_at),
            Self::Filename => SortKey::Text(m.filename.clone()),
        }
    }
}

/// What a listing is narrowed to.
#[derive(Debug, Clone, Copy, Default)]
pub struct MediaFilter {
    pub kind: Option<Kind>,
    /// Only this user's uploads.
    pub owner_id: Option<i64>,
}

/// One media file by ID, for a logged-in caller.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    who: &Principal,
    id: i64,
) -> AppResult<Option<media::Model>> {
    policy::can_use_media(who)?;
    Ok(media::Entity::find_by_id(id).one(db).await?)
}

/// One media file by ID, or NOT_FOUND.
pub async fn get<C: ConnectionTrait>(db: &C, id: i64) -> AppResult<media::Model> {
    media::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("media {id}")))
}

/// The media file holding the bytes whose SHA-256 is `sha256` (what `/media/…` serves).
pub async fn by_hash<C: ConnectionTrait>(db: &C, sha256: &str) -> AppResult<Option<media::Model>> {
    Ok(media::Entity::find()
        .filter(media::Column::Sha256.eq(sha256))
        .one(db)
        .await?)
}

/// Media files by SHA-256 (images shown in posts).
pub async fn by_hashes<C: ConnectionTrait>(
    db: &C,
    hashes: &[String],
) -> AppResult<Vec<media::Model>> {
    Ok(media::Entity::find()
        .filter(media::Column::Sha256.is_in(hashes.iter().cloned()))
        .all(db)
        .await?)
}

/// Media files by ID (for DataLoaders and references).
pub async fn by_ids<C: ConnectionTrait>(db: &C, ids: &[i64]) -> AppResult<Vec<media::Model>> {
    Ok(media::Entity::find()
        .filter(media::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?)
}

/// A page of the library, for a logged-in caller.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    who: &Principal,
    filter: MediaFilter,
    order: MediaOrder,
    window: Window,
) -> AppResult<Slice<media::Model>> {
    policy::can_use_media(who)?;
    let (key_col, ascending) = match order {
        MediaOrder::NewestFirst => (media::Column::CreatedAt, false),
        MediaOrder::OldestFirst => (media::Column::CreatedAt, true),
        MediaOrder::Filename => (media::Column::Filename, true),
    };
    let narrowed = || {
        let mut q = media::Entity::find();
        if let Some(kind) = filter.kind {
            q = q.filter(media::Column::Kind.eq(kind));
        }
        if let Some(owner) = filter.owner_id {
            q = q.filter(media::Column::OwnerId.eq(owner));
        }
        q
    };
    let ordered = |asc: bool| {
        let dir = if asc { Order::Asc } else { Order::Desc };
        narrowed()
            .order_by(key_col, dir.clone())
            .order_by(media::Column::Id, dir)
    };
    let (rows, limit, reverse) = match window {
        Window::Forward { after, limit } => {
            let mut q = ordered(ascending);
            if let Some(c) = after {
                q = q.filter(keyset::beyond(key_col, media::Column::Id, c, !ascending));
            }
            (q.limit(limit + 1).all(db).await?, limit, false)
        }
        Window::Backward { before, limit } => {
            let mut q = ordered(!ascending);
            if let Some(c) = before {
                q = q.filter(keyset::beyond(key_col, media::Column::Id, c, ascending));
            }
            (q.limit(limit + 1).all(db).await?, limit, true)
        }
        Window::Offset { offset, limit } => (
            ordered(ascending)
                .offset(offset)
                .limit(limit + 1)
                .all(db)
                .await?,
            limit,
            false,
        ),
    };
    Ok(keyset::into_slice(rows, limit, reverse))
}

/// How many files a listing holds.
pub async fn count<C: ConnectionTrait>(db: &C, filter: MediaFilter) -> AppResult<u64> {
    let mut q = media::Entity::find();
    if let Some(kind) = filter.kind {
        q = q.filter(media::Column::Kind.eq(kind));
    }
    if let Some(owner) = filter.owner_id {
        q = q.filter(media::Column::OwnerId.eq(owner));
    }
    Ok(q.count(db).await?)
}

/// Every media file, oldest first (for `quire media list` and exports).
pub async fn all<C: ConnectionTrait>(db: &C) -> AppResult<Vec<media::Model>> {
    Ok(media::Entity::find()
        .order_by_asc(media::Column::CreatedAt)
        .order_by_asc(media::Column::Id)
        .all(db)
        .await?)
}
