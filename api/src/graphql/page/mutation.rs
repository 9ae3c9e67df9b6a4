//! Writing pages: the post mutations' counterparts, taking and returning pages (a Post
//! ID is refused by them, and a Page ID by the post mutations). Roles are those of
//! posts: anyone signed in writes their own pages, editors anyone's, admins purge.

use async_graphql::{Context, ID, InputObject, Json, MaybeUndefined, Object, SimpleObject};
use chrono::{DateTime, FixedOffset, Utc};

use super::PageNode;
use crate::{
    auth::Principal,
    error::ApiResult,
    graphql::{
        account::mutation::maybe,
        context::{RequestState, state},
        node,
        post::mutation::CreatePreviewTokenPayload,
    },
    service::{
        page::write::{self as page_write, Transition},
        post::input::PostChanges,
    },
};

/// A new page (a draft until published).
#[derive(InputObject)]
pub struct CreatePageInput {
    /// Required; at most 300 characters.
    pub title: String,
    /// At most 1 MiB.
    pub markdown: Option<String>,
    /// Generated from the title when omitted; shared with posts (no post and page have
    /// the same slug).
    pub slug: Option<String>,
    /// Optional subtitle.
    pub subtitle: Option<String>,
    /// Derived from the first paragraph when omitted.
    pub excerpt: Option<String>,
    /// URL of the cover image.
    pub cover_image: Option<String>,
    /// Where the page was first published.
    pub canonical_url: Option<String>,
    /// Description for search engines and link previews.
    pub meta_description: Option<String>,
    /// The publication date a later `publishPage` keeps.
    pub published_at: Option<DateTime<FixedOffset>>,
    /// Author slug; editors may write for someone else.
    pub author: Option<String>,
    /// The authors, in byline order, the first the primary author (as `createPost`'s and
    /// `updatePost`'s `authors`). Not together with `author`.
    pub authors: Option<Vec<ID>>,
    /// Custom fields, as on posts (`CreatePostInput.frontMatter`).
    pub front_matter: Option<Json<serde_json::Value>>,
    /// Whether the frontend should offer comments. Default true.
    pub comments_enabled: Option<bool>,
    /// The slug of the parent page; omitted: a top-level page.
    pub parent: Option<String>,
    /// Order among the siblings, smallest first. Default 0.
    pub menu_order: Option<i32>,
}

/// Changes to a page: only the fields given change.
#[derive(InputObject)]
pub struct UpdatePageInput {
    /// The page's ID.
    pub id: ID,
    /// The `version` you edited; a stale one is a CONFLICT carrying `currentVersion`.
    pub expected_version: i32,
    /// The new title.
    pub title: Option<String>,
    /// The new Markdown.
    pub markdown: Option<String>,
    /// A changed slug keeps the old one as an alias (`page(slug:)` still finds it).
    pub slug: Option<String>,
    /// `null` clears it.
    pub subtitle: MaybeUndefined<String>,
    /// `null` goes back to the derived excerpt.
    pub excerpt: MaybeUndefined<String>,
    /// `null` clears it.
    pub cover_image: MaybeUndefined<String>,
    /// `null` clears it.
    pub canonical_url: MaybeUndefined<String>,
    /// `null` clears it.
    pub meta_description: MaybeUndefined<String>,
    /// `null` clears it.
    pub published_at: MaybeUndefined<DateTime<FixedOffset>>,
    /// Author slug (editors only).
    pub author: Option<String>,
    /// The authors, in byline order, the first the primary author (as `createPost`'s and
    /// `updatePost`'s `authors`). Not together with `author`.
    pub authors: Option<Vec<ID>>,
    /// Replaces the custom fields; `null` empties them.
    pub front_matter: MaybeUndefined<Json<serde_json::Value>>,
    /// Whether the frontend should offer comments.
    pub comments_enabled: Option<bool>,
    /// The slug of the new parent page; `null` moves the page to the top. A page cannot
    /// be put under itself or one of its descendants (BAD_USER_INPUT).
    pub parent: MaybeUndefined<String>,
    /// Order among the siblings, smallest first.
    pub menu_order: Option<i32>,
}

