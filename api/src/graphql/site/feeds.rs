//! What a page needs to announce the feeds (`<link rel="alternate">`) and the sitemap,
//! and the feed setting as GraphQL types.

use async_graphql::{Context, Enum, SimpleObject};

use crate::{
    error::{ApiResult, AppError},
    graphql::context::state,
    service::{
        cache_tags::Entity,
        feed::{self, FeedPaths, FeedScope},
        site::{self as svc, SiteSettings},
        url::Taxonomy,
    },
    syndication::Format,
};

/// What the feeds carry of each post.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum FeedContent {
    /// The whole post as sanitised HTML (links made absolute), with the excerpt as its
    /// summary. The default.
    Full,
    /// The excerpt alone; readers follow the link for the rest.
    Excerpt,
}

impl FeedContent {
    pub fn to_service(self) -> svc::FeedContent {
        match self {
            Self::Full => svc::FeedContent::Full,
            Self::Excerpt => svc::FeedContent::Excerpt,
        }
    }

    pub fn from_service(v: svc::FeedContent) -> Self {
        match v {
            svc::FeedContent::Full => Self::Full,
            svc::FeedContent::Excerpt => Self::Excerpt,
        }
    }
}

/// A feed's format.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum FeedFormat {
    /// RSS 2.0, `application/rss+xml`.
    Rss,
    /// Atom 1.0, `application/atom+xml`.
    Atom,
    /// JSON Feed 1.1, `application/feed+json`.
    JsonFeed,
}

impl FeedFormat {
    fn from_service(f: Format) -> Self {
        match f {
            Format::Rss => Self::Rss,
            Format::Atom => Self::Atom,
            Format::Json => Self::JsonFeed,
        }
    }
}

/// A feed, as `<link rel="alternate" type="…" href="…" title="…">` announces it.
#[derive(SimpleObject)]
pub struct FeedLink {
    /// The format.
    pub format: FeedFormat,
    /// The feed's URL: absolute (percent-encoded) when the site has a base URL, else
    /// its path. quire serves it at that path (after the configured prefix).
    pub href: String,
    /// The media type, for the link's `type` attribute.
    #[graphql(name = "type")]
    pub media_type: String,
    /// A title for the link: the site's (or the tag's, category's…) name and the format.
    pub title: String,
}

/// The feeds of the blog or of the one tag, category, series or author named.
pub async fn feeds(
    ctx: &Context<'_>,
    settings: &SiteSettings,
    named: [(Taxonomy, Option<String>); 4],
) -> ApiResult<Vec<FeedLink>> {
    let s = state(ctx)?;
    let paths = ctx
        .data::<FeedPaths>()
        .map_err(|_| AppError::Internal("feed paths missing from the schema".into()))?;
    let mut given = named
        .into_iter()
        .filter_map(|(t, slug)| slug.map(|slug| FeedScope::Of(t, slug)));
    let scope = given.next().unwrap_or(FeedScope::Site);
    if let FeedScope::Of(t, _) = &scope {
        // Its name is in the titles; a rename or deletion changes them.
        s.tags.key(Entity::of_taxonomy(*t).listing());
    }
    if given.next().is_some() {
        return Err(AppError::bad_input(
            "feeds",
            "name at most one of tag, category, series and author",
        )
        .into());
    }
    Ok(feed::links(&s.db, paths, settings, &scope)
        .await?
        .into_iter()
        .map(|l| FeedLink {
            format: FeedFormat::from_service(l.format),
            href: l.href,
            media_type: l.format.media_type().to_owned(),
            title: l.title,
        })
        .collect())
}
