//! Where the feeds and sitemaps are, the one place their paths are made and read back.
//!
//! A feed follows a page of the site ([`SitePage`]) and sits under its path, after the
//! configured prefix: `{prefix}/{file}` for the whole blog, `{prefix}/tags/{slug}/{file}`
//! for a tag (`categories`, `series`, `authors` alike), where `{file}` names the format
//! (`feed.xml`, `atom.xml`, `feed.json` by default). The sitemap is `/sitemap.xml`, its
//! parts past the per-file limit `/sitemaps/{n}.xml`, and `/robots.txt` names it.

use percent_encoding::percent_decode_str;

use crate::{
    config::FeedConfig,
    service::url::{SitePage, Taxonomy},
    syndication::Format,
};

/// The sitemap (or the sitemap index, past the per-file limit).
pub const SITEMAP: &str = "/sitemap.xml";
/// The folder of the sitemap's numbered parts.
pub const SITEMAP_PARTS: &str = "/sitemaps";
pub const ROBOTS: &str = "/robots.txt";

/// Which posts a feed follows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FeedScope {
    /// Every post.
    Site,
    /// The posts of one tag, category (and those below it), series or author.
    Of(Taxonomy, String),
}

impl FeedScope {
    /// The page the feed follows.
    pub fn page(&self) -> SitePage<'_> {
        match self {
            Self::Site => SitePage::Home,
            Self::Of(t, slug) => SitePage::Listing(*t, slug),
        }
    }
}

/// What a path names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resource {
    Feed(FeedScope, Format),
    /// `/sitemap.xml`: the sitemap, or the index of its parts.
    Sitemap,
    /// `/sitemaps/{n}.xml`, from 1.
    SitemapPart(usize),
    Robots,
}

/// The feeds' paths and sizes, from the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedPaths {
    prefix: String,
    files: [(Format, String); 3],
    /// Posts in each feed.
    pub items: u64,
    /// URLs in each sitemap file.
    pub sitemap_max_urls: usize,
}

impl FeedPaths {
    pub fn new(config: &FeedConfig) -> Self {
        Self {
            prefix: config.feed_prefix.clone(),
            files: [
                (Format::Rss, config.feed_rss.clone()),
                (Format::Atom, config.feed_atom.clone()),
                (Format::Json, config.feed_json.clone()),
            ],
            items: u64::from(config.feed_items),
            sitemap_max_urls: usize::try_from(config.sitemap_max_urls).unwrap_or(1).max(1),
        }
    }

    /// Refuses a configuration whose paths cannot be told apart from each other or
    /// from the server's other paths (`reserved`, besides the sitemap's and robots.txt).
    pub fn check(&self, reserved: &[&str]) -> Result<(), String> {
        let [(_, a), (_, b), (_, c)] = &self.files;
        if a == b || b == c || a == c {
            return Err(format!(
                "the feeds' file names must differ (RSS {a}, Atom {b}, JSON Feed {c})"
            ));
        }
        for format in Format::ALL {
            let path = self.feed(&FeedScope::Site, format);
            if [SITEMAP, ROBOTS].iter().chain(reserved).any(|r| *r == path) {
                return Err(format!("the feed path {path} is taken by another endpoint"));
            }
        }
        Ok(())
    }

    fn file(&self, format: Format) -> &str {
        self.files
            .iter()
            .find(|(f, _)| *f == format)
            .map_or("", |(_, name)| name.as_str())
    }

    /// The path of a feed (slugs as they are; make it absolute with
    /// [`crate::service::url::absolute`], which percent-encodes them).
    pub fn feed(&self, scope: &FeedScope, format: Format) -> String {
        let file = self.file(format);
        match scope {
            FeedScope::Site => format!("{}/{file}", self.prefix),
            FeedScope::Of(..) => format!("{}{}/{file}", self.prefix, scope.page().path()),
        }
    }

    /// The path of the sitemap's part `n` (from 1).
    pub fn sitemap_part(n: usize) -> String {
        format!("{SITEMAP_PARTS}/{n}.xml")
    }

    /// The paths a server must route here: exact ones, and folders whose every path
    /// [`Self::parse`] decides on.
    pub fn routes(&self) -> (Vec<String>, Vec<String>) {
        let mut exact: Vec<String> = Format::ALL
            .iter()
            .map(|f| self.feed(&FeedScope::Site, *f))
            .collect();
        exact.extend([SITEMAP.to_owned(), ROBOTS.to_owned()]);
        let mut folders: Vec<String> = Taxonomy::ALL
            .iter()
            .map(|t| format!("{}/{}", self.prefix, t.section()))
            .collect();
        folders.push(SITEMAP_PARTS.to_owned());
        (exact, folders)
    }

