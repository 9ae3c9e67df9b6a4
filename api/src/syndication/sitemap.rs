//! The sitemap protocol's files (<https://www.sitemaps.org/protocol.html>), written with
//! quick-xml: a `urlset` of at most 50,000 URLs, and a `sitemapindex` naming such
//! files when a site has more. Also `robots.txt`, which names the sitemap.

use chrono::{DateTime, SecondsFormat, Utc};
use quick_xml::{
    Writer,
    events::{BytesDecl, BytesText, Event},
};

/// The namespace of both kinds of file.
pub const NAMESPACE: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
/// The most URLs one file may list, and the most files an index may name.
pub const MAX_URLS: usize = 50_000;

/// A page (or, in an index, a sitemap file) and when it last changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// Absolute and percent-encoded.
    pub loc: String,
    pub lastmod: Option<DateTime<Utc>>,
}

/// A `urlset` listing `urls`.
pub fn urlset(urls: &[Located]) -> Result<Vec<u8>, String> {
    document("urlset", "url", urls)
}

/// A `sitemapindex` naming the sitemap files `parts`.
pub fn index(parts: &[Located]) -> Result<Vec<u8>, String> {
    document("sitemapindex", "sitemap", parts)
}

fn document(root: &str, item: &str, entries: &[Located]) -> Result<Vec<u8>, String> {
    let mut w = Writer::new(Vec::with_capacity(120 * entries.len() + 200));
    let written = w
        .write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .and_then(|()| {
            w.create_element(root)
                .with_attribute(("xmlns", NAMESPACE))
                .write_inner_content(|w| {
                    for e in entries {
                        w.create_element(item).write_inner_content(|w| {
                            w.create_element("loc")
                                .write_text_content(BytesText::new(&e.loc))?;
                            if let Some(t) = e.lastmod {
                                let t = t.to_rfc3339_opts(SecondsFormat::Secs, true);
                                w.create_element("lastmod")
                                    .write_text_content(BytesText::new(&t))?;
                            }
                            Ok(())
                        })?;
                    }
                    Ok(())
                })
                .map(|_| ())
        });
    written.map_err(|e| format!("writing a sitemap: {e}"))?;
    Ok(w.into_inner())
}

/// `robots.txt`: every crawler may read everything; the sitemap's URL when there is one.
pub fn robots(sitemap_url: Option<&str>) -> Vec<u8> {
    let mut text = String::from("User-agent: *\nDisallow:\n");
    if let Some(url) = sitemap_url {
        text.push_str(&format!("\nSitemap: {url}\n"));
    }
    text.into_bytes()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use chrono::TimeZone;

    use super::*;

    #[test]
    fn a_urlset_escapes_and_dates_its_urls() {
        let at = Utc.with_ymd_and_hms(2026, 12, 7, 3, 4, 5).unwrap();
        let xml = urlset(&[
            Located {
                loc: "https://example.com/posts/%ED%9A%8C%EA%B3%A0?a=1&b=2".into(),
                lastmod: Some(at),
            },
            Located {
                loc: "https://example.com/".into(),
                lastmod: None,
            },
        ])
        .unwrap();
        let xml = String::from_utf8(xml).unwrap();
        assert_eq!(
            xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
             <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\
             <url><loc>https://example.com/posts/%ED%9A%8C%EA%B3%A0?a=1&amp;b=2</loc>\
             <lastmod>2026-12-07T03:04:05Z</lastmod></url>\
             <url><loc>https://example.com/</loc></url></urlset>"
        );
    }

    #[test]
    fn robots_names_the_sitemap() {
        assert_eq!(
            String::from_utf8(robots(Some("https://example.com/sitemap.xml"))).unwrap(),
            "User-agent: *\nDisallow:\n\nSitemap: https://example.com/sitemap.xml\n"
        );
        assert_eq!(robots(None), b"User-agent: *\nDisallow:\n");
    }
}
