//! The sitemap: every public page of the site with when it last changed. The home page,
//! pages, posts, then the pages of tags, categories, series and authors that list at
//! least one public post, each kind in the order it was created, so a new post joins
//! the end and earlier parts stay as they were. `lastmod` is a post's or page's
//! `updatedAt`; a listing's is the newest `updatedAt` among its public posts (and its
//! own, when renamed or described since), a category's counting the categories below.
//!
//! Past the per-file limit ([`FeedPaths::sitemap_max_urls`], at most the protocol's
//! 50,000), `/sitemap.xml` is a sitemap index naming `/sitemaps/1.xml` and on.
//! Five statements, whatever the number of URLs (plus the category tree).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{post, post_author, post_tag, series, tag, user};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect,
    RelationTrait,
    sea_query::{Expr, Func},
};

use super::{FeedPaths, base_url, paths};
use crate::{
    error::{AppError, AppResult},
    service::{
        category,
        post::{Kinds, publicly_visible},
        site::SiteSettings,
        url::{self, SitePage, Taxonomy},
    },
    syndication::sitemap::{self as xml, Located},
};

/// `MAX(posts.updated_at)` of the public posts joined.
fn newest() -> Expr {
    Func::max(Expr::col((post::Entity, post::Column::UpdatedAt))).into()
}

/// A page's path and when it last changed.
type Listed = (String, Option<DateTime<Utc>>);

fn later(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    a.max(b)
}