    /// What a request's path (percent-encoded, as sent) names, if anything.
    pub fn parse(&self, raw_path: &str) -> Option<Resource> {
        let path = percent_decode_str(raw_path).decode_utf8().ok()?;
        match path.as_ref() {
            SITEMAP => return Some(Resource::Sitemap),
            ROBOTS => return Some(Resource::Robots),
            _ => {}
        }
        if let Some(n) = path
            .strip_prefix(SITEMAP_PARTS)
            .and_then(|p| p.strip_prefix('/'))
            .and_then(|p| p.strip_suffix(".xml"))
        {
            // Written as [`Self::sitemap_part`] writes it: from 1, no leading zeros.
            return n
                .parse::<usize>()
                .ok()
                .filter(|k| *k >= 1 && k.to_string() == n)
                .map(Resource::SitemapPart);
        }
        let rest = path.strip_prefix(self.prefix.as_str())?.strip_prefix('/')?;
        let (dir, file) = rest.rsplit_once('/').unwrap_or(("", rest));
        let format = self.files.iter().find(|(_, name)| name == file)?.0;
        if dir.is_empty() {
            return Some(Resource::Feed(FeedScope::Site, format));
        }
        let (section, slug) = dir.split_once('/')?;
        let taxonomy = Taxonomy::ALL.into_iter().find(|t| t.section() == section)?;
        if slug.is_empty() || slug.contains('/') {
            return None;
        }
        Some(Resource::Feed(
            FeedScope::Of(taxonomy, slug.to_owned()),
            format,
        ))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn paths(prefix: &str) -> FeedPaths {
        FeedPaths::new(&FeedConfig {
            feed_prefix: prefix.to_owned(),
            ..FeedConfig::default()
        })
    }

    #[test]
    fn every_feed_path_reads_back_as_its_feed() {
        for prefix in ["", "/feeds", "/a/b"] {
            let p = paths(prefix);
            let mut scopes = vec![FeedScope::Site];
            for t in Taxonomy::ALL {
                scopes.push(FeedScope::Of(t, "2023년-회고".to_owned()));
                scopes.push(FeedScope::Of(t, "rust".to_owned()));
            }
            for scope in scopes {
                for format in Format::ALL {
                    let path = p.feed(&scope, format);
                    let want = Some(Resource::Feed(scope.clone(), format));
                    assert_eq!(p.parse(&path), want, "{path}");
                    let encoded = crate::service::url::absolute("https://x.example/", &path)
                        .unwrap()
                        .trim_start_matches("https://x.example")
                        .to_owned();
                    assert_eq!(p.parse(&encoded), want, "{encoded}");
                }
            }
        }
    }

    #[test]
    fn the_default_paths() {
        let p = paths("");
        let tag = FeedScope::Of(Taxonomy::Tag, "회고".to_owned());
        assert_eq!(p.feed(&FeedScope::Site, Format::Rss), "/feed.xml");
        assert_eq!(p.feed(&FeedScope::Site, Format::Atom), "/atom.xml");
        assert_eq!(p.feed(&FeedScope::Site, Format::Json), "/feed.json");
        assert_eq!(p.feed(&tag, Format::Rss), "/tags/회고/feed.xml");
        assert_eq!(
            paths("/feeds").feed(&FeedScope::Of(Taxonomy::Author, "a".into()), Format::Json),
            "/feeds/authors/a/feed.json"
        );
        assert_eq!(p.parse("/sitemap.xml"), Some(Resource::Sitemap));
        assert_eq!(p.parse("/robots.txt"), Some(Resource::Robots));
        assert_eq!(p.parse("/sitemaps/2.xml"), Some(Resource::SitemapPart(2)));
    }

    #[test]
    fn other_paths_name_nothing() {
        let p = paths("/feeds");
        for path in [
            "/feed.xml",
            "/feeds/feed.txt",
            "/feeds/tags/feed.xml",
            "/feeds/tags//feed.xml",
            "/feeds/tags/a/b/feed.xml",
            "/feeds/pages/a/feed.xml",
            "/sitemaps/0.xml",
            "/sitemaps/01.xml",
            "/sitemaps/x.xml",
            "/sitemaps/1",
            "/feeds/tags/%FF/feed.xml",
        ] {
            assert_eq!(p.parse(path), None, "{path}");
        }
    }

    #[test]
    fn paths_must_differ() {
        let same = FeedPaths::new(&FeedConfig {
            feed_atom: "feed.xml".to_owned(),
            ..FeedConfig::default()
        });
        assert!(same.check(&[]).is_err());
        assert!(paths("").check(&["/graphql"]).is_ok());
        let taken = FeedPaths::new(&FeedConfig {
            feed_json: "graphql".to_owned(),
            ..FeedConfig::default()
        });
        assert!(taken.check(&["/graphql"]).is_err());
        let sitemap = FeedPaths::new(&FeedConfig {
            feed_rss: "sitemap.xml".to_owned(),
            ..FeedConfig::default()
        });
        assert!(sitemap.check(&[]).is_err());
    }
}
