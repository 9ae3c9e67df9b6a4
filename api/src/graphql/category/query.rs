//! `category(slug:)` and `categories(parent:)`.

use async_graphql::{Context, Object};

use super::CategoryNode;
use crate::{error::ApiResult, graphql::context::state, service::cache_tags::Entity};

#[derive(Default)]
pub struct CategoryQuery;

#[Object]
impl CategoryQuery {
    /// A category by slug, with or without published posts; null when there is none.
    /// Anyone may read it.
    async fn category(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The category's slug.")] slug: String,
    ) -> ApiResult<Option<CategoryNode>> {
        let s = state(ctx)?;
        let tree = s.category_tree().await?;
        let found = tree.by_slug(&slug).cloned();
        if found.is_none() {
            s.tags.key(Entity::Category.listing());
        }
        Ok(found.map(|c| super::seen(s, c)))
    }

    /// One level of the tree, in order (`position`, then name), empty categories
    /// included: the top-level categories, or the children of `parent`. Not paged; in
    /// query complexity the list counts as 5 categories. Anyone may read it.
    #[graphql(complexity = "crate::graphql::pagination::list_cost(child_complexity)")]
    async fn categories(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The slug of the category whose children to list; omitted: the top-level categories. An unknown slug lists none."
        )]
        parent: Option<String>,
    ) -> ApiResult<Vec<CategoryNode>> {
        let s = state(ctx)?;
        s.tags.key(Entity::Category.listing());
        let tree = s.category_tree().await?;
        let parent_id = match parent {
            None => None,
            Some(slug) => match tree.by_slug(&slug) {
                Some(c) => Some(c.id),
                None => return Ok(Vec::new()),
            },
        };
        Ok(tree
            .children(parent_id)
            .into_iter()
            .cloned()
            .map(|c| super::seen(s, c))
            .collect())
    }
}
