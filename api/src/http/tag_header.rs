//! The cache-tag header of cacheable answers (GraphQL GETs without a token, feeds, the
//! sitemap, robots.txt): the keys of [`crate::service::cache_tags`] that the answer
//! contains, under the configured name (`Surrogate-Key` by default), separated by
//! spaces (commas for Cloudflare's `Cache-Tag`). A list longer than the configured limit
//! is replaced by the fallback key `all` alone, which every change names.

use poem::http::{HeaderName, HeaderValue};

use crate::{config::CacheTagConfig, service::cache_tags::ALL};

/// The header as configured.
#[derive(Debug, Clone)]
pub struct TagHeader {
    name: HeaderName,
    separator: &'static str,
    max_bytes: usize,
}

impl TagHeader {
    /// `None` when no header is configured.
    pub fn new(config: &CacheTagConfig) -> Option<Self> {
        let name = HeaderName::from_bytes(config.cache_tag_header.as_bytes()).ok()?;
        let separator = if name.as_str() == "cache-tag" {
            ","
        } else {
            " "
        };
        Some(Self {
            name,
            separator,
            max_bytes: usize::try_from(config.cache_tag_max_bytes).unwrap_or(usize::MAX),
        })
    }

    /// The header's name and value for an answer tagged `tags`.
    pub fn of(&self, tags: &[String]) -> (HeaderName, HeaderValue) {
        let joined = tags.join(self.separator);
        let value = if joined.len() > self.max_bytes {
            HeaderValue::from_static(ALL)
        } else {
            HeaderValue::from_str(&joined).unwrap_or_else(|_| HeaderValue::from_static(ALL))
        };
        (self.name.clone(), value)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn header(name: &str, max: u32) -> TagHeader {
        TagHeader::new(&CacheTagConfig {
            cache_tag_header: name.to_owned(),
            cache_tag_max_bytes: max,
        })
        .unwrap()
    }

    #[test]
    fn separators_follow_each_cdn_and_overflow_falls_back() {
        let tags = vec!["post:1".to_owned(), "posts".to_owned()];
        let (name, value) = header("Surrogate-Key", 64).of(&tags);
        assert_eq!(
            (name.as_str(), value.to_str().unwrap()),
            ("surrogate-key", "post:1 posts")
        );
        let (name, value) = header("Cache-Tag", 64).of(&tags);
        assert_eq!(
            (name.as_str(), value.to_str().unwrap()),
            ("cache-tag", "post:1,posts")
        );
        let (_, value) = header("xkey", 12).of(&tags);
        assert_eq!(value.to_str().unwrap(), "post:1 posts");
        let (_, value) = header("xkey", 11).of(&tags);
        assert_eq!(value.to_str().unwrap(), "all");
        assert!(
            TagHeader::new(&CacheTagConfig {
                cache_tag_header: String::new(),
                cache_tag_max_bytes: 16
            })
            .is_none()
        );
    }
}
