//! Reading every post and page out for `quire export`: drafts and the trash included,
//! with tag names, series titles, category paths, the authors' slugs in order and parent
//! pages' slugs, in batches so ten thousand posts cost a handful of queries.

use std::collections::HashMap;

use entity::post;
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};

use super::{category, post::authors as post_authors, series, tag};
use crate::error::AppResult;

/// Posts looked up per `IN (…)` query, well under both databases' parameter limits.
const BATCH: usize = 500;

/// One post with what its front matter needs from other tables.
#[derive(Debug, Clone)]
pub struct ExportedPost {
    pub post: post::Model,
    pub tags: Vec<String>,
    pub series: Option<String>,
    /// The category's path of names, top first (empty: none).
    pub category_path: Vec<String>,
    /// The authors in byline order, primary first.
    pub authors: Vec<ExportedAuthor>,
    /// A page's parent page's slug.
    pub parent_slug: Option<String>,
}

/// An author as export names them: by slug, with the display name a preserved front
/// matter may name them by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedAuthor {
    pub slug: String,
    pub name: String,
}

/// Every post, those in the trash included, oldest first.
pub async fn all_posts<C: ConnectionTrait>(db: &C) -> AppResult<Vec<ExportedPost>> {
    let posts = post::Entity::find()
        .order_by_asc(post::Column::PublishedAt)
        .order_by_asc(post::Column::Id)
        .all(db)
        .await?;

    let mut series_ids: Vec<i64> = posts.iter().filter_map(|p| p.series_id).collect();
    series_ids.sort_unstable();
    series_ids.dedup();
    let series_titles: HashMap<i64, String> = series::find_by_ids(db, &series_ids)
        .await?
        .into_iter()
        .map(|s| (s.id, s.title))
        .collect();

    let categories = category::tree(db).await?;

    let slugs: HashMap<i64, String> = posts
        .iter()
        .filter(|p| p.kind == post::Kind::Page)
        .map(|p| (p.id, p.slug.clone()))
        .collect();
    let mut out = Vec::with_capacity(posts.len());
    for chunk in posts.chunks(BATCH) {
        let ids: Vec<i64> = chunk.iter().map(|p| p.id).collect();
        let mut tags = tag::by_posts(db, &ids).await?;
        let mut authors = post_authors::by_posts(db, &ids).await?;
        for p in chunk {
            out.push(ExportedPost {
                tags: tags
                    .remove(&p.id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|t| t.name)
                    .collect(),
                series: p.series_id.and_then(|id| series_titles.get(&id).cloned()),
                category_path: p
                    .category_id
                    .map(|id| categories.path(id).iter().map(|c| c.name.clone()).collect())
                    .unwrap_or_default(),
                authors: authors
                    .remove(&p.id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|u| ExportedAuthor {
                        slug: u.slug,
                        name: u.display_name,
                    })
                    .collect(),
                parent_slug: p.parent_id.and_then(|id| slugs.get(&id).cloned()),
                post: p.clone(),
            });
        }
    }
    Ok(out)
}
