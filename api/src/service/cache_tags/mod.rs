//! Cache tags: the names of what a cached answer contains and of what a write changed,
//! so a change drops exactly the answers that showed it, in this server's response
//! cache, in every other server's (through [`journal`]) and in a CDN (the
//! `Surrogate-Key`/`Cache-Tag`/`xkey` header, and `cacheKeys` in webhook payloads).
//!
//! A key is an *entity* (`post:42`, `page:7`, `tag:3`, `category:5`, `series:2`,
//! `author:9`), a *listing* (`posts`: every list, count, search or feed of posts that a
//! post could enter or leave; `posts:tag:3`, `posts:category:5`, `posts:series:2`,
//! `posts:author:9`: the posts of one of them; `pages`, `tags`, `categories`, `series`,
//! `authors`: the lists of those), `site` (the settings) or [`ALL`], the fallback every
//! change names (an answer whose keys would not fit is tagged `all` alone).
//!
//! Which keys an answer holds is recorded where it is read (the GraphQL floor's
//! resolvers, the feed readers); which keys a write touches is [`change`]'s to say.

pub mod change;
pub mod journal;

use std::collections::BTreeSet;

use crate::service::url::Taxonomy;

/// Named by every change: an answer tagged with it alone dies at any write.
pub const ALL: &str = "all";
/// The site's settings (title, menus, base URL…).
pub const SITE: &str = "site";
/// More keys than this in one change count as "everything" (a bulk change).
pub const MAX_CHANGE_KEYS: usize = 2_000;

/// Something that has a page of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Post,
    Page,
    Tag,
    Category,
    Series,
    Author,
}

impl Entity {
    fn name(self) -> &'static str {
        match self {
            Self::Post => "post",
            Self::Page => "page",
            Self::Tag => "tag",
            Self::Category => "category",
            Self::Series => "series",
            Self::Author => "author",
        }
    }

    /// The entity whose listing page a taxonomy names.
    pub fn of_taxonomy(t: Taxonomy) -> Self {
        match t {
            Taxonomy::Tag => Self::Tag,
            Taxonomy::Category => Self::Category,
            Taxonomy::Series => Self::Series,
            Taxonomy::Author => Self::Author,
        }
    }

    /// The key of one of them: `post:42`.
    pub fn key(self, id: i64) -> String {
        format!("{}:{id}", self.name())
    }

    /// The key of the posts filed under one of them: `posts:tag:3` (a tag, category,
    /// series or author).
    pub fn posts_key(self, id: i64) -> String {
        format!("posts:{}:{id}", self.name())
    }

    /// The key of every list of them that one could enter or leave.
    pub fn listing(self) -> &'static str {
        match self {
            Self::Post => "posts",
            Self::Page => "pages",
            Self::Tag => "tags",
            Self::Category => "categories",
            Self::Series => "series",
            Self::Author => "authors",
        }
    }
}

/// What a change touched: these keys, or everything (a change that named nothing, or
/// too much to name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changed {
    Everything,
    Keys(BTreeSet<String>),
}

impl Changed {
    /// Nothing yet, save [`ALL`].
    pub fn none() -> Self {
        Self::Keys(BTreeSet::from([ALL.to_owned()]))
    }

    pub fn add(&mut self, key: impl Into<String>) {
        if let Self::Keys(keys) = self {
            keys.insert(key.into());
            if keys.len() > MAX_CHANGE_KEYS {
                *self = Self::Everything;
            }
        }
    }

    pub fn merge(&mut self, other: Changed) {
        match other {
            Self::Everything => *self = Self::Everything,
            Self::Keys(keys) => keys.into_iter().for_each(|k| self.add(k)),
        }
    }

    /// Whether an answer tagged with `tags` is touched (it is by everything).
    pub fn touches<'a>(&self, mut tags: impl Iterator<Item = &'a str>) -> bool {
        match self {
            Self::Everything => true,
            Self::Keys(keys) => tags.any(|t| keys.contains(t)),
        }
    }

    /// The keys as a webhook payload and a CDN purge name them: `["*"]` for everything
    /// (purge the whole site).
    pub fn names(&self) -> Vec<String> {
        match self {
            Self::Everything => vec!["*".to_owned()],
            Self::Keys(keys) => keys.iter().cloned().collect(),
        }
    }
}

/// The cache keys a webhook event names, from its body (`data.cacheKeys`): what a CDN
/// purge hook purges, and what a `contentChanged` subscription can carry.
pub fn event_keys(body: &serde_json::Value) -> Vec<String> {
    body["data"]["cacheKeys"]
        .as_array()
        .map(|keys| {
            keys.iter()
                .filter_map(|k| k.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_named_by_kind_and_id() {
        assert_eq!(Entity::Post.key(42), "post:42");
        assert_eq!(Entity::Tag.posts_key(3), "posts:tag:3");
        assert_eq!(Entity::Category.listing(), "categories");
    }

    #[test]
    fn too_many_keys_are_everything() {
        let mut c = Changed::none();
        for i in 0..MAX_CHANGE_KEYS {
            c.add(Entity::Post.key(i64::try_from(i).unwrap_or_default()));
        }
        assert_eq!(c, Changed::Everything);
        assert!(c.touches(std::iter::empty()));
        assert_eq!(c.names(), ["*"]);
        let mut few = Changed::none();
        few.add("post:1");
        assert!(few.touches(["x", "post:1"].into_iter()));
        assert!(!few.touches(["post:2"].into_iter()));
        assert!(few.touches(["all"].into_iter()));
    }
}
