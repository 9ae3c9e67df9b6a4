//! Writing posts. Every mutation takes one `input` and returns a payload naming what
//! changed; each runs in one transaction.

use async_graphql::{Context, ID, MaybeUndefined, Object};
use chrono::DateTime;

use super::PostNode;
pub use super::mutation_io::*;
use crate::{
    auth::Principal,
    error::ApiResult,
    graphql::{
        account::mutation::maybe,
        context::{RequestState, state},
        node,
    },
    service::post::{input::PostChanges, lifecycle, read, revision, write as post_write},
};

fn node_of(s: &RequestState, post: entity::post::Model) -> PostNode {
    PostNode::new(post, s.now)
}

async fn caller<'a>(ctx: &Context<'a>) -> ApiResult<(&'a RequestState, &'a Principal)> {
    let s = state(ctx)?;
    Ok((s, s.require_principal().await?))
}

fn post_id(id: &ID) -> ApiResult<i64> {
    Ok(node::decode_as(id, node::Kind::Post, "id")?)
}

/// The user ids of `Author` IDs, in order.
pub(crate) fn author_ids(ids: Option<Vec<ID>>) -> ApiResult<Option<Vec<i64>>> {
    Ok(match ids {
        Some(ids) => Some(
            ids.iter()
                .map(|id| node::decode_as(id, node::Kind::Author, "authors"))
                .collect::<Result<_, _>>()?,
        ),
        None => None,
    })
}

#[derive(Default)]
pub struct PostMutation;

#[Object]
impl PostMutation {
    /// Creates a post as a DRAFT, written by the caller unless `authors`/`author` say
    /// otherwise; renders its html, toc, excerpt and reading time and stores the first
    /// revision. Any logged-in role (AUTHOR and up). Errors: UNAUTHENTICATED without a
    /// token; BAD_USER_INPUT (with `extensions.field`) for an empty or over-long title,
    /// Markdown over 1 MiB, more than 50 tags, an unknown category or author, a bad slug;
    /// CONFLICT when an explicit slug is taken; FORBIDDEN when an AUTHOR would create a
    /// tag or series or leave the byline.
    async fn create_post(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The post to create.")] input: CreatePostInput,
    ) -> ApiResult<CreatePostPayload> {
        let (s, who) = caller(ctx).await?;
        let changes = PostChanges {
            title: Some(input.title),
            markdown: Some(input.markdown.unwrap_or_default()),
            slug: input.slug,
            subtitle: Some(input.subtitle),
            excerpt: Some(input.excerpt),
            tags: input.tags,
            series: input.series.map(Some),
            category: input.category.map(Some),
            cover_image: Some(input.cover_image),
            canonical_url: Some(input.canonical_url),
            meta_description: Some(input.meta_description),
            published_at: Some(input.published_at),
            author: input.author,
            authors: author_ids(input.authors)?,
            front_matter: input.front_matter.map(|j| j.0),
            pinned: input.pinned,
            featured: input.featured,
            comments_enabled: input.comments_enabled,
            ..Default::default()
        };
        Ok(CreatePostPayload {
            post: node_of(s, post_write::create(&s.db, who, changes).await?),
        })
    }

    /// Changes only the fields given, in one transaction, and stores a revision when
    /// the title or Markdown changed. EDITOR/ADMIN: any post; AUTHOR: posts they are one
    /// of the authors of. Errors: UNAUTHENTICATED; FORBIDDEN; NOT_FOUND for an unknown
    /// post; CONFLICT when `expectedVersion` is stale (`extensions.currentVersion`) or a
    /// new slug is taken; BAD_USER_INPUT as for `createPost`.
    async fn update_post(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The post, the version you edited, and the changes.")]
        input: UpdatePostInput,
    ) -> ApiResult<UpdatePostPayload> {
        let (s, who) = caller(ctx).await?;
        let id = post_id(&input.id)?;
        let changes = PostChanges {
            title: input.title,
            markdown: input.markdown,
            slug: input.slug,
            subtitle: maybe(input.subtitle),
            excerpt: maybe(input.excerpt),
            tags: input.tags,
            series: maybe(input.series),
            category: maybe(input.category),
            cover_image: maybe(input.cover_image),
            canonical_url: maybe(input.canonical_url),
            meta_description: maybe(input.meta_description),
            published_at: maybe(input.published_at),
            author: input.author,
            authors: author_ids(input.authors)?,
            front_matter: match input.front_matter {
                MaybeUndefined::Value(j) => Some(j.0),
                MaybeUndefined::Null => Some(serde_json::json!({})),
                MaybeUndefined::Undefined => None,
            },
            pinned: input.pinned,
            featured: input.featured,
            comments_enabled: input.comments_enabled,
            ..Default::default()
        };
        Ok(UpdatePostPayload {
            post: node_of(
                s,
                post_write::update(&s.db, who, id, input.expected_version, changes).await?,
            ),
        })
    }

