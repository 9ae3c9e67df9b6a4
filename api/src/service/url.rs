//! Links: which ones a writer may store (a post's cover image and canonical URL, an
//! avatar, the site's links): an http(s) URL, or a path on the site. A path is `/x` but
//! never `//host/x` nor `/\host/x`, which browsers follow to another site. And the paths
//! of the public site's own pages ([`SitePage`]), made here and nowhere else, with
//! [`absolute`] to put them under the site's base URL.

use crate::error::{AppError, AppResult};

/// Longest link kept, in bytes.
pub const MAX_URL: usize = 2048;

/// Whether `v` is a path on this site (not a protocol-relative link elsewhere).
pub fn is_site_path(v: &str) -> bool {
    v.starts_with('/') && !v.starts_with("//") && !v.starts_with("/\\")
}

/// Checks a link `field` may hold: an http(s) URL or a path on the site, without spaces
/// or control characters, at most [`MAX_URL`] bytes.
pub fn check(field: &str, url: Option<&str>) -> AppResult<()> {
    let Some(u) = url else {
        return Ok(());
    };
    let ok = u.starts_with("https://") || u.starts_with("http://") || is_site_path(u);
    if !ok || u.len() > MAX_URL || u.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(AppError::bad_input(
            field,
            "must be an http(s) URL or a path on the site starting with a single /",
        ));
    }
    Ok(())
}

/// A listing page of the site by one of its taxonomies (or its authors), at
/// `/{section}/{slug}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Taxonomy {
    Tag,
    Category,
    Series,
    Author,
}

impl Taxonomy {
    pub const ALL: [Self; 4] = [Self::Tag, Self::Category, Self::Series, Self::Author];

    /// The first segment of the pages' paths.
    pub fn section(self) -> &'static str {
        match self {
            Self::Tag => "tags",
            Self::Category => "categories",
            Self::Series => "series",
            Self::Author => "authors",
        }
    }

    /// What one is called, for messages.
    pub fn noun(self) -> &'static str {
        match self {
            Self::Tag => "tag",
            Self::Category => "category",
            Self::Series => "series",
            Self::Author => "author",
        }
    }
}

/// A page of the public site, as a frontend serves it. The one place the site's paths
/// are made: menus, feeds and the sitemap link to these, and a frontend routes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SitePage<'a> {
    /// The home page, `/`.
    Home,
    /// A post, `/posts/{slug}`.
    Post(&'a str),
    /// A page, `/{slug}`.
    Page(&'a str),
    /// A tag's, category's, series' or author's page, `/{section}/{slug}`.
    Listing(Taxonomy, &'a str),
}

impl SitePage<'_> {
    /// The path, slugs as they are (not percent-encoded; [`absolute`] encodes them).
    pub fn path(self) -> String {
        match self {
            Self::Home => "/".to_owned(),
            Self::Post(slug) => format!("/posts/{slug}"),
            Self::Page(slug) => format!("/{slug}"),
            Self::Listing(t, slug) => format!("/{}/{slug}", t.section()),
        }
    }
}

/// `path` (a path on the site, `/…`) as an absolute URL under `base` (an absolute URL
/// ending in `/`), percent-encoded: `/tags/회고` under `https://example.com/blog/` is
/// `https://example.com/blog/tags/%ED%9A%8C%EA%B3%A0`. `None` when `base` is no URL.
pub fn absolute(base: &str, path: &str) -> Option<String> {
    let base = url::Url::parse(base).ok()?;
    base.join(path.trim_start_matches('/'))
        .ok()
        .map(String::from)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn site_paths_and_their_absolute_urls() {
        let base = "https://example.com/blog/";
        let cases = [
            (SitePage::Home, "/", "https://example.com/blog/"),
            (
                SitePage::Post("2023년-회고"),
                "/posts/2023년-회고",
                "https://example.com/blog/posts/2023%EB%85%84-%ED%9A%8C%EA%B3%A0",
            ),
            (
                SitePage::Page("about"),
                "/about",
                "https://example.com/blog/about",
            ),
            (
                SitePage::Listing(Taxonomy::Tag, "회고"),
                "/tags/회고",
                "https://example.com/blog/tags/%ED%9A%8C%EA%B3%A0",
            ),
            (
                SitePage::Listing(Taxonomy::Category, "글"),
                "/categories/글",
                "https://example.com/blog/categories/%EA%B8%80",
            ),
            (
                SitePage::Listing(Taxonomy::Series, "rust"),
                "/series/rust",
                "https://example.com/blog/series/rust",
            ),
            (
                SitePage::Listing(Taxonomy::Author, "하늘"),
                "/authors/하늘",
                "https://example.com/blog/authors/%ED%95%98%EB%8A%98",
            ),
        ];
        for (page, path, url) in cases {
            assert_eq!(page.path(), path);
            assert_eq!(absolute(base, &page.path()).unwrap(), url);
        }
    }
}
