//! The `Page` type: standalone content (About, Now, Uses) outside post listings, with a
//! parent page, children in menu order and breadcrumbs.

pub mod loader;
pub mod mutation;
pub mod query;

use async_graphql::{Context, Enum, ID, Json, Object};
use chrono::{DateTime, FixedOffset, Utc};
use entity::post;

use super::{
    author::AuthorNode,
    context::{RequestState, state},
    node,
    post::{PostStatus, TocEntry, revision::RevisionNode, toc_of, with_offset},
};
use crate::{
    error::{ApiResult, AppError},
    service::{self, cache_tags::Entity},
};

/// Whether a row is a post or a page.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum ContentKind {
    /// A blog post: listed, tagged, in series and feeds.
    Post,
    /// A standalone page (About, Now, Uses): outside post listings.
    Page,
}

impl From<post::Kind> for ContentKind {
    fn from(k: post::Kind) -> Self {
        match k {
            post::Kind::Post => Self::Post,
            post::Kind::Page => Self::Page,
        }
    }
}

impl ContentKind {
    /// The service's [`service::post::Kinds`] for a set of kinds asked for (BAD_USER_INPUT
    /// when empty).
    pub fn kinds(asked: &[ContentKind], field: &str) -> ApiResult<service::post::Kinds> {
        use service::post::Kinds;
        let post = asked.contains(&Self::Post);
        let page = asked.contains(&Self::Page);
        Ok(match (post, page) {
            (true, true) => Kinds::Both,
            (true, false) => Kinds::Posts,
            (false, true) => Kinds::Pages,
            (false, false) => {
                return Err(AppError::bad_input(field, "name at least one kind").into());
            }
        })
    }
}

/// A page: written, rendered, revised, previewed, scheduled and trashed like a post, but
/// never listed among posts, tagged or put in a series. Pages form a tree (`parent`,
/// `children`) ordered by `menuOrder`.
pub struct PageNode {
    pub model: post::Model,
    now: DateTime<Utc>,
}

impl PageNode {
    pub fn new(model: post::Model, now: DateTime<Utc>) -> Self {
        Self { model, now }
    }

    /// The pages of `models` that the caller may see, as nodes.
    async fn visible(
        s: &RequestState,
        models: impl IntoIterator<Item = post::Model>,
    ) -> ApiResult<Vec<PageNode>> {
        let who = s.principal().await?;
        s.tags.key(Entity::Page.listing());
        Ok(models
            .into_iter()
            .filter(|p| service::page::visible(who, s.now, p))
            .map(|p| s.tags.saw(Entity::Page, p.id, PageNode::new(p, s.now)))
            .collect())
    }
}

/// A page: standalone content such as About, Now or Uses, written and published like a
/// post (revisions, previews, scheduling, trash, former slugs) but outside post listings,
/// series and search unless asked; placed in a tree by `parent` and `menuOrder`.
#[Object(name = "Page")]
impl PageNode {
    /// Globally unique, opaque and stable.
    pub async fn id(&self) -> ID {
        node::encode(node::Kind::Page, self.model.id)
    }

    /// URL-safe, unique name (shared with posts: no post and page have the same slug).
    async fn slug(&self) -> &str {
        &self.model.slug
    }

    /// The title as written. Plain text, not HTML: escape it before putting it in a page.
    async fn title(&self) -> &str {
        &self.model.title
    }

    /// Optional subtitle. Plain text, not HTML: escape it before putting it in a page.
    async fn subtitle(&self) -> Option<&str> {
        self.model.subtitle.as_deref()
    }

    /// The Markdown source.
    async fn markdown(&self) -> &str {
        &self.model.markdown
    }

    /// Sanitised HTML rendered from `markdown`; headings carry `id` anchors.
    /// Images from the media library carry their width and height, `loading="lazy"`,
    /// `decoding="async"` and a `srcset`.
    async fn html(&self, ctx: &Context<'_>) -> ApiResult<String> {
        crate::graphql::media::with_image_attributes(ctx, &self.model.html).await
    }

    /// The headings of the page, in order.
    #[graphql(complexity = "crate::graphql::pagination::list_cost(child_complexity)")]
    async fn toc(&self) -> ApiResult<Vec<TocEntry>> {
        toc_of(&self.model)
    }

    /// The writer's excerpt, or the first paragraph as plain text (at most 200 characters).
    /// Plain text, not HTML (a `<` in it is a character): escape it before putting it in a
    /// page, or use `excerptHtml`.
    async fn excerpt(&self) -> &str {
        &self.model.excerpt
    }

    /// `excerpt` with `&`, `<`, `>` and quotes escaped: safe to put inside HTML as it is.
    async fn excerpt_html(&self) -> String {
        crate::render::escape_html(&self.model.excerpt)
    }

    /// Estimated minutes to read.
    async fn reading_time_minutes(&self) -> i32 {
        self.model.reading_time_minutes
    }

    /// Words (CJK: characters) in the page.
    async fn word_count(&self) -> i32 {
        self.model.word_count
    }

