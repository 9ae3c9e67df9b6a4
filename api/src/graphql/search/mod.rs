//! `search(query:, …)`: ranked full-text search over what the reader may see.

pub mod query;

use async_graphql::{Context, Object};

use super::{
    page::{ContentKind, PageNode},
    post::PostNode,
};
use crate::{error::ApiResult, graphql::context::state, search::SearchQuery, service};

/// One search result.
pub struct SearchHitNode {
    pub hit: service::search::SearchHit,
    pub post: PostNode,
}

/// One search result: the post or page found, how well it matched and a highlighted
/// snippet. Hits hold public content only, whoever asks.
#[Object(name = "SearchHit")]
impl SearchHitNode {
    /// The post found. For a page (`kind: PAGE`), the page's fields as a post; read
    /// them from `page` instead.
    async fn post(&self) -> &PostNode {
        &self.post
    }

    /// Whether the hit is a post or a page.
    async fn kind(&self) -> ContentKind {
        self.hit.post.kind.into()
    }

    /// The page found, when the hit is a page (null for a post).
    async fn page(&self) -> Option<PageNode> {
        (self.hit.post.kind == entity::post::Kind::Page)
            .then(|| PageNode::new(self.hit.post.clone(), self.post.now()))
    }

    /// BM25 relevance of the post to the query; higher is better. Comparable only
    /// within one search.
    async fn score(&self) -> f64 {
        self.hit.score
    }

    /// How many of the query's words the post contains (posts with more rank first).
    async fn matched_terms(&self) -> i32 {
        i32::try_from(self.hit.matched_terms).unwrap_or(i32::MAX)
    }

    /// A short piece of the body (or, when only the title matched, the title) around
    /// the first match: HTML-escaped text with `<mark>…</mark>` around matched text,
    /// safe to insert as HTML.
    async fn snippet(&self) -> &str {
        &self.hit.snippet
    }
}

/// Connection-level fields of a search.
pub struct SearchCount {
    pub query: SearchQuery,
    pub filter: service::post::PostFilter,
    pub scope: service::search::SearchScope,
}

#[Object]
impl SearchCount {
    /// How many posts (or pages, as asked) match, over all pages of hits.
    async fn total_count(&self, ctx: &Context<'_>) -> ApiResult<i64> {
        let s = state(ctx)?;
        let n = service::search::count(&s.db, &self.query, self.scope, &self.filter).await?;
        Ok(i64::try_from(n).unwrap_or(i64::MAX))
    }
}
