//! The `Post` type and its inputs.

pub mod bodies;
pub mod cursor;
mod listing_args;
pub mod loader;
pub mod mutation;
mod mutation_io;
pub mod prefetch;
pub mod query;
pub mod revision;

pub use listing_args::{OrderDirection, PostFilter, PostOrder, PostOrderField};

use async_graphql::{Context, Enum, ID, Json, Object, SimpleObject};
use chrono::{DateTime, FixedOffset, Utc};
use entity::post;

use super::{
    author::AuthorNode, category::CategoryNode, context::state, node, series::SeriesNode,
    tag::TagNode,
};
use crate::{
    error::{ApiResult, AppError},
    render, service,
    service::{
        cache_tags::{Entity, change::kind},
        post::SeriesPlace,
    },
};

/// Where a post is in its life.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum PostStatus {
    /// Being written; never public.
    Draft,
    /// Will be public at `publishedAt`.
    Scheduled,
    /// Public.
    Published,
    /// Withdrawn from the public but kept.
    Archived,
}

impl From<post::Status> for PostStatus {
    fn from(s: post::Status) -> Self {
        match s {
            post::Status::Draft => Self::Draft,
            post::Status::Scheduled => Self::Scheduled,
            post::Status::Published => Self::Published,
            post::Status::Archived => Self::Archived,
        }
    }
}

/// One heading of a post, for a table of contents.
#[derive(SimpleObject, Clone, Debug)]
pub struct TocEntry {
    /// 1 for `#`, 2 for `##`, …
    pub level: i32,
    /// The heading as plain text, not HTML: escape it before putting it in a page.
    pub text: String,
    /// The `id` of the heading in `html`; link to `#anchor`.
    pub anchor: String,
}

/// A blog post. Its html, toc, excerpt and reading time were rendered when it was written.
pub struct PostNode {
    pub model: post::Model,
    now: DateTime<Utc>,
}

impl PostNode {
    pub fn new(model: post::Model, now: DateTime<Utc>) -> Self {
        Self { model, now }
    }

    /// The request's instant this node reads the post at.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// Where this post stands among the visible posts of its series, if it is one.
    async fn series_place(&self, ctx: &Context<'_>) -> ApiResult<Option<SeriesPlace>> {
        let Some(series) = self.model.series_id else {
            return Ok(None);
        };
        let s = state(ctx)?;
        s.tags.key(Entity::Series.posts_key(series));
        Ok(s.series_places.load_one(self.model.id).await?)
    }

    async fn sibling(&self, ctx: &Context<'_>, delta: Sibling) -> ApiResult<Option<PostNode>> {
        let Some(id) = self.series_place(ctx).await?.and_then(|p| delta.of(&p)) else {
            return Ok(None);
        };
        let s = state(ctx)?;
        let loader = if bodies::asked(&ctx.look_ahead()) {
            &s.posts
        } else {
            &s.posts_without_bodies
        };
        Ok(loader
            .load_one(id)
            .await?
            .map(|p| s.tags.saw(kind(p.kind), p.id, PostNode::new(p, self.now))))
    }
}

/// Which neighbour in a series.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Sibling {
    Previous,
    Next,
}

impl Sibling {
    pub(crate) fn of(self, place: &SeriesPlace) -> Option<i64> {
        match self {
            Self::Previous => place.previous,
            Self::Next => place.next,
        }
    }
}

/// The stored table of contents of a post or page.
pub(crate) fn toc_of(model: &post::Model) -> ApiResult<Vec<TocEntry>> {
    let entries: Vec<render::TocEntry> = serde_json::from_value(model.toc.clone())
        .map_err(|e| AppError::Internal(format!("stored toc of post {}: {e}", model.id)))?;
    Ok(entries
        .into_iter()
        .map(|t| TocEntry {
            level: i32::from(t.level),
            text: t.text,
            anchor: t.anchor,
        })
        .collect())
}

pub(crate) fn with_offset(at: DateTime<Utc>, offset_seconds: Option<i32>) -> DateTime<FixedOffset> {
    match offset_seconds.and_then(FixedOffset::east_opt) {
        Some(offset) => at.with_timezone(&offset),
        None => at.fixed_offset(),
    }
}

/// A blog post (pages are `Page`). Its html, toc, excerpt and reading time were rendered
/// when it was written, so reading one costs no rendering. The public sees a post while it
/// is PUBLISHED (or SCHEDULED and its time has come) and not in the trash; its authors,
/// EDITORs and ADMINs see it in any status, and a preview token opens one draft to anyone.
#[Object(name = "Post")]
impl PostNode {
    /// Globally unique, opaque and stable (for `node(id:)`, `post(id:)` and mutations).
    pub async fn id(&self) -> ID {
        node::encode(node::Kind::Post, self.model.id)
    }

    /// URL-safe, unique name of the post (Hangul kept).
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

    /// The headings of the post, in order.
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

    /// Estimated minutes to read (Korean ~200 words/min, English ~230, CJK 500 chars/min).
    async fn reading_time_minutes(&self) -> i32 {
        self.model.reading_time_minutes
    }

    /// Words (CJK: characters) in the post.
    async fn word_count(&self) -> i32 {
        self.model.word_count
    }

    /// A scheduled post whose time has passed is reported as PUBLISHED.
    async fn status(&self) -> PostStatus {
        service::post::effective_status(&self.model, self.now).into()
    }

