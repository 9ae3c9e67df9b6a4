//! Writing posts. Every mutation takes one `input` and returns a payload naming what
//! changed; each runs in one transaction.

use async_graphql::{Context, ID, InputObject, Json, MaybeUndefined, Object, SimpleObject};
use chrono::{DateTime, FixedOffset, Utc};

use super::PostNode;
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

#[derive(InputObject)]
pub struct CreatePostInput {
    /// Required; at most 300 characters.
    pub title: String,
    /// At most 1 MiB.
    pub markdown: Option<String>,
    /// Generated from the title when omitted.
    pub slug: Option<String>,
    pub subtitle: Option<String>,
    /// Derived from the first paragraph when omitted.
    pub excerpt: Option<String>,
    /// Tag names, in order (at most 50); missing tags are created (editors only).
    pub tags: Option<Vec<String>>,
    /// Series title or slug; created when missing (editors only).
    pub series: Option<String>,
    /// The category's slug; it must exist (see `createCategory`).
    pub category: Option<String>,
    pub cover_image: Option<String>,
    pub canonical_url: Option<String>,
    pub meta_description: Option<String>,
    pub published_at: Option<DateTime<FixedOffset>>,
    /// Author slug; editors may write for someone else. Not together with `authors`.
    pub author: Option<String>,
    /// The authors, in byline order, the first the primary author (default: you). No
    /// repeats, at most 20, each an existing account; an AUTHOR must be one of them.
    pub authors: Option<Vec<ID>>,
    /// Custom fields: a JSON object of at most 64 KiB, kept in key order and exported
    /// back into front matter. `pin`, `featured` and `comments` booleans in it set the
    /// flags below unless those are given too; `math: true` renders TeX.
    pub front_matter: Option<Json<serde_json::Value>>,
    /// Shown before other posts in listings ordered with `pinnedFirst`. Default false.
    pub pinned: Option<bool>,
    /// Marked as worth showing off. Default false.
    pub featured: Option<bool>,
    /// Whether the frontend should offer comments. Default true.
    pub comments_enabled: Option<bool>,
}

#[derive(InputObject)]
pub struct UpdatePostInput {
    pub id: ID,
    /// The `version` you edited; a stale one is a CONFLICT carrying `currentVersion`.
    pub expected_version: i32,
    pub title: Option<String>,
    pub markdown: Option<String>,
    /// A changed slug keeps the old one as an alias.
    pub slug: Option<String>,
    pub subtitle: MaybeUndefined<String>,
    pub excerpt: MaybeUndefined<String>,
    pub tags: Option<Vec<String>>,
    pub series: MaybeUndefined<String>,
    /// The category's slug (it must exist); `null` leaves the post uncategorised.
    pub category: MaybeUndefined<String>,
    pub cover_image: MaybeUndefined<String>,
    pub canonical_url: MaybeUndefined<String>,
    pub meta_description: MaybeUndefined<String>,
    pub published_at: MaybeUndefined<DateTime<FixedOffset>>,
    /// Author slug (editors only): becomes the primary author, co-authors stay. Not
    /// together with `authors`.
    pub author: Option<String>,
    /// Replaces the authors, in byline order, the first the primary author. No repeats,
    /// at most 20, each an existing account; an AUTHOR must stay one of them.
    pub authors: Option<Vec<ID>>,
    /// Replaces the custom fields (see `CreatePostInput.frontMatter`); `null` empties them.
    pub front_matter: MaybeUndefined<Json<serde_json::Value>>,
    pub pinned: Option<bool>,
    pub featured: Option<bool>,
    pub comments_enabled: Option<bool>,
}

#[derive(InputObject)]
pub struct PublishPostInput {
    pub id: ID,
    /// A future instant schedules the post (SCHEDULED); omitted or past publishes now.
    pub publish_at: Option<DateTime<FixedOffset>>,
    pub expected_version: Option<i32>,
}

/// Inputs of the status mutations: the post and, optionally, the version you saw.
macro_rules! action_input {
    ($($name:ident),*) => {$(
        #[derive(InputObject)]
        pub struct $name {
            pub id: ID,
            /// When given, a stale version is a CONFLICT carrying `currentVersion`.
            pub expected_version: Option<i32>,
        }
    )*};
}
action_input!(
    UnpublishPostInput,
    ArchivePostInput,
    DeletePostInput,
    RestorePostInput,
    PurgePostInput
);

