//! The arguments of a post listing: its filter and its order, as GraphQL inputs, and
//! their translation into the service's terms.

use async_graphql::{Enum, InputObject};
use chrono::{DateTime, FixedOffset, Utc};

use crate::service;

/// Narrows a post listing; every given part must hold.
#[derive(InputObject, Default, Debug)]
pub struct PostFilter {
    /// Posts with any of these tags (slugs).
    pub tags: Option<Vec<String>>,
    /// Posts of this series (slug).
    pub series: Option<String>,
    /// Posts in this category (slug) or in any category below it.
    pub category: Option<String>,
    /// Posts by this author (slug), in any place of the byline (co-written ones too).
    pub author: Option<String>,
    /// Published strictly after this instant.
    pub published_after: Option<DateTime<FixedOffset>>,
    /// Published strictly before this instant.
    pub published_before: Option<DateTime<FixedOffset>>,
    /// Only pinned posts (`true`) or only the others (`false`).
    pub pinned: Option<bool>,
    /// Only featured posts (`true`) or only the others (`false`).
    pub featured: Option<bool>,
}

impl From<PostFilter> for service::post::PostFilter {
    fn from(f: PostFilter) -> Self {
        Self {
            tags: f.tags.unwrap_or_default(),
            series: f.series,
            category: f.category,
            author: f.author,
            author_id: None,
            published_after: f.published_after.map(|t| t.with_timezone(&Utc)),
            published_before: f.published_before.map(|t| t.with_timezone(&Utc)),
            pinned: f.pinned,
            featured: f.featured,
            kinds: service::post::Kinds::Posts,
        }
    }
}

/// What to order posts by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum PostOrderField {
    /// The publication date (the one shown, in any offset compared as an instant).
    PublishedAt,
    /// The time of the last write.
    UpdatedAt,
    /// The title, as the database compares text (by code point on SQLite and under
    /// PostgreSQL's `C` collation, which puts Hangul syllables in 가나다 order).
    Title,
}

/// Which way an ordering runs.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum OrderDirection {
    /// Smallest first: the oldest date, A before Z.
    Asc,
    /// Largest first: newest date, Z before A.
    Desc,
}

/// Ordering of a post listing; ties are broken by ID in the same direction.
#[derive(InputObject, Debug)]
pub struct PostOrder {
    /// What to order by.
    pub field: PostOrderField,
    /// Defaults to DESC for dates and ASC for titles.
    pub direction: Option<OrderDirection>,
    /// Pinned posts first (a blog's home page), each group in this order. Defaults to
    /// false. Cursors of such a listing belong to it alone.
    #[graphql(default)]
    pub pinned_first: bool,
}

impl PostOrder {
    pub fn to_service(order: Option<&PostOrder>) -> service::post::PostOrder {
        use service::post::PostSort;
        let Some(o) = order else {
            return service::post::PostOrder::default();
        };
        let sort = match o.field {
            PostOrderField::PublishedAt => PostSort::PublishedAt,
            PostOrderField::UpdatedAt => PostSort::UpdatedAt,
            PostOrderField::Title => PostSort::Title,
        };
        let descending = match o.direction {
            Some(d) => d == OrderDirection::Desc,
            None => sort != PostSort::Title,
        };
        service::post::PostOrder {
            sort,
            descending,
            pinned_first: o.pinned_first,
        }
    }
}