    /// When the post was (or will be) published, in the UTC offset it was written with.
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

    /// When the post was moved to the trash; always null in the public API.
    async fn deleted_at(&self) -> Option<DateTime<Utc>> {
        self.model.deleted_at
    }

    /// Everyone who wrote the post, in byline order; the first is `author`, the primary
    /// author.
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

    /// Who wrote the post: its primary author (the first of `authors`).
    async fn author(&self, ctx: &Context<'_>) -> ApiResult<AuthorNode> {
        let s = state(ctx)?;
        s.authors
            .load_one(self.model.author_id)
            .await?
            .map(|a| s.tags.saw(Entity::Author, a.id, AuthorNode(a)))
            .ok_or_else(|| {
                AppError::Internal(format!("author of post {} missing", self.model.id)).into()
            })
    }

    /// Tags in the order the writer gave them.
    #[graphql(complexity = "crate::graphql::pagination::list_cost(child_complexity)")]
    async fn tags(&self, ctx: &Context<'_>) -> ApiResult<Vec<TagNode>> {
        let s = state(ctx)?;
        Ok(s.post_tags
            .load_one(self.model.id)
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(|t| s.tags.saw(Entity::Tag, t.id, TagNode(t)))
            .collect())
    }

    /// The category the post is filed under, if any (its `path` gives the categories
    /// above it).
    async fn category(&self, ctx: &Context<'_>) -> ApiResult<Option<CategoryNode>> {
        let Some(id) = self.model.category_id else {
            return Ok(None);
        };
        let s = state(ctx)?;
        let tree = s.category_tree().await?;
        Ok(tree
            .get(id)
            .cloned()
            .map(|c| s.tags.saw(Entity::Category, c.id, CategoryNode(c))))
    }

    /// The series the post belongs to, if any.
    async fn series(&self, ctx: &Context<'_>) -> ApiResult<Option<SeriesNode>> {
        let Some(id) = self.model.series_id else {
            return Ok(None);
        };
        let s = state(ctx)?;
        Ok(s.series
            .load_one(id)
            .await?
            .map(|m| s.tags.saw(Entity::Series, m.id, SeriesNode(m))))
    }

    /// 1-based place of the post among the series' visible posts.
    async fn series_position(&self, ctx: &Context<'_>) -> ApiResult<Option<i32>> {
        Ok(self
            .series_place(ctx)
            .await?
            .and_then(|p| i32::try_from(p.position).ok()))
    }

    /// The visible post before this one in its series.
    async fn previous_in_series(&self, ctx: &Context<'_>) -> ApiResult<Option<PostNode>> {
        self.sibling(ctx, Sibling::Previous).await
    }

    /// The visible post after this one in its series.
    async fn next_in_series(&self, ctx: &Context<'_>) -> ApiResult<Option<PostNode>> {
        self.sibling(ctx, Sibling::Next).await
    }

    /// URL of the cover image.
    async fn cover_image(&self) -> Option<&str> {
        self.model.cover_image.as_deref()
    }

    /// Where the post was first published, for `<link rel="canonical">`.
    async fn canonical_url(&self) -> Option<&str> {
        self.model.canonical_url.as_deref()
    }

    /// Description for search engines and link previews. Plain text, not HTML: escape it before putting it in a page.
    async fn meta_description(&self) -> Option<&str> {
        self.model.meta_description.as_deref()
    }

    /// Custom fields: the front matter the post was imported with (every key kept, in
    /// order) or that a writer set.
    async fn front_matter(&self) -> Json<serde_json::Value> {
        Json(self.model.front_matter.clone())
    }

    /// Shown before other posts in listings ordered with `pinnedFirst` (Chirpy's `pin`).
    async fn pinned(&self) -> bool {
        self.model.pinned
    }

    /// Marked by the writer as worth showing off; the frontend decides how.
    async fn featured(&self) -> bool {
        self.model.featured
    }

    /// Whether the frontend should offer comments on this post (Chirpy's `comments`).
    async fn comments_enabled(&self) -> bool {
        self.model.comments_enabled
    }

    /// Bumped by every write; pass it back to detect concurrent edits.
    async fn version(&self) -> i32 {
        self.model.version
    }

    /// Every stored state of the content, newest first (one per change of title or
    /// Markdown). Only for EDITORs, ADMINs and the post's authors: UNAUTHENTICATED
    /// without a token, FORBIDDEN for others.
    #[graphql(complexity = "crate::graphql::pagination::list_cost(child_complexity)")]
    async fn revisions(&self, ctx: &Context<'_>) -> ApiResult<Vec<revision::RevisionNode>> {
        let s = state(ctx)?;
        let who = s.require_principal().await?;
        Ok(service::post::revision::revisions(&s.db, who, &self.model)
            .await?
            .into_iter()
            .map(revision::RevisionNode)
            .collect())
    }
}

/// Extra fields of a post connection.
pub struct PostCount {
    pub filter: service::post::PostFilter,
    pub scope: service::post::Scope,
}

/// The list-wide fields of a post connection.
#[Object]
impl PostCount {
    /// How many posts the whole listing holds (not just this page).
    async fn total_count(&self, ctx: &Context<'_>) -> ApiResult<i64> {
        let s = state(ctx)?;
        let n = service::post::count(&s.db, self.scope, &self.filter).await?;
        Ok(i64::try_from(n).unwrap_or(i64::MAX))
    }
}
