//! `tag(slug:)` and `tags(...)`.

use async_graphql::{Context, Enum, Object};

use super::TagNode;
use entity::tag;

use crate::{
    error::ApiResult,
    graphql::context::state,
    service::{self, cache_tags::Entity},
};

/// How to order `tags`.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum TagOrder {
    /// Alphabetically by name.
    #[default]
    Name,
    /// Most published posts first, then by name.
    PostCount,
}

#[derive(Default)]
pub struct TagQuery;

#[Object]
impl TagQuery {
    /// A tag by slug, with or without published posts; null when there is none. Anyone
    /// may read it.
    async fn tag(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The tag's slug, Hangul as it is (`회고`), not percent-encoded.")]
        slug: String,
    ) -> ApiResult<Option<TagNode>> {
        let s = state(ctx)?;
        let seen = |t: Option<tag::Model>| match t {
            Some(t) => Some(s.tags.saw(Entity::Tag, t.id, TagNode(t))),
            None => {
                s.tags.key(Entity::Tag.listing());
                None
            }
        };
        if !ctx.look_ahead().field("postCount").exists() {
            return Ok(seen(service::tag::find_by_slug(&s.db, &slug).await?));
        }
        // With its count, in the same statement (rather than a second one after
        // DataLoader's batching delay).
        let Some((tag, count)) = service::tag::by_slug_with_count(&s.db, &slug, s.now).await?
        else {
            return Ok(seen(None));
        };
        s.tag_counts.feed_one(tag.id, count).await;
        Ok(seen(Some(tag)))
    }

    /// All tags with at least one published post (or all, with `includeEmpty`), not
    /// paged (a blog has tens of tags). Anyone may read it. In query complexity the list
    /// counts as 5 tags.
    #[graphql(complexity = "crate::graphql::pagination::list_cost(child_complexity)")]
    async fn tags(
        &self,
        ctx: &Context<'_>,
        #[graphql(default, desc = "The order (default: by name).")] order_by: TagOrder,
        #[graphql(default, desc = "Also tags without published posts (default false).")]
        include_empty: bool,
    ) -> ApiResult<Vec<TagNode>> {
        let s = state(ctx)?;
        // Which tags have published posts: any post listing change can change it.
        s.tags.key(Entity::Tag.listing());
        s.tags.key(Entity::Post.listing());
        let counts = service::tag::public_post_counts(&s.db, s.now, None).await?;
        let mut tags: Vec<_> = service::tag::all(&s.db)
            .await?
            .into_iter()
            .map(|t| (counts.get(&t.id).copied().unwrap_or(0), t))
            .filter(|(n, _)| include_empty || *n > 0)
            .collect();
        if order_by == TagOrder::PostCount {
            // Stable: ties keep the name order `all` returned.
            tags.sort_by_key(|(n, _)| std::cmp::Reverse(*n));
        }
        for (n, t) in &tags {
            s.tag_counts.feed_one(t.id, *n).await;
        }
        Ok(tags
            .into_iter()
            .map(|(_, t)| s.tags.saw(Entity::Tag, t.id, TagNode(t)))
            .collect())
    }
}