    /// A scheduled page whose time has passed is reported as PUBLISHED.
    async fn status(&self) -> PostStatus {
        service::post::effective_status(&self.model, self.now).into()
    }

    /// When the page was (or will be) published, in the UTC offset it was written with.
    async fn published_at(&self) -> Option<DateTime<FixedOffset>> {
        self.model
            .published_at
            .map(|at| with_offset(at, self.model.published_at_offset))
    }

    /// When it was created (UTC).
    async fn created_at(&self) -> DateTime<Utc> {
        self.model.created_at
    }

    /// When it last changed (UTC).
    async fn updated_at(&self) -> DateTime<Utc> {
        self.model.updated_at
    }

    /// When the page was moved to the trash; always null in the public API.
    async fn deleted_at(&self) -> Option<DateTime<Utc>> {
        self.model.deleted_at
    }

    /// Everyone who wrote the page, in byline order; the first is `author`.
    #[graphql(complexity = "crate::graphql::pagination::list_cost(child_complexity)")]
    async fn authors(&self, ctx: &Context<'_>) -> ApiResult<Vec<AuthorNode>> {
        let s = state(ctx)?;
        Ok(s.post_authors
            .load_one(self.model.id)
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(|a| s.tags.saw(Entity::Author, a.id, AuthorNode(a)))
            .collect())
    }

    /// Who wrote the page: its primary author (the first of `authors`).
    async fn author(&self, ctx: &Context<'_>) -> ApiResult<AuthorNode> {
        let s = state(ctx)?;
        s.authors
            .load_one(self.model.author_id)
            .await?
            .map(|a| s.tags.saw(Entity::Author, a.id, AuthorNode(a)))
            .ok_or_else(|| {
                AppError::Internal(format!("author of page {} missing", self.model.id)).into()
            })
    }

    /// URL of the cover image.
    async fn cover_image(&self) -> Option<&str> {
        self.model.cover_image.as_deref()
    }

    /// Where the page was first published, for `<link rel="canonical">`.
    async fn canonical_url(&self) -> Option<&str> {
        self.model.canonical_url.as_deref()
    }

    /// Description for search engines and link previews. Plain text, not HTML: escape it before putting it in a page.
    async fn meta_description(&self) -> Option<&str> {
        self.model.meta_description.as_deref()
    }

    /// Custom fields: the front matter the page was imported with or that a writer set.
    async fn front_matter(&self) -> Json<serde_json::Value> {
        Json(self.model.front_matter.clone())
    }

    /// Whether the frontend should offer comments on this page.
    async fn comments_enabled(&self) -> bool {
        self.model.comments_enabled
    }

    /// Bumped by every write; pass it back to detect concurrent edits.
    async fn version(&self) -> i32 {
        self.model.version
    }

    /// The page's order among its siblings, smallest first (ties: by title, then ID).
    async fn menu_order(&self) -> i32 {
        self.model.menu_order
    }

    /// The parent page, if any and if the reader may see it.
    async fn parent(&self, ctx: &Context<'_>) -> ApiResult<Option<PageNode>> {
        let Some(id) = self.model.parent_id else {
            return Ok(None);
        };
        let s = state(ctx)?;
        let parent = s.posts.load_one(id).await?;
        Ok(Self::visible(s, parent).await?.pop())
    }

    /// The pages under this one that the reader may see, in menu order (then title).
    #[graphql(complexity = "crate::graphql::pagination::list_cost(child_complexity)")]
    async fn children(&self, ctx: &Context<'_>) -> ApiResult<Vec<PageNode>> {
        let s = state(ctx)?;
        let children = s.page_children.load_one(self.model.id).await?;
        Self::visible(s, children.unwrap_or_default()).await
    }

    /// The pages above this one, the root first and the parent last (this page not
    /// included); stops above an ancestor the reader may not see.
    #[graphql(complexity = "crate::graphql::pagination::list_cost(child_complexity)")]
    async fn breadcrumbs(&self, ctx: &Context<'_>) -> ApiResult<Vec<PageNode>> {
        let s = state(ctx)?;
        let who = s.principal().await?;
        let mut up = s
            .page_ancestors
            .load_one(self.model.id)
            .await?
            .unwrap_or_default();
        // Only the unbroken visible chain next to this page: a hidden ancestor hides
        // everything above it too.
        let hidden = up
            .iter()
            .rposition(|p| !service::page::visible(who, s.now, p));
        if let Some(i) = hidden {
            up.drain(..=i);
        }
        s.tags.key(Entity::Page.listing());
        Ok(up
            .into_iter()
            .map(|p| s.tags.saw(Entity::Page, p.id, PageNode::new(p, s.now)))
            .collect())
    }

    /// Every stored state of the content, newest first. Editors and the page's author.
    #[graphql(complexity = "crate::graphql::pagination::list_cost(child_complexity)")]
    async fn revisions(&self, ctx: &Context<'_>) -> ApiResult<Vec<RevisionNode>> {
        let s = state(ctx)?;
        let who = s.require_principal().await?;
        Ok(service::post::revision::revisions(&s.db, who, &self.model)
            .await?
            .into_iter()
            .map(RevisionNode)
            .collect())
    }
}
