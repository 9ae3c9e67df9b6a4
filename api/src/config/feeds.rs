//! The feeds' and sitemaps' paths and sizes (flags of `quire serve`).

use clap::Args;

/// The feeds (RSS, Atom, JSON Feed) and sitemaps: their paths and sizes. A feed of the
/// whole blog is at `{prefix}/{file}`; one of a tag, category, series or author under
/// that page's path, `{prefix}/tags/{slug}/{file}`; see `service::feed::paths`.
#[derive(Debug, Clone, Args)]
pub struct FeedConfig {
    /// Path put before every feed's path (empty, or `/` and a path without a trailing
    /// `/`, such as `/feeds`). The sitemap and robots.txt stay at the root.
    #[arg(long, env = "QUIRE_FEED_PREFIX", default_value = "", value_parser = feed_prefix)]
    pub feed_prefix: String,
    /// File name of the RSS 2.0 feeds.
    #[arg(long, env = "QUIRE_FEED_RSS", default_value = "feed.xml", value_parser = feed_file)]
    pub feed_rss: String,
    /// File name of the Atom 1.0 feeds.
    #[arg(long, env = "QUIRE_FEED_ATOM", default_value = "atom.xml", value_parser = feed_file)]
    pub feed_atom: String,
    /// File name of the JSON Feed 1.1 feeds.
    #[arg(long, env = "QUIRE_FEED_JSON", default_value = "feed.json", value_parser = feed_file)]
    pub feed_json: String,
    /// Posts in each feed, newest first (1 to 1000).
    #[arg(long, env = "QUIRE_FEED_ITEMS", default_value_t = FeedConfig::DEFAULT.feed_items,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub feed_items: u32,
    /// URLs in one sitemap file (1 to 50,000, the protocol's limit); past it,
    /// `/sitemap.xml` becomes a sitemap index of `/sitemaps/1.xml`, `/sitemaps/2.xml`….
    #[arg(long, env = "QUIRE_SITEMAP_MAX_URLS", default_value_t = FeedConfig::DEFAULT.sitemap_max_urls,
          value_parser = clap::value_parser!(u32).range(1..=50_000))]
    pub sitemap_max_urls: u32,
}

impl FeedConfig {
    /// The numbers of the defaults; [`FeedConfig::default`] has the paths too.
    pub const DEFAULT: Self = Self {
        feed_prefix: String::new(),
        feed_rss: String::new(),
        feed_atom: String::new(),
        feed_json: String::new(),
        feed_items: 20,
        sitemap_max_urls: 50_000,
    };
}

impl Default for FeedConfig {
    fn default() -> Self {
        Self {
            feed_rss: "feed.xml".to_owned(),
            feed_atom: "atom.xml".to_owned(),
            feed_json: "feed.json".to_owned(),
            ..Self::DEFAULT
        }
    }
}

/// `--feed-prefix`: empty, or `/` followed by path segments, no trailing `/`.
fn feed_prefix(v: &str) -> Result<String, String> {
    if v.is_empty() {
        return Ok(String::new());
    }
    let ok = v.starts_with('/')
        && v[1..]
            .split('/')
            .all(|segment| !segment.is_empty() && plain_segment(segment));
    if ok {
        Ok(v.to_owned())
    } else {
        Err("must be empty or a path such as /feeds (no trailing /)".to_owned())
    }
}

/// A feed's file name: one path segment such as `feed.xml`.
fn feed_file(v: &str) -> Result<String, String> {
    if !v.is_empty() && plain_segment(v) {
        Ok(v.to_owned())
    } else {
        Err("must be one path segment such as feed.xml (letters, digits, '.', '-', '_')".to_owned())
    }
}

fn plain_segment(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        && s != "."
        && s != ".."
}
