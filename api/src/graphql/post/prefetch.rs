//! Loads the relations a query asks of a list of posts in one batch per relation,
//! before the posts are handed to their resolvers.
//!
//! DataLoader batching alone depends on timing: keys registered after its short delay
//! go into a second batch, so a slow poll over 50 posts could cost more statements than
//! over 5. Looking ahead at the selection and filling the per-request caches first makes
//! the statement count of a page independent of its size.

use std::collections::BTreeSet;

use async_graphql::Lookahead;
use entity::post;

use super::neighbour;
use crate::{error::ApiResult, graphql::RequestState};

fn wants(selections: &[Lookahead<'_>], path: &[&str]) -> bool {
    let Some((head, rest)) = path.split_first() else {
        return false;
    };
    selections.iter().any(|sel| {
        let mut l = sel.field(head);
        for name in rest {
            l = l.field(name);
        }
        l.exists()
    })
}

/// Fills the caches for `author`, `tags` (and their `postCount`), `series` and the
/// series navigation fields (positions, previous and next posts) of `posts`, as far as
/// `selections` ask for them.
pub async fn prefetch(
    s: &RequestState,
    posts: &[post::Model],
    selections: &[Lookahead<'_>],
) -> ApiResult<()> {
    if posts.is_empty() {
        return Ok(());
    }
    if wants(selections, &["author"]) {
        let ids: BTreeSet<i64> = posts.iter().map(|p| p.author_id).collect();
        s.authors.load_many(ids).await?;
    }
    if wants(selections, &["tags"]) {
        let tags = s.post_tags.load_many(posts.iter().map(|p| p.id)).await?;
        if wants(selections, &["tags", "postCount"]) {
            let ids: BTreeSet<i64> = tags.values().flatten().map(|t| t.id).collect();
            s.tag_counts.load_many(ids).await?;
        }
    }
    let series_ids: BTreeSet<i64> = posts.iter().filter_map(|p| p.series_id).collect();
    if series_ids.is_empty() {
        return Ok(());
    }
    if wants(selections, &["series"]) {
        s.series.load_many(series_ids.iter().copied()).await?;
    }
    let previous = wants(selections, &["previousInSeries"]);
    let next = wants(selections, &["nextInSeries"]);
    if previous || next || wants(selections, &["seriesPosition"]) {
        let entries = s.series_entries.load_many(series_ids).await?;
        // The neighbours themselves, in one batch.
        let mut neighbours = BTreeSet::new();
        for p in posts {
            let Some(ids) = p.series_id.and_then(|sid| entries.get(&sid)) else {
                continue;
            };
            for (wanted, delta) in [(previous, -1), (next, 1)] {
                if let Some(id) = wanted.then(|| neighbour(ids, p.id, delta)).flatten() {
                    neighbours.insert(id);
                }
            }
        }
        if !neighbours.is_empty() {
            s.posts.load_many(neighbours).await?;
        }
    }
    Ok(())
}