/// Publishes a page now, or schedules it.
#[derive(InputObject)]
pub struct PublishPageInput {
    /// The page's ID.
    pub id: ID,
    /// A future instant schedules the page (SCHEDULED); omitted or past publishes now.
    pub publish_at: Option<DateTime<FixedOffset>>,
    /// When given, a stale version is a CONFLICT carrying `currentVersion`.
    pub expected_version: Option<i32>,
}

/// Inputs of the page status mutations: the page and, optionally, the version you saw.
macro_rules! page_action_input {
    ($($name:ident),*) => {$(
        /// The page to act on.
        #[derive(InputObject)]
        pub struct $name {
            /// The page's ID.
            pub id: ID,
            /// When given, a stale version is a CONFLICT carrying `currentVersion`.
            pub expected_version: Option<i32>,
        }

        impl From<$name> for (ID, Option<i32>) {
            fn from(i: $name) -> Self {
                (i.id, i.expected_version)
            }
        }
    )*};
}
page_action_input!(
    UnpublishPageInput,
    ArchivePageInput,
    DeletePageInput,
    RestorePageInput,
    PurgePageInput
);

/// The page as it is after the mutation.
#[derive(SimpleObject)]
pub struct PagePayload {
    /// The page written.
    pub page: PageNode,
}

/// What `purgePage` removed.
#[derive(SimpleObject)]
pub struct PurgePagePayload {
    /// The ID the page had.
    pub purged_page_id: ID,
}

/// A revision to put back.
#[derive(InputObject)]
pub struct RestorePageRevisionInput {
    /// A revision ID from `Page.revisions`.
    pub id: ID,
}

/// The page to open for previews.
#[derive(InputObject)]
pub struct CreatePagePreviewTokenInput {
    /// The page's ID.
    pub page_id: ID,
}

async fn caller<'a>(ctx: &Context<'a>) -> ApiResult<(&'a RequestState, &'a Principal)> {
    let s = state(ctx)?;
    Ok((s, s.require_principal().await?))
}

fn page_id(id: &ID) -> ApiResult<i64> {
    Ok(node::decode_as(id, node::Kind::Page, "id")?)
}

fn payload(s: &RequestState, page: entity::post::Model) -> PagePayload {
    PagePayload {
        page: PageNode::new(page, s.now),
    }
}

async fn act(
    ctx: &Context<'_>,
    input: impl Into<(ID, Option<i32>)>,
    t: Transition,
) -> ApiResult<PagePayload> {
    let (s, who) = caller(ctx).await?;
    let (id, expected) = input.into();
    let p = page_write::transition(&s.db, who, page_id(&id)?, expected, t).await?;
    Ok(payload(s, p))
}

#[derive(Default)]
pub struct PageMutation;

#[Object]
impl PageMutation {
    /// Creates a draft page. Pages take no tags and no series. Who may and errors: as
    /// `createPost`, plus BAD_USER_INPUT on `parent` when it is not a page.
    async fn create_page(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The page to create.")] input: CreatePageInput,
    ) -> ApiResult<PagePayload> {
        let (s, who) = caller(ctx).await?;
        let changes = PostChanges {
            title: Some(input.title),
            markdown: Some(input.markdown.unwrap_or_default()),
            slug: input.slug,
            subtitle: Some(input.subtitle),
            excerpt: Some(input.excerpt),
            cover_image: Some(input.cover_image),
            canonical_url: Some(input.canonical_url),
            meta_description: Some(input.meta_description),
            published_at: Some(input.published_at),
            author: input.author,
            authors: crate::graphql::post::mutation::author_ids(input.authors)?,
            front_matter: input.front_matter.map(|j| j.0),
            comments_enabled: input.comments_enabled,
            parent: input.parent.map(Some),
            menu_order: input.menu_order,
            ..Default::default()
        };
        Ok(payload(s, page_write::create(&s.db, who, changes).await?))
    }