    /// Publishes the post now (PUBLISHED) or, with a future `publishAt`, schedules it
    /// (SCHEDULED: public from that instant, no job needed); a post published before
    /// keeps its date. Who may: as `updatePost`. Errors: UNAUTHENTICATED, FORBIDDEN,
    /// NOT_FOUND, CONFLICT (stale version, or the post is in the trash).
    async fn publish_post(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The post and when to publish it.")] input: PublishPostInput,
    ) -> ApiResult<PublishPostPayload> {
        let (s, who) = caller(ctx).await?;
        let id = post_id(&input.id)?;
        Ok(PublishPostPayload {
            post: node_of(
                s,
                lifecycle::publish(&s.db, who, id, input.expected_version, input.publish_at)
                    .await?,
            ),
        })
    }

    /// Back to DRAFT (its publication date kept for a later re-publish): the post leaves
    /// every public listing. Who may: as `updatePost`. Errors: UNAUTHENTICATED,
    /// FORBIDDEN, NOT_FOUND, CONFLICT (stale version, or the post is in the trash).
    async fn unpublish_post(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The post to unpublish.")] input: UnpublishPostInput,
    ) -> ApiResult<UnpublishPostPayload> {
        let (s, who) = caller(ctx).await?;
        Ok(UnpublishPostPayload {
            post: node_of(
                s,
                lifecycle::unpublish(&s.db, who, post_id(&input.id)?, input.expected_version)
                    .await?,
            ),
        })
    }

    /// Marks the post ARCHIVED: out of the public's sight, kept as it is (`publishPost`
    /// brings it back). Who may: as `updatePost`. Errors: UNAUTHENTICATED, FORBIDDEN,
    /// NOT_FOUND, CONFLICT (stale version, or the post is in the trash).
    async fn archive_post(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The post to archive.")] input: ArchivePostInput,
    ) -> ApiResult<ArchivePostPayload> {
        let (s, who) = caller(ctx).await?;
        Ok(ArchivePostPayload {
            post: node_of(
                s,
                lifecycle::archive(&s.db, who, post_id(&input.id)?, input.expected_version).await?,
            ),
        })
    }

    /// Moves the post to the trash (restorable with `restorePost`). Who may: as
    /// `updatePost`. Errors: UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, CONFLICT (stale
    /// version, or already in the trash).
    async fn delete_post(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The post to trash.")] input: DeletePostInput,
    ) -> ApiResult<DeletePostPayload> {
        let (s, who) = caller(ctx).await?;
        Ok(DeletePostPayload {
            post: node_of(
                s,
                lifecycle::trash(&s.db, who, post_id(&input.id)?, input.expected_version).await?,
            ),
        })
    }

    /// Takes the post out of the trash, in the status it had. Who may: as `updatePost`.
    /// Errors: UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, CONFLICT (stale version, or not in
    /// the trash).
    async fn restore_post(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The post to restore.")] input: RestorePostInput,
    ) -> ApiResult<RestorePostPayload> {
        let (s, who) = caller(ctx).await?;
        Ok(RestorePostPayload {
            post: node_of(
                s,
                lifecycle::restore(&s.db, who, post_id(&input.id)?, input.expected_version).await?,
            ),
        })
    }

    /// Deletes the post for good, with its tag links, revisions, former slugs and search
    /// entry. ADMINs only. Errors: UNAUTHENTICATED, FORBIDDEN, NOT_FOUND.
    async fn purge_post(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The post to delete for good.")] input: PurgePostInput,
    ) -> ApiResult<PurgePostPayload> {
        let (s, who) = caller(ctx).await?;
        let p = lifecycle::purge(&s.db, who, post_id(&input.id)?).await?;
        Ok(PurgePostPayload {
            purged_post_id: node::encode(node::Kind::Post, p.id),
        })
    }

    /// Puts a revision's title and Markdown back as a new version (rendered again, a new
    /// revision stored). Who may: as `updatePost`. Errors: UNAUTHENTICATED, FORBIDDEN,
    /// NOT_FOUND (unknown revision).
    async fn restore_revision(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The revision to restore.")] input: RestoreRevisionInput,
    ) -> ApiResult<RestoreRevisionPayload> {
        let (s, who) = caller(ctx).await?;
        let id = node::decode_as(&input.id, node::Kind::Revision, "id")?;
        Ok(RestoreRevisionPayload {
            post: node_of(s, revision::restore_revision(&s.db, who, id).await?),
        })
    }

    /// A token with which a frontend, without logging in, can read this one post in
    /// any status for an hour (`post(previewToken:)`). Who may: those who may edit the
    /// post. Errors: UNAUTHENTICATED, FORBIDDEN, NOT_FOUND.
    async fn create_preview_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The post to preview.")] input: CreatePreviewTokenInput,
    ) -> ApiResult<CreatePreviewTokenPayload> {
        let (s, who) = caller(ctx).await?;
        let id = node::decode_as(&input.post_id, node::Kind::Post, "postId")?;
        let (token, exp) = read::preview_token(&s.db, &s.secret, who, id).await?;
        Ok(CreatePreviewTokenPayload {
            token,
            expires_at: DateTime::from_timestamp(exp, 0).unwrap_or_default(),
        })
    }
}
