//! A [`Feed`] as RSS 2.0 (with the `rss` crate): the whole post in `content:encoded`
//! when the site gives full posts, the excerpt in `description`, authors as
//! `dc:creator` (RSS's own `author` wants an e-mail address), and an `atom:link` to the
//! feed itself, as the RSS Advisory Board recommends.

use rss::{
    Category, Channel, Guid, Image, Item,
    extension::{
        atom::{AtomExtension, Link},
        dublincore::DublinCoreExtension,
    },
};

use super::{Entry, Feed, Format};

/// `feed` as an RSS 2.0 document.
pub fn write(feed: &Feed) -> Result<Vec<u8>, String> {
    let channel = Channel {
        title: feed.title.clone(),
        link: feed.home_url.clone(),
        description: feed
            .description
            .clone()
            .unwrap_or_else(|| feed.title.clone()),
        language: Some(feed.language.clone()),
        last_build_date: Some(feed.updated.to_rfc2822()),
        generator: Some("quire".to_owned()),
        docs: Some("https://www.rssboard.org/rss-specification".to_owned()),
        image: feed.icon.as_ref().map(|url| Image {
            url: url.clone(),
            title: feed.title.clone(),
            link: feed.home_url.clone(),
            ..Image::default()
        }),
        atom_ext: Some(AtomExtension {
            links: vec![Link {
                href: feed.feed_url.clone(),
                rel: "self".to_owned(),
                mime_type: Some(Format::Rss.media_type().to_owned()),
                ..Link::default()
            }],
        }),
        items: feed.entries.iter().map(item).collect(),
        ..Channel::default()
    };
    channel
        .write_to(Vec::new())
        .map_err(|e| format!("writing RSS: {e}"))
}

fn item(e: &Entry) -> Item {
    Item {
        title: Some(e.title.clone()),
        link: Some(e.url.clone()),
        description: Some(e.summary.clone()),
        content: e.content_html.clone(),
        guid: Some(Guid {
            value: e.id.clone(),
            permalink: false,
        }),
        pub_date: Some(e.published.to_rfc2822()),
        categories: e
            .tags
            .iter()
            .map(|t| Category {
                name: t.clone(),
                domain: None,
            })
            .collect(),
        dublin_core_ext: (!e.authors.is_empty()).then(|| DublinCoreExtension {
            creators: e.authors.iter().map(|a| a.name.clone()).collect(),
            ..DublinCoreExtension::default()
        }),
        ..Item::default()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::syndication::tests::sample;

    #[test]
    fn reads_back_with_the_rss_crate() {
        let bytes = write(&sample(true)).unwrap();
        let back = Channel::read_from(&bytes[..]).unwrap();
        assert_eq!(back.title, "하늘의 <개발> 노트 & 일기");
        assert_eq!(back.items.len(), 1);
        let item = &back.items[0];
        assert_eq!(item.title.as_deref(), Some("2026년 회고 <b>&</b>"));
        assert_eq!(
            item.content.as_deref(),
            Some("<p>본문 <a href=\"https://example.com/x\">링크</a> ]]> 끝</p>")
        );
        assert_eq!(
            item.guid.as_ref().unwrap().value,
            "tag:example.com,2026-12-01:post-1"
        );
        assert_eq!(
            item.dublin_core_ext.as_ref().unwrap().creators,
            vec!["하늘".to_owned()]
        );
        assert_eq!(
            back.atom_ext.unwrap().links[0].href,
            "https://example.com/feed.xml"
        );
    }

    #[test]
    fn an_excerpt_feed_has_no_content() {
        let bytes = write(&sample(false)).unwrap();
        let back = Channel::read_from(&bytes[..]).unwrap();
        assert_eq!(back.items[0].content, None);
        assert_eq!(
            back.items[0].description.as_deref(),
            Some("한 해를 돌아보며…")
        );
    }
}
