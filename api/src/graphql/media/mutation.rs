//! Uploading, describing and deleting media files: every role uploads; authors change
//! and delete their own files, editors and admins any.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject, Upload};

use super::{MediaNode, MediaUsage, library};
use crate::{
    error::{ApiResult, AppError},
    graphql::{account::mutation::maybe, context::state, node},
    service::media::{
        manage::{self, MediaChanges},
        upload::{self, NewMedia},
    },
};

/// What `uploadMedia` gave.
#[derive(SimpleObject)]
pub struct UploadMediaPayload {
    /// The file, new or already in the library.
    pub media: MediaNode,
    /// False when the same bytes were in the library already: that file is returned
    /// unchanged (its owner, name and descriptions stay), and nothing was stored again.
    pub created: bool,
}

/// A change to a media file: fields left out stay as they are.
#[derive(InputObject)]
pub struct UpdateMediaInput {
    /// The file's ID.
    pub id: ID,
    /// Text for readers who cannot see the image (at most 2,000 characters); null
    /// clears it.
    pub alt: MaybeUndefined<String>,
    /// A caption (at most 2,000 characters); null clears it.
    pub caption: MaybeUndefined<String>,
    /// A new file name (its URL changes; the old URL keeps working).
    pub filename: Option<String>,
}

/// What `updateMedia` gave.
#[derive(SimpleObject)]
pub struct UpdateMediaPayload {
    /// The file as changed.
    pub media: MediaNode,
}

/// Which media file to delete, and whether to delete it while it is used.
#[derive(InputObject)]
pub struct DeleteMediaInput {
    /// The file's ID.
    pub id: ID,
    /// Delete even while posts, pages, authors or the site use it (their links then
    /// lead nowhere); the uses are reported. Without it such a delete is CONFLICT.
    #[graphql(default)]
    pub force: bool,
}

/// What `deleteMedia` gave.
#[derive(SimpleObject)]
pub struct DeleteMediaPayload {
    /// The file as it was.
    pub media: MediaNode,
    /// What used it when it was deleted (empty unless forced).
    pub references: Vec<MediaUsage>,
}

fn media_id(id: &ID) -> ApiResult<i64> {
    Ok(node::decode_as(id, node::Kind::Media, "id")?)
}

#[derive(Default)]
pub struct MediaMutation;

#[Object]
impl MediaMutation {
    /// Uploads a file (GraphQL multipart request). Its type is sniffed from the bytes;
    /// images are checked (IMAGE_TOO_LARGE past the pixel limit, INVALID_MEDIA when they
    /// cannot be read), turned upright and stripped of EXIF/GPS metadata. A file over
    /// the size limit (20 MB by default) is refused with HTTP 413 while it streams in.
    /// Any logged-in role.
    async fn upload_media(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The file.")] file: Upload,
        #[graphql(desc = "Text for readers who cannot see the image (at most 2,000 characters).")]
        alt: Option<String>,
        #[graphql(desc = "A caption (at most 2,000 characters).")] caption: Option<String>,
    ) -> ApiResult<UploadMediaPayload> {
        let s = state(ctx)?;
        let who = s.require_principal().await?;
        let value = file
            .value(ctx)
            .map_err(|e| AppError::bad_input("file", format!("no file was sent: {e}")))?;
        let new = NewMedia {
            file: value.content,
            filename: value.filename,
            alt,
            caption,
        };
        let up = upload::upload(&s.db, library(ctx)?, who, new).await?;
        Ok(UploadMediaPayload {
            media: MediaNode(up.media),
            created: up.created,
        })
    }

    /// Changes a file's alt text, caption or name. Authors their own files; editors and
    /// admins any (FORBIDDEN otherwise).
    async fn update_media(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The file and the fields to change (alt text, caption).")]
        input: UpdateMediaInput,
    ) -> ApiResult<UpdateMediaPayload> {
        let s = state(ctx)?;
        let who = s.require_principal().await?;
        let changes = MediaChanges {
            alt: maybe(input.alt),
            caption: maybe(input.caption),
            filename: input.filename,
        };
        let m = manage::update(&s.db, who, media_id(&input.id)?, changes).await?;
        Ok(UpdateMediaPayload {
            media: MediaNode(m),
        })
    }

    /// Deletes a file and its variants. CONFLICT, naming what uses it, while a post,
    /// page, author or the site still does, unless `force`. Authors their own files;
    /// editors and admins any.
    async fn delete_media(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The file, and whether to delete it even while it is used.")]
        input: DeleteMediaInput,
    ) -> ApiResult<DeleteMediaPayload> {
        let s = state(ctx)?;
        let who = s.require_principal().await?;
        let (m, uses) =
            manage::delete(&s.db, library(ctx)?, who, media_id(&input.id)?, input.force).await?;
        Ok(DeleteMediaPayload {
            media: MediaNode(m),
            references: uses.into_iter().map(MediaUsage::from).collect(),
        })
    }
}
