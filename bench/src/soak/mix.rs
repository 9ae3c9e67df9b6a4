//! The soak's reads: what a blog frontend asks for, anonymously, with a share of
//! distinct queries (archive pages by date, two-word searches) that the response cache
//! cannot have seen.

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use crate::{
    corpus::text::{KO, Rng},
    shapes::{HOME, POST, TAG},
};

pub const SEARCH: &str = "query Search($q: String!) { search(query: $q, first: 10) { \
totalCount nodes { snippet post { title slug publishedAt } } } }";

pub const SITE: &str = "query Site { site { title language timezone \
primaryMenu { label url children { label url } } secondaryMenu { label url } } }";

pub const CATEGORY: &str = "query CategoryPage($slug: String!) { category(slug: $slug) { \
name path { name slug } children { name slug } postCount posts(first: 20) { nodes { \
title slug excerpt publishedAt author { name } } } } }";

pub const PAGE: &str = "query Page($slug: String!) { page(slug: $slug) { title html \
toc { level text anchor } breadcrumbs { title slug } children { title slug } } }";

/// Posts published before a moment: distinct variables each time, so always a miss.
pub const ARCHIVE: &str = "query Archive($before: DateTime!) { \
posts(first: 20, filter: { publishedBefore: $before }) { nodes { title slug publishedAt } } }";

/// What the reads pick from: slugs that exist on the server.
#[derive(Debug, Clone, Default)]
pub struct Targets {
    pub post_slugs: Vec<String>,
    pub tag_slugs: Vec<String>,
    pub category_slugs: Vec<String>,
    pub page_slugs: Vec<String>,
}

/// A read's kind, with its weight in the mix (per 100 reads).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Read {
    Home,
    Post,
    Tag,
    Search,
    Site,
    Category,
    Page,
    Archive,
}

pub const MIX: &[(Read, usize)] = &[
    (Read::Home, 20),
    (Read::Post, 30),
    (Read::Tag, 10),
    (Read::Search, 10),
    (Read::Site, 10),
    (Read::Category, 5),
    (Read::Page, 5),
    (Read::Archive, 10),
];

impl Read {
    /// The next read of the mix.
    pub fn pick(rng: &mut Rng) -> Self {
        let total: usize = MIX.iter().map(|(_, w)| w).sum();
        let mut n = rng.below(total);
        for &(read, weight) in MIX {
            if n < weight {
                return read;
            }
            n -= weight;
        }
        Self::Home
    }
}

fn body(query: &str, operation: &str, variables: Value) -> String {
    json!({ "query": query, "operationName": operation, "variables": variables }).to_string()
}

fn one<'a>(rng: &mut Rng, of: &'a [String]) -> &'a str {
    of.get(rng.below(of.len())).map_or("", String::as_str)
}

/// The JSON body of a `read` over `targets`; `post_slug` is the post to show when the
/// read is a post page (the caller's list also holds posts published during the run).
pub fn request(read: Read, rng: &mut Rng, targets: &Targets, post_slug: &str) -> String {
    match read {
        Read::Home => body(HOME, "Home", json!({ "first": 20 })),
        Read::Post => body(POST, "PostPage", json!({ "slug": post_slug })),
        Read::Tag => body(
            TAG,
            "TagPage",
            json!({ "slug": one(rng, &targets.tag_slugs) }),
        ),
        Read::Search => {
            let q = if rng.below(2) == 0 {
                KO[rng.below(KO.len())].to_owned()
            } else {
                format!("{} {}", KO[rng.below(KO.len())], KO[rng.below(KO.len())])
            };
            body(SEARCH, "Search", json!({ "q": q }))
        }
        Read::Site => body(SITE, "Site", json!({})),
        Read::Category => body(
            CATEGORY,
            "CategoryPage",
            json!({ "slug": one(rng, &targets.category_slugs) }),
        ),
        Read::Page => body(
            PAGE,
            "Page",
            json!({ "slug": one(rng, &targets.page_slugs) }),
        ),
        Read::Archive => {
            let seconds = i64::try_from(rng.below(1_000_000)).unwrap_or(0) * 2;
            let before = Utc::now() - Duration::seconds(seconds);
            body(
                ARCHIVE,
                "Archive",
                json!({ "before": before.to_rfc3339_opts(chrono::SecondsFormat::Secs, true) }),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mix_picks_every_read_in_about_its_share() {
        let mut rng = Rng(42);
        let mut counts = std::collections::HashMap::new();
        for _ in 0..100_000 {
            *counts.entry(Read::pick(&mut rng)).or_insert(0usize) += 1;
        }
        for &(read, weight) in MIX {
            let share = counts.get(&read).copied().unwrap_or(0) as f64 / 1000.0;
            assert!(
                (share - weight as f64).abs() < 1.0,
                "{read:?}: {share} % for a weight of {weight}"
            );
        }
    }
}
