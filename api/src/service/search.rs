//! Search: keeping the index in step with posts, and ranked queries over it. All of
//! search's SQL is here (FTS5 `MATCH` on SQLite, tsvector `@@` on PostgreSQL); the text
//! processing both databases share is in [`crate::search`].
//!
//! Ranking, the same on both databases: posts matching more query terms first, then
//! those matching more terms within the title, then BM25 relevance (exactly FTS5's
//! `bm25()`: k1 = 1.2, b = 0.75, per token; PostgreSQL computes the same formula from
//! stored token counts), then the newer post, then the higher id.
//!
//! Writes call [`index_post`] after every change to a post's title, subtitle, body or
//! existence, in the write's own transaction, and [`remove_post`] when a post is purged.
//! Status and trash are not indexed: the scope of a search is applied when it runs.

mod index;
mod rank;

use chrono::{DateTime, Utc};
use entity::{post, user};
use sea_orm::{Condition, ConnectionTrait};

pub(crate) use index::Expected;
pub use index::{SearchDocument, index_document, index_missing, index_post, remove_post};

use super::post::{PostFilter, narrowing, publicly_visible};
use crate::{
    auth::{Principal, policy},
    error::AppResult,
    search::{SearchQuery, snippet::snippet},
};

/// Which posts a search may return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchScope {
    /// What the public read API shows at `now`: published and due, not in the trash.
    Public { now: DateTime<Utc> },
    /// Every post not in the trash, drafts included: for editors and admins
    /// (`search(includeDrafts: true)`).
    Editor,
}

impl SearchScope {
    /// [`SearchScope::Editor`], if `who` may search drafts (editors and admins).
    pub fn with_drafts(who: &Principal) -> AppResult<Self> {
        policy::require_role(who, user::Role::Editor, "search drafts")?;
        Ok(Self::Editor)
    }
}

impl SearchScope {
    fn condition(self, filter: &PostFilter) -> Condition {
        let scope = match self {
            Self::Public { now } => publicly_visible(now),
            Self::Editor => {
                Condition::all().add(sea_orm::ColumnTrait::is_null(&post::Column::DeletedAt))
            }
        };
        scope.add(narrowing(filter))
    }
}

/// One ranked result.
#[derive(Debug, Clone)]
pub struct SearchHit {
    pub post: post::Model,
    /// BM25 relevance (higher is better).
    pub score: f64,
    /// How many of the query's terms the post contains.
    pub matched_terms: u32,
    /// Html-escaped text with `<mark>` around matches, from the body or else the title.
    pub snippet: String,
}

/// One page of hits and whether more follow.
#[derive(Debug, Clone)]
pub struct SearchPage {
    pub hits: Vec<SearchHit>,
    pub has_more: bool,
}

/// Characters in a snippet, about.
pub const SNIPPET_CHARS: usize = 160;

/// Hits `offset..offset + limit` of `query` in `scope`, best first.
pub async fn search<C: ConnectionTrait>(
    db: &C,
    query: &SearchQuery,
    scope: SearchScope,
    filter: &PostFilter,
    offset: u64,
    limit: u64,
) -> AppResult<SearchPage> {
    if query.terms.is_empty() || limit == 0 {
        let has_more = limit == 0
            && !query.terms.is_empty()
            && count(db, query, scope, filter).await? > offset;
        return Ok(SearchPage {
            hits: Vec::new(),
            has_more,
        });
    }
    let mut rows = rank::ranked(db, query, scope.condition(filter), offset, limit + 1).await?;
    let has_more = rows.len() as u64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let wanted = query.token_set();
    let hits = rows
        .into_iter()
        .map(|r| {
            let snippet = snippet(&r.body_text, &wanted, SNIPPET_CHARS)
                .or_else(|| {
                    snippet(
                        &crate::search::normalize(&r.post.title),
                        &wanted,
                        SNIPPET_CHARS,
                    )
                })
                .unwrap_or_default();
            SearchHit {
                post: r.post,
                score: r.score,
                matched_terms: r.matched_terms,
                snippet,
            }
        })
        .collect();
    Ok(SearchPage { hits, has_more })
}

/// How many posts in `scope` match `query`.
pub async fn count<C: ConnectionTrait>(
    db: &C,
    query: &SearchQuery,
    scope: SearchScope,
    filter: &PostFilter,
) -> AppResult<u64> {
    if query.terms.is_empty() {
        return Ok(0);
    }
    rank::count(db, query, scope.condition(filter)).await
}