/// Payloads naming what changed: the post as it is after the mutation.
macro_rules! post_payload {
    ($($name:ident),*) => {$(
        #[derive(SimpleObject)]
        pub struct $name {
            pub post: PostNode,
        }
    )*};
}
post_payload!(
    CreatePostPayload,
    UpdatePostPayload,
    PublishPostPayload,
    UnpublishPostPayload,
    ArchivePostPayload,
    DeletePostPayload,
    RestorePostPayload,
    RestoreRevisionPayload
);

#[derive(InputObject)]
pub struct RestoreRevisionInput {
    pub id: ID,
}

#[derive(InputObject)]
pub struct CreatePreviewTokenInput {
    pub post_id: ID,
}

#[derive(SimpleObject)]
pub struct PurgePostPayload {
    /// The ID the post had.
    pub purged_post_id: ID,
}

#[derive(SimpleObject)]
pub struct CreatePreviewTokenPayload {
    /// Pass to `post(previewToken:)`; opens this post only.
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

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
    /// Creates a draft.
    async fn create_post(
        &self,
        ctx: &Context<'_>,
        input: CreatePostInput,
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

    /// Changes only the fields given.
    async fn update_post(
        &self,
        ctx: &Context<'_>,
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

    async fn publish_post(
        &self,
        ctx: &Context<'_>,
        input: PublishPostInput,
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

    /// Back to DRAFT.
    async fn unpublish_post(
        &self,
        ctx: &Context<'_>,
        input: UnpublishPostInput,
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

    async fn archive_post(
        &self,
        ctx: &Context<'_>,
        input: ArchivePostInput,
    ) -> ApiResult<ArchivePostPayload> {
        let (s, who) = caller(ctx).await?;
        Ok(ArchivePostPayload {
            post: node_of(
                s,
                lifecycle::archive(&s.db, who, post_id(&input.id)?, input.expected_version).await?,
            ),
        })
    }

    /// Moves the post to the trash (restorable).
    async fn delete_post(
        &self,
        ctx: &Context<'_>,
        input: DeletePostInput,
    ) -> ApiResult<DeletePostPayload> {
        let (s, who) = caller(ctx).await?;
        Ok(DeletePostPayload {
            post: node_of(
                s,
                lifecycle::trash(&s.db, who, post_id(&input.id)?, input.expected_version).await?,
            ),
        })
    }

    /// Takes the post out of the trash.
    async fn restore_post(
        &self,
        ctx: &Context<'_>,
        input: RestorePostInput,
    ) -> ApiResult<RestorePostPayload> {
        let (s, who) = caller(ctx).await?;
        Ok(RestorePostPayload {
            post: node_of(
                s,
                lifecycle::restore(&s.db, who, post_id(&input.id)?, input.expected_version).await?,
            ),
        })
    }

    /// Deletes the post for good. Admins only.
    async fn purge_post(
        &self,
        ctx: &Context<'_>,
        input: PurgePostInput,
    ) -> ApiResult<PurgePostPayload> {
        let (s, who) = caller(ctx).await?;
        let p = lifecycle::purge(&s.db, who, post_id(&input.id)?).await?;
        Ok(PurgePostPayload {
            purged_post_id: node::encode(node::Kind::Post, p.id),
        })
    }

    /// Puts a revision's title and Markdown back as a new version.
    async fn restore_revision(
        &self,
        ctx: &Context<'_>,
        input: RestoreRevisionInput,
    ) -> ApiResult<RestoreRevisionPayload> {
        let (s, who) = caller(ctx).await?;
        let id = node::decode_as(&input.id, node::Kind::Revision, "id")?;
        Ok(RestoreRevisionPayload {
            post: node_of(s, revision::restore_revision(&s.db, who, id).await?),
        })
    }

    /// A token with which a frontend, without logging in, can read this one post in
    /// any status for an hour (`post(previewToken:)`).
    async fn create_preview_token(
        &self,
        ctx: &Context<'_>,
        input: CreatePreviewTokenInput,
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
