//! `category(slug:)` and `categories(parent:)`.

use async_graphql::{Context, Object};

use super::CategoryNode;
use crate::{error::ApiResult, graphql::context::state};

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
        let tree = state(ctx)?.category_tree().await?;
        Ok(tree.by_slug(&slug).cloned().map(CategoryNode))
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
        let tree = state(ctx)?.category_tree().await?;
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
            .map(CategoryNode)
            .collect())
    }
}
