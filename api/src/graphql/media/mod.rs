//! The `Media` type: a file of the media library, with the URLs frontends use (sized and
//! in WebP for images) and what uses it.

pub mod loader;
pub mod mutation;
pub mod query;

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::media::{self, Kind};

use super::{author::AuthorNode, context::state, node};
use crate::{
    error::{ApiResult, AppError},
    media::html::{self, ImgInfo},
    service::media::{
        Library, links,
        usage::{Usage, UsageKind},
    },
};

/// What kind of file a media file is, from its sniffed type.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(name = "MediaKind")]
pub enum MediaKindGql {
    /// JPEG, PNG, GIF, WebP, SVG…
    Image,
    /// MP4, WebM…
    Video,
    /// MP3, Ogg, FLAC…
    Audio,
    /// PDF, plain text, office documents.
    Document,
    /// Anything else.
    Other,
}

impl From<MediaKindGql> for Kind {
    fn from(k: MediaKindGql) -> Self {
        match k {
            MediaKindGql::Image => Self::Image,
            MediaKindGql::Video => Self::Video,
            MediaKindGql::Audio => Self::Audio,
            MediaKindGql::Document => Self::Document,
            MediaKindGql::Other => Self::Other,
        }
    }
}

impl From<Kind> for MediaKindGql {
    fn from(k: Kind) -> Self {
        match k {
            Kind::Image => Self::Image,
            Kind::Video => Self::Video,
            Kind::Audio => Self::Audio,
            Kind::Document => Self::Document,
            Kind::Other => Self::Other,
        }
    }
}

/// The format of an image URL.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum MediaFormat {
    /// The original's own format (JPEG stays JPEG; GIF variants are PNG).
    #[default]
    Original,
    /// WebP, usually much smaller.
    Webp,
}

/// What uses a media file.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum MediaUsageKind {
    /// A post (`id` is its ID).
    Post,
    /// A page (`id` is its ID).
    Page,
    /// An author's avatar (`id` is the author's ID).
    Author,
    /// The site settings (logo, icon, cover or sharing image); no `id`.
    Site,
}

/// One use of a media file.
#[derive(SimpleObject)]
pub struct MediaUsage {
    /// What uses it.
    pub kind: MediaUsageKind,
    /// The post's, page's or author's global ID; null for the site.
    pub id: Option<ID>,
    /// The post's or page's title, the author's name, the site's title.
    pub title: String,
    /// Where it is used: `coverImage`, `body`, `avatarUrl`, `logo`, `icon`, `ogImage`.
    pub field: String,
}

impl From<Usage> for MediaUsage {
    fn from(u: Usage) -> Self {
        let (kind, node_kind) = match u.kind {
            UsageKind::Post => (MediaUsageKind::Post, Some(node::Kind::Post)),
            UsageKind::Page => (MediaUsageKind::Page, Some(node::Kind::Page)),
            UsageKind::Author => (MediaUsageKind::Author, Some(node::Kind::Author)),
            UsageKind::Site => (MediaUsageKind::Site, None),
        };
        Self {
            kind,
            id: node_kind.zip(u.id).map(|(k, id)| node::encode(k, id)),
            title: u.title,
            field: u.field.to_owned(),
        }
    }
}

/// `html` with its media-library `<img>` tags given width, height, `loading="lazy"`,
/// `decoding="async"` and a `srcset` (see [`crate::media::html`]); the files are read
/// through a DataLoader, so a page of posts costs one statement.
pub async fn with_image_attributes(ctx: &Context<'_>, html: &str) -> ApiResult<String> {
    let hashes = html::image_hashes(html);
    if hashes.is_empty() {
        return Ok(html.to_owned());
    }
    let lib = library(ctx)?;
    let files = state(ctx)?.media_by_hash.load_many(hashes).await?;
    let info = files
        .into_iter()
        .filter_map(|(hash, m)| {
            let (width, height) = (m.width?, m.height?);
            let srcset = links::srcset(lib, &m, false);
            Some((
                hash,
                ImgInfo {
                    width,
                    height,
                    srcset,
                },
            ))
        })
        .collect();
    Ok(html::enrich(html, &info))
}

