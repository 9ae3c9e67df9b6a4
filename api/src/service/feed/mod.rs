//! Feeds and sitemaps: what the public may follow and crawl, as bytes ready to serve.
//! [`paths`] says where each is; [`read`] builds a feed of the newest public posts of the
//! blog or of one tag, category, series or author; [`sitemap`] lists every public page.
//!
//! Both go through the post listing ([`crate::service::post::list`]) and the visibility
//! rule, so pages never enter a feed, drafts never enter either, and a scheduled post
//! enters both at its time. Every URL is absolute under the site's base URL (a feed is
//! read away from the site), so without one there is nothing to serve: CONFLICT.

pub mod paths;
pub mod read;
pub mod sitemap;

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

pub use paths::{FeedPaths, FeedScope, Resource};

use crate::{
    error::{AppError, AppResult},
    service::site::SiteSettings,
    syndication::{self, Format},
};

impl Resource {
    /// The `Content-Type` of the document.
    pub fn media_type(&self) -> &'static str {
        match self {
            Self::Feed(_, Format::Rss) => "application/rss+xml; charset=utf-8",
            Self::Feed(_, Format::Atom) => "application/atom+xml; charset=utf-8",
            Self::Feed(_, Format::Json) => "application/feed+json; charset=utf-8",
            Self::Sitemap | Self::SitemapPart(_) => "application/xml; charset=utf-8",
            Self::Robots => "text/plain; charset=utf-8",
        }
    }
}

/// The site's base URL, which every link in a feed or sitemap is made under.
pub(crate) fn base_url(settings: &SiteSettings) -> AppResult<&str> {
    settings.base_url.as_deref().ok_or_else(|| {
        AppError::Conflict(
            "the site has no base URL: set `baseUrl` with updateSite (or `quire site set`) \
             before serving feeds and sitemaps, whose links must be absolute"
                .to_owned(),
        )
    })
}

/// The document `resource` names, as the public sees it at `now` (its media type is
/// [`Resource::media_type`]), and its cache keys (see [`crate::service::cache_tags`]):
/// a feed names its scope, posts, tags and authors; the sitemap every list; robots.txt
/// the site.
pub async fn document<C: ConnectionTrait>(
    db: &C,
    paths: &FeedPaths,
    resource: &Resource,
    now: DateTime<Utc>,
) -> AppResult<(Vec<u8>, Vec<String>)> {
    use crate::service::cache_tags::{Entity, SITE};
    let settings = crate::service::site::read(db).await?;
    let every_list = || {
        let lists = [Entity::Post, Entity::Page, Entity::Tag, Entity::Category]
            .into_iter()
            .chain([Entity::Series, Entity::Author])
            .map(|e| e.listing().to_owned());
        std::iter::once(SITE.to_owned()).chain(lists).collect()
    };
    match resource {
        Resource::Feed(scope, format) => {
            let (feed, keys) = read::feed(db, paths, &settings, scope, *format, now).await?;
            Ok((format.write(&feed).map_err(AppError::Internal)?, keys))
        }
        Resource::Sitemap => Ok((
            sitemap::sitemap(db, paths, &settings, now).await?,
            every_list(),
        )),
        Resource::SitemapPart(n) => Ok((
            sitemap::part(db, paths, &settings, now, *n).await?,
            every_list(),
        )),
        Resource::Robots => {
            let url = settings.base_url.as_ref().map(|_| sitemap_url(&settings));
            Ok((
                syndication::sitemap::robots(url.as_deref()),
                vec![SITE.to_owned()],
            ))
        }
    }
}

/// A feed as a page announces it (`<link rel="alternate" type href title>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedLink {
    pub format: Format,
    /// Absolute when the site has a base URL, else the path.
    pub href: String,
    pub title: String,
}

/// The three feeds of `scope`; NOT_FOUND when it names no tag, category, series or
/// author.
pub async fn links<C: ConnectionTrait>(
    db: &C,
    paths: &FeedPaths,
    settings: &SiteSettings,
    scope: &FeedScope,
) -> AppResult<Vec<FeedLink>> {
    let name = match scope {
        FeedScope::Site => settings.title.clone(),
        FeedScope::Of(t, slug) => {
            let about = read::about(db, *t, slug).await?;
            read::scoped_title(&about.name, &settings.title)
        }
    };
    Ok(Format::ALL
        .into_iter()
        .map(|format| {
            let path = paths.feed(scope, format);
            FeedLink {
                format,
                href: settings
                    .base_url
                    .as_deref()
                    .and_then(|base| crate::service::url::absolute(base, &path))
                    .unwrap_or(path),
                title: format!("{name} ({})", format.label()),
            }
        })
        .collect())
}

/// The sitemap's URL: absolute when the site has a base URL, else its path.
pub fn sitemap_url(settings: &SiteSettings) -> String {
    settings
        .base_url
        .as_deref()
        .and_then(|base| crate::service::url::absolute(base, paths::SITEMAP))
        .unwrap_or_else(|| paths::SITEMAP.to_owned())
}
