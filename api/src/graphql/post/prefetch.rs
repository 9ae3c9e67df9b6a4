//! Loads the relations a query asks of a list of posts in one batch per relation,
//! before the posts are handed to their resolvers.
//!
//! DataLoader batching alone depends on timing: keys registered after its short delay
//! go into a second batch, so a slow poll over 50 posts could cost more statements than
//! over 5. Looking ahead at the selection and filling the per-request caches first makes
//! the statement count of a page independent of its size. Since every key is known
//! here, the caches are filled straight from the loaders, without DataLoader's batching
//! delay (a timer wait of a millisecond or more per relation), and the independent
//! relations concurrently: a post page or a home page waits for its slowest relation,
//! not for the sum of the relations and their delays.

use std::{collections::BTreeSet, sync::Arc};

use async_graphql::Lookahead;
use entity::{post, series, user};
use sea_orm::DbErr;

use super::{Sibling, bodies::asked};
use crate::{
    error::ApiResult,
    graphql::{RequestState, context::fill},
};

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

/// Feeds the per-request caches with the authors and series read together with posts
/// (see [`crate::service::post::WithParents`] and [`crate::service::post::Listing`]), so
/// that [`prefetch`] and the resolvers find them without a statement of their own.
pub async fn feed_parents(
    s: &RequestState,
    authors: impl IntoIterator<Item = user::Model>,
    series: impl IntoIterator<Item = series::Model>,
) {
    s.authors
        .feed_many(authors.into_iter().map(|a| (a.id, a)))
        .await;
    s.series
        .feed_many(series.into_iter().map(|m| (m.id, m)))
        .await;
}

/// Fills the caches for `author`, `authors` and `tags` (and their `postCount`), `series`
/// and the series navigation fields (positions, previous and next posts) of `posts`, as far as
/// `selections` ask for them: the independent relations concurrently, then those that
/// need the first ones' answers (tag counts, series neighbours).
pub async fn prefetch(
    s: &RequestState,
    posts: &[post::Model],
    selections: &[Lookahead<'_>],
) -> ApiResult<()> {
    if posts.is_empty() {
        return Ok(());
    }
    let series_ids: BTreeSet<i64> = posts.iter().filter_map(|p| p.series_id).collect();
    let previous = !series_ids.is_empty() && wants(selections, &["previousInSeries"]);
    let next = !series_ids.is_empty() && wants(selections, &["nextInSeries"]);
    let navigation =
        previous || next || (!series_ids.is_empty() && wants(selections, &["seriesPosition"]));
    let authors = async {
        if wants(selections, &["author"]) {
            fill(&s.authors, posts.iter().map(|p| p.author_id)).await?;
        }
        if wants(selections, &["authors"]) {
            let authors = fill(&s.post_authors, posts.iter().map(|p| p.id)).await?;
            if wants(selections, &["authors", "postCount"]) {
                fill(&s.author_counts, authors.values().flatten().map(|a| a.id)).await?;
            }
        }
        Ok::<_, Arc<DbErr>>(())
    };
    let tags = async {
        if !wants(selections, &["tags"]) {
            return Ok(());
        }
        let tags = fill(&s.post_tags, posts.iter().map(|p| p.id)).await?;
        if wants(selections, &["tags", "postCount"]) {
            fill(&s.tag_counts, tags.values().flatten().map(|t| t.id)).await?;
        }
        Ok::<_, Arc<DbErr>>(())
    };
    let series = async {
        if !series_ids.is_empty() && wants(selections, &["series"]) {
            fill(&s.series, series_ids.iter().copied()).await?;
        }
        Ok::<_, Arc<DbErr>>(())
    };
    let neighbours = async {
        if !navigation {
            return Ok(());
        }
        let in_series = posts.iter().filter(|p| p.series_id.is_some()).map(|p| p.id);
        let places = fill(&s.series_places, in_series).await?;
        // The neighbours themselves, in one batch per loader: with their bodies only
        // when the page asks a neighbour for them (as `PostNode::sibling` decides).
        let (mut full, mut light) = (BTreeSet::new(), BTreeSet::new());
        for place in places.values() {
            for (wanted, sibling, field) in [
                (previous, Sibling::Previous, "previousInSeries"),
                (next, Sibling::Next, "nextInSeries"),
            ] {
                if let Some(id) = wanted.then(|| sibling.of(place)).flatten() {
                    let bodies = selections.iter().any(|sel| asked(&sel.field(field)));
                    if bodies { &mut full } else { &mut light }.insert(id);
                }
            }
        }
        if !full.is_empty() {
            fill(&s.posts, full).await?;
        }
        if !light.is_empty() {
            fill(&s.posts_without_bodies, light).await?;
        }
        Ok::<_, Arc<DbErr>>(())
    };
    tokio::try_join!(authors, tags, series, neighbours)?;
    Ok(())
}