/// The media library's settings, attached to the schema.
pub fn library<'a>(ctx: &Context<'a>) -> ApiResult<&'a Library> {
    ctx.data::<Library>()
        .map_err(|_| AppError::Internal("media library missing".into()).into())
}

/// A file of the media library. Only logged-in users see the library; the files
/// themselves are public at their URLs.
pub struct MediaNode(pub media::Model);

/// A file of the media library (a Relay node). Only logged-in users see the library
/// (`media`, `node`); the files themselves are public at their URLs.
#[Object(name = "Media")]
impl MediaNode {
    /// The file's global ID (for `node(id:)`, `updateMedia` and `deleteMedia`).
    pub async fn id(&self) -> ID {
        node::encode(node::Kind::Media, self.0.id)
    }

    /// The URL to fetch the file at (absolute under `QUIRE_MEDIA_BASE_URL`, else a path
    /// on this server). For an image, `width` picks the smallest configured variant at
    /// least that wide (never wider than the original: the original itself when none
    /// is) and `format: WEBP` a WebP variant; other files ignore both. Variants are made
    /// on their first request.
    async fn url(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Pixels wide at least (images only).")] width: Option<u32>,
        #[graphql(desc = "The image format (images only; default ORIGINAL).")] format: Option<
            MediaFormat,
        >,
    ) -> ApiResult<String> {
        Ok(links::sized(
            library(ctx)?,
            &self.0,
            width,
            format == Some(MediaFormat::Webp),
        ))
    }

    /// An `<img srcset>` value: every configured width narrower than the original, and
    /// the original; null for files that are not decoded images.
    async fn srcset(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The format of every candidate (default ORIGINAL).")] format: Option<
            MediaFormat,
        >,
    ) -> ApiResult<Option<String>> {
        Ok(links::srcset(
            library(ctx)?,
            &self.0,
            format == Some(MediaFormat::Webp),
        ))
    }

    /// The file's name (NFC-normalised, without folders).
    async fn filename(&self) -> &str {
        &self.0.filename
    }

    /// The MIME type, sniffed from the bytes (never the uploader's word).
    async fn mime_type(&self) -> &str {
        &self.0.mime_type
    }

    /// What kind of file it is.
    async fn kind(&self) -> MediaKindGql {
        self.0.kind.into()
    }

    /// Size of the stored file, in bytes (after an image's metadata was stripped).
    async fn bytes(&self) -> i64 {
        self.0.bytes
    }

    /// Width in pixels (images; after the EXIF orientation was applied).
    async fn width(&self) -> Option<i32> {
        self.0.width
    }

    /// Height in pixels (images).
    async fn height(&self) -> Option<i32> {
        self.0.height
    }

    /// Text for readers who cannot see the image.
    async fn alt(&self) -> Option<&str> {
        self.0.alt.as_deref()
    }

    /// A caption to show with it.
    async fn caption(&self) -> Option<&str> {
        self.0.caption.as_deref()
    }

    /// The image's average colour, `#rrggbb`, for a placeholder while it loads.
    async fn dominant_color(&self) -> Option<&str> {
        self.0.dominant_color.as_deref()
    }

    /// Hex SHA-256 of the stored bytes (the file's address).
    async fn sha256(&self) -> &str {
        &self.0.sha256
    }

    /// Who uploaded it.
    async fn owner(&self, ctx: &Context<'_>) -> ApiResult<Option<AuthorNode>> {
        Ok(state(ctx)?
            .authors
            .load_one(self.0.owner_id)
            .await?
            .map(AuthorNode))
    }

    /// When it was uploaded.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When its descriptions or name last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// What uses it: posts and pages (cover image or body), authors (avatar), the site
    /// (logo, icon, cover, sharing image). A file in use cannot be deleted unforced.
    async fn used_by(&self, ctx: &Context<'_>) -> ApiResult<Vec<MediaUsage>> {
        let uses = state(ctx)?
            .media_usage
            .load_one(self.0.sha256.clone())
            .await?
            .unwrap_or_default();
        Ok(uses.into_iter().map(MediaUsage::from).collect())
    }
}