/// Every public page's path with its `lastmod`, in sitemap order.
async fn pages<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> AppResult<Vec<Listed>> {
    let entries: Vec<(String, post::Kind, DateTime<Utc>)> = post::Entity::find()
        .select_only()
        .columns([
            post::Column::Slug,
            post::Column::Kind,
            post::Column::UpdatedAt,
        ])
        .filter(publicly_visible(now))
        .filter(Kinds::Both.condition())
        .order_by_asc(post::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let home = entries
        .iter()
        .filter(|(_, kind, _)| *kind == post::Kind::Post)
        .map(|(_, _, at)| *at)
        .max();
    let mut out = vec![(SitePage::Home.path(), home)];
    for wanted in [post::Kind::Page, post::Kind::Post] {
        for (slug, _, at) in entries.iter().filter(|(_, kind, _)| *kind == wanted) {
            let page = match wanted {
                post::Kind::Page => SitePage::Page(slug),
                post::Kind::Post => SitePage::Post(slug),
            };
            out.push((page.path(), Some(*at)));
        }
    }
    let listing = |t: Taxonomy, rows: Vec<(String, DateTime<Utc>, Option<DateTime<Utc>>)>| {
        rows.into_iter()
            .map(move |(slug, own, posts)| {
                (SitePage::Listing(t, &slug).path(), later(Some(own), posts))
            })
            .collect::<Vec<_>>()
    };
    let tags = tag::Entity::find()
        .select_only()
        .columns([tag::Column::Slug, tag::Column::UpdatedAt])
        .column_as(newest(), "lastmod")
        .join(JoinType::InnerJoin, tag::Relation::PostTag.def())
        .join(JoinType::InnerJoin, post_tag::Relation::Post.def())
        .filter(publicly_visible(now))
        .group_by(tag::Column::Id)
        .group_by(tag::Column::Slug)
        .group_by(tag::Column::UpdatedAt)
        .order_by_asc(tag::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    out.extend(listing(Taxonomy::Tag, tags));
    out.extend(categories(db, now).await?);
    let series = post::Entity::find()
        .select_only()
        .columns([series::Column::Slug, series::Column::UpdatedAt])
        .column_as(newest(), "lastmod")
        .join(JoinType::InnerJoin, post::Relation::Series.def())
        .filter(publicly_visible(now))
        .group_by(series::Column::Id)
        .group_by(series::Column::Slug)
        .group_by(series::Column::UpdatedAt)
        .order_by_asc(series::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    out.extend(listing(Taxonomy::Series, series));
    let authors = post_author::Entity::find()
        .select_only()
        .columns([user::Column::Slug, user::Column::UpdatedAt])
        .column_as(newest(), "lastmod")
        .join(JoinType::InnerJoin, post_author::Relation::Post.def())
        .join(JoinType::InnerJoin, post_author::Relation::User.def())
        .filter(publicly_visible(now))
        .filter(user::Column::DeletedAt.is_null())
        .group_by(user::Column::Id)
        .group_by(user::Column::Slug)
        .group_by(user::Column::UpdatedAt)
        .order_by_asc(user::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    out.extend(listing(Taxonomy::Author, authors));
    Ok(out)
}

/// The categories with a public post in or below them; each one's `lastmod` is the
/// newest among its own posts, those below it, and its own row.
async fn categories<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> AppResult<Vec<Listed>> {
    let direct: Vec<(i64, Option<DateTime<Utc>>)> = post::Entity::find()
        .select_only()
        .column(post::Column::CategoryId)
        .column_as(newest(), "lastmod")
        .filter(publicly_visible(now))
        .filter(post::Column::CategoryId.is_not_null())
        .group_by(post::Column::CategoryId)
        .into_tuple()
        .all(db)
        .await?;
    let tree = category::tree(db).await?;
    let mut newest: HashMap<i64, Option<DateTime<Utc>>> = HashMap::new();
    for (id, at) in direct {
        for c in tree.path(id) {
            let slot = newest.entry(c.id).or_insert(Some(c.updated_at));
            *slot = later(*slot, at);
        }
    }
    let mut ids: Vec<i64> = newest.keys().copied().collect();
    ids.sort_unstable();
    Ok(ids
        .into_iter()
        .filter_map(|id| {
            let c = tree.get(id)?;
            let path = SitePage::Listing(Taxonomy::Category, &c.slug).path();
            Some((path, newest.get(&id).copied().flatten()))
        })
        .collect())
}

/// Every public page as an absolute URL.
async fn located<C: ConnectionTrait>(
    db: &C,
    base: &str,
    now: DateTime<Utc>,
) -> AppResult<Vec<Located>> {
    pages(db, now)
        .await?
        .into_iter()
        .map(|(path, lastmod)| {
            let loc = url::absolute(base, &path)
                .ok_or_else(|| AppError::Internal(format!("base URL {base} cannot hold {path}")))?;
            Ok(Located { loc, lastmod })
        })
        .collect()
}

/// `/sitemap.xml`: every URL, or past the per-file limit the index of the parts.
pub async fn sitemap<C: ConnectionTrait>(
    db: &C,
    paths: &FeedPaths,
    settings: &SiteSettings,
    now: DateTime<Utc>,
) -> AppResult<Vec<u8>> {
    let base = base_url(settings)?;
    let urls = located(db, base, now).await?;
    let per_file = paths.sitemap_max_urls.min(xml::MAX_URLS);
    if urls.len() <= per_file {
        return xml::urlset(&urls).map_err(AppError::Internal);
    }
    let parts = urls
        .chunks(per_file)
        .enumerate()
        .map(|(i, chunk)| {
            let path = FeedPaths::sitemap_part(i + 1);
            Ok(Located {
                loc: url::absolute(base, &path)
                    .ok_or_else(|| AppError::Internal(format!("base URL {base}: {path}")))?,
                lastmod: chunk.iter().filter_map(|u| u.lastmod).max(),
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    xml::index(&parts).map_err(AppError::Internal)
}

/// `/sitemaps/{n}.xml`: the `n`th part (from 1) when the sitemap is an index; NOT_FOUND
/// for any other `n`.
pub async fn part<C: ConnectionTrait>(
    db: &C,
    paths: &FeedPaths,
    settings: &SiteSettings,
    now: DateTime<Utc>,
    n: usize,
) -> AppResult<Vec<u8>> {
    let base = base_url(settings)?;
    let urls = located(db, base, now).await?;
    let per_file = paths.sitemap_max_urls.min(xml::MAX_URLS);
    let chunk = (urls.len() > per_file)
        .then(|| urls.chunks(per_file).nth(n.saturating_sub(1)))
        .flatten()
        .filter(|_| n >= 1)
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "sitemap part {n} ({} lists the parts there are)",
                paths::SITEMAP
            ))
        })?;
    xml::urlset(chunk).map_err(AppError::Internal)
}