    /// Changes only the fields given of a page. Who may and errors: as `updatePost`, plus
    /// BAD_USER_INPUT on `parent` for a cycle or a parent that is not a page.
    async fn update_page(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The page, the version you edited, and the changes.")]
        input: UpdatePageInput,
    ) -> ApiResult<PagePayload> {
        let (s, who) = caller(ctx).await?;
        let id = page_id(&input.id)?;
        let changes = PostChanges {
            title: input.title,
            markdown: input.markdown,
            slug: input.slug,
            subtitle: maybe(input.subtitle),
            excerpt: maybe(input.excerpt),
            cover_image: maybe(input.cover_image),
            canonical_url: maybe(input.canonical_url),
            meta_description: maybe(input.meta_description),
            published_at: maybe(input.published_at),
            author: input.author,
            authors: crate::graphql::post::mutation::author_ids(input.authors)?,
            front_matter: match input.front_matter {
                MaybeUndefined::Value(j) => Some(j.0),
                MaybeUndefined::Null => Some(serde_json::json!({})),
                MaybeUndefined::Undefined => None,
            },
            comments_enabled: input.comments_enabled,
            parent: maybe(input.parent),
            menu_order: input.menu_order,
            ..Default::default()
        };
        let p = page_write::update(&s.db, who, id, input.expected_version, changes).await?;
        Ok(payload(s, p))
    }

    /// Publishes a page now, or schedules it for `publishAt`. Who may and errors: as
    /// `publishPost`.
    async fn publish_page(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The page and when to publish it.")] input: PublishPageInput,
    ) -> ApiResult<PagePayload> {
        let (s, who) = caller(ctx).await?;
        let id = page_id(&input.id)?;
        let t = Transition::Publish(input.publish_at);
        let p = page_write::transition(&s.db, who, id, input.expected_version, t).await?;
        Ok(payload(s, p))
    }

    /// Back to DRAFT. Who may and errors: as `unpublishPost`.
    async fn unpublish_page(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The page to unpublish.")] input: UnpublishPageInput,
    ) -> ApiResult<PagePayload> {
        act(ctx, input, Transition::Unpublish).await
    }

    /// Out of the public's sight, kept as it is. Who may and errors: as `archivePost`.
    async fn archive_page(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The page to archive.")] input: ArchivePageInput,
    ) -> ApiResult<PagePayload> {
        act(ctx, input, Transition::Archive).await
    }

    /// Moves the page to the trash (restorable); its children stay where they are. Who
    /// may and errors: as `deletePost`.
    async fn delete_page(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The page to trash.")] input: DeletePageInput,
    ) -> ApiResult<PagePayload> {
        act(ctx, input, Transition::Trash).await
    }

    /// Takes the page out of the trash. Who may and errors: as `restorePost`.
    async fn restore_page(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The page to restore.")] input: RestorePageInput,
    ) -> ApiResult<PagePayload> {
        act(ctx, input, Transition::Restore).await
    }

    /// Deletes the page for good; its children move to the top. ADMINs only. Errors:
    /// UNAUTHENTICATED, FORBIDDEN, NOT_FOUND.
    async fn purge_page(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The page to delete for good.")] input: PurgePageInput,
    ) -> ApiResult<PurgePagePayload> {
        let (s, who) = caller(ctx).await?;
        let p = page_write::purge(&s.db, who, page_id(&input.id)?).await?;
        Ok(PurgePagePayload {
            purged_page_id: node::encode(node::Kind::Page, p.id),
        })
    }

    /// Puts a revision's title and Markdown back as a new version of its page. Who may
    /// and errors: as `restoreRevision`.
    async fn restore_page_revision(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The revision to restore.")] input: RestorePageRevisionInput,
    ) -> ApiResult<PagePayload> {
        let (s, who) = caller(ctx).await?;
        let id = node::decode_as(&input.id, node::Kind::Revision, "id")?;
        Ok(payload(
            s,
            page_write::restore_revision(&s.db, who, id).await?,
        ))
    }

    /// A token with which a frontend, without logging in, can read this one page in any
    /// status for an hour (`page(previewToken:)`). Who may and errors: as
    /// `createPreviewToken`.
    async fn create_page_preview_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The page to preview.")] input: CreatePagePreviewTokenInput,
    ) -> ApiResult<CreatePreviewTokenPayload> {
        let (s, who) = caller(ctx).await?;
        let id = node::decode_as(&input.page_id, node::Kind::Page, "pageId")?;
        let (token, exp) = page_write::preview_token(&s.db, &s.secret, who, id).await?;
        Ok(CreatePreviewTokenPayload {
            token,
            expires_at: DateTime::<Utc>::from_timestamp(exp, 0).unwrap_or_default(),
        })
    }
}
