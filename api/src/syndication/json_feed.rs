//! A [`Feed`] as JSON Feed 1.1 (<https://www.jsonfeed.org/version/1.1/>), as serde
//! types: fields the spec names, absent rather than `null` when there is nothing to
//! say. An item carries `content_html` when the site gives full posts and
//! `content_text` (the excerpt) otherwise, since the spec wants one of them; `summary`
//! is always the excerpt.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use super::{Entry, Feed, Person};

/// The `version` of every feed written here.
pub const VERSION: &str = "https://jsonfeed.org/version/1.1";

#[derive(Debug, Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: &'a str,
    feed_url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    icon: Option<&'a str>,
    language: &'a str,
    items: Vec<Item<'a>>,
}

#[derive(Debug, Serialize)]
struct Item<'a> {
    id: &'a str,
    url: &'a str,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_html: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_text: Option<&'a str>,
    summary: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<&'a str>,
    date_published: String,
    date_modified: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<Author<'a>>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    tags: &'a [String],
}

#[derive(Debug, Serialize)]
struct Author<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

/// RFC 3339, as the spec asks.
fn date(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn author(p: &Person) -> Author<'_> {
    Author {
        name: &p.name,
        url: p.url.as_deref(),
    }
}

fn item(e: &Entry) -> Item<'_> {
    Item {
        id: &e.id,
        url: &e.url,
        title: &e.title,
        content_html: e.content_html.as_deref(),
        content_text: e.content_html.is_none().then_some(e.summary.as_str()),
        summary: &e.summary,
        image: e.image.as_deref(),
        date_published: date(e.published),
        date_modified: date(e.updated),
        authors: e.authors.iter().map(author).collect(),
        tags: &e.tags,
    }
}

/// `feed` as a JSON Feed 1.1 document.
pub fn write(feed: &Feed) -> Result<Vec<u8>, String> {
    let doc = JsonFeed {
        version: VERSION,
        title: &feed.title,
        home_page_url: &feed.home_url,
        feed_url: &feed.feed_url,
        description: feed.description.as_deref(),
        icon: feed.icon.as_deref(),
        language: &feed.language,
        items: feed.entries.iter().map(item).collect(),
    };
    serde_json::to_vec(&doc).map_err(|e| format!("writing JSON Feed: {e}"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::Value;

    use super::*;
    use crate::syndication::tests::sample;

    #[test]
    fn full_and_excerpt_items() {
        let full: Value = serde_json::from_slice(&write(&sample(true)).unwrap()).unwrap();
        assert_eq!(full["version"], VERSION);
        let item = &full["items"][0];
        assert!(item["content_html"].as_str().unwrap().contains("본문"));
        assert!(item.get("content_text").is_none());
        assert_eq!(item["date_published"], "2026-12-01T03:00:00Z");
        assert_eq!(item["authors"][0]["name"], "하늘");
        let excerpt: Value = serde_json::from_slice(&write(&sample(false)).unwrap()).unwrap();
        let item = &excerpt["items"][0];
        assert!(item.get("content_html").is_none());
        assert_eq!(item["content_text"], "한 해를 돌아보며…");
    }
}
