//! Feeds and sitemaps as bytes: a neutral model of a feed ([`Feed`], [`Entry`]) written
//! as RSS 2.0 ([`rss`], with the `rss` crate), Atom 1.0 ([`atom`], with
//! `atom_syndication`) or JSON Feed 1.1 ([`json_feed`], serde types), and the sitemap
//! protocol's files ([`sitemap`], with quick-xml). Pure: the model comes filled with
//! absolute URLs and sanitised HTML; nothing here reads a database or knows HTTP.

pub mod atom;
pub mod json_feed;
pub mod rss;
pub mod sitemap;

use chrono::{DateTime, Utc};

/// One of the three feed formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Rss,
    Atom,
    Json,
}

impl Format {
    pub const ALL: [Self; 3] = [Self::Rss, Self::Atom, Self::Json];

    /// The media type of the format's documents (for `Content-Type` and `<link type>`).
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Rss => "application/rss+xml",
            Self::Atom => "application/atom+xml",
            Self::Json => "application/feed+json",
        }
    }

    /// The format's name for people ("RSS", "Atom", "JSON Feed").
    pub fn label(self) -> &'static str {
        match self {
            Self::Rss => "RSS",
            Self::Atom => "Atom",
            Self::Json => "JSON Feed",
        }
    }

    /// `feed` in this format.
    pub fn write(self, feed: &Feed) -> Result<Vec<u8>, String> {
        match self {
            Self::Rss => rss::write(feed),
            Self::Atom => atom::write(feed),
            Self::Json => json_feed::write(feed),
        }
    }
}

/// A feed: what it is about and its newest entries.
#[derive(Debug, Clone, PartialEq)]
pub struct Feed {
    pub title: String,
    pub description: Option<String>,
    /// The page the feed follows (the home page, a tag's page), absolute.
    pub home_url: String,
    /// The feed's own URL, absolute.
    pub feed_url: String,
    /// A BCP 47 tag.
    pub language: String,
    /// When an entry (or the site) last changed.
    pub updated: DateTime<Utc>,
    /// The site's icon, absolute.
    pub icon: Option<String>,
    /// Newest first.
    pub entries: Vec<Entry>,
}

/// One post in a feed.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// A permanent identifier (a `tag:` URI): unchanged when the post's slug is.
    pub id: String,
    /// The post's page, absolute.
    pub url: String,
    pub title: String,
    /// Plain text.
    pub summary: String,
    /// The whole post as sanitised HTML with absolute links; `None` when the site
    /// gives excerpts only.
    pub content_html: Option<String>,
    pub published: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    /// In byline order.
    pub authors: Vec<Person>,
    /// Tag names, in the post's order.
    pub tags: Vec<String>,
    /// The cover image, absolute.
    pub image: Option<String>,
}

/// An author.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    /// The author's page, absolute.
    pub url: Option<String>,
}

#[cfg(test)]
pub(crate) mod tests {
    use chrono::TimeZone;

    use super::*;

    /// A feed with a Hangul title, markup and characters XML must escape.
    pub fn sample(full: bool) -> Feed {
        let at = |h| {
            Utc.with_ymd_and_hms(2026, 12, 1, h, 0, 0)
                .single()
                .unwrap_or_default()
        };
        Feed {
            title: "하늘의 <개발> 노트 & 일기".into(),
            description: Some("설명 \"따옴표\"".into()),
            home_url: "https://example.com/".into(),
            feed_url: "https://example.com/feed.xml".into(),
            language: "ko".into(),
            updated: at(5),
            icon: Some("https://example.com/icon.png".into()),
            entries: vec![Entry {
                id: "tag:example.com,2026-12-01:post-1".into(),
                url: "https://example.com/posts/%ED%9A%8C%EA%B3%A0".into(),
                title: "2026년 회고 <b>&</b>".into(),
                summary: "한 해를 돌아보며…".into(),
                content_html: full.then(|| {
                    "<p>본문 <a href=\"https://example.com/x\">링크</a> ]]> 끝</p>".into()
                }),
                published: at(3),
                updated: at(5),
                authors: vec![Person {
                    name: "하늘".into(),
                    url: Some("https://example.com/authors/%ED%95%98%EB%8A%98".into()),
                }],
                tags: vec!["회고".into(), "rust".into()],
                image: None,
            }],
        }
    }
}
