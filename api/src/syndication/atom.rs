//! A [`Feed`] as Atom 1.0 (RFC 4287, with `atom_syndication`): the feed's id is its own
//! URL, each entry's the post's permanent `tag:` URI; the excerpt is the `summary` and,
//! when the site gives full posts, the sanitised HTML the `content`.

use atom_syndication::{
    Category, Content, Entry as AtomEntry, Feed as AtomFeed, FixedDateTime, Generator, Link,
    Person as AtomPerson, Text,
};
use chrono::{DateTime, Utc};

use super::{Entry, Feed, Format};

fn fixed(t: DateTime<Utc>) -> FixedDateTime {
    t.fixed_offset()
}

fn link(href: &str, rel: &str, mime_type: Option<&str>) -> Link {
    Link {
        href: href.to_owned(),
        rel: rel.to_owned(),
        mime_type: mime_type.map(str::to_owned),
        ..Link::default()
    }
}

/// `feed` as an Atom 1.0 document.
pub fn write(feed: &Feed) -> Result<Vec<u8>, String> {
    let atom = AtomFeed {
        title: Text::plain(feed.title.clone()),
        id: feed.feed_url.clone(),
        updated: fixed(feed.updated),
        subtitle: feed.description.clone().map(Text::plain),
        links: vec![
            link(&feed.home_url, "alternate", Some("text/html")),
            link(&feed.feed_url, "self", Some(Format::Atom.media_type())),
        ],
        icon: feed.icon.clone(),
        generator: Some(Generator {
            value: "quire".to_owned(),
            ..Generator::default()
        }),
        lang: Some(feed.language.clone()),
        entries: feed.entries.iter().map(entry).collect(),
        ..AtomFeed::default()
    };
    atom.write_to(Vec::new())
        .map_err(|e| format!("writing Atom: {e}"))
}

fn entry(e: &Entry) -> AtomEntry {
    AtomEntry {
        title: Text::plain(e.title.clone()),
        id: e.id.clone(),
        updated: fixed(e.updated),
        published: Some(fixed(e.published)),
        authors: e
            .authors
            .iter()
            .map(|a| AtomPerson {
                name: a.name.clone(),
                uri: a.url.clone(),
                ..AtomPerson::default()
            })
            .collect(),
        categories: e
            .tags
            .iter()
            .map(|t| Category {
                term: t.clone(),
                ..Category::default()
            })
            .collect(),
        links: vec![link(&e.url, "alternate", Some("text/html"))],
        summary: Some(Text::plain(e.summary.clone())),
        content: e.content_html.as_ref().map(|html| Content {
            value: Some(html.clone()),
            content_type: Some("html".to_owned()),
            ..Content::default()
        }),
        ..AtomEntry::default()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::syndication::tests::sample;

    #[test]
    fn reads_back_with_atom_syndication() {
        let bytes = write(&sample(true)).unwrap();
        let back = AtomFeed::read_from(&bytes[..]).unwrap();
        assert_eq!(back.title.value, "하늘의 <개발> 노트 & 일기");
        assert_eq!(back.lang.as_deref(), Some("ko"));
        let e = &back.entries[0];
        assert_eq!(e.title.value, "2026년 회고 <b>&</b>");
        assert_eq!(e.authors[0].name, "하늘");
        assert_eq!(
            e.content.as_ref().unwrap().value.as_deref(),
            Some("<p>본문 <a href=\"https://example.com/x\">링크</a> ]]> 끝</p>")
        );
        assert_eq!(e.categories.len(), 2);
    }
}
